//! Findings and walkthrough checks from an [`IntegrationReport`]: `jwt_mismatch`,
//! `clock_skew`, `tls_problem`, `storage_unreachable`, `callback_redirect`,
//! `private_ip_blocked`, `forwarded_headers_missing`, `mixed_content`. Every finding carries
//! its evidence with a source (`integration:...`, `host:nginx`), and never a secret.

use super::IntegrationReport;
use super::command::TokenOutcome;
use super::storage::StorageIssue;
use crate::diagnose::{Confidence, Diagnosis, Evidence, Finding, StepCheck};
use crate::probe::State;

/// Skew (seconds) beyond which tokens may be seen as expired or not yet valid.
pub const SKEW_LIMIT_SECS: i64 = 120;

fn ev(source: impl Into<String>, fact: impl Into<String>) -> Evidence {
    Evidence {
        source: source.into(),
        fact: fact.into(),
    }
}

fn side_source(sources: &[String], default: &str) -> String {
    match sources.first() {
        Some(s) if s.starts_with("docker") => "integration:docker".into(),
        Some(s) if s.ends_with("config.php") => "integration:nextcloud-config".into(),
        Some(s) if s.starts_with("occ") => "integration:occ".into(),
        Some(s) if s.ends_with(".py") => "integration:seahub-settings".into(),
        Some(s) if s.starts_with('[') => "integration:config".into(),
        _ => default.into(),
    }
}

fn command_hop(r: &IntegrationReport) -> Vec<String> {
    // The console's docserver-command hop shares this cause when it is red.
    r.command.hop.iter().cloned().collect()
}

fn jwt_mismatch(r: &IntegrationReport) -> Option<Finding> {
    let secret = r.comparison.iter().find(|c| c.what == "secret")?;
    // A token signed with a secret and rejected. An unsigned probe rejected only says that
    // JWT is on (what a healthy Document Server does), never a mismatch.
    let rejected = r
        .command
        .probes
        .iter()
        .any(|p| p.outcome == TokenOutcome::Rejected && p.signed_by != "none");
    let differ = secret.state == State::Fail;
    let header_differs = r
        .comparison
        .iter()
        .any(|c| c.what == "header" && c.state == State::Fail);
    let enabled_differs = r
        .comparison
        .iter()
        .any(|c| c.what == "jwt enabled" && c.state == State::Fail);
    if !(differ || rejected || header_differs || enabled_differs) {
        return None;
    }
    let ig = &r.integrator;
    let mut evidence = vec![
        ev(
            side_source(&r.docserver.sources, "integration:docserver-config"),
            format!(
                "the Document Server's secret has fingerprint {} (from {})",
                r.docserver.fingerprint.as_deref().unwrap_or("unknown"),
                if r.docserver.sources.is_empty() {
                    "nowhere readable".to_string()
                } else {
                    r.docserver.sources.join(", ")
                }
            ),
        ),
        ev(
            side_source(&ig.sources, "integration:config"),
            format!(
                "{} secret has fingerprint {} (from {})",
                ig.possessive(),
                ig.fingerprint.as_deref().unwrap_or("unknown"),
                ig.secret_source.as_deref().unwrap_or("nowhere")
            ),
        ),
    ];
    for c in &r.comparison {
        if c.state == State::Fail && c.what != "secret" {
            evidence.push(ev("integration:compare", format!("{}: {}", c.what, c.note)));
        }
    }
    for p in &r.command.probes {
        evidence.push(ev(
            "integration:command-probe",
            format!(
                "token signed with {} (fp {}): {}",
                match p.signed_by.as_str() {
                    "docserver" => "the Document Server's secret".to_string(),
                    "integrator" => format!("{} secret", ig.possessive()),
                    "both" => "the shared secret".to_string(),
                    _ => "no secret".to_string(),
                },
                p.fingerprint.as_deref().unwrap_or("none"),
                p.detail
            ),
        ));
    }
    evidence.push(ev(
        "integration:command-probe",
        format!("verdict: {}", r.command.verdict),
    ));
    let confidence = if rejected && differ {
        Confidence::High
    } else if rejected || differ {
        Confidence::Medium
    } else {
        Confidence::Low
    };
    let severity = if rejected || differ || header_differs || enabled_differs {
        State::Fail
    } else {
        State::Warn
    };
    Some(Finding {
        id: "jwt_mismatch",
        title: if differ {
            format!(
                "JWT secrets differ: Document Server {} vs {} {}",
                r.docserver.fingerprint.as_deref().unwrap_or("?"),
                ig.possessive(),
                ig.fingerprint.as_deref().unwrap_or("?")
            )
        } else if header_differs || enabled_differs {
            format!("JWT settings of the Document Server and {} differ", ig.name)
        } else {
            "The Document Server rejects the probe's token".to_string()
        },
        severity,
        confidence,
        evidence,
        explanation: format!(
            "The Document Server accepts only tokens signed with its own secret, in the header it expects; {} signs with its own settings, so its requests are rejected (command service error 6, 'checkJwt error' in docservice/out.log) and editors fail with 'Document Server is not available' or download errors.",
            ig.name
        ),
        next_steps: vec![
            format!("Verdict: {}.", r.command.verdict),
            "Compare services.CoAuthoring.secret.inbox.string (and token.inbox.header) in local.json, or JWT_SECRET/JWT_HEADER of the container, with the integrator's settings.".into(),
            "Make both equal, then restart ds-docservice and ds-converter (or the container) and reload the integrator.".into(),
        ],
        action: None,
        explains: if rejected { command_hop(r) } else { Vec::new() },
    })
}

