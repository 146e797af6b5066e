//! The Chain pane: one row per hop (state, name, target, latency, reason); two lines a hop
//! when very narrow.

use super::SPINNER;
use super::block;
use super::text::*;
use crate::tr;
use crate::tui::app::{App, Pane};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, List, ListItem, ListState, Row, Table, TableState};

/// A hop's state (symbol and word, styled), latency and reason; a spinner before its first
/// result.
pub(super) fn hop_cells(
    app: &App,
    h: &crate::engine::HopView,
    spin: &str,
) -> (Span<'static>, String, String) {
    match &h.last {
        Some(r) => (
            Span::styled(state_label(r.state), app.theme.state(r.state)),
            latency(r.latency_ms),
            one(&r.reason),
        ),
        None => (
            Span::raw(format!("{spin} …")),
            String::new(),
            tr!("pane-chain-probing"),
        ),
    }
}

pub(super) fn draw_chain(f: &mut Frame, app: &App, area: Rect, wide: bool) {
    let spin = SPINNER[app.spinner % SPINNER.len()];
    if area.width < 60 {
        // Very narrow: top to bottom, two lines a hop (state and name, then the reason).
        let items: Vec<ListItem> = app
            .state
            .hops
            .iter()
            .map(|h| {
                let (st, lat, reason) = hop_cells(app, h, spin);
                ListItem::new(vec![
                    Line::from(vec![st, Span::raw(format!(" {} {lat}", one(&h.hop.name)))]),
                    Line::from(Span::styled(format!("  {reason}"), app.theme.dim())),
                ])
            })
            .collect();
        let mut st = ListState::default();
        if app.focus == Pane::Chain && !app.state.hops.is_empty() {
            st.select(Some(app.selected(Pane::Chain)));
        }
        let list = List::new(items)
            .highlight_style(app.theme.selected())
            .block(block(
                app,
                Pane::Chain,
                format!(" {} ", Pane::Chain.title()),
                wide,
            ));
        f.render_stateful_widget(list, area, &mut st);
        return;
    }
    let narrow = area.width < 90;
    let rows: Vec<Row> = app
        .state
        .hops
        .iter()
        .map(|h| {
            let (state_cell, lat, reason) = hop_cells(app, h, spin);
            let name = if h.in_flight && h.last.is_some() {
                format!("{} {spin}", one(&h.hop.name))
            } else {
                one(&h.hop.name)
            };
            let mut cells = vec![Cell::from(state_cell), Cell::from(name)];
            if !narrow {
                cells.push(Cell::from(fit(&one(h.hop.display_target()), 30)));
            }
            cells.push(Cell::from(lat));
            cells.push(Cell::from(reason));
            Row::new(cells)
        })
        .collect();
    let widths: Vec<Constraint> = if narrow {
        vec![
            Constraint::Length(9),
            Constraint::Length(11),
            Constraint::Length(7),
            Constraint::Fill(1),
        ]
    } else {
        vec![
            Constraint::Length(9),
            Constraint::Length(12),
            Constraint::Length(30),
            Constraint::Length(7),
            Constraint::Fill(1),
        ]
    };
    let mut st = TableState::default();
    if app.focus == Pane::Chain && !app.state.hops.is_empty() {
        st.select(Some(app.selected(Pane::Chain)));
    }
    let table = Table::new(rows, widths)
        .row_highlight_style(app.theme.selected())
        .block(block(
            app,
            Pane::Chain,
            format!(" {} ", tr!("pane-chain-title-wide")),
            wide,
        ));
    f.render_stateful_widget(table, area, &mut st);
}
