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
        .unwrap_or_else(|| "an unnamed host".into())
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
        return format!("ipfilter error code {}", code.as_deref().unwrap_or("?"));
    }
    if e.class == Class::DsStoragePrivateIp {
        return "private IP address".into();
    }
    let whole = m.contains("whole request cycle timeout");
    match (e.status, code) {
        (Some(s), _) => format!("HTTP {s}"),
        (None, Some(c)) if whole => format!("{c} (whole request cycle timeout)"),
        (None, Some(c)) => c,
        (None, None) if whole => "whole request cycle timeout".into(),
        (None, None) if m.contains("self signed certificate") => "self signed certificate".into(),
        (None, None) => "error".into(),
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
            0 => "document ids not logged".into(),
            1 => "1 document".into(),
            n => format!("{n} documents"),
        }
    }

    fn when(&self) -> String {
        let times: Vec<chrono::NaiveDateTime> =
            self.items.iter().filter_map(|f| f.e.time).collect();
        let fmt = |t: &chrono::NaiveDateTime| t.format("%Y-%m-%d %H:%M:%S").to_string();
        match (times.iter().min(), times.iter().max()) {
            (Some(a), Some(b)) if a == b => format!("at {}", fmt(a)),
            (Some(a), Some(b)) => format!("first {}, last {}", fmt(a), fmt(b)),
            _ => "times not logged".into(),
        }
    }

    fn evidence(&self) -> Option<Evidence> {
        let recs: Vec<&Record> = self.items.iter().map(|f| f.rec).collect();
        let base = Ctx::evidence_of(&recs)?;
        let n = self.items.len();
        let kind = if self.items.iter().all(|f| is_callback(f.e)) {
            "callback"
        } else {
            "download"
        };
        let latest = self
            .items
            .last()
            .map(|f| f.e.message.as_str())
            .unwrap_or("");
        Some(Evidence {
            source: base.source,
            fact: format!(
                "{}: {} on {n} {kind}{} ({}), {}; latest: {}",
                self.host,
                self.what,
                if n == 1 { "" } else { "s" },
                self.docs_text(),
                self.when(),
                crate::util::shorten(latest.lines().next().unwrap_or(""), 200)
            ),
        })
    }

    fn headline(&self) -> String {
        format!("{}, {}", self.what, self.docs_text())
    }
}

/// A finding from log groups (the largest first): one evidence line per group.
fn from_groups(
    id: &'static str,
    title: String,
    gs: &[Group<'_>],
    explanation: &str,
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
        format!(
            "The answer came from a Document Server (x-powered-by: Express): the storage name of {} resolves to the Document Server itself (a shared name, /etc/hosts, a container's DNS). Make that name resolve to the integrator from the Document Server's host, or give the integrator an internal storage address (Nextcloud: StorageUrl).",
            top.host
        )
    } else {
        match top.items.last().and_then(|f| f.e.status) {
            Some(404) => format!(
                "The URL does not exist on {}: check the integrator's storage address (Nextcloud: StorageUrl / overwrite.cli.url) and that the path is served there (curl -sI URL from the Document Server's host).",
                top.host
            ),
            _ => format!(
                "{} refuses the Document Server's download: usually the integrator rejects its JWT. The Document Server signs downloads with services.CoAuthoring.secret.outbox.string; make it equal to the integrator's secret (Nextcloud: occ config:app:get onlyoffice jwt_secret).",
                top.host
            ),
        }
    };
    from_groups(
        "storage_denied",
        format!(
            "The storage {} refuses the Document Server's downloads ({})",
            top.host,
            top.headline()
        ),
        &gs,
        "The Document Server downloads each document from the integrator's storage before it opens or converts it; a 401/403/404 there means users see 'Download failed' while every probe of the chain passes.",
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
        format!(
            "The Document Server cannot reach the storage {} ({})",
            top.host,
            top.headline()
        ),
        &gs,
        "Documents are downloaded from the integrator's storage before they open; when the storage refuses, does not resolve, is unreachable or does not answer in time as the Document Server sees it, users see 'Download failed' while every probe of the chain passes.",
        vec![unreachable_step(&top.what, &top.host)],
    )
}

