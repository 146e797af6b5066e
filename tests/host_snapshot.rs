//! The whole snapshot: every part present with a timestamp, JSON-serializable, rendered as
//! text; slow or missing tools become explained unknowns within the bound; a sampler is
//! reused across snapshots and shared by clones.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

use triage502::host::{
    self, HostQuery, HostSampler, NginxQuery, ServiceQuery, Status,
    services::{Backend, ServiceState},
};
use triage502::report::host::render_text;

#[tokio::test]
async fn snapshot_has_every_part_serializes_and_renders() {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let q = HostQuery {
        ports: vec![port],
        ..HostQuery::onlyoffice()
    };
    let start = Instant::now();
    let s = host::collect(&q).await;
    assert!(
        start.elapsed() < q.timeout * 3 + Duration::from_secs(2),
        "bounded"
    );
    let sk = s.sockets.value().expect("sockets readable");
    assert!(
        sk.listeners
            .iter()
            .any(|x| x.port == port && x.pid() == Some(std::process::id() as i32))
    );
    assert!(s.memory.value().is_some());
    assert!(s.processes.value().is_some());
    assert!(s.selinux.value().is_some());
    let svcs = s.services.value().expect("services part always known");
    assert_eq!(svcs.len(), q.services.len());
    for v in svcs {
        if v.state == ServiceState::Unknown {
            assert!(
                !v.detail.is_empty(),
                "unknown service without a reason: {v:?}"
            );
        }
    }
    let fw = s.firewall.value().expect("firewall part");
    assert_eq!(fw.backends.len(), 4);
    for p in [&s.sockets.at, &s.memory.at, &s.nginx.at, &s.oom.at] {
        assert!(*p >= s.taken_at);
    }
    let json = serde_json::to_value(&s).unwrap();
    for key in [
        "taken_at",
        "sockets",
        "processes",
        "memory",
        "oom",
        "services",
        "firewall",
        "selinux",
        "nginx",
        "targets",
    ] {
        assert!(json.get(key).is_some(), "missing {key}");
        if key != "taken_at" {
            let st = &json[key]["status"];
            assert!(
                st.get("known").is_some() || st.get("unknown").is_some(),
                "{key}: {st}"
            );
        }
    }
    let text = render_text(&s);
    for title in [
        "Host facts",
        "Services",
        "Listening sockets",
        "Firewall",
        "SELinux",
        "Memory",
    ] {
        assert!(text.contains(title), "{title} missing in:\n{text}");
    }
    assert!(text.contains(&format!("127.0.0.1:{port}")));
}

#[tokio::test]
async fn slow_and_missing_tools_are_explained_unknowns() {
    let dir = tempfile::tempdir().unwrap();
    let slow = dir.path().join("slow-nginx");
    std::fs::write(&slow, "#!/bin/sh\nexec sleep 30\n").unwrap();
    std::fs::set_permissions(&slow, std::fs::Permissions::from_mode(0o755)).unwrap();
    let q = HostQuery {
        services: vec![
            ServiceQuery {
                backend: Backend::Docker,
                docker_container: Some("t502-no-such-container".into()),
                ..ServiceQuery::auto("ds")
            },
            ServiceQuery {
                backend: Backend::Systemd,
                ..ServiceQuery::auto("t502-no-such-unit")
            },
        ],
        nginx: NginxQuery {
            binary: slow.clone(),
            config: Some(dir.path().join("missing.conf")),
            ..NginxQuery::default()
        },
        firewall_prefix: vec!["/nonexistent/t502-prefix".into()],
        timeout: Duration::from_millis(500),
        ..HostQuery::default()
    };
    let start = Instant::now();
    let s = host::collect(&q).await;
    assert!(
        start.elapsed() < Duration::from_secs(4),
        "took {:?}",
        start.elapsed()
    );
    match &s.nginx.status {
        Status::Unknown { reason, .. } => {
            assert!(reason.contains("timed out after 500 ms"), "{reason}");
            assert!(reason.contains("missing.conf"), "{reason}");
        }
        Status::Known(n) => panic!("expected unknown nginx, got {n:?}"),
    }
    assert!(matches!(s.targets.status, Status::Unknown { .. }));
    let svcs = s.services.value().unwrap();
    assert!(
        svcs.iter()
            .all(|v| v.state == ServiceState::Unknown && !v.detail.is_empty()),
        "{svcs:#?}"
    );
    let text = render_text(&s);
    assert!(
        text.contains("unknown — nginx configuration unknown"),
        "{text}"
    );
}

/// The CPU time a process has used so far, in seconds (utime + stime from /proc).
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let f: Vec<&str> = stat
        .rsplit_once(") ")
        .map_or(vec![], |(_, r)| r.split_whitespace().collect());
    let ticks: f64 = [11, 12]
        .iter()
        .filter_map(|&i| f.get(i).and_then(|v| v.parse::<f64>().ok()))
        .sum();
    // SAFETY: sysconf has no preconditions.
    ticks / unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64
}

/// Lets `pid` (stopped) run until it has used `secs` more CPU, then stops it again, and waits
/// until it is seen stopped.
fn burn_then_stop(pid: u32, secs: f64) {
    let start = cpu_seconds(pid);
    // SAFETY: signals to the test's own child.
    unsafe { libc::kill(pid as i32, libc::SIGCONT) };
    assert!(
        common::wait_until(Duration::from_secs(30), || cpu_seconds(pid) - start >= secs),
        "the busy child did not get {secs} s of CPU"
    );
    unsafe { libc::kill(pid as i32, libc::SIGSTOP) };
    assert!(
        common::wait_until(Duration::from_secs(5), || common::proc_state(pid as i32)
            == Some('T')),
        "the busy child did not stop"
    );
}

