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
            fact: format!(
                "{} OOM killer ended {} (pid {})",
                k.time.clone().unwrap_or_default(),
                k.process,
                k.pid
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
                "x2t (the converter's worker) was killed for lack of memory".to_string()
            } else {
                "x2t (the converter's worker) was killed with SIGKILL, most likely by the OOM killer".to_string()
            },
            "x2t converts one document at a time and can need gigabytes for a large one; killed mid-conversion, the document does not open or save (conversion error, 504 on ConvertService.ashx).",
            vec![
                "Check memory: free -m, the converter and x2t processes (Ports & processes pane), the container's or unit's memory limit.".to_string(),
                "Add memory or swap, or lower the parallel conversions (FileConverter.converter.maxprocesscount in local.json), then retry the document.".to_string(),
            ],
        )
    } else {
        (
            format!("{who} was killed for lack of memory"),
            "The kernel's OOM killer ended the process mid-request: nginx sees the connection close or reset and answers 502.",
            vec![
                "Check memory: free -m, the heaviest processes (Ports & processes pane), the service's memory limits.".to_string(),
                "Restart the service, then reduce its memory use or add memory / swap.".to_string(),
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

/// `/var (Document Server cache, …): 97 % used, 120 MiB free of 20 GiB; inodes 40 % used`.
fn disk_fact(f: &Filesystem) -> String {
    let inodes = match f.inodes_used_percent() {
        Some(p) => format!("inodes {p:.0} % used"),
        None => "no inode limit".into(),
    };
    format!(
        "{}: {:.0} % used, {} MiB free of {} MiB; {inodes}{}",
        f.label(),
        f.used_percent,
        f.avail_bytes >> 20,
        f.total_bytes >> 20,
        if f.read_only {
            "; mounted read-only"
        } else {
            ""
        }
    )
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
            fact: format!("now {}", disk_fact(f)),
        });
    }
    let inodes = full
        .iter()
        .any(|f| f.inodes_used_percent().unwrap_or(0.0) >= crate::diagnose::DISK_FULL_PERCENT);
    let (title, severity, confidence) = match full.first() {
        Some(f) => (
            format!(
                "The filesystem of the {} is full ({:.0} % {})",
                f.label(),
                if inodes {
                    f.inodes_used_percent().unwrap_or(f.used_percent)
                } else {
                    f.used_percent
                },
                if inodes { "of its inodes used" } else { "used" }
            ),
            State::Fail,
            Confidence::High,
        ),
        None if disks.is_some() => (
            "The Document Server ran out of disk space (ENOSPC) since it started; there is room again now".to_string(),
            State::Warn,
            Confidence::Medium,
        ),
        None => (
            "The Document Server runs out of disk space (ENOSPC in its log)".to_string(),
            State::Fail,
            Confidence::Medium,
        ),
    };
    let mount = full
        .first()
        .map(|f| f.mount.display().to_string())
        .or_else(|| named.map(|f| f.mount.display().to_string()))
        .unwrap_or_else(|| "the filesystem named above".into());
    let mut next = vec![if inodes {
        format!(
            "Find the folder with the most files: du --inodes -x {mount} | sort -n | tail; remove what is not needed (old cache files, session files)."
        )
    } else {
        format!(
            "Find what fills it: du -xh --max-depth=2 {mount} | sort -h | tail; clear old logs (rotated, journalctl --vacuum-size) and the Document Server's stale cache."
        )
    }];
    next.push("Until there is room, documents do not open, convert or save (x2t writes to /tmp, the cache to storage.fs.folderPath); then retry them.".into());
    let mut f = finding(
        "disk_full",
        title,
        confidence,
        ev,
        "The Document Server writes every document it opens or converts to its cache folder and x2t's temporary files to /tmp; with no space (or no inodes) left those writes fail with ENOSPC and editors report download, conversion or save errors while probes stay green.",
        next,
        None,
        Vec::new(),
    );
    f.severity = severity;
    Some(f)
}