fn clock_skew(r: &IntegrationReport) -> Option<Finding> {
    let skew = r.command.date_skew_secs;
    let expired = r
        .command
        .probes
        .iter()
        .any(|p| p.outcome == TokenOutcome::Expired);
    let off = skew.is_some_and(|s| s.abs() > SKEW_LIMIT_SECS);
    if !(off || expired) {
        return None;
    }
    let mut evidence = Vec::new();
    if let Some(s) = skew {
        evidence.push(ev(
            "integration:command-probe",
            format!(
                "the Document Server's Date header is {s} s {} this box's clock",
                if s >= 0 { "ahead of" } else { "behind" }
            ),
        ));
    }
    if expired {
        evidence.push(ev(
            "integration:command-probe",
            "a freshly signed token was answered with error 7 (token expired)",
        ));
    }
    Some(Finding {
        id: "clock_skew",
        title: format!(
            "Clocks disagree{}: tokens are seen as expired",
            skew.map(|s| format!(" by {s} s")).unwrap_or_default()
        ),
        severity: State::Fail,
        confidence: if off && expired {
            Confidence::High
        } else {
            Confidence::Medium
        },
        evidence,
        explanation: "JWTs carry issue and expiry times; when the Document Server's and the integrator's clocks differ by minutes, valid tokens are rejected as expired (error 7).".into(),
        next_steps: vec!["Check timedatectl / chronyc tracking on both machines and enable NTP.".into()],
        action: None,
        explains: if expired { command_hop(r) } else { Vec::new() },
    })
}

