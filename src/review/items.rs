//! The checklist items of the readiness review, one function per group of facts.

use super::{Check, Input, Item, runbook};
use crate::host::services::Answered;
use crate::tr;

fn item(id: &'static str, subject: Option<String>, check: Check, fact: String) -> Item {
    Item {
        id,
        subject,
        check,
        fact,
        runbook: runbook(id),
        change: None,
    }
}

fn with_change(mut i: Item, change: Option<String>) -> Item {
    if i.check == Check::Warn {
        i.change = change;
    }
    i
}

/// systemd's `RestartUSec` (`100ms`, `5s`, `1min 30s`) in milliseconds.
fn systemd_ms(v: &str) -> Option<u64> {
    let mut total = 0u64;
    for part in v.split_whitespace() {
        let at = part.find(|c: char| !c.is_ascii_digit())?;
        let (n, unit) = part.split_at(at);
        let n: u64 = n.parse().ok()?;
        if unit == "us" {
            total += n / 1000;
            continue;
        }
        total += n * match unit {
            "ms" => 1,
            "s" => 1000,
            "min" => 60_000,
            "h" => 3_600_000,
            _ => return None,
        };
    }
    Some(total)
}

/// `service_restart` and `service_boot`, for every chain service a manager answered for.
pub(super) fn services(input: &Input<'_>, out: &mut Vec<Item>) {
    for s in &input.readiness.services {
        let subject = Some(s.name.clone());
        if let Some(u) = &s.unknown {
            for id in ["service_restart", "service_boot"] {
                out.push(item(id, subject.clone(), Check::Unknown, u.reason.clone()));
            }
            continue;
        }
        let restart = s.restart.as_deref().unwrap_or("");
        let (check, fact, change) = match s.manager {
            Answered::Systemd => {
                let ms = s.restart_sec.as_deref().and_then(systemd_ms);
                let restarts = restart != "no" && !restart.is_empty();
                let fact = format!(
                    "{}: Restart={restart} RestartSec={}",
                    s.source,
                    s.restart_sec.as_deref().unwrap_or("?")
                );
                let check = match (restarts, ms) {
                    (false, _) => Check::Warn,
                    // systemd's default 100 ms: five quick crashes and the start limit leaves
                    // the unit failed for good.
                    (true, Some(ms)) if ms < 1000 => Check::Warn,
                    (true, Some(_)) => Check::Pass,
                    (true, None) => Check::Unknown,
                };
                let change = tr!(
                    "review-service_restart-change-systemd",
                    unit = s.unit.trim_end_matches(".service")
                );
                (check, fact, change)
            }
            Answered::Supervisor => (
                if restart == "false" {
                    Check::Warn
                } else {
                    Check::Pass
                },
                format!("{}: autorestart={restart}", s.source),
                tr!(
                    "review-service_restart-change-supervisor",
                    source = s.source
                ),
            ),
            Answered::Docker => (
                if matches!(restart, "always" | "unless-stopped" | "on-failure") {
                    Check::Pass
                } else {
                    Check::Warn
                },
                tr!(
                    "review-fact-docker-policy",
                    source = s.source,
                    policy = restart
                ),
                // i18n: not text (a command)
                format!("docker update --restart unless-stopped {}", s.unit),
            ),
            Answered::None => (Check::Unknown, tr!("review-fact-no-manager"), String::new()),
        };
        out.push(with_change(
            item("service_restart", subject.clone(), check, fact),
            Some(change),
        ));
        let boot = s.at_boot.as_deref().unwrap_or("");
        let (check, fact, change) = match s.manager {
            Answered::Systemd => (
                match boot {
                    "enabled" | "enabled-runtime" | "alias" | "static" | "indirect" => Check::Pass,
                    "" => Check::Unknown,
                    _ => Check::Warn,
                },
                format!("{}: UnitFileState={boot}", s.source),
                // i18n: not text (a command)
                format!("systemctl enable --now {}", s.unit),
            ),
            Answered::Supervisor => (
                if boot == "false" {
                    Check::Warn
                } else {
                    Check::Pass
                },
                tr!(
                    "review-service_boot-fact-supervisor",
                    source = s.source,
                    value = boot
                ),
                tr!("review-service_boot-change-supervisor", source = s.source),
            ),
            Answered::Docker => (
                if matches!(boot, "always" | "unless-stopped") {
                    Check::Pass
                } else {
                    Check::Warn
                },
                tr!(
                    "review-fact-docker-policy",
                    source = s.source,
                    policy = boot
                ),
                // i18n: not text (a command)
                format!("docker update --restart unless-stopped {}", s.unit),
            ),
            Answered::None => (Check::Unknown, tr!("review-fact-no-manager"), String::new()),
        };
        out.push(with_change(
            item("service_boot", subject, check, fact),
            Some(change),
        ));
    }
}

