//! Drawing, from `&App` only. Wide terminals show the panes together; narrow ones show one pane
//! under a tab bar; below the minimum size a one-line message says what is needed. Status is
//! always a symbol and a word; colour (from the theme) only adds to it.
//!
//! What the engine hands over comes partly from others (log lines, server answers, process
//! names, command output). ratatui drops C0/C1 controls but draws format characters such as
//! the bidi override U+202E; so every such string is passed through [`one`] (one line, unsafe
//! characters shown as `\u202e`, secrets and JWTs masked) or [`many`] (the same, lines kept)
//! before it becomes a span, and [`draw`] finally scrubs the buffer of anything unsafe that
//! came another way.

use super::app::{App, Dialog, Pane};
use crate::config::keys;
use crate::probe::State as HopState;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, BorderType, Borders, Cell, Clear, List, ListItem, ListState, Paragraph, Row, Table,
    TableState, Tabs, Wrap,
};

/// Smallest usable width.
pub const MIN_W: u16 = 40;
/// Smallest usable height.
pub const MIN_H: u16 = 10;
/// From this size on, the panes are shown together.
const WIDE_W: u16 = 110;
const WIDE_H: u16 = 30;

const SPINNER: &[&str] = &["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// A value from outside as one line of the console (see [`crate::sanitize::field`]).
fn one(s: &str) -> String {
    crate::sanitize::field(s)
}

/// A text from outside for a paragraph: lines kept, the rest as in [`one`].
fn many(s: &str) -> String {
    crate::sanitize::text(s)
}

/// The last guard: no cell of the frame holds a character a terminal would act on or that
/// reorders text (a format character reaching a cell another way than through [`one`]).
fn scrub(buf: &mut ratatui::buffer::Buffer) {
    for cell in buf.content.iter_mut() {
        let sym = cell.symbol();
        if sym.chars().any(crate::sanitize::is_unsafe) {
            let kept: String = sym
                .chars()
                .filter(|c| !crate::sanitize::is_unsafe(*c))
                .collect();
            cell.set_symbol(if kept.is_empty() { "�" } else { &kept });
        }
    }
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
        Span::styled(
            format!("{} {}", fnd.severity.symbol(), fnd.severity.word()),
            app.theme.state(fnd.severity),
        ),
        Span::raw(if d.findings.len() > 1 {
            format!(" 1 of {}: ", d.findings.len())
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

fn block<'a>(app: &App, pane: Pane, title: String, wide: bool) -> Block<'a> {
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

fn time_fmt(app: &App, t: chrono::DateTime<chrono::Utc>) -> String {
    if app.utc {
        t.format("%H:%M:%S").to_string()
    } else {
        t.with_timezone(&chrono::Local)
            .format("%H:%M:%S")
            .to_string()
    }
}

fn draw_title(f: &mut Frame, app: &App, area: Rect) {
    let s = &app.state;
    let overall = s.overall();
    let mut spans = vec![
        Span::styled(
            format!(" {} {} ", overall.symbol(), overall.word()),
            app.theme.state(overall),
        ),
        Span::raw(format!(
            " triage502 · {} · {} · every {:.1} s",
            one(&app.host_name),
            one(&s.cfg.profile),
            s.cfg.probe.interval_ms as f64 / 1000.0
        )),
    ];
    if s.cfg.read_only {
        spans.push(Span::styled(
            " · READ-ONLY",
            Style::default().add_modifier(Modifier::BOLD),
        ));
    }
    if app.paused_at.is_some() {
        spans.push(Span::styled(
            " · LOG PAUSED",
            Style::default().add_modifier(Modifier::BOLD),
        ));
    }
    if let Some(start) = s.incident_start {
        let now = app.now();
        spans.push(Span::raw(match s.recovered_at {
            Some(r) => format!(
                " · recovered in {}",
                crate::engine::human_duration((r - start).num_seconds())
            ),
            None => format!(
                " · red for {}",
                crate::engine::human_duration((now - start).num_seconds())
            ),
        }));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn latency(ms: Option<f64>) -> String {
    match ms {
        Some(m) if m >= 1000.0 => format!("{:.1} s", m / 1000.0),
        Some(m) => format!("{m:.0} ms"),
        None => String::new(),
    }
}

/// A hop's state (symbol and word, styled), latency and reason; a spinner before its first
/// result.
fn hop_cells(app: &App, h: &crate::engine::HopView, spin: &str) -> (Span<'static>, String, String) {
    match &h.last {
        Some(r) => (
            Span::styled(
                format!("{} {}", r.state.symbol(), r.state.word()),
                app.theme.state(r.state),
            ),
            latency(r.latency_ms),
            one(&r.reason),
        ),
        None => (
            Span::raw(format!("{spin} …")),
            String::new(),
            "probing…".into(),
        ),
    }
}

fn draw_chain(f: &mut Frame, app: &App, area: Rect, wide: bool) {
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
            .block(block(app, Pane::Chain, " Chain ".into(), wide));
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
                cells.push(Cell::from(crate::util::shorten(
                    &one(h.hop.display_target()),
                    30,
                )));
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
            " Chain: user → proxy → app ".into(),
            wide,
        ));
    f.render_stateful_widget(table, area, &mut st);
}

fn draw_findings(f: &mut Frame, app: &App, area: Rect, wide: bool) {
    if wide && !app.walkthrough {
        draw_findings_ranked(f, app, area);
        return;
    }
    let d = &app.state.diagnosis;
    let mut items: Vec<ListItem> = Vec::new();
    let title;
    // Titles and next steps wrap (a narrow pane cut them mid-word), within a few lines so
    // several entries still fit.
    let width = area.width.saturating_sub(2) as usize;
    if app.walkthrough {
        title = " Walkthrough (w: findings) ".to_string();
        for (i, s) in app.state.walkthrough().iter().enumerate() {
            let head = vec![
                Span::styled(
                    format!("{} {:<7}", s.verdict.symbol(), s.verdict.word()),
                    app.theme.state(s.verdict),
                ),
                Span::styled(format!(" {}. ", i + 1), app.theme.accent()),
            ];
            let mut lines = headed(head, &one(s.title), width, 2, app.theme.accent());
            lines.extend(bullet(&one(&s.next), "→", width, Style::default()));
            items.push(ListItem::new(lines));
        }
    } else {
        title = format!(" Findings ({}) — w: walkthrough ", d.findings.len());
        if app.state.rounds == 0 {
            items.push(ListItem::new("waiting for the first probe round…"));
        } else if d.all_clear {
            items.push(ListItem::new(Line::from(vec![
                Span::styled("✔ OK ", app.theme.state(HopState::Ok)),
                Span::raw("All clear: every hop answers, no root cause found."),
            ])));
        }
        for (i, fnd) in d.findings.iter().enumerate() {
            let head = finding_head(app, i, fnd);
            let title = format!("({:?}) {}", fnd.confidence, one(&fnd.title));
            let mut lines = headed(head, &title, width, 3, Style::default());
            if let Some(e) = fnd.evidence.first() {
                lines.extend(bullet(&one(&e.fact), "·", width, app.theme.dim()));
            }
            if let Some(a) = &fnd.action {
                lines.push(Line::from(format!("   x: {}", one(a))));
            }
            items.push(ListItem::new(lines));
        }
        for u in &d.unchecked {
            items.push(ListItem::new(Line::from(vec![
                Span::styled("? UNKNOWN ", app.theme.state(HopState::Unknown)),
                Span::raw(format!("{}: {}", one(&u.what), one(&u.why))),
            ])));
        }
    }
    let mut st = ListState::default();
    if app.focus == Pane::Findings && app.pane_len(Pane::Findings) > 0 {
        st.select(Some(app.selected(Pane::Findings)));
    }
    let list = List::new(items)
        .highlight_style(app.theme.selected())
        .block(block(app, Pane::Findings, title, wide));
    f.render_stateful_widget(list, area, &mut st);
}

/// A finding's head: state (symbol and word), rank, id.
fn finding_head(app: &App, i: usize, fnd: &crate::diagnose::Finding) -> Vec<Span<'static>> {
    vec![
        Span::styled(
            format!("{} {:<4}", fnd.severity.symbol(), fnd.severity.word()),
            app.theme.state(fnd.severity),
        ),
        Span::raw(format!(" {}. ", i + 1)),
        Span::styled(fnd.id, app.theme.accent()),
        Span::raw(" "),
    ]
}

/// The wide layout's findings: every finding on one line (state, rank, id, title), ranked;
/// under them the selected finding's details (confidence, its whole title when the line cut
/// it, evidence, first next step, recovery action); then the UNKNOWN lines. Several findings
/// are all seen at once; the one selected is read below them.
fn draw_findings_ranked(f: &mut Frame, app: &App, area: Rect) {
    let d = &app.state.diagnosis;
    let b = block(
        app,
        Pane::Findings,
        format!(" Findings ({}) — w: walkthrough ", d.findings.len()),
        true,
    );
    let inner = b.inner(area);
    f.render_widget(b, area);
    let (width, height) = (inner.width as usize, inner.height as usize);
    let mut lines: Vec<Line> = Vec::new();
    if app.state.rounds == 0 {
        lines.push(Line::from("waiting for the first probe round…"));
    } else if d.all_clear {
        let text = "All clear: every hop answers, no root cause found.";
        let mut pieces =
            wrap(text, width.saturating_sub(5), width.saturating_sub(5), 2).into_iter();
        lines.push(Line::from(vec![
            Span::styled("✔ OK ", app.theme.state(HopState::Ok)),
            Span::raw(pieces.next().unwrap_or_default()),
        ]));
        lines.extend(pieces.map(|l| Line::from(format!("     {l}"))));
    }
    let sel = app.selected(Pane::Findings);
    let focused = app.focus == Pane::Findings;
    let mut cut = false;
    for (i, fnd) in d.findings.iter().enumerate() {
        let mut head = finding_head(app, i, fnd);
        let used = Line::from(head.clone()).width();
        let title = one(&fnd.title);
        let line = wrap(&title, width.saturating_sub(used), 1, 1).remove(0);
        cut |= i == sel && line != title;
        head.push(Span::raw(line));
        let mut line = Line::from(head);
        if focused && i == sel {
            line = line.patch_style(app.theme.selected());
        }
        lines.push(line);
    }
    // The selected row stays on screen when there are more findings than lines.
    let skip = if focused {
        (sel + 1).saturating_sub(height)
    } else {
        0
    };
    let mut detail: Vec<Line> = Vec::new();
    if let Some(fnd) = d.findings.get(sel) {
        let rule = format!(
            "── {}. {} · {:?} confidence ",
            sel + 1,
            fnd.id,
            fnd.confidence
        );
        let fill = width.saturating_sub(Span::raw(rule.as_str()).width());
        detail.push(Line::styled(
            format!("{rule}{}", "─".repeat(fill)),
            app.theme.dim(),
        ));
        if cut {
            detail.extend(
                wrap(&one(&fnd.title), width, width, 3)
                    .into_iter()
                    .map(Line::from),
            );
        }
        // What is cut when the pane is short goes last: the second piece of evidence.
        let evidence =
            |e: &crate::diagnose::Evidence| bullet(&one(&e.fact), "·", width, app.theme.dim());
        if let Some(e) = fnd.evidence.first() {
            detail.extend(evidence(e));
        }
        if let Some(n) = fnd.next_steps.first() {
            detail.extend(bullet(&one(n), "→", width, Style::default()));
        }
        if let Some(a) = &fnd.action {
            detail.push(Line::from(format!("   x: {}", one(a))));
        }
        if let Some(e) = fnd.evidence.get(1) {
            detail.extend(evidence(e));
        }
    }
    let left = height.saturating_sub(lines.len());
    let unknown_line = |text: String| {
        Line::from(vec![
            Span::styled("? UNKNOWN ", app.theme.state(HopState::Unknown)),
            Span::raw(wrap(&text, width.saturating_sub(10), 1, 1).remove(0)),
        ])
    };
    // One line each, or all on one line when they would crowd out the details.
    let unknown: Vec<Line> = if d.unchecked.len() > 1 && detail.len() + d.unchecked.len() > left {
        let what: Vec<String> = d.unchecked.iter().map(|u| one(&u.what)).collect();
        vec![unknown_line(format!(
            "{} not checked: {}",
            what.len(),
            what.join(" · ")
        ))]
    } else {
        d.unchecked
            .iter()
            .map(|u| unknown_line(format!("{}: {}", one(&u.what), one(&u.why))))
            .collect()
    };
    // The details leave room for the UNKNOWN lines, but keep at least four lines (or what
    // the pane has left).
    let keep = left.saturating_sub(unknown.len()).max(left.min(4));
    detail.truncate(keep);
    lines.extend(detail);
    lines.extend(unknown);
    f.render_widget(
        Paragraph::new(lines).scroll((skip.min(u16::MAX as usize) as u16, 0)),
        inner,
    );
}

/// `head` (spans: a state, a number, an id) followed by `text` wrapped to at most `max_lines`
/// lines of `width`, the later ones indented by three columns; the text drawn in `style`.
fn headed(
    mut head: Vec<Span<'static>>,
    text: &str,
    width: usize,
    max_lines: usize,
    style: Style,
) -> Vec<Line<'static>> {
    let used = Line::from(head.clone()).width();
    let mut pieces = wrap(
        text,
        width.saturating_sub(used),
        width.saturating_sub(3),
        max_lines,
    )
    .into_iter();
    head.push(Span::styled(pieces.next().unwrap_or_default(), style));
    let mut lines = vec![Line::from(head)];
    lines.extend(pieces.map(|l| Line::styled(format!("   {l}"), style)));
    lines
}

/// `text` under a finding or a walkthrough step: `   MARK text`, wrapped to two lines of
/// `width`, the second indented under the first.
fn bullet(text: &str, mark: &str, width: usize, style: Style) -> Vec<Line<'static>> {
    let w = width.saturating_sub(5);
    wrap(text, w, w, 2)
        .into_iter()
        .enumerate()
        .map(|(n, l)| {
            let lead = if n == 0 {
                format!("   {mark} ")
            } else {
                "     ".to_string()
            };
            Line::styled(format!("{lead}{l}"), style)
        })
        .collect()
}

/// Word-wraps `text` into at most `max_lines` lines: the first up to `first` columns wide,
/// the others up to `rest` (display columns: CJK and emoji take two). A word longer than a
/// line is cut; when text is left over after the last line, that line ends with ` …` (or
/// `…` in place of its last characters when there is no room).
pub(super) fn wrap(text: &str, first: usize, rest: usize, max_lines: usize) -> Vec<String> {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    let cw = |c: char| c.width().unwrap_or(0);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut width = first.max(1);
    for word in text.split_whitespace() {
        let mut word = word;
        loop {
            let len = line.width();
            let sep = usize::from(len > 0);
            if len + sep + word.width() <= width {
                if sep == 1 {
                    line.push(' ');
                }
                line.push_str(word);
                break;
            }
            if len == 0 {
                // Longer than a whole line: the piece that fits goes on this one (at least
                // one character, so a line narrower than a wide character still moves on).
                let mut used = 0;
                let mut cut = 0;
                for (b, c) in word.char_indices() {
                    if used + cw(c) > width && b > 0 {
                        break;
                    }
                    used += cw(c);
                    cut = b + c.len_utf8();
                }
                line.push_str(&word[..cut]);
                word = &word[cut..];
            }
            if lines.len() + 1 == max_lines.max(1) {
                // The last line, and text is left: say so.
                if line.width() + 2 <= width {
                    line.push_str(" …");
                } else {
                    while line.width() + 1 > width && line.pop().is_some() {}
                    line.push('…');
                }
                lines.push(line);
                return lines;
            }
            lines.push(std::mem::take(&mut line));
            width = rest.max(1);
            if word.is_empty() {
                break;
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

fn class_state(c: crate::logs::Class) -> HopState {
    match c.info().client_gets {
        "502" | "504" => HopState::Fail,
        _ => HopState::Warn,
    }
}

fn draw_logs(f: &mut Frame, app: &App, area: Rect, wide: bool) {
    let view = app.log_view();
    // Per-class counter of the last 5 minutes.
    let counter = recent_counts(app, crate::engine::LOG_WINDOW_SECS);
    let counter_line = if counter.is_empty() {
        "last 5 min: no upstream failures".to_string()
    } else {
        format!(
            "last 5 min: {}",
            counter
                .iter()
                .map(|(c, n)| format!("{c} {n}"))
                .collect::<Vec<_>>()
                .join(" · ")
        )
    };
    let inner_w = area.width.saturating_sub(2) as usize;
    // Only the rows that fit are built (the view can hold 10 000 entries): the window follows
    // the selection when the pane is focused, else it shows the newest entries.
    let rows = area.height.saturating_sub(3).max(1) as usize;
    let focused_sel = (app.focus == Pane::Logs && !view.is_empty())
        .then(|| app.selected_of(Pane::Logs, view.len()));
    let start = match focused_sel {
        Some(sel) => sel
            .saturating_sub(rows - 1)
            .min(view.len().saturating_sub(rows)),
        None => view.len().saturating_sub(rows),
    };
    let shown = &view[start..view.len().min(start + rows)];
    // The class column is as wide as the longest class in the view (not only on screen, so
    // the messages do not move sideways while scrolling).
    let class_w = view
        .iter()
        .map(|row| row.last.class().id().len())
        .max()
        .unwrap_or(0);
    let items: Vec<ListItem> = shown
        .iter()
        .map(|row| {
            let r = row.last;
            let st = class_state(r.class());
            let time = clock(r);
            // time, space, symbol, space, class, space
            let used = 9 + 2 + class_w + 1;
            let text = crate::util::shorten(
                &one(&log_row_text(row)),
                inner_w.saturating_sub(used).max(10),
            );
            ListItem::new(Line::from(vec![
                Span::raw(format!("{time} ")),
                Span::styled(
                    format!("{} {:<class_w$}", st.symbol(), r.class().id()),
                    app.theme.state(st),
                ),
                Span::raw(format!(" {text}")),
            ]))
        })
        .collect();
    let mut notices: Vec<ListItem> = app
        .state
        .logs
        .notices
        .iter()
        .map(|(p, t)| {
            ListItem::new(Line::from(vec![
                Span::styled("? ", app.theme.state(HopState::Unknown)),
                Span::raw(one(&format!("{p}: {t}"))),
            ]))
        })
        .collect();
    let entries: usize = view.iter().map(|row| row.count).sum();
    let mut title = format!(" Error log ({entries} shown");
    if !app.filter.is_empty() {
        title.push_str(&format!(", filter {}", one(&format!("{:?}", app.filter))));
    }
    if app.paused_at.is_some() {
        title.push_str(", PAUSED");
    }
    title.push_str(") ");
    let b = block(app, Pane::Logs, title, wide);
    let inner = b.inner(area);
    f.render_widget(b, area);
    let [head, list_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(inner);
    let head_text = match (&app.filter_input, &app.state.access) {
        (Some(input), _) => format!(
            "filter: {}▏  (Enter apply · Esc cancel · class:ID)",
            one(input)
        ),
        (None, Some(a)) => format!("{counter_line} │ {}", one(&a.line())),
        (None, None) => counter_line,
    };
    f.render_widget(Paragraph::new(head_text).style(app.theme.dim()), head);
    let shown_empty = items.is_empty();
    let mut all = items;
    if shown_empty && !app.filter.trim().is_empty() {
        let text = no_match_text(app.filter.trim());
        let lines: Vec<Line> = wrap(&text, inner_w, inner_w, 3)
            .into_iter()
            .map(Line::from)
            .collect();
        all.push(ListItem::new(lines));
    } else if shown_empty && notices.is_empty() {
        all.push(ListItem::new(
            if app.state.cfg.logs.nginx_error.is_empty() {
                "no error log configured ([logs] nginx_error)"
            } else {
                "no upstream failure logged (waiting for new lines)"
            },
        ));
    }
    let n = all.len();
    all.append(&mut notices);
    let mut st = ListState::default();
    if let Some(sel) = focused_sel.filter(|_| !shown_empty) {
        st.select(Some(sel - start));
    } else if n > 0 {
        // Keep the newest entries in view.
        *st.offset_mut() = n.saturating_sub(list_area.height as usize);
    }
    f.render_stateful_widget(
        List::new(all).highlight_style(app.theme.selected()),
        list_area,
        &mut st,
    );
}

/// Entries per class (`other` left out) logged within the last `secs` seconds of the app's
/// clock ([`App::now`]: frozen in tests), most first. Log times are the box's local time as
/// written; entries without a time count as recent.
fn recent_counts(app: &App, secs: i64) -> Vec<(&'static str, usize)> {
    let now = app.now();
    let now = if app.utc {
        now.naive_utc()
    } else {
        now.with_timezone(&chrono::Local).naive_local()
    };
    let cutoff = now - chrono::Duration::seconds(secs);
    let mut counts: std::collections::BTreeMap<&'static str, usize> = Default::default();
    for r in &app.state.logs.entries {
        if r.class() != crate::logs::Class::Other && r.time().is_none_or(|t| t >= cutoff) {
            *counts.entry(r.class().id()).or_default() += 1;
        }
    }
    let mut counts: Vec<(&'static str, usize)> = counts.into_iter().collect();
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    counts
}

/// What the error-log pane says when its filter matches no entry: so, with the filter; a
/// `class:` that is no class's id says that too, with the classes it may have meant.
fn no_match_text(filter: &str) -> String {
    let mut t = format!("no entry matches {}", one(filter));
    if let Some(id) = filter.strip_prefix("class:").map(str::trim)
        && crate::logs::Class::from_id(id).is_none()
    {
        let like: Vec<&str> = crate::logs::Class::ALL
            .iter()
            .map(|c| c.id())
            .filter(|c| !id.is_empty() && (c.contains(id) || id.contains(c)))
            .collect();
        t.push_str(&format!(" ({} is not a class", one(id)));
        if !like.is_empty() {
            t.push_str(&format!("; did you mean {}?", like.join(", ")));
        }
        t.push(')');
    }
    t
}

/// A log entry's time of day as logged (`--:--:--` when it has none).
fn clock(r: &crate::logs::Record) -> String {
    r.time()
        .map(|t| t.format("%H:%M:%S").to_string())
        .unwrap_or_else(|| "--:--:--".into())
}

/// What an error-log row shows after its class, most telling first: how many entries it
/// stands for, for nginx the upstream the attempts went to and the requests
/// (`×37 127.0.0.1:8000 ← GET /healthcheck, POST /coauthoring/CommandService.ashx`), then
/// the message. The class already says what happened; a cut row keeps where and for what.
fn log_row_text(row: &super::app::LogRow<'_>) -> String {
    let count = if row.count > 1 {
        format!("×{} ", row.count)
    } else {
        String::new()
    };
    let r = row.last;
    let crate::logs::Record::Nginx(e) = r else {
        return format!("{count}{}", r.message());
    };
    let mut place: Vec<String> = Vec::new();
    if let Some(u) = e.upstream_peer() {
        place.push(u.to_string());
    }
    if !row.requests().is_empty() {
        let mut requests: Vec<&str> = row
            .requests()
            .iter()
            .map(|q| {
                q.rsplit_once(" HTTP/")
                    .map_or(*q, |(method_path, _)| method_path)
            })
            .collect();
        if row.more_requests {
            requests.push("…");
        }
        place.push(format!("← {}", requests.join(", ")));
    }
    if place.is_empty() {
        format!("{count}{}", e.message)
    } else {
        format!("{count}{} · {}", place.join(" "), e.message)
    }
}

fn unknown_line<'a>(app: &App, what: &str, why: Option<String>) -> ListItem<'a> {
    ListItem::new(Line::from(vec![
        Span::styled("? UNKNOWN ", app.theme.state(HopState::Unknown)),
        Span::raw(one(&format!(
            "{what}: {}",
            why.unwrap_or_else(|| "not collected yet".into())
        ))),
    ]))
}

fn draw_services(f: &mut Frame, app: &App, area: Rect, wide: bool) {
    // Facts are refreshed every HOST_EVERY: older ones (a refresh that hangs) say their age.
    // Uptimes are as of that refresh too: they go on counting from it.
    let age = app
        .state
        .host
        .as_ref()
        .map(|h| (app.now() - h.services.at).num_seconds().max(0))
        .unwrap_or(0);
    let title = if age > super::HOST_EVERY.as_secs() as i64 + 30 {
        format!(
            " Services (as of {} ago) ",
            crate::engine::human_duration(age)
        )
    } else {
        " Services ".to_string()
    };
    let b = block(app, Pane::Services, title, wide);
    let Some(snap) = &app.state.host else {
        f.render_widget(
            List::new(vec![ListItem::new("collecting host facts…")]).block(b),
            area,
        );
        return;
    };
    let Some(svcs) = snap.services.value() else {
        f.render_widget(
            List::new(vec![unknown_line(
                app,
                "services",
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
                format!("{:?}", s.backend).to_lowercase(),
            ];
            (st, cells)
        })
        .unzip();
    const HEADERS: [&str; 7] = ["STATE", "SERVICE", "SUB", "PID", "UP", "↻", "BACKEND"];
    let inner = area.width.saturating_sub(2);
    let shown = fit_columns(&HEADERS, &cells, &SERVICE_COLUMN_DROP_ORDER, inner);
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
            Row::new(shown.iter().map(|&(i, _)| HEADERS[i]))
                .style(Style::default().add_modifier(Modifier::BOLD)),
        )
        .row_highlight_style(app.theme.selected())
        .block(b);
    f.render_stateful_widget(t, area, &mut st);
}

/// The services table's columns in the order they are left out when the pane is too narrow
/// for all: backend, sub-state, restarts, uptime, pid. State and name always stay.
const SERVICE_COLUMN_DROP_ORDER: [usize; 5] = [6, 2, 5, 4, 3];

/// Which columns of a table fit in `width` and how wide each is (its widest cell or header):
/// columns are left out in `drop_order` until the rest, with one space between columns, fits.
/// Returns `(column index, width)` in column order.
fn fit_columns<const N: usize>(
    headers: &[&str; N],
    rows: &[[String; N]],
    drop_order: &[usize],
    width: u16,
) -> Vec<(usize, u16)> {
    let w = |i: usize| -> u16 {
        rows.iter()
            .map(|r| r[i].as_str())
            .chain([headers[i]])
            .map(|c| Span::raw(c).width())
            .max()
            .unwrap_or(0)
            .min(u16::MAX as usize) as u16
    };
    let mut cols: Vec<(usize, u16)> = (0..N).map(|i| (i, w(i))).collect();
    let need = |cols: &[(usize, u16)]| {
        cols.iter().map(|c| u32::from(c.1)).sum::<u32>() + cols.len().saturating_sub(1) as u32
    };
    for d in drop_order {
        if need(&cols) <= u32::from(width) {
            break;
        }
        cols.retain(|c| c.0 != *d);
    }
    cols
}

fn draw_ports(f: &mut Frame, app: &App, area: Rect, wide: bool) {
    let b = block(app, Pane::Ports, " Ports & processes ".into(), wide);
    let Some(snap) = &app.state.host else {
        f.render_widget(
            List::new(vec![ListItem::new("collecting host facts…")]).block(b),
            area,
        );
        return;
    };
    let chain_ports = crate::engine::chain_ports(&app.state.cfg);
    let mut items: Vec<ListItem> = Vec::new();
    if let Some(m) = snap.memory.value() {
        let pct = if m.total_bytes > 0 {
            m.available_bytes as f64 * 100.0 / m.total_bytes as f64
        } else {
            100.0
        };
        let st = if pct < 5.0 {
            HopState::Fail
        } else if pct < 15.0 {
            HopState::Warn
        } else {
            HopState::Ok
        };
        let psi = m
            .psi_some
            .as_ref()
            .map(|p| format!(", PSI some avg10 {:.1}", p.avg10))
            .unwrap_or_default();
        items.push(ListItem::new(Line::from(vec![
            Span::styled(
                format!("{} {} ", st.symbol(), st.word()),
                app.theme.state(st),
            ),
            Span::raw(format!(
                "memory available {pct:.0} % of {} MiB{psi}",
                m.total_bytes >> 20
            )),
        ])));
    }
    match snap.oom.value() {
        Some(o) if !o.kills.is_empty() => {
            for k in o.kills.iter().rev().take(3) {
                items.push(ListItem::new(Line::from(vec![
                    Span::styled("✖ OOM  ", app.theme.state(HopState::Fail)),
                    Span::raw(one(&format!(
                        "{} killed {} (pid {})",
                        k.time.clone().unwrap_or_default(),
                        k.process,
                        k.pid
                    ))),
                ])));
            }
        }
        Some(_) => {}
        None => items.push(unknown_line(app, "OOM kills", snap.oom.unknown_reason())),
    }
    match snap.sockets.value() {
        Some(s) => {
            // The chain's ports (◆) first, the others after them, each group as listed.
            let mut tcp: Vec<&crate::host::Listener> = s
                .listeners
                .iter()
                .filter(|l| l.proto == crate::host::Proto::Tcp)
                .collect();
            tcp.sort_by_key(|l| !chain_ports.contains(&l.port));
            for l in tcp {
                let mark = chain_ports.contains(&l.port);
                let owner = match &l.owner {
                    crate::host::Owner::Process { pid, name, .. } => {
                        format!("{} ({pid})", one(name))
                    }
                    crate::host::Owner::Unknown { reason } => format!("? {}", one(reason)),
                };
                let line = format!(
                    "{} {:<22} {owner}",
                    if mark { "◆" } else { " " },
                    l.endpoint()
                );
                let style = if mark {
                    app.theme.accent()
                } else {
                    Style::default()
                };
                items.push(ListItem::new(Line::from(Span::styled(line, style))));
            }
            if s.hidden_owners > 0 {
                items.push(unknown_line(
                    app,
                    "owners",
                    Some(format!(
                        "{} sockets' owners not visible without root (run with sudo)",
                        s.hidden_owners
                    )),
                ));
            }
        }
        None => items.push(unknown_line(app, "sockets", snap.sockets.unknown_reason())),
    }
    if let Some(p) = snap.processes.value() {
        for pr in &p.chain {
            items.push(ListItem::new(format!(
                "  {:<7} {:<14} {:>5.1}% {:>6} MiB {} {}",
                pr.pid,
                crate::util::shorten(&one(&pr.name), 14),
                pr.cpu_percent,
                pr.rss_bytes >> 20,
                pr.state,
                one(pr.role.as_deref().unwrap_or_default())
            )));
        }
    }
    let mut st = ListState::default();
    if app.focus == Pane::Ports && !items.is_empty() {
        st.select(Some(app.selected(Pane::Ports).min(items.len() - 1)));
    }
    f.render_stateful_widget(
        List::new(items)
            .highlight_style(app.theme.selected())
            .block(b),
        area,
        &mut st,
    );
}

fn draw_events(f: &mut Frame, app: &App, area: Rect, wide: bool) {
    let b = block(app, Pane::Events, " Events ".into(), wide);
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
        vec![Line::from("no state changes yet")]
    } else {
        lines
    };
    f.render_widget(Paragraph::new(body).block(b), area);
}

fn context_commands(app: &App) -> Vec<&'static str> {
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

fn short_help(cmd: &str) -> &'static str {
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

fn draw_keybar(f: &mut Frame, app: &App, area: Rect) {
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

fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

fn draw_help(f: &mut Frame, app: &App, area: Rect) {
    let mut entries: Vec<(String, &str)> = keys::COMMANDS
        .iter()
        .map(|(cmd, _, help)| (keys::keys_of(&app.keys, cmd).join(", "), *help))
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
                    "{} {} — {:?} confidence\n{}\n\nWhy: {}\n\nEvidence:\n",
                    fnd.severity.symbol(),
                    fnd.severity.word(),
                    fnd.confidence,
                    fnd.title,
                    fnd.explanation
                );
                for e in &fnd.evidence {
                    t.push_str(&format!("  · [{}] {}\n", e.source, e.fact));
                }
                t.push_str("\nNext steps:\n");
                for n in &fnd.next_steps {
                    t.push_str(&format!("  - {n}\n"));
                }
                if let Some(a) = &fnd.action {
                    t.push_str(&format!(
                        "\nRecovery action: {a} (press x in the Findings pane)\n"
                    ));
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
                    "{:?} {}\n{}\n{}\n\n{}",
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

fn draw_detail(f: &mut Frame, app: &App, area: Rect) {
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

fn draw_dialog(f: &mut Frame, app: &App, d: &Dialog, area: Rect) {
    let spin = SPINNER[app.spinner % SPINNER.len()];
    let (title, text) = match d {
        Dialog::Planning(id) => (
            format!(" {id} "),
            format!("{spin} planning {id}: asking the service managers…"),
        ),
        Dialog::Confirm(a) => (
            format!(" Run {}? ", a.id),
            format!(
                "{}\n{}\ny / Enter: run      any other key: cancel",
                a.preview(),
                if a.needs_root() && !crate::util::is_root() {
                    "needs root: sudo -n is used when passwordless sudo works, otherwise it is refused with the command to run.\n"
                } else {
                    ""
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

#[cfg(test)]
mod sanitise_tests {
    use super::*;
    use crate::engine::Update;
    use crate::probe::scheduler::ProbeEvent;
    use crate::probe::{Detail, HopResult, State};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use std::sync::Arc;

    const NASTY: &str = "X\x1b]52;c;ZXZpbA==\x07\x1b[2J\r\u{202e}evil\u{9b}31m\u{2066}Y";

    fn frame(a: &App, w: u16, h: u16) -> ratatui::buffer::Buffer {
        let mut t = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
        t.draw(|f| draw(f, a)).expect("draw");
        t.backend().buffer().clone()
    }

    fn assert_clean(b: &ratatui::buffer::Buffer, what: &str) {
        let shown: String = b.content.iter().map(|c| c.symbol()).collect();
        for c in &b.content {
            assert!(
                !c.symbol().chars().any(crate::sanitize::is_unsafe),
                "{what}: {:?} reached the buffer:\n{shown}",
                c.symbol()
            );
        }
    }

    #[test]
    fn bidi_overrides_and_controls_never_reach_the_buffer() {
        let cfg = crate::config::parse(
            "[[hop]]\nname = \"app\"\nkind = \"tcp\"\ntarget = \"127.0.0.1:8000\"\n\
             [logs]\nnginx_error = [\"/var/log/nginx/error.log\"]\n",
            "t",
        )
        .expect("config");
        let mut a = App::new(
            Arc::new(cfg),
            "t".into(),
            Arc::new(tokio::sync::Notify::new()),
        );
        a.utc = true;
        a.host_name = format!("box{NASTY}");
        let h = &a.state.hops[0];
        let r = HopResult {
            name: "app".into(),
            kind: h.hop.kind,
            role: h.hop.role,
            target: h.hop.display_target().into(),
            state: State::Fail,
            latency_ms: Some(3.0),
            reason: format!("server said {NASTY}"),
            detail: Detail::default(),
            at: chrono::Utc::now(),
        };
        a.state
            .apply(Update::Probe(ProbeEvent::RoundStarted { seq: 1 }));
        a.state
            .apply(Update::Probe(ProbeEvent::Result(Box::new(r))));
        a.state
            .apply(Update::Probe(ProbeEvent::RoundFinished { seq: 1 }));
        let raw = format!(
            "2026/11/28 02:59:01 [error] 12#12: *1 connect() failed (111: Connection refused) while connecting to upstream {NASTY}, client: 10.0.0.1, server: office, request: \"GET /{NASTY} HTTP/1.1\", upstream: \"http://127.0.0.1:8000/\", host: \"office\""
        );
        a.state.apply(Update::Logs(vec![crate::logs::Record::Nginx(
            crate::logs::nginx_error::Entry::parse(raw.as_bytes(), Some(1)),
        )]));
        a.state.apply(Update::Note {
            level: crate::engine::NoteLevel::Warn,
            text: format!("note {NASTY}"),
        });
        for (w, h) in [(150, 45), (80, 24)] {
            let b = frame(&a, w, h);
            assert_clean(&b, "panes");
            let shown: String = b.content.iter().map(|c| c.symbol()).collect();
            assert!(shown.contains("\\u202e"), "shown visibly:\n{shown}");
        }
        // The details of a log row and a dialog with hostile text.
        a.focus = Pane::Logs;
        a.detail = Some(0);
        assert_clean(&frame(&a, 150, 45), "log details");
        a.detail = None;
        a.dialog = Some(Dialog::Message {
            title: format!(" t{NASTY} "),
            text: format!("line one {NASTY}\nline two"),
        });
        let b = frame(&a, 150, 45);
        assert_clean(&b, "dialog");
        a.dialog = Some(Dialog::Running {
            id: "custom:x".into(),
            lines: vec![format!("  │ out {NASTY}")],
        });
        assert_clean(&frame(&a, 150, 45), "running dialog");
    }

    #[test]
    fn scrub_catches_what_bypasses_the_helpers() {
        let mut b = ratatui::buffer::Buffer::empty(Rect::new(0, 0, 4, 1));
        b.content[0].set_symbol("a\u{202e}");
        b.content[1].set_symbol("\u{2067}");
        scrub(&mut b);
        assert_eq!(b.content[0].symbol(), "a");
        assert_eq!(b.content[1].symbol(), "�");
    }
}
