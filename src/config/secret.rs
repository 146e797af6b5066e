//! A secret value (JWT secret) that never prints itself: `Debug`, `Display` and `Serialize`
//! show a mask with a keyed fingerprint, so two secrets can be compared without showing either.
//!
//! Fingerprints are HMAC-SHA256 of the value under a random 32-byte key of this host
//! ([`fingerprint`]): equal secrets have equal fingerprints on one host, and nobody without the
//! key can test guesses against a fingerprint (an unkeyed hash of a short secret is recovered by
//! brute force in seconds). The length of the value is never shown.
//!
//! The key lives in `/var/lib/triage502/fingerprint.key` for root, else in
//! `$XDG_STATE_HOME/triage502/fingerprint.key` (default `~/.local/state/…`); `$TRIAGE502_FINGERPRINT_KEY`
//! names another file (tests). It is created on first use, mode 0600 in a 0700 folder, without
//! following symlinks. An existing key file that is a symlink, is not a regular file, does not
//! belong to us, can be read by others or is not exactly 32 bytes is refused: a key for this
//! process only is used instead (fingerprints then differ between runs; nothing fails).

use crate::tr;
use hmac::{Hmac, KeyInit as _, Mac as _};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::Sha256;
use std::io::{Read as _, Write as _};
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A secret string. Only [`Secret::expose`] gives the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wrap a value.
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }

    /// The value itself: use only to sign or compare, never to print.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The keyed fingerprint (see [`fingerprint`]): equal secrets have equal fingerprints.
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.0)
    }

    /// `<secret hmac:0a1b2c3d4e5f6a7b>`: what is shown instead of the value.
    pub fn masked(&self) -> String {
        format!("<secret {}>", self.fingerprint())
    }
}

/// Bytes of the fingerprint key.
pub const KEY_LEN: usize = 32;
/// Environment variable naming another key file (tests, or a box with an unusual layout).
pub const KEY_ENV: &str = "TRIAGE502_FINGERPRINT_KEY";
/// Hex digits of the HMAC shown (64 bits: enough to tell secrets apart by eye; the rest of the
/// HMAC adds nothing for a reader without the key).
const SHOWN_HEX: usize = 16;

/// THE fingerprint of any secret text, as shown everywhere (reports, the console, lab files,
/// config show): `hmac:` and the first 16 hex digits of HMAC-SHA256(host key, value).
pub fn fingerprint(s: &str) -> String {
    fingerprint_with(&process_key().bytes, s)
}

/// The fingerprint of `s` under an explicit key (see [`fingerprint`]).
pub fn fingerprint_with(key: &[u8; KEY_LEN], s: &str) -> String {
    // i18n: not text (a panic message for developers)
    let mut mac = <Hmac<Sha256>>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(s.as_bytes());
    let d = mac.finalize().into_bytes();
    let hex: String = d.iter().map(|b| format!("{b:02x}")).collect();
    format!("hmac:{}", &hex[..SHOWN_HEX])
}

/// The key this process uses and where it came from.
struct ProcessKey {
    bytes: [u8; KEY_LEN],
    /// Why the key is not the host's (refused or unwritable key file), when it is not.
    note: Option<String>,
}

static KEY: OnceLock<ProcessKey> = OnceLock::new();

fn process_key() -> &'static ProcessKey {
    KEY.get_or_init(|| {
        let path = std::env::var_os(KEY_ENV)
            .filter(|p| !p.is_empty())
            .map(PathBuf::from);
        // Unit tests never touch the real key file unless told where the key is.
        let path = if cfg!(test) {
            path
        } else {
            path.or_else(default_key_path)
        };
        let Some(path) = path else {
            return ProcessKey {
                bytes: random_key(),
                note: Some(tr!("secret-key-no-folder")),
            };
        };
        match load_or_create_key(&path) {
            Ok(bytes) => ProcessKey { bytes, note: None },
            Err(e) => ProcessKey {
                bytes: random_key(),
                note: Some(tr!("secret-key-this-run", error = e)),
            },
        }
    })
}

/// Why fingerprints of this run are not comparable with other runs' (the key file was refused
/// or could not be written), if they are not.
pub fn key_note() -> Option<String> {
    process_key().note.clone()
}

