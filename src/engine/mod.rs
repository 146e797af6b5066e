//! The engine state: everything the console and the headless commands know, built only by
//! applying owned [`Update`]s that background tasks send over one channel.
//!
//! `check` and `report` run one round of the console's tasks ([`run_once`]) and read the same
//! state the console draws from; there is no second code path. [`State::apply`] returns whether anything visible changed, so the
//! console redraws only then.
//!
//! The timeline is shown in the current language; its journal (the console's
//! `timeline.ndjson`, read back by `report`) is English whatever the language of the process
//! that wrote it: each event is worded twice where the engine words it ([`crate::actions::Said`]).

pub mod access;
mod once;
pub mod phases;
mod query;
pub mod tasks;

pub use once::run_once;
pub use query::{chain_ports, host_query, log_files};

use crate::actions::Said;
use crate::config::{Config, Hop};
use crate::diagnose::{Diagnosis, HostView, Input, Unchecked, diagnose};
use crate::i18n::Lang;
use crate::probe::scheduler::ProbeEvent;
use crate::probe::{HopResult, State as HopState};
use crate::{tr, tr_in};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::VecDeque;
use std::sync::Arc;

/// How many timeline events are kept.
pub const TIMELINE_LIMIT: usize = 2000;

/// An owned update from a background task.
#[derive(Debug, Clone)]
pub enum Update {
    /// From the probe scheduler.
    Probe(ProbeEvent),
    /// Classified log entries from a follower or a tail read.
    Logs(Vec<crate::logs::Record>),
    /// A follower's notice about a file (missing, permission denied, rotated).
    LogNotice {
        /// The file.
        path: String,
        /// What happened, in the current language.
        text: String,
        /// The same in English (the journal's record).
        en: String,
    },
    /// A fresh host snapshot.
    Host(Box<crate::host::Snapshot>),
    /// A fresh ONLYOFFICE integration report (JWT on both sides, storage, headers).
    Integration(Box<crate::onlyoffice::IntegrationReport>),
    /// What clients got, from the access logs.
    Access(access::AccessSummary),
    /// What a packet capture saw (a `capture:HOP` action that ran).
    Capture(Box<crate::probe::capture::CaptureSummary>),
    /// An action's outcome for the timeline: kind `recovery` when it is a recovery action that
    /// succeeded (and re-probing did not find it still failing), else `action`.
    Action {
        /// Severity of the outcome.
        level: NoteLevel,
        /// What happened.
        text: String,
        /// A recovery that worked: the incident's workaround phase (see `phases`).
        recovered: bool,
        /// What happened, in English: the journal's wording.
        en: String,
    },
    /// A note for the timeline (an error of a background task, a cancelled preview); the
    /// journal keeps its text as it is (see [`Update::NoteEn`]).
    Note {
        /// Severity of the note.
        level: NoteLevel,
        /// What happened.
        text: String,
    },
    /// A note with its English wording, which the journal keeps (records on disk are English
    /// whatever the language shown): [`Update::note`].
    NoteEn {
        /// Severity of the note.
        level: NoteLevel,
        /// What happened, in the current language.
        text: String,
        /// What happened, in English.
        en: String,
    },
}

impl Update {
    /// A note worded in the current language and in English for the journal:
    /// `Update::note(level, |l| tr_in!(l, "…", …))`.
    pub fn note(level: NoteLevel, text: impl Fn(Lang) -> String) -> Update {
        let said = Said::new(text);
        Update::NoteEn {
            level,
            text: said.shown,
            en: said.en,
        }
    }
}

impl crate::actions::ActionOutcome {
    /// The engine updates an outcome makes: its timeline note, and what a capture saw.
    pub fn updates(&self) -> Vec<Update> {
        let mut v = vec![Update::from(self)];
        v.extend(self.capture.clone().map(|c| Update::Capture(Box::new(c))));
        v
    }
}

impl From<&crate::actions::ActionOutcome> for Update {
    /// An action's outcome as a timeline note (`state.apply((&outcome).into())`), with its
    /// English wording for the journal (the run's texts in English when it was a recent run).
    fn from(o: &crate::actions::ActionOutcome) -> Self {
        use crate::actions::Severity;
        let (sev, text) = o.summary();
        let en = crate::actions::english(o)
            .map_or_else(|| o.summary_in(Lang::En).1, |e| e.summary_in(Lang::En).1);
        Update::Action {
            level: match sev {
                Severity::Info => NoteLevel::Info,
                Severity::Warn => NoteLevel::Warn,
                Severity::Error => NoteLevel::Error,
            },
            text,
            recovered: o.is_recovery(),
            en,
        }
    }
}

