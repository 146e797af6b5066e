//! Snapshot tests of the console drawn on ratatui's `TestBackend` at 120×40, 80×24 and 40×15:
//! a healthy chain, a broken chain with findings, and the help overlay; plus key handling
//! (filter, pause, read-only refusal) and the too-small message.

use super::app::{App, Dialog, Flow, Pane};
use super::draw as ui;
use crate::engine::Update;
use crate::probe::scheduler::ProbeEvent;
use crate::probe::{Detail, HopResult, NetError, State};
use chrono::TimeZone;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::Arc;

const CFG: &str = r#"
profile = "onlyoffice"
[[hop]]
name = "dns"
kind = "dns"
role = "dns"
target = "office.example.org"
[[hop]]
name = "nginx"
kind = "tcp"
role = "proxy"
target = "127.0.0.1:80"
service = "nginx"
[[hop]]
name = "via-nginx"
kind = "docserver-health"
role = "via-proxy"
url = "http://127.0.0.1/healthcheck"
[[hop]]
name = "docservice"
kind = "tcp"
role = "upstream"
target = "127.0.0.1:8000"
service = "ds-docservice"
[[hop]]
name = "command"
kind = "docserver-command"
role = "via-proxy"
url = "http://127.0.0.1/coauthoring/CommandService.ashx"
[[service]]
name = "nginx"
[[service]]
name = "ds-docservice"
[logs]
nginx_error = ["/var/log/nginx/error.log"]
"#;

fn at() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc
        .with_ymd_and_hms(2026, 11, 28, 3, 0, 0)
        .single()
        .expect("valid time")
}

fn app(extra: &str) -> App {
    let cfg = crate::config::parse(&format!("{extra}{CFG}"), "test").expect("test config");
    let mut a = App::new(
        Arc::new(cfg),
        "test".into(),
        Arc::new(tokio::sync::Notify::new()),
    );
    a.host_name = "office-01".into();
    a.utc = true;
    a.clock = Some(at() + chrono::Duration::seconds(95));
    a.theme = super::theme::Theme::monochrome();
    a
}

fn result(a: &App, name: &str, state: State, reason: &str, f: impl FnOnce(&mut Detail)) -> Update {
    let h = a
        .state
        .hops
        .iter()
        .find(|h| h.hop.name == name)
        .expect("hop");
    let mut detail = Detail::default();
    f(&mut detail);
    Update::Probe(ProbeEvent::Result(Box::new(HopResult {
        name: name.into(),
        kind: h.hop.kind,
        role: h.hop.role,
        target: h.hop.display_target().into(),
        state,
        latency_ms: Some(3.0),
        reason: reason.into(),
        detail,
        at: at(),
    })))
}

fn round(a: &mut App, results: Vec<Update>) {
    a.state
        .apply(Update::Probe(ProbeEvent::RoundStarted { seq: 1 }));
    for r in results {
        a.state.apply(r);
    }
    a.state
        .apply(Update::Probe(ProbeEvent::RoundFinished { seq: 1 }));
}

fn healthy(a: &mut App) {
    let rs = vec![
        result(
            a,
            "dns",
            State::Ok,
            "office.example.org → 127.0.0.1 in 1 ms",
            |_| {},
        ),
        result(
            a,
            "nginx",
            State::Ok,
            "127.0.0.1:80 accepts connections (0.3 ms)",
            |_| {},
        ),
        result(a, "via-nginx", State::Ok, "healthcheck true in 4 ms", |d| {
            d.health = Some(true)
        }),
        result(
            a,
            "docservice",
            State::Ok,
            "127.0.0.1:8000 accepts connections (0.2 ms)",
            |_| {},
        ),
        result(
            a,
            "command",
            State::Ok,
            "command service answers, version 8.2.0.1",
            |_| {},
        ),
    ];
    round(a, rs);
}

fn broken(a: &mut App) {
    healthy(a);
    let rs = vec![
        result(
            a,
            "via-nginx",
            State::Fail,
            "502 Bad Gateway from nginx: nginx could not get an answer from the Document Server",
            |d| {
                d.http_status = Some(502);
                d.from_proxy = Some(true);
            },
        ),
        result(
            a,
            "docservice",
            State::Fail,
            "connection refused by 127.0.0.1:8000: nothing listens there",
            |d| d.error = Some(NetError::Refused),
        ),
        result(
            a,
            "command",
            State::Fail,
            "502 Bad Gateway from nginx",
            |d| d.http_status = Some(502),
        ),
    ];
    round(a, rs);
    let line = b"2026/11/28 02:59:58 [error] 12#12: *7 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.9, server: office, request: \"GET /healthcheck HTTP/1.1\", upstream: \"http://127.0.0.1:8000/healthcheck\", host: \"office\"";
    let mut e = crate::logs::nginx_error::Entry::parse(line, Some(41));
    e.file = Some("/var/log/nginx/error.log".into());
    a.state
        .apply(Update::Logs(vec![crate::logs::Record::Nginx(e)]));
    // Fix the timeline's clock so the snapshot does not move.
    for ev in a.state.timeline.iter_mut() {
        ev.at = at();
    }
    a.state.incident_start = Some(at());
}

