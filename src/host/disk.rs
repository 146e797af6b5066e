//! Disk space and inodes of the filesystems the Document Server writes to: its cache/data
//! folder (`storage.fs.folderPath` of `local.json` over `default.json`, default
//! `/var/lib/onlyoffice/documentserver/App_Data/cache/files`), the folders of its configured
//! log files, and `/tmp` (where the converter's x2t works).
//!
//! Each path is measured with `statvfs(2)` (through `rustix`) and folded by filesystem (its
//! device number): one [`Filesystem`] per device, naming every watched path on it, with its
//! mount point (the highest folder above the path on the same device). A path that cannot be
//! measured (missing, permission denied) is listed in [`Disks::unreadable`] with the reason,
//! never taken as healthy. The caller bounds the time (a hung network filesystem blocks
//! `statvfs`): see `host::HostSampler::collect`.

use serde::Serialize;
use std::path::{Path, PathBuf};

use crate::i18n::Lang;
use crate::{tr, tr_in};

/// What to measure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct DiskQuery {
    /// The Document Server's `local.json` (read for `storage.fs.folderPath`); none: no
    /// Document Server is watched, only `/tmp`.
    pub local_json: Option<PathBuf>,
    /// Its `default.json`.
    pub default_json: Option<PathBuf>,
    /// The Document Server's log files: their folders are watched.
    pub log_files: Vec<PathBuf>,
}

impl DiskQuery {
    /// A Document Server at the packages' paths.
    pub fn onlyoffice() -> Self {
        DiskQuery {
            local_json: Some("/etc/onlyoffice/documentserver/local.json".into()),
            default_json: Some("/etc/onlyoffice/documentserver/default.json".into()),
            log_files: vec!["/var/log/onlyoffice/documentserver/docservice/out.log".into()],
        }
    }

    /// The paths to measure, each with what it is, plus problems met reading the settings.
    pub fn watched(&self) -> (Vec<Watched>, Vec<String>) {
        let mut out = Vec::new();
        let mut problems = Vec::new();
        if let Some(local) = &self.local_json {
            let default = self
                .default_json
                .clone()
                .unwrap_or_else(|| local.with_file_name("default.json"));
            let (folder, from, p) = crate::docserver::settings::storage_folder(&default, local);
            problems.extend(p);
            out.push(Watched {
                what: tr_in!(Lang::En, "host-disk-cache", from = from),
                path: folder,
            });
        }
        let mut dirs: Vec<PathBuf> = self
            .log_files
            .iter()
            .filter_map(|f| f.parent().map(Path::to_path_buf))
            .filter(|d| !d.as_os_str().is_empty())
            .collect();
        dirs.sort();
        dirs.dedup();
        for d in dirs {
            out.push(Watched {
                what: tr_in!(Lang::En, "host-disk-logs"),
                path: d,
            });
        }
        out.push(Watched {
            what: tr_in!(Lang::En, "host-disk-tmp"),
            path: PathBuf::from("/tmp"),
        });
        (out, problems)
    }
}

/// One watched path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Watched {
    /// What lives there, in English whatever the language (the JSON, and the console's tags
    /// read it): `Document Server cache (…)`, `Document Server logs`, `temporary files`.
    /// People read [`Watched::text`].
    pub what: String,
    /// The path.
    pub path: PathBuf,
}

