//! The diagnosis rules, one function per finding id. Each reads the shared [`Ctx`] and returns a
//! finding only when it has evidence; near-misses (the pattern is incomplete) return `None`.

use super::{Confidence, Ctx, Evidence, Finding, probe_evidence};
use crate::config::{HopKind, Role};
use crate::host::nginx::{NginxTest, TargetStatus};
use crate::host::services::ServiceState;
use crate::logs::Class;
use crate::probe::{HopResult, NetError, State};

type Rule = fn(&Ctx<'_>) -> Option<Finding>;

/// Every rule, in no particular order (ranking happens afterwards).
pub(super) const ALL: &[Rule] = &[
    docserver_not_found,
    proxy_down,
    proxy_config_invalid,
    service_down,
    service_starting,
    service_hung,
    dependency_down,
    firewall_drop,
    firewall_reject,
    proxy_target_mismatch,
    selinux_denies,
    header_buffer_too_small,
    oom_killed,
    jwt_mismatch,
    clock_skew,
    dns_failure,
    tls_problem,
    memory_pressure,
];

fn port_of(h: &HopResult) -> Option<u16> {
    crate::util::split_host_port(&h.target).map(|(_, p)| p)
}

/// Whether a hop failed at the TCP layer with this error: a TCP or TLS hop's connect (a TLS
/// hop connects before it shakes hands), or any hop's refused connection. An HTTP hop's
/// timeout may be a read timeout (a hung service), so it does not count here. A hop that
/// fails below its own layer is evidence for that lower layer's findings only.
fn is_tcp_fail(h: &HopResult, e: NetError) -> bool {
    h.state == State::Fail
        && h.detail.error == Some(e)
        && match h.kind {
            HopKind::Tcp | HopKind::Tls => true,
            HopKind::Dns => false,
            _ => e == NetError::Refused,
        }
}

/// Whether a hop's failure happened below TLS (name resolution, connect): then it says
/// nothing about certificates or handshakes.
fn failed_below_tls(h: &HopResult) -> bool {
    matches!(
        h.detail.error,
        Some(
            NetError::Dns
                | NetError::Refused
                | NetError::Timeout
                | NetError::Unreachable
                | NetError::PermissionDenied
        )
    )
}

fn service_is_down(s: &ServiceState) -> bool {
    matches!(
        s,
        ServiceState::Inactive
            | ServiceState::Failed
            | ServiceState::Exited { .. }
            | ServiceState::Restarting
    )
}

fn service_evidence(c: &Ctx<'_>, name: &str) -> Option<Evidence> {
    let s = c.service(name)?;
    let pid = s.pid.map(|p| format!(", pid {p}")).unwrap_or_default();
    let restarts = s
        .restarts
        .map(|r| format!(", {r} restarts"))
        .unwrap_or_default();
    Some(Evidence {
        source: "host:services".into(),
        fact: format!("{} is {:?}{pid}{restarts} ({})", s.name, s.state, s.detail),
    })
}

fn listener_evidence(c: &Ctx<'_>, port: u16) -> Option<(bool, Evidence)> {
    let ls = c.listeners_on(port)?;
    let fact = if ls.is_empty() {
        format!("nothing listens on TCP port {port}")
    } else {
        let who: Vec<String> = ls
            .iter()
            .map(|l| {
                let owner = match &l.owner {
                    crate::host::Owner::Process { pid, name, .. } => format!("{name} (pid {pid})"),
                    crate::host::Owner::Unknown { reason } => format!("owner unknown: {reason}"),
                };
                format!("{}:{} by {owner}", l.addr, l.port)
            })
            .collect();
        format!("listening: {}", who.join(", "))
    };
    Some((
        !ls.is_empty(),
        Evidence {
            source: "host:sockets".into(),
            fact,
        },
    ))
}

/// Red hops that go through the proxy or to the upstream's HTTP side (they share the cause of
/// an upstream failure).
///
/// When the proxy itself is red, the hops through it are its to explain (`proxy_down`), not an
/// upstream cause's: a dead nginx hides whatever is behind it.
fn dependents<'a>(c: &Ctx<'a>, roles: &[Role]) -> Vec<&'a HopResult> {
    let proxy_red = c.by_role(Role::Proxy).any(|h| h.state == State::Fail);
    c.red()
        .filter(|h| roles.contains(&h.role))
        .filter(|h| !(proxy_red && h.role == Role::ViaProxy))
        .collect()
}

fn names(hs: &[&HopResult]) -> Vec<String> {
    hs.iter().map(|h| h.name.clone()).collect()
}

fn service_of(c: &Ctx<'_>, h: &HopResult) -> Option<String> {
    c.hop_cfg(&h.name).and_then(|x| x.service.clone())
}

// A constructor: each argument is one field of `Finding`, named at the call site by position.
#[allow(clippy::too_many_arguments)]
fn finding(
    id: &'static str,
    title: String,
    confidence: Confidence,
    evidence: Vec<Evidence>,
    explanation: &str,
    next_steps: Vec<String>,
    action: Option<String>,
    explains: Vec<String>,
) -> Finding {
    Finding {
        id,
        title,
        severity: State::Fail,
        confidence,
        evidence,
        explanation: explanation.to_string(),
        next_steps,
        action,
        explains,
    }
}

