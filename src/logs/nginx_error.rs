//! nginx error log: entry assembly, parsing and classification.
//!
//! An entry starts with `YYYY/MM/DD HH:MM:SS [level] PID#TID: `, then an optional `*CID `, the
//! message, and the optional fields `, client: `, `, server: `, `, request: "…"`,
//! `, subrequest: "…"`, `, upstream: "…"`, `, host: "…"`, `, referrer: "…"` in that order.
//! Values are not escaped by nginx (they may contain `, ` and quotes), the line may be cut at
//! 2047 bytes in the middle of a field, a physical line that does not start with a date
//! continues the previous entry (FastCGI stderr), and bytes need not be UTF-8. Everything here
//! works on `&[u8]`; only the fields put into an [`Entry`] are converted (lossily).
//!
//! Field splitting: the message ends at the first `, client: ` (or, when there is none, at the
//! first of the later field markers). Each field value ends where the earliest marker of a
//! *later* field begins (for quoted fields: right after the closing quote). A request line that
//! itself contains `", host: "` is therefore cut there — the message and class are unaffected,
//! since classification only looks at the message.
//!
//! Classification ([`classify_message`]) looks only at the message: the operation at its start
//! (`connect()`, `upstream timed out`, `recv()`, …), the errno (number *and* text, since glibc
//! and musl word some errors differently and BSDs number them differently) and the context
//! (`while connecting to upstream`, `while SSL handshaking to upstream`, `while resolving`).
//!
//! Decision for `upstream timed out (110: …) while SSL handshaking to upstream` (the lab's
//! `/ssl` location, proxy_pass https:// to a plain-HTTP port): class `upstream_tls`, because
//! the TCP connection was established and it is the TLS step that never completed — the fix
//! is the scheme or the port, not the network. The client got 504 in that case; the class text
//! says so.

use super::class::Class;
use chrono::{NaiveDate, NaiveDateTime};
use memchr::memmem;
use serde::Serialize;
use std::sync::LazyLock;

/// Longest entry kept (all physical lines together); more is dropped and `truncated` set.
pub const MAX_ENTRY_BYTES: usize = 64 * 1024;

/// nginx cuts an error log line at this many bytes (NGX_MAX_ERROR_STR − 1).
pub const NGINX_LINE_CUT: usize = 2047;

/// One parsed nginx error-log entry (owned; ready to send over a channel or serialize).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Entry {
    /// File the entry came from, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// 1-based number of the entry's first physical line (`null` when unknown, e.g. when a
    /// follower started at the end of a file).
    pub line: Option<u64>,
    /// Local time as written by nginx (`YYYY-MM-DDTHH:MM:SS`, no zone).
    pub time: Option<NaiveDateTime>,
    /// `error`, `warn`, `crit`, … (empty for a stray continuation line).
    pub level: String,
    pub class: Class,
    pub upstream: Option<String>,
    pub server: Option<String>,
    pub client: Option<String>,
    pub request: Option<String>,
    pub host: Option<String>,
    /// errno number from `(NNN: text)` in the message.
    pub errno: Option<u32>,
    pub message: String,
    pub referrer: Option<String>,
    pub pid: Option<u32>,
    pub tid: Option<u32>,
    /// Connection number `*CID` (equals the access log's `$connection`).
    pub cid: Option<u64>,
    /// Physical lines in this entry.
    pub lines: u32,
    /// The entry was cut (nginx's 2047-byte limit, or ours).
    pub truncated: bool,
}

impl Entry {
    /// The peer the attempt went to: the `upstream` field without its scheme and URI —
    /// `127.0.0.1:8000` of `http://127.0.0.1:8000/healthcheck`, `unix:/run/ds.sock` of
    /// `http://unix:/run/ds.sock:/healthcheck`.
    pub fn upstream_peer(&self) -> Option<&str> {
        // One searcher for the process: the console folds its whole log book with this
        // every frame, and `str::split_once` builds a new two-way searcher each call.
        static SCHEME: LazyLock<memmem::Finder<'static>> =
            LazyLock::new(|| memmem::Finder::new(b"://"));
        let u = self.upstream.as_deref()?;
        let u = SCHEME.find(u.as_bytes()).map_or(u, |at| &u[at + 3..]);
        Some(match u.strip_prefix("unix:") {
            Some(path) => &u[..5 + path.find(':').unwrap_or(path.len())],
            None => u.split('/').next().unwrap_or(u),
        })
    }

