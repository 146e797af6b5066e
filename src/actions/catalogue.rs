//! The catalogue: every action the config and the host allow, with the exact argv of each step.
//!
//! [`catalogue`] is cheap and synchronous (file and `PATH` checks only); for services with
//! `backend = "auto"` it makes a provisional choice. [`plan`] resolves one action for the
//! preview by asking the service managers through [`crate::host::services::status`], which
//! tells which backend really knows the service.

use super::{Action, Step, VerifyScope, finding};
use crate::config::{Backend, Config, Role, Service};
use crate::host::cmd::in_path;
use crate::host::services::{self, Answered, ServiceQuery};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Which firewall manager the host uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Firewall {
    /// firewalld is running (`firewall-cmd`).
    Firewalld,
    /// ufw is enabled.
    Ufw,
    /// nftables with the configured ruleset file.
    Nftables,
    /// iptables with `/etc/iptables/rules.v4`.
    Iptables,
}

impl Firewall {
    fn word(self) -> &'static str {
        match self {
            Firewall::Firewalld => "firewalld",
            Firewall::Ufw => "ufw",
            Firewall::Nftables => "nftables",
            Firewall::Iptables => "iptables",
        }
    }
}

/// The saved iptables rules `reload:firewall` restores.
pub const IPTABLES_RULES: &str = "/etc/iptables/rules.v4";

/// What the catalogue needs to know about the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostFacts {
    /// systemd is the running init (and systemctl installed).
    pub systemd: bool,
    /// supervisorctl is installed.
    pub supervisorctl: bool,
    /// docker is installed.
    pub docker: bool,
    /// The firewall manager in use, if any.
    pub firewall: Option<Firewall>,
    /// SELinux is enabled and setsebool installed.
    pub selinux: bool,
}

impl HostFacts {
    /// Looks at the host: tools in `PATH`, running daemons, config files. No command is run.
    pub fn detect(cfg: &Config) -> Self {
        let firewall = if in_path("firewall-cmd") && process_running("firewalld") {
            Some(Firewall::Firewalld)
        } else if in_path("ufw") && ufw_enabled() {
            Some(Firewall::Ufw)
        } else if in_path("nft") && cfg.actions.nft_ruleset.is_file() {
            Some(Firewall::Nftables)
        } else if in_path("iptables-restore") && Path::new(IPTABLES_RULES).is_file() {
            Some(Firewall::Iptables)
        } else {
            None
        };
        HostFacts {
            systemd: services::systemd_present(),
            supervisorctl: in_path("supervisorctl"),
            docker: in_path("docker"),
            firewall,
            selinux: Path::new("/sys/fs/selinux/enforce").exists() && in_path("setsebool"),
        }
    }
}

fn process_running(comm: &str) -> bool {
    let Ok(rd) = std::fs::read_dir("/proc") else {
        return false;
    };
    rd.filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .bytes()
                .all(|b| b.is_ascii_digit())
        })
        .any(|e| {
            std::fs::read_to_string(e.path().join("comm"))
                .map(|c| c.trim() == comm)
                .unwrap_or(false)
        })
}

fn ufw_enabled() -> bool {
    std::fs::read_to_string("/etc/ufw/ufw.conf")
        .map(|t| t.lines().any(|l| l.trim() == "ENABLED=yes"))
        .unwrap_or(false)
}

fn owned_by_me(p: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    std::fs::metadata(p).map(|m| m.uid() == me).unwrap_or(false)
}

fn writable(p: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(p.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: access(2) with a valid NUL-terminated path.
    unsafe { libc::access(c.as_ptr(), libc::W_OK) == 0 }
}

/// A concrete backend (after auto-detection).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Concrete {
    Systemd,
    Supervisor,
    Docker,
}

impl Concrete {
    fn word(self) -> &'static str {
        match self {
            Concrete::Systemd => "systemd",
            Concrete::Supervisor => "supervisor",
            Concrete::Docker => "docker",
        }
    }
}

