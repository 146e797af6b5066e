//! nginx's proxy targets mapped onto the listening sockets: does something listen where each
//! `proxy_pass` / upstream server points (address, port, unix socket)?

use super::*;

/// How a proxy target relates to the listening sockets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetStatus {
    /// A TCP listener accepts on exactly this address:port (or a covering wildcard).
    Listening,
    /// Something listens on the port, but on another address only (e.g. 10.0.0.5 or [::1]).
    OtherAddress,
    /// Nothing listens on that port.
    NoListener,
    /// The unix socket exists.
    UnixSocketPresent,
    /// The unix socket does not exist (or is not a socket).
    UnixSocketMissing,
    /// The address is not local to this box; a network probe must check it.
    Remote,
    /// A host name or variable that cannot be mapped without resolving it.
    Unresolved,
}

/// A listener that matched a target (exactly or by port).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListenerRef {
    /// `addr:port`.
    pub endpoint: String,
    /// Owning pid, when visible.
    pub pid: Option<i32>,
    /// Owning process name, when visible.
    pub process: Option<String>,
}

/// One proxy endpoint (a location's target, or one server of its upstream group) mapped onto
/// the listening sockets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetMapping {
    /// Server block label.
    pub server: String,
    /// Location path (with modifier).
    pub location: String,
    /// `proxy_pass`, `fastcgi_pass`, …
    pub directive: String,
    /// Target as written in the pass directive.
    pub target: String,
    /// Upstream group when the target names one.
    pub upstream: Option<String>,
    /// The endpoint checked: `127.0.0.1:8000`, `[::1]:8000`, `unix:/run/x.sock`, `host:port`.
    pub endpoint: String,
    /// The finding.
    pub status: TargetStatus,
    /// Listeners on that port (exact matches for `Listening`, the others for `OtherAddress`).
    pub listeners: Vec<ListenerRef>,
    /// Extra explanation.
    pub note: Option<String>,
}

fn local_addresses() -> Vec<IpAddr> {
    let mut out = Vec::new();
    let mut ifap: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `ifap` with a list we free with freeifaddrs; we only read
    // sockaddr fields whose family we checked.
    unsafe {
        if libc::getifaddrs(&mut ifap) != 0 {
            return out;
        }
        let mut cur = ifap;
        while !cur.is_null() {
            let sa = (*cur).ifa_addr;
            if !sa.is_null() {
                match i32::from((*sa).sa_family) {
                    libc::AF_INET => {
                        let sin = &*(sa as *const libc::sockaddr_in);
                        out.push(IpAddr::V4(Ipv4Addr::from(u32::from_be(
                            sin.sin_addr.s_addr,
                        ))));
                    }
                    libc::AF_INET6 => {
                        let sin6 = &*(sa as *const libc::sockaddr_in6);
                        out.push(IpAddr::V6(Ipv6Addr::from(sin6.sin6_addr.s6_addr)));
                    }
                    _ => {}
                }
            }
            cur = (*cur).ifa_next;
        }
        libc::freeifaddrs(ifap);
    }
    out
}

fn lref(l: &Listener) -> ListenerRef {
    ListenerRef {
        endpoint: l.endpoint(),
        pid: l.pid(),
        process: l.process_name().map(str::to_string),
    }
}

fn endpoint_str(ip: IpAddr, port: u16) -> String {
    match ip {
        IpAddr::V4(a) => format!("{a}:{port}"),
        IpAddr::V6(a) => format!("[{a}]:{port}"),
    }
}

/// Checks one TCP endpoint against the listeners.
fn check_ip(
    ip: IpAddr,
    port: u16,
    sockets: &[Listener],
    local: &[IpAddr],
) -> (TargetStatus, Vec<ListenerRef>, Option<String>) {
    let same_port: Vec<&Listener> = sockets
        .iter()
        .filter(|l| l.proto == Proto::Tcp && l.port == port)
        .collect();
    let covers = |l: &Listener| match (l.addr, ip) {
        (a, b) if a == b => true,
        (IpAddr::V4(a), IpAddr::V4(_)) if a.is_unspecified() => true,
        (IpAddr::V6(a), IpAddr::V6(_)) if a.is_unspecified() => true,
        _ => false,
    };
    let exact: Vec<ListenerRef> = same_port
        .iter()
        .filter(|l| covers(l))
        .map(|l| lref(l))
        .collect();
    if !exact.is_empty() {
        return (TargetStatus::Listening, exact, None);
    }
    // [::]:port on a dual-stack socket also accepts IPv4 unless IPV6_V6ONLY is set.
    let dual: Vec<ListenerRef> = same_port
        .iter()
        .filter(|l| ip.is_ipv4() && l.addr == IpAddr::V6(Ipv6Addr::UNSPECIFIED))
        .map(|l| lref(l))
        .collect();
    if !dual.is_empty() {
        let note = tr!("host-nginx-dual-stack");
        return (TargetStatus::Listening, dual, Some(note));
    }
    let is_local = ip.is_loopback() || ip.is_unspecified() || local.contains(&ip);
    if !same_port.is_empty() {
        let others: Vec<ListenerRef> = same_port.iter().map(|l| lref(l)).collect();
        if is_local {
            let bound = others
                .iter()
                .map(|o| o.endpoint.as_str())
                .collect::<Vec<_>>()
                .join(&tr!("host-sep-comma"));
            let note = Some(tr!(
                "host-nginx-other-address",
                target = endpoint_str(ip, port),
                bound = bound
            ));
            return (TargetStatus::OtherAddress, others, note);
        }
    }
    if !is_local {
        return (
            TargetStatus::Remote,
            Vec::new(),
            Some(tr!("host-nginx-remote")),
        );
    }
    (TargetStatus::NoListener, Vec::new(), None)
}

