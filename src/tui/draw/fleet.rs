//! The fleet view: a table of hosts (state with symbol and word, host, top finding or why it
//! could not be asked, age, version), columns dropped on narrow terminals; and one host's
//! full result (chain, findings, walkthrough), read-only. Everything from a host or from ssh
//! goes through [`one`] before it becomes a span, and the buffer is scrubbed last.

use super::text::{fit, one, pad, pad_left, scrub};
use crate::fleet::{Answer, HostView, Reach, render::age};
use crate::i18n::state_word;
use crate::tr;
use crate::tui::fleet::FleetApp;
use crate::verdict::State;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

/// Draw the fleet view.
pub fn draw(f: &mut Frame, app: &FleetApp) {
    let area = f.area();
    let keybar = area.height >= 8;
    let [title, body, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(u16::from(keybar)),
    ])
    .areas(area);
    draw_title(f, app, title);
    if app.open {
        draw_host(f, app, body);
    } else {
        draw_table(f, app, body);
    }
    if keybar {
        draw_keys(f, app, keys);
    }
    scrub(f.buffer_mut());
}

fn draw_title(f: &mut Frame, app: &FleetApp, area: Rect) {
    let o = app.state.overall();
    let mut spans = vec![
        Span::styled(
            format!("{} {}", o.symbol(), state_word(o)),
            app.theme.state(o),
        ),
        Span::styled(
            format!(" {}", tr!("fleetview-title", count = app.state.hosts.len())),
            Style::default().add_modifier(Modifier::BOLD),
        ),
    ];
    let asking = app.state.hosts.iter().filter(|h| h.asking).count();
    if asking > 0 {
        spans.push(Span::styled(
            format!(" — {}", tr!("fleetview-asking", count = asking)),
            app.theme.dim(),
        ));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Which columns fit: (version, age, summary).
fn columns(width: u16) -> (bool, bool, bool) {
    (width >= 100, width >= 60, width >= 36)
}

/// `s` in a column of `w` display columns: cut with `…` or padded with spaces.
fn cell(s: &str, w: usize) -> String {
    pad(&fit(s, w), w)
}

fn row(app: &FleetApp, h: &HostView, width: u16, name_w: usize, selected: bool) -> Line<'static> {
    let (ver, agec, summ) = columns(width);
    let st = h.state();
    let state = if summ {
        format!("{} {} ", st.symbol(), pad(&state_word(st), 7))
    } else {
        format!("{} ", st.symbol())
    };
    let mut spans = vec![
        Span::styled(state, app.theme.state(st)),
        Span::raw(cell(&one(&h.target.name), name_w)),
    ];
    if agec {
        spans.push(Span::raw(format!(
            " {}",
            pad_left(&age(h.age_s(app.now)), 5)
        )));
    }
    if ver {
        spans.push(Span::raw(format!(
            " {}",
            cell(&one(h.version().unwrap_or("—")), 9)
        )));
    }
    if summ {
        let style = match &h.answer {
            Answer::Failed(_) => app.theme.state(State::Unknown),
            Answer::Pending => app.theme.dim(),
            Answer::Result(_) => Style::default(),
        };
        spans.push(Span::styled(format!(" {}", one(&h.summary())), style));
    }
    let line = Line::from(spans);
    if selected {
        line.style(app.theme.selected())
    } else {
        line
    }
}

fn draw_table(f: &mut Frame, app: &FleetApp, area: Rect) {
    let (ver, agec, summ) = columns(area.width);
    let longest = app
        .state
        .hosts
        .iter()
        .map(|h| unicode_width::UnicodeWidthStr::width(one(&h.target.name).as_str()))
        .max()
        .unwrap_or(4)
        .max(4);
    let name_w = if summ {
        longest.min((area.width as usize / 4).max(8))
    } else {
        (area.width as usize).saturating_sub(2)
    };
    let mut lines = Vec::new();
    if area.height >= 4 {
        let mut head = if summ {
            cell(&tr!("fleetview-col-state"), 10)
        } else {
            "  ".into()
        };
        head.push_str(&cell(&tr!("fleetview-col-host"), name_w));
        if agec {
            head.push_str(&format!(" {}", pad_left(&tr!("fleetview-col-age"), 5)));
        }
        if ver {
            head.push_str(&format!(" {}", cell(&tr!("fleetview-col-version"), 9)));
        }
        if summ {
            head.push_str(&format!(" {}", tr!("fleetview-col-summary")));
        }
        lines.push(Line::styled(head, app.theme.dim()));
    }
    let room = area.height as usize - lines.len().min(area.height as usize);
    // The selected row stays in view.
    let first = app.selected.saturating_sub(room.saturating_sub(1));
    for (i, h) in app.state.hosts.iter().enumerate().skip(first).take(room) {
        lines.push(row(app, h, area.width, name_w, i == app.selected));
    }
    f.render_widget(Paragraph::new(lines), area);
}

/// What to try for a host that could not be asked.
fn hint(k: Reach) -> String {
    match k {
        Reach::Dns => tr!("fleetview-hint-dns"),
        Reach::Refused => tr!("fleetview-hint-refused"),
        Reach::Timeout => tr!("fleetview-hint-timeout"),
        Reach::Unreachable => tr!("fleetview-hint-unreachable"),
        Reach::Auth => tr!("fleetview-hint-auth"),
        Reach::HostKey => tr!("fleetview-hint-host-key"),
        Reach::Closed => tr!("fleetview-hint-closed"),
        Reach::Missing => tr!("fleetview-hint-missing"),
        Reach::TooOld => tr!("fleetview-hint-too-old"),
        Reach::BadAnswer => tr!("fleetview-hint-bad-answer"),
        Reach::Local | Reach::Other => tr!("fleetview-hint-other"),
    }
}

fn heading(app: &FleetApp, s: &str) -> Line<'static> {
    Line::styled(
        s.to_string(),
        app.theme.accent().add_modifier(Modifier::BOLD),
    )
}

