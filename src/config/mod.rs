//! Configuration: the TOML schema, the embedded profiles (`onlyoffice`, `generic`), discovery
//! of the config file, validation with file/line/hint, and masking of secrets.
//!
//! Discovery order: `--config FILE`, `$TRIAGE502_CONFIG`,
//! `$XDG_CONFIG_HOME/triage502/config.toml` (or `~/.config/...`), `/etc/triage502/config.toml`;
//! with none, the embedded `onlyoffice` profile. Every field has a default, so an empty file is
//! a valid config.
//!
//! The current folder is never searched: a config names programs triage502 runs (`[nginx]
//! binary`, `[integration] occ`, custom actions), and an admin running it as root from a
//! folder another user owns (`/var/www/nextcloud`) would run that user's programs as root.
//! For the same reason every config file, however it was found, must belong to root or to the
//! effective user and be writable by nobody else, its folders likewise
//! ([`crate::fsafe::check_trusted`]); another is refused, naming the file and its owner.

pub mod fleet;
mod generic;
pub mod keys;
pub use generic::generic;
pub mod secret;
mod validate;
pub mod watch;

pub use secret::Secret;
pub use validate::{Problem, check_service_name, check_text};

use crate::tr;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The embedded `onlyoffice` profile: a stock deb/rpm ONLYOFFICE Docs install.
pub const ONLYOFFICE_PROFILE: &str = include_str!("../../assets/profile-onlyoffice.toml");
/// A commented starting config written by `config init`.
pub const INIT_TEMPLATE: &str = include_str!("../../assets/config-init.toml");

/// The whole configuration.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Name of the profile this config was made from (informational).
    pub profile: String,
    /// Refuse every recovery action.
    pub read_only: bool,
    /// Theme name (dark, light, high-contrast, monochrome).
    pub theme: String,
    /// Language of the console and the text outputs (`en`, `zh-CN`); unset: the environment
    /// (`LC_ALL`, `LC_MESSAGES`, `LANG`). `--lang` wins; JSON and Nagios stay English.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// Probe scheduling.
    pub probe: ProbeSettings,
    /// The chain, from the user towards the application.
    #[serde(rename = "hop", skip_serializing_if = "Vec::is_empty")]
    pub hops: Vec<Hop>,
    /// ONLYOFFICE Document Server settings (JWT).
    pub onlyoffice: OnlyOffice,
    /// Log files to read.
    pub logs: Logs,
    /// Services that make up the chain.
    #[serde(rename = "service", skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<Service>,
    /// How to reach nginx (for `nginx -T`, `nginx -t`, reload).
    pub nginx: Nginx,
    /// Recovery action settings.
    pub actions: ActionSettings,
    /// Custom recovery actions.
    #[serde(rename = "action", skip_serializing_if = "Vec::is_empty")]
    pub custom_actions: Vec<CustomAction>,
    /// Key bindings: command = "key" (see `config::keys::Command`).
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub keys: std::collections::BTreeMap<String, String>,
    /// Mouse support in the console (off: it blocks text selection over SSH).
    pub mouse: bool,
    /// The integrator embedding the Document Server (Nextcloud, Seafile, ...): where its
    /// settings live and which of its URLs the Document Server must reach.
    pub integration: Integration,
    /// `triage502 watch`: hold rounds, pacing, silences.
    pub watch: watch::WatchSettings,
    /// `triage502 watch`'s alert receivers.
    #[serde(rename = "alert", skip_serializing_if = "Vec::is_empty")]
    pub alerts: Vec<watch::AlertReceiver>,
    /// `triage502 fleet`: the hosts and how ssh reaches them.
    #[serde(skip_serializing_if = "fleet::Fleet::is_default")]
    pub fleet: fleet::Fleet,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            profile: "custom".into(),
            read_only: false,
            theme: "dark".into(),
            lang: None,
            probe: ProbeSettings::default(),
            hops: Vec::new(),
            onlyoffice: OnlyOffice::default(),
            logs: Logs::default(),
            services: Vec::new(),
            nginx: Nginx::default(),
            actions: ActionSettings::default(),
            custom_actions: Vec::new(),
            keys: Default::default(),
            mouse: false,
            integration: Integration::default(),
            watch: watch::WatchSettings::default(),
            alerts: Vec::new(),
            fleet: fleet::Fleet::default(),
        }
    }
}

