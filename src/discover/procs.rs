//! What discovery reads of running processes in `/proc`: nginx master processes and the
//! options they were started with, a process's parent chain, executable, systemd unit (from its
//! cgroup) and the `NODE_CONFIG_DIR` of its environment.
//!
//! Everything here is untrusted: a process may name itself anything. Nothing read here picks a
//! program to run by itself — an nginx binary named by a master process is run only through
//! [`crate::host::cmd::command`], which refuses a program that anyone but root (or the user
//! triage502 runs as) could have replaced. Every read is capped in bytes.

use std::path::{Path, PathBuf};

/// Largest `/proc/PID/cmdline`, `cgroup` or `stat` read.
const SMALL_READ: u64 = 8 * 1024;
/// Largest `/proc/PID/environ` read (a process's environment is at most a few pages).
const ENVIRON_READ: u64 = 256 * 1024;
/// How many processes are looked at, at most.
const MAX_PROCESSES: usize = 65_536;
/// How far up the parent chain a service manager is looked for.
pub const MAX_ANCESTORS: usize = 16;

/// A running nginx master process and the options of its command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NginxMaster {
    /// Its pid.
    pub pid: i32,
    /// The binary: `/proc/PID/exe` when readable, else the path its title names.
    pub binary: PathBuf,
    /// `-c FILE`.
    pub config: Option<PathBuf>,
    /// `-p PREFIX`.
    pub prefix: Option<PathBuf>,
    /// `-e FILE` (the error log used while starting; `stderr` is kept as written).
    pub error_log: Option<PathBuf>,
    /// Whether it runs in another mount namespace (a container): its paths are not ours.
    pub foreign_mounts: bool,
}

fn read_small(p: &Path, max: u64) -> Option<Vec<u8>> {
    crate::fsafe::read_capped(p, max, true).ok().map(|(b, _)| b)
}

/// The arguments of a process (`/proc/PID/cmdline`, NUL-separated), lossily decoded.
pub fn cmdline(pid: i32) -> Vec<String> {
    let Some(b) = read_small(Path::new(&format!("/proc/{pid}/cmdline")), SMALL_READ) else {
        return Vec::new();
    };
    b.split(|c| *c == 0)
        .filter(|a| !a.is_empty())
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect()
}

/// The kernel's name of a process (`comm`).
pub fn comm(pid: i32) -> Option<String> {
    read_small(Path::new(&format!("/proc/{pid}/comm")), 64)
        .map(|b| String::from_utf8_lossy(&b).trim_end().to_string())
}

/// The parent pid (from `/proc/PID/stat`, after the `)` that ends the name).
pub fn ppid(pid: i32) -> Option<i32> {
    let b = read_small(Path::new(&format!("/proc/{pid}/stat")), SMALL_READ)?;
    let s = String::from_utf8_lossy(&b);
    let rest = &s[s.rfind(')')? + 1..];
    rest.split_whitespace().nth(1)?.parse().ok()
}

/// The executable of a process (`/proc/PID/exe`; needs root or the same user). A replaced
/// file reads ` (deleted)`: then `None`.
pub fn exe(pid: i32) -> Option<PathBuf> {
    let p = std::fs::read_link(format!("/proc/{pid}/exe")).ok()?;
    (!p.to_string_lossy().ends_with(" (deleted)")).then_some(p)
}

/// Whether a process runs in another mount namespace than this one (a container).
pub fn foreign_mounts(pid: i32) -> bool {
    match (
        std::fs::read_link(format!("/proc/{pid}/ns/mnt")),
        std::fs::read_link("/proc/self/ns/mnt"),
    ) {
        (Ok(a), Ok(b)) => a != b,
        _ => false,
    }
}

/// The systemd unit a process belongs to, from its cgroup (`0::/system.slice/X.service`):
/// `X.service`, or a `docker-ID.scope` container scope as `docker:ID`.
pub fn cgroup_unit(pid: i32) -> Option<String> {
    let b = read_small(Path::new(&format!("/proc/{pid}/cgroup")), SMALL_READ)?;
    unit_of_cgroup(&String::from_utf8_lossy(&b))
}

/// [`cgroup_unit`] on the text of a cgroup file.
pub fn unit_of_cgroup(text: &str) -> Option<String> {
    for line in text.lines() {
        let path = line.splitn(3, ':').nth(2).unwrap_or("");
        for part in path.split('/').rev() {
            if let Some(id) = part
                .strip_prefix("docker-")
                .and_then(|p| p.strip_suffix(".scope"))
            {
                return Some(format!("docker:{id}"));
            }
            if part.ends_with(".service") && !part.starts_with("user@") {
                return Some(part.to_string());
            }
        }
    }
    None
}

/// One variable of a process's environment; `Err` says why it could not be read (another
/// user's process without root).
pub fn environ_var(pid: i32, name: &str) -> Result<Option<String>, String> {
    let p = PathBuf::from(format!("/proc/{pid}/environ"));
    let (b, _) = crate::fsafe::read_capped(&p, ENVIRON_READ, true).map_err(|e| e.to_string())?;
    let key = format!("{name}=");
    Ok(b.split(|c| *c == 0).find_map(|kv| {
        let kv = String::from_utf8_lossy(kv);
        kv.strip_prefix(&key).map(str::to_string)
    }))
}