fn proxy_down(c: &Ctx<'_>) -> Option<Finding> {
    let p = c
        .by_role(Role::Proxy)
        .find(|h| is_tcp_fail(h, NetError::Refused))?;
    let mut ev = vec![probe_evidence(p)];
    let svc = service_of(c, p);
    let mut conf = Confidence::Medium;
    if let Some(port) = port_of(p)
        && let Some((present, e)) = listener_evidence(c, port)
    {
        if present {
            // Something listens but refuses: that is a REJECT rule, not a dead proxy.
            return None;
        }
        ev.push(e);
        conf = Confidence::High;
    }
    if let Some(s) = svc.as_deref().and_then(|s| service_evidence(c, s)) {
        ev.push(s);
    }
    let mut explains = vec![p.name.clone()];
    explains.extend(
        c.red()
            .filter(|h| {
                h.name != p.name
                    && (h.role == Role::ViaProxy
                        || (h.role == Role::Proxy && is_tcp_fail(h, NetError::Refused)))
            })
            .map(|h| h.name.clone()),
    );
    Some(finding(
        "proxy_down",
        format!("nginx does not answer on {}", p.target),
        conf,
        ev,
        "Nothing accepts connections on the proxy's port, so every request fails before it reaches the application.",
        vec![
            "Start or restart nginx; if it does not stay up, run `nginx -t` for the configuration error.".into(),
            "Look at the end of nginx's error log for [emerg] lines (port already in use, missing certificate).".into(),
        ],
        Some(format!("restart:{}", svc.unwrap_or_else(|| "nginx".into()))),
        explains,
    ))
}

fn proxy_config_invalid(c: &Ctx<'_>) -> Option<Finding> {
    let n = c.input.host.nginx?;
    let NginxTest::Failed {
        message,
        file,
        line,
        hint,
    } = &n.test
    else {
        return None;
    };
    let at = match (file, line) {
        (Some(f), Some(l)) => format!(" at {}:{l}", f.display()),
        (Some(f), None) => format!(" in {}", f.display()),
        _ => String::new(),
    };
    let mut steps = vec![format!(
        "Fix the error{at}, then run `nginx -t` again before reloading."
    )];
    if let Some(h) = hint {
        steps.push(h.clone());
    }
    steps.push("Until it is fixed, a reload or restart of nginx will fail (a running nginx keeps the old config).".into());
    Some(finding(
        "proxy_config_invalid",
        format!(
            "nginx configuration test fails: {}",
            crate::util::shorten(message, 100)
        ),
        Confidence::High,
        vec![Evidence {
            source: "host:nginx -t".into(),
            fact: format!("{message}{at}"),
        }],
        "nginx refuses to load a configuration that fails its test: the next reload or restart will not take it.",
        steps,
        None,
        c.by_role(Role::Proxy)
            .filter(|h| h.state == State::Fail)
            .map(|h| h.name.clone())
            .collect(),
    ))
}

/// The upstream TCP hop refused, with what the host says about it.
struct Refusal<'a> {
    hop: &'a HopResult,
    listening: Option<bool>,
    listener_ev: Option<Evidence>,
    service: Option<String>,
}

fn upstream_refusal<'a>(c: &Ctx<'a>) -> Option<Refusal<'a>> {
    let hop = c
        .by_role(Role::Upstream)
        .find(|h| is_tcp_fail(h, NetError::Refused))?;
    let (listening, listener_ev) = match port_of(hop).and_then(|p| listener_evidence(c, p)) {
        Some((l, e)) => (Some(l), Some(e)),
        None => (None, None),
    };
    Some(Refusal {
        hop,
        listening,
        listener_ev,
        service: service_of(c, hop),
    })
}

fn upstream_explains(c: &Ctx<'_>, first: &HopResult) -> Vec<String> {
    let mut v = vec![first.name.clone()];
    for h in dependents(c, &[Role::Upstream, Role::ViaProxy]) {
        if h.name != first.name {
            v.push(h.name.clone());
        }
    }
    v
}

fn service_down(c: &Ctx<'_>) -> Option<Finding> {
    let r = upstream_refusal(c)?;
    if r.listening == Some(true) {
        return None;
    }
    let state = r
        .service
        .as_deref()
        .and_then(|s| c.service(s))
        .map(|s| s.state.clone());
    if matches!(state, Some(ServiceState::Active | ServiceState::Activating)) {
        return None; // service_starting
    }
    let mut ev = vec![probe_evidence(r.hop)];
    ev.extend(r.listener_ev.clone());
    let mut signals = 0;
    if r.listening == Some(false) {
        signals += 1;
    }
    if let Some(s) = r.service.as_deref().and_then(|s| service_evidence(c, s)) {
        if state.as_ref().is_some_and(service_is_down) {
            signals += 1;
        }
        ev.push(s);
    }
    ev.extend(c.log_evidence(&[
        Class::UpstreamRefused,
        Class::SocketMissing,
        Class::NoLiveUpstreams,
    ]));
    let conf = match signals {
        2 => Confidence::High,
        1 => Confidence::Medium,
        _ => Confidence::Low,
    };
    let name = r.service.clone().unwrap_or_else(|| r.hop.name.clone());
    Some(finding(
        "service_down",
        format!("{name} is down: nothing listens on {}", r.hop.target),
        conf,
        ev,
        "nginx forwards to a port where nothing listens, so it answers 502 Bad Gateway to every request.",
        vec![
            format!("Restart {name} and watch whether it stays up."),
            format!(
                "If it exits again, read its log (journalctl -u {name} / supervisor log / docservice/out.log)."
            ),
        ],
        r.service.map(|s| format!("restart:{s}")),
        upstream_explains(c, r.hop),
    ))
}