fn mib(b: u64) -> String {
    format!("{:.0} MiB", b as f64 / 1_048_576.0)
}

/// `memory_limit` per limited service, `memory_box` for the box.
pub(super) fn memory(input: &Input<'_>, out: &mut Vec<Item>) {
    for s in &input.readiness.services {
        let Some(max) = s.memory_max else { continue };
        let subject = Some(s.name.clone());
        let Some(cur) = s.memory_current else {
            out.push(item(
                "memory_limit",
                subject,
                Check::Unknown,
                tr!(
                    "review-memory_limit-fact-no-use",
                    source = s.source,
                    limit = mib(max)
                ),
            ));
            continue;
        };
        let used = cur as f64 / max as f64 * 100.0;
        let check = if used >= 90.0 {
            Check::Warn
        } else {
            Check::Pass
        };
        let change = tr!("review-memory_limit-change", unit = s.unit);
        out.push(with_change(
            item(
                "memory_limit",
                subject,
                check,
                tr!(
                    "review-memory_limit-fact",
                    source = s.source,
                    current = mib(cur),
                    max = mib(max),
                    percent = format!("{used:.0}")
                ),
            ),
            Some(change),
        ));
    }
    let Some(m) = input.host.and_then(|h| h.memory.value()) else {
        out.push(item(
            "memory_box",
            None,
            Check::Unknown,
            tr!("review-memory_box-no-facts"),
        ));
        return;
    };
    let avail = m.available_percent();
    let psi = m.psi_some.as_ref().map(|p| p.avg300);
    let swap_used = (m.swap_total_bytes > 0).then(|| {
        (m.swap_total_bytes - m.swap_free_bytes.min(m.swap_total_bytes)) as f64
            / m.swap_total_bytes as f64
            * 100.0
    });
    let fact = tr!(
        "review-memory_box-fact",
        avail = format!("{avail:.0}"),
        total = mib(m.total_bytes),
        psi = match psi {
            Some(p) => tr!("review-memory_box-psi", psi = format!("{p:.1}")),
            None => tr!("review-memory_box-no-psi"),
        },
        swap = match swap_used {
            Some(s) => tr!("review-memory_box-swap", used = format!("{s:.0}")),
            None => tr!("review-memory_box-no-swap"),
        }
    );
    let weak =
        avail < 15.0 || psi.is_some_and(|p| p >= 10.0) || swap_used.is_some_and(|s| s >= 90.0);
    out.push(with_change(
        item(
            "memory_box",
            None,
            if weak { Check::Warn } else { Check::Pass },
            fact,
        ),
        Some(tr!("review-memory_box-change")),
    ));
}

/// The ports the chain reaches the Document Server on (its upstream hops).
fn ds_ports(input: &Input<'_>) -> Vec<u16> {
    let mut p: Vec<u16> = input
        .cfg
        .hops
        .iter()
        .filter(|h| h.role == crate::config::Role::Upstream)
        .filter_map(crate::config::Hop::port)
        .collect();
    if let Some(i) = input.integration {
        p.extend(&i.docservice_ports);
    }
    p.sort_unstable();
    p.dedup();
    p
}