/// The pids in `/proc`, ascending.
pub fn pids() -> Vec<i32> {
    let Ok(rd) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut v: Vec<i32> = rd
        .flatten()
        .take(MAX_PROCESSES)
        .filter_map(|e| e.file_name().to_str()?.parse().ok())
        .collect();
    v.sort_unstable();
    v
}

/// Parses an nginx master's title (`nginx: master process /usr/sbin/nginx -p P -c C`).
pub fn parse_master_title(title: &str) -> Option<(String, Vec<String>)> {
    // i18n: not text (the process title matched)
    let rest = title.strip_prefix("nginx: master process")?.trim();
    let mut words = rest.split_whitespace().map(str::to_string);
    let bin = words.next()?;
    Some((bin, words.collect()))
}

/// The value of option `flag` (`-c FILE` or `-cFILE`) in nginx's arguments.
fn option(args: &[String], flag: &str) -> Option<PathBuf> {
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == flag {
            return it.next().map(PathBuf::from);
        }
        if let Some(v) = a.strip_prefix(flag).filter(|v| !v.is_empty()) {
            return Some(PathBuf::from(v));
        }
    }
    None
}

/// The master of pid `pid`, when it is one.
pub fn nginx_master(pid: i32) -> Option<NginxMaster> {
    let title = cmdline(pid).join(" ");
    let (bin, args) = parse_master_title(&title)?;
    Some(NginxMaster {
        pid,
        binary: exe(pid).unwrap_or_else(|| PathBuf::from(bin)),
        config: option(&args, "-c"),
        prefix: option(&args, "-p"),
        error_log: option(&args, "-e"),
        foreign_mounts: foreign_mounts(pid),
    })
}

/// Every running nginx master, by ascending pid.
pub fn nginx_masters() -> Vec<NginxMaster> {
    pids().into_iter().filter_map(nginx_master).collect()
}

/// The pid and its ancestors (parent first), up to [`MAX_ANCESTORS`], pid 1 excluded.
pub fn ancestors(pid: i32) -> Vec<i32> {
    let mut v = Vec::new();
    let mut p = pid;
    while let Some(pp) = ppid(p) {
        if pp <= 1 || v.len() >= MAX_ANCESTORS || v.contains(&pp) {
            break;
        }
        v.push(pp);
        p = pp;
    }
    v
}

/// The config file of a running supervisord (`-c FILE`, `--configuration FILE`), else `None`
/// (its default search).
pub fn supervisord_config(pid: i32) -> Option<PathBuf> {
    let args = cmdline(pid);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "-c" || a == "--configuration" {
            return it.next().map(PathBuf::from);
        }
        if let Some(v) = a.strip_prefix("--configuration=") {
            return Some(PathBuf::from(v));
        }
    }
    None
}

/// Whether a process is a supervisord (its name, or a python running `supervisord`).
pub fn is_supervisord(pid: i32) -> bool {
    if comm(pid).is_some_and(|c| c == "supervisord") {
        return true;
    }
    cmdline(pid)
        .iter()
        .take(3)
        .any(|a| a.rsplit('/').next() == Some("supervisord"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn master_title_gives_binary_and_options() {
        let (bin, args) = parse_master_title(
            "nginx: master process /usr/sbin/nginx -p /tmp/l -c /tmp/l/nginx.conf -e /tmp/l/e.log -g daemon off;",
        )
        .expect("a master");
        assert_eq!(bin, "/usr/sbin/nginx");
        assert_eq!(
            option(&args, "-c"),
            Some(PathBuf::from("/tmp/l/nginx.conf"))
        );
        assert_eq!(option(&args, "-p"), Some(PathBuf::from("/tmp/l")));
        assert_eq!(option(&args, "-e"), Some(PathBuf::from("/tmp/l/e.log")));
        assert!(parse_master_title("nginx: worker process").is_none());
        let (_, args) = parse_master_title("nginx: master process nginx -c/etc/x.conf").unwrap();
        assert_eq!(option(&args, "-c"), Some(PathBuf::from("/etc/x.conf")));
    }

    #[test]
    fn cgroup_names_the_unit_or_the_container() {
        assert_eq!(
            unit_of_cgroup("0::/system.slice/ds-docservice.service\n").as_deref(),
            Some("ds-docservice.service")
        );
        assert_eq!(
            unit_of_cgroup("0::/system.slice/docker-abc123.scope\n").as_deref(),
            Some("docker:abc123")
        );
        assert_eq!(
            unit_of_cgroup("0::/user.slice/user-0.slice/session-1.scope"),
            None
        );
        assert_eq!(unit_of_cgroup("0::/\n"), None);
    }

    #[test]
    fn this_process_is_seen() {
        let me = std::process::id() as i32;
        assert!(!cmdline(me).is_empty());
        assert!(ppid(me).is_some());
        assert!(!foreign_mounts(me));
        assert_eq!(environ_var(me, "TRIAGE502_NO_SUCH_VAR_X"), Ok(None));
    }
}