/// Recovery action settings.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ActionSettings {
    /// Audit log file (default `$XDG_STATE_HOME/triage502/audit.log`, or
    /// `/var/log/triage502/audit.log` as root).
    pub audit_log: Option<PathBuf>,
    /// Time an action may run before it is killed, milliseconds.
    pub timeout_ms: u64,
    /// nftables ruleset loaded by `reload:firewall` on nftables hosts.
    pub nft_ruleset: PathBuf,
}

impl Default for ActionSettings {
    fn default() -> Self {
        ActionSettings {
            audit_log: None,
            timeout_ms: 60_000,
            nft_ruleset: "/etc/nftables.conf".into(),
        }
    }
}

/// A recovery action defined in the config. Runs as argv, never through a shell.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CustomAction {
    /// Stable id, e.g. `custom:flush-cache`.
    pub id: String,
    /// What it does, shown in the preview.
    pub description: String,
    /// Program and arguments; never interpreted by a shell.
    pub argv: Vec<String>,
    /// Finding ids it addresses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fixes: Vec<String>,
    /// Whether it needs root (then `sudo -n` is used when not root).
    #[serde(default)]
    pub needs_root: bool,
}

/// Probe scheduling settings.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ProbeSettings {
    /// Time between the starts of two rounds, in milliseconds.
    pub interval_ms: u64,
    /// Default timeout of one hop, in milliseconds.
    pub timeout_ms: u64,
}

impl Default for ProbeSettings {
    fn default() -> Self {
        ProbeSettings {
            interval_ms: 2000,
            timeout_ms: 3000,
        }
    }
}

/// What a hop probes.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum HopKind {
    /// Name resolution of `target` (a host name).
    Dns,
    /// TCP connect to `target` (`host:port`).
    Tcp,
    /// TLS handshake with `target` (`host:port`), certificate checks.
    Tls,
    /// HTTP request to `url`.
    Http,
    /// Document Server `/healthcheck` at `url`.
    DocserverHealth,
    /// Document Server command service (`{"c":"version"}`) at `url`.
    DocserverCommand,
    /// WebSocket upgrade handshake at `url` (`http://`/`https://`), e.g. the editor's
    /// `/doc/<id>/c/?EIO=4&transport=websocket`.
    Websocket,
}

impl HopKind {
    /// The stable name used in config and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            HopKind::Dns => "dns",
            HopKind::Tcp => "tcp",
            HopKind::Tls => "tls",
            HopKind::Http => "http",
            HopKind::DocserverHealth => "docserver-health",
            HopKind::DocserverCommand => "docserver-command",
            HopKind::Websocket => "websocket",
        }
    }

    /// Whether the hop is addressed by `url` (else by `target`).
    pub fn uses_url(self) -> bool {
        matches!(
            self,
            HopKind::Http
                | HopKind::DocserverHealth
                | HopKind::DocserverCommand
                | HopKind::Websocket
        )
    }
}

/// Where a hop sits in the request chain; the diagnosis uses it.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Name resolution of the public host.
    Dns,
    /// The reverse proxy itself (nginx's listening port).
    Proxy,
    /// A request that goes through the proxy to the application.
    ViaProxy,
    /// The application behind the proxy (what nginx proxies to).
    Upstream,
    /// A service the application depends on (database, queue).
    Dependency,
    /// The integrator's storage / callback side.
    Storage,
    /// Anything else.
    #[default]
    Other,
}

/// One hop of the chain.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Hop {
    /// Short unique name shown in the console (`nginx`, `docservice`, ...).
    pub name: String,
    /// What is probed.
    pub kind: HopKind,
    /// Role in the chain.
    #[serde(default)]
    pub role: Role,
    /// `host` for dns, `host:port` for tcp/tls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// URL for http-like kinds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Host header to send (probe through the proxy exactly as a browser would).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_header: Option<String>,
    /// Expected HTTP status (default 200).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect_status: Option<u16>,
    /// Expected substring of the body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect_body: Option<String>,
    /// Timeout of this hop in milliseconds (default: `probe.timeout_ms`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
    /// Accept certificates that do not verify (still reported as WARN).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub insecure: bool,
    /// PEM file of the CA (or CAs) that issued this hop's certificate, trusted besides the
    /// system's for this hop only (internal CAs); `tls` hops and `https` URLs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
    /// Name of the service (in `[[service]]`) behind this hop, for diagnosis and actions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
}

