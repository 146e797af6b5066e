//! Log intelligence: turns nginx and ONLYOFFICE Document Server log lines into classified,
//! explained entries; follows live logs through rotation; scans huge old logs fast.
//!
//! - [`class`]: the stable class ids and the text shown for each (explanation, causes, next
//!   check, what the client got).
//! - [`nginx_error`]: nginx error log parser, entry assembler (continuation lines) and
//!   classifier.
//! - [`nginx_access`]: access log parser (`combined` and formats with `$upstream_status`,
//!   `$upstream_addr`, `$upstream_response_time`) and 502/503/504 counters.
//! - [`docserver`]: Document Server `out.log` parser and classifier.
//! - [`scan`]: streaming scan of plain or gzip files (`logs scan`), with a summary fast path.
//! - [`follow`]: async multi-file follower surviving rotation (`logs follow`, the console).
//! - [`cli`]: `logs scan` / `logs follow` arguments and entry points for `src/main.rs`.
//!
//! Class ids (stable; see [`class::Class`]):
//! nginx — `upstream_refused`, `upstream_connect_timeout`, `upstream_read_timeout`,
//! `upstream_unreachable`, `no_live_upstreams`, `upstream_disabled`, `upstream_closed`,
//! `upstream_reset`, `header_too_big`, `invalid_response`, `socket_missing`,
//! `permission_denied`, `dns_failure`, `upstream_tls`;
//! Document Server — `ds_jwt_invalid_signature`, `ds_jwt_malformed`, `ds_jwt_missing`,
//! `ds_jwt_expired`, `ds_jwt_invalid`, `ds_storage_refused`, `ds_storage_not_found`,
//! `ds_storage_timeout`, `ds_storage_cert`, `ds_storage_private_ip`, `ds_storage_error`,
//! `ds_callback_failed`, `ds_rabbitmq`, `ds_database`, `ds_redis`, `ds_healthcheck`;
//! and `other`.

pub mod backlog;
pub mod class;
pub mod cli;
pub mod docserver;
pub mod follow;
pub mod lines;
pub mod nginx_access;
pub mod nginx_error;
pub mod parallel;
mod readbuf;
pub mod scan;

pub use class::{Class, ClassInfo};
pub use nginx_error::{Entry, EntryAssembler};

/// Read a test fixture: the in-repo copy under `tests/fixtures/` first, else the shared one.
#[cfg(test)]
pub(crate) fn test_fixture(rel: &str) -> Vec<u8> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let local = root.join("tests/fixtures").join(rel);
    let shared = root.join("../shared/fixtures").join(rel);
    std::fs::read(&local)
        .or_else(|_| std::fs::read(&shared))
        .unwrap_or_else(|e| panic!("fixture {rel}: {e}"))
}

use chrono::NaiveDateTime;
use docserver::DsEntry;
use nginx_error::RawEntry;
use serde::Serialize;

/// Which kind of log a file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    /// nginx `error.log` (also Document Server's `nginx.error.log`).
    NginxError,
    /// Document Server `out.log` (docservice, converter, metrics).
    DocServer,
    /// A Document Server's stderr (`err.log` of its supervisor program, its unit's output):
    /// start-up failures written by Node.js, without times.
    DocServerStderr,
}

impl LogFormat {
    /// Guess from the first bytes of a file: the first line that starts an entry of either
    /// kind decides; nginx when nothing does.
    pub fn detect(sample: &[u8]) -> LogFormat {
        for line in sample.split(|c| *c == b'\n').take(200) {
            if nginx_error::is_entry_start(line) {
                return LogFormat::NginxError;
            }
            if docserver::is_entry_start(line) {
                return LogFormat::DocServer;
            }
        }
        let stderr = sample
            .split(|c| *c == b'\n')
            .take(200)
            .any(docserver::looks_like_stderr);
        if stderr {
            LogFormat::DocServerStderr
        } else {
            LogFormat::NginxError
        }
    }

    /// The test for a physical line that starts an entry of this format.
    pub fn entry_start(self) -> fn(&[u8]) -> bool {
        match self {
            LogFormat::NginxError => nginx_error::is_entry_start,
            LogFormat::DocServer => docserver::is_entry_start,
            LogFormat::DocServerStderr => docserver::is_stderr_entry_start,
        }
    }

    /// A fresh entry assembler for this format.
    pub fn assembler(self) -> EntryAssembler {
        EntryAssembler::with_start_test(self.entry_start())
    }

