//! The fleet view: a table of hosts (state with symbol and word, host, top finding or why it
//! could not be asked, age, version), columns dropped on narrow terminals; and one host's
//! full result (chain, findings, walkthrough), read-only. Everything from a host or from ssh
//! goes through [`one`] before it becomes a span, and the buffer is scrubbed last.

use super::text::{one, scrub};
use crate::fleet::{Answer, HostView, Reach, render::age};
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
        Span::styled(format!("{} {}", o.symbol(), o.word()), app.theme.state(o)),
        Span::styled(
            format!(" triage502 fleet — {} hosts", app.state.hosts.len()),
            Style::default().add_modifier(Modifier::BOLD),
        ),
    ];
    let asking = app.state.hosts.iter().filter(|h| h.asking).count();
    if asking > 0 {
        spans.push(Span::styled(
            format!(" — asking {asking}…"),
            app.theme.dim(),
        ));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Which columns fit: (version, age, summary).
fn columns(width: u16) -> (bool, bool, bool) {
    (width >= 100, width >= 60, width >= 36)
}

fn pad(s: &str, w: usize) -> String {
    let s = crate::util::shorten(s, w);
    let n = unicode_width::UnicodeWidthStr::width(s.as_str());
    format!("{s}{}", " ".repeat(w.saturating_sub(n)))
}

fn row(app: &FleetApp, h: &HostView, width: u16, name_w: usize, selected: bool) -> Line<'static> {
    let (ver, agec, summ) = columns(width);
    let st = h.state();
    let state = if summ {
        format!("{} {:<7} ", st.symbol(), st.word())
    } else {
        format!("{} ", st.symbol())
    };
    let mut spans = vec![
        Span::styled(state, app.theme.state(st)),
        Span::raw(pad(&one(&h.target.name), name_w)),
    ];
    if agec {
        spans.push(Span::raw(format!(" {:>5}", age(h.age_s(app.now)))));
    }
    if ver {
        spans.push(Span::raw(format!(
            " {}",
            pad(&one(h.version().unwrap_or("—")), 9)
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
        .map(|h| one(&h.target.name).chars().count())
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
            format!("{:<10}", "STATE")
        } else {
            "  ".into()
        };
        head.push_str(&pad("HOST", name_w));
        if agec {
            head.push_str(&format!(" {:>5}", "AGE"));
        }
        if ver {
            head.push_str(&format!(" {}", pad("VERSION", 9)));
        }
        if summ {
            head.push_str(" TOP FINDING / WHY");
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
fn hint(k: Reach) -> &'static str {
    match k {
        Reach::Dns => "check the name (or its Host entry in the ssh config) and the resolver",
        Reach::Refused => "is sshd running there, on this port? a firewall REJECT?",
        Reach::Timeout => "the host is down, a firewall drops, or its check took too long",
        Reach::Unreachable => "no route to it: network, VPN, the host's address",
        Reach::Auth => "ssh refused the key: load it into the agent or set IdentityFile",
        Reach::HostKey => {
            "ssh does not know or no longer trusts its host key: check it, then add it to known_hosts"
        }
        Reach::Closed => "sshd closed the connection: MaxStartups, AllowUsers, or a dying host",
        Reach::Missing => "install triage502 there, or set `binary` in its [[fleet.host]]",
        Reach::TooOld => "install this version of triage502 there",
        Reach::BadAnswer => {
            "run `triage502 check --format json` there by hand and look at what it prints"
        }
        Reach::Local | Reach::Other => "run the same ssh by hand to see more",
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
            format!("{} {:<7} ", st.symbol(), st.word()),
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
    v.push(Line::from(format!(
        "triage502 {} · profile {} · host {} · at {}",
        one(r.version.as_deref().unwrap_or("?")),
        one(&r.profile),
        one(&r.host),
        one(&r.at)
    )));
    v.push(stated(app, r.state, "worst state there".into()));
    v.push(Line::styled(
        "Read-only: recovery actions are not offered for a remote host; ssh there and run triage502.",
        app.theme.dim(),
    ));
    if let Some(e) = &r.error {
        v.push(Line::from(format!("cannot check there: {}", one(e))));
    }
    v.push(Line::from(""));
    v.push(heading(app, "Chain"));
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
    v.push(heading(app, "Findings (most explanatory first)"));
    if r.findings.is_empty() {
        v.push(Line::from(if r.all_clear { "all clear" } else { "none" }));
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
            format!("not checked {}: {}", one(&u.what), one(&u.why)),
        ));
    }
    v.push(Line::from(""));
    v.push(heading(app, "Walkthrough"));
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
                c.state.word(),
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
    let keys: &[(&str, &str)] = if app.open {
        &[
            ("↑↓", "scroll"),
            ("Esc", "back"),
            ("r", "ask again"),
            ("q", "quit"),
        ]
    } else {
        &[
            ("↑↓", "select"),
            ("Enter", "open"),
            ("r", "ask again"),
            ("q", "quit"),
        ]
    };
    let mut spans = Vec::new();
    for (k, what) in keys {
        spans.push(Span::styled(format!(" {k} "), app.theme.selected()));
        spans.push(Span::raw(format!(" {what} ")));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}
