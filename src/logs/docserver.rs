//! ONLYOFFICE Document Server `out.log` (docservice, converter, metrics): parsing and
//! classification.
//!
//! A line is `[2026-11-28T12:00:00.123] [ERROR] [tenant] [docId] [userId] nodeJS - message`
//! (versions before 7.x have no `[tenant] [docId] [userId]` groups). Stack traces and the
//! `\r\n`-separated second half of some messages are continuation lines: a physical line not
//! starting with `[YYYY-MM-` continues the previous entry, and the whole entry is classified.
//!
//! The wordings come from the Document Server sources: `checkJwt error: name = %s message = %s
//! token = %s` (jsonwebtoken's messages `invalid signature`, `jwt malformed`, `jwt must be
//! provided`, `jwt expired`), `error downloadFile:url=%s;attempt=%d;code:%s;connect:%s`,
//! request-filtering-agent's `DNS lookup … is not allowed. Because, It is private IP address.`,
//! `postData error: url = %s;data = %j` followed by `Error: Error response: statusCode:NNN`,
//! `[AMQP] Error: …`, `sqlQuery error sqlCommand: …`, `healthCheck error`.

use super::class::Class;
use super::nginx_error::{EntryAssembler, MAX_ENTRY_BYTES};
use chrono::NaiveDateTime;
use memchr::memmem;
use serde::Serialize;

/// One Document Server log entry.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DsEntry {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// 1-based number of the first physical line (`null` when unknown).
    pub line: Option<u64>,
    /// Time as written (local, millisecond precision).
    pub time: Option<NaiveDateTime>,
    /// `ERROR`, `WARN`, `INFO`, `DEBUG`, … (as written).
    pub level: String,
    pub class: Class,
    pub tenant: Option<String>,
    #[serde(rename = "docId")]
    pub doc_id: Option<String>,
    #[serde(rename = "userId")]
    pub user_id: Option<String>,
    /// HTTP status captured from `statusCode:NNN` (callback failures, storage errors).
    pub status: Option<u16>,
    /// Node.js error code from `code:XXX` (`ECONNREFUSED`, `DEPTH_ZERO_SELF_SIGNED_CERT`, …).
    pub code: Option<String>,
    /// URL from `url=` / `url = ` (download or callback address).
    pub url: Option<String>,
    /// The message, continuation lines included.
    pub message: String,
    pub lines: u32,
    pub truncated: bool,
}

/// Does this physical line start a Document Server entry (`[YYYY-MM-DD`)?
#[inline]
pub fn is_entry_start(l: &[u8]) -> bool {
    l.len() >= 12
        && l[0] == b'['
        && l[1..5].iter().all(u8::is_ascii_digit)
        && l[5] == b'-'
        && l[6..8].iter().all(u8::is_ascii_digit)
        && l[8] == b'-'
        && l[9..11].iter().all(u8::is_ascii_digit)
}

/// An assembler for Document Server logs.
pub fn assembler() -> EntryAssembler {
    EntryAssembler::with_start_test(is_entry_start)
}

/// Does this physical line start an entry of a Document Server's stderr (`err.log`, the
/// journal of its unit)? Node writes an uncaught error as `Error: …` or `Cannot parse config
/// file: …` with its stack indented below: any line that does not start with white space.
#[inline]
pub fn is_stderr_entry_start(l: &[u8]) -> bool {
    l.first().is_some_and(|c| !c.is_ascii_whitespace())
}

/// Does this line look like a Document Server's stderr (an uncaught Node.js error or its
/// stack)? Used to tell an `err.log` from other logs by content.
pub fn looks_like_stderr(l: &[u8]) -> bool {
    l.starts_with(b"Error: ") // i18n: not text
        || l.starts_with(b"Cannot parse config file") // i18n: not text
        || l.starts_with(b"    at ")
        || (l.starts_with(b"Error [") && has(l, b"]: "))
}

struct Head<'a> {
    time: &'a [u8],
    level: &'a [u8],
    groups: Vec<&'a [u8]>,
    message: &'a [u8],
}

