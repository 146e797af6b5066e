//! Rule tests from constructed snapshots: each rule fires on its pattern, and near-misses (one
//! piece of the pattern missing or contradicted) must not fire.

use super::*;
use crate::host::services::{Answered, ServiceState, ServiceStatus};
use crate::host::{Listener, Owner, Proto, Sockets};
use crate::logs::nginx_error::Entry;
use crate::probe::{Detail, JwtUse};

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
name = "command"
kind = "docserver-command"
role = "via-proxy"
url = "http://127.0.0.1/command"
[[hop]]
name = "rabbitmq"
kind = "tcp"
role = "dependency"
target = "127.0.0.1:5672"
service = "rabbitmq-server"
[[service]]
name = "nginx"
[[service]]
name = "ds-docservice"
[[service]]
name = "rabbitmq-server"
"#;

use super::test_support::{green as healthy, set};

fn cfg() -> Config {
    crate::config::parse(CFG, "test").expect("test config")
}

fn listener(port: u16) -> Listener {
    Listener {
        proto: Proto::Tcp,
        addr: "127.0.0.1".parse().expect("ip"),
        port,
        ipv6_socket: false,
        inode: 1,
        uid: 0,
        owner: Owner::Process {
            pid: 42,
            name: "docservice".into(),
            shared_with: vec![],
        },
    }
}

fn sockets(ports: &[u16]) -> Sockets {
    Sockets {
        listeners: ports.iter().map(|p| listener(*p)).collect(),
        hidden_owners: 0,
        unreadable_processes: 0,
    }
}

fn svc(name: &str, state: ServiceState) -> ServiceStatus {
    ServiceStatus {
        pid: matches!(state, ServiceState::Active).then_some(4242),
        ..ServiceStatus::new(name, name, Answered::Systemd, state)
    }
}

fn log(class: crate::logs::Class, msg: &str) -> Record {
    log_at("12:54:52", class, msg)
}

fn log_at(time: &str, class: crate::logs::Class, msg: &str) -> Record {
    let line = format!("2026/11/28 {time} [error] 1#1: *1 {msg}, client: 127.0.0.1, server: x");
    let mut e = Entry::parse(line.as_bytes(), Some(7));
    e.file = Some("/var/log/nginx/error.log".into());
    assert_eq!(e.class, class, "fixture message classifies as expected");
    Record::Nginx(e)
}

fn run(c: &Config, hops: &[HopResult], logs: &[Record], host: HostView<'_>) -> Diagnosis {
    diagnose(&Input {
        cfg: c,
        hops,
        logs: super::LogView::new(logs),
        host,
        integration: None,
        unknown: vec![],
    })
}

fn refused(d: &mut Detail) {
    d.error = Some(NetError::Refused);
}

use crate::probe::NetError;

fn gw(status: u16) -> impl FnOnce(&mut Detail) {
    move |d| {
        d.http_status = Some(status);
        d.from_proxy = Some(true);
    }
}

#[test]
fn healthy_chain_is_all_clear() {
    let c = cfg();
    let d = run(&c, &healthy(&c), &[], HostView::default());
    assert!(d.all_clear, "{d:?}");
    assert!(d.findings.is_empty());
    assert_eq!(d.worst(), State::Ok);
}

#[test]
fn service_down_with_no_listener_and_inactive_service() {
    let c = cfg();
    let mut h = healthy(&c);
    set(&mut h, "docservice", State::Fail, refused);
    set(&mut h, "health", State::Fail, refused);
    set(&mut h, "via-nginx", State::Fail, gw(502));
    let s = sockets(&[80]);
    let svcs = [svc("ds-docservice", ServiceState::Inactive)];
    let logs = [log(
        Class::UpstreamRefused,
        "connect() failed (111: Connection refused) while connecting to upstream",
    )];
    let d = run(
        &c,
        &h,
        &logs,
        HostView {
            sockets: Some(&s),
            services: Some(&svcs),
            ..Default::default()
        },
    );
    let top = &d.findings[0];
    assert_eq!(top.id, "service_down", "{:?}", d.ids());
    assert_eq!(top.confidence, Confidence::High);
    assert_eq!(top.action.as_deref(), Some("restart:ds-docservice"));
    assert!(top.explains.contains(&"via-nginx".to_string()));
    assert!(
        top.evidence
            .iter()
            .any(|e| e.source == "log:/var/log/nginx/error.log:7"),
        "{:?}",
        top.evidence
    );
    assert!(!d.all_clear);
}

