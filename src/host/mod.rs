//! Host facts: who listens where, which processes and services run, memory pressure and OOM
//! kills, disk space of the Document Server's folders, what the firewall and SELinux allow,
//! and what nginx really proxies to.
//!
//! Everything is gathered into one [`Snapshot`] with a timestamp per part. Each collector runs
//! concurrently, off the async worker threads for blocking work, bounded by a timeout; a missing
//! tool, a permission problem or a slow command gives an explained [`Status::Unknown`] for that
//! part, never a hang or a panic.

pub mod cli;
pub mod cmd;
pub mod disk;
pub mod firewall;
pub mod nginx;
pub mod nginx_conf;
pub mod process;
pub mod readiness;
pub mod selinux;
pub mod service_tail;
pub mod services;
pub mod sockets;
pub mod supervisor_rpc;
mod words;

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::tr;

pub use firewall::{Firewall, FirewallQuery};
pub use nginx::{NginxFacts, NginxQuery, TargetMapping, TargetStatus, proxy_target_map};
pub use process::{Memory, OomKill, OomReport, ProcInfo, ProcessSampler, Processes};
pub use selinux::Selinux;
pub use services::{Backend, ServiceQuery, ServiceState, ServiceStatus};
pub use sockets::{Listener, Owner, Proto, Sockets};

/// Why a fact is unknown, and what the operator can do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unknown {
    /// What went wrong, e.g. "nft not installed" (in the current language).
    pub reason: String,
    /// What to do, e.g. "needs root: run with sudo".
    pub hint: Option<String>,
    /// The tool is not installed ([`cmd::run`]): told apart without reading `reason`'s words.
    #[serde(skip)]
    missing_tool: bool,
}

impl Unknown {
    /// Builds an explanation.
    pub fn new(reason: impl Into<String>, hint: Option<String>) -> Self {
        Self {
            reason: reason.into(),
            hint,
            missing_tool: false,
        }
    }

    /// "`program` not installed": the program is not found in `PATH`.
    pub fn not_installed(program: &str) -> Self {
        Self {
            missing_tool: true,
            ..Self::new(tr!("host-cmd-not-installed", program = program), None)
        }
    }

    /// Whether this says a tool is not installed ([`Unknown::not_installed`]).
    pub fn is_missing_tool(&self) -> bool {
        self.missing_tool
    }
}

impl std::fmt::Display for Unknown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.hint {
            Some(h) => f.write_str(&tr!("host-unknown-hint", reason = self.reason, hint = h)),
            None => f.write_str(&self.reason),
        }
    }
}

/// A known fact, or why it is unknown.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status<T> {
    /// The fact.
    Known(T),
    /// Why the fact could not be gathered.
    Unknown {
        /// What went wrong.
        reason: String,
        /// What to do about it.
        hint: Option<String>,
    },
}

/// One part of the snapshot with the time it was taken.
#[derive(Debug, Clone, Serialize)]
pub struct Part<T> {
    /// When this part was gathered.
    pub at: DateTime<Utc>,
    /// The fact or why it is unknown.
    pub status: Status<T>,
}

impl<T> Part<T> {
    /// A known part, stamped now.
    pub fn known(value: T) -> Self {
        Self {
            at: Utc::now(),
            status: Status::Known(value),
        }
    }

    /// An unknown part, stamped now.
    pub fn unknown(u: Unknown) -> Self {
        Self {
            at: Utc::now(),
            status: Status::Unknown {
                reason: u.reason,
                hint: u.hint,
            },
        }
    }

    /// Builds a part from a collector's result.
    pub fn from_result(r: Result<T, Unknown>) -> Self {
        match r {
            Ok(v) => Self::known(v),
            Err(u) => Self::unknown(u),
        }
    }

    /// The value when known.
    pub fn value(&self) -> Option<&T> {
        match &self.status {
            Status::Known(v) => Some(v),
            Status::Unknown { .. } => None,
        }
    }

    /// The explanation when unknown.
    pub fn unknown_reason(&self) -> Option<String> {
        match &self.status {
            Status::Known(_) => None,
            Status::Unknown { reason, hint } => Some(match hint {
                Some(h) => Unknown::new(reason.clone(), Some(h.clone())).to_string(),
                None => reason.clone(),
            }),
        }
    }
}

