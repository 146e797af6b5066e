//! The Document Server side of discovery: which listening process is a Document Server — by
//! its executable (`…/DocService/docservice`) or by `NODE_CONFIG_DIR` in its environment naming
//! a folder whose settings have `services.CoAuthoring` — and the dependencies its settings name
//! (`default.json`, then `$NODE_ENV.json`, then `local.json`, as node-config reads them):
//! the database (`services.CoAuthoring.sql`), Redis (`services.CoAuthoring.redis`) and the
//! queue (`queue.type`, `rabbitmq.url`), defaulted as the Document Server does when its
//! `default.json` is there. Passwords in their URLs are masked before they are kept.

use crate::tr;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::procs;

/// Largest settings file read.
const MAX_SETTINGS_BYTES: u64 = 4 << 20;
/// Where the packages keep the settings.
pub const PACKAGE_CONFIG_DIR: &str = "/etc/onlyoffice/documentserver";

/// A Document Server process found listening.
#[derive(Debug, Clone, PartialEq)]
pub struct DsProcess {
    /// Its pid.
    pub pid: i32,
    /// The TCP ports it listens on.
    pub ports: Vec<u16>,
    /// The folder of its `local.json`.
    pub config_dir: PathBuf,
    /// `NODE_ENV` (selects `$NODE_ENV.json`).
    pub node_env: Option<String>,
    /// What made it a Document Server.
    pub because: String,
}

/// What the Document Server's settings say, merged, and the files read.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// `default.json` → `$NODE_ENV.json` → `local.json`, merged.
    pub merged: Value,
    /// Files read, in order.
    pub read: Vec<PathBuf>,
    /// Whether `default.json` was among them (else nothing is defaulted).
    pub has_default: bool,
    /// Files that could not be read or parsed, with why.
    pub problems: Vec<String>,
}

fn read_json(p: &Path) -> Result<Value, String> {
    let (b, more) = crate::fsafe::read_capped(p, MAX_SETTINGS_BYTES, true)
        .map_err(|e| format!("{}: {e}", p.display()))?;
    if more {
        return Err(tr!(
            "discover-settings-too-large",
            path = p.display(),
            max = MAX_SETTINGS_BYTES
        ));
    }
    serde_json::from_slice(&b)
        .map_err(|e| tr!("discover-settings-bad-json", path = p.display(), error = e))
}

/// Reads the settings of a Document Server whose config folder is `dir`.
pub fn read_settings(dir: &Path, node_env: Option<&str>) -> Settings {
    let mut s = Settings {
        merged: Value::Object(Default::default()),
        ..Settings::default()
    };
    let env_file = node_env
        .filter(|e| {
            e.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        })
        .map(|e| format!("{e}.json"));
    let names = ["default.json".to_string()]
        .into_iter()
        .chain(env_file)
        .chain(["local.json".to_string()]);
    for name in names {
        let p = dir.join(&name);
        if !p.exists() {
            continue;
        }
        match read_json(&p) {
            Ok(v) => {
                crate::docserver::settings::merge(&mut s.merged, v);
                s.has_default |= name == "default.json";
                s.read.push(p);
            }
            Err(e) => s.problems.push(e),
        }
    }
    s
}

pub(crate) fn has_coauthoring(dir: &Path) -> bool {
    ["local.json", "default.json"].iter().any(|n| {
        read_json(&dir.join(n))
            .ok()
            .is_some_and(|v| v.pointer("/services/CoAuthoring").is_some())
    })
}

/// Whether process `pid` is a Document Server, and its config folder; `Err` when its
/// environment could not be read (another user's process without root).
pub fn recognise(pid: i32) -> Result<Option<(PathBuf, Option<String>, String)>, String> {
    let exe = procs::exe(pid);
    let by_exe = exe
        .as_ref()
        .is_some_and(|e| e.ends_with("DocService/docservice"));
    let env = procs::environ_var(pid, "NODE_CONFIG_DIR");
    let node_env = procs::environ_var(pid, "NODE_ENV").ok().flatten();
    match (by_exe, env) {
        (_, Ok(Some(d))) if d.starts_with('/') && has_coauthoring(Path::new(&d)) => Ok(Some((
            PathBuf::from(&d),
            node_env,
            tr!("discover-src-node-config-dir", pid = pid, dir = d),
        ))),
        (true, _) => Ok(Some((
            PathBuf::from(PACKAGE_CONFIG_DIR),
            node_env,
            tr!(
                "discover-src-executable",
                pid = pid,
                exe = exe.map(|e| e.display().to_string()).unwrap_or_default()
            ),
        ))),
        (false, Err(e)) => Err(e),
        (false, Ok(_)) => Ok(None),
    }
}

