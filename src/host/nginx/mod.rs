//! What nginx really proxies to: server blocks, locations with their `*_pass` targets, upstream
//! groups, the effective buffer/timeout settings and forwarded headers per location (with
//! nginx's http → server → location inheritance), the result of the configuration test, and the
//! mapping of every proxy target onto the listening-socket table ([`proxy_target_map`]).
//!
//! The configuration comes from `nginx -T` (it needs root to read some files and to open the
//! log/pid files it checks); when nginx cannot run or its test fails, the files are read
//! directly, following `include`s.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub mod locate;
mod secure_link;
use secure_link::secure_link_secrets;
pub use secure_link::{SECURE_LINK_VARIABLES, SecureLinkSecret};
mod targets;
pub use targets::*;

use serde::Serialize;

use super::Unknown;
use super::cmd;
use super::nginx_conf::{self, Config, Directive, DiskSource, DumpSource};
use super::sockets::{Listener, Proto};
use crate::tr;

/// How to run nginx.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NginxQuery {
    /// The nginx binary (default `nginx`).
    pub binary: PathBuf,
    /// `-c FILE`.
    pub config: Option<PathBuf>,
    /// `-p PREFIX`.
    pub prefix: Option<PathBuf>,
    /// `-e FILE` (error log used while testing).
    pub error_log: Option<PathBuf>,
}

impl Default for NginxQuery {
    fn default() -> Self {
        Self {
            binary: PathBuf::from("nginx"),
            config: None,
            prefix: None,
            error_log: None,
        }
    }
}

/// Where the configuration was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfigOrigin {
    /// The dump of `nginx -T`.
    NginxDashT,
    /// The files on disk (nginx could not run or its test failed).
    Files,
    /// Neither: the test failed and the files could not be read either; only the test's
    /// verdict is known (servers and upstreams are empty).
    TestOnly,
}

/// The result of nginx's own configuration test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum NginxTest {
    /// `syntax is ok` / `test is successful`.
    Ok {
        /// Warnings printed during the test.
        warnings: Vec<String>,
    },
    /// The test failed.
    Failed {
        /// nginx's message, e.g. `[emerg] unknown directive "x"`.
        message: String,
        /// File of the error, when given.
        file: Option<PathBuf>,
        /// Line of the error, when given.
        line: Option<usize>,
        /// What to do.
        hint: Option<String>,
    },
    /// The test could not run.
    NotRun {
        /// Why.
        reason: String,
    },
}

/// Where a setting's effective value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// nginx's built-in default.
    Default,
    /// The `http` block.
    Http,
    /// The `server` block.
    Server,
    /// A `location` block (possibly an enclosing one).
    Location,
}

/// An effective setting value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Effective {
    /// The value as written (several arguments joined by a space).
    pub value: String,
    /// Where it was set.
    pub from: Level,
    /// `file:line` where it was set (none for defaults).
    pub at: Option<String>,
}

/// One effective `proxy_set_header`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Header {
    /// Header name as written.
    pub name: String,
    /// Value (may contain variables).
    pub value: String,
    /// Level whose `proxy_set_header` set applies.
    pub from: Level,
}

/// The proxy settings in effect in one location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProxySettings {
    /// `proxy_buffer_size` (default one memory page).
    pub buffer_size: Effective,
    /// `proxy_buffers` (default `8` pages).
    pub buffers: Effective,
    /// `proxy_connect_timeout` (default 60s).
    pub connect_timeout: Effective,
    /// `proxy_read_timeout` (default 60s).
    pub read_timeout: Effective,
    /// `proxy_send_timeout` (default 60s).
    pub send_timeout: Effective,
    /// `client_max_body_size` (default 1m): the largest upload nginx accepts here.
    pub client_max_body_size: Effective,
    /// `proxy_next_upstream` (default `error timeout`): when nginx tries the next server of
    /// the upstream group; `off` never does.
    pub next_upstream: Effective,
    /// Effective forwarded headers. A level that sets any `proxy_set_header` replaces all
    /// inherited ones; with none anywhere nginx sends `Host $proxy_host` and `Connection close`.
    pub headers: Vec<Header>,
}

impl ProxySettings {
    /// The effective value of a forwarded header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str())
    }
}

