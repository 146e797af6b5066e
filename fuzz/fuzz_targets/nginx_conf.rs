#![no_main]
//! nginx configuration parser: one file's text, and an `nginx -T` dump with includes resolved.
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use triage502::host::nginx_conf::{self, DumpSource};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(dirs) = nginx_conf::parse_text(Path::new("/etc/nginx/nginx.conf"), &text) {
        for d in &dirs {
            let _ = d.location();
            let _ = d.arg0();
            let _ = d.children();
        }
    }
    let dump = DumpSource::parse(&text);
    if let Some(main) = dump.main().map(Path::to_path_buf) {
        let _ = nginx_conf::load(&dump, &main);
    }
});
