//! Listening sockets: TCP and UDP, IPv4 and IPv6, read from procfs (`/proc/net/{tcp,tcp6,udp,udp6}`)
//! with the owning process found through the socket inode → `/proc/PID/fd` mapping.
//!
//! Without root the file descriptors of other users' processes cannot be read; such sockets get
//! `Owner::Unknown { reason: "not visible without root" }` and are counted in
//! [`Sockets::hidden_owners`], so a blank owner is never left unexplained.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use procfs::net::{TcpState, UdpState};
use procfs::process::FDTarget;
use serde::Serialize;

use super::Unknown;
use crate::tr;

/// Transport protocol of a listener.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Proto {
    /// TCP in LISTEN state.
    Tcp,
    /// UDP bound and not connected.
    Udp,
}

/// Who holds a socket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Owner {
    /// The process holding the socket (lowest pid, e.g. nginx's master) and the other processes
    /// sharing it (e.g. nginx workers).
    Process {
        /// Lowest pid holding the socket.
        pid: i32,
        /// Its name (`comm`).
        name: String,
        /// Other pids holding the same socket.
        shared_with: Vec<i32>,
    },
    /// The owner could not be determined, with why.
    Unknown {
        /// Why ("not visible without root", "no process holds it").
        reason: String,
    },
}

/// One listening socket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Listener {
    /// tcp or udp.
    pub proto: Proto,
    /// Local address (IPv4-mapped IPv6 addresses are shown as IPv4).
    pub addr: IpAddr,
    /// Local port.
    pub port: u16,
    /// True when read from the tcp6/udp6 table (an IPv6 socket, possibly dual-stack on `::`).
    pub ipv6_socket: bool,
    /// Socket inode.
    pub inode: u64,
    /// Owning uid.
    pub uid: u32,
    /// Owning process.
    pub owner: Owner,
}

impl Listener {
    /// `127.0.0.1:8000` / `[::1]:8000`.
    pub fn endpoint(&self) -> String {
        match self.addr {
            IpAddr::V4(a) => format!("{a}:{}", self.port),
            IpAddr::V6(a) => format!("[{a}]:{}", self.port),
        }
    }

    /// The owning pid, when known.
    pub fn pid(&self) -> Option<i32> {
        match &self.owner {
            Owner::Process { pid, .. } => Some(*pid),
            Owner::Unknown { .. } => None,
        }
    }

    /// The owning process name, when known.
    pub fn process_name(&self) -> Option<&str> {
        match &self.owner {
            Owner::Process { name, .. } => Some(name),
            Owner::Unknown { .. } => None,
        }
    }
}

/// The listening-socket table.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Sockets {
    /// Listeners sorted by port, protocol, address.
    pub listeners: Vec<Listener>,
    /// How many listeners have an owner that could not be seen for lack of privileges.
    pub hidden_owners: usize,
    /// How many processes' fd tables could not be read.
    pub unreadable_processes: usize,
}

fn normalize(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        },
        v4 => v4,
    }
}

fn unspecified_remote(ip: IpAddr) -> bool {
    ip == IpAddr::V4(Ipv4Addr::UNSPECIFIED) || ip == IpAddr::V6(Ipv6Addr::UNSPECIFIED)
}

/// Reads the listening sockets and their owners (blocking; call from `spawn_blocking`).
pub fn collect() -> Result<Sockets, Unknown> {
    struct Raw {
        proto: Proto,
        local: std::net::SocketAddr,
        v6: bool,
        inode: u64,
        uid: u32,
    }
    let mut raw = Vec::new();
    let mut errors = Vec::new();
    for (v6, res) in [(false, procfs::net::tcp()), (true, procfs::net::tcp6())] {
        match res {
            Ok(entries) => raw.extend(
                entries
                    .into_iter()
                    .filter(|e| e.state == TcpState::Listen)
                    .map(|e| Raw {
                        proto: Proto::Tcp,
                        local: e.local_address,
                        v6,
                        inode: e.inode,
                        uid: e.uid,
                    }),
            ),
            Err(e) => errors.push(format!("tcp{}: {e}", if v6 { "6" } else { "" })),
        }
    }
    for (v6, res) in [(false, procfs::net::udp()), (true, procfs::net::udp6())] {
        match res {
            Ok(entries) => raw.extend(
                entries
                    .into_iter()
                    .filter(|e| {
                        e.state == UdpState::Close && unspecified_remote(e.remote_address.ip())
                    })
                    .map(|e| Raw {
                        proto: Proto::Udp,
                        local: e.local_address,
                        v6,
                        inode: e.inode,
                        uid: e.uid,
                    }),
            ),
            Err(e) => errors.push(format!("udp{}: {e}", if v6 { "6" } else { "" })),
        }
    }
    if raw.is_empty() && errors.len() == 4 {
        return Err(Unknown::new(
            tr!(
                "host-sock-proc-net",
                errors = errors.join(&tr!("host-sep-semi"))
            ),
            Some(tr!("host-sock-proc-net-hint")),
        ));
    }

    let (owners, unreadable) = inode_owners();
    let root = is_root();
    let mut hidden = 0;
    let mut listeners: Vec<Listener> = raw
        .into_iter()
        .map(|r| {
            let owner = match owners.get(&r.inode) {
                Some(pids) => {
                    let (pid, name) = pids[0].clone();
                    Owner::Process {
                        pid,
                        name,
                        shared_with: pids[1..].iter().map(|p| p.0).collect(),
                    }
                }
                None if !root && unreadable > 0 => {
                    hidden += 1;
                    Owner::Unknown {
                        reason: tr!("host-sock-owner-hidden"),
                    }
                }
                None => Owner::Unknown {
                    reason: tr!("host-sock-owner-none"),
                },
            };
            Listener {
                proto: r.proto,
                addr: normalize(r.local.ip()),
                port: r.local.port(),
                ipv6_socket: r.v6,
                inode: r.inode,
                uid: r.uid,
                owner,
            }
        })
        .collect();
    listeners.sort_by_key(|a| (a.port, a.proto, a.addr));
    Ok(Sockets {
        listeners,
        hidden_owners: hidden,
        unreadable_processes: unreadable,
    })
}

