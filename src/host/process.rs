//! Processes, memory pressure and OOM kills.
//!
//! Processes come from sysinfo through a [`ProcessSampler`] that keeps one `sysinfo::System`
//! alive: CPU% needs two refreshes some time apart, so the first sample refreshes twice
//! (`MINIMUM_CPU_UPDATE_INTERVAL` apart) and later samples reuse the previous refresh.
//! Memory comes from `/proc/meminfo` and `/proc/pressure/memory` (PSI); OOM kills from the
//! kernel log (`journalctl -k`, `dmesg`, or a non-blocking read of `/dev/kmsg`).

use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use serde::Serialize;
use sysinfo::{ProcessRefreshKind, ProcessStatus, ProcessesToUpdate, System, UpdateKind};

use super::Unknown;
use super::cmd;
use crate::tr;

/// One process.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProcInfo {
    /// Pid.
    pub pid: u32,
    /// Parent pid.
    pub ppid: Option<u32>,
    /// Process name.
    pub name: String,
    /// Role in the chain (`nginx master`, `docservice`, `postgres`, …) when it is part of it.
    pub role: Option<String>,
    /// Command line, shortened to 160 characters.
    pub cmdline: String,
    /// CPU % of one core since the previous sample.
    pub cpu_percent: f32,
    /// Resident set size in bytes.
    pub rss_bytes: u64,
    /// Start time.
    pub started_at: Option<DateTime<Utc>>,
    /// Kernel state letter: R running, S sleeping, D disk sleep, T stopped, Z zombie, …
    pub state: char,
}

/// The processes that matter.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Processes {
    /// Processes of the chain (nginx, Document Server, postgres, RabbitMQ, redis, supervisord, …).
    pub chain: Vec<ProcInfo>,
    /// Top 5 other processes by CPU.
    pub top_cpu: Vec<ProcInfo>,
    /// Top 5 other processes by RSS.
    pub top_rss: Vec<ProcInfo>,
    /// Number of processes seen.
    pub total: usize,
}

/// Substring patterns (case-insensitive, on name or command line) naming chain processes.
pub const DEFAULT_PATTERNS: &[(&str, &str)] = &[
    ("docservice", "docservice"),
    ("converter", "fileconverter"),
    ("converter", "converter"),
    ("metrics", "ds-metrics"),
    ("rabbitmq", "rabbitmq"),
    ("rabbitmq", "beam.smp"),
    ("postgres", "postgres"),
    ("redis", "redis-server"),
    ("supervisord", "supervisord"),
];

/// Tools this module runs; as our children they are not chain processes.
const OUR_TOOLS: &[&str] = &[
    "supervisorctl",
    "python3",
    "systemctl",
    "docker",
    "nft",
    "iptables-save",
    "ip6tables-save",
    "ufw",
    "firewall-cmd",
    "journalctl",
    "dmesg",
    "ip",
];

fn role_of(name: &str, cmdline: &str, extra: &[String]) -> Option<String> {
    // The roles are names (`nginx master`, `docservice`), matched and shown as they are;
    // nginx's own words in its process titles tell them.
    if name == "nginx" || cmdline.starts_with("nginx:") {
        // i18n: not text
        return Some(if cmdline.contains("master process") {
            // i18n: not text
            "nginx master".into()
        // i18n: not text
        } else if cmdline.contains("worker process") {
            // i18n: not text
            "nginx worker".into()
        } else {
            "nginx".into()
        });
    }
    // The converter's worker: `…/FileConverter/bin/x2t` (its path also names the converter).
    let exe = cmdline.split_whitespace().next().unwrap_or_default();
    if name == "x2t" || exe == "x2t" || exe.ends_with("/x2t") {
        return Some("x2t".into());
    }
    let hay = format!("{name} {cmdline}").to_ascii_lowercase();
    for p in extra {
        if !p.is_empty() && hay.contains(&p.to_ascii_lowercase()) {
            return Some(p.clone());
        }
    }
    DEFAULT_PATTERNS
        .iter()
        .find(|(_, pat)| hay.contains(pat))
        .map(|(role, _)| role.to_string())
}

