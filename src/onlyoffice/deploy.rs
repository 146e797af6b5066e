//! Facts about how the Document Server and its connector are deployed, beyond the JWT values
//! themselves:
//!
//! - [`DockerJwt`]: whether a Docker Document Server has `JWT_SECRET` in its environment. The
//!   image's start script (`run-document-server.sh`, 7.2 and later) turns JWT on by default and,
//!   without `JWT_SECRET`, writes a new random secret (`pwgen -s 32`) at every start: the next
//!   restart breaks the integrator that was given the current one.
//! - [`ConnectorState`]: the Nextcloud/ownCloud connector's own verdict, its app value
//!   `settings_error` (`occ config:app:get onlyoffice settings_error`). The connector writes it
//!   when its connection check fails and then refuses to open documents, without saying why in
//!   the user's face. triage502 remembers when it first saw a given text ([`first_seen`]) in
//!   its state folder (beside the fingerprint key), keyed by the text's fingerprint.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A Docker Document Server's JWT environment, from `docker inspect`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DockerJwt {
    /// The container as configured.
    pub container: String,
    /// `Config.Image` (`onlyoffice/documentserver:8.1`).
    pub image: Option<String>,
    /// `JWT_ENABLED` as given (`None`: not set).
    pub jwt_enabled: Option<String>,
    /// `JWT_SECRET` is set and not empty (its value is never kept here).
    pub secret_set: bool,
    /// A volume or bind mount over `/etc/onlyoffice/documentserver` (a `local.json` that
    /// outlives the container), its source.
    pub config_mount: Option<String>,
}

impl DockerJwt {
    /// The image's version from its tag (`…:7.1.1` → (7, 1)); none for `latest` or a digest.
    pub fn image_version(&self) -> Option<(u32, u32)> {
        let image = self.image.as_deref()?;
        let tag = image.rsplit_once(':').map(|(_, t)| t)?;
        if tag.contains('/') {
            return None; // a registry port, not a tag
        }
        let mut it = tag.split(['.', '-']).map(|p| p.parse::<u32>().ok());
        Some((it.next()??, it.next().flatten().unwrap_or(0)))
    }

    /// Whether JWT is on in the container: `JWT_ENABLED` when given, else the image's default
    /// (on since 7.2; off before).
    pub fn jwt_on(&self) -> bool {
        match self.jwt_enabled.as_deref().map(str::trim) {
            Some(v) => v.eq_ignore_ascii_case("true"),
            None => self.image_version().is_none_or(|v| v >= (7, 2)),
        }
    }

    /// JWT is on and no secret is given: a new random one at every start.
    pub fn secret_is_ephemeral(&self) -> bool {
        self.jwt_on() && !self.secret_set
    }
}

/// The JWT facts of the first container in `docker inspect` output.
pub fn docker_jwt(inspect_json: &str, container: &str) -> Result<DockerJwt, String> {
    let v: Value = serde_json::from_str(inspect_json)
        .map_err(|e| format!("docker inspect output is not JSON: {e}"))?;
    let first = match &v {
        Value::Array(a) => a.first().ok_or("docker inspect returned no container")?,
        Value::Object(_) => &v,
        _ => return Err("docker inspect output is not an array".into()),
    };
    let env = super::sides::docker_env(inspect_json)?;
    let config_mount = first
        .get("Mounts")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|m| {
            m.get("Destination")
                .and_then(Value::as_str)
                .is_some_and(|d| d.trim_end_matches('/') == "/etc/onlyoffice/documentserver")
        })
        .map(|m| {
            m.get("Source")
                .or_else(|| m.get("Name"))
                .and_then(Value::as_str)
                .unwrap_or("a volume")
                .to_string()
        });
    Ok(DockerJwt {
        container: container.to_string(),
        image: first
            .pointer("/Config/Image")
            .and_then(Value::as_str)
            .map(str::to_string),
        jwt_enabled: env.get("JWT_ENABLED").cloned(),
        secret_set: env.get("JWT_SECRET").is_some_and(|s| !s.trim().is_empty()),
        config_mount,
    })
}

/// The connector's `settings_error` as read with `occ`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ConnectorState {
    /// The text (`None`: the key is not set: the connector's last check passed or never ran).
    pub settings_error: Option<String>,
    /// When triage502 first saw this text (RFC 3339), when it has one.
    pub first_seen: Option<String>,
    /// Why the first time is not known across runs (no state folder), when it is not.
    pub first_seen_note: Option<String>,
}

/// The state file remembering when a `settings_error` text was first seen.
const SEEN_FILE: &str = "connector-settings-error.json";

