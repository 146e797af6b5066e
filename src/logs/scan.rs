//! Streaming scan of log files (`logs scan`): plain or gzip (detected by magic bytes), read in
//! 1 MiB blocks, never loaded whole.
//!
//! Two paths share the line splitter and the entry assembler, so they see exactly the same
//! entries: [`scan_entries`] parses every entry into a [`Record`] (text / ndjson output), and
//! [`count_classes`] only finds each entry's class from its message (summary output) without
//! building fields or strings.

use super::lines::LineSplitter;
use super::nginx_error::RawEntry;
use super::{Class, LogFormat, Record};
use chrono::NaiveDateTime;
use flate2::read::MultiGzDecoder;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

/// Read block size.
pub const BLOCK: usize = 128 << 10;

/// A page, for [`page_aligned`].
pub(crate) const PAGE: usize = 4096;

/// The `len` bytes of `store` (at least `len + PAGE` long) that start on a page boundary:
/// the kernel copies a read into a page-aligned buffer several times faster than into one
/// at malloc's offset of 16 (measured: `perf` showed `_copy_to_iter` at a third of a scan).
pub(crate) fn page_aligned(store: &mut [u8], len: usize) -> &mut [u8] {
    let off = store.as_ptr().align_offset(PAGE).min(store.len() - len);
    &mut store[off..off + len]
}

/// What to keep.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScanOptions {
    /// Include `other` entries (text/ndjson; the summary always counts them).
    pub all: bool,
    /// Only entries at or after this local time (entries without a time are skipped).
    pub since: Option<NaiveDateTime>,
}

/// Exact per-class counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClassCounts([u64; Class::COUNT]);

impl Default for ClassCounts {
    fn default() -> Self {
        ClassCounts([0; Class::COUNT])
    }
}

impl ClassCounts {
    /// Add one entry of class `c`.
    #[inline]
    pub fn add(&mut self, c: Class) {
        self.0[c.index()] += 1;
    }
    /// Add `n` entries of class `c`.
    pub fn add_n(&mut self, c: Class, n: u64) {
        self.0[c.index()] += n;
    }
    /// Count of class `c`.
    pub fn get(&self, c: Class) -> u64 {
        self.0[c.index()]
    }
    /// Sum over all classes.
    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }
    /// Merge another set of counts in.
    pub fn merge(&mut self, other: &ClassCounts) {
        for (a, b) in self.0.iter_mut().zip(other.0.iter()) {
            *a += b;
        }
    }
    /// `{ id: count }` for every class that occurred (the `--format summary` object).
    pub fn to_map(&self) -> BTreeMap<&'static str, u64> {
        Class::ALL
            .iter()
            .filter(|c| self.get(**c) > 0)
            .map(|c| (c.id(), self.get(*c)))
            .collect()
    }
}

/// Open a log for reading, transparently decompressing gzip (by magic bytes, not name).
pub fn open_log(path: &Path) -> io::Result<Box<dyn Read + Send>> {
    let mut f = File::open(path)?;
    Ok(if is_gzip(&mut f)? {
        Box::new(gunzip(f))
    } else {
        Box::new(f)
    })
}

/// Does the file start with gzip's magic bytes? Leaves the file at offset 0.
pub fn is_gzip(f: &mut File) -> io::Result<bool> {
    let mut magic = [0u8; 2];
    let mut got = 0;
    while got < 2 {
        match f.read(&mut magic[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    f.seek(SeekFrom::Start(0))?;
    Ok(got == 2 && magic == [0x1f, 0x8b])
}

/// A decompressing reader over a gzip file (all members).
pub fn gunzip(f: File) -> MultiGzDecoder<io::BufReader<File>> {
    MultiGzDecoder::new(io::BufReader::with_capacity(256 * 1024, f))
}

/// One read, or with `fill` reads until `buf` is full, the reader ends or fails: the bytes
/// read, and the error if one ended it (what was read before it is still handed on). A gzip
/// member's end or a pipe returns short reads; filling the first block makes the format,
/// detected from it, the same whatever the reader (later blocks are not waited for: a live
/// pipe's entries come out as they arrive).
pub(crate) fn read_block<R: Read + ?Sized>(
    r: &mut R,
    buf: &mut [u8],
    fill: bool,
) -> (usize, Option<io::Error>) {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) if !fill => return (n, None),
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return (got, Some(e)),
        }
    }
    (got, None)
}

