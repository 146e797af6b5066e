//! What is drawn over the panes: the help (scrolls when taller than the terminal), the
//! details of the selected line, the action dialog.

use super::SPINNER;
use super::detail::detail_text;
use super::text::*;
use crate::config::keys;
use crate::tr;
use crate::tui::app::{App, Dialog};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph, Wrap};

pub(super) fn draw_help(f: &mut Frame, app: &App, area: Rect) {
    let mut entries: Vec<(String, String)> = keys::Command::ALL
        .iter()
        .map(|c| (keys::keys_of(&app.keys, *c).join(", "), c.help()))
        .collect();
    entries.push(("ctrl-c".into(), tr!("keyhelp-ctrl-c")));
    entries.push(("ctrl-z".into(), tr!("keyhelp-ctrl-z")));
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
            lines.push(Line::from(format!(" {} {piece}", pad(&k, key_w))));
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
        b = b.title(format!(" {} ", tr!("keyhelp-title")));
    } else {
        let (first, last) = (scroll + 1, scroll + shown);
        b = b
            .title(format!(" {} ", tr!("keyhelp-title-scroll")))
            .title_bottom(format!(
                " {} ",
                if scroll < max {
                    tr!(
                        "keyhelp-position-more",
                        first = first,
                        last = last,
                        total = total
                    )
                } else {
                    tr!(
                        "keyhelp-position",
                        first = first,
                        last = last,
                        total = total
                    )
                }
            ));
    }
    clear_for_overlay(f, r);
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
    clear_for_overlay(f, r);
    f.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: false })
            .scroll((app.detail.unwrap_or(0), 0))
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(format!("{title}— {} ", tr!("detail-scroll-hint"))),
            ),
        r,
    );
}

pub(super) fn draw_dialog(f: &mut Frame, app: &App, d: &Dialog, area: Rect) {
    let spin = SPINNER[app.spinner % SPINNER.len()];
    let (title, text) = match d {
        Dialog::Planning(id) if id == crate::tui::review::REVIEW => (
            format!(" {} ", tr!("dialog-review-planning")),
            format!("{spin} {}", tr!("dialog-review-planning-text")),
        ),
        Dialog::Planning(id) => (
            format!(" {id} "),
            format!("{spin} {}", tr!("dialog-planning", what = id)),
        ),
        Dialog::ConfirmDanger(a) => (
            format!(" ▲ {} ", tr!("dialog-danger-title", id = a.id)),
            format!(
                "{}\n\n{}\n{}",
                a.danger.as_deref().unwrap_or(""),
                tr!("dialog-danger-text", id = a.id),
                tr!("dialog-danger-keys")
            ),
        ),
        Dialog::Confirm(a) => (
            format!(" {} ", tr!("dialog-confirm-title", id = a.id)),
            format!(
                "{}\n{}\n{}",
                a.preview(),
                if a.needs_root() && !crate::util::is_root() {
                    format!("{}\n", tr!("dialog-needs-root"))
                } else {
                    String::new()
                },
                if a.danger.is_some() {
                    tr!("dialog-confirm-keys-continue")
                } else {
                    tr!("dialog-confirm-keys-run")
                }
            ),
        ),
        Dialog::Running { id, lines } => (
            format!(" {spin} {} ", tr!("dialog-running-title", id = id)),
            lines
                .iter()
                .rev()
                .take(area.height as usize)
                .rev()
                .cloned()
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        Dialog::Message { title, text } => (
            title.clone(),
            format!("{text}\n\n{}", tr!("dialog-any-key-closes")),
        ),
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
            clear_for_overlay(f, r);
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
                            .title_bottom(format!(" {} ", tr!("dialog-scroll-hint"))),
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
    clear_for_overlay(f, r);
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
