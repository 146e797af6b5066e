//! The phases of an incident, from the timeline: the first red hop, the first finding, the
//! first recovery action that succeeded, all green again — each set beside the runbook's
//! response targets (a first diagnosis within 5 minutes, a workaround within 15).

use super::{Event, NoteLevel, State};
use crate::tr;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// The runbook's target for the first diagnosis, seconds.
pub const DIAGNOSIS_TARGET_S: i64 = 5 * 60;
/// The runbook's target for a workaround, seconds.
pub const WORKAROUND_TARGET_S: i64 = 15 * 60;

/// One phase: when it was reached and how long after the first red hop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Phase {
    /// When.
    pub at: DateTime<Utc>,
    /// Seconds after the first red hop.
    pub after_s: i64,
    /// The runbook's target for it, seconds, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_s: Option<i64>,
}

impl Phase {
    /// Whether it met its target (`None` without one).
    pub fn met(&self) -> Option<bool> {
        self.target_s.map(|t| self.after_s <= t)
    }
}

/// An incident's phases; those not reached (yet) are `None`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Phases {
    /// The first red hop.
    pub started: DateTime<Utc>,
    /// The first finding after it (target: 5 minutes).
    pub first_finding: Option<Phase>,
    /// The first recovery action that worked after it (timeline kind `recovery`; target: 15
    /// minutes).
    pub first_recovery: Option<Phase>,
    /// Every hop green again.
    pub all_green: Option<Phase>,
}

fn phase(start: DateTime<Utc>, at: DateTime<Utc>, target_s: Option<i64>) -> Phase {
    Phase {
        at,
        after_s: (at - start).num_seconds().max(0),
        target_s,
    }
}

/// The phases of the state's incident (`None` when no hop turned red).
pub fn phases(state: &State) -> Option<Phases> {
    let start = state.incident_start?;
    let first = |pred: &dyn Fn(&Event) -> bool| {
        state
            .timeline
            .iter()
            .filter(|e| e.at >= start)
            .find(|e| pred(e))
            .map(|e| e.at)
    };
    let finding = first(&|e| e.kind == "finding");
    let recovery = first(&|e| e.kind == "recovery");
    Some(Phases {
        started: start,
        first_finding: finding.map(|t| phase(start, t, Some(DIAGNOSIS_TARGET_S))),
        first_recovery: recovery.map(|t| phase(start, t, Some(WORKAROUND_TARGET_S))),
        all_green: all_green(state, start).map(|t| phase(start, t, None)),
    })
}

/// When every hop was green again: the state's own recovery, else — for a report that merged
/// an earlier incident from the journal and finds every hop green now — the last hop
/// transition of the timeline that was not to a failure.
fn all_green(state: &State, start: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if state.recovered_at.is_some() {
        return state.recovered_at;
    }
    let green_now = !state.hops.is_empty()
        && state.hops.iter().all(|h| {
            h.last
                .as_ref()
                .is_some_and(|r| r.state == crate::probe::State::Ok)
        });
    if !green_now {
        return None;
    }
    state
        .timeline
        .iter()
        .filter(|e| e.at >= start && e.kind == "hop" && e.level != NoteLevel::Error)
        .map(|e| e.at)
        .max()
}

/// One line for a title bar or a summary: `diagnosed in 1m 20s ✔ (≤5m) · worked around in
/// 6m 00s ✔ (≤15m) · green in 7m 02s`; phases not reached are left out.
pub fn summary(p: &Phases) -> String {
    let mark = |ph: &Phase| match ph.met() {
        Some(true) => " ✔",
        Some(false) => " ✖",
        None => "",
    };
    let mut parts = Vec::new();
    if let Some(f) = &p.first_finding {
        parts.push(tr!(
            "phase-diagnosed",
            duration = super::human_duration(f.after_s),
            mark = mark(f)
        ));
    }
    if let Some(r) = &p.first_recovery {
        parts.push(tr!(
            "phase-worked-around",
            duration = super::human_duration(r.after_s),
            mark = mark(r)
        ));
    }
    if let Some(g) = &p.all_green {
        parts.push(tr!(
            "phase-green",
            duration = super::human_duration(g.after_s)
        ));
    }
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn ev(at: DateTime<Utc>, kind: &str, level: NoteLevel) -> Event {
        Event {
            at,
            kind: kind.into(),
            level,
            text: String::new(),
        }
    }

    #[test]
    fn phases_from_the_timeline_against_the_targets() {
        let cfg = crate::config::parse(crate::config::ONLYOFFICE_PROFILE, "t").expect("profile");
        let mut s = State::new(Arc::new(cfg), "t".into());
        assert!(phases(&s).is_none(), "no red hop, no incident");
        let t0 = Utc::now() - chrono::Duration::minutes(30);
        let at = |m: i64| t0 + chrono::Duration::minutes(m);
        s.incident_start = Some(t0);
        s.timeline = vec![
            ev(at(-5), "finding", NoteLevel::Warn),
            ev(at(0), "hop", NoteLevel::Error),
            ev(at(2), "finding", NoteLevel::Error),
            ev(at(9), "action", NoteLevel::Error),
            ev(at(17), "recovery", NoteLevel::Info),
        ]
        .into();
        s.recovered_at = Some(at(18));
        let p = phases(&s).expect("phases");
        let f = p.first_finding.as_ref().expect("finding");
        assert_eq!((f.after_s, f.met()), (120, Some(true)));
        let r = p
            .first_recovery
            .as_ref()
            .expect("the failed action does not count");
        assert_eq!((r.after_s, r.met()), (17 * 60, Some(false)));
        assert_eq!(p.all_green.as_ref().map(|g| g.after_s), Some(18 * 60));
        assert_eq!(
            summary(&p),
            "diagnosed in 2m 00s ✔ (≤5m) · worked around in 17m 00s ✖ (≤15m) · green in 18m 00s"
        );
        let _zh = crate::i18n::scoped(crate::i18n::Lang::ZhCn);
        assert_eq!(
            summary(&p),
            "初步诊断用时 2m 00s ✔（≤5m） · 临时规避用时 17m 00s ✖（≤15m） · 恢复正常用时 18m 00s"
        );
    }
}