/// One finding per issue kind across the storage checks.
fn storage_findings(r: &IntegrationReport) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut redirect = Vec::new();
    let mut tls = Vec::new();
    let mut private = Vec::new();
    let mut unreachable = Vec::new();
    for c in &r.storage {
        for i in &c.issues {
            let e = ev(
                "integration:storage",
                format!("{} ({}): {}", c.url, c.purpose, c.reason),
            );
            match i {
                StorageIssue::Redirect { .. } => redirect.push((e, c.state)),
                StorageIssue::Tls { .. } => tls.push((e, c.state)),
                StorageIssue::PrivateIp { .. } => private.push((e, State::Fail)),
                StorageIssue::Unreachable { .. } | StorageIssue::ServerError { .. } => {
                    unreachable.push((e, c.state))
                }
            }
        }
    }
    let worst = |v: &[(Evidence, State)]| {
        v.iter()
            .map(|(_, s)| *s)
            .max()
            .unwrap_or(State::Warn)
            .max(State::Warn)
    };
    let dedup = |v: Vec<(Evidence, State)>| {
        let mut e: Vec<Evidence> = Vec::new();
        for (x, _) in v {
            if !e.contains(&x) {
                e.push(x);
            }
        }
        e
    };
    if !redirect.is_empty() {
        out.push(Finding {
            id: "callback_redirect",
            title: "Storage/callback URL redirects (http → https breaks callbacks)".into(),
            severity: worst(&redirect),
            confidence: Confidence::High,
            evidence: dedup(redirect),
            explanation: "The Document Server does not follow redirects for its downloads and callback POSTs: a 301/302 from http to https means documents do not open or changes are never saved ('postData error ... statusCode:301').".into(),
            next_steps: vec![
                "Give the integrator the final URL (https) as its storage/callback address (Nextcloud: StorageUrl / overwrite.cli.url; Seafile: SERVICE_URL).".into(),
                "Or let the internal http address answer without redirecting.".into(),
            ],
            action: None,
            explains: Vec::new(),
        });
    }
    if !tls.is_empty() {
        out.push(Finding {
            id: "tls_problem",
            title: "The storage's certificate is not trusted".into(),
            severity: worst(&tls),
            confidence: Confidence::High,
            evidence: dedup(tls),
            explanation: "The Document Server verifies the storage's certificate when downloading and posting callbacks; a self-signed or untrusted certificate makes it fail ('DEPTH_ZERO_SELF_SIGNED_CERT', 'self signed certificate').".into(),
            next_steps: vec![
                "Use a certificate from a trusted CA on the storage, or add its CA to the Document Server's trust store.".into(),
                "As a stopgap only: services.CoAuthoring.requestDefaults.rejectUnauthorized = false in local.json (and the integrator's 'verify_peer_off').".into(),
            ],
            action: None,
            explains: Vec::new(),
        });
    }
    if !private.is_empty() {
        out.push(Finding {
            id: "private_ip_blocked",
            title: "Storage URL resolves to a private address the Document Server blocks".into(),
            severity: State::Fail,
            confidence: Confidence::Medium,
            evidence: dedup(private),
            explanation: "The Document Server's request filter refuses private, loopback and link-local addresses unless allowPrivateIPAddress is true ('is not allowed. Because, It is private IP address' in docservice/out.log).".into(),
            next_steps: vec![
                "Set services.CoAuthoring.request-filtering-agent.allowPrivateIPAddress = true in local.json and restart ds-docservice (and set [integration] allow_private_ip = true here).".into(),
                "Or give the integrator a storage URL with a public name.".into(),
            ],
            action: None,
            explains: Vec::new(),
        });
    }
    if !unreachable.is_empty() {
        out.push(Finding {
            id: "storage_unreachable",
            title: "The Document Server cannot reach the integrator's storage".into(),
            severity: worst(&unreachable),
            confidence: Confidence::Medium,
            evidence: dedup(unreachable),
            explanation: "Documents are downloaded from, and changes posted back to, the integrator's URLs; when they refuse, time out or do not resolve, documents do not open ('error downloadFile ... ECONNREFUSED/ESOCKETTIMEDOUT') or are not saved.".into(),
            next_steps: vec![
                "curl -sv the URL from the Document Server's host (inside the container for Docker).".into(),
                "Check the integrator's web server, its firewall, and the name's DNS as the Document Server sees it.".into(),
            ],
            action: None,
            explains: Vec::new(),
        });
    }
    out
}

fn forwarded(r: &IntegrationReport) -> Option<Finding> {
    let bad: Vec<_> = r
        .headers
        .as_ref()?
        .iter()
        .filter(|h| !h.missing.is_empty())
        .collect();
    if bad.is_empty() {
        return None;
    }
    let evidence = bad
        .iter()
        .map(|h| {
            ev(
                "host:nginx",
                format!(
                    "{} location {} (proxy_pass {}) at {}: missing {}",
                    h.server,
                    h.location,
                    h.pass,
                    h.at,
                    h.missing.join("; ")
                ),
            )
        })
        .collect();
    let names: Vec<String> = {
        let mut v: Vec<String> = bad
            .iter()
            .flat_map(|h| h.missing.iter())
            .map(|m| m.split([' ', '(']).next().unwrap_or("").to_string())
            .collect();
        v.sort();
        v.dedup();
        v
    };
    Some(Finding {
        id: "forwarded_headers_missing",
        title: format!(
            "The proxy in front of the Document Server does not pass {}",
            names.join(", ")
        ),
        severity: State::Warn,
        confidence: Confidence::High,
        evidence,
        explanation: "The Document Server builds its public links from Host, X-Forwarded-Proto and X-Forwarded-Host, and the editor needs a websocket (Upgrade/Connection): without them links point to http:// or an internal name and editors hang while loading.".into(),
        next_steps: vec![
            "In each listed location add: proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection $connection_upgrade (or \"upgrade\"); proxy_set_header Host $host; proxy_set_header X-Forwarded-Host $host; proxy_set_header X-Forwarded-Proto $scheme;".into(),
            "Remember that any proxy_set_header in a location replaces all inherited ones. Then nginx -t and reload.".into(),
        ],
        action: Some("reload:nginx".into()),
        explains: Vec::new(),
    })
}

