//! Diagnosis: one evidence snapshot (probe results, classified log entries of the last minutes,
//! host facts, the ONLYOFFICE integration report) → ranked findings, each with its evidence,
//! an explanation, next steps and the recovery action that would fix it. This module is the
//! only author of findings: the fact rooms (`probe/`, `host/`, `logs/`, `onlyoffice/`) gather,
//! the rules judge.
//!
//! Rules live in `rules/`, by layer, one function per finding id. They never fire without
//! evidence; what could not be checked is listed in [`Diagnosis::unchecked`], never taken as
//! healthy. [`settle`] then puts causes above their consequences (`CONSEQUENCES`), lets a
//! premise (`PREMISES`: no Document Server here) drop what it makes moot, and ranks: the
//! finding that explains the most red hops first, then severity, then confidence. An action is
//! kept only where it can work (a service some manager knows). [`walkthrough`] turns the same
//! snapshot into the runbook's steps.

mod rules;
mod walk;

pub use crate::verdict::Unchecked;

pub use walk::{Step, StepCheck, walkthrough};

use crate::config::{Config, Hop, Role};
use crate::host;
use crate::logs::{Class, Record};
use crate::probe::{HopResult, State};
use crate::tr;
use serde::Serialize;

/// Where a piece of evidence came from, and what it says.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Evidence {
    /// `probe:HOP`, `log:FILE:LINE`, `host:sockets`, `host:services`, `host:firewall`, ...
    pub source: String,
    /// The fact.
    pub fact: String,
}

impl Evidence {
    /// Whether this evidence is a current symptom (a probe, a service state, nginx -t) rather
    /// than history (log lines) or static context (configuration, sockets).
    pub fn is_symptom(&self) -> bool {
        !(self.source.starts_with("log")
            || self.source == "host:nginx"
            || self.source == "host:sockets")
    }
}

/// How sure a finding is.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// One weak signal.
    Low,
    /// Signals agree but one is missing.
    Medium,
    /// Independent signals agree.
    High,
}

/// The word for people, in the current language (`low`/`medium`/`high` in English; the
/// JSON outputs use the serialized names).
impl std::fmt::Display for Confidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use Confidence as C;
        f.write_str(&match self {
            C::Low => tr!("diag-confidence-low"),
            C::Medium => tr!("diag-confidence-medium"),
            C::High => tr!("diag-confidence-high"),
        })
    }
}

/// A root cause with its evidence.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Finding {
    /// Stable id (`service_down`, `firewall_drop`, ...).
    pub id: &'static str,
    /// One line.
    pub title: String,
    /// FAIL (users are affected) or WARN.
    pub severity: State,
    /// How sure.
    pub confidence: Confidence,
    /// The facts, each with its source.
    pub evidence: Vec<Evidence>,
    /// Why this explains the symptoms.
    pub explanation: String,
    /// What to do next.
    pub next_steps: Vec<String>,
    /// The recovery action that would fix it (`restart:ds-docservice`, `reload:nginx`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Hops whose red state this finding explains.
    pub explains: Vec<String>,
}

impl Finding {
    /// The finding's body as plain text, one line per element: each piece of evidence with
    /// its source, why, each next step, the recovery action. `clean` is applied to every
    /// element (the report's one-line sanitiser, or none), so no element can add a line.
    /// The check text and the console's details both use it (as `Step::to_text`).
    pub fn to_text(&self, indent: &str, clean: impl Fn(&str) -> String) -> String {
        let mut t = String::new();
        for e in &self.evidence {
            t.push_str(&format!(
                "{indent}· [{}] {}\n",
                clean(&e.source),
                clean(&e.fact)
            ));
        }
        let why = tr!("diag-text-why", text = clean(&self.explanation));
        t.push_str(&format!("{indent}{why}\n"));
        for n in &self.next_steps {
            let next = tr!("diag-text-next", text = clean(n));
            t.push_str(&format!("{indent}{next}\n"));
        }
        if let Some(a) = &self.action {
            let action = tr!("diag-text-action", action = clean(a));
            t.push_str(&format!("{indent}{action}\n"));
        }
        t
    }
}