/// The provisional choice for `auto` without asking the managers; the note says why.
fn provisional(s: &Service, facts: &HostFacts) -> (Concrete, String) {
    match s.backend {
        Backend::Systemd => (Concrete::Systemd, "backend systemd (config)".into()),
        Backend::Supervisor => (Concrete::Supervisor, "backend supervisor (config)".into()),
        Backend::Docker => (Concrete::Docker, "backend docker (config)".into()),
        Backend::Auto if facts.systemd => (
            Concrete::Systemd,
            "backend auto → systemd (systemd is running; not yet asked)".into(),
        ),
        Backend::Auto if s.supervisor_config.is_some() => (
            Concrete::Supervisor,
            "backend auto → supervisor (supervisor_config is set; not yet asked)".into(),
        ),
        Backend::Auto if facts.supervisorctl => (
            Concrete::Supervisor,
            "backend auto → supervisor (supervisorctl installed; not yet asked)".into(),
        ),
        Backend::Auto if facts.docker => (
            Concrete::Docker,
            "backend auto → docker (docker installed; not yet asked)".into(),
        ),
        Backend::Auto => (
            Concrete::Systemd,
            "backend auto: no service manager found; assuming systemd".into(),
        ),
    }
}

fn unit(s: &Service) -> &str {
    s.unit.as_deref().unwrap_or(&s.name)
}

fn supervisorctl(s: &Service, args: &[&str]) -> Vec<String> {
    let mut v = vec!["supervisorctl".to_string()];
    if let Some(c) = &s.supervisor_config {
        v.push("-c".into());
        v.push(c.to_string_lossy().into_owned());
    }
    v.extend(args.iter().map(|a| a.to_string()));
    v
}

fn supervisor_needs_root(s: &Service) -> bool {
    s.supervisor_config
        .as_deref()
        .is_none_or(|c| !owned_by_me(c))
}

fn docker_needs_root() -> bool {
    !writable(Path::new("/var/run/docker.sock"))
}

/// The unit/program/container names go after `--` for systemctl and docker, so a name is
/// never read as an option. supervisorctl takes no `--` (see
/// `host::services::supervisorctl_argv`): its names are checked instead
/// ([`crate::config::check_service_name`], when the config is loaded and again in
/// [`catalogue_with`]).
fn service_step(s: &Service, b: Concrete, verb: &str) -> Step {
    let u = unit(s);
    match b {
        Concrete::Systemd => Step::new(
            &["systemctl", verb, "--", u],
            true,
            format!("systemctl {verb} the unit"),
        ),
        Concrete::Supervisor => Step {
            argv: supervisorctl(s, &[verb, u]),
            needs_root: supervisor_needs_root(s),
            purpose: format!("supervisorctl {verb} the program"),
        },
        Concrete::Docker => Step::new(
            &["docker", verb, "--", u],
            docker_needs_root(),
            format!("docker {verb} the container"),
        ),
    }
}

/// Whether a service's name and unit may be given to a service manager.
fn names_ok(s: &Service) -> bool {
    crate::config::check_service_name(&s.name).is_ok()
        && crate::config::check_service_name(unit(s)).is_ok()
}

fn service_action(s: &Service, b: Concrete, verb: &str, note: String) -> Action {
    let is_nginx = unit(s) == "nginx" || s.name == "nginx";
    let (title, description, fixes, verify) = match verb {
        "restart" => (
            format!("Restart {} ({})", s.name, b.word()),
            format!(
                "Restarts {}. Expected to fix: the service is down, hung or crash-looping, so the \
                 proxy gets refused or timed-out connections from it (502/504).",
                s.name
            ),
            service_fixes(is_nginx),
            VerifyScope::Service {
                name: s.name.clone(),
            },
        ),
        "start" => (
            format!("Start {} ({})", s.name, b.word()),
            format!(
                "Starts {}. Expected to fix: the service is stopped, so nothing listens on its \
                 port (connection refused → 502).",
                s.name
            ),
            service_fixes(is_nginx),
            VerifyScope::Service {
                name: s.name.clone(),
            },
        ),
        _ => (
            format!("Stop {} ({})", s.name, b.word()),
            format!(
                "Stops {}. Fixes nothing by itself: use it to take a misbehaving service out before \
                 a start; its hops will fail while it is stopped.",
                s.name
            ),
            Vec::new(),
            VerifyScope::Nothing,
        ),
    };
    Action {
        capture: None,
        id: format!("{verb}:{}", s.name),
        title,
        description,
        steps: vec![service_step(s, b, verb)],
        precheck: None,
        fixes,
        verify,
        note: Some(format!("{note}; {} {}", b.word(), unit(s))),
        danger: None,
    }
}