#[test]
fn service_down_near_misses() {
    let c = cfg();
    let mut h = healthy(&c);
    set(&mut h, "docservice", State::Fail, refused);
    // Something listens on exactly that address: a REJECT rule, not a dead service.
    let s = sockets(&[8000]);
    let d = run(
        &c,
        &h,
        &[],
        HostView {
            sockets: Some(&s),
            ..Default::default()
        },
    );
    assert!(!d.ids().contains(&"service_down"), "{:?}", d.ids());
    assert_eq!(d.findings[0].id, "firewall_reject", "{:?}", d.ids());
    // Service active with a pid but no listener: starting, not down.
    let s = sockets(&[]);
    let svcs = [svc("ds-docservice", ServiceState::Active)];
    let d = run(
        &c,
        &h,
        &[],
        HostView {
            sockets: Some(&s),
            services: Some(&svcs),
            ..Default::default()
        },
    );
    assert!(!d.ids().contains(&"service_down"), "{:?}", d.ids());
    assert_eq!(d.findings[0].id, "service_starting", "{:?}", d.ids());
    // A timeout is not a refusal.
    let mut h = healthy(&c);
    set(&mut h, "docservice", State::Fail, |d| {
        d.error = Some(NetError::Timeout)
    });
    let d = run(&c, &h, &[], HostView::default());
    assert!(!d.ids().contains(&"service_down"), "{:?}", d.ids());
}

#[test]
fn dependency_down_outranks_starting_when_rabbitmq_is_closed() {
    let c = cfg();
    let mut h = healthy(&c);
    set(&mut h, "docservice", State::Fail, refused);
    set(&mut h, "rabbitmq", State::Fail, refused);
    set(&mut h, "via-nginx", State::Fail, gw(502));
    let s = sockets(&[80]);
    let svcs = [svc("ds-docservice", ServiceState::Active)];
    let d = run(
        &c,
        &h,
        &[],
        HostView {
            sockets: Some(&s),
            services: Some(&svcs),
            ..Default::default()
        },
    );
    assert_eq!(d.findings[0].id, "dependency_down", "{:?}", d.ids());
    assert_eq!(
        d.findings[0].action.as_deref(),
        Some("restart:rabbitmq-server")
    );
}

#[test]
fn healthcheck_false_is_dependency_down() {
    let c = cfg();
    let mut h = healthy(&c);
    set(&mut h, "health", State::Fail, |d| d.health = Some(false));
    set(&mut h, "via-nginx", State::Fail, |d| d.health = Some(false));
    let d = run(&c, &h, &[], HostView::default());
    assert_eq!(d.findings[0].id, "dependency_down", "{:?}", d.ids());
    // Near miss: old AMQP errors in the log while everything is green are not an outage.
    let h = healthy(&c);
    let logs = [Record::DocServer(crate::logs::docserver::DsEntry::parse(
        b"[2026-11-28T12:00:00.000] [ERROR] [localhost] [docId] [userId] nodeJS - [AMQP] Error: connect ECONNREFUSED 127.0.0.1:5672",
        Some(1),
    ))];
    assert_eq!(logs[0].class(), Class::DsRabbitmq);
    let d = run(&c, &h, &logs, HostView::default());
    assert!(d.findings.is_empty(), "{:?}", d.ids());
}

#[test]
fn firewall_drop_needs_an_open_port() {
    let c = cfg();
    let mut h = healthy(&c);
    set(&mut h, "docservice", State::Fail, |d| {
        d.error = Some(NetError::Timeout)
    });
    set(&mut h, "via-nginx", State::Fail, gw(504));
    let s = sockets(&[80, 8000]);
    let d = run(
        &c,
        &h,
        &[],
        HostView {
            sockets: Some(&s),
            ..Default::default()
        },
    );
    assert_eq!(d.findings[0].id, "firewall_drop", "{:?}", d.ids());
    assert_eq!(d.findings[0].action.as_deref(), Some("reload:firewall"));
    // Near miss: nothing listens → not a firewall.
    let s = sockets(&[80]);
    let d = run(
        &c,
        &h,
        &[],
        HostView {
            sockets: Some(&s),
            ..Default::default()
        },
    );
    assert!(!d.ids().contains(&"firewall_drop"), "{:?}", d.ids());
    // Near miss: sockets unknown → no claim.
    let d = run(&c, &h, &[], HostView::default());
    assert!(!d.ids().contains(&"firewall_drop"), "{:?}", d.ids());
}

#[test]
fn service_hung_needs_open_port_and_timeouts() {
    let c = cfg();
    let mut h = healthy(&c);
    set(&mut h, "health", State::Fail, |d| {
        d.error = Some(NetError::Timeout)
    });
    set(&mut h, "via-nginx", State::Fail, gw(504));
    let d = run(&c, &h, &[], HostView::default());
    assert_eq!(d.findings[0].id, "service_hung", "{:?}", d.ids());
    assert_eq!(d.findings[0].confidence, Confidence::High);
    // Near miss: the TCP hop fails too → not "accepts but does not answer".
    set(&mut h, "docservice", State::Fail, |d| {
        d.error = Some(NetError::Timeout)
    });
    let d = run(&c, &h, &[], HostView::default());
    assert!(!d.ids().contains(&"service_hung"), "{:?}", d.ids());
}

