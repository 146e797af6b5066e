//! Which service manager runs a process: the supervisord among its ancestors (asked on its own
//! socket which program holds the pid, and its config read for the program's log files), else
//! the systemd unit of its cgroup, else a Docker container scope. Each answer says where it came
//! from; supervisord's answers are asked once per supervisord.

use crate::tr;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::config::{Backend, Service};
use crate::host::services::ServiceStatus;
use crate::host::supervisor_rpc::{self, Answer};

use super::procs;

/// Largest supervisord config file read (with its includes, each).
const MAX_CONF_BYTES: u64 = 256 * 1024;
/// How many included supervisord files are read at most.
const MAX_INCLUDES: usize = 64;
/// Where supervisord looks for its config when given none (its own order).
const DEFAULT_CONFIGS: [&str; 2] = ["/etc/supervisord.conf", "/etc/supervisor/supervisord.conf"];

/// A service of the chain and what its manager says of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Managed {
    /// The `[[service]]` entry.
    pub service: Service,
    /// Where it was learnt (`supervisord PID (CONF) program NAME holds pid N`, `cgroup of pid N`).
    pub source: String,
    /// The program's stdout log file (supervisor's `stdout_logfile`).
    pub stdout_log: Option<PathBuf>,
    /// The program's stderr log file (supervisor's `stderr_logfile`).
    pub stderr_log: Option<PathBuf>,
    /// A Docker container id, when the process runs in one (`docker-ID.scope`).
    pub container: Option<String>,
}

/// The supervisords asked so far: their config and programs, or why they could not be asked.
#[derive(Default)]
pub struct Managers {
    asked: HashMap<i32, Result<(PathBuf, Vec<ServiceStatus>), String>>,
}

impl Managers {
    /// The service manager of `pid` (see the module doc), or why none was found.
    pub async fn of(&mut self, pid: i32, timeout: Duration) -> Result<Managed, String> {
        let mut chain = vec![pid];
        chain.extend(procs::ancestors(pid));
        if let Some(i) = chain.iter().position(|p| procs::is_supervisord(*p)) {
            let sup = chain[i];
            return self.supervised(sup, &chain[..i], timeout).await;
        }
        match procs::cgroup_unit(pid) {
            Some(u) if u.starts_with("docker:") => Ok(Managed {
                service: Service {
                    name: "docker".into(),
                    backend: Backend::Docker,
                    unit: None,
                    supervisor_config: None,
                },
                source: tr!(
                    "discover-src-cgroup-container",
                    pid = pid,
                    container = &u[7..]
                ),
                stdout_log: None,
                stderr_log: None,
                container: Some(u[7..].to_string()),
            }),
            Some(u) => {
                let name = u.trim_end_matches(".service").to_string();
                crate::config::check_service_name(&name)?;
                Ok(Managed {
                    service: Service {
                        name,
                        backend: Backend::Systemd,
                        unit: None,
                        supervisor_config: None,
                    },
                    source: tr!("discover-src-cgroup-unit", unit = u, pid = pid),
                    stdout_log: None,
                    stderr_log: None,
                    container: None,
                })
            }
            None => Err(tr!("discover-no-manager", pid = pid)),
        }
    }

    /// The config of supervisord `sup` and its programs (asked once).
    pub async fn programs(
        &mut self,
        sup: i32,
        timeout: Duration,
    ) -> Result<(PathBuf, Vec<ServiceStatus>), String> {
        if let std::collections::hash_map::Entry::Vacant(e) = self.asked.entry(sup) {
            e.insert(ask(sup, timeout).await);
        }
        self.asked[&sup].clone()
    }

    async fn supervised(
        &mut self,
        sup: i32,
        below: &[i32],
        timeout: Duration,
    ) -> Result<Managed, String> {
        let (conf, programs) = self.programs(sup, timeout).await?;
        let st = programs
            .iter()
            .find(|s| s.pid.is_some_and(|p| below.contains(&(p as i32))))
            .ok_or_else(|| {
                tr!(
                    "discover-supervisord-no-program",
                    sup = sup,
                    conf = conf.display(),
                    pid = below.first().copied().unwrap_or(0)
                )
            })?;
        let why = tr!("discover-why-holds-pid", pid = st.pid.unwrap_or(0));
        program(sup, &conf, st, &why)
    }
}

/// Program `st` of supervisord `sup` (config `conf`) as a service; `why` says how it was
/// picked.
pub fn program(sup: i32, conf: &Path, st: &ServiceStatus, why: &str) -> Result<Managed, String> {
    let name = st.unit.rsplit(':').next().unwrap_or(&st.unit).to_string();
    crate::config::check_service_name(&st.unit)?;
    let logs = program_logs(conf, &st.unit);
    Ok(Managed {
        service: Service {
            name,
            backend: Backend::Supervisor,
            unit: Some(st.unit.clone()),
            supervisor_config: Some(conf.to_path_buf()),
        },
        source: tr!(
            "discover-src-supervisord-program",
            sup = sup,
            conf = conf.display(),
            program = st.unit,
            why = why
        ),
        stdout_log: logs.0,
        stderr_log: logs.1,
        container: None,
    })
}

/// One variable of program `unit`'s `environment=` in a supervisord config.
pub fn program_env(conf: &Path, unit: &str, key: &str) -> Option<String> {
    let name = unit.rsplit(':').next().unwrap_or(unit);
    let section = format!("program:{name}");
    let env = conf_settings(conf)
        .into_iter()
        .find(|(s, k, _, _)| *s == section && k == "environment")?
        .2;
    let at = env.find(&format!("{key}="))?;
    let v = &env[at + key.len() + 1..];
    let v = match v.strip_prefix('"') {
        Some(q) => q.split('"').next()?,
        None => v.split(',').next()?,
    };
    Some(v.trim().to_string())
}