fn draw(a: &App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    t.draw(|f| ui::draw(f, a)).expect("draw");
    format!("{}", t.backend())
}

const SIZES: [(u16, u16); 3] = [(120, 40), (80, 24), (40, 15)];

#[test]
fn healthy_chain_snapshots() {
    let mut a = app("");
    healthy(&mut a);
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("healthy_{w}x{h}"), draw(&a, w, h));
    }
}

#[test]
fn broken_chain_with_findings_snapshots() {
    let mut a = app("");
    broken(&mut a);
    assert_eq!(a.state.diagnosis.findings[0].id, "service_down");
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("broken_{w}x{h}"), draw(&a, w, h));
    }
    // The first screen at 80×24 is the Chain tab: the top finding is on it, with its state.
    let s = draw(&a, 80, 24);
    let top = s.lines().nth(2).unwrap_or_default();
    assert!(
        top.contains("✖ FAIL service_down ds-docservice is down: nothing listens"),
        "{s}"
    );
    // Narrow terminals show one pane: the findings tab.
    a.focus = Pane::Findings;
    insta::assert_snapshot!("broken_findings_tab_80x24", draw(&a, 80, 24));
    // w: the guided walkthrough in its place.
    a.on_key(key('w'));
    assert!(a.walkthrough);
    insta::assert_snapshot!("broken_walkthrough_tab_80x24", draw(&a, 80, 24));
    insta::assert_snapshot!("broken_walkthrough_120x40", draw(&a, 120, 40));
}

#[test]
fn help_overlay_snapshots() {
    let mut a = app("");
    healthy(&mut a);
    a.on_key(key('?'));
    assert!(a.help);
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("help_{w}x{h}"), draw(&a, w, h));
    }
    // At 40×15 the help is taller than the terminal: j scrolls to its last line (and no
    // further), k back; any other key closes it.
    let last = "resumes)";
    assert!(!draw(&a, 40, 15).contains("ctrl-z"));
    for _ in 0..40 {
        a.on_key(key('j'));
        draw(&a, 40, 15);
    }
    let s = draw(&a, 40, 15);
    assert!(s.contains("ctrl-z") && s.contains(last), "{s}");
    insta::assert_snapshot!("help_scrolled_40x15", s);
    a.on_key(key('k'));
    assert!(!draw(&a, 40, 15).contains(last));
    assert!(a.help);
    a.on_key(key('r'));
    assert!(!a.help);
}

#[test]
fn too_small_says_what_it_needs() {
    let a = app("");
    let s = draw(&a, 20, 6);
    assert!(s.contains("terminal too small"), "{s}");
    assert!(s.contains("40×10"), "{s}");
}

/// Every size draws without a panic, from 1×1 to beyond the wide layout, with findings,
/// host facts and each overlay; the top finding is on the first screen wherever the narrow
/// layout has ten lines for its pane.
#[test]
fn every_size_draws() {
    let mut a = app("");
    broken(&mut a);
    host_facts(&mut a);
    let widths = [
        1, 10, 20, 39, 40, 41, 59, 60, 61, 80, 89, 90, 109, 110, 120, 200,
    ];
    let heights = [1, 2, 5, 6, 9, 10, 11, 12, 13, 15, 24, 29, 30, 40, 60];
    for overlay in 0..3 {
        a.help = overlay == 1;
        a.detail = (overlay == 2).then_some(0);
        for w in widths {
            for h in heights {
                let s = draw(&a, w, h);
                if overlay == 0 && (40..110).contains(&w) && h >= 14 {
                    assert!(s.contains("✖ FAIL 1 of 3: service_down"), "{w}×{h}:\n{s}");
                }
            }
        }
    }
}

/// The error-log counter counts from the app's clock (frozen here), not the wall clock: the
/// entry logged 97 s before "now" is in the last 5 minutes; ten minutes later it is not.
#[test]
fn the_log_counter_reads_the_apps_clock() {
    let mut a = app("");
    broken(&mut a);
    assert!(draw(&a, 120, 40).contains("last 5 min: upstream_refused 1 "));
    a.clock = Some(at() + chrono::Duration::minutes(10));
    assert!(draw(&a, 120, 40).contains("last 5 min: no upstream failures"));
}

fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

fn code(c: KeyCode) -> KeyEvent {
    KeyEvent::new(c, KeyModifiers::NONE)
}