/// What to collect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HostQuery {
    /// Services to look at.
    pub services: Vec<ServiceQuery>,
    /// How to run nginx.
    pub nginx: NginxQuery,
    /// The chain's ports (firewall rule filtering, marking).
    pub ports: Vec<u16>,
    /// More substrings (name or command line) marking a process as part of the chain.
    pub process_patterns: Vec<String>,
    /// argv put before firewall commands (e.g. `ip netns exec NS`).
    pub firewall_prefix: Vec<String>,
    /// Timeout of each command / collector.
    pub timeout: Duration,
    /// How far back to look for OOM kills in the journal (`journalctl --since`).
    pub oom_since: String,
    /// Which folders' filesystems to measure (always `/tmp`).
    pub disk: disk::DiskQuery,
}

impl Default for HostQuery {
    /// A generic box: nginx only, no particular ports, 3 s timeouts.
    fn default() -> Self {
        Self {
            services: vec![ServiceQuery::auto("nginx")],
            nginx: NginxQuery::default(),
            ports: Vec::new(),
            process_patterns: Vec::new(),
            firewall_prefix: Vec::new(),
            timeout: Duration::from_secs(3),
            oom_since: "-24h".into(),
            disk: disk::DiskQuery::default(),
        }
    }
}

impl HostQuery {
    /// ONLYOFFICE Document Server behind nginx: ds-docservice/ds-converter/ds-metrics (systemd
    /// units, supervisor programs `ds:*`, or the `onlyoffice-documentserver` container for
    /// docservice), nginx, postgresql, rabbitmq-server, redis-server; ports 80, 443, 8000,
    /// 5432, 5672, 6379.
    pub fn onlyoffice() -> Self {
        let ds = |name: &str, container: Option<&str>| {
            ServiceQuery::named(
                name,
                &format!("ds-{name}"),
                &format!("ds:{name}"),
                container,
            )
        };
        Self {
            services: vec![
                ds("docservice", Some("onlyoffice-documentserver")),
                ds("converter", None),
                ds("metrics", None),
                ServiceQuery::auto("nginx"),
                ServiceQuery::auto("postgresql"),
                ServiceQuery::auto("rabbitmq-server"),
                ServiceQuery::auto("redis-server"),
            ],
            ports: vec![80, 443, 8000, 5432, 5672, 6379],
            disk: disk::DiskQuery::onlyoffice(),
            ..Self::default()
        }
    }

    fn firewall_query(&self) -> FirewallQuery {
        FirewallQuery {
            command_prefix: self.firewall_prefix.clone(),
            ports: self.ports.clone(),
        }
    }
}

/// Every host fact, one timestamp per part.
#[derive(Debug, Clone, Serialize)]
pub struct Snapshot {
    /// When collection started.
    pub taken_at: DateTime<Utc>,
    /// Listening sockets.
    pub sockets: Part<Sockets>,
    /// Processes of the chain and the heaviest others.
    pub processes: Part<Processes>,
    /// Memory and PSI.
    pub memory: Part<Memory>,
    /// OOM kills.
    pub oom: Part<OomReport>,
    /// Services.
    pub services: Part<Vec<ServiceStatus>>,
    /// Firewall.
    pub firewall: Part<Firewall>,
    /// SELinux.
    pub selinux: Part<Selinux>,
    /// nginx configuration.
    pub nginx: Part<NginxFacts>,
    /// Proxy targets mapped onto the listening sockets (needs both `nginx` and `sockets`).
    pub targets: Part<Vec<TargetMapping>>,
    /// Filesystems of the Document Server's cache, logs and /tmp.
    pub disk: Part<disk::Disks>,
}

/// Runs `fut` with a bound; a timeout becomes an explained unknown.
async fn bounded<T>(
    what: String,
    limit: Duration,
    fut: impl Future<Output = Result<T, Unknown>>,
) -> Part<T> {
    match tokio::time::timeout(limit, fut).await {
        Ok(r) => Part::from_result(r),
        Err(_) => Part::unknown(Unknown::new(
            tr!(
                "host-collect-timeout",
                what = what,
                after = cmd::human_duration(limit)
            ),
            Some(tr!("host-collect-timeout-hint")),
        )),
    }
}

/// Runs blocking work off the async worker threads, bounded.
async fn blocking<T: Send + 'static>(
    what: String,
    limit: Duration,
    f: impl FnOnce() -> Result<T, Unknown> + Send + 'static,
) -> Part<T> {
    bounded(what, limit, async move {
        tokio::task::spawn_blocking(f)
            .await
            .map_err(|e| Unknown::new(tr!("host-collect-failed", error = e), None))?
    })
    .await
}