/// The config of supervisord `sup` and its programs, asked on its socket.
async fn ask(sup: i32, timeout: Duration) -> Result<(PathBuf, Vec<ServiceStatus>), String> {
    let conf = match procs::supervisord_config(sup) {
        Some(c) if c.is_absolute() => c,
        Some(c) => {
            return Err(tr!(
                "discover-supervisord-relative-config",
                sup = sup,
                conf = c.display()
            ));
        }
        None => DEFAULT_CONFIGS
            .iter()
            .map(PathBuf::from)
            .find(|p| p.is_file())
            .ok_or_else(|| tr!("discover-supervisord-no-config", sup = sup))?,
    };
    // Its config goes into the written config, where actions hand it to supervisorctl: only a
    // supervisord of root's or ours, with a config only root or we could have written.
    use std::os::unix::fs::MetadataExt as _;
    let uid = std::fs::metadata(format!("/proc/{sup}"))
        .map(|m| m.uid())
        .map_err(|e| format!("supervisord {sup}: {}", crate::util::io_error_text(&e)))?;
    if uid != 0 && uid != crate::fsafe::euid() {
        return Err(tr!(
            "discover-supervisord-foreign",
            sup = sup,
            user = crate::fsafe::user_name(uid)
        ));
    }
    crate::fsafe::check_trusted(&conf, &tr!("discover-what-supervisord-config"))?;
    match supervisor_rpc::ask(Some(&conf), timeout).await {
        Answer::Programs(v) => Ok((conf, v)),
        Answer::Final(u) | Answer::Unavailable(u) => Err(u.to_string()),
    }
}

/// The settings of a supervisord config and the files its `[include] files` name.
fn conf_settings(conf: &Path) -> Vec<(String, String, String, PathBuf)> {
    let mut out = Vec::new();
    let mut queue = vec![conf.to_path_buf()];
    let mut seen = 0;
    while let Some(f) = queue.pop() {
        seen += 1;
        if seen > MAX_INCLUDES {
            break;
        }
        let Ok((b, _)) = crate::fsafe::read_capped(&f, MAX_CONF_BYTES, true) else {
            continue;
        };
        let here = f.parent().unwrap_or(Path::new("/")).to_path_buf();
        for (sec, k, v) in supervisor_rpc::settings(&String::from_utf8_lossy(&b)) {
            if sec == "include" && k == "files" && f == conf {
                for pat in v.split_whitespace() {
                    let pat = supervisor_rpc::expand(pat, &here).unwrap_or_default();
                    queue.extend(expand_glob(&here.join(pat)));
                }
            }
            out.push((sec, k, v, here.clone()));
        }
    }
    out
}

/// Files matching a glob in its last component only (supervisor's usual `conf.d/*.conf`).
fn expand_glob(pattern: &Path) -> Vec<PathBuf> {
    let (Some(dir), Some(name)) = (pattern.parent(), pattern.file_name()) else {
        return Vec::new();
    };
    let name = name.to_string_lossy();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut v: Vec<PathBuf> = rd
        .flatten()
        .filter(|e| crate::host::nginx_conf::wildmatch(&name, &e.file_name().to_string_lossy()))
        .map(|e| e.path())
        .take(MAX_INCLUDES)
        .collect();
    v.sort();
    v
}

/// `stdout_logfile` and `stderr_logfile` of program `unit` (`group:name` or `name`) in a
/// supervisord config (`AUTO`, `NONE` and `syslog` are no file).
pub fn program_logs(conf: &Path, unit: &str) -> (Option<PathBuf>, Option<PathBuf>) {
    let name = unit.rsplit(':').next().unwrap_or(unit);
    let section = format!("program:{name}");
    let all = conf_settings(conf);
    let get = |key: &str| {
        all.iter()
            .find(|(s, k, _, _)| *s == section && k == key)
            .and_then(|(_, _, v, here)| {
                let v = v.replace("%(program_name)s", name);
                supervisor_rpc::expand(&v, here)
            })
            .filter(|v| v.starts_with('/'))
            .map(PathBuf::from)
    };
    (get("stdout_logfile"), get("stderr_logfile"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn program_logs_follow_includes() {
        let d = tempfile::tempdir().expect("tmp");
        std::fs::create_dir(d.path().join("conf.d")).expect("dir");
        std::fs::write(
            d.path().join("supervisord.conf"),
            "[supervisord]\nlogfile=/tmp/x\n[include]\nfiles = conf.d/*.conf\n",
        )
        .expect("write");
        std::fs::write(
            d.path().join("conf.d/ds-docservice.conf"),
            "[program:docservice]\ncommand=/x/docservice\n\
             stdout_logfile=/var/log/onlyoffice/documentserver/docservice/out.log\n\
             stderr_logfile=%(here)s/err.log ; a comment\n\
             environment=NODE_ENV=\"production-linux\",NODE_CONFIG_DIR=\"/etc/onlyoffice/documentserver\"\n",
        )
        .expect("write");
        let (out, err) = program_logs(&d.path().join("supervisord.conf"), "ds:docservice");
        assert_eq!(
            program_env(
                &d.path().join("supervisord.conf"),
                "ds:docservice",
                "NODE_CONFIG_DIR"
            )
            .as_deref(),
            Some("/etc/onlyoffice/documentserver")
        );
        assert_eq!(
            out.as_deref(),
            Some(Path::new(
                "/var/log/onlyoffice/documentserver/docservice/out.log"
            ))
        );
        assert_eq!(err, Some(d.path().join("conf.d/err.log")));
        assert_eq!(
            program_logs(&d.path().join("supervisord.conf"), "other"),
            (None, None)
        );
    }
}