fn service_fixes(is_nginx: bool) -> Vec<String> {
    let mut v = vec![finding::SERVICE_DOWN.to_string()];
    if is_nginx {
        v.push(finding::PROXY_DOWN.into());
    }
    v
}

/// `nginx [-p PREFIX] [-c CONF] ARGS…`
fn nginx_argv(cfg: &Config, args: &[&str]) -> Vec<String> {
    let mut v = vec![cfg.nginx.binary.to_string_lossy().into_owned()];
    if let Some(p) = &cfg.nginx.prefix {
        v.push("-p".into());
        v.push(p.to_string_lossy().into_owned());
    }
    if let Some(c) = &cfg.nginx.config {
        v.push("-c".into());
        v.push(c.to_string_lossy().into_owned());
    }
    v.extend(args.iter().map(|a| a.to_string()));
    v
}

fn nginx_needs_root(cfg: &Config) -> bool {
    cfg.nginx.config.as_deref().is_none_or(|c| !owned_by_me(c))
}

fn nginx_service(cfg: &Config) -> Option<&Service> {
    cfg.services
        .iter()
        .find(|s| s.name == "nginx" || s.unit.as_deref() == Some("nginx"))
}

/// How nginx is told to reload: `None` = by its own `nginx -s reload`.
fn reload_nginx(cfg: &Config, manager: Option<(&Service, Concrete)>, note: String) -> Action {
    let step = match manager {
        Some((s, Concrete::Systemd)) => Step::new(
            &["systemctl", "reload", "--", unit(s)],
            true,
            "systemctl reload: nginx re-reads its configuration",
        ),
        Some((s, Concrete::Supervisor)) => Step {
            argv: supervisorctl(s, &["signal", "HUP", unit(s)]),
            needs_root: supervisor_needs_root(s),
            purpose: "SIGHUP through supervisor: nginx re-reads its configuration".into(),
        },
        Some((s, Concrete::Docker)) => Step::new(
            &["docker", "kill", "--signal", "HUP", "--", unit(s)],
            docker_needs_root(),
            "SIGHUP to the container: nginx re-reads its configuration",
        ),
        None => Step {
            argv: nginx_argv(cfg, &["-s", "reload"]),
            needs_root: nginx_needs_root(cfg),
            purpose: "nginx -s reload: the master re-reads its configuration".into(),
        },
    };
    Action {
        capture: None,
        id: "reload:nginx".into(),
        title: "Reload nginx".into(),
        description: "Tests the configuration with nginx -t, then reloads nginx without dropping \
                      connections. Expected to fix: a corrected proxy_pass / upstream / buffer \
                      setting that was not loaded yet. Refused when nginx -t fails."
            .into(),
        steps: vec![step],
        precheck: Some(Step {
            argv: nginx_argv(cfg, &["-t"]),
            needs_root: nginx_needs_root(cfg),
            purpose: "nginx -t: refuse to reload a broken configuration".into(),
        }),
        fixes: vec![
            finding::PROXY_CONFIG_INVALID.into(),
            finding::PROXY_DOWN.into(),
        ],
        verify: VerifyScope::AllHops,
        note: Some(note),
        danger: None,
    }
}

