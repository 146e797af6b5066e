//! Storage checks from where the Document Server stands. A Document Server in a container
//! fetches documents and posts callbacks from the container's network namespace, where
//! `localhost` is the container, names come from the container's `/etc/hosts` and resolver,
//! and certificates are checked against the container's CA store. As root, when a Document
//! Server process runs in another network namespace than this program, the storage checks run
//! there: a short-lived thread enters `/proc/PID/ns/net` (`setns`) and drives a current-thread
//! runtime, so every socket it opens — the DNS queries and the HTTP connections — belongs to
//! that namespace. Names are resolved from `/proc/PID/root/etc/hosts`, then by UDP queries to
//! the nameservers of `/proc/PID/root/etc/resolv.conf` (a resolver of this box would answer for
//! this box), and pinned in the HTTP client; the container's CA bundle, when it has one,
//! replaces this box's roots. Nothing needs to exist in the container.
//!
//! Files under `/proc/PID/root` belong to whoever runs the container: they are read bounded,
//! without following a symbolic link at the last step, and only parsed.

use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::os::fd::AsRawFd as _;
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use hickory_proto::op::{Message, Query, ResponseCode};
use hickory_proto::rr::{Name, RData, RecordType};

use super::storage::{self, Lookup, StorageCheck, StorageOptions};
use crate::discover::{docserver, procs};

/// Where the checks run when no Document Server is in another namespace.
pub const THIS_BOX: &str = "this box";
/// Largest `/etc/hosts` or `resolv.conf` read.
const MAX_SMALL: u64 = 1 << 20;
/// Largest CA bundle read.
const MAX_BUNDLE: u64 = 8 << 20;
/// Nameservers asked, as glibc does.
const MAX_NAMESERVERS: usize = 3;
/// CA bundles a container may have, Debian's then Red Hat's.
const BUNDLES: [&str; 2] = [
    "etc/ssl/certs/ca-certificates.crt",
    "etc/pki/tls/certs/ca-bundle.crt",
];

/// A Document Server process in another network namespace than this program's.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// The process.
    pub pid: i32,
    /// What made it a Document Server.
    pub because: String,
}

impl Place {
    /// The words of [`StorageCheck::from`] for checks run there, with the CA bundle used.
    pub fn words(&self, bundle: Option<&str>) -> String {
        match bundle {
            Some(b) => format!(
                "the Document Server's network namespace (pid {}; CA store /{b})",
                self.pid
            ),
            None => format!(
                "the Document Server's network namespace (pid {}; this box's CA store)",
                self.pid
            ),
        }
    }
}

/// The identity (device, inode) of a network namespace file.
fn ns_id(path: &str) -> Option<(u64, u64)> {
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

/// `/proc/PID/root` joined with an absolute path of that process.
fn inside(pid: i32, path: &str) -> PathBuf {
    Path::new(&format!("/proc/{pid}/root")).join(path.trim_start_matches('/'))
}

/// Whether `pid` is a Document Server (its executable, or `NODE_CONFIG_DIR` naming a folder
/// with `services.CoAuthoring`, read through its own root), with its config folder as this
/// program sees it and why.
fn recognise(pid: i32) -> Option<(PathBuf, String)> {
    if procs::exe(pid).is_some_and(|e| e.ends_with("DocService/docservice")) {
        return Some((
            inside(pid, docserver::PACKAGE_CONFIG_DIR),
            format!("pid {pid}: executable …/DocService/docservice"),
        ));
    }
    let d = procs::environ_var(pid, "NODE_CONFIG_DIR").ok().flatten()?;
    if !d.starts_with('/') {
        return None;
    }
    let seen = inside(pid, &d);
    docserver::has_coauthoring(&seen).then(|| {
        (
            seen,
            format!("pid {pid}: NODE_CONFIG_DIR={d} holds the Document Server's settings"),
        )
    })
}

/// The Document Server whose network namespace the storage checks should run in, or `None`
/// for this box: not root (entering a namespace needs it), no process in another namespace is
/// a Document Server, or one in this namespace is. `preferred` is the folder of the
/// configured `local.json`: the Document Server using it decides, wherever it runs.
pub fn find(preferred: Option<&Path>) -> Option<Place> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return None;
    }
    let own = ns_id("/proc/self/ns/net")?;
    let mut foreign = Vec::new();
    let mut local = Vec::new();
    for pid in procs::pids() {
        match ns_id(&format!("/proc/{pid}/ns/net")) {
            Some(ns) if ns != own => foreign.push(pid),
            Some(_) => local.push(pid),
            None => {}
        }
    }
    // The common case, no container: nothing more is read.
    let dss: Vec<(i32, PathBuf, String)> = foreign
        .iter()
        .filter_map(|&pid| recognise(pid).map(|(d, b)| (pid, d, b)))
        .collect();
    let first = dss.first()?;
    let same = |dir: &Path| {
        preferred.is_some_and(|p| {
            p == dir || std::fs::canonicalize(p).ok() == std::fs::canonicalize(dir).ok()
        })
    };
    if let Some((pid, _, because)) = dss.iter().find(|(_, d, _)| same(d)) {
        return Some(Place {
            pid: *pid,
            because: because.clone(),
        });
    }
    for pid in local {
        if recognise(pid).is_some() {
            return None;
        }
    }
    Some(Place {
        pid: first.0,
        because: first.2.clone(),
    })
}

