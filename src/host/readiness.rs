//! The facts the readiness review (`triage502 review`) needs beyond a host snapshot: how each
//! chain service is set to restart and to start at boot, and its memory limits (systemd unit
//! properties, the supervisor program's section, docker's restart policy); the logrotate
//! entries; which monitoring agents run. Gathered on demand, every read bounded in bytes and
//! every command in time; what cannot be read says why.

use super::Unknown;
use super::services::Answered;
use crate::tr;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The largest config file read (logrotate entries, supervisor configs).
const MAX_FILE: u64 = 256 * 1024;
/// The most files read from one folder (`/etc/logrotate.d`, a supervisor `[include]`).
const MAX_FILES: usize = 256;

/// How one service of the chain is set up to survive: restart, start at boot, memory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceSetup {
    /// The chain's name for it (`docservice`).
    pub name: String,
    /// The manager that runs it.
    pub manager: Answered,
    /// Unit, program or container.
    pub unit: String,
    /// systemd `Restart=`, supervisor `autorestart`, docker's restart policy.
    pub restart: Option<String>,
    /// systemd `RestartUSec` (the pause before a restart).
    pub restart_sec: Option<String>,
    /// systemd `UnitFileState` (`enabled`…), supervisor `autostart`, docker's policy.
    pub at_boot: Option<String>,
    /// Memory limit in bytes (systemd `MemoryMax`, docker `HostConfig.Memory`); `None`: none.
    pub memory_max: Option<u64>,
    /// Memory in use now (systemd `MemoryCurrent`).
    pub memory_current: Option<u64>,
    /// systemd `OOMScoreAdjust`.
    pub oom_score_adjust: Option<i32>,
    /// Where these settings were read (`systemctl show docservice`, `FILE [program:x]`).
    pub source: String,
    /// Why they could not be read.
    pub unknown: Option<Unknown>,
}

impl ServiceSetup {
    fn new(name: &str, manager: Answered, unit: &str, source: String) -> Self {
        ServiceSetup {
            name: name.into(),
            manager,
            unit: unit.into(),
            restart: None,
            restart_sec: None,
            at_boot: None,
            memory_max: None,
            memory_current: None,
            oom_score_adjust: None,
            source,
            unknown: None,
        }
    }

    fn unknown(name: &str, manager: Answered, unit: &str, why: Unknown) -> Self {
        ServiceSetup {
            unknown: Some(why),
            ..Self::new(name, manager, unit, String::new())
        }
    }
}

/// One logrotate entry: the paths it names and how it rotates them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RotateEntry {
    /// `FILE:LINE` of the entry.
    pub at: String,
    /// The path patterns (`/var/log/nginx/*.log`).
    pub patterns: Vec<String>,
    /// What makes it rotate: `daily`, `weekly`, `size 100M`, `maxsize 1G` (the global
    /// frequency of logrotate.conf when the entry sets none).
    pub when: Vec<String>,
}

/// The facts of the review beyond the host snapshot.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Readiness {
    /// One per service of the chain that a manager answered for.
    pub services: Vec<ServiceSetup>,
    /// logrotate's entries, or why they could not be read.
    pub logrotate: Option<Result<Vec<RotateEntry>, Unknown>>,
    /// Monitoring agents running (`triage502 watch`, `zabbix_agentd`, …), by name.
    pub monitors: Vec<String>,
}

/// `systemctl show` properties the review reads.
pub const SYSTEMD_SETUP: &str =
    "Restart,RestartUSec,UnitFileState,MemoryMax,MemoryCurrent,OOMScoreAdjust,LoadState";

