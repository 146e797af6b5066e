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
use crate::tr;
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
    let configured = |b: Concrete| (b, tr!("action-note-backend-config", backend = b.word()));
    match s.backend {
        Backend::Systemd => configured(Concrete::Systemd),
        Backend::Supervisor => configured(Concrete::Supervisor),
        Backend::Docker => configured(Concrete::Docker),
        Backend::Auto if facts.systemd => (Concrete::Systemd, tr!("action-note-auto-systemd")),
        Backend::Auto if s.supervisor_config.is_some() => (
            Concrete::Supervisor,
            tr!("action-note-auto-supervisor_config"),
        ),
        Backend::Auto if facts.supervisorctl => {
            (Concrete::Supervisor, tr!("action-note-auto-supervisorctl"))
        }
        Backend::Auto if facts.docker => (Concrete::Docker, tr!("action-note-auto-docker")),
        Backend::Auto => (Concrete::Systemd, tr!("action-note-auto-none")),
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
            tr!("action-purpose-systemctl", verb = verb),
        ),
        Concrete::Supervisor => Step {
            argv: supervisorctl(s, &[verb, u]),
            needs_root: supervisor_needs_root(s),
            purpose: tr!("action-purpose-supervisorctl", verb = verb),
        },
        Concrete::Docker => Step::new(
            &["docker", verb, "--", u],
            docker_needs_root(),
            tr!("action-purpose-docker", verb = verb),
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
            tr!("action-restart-title", name = s.name, backend = b.word()),
            tr!("action-restart-description", name = s.name),
            service_fixes(is_nginx),
            VerifyScope::Service {
                name: s.name.clone(),
            },
        ),
        "start" => (
            tr!("action-start-title", name = s.name, backend = b.word()),
            tr!("action-start-description", name = s.name),
            service_fixes(is_nginx),
            VerifyScope::Service {
                name: s.name.clone(),
            },
        ),
        _ => (
            tr!("action-stop-title", name = s.name, backend = b.word()),
            tr!("action-stop-description", name = s.name),
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
        danger_en: None,
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
            tr!("action-purpose-reload-systemctl"),
        ),
        Some((s, Concrete::Supervisor)) => Step {
            argv: supervisorctl(s, &["signal", "HUP", unit(s)]),
            needs_root: supervisor_needs_root(s),
            purpose: tr!("action-purpose-reload-supervisor"),
        },
        Some((s, Concrete::Docker)) => Step::new(
            &["docker", "kill", "--signal", "HUP", "--", unit(s)],
            docker_needs_root(),
            tr!("action-purpose-reload-docker"),
        ),
        None => Step {
            argv: nginx_argv(cfg, &["-s", "reload"]),
            needs_root: nginx_needs_root(cfg),
            purpose: tr!("action-purpose-reload-nginx"),
        },
    };
    Action {
        capture: None,
        id: "reload:nginx".into(),
        title: tr!("action-reload-nginx-title"),
        description: tr!("action-reload-nginx-description"),
        steps: vec![step],
        precheck: Some(Step {
            argv: nginx_argv(cfg, &["-t"]),
            needs_root: nginx_needs_root(cfg),
            purpose: tr!("action-purpose-nginx-test"),
        }),
        fixes: vec![
            finding::PROXY_CONFIG_INVALID.into(),
            finding::PROXY_DOWN.into(),
        ],
        verify: VerifyScope::AllHops,
        note: Some(note),
        danger: None,
        danger_en: None,
    }
}

