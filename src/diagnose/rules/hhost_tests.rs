//! Tests of the converter, disk, Docker-JWT and connector rules (`converter_timeout`,
//! `oom_killed` for x2t, `disk_full`, `jwt_secret_ephemeral`, `connector_disabled`) on recorded
//! log lines (the field fixtures' wordings) and constructed host facts: each fires on its
//! pattern, stays silent on lines from before the Document Server's last start, and says
//! UNKNOWN when its facts cannot be read.

use crate::config::Config;
use crate::diagnose::{Diagnosis, HostView, Input, LogView, diagnose};
use crate::host::disk::{Disks, Filesystem, Unreadable, Watched};
use crate::host::process::{OomKill, OomReport, ProcInfo, Processes};
use crate::logs::Record;
use crate::probe::{HopResult, State};

const CFG: &str = r#"
[[hop]]
name = "via-nginx"
kind = "docserver-health"
role = "via-proxy"
url = "http://127.0.0.1/healthcheck"
[[hop]]
name = "health"
kind = "docserver-health"
role = "upstream"
url = "http://127.0.0.1:8000/healthcheck"
service = "ds-docservice"
[[service]]
name = "ds-docservice"
[[service]]
name = "ds-converter"
"#;

fn cfg() -> Config {
    crate::config::parse(CFG, "test").expect("test config")
}

fn hops(c: &Config, health: State) -> Vec<HopResult> {
    let mut hops = crate::diagnose::test_support::green(c);
    for h in hops.iter_mut().filter(|h| h.name == "health") {
        h.state = health;
    }
    hops
}

/// A Document Server out.log entry.
fn ds(line: &str) -> Record {
    let mut e = crate::logs::docserver::DsEntry::parse(line.as_bytes(), Some(3));
    e.file = Some("/var/log/onlyoffice/documentserver/converter/out.log".into());
    Record::DocServer(e)
}

fn started(time: &str) -> Record {
    ds(&format!(
        "[{time}] [WARN] [localhost] [docId] [userId] nodeJS - Express server listening on port 8000 in production-linux mode. Version: 8.2.0. Build: 1"
    ))
}

/// The field line of an nginx read timeout on the converter, at another time.
fn nginx_convert_timeout(time: &str) -> Record {
    let line = format!(
        "{time} [error] 7045#7045: *47 upstream timed out (110: Unknown error) while reading response header from upstream, client: 172.19.0.4, server: , request: \"POST /ConvertService.ashx HTTP/1.1\", upstream: \"http://127.0.0.1:8000/ConvertService.ashx\", host: \"onlyoffice\""
    );
    let mut e = crate::logs::nginx_error::Entry::parse(line.as_bytes(), Some(9));
    e.file = Some("/var/log/nginx/error.log".into());
    Record::Nginx(e)
}

fn run(c: &Config, hops: &[HopResult], logs: LogView<'_>, host: HostView<'_>) -> Diagnosis {
    diagnose(&Input {
        cfg: c,
        hops,
        logs,
        host,
        integration: None,
        unknown: vec![],
    })
}

fn find<'a>(d: &'a Diagnosis, id: &str) -> Option<&'a crate::diagnose::Finding> {
    d.findings.iter().find(|f| f.id == id)
}

fn facts(d: &crate::diagnose::Finding) -> String {
    d.evidence
        .iter()
        .map(|e| format!("[{}] {}", e.source, e.fact))
        .collect::<Vec<_>>()
        .join("\n")
}

fn proc(pid: u32, role: &str, state: char, cpu: f32) -> ProcInfo {
    ProcInfo {
        pid,
        ppid: Some(1),
        name: role.into(),
        role: Some(role.into()),
        cmdline: role.into(),
        cpu_percent: cpu,
        rss_bytes: 300 << 20,
        started_at: Some(chrono::Utc::now() - chrono::Duration::minutes(7)),
        state,
    }
}

