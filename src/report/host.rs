//! Plain-text view of a host [`Snapshot`] for `report` and `triage502 host`: symbols plus
//! words (never colour), one section per part, unknown parts explained.
//!
//! Process names and command lines, service messages and nginx/firewall output are written by
//! others: each value goes through [`one`] (one line, controls and bidi characters shown, secrets
//! and JWTs masked) and the whole text through [`crate::sanitize::text`].

use std::fmt::Write;

use crate::host::firewall::{BackendState, Verdict};
use crate::host::nginx::{NginxTest, TargetStatus};
use crate::host::{Part, Snapshot, Status};
use crate::report::pad;
use crate::tr;

const OK: &str = "✔";
const BAD: &str = "✘";
const WARN: &str = "!";
const UNK: &str = "?";

fn gib(b: u64) -> String {
    let g = b as f64 / (1024.0 * 1024.0 * 1024.0);
    if g >= 1.0 {
        format!("{g:.1} GiB")
    } else {
        format!("{:.0} MiB", b as f64 / (1024.0 * 1024.0))
    }
}

/// One value on one line (see [`crate::sanitize::field`]).
fn one(s: &str) -> String {
    crate::sanitize::field(s)
}

fn unknown<T>(out: &mut String, title: &str, p: &Part<T>) -> bool {
    if let Status::Unknown { reason, hint } = &p.status {
        let _ = write!(
            out,
            "{UNK} {}",
            tr!("host-text-unknown", title = title, reason = one(reason))
        );
        if let Some(h) = hint {
            let _ = write!(out, " ({})", one(h));
        }
        out.push('\n');
        true
    } else {
        false
    }
}

/// Renders the snapshot as plain text.
pub fn render_text(s: &Snapshot) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}",
        tr!(
            "host-text-title",
            at = s.taken_at.format("%Y-%m-%d %H:%M:%S UTC")
        )
    );
    // Proxy targets first: they are what the diagnosis leans on.
    o.push('\n');
    targets(&mut o, s);
    o.push('\n');
    services(&mut o, s);
    o.push('\n');
    sockets(&mut o, s);
    o.push('\n');
    processes(&mut o, s);
    o.push('\n');
    memory(&mut o, s);
    o.push('\n');
    firewall(&mut o, s);
    selinux(&mut o, s);
    o.push('\n');
    nginx(&mut o, s);
    crate::sanitize::text(&o)
}

/// Proxy targets mapped onto the listeners (first: they are what the diagnosis leans on).
fn targets(o: &mut String, s: &Snapshot) {
    if !unknown(o, &tr!("host-text-targets-title"), &s.targets)
        && let Some(targets) = s.targets.value()
    {
        let _ = writeln!(o, "{}", tr!("host-text-targets", count = targets.len()));
        for t in targets {
            let (sym, word) = match t.status {
                TargetStatus::Listening => (OK, tr!("host-text-target-listening")),
                TargetStatus::OtherAddress => (BAD, tr!("host-text-target-other-address")),
                TargetStatus::NoListener => (BAD, tr!("host-text-target-no-listener")),
                TargetStatus::UnixSocketPresent => (OK, tr!("host-text-target-socket-present")),
                TargetStatus::UnixSocketMissing => (BAD, tr!("host-text-target-socket-missing")),
                TargetStatus::Remote => (UNK, tr!("host-text-target-remote")),
                TargetStatus::Unresolved => (UNK, tr!("host-text-target-unresolved")),
            };
            let via = t
                .upstream
                .as_ref()
                .map(|u| format!(" {}", tr!("host-text-via-upstream", name = one(u))))
                .unwrap_or_default();
            let who = t
                .listeners
                .iter()
                .map(|l| match (&l.process, l.pid) {
                    (Some(n), Some(p)) => format!("{} {}[{p}]", one(&l.endpoint), one(n)),
                    _ => tr!(
                        "host-text-endpoint-owner-unknown",
                        endpoint = one(&l.endpoint)
                    ),
                })
                .collect::<Vec<_>>()
                .join(", ");
            let _ = write!(
                o,
                "  {sym} {} {} {} → {}{via}",
                pad(&word, 14),
                one(&t.server),
                one(&t.location),
                one(&t.endpoint)
            );
            if !who.is_empty() {
                let _ = write!(o, " — {who}");
            }
            if let Some(n) = &t.note {
                let _ = write!(o, " — {}", one(n));
            }
            o.push('\n');
        }
    }
}