fn service_starting(c: &Ctx<'_>) -> Option<Finding> {
    let r = upstream_refusal(c)?;
    if r.listening == Some(true) {
        return None;
    }
    let svc = c.service(r.service.as_deref()?)?;
    if !matches!(svc.state, ServiceState::Active | ServiceState::Activating) {
        return None;
    }
    let mut ev = vec![probe_evidence(r.hop)];
    ev.extend(r.listener_ev.clone());
    ev.extend(service_evidence(c, &svc.name));
    let deps: Vec<&HopResult> = c
        .by_role(Role::Dependency)
        .filter(|h| h.state == State::Fail)
        .collect();
    ev.extend(deps.iter().map(|h| probe_evidence(h)));
    Some(finding(
        "service_starting",
        format!("{} runs but does not listen on {} yet", svc.name, r.hop.target),
        if deps.is_empty() { Confidence::Medium } else { Confidence::High },
        ev,
        "The Document Server opens its port only after RabbitMQ, the database and Redis are connected; until then nginx gets refused.",
        vec![
            "Check RabbitMQ (:5672) and PostgreSQL (:5432): are they running and reachable?".into(),
            "Read docservice/out.log for [AMQP] or database errors; give it a minute after a restart.".into(),
        ],
        None,
        upstream_explains(c, r.hop),
    ))
}

fn service_hung(c: &Ctx<'_>) -> Option<Finding> {
    let tcp_ok = c
        .by_role(Role::Upstream)
        .any(|h| h.kind == HopKind::Tcp && h.state == State::Ok);
    let timed_out: Vec<&HopResult> = c
        .by_role(Role::Upstream)
        .filter(|h| {
            h.kind != HopKind::Tcp
                && h.state == State::Fail
                && h.detail.error == Some(NetError::Timeout)
        })
        .collect();
    let gw504: Vec<&HopResult> = c
        .red()
        .filter(|h| h.role == Role::ViaProxy && h.detail.http_status == Some(504))
        .collect();
    let read_timeouts = c.log_count(&[Class::UpstreamReadTimeout]);
    if !tcp_ok || (timed_out.is_empty() && (gw504.is_empty() || read_timeouts == 0)) {
        return None;
    }
    let first = timed_out.first().or(gw504.first())?;
    let mut ev: Vec<Evidence> = timed_out
        .iter()
        .chain(gw504.iter())
        .map(|h| probe_evidence(h))
        .collect();
    ev.extend(
        c.by_role(Role::Upstream)
            .filter(|h| h.kind == HopKind::Tcp)
            .map(probe_evidence),
    );
    ev.extend(c.log_evidence(&[Class::UpstreamReadTimeout]));
    let svc = service_of(c, first);
    if let Some(s) = svc.as_deref().and_then(|s| service_evidence(c, s)) {
        ev.push(s);
    }
    if let Some(p) = c.input.host.processes {
        for pr in p
            .chain
            .iter()
            .filter(|p| matches!(p.state, 'T' | 'D') || p.cpu_percent > 90.0)
        {
            ev.push(Evidence {
                source: "host:processes".into(),
                fact: format!(
                    "{} (pid {}) state {} CPU {:.0} %",
                    pr.name, pr.pid, pr.state, pr.cpu_percent
                ),
            });
        }
    }
    Some(finding(
        "service_hung",
        format!("{} accepts connections but does not answer", svc.clone().unwrap_or_else(|| first.name.clone())),
        if !timed_out.is_empty() && (read_timeouts > 0 || !gw504.is_empty()) {
            Confidence::High
        } else {
            Confidence::Medium
        },
        ev,
        "The port is open (the kernel accepts) but the process never answers: it is stuck, overloaded or stopped (SIGSTOP). nginx gives up after proxy_read_timeout with 504.",
        vec![
            "Look at the process: CPU at 100 %? state T (stopped) or D (waiting on disk)?".into(),
            "Restart the service; if it hangs again, capture its log and a stack (e.g. kill -USR2 / node --inspect) first.".into(),
        ],
        svc.map(|s| format!("restart:{s}")),
        timed_out.iter().chain(gw504.iter()).map(|h| h.name.clone()).collect(),
    ))
}

fn dependency_down(c: &Ctx<'_>) -> Option<Finding> {
    let health_false: Vec<&HopResult> = c.hops_where(|h| h.detail.health == Some(false));
    let deps: Vec<&HopResult> = c
        .by_role(Role::Dependency)
        .filter(|h| h.state == State::Fail)
        .collect();
    let dep_logs = c.log_count(&[
        Class::DsRabbitmq,
        Class::DsDatabase,
        Class::DsRedis,
        Class::DsHealthcheck,
    ]);
    if health_false.is_empty() && deps.is_empty() && dep_logs == 0 {
        return None;
    }
    // Logs alone, with every hop green, are history rather than an outage.
    if health_false.is_empty() && deps.is_empty() && c.red().next().is_none() {
        return None;
    }
    let mut ev: Vec<Evidence> = health_false
        .iter()
        .chain(deps.iter())
        .map(|h| probe_evidence(h))
        .collect();
    ev.extend(c.log_evidence(&[
        Class::DsRabbitmq,
        Class::DsDatabase,
        Class::DsRedis,
        Class::DsHealthcheck,
    ]));
    let mut explains = names(&health_false);
    explains.extend(names(&deps));
    if !deps.is_empty() {
        // docservice does not listen until its dependencies are up.
        explains.extend(names(&dependents(c, &[Role::Upstream, Role::ViaProxy])));
    } else {
        explains.extend(
            c.red()
                .filter(|h| h.detail.health == Some(false))
                .map(|h| h.name.clone()),
        );
    }
    explains.dedup();
    let dep_service = deps.first().and_then(|h| service_of(c, h));
    let what = match (deps.first(), health_false.is_empty()) {
        (Some(d), _) => format!("{} is down ({})", d.name, d.target),
        (None, false) => {
            "the Document Server reports a failed dependency (healthcheck false)".into()
        }
        (None, true) => "the Document Server log shows dependency errors".into(),
    };
    let signals = usize::from(!health_false.is_empty())
        + usize::from(!deps.is_empty())
        + usize::from(dep_logs > 0);
    Some(finding(
        "dependency_down",
        format!("Dependency failure: {what}"),
        match signals {
            0 | 1 => Confidence::Medium,
            _ => Confidence::High,
        },
        ev,
        "The Document Server needs PostgreSQL, RabbitMQ and Redis (and its storage). /healthcheck answers false when one fails; when RabbitMQ or the database is down at start, docservice never listens and nginx answers 502.",
        vec![
            "Check postgresql, rabbitmq-server and redis-server: running? listening on 5432 / 5672 / 6379?".into(),
            "Read docservice/out.log for [AMQP], sqlQuery or Redis errors.".into(),
            "After the dependency is back, restart ds-docservice so it reconnects.".into(),
        ],
        dep_service.map(|s| format!("restart:{s}")),
        explains,
    ))
}

