//! `websocket` hop: a real WebSocket upgrade handshake (RFC 6455 §4) with `url` — the one the
//! ONLYOFFICE editor keeps open to the Document Server (`/doc/<id>/c/?EIO=4&transport=websocket`,
//! engine.io). OK only for `101 Switching Protocols` whose `Sec-WebSocket-Accept` is
//! base64(SHA-1(key + GUID)) of the random key sent: a 101 with a wrong accept is a FAIL (not a
//! WebSocket server, or something in between rewriting the handshake). Any other answer (the 400
//! engine.io gives a plain GET, nginx's 502) says the upgrade did not get through: a proxy that
//! does not pass `Upgrade`/`Connection`, or speaks HTTP/1.0 upstream, leaves editors hanging on
//! "loading" without any 502.
//!
//! `https://` URLs are upgraded inside TLS; the certificate is the `tls` hop's business, so it is
//! not enforced here. Reads are bounded (16 KiB of answer head), the whole exchange by the hop's
//! timeout.

use super::{NetError, Outcome, State};
use crate::config::Hop;
use crate::tr;
use base64::Engine as _;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// The GUID of RFC 6455 §1.3, appended to the key before hashing.
const GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// Most bytes of an answer's head read.
const MAX_HEAD: usize = 16 * 1024;

/// The `Sec-WebSocket-Accept` a server must answer to `key`.
pub fn accept_for(key: &str) -> String {
    let d = ring::digest::digest(
        &ring::digest::SHA1_FOR_LEGACY_USE_ONLY,
        format!("{key}{GUID}").as_bytes(),
    );
    base64::engine::general_purpose::STANDARD.encode(d.as_ref())
}

/// A fresh random key (16 random bytes in base64).
fn new_key() -> String {
    let mut b = [0u8; 16];
    if getrandom::fill(&mut b).is_err() {
        // No randomness: a fixed key still tests the handshake (never a secret).
        b = *b"triage502-wskey!";
    }
    base64::engine::general_purpose::STANDARD.encode(b)
}

/// The upgrade request for `path` on `host`.
fn request(path: &str, host: &str, key: &str) -> String {
    format!(
        // i18n: not text (the request's bytes)
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\
         User-Agent: {}\r\n\r\n",
        concat!("triage502/", env!("CARGO_PKG_VERSION"), " websocket")
    )
}

/// What came back: status, the headers that matter, the start of a body.
#[derive(Debug, Default, PartialEq)]
struct Answer {
    status: u16,
    accept: Option<String>,
    upgrade: Option<String>,
    server: Option<String>,
    body_start: String,
}

/// Parse an answer head (and whatever body bytes came with it). `None` while incomplete.
fn parse_answer(buf: &[u8]) -> Result<Option<Answer>, String> {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut r = httparse::Response::new(&mut headers);
    match r.parse(buf) {
        Ok(httparse::Status::Complete(n)) => {
            let get = |name: &str| {
                r.headers
                    .iter()
                    .find(|h| h.name.eq_ignore_ascii_case(name))
                    .map(|h| crate::util::shorten(&String::from_utf8_lossy(h.value), 200))
            };
            let body = &buf[n..buf.len().min(n + 200)];
            Ok(Some(Answer {
                status: r.code.unwrap_or(0),
                accept: get("sec-websocket-accept"),
                upgrade: get("upgrade"),
                server: get("server"),
                body_start: crate::util::shorten(String::from_utf8_lossy(body).trim(), 200),
            }))
        }
        Ok(httparse::Status::Partial) => Ok(None),
        Err(e) => Err(tr!("hop-ws-not-http", error = e)),
    }
}