fn state_letter(s: ProcessStatus) -> char {
    match s {
        ProcessStatus::Run => 'R',
        ProcessStatus::Sleep => 'S',
        ProcessStatus::UninterruptibleDiskSleep => 'D',
        ProcessStatus::Stop => 'T',
        ProcessStatus::Tracing => 't',
        ProcessStatus::Zombie => 'Z',
        ProcessStatus::Dead => 'X',
        ProcessStatus::Idle => 'I',
        ProcessStatus::Parked => 'P',
        ProcessStatus::Wakekill => 'K',
        ProcessStatus::Waking => 'W',
        _ => '?',
    }
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Keeps a `sysinfo::System` between samples so CPU% is measured over the interval.
#[derive(Clone, Default)]
pub struct ProcessSampler {
    sys: Arc<Mutex<Option<System>>>,
}

impl std::fmt::Debug for ProcessSampler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProcessSampler")
    }
}

impl ProcessSampler {
    /// A sampler with no previous sample.
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes one sample (blocking: call from `spawn_blocking`). `extra` are more role patterns.
    pub fn sample(&self, extra: &[String]) -> Result<Processes, Unknown> {
        let mut guard = self
            .sys
            .lock()
            .map_err(|_| Unknown::new(tr!("host-proc-poisoned"), None))?;
        let kind = ProcessRefreshKind::nothing()
            .with_cpu()
            .with_memory()
            .with_cmd(UpdateKind::OnlyIfNotSet)
            .without_tasks();
        let first = guard.is_none();
        if first {
            let sys = System::new()
                .map_err(|e| Unknown::new(tr!("host-proc-cannot-read", error = e), None))?;
            *guard = Some(sys);
        }
        // i18n: not text (an invariant)
        let sys = guard.as_mut().expect("set just above");
        sys.refresh_processes_specifics(ProcessesToUpdate::All, true, kind);
        if first {
            std::thread::sleep(
                sysinfo::MINIMUM_CPU_UPDATE_INTERVAL.max(Duration::from_millis(200)),
            );
            sys.refresh_processes_specifics(ProcessesToUpdate::All, true, kind);
        }
        let mut chain = Vec::new();
        let mut others = Vec::new();
        let me = std::process::id();
        for (pid, p) in sys.processes() {
            let name = p.name().to_string_lossy().into_owned();
            // Our own process and the tools we run (`supervisorctl status ds:docservice` …) are
            // not part of the chain.
            if pid.as_u32() == me
                || (p.parent().map(|x| x.as_u32()) == Some(me)
                    && OUR_TOOLS.contains(&name.as_str()))
            {
                continue;
            }
            let cmdline = p
                .cmd()
                .iter()
                .map(|s| s.to_string_lossy())
                .collect::<Vec<_>>()
                .join(" ");
            // Kernel threads have no command line and no memory.
            if cmdline.is_empty() && p.memory() == 0 {
                continue;
            }
            let role = role_of(&name, &cmdline, extra);
            let info = ProcInfo {
                pid: pid.as_u32(),
                ppid: p.parent().map(|x| x.as_u32()),
                name,
                role,
                cmdline: shorten(&cmdline, 160),
                cpu_percent: p.cpu_usage(),
                rss_bytes: p.memory(),
                started_at: Utc.timestamp_opt(p.start_time() as i64, 0).single(),
                state: state_letter(p.status()),
            };
            if info.role.is_some() {
                chain.push(info);
            } else {
                others.push(info);
            }
        }
        let total = chain.len() + others.len();
        chain.sort_by(|a, b| a.role.cmp(&b.role).then(a.pid.cmp(&b.pid)));
        others.sort_by(|a, b| b.cpu_percent.total_cmp(&a.cpu_percent));
        let top_cpu = others.iter().take(5).cloned().collect();
        others.sort_by_key(|b| std::cmp::Reverse(b.rss_bytes));
        let top_rss = others.iter().take(5).cloned().collect();
        Ok(Processes {
            chain,
            top_cpu,
            top_rss,
            total,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Memory

/// Pressure stall averages (percent of time).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Psi {
    /// avg10.
    pub avg10: f64,
    /// avg60.
    pub avg60: f64,
    /// avg300.
    pub avg300: f64,
}

/// Memory state.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Memory {
    /// MemTotal in bytes.
    pub total_bytes: u64,
    /// MemAvailable in bytes.
    pub available_bytes: u64,
    /// SwapTotal in bytes.
    pub swap_total_bytes: u64,
    /// SwapFree in bytes.
    pub swap_free_bytes: u64,
    /// `some` line of /proc/pressure/memory.
    pub psi_some: Option<Psi>,
    /// `full` line of /proc/pressure/memory.
    pub psi_full: Option<Psi>,
}

impl Memory {
    /// Available memory in percent of total.
    pub fn available_percent(&self) -> f64 {
        if self.total_bytes == 0 {
            0.0
        } else {
            self.available_bytes as f64 * 100.0 / self.total_bytes as f64
        }
    }
}

/// Parses /proc/meminfo and /proc/pressure/memory texts.
pub fn parse_memory(meminfo: &str, pressure: Option<&str>) -> Result<Memory, Unknown> {
    let kb = |key: &str| -> Option<u64> {
        meminfo.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            (k == key).then(|| v.split_whitespace().next()?.parse::<u64>().ok())?
        })
    };
    let total = kb("MemTotal").ok_or_else(|| Unknown::new(tr!("host-mem-no-total"), None))?;
    let psi = |kind: &str| -> Option<Psi> {
        let line = pressure?.lines().find(|l| l.starts_with(kind))?;
        let get = |k: &str| -> Option<f64> {
            line.split_whitespace()
                .find_map(|t| t.strip_prefix(k)?.strip_prefix('=')?.parse().ok())
        };
        Some(Psi {
            avg10: get("avg10")?,
            avg60: get("avg60")?,
            avg300: get("avg300")?,
        })
    };
    Ok(Memory {
        total_bytes: total * 1024,
        available_bytes: kb("MemAvailable").or_else(|| kb("MemFree")).unwrap_or(0) * 1024,
        swap_total_bytes: kb("SwapTotal").unwrap_or(0) * 1024,
        swap_free_bytes: kb("SwapFree").unwrap_or(0) * 1024,
        psi_some: psi("some"),
        psi_full: psi("full"),
    })
}

