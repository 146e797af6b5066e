//! Rules about the ONLYOFFICE integration: the two JWT sides, clocks, storage and callback
//! URLs, forwarded headers, mixed content. Each reads the integration report (when one was
//! collected) together with what the probes and logs say about the same cause.

use super::*;
use crate::diagnose::StepCheck;
use crate::onlyoffice::{IntegrationReport, SKEW_LIMIT_SECS, StorageIssue, TokenOutcome};

/// The integration report, when one was collected.
fn report<'a>(c: &Ctx<'a>) -> Option<&'a IntegrationReport> {
    c.input.integration
}

/// One finding from two views of the same cause: the second's evidence, next steps and
/// explained hops join the first's, with the higher confidence and severity.
pub(super) fn combine(a: Option<Finding>, b: Option<Finding>) -> Option<Finding> {
    match (a, b) {
        (Some(mut a), Some(b)) => {
            for e in b.evidence {
                if !a.evidence.contains(&e) {
                    a.evidence.push(e);
                }
            }
            for s in b.next_steps {
                if !a.next_steps.contains(&s) {
                    a.next_steps.push(s);
                }
            }
            for h in b.explains {
                if !a.explains.contains(&h) {
                    a.explains.push(h);
                }
            }
            a.confidence = a.confidence.max(b.confidence);
            a.severity = a.severity.max(b.severity);
            a.action = a.action.or(b.action);
            Some(a)
        }
        (a, b) => a.or(b),
    }
}

/// The JWT secrets or settings of the two sides differ, or the Document Server rejects a
/// signed token: from the command hop and the logs, and from the integration report.
pub(super) fn jwt_mismatch(c: &Ctx<'_>) -> Option<Finding> {
    combine(
        jwt_from_hops(c).filter(|f| is_current(c, f)),
        report(c).and_then(jwt_from_report),
    )
}

/// Tokens are seen as expired because the clocks disagree: from the probes and logs, and
/// from the integration report.
pub(super) fn clock_skew(c: &Ctx<'_>) -> Option<Finding> {
    combine(
        clock_from_hops(c).filter(|f| is_current(c, f)),
        report(c).and_then(clock_from_report),
    )
}

/// Storage or callback URLs answer with a redirect.
pub(super) fn callback_redirect(c: &Ctx<'_>) -> Option<Finding> {
    storage_finding(report(c)?, "callback_redirect")
}

/// The storage's certificate is not trusted (part of `tls_problem`).
pub(super) fn storage_tls(c: &Ctx<'_>) -> Option<Finding> {
    storage_finding(report(c)?, "tls_problem")
}

/// A storage URL resolves to an address the Document Server's filter blocks.
pub(super) fn private_ip_blocked(c: &Ctx<'_>) -> Option<Finding> {
    storage_finding(report(c)?, "private_ip_blocked")
}

/// The storage answers with 401/403/404.
pub(super) fn storage_denied(c: &Ctx<'_>) -> Option<Finding> {
    storage_finding(report(c)?, "storage_denied")
}

/// The storage cannot be reached.
pub(super) fn storage_unreachable(c: &Ctx<'_>) -> Option<Finding> {
    storage_finding(report(c)?, "storage_unreachable")
}

/// nginx does not pass the headers the Document Server needs.
pub(super) fn forwarded_headers_missing(c: &Ctx<'_>) -> Option<Finding> {
    forwarded(report(c)?)
}

/// An https integrator points browsers at an http Document Server.
pub(super) fn mixed_content(c: &Ctx<'_>) -> Option<Finding> {
    mixed(report(c)?)
}

fn storage_finding(r: &IntegrationReport, id: &str) -> Option<Finding> {
    storage_findings(r).into_iter().find(|f| f.id == id)
}

