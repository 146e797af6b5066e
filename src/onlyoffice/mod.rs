//! ONLYOFFICE integration checks: do the Document Server and the system that embeds it
//! (Nextcloud, Seafile, ownCloud, a custom app) agree?
//!
//! - **JWT on both sides** ([`sides`], [`command`]): the Document Server's token settings
//!   (`local.json` over `default.json`, the Docker container's `JWT_*`) against the
//!   integrator's (`config.php` / `occ`, `seahub_settings.py`, or the triage502 config),
//!   compared as fingerprints; then the command service is probed once with a token signed by
//!   each side's secret, and the verdict says which one the running Document Server accepts.
//!   The answer's `Date` header gives the clock skew.
//! - **Storage and callbacks** ([`storage`]): the integrator's URLs that the Document Server
//!   must reach, fetched from where the Document Server stands — this box, or as root the
//!   network namespace of a Document Server in a container ([`netns`]): redirects, untrusted
//!   certificates, private addresses, timeouts; plus a CORS preflight.
//! - **Forwarded headers and mixed content** ([`headers`]) from the parsed nginx config.
//! - **Deployment** ([`deploy`]): a Docker Document Server without `JWT_SECRET` (a new secret
//!   at every start), and the Nextcloud connector's own `settings_error`.
//!
//! [`collect`] gathers everything into an [`IntegrationReport`] (serializable, no secret in
//! it: secrets live only in `#[serde(skip)]` fields), and [`render_text`] shows it as plain
//! text. This is a fact room: the findings and the walkthrough's "integration and auth" checks
//! are written by the diagnosis, which takes the report as one more input
//! (`diagnose::Input::integration`).
//!
//! `collect` is slower than one probe round (it may run `occ` and `docker inspect`, and it
//! sends one or two signed command-service requests), so the engine runs it once per
//! `check`/`report` round and in the console with the host facts, after them so the nginx
//! facts can be passed in.
//!
//! Evidence sources: `integration:docserver-config`, `integration:docker`,
//! `integration:nextcloud-config`, `integration:occ`, `integration:seahub-settings`,
//! `integration:config`, `integration:compare`, `integration:command-probe`,
//! `integration:storage`, `host:nginx`.

pub mod command;
pub mod deploy;
pub mod headers;
pub mod netns;
pub mod php;
pub mod pyset;
mod render;
pub mod sides;
pub mod storage;

pub use command::{CommandCheck, SKEW_LIMIT_SECS, TokenOutcome, TokenProbe};
pub use headers::{MixedContent, ProxyHeaderCheck};
pub use render::render_text;
pub use sides::{CompareItem, DsSide, IntegratorSide};
pub use storage::{Preflight, StorageCheck, StorageIssue};

use crate::config::{Config, IntegrationKind};
use crate::host::nginx::NginxFacts;
use crate::verdict::Unchecked;
use serde::Serialize;
use std::time::Duration;

/// Everything the integration checks found. Holds no secret value.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct IntegrationReport {
    /// The configured integrator kind.
    pub kind: IntegrationKind,
    /// The Document Server's side.
    pub docserver: DsSide,
    /// The integrator's side.
    pub integrator: IntegratorSide,
    /// Setting-by-setting comparison.
    pub comparison: Vec<CompareItem>,
    /// The command-service probe with each secret.
    pub command: CommandCheck,
    /// Storage / callback URLs checked from here.
    pub storage: Vec<StorageCheck>,
    /// CORS preflight, when a Document Server URL and a storage URL are known.
    pub preflight: Option<Preflight>,
    /// Forwarded-header checks of locations in front of the Document Server (None: no nginx
    /// facts were given).
    pub headers: Option<Vec<ProxyHeaderCheck>>,
    /// Docservice ports used to recognise Document Server locations.
    pub docservice_ports: Vec<u16>,
    /// Mixed content, when found.
    pub mixed_content: Option<MixedContent>,
    /// What could not be checked, and why.
    pub unknown: Vec<Unchecked>,
}

fn join_url(base: &str, path: &str) -> String {
    format!("{}{}", base.trim_end_matches('/'), path)
}

/// The URLs the Document Server must reach, with their purpose.
pub fn storage_targets(cfg: &Config, ig: &IntegratorSide) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = Vec::new();
    let is_http = |u: &str| u.starts_with("http://") || u.starts_with("https://");
    match cfg.integration.kind {
        IntegrationKind::Nextcloud | IntegrationKind::Owncloud => {
            let base = ig
                .storage_url
                .clone()
                .or_else(|| cfg.integration.integrator_url.clone())
                .or_else(|| ig.base_url.clone())
                .filter(|b| is_http(b));
            if let Some(b) = base {
                v.push((
                    join_url(&b, "/apps/onlyoffice/empty"),
                    format!(
                        "{} file download (the Document Server fetches documents here)",
                        ig.name
                    ),
                ));
                v.push((
                    join_url(&b, "/status.php"),
                    format!("{} status (callbacks go to this host)", ig.name),
                ));
            }
        }
        IntegrationKind::Seafile => {
            for u in [&ig.file_server_url, &ig.base_url].into_iter().flatten() {
                if is_http(u) {
                    v.push((u.clone(), "Seafile (downloads and callbacks)".into()));
                }
            }
        }
        _ => {}
    }
    for u in &cfg.integration.storage_urls {
        if !v.iter().any(|(x, _)| x == u) {
            v.push((u.clone(), "configured storage URL".into()));
        }
    }
    v
}