#[test]
fn filter_pause_and_details() {
    let mut a = app("");
    broken(&mut a);
    assert_eq!(a.log_view().len(), 1);
    a.on_key(key('/'));
    for c in "nomatch".chars() {
        a.on_key(key(c));
    }
    a.on_key(code(KeyCode::Enter));
    assert_eq!(a.filter, "nomatch");
    assert_eq!(a.log_view().len(), 0);
    // The pane says the filter matches nothing, not that it waits for lines.
    let s = draw(&a, 120, 40);
    assert!(s.contains("no entry matches nomatch"), "{s}");
    assert!(!s.contains("waiting"), "{s}");
    a.filter = "class:upstream_ref".into();
    let s = draw(&a, 120, 40);
    assert!(
        s.contains("no entry matches class:upstream_ref (upstream_ref is not a "),
        "{s}"
    );
    assert!(s.contains("did you mean upstream_refused?)"), "{s}");
    a.filter = "nomatch".into();
    a.on_key(code(KeyCode::Esc));
    assert_eq!(a.log_view().len(), 1);
    a.filter = "class:upstream_refused".into();
    assert_eq!(a.log_view().len(), 1);
    a.filter.clear();
    // Pause: new entries are not shown until resumed.
    a.on_key(key('p'));
    let e = crate::logs::nginx_error::Entry::parse(
        b"2026/11/28 03:00:01 [error] 12#12: *9 upstream sent too big header while reading response header from upstream",
        Some(42),
    );
    a.state
        .apply(Update::Logs(vec![crate::logs::Record::Nginx(e)]));
    assert_eq!(a.log_view().len(), 1);
    a.on_key(key('p'));
    assert_eq!(a.log_view().len(), 2);
    // Enter on a log entry explains its class.
    a.focus = Pane::Logs;
    a.on_key(code(KeyCode::Enter));
    let (title, text) = ui::detail_text(&a);
    assert!(title.contains("header_too_big"), "{title}");
    assert!(text.contains("proxy_buffer_size"), "{text}");
    a.on_key(code(KeyCode::Esc));
    assert!(a.detail.is_none());
}

#[test]
fn actions_are_refused_read_only_and_offered_otherwise() {
    let mut a = app("read_only = true\n");
    broken(&mut a);
    a.focus = Pane::Findings;
    assert_eq!(a.on_key(key('x')), Flow::Continue);
    assert!(
        matches!(&a.dialog, Some(Dialog::Message { title, .. }) if title.contains("read-only"))
    );
    assert!(draw(&a, 120, 40).contains("READ-ONLY"));

    let mut a = app("");
    broken(&mut a);
    a.focus = Pane::Findings;
    assert_eq!(
        a.on_key(key('x')),
        Flow::Plan("restart:ds-docservice".into())
    );
    assert!(matches!(a.dialog, Some(Dialog::Planning(_))));
    // While planning, keys other than Esc are swallowed.
    assert_eq!(a.on_key(key('q')), Flow::Continue);
    assert_eq!(a.on_key(code(KeyCode::Esc)), Flow::Cancel);
}

#[test]
fn rebound_keys_drive_the_help_and_duplicates_fall_back() {
    let mut a = app("keys = { quit = \"Q\" }\n");
    assert_eq!(a.on_key(key('q')), Flow::Continue);
    assert_eq!(a.on_key(key('Q')), Flow::Quit);
    a.on_key(key('?'));
    assert!(draw(&a, 120, 40).contains(" Q "));
    // A duplicate binding is reported and the defaults are used.
    let cfg = crate::config::Config {
        keys: [("pause".to_string(), "j".to_string())]
            .into_iter()
            .collect(),
        ..crate::config::Config::default()
    };
    let a = App::new(
        Arc::new(cfg),
        "t".into(),
        Arc::new(tokio::sync::Notify::new()),
    );
    assert!(
        a.keys_error
            .as_deref()
            .unwrap_or("")
            .contains("bound to both")
    );
    assert_eq!(a.keys.get("p"), Some(&crate::config::keys::Command::Pause));
}