/// The configured services and their state.
fn services(o: &mut String, s: &Snapshot) {
    if !unknown(o, &tr!("host-text-services-title"), &s.services)
        && let Some(svcs) = s.services.value()
    {
        let _ = writeln!(o, "{}", tr!("host-text-services", count = svcs.len()));
        for v in svcs {
            let sym = if v.state.is_up() {
                if v.health.as_deref() == Some("unhealthy") {
                    WARN
                } else {
                    OK
                }
            } else if v.state == crate::host::ServiceState::Unknown {
                UNK
            } else {
                BAD
            };
            let _ = write!(
                o,
                "  {sym} {} {:<16}",
                pad(&v.state.word(), 12),
                one(&v.name)
            );
            if v.backend != crate::host::services::Answered::None {
                let _ = write!(o, " [{} {}]", v.backend, one(&v.unit));
            }
            if let Some(p) = v.pid {
                let _ = write!(o, " pid {p}");
            }
            if let Some(r) = v.restarts.filter(|r| *r > 0) {
                let _ = write!(o, " {}", tr!("host-text-restarts", count = r));
            }
            if !v.detail.is_empty() {
                let _ = write!(o, " — {}", one(&v.detail));
            }
            if let Some(h) = &v.hint {
                let _ = write!(o, " ({})", one(h));
            }
            o.push('\n');
        }
    }
}

/// Listening sockets and their owners.
fn sockets(o: &mut String, s: &Snapshot) {
    if !unknown(o, &tr!("host-text-sockets-title"), &s.sockets)
        && let Some(sk) = s.sockets.value()
    {
        let _ = writeln!(
            o,
            "{}",
            tr!(
                "host-text-sockets",
                count = sk.listeners.len(),
                hidden = sk.hidden_owners
            )
        );
        for l in &sk.listeners {
            let owner = match &l.owner {
                crate::host::Owner::Process {
                    pid,
                    name,
                    shared_with,
                } => {
                    if shared_with.is_empty() {
                        format!("{}[{pid}]", one(name))
                    } else {
                        tr!(
                            "host-text-owner-more",
                            name = one(name),
                            pid = pid,
                            more = shared_with.len()
                        )
                    }
                }
                crate::host::Owner::Unknown { reason } => {
                    tr!("host-text-owner-unknown", reason = one(reason))
                }
            };
            let proto = match l.proto {
                crate::host::Proto::Tcp => "tcp",
                crate::host::Proto::Udp => "udp",
            };
            let _ = writeln!(o, "  {proto} {:<28} {owner}", one(&l.endpoint()));
        }
    }
}

/// The chain's processes, then the top ones by CPU and by memory.
fn processes(o: &mut String, s: &Snapshot) {
    if !unknown(o, &tr!("host-text-processes-title"), &s.processes)
        && let Some(p) = s.processes.value()
    {
        let _ = writeln!(
            o,
            "{}",
            tr!(
                "host-text-processes",
                chain = p.chain.len(),
                total = p.total
            )
        );
        let line = |o: &mut String, x: &crate::host::ProcInfo| {
            let state = match x.state {
                'T' => format!(" {}", tr!("host-text-proc-stopped")),
                'Z' => format!(" {}", tr!("host-text-proc-zombie")),
                'D' => format!(" {}", tr!("host-text-proc-disk-wait")),
                _ => String::new(),
            };
            let _ = writeln!(
                o,
                // i18n: not text (ps's column names)
                "  {:<14} pid {:<7} {:>5.1}% cpu {:>9} rss{state}  {}",
                one(x.role.as_deref().unwrap_or(&x.name)),
                x.pid,
                x.cpu_percent,
                gib(x.rss_bytes),
                one(&x.cmdline)
            );
        };
        for x in &p.chain {
            line(o, x);
        }
        let _ = writeln!(o, "{}", tr!("host-text-top-cpu"));
        for x in &p.top_cpu {
            line(o, x);
        }
        let _ = writeln!(o, "{}", tr!("host-text-top-memory"));
        for x in &p.top_rss {
            line(o, x);
        }
    }
}