/// A `systemctl show -p SYSTEMD_SETUP` answer.
pub fn parse_systemd_setup(name: &str, unit: &str, text: &str) -> ServiceSetup {
    let prop = |k: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(k)?.strip_prefix('='))
            .map(str::trim)
            // i18n: not text (systemctl's word for an unset property)
            .filter(|v| !v.is_empty() && *v != "[not set]")
    };
    // i18n: not text (the command the settings came from)
    let source = format!("systemctl show {unit}");
    if prop("LoadState") == Some("not-found") {
        return ServiceSetup::unknown(
            name,
            Answered::Systemd,
            unit,
            Unknown::new(tr!("host-svc-unit-not-found", unit = unit), None),
        );
    }
    let bytes = |k: &str| prop(k).and_then(|v| v.parse::<u64>().ok());
    ServiceSetup {
        // i18n: not text (a systemctl property)
        restart: prop("Restart").map(str::to_string),
        restart_sec: prop("RestartUSec").map(str::to_string),
        at_boot: prop("UnitFileState").map(str::to_string),
        // `infinity` (no limit) does not parse: None.
        memory_max: bytes("MemoryMax"),
        memory_current: bytes("MemoryCurrent").filter(|b| *b != u64::MAX),
        oom_score_adjust: prop("OOMScoreAdjust").and_then(|v| v.parse().ok()),
        ..ServiceSetup::new(name, Answered::Systemd, unit, source)
    }
}

/// The restart policy and memory limit of a `docker inspect` answer.
pub fn parse_docker_setup(name: &str, container: &str, json: &str) -> ServiceSetup {
    // i18n: not text (the command the settings came from)
    let source = format!("docker inspect {container}");
    let v: serde_json::Value = match serde_json::from_str(json) {
        Ok(v) => v,
        Err(e) => {
            return ServiceSetup::unknown(
                name,
                Answered::Docker,
                container,
                Unknown::new(tr!("host-bad-json", source = source, error = e), None),
            );
        }
    };
    let obj = v.get(0).unwrap_or(&v);
    let hc = &obj["HostConfig"];
    // i18n: not text (a key of docker's JSON)
    let policy = hc["RestartPolicy"]["Name"]
        .as_str()
        .filter(|p| !p.is_empty())
        .unwrap_or("no");
    ServiceSetup {
        restart: Some(policy.into()),
        at_boot: Some(policy.into()),
        // i18n: not text (a key of docker's JSON)
        memory_max: hc["Memory"].as_u64().filter(|m| *m > 0),
        ..ServiceSetup::new(name, Answered::Docker, container, source)
    }
}

/// The `[program:NAME]` section of a supervisord config and the files its `[include]` names:
/// `autorestart` (default `unexpected`) and `autostart` (default `true`).
pub fn supervisor_setup(name: &str, program: &str, conf: Option<&Path>) -> ServiceSetup {
    let prog = program.rsplit(':').next().unwrap_or(program);
    let main: Option<PathBuf> = match conf {
        Some(c) => Some(c.to_path_buf()),
        None => super::supervisor_rpc::DEFAULT_CONFIGS
            .iter()
            .map(PathBuf::from)
            .find(|p| p.is_file()),
    };
    let Some(main) = main else {
        return ServiceSetup::unknown(
            name,
            Answered::Supervisor,
            program,
            Unknown::new(tr!("host-ready-no-supervisor-config"), None),
        );
    };
    let mut files = vec![main.clone()];
    if let Some(text) = read_text(&main) {
        let here = main.parent().unwrap_or(Path::new("/"));
        for (section, key, value) in super::supervisor_rpc::settings(&text) {
            if section == "include" && key == "files" {
                for pat in value.split_whitespace() {
                    let pat = super::supervisor_rpc::expand(pat, here).unwrap_or_default();
                    files.extend(glob_files(&here.join(pat)));
                }
            }
        }
    }
    let want = format!("program:{prog}");
    for f in &files {
        let Some(text) = read_text(f) else { continue };
        let settings = super::supervisor_rpc::settings(&text);
        if !settings.iter().any(|(s, _, _)| *s == want) && !text.contains(&format!("[{want}]")) {
            continue;
        }
        let get = |k: &str| {
            settings
                .iter()
                .find(|(s, key, _)| *s == want && key == k)
                .map(|(_, _, v)| v.to_lowercase())
        };
        return ServiceSetup {
            restart: Some(get("autorestart").unwrap_or_else(|| "unexpected".into())),
            at_boot: Some(get("autostart").unwrap_or_else(|| "true".into())),
            ..ServiceSetup::new(
                name,
                Answered::Supervisor,
                program,
                format!("{} [{want}]", f.display()),
            )
        };
    }
    ServiceSetup::unknown(
        name,
        Answered::Supervisor,
        program,
        Unknown::new(
            tr!(
                "host-ready-no-section",
                section = want,
                files = show_files(&files)
            ),
            Some(tr!("host-ready-no-section-hint")),
        ),
    )
}

