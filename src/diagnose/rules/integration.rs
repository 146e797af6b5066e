//! Rules about the ONLYOFFICE integration: the two JWT sides, clocks, storage and callback
//! URLs, forwarded headers, mixed content. Each reads the integration report (when one was
//! collected) together with what the probes and logs say about the same cause.

use super::*;
use crate::diagnose::StepCheck;
use crate::onlyoffice::{IntegrationReport, SKEW_LIMIT_SECS, StorageIssue, TokenOutcome};
use crate::tr;

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
            let fp = j
                .fingerprint
                .clone()
                .unwrap_or_else(|| tr!("ev-jwt-fingerprint-none"));
            let fact = match j.docserver_fingerprint.as_deref() {
                Some(f) => tr!("ev-jwt-probe-token", source = j.source, fp = fp, ds = f),
                None => tr!("ev-jwt-probe-token-unread", source = j.source, fp = fp),
            };
            ev.push(Evidence {
                source: format!("probe:{}", h.name),
                fact,
            });
        }
    }
    ev.extend(logs);
    Some(finding(
        "jwt_mismatch",
        tr!("finding-jwt_mismatch-hops-title"),
        if rejected.is_empty() {
            Confidence::Medium
        } else {
            Confidence::High
        },
        ev,
        tr!("finding-jwt_mismatch-hops-why"),
        vec![
            tr!("finding-jwt_mismatch-hops-next-compare"),
            tr!("finding-jwt_mismatch-hops-next-same"),
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
            fact: tr!(
                "ev-clock-date-off",
                secs = h.detail.date_skew_secs.unwrap_or(0)
            ),
        });
    }
    ev.extend(logs);
    let mut explains = names(&expired);
    explains.extend(names(&skewed));
    Some(finding(
        "clock_skew",
        tr!("finding-clock_skew-title"),
        if !expired.is_empty() && !skewed.is_empty() {
            Confidence::High
        } else {
            Confidence::Medium
        },
        ev,
        tr!("finding-clock_skew-why"),
        vec![tr!("finding-clock_skew-next-ntp")],
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
        // i18n: not text (a comparison's key)
        .any(|c| c.what == "jwt enabled" && c.state == State::Fail);
    if !(differ || rejected || header_differs || enabled_differs) {
        return None;
    }
    let ig = &r.integrator;
    let unknown = || tr!("ev-jwt-fingerprint-unknown");
    let mut evidence = vec![
        ev(
            side_source(&r.docserver.sources, "integration:docserver-config"),
            tr!(
                "ev-jwt-docserver-secret",
                fp = r.docserver.fingerprint.clone().unwrap_or_else(unknown),
                sources = if r.docserver.sources.is_empty() {
                    tr!("ev-jwt-sources-none")
                } else {
                    r.docserver.sources.join(", ")
                }
            ),
        ),
        ev(
            side_source(&ig.sources, "integration:config"),
            tr!(
                "ev-jwt-integrator-secret",
                name = ig.name,
                fp = ig.fingerprint.clone().unwrap_or_else(unknown),
                source = ig
                    .secret_source
                    .clone()
                    .unwrap_or_else(|| tr!("ev-jwt-source-none"))
            ),
        ),
    ];
    for c in &r.comparison {
        if c.state == State::Fail && c.what != "secret" {
            evidence.push(ev("integration:compare", format!("{}: {}", c.what, c.note)));
        }
    }
    for p in &r.command.probes {
        let fp = p
            .fingerprint
            .clone()
            .unwrap_or_else(|| tr!("ev-jwt-fingerprint-none"));
        let d = &p.detail;
        let fact = match p.signed_by.as_str() {
            "docserver" => tr!("ev-jwt-command-docserver", fp = fp, detail = d),
            "integrator" => tr!(
                "ev-jwt-command-integrator",
                name = ig.name,
                fp = fp,
                detail = d
            ),
            "both" => tr!("ev-jwt-command-both", fp = fp, detail = d),
            _ => tr!("ev-jwt-command-none", fp = fp, detail = d),
        };
        evidence.push(ev("integration:command-probe", fact));
    }
    evidence.push(ev(
        "integration:command-probe",
        tr!("ev-jwt-verdict", verdict = r.command.verdict),
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
            tr!(
                "finding-jwt_mismatch-report-title-secrets",
                ds = r.docserver.fingerprint.as_deref().unwrap_or("?"),
                name = ig.name,
                fp = ig.fingerprint.as_deref().unwrap_or("?")
            )
        } else if header_differs || enabled_differs {
            tr!("finding-jwt_mismatch-report-title-settings", name = ig.name)
        } else {
            tr!("finding-jwt_mismatch-report-title-rejected")
        },
        severity,
        confidence,
        evidence,
        explanation: tr!("finding-jwt_mismatch-report-why", name = ig.name),
        next_steps: vec![
            tr!(
                "finding-jwt_mismatch-report-next-verdict",
                verdict = r.command.verdict
            ),
            tr!("finding-jwt_mismatch-report-next-compare"),
            tr!("finding-jwt_mismatch-report-next-equal"),
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
            if s >= 0 {
                tr!("ev-clock-date-ahead", secs = s)
            } else {
                tr!("ev-clock-date-behind", secs = s)
            },
        ));
    }
    if expired {
        evidence.push(ev(
            "integration:command-probe",
            tr!("ev-clock-token-expired"),
        ));
    }
    Some(Finding {
        id: "clock_skew",
        title: match skew {
            Some(s) => tr!("finding-clock_skew-title-by", secs = s),
            None => tr!("finding-clock_skew-title"),
        },
        severity: State::Fail,
        confidence: if off && expired {
            Confidence::High
        } else {
            Confidence::Medium
        },
        evidence,
        explanation: tr!("finding-clock_skew-why"),
        next_steps: vec![tr!("finding-clock_skew-next-ntp")],
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
                tr!(
                    "ev-storage-check",
                    url = c.url,
                    purpose = c.purpose,
                    from = c.from,
                    reason = c.reason
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
            title: tr!("finding-callback_redirect-report-title"),
            severity: worst(&redirect),
            confidence: Confidence::High,
            evidence: dedup(redirect),
            explanation: tr!("finding-callback_redirect-report-why"),
            next_steps: vec![
                tr!("finding-callback_redirect-report-next-final"),
                tr!("finding-callback_redirect-report-next-internal"),
            ],
            action: None,
            explains: Vec::new(),
        });
    }
    if !tls.is_empty() {
        out.push(Finding {
            id: "tls_problem",
            title: tr!("finding-tls_problem-report-title"),
            severity: worst(&tls),
            confidence: Confidence::High,
            evidence: dedup(tls),
            explanation: tr!("finding-tls_problem-report-why"),
            next_steps: vec![
                tr!("finding-tls_problem-report-next-ca"),
                tr!("finding-tls_problem-report-next-stopgap"),
            ],
            action: None,
            explains: Vec::new(),
        });
    }
    if !private.is_empty() {
        out.push(Finding {
            id: "private_ip_blocked",
            title: tr!("finding-private_ip_blocked-report-title"),
            severity: State::Fail,
            confidence: Confidence::Medium,
            evidence: dedup(private),
            explanation: tr!("finding-private_ip_blocked-report-why"),
            next_steps: vec![
                tr!("finding-private_ip_blocked-report-next-allow"),
                tr!("finding-private_ip_blocked-report-next-public"),
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
            title: tr!("finding-storage_unreachable-report-title"),
            severity: worst(&unreachable),
            confidence: Confidence::Medium,
            evidence: dedup(unreachable),
            explanation: tr!("finding-storage_unreachable-report-why"),
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
        v.push(tr!("finding-storage_unreachable-report-next-container"));
    }
    v.push(tr!("finding-storage_unreachable-report-next-curl"));
    v.push(tr!("finding-storage_unreachable-report-next-check"));
    v
}

/// `storage_denied` from the active storage check: the storage answered 401/403/404 from here.
fn denied_finding(severity: State, evidence: Vec<Evidence>) -> Finding {
    Finding {
        id: "storage_denied",
        title: tr!("finding-storage_denied-report-title"),
        severity,
        confidence: Confidence::Medium,
        evidence,
        explanation: tr!("finding-storage_denied-report-why"),
        next_steps: vec![tr!("finding-storage_denied-report-next-status")],
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
                tr!(
                    "ev-nginx-headers-missing",
                    server = h.server,
                    location = h.location,
                    pass = h.pass,
                    at = h.at,
                    missing = h.missing.join("; ")
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
        title: tr!(
            "finding-forwarded_headers_missing-title",
            headers = names.join(", ")
        ),
        severity: State::Warn,
        confidence: Confidence::High,
        evidence,
        explanation: tr!("finding-forwarded_headers_missing-why"),
        next_steps: vec![
            tr!("finding-forwarded_headers_missing-next-add"),
            tr!("finding-forwarded_headers_missing-next-inherit"),
        ],
        action: Some("reload:nginx".into()),
        explains: Vec::new(),
    })
}

fn mixed(r: &IntegrationReport) -> Option<Finding> {
    let m = r.mixed_content.as_ref()?;
    Some(Finding {
        id: "mixed_content",
        title: tr!("finding-mixed_content-title"),
        severity: State::Fail,
        confidence: Confidence::High,
        evidence: vec![ev(
            side_source(std::slice::from_ref(&m.source), "integration:config"),
            tr!(
                "ev-mixed-content-urls",
                integrator = m.integrator_url,
                docserver = m.document_server_url,
                source = m.source
            ),
        )],
        explanation: tr!("finding-mixed_content-why"),
        next_steps: vec![tr!("finding-mixed_content-next-https")],
        action: None,
        explains: Vec::new(),
    })
}

/// The checks of the integration report, for the walkthrough's "integration and auth" step.
pub(in crate::diagnose) fn checks(report: &IntegrationReport) -> Vec<StepCheck> {
    let mut v = Vec::new();
    for c in &report.comparison {
        v.push(StepCheck {
            label: tr!(
                "walk-integration-jwt-compare",
                what = c.what,
                name = report.integrator.name
            ),
            state: c.state,
            evidence: format!("{} / {} — {}", c.docserver, c.integrator, c.note),
        });
    }
    v.push(StepCheck {
        label: tr!(
            "walk-integration-command-secrets",
            url = report
                .command
                .url
                .clone()
                .unwrap_or_else(|| tr!("walk-integration-command-no-url"))
        ),
        state: report.command.state,
        evidence: report.command.verdict.clone(),
    });
    if let Some(s) = report.command.date_skew_secs {
        v.push(StepCheck {
            label: tr!("walk-integration-clock-skew"),
            state: if s.abs() > SKEW_LIMIT_SECS {
                State::Fail
            } else {
                State::Ok
            },
            evidence: tr!("walk-integration-clock-skew-date", secs = s),
        });
    }
    for c in &report.storage {
        v.push(StepCheck {
            label: tr!("walk-integration-storage", url = c.url),
            state: c.state,
            evidence: tr!(
                "walk-integration-storage-from",
                reason = c.reason,
                from = c.from
            ),
        });
    }
    if let Some(p) = &report.preflight {
        v.push(StepCheck {
            label: tr!(
                "walk-integration-cors-preflight",
                url = p.url,
                origin = p.origin
            ),
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
            label: tr!("walk-integration-forwarded-headers"),
            state: State::Unknown,
            evidence: tr!("walk-integration-forwarded-headers-none"),
        }),
        Some(hs) => {
            for h in hs {
                v.push(StepCheck {
                    label: tr!(
                        "walk-integration-forwarded-headers-location",
                        server = h.server,
                        location = h.location
                    ),
                    state: if h.missing.is_empty() {
                        State::Ok
                    } else {
                        State::Warn
                    },
                    evidence: if h.missing.is_empty() {
                        tr!("walk-integration-forwarded-headers-all", at = h.at)
                    } else {
                        tr!(
                            "walk-integration-forwarded-headers-missing",
                            missing = h.missing.join("; "),
                            at = h.at
                        )
                    },
                });
            }
        }
        None => {}
    }
    if let Some(m) = &report.mixed_content {
        v.push(StepCheck {
            label: tr!("walk-integration-mixed-content"),
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
                tr!(
                    "ev-secure-link-nginx",
                    variable = s.variable,
                    at = s.at,
                    fp = s.fingerprint
                ),
            )
        })
        .collect();
    evidence.push(ev(
        side_source(&r.docserver.sources, "integration:docserver-config"),
        tr!(
            "ev-secure-link-docserver",
            fp = ds_fp,
            sources = r.docserver.sources.join(", ")
        ),
    ));
    Some(Finding {
        id: "secure_link_mismatch",
        title: tr!("finding-secure_link_mismatch-title", at = differ[0].at),
        severity: State::Fail,
        confidence: Confidence::High,
        evidence,
        explanation: tr!("finding-secure_link_mismatch-why"),
        next_steps: vec![
            tr!("finding-secure_link_mismatch-next-equal"),
            tr!("finding-secure_link_mismatch-next-restart"),
        ],
        action: None,
        explains: Vec::new(),
    })
}