/// A parsed `*_pass` target or upstream server address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Target {
    /// host:port (host may be an IP or a name).
    Address {
        /// `http`, `https`, `grpc`, … when written.
        scheme: Option<String>,
        /// Host as written, brackets removed for IPv6.
        host: String,
        /// Port (scheme default when not written).
        port: u16,
    },
    /// A unix socket.
    Unix {
        /// Scheme when written.
        scheme: Option<String>,
        /// Socket path.
        path: PathBuf,
    },
    /// An `upstream` group.
    Upstream {
        /// Scheme when written.
        scheme: Option<String>,
        /// Group name.
        name: String,
    },
    /// Contains variables: resolved per request.
    Variable {
        /// The target as written.
        raw: String,
    },
}

/// A `proxy_pass`/`fastcgi_pass`/`grpc_pass`/`uwsgi_pass` in a location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pass {
    /// Directive name.
    pub directive: String,
    /// Argument as written.
    pub raw: String,
    /// Parsed target.
    pub target: Target,
    /// `file:line`.
    pub at: String,
}

/// A `location` block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// Modifier (`=`, `~`, `~*`, `^~`) when present.
    pub modifier: Option<String>,
    /// Path or regex.
    pub path: String,
    /// The pass directive, when the location proxies.
    pub pass: Option<Pass>,
    /// Effective proxy settings.
    pub settings: ProxySettings,
    /// `file:line`.
    pub at: String,
}

/// A `server` block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerBlock {
    /// `listen` arguments (first argument of each).
    pub listen: Vec<String>,
    /// `server_name`s.
    pub server_name: Vec<String>,
    /// Locations, nested ones flattened in order.
    pub locations: Vec<Location>,
    /// `file:line`.
    pub at: String,
}

impl ServerBlock {
    /// A short label: first server name and first listen.
    pub fn label(&self) -> String {
        let name = self
            .server_name
            .iter()
            .find(|n| !n.is_empty())
            .map(String::as_str)
            .unwrap_or("_");
        match self.listen.first() {
            Some(l) => format!("{name} ({l})"),
            None => name.to_string(),
        }
    }
}

/// One `server` inside an `upstream` block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UpstreamServer {
    /// Address as written.
    pub raw: String,
    /// Parsed address.
    pub target: Target,
    /// `weight=`.
    pub weight: Option<u32>,
    /// `max_fails=` (nginx default 1).
    pub max_fails: Option<u32>,
    /// `fail_timeout=` (nginx default 10s).
    pub fail_timeout: Option<String>,
    /// `backup` flag.
    pub backup: bool,
    /// `down` flag.
    pub down: bool,
}

/// An `upstream` block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Upstream {
    /// Group name.
    pub name: String,
    /// Servers.
    pub servers: Vec<UpstreamServer>,
    /// `keepalive` connections when set.
    pub keepalive: Option<u32>,
    /// `file:line`.
    pub at: String,
}

/// Everything learnt about nginx.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NginxFacts {
    /// Where the configuration came from.
    pub origin: ConfigOrigin,
    /// The main configuration file.
    pub main_config: PathBuf,
    /// Files read.
    pub files: Vec<PathBuf>,
    /// nginx's configuration test.
    pub test: NginxTest,
    /// Server blocks.
    pub servers: Vec<ServerBlock>,
    /// Upstream groups.
    pub upstreams: Vec<Upstream>,
    /// Problems that did not stop the analysis.
    pub warnings: Vec<String>,
    /// The Document Server's secure-link secrets (`set $secure_link_secret …`, older
    /// `set $secret_string …`), by fingerprint only.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub secure_link_secrets: Vec<SecureLinkSecret>,
}

impl NginxFacts {
    /// The upstream group of that name.
    pub fn upstream(&self, name: &str) -> Option<&Upstream> {
        self.upstreams.iter().find(|u| u.name == name)
    }

