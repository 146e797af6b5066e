//! Output of a state: `check` as text (a table with a symbol and a word per state), as a stable
//! JSON object, and as one Nagios status line with perfdata.
//!
//! The JSON schema (version 1) is documented in the README; tests and monitoring rely on it.
//!
//! Every output leaves through [`crate::sanitize`]: values that come from outside (hop
//! reasons, evidence, log text, timeline entries) through `field` (one line each: a `\n`
//! inside is shown as `\n`), each whole text through `text`, JSON through `json_pretty`; all
//! of them mask every known secret and every JWT. The state's secrets (config, the Document
//! Server's and the integrator's files, the container's environment) are learned first.

pub mod host;
pub mod review;

use crate::engine::State;
use crate::probe::{HopResult, State as HopState};
use crate::sanitize::field;
use serde::Serialize;

/// The `check --format json` object.
#[derive(Debug, Serialize)]
pub struct CheckJson<'a> {
    /// Schema version.
    pub schema: u32,
    /// The version of triage502 that wrote it (`fleet` shows it and needs it).
    pub version: &'static str,
    /// Host name of this box.
    pub host: String,
    /// Profile name.
    pub profile: &'a str,
    /// Where the config came from.
    pub config: &'a str,
    /// When the round finished (RFC 3339).
    pub at: String,
    /// Worst state.
    pub state: HopState,
    /// Nagios exit code.
    pub exit_code: i32,
    /// Hops in chain order.
    pub hops: Vec<HopResult>,
    /// Findings, ranked: the most explanatory first.
    pub findings: &'a [crate::diagnose::Finding],
    /// No red hop and no finding.
    pub all_clear: bool,
    /// What could not be checked, with why.
    pub unchecked: &'a [crate::diagnose::Unchecked],
    /// What clients got over the last minutes, from the access logs (when configured).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access: Option<&'a crate::engine::access::AccessSummary>,
    /// The layered walkthrough, as the console's Walkthrough tab shows it.
    pub walkthrough: &'a [crate::diagnose::Step],
}

/// The version of triage502 in its JSON.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// This box's host name.
pub fn host_name() -> String {
    hostname::get()
        .ok()
        .and_then(|h| h.into_string().ok())
        .unwrap_or_else(|| "unknown-host".into())
}

/// The overall state of a round (worst of hops and findings); its Nagios code is the exit code.
pub fn overall(state: &State) -> HopState {
    state.overall()
}

/// Teach the redactor every secret of this state: the config's, those of the files it names,
/// and both sides' as the round read them (the container's `JWT_SECRET`, `occ`).
fn learn_secrets(state: &State) {
    crate::actions::redact::learn_config(&state.cfg);
    if let Some(i) = &state.integration {
        for s in [&i.docserver.secret, &i.integrator.secret]
            .into_iter()
            .flatten()
        {
            crate::actions::redact::learn(s);
        }
    }
}

/// `check --format json`: the [`check_json`] object, redacted and escaped, with a newline.
pub fn check_json_text(state: &State) -> String {
    learn_secrets(state);
    let mut s = crate::sanitize::json_pretty(&check_json(state));
    s.push('\n');
    s
}

/// Build the JSON object (serialize it with [`check_json_text`], which redacts).
pub fn check_json(state: &State) -> CheckJson<'_> {
    let overall = overall(state);
    CheckJson {
        schema: 1,
        version: VERSION,
        host: host_name(),
        profile: &state.cfg.profile,
        config: &state.source,
        at: chrono::Utc::now().to_rfc3339(),
        state: overall,
        exit_code: overall.nagios_code(),
        hops: state.results(),
        findings: &state.diagnosis.findings,
        all_clear: state.diagnosis.all_clear,
        unchecked: &state.diagnosis.unchecked,
        access: state.access.as_ref(),
        walkthrough: state.walkthrough(),
    }
}

fn latency(r: &HopResult) -> String {
    match r.latency_ms {
        Some(ms) if ms >= 1000.0 => format!("{:.1} s", ms / 1000.0),
        Some(ms) => format!("{ms:.0} ms"),
        None => "—".into(),
    }
}

