//! The Findings pane: in the wide layout every finding on a line of its own and the selected
//! one's details below; as a tab, each finding wrapped with its evidence and action; or the
//! guided walkthrough in its place (`w`).

use super::block;
use super::text::*;
use crate::probe::State as HopState;
use crate::tr;
use crate::tui::app::{App, Pane};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState, Paragraph};

pub(super) fn draw_findings(f: &mut Frame, app: &App, area: Rect, wide: bool) {
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
        title = format!(" {} ", tr!("pane-findings-walkthrough-title"));
        for (i, s) in app.state.walkthrough().iter().enumerate() {
            let head = vec![
                Span::styled(
                    format!(
                        "{} {}",
                        s.verdict.symbol(),
                        pad(&crate::i18n::state_word(s.verdict), 7)
                    ),
                    app.theme.state(s.verdict),
                ),
                Span::styled(format!(" {}. ", i + 1), app.theme.accent()),
            ];
            let mut lines = headed(head, &one(s.title), width, 2, app.theme.accent());
            lines.extend(bullet(&one(&s.next), "→", width, Style::default()));
            items.push(ListItem::new(lines));
        }
    } else {
        title = format!(" {} ", tr!("pane-findings-title", count = d.findings.len()));
        if app.state.rounds == 0 {
            items.push(ListItem::new(tr!("pane-findings-waiting")));
        } else if d.all_clear {
            items.push(ListItem::new(Line::from(vec![
                Span::styled(
                    format!("{} ", state_label(HopState::Ok)),
                    app.theme.state(HopState::Ok),
                ),
                Span::raw(tr!("pane-findings-all-clear")),
            ])));
        }
        for (i, fnd) in d.findings.iter().enumerate() {
            let head = finding_head(app, i, fnd);
            let title = tr!(
                "pane-findings-head-title",
                confidence = fnd.confidence,
                title = one(&fnd.title)
            );
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
                Span::styled(
                    format!("{} ", state_label(HopState::Unknown)),
                    app.theme.state(HopState::Unknown),
                ),
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
pub(super) fn finding_head(
    app: &App,
    i: usize,
    fnd: &crate::diagnose::Finding,
) -> Vec<Span<'static>> {
    vec![
        Span::styled(
            format!(
                "{} {}",
                fnd.severity.symbol(),
                pad(&crate::i18n::state_word(fnd.severity), 4)
            ),
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
pub(super) fn draw_findings_ranked(f: &mut Frame, app: &App, area: Rect) {
    let d = &app.state.diagnosis;
    let b = block(
        app,
        Pane::Findings,
        format!(" {} ", tr!("pane-findings-title", count = d.findings.len())),
        true,
    );
    let inner = b.inner(area);
    f.render_widget(b, area);
    let (width, height) = (inner.width as usize, inner.height as usize);
    let mut lines: Vec<Line> = Vec::new();
    if app.state.rounds == 0 {
        lines.push(Line::from(tr!("pane-findings-waiting")));
    } else if d.all_clear {
        let text = tr!("pane-findings-all-clear");
        let head = format!("{} ", state_label(HopState::Ok));
        let indent = Span::raw(head.as_str()).width();
        let mut pieces = wrap(
            &text,
            width.saturating_sub(indent),
            width.saturating_sub(indent),
            2,
        )
        .into_iter();
        lines.push(Line::from(vec![
            Span::styled(head.clone(), app.theme.state(HopState::Ok)),
            Span::raw(pieces.next().unwrap_or_default()),
        ]));
        lines.extend(pieces.map(|l| Line::from(format!("{}{l}", " ".repeat(indent)))));
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
            "── {}. {} · {} ",
            sel + 1,
            fnd.id,
            tr!("pane-findings-confidence", level = fnd.confidence)
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
    let unknown_head = format!("{} ", state_label(HopState::Unknown));
    let unknown_w = Span::raw(unknown_head.as_str()).width();
    let unknown_line = |text: String| {
        Line::from(vec![
            Span::styled(unknown_head.clone(), app.theme.state(HopState::Unknown)),
            Span::raw(wrap(&text, width.saturating_sub(unknown_w), 1, 1).remove(0)),
        ])
    };
    // One line each, or all on one line when they would crowd out the details.
    let unknown: Vec<Line> = if d.unchecked.len() > 1 && detail.len() + d.unchecked.len() > left {
        let what: Vec<String> = d.unchecked.iter().map(|u| one(&u.what)).collect();
        vec![unknown_line(tr!(
            "pane-findings-not-checked",
            count = what.len(),
            list = what.join(" · ")
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
