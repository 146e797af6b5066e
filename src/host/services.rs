//! Service state behind one interface with three backends — systemd (`systemctl show`),
//! supervisor (XML-RPC on supervisord's socket, see [`super::supervisor_rpc`], else
//! `supervisorctl status`) and docker (`docker inspect`) — auto-detected per service.
//!
//! The parsers are plain functions over the tools' text so they can be tested on recorded
//! outputs (`tests/fixtures/host/`); the collectors only run the tools with a timeout.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use super::Unknown;
use super::cmd;
pub use super::service_tail::{TAIL_BYTES, TAIL_LINES, tail_lines};
use crate::tr;

/// Which service manager to ask: the config's own choice (`[[service]] backend`).
pub use crate::config::Backend;

/// One service to look at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceQuery {
    /// Display name (`docservice`).
    pub name: String,
    /// Backend to use.
    pub backend: Backend,
    /// systemd unit (default: `name`).
    pub systemd_unit: Option<String>,
    /// supervisor program, `group:name` allowed (default: `name`).
    pub supervisor_program: Option<String>,
    /// docker container (default: `name`).
    pub docker_container: Option<String>,
    /// `supervisorctl -c FILE`.
    pub supervisor_config: Option<PathBuf>,
}

impl ServiceQuery {
    /// A service looked up under the same name in every backend.
    pub fn auto(name: &str) -> Self {
        Self {
            name: name.into(),
            backend: Backend::Auto,
            systemd_unit: None,
            supervisor_program: None,
            docker_container: None,
            supervisor_config: None,
        }
    }

    /// A service with its systemd unit, supervisor program and docker container names.
    pub fn named(name: &str, unit: &str, program: &str, container: Option<&str>) -> Self {
        Self {
            systemd_unit: Some(unit.into()),
            supervisor_program: Some(program.into()),
            docker_container: container.map(str::to_string),
            ..Self::auto(name)
        }
    }

    fn unit(&self) -> &str {
        self.systemd_unit.as_deref().unwrap_or(&self.name)
    }
    fn program(&self) -> &str {
        self.supervisor_program.as_deref().unwrap_or(&self.name)
    }
    fn container(&self) -> &str {
        self.docker_container.as_deref().unwrap_or(&self.name)
    }
}

/// The common state of a service, whatever the backend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ServiceState {
    /// Running.
    Active,
    /// Starting.
    Activating,
    /// Stopping.
    Deactivating,
    /// Crash loop: waiting to be restarted (systemd auto-restart, supervisor BACKOFF, docker restarting).
    Restarting,
    /// Stopped normally / never started.
    Inactive,
    /// Given up (systemd failed, supervisor FATAL, docker dead).
    Failed,
    /// Exited, with its exit code when known.
    Exited {
        /// Exit code.
        code: Option<i32>,
    },
    /// Could not be determined.
    Unknown,
}

impl ServiceState {
    /// True for states in which the service serves requests.
    pub fn is_up(&self) -> bool {
        matches!(self, ServiceState::Active)
    }

    /// The state as a verdict (what the console and the walkthrough show): running OK,
    /// starting or stopping WARN, unknown UNKNOWN, anything else FAIL.
    pub fn verdict(&self) -> crate::verdict::State {
        use crate::verdict::State;
        match self {
            ServiceState::Active => State::Ok,
            ServiceState::Activating | ServiceState::Deactivating => State::Warn,
            ServiceState::Unknown => State::Unknown,
            _ => State::Fail,
        }
    }

    /// Short word for text output, in the current language (the JSON keeps the serde name).
    pub fn word(&self) -> String {
        match self {
            ServiceState::Active => tr!("host-state-active"),
            ServiceState::Activating => tr!("host-state-activating"),
            ServiceState::Deactivating => tr!("host-state-deactivating"),
            ServiceState::Restarting => tr!("host-state-restarting"),
            ServiceState::Inactive => tr!("host-state-inactive"),
            ServiceState::Failed => tr!("host-state-failed"),
            ServiceState::Exited { code: Some(c) } => tr!("host-state-exited-code", code = c),
            ServiceState::Exited { code: None } => tr!("host-state-exited"),
            ServiceState::Unknown => tr!("host-state-unknown"),
        }
    }
}