#[test]
fn proxy_down_and_its_near_miss() {
    let c = cfg();
    let mut h = healthy(&c);
    set(&mut h, "nginx", State::Fail, refused);
    set(&mut h, "via-nginx", State::Fail, refused);
    set(&mut h, "command", State::Fail, refused);
    let s = sockets(&[8000]);
    let svcs = [svc("nginx", ServiceState::Failed)];
    let d = run(
        &c,
        &h,
        &[],
        HostView {
            sockets: Some(&s),
            services: Some(&svcs),
            ..Default::default()
        },
    );
    assert_eq!(d.findings[0].id, "proxy_down", "{:?}", d.ids());
    assert_eq!(d.findings[0].explains.len(), 3);
    assert_eq!(d.findings[0].action.as_deref(), Some("restart:nginx"));
    // Listener on :80 present but refused → not proxy_down.
    let s = sockets(&[80, 8000]);
    let d = run(
        &c,
        &h,
        &[],
        HostView {
            sockets: Some(&s),
            ..Default::default()
        },
    );
    assert!(!d.ids().contains(&"proxy_down"), "{:?}", d.ids());
}

#[test]
fn via_proxy_502_with_healthy_upstream_is_target_mismatch_unless_headers() {
    let c = cfg();
    let mut h = healthy(&c);
    set(&mut h, "via-nginx", State::Fail, gw(502));
    let d = run(&c, &h, &[], HostView::default());
    assert_eq!(d.findings[0].id, "proxy_target_mismatch", "{:?}", d.ids());
    // With header_too_big entries it is the buffer.
    let logs = [log(
        Class::HeaderTooBig,
        "upstream sent too big header while reading response header from upstream",
    )];
    let d = run(&c, &h, &logs, HostView::default());
    assert_eq!(d.findings[0].id, "header_buffer_too_small", "{:?}", d.ids());
    assert!(!d.ids().contains(&"proxy_target_mismatch"), "{:?}", d.ids());
}

#[test]
fn jwt_mismatch_shows_both_fingerprints_and_clock_skew_is_separate() {
    let c = cfg();
    let mut h = healthy(&c);
    set(&mut h, "command", State::Fail, |d| {
        d.ds_error = Some(6);
        d.jwt = Some(JwtUse {
            source: "config".into(),
            fingerprint: Some("aaaa1111".into()),
            header: "Authorization".into(),
            docserver_fingerprint: Some("bbbb2222".into()),
        });
    });
    let d = run(&c, &h, &[], HostView::default());
    let f = &d.findings[0];
    assert_eq!(f.id, "jwt_mismatch", "{:?}", d.ids());
    let text = serde_json::to_string(f).expect("json");
    assert!(
        text.contains("aaaa1111") && text.contains("bbbb2222"),
        "{text}"
    );
    assert!(!d.ids().contains(&"clock_skew"));

    let mut h = healthy(&c);
    set(&mut h, "command", State::Fail, |d| {
        d.ds_error = Some(7);
        d.date_skew_secs = Some(600);
    });
    let d = run(&c, &h, &[], HostView::default());
    assert_eq!(d.findings[0].id, "clock_skew", "{:?}", d.ids());
    assert!(!d.ids().contains(&"jwt_mismatch"));
    // A 30 s skew alone is not a finding.
    let mut h = healthy(&c);
    set(&mut h, "command", State::Ok, |d| {
        d.date_skew_secs = Some(30)
    });
    assert!(run(&c, &h, &[], HostView::default()).findings.is_empty());
}

#[test]
fn unexplained_red_hop_still_gets_a_finding() {
    let c = cfg();
    let mut h = healthy(&c);
    set(&mut h, "command", State::Fail, |d| d.ds_error = Some(5));
    let d = run(&c, &h, &[], HostView::default());
    assert_eq!(d.ids(), vec!["hop_failing"]);
    assert_eq!(d.findings[0].explains, vec!["command".to_string()]);
}

