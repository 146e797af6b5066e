//! Snapshot tests of the fleet view on ratatui's `TestBackend` at 120×40, 80×24, 40×15 and
//! 20×6: the table (a healthy host, one with a fault, one unreachable, one still asked), one
//! host's full result opened with Enter, and the keys.

use super::fleet::{FleetApp, FleetFlow};
use super::theme::Theme;
use crate::fleet::remote::RemoteCheck;
use crate::fleet::{Answer, Failure, FleetEvent, Reach, Target};
use chrono::TimeZone;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const SIZES: [(u16, u16); 4] = [(120, 40), (80, 24), (40, 15), (20, 6)];

const FAULT: &str = r#"{"schema":1,"version":"0.1.0","host":"office-02","profile":"onlyoffice",
 "at":"2026-11-28T03:00:00+00:00","state":"FAIL",
 "hops":[{"name":"nginx","kind":"tcp","state":"OK","reason":"connected"},
         {"name":"docservice","kind":"tcp","state":"FAIL","reason":"connection refused by 127.0.0.1:8000\u202e"}],
 "findings":[{"id":"service_down","title":"ds-docservice is down: nothing listens on 127.0.0.1:8000",
   "severity":"FAIL","confidence":"high",
   "evidence":[{"source":"host:sockets","fact":"nothing listens on TCP port 8000"}],
   "next_steps":["Restart ds-docservice and watch whether it stays up."],
   "action":"restart:ds-docservice"}],
 "all_clear":false,"unchecked":[],
 "walkthrough":[{"title":"Global view","verdict":"FAIL",
   "checks":[{"label":"docservice","state":"FAIL","evidence":"refused"}],"next":"Look at the service."}]}"#;

const HEALTHY: &str = r#"{"schema":1,"version":"0.1.0","host":"office-01","state":"OK",
 "hops":[{"name":"nginx","kind":"tcp","state":"OK","reason":"connected"}],
 "findings":[],"all_clear":true,"walkthrough":[]}"#;

fn app() -> FleetApp {
    let targets = [
        Target::destination("office-01"),
        Target::destination("ops@office-02"),
        Target::destination("office-03.example.org"),
        Target::destination("office-04"),
    ];
    let mut a = FleetApp::new(&targets, Theme::monochrome());
    let t0 = chrono::Utc
        .with_ymd_and_hms(2026, 11, 28, 3, 0, 0)
        .single()
        .expect("time");
    for (i, j) in [(0, HEALTHY), (1, FAULT)] {
        let r = RemoteCheck::parse(j.as_bytes()).expect("parses");
        a.apply(FleetEvent::Answered(i, Answer::Result(Box::new(r))));
    }
    a.apply(FleetEvent::Answered(
        2,
        Answer::Failed(Failure::new(
            Reach::Refused,
            "ssh: connect to host office-03.example.org port 22: Connection refused",
        )),
    ));
    a.apply(FleetEvent::Asking(3));
    for h in a.state.hosts.iter_mut().take(3) {
        h.received = Some(t0);
    }
    a.now = t0 + chrono::Duration::seconds(42);
    a
}

fn draw(a: &FleetApp, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    t.draw(|f| super::draw::fleet::draw(f, a)).expect("draw");
    format!("{}", t.backend())
}

fn key(c: KeyCode) -> KeyEvent {
    KeyEvent::new(c, KeyModifiers::NONE)
}

#[test]
fn fleet_table_snapshots() {
    let a = app();
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("fleet_table_{w}x{h}"), draw(&a, w, h));
    }
    let s = draw(&a, 120, 40);
    assert!(s.contains("✖ FAIL"), "{s}");
    assert!(s.contains("service_down"), "{s}");
    assert!(s.contains("refused: ssh: connect to host"), "{s}");
    assert!(s.contains("asking…"), "{s}");
    assert!(s.contains("0.1.0"), "{s}");
}

#[test]
fn fleet_host_result_snapshots_and_keys() {
    let mut a = app();
    assert_eq!(a.on_key(key(KeyCode::Down)), FleetFlow::Continue);
    a.on_key(key(KeyCode::Enter));
    assert!(a.open);
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("fleet_host_{w}x{h}"), draw(&a, w, h));
    }
    let s = draw(&a, 120, 40);
    for want in [
        "Chain",
        "Findings",
        "Walkthrough",
        "service_down",
        "Read-only",
    ] {
        assert!(s.contains(want), "{want}: {s}");
    }
    // Never a recovery action offered, never the format character a host sent.
    assert!(!s.contains("restart:ds-docservice"), "{s}");
    assert!(!s.contains('\u{202e}'), "{s}");
    a.on_key(key(KeyCode::Esc));
    assert!(!a.open);
    // The unreachable host says why and what to try.
    a.on_key(key(KeyCode::Down));
    a.on_key(key(KeyCode::Enter));
    let s = draw(&a, 80, 24);
    assert!(s.contains("? UNKNOWN refused"), "{s}");
    assert!(s.contains("is sshd running there"), "{s}");
    assert_eq!(a.on_key(key(KeyCode::Char('r'))), FleetFlow::Refresh);
    a.asking = true;
    assert_eq!(a.on_key(key(KeyCode::Char('r'))), FleetFlow::Continue);
    assert_eq!(a.on_key(key(KeyCode::Char('q'))), FleetFlow::Quit);
}
