//! Discovery: the chain of this box built from what is installed and running, for when no
//! config file exists (profile `discovered`). One engine step with no terminal code; every
//! source is optional and bounded in time, and every hop, service and log records where it
//! came from:
//!
//! 1. listening sockets and their owners ([`crate::host::sockets`]); a Document Server process
//!    among them ([`docserver::recognise`]: its executable, or `NODE_CONFIG_DIR`);
//! 2. the running nginx masters ([`procs::nginx_masters`]): `nginx -T` with each one's own
//!    `-p`/`-c`/`-e` (its binary run only when root or we own it and nobody else may write it,
//!    see [`crate::host::cmd::command`]), and the server block fronting a Document Server
//!    ([`proxy::ds_servers`]);
//! 3. the service managers of nginx, the Document Server and its dependencies
//!    ([`managers::Managers`]: supervisord asked on its socket, systemd from the cgroup);
//! 4. the Document Server's settings and the dependencies they name ([`docserver`]);
//! 5. Docker containers of the Document Server's image ([`docker`]), when a daemon runs;
//! 6. a Nextcloud `config.php` or Seafile `seahub_settings.py` with ONLYOFFICE settings
//!    ([`integrator`]).
//!
//! Several nginx masters may front a Document Server (a second nginx, labs, tests): the one
//! with the default configuration wins, then the lowest pid, and the others are listed in
//! [`Discovery::unread`]. `TRIAGE502_NGINX_PID=PID` restricts discovery to that master.

pub mod chain;
pub mod docker;
pub mod docserver;
pub mod down;
pub mod integrator;
pub mod managers;
pub mod procs;
pub mod proxy;
pub mod render;

use crate::tr;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::config::{Backend, Config, Service};

/// The environment variable restricting discovery to one nginx master.
pub const NGINX_PID_ENV: &str = "TRIAGE502_NGINX_PID";
/// How many nginx masters are read at most.
const MAX_MASTERS: usize = 8;
/// Time one tool (nginx -T, docker, supervisord's answer) may take.
const TOOL_TIMEOUT: Duration = Duration::from_secs(3);
/// Time the whole of discovery may take (its tools run one after another in the worst case).
const DISCOVERY_TIMEOUT: Duration = Duration::from_secs(10);

/// What discovery may look at.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Only this nginx master (`TRIAGE502_NGINX_PID`).
    pub nginx_pid: Option<i32>,
}

impl Options {
    /// From the environment; `Err` for a `TRIAGE502_NGINX_PID` that is not a pid.
    pub fn from_env() -> Result<Self, String> {
        match std::env::var(NGINX_PID_ENV) {
            Ok(v) if !v.is_empty() => v
                .trim()
                .parse::<i32>()
                .ok()
                .filter(|p| *p > 0)
                .map(|p| Options { nginx_pid: Some(p) })
                .ok_or_else(|| {
                    tr!(
                        "discover-pid-env-bad",
                        setting = format!("{NGINX_PID_ENV}={v:?}")
                    )
                }),
            _ => Ok(Options::default()),
        }
    }
}

/// What discovery found.
#[derive(Debug, Clone)]
pub struct Discovery {
    /// The chain; `None` when no Document Server was found.
    pub config: Option<Config>,
    /// For each hop, service, log and file: where it came from.
    pub sources: Vec<(String, String)>,
    /// What could not be read or was left aside, and why.
    pub unread: Vec<(String, String)>,
    /// How long it took.
    pub elapsed: Duration,
}

impl Discovery {
    /// One line saying why nothing was found (for messages).
    pub fn why_nothing(&self) -> String {
        let mut v: Vec<String> = self
            .unread
            .iter()
            .take(3)
            .map(|(w, why)| format!("{w}: {why}"))
            .collect();
        if v.is_empty() {
            v.push(tr!("discover-why-nothing"));
        }
        v.join("; ")
    }
}

/// Runs discovery in a runtime of its own, on a thread of its own, so it may be called from
/// inside another runtime too (`watch` reloads its config from inside one).
pub fn discover_blocking(o: &Options) -> Discovery {
    let failed = |e: String| Discovery {
        config: None,
        sources: Vec::new(),
        unread: vec![(tr!("discover-what-discovery"), e)],
        elapsed: Duration::ZERO,
    };
    std::thread::scope(|s| {
        s.spawn(|| match crate::util::runtime() {
            Ok(rt) => rt.block_on(discover(o)),
            Err(e) => failed(e),
        })
        .join()
        .unwrap_or_else(|_| failed(tr!("discover-stopped")))
    })
}

