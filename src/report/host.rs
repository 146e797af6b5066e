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
        let _ = write!(out, "{UNK} {title}: unknown — {}", one(reason));
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
        "Host facts at {}",
        s.taken_at.format("%Y-%m-%d %H:%M:%S UTC")
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
    if !unknown(o, "Proxy targets", &s.targets)
        && let Some(targets) = s.targets.value()
    {
        let _ = writeln!(o, "Proxy targets ({})", targets.len());
        for t in targets {
            let (sym, word) = match t.status {
                TargetStatus::Listening => (OK, "listening"),
                TargetStatus::OtherAddress => (BAD, "other address"),
                TargetStatus::NoListener => (BAD, "no listener"),
                TargetStatus::UnixSocketPresent => (OK, "socket present"),
                TargetStatus::UnixSocketMissing => (BAD, "socket missing"),
                TargetStatus::Remote => (UNK, "remote"),
                TargetStatus::Unresolved => (UNK, "unresolved"),
            };
            let via = t
                .upstream
                .as_ref()
                .map(|u| format!(" (upstream {})", one(u)))
                .unwrap_or_default();
            let who = t
                .listeners
                .iter()
                .map(|l| match (&l.process, l.pid) {
                    (Some(n), Some(p)) => format!("{} {}[{p}]", one(&l.endpoint), one(n)),
                    _ => format!("{} owner unknown", one(&l.endpoint)),
                })
                .collect::<Vec<_>>()
                .join(", ");
            let _ = write!(
                o,
                "  {sym} {word:<14} {} {} → {}{via}",
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
    if !unknown(o, "Services", &s.services)
        && let Some(svcs) = s.services.value()
    {
        let _ = writeln!(o, "Services ({})", svcs.len());
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
            let _ = write!(o, "  {sym} {:<12} {:<16}", v.state.word(), one(&v.name));
            if v.backend != crate::host::services::Answered::None {
                let _ = write!(o, " [{} {}]", v.backend, one(&v.unit));
            }
            if let Some(p) = v.pid {
                let _ = write!(o, " pid {p}");
            }
            if let Some(r) = v.restarts.filter(|r| *r > 0) {
                let _ = write!(o, " restarts {r}");
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
    if !unknown(o, "Listening sockets", &s.sockets)
        && let Some(sk) = s.sockets.value()
    {
        let _ = writeln!(
            o,
            "Listening sockets ({}; owners not visible: {})",
            sk.listeners.len(),
            sk.hidden_owners
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
                        format!("{}[{pid}] +{} more", one(name), shared_with.len())
                    }
                }
                crate::host::Owner::Unknown { reason } => format!("owner unknown: {}", one(reason)),
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
    if !unknown(o, "Processes", &s.processes)
        && let Some(p) = s.processes.value()
    {
        let _ = writeln!(
            o,
            "Processes of the chain ({} of {} processes)",
            p.chain.len(),
            p.total
        );
        let line = |o: &mut String, x: &crate::host::ProcInfo| {
            let state = match x.state {
                'T' => " STOPPED(T)",
                'Z' => " ZOMBIE(Z)",
                'D' => " DISK-WAIT(D)",
                _ => "",
            };
            let _ = writeln!(
                o,
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
        let _ = writeln!(o, "Top by CPU");
        for x in &p.top_cpu {
            line(o, x);
        }
        let _ = writeln!(o, "Top by memory");
        for x in &p.top_rss {
            line(o, x);
        }
    }
}

/// Memory (with PSI) and OOM kills.
fn memory(o: &mut String, s: &Snapshot) {
    if !unknown(o, "Memory", &s.memory)
        && let Some(m) = s.memory.value()
    {
        let pct = m.available_percent();
        let sym = if pct < 10.0 { BAD } else { OK };
        let _ = write!(
            o,
            "{sym} Memory: {} available of {} ({pct:.0}%), swap {} free of {}",
            gib(m.available_bytes),
            gib(m.total_bytes),
            gib(m.swap_free_bytes),
            gib(m.swap_total_bytes)
        );
        if let Some(p) = m.psi_some {
            let _ = write!(o, ", PSI some avg10 {:.2} avg60 {:.2}", p.avg10, p.avg60);
        }
        if let Some(p) = m.psi_full {
            let _ = write!(o, ", full avg10 {:.2}", p.avg10);
        }
        o.push('\n');
    }
    if !unknown(o, "OOM kills", &s.oom)
        && let Some(r) = s.oom.value()
    {
        let sym = if r.kills.is_empty() { OK } else { BAD };
        let _ = writeln!(
            o,
            "{sym} OOM kills ({}, {}): {}",
            one(&r.source.to_string()),
            one(&r.window.to_string()),
            if r.kills.is_empty() {
                "none".to_string()
            } else {
                r.kills.len().to_string()
            }
        );
        for k in &r.kills {
            let _ = writeln!(
                o,
                "  {} killed {}[{}]{}",
                one(k.time.as_deref().unwrap_or("?")),
                one(&k.process),
                k.pid,
                k.cgroup
                    .as_ref()
                    .map(|c| format!(" in {}", one(c)))
                    .unwrap_or_default()
            );
        }
    }
}

/// Firewall backends, the rules touching the chain's ports, drop policies.
fn firewall(o: &mut String, s: &Snapshot) {
    if !unknown(o, "Firewall", &s.firewall)
        && let Some(f) = s.firewall.value()
    {
        let states = f
            .backends
            .iter()
            .map(|b| {
                let st = match &b.state {
                    BackendState::Active => "active".to_string(),
                    BackendState::Inactive => "inactive".into(),
                    BackendState::Absent => "absent".into(),
                    BackendState::Unknown { reason, hint } => match hint {
                        Some(h) => format!("unknown: {} ({})", one(reason), one(h)),
                        None => format!("unknown: {}", one(reason)),
                    },
                };
                format!("{} {st}", b.kind)
            })
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(o, "Firewall: {states}");
        for r in &f.rules {
            let (sym, v) = match &r.verdict {
                Verdict::Accept => (OK, "accept".to_string()),
                Verdict::Drop => (BAD, "drop".into()),
                Verdict::Reject { .. } => (BAD, "reject".into()),
                Verdict::Other { name } => (WARN, one(&name.to_lowercase())),
            };
            let ports = if r.all_ports {
                "all ports".to_string()
            } else {
                r.ports
                    .iter()
                    .map(u16::to_string)
                    .collect::<Vec<_>>()
                    .join(",")
            };
            let _ = writeln!(
                o,
                "  {sym} {v:<7} port {ports:<12} {} {} {} {}{} — {}",
                r.backend,
                one(&r.family.to_string()),
                one(&r.table),
                one(&r.chain),
                r.hook
                    .as_ref()
                    .map(|h| format!(" (hook {})", one(h)))
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
                "  {WARN} policy drop: {} {} {} {}",
                c.backend,
                one(&c.family.to_string()),
                one(&c.table),
                one(&c.name)
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
            Some(true) => ", httpd_can_network_connect on",
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
        let _ = writeln!(o, "{sym} SELinux: {}{b} ({})", x.mode, one(&x.detail));
    }
}

/// nginx: where its configuration came from, `nginx -t`, warnings, proxied locations.
fn nginx(o: &mut String, s: &Snapshot) {
    if !unknown(o, "nginx", &s.nginx)
        && let Some(n) = s.nginx.value()
    {
        let test = match &n.test {
            NginxTest::Ok { warnings } if warnings.is_empty() => format!("{OK} nginx -t ok"),
            NginxTest::Ok { warnings } => {
                format!("{WARN} nginx -t ok with {} warnings", warnings.len())
            }
            NginxTest::Failed { message, hint, .. } => format!(
                "{BAD} nginx -t failed: {}{}",
                one(message),
                hint.as_ref()
                    .map(|h| format!(" ({})", one(h)))
                    .unwrap_or_default()
            ),
            NginxTest::NotRun { reason } => format!("{UNK} nginx -t not run: {}", one(reason)),
        };
        let _ = writeln!(
            o,
            "nginx: {} servers, {} upstreams, from {} {}",
            n.servers.len(),
            n.upstreams.len(),
            n.origin,
            one(&n.main_config.display().to_string())
        );
        let _ = writeln!(o, "  {test}");
        for w in &n.warnings {
            let _ = writeln!(o, "  {WARN} {}", one(&w.to_string()));
        }
        for (srv, loc) in n.proxied_locations() {
            let st = &loc.settings;
            let _ = writeln!(
                o,
                "  {} {} — buffer {} ({}), buffers {}, connect {} read {} send {}",
                one(&srv.label()),
                one(&loc.path),
                one(&st.buffer_size.value.to_string()),
                st.buffer_size.from,
                one(&st.buffers.value.to_string()),
                one(&st.connect_timeout.value.to_string()),
                one(&st.read_timeout.value.to_string()),
                one(&st.send_timeout.value.to_string())
            );
        }
    }
}
