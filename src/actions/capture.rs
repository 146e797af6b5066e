//! `capture:HOP`: a bounded packet capture of one hop's port, as evidence — not a repair. One
//! step, `timeout --preserve-status -s INT 6 tcpdump -i IFACE -nn -U -Z root -c 200 -w FILE
//! host ADDR and (tcp port PORT or icmp or icmp6)`: at most 6 s and 200 packets, only that
//! address and port, on `lo` for a loopback hop (else every interface). It needs root (through
//! `sudo -n` like the other actions, refused otherwise). While tcpdump runs, the runner makes
//! three connection attempts itself ([`attempts`]), then reads the file into a
//! [`CaptureSummary`] attached to the outcome (and, by the engine, to the findings about that
//! hop). A capture fixes nothing: it is never "verified", only audited.

use super::{Action, Step, VerifyScope};
use crate::config::{Config, Hop};
use crate::probe::capture::CaptureSummary;
use crate::{tr, tr_in};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long tcpdump runs (seconds).
pub const SECONDS: u64 = 6;
/// Most packets recorded.
pub const PACKETS: u32 = 200;
/// Connection attempts made during the capture.
pub const ATTEMPTS: u32 = 3;

/// What the runner needs besides the argv: where to connect, where the file is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaptureSpec {
    /// The hop.
    pub hop: String,
    /// `addr:port` the attempts go to.
    pub target: String,
    /// The pcap file tcpdump writes.
    pub file: PathBuf,
}

/// `addr:port` of a hop with a literal address (a name is resolved by the probes, not here:
/// the capture filter needs the address the attempts will use).
fn hop_addr(h: &Hop) -> Option<SocketAddr> {
    let authority = match (&h.target, &h.url) {
        (Some(t), _) => t.clone(),
        (None, Some(u)) => crate::util::UrlParts::parse(u).ok()?.authority(),
        _ => return None,
    };
    let (host, port) = crate::util::split_host_port(&authority)?;
    let ip: std::net::IpAddr = if host.eq_ignore_ascii_case("localhost") {
        std::net::Ipv4Addr::LOCALHOST.into()
    } else {
        host.parse().ok()?
    };
    Some(SocketAddr::new(ip, port))
}

/// The folder capture files go to: `captures/` beside the audit log.
pub fn folder(audit_log: &Path) -> PathBuf {
    audit_log
        .parent()
        .unwrap_or_else(|| Path::new("."))
        .join("captures")
}

/// One `capture:HOP` action per hop with a literal address (DNS hops have no port).
pub(super) fn actions(cfg: &Config) -> Vec<Action> {
    let dir = folder(&super::catalogue::audit_path(cfg));
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S");
    cfg.hops
        .iter()
        .filter(|h| h.kind != crate::config::HopKind::Dns)
        .filter(|h| crate::config::check_service_name(&h.name).is_ok())
        .filter_map(|h| {
            let addr = hop_addr(h)?;
            let file = dir.join(format!("{}-{stamp}.pcap", h.name));
            Some(action(&h.name, addr, file))
        })
        .collect()
}

fn action(hop: &str, addr: SocketAddr, file: PathBuf) -> Action {
    let iface = if addr.ip().is_loopback() { "lo" } else { "any" };
    let (secs, count) = (SECONDS.to_string(), PACKETS.to_string());
    let port = addr.port().to_string();
    let ip = addr.ip().to_string();
    let argv: Vec<&str> = vec![
        "timeout",
        "--preserve-status",
        "-s",
        "INT",
        &secs,
        "tcpdump",
        "-i",
        iface,
        "-nn",
        "-U",
        "-Z",
        "root",
        "-c",
        &count,
        "-w",
        file.to_str().unwrap_or("capture.pcap"),
        "host",
        &ip,
        "and",
        "(",
        "tcp",
        "port",
        &port,
        "or",
        "icmp",
        "or",
        "icmp6",
        ")",
    ];
    Action {
        id: format!("capture:{hop}"),
        title: tr!("action-capture-title", addr = addr, hop = hop),
        description: tr!(
            "action-capture-description",
            packets = PACKETS,
            addr = addr,
            secs = SECONDS,
            attempts = ATTEMPTS,
            folder = file
                .parent()
                .map(Path::display)
                .map(|d| d.to_string())
                .unwrap_or_default()
        ),
        steps: vec![Step {
            argv: argv.into_iter().map(String::from).collect(),
            needs_root: true,
            purpose: tr!("action-purpose-capture"),
        }],
        precheck: None,
        fixes: Vec::new(),
        verify: VerifyScope::Nothing,
        note: Some(tr!("action-capture-note")),
        danger: None,
        danger_en: None,
        capture: Some(CaptureSpec {
            hop: hop.to_string(),
            target: addr.to_string(),
            file,
        }),
    }
}