/// The addresses nginx's getaddrinfo gives `localhost`: those /etc/hosts lists for it (read
/// capped), else both 127.0.0.1 and ::1 (what a resolver answers for it).
fn localhost_addresses() -> Vec<IpAddr> {
    let listed: Vec<IpAddr> = crate::fsafe::read_capped(Path::new("/etc/hosts"), 64 * 1024, true)
        .map(|(b, _)| hosts_entries(&String::from_utf8_lossy(&b), "localhost"))
        .unwrap_or_default();
    if listed.is_empty() {
        vec![
            IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(Ipv6Addr::LOCALHOST),
        ]
    } else {
        listed
    }
}

/// The addresses a hosts file gives `name` (case-insensitive), in file order, once each.
fn hosts_entries(text: &str, name: &str) -> Vec<IpAddr> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("");
        let mut words = line.split_whitespace();
        let Some(ip) = words.next().and_then(|w| w.parse::<IpAddr>().ok()) else {
            continue;
        };
        if words.any(|w| w.eq_ignore_ascii_case(name)) && !out.contains(&ip) {
            out.push(ip);
        }
    }
    out
}

/// Maps every proxy target (upstream groups expanded to their servers, `localhost` to the
/// addresses /etc/hosts gives it) onto the listening sockets.
pub fn proxy_target_map(nginx: &NginxFacts, sockets: &[Listener]) -> Vec<TargetMapping> {
    let local = local_addresses();
    let mut out = Vec::new();
    for (server, loc) in nginx.proxied_locations() {
        let Some(pass) = &loc.pass else { continue };
        let location = match &loc.modifier {
            Some(m) => format!("{m} {}", loc.path),
            None => loc.path.clone(),
        };
        let base = TargetMapping {
            server: server.label(),
            location,
            directive: pass.directive.clone(),
            target: pass.raw.clone(),
            upstream: None,
            endpoint: String::new(),
            status: TargetStatus::Unresolved,
            listeners: Vec::new(),
            note: None,
        };
        let targets: Vec<(Option<String>, Target)> = match &pass.target {
            Target::Upstream { name, .. } => match nginx.upstream(name) {
                Some(u) => u
                    .servers
                    .iter()
                    .map(|s| (Some(name.clone()), s.target.clone()))
                    .collect(),
                None => {
                    out.push(TargetMapping {
                        upstream: Some(name.clone()),
                        endpoint: name.clone(),
                        note: Some(tr!("host-nginx-no-upstream", name = name)),
                        ..base.clone()
                    });
                    continue;
                }
            },
            t => vec![(None, t.clone())],
        };
        for (upstream, t) in targets {
            let m = TargetMapping {
                upstream,
                ..base.clone()
            };
            out.extend(map_one(m, &t, sockets, &local));
        }
    }
    out
}

fn map_one(
    base: TargetMapping,
    t: &Target,
    sockets: &[Listener],
    local: &[IpAddr],
) -> Vec<TargetMapping> {
    match t {
        Target::Variable { raw } => vec![TargetMapping {
            endpoint: raw.clone(),
            status: TargetStatus::Unresolved,
            note: Some(tr!("host-nginx-variables")),
            ..base
        }],
        Target::Upstream { name, .. } => vec![TargetMapping {
            endpoint: name.clone(),
            status: TargetStatus::Unresolved,
            note: Some(tr!("host-nginx-nested-upstream")),
            ..base
        }],
        Target::Unix { path, .. } => {
            use std::os::unix::fs::FileTypeExt;
            let present = std::fs::metadata(path)
                .map(|m| m.file_type().is_socket())
                .unwrap_or(false);
            vec![TargetMapping {
                endpoint: format!("unix:{}", path.display()),
                status: if present {
                    TargetStatus::UnixSocketPresent
                } else {
                    TargetStatus::UnixSocketMissing
                },
                ..base
            }]
        }
        Target::Address { host, port, .. } => {
            let ips: Vec<IpAddr> = match host.parse::<IpAddr>() {
                Ok(ip) => vec![ip],
                Err(_) if host.eq_ignore_ascii_case("localhost") => localhost_addresses(),
                Err(_) => {
                    return vec![TargetMapping {
                        endpoint: format!("{host}:{port}"),
                        status: TargetStatus::Unresolved,
                        note: Some(tr!("host-nginx-host-name")),
                        ..base
                    }];
                }
            };
            ips.into_iter()
                .map(|ip| {
                    let (status, listeners, note) = check_ip(ip, *port, sockets, local);
                    TargetMapping {
                        endpoint: endpoint_str(ip, *port),
                        status,
                        listeners,
                        note,
                        ..base.clone()
                    }
                })
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hosts_file_gives_localhost_the_addresses_it_lists() {
        let debian = "127.0.0.1\tlocalhost\n127.0.1.1 box\n# The following lines are desirable for IPv6 capable hosts\n::1     localhost ip6-localhost ip6-loopback\n";
        assert_eq!(
            hosts_entries(debian, "localhost"),
            [
                IpAddr::V4(Ipv4Addr::LOCALHOST),
                IpAddr::V6(Ipv6Addr::LOCALHOST)
            ]
        );
        let v4_only =
            "127.0.0.1 localhost # ::1 localhost\n::1 ip6-localhost\nnot-an-ip localhost\n";
        assert_eq!(
            hosts_entries(v4_only, "LOCALHOST"),
            [IpAddr::V4(Ipv4Addr::LOCALHOST)]
        );
        assert!(hosts_entries("", "localhost").is_empty());
    }
}