/// What the namespace's resolver configuration says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resolv {
    /// `nameserver` lines (at most three), port 53.
    pub nameservers: Vec<SocketAddr>,
    /// `search` (or `domain`) suffixes.
    pub search: Vec<String>,
}

/// Parse `resolv.conf`; without a nameserver line, glibc asks 127.0.0.1.
pub fn parse_resolv(text: &str) -> Resolv {
    let mut r = Resolv::default();
    for line in text.lines() {
        let line = line.split(['#', ';']).next().unwrap_or("");
        let mut w = line.split_whitespace();
        match w.next() {
            Some("nameserver") => {
                if let Some(ip) = w.next().and_then(|a| a.split('%').next()?.parse().ok())
                    && r.nameservers.len() < MAX_NAMESERVERS
                {
                    r.nameservers.push(SocketAddr::new(ip, 53));
                }
            }
            Some("search") | Some("domain") => {
                r.search = w.map(|s| s.trim_end_matches('.').to_string()).collect();
            }
            _ => {}
        }
    }
    if r.nameservers.is_empty() {
        r.nameservers.push(SocketAddr::from(([127, 0, 0, 1], 53)));
    }
    r
}

/// The addresses `/etc/hosts` text gives `host` (case-insensitive), in file order.
pub fn hosts_lookup(text: &str, host: &str) -> Vec<IpAddr> {
    let mut v = Vec::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("");
        let mut w = line.split_whitespace();
        let Some(ip) = w.next().and_then(|a| a.parse::<IpAddr>().ok()) else {
            continue;
        };
        if w.any(|n| n.eq_ignore_ascii_case(host)) && !v.contains(&ip) {
            v.push(ip);
        }
    }
    v
}

/// The names tried for `host`, as glibc with `ndots:1`: a name with a dot as given first,
/// a single label with the search suffixes first.
fn candidates(host: &str, search: &[String]) -> Vec<String> {
    let suffixed = search.iter().map(|s| format!("{host}.{s}"));
    if host.contains('.') {
        std::iter::once(host.to_string()).chain(suffixed).collect()
    } else {
        suffixed.chain(std::iter::once(host.to_string())).collect()
    }
}