    /// The server block a request to `host` (the `host` field of an error line) lands in
    /// (the one whose server_name is `host`, else the first) and the location serving `path`
    /// there ([`locate::location_for`]).
    pub fn server_location(
        &self,
        host: Option<&str>,
        path: &str,
    ) -> Option<(&ServerBlock, locate::Located<'_>)> {
        let path = path.split('?').next().unwrap_or(path);
        let server = host
            .and_then(|h| {
                let h = h.split(':').next().unwrap_or(h);
                self.servers
                    .iter()
                    .find(|s| s.server_name.iter().any(|n| n.eq_ignore_ascii_case(h)))
            })
            .or_else(|| self.servers.first())?;
        Some((server, locate::location_for(server, path)))
    }

    /// Every location that has a pass directive, with its server.
    pub fn proxied_locations(&self) -> impl Iterator<Item = (&ServerBlock, &Location)> {
        self.servers
            .iter()
            .flat_map(|s| s.locations.iter().map(move |l| (s, l)))
            .filter(|(_, l)| l.pass.is_some())
    }
}

const PASS_DIRECTIVES: [&str; 4] = ["proxy_pass", "fastcgi_pass", "grpc_pass", "uwsgi_pass"];

fn default_port(scheme: Option<&str>) -> Option<u16> {
    match scheme {
        Some("http") | Some("grpc") | Some("uwsgi") => Some(80),
        Some("https") | Some("grpcs") | Some("suwsgi") => Some(443),
        _ => None,
    }
}

/// Parses a `*_pass` argument or an upstream `server` address.
pub fn parse_target(raw: &str, upstream_names: &BTreeSet<String>) -> Target {
    if raw.contains('$') {
        return Target::Variable { raw: raw.into() };
    }
    let (scheme, rest) = match raw.split_once("://") {
        Some((s, r)) => (Some(s.to_ascii_lowercase()), r),
        None => (None, raw),
    };
    if let Some(path) = rest.strip_prefix("unix:") {
        // proxy_pass http://unix:/path.sock:/uri — the path ends at the next ':'.
        let path = path.split(':').next().unwrap_or(path);
        return Target::Unix {
            scheme,
            path: PathBuf::from(path),
        };
    }
    let authority = rest.split('/').next().unwrap_or(rest);
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        match v6.split_once(']') {
            Some((h, p)) => (
                h.to_string(),
                p.strip_prefix(':').and_then(|p| p.parse().ok()),
            ),
            None => (v6.to_string(), None),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) if p.parse::<u16>().is_ok() => (h.to_string(), p.parse().ok()),
            _ => (authority.to_string(), None),
        }
    };
    match port {
        Some(port) => Target::Address { scheme, host, port },
        None if upstream_names.contains(&host) => Target::Upstream { scheme, name: host },
        None => match default_port(scheme.as_deref()) {
            Some(port) => Target::Address { scheme, host, port },
            // fastcgi_pass/uwsgi_pass without scheme or port: an (implicit) upstream name.
            None if scheme.is_none() && host.parse::<IpAddr>().is_err() => {
                Target::Upstream { scheme, name: host }
            }
            None => Target::Address {
                scheme,
                host,
                port: 80,
            },
        },
    }
}

fn page_size() -> String {
    // SAFETY: sysconf has no preconditions.
    let p = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if p > 0 && p % 1024 == 0 {
        format!("{}k", p / 1024)
    } else {
        "4k".into()
    }
}

/// How the settings inherit: nginx's defaults, then each level's directives.
impl ProxySettings {
    fn defaults() -> Self {
        let d = |v: String| Effective {
            value: v,
            from: Level::Default,
            at: None,
        };
        let page = page_size();
        Self {
            buffer_size: d(page.clone()),
            buffers: d(format!("8 {page}")),
            connect_timeout: d("60s".into()),
            read_timeout: d("60s".into()),
            send_timeout: d("60s".into()),
            client_max_body_size: d("1m".into()),
            // i18n: not text (nginx's default value)
            next_upstream: d("error timeout".into()),
            headers: vec![
                Header {
                    // i18n: not text (a header name)
                    name: "Host".into(),
                    value: "$proxy_host".into(),
                    from: Level::Default,
                },
                Header {
                    // i18n: not text (a header name)
                    name: "Connection".into(),
                    value: "close".into(),
                    from: Level::Default,
                },
            ],
        }
    }

