//! The "why is it down" and dependency rules on constructed snapshots: each fires on its
//! pattern, names the owner / file:line:column / last output / dependency, offers no restart
//! that cannot work, and stays silent (UNKNOWN) when the facts it needs could not be read.

use crate::config::Config;
use crate::diagnose::test_support::set;
use crate::diagnose::{Diagnosis, HostView, Input, LogView, diagnose};
use crate::host::process::{ProcInfo, Processes};
use crate::host::services::{Answered, ServiceState, ServiceStatus};
use crate::host::{Listener, Owner, Proto, Sockets};
use crate::logs::Record;
use crate::logs::docserver::DsEntry;
use crate::probe::{Detail, HopResult, NetError, State};
use crate::verdict::Unchecked;

const CFG: &str = r#"
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
name = "health"
kind = "docserver-health"
role = "upstream"
url = "http://127.0.0.1:8000/healthcheck"
service = "ds-docservice"
[[hop]]
name = "redis"
kind = "tcp"
role = "dependency"
target = "127.0.0.1:6379"
service = "redis-server"
[[hop]]
name = "postgresql"
kind = "tcp"
role = "dependency"
target = "127.0.0.1:5432"
service = "postgresql"
[[service]]
name = "nginx"
[[service]]
name = "ds-docservice"
[[service]]
name = "redis-server"
[[service]]
name = "postgresql"
"#;

fn cfg() -> Config {
    crate::config::parse(CFG, "test").expect("test config")
}

/// All green, the healthchecks answering `true`.
fn healthy(c: &Config) -> Vec<HopResult> {
    let mut hops = crate::diagnose::test_support::green(c);
    for h in hops
        .iter_mut()
        .filter(|h| h.name == "health" || h.name == "via-nginx")
    {
        h.detail.health = Some(true);
    }
    hops
}

/// The Document Server's port answered by something that is not the Document Server.
fn answered_404(d: &mut Detail) {
    d.health = None;
    d.http_status = Some(404);
    d.server = Some("nginx/1.22.1".into());
}

fn refused(d: &mut Detail) {
    d.error = Some(NetError::Refused);
}

fn listener(port: u16, pid: i32, name: &str) -> Listener {
    Listener {
        proto: Proto::Tcp,
        addr: "127.0.0.1".parse().expect("ip"),
        port,
        ipv6_socket: false,
        inode: 1,
        uid: 0,
        owner: Owner::Process {
            pid,
            name: name.into(),
            shared_with: vec![],
        },
    }
}

fn sockets(ls: Vec<Listener>) -> Sockets {
    Sockets {
        listeners: ls,
        hidden_owners: 0,
        unreadable_processes: 0,
    }
}

fn sup(name: &str, statename: &str, detail: &str, tail: &[&str]) -> ServiceStatus {
    let state = crate::host::services::supervisor_state(statename).expect("state");
    ServiceStatus {
        sub_state: Some(statename.into()),
        pid: (statename == "RUNNING").then_some(4242),
        detail: detail.into(),
        log_tail: tail.iter().map(|s| s.to_string()).collect(),
        log_source: Some(format!("supervisor stderr log of {name}")),
        ..ServiceStatus::new(name, name, Answered::Supervisor, state)
    }
}

fn running(name: &str) -> ServiceStatus {
    sup(name, "RUNNING", "pid 4242, uptime 0:10:00", &[])
}

fn ds(line: &str) -> Record {
    let mut e = DsEntry::parse(line.as_bytes(), Some(3));
    e.file = Some("/var/log/onlyoffice/documentserver/docservice/out.log".into());
    Record::DocServer(e)
}

fn run(
    c: &Config,
    hops: &[HopResult],
    logs: &[Record],
    host: HostView<'_>,
    integration: Option<&crate::onlyoffice::IntegrationReport>,
) -> Diagnosis {
    diagnose(&Input {
        cfg: c,
        hops,
        logs: LogView::new(logs),
        host,
        integration,
        unknown: vec![Unchecked {
            what: "host:sockets".into(),
            why: "test: as given".into(),
        }],
    })
}

fn find<'a>(d: &'a Diagnosis, id: &str) -> Option<&'a crate::diagnose::Finding> {
    d.findings.iter().find(|f| f.id == id)
}

const EXITED: &str = "Exited too quickly (process log may have details)";
const IN_USE: &str = "Error: listen EADDRINUSE: address already in use :::8000";

