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
    let mut s = format!(
        "{} line{}",
        hits.len(),
        if hits.len() == 1 { "" } else { "s" }
    );
    if !docs.is_empty() {
        s.push_str(&format!(
            ", {} document{}",
            docs.len(),
            if docs.len() == 1 { "" } else { "s" }
        ));
    }
    if let (Some(a), Some(b)) = (times.iter().min(), times.iter().max()) {
        s.push_str(&format!(
            ", first {}, last {}",
            a.format("%Y-%m-%d %H:%M:%S"),
            b.format("%Y-%m-%d %H:%M:%S")
        ));
    }
    s
}

/// Evidence for log lines: the latest example (file and line) with the count, documents and
/// first/last time.
pub(super) fn lines_evidence(hits: &[&Record]) -> Option<Evidence> {
    let mut e = Ctx::evidence_of(hits)?;
    e.fact = format!("{} ({})", e.fact, lines_summary(hits));
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
            let age = x
                .started_at
                .map(|t| format!(", up {}", human_age((now - t).num_seconds())))
                .unwrap_or_default();
            format!(
                "{} pid {} state {} {:.0} % CPU {} MiB{age}",
                x.role.as_deref().unwrap_or_default(),
                x.pid,
                x.state,
                x.cpu_percent,
                x.rss_bytes >> 20
            )
        })
        .collect();
    Some(Evidence {
        source: "host:processes".into(),
        fact: if procs.is_empty() {
            "no converter or x2t process runs".into()
        } else {
            procs.join("; ")
        },
    })
}

fn human_age(secs: i64) -> String {
    match secs.max(0) {
        s if s < 120 => format!("{s} s"),
        s if s < 7200 => format!("{} min", s / 60),
        s if s < 172_800 => format!("{} h", s / 3600),
        s => format!("{} d", s / 86_400),
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
                format!(
                    "{}: {} ({}) answers /ConvertService.ashx; proxy_read_timeout {}{}",
                    s.label(),
                    label(l),
                    l.at,
                    t.value,
                    t.at.as_deref()
                        .map(|a| format!(" (set at {a})"))
                        .unwrap_or_else(|| " (nginx's default)".into())
                )
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
            fact: format!("clients got {access}×504 on the converter (ConvertService.ashx) over the access log's window"),
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
        next.push("An x2t is busy converting (see its CPU and age above): a large or broken document; let it finish or end it (kill PID), then try the document again.".into());
    }
    next.push(match timeouts.first() {
        Some(_) => "Conversions of large documents take longer than nginx waits: raise proxy_read_timeout of the location shown (e.g. 300s) and reload nginx.".into(),
        None => "Conversions take longer than nginx waits: raise proxy_read_timeout of the location serving ConvertService.ashx and reload nginx.".into(),
    });
    next.push("If the converter is idle (no x2t, little CPU) it is hung: restart it (ds-converter / supervisorctl restart ds:converter).".into());
    let action = c
        .input
        .cfg
        .services
        .iter()
        .find(|s| s.name.contains("converter"))
        .map(|s| format!("restart:{}", s.name));
    let mut f = finding(
        "converter_timeout",
        format!(
            "Conversions time out while /healthcheck is true ({})",
            [
                (access > 0).then(|| format!("{access}×504")),
                (!nginx.is_empty()).then(|| format!("{} nginx read timeouts", nginx.len())),
                (!ds.is_empty()).then(|| format!("{} receiveTask timeouts", ds.len())),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ")
        ),
        confidence,
        ev,
        "The Document Server answers its health check, but the converter (ConvertService.ashx) does not finish in time: it is hung, overloaded, or x2t is slow on a large document. nginx gives up after proxy_read_timeout and the editor reports a conversion error or 504.",
        next,
        action,
        Vec::new(),
    );
    if health.is_empty() {
        f.next_steps.insert(
            0,
            "No /healthcheck hop is configured: add a docserver-health hop to tell a hung converter from a hung Document Server.".into(),
        );
    }
    Some(f)
}
