//! The review's items on recorded facts: each item PASS on one state and WARN on another.

use super::*;
use crate::host::readiness::{RotateEntry, ServiceSetup, parse_docker_setup, parse_systemd_setup};

fn cfg() -> crate::config::Config {
    crate::config::parse(crate::config::ONLYOFFICE_PROFILE, "test").expect("embedded profile")
}

fn fixture(name: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/host")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn run(readiness: &Readiness, audit: &[crate::actions::audit::AuditRecord]) -> Vec<Item> {
    let c = cfg();
    review(&Input {
        cfg: &c,
        hops: Vec::new(),
        host: None,
        integration: None,
        readiness,
        logs: None,
        audit,
        now: chrono::Utc::now(),
    })
}

fn find<'a>(items: &'a [Item], id: &str, subject: Option<&str>) -> &'a Item {
    items
        .iter()
        .find(|i| i.id == id && i.subject.as_deref() == subject)
        .unwrap_or_else(|| panic!("no {id} {subject:?} in {items:#?}"))
}

fn setups(s: Vec<ServiceSetup>) -> Readiness {
    Readiness {
        services: s,
        ..Readiness::default()
    }
}

#[test]
fn systemd_units_restart_and_boot_from_recorded_show_output() {
    let r = setups(vec![
        parse_systemd_setup(
            "docservice",
            "ds-docservice",
            &fixture("systemctl-show-setup-docservice-restarts.txt"),
        ),
        parse_systemd_setup(
            "converter",
            "ds-converter",
            &fixture("systemctl-show-setup-converter-no-restart.txt"),
        ),
    ]);
    let items = run(&r, &[]);
    assert_eq!(
        find(&items, "service_restart", Some("docservice")).check,
        Check::Pass
    );
    assert_eq!(
        find(&items, "service_boot", Some("docservice")).check,
        Check::Pass
    );
    let bad = find(&items, "service_restart", Some("converter"));
    assert_eq!(bad.check, Check::Warn);
    assert!(
        bad.change
            .as_deref()
            .is_some_and(|c| c.contains("Restart=always") && c.contains("ds-converter")),
        "{bad:?}"
    );
    assert_eq!(
        find(&items, "service_boot", Some("converter")).check,
        Check::Warn
    );
    // 496 MiB of a 512 MiB limit.
    assert_eq!(
        find(&items, "memory_limit", Some("converter")).check,
        Check::Warn
    );
    // systemd's default pause: restarts, but five quick crashes leave it failed.
    let fast = fixture("systemctl-show-setup-docservice-restarts.txt")
        .replace("RestartUSec=10s", "RestartUSec=100ms");
    let items = run(&setups(vec![parse_systemd_setup("d", "d", &fast)]), &[]);
    assert_eq!(
        find(&items, "service_restart", Some("d")).check,
        Check::Warn
    );
}

#[test]
fn docker_restart_policy_from_recorded_inspect_output() {
    let json = fixture("docker-inspect-running-healthy.json");
    let items = run(
        &setups(vec![parse_docker_setup("docservice", "onlyoffice", &json)]),
        &[],
    );
    assert_eq!(
        find(&items, "service_restart", Some("docservice")).check,
        Check::Pass
    );
    assert_eq!(
        find(&items, "service_boot", Some("docservice")).check,
        Check::Pass
    );
    let no = json.replace("\"always\"", "\"no\"");
    let items = run(
        &setups(vec![parse_docker_setup("docservice", "onlyoffice", &no)]),
        &[],
    );
    let i = find(&items, "service_restart", Some("docservice"));
    assert_eq!(i.check, Check::Warn);
    assert_eq!(
        i.change.as_deref(),
        Some("docker update --restart unless-stopped onlyoffice")
    );
}

#[test]
fn log_rotation_matches_the_chain_logs() {
    let c = cfg();
    let paths: Vec<String> = c
        .logs
        .nginx_error
        .iter()
        .chain(&c.logs.nginx_access)
        .chain(&c.logs.docserver)
        .map(|p| p.display().to_string())
        .collect();
    let all = RotateEntry {
        at: "/etc/logrotate.d/x:1".into(),
        patterns: paths.clone(),
        when: vec!["daily".into()],
    };
    let r = Readiness {
        logrotate: Some(Ok(vec![all.clone()])),
        ..Readiness::default()
    };
    assert_eq!(find(&run(&r, &[]), "log_rotation", None).check, Check::Pass);
    let some = RotateEntry {
        patterns: vec![paths[0].clone()],
        ..all
    };
    let r = Readiness {
        logrotate: Some(Ok(vec![some])),
        ..Readiness::default()
    };
    let i = run(&r, &[]);
    let i = find(&i, "log_rotation", None);
    assert_eq!(i.check, Check::Warn);
    assert!(i.fact.contains(&paths[1]), "{i:?}");
}