/// The pieces of a Document Server container with no nginx of the host in front.
pub fn docker_pieces(c: &docker::DsContainer) -> chain::Pieces {
    let svc = Service {
        name: c.name.clone(),
        backend: Backend::Docker,
        unit: None,
        supervisor_config: None,
    };
    let src = tr!("discover-src-container", name = c.name, image = c.image);
    let mut p = chain::Pieces::default();
    if let Some((h, port)) = c.http.clone().or(c.https.clone()) {
        p.ds = Some(chain::Ds {
            host: h,
            port,
            source: tr!("discover-src-container-port", container = src, port = port),
            service: Some((svc, src.clone())),
            config_dir: c.config_volume.as_ref().map(|v| v.join("documentserver")),
            container: Some(c.name.clone()),
        });
    }
    let vol = tr!("discover-src-container-logs", container = src);
    p.docserver_logs = c
        .log_files()
        .into_iter()
        .map(|l| (l, vol.clone()))
        .collect();
    p.nginx_error = c
        .nginx_error_log()
        .into_iter()
        .map(|l| (l, vol.clone()))
        .collect();
    p
}

/// The owner pid of a TCP listener on `port` (any address), and the listener's address.
fn owner_of(listeners: &[crate::host::sockets::Listener], port: u16) -> Option<i32> {
    listeners
        .iter()
        .filter(|l| l.proto == crate::host::sockets::Proto::Tcp && l.port == port)
        .find_map(|l| l.pid())
}

struct Found {
    master: procs::NginxMaster,
    loaded: proxy::Loaded,
    servers: Vec<proxy::DsServer>,
}

/// The masters fronting a Document Server, the preferred first (default config, then pid).
async fn fronts(o: &Options, ds_ports: &[u16], unread: &mut Vec<(String, String)>) -> Vec<Found> {
    let mut masters = procs::nginx_masters();
    if let Some(pid) = o.nginx_pid {
        masters.retain(|m| m.pid == pid);
        if masters.is_empty() {
            unread.push((
                tr!("discover-what-master", pid = pid),
                tr!("discover-pid-env-no-master", env = NGINX_PID_ENV),
            ));
        }
    }
    masters.retain(|m| {
        if m.foreign_mounts {
            unread.push((
                tr!("discover-what-master", pid = m.pid),
                tr!("discover-master-foreign"),
            ));
        }
        !m.foreign_mounts
    });
    let default = |m: &procs::NginxMaster| {
        m.config.is_none()
            || m.config.as_deref() == Some(std::path::Path::new("/etc/nginx/nginx.conf"))
    };
    masters.sort_by_key(|m| (!default(m), m.pid));
    if masters.len() > MAX_MASTERS {
        unread.push((
            tr!("discover-what-masters"),
            tr!(
                "discover-masters-many",
                count = masters.len(),
                max = MAX_MASTERS
            ),
        ));
        masters.truncate(MAX_MASTERS);
    }
    let mut set = tokio::task::JoinSet::new();
    for (i, m) in masters.into_iter().enumerate() {
        set.spawn(async move { (i, proxy::load(&m, TOOL_TIMEOUT).await, m) });
    }
    let mut got = Vec::new();
    while let Some(r) = set.join_next().await {
        let Ok((i, loaded, master)) = r else { continue };
        match loaded {
            Ok(loaded) => {
                let servers = proxy::ds_servers(&loaded, ds_ports);
                if !servers.is_empty() {
                    got.push((
                        i,
                        Found {
                            master,
                            loaded,
                            servers,
                        },
                    ));
                }
            }
            Err(e) => unread.push((tr!("discover-what-master", pid = master.pid), e)),
        }
    }
    got.sort_by_key(|(i, _)| *i);
    got.into_iter().map(|(_, f)| f).collect()
}

/// Discovers the chain of this box (see the module doc).
pub async fn discover(o: &Options) -> Discovery {
    let started = Instant::now();
    match tokio::time::timeout(DISCOVERY_TIMEOUT, discover_unbounded(o)).await {
        Ok(d) => d,
        Err(_) => Discovery {
            config: None,
            sources: Vec::new(),
            unread: vec![(
                tr!("discover-what-discovery"),
                tr!(
                    "discover-timeout",
                    duration = crate::host::cmd::human_duration(DISCOVERY_TIMEOUT)
                ),
            )],
            elapsed: started.elapsed(),
        },
    }
}

