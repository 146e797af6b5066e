//! The two sides of the JWT agreement: the Document Server's settings (`local.json` over
//! `default.json`, then the Docker container's `JWT_*` environment) and the integrator's
//! (Nextcloud/ownCloud `config.php` then `occ`, Seafile `seahub_settings.py`, or the values in
//! the triage502 config), and their comparison. Secrets are kept in fields that are never
//! serialized; only fingerprints travel into the report.

use super::{php, pyset};
use crate::config::{Config, IntegrationKind, Secret};
use crate::docserver::settings::DsTokenSettings;
use crate::verdict::State;
use crate::verdict::Unchecked;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

/// The Document Server's token settings.
#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct DsSide {
    /// Where the values came from (`/etc/.../local.json`, `docker inspect NAME`).
    pub sources: Vec<String>,
    /// `token.enable.request.inbox` (Docker: `JWT_ENABLED`).
    pub enabled: Option<bool>,
    /// The inbox secret (never serialized).
    #[serde(skip)]
    pub secret: Option<Secret>,
    /// Fingerprint of the inbox secret.
    pub fingerprint: Option<String>,
    /// `token.inbox.header` (Docker: `JWT_HEADER`).
    pub header: Option<String>,
    /// `token.inbox.inBody` (Docker: `JWT_IN_BODY`).
    pub in_body: Option<bool>,
    /// `requestDefaults.rejectUnauthorized`: false means the DS accepts untrusted storage certs.
    pub reject_unauthorized: Option<bool>,
    /// `request-filtering-agent.allowPrivateIPAddress`.
    pub allow_private_ip: Option<bool>,
    /// Fingerprint of `storage.fs.secretString` (the secure-link secret), when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secure_link_fingerprint: Option<String>,
    /// The Docker container's JWT environment, when `docker inspect` answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub docker: Option<super::deploy::DockerJwt>,
    /// Settings files (local.json, default.json) that do not parse: the Document Server does
    /// not start on them.
    pub config_errors: Vec<crate::docserver::settings::ConfigParseError>,
    /// Settings files that exist but could not be read: whether they parse is unknown.
    pub config_unreadable: Vec<String>,
}

/// The integrator's ONLYOFFICE settings.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct IntegratorSide {
    /// Which integrator.
    pub kind: IntegrationKind,
    /// How to call it in sentences ("Nextcloud", "the integrator").
    pub name: String,
    /// Where the values came from.
    pub sources: Vec<String>,
    /// Whether the integrator signs requests (it has a secret); Seafile: `ENABLE_ONLYOFFICE` too.
    pub enabled: Option<bool>,
    /// Whether the integration itself is switched on (Seafile `ENABLE_ONLYOFFICE`).
    pub integration_enabled: Option<bool>,
    /// The secret (never serialized).
    #[serde(skip)]
    pub secret: Option<Secret>,
    /// Where the secret came from.
    pub secret_source: Option<String>,
    /// Fingerprint of the secret.
    pub fingerprint: Option<String>,
    /// Header name the integrator uses.
    pub header: Option<String>,
    /// Public Document Server URL (Nextcloud `DocumentServerUrl`, Seafile from `ONLYOFFICE_APIJS_URL`).
    pub document_server_url: Option<String>,
    /// Nextcloud `DocumentServerInternalUrl`.
    pub document_server_internal_url: Option<String>,
    /// Nextcloud `StorageUrl`.
    pub storage_url: Option<String>,
    /// Certificate checks off (Nextcloud `verify_peer_off`; Seafile `VERIFY_ONLYOFFICE_CERTIFICATE = False`).
    pub verify_peer_off: Option<bool>,
    /// The integrator's own base URL (`overwrite.cli.url`, Seafile `SERVICE_URL`).
    pub base_url: Option<String>,
    /// Extra URLs the Document Server downloads from (Seafile `FILE_SERVER_ROOT`).
    pub file_server_url: Option<String>,
    /// The connector's own verdict (`occ config:app:get onlyoffice settings_error`), when occ
    /// answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connector: Option<super::deploy::ConnectorState>,
}

