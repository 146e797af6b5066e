//! Process and system helpers for the lab: run a command (argv, never a shell) with a bounded
//! wait, find binaries, pick free loopback ports, wait for ports, a tiny blocking HTTP GET, and
//! the `/proc` scan that finds and kills every process belonging to a lab folder.

use anyhow::{Context as _, bail};
use std::collections::{BTreeSet, HashMap};
use std::io::{Read as _, Write as _};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a finished command left behind.
#[derive(Debug, Clone)]
pub struct Output {
    /// Exit code (`None`: killed by a signal).
    pub code: Option<i32>,
    /// Standard output, lossily decoded.
    pub stdout: String,
    /// Standard error, lossily decoded.
    pub stderr: String,
}

impl Output {
    /// Exit code 0.
    pub fn ok(&self) -> bool {
        self.code == Some(0)
    }

    /// stderr, or stdout when stderr is empty, trimmed: for error messages.
    pub fn message(&self) -> String {
        let s = if self.stderr.trim().is_empty() {
            &self.stdout
        } else {
            &self.stderr
        };
        s.trim().to_string()
    }
}

/// Render argv for messages.
pub fn show_argv(prog: &Path, args: &[String]) -> String {
    let mut s = prog.display().to_string();
    for a in args {
        s.push(' ');
        if a.contains(' ') || a.is_empty() {
            s.push_str(&format!("'{a}'"));
        } else {
            s.push_str(a);
        }
    }
    s
}

/// Run `prog args...` with stdin closed and stdout/stderr captured, killing it after `timeout`.
/// Only for commands that do not leave children holding the pipes (not for daemons).
pub fn run(prog: &Path, args: &[String], timeout: Duration) -> anyhow::Result<Output> {
    let shown = show_argv(prog, args);
    let mut child = Command::new(prog)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot run `{shown}`"))?;
    let mut out = child.stdout.take();
    let mut err = child.stderr.take();
    let t_out = std::thread::spawn(move || {
        let mut b = Vec::new();
        if let Some(o) = out.as_mut() {
            let _ = o.read_to_end(&mut b);
        }
        b
    });
    let t_err = std::thread::spawn(move || {
        let mut b = Vec::new();
        if let Some(e) = err.as_mut() {
            let _ = e.read_to_end(&mut b);
        }
        b
    });
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(st)) => break st,
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                bail!("`{shown}` did not finish within {} s", timeout.as_secs());
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => bail!("waiting for `{shown}`: {e}"),
        }
    };
    let stdout = String::from_utf8_lossy(&t_out.join().unwrap_or_default()).into_owned();
    let stderr = String::from_utf8_lossy(&t_err.join().unwrap_or_default()).into_owned();
    Ok(Output {
        code: status.code(),
        stdout,
        stderr,
    })
}

/// Find a program: an absolute path if it exists, else the first match in `$PATH`, then the
/// usual sbin folders (a non-root `$PATH` often lacks them).
pub fn find_program(name: &str) -> Option<PathBuf> {
    let p = Path::new(name);
    if p.is_absolute() {
        return p.is_file().then(|| p.to_path_buf());
    }
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|v| std::env::split_paths(&v).collect())
        .unwrap_or_default();
    for d in [
        "/usr/local/sbin",
        "/usr/local/bin",
        "/usr/sbin",
        "/usr/bin",
        "/sbin",
        "/bin",
    ] {
        dirs.push(PathBuf::from(d));
    }
    dirs.into_iter().map(|d| d.join(name)).find(|c| c.is_file())
}

/// An exclusive lock (flock) held while a lab picks its ports and starts its programs, so two
/// labs starting together never pick the same port. Best effort: without the lock file the
/// lab starts anyway. Released on drop (closing the file).
pub struct PortsLock {
    _file: Option<std::fs::File>,
}

impl PortsLock {
    /// Take the lock, waiting for another lab's start to finish.
    pub fn take() -> PortsLock {
        use std::os::fd::AsRawFd;
        let path = std::env::temp_dir().join("triage502-lab-ports.lock");
        let f = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .ok();
        if let Some(f) = &f {
            // SAFETY: flock on a file descriptor we own; it blocks until the lock is ours.
            unsafe {
                libc::flock(f.as_raw_fd(), libc::LOCK_EX);
            }
        }
        PortsLock { _file: f }
    }
}