/// Whether tcpdump can be run here, with why not (shown, and in English for the audit log).
pub fn tcpdump_missing() -> Option<super::Said> {
    let found = crate::host::cmd::in_path("tcpdump")
        || ["/usr/sbin/tcpdump", "/usr/bin/tcpdump", "/sbin/tcpdump"]
            .iter()
            .any(|p| Path::new(p).is_file());
    match found {
        true => None,
        false => Some(super::Said::new(|l| tr_in!(l, "action-capture-no-tcpdump"))),
    }
}

/// The folder for the file, private to the user running (created when missing).
pub(super) fn prepare(spec: &CaptureSpec) -> Result<(), super::Said> {
    let dir = spec
        .file
        .parent()
        .ok_or_else(|| super::Said::new(|l| tr_in!(l, "action-capture-no-folder")))?;
    // The refusal is fsafe's, in the current language; the audit log gets its English twin.
    let said = |e: String| format!("{}: {e}", dir.display());
    crate::fsafe::ensure_private_dir(dir).map_err(|e| {
        super::Said::again(said(e), || {
            crate::fsafe::ensure_private_dir(dir).err().map(said)
        })
    })
}

/// The connection attempts made while tcpdump records: the first after tcpdump had time to
/// start, then one a second; each bounded to one second.
pub(super) async fn attempts(target: String) {
    let Ok(addr) = target.parse::<SocketAddr>() else {
        return;
    };
    tokio::time::sleep(Duration::from_millis(800)).await;
    for i in 0..ATTEMPTS {
        if i > 0 {
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        let _ = tokio::time::timeout(Duration::from_secs(1), tokio::net::TcpStream::connect(addr))
            .await;
    }
}

/// Read the file tcpdump wrote.
pub(super) fn summarize(spec: &CaptureSpec) -> Result<CaptureSummary, String> {
    let port = spec
        .target
        .parse::<SocketAddr>()
        .map_err(|e| format!("{}: {e}", spec.target))?
        .port();
    crate::probe::capture::summarize_file(&spec.file, &spec.hop, &spec.target, port)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capture_actions_are_bounded_and_name_the_hop() {
        let cfg = crate::config::parse(
            "[[hop]]\nname = \"d\"\nkind = \"tcp\"\ntarget = \"127.0.0.1:8000\"\n\
             [[hop]]\nname = \"n\"\nkind = \"dns\"\ntarget = \"example.org\"\n\
             [[hop]]\nname = \"h\"\nkind = \"http\"\nurl = \"http://localhost:8080/x\"\n",
            "t",
        )
        .expect("config");
        let v = actions(&cfg);
        let ids: Vec<&str> = v.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["capture:d", "capture:h"]);
        let a = &v[0];
        assert!(a.needs_root() && a.fixes.is_empty());
        assert_eq!(a.verify, VerifyScope::Nothing);
        let line = a.steps[0].command_line();
        assert!(
            line.starts_with("timeout --preserve-status -s INT 6 tcpdump -i lo"),
            "{line}"
        );
        assert!(
            line.contains("-c 200") && line.contains("host 127.0.0.1 and '(' tcp port 8000"),
            "{line}"
        );
        assert_eq!(
            v[1].capture.as_ref().map(|c| c.target.as_str()),
            Some("127.0.0.1:8080")
        );
    }
}
