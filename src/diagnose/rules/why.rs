//! Why the Document Server is down, when it is for a reason a restart cannot fix: another
//! program holds its port (`port_taken`), its settings file does not parse
//! (`ds_config_invalid`), or it keeps exiting (`service_crash_loop`, with the last lines it
//! wrote as the reason). None of them offers a restart: it would fail the same way.

use super::*;
use crate::host::services::{Answered, ServiceStatus};
use crate::logs::Record;
use crate::tr;

/// The application behind nginx as the chain names it: a service of an upstream hop and the
/// port that hop reaches, each pair once.
fn upstream_services(c: &Ctx<'_>) -> Vec<(String, u16)> {
    let mut v: Vec<(String, u16)> = Vec::new();
    for h in c.input.cfg.hops.iter().filter(|h| h.role == Role::Upstream) {
        if let (Some(s), Some(p)) = (h.service.clone(), h.port())
            && !v.iter().any(|(s2, p2)| *s2 == s && *p2 == p)
        {
            v.push((s, p));
        }
    }
    v
}

/// The red hops an upstream cause explains: the upstream hops and those through the proxy.
fn upstream_red(c: &Ctx<'_>) -> Vec<String> {
    names(&dependents(c, &[Role::Upstream, Role::ViaProxy]))
}

/// Whether a process is the service's: its main pid, or a descendant of it as far as the
/// sampled processes tell. `None` when the ancestry is not known.
fn belongs_to(c: &Ctx<'_>, owner: i32, shared: &[i32], main: u32) -> Option<bool> {
    let main = i32::try_from(main).ok()?;
    if owner == main || shared.contains(&main) {
        return Some(true);
    }
    let procs = c.input.host.processes?;
    let all = || {
        procs
            .chain
            .iter()
            .chain(&procs.top_cpu)
            .chain(&procs.top_rss)
    };
    let mut pid = u32::try_from(owner).ok()?;
    for _ in 0..64 {
        let p = all().find(|p| p.pid == pid)?;
        match p.ppid {
            Some(pp) if i32::try_from(pp).ok() == Some(main) => return Some(true),
            Some(0 | 1) | None => return Some(false),
            Some(pp) => pid = pp,
        }
    }
    None
}

/// Who listens on `port` when it is not `svc`: `(owner text, pid)` per foreign listener. `None`
/// when the sockets are unknown, nothing listens, or whether a listener is the service's cannot
/// be told (an owner hidden, a running service whose process tree is not known, Docker's proxy).
fn foreign_listeners(c: &Ctx<'_>, port: u16, svc: &ServiceStatus) -> Option<Vec<String>> {
    if svc.backend == Answered::Docker || svc.state == ServiceState::Unknown {
        return None;
    }
    let ls = c.listeners_on(port)?;
    let mut foreign = Vec::new();
    for l in ls {
        let crate::host::Owner::Process {
            pid,
            name,
            shared_with,
        } = &l.owner
        else {
            return None;
        };
        let ours = match svc.pid {
            // Not running: whatever holds its port is someone else.
            _ if service_is_down(&svc.state) => false,
            Some(main) => belongs_to(c, *pid, shared_with, main)?,
            None => return None,
        };
        if !ours {
            foreign.push(tr!(
                "finding-port_taken-holder",
                name = name,
                pid = pid,
                addr = l.addr,
                port = l.port
            ));
        }
    }
    (!foreign.is_empty()).then_some(foreign)
}

/// A health hop on `port` that got an HTTP answer that is not `true`/`false`: something else
/// answers there.
fn odd_health<'a>(c: &Ctx<'a>, port: u16) -> Option<&'a HopResult> {
    c.by_role(Role::Upstream).find(|h| {
        h.kind == HopKind::DocserverHealth
            && h.state == State::Fail
            && h.detail.health.is_none()
            && h.detail.http_status.is_some()
            && c.hop_cfg(&h.name).and_then(|x| x.port()) == Some(port)
    })
}

