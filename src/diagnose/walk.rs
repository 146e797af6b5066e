//! The guided walkthrough: the runbook's steps (global view, network and ports, service state,
//! integration and auth, recovery) computed from the same evidence as the findings, each with
//! the checks it ran, their verdict and where to go next.

use super::{Diagnosis, Input};
use crate::config::{HopKind, Role};
use crate::i18n::state_word;
use crate::probe::State;
use crate::{tr, tr_in};
use serde::Serialize;
use std::sync::OnceLock;

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
    /// Step title (in the language of the moment it was made).
    pub title: &'static str,
    /// Worst verdict of its checks.
    pub verdict: State,
    /// The checks.
    pub checks: Vec<StepCheck>,
    /// Where to go next.
    pub next: String,
}

/// The steps, in their order.
#[derive(Clone, Copy)]
enum Title {
    Global,
    Network,
    Services,
    Integration,
    Recovery,
}

impl Title {
    /// The title in the current language. Titles are few and fixed: each is made once per
    /// language and kept, so a step's title stays a `&'static str`. Only the language asked
    /// for is made: an English run never parses the Chinese catalogue for them (issue 21:
    /// that was ~1.2 MiB of heap).
    fn text(self) -> &'static str {
        static TITLES: [OnceLock<[&'static str; 5]>; 2] = [OnceLock::new(), OnceLock::new()];
        let l = crate::i18n::current();
        let titles = TITLES[l as usize].get_or_init(|| {
            [
                tr_in!(l, "walk-step-global"),
                tr_in!(l, "walk-step-network"),
                tr_in!(l, "walk-step-services"),
                tr_in!(l, "walk-step-integration"),
                tr_in!(l, "walk-step-recovery"),
            ]
            .map(|t| &*Box::leak(t.into_boxed_str()))
        });
        titles[self as usize]
    }
}

fn step(title: Title, checks: Vec<StepCheck>, next: String) -> Step {
    let verdict = if checks.is_empty() {
        State::Unknown
    } else {
        checks.iter().map(|c| c.state).max().unwrap_or(State::Ok)
    };
    Step {
        title: title.text(),
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
        Some(h) => tr!("walk-next-global-red", hop = h.name),
        None => tr!("walk-next-global-green"),
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
        tr!("walk-next-network-red")
    } else {
        tr!("walk-next-network-green")
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
        tr!("walk-next-services-red")
    } else if input.cfg.services.is_empty() {
        tr!("walk-next-services-none")
    } else if svc.is_empty() || svc.iter().any(|c| c.state == State::Unknown) {
        tr!("walk-next-services-unknown")
    } else {
        tr!("walk-next-services-green")
    };

    // 4. Integration and auth.
    let delivery = super::rules::delivery_checks(&super::Ctx { input });
    let delivery_failing = delivery.iter().any(|c| c.state == State::Fail);
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
        .chain(delivery)
        .collect();
    let auth_next = if delivery_failing {
        tr!("walk-next-integration-delivery")
    } else {
        tr!("walk-next-integration")
    };

    let rec_step = recovery(d);
    vec![
        step(Title::Global, global, global_next),
        step(Title::Network, net, net_next),
        step(Title::Services, svc, svc_next),
        step(Title::Integration, auth, auth_next),
        rec_step,
    ]
}

/// Step 5, recovery: the top findings with their action or first next step.
fn recovery(d: &Diagnosis) -> Step {
    let rec: Vec<StepCheck> = d
        .findings
        .iter()
        .take(3)
        .map(|f| StepCheck {
            label: tr!("walk-recovery-label", id = f.id, confidence = f.confidence),
            state: f.severity,
            evidence: match &f.action {
                Some(a) => tr!("walk-recovery-action", title = f.title, action = a),
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
            Some(a) => tr!("walk-next-recovery-run", action = a),
            None => tr!(
                "walk-next-recovery-manual",
                step = f.next_steps.first().cloned().unwrap_or_default(),
                id = f.id
            ),
        },
        None if d.all_clear => tr!("walk-next-recovery-clear"),
        None => tr!("walk-next-recovery-unknown"),
    };
    if rec.is_empty() && d.all_clear {
        Step {
            title: Title::Recovery.text(),
            verdict: State::Ok,
            checks: vec![],
            next: rec_next,
        }
    } else {
        step(Title::Recovery, rec, rec_next)
    }
}

impl Step {
    /// The step as plain text: the verdict line, one line per check, where to go next;
    /// `indent` goes before the check lines.
    pub fn to_text(&self, indent: &str) -> String {
        let mut t = format!(
            "{} {} {}\n",
            self.verdict.symbol(),
            state_word(self.verdict),
            self.title
        );
        for c in &self.checks {
            t.push_str(&format!(
                "{indent}{} {} {} — {}\n",
                c.state.symbol(),
                pad(&state_word(c.state), 7),
                c.label,
                c.evidence
            ));
        }
        t.push_str(&format!("{indent}→ {}\n", self.next));
        t
    }
}

/// `s` followed by spaces up to `width` screen columns (a Chinese character takes two).
fn pad(s: &str, width: usize) -> String {
    let w = unicode_width::UnicodeWidthStr::width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}
