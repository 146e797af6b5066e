//! Service backends: recorded systemd and docker outputs parse; supervisor is read from a real
//! supervisord started by the test (the lab's stand-in Document Server programs `ds:*`).

mod common;

use common::{Supervisord, alive, tool};
use std::path::Path;
use std::time::{Duration, Instant};

use triage502::host::services::{
    self, Answered, Backend, ServiceQuery, ServiceState, parse_docker_inspect, parse_systemctl_show,
};

fn fixture(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/host")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn systemd_recorded_outputs_parse() {
    let s = parse_systemctl_show(
        "docservice",
        "ds-docservice",
        &fixture("systemctl-show-ds-docservice-active.txt"),
    )
    .unwrap();
    assert_eq!(s.backend, Answered::Systemd);
    assert_eq!(s.state, ServiceState::Active);
    assert_eq!(s.sub_state.as_deref(), Some("running"));
    assert_eq!(s.pid, Some(1187));
    assert_eq!(s.restarts, Some(0));
    assert_eq!(s.since.as_deref(), Some("Sat 2026-11-28 09:12:44 UTC"));

    let s = parse_systemctl_show(
        "docservice",
        "ds-docservice",
        &fixture("systemctl-show-ds-docservice-failed.txt"),
    )
    .unwrap();
    assert_eq!(s.state, ServiceState::Failed);
    assert_eq!(s.exit_code, Some(1));
    assert_eq!(s.pid, None, "MainPID=0 means no process");
    assert!(s.detail.contains("Result=exit-code"), "{}", s.detail);

    let s = parse_systemctl_show(
        "converter",
        "ds-converter",
        &fixture("systemctl-show-ds-converter-auto-restart.txt"),
    )
    .unwrap();
    assert_eq!(s.state, ServiceState::Restarting);
    assert_eq!(s.restarts, Some(5));
    assert_eq!(s.sub_state.as_deref(), Some("auto-restart"));

    let s = parse_systemctl_show(
        "redis",
        "redis-server",
        &fixture("systemctl-show-redis-server-inactive.txt"),
    )
    .unwrap();
    assert_eq!(s.state, ServiceState::Inactive);
    assert_eq!(s.since, None);

    let s = parse_systemctl_show(
        "rabbitmq",
        "rabbitmq-server",
        &fixture("systemctl-show-rabbitmq-server-oom.txt"),
    )
    .unwrap();
    assert_eq!(s.state, ServiceState::Failed);
    assert_eq!(s.oom_killed, Some(true));

    let e = parse_systemctl_show("x", "x", &fixture("systemctl-show-not-found.txt")).unwrap_err();
    assert!(e.reason.contains("not found"));
}

#[test]
fn docker_recorded_outputs_parse() {
    let c = "onlyoffice-documentserver";
    let s = parse_docker_inspect("ds", c, &fixture("docker-inspect-running-healthy.json")).unwrap();
    assert_eq!(s.backend, Answered::Docker);
    assert_eq!(s.state, ServiceState::Active);
    assert_eq!(s.health.as_deref(), Some("healthy"));
    assert_eq!(s.pid, Some(2412));
    assert_eq!(s.restarts, Some(0));
    assert_eq!(s.since.as_deref(), Some("2026-11-28T09:12:40.118273645Z"));

    let s = parse_docker_inspect("ds", c, &fixture("docker-inspect-restarting.json")).unwrap();
    assert_eq!(s.state, ServiceState::Restarting);
    assert_eq!(s.restarts, Some(14));
    assert_eq!(s.health, None);

    let s = parse_docker_inspect("ds", c, &fixture("docker-inspect-exited-oom.json")).unwrap();
    assert_eq!(s.state, ServiceState::Exited { code: Some(137) });
    assert_eq!(s.oom_killed, Some(true));
    assert!(
        s.detail.contains("OOMKilled") && s.detail.contains("exit_code=137"),
        "{}",
        s.detail
    );

    let s = parse_docker_inspect("ds", c, &fixture("docker-inspect-unhealthy.json")).unwrap();
    assert_eq!(s.state, ServiceState::Active);
    assert_eq!(s.health.as_deref(), Some("unhealthy"));
    assert!(s.detail.contains("failing_streak=7"), "{}", s.detail);

    assert!(parse_docker_inspect("ds", c, "[]").is_err());
    assert!(parse_docker_inspect("ds", c, "not json").is_err());
}