    /// Parse a complete raw entry (its physical lines joined with `\n`).
    pub fn parse(raw: &[u8], line: Option<u64>) -> Entry {
        let lines = 1 + memchr::memchr_iter(b'\n', raw).count() as u32;
        let first_len = memchr::memchr(b'\n', raw).unwrap_or(raw.len());
        let (header, rest) = match parse_header(raw) {
            Some(h) => (Some(h), h.rest),
            None => (None, raw),
        };
        let f = split_fields(rest);
        let class = classify_at_level(f.message, header.as_ref().map(|h| h.level));
        let lossy = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        // Tokens in messages and URLs are credentials: never shown.
        let masked = |b: &[u8]| crate::util::mask_jwts_owned(String::from_utf8_lossy(b));
        Entry {
            file: None,
            line,
            time: header.and_then(|h| parse_time(h.time)),
            level: header.map(|h| lossy(h.level)).unwrap_or_default(),
            class,
            upstream: f.upstream.map(masked),
            server: f.server.map(lossy),
            client: f.client.map(lossy),
            request: f.request.map(masked),
            host: f.host.map(lossy),
            errno: errno_of(f.message).map(|(n, _)| n),
            message: masked(f.message),
            referrer: f.referrer.map(masked),
            pid: header.and_then(|h| h.pid),
            tid: header.and_then(|h| h.tid),
            cid: header.and_then(|h| h.cid),
            lines,
            truncated: f.unterminated || first_len >= NGINX_LINE_CUT,
        }
    }
}

/// The fixed prefix of an entry.
#[derive(Clone, Copy, Debug)]
pub struct Header<'a> {
    /// `YYYY/MM/DD HH:MM:SS`
    pub time: &'a [u8],
    pub level: &'a [u8],
    pub pid: Option<u32>,
    pub tid: Option<u32>,
    pub cid: Option<u64>,
    /// Everything after the header (message and fields).
    pub rest: &'a [u8],
}

#[inline]
fn d(b: u8) -> bool {
    b.is_ascii_digit()
}

/// Does this physical line start a new entry (`YYYY/MM/DD HH:MM:SS [`)?
#[inline]
pub fn is_entry_start(l: &[u8]) -> bool {
    l.len() >= 21
        && d(l[0])
        && d(l[1])
        && d(l[2])
        && d(l[3])
        && l[4] == b'/'
        && d(l[5])
        && d(l[6])
        && l[7] == b'/'
        && d(l[8])
        && d(l[9])
        && l[10] == b' '
        && d(l[11])
        && d(l[12])
        && l[13] == b':'
        && d(l[14])
        && d(l[15])
        && l[16] == b':'
        && d(l[17])
        && d(l[18])
        && l[19] == b' '
        && l[20] == b'['
}

#[inline]
fn parse_num<T: TryFrom<u64>>(b: &[u8]) -> Option<T> {
    if b.is_empty() || b.len() > 19 {
        return None;
    }
    let mut v: u64 = 0;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u64::from(c - b'0');
    }
    T::try_from(v).ok()
}

/// Parse the header; `None` if the entry does not start with a date.
pub fn parse_header(raw: &[u8]) -> Option<Header<'_>> {
    if !is_entry_start(raw) {
        return None;
    }
    let after_bracket = &raw[21..];
    let close = memchr::memchr(b']', &after_bracket[..after_bracket.len().min(16)])?;
    let level = &after_bracket[..close];
    let mut rest = &after_bracket[close + 1..];
    rest = rest.strip_prefix(b" ").unwrap_or(rest);
    let (mut pid, mut tid) = (None, None);
    // PID#TID:
    let limit = rest.len().min(48);
    if let Some(colon) = memchr::memchr(b':', &rest[..limit]) {
        let ids = &rest[..colon];
        if let Some(hash) = memchr::memchr(b'#', ids) {
            let (p, t) = (parse_num(&ids[..hash]), parse_num(&ids[hash + 1..]));
            if p.is_some() && t.is_some() {
                pid = p;
                tid = t;
                rest = &rest[colon + 1..];
                rest = rest.strip_prefix(b" ").unwrap_or(rest);
            }
        }
    }
    let mut cid = None;
    if let Some(after) = rest.strip_prefix(b"*") {
        let end = after
            .iter()
            .position(|c| !c.is_ascii_digit())
            .unwrap_or(after.len());
        if end > 0 && after.get(end) == Some(&b' ') {
            cid = parse_num(&after[..end]);
            rest = &after[end + 1..];
        }
    }
    Some(Header {
        time: &raw[..19],
        level,
        pid,
        tid,
        cid,
        rest,
    })
}

fn two(b: &[u8]) -> u32 {
    (b[0] - b'0') as u32 * 10 + (b[1] - b'0') as u32
}

/// Parse `YYYY/MM/DD HH:MM:SS` (already checked to be digits by [`is_entry_start`]).
pub fn parse_time(t: &[u8]) -> Option<NaiveDateTime> {
    if t.len() < 19 || !is_entry_start_time(t) {
        return None;
    }
    let year = two(&t[0..2]) as i32 * 100 + two(&t[2..4]) as i32;
    NaiveDate::from_ymd_opt(year, two(&t[5..7]), two(&t[8..10]))?.and_hms_opt(
        two(&t[11..13]),
        two(&t[14..16]),
        two(&t[17..19]),
    )
}

