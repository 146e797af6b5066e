//! Trust in files and folders that other users of the box may have written.
//!
//! triage502 runs as root on boxes where www-data, the Nextcloud app or anyone with a shell can
//! write files. Everything here answers one question before the program acts on a path:
//!
//! - [`check_trusted`]: may this file pick what runs as us (a config, a program, the script an
//!   interpreter runs)? Only when it and every folder above it belong to root or to us and
//!   nobody else can write them (a sticky folder such as `/tmp` protects its entries).
//! - [`check_private_dir`]: is this folder ours alone (not a symlink, owned by us, writable by
//!   nobody else)? The lab's folder and the lock folder must be.
//! - [`open_write`]: create or append to a file we write (audit log, journal, reports, keys)
//!   without following a planted symlink, with a restrictive mode, refusing folders that another
//!   user can write unless sticky, and refusing a file that is not ours or is hard-linked.
//! - [`read_capped`]: read a file without following a symlink, without blocking on a FIFO or a
//!   device, and never more than a given number of bytes.
//!
//! The errors are sentences for the operator: they name the path, its owner and what to do.

use crate::tr;
use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::{
    DirBuilderExt as _, MetadataExt as _, OpenOptionsExt as _, PermissionsExt as _,
};
use std::path::{Path, PathBuf};

/// The effective uid of this process.
pub fn euid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// The name of a uid for messages ("www-data (uid 33)"), or just the number.
pub fn user_name(uid: u32) -> String {
    let name = std::fs::read_to_string("/etc/passwd").ok().and_then(|t| {
        t.lines().find_map(|l| {
            let mut f = l.split(':');
            let name = f.next()?;
            let _pw = f.next()?;
            (f.next()?.parse::<u32>().ok()? == uid).then(|| name.to_string())
        })
    });
    match name {
        Some(n) => format!("{n} (uid {uid})"),
        None => format!("uid {uid}"),
    }
}

/// The login name of a uid (from `/etc/passwd`), for `runuser -u NAME`.
pub fn login_name(uid: u32) -> Option<String> {
    passwd_entries().find_map(|(name, u)| (u == uid).then_some(name))
}

/// The uid of a login name (from `/etc/passwd`), or of a `#N` / numeric form.
pub fn uid_of(name: &str) -> Option<u32> {
    if let Some(n) = name.strip_prefix('#') {
        return n.parse().ok();
    }
    passwd_entries()
        .find_map(|(n, u)| (n == name).then_some(u))
        .or_else(|| name.parse().ok())
}

fn passwd_entries() -> impl Iterator<Item = (String, u32)> {
    let text = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    text.lines()
        .filter_map(|l| {
            let mut f = l.split(':');
            let name = f.next()?.to_string();
            let _pw = f.next()?;
            Some((name, f.next()?.parse::<u32>().ok()?))
        })
        .collect::<Vec<_>>()
        .into_iter()
}

const S_IWGRP: u32 = 0o020;
const S_IWOTH: u32 = 0o002;
const S_ISVTX: u32 = 0o1000;

fn owner_ok(md: &Metadata, me: u32) -> bool {
    md.uid() == 0 || md.uid() == me
}

fn writable_by_others(md: &Metadata) -> bool {
    md.mode() & (S_IWGRP | S_IWOTH) != 0
}

/// Checks that `path` may decide what runs as this user: the file (after symlinks) and every
/// folder above it belong to root or to us, the file is writable by nobody else, and a folder
/// writable by others is sticky (so its entries cannot be replaced). `what` names the file in
/// the message ("config file", "program").
pub fn check_trusted(path: &Path, what: &str) -> Result<(), String> {
    check_trusted_as(path, what, euid())
}

