//! The Document Server's settings (`local.json` over `default.json`: its token settings, and
//! the request settings the integration checks compare), which secret signs the probes, and
//! HS256 signing. A settings file that does not parse is a fact of its own
//! ([`ConfigParseError`]: file, line, column and the token there): the Document Server
//! refuses to start on it (`Cannot parse config file`).
//!
//! The secret is never printed; only its fingerprint travels into results and reports.

use crate::config::{Config, Secret};
use serde::Serialize;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The Document Server's token settings as read from its config files.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DsTokenSettings {
    /// `services.CoAuthoring.token.enable.request.inbox`.
    pub inbox_enabled: Option<bool>,
    /// `services.CoAuthoring.secret.inbox.string`.
    pub inbox_secret: Option<Secret>,
    /// `services.CoAuthoring.token.inbox.header`.
    pub header: Option<String>,
    /// `services.CoAuthoring.token.inbox.inBody`.
    pub in_body: Option<bool>,
    /// `services.CoAuthoring.requestDefaults.rejectUnauthorized`.
    pub reject_unauthorized: Option<bool>,
    /// `services.CoAuthoring.request-filtering-agent.allowPrivateIPAddress`.
    pub allow_private_ip: Option<bool>,
    /// `FileConverter.converter.maxDownloadBytes` (the converter's download limit; the
    /// Document Server's default is [`DEFAULT_MAX_DOWNLOAD_BYTES`]).
    pub max_download_bytes: Option<u64>,
    /// `storage.fs.secretString`: the secret of the secure links to `/cache/files` (nginx's
    /// `$secure_link_secret` must equal it).
    pub secure_link_secret: Option<Secret>,
    /// Problems met while reading (missing file, permission denied, bad JSON).
    pub problems: Vec<String>,
    /// Settings files that were read and do not parse.
    pub parse_errors: Vec<ConfigParseError>,
    /// Settings files that exist but could not be read (permission, size), with why: whether
    /// they parse is unknown.
    pub unreadable: Vec<String>,
}

/// A settings file that does not parse as JSON, where and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfigParseError {
    /// The file.
    pub file: String,
    /// 1-based line of the error.
    pub line: usize,
    /// 1-based column (in bytes, as the parser counts).
    pub column: usize,
    /// The text at that place (up to 24 characters of the line, from the column), or
    /// `end of file`.
    pub token: String,
    /// The parser's words, without its own ` at line L column C`.
    pub message: String,
}

impl ConfigParseError {
    /// From a serde_json error on `text` read from `file`.
    pub fn from_json_error(file: &Path, text: &[u8], e: &serde_json::Error) -> Self {
        let full = e.to_string();
        let message = match full.rfind(" at line ") {
            Some(i) => full[..i].to_string(),
            None => full,
        };
        let token = if e.is_eof() {
            "end of file".to_string()
        } else {
            token_at(text, e.line(), e.column())
        };
        ConfigParseError {
            file: file.display().to_string(),
            line: e.line(),
            column: e.column(),
            token,
            message,
        }
    }

    /// `FILE:LINE:COLUMN: MESSAGE (at `TOKEN`)`.
    pub fn describe(&self) -> String {
        format!(
            "{}:{}:{}: {} (at {})",
            self.file,
            self.line,
            self.column,
            self.message,
            if self.token == "end of file" {
                self.token.clone()
            } else {
                format!("`{}`", self.token)
            }
        )
    }
}

/// Up to 24 characters of line `line` from byte column `column` (both 1-based; serde_json
/// points at the byte where it stopped, so the column is clamped into the line).
fn token_at(text: &[u8], line: usize, column: usize) -> String {
    let Some(l) = text.split(|b| *b == b'\n').nth(line.saturating_sub(1)) else {
        return String::new();
    };
    let l = l.strip_suffix(b"\r").unwrap_or(l);
    let start = column.saturating_sub(1).min(l.len());
    let t = String::from_utf8_lossy(&l[start..]);
    let t = t.trim_end();
    let t = if t.is_empty() {
        String::from_utf8_lossy(l).trim().to_string()
    } else {
        t.to_string()
    };
    let short: String = t.chars().filter(|c| !c.is_control()).take(24).collect();
    short
}