    /// Applies the directives of one block level.
    fn apply(&self, children: &[Directive], level: Level) -> Self {
        let mut next = self.clone();
        let mut headers: Option<Vec<Header>> = None;
        for d in children {
            let eff = || Effective {
                value: d.args.join(" "),
                from: level,
                at: Some(d.location()),
            };
            match d.name.as_str() {
                "proxy_buffer_size" => next.buffer_size = eff(),
                "proxy_buffers" => next.buffers = eff(),
                "proxy_connect_timeout" => next.connect_timeout = eff(),
                "proxy_read_timeout" => next.read_timeout = eff(),
                "proxy_send_timeout" => next.send_timeout = eff(),
                "client_max_body_size" => next.client_max_body_size = eff(),
                "proxy_next_upstream" => next.next_upstream = eff(),
                "proxy_set_header" if d.args.len() >= 2 => {
                    headers.get_or_insert_with(Vec::new).push(Header {
                        name: d.args[0].clone(),
                        value: d.args[1].clone(),
                        from: level,
                    })
                }
                _ => {}
            }
        }
        if let Some(mut h) = headers {
            // nginx adds Host and Connection unless the level sets them itself.
            // i18n: not text (header names)
            for (name, value) in [("Host", "$proxy_host"), ("Connection", "close")] {
                if !h.iter().any(|x| x.name.eq_ignore_ascii_case(name)) {
                    h.push(Header {
                        name: name.into(),
                        value: value.into(),
                        from: Level::Default,
                    });
                }
            }
            next.headers = h;
        }
        next
    }
}

fn collect_upstream_names(dirs: &[Directive], out: &mut BTreeSet<String>) {
    for d in dirs {
        if d.name == "upstream" {
            out.insert(d.arg0().to_string());
        } else if d.block.is_some() {
            collect_upstream_names(d.children(), out);
        }
    }
}

fn locations(
    dirs: &[Directive],
    inherited: &ProxySettings,
    names: &BTreeSet<String>,
    out: &mut Vec<Location>,
) {
    for d in dirs.iter().filter(|d| d.name == "location") {
        let here = inherited.apply(d.children(), Level::Location);
        let (modifier, path) = match d.args.as_slice() {
            [m, p, ..] => (Some(m.clone()), p.clone()),
            [p] => (None, p.clone()),
            [] => (None, String::new()),
        };
        let pass = d
            .children()
            .iter()
            .find(|c| PASS_DIRECTIVES.contains(&c.name.as_str()))
            .map(|c| Pass {
                directive: c.name.clone(),
                raw: c.arg0().to_string(),
                target: parse_target(c.arg0(), names),
                at: c.location(),
            });
        out.push(Location {
            modifier,
            path,
            pass,
            settings: here.clone(),
            at: d.location(),
        });
        locations(d.children(), &here, names, out);
    }
}

/// Analyses a loaded configuration.
pub fn analyze(cfg: &Config, origin: ConfigOrigin, test: NginxTest) -> NginxFacts {
    let mut names = BTreeSet::new();
    collect_upstream_names(&cfg.directives, &mut names);
    let mut servers = Vec::new();
    let mut upstreams = Vec::new();
    let mut warnings = cfg.warnings.clone();
    let base = ProxySettings::defaults();
    for http in cfg.directives.iter().filter(|d| d.name == "http") {
        let at_http = base.apply(http.children(), Level::Http);
        for d in http.children() {
            match d.name.as_str() {
                "upstream" => upstreams.push(upstream(d)),
                "server" => {
                    let at_server = at_http.apply(d.children(), Level::Server);
                    let mut locs = Vec::new();
                    locations(d.children(), &at_server, &names, &mut locs);
                    servers.push(ServerBlock {
                        listen: d
                            .children()
                            .iter()
                            .filter(|c| c.name == "listen")
                            .map(|c| c.arg0().to_string())
                            .collect(),
                        server_name: d
                            .children()
                            .iter()
                            .filter(|c| c.name == "server_name")
                            .flat_map(|c| c.args.iter().cloned())
                            .collect(),
                        locations: locs,
                        at: d.location(),
                    });
                }
                _ => {}
            }
        }
    }
    if servers.is_empty() {
        warnings.push(tr!("host-nginx-no-servers"));
    }
    NginxFacts {
        origin,
        main_config: cfg.main.clone(),
        files: cfg.files.clone(),
        test,
        servers,
        upstreams,
        warnings,
        secure_link_secrets: {
            let mut v = Vec::new();
            secure_link_secrets(&cfg.directives, &mut v);
            v
        },
    }
}

