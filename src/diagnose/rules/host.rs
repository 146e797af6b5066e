//! Rules about the host's resources: processes killed by the OOM killer, memory pressure.

use super::*;

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

pub(super) fn oom_killed(c: &Ctx<'_>) -> Option<Finding> {
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

pub(super) fn memory_pressure(c: &Ctx<'_>) -> Option<Finding> {
    let m = c.input.host.memory?;
    if m.total_bytes == 0 {
        return None;
    }
    let pct = m.available_bytes as f64 * 100.0 / m.total_bytes as f64;
    let psi = m.psi_some.as_ref().map(|p| p.avg10).unwrap_or(0.0);
    let swap_used = m.swap_total_bytes.saturating_sub(m.swap_free_bytes);
    let severity = crate::diagnose::memory_verdict(m);
    if severity == State::Ok {
        return None;
    }
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