/// The Document Server's default `FileConverter.converter.maxDownloadBytes` (100 MiB).
pub const DEFAULT_MAX_DOWNLOAD_BYTES: u64 = 104_857_600;

/// Largest settings file read (local.json and default.json are a few KiB).
pub const SETTINGS_BYTES: u64 = 4 << 20;

/// What reading one settings file met.
#[derive(Default)]
struct ReadLog {
    problems: Vec<String>,
    parse_errors: Vec<ConfigParseError>,
    unreadable: Vec<String>,
}

fn read_json(path: &Path, log: &mut ReadLog) -> Option<Value> {
    use crate::fsafe::ReadError;
    match crate::fsafe::read_capped(path, SETTINGS_BYTES, true) {
        Ok((_, true)) => {
            let p = format!(
                "{} is larger than {SETTINGS_BYTES} bytes: not read",
                path.display()
            );
            log.unreadable.push(p.clone());
            log.problems.push(p);
            None
        }
        Ok((b, false)) => match serde_json::from_slice(&b) {
            Ok(v) => Some(v),
            Err(e) => {
                log.problems
                    .push(format!("{} is not valid JSON: {e}", path.display()));
                log.parse_errors
                    .push(ConfigParseError::from_json_error(path, &b, &e));
                None
            }
        },
        Err(e) => {
            let hint = match &e {
                ReadError::Io(io) if io.kind() == std::io::ErrorKind::PermissionDenied => {
                    " (run as root to read it)"
                }
                _ => "",
            };
            let p = format!("cannot read {}: {e}{hint}", path.display());
            if !matches!(&e, ReadError::Io(io) if io.kind() == std::io::ErrorKind::NotFound) {
                log.unreadable.push(p.clone());
            }
            log.problems.push(p);
            None
        }
    }
}

/// Deep-merge `over` onto `base` (objects merge, everything else replaces), as node-config
/// lays `local.json` over `default.json`.
pub fn merge(base: &mut Value, over: Value) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                merge(b.entry(k).or_insert(Value::Null), v);
            }
        }
        (b, o) => *b = o,
    }
}

impl DsTokenSettings {
    /// Read `default.json` then `local.json` over it.
    pub fn read(default_json: &Path, local_json: &Path) -> Self {
        let mut log = ReadLog::default();
        let mut merged = Value::Object(Default::default());
        if default_json.exists()
            && let Some(v) = read_json(default_json, &mut log)
        {
            merge(&mut merged, v);
        }
        let local = read_json(local_json, &mut log);
        if let Some(v) = local {
            merge(&mut merged, v);
        }
        let co = merged.pointer("/services/CoAuthoring");
        let get = |p: &str| co.and_then(|c| c.pointer(p));
        let flag = |p: &str| get(p).and_then(Value::as_bool);
        DsTokenSettings {
            in_body: flag("/token/inbox/inBody"),
            reject_unauthorized: flag("/requestDefaults/rejectUnauthorized"),
            allow_private_ip: flag("/request-filtering-agent/allowPrivateIPAddress"),
            max_download_bytes: merged
                .pointer("/FileConverter/converter/maxDownloadBytes")
                .and_then(Value::as_u64),
            secure_link_secret: merged
                .pointer("/storage/fs/secretString")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(Secret::new),
            inbox_enabled: get("/token/enable/request/inbox").and_then(Value::as_bool),
            inbox_secret: get("/secret/inbox/string")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(Secret::new),
            header: get("/token/inbox/header")
                .and_then(Value::as_str)
                .map(str::to_string),
            problems: log.problems,
            parse_errors: log.parse_errors,
            unreadable: log.unreadable,
        }
    }
}

/// Where the probe's signing secret comes from.
#[derive(Debug, Clone)]
pub struct JwtSource {
    configured: Option<Secret>,
    header: String,
    default_json: PathBuf,
    local_json: PathBuf,
}

