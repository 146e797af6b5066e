//! Waits that must hold whatever the box does: a resolver that never answers, a log path
//! that is a FIFO with no writer. `check` ends within the round's timeout plus a little, and
//! says what it could not do.
//!
//! The resolver is black-holed in a network namespace of the test's own: `ip netns exec`
//! bind-mounts `/etc/netns/NS/resolv.conf` over `/etc/resolv.conf`, which names 127.0.0.1
//! (with `timeout:30 attempts:5`, 150 s per lookup for glibc), and an nftables table inside
//! the namespace drops port 53 on input, so queries get no answer and no error.

mod common;

use common::{bin, is_root, tool};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The namespace and its resolv.conf folder; both removed on drop.
struct BlackholeDns(String);

impl BlackholeDns {
    fn new() -> Option<BlackholeDns> {
        let ns = format!("t502dns{}", std::process::id());
        let ok = |args: &[&str]| {
            Command::new(args[0])
                .args(&args[1..])
                .status()
                .is_ok_and(|s| s.success())
        };
        if !ok(&["ip", "netns", "add", &ns]) {
            return None;
        }
        let me = BlackholeDns(ns.clone());
        let etc = format!("/etc/netns/{ns}");
        std::fs::create_dir_all(&etc).ok()?;
        std::fs::write(
            format!("{etc}/resolv.conf"),
            "nameserver 127.0.0.1\noptions timeout:30 attempts:5\n",
        )
        .ok()?;
        assert!(ok(&[
            "ip", "netns", "exec", &ns, "ip", "link", "set", "lo", "up"
        ]));
        let rules = "table inet t502dns {\n chain input {\n  type filter hook input priority 0;\n  udp dport 53 drop\n  tcp dport 53 drop\n }\n}\n";
        let mut nft = Command::new("ip")
            .args(["netns", "exec", &ns, "nft", "-f", "-"])
            .stdin(Stdio::piped())
            .spawn()
            .ok()?;
        use std::io::Write as _;
        nft.stdin.take()?.write_all(rules.as_bytes()).ok()?;
        assert!(nft.wait().ok()?.success(), "nft rules in the namespace");
        Some(me)
    }
}

impl Drop for BlackholeDns {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
        let _ = std::fs::remove_dir_all(format!("/etc/netns/{}", self.0));
    }
}

fn mkfifo(p: &Path) {
    let c = std::ffi::CString::new(p.to_str().expect("utf8")).expect("no NUL");
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
}

/// Before the fix: the output came only after the runtime had waited for the blocked
/// getaddrinfo threads (10 s with the default resolv.conf, 150 s here), the FIFO blocked the
/// log read until a writer appeared, and the tcp hop blamed a firewall for the DNS timeout.
#[test]
fn check_ends_in_time_with_a_silent_resolver_and_a_fifo_log() {
    if !is_root() {
        return common::skip("needs root (a network namespace and nftables rules of its own)");
    }
    if !tool("ip") || !tool("nft") {
        return common::skip("ip / nft not installed (scripts/test-all.sh installs them)");
    }
    let Some(ns) = BlackholeDns::new() else {
        return common::skip("cannot create a network namespace here");
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("error.log");
    mkfifo(&fifo);
    let cfg = dir.path().join("c.toml");
    std::fs::write(
        &cfg,
        format!(
            "[probe]\ntimeout_ms = 2000\n\
             [[hop]]\nname = \"dns\"\nkind = \"dns\"\ntarget = \"blackhole.example.org\"\n\
             [[hop]]\nname = \"tcp\"\nkind = \"tcp\"\ntarget = \"blackhole.example.org:8080\"\n\
             [[hop]]\nname = \"app\"\nkind = \"http\"\nurl = \"http://blackhole.example.org:8080/\"\n\
             [logs]\nnginx_error = [\"{}\"]\n",
            fifo.display()
        ),
    )
    .expect("config");
    let start = Instant::now();
    let mut child = Command::new("ip")
        .args([
            "netns",
            "exec",
            &ns.0,
            bin(),
            "check",
            "--format",
            "text",
            "--config",
        ])
        .arg(&cfg)
        .env_remove("TRIAGE502_CONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let limit = Duration::from_secs(30);
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("check still running after {limit:?} (hop timeout 2 s)");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let took = start.elapsed();
    let out = child.wait_with_output().expect("output");
    let text = String::from_utf8_lossy(&out.stdout);
    eprintln!("check with a silent resolver and a FIFO log took {took:?}");
    assert_eq!(out.status.code(), Some(2), "{text}");
    // The requirement is timeout + 0.5 s; the bound asserted leaves room for a busy CI box.
    assert!(
        took < Duration::from_millis(2000 + 2500),
        "check took {took:?} for a 2 s hop timeout"
    );
    assert!(text.contains("is a FIFO, not a regular file"), "{text}");
    assert!(
        text.contains("cannot resolve blackhole.example.org: no answer from the resolver"),
        "the tcp hop must blame the resolver: {text}"
    );
    assert!(!text.contains("firewall DROP"), "{text}");
}

/// `logs follow` on a FIFO says so at once and keeps running (before: the follower blocked in
/// open() until a writer appeared, silent, and the console's follower with it).
#[test]
fn follow_reports_a_fifo_instead_of_blocking() {
    use std::io::BufRead as _;
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("error.log");
    mkfifo(&fifo);
    let mut child = Command::new(bin())
        .args(["logs", "follow"])
        .arg(&fifo)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let out = child.stdout.take().expect("stdout");
    let err = child.stderr.take().expect("stderr");
    for r in [
        Box::new(out) as Box<dyn std::io::Read + Send>,
        Box::new(err) as Box<dyn std::io::Read + Send>,
    ] {
        let tx = tx.clone();
        std::thread::spawn(move || {
            for l in std::io::BufReader::new(r).lines().map_while(Result::ok) {
                let _ = tx.send(l);
            }
        });
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut seen = Vec::new();
    let said = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(l) if l.contains("is a FIFO, not a regular file") => break true,
            Ok(l) => seen.push(l),
            Err(_) => break false,
        }
    };
    let running = child.try_wait().expect("wait").is_none();
    let _ = child.kill();
    let _ = child.wait();
    assert!(said, "no word about the FIFO within 10 s: {seen:?}");
    assert!(running, "logs follow ended: {seen:?}");
}
