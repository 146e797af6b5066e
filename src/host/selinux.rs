//! SELinux: the mode (enforcing / permissive / disabled / absent) and the
//! `httpd_can_network_connect` boolean that decides whether nginx may connect to upstreams
//! (`connect() … failed (13: Permission denied)` when off), read from `/sys/fs/selinux`.

use std::path::Path;

use crate::tr;
use serde::Serialize;

/// SELinux mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Enforcing: denials block.
    Enforcing,
    /// Permissive: denials are only logged.
    Permissive,
    /// Installed but disabled.
    Disabled,
    /// Not present on this box.
    Absent,
}

/// SELinux facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Selinux {
    /// Mode.
    pub mode: Mode,
    /// `httpd_can_network_connect` (None when SELinux is not active or the boolean is missing).
    pub httpd_can_network_connect: Option<bool>,
    /// Where the facts came from / a short explanation.
    pub detail: String,
}

/// Reads SELinux facts below `root` (`/` on a real box; a temp dir in tests).
pub fn collect_from(root: &Path) -> Selinux {
    let fs = root.join("sys/fs/selinux");
    if let Ok(enforce) = std::fs::read_to_string(fs.join("enforce")) {
        let mode = if enforce.trim() == "1" {
            Mode::Enforcing
        } else {
            Mode::Permissive
        };
        let boolean = std::fs::read_to_string(fs.join("booleans/httpd_can_network_connect"))
            .ok()
            .and_then(|s| s.split_whitespace().next().map(|v| v == "1"));
        return Selinux {
            mode,
            httpd_can_network_connect: boolean,
            detail: tr!("host-selinux-from-fs"),
        };
    }
    let config = std::fs::read_to_string(root.join("etc/selinux/config")).ok();
    match config {
        Some(c) => {
            let set = c
                .lines()
                .find_map(|l| l.trim().strip_prefix("SELINUX="))
                .unwrap_or("")
                .trim()
                .to_string();
            Selinux {
                mode: Mode::Disabled,
                httpd_can_network_connect: None,
                detail: tr!("host-selinux-unmounted", set = set),
            }
        }
        None => Selinux {
            mode: Mode::Absent,
            httpd_can_network_connect: None,
            detail: tr!("host-selinux-not-present"),
        },
    }
}

/// Reads SELinux facts of this box.
pub fn collect() -> Selinux {
    collect_from(Path::new("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_and_boolean() {
        let d = tempfile::tempdir().expect("test setup");
        assert_eq!(collect_from(d.path()).mode, Mode::Absent);
        std::fs::create_dir_all(d.path().join("etc/selinux")).expect("test setup");
        std::fs::write(d.path().join("etc/selinux/config"), "SELINUX=disabled\n")
            .expect("test setup");
        let s = collect_from(d.path());
        assert_eq!(s.mode, Mode::Disabled);
        assert!(s.detail.contains("SELINUX=disabled"));
        let fs = d.path().join("sys/fs/selinux");
        std::fs::create_dir_all(fs.join("booleans")).expect("test setup");
        std::fs::write(fs.join("enforce"), "1").expect("test setup");
        std::fs::write(fs.join("booleans/httpd_can_network_connect"), "0 0").expect("test setup");
        let s = collect_from(d.path());
        assert_eq!(s.mode, Mode::Enforcing);
        assert_eq!(s.httpd_can_network_connect, Some(false));
        std::fs::write(fs.join("enforce"), "0").expect("test setup");
        std::fs::write(fs.join("booleans/httpd_can_network_connect"), "1 1").expect("test setup");
        let s = collect_from(d.path());
        assert_eq!(s.mode, Mode::Permissive);
        assert_eq!(s.httpd_can_network_connect, Some(true));
    }

    #[test]
    fn this_box_answers() {
        // What this box's files say, read here independently; the collector must agree.
        let s = collect();
        let fs = Path::new("/sys/fs/selinux");
        match std::fs::read_to_string(fs.join("enforce")) {
            Ok(e) => {
                let want = if e.trim() == "1" {
                    Mode::Enforcing
                } else {
                    Mode::Permissive
                };
                assert_eq!(s.mode, want, "{s:?}");
                let b = std::fs::read_to_string(fs.join("booleans/httpd_can_network_connect"))
                    .ok()
                    .and_then(|b| b.split_whitespace().next().map(|v| v == "1"));
                assert_eq!(s.httpd_can_network_connect, b, "{s:?}");
                assert_eq!(s.detail, "read from /sys/fs/selinux");
            }
            Err(_) => {
                assert_eq!(s.httpd_can_network_connect, None, "{s:?}");
                if Path::new("/etc/selinux/config").exists() {
                    assert_eq!(s.mode, Mode::Disabled, "{s:?}");
                    assert!(s.detail.contains("selinuxfs not mounted"), "{s:?}");
                } else {
                    assert_eq!(s.mode, Mode::Absent, "{s:?}");
                    assert_eq!(s.detail, "not present");
                }
            }
        }
    }
}
