//! The backlog of a log file: its last entries, found by reading backwards from the end in
//! growing windows (for `logs follow --lines N` and the console's and `check`'s log tails),
//! numbered from the file's start.

use super::follow::{keep, numbered, read_at};
use super::lines::LineSplitter;
use super::{LogFormat, Record};
use std::fs::File;

/// Largest prefix whose lines [`read_backlog`] counts to number the entries (≈ 30 ms).
const COUNT_CAP: u64 = 64 << 20;

/// Find the last `n` kept entries before `end` by reading backwards in growing windows.
/// Returns them (oldest first, numbered when the file's first [`COUNT_CAP`] bytes hold them),
/// the offset where following should start (just after the last complete line), and the
/// detected format.
pub fn read_backlog(
    f: &File,
    end: u64,
    n: usize,
    all: bool,
    max_bytes: u64,
    fmt: Option<LogFormat>,
) -> (Vec<Record>, u64, Option<LogFormat>) {
    let (r, start_at, fmt, _) = backlog_counted(f, end, n, all, max_bytes, fmt, COUNT_CAP);
    (r, start_at, fmt)
}

/// [`read_backlog`] counting the lines before the start when it is at most `count_cap`
/// bytes in; also returns that count.
pub(super) fn backlog_counted(
    f: &File,
    end: u64,
    n: usize,
    all: bool,
    max_bytes: u64,
    fmt: Option<LogFormat>,
    count_cap: u64,
) -> (Vec<Record>, u64, Option<LogFormat>, Option<u64>) {
    // offset after the last '\n' before end (a partial last line is left for the follower)
    let mut start_at = end;
    {
        let mut probe = end;
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            if probe == 0 {
                start_at = 0;
                break;
            }
            let from = probe.saturating_sub(buf.len() as u64);
            let len = (probe - from) as usize;
            if read_at(f, &mut buf[..len], from).is_err() {
                break;
            }
            if let Some(p) = memchr::memrchr(b'\n', &buf[..len]) {
                start_at = from + p as u64 + 1;
                break;
            }
            if end - from >= super::lines::MAX_LINE_BYTES as u64 * 2 {
                break; // absurd line: follow from the end
            }
            probe = from;
        }
    }
    let mut fmt = fmt;
    // Lines before start_at: the entries found are numbered from the file's start.
    let total = (start_at <= count_cap)
        .then(|| super::lines::count_lines(f, start_at))
        .flatten();
    if n == 0 || start_at == 0 {
        return (Vec::new(), start_at, fmt, total);
    }
    let mut window: u64 = 64 * 1024;
    loop {
        let from = start_at.saturating_sub(window);
        let len = (start_at - from) as usize;
        let mut buf = vec![0u8; len];
        if read_at(f, &mut buf, from).is_err() {
            return (Vec::new(), start_at, fmt, total);
        }
        let mut data = &buf[..];
        if from > 0 {
            // skip the partial first line
            match memchr::memchr(b'\n', data) {
                Some(p) => data = &data[p + 1..],
                None => data = &[],
            }
        }
        let f_ = *fmt.get_or_insert_with(|| LogFormat::detect(data));
        let in_data = memchr::memchr_iter(b'\n', data).count() as u64;
        let base = total.map(|t| t.saturating_sub(in_data));
        let mut asm = numbered(f_, base.unwrap_or(0));
        let mut split = LineSplitter::new();
        let mut recs: Vec<Record> = Vec::new();
        let mut seen_start = from == 0;
        let starts = f_.entry_start();
        let mut on_line = |l: &[u8], cut: bool, recs: &mut Vec<Record>| {
            // lines before the first entry start belong to an entry we cannot see whole
            if !seen_start {
                if !starts(l) {
                    return;
                }
                seen_start = true;
            }
            asm.push_line(l, cut, |raw| keep(f_, &raw, all, base.is_some(), recs));
        };
        split.feed(data, |l, cut| on_line(l, cut, &mut recs));
        split.finish(|l, cut| on_line(l, cut, &mut recs));
        asm.flush(|raw| keep(f_, &raw, all, base.is_some(), &mut recs));
        if recs.len() >= n || from == 0 || window >= max_bytes {
            let skip = recs.len().saturating_sub(n);
            return (recs.split_off(skip), start_at, fmt, total);
        }
        window = (window * 4).min(max_bytes);
    }
}
