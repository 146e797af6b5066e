//! Which alerts a round calls for: the transitions of each finding id (firing once it held
//! `hold_rounds` rounds in a row, escalated when its severity rises, resolved when it is gone,
//! with the time to recovery), kept per receiver so that each receiver hears of each
//! transition exactly once: never the same alert twice, a receiver above a finding's severity
//! never hears of it, a silenced finding is told (as firing) once its silence ends while it
//! still holds, and a resolution goes only to the receivers that heard of the firing.
//!
//! Pure bookkeeping: no I/O, no clock of its own (the round's time is given), so every rule
//! is tested here.

use crate::config::watch::{MinSeverity, Silence};
use crate::diagnose::Finding;
use crate::probe::State as Sev;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// What happened to a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// It appeared and held.
    Firing,
    /// Its severity rose (WARN → FAIL) since the receiver was told.
    Escalated,
    /// It is gone.
    Resolved,
}

impl Event {
    /// The word in the JSON payload.
    pub fn as_str(self) -> &'static str {
        match self {
            Event::Firing => "firing",
            Event::Escalated => "escalated",
            Event::Resolved => "resolved",
        }
    }
}

/// One message for one receiver.
#[derive(Debug, Clone)]
pub struct Alert {
    /// Index of the receiver in the config's `[[alert]]` list.
    pub receiver: usize,
    /// What happened.
    pub event: Event,
    /// The finding as last seen (for a resolution: as it was while it held).
    pub finding: Finding,
    /// When it was first seen in this episode.
    pub started_at: DateTime<Utc>,
    /// When it was gone (resolved only).
    pub resolved_at: Option<DateTime<Utc>>,
}

/// One finding id being tracked.
#[derive(Debug, Clone)]
struct Tracked {
    /// Rounds in a row it has been present.
    held: u32,
    started_at: DateTime<Utc>,
    finding: Finding,
    /// What each receiver was told (the severity), by receiver index.
    told: BTreeMap<usize, Sev>,
    /// Whether "held back by a silence" was said for this episode.
    silence_said: bool,
}

/// The transitions of every finding id across rounds.
#[derive(Debug, Default)]
pub struct Tracker {
    tracked: BTreeMap<&'static str, Tracked>,
    /// Findings held back by a silence since the last [`Tracker::take_silenced`].
    silenced: Vec<&'static str>,
}

/// What a round's evaluation needs to know about the receivers and the silences.
pub struct Policy<'a> {
    /// Rounds a finding must hold before it fires (at least 1).
    pub hold_rounds: u32,
    /// Each receiver's least severity, by index.
    pub receivers: &'a [MinSeverity],
    /// The silences in force or not.
    pub silences: &'a [Silence],
}

fn wants(min: MinSeverity, sev: Sev) -> bool {
    match min {
        MinSeverity::Warn => sev >= Sev::Warn,
        MinSeverity::Fail => sev >= Sev::Fail,
    }
}

impl Tracker {
    /// The alerts of a round whose findings are `findings` (ranked; one entry per id is
    /// kept: the first), at `now`. `counts` is false for a round whose evidence is not final
    /// (host facts being refreshed after a change): it neither advances nor resets anything.
    pub fn round(
        &mut self,
        findings: &[Finding],
        now: DateTime<Utc>,
        counts: bool,
        policy: &Policy<'_>,
    ) -> Vec<Alert> {
        if !counts {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut seen: Vec<&'static str> = Vec::new();
        for f in findings {
            if seen.contains(&f.id) {
                continue;
            }
            seen.push(f.id);
            let t = self.tracked.entry(f.id).or_insert_with(|| Tracked {
                held: 0,
                started_at: now,
                finding: f.clone(),
                told: BTreeMap::new(),
                silence_said: false,
            });
            t.held = t.held.saturating_add(1);
            t.finding = f.clone();
            if t.held < policy.hold_rounds.max(1) {
                continue;
            }
            let silenced = policy.silences.iter().any(|s| s.covers(f.id, now));
            if silenced && !t.silence_said {
                t.silence_said = true;
                self.silenced.push(f.id);
            }
            for (i, min) in policy.receivers.iter().enumerate() {
                if silenced || !wants(*min, f.severity) {
                    continue;
                }
                let event = match t.told.get(&i) {
                    None => Event::Firing,
                    Some(&was) if f.severity > was => Event::Escalated,
                    Some(_) => continue,
                };
                t.told.insert(i, f.severity);
                out.push(Alert {
                    receiver: i,
                    event,
                    finding: f.clone(),
                    started_at: t.started_at,
                    resolved_at: None,
                });
            }
        }
        let gone: Vec<&'static str> = self
            .tracked
            .keys()
            .filter(|k| !seen.contains(k))
            .copied()
            .collect();
        for id in gone {
            let Some(t) = self.tracked.remove(id) else {
                continue;
            };
            for &i in t.told.keys() {
                out.push(Alert {
                    receiver: i,
                    event: Event::Resolved,
                    finding: t.finding.clone(),
                    started_at: t.started_at,
                    resolved_at: Some(now),
                });
            }
        }
        out
    }

    /// After a reload: each receiver index the tracker knows becomes `map(old)`, and what a
    /// receiver no longer configured was told is forgotten.
    pub fn remap(&mut self, map: impl Fn(usize) -> Option<usize>) {
        for t in self.tracked.values_mut() {
            t.told = std::mem::take(&mut t.told)
                .into_iter()
                .filter_map(|(i, s)| map(i).map(|j| (j, s)))
                .collect();
        }
    }

    /// The findings held back by a silence since the last call (once per episode each).
    pub fn take_silenced(&mut self) -> Vec<&'static str> {
        std::mem::take(&mut self.silenced)
    }

