//! No character a terminal would act on, and none that reorders text, reaches a cell.

use super::text::scrub;
use super::*;
use crate::engine::Update;
use crate::probe::scheduler::ProbeEvent;
use crate::probe::{Detail, HopResult, State};
use crate::tui::app::Dialog;
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
