//! The Events pane: the timeline, newest first.

use super::block;
use super::text::*;
use crate::tr;
use crate::tui::app::{App, Pane};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

pub(super) fn draw_events(f: &mut Frame, app: &App, area: Rect, wide: bool) {
    let b = block(
        app,
        Pane::Events,
        format!(" {} ", Pane::Events.title()),
        wide,
    );
    let h = area.height.saturating_sub(2) as usize;
    let lines: Vec<Line> = app
        .state
        .timeline
        .iter()
        .rev()
        .take(h)
        .map(|e| Line::from(format!("{} {}", time_fmt(app, e.at), one(&e.text))))
        .collect();
    let body = if lines.is_empty() {
        vec![Line::from(tr!("pane-events-none"))]
    } else {
        lines
    };
    f.render_widget(Paragraph::new(body).block(b), area);
}