impl From<ProbeEvent> for Update {
    fn from(e: ProbeEvent) -> Self {
        Update::Probe(e)
    }
}

/// Severity of a note.
#[derive(Debug, Clone, Copy, Serialize, serde::Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum NoteLevel {
    /// Informational.
    Info,
    /// Something to look at.
    Warn,
    /// Something failed.
    Error,
}

/// One hop as the console sees it.
#[derive(Debug, Clone)]
pub struct HopView {
    /// The configured hop.
    pub hop: Hop,
    /// The latest result, if any.
    pub last: Option<HopResult>,
    /// A probe is running now.
    pub in_flight: bool,
    /// Since when the hop has had its current state.
    pub since: Option<DateTime<Utc>>,
    /// When the hop last changed from one state to another (its first result is no change).
    pub changed_at: Option<DateTime<Utc>>,
}

/// A timestamped event of the incident timeline.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct Event {
    /// When.
    pub at: DateTime<Utc>,
    /// `hop`, `finding`, `incident`, `log`, `note`, `action`, `recovery` (an action that
    /// recovered).
    pub kind: String,
    /// Severity.
    pub level: NoteLevel,
    /// What happened.
    pub text: String,
}

/// The whole engine state.
#[derive(Debug)]
pub struct State {
    /// Effective configuration.
    pub cfg: Arc<Config>,
    /// Where the configuration came from.
    pub source: String,
    /// Hops in chain order.
    pub hops: Vec<HopView>,
    /// Rounds finished so far.
    pub rounds: u64,
    /// The timeline (bounded, oldest dropped first).
    pub timeline: VecDeque<Event>,
    /// Events pushed to the timeline since the start (dropped ones included).
    pub timeline_total: u64,
    /// When the first hop turned red in the current incident.
    pub incident_start: Option<DateTime<Utc>>,
    /// When everything turned green again after an incident.
    pub recovered_at: Option<DateTime<Utc>>,
    /// Recent classified log entries.
    pub logs: LogBook,
    /// The latest diagnosis.
    pub diagnosis: Diagnosis,
    /// The walkthrough of the latest diagnosis (derived with it, not on every draw).
    steps: Vec<crate::diagnose::Step>,
    /// The latest host snapshot.
    pub host: Option<Box<crate::host::Snapshot>>,
    /// The latest integration report.
    pub integration: Option<Box<crate::onlyoffice::IntegrationReport>>,
    /// The latest packet capture of each hop (`capture:HOP` actions), shown as evidence on
    /// the findings about that hop.
    pub captures: Vec<crate::probe::capture::CaptureSummary>,
    /// What clients got over the last minutes, from the access logs (when configured).
    pub access: Option<access::AccessSummary>,
    /// Where timeline events are appended (the console's journal, read by `report`).
    pub journal: Option<std::path::PathBuf>,
    /// Findings announced on the timeline (by [`timeline_key`]): a finding is announced when
    /// its evidence is final, and "cleared" only when it was announced.
    announced: Vec<String>,
    journal_failed: bool,
}

/// Recent classified log entries (bounded) and the followers' notices.
#[derive(Debug, Default)]
pub struct LogBook {
    /// Entries, oldest first, at most [`LOG_LIMIT`].
    pub entries: VecDeque<crate::logs::Record>,
    /// Entries dropped because the book was full.
    pub dropped: u64,
    /// Entries received in total.
    pub received: u64,
    /// Bytes the entries hold ([`crate::logs::Record::footprint`]), at most [`LOG_BOOK_BYTES`].
    pub bytes: usize,
    /// Latest notice per file (missing, permission denied, ...).
    pub notices: std::collections::BTreeMap<String, String>,
}

/// How many log entries the engine keeps.
pub const LOG_LIMIT: usize = 10_000;
pub use crate::limits::{LOG_BOOK_BYTES, STORED_FIELD_BYTES};
/// The window of log entries the diagnosis reads.
pub const LOG_WINDOW_SECS: i64 = 300;