fn reload_firewall(cfg: &Config, fw: Firewall) -> Action {
    let ruleset = cfg.actions.nft_ruleset.to_string_lossy().into_owned();
    let (step, precheck) = match fw {
        Firewall::Firewalld => (
            Step::new(
                &["firewall-cmd", "--reload"],
                true,
                "reload the permanent firewalld configuration",
            ),
            None,
        ),
        Firewall::Ufw => (
            Step::new(&["ufw", "reload"], true, "reload the ufw rules"),
            None,
        ),
        Firewall::Nftables => (
            Step::new(
                &["nft", "-f", &ruleset],
                true,
                "load the saved nftables ruleset",
            ),
            Some(Step::new(
                &["nft", "-c", "-f", &ruleset],
                true,
                "nft -c: refuse to load a ruleset that does not parse",
            )),
        ),
        Firewall::Iptables => (
            Step::new(
                &["iptables-restore", IPTABLES_RULES],
                true,
                "restore the saved iptables rules",
            ),
            Some(Step::new(
                &["iptables-restore", "--test", IPTABLES_RULES],
                true,
                "iptables-restore --test: refuse rules that do not parse",
            )),
        ),
    };
    Action {
        capture: None,
        id: "reload:firewall".into(),
        title: format!("Reload the firewall ({})", fw.word()),
        description: "Reloads the saved firewall configuration, dropping rules added at runtime. \
                      Expected to fix: a stray DROP (connect timeouts → 504) or REJECT (refused → \
                      502) between nginx and its upstream."
            .into(),
        steps: vec![step],
        precheck,
        fixes: vec![
            finding::FIREWALL_DROP.into(),
            finding::FIREWALL_REJECT.into(),
        ],
        verify: VerifyScope::AllHops,
        note: Some(format!("firewall: {}", fw.word())),
        danger: None,
    }
}

fn open_port(port: u16, fw: Firewall) -> Option<Action> {
    let p = format!("{port}/tcp");
    let steps = match fw {
        Firewall::Firewalld => vec![
            Step::new(
                &["firewall-cmd", &format!("--add-port={p}")],
                true,
                "runtime: open now (lost on reload)",
            ),
            Step::new(
                &["firewall-cmd", "--permanent", &format!("--add-port={p}")],
                true,
                "permanent: keep it open after a reload or reboot",
            ),
        ],
        Firewall::Ufw => vec![Step::new(
            &["ufw", "allow", &p],
            true,
            "runtime and permanent (ufw saves it)",
        )],
        Firewall::Iptables => vec![Step::new(
            &[
                "iptables",
                "-I",
                "INPUT",
                "-p",
                "tcp",
                "--dport",
                &port.to_string(),
                "-j",
                "ACCEPT",
            ],
            true,
            "runtime only: save it to /etc/iptables/rules.v4 to keep it",
        )],
        // nftables tables and chains are site-specific: no generic rule to insert.
        Firewall::Nftables => return None,
    };
    Some(Action {
        capture: None,
        id: format!("open-port:{p}"),
        title: format!("Open port {p} ({})", fw.word()),
        description: format!(
            "Allows incoming TCP connections to port {port}. Expected to fix: the firewall drops \
             or rejects connections to a port of the chain."
        ),
        steps,
        precheck: None,
        fixes: vec![
            finding::FIREWALL_DROP.into(),
            finding::FIREWALL_REJECT.into(),
        ],
        verify: VerifyScope::AllHops,
        note: Some(format!("firewall: {}", fw.word())),
        danger: None,
    })
}

/// The TCP ports of the proxy and upstream hops, in chain order, without duplicates.
fn chain_ports(cfg: &Config) -> Vec<u16> {
    let mut v = Vec::new();
    for h in &cfg.hops {
        if !matches!(h.role, Role::Proxy | Role::ViaProxy | Role::Upstream) {
            continue;
        }
        if let Some(p) = h.port().filter(|p| !v.contains(p)) {
            v.push(p);
        }
    }
    v
}