/// [`check_trusted`] for a program that will run as `me` rather than as this process (e.g.
/// under `runuser -u www-data`): root or `me` may own the file and its folders.
pub fn check_trusted_as(path: &Path, what: &str, me: u32) -> Result<(), String> {
    let shown = path.display();
    let real = std::fs::canonicalize(path).map_err(|e| {
        tr!(
            "fsafe-what-error",
            what = what,
            path = shown,
            error = crate::util::io_error_text(&e)
        )
    })?;
    let md = std::fs::metadata(&real).map_err(|e| {
        tr!(
            "fsafe-what-error",
            what = what,
            path = shown,
            error = crate::util::io_error_text(&e)
        )
    })?;
    if !owner_ok(&md, me) {
        let allowed = if me == 0 {
            "root".to_string()
        } else {
            tr!("fsafe-owner-root-or", user = user_name(me))
        };
        return Err(tr!(
            "fsafe-refuse-owner",
            what = what,
            path = shown,
            owner = user_name(md.uid()),
            allowed = allowed,
            me = user_name(me),
        ));
    }
    if writable_by_others(&md) {
        return Err(tr!(
            "fsafe-refuse-writable",
            what = what,
            path = shown,
            owner = user_name(md.uid()),
            mode = format!("{:o}", md.mode() & 0o7777),
            real = real.display(),
        ));
    }
    // The folders above the real file, and above the path as given (a symlink's own folder
    // decides where it points).
    let mut dirs: Vec<PathBuf> = real.ancestors().skip(1).map(Path::to_path_buf).collect();
    if real != path
        && let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
        && let Ok(p) = std::fs::canonicalize(parent)
    {
        dirs.extend(p.ancestors().map(Path::to_path_buf));
    }
    for dir in dirs {
        let Ok(dmd) = std::fs::metadata(&dir) else {
            continue;
        };
        if let Some(p) = folder_problem(&dir, &dmd, me) {
            return Err(tr!("fsafe-refuse", what = what, path = shown, why = p));
        }
    }
    Ok(())
}

/// Why another user could replace the entries of folder `dir` (metadata `md`): it belongs to
/// neither root nor `me`, or group/others may write it and it is not sticky. `None` when safe.
fn folder_problem(dir: &Path, md: &Metadata, me: u32) -> Option<String> {
    if !owner_ok(md, me) {
        return Some(tr!(
            "fsafe-folder-owner",
            dir = dir.display(),
            owner = user_name(md.uid())
        ));
    }
    if writable_by_others(md) && md.mode() & S_ISVTX == 0 {
        return Some(tr!(
            "fsafe-folder-writable",
            dir = dir.display(),
            mode = format!("{:o}", md.mode() & 0o7777)
        ));
    }
    None
}

/// Checks that `dir` is a folder of ours alone: not a symlink, owned by us, not writable by
/// group or others. A missing folder is fine (the caller creates it with mode 0700).
pub fn check_private_dir(dir: &Path) -> Result<(), String> {
    let shown = dir.display();
    let md = match std::fs::symlink_metadata(dir) {
        Ok(md) => md,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(format!("'{shown}': {}", crate::util::io_error_text(&e))),
    };
    if md.file_type().is_symlink() || !md.is_dir() {
        return Err(tr!("fsafe-private-not-folder", path = shown));
    }
    let me = euid();
    if md.uid() != me {
        return Err(tr!(
            "fsafe-private-owner",
            path = shown,
            owner = user_name(md.uid()),
            me = user_name(me)
        ));
    }
    if writable_by_others(&md) {
        return Err(tr!(
            "fsafe-private-writable",
            path = shown,
            mode = format!("{:o}", md.mode() & 0o7777)
        ));
    }
    Ok(())
}

/// Creates `dir` (and its parents) with mode 0700 when missing, then checks it with
/// [`check_private_dir`].
pub fn ensure_private_dir(dir: &Path) -> Result<(), String> {
    check_private_dir(dir)?;
    create_missing_dirs(dir)?;
    check_private_dir(dir)
}

/// Checks that no other user can swap `dir` for a folder of theirs: every folder above it (as
/// given and after symlinks) belongs to root or to us and is writable by nobody else unless it
/// is sticky (like `/tmp`), and a symlink on the way belongs to root or to us. `dir` itself is
/// not checked (see [`check_private_dir`]).
pub fn check_parents(dir: &Path) -> Result<(), String> {
    let me = euid();
    let shown = dir.display();
    let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) else {
        return Ok(());
    };
    // Symlinks among the folders as given: whoever owns one can point it elsewhere.
    for a in parent.ancestors() {
        if let Ok(md) = std::fs::symlink_metadata(a)
            && md.file_type().is_symlink()
            && !owner_ok(&md, me)
        {
            return Err(tr!(
                "fsafe-parent-symlink",
                path = shown,
                link = a.display(),
                owner = user_name(md.uid())
            ));
        }
    }
    // Folders still missing are created by the caller (mode 0700); check from the deepest one
    // that exists.
    let existing = parent
        .ancestors()
        .find(|a| a.as_os_str().is_empty() || std::fs::symlink_metadata(a).is_ok())
        .filter(|a| !a.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let real = std::fs::canonicalize(existing)
        .map_err(|e| format!("'{shown}': {}", crate::util::io_error_text(&e)))?;
    for a in real.ancestors() {
        let md = std::fs::metadata(a)
            .map_err(|e| format!("'{}': {}", a.display(), crate::util::io_error_text(&e)))?;
        if let Some(p) = folder_problem(a, &md, me) {
            return Err(format!("'{shown}': {p}"));
        }
    }
    Ok(())
}