#[test]
fn port_taken_names_the_owner_and_offers_no_restart() {
    let c = cfg();
    let mut h = healthy(&c);
    set(&mut h, "health", State::Fail, answered_404);
    set(&mut h, "via-nginx", State::Fail, answered_404);
    let s = sockets(vec![
        listener(8000, 777, "nginx"),
        listener(80, 10, "nginx"),
    ]);
    let svcs = vec![
        sup("ds-docservice", "BACKOFF", EXITED, &[IN_USE]),
        running("nginx"),
    ];
    let host = HostView {
        sockets: Some(&s),
        services: Some(&svcs),
        ..HostView::default()
    };
    let d = run(&c, &h, &[], host, None);
    let f = &d.findings[0];
    assert_eq!(f.id, "port_taken", "{:?}", d.ids());
    assert!(f.title.contains("nginx (pid 777)"), "{}", f.title);
    assert_eq!(f.action, None);
    assert_eq!(f.confidence, crate::diagnose::Confidence::High);
    assert!(
        f.explains.contains(&"health".to_string()),
        "{:?}",
        f.explains
    );
    // The crash loop it causes is there, below it, with no restart either.
    let cl = find(&d, "service_crash_loop").expect("crash loop too");
    assert_eq!(cl.action, None);
    assert!(
        cl.next_steps[0].contains("port_taken"),
        "{:?}",
        cl.next_steps
    );

    // The owner is the service itself (its main pid, or a child of it): no finding.
    let svcs = vec![running("ds-docservice"), running("nginx")];
    let h = healthy(&c);
    for (pid, procs) in [
        (4242, None),
        (
            4300,
            Some(Processes {
                chain: vec![ProcInfo {
                    pid: 4300,
                    ppid: Some(4242),
                    name: "docservice".into(),
                    role: Some("docservice".into()),
                    cmdline: String::new(),
                    cpu_percent: 0.0,
                    rss_bytes: 0,
                    started_at: None,
                    state: 'S',
                }],
                top_cpu: vec![],
                top_rss: vec![],
                total: 1,
            }),
        ),
    ] {
        let s = sockets(vec![listener(8000, pid, "docservice")]);
        let host = HostView {
            sockets: Some(&s),
            services: Some(&svcs),
            processes: procs.as_ref(),
            ..HostView::default()
        };
        let d = run(&c, &h, &[], host, None);
        assert!(find(&d, "port_taken").is_none(), "pid {pid}: {:?}", d.ids());
    }
}

#[test]
fn port_taken_is_unknown_without_the_facts() {
    let c = cfg();
    let mut h = healthy(&c);
    set(&mut h, "docservice", State::Fail, refused);
    set(&mut h, "health", State::Fail, refused);
    // The service runs under another pid and its process tree is not known: cannot tell.
    let svcs = vec![running("ds-docservice"), running("nginx")];
    let s = sockets(vec![listener(8000, 999, "node")]);
    let host = HostView {
        sockets: Some(&s),
        services: Some(&svcs),
        ..HostView::default()
    };
    let d = run(&c, &healthy(&c), &[], host, None);
    assert!(find(&d, "port_taken").is_none(), "{:?}", d.ids());
    // Sockets unknown, the service stopped, nothing else: no owner to name, no finding; the
    // reason the sockets are unknown stays in the diagnosis.
    let svcs = vec![sup("ds-docservice", "STOPPED", "Not started", &[])];
    let host = HostView {
        services: Some(&svcs),
        ..HostView::default()
    };
    let d = run(&c, &h, &[], host, None);
    assert!(find(&d, "port_taken").is_none(), "{:?}", d.ids());
    assert!(d.unchecked.iter().any(|u| u.what == "host:sockets"));
    // Sockets unknown but its own last words say the port is in use: named without an owner.
    let svcs = vec![sup("ds-docservice", "FATAL", EXITED, &[IN_USE])];
    let host = HostView {
        services: Some(&svcs),
        ..HostView::default()
    };
    let d = run(&c, &h, &[], host, None);
    let f = find(&d, "port_taken").expect("port_taken from the tail");
    assert!(f.title.contains("owner not known"), "{}", f.title);
    assert!(f.next_steps.iter().any(|s| s.contains("ss -ltnp")));
    assert_eq!(d.findings[0].id, "port_taken", "{:?}", d.ids());
}

