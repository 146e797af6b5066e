//! The Document Server's converter: conversions that time out while `/healthcheck` answers
//! `true` (`converter_timeout`), and the helpers the Document-Server-side rules of this file
//! and of `host.rs` share: the converter's processes as evidence, and a summary of log lines
//! (how many, how many documents, first and last time).

use super::*;
use crate::logs::Record;

/// Whether a request path is the converter's: `/ConvertService.ashx` (any prefix, any case,
/// e.g. `/8.2.0-1/ConvertService.ashx`) or `/converter` (8.x).
pub(super) fn is_convert_path(path: &str) -> bool {
    let p = path.split(['?', '#']).next().unwrap_or(path);
    p.to_ascii_lowercase().ends_with("/convertservice.ashx") || p.ends_with("/converter")
}

fn is_convert_request(r: &Record) -> bool {
    match r {
        Record::Nginx(e) => e
            .request
            .as_deref()
            .and_then(crate::engine::access::request_path)
            .is_some_and(is_convert_path),
        Record::DocServer(_) => false,
    }
}

/// `3 lines, 2 documents, first 2026-11-28 12:00:01, last 2026-11-28 12:04:59`.
pub(super) fn lines_summary(hits: &[&Record]) -> String {
    let mut docs: Vec<&str> = hits
        .iter()
        .filter_map(|r| match r {
            Record::DocServer(e) => e.doc_id.as_deref(),
            Record::Nginx(_) => None,
        })
        // `docId` is the operation context's placeholder when no document is involved.
        .filter(|d| !d.is_empty() && *d != "docId")
        .collect();
    docs.sort_unstable();
    docs.dedup();
    let times: Vec<chrono::NaiveDateTime> = hits.iter().filter_map(|r| r.time()).collect();
    let mut parts = vec![match hits.len() {
        1 => tr!("ev-lines-one", count = 1),
        n => tr!("ev-lines-many", count = n),
    }];
    match docs.len() {
        0 => {}
        1 => parts.push(tr!("ev-lines-docs-one", count = 1)),
        n => parts.push(tr!("ev-lines-docs-many", count = n)),
    }
    if let (Some(a), Some(b)) = (times.iter().min(), times.iter().max()) {
        parts.push(tr!(
            "ev-lines-span",
            first = a.format("%Y-%m-%d %H:%M:%S"),
            last = b.format("%Y-%m-%d %H:%M:%S")
        ));
    }
    parts.join(&tr!("finding-list-sep"))
}

/// Evidence for log lines: the latest example (file and line) with the count, documents and
/// first/last time.
pub(super) fn lines_evidence(hits: &[&Record]) -> Option<Evidence> {
    let mut e = Ctx::evidence_of(hits)?;
    e.fact = tr!(
        "ev-lines-with-summary",
        fact = e.fact,
        summary = lines_summary(hits)
    );
    Some(e)
}

/// The converter's processes (`converter`, `x2t`) as evidence: state letter, CPU, memory, age.
/// None when the process facts were not read; a sentence when no converter process runs.
pub(super) fn converter_processes(c: &Ctx<'_>) -> Option<Evidence> {
    let p = c.input.host.processes?;
    let now = chrono::Utc::now();
    let procs: Vec<String> = p
        .chain
        .iter()
        .filter(|x| matches!(x.role.as_deref(), Some("converter" | "x2t")))
        .take(8)
        .map(|x| {
            let role = x.role.as_deref().unwrap_or_default();
            let cpu = format!("{:.0}", x.cpu_percent);
            let mib = x.rss_bytes >> 20;
            match x.started_at {
                Some(t) => tr!(
                    "ev-converter-process-up",
                    role = role,
                    pid = x.pid,
                    state = x.state,
                    cpu = cpu,
                    mib = mib,
                    age = human_age((now - t).num_seconds())
                ),
                None => tr!(
                    "ev-converter-process",
                    role = role,
                    pid = x.pid,
                    state = x.state,
                    cpu = cpu,
                    mib = mib
                ),
            }
        })
        .collect();
    Some(Evidence {
        source: "host:processes".into(),
        fact: if procs.is_empty() {
            tr!("ev-converter-no-process")
        } else {
            procs.join(&tr!("finding-list-semi"))
        },
    })
}

fn human_age(secs: i64) -> String {
    match secs.max(0) {
        s if s < 120 => tr!("age-seconds", n = s),
        s if s < 7200 => tr!("age-minutes", n = s / 60),
        s if s < 172_800 => tr!("age-hours", n = s / 3600),
        s => tr!("age-days", n = s / 86_400),
    }
}

