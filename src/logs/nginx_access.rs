//! nginx access log: what clients actually got, and which upstream attempts failed.
//!
//! Error-log lines are per *attempt*: a request retried on another peer may have succeeded.
//! The access log's `$status` is what the client saw; `$upstream_status` / `$upstream_addr`
//! list every attempt (`502, 502` and `127.0.0.1:1, 127.0.0.1:2`; groups separated by ` : `
//! after internal redirects). [`AccessStats`] counts 502/503/504 both ways: once per request
//! for the client, and per attempt and per upstream address.
//!
//! Parsing: the time is the `[...]` group, the request the first `"..."` after it (nginx
//! escapes quotes in access logs as `\x22`, so the next quote ends it), the status the number
//! after the request. That covers `combined`, `main` and custom formats of the same shape.
//! Upstream variables are found as `key=value` pairs by key name ([`AccessFormat`]; by default
//! `us`/`upstream_status`, `ua`/`upstream_addr`, `urt`/`upstream_response_time`), values quoted
//! or not (an unquoted value runs until the next ` name=`).

use chrono::NaiveDateTime;
use serde::Serialize;
use std::collections::BTreeMap;

/// Which `key=` names carry the upstream variables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessFormat {
    pub status_keys: Vec<String>,
    pub addr_keys: Vec<String>,
    pub time_keys: Vec<String>,
}

impl Default for AccessFormat {
    fn default() -> Self {
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect();
        AccessFormat {
            status_keys: v(&["us", "upstream_status", "ups"]),
            addr_keys: v(&["ua", "upstream_addr", "upa"]),
            time_keys: v(&["urt", "upstream_response_time"]),
        }
    }
}

/// One parsed access-log line.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AccessLine {
    /// Local time as written (zone dropped).
    pub time: Option<NaiveDateTime>,
    pub request: Option<String>,
    /// `$status`: what the client got.
    pub status: u16,
    /// `$upstream_status` per attempt (`None` for `-`); empty when the format lacks it.
    pub upstream_status: Vec<Option<u16>>,
    /// `$upstream_addr` per attempt.
    pub upstream_addr: Vec<String>,
    /// `$upstream_response_time` per attempt, seconds.
    pub upstream_response_time: Vec<Option<f64>>,
    /// Sent by triage502 itself: the User-Agent starts with `triage502/` (found where
    /// `combined` puts it, else as `agent="..."` or the last quoted field; see
    /// [`user_agent`]). Such requests are left out of what clients got (a client
    /// could pose as one; the probes' requests are not users).
    pub own_probe: bool,
}

/// The start of the User-Agent triage502's probes send (`triage502/VERSION`).
pub const OWN_USER_AGENT: &[u8] = b"triage502/";

/// The content of the last `"..."` of a line.
fn last_quoted(line: &[u8]) -> Option<&[u8]> {
    let end = memchr::memrchr(b'"', line)?;
    let start = memchr::memrchr(b'"', &line[..end])?;
    Some(&line[start + 1..end])
}

/// Keys a custom format may give the User-Agent (`agent="$http_user_agent"`).
const USER_AGENT_KEYS: [&str; 3] = ["agent", "user_agent", "http_user_agent"];

/// Where a format puts `$http_user_agent`, in what follows `$status`: the second quoted
/// field when the line goes on like `combined` (`$body_bytes_sent "$http_referer"
/// "$http_user_agent"`, also with more fields after it, as in `main` and nginx's
/// `upstream_time` example); only when it does not, a `key="..."` of [`USER_AGENT_KEYS`] or
/// else the last quoted field (in `main` that is X-Forwarded-For, which a client sets).
fn user_agent(tail: &[u8]) -> Option<&[u8]> {
    let combined = (|| {
        let t = tail.trim_ascii_start();
        let bytes = t
            .iter()
            .take_while(|c| c.is_ascii_digit() || **c == b'-')
            .count();
        let t = t[bytes..].strip_prefix(b" \"")?;
        let referer_end = memchr::memchr(b'"', t)?;
        let t = t[referer_end + 1..].strip_prefix(b" \"")?;
        Some(&t[..memchr::memchr(b'"', t)?])
    })();
    combined
        .or_else(|| USER_AGENT_KEYS.iter().find_map(|k| kv(tail, k)))
        .or_else(|| last_quoted(tail))
}