fn reload_firewall(cfg: &Config, fw: Firewall) -> Action {
    let ruleset = cfg.actions.nft_ruleset.to_string_lossy().into_owned();
    let (step, precheck) = match fw {
        Firewall::Firewalld => (
            Step::new(
                &["firewall-cmd", "--reload"],
                true,
                tr!("action-purpose-firewalld-reload"),
            ),
            None,
        ),
        Firewall::Ufw => (
            Step::new(&["ufw", "reload"], true, tr!("action-purpose-ufw-reload")),
            None,
        ),
        Firewall::Nftables => (
            Step::new(
                &["nft", "-f", &ruleset],
                true,
                tr!("action-purpose-nft-load"),
            ),
            Some(Step::new(
                &["nft", "-c", "-f", &ruleset],
                true,
                tr!("action-purpose-nft-check"),
            )),
        ),
        Firewall::Iptables => (
            Step::new(
                &["iptables-restore", IPTABLES_RULES],
                true,
                tr!("action-purpose-iptables-restore"),
            ),
            Some(Step::new(
                &["iptables-restore", "--test", IPTABLES_RULES],
                true,
                tr!("action-purpose-iptables-test"),
            )),
        ),
    };
    Action {
        capture: None,
        id: "reload:firewall".into(),
        title: tr!("action-reload-firewall-title", firewall = fw.word()),
        description: tr!("action-reload-firewall-description"),
        steps: vec![step],
        precheck,
        fixes: vec![
            finding::FIREWALL_DROP.into(),
            finding::FIREWALL_REJECT.into(),
        ],
        verify: VerifyScope::AllHops,
        note: Some(tr!("action-note-firewall", firewall = fw.word())),
        danger: None,
        danger_en: None,
    }
}