/// Whether a log message names `port` as the one in use (`… address already in use :::8000`).
fn names_port(msg: &str, port: u16) -> bool {
    let p = format!(":{port}");
    msg.split_whitespace()
        .any(|w| w.trim_end_matches([',', '.', ')']).ends_with(&p))
}

/// The last error a service wrote: the last line of its output that does not start with
/// white space (a stack's frames do), i.e. its latest failed start's words.
fn last_error(s: &ServiceStatus) -> Option<&str> {
    s.log_tail
        .iter()
        .rev()
        .find(|l| !l.starts_with(char::is_whitespace))
        .map(String::as_str)
}

pub(super) fn port_taken(c: &Ctx<'_>) -> Option<Finding> {
    for (name, port) in upstream_services(c) {
        // Nothing listens there now: whoever held it has gone (its EADDRINUSE is history).
        if listener_evidence(c, port).is_some_and(|(l, _)| !l) {
            continue;
        }
        let svc = c.service(&name);
        let foreign = svc.and_then(|s| foreign_listeners(c, port, s));
        let odd = odd_health(c, port);
        let tail_says = svc
            .and_then(last_error)
            .is_some_and(|l| l.contains("EADDRINUSE") && names_port(l, port));
        if foreign.is_none() && odd.is_none() && !tail_says {
            continue;
        }
        let logs: Vec<&Record> = c
            .input
            .logs
            .iter()
            .filter(|r| r.class() == Class::DsPortInUse && names_port(r.message(), port))
            .collect();
        let mut ev = Vec::new();
        if let Some(s) = service_evidence(c, &name) {
            ev.push(s);
        }
        if let Some(f) = &foreign {
            ev.push(Evidence {
                source: "host:sockets".into(),
                fact: tr!(
                    "finding-port_taken-ev-held",
                    port = port,
                    holders = f.join(", "),
                    name = name
                ),
            });
        } else if let Some((_, e)) = listener_evidence(c, port) {
            ev.push(e);
        }
        if let Some(h) = odd {
            let mut e = probe_evidence(h);
            if let Some(s) = &h.detail.server {
                e.fact = tr!("finding-port_taken-ev-server", fact = e.fact, server = s);
            }
            ev.push(e);
        }
        if tail_says && let Some(s) = svc {
            ev.push(tail_evidence(s, 3));
        }
        ev.extend(Ctx::evidence_of(&logs));
        let signals = usize::from(foreign.is_some())
            + usize::from(odd.is_some())
            + usize::from(tail_says || !logs.is_empty());
        let owner = match &foreign {
            Some(f) => f.join(", "),
            None => tr!("finding-port_taken-owner-unknown"),
        };
        let mut steps = vec![tr!(
            "finding-port_taken-next-free",
            owner = owner,
            port = port,
            name = name
        )];
        if foreign.is_none() {
            steps.push(tr!("finding-port_taken-next-find", port = port));
        }
        steps.push(tr!("finding-port_taken-next-move", name = name));
        let mut explains = upstream_red(c);
        if explains.is_empty()
            && let Some(h) = odd
        {
            explains.push(h.name.clone());
        }
        return Some(finding(
            "port_taken",
            tr!(
                "finding-port_taken-title",
                port = port,
                name = name,
                owner = owner
            ),
            if signals >= 2 {
                Confidence::High
            } else {
                Confidence::Medium
            },
            ev,
            tr!("finding-port_taken-why"),
            steps,
            None,
            explains,
        ));
    }
    None
}

/// The last lines a service wrote, as evidence (at most `n` lines, the newest last).
fn tail_evidence(s: &ServiceStatus, n: usize) -> Evidence {
    let from = s.log_tail.len().saturating_sub(n);
    Evidence {
        source: format!(
            "host:services ({})",
            s.log_source
                .clone()
                .unwrap_or_else(|| tr!("finding-tail-its-output"))
        ),
        fact: tr!(
            "finding-tail-last-output",
            lines = s.log_tail[from..].join(" ⏎ ")
        ),
    }
}

/// The upstream service that is down or keeps exiting, if any.
fn down_upstream<'a>(c: &Ctx<'a>) -> Option<&'a ServiceStatus> {
    upstream_services(c)
        .into_iter()
        .filter_map(|(n, _)| c.service(&n))
        .find(|s| s.is_exiting() || service_is_down(&s.state))
}

