//! Drawing, from `&App` only, one file per pane (chain, findings, logs, services, ports,
//! events), the key bar, the overlays (help, details, action dialog) and text helpers; this
//! file lays them out. Wide terminals show the panes together; narrow ones show one pane
//! under a tab bar; below the minimum size a one-line message says what is needed. Status is
//! always a symbol and a word; colour (from the theme) only adds to it.
//!
//! What the engine hands over comes partly from others (log lines, server answers, process
//! names, command output). ratatui drops C0/C1 controls but draws format characters such as
//! the bidi override U+202E; so every such string is passed through [`one`] (one line, unsafe
//! characters shown as `\u202e`, secrets and JWTs masked) or [`many`] (the same, lines kept)
//! before it becomes a span, and [`draw`] finally scrubs the buffer of anything unsafe that
//! came another way.

mod chain;
mod detail;
mod events;
mod findings;
pub mod fleet;
mod keybar;
mod logs;
mod overlays;
mod ports;
#[cfg(test)]
mod sanitise_tests;
mod services;
mod text;

pub use detail::detail_text;
#[cfg(test)]
pub(super) use text::{fit, pad, wrap};

use crate::probe::State as HopState;
use crate::tr;
use crate::tui::app::{App, Pane};
use chain::draw_chain;
use events::draw_events;
use findings::draw_findings;
use keybar::draw_keybar;
use logs::draw_logs;
use overlays::{draw_detail, draw_dialog, draw_help};
use ports::draw_ports;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph, Tabs, Wrap};
use services::draw_services;
use text::*;

/// Smallest usable width.
pub const MIN_W: u16 = 40;
/// Smallest usable height.
pub const MIN_H: u16 = 10;
/// From this size on, the panes are shown together.
const WIDE_W: u16 = 110;
const WIDE_H: u16 = 30;

pub(super) const SPINNER: &[&str] = &["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// Draw the whole screen.
pub fn draw(f: &mut Frame, app: &App) {
    let area = f.area();
    if area.width < MIN_W || area.height < MIN_H {
        let msg = tr!(
            "console-too-small",
            need = format!("{MIN_W}×{MIN_H}"),
            have = format!("{}×{}", area.width, area.height)
        );
        f.render_widget(Paragraph::new(msg).wrap(Wrap { trim: true }), area);
        return;
    }
    let [title, body, keybar] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_title(f, app, title);
    if area.width >= WIDE_W && area.height >= WIDE_H {
        draw_wide(f, app, body);
    } else {
        draw_narrow(f, app, body);
    }
    draw_keybar(f, app, keybar);
    if app.detail.is_some() {
        draw_detail(f, app, area);
    }
    if let Some(d) = &app.dialog {
        draw_dialog(f, app, d, area);
    }
    if app.help {
        draw_help(f, app, area);
    }
    scrub(f.buffer_mut());
}

fn draw_wide(f: &mut Frame, app: &App, area: Rect) {
    let chain_h = (app.state.hops.len() as u16 + 3).clamp(5, 14);
    // The findings pane beside the chain grows (up to 14 lines) to list every finding on a
    // line of its own and the selected one's details under them.
    let d = &app.state.diagnosis;
    let listed = (d.findings.len() + d.unchecked.len()).min(14) as u16;
    let findings_h = (listed + 2 + if d.findings.is_empty() { 0 } else { 6 }).min(14);
    let [top, mid, bottom] = Layout::vertical([
        Constraint::Length(chain_h.max(findings_h).max(8)),
        Constraint::Fill(1),
        Constraint::Length(8),
    ])
    .areas(area);
    let [chain, findings] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(top);
    let [logs, right] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(mid);
    let [services, ports] =
        Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(right);
    draw_pane(f, app, Pane::Chain, chain, true);
    draw_pane(f, app, Pane::Findings, findings, true);
    draw_pane(f, app, Pane::Logs, logs, true);
    draw_pane(f, app, Pane::Services, services, true);
    draw_pane(f, app, Pane::Ports, ports, true);
    draw_pane(f, app, Pane::Events, bottom, true);
}

/// The narrow layout's line under the tab bar when another tab than Findings is shown: the
/// top finding (state, id, title), so the root cause is on the first screen.
fn top_finding_line(app: &App, width: usize) -> Option<Line<'static>> {
    let d = &app.state.diagnosis;
    let fnd = d.findings.first()?;
    let mut spans = vec![
        Span::styled(state_label(fnd.severity), app.theme.state(fnd.severity)),
        Span::raw(if d.findings.len() > 1 {
            format!(
                " {}: ",
                tr!("pane-top-finding-of", total = d.findings.len())
            )
        } else {
            " ".to_string()
        }),
        Span::styled(fnd.id, app.theme.accent()),
        Span::raw(" "),
    ];
    let used = Line::from(spans.clone()).width();
    spans.push(Span::raw(
        wrap(&one(&fnd.title), width.saturating_sub(used), 1, 1).remove(0),
    ));
    Some(Line::from(spans))
}