impl Hop {
    /// What the hop points at, for display: the URL or the target.
    pub fn display_target(&self) -> &str {
        self.url.as_deref().or(self.target.as_deref()).unwrap_or("")
    }

    /// The TCP port the hop connects to (its URL's, else its target's).
    pub fn port(&self) -> Option<u16> {
        match (&self.target, &self.url) {
            (_, Some(u)) => crate::util::UrlParts::parse(u).ok().map(|p| p.port),
            (Some(t), None) => crate::util::split_host_port(t).map(|(_, p)| p),
            _ => None,
        }
    }
}

/// ONLYOFFICE Document Server settings.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct OnlyOffice {
    /// The Document Server's `local.json`.
    pub local_json: PathBuf,
    /// The Document Server's `default.json` (read under `local.json`).
    pub default_json: PathBuf,
    /// The integrator's JWT secret (e.g. Nextcloud's `jwt_secret`); when empty, the secret from
    /// `local.json` is used to sign probe tokens.
    pub jwt_secret: Option<Secret>,
    /// Header carrying the token (default `Authorization`).
    pub jwt_header: String,
}

impl Default for OnlyOffice {
    fn default() -> Self {
        OnlyOffice {
            local_json: "/etc/onlyoffice/documentserver/local.json".into(),
            default_json: "/etc/onlyoffice/documentserver/default.json".into(),
            jwt_secret: None,
            // i18n: not text (a header name)
            jwt_header: "Authorization".into(),
        }
    }
}

/// Which system embeds the Document Server.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum IntegrationKind {
    /// Nextcloud with the `onlyoffice` app: `config.php` and/or `occ`.
    Nextcloud,
    /// Seafile: `seahub_settings.py`.
    Seafile,
    /// ownCloud with the `onlyoffice` app (read like Nextcloud: `config.php` and/or `occ`).
    Owncloud,
    /// Another integrator: only the values given in this section.
    Custom,
    /// No integrator configured: the integrator's secret is `[onlyoffice] jwt_secret` if set.
    #[default]
    None,
}

/// `[integration]`: the integrator's side of the ONLYOFFICE integration (read by
/// `crate::onlyoffice`). Every field is optional; secrets are shown only as fingerprints.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Integration {
    /// `nextcloud`, `seafile`, `owncloud`, `custom` or `none` (default).
    pub kind: IntegrationKind,
    /// Nextcloud's (or ownCloud's) `config.php`, read for its `'onlyoffice' => [...]` array.
    pub nextcloud_config: PathBuf,
    /// argv prefix that runs `occ`, e.g. `["php","/var/www/nextcloud/occ"]`; when set,
    /// `occ config:app:get onlyoffice KEY` fills what `config.php` does not set. It runs as the
    /// owner of `nextcloud_config` (`runuser -u OWNER --` when triage502 is root; a leading
    /// `sudo -u USER` here is dropped), or not at all.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub occ: Vec<String>,
    /// Seafile's `seahub_settings.py`.
    pub seahub_settings: PathBuf,
    /// The integrator's JWT secret given directly (wins over files; else `[onlyoffice] jwt_secret`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jwt_secret: Option<Secret>,
    /// The integrator's JWT header given directly.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jwt_header: Option<String>,
    /// Integrator URLs the Document Server must reach (downloads, callbacks), checked from here.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub storage_urls: Vec<String>,
    /// The public Document Server URL the integrator (and the browser) uses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_server_url: Option<String>,
    /// The integrator's own base URL (an https one with an http Document Server is mixed content).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub integrator_url: Option<String>,
    /// Name of the Document Server's Docker container, for `docker inspect` (`JWT_*` env).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub docker_container: Option<String>,
    /// Mirrors the Document Server's
    /// `services.CoAuthoring.request-filtering-agent.allowPrivateIPAddress`: when false, storage
    /// URLs resolving to private addresses are reported as blocked.
    pub allow_private_ip: bool,
}

impl Default for Integration {
    fn default() -> Self {
        Integration {
            kind: IntegrationKind::None,
            nextcloud_config: "/var/www/nextcloud/config/config.php".into(),
            occ: Vec::new(),
            seahub_settings: "/opt/seafile/conf/seahub_settings.py".into(),
            jwt_secret: None,
            jwt_header: None,
            storage_urls: Vec::new(),
            document_server_url: None,
            integrator_url: None,
            docker_container: None,
            allow_private_ip: false,
        }
    }
}

