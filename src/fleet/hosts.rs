//! Which hosts `fleet` asks: the `[[fleet.host]]` tables, or `--hosts FILE` (one ssh
//! destination a line, `#` starts a comment), each destination checked so ssh can never take
//! it for an option. Also `~/` in `[fleet] ssh_config`, read from the passwd entry as OpenSSH
//! does (not `$HOME`).

use super::Target;
use crate::config::fleet::{Fleet, destination_problem};
use std::path::{Path, PathBuf};

/// The largest hosts file read.
const MAX_FILE: u64 = 1024 * 1024;
/// The most hosts in one fleet.
pub const MAX_HOSTS: usize = 1000;

/// The destinations of a hosts file's text, or the first bad line.
pub fn parse_hosts(text: &str) -> Result<Vec<Target>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let d = line.split('#').next().unwrap_or("").trim();
        if d.is_empty() {
            continue;
        }
        if let Some(p) = destination_problem(d) {
            return Err(format!("line {}: {p}", i + 1));
        }
        if out.len() == MAX_HOSTS {
            return Err(format!("more than {MAX_HOSTS} hosts"));
        }
        out.push(Target::destination(d));
    }
    Ok(out)
}

/// The hosts to ask: from `file` when given, else the config's `[[fleet.host]]`.
pub fn targets(f: &Fleet, file: Option<&Path>) -> Result<Vec<Target>, String> {
    let list = match file {
        Some(p) => {
            let (bytes, more) = crate::fsafe::read_capped(p, MAX_FILE, true)
                .map_err(|e| format!("cannot read hosts file '{}': {e}", p.display()))?;
            if more {
                return Err(format!(
                    "hosts file '{}' is larger than {} KiB",
                    p.display(),
                    MAX_FILE / 1024
                ));
            }
            let text = String::from_utf8_lossy(&bytes);
            parse_hosts(&text).map_err(|e| format!("{}: {e}", p.display()))?
        }
        None => f.hosts.iter().map(Target::from_config).collect(),
    };
    if list.is_empty() {
        return Err(match file {
            Some(p) => format!("no hosts in '{}'", p.display()),
            None => "no hosts: add [[fleet.host]] tables to the config (destination = \"…\") \
                     or give --hosts FILE (one ssh destination a line)"
                .into(),
        });
    }
    Ok(list)
}

/// The home folder of this user from the passwd entry.
fn passwd_home() -> Option<PathBuf> {
    let uid = crate::fsafe::euid();
    let text = std::fs::read_to_string("/etc/passwd").ok()?;
    text.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        (f.len() >= 7 && f[2].parse::<u32>().ok()? == uid).then(|| PathBuf::from(f[5]))
    })
}

/// `~/…` with the passwd entry's home folder (as OpenSSH reads `~`); other paths as given.
pub fn expand_tilde(p: &Path) -> PathBuf {
    match p.strip_prefix("~") {
        Ok(rest) => match passwd_home() {
            Some(h) => h.join(rest),
            None => p.to_path_buf(),
        },
        Err(_) => p.to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_file_lines_comments_and_bad_destinations() {
        let t = parse_hosts("# prod\nops@office-01\n\n  office-02   # the proxy\n").expect("ok");
        let d: Vec<&str> = t.iter().map(|t| t.destination.as_str()).collect();
        assert_eq!(d, ["ops@office-01", "office-02"]);
        let e = parse_hosts("ok\n-oProxyCommand=touch /tmp/x\n").expect_err("refused");
        assert!(e.starts_with("line 2:"), "{e}");
        assert!(parse_hosts("a b\n").is_err());
    }

    #[test]
    fn no_hosts_says_where_to_put_them() {
        let e = targets(&Fleet::default(), None).expect_err("none");
        assert!(e.contains("[[fleet.host]]") && e.contains("--hosts"), "{e}");
    }

    #[test]
    fn tilde_is_the_passwd_home_not_home() {
        let want = passwd_home().map(|h| h.join(".ssh/config"));
        if let Some(w) = want {
            assert_eq!(expand_tilde(Path::new("~/.ssh/config")), w);
        }
        assert_eq!(expand_tilde(Path::new("/etc/x")), PathBuf::from("/etc/x"));
    }
}
