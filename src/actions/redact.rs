//! The one redactor: masks every secret the program knows and every JWT-shaped token, in
//! anything it shows or writes (action previews, output and audit lines, reports, `check`,
//! `config show`, `logs` output, the console).
//!
//! The secrets are collected into one process-wide set, from every source the program reads:
//!
//! - the config: `[onlyoffice] jwt_secret`, `[integration] jwt_secret` ([`learn_config`]);
//! - the Document Server's `local.json` and `default.json` (every
//!   `services.CoAuthoring.secret.*.string`), Nextcloud/ownCloud `config.php`, Seafile
//!   `seahub_settings.py` ([`learn_config`] reads them, cheaply, once per config);
//! - what the engine reads at run time: the container's `JWT_SECRET` (`docker inspect`) and
//!   `occ config:app:get onlyoffice jwt_secret` ([`learn`] is called where they are read).
//!
//! [`known`] gives the redactor of everything learned so far; every output path uses it, so a
//! secret found by any reader is masked in every output from then on. A secret is shown as
//! [`crate::config::Secret::masked`] (`<secret hmac:…>`), a JWT as [`JWT_MASK`].
//!
//! A secret is looked for as it is and as JSON or TOML would escape it, so the same
//! [`Redactor::redact`] works on plain text, on serialized JSON and on TOML. The Document
//! Server's stock placeholder `secret` (shipped in every `default.json`, public) is not masked:
//! it would mask the word everywhere and protects nothing.

use crate::config::{Config, IntegrationKind, Secret};
pub use crate::util::{JWT_MASK, mask_jwts};
use std::path::Path;
use std::sync::{Arc, RwLock};

/// The public placeholder of the Document Server's `default.json`: never masked.
pub const PUBLIC_PLACEHOLDER: &str = "secret";
/// At most this many secrets are remembered (a long console session re-reads rotated ones).
const MAX_SECRETS: usize = 256;
/// Config files read for secrets are read up to this size.
const MAX_READ: u64 = 4 << 20;

/// One secret: the forms it may take in a text and what replaces it.
#[derive(Clone)]
struct Known {
    value: String,
    needles: Vec<String>,
    mask: String,
}

/// Redacts a set of secrets and every JWT-looking token.
#[derive(Clone, Default)]
pub struct Redactor {
    secrets: Arc<Vec<Known>>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Redactor({} secrets)", self.secrets.len())
    }
}

fn known_of(s: &Secret) -> Known {
    let v = s.expose();
    let mut needles = vec![v.to_string()];
    // As serde_json writes it inside a string.
    if let Ok(j) = serde_json::to_string(v) {
        needles.push(j[1..j.len() - 1].to_string());
    }
    // As toml writes it (a basic or a literal string).
    let t = toml::Value::String(v.to_string()).to_string();
    for q in ["\"\"\"", "'''", "\"", "'"] {
        if let Some(inner) = t.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            needles.push(inner.to_string());
            break;
        }
    }
    needles.retain(|n| !n.is_empty());
    needles.sort();
    needles.dedup();
    Known {
        value: v.to_string(),
        needles,
        mask: s.masked(),
    }
}

impl Redactor {
    /// Learns the config's secrets and those of the files it names ([`learn_config`]) and
    /// returns the redactor of every secret known so far ([`known`]).
    pub fn from_config(cfg: &Config) -> Self {
        learn_config(cfg);
        known()
    }

    /// Also mask this secret (empty values and the public placeholder are ignored).
    pub fn add(&mut self, s: Secret) {
        if worth_masking(s.expose()) && !self.secrets.iter().any(|k| k.value == s.expose()) {
            let mut v: Vec<Known> = (*self.secrets).clone();
            v.push(known_of(&s));
            self.secrets = Arc::new(v);
        }
    }

    /// How many secrets it masks.
    pub fn len(&self) -> usize {
        self.secrets.len()
    }

    /// Whether it masks no secret (JWTs are still masked).
    pub fn is_empty(&self) -> bool {
        self.secrets.is_empty()
    }

    /// The text with every known secret and every JWT masked. Overlapping matches are masked
    /// as one (nothing of either is left).
    pub fn redact(&self, text: &str) -> String {
        self.redact_cow(text).into_owned()
    }

