//! The key bar: the focused pane's commands with their first key.

use crate::config::keys;
use crate::probe::State as HopState;
use crate::tui::app::{App, Pane};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub(super) fn context_commands(app: &App) -> Vec<&'static str> {
    let mut v = vec!["quit", "help", "focus-next"];
    match app.focus {
        Pane::Chain => v.extend(["details", "probe-now", "restart-service"]),
        Pane::Findings => v.extend(["details", "walkthrough", "run-action"]),
        Pane::Logs => v.extend(["filter", "pause", "details", "bottom"]),
        Pane::Services => v.extend(["restart-service", "details"]),
        Pane::Ports | Pane::Events => v.extend(["down", "up"]),
    }
    if app.state.cfg.read_only {
        v.retain(|c| !matches!(*c, "run-action" | "restart-service"));
    }
    v
}

pub(super) fn short_help(cmd: &str) -> &'static str {
    match cmd {
        "quit" => "quit",
        "help" => "help",
        "focus-next" => "pane",
        "details" => "details",
        "probe-now" => "probe",
        "restart-service" => "restart",
        "walkthrough" => "walkthrough",
        "run-action" => "fix",
        "filter" => "filter",
        "pause" => "pause",
        "bottom" => "follow",
        "down" => "down",
        "up" => "up",
        _ => "",
    }
}

pub(super) fn draw_keybar(f: &mut Frame, app: &App, area: Rect) {
    let mut spans: Vec<Span> = Vec::new();
    if let Some(e) = &app.keys_error {
        spans.push(Span::styled(
            format!(" {e} "),
            app.theme.state(HopState::Warn),
        ));
    }
    for cmd in context_commands(app) {
        let ks = keys::keys_of(&app.keys, cmd);
        let Some(k) = ks.first() else { continue };
        spans.push(Span::styled(
            format!(" {k} "),
            Style::default().add_modifier(Modifier::REVERSED),
        ));
        spans.push(Span::raw(format!(" {} ", short_help(cmd))));
    }
    if app.state.cfg.read_only {
        spans.push(Span::styled(
            " READ-ONLY: actions off ",
            Style::default().add_modifier(Modifier::BOLD),
        ));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}