/// The `proxy_read_timeout` of the location that serves the converter, per server block that
/// proxies it; with why when it cannot be told.
fn read_timeouts(c: &Ctx<'_>) -> Vec<Evidence> {
    use crate::host::nginx::locate::{Located, label, location_for};
    let Some(n) = c.input.host.nginx else {
        return Vec::new();
    };
    let mut out: Vec<Evidence> = Vec::new();
    for s in &n.servers {
        let fact = match location_for(s, "/ConvertService.ashx") {
            Located::Found(l) if l.pass.is_some() => {
                let t = &l.settings.read_timeout;
                match t.at.as_deref() {
                    Some(a) => tr!(
                        "ev-converter-read-timeout-set",
                        server = s.label(),
                        location = label(l),
                        at = l.at,
                        value = t.value,
                        set_at = a
                    ),
                    None => tr!(
                        "ev-converter-read-timeout-default",
                        server = s.label(),
                        location = label(l),
                        at = l.at,
                        value = t.value
                    ),
                }
            }
            Located::Undecidable(why) => format!("{}: {why}", s.label()),
            _ => continue,
        };
        if !out.iter().any(|e| e.fact == fact) && out.len() < 4 {
            out.push(Evidence {
                source: "host:nginx".into(),
                fact,
            });
        }
    }
    out
}

pub(super) fn converter_timeout(c: &Ctx<'_>) -> Option<Finding> {
    // While /healthcheck fails, the service's own finding (hung, down, a dependency) explains
    // the timeouts; this one is about conversions timing out on a service that says it is fine.
    let health = c.hops_where(|h| h.kind == HopKind::DocserverHealth);
    if health.iter().any(|h| h.state != State::Ok) {
        return None;
    }
    let since = c.ds_started_at();
    let nginx: Vec<&Record> = c
        .input
        .logs
        .iter()
        .filter(|r| r.class() == Class::UpstreamReadTimeout && is_convert_request(r))
        .filter(|r| match (since, r.time()) {
            (Some(s), Some(t)) => t > s,
            (Some(_), None) => false,
            (None, _) => true,
        })
        .collect();
    let ds = c.ds_entries_since_start(&[Class::DsConvertTimeout]);
    let access: u64 = c
        .input
        .logs
        .access()
        .map(|a| {
            a.s504_by_path
                .iter()
                .filter(|(p, _)| is_convert_path(p))
                .map(|(_, n)| *n)
                .sum()
        })
        .unwrap_or(0);
    if nginx.is_empty() && ds.is_empty() && access == 0 {
        return None;
    }
    let mut ev: Vec<Evidence> = health.iter().map(|h| probe_evidence(h)).collect();
    if access > 0 {
        ev.push(Evidence {
            source: "log:access".into(),
            fact: tr!("ev-converter-access-504", count = access),
        });
    }
    ev.extend(lines_evidence(&nginx));
    ev.extend(lines_evidence(&ds));
    ev.extend(converter_processes(c));
    let timeouts = read_timeouts(c);
    ev.extend(timeouts.iter().cloned());
    let busy_x2t = c.input.host.processes.is_some_and(|p| {
        p.chain
            .iter()
            .any(|x| x.role.as_deref() == Some("x2t") && x.cpu_percent > 50.0)
    });
    let confidence = match (
        health.is_empty(),
        !ds.is_empty() && (access > 0 || !nginx.is_empty()),
    ) {
        (true, _) => Confidence::Low,
        (false, true) => Confidence::High,
        (false, false) => Confidence::Medium,
    };
    let mut next = Vec::new();
    if busy_x2t {
        next.push(tr!("finding-converter_timeout-next-busy"));
    }
    next.push(match timeouts.first() {
        Some(_) => tr!("finding-converter_timeout-next-timeout-shown"),
        None => tr!("finding-converter_timeout-next-timeout"),
    });
    next.push(tr!("finding-converter_timeout-next-idle"));
    let action = c
        .input
        .cfg
        .services
        .iter()
        .find(|s| s.name.contains("converter"))
        .map(|s| format!("restart:{}", s.name));
    let mut f = finding(
        "converter_timeout",
        tr!(
            "finding-converter_timeout-title",
            counts = [
                (access > 0).then(|| format!("{access}×504")),
                (!nginx.is_empty())
                    .then(|| tr!("finding-converter_timeout-count-nginx", count = nginx.len())),
                (!ds.is_empty())
                    .then(|| tr!("finding-converter_timeout-count-ds", count = ds.len())),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(&tr!("finding-list-sep"))
        ),
        confidence,
        ev,
        tr!("finding-converter_timeout-why"),
        next,
        action,
        Vec::new(),
    );
    if health.is_empty() {
        f.next_steps
            .insert(0, tr!("finding-converter_timeout-next-no-health"));
    }
    Some(f)
}