impl LogBook {
    fn push(&mut self, mut r: crate::logs::Record) {
        r.shrink(STORED_FIELD_BYTES);
        let size = r.footprint();
        while !self.entries.is_empty()
            && (self.entries.len() >= LOG_LIMIT || self.bytes + size > LOG_BOOK_BYTES)
        {
            if let Some(old) = self.entries.pop_front() {
                self.bytes = self.bytes.saturating_sub(old.footprint());
            }
            self.dropped += 1;
        }
        self.received += 1;
        self.bytes += size;
        self.entries.push_back(r);
    }

    /// Count per failure class (not `other`, not `ds_started`) of the entries logged at or after `cutoff` (entries
    /// without a time count), without copying them (the console draws this counter every
    /// frame, with its own clock).
    pub fn counts_since(
        &self,
        cutoff: chrono::NaiveDateTime,
    ) -> std::collections::BTreeMap<&'static str, usize> {
        let mut counts = std::collections::BTreeMap::new();
        for r in &self.entries {
            if r.class().is_failure() && r.time().is_none_or(|t| t >= cutoff) {
                *counts.entry(r.class().id()).or_default() += 1;
            }
        }
        counts
    }

    /// Entries logged within the last `secs` seconds (local time, as logs are written);
    /// entries without a time count as recent. Borrowed, not copied.
    pub fn recent(&self, secs: i64) -> crate::diagnose::LogView<'_> {
        let cutoff = chrono::Local::now().naive_local() - chrono::Duration::seconds(secs);
        crate::diagnose::LogView::since(&self.entries, cutoff)
    }
}

impl State {
    /// A fresh state for a config.
    pub fn new(cfg: Arc<Config>, source: String) -> Self {
        let hops = cfg
            .hops
            .iter()
            .map(|h| HopView {
                hop: h.clone(),
                last: None,
                in_flight: false,
                since: None,
                changed_at: None,
            })
            .collect();
        State {
            cfg,
            source,
            hops,
            rounds: 0,
            timeline: VecDeque::new(),
            timeline_total: 0,
            incident_start: None,
            recovered_at: None,
            logs: LogBook::default(),
            diagnosis: Diagnosis::default(),
            steps: Vec::new(),
            host: None,
            integration: None,
            captures: Vec::new(),
            access: None,
            journal: None,
            journal_failed: false,
            announced: Vec::new(),
        }
    }

    /// An event on the timeline as shown, and in the journal in English.
    fn push(&mut self, kind: &str, level: NoteLevel, text: Said, at: DateTime<Utc>) {
        if self.timeline.len() >= TIMELINE_LIMIT {
            self.timeline.pop_front();
        }
        let ev = Event {
            at,
            kind: kind.to_string(),
            level,
            text: text.shown,
        };
        let record = Event {
            text: text.en,
            ..ev.clone()
        };
        if let Some(p) = &self.journal
            && let Err(e) = append_journal(p, &record)
            && !self.journal_failed
        {
            // Said once; the console keeps running without its journal.
            self.journal_failed = true;
            let note = Event {
                at,
                kind: "note".into(),
                level: NoteLevel::Warn,
                text: tr!("timeline-journal-failed", path = p.display(), error = e),
            };
            self.timeline.push_back(note);
            self.timeline_total += 1;
        }
        self.timeline.push_back(ev);
        self.timeline_total += 1;
    }

