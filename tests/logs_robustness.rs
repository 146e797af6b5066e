//! Arbitrary bytes into every parser: random, binary, a 10 MB line, invalid UTF-8, empty.
//! Nothing may panic, and the summary fast path must agree with the full parser.

use triage502::logs::docserver::{self, DsEntry};
use triage502::logs::nginx_access::{AccessFormat, AccessLine, AccessStats};
use triage502::logs::nginx_error::{self, Entry};
use triage502::logs::scan::{count_classes, count_classes_full};

/// The seeded random numbers of the log generator (`examples/loggen`, not library code).
#[path = "../examples/loggen/generate.rs"]
mod generate;
use generate::Rng;

/// Pieces that steer random input into the interesting branches.
const PIECES: [&[u8]; 20] = [
    b"2026/11/28 12:54:52 [error] 12001#12001: *1 ",
    b"2026/11/28 12:54:52 [",
    b"[2026-11-28T12:00:00.123] [ERROR] [localhost] [d] [u] nodeJS - ",
    b"connect() failed (111: Connection refused) while connecting to upstream",
    b"upstream timed out (110: ",
    b", client: ",
    b", server: ",
    b", request: \"",
    b", upstream: \"",
    b", host: \"",
    b", referrer: \"",
    b"\"",
    b"\n",
    b"\r\n",
    b"(",
    b"\xff\xfe\xc3\x28",
    b"error downloadFile:url=x;attempt=1;code:",
    b"statusCode:",
    b" us=502, 502 ua=\"a, b\" ",
    b"127.0.0.1 - - [28/Nov/2026:12:54:52 +0000] \"GET / HTTP/1.1\" 502 ",
];

fn random_input(rng: &mut Rng) -> Vec<u8> {
    let mut v = Vec::new();
    let parts = rng.below(40);
    for _ in 0..parts {
        if rng.below(2) == 0 {
            v.extend_from_slice(PIECES[rng.below(PIECES.len() as u64) as usize]);
        } else {
            let n = rng.below(64);
            for _ in 0..n {
                v.push(rng.next_u64() as u8);
            }
        }
    }
    v
}

fn exercise(data: &[u8]) {
    let _ = Entry::parse(data, Some(1));
    let _ = nginx_error::classify_raw(data);
    let _ = nginx_error::split_fields(data);
    let _ = nginx_error::errno_of(data);
    let _ = nginx_error::parse_all(data);
    let _ = DsEntry::parse(data, None);
    let _ = docserver::parse_all(data);
    let _ = AccessLine::parse(data, &AccessFormat::default());
    let mut s = AccessStats::new();
    for l in data.split(|b| *b == b'\n') {
        let _ = s.feed(l);
    }
    let fast = count_classes(&mut &data[..], None).expect("in-memory read");
    let full = count_classes_full(&mut &data[..], None).expect("in-memory read");
    assert_eq!(
        fast,
        full,
        "fast path and full parser disagree on {:?}",
        String::from_utf8_lossy(&data[..data.len().min(300)])
    );
}

#[test]
fn random_and_structured_garbage() {
    let mut rng = Rng::new(0x5eed);
    for _ in 0..3000 {
        let data = random_input(&mut rng);
        exercise(&data);
    }
}

#[test]
fn edge_inputs() {
    exercise(b"");
    exercise(b"\n");
    exercise(b"\n\n\n");
    exercise(&[0u8; 4096]);
    exercise(&(0..=255u8).cycle().take(100_000).collect::<Vec<u8>>());
    exercise(b"2026/11/28 12:54:52 [");
    exercise(b"2026/11/28 12:54:52 [error]");
    exercise(b"2026/11/28 12:54:52 [error] 1#1: *");
    exercise(b"2026/11/28 12:54:52 [error] 1#1: *99999999999999999999999 x");
    exercise(b"9999/99/99 99:99:99 [error] 1#1: connect() failed (4294967296: x)");
    exercise(b"[2026-11-28T");
    exercise(b"[2026-11-28T12:00:00.123] [ERROR");
    exercise(b"x [28/Nov/2026:12:54:52 +0000] \"GET");
}

#[test]
fn ten_megabyte_line() {
    let mut data = b"2026/11/28 12:54:52 [error] 1#1: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 1.2.3.4, request: \"GET /".to_vec();
    data.resize(10 << 20, b'A');
    data.extend_from_slice(
        b"\"\n2026/11/28 12:54:53 [error] 1#1: *2 no live upstreams while connecting to upstream\n",
    );
    exercise(&data);
    let entries = nginx_error::parse_all(&data);
    assert_eq!(entries.len(), 2);
    assert!(entries[0].truncated);
    assert_eq!(entries[0].class.id(), "upstream_refused");
    assert_eq!(entries[1].class.id(), "no_live_upstreams");
    // a 10 MB continuation after a dated line, and one with no newline at all
    let mut cont = b"2026/11/28 12:54:52 [error] 1#1: *1 FastCGI sent in stderr: \"x\n".to_vec();
    cont.resize(10 << 20, b'\xff');
    exercise(&cont);
}
