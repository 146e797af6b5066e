//! What clients actually got: 502/503/504 counts from the nginx access logs over the last
//! minutes (error-log lines are per attempt; a retried request may have succeeded, so the
//! access log is the truth when its format has the status).
//!
//! [`AccessWatch`] reads only the bytes appended since its last look (the tail of a file the
//! first time, never a whole multi-GB log), notices rotation and truncation by inode and size,
//! and keeps a bounded per-minute window.

use crate::logs::nginx_access::{AccessFormat, AccessLine};
use crate::tr;
use chrono::NaiveDateTime;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{Read, Seek, SeekFrom};
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;

/// How much of a file's end is read the first time (or after a rotation).
const TAIL_BYTES: u64 = 256 * 1024;
/// How much is read at most per look (a flood is sampled, never buffered whole).
const READ_LIMIT: u64 = 4 * 1024 * 1024;

/// Counts of one minute.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct MinuteCounts {
    /// Requests logged (triage502's own probes left out).
    pub requests: u64,
    /// Clients answered 502.
    pub s502: u64,
    /// Clients answered 503.
    pub s503: u64,
    /// Clients answered 504.
    pub s504: u64,
}

/// The window the console and the report show.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct AccessSummary {
    /// Length of the window, minutes.
    pub window_minutes: i64,
    /// Totals over the window.
    pub total: MinuteCounts,
    /// Bad gateways per upstream address over the window (the first attempt's address).
    pub per_upstream: BTreeMap<String, u64>,
    /// Requests sent by triage502's own probes (User-Agent `triage502/…`) over the window;
    /// not in `total`: they are not users.
    pub own_probes: u64,
    /// 504s per request path (query left out; at most [`MAX_PATHS`] paths, the rest under
    /// `…`): which endpoint times out (`/ConvertService.ashx`: the converter).
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub s504_by_path: BTreeMap<String, u64>,
    /// Files that could not be read, with why.
    pub problems: Vec<String>,
    /// 502/503/504 answers read since the previous look, by status and upstream (the first
    /// attempt's address): the increments of `watch`'s counters. Not serialized.
    #[serde(skip)]
    pub fresh: BTreeMap<(u16, String), u64>,
}

/// Distinct request paths counted per minute in [`AccessSummary::s504_by_path`].
pub const MAX_PATHS: usize = 32;

/// One minute of the window.
#[derive(Debug, Default)]
struct Minute {
    counts: MinuteCounts,
    per_upstream: BTreeMap<String, u64>,
    own_probes: u64,
    s504_by_path: BTreeMap<String, u64>,
}

/// The path of a request line (`POST /ConvertService.ashx?x=1 HTTP/1.1` → `/ConvertService.ashx`).
pub fn request_path(request: &str) -> Option<&str> {
    let target = request.split_whitespace().nth(1)?;
    Some(target.split(['?', '#']).next().unwrap_or(target))
}

#[derive(Debug, Default)]
struct FileState {
    inode: u64,
    offset: u64,
    partial: Vec<u8>,
}

/// Follows the access logs by polling; see the module doc.
#[derive(Debug)]
pub struct AccessWatch {
    files: Vec<PathBuf>,
    state: BTreeMap<PathBuf, FileState>,
    minutes: BTreeMap<NaiveDateTime, Minute>,
    format: AccessFormat,
    window_minutes: i64,
    /// See [`AccessSummary::fresh`].
    fresh: BTreeMap<(u16, String), u64>,
}

fn minute_of(t: NaiveDateTime) -> NaiveDateTime {
    use chrono::Timelike;
    t.with_second(0)
        .and_then(|t| t.with_nanosecond(0))
        .unwrap_or(t)
}

impl AccessWatch {
    /// Watch these files with a window of `window_minutes`.
    pub fn new(files: Vec<PathBuf>, window_minutes: i64) -> Self {
        AccessWatch {
            files,
            state: BTreeMap::new(),
            minutes: BTreeMap::new(),
            format: AccessFormat::default(),
            window_minutes,
            fresh: BTreeMap::new(),
        }
    }