/// Reads the box's memory state (blocking, cheap).
pub fn memory() -> Result<Memory, Unknown> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").map_err(|e| {
        Unknown::new(
            tr!("host-cannot-read", path = "/proc/meminfo", error = e),
            None,
        )
    })?;
    let pressure = std::fs::read_to_string("/proc/pressure/memory").ok();
    parse_memory(&meminfo, pressure.as_deref())
}

// ---------------------------------------------------------------------------------------------
// OOM kills

/// One OOM kill from the kernel log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OomKill {
    /// Time as printed by the source (ISO 8601), when known.
    pub time: Option<String>,
    /// Killed pid.
    pub pid: u32,
    /// Killed process name.
    pub process: String,
    /// The killed task's memory cgroup (tells the systemd unit or container), when logged.
    pub cgroup: Option<String>,
    /// The log line.
    pub line: String,
}

/// OOM kills and where they were read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OomReport {
    /// `journalctl -k`, `dmesg` or `/dev/kmsg`.
    pub source: String,
    /// The time covered: "last 24 h" or "since boot (kernel ring buffer)".
    pub window: String,
    /// Kills, oldest first.
    pub kills: Vec<OomKill>,
}

/// Extracts OOM kills from kernel log lines; `time_of` splits a line into (time, message).
pub fn parse_oom_lines<'a>(
    lines: impl Iterator<Item = &'a str>,
    time_of: impl Fn(&'a str) -> (Option<String>, &'a str),
) -> Vec<OomKill> {
    let mut out: Vec<OomKill> = Vec::new();
    for line in lines {
        let (time, msg) = time_of(line);
        // "Out of memory: Killed process 1234 (node) total-vm:…", "Memory cgroup out of memory:
        // Killed process …", older "Killed process 1234 (node) total-vm" / "Kill process 1234 (node) score".
        // i18n: not text (the kernel's words, matched)
        const KILLED: &str = "Killed process ";
        // i18n: not text
        const KILL: &str = "Kill process ";
        let killed = msg
            .find(KILLED)
            .map(|i| &msg[i + KILLED.len()..])
            .or_else(|| msg.find(KILL).map(|i| &msg[i + KILL.len()..]));
        if let Some(rest) = killed {
            let pid = rest.split_whitespace().next().and_then(|p| p.parse().ok());
            let name = rest
                .split_once('(')
                .and_then(|(_, r)| r.split_once(')'))
                .map(|(n, _)| n.to_string());
            if let (Some(pid), Some(name)) = (pid, name) {
                if let Some(k) = out.iter_mut().rev().find(|k| k.pid == pid) {
                    k.line = line.trim().to_string();
                    k.process = name;
                } else {
                    out.push(OomKill {
                        time,
                        pid,
                        process: name,
                        cgroup: None,
                        line: line.trim().to_string(),
                    });
                }
            }
            continue;
        }
        // "oom-kill:constraint=…,task_memcg=/system.slice/ds-docservice.service,task=node,pid=1234,uid=109"
        if let Some(i) = msg.find("oom-kill:") {
            let fields = &msg[i + "oom-kill:".len()..];
            let get = |k: &str| {
                fields
                    .split(',')
                    .find_map(|f| f.trim().strip_prefix(k)?.strip_prefix('='))
                    .map(str::to_string)
            };
            if let (Some(pid), Some(task)) = (get("pid").and_then(|p| p.parse().ok()), get("task"))
            {
                let cg = get("task_memcg");
                if let Some(k) = out.iter_mut().rev().find(|k| k.pid == pid) {
                    k.cgroup = k.cgroup.take().or(cg);
                } else {
                    out.push(OomKill {
                        time,
                        pid,
                        process: task,
                        cgroup: cg,
                        line: line.trim().to_string(),
                    });
                }
            }
        }
    }
    out
}

