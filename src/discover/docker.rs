//! Docker containers of an `onlyoffice/documentserver*` image: their published ports, whether
//! `JWT_SECRET` is set, and the host folders of their log and settings volumes — read from
//! `docker inspect`, which runs only when the daemon's socket exists (a client without a daemon
//! would wait for nothing).

use crate::tr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

/// The daemon's socket; without it docker is not asked.
const DOCKER_SOCKET: &str = "/var/run/docker.sock";

/// A Document Server container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DsContainer {
    /// Its name (without the leading `/`).
    pub name: String,
    /// Its image.
    pub image: String,
    /// Host port published for the container's port 80 (its nginx), with the host address.
    pub http: Option<(String, u16)>,
    /// Host port published for 443.
    pub https: Option<(String, u16)>,
    /// Whether `JWT_SECRET` is set in its environment (never its value).
    pub jwt_secret_set: bool,
    /// Host folder mounted at `/var/log/onlyoffice`.
    pub log_volume: Option<PathBuf>,
    /// Host folder mounted at `/etc/onlyoffice` (its settings), if any.
    pub config_volume: Option<PathBuf>,
    /// Its main process on the host.
    pub pid: Option<i32>,
}

impl DsContainer {
    /// The Document Server's log files under the log volume.
    pub fn log_files(&self) -> Vec<PathBuf> {
        let Some(v) = &self.log_volume else {
            return Vec::new();
        };
        let d = v.join("documentserver");
        vec![d.join("docservice/out.log"), d.join("converter/out.log")]
    }

    /// The container's own nginx error log under the log volume.
    pub fn nginx_error_log(&self) -> Option<PathBuf> {
        self.log_volume
            .as_ref()
            .map(|v| v.join("documentserver/nginx.error.log"))
    }
}

fn published(v: &Value, port: &str) -> Option<(String, u16)> {
    let arr = v.pointer("/NetworkSettings/Ports")?.get(port)?.as_array()?;
    let b = arr.first()?;
    let host = b.get("HostIp").and_then(Value::as_str).unwrap_or("");
    let host = match host {
        "" | "0.0.0.0" | "::" => "127.0.0.1",
        h => h,
    };
    let p = b.get("HostPort")?.as_str()?.parse().ok()?;
    Some((host.to_string(), p))
}

fn mount(v: &Value, dest: &str) -> Option<PathBuf> {
    // i18n: not text (keys of docker inspect's JSON, below too)
    v.get("Mounts")?.as_array()?.iter().find_map(|m| {
        // i18n: not text
        (m.get("Destination")?.as_str()? == dest)
            // i18n: not text
            .then(|| m.get("Source")?.as_str().map(PathBuf::from))
            .flatten()
    })
}

/// The Document Server containers in `docker inspect` output (a JSON array); containers of
/// other images are left out.
pub fn parse_inspect(json: &str) -> Result<Vec<DsContainer>, String> {
    // i18n: not text (the command's name before its error)
    let v: Value = serde_json::from_str(json).map_err(|e| format!("docker inspect: {e}"))?;
    let arr = v
        .as_array()
        // i18n: not text (the command's name before its error)
        .ok_or_else(|| format!("docker inspect: {}", tr!("discover-docker-not-array")))?;
    Ok(arr
        .iter()
        .filter_map(|c| {
            let image = c.pointer("/Config/Image")?.as_str()?.to_string();
            if !image.starts_with("onlyoffice/documentserver") {
                return None;
            }
            let env = c.pointer("/Config/Env").and_then(Value::as_array);
            let jwt_secret_set = env.is_some_and(|e| {
                e.iter().filter_map(Value::as_str).any(|kv| {
                    kv.strip_prefix("JWT_SECRET=")
                        .is_some_and(|s| !s.is_empty())
                })
            });
            Some(DsContainer {
                // i18n: not text (a key of docker inspect's JSON)
                name: c.get("Name")?.as_str()?.trim_start_matches('/').to_string(),
                image,
                http: published(c, "80/tcp"),
                https: published(c, "443/tcp"),
                jwt_secret_set,
                log_volume: mount(c, "/var/log/onlyoffice"),
                config_volume: mount(c, "/etc/onlyoffice"),
                pid: c
                    .pointer("/State/Pid")
                    .and_then(Value::as_i64)
                    .filter(|p| *p > 0)
                    .and_then(|p| i32::try_from(p).ok()),
            })
        })
        .collect())
}

/// The running Document Server containers; `Err` says why docker could not be asked.
pub async fn containers(timeout: Duration) -> Result<Vec<DsContainer>, String> {
    if !Path::new(DOCKER_SOCKET).exists() {
        return Err(tr!("discover-docker-no-socket", socket = DOCKER_SOCKET));
    }
    let run = |argv: Vec<String>| async move {
        let a: Vec<&str> = argv.iter().map(String::as_str).collect();
        crate::host::cmd::run(&[], &a, timeout)
            .await
            .map_err(|u| u.to_string())
    };
    let ps = run(vec![
        "docker".into(),
        "ps".into(),
        "--no-trunc".into(),
        "--format".into(),
        "{{.ID}} {{.Image}}".into(),
    ])
    .await?;
    if !ps.success() {
        // i18n: not text (the command's name before its error)
        return Err(format!("docker ps: {}", ps.first_message()));
    }
    let ids: Vec<String> = ps
        .stdout
        .lines()
        .filter_map(|l| l.split_once(' '))
        .filter(|(id, img)| {
            img.starts_with("onlyoffice/documentserver")
                && id.chars().all(|c| c.is_ascii_hexdigit())
        })
        .map(|(id, _)| id.to_string())
        .take(16)
        .collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut argv = vec!["docker".to_string(), "inspect".into()];
    argv.extend(ids);
    let out = run(argv).await?;
    if !out.success() {
        // i18n: not text (the command's name before its error)
        return Err(format!("docker inspect: {}", out.first_message()));
    }
    parse_inspect(&out.stdout)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// `docker inspect` of `docker run -d --name onlyoffice -p 8080:80 -e JWT_SECRET=…
    /// -v /app/onlyoffice/logs:/var/log/onlyoffice onlyoffice/documentserver:8.2`, cut to the
    /// fields read (plus a few beside them), with a second container of another image.
    pub const RECORDED: &str =
        include_str!("../../tests/fixtures/docker/inspect-documentserver.json");

    #[test]
    fn recorded_inspect_gives_the_container() {
        let v = parse_inspect(RECORDED).expect("parses");
        assert_eq!(v.len(), 1, "only the Document Server's image: {v:?}");
        let c = &v[0];
        assert_eq!(c.name, "onlyoffice");
        assert_eq!(c.http, Some(("127.0.0.1".into(), 8080)));
        assert_eq!(c.https, None);
        assert!(c.jwt_secret_set);
        assert_eq!(c.log_volume, Some(PathBuf::from("/app/onlyoffice/logs")));
        assert_eq!(
            c.log_files()[0],
            PathBuf::from("/app/onlyoffice/logs/documentserver/docservice/out.log")
        );
        assert_eq!(c.pid, Some(4242));
        let printed = format!("{v:?}");
        assert!(!printed.contains("my-jwt-secret-value"), "{printed}");
    }
}