fn selinux_action() -> Action {
    Action {
        capture: None,
        id: "selinux:httpd_can_network_connect".into(),
        title: "Allow nginx to connect to the network (SELinux)".into(),
        description: "Sets the SELinux boolean httpd_can_network_connect permanently. Expected to \
                      fix: nginx's connect() to the upstream fails with (13: Permission denied)."
            .into(),
        steps: vec![Step::new(
            &["setsebool", "-P", "httpd_can_network_connect", "1"],
            true,
            "set the boolean, persistent across reboots",
        )],
        precheck: None,
        fixes: vec![finding::SELINUX_DENIES.into()],
        verify: VerifyScope::AllHops,
        note: None,
        danger: None,
    }
}

/// The catalogue for a config on this host (see [`HostFacts::detect`]).
pub fn catalogue(cfg: &Config) -> Vec<Action> {
    catalogue_with(cfg, &HostFacts::detect(cfg))
}

/// The catalogue for given host facts (pure; used by tests and by [`catalogue`]).
pub fn catalogue_with(cfg: &Config, facts: &HostFacts) -> Vec<Action> {
    let mut v = Vec::new();
    // A loaded config's names are valid; a name that is not gets no action at all.
    for s in cfg.services.iter().filter(|s| names_ok(s)) {
        let (b, note) = provisional(s, facts);
        for verb in ["restart", "start", "stop"] {
            v.push(service_action(s, b, verb, note.clone()));
        }
    }
    v.push(match nginx_service(cfg).filter(|s| names_ok(s)) {
        Some(s) if s.backend != Backend::Auto || facts.systemd => {
            let (b, note) = provisional(s, facts);
            reload_nginx(cfg, Some((s, b)), note)
        }
        _ => reload_nginx(
            cfg,
            None,
            "nginx is not a known systemd/supervisor/docker service here: nginx -s reload".into(),
        ),
    });
    if let Some(fw) = facts.firewall {
        v.push(reload_firewall(cfg, fw));
        v.extend(
            chain_ports(cfg)
                .into_iter()
                .filter_map(|p| open_port(p, fw)),
        );
    }
    if facts.selinux {
        v.push(selinux_action());
    }
    v.extend(super::capture::actions(cfg));
    for c in &cfg.custom_actions {
        v.push(Action {
            capture: None,
            id: c.id.clone(),
            title: c.id.clone(),
            description: c.description.clone(),
            steps: vec![Step {
                argv: c.argv.clone(),
                needs_root: c.needs_root,
                purpose: "custom action from the config (run as argv, no shell)".into(),
            }],
            precheck: None,
            fixes: c.fixes.clone(),
            verify: VerifyScope::AllHops,
            note: None,
            danger: None,
        });
    }
    v
}

/// The catalogue action with this id (provisional backend choice, see [`plan`]).
pub fn find(cfg: &Config, id: &str) -> Option<Action> {
    catalogue(cfg).into_iter().find(|a| a.id == id)
}

/// The catalogue actions that address a finding id (`service_down`, `firewall_drop`, ...),
/// for a finding's "suggested actions". Service actions come first for the service named in
/// `service` when given.
pub fn for_finding(cfg: &Config, finding: &str, service: Option<&str>) -> Vec<Action> {
    let mut v: Vec<Action> = catalogue(cfg)
        .into_iter()
        .filter(|a| a.fixes.iter().any(|f| f == finding))
        .filter(|a| match (&a.verify, service) {
            (VerifyScope::Service { name }, Some(s)) => name == s,
            _ => true,
        })
        .collect();
    v.sort_by_key(|a| !matches!(a.verify, VerifyScope::Service { .. }));
    v
}