/// What a watched path holds, told from its English `what`.
enum Holds<'a> {
    /// The cache, with where its folder was read (`storage.fs.folderPath` of this file).
    Cache(Option<&'a str>),
    Logs,
    Tmp,
    Other(&'a str),
}

impl Watched {
    fn holds(&self) -> Holds<'_> {
        let w = self.what.as_str();
        // The English template around the file the folder was read from.
        let template = tr_in!(Lang::En, "host-disk-cache", from = "\u{1}");
        if let Some((pre, post)) = template.split_once('\u{1}')
            && let Some(from) = w.strip_prefix(pre).and_then(|r| r.strip_suffix(post))
        {
            return Holds::Cache(Some(from));
        }
        if w.starts_with(&tr_in!(Lang::En, "host-disk-cache-short")) {
            Holds::Cache(None)
        } else if w == tr_in!(Lang::En, "host-disk-logs") {
            Holds::Logs
        } else if w.starts_with(&tr_in!(Lang::En, "host-disk-tmp-short")) {
            Holds::Tmp
        } else {
            Holds::Other(w)
        }
    }

    /// What lives there, in the current language.
    pub fn text(&self) -> String {
        match self.holds() {
            Holds::Cache(Some(from)) => tr!("host-disk-cache", from = from),
            Holds::Tmp if self.what == tr_in!(Lang::En, "host-disk-tmp") => tr!("host-disk-tmp"),
            _ => self.short(),
        }
    }

    /// The short form of [`Watched::text`]: `Document Server cache`, `temporary files`.
    pub fn short(&self) -> String {
        match self.holds() {
            Holds::Cache(_) => tr!("host-disk-cache-short"),
            Holds::Logs => tr!("host-disk-logs"),
            Holds::Tmp => tr!("host-disk-tmp-short"),
            Holds::Other(w) => w.split(" (").next().unwrap_or(w).to_string(),
        }
    }
}

/// One filesystem holding watched paths.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Filesystem {
    /// Its mount point (the highest folder above the first path on the same device).
    pub mount: PathBuf,
    /// The watched paths on it.
    pub holds: Vec<Watched>,
    /// Size in bytes.
    pub total_bytes: u64,
    /// Bytes an unprivileged process may still write.
    pub avail_bytes: u64,
    /// Used space as `df` shows it: used / (used + available), in percent.
    pub used_percent: f64,
    /// Inodes in all (0: the filesystem has no inode limit, e.g. btrfs).
    pub inodes_total: u64,
    /// Free inodes.
    pub inodes_free: u64,
    /// Mounted read-only.
    pub read_only: bool,
}

impl Filesystem {
    /// Inodes used, in percent; none when the filesystem has no inode limit.
    pub fn inodes_used_percent(&self) -> Option<f64> {
        (self.inodes_total > 0).then(|| {
            (self.inodes_total - self.inodes_free.min(self.inodes_total)) as f64 * 100.0
                / self.inodes_total as f64
        })
    }

    /// `/var/lib (Document Server cache, Document Server logs)`.
    pub fn label(&self) -> String {
        let what: Vec<String> = self.holds.iter().map(Watched::short).collect();
        tr!(
            "host-disk-label",
            mount = self.mount.display(),
            holds = what.join(&tr!("host-sep-comma"))
        )
    }
}

/// A watched path that could not be measured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unreadable {
    /// The path and what it is.
    pub watched: Watched,
    /// Why.
    pub reason: String,
}

/// The filesystems of the watched paths.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Disks {
    /// One per filesystem, in the order their first path was watched.
    pub filesystems: Vec<Filesystem>,
    /// Paths that could not be measured, with why.
    pub unreadable: Vec<Unreadable>,
    /// Problems reading the Document Server's settings (the default folder was used).
    pub notes: Vec<String>,
}

/// One statvfs result, reduced to what [`Filesystem`] keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    /// Fragment size (`f_frsize`).
    pub frsize: u64,
    /// Blocks in all.
    pub blocks: u64,
    /// Free blocks (root's reserve included).
    pub bfree: u64,
    /// Blocks free for unprivileged users.
    pub bavail: u64,
    /// Inodes in all.
    pub files: u64,
    /// Free inodes.
    pub ffree: u64,
    /// Mounted read-only.
    pub read_only: bool,
}

/// A measured path: its device, mount point and usage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measured {
    /// Device number (`st_dev`).
    pub dev: u64,
    /// Mount point.
    pub mount: PathBuf,
    /// statvfs.
    pub usage: Usage,
}

fn errno_text(e: rustix::io::Errno) -> String {
    crate::util::io_error_text(&std::io::Error::from(e))
}

