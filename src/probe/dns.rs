//! `dns` hop: resolve a name the way every client on this box does (the system resolver,
//! getaddrinfo), and report the addresses and the time it took.

use super::{NetError, Outcome, State};

/// Resolve `host`.
pub(super) async fn probe(host: &str) -> Outcome {
    if host.is_empty() {
        return Outcome::new(State::Unknown, "no target configured");
    }
    let start = std::time::Instant::now();
    match tokio::net::lookup_host((host, 0)).await {
        Ok(addrs) => {
            let mut v: Vec<String> = addrs.map(|a| a.ip().to_string()).collect();
            v.dedup();
            let ms = start.elapsed().as_secs_f64() * 1000.0;
            if v.is_empty() {
                return Outcome::new(State::Fail, format!("{host} resolves to no address"))
                    .with(|d| d.error = Some(NetError::Dns));
            }
            let state = if ms > 1000.0 { State::Warn } else { State::Ok };
            let slow = if state == State::Warn {
                " (slow resolver)"
            } else {
                ""
            };
            Outcome::new(
                state,
                format!("{host} → {} in {ms:.0} ms{slow}", v.join(", ")),
            )
            .with(|d| d.addresses = v)
        }
        Err(e) => {
            let msg = e.to_string();
            Outcome::new(
                State::Fail,
                format!("cannot resolve {host}: {msg} (check /etc/hosts, /etc/resolv.conf, the DNS record)"),
            )
            .with(|d| {
                d.error = Some(NetError::Dns);
                d.notes.push(msg);
            })
        }
    }
}
