//! Probes against real servers on loopback: plain TCP listeners, small HTTP responders that
//! behave like nginx / the Document Server on the wire, and a TLS server with a self-signed
//! certificate.

mod common;
use common::{tls_server, tls_server_with};

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::{Duration, Instant};
use triage502::config::{self, Config};
use triage502::probe::{HopResult, NetError, Prober, State};

/// A closed port: bind, read the port, drop the listener.
fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

/// Serve HTTP on a fresh port; `respond(request_text) -> Option<raw response>` (None: hang).
fn serve(respond: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = l.local_addr().expect("addr");
    let respond = Arc::new(respond);
    std::thread::spawn(move || {
        for mut s in l.incoming().flatten() {
            let respond = respond.clone();
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
                loop {
                    let Ok(n) = s.read(&mut chunk) else { return };
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    if buf[0] == 0x16 {
                        // A TLS ClientHello on a plain HTTP port: answer at once, like nginx.
                        break;
                    }
                    let text = String::from_utf8_lossy(&buf).to_string();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let cl = text[..end]
                            .lines()
                            .find_map(|l| {
                                let (k, v) = l.split_once(':')?;
                                k.eq_ignore_ascii_case("content-length")
                                    .then(|| v.trim().parse::<usize>().ok())?
                            })
                            .unwrap_or(0);
                        if buf.len() >= end + 4 + cl {
                            break;
                        }
                    }
                }
                let req = String::from_utf8_lossy(&buf).to_string();
                match respond(&req) {
                    Some(r) => {
                        let _ = s.write_all(r.as_bytes());
                    }
                    None => std::thread::sleep(Duration::from_secs(10)),
                }
            });
        }
    });
    addr
}

fn http(status: &str, headers: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n{headers}\r\n{body}",
        body.len()
    )
}

fn prober(toml: &str) -> Prober {
    let cfg: Config = config::parse(toml, "test").expect("test config parses");
    Prober::new(Arc::new(cfg))
}

async fn one(toml: &str) -> HopResult {
    let p = prober(toml);
    let hop = p.config().hops[0].clone();
    p.probe(&hop).await
}

#[tokio::test]
async fn tcp_refused_and_ok() {
    let port = closed_port();
    let r = one(&format!(
        "[[hop]]\nname=\"a\"\nkind=\"tcp\"\ntarget=\"127.0.0.1:{port}\"\n"
    ))
    .await;
    assert_eq!(r.state, State::Fail, "{r:?}");
    assert_eq!(r.detail.error, Some(NetError::Refused));
    assert!(r.reason.contains("connection refused"), "{}", r.reason);

    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = l.local_addr().expect("addr").port();
    let r = one(&format!(
        "[[hop]]\nname=\"a\"\nkind=\"tcp\"\ntarget=\"127.0.0.1:{port}\"\n"
    ))
    .await;
    assert_eq!(r.state, State::Ok, "{r:?}");
}

#[tokio::test]
async fn healthcheck_true_false_and_502_from_nginx() {
    let a = serve(|_| Some(http("200 OK", "", "true")));
    let r = one(&format!(
        "[[hop]]\nname=\"h\"\nkind=\"docserver-health\"\nurl=\"http://{a}/healthcheck\"\n"
    ))
    .await;
    assert_eq!((r.state, r.detail.health), (State::Ok, Some(true)), "{r:?}");

    let a = serve(|_| Some(http("200 OK", "", "false")));
    let r = one(&format!(
        "[[hop]]\nname=\"h\"\nkind=\"docserver-health\"\nurl=\"http://{a}/healthcheck\"\n"
    ))
    .await;
    assert_eq!(
        (r.state, r.detail.health),
        (State::Fail, Some(false)),
        "{r:?}"
    );
    assert!(r.reason.contains("dependency"), "{}", r.reason);

    let page = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>";
    let a = serve(move |_| Some(http("502 Bad Gateway", "Server: nginx/1.22.1\r\n", page)));
    let r = one(&format!(
        "[[hop]]\nname=\"h\"\nkind=\"docserver-health\"\nurl=\"http://{a}/healthcheck\"\n"
    ))
    .await;
    assert_eq!(r.state, State::Fail);
    assert_eq!(r.detail.from_proxy, Some(true));
    assert!(
        r.reason.starts_with("502 Bad Gateway from nginx"),
        "{}",
        r.reason
    );
}