#[test]
fn dns_and_selinux_and_oom() {
    let c = cfg();
    let mut h = healthy(&c);
    set(&mut h, "via-nginx", State::Fail, |d| {
        d.error = Some(NetError::Dns)
    });
    let d = run(&c, &h, &[], HostView::default());
    assert_eq!(d.findings[0].id, "dns_failure", "{:?}", d.ids());

    let mut h = healthy(&c);
    set(&mut h, "via-nginx", State::Fail, gw(502));
    let logs = [log(
        Class::PermissionDenied,
        "connect() to 127.0.0.1:8000 failed (13: Permission denied) while connecting to upstream",
    )];
    let s = sockets(&[80, 8000]);
    let d = run(
        &c,
        &h,
        &logs,
        HostView {
            sockets: Some(&s),
            ..Default::default()
        },
    );
    assert_eq!(d.findings[0].id, "selinux_denies", "{:?}", d.ids());

    let mut svcs = [svc("ds-docservice", ServiceState::Restarting)];
    svcs[0].oom_killed = Some(true);
    let d = run(
        &c,
        &healthy(&c),
        &[],
        HostView {
            services: Some(&svcs),
            ..Default::default()
        },
    );
    assert_eq!(d.ids(), vec!["oom_killed"]);
}

#[test]
fn walkthrough_has_five_steps_with_verdicts() {
    let c = cfg();
    let mut h = healthy(&c);
    set(&mut h, "docservice", State::Fail, refused);
    let input = Input {
        cfg: &c,
        hops: &h,
        logs: super::LogView::default(),
        host: HostView::default(),
        integration: None,
        unknown: vec![Unchecked {
            what: "host:services".into(),
            why: "systemctl not found".into(),
        }],
    };
    let d = diagnose(&input);
    let steps = walkthrough(&input, &d);
    let titles: Vec<_> = steps.iter().map(|s| s.title).collect();
    assert_eq!(
        titles,
        vec![
            "Global view",
            "Network and ports",
            "Service state",
            "Integration and auth",
            "Recovery"
        ]
    );
    assert_eq!(steps[1].verdict, State::Fail);
    assert_eq!(
        steps[2].verdict,
        State::Unknown,
        "unknown services are not healthy"
    );
    assert!(
        steps[4].next.contains("restart:ds-docservice"),
        "{}",
        steps[4].next
    );
    assert_eq!(d.unchecked.len(), 1);
}

#[test]
fn log_lines_alone_with_a_green_chain_are_history() {
    let c = cfg();
    let logs = [log(
        Class::HeaderTooBig,
        "upstream sent too big header while reading response header from upstream",
    )];
    let d = run(&c, &healthy(&c), &logs, HostView::default());
    assert!(d.all_clear, "{:?}", d.ids());
    let mut h = healthy(&c);
    set(&mut h, "via-nginx", State::Fail, gw(502));
    let d = run(&c, &h, &logs, HostView::default());
    assert_eq!(d.ids(), vec!["header_buffer_too_small"]);
}

fn fw_rule(port: u16, verdict: crate::host::firewall::Verdict) -> crate::host::firewall::Rule {
    crate::host::firewall::Rule {
        backend: crate::host::firewall::Kind::Nftables,
        family: "inet".into(),
        table: "t".into(),
        chain: "out".into(),
        hook: Some("output".into()),
        ports: vec![port],
        all_ports: false,
        daddr: None,
        verdict,
        text: format!("tcp dport {port} drop"),
    }
}

#[test]
fn firewall_rules_raise_confidence_and_their_absence_vetoes() {
    use crate::host::firewall::{Firewall, Verdict};
    let c = cfg();
    let mut h = healthy(&c);
    set(&mut h, "docservice", State::Fail, |d| {
        d.error = Some(NetError::Timeout)
    });
    let s = sockets(&[80, 8000]);
    let fw = Firewall {
        backends: vec![],
        rules: vec![fw_rule(8000, Verdict::Drop)],
        chains: vec![],
    };
    let d = run(
        &c,
        &h,
        &[],
        HostView {
            sockets: Some(&s),
            firewall: Some(&fw),
            ..Default::default()
        },
    );
    assert_eq!(d.findings[0].id, "firewall_drop");
    assert_eq!(d.findings[0].confidence, Confidence::High);
    assert!(
        d.findings[0]
            .evidence
            .iter()
            .any(|e| e.source == "host:firewall")
    );
    // The firewall was read and drops nothing on 8000: not a firewall finding.
    let empty = Firewall {
        backends: vec![],
        rules: vec![fw_rule(9999, Verdict::Drop)],
        chains: vec![],
    };
    let d = run(
        &c,
        &h,
        &[],
        HostView {
            sockets: Some(&s),
            firewall: Some(&empty),
            ..Default::default()
        },
    );
    assert!(!d.ids().contains(&"firewall_drop"), "{:?}", d.ids());
    // Reject: a stale listener table with a firewall that rejects nothing → no claim.
    let mut h = healthy(&c);
    set(&mut h, "docservice", State::Fail, refused);
    let d = run(
        &c,
        &h,
        &[],
        HostView {
            sockets: Some(&s),
            firewall: Some(&empty),
            ..Default::default()
        },
    );
    assert!(!d.ids().contains(&"firewall_reject"), "{:?}", d.ids());
    let rej = Firewall {
        backends: vec![],
        rules: vec![fw_rule(
            8000,
            Verdict::Reject {
                with: Some("tcp reset".into()),
            },
        )],
        chains: vec![],
    };
    let d = run(
        &c,
        &h,
        &[],
        HostView {
            sockets: Some(&s),
            firewall: Some(&rej),
            ..Default::default()
        },
    );
    assert_eq!(d.findings[0].id, "firewall_reject");
    assert_eq!(d.findings[0].confidence, Confidence::High);
}

