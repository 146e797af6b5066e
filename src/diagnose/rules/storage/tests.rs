//! The delivery rules from constructed snapshots: each id from its Document Server lines on a
//! green chain, the next step that fits the code, history before the last start ignored, and
//! the log-only suppression kept for the classes a green probe disproves.

use crate::config::Config;
use crate::diagnose::test_support::green;
use crate::diagnose::{Diagnosis, HostView, Input, LogView, diagnose, walkthrough};
use crate::logs::docserver::DsEntry;
use crate::logs::{Class, Record};
use crate::probe::State;

const CFG: &str = r#"
[[hop]]
name = "nginx"
kind = "tcp"
role = "proxy"
target = "127.0.0.1:80"
[[hop]]
name = "via-nginx"
kind = "docserver-health"
role = "via-proxy"
url = "http://127.0.0.1/healthcheck"
[[hop]]
name = "docservice"
kind = "tcp"
role = "upstream"
target = "127.0.0.1:8000"
"#;

fn cfg() -> Config {
    let mut c = crate::config::parse(CFG, "test").expect("test config");
    c.onlyoffice.local_json = "/nonexistent-hstore/local.json".into();
    c.onlyoffice.default_json = "/nonexistent-hstore/default.json".into();
    c
}

/// A Document Server entry at `time` (HH:MM:SS on one day) with this message.
fn ds(time: &str, doc: &str, msg: &str) -> Record {
    let raw =
        format!("[2026-11-28T{time}.000] [ERROR] [localhost] [{doc}] [userId] nodeJS - {msg}");
    let mut e = DsEntry::parse(raw.as_bytes(), Some(3));
    e.file = Some("/var/log/onlyoffice/documentserver/converter/out.log".into());
    Record::DocServer(e)
}

fn started(time: &str) -> Record {
    ds(
        time,
        "docId",
        "Express server listening on port 8000 in production mode. Version: 8.2.0. Build: 1",
    )
}

fn run(c: &Config, logs: &[Record]) -> Diagnosis {
    diagnose(&Input {
        cfg: c,
        hops: &green(c),
        logs: LogView::new(logs),
        host: HostView::default(),
        integration: None,
        unknown: vec![],
    })
}

const DENIED_403: &str = "error downloadFile:url=https://cloud.example.org/index.php/apps/onlyoffice/download?doc=x;attempt=3;code:null;connect:null Error: Error response: statusCode:403; headers:{\"server\":\"Apache/2.4.62\"};";
const REFUSED: &str = "error downloadFile:url=http://cloud.example.org:8081/storage/doc.docx;attempt=3;code:ECONNREFUSED;connect:null Error: connect ECONNREFUSED 10.0.0.5:8081";

#[test]
fn storage_denied_on_a_green_chain_names_host_status_documents_and_the_jwt_step() {
    let c = cfg();
    let logs = [
        ds("10:00:00", "doc-a", DENIED_403),
        ds("10:01:00", "doc-b", DENIED_403),
        ds("10:02:00", "doc-b", DENIED_403),
    ];
    assert_eq!(logs[0].class(), Class::DsStorageDenied);
    let d = run(&c, &logs);
    let f = &d.findings[0];
    assert_eq!(f.id, "storage_denied", "{:?}", d.ids());
    assert_eq!(f.severity, State::Fail);
    assert!(f.title.contains("cloud.example.org:443"), "{}", f.title);
    assert!(f.title.contains("HTTP 403, 2 documents"), "{}", f.title);
    let ev = &f.evidence[0];
    assert!(ev.source.starts_with("log:/var/log/onlyoffice"), "{ev:?}");
    assert!(ev.fact.contains("on 3 downloads"), "{}", ev.fact);
    assert!(
        ev.fact
            .contains("first 2026-11-28 10:00:00, last 2026-11-28 10:02:00"),
        "{}",
        ev.fact
    );
    assert!(
        f.next_steps[0].contains("secret.outbox.string"),
        "{:?}",
        f.next_steps
    );
    assert!(!d.all_clear);
}

