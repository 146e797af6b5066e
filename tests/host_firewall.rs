//! Real nftables rules in a network namespace created by the test: the firewall collector,
//! run inside the namespace through its command prefix, finds the DROP and REJECT rules on the
//! upstream ports. Needs root and nft; skipped otherwise.

mod common;

use common::tool;
use std::process::Command;
use std::time::Duration;

use triage502::host::firewall::{self, BackendState, FirewallQuery, Kind, Verdict};

struct Netns(String);

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
    }
}

fn nft_in(ns: &str, script: &str) {
    use std::io::Write;
    let mut c = Command::new("ip")
        .args(["netns", "exec", ns, "nft", "-f", "-"])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    c.stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    assert!(c.wait().unwrap().success(), "nft script failed");
}

#[tokio::test]
async fn nft_drop_and_reject_found_in_namespace() {
    if unsafe { libc::geteuid() } != 0 || !tool("ip") || !tool("nft") {
        return common::skip("needs root and nft");
    }
    let name = format!(
        "t502-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    );
    let st = Command::new("ip")
        .args(["netns", "add", &name])
        .status()
        .unwrap();
    assert!(st.success(), "ip netns add failed");
    let _ns = Netns(name.clone());
    let q = FirewallQuery {
        command_prefix: vec!["ip".into(), "netns".into(), "exec".into(), name.clone()],
        ports: vec![8000, 5672, 6379],
    };
    let t = Duration::from_secs(3);

    // Empty namespace: nftables present, no rules.
    let fw = firewall::collect(&q, t).await.unwrap();
    let nft = fw
        .backends
        .iter()
        .find(|b| b.kind == Kind::Nftables)
        .unwrap();
    assert_eq!(nft.state, BackendState::Inactive, "{nft:?}");
    assert!(fw.rules.is_empty());

    nft_in(
        &name,
        "table inet t502 {\n\
           chain out { type filter hook output priority 0; policy accept;\n\
             tcp dport 8000 drop\n\
             tcp dport 5672 reject with tcp reset\n\
             tcp dport 22 accept\n\
           }\n\
           chain in { type filter hook input priority 0; policy accept;\n\
             ip daddr 127.0.0.1 tcp dport { 6379, 6380 } reject\n\
           }\n\
         }\n",
    );
    let fw = firewall::collect(&q, t).await.unwrap();
    let nft = fw
        .backends
        .iter()
        .find(|b| b.kind == Kind::Nftables)
        .unwrap();
    assert_eq!(nft.state, BackendState::Active, "{nft:?}");
    assert_eq!(fw.rules.len(), 3, "{:#?}", fw.rules);

    let drop: Vec<_> = fw.blocking(8000).collect();
    assert_eq!(drop.len(), 1);
    assert_eq!(drop[0].verdict, Verdict::Drop);
    assert_eq!(drop[0].table, "t502");
    assert_eq!(drop[0].chain, "out");
    assert_eq!(drop[0].hook.as_deref(), Some("output"));
    assert_eq!(drop[0].text, "tcp dport 8000 drop");

    let rej: Vec<_> = fw.blocking(5672).collect();
    assert_eq!(rej.len(), 1);
    assert_eq!(
        rej[0].verdict,
        Verdict::Reject {
            with: Some("tcp reset".into())
        }
    );

    let redis: Vec<_> = fw.blocking(6379).collect();
    assert_eq!(redis.len(), 1);
    assert_eq!(redis[0].daddr.as_deref(), Some("127.0.0.1"));
    assert_eq!(redis[0].hook.as_deref(), Some("input"));
    assert!(matches!(redis[0].verdict, Verdict::Reject { .. }));
    assert!(
        fw.chains
            .iter()
            .any(|c| c.name == "out" && c.policy.as_deref() == Some("accept"))
    );

    // The same rules do not leak into the host's own view.
    let host = firewall::collect(
        &FirewallQuery {
            command_prefix: vec![],
            ports: q.ports.clone(),
        },
        t,
    )
    .await
    .unwrap();
    assert!(!host.rules.iter().any(|r| r.table == "t502"));
}

#[tokio::test]
async fn missing_tools_are_absent_not_errors() {
    // A prefix that cannot run anything: every backend is explained, nothing hangs.
    let q = FirewallQuery {
        command_prefix: vec!["/nonexistent/t502-wrapper".into()],
        ports: vec![8000],
    };
    let fw = firewall::collect(&q, Duration::from_secs(2)).await.unwrap();
    assert_eq!(fw.backends.len(), 4);
    for b in &fw.backends {
        assert!(
            matches!(b.state, BackendState::Absent | BackendState::Unknown { .. }),
            "{b:?}"
        );
    }
}