/// The listening sockets and their owners.
async fn listeners(unread: &mut Vec<(String, String)>) -> Vec<crate::host::sockets::Listener> {
    let why = match tokio::task::spawn_blocking(crate::host::sockets::collect).await {
        Ok(Ok(s)) => return s.listeners,
        Ok(Err(u)) => u.to_string(),
        Err(e) => e.to_string(),
    };
    unread.push((tr!("discover-what-sockets"), why));
    Vec::new()
}

/// The Document Server processes among the listeners' owners.
fn ds_processes(
    listeners: &[crate::host::sockets::Listener],
    unread: &mut Vec<(String, String)>,
) -> Vec<docserver::DsProcess> {
    let mut by_pid: BTreeMap<i32, Vec<u16>> = BTreeMap::new();
    for l in listeners {
        if l.proto == crate::host::sockets::Proto::Tcp
            && let Some(pid) = l.pid()
        {
            let ports = by_pid.entry(pid).or_default();
            if !ports.contains(&l.port) {
                ports.push(l.port);
            }
        }
    }
    let mut dss: Vec<docserver::DsProcess> = Vec::new();
    let mut hidden = 0;
    for (pid, ports) in &by_pid {
        match docserver::recognise(*pid) {
            Ok(Some((config_dir, node_env, because))) => dss.push(docserver::DsProcess {
                pid: *pid,
                ports: ports.clone(),
                config_dir,
                node_env,
                because,
            }),
            Ok(None) => {}
            Err(_) => hidden += 1,
        }
    }
    if hidden > 0 {
        unread.push((
            tr!("discover-what-environments", count = hidden),
            tr!(
                "host-needs-root-because",
                message = tr!("discover-environments-hidden")
            ),
        ));
    }
    dss
}

async fn discover_unbounded(o: &Options) -> Discovery {
    let started = Instant::now();
    let mut unread: Vec<(String, String)> = Vec::new();
    let listeners = listeners(&mut unread).await;
    let dss = ds_processes(&listeners, &mut unread);
    let ds_ports: Vec<u16> = dss.iter().flat_map(|d| d.ports.clone()).collect();
    let fronts = fronts(o, &ds_ports, &mut unread).await;
    if o.nginx_pid.is_some() && fronts.is_empty() {
        // Asked for that nginx only: nothing else is looked for in its place.
        unread.push((
            format!("{NGINX_PID_ENV}={}", o.nginx_pid.unwrap_or(0)),
            tr!("discover-master-fronts-none"),
        ));
        return Discovery {
            config: None,
            sources: Vec::new(),
            unread,
            elapsed: started.elapsed(),
        };
    }
    let containers = match docker::containers(TOOL_TIMEOUT).await {
        Ok(v) => v,
        Err(e) => {
            // i18n: not text (a program's name)
            unread.push(("docker".into(), e));
            Vec::new()
        }
    };
    let mut m = managers::Managers::default();
    let mut p = chain::Pieces::default();
    unread.extend(fronts.iter().skip(1).map(|f| {
        let why = tr!(
            "discover-master-also-fronts",
            at = f.servers[0].at,
            setting = format!("{NGINX_PID_ENV}={}", f.master.pid)
        );
        (tr!("discover-what-master", pid = f.master.pid), why)
    }));
    let roots = fronts
        .first()
        .map(|f| proxy::roots(&f.loaded))
        .unwrap_or_default();
    let (nc, problems) = integrator::find(&roots);
    unread.extend(
        problems
            .into_iter()
            .map(|e| (tr!("discover-what-integrator"), e)),
    );
    p.integrator = nc;
    if let Some(f) = fronts.first() {
        front_pieces(f, &mut m, &mut p, &mut unread).await;
    }
    // The Document Server: the process on the front's upstream port, else the only one found,
    // else a container publishing that port (or the only container).
    let want = p.front.as_ref().and_then(|f| f.server.upstream.clone());
    let ds_proc = match &want {
        Some((_, port, _)) => dss.iter().find(|d| d.ports.contains(port)),
        None => dss.first(),
    };
    let container = containers.iter().find(|c| match &want {
        Some((_, port, _)) => c.http.as_ref().is_some_and(|h| h.1 == *port),
        None => true,
    });
    let front_pid = fronts.first().map(|f| f.master.pid);
    if let Some(d) = ds_proc {
        let (host, port) = match &want {
            Some((h, port, _)) => (h.clone(), *port),
            None => ("127.0.0.1".into(), d.ports.first().copied().unwrap_or(8000)),
        };
        let mut source = d.because.clone();
        if let Some((_, _, at)) = &want {
            source = tr!("discover-src-proxy-pass-owner", at = at, owner = source);
        }
        let origin = Origin {
            managed: m.of(d.pid, TOOL_TIMEOUT).await,
            config_dir: d.config_dir.clone(),
            node_env: d.node_env.clone(),
            source,
        };
        ds_pieces(
            origin,
            (host, port),
            &listeners,
            &mut m,
            &mut p,
            &mut unread,
        )
        .await;
    } else if let Some(c) = container {
        let dp = docker_pieces(c);
        p.ds = dp.ds;
        p.docserver_logs = dp.docserver_logs;
        p.nginx_error.extend(dp.nginx_error);
    } else if let Some((h, port, at)) = &want {
        // nginx names it, but nothing recognisable listens there: down (its service is then
        // looked for by name), or another program's port.
        let owner = owner_of(&listeners, *port);
        let down = match owner {
            None => down::find(front_pid, &mut m, TOOL_TIMEOUT).await,
            Some(_) => None,
        };
        unread.push((
            tr!("discover-what-ds-port", port = port),
            match (owner, &down) {
                (Some(pid), _) => tr!("discover-ds-port-other", pid = pid),
                (None, Some(_)) => tr!("discover-ds-port-down-found"),
                (None, None) => tr!("discover-ds-port-down-unknown"),
            },
        ));
        match down {
            Some((managed, config_dir, node_env)) => {
                let source = tr!(
                    "discover-src-proxy-pass-and",
                    at = at,
                    source = managed.source
                );
                let origin = Origin {
                    managed: Ok(managed),
                    config_dir,
                    node_env,
                    source,
                };
                let hp = (h.clone(), *port);
                ds_pieces(origin, hp, &listeners, &mut m, &mut p, &mut unread).await;
            }
            None => {
                p.ds = Some(chain::Ds {
                    host: h.clone(),
                    port: *port,
                    source: tr!("discover-src-proxy-pass", at = at),
                    service: None,
                    config_dir: None,
                    container: None,
                });
            }
        }
    }
    let config = p.ds.as_ref().map(|_| chain::build(&p));
    let (config, sources) = match config {
        Some((c, s)) => (Some(c), s),
        None => (None, Vec::new()),
    };
    Discovery {
        config,
        sources,
        unread,
        elapsed: started.elapsed(),
    }
}