#[test]
fn port_taken_is_not_claimed_from_history() {
    let c = cfg();
    let mut h = healthy(&c);
    set(&mut h, "docservice", State::Fail, refused);
    set(&mut h, "health", State::Fail, refused);
    let broken = "Error: Cannot find module '/x/server.js'";
    // An older start's EADDRINUSE above the latest error; nothing listens now.
    for (tail, listeners) in [
        (
            vec![
                IN_USE,
                "    at Server.setupListenHandle",
                broken,
                "    at Module._load",
            ],
            None,
        ),
        (vec![IN_USE], Some(vec![])),
    ] {
        let svcs = vec![sup("ds-docservice", "FATAL", EXITED, &tail)];
        let s = listeners.map(sockets);
        let host = HostView {
            sockets: s.as_ref(),
            services: Some(&svcs),
            ..HostView::default()
        };
        let d = run(&c, &h, &[], host, None);
        assert!(find(&d, "port_taken").is_none(), "{tail:?}: {:?}", d.ids());
        assert_eq!(d.findings[0].id, "service_crash_loop", "{:?}", d.ids());
    }
}

fn report_with(local: &str) -> (tempfile::TempDir, crate::onlyoffice::IntegrationReport) {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("local.json");
    std::fs::write(&p, local).expect("write");
    let text = format!(
        "[onlyoffice]\nlocal_json = {:?}\ndefault_json = {:?}\n",
        p.display().to_string(),
        dir.path().join("default.json").display().to_string()
    );
    let cfg = crate::config::parse(&text, "t").expect("config");
    let rt = crate::util::runtime().expect("runtime");
    let r = rt.block_on(crate::onlyoffice::collect(&cfg, None));
    (dir, r)
}

#[test]
fn ds_config_invalid_locates_the_error_and_blocks_the_restart() {
    let (_d, bad) = report_with("{\n  \"services\": {\n    \"CoAuthoring\": {,\n  }\n}\n");
    let (_d2, good) = report_with("{\"services\": {}}\n");
    let c = cfg();
    let mut h = healthy(&c);
    set(&mut h, "docservice", State::Fail, refused);
    set(&mut h, "health", State::Fail, refused);
    let tail = [
        "Cannot parse config file: '/etc/onlyoffice/documentserver/local.json': SyntaxError: Unexpected token , in JSON at position 38",
    ];
    let svcs = vec![sup("ds-docservice", "FATAL", EXITED, &tail)];
    let s = sockets(vec![]);
    let host = HostView {
        sockets: Some(&s),
        services: Some(&svcs),
        ..HostView::default()
    };
    let d = run(&c, &h, &[], host, Some(&bad));
    let f = &d.findings[0];
    assert_eq!(f.id, "ds_config_invalid", "{:?}", d.ids());
    assert!(f.title.contains("line 3 column 21 (at `,`)"), "{}", f.title);
    assert_eq!(f.severity, State::Fail);
    for id in ["ds_config_invalid", "service_crash_loop", "service_down"] {
        if let Some(x) = find(&d, id) {
            assert_eq!(x.action, None, "{id} offers {:?}", x.action);
        }
    }
    assert!(find(&d, "service_down").is_some(), "{:?}", d.ids());
    // The file parses now: the logged parse error is history; the crash loop is the finding.
    let d = run(&c, &h, &[], host, Some(&good));
    assert!(find(&d, "ds_config_invalid").is_none(), "{:?}", d.ids());
    assert_eq!(d.findings[0].id, "service_crash_loop", "{:?}", d.ids());
    // No report (the file could not be read): its own words are the evidence, unconfirmed.
    let d = run(&c, &h, &[], host, None);
    let f = find(&d, "ds_config_invalid").expect("from the tail");
    assert_eq!(f.confidence, crate::diagnose::Confidence::Medium);
    // Running on what it read at its start, chain green: a warning about the next restart.
    let svcs = vec![running("ds-docservice")];
    let host = HostView {
        services: Some(&svcs),
        ..HostView::default()
    };
    let d = run(&c, &healthy(&c), &[], host, Some(&bad));
    let f = find(&d, "ds_config_invalid").expect("warns");
    assert_eq!(f.severity, State::Warn);
    assert!(f.title.contains("next restart will fail"), "{}", f.title);
}

