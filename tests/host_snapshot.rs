//! The whole snapshot: every part present with a timestamp, JSON-serializable, rendered as
//! text; slow or missing tools become explained unknowns within the bound; a sampler is
//! reused across snapshots and shared by clones.

use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

use triage502::host::{
    self, HostQuery, HostSampler, NginxQuery, ServiceQuery, Status, render_text,
    services::{Backend, ServiceState},
};

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

/// The console keeps one sampler for its periodic refresh (CPU% then covers the interval
/// between two snapshots); a sampler can be shared by clones.
#[tokio::test]
async fn a_reused_sampler_gives_later_snapshots_and_can_be_shared() {
    let q = HostQuery {
        services: vec![],
        timeout: Duration::from_secs(2),
        ..HostQuery::default()
    };
    let sampler = HostSampler::new();
    let a = sampler.collect(&q).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let b = sampler.collect(&q).await;
    assert!(b.taken_at > a.taken_at);
    let c = sampler.clone();
    let (x, y) = tokio::join!(sampler.collect(&q), c.collect(&q));
    assert!(x.processes.value().is_some() && y.processes.value().is_some());
}