#[tokio::test]
async fn host_header_is_sent_and_expectations_checked() {
    let a = serve(|req| {
        let host_ok = req
            .to_ascii_lowercase()
            .contains("host: office.example.org");
        Some(http(
            "200 OK",
            "",
            if host_ok {
                "hello office"
            } else {
                "wrong vhost"
            },
        ))
    });
    let ok = one(&format!(
        "[[hop]]\nname=\"p\"\nkind=\"http\"\nurl=\"http://{a}/\"\nhost_header=\"office.example.org\"\nexpect_body=\"office\"\n"
    ))
    .await;
    assert_eq!(ok.state, State::Ok, "{ok:?}");
    let bad = one(&format!(
        "[[hop]]\nname=\"p\"\nkind=\"http\"\nurl=\"http://{a}/\"\nexpect_body=\"office\"\n"
    ))
    .await;
    assert_eq!(bad.state, State::Fail, "{bad:?}");

    let r = serve(|_| {
        Some(http(
            "301 Moved Permanently",
            "Location: https://x/\r\n",
            "",
        ))
    });
    let redirect = one(&format!(
        "[[hop]]\nname=\"p\"\nkind=\"http\"\nurl=\"http://{r}/\"\n"
    ))
    .await;
    assert_eq!(redirect.state, State::Warn, "{redirect:?}");
    assert_eq!(redirect.detail.location.as_deref(), Some("https://x/"));
}