/// The firewall's blocking rules on a port: `None` when the firewall is unknown, else the
/// rules (possibly none) with the wanted verdict.
fn blocking_rules(c: &Ctx<'_>, port: u16, drop: bool) -> Option<Vec<Evidence>> {
    use crate::host::firewall::Verdict;
    let fw = c.input.host.firewall?;
    Some(
        fw.rules
            .iter()
            .filter(|r| r.all_ports || r.ports.contains(&port))
            .filter(|r| match r.verdict {
                Verdict::Drop => drop,
                Verdict::Reject { .. } => !drop,
                _ => false,
            })
            .map(|r| Evidence {
                source: "host:firewall".into(),
                fact: format!(
                    "{:?} {} {} chain {}{}: {}",
                    r.backend,
                    r.family,
                    r.table,
                    r.chain,
                    r.hook
                        .as_deref()
                        .map(|h| format!(" (hook {h})"))
                        .unwrap_or_default(),
                    r.text
                ),
            })
            .collect(),
    )
}

/// The first upstream, proxy or dependency hop whose TCP connect failed with `err`: where a
/// firewall rule would show.
fn firewalled_hop<'a>(c: &Ctx<'a>, err: NetError) -> Option<&'a HopResult> {
    c.input.hops.iter().find(|h| {
        is_tcp_fail(h, err) && matches!(h.role, Role::Upstream | Role::Proxy | Role::Dependency)
    })
}

/// `hop`'s name, then the hops that go through it (via-proxy and upstream), once each.
fn with_dependents(c: &Ctx<'_>, hop: &HopResult) -> Vec<String> {
    let mut explains = vec![hop.name.clone()];
    explains.extend(
        dependents(c, &[Role::ViaProxy, Role::Upstream])
            .into_iter()
            .filter(|h| h.name != hop.name)
            .map(|h| h.name.clone()),
    );
    explains
}

fn firewall_drop(c: &Ctx<'_>) -> Option<Finding> {
    let hop = firewalled_hop(c, NetError::Timeout)?;
    let port = port_of(hop)?;
    let listener = listener_evidence(c, port);
    let rules = blocking_rules(c, port, true);
    if listener.as_ref().is_some_and(|(l, _)| !l) {
        return None;
    }
    if rules.as_ref().is_some_and(Vec::is_empty) || (listener.is_none() && rules.is_none()) {
        // The firewall was read and has no DROP for this port, or nothing is known at all.
        return None;
    }
    let confidence = if listener.is_some() && rules.as_ref().is_some_and(|r| !r.is_empty()) {
        Confidence::High
    } else {
        Confidence::Medium
    };
    let mut ev = vec![probe_evidence(hop)];
    ev.extend(listener.map(|(_, e)| e));
    ev.extend(rules.unwrap_or_default());
    ev.extend(c.log_evidence(&[Class::UpstreamConnectTimeout]));
    let explains = with_dependents(c, hop);
    Some(finding(
        "firewall_drop",
        format!(
            "A firewall drops connections to {} (the port is open)",
            hop.target
        ),
        confidence,
        ev,
        "The service listens on the port, yet a connect gets no answer at all: packets are dropped on the way, typically by a firewall DROP rule. nginx then answers 504 after proxy_connect_timeout.",
        vec![
            format!(
                "List the firewall rules for port {port}: nft list ruleset | grep {port}; iptables -S | grep {port}; firewall-cmd --list-all."
            ),
            "Remove the DROP rule or reload the firewall from its saved configuration.".into(),
        ],
        Some("reload:firewall".into()),
        explains,
    ))
}

fn firewall_reject(c: &Ctx<'_>) -> Option<Finding> {
    let hop = firewalled_hop(c, NetError::Refused)?;
    let port = port_of(hop)?;
    let (listening, lev) = listener_evidence(c, port)?;
    if !listening {
        return None;
    }
    // A listener on another address only is a bind mismatch, not a firewall.
    let (host, _) = crate::util::split_host_port(&hop.target)?;
    let ls = c.listeners_on(port)?;
    let covers = |a: &std::net::IpAddr| match host.parse::<std::net::IpAddr>() {
        Ok(t) => *a == t || (a.is_unspecified() && a.is_ipv4() == t.is_ipv4()),
        Err(_) => true,
    };
    if !ls.iter().any(|l| covers(&l.addr)) {
        return None;
    }
    let rules = blocking_rules(c, port, false);
    if rules.as_ref().is_some_and(Vec::is_empty) {
        // The firewall was read and rejects nothing on this port: the listener table is
        // probably older than the failure.
        return None;
    }
    let confidence = if rules.is_some() {
        Confidence::High
    } else {
        Confidence::Medium
    };
    let mut ev = vec![probe_evidence(hop), lev];
    ev.extend(rules.unwrap_or_default());
    let explains = with_dependents(c, hop);
    Some(finding(
        "firewall_reject",
        format!(
            "A firewall rejects connections to {} (the port is open)",
            hop.target
        ),
        confidence,
        ev,
        "The service listens on exactly this address, yet connects are refused: a REJECT rule answers in its place.",
        vec![
            format!(
                "List the firewall rules for port {port} (nft list ruleset, iptables -S, firewall-cmd --list-all)."
            ),
            "Remove the REJECT rule or reload the firewall from its saved configuration.".into(),
        ],
        Some("reload:firewall".into()),
        explains,
    ))
}