#[test]
fn storage_denied_by_the_document_server_itself_and_404_say_so() {
    let c = cfg();
    let express = "error downloadFile:url=https://office.example.com/index.php/apps/onlyoffice/empty?doc=x;attempt=3;code:null;connect:null;(id=conv_check_1)\nError: Error response: statusCode:404; headers:{\"server\":\"nginx\",\"x-powered-by\":\"Express\"}";
    let d = run(&c, &[ds("10:00:00", "docId", express)]);
    let f = &d.findings[0];
    assert_eq!(f.id, "storage_denied");
    assert!(
        f.next_steps[0].contains("resolves to the Document Server itself"),
        "{:?}",
        f.next_steps
    );
    assert!(f.title.contains("HTTP 404, 1 document"), "{}", f.title);
    let plain404 = DENIED_403.replace("statusCode:403", "statusCode:404");
    let d = run(&c, &[ds("10:00:00", "d", &plain404)]);
    assert!(
        d.findings[0].next_steps[0].contains("StorageUrl"),
        "{:?}",
        d.findings[0].next_steps
    );
}

#[test]
fn storage_unreachable_for_refused_timeout_and_dns_with_the_fitting_step() {
    let c = cfg();
    let d = run(&c, &[ds("10:00:00", "d1", REFUSED)]);
    let f = &d.findings[0];
    assert_eq!(f.id, "storage_unreachable", "{:?}", d.ids());
    assert!(
        f.title
            .contains("cloud.example.org:8081 (ECONNREFUSED, 1 document)"),
        "{}",
        f.title
    );
    assert!(
        f.next_steps[0].contains("Nothing accepts connections"),
        "{:?}",
        f.next_steps
    );

    let timeout = "error downloadFile:url=http://cloud.example.org/x;attempt=1;code:ETIMEDOUT;connect:undefined Error: Error: whole request cycle timeout";
    let d = run(&c, &[ds("10:00:00", "d1", timeout)]);
    assert_eq!(d.findings[0].id, "storage_unreachable");
    assert!(
        d.findings[0]
            .title
            .contains("ETIMEDOUT (whole request cycle timeout)"),
        "{}",
        d.findings[0].title
    );
    assert!(d.findings[0].next_steps[0].contains("downloadTimeout"));

    let dns = "error downloadFile:url=http://nc.internal/x;attempt=3;code:ENOTFOUND;connect:undefined Error: getaddrinfo ENOTFOUND nc.internal";
    let d = run(&c, &[ds("10:00:00", "d1", dns)]);
    assert_eq!(d.findings[0].id, "storage_unreachable");
    assert!(d.findings[0].next_steps[0].contains("does not resolve"));
}

#[test]
fn private_ip_and_ipfilter_are_private_ip_blocked_with_their_own_setting() {
    let c = cfg();
    let private = "error downloadFile:url=http://127.0.0.1:8081/storage/doc.docx;attempt=1;code:undefined;connect:undefined Error: DNS lookup 127.0.0.1(family:4, host:127.0.0.1) is not allowed. Because, It is private IP address.";
    let d = run(&c, &[ds("10:00:00", "d1", private)]);
    let f = &d.findings[0];
    assert_eq!(f.id, "private_ip_blocked", "{:?}", d.ids());
    assert!(f.next_steps[0].contains("allowPrivateIPAddress = true"));
    let ipf = "checkIpFilter error:url=http://10.0.0.5/x;code:403;";
    let d = run(&c, &[ds("10:00:00", "d1", ipf)]);
    let f = &d.findings[0];
    assert_eq!(f.id, "private_ip_blocked");
    assert!(f.title.contains("own ip filter"), "{}", f.title);
    assert!(f.next_steps[0].contains("services.CoAuthoring.ipfilter.rules"));
}

