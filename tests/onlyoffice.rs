//! ONLYOFFICE integration checks end to end: the lab's jwt-mismatch fault through the real
//! binary, the Nextcloud/Seafile/Docker fixture readers, loopback storage servers (redirect,
//! self-signed TLS, hang, private address), forwarded headers from an nginx config, and a
//! grep of every output for the configured secrets.

mod common;
use common::{Lab, tls_server};

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use triage502::config::{self, Config, IntegrationKind, Secret};
use triage502::host::nginx::{self, ConfigOrigin, NginxTest};
use triage502::host::nginx_conf::{self, DiskSource};
use triage502::onlyoffice::{self, IntegrationReport, sides};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/onlyoffice")
        .join(name)
}

fn ids(r: &IntegrationReport) -> Vec<&'static str> {
    triage502::diagnose::integration_findings(r)
        .iter()
        .map(|f| f.id)
        .collect()
}

// ---------------------------------------------------------------- (a) the lab

#[tokio::test(flavor = "multi_thread")]
async fn lab_jwt_mismatch_names_both_fingerprints_and_the_accepted_secret() {
    let Some(lab) = Lab::up("t5oo") else { return };
    lab.run(&["break", "jwt-mismatch"]);
    let cfg = config::load_file(&lab.dir.join("lab.toml")).expect("lab.toml");
    let integrator_fp = cfg
        .onlyoffice
        .jwt_secret
        .as_ref()
        .expect("lab secret")
        .fingerprint();
    let ds = triage502::docserver::settings::DsTokenSettings::read(
        &lab.dir.join("default.json"),
        &lab.dir.join("local.json"),
    );
    let ds_fp = ds.inbox_secret.as_ref().expect("ds secret").fingerprint();
    assert_ne!(ds_fp, integrator_fp);

    let r = onlyoffice::collect(&cfg, None).await;
    let v = &r.command.verdict;
    assert!(
        v.contains("accepts the Document Server's own secret")
            && v.contains("rejects the integrator's"),
        "{v}"
    );
    assert!(v.contains(&ds_fp) && v.contains(&integrator_fp), "{v}");
    let f = triage502::diagnose::integration_findings(&r);
    let jwt = f
        .iter()
        .find(|f| f.id == "jwt_mismatch")
        .unwrap_or_else(|| panic!("no jwt_mismatch in {:?}", ids(&r)));
    let text: String = jwt
        .evidence
        .iter()
        .map(|e| format!("{} {}\n", e.source, e.fact))
        .collect();
    assert!(text.contains(&ds_fp), "{text}");
    assert!(text.contains(&integrator_fp), "{text}");
    assert!(
        text.contains("verdict: accepts the Document Server's own secret"),
        "{text}"
    );
    // The fact room renders facts (the findings are the diagnosis'): the verdict is there.
    let rendered = onlyoffice::render_text(&r);
    assert!(rendered.contains("rejects the integrator's"), "{rendered}");

    lab.run(&["fix"]);
    let r = onlyoffice::collect(&cfg, None).await;
    assert!(!ids(&r).contains(&"jwt_mismatch"), "{:?}", ids(&r));
    assert!(
        r.command.verdict.contains("same secret"),
        "{}",
        r.command.verdict
    );
    assert!(
        r.command.verdict.contains("accepts it"),
        "{}",
        r.command.verdict
    );
    assert_eq!(r.command.state, triage502::probe::State::Ok);
    assert!(
        r.command.date_skew_secs.is_some_and(|s| s.abs() <= 2),
        "{:?}",
        r.command.date_skew_secs
    );
}

// ---------------------------------------------------------------- (b) readers