    fn add(&mut self, l: &AccessLine) {
        let Some(t) = l.time else { return };
        let m = self.minutes.entry(minute_of(t)).or_default();
        if l.own_probe {
            m.own_probes += 1;
            return;
        }
        m.counts.requests += 1;
        match l.status {
            502 => m.counts.s502 += 1,
            503 => m.counts.s503 += 1,
            504 => {
                m.counts.s504 += 1;
                let path = l.request.as_deref().and_then(request_path).unwrap_or("-");
                let key = if m.s504_by_path.len() < MAX_PATHS || m.s504_by_path.contains_key(path) {
                    crate::util::shorten(path, 200)
                } else {
                    "…".to_string()
                };
                *m.s504_by_path.entry(key).or_default() += 1;
            }
            _ => return,
        }
        let up = l
            .upstream_addr
            .first()
            .cloned()
            .unwrap_or_else(|| "-".into());
        *self.fresh.entry((l.status, up.clone())).or_default() += 1;
        *m.per_upstream.entry(up).or_default() += 1;
    }

    /// Read what was appended since the last call and return the window's summary.
    pub fn poll(&mut self) -> AccessSummary {
        let mut problems = Vec::new();
        for path in self.files.clone() {
            if let Err(e) = self.read_new(&path) {
                problems.push(format!("{}: {e}", path.display()));
            }
        }
        let now = chrono::Local::now().naive_local();
        let cutoff = minute_of(now) - chrono::Duration::minutes(self.window_minutes - 1);
        self.minutes.retain(|m, _| *m >= cutoff);
        let mut s = AccessSummary {
            window_minutes: self.window_minutes,
            problems,
            fresh: std::mem::take(&mut self.fresh),
            ..Default::default()
        };
        for m in self.minutes.values() {
            let c = &m.counts;
            s.total.requests += c.requests;
            s.total.s502 += c.s502;
            s.total.s503 += c.s503;
            s.total.s504 += c.s504;
            s.own_probes += m.own_probes;
            for (u, n) in &m.per_upstream {
                *s.per_upstream.entry(u.clone()).or_default() += n;
            }
            for (p, n) in &m.s504_by_path {
                *s.s504_by_path.entry(p.clone()).or_default() += n;
            }
        }
        s
    }

    fn read_new(&mut self, path: &PathBuf) -> Result<(), String> {
        let mut f = crate::fsafe::open_regular(path).map_err(|e| crate::util::io_error_text(&e))?;
        let md = f.metadata().map_err(|e| e.to_string())?;
        let st = self.state.entry(path.clone()).or_default();
        let size = md.len();
        let mut restart = false;
        if st.inode != md.ino() || size < st.offset {
            // New file, rotated, or truncated: start near its end.
            st.inode = md.ino();
            st.offset = size.saturating_sub(TAIL_BYTES);
            st.partial.clear();
            restart = true;
        }
        if size == st.offset {
            return Ok(());
        }
        let from = st.offset.max(size.saturating_sub(READ_LIMIT));
        let jumped = from > st.offset;
        if jumped {
            st.partial.clear();
        }
        // Starting mid-file, the first line is probably cut: skip it.
        let skip_first = (restart && from > 0) || jumped;
        f.seek(SeekFrom::Start(from)).map_err(|e| e.to_string())?;
        let mut buf = Vec::with_capacity((size - from) as usize);
        f.take(size - from)
            .read_to_end(&mut buf)
            .map_err(|e| e.to_string())?;
        st.offset = from + buf.len() as u64;
        let mut data = std::mem::take(&mut st.partial);
        data.extend_from_slice(&buf);
        let (complete, rest) = match memchr::memrchr(b'\n', &data) {
            Some(p) => data.split_at(p + 1),
            None => (&data[..0], &data[..]),
        };
        let rest = rest.to_vec();
        let lines: Vec<AccessLine> = complete
            .split(|b| *b == b'\n')
            .skip(usize::from(skip_first))
            .filter_map(|l| AccessLine::parse(l, &self.format))
            .collect();
        if let Some(st) = self.state.get_mut(path) {
            st.partial = rest;
        }
        for l in &lines {
            self.add(l);
        }
        Ok(())
    }
}