/// Host facts as the broken chain's box would have them: nginx running, ds-docservice failed
/// after restarts, nothing on :8000, one OOM kill; firewall unknown (no root).
fn host_facts(a: &mut App) {
    use crate::host::process::{Memory, OomKill, OomReport, ProcInfo, Processes, Psi};
    use crate::host::services::{Answered, ServiceState, ServiceStatus};
    use crate::host::sockets::{Listener, Owner, Proto, Sockets};
    use crate::host::{Part, Snapshot, Status, Unknown};
    fn known<T>(v: T) -> Part<T> {
        Part {
            at: at(),
            status: Status::Known(v),
        }
    }
    fn unknown<T>(why: &str) -> Part<T> {
        Part {
            at: at(),
            status: Status::Unknown {
                reason: why.into(),
                hint: Some("needs root: run with sudo".into()),
            },
        }
    }
    let svc = |name: &str, state, sub: &str, pid, up, restarts| ServiceStatus {
        sub_state: Some(sub.into()),
        pid,
        uptime_secs: up,
        restarts,
        ..ServiceStatus::new(name, &format!("{name}.service"), Answered::Systemd, state)
    };
    let listener = |port, pid, name: &str| Listener {
        proto: Proto::Tcp,
        addr: "0.0.0.0".parse().expect("ip"),
        port,
        ipv6_socket: false,
        inode: u64::from(port),
        uid: 0,
        owner: Owner::Process {
            pid,
            name: name.into(),
            shared_with: vec![],
        },
    };
    let proc = |pid, name: &str, role: &str, cpu, rss_mib: u64| ProcInfo {
        pid,
        ppid: Some(1),
        name: name.into(),
        role: Some(role.into()),
        cmdline: name.into(),
        cpu_percent: cpu,
        rss_bytes: rss_mib << 20,
        started_at: None,
        state: 'S',
    };
    let snap = Snapshot {
        taken_at: at(),
        sockets: known(Sockets {
            // As the kernel lists them: not the chain's first.
            listeners: vec![
                listener(5432, 640, "postgres"),
                listener(5672, 701, "beam.smp"),
                listener(80, 812, "nginx"),
            ],
            hidden_owners: 0,
            unreadable_processes: 0,
        }),
        processes: known(Processes {
            chain: vec![
                proc(812, "nginx", "nginx master", 0.0, 6),
                proc(640, "postgres", "postgres", 0.3, 48),
                proc(701, "beam.smp", "rabbitmq", 1.2, 112),
            ],
            top_cpu: vec![],
            top_rss: vec![],
            total: 143,
        }),
        memory: known(Memory {
            total_bytes: 8 << 30,
            available_bytes: 1 << 30,
            swap_total_bytes: 0,
            swap_free_bytes: 0,
            psi_some: Some(Psi {
                avg10: 4.2,
                avg60: 2.0,
                avg300: 0.5,
            }),
            psi_full: None,
        }),
        oom: known(OomReport {
            source: "journalctl -k".into(),
            window: "last 24 h".into(),
            kills: vec![OomKill {
                time: Some("2026-11-28T02:58:40+0000".into()),
                pid: 903,
                process: "docservice".into(),
                cgroup: Some("/system.slice/ds-docservice.service".into()),
                line: "Out of memory: Killed process 903 (docservice)".into(),
            }],
        }),
        services: known(vec![
            svc(
                "nginx",
                ServiceState::Active,
                "running",
                Some(812),
                Some(86_400 * 3 + 3_600),
                Some(0),
            ),
            svc(
                "ds-docservice",
                ServiceState::Failed,
                "failed",
                None,
                None,
                // One restart: down, not (yet) a crash loop (service_crash_loop's own tests).
                Some(1),
            ),
        ]),
        firewall: unknown("nft list ruleset: permission denied"),
        selinux: Part::unknown(Unknown::new("SELinux absent", None)),
        nginx: unknown("nginx -T: permission denied"),
        targets: unknown("needs nginx's configuration"),
        // The cache's filesystem nearly full (WARN) and /tmp fine: each line with its symbol
        // and word (an unreadable folder: `disk_unknown_path_is_shown`).
        disk: known(crate::host::disk::Disks {
            filesystems: vec![
                disk_fs(
                    "/var",
                    "Document Server cache (storage.fs.folderPath, default)",
                    92.4,
                    1536,
                ),
                disk_fs("/tmp", "temporary files (x2t)", 3.0, 30_000),
            ],
            unreadable: vec![],
            notes: vec![],
        }),
    };
    a.state.apply(Update::Host(Box::new(snap)));
    // The findings the facts raised are stamped with the real clock: fix it for the snapshot.
    for ev in a.state.timeline.iter_mut() {
        ev.at = at();
    }
}

fn disk_fs(mount: &str, what: &str, used: f64, free_mib: u64) -> crate::host::disk::Filesystem {
    crate::host::disk::Filesystem {
        mount: mount.into(),
        holds: vec![crate::host::disk::Watched {
            what: what.into(),
            path: format!("{mount}/x").into(),
        }],
        total_bytes: 20 << 30,
        avail_bytes: free_mib << 20,
        used_percent: used,
        inodes_total: 1000,
        inodes_free: 600,
        read_only: false,
    }
}

