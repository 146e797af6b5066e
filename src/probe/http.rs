//! `http`, `docserver-health` and `docserver-command` hops.
//!
//! Clients are built once (building one loads the trust store) and keep no idle connections,
//! so every probe opens a fresh connection exactly like a new browser request would. Redirects
//! are not followed: a redirect is a fact worth showing.

use super::errors::find_io_error;
use super::{NetError, Outcome, State};
use crate::config::Hop;
use crate::docserver::settings::JwtSource;
use crate::tr;
use reqwest::header::{HeaderMap, HeaderValue};
use std::time::{Duration, Instant};

use crate::limits::HTTP_BODY_BYTES as BODY_LIMIT;

/// Reads a response body up to `max` bytes and stops there (the rest is never read, so a
/// server that streams an endless body costs `max` bytes, not memory without end). The flag
/// says whether the body was cut.
pub async fn body_capped(
    resp: &mut reqwest::Response,
    max: usize,
) -> Result<(Vec<u8>, bool), reqwest::Error> {
    let mut body = Vec::new();
    while let Some(c) = resp.chunk().await? {
        let room = max - body.len();
        if c.len() >= room {
            body.extend_from_slice(&c[..room]);
            return Ok((
                body,
                c.len() > room || resp.chunk().await.ok().flatten().is_some(),
            ));
        }
        body.extend_from_slice(&c);
    }
    Ok((body, false))
}

/// Reusable HTTP clients (verifying, not verifying for `insecure` hops, and one per hop with a
/// `ca_file`: the system's roots plus that file's).
pub(super) struct Clients {
    strict: Result<reqwest::Client, String>,
    insecure: Result<reqwest::Client, String>,
    per_hop: std::collections::HashMap<String, Result<reqwest::Client, String>>,
}

fn build(insecure: bool) -> Result<reqwest::Client, String> {
    builder(insecure)
        .build()
        .map_err(|e| tr!("hop-http-client-failed", error = e))
}

/// A verifying client that also trusts the certificates of `ca`.
fn build_with_ca(ca: &std::path::Path) -> Result<reqwest::Client, String> {
    let certs = super::certs::load_ca_file(ca)?;
    let certs = certs
        .iter()
        .map(|c| reqwest::Certificate::from_der(c.as_ref()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| tr!("cert-ca-file-unreadable", path = ca.display(), error = e))?;
    builder(false)
        .tls_certs_merge(certs)
        .build()
        .map_err(|e| tr!("hop-http-client-ca-failed", path = ca.display(), error = e))
}

use crate::docserver::client::{builder, error_chain};

/// A response read up to [`BODY_LIMIT`].
struct Answer {
    status: u16,
    headers: HeaderMap,
    body: String,
    ms: f64,
}

impl Answer {
    fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }

    /// Whether an error page was produced by nginx itself.
    fn made_by_nginx(&self) -> bool {
        self.header("server")
            .is_some_and(|s| s.to_ascii_lowercase().starts_with("nginx"))
            || self.body.contains("<center>nginx")
    }

    fn fill(&self, d: &mut super::Detail) {
        d.http_status = Some(self.status);
        d.body = Some(crate::util::shorten(self.body.trim(), 200));
        d.server = self.header("server");
        d.location = self.header("location");
        if let Some(date) = self.header("date")
            && let Ok(t) = chrono::DateTime::parse_from_rfc2822(&date)
        {
            d.date_skew_secs = Some(t.timestamp() - chrono::Utc::now().timestamp());
        }
        if (500..600).contains(&self.status) {
            d.from_proxy = Some(self.made_by_nginx());
        }
    }
}

/// Whether an error chain is a failed name lookup (getaddrinfo's messages, hyper's "dns
/// error"): the request never reached a connect, so it is evidence for DNS only.
fn is_dns_error(chain: &str) -> bool {
    let c = chain.to_ascii_lowercase();
    // The resolvers' and hyper's messages, matched (not text for people).
    [
        "dns error",                            // i18n: not text
        "failed to lookup address",             // i18n: not text
        "name or service not known",            // i18n: not text
        "no address associated",                // i18n: not text
        "temporary failure in name resolution", // i18n: not text
        "name has no usable address",           // i18n: not text
    ]
    .iter()
    .any(|m| c.contains(m))
}

/// Whether an error chain says the peer closed or reset the connection (hyper's words).
fn is_reset(chain: &str) -> bool {
    // i18n: not text (hyper's messages, matched)
    ["closed before message completed", "connection reset"]
        .iter()
        .any(|m| chain.contains(m))
}

