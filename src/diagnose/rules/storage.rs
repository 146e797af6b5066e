//! Rules about the Document Server's own deliveries: fetching the document from the storage
//! (the converter's `error downloadFile`, the request filter, `checkIpFilter error`) and posting
//! the result back to the callback URL (docservice's `postData error`).
//!
//! These failures happen on a path no probe takes: the chain is green, every probe passes, and
//! only the Document Server's log says why users see "Download failed" or "The document could
//! not be saved". So their log lines count on a green chain too — but only the lines logged
//! after the Document Server's last start ([`Ctx::ds_entries_since_start`]) within the log
//! window: a line from before a restart is history. Each finding names the storage or callback
//! host, the status or error code, how many documents and when first/last, and the next step
//! that fits the code. Where the integration report's storage checks found the same cause,
//! both views become one finding ([`integration::combine`]).

use super::*;
use crate::logs::Record;
use crate::logs::docserver::DsEntry;
use crate::tr;

/// Download refused by the storage (HTTP 4xx).
const DENIED: &[Class] = &[Class::DsStorageDenied];
/// Download cannot reach the storage (and the storage's own 5xx, as the active probe counts it).
const UNREACHABLE: &[Class] = &[
    Class::DsStorageRefused,
    Class::DsStorageNotFound,
    Class::DsStorageTimeout,
    Class::DsStorageError,
];
/// The request filter or the ip filter blocks the address.
const BLOCKED: &[Class] = &[Class::DsStoragePrivateIp, Class::DsIpFilter];
/// EMSGSIZE: over `maxDownloadBytes`.
const TOO_LARGE: &[Class] = &[Class::DsStorageTooLarge];
/// The storage's certificate is refused.
const CERT: &[Class] = &[Class::DsStorageCert];
/// `postData error` (the callback).
const CALLBACK: &[Class] = &[Class::DsCallbackFailed];

/// Error codes and phrases looked for in a message when its `code:` field is empty (a callback
/// line has none; axios puts the code in the stack's first line).
const CODES: &[&str] = &[
    "ECONNREFUSED",
    "ETIMEDOUT",
    "ESOCKETTIMEDOUT",
    "ENOTFOUND",
    "EAI_AGAIN",
    "EHOSTUNREACH",
    "ENETUNREACH",
    "ECONNRESET",
    "EMSGSIZE",
    "DEPTH_ZERO_SELF_SIGNED_CERT",
    "SELF_SIGNED_CERT_IN_CHAIN",
    "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
    "CERT_HAS_EXPIRED",
    "ERR_TLS_CERT_ALTNAME_INVALID",
];

/// One failed download or callback, as its line tells it.
struct Failure<'a> {
    rec: &'a Record,
    e: &'a DsEntry,
}

/// Failures with the same host and the same status or code.
struct Group<'a> {
    host: String,
    what: String,
    items: Vec<Failure<'a>>,
}

/// The host (`host:port`) of the line's URL.
fn host_of(e: &DsEntry) -> String {
    e.url
        .as_deref()
        .and_then(|u| crate::util::UrlParts::parse(u).ok())
        .map(|p| p.authority())
        .unwrap_or_else(|| tr!("ev-ds-host-unnamed"))
}

/// The status or error code of a line: `HTTP 403`, `ECONNREFUSED`, `ETIMEDOUT (whole request
/// cycle timeout)`, …
fn what_of(e: &DsEntry) -> String {
    let m = e.message.as_str();
    let code = e
        .code
        .clone()
        .or_else(|| CODES.iter().find(|c| m.contains(*c)).map(|c| c.to_string()));
    // A checkIpFilter line's `code:` is the ip filter's error code (403), not a status.
    if e.class == Class::DsIpFilter {
        return tr!("ev-ds-what-ipfilter", code = code.as_deref().unwrap_or("?"));
    }
    if e.class == Class::DsStoragePrivateIp {
        return tr!("ev-ds-what-private-ip");
    }
    // The Document Server's and Node's own words, quoted as logged.
    const WHOLE: &str = "whole request cycle timeout"; // i18n: not text
    const SELF_SIGNED: &str = "self signed certificate"; // i18n: not text
    let whole = m.contains(WHOLE);
    match (e.status, code) {
        (Some(s), _) => format!("HTTP {s}"),
        (None, Some(c)) if whole => format!("{c} ({WHOLE})"),
        (None, Some(c)) => c,
        (None, None) if whole => WHOLE.into(),
        (None, None) if m.contains(SELF_SIGNED) => SELF_SIGNED.into(),
        (None, None) => tr!("ev-ds-what-error"),
    }
}