fn is_entry_start_time(t: &[u8]) -> bool {
    [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]
        .iter()
        .all(|&i| d(t[i]))
}

/// The message and fields of an entry (slices of the raw bytes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Fields<'a> {
    pub message: &'a [u8],
    pub client: Option<&'a [u8]>,
    pub server: Option<&'a [u8]>,
    pub request: Option<&'a [u8]>,
    pub subrequest: Option<&'a [u8]>,
    pub upstream: Option<&'a [u8]>,
    pub host: Option<&'a [u8]>,
    pub referrer: Option<&'a [u8]>,
    /// A quoted field had no closing quote (line cut).
    pub unterminated: bool,
}

struct Key {
    marker: &'static [u8],
    quoted: bool,
    finder: memmem::Finder<'static>,
}

static KEYS: LazyLock<Vec<Key>> = LazyLock::new(|| {
    let spec: [(&'static [u8], bool); 7] = [
        (b", client: ", false),
        (b", server: ", false),
        (b", request: \"", true),
        (b", subrequest: \"", true),
        (b", upstream: \"", true),
        (b", host: \"", true),
        (b", referrer: \"", true),
    ];
    spec.iter()
        .map(|&(marker, quoted)| Key {
            marker,
            quoted,
            finder: memmem::Finder::new(marker),
        })
        .collect()
});

static F_COMMA: LazyLock<memmem::Finder<'static>> = LazyLock::new(|| memmem::Finder::new(b", "));

/// Where the message ends and which field starts there: the first occurrence of the first
/// key of [`KEYS`] that occurs at all. One pass over the `, ` of the entry (a line without
/// fields was seven searches).
#[inline]
fn message_end(rest: &[u8]) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    for p in F_COMMA.find_iter(rest) {
        let tail = &rest[p..];
        if let Some(i) = KEYS.iter().position(|k| tail.starts_with(k.marker)) {
            if i == 0 {
                return Some((p, 0));
            }
            if best.is_none_or(|(_, j)| i < j) {
                best = Some((p, i));
            }
        }
    }
    best
}

/// Only the message of an entry's rest (cheap: one search in the common case).
#[inline]
pub fn message_of(rest: &[u8]) -> &[u8] {
    match message_end(rest) {
        Some((p, _)) => &rest[..p],
        None => rest,
    }
}

/// Split the rest of an entry (after the header) into message and fields.
pub fn split_fields(rest: &[u8]) -> Fields<'_> {
    let mut f = Fields {
        message: rest,
        ..Fields::default()
    };
    let Some((start, mut key)) = message_end(rest) else {
        return f;
    };
    f.message = &rest[..start];
    let mut pos = start;
    loop {
        let k = &KEYS[key];
        let vstart = pos + k.marker.len();
        let tail = &rest[vstart..];
        // earliest later marker (for quoted fields it must follow the closing quote)
        let mut next: Option<(usize, usize)> = None;
        for (j, later) in KEYS.iter().enumerate().skip(key + 1) {
            let mut from = 0;
            while let Some(p) = later.finder.find(&tail[from..]) {
                let p = from + p;
                if !k.quoted || (p > 0 && tail[p - 1] == b'"') {
                    if next.is_none_or(|(q, _)| p < q) {
                        next = Some((p, j));
                    }
                    break;
                }
                from = p + 1;
            }
        }
        let (raw_val, next_key) = match next {
            Some((p, j)) => (&tail[..p], Some(j)),
            None => (tail, None),
        };
        let val = if k.quoted {
            match raw_val.strip_suffix(b"\"") {
                Some(v) => v,
                None => {
                    f.unterminated = true;
                    raw_val
                }
            }
        } else {
            raw_val
        };
        let slot = match key {
            0 => &mut f.client,
            1 => &mut f.server,
            2 => &mut f.request,
            3 => &mut f.subrequest,
            4 => &mut f.upstream,
            5 => &mut f.host,
            _ => &mut f.referrer,
        };
        *slot = Some(val);
        match next_key {
            Some(j) => {
                pos = vstart + raw_val.len();
                key = j;
            }
            None => break,
        }
    }
    f
}