/// Why an HTTP request failed, as an outcome.
fn failed(e: &reqwest::Error, url: &str, timeout: Duration) -> Outcome {
    let io = find_io_error(e);
    let chain = error_chain(e);
    let authority = crate::util::UrlParts::parse(url).map(|u| u.authority());
    let who = authority.as_deref().unwrap_or(url);
    let (kind, reason) = if e.is_timeout() {
        (
            NetError::Timeout,
            tr!(
                "hop-no-answer",
                target = url,
                secs = format!("{:.1}", timeout.as_secs_f64())
            ),
        )
    } else if e.is_connect() && is_dns_error(&chain) {
        (NetError::Dns, tr!("hop-http-dns", who = who, error = chain))
    } else if let Some((why, issuer)) = super::certs::find_trust_error(e) {
        let reason = if issuer {
            let hint = super::certs::ca_file_hint();
            tr!("hop-http-untrusted-hint", url = url, why = why, hint = hint)
        } else {
            tr!("hop-http-untrusted", url = url, why = why)
        };
        (NetError::Tls, reason)
    } else if chain.contains("certificate") || chain.contains("tls") || chain.contains("TLS") {
        (
            NetError::Tls,
            tr!("hop-connect-tls", addr = url, detail = chain),
        )
    } else if let Some(io) = io.filter(|_| e.is_connect()) {
        let k = NetError::from_io(io);
        (k, k.connect_reason(who, &io.to_string()))
    } else if e.is_connect() {
        (
            NetError::Other,
            tr!("hop-connect-other", addr = url, detail = chain),
        )
    } else if is_reset(&chain) {
        (NetError::Reset, tr!("hop-http-closed", url = url))
    } else {
        (NetError::Protocol, format!("{url}: {chain}"))
    };
    Outcome::new(State::Fail, reason).with(|d| {
        d.error = Some(kind);
        d.errno = io.and_then(|i| i.raw_os_error());
    })
}

/// The reason for a 502/503/504 answer, telling a proxy-made page from the application's.
fn gateway_reason(a: &Answer, upstream_name: &str) -> Option<String> {
    let who = if a.made_by_nginx() {
        tr!("hop-http-from-nginx")
    } else {
        tr!("hop-http-from-server")
    };
    let up = upstream_name;
    Some(match a.status {
        502 => tr!("hop-http-502", who = who, upstream = up),
        503 => tr!("hop-http-503", who = who, upstream = up),
        504 => tr!("hop-http-504", who = who, upstream = up),
        _ => return None,
    })
}

impl Clients {
    pub(super) fn new(cfg: &crate::config::Config) -> Self {
        let per_hop = cfg
            .hops
            .iter()
            .filter(|h| h.kind.uses_url() && !h.insecure)
            .filter_map(|h| Some((h.name.clone(), build_with_ca(h.ca_file.as_deref()?))))
            .collect();
        Clients {
            strict: build(false),
            insecure: build(true),
            per_hop,
        }
    }

    async fn send(
        &self,
        hop: &Hop,
        timeout: Duration,
        post: Option<(serde_json::Value, HeaderMap)>,
    ) -> Result<Answer, Outcome> {
        let client = if hop.insecure {
            &self.insecure
        } else {
            self.per_hop.get(&hop.name).unwrap_or(&self.strict)
        };
        let client = client
            .as_ref()
            .map_err(|e| Outcome::new(State::Unknown, e.clone()))?;
        let url = hop.url.as_deref().unwrap_or("");
        let mut req = match &post {
            Some((body, _)) => client
                .post(url)
                .header("content-type", "application/json")
                .body(body.to_string()),
            None => client.get(url),
        };
        if let Some((_, h)) = post {
            req = req.headers(h);
        }
        if let Some(h) = &hop.host_header {
            req = req.header(reqwest::header::HOST, h);
        }
        let start = Instant::now();
        let mut resp = req
            .timeout(timeout)
            .send()
            .await
            .map_err(|e| failed(&e, url, timeout))?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let (body, _) = body_capped(&mut resp, BODY_LIMIT)
            .await
            .map_err(|e| failed(&e, url, timeout))?;
        Ok(Answer {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
            ms: start.elapsed().as_secs_f64() * 1000.0,
        })
    }

    /// Plain `http` hop: expected status (default 200) and optional body substring.
    pub(super) async fn probe_http(&self, hop: &Hop, timeout: Duration) -> Outcome {
        let a = match self.send(hop, timeout, None).await {
            Ok(a) => a,
            Err(o) => return o,
        };
        let want = hop.expect_status.unwrap_or(200);
        let fill = |d: &mut super::Detail| a.fill(d);
        if a.status != want {
            if let Some(r) = gateway_reason(&a, &tr!("hop-http-the-application")) {
                return Outcome::new(State::Fail, r).with(fill);
            }
            if (300..400).contains(&a.status) {
                let loc = a.header("location").unwrap_or_default();
                return Outcome::new(
                    State::Warn,
                    tr!(
                        "hop-http-redirect",
                        status = a.status,
                        location = loc,
                        want = want
                    ),
                )
                .with(fill);
            }
            return Outcome::new(
                State::Fail,
                tr!("hop-http-unexpected", status = a.status, want = want),
            )
            .with(fill);
        }
        if let Some(b) = &hop.expect_body
            && !a.body.contains(b.as_str())
        {
            return Outcome::new(
                State::Fail,
                tr!(
                    "hop-http-body-lacks",
                    status = a.status,
                    expected = format!("{b:?}")
                ),
            )
            .with(fill);
        }
        let ms = format!("{:.0}", a.ms);
        slow_or_ok(&a, timeout, tr!("hop-http-ok", status = a.status, ms = ms)).with(fill)
    }