impl IntegratorSide {
    fn new(kind: IntegrationKind) -> Self {
        IntegratorSide {
            kind,
            name: integrator_name(kind).to_string(),
            sources: Vec::new(),
            enabled: None,
            integration_enabled: None,
            secret: None,
            secret_source: None,
            fingerprint: None,
            header: None,
            document_server_url: None,
            document_server_internal_url: None,
            storage_url: None,
            verify_peer_off: None,
            base_url: None,
            file_server_url: None,
            connector: None,
        }
    }

    /// "Nextcloud's", "the integrator's".
    pub fn possessive(&self) -> String {
        format!("{}'s", self.name)
    }

    fn set_secret(&mut self, s: &str, source: &str) {
        // Masked in every output, also when another source's secret wins.
        crate::actions::redact::learn(&Secret::new(s));
        if self.secret.is_none() && !s.is_empty() {
            let sec = Secret::new(s);
            self.fingerprint = Some(sec.fingerprint());
            self.secret = Some(sec);
            self.secret_source = Some(source.to_string());
        }
    }
}

/// How a kind of integrator is named in sentences.
pub fn integrator_name(kind: IntegrationKind) -> &'static str {
    match kind {
        IntegrationKind::Nextcloud => "Nextcloud",
        IntegrationKind::Seafile => "Seafile",
        IntegrationKind::Owncloud => "ownCloud",
        IntegrationKind::Custom | IntegrationKind::None => "the integrator",
    }
}

fn unreadable(path: &Path, e: &std::io::Error) -> String {
    let hint = if e.kind() == std::io::ErrorKind::PermissionDenied {
        " (run as root)"
    } else {
        ""
    };
    format!(
        "cannot read {}: {}{hint}",
        path.display(),
        crate::util::io_error_text(e)
    )
}

fn read_text(path: &Path, what: &str, unknown: &mut Vec<Unchecked>) -> Option<String> {
    match std::fs::read(path) {
        Ok(b) => Some(String::from_utf8_lossy(&b).into_owned()),
        Err(e) => {
            unknown.push(Unchecked {
                what: what.to_string(),
                why: unreadable(path, &e),
            });
            None
        }
    }
}

fn env_bool(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Some(true),
        "false" | "0" | "no" => Some(false),
        _ => None,
    }
}

/// The `Config.Env` of the first object of `docker inspect` output, as a map.
pub fn docker_env(inspect_json: &str) -> Result<BTreeMap<String, String>, String> {
    let v: Value = serde_json::from_str(inspect_json)
        .map_err(|e| format!("docker inspect output is not JSON: {e}"))?;
    let first = match &v {
        Value::Array(a) => a.first().ok_or("docker inspect returned no container")?,
        Value::Object(_) => &v,
        _ => return Err("docker inspect output is not an array".into()),
    };
    let env = first
        .pointer("/Config/Env")
        .and_then(Value::as_array)
        .ok_or("docker inspect output has no Config.Env")?;
    Ok(env
        .iter()
        .filter_map(Value::as_str)
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect())
}

/// Apply the Docker image's `JWT_*` variables over the file settings.
pub fn apply_docker_env(ds: &mut DsSide, env: &BTreeMap<String, String>, source: &str) {
    let mut used = false;
    if let Some(v) = env.get("JWT_ENABLED").and_then(|v| env_bool(v)) {
        ds.enabled = Some(v);
        used = true;
    }
    if let Some(s) = env.get("JWT_SECRET").filter(|s| !s.is_empty()) {
        let sec = Secret::new(s.as_str());
        crate::actions::redact::learn(&sec);
        ds.fingerprint = Some(sec.fingerprint());
        ds.secret = Some(sec);
        used = true;
    }
    if let Some(h) = env.get("JWT_HEADER").filter(|s| !s.is_empty()) {
        ds.header = Some(h.clone());
        used = true;
    }
    if let Some(v) = env.get("JWT_IN_BODY").and_then(|v| env_bool(v)) {
        ds.in_body = Some(v);
        used = true;
    }
    if used {
        ds.sources.push(source.to_string());
    }
}