/// The result of a diagnosis.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Diagnosis {
    /// Ranked findings, most explanatory first.
    pub findings: Vec<Finding>,
    /// Nothing red, nothing found.
    pub all_clear: bool,
    /// What could not be checked.
    pub unchecked: Vec<Unchecked>,
}

/// Findings that say the configured chain is not on this box. While one holds, the chain's
/// red hops are no outage: the findings that explain only those hops are moot and dropped, the
/// premise ranks first, and the verdict is UNKNOWN ([`Diagnosis::premise`]).
pub const PREMISES: &[&str] = &["docserver_not_found"];

impl Diagnosis {
    /// The premise finding that holds, if any (see [`PREMISES`]): the round's verdict is then
    /// UNKNOWN whatever the hops say.
    pub fn premise(&self) -> Option<&Finding> {
        self.findings.iter().find(|f| PREMISES.contains(&f.id))
    }

    /// The worst severity of the findings (OK when none).
    pub fn worst(&self) -> State {
        self.findings
            .iter()
            .map(|f| f.severity)
            .max()
            .unwrap_or(State::Ok)
    }

    /// Ids of the findings, in rank order.
    pub fn ids(&self) -> Vec<&'static str> {
        self.findings.iter().map(|f| f.id).collect()
    }
}

/// The host facts the rules read; each part absent when not collected or unknown (the reason is
/// then in `unknown`).
#[derive(Debug, Default, Clone, Copy)]
pub struct HostView<'a> {
    /// Listening sockets.
    pub sockets: Option<&'a host::Sockets>,
    /// Service states.
    pub services: Option<&'a [host::services::ServiceStatus]>,
    /// nginx configuration facts.
    pub nginx: Option<&'a host::nginx::NginxFacts>,
    /// nginx proxy targets mapped onto the sockets.
    pub targets: Option<&'a [host::nginx::TargetMapping]>,
    /// Firewall rules touching the chain's ports.
    pub firewall: Option<&'a host::firewall::Firewall>,
    /// SELinux mode and boolean.
    pub selinux: Option<&'a host::selinux::Selinux>,
    /// Memory and pressure.
    pub memory: Option<&'a host::process::Memory>,
    /// OOM kills.
    pub oom: Option<&'a host::process::OomReport>,
    /// Processes of the chain.
    pub processes: Option<&'a host::process::Processes>,
    /// Filesystems of the Document Server's cache, logs and /tmp.
    pub disk: Option<&'a host::disk::Disks>,
    /// Packet captures of hops (`capture:HOP`), latest per hop: evidence for the findings
    /// about those hops.
    pub captures: &'a [crate::probe::capture::CaptureSummary],
}