pub(super) fn ds_config_invalid(c: &Ctx<'_>) -> Option<Finding> {
    let ds = c.input.integration.map(|r| &r.docserver);
    let errors = ds.map(|d| d.config_errors.as_slice()).unwrap_or_default();
    let logged: Vec<&Record> = c
        .input
        .logs
        .iter()
        .filter(|r| r.class() == Class::DsConfigParse)
        .collect();
    let down = down_upstream(c);
    let tail_says = down
        .and_then(last_error)
        .is_some_and(|l| l.contains("Cannot parse config file")); // i18n: not text
    // The files were read and parse: a logged parse error is from before they were fixed.
    let unconfirmed = match ds {
        Some(d) => errors.is_empty() && !d.config_unreadable.is_empty(),
        None => true,
    };
    if errors.is_empty() && !(tail_says && unconfirmed) {
        return None;
    }
    let mut ev: Vec<Evidence> = errors
        .iter()
        .map(|e| Evidence {
            source: "integration:docserver-config".into(),
            fact: tr!(
                "finding-ds_config_invalid-ev-parse",
                file = e.file,
                error = e.describe()
            ),
        })
        .collect();
    if errors.is_empty() {
        for u in ds
            .map(|d| d.config_unreadable.as_slice())
            .unwrap_or_default()
        {
            ev.push(Evidence {
                source: "integration:docserver-config".into(),
                fact: tr!("finding-ds_config_invalid-ev-unconfirmed", why = u),
            });
        }
    }
    if let Some(s) = down {
        ev.extend(service_evidence(c, &s.name));
        if tail_says {
            ev.push(tail_evidence(s, 2));
        }
    }
    ev.extend(Ctx::evidence_of(&logged));
    let service = down
        .map(|s| s.name.clone())
        .or_else(|| upstream_services(c).first().map(|(n, _)| n.clone()))
        .unwrap_or_else(|| tr!("finding-ds_config_invalid-the-docserver"));
    let (title, first) = match errors.first() {
        Some(e) => (
            tr!(
                "finding-ds_config_invalid-title",
                file = e.file,
                line = e.line,
                column = e.column,
                // i18n: not text (the parser's word for the end of the text)
                at = if e.token == "end of file" {
                    tr!("finding-ds_config_invalid-eof")
                } else {
                    format!("`{}`", e.token)
                },
                service = service
            ),
            tr!(
                "finding-ds_config_invalid-next-fix",
                file = e.file,
                line = e.line,
                column = e.column,
                message = e.message
            ),
        ),
        None => (
            tr!("finding-ds_config_invalid-title-exits", service = service),
            tr!("finding-ds_config_invalid-next-fix-named"),
        ),
    };
    let mut f = finding(
        "ds_config_invalid",
        title,
        if !errors.is_empty() && (down.is_some() || !logged.is_empty()) {
            Confidence::High
        } else {
            Confidence::Medium
        },
        ev,
        tr!("finding-ds_config_invalid-why"),
        vec![
            first,
            tr!("finding-ds_config_invalid-next-start", service = service),
        ],
        None,
        upstream_red(c),
    );
    // Running on the settings it read at its start: the next restart will fail.
    if down.is_none() && c.red().next().is_none() {
        f.severity = State::Warn;
        f.title = tr!(
            "finding-ds_config_invalid-title-next-restart",
            title = f.title
        );
    }
    Some(f)
}

