//! Storage and callback reachability: the integrator's URLs that the Document Server must
//! fetch (downloads) and post to (callbacks), checked from this box, concurrently, each under
//! a short timeout. Redirects are not followed (the Document Server's callback POST does not
//! survive an http→https redirect); certificates are verified (the Document Server refuses
//! untrusted ones unless `rejectUnauthorized` is false); names resolving to private addresses
//! are flagged when the Document Server's request filter would block them.

use crate::verdict::State;
use serde::Serialize;
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// What is wrong with one storage URL.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StorageIssue {
    /// A 3xx answer.
    Redirect {
        /// HTTP status.
        status: u16,
        /// Where to.
        location: String,
        /// http → https.
        to_https: bool,
    },
    /// Certificate or handshake problem.
    Tls {
        /// Why.
        reason: String,
    },
    /// The name resolves to private addresses and the DS's request filter blocks them.
    PrivateIp {
        /// The private addresses.
        addresses: Vec<String>,
    },
    /// Refused, unresolvable, reset, timed out.
    Unreachable {
        /// Why.
        reason: String,
        /// Whether it was a timeout.
        timeout: bool,
    },
    /// A 5xx answer.
    ServerError {
        /// HTTP status.
        status: u16,
    },
}

/// The check of one URL.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StorageCheck {
    /// The URL.
    pub url: String,
    /// Why it matters ("Nextcloud download of an empty file", ...).
    pub purpose: String,
    /// Verdict.
    pub state: State,
    /// One line.
    pub reason: String,
    /// HTTP status when answered.
    pub http_status: Option<u16>,
    /// Addresses the name resolved to.
    pub addresses: Vec<String>,
    /// Problems found.
    pub issues: Vec<StorageIssue>,
    /// Time taken, milliseconds.
    pub ms: Option<f64>,
}

/// The CORS preflight answer.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Preflight {
    /// URL asked.
    pub url: String,
    /// `Origin` sent.
    pub origin: String,
    /// HTTP status.
    pub http_status: Option<u16>,
    /// `Access-Control-Allow-*` headers answered (name, value).
    pub allow: Vec<(String, String)>,
    /// One line.
    pub reason: String,
}

/// Whether an address is one the Document Server's request filter treats as private
/// (loopback, RFC 1918, link-local, CGNAT, unspecified, unique-local IPv6).
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v) => {
            let o = v.octets();
            v.is_loopback()
                || v.is_private()
                || v.is_link_local()
                || v.is_unspecified()
                || o[0] == 0
                || (o[0] == 100 && (64..128).contains(&o[1]))
        }
        IpAddr::V6(v) => {
            if let Some(m) = v.to_ipv4_mapped() {
                return is_private(IpAddr::V4(m));
            }
            let s = v.segments();
            v.is_loopback()
                || v.is_unspecified()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
        }
    }
}

/// Build the HTTP client used for storage checks (no redirects, no proxy, verifying).
pub fn client() -> Result<reqwest::Client, String> {
    crate::docserver::client::builder(false)
        .build()
        .map_err(|e| format!("cannot build HTTP client: {e}"))
}

fn looks_tls(chain: &str) -> bool {
    let c = chain.to_ascii_lowercase();
    c.contains("certificate")
        || c.contains("tls")
        || c.contains("handshake")
        || c.contains("unknownissuer")
}

/// Options of the storage checks.
#[derive(Debug, Clone, Copy)]
pub struct StorageOptions {
    /// Timeout of each URL.
    pub timeout: Duration,
    /// The DS allows private addresses.
    pub allow_private_ip: bool,
    /// The DS accepts untrusted certificates (`rejectUnauthorized: false`).
    pub accept_untrusted: bool,
}