fn parse_head(raw: &[u8]) -> Option<Head<'_>> {
    if !is_entry_start(raw) {
        return None;
    }
    let first_line_end = memchr::memchr(b'\n', raw).unwrap_or(raw.len());
    let first = &raw[..first_line_end];
    let close = memchr::memchr(b']', first)?;
    let time = &first[1..close];
    let mut rest = &raw[close + 1..];
    let mut groups = Vec::new();
    // up to 4 bracket groups: level, tenant, docId, userId
    while groups.len() < 4 {
        let r = rest.strip_prefix(b" ").unwrap_or(rest);
        let Some(inner) = r.strip_prefix(b"[") else {
            break;
        };
        let limit = inner.len().min(first.len());
        let Some(end) = memchr::memchr(b']', &inner[..limit]) else {
            break;
        };
        if memchr::memchr(b'\n', &inner[..end]).is_some() {
            break;
        }
        groups.push(&inner[..end]);
        rest = &inner[end + 1..];
    }
    let level = if groups.is_empty() {
        &b""[..]
    } else {
        groups.remove(0)
    };
    let rest = rest.strip_prefix(b" ").unwrap_or(rest);
    // "nodeJS - message" (the log4js category, then " - ")
    let message = match memmem::find(&rest[..rest.len().min(64)], b" - ") {
        Some(p) if !rest[..p].contains(&b' ') => &rest[p + 3..],
        _ => rest,
    };
    Some(Head {
        time,
        level,
        groups,
        message,
    })
}

use crate::util::contains_bytes as has;

/// Value after `key` up to one of the terminators (or the end of the line).
fn value_after<'a>(h: &'a [u8], key: &[u8], stops: &[u8]) -> Option<&'a [u8]> {
    let start = memmem::find(h, key)? + key.len();
    let v = &h[start..];
    let end = v
        .iter()
        .position(|c| stops.contains(c) || *c == b'\n' || *c == b'\r')
        .unwrap_or(v.len());
    Some(&v[..end])
}

fn storage_code_class(code: &[u8]) -> Option<Class> {
    Some(match code {
        b"ECONNREFUSED" | b"EHOSTUNREACH" | b"ENETUNREACH" => Class::DsStorageRefused,
        b"ENOTFOUND" | b"EAI_AGAIN" => Class::DsStorageNotFound,
        b"ETIMEDOUT" | b"ESOCKETTIMEDOUT" | b"ECONNABORTED" => Class::DsStorageTimeout,
        b"DEPTH_ZERO_SELF_SIGNED_CERT"
        | b"SELF_SIGNED_CERT_IN_CHAIN"
        | b"UNABLE_TO_VERIFY_LEAF_SIGNATURE"
        | b"UNABLE_TO_GET_ISSUER_CERT_LOCALLY"
        | b"UNABLE_TO_GET_ISSUER_CERT"
        | b"CERT_HAS_EXPIRED"
        | b"CERT_UNTRUSTED"
        | b"ERR_TLS_CERT_ALTNAME_INVALID" => Class::DsStorageCert,
        _ => return None,
    })
}