/// The document a line is about: its docId group (not the `docId` placeholder), or the id in
/// the message (`(id=…)` before v7, `docId = …`, a callback's `"key":"…"`).
fn doc_of(e: &DsEntry) -> Option<String> {
    if let Some(d) = e
        .doc_id
        .as_deref()
        .filter(|d| *d != "docId" && !d.is_empty())
    {
        return Some(d.to_string());
    }
    let m = e.message.as_str();
    for (start, stop) in [("(id=", ")"), ("docId = ", ";"), ("\"key\":\"", "\"")] {
        if let Some(i) = m.find(start) {
            let rest = &m[i + start.len()..];
            let id: String = rest
                .chars()
                .take_while(|c| !stop.contains(*c) && !c.is_whitespace())
                .take(80)
                .collect();
            if !id.is_empty() {
                return Some(id);
            }
        }
    }
    None
}

/// The Document Server's entries of these classes since its last start that pass `keep`,
/// grouped by host and status/code, the largest group first.
fn groups<'a>(c: &Ctx<'a>, classes: &[Class], keep: impl Fn(&DsEntry) -> bool) -> Vec<Group<'a>> {
    let mut out: Vec<Group<'a>> = Vec::new();
    for rec in c.ds_entries_since_start(classes) {
        let Record::DocServer(e) = rec else { continue };
        if !keep(e) {
            continue;
        }
        let (host, what) = (host_of(e), what_of(e));
        let f = Failure { rec, e };
        match out.iter_mut().find(|g| g.host == host && g.what == what) {
            Some(g) => g.items.push(f),
            None => out.push(Group {
                host,
                what,
                items: vec![f],
            }),
        }
    }
    out.sort_by_key(|g| std::cmp::Reverse(g.items.len()));
    out
}

fn is_callback(e: &DsEntry) -> bool {
    // i18n: not text (docservice's log message)
    e.message.contains("postData error")
}

impl Group<'_> {
    /// Distinct documents.
    fn docs(&self) -> Vec<String> {
        let mut v: Vec<String> = self.items.iter().filter_map(|f| doc_of(f.e)).collect();
        v.sort();
        v.dedup();
        v
    }

    /// `3 documents` / `1 document` / `document ids not logged`.
    fn docs_text(&self) -> String {
        match self.docs().len() {
            0 => tr!("ev-ds-docs-none"),
            1 => tr!("ev-ds-docs-one"),
            n => tr!("ev-ds-docs-many", n = n),
        }
    }

    fn when(&self) -> String {
        let times: Vec<chrono::NaiveDateTime> =
            self.items.iter().filter_map(|f| f.e.time).collect();
        let fmt = |t: &chrono::NaiveDateTime| t.format("%Y-%m-%d %H:%M:%S").to_string();
        match (times.iter().min(), times.iter().max()) {
            (Some(a), Some(b)) if a == b => tr!("ev-ds-when-at", time = fmt(a)),
            (Some(a), Some(b)) => tr!("ev-ds-when-range", first = fmt(a), last = fmt(b)),
            _ => tr!("ev-ds-when-none"),
        }
    }

    fn evidence(&self) -> Option<Evidence> {
        let recs: Vec<&Record> = self.items.iter().map(|f| f.rec).collect();
        let base = Ctx::evidence_of(&recs)?;
        let n = self.items.len();
        let callback = self.items.iter().all(|f| is_callback(f.e));
        let latest = self
            .items
            .last()
            .map(|f| f.e.message.as_str())
            .unwrap_or("");
        let (host, what, docs, when) = (&self.host, &self.what, self.docs_text(), self.when());
        let latest = crate::util::shorten(latest.lines().next().unwrap_or(""), 200);
        let fact = match (callback, n == 1) {
            (true, true) => tr!(
                "ev-ds-callbacks-one",
                host = host,
                what = what,
                docs = docs,
                when = when,
                latest = latest
            ),
            (true, false) => tr!(
                "ev-ds-callbacks-many",
                host = host,
                what = what,
                n = n,
                docs = docs,
                when = when,
                latest = latest
            ),
            (false, true) => tr!(
                "ev-ds-downloads-one",
                host = host,
                what = what,
                docs = docs,
                when = when,
                latest = latest
            ),
            (false, false) => tr!(
                "ev-ds-downloads-many",
                host = host,
                what = what,
                n = n,
                docs = docs,
                when = when,
                latest = latest
            ),
        };
        Some(Evidence {
            source: base.source,
            fact,
        })
    }

    fn headline(&self) -> String {
        tr!("ev-ds-headline", what = self.what, docs = self.docs_text())
    }
}