/// `upstream_failover` and `proxy_timeouts`, for every nginx location that proxies to the
/// Document Server's port.
pub(super) fn nginx(input: &Input<'_>, out: &mut Vec<Item>) {
    let host = input.host;
    let (Some(n), Some(targets)) = (
        host.and_then(|h| h.nginx.value()),
        host.and_then(|h| h.targets.value()),
    ) else {
        for id in ["upstream_failover", "proxy_timeouts", "proxy_buffers"] {
            out.push(item(id, None, Check::Unknown, tr!("review-nginx-unread")));
        }
        return;
    };
    let ports = ds_ports(input);
    let mut seen: Vec<(String, String)> = Vec::new();
    for m in targets {
        let port = crate::util::split_host_port(&m.endpoint).map(|(_, p)| p);
        if !port.is_some_and(|p| ports.contains(&p))
            || seen.contains(&(m.server.clone(), m.location.clone()))
        {
            continue;
        }
        seen.push((m.server.clone(), m.location.clone()));
        let subject = Some(format!("{} {}", m.server, m.location));
        let loc = n.proxied_locations().find(|(s, l)| {
            s.label() == m.server
                && match &l.modifier {
                    Some(md) => format!("{md} {}", l.path),
                    None => l.path.clone(),
                } == m.location
        });
        let settings = loc.map(|(_, l)| &l.settings);
        // nginx tries another server only on what proxy_next_upstream names (`off`: never).
        let retry = settings.map(|st| {
            let v = &st.next_upstream;
            let useful = v.value != "off"
                && v.value
                    .split_whitespace()
                    .any(|w| w == "error" || w == "timeout");
            (
                useful,
                format!("proxy_next_upstream {} ({})", v.value, set_at(v)),
            )
        });
        let (redundant, what) = match m.upstream.as_deref().and_then(|u| n.upstream(u)) {
            Some(u) => {
                use crate::host::nginx::TargetStatus as T;
                let backups = u.servers.iter().filter(|s| s.backup).count();
                let primaries = u.servers.len() - backups;
                // A second server counts only when something answers there.
                let live = targets
                    .iter()
                    .filter(|o| o.server == m.server && o.location == m.location)
                    .filter(|o| o.upstream.as_deref() == Some(u.name.as_str()))
                    .filter(|o| matches!(o.status, T::Listening | T::Remote | T::UnixSocketPresent))
                    .count();
                (
                    (primaries > 1 || backups > 0) && live >= 2,
                    tr!(
                        "review-upstream_failover-group",
                        name = u.name,
                        at = u.at,
                        primaries = primaries,
                        backups = backups,
                        live = live
                    ),
                )
            }
            None => (
                false,
                tr!(
                    "review-upstream_failover-single",
                    directive = m.directive,
                    target = m.target
                ),
            ),
        };
        let (check, fact) = match &retry {
            Some((useful, r)) => (
                if redundant && *useful {
                    Check::Pass
                } else {
                    Check::Warn
                },
                tr!("review-upstream_failover-fact", what = what, retry = r),
            ),
            None if redundant => (
                Check::Unknown,
                tr!("review-upstream_failover-no-retry", what = what),
            ),
            None => (Check::Warn, what),
        };
        out.push(with_change(
            item("upstream_failover", subject.clone(), check, fact),
            Some(tr!("review-upstream_failover-change")),
        ));
        if let Some(st) = settings {
            let t = &st.read_timeout;
            let secs = nginx_secs(&t.value);
            let check = match secs {
                Some(s) if s >= 60 => Check::Pass,
                Some(_) => Check::Warn,
                None => Check::Unknown,
            };
            out.push(with_change(
                item(
                    "proxy_timeouts",
                    subject.clone(),
                    check,
                    format!("proxy_read_timeout {} ({})", t.value, set_at(t)),
                ),
                Some(tr!("review-proxy_timeouts-change")),
            ));
            let endpoints: Vec<&str> = targets
                .iter()
                .filter(|o| o.server == m.server && o.location == m.location)
                .map(|o| o.endpoint.as_str())
                .collect();
            out.push(header_buffers(input, subject, st, &endpoints));
        }
    }
    if seen.is_empty() {
        for id in ["upstream_failover", "proxy_timeouts", "proxy_buffers"] {
            out.push(item(id, None, Check::Unknown, {
                let list = ports
                    .iter()
                    .map(u16::to_string)
                    .collect::<Vec<_>>()
                    .join(&tr!("host-sep-comma"));
                if ports.len() == 1 {
                    tr!("review-nginx-no-location-one", ports = list)
                } else {
                    tr!("review-nginx-no-location-many", ports = list)
                }
            }));
        }
    }
}