fn proxy_target_mismatch(c: &Ctx<'_>) -> Option<Finding> {
    let via502: Vec<&HopResult> = c
        .red()
        .filter(|h| h.role == Role::ViaProxy && h.detail.http_status == Some(502))
        .collect();
    if via502.is_empty() {
        return None;
    }
    let upstream_ok = c
        .by_role(Role::Upstream)
        .filter(|h| h.kind != HopKind::Tcp)
        .any(|h| h.state == State::Ok);
    let bad: Vec<&crate::host::nginx::TargetMapping> = c
        .input
        .host
        .targets
        .map(|t| {
            t.iter()
                .filter(|m| {
                    matches!(
                        m.status,
                        TargetStatus::NoListener
                            | TargetStatus::OtherAddress
                            | TargetStatus::UnixSocketMissing
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    if bad.is_empty() && !(upstream_ok && c.input.host.targets.is_none()) {
        return None;
    }
    if !upstream_ok && !bad.is_empty() && c.by_role(Role::Upstream).any(|h| h.state == State::Fail)
    {
        // The application itself is down: service_down explains it better.
        return None;
    }
    // Other 502 causes in the log explain it better when the mapping shows nothing wrong.
    let other_causes = [
        Class::HeaderTooBig,
        Class::InvalidResponse,
        Class::PermissionDenied,
        Class::UpstreamTls,
    ];
    let current = |cl: &Class| c.log_count(&[*cl]) > 0 && !c.log_superseded(&[*cl]);
    if bad.is_empty() && other_causes.iter().any(current) {
        return None;
    }
    let mut ev: Vec<Evidence> = via502.iter().map(|h| probe_evidence(h)).collect();
    ev.extend(
        c.by_role(Role::Upstream)
            .filter(|h| h.state == State::Ok)
            .map(probe_evidence),
    );
    for m in &bad {
        let elsewhere: Vec<&str> = m.listeners.iter().map(|l| l.endpoint.as_str()).collect();
        let tail = if elsewhere.is_empty() {
            String::new()
        } else {
            format!("; listening instead: {}", elsewhere.join(", "))
        };
        let via = m
            .upstream
            .as_deref()
            .map(|u| format!(" (upstream {u})"))
            .unwrap_or_default();
        let status = match m.status {
            TargetStatus::NoListener => "nothing listens there",
            TargetStatus::OtherAddress => "the port listens on another address only",
            TargetStatus::UnixSocketMissing => "the socket file does not exist",
            _ => "not reachable",
        };
        ev.push(Evidence {
            source: "host:nginx".into(),
            fact: format!(
                "server {} location {} {} → {}{via}: {status}{tail}",
                m.server, m.location, m.directive, m.endpoint
            ),
        });
    }
    // Where the application really answers: the upstream hops that are green.
    let real: Vec<String> = c
        .by_role(Role::Upstream)
        .filter(|h| h.kind == HopKind::Tcp && h.state == State::Ok)
        .map(|h| h.target.clone())
        .collect();
    if !bad.is_empty() && !real.is_empty() {
        ev.push(Evidence {
            source: "probe".into(),
            fact: format!(
                "the application answers on {}: point proxy_pass / the upstream there",
                real.join(", ")
            ),
        });
    }
    let title = match bad.first() {
        Some(m) => format!("nginx proxies to {} where nothing listens", m.endpoint),
        None => "nginx gets no answer upstream while the application answers directly".into(),
    };
    Some(finding(
        "proxy_target_mismatch",
        title,
        if bad.is_empty() || !upstream_ok { Confidence::Medium } else { Confidence::High },
        ev,
        "nginx's proxy_pass / upstream points at an address or port where the application does not listen, while the application itself answers on its real address.",
        vec![
            "Compare proxy_pass / upstream servers with where the application listens (ports pane, ss -ltnp).".into(),
            "Fix the address in the nginx configuration, run nginx -t, then reload nginx.".into(),
        ],
        None,
        names(&via502),
    ))
}

fn selinux_denies(c: &Ctx<'_>) -> Option<Finding> {
    use crate::host::selinux::Mode;
    // Denials that stopped while other upstream failures went on (the boolean was set, then
    // something else broke) are history.
    if c.log_superseded(&[Class::PermissionDenied]) {
        return None;
    }
    let lev = c.log_evidence(&[Class::PermissionDenied])?;
    let mut ev = vec![lev];
    let mut confidence = Confidence::Medium;
    if let Some(se) = c.input.host.selinux {
        if se.mode != Mode::Enforcing {
            // Without an enforcing SELinux the denial comes from file modes, not from it.
            return None;
        }
        ev.push(Evidence {
            source: "host:selinux".into(),
            fact: format!(
                "SELinux enforcing, httpd_can_network_connect {}",
                match se.httpd_can_network_connect {
                    Some(true) => "on",
                    Some(false) => "off",
                    None => "unknown",
                }
            ),
        });
        if se.httpd_can_network_connect == Some(false) {
            confidence = Confidence::High;
        }
    }
    Some(finding(
        "selinux_denies",
        "SELinux forbids nginx to connect upstream".into(),
        confidence,
        ev,
        "connect() fails with 13: Permission denied: with SELinux enforcing, nginx (httpd_t) may not open network connections unless httpd_can_network_connect is on.",
        vec![
            "getenforce; getsebool httpd_can_network_connect; ausearch -m avc -ts recent".into(),
            "setsebool -P httpd_can_network_connect 1 (or label the port: semanage port -a -t http_port_t -p tcp PORT).".into(),
        ],
        Some("selinux:httpd_can_network_connect".into()),
        dependents(c, &[Role::ViaProxy])
            .iter()
            .map(|h| h.name.clone())
            .collect(),
    ))
}

fn header_buffer_too_small(c: &Ctx<'_>) -> Option<Finding> {
    // Headers too big, then (buffers raised, or not) the upstream failing otherwise: the
    // 502s are no longer this.
    if c.log_superseded(&[Class::HeaderTooBig]) {
        return None;
    }
    let lev = c.log_evidence(&[Class::HeaderTooBig])?;
    let mut ev = vec![lev];
    if let Some(n) = c.input.host.nginx {
        let sizes: Vec<String> = n
            .proxied_locations()
            .map(|(_, l)| {
                format!(
                    "{} proxy_buffer_size {}",
                    l.path, l.settings.buffer_size.value
                )
            })
            .collect();
        if !sizes.is_empty() {
            ev.push(Evidence {
                source: "host:nginx".into(),
                fact: sizes.join("; "),
            });
        }
    }
    let via: Vec<&HopResult> = c
        .red()
        .filter(|h| h.role == Role::ViaProxy && h.detail.http_status == Some(502))
        .collect();
    ev.extend(via.iter().map(|h| probe_evidence(h)));
    Some(finding(
        "header_buffer_too_small",
        "The application's response headers do not fit nginx's proxy buffer".into(),
        if via.is_empty() { Confidence::Medium } else { Confidence::High },
        ev,
        "nginx reads the upstream's response headers into proxy_buffer_size (4k or 8k by default); larger headers (big cookies, long CSP) make it answer 502.",
        vec![
            "Raise the buffers in the location: proxy_buffer_size 16k; proxy_buffers 8 16k; proxy_busy_buffers_size 32k;".into(),
            "Run nginx -t and reload nginx.".into(),
        ],
        Some("reload:nginx".into()),
        names(&via),
    ))
}

/// Process names of the chain (for OOM kills): nginx, Document Server node processes, the
/// dependencies.
const CHAIN_PROCESSES: &[&str] = &[
    "nginx",
    "node",
    "docservice",
    "converter",
    "DocService",
    "FileConverter",
    "postgres",
    "beam.smp",
    "redis-server",
    "python",
    "php-fpm",
    "java",
];

fn oom_killed(c: &Ctx<'_>) -> Option<Finding> {
    let mut ev = Vec::new();
    let mut who = None;
    if let Some(svc) = c
        .input
        .host
        .services
        .and_then(|ss| ss.iter().find(|s| s.oom_killed == Some(true)))
    {
        ev.extend(service_evidence(c, &svc.name));
        who = Some(svc.name.clone());
    }
    if let Some(o) = c.input.host.oom {
        let chain_names: Vec<&str> = c
            .input
            .host
            .processes
            .map(|p| p.chain.iter().map(|x| x.name.as_str()).collect())
            .unwrap_or_default();
        for k in o.kills.iter().rev().filter(|k| {
            CHAIN_PROCESSES.iter().any(|n| k.process.contains(n))
                || chain_names.contains(&k.process.as_str())
        }) {
            ev.push(Evidence {
                source: format!("host:oom ({})", o.source),
                fact: format!(
                    "{} OOM killer ended {} (pid {})",
                    k.time.clone().unwrap_or_default(),
                    k.process,
                    k.pid
                ),
            });
            who.get_or_insert_with(|| k.process.clone());
        }
    }
    let who = who?;
    let logs = c.log_evidence(&[Class::UpstreamClosed, Class::UpstreamReset]);
    let confidence = if logs.is_some() {
        Confidence::High
    } else {
        Confidence::Medium
    };
    ev.extend(logs);
    // A kill long ago with a green chain is history; the rule still reports a service
    // currently marked OOM-killed by its manager.
    let explains = names(&dependents(c, &[Role::Upstream, Role::ViaProxy]));
    let svc_action = c
        .input
        .cfg
        .services
        .iter()
        .find(|s| who.contains(&s.name) || s.name.contains(&who))
        .map(|s| format!("restart:{}", s.name));
    Some(finding(
        "oom_killed",
        format!("{who} was killed for lack of memory"),
        confidence,
        ev,
        "The kernel's OOM killer ended the process mid-request: nginx sees the connection close or reset and answers 502.",
        vec![
            "Check memory: free -m, the heaviest processes (Ports & processes pane), the service's memory limits.".into(),
            "Restart the service, then reduce its memory use or add memory / swap.".into(),
        ],
        svc_action,
        explains,
    ))
}

fn memory_pressure(c: &Ctx<'_>) -> Option<Finding> {
    let m = c.input.host.memory?;
    if m.total_bytes == 0 {
        return None;
    }
    let pct = m.available_bytes as f64 * 100.0 / m.total_bytes as f64;
    let psi = m.psi_some.as_ref().map(|p| p.avg10).unwrap_or(0.0);
    let swap_used = m.swap_total_bytes.saturating_sub(m.swap_free_bytes);
    let severity = if pct < 5.0 {
        State::Fail
    } else if pct < 15.0 || psi > 40.0 {
        State::Warn
    } else {
        return None;
    };
    let mut ev = vec![Evidence {
        source: "host:memory".into(),
        fact: format!(
            "MemAvailable {:.1} % of {} MiB; swap used {} MiB; PSI some avg10 {psi:.1}",
            pct,
            m.total_bytes >> 20,
            swap_used >> 20
        ),
    }];
    if let Some(p) = c.input.host.processes
        && let Some(top) = p.top_rss.first()
    {
        ev.push(Evidence {
            source: "host:processes".into(),
            fact: format!(
                "largest process: {} (pid {}) {} MiB",
                top.name,
                top.pid,
                top.rss_bytes >> 20
            ),
        });
    }
    let mut f = finding(
        "memory_pressure",
        format!("Memory is short: {pct:.0} % available"),
        Confidence::High,
        ev,
        "With little memory left the kernel reclaims hard (slow answers, 504) and the OOM killer ends processes (502).",
        vec![
            "Find the largest processes (Ports & processes pane, ps aux --sort=-rss | head)."
                .into(),
            "Free memory or add swap; limit the Document Server's converter workers.".into(),
        ],
        None,
        c.red()
            .filter(|h| h.detail.error == Some(NetError::Timeout))
            .map(|h| h.name.clone())
            .collect(),
    );
    f.severity = severity;
    Some(f)
}

fn jwt_mismatch(c: &Ctx<'_>) -> Option<Finding> {
    let rejected: Vec<&HopResult> = c.hops_where(|h| h.detail.ds_error == Some(6));
    let jwt_classes = [
        Class::DsJwtInvalidSignature,
        Class::DsJwtMalformed,
        Class::DsJwtMissing,
        Class::DsJwtInvalid,
    ];
    let logs = c.log_evidence(&jwt_classes);
    if rejected.is_empty() && logs.is_none() {
        return None;
    }
    let mut ev: Vec<Evidence> = rejected.iter().map(|h| probe_evidence(h)).collect();
    for h in &rejected {
        if let Some(j) = &h.detail.jwt {
            let ds = j
                .docserver_fingerprint
                .as_deref()
                .map(|f| format!("; the Document Server's local.json secret has fingerprint {f}"))
                .unwrap_or_else(|| "; the Document Server's secret could not be read".into());
            ev.push(Evidence {
                source: format!("probe:{}", h.name),
                fact: format!(
                    "token signed with the {} secret, fingerprint {}{ds}",
                    j.source,
                    j.fingerprint.as_deref().unwrap_or("none")
                ),
            });
        }
    }
    ev.extend(logs);
    Some(finding(
        "jwt_mismatch",
        "The JWT secrets of the Document Server and the integrator differ".into(),
        if rejected.is_empty() { Confidence::Medium } else { Confidence::High },
        ev,
        "The Document Server rejects tokens that are not signed with its own secret (command service error 6, checkJwt errors): editors fail to open with 'Document Server is not available' or download errors.",
        vec![
            "Compare services.CoAuthoring.secret.inbox.string in /etc/onlyoffice/documentserver/local.json with the integrator's secret (Nextcloud: occ config:app:get onlyoffice jwt_secret).".into(),
            "Set the same secret on both sides, then restart ds-docservice (and ds-converter).".into(),
        ],
        None,
        names(&rejected),
    ))
}

fn clock_skew(c: &Ctx<'_>) -> Option<Finding> {
    let expired: Vec<&HopResult> = c.hops_where(|h| h.detail.ds_error == Some(7));
    let skewed: Vec<&HopResult> =
        c.hops_where(|h| h.detail.date_skew_secs.is_some_and(|s| s.abs() > 120));
    let logs = c.log_evidence(&[Class::DsJwtExpired]);
    if expired.is_empty() && skewed.is_empty() && logs.is_none() {
        return None;
    }
    let mut ev: Vec<Evidence> = expired.iter().map(|h| probe_evidence(h)).collect();
    for h in &skewed {
        ev.push(Evidence {
            source: format!("probe:{}", h.name),
            fact: format!(
                "the server's Date header is {} s off this box's clock",
                h.detail.date_skew_secs.unwrap_or(0)
            ),
        });
    }
    ev.extend(logs);
    let mut explains = names(&expired);
    explains.extend(names(&skewed));
    Some(finding(
        "clock_skew",
        "Clocks disagree: tokens are seen as expired".into(),
        if !expired.is_empty() && !skewed.is_empty() {
            Confidence::High
        } else {
            Confidence::Medium
        },
        ev,
        "JWTs carry issue and expiry times; when the Document Server's and the integrator's clocks differ by minutes, valid tokens are rejected as expired (error 7).",
        vec!["Check timedatectl / chronyc tracking on both machines and enable NTP.".into()],
        None,
        explains,
    ))
}

fn dns_failure(c: &Ctx<'_>) -> Option<Finding> {
    let failed: Vec<&HopResult> = c
        .red()
        .filter(|h| h.kind == HopKind::Dns || h.detail.error == Some(NetError::Dns))
        .collect();
    let logs = c.log_evidence(&[Class::DnsFailure]);
    if failed.is_empty() && logs.is_none() {
        return None;
    }
    if failed.is_empty() && c.red().next().is_none() {
        return None;
    }
    let mut ev: Vec<Evidence> = failed.iter().map(|h| probe_evidence(h)).collect();
    ev.extend(logs);
    Some(finding(
        "dns_failure",
        match failed.first() {
            Some(h) => format!("Name resolution fails for {}", h.target),
            None => "nginx cannot resolve an upstream name".into(),
        },
        if failed.is_empty() {
            Confidence::Medium
        } else {
            Confidence::High
        },
        ev,
        "A name in the chain does not resolve: clients cannot find the proxy, or nginx cannot find its upstream (it needs a `resolver` directive for names in variables).",
        vec![
            "getent hosts NAME; cat /etc/resolv.conf; check the DNS record.".into(),
            "For proxy_pass with variables, nginx needs `resolver` in its configuration.".into(),
        ],
        None,
        names(&failed),
    ))
}

fn tls_problem(c: &Ctx<'_>) -> Option<Finding> {
    let bad: Vec<&HopResult> = c.hops_where(|h| {
        (h.kind == HopKind::Tls && h.state != State::Ok && !failed_below_tls(h))
            || (h.state == State::Fail && matches!(h.detail.error, Some(NetError::Tls)))
    });
    let logs = c.log_evidence(&[Class::UpstreamTls, Class::DsStorageCert]);
    if bad.is_empty() && logs.is_none() {
        return None;
    }
    let mut ev: Vec<Evidence> = bad.iter().map(|h| probe_evidence(h)).collect();
    ev.extend(logs);
    let severity = if bad.iter().any(|h| h.state == State::Fail) || bad.is_empty() {
        State::Fail
    } else {
        State::Warn
    };
    let mut f = finding(
        "tls_problem",
        match bad.first() {
            Some(h) => format!("TLS problem at {}: {}", h.target, crate::util::shorten(&h.reason, 80)),
            None => "TLS handshakes to an upstream fail".into(),
        },
        if bad.is_empty() { Confidence::Medium } else { Confidence::High },
        ev,
        "An expired, wrong-name or untrusted certificate, or https spoken to a plain-HTTP port, breaks the connection before any request is made.",
        vec![
            "openssl s_client -connect HOST:PORT -servername NAME to see the certificate.".into(),
            "Renew or replace the certificate; for https→http mistakes fix the scheme in proxy_pass or the URL.".into(),
        ],
        None,
        bad.iter().filter(|h| h.state == State::Fail).map(|h| h.name.clone()).collect(),
    );
    f.severity = severity;
    Some(f)
}

/// Ports the upstream hops (the application behind nginx) connect to.
fn upstream_ports(c: &Ctx<'_>) -> Vec<u16> {
    let mut v = Vec::new();
    for h in c.input.cfg.hops.iter().filter(|h| h.role == Role::Upstream) {
        let port = if h.kind.uses_url() {
            h.url
                .as_deref()
                .and_then(|u| crate::util::UrlParts::parse(u).ok())
                .map(|u| u.port)
        } else {
            h.target
                .as_deref()
                .and_then(crate::util::split_host_port)
                .map(|(_, p)| p)
        };
        if let Some(p) = port.filter(|p| !v.contains(p)) {
            v.push(p);
        }
    }
    v
}

/// The configured chain is an ONLYOFFICE one, and nothing of a Document Server is on this box:
/// no local.json, nothing listening on the upstream ports, no service manager that knows its
/// services, no docservice/converter process. Then the red hops are not an outage but a
/// profile that does not fit the box (see `PREMISES` in the module above). Every fact must be
/// known: one unknown part (no permission, a tool missing) and this finding stays silent.
fn docserver_not_found(c: &Ctx<'_>) -> Option<Finding> {
    use crate::host::services::Answered;
    let cfg = c.input.cfg;
    let ds_chain = cfg
        .hops
        .iter()
        .any(|h| matches!(h.kind, HopKind::DocserverHealth | HopKind::DocserverCommand));
    if !ds_chain || c.red().next().is_none() {
        return None;
    }
    let local = &cfg.onlyoffice.local_json;
    match std::fs::symlink_metadata(local) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        _ => return None,
    }
    let mut ev = vec![Evidence {
        source: "host:files".into(),
        fact: format!("no {} (the Document Server's settings)", local.display()),
    }];
    let ports = upstream_ports(c);
    if ports.is_empty() {
        return None;
    }
    for p in &ports {
        match listener_evidence(c, *p) {
            Some((false, e)) => ev.push(e),
            _ => return None,
        }
    }
    let mut ds_services: Vec<String> = Vec::new();
    for s in cfg
        .hops
        .iter()
        .filter(|h| h.role == Role::Upstream)
        .filter_map(|h| h.service.clone())
    {
        if !ds_services.contains(&s) {
            ds_services.push(s);
        }
    }
    for name in &ds_services {
        let s = c.service(name)?;
        if s.backend != Answered::None || crate::host::cmd::looks_like_permission(&s.detail) {
            return None;
        }
        ev.push(Evidence {
            source: "host:services".into(),
            fact: format!("no service manager knows {name} ({})", s.detail),
        });
    }
    if let Some(p) = c.input.host.processes {
        if p.chain
            .iter()
            .any(|x| matches!(x.role.as_deref(), Some("docservice" | "converter")))
        {
            return None;
        }
        ev.push(Evidence {
            source: "host:processes".into(),
            fact: format!(
                "no Document Server process (docservice, converter) among {} processes",
                p.total
            ),
        });
    }
    let mut f = finding(
        "docserver_not_found",
        "No ONLYOFFICE Document Server found on this box".into(),
        if c.input.host.processes.is_some() {
            Confidence::High
        } else {
            Confidence::Medium
        },
        ev,
        "The chain being checked is an ONLYOFFICE Document Server behind nginx (the built-in profile, or this config), but nothing of a Document Server is here: its red hops describe a chain this box does not have, not an outage. Point the tool at the chain this box serves.",
        vec![
            "Another application behind nginx: triage502 --profile generic --proxy-url URL --app-url URL (or `check` with the same options).".into(),
            "A Document Server elsewhere (another host, a container, other ports): `triage502 config init FILE`, edit its hops and services, then run with --config FILE.".into(),
            "Its settings in another place: set [onlyoffice] local_json in the config.".into(),
        ],
        None,
        c.red()
            .filter(|h| matches!(h.role, Role::Upstream | Role::ViaProxy | Role::Dependency))
            .map(|h| h.name.clone())
            .collect(),
    );
    f.severity = State::Warn;
    Some(f)
}