fn upstream(d: &Directive) -> Upstream {
    let mut servers = Vec::new();
    let mut keepalive = None;
    for c in d.children() {
        match c.name.as_str() {
            "server" => {
                let raw = c.arg0().to_string();
                // Inside an upstream a bare address never names another group.
                let mut target = parse_target(&raw, &BTreeSet::new());
                if let Target::Upstream { scheme, name } = &target {
                    target = Target::Address {
                        scheme: scheme.clone(),
                        host: name.clone(),
                        port: 80,
                    };
                }
                let mut s = UpstreamServer {
                    raw,
                    target,
                    weight: None,
                    max_fails: None,
                    fail_timeout: None,
                    backup: false,
                    down: false,
                };
                for a in &c.args[1..] {
                    if let Some(v) = a.strip_prefix("weight=") {
                        s.weight = v.parse().ok();
                    } else if let Some(v) = a.strip_prefix("max_fails=") {
                        s.max_fails = v.parse().ok();
                    } else if let Some(v) = a.strip_prefix("fail_timeout=") {
                        s.fail_timeout = Some(v.to_string());
                    } else if a == "backup" {
                        s.backup = true;
                    } else if a == "down" {
                        s.down = true;
                    }
                }
                servers.push(s);
            }
            "keepalive" => keepalive = c.arg0().parse().ok(),
            _ => {}
        }
    }
    Upstream {
        name: d.arg0().to_string(),
        servers,
        keepalive,
        at: d.location(),
    }
}

/// Parses nginx's test message (stderr of `nginx -t`/`-T`) run by this process.
pub fn parse_test_output(ok: bool, stderr: &str) -> NginxTest {
    parse_test_output_as(ok, stderr, crate::fsafe::euid() == 0)
}

/// [`parse_test_output`] for a test run as root or not: a failure that is only a permission
/// problem of a non-root run is [`NginxTest::NotRun`] ("needs root"), not a broken config.
pub fn parse_test_output_as(ok: bool, stderr: &str, root: bool) -> NginxTest {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if ok {
        return NginxTest::Ok {
            warnings: lines
                .iter()
                .filter(|l| l.contains("[warn]"))
                .map(|l| l.to_string())
                .collect(),
        };
    }
    let msg = lines
        .iter()
        .find(|l| l.contains("[emerg]"))
        .or_else(|| {
            lines
                .iter()
                .find(|l| l.contains("[alert]") || l.contains("[crit]"))
        })
        .or(lines.first())
        .map(|l| l.strip_prefix("nginx: ").unwrap_or(l).to_string())
        .unwrap_or_else(|| tr!("host-nginx-test-failed"));
    let (file, line) = match msg.rsplit_once(" in ") {
        Some((_, loc)) => match loc.rsplit_once(':') {
            Some((f, l)) if l.parse::<usize>().is_ok() => (Some(PathBuf::from(f)), l.parse().ok()),
            _ => (None, None),
        },
        None => (None, None),
    };
    // A test that fails only because this user may not open nginx's files (its pid file, logs,
    // certificates) says nothing about the configuration: as root it may well pass.
    if !root && cmd::looks_like_permission(&msg) {
        return NginxTest::NotRun {
            reason: tr!("host-needs-root-because", message = msg),
        };
    }
    let hint = cmd::looks_like_permission(stderr).then(|| tr!("host-nginx-test-sudo-hint"));
    NginxTest::Failed {
        message: msg,
        file,
        line,
        hint,
    }
}

