//! `dns` hop: resolve a name the way every client on this box does (the system resolver,
//! getaddrinfo), and report the addresses and the time it took.

use super::{NetError, Outcome, State};
use crate::tr;

/// Resolve `host`.
pub(super) async fn probe(host: &str) -> Outcome {
    if host.is_empty() {
        return Outcome::new(State::Unknown, tr!("hop-dns-no-target"));
    }
    let start = std::time::Instant::now();
    match tokio::net::lookup_host((host, 0)).await {
        Ok(addrs) => {
            let mut v: Vec<String> = addrs.map(|a| a.ip().to_string()).collect();
            v.dedup();
            let ms = start.elapsed().as_secs_f64() * 1000.0;
            if v.is_empty() {
                return Outcome::new(State::Fail, tr!("hop-resolve-empty", host = host))
                    .with(|d| d.error = Some(NetError::Dns));
            }
            let state = if ms > 1000.0 { State::Warn } else { State::Ok };
            let (host, addrs, ms) = (host, v.join(", "), format!("{ms:.0}"));
            let reason = if state == State::Warn {
                tr!("hop-dns-slow", host = host, addrs = addrs, ms = ms)
            } else {
                tr!("hop-dns-ok", host = host, addrs = addrs, ms = ms)
            };
            Outcome::new(state, reason).with(|d| d.addresses = v)
        }
        Err(e) => {
            let msg = e.to_string();
            Outcome::new(State::Fail, tr!("hop-dns-failed", host = host, error = msg)).with(|d| {
                d.error = Some(NetError::Dns);
                d.notes.push(msg);
            })
        }
    }
}