fn unreachable_step(what: &str, host: &str) -> String {
    if what.starts_with("ECONNREFUSED") {
        format!(
            "Nothing accepts connections at {host} as the Document Server sees it: check the integrator's web server and the port in its storage address (curl -sv URL from the Document Server's host, inside the container for Docker)."
        )
    } else if what.starts_with("ENOTFOUND") || what.starts_with("EAI_AGAIN") {
        format!(
            "The name of {host} does not resolve on the Document Server's host: getent hosts NAME there (inside the container for Docker), fix DNS or /etc/hosts, or give the integrator a storage address that resolves."
        )
    } else if what.starts_with("EHOSTUNREACH") || what.starts_with("ENETUNREACH") {
        format!(
            "No route from the Document Server to {host}: check its address, the routes and any firewall between them (ip route get ADDRESS)."
        )
    } else if what.starts_with("HTTP 5") {
        format!(
            "{host} answers the download with a server error: read the integrator's web server and PHP logs at those times."
        )
    } else {
        format!(
            "{host} does not answer within the converter's timeout (FileConverter.converter.downloadTimeout): check for a firewall dropping packets between them and for a slow storage (time curl -so /dev/null URL from the Document Server's host)."
        )
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
            format!(
                "The Document Server's own ip filter denies {} ({})",
                top.host,
                top.headline()
            ),
            format!(
                "A deny rule in services.CoAuthoring.ipfilter.rules (local.json) matches {}: add an allowing rule for it before that deny (the first matching rule wins), then restart ds-converter and ds-docservice.",
                top.host
            ),
        )
    } else {
        (
            format!(
                "The Document Server refuses the private address of {} ({})",
                top.host,
                top.headline()
            ),
            "Set services.CoAuthoring.request-filtering-agent.allowPrivateIPAddress = true in local.json (Docker: ALLOW_PRIVATE_IP_ADDRESS=true) and restart ds-converter and ds-docservice, or give the integrator a storage address with a public name.".to_string(),
        )
    };
    from_groups(
        "private_ip_blocked",
        title,
        &gs,
        "The Document Server's request filter refuses private, loopback and link-local addresses unless allowPrivateIPAddress is true ('is not allowed. Because, It is private IP address'), and its ip filter (services.CoAuthoring.ipfilter.rules) can deny hosts too ('checkIpFilter error'): the download or callback never leaves the Document Server.",
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
        (Some(n), _) => format!(
            "FileConverter.converter.maxDownloadBytes is {n} bytes ({:.1} MiB, from {})",
            n as f64 / 1_048_576.0,
            oo.local_json.display()
        ),
        (None, true) => format!(
            "FileConverter.converter.maxDownloadBytes is not set: the default {} bytes (100 MiB) applies",
            crate::docserver::settings::DEFAULT_MAX_DOWNLOAD_BYTES
        ),
        (None, false) => format!(
            "the configured maxDownloadBytes is unknown: {}",
            s.problems.join("; ")
        ),
    };
    let mut f = from_groups(
        "document_too_large",
        format!(
            "A document from {} is larger than the Document Server accepts ({})",
            top.host,
            top.headline()
        ),
        &gs,
        "The converter stops a download that exceeds FileConverter.converter.maxDownloadBytes (EMSGSIZE, conversion error -10): the document does not open, whatever the chain's state.",
        vec!["Raise FileConverter.converter.maxDownloadBytes in local.json above the document's size (and nginx's client_max_body_size for uploads), then restart ds-converter.".into()],
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
        format!(
            "The certificate of {} has expired: renew it on the storage.",
            top.host
        )
    } else if top.what.contains("ALTNAME") {
        format!(
            "The certificate of {} does not name the host the Document Server asked for: use the name on the certificate in the integrator's storage address, or reissue the certificate with that name.",
            top.host
        )
    } else {
        format!(
            "{} presents a certificate the Document Server does not trust ({}): use a certificate from a trusted CA, or add its CA to the Document Server's trust store (stopgap only: services.CoAuthoring.requestDefaults.rejectUnauthorized = false).",
            top.host, top.what
        )
    };
    from_groups(
        "tls_problem",
        format!(
            "The Document Server refuses the certificate of the storage {} ({})",
            top.host,
            top.headline()
        ),
        &gs,
        "The Document Server verifies the storage's certificate when it downloads a document; a self-signed, expired, wrong-name or unverifiable certificate fails every download while the chain itself is green.",
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
        format!(
            "{} rejects the callback ({}): check the integrator's JWT secret against services.CoAuthoring.secret.outbox.string and that the callback URL it hands out is right.",
            top.host, top.what
        )
    } else if top.what.starts_with("HTTP 5") {
        format!(
            "The integrator at {} fails while handling the callback: read its web server and application logs at those times.",
            top.host
        )
    } else {
        unreachable_step(&top.what, &top.host)
    };
    from_groups(
        "callback_failed",
        format!(
            "The Document Server cannot post saved documents back to {} ({})",
            top.host,
            top.headline()
        ),
        &gs,
        "After editing, the Document Server posts the result to the integrator's callback URL; when that post fails (refused, timed out, 4xx/5xx), the changes are not saved ('The document could not be saved') while the chain is green.",
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
        format!(
            "The callback URL {} answers with a redirect ({})",
            top.host,
            top.headline()
        ),
        &gs,
        "The Document Server does not follow redirects for its callback POSTs: a 301/302 (often http → https) means changes are never saved ('postData error ... statusCode:301').",
        vec!["Give the integrator the final URL (https) as its callback/storage address (Nextcloud: StorageUrl / overwrite.cli.url; Seafile: SERVICE_URL).".into()],
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
                label: format!(
                    "Document Server {} {host}",
                    if cb { "callback to" } else { "download from" }
                ),
                state: State::Fail,
                evidence: format!(
                    "{} failed since its last start ({}, {}); last error: {last}",
                    g.items.len(),
                    g.docs_text(),
                    g.when()
                ),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
