//! Plain-text rendering of an [`IntegrationReport`]: symbols and words (✔ OK, ▲ WARN,
//! ? UNKNOWN, ✖ FAIL), no colour, secrets only as fingerprints.
//!
//! URLs, server answers and settings read from the integrator's files are written by others:
//! every line goes through [`crate::sanitize::field`] (one line whatever its values hold,
//! controls and bidi characters shown, secrets and JWTs masked).

use super::IntegrationReport;
use crate::verdict::State;

/// Appends one line: `format!` of the rest, shown on one line (see [`crate::sanitize::field`]);
/// leading newlines (a blank line before a heading) are kept.
macro_rules! put {
    ($o:expr, $($t:tt)*) => {{
        let l = format!($($t)*);
        let body = l.trim_start_matches('\n');
        for _ in 0..(l.len() - body.len()) {
            $o.push('\n');
        }
        $o.push_str(&crate::sanitize::field(body));
        $o.push('\n');
    }};
}

fn mark(s: State) -> String {
    format!("{} {:<7}", s.symbol(), s.word())
}

/// Render the report as text.
pub fn render_text(r: &IntegrationReport) -> String {
    let mut o = String::new();
    sources_and_jwt(&mut o, r);
    command(&mut o, r);
    storage(&mut o, r);
    headers(&mut o, r);
    if !r.unknown.is_empty() {
        put!(o, "\nNot checked:");
        for u in &r.unknown {
            put!(o, "  {} {}: {}", mark(State::Unknown), u.what, u.why);
        }
    }
    o
}

/// Where each side's settings came from, and the JWT settings side by side.
fn sources_and_jwt(o: &mut String, r: &IntegrationReport) {
    let ig = &r.integrator;
    put!(o, "ONLYOFFICE integration ({})", ig.name);
    put!(
        o,
        "  Document Server settings from: {}",
        if r.docserver.sources.is_empty() {
            "nothing readable".to_string()
        } else {
            r.docserver.sources.join(", ")
        }
    );
    put!(
        o,
        "  {} settings from: {}",
        ig.possessive(),
        if ig.sources.is_empty() {
            "nothing readable".to_string()
        } else {
            ig.sources.join(", ")
        }
    );
    put!(o, "\nJWT (Document Server / {}):", ig.name);
    for c in &r.comparison {
        put!(
            o,
            "  {} {:<14} {} / {} — {}",
            mark(c.state),
            c.what,
            c.docserver,
            c.integrator,
            c.note
        );
    }
}

/// The command service probed with each side's secret.
fn command(o: &mut String, r: &IntegrationReport) {
    put!(
        o,
        "\nCommand service{}:",
        r.command
            .url
            .as_deref()
            .map(|u| format!(" {u}"))
            .unwrap_or_default()
    );
    for p in &r.command.probes {
        put!(
            o,
            "    signed by {:<10} fp {:<8}  {}",
            p.signed_by,
            p.fingerprint.as_deref().unwrap_or("-"),
            p.detail
        );
    }
    put!(o, "  {} {}", mark(r.command.state), r.command.verdict);
    if let Some(s) = r.command.date_skew_secs {
        let st = if s.abs() > super::SKEW_LIMIT_SECS {
            State::Fail
        } else {
            State::Ok
        };
        put!(
            o,
            "  {} clock skew {s} s (Document Server Date header vs this box)",
            mark(st)
        );
    }
}

/// The storage URLs the Document Server fetches from, and the CORS preflight.
fn storage(o: &mut String, r: &IntegrationReport) {
    put!(o, "\nStorage and callbacks:");
    if r.storage.is_empty() {
        put!(o, "  {} no storage URL known", mark(State::Unknown));
    }
    for c in &r.storage {
        put!(
            o,
            "  {} {} — {} (from {})",
            mark(c.state),
            c.url,
            c.reason,
            c.from
        );
        if !c.addresses.is_empty() {
            put!(o, "      resolves to {}", c.addresses.join(", "));
        }
    }
    if let Some(p) = &r.preflight {
        put!(
            o,
            "  CORS preflight {} (Origin {}): {}",
            p.url,
            p.origin,
            p.reason
        );
        for (k, v) in &p.allow {
            put!(o, "      {k}: {v}");
        }
    }
}

/// The headers nginx forwards to the Document Server, and mixed content.
fn headers(o: &mut String, r: &IntegrationReport) {
    put!(
        o,
        "\nForwarded headers (ports {}):",
        r.docservice_ports
            .iter()
            .map(u16::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    );
    match &r.headers {
        None => {
            put!(
                o,
                "  {} nginx configuration not available",
                mark(State::Unknown)
            );
        }
        Some(hs) if hs.is_empty() => {
            put!(
                o,
                "  {} no location proxies to the Document Server",
                mark(State::Unknown)
            );
        }
        Some(hs) => {
            for h in hs {
                if h.missing.is_empty() {
                    put!(
                        o,
                        "  {} {} {} ({}): all passed",
                        mark(State::Ok),
                        h.server,
                        h.location,
                        h.at
                    );
                } else {
                    put!(
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
        put!(
            o,
            "  {} mixed content: {} uses {}",
            mark(State::Fail),
            m.integrator_url,
            m.document_server_url
        );
    }
}
