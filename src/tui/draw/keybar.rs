//! The key bar: the focused pane's commands with their first key.

use crate::config::keys::{self, Command};
use crate::probe::State as HopState;
use crate::tr;
use crate::tui::app::{App, Pane};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The commands the key bar offers for the focused pane (actions left out when read-only).
pub(super) fn context_commands(app: &App) -> Vec<Command> {
    use Command::*;
    let mut v = vec![Quit, Help, FocusNext];
    match app.focus {
        Pane::Chain => v.extend([Details, ProbeNow, RestartService]),
        Pane::Findings => v.extend([Details, Walkthrough, RunAction]),
        Pane::Logs => v.extend([Filter, Pause, Details, Bottom]),
        Pane::Services => v.extend([RestartService, Details]),
        Pane::Ports | Pane::Events => v.extend([Down, Up]),
    }
    if app.state.cfg.read_only {
        v.retain(|c| !matches!(c, RunAction | RestartService));
    }
    v
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
        spans.push(Span::raw(format!(" {} ", cmd.short())));
    }
    if app.state.cfg.read_only {
        spans.push(Span::styled(
            format!(" {} ", tr!("keybar-read-only")),
            Style::default().add_modifier(Modifier::BOLD),
        ));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}