/// Send the upgrade request and read the answer head.
async fn exchange<S: AsyncRead + AsyncWrite + Unpin>(
    s: &mut S,
    req: &str,
) -> Result<Answer, String> {
    s.write_all(req.as_bytes())
        .await
        .map_err(|e| tr!("hop-ws-send-failed", error = e))?;
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    loop {
        let n = s
            .read(&mut chunk)
            .await
            .map_err(|e| tr!("hop-ws-read-failed", error = e))?;
        if n == 0 {
            return match parse_answer(&buf)? {
                Some(a) => Ok(a),
                None => Err(tr!("hop-ws-closed")),
            };
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(a) = parse_answer(&buf)? {
            return Ok(a);
        }
        if buf.len() >= MAX_HEAD {
            return Err(tr!("hop-ws-head-too-long", bytes = MAX_HEAD));
        }
    }
}

/// The verdict on an answer to `key`.
fn judge(a: &Answer, key: &str, ms: f64) -> Outcome {
    let want = accept_for(key);
    let base = |o: Outcome| {
        o.with(|d| {
            d.http_status = Some(a.status);
            d.server = a.server.clone();
            if !a.body_start.is_empty() {
                d.body = Some(a.body_start.clone());
            }
        })
    };
    if a.status == 101 {
        return match &a.accept {
            Some(acc) if *acc == want => base(Outcome::new(
                State::Ok,
                tr!("hop-ws-ok", ms = format!("{ms:.1}")),
            )),
            other => base(Outcome::new(
                State::Fail,
                match other {
                    Some(got) => tr!("hop-ws-bad-accept", got = got, want = want),
                    None => tr!("hop-ws-no-accept", want = want),
                },
            ))
            .with(|d| d.error = Some(NetError::Protocol)),
        };
    }
    let why = match a.status {
        502 | 504 => tr!("hop-ws-why-proxy"),
        400 | 426 => tr!("hop-ws-why-not-passed"),
        _ => tr!("hop-ws-why-none"),
    };
    let reason = match a.server.as_deref() {
        Some(s) => tr!(
            "hop-ws-no-101-from",
            status = a.status,
            server = s,
            why = why
        ),
        None => tr!("hop-ws-no-101", status = a.status, why = why),
    };
    base(Outcome::new(State::Fail, reason))
}

/// Probe a websocket hop.
pub(super) async fn probe(hop: &Hop, timeout: Duration, tls: &super::tls::TlsProber) -> Outcome {
    let url = hop.url.as_deref().unwrap_or("");
    let u = match crate::util::UrlParts::parse(url) {
        Ok(u) => u,
        Err(e) => return Outcome::new(State::Unknown, e),
    };
    let start = std::time::Instant::now();
    let addrs = match super::tcp::resolve(&u.authority(), timeout).await {
        Ok(a) => a,
        Err(o) => return o,
    };
    let Some(addr) = addrs.first().copied() else {
        return Outcome::new(State::Unknown, tr!("hop-ws-no-address", host = u.host));
    };
    let tcp = match tokio::net::TcpStream::connect(addr).await {
        Ok(s) => s,
        Err(e) => {
            let k = NetError::from_io(&e);
            return Outcome::new(
                State::Fail,
                k.connect_reason(&addr.to_string(), &e.to_string()),
            )
            .with(|d| {
                d.error = Some(k);
                d.errno = e.raw_os_error();
                d.peer = Some(addr.to_string());
            });
        }
    };
    let host = hop.host_header.clone().unwrap_or_else(|| {
        let default = if u.scheme == "https" { 443 } else { 80 };
        if u.port == default {
            u.host.clone()
        } else {
            u.authority()
        }
    });
    let key = new_key();
    let req = request(&u.path, &host, &key);
    let answer = if u.scheme == "https" {
        let sni = hop.host_header.clone().unwrap_or_else(|| u.host.clone());
        match tls.lenient_connect(tcp, &sni).await {
            Ok(mut s) => exchange(&mut s, &req).await,
            Err(e) => Err(e),
        }
    } else {
        let mut tcp = tcp;
        exchange(&mut tcp, &req).await
    };
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    match answer {
        Ok(a) => judge(&a, &key, ms),
        Err(e) => Outcome::new(State::Fail, format!("{addr}: {e}")).with(|d| {
            d.error = Some(NetError::Protocol);
            d.peer = Some(addr.to_string());
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_matches_the_rfc_example() {
        // RFC 6455 §1.3
        assert_eq!(
            accept_for("dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
    }

    /// The access-log figures leave our own probes out by their User-Agent (`triage502/…`).
    #[test]
    fn the_request_says_it_is_ours() {
        let r = request("/doc/x/c/?EIO=4&transport=websocket", "localhost", "k");
        assert!(r.contains("\r\nUser-Agent: triage502/"), "{r}");
        assert!(crate::logs::nginx_access::OWN_USER_AGENT == b"triage502/");
    }

    #[test]
    fn judge_needs_the_right_accept() {
        let key = "dGhlIHNhbXBsZSBub25jZQ==";
        let mut a = Answer {
            status: 101,
            accept: Some("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=".into()),
            ..Answer::default()
        };
        assert_eq!(judge(&a, key, 1.0).state, Some(State::Ok));
        a.accept = Some("AAAA".into());
        let o = judge(&a, key, 1.0);
        assert_eq!(o.state, Some(State::Fail));
        assert!(o.reason.contains("Sec-WebSocket-Accept"), "{}", o.reason);
        a.accept = None;
        assert_eq!(judge(&a, key, 1.0).state, Some(State::Fail));
        let plain = Answer {
            status: 400,
            ..Answer::default()
        };
        let o = judge(&plain, key, 1.0);
        assert_eq!(o.state, Some(State::Fail));
        assert!(o.reason.contains("Upgrade/Connection"), "{}", o.reason);
    }

    #[test]
    fn answers_parse_only_when_complete() {
        assert_eq!(parse_answer(b"HTTP/1.1 101 Switching").unwrap(), None);
        let a = parse_answer(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: x\r\n\r\n\x81\x05hello",
        )
        .unwrap()
        .unwrap();
        assert_eq!(a.status, 101);
        assert_eq!(a.accept.as_deref(), Some("x"));
        assert!(parse_answer(b"SSH-2.0-OpenSSH\r\n\r\n").is_err());
    }
}