/// jwt_mismatch from the probes and logs: the command hop answered error 6, checkJwt lines.
fn jwt_from_hops(c: &Ctx<'_>) -> Option<Finding> {
    let rejected: Vec<&HopResult> = c.hops_where(|h| h.detail.ds_error == Some(6));
    let jwt_classes = [
        Class::DsJwtInvalidSignature,
        Class::DsJwtMalformed,
        Class::DsJwtMissing,
        Class::DsJwtInvalid,
    ];
    let logs = c.log_evidence(&jwt_classes);
    if rejected.is_empty() && logs.is_none() {
        return None;
    }
    let mut ev: Vec<Evidence> = rejected.iter().map(|h| probe_evidence(h)).collect();
    for h in &rejected {
        if let Some(j) = &h.detail.jwt {
            let ds = j
                .docserver_fingerprint
                .as_deref()
                .map(|f| format!("; the Document Server's local.json secret has fingerprint {f}"))
                .unwrap_or_else(|| "; the Document Server's secret could not be read".into());
            ev.push(Evidence {
                source: format!("probe:{}", h.name),
                fact: format!(
                    "token signed with the {} secret, fingerprint {}{ds}",
                    j.source,
                    j.fingerprint.as_deref().unwrap_or("none")
                ),
            });
        }
    }
    ev.extend(logs);
    Some(finding(
        "jwt_mismatch",
        "The JWT secrets of the Document Server and the integrator differ".into(),
        if rejected.is_empty() { Confidence::Medium } else { Confidence::High },
        ev,
        "The Document Server rejects tokens that are not signed with its own secret (command service error 6, checkJwt errors): editors fail to open with 'Document Server is not available' or download errors.",
        vec![
            "Compare services.CoAuthoring.secret.inbox.string in /etc/onlyoffice/documentserver/local.json with the integrator's secret (Nextcloud: occ config:app:get onlyoffice jwt_secret).".into(),
            "Set the same secret on both sides, then restart ds-docservice (and ds-converter).".into(),
        ],
        None,
        names(&rejected),
    ))
}

/// clock_skew from the probes and logs: error 7, a Date header far from this clock.
fn clock_from_hops(c: &Ctx<'_>) -> Option<Finding> {
    let expired: Vec<&HopResult> = c.hops_where(|h| h.detail.ds_error == Some(7));
    let skewed: Vec<&HopResult> =
        c.hops_where(|h| h.detail.date_skew_secs.is_some_and(|s| s.abs() > 120));
    let logs = c.log_evidence(&[Class::DsJwtExpired]);
    if expired.is_empty() && skewed.is_empty() && logs.is_none() {
        return None;
    }
    let mut ev: Vec<Evidence> = expired.iter().map(|h| probe_evidence(h)).collect();
    for h in &skewed {
        ev.push(Evidence {
            source: format!("probe:{}", h.name),
            fact: format!(
                "the server's Date header is {} s off this box's clock",
                h.detail.date_skew_secs.unwrap_or(0)
            ),
        });
    }
    ev.extend(logs);
    let mut explains = names(&expired);
    explains.extend(names(&skewed));
    Some(finding(
        "clock_skew",
        "Clocks disagree: tokens are seen as expired".into(),
        if !expired.is_empty() && !skewed.is_empty() {
            Confidence::High
        } else {
            Confidence::Medium
        },
        ev,
        "JWTs carry issue and expiry times; when the Document Server's and the integrator's clocks differ by minutes, valid tokens are rejected as expired (error 7).",
        vec!["Check timedatectl / chronyc tracking on both machines and enable NTP.".into()],
        None,
        explains,
    ))
}

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