#[test]
fn alert_path_and_last_drill() {
    let r = Readiness::default();
    let items = run(&r, &[]);
    assert_eq!(find(&items, "alert_path", None).check, Check::Warn);
    assert_eq!(find(&items, "last_drill", None).check, Check::Warn);
    let r = Readiness {
        monitors: vec!["triage502 watch".into()],
        ..Readiness::default()
    };
    let rec = |days: i64| crate::actions::audit::AuditRecord {
        time: chrono::Utc::now() - chrono::Duration::days(days),
        user: "root".into(),
        uid: 0,
        host: "box".into(),
        action: "restart:docservice".into(),
        argv: vec![],
        status: "succeeded".into(),
        detail: String::new(),
        exit_code: Some(0),
        duration_ms: 1,
        output_tail: vec![],
        verification: crate::actions::Verification::Fixed,
    };
    let items = run(&r, &[rec(200), rec(3)]);
    let a = find(&items, "alert_path", None);
    assert_eq!(
        a.check,
        Check::Warn,
        "watch without a receiver alerts nobody: {a:?}"
    );
    let agent = Readiness {
        monitors: vec!["zabbix_agent2".into()],
        ..Readiness::default()
    };
    assert_eq!(
        find(&run(&agent, &[]), "alert_path", None).check,
        Check::Pass
    );
    let d = find(&items, "last_drill", None);
    assert_eq!(d.check, Check::Pass, "{d:?}");
    assert!(d.fact.contains("3 days ago"), "{d:?}");
    assert_eq!(
        find(&run(&r, &[rec(200)]), "last_drill", None).check,
        Check::Warn
    );
}

#[test]
fn every_item_id_is_in_the_catalogue_and_unknown_without_facts() {
    let items = run(&Readiness::default(), &[]);
    for i in &items {
        assert!(CATALOGUE.contains(&i.id), "{}", i.id);
        assert!(!i.runbook.is_empty());
    }
    assert_eq!(find(&items, "jwt_enabled", None).check, Check::Unknown);
    assert_eq!(find(&items, "memory_box", None).check, Check::Unknown);
}

#[test]
fn the_readme_lists_every_item_id() {
    let readme = include_str!("../../README.md");
    let _en = crate::i18n::scoped(crate::i18n::Lang::En);
    for id in CATALOGUE {
        let row = format!("| `{id}` | {} | {} |", title(id), runbook(id));
        assert!(
            readme.contains(&row),
            "README's readiness table lacks {row}"
        );
    }
}

fn run_with(
    host: Option<&crate::host::Snapshot>,
    hops: Vec<&crate::probe::HopResult>,
) -> Vec<Item> {
    let c = cfg();
    review(&Input {
        cfg: &c,
        hops,
        host,
        integration: None,
        readiness: &Readiness::default(),
        logs: None,
        audit: &[],
        now: chrono::Utc::now(),
    })
}

#[test]
fn memory_and_disk_headroom_from_host_facts() {
    use crate::host::process::{Memory, Psi};
    let mem = |avail: u64, psi: f64| Memory {
        total_bytes: 1000,
        available_bytes: avail,
        swap_total_bytes: 0,
        swap_free_bytes: 0,
        psi_some: Some(Psi {
            avg10: psi,
            avg60: psi,
            avg300: psi,
        }),
        psi_full: None,
    };
    let mut snap = crate::host::Snapshot::unknown_for_tests();
    snap.memory = crate::host::Part::known(mem(500, 0.5));
    assert_eq!(
        find(&run_with(Some(&snap), vec![]), "memory_box", None).check,
        Check::Pass
    );
    snap.memory = crate::host::Part::known(mem(100, 0.5));
    assert_eq!(
        find(&run_with(Some(&snap), vec![]), "memory_box", None).check,
        Check::Warn
    );
    snap.memory = crate::host::Part::known(mem(500, 25.0));
    assert_eq!(
        find(&run_with(Some(&snap), vec![]), "memory_box", None).check,
        Check::Warn
    );
    // A limited service: 100 MiB of 1 GiB is headroom.
    let ok = parse_systemd_setup(
        "d",
        "d",
        "Restart=always\nRestartUSec=5s\nUnitFileState=enabled\nMemoryMax=1073741824\nMemoryCurrent=104857600\n",
    );
    assert_eq!(
        find(&run(&setups(vec![ok]), &[]), "memory_limit", Some("d")).check,
        Check::Pass
    );
}