/// Collects snapshots, keeping state between them (the process sampler, so CPU% is measured
/// over the interval between two samples). Cheap to clone; clones share the state.
#[derive(Debug, Clone, Default)]
pub struct HostSampler {
    processes: ProcessSampler,
}

impl HostSampler {
    /// A sampler with no previous sample.
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs every collector concurrently, each bounded by the query's timeout.
    pub async fn collect(&self, q: &HostQuery) -> Snapshot {
        self.collect_parts(q, None).await
    }

    /// [`HostSampler::collect`] with the nginx facts already read ([`collect_nginx`]), for
    /// work that needs them and runs beside the other collectors.
    pub async fn collect_with_nginx(&self, q: &HostQuery, nginx: Part<NginxFacts>) -> Snapshot {
        self.collect_parts(q, Some(nginx)).await
    }

    async fn collect_parts(&self, q: &HostQuery, nginx: Option<Part<NginxFacts>>) -> Snapshot {
        let taken_at = Utc::now();
        let t = q.timeout;
        let slack = Duration::from_millis(500);
        let procs = self.processes.clone();
        let patterns = q.process_patterns.clone();
        let fwq = q.firewall_query();
        let dq = q.disk.clone();
        let (sockets, processes, memory, oom, services, firewall, selinux, nginx, disk) = tokio::join!(
            blocking(tr!("host-what-sockets"), t, sockets::collect),
            blocking(tr!("host-what-processes"), t + slack, move || procs
                .sample(&patterns)),
            blocking(tr!("host-what-memory"), t, process::memory),
            bounded(
                tr!("host-what-kernel-log"),
                t * 2 + slack,
                process::oom_kills(&q.oom_since, t)
            ),
            bounded(tr!("host-what-services"), t * 3 + slack, async {
                Ok(services::collect(&q.services, t).await)
            }),
            bounded(
                tr!("host-what-firewall"),
                t * 2 + slack,
                firewall::collect(&fwq, t)
            ),
            blocking(tr!("host-what-selinux"), t, || Ok(selinux::collect())),
            async {
                match nginx {
                    Some(n) => n,
                    None => collect_nginx(q).await,
                }
            },
            blocking(tr!("host-what-disk"), t, move || Ok(disk::collect(&dq))),
        );
        let targets = match (nginx.value(), sockets.value()) {
            (Some(n), Some(s)) => Part::known(proxy_target_map(n, &s.listeners)),
            (None, _) => Part::unknown(Unknown::new(
                tr!("host-collect-nginx-unknown"),
                nginx.unknown_reason(),
            )),
            (_, None) => Part::unknown(Unknown::new(
                tr!("host-collect-sockets-unknown"),
                sockets.unknown_reason(),
            )),
        };
        Snapshot {
            taken_at,
            sockets,
            processes,
            memory,
            oom,
            services,
            firewall,
            selinux,
            nginx,
            targets,
            disk,
        }
    }
}

/// The nginx facts of a snapshot alone (what `nginx -T` shows, parsed), bounded as
/// in [`HostSampler::collect`].
pub async fn collect_nginx(q: &HostQuery) -> Part<NginxFacts> {
    bounded(
        tr!("host-what-nginx"),
        q.timeout * 2 + Duration::from_millis(500),
        nginx::collect(&q.nginx, q.timeout),
    )
    .await
}

/// One snapshot with a fresh sampler (CPU% measured over a short first interval).
pub async fn collect(q: &HostQuery) -> Snapshot {
    HostSampler::new().collect(q).await
}

#[cfg(test)]
impl Snapshot {
    /// A snapshot whose every part is unknown ("not collected in this test"), for tests to
    /// fill the parts they need.
    pub(crate) fn unknown_for_tests() -> Snapshot {
        let u = || Unknown::new("not collected in this test", None);
        Snapshot {
            taken_at: Utc::now(),
            sockets: Part::unknown(u()),
            processes: Part::unknown(u()),
            memory: Part::unknown(u()),
            oom: Part::unknown(u()),
            services: Part::unknown(u()),
            firewall: Part::unknown(u()),
            selinux: Part::unknown(u()),
            nginx: Part::unknown(u()),
            targets: Part::unknown(u()),
            disk: Part::unknown(u()),
        }
    }
}