#[test]
fn selinux_facts_confirm_or_veto() {
    use crate::host::selinux::{Mode, Selinux};
    let c = cfg();
    let mut h = healthy(&c);
    set(&mut h, "via-nginx", State::Fail, gw(502));
    let logs = [log(
        Class::PermissionDenied,
        "connect() to 127.0.0.1:8000 failed (13: Permission denied) while connecting to upstream",
    )];
    let on = Selinux {
        mode: Mode::Enforcing,
        httpd_can_network_connect: Some(false),
        detail: String::new(),
    };
    let d = run(
        &c,
        &h,
        &logs,
        HostView {
            selinux: Some(&on),
            ..Default::default()
        },
    );
    assert_eq!(d.findings[0].id, "selinux_denies");
    assert_eq!(d.findings[0].confidence, Confidence::High);
    let absent = Selinux {
        mode: Mode::Absent,
        httpd_can_network_connect: None,
        detail: String::new(),
    };
    let d = run(
        &c,
        &h,
        &logs,
        HostView {
            selinux: Some(&absent),
            ..Default::default()
        },
    );
    assert!(!d.ids().contains(&"selinux_denies"), "{:?}", d.ids());
}

#[test]
fn memory_pressure_thresholds() {
    use crate::host::process::Memory;
    let c = cfg();
    let mem = |avail: u64| Memory {
        total_bytes: 1000 << 20,
        available_bytes: avail << 20,
        swap_total_bytes: 0,
        swap_free_bytes: 0,
        psi_some: None,
        psi_full: None,
    };
    let m = mem(100);
    let d = run(
        &c,
        &healthy(&c),
        &[],
        HostView {
            memory: Some(&m),
            ..Default::default()
        },
    );
    assert_eq!(d.ids(), vec!["memory_pressure"]);
    assert_eq!(d.findings[0].severity, State::Warn);
    let m = mem(30);
    let d = run(
        &c,
        &healthy(&c),
        &[],
        HostView {
            memory: Some(&m),
            ..Default::default()
        },
    );
    assert_eq!(d.findings[0].severity, State::Fail);
    let m = mem(200);
    let d = run(
        &c,
        &healthy(&c),
        &[],
        HostView {
            memory: Some(&m),
            ..Default::default()
        },
    );
    assert!(
        d.findings.is_empty(),
        "20 % available is fine: {:?}",
        d.ids()
    );
}

#[test]
fn a_dead_proxy_comes_first_even_when_everything_behind_it_is_down() {
    // A box where nothing runs: nginx, docservice and RabbitMQ all refuse.
    let c = cfg();
    let mut h = healthy(&c);
    for n in [
        "nginx",
        "via-nginx",
        "docservice",
        "health",
        "command",
        "rabbitmq",
    ] {
        set(&mut h, n, State::Fail, refused);
    }
    let s = sockets(&[]);
    let d = run(
        &c,
        &h,
        &[],
        HostView {
            sockets: Some(&s),
            ..Default::default()
        },
    );
    assert_eq!(d.findings[0].id, "proxy_down", "{:?}", d.ids());
    // The upstream causes are still listed, without claiming the hops through the proxy.
    let dep = d
        .findings
        .iter()
        .find(|f| f.id == "dependency_down")
        .expect("dependency_down listed");
    assert!(
        !dep.explains.contains(&"via-nginx".to_string()),
        "{:?}",
        dep.explains
    );
}

