//! Cut anywhere, the parts count what one pass counts.

use super::*;
use crate::logs::scan::count_classes;
use std::io::Write;

/// An nginx error log with what makes cutting hard: multi-line entries, CRLF, a line longer
/// than the splitter keeps, a short garbage line, no final newline.
fn tricky_nginx() -> Vec<u8> {
    let mut d = crate::logs::test_fixture("nginx/error-upstream-failures.log");
    d.extend(b"2026/11/28 12:00:01 [error] 1#1: *2 FastCGI sent in stderr: \"PHP message: x\n");
    d.extend(b"2026/11/28 looks like a date but is a continuation\n");
    d.extend([b'y'; 300]);
    d.extend(b"\" while reading response header from upstream, client: 10.0.0.1\r\n");
    d.extend(crate::logs::test_fixture(
        "nginx/error-pool-and-rotation.log",
    ));
    d.extend(b"2026/11/28 12:00:02 [error] 1#1: *3 upstream timed out (110: Connection timed out) while reading response header from upstream, x: ");
    d.extend(vec![b'z'; MAX_LINE_BYTES + 500]);
    d.extend(b"\nshort\n\r\n");
    d.extend(crate::logs::test_fixture(
        "nginx/error-upstream-failures.log",
    ));
    d.extend(b"2026/11/28 12:00:03 [crit] 1#1: *4 connect() to unix:/run/x.sock failed (2: No such file or directory) while connecting to upstream");
    d
}

fn file_of(data: &[u8]) -> (tempfile::TempDir, File) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("error.log");
    std::fs::write(&path, data).expect("write");
    let f = File::open(&path).expect("open");
    (dir, f)
}

#[test]
fn a_cut_at_every_offset_counts_like_one_pass() {
    for data in [
        tricky_nginx(),
        crate::logs::test_fixture("docserver/out.log"),
    ] {
        let want = count_classes(&mut &data[..], None).expect("read");
        assert!(want.total() > 20);
        let (_dir, f) = file_of(&data);
        let len = data.len() as u64;
        // every offset near a line boundary (where cutting can go wrong), a stride elsewhere
        let near_newline = |at: u64| {
            let lo = at.saturating_sub(3) as usize;
            let hi = (at as usize + 3).min(data.len());
            data[lo..hi].contains(&b'\n')
        };
        for at in (0..=len).filter(|at| at % 211 == 0 || near_newline(*at)) {
            let got = count_split(&f, len, None, &[at]).expect("read");
            assert_eq!(got, want, "cut searched from {at}");
        }
        // several cuts, close together and far apart
        for step in [1u64, 7, 97, 1000] {
            let nominal: Vec<u64> = (1..6).map(|i| (i * step).min(len)).collect();
            let got = count_split(&f, len, None, &nominal).expect("read");
            assert_eq!(got, want, "cuts {nominal:?}");
        }
    }
}

#[test]
fn since_is_honoured_in_every_part() {
    let data = tricky_nginx();
    let since =
        NaiveDateTime::parse_from_str("2026-11-28 12:55:18", "%Y-%m-%d %H:%M:%S").expect("valid");
    let want = count_classes(&mut &data[..], Some(since)).expect("read");
    let (_dir, f) = file_of(&data);
    let len = data.len() as u64;
    for at in (0..len).step_by(13) {
        let got = count_split(&f, len, Some(since), &[at, at + 500]).expect("read");
        assert_eq!(got, want, "cut searched from {at}");
    }
}

#[test]
fn a_file_without_entry_starts_is_one_part() {
    // stderr-format lines all start entries; an nginx log of continuation-looking lines after
    // its first entry has no cut point: everything is one entry, whatever the parts.
    let mut data = b"2026/11/28 12:00:00 [error] 1#1: *1 connect() failed (111: Connection refused) while connecting to upstream\n".to_vec();
    for _ in 0..2000 {
        data.extend(b" continuation of the same entry\n");
    }
    let want = count_classes(&mut &data[..], None).expect("read");
    assert_eq!(want.total(), 1);
    let (_dir, f) = file_of(&data);
    let len = data.len() as u64;
    assert_eq!(
        count_split(&f, len, None, &[len / 3, len / 2]).expect("read"),
        want
    );
}

#[test]
fn gzip_pipelined_equals_one_pass() {
    let mut data = Vec::new();
    while data.len() < 3 * BLOCK + 12345 {
        data.extend(tricky_nginx());
    }
    let want = count_classes(&mut &data[..], None).expect("read");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("error.log.2.gz");
    // two gzip members, as logrotate's delaycompress plus a later append can leave
    let mut out = File::create(&path).expect("create");
    let (a, b) = data.split_at(data.len() / 2);
    for part in [a, b] {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(part).expect("compress");
        out.write_all(&enc.finish().expect("finish"))
            .expect("write");
    }
    drop(out);
    for threads in [1, 2, 4] {
        let f = File::open(&path).expect("open");
        assert_eq!(
            count_classes_file(f, None, threads).expect("read"),
            want,
            "{threads} threads"
        );
    }
}

#[test]
fn a_corrupt_gzip_is_an_error_not_a_hang() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bad.gz");
    let mut bytes = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3];
    bytes.extend([0xff; 5000]);
    std::fs::write(&path, &bytes).expect("write");
    let f = File::open(&path).expect("open");
    assert!(count_classes_file(f, None, 2).is_err());
}

#[test]
fn a_large_plain_file_on_several_threads_equals_one_pass() {
    let mut data = Vec::new();
    while (data.len() as u64) < PARALLEL_MIN + 4321 {
        data.extend(tricky_nginx());
    }
    let want = count_classes(&mut &data[..], None).expect("read");
    let (_dir, f) = file_of(&data);
    for threads in [1, 2, 3, 8] {
        let f = f.try_clone().expect("clone");
        assert_eq!(
            count_classes_file(f, None, threads).expect("read"),
            want,
            "{threads} threads"
        );
    }
}
