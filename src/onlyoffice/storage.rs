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
    /// A 401/403/404 answer (a 401/403 from a path the integrator guards with its JWT is not
    /// one: this box has no token to send).
    Denied {
        /// HTTP status.
        status: u16,
        /// The answer says `x-powered-by: Express`: it came from a Document Server.
        express: bool,
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
    /// Where the check ran: "this box", or the Document Server's network namespace.
    pub from: String,
}

/// How a check learns the addresses of the URL's name.
#[derive(Debug, Clone)]
pub enum Lookup {
    /// This box's resolver.
    System,
    /// Resolved already (in the Document Server's namespace): the addresses, or why not.
    Fixed(Result<Vec<IpAddr>, String>),
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
    /// The DS allows private addresses (`None`: its settings could not be read).
    pub allow_private_ip: Option<bool>,
    /// The DS accepts untrusted certificates (`rejectUnauthorized: false`).
    pub accept_untrusted: bool,
}

/// Check one URL from this box: resolve it (the private-address question), GET it without
/// following redirects, then judge what came back.
pub async fn check_url(
    client: &reqwest::Client,
    url: &str,
    purpose: &str,
    opt: StorageOptions,
) -> StorageCheck {
    check_resolved(
        client,
        url,
        purpose,
        opt,
        Lookup::System,
        super::netns::THIS_BOX,
    )
    .await
}

/// [`check_url`] with the name's addresses from `lookup` (the client must connect to the same
/// addresses), recording `from` as where it ran.
pub async fn check_resolved(
    client: &reqwest::Client,
    url: &str,
    purpose: &str,
    opt: StorageOptions,
    lookup: Lookup,
    from: &str,
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
        from: from.to_string(),
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
    resolve(&mut c, &parts, opt, lookup).await;
    let resolved = !c
        .issues
        .iter()
        .any(|i| matches!(i, StorageIssue::Unreachable { .. }));
    if resolved {
        let left = opt
            .timeout
            .saturating_sub(start.elapsed())
            .max(Duration::from_millis(100));
        fetch(&mut c, client, &parts, left, opt.timeout).await;
    }
    c.ms = Some((start.elapsed().as_secs_f64() * 10_000.0).round() / 10.0);
    judge(&mut c, &parts, opt);
    c
}

/// Resolve the URL's name (bounded): its addresses, and the issue when they are private and
/// the Document Server's filter blocks them, or when it does not resolve.
async fn resolve(
    c: &mut StorageCheck,
    parts: &crate::util::UrlParts,
    opt: StorageOptions,
    lookup: Lookup,
) {
    let answer = match lookup {
        Lookup::Fixed(r) => Ok(r),
        Lookup::System => {
            let l = tokio::net::lookup_host((parts.host.as_str(), parts.port));
            tokio::time::timeout(opt.timeout, l).await.map(|r| {
                r.map(|a| a.map(|a| a.ip()).collect::<Vec<_>>())
                    .map_err(|e| format!("{} does not resolve: {e}", parts.host))
            })
        }
    };
    match answer {
        Ok(Ok(mut ips)) => {
            ips.dedup();
            c.addresses = ips.iter().map(IpAddr::to_string).collect();
            let private: Vec<String> = ips
                .iter()
                .filter(|ip| is_private(**ip))
                .map(IpAddr::to_string)
                .collect();
            if opt.allow_private_ip == Some(false) && !private.is_empty() {
                c.issues
                    .push(StorageIssue::PrivateIp { addresses: private });
            }
        }
        Ok(Err(reason)) => c.issues.push(StorageIssue::Unreachable {
            reason,
            timeout: false,
        }),
        Err(_) => c.issues.push(StorageIssue::Unreachable {
            reason: format!("resolving {} timed out", parts.host),
            timeout: true,
        }),
    }
}

/// GET the URL within `left` and record the answer's status and its issue (redirect, denied,
/// server error), or why there was none (timeout, TLS, connect).
async fn fetch(
    c: &mut StorageCheck,
    client: &reqwest::Client,
    parts: &crate::util::UrlParts,
    left: Duration,
    timeout: Duration,
) {
    let url = c.url.clone();
    let fut = client.get(&url).timeout(left).send();
    let resp = match tokio::time::timeout(left + Duration::from_millis(200), fut).await {
        Err(_) => return c.issues.push(timeout_issue(&url, timeout)),
        Ok(Err(e)) if e.is_timeout() => return c.issues.push(timeout_issue(&url, timeout)),
        Ok(Err(e)) => {
            let chain = crate::docserver::client::error_chain(&e);
            return c.issues.push(if looks_tls(&chain) {
                StorageIssue::Tls {
                    reason: format!("TLS with {} failed: {chain}", parts.authority()),
                }
            } else {
                StorageIssue::Unreachable {
                    reason: format!("cannot connect to {}: {chain}", parts.authority()),
                    timeout: false,
                }
            });
        }
        Ok(Ok(resp)) => resp,
    };
    let status = resp.status().as_u16();
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    c.http_status = Some(status);
    if (300..400).contains(&status) {
        let loc = header("location");
        let abs = reqwest::Url::parse(&url)
            .ok()
            .and_then(|b| b.join(&loc).ok())
            .map(|u| u.to_string())
            .unwrap_or(loc);
        c.issues.push(StorageIssue::Redirect {
            status,
            to_https: parts.scheme == "http" && abs.starts_with("https://"),
            location: abs,
        });
    } else if matches!(status, 401 | 403 | 404) {
        let express = header("x-powered-by").eq_ignore_ascii_case("express");
        // Nextcloud's `empty` download answers 401/403 to a request without its JWT (this
        // box has none to send): that is the guard working, not a denied download.
        if express || status == 404 || !jwt_guarded(&parts.path) {
            c.issues.push(StorageIssue::Denied { status, express });
        }
    } else if status >= 500 {
        c.issues.push(StorageIssue::ServerError { status });
    }
}