/// Where an effective nginx setting comes from: `set at FILE:LINE` or `nginx's default`.
fn set_at(e: &crate::host::nginx::Effective) -> String {
    e.at.as_deref()
        .map(|a| tr!("review-nginx-set-at", at = a))
        .unwrap_or_else(|| tr!("review-nginx-default"))
}

/// `proxy_buffers`: the largest headers the Document Server sent fit nginx's buffer —
/// WARN when nginx's error log (the entries the engine holds) says `upstream sent too big
/// header`, about one of the location's `endpoints` (an entry naming no upstream counts
/// too); UNKNOWN when no nginx error log could be read.
fn header_buffers(
    input: &Input<'_>,
    subject: Option<String>,
    st: &crate::host::nginx::ProxySettings,
    endpoints: &[&str],
) -> Item {
    use crate::logs::{Class, Record};
    let size = format!(
        "proxy_buffer_size {} ({})",
        st.buffer_size.value,
        set_at(&st.buffer_size)
    );
    let change = tr!("review-proxy_buffers-change");
    let Some(book) = input.logs else {
        return item(
            "proxy_buffers",
            subject,
            Check::Unknown,
            tr!("review-proxy_buffers-log-unread", size = size),
        );
    };
    let nginx_entries = || {
        book.entries
            .iter()
            .filter(|r| matches!(r, Record::Nginx(_)))
    };
    // `upstream: "http://127.0.0.1:8000/path"`: its host:port is the endpoint
    let here = |r: &Record| match r {
        Record::Nginx(e) => e.upstream.as_deref().is_none_or(|u| {
            let auth = u.split_once("://").map_or(u, |(_, rest)| rest);
            let auth = auth.split('/').next().unwrap_or(auth);
            endpoints.contains(&auth)
        }),
        Record::DocServer(_) => false,
    };
    let too_big: Vec<&Record> = nginx_entries()
        .filter(|r| r.class() == Class::HeaderTooBig && here(r))
        .collect();
    if let Some(last) = too_big.last() {
        let when = match last {
            Record::Nginx(e) => e.time,
            Record::DocServer(_) => None,
        };
        return with_change(
            item(
                "proxy_buffers",
                subject,
                Check::Warn,
                match when {
                    Some(t) => tr!(
                        "review-proxy_buffers-too-big-last",
                        count = too_big.len(),
                        time = t,
                        size = size
                    ),
                    None => tr!(
                        "review-proxy_buffers-too-big",
                        count = too_big.len(),
                        size = size
                    ),
                },
            ),
            Some(change),
        );
    }
    let unread: Vec<&String> = input
        .cfg
        .logs
        .nginx_error
        .iter()
        .filter_map(|p| book.notices.get(&p.display().to_string()))
        .filter(|n| {
            // The follower's notice kinds, in the language the engine wrote them in (this
            // process's).
            use crate::logs::follow::NoticeKind as K;
            [K::Missing, K::PermissionDenied, K::Error]
                .iter()
                .any(|k| n.starts_with(&format!("{k}:")))
        })
        .collect();
    if input.cfg.logs.nginx_error.is_empty() || unread.len() == input.cfg.logs.nginx_error.len() {
        let fact = match unread.first() {
            Some(n) => tr!("review-proxy_buffers-log-failed", why = n, size = size),
            None => tr!("review-proxy_buffers-log-none", size = size),
        };
        return item("proxy_buffers", subject, Check::Unknown, fact);
    }
    item(
        "proxy_buffers",
        subject,
        Check::Pass,
        tr!(
            "review-proxy_buffers-pass",
            count = nginx_entries().count(),
            size = size
        ),
    )
}

