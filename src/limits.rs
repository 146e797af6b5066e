//! Every bound on what triage502 reads from others, in one place.
//!
//! triage502 runs on sick boxes and reads what others wrote: servers' answers, log lines,
//! config files, tools' output. Each reader stops at a cap named here (or, for caps that
//! belong to one parser, named beside it and listed here), so no answer, file or line can
//! make it grow without end. New readers (watch, fleet) take their cap from this module.

/// Body of a probe's HTTP answer (healthcheck, info, app pages): enough for any error page.
pub const HTTP_BODY_BYTES: usize = 64 * 1024;

/// Body of the command service's answer (`{"error":0,"version":…}` is a few dozen bytes).
pub const COMMAND_BODY_BYTES: usize = 64 * 1024;

/// Bytes of log entries the console keeps in its log book (besides [`crate::engine::LOG_LIMIT`]
/// entries): a flood of 60 KB lines cannot take it past this.
pub const LOG_BOOK_BYTES: usize = 8 << 20;

/// Bytes of each text field (message, request, host …) an entry keeps in the log book; the
/// parser's own cap is [`crate::logs::nginx_error::MAX_ENTRY_BYTES`]. Longer fields end in `…`
/// and the entry is marked truncated.
pub const STORED_FIELD_BYTES: usize = 4096;

/// Output of one external tool (stdout and stderr each): `nginx -T` of a large box fits; the
/// rest is read and dropped so the tool never blocks on a full pipe.
pub const TOOL_OUTPUT_BYTES: u64 = 32 << 20;

/// Bytes read back from the end of each log by `check`, `report` and the console's start.
pub const LOG_TAIL_BYTES: u64 = 16 << 20;

// Caps named beside the parser or reader they belong to:
pub use crate::actions::{MAX_LINE as ACTION_OUTPUT_LINE_CHARS, TAIL_LINES as ACTION_TAIL_LINES};
pub use crate::engine::{LOG_LIMIT as LOG_BOOK_ENTRIES, TIMELINE_LIMIT as TIMELINE_EVENTS};
pub use crate::logs::lines::MAX_LINE_BYTES;
pub use crate::logs::nginx_access::MAX_KEYS as ACCESS_LOG_KEYS;
pub use crate::logs::nginx_error::MAX_ENTRY_BYTES;