impl<'a> HostView<'a> {
    /// The known parts of a snapshot, and an [`Unchecked`] for every unknown part.
    pub fn from_snapshot(s: &'a host::Snapshot) -> (HostView<'a>, Vec<Unchecked>) {
        let mut unknown = Vec::new();
        let mut note = |what: &str, r: Option<String>| {
            if let Some(why) = r {
                unknown.push(Unchecked {
                    what: format!("host:{what}"),
                    why,
                });
            }
        };
        note("sockets", s.sockets.unknown_reason());
        note("services", s.services.unknown_reason());
        note("firewall", s.firewall.unknown_reason());
        note("selinux", s.selinux.unknown_reason());
        note("nginx", s.nginx.unknown_reason());
        note("memory", s.memory.unknown_reason());
        note("oom", s.oom.unknown_reason());
        note("processes", s.processes.unknown_reason());
        note("disk", s.disk.unknown_reason());
        for u in s
            .disk
            .value()
            .map(|d| d.unreadable.as_slice())
            .unwrap_or_default()
        {
            unknown.push(Unchecked {
                what: format!("host:disk {}", u.watched.path.display()),
                why: format!("{}: {}", u.watched.text(), u.reason),
            });
        }
        if let Some(host::nginx::NginxTest::NotRun { reason }) = s.nginx.value().map(|n| &n.test) {
            unknown.push(Unchecked {
                what: "host:nginx -t".into(),
                why: reason.clone(),
            });
        }
        if let Some(ss) = s.services.value() {
            for x in ss
                .iter()
                .filter(|x| x.state == host::services::ServiceState::Unknown)
            {
                unknown.push(Unchecked {
                    what: format!("host:service {}", x.name),
                    why: match &x.hint {
                        Some(h) => crate::tr!("host-unknown-hint", reason = x.detail, hint = h),
                        None => x.detail.clone(),
                    },
                });
            }
        }
        (
            HostView {
                sockets: s.sockets.value(),
                services: s.services.value().map(Vec::as_slice),
                nginx: s.nginx.value(),
                targets: s.targets.value().map(Vec::as_slice),
                firewall: s.firewall.value(),
                selinux: s.selinux.value(),
                memory: s.memory.value(),
                oom: s.oom.value(),
                processes: s.processes.value(),
                disk: s.disk.value(),
                captures: &[],
            },
            unknown,
        )
    }
}

/// How long a class of log entries must have been silent while other upstream failures went
/// on before it counts as superseded ([`Ctx::log_superseded`]).
pub const SUPERSEDED_AFTER_SECS: i64 = 30;

/// Everything one diagnosis reads.
pub struct Input<'a> {
    /// The configuration (hops, services).
    pub cfg: &'a Config,
    /// Latest probe results.
    pub hops: &'a [HopResult],
    /// Classified log entries of the recent window (borrowed from the log book, not copied).
    pub logs: LogView<'a>,
    /// Host facts.
    pub host: HostView<'a>,
    /// The ONLYOFFICE integration report (both JWT sides, the command service probed with
    /// each secret, storage, headers), when one was collected.
    pub integration: Option<&'a crate::onlyoffice::IntegrationReport>,
    /// What could not be read (logs, host parts), with why.
    pub unknown: Vec<Unchecked>,
}

/// The log entries a diagnosis reads, borrowed where they are kept: the log book's ring (two
/// slices) and the start of the window. Building one copies nothing, whatever the entries'
/// size (each diagnosis used to clone every recent entry).
#[derive(Debug, Clone, Copy, Default)]
pub struct LogView<'a> {
    parts: [&'a [Record]; 2],
    cutoff: Option<chrono::NaiveDateTime>,
    access: Option<&'a crate::engine::access::AccessSummary>,
}

impl<'a> LogView<'a> {
    /// Every entry of a slice.
    pub fn new(entries: &'a [Record]) -> Self {
        LogView {
            parts: [entries, &[]],
            cutoff: None,
            access: None,
        }
    }

    /// The entries of a ring logged at or after `cutoff` (entries without a time count as
    /// recent).
    pub fn since(
        entries: &'a std::collections::VecDeque<Record>,
        cutoff: chrono::NaiveDateTime,
    ) -> Self {
        let (a, b) = entries.as_slices();
        LogView {
            parts: [a, b],
            cutoff: Some(cutoff),
            access: None,
        }
    }

    /// The same entries with what clients got over the window, from the access logs.
    pub fn with_access(self, access: Option<&'a crate::engine::access::AccessSummary>) -> Self {
        LogView { access, ..self }
    }

    /// What clients got over the window, from the access logs (when configured and read).
    pub fn access(&self) -> Option<&'a crate::engine::access::AccessSummary> {
        self.access
    }

    /// The entries in the view, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &'a Record> + 'a {
        let cutoff = self.cutoff;
        let [a, b] = self.parts;
        a.iter()
            .chain(b.iter())
            .filter(move |r| match (cutoff, r.time()) {
                (Some(c), Some(t)) => t >= c,
                _ => true,
            })
    }
}