/// `(number, text)` of the first `(NNN: text)` in the message.
pub fn errno_of(msg: &[u8]) -> Option<(u32, &[u8])> {
    for open in memchr::memchr_iter(b'(', msg) {
        let after = &msg[open + 1..];
        let digits = after.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 || digits > 5 || !after[digits..].starts_with(b": ") {
            continue;
        }
        let Some(num) = parse_num::<u32>(&after[..digits]) else {
            continue;
        };
        let text = &after[digits + 2..];
        let end = memchr::memchr(b')', text).unwrap_or(text.len());
        return Some((num, &text[..end]));
    }
    None
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Errno {
    Refused,
    TimedOut,
    Unreachable,
    Reset,
    NoEnt,
    Access,
    Unknown,
}

/// `needle` in `hay`, for the short errno texts (`Connection refused`): a plain window
/// compare, as building a `memmem` searcher per call cost more than the search.
use crate::util::contains_bytes as has;

/// errno meaning: the text first (portable across kernels), then the Linux number.
fn errno_kind(num: u32, text: &[u8]) -> Errno {
    let by_text = if has(text, b"refused") {
        Errno::Refused
        // i18n: not text
    } else if has(text, b"timed out") {
        Errno::TimedOut
    } else if has(text, b"unreachable")
        || has(text, b"No route to host") // i18n: not text
        || has(text, b"Cannot assign requested address") // i18n: not text
        || has(text, b"Address not available")
    {
        Errno::Unreachable
        // i18n: not text
    } else if has(text, b"reset by peer") || has(text, b"Broken pipe") {
        Errno::Reset
        // i18n: not text
    } else if has(text, b"No such file") {
        Errno::NoEnt
        // i18n: not text
    } else if has(text, b"Permission denied") || has(text, b"not permitted") {
        Errno::Access
    } else {
        Errno::Unknown
    };
    if by_text != Errno::Unknown {
        return by_text;
    }
    match num {
        111 => Errno::Refused,
        110 => Errno::TimedOut,
        // 99 EADDRNOTAVAIL: an IPv6 upstream ([::1]) with IPv6 disabled on the host.
        99 | 101 | 113 => Errno::Unreachable,
        104 | 32 => Errno::Reset,
        2 => Errno::NoEnt,
        1 | 13 => Errno::Access,
        _ => Errno::Unknown,
    }
}

static F_UPSTREAM: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| memmem::Finder::new(b"upstream"));
static F_RESOLVING: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| memmem::Finder::new(b" while resolving")); // i18n: not text
static F_CONNECTING: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| memmem::Finder::new(b"while connecting to upstream")); // i18n: not text
static F_SSL_HS_UP: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| memmem::Finder::new(b"SSL handshaking to upstream")); // i18n: not text
static F_NOT_RESOLVED: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| memmem::Finder::new(b"could not be resolved")); // i18n: not text

/// Classify an nginx error message (the part between the header and the fields).
pub fn classify_message(m: &[u8]) -> Class {
    match m.first() {
        Some(b'c') if m.starts_with(b"connect() ") => return syscall(m, true),
        // i18n: not text
        Some(b'c') if m.starts_with(b"client intended to send too large body") => {
            return Class::ClientBodyTooLarge;
        }
        Some(b'u') if m.starts_with(b"upstream ") => {
            if let Some(c) = upstream_phrase(m) {
                return c;
            }
        }
        Some(b'n') => {
            // i18n: not text
            if m.starts_with(b"no live upstreams") {
                return Class::NoLiveUpstreams;
            }
            // i18n: not text
            if m.starts_with(b"no resolver defined") {
                return Class::DnsFailure;
            }
        }
        Some(b'r' | b's' | b'w') => {
            for op in [
                &b"recv() "[..],
                b"readv() ",
                b"send() ",
                b"sendfile() ",
                b"sendmsg() ",
                b"writev() ",
                b"recvmsg() ",
            ] {
                if m.starts_with(op) {
                    return syscall(m, false);
                }
            }
        }
        Some(b'S') if m.starts_with(b"SSL_") => {
            if F_SSL_HS_UP.find(m).is_some() {
                return Class::UpstreamTls;
            }
            if errno_of(m).is_some() {
                return syscall(m, false);
            }
            if F_UPSTREAM.find(m).is_some() {
                return Class::UpstreamTls;
            }
            return Class::Other;
        }
        // i18n: not text
        Some(b'F') if m.starts_with(b"FastCGI sent in stderr") => {
            // The quoted text is the application's stderr, not nginx's words.
            return Class::Other;
        }
        _ => {}
    }
    fallback(m)
}

fn fallback(m: &[u8]) -> Class {
    if F_NOT_RESOLVED.find(m).is_some() || F_RESOLVING.find(m).is_some() {
        Class::DnsFailure
    } else if F_SSL_HS_UP.find(m).is_some() {
        Class::UpstreamTls
    } else {
        Class::Other
    }
}