fn find(h: &[u8], n: &[u8]) -> Option<usize> {
    memchr::memmem::find(h, n)
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

/// Value of `key=` (at a token start), quoted or running to the next ` name=`.
fn kv<'a>(rest: &'a [u8], key: &str) -> Option<&'a [u8]> {
    let pat = format!("{key}=");
    let pat = pat.as_bytes();
    let mut from = 0;
    while let Some(p) = find(&rest[from..], pat) {
        let p = from + p;
        if p == 0 || rest[p - 1] == b' ' {
            let v = &rest[p + pat.len()..];
            if let Some(q) = v.strip_prefix(b"\"") {
                let end = memchr::memchr(b'"', q).unwrap_or(q.len());
                return Some(&q[..end]);
            }
            let mut end = v.len();
            for sp in memchr::memchr_iter(b' ', v) {
                let t = &v[sp + 1..];
                let ident = t
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                    .count();
                if ident > 0 && is_ident_start(t[0]) && t.get(ident) == Some(&b'=') {
                    end = sp;
                    break;
                }
            }
            return Some(&v[..end]);
        }
        from = p + 1;
    }
    None
}

/// Split `a, b : c` into `[a, b, c]` (trimmed).
fn attempts(v: &[u8]) -> Vec<&[u8]> {
    v.split(|c| *c == b',' || *c == b':')
        .map(|s| s.trim_ascii())
        .filter(|s| !s.is_empty())
        .collect()
}

/// `$upstream_addr` is split on `, ` and ` : ` only (addresses contain `:`).
fn addr_attempts(v: &[u8]) -> Vec<String> {
    let s = String::from_utf8_lossy(v);
    s.split(", ")
        .flat_map(|x| x.split(" : "))
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

impl AccessLine {
    /// Parse one line; `None` if it has no `[time] "request" status` shape.
    pub fn parse(line: &[u8], fmt: &AccessFormat) -> Option<AccessLine> {
        let open = memchr::memchr(b'[', line)?;
        let close = open + memchr::memchr(b']', &line[open..])?;
        let time_s = std::str::from_utf8(&line[open + 1..close]).ok();
        let time = time_s.and_then(|t| {
            let t = t.split(' ').next()?;
            NaiveDateTime::parse_from_str(t, "%d/%b/%Y:%H:%M:%S").ok()
        });
        let after = &line[close + 1..];
        let q1 = memchr::memchr(b'"', after)?;
        let req_and_rest = &after[q1 + 1..];
        let q2 = memchr::memchr(b'"', req_and_rest)?;
        let request = String::from_utf8_lossy(&req_and_rest[..q2]).into_owned();
        let rest = &req_and_rest[q2 + 1..];
        let rest_trim = rest.trim_ascii_start();
        let digits = rest_trim.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits != 3 {
            return None;
        }
        let status: u16 = std::str::from_utf8(&rest_trim[..3]).ok()?.parse().ok()?;
        let mut out = AccessLine {
            time,
            request: Some(request),
            status,
            upstream_status: Vec::new(),
            upstream_addr: Vec::new(),
            upstream_response_time: Vec::new(),
            own_probe: false,
        };
        let tail = &rest_trim[3..];
        out.own_probe = find(tail, OWN_USER_AGENT).is_some()
            && user_agent(tail).is_some_and(|ua| ua.starts_with(OWN_USER_AGENT));
        if let Some(v) = fmt.status_keys.iter().find_map(|k| kv(tail, k)) {
            out.upstream_status = attempts(v)
                .into_iter()
                .map(|s| std::str::from_utf8(s).ok()?.parse().ok())
                .collect();
        }
        if let Some(v) = fmt.addr_keys.iter().find_map(|k| kv(tail, k)) {
            out.upstream_addr = addr_attempts(v);
        }
        if let Some(v) = fmt.time_keys.iter().find_map(|k| kv(tail, k)) {
            out.upstream_response_time = attempts(v)
                .into_iter()
                .map(|s| std::str::from_utf8(s).ok()?.parse().ok())
                .collect();
        }
        Some(out)
    }
}

/// 502 / 503 / 504 counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BadGateway {
    #[serde(rename = "502")]
    pub s502: u64,
    #[serde(rename = "503")]
    pub s503: u64,
    #[serde(rename = "504")]
    pub s504: u64,
}

