//! Rules about the network between the hops: firewall DROP/REJECT rules, SELinux denying
//! nginx's connect, names that do not resolve, TLS that fails.

use super::*;

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
                    "{} {} {} chain {}{}: {}",
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

pub(super) fn firewall_drop(c: &Ctx<'_>) -> Option<Finding> {
    let Some(hop) = firewalled_hop(c, NetError::Timeout) else {
        return drop_before_timeout(c);
    };
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
        tr!("finding-firewall_drop-title", target = hop.target),
        confidence,
        ev,
        tr!("finding-firewall_drop-why"),
        vec![
            tr!("finding-firewall_drop-next-list", port = port),
            tr!("finding-firewall_drop-next-remove"),
        ],
        Some("reload:firewall".into()),
        explains,
    ))
}

/// A DROP rule on the port of a hop whose probe has not answered yet: the ruleset is evidence
/// at once, before the probe's timeout confirms it (the console shows it in its first second).
/// Only for TCP/TLS hops of the chain still without a result, with something listening on the
/// port (or the sockets unknown), and a rule that can apply to the hop's address: a rule bound to
/// another destination, or to an interface other than `lo` for a loopback hop, does not count.
/// A probe that then succeeds clears it.
fn drop_before_timeout(c: &Ctx<'_>) -> Option<Finding> {
    let pending = c.input.cfg.hops.iter().filter(|h| {
        matches!(h.kind, HopKind::Tcp | HopKind::Tls)
            && matches!(h.role, Role::Upstream | Role::Proxy | Role::Dependency)
            && !c.input.hops.iter().any(|r| r.name == h.name)
    });
    for hop in pending {
        let Some((host, port)) = hop.target.as_deref().and_then(crate::util::split_host_port)
        else {
            continue;
        };
        if c.listeners_on(port).is_some_and(|l| l.is_empty()) {
            continue;
        }
        let ip = host.parse::<std::net::IpAddr>().ok();
        let applies = |r: &&crate::host::firewall::Rule| {
            let to_us = match (&r.daddr, ip) {
                (Some(d), Some(ip)) => d.split('/').next() == Some(ip.to_string().as_str()),
                _ => true,
            };
            let other_if = ip.is_some_and(|i| i.is_loopback())
                && (r.text.contains("iifname")
                    || r.text.contains("oifname")
                    || r.text.contains(" -i "))
                && !r.text.contains("\"lo\"")
                && !r.text.contains(" lo ");
            to_us && !other_if
        };
        let fw = c.input.host.firewall?;
        let rules: Vec<Evidence> = fw
            .rules
            .iter()
            .filter(|r| r.all_ports || r.ports.contains(&port))
            .filter(|r| matches!(r.verdict, crate::host::firewall::Verdict::Drop))
            .filter(applies)
            .map(|r| Evidence {
                source: "host:firewall".into(),
                fact: format!(
                    "{} {} {} chain {}: {}",
                    r.backend, r.family, r.table, r.chain, r.text
                ),
            })
            .collect();
        if rules.is_empty() {
            continue;
        }
        let mut ev = vec![Evidence {
            source: format!("probe:{}", hop.name),
            fact: tr!("ev-probe-pending", target = hop.display_target()),
        }];
        ev.extend(listener_evidence(c, port).map(|(_, e)| e));
        ev.extend(rules);
        return Some(finding(
            "firewall_drop",
            tr!(
                "finding-firewall_drop-title-pending",
                target = hop.display_target()
            ),
            Confidence::Medium,
            ev,
            tr!("finding-firewall_drop-why-pending"),
            vec![
                tr!("finding-firewall_drop-next-list", port = port),
                tr!("finding-firewall_drop-next-remove"),
            ],
            Some("reload:firewall".into()),
            vec![hop.name.clone()],
        ));
    }
    None
}

pub(super) fn firewall_reject(c: &Ctx<'_>) -> Option<Finding> {
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
        tr!("finding-firewall_reject-title", target = hop.target),
        confidence,
        ev,
        tr!("finding-firewall_reject-why"),
        vec![
            tr!("finding-firewall_reject-next-list", port = port),
            tr!("finding-firewall_reject-next-remove"),
        ],
        Some("reload:firewall".into()),
        explains,
    ))
}

pub(super) fn selinux_denies(c: &Ctx<'_>) -> Option<Finding> {
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
            fact: match se.httpd_can_network_connect {
                Some(true) => tr!("ev-selinux-enforcing-on"),
                Some(false) => tr!("ev-selinux-enforcing-off"),
                None => tr!("ev-selinux-enforcing-unknown"),
            },
        });
        if se.httpd_can_network_connect == Some(false) {
            confidence = Confidence::High;
        }
    }
    Some(finding(
        "selinux_denies",
        tr!("finding-selinux_denies-title"),
        confidence,
        ev,
        tr!("finding-selinux_denies-why"),
        vec![
            // i18n: not text
            "getenforce; getsebool httpd_can_network_connect; ausearch -m avc -ts recent".into(),
            tr!("finding-selinux_denies-next-setsebool"),
        ],
        Some("selinux:httpd_can_network_connect".into()),
        dependents(c, &[Role::ViaProxy])
            .iter()
            .map(|h| h.name.clone())
            .collect(),
    ))
}

pub(super) fn dns_failure(c: &Ctx<'_>) -> Option<Finding> {
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
            Some(h) => tr!("finding-dns_failure-title", target = h.target),
            None => tr!("finding-dns_failure-title-nginx"),
        },
        if failed.is_empty() {
            Confidence::Medium
        } else {
            Confidence::High
        },
        ev,
        tr!("finding-dns_failure-why"),
        vec![
            tr!("finding-dns_failure-next-getent"),
            tr!("finding-dns_failure-next-resolver"),
        ],
        None,
        names(&failed),
    ))
}

/// TLS fails at a hop (or its certificate is about to expire), or the Document Server does
/// not trust the storage's certificate (its own download errors since its last start, and the
/// report's storage checks: both count on a green chain; the hop part only when current).
pub(super) fn tls_problem(c: &Ctx<'_>) -> Option<Finding> {
    let hops = tls_from_hops(c).filter(|f| is_current(c, f));
    integration::combine(
        integration::combine(hops, storage::tls_from_logs(c)),
        integration::storage_tls(c),
    )
}

fn tls_from_hops(c: &Ctx<'_>) -> Option<Finding> {
    let bad: Vec<&HopResult> = c.hops_where(|h| {
        (h.kind == HopKind::Tls && h.state != State::Ok && !failed_below_tls(h))
            || (h.state == State::Fail && matches!(h.detail.error, Some(NetError::Tls)))
    });
    let logs = c.log_evidence(&[Class::UpstreamTls]);
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
            Some(h) => tr!(
                "finding-tls_problem-title",
                target = h.target,
                reason = crate::util::shorten(&h.reason, 80)
            ),
            None => tr!("finding-tls_problem-title-logs"),
        },
        if bad.is_empty() {
            Confidence::Medium
        } else {
            Confidence::High
        },
        ev,
        tr!("finding-tls_problem-why"),
        vec![
            tr!("finding-tls_problem-next-openssl"),
            tr!("finding-tls_problem-next-renew"),
        ],
        None,
        bad.iter()
            .filter(|h| h.state == State::Fail)
            .map(|h| h.name.clone())
            .collect(),
    );
    f.severity = severity;
    Some(f)
}