/// Precomputed lookups shared by the rules.
pub(crate) struct Ctx<'a> {
    pub input: &'a Input<'a>,
}

impl<'a> Ctx<'a> {
    pub fn hop_cfg(&self, name: &str) -> Option<&'a Hop> {
        self.input.cfg.hops.iter().find(|h| h.name == name)
    }

    /// Results of hops with a role.
    pub fn by_role(&self, role: Role) -> impl Iterator<Item = &'a HopResult> + 'a {
        self.input.hops.iter().filter(move |h| h.role == role)
    }

    /// Results of the hops that satisfy `pred`, in chain order.
    pub fn hops_where(&self, pred: impl Fn(&HopResult) -> bool) -> Vec<&'a HopResult> {
        self.input.hops.iter().filter(|h| pred(h)).collect()
    }

    /// The red (FAIL) hops.
    pub fn red(&self) -> impl Iterator<Item = &'a HopResult> + 'a {
        self.input.hops.iter().filter(|h| h.state == State::Fail)
    }

    /// Count of log entries of any of these classes.
    pub fn log_count(&self, classes: &[Class]) -> usize {
        self.input
            .logs
            .iter()
            .filter(|r| classes.contains(&r.class()))
            .count()
    }

    /// Whether these classes' entries stopped while other upstream failures (classes whose
    /// client gets 502/504) went on: the newest entry of another such class is more than
    /// [`SUPERSEDED_AFTER_SECS`] newer than the newest of these. Such entries are history: a
    /// failure that followed and now answers the clients' requests differently took over
    /// (a buffer problem, fixed, then the service went down). Unknown times never supersede.
    pub fn log_superseded(&self, classes: &[Class]) -> bool {
        let newest = |pred: &dyn Fn(Class) -> bool| {
            self.input
                .logs
                .iter()
                .filter(|r| pred(r.class()))
                .filter_map(Record::time)
                .max()
        };
        let Some(ours) = newest(&|c| classes.contains(&c)) else {
            return false;
        };
        let others = newest(&|c| !classes.contains(&c) && matches!(c.client_gets(), "502" | "504"));
        others.is_some_and(|t| (t - ours).num_seconds() > SUPERSEDED_AFTER_SECS)
    }

    /// When the Document Server last started (the newest `ds_started` entry in the window):
    /// its log lines from before are history, whatever they say.
    pub fn ds_started_at(&self) -> Option<chrono::NaiveDateTime> {
        self.input
            .logs
            .iter()
            .filter(|r| r.class() == Class::DsStarted)
            .filter_map(Record::time)
            .max()
    }

    /// The Document Server's entries of these classes logged after its last start (all of the
    /// window when no start was logged; entries without a time count only when no start was
    /// logged either).
    pub fn ds_entries_since_start(&self, classes: &[Class]) -> Vec<&'a Record> {
        let since = self.ds_started_at();
        self.input
            .logs
            .iter()
            .filter(|r| classes.contains(&r.class()))
            .filter(|r| match (since, r.time()) {
                (None, _) => true,
                (Some(s), Some(t)) => t > s,
                (Some(_), None) => false,
            })
            .collect()
    }

    /// Evidence lines for log entries of these classes: a count and the latest example.
    pub fn log_evidence(&self, classes: &[Class]) -> Option<Evidence> {
        let hits: Vec<&Record> = self
            .input
            .logs
            .iter()
            .filter(|r| classes.contains(&r.class()))
            .collect();
        Self::evidence_of(&hits)
    }

    /// Evidence for these entries: a count and the latest example, with its file and line.
    pub fn evidence_of(hits: &[&Record]) -> Option<Evidence> {
        let last = hits.last()?;
        let (file, line) = match last {
            Record::Nginx(e) => (e.file.clone(), e.line),
            Record::DocServer(e) => (e.file.clone(), e.line),
        };
        let source = match (file, line) {
            (Some(f), Some(l)) => format!("log:{f}:{l}"),
            (Some(f), None) => format!("log:{f}"),
            _ => "log".into(),
        };
        let (count, class) = (hits.len(), last.class().id());
        let latest = crate::util::shorten(last.message(), 160);
        Some(Evidence {
            source,
            fact: if count == 1 {
                tr!("diag-ev-log-one", class = class, latest = latest)
            } else {
                tr!(
                    "diag-ev-log-many",
                    count = count,
                    class = class,
                    latest = latest
                )
            },
        })
    }

    /// The service status of a service name, when known.
    pub fn service(&self, name: &str) -> Option<&'a host::services::ServiceStatus> {
        self.input.host.services?.iter().find(|s| s.name == name)
    }

    /// Listeners on a TCP port (None: sockets unknown).
    pub fn listeners_on(&self, port: u16) -> Option<Vec<&'a host::Listener>> {
        let s = self.input.host.sockets?;
        Some(
            s.listeners
                .iter()
                .filter(|l| l.port == port && l.proto == host::Proto::Tcp)
                .collect(),
        )
    }
}