/// An nginx time (`60s`, `2m`, `1h`, `90`) in seconds.
fn nginx_secs(v: &str) -> Option<u64> {
    let v = v.trim();
    let (num, mul) = match v.char_indices().last()? {
        (i, 's') if !v.ends_with("ms") => (&v[..i], 1),
        (_, 's') => return Some(0),
        (i, 'm') => (&v[..i], 60),
        (i, 'h') => (&v[..i], 3600),
        (i, 'd') => (&v[..i], 86_400),
        _ => (v, 1),
    };
    num.parse::<u64>().ok().map(|n| n * mul)
}

/// `log_rotation` (the chain's log files against logrotate's entries) and `log_disk`.
pub(super) fn logs(input: &Input<'_>, out: &mut Vec<Item>) {
    let l = &input.cfg.logs;
    let paths: Vec<String> = l
        .nginx_error
        .iter()
        .chain(&l.nginx_access)
        .chain(&l.docserver)
        .map(|p| p.display().to_string())
        .collect();
    match &input.readiness.logrotate {
        _ if paths.is_empty() => out.push(item(
            "log_rotation",
            None,
            Check::Unknown,
            tr!("review-log_rotation-no-files"),
        )),
        None => out.push(item(
            "log_rotation",
            None,
            Check::Unknown,
            tr!("review-log_rotation-unread"),
        )),
        Some(Err(u)) => out.push(with_change(
            item("log_rotation", None, Check::Warn, u.reason.clone()),
            Some(tr!("review-log_rotation-install")),
        )),
        Some(Ok(entries)) => {
            let mut bare = Vec::new();
            let mut covered = Vec::new();
            for p in &paths {
                match entries.iter().find(|e| {
                    e.patterns
                        .iter()
                        .any(|pat| crate::host::readiness::wildmatch(pat, p))
                }) {
                    Some(e) if !e.when.is_empty() => {
                        covered.push(format!("{p} ({}: {})", e.at, e.when.join(", ")))
                    }
                    _ => bare.push(p.clone()),
                }
            }
            let check = if bare.is_empty() {
                Check::Pass
            } else {
                Check::Warn
            };
            let fact = if bare.is_empty() {
                tr!(
                    "review-log_rotation-rotated",
                    files = covered.join(&tr!("host-sep-semi"))
                )
            } else {
                tr!(
                    "review-log_rotation-bare",
                    files = bare.join(&tr!("host-sep-comma"))
                )
            };
            let change = tr!("review-log_rotation-change", files = bare.join(" "));
            out.push(with_change(
                item("log_rotation", None, check, fact),
                Some(change),
            ));
        }
    }
    let Some(d) = input.host.and_then(|h| h.disk.value()) else {
        out.push(item(
            "log_disk",
            None,
            Check::Unknown,
            tr!("review-log_disk-no-facts"),
        ));
        return;
    };
    if d.filesystems.is_empty() {
        out.push(item(
            "log_disk",
            None,
            Check::Unknown,
            tr!("review-log_disk-no-folder"),
        ));
        return;
    }
    for f in &d.filesystems {
        let free = 100.0 - f.used_percent;
        out.push(with_change(
            item(
                "log_disk",
                Some(f.mount.display().to_string()),
                if free < 10.0 {
                    Check::Warn
                } else {
                    Check::Pass
                },
                tr!(
                    "review-log_disk-fact",
                    filesystem = f.label(),
                    free = format!("{free:.0}")
                ),
            ),
            Some(tr!("review-log_disk-change", mount = f.mount.display())),
        ));
    }
}

/// `cert_validity` for every hop that showed a certificate.
pub(super) fn certs(input: &Input<'_>, out: &mut Vec<Item>) {
    let mut any = false;
    for h in &input.hops {
        let Some(t) = &h.detail.tls else { continue };
        let Some(days) = t.days_left else { continue };
        any = true;
        out.push(with_change(
            item(
                "cert_validity",
                Some(h.name.clone()),
                if days > 30 { Check::Pass } else { Check::Warn },
                tr!(
                    "review-cert_validity-fact",
                    hop = h.name,
                    subject = t.subject.as_deref().unwrap_or("?"),
                    until = t.not_after.as_deref().unwrap_or("?"),
                    days = days
                ),
            ),
            Some(tr!("review-cert_validity-change")),
        ));
    }
    if !any {
        out.push(item(
            "cert_validity",
            None,
            Check::Unknown,
            tr!("review-cert_validity-none"),
        ));
    }
}