/// True when running as root (euid 0).
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// socket inode → [(pid, comm)] sorted by pid, and the number of processes whose fds were unreadable.
fn inode_owners() -> (HashMap<u64, Vec<(i32, String)>>, usize) {
    let mut map: HashMap<u64, Vec<(i32, String)>> = HashMap::new();
    let mut unreadable = 0;
    let Ok(all) = procfs::process::all_processes() else {
        return (map, 0);
    };
    for p in all.flatten() {
        let fds = match p.fd() {
            Ok(fds) => fds,
            Err(procfs::ProcError::PermissionDenied(_)) => {
                unreadable += 1;
                continue;
            }
            Err(_) => continue,
        };
        let mut name: Option<String> = None;
        for fd in fds.flatten() {
            if let FDTarget::Socket(inode) = fd.target {
                let n = name
                    .get_or_insert_with(|| p.stat().map(|s| s.comm).unwrap_or_default())
                    .clone();
                let v = map.entry(inode).or_default();
                if !v.iter().any(|(pid, _)| *pid == p.pid) {
                    v.push((p.pid, n));
                }
            }
        }
    }
    for v in map.values_mut() {
        v.sort_by_key(|(pid, _)| *pid);
    }
    (map, unreadable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_listener_appears_with_own_pid() {
        let tcp = std::net::TcpListener::bind("127.0.0.1:0").expect("test setup");
        let port = tcp.local_addr().expect("test setup").port();
        let udp = std::net::UdpSocket::bind("127.0.0.1:0").expect("test setup");
        let uport = udp.local_addr().expect("test setup").port();
        let s = collect().expect("test setup");
        let me = std::process::id() as i32;
        let l = s
            .listeners
            .iter()
            .find(|l| l.proto == Proto::Tcp && l.port == port)
            .expect("tcp listener listed");
        assert_eq!(l.addr, IpAddr::V4(Ipv4Addr::LOCALHOST));
        assert_eq!(l.pid(), Some(me), "{l:?}");
        let u = s
            .listeners
            .iter()
            .find(|l| l.proto == Proto::Udp && l.port == uport)
            .expect("udp socket listed");
        assert_eq!(u.pid(), Some(me));
        drop(tcp);
        let s = collect().expect("test setup");
        assert!(
            !s.listeners
                .iter()
                .any(|l| l.proto == Proto::Tcp && l.port == port),
            "closed listener must disappear"
        );
    }

    /// Run by `owners_hidden_without_root_are_explained` as user nobody.
    #[test]
    #[ignore = "run as an unprivileged child by owners_hidden_without_root_are_explained"]
    fn unprivileged_view() {
        let port: u16 = std::env::var("T502_PORT")
            .expect("test setup")
            .parse()
            .expect("test setup");
        assert!(!is_root());
        let s = collect().expect("test setup");
        let l = s
            .listeners
            .iter()
            .find(|l| l.port == port)
            .expect("root's listener listed");
        assert_eq!(
            l.owner,
            Owner::Unknown {
                reason: "not visible without root".into()
            }
        );
        assert!(s.hidden_owners >= 1);
        assert!(s.unreadable_processes >= 1);
    }

    #[test]
    fn owners_hidden_without_root_are_explained() {
        let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists());
        let (true, Some(setpriv)) = (is_root(), setpriv) else {
            eprintln!("skipped: needs root and setpriv to look from an unprivileged user");
            return;
        };
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("test setup");
        let port = l.local_addr().expect("test setup").port();
        let exe = std::env::current_exe().expect("test setup");
        let out = std::process::Command::new(setpriv)
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(&exe)
            .args([
                "--exact",
                "host::sockets::tests::unprivileged_view",
                "--ignored",
                "--test-threads=1",
            ])
            .env("T502_PORT", port.to_string())
            .output()
            .expect("test setup");
        let text = String::from_utf8_lossy(&out.stdout);
        if text.contains("Permission denied")
            || String::from_utf8_lossy(&out.stderr).contains("Permission denied")
        {
            eprintln!("skipped: the test binary is not executable by nobody");
            return;
        }
        assert!(
            out.status.success() && text.contains("1 passed"),
            "unprivileged view failed:\n{text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    #[test]
    fn ipv6_listener_is_listed() {
        let Ok(tcp) = std::net::TcpListener::bind("[::1]:0") else {
            eprintln!("skipped: no IPv6 loopback");
            return;
        };
        let port = tcp.local_addr().expect("test setup").port();
        let s = collect().expect("test setup");
        let l = s.listeners.iter().find(|l| l.port == port).expect("listed");
        assert_eq!(l.addr, IpAddr::V6(Ipv6Addr::LOCALHOST));
        assert!(l.ipv6_socket);
        assert_eq!(l.endpoint(), format!("[::1]:{port}"));
    }
}
