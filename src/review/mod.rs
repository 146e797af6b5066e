//! The readiness review (`triage502 review`): what the runbook asks to have in place before the
//! next incident — services that restart by themselves and start at boot, memory headroom,
//! failover in front of the application, log rotation, certificates, JWT, an alert path, a
//! recent drill. Facts in (the host snapshot, the probes, the integration report, the
//! [`Readiness`] facts, the audit log), a checklist out; every item PASS / WARN / UNKNOWN with
//! the fact that decides it, the runbook section it comes from and the change to make. Nothing
//! here changes the box.

mod items;

use crate::host::readiness::Readiness;
use crate::tr;
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
    /// The runbook section it comes from (in the language of the texts).
    pub runbook: String,
    /// The exact change to make (shown, never applied here).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<String>,
}

/// Every item id, in the checklist's order; [`title`] says what each checks and [`runbook`]
/// its runbook section (the README's table).
pub const CATALOGUE: &[&str] = &[
    "service_restart",
    "service_boot",
    "memory_limit",
    "memory_box",
    "upstream_failover",
    "proxy_timeouts",
    "proxy_buffers",
    "log_rotation",
    "log_disk",
    "cert_validity",
    "jwt_enabled",
    "alert_path",
    "last_drill",
];

/// What an item id checks, in the current language (empty for an unknown id).
pub fn title(id: &str) -> String {
    match id {
        "service_restart" => tr!("review-service_restart-title"),
        "service_boot" => tr!("review-service_boot-title"),
        "memory_limit" => tr!("review-memory_limit-title"),
        "memory_box" => tr!("review-memory_box-title"),
        "upstream_failover" => tr!("review-upstream_failover-title"),
        "proxy_timeouts" => tr!("review-proxy_timeouts-title"),
        "proxy_buffers" => tr!("review-proxy_buffers-title"),
        "log_rotation" => tr!("review-log_rotation-title"),
        "log_disk" => tr!("review-log_disk-title"),
        "cert_validity" => tr!("review-cert_validity-title"),
        "jwt_enabled" => tr!("review-jwt_enabled-title"),
        "alert_path" => tr!("review-alert_path-title"),
        "last_drill" => tr!("review-last_drill-title"),
        _ => String::new(),
    }
}

/// The runbook section of an item id, in the current language (empty for an unknown id).
pub fn runbook(id: &str) -> String {
    match id {
        "service_restart" => tr!("review-service_restart-runbook"),
        "service_boot" => tr!("review-service_boot-runbook"),
        "memory_limit" => tr!("review-memory_limit-runbook"),
        "memory_box" => tr!("review-memory_box-runbook"),
        "upstream_failover" => tr!("review-upstream_failover-runbook"),
        "proxy_timeouts" => tr!("review-proxy_timeouts-runbook"),
        "proxy_buffers" => tr!("review-proxy_buffers-runbook"),
        "log_rotation" => tr!("review-log_rotation-runbook"),
        "log_disk" => tr!("review-log_disk-runbook"),
        "cert_validity" => tr!("review-cert_validity-runbook"),
        "jwt_enabled" => tr!("review-jwt_enabled-runbook"),
        "alert_path" => tr!("review-alert_path-runbook"),
        "last_drill" => tr!("review-last_drill-runbook"),
        _ => String::new(),
    }
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
    let order = |id: &str| CATALOGUE.iter().position(|i| *i == id);
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