    /// [`Redactor::redact`], borrowing when there is nothing to mask.
    pub fn redact_cow<'a>(&self, text: &'a str) -> std::borrow::Cow<'a, str> {
        let mut hits: Vec<(usize, usize, &str)> = crate::util::jwt_ranges(text)
            .into_iter()
            .map(|r| (r.start, r.end, JWT_MASK))
            .collect();
        for k in self.secrets.iter() {
            for n in &k.needles {
                hits.extend(
                    text.match_indices(n.as_str())
                        .map(|(i, m)| (i, i + m.len(), k.mask.as_str())),
                );
            }
        }
        if hits.is_empty() {
            return std::borrow::Cow::Borrowed(text);
        }
        // Leftmost first, longest first at one place; an overlapping match extends the one
        // before it.
        hits.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        let mut cur: Option<(usize, usize, &str)> = None;
        for h in hits {
            match &mut cur {
                Some(c) if h.0 < c.1 => c.1 = c.1.max(h.1),
                _ => {
                    if let Some((s, e, m)) = cur.take() {
                        out.push_str(&text[copied..s]);
                        out.push_str(m);
                        copied = e;
                    }
                    cur = Some(h);
                }
            }
        }
        if let Some((s, e, m)) = cur {
            out.push_str(&text[copied..s]);
            out.push_str(m);
            copied = e;
        }
        out.push_str(&text[copied..]);
        std::borrow::Cow::Owned(out)
    }

    /// Every element redacted.
    pub fn redact_all(&self, v: &[String]) -> Vec<String> {
        v.iter().map(|s| self.redact(s)).collect()
    }
}

fn worth_masking(v: &str) -> bool {
    !v.is_empty() && v != PUBLIC_PLACEHOLDER
}

/// What the process knows: the secrets and the redactor built from them.
static KNOWN: RwLock<Option<Redactor>> = RwLock::new(None);
/// Configs whose files were read already (their paths), so [`learn_config`] reads once.
static READ: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// The redactor of every secret learned so far in this process (JWTs are always masked).
pub fn known() -> Redactor {
    KNOWN
        .read()
        .map(|k| k.clone().unwrap_or_default())
        .unwrap_or_default()
}

/// Remember a secret: from now on it is masked in every output.
pub fn learn(s: &Secret) {
    if !worth_masking(s.expose()) {
        return;
    }
    if let Ok(mut k) = KNOWN.write() {
        let r = k.get_or_insert_with(Redactor::default);
        if r.secrets.len() < MAX_SECRETS {
            r.add(s.clone());
        }
    }
}

/// Learn the secrets of a config and of the files it names: `[onlyoffice] jwt_secret`,
/// `[integration] jwt_secret`, every `services.CoAuthoring.secret.*.string` of `local.json`
/// and `default.json`, and the integrator's `config.php` (Nextcloud, ownCloud) or
/// `seahub_settings.py` (Seafile). The files are read once per set of paths; unreadable ones
/// are skipped (the engine reports them).
pub fn learn_config(cfg: &Config) {
    for s in [&cfg.onlyoffice.jwt_secret, &cfg.integration.jwt_secret]
        .into_iter()
        .flatten()
    {
        learn(s);
    }
    let ig = &cfg.integration;
    let files: Vec<(&Path, &str)> = vec![
        (&cfg.onlyoffice.local_json, "ds"),
        (&cfg.onlyoffice.default_json, "ds"),
        match ig.kind {
            IntegrationKind::Nextcloud | IntegrationKind::Owncloud => (&ig.nextcloud_config, "php"),
            IntegrationKind::Seafile => (&ig.seahub_settings, "py"),
            IntegrationKind::Custom | IntegrationKind::None => (Path::new(""), ""),
        },
    ];
    let key = files
        .iter()
        .map(|(p, _)| p.display().to_string())
        .collect::<Vec<_>>()
        .join("\n");
    if READ.read().is_ok_and(|r| r.contains(&key)) {
        return;
    }
    for (path, kind) in files {
        if path.as_os_str().is_empty() {
            continue;
        }
        for v in secrets_in_file(path, kind) {
            learn(&Secret::new(v));
        }
    }
    if let Ok(mut r) = READ.write() {
        r.push(key);
    }
}