/// Resolves one action for the preview: like [`find`], but a service with `backend = "auto"`
/// (the service itself, or nginx for `reload:nginx`) is looked up with the service managers
/// (`host::services::status`) and the backend that answered is used. When none answers, the
/// provisional choice stays and the note says so. The error names the unknown id and lists
/// the known ones.
pub async fn plan(cfg: &Config, id: &str) -> Result<Action, String> {
    let facts = HostFacts::detect(cfg);
    let Some(mut action) = catalogue_with(cfg, &facts).into_iter().find(|a| a.id == id) else {
        let known: Vec<String> = catalogue_with(cfg, &facts)
            .into_iter()
            .map(|a| a.id)
            .collect();
        return Err(format!(
            "no action '{id}'; known: {}",
            if known.is_empty() {
                "none".into()
            } else {
                known.join(", ")
            }
        ));
    };
    let timeout = Duration::from_secs(5);
    if let Some((verb, name)) = id.split_once(':')
        && matches!(verb, "restart" | "start" | "stop")
        && let Some(s) = cfg.services.iter().find(|s| s.name == name)
    {
        let (b, note) = detect(s, &facts, timeout)
            .await
            .map_err(|why| format!("not planning {id}: {why}"))?;
        action = service_action(s, b, verb, note);
    } else if id == "reload:firewall"
        && let Some(fw) = facts.firewall
    {
        action.danger = super::danger::firewall_reload(cfg, fw, timeout).await;
    } else if id == "reload:nginx"
        && let Some(s) = nginx_service(cfg).filter(|s| s.backend == Backend::Auto)
    {
        action = match asked(s, timeout).await {
            Ok(b) => reload_nginx(
                cfg,
                Some((s, b)),
                format!("backend auto → {} (it knows {})", b.word(), unit(s)),
            ),
            Err(why) => reload_nginx(
                cfg,
                None,
                format!("no service manager knows nginx ({why}): nginx -s reload"),
            ),
        };
    }
    Ok(action)
}

fn query(s: &Service) -> ServiceQuery {
    let u = unit(s);
    ServiceQuery {
        supervisor_config: s.supervisor_config.clone(),
        backend: s.backend,
        ..ServiceQuery::named(&s.name, u, u, Some(u))
    }
}

/// Asks the managers which one knows the service.
async fn asked(s: &Service, timeout: Duration) -> Result<Concrete, String> {
    let st = services::status(&query(s), timeout).await;
    match st.backend {
        Answered::Systemd => Ok(Concrete::Systemd),
        Answered::Supervisor => Ok(Concrete::Supervisor),
        Answered::Docker => Ok(Concrete::Docker),
        Answered::None => Err(st.detail),
    }
}

/// The backend of a service action: the manager that knows the service (asked with the
/// configured backend, or each in turn for `auto`). When none answers, there is nothing to
/// run the action with: refused up front, naming what was looked for, rather than a command
/// that fails. A manager that would not answer for lack of permission keeps the provisional
/// choice: the runner then says the action needs root.
async fn detect(
    s: &Service,
    facts: &HostFacts,
    timeout: Duration,
) -> Result<(Concrete, String), String> {
    match asked(s, timeout).await {
        Ok(b) => Ok((
            b,
            format!(
                "backend {} → {} (it knows {})",
                backend_word(s.backend),
                b.word(),
                unit(s)
            ),
        )),
        Err(why) if crate::host::cmd::looks_like_permission(&why) => {
            let (b, _) = provisional(s, facts);
            Ok((
                b,
                format!(
                    "backend {}: the managers could not be asked ({why}); trying {}",
                    backend_word(s.backend),
                    b.word()
                ),
            ))
        }
        Err(why) => Err(format!(
            "no service manager here knows {} (looked for {}: {why})",
            unit(s),
            match s.backend {
                Backend::Auto => "systemd, supervisord and docker",
                Backend::Systemd => "systemd, as configured",
                Backend::Supervisor => "supervisord, as configured",
                Backend::Docker => "docker, as configured",
            }
        )),
    }
}

fn backend_word(b: Backend) -> &'static str {
    match b {
        Backend::Auto => "auto",
        Backend::Systemd => "systemd",
        Backend::Supervisor => "supervisor",
        Backend::Docker => "docker",
    }
}

