//! The lab's disk: the stand-in's cache folder `DIR/cache/files` (its `local.json`'s
//! `storage.fs.folderPath`), the `disk-full` fault, and the stand-in's storage health check.
//!
//! `lab break disk-full` (root only) mounts a tmpfs of [`TMPFS_SIZE`] on the cache folder
//! (source name `triage502-lab`, `nosuid,nodev,noexec`) and fills it with one file until the
//! kernel says ENOSPC; only a folder that is then a tmpfs mount is ever filled, never the
//! filesystem under it. `lab fix` and `lab down` unmount it (lazily when busy), so no mount
//! outlives the fault. Without root the fault says it needs root and changes nothing.
//!
//! The stand-in's `/healthcheck` writes a probe file into the cache folder and removes it, as
//! the real `healthCheck` does with its storage; when the write fails it logs the real WARN line
//! `healthCheck storage(undefined) error Error: ENOSPC: no space left on device, open '…'` and
//! still answers `true` (a storage failure does not fail the real `/healthcheck`).

use super::*;
use std::io::Write as _;

/// The cache folder inside the lab folder.
pub const CACHE_REL: &str = "cache/files";

/// Size of the tmpfs the `disk-full` fault mounts.
pub const TMPFS_SIZE: &str = "4m";

/// The most the fault writes (a bound in case the mount were not what it checked).
const FILL_LIMIT: u64 = 64 << 20;

/// `TMPFS_MAGIC` of statfs(2).
const TMPFS_MAGIC: i64 = 0x0102_1994;

/// The lab's cache folder.
pub fn cache_dir(dir: &Path) -> PathBuf {
    dir.join(CACHE_REL)
}

/// The lab's `local.json` with the cache folder as `storage.fs.folderPath`.
pub fn local_json(dir: &Path, secret: &str) -> String {
    let text = render::local_json(secret);
    let Ok(mut v) = serde_json::from_str::<serde_json::Value>(&text) else {
        return text;
    };
    v["storage"] = serde_json::json!({"fs": {
        "folderPath": cache_dir(dir).display().to_string(),
        "secretString": render::SECURE_LINK_SECRET,
    }});
    let mut s = serde_json::to_string_pretty(&v).unwrap_or(text);
    s.push('\n');
    s
}