#[test]
fn crash_loop_shows_the_last_output_and_needs_the_loop() {
    let c = cfg();
    let mut h = healthy(&c);
    set(&mut h, "docservice", State::Fail, refused);
    set(&mut h, "health", State::Fail, refused);
    let why = "Error: Cannot find module '/var/www/onlyoffice/documentserver/server/DocService/sources/server.js'";
    let s = sockets(vec![]);
    let looping = [
        sup(
            "ds-docservice",
            "BACKOFF",
            EXITED,
            &["at Module._load", why],
        ),
        ServiceStatus {
            restarts: Some(5),
            detail: "ActiveState=failed SubState=failed Result=start-limit-hit".into(),
            log_tail: vec![why.into()],
            ..ServiceStatus::new(
                "ds-docservice",
                "ds-docservice",
                Answered::Systemd,
                ServiceState::Failed,
            )
        },
        ServiceStatus {
            restarts: Some(4),
            sub_state: Some("auto-restart".into()),
            log_tail: vec![why.into()],
            ..ServiceStatus::new(
                "ds-docservice",
                "ds-docservice",
                Answered::Systemd,
                ServiceState::Restarting,
            )
        },
        ServiceStatus {
            restarts: Some(7),
            sub_state: Some("restarting".into()),
            log_tail: vec![why.into()],
            ..ServiceStatus::new(
                "ds-docservice",
                "onlyoffice",
                Answered::Docker,
                ServiceState::Restarting,
            )
        },
    ];
    for svc in looping {
        let svcs = vec![svc];
        let host = HostView {
            sockets: Some(&s),
            services: Some(&svcs),
            ..HostView::default()
        };
        let d = run(&c, &h, &[], host, None);
        let f = &d.findings[0];
        assert_eq!(
            f.id,
            "service_crash_loop",
            "{:?}: {:?}",
            svcs[0].backend,
            d.ids()
        );
        assert!(f.title.contains("Cannot find module"), "{}", f.title);
        assert_eq!(f.action, None);
        let down = find(&d, "service_down").expect("service_down below it");
        assert_eq!(down.action, None, "a restart repeats the exit");
    }
    // Stopped, or failed once: down, not a loop (service_down keeps its restart).
    for svc in [
        sup("ds-docservice", "STOPPED", "Not started", &[]),
        ServiceStatus {
            restarts: Some(0),
            detail: "ActiveState=failed SubState=failed Result=exit-code".into(),
            ..ServiceStatus::new(
                "ds-docservice",
                "ds-docservice",
                Answered::Systemd,
                ServiceState::Failed,
            )
        },
    ] {
        let svcs = vec![svc];
        let host = HostView {
            sockets: Some(&s),
            services: Some(&svcs),
            ..HostView::default()
        };
        let d = run(&c, &h, &[], host, None);
        assert!(find(&d, "service_crash_loop").is_none(), "{:?}", d.ids());
        assert_eq!(d.findings[0].id, "service_down", "{:?}", d.ids());
        assert!(d.findings[0].action.is_some());
    }
    // State unknown: no loop claimed.
    let svcs = vec![ServiceStatus::new(
        "ds-docservice",
        "ds-docservice",
        Answered::None,
        ServiceState::Unknown,
    )];
    let host = HostView {
        sockets: Some(&s),
        services: Some(&svcs),
        ..HostView::default()
    };
    let d = run(&c, &h, &[], host, None);
    assert!(find(&d, "service_crash_loop").is_none(), "{:?}", d.ids());
}

const STARTED: &str = "[2026-11-28T12:00:00.000] [WARN] [localhost] [docId] [userId] nodeJS - Express server listening on port 8000 in production mode. Version: 8.2.0. Build: 1";
const REDIS_REFUSED: &str = "[2026-11-28T12:01:00.000] [ERROR] [localhost] [docId] [userId] nodeJS - redisClient error Error: connect ECONNREFUSED 127.0.0.1:6379";