/// The host panes (services, ports & processes) with facts in them: wide, and as tabs. The
/// services' uptime goes on counting from the refresh (95 s before the drawn "now").
#[test]
fn host_panes_snapshots() {
    let mut a = app("");
    broken(&mut a);
    host_facts(&mut a);
    let s = draw(&a, 120, 40);
    insta::assert_snapshot!("host_120x40", s);
    // Every finding's title is on screen at once, each on a line of its own with its state
    // (symbol and word); the first one's details below them.
    let findings = &a.state.diagnosis.findings;
    assert_eq!(findings.len(), 3);
    for (i, fnd) in findings.iter().enumerate() {
        let head = format!(
            "{} {:<4} {}. {} ",
            fnd.severity.symbol(),
            fnd.severity.word(),
            i + 1,
            fnd.id
        );
        let start: String = fnd.title.chars().take(12).collect();
        assert!(
            s.lines().any(|l| l.contains(&format!("{head}{start}"))),
            "{head}{start} not on screen:\n{s}"
        );
    }
    assert!(s.contains("── 1. service_down · high confidence"), "{s}");
    // Selecting the second shows its details instead.
    a.focus = Pane::Findings;
    a.on_key(key('j'));
    let s = draw(&a, 120, 40);
    assert!(s.contains("── 2. oom_killed"), "{s}");
    assert!(!s.contains("── 1. service_down"), "{s}");
    a.focus = Pane::Chain;
    a.sel = [0; 6];
    // The chain's port comes first in the ports pane.
    let ports: Vec<&str> = s
        .lines()
        .flat_map(|l| l.split('│'))
        .filter(|c| c.contains("0.0.0.0:"))
        .collect();
    assert!(
        ports
            .first()
            .is_some_and(|p| p.starts_with("◆ 0.0.0.0:80 ")),
        "{ports:?}"
    );
    assert_eq!(ports.len(), 3, "{ports:?}");
    for (pane, name) in [(Pane::Services, "services"), (Pane::Ports, "ports")] {
        a.focus = pane;
        insta::assert_snapshot!(format!("host_{name}_tab_80x24"), draw(&a, 80, 24));
        insta::assert_snapshot!(format!("host_{name}_tab_40x15"), draw(&a, 40, 15));
    }
}

/// A watched folder that cannot be measured is an UNKNOWN line with its reason in the ports
/// pane, and a full filesystem a FAIL line (symbol and word, not only colour).
#[test]
fn disk_unknown_path_and_full_filesystem_are_shown() {
    use crate::host::disk::{Disks, Unreadable, Watched};
    let mut a = app("");
    healthy(&mut a);
    fn unknown<T>(why: &str) -> crate::host::Part<T> {
        crate::host::Part::unknown(crate::host::Unknown::new(why, None))
    }
    let mut snap = crate::host::Snapshot {
        taken_at: at(),
        sockets: unknown("x"),
        processes: unknown("x"),
        memory: unknown("x"),
        oom: unknown("x"),
        services: unknown("x"),
        firewall: unknown("x"),
        selinux: unknown("x"),
        nginx: unknown("x"),
        targets: unknown("x"),
        disk: unknown("x"),
    };
    snap.disk = crate::host::Part::known(Disks {
        filesystems: vec![disk_fs("/srv", "Document Server cache (x)", 99.0, 3)],
        unreadable: vec![Unreadable {
            watched: Watched {
                what: "Document Server logs".into(),
                path: "/var/log/ds".into(),
            },
            reason: "cannot read /var/log/ds: Permission denied".into(),
        }],
        notes: vec![],
    });
    a.state.apply(Update::Host(Box::new(snap)));
    a.focus = Pane::Ports;
    let s = draw(&a, 120, 24);
    assert!(s.contains("✖ FAIL /srv 99% used, 3 MiB free"), "{s}");
    assert!(s.contains("? UNKNOWN disk /var/log/ds: cannot read"), "{s}");
}

