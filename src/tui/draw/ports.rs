//! The Ports & processes pane: memory, the filesystems of the Document Server's cache, logs
//! and /tmp, OOM kills, listening TCP sockets (the chain's ports, ◆, first) and the chain's
//! processes.

use super::block;
use super::text::*;
use crate::probe::State as HopState;
use crate::tr;
use crate::tui::app::{App, Pane};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState};

pub(super) fn draw_ports(f: &mut Frame, app: &App, area: Rect, wide: bool) {
    let b = block(
        app,
        Pane::Ports,
        format!(" {} ", tr!("pane-ports-title")),
        wide,
    );
    let Some(snap) = &app.state.host else {
        f.render_widget(
            List::new(vec![ListItem::new(tr!("pane-collecting"))]).block(b),
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
        // The engine's verdict (PSI included), not a copy of its thresholds.
        let st = crate::diagnose::memory_verdict(m);
        let (pct, total) = (format!("{pct:.0}"), m.total_bytes >> 20);
        let text = match &m.psi_some {
            Some(p) => tr!(
                "pane-ports-memory-psi",
                pct = pct,
                total = total,
                avg10 = format!("{:.1}", p.avg10)
            ),
            None => tr!("pane-ports-memory", pct = pct, total = total),
        };
        items.push(ListItem::new(Line::from(vec![
            Span::styled(format!("{} ", state_label(st)), app.theme.state(st)),
            Span::raw(text),
        ])));
    }
    disk_lines(app, snap, &mut items);
    match snap.oom.value() {
        Some(o) if !o.kills.is_empty() => {
            for k in o.kills.iter().rev().take(3) {
                items.push(ListItem::new(Line::from(vec![
                    Span::styled("✖ OOM  ", app.theme.state(HopState::Fail)),
                    Span::raw(one(&tr!(
                        "pane-ports-oom-kill",
                        time = k.time.clone().unwrap_or_default(),
                        process = k.process,
                        pid = k.pid
                    ))),
                ])));
            }
        }
        Some(_) => {}
        None => items.push(unknown_line(
            app,
            &tr!("pane-ports-oom-kills"),
            snap.oom.unknown_reason(),
        )),
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
                    &tr!("pane-ports-owners"),
                    Some(tr!("pane-ports-owners-hidden", count = s.hidden_owners)),
                ));
            }
        }
        None => items.push(unknown_line(
            app,
            &tr!("pane-ports-sockets"),
            snap.sockets.unknown_reason(),
        )),
    }
    if let Some(p) = snap.processes.value() {
        for pr in &p.chain {
            items.push(ListItem::new(format!(
                "  {:<7} {} {:>5.1}% {:>6} MiB {} {}",
                pr.pid,
                pad(&fit(&one(&pr.name), 14), 14),
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

/// One line per filesystem: the verdict's symbol and word (never colour alone), the mount
/// point, space and inodes used, what of the Document Server lives there; one UNKNOWN line per
/// path that could not be measured.
fn disk_lines(app: &App, snap: &crate::host::Snapshot, items: &mut Vec<ListItem<'_>>) {
    let Some(d) = snap.disk.value() else {
        items.push(unknown_line(
            app,
            &tr!("pane-ports-disk"),
            snap.disk.unknown_reason(),
        ));
        return;
    };
    for fs in &d.filesystems {
        let st = crate::diagnose::disk_verdict(fs);
        let holds: Vec<String> = fs.holds.iter().map(|w| tag(&w.what)).collect();
        let (mount, used) = (fs.mount.display(), format!("{:.0}", fs.used_percent));
        let (free, holds) = (human_bytes(fs.avail_bytes), holds.join(", "));
        let text = match fs.inodes_used_percent() {
            Some(p) => tr!(
                "pane-ports-disk-line-inodes",
                mount = mount,
                used = used,
                free = free,
                inodes = format!("{p:.0}"),
                holds = holds
            ),
            None => tr!(
                "pane-ports-disk-line",
                mount = mount,
                used = used,
                free = free,
                holds = holds
            ),
        };
        items.push(ListItem::new(Line::from(vec![
            Span::styled(format!("{} ", state_label(st)), app.theme.state(st)),
            Span::raw(one(&text)),
        ])));
    }
    for u in &d.unreadable {
        items.push(unknown_line(
            app,
            &tr!("pane-ports-disk-path", path = u.watched.path.display()),
            Some(u.reason.clone()),
        ));
    }
}

/// A short name for what lives on a filesystem: `DS cache`, `DS logs`, `tmp`.
fn tag(what: &str) -> String {
    if what.contains("cache") {
        tr!("pane-ports-tag-cache")
    } else if what.contains("logs") {
        tr!("pane-ports-tag-logs")
    } else if what.contains("temporary") {
        "tmp".into()
    } else {
        what.to_string()
    }
}

/// `512 MiB`, `1.5 GiB`.
fn human_bytes(b: u64) -> String {
    if b >= 10 << 30 {
        format!("{} GiB", b >> 30)
    } else if b >= 1 << 30 {
        format!("{:.1} GiB", b as f64 / f64::from(1u32 << 30))
    } else {
        format!("{} MiB", b >> 20)
    }
}