/// A dependency the settings name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dep {
    /// Hop name: `postgresql`, `mysql`, `redis`, `rabbitmq`, …
    pub name: String,
    /// Host as written (`localhost` read as 127.0.0.1).
    pub host: String,
    /// Port.
    pub port: u16,
    /// Which key said so, with its value (password masked), or `default`.
    pub source: String,
}

fn loopback(h: &str) -> String {
    if h == "localhost" || h.is_empty() {
        "127.0.0.1".into()
    } else {
        h.to_string()
    }
}

/// `scheme://user:****@host:port/…`: the password of a URL masked.
pub fn mask_url(u: &str) -> String {
    let Some((scheme, rest)) = u.split_once("://") else {
        return u.to_string();
    };
    let (auth, tail) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match auth.rsplit_once('@') {
        Some((cred, host)) => {
            let user = cred.split(':').next().unwrap_or("");
            let masked = if cred.contains(':') { ":****" } else { "" };
            format!("{scheme}://{user}{masked}@{host}{tail}")
        }
        None => u.to_string(),
    }
}

/// `host` and `port` of an `amqp://user:pass@host:port/vhost` URL.
fn url_host_port(u: &str, default_port: u16) -> Option<(String, u16)> {
    let rest = u.split_once("://")?.1;
    let auth = rest.split('/').next()?;
    let hp = auth.rsplit('@').next()?;
    crate::util::split_host_port(hp).or_else(|| Some((hp.to_string(), default_port)))
}

/// The dependencies the merged settings name (see the module doc).
pub fn dependencies(s: &Settings) -> Vec<Dep> {
    let m = &s.merged;
    let from = |key: &str| -> String {
        if s.has_default {
            tr!("discover-src-merged", key = key)
        } else {
            key.to_string()
        }
    };
    let mut v = Vec::new();
    let queue = m
        .pointer("/queue/type")
        .and_then(Value::as_str)
        .unwrap_or("rabbitmq");
    if let Some(url) = m.pointer("/rabbitmq/url").and_then(Value::as_str)
        && queue == "rabbitmq"
        && let Some((h, p)) = url_host_port(url, 5672)
    {
        v.push(Dep {
            name: "rabbitmq".into(),
            host: loopback(&h),
            port: p,
            source: format!("{} = {}", from("rabbitmq.url"), mask_url(url)),
        });
    }
    if let Some(sql) = m.pointer("/services/CoAuthoring/sql") {
        let kind = sql
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("postgres");
        let (name, port) = match kind {
            "mysql" | "mariadb" => ("mysql", 3306),
            "mssql" => ("mssql", 1433),
            "oracle" => ("oracle", 1521),
            "dameng" => ("dameng", 5236),
            _ => ("postgresql", 5432),
        };
        let host = sql
            .get("dbHost")
            .and_then(Value::as_str)
            .unwrap_or("localhost");
        let port = sql
            .get("dbPort")
            .and_then(|p| p.as_u64().or_else(|| p.as_str()?.parse().ok()))
            .and_then(|p| u16::try_from(p).ok())
            .unwrap_or(port);
        v.push(Dep {
            name: name.into(),
            host: loopback(host),
            port,
            source: tr!(
                "discover-src-sql",
                key = from("services.CoAuthoring.sql"),
                kind = kind,
                host = host,
                port = port
            ),
        });
    }
    if let Some(r) = m.pointer("/services/CoAuthoring/redis") {
        let host = r.get("host").and_then(Value::as_str).unwrap_or("127.0.0.1");
        let port = r
            .get("port")
            .and_then(Value::as_u64)
            .and_then(|p| u16::try_from(p).ok())
            .unwrap_or(6379);
        v.push(Dep {
            name: "redis".into(),
            host: loopback(host),
            port,
            source: tr!(
                "discover-src-redis",
                key = from("services.CoAuthoring.redis"),
                host = host,
                port = port
            ),
        });
    }
    v
}