/// Header-too-big entries that stopped while refusals went on are history: the 502s are the
/// refusals' now. Both still coming: the buffer finding stays.
#[test]
fn a_log_class_superseded_by_another_failure_is_history() {
    let c = cfg();
    let mut h = healthy(&c);
    set(&mut h, "via-nginx", State::Fail, gw(502));
    let big = "upstream sent too big header while reading response header from upstream";
    let refused = "connect() failed (111: Connection refused) while connecting to upstream";
    let logs = vec![
        log_at("12:50:00", Class::HeaderTooBig, big),
        log_at("12:50:10", Class::HeaderTooBig, big),
        log_at("12:53:00", Class::UpstreamRefused, refused),
        log_at("12:54:00", Class::UpstreamRefused, refused),
    ];
    let d = run(&c, &h, &logs, HostView::default());
    assert!(
        !d.ids().contains(&"header_buffer_too_small"),
        "{:?}",
        d.ids()
    );
    // Within the grace (30 s) the buffer finding stays, as it does when both go on.
    let logs = vec![
        log_at("12:50:00", Class::HeaderTooBig, big),
        log_at("12:50:20", Class::UpstreamRefused, refused),
    ];
    let d = run(&c, &h, &logs, HostView::default());
    assert!(
        d.ids().contains(&"header_buffer_too_small"),
        "{:?}",
        d.ids()
    );
    let logs = vec![
        log_at("12:50:00", Class::UpstreamRefused, refused),
        log_at("12:54:00", Class::HeaderTooBig, big),
        log_at("12:54:01", Class::UpstreamRefused, refused),
    ];
    let d = run(&c, &h, &logs, HostView::default());
    assert!(
        d.ids().contains(&"header_buffer_too_small"),
        "{:?}",
        d.ids()
    );
    // The same for SELinux denials: the boolean set, then the service refusing.
    let denied =
        "connect() to 127.0.0.1:8000 failed (13: Permission denied) while connecting to upstream";
    let stale = vec![
        log_at("12:50:00", Class::PermissionDenied, denied),
        log_at("12:54:00", Class::UpstreamRefused, refused),
    ];
    let d = run(&c, &h, &stale, HostView::default());
    assert!(!d.ids().contains(&"selinux_denies"), "{:?}", d.ids());
    let going_on = vec![
        log_at("12:50:00", Class::UpstreamRefused, refused),
        log_at("12:54:00", Class::PermissionDenied, denied),
    ];
    let d = run(&c, &h, &going_on, HostView::default());
    assert!(d.ids().contains(&"selinux_denies"), "{:?}", d.ids());
}

/// The ports pane and `memory_pressure` share one verdict: memory stalls (PSI) warn even with
/// memory available (the pane used to say OK there).
#[test]
fn memory_verdict_counts_psi() {
    use crate::host::process::{Memory, Psi};
    let m = |avail: u64, psi: Option<f64>| Memory {
        total_bytes: 1000,
        available_bytes: avail,
        swap_total_bytes: 0,
        swap_free_bytes: 0,
        psi_some: psi.map(|p| Psi {
            avg10: p,
            avg60: p,
            avg300: p,
        }),
        psi_full: None,
    };
    assert_eq!(super::memory_verdict(&m(500, None)), State::Ok);
    assert_eq!(super::memory_verdict(&m(500, Some(55.0))), State::Warn);
    assert_eq!(super::memory_verdict(&m(100, None)), State::Warn);
    assert_eq!(super::memory_verdict(&m(40, None)), State::Fail);
}

#[test]
fn websocket_not_proxied_needs_direct_ok_and_a_proxied_http_answer() {
    let c = crate::config::parse(
        "[[hop]]\nname = \"nginx\"\nkind = \"tcp\"\nrole = \"proxy\"\ntarget = \"127.0.0.1:80\"\n\
         [[hop]]\nname = \"ws-proxy\"\nkind = \"websocket\"\nrole = \"via-proxy\"\nurl = \"http://localhost/doc/x/c/?EIO=4&transport=websocket\"\n\
         [[hop]]\nname = \"ws-direct\"\nkind = \"websocket\"\nrole = \"upstream\"\nurl = \"http://127.0.0.1:8000/doc/x/c/?EIO=4&transport=websocket\"\n",
        "test",
    )
    .expect("config");
    let mut hops = healthy(&c);
    assert!(run(&c, &hops, &[], HostView::default()).all_clear);
    set(&mut hops, "ws-proxy", State::Fail, |d| {
        d.http_status = Some(400)
    });
    let d = run(&c, &hops, &[], HostView::default());
    assert_eq!(d.ids(), ["websocket_not_proxied"]);
    assert_eq!(d.findings[0].explains, ["ws-proxy"]);
    assert_eq!(d.findings[0].action, None, "a reload alone does not fix it");
    // The direct handshake fails too: not the proxy's doing.
    set(&mut hops, "ws-direct", State::Fail, |d| {
        d.http_status = Some(400)
    });
    let d = run(&c, &hops, &[], HostView::default());
    assert!(!d.ids().contains(&"websocket_not_proxied"), "{:?}", d.ids());
    // The proxy answers 502: the upstream is unreachable through it, another rule's case.
    let mut hops = healthy(&c);
    set(&mut hops, "ws-proxy", State::Fail, |d| {
        d.http_status = Some(502)
    });
    let d = run(&c, &hops, &[], HostView::default());
    assert!(!d.ids().contains(&"websocket_not_proxied"), "{:?}", d.ids());
}