/// Which backend answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Answered {
    /// systemd.
    Systemd,
    /// supervisor.
    Supervisor,
    /// docker.
    Docker,
    /// Nobody could say.
    None,
}

/// A service's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceStatus {
    /// Display name from the query.
    pub name: String,
    /// Backend that answered.
    pub backend: Answered,
    /// Unit / program / container name asked for.
    pub unit: String,
    /// Common state.
    pub state: ServiceState,
    /// The backend's own finer state (`running`, `auto-restart`, `FATAL`, `restarting`).
    pub sub_state: Option<String>,
    /// Main pid.
    pub pid: Option<u32>,
    /// When it entered the current state / started (as the tool printed it).
    pub since: Option<String>,
    /// Uptime in seconds (supervisor).
    pub uptime_secs: Option<u64>,
    /// Restarts counted by the manager (systemd NRestarts, docker RestartCount).
    pub restarts: Option<u32>,
    /// Last exit code of the main process (systemd ExecMainStatus, docker ExitCode).
    pub exit_code: Option<i32>,
    /// Health check result (docker).
    pub health: Option<String>,
    /// Killed by the OOM killer (docker).
    pub oom_killed: Option<bool>,
    /// Human detail (`Result=exit-code`, `Exited too quickly`, why unknown …).
    pub detail: String,
    /// Hint when unknown.
    pub hint: Option<String>,
    /// The tool's raw output (trimmed).
    pub raw: String,
    /// The last lines the service wrote to its stderr (supervisor's stderr log, the unit's
    /// journal, the container's log), read only while it keeps exiting (restarting, failed,
    /// exited non-zero): why it exits. At most [`TAIL_LINES`] lines of [`TAIL_BYTES`].
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub log_tail: Vec<String>,
    /// Where `log_tail` came from (`supervisor stderr log`, `journalctl -u UNIT`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_source: Option<String>,
}

impl ServiceStatus {
    /// A status with only its name (display name and unit), backend and state; everything
    /// else empty, for the backends and tests to fill in (`..ServiceStatus::new(…)`).
    pub fn new(name: &str, unit: &str, backend: Answered, state: ServiceState) -> Self {
        Self {
            name: name.into(),
            backend,
            unit: unit.into(),
            state,
            sub_state: None,
            pid: None,
            since: None,
            uptime_secs: None,
            restarts: None,
            exit_code: None,
            health: None,
            oom_killed: None,
            detail: String::new(),
            hint: None,
            raw: String::new(),
            log_tail: Vec::new(),
            log_source: None,
        }
    }

    /// Whether the service keeps exiting (restarting, given up, exited non-zero): then its
    /// last output says why, and is worth reading.
    pub fn is_exiting(&self) -> bool {
        match self.state {
            ServiceState::Restarting | ServiceState::Failed => true,
            ServiceState::Exited { code } => code != Some(0),
            _ => false,
        }
    }