/// Read the Document Server's side.
pub async fn read_docserver(
    cfg: &Config,
    timeout: Duration,
    unknown: &mut Vec<Unchecked>,
) -> DsSide {
    let oo = &cfg.onlyoffice;
    let t = DsTokenSettings::read(&oo.default_json, &oo.local_json);
    let mut ds = DsSide {
        enabled: t.inbox_enabled,
        fingerprint: t.inbox_secret.as_ref().map(Secret::fingerprint),
        secret: t.inbox_secret,
        header: t.header,
        in_body: t.in_body,
        reject_unauthorized: t.reject_unauthorized,
        allow_private_ip: t.allow_private_ip,
        secure_link_fingerprint: t.secure_link_secret.as_ref().map(Secret::fingerprint),
        config_errors: t.parse_errors,
        config_unreadable: t.unreadable,
        ..DsSide::default()
    };
    if let Some(sec) = &ds.secret {
        crate::actions::redact::learn(sec);
    }
    if let Some(sec) = &t.secure_link_secret {
        crate::actions::redact::learn(sec);
    }
    if oo.local_json.is_file() || ds.secret.is_some() {
        ds.sources.push(oo.local_json.display().to_string());
    }
    let file_problems = t.problems;
    if let Some(name) = &cfg.integration.docker_container {
        let source = format!("docker inspect {name}");
        let argv = ["docker", "inspect", "--", name];
        let checked = crate::config::check_service_name(name).map_err(|e| {
            crate::host::Unknown::new(format!("not running docker inspect: {e}"), None)
        });
        let ran = match checked {
            Ok(()) => crate::host::cmd::run(&[], &argv, timeout).await,
            Err(u) => Err(u),
        };
        match ran {
            Ok(out) if out.success() => match docker_env(&out.stdout) {
                Ok(env) => {
                    apply_docker_env(&mut ds, &env, &source);
                    ds.docker = super::deploy::docker_jwt(&out.stdout, name).ok();
                }
                Err(e) => unknown.push(Unchecked {
                    what: "integration:docker".into(),
                    why: e,
                }),
            },
            Ok(out) => unknown.push(Unchecked {
                what: "integration:docker".into(),
                why: format!(
                    "docker inspect {name} failed: {}{}",
                    out.first_message(),
                    if crate::host::cmd::looks_like_permission(&out.first_message()) {
                        " (run as root or in the docker group)"
                    } else {
                        ""
                    }
                ),
            }),
            Err(u) => unknown.push(Unchecked {
                what: "integration:docker".into(),
                why: format!(
                    "docker inspect {name}: {}{}",
                    u.reason,
                    u.hint.map(|h| format!(" ({h})")).unwrap_or_default()
                ),
            }),
        }
    }
    // A Docker install keeps local.json inside the container: its absence on the host is
    // expected when the container's environment gave the secret.
    let from_docker = ds.sources.iter().any(|s| s.starts_with("docker"));
    if !(from_docker && ds.secret.is_some()) {
        for p in file_problems {
            unknown.push(Unchecked {
                what: "integration:docserver-config".into(),
                why: p,
            });
        }
    }
    ds
}

/// Nextcloud/ownCloud keys of the `onlyoffice` app read from `config.php` and `occ`.
pub const NEXTCLOUD_KEYS: [&str; 6] = [
    "jwt_secret",
    "jwt_header",
    "DocumentServerUrl",
    "DocumentServerInternalUrl",
    "StorageUrl",
    "verify_peer_off",
];