/// Consecutive entries reporting the same failure (same upstream; requests, clients and
/// times differ) are one row with a count and their requests; a different upstream breaks the
/// run. The text filter also matches the upstream.
#[test]
fn repeated_failures_are_one_row() {
    let mut a = app("");
    healthy(&mut a);
    let line = |sec: u32, request: &str, port: u16| {
        let raw = format!(
            "2026/11/28 02:59:{sec:02} [error] 12#12: *{sec} connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.{sec}, server: office, request: \"{request} HTTP/1.1\", upstream: \"http://127.0.0.1:{port}/x{sec}\", host: \"office\""
        );
        crate::logs::Record::Nginx(crate::logs::nginx_error::Entry::parse(
            raw.as_bytes(),
            Some(u64::from(sec)),
        ))
    };
    a.state.apply(Update::Logs(vec![
        line(1, "GET /healthcheck", 8000),
        line(2, "POST /coauthoring/CommandService.ashx", 8000),
        line(3, "GET /healthcheck", 8000),
        line(4, "GET /healthcheck", 8001),
        line(5, "GET /a", 8000),
        line(6, "GET /b", 8000),
        line(7, "GET /c", 8000),
        line(8, "GET /d", 8000),
    ]));
    let counts: Vec<usize> = a.log_view().iter().map(|r| r.count).collect();
    assert_eq!(counts, vec![3, 1, 4]);
    let s = draw(&a, 160, 40);
    assert!(s.contains("Error log (8 shown)"), "{s}");
    assert!(
        s.contains(
            "02:59:03 ✖ upstream_refused ×3 127.0.0.1:8000 ← GET /healthcheck, POST /coauthoring/"
        ),
        "{s}"
    );
    assert!(
        s.contains(
            "02:59:08 ✖ upstream_refused ×4 127.0.0.1:8000 ← GET /a, GET /b, GET /c, … · connect("
        ),
        "{s}"
    );
    a.focus = Pane::Logs;
    a.on_key(key('g'));
    a.on_key(code(KeyCode::Enter));
    let (_, text) = ui::detail_text(&a);
    assert!(
        text.starts_with("3 entries like this one, 02:59:01 – 02:59:03 (the newest below)\nrequests: GET /healthcheck HTTP/1.1 · POST /coauthoring/CommandService.ashx HTTP/1.1\n"),
        "{text}"
    );
    a.on_key(code(KeyCode::Esc));
    a.filter = "127.0.0.1:8001".into();
    let counts: Vec<usize> = a.log_view().iter().map(|r| r.count).collect();
    assert_eq!(counts, vec![1]);
}

#[test]
fn wrap_fills_lines_cuts_long_words_and_marks_what_is_left() {
    use unicode_width::UnicodeWidthStr;
    let w = |t: &str, first, rest, max| ui::wrap(t, first, rest, max);
    assert_eq!(w("a bb ccc dddd", 6, 6, 3), vec!["a bb", "ccc", "dddd"]);
    assert_eq!(w("a bb ccc dddd", 4, 9, 3), vec!["a bb", "ccc dddd"]);
    assert_eq!(w("a bb ccc dddd", 6, 6, 2), vec!["a bb", "ccc …"]);
    assert_eq!(w("a bb ccc dddd", 6, 4, 2), vec!["a bb", "ccc…"]);
    assert_eq!(w("abcdefghij", 4, 4, 3), vec!["abcd", "efgh", "ij"]);
    assert_eq!(w("abcdefghij", 4, 4, 2), vec!["abcd", "efg…"]);
    assert_eq!(w("", 4, 4, 2), vec![""]);
    assert_eq!(w("  spaced   out  ", 20, 20, 2), vec!["spaced out"]);
    // Wide characters take two columns; a line may break next to one (Chinese is written
    // without spaces), not before closing or after opening punctuation.
    assert_eq!(
        w("文書サーバー 停止", 8, 8, 3),
        vec!["文書サー", "バー 停", "止"]
    );
    assert_eq!(
        w("ds-docservice 已停止：没有进程监听", 20, 20, 3),
        vec!["ds-docservice 已停", "止：没有进程监听"]
    );
    assert_eq!(
        w("文档服务器（Document Server）", 12, 12, 3)[1],
        "（Document"
    );
    assert_eq!(w("没有进程监听端口", 9, 9, 1), vec!["没有进程…"]);
    // An odd width: the wide character that does not fit is left out whole.
    assert_eq!(w("没有进程监听端口", 8, 8, 1), vec!["没有进…"]);
    let texts = [
        "The Document Server answers 502 because docservice is down: nothing listens",
        "文書サーバーが応答しません 🚨🚨 nginx → docservice",
        "x",
    ];
    for text in texts {
        for (first, rest, max) in [(1, 1, 1), (3, 7, 2), (10, 2, 4), (0, 0, 3), (2, 2, 9)] {
            let lines = w(text, first, rest, max);
            assert!(lines.len() <= max.max(1), "{lines:?}");
            for (i, l) in lines.iter().enumerate() {
                // A single wide character may not fit a line of width 1; nothing else overflows.
                let limit = if i == 0 { first } else { rest }.max(1);
                assert!(
                    l.width() <= limit || l.chars().count() == 1,
                    "{first}/{rest}/{max}: {lines:?}"
                );
            }
        }
    }
}

#[test]
fn the_filter_ignores_case_without_lowercasing_every_entry() {
    use super::app::contains_lowercase as has;
    assert!(has("Connection REFUSED by 127.0.0.1", "refused"));
    assert!(has("x", ""));
    assert!(has("GET /Cache/Files", "/cache/f"));
    assert!(!has("GET /cache", "/caches"));
    assert!(!has("", "a"));
    assert!(has("Überprüfung fehlgeschlagen", "überprüfung"));
    assert!(has("文書 サーバー refused", "refused"));
    assert!(!has("refuse", "refused"));
}