/// The audit log path for a config.
pub(crate) fn audit_path(cfg: &Config) -> PathBuf {
    cfg.actions
        .audit_log
        .clone()
        .unwrap_or_else(super::audit::default_audit_path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(text: &str) -> Config {
        crate::config::parse(text, "t").expect("test config parses")
    }

    fn none() -> HostFacts {
        HostFacts {
            systemd: false,
            supervisorctl: false,
            docker: false,
            firewall: None,
            selinux: false,
        }
    }

    #[test]
    fn services_map_to_their_backends() {
        let c = cfg(
            "[[service]]\nname = \"ds\"\nbackend = \"systemd\"\nunit = \"ds-docservice\"\n\
             [[service]]\nname = \"docservice\"\nbackend = \"supervisor\"\nunit = \"ds:docservice\"\nsupervisor_config = \"/etc/s.conf\"\n\
             [[service]]\nname = \"oo\"\nbackend = \"docker\"\nunit = \"onlyoffice\"\n",
        );
        let cat = catalogue_with(&c, &none());
        let argv = |id: &str| {
            cat.iter()
                .find(|a| a.id == id)
                .map(|a| a.steps[0].argv.join(" "))
        };
        assert_eq!(
            argv("restart:ds").as_deref(),
            Some("systemctl restart -- ds-docservice")
        );
        assert_eq!(
            argv("restart:docservice").as_deref(),
            Some("supervisorctl -c /etc/s.conf restart ds:docservice")
        );
        assert_eq!(
            argv("stop:oo").as_deref(),
            Some("docker stop -- onlyoffice")
        );
        assert_eq!(
            argv("start:ds").as_deref(),
            Some("systemctl start -- ds-docservice")
        );
        let stop = cat.iter().find(|a| a.id == "stop:ds").expect("stop");
        assert_eq!(stop.verify, VerifyScope::Nothing);
        let r = cat.iter().find(|a| a.id == "restart:ds").expect("restart");
        assert_eq!(r.fixes, vec!["service_down"]);
        assert_eq!(r.verify, VerifyScope::Service { name: "ds".into() });
        assert!(r.needs_root());
        // No firewall, no SELinux: no such actions.
        assert!(
            !cat.iter()
                .any(|a| a.id.starts_with("reload:firewall") || a.id.starts_with("selinux"))
        );
    }

    #[test]
    fn reload_nginx_prechecks_and_follows_the_nginx_backend() {
        let mut c = cfg(
            "[nginx]\nbinary = \"/usr/sbin/nginx\"\nprefix = \"/p\"\nconfig = \"/p/nginx.conf\"\n",
        );
        let a = catalogue_with(&c, &none())
            .into_iter()
            .find(|a| a.id == "reload:nginx")
            .expect("reload");
        assert_eq!(
            a.precheck.as_ref().map(|p| p.argv.join(" ")).as_deref(),
            Some("/usr/sbin/nginx -p /p -c /p/nginx.conf -t")
        );
        assert_eq!(
            a.steps[0].argv.join(" "),
            "/usr/sbin/nginx -p /p -c /p/nginx.conf -s reload"
        );
        c.services.push(Service {
            name: "nginx".into(),
            backend: Backend::Supervisor,
            unit: None,
            supervisor_config: Some("/l/s.conf".into()),
        });
        let a = catalogue_with(&c, &none())
            .into_iter()
            .find(|a| a.id == "reload:nginx")
            .expect("reload");
        assert_eq!(
            a.steps[0].argv.join(" "),
            "supervisorctl -c /l/s.conf signal HUP nginx"
        );
        c.services[0].backend = Backend::Systemd;
        let a = catalogue_with(&c, &none())
            .into_iter()
            .find(|a| a.id == "reload:nginx")
            .expect("reload");
        assert_eq!(a.steps[0].argv.join(" "), "systemctl reload -- nginx");
    }

    #[test]
    fn firewall_and_selinux_actions() {
        let c = cfg("[actions]\nnft_ruleset = \"/etc/nft.conf\"\n\
             [[hop]]\nname = \"proxy\"\nkind = \"tcp\"\nrole = \"proxy\"\ntarget = \"127.0.0.1:443\"\n\
             [[hop]]\nname = \"ds\"\nkind = \"http\"\nrole = \"upstream\"\nurl = \"http://127.0.0.1:8000/healthcheck\"\n\
             [[hop]]\nname = \"pg\"\nkind = \"tcp\"\nrole = \"dependency\"\ntarget = \"127.0.0.1:5432\"\n");
        let fw = |f| HostFacts {
            firewall: Some(f),
            selinux: true,
            ..none()
        };
        let cat = catalogue_with(&c, &fw(Firewall::Firewalld));
        let reload = cat
            .iter()
            .find(|a| a.id == "reload:firewall")
            .expect("reload");
        assert_eq!(reload.steps[0].argv, vec!["firewall-cmd", "--reload"]);
        let open = cat
            .iter()
            .find(|a| a.id == "open-port:8000/tcp")
            .expect("open 8000");
        assert_eq!(
            open.steps.len(),
            2,
            "runtime and permanent are separate steps"
        );
        assert_eq!(
            open.steps[0].argv,
            vec!["firewall-cmd", "--add-port=8000/tcp"]
        );
        assert_eq!(
            open.steps[1].argv,
            vec!["firewall-cmd", "--permanent", "--add-port=8000/tcp"]
        );
        assert!(cat.iter().any(|a| a.id == "open-port:443/tcp"));
        assert!(
            !cat.iter().any(|a| a.id == "open-port:5432/tcp"),
            "dependencies are local"
        );
        let se = cat
            .iter()
            .find(|a| a.id == "selinux:httpd_can_network_connect")
            .expect("selinux");
        assert_eq!(
            se.steps[0].argv,
            vec!["setsebool", "-P", "httpd_can_network_connect", "1"]
        );
        let cat = catalogue_with(&c, &fw(Firewall::Nftables));
        let reload = cat
            .iter()
            .find(|a| a.id == "reload:firewall")
            .expect("reload");
        assert_eq!(reload.steps[0].argv, vec!["nft", "-f", "/etc/nft.conf"]);
        assert!(reload.precheck.is_some());
        let cat = catalogue_with(&c, &fw(Firewall::Ufw));
        assert_eq!(
            cat.iter()
                .find(|a| a.id == "reload:firewall")
                .map(|a| a.steps[0].argv.clone()),
            Some(vec!["ufw".to_string(), "reload".into()])
        );
        let cat = catalogue_with(&c, &fw(Firewall::Iptables));
        assert_eq!(
            cat.iter()
                .find(|a| a.id == "reload:firewall")
                .map(|a| a.steps[0].argv.clone()),
            Some(vec!["iptables-restore".to_string(), IPTABLES_RULES.into()])
        );
    }

    #[test]
    fn actions_for_a_finding() {
        let c = cfg(
            "[[service]]\nname = \"a\"\nbackend = \"systemd\"\n[[service]]\nname = \"b\"\nbackend = \"systemd\"\n\
             [[action]]\nid = \"custom:x\"\ndescription = \"x\"\nargv = [\"/bin/true\"]\nfixes = [\"service_down\"]\n",
        );
        let ids: Vec<String> = for_finding(&c, "service_down", Some("b"))
            .into_iter()
            .map(|a| a.id)
            .collect();
        assert_eq!(ids, vec!["restart:b", "start:b", "custom:x"]);
        let ids: Vec<String> = for_finding(&c, "proxy_config_invalid", None)
            .into_iter()
            .map(|a| a.id)
            .collect();
        assert_eq!(ids, vec!["reload:nginx"]);
    }

    #[test]
    fn custom_actions_keep_their_argv() {
        let c = cfg(
            "[[action]]\nid = \"custom:flush\"\ndescription = \"flush\"\nargv = [\"/bin/echo\", \"a; b\"]\nfixes = [\"service_down\"]\n",
        );
        let a = catalogue_with(&c, &none())
            .into_iter()
            .find(|a| a.id == "custom:flush")
            .expect("custom");
        assert_eq!(a.steps[0].argv, vec!["/bin/echo", "a; b"]);
        assert!(!a.needs_root());
        assert!(a.preview().contains("/bin/echo 'a; b'"), "{}", a.preview());
    }
}
