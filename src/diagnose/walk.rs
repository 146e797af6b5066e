//! The guided walkthrough: the runbook's steps (global view, network and ports, service state,
//! integration and auth, recovery) computed from the same evidence as the findings, each with
//! the checks it ran, their verdict and where to go next.

use super::{Diagnosis, Input};
use crate::config::{HopKind, Role};
use crate::probe::State;
use serde::Serialize;

/// One check inside a step.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StepCheck {
    /// What was checked.
    pub label: String,
    /// Its verdict.
    pub state: State,
    /// The evidence in one line.
    pub evidence: String,
}

/// One step of the walkthrough.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Step {
    /// Step title.
    pub title: &'static str,
    /// Worst verdict of its checks.
    pub verdict: State,
    /// The checks.
    pub checks: Vec<StepCheck>,
    /// Where to go next.
    pub next: String,
}

fn step(title: &'static str, checks: Vec<StepCheck>, next: String) -> Step {
    let verdict = if checks.is_empty() {
        State::Unknown
    } else {
        checks.iter().map(|c| c.state).max().unwrap_or(State::Ok)
    };
    Step {
        title,
        verdict,
        checks,
        next,
    }
}

/// Build the walkthrough.
pub fn walkthrough(input: &Input<'_>, d: &Diagnosis) -> Vec<Step> {
    let hop_check = |h: &crate::probe::HopResult| StepCheck {
        label: format!("{} ({} {})", h.name, h.kind.as_str(), h.target),
        state: h.state,
        evidence: h.reason.clone(),
    };
    // 1. Global view: the chain from the user's side.
    let global: Vec<StepCheck> = input
        .hops
        .iter()
        .filter(|h| matches!(h.role, Role::Dns | Role::Proxy | Role::ViaProxy))
        .map(hop_check)
        .collect();
    let first_red = input.hops.iter().find(|h| h.state == State::Fail);
    let global_next = match first_red {
        Some(h) => format!("The first red hop from the user is {}: follow the chain from there (step 2).", h.name),
        None => "The chain answers end to end: continue with integration and auth (step 4) if users still see errors.".into(),
    };

    // 2. Network and ports: TCP hops and what listens.
    let mut net: Vec<StepCheck> = input
        .hops
        .iter()
        .filter(|h| matches!(h.kind, HopKind::Tcp | HopKind::Tls))
        .map(hop_check)
        .collect();
    if let Some(ts) = input.host.targets {
        for t in ts {
            use crate::host::nginx::TargetStatus as T;
            let state = match t.status {
                T::Listening | T::UnixSocketPresent => State::Ok,
                T::NoListener | T::UnixSocketMissing | T::OtherAddress => State::Fail,
                T::Remote | T::Unresolved => State::Unknown,
            };
            net.push(StepCheck {
                label: format!("nginx {} {} → {}", t.location, t.directive, t.endpoint),
                state,
                evidence: format!(
                    "{}{}",
                    t.status,
                    t.note
                        .as_deref()
                        .map(|n| format!(": {n}"))
                        .unwrap_or_default()
                ),
            });
        }
    }
    for u in input
        .unknown
        .iter()
        .filter(|u| u.what.contains("sockets") || u.what.contains("firewall"))
    {
        net.push(StepCheck {
            label: u.what.clone(),
            state: State::Unknown,
            evidence: u.why.clone(),
        });
    }
    let net_next = if net.iter().any(|c| c.state == State::Fail) {
        "A port does not answer as it should: check the service behind it (step 3) and the firewall.".into()
    } else {
        "Ports answer: check the services' state (step 3).".into()
    };

    // 3. Service state.
    let mut svc: Vec<StepCheck> = Vec::new();
    if let Some(ss) = input.host.services {
        for s in ss {
            svc.push(StepCheck {
                label: format!("{} ({})", s.name, s.backend),
                state: s.state.verdict(),
                evidence: format!("{} {}", s.state, s.detail),
            });
        }
    }
    for u in input.unknown.iter().filter(|u| u.what.contains("services")) {
        svc.push(StepCheck {
            label: u.what.clone(),
            state: State::Unknown,
            evidence: u.why.clone(),
        });
    }
    let svc_next = if svc.iter().any(|c| c.state == State::Fail) {
        "A service is not running: see recovery (step 5).".into()
    } else if input.cfg.services.is_empty() {
        "No services configured ([[service]] in the config): check the application's process \
         by hand, then step 4."
            .into()
    } else if svc.is_empty() || svc.iter().any(|c| c.state == State::Unknown) {
        "Service state unknown (not collected yet, or not readable): check by hand \
         (systemctl / supervisorctl / docker), then step 4."
            .into()
    } else {
        "Services run: look at integration and auth (step 4).".into()
    };

    // 4. Integration and auth.
    let auth: Vec<StepCheck> = input
        .hops
        .iter()
        .filter(|h| {
            matches!(h.kind, HopKind::DocserverCommand | HopKind::Tls) || h.role == Role::Storage
        })
        .map(hop_check)
        .chain(
            d.findings
                .iter()
                .filter(|f| {
                    matches!(
                        f.id,
                        "jwt_mismatch" | "clock_skew" | "tls_problem" | "dns_failure"
                    )
                })
                .map(|f| StepCheck {
                    label: f.id.to_string(),
                    state: f.severity,
                    evidence: f.title.clone(),
                }),
        )
        .chain(
            input
                .integration
                .into_iter()
                .flat_map(super::rules::integration_checks),
        )
        .chain(super::rules::delivery_checks(&super::Ctx { input }))
        .collect();
    let auth_next = auth_next(&auth);

    let rec_step = recovery(d);
    vec![
        step("Global view", global, global_next),
        step("Network and ports", net, net_next),
        step("Service state", svc, svc_next),
        step("Integration and auth", auth, auth_next),
        rec_step,
    ]
}

