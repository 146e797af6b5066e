//! Plain-text rendering of an [`IntegrationReport`]: symbols and words (✔ OK, ▲ WARN,
//! ? UNKNOWN, ✖ FAIL), no colour, secrets only as fingerprints.

use super::IntegrationReport;
use crate::probe::State;
use std::fmt::Write;

fn mark(s: State) -> String {
    format!("{} {:<7}", s.symbol(), s.word())
}

/// Render the report as text.
pub fn render_text(r: &IntegrationReport) -> String {
    let mut o = String::new();
    let ig = &r.integrator;
    let _ = writeln!(o, "ONLYOFFICE integration ({})", ig.name);
    let _ = writeln!(
        o,
        "  Document Server settings from: {}",
        if r.docserver.sources.is_empty() {
            "nothing readable".to_string()
        } else {
            r.docserver.sources.join(", ")
        }
    );
    let _ = writeln!(
        o,
        "  {} settings from: {}",
        ig.possessive(),
        if ig.sources.is_empty() {
            "nothing readable".to_string()
        } else {
            ig.sources.join(", ")
        }
    );
    let _ = writeln!(o, "\nJWT (Document Server / {}):", ig.name);
    for c in &r.comparison {
        let _ = writeln!(
            o,
            "  {} {:<14} {} / {} — {}",
            mark(c.state),
            c.what,
            c.docserver,
            c.integrator,
            c.note
        );
    }
    let _ = writeln!(
        o,
        "\nCommand service{}:",
        r.command
            .url
            .as_deref()
            .map(|u| format!(" {u}"))
            .unwrap_or_default()
    );
    for p in &r.command.probes {
        let _ = writeln!(
            o,
            "    signed by {:<10} fp {:<8}  {}",
            p.signed_by,
            p.fingerprint.as_deref().unwrap_or("-"),
            p.detail
        );
    }
    let _ = writeln!(o, "  {} {}", mark(r.command.state), r.command.verdict);
    if let Some(s) = r.command.date_skew_secs {
        let st = if s.abs() > super::findings::SKEW_LIMIT_SECS {
            State::Fail
        } else {
            State::Ok
        };
        let _ = writeln!(
            o,
            "  {} clock skew {s} s (Document Server Date header vs this box)",
            mark(st)
        );
    }
    let _ = writeln!(o, "\nStorage and callbacks:");
    if r.storage.is_empty() {
        let _ = writeln!(o, "  {} no storage URL known", mark(State::Unknown));
    }
    for c in &r.storage {
        let _ = writeln!(o, "  {} {} — {}", mark(c.state), c.url, c.reason);
        if !c.addresses.is_empty() {
            let _ = writeln!(o, "      resolves to {}", c.addresses.join(", "));
        }
    }
    if let Some(p) = &r.preflight {
        let _ = writeln!(
            o,
            "  CORS preflight {} (Origin {}): {}",
            p.url, p.origin, p.reason
        );
        for (k, v) in &p.allow {
            let _ = writeln!(o, "      {k}: {v}");
        }
    }
    let _ = writeln!(o, "\nForwarded headers (ports {:?}):", r.docservice_ports);
    match &r.headers {
        None => {
            let _ = writeln!(
                o,
                "  {} nginx configuration not available",
                mark(State::Unknown)
            );
        }
        Some(hs) if hs.is_empty() => {
            let _ = writeln!(
                o,
                "  {} no location proxies to the Document Server",
                mark(State::Unknown)
            );
        }
        Some(hs) => {
            for h in hs {
                if h.missing.is_empty() {
                    let _ = writeln!(
                        o,
                        "  {} {} {} ({}): all passed",
                        mark(State::Ok),
                        h.server,
                        h.location,
                        h.at
                    );
                } else {
                    let _ = writeln!(
                        o,
                        "  {} {} {} ({}): missing {}",
                        mark(State::Warn),
                        h.server,
                        h.location,
                        h.at,
                        h.missing.join("; ")
                    );
                }
            }
        }
    }
    if let Some(m) = &r.mixed_content {
        let _ = writeln!(
            o,
            "  {} mixed content: {} uses {}",
            mark(State::Fail),
            m.integrator_url,
            m.document_server_url
        );
    }
    if !r.unknown.is_empty() {
        let _ = writeln!(o, "\nNot checked:");
        for u in &r.unknown {
            let _ = writeln!(o, "  {} {}: {}", mark(State::Unknown), u.what, u.why);
        }
    }
    let f = super::findings(r);
    if !f.is_empty() {
        let _ = writeln!(o, "\nFindings:");
        for x in &f {
            let _ = writeln!(o, "  {} {}: {}", mark(x.severity), x.id, x.title);
        }
    }
    o
}