fn first_token_time(line: &str) -> (Option<String>, &str) {
    match line.split_once(' ') {
        Some((t, rest)) if t.len() >= 19 && t.as_bytes()[4] == b'-' && t.contains('T') => {
            (Some(t.to_string()), rest)
        }
        _ => (None, line),
    }
}

/// Reads /dev/kmsg without blocking (records until EAGAIN).
fn read_kmsg() -> Result<Vec<String>, std::io::Error> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open("/dev/kmsg")?;
    let btime: Option<i64> = std::fs::read_to_string("/proc/stat").ok().and_then(|s| {
        s.lines()
            .find_map(|l| l.strip_prefix("btime ")?.trim().parse().ok())
    });
    let mut out = Vec::new();
    let mut buf = vec![0u8; 8192];
    for _ in 0..200_000 {
        match f.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                let rec = String::from_utf8_lossy(&buf[..n]);
                // "PRI,SEQ,USEC,FLAGS;message\n continuation…"
                let Some((head, msg)) = rec.split_once(';') else {
                    continue;
                };
                let usec: Option<i64> = head.split(',').nth(2).and_then(|u| u.parse().ok());
                let time = match (btime, usec) {
                    (Some(b), Some(u)) => Utc
                        .timestamp_opt(b + u / 1_000_000, 0)
                        .single()
                        .map(|t| t.format("%Y-%m-%dT%H:%M:%S%z").to_string()),
                    _ => None,
                };
                let msg = msg.lines().next().unwrap_or("");
                out.push(match time {
                    Some(t) => format!("{t} {msg}"),
                    None => msg.to_string(),
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
            // EPIPE: a record was overwritten while reading; go on.
            Err(e) if e.raw_os_error() == Some(libc::EPIPE) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

/// Reads OOM kills: `journalctl -k` (last `since`), else `dmesg`, else `/dev/kmsg`.
pub async fn oom_kills(since: &str, timeout: Duration) -> Result<OomReport, Unknown> {
    let mut why = Vec::new();
    let since_arg = since.to_string();
    // No `-q`: it would hide "No journal files were found." (a box without a journal).
    match cmd::run(
        &[],
        &[
            "journalctl",
            "-k",
            "--no-pager",
            "-o",
            "short-iso",
            "--since",
            &since_arg,
        ],
        timeout,
    )
    .await
    {
        // i18n: not text (journalctl's own message)
        Ok(o) if o.success() && !o.stderr.contains("No journal files") => {
            return Ok(OomReport {
                source: "journalctl -k".into(),
                window: tr!("host-oom-since", since = since),
                kills: parse_oom_lines(o.stdout.lines(), first_token_time),
            });
        }
        Ok(o) => why.push(format!("journalctl: {}", o.first_message())),
        Err(u) => why.push(u.reason),
    }
    match cmd::run(&[], &["dmesg", "--time-format", "iso"], timeout).await {
        Ok(o) if o.success() => {
            return Ok(OomReport {
                source: "dmesg".into(),
                window: tr!("host-oom-since-boot"),
                kills: parse_oom_lines(o.stdout.lines(), first_token_time),
            });
        }
        Ok(o) => why.push(format!("dmesg: {}", o.first_message())),
        Err(u) => why.push(u.reason),
    }
    let kmsg = tokio::task::spawn_blocking(read_kmsg)
        .await
        .map_err(|e| Unknown::new(tr!("host-oom-kmsg-failed", error = e), None))?;
    match kmsg {
        Ok(lines) => Ok(OomReport {
            source: "/dev/kmsg".into(),
            window: tr!("host-oom-since-boot"),
            kills: parse_oom_lines(lines.iter().map(String::as_str), first_token_time),
        }),
        Err(e) => {
            why.push(format!("/dev/kmsg: {e}"));
            let perm = e.kind() == std::io::ErrorKind::PermissionDenied
                || why.iter().any(|w| cmd::looks_like_permission(w));
            Err(Unknown::new(
                tr!("host-oom-unreadable", why = why.join(&tr!("host-sep-semi"))),
                perm.then(|| tr!("host-hint-sudo")),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oom_lines_parse_and_merge() {
        let log = "2026-11-28T10:11:12+0000 ds kernel: node invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0\n\
            2026-11-28T10:11:12+0000 ds kernel: oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/ds-docservice.service,task=node,pid=1234,uid=109\n\
            2026-11-28T10:11:12+0000 ds kernel: Out of memory: Killed process 1234 (node) total-vm:1823340kB, anon-rss:912340kB, file-rss:0kB, shmem-rss:0kB, UID:109 pgtables:2400kB oom_score_adj:0\n\
            2026-11-28T11:00:01+0000 ds kernel: Memory cgroup out of memory: Killed process 777 (beam.smp) total-vm:2000kB\n";
        let k = parse_oom_lines(log.lines(), first_token_time);
        assert_eq!(k.len(), 2, "{k:#?}");
        assert_eq!(k[0].pid, 1234);
        assert_eq!(k[0].process, "node");
        assert_eq!(
            k[0].cgroup.as_deref(),
            Some("/system.slice/ds-docservice.service")
        );
        assert_eq!(k[0].time.as_deref(), Some("2026-11-28T10:11:12+0000"));
        assert!(k[0].line.contains("Out of memory: Killed process 1234"));
        assert_eq!(k[1].process, "beam.smp");
        let dmesg = "2026-11-28T10:11:12,123456+00:00 Out of memory: Kill process 99 (postgres) score 900 or sacrifice child";
        let k = parse_oom_lines(dmesg.lines(), first_token_time);
        assert_eq!(k[0].process, "postgres");
        assert_eq!(
            k[0].time.as_deref(),
            Some("2026-11-28T10:11:12,123456+00:00")
        );
        assert!(parse_oom_lines("kernel: nothing here".lines(), first_token_time).is_empty());
    }

    #[test]
    fn memory_and_psi_parse() {
        let meminfo = "MemTotal:        4028112 kB\nMemFree:          211112 kB\nMemAvailable:    1014028 kB\nSwapTotal:       2097148 kB\nSwapFree:        1048574 kB\n";
        let psi = "some avg10=1.50 avg60=0.75 avg300=0.10 total=123456\nfull avg10=0.20 avg60=0.00 avg300=0.00 total=1234\n";
        let m = parse_memory(meminfo, Some(psi)).expect("test setup");
        assert_eq!(m.total_bytes, 4028112 * 1024);
        assert_eq!(m.available_bytes, 1014028 * 1024);
        assert_eq!(m.swap_free_bytes, 1048574 * 1024);
        assert_eq!(m.psi_some.expect("test setup").avg10, 1.5);
        assert_eq!(m.psi_full.expect("test setup").avg10, 0.2);
        assert!((m.available_percent() - 25.17).abs() < 0.1);
        assert!(parse_memory("", None).is_err());
        assert_eq!(
            parse_memory(meminfo, None).expect("test setup").psi_some,
            None
        );
        // And the real box.
        let real = memory().expect("test setup");
        assert!(real.total_bytes > 0 && real.available_bytes <= real.total_bytes);
    }

    #[test]
    fn roles_are_recognised() {
        assert_eq!(
            role_of("nginx", "nginx: master process /usr/sbin/nginx", &[]).as_deref(),
            Some("nginx master")
        );
        assert_eq!(
            role_of("nginx", "nginx: worker process", &[]).as_deref(),
            Some("nginx worker")
        );
        assert_eq!(
            role_of(
                "docservice",
                "/var/www/onlyoffice/documentserver/server/DocService/docservice",
                &[]
            )
            .as_deref(),
            Some("docservice")
        );
        assert_eq!(
            role_of(
                "converter",
                "/var/www/onlyoffice/documentserver/server/FileConverter/converter",
                &[]
            )
            .as_deref(),
            Some("converter")
        );
        // x2t lives under FileConverter/ but is the converter's worker, not the converter.
        assert_eq!(
            role_of(
                "x2t",
                "/var/www/onlyoffice/documentserver/server/FileConverter/bin/x2t /tmp/params.xml",
                &[]
            )
            .as_deref(),
            Some("x2t")
        );
        assert_eq!(
            role_of(
                "beam.smp",
                "/usr/lib/erlang/erts-13/bin/beam.smp -- -root",
                &[]
            )
            .as_deref(),
            Some("rabbitmq")
        );
        assert_eq!(
            role_of("redis-server", "/usr/bin/redis-server 127.0.0.1:6379", &[]).as_deref(),
            Some("redis")
        );
        assert_eq!(
            role_of("python3", "/usr/bin/python3 /usr/bin/supervisord -n", &[]).as_deref(),
            Some("supervisord")
        );
        assert_eq!(role_of("bash", "-bash", &[]), None);
        assert_eq!(
            role_of("myapp", "/opt/myapp --port 9000", &["myapp".into()]).as_deref(),
            Some("myapp")
        );
    }

    /// Children killed on drop, even when an assertion fails.
    struct Kids(Vec<std::process::Child>);
    impl Drop for Kids {
        fn drop(&mut self) {
            for c in &mut self.0 {
                let _ = c.kill();
                let _ = c.wait();
            }
        }
    }

    #[test]
    fn sampler_sees_a_busy_process_with_cpu_and_a_stopped_one() {
        let sampler = ProcessSampler::new();
        let busy = std::process::Command::new("sh")
            .args(["-c", "while :; do :; done"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("test setup");
        let stopped = std::process::Command::new("sleep")
            .arg("30")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("test setup");
        let (busy_pid, stopped_pid) = (busy.id(), stopped.id());
        let _kids = Kids(vec![busy, stopped]);
        // Wait for a state, not a time: both children have exec'd (a child sampled before
        // its exec shows its parent's command line), then the stopped one is seen stopped.
        let wait = |pid: u32, what: &str, ok: &dyn Fn(&str, &str) -> bool| {
            let read = |f: &str| std::fs::read_to_string(format!("/proc/{pid}/{f}"));
            let end = std::time::Instant::now() + Duration::from_secs(5);
            loop {
                let (cmd, stat) = (read("cmdline"), read("stat"));
                if let (Ok(c), Ok(s)) = (cmd, stat)
                    && ok(
                        &c.replace('\0', " "),
                        s.rsplit_once(") ").map_or("", |(_, r)| r),
                    )
                {
                    return;
                }
                assert!(std::time::Instant::now() < end, "{pid}: {what}");
                std::thread::sleep(Duration::from_millis(5));
            }
        };
        // exec'd and some CPU time used: sysinfo reports 0 % after a sample that saw none
        wait(busy_pid, "no exec", &|c, s| {
            let f: Vec<&str> = s.split_whitespace().collect();
            let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
            c.contains("while :") && ticks(11) + ticks(12) > 0
        });
        wait(stopped_pid, "no exec", &|c, _| c.starts_with("sleep 30"));
        // SAFETY: SIGSTOP to our own child.
        unsafe { libc::kill(stopped_pid as i32, libc::SIGSTOP) };
        wait(stopped_pid, "not stopped", &|_, s| s.starts_with('T'));
        let pats = ["while :; do :; done".to_string(), "sleep 30".to_string()];
        let p = sampler.sample(&pats).expect("test setup");
        let b = p
            .chain
            .iter()
            .find(|x| x.pid == busy_pid)
            .expect("busy child found by pattern");
        // Busy all along, it gets what share of a core the box leaves it: more than nothing.
        assert!(
            b.cpu_percent > 1.0,
            "cpu measured on the first sample: {b:?}"
        );
        assert!(b.rss_bytes > 0);
        assert!(b.started_at.is_some());
        let s = p
            .chain
            .iter()
            .find(|x| x.pid == stopped_pid)
            .expect("stopped child");
        assert_eq!(s.state, 'T');
        assert!(p.total > 2);
        // A later sample reuses the system: CPU% over the interval since the previous one.
        std::thread::sleep(Duration::from_millis(300));
        let p2 = sampler.sample(&pats).expect("test setup");
        let b2 = p2
            .chain
            .iter()
            .find(|x| x.pid == busy_pid)
            .expect("still there");
        assert!(b2.cpu_percent > 1.0, "{b2:?}");
    }

    #[tokio::test]
    async fn oom_source_answers_or_explains() {
        // /dev/kmsg, the last source tried, decides: readable here, the report must come
        // from one of the three sources; not readable, an explanation naming every source
        // tried is as good as an answer, and a permission refusal carries the root hint.
        let kmsg = std::fs::File::open("/dev/kmsg");
        match (oom_kills("-24h", Duration::from_secs(3)).await, kmsg) {
            (Ok(r), _) => {
                let windows = [
                    ("journalctl -k", "since -24h"),
                    ("dmesg", "since boot (kernel ring buffer)"),
                    ("/dev/kmsg", "since boot (kernel ring buffer)"),
                ];
                assert!(
                    windows.contains(&(r.source.as_str(), r.window.as_str())),
                    "{r:?}"
                );
            }
            (Err(u), Ok(_)) => panic!("/dev/kmsg is readable, yet no OOM report: {u:?}"),
            (Err(u), Err(e)) => {
                assert!(u.reason.starts_with("kernel log not readable"), "{u:?}");
                assert!(u.reason.contains("/dev/kmsg"), "{u:?}");
                if e.kind() == std::io::ErrorKind::PermissionDenied {
                    assert_eq!(u.hint.as_deref(), Some("needs root: run with sudo"));
                }
            }
        }
    }
}
