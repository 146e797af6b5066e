#![no_main]
//! nginx access log parser and counters.
use libfuzzer_sys::fuzz_target;
use triage502::logs::nginx_access::{AccessFormat, AccessLine, AccessStats};

fuzz_target!(|data: &[u8]| {
    let _ = AccessLine::parse(data, &AccessFormat::default());
    let mut s = AccessStats::new();
    for l in data.split(|b| *b == b'\n') {
        let _ = s.feed(l);
    }
    assert!(s.client().total() <= s.requests());
});