fn show_files(files: &[PathBuf]) -> String {
    files
        .iter()
        .map(|f| f.display().to_string())
        .collect::<Vec<_>>()
        .join(&tr!("host-sep-comma"))
}

/// A file's text, capped; `None` when it cannot be read (a FIFO, a symlink is followed).
fn read_text(p: &Path) -> Option<String> {
    crate::fsafe::read_capped(p, MAX_FILE, true)
        .ok()
        .map(|(b, _)| String::from_utf8_lossy(&b).into_owned())
}

/// The files a pattern with `*` / `?` in its last part names (at most [`MAX_FILES`], sorted).
fn glob_files(pattern: &Path) -> Vec<PathBuf> {
    let (Some(dir), Some(last)) = (pattern.parent(), pattern.file_name()) else {
        return Vec::new();
    };
    let last = last.to_string_lossy();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = rd
        .filter_map(Result::ok)
        .take(MAX_FILES * 4)
        .filter(|e| wildmatch(&last, &e.file_name().to_string_lossy()))
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    out.truncate(MAX_FILES);
    out
}

/// Shell-style match of `*` (any run, not `/`) and `?` (one character); `[…]` is taken
/// literally. Iterative, so no pattern can make it recurse deeply.
pub fn wildmatch(pat: &str, s: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pat.chars().collect(), s.chars().collect());
    let (mut i, mut j) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while j < t.len() {
        if i < p.len() && (p[i] == '?' && t[j] != '/' || p[i] == t[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some((i, j));
            i += 1;
        } else if let Some((si, sj)) = star
            && t[sj] != '/'
        {
            i = si + 1;
            j = sj + 1;
            star = Some((si, sj + 1));
        } else {
            return false;
        }
    }
    p[i..].iter().all(|c| *c == '*')
}

/// logrotate's entries: `/etc/logrotate.conf` (its global frequency applies to entries that
/// set none) and every file of `/etc/logrotate.d`, under `root` (`/` on a box).
pub fn logrotate(root: &Path) -> Result<Vec<RotateEntry>, Unknown> {
    let main = root.join("etc/logrotate.conf");
    let dir = root.join("etc/logrotate.d");
    let main_text = read_text(&main);
    if main_text.is_none() && !dir.is_dir() {
        return Err(Unknown::new(tr!("host-ready-no-logrotate"), None));
    }
    let global = main_text
        .as_deref()
        .map(|t| parse_logrotate(&main, t, &[]))
        .unwrap_or_default();
    let defaults: Vec<String> = global.1;
    let mut out = global.0;
    let mut files = glob_files(&dir.join("*"));
    files.retain(|f| {
        let n = f.file_name().map(|n| n.to_string_lossy().into_owned());
        // logrotate skips backup and package-manager leftovers.
        !n.is_some_and(|n| {
            n.ends_with('~') || n.ends_with(".dpkg-old") || n.ends_with(".dpkg-dist")
        })
    });
    for f in files {
        if let Some(t) = read_text(&f) {
            out.extend(parse_logrotate(&f, &t, &defaults).0);
        }
    }
    Ok(out)
}

fn is_frequency(w: &str) -> bool {
    matches!(w, "hourly" | "daily" | "weekly" | "monthly" | "yearly")
}