/// A command service that checks the body token with `secret`, like the Document Server.
fn command_service(secret: &'static str, expired_answer: bool) -> SocketAddr {
    serve(move |req| {
        if expired_answer {
            return Some(http("200 OK", "", r#"{"error":7}"#));
        }
        let body = req.split("\r\n\r\n").nth(1).unwrap_or("");
        let v: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
        let token = v.get("token").and_then(|t| t.as_str()).unwrap_or("");
        let mut val = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
        val.required_spec_claims.clear();
        let key = jsonwebtoken::DecodingKey::from_secret(secret.as_bytes()).expect("key");
        let ok = jsonwebtoken::decode::<serde_json::Value>(token, &key, &val)
            .map(|d| d.claims.get("c").and_then(|c| c.as_str()) == Some("version"))
            .unwrap_or(false);
        let auth_ok = req
            .lines()
            .any(|l| l.to_ascii_lowercase().starts_with("authorization: bearer "));
        Some(http(
            "200 OK",
            "",
            if ok && auth_ok {
                r#"{"error":0,"version":"8.2.0.1"}"#
            } else {
                r#"{"error":6}"#
            },
        ))
    })
}

#[tokio::test]
async fn command_service_jwt_verdicts() {
    let a = command_service("right-secret", false);
    let base = format!(
        "[[hop]]\nname=\"c\"\nkind=\"docserver-command\"\nurl=\"http://{a}/coauthoring/CommandService.ashx\"\n"
    );
    let ok = one(&format!(
        "{base}[onlyoffice]\njwt_secret=\"right-secret\"\n"
    ))
    .await;
    assert_eq!(ok.state, State::Ok, "{ok:?}");
    assert_eq!(ok.detail.ds_version.as_deref(), Some("8.2.0.1"));
    let fp = ok
        .detail
        .jwt
        .as_ref()
        .and_then(|j| j.fingerprint.clone())
        .expect("fingerprint");
    assert!(fp.starts_with("hmac:") && fp.len() == 21, "{fp}");

    let bad = one(&format!(
        "{base}[onlyoffice]\njwt_secret=\"wrong-secret\"\n"
    ))
    .await;
    assert_eq!(
        (bad.state, bad.detail.ds_error),
        (State::Fail, Some(6)),
        "{bad:?}"
    );
    assert!(bad.reason.contains("token rejected"), "{}", bad.reason);
    assert!(
        !serde_json::to_string(&bad)
            .expect("json")
            .contains("wrong-secret")
    );

    // No configured secret: local.json is read; when it is missing, say so and send no token.
    let d = tempfile::tempdir().expect("tempdir");
    let missing = d.path().join("missing-local.json");
    let none = one(&format!(
        "{base}[onlyoffice]\nlocal_json=\"{}\"\ndefault_json=\"{}\"\n",
        missing.display(),
        d.path().join("nope.json").display()
    ))
    .await;
    assert_eq!(none.detail.ds_error, Some(6));
    assert!(
        none.detail.notes.iter().any(|n| n.contains("cannot read")),
        "{:?}",
        none.detail.notes
    );

    // The secret taken from local.json.
    let local = d.path().join("local.json");
    std::fs::write(
        &local,
        r#"{"services":{"CoAuthoring":{"token":{"enable":{"request":{"inbox":true}}},"secret":{"inbox":{"string":"right-secret"}}}}}"#,
    )
    .expect("write local.json");
    let from_local = one(&format!(
        "{base}[onlyoffice]\nlocal_json=\"{}\"\n",
        local.display()
    ))
    .await;
    assert_eq!(from_local.state, State::Ok, "{from_local:?}");
    assert_eq!(
        from_local.detail.jwt.as_ref().map(|j| j.source.as_str()),
        Some("local.json")
    );

    let e = command_service("x", true);
    let expired = one(&format!(
        "[[hop]]\nname=\"c\"\nkind=\"docserver-command\"\nurl=\"http://{e}/command\"\n[onlyoffice]\njwt_secret=\"x\"\n"
    ))
    .await;
    assert_eq!(
        (expired.state, expired.detail.ds_error),
        (State::Fail, Some(7))
    );
    assert!(expired.reason.contains("clock"), "{}", expired.reason);
}

#[tokio::test]
async fn hung_service_times_out_and_round_is_concurrent() {
    let a = serve(|_| None);
    let b = serve(|_| None);
    let toml = format!(
        "[probe]\ntimeout_ms = 800\n[[hop]]\nname=\"a\"\nkind=\"http\"\nurl=\"http://{a}/\"\n[[hop]]\nname=\"b\"\nkind=\"docserver-health\"\nurl=\"http://{b}/healthcheck\"\n[[hop]]\nname=\"c\"\nkind=\"http\"\nurl=\"http://{a}/x\"\n"
    );
    let p = prober(&toml);
    let start = Instant::now();
    let rs = p.round().await;
    let took = start.elapsed();
    assert_eq!(rs.len(), 3);
    for r in &rs {
        assert_eq!(r.state, State::Fail, "{r:?}");
        assert_eq!(r.detail.error, Some(NetError::Timeout), "{r:?}");
    }
    // Summed, three 0.8 s timeouts would take 2.4 s; concurrently the round takes one.
    assert!(
        took < Duration::from_millis(2000),
        "round took {took:?}: probes were summed"
    );
}

#[tokio::test]
async fn unknown_name_fails_with_a_clear_reason() {
    let r = one("[probe]\ntimeout_ms = 3000\n[[hop]]\nname=\"d\"\nkind=\"dns\"\ntarget=\"no-such-host.invalid\"\n").await;
    assert_eq!(r.state, State::Fail, "{r:?}");
    assert!(r.reason.contains("no-such-host.invalid"), "{}", r.reason);
    let r = one("[probe]\ntimeout_ms = 3000\n[[hop]]\nname=\"t\"\nkind=\"tcp\"\ntarget=\"no-such-host.invalid:80\"\n").await;
    assert_eq!(r.state, State::Fail, "{r:?}");
}

#[tokio::test]
async fn tls_self_signed_is_reported_untrusted_with_names_and_expiry() {
    let a = tls_server();
    let r = one(&format!(
        "[[hop]]\nname=\"t\"\nkind=\"tls\"\ntarget=\"localhost:{}\"\n",
        a.port()
    ))
    .await;
    assert_eq!(r.state, State::Fail, "{r:?}");
    let tls = r.detail.tls.as_ref().expect("tls info");
    assert!(!tls.trusted, "{tls:?}");
    assert!(tls.name_matches, "{tls:?}");
    assert_eq!(tls.names, vec!["localhost".to_string()]);
    assert!(tls.days_left.unwrap_or(0) > 300, "{tls:?}");
    assert!(r.reason.contains("not trusted"), "{}", r.reason);

    let r = one(&format!(
        "[[hop]]\nname=\"t\"\nkind=\"tls\"\ntarget=\"localhost:{}\"\ninsecure=true\n",
        a.port()
    ))
    .await;
    assert_eq!(r.state, State::Warn, "{r:?}");

    let plain = serve(|_| Some(http("400 Bad Request", "", "plain http")));
    let r = one(&format!(
        "[[hop]]\nname=\"t\"\nkind=\"tls\"\ntarget=\"127.0.0.1:{}\"\n",
        plain.port()
    ))
    .await;
    assert_eq!(r.state, State::Fail, "{r:?}");
    assert!(r.reason.contains("does not speak TLS"), "{}", r.reason);
}

/// A certificate this box does not trust is explained in plain words with the way out (a
/// per-hop `ca_file`); with `ca_file` naming the test CA, the same server is trusted on a tls
/// hop and on an https hop. A CA file anyone may write is refused.
#[tokio::test]
async fn internal_ca_in_plain_words_and_trusted_through_ca_file() {
    let pki = common::test_pki("localhost");
    let a = tls_server_with(vec![pki.leaf.clone()], &pki.leaf_key);
    let d = tempfile::tempdir().expect("tempdir");
    let ca = d.path().join("ca.pem");
    std::fs::write(&ca, &pki.ca_pem).expect("write");
    let port = a.port();
    let tls_hop = format!("[[hop]]\nname=\"t\"\nkind=\"tls\"\ntarget=\"localhost:{port}\"\n");
    let https_hop =
        format!("[[hop]]\nname=\"h\"\nkind=\"http\"\nurl=\"https://localhost:{port}/\"\n");
    let ca_line = format!("ca_file=\"{}\"\n", ca.display());

    let r = one(&tls_hop).await;
    assert_eq!(r.state, State::Fail, "{r:?}");
    assert!(
        r.reason
            .contains("issued by a CA this box does not trust — an internal CA? give the hop its certificate: ca_file ="),
        "{}",
        r.reason
    );
    assert!(!r.reason.contains("UnknownIssuer"), "{}", r.reason);
    let r = one(&format!("{tls_hop}{ca_line}")).await;
    assert_eq!(r.state, State::Ok, "{r:?}");
    assert!(r.reason.starts_with("TLS 1."), "{}", r.reason);
    assert!(!r.reason.contains("TLSv"), "{}", r.reason);

    let r = one(&https_hop).await;
    assert_eq!(r.state, State::Fail, "{r:?}");
    assert!(
        r.reason
            .contains("certificate not trusted: issued by a CA this box does not trust"),
        "{}",
        r.reason
    );
    assert!(r.reason.contains("ca_file"), "{}", r.reason);
    let r = one(&format!("{https_hop}{ca_line}")).await;
    assert_eq!(r.state, State::Ok, "{r:?}");

    // Whoever can write the CA file decides what is trusted: refused, with the hop's line.
    std::fs::set_permissions(&ca, std::os::unix::fs::PermissionsExt::from_mode(0o666))
        .expect("chmod");
    let e = config::parse(&format!("{tls_hop}{ca_line}"), "t.toml").expect_err("refused");
    let t = e.to_string();
    assert!(t.contains("t.toml:2: hop 't': refusing CA file"), "{t}");
    // Not PEM, or on a hop that has no TLS.
    std::fs::set_permissions(&ca, std::os::unix::fs::PermissionsExt::from_mode(0o600))
        .expect("chmod");
    std::fs::write(&ca, "not a certificate\n").expect("write");
    let t = config::parse(&format!("{tls_hop}{ca_line}"), "t.toml")
        .expect_err("no cert")
        .to_string();
    assert!(t.contains("holds no certificate"), "{t}");
    let t = config::parse(
        &format!("[[hop]]\nname=\"p\"\nkind=\"tcp\"\ntarget=\"127.0.0.1:1\"\n{ca_line}"),
        "t.toml",
    )
    .expect_err("tcp")
    .to_string();
    assert!(
        t.contains("ca_file applies to tls hops and https URLs only"),
        "{t}"
    );
}

/// A self-signed certificate with the CA flag (what `openssl req -x509` makes) is named so,
/// not `Other(OtherError(CaUsedAsEndEntity))`.
#[tokio::test]
async fn self_signed_ca_used_as_server_certificate_in_plain_words() {
    let mut p = rcgen::CertificateParams::new(vec!["localhost".to_string()]).expect("params");
    p.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let key = rcgen::KeyPair::generate().expect("key");
    let cert = p.self_signed(&key).expect("cert");
    let a = tls_server_with(vec![cert.der().clone()], &key);
    let r = one(&format!(
        "[[hop]]\nname=\"t\"\nkind=\"tls\"\ntarget=\"localhost:{}\"\n",
        a.port()
    ))
    .await;
    assert_eq!(r.state, State::Fail, "{r:?}");
    assert!(
        r.reason.contains(
            "self-signed certificate used as a server certificate (not issued by a CA this box trusts)"
        ),
        "{}",
        r.reason
    );
    assert!(r.reason.contains("ca_file"), "{}", r.reason);
    assert!(!r.reason.contains("Other("), "{}", r.reason);
    let tls = r.detail.tls.as_ref().expect("tls");
    assert!(tls.self_signed, "{tls:?}");
}