/// `n` distinct free ports on 127.0.0.1, all picked while the others are still held, from
/// below the kernel's ephemeral range (`ip_local_port_range`) when it leaves room: a port
/// there is never handed out by a `bind(0)` or an outgoing connection, so once a lab program
/// stops (nginx-down) or never binds (the spare port of wrong-upstream-port), no test server
/// or client of another program can take it and answer in its place. Falls back to `bind(0)`.
pub fn free_ports(n: usize) -> anyhow::Result<Vec<u16>> {
    let low = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|t| t.split_whitespace().next()?.parse::<u16>().ok())
        .unwrap_or(32768);
    const FLOOR: u16 = 10_000;
    let mut held: Vec<TcpListener> = Vec::new();
    if low > FLOOR + 1000 {
        let span = u32::from(low - FLOOR);
        for _ in 0..n * 50 {
            if held.len() == n {
                break;
            }
            let r = u32::from_str_radix(&random_hex(4)?, 16).unwrap_or(0);
            let port = FLOOR + (r % span) as u16;
            if let Ok(l) = TcpListener::bind((Ipv4Addr::LOCALHOST, port)) {
                held.push(l);
            }
        }
    }
    while held.len() < n {
        held.push(
            TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
                .context("cannot bind 127.0.0.1:0 to pick a free port")?,
        );
    }
    held.iter()
        .map(|l| Ok(l.local_addr()?.port()))
        .collect::<anyhow::Result<Vec<u16>>>()
}

/// Whether something accepts connections on 127.0.0.1:port right now.
pub fn port_accepts(port: u16, timeout: Duration) -> bool {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    TcpStream::connect_timeout(&addr, timeout).is_ok()
}

/// Poll `f` every 50 ms until it is true or `timeout` passes; returns the last value.
pub fn wait_until(timeout: Duration, mut f: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if f() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A blocking HTTP/1.0 GET to 127.0.0.1:port; returns (status, body). Bounded by `timeout`
/// for connect and for each read.
pub fn http_get(port: u16, path: &str, timeout: Duration) -> anyhow::Result<(u16, String)> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut s = TcpStream::connect_timeout(&addr, timeout)
        .with_context(|| format!("connect to 127.0.0.1:{port}"))?;
    s.set_read_timeout(Some(timeout))?;
    s.set_write_timeout(Some(timeout))?;
    // triage502's own User-Agent: the lab's checks are not users in the access figures.
    write!(
        s,
        "GET {path} HTTP/1.0\r\nHost: localhost\r\nUser-Agent: triage502/{} lab\r\n\r\n",
        env!("CARGO_PKG_VERSION")
    )?;
    let mut buf = Vec::new();
    s.take(1024 * 1024)
        .read_to_end(&mut buf)
        .with_context(|| format!("read from 127.0.0.1:{port}"))?;
    let text = String::from_utf8_lossy(&buf);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse::<u16>().ok())
        .with_context(|| format!("no HTTP status line from 127.0.0.1:{port}"))?;
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((status, body))
}

/// Whether a process exists and is not a zombie.
pub fn pid_alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(s) => proc_state(&s) != Some('Z'),
        Err(_) => false,
    }
}

fn proc_state(stat: &str) -> Option<char> {
    let after = stat.rsplit_once(')')?.1;
    after.split_whitespace().next()?.chars().next()
}

fn proc_ppid(stat: &str) -> Option<u32> {
    let after = stat.rsplit_once(')')?.1;
    after.split_whitespace().nth(1)?.parse().ok()
}

/// The command line of a process (NULs turned into spaces), if readable.
pub fn cmdline(pid: u32) -> Option<String> {
    let b = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
    Some(
        String::from_utf8_lossy(&b)
            .replace('\0', " ")
            .trim()
            .to_string(),
    )
}

fn all_pids() -> Vec<u32> {
    let Ok(rd) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    rd.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect()
}

fn ancestors_of_self() -> BTreeSet<u32> {
    let mut set = BTreeSet::new();
    let mut pid = std::process::id();
    while pid > 1 && set.insert(pid) {
        match std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            .and_then(|s| proc_ppid(&s))
        {
            Some(p) => pid = p,
            None => break,
        }
    }
    set
}