fn upstream_phrase(m: &[u8]) -> Option<Class> {
    let r = &m[b"upstream ".len()..];
    // i18n: not text
    Some(if r.starts_with(b"timed out") {
        if F_CONNECTING.find(r).is_some() {
            Class::UpstreamConnectTimeout
        } else if F_SSL_HS_UP.find(r).is_some() {
            Class::UpstreamTls
        } else {
            Class::UpstreamReadTimeout
        }
        // i18n: not text
    } else if r.starts_with(b"prematurely closed") {
        Class::UpstreamClosed
        // i18n: not text
    } else if r.starts_with(b"sent too big header") {
        Class::HeaderTooBig
    } else if r.starts_with(b"sent ") {
        Class::InvalidResponse
        // i18n: not text
    } else if r.starts_with(b"server temporarily disabled") {
        Class::UpstreamDisabled
    } else if r.starts_with(b"SSL") {
        Class::UpstreamTls
    } else {
        return None;
    })
}

fn syscall(m: &[u8], connect: bool) -> Class {
    if F_RESOLVING.find(m).is_some() {
        return Class::DnsFailure;
    }
    let Some((num, text)) = errno_of(m) else {
        return fallback(m);
    };
    if !connect && F_UPSTREAM.find(m).is_none() {
        // recv()/send() errors towards the client are not upstream failures
        return Class::Other;
    }
    match errno_kind(num, text) {
        Errno::Refused => Class::UpstreamRefused,
        Errno::TimedOut if connect => Class::UpstreamConnectTimeout,
        Errno::TimedOut => Class::UpstreamReadTimeout,
        Errno::Unreachable => Class::UpstreamUnreachable,
        Errno::Reset => Class::UpstreamReset,
        Errno::NoEnt if connect => Class::SocketMissing,
        Errno::Access if connect => Class::PermissionDenied,
        _ => fallback(m),
    }
}

/// Class of a raw entry, without building an [`Entry`] (the summary fast path). Always
/// equal to `Entry::parse(raw, _).class`.
#[inline]
pub fn classify_raw(raw: &[u8]) -> Class {
    match parse_header(raw) {
        Some(h) => classify_at_level(message_of(h.rest), Some(h.level)),
        None => classify_message(message_of(raw)),
    }
}

/// Class of a message at its level: an `[emerg]` message no other class claims is nginx
/// refusing its configuration or failing to start (`unknown "…" variable`, `chown(…) failed`).
fn classify_at_level(m: &[u8], level: Option<&[u8]>) -> Class {
    match classify_message(m) {
        Class::Other if level == Some(b"emerg") => Class::NginxEmerg,
        c => c,
    }
}

/// A complete raw entry handed out by [`EntryAssembler`].
#[derive(Clone, Copy, Debug)]
pub struct RawEntry<'a> {
    /// The entry's physical lines joined with `\n` (at most [`MAX_ENTRY_BYTES`]).
    pub bytes: &'a [u8],
    /// 1-based number of its first physical line.
    pub line: u64,
    /// Some physical line was cut, or the entry exceeded [`MAX_ENTRY_BYTES`].
    pub cut: bool,
}

/// Groups physical lines into entries: a line that starts a new entry completes the pending
/// one. Used by scan and follow (and, with another start test, for Document Server logs).
#[derive(Debug)]
pub struct EntryAssembler {
    buf: Vec<u8>,
    pending: bool,
    first_line: u64,
    next_line: u64,
    cut: bool,
    starts: fn(&[u8]) -> bool,
}

impl Default for EntryAssembler {
    fn default() -> Self {
        Self::new()
    }
}

impl EntryAssembler {
    /// Assembler for nginx error logs.
    pub fn new() -> Self {
        Self::with_start_test(is_entry_start)
    }

    /// Assembler with another "this line starts an entry" test.
    pub fn with_start_test(starts: fn(&[u8]) -> bool) -> Self {
        EntryAssembler {
            buf: Vec::with_capacity(4096),
            pending: false,
            first_line: 0,
            next_line: 1,
            cut: false,
            starts,
        }
    }

    /// Number the next pushed line `n` (1-based).
    pub fn set_next_line(&mut self, n: u64) {
        self.next_line = n;
    }

    /// Number the next pushed line will get.
    pub fn next_line(&self) -> u64 {
        self.next_line
    }

    /// Is an entry waiting for more lines?
    pub fn has_pending(&self) -> bool {
        self.pending
    }

    /// Feed one physical line (without its `\n`); `done` gets the entry it completes, if any.
    #[inline]
    pub fn push_line<F: FnMut(RawEntry<'_>)>(&mut self, line: &[u8], cut: bool, mut done: F) {
        let n = self.next_line;
        self.next_line += 1;
        if self.pending && !(self.starts)(line) {
            // continuation
            let room = MAX_ENTRY_BYTES.saturating_sub(self.buf.len());
            if room == 0 {
                self.cut = true;
                return;
            }
            self.buf.push(b'\n');
            let take = line.len().min(room - 1);
            self.buf.extend_from_slice(&line[..take]);
            self.cut |= cut || take < line.len();
            return;
        }
        if self.pending {
            done(RawEntry {
                bytes: &self.buf,
                line: self.first_line,
                cut: self.cut,
            });
        }
        self.buf.clear();
        let take = line.len().min(MAX_ENTRY_BYTES);
        self.buf.extend_from_slice(&line[..take]);
        self.cut = cut || take < line.len();
        self.first_line = n;
        self.pending = true;
    }

