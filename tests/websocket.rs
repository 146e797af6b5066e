//! The `websocket` hop against real servers on loopback: a small server that upgrades like
//! the Document Server's engine.io (101 with the right accept to an upgrade request, 400 to a
//! plain GET), the same with a wrong accept, and a real nginx in front of it with and without
//! the headers that carry the upgrade.

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;
use triage502::config::{self, Config};
use triage502::probe::{HopResult, Prober, State};

/// An engine.io-like endpoint: an upgrade request gets 101 and an accept (right or wrong),
/// anything else the 400 engine.io answers a plain GET on the websocket transport.
fn ws_server(right_accept: bool) -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = l.local_addr().expect("addr");
    std::thread::spawn(move || {
        for mut s in l.incoming().flatten() {
            std::thread::spawn(move || {
                let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
                let mut buf = Vec::new();
                let mut chunk = [0u8; 2048];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match s.read(&mut chunk) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&buf).to_string();
                let header = |name: &str| {
                    head.lines().find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.trim()
                            .eq_ignore_ascii_case(name)
                            .then(|| v.trim().to_string())
                    })
                };
                let upgrade =
                    header("upgrade").is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
                let answer = match (upgrade, header("sec-websocket-key")) {
                    (true, Some(key)) => {
                        let accept = if right_accept {
                            triage502::probe::websocket_accept(&key)
                        } else {
                            "dGhpcyBpcyBub3QgaXQ=".to_string()
                        };
                        format!(
                            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
                        )
                    }
                    _ => {
                        let body = r#"{"code":3,"message":"Bad request"}"#;
                        format!(
                            "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                            body.len()
                        )
                    }
                };
                let _ = s.write_all(answer.as_bytes());
                std::thread::sleep(Duration::from_millis(200));
            });
        }
    });
    addr
}

async fn probe_url(url: &str) -> HopResult {
    let toml = format!(
        "[probe]\ntimeout_ms = 3000\n[[hop]]\nname = \"ws\"\nkind = \"websocket\"\nurl = \"{url}\"\n"
    );
    let cfg: Config = config::parse(&toml, "test").expect("config parses");
    let p = Prober::new(Arc::new(cfg));
    let hop = p.config().hops[0].clone();
    p.probe(&hop).await
}

const PATH: &str = "/doc/triage502-probe/c/?EIO=4&transport=websocket";

#[tokio::test]
async fn direct_upgrade_is_ok_and_a_wrong_accept_fails() {
    let good = ws_server(true);
    let r = probe_url(&format!("http://{good}{PATH}")).await;
    assert_eq!(r.state, State::Ok, "{}", r.reason);
    assert_eq!(r.detail.http_status, Some(101));

    let bad = ws_server(false);
    let r = probe_url(&format!("http://{bad}{PATH}")).await;
    assert_eq!(r.state, State::Fail, "{}", r.reason);
    assert!(r.reason.contains("Sec-WebSocket-Accept"), "{}", r.reason);
}

#[tokio::test]
async fn through_real_nginx_with_and_without_the_upgrade_headers() {
    if common::Nginx::binary().is_none() {
        return common::skip("/usr/sbin/nginx not installed");
    }
    let up = ws_server(true);
    let dir = tempfile::tempdir().expect("tempdir");
    let port = common::free_port();
    let servers = format!(
        "server {{\n  listen 127.0.0.1:{port};\n\
           location /with/ {{ proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; \
             proxy_set_header Connection \"upgrade\"; proxy_pass http://{up}/; }}\n\
           location /without/ {{ proxy_pass http://{up}/; }}\n}}\n"
    );
    let _nginx = common::Nginx::start(dir.path(), &servers, port);

    let r = probe_url(&format!("http://127.0.0.1:{port}/with{PATH}")).await;
    assert_eq!(r.state, State::Ok, "{}", r.reason);

    let r = probe_url(&format!("http://127.0.0.1:{port}/without{PATH}")).await;
    assert_eq!(r.state, State::Fail, "{}", r.reason);
    assert_eq!(r.detail.http_status, Some(400), "{}", r.reason);
    assert!(r.reason.contains("Upgrade/Connection"), "{}", r.reason);
}

#[tokio::test]
async fn refused_port_is_a_connect_failure() {
    let port = common::free_port();
    let r = probe_url(&format!("http://127.0.0.1:{port}{PATH}")).await;
    assert_eq!(r.state, State::Fail);
    assert_eq!(
        r.detail.error,
        Some(triage502::probe::NetError::Refused),
        "{}",
        r.reason
    );
}