    /// Full parse of a raw entry.
    pub fn parse(self, raw: &RawEntry<'_>) -> Record {
        match self {
            LogFormat::NginxError => {
                let mut e = Entry::parse(raw.bytes, Some(raw.line));
                e.truncated |= raw.cut;
                Record::Nginx(e)
            }
            LogFormat::DocServer | LogFormat::DocServerStderr => {
                let mut e = DsEntry::parse(raw.bytes, Some(raw.line));
                e.truncated |= raw.cut;
                Record::DocServer(e)
            }
        }
    }

    /// Class only (fast path; always equals `self.parse(raw).class()`).
    #[inline]
    pub fn classify_raw(self, raw: &[u8]) -> Class {
        match self {
            LogFormat::NginxError => nginx_error::classify_raw(raw),
            LogFormat::DocServer | LogFormat::DocServerStderr => docserver::classify_raw(raw),
        }
    }

    /// Time only (fast path; always equals `self.parse(raw).time()`).
    pub fn time_raw(self, raw: &[u8]) -> Option<NaiveDateTime> {
        match self {
            LogFormat::NginxError => {
                nginx_error::parse_header(raw).and_then(|h| nginx_error::parse_time(h.time))
            }
            LogFormat::DocServer | LogFormat::DocServerStderr => DsEntry::parse(raw, None).time,
        }
    }
}

/// A parsed entry of either log kind (serialized as the inner entry's object).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Record {
    Nginx(Entry),
    DocServer(DsEntry),
}

/// Runs `$body` with `$s` bound to every text field of the record `$rec` (`&String` or
/// `&mut String`, as `$rec` is borrowed): the one list of an entry's texts, for
/// [`Record::shrink`] and [`Record::footprint`]. The patterns name every field, so a field
/// added to an entry does not compile until it is placed here.
macro_rules! each_text {
    ($rec:expr, |$s:ident| $body:expr) => {
        match $rec {
            Record::Nginx(e) => {
                let Entry {
                    file,
                    upstream,
                    server,
                    client,
                    request,
                    host,
                    referrer,
                    level,
                    message,
                    // Not text: named so that a new field must be placed here.
                    line: _,
                    time: _,
                    class: _,
                    errno: _,
                    pid: _,
                    tid: _,
                    cid: _,
                    lines: _,
                    truncated: _,
                } = e;
                let opt = [file, upstream, server, client, request, host, referrer];
                for $s in opt.into_iter().flatten().chain([level, message]) {
                    $body;
                }
            }
            Record::DocServer(e) => {
                let DsEntry {
                    file,
                    tenant,
                    doc_id,
                    user_id,
                    code,
                    url,
                    level,
                    message,
                    line: _,
                    time: _,
                    class: _,
                    status: _,
                    lines: _,
                    truncated: _,
                } = e;
                let opt = [file, tenant, doc_id, user_id, code, url];
                for $s in opt.into_iter().flatten().chain([level, message]) {
                    $body;
                }
            }
        }
    };
}

