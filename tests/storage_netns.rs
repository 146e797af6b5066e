//! Storage checks from where the Document Server stands (issue 18): a network namespace the
//! test creates, a process in it with `NODE_CONFIG_DIR` naming a Document Server's settings
//! (as a container's docservice has), a storage server listening on the namespace's own
//! loopback and a name only the namespace's `/etc/hosts` knows (`ip netns exec` bind-mounts
//! `/etc/netns/NS/hosts` over it for the process). `check` run as root on the host then checks
//! the storage URLs from inside that namespace — what the host cannot reach is reached and
//! what the host reaches is refused — and says so; without the process the same URLs are
//! checked from this box, with the opposite outcome.

mod common;

use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::os::fd::AsRawFd as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::{Netns, finding_ids, is_root, skip};

const NAME: &str = "storage.t502.test";
/// A name only the namespace's nameserver (127.0.0.1:53 inside it) knows.
const DNS_NAME: &str = "dns.t502.test";

/// Answer `200 OK` to every connection on `l`, on a thread of its own.
fn serve(l: TcpListener) {
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { return };
            let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let _ =
                s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        }
    });
}

/// A listener on 127.0.0.1 inside the namespace: bound by a thread that entered it.
fn listen_inside(ns: &str) -> TcpListener {
    let f = std::fs::File::open(format!("/run/netns/{ns}")).expect("open netns");
    std::thread::spawn(move || {
        // SAFETY: setns on a valid descriptor changes only this thread's namespace.
        assert_eq!(unsafe { libc::setns(f.as_raw_fd(), libc::CLONE_NEWNET) }, 0);
        TcpListener::bind("127.0.0.1:0").expect("bind inside")
    })
    .join()
    .expect("thread")
}

/// A nameserver on 127.0.0.1:53 inside the namespace answering `DNS_NAME` with 127.0.0.1
/// (NXDOMAIN for anything else), on a thread that entered it.
fn nameserver_inside(ns: &str) {
    use hickory_proto::op::{Message, ResponseCode};
    use hickory_proto::rr::{RData, Record, RecordType, rdata::A};
    let f = std::fs::File::open(format!("/run/netns/{ns}")).expect("open netns");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        // SAFETY: setns on a valid descriptor changes only this thread's namespace.
        assert_eq!(unsafe { libc::setns(f.as_raw_fd(), libc::CLONE_NEWNET) }, 0);
        let sock = std::net::UdpSocket::bind("127.0.0.1:53").expect("bind :53 inside");
        tx.send(()).expect("ready");
        let mut buf = [0u8; 512];
        while let Ok((n, peer)) = sock.recv_from(&mut buf) {
            let Ok(q) = Message::from_vec(&buf[..n]) else {
                continue;
            };
            let Some(query) = q.queries.first().cloned() else {
                continue;
            };
            let mut a = Message::response(q.metadata.id, q.metadata.op_code);
            a.add_query(query.clone());
            if query.name().to_string().trim_end_matches('.') == DNS_NAME {
                if query.query_type() == RecordType::A {
                    a.add_answer(Record::from_rdata(
                        query.name().clone(),
                        60,
                        RData::A(A::new(127, 0, 0, 1)),
                    ));
                }
            } else {
                a.metadata.response_code = ResponseCode::NXDomain;
            }
            let _ = sock.send_to(&a.to_vec().expect("encode"), peer);
        }
    });
    rx.recv().expect("nameserver up");
}

/// `/etc/netns/NS` (the namespace's own `/etc` files for `ip netns exec`), removed on drop.
struct EtcNetns(PathBuf);

impl Drop for EtcNetns {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A child killed on drop.
struct Kill(std::process::Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The walkthrough's storage checks of a `check --format json` answer.
fn storage_of(v: &serde_json::Value) -> Vec<serde_json::Value> {
    let s: Vec<serde_json::Value> = v["walkthrough"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|step| step["checks"].as_array().cloned().unwrap_or_default())
        .filter(|c| {
            c["label"]
                .as_str()
                .is_some_and(|l| l.starts_with("storage http"))
        })
        .collect();
    assert_eq!(s.len(), 4, "four storage checks in {v:#}");
    s
}

fn entry<'a>(s: &'a [serde_json::Value], url_part: &str) -> &'a serde_json::Value {
    s.iter()
        .find(|c| c["label"].as_str().is_some_and(|u| u.contains(url_part)))
        .unwrap_or_else(|| panic!("no check of {url_part} in {s:#?}"))
}

fn evidence(c: &serde_json::Value) -> &str {
    c["evidence"].as_str().unwrap_or("")
}

