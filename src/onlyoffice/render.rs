//! Plain-text rendering of an [`IntegrationReport`]: symbols and words (✔ OK, ▲ WARN,
//! ? UNKNOWN, ✖ FAIL), no colour, secrets only as fingerprints.
//!
//! URLs, server answers and settings read from the integrator's files are written by others:
//! every line goes through [`crate::sanitize::field`] (one line whatever its values hold,
//! controls and bidi characters shown, secrets and JWTs masked).

use super::IntegrationReport;
use crate::report::pad;
use crate::tr;
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
    format!("{} {}", s.symbol(), pad(&crate::i18n::state_word(s), 7))
}

/// Render the report as text.
pub fn render_text(r: &IntegrationReport) -> String {
    let mut o = String::new();
    sources_and_jwt(&mut o, r);
    command(&mut o, r);
    storage(&mut o, r);
    headers(&mut o, r);
    if !r.unknown.is_empty() {
        put!(o, "\n{}", tr!("integration-text-not-checked"));
        for u in &r.unknown {
            put!(o, "  {} {}: {}", mark(State::Unknown), u.what, u.why);
        }
    }
    o
}

/// Where each side's settings came from, and the JWT settings side by side.
fn sources_and_jwt(o: &mut String, r: &IntegrationReport) {
    let ig = &r.integrator;
    let sources = |s: &[String]| {
        if s.is_empty() {
            tr!("integration-text-nothing-readable")
        } else {
            s.join(", ")
        }
    };
    put!(o, "{}", tr!("integration-text-title", name = ig.name));
    put!(
        o,
        "  {}",
        tr!(
            "integration-text-ds-sources",
            sources = sources(&r.docserver.sources)
        )
    );
    put!(
        o,
        "  {}",
        tr!(
            "integration-text-ig-sources",
            name = ig.name,
            sources = sources(&ig.sources)
        )
    );
    put!(o, "\n{}", tr!("integration-text-jwt", name = ig.name));
    for c in &r.comparison {
        put!(
            o,
            "  {} {} {} / {} — {}",
            mark(c.state),
            pad(c.what, 14),
            c.docserver,
            c.integrator,
            c.note
        );
    }
}

/// The command service probed with each side's secret.
fn command(o: &mut String, r: &IntegrationReport) {
    match r.command.url.as_deref() {
        Some(u) => put!(o, "\n{}", tr!("integration-text-command-url", url = u)),
        None => put!(o, "\n{}", tr!("integration-text-command")),
    }
    for p in &r.command.probes {
        put!(
            o,
            "    {}",
            tr!(
                "integration-text-signed",
                by = pad(&p.signed_by, 10),
                fp = pad(p.fingerprint.as_deref().unwrap_or("-"), 8),
                detail = p.detail
            )
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
            "  {} {}",
            mark(st),
            tr!("integration-text-skew", secs = s)
        );
    }
}

/// The storage URLs the Document Server fetches from, and the CORS preflight.
fn storage(o: &mut String, r: &IntegrationReport) {
    put!(o, "\n{}", tr!("integration-text-storage-title"));
    if r.storage.is_empty() {
        put!(
            o,
            "  {} {}",
            mark(State::Unknown),
            tr!("integration-text-no-storage")
        );
    }
    for c in &r.storage {
        put!(
            o,
            "  {} {}",
            mark(c.state),
            tr!(
                "integration-text-storage",
                url = c.url,
                reason = c.reason,
                from = c.from
            )
        );
        if !c.addresses.is_empty() {
            put!(
                o,
                "      {}",
                tr!(
                    "integration-text-resolves",
                    addresses = c.addresses.join(", ")
                )
            );
        }
    }
    if let Some(p) = &r.preflight {
        put!(
            o,
            "  {}",
            tr!(
                "integration-text-preflight",
                url = p.url,
                origin = p.origin,
                reason = p.reason
            )
        );
        for (k, v) in &p.allow {
            put!(o, "      {k}: {v}");
        }
    }
}

/// The headers nginx forwards to the Document Server, and mixed content.
fn headers(o: &mut String, r: &IntegrationReport) {
    let ports = r
        .docservice_ports
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    put!(o, "\n{}", tr!("integration-text-headers", ports = ports));
    match &r.headers {
        None => {
            put!(
                o,
                "  {} {}",
                mark(State::Unknown),
                tr!("integration-text-no-nginx")
            );
        }
        Some(hs) if hs.is_empty() => {
            put!(
                o,
                "  {} {}",
                mark(State::Unknown),
                tr!("integration-text-no-location")
            );
        }
        Some(hs) => {
            for h in hs {
                if h.missing.is_empty() {
                    put!(
                        o,
                        "  {} {}",
                        mark(State::Ok),
                        tr!(
                            "integration-text-headers-ok",
                            server = h.server,
                            location = h.location,
                            at = h.at
                        )
                    );
                } else {
                    put!(
                        o,
                        "  {} {}",
                        mark(State::Warn),
                        tr!(
                            "integration-text-headers-missing",
                            server = h.server,
                            location = h.location,
                            at = h.at,
                            missing = h.missing.join("; ")
                        )
                    );
                }
            }
        }
    }
    if let Some(m) = &r.mixed_content {
        put!(
            o,
            "  {} {}",
            mark(State::Fail),
            tr!(
                "integration-text-mixed",
                integrator = m.integrator_url,
                docserver = m.document_server_url
            )
        );
    }
}
