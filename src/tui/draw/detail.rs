//! The details text of the focused pane's selected line (Enter).

use super::text::*;
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
                            "{} {} after {}\n{}\n\n",
                            r.state.symbol(),
                            r.state.word(),
                            latency(r.latency_ms),
                            r.reason
                        ));
                        t.push_str(&serde_json::to_string_pretty(&r.detail).unwrap_or_default());
                    }
                    None => t.push_str("not probed yet"),
                }
                (format!(" hop {} ", h.hop.name), t)
            }
            None => (" hop ".into(), "no hop".into()),
        },
        Pane::Findings if app.walkthrough => {
            let steps = app.state.walkthrough();
            match steps.get(app.selected(Pane::Findings)) {
                Some(s) => {
                    let t = s.to_text("    ");
                    (format!(" step: {} ", s.title), t)
                }
                None => (" step ".into(), String::new()),
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
                    "{} {} — {} confidence\n{}\n\n",
                    fnd.severity.symbol(),
                    fnd.severity.word(),
                    fnd.confidence,
                    fnd.title,
                );
                t.push_str(&fnd.to_text("", |s| s.to_string()));
                if fnd.action.is_some() {
                    t.push_str("\n(press x in the Findings pane to run the action)\n");
                }
                (format!(" finding {} ", fnd.id), t)
            }
            None => (" finding ".into(), "no finding".into()),
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
                            format!(
                                "\nrequests: {}{}",
                                one(&row.requests().join(" · ")),
                                if row.more_requests {
                                    " · and others"
                                } else {
                                    ""
                                }
                            )
                        } else {
                            String::new()
                        };
                        format!(
                            "{} entries like this one, {} – {} (the newest below){requests}\n\n",
                            row.count,
                            clock(row.first),
                            clock(row.last)
                        )
                    } else {
                        String::new()
                    };
                    let t = format!(
                        "{times}{}\n\nclass: {} (client gets {})\n\nWhat happened: {}\n\nUsual causes: {}\n\nNext check: {}\n\nEntry:\n{}",
                        one(&r.to_text()),
                        c.id(),
                        info.client_gets,
                        info.explanation,
                        info.causes,
                        info.next_check,
                        serde_json::to_string_pretty(r).unwrap_or_default()
                    );
                    (format!(" {} ", c.id()), t)
                }
                None => (" log ".into(), "no entry".into()),
            }
        }
        Pane::Services => match app
            .state
            .services()
            .and_then(|s| s.get(app.selected(Pane::Services)))
        {
            Some(s) => (
                format!(" service {} ", s.name),
                format!(
                    "{} {}\n{}\n{}\n\n{}",
                    s.state,
                    s.sub_state.clone().unwrap_or_default(),
                    s.detail,
                    s.hint.clone().unwrap_or_default(),
                    s.raw
                ),
            ),
            None => (" service ".into(), "no service selected".into()),
        },
        Pane::Ports | Pane::Events => (
            " details ".into(),
            "Select a line in the Chain, Findings, Error log or Services pane.".into(),
        ),
    }
}