/// The entries of one logrotate file, and its top-level rotation words (`weekly`, `size 1M`);
/// `defaults` are the global ones an entry without its own inherits.
fn parse_logrotate(
    file: &Path,
    text: &str,
    defaults: &[String],
) -> (Vec<RotateEntry>, Vec<String>) {
    let mut entries = Vec::new();
    let mut top = Vec::new();
    let mut patterns: Vec<String> = Vec::new();
    let mut first_line = 0;
    let mut inside: Option<RotateEntry> = None;
    let mut in_script = false;
    // Each line cut after `{` and around `}`, so `path { daily }` reads as three lines.
    let pieces = text.lines().enumerate().flat_map(|(n, raw)| {
        let mut out = Vec::new();
        let mut rest = if raw.trim_start().starts_with('#') {
            ""
        } else {
            raw
        };
        while let Some(at) = rest.find(['{', '}']) {
            let (head, tail) = rest.split_at(at);
            if tail.starts_with('{') {
                out.push((n, &rest[..at + 1]));
            } else {
                out.push((n, head));
                out.push((n, "}"));
            }
            rest = &tail[1..];
        }
        out.push((n, rest));
        out
    });
    for (n, raw) in pieces {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if in_script {
            in_script = line != "endscript";
            continue;
        }
        if let Some(e) = inside.as_mut() {
            if line.starts_with('}') {
                let mut e = inside.take().unwrap_or_else(|| unreachable!());
                if e.when.is_empty() {
                    e.when = defaults.to_vec();
                }
                entries.push(e);
                continue;
            }
            let mut words = line.split_whitespace();
            let w = words.next().unwrap_or("");
            match w {
                "prerotate" | "postrotate" | "firstaction" | "lastaction" | "preremove" => {
                    in_script = true;
                }
                _ if is_frequency(w) => e.when.push(w.into()),
                "size" | "maxsize" => e.when.push(format!("{w} {}", words.next().unwrap_or(""))),
                _ => {}
            }
            continue;
        }
        // Paths before `{` (on this line or the lines before).
        let (paths, opens) = match line.split_once('{') {
            Some((p, _)) => (p, true),
            None => (line, false),
        };
        let first = paths.split_whitespace().next().unwrap_or("");
        if !opens && !first.starts_with('/') && !first.starts_with('"') {
            let mut words = line.split_whitespace();
            let w = words.next().unwrap_or("");
            if is_frequency(w) {
                top.push(w.to_string());
            } else if w == "size" || w == "maxsize" {
                top.push(format!("{w} {}", words.next().unwrap_or("")));
            }
            continue;
        }
        if patterns.is_empty() {
            first_line = n + 1;
        }
        patterns.extend(
            paths
                .split_whitespace()
                .map(|p| p.trim_matches('"').to_string()),
        );
        if opens {
            inside = Some(RotateEntry {
                at: format!("{}:{first_line}", file.display()),
                patterns: std::mem::take(&mut patterns),
                when: Vec::new(),
            });
        }
    }
    (entries, top)
}

