//! The diagnosis rules, one function per finding id. Each reads the shared [`Ctx`] and returns a
//! finding only when it has evidence; near-misses (the pattern is incomplete) return `None`.

mod converter;
mod deploy;
mod deps;
mod host;
mod integration;
mod network;
mod proxy;
mod service;
mod storage;
mod why;

use super::{Confidence, Ctx, Evidence, Finding, probe_evidence};
use crate::config::{HopKind, Role};
use crate::host::nginx::{NginxTest, TargetStatus};
use crate::host::services::ServiceState;
use crate::logs::Class;
use crate::probe::{HopResult, NetError, State};
use crate::tr;
type Rule = fn(&Ctx<'_>) -> Option<Finding>;

pub(super) use integration::checks as integration_checks;
pub(super) use storage::checks as delivery_checks;

/// Every rule about the chain, in no particular order (ranking happens afterwards). A finding
/// of these that rests on history alone is dropped ([`is_current`]).
pub(super) const ALL: &[Rule] = &[
    service::docserver_not_found,
    proxy::proxy_down,
    proxy::proxy_config_invalid,
    service::service_down,
    service::service_starting,
    service::service_hung,
    service::dependency_down,
    why::port_taken,
    why::ds_config_invalid,
    why::service_crash_loop,
    network::firewall_drop,
    network::firewall_reject,
    proxy::proxy_target_mismatch,
    proxy::websocket_not_proxied,
    proxy::upload_too_large,
    network::selinux_denies,
    proxy::header_buffer_too_small,
    network::dns_failure,
    host::memory_pressure,
];

/// The rules that read the ONLYOFFICE integration report: its checks ran just now, so what
/// they find is current (the parts they take from logs are filtered inside). With them the
/// rules on the Document Server's own lines since its last start (`Ctx::ds_entries_since_start`)
/// and current host facts: what users hit while every probe is green.
pub(super) const INTEGRATION: &[Rule] = &[
    converter::converter_timeout,
    host::disk_full,
    // Its evidence is current facts (a service's or the kernel's OOM kill) or the converter's
    // lines since the Document Server's last start: never history alone.
    host::oom_killed,
    deploy::jwt_secret_ephemeral,
    deploy::connector_disabled,
    integration::jwt_mismatch,
    integration::clock_skew,
    integration::forwarded_headers_missing,
    integration::mixed_content,
    integration::secure_link_mismatch,
    // From the Document Server's own lines since its last start: PostgreSQL answers (a green
    // probe does not disprove it), so it counts on a green chain too.
    deps::database_error,
];

/// Findings of [`ALL`] whose log lines are the symptom itself: uploads nginx refused, and
/// attempts nginx makes to an address family nothing listens on (its retries keep the probes
/// green). A green chain does not disprove them; their lines count within the diagnosis'
/// window. (The Document Server's own such lines are [`DELIVERY`]'s and [`INTEGRATION`]'s.)
const LOGS_ARE_SYMPTOMS: &[&str] = &["upload_too_large", "proxy_target_mismatch"];
/// The rules about the Document Server's deliveries — downloads from the storage, callbacks
/// back to the integrator — and TLS. Their Document Server log evidence counts on a green
/// chain (users meet these failures on a path no probe takes), read only from after the
/// service's last start; the report's storage checks are current; the hop and nginx log parts
/// of `tls_problem` are filtered with [`is_current`] inside.
pub(super) const DELIVERY: &[Rule] = &[
    storage::storage_denied,
    storage::storage_unreachable,
    storage::private_ip_blocked,
    storage::document_too_large,
    storage::callback_failed,
    storage::callback_redirect,
    network::tls_problem,
];

/// Whether a finding is about now: some evidence is a current symptom, or it explains a red
/// hop. A finding resting on log lines alone that explains no red hop is history, not the
/// outage at hand (the error log pane still shows those lines): nginx's `upstream_*` lines and
/// the Document Server's RabbitMQ, database, Redis, healthcheck and JWT lines, which a green
/// probe disproves. The Document Server's delivery lines are not judged here ([`DELIVERY`]).
pub(super) fn is_current(c: &Ctx<'_>, f: &Finding) -> bool {
    LOGS_ARE_SYMPTOMS.contains(&f.id)
        || f.evidence.iter().any(Evidence::is_symptom)
        || f.explains.iter().any(|e| c.red().any(|h| &h.name == e))
}

fn port_of(h: &HopResult) -> Option<u16> {
    crate::util::split_host_port(&h.target).map(|(_, p)| p)
}

/// Whether a hop failed at the TCP layer with this error: a TCP or TLS hop's connect (a TLS
/// hop connects before it shakes hands), or any hop's refused connection. An HTTP hop's
/// timeout may be a read timeout (a hung service), so it does not count here. A hop that
/// fails below its own layer is evidence for that lower layer's findings only.
fn is_tcp_fail(h: &HopResult, e: NetError) -> bool {
    h.state == State::Fail
        && h.detail.error == Some(e)
        && match h.kind {
            HopKind::Tcp | HopKind::Tls => true,
            HopKind::Dns => false,
            _ => e == NetError::Refused,
        }
}

/// Whether a hop's failure happened below TLS (name resolution, connect): then it says
/// nothing about certificates or handshakes.
fn failed_below_tls(h: &HopResult) -> bool {
    matches!(
        h.detail.error,
        Some(
            NetError::Dns
                | NetError::Refused
                | NetError::Timeout
                | NetError::Unreachable
                | NetError::PermissionDenied
        )
    )
}

fn service_is_down(s: &ServiceState) -> bool {
    matches!(
        s,
        ServiceState::Inactive
            | ServiceState::Failed
            | ServiceState::Exited { .. }
            | ServiceState::Restarting
    )
}

fn service_evidence(c: &Ctx<'_>, name: &str) -> Option<Evidence> {
    let s = c.service(name)?;
    let (n, st, d) = (&s.name, &s.state, &s.detail);
    let fact = match (s.pid, s.restarts) {
        (None, None) => tr!("ev-service-state", name = n, state = st, detail = d),
        (Some(pid), None) => tr!(
            "ev-service-state-pid",
            name = n,
            state = st,
            pid = pid,
            detail = d
        ),
        (None, Some(r)) => tr!(
            "ev-service-state-restarts",
            name = n,
            state = st,
            restarts = r,
            detail = d
        ),
        (Some(pid), Some(r)) => tr!(
            "ev-service-state-pid-restarts",
            name = n,
            state = st,
            pid = pid,
            restarts = r,
            detail = d
        ),
    };
    Some(Evidence {
        source: "host:services".into(),
        fact,
    })
}

fn listener_evidence(c: &Ctx<'_>, port: u16) -> Option<(bool, Evidence)> {
    let ls = c.listeners_on(port)?;
    let fact = if ls.is_empty() {
        tr!("ev-listener-none", port = port)
    } else {
        let who: Vec<String> = ls
            .iter()
            .map(|l| {
                let owner = match &l.owner {
                    crate::host::Owner::Process { pid, name, .. } => {
                        tr!("ev-listener-process", name = name, pid = pid)
                    }
                    crate::host::Owner::Unknown { reason } => {
                        tr!("ev-listener-owner-unknown", reason = reason)
                    }
                };
                tr!(
                    "ev-listener-by",
                    addr = l.addr,
                    port = l.port,
                    owner = owner
                )
            })
            .collect();
        tr!("ev-listener-some", who = who.join(&tr!("finding-list-sep")))
    };
    Some((
        !ls.is_empty(),
        Evidence {
            source: "host:sockets".into(),
            fact,
        },
    ))
}

/// Red hops that go through the proxy or to the upstream's HTTP side (they share the cause of
/// an upstream failure).
///
/// When the proxy itself is red, the hops through it are its to explain (`proxy_down`), not an
/// upstream cause's: a dead nginx hides whatever is behind it.
fn dependents<'a>(c: &Ctx<'a>, roles: &[Role]) -> Vec<&'a HopResult> {
    let proxy_red = c.by_role(Role::Proxy).any(|h| h.state == State::Fail);
    c.red()
        .filter(|h| roles.contains(&h.role))
        .filter(|h| !(proxy_red && h.role == Role::ViaProxy))
        .collect()
}

fn names(hs: &[&HopResult]) -> Vec<String> {
    hs.iter().map(|h| h.name.clone()).collect()
}

fn service_of(c: &Ctx<'_>, h: &HopResult) -> Option<String> {
    c.hop_cfg(&h.name).and_then(|x| x.service.clone())
}

// A constructor: each argument is one field of `Finding`, named at the call site by position.
#[allow(clippy::too_many_arguments)]
fn finding(
    id: &'static str,
    title: String,
    confidence: Confidence,
    evidence: Vec<Evidence>,
    explanation: impl Into<String>,
    next_steps: Vec<String>,
    action: Option<String>,
    explains: Vec<String>,
) -> Finding {
    Finding {
        id,
        title,
        severity: State::Fail,
        confidence,
        evidence,
        explanation: explanation.into(),
        next_steps,
        action,
        explains,
    }
}

#[cfg(test)]
mod hhost_tests;