#[test]
fn nextcloud_config_php_fixture_is_read() {
    let text = std::fs::read_to_string(fixture("config.php")).expect("fixture");
    let mut side = blank(IntegrationKind::Nextcloud);
    let problem = sides::apply_nextcloud_config(&mut side, &text, "config.php");
    assert_eq!(problem, None);
    assert_eq!(
        side.secret.as_ref().map(Secret::expose),
        Some("nc-fixture-jwt-secret-7f3a")
    );
    assert_eq!(
        side.fingerprint.as_deref(),
        Some(
            Secret::new("nc-fixture-jwt-secret-7f3a")
                .fingerprint()
                .as_str()
        )
    );
    assert_eq!(side.header.as_deref(), Some("AuthorizationJwt"));
    assert_eq!(
        side.document_server_url.as_deref(),
        Some("http://office.example.org/")
    );
    assert_eq!(
        side.document_server_internal_url.as_deref(),
        Some("http://127.0.0.1:8080/")
    );
    assert_eq!(
        side.storage_url.as_deref(),
        Some("http://cloud.internal.example.org/")
    );
    assert_eq!(side.verify_peer_off, Some(true));
    assert_eq!(side.base_url.as_deref(), Some("https://cloud.example.org"));
}

fn blank(kind: IntegrationKind) -> sides::IntegratorSide {
    // The public constructor path: read_integrator on an empty config of that kind.
    let mut cfg = Config::default();
    cfg.integration.kind = kind;
    cfg.integration.nextcloud_config = "/nonexistent/config.php".into();
    cfg.integration.seahub_settings = "/nonexistent/seahub_settings.py".into();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("rt");
    let mut unknown = Vec::new();
    rt.block_on(sides::read_integrator(
        &cfg,
        Duration::from_secs(1),
        &mut unknown,
    ))
}

#[test]
fn nextcloud_variants_short_syntax_comments_missing_keys() {
    let t = "<?php\n# comment\n$CONFIG = [\n  /* 'onlyoffice' => ['jwt_secret' => 'commented'], */\n  \"onlyoffice\" => [\n    \"jwt_secret\" => \"it\\\"s-x\", // trailing\n    'DocumentServerUrl' => 'https://office.example.org/',\n  ],\n];\n";
    let mut side = blank(IntegrationKind::Nextcloud);
    assert_eq!(sides::apply_nextcloud_config(&mut side, t, "c.php"), None);
    assert_eq!(side.secret.as_ref().map(Secret::expose), Some("it\"s-x"));
    assert_eq!(side.header, None);
    assert_eq!(side.verify_peer_off, None);

    let mut side = blank(IntegrationKind::Nextcloud);
    let p =
        sides::apply_nextcloud_config(&mut side, "<?php\n$CONFIG = array('x' => 1);\n", "c.php");
    assert!(p.is_some_and(|p| p.contains("no 'onlyoffice' array")));
    assert!(side.secret.is_none());
}

#[tokio::test]
async fn unreadable_integrator_file_is_an_explained_unknown() {
    let mut cfg = Config::default();
    cfg.integration.kind = IntegrationKind::Nextcloud;
    cfg.integration.nextcloud_config = "/nonexistent-t5/config.php".into();
    cfg.onlyoffice.local_json = "/nonexistent-t5/local.json".into();
    cfg.onlyoffice.default_json = "/nonexistent-t5/default.json".into();
    let start = Instant::now();
    let r = onlyoffice::collect(&cfg, None).await;
    assert!(start.elapsed() < Duration::from_secs(5));
    let all: String = r
        .unknown
        .iter()
        .map(|u| format!("{}: {}\n", u.what, u.why))
        .collect();
    assert!(
        all.contains("cannot read /nonexistent-t5/config.php: "),
        "{all}"
    );
    assert!(all.contains("/nonexistent-t5/local.json"), "{all}");
    assert!(onlyoffice::render_text(&r).contains("Not checked"));
}

#[test]
fn seafile_fixture_is_read() {
    let text = std::fs::read_to_string(fixture("seahub_settings.py")).expect("fixture");
    let mut side = blank(IntegrationKind::Seafile);
    let notes = sides::apply_seahub_settings(&mut side, &text, "seahub_settings.py");
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(
        side.secret.as_ref().map(Secret::expose),
        Some("sf-fixture-jwt-secret-91c2")
    );
    assert_eq!(side.header.as_deref(), Some("Authorization"));
    assert_eq!(
        side.document_server_url.as_deref(),
        Some("http://office.example.org")
    );
    assert_eq!(side.verify_peer_off, Some(true));
    assert_eq!(side.integration_enabled, Some(true));
    assert_eq!(
        side.base_url.as_deref(),
        Some("https://seafile.example.org")
    );

    let mut side = blank(IntegrationKind::Seafile);
    let notes = sides::apply_seahub_settings(
        &mut side,
        "ONLYOFFICE_JWT_SECRET = os.environ['X']\n",
        "s.py",
    );
    assert!(notes[0].contains("not a plain string"), "{notes:?}");
    assert!(side.secret.is_none());
}