/// Creates the missing folders of `dir` with mode 0700 (existing ones are left as they are;
/// [`open_write`] then judges the file's own folder). The error is a sentence.
pub fn create_missing_dirs(dir: &Path) -> Result<(), String> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| {
            tr!(
                "fsafe-cannot-create",
                path = dir.display(),
                error = crate::util::io_error_text(&e)
            )
        })
}

/// How [`open_write`] opens a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteMode {
    /// Append, creating the file when missing (logs).
    Append,
    /// Replace the contents, creating the file when missing (reports).
    Truncate,
    /// Create a new file; an existing one is an error (keys, new configs).
    CreateNew,
}

/// Opens `path` for writing without following a symlink, creating it with `mode` (e.g. 0o600)
/// when missing. Refused: a folder that another user can write unless it is sticky; an existing
/// entry that is not a regular file, is not ours, or has other hard links.
pub fn open_write(path: &Path, how: WriteMode, mode: u32) -> Result<File, String> {
    let shown = path.display();
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let me = euid();
    let dmd = std::fs::metadata(&dir).map_err(|e| {
        tr!(
            "fsafe-write-folder-error",
            path = shown,
            dir = dir.display(),
            error = crate::util::io_error_text(&e)
        )
    })?;
    // In a sticky folder (like /tmp) nobody else can replace our entry: the file itself is
    // checked after opening.
    if dmd.mode() & S_ISVTX == 0
        && let Some(p) = folder_problem(&dir, &dmd, me)
    {
        return Err(tr!("fsafe-write-refused", path = shown, why = p));
    }
    let mut opts = OpenOptions::new();
    opts.write(true)
        .mode(mode)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC);
    match how {
        WriteMode::Append => {
            opts.append(true).create(true);
        }
        WriteMode::Truncate => {
            opts.create(true);
        }
        WriteMode::CreateNew => {
            opts.create_new(true);
        }
    }
    let file = opts.open(path).map_err(|e| match e.raw_os_error() {
        Some(libc::ELOOP) => tr!("fsafe-write-symlink", path = shown),
        Some(libc::EEXIST) => tr!("fsafe-write-exists", path = shown),
        _ => tr!(
            "fsafe-write-error",
            path = shown,
            error = crate::util::io_error_text(&e)
        ),
    })?;
    let md = file.metadata().map_err(|e| {
        tr!(
            "fsafe-write-error",
            path = shown,
            error = crate::util::io_error_text(&e)
        )
    })?;
    if !md.is_file() {
        return Err(tr!("fsafe-write-not-regular", path = shown));
    }
    if md.uid() != me {
        return Err(tr!(
            "fsafe-write-owner",
            path = shown,
            owner = user_name(md.uid())
        ));
    }
    if md.nlink() > 1 {
        return Err(tr!(
            "fsafe-write-hard-links",
            path = shown,
            links = md.nlink()
        ));
    }
    // Back to blocking I/O now that we know it is a regular file.
    // SAFETY: fcntl on a valid, owned descriptor.
    unsafe {
        use std::os::fd::AsRawFd as _;
        let fd = file.as_raw_fd();
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags >= 0 {
            libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK);
        }
    }
    if how == WriteMode::Truncate {
        file.set_len(0).map_err(|e| {
            tr!(
                "fsafe-write-error",
                path = shown,
                error = crate::util::io_error_text(&e)
            )
        })?;
    }
    // A file created earlier with a looser mode keeps it; tighten an existing one of ours.
    if md.mode() & 0o777 & !mode != 0 {
        let _ = file.set_permissions(std::fs::Permissions::from_mode(mode & 0o777));
    }
    Ok(file)
}