    fn unknown(q: &ServiceQuery, unit: &str, u: Unknown) -> Self {
        Self {
            detail: u.reason,
            hint: u.hint,
            ..Self::new(&q.name, unit, Answered::None, ServiceState::Unknown)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// systemd

/// The properties asked from `systemctl show`.
pub const SYSTEMD_PROPERTIES: &str =
    "LoadState,ActiveState,SubState,MainPID,NRestarts,ExecMainStatus,Result,ActiveEnterTimestamp";

fn prop<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines().find_map(|l| {
        l.strip_prefix(key)
            .and_then(|r| r.strip_prefix('='))
            .map(str::trim)
            // i18n: not text (systemctl's words for an unset property)
            .filter(|v| !v.is_empty() && *v != "n/a" && *v != "[not set]")
    })
}

/// Parses `systemctl show UNIT -p …` output. `Err` when the unit does not exist.
pub fn parse_systemctl_show(name: &str, unit: &str, text: &str) -> Result<ServiceStatus, Unknown> {
    let load = prop(text, "LoadState").unwrap_or("");
    if load == "not-found" {
        return Err(Unknown::new(
            tr!("host-svc-unit-not-found", unit = unit),
            None,
        ));
    }
    let active = prop(text, "ActiveState")
        .ok_or_else(|| Unknown::new(tr!("host-svc-no-activestate", unit = unit), None))?;
    let sub = prop(text, "SubState").unwrap_or("").to_string();
    // i18n: not text (a systemctl property)
    let result = prop(text, "Result").unwrap_or("");
    let exit_code = prop(text, "ExecMainStatus").and_then(|v| v.parse().ok());
    let state = match (active, sub.as_str()) {
        ("activating", "auto-restart") => ServiceState::Restarting,
        ("active", _) | ("reloading", _) | ("refreshing", _) => ServiceState::Active,
        ("activating", _) => ServiceState::Activating,
        ("deactivating", _) => ServiceState::Deactivating,
        ("failed", _) => ServiceState::Failed,
        ("inactive", _) => ServiceState::Inactive,
        _ => ServiceState::Unknown,
    };
    let mut detail = format!("ActiveState={active} SubState={sub}");
    if !result.is_empty() && result != "success" {
        detail.push_str(&format!(" Result={result}"));
        if let Some(c) = exit_code {
            detail.push_str(&format!(" ExecMainStatus={c}"));
        }
    }
    if load != "loaded" && !load.is_empty() {
        detail.push_str(&format!(" LoadState={load}"));
    }
    Ok(ServiceStatus {
        name: name.into(),
        backend: Answered::Systemd,
        unit: unit.into(),
        state,
        sub_state: Some(sub),
        pid: prop(text, "MainPID")
            .and_then(|v| v.parse().ok())
            .filter(|p| *p != 0),
        since: prop(text, "ActiveEnterTimestamp").map(str::to_string),
        uptime_secs: None,
        restarts: prop(text, "NRestarts").and_then(|v| v.parse().ok()),
        exit_code,
        health: None,
        oom_killed: (result == "oom-kill").then_some(true),
        detail,
        raw: text.trim().to_string(),
        ..ServiceStatus::new(name, unit, Answered::Systemd, ServiceState::Unknown)
    })
}

/// A name from the config, the command line or discovery, checked before a service manager
/// sees it (see [`crate::config::check_service_name`]).
fn checked_name(name: &str) -> Result<&str, Unknown> {
    crate::config::check_service_name(name).map_err(|e| {
        Unknown::new(
            tr!("host-svc-name-refused", error = e),
            Some(tr!("host-svc-name-refused-hint")),
        )
    })?;
    Ok(name)
}

/// `systemctl show --no-pager -p PROPERTIES -- UNIT` argv: the unit after `--`, so it is never
/// read as an option.
pub fn systemctl_show_argv(unit: &str) -> Vec<&str> {
    vec![
        "systemctl",
        "show",
        "--no-pager",
        "-p",
        SYSTEMD_PROPERTIES,
        "--",
        unit,
    ]
}

async fn systemd(q: &ServiceQuery, timeout: Duration) -> Result<ServiceStatus, Unknown> {
    let unit = checked_name(q.unit())?;
    let out = cmd::run(&[], &systemctl_show_argv(unit), timeout).await?;
    if !out.success() && out.stdout.trim().is_empty() {
        let m = out.first_message();
        let hint = cmd::looks_like_permission(&m).then(|| tr!("host-hint-sudo"));
        // i18n: not text (the command and what it said)
        return Err(Unknown::new(format!("systemctl show {unit}: {m}"), hint));
    }
    let mut s = parse_systemctl_show(&q.name, unit, &out.stdout)?;
    if s.is_exiting() {
        super::service_tail::add_journal_tail(&mut s, timeout).await;
    }
    Ok(s)
}

/// True when systemd is the running init system and systemctl is installed.
pub fn systemd_present() -> bool {
    Path::new("/run/systemd/system").is_dir() && cmd::in_path("systemctl")
}

// ---------------------------------------------------------------------------------------------
// supervisor

fn parse_uptime(s: &str) -> Option<u64> {
    // "0:01:02" or "2 days, 3:04:05" / "1 day, 0:00:01"
    let (days, hms) = match s.split_once(',') {
        Some((d, rest)) => (
            d.split_whitespace().next()?.parse::<u64>().ok()?,
            rest.trim(),
        ),
        None => (0, s.trim()),
    };
    let parts: Vec<u64> = hms
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [h, m, sec] = parts.as_slice() else {
        return None;
    };
    Some(days * 86400 + h * 3600 + m * 60 + sec)
}

/// The common state of a supervisor state name (`RUNNING`, `BACKOFF`, …); `None` for a word
/// that is not one.
pub fn supervisor_state(statename: &str) -> Option<ServiceState> {
    Some(match statename {
        "RUNNING" => ServiceState::Active,
        "STARTING" => ServiceState::Activating,
        "STOPPING" => ServiceState::Deactivating,
        "BACKOFF" => ServiceState::Restarting,
        "STOPPED" => ServiceState::Inactive,
        "EXITED" => ServiceState::Exited { code: None },
        "FATAL" => ServiceState::Failed,
        "UNKNOWN" => ServiceState::Unknown,
        _ => return None,
    })
}

/// Parses `supervisorctl status` output into one status per line (names as printed, e.g.
/// `ds:docservice`). Error lines (`ERROR (no such process)`) are skipped.
pub fn parse_supervisorctl_status(text: &str) -> Vec<ServiceStatus> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut it = line.split_whitespace();
        let (Some(name), Some(state)) = (it.next(), it.next()) else {
            continue;
        };
        let name = name.trim_end_matches(':');
        let Some(common) = supervisor_state(state) else {
            continue;
        };
        // Description: everything after the state column.
        let desc = line
            .split_once(state)
            .map(|(_, d)| d.trim())
            .unwrap_or("")
            .to_string();
        let (pid, uptime) = if state == "RUNNING" {
            let pid = desc
                .strip_prefix("pid ")
                .and_then(|r| r.split(',').next())
                .and_then(|p| p.trim().parse().ok());
            let uptime = desc
                .split_once("uptime ")
                .and_then(|(_, u)| parse_uptime(u));
            (pid, uptime)
        } else {
            (None, None)
        };
        out.push(ServiceStatus {
            sub_state: Some(state.into()),
            pid,
            uptime_secs: uptime,
            detail: desc,
            raw: line.trim().into(),
            ..ServiceStatus::new(name, name, Answered::Supervisor, common)
        });
    }
    out
}