/// Log files.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Logs {
    /// nginx error logs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub nginx_error: Vec<PathBuf>,
    /// nginx access logs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub nginx_access: Vec<PathBuf>,
    /// Document Server logs (`docservice/out.log`, `converter/out.log`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub docserver: Vec<PathBuf>,
}

/// How a service is managed.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// Detect: systemd, then supervisor, then docker.
    #[default]
    Auto,
    /// systemd unit.
    Systemd,
    /// supervisor program.
    Supervisor,
    /// docker container.
    Docker,
}

/// A service of the chain.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Name shown and used in action ids (`restart:NAME`).
    pub name: String,
    /// How it is managed.
    #[serde(default)]
    pub backend: Backend,
    /// systemd unit / supervisor program / container name; defaults to `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// `supervisorctl -c FILE` for supervisor-managed services.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supervisor_config: Option<PathBuf>,
}

/// How to reach nginx.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Nginx {
    /// The nginx binary.
    pub binary: PathBuf,
    /// `-c FILE` (empty: nginx's compiled-in default).
    pub config: Option<PathBuf>,
    /// `-p DIR`.
    pub prefix: Option<PathBuf>,
}

impl Default for Nginx {
    fn default() -> Self {
        Nginx {
            binary: "nginx".into(),
            config: None,
            prefix: None,
        }
    }
}

/// Where the effective config came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A file on disk.
    File(PathBuf),
    /// An embedded profile.
    Embedded(&'static str),
    /// The generic profile built from URLs on the command line.
    Generic,
    /// Built from what runs on this box (`crate::discover`), no config file being there.
    Discovered,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::File(p) => write!(f, "{}", p.display()),
            Source::Embedded(n) => f.write_str(&tr!("config-source-embedded", name = n)),
            Source::Generic => f.write_str(&tr!("config-source-generic")),
            Source::Discovered => f.write_str(&tr!("config-source-discovered")),
        }
    }
}

/// A config that failed to load: every problem found, each with file, line and hint.
#[derive(Debug)]
pub struct LoadError {
    /// The file (or profile) that was read.
    pub source: String,
    /// What is wrong.
    pub problems: Vec<Problem>,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}", p.render(&self.source))?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

/// The `source` of a [`LoadError`] that is a usage error of the command line.
pub const USAGE_SOURCE: &str = "usage";

impl LoadError {
    /// Whether the options contradict each other (not a problem of a file).
    pub fn is_usage(&self) -> bool {
        self.source == USAGE_SOURCE
    }
}

/// Options that select the config (from the command line).
#[derive(Debug, Clone, Default)]
pub struct Selector {
    /// `--config FILE`.
    pub file: Option<PathBuf>,
    /// `--profile NAME`.
    pub profile: Option<String>,
    /// `--proxy-url` for the generic profile.
    pub proxy_url: Option<String>,
    /// `--app-url` for the generic profile.
    pub app_url: Option<String>,
    /// `--app-expect-status`: what a healthy application answers (generic profile; default 200).
    pub app_expect_status: Option<u16>,
}

impl Selector {
    /// Why these options cannot go together, when they cannot: `--proxy-url`/`--app-url`
    /// build the generic profile, so they imply `--profile generic` and exclude `--config` and
    /// `--profile onlyoffice`; `--app-expect-status` only adjusts the generic profile.
    pub fn usage_error(&self) -> Option<String> {
        let both = self.proxy_url.is_some() && self.app_url.is_some();
        let urls = match (&self.proxy_url, &self.app_url) {
            (Some(_), Some(_)) => tr!("config-usage-both-urls"),
            (Some(_), None) => "--proxy-url".to_string(),
            (None, Some(_)) => "--app-url".to_string(),
            (None, None) => String::new(),
        };
        let generic = !urls.is_empty() || self.profile.as_deref() == Some("generic");
        if let (true, Some(f)) = (generic, &self.file) {
            let what = if urls.is_empty() {
                // i18n: not text (options of the command line)
                "--profile generic".to_string()
            } else {
                urls
            };
            return Some(tr!(
                "config-usage-generic-with-config",
                what = what,
                file = f.display()
            ));
        }
        if !urls.is_empty()
            && let Some(p) = self.profile.as_deref().filter(|p| *p != "generic")
        {
            return Some(if both {
                tr!("config-usage-urls-imply-generic", urls = urls, profile = p)
            } else {
                tr!("config-usage-url-implies-generic", urls = urls, profile = p)
            });
        }
        if self.app_expect_status.is_some() && !generic {
            return Some(tr!("config-usage-expect-status"));
        }
        None
    }
}