/// Evidence from a probe result.
pub(crate) fn probe_evidence(h: &HopResult) -> Evidence {
    Evidence {
        source: format!("probe:{}", h.name),
        fact: format!(
            "{} {} {} — {}",
            h.state.symbol(),
            crate::i18n::state_word(h.state),
            h.target,
            h.reason
        ),
    }
}

/// The verdict on the host's memory (what `memory_pressure` and the console's ports pane
/// show): FAIL under 5 % available, WARN under 15 % or when tasks stalled on memory more than
/// 40 % of the last 10 s (PSI some avg10), else OK.
pub fn memory_verdict(m: &host::process::Memory) -> State {
    if m.total_bytes == 0 {
        return State::Unknown;
    }
    let pct = m.available_bytes as f64 * 100.0 / m.total_bytes as f64;
    let psi = m.psi_some.as_ref().map(|p| p.avg10).unwrap_or(0.0);
    if pct < 5.0 {
        State::Fail
    } else if pct < 15.0 || psi > 40.0 {
        State::Warn
    } else {
        State::Ok
    }
}

/// Used space (or inodes) at or above which a filesystem is full: `disk_full` fires and the
/// ports pane shows FAIL.
pub const DISK_FULL_PERCENT: f64 = 95.0;

/// The verdict on one filesystem (what `disk_full` and the console's ports pane show): FAIL
/// at [`DISK_FULL_PERCENT`] % used space or inodes, or with no space left at all; WARN from
/// 90 %; else OK.
pub fn disk_verdict(fs: &host::disk::Filesystem) -> State {
    let worst = fs.used_percent.max(fs.inodes_used_percent().unwrap_or(0.0));
    if worst >= DISK_FULL_PERCENT || (fs.total_bytes > 0 && fs.avail_bytes == 0) {
        State::Fail
    } else if worst >= 90.0 {
        State::Warn
    } else {
        State::Ok
    }
}

/// Run every rule and rank the findings.
pub fn diagnose(input: &Input<'_>) -> Diagnosis {
    let ctx = Ctx { input };
    let mut findings: Vec<Finding> = rules::ALL
        .iter()
        .filter_map(|r| r(&ctx))
        .filter(|f| rules::is_current(&ctx, f))
        .chain(rules::INTEGRATION.iter().filter_map(|r| r(&ctx)))
        .chain(rules::DELIVERY.iter().filter_map(|r| r(&ctx)))
        .collect();
    // Red hops no rule explains still get a finding: nothing red goes unexplained.
    let explained: std::collections::HashSet<&str> = findings
        .iter()
        .flat_map(|f| f.explains.iter().map(String::as_str))
        .collect();
    let orphans: Vec<&HopResult> = ctx
        .red()
        .filter(|h| !explained.contains(h.name.as_str()))
        .collect();
    for h in orphans {
        findings.push(Finding {
            id: "hop_failing",
            title: tr!("finding-hop_failing-title", hop = h.name, reason = h.reason),
            severity: State::Fail,
            confidence: Confidence::Low,
            evidence: vec![probe_evidence(h)],
            explanation: tr!("finding-hop_failing-why"),
            next_steps: vec![tr!("finding-hop_failing-next", hop = h.name)],
            action: None,
            explains: vec![h.name.clone()],
        });
    }
    attach_captures(&mut findings, input.host.captures);
    drop_impossible_actions(&mut findings, input.host.services);
    settle(&mut findings, input.hops);
    let any_bad = input.hops.iter().any(|h| h.state != State::Ok);
    let mut unchecked = input.unknown.clone();
    for u in input.integration.iter().flat_map(|r| &r.unknown) {
        if !unchecked.contains(u) {
            unchecked.push(u.clone());
        }
    }
    Diagnosis {
        all_clear: findings.is_empty() && !any_bad && !input.hops.is_empty(),
        findings,
        unchecked,
    }
}