/// Classify a Document Server message (continuation lines included). The order matters where
/// a message carries two signs: a download error's own code (EMSGSIZE, a certificate code) wins
/// over its HTTP status, a start-up failure over the generic `Error:` it is wrapped in, and
/// `ENOSPC` in a healthcheck's stack over the healthcheck.
pub fn classify_message(m: &[u8]) -> Class {
    if let Some(c) = classify_startup(m) {
        return c;
    }
    // i18n: not text
    if has(m, b"checkJwt error") || has(m, b"JsonWebTokenError") || has(m, b"TokenExpiredError") {
        // i18n: not text
        return if has(m, b"invalid signature") {
            Class::DsJwtInvalidSignature
            // i18n: not text
        } else if has(m, b"jwt malformed") {
            Class::DsJwtMalformed
            // i18n: not text
        } else if has(m, b"jwt must be provided") {
            Class::DsJwtMissing
            // i18n: not text
        } else if has(m, b"jwt expired") || has(m, b"TokenExpiredError") {
            Class::DsJwtExpired
        } else {
            Class::DsJwtInvalid
        };
    }
    if has(m, b"downloadFile") {
        return classify_download(m);
    }
    if has(m, b"is not allowed. Because, It is private IP address") // i18n: not text
        || has(m, b"is not allowed. Because, It is meta IP address")
    {
        return Class::DsStoragePrivateIp;
    }
    // i18n: not text
    if has(m, b"checkIpFilter error") {
        return Class::DsIpFilter;
    }
    // i18n: not text
    if has(m, b"postData error") {
        return Class::DsCallbackFailed;
    }
    // i18n: not text
    if has(m, b"ENOSPC") || has(m, b"no space left on device") {
        return Class::DsDiskFull;
    }
    if has(m, b"exited with signal: SIGKILL") // i18n: not text
        || (has(m, b"ExitCode (") && has(m, b"signal=SIGKILL"))
    {
        return Class::DsConverterKilled;
    }
    // i18n: not text
    if has(m, b"receiveTask timeout") {
        return Class::DsConvertTimeout;
    }
    if has(m, b"[AMQP]") {
        return Class::DsRabbitmq;
    }
    // i18n: not text
    if has(m, b"healthCheck error") {
        return Class::DsHealthcheck;
    }
    if has(m, b"sqlQuery error") // i18n: not text
        || has(m, b"password authentication failed") // i18n: not text
        || has(m, b"too many clients already") // i18n: not text
        || has(m, b"too many connections") // i18n: not text
        || has(m, b"ER_ACCESS_DENIED_ERROR") // i18n: not text
        || (has(m, b"relation \"") && has(m, b"does not exist"))
    {
        return Class::DsDatabaseQuery;
    }
    if has(m, b"postgresql pool error") // i18n: not text
        || has(m, b"mysql pool error") // i18n: not text
        || (has(m, b"ECONNREFUSED") && (has(m, b":5432") || has(m, b":3306")))
    {
        return Class::DsDatabase;
    }
    if has(m, b"redisClient error") // i18n: not text
        || has(m, b"[ioredis]")
        || (has(m, b"ECONNREFUSED") && has(m, b":6379"))
    {
        return Class::DsRedis;
    }
    // i18n: not text
    if has(m, b"Express server listening on port") {
        return Class::DsStarted;
    }
    Class::Other
}

/// Start-up failures: the service dies before it logs anything else (the same words reach
/// stderr and, in some versions, out.log).
fn classify_startup(m: &[u8]) -> Option<Class> {
    // i18n: not text
    if has(m, b"Cannot parse config file") {
        Some(Class::DsConfigParse)
    } else if has(m, b"EADDRINUSE") {
        Some(Class::DsPortInUse)
        // i18n: not text
    } else if has(m, b"Cannot find module") {
        Some(Class::DsInstallBroken)
    } else {
        None
    }
}

/// A failed download (`error downloadFile:url=…;code:…`): the request filter, the error
/// code, then the storage's HTTP status.
fn classify_download(m: &[u8]) -> Class {
    // i18n: not text
    if has(m, b"It is private IP address") || has(m, b"It is meta IP address") {
        return Class::DsStoragePrivateIp;
    }
    if has(m, b"EMSGSIZE") {
        return Class::DsStorageTooLarge;
    }
    if let Some(c) = value_after(m, b"code:", b"; ").and_then(storage_code_class) {
        return c;
    }
    // i18n: not text
    if has(m, b"whole request cycle timeout") || has(m, b"ESOCKETTIMEDOUT") {
        return Class::DsStorageTimeout;
    }
    match http_status(m) {
        Some(400..=499) => Class::DsStorageDenied,
        _ => Class::DsStorageError,
    }
}

/// The HTTP status of a `statusCode:NNN` (or `status code NNN`) in a message.
fn http_status(m: &[u8]) -> Option<u16> {
    value_after(m, b"statusCode:", b";, ")
        .or_else(|| value_after(m, b"status code ", b";, ")) // i18n: not text
        .and_then(|v| std::str::from_utf8(v).ok()?.parse().ok())
}

/// Class of a raw entry without building a [`DsEntry`].
pub fn classify_raw(raw: &[u8]) -> Class {
    match parse_head(raw) {
        Some(h) => classify_message(h.message),
        None => classify_message(raw),
    }
}