/// The text table.
pub fn check_text(state: &State) -> String {
    learn_secrets(state);
    let results = state.results();
    let name_w = results
        .iter()
        .map(|r| r.name.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    let kind_w = results
        .iter()
        .map(|r| r.kind.as_str().len())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut out = String::new();
    let overall = overall(state);
    out.push_str(&format!(
        "triage502 check on {} — {} ({}) — {} {}\n\n",
        host_name(),
        state.cfg.profile,
        state.source,
        overall.symbol(),
        overall.word()
    ));
    out.push_str(&format!(
        "  {:<9} {:<name_w$}  {:<kind_w$}  {:>8}  {}\n",
        "STATE", "HOP", "KIND", "TIME", "REASON"
    ));
    for r in &results {
        out.push_str(&format!(
            "{} {:<7} {:<name_w$}  {:<kind_w$}  {:>8}  {}\n",
            r.state.symbol(),
            r.state.word(),
            field(&r.name),
            r.kind.as_str(),
            latency(r),
            field(&r.reason)
        ));
    }
    if results.is_empty() {
        out.push_str("  (no hops configured: add [[hop]] sections to the config)\n");
    }
    if let Some(a) = &state.access {
        out.push_str(&format!("\n{}\n", field(&a.line())));
    }
    out.push('\n');
    out.push_str(&findings_text(state));
    out.push_str("\nWalkthrough\n");
    for (i, step) in state.walkthrough().iter().enumerate() {
        out.push_str(&format!("{}. {}", i + 1, step_text(step, "     ")));
    }
    crate::sanitize::text(&out)
}

/// A walkthrough step as [`crate::diagnose::Step::to_text`] writes it, each value on its
/// own line whatever it holds.
fn step_text(s: &crate::diagnose::Step, indent: &str) -> String {
    let mut t = format!(
        "{} {} {}\n",
        s.verdict.symbol(),
        s.verdict.word(),
        field(s.title)
    );
    for c in &s.checks {
        t.push_str(&format!(
            "{indent}{} {:<7} {} — {}\n",
            c.state.symbol(),
            c.state.word(),
            field(&c.label),
            field(&c.evidence)
        ));
    }
    t.push_str(&format!("{indent}→ {}\n", field(&s.next)));
    t
}

/// The ranked findings (or "all clear") and what could not be checked, as text.
pub fn findings_text(state: &State) -> String {
    learn_secrets(state);
    let d = &state.diagnosis;
    let mut out = String::new();
    if d.all_clear {
        out.push_str("✔ All clear: every hop answers and no root cause was found.\n");
    } else if d.findings.is_empty() {
        out.push_str("? No finding yet.\n");
    } else {
        out.push_str("Findings (most explanatory first)\n");
    }
    for (i, f) in d.findings.iter().enumerate() {
        out.push_str(&format!(
            "{}. {} {} {} [{} confidence] — {}\n",
            i + 1,
            f.severity.symbol(),
            f.severity.word(),
            f.id,
            f.confidence,
            field(&f.title)
        ));
        out.push_str(&f.to_text("     ", field));
    }
    for u in &d.unchecked {
        out.push_str(&format!(
            "? UNKNOWN could not check {}: {}\n",
            field(&u.what),
            field(&u.why)
        ));
    }
    crate::sanitize::text(&out)
}

/// One Nagios status line with perfdata.
pub fn check_nagios(state: &State) -> String {
    learn_secrets(state);
    let results = state.results();
    let overall = overall(state);
    let failing: Vec<String> = results
        .iter()
        .filter(|r| r.state != HopState::Ok)
        .map(|r| format!("{} {}: {}", r.name, r.state.word(), r.reason))
        .collect();
    let mut summary = if failing.is_empty() {
        format!("all {} hops OK", results.len())
    } else {
        failing.join("; ")
    };
    // The top finding first: what a monitoring screen shows is the cause, then the hops.
    if let Some(f) = state.diagnosis.findings.first() {
        summary = format!("{}: {} — {summary}", f.id, f.title);
    }
    let perf: Vec<String> = results
        .iter()
        .map(|r| {
            let timeout = state
                .cfg
                .hops
                .iter()
                .find(|h| h.name == r.name)
                .map(|h| state.cfg.hop_timeout(h).as_secs_f64())
                .unwrap_or(0.0);
            let v = r
                .latency_ms
                .map(|m| format!("{:.4}", m / 1000.0))
                .unwrap_or_default();
            format!("'{}'={v}s;;{timeout:.1};0", perf_label(&r.name))
        })
        .collect();
    // One line, whatever the reasons hold.
    field(&format!(
        "TRIAGE502 {} - {} | {}",
        overall.nagios_word(),
        summary.replace('|', "/"),
        perf.join(" ")
    ))
}

fn perf_label(s: &str) -> String {
    s.chars()
        .map(|c| if c == '\'' || c == '=' { '_' } else { c })
        .collect()
}

/// The `report --format json` object: the check object plus the timeline.
#[derive(Debug, Serialize)]
pub struct ReportJson<'a> {
    /// Everything `check --format json` has.
    #[serde(flatten)]
    pub check: CheckJson<'a>,
    /// When the first hop turned red (RFC 3339), if it did.
    pub incident_start: Option<String>,
    /// When everything turned green again.
    pub recovered_at: Option<String>,
    /// The incident's phases against the runbook's targets (first finding ≤ 5 min, first
    /// successful recovery action ≤ 15 min, all green).
    pub phases: Option<crate::engine::phases::Phases>,
    /// Timestamped events.
    pub timeline: Vec<&'a crate::engine::Event>,
    /// Host facts of this round.
    pub host: Option<&'a crate::host::Snapshot>,
    /// ONLYOFFICE integration checks of this round.
    pub integration: Option<&'a crate::onlyoffice::IntegrationReport>,
    /// What clients got, from the access logs.
    pub access: Option<&'a crate::engine::access::AccessSummary>,
    /// The readiness review (`triage502 report` adds it; the console's report does not).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review: Option<&'a [crate::review::Item]>,
}