/// The candidate files, in discovery order (first existing wins).
pub fn candidates() -> Vec<PathBuf> {
    let mut v = Vec::new();
    if let Some(p) = std::env::var_os("TRIAGE502_CONFIG").filter(|p| !p.is_empty()) {
        v.push(PathBuf::from(p));
    }
    v.extend(user_path());
    v.push(PathBuf::from(SYSTEM_PATH));
    v
}

/// The system-wide config file.
pub const SYSTEM_PATH: &str = "/etc/triage502/config.toml";

/// The user's config file: `$XDG_CONFIG_HOME/triage502/config.toml`, else
/// `~/.config/triage502/config.toml`; `None` without either (never the current folder).
pub fn user_path() -> Option<PathBuf> {
    if let Some(x) = std::env::var_os("XDG_CONFIG_HOME").filter(|p| !p.is_empty()) {
        return Some(Path::new(&x).join("triage502/config.toml"));
    }
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(|h| Path::new(&h).join(".config/triage502/config.toml"))
}

/// Where `config init` writes without a FILE: [`SYSTEM_PATH`] as root, else [`user_path`].
pub fn init_path() -> Option<PathBuf> {
    if crate::util::is_root() {
        Some(PathBuf::from(SYSTEM_PATH))
    } else {
        user_path()
    }
}

/// Load the effective config following the discovery order.
pub fn load(sel: &Selector) -> Result<(Config, Source), LoadError> {
    if let Some(e) = sel.usage_error() {
        return Err(LoadError {
            source: USAGE_SOURCE.into(),
            problems: vec![Problem::plain(e, None)],
        });
    }
    let urls = sel.proxy_url.is_some() || sel.app_url.is_some();
    match sel.profile.as_deref() {
        _ if urls => return generic(sel).map(|c| (c, Source::Generic)),
        Some("generic") => return generic(sel).map(|c| (c, Source::Generic)),
        Some("onlyoffice") if sel.file.is_none() => {
            return parse(
                ONLYOFFICE_PROFILE,
                &Source::Embedded("onlyoffice").to_string(),
            )
            .map(|c| (c, Source::Embedded("onlyoffice")));
        }
        Some("onlyoffice") | None => {}
        Some(other) => {
            return Err(LoadError {
                source: "--profile".into(),
                problems: vec![Problem::plain(
                    tr!("config-unknown-profile", profile = other),
                    Some(tr!("config-unknown-profile-hint")),
                )],
            });
        }
    }
    if let Some(f) = &sel.file {
        return load_file(f).map(|c| (c, Source::File(f.clone())));
    }
    for c in candidates() {
        if c.is_file() {
            return load_file(&c).map(|cfg| (cfg, Source::File(c)));
        }
    }
    parse(
        ONLYOFFICE_PROFILE,
        &Source::Embedded("onlyoffice").to_string(),
    )
    .map(|c| (c, Source::Embedded("onlyoffice")))
}

/// Whether [`load`] would fall back to the embedded profile: no option selects a config and no
/// config file exists (then the front-ends discover the chain instead, see `crate::discover`).
pub fn nothing_selected(sel: &Selector) -> bool {
    sel.usage_error().is_none()
        && sel.file.is_none()
        && sel.profile.is_none()
        && sel.proxy_url.is_none()
        && sel.app_url.is_none()
        && !candidates().iter().any(|c| c.is_file())
}

/// Read and validate one file.
pub fn load_file(path: &Path) -> Result<Config, LoadError> {
    let source = path.display().to_string();
    // A config decides what triage502 runs: only root or the effective user may control it.
    // (A missing file is left to the read below, for its usual message.)
    if path.exists() {
        crate::fsafe::check_trusted(path, &tr!("config-file-what")).map_err(|e| LoadError {
            source: source.clone(),
            problems: vec![Problem::plain(e, Some(tr!("config-file-untrusted-hint")))],
        })?;
    }
    let bytes = std::fs::read(path).map_err(|e| LoadError {
        source: source.clone(),
        problems: vec![Problem::plain(
            tr!("config-cannot-read", error = crate::util::io_error_text(&e)),
            crate::util::io_error_hint(&e),
        )],
    })?;
    let text = String::from_utf8(bytes).map_err(|e| LoadError {
        source: source.clone(),
        problems: vec![Problem::plain(
            tr!("config-not-utf8", offset = e.utf8_error().valid_up_to()),
            Some(tr!("config-not-utf8-hint")),
        )],
    })?;
    parse(&text, &source)
}