async fn front_pieces(
    f: &Found,
    m: &mut managers::Managers,
    p: &mut chain::Pieces,
    unread: &mut Vec<(String, String)>,
) {
    let server = f.servers[0].clone();
    let service = match m.of(f.master.pid, TOOL_TIMEOUT).await {
        Ok(x) => Some((x.service, x.source)),
        Err(e) => {
            unread.push((tr!("discover-what-nginx-service"), e));
            None
        }
    };
    let nginx = crate::config::Nginx {
        binary: f.master.binary.clone(),
        config: f.master.config.clone(),
        prefix: f.master.prefix.clone(),
    };
    let how = tr!(
        "discover-src-nginx-master",
        pid = f.master.pid,
        how = f.loaded.how
    );
    let (errors, access) = proxy::log_files(&f.loaded, &f.master, &server.at);
    p.nginx_error = errors;
    p.nginx_access = access;
    p.front = Some(chain::Front {
        server,
        service,
        nginx: (nginx, how),
    });
}

/// Where the Document Server's facts come from: its running process, or its service found by
/// name while it is down.
struct Origin {
    /// Its service, or why none was found.
    managed: Result<managers::Managed, String>,
    /// The folder of its settings.
    config_dir: PathBuf,
    /// `NODE_ENV`.
    node_env: Option<String>,
    /// How it was found.
    source: String,
}