/// A packet capture of a hop is evidence on every finding that explains that hop (or cites
/// its probe): what the packets showed, and when.
fn attach_captures(findings: &mut [Finding], captures: &[crate::probe::capture::CaptureSummary]) {
    for c in captures {
        let probe = format!("probe:{}", c.hop);
        for f in findings.iter_mut() {
            if f.explains.contains(&c.hop) || f.evidence.iter().any(|e| e.source == probe) {
                f.evidence.push(Evidence {
                    source: format!("capture:{}", c.hop),
                    fact: tr!(
                        "diag-ev-capture",
                        verdict = c.verdict,
                        at = c.at.format("%H:%M:%S UTC")
                    ),
                });
            }
        }
    }
}

/// A finding that, while present, is the cause of another: the consequence is a symptom.
struct Consequence {
    cause: &'static str,
    consequence: &'static str,
    /// The catalogue text of what the consequence's first next step says instead of its
    /// action.
    first: fn() -> String,
}

/// Causes and their consequences. While both hold, the cause also explains the consequence's
/// hops (so it ranks above it), and the consequence offers no action: it would fail until the
/// cause is fixed (a restart of nginx fails while its configuration fails `nginx -t`).
const CONSEQUENCES: &[Consequence] = &[
    Consequence {
        cause: "proxy_config_invalid",
        consequence: "proxy_down",
        first: || tr!("diag-first-proxy_config_invalid-proxy_down"),
    },
    Consequence {
        cause: "ds_config_invalid",
        consequence: "service_crash_loop",
        first: || tr!("diag-first-ds_config_invalid-service_crash_loop"),
    },
    Consequence {
        cause: "ds_config_invalid",
        consequence: "service_down",
        first: || tr!("diag-first-ds_config_invalid-service_down"),
    },
    Consequence {
        cause: "port_taken",
        consequence: "service_crash_loop",
        first: || tr!("diag-first-port_taken-service_crash_loop"),
    },
    Consequence {
        cause: "port_taken",
        consequence: "service_down",
        first: || tr!("diag-first-port_taken-service_down"),
    },
    Consequence {
        cause: "service_crash_loop",
        consequence: "service_down",
        first: || tr!("diag-first-service_crash_loop-service_down"),
    },
    Consequence {
        cause: "database_error",
        consequence: "dependency_down",
        first: || tr!("diag-first-database_error-dependency_down"),
    },
];

/// The last steps of every diagnosis, also after findings from elsewhere were added (the
/// integration checks): causes over their consequences, premises over what they make moot,
/// then [`rank`]. Idempotent.
pub fn settle(findings: &mut Vec<Finding>, hops: &[HopResult]) {
    apply_consequences(findings);
    if let Some(p) = findings.iter().find(|f| PREMISES.contains(&f.id)) {
        let moot: std::collections::HashSet<String> = p.explains.iter().cloned().collect();
        findings.retain(|f| {
            PREMISES.contains(&f.id)
                || f.explains.is_empty()
                || !f.explains.iter().all(|h| moot.contains(h))
        });
    }
    rank(findings, hops);
}

