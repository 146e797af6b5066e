//! The Error log pane: the per-class counter of the last 5 minutes (the app's clock), the
//! access-log summary, then the rows of [`App::log_view`], newest last; what a filter that
//! matches nothing says.

use super::block;
use super::text::*;
use crate::probe::State as HopState;
use crate::tr;
use crate::tui::app::{App, Pane};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState, Paragraph};

pub(super) fn class_state(c: crate::logs::Class) -> HopState {
    if !c.is_failure() {
        return HopState::Ok;
    }
    match c.client_gets() {
        "502" | "504" => HopState::Fail,
        _ => HopState::Warn,
    }
}

pub(super) fn draw_logs(f: &mut Frame, app: &App, area: Rect, wide: bool) {
    let view = app.log_view();
    // Per-class counter of the last 5 minutes.
    let counter = recent_counts(app, crate::engine::LOG_WINDOW_SECS);
    let counter_line = if counter.is_empty() {
        tr!("pane-logs-recent-none")
    } else {
        tr!(
            "pane-logs-recent",
            counts = counter
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
            let text = fit(
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
    let filter = one(&format!("{:?}", app.filter));
    let title = match (app.filter.is_empty(), app.paused_at.is_some()) {
        (true, false) => tr!("pane-logs-title", count = entries),
        (true, true) => tr!("pane-logs-title-paused", count = entries),
        (false, false) => tr!("pane-logs-title-filter", count = entries, filter = filter),
        (false, true) => tr!(
            "pane-logs-title-filter-paused",
            count = entries,
            filter = filter
        ),
    };
    let b = block(app, Pane::Logs, format!(" {title} "), wide);
    let inner = b.inner(area);
    f.render_widget(b, area);
    let [head, list_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(inner);
    let head_text = match (&app.filter_input, &app.state.access) {
        (Some(input), _) => tr!("pane-logs-filter-input", input = one(input)),
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
                tr!("pane-logs-none-configured")
            } else {
                tr!("pane-logs-none-logged")
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
pub(super) fn recent_counts(app: &App, secs: i64) -> Vec<(&'static str, usize)> {
    let now = app.now();
    let now = if app.utc {
        now.naive_utc()
    } else {
        now.with_timezone(&chrono::Local).naive_local()
    };
    let cutoff = now - chrono::Duration::seconds(secs);
    let mut counts: Vec<(&'static str, usize)> =
        app.state.logs.counts_since(cutoff).into_iter().collect();
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    counts
}

/// What the error-log pane says when its filter matches no entry: so, with the filter; a
/// `class:` that is no class's id says that too, with the classes it may have meant.
pub(super) fn no_match_text(filter: &str) -> String {
    if let Some(id) = filter.strip_prefix("class:").map(str::trim)
        && crate::logs::Class::from_id(id).is_none()
    {
        let like: Vec<&str> = crate::logs::Class::ALL
            .iter()
            .map(|c| c.id())
            .filter(|c| !id.is_empty() && (c.contains(id) || id.contains(c)))
            .collect();
        if like.is_empty() {
            tr!(
                "pane-logs-no-match-not-a-class",
                filter = one(filter),
                id = one(id)
            )
        } else {
            tr!(
                "pane-logs-no-match-did-you-mean",
                filter = one(filter),
                id = one(id),
                like = like.join(", ")
            )
        }
    } else {
        tr!("pane-logs-no-match", filter = one(filter))
    }
}

/// What an error-log row shows after its class, most telling first: how many entries it
/// stands for, for nginx the upstream the attempts went to and the requests
/// (`×37 127.0.0.1:8000 ← GET /healthcheck, POST /coauthoring/CommandService.ashx`), then
/// the message. The class already says what happened; a cut row keeps where and for what.
pub(super) fn log_row_text(row: &crate::tui::app::LogRow<'_>) -> String {
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