/// A secret chosen for signing, with where it came from.
#[derive(Debug, Clone)]
pub struct Signing {
    /// The secret (None: send no token).
    pub secret: Option<Secret>,
    /// `config`, `local.json` or `none`.
    pub source: &'static str,
    /// Header to carry the token.
    pub header: String,
    /// Notes for the result (e.g. local.json unreadable).
    pub notes: Vec<String>,
    /// Fingerprint of the Document Server's own secret, when readable.
    pub docserver_fingerprint: Option<String>,
}

impl JwtSource {
    /// From the `[onlyoffice]` section.
    pub fn from_config(cfg: &Config) -> Self {
        JwtSource {
            configured: cfg.onlyoffice.jwt_secret.clone(),
            header: cfg.onlyoffice.jwt_header.clone(),
            default_json: cfg.onlyoffice.default_json.clone(),
            local_json: cfg.onlyoffice.local_json.clone(),
        }
    }

    /// Choose the secret: the configured (integrator's) one, else the Document Server's own.
    /// `local.json` is read each time, so edits are seen at the next round.
    pub fn signing(&self) -> Signing {
        let ds = DsTokenSettings::read(&self.default_json, &self.local_json);
        let docserver_fingerprint = ds.inbox_secret.as_ref().map(Secret::fingerprint);
        if let Some(s) = &self.configured {
            return Signing {
                secret: Some(s.clone()),
                source: "config",
                header: self.header.clone(),
                notes: vec![],
                docserver_fingerprint,
            };
        }
        let header = ds.header.clone().unwrap_or_else(|| self.header.clone());
        match ds.inbox_secret {
            Some(s) => Signing {
                secret: Some(s),
                source: "local.json",
                header,
                notes: ds.problems,
                docserver_fingerprint,
            },
            None => {
                let mut notes = ds.problems;
                notes.push(
                    "no JWT secret configured or found in local.json: sending no token".into(),
                );
                Signing {
                    secret: None,
                    source: "none",
                    header,
                    notes,
                    docserver_fingerprint,
                }
            }
        }
    }
}

/// Where the Document Server keeps its cache when no config says otherwise (the packages'
/// `default.json`).
pub const DEFAULT_STORAGE_FOLDER: &str = "/var/lib/onlyoffice/documentserver/App_Data/cache/files";

/// `storage.fs.folderPath` of `local.json` over `default.json`, with where it came from (the
/// file's path, or `default` when neither file sets it), and the problems met reading them
/// (a missing `default.json` is none: Docker images and tests often have only `local.json`).
pub fn storage_folder(default_json: &Path, local_json: &Path) -> (PathBuf, String, Vec<String>) {
    let mut log = ReadLog::default();
    let mut found = (PathBuf::from(DEFAULT_STORAGE_FOLDER), "default".to_string());
    for (path, optional) in [(default_json, true), (local_json, false)] {
        if optional && !path.exists() {
            continue;
        }
        if let Some(p) = read_json(path, &mut log)
            .as_ref()
            .and_then(|v| v.pointer("/storage/fs/folderPath"))
            .and_then(Value::as_str)
            .filter(|p| p.starts_with('/'))
        {
            found = (PathBuf::from(p), path.display().to_string());
        }
    }
    (found.0, found.1, log.problems)
}