fn draw_narrow(f: &mut Frame, app: &App, area: Rect) {
    let [tabs, body] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
    // The top finding takes a line when the tab shown is another one and there is room.
    let top = (app.focus != Pane::Findings && body.height >= 10)
        .then(|| top_finding_line(app, body.width as usize))
        .flatten();
    let body = match top {
        Some(line) => {
            let [strip, rest] =
                Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(body);
            f.render_widget(Paragraph::new(line), strip);
            rest
        }
        None => body,
    };
    let titles: Vec<Line> = Pane::ALL
        .iter()
        .map(|p| {
            let mark = match p {
                Pane::Chain => app.state.worst(),
                Pane::Findings => app.state.diagnosis.worst(),
                _ => HopState::Ok,
            };
            if mark == HopState::Ok {
                Line::from(p.title())
            } else {
                Line::from(vec![
                    Span::styled(mark.symbol(), app.theme.state(mark)),
                    Span::raw(format!(" {}", p.title())),
                ])
            }
        })
        .collect();
    let sel = Pane::ALL.iter().position(|p| *p == app.focus).unwrap_or(0);
    f.render_widget(
        Tabs::new(titles)
            .select(sel)
            .highlight_style(app.theme.selected())
            .divider("│"),
        tabs,
    );
    draw_pane(f, app, app.focus, body, false);
}

pub(super) fn block<'a>(app: &App, pane: Pane, title: String, wide: bool) -> Block<'a> {
    let focused = wide && app.focus == pane;
    Block::default()
        .borders(Borders::ALL)
        .border_type(if focused {
            BorderType::Double
        } else {
            BorderType::Plain
        })
        .border_style(app.theme.border(focused))
        .title(Span::styled(
            title,
            if focused {
                app.theme.accent()
            } else {
                Style::default()
            },
        ))
}

fn draw_pane(f: &mut Frame, app: &App, pane: Pane, area: Rect, wide: bool) {
    match pane {
        Pane::Chain => draw_chain(f, app, area, wide),
        Pane::Findings => draw_findings(f, app, area, wide),
        Pane::Logs => draw_logs(f, app, area, wide),
        Pane::Services => draw_services(f, app, area, wide),
        Pane::Ports => draw_ports(f, app, area, wide),
        Pane::Events => draw_events(f, app, area, wide),
    }
}

fn draw_title(f: &mut Frame, app: &App, area: Rect) {
    let s = &app.state;
    let overall = s.overall();
    let mut spans = vec![
        Span::styled(
            format!(" {} ", state_label(overall)),
            app.theme.state(overall),
        ),
        Span::raw(format!(
            " {}",
            tr!(
                "topbar-line",
                host = one(&app.host_name),
                profile = one(&s.cfg.profile),
                seconds = format!("{:.1}", s.cfg.probe.interval_ms as f64 / 1000.0)
            )
        )),
    ];
    if s.cfg.read_only {
        spans.push(Span::styled(
            format!(" · {}", tr!("topbar-read-only")),
            Style::default().add_modifier(Modifier::BOLD),
        ));
    }
    if app.paused_at.is_some() {
        spans.push(Span::styled(
            format!(" · {}", tr!("topbar-log-paused")),
            Style::default().add_modifier(Modifier::BOLD),
        ));
    }
    if let Some(start) = s.incident_start {
        let now = app.now();
        spans.push(Span::raw(match s.recovered_at {
            // After recovery, the phases against the runbook's targets.
            Some(_) if let Some(p) = crate::engine::phases::phases(s) => {
                format!(" · {}", crate::engine::phases::summary(&p))
            }
            Some(r) => format!(
                " · {}",
                tr!(
                    "topbar-recovered-in",
                    duration = crate::engine::human_duration((r - start).num_seconds())
                )
            ),
            None => format!(
                " · {}",
                tr!(
                    "topbar-red-for",
                    duration = crate::engine::human_duration((now - start).num_seconds())
                )
            ),
        }));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}