#[test]
fn upload_too_large_names_the_effective_limit_and_counts_on_a_green_chain() {
    use crate::host::nginx::{self, ConfigOrigin, NginxTest};
    use crate::host::nginx_conf;
    let text = "http { client_max_body_size 10m;\n\
        server { listen 80; server_name office;\n\
          location / { proxy_pass http://127.0.0.1:8000; }\n\
          location /example/ { client_max_body_size 2m; proxy_pass http://127.0.0.1:3000; } } }";
    let ncfg = nginx_conf::Config {
        main: "/n.conf".into(),
        directives: nginx_conf::parse_text(std::path::Path::new("/n.conf"), text)
            .expect("test setup"),
        ..nginx_conf::Config::default()
    };
    let facts = nginx::analyze(
        &ncfg,
        ConfigOrigin::Files,
        NginxTest::Ok { warnings: vec![] },
    );
    let c = cfg();
    let hops = healthy(&c);
    let line = "2021/04/21 16:12:42 [error] 5974#5974: *144 client intended to send too large body: 221587234 bytes, client: 172.17.0.1, server: , request: \"POST /example/upload? HTTP/1.1\", host: \"office\"";
    let e = Entry::parse(line.as_bytes(), Some(3));
    let logs = vec![Record::Nginx(e)];
    let host = HostView {
        nginx: Some(&facts),
        ..HostView::default()
    };
    let d = run(&c, &hops, &logs, host);
    assert_eq!(
        d.ids(),
        ["upload_too_large"],
        "a green chain does not disprove it"
    );
    let f = &d.findings[0];
    assert!(
        f.title.contains("211.3 MiB") && f.title.contains("2m"),
        "{}",
        f.title
    );
    assert!(
        f.evidence
            .iter()
            .any(|e| e.fact.contains("location /example/") && e.fact.contains("set at /n.conf:4")),
        "{:?}",
        f.evidence
    );
    // Without nginx facts: still the finding, the limit unknown.
    let d = run(&c, &hops, &logs, HostView::default());
    assert_eq!(d.findings[0].confidence, Confidence::Medium);
    // The limit raised since (or switched off): the refusals are history.
    for raised in ["300m", "0", "1g"] {
        let text = text.replace(
            "client_max_body_size 2m",
            &format!("client_max_body_size {raised}"),
        );
        let ncfg = nginx_conf::Config {
            main: "/n.conf".into(),
            directives: nginx_conf::parse_text(std::path::Path::new("/n.conf"), &text)
                .expect("test setup"),
            ..nginx_conf::Config::default()
        };
        let facts = nginx::analyze(
            &ncfg,
            ConfigOrigin::Files,
            NginxTest::Ok { warnings: vec![] },
        );
        let host = HostView {
            nginx: Some(&facts),
            ..HostView::default()
        };
        let d = run(&c, &hops, &logs, host);
        assert!(d.ids().is_empty(), "{raised}: {:?}", d.ids());
    }
}

fn mapping(
    endpoint: &str,
    status: crate::host::nginx::TargetStatus,
    listening: &str,
) -> crate::host::nginx::TargetMapping {
    crate::host::nginx::TargetMapping {
        server: "ds (80)".into(),
        location: "/".into(),
        directive: "proxy_pass".into(),
        target: "http://docservice".into(),
        upstream: Some("docservice".into()),
        endpoint: endpoint.into(),
        status,
        listeners: vec![crate::host::nginx::ListenerRef {
            endpoint: listening.into(),
            pid: Some(42),
            process: Some("docservice".into()),
        }],
        note: None,
    }
}

#[test]
fn localhost_upstream_with_one_family_is_a_mismatch_on_a_green_chain() {
    use crate::host::nginx::TargetStatus as T;
    let c = cfg();
    let hops = healthy(&c);
    let targets = vec![
        mapping("127.0.0.1:8000", T::Listening, "127.0.0.1:8000"),
        mapping("[::1]:8000", T::OtherAddress, "127.0.0.1:8000"),
    ];
    let host = HostView {
        targets: Some(&targets),
        ..HostView::default()
    };
    assert!(
        run(&c, &hops, &[], host).all_clear,
        "no error lines: nothing to say"
    );
    let line = |errno: &str, peer: &str| {
        let l = format!(
            "2026/11/28 12:54:52 [error] 1#1: *1 connect() to {peer} failed ({errno}) while connecting to upstream, client: 127.0.0.1, server: ds, request: \"GET /healthcheck HTTP/1.1\", upstream: \"http://{peer}/healthcheck\", host: \"localhost\""
        );
        Record::Nginx(Entry::parse(l.as_bytes(), Some(1)))
    };
    let logs = vec![
        line("111: Connection refused", "[::1]:8000"),
        line("99: Cannot assign requested address", "[::1]:8000"),
    ];
    let d = run(&c, &hops, &logs, host);
    assert_eq!(d.ids(), ["proxy_target_mismatch"]);
    let f = &d.findings[0];
    assert_eq!(f.severity, State::Warn);
    assert!(
        f.title.contains("[::1]:8000") && f.title.contains("2 failed attempts"),
        "{}",
        f.title
    );
    assert!(
        f.evidence
            .iter()
            .any(|e| e.fact.contains("listens on 127.0.0.1:8000 only")),
        "{:?}",
        f.evidence
    );
    // Lines about another peer are not this.
    let other = vec![line("111: Connection refused", "127.0.0.1:9999")];
    assert!(
        run(&c, &hops, &other, host)
            .findings
            .iter()
            .all(|f| f.id != "proxy_target_mismatch")
    );
}