/// `supervisorctl [-c CONF] ARGS…` argv. supervisorctl takes no `--`: its options end at the
/// action word (Python getopt stops at the first non-option) and the words after the action
/// are joined and split again by the action, so a `--` would be taken for a program name. The
/// program names given here are checked with [`checked_name`] instead.
fn supervisorctl_argv<'a>(conf: Option<&'a Path>, args: &[&'a str]) -> Vec<String> {
    let mut v = vec!["supervisorctl".to_string()];
    if let Some(c) = conf {
        v.push("-c".into());
        v.push(c.to_string_lossy().into_owned());
    }
    v.extend(args.iter().map(|s| s.to_string()));
    v
}

/// Every program of the supervisord `conf` configures, by XML-RPC on its socket when it has
/// one that needs no password ([`super::supervisor_rpc`]: no Python process), else with one
/// `supervisorctl status`. Err when neither gave the list: asking again per program would
/// fail the same way (a hung or stopped supervisord, a socket this user may not open).
async fn supervisor_all(
    conf: Option<&Path>,
    timeout: Duration,
) -> Result<Vec<ServiceStatus>, Unknown> {
    use super::supervisor_rpc::{Answer, ask};
    match ask(conf, timeout).await {
        Answer::Programs(all) => return Ok(all),
        Answer::Final(u) => return Err(u),
        Answer::Unavailable(_) => {}
    }
    let argv = supervisorctl_argv(conf, &["status"]);
    let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
    // Exits non-zero when a program is not running: stdout is parsed anyway.
    let out = cmd::run(&[], &argv, timeout).await?;
    let all = parse_supervisorctl_status(&out.stdout);
    if all.is_empty() {
        return Err(supervisorctl_failure("status", &out));
    }
    Ok(all)
}

/// A program that supervisord's full list (socket or supervisorctl) does not have.
fn no_such_program(program: &str, all: &[ServiceStatus]) -> Unknown {
    let names: Vec<&str> = all.iter().map(|s| s.unit.as_str()).collect();
    let names = if names.is_empty() {
        tr!("host-svc-none")
    } else {
        names.join(&tr!("host-sep-comma"))
    };
    Unknown::new(
        tr!("host-svc-no-such-program", program = program, names = names),
        Some(tr!("host-svc-no-such-program-hint")),
    )
}