/// The storage checks, from the Document Server's network namespace when it runs in another
/// one ([`netns`]), else from this box; when entering it fails, from this box with the reason
/// in `unknown`.
async fn storage_checks(
    cfg: &Config,
    client: &reqwest::Client,
    targets: &[(String, String)],
    opt: storage::StorageOptions,
    unknown: &mut Vec<Unchecked>,
) -> Vec<StorageCheck> {
    let preferred = cfg.onlyoffice.local_json.parent();
    let place = if targets.is_empty() {
        None
    } else {
        netns::find(preferred)
    };
    if let Some(p) = place {
        match netns::check_all(&p, targets, opt).await {
            Ok(v) => return v,
            Err(e) => unknown.push(Unchecked {
                what: "integration:storage".into(),
                why: format!(
                    "the Document Server ({}) runs in another network namespace, but the checks could not run there ({e}): checked from this box instead",
                    p.because
                ),
            }),
        }
    }
    futures_util::future::join_all(
        targets
            .iter()
            .map(|(u, p)| storage::check_url(client, u, p, opt)),
    )
    .await
}

/// Gather the integration facts. Bounded: every command and request has a timeout
/// (`probe.timeout_ms`, occ/docker at least 5 s), network checks run concurrently, and every
/// file or tool that cannot be read becomes an [`Unchecked`] entry with the reason.
pub async fn collect(cfg: &Config, nginx: Option<&NginxFacts>) -> IntegrationReport {
    let timeout = Duration::from_millis(cfg.probe.timeout_ms.clamp(200, 30_000));
    let tool_timeout = timeout.max(Duration::from_secs(5));
    let mut unknown = Vec::new();
    let ds = sides::read_docserver(cfg, tool_timeout, &mut unknown).await;
    let ig = sides::read_integrator(cfg, tool_timeout, &mut unknown).await;
    let comparison = sides::compare(&ds, &ig);

    let client = storage::client();
    let ds_url = ig
        .document_server_internal_url
        .clone()
        .or_else(|| ig.document_server_url.clone());
    let cmd_url = command::command_url(cfg, ds_url.as_deref());
    let targets = storage_targets(cfg, &ig);
    let opt = storage::StorageOptions {
        timeout,
        // Allowed, refused (the setting read, or absent from readable files: the default is
        // false), or unknown (the settings could not be read: no private-address verdict).
        allow_private_ip: if cfg.integration.allow_private_ip || ds.allow_private_ip == Some(true) {
            Some(true)
        } else if ds.allow_private_ip == Some(false)
            || (ds.config_unreadable.is_empty() && ds.config_errors.is_empty())
        {
            Some(false)
        } else {
            None
        },
        accept_untrusted: ds.reject_unauthorized == Some(false),
    };
    let public_ds = ig
        .document_server_url
        .clone()
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"));
    let (command, storage, preflight) = match &client {
        Ok(c) => {
            let cmd = command::check(Ok(c), cmd_url, &ds, &ig, timeout);
            let st = storage_checks(cfg, c, &targets, opt, &mut unknown);
            let pf = async {
                match (&public_ds, targets.first()) {
                    (Some(origin), Some((u, _))) => {
                        Some(storage::preflight(c, u, origin.trim_end_matches('/'), timeout).await)
                    }
                    _ => None,
                }
            };
            tokio::join!(cmd, st, pf)
        }
        Err(e) => {
            unknown.push(Unchecked {
                what: "integration:http".into(),
                why: e.clone(),
            });
            (
                command::check(Err(e.clone()), cmd_url, &ds, &ig, timeout).await,
                Vec::new(),
                None,
            )
        }
    };
    if targets.is_empty() {
        unknown.push(Unchecked {
            what: "integration:storage".into(),
            why: "no storage URL known: set [integration] storage_urls or integrator_url (Nextcloud: StorageUrl or overwrite.cli.url)".into(),
        });
    }

    let ports = headers::docservice_ports(cfg);
    let hdrs = nginx.map(|n| headers::check_forwarded_headers(n, &ports));
    if nginx.is_none() {
        unknown.push(Unchecked {
            what: "integration:forwarded-headers".into(),
            why: "nginx configuration not available: forwarded headers not checked".into(),
        });
    }
    let integrator_url = cfg
        .integration
        .integrator_url
        .clone()
        .or_else(|| ig.base_url.clone());
    let (ds_pub, ds_src) = match (
        &cfg.integration.document_server_url,
        &ig.document_server_url,
    ) {
        (Some(u), _) => (
            Some(u.clone()),
            "[integration] document_server_url".to_string(),
        ),
        (None, Some(u)) => (
            Some(u.clone()),
            ig.sources
                .first()
                .cloned()
                .unwrap_or_else(|| "integrator".into()),
        ),
        _ => (None, String::new()),
    };
    let mixed = headers::mixed_content(integrator_url.as_deref(), ds_pub.as_deref(), &ds_src);

    IntegrationReport {
        kind: cfg.integration.kind,
        docserver: ds,
        integrator: ig,
        comparison,
        command,
        storage,
        preflight,
        headers: hdrs,
        docservice_ports: ports,
        mixed_content: mixed,
        unknown,
    }
}