/// A finding from log groups (the largest first): one evidence line per group.
fn from_groups(
    id: &'static str,
    title: String,
    gs: &[Group<'_>],
    explanation: String,
    next_steps: Vec<String>,
) -> Option<Finding> {
    if gs.is_empty() {
        return None;
    }
    Some(finding(
        id,
        title,
        Confidence::High,
        gs.iter().filter_map(Group::evidence).collect(),
        explanation,
        next_steps,
        None,
        Vec::new(),
    ))
}

/// One finding from the Document Server's log and the report's check of the same cause; the
/// log's next step, which fits the code it logged, is kept alone.
fn both(logs: Option<Finding>, report: Option<Finding>) -> Option<Finding> {
    let n = logs.as_ref().map(|f| f.next_steps.len());
    let mut f = integration::combine(logs, report)?;
    if let Some(n) = n {
        f.next_steps.truncate(n);
    }
    Some(f)
}

/// The storage answers the Document Server's download with 401/403/404: from its log and from
/// the active storage check.
pub(super) fn storage_denied(c: &Ctx<'_>) -> Option<Finding> {
    both(denied_from_logs(c), integration::storage_denied(c))
}

fn denied_from_logs(c: &Ctx<'_>) -> Option<Finding> {
    let gs = groups(c, DENIED, |_| true);
    let top = gs.first()?;
    let express = top.items.iter().any(|f| {
        let m = f.e.message.to_ascii_lowercase();
        m.contains("\"x-powered-by\":\"express\"")
    });
    let first = if express {
        tr!("finding-storage_denied-logs-next-express", host = top.host)
    } else {
        match top.items.last().and_then(|f| f.e.status) {
            Some(404) => tr!("finding-storage_denied-logs-next-404", host = top.host),
            _ => tr!("finding-storage_denied-logs-next-jwt", host = top.host),
        }
    };
    from_groups(
        "storage_denied",
        tr!(
            "finding-storage_denied-logs-title",
            host = top.host,
            headline = top.headline()
        ),
        &gs,
        tr!("finding-storage_denied-logs-why"),
        vec![first],
    )
}

/// The Document Server cannot reach the storage (refused, unresolvable, unreachable, timed
/// out, or the storage's own 5xx): from its log and from the active storage check.
pub(super) fn storage_unreachable(c: &Ctx<'_>) -> Option<Finding> {
    integration::combine(
        unreachable_from_logs(c),
        integration::storage_unreachable(c),
    )
}

fn unreachable_from_logs(c: &Ctx<'_>) -> Option<Finding> {
    let gs = groups(c, UNREACHABLE, |e| {
        e.class != Class::DsStorageError || e.status.is_some_and(|s| s >= 500)
    });
    let top = gs.first()?;
    from_groups(
        "storage_unreachable",
        tr!(
            "finding-storage_unreachable-logs-title",
            host = top.host,
            headline = top.headline()
        ),
        &gs,
        tr!("finding-storage_unreachable-logs-why"),
        vec![unreachable_step(&top.what, &top.host)],
    )
}

fn unreachable_step(what: &str, host: &str) -> String {
    if what.starts_with("ECONNREFUSED") {
        tr!("finding-storage_unreachable-logs-next-refused", host = host)
    } else if what.starts_with("ENOTFOUND") || what.starts_with("EAI_AGAIN") {
        tr!("finding-storage_unreachable-logs-next-dns", host = host)
    } else if what.starts_with("EHOSTUNREACH") || what.starts_with("ENETUNREACH") {
        tr!("finding-storage_unreachable-logs-next-route", host = host)
    } else if what.starts_with("HTTP 5") {
        tr!("finding-storage_unreachable-logs-next-5xx", host = host)
    } else {
        tr!("finding-storage_unreachable-logs-next-timeout", host = host)
    }
}

/// The Document Server's request filter blocks a private address, or its own ip filter denies
/// the host: from its log and from the active storage check.
pub(super) fn private_ip_blocked(c: &Ctx<'_>) -> Option<Finding> {
    both(blocked_from_logs(c), integration::private_ip_blocked(c))
}

fn blocked_from_logs(c: &Ctx<'_>) -> Option<Finding> {
    let gs = groups(c, BLOCKED, |_| true);
    let top = gs.first()?;
    let ipfilter = top.items.iter().any(|f| f.e.class == Class::DsIpFilter);
    let (title, step) = if ipfilter {
        (
            tr!(
                "finding-private_ip_blocked-logs-title-ipfilter",
                host = top.host,
                headline = top.headline()
            ),
            tr!(
                "finding-private_ip_blocked-logs-next-ipfilter",
                host = top.host
            ),
        )
    } else {
        (
            tr!(
                "finding-private_ip_blocked-logs-title-private",
                host = top.host,
                headline = top.headline()
            ),
            tr!("finding-private_ip_blocked-logs-next-private"),
        )
    };
    from_groups(
        "private_ip_blocked",
        title,
        &gs,
        tr!("finding-private_ip_blocked-logs-why"),
        vec![step],
    )
}

/// A document exceeds the converter's `maxDownloadBytes` (EMSGSIZE).
pub(super) fn document_too_large(c: &Ctx<'_>) -> Option<Finding> {
    let gs = groups(c, TOO_LARGE, |_| true);
    let top = gs.first()?;
    let oo = &c.input.cfg.onlyoffice;
    let s = crate::docserver::settings::DsTokenSettings::read(&oo.default_json, &oo.local_json);
    let limit = match (s.max_download_bytes, s.problems.is_empty()) {
        (Some(n), _) => tr!(
            "ev-ds-max-download-set",
            bytes = n,
            mib = format!("{:.1}", n as f64 / 1_048_576.0),
            file = oo.local_json.display()
        ),
        (None, true) => tr!(
            "ev-ds-max-download-default",
            bytes = crate::docserver::settings::DEFAULT_MAX_DOWNLOAD_BYTES
        ),
        (None, false) => tr!(
            "ev-ds-max-download-unknown",
            problems = s.problems.join("; ")
        ),
    };
    let mut f = from_groups(
        "document_too_large",
        tr!(
            "finding-document_too_large-title",
            host = top.host,
            headline = top.headline()
        ),
        &gs,
        tr!("finding-document_too_large-why"),
        vec![tr!("finding-document_too_large-next-raise")],
    )?;
    f.evidence.push(Evidence {
        source: "docserver:settings".into(),
        fact: limit,
    });
    Some(f)
}

/// The Document Server refuses the storage's certificate (part of `tls_problem`).
pub(super) fn tls_from_logs(c: &Ctx<'_>) -> Option<Finding> {
    let gs = groups(c, CERT, |e| !is_callback(e));
    let top = gs.first()?;
    let step = if top.what.contains("EXPIRED") {
        tr!("finding-tls_problem-logs-next-expired", host = top.host)
    } else if top.what.contains("ALTNAME") {
        tr!("finding-tls_problem-logs-next-name", host = top.host)
    } else {
        tr!(
            "finding-tls_problem-logs-next-trust",
            host = top.host,
            what = top.what
        )
    };
    from_groups(
        "tls_problem",
        tr!(
            "finding-tls_problem-logs-title",
            host = top.host,
            headline = top.headline()
        ),
        &gs,
        tr!("finding-tls_problem-logs-why"),
        vec![step],
    )
}

/// The Document Server cannot post the saved document back to the callback URL.
pub(super) fn callback_failed(c: &Ctx<'_>) -> Option<Finding> {
    let gs = groups(c, CALLBACK, |e| {
        !e.status.is_some_and(|s| (300..400).contains(&s))
    });
    let top = gs.first()?;
    let step = if top.what.starts_with("HTTP 4") {
        tr!(
            "finding-callback_failed-next-4xx",
            host = top.host,
            what = top.what
        )
    } else if top.what.starts_with("HTTP 5") {
        tr!("finding-callback_failed-next-5xx", host = top.host)
    } else {
        unreachable_step(&top.what, &top.host)
    };
    from_groups(
        "callback_failed",
        tr!(
            "finding-callback_failed-title",
            host = top.host,
            headline = top.headline()
        ),
        &gs,
        tr!("finding-callback_failed-why"),
        vec![step],
    )
}

/// Storage or callback URLs answer with a redirect: from the report's checks and from the
/// Document Server's callback lines with a 3xx.
pub(super) fn callback_redirect(c: &Ctx<'_>) -> Option<Finding> {
    both(redirect_from_logs(c), integration::callback_redirect(c))
}

fn redirect_from_logs(c: &Ctx<'_>) -> Option<Finding> {
    let gs = groups(c, CALLBACK, |e| {
        e.status.is_some_and(|s| (300..400).contains(&s))
    });
    let top = gs.first()?;
    from_groups(
        "callback_redirect",
        tr!(
            "finding-callback_redirect-logs-title",
            host = top.host,
            headline = top.headline()
        ),
        &gs,
        tr!("finding-callback_redirect-logs-why"),
        vec![tr!("finding-callback_redirect-logs-next-final")],
    )
}

/// Walkthrough checks: one line per storage or callback host of the Document Server's
/// failures since its last start, with the count and the last error.
pub(in crate::diagnose) fn checks(c: &Ctx<'_>) -> Vec<crate::diagnose::StepCheck> {
    let all: Vec<Class> = [DENIED, UNREACHABLE, BLOCKED, TOO_LARGE, CERT, CALLBACK].concat();
    let mut hosts: Vec<(String, bool, Vec<Failure<'_>>)> = Vec::new();
    for g in groups(c, &all, |_| true) {
        for f in g.items {
            let cb = is_callback(f.e);
            match hosts.iter_mut().find(|(h, k, _)| *h == g.host && *k == cb) {
                Some((_, _, v)) => v.push(f),
                None => hosts.push((g.host.clone(), cb, vec![f])),
            }
        }
    }
    hosts
        .into_iter()
        .map(|(host, cb, mut v)| {
            v.sort_by_key(|f| f.e.time);
            let last = v.last().map(|f| what_of(f.e)).unwrap_or_default();
            let g = Group {
                host: host.clone(),
                what: last.clone(),
                items: v,
            };
            crate::diagnose::StepCheck {
                label: if cb {
                    tr!("walk-storage-ds-callback-to", host = host)
                } else {
                    tr!("walk-storage-ds-download-from", host = host)
                },
                state: State::Fail,
                evidence: tr!(
                    "walk-storage-ds-failures",
                    n = g.items.len(),
                    docs = g.docs_text(),
                    when = g.when(),
                    last = last
                ),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