/// One UDP question to one nameserver, answered before `deadline`.
fn ask(
    server: SocketAddr,
    name: &Name,
    rtype: RecordType,
    deadline: Instant,
) -> Result<Message, String> {
    let bind: SocketAddr = if server.is_ipv4() {
        ([0, 0, 0, 0], 0).into()
    } else {
        (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let sock = UdpSocket::bind(bind).map_err(|e| format!("udp socket: {e}"))?;
    sock.connect(server)
        .map_err(|e| format!("nameserver {server}: {e}"))?;
    let mut q = Message::query();
    q.metadata.recursion_desired = true;
    q.add_query(Query::query(name.clone(), rtype));
    let id = q.metadata.id;
    let bytes = q.to_vec().map_err(|e| format!("query: {e}"))?;
    sock.send(&bytes)
        .map_err(|e| format!("nameserver {server}: {e}"))?;
    let mut buf = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(format!("nameserver {server}: no answer"));
        }
        sock.set_read_timeout(Some(left))
            .map_err(|e| format!("udp socket: {e}"))?;
        let n = match sock.recv(&mut buf) {
            Ok(n) => n,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return Err(format!("nameserver {server}: no answer"));
            }
            Err(e) => return Err(format!("nameserver {server}: {e}")),
        };
        // A stray or forged datagram with another id is not the answer.
        if let Ok(m) = Message::from_vec(&buf[..n])
            && m.metadata.id == id
        {
            return Ok(m);
        }
    }
}

/// The A and AAAA answers for `name` from the first nameserver that answers.
fn query(r: &Resolv, name: &str, deadline: Instant) -> Result<Vec<IpAddr>, String> {
    let fq = Name::from_utf8(format!("{}.", name.trim_end_matches('.')))
        .map_err(|e| format!("{name}: not a DNS name: {e}"))?;
    let mut last = String::from("no nameserver");
    for (i, server) in r.nameservers.iter().enumerate() {
        // Each nameserver left gets an equal share of the time left, as glibc rotates them.
        let left = deadline.saturating_duration_since(Instant::now());
        let until = Instant::now() + left / (r.nameservers.len() - i) as u32;
        let mut ips = Vec::new();
        let mut nx = false;
        let mut answered = false;
        for rtype in [RecordType::A, RecordType::AAAA] {
            match ask(*server, &fq, rtype, until) {
                Ok(m) => {
                    answered = true;
                    nx |= m.metadata.response_code == ResponseCode::NXDomain;
                    for rec in &m.answers {
                        let ip = match &rec.data {
                            RData::A(a) => IpAddr::V4(a.0),
                            RData::AAAA(a) => IpAddr::V6(a.0),
                            _ => continue,
                        };
                        if !ips.contains(&ip) {
                            ips.push(ip);
                        }
                    }
                }
                Err(e) => last = e,
            }
        }
        if !ips.is_empty() {
            return Ok(ips);
        }
        if answered {
            return Err(if nx {
                format!("nameserver {server}: no such name")
            } else {
                format!("nameserver {server}: no address")
            });
        }
    }
    Err(last)
}

/// Resolve `host` as a process of the namespace would: its hosts file, then its nameservers
/// for each candidate name, all before `deadline`.
pub fn resolve_there(
    host: &str,
    hosts: &str,
    resolv: &Resolv,
    deadline: Instant,
) -> Result<Vec<IpAddr>, String> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return Ok(vec![ip]);
    }
    let from_file = hosts_lookup(hosts, host);
    if !from_file.is_empty() {
        return Ok(from_file);
    }
    let mut why = Vec::new();
    for name in candidates(host, &resolv.search) {
        match query(resolv, &name, deadline) {
            Ok(ips) => return Ok(ips),
            Err(e) => why.push(format!("{name}: {e}")),
        }
        if Instant::now() >= deadline {
            break;
        }
    }
    Err(format!(
        "{host} does not resolve in the Document Server's network namespace (its /etc/hosts has no entry; {})",
        why.join("; ")
    ))
}

/// Bounded read of a file of the namespace's root; empty when absent or unreadable.
fn read_inside(pid: i32, rel: &str, max: u64) -> Option<Vec<u8>> {
    crate::fsafe::read_capped(&inside(pid, rel), max, false)
        .ok()
        .map(|(b, _)| b)
}