/// Check one URL.
pub async fn check_url(
    client: &reqwest::Client,
    url: &str,
    purpose: &str,
    opt: StorageOptions,
) -> StorageCheck {
    let mut c = StorageCheck {
        url: url.to_string(),
        purpose: purpose.to_string(),
        state: State::Ok,
        reason: String::new(),
        http_status: None,
        addresses: Vec::new(),
        issues: Vec::new(),
        ms: None,
    };
    let parts = match crate::util::UrlParts::parse(url) {
        Ok(p) => p,
        Err(e) => {
            c.state = State::Unknown;
            c.reason = e;
            return c;
        }
    };
    let start = Instant::now();
    // Resolve first: the addresses decide the private-address question.
    let lookup = tokio::net::lookup_host((parts.host.as_str(), parts.port));
    match tokio::time::timeout(opt.timeout, lookup).await {
        Ok(Ok(addrs)) => {
            let mut ips: Vec<IpAddr> = addrs.map(|a| a.ip()).collect();
            ips.dedup();
            c.addresses = ips.iter().map(IpAddr::to_string).collect();
            let private: Vec<String> = ips
                .iter()
                .filter(|ip| is_private(**ip))
                .map(IpAddr::to_string)
                .collect();
            if !opt.allow_private_ip && !private.is_empty() {
                c.issues
                    .push(StorageIssue::PrivateIp { addresses: private });
            }
        }
        Ok(Err(e)) => {
            c.issues.push(StorageIssue::Unreachable {
                reason: format!("{} does not resolve: {e}", parts.host),
                timeout: false,
            });
        }
        Err(_) => {
            c.issues.push(StorageIssue::Unreachable {
                reason: format!("resolving {} timed out", parts.host),
                timeout: true,
            });
        }
    }
    let resolved = !c
        .issues
        .iter()
        .any(|i| matches!(i, StorageIssue::Unreachable { .. }));
    if resolved {
        let left = opt
            .timeout
            .saturating_sub(start.elapsed())
            .max(Duration::from_millis(100));
        let fut = client.get(url).timeout(left).send();
        match tokio::time::timeout(left + Duration::from_millis(200), fut).await {
            Err(_) => c.issues.push(timeout_issue(url, opt.timeout)),
            Ok(Err(e)) if e.is_timeout() => c.issues.push(timeout_issue(url, opt.timeout)),
            Ok(Err(e)) => {
                let chain = crate::docserver::client::error_chain(&e);
                if looks_tls(&chain) {
                    c.issues.push(StorageIssue::Tls {
                        reason: format!("TLS with {} failed: {chain}", parts.authority()),
                    });
                } else {
                    c.issues.push(StorageIssue::Unreachable {
                        reason: format!("cannot connect to {}: {chain}", parts.authority()),
                        timeout: false,
                    });
                }
            }
            Ok(Ok(resp)) => {
                let status = resp.status().as_u16();
                c.http_status = Some(status);
                if (300..400).contains(&status) {
                    let loc = resp
                        .headers()
                        .get("location")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_string();
                    let abs = reqwest::Url::parse(url)
                        .ok()
                        .and_then(|b| b.join(&loc).ok())
                        .map(|u| u.to_string())
                        .unwrap_or(loc);
                    c.issues.push(StorageIssue::Redirect {
                        status,
                        to_https: parts.scheme == "http" && abs.starts_with("https://"),
                        location: abs,
                    });
                } else if status >= 500 {
                    c.issues.push(StorageIssue::ServerError { status });
                }
            }
        }
    }
    c.ms = Some((start.elapsed().as_secs_f64() * 10_000.0).round() / 10.0);
    let mut state = State::Ok;
    let mut words = Vec::new();
    for i in &c.issues {
        let (s, w) = match i {
            StorageIssue::Redirect {
                status,
                location,
                to_https,
            } => (
                if *to_https { State::Fail } else { State::Warn },
                if *to_https {
                    format!(
                        "{status} redirect from http to {location}: the Document Server's callbacks (POST) do not follow it"
                    )
                } else {
                    format!(
                        "{status} redirect to {location}: the Document Server does not follow redirects"
                    )
                },
            ),
            StorageIssue::Tls { reason } => (
                if opt.accept_untrusted {
                    State::Warn
                } else {
                    State::Fail
                },
                if opt.accept_untrusted {
                    format!(
                        "{reason} (the Document Server is set to accept untrusted certificates)"
                    )
                } else {
                    format!("{reason}: the Document Server refuses this certificate")
                },
            ),
            StorageIssue::PrivateIp { addresses } => (
                State::Fail,
                format!(
                    "{} resolves to private address {}: the Document Server's request filter blocks it (allowPrivateIPAddress is false)",
                    parts.host,
                    addresses.join(", ")
                ),
            ),
            StorageIssue::Unreachable { reason, .. } => (State::Fail, reason.clone()),
            StorageIssue::ServerError { status } => (
                State::Warn,
                format!("HTTP {status}: the storage answers with a server error"),
            ),
        };
        state = state.max(s);
        words.push(w);
    }
    c.state = state;
    c.reason = if words.is_empty() {
        format!(
            "HTTP {} in {:.0} ms",
            c.http_status
                .map(|s| s.to_string())
                .unwrap_or_else(|| "?".into()),
            c.ms.unwrap_or(0.0)
        )
    } else {
        words.join("; ")
    };
    c
}

fn timeout_issue(url: &str, t: Duration) -> StorageIssue {
    StorageIssue::Unreachable {
        reason: format!(
            "no answer from {url} within {:.1} s (storage hung, or packets dropped)",
            t.as_secs_f64()
        ),
        timeout: true,
    }
}

/// Send an `OPTIONS` preflight with `Origin` and report `Access-Control-Allow-*`.
pub async fn preflight(
    client: &reqwest::Client,
    url: &str,
    origin: &str,
    timeout: Duration,
) -> Preflight {
    let mut p = Preflight {
        url: url.to_string(),
        origin: origin.to_string(),
        http_status: None,
        allow: Vec::new(),
        reason: String::new(),
    };
    let fut = client
        .request(reqwest::Method::OPTIONS, url)
        .header("origin", origin)
        .header("access-control-request-method", "GET")
        .timeout(timeout)
        .send();
    match tokio::time::timeout(timeout + Duration::from_millis(200), fut).await {
        Err(_) => p.reason = format!("no answer within {:.1} s", timeout.as_secs_f64()),
        Ok(Err(e)) => {
            p.reason = format!(
                "preflight failed: {}",
                crate::docserver::client::error_chain(&e)
            )
        }
        Ok(Ok(r)) => {
            p.http_status = Some(r.status().as_u16());
            for (k, v) in r.headers() {
                if k.as_str().starts_with("access-control-allow-") {
                    p.allow.push((
                        k.as_str().to_string(),
                        v.to_str().unwrap_or("(not text)").to_string(),
                    ));
                }
            }
            p.reason = if p.allow.is_empty() {
                format!(
                    "HTTP {}: no Access-Control-Allow-* headers (fine unless the browser loads from this URL across origins)",
                    r.status().as_u16()
                )
            } else {
                format!(
                    "HTTP {}: {} CORS header(s)",
                    r.status().as_u16(),
                    p.allow.len()
                )
            };
        }
    }
    p
}
