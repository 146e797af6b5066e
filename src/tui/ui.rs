//! Drawing: the chain pane, the events pane, the title and key bars. Everything is drawn from
//! `&App`; status is always a symbol and a word, colour only adds to it (and `NO_COLOR` turns
//! colour off).

use super::app::{App, KEYS};
use crate::probe::State as HopState;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row, Table, Wrap};

/// Smallest usable size.
pub const MIN_W: u16 = 40;
/// Smallest usable size.
pub const MIN_H: u16 = 10;

const SPINNER: &[&str] = &["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

fn state_style(s: HopState) -> Style {
    if no_color() {
        return match s {
            HopState::Fail => Style::default().add_modifier(Modifier::BOLD | Modifier::REVERSED),
            HopState::Warn | HopState::Unknown => Style::default().add_modifier(Modifier::BOLD),
            HopState::Ok => Style::default(),
        };
    }
    let c = match s {
        HopState::Ok => Color::Green,
        HopState::Warn => Color::Yellow,
        HopState::Unknown => Color::Magenta,
        HopState::Fail => Color::Red,
    };
    Style::default().fg(c).add_modifier(Modifier::BOLD)
}

/// Draw the whole screen.
pub fn draw(f: &mut Frame, app: &App) {
    let area = f.area();
    if area.width < MIN_W || area.height < MIN_H {
        let msg = format!(
            "terminal too small (need {MIN_W}×{MIN_H}, have {}×{}) — q quits",
            area.width, area.height
        );
        f.render_widget(Paragraph::new(msg).wrap(Wrap { trim: true }), area);
        return;
    }
    let [title, chain, events, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(app.state.hops.len() as u16 + 3),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_title(f, app, title);
    draw_chain(f, app, chain);
    draw_events(f, app, events);
    let bar: Vec<Span> = KEYS
        .iter()
        .flat_map(|(k, d)| {
            [
                Span::styled(
                    format!(" {k} "),
                    Style::default().add_modifier(Modifier::REVERSED),
                ),
                Span::raw(format!(" {d} ")),
            ]
        })
        .collect();
    f.render_widget(Paragraph::new(Line::from(bar)), keys);
    if app.help {
        draw_help(f, area);
    }
}

fn draw_title(f: &mut Frame, app: &App, area: Rect) {
    let s = &app.state;
    let worst = s.worst();
    let mut spans = vec![
        Span::styled(
            format!(" {} {} ", worst.symbol(), worst.word()),
            state_style(worst),
        ),
        Span::raw(format!(
            " triage502 · {} · {} · every {:.1} s",
            crate::report::host_name(),
            s.cfg.profile,
            s.cfg.probe.interval_ms as f64 / 1000.0
        )),
    ];
    if s.cfg.read_only {
        spans.push(Span::styled(
            " · READ-ONLY",
            Style::default().add_modifier(Modifier::BOLD),
        ));
    }
    if let Some(start) = s.incident_start {
        let now = chrono::Utc::now();
        let t = match s.recovered_at {
            Some(r) => format!(
                " · recovered after {}",
                crate::engine::human_duration((r - start).num_seconds())
            ),
            None => format!(
                " · red for {}",
                crate::engine::human_duration((now - start).num_seconds())
            ),
        };
        spans.push(Span::raw(t));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_chain(f: &mut Frame, app: &App, area: Rect) {
    let spin = SPINNER[app.spinner % SPINNER.len()];
    let narrow = area.width < 90;
    let rows = app.state.hops.iter().enumerate().map(|(i, h)| {
        let (state_cell, latency, reason) = match &h.last {
            Some(r) => (
                Span::styled(
                    format!("{} {}", r.state.symbol(), r.state.word()),
                    state_style(r.state),
                ),
                r.latency_ms
                    .map(|m| format!("{m:.0} ms"))
                    .unwrap_or_default(),
                r.reason.clone(),
            ),
            None => (
                Span::raw(format!("{spin} …")),
                String::new(),
                "probing…".into(),
            ),
        };
        let name = if h.in_flight && h.last.is_some() {
            format!("{} {spin}", h.hop.name)
        } else {
            h.hop.name.clone()
        };
        let mut cells = vec![Cell::from(state_cell), Cell::from(name)];
        if !narrow {
            cells.push(Cell::from(h.hop.kind.as_str()));
            cells.push(Cell::from(crate::util::shorten(h.hop.display_target(), 36)));
        }
        cells.push(Cell::from(latency));
        cells.push(Cell::from(reason));
        let style = if i == app.selected {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default()
        };
        Row::new(cells).style(style)
    });
    let widths: Vec<Constraint> = if narrow {
        vec![
            Constraint::Length(9),
            Constraint::Length(12),
            Constraint::Length(8),
            Constraint::Fill(1),
        ]
    } else {
        vec![
            Constraint::Length(9),
            Constraint::Length(14),
            Constraint::Length(17),
            Constraint::Length(36),
            Constraint::Length(8),
            Constraint::Fill(1),
        ]
    };
    let header: Vec<&str> = if narrow {
        vec!["STATE", "HOP", "TIME", "REASON"]
    } else {
        vec!["STATE", "HOP", "KIND", "TARGET", "TIME", "REASON"]
    };
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(Style::default().add_modifier(Modifier::BOLD)))
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(" Chain: user → proxy → app "),
        );
    f.render_widget(table, area);
}

fn draw_events(f: &mut Frame, app: &App, area: Rect) {
    let h = area.height.saturating_sub(2) as usize;
    let lines: Vec<Line> = app
        .state
        .timeline
        .iter()
        .rev()
        .take(h)
        .map(|e| {
            Line::from(format!(
                "{} {}",
                e.at.with_timezone(&chrono::Local).format("%H:%M:%S"),
                e.text
            ))
        })
        .collect();
    let body = if lines.is_empty() {
        vec![Line::from("no state changes yet")]
    } else {
        lines
    };
    f.render_widget(
        Paragraph::new(body).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" Events (newest first) "),
        ),
        area,
    );
}

fn draw_help(f: &mut Frame, area: Rect) {
    let w = 40.min(area.width);
    let h = (KEYS.len() as u16 + 4).min(area.height);
    let r = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
    let lines: Vec<Line> = KEYS
        .iter()
        .map(|(k, d)| Line::from(format!(" {k:<6} {d}")))
        .collect();
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" Keys (Esc closes) "),
        ),
        r,
    );
}