impl DsEntry {
    /// Parse a complete raw entry (physical lines joined with `\n`).
    pub fn parse(raw: &[u8], line: Option<u64>) -> DsEntry {
        let lossy = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        let lines = 1 + memchr::memchr_iter(b'\n', raw).count() as u32;
        let head = parse_head(raw);
        let message = head.as_ref().map(|h| h.message).unwrap_or(raw);
        let class = classify_message(message);
        let group = |i: usize| {
            head.as_ref()
                .and_then(|h| h.groups.get(i).copied())
                .map(lossy)
        };
        let status = http_status(message);
        let code = value_after(message, b";code:", b"; ")
            .filter(|c| !c.is_empty() && *c != b"undefined" && *c != b"null")
            .map(lossy);
        let url = value_after(message, b"url=", b"; ")
            .or_else(|| value_after(message, b"url = ", b"; "))
            .map(lossy);
        DsEntry {
            file: None,
            line,
            time: head.as_ref().and_then(|h| {
                let t = std::str::from_utf8(h.time).ok()?;
                NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f").ok()
            }),
            level: head.as_ref().map(|h| lossy(h.level)).unwrap_or_default(),
            class,
            tenant: group(0),
            doc_id: group(1),
            user_id: group(2),
            status,
            code,
            url,
            message: crate::util::mask_jwts(&lossy(message)),
            lines,
            truncated: raw.len() >= MAX_ENTRY_BYTES,
        }
    }
}

