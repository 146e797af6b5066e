//! The Services pane: state, name, sub-state, pid, uptime, restarts, backend; columns left
//! out when narrow.

use super::block;
use super::text::*;
use crate::probe::State as HopState;
use crate::tr;
use crate::tui::app::{App, Pane};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::{Cell, List, ListItem, Row, Table, TableState};

pub(super) fn draw_services(f: &mut Frame, app: &App, area: Rect, wide: bool) {
    // Facts are refreshed every HOST_EVERY: older ones (a refresh that hangs) say their age.
    // Uptimes are as of that refresh too: they go on counting from it.
    let age = app
        .state
        .host
        .as_ref()
        .map(|h| (app.now() - h.services.at).num_seconds().max(0))
        .unwrap_or(0);
    let title = if age > crate::engine::tasks::HOST_EVERY.as_secs() as i64 + 30 {
        tr!(
            "pane-services-title-stale",
            age = crate::engine::human_duration(age)
        )
    } else {
        Pane::Services.title()
    };
    let title = format!(" {title} ");
    let b = block(app, Pane::Services, title, wide);
    let Some(snap) = &app.state.host else {
        f.render_widget(
            List::new(vec![ListItem::new(tr!("pane-collecting"))]).block(b),
            area,
        );
        return;
    };
    let Some(svcs) = snap.services.value() else {
        f.render_widget(
            List::new(vec![unknown_line(
                app,
                &tr!("pane-services-what"),
                snap.services.unknown_reason(),
            )])
            .block(b),
            area,
        );
        return;
    };
    // One row of cells per service; the state cell carries its symbol and word.
    let (states, cells): (Vec<HopState>, Vec<[String; 7]>) = svcs
        .iter()
        .map(|s| {
            let st = s.state.verdict();
            let cells = [
                format!("{} {}", st.symbol(), s.state.word()),
                one(&s.name),
                one(s.sub_state.as_deref().unwrap_or_default()),
                s.pid.map(|p| p.to_string()).unwrap_or_else(|| "—".into()),
                s.uptime_secs
                    .map(|u| crate::engine::human_duration(u as i64 + age))
                    .unwrap_or_default(),
                s.restarts.map(|r| format!("{r}↻")).unwrap_or_default(),
                match s.backend {
                    crate::host::services::Answered::None => "—".to_string(),
                    b => b.to_string(),
                },
            ];
            (st, cells)
        })
        .unzip();
    let headers: [String; 7] = [
        tr!("pane-services-col-state"),
        tr!("pane-services-col-service"),
        tr!("pane-services-col-sub"),
        "PID".into(),
        tr!("pane-services-col-up"),
        "↻".into(),
        tr!("pane-services-col-backend"),
    ];
    let inner = area.width.saturating_sub(2);
    let shown = fit_columns(&headers, &cells, &SERVICE_COLUMN_DROP_ORDER, inner);
    let widths: Vec<Constraint> = shown
        .iter()
        .map(|&(i, w)| {
            if i == 1 {
                // The name takes what is left, at least what it needs.
                Constraint::Min(w)
            } else {
                Constraint::Length(w)
            }
        })
        .collect();
    let rows: Vec<Row> = cells
        .iter()
        .zip(&states)
        .map(|(c, st)| {
            Row::new(shown.iter().map(|&(i, _)| {
                if i == 0 {
                    Cell::from(Span::styled(c[0].clone(), app.theme.state(*st)))
                } else {
                    Cell::from(c[i].clone())
                }
            }))
        })
        .collect();
    let mut st = TableState::default();
    if app.focus == Pane::Services && !svcs.is_empty() {
        st.select(Some(app.selected(Pane::Services)));
    }
    let t = Table::new(rows, widths)
        .header(
            Row::new(shown.iter().map(|&(i, _)| headers[i].clone()))
                .style(Style::default().add_modifier(Modifier::BOLD)),
        )
        .row_highlight_style(app.theme.selected())
        .block(b);
    f.render_stateful_widget(t, area, &mut st);
}

/// The services table's columns in the order they are left out when the pane is too narrow
/// for all: backend, sub-state, restarts, uptime, pid. State and name always stay.
pub(super) const SERVICE_COLUMN_DROP_ORDER: [usize; 5] = [6, 2, 5, 4, 3];
