//! `logs scan --format summary` on every core: exact class counts of one file, computed in
//! parallel where that pays and sequentially where it does not.
//!
//! - **A plain file of at least [`PARALLEL_MIN`] bytes** is cut into one part per core. Each
//!   cut is moved forward to the start of a line that starts an entry (for the file's format,
//!   detected once from its start), so every part holds whole entries and is counted by the
//!   ordinary sequential machinery ([`count_classes_as`]); the counts are added. Lines are
//!   found as the line splitter finds them (after each `\n`), and a line that does not start
//!   an entry always continues the one before it, so the parts see exactly the entries one
//!   pass would. The last part reads to the end of the file as it is then (a log that grows
//!   meanwhile is read like one pass reads it); a part that cannot find a cut point before
//!   the next one merges with it.
//! - **A gzip file** is decompressed on one thread while the blocks it yields are classified
//!   on another (a bounded channel of recycled [`BLOCK`] buffers between them).
//! - Anything else (small files, one core, stdin) is one sequential pass.

use super::LogFormat;
use super::lines::MAX_LINE_BYTES;
use super::scan::{BLOCK, ClassCounts, count_classes_as, gunzip, is_gzip, read_block};
use crate::tr;
use chrono::NaiveDateTime;
use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::FileExt;
use std::sync::mpsc;

/// Smallest plain file cut into parts (below it, starting threads costs more than it saves).
pub const PARALLEL_MIN: u64 = 8 << 20;

/// How many threads a scan may use: the cores this process may run on, at most 8, or
/// `TRIAGE502_SCAN_THREADS` (1–8; the benchmark compares one thread with all).
pub fn threads() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::env::var("TRIAGE502_SCAN_THREADS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(cores)
        .clamp(1, 8)
}

/// Exact per-class counts of an open log file (`other` included), honouring `since`, on up
/// to `threads` threads (see the module doc for when each path is taken).
pub fn count_classes_file(
    mut f: File,
    since: Option<NaiveDateTime>,
    threads: usize,
) -> io::Result<ClassCounts> {
    let meta = f.metadata()?;
    if is_gzip(&mut f)? {
        return if threads > 1 {
            count_pipelined(gunzip(f), since)
        } else {
            count_classes_as(&mut gunzip(f), None, since)
        };
    }
    if threads < 2 || !meta.is_file() || meta.len() < PARALLEL_MIN {
        return count_classes_as(&mut f, None, since);
    }
    let len = meta.len();
    let nominal: Vec<u64> = (1..threads as u64)
        .map(|i| len / threads as u64 * i)
        .collect();
    count_split(&f, len, since, &nominal)
}

/// How far past its nominal offset a cut point is looked for; a part that finds none in
/// this stretch merges with the next.
const CUT_SEARCH: u64 = 16 << 20;

/// Cut `[0, len)` at the first entry start at or after each of `nominal` (ascending) and
/// count the parts on one thread each.
fn count_split(
    f: &File,
    len: u64,
    since: Option<NaiveDateTime>,
    nominal: &[u64],
) -> io::Result<ClassCounts> {
    let mut head = vec![0u8; BLOCK.min(len as usize)];
    let got = read_full_at(f, &mut head, 0)?;
    let fmt = LogFormat::detect(&head[..got]);
    let starts = fmt.entry_start();
    let mut cuts = vec![0u64];
    for &n in nominal {
        let limit = len.min(n.saturating_add(CUT_SEARCH));
        if let Some(c) = cut_at_or_after(f, n, limit, starts)?
            && c > *cuts.last().unwrap_or(&0)
        {
            cuts.push(c);
        }
    }
    let ranges: Vec<(u64, Option<u64>)> = cuts
        .iter()
        .enumerate()
        .map(|(i, &s)| (s, cuts.get(i + 1).copied()))
        .collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = ranges
            .iter()
            .map(|&(from, to)| {
                scope.spawn(move || {
                    let mut r = RangeReader {
                        f,
                        at: from,
                        end: to,
                    };
                    count_classes_as(&mut r, Some(fmt), since)
                })
            })
            .collect();
        let mut total = ClassCounts::default();
        for h in handles {
            let c = h
                .join()
                .map_err(|_| io::Error::other(tr!("logs-scan-thread-panicked")))??;
            total.merge(&c);
        }
        Ok(total)
    })
}