/// The incident report as JSON.
pub fn report_json(state: &State) -> String {
    report_json_with(state, None)
}

/// [`report_json`] with the readiness review's items.
pub fn report_json_with(state: &State, review: Option<&[crate::review::Item]>) -> String {
    learn_secrets(state);
    let r = ReportJson {
        check: check_json(state),
        incident_start: state.incident_start.map(|t| t.to_rfc3339()),
        recovered_at: state.recovered_at.map(|t| t.to_rfc3339()),
        phases: crate::engine::phases::phases(state),
        timeline: state.timeline.iter().collect(),
        host: state.host.as_deref(),
        integration: state.integration.as_deref(),
        access: state.access.as_ref(),
        review,
    };
    let mut s = crate::sanitize::json_pretty(&r);
    s.push('\n');
    s
}

/// A value in a Markdown line or table cell: on one line (see [`field`]), `|` escaped.
fn md_cell(s: &str) -> String {
    field(s).replace('|', "\\|")
}

/// `text` in a fenced block whose fence is longer than any run of backticks inside it.
fn md_block(text: &str) -> String {
    let mut fence = "```".to_string();
    while text.contains(fence.as_str()) {
        fence.push('`');
    }
    format!("{fence}\n{text}{fence}\n")
}

/// The incident's phases as a Markdown table, each against the runbook's target.
fn phases_md(p: &crate::engine::phases::Phases) -> String {
    use crate::engine::phases::Phase;
    let mut out = String::from(
        "\n## Incident phases\n\n| Phase | At | After the first red hop | Runbook target |\n|---|---|---|---|\n",
    );
    out.push_str(&format!(
        "| first red hop | {} | — | — |\n",
        p.started.to_rfc3339()
    ));
    let row = |name: &str, ph: &Option<Phase>, target: &str| match ph {
        Some(ph) => format!(
            "| {name} | {} | {} | {target}{} |\n",
            ph.at.to_rfc3339(),
            crate::engine::human_duration(ph.after_s),
            match ph.met() {
                Some(true) => " — ✔ met",
                Some(false) => " — ✖ missed",
                None => "",
            }
        ),
        None => format!("| {name} | not reached | — | {target} |\n"),
    };
    out.push_str(&row("first finding", &p.first_finding, "≤ 5 min"));
    out.push_str(&row(
        "first successful recovery action",
        &p.first_recovery,
        "≤ 15 min",
    ));
    out.push_str(&row("all green", &p.all_green, "—"));
    out
}