/// Create the cache folder (private, as every folder of the lab).
pub fn prepare(dir: &Path) -> anyhow::Result<()> {
    for sub in ["cache", CACHE_REL] {
        crate::fsafe::ensure_private_dir(&dir.join(sub)).map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    Ok(())
}

/// Whether something is mounted on the cache folder (its device differs from its parent's).
pub fn is_mounted(dir: &Path) -> bool {
    let c = cache_dir(dir);
    match (rustix::fs::lstat(&c), c.parent().map(rustix::fs::lstat)) {
        (Ok(a), Some(Ok(b))) => a.st_dev != b.st_dev,
        _ => false,
    }
}

fn tool(name: &str) -> anyhow::Result<PathBuf> {
    trusted_program(name)?
        .with_context(|| format!("the disk-full fault needs {name} (package mount)"))
}

/// `lab break disk-full`: mount the tmpfs (once) and fill it.
pub fn break_disk_full(dir: &Path) -> anyhow::Result<()> {
    if !crate::util::is_root() {
        bail!(
            "the disk-full fault needs root (it mounts a tmpfs of {TMPFS_SIZE}B on {}); run as root, e.g. with sudo",
            cache_dir(dir).display()
        );
    }
    prepare(dir)?;
    let cache = cache_dir(dir);
    if !is_mounted(dir) {
        let args = [
            "-t",
            "tmpfs",
            "-o",
            &format!("size={TMPFS_SIZE},mode=0700,nosuid,nodev,noexec"),
            "triage502-lab",
            &cache.display().to_string(),
        ]
        .map(str::to_string)
        .to_vec();
        let mount = tool("mount")?;
        let o = sys::run(&mount, &args, CMD_TIMEOUT)?;
        if !o.ok() {
            bail!(
                "`{}` failed: {}",
                sys::show_argv(&mount, &args),
                o.message()
            );
        }
    }
    // Never fill what is not our mount (/tmp itself may be a tmpfs).
    if !is_mounted(dir) {
        bail!(
            "nothing is mounted on {} after mounting it; not filling",
            cache.display()
        );
    }
    fill(&cache)
}

/// Fill the tmpfs mounted on `cache` until ENOSPC.
fn fill(cache: &Path) -> anyhow::Result<()> {
    let fs =
        rustix::fs::statfs(cache).with_context(|| format!("cannot statfs {}", cache.display()))?;
    #[allow(clippy::unnecessary_cast)] // FsWord is i64 or u32 depending on the target
    let kind = fs.f_type as i64;
    if kind != TMPFS_MAGIC {
        bail!(
            "{} is not the lab's tmpfs (filesystem type {kind:#x}); not filling it",
            cache.display()
        );
    }
    let path = cache.join("lab-fill");
    let mut f = crate::fsafe::open_write(&path, crate::fsafe::WriteMode::Append, 0o600)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let chunk = vec![0u8; 256 * 1024];
    let mut written = 0u64;
    while written < FILL_LIMIT {
        match f.write(&chunk) {
            Ok(0) => break,
            Ok(n) => written += n as u64,
            Err(e) if e.raw_os_error() == Some(libc::ENOSPC) => return Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => bail!("cannot fill {}: {e}", path.display()),
        }
    }
    bail!(
        "{} took {written} bytes without running out of space; not a {TMPFS_SIZE}B tmpfs?",
        cache.display()
    )
}

/// Unmount the cache folder while something is mounted on it (`lab fix`, `lab down`);
/// `Ok(true)` when something was unmounted. A busy mount is detached lazily (`umount -l`).
pub fn unmount(dir: &Path) -> anyhow::Result<bool> {
    if !is_mounted(dir) {
        return Ok(false);
    }
    let umount = tool("umount")?;
    let cache = cache_dir(dir).display().to_string();
    // Bounded: a few stacked mounts at most.
    for _ in 0..4 {
        if !is_mounted(dir) {
            break;
        }
        let o = sys::run(&umount, std::slice::from_ref(&cache), CMD_TIMEOUT)?;
        if !o.ok() {
            let lazy = ["-l".to_string(), cache.clone()];
            let o2 = sys::run(&umount, &lazy, CMD_TIMEOUT)?;
            if !o2.ok() {
                bail!("cannot unmount {cache}: {} / {}", o.message(), o2.message());
            }
        }
    }
    if is_mounted(dir) {
        bail!("{cache} is still mounted after unmounting it");
    }
    Ok(true)
}

/// The stand-in's storage check: write a probe file into the cache folder and remove it. On
/// failure the line the real Document Server logs (WARN); none when the folder does not exist
/// (a lab folder written by another version).
pub fn probe(dir: &Path) -> Option<String> {
    let cache = cache_dir(dir);
    if !cache.is_dir() {
        return None;
    }
    let path = cache.join(format!("hc_{}", std::process::id()));
    let res = crate::fsafe::open_write(&path, crate::fsafe::WriteMode::Truncate, 0o600)
        .map_err(std::io::Error::other)
        .and_then(|mut f| f.write_all(&[b'x'; 4096]).and_then(|()| f.sync_all()));
    let _ = std::fs::remove_file(&path);
    let e = res.err()?;
    let (code, text) = match e.raw_os_error() {
        Some(libc::ENOSPC) => ("ENOSPC", "no space left on device"),
        Some(libc::EDQUOT) => ("EDQUOT", "disk quota exceeded"),
        Some(libc::EACCES) => ("EACCES", "permission denied"),
        Some(libc::EROFS) => ("EROFS", "read-only file system"),
        _ => ("EIO", "i/o error"),
    };
    Some(format!(
        "healthCheck storage(undefined) error Error: {code}: {text}, open '{}'",
        path.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_json_points_the_cache_into_the_lab() {
        let v: serde_json::Value =
            serde_json::from_str(&local_json(Path::new("/tmp/lab-x"), "s")).expect("json");
        assert_eq!(v["storage"]["fs"]["folderPath"], "/tmp/lab-x/cache/files");
        assert_eq!(
            v["services"]["CoAuthoring"]["secret"]["inbox"]["string"],
            "s"
        );
    }

    #[test]
    fn probe_is_silent_on_a_writable_cache_and_absent_folder() {
        let t = tempfile::tempdir().expect("tempdir");
        assert_eq!(probe(t.path()), None, "no cache folder: nothing to check");
        prepare(t.path()).expect("prepare");
        assert_eq!(probe(t.path()), None);
        assert_eq!(
            std::fs::read_dir(cache_dir(t.path())).expect("dir").count(),
            0,
            "the probe file is removed"
        );
        assert!(!is_mounted(t.path()));
        assert!(!unmount(t.path()).expect("nothing to unmount"));
    }

    #[test]
    fn fill_refuses_a_folder_that_is_not_a_tmpfs_mount() {
        let t = tempfile::tempdir().expect("tempdir");
        prepare(t.path()).expect("prepare");
        // /tmp may itself be a tmpfs: only a mount on the cache folder counts, which the
        // fault checks first; fill's own check is the filesystem type.
        #[allow(clippy::unnecessary_cast)] // FsWord is i64 or u32 depending on the target
        let tmp_is_tmpfs =
            rustix::fs::statfs(t.path()).is_ok_and(|s| s.f_type as i64 == TMPFS_MAGIC);
        if !tmp_is_tmpfs {
            let e = fill(&cache_dir(t.path())).expect_err("not a tmpfs");
            assert!(e.to_string().contains("not the lab's tmpfs"), "{e}");
        }
    }
}