fn mixed(r: &IntegrationReport) -> Option<Finding> {
    let m = r.mixed_content.as_ref()?;
    Some(Finding {
        id: "mixed_content",
        title: "https integrator uses an http Document Server URL (mixed content)".into(),
        severity: State::Fail,
        confidence: Confidence::High,
        evidence: vec![ev(
            side_source(std::slice::from_ref(&m.source), "integration:config"),
            format!(
                "integrator at {} points the browser at {} (from {})",
                m.integrator_url, m.document_server_url, m.source
            ),
        )],
        explanation: "Browsers block http scripts and websockets on an https page: the editor's api.js never loads ('Mixed Content' in the browser console).".into(),
        next_steps: vec![
            "Serve the Document Server over https (behind the same proxy) and set the integrator's Document Server URL to the https address.".into(),
        ],
        action: None,
        explains: Vec::new(),
    })
}

/// The findings of an integration report.
pub fn findings(report: &IntegrationReport) -> Vec<Finding> {
    let mut v = Vec::new();
    v.extend(jwt_mismatch(report));
    v.extend(clock_skew(report));
    v.extend(storage_findings(report));
    v.extend(forwarded(report));
    v.extend(mixed(report));
    v
}

/// Add the integration findings to a diagnosis: a finding whose id is already there (e.g.
/// `jwt_mismatch` from the probes and logs) gets the new evidence and the higher confidence
/// and severity; others are appended. Unknown entries go to `unchecked`. `all_clear` is
/// cleared when a finding was added.
pub fn merge_into(d: &mut Diagnosis, report: &IntegrationReport) {
    for f in findings(report) {
        if let Some(old) = d.findings.iter_mut().find(|o| o.id == f.id) {
            for e in f.evidence {
                if !old.evidence.contains(&e) {
                    old.evidence.push(e);
                }
            }
            old.confidence = old.confidence.max(f.confidence);
            old.severity = old.severity.max(f.severity);
            for s in f.next_steps {
                if !old.next_steps.contains(&s) {
                    old.next_steps.push(s);
                }
            }
        } else {
            d.findings.push(f);
        }
    }
    for u in &report.unknown {
        if !d.unchecked.contains(u) {
            d.unchecked.push(u.clone());
        }
    }
    if !d.findings.is_empty() {
        d.all_clear = false;
    }
}

/// Checks for the walkthrough's "integration and auth" step.
pub fn walkthrough_checks(report: &IntegrationReport) -> Vec<StepCheck> {
    let mut v = Vec::new();
    for c in &report.comparison {
        v.push(StepCheck {
            label: format!(
                "JWT {}: Document Server vs {}",
                c.what, report.integrator.name
            ),
            state: c.state,
            evidence: format!("{} / {} — {}", c.docserver, c.integrator, c.note),
        });
    }
    v.push(StepCheck {
        label: format!(
            "command service with each secret ({})",
            report.command.url.as_deref().unwrap_or("no URL")
        ),
        state: report.command.state,
        evidence: report.command.verdict.clone(),
    });
    if let Some(s) = report.command.date_skew_secs {
        v.push(StepCheck {
            label: "clock skew against the Document Server".into(),
            state: if s.abs() > SKEW_LIMIT_SECS {
                State::Fail
            } else {
                State::Ok
            },
            evidence: format!("Date header {s} s from this box's clock"),
        });
    }
    for c in &report.storage {
        v.push(StepCheck {
            label: format!("storage {}", c.url),
            state: c.state,
            evidence: c.reason.clone(),
        });
    }
    if let Some(p) = &report.preflight {
        v.push(StepCheck {
            label: format!("CORS preflight {} from {}", p.url, p.origin),
            state: if p.http_status.is_some() {
                State::Ok
            } else {
                State::Unknown
            },
            evidence: p.reason.clone(),
        });
    }
    match &report.headers {
        Some(hs) if hs.is_empty() => v.push(StepCheck {
            label: "forwarded headers".into(),
            state: State::Unknown,
            evidence: "no nginx location proxies to the Document Server's port".into(),
        }),
        Some(hs) => {
            for h in hs {
                v.push(StepCheck {
                    label: format!("forwarded headers {} {}", h.server, h.location),
                    state: if h.missing.is_empty() {
                        State::Ok
                    } else {
                        State::Warn
                    },
                    evidence: if h.missing.is_empty() {
                        format!("all passed ({})", h.at)
                    } else {
                        format!("missing {} ({})", h.missing.join("; "), h.at)
                    },
                });
            }
        }
        None => {}
    }
    if let Some(m) = &report.mixed_content {
        v.push(StepCheck {
            label: "mixed content".into(),
            state: State::Fail,
            evidence: format!("{} → {}", m.integrator_url, m.document_server_url),
        });
    }
    for u in &report.unknown {
        v.push(StepCheck {
            label: u.what.clone(),
            state: State::Unknown,
            evidence: u.why.clone(),
        });
    }
    v
}