/// Where step 4 goes next: the Document Server's own delivery failures first, when it logged any.
fn auth_next(auth: &[StepCheck]) -> String {
    if auth
        .iter()
        .any(|c| c.label.starts_with("Document Server ") && c.state == State::Fail)
    {
        "The Document Server's downloads or callbacks fail (its own log says so, whatever the \
         probes show): see the storage and callback findings, then the recovery (step 5)."
            .to_string()
    } else {
        "Then apply the recovery (step 5).".to_string()
    }
}

/// Step 5, recovery: the top findings with their action or first next step.
fn recovery(d: &Diagnosis) -> Step {
    let rec: Vec<StepCheck> = d
        .findings
        .iter()
        .take(3)
        .map(|f| StepCheck {
            label: format!("{} ({} confidence)", f.id, f.confidence),
            state: f.severity,
            evidence: match &f.action {
                Some(a) => format!("{} → action {a}", f.title),
                None => format!(
                    "{} → {}",
                    f.title,
                    f.next_steps.first().cloned().unwrap_or_default()
                ),
            },
        })
        .collect();
    let rec_next = match d.findings.first() {
        Some(f) => match &f.action {
            Some(a) => format!(
                "Run {a}, then watch the chain turn green (targets: diagnosis ≤ 5 min, mitigation ≤ 15 min)."
            ),
            None => format!(
                "{} (no automatic action for {}).",
                f.next_steps.first().cloned().unwrap_or_default(),
                f.id
            ),
        },
        None if d.all_clear => "All clear: nothing to recover.".into(),
        None => "No root cause found: read the error log pane and the hop details.".into(),
    };
    if rec.is_empty() && d.all_clear {
        Step {
            title: "Recovery",
            verdict: State::Ok,
            checks: vec![],
            next: rec_next,
        }
    } else {
        step("Recovery", rec, rec_next)
    }
}

impl Step {
    /// The step as plain text: the verdict line, one line per check, where to go next;
    /// `indent` goes before the check lines.
    pub fn to_text(&self, indent: &str) -> String {
        let mut t = format!(
            "{} {} {}\n",
            self.verdict.symbol(),
            self.verdict.word(),
            self.title
        );
        for c in &self.checks {
            t.push_str(&format!(
                "{indent}{} {:<7} {} — {}\n",
                c.state.symbol(),
                c.state.word(),
                c.label,
                c.evidence
            ));
        }
        t.push_str(&format!("{indent}→ {}\n", self.next));
        t
    }
}
