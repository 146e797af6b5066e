//! Small helpers shared by the engine modules: URL and `host:port` splitting, human text for
//! I/O errors (with "try sudo" hints), and whether we run as root.

use crate::tr;
use std::io;

/// The parts of an http(s) URL that probes need.
#[derive(Debug, Clone, PartialEq)]
pub struct UrlParts {
    /// `http` or `https`.
    pub scheme: String,
    /// Host name or address (IPv6 without brackets).
    pub host: String,
    /// Port (scheme default when absent).
    pub port: u16,
    /// Path and query.
    pub path: String,
}

impl UrlParts {
    /// Parse an http(s) URL; the error says what is wrong.
    pub fn parse(s: &str) -> Result<Self, String> {
        let u = reqwest::Url::parse(s).map_err(|e| tr!("util-url-invalid", url = s, error = e))?;
        let scheme = u.scheme().to_string();
        if scheme != "http" && scheme != "https" {
            return Err(tr!("util-url-scheme", url = s));
        }
        let host = match u.host() {
            Some(url::Host::Domain(d)) => d.to_string(),
            Some(url::Host::Ipv4(a)) => a.to_string(),
            Some(url::Host::Ipv6(a)) => a.to_string(),
            None => return Err(tr!("util-url-no-host", url = s)),
        };
        let port = u
            .port_or_known_default()
            .ok_or_else(|| tr!("util-url-no-port", url = s))?;
        let mut path = u.path().to_string();
        if let Some(q) = u.query() {
            path.push('?');
            path.push_str(q);
        }
        Ok(UrlParts {
            scheme,
            host,
            port,
            path,
        })
    }

    /// `host:port`, IPv6 in brackets.
    pub fn authority(&self) -> String {
        join_host_port(&self.host, self.port)
    }
}

/// `host:port`, IPv6 addresses in brackets.
pub fn join_host_port(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// Split `host:port` / `[v6]:port`; `None` when there is no valid port.
pub fn split_host_port(s: &str) -> Option<(String, u16)> {
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let (h, p) = rest.split_once("]:")?;
        (h, p)
    } else {
        s.rsplit_once(':')?
    };
    if host.is_empty() || host.contains(':') && !s.starts_with('[') {
        return None;
    }
    Some((host.to_string(), port.parse().ok()?))
}

/// A person-readable text for an I/O error, without the Rust formatting noise.
pub fn io_error_text(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => tr!("util-io-not-found"),
        io::ErrorKind::PermissionDenied => tr!("util-io-permission-denied"),
        _ => e.to_string(),
    }
}

/// A hint for an I/O error ("try with sudo" for permission errors).
pub fn io_error_hint(e: &io::Error) -> Option<String> {
    match e.kind() {
        io::ErrorKind::PermissionDenied if !is_root() => Some(tr!("util-io-hint-sudo")),
        io::ErrorKind::NotFound => Some(tr!("util-io-hint-path")),
        _ => None,
    }
}

/// Whether the effective user is root.
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Shorten `s` to at most `max` characters, marking the cut with `…`.
pub fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// What a JWT is replaced with.
// i18n: not text (the mask written in place of a token, in logs and reports alike)
pub const JWT_MASK: &str = "<jwt redacted>";

fn is_b64url(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// Replaces every `eyJ<seg>.<seg>.<seg>` (segments of base64url, the last may be empty for
/// unsigned tokens, `=` padding tolerated) with [`JWT_MASK`].
pub fn mask_jwts(text: &str) -> String {
    mask_jwts_owned(std::borrow::Cow::Borrowed(text))
}

/// [`mask_jwts`] of a text the caller may already own (e.g. the `Cow` of
/// `String::from_utf8_lossy`): without a token in it, the text is kept, not copied (a log
/// flood masks every field of every line).
pub fn mask_jwts_owned(text: std::borrow::Cow<'_, str>) -> String {
    let ranges = jwt_ranges(&text);
    if ranges.is_empty() {
        return text.into_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for r in ranges {
        out.push_str(&text[copied..r.start]);
        out.push_str(JWT_MASK);
        copied = r.end;
    }
    out.push_str(&text[copied..]);
    out
}

/// Whether `needle` occurs in `hay` (an empty needle never does). Short haystacks (an errno
/// text, a field) are compared window by window: building a searcher costs more than the
/// search there; longer ones go through memchr's memmem.
pub fn contains_bytes(hay: &[u8], needle: &[u8]) -> bool {
    if needle.is_empty() {
        false
    } else if hay.len() < 64 {
        hay.windows(needle.len()).any(|w| w == needle)
    } else {
        memchr::memmem::find(hay, needle).is_some()
    }
}

/// Where the JWTs of [`mask_jwts`] are in `text` (byte ranges, in order, not overlapping).
pub fn jwt_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    // Candidates by their `J`, rare in log text, found with memchr: a substring searcher for
    // `eyJ` cost 5 % of the console's samples in a log flood (four fields per entry, most of
    // them short, where its setup outweighs the search).
    let b = text.as_bytes();
    let starts = memchr::memchr_iter(b'J', b)
        .filter(|&j| j >= 2 && b[j - 2] == b'e' && b[j - 1] == b'y')
        .map(|j| j - 2);
    let mut found: Vec<std::ops::Range<usize>> = Vec::new();
    for i in starts {
        if found.last().is_some_and(|r| i < r.end) || (i > 0 && is_b64url(b[i - 1])) {
            continue;
        }
        if let Some(end) = jwt_end(b, i) {
            found.push(i..end);
        }
    }
    found
}

/// End (exclusive) of a JWT starting at `start`, if one is there.
fn jwt_end(b: &[u8], start: usize) -> Option<usize> {
    let mut i = start;
    let mut segs = 0;
    loop {
        let seg_start = i;
        while i < b.len() && is_b64url(b[i]) {
            i += 1;
        }
        while i < b.len() && b[i] == b'=' {
            i += 1;
        }
        let len = i - seg_start;
        segs += 1;
        if segs < 3 {
            if len < 2 || i >= b.len() || b[i] != b'.' {
                return None;
            }
            i += 1;
        } else {
            return Some(i);
        }
    }
}

/// The tokio runtime every command uses: two worker threads (the box may be sick; triage502
/// stays small), all drivers. The error is a sentence for the user.
pub fn runtime() -> Result<Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map(|rt| Runtime(Some(rt)))
        .map_err(|e| tr!("util-runtime-failed", error = e))
}

