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

fn has(h: &[u8], n: &[u8]) -> bool {
    memmem::find(h, n).is_some()
}

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
        b"ECONNREFUSED" => Class::DsStorageRefused,
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

/// Classify a Document Server message (continuation lines included).
pub fn classify_message(m: &[u8]) -> Class {
    if has(m, b"checkJwt error") || has(m, b"JsonWebTokenError") || has(m, b"TokenExpiredError") {
        return if has(m, b"invalid signature") {
            Class::DsJwtInvalidSignature
        } else if has(m, b"jwt malformed") {
            Class::DsJwtMalformed
        } else if has(m, b"jwt must be provided") {
            Class::DsJwtMissing
        } else if has(m, b"jwt expired") || has(m, b"TokenExpiredError") {
            Class::DsJwtExpired
        } else {
            Class::DsJwtInvalid
        };
    }
    if has(m, b"downloadFile") {
        if has(m, b"It is private IP address") || has(m, b"It is meta IP address") {
            return Class::DsStoragePrivateIp;
        }
        if let Some(c) = value_after(m, b"code:", b"; ").and_then(storage_code_class) {
            return c;
        }
        return Class::DsStorageError;
    }
    if has(m, b"is not allowed. Because, It is private IP address")
        || has(m, b"is not allowed. Because, It is meta IP address")
    {
        return Class::DsStoragePrivateIp;
    }
    if has(m, b"postData error") {
        return Class::DsCallbackFailed;
    }
    if has(m, b"[AMQP]") {
        return Class::DsRabbitmq;
    }
    if has(m, b"healthCheck error") {
        return Class::DsHealthcheck;
    }
    if has(m, b"sqlQuery error")
        || has(m, b"password authentication failed")
        || has(m, b"ER_ACCESS_DENIED_ERROR")
        || (has(m, b"ECONNREFUSED") && (has(m, b":5432") || has(m, b":3306")))
    {
        return Class::DsDatabase;
    }
    if has(m, b"[ioredis]") || (has(m, b"ECONNREFUSED") && has(m, b":6379")) {
        return Class::DsRedis;
    }
    Class::Other
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
        let status = value_after(message, b"statusCode:", b";, ")
            .or_else(|| value_after(message, b"status code ", b";, "))
            .and_then(|v| std::str::from_utf8(v).ok()?.parse().ok());
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
            "other",
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
            "ds_storage_error",
            "ds_callback_failed",
            "ds_callback_failed",
            "ds_rabbitmq",
            "ds_database",
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
}