/// Sign `claims` with HS256; `iat` and `exp` (5 minutes) are added.
pub fn sign(secret: &Secret, mut claims: serde_json::Map<String, Value>) -> Result<String, String> {
    let now = chrono::Utc::now().timestamp();
    claims.insert("iat".into(), now.into());
    claims.insert("exp".into(), (now + 300).into());
    let key = jsonwebtoken::EncodingKey::from_secret(secret.expose().as_bytes())
        .map_err(|e| format!("cannot use the secret as an HS256 key: {e}"))?;
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &Value::Object(claims),
        &key,
    )
    .map_err(|e| format!("cannot sign token: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_over_default_and_problems() {
        let d = tempfile::tempdir().expect("tempdir");
        let def = d.path().join("default.json");
        let loc = d.path().join("local.json");
        std::fs::write(
            &def,
            r#"{"services":{"CoAuthoring":{"token":{"enable":{"request":{"inbox":false}},"inbox":{"header":"Authorization"}},"secret":{"inbox":{"string":"default-secret"}}}}}"#,
        )
        .expect("write");
        std::fs::write(
            &loc,
            r#"{"services":{"CoAuthoring":{"token":{"enable":{"request":{"inbox":true}}},"secret":{"inbox":{"string":"local-secret"}}}}}"#,
        )
        .expect("write");
        let s = DsTokenSettings::read(&def, &loc);
        assert_eq!(s.inbox_enabled, Some(true));
        assert_eq!(
            s.inbox_secret.as_ref().map(|x| x.expose()),
            Some("local-secret")
        );
        assert_eq!(s.header.as_deref(), Some("Authorization"));
        assert!(s.problems.is_empty());

        let missing =
            DsTokenSettings::read(&d.path().join("nope.json"), &d.path().join("nope2.json"));
        assert_eq!(missing.problems.len(), 1, "{:?}", missing.problems);
        assert!(
            missing.problems[0].contains("no such file"),
            "{:?}",
            missing.problems
        );

        std::fs::write(&loc, "{not json").expect("write");
        let bad = DsTokenSettings::read(&def, &loc);
        assert!(
            bad.problems[0].contains("not valid JSON"),
            "{:?}",
            bad.problems
        );
        assert_eq!(
            bad.inbox_secret.as_ref().map(|x| x.expose()),
            Some("default-secret")
        );
    }

    #[test]
    fn a_file_that_does_not_parse_is_located() {
        let d = tempfile::tempdir().expect("tempdir");
        let def = d.path().join("default.json");
        let loc = d.path().join("local.json");
        std::fs::write(&def, "{}").expect("write");
        // A trailing comma on line 4, the usual hand edit.
        std::fs::write(
            &loc,
            "{\n  \"services\": {\n    \"CoAuthoring\": {\"sql\": {\"dbPass\": \"x\"},\n    }\n  }\n}\n",
        )
        .expect("write");
        let s = DsTokenSettings::read(&def, &loc);
        assert_eq!(s.parse_errors.len(), 1, "{:?}", s.problems);
        let e = &s.parse_errors[0];
        assert_eq!((e.line, e.column), (4, 5), "{e:?}");
        assert_eq!(e.token, "}");
        assert_eq!(e.message, "trailing comma");
        assert!(
            e.describe()
                .ends_with("local.json:4:5: trailing comma (at `}`)"),
            "{}",
            e.describe()
        );
        assert!(s.unreadable.is_empty());
        // Cut short: the end of the file is the token.
        std::fs::write(&loc, "{\"services\": {").expect("write");
        let s = DsTokenSettings::read(&def, &loc);
        assert_eq!(s.parse_errors[0].token, "end of file");
        // A missing file is neither unreadable nor invalid; a folder in its place cannot be
        // read (whether it parses is unknown).
        let s = DsTokenSettings::read(&def, &d.path().join("none.json"));
        assert!(s.parse_errors.is_empty() && s.unreadable.is_empty());
        let s = DsTokenSettings::read(&def, d.path());
        assert!(s.parse_errors.is_empty());
        assert_eq!(s.unreadable.len(), 1, "{:?}", s.problems);
    }

    #[test]
    fn signed_token_verifies_with_same_secret_only() {
        let s = Secret::new("abc");
        let mut m = serde_json::Map::new();
        m.insert("c".into(), "version".into());
        let t = sign(&s, m).expect("sign");
        let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
        v.required_spec_claims.clear();
        assert!(
            jsonwebtoken::decode::<Value>(
                &t,
                &jsonwebtoken::DecodingKey::from_secret(b"abc").expect("key"),
                &v
            )
            .is_ok()
        );
        assert!(
            jsonwebtoken::decode::<Value>(
                &t,
                &jsonwebtoken::DecodingKey::from_secret(b"abd").expect("key"),
                &v
            )
            .is_err()
        );
    }
}