    /// Apply one update; true when something visible changed.
    pub fn apply(&mut self, u: Update) -> bool {
        match u {
            Update::Probe(ProbeEvent::RoundStarted { .. }) => {
                for h in &mut self.hops {
                    h.in_flight = true;
                }
                true
            }
            Update::Probe(ProbeEvent::Result(r)) => {
                self.apply_result(*r);
                true
            }
            Update::Probe(ProbeEvent::RoundFinished { .. }) => {
                self.rounds += 1;
                for h in &mut self.hops {
                    h.in_flight = false;
                }
                self.update_incident();
                self.rediagnose();
                true
            }
            Update::Host(snap) => {
                self.host = Some(snap);
                self.rediagnose();
                true
            }
            Update::Access(a) => {
                let changed = self.access.as_ref() != Some(&a);
                self.access = Some(a);
                changed
            }
            // The generic profile knows no Document Server: no ONLYOFFICE checks.
            Update::Integration(_) if !self.cfg.onlyoffice_checks() => false,
            Update::Integration(r) => {
                self.integration = Some(r);
                self.rediagnose();
                true
            }
            Update::Logs(rs) => {
                let any = !rs.is_empty();
                for r in rs {
                    self.logs.push(r);
                }
                any
            }
            Update::LogNotice { path, text, en } => {
                let changed = self.logs.notices.get(&path) != Some(&text);
                if changed {
                    let line = Said {
                        shown: format!("{path}: {text}"),
                        en: format!("{path}: {en}"),
                    };
                    self.push("log", NoteLevel::Warn, line, Utc::now());
                    self.logs.notices.insert(path, text);
                }
                changed
            }
            Update::Note { level, text } => {
                self.push("note", level, Said::plain(text), Utc::now());
                true
            }
            Update::NoteEn { level, text, en } => {
                self.push("note", level, Said { shown: text, en }, Utc::now());
                true
            }
            Update::Action {
                level,
                text,
                recovered,
                en,
            } => {
                let kind = if recovered { "recovery" } else { "action" };
                self.push(kind, level, Said { shown: text, en }, Utc::now());
                true
            }
            Update::Capture(c) => {
                self.captures.retain(|x| x.hop != c.hop);
                self.captures.push(*c);
                self.rediagnose();
                true
            }
        }
    }

    fn apply_result(&mut self, r: HopResult) {
        let Some(i) = self.hops.iter().position(|h| h.hop.name == r.name) else {
            return;
        };
        let prev = self.hops[i].last.as_ref().map(|l| l.state);
        let at = r.at;
        if prev != Some(r.state) {
            self.hops[i].since = Some(at);
            if prev.is_some() {
                self.hops[i].changed_at = Some(at);
            }
            // The first OK of a hop is not news; every other change is.
            if prev.is_some() || r.state != HopState::Ok {
                let level = match r.state {
                    HopState::Ok => NoteLevel::Info,
                    HopState::Warn | HopState::Unknown => NoteLevel::Warn,
                    HopState::Fail => NoteLevel::Error,
                };
                // The state words in each language; the reason is the probe's text.
                let text = Said::new(|l| {
                    let word = |s: HopState| match l {
                        Lang::En => s.word().to_string(),
                        _ => crate::i18n::state_word(s),
                    };
                    let from = prev.map_or_else(|| "—".to_string(), word);
                    format!("{} {from} → {}: {}", r.name, word(r.state), r.reason)
                });
                self.push("hop", level, text, at);
            }
        }
        self.hops[i].in_flight = false;
        self.hops[i].last = Some(r);
    }

    fn update_incident(&mut self) {
        let red = self.worst() == HopState::Fail;
        let now = Utc::now();
        match (red, self.incident_start) {
            (true, None) => {
                self.incident_start = self
                    .hops
                    .iter()
                    .filter(|h| h.last.as_ref().is_some_and(|l| l.state == HopState::Fail))
                    .filter_map(|h| h.since)
                    .min()
                    .or(Some(now));
                self.recovered_at = None;
            }
            (false, Some(start)) if self.recovered_at.is_none() => {
                self.recovered_at = Some(now);
                let secs = (now - start).num_seconds();
                let text = Said::new(|l| {
                    tr_in!(l, "timeline-green-again", duration = human_duration(secs))
                });
                self.push("incident", NoteLevel::Info, text, now);
            }
            (true, Some(_)) if self.recovered_at.is_some() => {
                // A new incident after a recovery.
                self.incident_start = Some(now);
                self.recovered_at = None;
            }
            _ => {}
        }
    }

    /// Whether the host snapshot predates the latest change of a hop: a refresh is under way
    /// and the facts may describe the world before the change.
    pub fn host_is_stale(&self) -> bool {
        let last_change = self.hops.iter().filter_map(|h| h.changed_at).max();
        matches!((&self.host, last_change), (Some(snap), Some(change)) if snap.taken_at < change)
    }