async fn ds_pieces(
    o: Origin,
    (host, port): (String, u16),
    listeners: &[crate::host::sockets::Listener],
    m: &mut managers::Managers,
    p: &mut chain::Pieces,
    unread: &mut Vec<(String, String)>,
) {
    let Origin {
        managed,
        config_dir,
        node_env,
        source,
    } = o;
    let service = match &managed {
        Ok(x) => Some((x.service.clone(), x.source.clone())),
        Err(e) => {
            unread.push((tr!("discover-what-ds-service"), e.clone()));
            None
        }
    };
    if let Ok(x) = &managed {
        let logs = docserver::log_files(x.stdout_log.as_deref(), x.stderr_log.as_deref());
        let src = tr!(
            "discover-src-beside-logs",
            service = x.service.unit.as_deref().unwrap_or(&x.service.name)
        );
        p.docserver_logs = logs.into_iter().map(|l| (l, src.clone())).collect();
    }
    if p.docserver_logs.is_empty() {
        let pkg = PathBuf::from("/var/log/onlyoffice/documentserver");
        if pkg.is_dir() {
            let src = tr!("discover-src-package-logs");
            for l in ["docservice/out.log", "converter/out.log"] {
                p.docserver_logs.push((pkg.join(l), src.clone()));
            }
        } else {
            unread.push((tr!("discover-what-ds-logs"), tr!("discover-ds-logs-none")));
        }
    }
    let settings = docserver::read_settings(&config_dir, node_env.as_deref());
    unread.extend(
        settings
            .problems
            .iter()
            .map(|e| (tr!("discover-what-ds-settings"), e.clone())),
    );
    if !settings.has_default {
        unread.push((
            format!("{}/default.json", config_dir.display()),
            tr!("discover-default-json-missing"),
        ));
    }
    for dep in docserver::dependencies(&settings) {
        let svc = match owner_of(listeners, dep.port) {
            Some(pid) => match m.of(pid, TOOL_TIMEOUT).await {
                Ok(x) => Some((x.service, x.source)),
                Err(e) => {
                    unread.push((tr!("discover-what-dep-service", name = dep.name), e));
                    None
                }
            },
            None => {
                unread.push((
                    tr!("discover-what-dep-service", name = dep.name),
                    tr!("discover-dep-not-listening", port = dep.port),
                ));
                None
            }
        };
        p.deps.push((dep, svc));
    }
    p.ds = Some(chain::Ds {
        host,
        port,
        source,
        service,
        config_dir: Some(config_dir),
        container: None,
    });
}

/// The config lookup with discovery: the file or profile the options select, else — no config
/// file being there — the discovered chain (profile `discovered`), else the embedded
/// `onlyoffice` profile, with a line on stderr saying discovery found no Document Server (the
/// diagnosis then says `docserver_not_found` when the box has none).
pub fn load(
    sel: &crate::config::Selector,
) -> Result<(Config, crate::config::Source), crate::config::LoadError> {
    if !crate::config::nothing_selected(sel) {
        return crate::config::load(sel);
    }
    let o = Options::from_env().map_err(|e| crate::config::LoadError {
        source: crate::config::USAGE_SOURCE.into(),
        problems: vec![crate::config::Problem::plain(e, None)],
    })?;
    let d = discover_blocking(&o);
    match d.config {
        Some(c) => Ok((c, crate::config::Source::Discovered)),
        None => {
            crate::say_err!(
                "triage502: {}",
                tr!(
                    "discover-none-using-profile",
                    why = render::one_line_pub(&d.why_nothing())
                )
            );
            crate::config::load(&crate::config::Selector {
                profile: Some("onlyoffice".into()),
                ..Default::default()
            })
        }
    }
}

/// The text `config init --discover` writes: the discovered chain as a commented config,
/// checked to load; `Err` when no Document Server was found (and why).
pub fn init_text() -> Result<String, String> {
    let d = discover_blocking(&Options::from_env()?);
    let Some(c) = &d.config else {
        return Err(tr!(
            "discover-none",
            why = render::one_line_pub(&d.why_nothing())
        ));
    };
    let text = render::config_toml(c, &d.sources, &d.unread);
    crate::config::parse(&text, &tr!("discover-config-name"))
        .map_err(|e| tr!("discover-config-bug", error = e))?;
    Ok(text)
}

/// `config show --discover`: what discovery found and could not read; exit 0 when it found a
/// Document Server, else 1.
pub fn show() -> i32 {
    let o = match Options::from_env() {
        Ok(o) => o,
        Err(e) => {
            crate::say_err!("triage502: {e}");
            return 3;
        }
    };
    let d = discover_blocking(&o);
    crate::say!("{}", render::show_text(&d).trim_end());
    if let Some(c) = &d.config {
        crate::say!("\n# {}", tr!("discover-show-config-heading"));
        crate::say!("{}", crate::sanitize::text(&c.to_masked_toml()).trim_end());
        0
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `watch` reloads its config from inside a runtime: discovery must not start one there.
    #[test]
    fn discovery_runs_from_inside_a_runtime() {
        let rt = crate::util::runtime().expect("runtime");
        let o = Options {
            nginx_pid: Some(i32::MAX),
        };
        let d = rt.block_on(async { discover_blocking(&o) });
        assert!(d.config.is_none());
        assert!(
            d.unread.iter().any(|(w, _)| w.contains(NGINX_PID_ENV)),
            "{:?}",
            d.unread
        );
    }
}