fn nginx_facts(read_timeout: &str) -> crate::host::nginx::NginxFacts {
    let text = format!(
        "events {{}}\nhttp {{\n  upstream docservice {{ server 127.0.0.1:8000; }}\n  server {{\n    listen 80;\n    location / {{\n      proxy_pass http://docservice;\n      proxy_read_timeout {read_timeout};\n    }}\n  }}\n}}\n"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("nginx.conf");
    std::fs::write(&path, text).expect("write");
    let c =
        crate::host::nginx_conf::load(&crate::host::nginx_conf::DiskSource, &path).expect("parse");
    crate::host::nginx::analyze(
        &c,
        crate::host::nginx::ConfigOrigin::Files,
        crate::host::nginx::NginxTest::NotRun {
            reason: "test".into(),
        },
    )
}

#[test]
fn converter_timeout_names_the_read_timeout_and_the_busy_x2t() {
    let c = cfg();
    let h = hops(&c, State::Ok);
    let logs = [
        started("2026-11-28T12:00:00.000"),
        nginx_convert_timeout("2026/11/28 12:01:00"),
        ds(
            "[2026-11-28T12:01:02.000] [ERROR] [localhost] [conv_a_docx] [userId] nodeJS - receiveTask timeout 300",
        ),
        ds(
            "[2026-11-28T12:02:02.000] [ERROR] [localhost] [conv_b_docx] [userId] nodeJS - receiveTask timeout 300",
        ),
    ];
    let n = nginx_facts("2s");
    let p = Processes {
        chain: vec![proc(40, "converter", 'S', 0.5), proc(41, "x2t", 'R', 99.0)],
        ..Processes::default()
    };
    let d = run(
        &c,
        &h,
        LogView::new(&logs),
        HostView {
            nginx: Some(&n),
            processes: Some(&p),
            ..HostView::default()
        },
    );
    let f = find(&d, "converter_timeout").unwrap_or_else(|| panic!("{:?}", d.ids()));
    let ev = facts(f);
    assert!(ev.contains("proxy_read_timeout 2s"), "{ev}");
    assert!(ev.contains("x2t pid 41 state R 99 % CPU"), "{ev}");
    assert!(
        ev.contains("2 lines, 2 documents, first 2026-11-28 12:01:02"),
        "{ev}"
    );
    assert!(ev.contains("upstream_read_timeout"), "{ev}");
    // nginx's timeout and the converter's own line agree.
    assert_eq!(f.confidence, crate::diagnose::Confidence::High);
    assert!(
        f.next_steps[0].contains("x2t is busy"),
        "{:?}",
        f.next_steps
    );
    assert_eq!(f.action.as_deref(), Some("restart:ds-converter"));
}

#[test]
fn converter_timeout_counts_the_access_logs_504s_on_the_converter() {
    let c = cfg();
    let mut a = crate::engine::access::AccessSummary::default();
    a.s504_by_path.insert("/ConvertService.ashx".into(), 4);
    a.s504_by_path.insert("/healthcheck".into(), 1);
    let ds_line = [ds(
        "[2026-11-28T12:01:02.000] [ERROR] [localhost] [conv_a_docx] [userId] nodeJS - receiveTask timeout 300",
    )];
    let d = run(
        &c,
        &hops(&c, State::Ok),
        LogView::new(&ds_line).with_access(Some(&a)),
        HostView::default(),
    );
    let f = find(&d, "converter_timeout").unwrap_or_else(|| panic!("{:?}", d.ids()));
    assert!(f.title.contains("4×504"), "{}", f.title);
    assert_eq!(f.confidence, crate::diagnose::Confidence::High);
    // Not from the access log alone when it holds only other paths' 504s.
    let mut other = crate::engine::access::AccessSummary::default();
    other.s504_by_path.insert("/healthcheck".into(), 3);
    let d = run(
        &c,
        &hops(&c, State::Ok),
        LogView::new(&[]).with_access(Some(&other)),
        HostView::default(),
    );
    assert!(find(&d, "converter_timeout").is_none(), "{:?}", d.ids());
}

#[test]
fn converter_timeout_near_misses_health_red_and_history() {
    let c = cfg();
    let logs = [
        nginx_convert_timeout("2026/11/28 12:01:00"),
        ds(
            "[2026-11-28T12:01:02.000] [ERROR] [localhost] [conv_a_docx] [userId] nodeJS - receiveTask timeout 300",
        ),
    ];
    // /healthcheck failing: the service's own finding explains the timeouts.
    let d = run(
        &c,
        &hops(&c, State::Fail),
        LogView::new(&logs),
        HostView::default(),
    );
    assert!(find(&d, "converter_timeout").is_none(), "{:?}", d.ids());
    // Every line from before the last start: history.
    let mut later = logs.to_vec();
    later.push(started("2026-11-28T12:05:00.000"));
    let d = run(
        &c,
        &hops(&c, State::Ok),
        LogView::new(&later),
        HostView::default(),
    );
    assert!(d.findings.is_empty(), "{:?}", d.ids());
}

#[test]
fn x2t_killed_is_oom_killed_from_its_lines_and_the_kernels() {
    let c = cfg();
    let line = ds(
        "[2024-01-01T10:00:02.000] [ERROR] [localhost] [c] [u] nodeJS - ExitCode (code=null;signal=SIGKILL;error:-80)",
    );
    let spawn = ds(
        "[2021-04-15T09:57:57.909] [ERROR] nodeJS - error spawnAsync(id=1179276258)\nError: /var/www/onlyoffice/documentserver/server/FileConverter/bin/x2t exited with signal: SIGKILL",
    );
    let logs = [spawn, line];
    let d = run(
        &c,
        &hops(&c, State::Ok),
        LogView::new(&logs),
        HostView::default(),
    );
    let f = find(&d, "oom_killed").unwrap_or_else(|| panic!("{:?}", d.ids()));
    assert!(f.title.starts_with("x2t"), "{}", f.title);
    assert!(f.title.contains("most likely"), "{}", f.title);
    assert_eq!(f.confidence, crate::diagnose::Confidence::Medium);
    assert_eq!(f.action, None, "x2t is no service to restart");
    assert!(facts(f).contains("2 lines"), "{}", facts(f));
    // The kernel's own line makes it certain.
    let oom = OomReport {
        source: "journalctl -k".into(),
        window: "last 24 h".into(),
        kills: vec![OomKill {
            time: Some("2024-01-01T10:00:02+0000".into()),
            pid: 4711,
            process: "x2t".into(),
            cgroup: None,
            line: "Out of memory: Killed process 4711 (x2t)".into(),
        }],
    };
    let p = Processes {
        chain: vec![proc(40, "converter", 'S', 0.1)],
        ..Processes::default()
    };
    let d = run(
        &c,
        &hops(&c, State::Ok),
        LogView::new(&logs),
        HostView {
            oom: Some(&oom),
            processes: Some(&p),
            ..HostView::default()
        },
    );
    let f = find(&d, "oom_killed").unwrap_or_else(|| panic!("{:?}", d.ids()));
    assert_eq!(
        f.title,
        "x2t (the converter's worker) was killed for lack of memory"
    );
    assert_eq!(f.confidence, crate::diagnose::Confidence::High);
    assert!(
        facts(f).contains("OOM killer ended x2t (pid 4711)"),
        "{}",
        facts(f)
    );
    assert!(
        facts(f).contains("converter pid 40 state S"),
        "{}",
        facts(f)
    );
    // Lines from before the last start are history.
    let mut old = logs.to_vec();
    old.push(started("2024-01-01T11:00:00.000"));
    let d = run(
        &c,
        &hops(&c, State::Ok),
        LogView::new(&old),
        HostView::default(),
    );
    assert!(d.findings.is_empty(), "{:?}", d.ids());
}

fn fs(mount: &str, used: f64, inodes_free: u64) -> Filesystem {
    Filesystem {
        mount: mount.into(),
        holds: vec![Watched {
            what: "Document Server cache (storage.fs.folderPath, default)".into(),
            path: format!("{mount}/cache/files").into(),
        }],
        total_bytes: 4 << 20,
        avail_bytes: if used >= 100.0 { 0 } else { 1 << 20 },
        used_percent: used,
        inodes_total: 1000,
        inodes_free,
        read_only: false,
    }
}

const ENOSPC: &str = "[2026-11-28T12:01:03.000] [WARN] [localhost] [docId] [userId] nodeJS - healthCheck storage(undefined) error Error: ENOSPC: no space left on device, open '/srv/lab/cache/files/hc_x'";

#[test]
fn disk_full_from_statvfs_and_from_enospc_lines() {
    let c = cfg();
    let full = Disks {
        filesystems: vec![
            fs("/srv/lab/cache/files", 100.0, 900),
            fs("/tmp", 10.0, 900),
        ],
        ..Disks::default()
    };
    let d = run(
        &c,
        &hops(&c, State::Ok),
        LogView::new(&[]),
        HostView {
            disk: Some(&full),
            ..HostView::default()
        },
    );
    assert_eq!(d.ids(), vec!["disk_full"]);
    let f = &d.findings[0];
    assert_eq!(f.severity, State::Fail);
    assert!(
        f.title
            .contains("/srv/lab/cache/files (Document Server cache)"),
        "{}",
        f.title
    );
    assert!(f.next_steps[0].contains("du -xh"), "{:?}", f.next_steps);
    // Out of inodes, space left: still full, and the next step looks for files.
    let inodes = Disks {
        filesystems: vec![fs("/var", 40.0, 2)],
        ..Disks::default()
    };
    let d = run(
        &c,
        &hops(&c, State::Ok),
        LogView::new(&[]),
        HostView {
            disk: Some(&inodes),
            ..HostView::default()
        },
    );
    let f = find(&d, "disk_full").unwrap_or_else(|| panic!("{:?}", d.ids()));
    assert!(f.title.contains("inodes"), "{}", f.title);
    assert!(f.next_steps[0].contains("--inodes"), "{:?}", f.next_steps);
    // ENOSPC since the last start while there is room now: a warning naming the filesystem.
    let roomy = Disks {
        filesystems: vec![fs("/srv/lab/cache/files", 20.0, 900)],
        ..Disks::default()
    };
    let logs = [started("2026-11-28T12:00:00.000"), ds(ENOSPC)];
    let d = run(
        &c,
        &hops(&c, State::Ok),
        LogView::new(&logs),
        HostView {
            disk: Some(&roomy),
            ..HostView::default()
        },
    );
    let f = find(&d, "disk_full").unwrap_or_else(|| panic!("{:?}", d.ids()));
    assert_eq!(f.severity, State::Warn);
    assert!(
        facts(f).contains("now /srv/lab/cache/files"),
        "{}",
        facts(f)
    );
    // The same line from before the last start, room now: nothing.
    let old = [ds(ENOSPC), started("2026-11-28T12:05:00.000")];
    let d = run(
        &c,
        &hops(&c, State::Ok),
        LogView::new(&old),
        HostView {
            disk: Some(&roomy),
            ..HostView::default()
        },
    );
    assert!(d.findings.is_empty(), "{:?}", d.ids());
    // A healthy disk and no line: nothing.
    let d = run(
        &c,
        &hops(&c, State::Ok),
        LogView::new(&[]),
        HostView {
            disk: Some(&roomy),
            ..HostView::default()
        },
    );
    assert!(d.all_clear, "{:?}", d.ids());
}

#[test]
fn unreadable_disk_paths_are_unknown_not_healthy() {
    use crate::host::{Part, Snapshot, Unknown};
    let snap = Snapshot {
        disk: Part::known(Disks {
            filesystems: vec![],
            unreadable: vec![Unreadable {
                watched: Watched {
                    what: "Document Server logs".into(),
                    path: "/var/log/onlyoffice/documentserver/docservice".into(),
                },
                reason: "cannot read /var/log/onlyoffice/documentserver/docservice: permission denied (run as root to read it)".into(),
            }],
            notes: vec![],
        }),
        ..Snapshot::unknown_for_tests()
    };
    let (view, unknown) = HostView::from_snapshot(&snap);
    assert!(view.disk.is_some());
    let u = unknown
        .iter()
        .find(|u| u.what == "host:disk /var/log/onlyoffice/documentserver/docservice")
        .unwrap_or_else(|| panic!("{unknown:?}"));
    assert!(u.why.contains("permission denied"), "{}", u.why);
    // A timed-out measurement: the whole part is unknown, with why.
    let mut snap = snap;
    snap.disk = Part::unknown(Unknown::new(
        "measuring disk space timed out after 3 s",
        None,
    ));
    let (view, unknown) = HostView::from_snapshot(&snap);
    assert!(view.disk.is_none());
    assert!(
        unknown
            .iter()
            .any(|u| u.what == "host:disk" && u.why.contains("timed out")),
        "{unknown:?}"
    );
}