/// Reads nginx's configuration: `nginx -T` first, the files themselves when that fails.
pub async fn collect(q: &NginxQuery, timeout: Duration) -> Result<NginxFacts, Unknown> {
    let bin = q.binary.to_string_lossy().into_owned();
    let mut args: Vec<String> = vec![bin, "-T".into()];
    if let Some(p) = &q.prefix {
        args.push("-p".into());
        args.push(p.to_string_lossy().into_owned());
    }
    if let Some(c) = &q.config {
        args.push("-c".into());
        args.push(c.to_string_lossy().into_owned());
    }
    if let Some(e) = &q.error_log {
        args.push("-e".into());
        args.push(e.to_string_lossy().into_owned());
    }
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let test = match cmd::run(&[], &argv, timeout).await {
        Ok(out) if out.success() => {
            let src = DumpSource::parse(&out.stdout);
            if let Some(main) = src.main().map(Path::to_path_buf) {
                let cfg = nginx_conf::load(&src, &main).map_err(|e| {
                    Unknown::new(tr!("host-nginx-dump-unparsable", error = e), None)
                })?;
                return Ok(analyze(
                    &cfg,
                    ConfigOrigin::NginxDashT,
                    parse_test_output(true, &out.stderr),
                ));
            }
            NginxTest::Ok { warnings: vec![] }
        }
        Ok(out) => parse_test_output(false, &out.stderr),
        Err(u) => NginxTest::NotRun {
            reason: u.to_string(),
        },
    };
    // Fall back to the files.
    let main = match (&q.config, &q.prefix) {
        (Some(c), Some(p)) if c.is_relative() => p.join(c),
        (Some(c), _) => c.clone(),
        (None, Some(p)) => p.join("conf/nginx.conf"),
        (None, None) => PathBuf::from("/etc/nginx/nginx.conf"),
    };
    let main_for_blocking = main.clone();
    let loaded =
        tokio::task::spawn_blocking(move || nginx_conf::load(&DiskSource, &main_for_blocking))
            .await
            .map_err(|e| Unknown::new(tr!("host-nginx-reader-failed", error = e), None))?;
    match loaded {
        Ok(cfg) => Ok(analyze(&cfg, ConfigOrigin::Files, test)),
        // A failed test is a fact even when the files cannot be analysed (a syntax error
        // usually stops both): keep it, so the diagnosis can name the broken file and line.
        Err(e) if matches!(test, NginxTest::Failed { .. }) => Ok(NginxFacts {
            origin: ConfigOrigin::TestOnly,
            main_config: main,
            files: Vec::new(),
            test,
            servers: Vec::new(),
            upstreams: Vec::new(),
            warnings: vec![tr!("host-nginx-files-not-analysed", error = e)],
            secure_link_secrets: Vec::new(),
        }),
        Err(e) => {
            // The file's own reading says "permission denied" (or, in Chinese, 权限不足).
            let hint = if cmd::looks_like_permission(&e.message) {
                Some(tr!("host-hint-sudo"))
            } else if e.line == 0 {
                Some(tr!("host-nginx-config-path-hint"))
            } else {
                None
            };
            let why = match &test {
                NginxTest::NotRun { reason } => {
                    tr!("host-nginx-files-after-notrun", why = reason, error = e)
                }
                NginxTest::Failed { message, .. } => {
                    tr!(
                        "host-nginx-files-after-failed",
                        message = message,
                        error = e
                    )
                }
                NginxTest::Ok { .. } => e.to_string(),
            };
            Err(Unknown::new(why, hint))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::sockets::Owner;

    fn names(n: &[&str]) -> BTreeSet<String> {
        n.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn targets_parse() {
        let u = names(&["docservice"]);
        assert_eq!(
            parse_target("http://docservice", &u),
            Target::Upstream {
                scheme: Some("http".into()),
                name: "docservice".into()
            }
        );
        assert_eq!(
            parse_target("https://example.org/path", &u),
            Target::Address {
                scheme: Some("https".into()),
                host: "example.org".into(),
                port: 443
            }
        );
        assert_eq!(
            parse_target("http://[::1]:8000/x", &u),
            Target::Address {
                scheme: Some("http".into()),
                host: "::1".into(),
                port: 8000
            }
        );
        assert_eq!(
            parse_target("http://unix:/run/a.sock:/uri", &u),
            Target::Unix {
                scheme: Some("http".into()),
                path: "/run/a.sock".into()
            }
        );
        assert_eq!(
            parse_target("unix:/run/php.sock", &u),
            Target::Unix {
                scheme: None,
                path: "/run/php.sock".into()
            }
        );
        assert_eq!(
            parse_target("127.0.0.1:9009", &u),
            Target::Address {
                scheme: None,
                host: "127.0.0.1".into(),
                port: 9009
            }
        );
        assert!(matches!(
            parse_target("http://$bk:8080", &u),
            Target::Variable { .. }
        ));
    }

    fn listener(addr: &str, port: u16, v6: bool, pid: i32) -> Listener {
        Listener {
            proto: Proto::Tcp,
            addr: addr.parse().expect("test setup"),
            port,
            ipv6_socket: v6,
            inode: 1,
            uid: 0,
            owner: Owner::Process {
                pid,
                name: "node".into(),
                shared_with: vec![],
            },
        }
    }

    #[test]
    fn mapping_exact_wildcard_other_address_and_none() {
        // Both families, as `localhost` resolves on most boxes (what this box's /etc/hosts
        // gives it is `targets::hosts_entries`' test).
        let text = "http { upstream docservice { server 127.0.0.1:8000; server [::1]:8000; }\n\
            server { listen 80; server_name ds;\n\
              location / { proxy_pass http://docservice; }\n\
              location /a { proxy_pass http://127.0.0.1:8001; }\n\
              location /b { proxy_pass http://127.0.0.1:8002; }\n\
              location /c { proxy_pass http://127.0.0.1:8003; }\n\
              location /r { proxy_pass http://192.0.2.77:80; }\n\
              location /h { proxy_pass http://app.internal:80; } } }";
        let cfg = Config {
            main: "/n.conf".into(),
            directives: nginx_conf::parse_text(Path::new("/n.conf"), text).expect("test setup"),
            ..Config::default()
        };
        let facts = analyze(
            &cfg,
            ConfigOrigin::Files,
            NginxTest::Ok { warnings: vec![] },
        );
        let socks = vec![
            listener("::1", 8000, true, 10),
            listener("0.0.0.0", 8001, false, 11),
            listener("10.0.0.5", 8002, false, 12),
        ];
        let m = proxy_target_map(&facts, &socks);
        let find = |ep: &str| m.iter().find(|x| x.endpoint == ep).expect("test setup");
        assert_eq!(find("127.0.0.1:8000").status, TargetStatus::OtherAddress);
        assert_eq!(
            find("127.0.0.1:8000").upstream.as_deref(),
            Some("docservice")
        );
        assert_eq!(find("[::1]:8000").status, TargetStatus::Listening);
        assert_eq!(find("[::1]:8000").listeners[0].pid, Some(10));
        assert_eq!(find("127.0.0.1:8001").status, TargetStatus::Listening);
        assert_eq!(find("127.0.0.1:8002").status, TargetStatus::OtherAddress);
        assert_eq!(find("127.0.0.1:8003").status, TargetStatus::NoListener);
        assert_eq!(find("192.0.2.77:80").status, TargetStatus::Remote);
        assert_eq!(find("app.internal:80").status, TargetStatus::Unresolved);
        assert_eq!(m.len(), 7, "the upstream gives two endpoints");
    }

    #[test]
    fn header_inheritance_replaces_and_settings_inherit() {
        let text = "http { proxy_read_timeout 300s; proxy_set_header X-Forwarded-Proto $scheme;\n\
            server { listen 80; proxy_buffer_size 16k;\n\
              location / { proxy_pass http://127.0.0.1:1; }\n\
              location /ws { proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection upgrade; proxy_read_timeout 1h; proxy_next_upstream off; proxy_pass http://127.0.0.1:2;\n\
                 location /ws/inner { proxy_pass http://127.0.0.1:3; } } } }";
        let cfg = Config {
            main: "/n.conf".into(),
            directives: nginx_conf::parse_text(Path::new("/n.conf"), text).expect("test setup"),
            ..Config::default()
        };
        let f = analyze(
            &cfg,
            ConfigOrigin::Files,
            NginxTest::Ok { warnings: vec![] },
        );
        let locs = &f.servers[0].locations;
        assert_eq!(locs.len(), 3);
        let root = &locs[0].settings;
        assert_eq!(root.read_timeout.value, "300s");
        assert_eq!(root.read_timeout.from, Level::Http);
        assert_eq!(root.buffer_size.value, "16k");
        assert_eq!(root.buffer_size.from, Level::Server);
        assert_eq!(root.connect_timeout.value, "60s");
        assert_eq!(root.connect_timeout.from, Level::Default);
        assert_eq!(root.next_upstream.value, "error timeout");
        assert_eq!(root.next_upstream.from, Level::Default);
        assert_eq!(root.header("x-forwarded-proto"), Some("$scheme"));
        assert_eq!(root.header("Host"), Some("$proxy_host"));
        let ws = &locs[1].settings;
        assert_eq!(
            ws.header("X-Forwarded-Proto"),
            None,
            "replaced at location level"
        );
        assert_eq!(ws.header("Upgrade"), Some("$http_upgrade"));
        assert_eq!(ws.header("Connection"), Some("upgrade"));
        assert_eq!(ws.read_timeout.value, "1h");
        assert_eq!(ws.next_upstream.value, "off");
        assert_eq!(ws.next_upstream.from, Level::Location);
        let inner = &locs[2];
        assert_eq!(inner.path, "/ws/inner");
        assert_eq!(inner.settings.header("Upgrade"), Some("$http_upgrade"));
        assert_eq!(inner.settings.read_timeout.value, "1h");
    }

    #[test]
    fn test_output_parses_error_location() {
        let t = parse_test_output(
            false,
            "nginx: [emerg] unknown directive \"proxy_pas\" in /etc/nginx/conf.d/ds.conf:12\n\
             nginx: configuration file /etc/nginx/nginx.conf test failed\n",
        );
        match t {
            NginxTest::Failed {
                message,
                file,
                line,
                hint,
            } => {
                assert!(message.starts_with("[emerg] unknown directive"));
                assert_eq!(file, Some(PathBuf::from("/etc/nginx/conf.d/ds.conf")));
                assert_eq!(line, Some(12));
                assert_eq!(hint, None);
            }
            other => panic!("{other:?}"),
        }
        let denied = "nginx: [alert] could not open error log file: open() \"/var/log/nginx/error.log\" failed (13: Permission denied)\n";
        let t = parse_test_output_as(false, denied, true);
        assert!(matches!(t, NginxTest::Failed { hint: Some(_), .. }));
        // Not root: the same failure says nothing about the configuration.
        match parse_test_output_as(false, denied, false) {
            NginxTest::NotRun { reason } => {
                assert!(reason.starts_with("needs root: "), "{reason}");
                assert!(reason.contains("Permission denied"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        // A real error beside a permission complaint is still the config's fault.
        let both = "nginx: [alert] could not open error log file: open() \"/var/log/nginx/error.log\" failed (13: Permission denied)\n\
                    nginx: [emerg] unknown directive \"proxy_pas\" in /etc/nginx/conf.d/ds.conf:12\n";
        assert!(matches!(
            parse_test_output_as(false, both, false),
            NginxTest::Failed { line: Some(12), .. }
        ));
        // The pid file of a running nginx as a non-root user (the case).
        let pid = "nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n\
                   nginx: [emerg] open() \"/run/nginx.pid\" failed (13: Permission denied)\n\
                   nginx: configuration file /etc/nginx/nginx.conf test failed\n";
        assert!(matches!(
            parse_test_output_as(false, pid, false),
            NginxTest::NotRun { .. }
        ));
    }

    #[test]
    fn secure_link_secrets_are_kept_as_fingerprints() {
        let text = "http { server { listen 80; set $secure_link_secret verysecretstring;\n\
              location ~* ^(\\/cache\\/files.*)(\\/.*) { secure_link $arg_md5,$arg_expires; } } }";
        let cfg = Config {
            main: "/ds.conf".into(),
            directives: nginx_conf::parse_text(Path::new("/ds.conf"), text).expect("test setup"),
            ..Config::default()
        };
        let facts = analyze(
            &cfg,
            ConfigOrigin::Files,
            NginxTest::Ok { warnings: vec![] },
        );
        assert_eq!(facts.secure_link_secrets.len(), 1);
        let s = &facts.secure_link_secrets[0];
        assert_eq!(s.variable, "$secure_link_secret");
        assert_eq!(
            s.fingerprint,
            crate::config::secret::fingerprint("verysecretstring")
        );
        assert_eq!(s.at, "/ds.conf:1");
        let json = serde_json::to_string(&facts).expect("json");
        assert!(
            !json.contains("verysecretstring"),
            "the secret itself never leaves"
        );
    }
}
