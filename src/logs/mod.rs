//! Log intelligence: turns nginx and ONLYOFFICE Document Server log lines into classified,
//! explained entries; follows live logs through rotation; scans huge old logs fast.
//!
//! - [`class`]: the stable class ids and the text shown for each (explanation, causes, next
//!   check, what the client got).
//! - [`nginx_error`]: nginx error log parser, entry assembler (continuation lines) and
//!   classifier.
//! - [`nginx_access`]: access log parser (`combined` and formats with `$upstream_status`,
//!   `$upstream_addr`, `$upstream_response_time`) and 502/503/504 counters.
//! - [`docserver`]: Document Server `out.log` parser and classifier.
//! - [`scan`]: streaming scan of plain or gzip files (`logs scan`), with a summary fast path.
//! - [`follow`]: async multi-file follower surviving rotation (`logs follow`, the console).
//! - [`gen`]: generator of large realistic nginx error logs with exact expected counts.
//! - [`cli`]: `logs scan` / `logs follow` arguments and entry points for `src/main.rs`.
//!
//! Class ids (stable; see [`class::Class`]):
//! nginx — `upstream_refused`, `upstream_connect_timeout`, `upstream_read_timeout`,
//! `upstream_unreachable`, `no_live_upstreams`, `upstream_disabled`, `upstream_closed`,
//! `upstream_reset`, `header_too_big`, `invalid_response`, `socket_missing`,
//! `permission_denied`, `dns_failure`, `upstream_tls`;
//! Document Server — `ds_jwt_invalid_signature`, `ds_jwt_malformed`, `ds_jwt_missing`,
//! `ds_jwt_expired`, `ds_jwt_invalid`, `ds_storage_refused`, `ds_storage_not_found`,
//! `ds_storage_timeout`, `ds_storage_cert`, `ds_storage_private_ip`, `ds_storage_error`,
//! `ds_callback_failed`, `ds_rabbitmq`, `ds_database`, `ds_redis`, `ds_healthcheck`;
//! and `other`.

pub mod class;
pub mod docserver;
pub mod lines;
pub mod nginx_access;
pub mod nginx_error;

pub use class::{Class, ClassInfo};
pub use nginx_error::{Entry, EntryAssembler};

/// Read a test fixture: the in-repo copy under `tests/fixtures/` first, else the shared one.
#[cfg(test)]
pub(crate) fn test_fixture(rel: &str) -> Vec<u8> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let local = root.join("tests/fixtures").join(rel);
    let shared = root.join("../shared/fixtures").join(rel);
    std::fs::read(&local)
        .or_else(|_| std::fs::read(&shared))
        .unwrap_or_else(|e| panic!("fixture {rel}: {e}"))
}