#[test]
fn storage_is_checked_from_the_document_servers_network_namespace() {
    if !is_root() {
        return skip("needs root (network namespaces, setns)");
    }
    if !common::run_ok(&["ip", "-V"]) {
        return skip("needs ip (iproute2)");
    }
    let ns = Netns::new("t502st");
    // Before `ip netns exec`: it bind-mounts these over /etc for the process it starts.
    let etc = EtcNetns(PathBuf::from(format!("/etc/netns/{}", ns.0)));
    std::fs::create_dir_all(&etc.0).expect("mkdir /etc/netns/NS");
    std::fs::write(
        etc.0.join("hosts"),
        format!("127.0.0.1 localhost\n127.0.0.1 {NAME}\n"),
    )
    .expect("hosts");
    std::fs::write(etc.0.join("resolv.conf"), "nameserver 127.0.0.1\n").expect("resolv.conf");
    nameserver_inside(&ns.0);

    // A CA only the namespace's CA bundle holds (`/etc/ssl` bind-mounted too), and a TLS
    // storage inside with a certificate it signed for NAME.
    let common::TestPki {
        ca_pem,
        leaf,
        leaf_key,
    } = common::test_pki(NAME);
    std::fs::create_dir_all(etc.0.join("ssl/certs")).expect("mkdir ssl/certs");
    std::fs::write(etc.0.join("ssl/certs/ca-certificates.crt"), ca_pem).expect("bundle");
    let tls_inside = listen_inside(&ns.0);
    let p_tls = tls_inside.local_addr().expect("addr").port();
    common::tls_serve_on(tls_inside, vec![leaf], &leaf_key);

    let inside = listen_inside(&ns.0);
    let p_in = inside.local_addr().expect("addr").port();
    serve(inside);
    let outside = TcpListener::bind("127.0.0.1:0").expect("bind");
    let p_out = outside.local_addr().expect("addr").port();
    serve(outside);

    let d = tempfile::tempdir().expect("tempdir");
    let ds = d.path().join("ds");
    std::fs::create_dir_all(&ds).expect("mkdir");
    std::fs::write(
        ds.join("local.json"),
        r#"{"services":{"CoAuthoring":{"request-filtering-agent":{"allowPrivateIPAddress":true}}}}"#,
    )
    .expect("local.json");
    let cfg = d.path().join("c.toml");
    std::fs::write(
        &cfg,
        format!(
            r#"[probe]
timeout_ms = 1500

[[hop]]
name = "storage"
kind = "tcp"
target = "127.0.0.1:{p_out}"

[onlyoffice]
local_json = "{ds}/local.json"
default_json = "{ds}/default.json"

[integration]
storage_urls = ["http://{NAME}:{p_in}/doc.docx", "http://127.0.0.1:{p_out}/doc.docx", "http://{DNS_NAME}:{p_in}/doc.docx", "https://{NAME}:{p_tls}/doc.docx"]

[actions]
audit_log = "{dir}/audit.log"
"#,
            ds = ds.display(),
            dir = d.path().display(),
        ),
    )
    .expect("config");

    // A Document Server in the namespace, known by NODE_CONFIG_DIR as a container's is.
    let child = Kill(
        ns.command("sleep")
            .arg("120")
            .env("NODE_CONFIG_DIR", &ds)
            .spawn()
            .expect("ip netns exec sleep"),
    );
    let pid = child.0.id();
    let own = std::fs::read_link("/proc/self/ns/net").expect("own ns");
    let deadline = Instant::now() + Duration::from_secs(5);
    while std::fs::read_link(format!("/proc/{pid}/ns/net"))
        .ok()
        .as_ref()
        == Some(&own)
        || std::fs::read_link(format!("/proc/{pid}/exe"))
            .is_ok_and(|e| !e.to_string_lossy().contains("sleep"))
    {
        assert!(
            Instant::now() < deadline,
            "the process did not enter {}",
            ns.0
        );
        std::thread::sleep(Duration::from_millis(20));
    }

    let (_, v) = common::check_json(&cfg);
    let s = storage_of(&v);
    let there = format!(
        "the Document Server's network namespace (pid {pid}; CA store /etc/ssl/certs/ca-certificates.crt)"
    );
    let named = entry(&s, NAME);
    assert_eq!(
        named["state"], "OK",
        "reached inside the namespace: {named:#}"
    );
    assert!(evidence(named).starts_with("HTTP 200"), "{named:#}");
    assert!(
        evidence(named).contains(&format!("(from {there}")),
        "{named:#}"
    );
    // Resolved by the namespace's own nameserver (its resolv.conf), not this box's.
    let by_dns = entry(&s, DNS_NAME);
    assert_eq!(by_dns["state"], "OK", "{by_dns:#}");
    // Trusted through the namespace's own CA bundle, which this box's store lacks.
    let tls = entry(&s, &format!("https://{NAME}:{p_tls}"));
    assert_eq!(tls["state"], "OK", "{tls:#}");
    let host_only = entry(&s, &format!("127.0.0.1:{p_out}"));
    assert_eq!(host_only["state"], "FAIL", "refused inside: {host_only:#}");
    assert!(
        evidence(host_only).contains("cannot connect")
            && evidence(host_only).contains(&format!("(from {there}")),
        "{host_only:#}"
    );
    let ids = finding_ids(&v);
    assert!(ids.iter().any(|i| i == "storage_unreachable"), "{ids:?}");
    let f = v["findings"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["id"] == "storage_unreachable"))
        .expect("finding")
        .to_string();
    assert!(
        f.contains(&format!("checked from {there}")),
        "which side: {f}"
    );
    assert!(
        f.contains("is the container itself"),
        "the loopback step: {f}"
    );
    assert!(
        !f.contains(NAME) && !f.contains(DNS_NAME),
        "the names reached inside are no evidence: {f}"
    );

    // Without the Document Server in the namespace the same URLs are checked from this box:
    // the name does not resolve here, the host's own listener answers.
    drop(child);
    let (_, v) = common::check_json(&cfg);
    let s = storage_of(&v);
    let named = entry(&s, NAME);
    assert!(evidence(named).ends_with("(from this box)"), "{named:#}");
    assert!(evidence(named).contains("does not resolve"), "{named:#}");
    assert_eq!(named["state"], "FAIL", "{named:#}");
    assert_eq!(entry(&s, DNS_NAME)["state"], "FAIL", "{s:#?}");
    assert_eq!(entry(&s, "https://")["state"], "FAIL", "{s:#?}");
    let host_only = entry(&s, &format!("127.0.0.1:{p_out}"));
    assert_eq!(host_only["state"], "OK", "{host_only:#}");
    let f = v["findings"].to_string();
    assert!(f.contains("checked from this box"), "{f}");
    assert!(!f.contains("is the container itself"), "{f}");
}
