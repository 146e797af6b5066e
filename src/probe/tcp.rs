//! `tcp` hop: connect to `host:port`, telling refused / timed out / unreachable / permission
//! denied apart by errno. Every resolved address is tried in order, like a client would.

use super::{NetError, Outcome, State};
use crate::tr;
use std::time::Duration;

/// Connect to `target`.
pub(super) async fn probe(target: &str, timeout: Duration) -> Outcome {
    let addrs = match resolve(target, timeout).await {
        Ok(a) => a,
        Err(o) => return o,
    };
    let deadline = tokio::time::Instant::now() + timeout;
    let mut last: Option<Outcome> = None;
    for addr in &addrs {
        let start = std::time::Instant::now();
        match tokio::time::timeout_at(deadline, tokio::net::TcpStream::connect(addr)).await {
            Ok(Ok(_stream)) => {
                let ms = start.elapsed().as_secs_f64() * 1000.0;
                return Outcome::new(
                    State::Ok,
                    tr!("hop-tcp-ok", addr = addr, ms = format!("{ms:.1}")),
                )
                .with(|d| d.peer = Some(addr.to_string()));
            }
            Ok(Err(e)) => {
                let kind = NetError::from_io(&e);
                last = Some(
                    Outcome::new(
                        State::Fail,
                        kind.connect_reason(&addr.to_string(), &e.to_string()),
                    )
                    .with(|d| {
                        d.error = Some(kind);
                        d.errno = e.raw_os_error();
                        d.peer = Some(addr.to_string());
                    }),
                );
            }
            Err(_) => {
                return Outcome::new(
                    State::Fail,
                    tr!(
                        "hop-tcp-timeout",
                        addr = addr,
                        secs = format!("{:.1}", timeout.as_secs_f64())
                    ),
                )
                .with(|d| {
                    d.error = Some(NetError::Timeout);
                    d.peer = Some(addr.to_string());
                });
            }
        }
    }
    last.unwrap_or_else(|| Outcome::new(State::Unknown, tr!("hop-tcp-no-address", target = target)))
}

/// Resolve `host:port` within (a little less than) the hop's `timeout`, or an outcome
/// explaining why not. A resolver that does not answer is a DNS failure, said before the
/// hop's own timeout can blame the connect ("firewall DROP?") for it.
pub(super) async fn resolve(
    target: &str,
    timeout: Duration,
) -> Result<Vec<std::net::SocketAddr>, Outcome> {
    let Some((host, port)) = crate::util::split_host_port(target) else {
        return Err(Outcome::new(
            State::Unknown,
            tr!("hop-target-not-host-port", target = target),
        ));
    };
    let bound = timeout.saturating_sub(Duration::from_millis(50));
    let lookup = tokio::net::lookup_host((host.as_str(), port));
    let Ok(answer) = tokio::time::timeout(bound, lookup).await else {
        return Err(Outcome::new(
            State::Fail,
            tr!(
                "hop-resolve-timeout",
                host = host,
                secs = format!("{:.1}", bound.as_secs_f64())
            ),
        )
        .with(|d| d.error = Some(NetError::Dns)));
    };
    match answer {
        Ok(a) => {
            let v: Vec<_> = a.collect();
            if v.is_empty() {
                Err(
                    Outcome::new(State::Fail, tr!("hop-resolve-empty", host = host))
                        .with(|d| d.error = Some(NetError::Dns)),
                )
            } else {
                Ok(v)
            }
        }
        Err(e) => Err(Outcome::new(
            State::Fail,
            tr!("hop-resolve-failed", host = host, error = e),
        )
        .with(|d| d.error = Some(NetError::Dns))),
    }
}