    /// Complete the pending entry (end of input, or the writer went idle).
    pub fn flush<F: FnMut(RawEntry<'_>)>(&mut self, mut done: F) {
        if self.pending {
            self.pending = false;
            done(RawEntry {
                bytes: &self.buf,
                line: self.first_line,
                cut: self.cut,
            });
            self.buf.clear();
        }
    }

    /// Drop the pending entry and restart numbering at line 1 (file truncated or replaced).
    pub fn reset(&mut self) {
        self.buf.clear();
        self.pending = false;
        self.cut = false;
        self.next_line = 1;
    }
}

/// Parse a whole in-memory log into entries (convenience for tests and small inputs).
pub fn parse_all(data: &[u8]) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut asm = EntryAssembler::new();
    let mut split = super::lines::LineSplitter::new();
    let mut on_entry = |r: RawEntry<'_>| {
        let mut e = Entry::parse(r.bytes, Some(r.line));
        e.truncated |= r.cut;
        out.push(e);
    };
    split.feed(data, |l, cut| asm.push_line(l, cut, &mut on_entry));
    split.finish(|l, cut| asm.push_line(l, cut, &mut on_entry));
    asm.flush(&mut on_entry);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        super::super::test_fixture(&format!("nginx/{name}"))
    }

    /// The one-pass `message_end` finds what searching each key in turn found: the first
    /// occurrence of the first key present, on fields in any order, repeated, or inside the
    /// message.
    #[test]
    fn message_end_equals_a_search_per_key() {
        let by_key = |rest: &[u8]| {
            KEYS.iter()
                .enumerate()
                .find_map(|(i, k)| k.finder.find(rest).map(|p| (p, i)))
        };
        let parts: [&[u8]; 10] = [
            b"connect() failed (111: Connection refused) while connecting to upstream",
            b", client: 10.0.0.1",
            b", server: example.org",
            b", request: \"GET /a, b HTTP/1.1\"",
            b", upstream: \"http://127.0.0.1:8000/x\"",
            b", host: \"h\"",
            b", referrer: \"https://r/, client: x\"",
            b", , ,",
            b"a, b, c",
            b", subrequest: \"/s\"",
        ];
        let mut seed = 7u64;
        for _ in 0..5000 {
            let mut line = Vec::new();
            for _ in 0..(seed % 6) {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                line.extend_from_slice(parts[(seed >> 33) as usize % parts.len()]);
            }
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            assert_eq!(
                message_end(&line),
                by_key(&line),
                "{}",
                String::from_utf8_lossy(&line)
            );
        }
    }

    #[test]
    fn upstream_failures_fixture_classes() {
        let entries = parse_all(&fixture("error-upstream-failures.log"));
        let got: Vec<(Option<u64>, &str)> =
            entries.iter().map(|e| (e.line, e.class.id())).collect();
        let want: Vec<(Option<u64>, &str)> = vec![
            (Some(1), "upstream_refused"),
            (Some(2), "socket_missing"),
            (Some(3), "permission_denied"),
            (Some(4), "upstream_read_timeout"),
            (Some(5), "upstream_closed"),
            (Some(6), "upstream_reset"),
            (Some(7), "header_too_big"),
            (Some(8), "invalid_response"),
            (Some(9), "invalid_response"),
            (Some(10), "upstream_refused"),
            (Some(11), "upstream_disabled"),
            (Some(12), "upstream_closed"),
            (Some(13), "upstream_tls"),
            (Some(14), "upstream_tls"),
            (Some(15), "dns_failure"),
            (Some(16), "other"),
            (Some(20), "dns_failure"),
            (Some(21), "dns_failure"),
        ];
        assert_eq!(got, want);
        let fcgi = &entries[15];
        assert_eq!(fcgi.lines, 4);
        assert_eq!(fcgi.upstream.as_deref(), Some("fastcgi://127.0.0.1:9009"));
        assert_eq!(fcgi.upstream_peer(), Some("127.0.0.1:9009"));
        assert!(fcgi.message.contains("Stack trace:\n#0 {main}"));
        assert_eq!(fcgi.cid, Some(37));
    }

    #[test]
    fn pool_and_rotation_fixture_classes() {
        let entries = parse_all(&fixture("error-pool-and-rotation.log"));
        let got: Vec<&str> = entries.iter().map(|e| e.class.id()).collect();
        let want = vec![
            "upstream_refused",
            "upstream_disabled",
            "upstream_refused",
            "upstream_disabled",
            "other",
            "no_live_upstreams",
            "other",
            "no_live_upstreams",
            "other",
            "upstream_tls",
            "other",
            "upstream_connect_timeout",
            "other",
            "upstream_refused",
            "other",
            "other",
            "other",
            "other",
        ];
        assert_eq!(got, want);
        assert_eq!(entries[16].level, "notice");
        assert_eq!(entries[16].cid, None);
        assert_eq!(entries[4].level, "info");
    }

    #[test]
    fn fields_of_a_full_line() {
        let e = &parse_all(&fixture("error-upstream-failures.log"))[0];
        assert_eq!(
            e.time.map(|t| t.to_string()).as_deref(),
            Some("2026-11-28 12:54:52")
        );
        assert_eq!(e.level, "error");
        assert_eq!((e.pid, e.tid, e.cid), (Some(12001), Some(12001), Some(1)));
        assert_eq!(e.errno, Some(111));
        assert_eq!(
            e.message,
            "connect() failed (111: Connection refused) while connecting to upstream"
        );
        assert_eq!(e.client.as_deref(), Some("127.0.0.1"));
        assert_eq!(e.server.as_deref(), Some("lab.local"));
        assert_eq!(e.request.as_deref(), Some("GET /refused/x?a=1 HTTP/1.1"));
        assert_eq!(
            e.upstream.as_deref(),
            Some("http://127.0.0.1:1/refused/x?a=1")
        );
        assert_eq!(e.host.as_deref(), Some("127.0.0.1:8080"));
        assert_eq!(e.referrer.as_deref(), Some("http://ref.example/page"));
        assert!(!e.truncated);
        let json = serde_json::to_value(e).expect("serialize");
        for key in [
            "line", "time", "level", "class", "upstream", "server", "client", "request", "host",
            "errno",
        ] {
            assert!(json.get(key).is_some(), "missing {key}");
        }
        assert_eq!(json["class"], "upstream_refused");
        assert_eq!(json["time"], "2026-11-28T12:54:52");
    }

    #[test]
    fn upstream_peer_drops_scheme_and_uri() {
        let peer = |u: &str| {
            let raw = format!(
                "2026/11/28 12:00:00 [error] 1#1: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: x, request: \"GET / HTTP/1.1\", upstream: \"{u}\", host: \"x\""
            );
            Entry::parse(raw.as_bytes(), None)
                .upstream_peer()
                .map(str::to_string)
        };
        assert_eq!(
            peer("http://127.0.0.1:8000/healthcheck").as_deref(),
            Some("127.0.0.1:8000")
        );
        assert_eq!(peer("http://[::1]:8000/").as_deref(), Some("[::1]:8000"));
        assert_eq!(
            peer("http://unix:/run/ds.sock:/healthcheck").as_deref(),
            Some("unix:/run/ds.sock")
        );
        assert_eq!(
            peer("fastcgi://unix:/run/php/php8.2-fpm.sock:").as_deref(),
            Some("unix:/run/php/php8.2-fpm.sock")
        );
    }

    #[test]
    fn resolver_line_without_cid_or_fields() {
        let raw = b"2026/11/28 12:54:54 [error] 12001#12001: send() failed (111: Connection refused) while resolving, resolver: 127.0.0.1:5353";
        let e = Entry::parse(raw, Some(1));
        assert_eq!(e.cid, None);
        assert_eq!(e.class, Class::DnsFailure);
        assert_eq!(e.client, None);
        assert!(e.message.ends_with("resolver: 127.0.0.1:5353"));
    }

    #[test]
    fn unescaped_values_with_commas_and_quotes() {
        let raw = br#"2026/11/28 12:00:00 [error] 1#1: *5 upstream prematurely closed connection while reading response header from upstream, client: 10.0.0.1, server: a, b, request: "GET /x?q=", "y" HTTP/1.1", upstream: "http://10.0.0.2:80/x?q=", "y"", host: "h, "i"""#;
        let e = Entry::parse(raw, None);
        assert_eq!(e.class, Class::UpstreamClosed);
        assert_eq!(e.server.as_deref(), Some("a, b"));
        assert_eq!(e.request.as_deref(), Some(r#"GET /x?q=", "y" HTTP/1.1"#));
        assert_eq!(
            e.upstream.as_deref(),
            Some(r#"http://10.0.0.2:80/x?q=", "y""#)
        );
        assert_eq!(e.host.as_deref(), Some(r#"h, "i""#));
        assert_eq!(e.referrer, None);
    }

    #[test]
    fn line_cut_at_2047_mid_field() {
        let mut raw = b"2026/11/28 12:00:00 [error] 1#1: *5 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.0.0.1, server: s, request: \"GET /".to_vec();
        raw.resize(NGINX_LINE_CUT, b'A');
        let e = Entry::parse(&raw, Some(1));
        assert_eq!(e.class, Class::UpstreamReadTimeout);
        assert!(e.truncated);
        assert!(
            e.request
                .as_deref()
                .is_some_and(|r| r.starts_with("GET /AAA"))
        );
        assert_eq!(e.upstream, None);
    }

    #[test]
    fn musl_and_bsd_errno_texts() {
        let cases: [(&[u8], Class); 8] = [
            (
                b"connect() failed (110: Operation timed out) while connecting to upstream",
                Class::UpstreamConnectTimeout,
            ),
            (
                b"connect() failed (113: Host is unreachable) while connecting to upstream",
                Class::UpstreamUnreachable,
            ),
            (
                b"connect() failed (113: No route to host) while connecting to upstream",
                Class::UpstreamUnreachable,
            ),
            (
                b"connect() failed (101: Network unreachable) while connecting to upstream",
                Class::UpstreamUnreachable,
            ),
            (
                b"connect() failed (61: Connection refused) while connecting to upstream",
                Class::UpstreamRefused,
            ),
            (
                b"connect() failed (111: Verbindung verweigert) while connecting to upstream",
                Class::UpstreamRefused,
            ),
            (
                b"writev() failed (32: Broken pipe) while sending request to upstream",
                Class::UpstreamReset,
            ),
            (
                b"recv() failed (104: Connection reset by peer) while reading client request line",
                Class::Other,
            ),
        ];
        for (m, want) in cases {
            assert_eq!(classify_message(m), want, "{}", String::from_utf8_lossy(m));
        }
    }

    /// The nginx lines of the shared field fixture (quoted from public reports), each in a
    /// class of its own: errno 99 towards [::1] is an unreachable upstream, a refused upload is
    /// `client_body_too_large`, an `[emerg]` nobody else claims is `nginx_emerg`.
    #[test]
    fn field_lines_each_get_a_class() {
        let data = crate::logs::test_fixture("nginx/field-lines.log");
        let got: Vec<(Class, Class)> = data
            .split(|c| *c == b'\n')
            .filter(|l| !l.is_empty())
            .map(|l| (Entry::parse(l, None).class, classify_raw(l)))
            .collect();
        let want = [
            Class::ClientBodyTooLarge,
            Class::UpstreamUnreachable,
            Class::UpstreamReadTimeout,
            Class::NginxEmerg,
            Class::NginxEmerg,
            Class::NoLiveUpstreams,
        ];
        assert_eq!(got.iter().map(|g| g.0).collect::<Vec<_>>(), want);
        assert!(got.iter().all(|(a, b)| a == b), "fast path agrees: {got:?}");
        let musl = b"connect() to [::1]:8000 failed (99: Address not available) while connecting to upstream";
        assert_eq!(classify_message(musl), Class::UpstreamUnreachable);
    }

    #[test]
    fn client_side_noise_is_other() {
        for m in [
            &b"client prematurely closed connection while reading upstream"[..],
            b"epoll_wait() reported that client prematurely closed connection, so upstream connection is closed too while sending request to upstream",
            b"an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/1/00/0000000001 while reading upstream",
            b"open() \"/usr/share/nginx/html/favicon.ico\" failed (2: No such file or directory)",
            b"SSL_do_handshake() failed (SSL: error:0A00006C:SSL routines::bad key share) while SSL handshaking",
            b"",
        ] {
            assert_eq!(classify_message(m), Class::Other, "{}", String::from_utf8_lossy(m));
        }
    }

    #[test]
    fn non_utf8_bytes_are_kept_lossily() {
        let raw = b"2026/11/28 12:00:00 [error] 1#1: *5 upstream sent invalid header: \"\xff\xfe\x01\" while reading response header from upstream, client: 10.0.0.1, host: \"\xc3\x28\"";
        let e = Entry::parse(raw, Some(3));
        assert_eq!(e.class, Class::InvalidResponse);
        assert!(e.message.contains('\u{FFFD}'));
        assert_eq!(e.host.as_deref(), Some("\u{FFFD}("));
    }

    #[test]
    fn fast_path_equals_full_parse_on_fixtures() {
        for name in ["error-upstream-failures.log", "error-pool-and-rotation.log"] {
            let data = fixture(name);
            let full: Vec<Class> = parse_all(&data).iter().map(|e| e.class).collect();
            let mut fast = Vec::new();
            let mut asm = EntryAssembler::new();
            let mut split = super::super::lines::LineSplitter::new();
            split.feed(&data, |l, c| {
                asm.push_line(l, c, |r| fast.push(classify_raw(r.bytes)))
            });
            split.finish(|l, c| asm.push_line(l, c, |r| fast.push(classify_raw(r.bytes))));
            asm.flush(|r| fast.push(classify_raw(r.bytes)));
            assert_eq!(full, fast, "{name}");
        }
    }
}