/// Run the storage checks of `targets` (URL, purpose) inside `place`'s network namespace.
/// `Err` says why they could not run there (the namespace is gone, `setns` refused, the
/// thread did not finish in time); the caller then checks from this box and says so.
pub async fn check_all(
    place: &Place,
    targets: &[(String, String)],
    opt: StorageOptions,
) -> Result<Vec<StorageCheck>, String> {
    let pid = place.pid;
    let ns = std::fs::File::open(format!("/proc/{pid}/ns/net"))
        .map_err(|e| format!("cannot open /proc/{pid}/ns/net: {e}"))?;
    let hosts = read_inside(pid, "etc/hosts", MAX_SMALL)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let resolv = parse_resolv(
        &read_inside(pid, "etc/resolv.conf", MAX_SMALL)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default(),
    );
    let roots = BUNDLES.iter().find_map(|b| {
        let pem = read_inside(pid, b, MAX_BUNDLE)?;
        reqwest::Certificate::from_pem_bundle(&pem)
            .ok()
            .filter(|v| !v.is_empty())
            .map(|v| (*b, v))
    });
    let from = place.words(roots.as_ref().map(|(b, _)| *b));
    let targets = targets.to_vec();
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("t502-netns".into())
        .spawn(move || {
            let r = run_inside(&ns, &targets, opt, &hosts, &resolv, roots, &from);
            let _ = tx.send(r);
        })
        .map_err(|e| format!("cannot start a thread: {e}"))?;
    // Resolution and the checks are each bounded by the timeout; the thread gets both and a
    // margin, then it is left to finish on its own.
    let wait = opt.timeout * 2 + Duration::from_secs(1);
    match tokio::time::timeout(wait, rx).await {
        Ok(Ok(r)) => r,
        Ok(Err(_)) => Err("the namespace thread ended without an answer".into()),
        Err(_) => Err(format!(
            "the checks in the namespace took longer than {:.1} s",
            wait.as_secs_f64()
        )),
    }
}