    /// The ids firing now (held long enough), for the log.
    pub fn firing(&self, hold_rounds: u32) -> Vec<&'static str> {
        self.tracked
            .iter()
            .filter(|(_, t)| t.held >= hold_rounds.max(1))
            .map(|(k, _)| *k)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::test_support::finding;

    fn t(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + s, 0).expect("time")
    }

    fn events(a: &[Alert]) -> Vec<(usize, Event, &'static str)> {
        a.iter()
            .map(|a| (a.receiver, a.event, a.finding.id))
            .collect()
    }

    const TWO: [MinSeverity; 2] = [MinSeverity::Warn, MinSeverity::Fail];

    fn policy(silences: &[Silence]) -> Policy<'_> {
        Policy {
            hold_rounds: 2,
            receivers: &TWO,
            silences,
        }
    }

    #[test]
    fn fires_after_hold_once_then_resolves_once_then_fires_again() {
        let mut tr = Tracker::default();
        let p = policy(&[]);
        let down = [finding("service_down", Sev::Fail)];
        assert!(
            tr.round(&down, t(0), true, &p).is_empty(),
            "held one round only"
        );
        let a = tr.round(&down, t(2), true, &p);
        assert_eq!(
            events(&a),
            [
                (0, Event::Firing, "service_down"),
                (1, Event::Firing, "service_down")
            ]
        );
        assert_eq!(a[0].started_at, t(0));
        for s in 3..10 {
            assert!(tr.round(&down, t(s), true, &p).is_empty(), "never twice");
        }
        let r = tr.round(&[], t(20), true, &p);
        assert_eq!(
            events(&r),
            [
                (0, Event::Resolved, "service_down"),
                (1, Event::Resolved, "service_down")
            ]
        );
        assert_eq!((r[0].started_at, r[0].resolved_at), (t(0), Some(t(20))));
        assert!(tr.round(&[], t(22), true, &p).is_empty());
        assert!(tr.round(&down, t(30), true, &p).is_empty());
        let again = tr.round(&down, t(32), true, &p);
        assert_eq!(again.len(), 2, "a new episode fires again");
        assert_eq!(again[0].started_at, t(30));
    }

    #[test]
    fn a_blip_shorter_than_hold_says_nothing_and_non_final_rounds_do_not_count() {
        let mut tr = Tracker::default();
        let p = policy(&[]);
        let f = [finding("hop_failing", Sev::Fail)];
        assert!(tr.round(&f, t(0), true, &p).is_empty());
        assert!(
            tr.round(&f, t(1), false, &p).is_empty(),
            "not final: no count"
        );
        assert!(
            tr.round(&[], t(2), true, &p).is_empty(),
            "gone before it held"
        );
        assert!(tr.firing(2).is_empty());
    }

    #[test]
    fn severity_filters_and_escalation() {
        let mut tr = Tracker::default();
        let p = policy(&[]);
        let warn = [finding("memory_pressure", Sev::Warn)];
        tr.round(&warn, t(0), true, &p);
        assert_eq!(
            events(&tr.round(&warn, t(1), true, &p)),
            [(0, Event::Firing, "memory_pressure")],
            "the fail-only receiver is not told of a WARN"
        );
        let fail = [finding("memory_pressure", Sev::Fail)];
        assert_eq!(
            events(&tr.round(&fail, t(2), true, &p)),
            [
                (0, Event::Escalated, "memory_pressure"),
                (1, Event::Firing, "memory_pressure")
            ]
        );
        assert!(tr.round(&fail, t(3), true, &p).is_empty());
        // Back to WARN and up again: nothing new to say (it was told FAIL already).
        assert!(tr.round(&warn, t(4), true, &p).is_empty());
        assert!(tr.round(&fail, t(5), true, &p).is_empty());
    }

    #[test]
    fn silences_hold_back_and_release() {
        let mut tr = Tracker::default();
        let s = [Silence {
            finding: "service_down".into(),
            until: t(10),
            reason: None,
        }];
        let p = policy(&s);
        let f = [
            finding("service_down", Sev::Fail),
            finding("oom_killed", Sev::Fail),
        ];
        tr.round(&f, t(0), true, &p);
        let a = tr.round(&f, t(1), true, &p);
        assert!(a.iter().all(|a| a.finding.id == "oom_killed"), "{a:?}");
        assert_eq!(tr.take_silenced(), ["service_down"]);
        tr.round(&f, t(2), true, &p);
        assert!(tr.take_silenced().is_empty(), "said once");
        let later = tr.round(&f, t(11), true, &p);
        assert_eq!(
            events(&later),
            [
                (0, Event::Firing, "service_down"),
                (1, Event::Firing, "service_down")
            ],
            "told once the silence ends"
        );
        // A finding silenced all along is never resolved to anyone.
        let all = [Silence {
            finding: "all".into(),
            until: t(1000),
            reason: None,
        }];
        let mut tr = Tracker::default();
        let p = policy(&all);
        tr.round(&f, t(0), true, &p);
        assert!(tr.round(&f, t(1), true, &p).is_empty());
        assert!(tr.round(&[], t(2), true, &p).is_empty());
    }
}