/// The default key file: `/var/lib/triage502/fingerprint.key` as root, else
/// `$XDG_STATE_HOME/triage502/fingerprint.key`, else `~/.local/state/triage502/fingerprint.key`.
pub fn default_key_path() -> Option<PathBuf> {
    if crate::fsafe::euid() == 0 {
        return Some(PathBuf::from("/var/lib/triage502/fingerprint.key"));
    }
    if let Some(x) = std::env::var_os("XDG_STATE_HOME").map(PathBuf::from)
        && x.is_absolute()
    {
        return Some(x.join("triage502/fingerprint.key"));
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .filter(|h| h.is_absolute())?;
    Some(home.join(".local/state/triage502/fingerprint.key"))
}

fn random_key() -> [u8; KEY_LEN] {
    let mut k = [0u8; KEY_LEN];
    if getrandom::fill(&mut k).is_err() {
        // No entropy source at all (no getrandom syscall, no /dev/urandom): the OS is broken.
        // A fingerprint must still never be an unkeyed hash; mix what differs per process.
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let seed = format!("{t}:{}:{:p}", std::process::id(), &k);
        let d = <Hmac<Sha256>>::new_from_slice(seed.as_bytes())
            // i18n: not text (a panic message for developers)
            .expect("any key length")
            .finalize()
            .into_bytes();
        k.copy_from_slice(&d[..KEY_LEN]);
    }
    k
}

/// Reads the key at `path`, or creates it (random, mode 0600, its folder 0700) when missing.
/// Refused, with a sentence saying why: a symlink, not a regular file, not ours, readable or
/// writable by others, not exactly [`KEY_LEN`] bytes, a folder that is not private.
pub fn load_or_create_key(path: &Path) -> Result<[u8; KEY_LEN], String> {
    let shown = path.display();
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    crate::fsafe::ensure_private_dir(&dir)
        .map_err(|e| tr!("secret-key-folder-refused", error = e))?;
    match read_key(path) {
        Ok(k) => return Ok(k),
        Err(KeyRead::Missing) => {}
        Err(KeyRead::Refused(e)) => return Err(e),
    }
    // Written under a temporary name, then linked into place: another triage502 starting at
    // the same moment either sees no key or the whole key, and never overwrites ours.
    let key = random_key();
    let tmp = dir.join(format!(".fingerprint.key.{}.tmp", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let written = crate::fsafe::open_write(&tmp, crate::fsafe::WriteMode::CreateNew, 0o600)
        .and_then(|mut f| {
            f.write_all(&key)
                .and_then(|()| f.sync_all())
                .map_err(|e| tr!("secret-key-write-failed", path = tmp.display(), error = e))
        });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(tr!("secret-key-create-failed", error = e));
    }
    let linked = std::fs::hard_link(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(key),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => match read_key(path) {
            Ok(k) => Ok(k),
            Err(KeyRead::Missing) => Err(tr!("secret-key-vanished", path = shown)),
            Err(KeyRead::Refused(e)) => Err(e),
        },
        Err(e) => Err(tr!(
            "secret-key-create-path-failed",
            path = shown,
            error = crate::util::io_error_text(&e)
        )),
    }
}

enum KeyRead {
    Missing,
    Refused(String),
}

fn read_key(path: &Path) -> Result<[u8; KEY_LEN], KeyRead> {
    use crate::fsafe::ReadError;
    let shown = path.display();
    let refused =
        |why: String| KeyRead::Refused(tr!("secret-key-refused", path = shown, why = why));
    let mut f = match crate::fsafe::open_read(path, false) {
        Ok(f) => f,
        Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(KeyRead::Missing);
        }
        Err(e) => return Err(refused(e.to_string())),
    };
    let md = f.metadata().map_err(|e| refused(e.to_string()))?;
    let me = crate::fsafe::euid();
    if md.uid() != me {
        return Err(refused(tr!(
            "secret-key-owner",
            owner = crate::fsafe::user_name(md.uid()),
            me = crate::fsafe::user_name(me)
        )));
    }
    if md.mode() & 0o077 != 0 {
        return Err(refused(tr!(
            "secret-key-mode",
            mode = format!("{:o}", md.mode() & 0o777)
        )));
    }
    if md.len() != KEY_LEN as u64 {
        return Err(refused(tr!(
            "secret-key-length",
            bytes = md.len(),
            expected = KEY_LEN
        )));
    }
    let mut k = [0u8; KEY_LEN];
    f.read_exact(&mut k).map_err(|e| refused(e.to_string()))?;
    Ok(k)
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.masked())
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.masked())
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.masked())
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt as _;

    #[test]
    fn never_prints_the_value() {
        let s = Secret::new("hunter2-hunter2");
        for shown in [
            format!("{s}"),
            format!("{s:?}"),
            serde_json::to_string(&s).unwrap_or_default(),
        ] {
            assert!(!shown.contains("hunter2"), "{shown}");
            assert!(shown.contains(&s.fingerprint()), "{shown}");
        }
        assert_ne!(s.fingerprint(), Secret::new("other").fingerprint());
        assert_eq!(
            s.fingerprint(),
            Secret::new("hunter2-hunter2").fingerprint()
        );
    }

    #[test]
    fn fingerprints_are_keyed_and_never_show_the_length() {
        let k1 = [7u8; KEY_LEN];
        let k2 = [8u8; KEY_LEN];
        let a = fingerprint_with(&k1, "abcde");
        assert_eq!(a, fingerprint_with(&k1, "abcde"), "same key, same secret");
        assert_ne!(
            a,
            fingerprint_with(&k2, "abcde"),
            "another key, another fingerprint"
        );
        assert_ne!(a, fingerprint_with(&k1, "abcdf"));
        // `hmac:` and 16 hex digits; no length anywhere.
        let hex = a.strip_prefix("hmac:").expect("prefix");
        assert_eq!(hex.len(), 16, "{a}");
        assert!(hex.chars().all(|c| c.is_ascii_hexdigit()), "{a}");
        // Not the old unkeyed SHA-256 prefix.
        use sha2::Digest as _;
        let unkeyed: String = sha2::Sha256::digest(b"abcde")
            .iter()
            .take(4)
            .map(|b| format!("{b:02x}"))
            .collect();
        assert!(!a.contains(&unkeyed));
        let m = Secret::new("abcde").masked();
        assert!(!m.contains("len"), "{m}");
        assert!(m.starts_with("<secret hmac:") && m.ends_with('>'), "{m}");
        assert_eq!(m.len(), "<secret hmac:>".len() + 16, "{m}");
    }

    #[test]
    fn key_file_is_created_private_and_reused() {
        let d = tempfile::tempdir().expect("tempdir");
        let path = d.path().join("state/triage502/fingerprint.key");
        let k = load_or_create_key(&path).expect("created");
        let md = std::fs::metadata(&path).expect("exists");
        assert_eq!(md.permissions().mode() & 0o777, 0o600);
        assert_eq!(md.len(), KEY_LEN as u64);
        let dmd = std::fs::metadata(path.parent().expect("dir")).expect("dir");
        assert_eq!(dmd.permissions().mode() & 0o777, 0o700);
        assert_eq!(load_or_create_key(&path).expect("read back"), k);
        // No temporary file left behind.
        let names: Vec<_> = std::fs::read_dir(path.parent().expect("dir"))
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("fingerprint.key")]);
        // Another host (key) gives other fingerprints.
        let other = load_or_create_key(&d.path().join("other/fingerprint.key")).expect("other");
        assert_ne!(k, other);
        assert_ne!(fingerprint_with(&k, "s3"), fingerprint_with(&other, "s3"));
    }

    #[test]
    fn bad_key_files_are_refused() {
        let d = tempfile::tempdir().expect("tempdir");
        let dir = d.path().join("k");
        std::fs::create_dir(&dir).expect("mkdir");
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).expect("chmod");
        // A symlink to a key-sized file of someone's choosing.
        let planted = d.path().join("planted");
        std::fs::write(&planted, [1u8; KEY_LEN]).expect("write");
        std::fs::set_permissions(&planted, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        let link = dir.join("fingerprint.key");
        std::os::unix::fs::symlink(&planted, &link).expect("symlink");
        let e = load_or_create_key(&link).expect_err("symlink refused");
        assert!(e.contains("symlink"), "{e}");
        // A dangling symlink is not replaced by a new key either.
        std::fs::remove_file(&planted).expect("rm");
        assert!(load_or_create_key(&link).is_err());
        std::fs::remove_file(&link).expect("rm");
        // Wrong size.
        std::fs::write(&link, [1u8; 16]).expect("write");
        std::fs::set_permissions(&link, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        let e = load_or_create_key(&link).expect_err("size refused");
        assert!(e.contains("16 bytes"), "{e}");
        // Readable by others.
        std::fs::write(&link, [1u8; KEY_LEN]).expect("write");
        std::fs::set_permissions(&link, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let e = load_or_create_key(&link).expect_err("mode refused");
        assert!(e.contains("mode 644"), "{e}");
        // Not ours (only root can give a file away).
        if crate::fsafe::euid() == 0 {
            std::fs::set_permissions(&link, std::fs::Permissions::from_mode(0o600)).expect("chmod");
            std::os::unix::fs::chown(&link, Some(65534), None).expect("chown");
            let e = load_or_create_key(&link).expect_err("owner refused");
            assert!(e.contains("belongs to"), "{e}");
        }
        // A folder others can write is refused before any key is read or written.
        let open = d.path().join("open");
        std::fs::create_dir(&open).expect("mkdir");
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o777)).expect("chmod");
        assert!(load_or_create_key(&open.join("fingerprint.key")).is_err());
        assert!(!open.join("fingerprint.key").exists());
    }
}