    /// Build the diagnosis input from the current state and hand it to `f`.
    pub fn with_input<R>(&self, f: impl FnOnce(&Input<'_>) -> R) -> R {
        let hops = self.results();
        let logs = self
            .logs
            .recent(LOG_WINDOW_SECS)
            .with_access(self.access.as_ref());
        let (mut host, mut unknown) = match &self.host {
            Some(s) => HostView::from_snapshot(s),
            None => (HostView::default(), Vec::new()),
        };
        host.captures = &self.captures;
        // Facts taken before the latest hop change may describe the world before the failure
        // (a listener that has just died): until a fresh snapshot arrives, the rules reason
        // without the volatile parts rather than from stale ones.
        if self.host_is_stale() {
            host = HostView {
                nginx: host.nginx,
                selinux: host.selinux,
                memory: host.memory,
                oom: host.oom,
                disk: host.disk,
                ..HostView::default()
            };
            unknown.push(Unchecked {
                what: "host:sockets, services, firewall".into(),
                why: tr!("engine-host-refreshing"),
            });
        }
        unknown.extend(self.logs.notices.iter().map(|(p, t)| Unchecked {
            what: format!("log:{p}"),
            why: t.clone(),
        }));
        let input = Input {
            cfg: &self.cfg,
            hops: &hops,
            logs,
            host,
            integration: self.integration.as_deref(),
            unknown,
        };
        f(&input)
    }

    /// The guided walkthrough of the current evidence (computed with the diagnosis).
    pub fn walkthrough(&self) -> &[crate::diagnose::Step] {
        &self.steps
    }

    fn compute_walkthrough(&self) -> Vec<crate::diagnose::Step> {
        self.with_input(|i| crate::diagnose::walkthrough(i, &self.diagnosis))
    }

    /// Re-run the diagnosis on the current evidence and record findings that appear or clear.
    pub fn rediagnose(&mut self) {
        let d = self.with_input(diagnose);
        // A finding is announced when its evidence is final. The fallback for a red hop no
        // rule explains (`hop_failing`) is provisional while a round is in flight or the host
        // facts are being refreshed after a change: the same round usually replaces it with
        // the real cause, and announcing it would fill the timeline with noise.
        let provisional =
            self.host_is_stale() || self.hops.iter().any(|h| h.in_flight) || self.host.is_none();
        let now = Utc::now();
        let mut events = Vec::new();
        let after: Vec<String> = d.findings.iter().map(timeline_key).collect();
        // The titles in English for the journal: the same evidence diagnosed again in English,
        // only when something is announced, to a journal, in another language.
        let mut titles_en: Option<Vec<(String, String)>> = None;
        for (f, key) in d.findings.iter().zip(&after) {
            if self.announced.contains(key) || (provisional && f.id == HOP_FAILING) {
                continue;
            }
            let title_en = if self.journal.is_none() || crate::i18n::current() == Lang::En {
                f.title.clone()
            } else {
                let titles = titles_en.get_or_insert_with(|| {
                    let _en = crate::i18n::scoped(Lang::En);
                    let d = self.with_input(diagnose);
                    d.findings
                        .iter()
                        .map(|f| (timeline_key(f), f.title.clone()))
                        .collect()
                });
                titles
                    .iter()
                    .find(|(k, _)| k == key)
                    .map_or_else(|| f.title.clone(), |(_, t)| t.clone())
            };
            let text = Said::new(|l| {
                let title = if l == Lang::En { &title_en } else { &f.title };
                tr_in!(l, "timeline-finding", id = f.id, title = title)
            });
            events.push((NoteLevel::Error, text));
            self.announced.push(key.clone());
        }
        let gone: Vec<String> = self
            .announced
            .iter()
            .filter(|k| !after.contains(k))
            .cloned()
            .collect();
        for key in gone {
            self.announced.retain(|k| k != &key);
            let text = Said::new(|l| tr_in!(l, "timeline-finding-cleared", id = key));
            events.push((NoteLevel::Info, text));
        }
        for (level, text) in events {
            self.push("finding", level, text, now);
        }
        self.diagnosis = d;
        self.steps = self.compute_walkthrough();
    }

    /// The overall state: the worst of the hops and of the findings.
    pub fn overall(&self) -> HopState {
        // No hops yet, or a chain that is not on this box: nothing to judge.
        if self.hops.is_empty() || self.diagnosis.premise().is_some() {
            return HopState::Unknown;
        }
        self.worst().max(self.diagnosis.worst())
    }

    /// Services from the latest host snapshot.
    pub fn services(&self) -> Option<&[crate::host::services::ServiceStatus]> {
        self.host.as_ref()?.services.value().map(Vec::as_slice)
    }

    /// Listening sockets from the latest host snapshot.
    pub fn listeners(&self) -> Option<&[crate::host::Listener]> {
        self.host
            .as_ref()?
            .sockets
            .value()
            .map(|s| s.listeners.as_slice())
    }

    /// The latest results, in chain order (hops never probed are left out).
    pub fn results(&self) -> Vec<HopResult> {
        self.hops.iter().filter_map(|h| h.last.clone()).collect()
    }

    /// The worst hop state (OK when nothing has been probed).
    pub fn worst(&self) -> HopState {
        self.hops
            .iter()
            .filter_map(|h| h.last.as_ref().map(|l| l.state))
            .max()
            .unwrap_or(HopState::Ok)
    }

    /// Whether an incident is going on.
    pub fn in_incident(&self) -> bool {
        self.incident_start.is_some() && self.recovered_at.is_none()
    }
}

/// The id of the fallback finding for a red hop no rule explains.
const HOP_FAILING: &str = "hop_failing";

/// A finding's identity on the timeline: its id, and for `hop_failing` (one per hop) the hop.
fn timeline_key(f: &crate::diagnose::Finding) -> String {
    if f.id == HOP_FAILING {
        format!("{} {}", f.id, f.explains.join(","))
    } else {
        f.id.to_string()
    }
}

/// Append one event as a JSON line (the file is created 0600, missing folders 0700; no
/// symlink followed, refused in a folder another user can write: [`crate::fsafe::open_write`]).
fn append_journal(path: &std::path::Path, ev: &Event) -> Result<(), String> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        crate::fsafe::create_missing_dirs(dir)?;
    }
    let mut line = serde_json::to_string(ev).map_err(|e| e.to_string())?;
    line.push('\n');
    crate::fsafe::open_write(path, crate::fsafe::WriteMode::Append, 0o600)?
        .write_all(line.as_bytes())
        .map_err(|e| crate::util::io_error_text(&e))
}

