#![no_main]
//! Document Server out.log parser and classifier.
use libfuzzer_sys::fuzz_target;
use triage502::logs::docserver::{self, DsEntry};

fuzz_target!(|data: &[u8]| {
    let e = DsEntry::parse(data, Some(1));
    assert_eq!(e.class, docserver::classify_raw(data));
    let _ = serde_json::to_string(&e);
    let _ = docserver::parse_all(data);
});