/// Why `supervisorctl ARGS` printed no status line: its first line of output, with a hint.
fn supervisorctl_failure(args: &str, out: &cmd::Output) -> Unknown {
    let all = format!("{}\n{}", out.stdout, out.stderr);
    let msg = all
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| tr!("host-svc-no-output"));
    let hint = if cmd::looks_like_permission(&all) {
        Some(tr!("host-hint-sudo"))
    // i18n: not text (supervisorctl's own messages)
    } else if msg.contains("no such file") || msg.contains("refused connection") {
        Some(tr!("host-svc-supervisord-down-hint"))
    } else {
        None
    };
    Unknown::new(format!("supervisorctl {args}: {msg}"), hint)
}

async fn supervisor(q: &ServiceQuery, timeout: Duration) -> Result<ServiceStatus, Unknown> {
    use super::supervisor_rpc::{Answer, ask};
    let program = checked_name(q.program())?;
    // The socket first: one request instead of a Python process.
    match ask(q.supervisor_config.as_deref(), timeout).await {
        Answer::Programs(all) => {
            let Some(found) = all.iter().find(|s| s.unit == program) else {
                return Err(no_such_program(program, &all));
            };
            let mut s = ServiceStatus {
                name: q.name.clone(),
                ..found.clone()
            };
            if let Some(sock) = super::supervisor_rpc::socket_of(q.supervisor_config.as_deref()) {
                super::supervisor_rpc::add_tails(&sock, std::slice::from_mut(&mut s), timeout)
                    .await;
            }
            return Ok(s);
        }
        Answer::Final(u) => return Err(u),
        Answer::Unavailable(_) => {}
    }
    let argv = supervisorctl_argv(q.supervisor_config.as_deref(), &["status", program]);
    let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
    // supervisorctl exits non-zero when the program is not running: parse stdout anyway.
    let out = cmd::run(&[], &argv, timeout).await?;
    if let Some(mut s) = parse_supervisorctl_status(&out.stdout)
        .into_iter()
        .find(|s| s.unit == program)
    {
        s.name = q.name.clone();
        return Ok(s);
    }
    Err(supervisorctl_failure(&format!("status {program}"), &out))
}

// ---------------------------------------------------------------------------------------------
// docker

/// Parses `docker inspect CONTAINER` JSON (an array with one object).
pub fn parse_docker_inspect(
    name: &str,
    container: &str,
    json: &str,
) -> Result<ServiceStatus, Unknown> {
    let v: serde_json::Value = serde_json::from_str(json).map_err(|e| {
        // i18n: not text (the command)
        let source = format!("docker inspect {container}");
        Unknown::new(tr!("host-bad-json", source = source, error = e), None)
    })?;
    let obj = match &v {
        serde_json::Value::Array(a) => a.first(),
        o @ serde_json::Value::Object(_) => Some(o),
        _ => None,
    }
    .ok_or_else(|| {
        Unknown::new(
            tr!("host-svc-container-not-found", container = container),
            None,
        )
    })?;
    // i18n: not text (keys of docker's JSON, down to the pid)
    let st = &obj["State"];
    // i18n: not text
    let status = st["Status"].as_str().unwrap_or("");
    let exit = st["ExitCode"].as_i64().map(|c| c as i32);
    // i18n: not text
    let health = st["Health"]["Status"].as_str().map(str::to_string);
    let oom = st["OOMKilled"].as_bool();
    let state = match status {
        // i18n: not text
        "running" if st["Paused"].as_bool() == Some(true) => ServiceState::Inactive,
        "running" => ServiceState::Active,
        "restarting" => ServiceState::Restarting,
        "created" | "paused" => ServiceState::Inactive,
        "removing" => ServiceState::Deactivating,
        "exited" => ServiceState::Exited { code: exit },
        "dead" => ServiceState::Failed,
        _ => ServiceState::Unknown,
    };
    let mut detail = format!("status={status}");
    if let Some(h) = &health {
        detail.push_str(&format!(" health={h}"));
        // i18n: not text
        if let Some(n) = st["Health"]["FailingStreak"].as_u64().filter(|n| *n > 0) {
            detail.push_str(&format!(" failing_streak={n}"));
        }
    }
    if let Some(c) = exit.filter(|c| *c != 0) {
        detail.push_str(&format!(" exit_code={c}"));
    }
    if oom == Some(true) {
        detail.push_str(" OOMKilled");
    }
    // i18n: not text
    if let Some(e) = st["Error"].as_str().filter(|e| !e.is_empty()) {
        detail.push_str(&format!(" error={e}"));
    }
    // i18n: not text
    let pid = st["Pid"].as_u64().filter(|p| *p != 0).map(|p| p as u32);
    Ok(ServiceStatus {
        name: name.into(),
        backend: Answered::Docker,
        unit: container.into(),
        state,
        sub_state: Some(status.into()),
        pid,
        since: st["StartedAt"].as_str().map(str::to_string),
        uptime_secs: None,
        restarts: obj["RestartCount"].as_u64().map(|n| n as u32),
        exit_code: exit,
        health,
        oom_killed: oom,
        detail,
        raw: serde_json::to_string(st).unwrap_or_default(),
        ..ServiceStatus::new(name, container, Answered::Docker, ServiceState::Unknown)
    })
}