/// Fill the integrator's side from Nextcloud `config.php` text.
pub fn apply_nextcloud_config(
    side: &mut IntegratorSide,
    text: &str,
    source: &str,
) -> Option<String> {
    let c = php::parse_config(text);
    let problem = c
        .problem
        .clone()
        .map(|p| format!("{source}: only partly read: {p}"));
    if side.base_url.is_none() {
        side.base_url = c
            .get("overwrite.cli.url")
            .and_then(php::PhpValue::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
    }
    let Some(oo) = c.get("onlyoffice") else {
        return problem.or_else(|| Some(format!("{source} has no 'onlyoffice' array")));
    };
    side.sources.push(source.to_string());
    let s = |k: &str| {
        oo.get(k)
            .and_then(php::PhpValue::as_str)
            .map(str::to_string)
    };
    if let Some(v) = s("jwt_secret") {
        side.set_secret(&v, source);
    }
    fill(&mut side.header, s("jwt_header"));
    fill(&mut side.document_server_url, s("DocumentServerUrl"));
    fill(
        &mut side.document_server_internal_url,
        s("DocumentServerInternalUrl"),
    );
    fill(&mut side.storage_url, s("StorageUrl"));
    if side.verify_peer_off.is_none() {
        side.verify_peer_off = oo.get("verify_peer_off").and_then(php::PhpValue::as_bool);
    }
    problem
}

fn fill(slot: &mut Option<String>, v: Option<String>) {
    if slot.is_none() {
        *slot = v.filter(|s| !s.is_empty());
    }
}

/// Fill the integrator's side from Seafile `seahub_settings.py` text.
pub fn apply_seahub_settings(side: &mut IntegratorSide, text: &str, source: &str) -> Vec<String> {
    let m = pyset::parse(text);
    let mut notes = Vec::new();
    let mut any = false;
    let mut s = |k: &str, notes: &mut Vec<String>| {
        let a = m.get(k)?;
        any = true;
        match &a.value {
            pyset::PyValue::Str(v) => Some(v.clone()),
            other => {
                if !matches!(other, pyset::PyValue::Bool(_)) {
                    notes.push(format!(
                        "{source}:{}: {k} is not a plain string, cannot read it",
                        a.line
                    ));
                }
                None
            }
        }
    };
    if let Some(v) = s("ONLYOFFICE_JWT_SECRET", &mut notes) {
        side.set_secret(&v, source);
    }
    let header = s("ONLYOFFICE_JWT_HEADER", &mut notes);
    fill(&mut side.header, header);
    if let Some(api) = s("ONLYOFFICE_APIJS_URL", &mut notes) {
        let base = api
            .find("/web-apps/")
            .map(|i| api[..i].to_string())
            .unwrap_or(api);
        fill(&mut side.document_server_url, Some(base));
    }
    let service = s("SERVICE_URL", &mut notes);
    fill(&mut side.base_url, service);
    let fs = s("FILE_SERVER_ROOT", &mut notes);
    fill(&mut side.file_server_url, fs);
    if let Some(a) = m.get("VERIFY_ONLYOFFICE_CERTIFICATE") {
        any = true;
        side.verify_peer_off = a.value.as_bool().map(|v| !v);
    }
    if let Some(a) = m.get("ENABLE_ONLYOFFICE") {
        any = true;
        side.integration_enabled = a.value.as_bool();
    }
    if any {
        side.sources.push(source.to_string());
    } else {
        notes.push(format!("{source} has no ONLYOFFICE_* settings"));
    }
    notes
}

/// The argv prefix that runs `occ` as the owner of Nextcloud's `config.php`, from `[integration]
/// occ` (`["php", "/var/www/nextcloud/occ"]`; a leading `sudo -u USER` / `runuser -u USER --`
/// is dropped: triage502 picks the user itself):
///
/// - we are that owner: the command as it is;
/// - we are root and the owner is not: `runuser -u OWNER -- COMMAND` (never occ as root, which
///   would run the www-data-writable Nextcloud code as root);
/// - otherwise: not at all, with the reason.
///
/// The shared runner then checks the programs and the script for the user they run as
/// ([`crate::host::cmd::command`]).
pub fn occ_command(occ: &[String], nextcloud_config: &Path) -> Result<Vec<String>, String> {
    use std::os::unix::fs::MetadataExt as _;
    let rest = strip_user_switch(occ);
    if rest.is_empty() {
        return Err("[integration] occ names no command".into());
    }
    let owner = std::fs::metadata(nextcloud_config)
        .map_err(|e| {
            format!(
                "not running occ: cannot tell whom it must run as (the owner of '{}'): {}",
                nextcloud_config.display(),
                crate::util::io_error_text(&e)
            )
        })?
        .uid();
    let me = crate::fsafe::euid();
    if owner == me {
        return Ok(rest.to_vec());
    }
    if me != 0 {
        return Err(format!(
            "not running occ: it must run as the owner of '{}', {}, and triage502 runs as {}; \
             run triage502 as root or as that user",
            nextcloud_config.display(),
            crate::fsafe::user_name(owner),
            crate::fsafe::user_name(me)
        ));
    }
    let name = crate::fsafe::login_name(owner).ok_or_else(|| {
        format!(
            "not running occ: the owner of '{}' (uid {owner}) has no name in /etc/passwd for runuser",
            nextcloud_config.display()
        )
    })?;
    let mut v: Vec<String> = ["runuser", "-u", &name, "--"].map(String::from).to_vec();
    v.extend(rest.iter().cloned());
    Ok(v)
}

/// `occ` without a leading `sudo …` / `runuser …` that switches the user.
fn strip_user_switch(occ: &[String]) -> &[String] {
    let is_switch = occ.first().is_some_and(|p| {
        let base = Path::new(p)
            .file_name()
            .and_then(|b| b.to_str())
            .unwrap_or("");
        base == "sudo" || base == "runuser"
    });
    if !is_switch {
        return occ;
    }
    let mut i = 1;
    while let Some(a) = occ.get(i) {
        match a.as_str() {
            "--" => return &occ[i + 1..],
            "-u" | "--user" | "-g" | "--group" => i += 2,
            a if a.starts_with('-') => i += 1,
            _ => return &occ[i..],
        }
    }
    &[]
}

async fn occ_get(
    prefix: &[String],
    key: &str,
    timeout: Duration,
) -> Result<Option<String>, String> {
    match crate::host::cmd::run(prefix, &["config:app:get", "onlyoffice", key], timeout).await {
        // occ exits 1 when the key is not set.
        Ok(out) if out.success() => Ok(Some(out.stdout.trim_end_matches(['\n', '\r']).to_string())),
        Ok(out) if out.code == Some(1) && out.first_message().is_empty() => Ok(None),
        Ok(out) => Err(out.first_message()),
        Err(u) => Err(format!(
            "{}{}",
            u.reason,
            u.hint.map(|h| format!(" ({h})")).unwrap_or_default()
        )),
    }
}

/// Read the integrator's side.
pub async fn read_integrator(
    cfg: &Config,
    timeout: Duration,
    unknown: &mut Vec<Unchecked>,
) -> IntegratorSide {
    let ig = &cfg.integration;
    let mut side = IntegratorSide::new(ig.kind);
    if let Some(s) = &ig.jwt_secret {
        side.set_secret(s.expose(), "[integration] jwt_secret");
        side.sources.push("[integration] (triage502 config)".into());
    }
    fill(&mut side.header, ig.jwt_header.clone());
    fill(
        &mut side.document_server_url,
        ig.document_server_url.clone(),
    );
    fill(&mut side.base_url, ig.integrator_url.clone());
    match ig.kind {
        IntegrationKind::Nextcloud | IntegrationKind::Owncloud => {
            let what = "integration:nextcloud-config";
            if let Some(text) = read_text(&ig.nextcloud_config, what, unknown) {
                let src = ig.nextcloud_config.display().to_string();
                if let Some(p) = apply_nextcloud_config(&mut side, &text, &src) {
                    unknown.push(Unchecked {
                        what: what.into(),
                        why: p,
                    });
                }
            }
            let occ = if ig.occ.is_empty() {
                unknown.push(Unchecked {
                    what: "integration:occ settings_error".into(),
                    why: "the connector's own verdict (settings_error) is read with occ: set [integration] occ".into(),
                });
                None
            } else {
                match occ_command(&ig.occ, &ig.nextcloud_config) {
                    Ok(v) => Some(v),
                    Err(why) => {
                        unknown.push(Unchecked {
                            what: "integration:occ".into(),
                            why,
                        });
                        None
                    }
                }
            };
            if let Some(occ) = occ {
                let futs = NEXTCLOUD_KEYS.iter().map(|k| occ_get(&occ, k, timeout));
                let (answers, settings_error) = tokio::join!(
                    futures_util::future::join_all(futs),
                    occ_get(&occ, "settings_error", timeout)
                );
                match settings_error {
                    Ok(v) => side.connector = Some(super::deploy::connector_state(v)),
                    Err(e) => unknown.push(Unchecked {
                        what: "integration:occ settings_error".into(),
                        why: format!(
                            "occ config:app:get onlyoffice settings_error failed: {}",
                            crate::util::shorten(&e, 160)
                        ),
                    }),
                }
                let mut used = false;
                let mut errors = Vec::new();
                for (k, a) in NEXTCLOUD_KEYS.iter().zip(answers) {
                    match a {
                        Ok(Some(v)) => {
                            used = true;
                            match *k {
                                "jwt_secret" => side.set_secret(&v, "occ"),
                                "jwt_header" => fill(&mut side.header, Some(v)),
                                "DocumentServerUrl" => fill(&mut side.document_server_url, Some(v)),
                                "DocumentServerInternalUrl" => {
                                    fill(&mut side.document_server_internal_url, Some(v))
                                }
                                "StorageUrl" => fill(&mut side.storage_url, Some(v)),
                                _ => {
                                    if side.verify_peer_off.is_none() {
                                        side.verify_peer_off = env_bool(&v);
                                    }
                                }
                            }
                        }
                        Ok(None) => {}
                        Err(e) => errors.push(format!("{k}: {e}")),
                    }
                }
                if used {
                    side.sources.push("occ config:app:get onlyoffice".into());
                }
                if let Some(first) = errors.first() {
                    unknown.push(Unchecked {
                        what: "integration:occ".into(),
                        why: format!(
                            "occ config:app:get onlyoffice failed for {} key(s), first: {}",
                            errors.len(),
                            crate::util::shorten(first, 160)
                        ),
                    });
                }
            }
        }
        IntegrationKind::Seafile => {
            let what = "integration:seahub-settings";
            if let Some(text) = read_text(&ig.seahub_settings, what, unknown) {
                let src = ig.seahub_settings.display().to_string();
                for n in apply_seahub_settings(&mut side, &text, &src) {
                    unknown.push(Unchecked {
                        what: what.into(),
                        why: n,
                    });
                }
            }
        }
        IntegrationKind::Custom | IntegrationKind::None => {}
    }
    if side.secret.is_none()
        && let Some(s) = &cfg.onlyoffice.jwt_secret
    {
        side.set_secret(s.expose(), "[onlyoffice] jwt_secret");
        side.sources.push("[onlyoffice] (triage502 config)".into());
        fill(&mut side.header, Some(cfg.onlyoffice.jwt_header.clone()));
    }
    if side.secret.is_none() && side.sources.is_empty() {
        unknown.push(Unchecked {
            what: "integration:integrator".into(),
            why: match ig.kind {
                IntegrationKind::None => "no integrator configured: set [integration] kind (nextcloud, seafile, owncloud, custom) or [onlyoffice] jwt_secret".into(),
                _ => format!("{}'s ONLYOFFICE settings could not be read", side.name),
            },
        });
    }
    side.enabled = if side.sources.is_empty() {
        None
    } else {
        Some(side.secret.is_some())
    };
    side
}

/// One compared setting.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CompareItem {
    /// `jwt enabled`, `header`, `token in body`, `secret`.
    pub what: &'static str,
    /// The Document Server's value (a fingerprint for the secret).
    pub docserver: String,
    /// The integrator's value.
    pub integrator: String,
    /// OK (same), FAIL/WARN (differ), UNKNOWN (a side is unknown).
    pub state: State,
    /// One line.
    pub note: String,
}