/// Events of a journal written at or after `since` (unreadable lines are skipped; a missing
/// file is an empty history).
pub fn read_journal(path: &std::path::Path, since: DateTime<Utc>) -> Vec<Event> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|l| serde_json::from_str::<Event>(l).ok())
        .filter(|e| e.at >= since)
        .collect()
}

impl State {
    /// Put earlier events (the console's journal, the audit log) before this run's own, in
    /// time order, so a report tells the whole incident.
    pub fn merge_history(&mut self, mut older: Vec<Event>) {
        older.extend(self.timeline.drain(..));
        older.sort_by_key(|e| e.at);
        older.dedup();
        let skip = older.len().saturating_sub(TIMELINE_LIMIT);
        self.timeline = older.into_iter().skip(skip).collect();
        // The incident start is the first red hop of the history when there is one.
        if let Some(first_red) = self
            .timeline
            .iter()
            .find(|e| e.kind == "hop" && e.level == NoteLevel::Error)
            .map(|e| e.at)
            && self.incident_start.is_none_or(|s| first_red < s)
        {
            self.incident_start = Some(first_red);
        }
    }
}

/// `1h 02m`, `3m 05s`, `42s`.
pub fn human_duration(secs: i64) -> String {
    let s = secs.max(0);
    if s >= 3600 {
        format!("{}h {:02}m", s / 3600, (s % 3600) / 60)
    } else if s >= 60 {
        format!("{}m {:02}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{HopKind, Role};
    use crate::probe::Detail;

    #[test]
    fn log_book_is_bounded_in_bytes_and_entries_are_shrunk() {
        let mut book = LogBook::default();
        let long = "é".repeat(30_000); // 60 KB, two bytes a character
        for n in 0..300 {
            let raw = format!(
                "[2026-12-03T10:00:00.000] [ERROR] [localhost] [doc{n}] [u] nodeJS - error downloadFile:url=http://s/{long};attempt=1;code:null"
            );
            book.push(crate::logs::Record::DocServer(
                crate::logs::docserver::DsEntry::parse(raw.as_bytes(), None),
            ));
        }
        assert_eq!(book.received, 300);
        assert!(book.bytes <= LOG_BOOK_BYTES, "{} bytes kept", book.bytes);
        let sum: usize = book.entries.iter().map(|r| r.footprint()).sum();
        assert_eq!(sum, book.bytes, "the byte count drifts from the entries");
        assert!(book.dropped > 0 && book.entries.len() as u64 + book.dropped == 300);
        let last = book.entries.back().expect("an entry");
        assert!(last.message().len() <= STORED_FIELD_BYTES);
        assert!(last.message().ends_with('…'));
        let crate::logs::Record::DocServer(e) = last else {
            panic!("kind")
        };
        assert!(e.truncated);
    }

    fn cfg() -> Arc<Config> {
        let c = crate::config::parse(
            "[[hop]]\nname = \"a\"\nkind = \"tcp\"\ntarget = \"127.0.0.1:1\"\n[[hop]]\nname = \"b\"\nkind = \"dns\"\ntarget = \"x\"\n",
            "t",
        )
        .expect("config");
        Arc::new(c)
    }

    fn res(name: &str, state: HopState) -> Update {
        Update::Probe(ProbeEvent::Result(Box::new(HopResult {
            name: name.into(),
            kind: HopKind::Tcp,
            role: Role::Other,
            target: "t".into(),
            state,
            latency_ms: Some(1.0),
            reason: "r".into(),
            detail: Detail::default(),
            at: Utc::now(),
        })))
    }

    /// A host snapshot, taken now, in which every part is unknown.
    fn empty_snapshot() -> crate::host::Snapshot {
        crate::host::Snapshot::unknown_for_tests()
    }

    #[test]
    fn transitions_make_timeline_and_incident() {
        let mut s = State::new(cfg(), "t".into());
        s.apply(Update::Probe(ProbeEvent::RoundStarted { seq: 1 }));
        assert!(s.hops.iter().all(|h| h.in_flight));
        s.apply(res("a", HopState::Ok));
        s.apply(res("b", HopState::Ok));
        s.apply(Update::Probe(ProbeEvent::RoundFinished { seq: 1 }));
        assert!(
            s.timeline.is_empty(),
            "first OK is not news: {:?}",
            s.timeline
        );
        assert!(!s.in_incident());
        s.apply(Update::Host(Box::new(empty_snapshot())));
        s.apply(res("a", HopState::Fail));
        s.apply(Update::Probe(ProbeEvent::RoundFinished { seq: 2 }));
        let hops: Vec<&Event> = s.timeline.iter().filter(|e| e.kind == "hop").collect();
        assert_eq!(hops.len(), 1, "{:?}", s.timeline);
        assert!(hops[0].text.contains("a OK → FAIL"), "{:?}", s.timeline);
        let announced = |s: &State| {
            s.timeline
                .iter()
                .filter(|e| e.kind == "finding" && e.text.contains("hop_failing"))
                .count()
        };
        // The host facts predate the change: the fallback finding is shown, not announced.
        assert_eq!(s.diagnosis.ids(), ["hop_failing"]);
        assert_eq!(announced(&s), 0, "provisional: {:?}", s.timeline);
        s.apply(Update::Host(Box::new(empty_snapshot())));
        assert_eq!(
            announced(&s),
            1,
            "final once fresh facts are in: {:?}",
            s.timeline
        );
        s.apply(Update::Probe(ProbeEvent::RoundFinished { seq: 2 }));
        assert_eq!(announced(&s), 1, "announced once: {:?}", s.timeline);
        assert!(s.in_incident());
        assert_eq!(s.worst(), HopState::Fail);
        s.apply(res("a", HopState::Ok));
        s.apply(Update::Probe(ProbeEvent::RoundFinished { seq: 3 }));
        assert!(!s.in_incident());
        assert!(s.recovered_at.is_some());
        assert!(s.timeline.iter().any(|e| e.text.contains("green again")));
        // Unknown hop names are ignored, not a panic.
        s.apply(res("zzz", HopState::Fail));
        assert_eq!(s.results().len(), 2);
    }

    #[test]
    fn timeline_texts_follow_the_language() {
        let _zh = crate::i18n::scoped(crate::i18n::Lang::ZhCn);
        let mut s = State::new(cfg(), "t".into());
        s.apply(res("a", HopState::Fail));
        s.apply(res("a", HopState::Ok));
        let texts: Vec<&str> = s.timeline.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(texts, ["a — → 故障: r", "a 故障 → 正常: r"]);
        let a = access::AccessSummary {
            window_minutes: 5,
            own_probes: 2,
            ..Default::default()
        };
        assert_eq!(
            a.line(),
            "访问日志：最近 5 分钟的 0 个请求中没有 502/503/504；本工具自身的 2 个探测请求未计入"
        );
    }

    fn has_chinese(t: &str) -> bool {
        t.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    #[test]
    fn the_journal_is_english_while_the_timeline_is_shown_in_chinese() {
        let _zh = crate::i18n::scoped(crate::i18n::Lang::ZhCn);
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("timeline.ndjson");
        let mut s = State::new(cfg(), "t".into());
        s.journal = Some(path.clone());
        s.apply(res("a", HopState::Ok));
        s.apply(res("b", HopState::Ok));
        s.apply(Update::Host(Box::new(empty_snapshot())));
        s.apply(res("a", HopState::Fail));
        s.apply(Update::Probe(ProbeEvent::RoundFinished { seq: 1 }));
        s.apply(Update::Host(Box::new(empty_snapshot())));
        s.apply(Update::note(NoteLevel::Warn, |l| {
            tr_in!(l, "engine-logs-unfollowed", error = "x")
        }));
        s.apply(res("a", HopState::Ok));
        s.apply(Update::Probe(ProbeEvent::RoundFinished { seq: 2 }));
        let shown: Vec<&str> = s.timeline.iter().map(|e| e.text.as_str()).collect();
        let journal = read_journal(&path, Utc::now() - chrono::Duration::hours(1));
        let kept: Vec<&str> = journal.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(shown.len(), kept.len(), "{shown:?} / {kept:?}");
        assert_eq!(kept[0], "a OK → FAIL: r");
        assert_eq!(shown[0], "a 正常 → 故障: r");
        assert_eq!(kept[1], "finding hop_failing: a fails: r");
        assert_eq!(shown[1], "发现 hop_failing：a 故障：r");
        assert_eq!(kept[2], "cannot follow the logs: x");
        assert_eq!(kept[3], "a FAIL → OK: r");
        assert!(
            kept[4].starts_with("all hops green again after "),
            "{kept:?}"
        );
        assert_eq!(kept[5], "finding hop_failing a cleared");
        for (k, (e, t)) in journal.iter().zip(&s.timeline).enumerate() {
            assert!(!has_chinese(&e.text), "journal line {k}: {:?}", e.text);
            assert!(has_chinese(&t.text), "timeline line {k}: {:?}", t.text);
            assert_eq!((e.at, &e.kind, e.level), (t.at, &t.kind, t.level));
        }
        // An action's outcome: the timeline's line in Chinese, the journal's in English.
        let o = crate::actions::ActionOutcome {
            capture: None,
            id: "restart:x".into(),
            status: crate::actions::RunStatus::Cancelled,
            exit_code: None,
            duration_ms: 0,
            argv: vec![],
            output_tail: vec![],
            verification: crate::actions::Verification::Fixed,
            audit: Err(String::new()),
        };
        s.apply(Update::from(&o));
        let last = s.timeline.back().expect("event");
        assert_eq!(last.text, "操作 restart:x：已取消；命令已被终止；已修复");
        let journal = read_journal(&path, Utc::now() - chrono::Duration::hours(1));
        assert_eq!(
            journal.last().map(|e| e.text.as_str()),
            Some("action restart:x: cancelled; the command was killed; fixed")
        );
    }

    #[test]
    fn timeline_is_bounded() {
        let mut s = State::new(cfg(), "t".into());
        for i in 0..(TIMELINE_LIMIT + 10) {
            s.apply(Update::Note {
                level: NoteLevel::Info,
                text: format!("n{i}"),
            });
        }
        assert_eq!(s.timeline.len(), TIMELINE_LIMIT);
        assert_eq!(s.timeline[0].text, "n10");
    }

    #[test]
    fn durations() {
        assert_eq!(human_duration(42), "42s");
        assert_eq!(human_duration(185), "3m 05s");
        assert_eq!(human_duration(3720), "1h 02m");
    }
}