/// Whether a storage path is one the integrator guards with its JWT (a request without the
/// Document Server's token is refused there by design).
fn jwt_guarded(path: &str) -> bool {
    path.split('?')
        .next()
        .is_some_and(|p| p.ends_with("/apps/onlyoffice/empty"))
}

/// The verdict and the one-line reason from the issues found.
fn judge(c: &mut StorageCheck, parts: &crate::util::UrlParts, opt: StorageOptions) {
    let mut state = State::Ok;
    let mut words = Vec::new();
    for i in &c.issues {
        let (s, w) = issue_words(i, parts, opt);
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
}

/// One issue's verdict and words.
fn issue_words(
    i: &StorageIssue,
    parts: &crate::util::UrlParts,
    opt: StorageOptions,
) -> (State, String) {
    match i {
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
        StorageIssue::Tls { reason } if opt.accept_untrusted => (
            State::Warn,
            format!("{reason} (the Document Server is set to accept untrusted certificates)"),
        ),
        StorageIssue::Tls { reason } => (
            State::Fail,
            format!("{reason}: the Document Server refuses this certificate"),
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
        StorageIssue::Denied { status, express } => (
            State::Fail,
            if *express {
                format!(
                    "HTTP {status} from a Document Server (x-powered-by: Express): {} resolves to the Document Server, not the storage",
                    parts.host
                )
            } else if *status == 404 {
                format!("HTTP {status}: no such document at this storage address")
            } else {
                format!("HTTP {status}: the storage refuses the download")
            },
        ),
        StorageIssue::ServerError { status } => (
            State::Warn,
            format!("HTTP {status}: the storage answers with a server error"),
        ),
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    /// A loopback server giving every connection this raw answer.
    async fn answering(answer: &'static str) -> u16 {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = l.local_addr().expect("addr").port();
        tokio::spawn(async move {
            while let Ok((mut s, _)) = l.accept().await {
                let mut buf = [0u8; 2048];
                let _ = s.read(&mut buf).await;
                let _ = s.write_all(answer.as_bytes()).await;
            }
        });
        port
    }

    const OPT: StorageOptions = StorageOptions {
        timeout: Duration::from_secs(2),
        allow_private_ip: Some(true),
        accept_untrusted: false,
    };

    #[tokio::test]
    async fn a_4xx_is_denied_unless_the_integrator_guards_the_path_with_its_jwt() {
        let c = client().expect("client");
        let p =
            answering("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .await;
        let r = check_url(
            &c,
            &format!("http://127.0.0.1:{p}/storage/doc.docx"),
            "t",
            OPT,
        )
        .await;
        assert_eq!(
            r.issues,
            [StorageIssue::Denied {
                status: 403,
                express: false
            }]
        );
        assert_eq!(r.state, State::Fail);
        assert!(r.reason.contains("refuses the download"), "{}", r.reason);
        // Nextcloud's `empty` without a token: the guard working.
        let r = check_url(
            &c,
            &format!("http://127.0.0.1:{p}/index.php/apps/onlyoffice/empty"),
            "t",
            OPT,
        )
        .await;
        assert!(r.issues.is_empty(), "{:?}", r.issues);
        assert_eq!(r.state, State::Ok);
        let p = answering("HTTP/1.1 403 Forbidden\r\nX-Powered-By: Express\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").await;
        let r = check_url(
            &c,
            &format!("http://127.0.0.1:{p}/index.php/apps/onlyoffice/empty"),
            "t",
            OPT,
        )
        .await;
        assert_eq!(
            r.issues,
            [StorageIssue::Denied {
                status: 403,
                express: true
            }]
        );
        assert!(
            r.reason.contains("resolves to the Document Server"),
            "{}",
            r.reason
        );
        let p =
            answering("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .await;
        let r = check_url(&c, &format!("http://127.0.0.1:{p}/x"), "t", OPT).await;
        assert!(r.reason.contains("no such document"), "{}", r.reason);
    }

    /// Whether the Document Server allows private addresses is unknown when its settings could
    /// not be read (no root): a loopback storage is then no private-address finding.
    #[tokio::test]
    async fn a_private_address_is_no_issue_while_the_setting_is_unknown() {
        let c = client().expect("client");
        let p =
            answering("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok").await;
        let url = format!("http://127.0.0.1:{p}/storage/doc.docx");
        let unknown = StorageOptions {
            allow_private_ip: None,
            ..OPT
        };
        let r = check_url(&c, &url, "t", unknown).await;
        assert!(
            !r.issues
                .iter()
                .any(|i| matches!(i, StorageIssue::PrivateIp { .. })),
            "{:?}",
            r.issues
        );
        let refused = StorageOptions {
            allow_private_ip: Some(false),
            ..OPT
        };
        let r = check_url(&c, &url, "t", refused).await;
        assert!(
            r.issues
                .iter()
                .any(|i| matches!(i, StorageIssue::PrivateIp { .. })),
            "{:?}",
            r.issues
        );
    }
}