/// Why [`read_capped`] did not read a file.
#[derive(Debug)]
pub enum ReadError {
    /// The open or read failed (missing, no permission …).
    Io(io::Error),
    /// The path is a symlink (only with `follow = false`).
    Symlink,
    /// The path is a FIFO, socket or device: reading it could block or never end.
    NotRegular(&'static str),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) => f.write_str(&crate::util::io_error_text(e)),
            ReadError::Symlink => f.write_str(&tr!("fsafe-read-symlink")),
            ReadError::NotRegular(kind) => {
                f.write_str(&tr!("fsafe-read-not-regular", kind = kind_text(kind)))
            }
        }
    }
}

impl From<ReadError> for io::Error {
    fn from(e: ReadError) -> Self {
        match e {
            ReadError::Io(e) => e,
            other => io::Error::new(
                io::ErrorKind::InvalidInput,
                tr!("fsafe-read-not-opened", why = other),
            ),
        }
    }
}

/// Opens a log or data file for reading (symlinks followed, as logs often are): a FIFO, socket
/// or device is refused with an error that says so, instead of blocking until a writer shows up.
pub fn open_regular(path: &Path) -> io::Result<File> {
    open_read(path, true).map_err(io::Error::from)
}

/// A [`kind_name`] in words of the current language.
pub fn kind_text(kind: &str) -> String {
    match kind {
        "folder" => tr!("fsafe-kind-folder"),
        "FIFO" => tr!("fsafe-kind-fifo"),
        "socket" => tr!("fsafe-kind-socket"),
        "device" => tr!("fsafe-kind-device"),
        "symlink" => tr!("fsafe-kind-symlink"),
        // i18n: not text (a key of kind_name)
        "regular file" => tr!("fsafe-kind-regular"),
        other => other.to_string(),
    }
}

/// The kind of a non-regular file, for messages (English: a key of [`kind_text`]).
pub fn kind_name(md: &Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt as _;
    let t = md.file_type();
    if t.is_dir() {
        "folder"
    } else if t.is_fifo() {
        "FIFO"
    } else if t.is_socket() {
        "socket"
    } else if t.is_char_device() || t.is_block_device() {
        "device"
    } else if t.is_symlink() {
        "symlink"
    } else {
        // i18n: not text (a key of kind_text)
        "regular file"
    }
}

/// Opens `path` for reading without blocking on a FIFO (O_NONBLOCK) and refuses anything that
/// is not a regular file. With `follow = false` a symlink at the last component is refused.
pub fn open_read(path: &Path, follow: bool) -> Result<File, ReadError> {
    let mut flags = libc::O_NONBLOCK | libc::O_CLOEXEC;
    if !follow {
        flags |= libc::O_NOFOLLOW;
    }
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(flags)
        .open(path)
        .map_err(|e| {
            if e.raw_os_error() == Some(libc::ELOOP) && !follow {
                ReadError::Symlink
            } else {
                ReadError::Io(e)
            }
        })?;
    let md = file.metadata().map_err(ReadError::Io)?;
    if !md.is_file() {
        return Err(ReadError::NotRegular(kind_name(&md)));
    }
    Ok(file)
}