#[test]
fn dependency_down_names_the_dependency_from_the_document_servers_lines() {
    let c = cfg();
    let mut h = healthy(&c);
    set(&mut h, "health", State::Fail, |d| d.health = Some(false));
    set(&mut h, "via-nginx", State::Fail, |d| d.health = Some(false));
    // No redis hop failing (say it listens but refuses PING): the line names Redis.
    let logs = [ds(STARTED), ds(REDIS_REFUSED)];
    let d = run(&c, &h, &logs, HostView::default(), None);
    let f = &d.findings[0];
    assert_eq!(f.id, "dependency_down", "{:?}", d.ids());
    assert!(f.title.contains("cannot reach Redis"), "{}", f.title);
    assert_eq!(f.action.as_deref(), Some("restart:redis-server"));
    // Its hop red too: named by the hop.
    set(&mut h, "redis", State::Fail, refused);
    let d = run(&c, &h, &logs, HostView::default(), None);
    assert!(
        d.findings[0].title.contains("redis is down"),
        "{}",
        d.findings[0].title
    );
    // The same line from before the last start is history: not named.
    let later = STARTED.replace("12:00:00", "12:02:00");
    let logs = [ds(REDIS_REFUSED), ds(&later)];
    let mut h = healthy(&c);
    set(&mut h, "health", State::Fail, |d| d.health = Some(false));
    let d = run(&c, &h, &logs, HostView::default(), None);
    assert!(
        !d.findings[0].title.contains("Redis"),
        "{}",
        d.findings[0].title
    );
}

#[test]
fn database_error_gives_the_fix_for_each_cause() {
    let c = cfg();
    let line = |msg: &str| {
        ds(&format!(
            "[2026-11-28T12:01:00.000] [ERROR] [localhost] [doc1] [userId] nodeJS - sqlQuery error sqlCommand: SELECT * FROM task_result WHERE tenant=:\r\n{msg}"
        ))
    };
    for (msg, fix) in [
        (
            "error: password authentication failed for user \"onlyoffice\"",
            "dbPass",
        ),
        (
            "error: relation \"task_result\" does not exist",
            "createdb.sql",
        ),
        ("error: syntax error at or near \"ON\"", "9.5"),
        ("error: sorry, too many clients already", "max_connections"),
    ] {
        // A green chain: PostgreSQL answers; users still cannot open documents.
        let logs = [ds(STARTED), line(msg)];
        let d = run(&c, &healthy(&c), &logs, HostView::default(), None);
        let f = find(&d, "database_error").unwrap_or_else(|| panic!("{msg}: {:?}", d.ids()));
        assert!(f.next_steps[0].contains(fix), "{msg}: {:?}", f.next_steps);
        assert!(
            f.evidence
                .iter()
                .any(|e| e.fact.contains("1 failed query from") && e.fact.contains(", 1 document")),
            "{:?}",
            f.evidence
        );
        // Logged before the last start: history.
        let later = STARTED.replace("12:00:00", "12:05:00");
        let logs = [line(msg), ds(&later)];
        let d = run(&c, &healthy(&c), &logs, HostView::default(), None);
        assert!(find(&d, "database_error").is_none(), "{:?}", d.ids());
    }
    // PostgreSQL refuses connections: a dependency down, not a query error.
    let mut h = healthy(&c);
    set(&mut h, "postgresql", State::Fail, refused);
    set(&mut h, "health", State::Fail, |d| d.health = Some(false));
    let logs = [
        ds(STARTED),
        line("Error: connect ECONNREFUSED 127.0.0.1:5432"),
    ];
    let d = run(&c, &h, &logs, HostView::default(), None);
    assert!(find(&d, "database_error").is_none(), "{:?}", d.ids());
    assert_eq!(d.findings[0].id, "dependency_down", "{:?}", d.ids());
    assert!(
        d.findings[0].title.contains("PostgreSQL"),
        "{}",
        d.findings[0].title
    );
}

#[test]
fn dependency_and_database_findings_need_the_lines() {
    // The Document Server's log could not be read: its failed queries are unknown, not
    // absent; no database_error is made up, the reason stays in the diagnosis.
    let c = cfg();
    let d = diagnose(&Input {
        cfg: &c,
        hops: &healthy(&c),
        logs: LogView::default(),
        host: HostView::default(),
        integration: None,
        unknown: vec![Unchecked {
            what: "log:/var/log/onlyoffice/documentserver/docservice/out.log".into(),
            why: "permission denied (run as root to read it)".into(),
        }],
    });
    assert!(d.findings.is_empty(), "{:?}", d.ids());
    assert!(
        d.unchecked
            .iter()
            .any(|u| u.what.ends_with("docservice/out.log")),
        "{:?}",
        d.unchecked
    );
}
