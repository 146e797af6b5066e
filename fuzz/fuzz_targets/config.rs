#![no_main]
//! Config text: the validator (file:line problems, "did you mean") and the full parse; a
//! config that parses must render back to masked TOML.
use libfuzzer_sys::fuzz_target;
use triage502::config;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for p in config::check_text(&text) {
        let _ = p.render("fuzz.toml");
    }
    match config::parse(&text, "fuzz.toml") {
        Ok(cfg) => {
            let _ = cfg.to_masked_toml();
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