#[test]
fn document_too_large_shows_the_configured_limit_or_the_default() {
    let dir = tempfile::tempdir().expect("tempdir");
    let local = dir.path().join("local.json");
    std::fs::write(
        &local,
        r#"{"FileConverter":{"converter":{"maxDownloadBytes":1000}}}"#,
    )
    .expect("write");
    let mut c = cfg();
    c.onlyoffice.local_json = local;
    let msg = "error downloadFile:url=http://127.0.0.1:8081/storage/doc.docx;attempt=1;code:EMSGSIZE;connect:undefined Error: EMSGSIZE: Error response: content-length:4096";
    let d = run(&c, &[ds("10:00:00", "big", msg)]);
    let f = &d.findings[0];
    assert_eq!(f.id, "document_too_large", "{:?}", d.ids());
    assert!(
        f.evidence
            .iter()
            .any(|e| e.fact.contains("maxDownloadBytes is 1000 bytes")),
        "{:?}",
        f.evidence
    );
    std::fs::write(&c.onlyoffice.local_json, "{}").expect("write");
    let d = run(&c, &[ds("10:00:00", "big", msg)]);
    assert!(
        d.findings[0]
            .evidence
            .iter()
            .any(|e| e.fact.contains("default 104857600")),
        "{:?}",
        d.findings[0].evidence
    );
}

#[test]
fn storage_certificate_is_tls_problem_on_a_green_chain() {
    let c = cfg();
    let msg = "error downloadFile:url=https://cloud.example.org/x;attempt=3;code:DEPTH_ZERO_SELF_SIGNED_CERT;connect:undefined Error: self signed certificate";
    let d = run(&c, &[ds("10:00:00", "d1", msg)]);
    let f = &d.findings[0];
    assert_eq!(f.id, "tls_problem", "{:?}", d.ids());
    assert!(
        f.title.contains("DEPTH_ZERO_SELF_SIGNED_CERT"),
        "{}",
        f.title
    );
    let expired = msg.replace("DEPTH_ZERO_SELF_SIGNED_CERT", "CERT_HAS_EXPIRED");
    let d = run(&c, &[ds("10:00:00", "d1", &expired)]);
    assert!(d.findings[0].next_steps[0].contains("expired"));
}

#[test]
fn callback_failures_and_redirects() {
    let c = cfg();
    let refused = "postData error: url = https://cloud.example.org/index.php/apps/onlyoffice/track?doc=x;data = {\"key\":\"k1\",\"status\":2} Error: connect ECONNREFUSED 192.0.2.10:443";
    let e500 = "postData error: url = https://cloud.example.org/index.php/apps/onlyoffice/track?doc=x;data = {\"key\":\"k2\",\"status\":6} Error: Error response: statusCode:500 ;body:";
    let d = run(
        &c,
        &[
            ds("10:00:00", "docId", refused),
            ds("10:00:05", "docId", e500),
        ],
    );
    let f = &d.findings[0];
    assert_eq!(f.id, "callback_failed", "{:?}", d.ids());
    assert_eq!(
        f.evidence.len(),
        2,
        "one line per status/code: {:?}",
        f.evidence
    );
    assert!(
        f.evidence
            .iter()
            .any(|e| e.fact.contains("ECONNREFUSED on 1 callback (1 document)")),
        "{:?}",
        f.evidence
    );
    assert!(f.evidence.iter().any(|e| e.fact.contains("HTTP 500")));
    let moved = "postData error: docId = 173335947;url = http://nc.example.com/apps/onlyoffice/track?doc=x;data = {\"key\":\"173335947\",\"status\":4}\nError: Error response: statusCode:301 ;body:";
    let d = run(&c, &[ds("10:00:00", "docId", moved)]);
    assert_eq!(d.ids(), ["callback_redirect"]);
}

#[test]
fn lines_from_before_the_last_start_are_history() {
    let c = cfg();
    let before = [
        ds("10:00:00", "d1", DENIED_403),
        ds("10:00:01", "d2", REFUSED),
        started("10:05:00"),
    ];
    let d = run(&c, &before);
    assert!(d.findings.is_empty(), "{:?}", d.ids());
    assert!(d.all_clear);
    // The same lines after the start count.
    let after = [started("09:59:00"), ds("10:00:00", "d1", DENIED_403)];
    assert_eq!(run(&c, &after).ids(), ["storage_denied"]);
}