impl Record {
    /// The entry's class.
    pub fn class(&self) -> Class {
        match self {
            Record::Nginx(e) => e.class,
            Record::DocServer(e) => e.class,
        }
    }
    /// 1-based first line, when known.
    pub fn line(&self) -> Option<u64> {
        match self {
            Record::Nginx(e) => e.line,
            Record::DocServer(e) => e.line,
        }
    }
    /// Set or clear the line number.
    pub fn set_line(&mut self, line: Option<u64>) {
        match self {
            Record::Nginx(e) => e.line = line,
            Record::DocServer(e) => e.line = line,
        }
    }
    /// Local time as logged.
    pub fn time(&self) -> Option<NaiveDateTime> {
        match self {
            Record::Nginx(e) => e.time,
            Record::DocServer(e) => e.time,
        }
    }
    /// The message text.
    pub fn message(&self) -> &str {
        match self {
            Record::Nginx(e) => &e.message,
            Record::DocServer(e) => &e.message,
        }
    }
    /// Attach the file name.
    pub fn set_file(&mut self, file: Option<String>) {
        match self {
            Record::Nginx(e) => e.file = file,
            Record::DocServer(e) => e.file = file,
        }
    }
    /// One human-readable line: `file:line time [level] class (client got): message — details`.
    pub fn to_text(&self) -> String {
        use std::fmt::Write as _;
        let (file, level) = match self {
            Record::Nginx(e) => (e.file.as_deref(), e.level.as_str()),
            Record::DocServer(e) => (e.file.as_deref(), e.level.as_str()),
        };
        let mut s = String::new();
        if let Some(f) = file {
            s.push_str(f);
            s.push(':');
        }
        match self.line() {
            Some(l) => {
                let _ = write!(s, "{l} ");
            }
            None if file.is_some() => s.push(' '),
            None => {}
        }
        if let Some(t) = self.time() {
            let _ = write!(s, "{} ", t.format("%Y-%m-%d %H:%M:%S"));
        }
        if !level.is_empty() {
            let _ = write!(s, "[{level}] ");
        }
        let class = self.class();
        s.push_str(class.id());
        if class.client_gets() != "—" {
            let _ = write!(s, " ({})", class.client_gets());
        }
        s.push_str(": ");
        s.push_str(&self.message().replace('\n', " | "));
        let mut details = Vec::new();
        match self {
            Record::Nginx(e) => {
                if let Some(u) = &e.upstream {
                    details.push(format!("upstream {u}"));
                }
                if let Some(r) = &e.request {
                    details.push(format!("request \"{r}\""));
                }
                if let Some(h) = &e.host {
                    details.push(format!("host {h}"));
                }
            }
            Record::DocServer(e) => {
                if let Some(d) = e.doc_id.as_ref().filter(|d| !d.is_empty()) {
                    details.push(format!("docId {d}"));
                }
                if let Some(st) = e.status {
                    details.push(format!("status {st}"));
                }
            }
        }
        if !details.is_empty() {
            s.push_str(" — ");
            s.push_str(&details.join(", "));
        }
        s
    }

    /// Cuts every text field to at most `max` bytes (at a character boundary, marked `…`) and
    /// sets `truncated` when something was cut: what a long-lived store (the console's log
    /// book) keeps of an entry whose line may be 64 KiB.
    pub fn shrink(&mut self, max: usize) {
        let mut cut = false;
        each_text!(&mut *self, |s| {
            if s.len() > max {
                let mut end = max.saturating_sub('…'.len_utf8());
                while !s.is_char_boundary(end) {
                    end -= 1;
                }
                s.truncate(end);
                s.push('…');
                cut = true;
            }
        });
        match self {
            Record::Nginx(e) => e.truncated |= cut,
            Record::DocServer(e) => e.truncated |= cut,
        }
    }

    /// Bytes the entry holds: its own size plus its texts' capacity (what a store accounts).
    pub fn footprint(&self) -> usize {
        let mut n = std::mem::size_of::<Record>();
        each_text!(self, |s| n += s.capacity());
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every text field is cut (the one list of them in `each_text`), the entry is marked
    /// truncated, and the footprint counts what is left.
    #[test]
    fn shrink_cuts_every_text_field_and_footprint_counts_them() {
        let long = || Some("x".repeat(100));
        let mut e = Entry::parse(b"2026/11/28 12:00:00 [error] 1#1: *1 boom", None);
        e.file = long();
        e.upstream = long();
        e.server = long();
        e.client = long();
        e.request = long();
        e.host = long();
        e.referrer = long();
        e.level = "y".repeat(100);
        e.message = "z".repeat(100);
        let mut r = Record::Nginx(e);
        r.shrink(10);
        let Record::Nginx(e) = &r else { panic!("kind") };
        assert!(e.truncated);
        let texts = [
            &e.file,
            &e.upstream,
            &e.server,
            &e.client,
            &e.request,
            &e.host,
            &e.referrer,
        ];
        for t in texts {
            assert_eq!(t.as_deref(), Some("xxxxxxx…"));
        }
        assert_eq!(
            (e.level.as_str(), e.message.as_str()),
            ("yyyyyyy…", "zzzzzzz…")
        );
        let held: usize = texts
            .iter()
            .map(|t| t.as_ref().map_or(0, String::capacity))
            .sum();
        assert_eq!(
            r.footprint(),
            std::mem::size_of::<Record>() + held + e.level.capacity() + e.message.capacity()
        );
        let mut d = Record::DocServer(DsEntry::parse(
            b"[2026-12-03T10:00:00.000] [ERROR] [localhost] [doc] [u] nodeJS - x",
            None,
        ));
        d.shrink(1000);
        let Record::DocServer(de) = &d else {
            panic!("kind")
        };
        assert!(!de.truncated, "nothing to cut");
    }
}