#[tokio::test]
async fn supervisor_states_from_real_supervisord() {
    if !tool("supervisord") || !tool("supervisorctl") {
        return common::skip("supervisord/supervisorctl not installed");
    }
    let dir = tempfile::tempdir().unwrap();
    let mut guard = Supervisord::start(
        dir.path(),
        "[program:docservice]\ncommand=sleep 1000\nstartsecs=0\nautorestart=false\n\n\
         [program:converter]\ncommand=/bin/false\nstartsecs=1\nstartretries=0\nautorestart=false\n\n\
         [program:metrics]\ncommand=sleep 1000\nautostart=false\n\n\
         [group:ds]\nprograms=docservice,converter,metrics\n",
    );
    let conf = guard.conf.clone();
    let q = |prog: &str| ServiceQuery {
        backend: Backend::Supervisor,
        supervisor_config: Some(conf.clone()),
        supervisor_program: Some(format!("ds:{prog}")),
        ..ServiceQuery::auto(prog)
    };
    let t = Duration::from_secs(3);
    // Wait until the failing program has given up (BACKOFF → FATAL).
    let deadline = Instant::now() + Duration::from_secs(10);
    let conv = loop {
        let s = services::status(&q("converter"), t).await;
        if s.state == ServiceState::Failed || Instant::now() > deadline {
            break s;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(conv.state, ServiceState::Failed, "{conv:?}");
    assert_eq!(conv.sub_state.as_deref(), Some("FATAL"));
    assert_eq!(conv.backend, Answered::Supervisor);
    assert_eq!(conv.unit, "ds:converter");

    let all = services::collect(&[q("docservice"), q("metrics"), q("nosuch")], t).await;
    let ds = &all[0];
    assert_eq!(ds.name, "docservice");
    assert_eq!(ds.state, ServiceState::Active, "{ds:?}");
    let pid = ds.pid.expect("running program has a pid");
    guard.extra_pids.push(pid as i32);
    let cmdline = std::fs::read_to_string(format!("/proc/{pid}/cmdline")).unwrap();
    assert!(
        cmdline.starts_with("sleep"),
        "pid {pid} is the program: {cmdline:?}"
    );
    assert_eq!(all[1].state, ServiceState::Inactive);
    assert_eq!(all[1].sub_state.as_deref(), Some("STOPPED"));
    assert_eq!(all[2].state, ServiceState::Unknown);
    assert!(all[2].detail.contains("no such"), "{:?}", all[2].detail);

    // supervisord's socket (XML-RPC, no Python process) and supervisorctl say the same.
    use triage502::host::supervisor_rpc;
    let sock = supervisor_rpc::socket_of(Some(&conf)).expect("the config's socket");
    let supervisor_rpc::Answer::Programs(rpc) = supervisor_rpc::all_process_info(&sock, t).await
    else {
        panic!("supervisord answers on its socket");
    };
    let out = std::process::Command::new("supervisorctl")
        .arg("-c")
        .arg(&conf)
        .arg("status")
        .output()
        .expect("supervisorctl");
    let ctl = services::parse_supervisorctl_status(&String::from_utf8_lossy(&out.stdout));
    let key = |v: &[services::ServiceStatus]| {
        let mut k: Vec<_> = v
            .iter()
            .map(|s| (s.unit.clone(), s.state.clone(), s.pid, s.sub_state.clone()))
            .collect();
        k.sort_by(|a, b| a.0.cmp(&b.0));
        k
    };
    assert_eq!(key(&rpc), key(&ctl));
    assert_eq!(rpc.len(), 3, "{rpc:?}");
    let up = |v: &[services::ServiceStatus]| {
        v.iter()
            .find(|s| s.unit == "ds:docservice")
            .and_then(|s| s.uptime_secs)
    };
    let (a, b) = (up(&rpc).expect("uptime"), up(&ctl).expect("uptime"));
    assert!(a.abs_diff(b) <= 2, "uptimes {a} / {b}");

    // Auto detection finds supervisor here (no systemd in this box) when given the config.
    if !services::systemd_present() {
        let auto = ServiceQuery {
            backend: Backend::Auto,
            ..q("docservice")
        };
        let s = services::status(&auto, t).await;
        assert_eq!(s.backend, Answered::Supervisor, "{s:?}");
    }

    // After shutdown the same query is an explained unknown, not a hang.
    drop(guard);
    let s = services::status(&q("docservice"), t).await;
    assert_eq!(s.state, ServiceState::Unknown);
    assert!(s.hint.is_some() || !s.detail.is_empty(), "{s:?}");
    assert!(!alive(pid as i32), "program stopped with supervisord");
}

/// A supervisord that accepts on its socket but never answers (hung): its programs are
/// explained unknowns after one timeout, not asked again one by one or through supervisorctl.
#[tokio::test]
async fn a_hung_supervisord_is_asked_once() {
    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("s.sock");
    // Never accepted, never answered: every connection, from the XML-RPC client or from a
    // `supervisorctl` fallback, waits in the listen backlog, where it is counted afterwards.
    let listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    let conf = dir.path().join("supervisord.conf");
    std::fs::write(
        &conf,
        format!(
            "[unix_http_server]\nfile={}\n\n[supervisorctl]\nserverurl=unix://{}\n",
            sock.display(),
            sock.display()
        ),
    )
    .unwrap();
    let q = |prog: &str| ServiceQuery {
        backend: Backend::Supervisor,
        supervisor_config: Some(conf.clone()),
        supervisor_program: Some(prog.to_string()),
        ..ServiceQuery::auto(prog)
    };
    let all = services::collect(
        &[q("docservice"), q("converter")],
        Duration::from_millis(500),
    )
    .await;
    assert_eq!(all.len(), 2);
    for s in &all {
        assert_eq!(s.state, ServiceState::Unknown, "{s:?}");
        assert!(s.detail.contains("no answer within"), "{s:?}");
    }
    listener.set_nonblocking(true).unwrap();
    let mut asks = 0;
    while let Ok((_c, _)) = listener.accept() {
        asks += 1;
    }
    assert_eq!(
        asks, 1,
        "the hung supervisord was asked {asks} times for two programs"
    );
}

/// A supervisord that is not running (its socket missing): the socket fails, the one
/// `supervisorctl status` for the group fails, and that answer is final for every program of
/// the group — explained, with the hint, not asked again program by program.
#[tokio::test]
async fn a_stopped_supervisord_is_explained_once_for_its_programs() {
    if !tool("supervisorctl") {
        return common::skip("supervisorctl not installed");
    }
    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("gone.sock");
    let conf = dir.path().join("supervisord.conf");
    std::fs::write(
        &conf,
        format!(
            "[unix_http_server]\nfile={0}\n\n[supervisorctl]\nserverurl=unix://{0}\n",
            sock.display()
        ),
    )
    .unwrap();
    let q = |prog: &str| ServiceQuery {
        backend: Backend::Supervisor,
        supervisor_config: Some(conf.clone()),
        supervisor_program: Some(prog.to_string()),
        ..ServiceQuery::auto(prog)
    };
    let all = services::collect(&[q("docservice"), q("converter")], Duration::from_secs(5)).await;
    assert_eq!(all.len(), 2);
    for s in &all {
        assert_eq!(s.state, ServiceState::Unknown, "{s:?}");
        // The group's one supervisorctl call ("status"), not a per-program "status NAME".
        assert!(s.detail.starts_with("supervisorctl status:"), "{s:?}");
        assert!(
            s.hint.as_deref().is_some_and(|h| h.contains("not running")),
            "{s:?}"
        );
    }
}