/// A tokio runtime that does not wait for its blocking threads when dropped.
///
/// A name lookup (getaddrinfo, which tokio runs on a blocking thread) cannot be cancelled:
/// with a resolver that never answers it takes `timeout × attempts` of resolv.conf (150 s with
/// `timeout:30 attempts:5`), long after the probe that asked gave up at its own timeout. A
/// plain runtime waits for such threads on drop, so `check` ended only then. Everything that
/// matters is awaited inside `block_on`; what is still running at the drop is abandoned (the
/// threads end with the process).
pub struct Runtime(Option<tokio::runtime::Runtime>);

impl std::ops::Deref for Runtime {
    type Target = tokio::runtime::Runtime;
    fn deref(&self) -> &Self::Target {
        // i18n: not text (a panic message for developers)
        self.0.as_ref().expect("runtime present until drop")
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

/// Starts watching SIGTERM, SIGHUP (the SSH session gone) and SIGINT at once, and returns a
/// future that resolves to the name of the first that arrives. Watching starts here, not at
/// the first poll, so a signal right after this call is not missed (its default action would
/// kill the process). Needs a tokio runtime; fails when the signals cannot be watched.
pub fn stop_signal() -> std::io::Result<impl std::future::Future<Output = &'static str>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut hup = signal(SignalKind::hangup())?;
    let mut int = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = hup.recv() => "SIGHUP",
            _ = int.recv() => "SIGINT",
        }
    })
}

/// `println!` that never panics: a closed terminal or pipe (the SSH session gone, `| head`)
/// loses the line, nothing else. For output written while something must still be finished
/// (an action's audit line).
#[macro_export]
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

/// `eprintln!` that never panics; see [`say!`].
#[macro_export]
macro_rules! say_err {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

/// Suggest the closest of `expected` to `got`, if any is close (config keys, key-binding
/// command names, themes, log classes).
pub fn did_you_mean<'a>(got: &str, expected: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    expected
        .into_iter()
        .map(|e| (strsim::damerau_levenshtein(got, e), e))
        .filter(|(d, e)| *d <= 2.max(e.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, e)| e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contains_bytes_short_and_long() {
        assert!(contains_bytes(b"Connection refused", b"refused"));
        assert!(!contains_bytes(b"Connection refused", b"timed out"));
        assert!(!contains_bytes(b"anything", b""));
        assert!(!contains_bytes(b"ab", b"abc"));
        let long = format!("{}ECONNREFUSED 127.0.0.1:5672", "x".repeat(200));
        assert!(contains_bytes(long.as_bytes(), b"ECONNREFUSED"));
        assert!(!contains_bytes(long.as_bytes(), b"ETIMEDOUT"));
    }

    #[test]
    fn url_parts() {
        let u = UrlParts::parse("https://office.example.org/healthcheck?x=1").expect("url");
        assert_eq!(
            (u.host.as_str(), u.port, u.path.as_str()),
            ("office.example.org", 443, "/healthcheck?x=1")
        );
        let u = UrlParts::parse("http://[::1]:8000/").expect("url");
        assert_eq!(u.authority(), "[::1]:8000");
        assert!(UrlParts::parse("ftp://x/").is_err());
        assert!(UrlParts::parse("not a url").is_err());
    }

    #[test]
    fn host_port() {
        assert_eq!(
            split_host_port("127.0.0.1:80"),
            Some(("127.0.0.1".into(), 80))
        );
        assert_eq!(split_host_port("[::1]:443"), Some(("::1".into(), 443)));
        assert_eq!(split_host_port("::1"), None);
        assert_eq!(split_host_port("host"), None);
        assert_eq!(split_host_port("host:99999"), None);
    }

    #[test]
    fn shorten_marks_cut() {
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten("abc", 4), "abc");
    }
}
