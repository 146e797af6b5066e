//! The readiness review (`triage502 review`): what the runbook asks to have in place before the
//! next incident — services that restart by themselves and start at boot, memory headroom,
//! failover in front of the application, log rotation, certificates, JWT, an alert path, a
//! recent drill. Facts in (the host snapshot, the probes, the integration report, the
//! [`Readiness`] facts, the audit log), a checklist out; every item PASS / WARN / UNKNOWN with
//! the fact that decides it, the runbook section it comes from and the change to make. Nothing
//! here changes the box.

mod items;

use crate::host::readiness::Readiness;
use serde::Serialize;

/// One item's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Check {
    /// In place.
    Pass,
    /// Missing or weak: the change says what to do.
    Warn,
    /// Could not be decided (the fact says why).
    Unknown,
}

impl Check {
    /// The symbol, so it reads without colour.
    pub fn symbol(self) -> &'static str {
        match self {
            Check::Pass => "✔",
            Check::Warn => "▲",
            Check::Unknown => "?",
        }
    }

    /// The word.
    pub fn word(self) -> &'static str {
        match self {
            Check::Pass => "PASS",
            Check::Warn => "WARN",
            Check::Unknown => "UNKNOWN",
        }
    }
}

/// One checklist item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    /// Stable id (see [`CATALOGUE`]).
    pub id: &'static str,
    /// What it is about when the id repeats (a service, a hop, a location).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The verdict.
    pub check: Check,
    /// The fact that decides it.
    pub fact: String,
    /// The runbook section it comes from.
    pub runbook: &'static str,
    /// The exact change to make (shown, never applied here).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<String>,
}

/// Every item id, what it checks, and its runbook section — the README's table.
pub const CATALOGUE: &[(&str, &str, &str)] = &[
    (
        "service_restart",
        "each chain service restarts by itself (systemd Restart= and RestartSec ≥ 1 s, supervisor autorestart, docker restart policy)",
        "3.2 Restart=always, RestartSec=5",
    ),
    (
        "service_boot",
        "each chain service starts at boot (systemctl is-enabled, supervisor autostart, docker always/unless-stopped)",
        "3.2 systemctl enable --now",
    ),
    (
        "memory_limit",
        "a service with a memory limit (systemd MemoryMax, docker --memory) has headroom under it (< 90 % used)",
        "3.3 OOM",
    ),
    (
        "memory_box",
        "the box has memory headroom: ≥ 15 % available, memory pressure (PSI some avg300) under 10 %, swap not exhausted",
        "3.3 OOM",
    ),
    (
        "upstream_failover",
        "the nginx upstream of the Document Server has a second server or a backup, something listens there, and proxy_next_upstream retries on error or timeout",
        "5 redundancy, load balancer",
    ),
    (
        "proxy_timeouts",
        "proxy_read_timeout of the Document Server's locations is at least 60 s (conversions of large documents)",
        "2.3 nginx forwarding",
    ),
    (
        "proxy_buffers",
        "nginx's error log has no `upstream sent too big header`: the Document Server's headers fit proxy_buffer_size",
        "2.3 nginx forwarding",
    ),
    (
        "log_rotation",
        "every log file of the chain is rotated by a logrotate entry with a frequency or size",
        "2.5 logs",
    ),
    (
        "log_disk",
        "the filesystems holding the Document Server's folders and logs have ≥ 10 % free",
        "2.5 logs",
    ),
    (
        "cert_validity",
        "each certificate of the chain is valid for more than 30 days",
        "2.2 curl -v (certificates)",
    ),
    (
        "jwt_enabled",
        "JWT is enabled on the Document Server and a secret is set on the integrator's side",
        "4.1 JWT",
    ),
    (
        "alert_path",
        "something watches this box: `triage502 watch` or a monitoring agent runs",
        "5 alerting (Prometheus, WeCom/Slack)",
    ),
    (
        "last_drill",
        "a recovery was exercised on this box in the last 90 days (the audit log)",
        "5 drills",
    ),
];

/// The runbook section of an id.
fn runbook(id: &str) -> &'static str {
    CATALOGUE
        .iter()
        .find(|(i, _, _)| *i == id)
        .map(|(_, _, r)| *r)
        .unwrap_or("")
}

/// What the review reads.
pub struct Input<'a> {
    /// The configuration (its log paths).
    pub cfg: &'a crate::config::Config,
    /// The last result of every hop.
    pub hops: Vec<&'a crate::probe::HopResult>,
    /// Host facts, when taken.
    pub host: Option<&'a crate::host::Snapshot>,
    /// The integration report, when made.
    pub integration: Option<&'a crate::onlyoffice::IntegrationReport>,
    /// The review's own facts.
    pub readiness: &'a Readiness,
    /// The log entries the engine holds (`None`: no log was read).
    pub logs: Option<&'a crate::engine::LogBook>,
    /// The audit log's records (actions run on this box).
    pub audit: &'a [crate::actions::audit::AuditRecord],
    /// Now.
    pub now: chrono::DateTime<chrono::Utc>,
}

/// The checklist, in [`CATALOGUE`] order.
pub fn review(input: &Input<'_>) -> Vec<Item> {
    let mut out = Vec::new();
    items::services(input, &mut out);
    items::memory(input, &mut out);
    items::nginx(input, &mut out);
    items::logs(input, &mut out);
    items::certs(input, &mut out);
    items::jwt(input, &mut out);
    items::alerting(input, &mut out);
    let order = |id: &str| CATALOGUE.iter().position(|(i, _, _)| *i == id);
    out.sort_by_key(|i| order(i.id));
    out
}

/// The worst verdict of a checklist (WARN over UNKNOWN over PASS).
pub fn worst(items: &[Item]) -> Check {
    if items.iter().any(|i| i.check == Check::Warn) {
        Check::Warn
    } else if items.iter().any(|i| i.check == Check::Unknown) {
        Check::Unknown
    } else {
        Check::Pass
    }
}

#[cfg(test)]
mod tests;
