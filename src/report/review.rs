//! `triage502 review`: the readiness checklist (see [`crate::review`]) of one round — the
//! round's hops, host facts and integration report, plus the review's own facts (service
//! setups, logrotate, monitors) and the audit log — as text or JSON.

use crate::report::pad;
use crate::review::{CATALOGUE, Check, Item};
use crate::tr;
use std::fmt::Write as _;

/// A check's word in the language (`PASS`, `WARN`, `UNKNOWN`; the JSON keeps its own).
pub fn check_word(c: Check) -> String {
    match c {
        Check::Pass => tr!("review-text-pass"),
        Check::Warn => tr!("review-text-warn"),
        Check::Unknown => tr!("review-text-unknown"),
    }
}

/// What the review's own facts are gathered from: the chain's services with the manager
/// that answered for each (from the state's host facts), a timeout, the audit log's path.
pub type Inputs = (
    Vec<(crate::host::ServiceQuery, crate::host::services::Answered)>,
    std::time::Duration,
    std::path::PathBuf,
);

/// The [`Inputs`] of a state (cheap, no I/O: the console calls it on its loop).
pub fn inputs(state: &crate::engine::State) -> Inputs {
    let q = crate::engine::host_query(&state.cfg);
    let answered = q
        .services
        .iter()
        .filter_map(|sq| {
            let st = state
                .host
                .as_ref()?
                .services
                .value()?
                .iter()
                .find(|s| s.name == sq.name)?;
            Some((sq.clone(), st.backend))
        })
        .collect();
    let timeout = std::time::Duration::from_millis(state.cfg.probe.timeout_ms.max(1000));
    let audit_path = state
        .cfg
        .actions
        .audit_log
        .clone()
        .unwrap_or_else(crate::actions::audit::default_audit_path);
    (answered, timeout, audit_path)
}

/// Gather the review's own facts and the audit log (bounded; off the caller's thread).
pub async fn gather(
    inputs: Inputs,
) -> (
    crate::host::readiness::Readiness,
    Vec<crate::actions::audit::AuditRecord>,
) {
    let (answered, timeout, audit_path) = inputs;
    let readiness = crate::host::readiness::gather(&answered, timeout).await;
    let audit = tokio::task::spawn_blocking(move || crate::actions::audit::read_audit(&audit_path))
        .await
        .unwrap_or_default();
    (readiness, audit)
}

/// The checklist of a state with the gathered facts.
pub fn judge(
    state: &crate::engine::State,
    readiness: &crate::host::readiness::Readiness,
    audit: &[crate::actions::audit::AuditRecord],
) -> Vec<Item> {
    let hops: Vec<&crate::probe::HopResult> =
        state.hops.iter().filter_map(|h| h.last.as_ref()).collect();
    crate::review::review(&crate::review::Input {
        cfg: &state.cfg,
        hops,
        host: state.host.as_deref(),
        integration: state.integration.as_deref(),
        readiness,
        logs: Some(&state.logs),
        audit,
        now: chrono::Utc::now(),
    })
}

/// The checklist for the state of one round (gathers the review's own facts; bounded).
pub async fn items(state: &crate::engine::State) -> Vec<Item> {
    let (readiness, audit) = gather(inputs(state)).await;
    judge(state, &readiness, &audit)
}

/// Gather, judge and print the checklist of a round's state as text or JSON; the exit code.
pub fn print(state: &crate::engine::State, format: crate::host::cli::Format) -> i32 {
    let rt = match crate::util::runtime() {
        Ok(rt) => rt,
        Err(e) => {
            crate::say_err!("triage502: {e}");
            return 3;
        }
    };
    let items = rt.block_on(items(state));
    let host = super::host_name();
    match format {
        crate::host::cli::Format::Text => crate::say!("{}", text(&host, &items).trim_end()),
        crate::host::cli::Format::Json => crate::say!("{}", json(&host, &items)),
    }
    exit_code(&items)
}

/// The exit code of a checklist: 0 all PASS, 1 a WARN, 3 UNKNOWN items only.
pub fn exit_code(items: &[Item]) -> i32 {
    match crate::review::worst(items) {
        Check::Pass => 0,
        Check::Warn => 1,
        Check::Unknown => 3,
    }
}

/// The checklist as text: one line per item (symbol, word, id, subject), the fact, the change.
pub fn text(host: &str, items: &[Item]) -> String {
    let worst = crate::review::worst(items);
    let mut s = tr!(
        "review-text-title",
        host = crate::sanitize::field(host),
        symbol = worst.symbol(),
        state = check_word(worst)
    );
    s.push_str("\n\n");
    for i in items {
        let subject = i
            .subject
            .as_deref()
            .map(|x| format!(" ({})", crate::sanitize::field(x)))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "{} {} {}{subject}",
            i.check.symbol(),
            pad(&check_word(i.check), 7),
            i.id
        );
        let _ = writeln!(s, "     {}", crate::sanitize::field(&i.fact));
        if let Some(c) = &i.change {
            let change = crate::sanitize::field(c);
            let _ = writeln!(s, "     {}", tr!("review-text-change", change = change));
        }
        let _ = writeln!(
            s,
            "     {}",
            tr!("review-text-runbook", section = i.runbook)
        );
    }
    let (pass, warn, unknown) = items.iter().fold((0, 0, 0), |(p, w, u), i| match i.check {
        Check::Pass => (p + 1, w, u),
        Check::Warn => (p, w + 1, u),
        Check::Unknown => (p, w, u + 1),
    });
    let _ = writeln!(
        s,
        "\n{}",
        tr!(
            "review-text-summary",
            pass = pass,
            warn = warn,
            unknown = unknown,
            kinds = CATALOGUE.len()
        )
    );
    s
}

/// The checklist as JSON: `{"schema":1,"host","status","items":[…]}`, escaped for a terminal.
pub fn json(host: &str, items: &[Item]) -> String {
    let v = serde_json::json!({
        "schema": 1,
        "host": host,
        "status": crate::review::worst(items),
        "items": items,
    });
    crate::sanitize::json_pretty(&v)
}

/// The checklist as a Markdown section of the incident report: what will make the next
/// incident shorter.
pub fn md(items: &[Item]) -> String {
    let cell = |t: &str| crate::sanitize::field(t).replace('|', "\\|");
    let mut s = format!(
        "\n## {}\n\n{}\n\n{}\n|---|---|---|---|---|\n",
        tr!("review-md-title"),
        tr!("review-md-intro"),
        tr!("review-md-header")
    );
    for i in items {
        let _ = writeln!(
            s,
            "| {} {} | `{}`{} | {} | {} | {} |",
            i.check.symbol(),
            check_word(i.check),
            i.id,
            i.subject
                .as_deref()
                .map(|x| format!(" ({})", cell(x)))
                .unwrap_or_default(),
            cell(&i.fact),
            i.change.as_deref().map(cell).unwrap_or_default(),
            cell(&i.runbook)
        );
    }
    s
}
