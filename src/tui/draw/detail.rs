//! The details text of the focused pane's selected line (Enter).

use super::text::*;
use crate::tr;
use crate::tui::app::{App, Pane};

/// The detail text of the focused pane's selected line.
pub fn detail_text(app: &App) -> (String, String) {
    match app.focus {
        Pane::Chain => match app.state.hops.get(app.selected(Pane::Chain)) {
            Some(h) => {
                let mut t = format!(
                    "{} ({} {})\n",
                    h.hop.name,
                    h.hop.kind.as_str(),
                    h.hop.display_target()
                );
                match &h.last {
                    Some(r) => {
                        t.push_str(&format!(
                            "{}\n{}\n\n",
                            tr!(
                                "detail-hop-result",
                                state = state_label(r.state),
                                latency = latency(r.latency_ms)
                            ),
                            r.reason
                        ));
                        t.push_str(&serde_json::to_string_pretty(&r.detail).unwrap_or_default());
                    }
                    None => t.push_str(&tr!("detail-hop-not-probed")),
                }
                (
                    format!(" {} ", tr!("detail-hop-title", name = h.hop.name)),
                    t,
                )
            }
            None => (format!(" {} ", tr!("detail-hop")), tr!("detail-no-hop")),
        },
        Pane::Findings if app.walkthrough => {
            let steps = app.state.walkthrough();
            match steps.get(app.selected(Pane::Findings)) {
                Some(s) => {
                    let t = s.to_text("    ");
                    (
                        format!(" {} ", tr!("detail-step-title", title = s.title)),
                        t,
                    )
                }
                None => (format!(" {} ", tr!("detail-step")), String::new()),
            }
        }
        Pane::Findings => match app
            .state
            .diagnosis
            .findings
            .get(app.selected(Pane::Findings))
        {
            Some(fnd) => {
                let mut t = format!(
                    "{} — {}\n{}\n\n",
                    state_label(fnd.severity),
                    tr!("pane-findings-confidence", level = fnd.confidence),
                    fnd.title,
                );
                t.push_str(&fnd.to_text("", |s| s.to_string()));
                if fnd.action.is_some() {
                    t.push_str(&format!("\n{}\n", tr!("detail-finding-press-x")));
                }
                (format!(" {} ", tr!("detail-finding-title", id = fnd.id)), t)
            }
            None => (
                format!(" {} ", tr!("detail-finding")),
                tr!("detail-no-finding"),
            ),
        },
        Pane::Logs => {
            let view = app.log_view();
            match view.get(app.selected_of(Pane::Logs, view.len())) {
                Some(row) => {
                    let r = row.last;
                    let c = r.class();
                    let info = c.info();
                    let times = if row.count > 1 {
                        let requests = if row.requests().len() > 1 {
                            let list = one(&row.requests().join(" · "));
                            format!(
                                "\n{}",
                                if row.more_requests {
                                    tr!("detail-log-requests-more", requests = list)
                                } else {
                                    tr!("detail-log-requests", requests = list)
                                }
                            )
                        } else {
                            String::new()
                        };
                        format!(
                            "{}{requests}\n\n",
                            tr!(
                                "detail-log-repeated",
                                count = row.count,
                                first = clock(row.first),
                                last = clock(row.last)
                            )
                        )
                    } else {
                        String::new()
                    };
                    let t = format!(
                        "{times}{}\n\n{}\n\n{}\n\n{}\n\n{}\n\n{}\n{}",
                        one(&r.to_text()),
                        tr!(
                            "detail-log-class",
                            class = c.id(),
                            status = info.client_gets
                        ),
                        tr!("detail-log-what-happened", text = info.explanation),
                        tr!("detail-log-causes", text = info.causes),
                        tr!("detail-log-next-check", text = info.next_check),
                        tr!("detail-log-entry"),
                        serde_json::to_string_pretty(r).unwrap_or_default()
                    );
                    (format!(" {} ", c.id()), t)
                }
                None => (format!(" {} ", tr!("detail-log")), tr!("detail-no-entry")),
            }
        }
        Pane::Services => match app
            .state
            .services()
            .and_then(|s| s.get(app.selected(Pane::Services)))
        {
            Some(s) => (
                format!(" {} ", tr!("detail-service-title", name = s.name)),
                format!(
                    "{} {}\n{}\n{}\n\n{}",
                    s.state,
                    s.sub_state.clone().unwrap_or_default(),
                    s.detail,
                    s.hint.clone().unwrap_or_default(),
                    s.raw
                ),
            ),
            None => (
                format!(" {} ", tr!("detail-service")),
                tr!("detail-no-service"),
            ),
        },
        Pane::Ports | Pane::Events => (
            format!(" {} ", tr!("detail-details")),
            tr!("detail-select-a-line"),
        ),
    }
}