/// The Document Server's log files next to a program log of its service (`…/docservice/*.log`):
/// `docservice/out.log`, `converter/out.log` of the same log folder, then the stderr log.
pub fn log_files(stdout: Option<&Path>, stderr: Option<&Path>) -> Vec<PathBuf> {
    let Some(folder) = stdout.or(stderr).and_then(Path::parent) else {
        return Vec::new();
    };
    let mut v = vec![folder.join("out.log")];
    if let Some(root) = folder.parent() {
        let conv = root.join("converter/out.log");
        if !v.contains(&conv) {
            v.push(conv);
        }
    }
    for p in [stdout, stderr].into_iter().flatten() {
        let p = p.to_path_buf();
        let is_out = p.file_name().is_some_and(|n| n == "out.log");
        let is_err = Some(p.as_path()) == stderr;
        if (is_out || is_err) && !v.contains(&p) {
            v.push(p);
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependencies_default_as_the_document_server_does() {
        let d = tempfile::tempdir().expect("tmp");
        std::fs::write(
            d.path().join("default.json"),
            r#"{"services":{"CoAuthoring":{"sql":{"type":"postgres","dbHost":"localhost","dbPort":5432,"dbPass":"onlyoffice"},
               "redis":{"host":"127.0.0.1","port":6379}}},
               "queue":{"type":"rabbitmq"},"rabbitmq":{"url":"amqp://guest:guest@localhost"}}"#,
        )
        .expect("write");
        std::fs::write(
            d.path().join("local.json"),
            r#"{"services":{"CoAuthoring":{"sql":{"dbHost":"db.internal","dbPort":"6432","dbPass":"s3cret"}}},
               "rabbitmq":{"url":"amqp://oo:pa55@mq.internal:5673/vh"}}"#,
        )
        .expect("write");
        let s = read_settings(d.path(), Some("production-linux"));
        assert!(s.has_default && s.problems.is_empty(), "{:?}", s.problems);
        let deps = dependencies(&s);
        let got: Vec<_> = deps
            .iter()
            .map(|d| (d.name.as_str(), d.host.as_str(), d.port))
            .collect();
        assert_eq!(
            got,
            [
                ("rabbitmq", "mq.internal", 5673),
                ("postgresql", "db.internal", 6432),
                ("redis", "127.0.0.1", 6379)
            ]
        );
        let all: String = deps.iter().map(|d| d.source.clone()).collect();
        assert!(!all.contains("pa55") && !all.contains("s3cret"), "{all}");
        assert!(all.contains("amqp://oo:****@mq.internal:5673/vh"), "{all}");
    }

    #[test]
    fn without_default_json_only_what_local_json_names() {
        let d = tempfile::tempdir().expect("tmp");
        std::fs::write(
            d.path().join("local.json"),
            r#"{"services":{"CoAuthoring":{"redis":{"host":"127.0.0.1","port":16379}}}}"#,
        )
        .expect("write");
        let deps = dependencies(&read_settings(d.path(), None));
        assert_eq!(deps.len(), 1);
        assert_eq!((deps[0].name.as_str(), deps[0].port), ("redis", 16379));
        assert!(has_coauthoring(d.path()));
    }

    #[test]
    fn urls_are_masked_and_logs_found_beside_the_program_log() {
        assert_eq!(mask_url("redis://:pw@h:1/0"), "redis://:****@h:1/0");
        assert_eq!(mask_url("amqp://guest@h"), "amqp://guest@h");
        let v = log_files(
            Some(Path::new("/l/docservice/supervisor.log")),
            Some(Path::new("/l/docservice/err.log")),
        );
        assert_eq!(
            v,
            [
                PathBuf::from("/l/docservice/out.log"),
                PathBuf::from("/l/converter/out.log"),
                PathBuf::from("/l/docservice/err.log")
            ]
        );
    }
}