/// Parse and validate config text; `source` names it in messages.
pub fn parse(text: &str, source: &str) -> Result<Config, LoadError> {
    validate::validated(text).map_err(|problems| LoadError {
        source: source.to_string(),
        problems,
    })
}

impl Config {
    /// Whether the ONLYOFFICE checks (integration report: both sides' JWT, storage, forwarded
    /// headers) belong to this chain: not for the generic profile, which knows nothing of a
    /// Document Server.
    pub fn onlyoffice_checks(&self) -> bool {
        self.profile != "generic"
    }

    /// Timeout of a hop.
    pub fn hop_timeout(&self, hop: &Hop) -> std::time::Duration {
        std::time::Duration::from_millis(hop.timeout_ms.unwrap_or(self.probe.timeout_ms))
    }

    /// The config as TOML, secrets masked (for `config show`).
    pub fn to_masked_toml(&self) -> String {
        toml::to_string_pretty(self)
            .unwrap_or_else(|e| format!("# {}\n", tr!("config-cannot-render", error = e)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_profile_is_valid_and_matches_a_stock_install() {
        let c = parse(ONLYOFFICE_PROFILE, "embedded").expect("embedded profile parses");
        assert_eq!(c.profile, "onlyoffice");
        let ds = c
            .hops
            .iter()
            .find(|h| h.name == "docservice")
            .expect("docservice hop");
        assert_eq!(ds.target.as_deref(), Some("127.0.0.1:8000"));
        let names: Vec<_> = c.services.iter().map(|s| s.name.as_str()).collect();
        for s in [
            "nginx",
            "ds-docservice",
            "ds-converter",
            "postgresql",
            "rabbitmq-server",
            "redis-server",
        ] {
            assert!(names.contains(&s), "missing service {s}");
        }
        // Redis is in the chain as a dependency, like RabbitMQ and PostgreSQL.
        let redis = c
            .hops
            .iter()
            .find(|h| h.name == "redis")
            .expect("redis hop");
        assert_eq!(
            (
                redis.target.as_deref(),
                redis.role,
                redis.service.as_deref()
            ),
            (
                Some("127.0.0.1:6379"),
                Role::Dependency,
                Some("redis-server")
            )
        );
        assert!(
            c.onlyoffice
                .local_json
                .ends_with("onlyoffice/documentserver/local.json")
        );
    }

    #[test]
    fn init_template_is_valid() {
        parse(INIT_TEMPLATE, "init").expect("init template parses");
    }

    #[test]
    fn empty_file_is_valid() {
        let c = parse("", "empty").expect("empty parses");
        assert_eq!(c.probe.interval_ms, 2000);
    }

    #[test]
    fn generic_profile_from_two_urls() {
        let c = generic(&Selector {
            proxy_url: Some("https://office.example.org/".into()),
            app_url: Some("http://127.0.0.1:3000/health".into()),
            ..Selector::default()
        })
        .expect("generic");
        let kinds: Vec<_> = c.hops.iter().map(|h| (h.name.as_str(), h.kind)).collect();
        assert_eq!(
            kinds,
            vec![
                ("dns", HopKind::Dns),
                ("proxy", HopKind::Tcp),
                ("proxy-tls", HopKind::Tls),
                ("via-proxy", HopKind::Http),
                ("app", HopKind::Tcp),
                ("app-http", HopKind::Http)
            ]
        );
        assert_eq!(c.hops[1].target.as_deref(), Some("office.example.org:443"));
        assert_eq!(c.hops[4].target.as_deref(), Some("127.0.0.1:3000"));
        assert!(generic(&Selector::default()).is_err());
    }

    #[test]
    fn secrets_are_masked_in_show() {
        let c = parse("[onlyoffice]\njwt_secret = \"s3cr3t-value-1234\"\n", "t").expect("parses");
        let shown = c.to_masked_toml();
        assert!(!shown.contains("s3cr3t-value-1234"), "{shown}");
        assert!(shown.contains("jwt_secret"), "{shown}");
        assert_eq!(
            c.onlyoffice.jwt_secret.as_ref().map(|s| s.expose()),
            Some("s3cr3t-value-1234")
        );
    }
}