/// The incident report as Markdown.
pub fn report_md(state: &State) -> String {
    learn_secrets(state);
    let overall = overall(state);
    let mut out = String::new();
    out.push_str(&format!("# Incident report — {}\n\n", host_name()));
    out.push_str(&format!(
        "- Written: {}\n- Profile: {} ({})\n- Overall: {} {}\n",
        chrono::Utc::now().to_rfc3339(),
        md_cell(&state.cfg.profile),
        md_cell(&state.source),
        overall.symbol(),
        overall.word()
    ));
    if let Some(s) = state.incident_start {
        out.push_str(&format!("- First red hop: {}\n", s.to_rfc3339()));
    }
    if let Some(r) = state.recovered_at {
        out.push_str(&format!("- Recovered: {}\n", r.to_rfc3339()));
    }
    if let Some(a) = &state.access {
        out.push_str(&format!("- Clients: {}\n", md_cell(&a.line())));
    }
    if let Some(p) = crate::engine::phases::phases(state) {
        out.push_str(&phases_md(&p));
    }
    out.push_str("\n## Request chain\n\n| State | Hop | Kind | Target | Time | Reason |\n|---|---|---|---|---|---|\n");
    for r in state.results() {
        out.push_str(&format!(
            "| {} {} | {} | {} | {} | {} | {} |\n",
            r.state.symbol(),
            r.state.word(),
            md_cell(&r.name),
            r.kind.as_str(),
            md_cell(&r.target),
            latency(&r),
            md_cell(&r.reason)
        ));
    }
    out.push_str("\n## Findings\n\n");
    let d = &state.diagnosis;
    if d.all_clear {
        out.push_str("All clear: every hop answers and no root cause was found.\n");
    }
    for (i, f) in d.findings.iter().enumerate() {
        out.push_str(&format!(
            "### {}. `{}` — {}\n\n- Severity: {} {}, confidence {}\n",
            i + 1,
            f.id,
            md_cell(&f.title),
            f.severity.symbol(),
            f.severity.word(),
            f.confidence
        ));
        if let Some(a) = &f.action {
            out.push_str(&format!("- Recovery action: `{}`\n", md_cell(a)));
        }
        out.push_str(&format!(
            "- Why: {}\n- Evidence:\n",
            md_cell(&f.explanation)
        ));
        for e in &f.evidence {
            out.push_str(&format!(
                "  - `{}` {}\n",
                md_cell(&e.source),
                md_cell(&e.fact)
            ));
        }
        out.push_str("- Next steps:\n");
        for n in &f.next_steps {
            out.push_str(&format!("  - {}\n", md_cell(n)));
        }
        out.push('\n');
    }
    if !d.unchecked.is_empty() {
        out.push_str("\n## Not checked\n\n");
        for u in &d.unchecked {
            out.push_str(&format!("- {}: {}\n", md_cell(&u.what), md_cell(&u.why)));
        }
    }
    out.push_str("\n## Actions taken\n\n");
    let actions: Vec<&crate::engine::Event> = state
        .timeline
        .iter()
        .filter(|e| {
            matches!(e.kind.as_str(), "action" | "recovery")
                || (e.kind == "note" && e.text.starts_with("action "))
        })
        .collect();
    if actions.is_empty() {
        out.push_str("None recorded.\n");
    }
    for e in actions {
        out.push_str(&format!(
            "- {} — {}\n",
            e.at.format("%Y-%m-%d %H:%M:%S UTC"),
            md_cell(&e.text)
        ));
    }
    out.push_str("\n## Timeline\n\n");
    if state.timeline.is_empty() {
        out.push_str("No state changes were recorded.\n");
    }
    for e in &state.timeline {
        out.push_str(&format!(
            "- {} — {}\n",
            e.at.format("%Y-%m-%d %H:%M:%S UTC"),
            md_cell(&e.text)
        ));
    }
    if let Some(h) = &state.host {
        out.push_str("\n## Host snapshot\n\n");
        out.push_str(&md_block(&host::render_text(h)));
    }
    if let Some(r) = &state.integration {
        out.push_str("\n## Integration and auth\n\n");
        out.push_str(&md_block(&crate::onlyoffice::render_text(r)));
    }
    crate::sanitize::text(&out)
}

/// How far back a report looks in the console's journal and the audit log.
pub const HISTORY_HOURS: i64 = 24;

/// The console's timeline journal: next to the audit log.
pub fn journal_path(cfg: &crate::config::Config) -> std::path::PathBuf {
    cfg.actions
        .audit_log
        .clone()
        .unwrap_or_else(crate::actions::default_audit_path)
        .with_file_name("timeline.ndjson")
}

/// Earlier events for a report: the console's journal and the actions of the audit log, of
/// the last [`HISTORY_HOURS`].
pub fn history(cfg: &crate::config::Config) -> Vec<crate::engine::Event> {
    let since = chrono::Utc::now() - chrono::Duration::hours(HISTORY_HOURS);
    let mut ev = crate::engine::read_journal(&journal_path(cfg), since);
    // The journal's action lines duplicate the audit's: keep the audit's wording.
    ev.retain(|e| {
        !(matches!(e.kind.as_str(), "action" | "recovery")
            || e.kind == "note" && e.text.starts_with("action "))
    });
    let audit = cfg
        .actions
        .audit_log
        .clone()
        .unwrap_or_else(crate::actions::default_audit_path);
    for r in crate::actions::read_audit(&audit)
        .into_iter()
        .filter(|r| r.time >= since)
    {
        let level = if r.status == "succeeded" {
            crate::engine::NoteLevel::Info
        } else {
            crate::engine::NoteLevel::Error
        };
        let recovered = r.status == "succeeded"
            && !r.action.starts_with("capture:")
            && !matches!(
                r.verification,
                crate::actions::Verification::StillFailing { .. }
            );
        ev.push(crate::engine::Event {
            at: r.time,
            kind: if recovered { "recovery" } else { "action" }.into(),
            level,
            text: r.timeline_text(),
        });
    }
    ev
}