/// The secrets written in one file (`ds`: Document Server JSON, `php`: Nextcloud config.php,
/// `py`: seahub_settings.py).
fn secrets_in_file(path: &Path, kind: &str) -> Vec<String> {
    let Ok((bytes, _)) = crate::fsafe::read_capped(path, MAX_READ, true) else {
        return Vec::new();
    };
    let text = String::from_utf8_lossy(&bytes);
    match kind {
        "ds" => {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
                return Vec::new();
            };
            v.pointer("/services/CoAuthoring/secret")
                .and_then(serde_json::Value::as_object)
                .map(|o| {
                    o.values()
                        .filter_map(|s| s.pointer("/string").and_then(serde_json::Value::as_str))
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default()
        }
        "php" => crate::onlyoffice::php::parse_config(&text)
            .get("onlyoffice")
            .and_then(|o| o.get("jwt_secret"))
            .and_then(crate::onlyoffice::php::PhpValue::as_str)
            .map(|s| vec![s.to_string()])
            .unwrap_or_default(),
        "py" => crate::onlyoffice::pyset::parse(&text)
            .get("ONLYOFFICE_JWT_SECRET")
            .and_then(|a| a.value.as_str())
            .map(|s| vec![s.to_string()])
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// Also learn what only running commands tells: the Document Server container's `JWT_SECRET`
/// (`docker inspect`) and `occ`'s `jwt_secret`, by reading both sides as the engine does (the
/// readers call [`learn`]). For headless commands that do not run the engine (`action run`).
pub async fn learn_commands(cfg: &Config, timeout: std::time::Duration) {
    let mut unknown = Vec::new();
    if cfg.integration.docker_container.is_some() {
        let _ = crate::onlyoffice::sides::read_docserver(cfg, timeout, &mut unknown).await;
    }
    if !cfg.integration.occ.is_empty() {
        let _ = crate::onlyoffice::sides::read_integrator(cfg, timeout, &mut unknown).await;
    }
}

/// [`learn_commands`] for the commands that show the config without an async runtime
/// (`config show`, `action list`): a custom action's argv may hold the container's secret
/// (the value a fix sets on the other side), which only `docker inspect` tells. Runs nothing
/// when the config names no container and no `occ`. Returns false when the commands could not
/// be run (no runtime): the caller then shows nothing.
pub fn learn_commands_now(cfg: &Config) -> bool {
    if cfg.integration.docker_container.is_none() && cfg.integration.occ.is_empty() {
        return true;
    }
    match crate::util::runtime() {
        Ok(rt) => {
            let timeout = std::time::Duration::from_millis(cfg.probe.timeout_ms);
            rt.block_on(learn_commands(cfg, timeout));
            true
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_jwts_anywhere() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJjIjoidmVyc2lvbiJ9.dGVzdHNpZ25hdHVyZQ";
        let t = format!("Authorization: Bearer {jwt} tail");
        assert_eq!(
            mask_jwts(&t),
            format!("Authorization: Bearer {JWT_MASK} tail")
        );
        assert_eq!(mask_jwts(jwt), JWT_MASK);
        assert_eq!(
            mask_jwts(&format!("token={jwt}")),
            format!("token={JWT_MASK}")
        );
        // Not JWTs.
        for s in [
            "eyJ",
            "eyJabc",
            "eyJab.cd",
            "keyJab.cd.ef",
            "plain text é ü",
        ] {
            assert_eq!(mask_jwts(s), s);
        }
        // Unsigned token: empty third segment.
        assert_eq!(mask_jwts("eyJhbGc.eyJhYmM. x"), format!("{JWT_MASK} x"));
    }

    #[test]
    fn masks_the_configured_secrets() {
        let cfg = crate::config::parse(
            "[onlyoffice]\njwt_secret = \"s3cr3t-Value-42\"\nlocal_json = \"/nonexistent/l.json\"\n\
             [integration]\njwt_secret = \"integr4tor-Value-43\"\n",
            "t",
        )
        .expect("config parses");
        let r = Redactor::from_config(&cfg);
        let out = r.redact("secrets are s3cr3t-Value-42 and integr4tor-Value-43!");
        assert!(!out.contains("s3cr3t-Value-42"), "{out}");
        assert!(!out.contains("integr4tor-Value-43"), "{out}");
        assert!(out.contains("<secret hmac:"), "{out}");
        assert_eq!(Redactor::default().redact("abc"), "abc");
    }

    #[test]
    fn masks_secrets_of_the_files_and_escaped_forms() {
        let d = tempfile::tempdir().expect("tempdir");
        let local = d.path().join("local.json");
        std::fs::write(
            &local,
            r#"{"services":{"CoAuthoring":{"secret":{"inbox":{"string":"in-b0x-Secret"},"outbox":{"string":"out-b\"0x\\Secret"},"browser":{"string":"secret"}}}}}"#,
        )
        .expect("write");
        let php = d.path().join("config.php");
        std::fs::write(
            &php,
            "<?php\n$CONFIG = array('onlyoffice' => array('jwt_secret' => 'nc-PHP-secret-9'));\n",
        )
        .expect("write");
        let cfg = crate::config::parse(
            &format!(
                "[onlyoffice]\nlocal_json = \"{}\"\ndefault_json = \"/nonexistent/d.json\"\n\
                 [integration]\nkind = \"nextcloud\"\nnextcloud_config = \"{}\"\n",
                local.display(),
                php.display()
            ),
            "t",
        )
        .expect("config parses");
        let r = Redactor::from_config(&cfg);
        let text = "in-b0x-Secret nc-PHP-secret-9 out-b\"0x\\Secret";
        let out = r.redact(text);
        for s in ["in-b0x-Secret", "nc-PHP-secret-9", "out-b\"0x\\Secret"] {
            assert!(!out.contains(s), "{out}");
        }
        // As JSON escapes it.
        let json = serde_json::to_string(&serde_json::json!({"x": text})).expect("json");
        let out = r.redact(&json);
        assert!(!out.contains("0x\\\\Secret"), "{out}");
        assert!(
            serde_json::from_str::<serde_json::Value>(&out).is_ok(),
            "{out}"
        );
        // The public placeholder is left alone.
        assert_eq!(r.redact("jwt_secret secret"), "jwt_secret secret");
    }

    #[test]
    fn secrets_read_by_the_engine_are_learned() {
        // The container's environment (docker inspect) and Seafile's settings.
        let env = [("JWT_SECRET".to_string(), "Docker-Env-Secret-66".to_string())]
            .into_iter()
            .collect();
        let mut ds = crate::onlyoffice::DsSide::default();
        crate::onlyoffice::sides::apply_docker_env(&mut ds, &env, "docker inspect ds");
        let d = tempfile::tempdir().expect("tempdir");
        let py = d.path().join("seahub_settings.py");
        std::fs::write(&py, "ONLYOFFICE_JWT_SECRET = 'Seahub-Py-Secret-77'\n").expect("write");
        let cfg = crate::config::parse(
            &format!(
                "[onlyoffice]\nlocal_json = \"/nonexistent/l.json\"\n\
                 [integration]\nkind = \"seafile\"\nseahub_settings = \"{}\"\n",
                py.display()
            ),
            "t",
        )
        .expect("config parses");
        learn_config(&cfg);
        let out = known().redact("Docker-Env-Secret-66 Seahub-Py-Secret-77");
        assert!(
            !out.contains("Docker-Env") && !out.contains("Seahub-Py"),
            "{out}"
        );
    }

    #[test]
    fn overlapping_matches_leave_nothing() {
        let mut r = Redactor::default();
        r.add(Secret::new("abcdef-ovl"));
        r.add(Secret::new("def-ovl-xyz"));
        let out = r.redact("<abcdef-ovl-xyz>");
        // Pieces with a '-' or non-hex letters: the masks' hex fingerprints cannot hold them.
        assert!(!out.contains("-xyz") && !out.contains("abcdef-"), "{out}");
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJjIjoidmVyc2lvbiJ9.dGVzdHNpZ25hdHVyZQ";
        let mut r = Redactor::default();
        r.add(Secret::new("dGVzdHNpZ25hdHVyZQ-tail"));
        let out = r.redact(&format!("{jwt}-tail end"));
        assert!(!out.contains("tail") && !out.contains("dGVz"), "{out}");
        assert!(out.ends_with(" end"), "{out}");
    }
}