impl AccessSummary {
    /// One line: `clients got 12×502, 3×504 of 340 requests in the last 5 min (127.0.0.1:8000: 15)`.
    pub fn line(&self) -> String {
        let t = &self.total;
        let mut bad = Vec::new();
        for (n, code) in [(t.s502, 502), (t.s503, 503), (t.s504, 504)] {
            if n > 0 {
                bad.push(format!("{n}×{code}"));
            }
        }
        let mut s = if bad.is_empty() {
            tr!(
                "access-none",
                requests = t.requests,
                minutes = self.window_minutes
            )
        } else {
            tr!(
                "access-bad",
                bad = bad.join(", "),
                requests = t.requests,
                minutes = self.window_minutes
            )
        };
        let mut ups: Vec<(&String, &u64)> = self.per_upstream.iter().collect();
        ups.sort_by_key(|(_, n)| std::cmp::Reverse(**n));
        if !ups.is_empty() {
            let top: Vec<String> = ups
                .iter()
                .take(3)
                .map(|(u, n)| format!("{u}: {n}"))
                .collect();
            s.push_str(&format!(" ({})", top.join(", ")));
        }
        if self.own_probes > 0 {
            s.push_str(&tr!("access-own-probes", n = self.own_probes));
        }
        for p in &self.problems {
            s.push_str(&tr!("access-unreadable", problem = p));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn line(status: u16, up: &str) -> String {
        let t = chrono::Local::now().format("%d/%b/%Y:%H:%M:%S %z");
        format!(
            "127.0.0.1 [{t}] \"GET /x HTTP/1.1\" {status} 157 us={status} ua=\"{up}\" urt=0.001 uct=- uht=-\n"
        )
    }

    #[test]
    fn counts_new_lines_and_survives_truncation() {
        let d = tempfile::tempdir().expect("tempdir");
        let p = d.path().join("access.log");
        let mut f = std::fs::File::create(&p).expect("create");
        f.write_all(line(200, "127.0.0.1:8000").as_bytes())
            .expect("write");
        f.write_all(line(502, "127.0.0.1:8000").as_bytes())
            .expect("write");
        let mut w = AccessWatch::new(vec![p.clone()], 5);
        let s = w.poll();
        assert_eq!((s.total.requests, s.total.s502), (2, 1), "{s:?}");
        f.write_all(line(504, "127.0.0.1:8001").as_bytes())
            .expect("write");
        // A half-written line is kept until it is complete.
        f.write_all(b"127.0.0.1 [").expect("write");
        let s = w.poll();
        assert_eq!((s.total.requests, s.total.s504), (3, 1), "{s:?}");
        assert_eq!(s.per_upstream.get("127.0.0.1:8001"), Some(&1));
        // Only what was read since the previous look, for watch's counters.
        assert_eq!(
            s.fresh.into_iter().collect::<Vec<_>>(),
            [((504, "127.0.0.1:8001".to_string()), 1)]
        );
        // copytruncate: the file shrinks; counting goes on from the new content.
        std::fs::write(&p, line(502, "127.0.0.1:8000")).expect("truncate");
        let s = w.poll();
        assert_eq!(s.total.s502, 2, "{s:?}");
        // triage502's own probes (combined format: the User-Agent is logged) are not users.
        let own = format!(
            "127.0.0.1 - - [{}] \"GET /healthcheck HTTP/1.1\" 502 157 \"-\" \"triage502/{}\"\n",
            chrono::Local::now().format("%d/%b/%Y:%H:%M:%S %z"),
            env!("CARGO_PKG_VERSION")
        );
        f.write_all(own.repeat(3).as_bytes()).expect("write");
        let s = w.poll();
        assert_eq!(
            (s.total.requests, s.total.s502, s.own_probes),
            (4, 2, 3),
            "{s:?}"
        );
        assert!(
            s.line().contains("3 own probe requests not counted"),
            "{}",
            s.line()
        );
        // A missing file is a problem, not a panic.
        let mut w = AccessWatch::new(vec![d.path().join("nope.log")], 5);
        assert_eq!(w.poll().problems.len(), 1);
    }
}