/// Measure one path: stat for its device, statvfs for its usage, and its mount point.
pub fn measure(path: &Path) -> Result<Measured, String> {
    let st = rustix::fs::stat(path).map_err(|e| {
        let (path, error) = (path.display(), errno_text(e));
        if e == rustix::io::Errno::ACCESS {
            tr!("host-disk-cannot-read-root", path = path, error = error)
        } else {
            tr!("host-cannot-read", path = path, error = error)
        }
    })?;
    let v = rustix::fs::statvfs(path)
        .map_err(|e| format!("statvfs {}: {}", path.display(), errno_text(e)))?;
    let dev = st.st_dev;
    let mut mount = path.to_path_buf();
    // Bounded: a path has few components.
    for anc in path.ancestors().skip(1).take(64) {
        match rustix::fs::stat(anc) {
            Ok(s) if s.st_dev == dev => mount = anc.to_path_buf(),
            _ => break,
        }
    }
    Ok(Measured {
        dev,
        mount,
        usage: Usage {
            frsize: if v.f_frsize > 0 {
                v.f_frsize
            } else {
                v.f_bsize
            },
            blocks: v.f_blocks,
            bfree: v.f_bfree,
            bavail: v.f_bavail,
            files: v.f_files,
            ffree: v.f_ffree,
            read_only: v.f_flag.contains(rustix::fs::StatVfsMountFlags::RDONLY),
        },
    })
}

/// Fold measurements into filesystems (one per device, first-seen order).
pub fn fold(results: Vec<(Watched, Result<Measured, String>)>, notes: Vec<String>) -> Disks {
    let mut d = Disks {
        notes,
        ..Disks::default()
    };
    let mut devs: Vec<u64> = Vec::new();
    for (w, r) in results {
        match r {
            Ok(m) => {
                if let Some(i) = devs.iter().position(|x| *x == m.dev) {
                    if !d.filesystems[i].holds.contains(&w) {
                        d.filesystems[i].holds.push(w);
                    }
                    continue;
                }
                devs.push(m.dev);
                d.filesystems.push(filesystem(w, &m));
            }
            Err(reason) => d.unreadable.push(Unreadable { watched: w, reason }),
        }
    }
    d
}

fn filesystem(w: Watched, m: &Measured) -> Filesystem {
    let u = m.usage;
    let used = u.blocks.saturating_sub(u.bfree);
    let base = used + u.bavail;
    let used_percent = if base == 0 {
        0.0
    } else {
        used as f64 * 100.0 / base as f64
    };
    Filesystem {
        mount: m.mount.clone(),
        holds: vec![w],
        total_bytes: u.blocks.saturating_mul(u.frsize),
        avail_bytes: u.bavail.saturating_mul(u.frsize),
        used_percent,
        inodes_total: u.files,
        inodes_free: u.ffree,
        read_only: u.read_only,
    }
}