#[test]
fn green_chain_still_suppresses_what_a_green_probe_disproves() {
    let c = cfg();
    let other = [
        ds(
            "10:00:00",
            "docId",
            "[AMQP] Error: connect ECONNREFUSED 127.0.0.1:5672",
        ),
        ds(
            "10:00:01",
            "docId",
            "redisClient error Error: connect ECONNREFUSED 127.0.0.1:6379",
        ),
        ds(
            "10:00:02",
            "docId",
            "postgresql pool error Error: Connection terminated unexpectedly",
        ),
        ds(
            "10:00:03",
            "docId",
            "healthCheck error Error: connect ECONNREFUSED 127.0.0.1:5432",
        ),
        ds(
            "10:00:04",
            "docId",
            "checkJwt error: name = JsonWebTokenError message = invalid signature token = x",
        ),
    ];
    let d = run(&c, &other);
    assert!(d.findings.is_empty(), "{:?}", d.ids());
}

#[test]
fn walkthrough_step_four_lists_each_storage_and_callback_host() {
    let c = cfg();
    let hops = green(&c);
    let logs = [
        ds("10:00:00", "d1", DENIED_403),
        ds("10:00:09", "d2", REFUSED),
        ds(
            "10:00:10",
            "docId",
            "postData error: url = http://cb.example.org/track;data = {\"key\":\"k\"} Error: connect ECONNREFUSED 192.0.2.1:80",
        ),
    ];
    let input = Input {
        cfg: &c,
        hops: &hops,
        logs: LogView::new(&logs),
        host: HostView::default(),
        integration: None,
        unknown: vec![],
    };
    let d = diagnose(&input);
    let steps = walkthrough(&input, &d);
    let s4 = &steps[3];
    assert_eq!(s4.title, "Integration and auth");
    assert_eq!(s4.verdict, State::Fail);
    let labels: Vec<&str> = s4.checks.iter().map(|c| c.label.as_str()).collect();
    assert!(
        labels.contains(&"Document Server download from cloud.example.org:443"),
        "{labels:?}"
    );
    assert!(
        labels.contains(&"Document Server download from cloud.example.org:8081"),
        "{labels:?}"
    );
    assert!(
        labels.contains(&"Document Server callback to cb.example.org:80"),
        "{labels:?}"
    );
    let cb = s4
        .checks
        .iter()
        .find(|c| c.label.contains("callback"))
        .expect("callback check");
    assert!(
        cb.evidence.contains("1 failed") && cb.evidence.contains("last error: ECONNREFUSED"),
        "{}",
        cb.evidence
    );
    assert!(
        s4.next.contains("downloads or callbacks fail"),
        "{}",
        s4.next
    );
}

#[test]
fn the_active_probe_and_the_log_make_one_storage_denied() {
    let rt = crate::util::runtime().expect("runtime");
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = l.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        use std::io::{Read as _, Write as _};
        for mut s in l.incoming().flatten() {
            let mut b = [0u8; 2048];
            let _ = s.read(&mut b);
            let _ = s.write_all(
                b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    });
    let mut c = cfg();
    c.probe.timeout_ms = 1500;
    c.integration.kind = crate::config::IntegrationKind::Custom;
    c.integration.allow_private_ip = true;
    let url = format!("http://127.0.0.1:{port}/storage/doc.docx");
    c.integration.storage_urls = vec![url.clone()];
    let report = rt.block_on(crate::onlyoffice::collect(&c, None));
    let msg = format!(
        "error downloadFile:url={url};attempt=3;code:null;connect:null Error: Error response: statusCode:403; headers:{{}};"
    );
    let logs = [ds("10:00:00", "d1", &msg)];
    let hops = green(&c);
    let d = diagnose(&Input {
        cfg: &c,
        hops: &hops,
        logs: LogView::new(&logs),
        host: HostView::default(),
        integration: Some(&report),
        unknown: vec![],
    });
    let denied: Vec<_> = d
        .findings
        .iter()
        .filter(|f| f.id == "storage_denied")
        .collect();
    assert_eq!(denied.len(), 1, "{:?}", d.ids());
    let sources: Vec<&str> = denied[0]
        .evidence
        .iter()
        .map(|e| e.source.as_str())
        .collect();
    assert!(sources.iter().any(|s| s.starts_with("log:")), "{sources:?}");
    assert!(sources.contains(&"integration:storage"), "{sources:?}");
}