fn open_port(port: u16, fw: Firewall) -> Option<Action> {
    let p = format!("{port}/tcp");
    let steps = match fw {
        Firewall::Firewalld => vec![
            Step::new(
                &["firewall-cmd", &format!("--add-port={p}")],
                true,
                tr!("action-purpose-open-runtime"),
            ),
            Step::new(
                &["firewall-cmd", "--permanent", &format!("--add-port={p}")],
                true,
                tr!("action-purpose-open-permanent"),
            ),
        ],
        Firewall::Ufw => vec![Step::new(
            &["ufw", "allow", &p],
            true,
            tr!("action-purpose-open-ufw"),
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
            tr!("action-purpose-open-iptables"),
        )],
        // nftables tables and chains are site-specific: no generic rule to insert.
        Firewall::Nftables => return None,
    };
    Some(Action {
        capture: None,
        id: format!("open-port:{p}"),
        title: tr!("action-open-port-title", port = p, firewall = fw.word()),
        description: tr!("action-open-port-description", port = port),
        steps,
        precheck: None,
        fixes: vec![
            finding::FIREWALL_DROP.into(),
            finding::FIREWALL_REJECT.into(),
        ],
        verify: VerifyScope::AllHops,
        note: Some(tr!("action-note-firewall", firewall = fw.word())),
        danger: None,
        danger_en: None,
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
        title: tr!("action-selinux-title"),
        description: tr!("action-selinux-description"),
        steps: vec![Step::new(
            &["setsebool", "-P", "httpd_can_network_connect", "1"],
            true,
            tr!("action-purpose-selinux"),
        )],
        precheck: None,
        fixes: vec![finding::SELINUX_DENIES.into()],
        verify: VerifyScope::AllHops,
        note: None,
        danger: None,
        danger_en: None,
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
        _ => reload_nginx(cfg, None, tr!("action-note-nginx-unmanaged")),
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
                purpose: tr!("action-purpose-custom"),
            }],
            precheck: None,
            fixes: c.fixes.clone(),
            verify: VerifyScope::AllHops,
            note: None,
            danger: None,
            danger_en: None,
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
        let known = if known.is_empty() {
            tr!("action-plan-known-none")
        } else {
            known.join(", ")
        };
        return Err(tr!("action-plan-unknown", id = id, known = known));
    };
    let timeout = Duration::from_secs(5);
    if let Some((verb, name)) = id.split_once(':')
        && matches!(verb, "restart" | "start" | "stop")
        && let Some(s) = cfg.services.iter().find(|s| s.name == name)
    {
        let (b, note) = detect(s, &facts, timeout)
            .await
            .map_err(|why| tr!("action-plan-refused", id = id, why = why))?;
        action = service_action(s, b, verb, note);
    } else if id == "reload:firewall"
        && let Some(fw) = facts.firewall
    {
        let danger = super::danger::firewall_reload(cfg, fw, timeout).await;
        action.danger_en = danger.as_ref().map(|d| d.en.clone());
        action.danger = danger.map(|d| d.shown);
    } else if id == "reload:nginx"
        && let Some(s) = nginx_service(cfg).filter(|s| s.backend == Backend::Auto)
    {
        action = match asked(s, timeout).await {
            Ok(b) => reload_nginx(
                cfg,
                Some((s, b)),
                tr!(
                    "action-note-asked",
                    configured = backend_word(Backend::Auto),
                    backend = b.word(),
                    unit = unit(s)
                ),
            ),
            Err(why) => reload_nginx(cfg, None, tr!("action-note-nginx-unknown", why = why)),
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
            tr!(
                "action-note-asked",
                configured = backend_word(s.backend),
                backend = b.word(),
                unit = unit(s)
            ),
        )),
        Err(why) if crate::host::cmd::looks_like_permission(&why) => {
            let (b, _) = provisional(s, facts);
            Ok((
                b,
                tr!(
                    "action-note-not-asked",
                    configured = backend_word(s.backend),
                    why = why,
                    backend = b.word()
                ),
            ))
        }
        Err(why) => {
            let looked = match s.backend {
                Backend::Auto => tr!("action-plan-looked-all"),
                Backend::Systemd => tr!("action-plan-looked-configured", manager = "systemd"),
                Backend::Supervisor => {
                    tr!("action-plan-looked-configured", manager = "supervisord")
                }
                Backend::Docker => tr!("action-plan-looked-configured", manager = "docker"),
            };
            Err(tr!(
                "action-plan-no-manager",
                unit = unit(s),
                looked = looked,
                why = why
            ))
        }
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
    fn previews_read_in_english_and_in_chinese() {
        let c = cfg("[actions]\nnft_ruleset = \"/etc/nft.conf\"\n\
             [[service]]\nname = \"ds\"\nbackend = \"systemd\"\nunit = \"ds-docservice\"\n\
             [[hop]]\nname = \"ds\"\nkind = \"tcp\"\nrole = \"upstream\"\ntarget = \"127.0.0.1:8000\"\n");
        let facts = |f| HostFacts {
            firewall: Some(f),
            selinux: true,
            ..none()
        };
        let all = |f| {
            let mut v = catalogue_with(&c, &facts(f));
            v.extend(catalogue_with(&c, &facts(Firewall::Iptables)));
            v
        };
        let en = {
            let _en = crate::i18n::scoped(crate::i18n::Lang::En);
            all(Firewall::Firewalld)
        };
        let restart = en.iter().find(|a| a.id == "restart:ds").expect("restart");
        assert_eq!(
            restart.preview(),
            "Restart ds (systemd)  [restart:ds]\n\
             Restarts ds. Expected to fix: the service is down, hung or crash-looping, so the \
             proxy gets refused or timed-out connections from it (502/504).\n\
             addresses: service_down\n\
             plan: backend systemd (config); systemd ds-docservice\n\
             step 1 (root): systemctl restart -- ds-docservice   (systemctl restart the unit)\n"
        );
        let zh = {
            let _zh = crate::i18n::scoped(crate::i18n::Lang::ZhCn);
            let v = all(Firewall::Firewalld);
            let previews: Vec<String> = v.iter().map(|a| a.preview()).collect();
            (v, previews)
        };
        assert_eq!(zh.0.len(), en.len());
        for ((z, p), e) in zh.0.iter().zip(&zh.1).zip(&en) {
            assert_eq!(z.id, e.id);
            // A capture's file name has the time in it.
            if !z.id.starts_with("capture:") {
                let argv = |a: &Action| a.steps.iter().map(|s| s.argv.clone()).collect::<Vec<_>>();
                assert_eq!(argv(z), argv(e), "argv is never translated");
            }
            if z.title != z.id {
                assert_ne!(z.title, e.title, "{}", z.id);
                assert_ne!(z.description, e.description, "{}", z.id);
            }
            for st in z.steps.iter().chain(z.precheck.iter()) {
                assert!(!st.purpose.is_ascii(), "{}: {}", z.id, st.purpose);
            }
            assert!(!p.contains("action-") && !p.contains("{ $"), "{p}");
        }
        assert!(
            zh.1.iter()
                .any(|p| p.starts_with("重启 ds（systemd）  [restart:ds]\n")),
            "{:?}",
            zh.1
        );
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