/// Measure every watched path (blocking: run it off the async threads, bounded).
pub fn collect(q: &DiskQuery) -> Disks {
    let (watched, notes) = q.watched();
    let results = watched
        .into_iter()
        .map(|w| {
            let r = measure(&w.path);
            (w, r)
        })
        .collect();
    fold(results, notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(what: &str, p: &str) -> Watched {
        Watched {
            what: what.into(),
            path: p.into(),
        }
    }

    fn m(dev: u64, mount: &str, blocks: u64, bfree: u64, bavail: u64) -> Measured {
        Measured {
            dev,
            mount: mount.into(),
            usage: Usage {
                frsize: 4096,
                blocks,
                bfree,
                bavail,
                files: 1000,
                ffree: 10,
                read_only: false,
            },
        }
    }

    #[test]
    fn what_stays_english_and_reads_in_chinese() {
        let _zh = crate::i18n::scoped(crate::i18n::Lang::ZhCn);
        let q = DiskQuery {
            local_json: Some("/nonexistent/t502/local.json".into()),
            default_json: None,
            log_files: vec!["/var/log/t502/out.log".into()],
        };
        let (watched, _) = q.watched();
        let what: Vec<&str> = watched.iter().map(|w| w.what.as_str()).collect();
        assert_eq!(
            what,
            [
                "Document Server cache (storage.fs.folderPath, default)",
                "Document Server logs",
                "temporary files (x2t)"
            ]
        );
        let text: Vec<String> = watched.iter().map(Watched::text).collect();
        assert_eq!(
            text,
            [
                "文档服务器缓存（storage.fs.folderPath，default）",
                "文档服务器日志",
                "临时文件（x2t）"
            ]
        );
        let fs = Filesystem {
            mount: "/var".into(),
            holds: watched,
            total_bytes: 1,
            avail_bytes: 1,
            used_percent: 0.0,
            inodes_total: 0,
            inodes_free: 0,
            read_only: false,
        };
        assert_eq!(
            fs.label(),
            "/var（文档服务器缓存，文档服务器日志，临时文件）"
        );
        let _en = crate::i18n::scoped(crate::i18n::Lang::En);
        assert_eq!(
            fs.label(),
            "/var (Document Server cache, Document Server logs, temporary files)"
        );
    }

    #[test]
    fn folds_by_device_and_computes_percent_like_df() {
        let d = fold(
            vec![
                (
                    w("Document Server cache (x)", "/var/lib/x"),
                    Ok(m(1, "/var", 1000, 50, 0)),
                ),
                (
                    w("Document Server logs", "/var/log/x"),
                    Ok(m(1, "/var", 1000, 50, 0)),
                ),
                (
                    w("temporary files (x2t)", "/tmp"),
                    Ok(m(2, "/tmp", 100, 80, 80)),
                ),
                (
                    w("nope", "/nope"),
                    Err("cannot read /nope: No such file".into()),
                ),
            ],
            vec![],
        );
        assert_eq!(d.filesystems.len(), 2);
        let var = &d.filesystems[0];
        assert_eq!(var.holds.len(), 2);
        // 950 used, 0 available to users (the reserve is root's): 100 %.
        assert!((var.used_percent - 100.0).abs() < 1e-9);
        assert_eq!(
            var.label(),
            "/var (Document Server cache, Document Server logs)"
        );
        assert_eq!(var.inodes_used_percent(), Some(99.0));
        assert!((d.filesystems[1].used_percent - 20.0).abs() < 1e-9);
        assert_eq!(d.unreadable.len(), 1);
    }

    #[test]
    fn measures_a_real_path_and_explains_a_missing_one() {
        let t = tempfile::tempdir().expect("tempdir");
        let got = measure(t.path()).expect("statvfs of a temp dir");
        assert!(got.usage.blocks > 0);
        assert!(t.path().starts_with(&got.mount), "{got:?}");
        let e = measure(&t.path().join("missing")).expect_err("missing");
        assert!(e.contains("no such file"), "{e}");
    }

    #[test]
    fn watched_paths_follow_local_json() {
        let t = tempfile::tempdir().expect("tempdir");
        let local = t.path().join("local.json");
        std::fs::write(
            &local,
            r#"{"storage":{"fs":{"folderPath":"/srv/ds/cache/files"}}}"#,
        )
        .expect("write");
        let q = DiskQuery {
            local_json: Some(local.clone()),
            default_json: None,
            log_files: vec![
                "/var/log/ds/docservice/out.log".into(),
                "/var/log/ds/docservice/err.log".into(),
            ],
        };
        let (v, problems) = q.watched();
        assert!(problems.is_empty(), "{problems:?}");
        let paths: Vec<_> = v.iter().map(|w| w.path.display().to_string()).collect();
        assert_eq!(
            paths,
            ["/srv/ds/cache/files", "/var/log/ds/docservice", "/tmp"]
        );
        assert!(v[0].what.contains("local.json"), "{}", v[0].what);
        // Unreadable settings: the packages' default folder, and the problem said.
        std::fs::write(&local, "{broken").expect("write");
        let (v, problems) = q.watched();
        assert_eq!(
            v[0].path,
            Path::new(crate::docserver::settings::DEFAULT_STORAGE_FOLDER)
        );
        assert_eq!(problems.len(), 1, "{problems:?}");
        // No Document Server: /tmp only.
        let (v, _) = DiskQuery::default().watched();
        assert_eq!(v.len(), 1);
    }
}