/// The busy child's CPU % in a snapshot.
fn cpu_of(s: &host::Snapshot, pid: u32) -> f32 {
    let p = s.processes.value().expect("processes");
    p.chain
        .iter()
        .find(|x| x.pid == pid)
        .unwrap_or_else(|| panic!("busy child {pid} not among the chain's processes"))
        .cpu_percent
}

/// The console keeps one sampler for its periodic refresh: CPU% then covers the interval
/// between two snapshots. A child busy between two snapshots and stopped at the second shows
/// its CPU there (a fresh sampler, which measures a short interval of its own, sees it idle);
/// a clone shares the previous sample.
#[tokio::test]
async fn a_reused_sampler_gives_later_snapshots_and_can_be_shared() {
    let busy = std::process::Command::new("sh")
        .args(["-c", "while :; do :; done # t502-reused-sampler"])
        .spawn()
        .expect("spawn");
    let pid = busy.id();
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let _busy = Kill(busy);
    // Stopped only once it has exec'd (stopped before, it would be sampled as a copy of the
    // test binary).
    let cmdline = || std::fs::read_to_string(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    assert!(
        common::wait_until(Duration::from_secs(5), || cmdline()
            .contains("t502-reused-sampler")),
        "the busy child did not start"
    );
    // Some CPU time before the first snapshot: sysinfo reports 0 % for a process whose CPU
    // time was zero at the previous sample.
    burn_then_stop(pid, 0.05);
    let q = HostQuery {
        services: vec![],
        process_patterns: vec!["t502-reused-sampler".into()],
        timeout: Duration::from_secs(5),
        ..HostQuery::default()
    };
    let sampler = HostSampler::new();
    let a = sampler.collect(&q).await;
    burn_then_stop(pid, 0.3);
    let b = sampler.collect(&q).await;
    assert!(b.taken_at > a.taken_at);
    let fresh = HostSampler::new().collect(&q).await;
    let (reused, alone) = (cpu_of(&b, pid), cpu_of(&fresh, pid));
    assert!(
        reused > 5.0,
        "busy since the last snapshot, stopped now: {reused} % with the reused sampler"
    );
    assert!(
        alone < 1.0,
        "stopped during a fresh sampler's interval: {alone} %"
    );

    let c = sampler.clone();
    burn_then_stop(pid, 0.3);
    let x = c.collect(&q).await;
    assert!(
        cpu_of(&x, pid) > 5.0,
        "the clone measures since the original's last sample: {} %",
        cpu_of(&x, pid)
    );
    let (x, y) = tokio::join!(sampler.collect(&q), c.collect(&q));
    assert!(x.processes.value().is_some() && y.processes.value().is_some());
}

/// Host facts taken before the chain's latest change are set aside (PERFORMANCE.md: the
/// console once reasoned from a listener table older than the failure): a hop turns red after
/// the snapshot, so the diagnosis reasons without the snapshot's sockets, services and
/// firewall and says it is refreshing; a snapshot taken after the change is used again.
#[tokio::test]
async fn host_facts_older_than_the_last_chain_change_are_set_aside() {
    use std::sync::Arc;
    use triage502::engine::{State, Update};
    use triage502::probe::{Prober, scheduler::ProbeEvent};
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let cfg = Arc::new(
        triage502::config::parse(
            &format!(
                "[[hop]]\nname = \"app\"\nkind = \"tcp\"\nrole = \"upstream\"\n\
                 target = \"127.0.0.1:{port}\"\n"
            ),
            "test",
        )
        .expect("config"),
    );
    let prober = Prober::new(cfg.clone());
    let mut state = State::new(cfg.clone(), "test".into());
    let probe = |state: &mut State, results: Vec<triage502::probe::HopResult>| {
        for r in results {
            state.apply(Update::Probe(ProbeEvent::Result(Box::new(r))));
        }
    };
    let q = triage502::engine::host_query(&cfg);
    let refreshing = |state: &State| {
        state.with_input(|i| {
            let stale = i.unknown.iter().any(|u| u.why.contains("refreshing"));
            (stale, i.host.sockets.is_some())
        })
    };

    probe(&mut state, prober.round().await);
    assert_eq!(state.results()[0].state, triage502::probe::State::Ok);
    state.apply(Update::Host(Box::new(host::collect(&q).await)));
    assert_eq!(
        refreshing(&state),
        (false, true),
        "a snapshot newer than the change is used"
    );

    // The listener goes: the hop changes after the snapshot was taken.
    drop(l);
    probe(&mut state, prober.round().await);
    assert_eq!(state.results()[0].state, triage502::probe::State::Fail);
    assert_eq!(
        refreshing(&state),
        (true, false),
        "the snapshot that still lists the listener is set aside"
    );
    state.rediagnose();
    assert!(
        state
            .diagnosis
            .unchecked
            .iter()
            .any(|u| u.why.contains("predates the latest change")),
        "{:?}",
        state.diagnosis.unchecked
    );

    // A snapshot taken after the change is used again.
    state.apply(Update::Host(Box::new(host::collect(&q).await)));
    assert_eq!(refreshing(&state), (false, true));
}
