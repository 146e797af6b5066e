//! What is drawn over the panes: the help (scrolls when taller than the terminal), the
//! details of the selected line, the action dialog.

use super::SPINNER;
use super::detail::detail_text;
use super::text::*;
use crate::config::keys;
use crate::tui::app::{App, Dialog};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Wrap};

pub(super) fn draw_help(f: &mut Frame, app: &App, area: Rect) {
    let mut entries: Vec<(String, &str)> = keys::Command::ALL
        .iter()
        .map(|c| (keys::keys_of(&app.keys, *c).join(", "), c.info().help))
        .collect();
    entries.push(("ctrl-c".into(), "quit (or cancel a running action)"));
    entries.push(("ctrl-z".into(), "suspend to the shell (fg resumes)"));
    // Keys in a column as wide as the widest (at most 14); the texts wrap in a narrow box.
    let w = area.width.min(66);
    let key_w = entries
        .iter()
        .map(|(k, _)| Span::raw(k.as_str()).width())
        .max()
        .unwrap_or(0)
        .min(14);
    let text_w = (w as usize).saturating_sub(key_w + 4).max(8);
    let mut lines: Vec<Line> = Vec::new();
    for (k, help) in &entries {
        for (n, piece) in wrap(help, text_w, text_w, 4).into_iter().enumerate() {
            let k = if n == 0 { one(k) } else { String::new() };
            lines.push(Line::from(format!(" {k:<key_w$} {piece}")));
        }
    }
    let total = lines.len().min(u16::MAX as usize) as u16;
    let r = centered(area, w, total.saturating_add(2));
    // Taller than the terminal: j/k scroll, and the bottom border says what is left.
    let shown = r.height.saturating_sub(2);
    let max = total.saturating_sub(shown);
    app.help_max.set(max);
    let scroll = app.help_scroll.min(max);
    let mut b = Block::default().borders(Borders::ALL);
    if max == 0 {
        b = b.title(" Keys (any key closes) ");
    } else {
        b = b.title(" Keys — j/k scroll ").title_bottom(format!(
            " {}–{} of {total}{} ",
            scroll + 1,
            scroll + shown,
            if scroll < max { " · j more" } else { "" }
        ));
    }
    f.render_widget(Clear, r);
    f.render_widget(Paragraph::new(lines).scroll((scroll, 0)).block(b), r);
}

pub(super) fn draw_detail(f: &mut Frame, app: &App, area: Rect) {
    let (title, text) = detail_text(app);
    let (title, text) = (one(&title), many(&text));
    let r = centered(
        area,
        area.width.saturating_sub(6).max(30),
        area.height.saturating_sub(4).max(6),
    );
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: false })
            .scroll((app.detail.unwrap_or(0), 0))
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(format!("{title}— j/k scroll, Esc closes ")),
            ),
        r,
    );
}

pub(super) fn draw_dialog(f: &mut Frame, app: &App, d: &Dialog, area: Rect) {
    let spin = SPINNER[app.spinner % SPINNER.len()];
    let (title, text) = match d {
        Dialog::Planning(id) => (
            format!(" {id} "),
            format!("{spin} planning {id}: asking the service managers…"),
        ),
        Dialog::ConfirmDanger(a) => (
            format!(" ▲ DANGER — {} ", a.id),
            format!(
                "{}\n\nRunning {} would delete what DANGER lists above, beyond what it fixes.\n\
                 D (shift-d): run it anyway      any other key: cancel",
                a.danger.as_deref().unwrap_or(""),
                a.id
            ),
        ),
        Dialog::Confirm(a) => (
            format!(" Run {}? ", a.id),
            format!(
                "{}\n{}\ny / Enter: {}      any other key: cancel",
                a.preview(),
                if a.needs_root() && !crate::util::is_root() {
                    "needs root: sudo -n is used when passwordless sudo works, otherwise it is refused with the command to run.\n"
                } else {
                    ""
                },
                if a.danger.is_some() {
                    "continue (a second confirmation follows)"
                } else {
                    "run"
                }
            ),
        ),
        Dialog::Running { id, lines } => (
            format!(" {spin} running {id} — Esc cancels "),
            lines
                .iter()
                .rev()
                .take(area.height as usize)
                .rev()
                .cloned()
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        Dialog::Message { title, text } => (title.clone(), format!("{text}\n\n(any key closes)")),
        Dialog::Scroll {
            title,
            text,
            scroll,
        } => {
            let r = centered(
                area,
                area.width.saturating_sub(4).max(10),
                area.height.saturating_sub(2).max(3),
            );
            f.render_widget(Clear, r);
            f.render_widget(
                Paragraph::new(many(text))
                    .wrap(Wrap { trim: false })
                    .scroll((*scroll, 0))
                    .block(
                        Block::default()
                            .borders(Borders::ALL)
                            .border_type(BorderType::Double)
                            .title(Span::styled(
                                one(title),
                                Style::default().add_modifier(Modifier::BOLD),
                            ))
                            .title_bottom(" j/k scroll · any other key closes "),
                    ),
                r,
            );
            return;
        }
    };
    // The preview shows argv that may hold secrets; output lines come from the commands.
    let (title, text) = (one(&title), many(&text));
    let r = centered(
        area,
        area.width.saturating_sub(8).clamp(30, 100),
        area.height.saturating_sub(6).clamp(6, 24),
    );
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(text).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .border_type(BorderType::Double)
                .title(Span::styled(
                    title,
                    Style::default().add_modifier(Modifier::BOLD),
                )),
        ),
        r,
    );
}