#[test]
fn right_port_wrong_address_is_a_mismatch_not_a_dead_service() {
    use crate::host::nginx::TargetStatus as T;
    let c = cfg();
    let mut hops = healthy(&c);
    set(&mut hops, "via-nginx", State::Fail, gw(502));
    set(&mut hops, "docservice", State::Fail, refused);
    set(&mut hops, "health", State::Fail, refused);
    let targets = vec![mapping("127.0.0.1:8000", T::OtherAddress, "127.0.0.2:8000")];
    let mut l = listener(8000);
    l.addr = "127.0.0.2".parse().expect("ip");
    let socks = Sockets {
        listeners: vec![l],
        ..sockets(&[])
    };
    let services = vec![svc("ds-docservice", ServiceState::Active)];
    let host = HostView {
        targets: Some(&targets),
        sockets: Some(&socks),
        services: Some(&services),
        ..HostView::default()
    };
    let d = run(&c, &hops, &[], host);
    assert_eq!(
        d.ids().first(),
        Some(&"proxy_target_mismatch"),
        "{:?}",
        d.ids()
    );
    assert!(!d.ids().contains(&"service_down"), "{:?}", d.ids());
    assert!(
        d.findings[0].title.contains("127.0.0.2:8000"),
        "{}",
        d.findings[0].title
    );
}

#[test]
fn a_drop_rule_is_evidence_before_the_probe_times_out() {
    use crate::host::firewall::{Firewall, Verdict};
    let c = cfg();
    // The docservice hop has not answered yet (no result): the rest is green.
    let h: Vec<HopResult> = healthy(&c)
        .into_iter()
        .filter(|r| r.name != "docservice")
        .collect();
    let s = sockets(&[80, 8000]);
    let fw = Firewall {
        backends: vec![],
        rules: vec![fw_rule(8000, Verdict::Drop)],
        chains: vec![],
    };
    let host = HostView {
        sockets: Some(&s),
        firewall: Some(&fw),
        ..Default::default()
    };
    let d = run(&c, &h, &[], host);
    assert_eq!(d.ids(), ["firewall_drop"]);
    let f = &d.findings[0];
    assert!(
        f.evidence
            .iter()
            .any(|e| e.fact.contains("tcp dport 8000 drop")),
        "{:?}",
        f.evidence
    );
    assert!(f.title.contains("has not answered yet"), "{}", f.title);
    // The probe answered: the rule does not touch our traffic.
    assert!(run(&c, &healthy(&c), &[], host).all_clear);
    // A rule for another interface does not touch a loopback hop.
    let mut r = fw_rule(8000, Verdict::Drop);
    r.text = "iifname \"eth0\" tcp dport 8000 drop".into();
    let other_if = Firewall {
        backends: vec![],
        rules: vec![r],
        chains: vec![],
    };
    let host = HostView {
        sockets: Some(&s),
        firewall: Some(&other_if),
        ..Default::default()
    };
    assert!(run(&c, &h, &[], host).findings.is_empty());
}

#[test]
fn a_capture_of_a_hop_is_evidence_on_its_findings() {
    let c = cfg();
    let mut h = healthy(&c);
    set(&mut h, "docservice", State::Fail, refused);
    let cap = crate::probe::capture::CaptureSummary {
        hop: "docservice".into(),
        target: "127.0.0.1:8000".into(),
        at: chrono::Utc::now(),
        packets: 6,
        syn: 3,
        syn_retransmitted: 0,
        syn_ack: 0,
        rst: 3,
        icmp_unreachable: 0,
        verdict: "3 SYN sent, 3 RST: refused at once".into(),
    };
    let caps = [cap];
    let host = HostView {
        captures: &caps,
        ..HostView::default()
    };
    let d = run(&c, &h, &[], host);
    let f = d
        .findings
        .iter()
        .find(|f| f.explains.contains(&"docservice".to_string()))
        .expect("a finding explains the red hop");
    assert!(
        f.evidence
            .iter()
            .any(|e| e.source == "capture:docservice" && e.fact.starts_with("3 SYN sent, 3 RST")),
        "{:?}",
        f.evidence
    );
}