/// `docker inspect --type container -- NAME` argv: the name after `--`.
pub fn docker_inspect_argv(container: &str) -> Vec<&str> {
    vec!["docker", "inspect", "--type", "container", "--", container]
}

async fn docker(q: &ServiceQuery, timeout: Duration) -> Result<ServiceStatus, Unknown> {
    let c = checked_name(q.container())?;
    let out = cmd::run(&[], &docker_inspect_argv(c), timeout).await?;
    if !out.success() {
        let m = out.first_message();
        let hint = if cmd::looks_like_permission(&m) {
            Some(tr!("host-svc-docker-sudo-hint"))
        // i18n: not text (docker's own message)
        } else if m.contains("Cannot connect to the Docker daemon") {
            Some(tr!("host-svc-docker-down-hint"))
        } else {
            None
        };
        // i18n: not text (the command and what it said)
        return Err(Unknown::new(format!("docker inspect {c}: {m}"), hint));
    }
    let mut s = parse_docker_inspect(&q.name, c, &out.stdout)?;
    if s.is_exiting() || s.restarts.is_some_and(|n| n > 0) && s.state != ServiceState::Active {
        super::service_tail::add_docker_tail(&mut s, c, timeout).await;
    }
    Ok(s)
}

// ---------------------------------------------------------------------------------------------

/// Reads one service's status, auto-detecting the backend when asked to.
pub async fn status(q: &ServiceQuery, timeout: Duration) -> ServiceStatus {
    let r = match q.backend {
        Backend::Systemd => systemd(q, timeout).await,
        Backend::Supervisor => supervisor(q, timeout).await,
        Backend::Docker => docker(q, timeout).await,
        Backend::Auto => {
            let mut why = Vec::new();
            let mut hint = None;
            let mut found = None;
            if systemd_present() {
                match systemd(q, timeout).await {
                    Ok(s) => found = Some(s),
                    Err(u) => {
                        hint = hint.or(u.hint);
                        why.push(u.reason);
                    }
                }
            } else {
                why.push(tr!("host-svc-no-systemd"));
            }
            if found.is_none() {
                let socket = || super::supervisor_rpc::socket_of(q.supervisor_config.as_deref());
                if cmd::in_path("supervisorctl") || socket().is_some() {
                    match supervisor(q, timeout).await {
                        Ok(s) => found = Some(s),
                        Err(u) => {
                            hint = hint.or(u.hint);
                            why.push(u.reason);
                        }
                    }
                } else {
                    why.push(tr!("host-svc-no-supervisorctl"));
                }
            }
            if found.is_none() {
                if cmd::in_path("docker") {
                    match docker(q, timeout).await {
                        Ok(s) => found = Some(s),
                        Err(u) => {
                            hint = hint.or(u.hint);
                            why.push(u.reason);
                        }
                    }
                } else {
                    why.push(tr!("host-svc-no-docker"));
                }
            }
            found.ok_or_else(|| Unknown::new(why.join(&tr!("host-sep-semi")), hint))
        }
    };
    let unit = match q.backend {
        Backend::Systemd => q.unit(),
        Backend::Supervisor => q.program(),
        Backend::Docker => q.container(),
        Backend::Auto => &q.name,
    };
    r.unwrap_or_else(|u| ServiceStatus::unknown(q, unit, u))
}