fn shown(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "unknown".into())
}

fn shown_bool(v: Option<bool>) -> String {
    match v {
        Some(true) => "on".into(),
        Some(false) => "off".into(),
        None => "unknown".into(),
    }
}

/// Compare the two sides.
pub fn compare(ds: &DsSide, ig: &IntegratorSide) -> Vec<CompareItem> {
    let who = ig.possessive();
    let mut out = Vec::new();
    let (state, note) = match (ds.enabled, ig.enabled) {
        (Some(a), Some(b)) if a == b => (State::Ok, "both sides agree".to_string()),
        (Some(true), Some(false)) => (
            State::Fail,
            format!(
                "the Document Server requires tokens but {} has no secret: every request is rejected",
                ig.name
            ),
        ),
        (Some(false), Some(true)) => (
            State::Warn,
            format!(
                "{} signs requests but the Document Server does not check them (anyone can use it)",
                ig.name
            ),
        ),
        _ => (State::Unknown, "one side is unknown".to_string()),
    };
    out.push(CompareItem {
        what: "jwt enabled",
        docserver: shown_bool(ds.enabled),
        integrator: shown_bool(ig.enabled),
        state,
        note,
    });
    let dh = ds.header.clone().or_else(|| Some("Authorization".into()));
    let ih = ig
        .header
        .clone()
        .or_else(|| ig.enabled.map(|_| "Authorization".into()));
    let (state, note) = match (&dh, &ih) {
        (Some(a), Some(b)) if a.eq_ignore_ascii_case(b) => (State::Ok, "same header".to_string()),
        (Some(a), Some(b)) => (
            State::Fail,
            format!("the Document Server reads the token from {a}, {who} sends it in {b}"),
        ),
        _ => (State::Unknown, "one side is unknown".to_string()),
    };
    out.push(CompareItem {
        what: "header",
        docserver: shown(&dh),
        integrator: shown(&ih),
        state,
        note,
    });
    // `token.inbox.inBody` defaults to false in default.json; the integrators send the token
    // in the body and in the header, so either setting works with them.
    out.push(CompareItem {
        what: "token in body",
        docserver: match ds.in_body {
            Some(b) => shown_bool(Some(b)),
            None => "off (default)".into(),
        },
        integrator: "body and header".into(),
        state: State::Ok,
        note: match ds.in_body {
            Some(true) => "the Document Server takes the token from the request body".into(),
            _ => "the Document Server takes the token from the header, or the body when present"
                .into(),
        },
    });
    let (state, note) = match (&ds.fingerprint, &ig.fingerprint) {
        (Some(a), Some(b)) if a == b => (State::Ok, format!("same secret (fingerprint {a})")),
        (Some(a), Some(b)) => (
            State::Fail,
            format!("different secrets: Document Server {a}, {who} {b}"),
        ),
        (None, Some(_)) => (
            State::Unknown,
            "the Document Server's secret could not be read".to_string(),
        ),
        (Some(_), None) => (State::Unknown, format!("{who} secret is not known")),
        (None, None) => (State::Unknown, "neither secret is known".to_string()),
    };
    out.push(CompareItem {
        what: "secret",
        docserver: shown(&ds.fingerprint),
        integrator: shown(&ig.fingerprint),
        state,
        note,
    });
    out
}
