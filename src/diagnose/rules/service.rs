//! Rules about the application behind nginx and what it needs: a service down, starting,
//! hung, a dependency (database, queue) down, or no Document Server on this box at all.

use super::*;

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

pub(super) fn service_down(c: &Ctx<'_>) -> Option<Finding> {
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
        tr!(
            "finding-service_down-title",
            name = name,
            target = r.hop.target
        ),
        conf,
        ev,
        tr!("finding-service_down-why"),
        vec![
            tr!("finding-service_down-next-restart", name = name),
            tr!("finding-service_down-next-log", name = name),
        ],
        r.service.map(|s| format!("restart:{s}")),
        upstream_explains(c, r.hop),
    ))
}

pub(super) fn service_starting(c: &Ctx<'_>) -> Option<Finding> {
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
        tr!(
            "finding-service_starting-title",
            name = svc.name,
            target = r.hop.target
        ),
        if deps.is_empty() {
            Confidence::Medium
        } else {
            Confidence::High
        },
        ev,
        tr!("finding-service_starting-why"),
        vec![
            tr!("finding-service_starting-next-deps"),
            tr!("finding-service_starting-next-log"),
        ],
        None,
        upstream_explains(c, r.hop),
    ))
}

pub(super) fn service_hung(c: &Ctx<'_>) -> Option<Finding> {
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
                fact: tr!(
                    "ev-process-state-cpu",
                    name = pr.name,
                    pid = pr.pid,
                    state = pr.state,
                    cpu = format!("{:.0}", pr.cpu_percent)
                ),
            });
        }
    }
    Some(finding(
        "service_hung",
        tr!(
            "finding-service_hung-title",
            name = svc.clone().unwrap_or_else(|| first.name.clone())
        ),
        if !timed_out.is_empty() && (read_timeouts > 0 || !gw504.is_empty()) {
            Confidence::High
        } else {
            Confidence::Medium
        },
        ev,
        tr!("finding-service_hung-why"),
        vec![
            tr!("finding-service_hung-next-look"),
            tr!("finding-service_hung-next-restart"),
        ],
        svc.map(|s| format!("restart:{s}")),
        timed_out
            .iter()
            .chain(gw504.iter())
            .map(|h| h.name.clone())
            .collect(),
    ))
}

pub(super) fn dependency_down(c: &Ctx<'_>) -> Option<Finding> {
    use super::deps::{hop_of, unreachable_lines};
    let health_false: Vec<&HopResult> = c.hops_where(|h| h.detail.health == Some(false));
    let deps: Vec<&HopResult> = c
        .by_role(Role::Dependency)
        .filter(|h| h.state == State::Fail)
        .collect();
    // What the Document Server said since its last start: which dependency it cannot reach.
    let lines = unreachable_lines(c);
    if health_false.is_empty() && deps.is_empty() && lines.is_empty() {
        return None;
    }
    // Logs alone, with every hop green, are history rather than an outage.
    if health_false.is_empty() && deps.is_empty() && c.red().next().is_none() {
        return None;
    }
    let named = lines.iter().rev().find_map(|(d, r)| d.map(|d| (d, *r)));
    let mut ev: Vec<Evidence> = health_false
        .iter()
        .chain(deps.iter())
        .map(|h| probe_evidence(h))
        .collect();
    let records: Vec<&crate::logs::Record> = lines.iter().map(|(_, r)| *r).collect();
    ev.extend(Ctx::evidence_of(&records));
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
    // The dependency's hop: a red one, else the one the Document Server's lines name.
    let dep_hop = deps
        .first()
        .copied()
        .or_else(|| named.and_then(|(d, r)| hop_of(c, d, Some(r))));
    let dep_service = dep_hop.and_then(|h| service_of(c, h));
    let title = match (deps.first(), named, health_false.is_empty()) {
        (Some(d), Some((dep, _)), _) => tr!(
            "finding-dependency_down-title-hop-dep",
            hop = d.name,
            target = d.target,
            dep = dep.word()
        ),
        (Some(d), None, _) => tr!(
            "finding-dependency_down-title-hop",
            hop = d.name,
            target = d.target
        ),
        (None, Some((dep, r)), _) => tr!(
            "finding-dependency_down-title-unreachable",
            dep = dep.word(),
            message = crate::util::shorten(r.message().lines().next().unwrap_or(""), 100)
        ),
        (None, None, false) => tr!("finding-dependency_down-title-health"),
        (None, None, true) => tr!("finding-dependency_down-title-log"),
    };
    let signals = usize::from(!health_false.is_empty())
        + usize::from(!deps.is_empty())
        + usize::from(!lines.is_empty());
    let mut steps = vec![
        tr!("finding-dependency_down-next-check"),
        tr!("finding-dependency_down-next-log"),
        tr!("finding-dependency_down-next-restart"),
    ];
    if let Some((dep, _)) = named {
        let svc = dep_service.clone().unwrap_or_else(|| {
            match dep {
                super::deps::Dep::RabbitMq => "rabbitmq-server",
                super::deps::Dep::Redis => "redis-server",
                super::deps::Dep::Postgres => "postgresql",
            }
            .into()
        });
        steps[0] = tr!(
            "finding-dependency_down-next-named",
            dep = dep.word(),
            svc = svc
        );
    }
    Some(finding(
        "dependency_down",
        title,
        match signals {
            0 | 1 => Confidence::Medium,
            _ => Confidence::High,
        },
        ev,
        tr!("finding-dependency_down-why"),
        steps,
        dep_service.map(|s| format!("restart:{s}")),
        explains,
    ))
}

/// Ports the upstream hops (the application behind nginx) connect to.
fn upstream_ports(c: &Ctx<'_>) -> Vec<u16> {
    let mut v = Vec::new();
    for h in c.input.cfg.hops.iter().filter(|h| h.role == Role::Upstream) {
        if let Some(p) = h.port().filter(|p| !v.contains(p)) {
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
pub(super) fn docserver_not_found(c: &Ctx<'_>) -> Option<Finding> {
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
        fact: tr!("ev-docserver-no-settings", path = local.display()),
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
            fact: tr!("ev-docserver-no-service", name = name, detail = s.detail),
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
            fact: tr!("ev-docserver-no-process", total = p.total),
        });
    }
    let mut f = finding(
        "docserver_not_found",
        tr!("finding-docserver_not_found-title"),
        if c.input.host.processes.is_some() {
            Confidence::High
        } else {
            Confidence::Medium
        },
        ev,
        tr!("finding-docserver_not_found-why"),
        vec![
            tr!("finding-docserver_not_found-next-generic"),
            tr!("finding-docserver_not_found-next-elsewhere"),
            tr!("finding-docserver_not_found-next-settings"),
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