fn apply_consequences(findings: &mut [Finding]) {
    for c in CONSEQUENCES {
        let (Some(ci), Some(qi)) = (
            findings.iter().position(|f| f.id == c.cause),
            findings.iter().position(|f| f.id == c.consequence),
        ) else {
            continue;
        };
        let theirs = findings[qi].explains.clone();
        let q = &mut findings[qi];
        q.action = None;
        let first = (c.first)();
        if q.next_steps.first() != Some(&first) {
            q.next_steps.insert(0, first);
        }
        let cause = &mut findings[ci];
        for h in theirs {
            if !cause.explains.contains(&h) {
                cause.explains.push(h);
            }
        }
    }
}

/// Offer a service action only where it can work: `restart:S`/`start:S` needs a service
/// manager that knows S. When the host's service facts say none does (not for lack of
/// permission: the runner then says "needs root"), the action is dropped and the finding
/// says which managers were asked.
fn drop_impossible_actions(
    findings: &mut [Finding],
    services: Option<&[host::services::ServiceStatus]>,
) {
    let Some(ss) = services else {
        return;
    };
    for f in findings {
        let Some((verb, name)) = f.action.as_deref().and_then(|a| a.split_once(':')) else {
            continue;
        };
        if !matches!(verb, "restart" | "start") {
            continue;
        }
        let Some(s) = ss.iter().find(|s| s.name == name) else {
            continue;
        };
        if s.backend == host::services::Answered::None
            && !host::cmd::looks_like_permission(&s.detail)
        {
            f.next_steps.push(tr!(
                "diag-no-action",
                verb = verb,
                name = name,
                detail = s.detail
            ));
            f.action = None;
        }
    }
}

/// The findings of an integration report alone (no hops, no logs, no host facts): what the
/// integration checks find by themselves.
pub fn integration_findings(report: &crate::onlyoffice::IntegrationReport) -> Vec<Finding> {
    let cfg = Config::default();
    let input = Input {
        cfg: &cfg,
        hops: &[],
        logs: LogView::default(),
        host: HostView::default(),
        integration: Some(report),
        unknown: Vec::new(),
    };
    let ctx = Ctx { input: &input };
    rules::INTEGRATION
        .iter()
        .chain(rules::DELIVERY)
        .filter_map(|r| r(&ctx))
        .collect()
}

/// The walkthrough checks of an integration report (its "integration and auth" step).
pub fn integration_checks(report: &crate::onlyoffice::IntegrationReport) -> Vec<StepCheck> {
    rules::integration_checks(report)
}

/// Order findings: the one that explains the most red hops first, then severity, then
/// confidence (ties by id, so the order is stable); a cause always before its consequence.
pub fn rank(findings: &mut [Finding], hops: &[HopResult]) {
    let red: std::collections::HashSet<&str> = hops
        .iter()
        .filter(|h| h.state == State::Fail)
        .map(|h| h.name.as_str())
        .collect();
    let score = |f: &Finding| {
        f.explains
            .iter()
            .filter(|e| red.contains(e.as_str()))
            .count()
    };
    findings.sort_by(|a, b| {
        let premise = |f: &Finding| PREMISES.contains(&f.id);
        premise(b)
            .cmp(&premise(a))
            .then(score(b).cmp(&score(a)))
            .then(b.severity.cmp(&a.severity))
            .then(b.confidence.cmp(&a.confidence))
            .then(a.id.cmp(b.id))
    });
    for c in CONSEQUENCES {
        if let (Some(ci), Some(qi)) = (
            findings.iter().position(|f| f.id == c.cause),
            findings.iter().position(|f| f.id == c.consequence),
        ) && qi < ci
        {
            findings[qi..=ci].rotate_right(1);
        }
    }
}

#[cfg(test)]
pub(crate) mod test_support;
#[cfg(test)]
mod tests;