/// The folder of triage502's state (where the fingerprint key lives).
pub fn state_dir() -> Option<PathBuf> {
    std::env::var_os(crate::config::secret::KEY_ENV)
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(crate::config::secret::default_key_path)
        .and_then(|p| p.parent().map(Path::to_path_buf))
}

/// When this `settings_error` text was first seen: read from `dir`'s state file when it holds
/// the same text's fingerprint, else `now`, written there. `text` `None` (no error) forgets
/// the remembered one. Errors are sentences; the time is then `now` for this run only.
pub fn first_seen(
    dir: &Path,
    text: Option<&str>,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, String> {
    let path = dir.join(SEEN_FILE);
    let Some(text) = text else {
        if std::fs::symlink_metadata(&path).is_ok() {
            std::fs::remove_file(&path)
                .map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
        }
        return Ok(now);
    };
    let fp = crate::config::secret::fingerprint(text);
    if let Ok((bytes, false)) = crate::fsafe::read_capped(&path, 4096, false)
        && let Ok(v) = serde_json::from_slice::<Value>(&bytes)
        && v.get("fingerprint").and_then(Value::as_str) == Some(fp.as_str())
        && let Some(t) = v
            .get("first_seen")
            .and_then(Value::as_str)
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
    {
        return Ok(t.with_timezone(&Utc));
    }
    crate::fsafe::ensure_private_dir(dir)?;
    let body = serde_json::json!({"fingerprint": fp, "first_seen": now.to_rfc3339()});
    let mut f = crate::fsafe::open_write(&path, crate::fsafe::WriteMode::Truncate, 0o600)?;
    std::io::Write::write_all(&mut f, format!("{body}\n").as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(now)
}

/// The connector state for an `occ` answer (`None`: key not set), with its first-seen time.
pub fn connector_state(settings_error: Option<String>) -> ConnectorState {
    let text = settings_error.filter(|t| !t.trim().is_empty());
    let now = Utc::now();
    let (first_seen, note) = match state_dir() {
        Some(dir) => match first_seen(&dir, text.as_deref(), now) {
            Ok(t) => (t, None),
            Err(e) => (now, Some(format!("first seen in this run only: {e}"))),
        },
        None => (
            now,
            Some("first seen in this run only: no state folder for triage502".into()),
        ),
    };
    ConnectorState {
        first_seen: text.as_ref().map(|_| first_seen.to_rfc3339()),
        first_seen_note: text.as_ref().and(note),
        settings_error: text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_versions_and_the_default_of_jwt() {
        let d = |image: &str, enabled: Option<&str>, secret: bool| DockerJwt {
            container: "oo".into(),
            image: Some(image.into()),
            jwt_enabled: enabled.map(str::to_string),
            secret_set: secret,
            config_mount: None,
        };
        assert_eq!(
            d("onlyoffice/documentserver:7.1.1", None, false).image_version(),
            Some((7, 1))
        );
        assert_eq!(
            d("registry:5000/onlyoffice/documentserver", None, false).image_version(),
            None
        );
        assert_eq!(
            d("onlyoffice/documentserver:latest", None, false).image_version(),
            None
        );
        // Before 7.2 JWT was off unless asked for; since, on by default.
        assert!(!d("onlyoffice/documentserver:7.1", None, false).secret_is_ephemeral());
        assert!(d("onlyoffice/documentserver:7.1", Some("true"), false).secret_is_ephemeral());
        assert!(d("onlyoffice/documentserver:8.1", None, false).secret_is_ephemeral());
        assert!(d("onlyoffice/documentserver", None, false).secret_is_ephemeral());
        assert!(!d("onlyoffice/documentserver:8.1", Some("false"), false).secret_is_ephemeral());
        assert!(!d("onlyoffice/documentserver:8.1", None, true).secret_is_ephemeral());
    }

    #[test]
    fn first_seen_is_kept_for_the_same_text_and_forgotten_when_cleared() {
        let t = tempfile::tempdir().expect("tempdir");
        let dir = t.path().join("state");
        let t0 = DateTime::parse_from_rfc3339("2026-11-28T10:00:00Z")
            .expect("time")
            .with_timezone(&Utc);
        let t1 = t0 + chrono::Duration::hours(2);
        assert_eq!(first_seen(&dir, Some("Error A"), t0), Ok(t0));
        assert_eq!(first_seen(&dir, Some("Error A"), t1), Ok(t0));
        // Another text is another incident.
        assert_eq!(first_seen(&dir, Some("Error B"), t1), Ok(t1));
        assert_eq!(first_seen(&dir, None, t1), Ok(t1));
        assert!(!dir.join(SEEN_FILE).exists());
        assert_eq!(
            first_seen(&dir, Some("Error B"), t1 + chrono::Duration::hours(1)),
            Ok(t1 + chrono::Duration::hours(1))
        );
    }
}