fn stated(app: &FleetApp, st: State, rest: String) -> Line<'static> {
    Line::from(vec![
        Span::styled(
            format!("{} {} ", st.symbol(), pad(&state_word(st), 7)),
            app.theme.state(st),
        ),
        Span::raw(rest),
    ])
}

/// The lines of one host's full result.
fn host_lines(app: &FleetApp, h: &HostView) -> Vec<Line<'static>> {
    let mut v = vec![Line::from(if h.target.name == h.target.destination {
        one(&h.target.name)
    } else {
        format!("{} ({})", one(&h.target.name), one(&h.target.destination))
    })];
    let r = match &h.answer {
        Answer::Pending => {
            v.push(Line::from(one(&h.summary())));
            return v;
        }
        Answer::Failed(fl) => {
            v.push(stated(
                app,
                State::Unknown,
                format!("{}: {}", fl.kind.word(), one(&fl.reason)),
            ));
            v.push(Line::from(format!("→ {}", hint(fl.kind))));
            return v;
        }
        Answer::Result(r) => r,
    };
    v.push(Line::from(tr!(
        "fleetview-host-line",
        version = one(r.version.as_deref().unwrap_or("?")),
        profile = one(&r.profile),
        host = one(&r.host),
        at = one(&r.at)
    )));
    v.push(stated(app, r.state, tr!("fleetview-worst-there")));
    v.push(Line::styled(tr!("fleetview-read-only"), app.theme.dim()));
    if let Some(e) = &r.error {
        v.push(Line::from(tr!("fleetview-cannot-check", error = one(e))));
    }
    v.push(Line::from(""));
    v.push(heading(app, &tr!("pane-chain")));
    for hop in &r.hops {
        v.push(stated(
            app,
            hop.state,
            format!(
                "{} ({}) — {}",
                one(&hop.name),
                one(&hop.kind),
                one(&hop.reason)
            ),
        ));
    }
    v.push(Line::from(""));
    v.push(heading(app, &tr!("fleetview-findings")));
    if r.findings.is_empty() {
        v.push(Line::from(if r.all_clear {
            tr!("fleetview-all-clear")
        } else {
            tr!("fleetview-none")
        }));
    }
    for (i, fd) in r.findings.iter().enumerate() {
        v.push(stated(
            app,
            fd.severity,
            format!(
                "{}. {} [{}] — {}",
                i + 1,
                one(&fd.id),
                one(&fd.confidence),
                one(&fd.title)
            ),
        ));
        for e in &fd.evidence {
            v.push(Line::from(format!(
                "     {}: {}",
                one(&e.source),
                one(&e.fact)
            )));
        }
        for n in &fd.next_steps {
            v.push(Line::from(format!("     → {}", one(n))));
        }
    }
    for u in &r.unchecked {
        v.push(stated(
            app,
            State::Unknown,
            tr!(
                "fleetview-not-checked",
                what = one(&u.what),
                why = one(&u.why)
            ),
        ));
    }
    v.push(Line::from(""));
    v.push(heading(app, &tr!("fleetview-walkthrough")));
    for (i, s) in r.walkthrough.iter().enumerate() {
        v.push(stated(
            app,
            s.verdict,
            format!("{}. {}", i + 1, one(&s.title)),
        ));
        for c in &s.checks {
            v.push(Line::from(format!(
                "     {} {} {} — {}",
                c.state.symbol(),
                state_word(c.state),
                one(&c.label),
                one(&c.evidence)
            )));
        }
        v.push(Line::from(format!("     → {}", one(&s.next))));
    }
    v
}

fn draw_host(f: &mut Frame, app: &FleetApp, area: Rect) {
    let Some(h) = app.state.hosts.get(app.selected) else {
        return;
    };
    let block = Block::default()
        .borders(if area.height >= 5 && area.width >= 30 {
            Borders::ALL
        } else {
            Borders::NONE
        })
        .border_style(app.theme.border(true))
        .title(Span::styled(
            format!(" {} ", one(&h.target.name)),
            app.theme.accent(),
        ));
    f.render_widget(
        Paragraph::new(host_lines(app, h))
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((app.scroll, 0)),
        area,
    );
}

fn draw_keys(f: &mut Frame, app: &FleetApp, area: Rect) {
    let keys: [(&str, String); 4] = if app.open {
        [
            ("↑↓", tr!("fleetview-key-scroll")),
            // i18n: not text (a key's name)
            ("Esc", tr!("fleetview-key-back")),
            ("r", tr!("fleetview-key-ask-again")),
            ("q", tr!("keybar-quit")),
        ]
    } else {
        [
            ("↑↓", tr!("fleetview-key-select")),
            // i18n: not text (a key's name)
            ("Enter", tr!("fleetview-key-open")),
            ("r", tr!("fleetview-key-ask-again")),
            ("q", tr!("keybar-quit")),
        ]
    };
    let mut spans = Vec::new();
    for (k, what) in keys {
        spans.push(Span::styled(format!(" {k} "), app.theme.selected()));
        spans.push(Span::raw(format!(" {what} ")));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}