/// Whether a service's state says it keeps exiting, and in what words.
fn crash_looping(s: &ServiceStatus) -> Option<String> {
    let sub = s.sub_state.as_deref().unwrap_or("");
    match s.backend {
        Answered::Supervisor => match sub {
            // i18n: not text (supervisor's state and words)
            "BACKOFF" => Some(format!("supervisor BACKOFF: {}", s.detail)),
            // i18n: not text (supervisor's words, matched)
            "FATAL" if s.detail.contains("Exited too quickly") => Some(tr!(
                "finding-service_crash_loop-how-fatal",
                detail = s.detail
            )),
            _ => None,
        },
        Answered::Systemd => {
            let restarts = s.restarts.unwrap_or(0);
            if s.detail.contains("Result=start-limit-hit") {
                Some(tr!(
                    "finding-service_crash_loop-how-limit",
                    restarts = restarts,
                    detail = s.detail
                ))
            } else if s.state == ServiceState::Restarting && restarts >= 2 {
                // i18n: not text (systemd's state and property)
                Some(format!("systemd auto-restart, NRestarts={restarts}"))
            } else if s.state == ServiceState::Failed && restarts >= 3 {
                Some(tr!(
                    "finding-service_crash_loop-how-failed",
                    restarts = restarts
                ))
            } else {
                None
            }
        }
        Answered::Docker => {
            let restarts = s.restarts.unwrap_or(0);
            if s.state == ServiceState::Restarting
                || (restarts >= 3 && !s.state.is_up() && s.is_exiting())
            {
                Some(format!("docker {sub}, RestartCount={restarts}"))
            } else {
                None
            }
        }
        Answered::None => None,
    }
}

pub(super) fn service_crash_loop(c: &Ctx<'_>) -> Option<Finding> {
    let ups: Vec<String> = upstream_services(c).into_iter().map(|(n, _)| n).collect();
    let services = c.input.host.services?;
    // The application behind nginx first, then the rest of the chain's services.
    let mut looping: Vec<(&ServiceStatus, String)> = services
        .iter()
        .filter_map(|s| crash_looping(s).map(|w| (s, w)))
        .collect();
    looping.sort_by_key(|(s, _)| !ups.contains(&s.name));
    let (s, how) = looping.into_iter().next()?;
    let mut ev = vec![Evidence {
        source: "host:services".into(),
        fact: tr!("finding-service_crash_loop-ev", name = s.name, how = how),
    }];
    ev.extend(service_evidence(c, &s.name));
    let reason = last_error(s).map(str::to_string);
    if !s.log_tail.is_empty() {
        ev.push(tail_evidence(s, 5));
    } else if let Some(src) = &s.log_source {
        ev.push(Evidence {
            source: "host:services".into(),
            fact: tr!("finding-service_crash_loop-ev-source", source = src),
        });
    }
    ev.extend(c.log_evidence(&[
        Class::DsConfigParse,
        Class::DsPortInUse,
        Class::DsInstallBroken,
    ]));
    let read = match s.backend {
        Answered::Systemd => format!("journalctl -u {} -n 50", s.unit),
        Answered::Docker => format!("docker logs --tail 50 {}", s.unit), // i18n: not text
        _ => tr!("finding-service_crash_loop-read-supervisor", unit = s.unit),
    };
    let start = match s.backend {
        // i18n: not text
        Answered::Systemd => format!("systemctl reset-failed {0} && systemctl start {0}", s.unit),
        Answered::Docker => format!("docker start {}", s.unit), // i18n: not text
        _ => format!("supervisorctl start {}", s.unit),         // i18n: not text
    };
    let explains = if ups.contains(&s.name) {
        upstream_red(c)
    } else {
        c.red()
            .filter(|h| c.hop_cfg(&h.name).and_then(|x| x.service.as_deref()) == Some(&s.name))
            .map(|h| h.name.clone())
            .collect()
    };
    Some(finding(
        "service_crash_loop",
        match &reason {
            Some(r) => tr!(
                "finding-service_crash_loop-title",
                name = s.name,
                reason = crate::util::shorten(r, 120)
            ),
            None => tr!(
                "finding-service_crash_loop-title-how",
                name = s.name,
                how = how
            ),
        },
        if reason.is_some() {
            Confidence::High
        } else {
            Confidence::Medium
        },
        ev,
        tr!("finding-service_crash_loop-why"),
        vec![
            tr!("finding-service_crash_loop-next-read", command = read),
            tr!("finding-service_crash_loop-next-start", command = start),
        ],
        None,
        explains,
    ))
}

#[cfg(test)]
mod tests;