impl BadGateway {
    /// Count `status` if it is 502/503/504; returns whether it was.
    pub fn add(&mut self, status: u16) -> bool {
        match status {
            502 => self.s502 += 1,
            503 => self.s503 += 1,
            504 => self.s504 += 1,
            _ => return false,
        }
        true
    }
    /// Sum of the three.
    pub fn total(&self) -> u64 {
        self.s502 + self.s503 + self.s504
    }
}

/// Most distinct keys kept per map; beyond that counts go to [`OVERFLOW_KEY`].
pub const MAX_KEYS: usize = 10_000;
/// Key collecting counts past [`MAX_KEYS`].
pub const OVERFLOW_KEY: &str = "(other)";

fn bump(map: &mut BTreeMap<String, BadGateway>, key: &str, status: u16) {
    if !matches!(status, 502..=504) {
        return;
    }
    let key = if map.contains_key(key) || map.len() < MAX_KEYS {
        key
    } else {
        OVERFLOW_KEY
    };
    map.entry(key.to_string()).or_default().add(status);
}

/// Counters over an access log.
#[derive(Clone, Debug, Default, Serialize)]
pub struct AccessStats {
    #[serde(skip)]
    format: AccessFormat,
    requests: u64,
    unparsed: u64,
    client: BadGateway,
    attempts: BadGateway,
    recovered_by_retry: u64,
    per_upstream: BTreeMap<String, BadGateway>,
    per_minute: BTreeMap<String, BadGateway>,
    saw_upstream_fields: bool,
    own_probes: u64,
}

impl AccessStats {
    /// Counters with the default key names.
    pub fn new() -> Self {
        Self::with_format(AccessFormat::default())
    }

    /// Counters with configured key names.
    pub fn with_format(format: AccessFormat) -> Self {
        AccessStats {
            format,
            ..Default::default()
        }
    }

    /// Feed one line; returns the parsed line (or `None`, counted as unparsed; empty lines
    /// are ignored).
    pub fn feed(&mut self, line: &[u8]) -> Option<AccessLine> {
        if line.trim_ascii().is_empty() {
            return None;
        }
        let Some(l) = AccessLine::parse(line, &self.format) else {
            self.unparsed += 1;
            return None;
        };
        if l.own_probe {
            self.own_probes += 1;
            return Some(l);
        }
        self.requests += 1;
        let client_bad = self.client.add(l.status);
        if client_bad {
            let minute = l
                .time
                .map(|t| t.format("%Y-%m-%dT%H:%M").to_string())
                .unwrap_or_else(|| "-".to_string());
            bump(&mut self.per_minute, &minute, l.status);
        }
        if !l.upstream_status.is_empty() || !l.upstream_addr.is_empty() {
            self.saw_upstream_fields = true;
        }
        let mut attempt_bad = false;
        for (i, st) in l.upstream_status.iter().enumerate() {
            let Some(st) = *st else { continue };
            if self.attempts.add(st) {
                attempt_bad = true;
                let addr = l.upstream_addr.get(i).map(String::as_str).unwrap_or("-");
                bump(&mut self.per_upstream, addr, st);
            }
        }
        if attempt_bad && !client_bad {
            self.recovered_by_retry += 1;
        }
        Some(l)
    }