/// Reads every service concurrently.
pub async fn collect(qs: &[ServiceQuery], timeout: Duration) -> Vec<ServiceStatus> {
    // Services of one supervisord are read with one request to it (XML-RPC on its socket, or a
    // single `supervisorctl status`: one Python start instead of one per service).
    let mut done: Vec<Option<ServiceStatus>> = vec![None; qs.len()];
    let mut groups: std::collections::BTreeMap<Option<PathBuf>, Vec<usize>> = Default::default();
    for (i, q) in qs.iter().enumerate() {
        if q.backend == Backend::Supervisor {
            groups
                .entry(q.supervisor_config.clone())
                .or_default()
                .push(i);
        }
    }
    for (conf, idx) in groups.into_iter().filter(|(_, v)| v.len() > 1) {
        match supervisor_all(conf.as_deref(), timeout).await {
            Ok(all) => {
                let mut all = all;
                // Only the programs asked for: a tail is one more request each.
                let wanted: Vec<&str> = idx.iter().map(|i| qs[*i].program()).collect();
                if let Some(sock) = super::supervisor_rpc::socket_of(conf.as_deref()) {
                    let mut mine: Vec<ServiceStatus> = all
                        .iter()
                        .filter(|s| wanted.contains(&s.unit.as_str()))
                        .cloned()
                        .collect();
                    super::supervisor_rpc::add_tails(&sock, &mut mine, timeout).await;
                    for m in mine {
                        if let Some(s) = all.iter_mut().find(|s| s.unit == m.unit) {
                            *s = m;
                        }
                    }
                }
                for i in idx {
                    let q = &qs[i];
                    done[i] = Some(match all.iter().find(|s| s.unit == q.program()) {
                        Some(s) => ServiceStatus {
                            name: q.name.clone(),
                            ..s.clone()
                        },
                        None => ServiceStatus::unknown(
                            q,
                            q.program(),
                            no_such_program(q.program(), &all),
                        ),
                    });
                }
            }
            // No list (supervisord hangs or is stopped, the socket is not ours to open): its
            // programs are unknown for that reason, not asked again one by one.
            Err(u) => {
                for i in idx {
                    let q = &qs[i];
                    done[i] = Some(ServiceStatus::unknown(q, q.program(), u.clone()));
                }
            }
        }
    }
    let mut set = tokio::task::JoinSet::new();
    for (i, q) in qs
        .iter()
        .cloned()
        .enumerate()
        .filter(|(i, _)| done[*i].is_none())
    {
        set.spawn(async move { (i, status(&q, timeout).await) });
    }
    while let Some(r) = set.join_next().await {
        if let Ok((i, s)) = r {
            done[i] = Some(s);
        }
    }
    done.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supervisor_lines_parse() {
        let text = "ds:converter                     FATAL     Exited too quickly (process log may have details)\n\
                    ds:docservice                    RUNNING   pid 123, uptime 1 day, 0:01:02\n\
                    ds:metrics                       STOPPED   Not started\n\
                    redis                            BACKOFF   Exited too quickly (process log may have details)\n\
                    worker                           EXITED    Nov 28 01:02 PM\n\
                    nope: ERROR (no such process)\n";
        let s = parse_supervisorctl_status(text);
        assert_eq!(s.len(), 5);
        assert_eq!(s[0].state, ServiceState::Failed);
        assert_eq!(
            s[0].detail,
            "Exited too quickly (process log may have details)"
        );
        assert_eq!(s[1].unit, "ds:docservice");
        assert_eq!(s[1].state, ServiceState::Active);
        assert_eq!(s[1].pid, Some(123));
        assert_eq!(s[1].uptime_secs, Some(86400 + 62));
        assert_eq!(s[2].state, ServiceState::Inactive);
        assert_eq!(s[3].state, ServiceState::Restarting);
        assert_eq!(s[4].state, ServiceState::Exited { code: None });
        assert_eq!(s[4].detail, "Nov 28 01:02 PM");
    }

    #[tokio::test]
    async fn unknown_backend_is_explained() {
        let q = ServiceQuery {
            backend: Backend::Supervisor,
            supervisor_config: Some("/nonexistent/t502-supervisord.conf".into()),
            ..ServiceQuery::auto("x")
        };
        let s = status(&q, Duration::from_secs(3)).await;
        assert_eq!(s.state, ServiceState::Unknown);
        assert!(!s.detail.is_empty());
    }
}