/// Memory (with PSI) and OOM kills.
fn memory(o: &mut String, s: &Snapshot) {
    if !unknown(o, &tr!("host-text-memory-title"), &s.memory)
        && let Some(m) = s.memory.value()
    {
        let pct = m.available_percent();
        let sym = if pct < 10.0 { BAD } else { OK };
        let _ = write!(
            o,
            "{sym} {}",
            tr!(
                "host-text-memory",
                available = gib(m.available_bytes),
                total = gib(m.total_bytes),
                pct = format!("{pct:.0}"),
                swap_free = gib(m.swap_free_bytes),
                swap_total = gib(m.swap_total_bytes)
            )
        );
        if let Some(p) = m.psi_some {
            // i18n: not text (the kernel's PSI fields)
            let _ = write!(o, ", PSI some avg10 {:.2} avg60 {:.2}", p.avg10, p.avg60);
        }
        if let Some(p) = m.psi_full {
            // i18n: not text (the kernel's PSI fields)
            let _ = write!(o, ", full avg10 {:.2}", p.avg10);
        }
        o.push('\n');
    }
    if !unknown(o, &tr!("host-text-oom-title"), &s.oom)
        && let Some(r) = s.oom.value()
    {
        let sym = if r.kills.is_empty() { OK } else { BAD };
        let _ = writeln!(
            o,
            "{sym} {}",
            tr!(
                "host-text-oom",
                source = one(&r.source.to_string()),
                window = one(&r.window.to_string()),
                count = if r.kills.is_empty() {
                    tr!("host-text-none")
                } else {
                    r.kills.len().to_string()
                }
            )
        );
        for k in &r.kills {
            let time = one(k.time.as_deref().unwrap_or("?"));
            let line = match &k.cgroup {
                Some(c) => tr!(
                    "host-text-oom-kill-cgroup",
                    time = time,
                    process = one(&k.process),
                    pid = k.pid,
                    cgroup = one(c)
                ),
                None => tr!(
                    "host-text-oom-kill",
                    time = time,
                    process = one(&k.process),
                    pid = k.pid
                ),
            };
            let _ = writeln!(o, "  {line}");
        }
    }
}

/// Firewall backends, the rules touching the chain's ports, drop policies.
fn firewall(o: &mut String, s: &Snapshot) {
    if !unknown(o, &tr!("host-text-firewall-title"), &s.firewall)
        && let Some(f) = s.firewall.value()
    {
        let states = f
            .backends
            .iter()
            .map(|b| {
                let st = match &b.state {
                    BackendState::Active => tr!("host-text-fw-active"),
                    BackendState::Inactive => tr!("host-text-fw-inactive"),
                    BackendState::Absent => tr!("host-text-fw-absent"),
                    BackendState::Unknown { reason, hint } => match hint {
                        Some(h) => {
                            tr!(
                                "host-text-fw-unknown-hint",
                                reason = one(reason),
                                hint = one(h)
                            )
                        }
                        None => tr!("host-text-fw-unknown", reason = one(reason)),
                    },
                };
                format!("{} {st}", b.kind)
            })
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(o, "{}", tr!("host-text-firewall", states = states));
        for r in &f.rules {
            let (sym, v) = match &r.verdict {
                Verdict::Accept => (OK, "accept".to_string()),
                Verdict::Drop => (BAD, "drop".into()),
                Verdict::Reject { .. } => (BAD, "reject".into()),
                Verdict::Other { name } => (WARN, one(&name.to_lowercase())),
            };
            let ports = if r.all_ports {
                tr!("host-text-all-ports")
            } else {
                r.ports
                    .iter()
                    .map(u16::to_string)
                    .collect::<Vec<_>>()
                    .join(",")
            };
            let _ = writeln!(
                o,
                "  {sym} {v:<7} {} {} {} {} {}{} — {}",
                pad(&tr!("host-text-port", ports = ports), 17),
                r.backend,
                one(&r.family.to_string()),
                one(&r.table),
                one(&r.chain),
                r.hook
                    .as_ref()
                    .map(|h| format!(" {}", tr!("host-text-hook", hook = one(h))))
                    .unwrap_or_default(),
                one(&r.text)
            );
        }
        for c in f
            .chains
            .iter()
            .filter(|c| c.policy.as_deref() == Some("drop"))
        {
            let _ = writeln!(
                o,
                "  {WARN} {}",
                tr!(
                    "host-text-policy-drop",
                    backend = c.backend,
                    family = one(&c.family.to_string()),
                    table = one(&c.table),
                    chain = one(&c.name)
                )
            );
        }
    }
}