/// The offset of the first line starting at or after `from` (lines start at 0 and after each
/// `\n`) that starts an entry, searching no further than `limit`; `None` when there is none.
fn cut_at_or_after(
    f: &File,
    from: u64,
    limit: u64,
    starts: fn(&[u8]) -> bool,
) -> io::Result<Option<u64>> {
    let mut line = if from == 0 {
        0
    } else {
        match next_line_start(f, from - 1, limit)? {
            Some(p) => p,
            None => return Ok(None),
        }
    };
    // The first WIN bytes of a line are all a start test looks at (a line longer than that
    // is long enough for any test's minimum length). Lines are walked in a chunk read once;
    // a line whose first WIN bytes run past the chunk is read again from its start.
    const WIN: usize = 256;
    let mut buf = vec![0u8; 64 * 1024];
    while line < limit {
        let got = read_full_at(f, &mut buf, line)?;
        let eof = got < buf.len();
        let chunk = &buf[..got];
        let mut p = 0usize;
        let next = loop {
            let rest = &chunk[p..];
            if rest.len() < WIN && !eof {
                break line + p as u64;
            }
            let win = &rest[..rest.len().min(WIN)];
            let end = memchr::memchr(b'\n', win).unwrap_or(win.len());
            let l = &win[..end.min(MAX_LINE_BYTES)];
            let l = if end < win.len() || win.len() < WIN {
                l.strip_suffix(b"\r").unwrap_or(l)
            } else {
                l
            };
            if starts(l) {
                return Ok(Some(line + p as u64));
            }
            match memchr::memchr(b'\n', rest) {
                Some(i) => p += i + 1,
                None if eof => return Ok(None),
                // The line runs past the chunk: its end is found by reading on.
                None => match next_line_start(f, line + got as u64, limit)? {
                    Some(n) => break n,
                    None => return Ok(None),
                },
            }
            if line + p as u64 >= limit {
                return Ok(None);
            }
        };
        line = next;
    }
    Ok(None)
}

/// The offset just after the first `\n` at or after `at`, if it is before `limit`.
fn next_line_start(f: &File, mut at: u64, limit: u64) -> io::Result<Option<u64>> {
    let mut buf = vec![0u8; 64 * 1024];
    while at < limit {
        let want = ((limit - at) as usize).min(buf.len());
        let got = read_full_at(f, &mut buf[..want], at)?;
        if got == 0 {
            return Ok(None);
        }
        if let Some(i) = memchr::memchr(b'\n', &buf[..got]) {
            let p = at + i as u64 + 1;
            return Ok((p < limit).then_some(p));
        }
        at += got as u64;
    }
    Ok(None)
}

/// `read_at` until `buf` is full or the file ends; the bytes read.
fn read_full_at(f: &File, buf: &mut [u8], at: u64) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match f.read_at(&mut buf[got..], at + got as u64) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// A reader over `[at, end)` of a file (to its end when `end` is `None`), by `pread`, so
/// several can share one file.
struct RangeReader<'a> {
    f: &'a File,
    at: u64,
    end: Option<u64>,
}

impl Read for RangeReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let want = match self.end {
            Some(end) => ((end.saturating_sub(self.at)) as usize).min(buf.len()),
            None => buf.len(),
        };
        if want == 0 {
            return Ok(0);
        }
        let n = self.f.read_at(&mut buf[..want], self.at)?;
        self.at += n as u64;
        Ok(n)
    }
}

/// Decompress on a thread of its own, classify here.
fn count_pipelined<R: Read + Send>(
    mut src: R,
    since: Option<NaiveDateTime>,
) -> io::Result<ClassCounts> {
    let (full_tx, full_rx) = mpsc::sync_channel::<io::Result<(Vec<u8>, usize)>>(2);
    let (empty_tx, empty_rx) = mpsc::channel::<Vec<u8>>();
    std::thread::scope(|scope| {
        scope.spawn(move || {
            loop {
                let mut buf = empty_rx.try_recv().unwrap_or_else(|_| vec![0u8; BLOCK]);
                let (n, failed) = read_block(&mut src, &mut buf, true);
                if n > 0 && full_tx.send(Ok((buf, n))).is_err() {
                    return;
                }
                if n == 0 || failed.is_some() {
                    let _ = full_tx.send(failed.map_or(Ok((Vec::new(), 0)), Err));
                    return;
                }
            }
        });
        let mut r = ChannelReader {
            rx: full_rx,
            back: empty_tx,
            cur: Vec::new(),
            len: 0,
            pos: 0,
            done: false,
        };
        count_classes_as(&mut r, None, since)
    })
}

/// The classifying side of [`count_pipelined`]: blocks from the channel as a reader, each
/// emptied buffer sent back for reuse.
struct ChannelReader {
    rx: mpsc::Receiver<io::Result<(Vec<u8>, usize)>>,
    back: mpsc::Sender<Vec<u8>>,
    cur: Vec<u8>,
    len: usize,
    pos: usize,
    done: bool,
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.len {
            if self.done {
                return Ok(0);
            }
            match self.rx.recv() {
                Ok(Ok((block, n))) => {
                    let old = std::mem::replace(&mut self.cur, block);
                    if !old.is_empty() {
                        let _ = self.back.send(old);
                    }
                    (self.len, self.pos) = (n, 0);
                    self.done = n == 0;
                }
                Ok(Err(e)) => {
                    self.done = true;
                    return Err(e);
                }
                Err(_) => {
                    self.done = true;
                    return Ok(0);
                }
            }
        }
        let n = (self.len - self.pos).min(buf.len());
        buf[..n].copy_from_slice(&self.cur[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
#[path = "parallel_tests.rs"]
mod tests;