#[test]
fn docker_inspect_fixture_overrides_local_json() {
    let text = std::fs::read_to_string(fixture("docker-inspect.json")).expect("fixture");
    let env = sides::docker_env(&text).expect("env");
    let mut ds = sides::DsSide {
        enabled: Some(false),
        header: Some("Authorization".into()),
        ..Default::default()
    };
    sides::apply_docker_env(&mut ds, &env, "docker inspect onlyoffice");
    assert_eq!(ds.enabled, Some(true));
    assert_eq!(
        ds.secret.as_ref().map(Secret::expose),
        Some("docker-fixture-jwt-secret-55aa")
    );
    assert_eq!(ds.header.as_deref(), Some("AuthorizationJwt"));
    assert_eq!(ds.in_body, Some(true));
    assert_eq!(ds.sources, vec!["docker inspect onlyoffice".to_string()]);
    assert!(sides::docker_env("[]").is_err());
    assert!(sides::docker_env("not json").is_err());

    // Compared against the Nextcloud fixture: header and secret differ.
    let nc = std::fs::read_to_string(fixture("config.php")).expect("fixture");
    let mut side = blank(IntegrationKind::Nextcloud);
    sides::apply_nextcloud_config(&mut side, &nc, "config.php");
    side.enabled = Some(true);
    let cmp = sides::compare(&ds, &side);
    let secret = cmp.iter().find(|c| c.what == "secret").expect("secret");
    assert_eq!(secret.state, triage502::probe::State::Fail);
    let header = cmp.iter().find(|c| c.what == "header").expect("header");
    assert_eq!(header.state, triage502::probe::State::Ok);
}

// ---------------------------------------------------------------- (c) storage

/// A plain HTTP server answering every request with `answer`.
fn http_server(answer: &'static str) -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = l.local_addr().expect("addr");
    std::thread::spawn(move || {
        for mut s in l.incoming().flatten() {
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf);
                let _ = s.write_all(answer.as_bytes());
            });
        }
    });
    addr
}

/// Accepts connections and never answers.
fn hang_server() -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = l.local_addr().expect("addr");
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in l.incoming().flatten() {
            held.push(s);
        }
    });
    addr
}

const OK_WITH_CORS: &str = "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: http://office.example.org\r\nAccess-Control-Allow-Methods: GET, POST\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";

