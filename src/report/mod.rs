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
use crate::i18n::state_word;
use crate::probe::{HopResult, State as HopState};
use crate::sanitize::field;
use crate::tr;
use serde::Serialize;

/// `s` followed by spaces up to `w` terminal columns (a Chinese character takes two): what
/// `{:<w}` does for English, for a text in any language.
pub fn pad(s: &str, w: usize) -> String {
    let n = unicode_width::UnicodeWidthStr::width(s);
    format!("{s}{}", " ".repeat(w.saturating_sub(n)))
}

/// `s` after spaces up to `w` terminal columns (`{:>w}` for a text in any language).
pub fn pad_left(s: &str, w: usize) -> String {
    let n = unicode_width::UnicodeWidthStr::width(s);
    format!("{}{s}", " ".repeat(w.saturating_sub(n)))
}

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
    let width = unicode_width::UnicodeWidthStr::width;
    let (col_hop, col_kind) = (tr!("check-text-col-hop"), tr!("check-text-col-kind"));
    let name_w = name_w.max(width(col_hop.as_str()));
    let kind_w = kind_w.max(width(col_kind.as_str()));
    let mut out = String::new();
    let overall = overall(state);
    out.push_str(&tr!(
        "check-text-title",
        host = host_name(),
        profile = state.cfg.profile,
        source = state.source,
        symbol = overall.symbol(),
        state = state_word(overall)
    ));
    out.push_str("\n\n");
    out.push_str(&format!(
        "  {} {}  {}  {}  {}\n",
        pad(&tr!("check-text-col-state"), 9),
        pad(&col_hop, name_w),
        pad(&col_kind, kind_w),
        pad_left(&tr!("check-text-col-time"), 8),
        tr!("check-text-col-reason")
    ));
    for r in &results {
        out.push_str(&format!(
            "{} {} {:<name_w$}  {:<kind_w$}  {:>8}  {}\n",
            r.state.symbol(),
            pad(&state_word(r.state), 7),
            field(&r.name),
            r.kind.as_str(),
            latency(r),
            field(&r.reason)
        ));
    }
    if results.is_empty() {
        out.push_str(&format!("  {}\n", tr!("check-text-no-hops")));
    }
    if let Some(a) = &state.access {
        out.push_str(&format!("\n{}\n", field(&a.line())));
    }
    out.push('\n');
    out.push_str(&findings_text(state));
    out.push_str(&format!("\n{}\n", tr!("check-text-walkthrough")));
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
        state_word(s.verdict),
        field(s.title)
    );
    for c in &s.checks {
        t.push_str(&format!(
            "{indent}{} {} {} — {}\n",
            c.state.symbol(),
            pad(&state_word(c.state), 7),
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
        out.push_str(&format!("✔ {}\n", tr!("report-all-clear")));
    } else if d.findings.is_empty() {
        out.push_str(&format!("? {}\n", tr!("check-text-no-finding")));
    } else {
        out.push_str(&format!("{}\n", tr!("check-text-findings")));
    }
    for (i, f) in d.findings.iter().enumerate() {
        out.push_str(&tr!(
            "check-text-finding",
            n = i + 1,
            symbol = f.severity.symbol(),
            state = state_word(f.severity),
            id = f.id,
            confidence = f.confidence,
            title = field(&f.title)
        ));
        out.push('\n');
        out.push_str(&f.to_text("     ", field));
    }
    for u in &d.unchecked {
        out.push_str(&tr!(
            "check-text-unchecked",
            what = field(&u.what),
            why = field(&u.why)
        ));
        out.push('\n');
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
        // i18n: not text (the Nagios line is English)
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
    let mut out = format!(
        "\n## {}\n\n{}\n|---|---|---|---|\n",
        tr!("report-md-phases"),
        tr!("report-md-phases-header")
    );
    out.push_str(&format!(
        "| {} | {} | — | — |\n",
        tr!("report-md-phase-first-red"),
        p.started.to_rfc3339()
    ));
    let row = |name: &str, ph: &Option<Phase>, target: &str| match ph {
        Some(ph) => format!(
            "| {name} | {} | {} | {target}{} |\n",
            ph.at.to_rfc3339(),
            crate::engine::human_duration(ph.after_s),
            match ph.met() {
                Some(true) => format!(" — ✔ {}", tr!("report-md-phase-met")),
                Some(false) => format!(" — ✖ {}", tr!("report-md-phase-missed")),
                None => String::new(),
            }
        ),
        None => format!(
            "| {name} | {} | — | {target} |\n",
            tr!("report-md-phase-not-reached")
        ),
    };
    out.push_str(&row(
        &tr!("report-md-phase-first-finding"),
        &p.first_finding,
        &tr!("report-md-target-min", n = 5),
    ));
    out.push_str(&row(
        &tr!("report-md-phase-first-recovery"),
        &p.first_recovery,
        &tr!("report-md-target-min", n = 15),
    ));
    out.push_str(&row(&tr!("report-md-phase-all-green"), &p.all_green, "—"));
    out
}

/// The findings section of [`report_md`]: each finding with its evidence and next steps, then
/// what could not be checked.
fn findings_md(d: &crate::diagnose::Diagnosis) -> String {
    let mut out = String::new();
    let item = |out: &mut String, text: String| out.push_str(&format!("- {text}\n"));
    out.push_str(&format!("\n## {}\n\n", tr!("report-md-findings")));
    if d.all_clear {
        out.push_str(&format!("{}\n", tr!("report-all-clear")));
    }
    for (i, f) in d.findings.iter().enumerate() {
        out.push_str(&format!(
            "### {}. `{}` — {}\n\n",
            i + 1,
            f.id,
            md_cell(&f.title)
        ));
        item(
            &mut out,
            tr!(
                "report-md-severity",
                symbol = f.severity.symbol(),
                state = state_word(f.severity),
                confidence = f.confidence
            ),
        );
        if let Some(a) = &f.action {
            item(&mut out, tr!("report-md-action", action = md_cell(a)));
        }
        item(
            &mut out,
            tr!("report-md-why", why = md_cell(&f.explanation)),
        );
        item(&mut out, tr!("report-md-evidence"));
        for e in &f.evidence {
            out.push_str(&format!(
                "  - `{}` {}\n",
                md_cell(&e.source),
                md_cell(&e.fact)
            ));
        }
        item(&mut out, tr!("report-md-next"));
        for n in &f.next_steps {
            out.push_str(&format!("  - {}\n", md_cell(n)));
        }
        out.push('\n');
    }
    if !d.unchecked.is_empty() {
        out.push_str(&format!("\n## {}\n\n", tr!("report-md-unchecked")));
        for u in &d.unchecked {
            out.push_str(&format!("- {}: {}\n", md_cell(&u.what), md_cell(&u.why)));
        }
    }
    out
}

/// The incident report as Markdown.
pub fn report_md(state: &State) -> String {
    learn_secrets(state);
    let overall = overall(state);
    let mut out = String::new();
    out.push_str(&format!(
        "# {}\n\n",
        tr!("report-md-title", host = host_name())
    ));
    let item = |out: &mut String, text: String| out.push_str(&format!("- {text}\n"));
    item(
        &mut out,
        tr!("report-md-written", at = chrono::Utc::now().to_rfc3339()),
    );
    item(
        &mut out,
        tr!(
            "report-md-profile",
            profile = md_cell(&state.cfg.profile),
            source = md_cell(&state.source)
        ),
    );
    item(
        &mut out,
        tr!(
            "report-md-overall",
            symbol = overall.symbol(),
            state = state_word(overall)
        ),
    );
    if let Some(s) = state.incident_start {
        item(&mut out, tr!("report-md-first-red", at = s.to_rfc3339()));
    }
    if let Some(r) = state.recovered_at {
        item(&mut out, tr!("report-md-recovered", at = r.to_rfc3339()));
    }
    if let Some(a) = &state.access {
        item(
            &mut out,
            tr!("report-md-clients", line = md_cell(&a.line())),
        );
    }
    if let Some(p) = crate::engine::phases::phases(state) {
        out.push_str(&phases_md(&p));
    }
    out.push_str(&format!(
        "\n## {}\n\n{}\n|---|---|---|---|---|---|\n",
        tr!("report-md-chain"),
        tr!("report-md-chain-header")
    ));
    for r in state.results() {
        out.push_str(&format!(
            "| {} {} | {} | {} | {} | {} | {} |\n",
            r.state.symbol(),
            state_word(r.state),
            md_cell(&r.name),
            r.kind.as_str(),
            md_cell(&r.target),
            latency(&r),
            md_cell(&r.reason)
        ));
    }
    out.push_str(&findings_md(&state.diagnosis));
    out.push_str(&format!("\n## {}\n\n", tr!("report-md-actions")));
    let actions: Vec<&crate::engine::Event> = state
        .timeline
        .iter()
        .filter(|e| {
            matches!(e.kind.as_str(), "action" | "recovery")
                || (e.kind == "note"
                    && (e.text.starts_with("action ")
                        || e.text == tr!("dialog-cancelled-at-preview")))
        })
        .collect();
    if actions.is_empty() {
        out.push_str(&format!("{}\n", tr!("report-md-actions-none")));
    }
    for e in actions {
        out.push_str(&format!(
            "- {} — {}\n",
            e.at.format("%Y-%m-%d %H:%M:%S UTC"),
            md_cell(&e.text)
        ));
    }
    out.push_str(&format!("\n## {}\n\n", tr!("report-md-timeline")));
    if state.timeline.is_empty() {
        out.push_str(&format!("{}\n", tr!("report-md-timeline-none")));
    }
    for e in &state.timeline {
        out.push_str(&format!(
            "- {} — {}\n",
            e.at.format("%Y-%m-%d %H:%M:%S UTC"),
            md_cell(&e.text)
        ));
    }
    if let Some(h) = &state.host {
        out.push_str(&format!("\n## {}\n\n", tr!("report-md-host")));
        out.push_str(&md_block(&host::render_text(h)));
    }
    if let Some(r) = &state.integration {
        out.push_str(&format!("\n## {}\n\n", tr!("report-md-integration")));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Update;
    use crate::probe::scheduler::ProbeEvent;
    use crate::probe::{Detail, NetError};
    use chrono::TimeZone;
    use std::sync::Arc;

    const CFG: &str = r#"
profile = "onlyoffice"
[[hop]]
name = "dns"
kind = "dns"
role = "dns"
target = "office.example.org"
[[hop]]
name = "nginx"
kind = "tcp"
role = "proxy"
target = "127.0.0.1:80"
service = "nginx"
[[hop]]
name = "via-nginx"
kind = "docserver-health"
role = "via-proxy"
url = "http://127.0.0.1/healthcheck"
[[hop]]
name = "docservice"
kind = "tcp"
role = "upstream"
target = "127.0.0.1:8000"
service = "ds-docservice"
[[service]]
name = "nginx"
[[service]]
name = "ds-docservice"
[logs]
nginx_error = ["/var/log/nginx/error.log"]
"#;

    fn at() -> chrono::DateTime<chrono::Utc> {
        chrono::Utc
            .with_ymd_and_hms(2026, 11, 28, 3, 0, 0)
            .single()
            .expect("valid time")
    }

    fn result(s: &State, name: &str, st: HopState, reason: &str, f: fn(&mut Detail)) -> Update {
        let h = s.hops.iter().find(|h| h.hop.name == name).expect("hop");
        let mut detail = Detail::default();
        f(&mut detail);
        Update::Probe(ProbeEvent::Result(Box::new(HopResult {
            name: name.into(),
            kind: h.hop.kind,
            role: h.hop.role,
            target: h.hop.display_target().into(),
            state: st,
            latency_ms: Some(3.0),
            reason: reason.into(),
            detail,
            at: at(),
        })))
    }

    /// A round in which the Document Server is down behind a working nginx: findings,
    /// walkthrough, timeline.
    fn broken() -> State {
        let cfg = crate::config::parse(CFG, "test").expect("test config");
        let mut s = State::new(Arc::new(cfg), "test".into());
        let rs = vec![
            result(
                &s,
                "dns",
                HopState::Ok,
                "office.example.org → 127.0.0.1",
                |_| {},
            ),
            result(&s, "nginx", HopState::Ok, "127.0.0.1:80 accepts", |_| {}),
            result(
                &s,
                "via-nginx",
                HopState::Fail,
                "502 Bad Gateway from nginx",
                |d| {
                    d.http_status = Some(502);
                    d.from_proxy = Some(true);
                },
            ),
            result(
                &s,
                "docservice",
                HopState::Fail,
                "connection refused by 127.0.0.1:8000",
                |d| d.error = Some(NetError::Refused),
            ),
        ];
        s.apply(Update::Probe(ProbeEvent::RoundStarted { seq: 1 }));
        for r in rs {
            s.apply(r);
        }
        s.apply(Update::Probe(ProbeEvent::RoundFinished { seq: 1 }));
        let line = b"2026/11/28 02:59:58 [error] 12#12: *7 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.9, server: office, request: \"GET /healthcheck HTTP/1.1\", upstream: \"http://127.0.0.1:8000/healthcheck\", host: \"office\"";
        let mut e = crate::logs::nginx_error::Entry::parse(line, Some(41));
        e.file = Some("/var/log/nginx/error.log".into());
        s.apply(Update::Logs(vec![crate::logs::Record::Nginx(e)]));
        for ev in s.timeline.iter_mut() {
            ev.at = at();
        }
        s.incident_start = Some(at());
        s
    }

    /// What changes from run to run (this box's name, the time of writing) made constant.
    fn stable(text: String) -> String {
        let written =
            regex::Regex::new(r"(?m)^(- [^:：]+[:：] ?)\d{4}-\d\d-\d\dT[^\n]*$").expect("regex");
        let t = text.replace(&host_name(), "HOST");
        written.replace(&t, "${1}NOW").into_owned()
    }

    #[test]
    fn check_text_and_report_md_in_english() {
        let _en = crate::i18n::scoped(crate::i18n::Lang::En);
        let s = broken();
        let check = stable(check_text(&s));
        assert!(check.starts_with("triage502 check on HOST — onlyoffice (test) — ✖ FAIL\n"));
        insta::assert_snapshot!("check_text_en", check);
        insta::assert_snapshot!("report_md_en", stable(report_md(&s)));
    }

    #[test]
    fn check_text_and_report_md_in_chinese() {
        let _zh = crate::i18n::scoped(crate::i18n::Lang::ZhCn);
        let s = broken();
        let check = stable(check_text(&s));
        assert!(check.contains("状态"), "{check}");
        insta::assert_snapshot!("check_text_zh", check);
        insta::assert_snapshot!("report_md_zh", stable(report_md(&s)));
    }

    #[test]
    fn padding_counts_terminal_columns() {
        assert_eq!(pad("FAIL", 7), format!("{:<7}", "FAIL"));
        assert_eq!(pad("故障", 7), "故障   ");
        assert_eq!(pad_left("TIME", 8), format!("{:>8}", "TIME"));
        assert_eq!(pad_left("耗时", 8), "    耗时");
        assert_eq!(pad("too long", 3), "too long");
    }
}