/// Every live process that belongs to the lab in `dir`: its command line mentions `dir`, or it
/// is one of `extra` (pids recorded in lab.json that still mention the folder), plus all their
/// descendants (nginx workers do not mention the folder). Never this process or its ancestors.
pub fn lab_processes(dir: &Path, extra: &[u32]) -> BTreeSet<u32> {
    let needle = dir.display().to_string();
    let me = ancestors_of_self();
    let mut parent: HashMap<u32, u32> = HashMap::new();
    let mut found = BTreeSet::new();
    for pid in all_pids() {
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        if proc_state(&stat) == Some('Z') {
            continue;
        }
        if let Some(pp) = proc_ppid(&stat) {
            parent.insert(pid, pp);
        }
        if me.contains(&pid) {
            continue;
        }
        let mentions = cmdline(pid).is_some_and(|c| c.contains(&needle));
        if mentions {
            found.insert(pid);
        }
    }
    for &p in extra {
        if !me.contains(&p) && pid_alive(p) && cmdline(p).is_some_and(|c| c.contains(&needle)) {
            found.insert(p);
        }
    }
    // Descendants, to a fixed point.
    loop {
        let before = found.len();
        for (&child, &pp) in &parent {
            if found.contains(&pp) && !me.contains(&child) {
                found.insert(child);
            }
        }
        if found.len() == before {
            break;
        }
    }
    found
}

/// Send `sig` to `pid` (errors such as "no such process" are ignored).
pub fn signal(pid: u32, sig: i32) {
    let Ok(p) = libc::pid_t::try_from(pid) else {
        return;
    };
    if p <= 1 {
        return;
    }
    // SAFETY: kill(2) with a positive pid has no memory-safety preconditions.
    unsafe {
        libc::kill(p, sig);
    }
}

/// TERM every pid, wait up to `grace`, KILL what is left, wait up to 2 s more. Returns the
/// pids that are still alive afterwards (should be empty).
pub fn kill_all(pids: &BTreeSet<u32>, grace: Duration) -> Vec<u32> {
    for &p in pids {
        signal(p, libc::SIGTERM);
    }
    wait_until(grace, || pids.iter().all(|&p| !pid_alive(p)));
    let left: Vec<u32> = pids.iter().copied().filter(|&p| pid_alive(p)).collect();
    for &p in &left {
        signal(p, libc::SIGKILL);
    }
    wait_until(Duration::from_secs(2), || {
        left.iter().all(|&p| !pid_alive(p))
    });
    left.into_iter().filter(|&p| pid_alive(p)).collect()
}

/// A random hex string of `bytes` random bytes from `/dev/urandom`.
pub fn random_hex(bytes: usize) -> anyhow::Result<String> {
    let mut b = vec![0u8; bytes];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut b))
        .context("cannot read /dev/urandom for a random secret")?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

/// Write a file readable by its owner only (it may hold a secret).
pub fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    f.write_all(text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Write a file (normal permissions).
pub fn write_file(path: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_fields_parse_with_spaces_in_comm() {
        let s = "123 (a b) c) S 45 123 123 0 -1";
        assert_eq!(proc_state(s), Some('S'));
        assert_eq!(proc_ppid(s), Some(45));
    }

    #[test]
    fn run_captures_and_times_out() {
        let o = run(
            Path::new("/bin/echo"),
            &["hi".into()],
            Duration::from_secs(5),
        )
        .expect("echo");
        assert!(o.ok());
        assert_eq!(o.stdout.trim(), "hi");
        let e = run(
            Path::new("/bin/sleep"),
            &["5".into()],
            Duration::from_millis(200),
        );
        assert!(e.is_err());
    }

    #[test]
    fn ports_are_distinct_and_free() {
        let p = free_ports(3).expect("ports");
        assert_eq!(p.iter().collect::<BTreeSet<_>>().len(), 3);
        assert!(!port_accepts(p[0], Duration::from_millis(200)));
        // Below the ephemeral range, where bind(0) never lands.
        let low: u16 = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
            .ok()
            .and_then(|t| t.split_whitespace().next()?.parse().ok())
            .unwrap_or(32768);
        if low > 11_000 {
            assert!(p.iter().all(|&x| (10_000..low).contains(&x)), "{p:?}");
            let ephemeral = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
            assert!(ephemeral.local_addr().expect("addr").port() >= low);
        }
    }
}