/// Reads at most `max` bytes of a regular file (see [`open_read`]); the flag says whether the
/// file had more.
pub fn read_capped(path: &Path, max: u64, follow: bool) -> Result<(Vec<u8>, bool), ReadError> {
    let file = open_read(path, follow)?;
    let mut buf = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut buf)
        .map_err(ReadError::Io)?;
    let more = buf.len() as u64 > max;
    buf.truncate(max as usize);
    Ok((buf, more))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn chmod(p: &Path, mode: u32) {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    #[test]
    fn trusted_file_rules() {
        let d = tempfile::tempdir().unwrap();
        chmod(d.path(), 0o755);
        let f = d.path().join("prog");
        std::fs::write(&f, "x").unwrap();
        chmod(&f, 0o755);
        check_trusted(&f, "program").unwrap();
        chmod(&f, 0o775);
        let e = check_trusted(&f, "program").unwrap_err();
        assert!(e.contains("writable by group or others"), "{e}");
        chmod(&f, 0o755);
        chmod(d.path(), 0o777);
        let e = check_trusted(&f, "program").unwrap_err();
        assert!(e.contains("its folder"), "{e}");
        chmod(d.path(), 0o1777);
        check_trusted(&f, "program").unwrap();
        chmod(d.path(), 0o755);
        // A symlink from an open folder is refused even when the target is fine.
        let open = tempfile::tempdir().unwrap();
        chmod(open.path(), 0o777);
        let link = open.path().join("link");
        symlink(&f, &link).unwrap();
        let e = check_trusted(&link, "program").unwrap_err();
        assert!(e.contains("writable by group or others"), "{e}");
        assert!(check_trusted(&d.path().join("missing"), "program").is_err());
    }

    #[test]
    fn private_dir_rules() {
        let d = tempfile::tempdir().unwrap();
        chmod(d.path(), 0o700);
        check_private_dir(d.path()).unwrap();
        check_private_dir(&d.path().join("missing")).unwrap();
        chmod(d.path(), 0o770);
        assert!(check_private_dir(d.path()).is_err());
        chmod(d.path(), 0o700);
        let link = d.path().join("l");
        symlink(d.path(), &link).unwrap();
        assert!(check_private_dir(&link).unwrap_err().contains("symlink"));
        let sub = d.path().join("a/b");
        ensure_private_dir(&sub).unwrap();
        let md = std::fs::metadata(&sub).unwrap();
        assert_eq!(md.mode() & 0o777, 0o700);
    }

    #[test]
    fn parents_rules() {
        let d = tempfile::tempdir().unwrap();
        chmod(d.path(), 0o755);
        let lab = d.path().join("a/lab");
        check_parents(&lab).unwrap(); // "a" is missing: made private by the caller
        std::fs::create_dir(d.path().join("a")).unwrap();
        check_parents(&lab).unwrap();
        chmod(&d.path().join("a"), 0o777);
        assert!(check_parents(&lab).unwrap_err().contains("not sticky"));
        chmod(&d.path().join("a"), 0o1777);
        check_parents(&lab).unwrap();
        chmod(&d.path().join("a"), 0o755);
        check_parents(Path::new("/tmp/x")).unwrap();
    }

    #[test]
    fn open_write_refuses_symlinks_links_and_open_folders() {
        let d = tempfile::tempdir().unwrap();
        chmod(d.path(), 0o700);
        let target = d.path().join("victim");
        std::fs::write(&target, "keep").unwrap();
        let link = d.path().join("out");
        symlink(&target, &link).unwrap();
        let e = open_write(&link, WriteMode::Truncate, 0o600).unwrap_err();
        assert!(e.contains("symlink"), "{e}");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
        let hard = d.path().join("hard");
        std::fs::hard_link(&target, &hard).unwrap();
        let e = open_write(&hard, WriteMode::Append, 0o600).unwrap_err();
        assert!(e.contains("hard links"), "{e}");
        let new = d.path().join("new");
        let _ = open_write(&new, WriteMode::Append, 0o600).unwrap();
        assert_eq!(std::fs::metadata(&new).unwrap().mode() & 0o777, 0o600);
        let e = open_write(&new, WriteMode::CreateNew, 0o600).unwrap_err();
        assert!(e.contains("exists"), "{e}");
        chmod(d.path(), 0o777);
        let e = open_write(&d.path().join("x"), WriteMode::Append, 0o600).unwrap_err();
        assert!(e.contains("not sticky"), "{e}");
        chmod(d.path(), 0o1777);
        open_write(&d.path().join("x"), WriteMode::Append, 0o600).unwrap();
        chmod(d.path(), 0o700);
    }

    #[test]
    fn read_capped_bounds_and_refuses_fifos() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("f");
        std::fs::write(&f, "0123456789").unwrap();
        let (b, more) = read_capped(&f, 4, true).unwrap();
        assert_eq!((b.as_slice(), more), (&b"0123"[..], true));
        let (b, more) = read_capped(&f, 10, true).unwrap();
        assert_eq!((b.len(), more), (10, false));
        let fifo = d.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        match read_capped(&fifo, 10, true) {
            Err(ReadError::NotRegular("FIFO")) => {}
            other => panic!("{other:?}"),
        }
        let link = d.path().join("l");
        symlink(&f, &link).unwrap();
        assert!(matches!(
            read_capped(&link, 10, false),
            Err(ReadError::Symlink)
        ));
        assert!(read_capped(&link, 10, true).is_ok());
    }
}
