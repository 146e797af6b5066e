//! The checklist items of the readiness review, one function per group of facts.

use super::{Check, Input, Item, runbook};
use crate::host::services::Answered;

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
                let change = format!(
                    "systemctl edit {0}  →  [Service] Restart=always  RestartSec=5  (a drop-in /etc/systemd/system/{0}.service.d/override.conf), then systemctl daemon-reload",
                    s.unit.trim_end_matches(".service")
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
                format!(
                    "in {}: autorestart=true, then supervisorctl update",
                    s.source
                ),
            ),
            Answered::Docker => (
                if matches!(restart, "always" | "unless-stopped" | "on-failure") {
                    Check::Pass
                } else {
                    Check::Warn
                },
                format!("{}: restart policy {restart}", s.source),
                format!("docker update --restart unless-stopped {}", s.unit),
            ),
            Answered::None => (Check::Unknown, "no manager".into(), String::new()),
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
                format!("systemctl enable --now {}", s.unit),
            ),
            Answered::Supervisor => (
                if boot == "false" {
                    Check::Warn
                } else {
                    Check::Pass
                },
                format!(
                    "{}: autostart={boot} (at boot when supervisord itself starts at boot)",
                    s.source
                ),
                format!("in {}: autostart=true, then supervisorctl update", s.source),
            ),
            Answered::Docker => (
                if matches!(boot, "always" | "unless-stopped") {
                    Check::Pass
                } else {
                    Check::Warn
                },
                format!("{}: restart policy {boot}", s.source),
                format!("docker update --restart unless-stopped {}", s.unit),
            ),
            Answered::None => (Check::Unknown, "no manager".into(), String::new()),
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
                format!("{}: limit {}, use unknown", s.source, mib(max)),
            ));
            continue;
        };
        let used = cur as f64 / max as f64 * 100.0;
        let check = if used >= 90.0 {
            Check::Warn
        } else {
            Check::Pass
        };
        let change = format!(
            "raise the limit (systemctl edit {} → [Service] MemoryMax=…) or find what grows",
            s.unit
        );
        out.push(with_change(
            item(
                "memory_limit",
                subject,
                check,
                format!(
                    "{}: {} of MemoryMax {} in use ({used:.0} %)",
                    s.source,
                    mib(cur),
                    mib(max)
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
            "no memory facts".into(),
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
    let mut fact = format!("{avail:.0} % of {} available", mib(m.total_bytes));
    match psi {
        Some(p) => fact.push_str(&format!("; PSI some avg300 {p:.1} %")),
        None => fact.push_str("; no PSI (kernel without /proc/pressure)"),
    }
    match swap_used {
        Some(s) => fact.push_str(&format!("; swap {s:.0} % used")),
        None => fact.push_str("; no swap"),
    }
    let weak =
        avail < 15.0 || psi.is_some_and(|p| p >= 10.0) || swap_used.is_some_and(|s| s >= 90.0);
    out.push(with_change(
        item(
            "memory_box",
            None,
            if weak { Check::Warn } else { Check::Pass },
            fact,
        ),
        Some("find what uses the memory (processes pane), add memory or swap, or cap the heaviest service (MemoryMax)".into()),
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
            out.push(item(
                id,
                None,
                Check::Unknown,
                "nginx's configuration could not be read (see `triage502 host`)".into(),
            ));
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
                    format!(
                        "upstream {} (at {}): {primaries} server(s), {backups} backup, {live} of its addresses listening (or remote)",
                        u.name, u.at
                    ),
                )
            }
            None => (
                false,
                format!(
                    "{} {}: one address, no upstream group",
                    m.directive, m.target
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
                format!("{what}; {r}"),
            ),
            None if redundant => (
                Check::Unknown,
                format!("{what}; the location's proxy_next_upstream was not found"),
            ),
            None => (Check::Warn, what),
        };
        out.push(with_change(
            item("upstream_failover", subject.clone(), check, fact),
            Some("an upstream group with a second Document Server, or `server HOST:PORT backup;`, and `proxy_next_upstream error timeout http_502;` in the location; then nginx -t and reload".into()),
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
                Some("proxy_read_timeout 120s; (conversions of large documents take longer than a minute), then nginx -t and reload".into()),
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
            out.push(item(
                id,
                None,
                Check::Unknown,
                format!(
                    "no nginx location proxies to the Document Server's port{} {}",
                    if ports.len() == 1 { "" } else { "s" },
                    ports
                        .iter()
                        .map(u16::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
}

/// Where an effective nginx setting comes from: `set at FILE:LINE` or `nginx's default`.
fn set_at(e: &crate::host::nginx::Effective) -> String {
    e.at.as_deref()
        .map(|a| format!("set at {a}"))
        .unwrap_or_else(|| "nginx's default".into())
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
    let change = "proxy_buffer_size 16k; proxy_buffers 8 16k; proxy_busy_buffers_size 32k; in the location, then nginx -t and reload";
    let Some(book) = input.logs else {
        return item(
            "proxy_buffers",
            subject,
            Check::Unknown,
            format!("nginx's error log was not read; {size}"),
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
            Record::Nginx(e) => e
                .time
                .map(|t| format!(", the last at {t}"))
                .unwrap_or_default(),
            Record::DocServer(_) => String::new(),
        };
        return with_change(
            item(
                "proxy_buffers",
                subject,
                Check::Warn,
                format!(
                    "{} × \"upstream sent too big header\" in nginx's error log{when}; {size}",
                    too_big.len()
                ),
            ),
            Some(change.into()),
        );
    }
    let unread: Vec<&String> = input
        .cfg
        .logs
        .nginx_error
        .iter()
        .filter_map(|p| book.notices.get(&p.display().to_string()))
        .filter(|n| {
            ["missing", "permission denied", "error"]
                .iter()
                .any(|k| n.starts_with(&format!("{k}:")))
        })
        .collect();
    if input.cfg.logs.nginx_error.is_empty() || unread.len() == input.cfg.logs.nginx_error.len() {
        let why = unread
            .first()
            .map(|n| format!(" ({n})"))
            .unwrap_or_else(|| " (none configured)".into());
        return item(
            "proxy_buffers",
            subject,
            Check::Unknown,
            format!("nginx's error log could not be read{why}; {size}"),
        );
    }
    item(
        "proxy_buffers",
        subject,
        Check::Pass,
        format!(
            "no \"upstream sent too big header\" among the {} nginx error log entries read; {size}",
            nginx_entries().count()
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
            "the configuration names no log files".into(),
        )),
        None => out.push(item(
            "log_rotation",
            None,
            Check::Unknown,
            "logrotate's entries were not read".into(),
        )),
        Some(Err(u)) => out.push(with_change(
            item("log_rotation", None, Check::Warn, u.reason.clone()),
            Some("install logrotate (apt-get install logrotate / dnf install logrotate) and add entries for the chain's logs".into()),
        )),
        Some(Ok(entries)) => {
            let mut bare = Vec::new();
            let mut covered = Vec::new();
            for p in &paths {
                match entries.iter().find(|e| e.patterns.iter().any(|pat| crate::host::readiness::wildmatch(pat, p))) {
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
                format!("rotated: {}", covered.join("; "))
            } else {
                format!("no logrotate entry with a frequency or size for {}", bare.join(", "))
            };
            let change = format!(
                "a file in /etc/logrotate.d/ such as:  {} {{ daily  rotate 14  maxsize 500M  missingok  compress  delaycompress  copytruncate }}",
                bare.join(" ")
            );
            out.push(with_change(item("log_rotation", None, check, fact), Some(change)));
        }
    }
    let Some(d) = input.host.and_then(|h| h.disk.value()) else {
        out.push(item(
            "log_disk",
            None,
            Check::Unknown,
            "no disk facts".into(),
        ));
        return;
    };
    if d.filesystems.is_empty() {
        out.push(item(
            "log_disk",
            None,
            Check::Unknown,
            "no folder of the Document Server to measure".into(),
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
                format!("{}: {free:.0} % free", f.label()),
            ),
            Some(format!(
                "free space on {} (old logs, the Document Server's cache) or grow the filesystem",
                f.mount.display()
            )),
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
                format!(
                    "{}: certificate of {} valid until {} ({days} days)",
                    h.name,
                    t.subject.as_deref().unwrap_or("?"),
                    t.not_after.as_deref().unwrap_or("?")
                ),
            ),
            Some(
                "renew the certificate (certbot renew, or your CA), install it and reload nginx"
                    .into(),
            ),
        ));
    }
    if !any {
        out.push(item(
            "cert_validity",
            None,
            Check::Unknown,
            "no hop of the chain showed a certificate (no TLS hop, or none answered)".into(),
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
            "no integration report (no Document Server in the chain)".into(),
        ));
        return;
    };
    let ds = r.docserver.enabled;
    let int_secret = r.integrator.secret.is_some();
    let fact = format!(
        "Document Server: JWT {} ({}); {}: secret {}",
        match ds {
            Some(true) => "enabled",
            Some(false) => "disabled",
            None => "unknown",
        },
        if r.docserver.sources.is_empty() {
            "no settings read".to_string()
        } else {
            r.docserver.sources.join(", ")
        },
        r.integrator.name,
        if int_secret { "set" } else { "not found" }
    );
    let check = match ds {
        Some(true) if int_secret => Check::Pass,
        Some(false) => Check::Warn,
        Some(true) => Check::Unknown,
        None => Check::Unknown,
    };
    out.push(with_change(
        item("jwt_enabled", None, check, fact),
        Some("set services.CoAuthoring.token.enable.request.inbox/outbox and browser to true with one secret in local.json (Docker: JWT_ENABLED=true, JWT_SECRET=…), the same secret in the integrator, then restart the Document Server".into()),
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
        (
            Check::Warn,
            "no triage502 watch and no monitoring agent runs on this box".to_string(),
        )
    } else if watch_mute {
        (
            Check::Warn,
            "triage502 watch runs, but this configuration names no [[alert]] receiver".into(),
        )
    } else {
        (
            Check::Pass,
            format!(
                "running: {}; [[alert]] receivers in this configuration: {receivers}",
                m.join(", ")
            ),
        )
    };
    out.push(with_change(
        item("alert_path", None, check, fact),
        Some("run `triage502 watch` as a service with an [[alert]] receiver (README: Monitoring), or a monitoring agent that checks the chain".into()),
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
                format!(
                    "last recovery action run here: {a} at {} ({days} days ago)",
                    t.to_rfc3339()
                ),
            )
        }
        None => (
            Check::Warn,
            "the audit log has no recovery action run on this box".into(),
        ),
    };
    out.push(with_change(
        item("last_drill", None, check, fact),
        Some("rehearse: on a test box `triage502 lab up`, `lab break docservice-down`, recover from the console; on this box run a restart action in a quiet hour".into()),
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