    /// `docserver-health`: `/healthcheck` answers 200 `true` or `false`.
    pub(super) async fn probe_health(&self, hop: &Hop, timeout: Duration) -> Outcome {
        let a = match self.send(hop, timeout, None).await {
            Ok(a) => a,
            Err(o) => return o,
        };
        let fill = |d: &mut super::Detail| a.fill(d);
        if let Some(r) = gateway_reason(&a, &tr!("hop-http-the-docserver")) {
            return Outcome::new(State::Fail, r).with(fill);
        }
        if a.status != 200 {
            return Outcome::new(State::Fail, tr!("hop-health-status", status = a.status))
                .with(fill);
        }
        match a.body.trim() {
            "true" => {
                let ms = format!("{:.0}", a.ms);
                slow_or_ok(&a, timeout, tr!("hop-health-true", ms = ms))
                    .with(fill)
                    .with(|d| d.health = Some(true))
            }
            "false" => Outcome::new(State::Fail, tr!("hop-health-false"))
                .with(fill)
                .with(|d| d.health = Some(false)),
            other => Outcome::new(
                State::Fail,
                tr!(
                    "hop-health-odd",
                    answer = format!("{:?}", crate::util::shorten(other, 40))
                ),
            )
            .with(fill),
        }
    }

    /// `docserver-command`: `{"c":"version"}` with a JWT when a secret is known.
    pub(super) async fn probe_command(
        &self,
        hop: &Hop,
        timeout: Duration,
        jwt: &JwtSource,
    ) -> Outcome {
        let signing = jwt.signing();
        let req = match crate::docserver::client::version_request(
            signing.secret.as_ref(),
            &signing.header,
        ) {
            Ok(r) => r,
            Err(e) => return Outcome::new(State::Unknown, e),
        };
        let body: serde_json::Value =
            serde_json::from_str(&req.body).unwrap_or(serde_json::Value::Null);
        let mut headers = HeaderMap::new();
        if let Some((name, value)) = &req.header
            && let (Ok(name), Ok(v)) = (
                reqwest::header::HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            )
        {
            headers.insert(name, v);
        }
        let jwt_use = super::JwtUse {
            source: signing.source.to_string(),
            fingerprint: signing.secret.as_ref().map(|s| s.fingerprint()),
            header: signing.header.clone(),
            docserver_fingerprint: signing.docserver_fingerprint.clone(),
        };
        let notes = signing.notes.clone();
        let common = move |d: &mut super::Detail| {
            d.jwt = Some(jwt_use);
            d.notes.extend(notes);
        };
        let a = match self.send(hop, timeout, Some((body, headers))).await {
            Ok(a) => a,
            Err(o) => return o.with(common),
        };
        let fill = |d: &mut super::Detail| a.fill(d);
        if let Some(r) = gateway_reason(&a, &tr!("hop-http-the-command-service")) {
            return Outcome::new(State::Fail, r).with(fill).with(common);
        }
        let answer = crate::docserver::client::CommandAnswer::parse(&a.body);
        if !answer.json {
            return Outcome::new(State::Fail, tr!("hop-command-not-json", status = a.status))
                .with(fill)
                .with(common);
        }
        let (code, version) = (answer.code, answer.version);
        let src = match signing.source {
            "config" => tr!("hop-command-secret-config"),
            "local.json" => tr!("hop-command-secret-local"),
            _ => tr!("hop-command-no-token"),
        };
        let out = match code {
            Some(0) => slow_or_ok(
                &a,
                timeout,
                tr!(
                    "hop-command-ok",
                    version = version.clone().unwrap_or_else(|| "?".into())
                ),
            ),
            Some(crate::docserver::client::TOKEN_INVALID) => {
                Outcome::new(State::Fail, tr!("hop-command-token-rejected", secret = src))
            }
            Some(crate::docserver::client::TOKEN_EXPIRED) => {
                Outcome::new(State::Fail, tr!("hop-command-token-expired"))
            }
            Some(n) => Outcome::new(
                State::Fail,
                tr!(
                    "hop-command-error",
                    code = n,
                    text = crate::docserver::client::error_text(n)
                ),
            ),
            None => Outcome::new(
                State::Fail,
                tr!("hop-command-no-error-field", status = a.status),
            ),
        };
        out.with(fill).with(common).with(|d| {
            d.ds_error = code;
            d.ds_version = version;
        })
    }
}

fn slow_or_ok(a: &Answer, timeout: Duration, ok: String) -> Outcome {
    let half = timeout.as_secs_f64() * 500.0;
    if a.ms > half {
        Outcome::new(
            State::Warn,
            tr!(
                "hop-slow",
                ok = ok,
                secs = format!("{:.1}", timeout.as_secs_f64())
            ),
        )
    } else {
        Outcome::new(State::Ok, ok)
    }
}