/// Drive the splitter and assembler over a reader; `f` gets every complete raw entry.
/// The format is detected from the first block. On a read error the entries seen so far
/// have been passed on and the error is returned.
pub fn for_each_raw_entry<R: Read + ?Sized>(
    r: &mut R,
    f: impl FnMut(LogFormat, RawEntry<'_>),
) -> io::Result<LogFormat> {
    for_each_raw_entry_as(r, None, f)
}

/// [`for_each_raw_entry`] with the format given (`Some`: a part of a file whose format was
/// detected from its start) or detected from the first block (`None`).
pub fn for_each_raw_entry_as<R: Read + ?Sized>(
    r: &mut R,
    format: Option<LogFormat>,
    mut f: impl FnMut(LogFormat, RawEntry<'_>),
) -> io::Result<LogFormat> {
    let mut store = vec![0u8; BLOCK + PAGE];
    let buf = page_aligned(&mut store, BLOCK);
    let mut split = LineSplitter::new();
    let mut state: Option<(LogFormat, super::EntryAssembler)> =
        format.map(|fmt| (fmt, fmt.assembler()));
    let mut result = Ok(());
    loop {
        let (n, failed) = read_block(r, buf, state.is_none());
        if n == 0 {
            if let Some(e) = failed {
                result = Err(e);
            }
            break;
        }
        let (fmt, asm) = state.get_or_insert_with(|| {
            let fmt = LogFormat::detect(&buf[..n]);
            (fmt, fmt.assembler())
        });
        let fmt = *fmt;
        split.feed(&buf[..n], |l, cut| asm.push_line(l, cut, |e| f(fmt, e)));
        if let Some(e) = failed {
            result = Err(e);
            break;
        }
    }
    let (fmt, mut asm) = state.unwrap_or_else(|| {
        let fmt = format.unwrap_or(LogFormat::NginxError);
        (fmt, fmt.assembler())
    });
    split.finish(|l, cut| asm.push_line(l, cut, |e| f(fmt, e)));
    asm.flush(|e| f(fmt, e));
    result.map(|()| fmt)
}

/// Summary fast path: exact per-class counts over a reader (`other` included), honouring
/// `since`.
pub fn count_classes<R: Read + ?Sized>(
    r: &mut R,
    since: Option<NaiveDateTime>,
) -> io::Result<ClassCounts> {
    count_classes_as(r, None, since)
}

/// [`count_classes`] with the format given or detected (see [`for_each_raw_entry_as`]).
pub fn count_classes_as<R: Read + ?Sized>(
    r: &mut R,
    format: Option<LogFormat>,
    since: Option<NaiveDateTime>,
) -> io::Result<ClassCounts> {
    let mut counts = ClassCounts::default();
    match since {
        None => for_each_raw_entry_as(r, format, |fmt, e| counts.add(fmt.classify_raw(e.bytes)))?,
        Some(since) => for_each_raw_entry_as(r, format, |fmt, e| {
            if fmt.time_raw(e.bytes).is_some_and(|t| t >= since) {
                counts.add(fmt.classify_raw(e.bytes));
            }
        })?,
    };
    Ok(counts)
}

/// Full path: every entry kept by `opts` is parsed and handed to `f`. `f` returns `false` to
/// stop early (e.g. the output pipe closed).
pub fn scan_entries<R: Read + ?Sized>(
    r: &mut R,
    opts: ScanOptions,
    mut f: impl FnMut(Record) -> bool,
) -> io::Result<()> {
    let mut go_on = true;
    for_each_raw_entry(r, |fmt, raw| {
        if !go_on {
            return;
        }
        let rec = fmt.parse(&raw);
        if let Some(since) = opts.since
            && rec.time().is_none_or(|t| t < since)
        {
            return;
        }
        if !opts.all && rec.class() == Class::Other {
            return;
        }
        go_on = f(rec);
    })?;
    Ok(())
}

/// Per-class counts computed through the full parser (used to check the fast path).
pub fn count_classes_full<R: Read + ?Sized>(
    r: &mut R,
    since: Option<NaiveDateTime>,
) -> io::Result<ClassCounts> {
    let mut counts = ClassCounts::default();
    let opts = ScanOptions { all: true, since };
    scan_entries(r, opts, |rec| {
        counts.add(rec.class());
        true
    })?;
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn fixture_log() -> Vec<u8> {
        let mut d = super::super::test_fixture("nginx/error-upstream-failures.log");
        d.extend(super::super::test_fixture(
            "nginx/error-pool-and-rotation.log",
        ));
        d
    }

    #[test]
    fn summary_equals_full_parse_on_fixtures() {
        let data = fixture_log();
        let fast = count_classes(&mut &data[..], None).expect("read");
        let full = count_classes_full(&mut &data[..], None).expect("read");
        assert_eq!(fast, full);
        assert_eq!(fast.total(), 18 + 18);
        assert_eq!(fast.get(Class::UpstreamRefused), 5);
        assert_eq!(fast.get(Class::Other), 1 + 9);
        let ds = super::super::test_fixture("docserver/out.log");
        assert_eq!(
            count_classes(&mut &ds[..], None).expect("read"),
            count_classes_full(&mut &ds[..], None).expect("read")
        );
    }

    #[test]
    fn since_filters_and_both_paths_agree() {
        let data = fixture_log();
        let since = NaiveDateTime::parse_from_str("2026-11-28 12:55:18", "%Y-%m-%d %H:%M:%S")
            .expect("valid");
        let fast = count_classes(&mut &data[..], Some(since)).expect("read");
        let full = count_classes_full(&mut &data[..], Some(since)).expect("read");
        assert_eq!(fast, full);
        assert_eq!(fast.get(Class::UpstreamConnectTimeout), 1);
        assert_eq!(fast.get(Class::UpstreamRefused), 1);
        assert_eq!(fast.total(), 7);
    }

    #[test]
    fn gzip_is_detected_by_magic() {
        let data = fixture_log();
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("error.log.1"); // no .gz suffix on purpose
        let mut enc = flate2::write::GzEncoder::new(
            File::create(&path).expect("create"),
            flate2::Compression::fast(),
        );
        enc.write_all(&data).expect("write");
        enc.finish().expect("finish");
        let mut r = open_log(&path).expect("open");
        let gz = count_classes(&mut r, None).expect("read");
        assert_eq!(gz, count_classes(&mut &data[..], None).expect("read"));
    }

    #[test]
    fn entries_across_block_boundaries() {
        // more than one block, with a multi-line entry straddling the boundary
        let mut data = Vec::new();
        let line = b"2026/11/28 12:00:00 [error] 1#1: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: s, request: \"GET / HTTP/1.1\", upstream: \"http://10.0.0.2:80/\", host: \"h\"\n";
        while data.len() < BLOCK - 40 {
            data.extend_from_slice(line);
        }
        data.extend_from_slice(
            b"2026/11/28 12:00:01 [error] 1#1: *2 FastCGI sent in stderr: \"PHP message: x\n",
        );
        data.extend_from_slice(&[b'y'; 100]);
        data.extend_from_slice(
            b"\" while reading response header from upstream, client: 10.0.0.1\n",
        );
        data.extend_from_slice(line);
        let n_lines = (BLOCK - 40).div_ceil(line.len());
        let c = count_classes(&mut &data[..], None).expect("read");
        assert_eq!(c.get(Class::UpstreamRefused) as usize, n_lines + 1);
        assert_eq!(c.get(Class::Other), 1);
        assert_eq!(c, count_classes_full(&mut &data[..], None).expect("read"));
    }
}