/// The same failure an hour later is an outage of its own: a row of its own.
#[test]
fn a_repeat_after_a_long_silence_starts_a_new_row() {
    let mut a = app("");
    healthy(&mut a);
    let at = |time: &str| {
        let raw = format!(
            "2026/11/28 {time} [error] 12#12: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: office, request: \"GET /healthcheck HTTP/1.1\", upstream: \"http://127.0.0.1:8000/healthcheck\", host: \"office\""
        );
        crate::logs::Record::Nginx(crate::logs::nginx_error::Entry::parse(raw.as_bytes(), None))
    };
    a.state.apply(Update::Logs(vec![
        at("03:59:00"),
        at("03:59:30"),
        at("04:00:30"),
        at("05:59:00"),
    ]));
    let counts: Vec<usize> = a.log_view().iter().map(|r| r.count).collect();
    assert_eq!(counts, vec![3, 1]);
}

#[test]
fn readiness_review_dialog_snapshots_and_scrolls() {
    let mut a = app("");
    healthy(&mut a);
    assert_eq!(a.on_key(key('v')), crate::tui::app::Flow::Review);
    // The facts arrive (none gathered here): the checklist replaces the planning dialog.
    a.show_review(&crate::host::readiness::Readiness::default(), &[]);
    assert!(matches!(
        a.dialog,
        Some(crate::tui::app::Dialog::Scroll { .. })
    ));
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("readiness_{w}x{h}"), draw(&a, w, h));
    }
    let first = draw(&a, 80, 24);
    assert!(first.contains("triage502 review on "), "{first}");
    a.on_key(key('j'));
    a.on_key(key('j'));
    let scrolled = draw(&a, 80, 24);
    assert!(!scrolled.contains("triage502 review on "), "{scrolled}");
    a.on_key(key('x'));
    assert!(a.dialog.is_none(), "any other key closes it");
}

/// The console in Simplified Chinese at the three sizes: a healthy chain, a broken chain
/// with findings, the help overlay. Status stays a symbol and a word (`✖ 故障`).
#[test]
fn zh_cn_snapshots() {
    let _zh = crate::i18n::scoped(crate::i18n::Lang::ZhCn);
    let mut a = app("");
    healthy(&mut a);
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("zh_healthy_{w}x{h}"), draw(&a, w, h));
    }
    let s = draw(&a, 120, 40);
    assert!(s.contains("✔ 正常"), "{s}");
    assert!(s.contains("链路：用户 → 代理 → 应用"), "{s}");
    let mut a = app("");
    broken(&mut a);
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("zh_broken_{w}x{h}"), draw(&a, w, h));
    }
    assert!(draw(&a, 80, 24).contains("✖ 故障 service_down "));
    let mut a = app("");
    healthy(&mut a);
    a.on_key(key('?'));
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("zh_help_{w}x{h}"), draw(&a, w, h));
    }
}

#[test]
fn zh_cn_help_scrolls_to_its_last_line() {
    let _zh = crate::i18n::scoped(crate::i18n::Lang::ZhCn);
    let mut a = app("");
    healthy(&mut a);
    a.on_key(key('?'));
    for _ in 0..60 {
        a.on_key(key('j'));
        draw(&a, 40, 15);
    }
    let s = draw(&a, 40, 15);
    assert!(s.contains("ctrl-z") && s.contains("（fg 恢复）"), "{s}");
}

/// Every line of a drawn screen is exactly as wide as the terminal: no wide character cut
/// in half, none pushing a border out.
fn assert_lines_fill(s: &str, w: u16) {
    use unicode_width::UnicodeWidthStr;
    for line in s.lines() {
        // `TestBackend` writes each line quoted, then the cells hidden by wide characters.
        let l = line
            .split("\" Hidden by multi-width symbols")
            .next()
            .unwrap_or(line);
        let l = l.strip_prefix('"').unwrap_or(l);
        let l = l.strip_suffix('"').unwrap_or(l);
        assert_eq!(l.width(), usize::from(w), "{line:?}\n{s}");
    }
}

/// `fit` cuts by display columns: a Chinese character (two columns) is never split, the cut
/// ends with `…`; `pad` pads by columns too.
#[test]
fn chinese_text_is_cut_and_padded_by_columns() {
    use unicode_width::UnicodeWidthStr;
    assert_eq!(ui::fit("文档服务器已停止", 7), "文档服…");
    assert_eq!(ui::fit("文档服务器已停止", 6), "文档…");
    assert_eq!(ui::fit("文档服务器", 10), "文档服务器");
    assert_eq!(ui::fit("ds 已停止", 5), "ds …");
    assert_eq!(ui::fit("ds 已停止", 6), "ds 已…");
    for w in 0..12 {
        let f = ui::fit("文档服务器已停止：nginx", w);
        assert!(f.width() <= w.max(1), "{w}: {f}");
    }
    // ASCII as before (crate::util::shorten).
    assert_eq!(
        ui::fit("abcdefghij", 5),
        crate::util::shorten("abcdefghij", 5)
    );
    assert_eq!(ui::pad("故障", 7), "故障   ");
    assert_eq!(ui::pad("UNKNOWN", 4), "UNKNOWN");
}