/// Parse a whole in-memory Document Server log.
pub fn parse_all(data: &[u8]) -> Vec<DsEntry> {
    let mut out = Vec::new();
    let mut asm = assembler();
    let mut split = super::lines::LineSplitter::new();
    let mut on = |r: super::nginx_error::RawEntry<'_>| {
        let mut e = DsEntry::parse(r.bytes, Some(r.line));
        e.truncated |= r.cut;
        out.push(e);
    };
    split.feed(data, |l, c| asm.push_line(l, c, &mut on));
    split.finish(|l, c| asm.push_line(l, c, &mut on));
    asm.flush(&mut on);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixture_classes() {
        let data = super::super::test_fixture("docserver/out.log");
        let entries = parse_all(&data);
        let got: Vec<&str> = entries.iter().map(|e| e.class.id()).collect();
        let want = vec![
            "ds_started",
            "ds_jwt_invalid_signature",
            "ds_jwt_malformed",
            "ds_jwt_missing",
            "ds_jwt_expired",
            "ds_jwt_invalid",
            "ds_storage_refused",
            "ds_storage_not_found",
            "ds_storage_timeout",
            "ds_storage_timeout",
            "ds_storage_cert",
            "ds_storage_cert",
            "ds_storage_cert",
            "ds_storage_private_ip",
            "ds_storage_denied",
            "ds_callback_failed",
            "ds_callback_failed",
            "ds_rabbitmq",
            "ds_database_query",
            "ds_healthcheck",
            "ds_redis",
            "ds_storage_timeout",
            "other",
        ];
        assert_eq!(got, want);
        let refused = &entries[6];
        assert_eq!(refused.code.as_deref(), Some("ECONNREFUSED"));
        assert_eq!(refused.level, "ERROR");
        assert_eq!(refused.tenant.as_deref(), Some("localhost"));
        assert!(refused.lines > 1, "stack trace lines belong to the entry");
        assert!(
            refused
                .url
                .as_deref()
                .is_some_and(|u| u.starts_with("http://"))
        );
        let cb = &entries[15];
        assert_eq!(cb.status, Some(301));
        assert_eq!(entries[16].status, Some(403));
        let old = &entries[21];
        assert_eq!(old.tenant, None);
        assert_eq!(old.level, "ERROR");
        assert_eq!(old.code.as_deref(), Some("ETIMEDOUT"));
        assert!(old.time.is_some());
    }

    #[test]
    fn fast_path_equals_full_parse() {
        let data = super::super::test_fixture("docserver/out.log");
        let full: Vec<Class> = parse_all(&data).iter().map(|e| e.class).collect();
        let mut fast = Vec::new();
        let mut asm = assembler();
        let mut split = super::super::lines::LineSplitter::new();
        split.feed(&data, |l, c| {
            asm.push_line(l, c, |r| fast.push(classify_raw(r.bytes)))
        });
        split.finish(|l, c| asm.push_line(l, c, |r| fast.push(classify_raw(r.bytes))));
        asm.flush(|r| fast.push(classify_raw(r.bytes)));
        assert_eq!(full, fast);
    }

    /// Every entry of the shared field fixtures (lines quoted from public reports) gets a
    /// class of its own: none is left `other` or a catch-all.
    #[test]
    fn field_lines_each_get_a_class() {
        let data = super::super::test_fixture("docserver/field-lines.log");
        let entries = parse_all(&data);
        let got: Vec<&str> = entries.iter().map(|e| e.class.id()).collect();
        let want = vec![
            "ds_rabbitmq",
            "ds_port_in_use",
            "ds_storage_denied",
            "ds_storage_denied",
            "ds_converter_killed",
            "ds_redis",
            "ds_storage_private_ip",
            "ds_callback_failed",
            "ds_jwt_invalid_signature",
            "ds_database_query",
            "ds_database",
            "ds_ip_filter",
            "ds_converter_killed",
            "ds_disk_full",
            "ds_storage_too_large",
            "ds_storage_timeout",
            "ds_storage_cert",
            "ds_callback_failed",
            "ds_callback_failed",
        ];
        assert_eq!(got, want);
        assert_eq!(entries[2].status, Some(404));
        assert!(entries[2].message.contains("x-powered-by"));
        assert_eq!(entries[3].status, Some(403));
        assert_eq!(entries[7].status, Some(301));
        assert_eq!(entries[18].status, Some(500));
        assert_eq!(entries[14].code.as_deref(), Some("EMSGSIZE"));
        assert!(
            entries[17]
                .url
                .as_deref()
                .is_some_and(|u| u.contains("/track"))
        );
    }

    /// Start-up failures as written to stderr: no times, one entry per error, the stack with
    /// its error.
    #[test]
    fn stderr_lines_each_get_a_class() {
        let data = super::super::test_fixture("docserver/field-err-lines.log");
        let fmt = super::super::LogFormat::detect(&data);
        assert_eq!(fmt, super::super::LogFormat::DocServerStderr);
        let mut got = Vec::new();
        let mut asm = fmt.assembler();
        let mut split = super::super::lines::LineSplitter::new();
        let mut on = |r: super::super::nginx_error::RawEntry<'_>| {
            got.push(DsEntry::parse(r.bytes, Some(r.line)))
        };
        split.feed(&data, |l, c| asm.push_line(l, c, &mut on));
        split.finish(|l, c| asm.push_line(l, c, &mut on));
        asm.flush(&mut on);
        let ids: Vec<&str> = got.iter().map(|e| e.class.id()).collect();
        assert_eq!(
            ids,
            ["ds_config_parse", "ds_port_in_use", "ds_install_broken"]
        );
        assert!(got.iter().all(|e| e.lines == 2 && e.time.is_none()));
    }

    #[test]
    fn started_line_and_download_statuses() {
        let m = b"Express server listening on port 8000 in production-linux mode. Version: 8.2.0. Build: 1";
        assert_eq!(classify_message(m), Class::DsStarted);
        let dl = |s: &str| {
            classify_message(format!("error downloadFile:url=http://x/y;attempt=1;code:null;connect:null Error: Error response: statusCode:{s}; headers:{{}}").as_bytes())
        };
        assert_eq!(dl("401"), Class::DsStorageDenied);
        assert_eq!(dl("404"), Class::DsStorageDenied);
        assert_eq!(dl("500"), Class::DsStorageError);
        assert_eq!(
            classify_message(
                b"error downloadFile:url=http://x;attempt=1;code:EHOSTUNREACH;connect:undefined"
            ),
            Class::DsStorageRefused
        );
        assert_eq!(
            classify_message(
                b"sqlQuery error sqlCommand: INSERT: error: syntax error at or near \"ON\""
            ),
            Class::DsDatabaseQuery
        );
        assert_eq!(
            classify_message(b"postgresql pool error error: password authentication failed for user \"onlyoffice\""),
            Class::DsDatabaseQuery
        );
    }
}