/// `jwt_enabled`: both sides of the integration.
pub(super) fn jwt(input: &Input<'_>, out: &mut Vec<Item>) {
    let Some(r) = input.integration else {
        out.push(item(
            "jwt_enabled",
            None,
            Check::Unknown,
            tr!("review-jwt_enabled-no-report"),
        ));
        return;
    };
    let ds = r.docserver.enabled;
    let int_secret = r.integrator.secret.is_some();
    let fact = tr!(
        "review-jwt_enabled-fact",
        state = match ds {
            Some(true) => tr!("review-jwt_enabled-on"),
            Some(false) => tr!("review-jwt_enabled-off"),
            None => tr!("review-jwt_enabled-unknown"),
        },
        sources = if r.docserver.sources.is_empty() {
            tr!("review-jwt_enabled-no-settings")
        } else {
            r.docserver.sources.join(&tr!("host-sep-comma"))
        },
        integrator = r.integrator.name,
        secret = if int_secret {
            tr!("review-jwt_enabled-secret-set")
        } else {
            tr!("review-jwt_enabled-secret-missing")
        }
    );
    let check = match ds {
        Some(true) if int_secret => Check::Pass,
        Some(false) => Check::Warn,
        Some(true) => Check::Unknown,
        None => Check::Unknown,
    };
    out.push(with_change(
        item("jwt_enabled", None, check, fact),
        Some(tr!("review-jwt_enabled-change")),
    ));
}

/// `alert_path` (a monitor runs) and `last_drill` (the audit log).
pub(super) fn alerting(input: &Input<'_>, out: &mut Vec<Item>) {
    let m = &input.readiness.monitors;
    let receivers = input.cfg.alerts.len();
    // triage502 watch with this config alerts nobody without a receiver.
    let watch_mute = m.iter().any(|x| x == "triage502 watch")
        && receivers == 0
        && m.iter().all(|x| x == "triage502 watch");
    let (check, fact) = if m.is_empty() {
        (Check::Warn, tr!("review-alert_path-none"))
    } else if watch_mute {
        (Check::Warn, tr!("review-alert_path-mute"))
    } else {
        (
            Check::Pass,
            tr!(
                "review-alert_path-running",
                monitors = m.join(&tr!("host-sep-comma")),
                receivers = receivers
            ),
        )
    };
    out.push(with_change(
        item("alert_path", None, check, fact),
        Some(tr!("review-alert_path-change")),
    ));
    let last = input
        .audit
        .iter()
        .filter(|r| r.status == "succeeded")
        .map(|r| (r.time, r.action.as_str()))
        .max_by_key(|(t, _)| *t);
    let (check, fact) = match last {
        Some((t, a)) => {
            let days = (input.now - t).num_days();
            (
                if days <= 90 { Check::Pass } else { Check::Warn },
                tr!(
                    "review-last_drill-fact",
                    action = a,
                    time = t.to_rfc3339(),
                    days = days
                ),
            )
        }
        None => (Check::Warn, tr!("review-last_drill-none")),
    };
    out.push(with_change(
        item("last_drill", None, check, fact),
        Some(tr!("review-last_drill-change")),
    ));
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn times_parse() {
        assert_eq!(systemd_ms("100ms"), Some(100));
        assert_eq!(systemd_ms("5s"), Some(5000));
        assert_eq!(systemd_ms("1min 30s"), Some(90_000));
        assert_eq!(nginx_secs("60s"), Some(60));
        assert_eq!(nginx_secs("2"), Some(2));
        assert_eq!(nginx_secs("2m"), Some(120));
        assert_eq!(nginx_secs("500ms"), Some(0));
    }
}