/// An error-log row whose text holds Chinese is cut to the pane's width with `…`, without
/// splitting a character; every line of the screen keeps its width, in both languages.
#[test]
fn a_row_with_chinese_text_is_cut_to_the_pane_width() {
    let mut a = app("");
    healthy(&mut a);
    let raw = "2026/11/28 02:59:58 [error] 12#12: *7 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.9, server: office, request: \"GET /文档/协作编辑/共享目录/季度报告/第三季度/财务数据汇总表.xlsx HTTP/1.1\", upstream: \"http://127.0.0.1:8000/x\", host: \"office\"";
    let e = crate::logs::nginx_error::Entry::parse(raw.as_bytes(), Some(1));
    a.state
        .apply(Update::Logs(vec![crate::logs::Record::Nginx(e)]));
    a.focus = Pane::Logs;
    for zh in [false, true] {
        let _zh = zh.then(|| crate::i18n::scoped(crate::i18n::Lang::ZhCn));
        // Every width from the narrow layout's to the wide one's: the cut falls before,
        // inside and after wide characters.
        for (w, h) in (40..=120).map(|w| (w, if w >= 110 { 40 } else { 24 })) {
            let s = draw(&a, w, h);
            assert_lines_fill(&s, w);
            let row = s
                .lines()
                .find(|l| l.contains("✖ upstream_refused "))
                .unwrap_or_else(|| panic!("{w}×{h}: no row\n{s}"));
            // The cut text ends with `…` at the pane's border (a column may stay free when
            // the next character is wide).
            let from = row.find("upstream_refused ").unwrap_or(0);
            let cell = row[from..].split(['│', '║']).next().unwrap_or("");
            assert!(cell.trim_end().ends_with('…'), "{w}×{h}: {row:?}");
            if w >= 70 {
                assert!(row.contains("GET /文档/"), "{w}×{h}: {row:?}");
            }
        }
    }
}

/// The fleet view's columns line up when a host name or a state word is Chinese: the name
/// starts, and the age ends, at the same column on every line.
#[test]
fn zh_cn_fleet_columns_line_up() {
    use crate::fleet::{Answer, FleetEvent, Target};
    use unicode_width::UnicodeWidthStr;
    let _zh = crate::i18n::scoped(crate::i18n::Lang::ZhCn);
    let targets = [
        Target::destination("office-01"),
        Target::destination("财务-办公室-服务器"),
        Target::destination("db"),
    ];
    let mut a = super::fleet::FleetApp::new(&targets, super::theme::Theme::monochrome());
    let ok = r#"{"schema":1,"version":"0.1.0","host":"x","state":"OK","hops":[],"findings":[],"all_clear":true,"walkthrough":[]}"#;
    for i in 0..2 {
        let r = crate::fleet::remote::RemoteCheck::parse(ok.as_bytes()).expect("parses");
        a.apply(FleetEvent::Answered(i, Answer::Result(Box::new(r))));
    }
    for h in a.state.hosts.iter_mut() {
        h.received = Some(at());
    }
    a.now = at() + chrono::Duration::seconds(42);
    for w in [120u16, 80, 60] {
        let mut t = Terminal::new(TestBackend::new(w, 10)).expect("test terminal");
        t.draw(|f| ui::fleet::draw(f, &a)).expect("draw");
        let s = format!("{}", t.backend());
        assert_lines_fill(&s, w);
        let lines: Vec<&str> = s.lines().skip(1).take(4).collect();
        // Where the host column starts: after the state column, on the header and each row.
        let starts: Vec<usize> = lines
            .iter()
            .zip(["主机", "office-01", "财务", "db"])
            .map(|(l, name)| {
                let at = l.find(name).unwrap_or_else(|| panic!("{name}: {s}"));
                l[..at].width()
            })
            .collect();
        assert!(starts.iter().all(|c| *c == starts[0]), "{starts:?}\n{s}");
        // The age column ends at the same place too (right-aligned, wide header included).
        let ends: Vec<usize> = lines
            .iter()
            .zip(["距今", "42s", "42s", "42s"])
            .filter_map(|(l, age)| l.find(age).map(|at| l[..at + age.len()].width()))
            .collect();
        assert_eq!(ends.len(), 4, "{s}");
        assert!(ends.iter().all(|c| *c == ends[0]), "{ends:?}\n{s}");
    }
}