/// SELinux mode and the httpd network boolean.
fn selinux(o: &mut String, s: &Snapshot) {
    if !unknown(o, "SELinux", &s.selinux)
        && let Some(x) = s.selinux.value()
    {
        let b = match x.httpd_can_network_connect {
            // i18n: not text (the boolean as getsebool shows it)
            Some(true) => ", httpd_can_network_connect on",
            // i18n: not text (the boolean as getsebool shows it)
            Some(false) => ", httpd_can_network_connect OFF",
            None => "",
        };
        let sym = if x.mode == crate::host::selinux::Mode::Enforcing
            && x.httpd_can_network_connect == Some(false)
        {
            BAD
        } else {
            OK
        };
        let _ = writeln!(
            o,
            "{sym} {}",
            tr!(
                "host-text-selinux",
                mode = x.mode,
                boolean = b,
                detail = one(&x.detail)
            )
        );
    }
}

/// nginx: where its configuration came from, `nginx -t`, warnings, proxied locations.
fn nginx(o: &mut String, s: &Snapshot) {
    if !unknown(o, "nginx", &s.nginx)
        && let Some(n) = s.nginx.value()
    {
        let test = match &n.test {
            NginxTest::Ok { warnings } if warnings.is_empty() => {
                format!("{OK} {}", tr!("host-text-nginx-t-ok"))
            }
            NginxTest::Ok { warnings } => format!(
                "{WARN} {}",
                tr!("host-text-nginx-t-warnings", count = warnings.len())
            ),
            NginxTest::Failed { message, hint, .. } => match hint {
                Some(h) => format!(
                    "{BAD} {}",
                    tr!(
                        "host-text-nginx-t-failed-hint",
                        message = one(message),
                        hint = one(h)
                    )
                ),
                None => format!(
                    "{BAD} {}",
                    tr!("host-text-nginx-t-failed", message = one(message))
                ),
            },
            NginxTest::NotRun { reason } => format!(
                "{UNK} {}",
                tr!("host-text-nginx-t-not-run", reason = one(reason))
            ),
        };
        let _ = writeln!(
            o,
            "{}",
            tr!(
                "host-text-nginx",
                servers = n.servers.len(),
                upstreams = n.upstreams.len(),
                origin = n.origin,
                path = one(&n.main_config.display().to_string())
            )
        );
        let _ = writeln!(o, "  {test}");
        for w in &n.warnings {
            let _ = writeln!(o, "  {WARN} {}", one(&w.to_string()));
        }
        for (srv, loc) in n.proxied_locations() {
            let st = &loc.settings;
            let _ = writeln!(
                o,
                "  {}",
                tr!(
                    "host-text-nginx-location",
                    server = one(&srv.label()),
                    path = one(&loc.path),
                    buffer = one(&st.buffer_size.value.to_string()),
                    from = st.buffer_size.from,
                    buffers = one(&st.buffers.value.to_string()),
                    connect = one(&st.connect_timeout.value.to_string()),
                    read = one(&st.read_timeout.value.to_string()),
                    send = one(&st.send_timeout.value.to_string())
                )
            );
        }
    }
}