fn jwt_from_report(r: &IntegrationReport) -> Option<Finding> {
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

fn clock_from_report(r: &IntegrationReport) -> Option<Finding> {
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
    let mut denied = Vec::new();
    for c in &r.storage {
        for i in &c.issues {
            let e = ev(
                "integration:storage",
                format!(
                    "{} ({}), checked from {}: {}",
                    c.url, c.purpose, c.from, c.reason
                ),
            );
            match i {
                StorageIssue::Redirect { .. } => redirect.push((e, c.state)),
                StorageIssue::Tls { .. } => tls.push((e, c.state)),
                StorageIssue::PrivateIp { .. } => private.push((e, State::Fail)),
                StorageIssue::Denied { .. } => denied.push((e, c.state)),
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
    if !denied.is_empty() {
        out.push(denied_finding(worst(&denied), dedup(denied)));
    }
    if !unreachable.is_empty() {
        out.push(Finding {
            id: "storage_unreachable",
            title: "The Document Server cannot reach the integrator's storage".into(),
            severity: worst(&unreachable),
            confidence: Confidence::Medium,
            evidence: dedup(unreachable),
            explanation: "Documents are downloaded from, and changes posted back to, the integrator's URLs; when they refuse, time out or do not resolve, documents do not open ('error downloadFile ... ECONNREFUSED/ESOCKETTIMEDOUT') or are not saved.".into(),
            next_steps: unreachable_steps(r),
            action: None,
            explains: Vec::new(),
        });
    }
    out
}

/// What to do about an unreachable storage; checked from a Document Server's own network
/// namespace and found on a loopback address, the usual container mistake is named.
fn unreachable_steps(r: &IntegrationReport) -> Vec<String> {
    let mut v = Vec::new();
    let inside = r.storage.iter().any(|c| {
        c.from != crate::onlyoffice::netns::THIS_BOX
            && c.issues
                .iter()
                .any(|i| matches!(i, StorageIssue::Unreachable { .. }))
            && !c.addresses.is_empty()
            && c.addresses.iter().all(|a| {
                a.parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
            })
    });
    if inside {
        v.push("Inside the Document Server's container, 127.0.0.1/localhost is the container itself: give the integrator a storage address the container can reach (the host's address, or the integrator's service name on a shared Docker network).".into());
    }
    v.push("curl -sv the URL from the Document Server's host (inside the container for Docker: docker exec … curl -sv URL).".into());
    v.push("Check the integrator's web server, its firewall, and the name's DNS as the Document Server sees it.".into());
    v
}

/// `storage_denied` from the active storage check: the storage answered 401/403/404 from here.
fn denied_finding(severity: State, evidence: Vec<Evidence>) -> Finding {
    Finding {
        id: "storage_denied",
        title: "The integrator's storage refuses the download (HTTP 4xx)".into(),
        severity,
        confidence: Confidence::Medium,
        evidence,
        explanation: "The Document Server downloads each document from the integrator's storage URL; a 401/403/404 there fails the download ('error downloadFile ... statusCode:403'). This box asked without the integrator's signed link, so the answer shows the URL is guarded or wrong, not yet that the Document Server's own requests fail.".into(),
        next_steps: vec![
            "For 401/403: the integrator checks the Document Server's JWT — make services.CoAuthoring.secret.outbox.string equal to the integrator's secret. For 404: check the storage address (Nextcloud: StorageUrl / overwrite.cli.url). An answer with x-powered-by: Express came from a Document Server: the storage name resolves to it.".into(),
        ],
        action: None,
        explains: Vec::new(),
    }
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

/// The checks of the integration report, for the walkthrough's "integration and auth" step.
pub(in crate::diagnose) fn checks(report: &IntegrationReport) -> Vec<StepCheck> {
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
            evidence: format!("{} (from {})", c.reason, c.from),
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

/// nginx's secure-link secret (`set $secure_link_secret …` in the Document Server's site)
/// differs from `storage.fs.secretString` of local.json/default.json: every link the Document
/// Server signs for `/cache/files` is refused by nginx with 403, so opened documents fail to
/// download (after an upgrade or a hand edit of one side). Compared by fingerprint only.
pub(super) fn secure_link_mismatch(c: &Ctx<'_>) -> Option<Finding> {
    let r = report(c)?;
    let ds_fp = r.docserver.secure_link_fingerprint.as_deref()?;
    let nginx = c.input.host.nginx?;
    let differ: Vec<&crate::host::nginx::SecureLinkSecret> = nginx
        .secure_link_secrets
        .iter()
        .filter(|s| s.fingerprint != ds_fp)
        .collect();
    if differ.is_empty() {
        return None;
    }
    let mut evidence: Vec<Evidence> = differ
        .iter()
        .map(|s| {
            ev(
                "host:nginx",
                format!(
                    "{} at {} has fingerprint {}",
                    s.variable, s.at, s.fingerprint
                ),
            )
        })
        .collect();
    evidence.push(ev(
        side_source(&r.docserver.sources, "integration:docserver-config"),
        format!(
            "storage.fs.secretString of the Document Server has fingerprint {ds_fp} (from {})",
            r.docserver.sources.join(", ")
        ),
    ));
    Some(Finding {
        id: "secure_link_mismatch",
        title: format!(
            "nginx's secure-link secret ({}) differs from the Document Server's storage.fs.secretString",
            differ[0].at
        ),
        severity: State::Fail,
        confidence: Confidence::High,
        evidence,
        explanation: "The Document Server signs the links to converted documents under /cache/files with storage.fs.secretString; nginx checks them with $secure_link_secret. When the two differ, nginx answers 403 to every such link: documents do not open ('Download failed') while every probe is green.".into(),
        next_steps: vec![
            "Make both equal: documentserver-update-securelink.sh (shipped with the Document Server) sets a new secret on both sides and restarts the services; or copy storage.fs.secretString into the nginx site's `set $secure_link_secret` by hand.".into(),
            "Then nginx -t, reload nginx, and restart ds-docservice and ds-converter.".into(),
        ],
        action: None,
        explains: Vec::new(),
    })
}
