//! The `capture:HOP` action for real: tcpdump inside a network namespace of the test's own,
//! its port dropped by an nftables input rule in that namespace (the SYN leaves, nothing
//! answers) (then refused with nothing
//! listening), the action's own three connection attempts read back from the pcap. Without
//! root (and without passwordless sudo) the action is refused and says how to run it.

mod common;

use common::{NON_ROOT, Netns, bin, is_root, skip, tool};
use std::path::Path;

fn config(dir: &Path, port: u16) -> std::path::PathBuf {
    let p = dir.join("t.toml");
    std::fs::write(
        &p,
        format!(
            "[[hop]]\nname = \"app\"\nkind = \"tcp\"\nrole = \"upstream\"\ntarget = \"127.0.0.1:{port}\"\n\n\
             [actions]\naudit_log = \"{}/audit.log\"\n",
            dir.display()
        ),
    )
    .expect("write config");
    p
}

fn capture(ns: &Netns, cfg: &Path) -> (i32, String) {
    let o = ns
        .command(bin())
        .arg("--config")
        .arg(cfg)
        .args(["action", "run", "capture:app", "--yes"])
        .env_remove("TRIAGE502_CONFIG")
        .output()
        .expect("action run");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    (o.status.code().unwrap_or(-1), text)
}

#[test]
fn capture_in_a_namespace_tells_dropped_from_refused() {
    if !is_root() {
        return skip("needs root (network namespace, nftables, tcpdump)");
    }
    if !tool("tcpdump") || !tool("nft") {
        return skip("needs tcpdump and nft (scripts/test-all.sh installs them)");
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let port = 18555;
    let cfg = config(dir.path(), port);
    let ns = Netns::new("t502cap");
    assert!(ns.run(&["nft", "add", "table", "inet", "t502cap"]));
    assert!(ns.run(&[
        "nft",
        "add",
        "chain",
        "inet",
        "t502cap",
        "inp",
        "{ type filter hook input priority 0 ; }",
    ]));
    assert!(ns.run(&[
        "nft",
        "add",
        "rule",
        "inet",
        "t502cap",
        "inp",
        "tcp",
        "dport",
        &port.to_string(),
        "drop",
    ]));
    let (code, out) = capture(&ns, &cfg);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("3 SYN sent"), "{out}");
    assert!(
        out.contains("no SYN-ACK: dropped before the service"),
        "{out}"
    );
    let audit = std::fs::read_to_string(dir.path().join("audit.log")).expect("audit log");
    assert!(audit.contains("capture:app"), "audited: {audit}");
    assert!(
        dir.path()
            .join("captures")
            .read_dir()
            .expect("captures")
            .count()
            >= 1,
        "the pcap stays beside the audit log"
    );

    // The rule gone and nothing listening: refused at once.
    assert!(ns.run(&["nft", "delete", "table", "inet", "t502cap"]));
    let (code, out) = capture(&ns, &cfg);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("RST: refused"), "{out}");
}

#[test]
fn capture_is_refused_without_root() {
    if is_root() {
        return skip(NON_ROOT);
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = config(dir.path(), 18556);
    let o = std::process::Command::new(bin())
        .arg("--config")
        .arg(&cfg)
        .args(["action", "run", "capture:app", "--yes"])
        .env_remove("TRIAGE502_CONFIG")
        .output()
        .expect("action run");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(o.status.code(), Some(3), "refused: {text}");
    assert!(text.contains("root"), "{text}");
    assert!(
        text.contains("tcpdump"),
        "the command to run by hand is shown: {text}"
    );
}
