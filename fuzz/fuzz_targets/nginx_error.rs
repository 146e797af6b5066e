#![no_main]
//! nginx error log: parser, classifier, assembler; the summary fast path must agree with the
//! full parser.
use libfuzzer_sys::fuzz_target;
use triage502::logs::nginx_error::{self, Entry};
use triage502::logs::scan::{count_classes, count_classes_full};

fuzz_target!(|data: &[u8]| {
    let e = Entry::parse(data, Some(1));
    assert_eq!(e.class, nginx_error::classify_raw(data));
    let _ = serde_json::to_string(&e);
    let _ = nginx_error::parse_all(data);
    let fast = count_classes(&mut &data[..], None).expect("in-memory read");
    let full = count_classes_full(&mut &data[..], None).expect("in-memory read");
    assert_eq!(fast, full);
});