/// The body of the namespace thread: enter, resolve every name, check every URL.
fn run_inside(
    ns: &std::fs::File,
    targets: &[(String, String)],
    opt: StorageOptions,
    hosts: &str,
    resolv: &Resolv,
    roots: Option<(&str, Vec<reqwest::Certificate>)>,
    from: &str,
) -> Result<Vec<StorageCheck>, String> {
    // SAFETY: setns on a valid descriptor changes only this thread's network namespace.
    if unsafe { libc::setns(ns.as_raw_fd(), libc::CLONE_NEWNET) } != 0 {
        return Err(format!(
            "cannot enter the namespace: {}",
            std::io::Error::last_os_error()
        ));
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start a runtime: {e}"))?;
    let deadline = Instant::now() + opt.timeout;
    let mut jobs = Vec::new();
    for (url, purpose) in targets {
        let lookup = match crate::util::UrlParts::parse(url) {
            Ok(p) => Lookup::Fixed(resolve_there(&p.host, hosts, resolv, deadline)),
            // check_url reports the unparsable URL itself.
            Err(_) => Lookup::Fixed(Ok(Vec::new())),
        };
        let mut b = crate::docserver::client::builder(false);
        if let (Ok(p), Lookup::Fixed(Ok(ips))) = (crate::util::UrlParts::parse(url), &lookup) {
            let addrs: Vec<SocketAddr> =
                ips.iter().map(|ip| SocketAddr::new(*ip, p.port)).collect();
            b = b.resolve_to_addrs(&p.host, &addrs);
        }
        if let Some((_, certs)) = &roots {
            b = b.tls_certs_only(certs.iter().cloned());
        }
        let client = b
            .build()
            .map_err(|e| format!("cannot build HTTP client: {e}"))?;
        jobs.push((client, url.clone(), purpose.clone(), lookup));
    }
    Ok(rt.block_on(futures_util::future::join_all(jobs.iter().map(
        |(client, url, purpose, lookup)| {
            storage::check_resolved(client, url, purpose, opt, lookup.clone(), from)
        },
    ))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolv_conf_gives_nameservers_and_search_as_glibc_reads_them() {
        let r = parse_resolv(
            "# docker\nsearch corp.example lan.\nnameserver 127.0.0.11\nnameserver fe80::1%eth0\n\
             nameserver 10.0.0.1\nnameserver 10.0.0.2\noptions ndots:0\n",
        );
        assert_eq!(
            r.nameservers,
            [
                "127.0.0.11:53".parse().unwrap(),
                "[fe80::1]:53".parse().unwrap(),
                "10.0.0.1:53".parse().unwrap()
            ]
        );
        assert_eq!(r.search, ["corp.example", "lan"]);
        assert_eq!(
            parse_resolv("").nameservers,
            ["127.0.0.1:53".parse::<SocketAddr>().unwrap()]
        );
        assert_eq!(
            candidates("nextcloud", &r.search),
            ["nextcloud.corp.example", "nextcloud.lan", "nextcloud"]
        );
        assert_eq!(
            candidates("cloud.example.com", &r.search)[0],
            "cloud.example.com"
        );
    }

    #[test]
    fn the_hosts_file_answers_by_any_alias_ignoring_comments_and_case() {
        let t = "127.0.0.1 localhost\n# 10.9.9.9 nextcloud\n172.18.0.3\tNextcloud app # c\n::1 localhost\nbad line\n";
        assert_eq!(
            hosts_lookup(t, "nextcloud"),
            ["172.18.0.3".parse::<IpAddr>().unwrap()]
        );
        assert_eq!(hosts_lookup(t, "localhost").len(), 2);
        assert!(hosts_lookup(t, "10.9.9.9").is_empty());
        assert!(hosts_lookup(t, "bad").is_empty());
    }

    /// A nameserver on loopback (this namespace) answering with a forged id first, then the
    /// real answer: only the answer with the query's id counts, and an A answer comes back.
    #[test]
    fn a_nameserver_is_asked_over_udp_and_a_datagram_with_another_id_is_ignored() {
        let srv = UdpSocket::bind("127.0.0.1:0").expect("bind");
        let addr = srv.local_addr().expect("addr");
        std::thread::spawn(move || {
            let mut buf = [0u8; 512];
            for _ in 0..2 {
                let Ok((n, peer)) = srv.recv_from(&mut buf) else {
                    return;
                };
                let q = Message::from_vec(&buf[..n]).expect("query");
                let mut forged =
                    Message::response(q.metadata.id.wrapping_add(1), q.metadata.op_code);
                forged.add_queries(q.queries.clone());
                let _ = srv.send_to(&forged.to_vec().expect("vec"), peer);
                let mut a = Message::response(q.metadata.id, q.metadata.op_code);
                a.add_queries(q.queries.clone());
                if q.queries[0].query_type() == RecordType::A {
                    a.add_answer(hickory_proto::rr::Record::from_rdata(
                        q.queries[0].name().clone(),
                        60,
                        RData::A(hickory_proto::rr::rdata::A::new(192, 0, 2, 7)),
                    ));
                }
                let _ = srv.send_to(&a.to_vec().expect("vec"), peer);
            }
        });
        let r = Resolv {
            nameservers: vec![addr],
            search: Vec::new(),
        };
        let ips = resolve_there(
            "storage.example",
            "",
            &r,
            Instant::now() + Duration::from_secs(3),
        )
        .expect("resolves");
        assert_eq!(ips, ["192.0.2.7".parse::<IpAddr>().unwrap()]);
        // Nobody answers: the deadline ends it, with the reason.
        let silent = UdpSocket::bind("127.0.0.1:0").expect("bind");
        let r = Resolv {
            nameservers: vec![silent.local_addr().expect("addr")],
            search: Vec::new(),
        };
        let e = resolve_there(
            "storage.example",
            "",
            &r,
            Instant::now() + Duration::from_millis(300),
        )
        .expect_err("no answer");
        assert!(
            e.contains("does not resolve in the Document Server's network namespace"),
            "{e}"
        );
        assert!(e.contains("no answer"), "{e}");
    }
}