/// Names of monitoring agents among the running processes: `triage502 watch` and the agents
/// administrators commonly run (read from `/proc/PID/comm` and, for triage502, its argv).
pub fn monitors() -> Vec<String> {
    const AGENTS: &[&str] = &[
        "zabbix_agentd",
        "zabbix_agent2",
        "nrpe",
        "telegraf",
        "netdata",
        "monit",
        "datadog-agent",
        "node_exporter",
        "prometheus-node",
        "prometheus",
        "grafana-agent",
        "alloy",
        "nagios",
        "icinga2",
    ];
    let mut out: Vec<String> = Vec::new();
    let Ok(all) = procfs::process::all_processes() else {
        return out;
    };
    for p in all.filter_map(Result::ok).take(100_000) {
        let Ok(comm) = p.stat().map(|s| s.comm) else {
            continue;
        };
        let name = if comm == "triage502" {
            let watch = p
                .cmdline()
                .ok()
                .is_some_and(|a| a.iter().skip(1).any(|w| w == "watch"));
            if !watch {
                continue;
            }
            "triage502 watch".to_string()
        } else if AGENTS.contains(&comm.as_str()) {
            crate::sanitize::field(&comm)
        } else {
            continue;
        };
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// The setups of the chain's services (as the host snapshot found their managers), the
/// logrotate entries and the monitors. Each command bounded by `timeout`.
pub async fn gather(services: &[(super::ServiceQuery, Answered)], timeout: Duration) -> Readiness {
    let mut setups = Vec::new();
    for (q, answered) in services {
        setups.push(setup_of(q, *answered, timeout).await);
    }
    let logrotate = tokio::task::spawn_blocking(|| logrotate(Path::new("/")))
        .await
        .ok();
    let monitors = tokio::task::spawn_blocking(monitors)
        .await
        .unwrap_or_default();
    Readiness {
        services: setups,
        logrotate,
        monitors,
    }
}

async fn setup_of(q: &super::ServiceQuery, answered: Answered, timeout: Duration) -> ServiceSetup {
    let unit = q.systemd_unit.clone().unwrap_or_else(|| q.name.clone());
    if crate::config::check_service_name(&unit).is_err() {
        return ServiceSetup::unknown(
            &q.name,
            answered,
            &unit,
            Unknown::new(tr!("host-ready-name-refused"), None),
        );
    }
    let run = |argv: Vec<String>| async move {
        let refs: Vec<&str> = argv.iter().map(String::as_str).collect();
        super::cmd::run(&[], &refs, timeout).await
    };
    match answered {
        Answered::Systemd => {
            let argv = [
                "systemctl",
                "show",
                "--no-pager",
                "-p",
                SYSTEMD_SETUP,
                "--",
                &unit,
            ]
            .map(str::to_string)
            .to_vec();
            match run(argv).await {
                Ok(o) if !o.stdout.trim().is_empty() => {
                    parse_systemd_setup(&q.name, &unit, &o.stdout)
                }
                Ok(o) => ServiceSetup::unknown(
                    &q.name,
                    answered,
                    &unit,
                    Unknown::new(
                        // i18n: not text (the command and what it said)
                        format!("systemctl show {unit}: {}", o.first_message()),
                        None,
                    ),
                ),
                Err(u) => ServiceSetup::unknown(&q.name, answered, &unit, u),
            }
        }
        Answered::Docker => {
            let c = q.docker_container.clone().unwrap_or_else(|| unit.clone());
            let argv = super::services::docker_inspect_argv(&c)
                .into_iter()
                .map(str::to_string)
                .collect();
            match run(argv).await {
                Ok(o) if o.success() => parse_docker_setup(&q.name, &c, &o.stdout),
                Ok(o) => ServiceSetup::unknown(
                    &q.name,
                    answered,
                    &c,
                    // i18n: not text (the command and what it said)
                    Unknown::new(format!("docker inspect {c}: {}", o.first_message()), None),
                ),
                Err(u) => ServiceSetup::unknown(&q.name, answered, &c, u),
            }
        }
        Answered::Supervisor => {
            let program = q.supervisor_program.clone().unwrap_or_else(|| unit.clone());
            let conf = q.supervisor_config.clone();
            let name = q.name.clone();
            tokio::task::spawn_blocking(move || supervisor_setup(&name, &program, conf.as_deref()))
                .await
                .unwrap_or_else(|_| {
                    ServiceSetup::unknown(
                        &q.name,
                        answered,
                        &unit,
                        Unknown::new(tr!("host-ready-supervisor-failed"), None),
                    )
                })
        }
        Answered::None => ServiceSetup::unknown(
            &q.name,
            answered,
            &unit,
            Unknown::new(tr!("host-ready-no-manager"), None),
        ),
    }
}

#[cfg(test)]
#[path = "readiness_tests.rs"]
mod tests;