    /// Lines parsed as requests (triage502's own probes left out).
    pub fn requests(&self) -> u64 {
        self.requests
    }
    /// Requests sent by triage502's own probes (User-Agent `triage502/…`), not counted.
    pub fn own_probes(&self) -> u64 {
        self.own_probes
    }
    /// Non-empty lines that did not parse.
    pub fn unparsed(&self) -> u64 {
        self.unparsed
    }
    /// What clients got (final `$status`), once per request.
    pub fn client(&self) -> BadGateway {
        self.client
    }
    /// Per upstream attempt (`$upstream_status` entries).
    pub fn attempts(&self) -> BadGateway {
        self.attempts
    }
    /// Requests where an attempt failed with 502/503/504 but the client got another status.
    pub fn recovered_by_retry(&self) -> u64 {
        self.recovered_by_retry
    }
    /// Per upstream address, per attempt.
    pub fn per_upstream(&self) -> &BTreeMap<String, BadGateway> {
        &self.per_upstream
    }
    /// Per minute (`YYYY-MM-DDTHH:MM`, local time as logged), what clients got.
    pub fn per_minute(&self) -> &BTreeMap<String, BadGateway> {
        &self.per_minute
    }
    /// Did any line carry upstream variables? (If not, per-upstream counts are unknown.)
    pub fn has_upstream_fields(&self) -> bool {
        self.saw_upstream_fields
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats_of(name: &str) -> AccessStats {
        let data = super::super::test_fixture(&format!("nginx/{name}"));
        let mut s = AccessStats::new();
        for line in data.split(|c| *c == b'\n') {
            s.feed(line);
        }
        s
    }

    #[test]
    fn combined_fixture_counts() {
        let s = stats_of("access-combined.log");
        assert_eq!(s.requests(), 29);
        assert_eq!(s.unparsed(), 0);
        assert_eq!(
            s.client(),
            BadGateway {
                s502: 21,
                s503: 0,
                s504: 3
            }
        );
        assert!(!s.has_upstream_fields());
        assert!(s.per_upstream().is_empty());
        let m = s.per_minute();
        assert_eq!(m.values().map(BadGateway::total).sum::<u64>(), 24);
        assert_eq!(
            m["2026-11-28T12:55"],
            BadGateway {
                s502: 7,
                s503: 0,
                s504: 1
            }
        );
    }

    #[test]
    fn own_probes_are_counted_apart() {
        let mut s = AccessStats::new();
        let own = b"127.0.0.1 - - [28/Nov/2026:12:55:01 +0000] \"GET /healthcheck HTTP/1.1\" 502 157 \"-\" \"triage502/0.1.0\"";
        let user = b"10.0.0.7 - - [28/Nov/2026:12:55:02 +0000] \"GET /healthcheck HTTP/1.1\" 502 157 \"-\" \"Mozilla/5.0 (triage502/ in a comment is not us)\"";
        let referred = b"10.0.0.8 - - [28/Nov/2026:12:55:03 +0000] \"GET /x HTTP/1.1\" 502 157 \"triage502/docs\" \"curl/8.5.0\"";
        assert!(s.feed(own).is_some_and(|l| l.own_probe));
        assert!(s.feed(user).is_some_and(|l| !l.own_probe));
        assert!(s.feed(referred).is_some_and(|l| !l.own_probe));
        assert_eq!((s.requests(), s.own_probes(), s.client().s502), (2, 1, 2));
    }

    #[test]
    fn own_probes_are_found_where_formats_put_the_user_agent() {
        let fmt = AccessFormat::default();
        let own = |line: &str| {
            AccessLine::parse(line.as_bytes(), &fmt)
                .expect("parses")
                .own_probe
        };
        let head =
            "127.0.0.1 - - [28/Nov/2026:12:55:01 +0000] \"GET /healthcheck HTTP/1.1\" 502 157";
        // nginx's `upstream_time` example: combined, then quoted timings.
        let timings = " rt=0.001 uct=\"0.000\" uht=\"-\" urt=\"0.001\"";
        assert!(own(&format!("{head} \"-\" \"triage502/0.1.0\"{timings}")));
        assert!(!own(&format!("{head} \"-\" \"curl/8.5.0\"{timings}")));
        assert!(!own(&format!(
            "{head} \"triage502/docs\" \"curl/8.5.0\"{timings}"
        )));
        // `main`: combined with X-Forwarded-For after the User-Agent; a client setting that
        // header to look like a probe is still a client.
        assert!(own(&format!(
            "{head} \"-\" \"triage502/0.1.0 lab\" \"10.0.0.1\""
        )));
        assert!(!own(&format!(
            "{head} \"-\" \"curl/8.5.0\" \"triage502/1\""
        )));
        // a key of its own, anywhere.
        assert!(own(&format!(
            "{head} agent=\"triage502/0.1.0\" us=502 urt=0.001"
        )));
        assert!(!own(&format!(
            "{head} agent=\"curl/8.5.0\" us=502 urt=0.001"
        )));
        // nothing after the bytes (the `common` shape): no User-Agent at all.
        assert!(!own(head));
    }

    #[test]
    fn upstream_format_fixture_counts_client_once() {
        let s = stats_of("access-upstream-format.log");
        assert_eq!(s.requests(), 8);
        assert_eq!(
            s.client(),
            BadGateway {
                s502: 7,
                s503: 0,
                s504: 1
            }
        );
        assert_eq!(
            s.attempts(),
            BadGateway {
                s502: 8,
                s503: 0,
                s504: 1
            }
        );
        let u = s.per_upstream();
        assert_eq!(u["127.0.0.1:1"].s502, 4);
        assert_eq!(u["127.0.0.1:2"].s502, 1);
        assert_eq!(u["pool"].s502, 2);
        assert_eq!(u["127.0.0.1:9012"].s504, 1);
        assert_eq!(s.recovered_by_retry(), 0);
    }

    #[test]
    fn retried_request_that_succeeded() {
        let mut s = AccessStats::new();
        let l = s
            .feed(br#"10.0.0.1 [28/Nov/2026:13:00:01 +0100] "GET /a HTTP/1.1" 200 12 us=502, 200 ua="10.0.0.2:80, 10.0.0.3:80" urt=0.001, 0.020 uct=-"#)
            .expect("parses");
        assert_eq!(l.upstream_status, vec![Some(502), Some(200)]);
        assert_eq!(l.upstream_response_time, vec![Some(0.001), Some(0.020)]);
        assert_eq!(s.client().total(), 0);
        assert_eq!(s.attempts().s502, 1);
        assert_eq!(s.recovered_by_retry(), 1);
        assert_eq!(s.per_upstream()["10.0.0.2:80"].s502, 1);
        // long keys, internal redirect groups, '-' status
        let l = s
            .feed(br#"x - - [28/Nov/2026:13:00:02 +0100] "GET /b HTTP/1.1" 504 0 "-" "curl" upstream_status=504 : - upstream_addr="unix:/run/a.sock : 10.0.0.3:80""#)
            .expect("parses");
        assert_eq!(l.upstream_status, vec![Some(504), None]);
        assert_eq!(l.upstream_addr, vec!["unix:/run/a.sock", "10.0.0.3:80"]);
        assert_eq!(s.per_upstream()["unix:/run/a.sock"].s504, 1);
        assert!(s.feed(b"garbage").is_none());
        assert_eq!(s.unparsed(), 1);
    }
}