#[tokio::test(flavor = "multi_thread")]
async fn storage_redirect_self_signed_and_hang_each_give_their_finding() {
    let redirect = http_server(
        "HTTP/1.1 301 Moved Permanently\r\nLocation: https://cloud.example.org/apps/onlyoffice/empty\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    );
    let tls = tls_server();
    let hang = hang_server();
    let mut cfg = Config::default();
    cfg.probe.timeout_ms = 800;
    cfg.onlyoffice.local_json = "/nonexistent-t5/local.json".into();
    cfg.integration.kind = IntegrationKind::Custom;
    cfg.integration.allow_private_ip = true;
    cfg.integration.storage_urls = vec![
        format!("http://127.0.0.1:{}/apps/onlyoffice/empty", redirect.port()),
        format!("https://localhost:{}/", tls.port()),
        format!("http://127.0.0.1:{}/", hang.port()),
    ];
    let start = Instant::now();
    let r = onlyoffice::collect(&cfg, None).await;
    // Concurrent: one timeout, not three.
    assert!(
        start.elapsed() < Duration::from_millis(2000),
        "{:?}",
        start.elapsed()
    );
    let f = triage502::diagnose::integration_findings(&r);
    let get = |id: &str| {
        f.iter()
            .find(|x| x.id == id)
            .unwrap_or_else(|| panic!("no {id} in {:?}\n{}", ids(&r), onlyoffice::render_text(&r)))
    };
    let red = get("callback_redirect");
    assert!(
        red.evidence[0]
            .fact
            .contains("http to https://cloud.example.org"),
        "{:?}",
        red.evidence
    );
    assert_eq!(red.severity, triage502::probe::State::Fail);
    let t = get("tls_problem");
    assert!(
        t.evidence[0]
            .fact
            .contains(&format!("localhost:{}", tls.port())),
        "{:?}",
        t.evidence
    );
    assert!(t.evidence[0].source == "integration:storage");
    let u = get("storage_unreachable");
    assert!(u.evidence[0].fact.contains("no answer"), "{:?}", u.evidence);
    assert!(
        u.evidence[0].fact.contains(&hang.port().to_string()),
        "{:?}",
        u.evidence
    );
    assert!(!ids(&r).contains(&"private_ip_blocked"));
}

#[tokio::test(flavor = "multi_thread")]
async fn private_address_is_blocked_unless_allowed_and_preflight_is_reported() {
    let ok = http_server(OK_WITH_CORS);
    let mut cfg = Config::default();
    cfg.probe.timeout_ms = 1000;
    cfg.onlyoffice.local_json = "/nonexistent-t5/local.json".into();
    cfg.integration.kind = IntegrationKind::Custom;
    cfg.integration.document_server_url = Some("http://office.example.org/".into());
    cfg.integration.storage_urls = vec![format!("http://localhost:{}/", ok.port())];
    let r = onlyoffice::collect(&cfg, None).await;
    assert!(ids(&r).contains(&"private_ip_blocked"), "{:?}", ids(&r));
    assert!(
        r.storage[0]
            .addresses
            .iter()
            .any(|a| a == "127.0.0.1" || a == "::1")
    );
    let pf = r.preflight.as_ref().expect("preflight");
    assert_eq!(pf.origin, "http://office.example.org");
    assert!(
        pf.allow
            .iter()
            .any(|(k, v)| k == "access-control-allow-origin" && v == "http://office.example.org"),
        "{pf:?}"
    );
    cfg.integration.allow_private_ip = true;
    let r = onlyoffice::collect(&cfg, None).await;
    assert!(
        triage502::diagnose::integration_findings(&r).is_empty(),
        "{:?}",
        ids(&r)
    );
    assert_eq!(r.storage[0].state, triage502::probe::State::Ok);
}

// ---------------------------------------------------------------- (d) headers

fn facts(text: &str) -> nginx::NginxFacts {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("nginx.conf");
    std::fs::write(&path, text).expect("write");
    let c = nginx_conf::load(&DiskSource, &path).expect("parse");
    nginx::analyze(
        &c,
        ConfigOrigin::Files,
        NginxTest::NotRun {
            reason: "test".into(),
        },
    )
}

const NGINX: &str = r#"events {}
http {
    upstream docservice { server 127.0.0.1:8000; }
    server {
        listen 443 ssl;
        server_name office.example.org;
        location / {
            proxy_pass http://docservice;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-Host $host;
        }
        location /plain {
            proxy_pass http://127.0.0.1:8000;
        }
        location /app {
            proxy_pass http://127.0.0.1:9000;
        }
    }
}
"#;

#[tokio::test]
async fn missing_forwarded_headers_and_mixed_content_are_found() {
    let f = facts(NGINX);
    let checks = onlyoffice::headers::check_forwarded_headers(&f, &[8000]);
    assert_eq!(checks.len(), 2, "{checks:?}");
    assert_eq!(checks[0].location, "/");
    assert_eq!(checks[0].missing.len(), 1, "{:?}", checks[0].missing);
    assert!(checks[0].missing[0].starts_with("X-Forwarded-Proto"));
    assert!(checks[0].at.contains("nginx.conf:"), "{}", checks[0].at);
    let plain = &checks[1].missing.join(" | ");
    assert!(
        plain.contains("Host (nginx's default $proxy_host"),
        "{plain}"
    );
    assert!(plain.contains("Connection is \"close\""), "{plain}");

    let mut cfg = Config::default();
    cfg.onlyoffice.local_json = "/nonexistent-t5/local.json".into();
    cfg.integration.kind = IntegrationKind::Custom;
    cfg.integration.integrator_url = Some("https://cloud.example.org".into());
    cfg.integration.document_server_url = Some("http://office.example.org/".into());
    let r = onlyoffice::collect(&cfg, Some(&f)).await;
    let all = triage502::diagnose::integration_findings(&r);
    let fh = all
        .iter()
        .find(|x| x.id == "forwarded_headers_missing")
        .expect("forwarded_headers_missing");
    assert!(fh.title.contains("X-Forwarded-Proto"), "{}", fh.title);
    assert!(fh.evidence.iter().all(|e| e.source == "host:nginx"));
    assert!(
        fh.evidence[0].fact.contains("nginx.conf:"),
        "{:?}",
        fh.evidence
    );
    assert!(all.iter().any(|x| x.id == "mixed_content"), "{:?}", ids(&r));
    let steps = triage502::diagnose::integration_checks(&r);
    assert!(steps.iter().any(|s| s.label == "mixed content"));
    assert!(
        steps
            .iter()
            .any(|s| s.label.starts_with("forwarded headers"))
    );

    // A location like the lab's (upstream on another port, named docservice) passes everything.
    let lab = facts(
        "events {}\nhttp {\n upstream docservice { server 127.0.0.1:18000; }\n server {\n  listen 127.0.0.1:18080;\n  location / {\n   proxy_pass http://docservice;\n   proxy_set_header Upgrade $http_upgrade;\n   proxy_set_header Connection $connection_upgrade;\n   proxy_set_header Host $host;\n   proxy_set_header X-Forwarded-Proto $scheme;\n   proxy_set_header X-Forwarded-Host $host;\n  }\n }\n}\n",
    );
    let ok = onlyoffice::headers::check_forwarded_headers(&lab, &[8000]);
    assert_eq!(ok.len(), 1);
    assert!(ok[0].missing.is_empty(), "{:?}", ok[0].missing);
}

// ---------------------------------------------------------------- (e) secrets

/// A command service that rejects every token (error 6), with a Date header.
fn reject_server() -> SocketAddr {
    http_server(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nDate: Mon, 01 Jan 2024 00:00:00 GMT\r\nContent-Length: 11\r\nConnection: close\r\n\r\n{\"error\":6}",
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn no_output_contains_a_configured_secret() {
    let secrets = [
        "S3cr3t-integration-XYZ",
        "S3cr3t-onlyoffice-ABC",
        "S3cr3t-docserver-QRS",
        "S3cr3t-nextcloud-LMN",
        "S3cr3t-occ-777",
    ];
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        d.path().join("local.json"),
        format!(
            r#"{{"services":{{"CoAuthoring":{{"token":{{"enable":{{"request":{{"inbox":true}}}}}},"secret":{{"inbox":{{"string":"{}"}}}}}}}}}}"#,
            secrets[2]
        ),
    )
    .expect("write");
    std::fs::write(
        d.path().join("config.php"),
        format!(
            "<?php\n$CONFIG = array('overwrite.cli.url' => 'https://cloud.example.org', 'onlyoffice' => array('jwt_secret' => '{}', 'DocumentServerUrl' => 'http://office.example.org/'));\n",
            secrets[3]
        ),
    )
    .expect("write");
    let occ = d.path().join("occ");
    std::fs::write(
        &occ,
        format!(
            "#!/bin/sh\ncase \"$3\" in jwt_secret) echo {};; *) exit 1;; esac\n",
            secrets[4]
        ),
    )
    .expect("write");
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&occ, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let cmd = reject_server();
    let storage = http_server(OK_WITH_CORS);
    let text = format!(
        r#"[probe]
timeout_ms = 1000

[[hop]]
name = "command"
kind = "docserver-command"
url = "http://127.0.0.1:{cmd}/coauthoring/CommandService.ashx"

[onlyoffice]
local_json = "{dir}/local.json"
default_json = "{dir}/default.json"
jwt_secret = "{s1}"

[integration]
kind = "nextcloud"
nextcloud_config = "{dir}/config.php"
occ = ["{dir}/occ"]
jwt_secret = "{s0}"
storage_urls = ["http://127.0.0.1:{st}/"]
allow_private_ip = false
"#,
        cmd = cmd.port(),
        st = storage.port(),
        dir = d.path().display(),
        s0 = secrets[0],
        s1 = secrets[1],
    );
    let cfg = config::parse(&text, "t.toml").expect("config parses");
    let r = onlyoffice::collect(&cfg, Some(&facts(NGINX))).await;
    // The probe ran with both secrets and both were rejected.
    assert_eq!(r.command.probes.len(), 2, "{:?}", r.command);
    assert!(
        r.command.verdict.contains("rejects both"),
        "{}",
        r.command.verdict
    );
    assert!(ids(&r).contains(&"jwt_mismatch"));
    assert!(ids(&r).contains(&"clock_skew"), "{:?}", ids(&r));
    let d2 = triage502::diagnose::Diagnosis {
        findings: triage502::diagnose::integration_findings(&r),
        ..Default::default()
    };
    let outputs = [
        onlyoffice::render_text(&r),
        serde_json::to_string_pretty(&r).expect("json"),
        serde_json::to_string_pretty(&triage502::diagnose::integration_findings(&r)).expect("json"),
        serde_json::to_string_pretty(&triage502::diagnose::integration_checks(&r)).expect("json"),
        serde_json::to_string_pretty(&d2).expect("json"),
        format!("{r:?}"),
        cfg.to_masked_toml(),
    ];
    for out in &outputs {
        for s in secrets {
            assert!(!out.contains(s), "secret {s} leaked into:\n{out}");
        }
    }
    // The fingerprints are there instead.
    let fp = Secret::new(secrets[0]).fingerprint();
    assert!(outputs[0].contains(&fp), "{}", outputs[0]);
    assert!(outputs[0].contains(&Secret::new(secrets[2]).fingerprint()));
}

#[tokio::test]
async fn occ_fills_what_config_php_lacks_and_integration_section_parses() {
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        d.path().join("config.php"),
        "<?php\n$CONFIG = array('onlyoffice' => array('DocumentServerUrl' => 'https://office.example.org/'));\n",
    )
    .expect("write");
    // A stand-in for `php occ`: answers config:app:get onlyoffice KEY like occ (exit 1 = unset).
    let occ = d.path().join("occ");
    std::fs::write(
        &occ,
        "#!/bin/sh\ncase \"$1 $2 $3\" in\n 'config:app:get onlyoffice jwt_secret') echo occ-secret-1;;\n 'config:app:get onlyoffice jwt_header') echo AuthorizationJwt;;\n 'config:app:get onlyoffice DocumentServerUrl') echo http://ignored.example.org/;;\n *) exit 1;;\nesac\n",
    )
    .expect("write");
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&occ, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let text = format!(
        "[integration]\nkind = \"nextcloud\"\nnextcloud_config = \"{dir}/config.php\"\nocc = [\"{dir}/occ\"]\n",
        dir = d.path().display()
    );
    let cfg = config::parse(&text, "t.toml").expect("parses");
    let mut unknown = Vec::new();
    let side = sides::read_integrator(&cfg, Duration::from_secs(5), &mut unknown).await;
    assert!(unknown.is_empty(), "{unknown:?}");
    assert_eq!(
        side.secret.as_ref().map(Secret::expose),
        Some("occ-secret-1")
    );
    assert_eq!(side.secret_source.as_deref(), Some("occ"));
    assert_eq!(side.header.as_deref(), Some("AuthorizationJwt"));
    // config.php wins over occ's app value.
    assert_eq!(
        side.document_server_url.as_deref(),
        Some("https://office.example.org/")
    );
    assert_eq!(side.enabled, Some(true));
    assert!(side.sources.iter().any(|s| s.starts_with("occ")));
}

#[test]
fn private_ranges() {
    use onlyoffice::storage::is_private;
    for a in [
        "10.1.2.3",
        "172.16.0.1",
        "172.31.255.255",
        "192.168.1.1",
        "127.0.0.1",
        "169.254.1.1",
        "::1",
        "fc00::1",
        "fd12::1",
        "::ffff:10.0.0.1",
    ] {
        assert!(is_private(a.parse().expect("ip")), "{a}");
    }
    for a in ["8.8.8.8", "172.32.0.1", "2001:db8::1", "1.1.1.1"] {
        assert!(!is_private(a.parse().expect("ip")), "{a}");
    }
}
