//! Rules about the host's resources: processes killed by the OOM killer (the chain's, and the
//! converter's x2t), memory pressure, full filesystems under the Document Server.

use super::converter::{converter_processes, lines_evidence};
use super::*;
use crate::host::disk::Filesystem;

/// Process names of the chain (for OOM kills): nginx, Document Server node processes, the
/// dependencies.
const CHAIN_PROCESSES: &[&str] = &[
    "nginx",
    "node",
    "docservice",
    "converter",
    "x2t",
    "DocService",
    "FileConverter",
    "postgres",
    "beam.smp",
    "redis-server",
    "python",
    "php-fpm",
    "java",
];

/// The kernel's OOM kills of chain processes, newest first, as evidence; and the first name.
fn kernel_kills(c: &Ctx<'_>, ev: &mut Vec<Evidence>) -> Option<String> {
    let o = c.input.host.oom?;
    let chain_names: Vec<&str> = c
        .input
        .host
        .processes
        .map(|p| p.chain.iter().map(|x| x.name.as_str()).collect())
        .unwrap_or_default();
    let mut who = None;
    for k in o.kills.iter().rev().filter(|k| {
        CHAIN_PROCESSES.iter().any(|n| k.process.contains(n))
            || chain_names.contains(&k.process.as_str())
    }) {
        ev.push(Evidence {
            source: format!("host:oom ({})", o.source),
            fact: tr!(
                "ev-oom-kill",
                time = k.time.clone().unwrap_or_default(),
                process = k.process,
                pid = k.pid
            ),
        });
        who.get_or_insert_with(|| k.process.clone());
    }
    who
}

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
    let kernel = kernel_kills(c, &mut ev);
    // The converter's own words for a killed x2t (`x2t exited with signal: SIGKILL`,
    // `ExitCode (code=…;signal=SIGKILL…)`), since the Document Server last started.
    let x2t_lines = c.ds_entries_since_start(&[Class::DsConverterKilled]);
    let x2t = !x2t_lines.is_empty() || kernel.as_deref().is_some_and(|k| k.contains("x2t"));
    who = who.or(kernel.clone());
    if !x2t_lines.is_empty() {
        who.get_or_insert_with(|| "x2t".into());
        ev.extend(lines_evidence(&x2t_lines));
    }
    let who = who?;
    if x2t {
        ev.extend(converter_processes(c));
    }
    let logs = c.log_evidence(&[Class::UpstreamClosed, Class::UpstreamReset]);
    // A SIGKILL in the converter's log without the kernel's line may be a container's memory
    // limit or a person: likely the OOM killer, not certain.
    let confidence = if logs.is_some() || (kernel.is_some() && !x2t_lines.is_empty()) {
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
    let (title, why, steps) = if who.contains("x2t") {
        (
            if kernel.is_some() {
                tr!("finding-oom_killed-title-x2t")
            } else {
                tr!("finding-oom_killed-title-x2t-sigkill")
            },
            tr!("finding-oom_killed-why-x2t"),
            vec![
                tr!("finding-oom_killed-next-x2t-memory"),
                tr!("finding-oom_killed-next-x2t-limit"),
            ],
        )
    } else {
        (
            tr!("finding-oom_killed-title", who = who),
            tr!("finding-oom_killed-why"),
            vec![
                tr!("finding-oom_killed-next-memory"),
                tr!("finding-oom_killed-next-restart"),
            ],
        )
    };
    Some(finding(
        "oom_killed",
        title,
        confidence,
        ev,
        why,
        steps,
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
        fact: tr!(
            "ev-memory",
            pct = format!("{pct:.1}"),
            total = m.total_bytes >> 20,
            swap = swap_used >> 20,
            psi = format!("{psi:.1}")
        ),
    }];
    if let Some(p) = c.input.host.processes
        && let Some(top) = p.top_rss.first()
    {
        ev.push(Evidence {
            source: "host:processes".into(),
            fact: tr!(
                "ev-memory-largest",
                name = top.name,
                pid = top.pid,
                mib = top.rss_bytes >> 20
            ),
        });
    }
    let mut f = finding(
        "memory_pressure",
        tr!("finding-memory_pressure-title", pct = format!("{pct:.0}")),
        Confidence::High,
        ev,
        tr!("finding-memory_pressure-why"),
        vec![
            tr!("finding-memory_pressure-next-find"),
            tr!("finding-memory_pressure-next-free"),
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

/// `/var (Document Server cache, …): 97 % used, 120 MiB free of 20 GiB; inodes 40 % used`.
fn disk_fact(f: &Filesystem) -> String {
    let inodes = match f.inodes_used_percent() {
        Some(p) => tr!("ev-disk-inodes", pct = format!("{p:.0}")),
        None => tr!("ev-disk-no-inode-limit"),
    };
    let (label, used) = (f.label(), format!("{:.0}", f.used_percent));
    let (free, total) = (f.avail_bytes >> 20, f.total_bytes >> 20);
    if f.read_only {
        tr!(
            "ev-disk-ro",
            label = label,
            used = used,
            free = free,
            total = total,
            inodes = inodes
        )
    } else {
        tr!(
            "ev-disk",
            label = label,
            used = used,
            free = free,
            total = total,
            inodes = inodes
        )
    }
}

/// The path in an ENOSPC message (`open '/var/lib/…/hc_x'`), when it names one.
fn enospc_path(msg: &str) -> Option<&str> {
    let i = msg.find(" '/")?;
    let rest = &msg[i + 2..];
    rest.split('\'').next()
}

pub(super) fn disk_full(c: &Ctx<'_>) -> Option<Finding> {
    let disks = c.input.host.disk;
    let full: Vec<&Filesystem> = disks
        .map(|d| {
            d.filesystems
                .iter()
                .filter(|f| crate::diagnose::disk_verdict(f) == State::Fail)
                .collect()
        })
        .unwrap_or_default();
    let lines = c.ds_entries_since_start(&[Class::DsDiskFull]);
    if full.is_empty() && lines.is_empty() {
        return None;
    }
    let mut ev: Vec<Evidence> = full
        .iter()
        .map(|f| Evidence {
            source: "host:disk".into(),
            fact: disk_fact(f),
        })
        .collect();
    ev.extend(lines_evidence(&lines));
    // The filesystem an ENOSPC line names, as it is now (space may have been freed since).
    let named = lines
        .iter()
        .rev()
        .find_map(|r| enospc_path(r.message()))
        .and_then(|p| {
            disks?
                .filesystems
                .iter()
                .filter(|f| std::path::Path::new(p).starts_with(&f.mount))
                .max_by_key(|f| f.mount.as_os_str().len())
        });
    if full.is_empty()
        && let Some(f) = named
    {
        ev.push(Evidence {
            source: "host:disk".into(),
            fact: tr!("ev-disk-now", fact = disk_fact(f)),
        });
    }
    let inodes = full
        .iter()
        .any(|f| f.inodes_used_percent().unwrap_or(0.0) >= crate::diagnose::DISK_FULL_PERCENT);
    let (title, severity, confidence) = match full.first() {
        Some(f) => (
            if inodes {
                tr!(
                    "finding-disk_full-title-inodes",
                    label = f.label(),
                    pct = format!("{:.0}", f.inodes_used_percent().unwrap_or(f.used_percent))
                )
            } else {
                tr!(
                    "finding-disk_full-title",
                    label = f.label(),
                    pct = format!("{:.0}", f.used_percent)
                )
            },
            State::Fail,
            Confidence::High,
        ),
        None if disks.is_some() => (
            tr!("finding-disk_full-title-was"),
            State::Warn,
            Confidence::Medium,
        ),
        None => (
            tr!("finding-disk_full-title-log"),
            State::Fail,
            Confidence::Medium,
        ),
    };
    let mount = full
        .first()
        .map(|f| f.mount.display().to_string())
        .or_else(|| named.map(|f| f.mount.display().to_string()))
        .unwrap_or_else(|| tr!("finding-disk_full-mount-above"));
    let mut next = vec![if inodes {
        tr!("finding-disk_full-next-inodes", mount = mount)
    } else {
        tr!("finding-disk_full-next-space", mount = mount)
    }];
    next.push(tr!("finding-disk_full-next-retry"));
    let mut f = finding(
        "disk_full",
        title,
        confidence,
        ev,
        tr!("finding-disk_full-why"),
        next,
        None,
        Vec::new(),
    );
    f.severity = severity;
    Some(f)
}