#[test]
fn certificates_by_days_left() {
    let c = cfg();
    let mut hops = crate::diagnose::test_support::green(&c);
    hops[0].detail.tls = Some(crate::probe::TlsInfo {
        subject: Some("office.example".into()),
        not_after: Some("2027-06-01T00:00:00Z".into()),
        days_left: Some(180),
        ..Default::default()
    });
    hops[1].detail.tls = Some(crate::probe::TlsInfo {
        days_left: Some(12),
        ..Default::default()
    });
    let items = run_with(None, hops.iter().collect());
    assert_eq!(
        find(&items, "cert_validity", Some(&hops[0].name)).check,
        Check::Pass
    );
    let soon = find(&items, "cert_validity", Some(&hops[1].name));
    assert_eq!(soon.check, Check::Warn);
    assert!(soon.fact.contains("12 days"), "{soon:?}");
}

#[test]
fn log_disk_by_free_space() {
    let fs = |mount: &str, used: f64| crate::host::disk::Filesystem {
        mount: mount.into(),
        holds: Vec::new(),
        total_bytes: 100,
        avail_bytes: (100.0 - used) as u64,
        used_percent: used,
        inodes_total: 10,
        inodes_free: 5,
        read_only: false,
    };
    let mut snap = crate::host::Snapshot::unknown_for_tests();
    snap.disk = crate::host::Part::known(crate::host::disk::Disks {
        filesystems: vec![fs("/", 50.0), fs("/var/log", 95.0)],
        ..Default::default()
    });
    let items = run_with(Some(&snap), vec![]);
    assert_eq!(find(&items, "log_disk", Some("/")).check, Check::Pass);
    let full = find(&items, "log_disk", Some("/var/log"));
    assert_eq!(full.check, Check::Warn);
    assert!(full.change.is_some());
}

#[test]
fn texts_in_english_keep_their_wording_and_read_in_chinese() {
    let r = setups(vec![parse_systemd_setup(
        "converter",
        "ds-converter",
        &fixture("systemctl-show-setup-converter-no-restart.txt"),
    )]);
    let c = cfg();
    let paths: Vec<String> = c
        .logs
        .nginx_error
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let r = Readiness {
        logrotate: Some(Ok(Vec::new())),
        ..r
    };
    {
        let _en = crate::i18n::scoped(crate::i18n::Lang::En);
        let items = run(&r, &[]);
        assert_eq!(
            find(&items, "service_restart", Some("converter"))
                .change
                .as_deref(),
            Some(
                "systemctl edit ds-converter  →  [Service] Restart=always  RestartSec=5  (a drop-in /etc/systemd/system/ds-converter.service.d/override.conf), then systemctl daemon-reload"
            )
        );
        let rot = find(&items, "log_rotation", None);
        let change = rot.change.as_deref().unwrap_or_default();
        assert!(
            change.starts_with(&format!("a file in /etc/logrotate.d/ such as:  {} ", paths[0]))
                && change.ends_with(" { daily  rotate 14  maxsize 500M  missingok  compress  delaycompress  copytruncate }"),
            "{change}"
        );
        assert_eq!(find(&items, "memory_box", None).fact, "no memory facts");
        assert_eq!(find(&items, "memory_box", None).runbook, "3.3 OOM");
    }
    let _zh = crate::i18n::scoped(crate::i18n::Lang::ZhCn);
    let items = run(&r, &[]);
    let restart = find(&items, "service_restart", Some("converter"));
    let change = restart.change.as_deref().unwrap_or_default();
    assert!(
        change.contains("[Service] Restart=always  RestartSec=5")
            && change.contains("然后 systemctl daemon-reload"),
        "{change}"
    );
    assert_eq!(find(&items, "memory_box", None).fact, "没有内存信息");
    assert_eq!(
        find(&items, "jwt_enabled", None).fact,
        "没有集成报告（链路中没有文档服务器）"
    );
    assert_eq!(find(&items, "log_rotation", None).runbook, "2.5 日志");
    assert!(title("last_drill").contains("演练"));
    // The ids stay machine values.
    assert!(items.iter().all(|i| CATALOGUE.contains(&i.id)));
}
