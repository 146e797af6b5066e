//! Process and system helpers for the lab: run a command (argv, never a shell) with a bounded
//! wait, find binaries, pick free loopback ports under a lock, wait for ports, a tiny blocking
//! HTTP GET, the identity of the processes the lab started (pid + start time) and the killing
//! of exactly those and their descendants, and no-follow reads and writes of the lab's files.

use anyhow::{Context as _, bail};
use std::collections::{BTreeSet, HashMap};
use std::io::{Read as _, Write as _};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a finished command left behind: the one type of the crate for it (the host tools'),
/// with the lab's words for it below.
pub use crate::host::cmd::Output;

impl Output {
    /// Exit code 0 ([`Output::success`]).
    pub fn ok(&self) -> bool {
        self.success()
    }

    /// stderr, or stdout when stderr is empty, trimmed: for error messages (all of it, where
    /// [`Output::first_message`] keeps the first line).
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

/// How long `lab up` waits for another lab's start to release the ports lock (overridable in
/// milliseconds with `TRIAGE502_LAB_LOCK_WAIT_MS`, for tests and slow boxes).
pub const PORTS_LOCK_WAIT: Duration = Duration::from_secs(60);

/// The bound of the ports-lock wait: [`PORTS_LOCK_WAIT`] or `TRIAGE502_LAB_LOCK_WAIT_MS`.
pub fn ports_lock_wait() -> Duration {
    std::env::var("TRIAGE502_LAB_LOCK_WAIT_MS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_millis)
        .unwrap_or(PORTS_LOCK_WAIT)
}

/// Where the ports lock lives: in a folder only this user can write, so that nobody else can
/// hold it or plant a symlink there. As root `/run/triage502`; otherwise `$XDG_RUNTIME_DIR`
/// when it is a private folder of ours; else `${TMPDIR:-/tmp}/triage502-<uid>`, created with
/// mode 0700 (and refused when someone else made it first).
pub fn ports_lock_path() -> anyhow::Result<PathBuf> {
    const NAME: &str = "triage502-lab-ports.lock";
    let me = crate::fsafe::euid();
    let dir = if me == 0 {
        PathBuf::from("/run/triage502")
    } else if let Some(x) = std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .filter(|x| x.is_absolute() && x.is_dir() && crate::fsafe::check_private_dir(x).is_ok())
    {
        return Ok(x.join(NAME));
    } else {
        std::env::temp_dir().join(format!("triage502-{me}"))
    };
    crate::fsafe::check_parents(&dir)
        .and_then(|()| crate::fsafe::ensure_private_dir(&dir))
        .map_err(|e| anyhow::anyhow!("folder of the lab's ports lock: {e}"))?;
    Ok(dir.join(NAME))
}

/// An exclusive lock (flock) held while a lab picks its ports and starts its programs, so two
/// labs starting together never pick the same port. Released on drop (closing the file).
pub struct PortsLock {
    _file: std::fs::File,
}

impl PortsLock {
    /// Take the lock at `path` (opened without following a symlink, see
    /// [`crate::fsafe::open_write`]), waiting at most `wait` for another lab's start to finish.
    pub fn take(path: &Path, wait: Duration) -> anyhow::Result<PortsLock> {
        use std::os::fd::AsRawFd;
        let f = crate::fsafe::open_write(path, crate::fsafe::WriteMode::Append, 0o600)
            .map_err(|e| anyhow::anyhow!("ports lock: {e}"))?;
        let deadline = Instant::now() + wait;
        loop {
            // SAFETY: flock on a file descriptor we own; LOCK_NB makes it return at once.
            let r = unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
            if r == 0 {
                return Ok(PortsLock { _file: f });
            }
            let err = std::io::Error::last_os_error();
            if err.raw_os_error() != Some(libc::EWOULDBLOCK) {
                bail!("cannot lock {}: {err}", path.display());
            }
            if Instant::now() >= deadline {
                bail!(
                    "another lab start has held the ports lock {} for more than {} s; \
                     wait for it to finish (or find the holder with `fuser -v {}`) and retry",
                    path.display(),
                    wait.as_secs_f64(),
                    path.display()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
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

/// Announce an upload of `len` bytes to 127.0.0.1:`port` (a POST whose headers say so, as a
/// browser sends them) and return the status nginx answers before the body: 413 when the
/// length exceeds the location's `client_max_body_size`. Bounded by `timeout`.
pub fn http_upload(port: u16, path: &str, len: u64, timeout: Duration) -> anyhow::Result<u16> {
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nUser-Agent: triage502/{} lab\r\nContent-Type: application/octet-stream\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n",
        env!("CARGO_PKG_VERSION")
    );
    let (status, _) = http_exchange(port, &head, timeout)?;
    Ok(status)
}

/// A blocking HTTP/1.0 GET to 127.0.0.1:port; returns (status, body). Bounded by `timeout`
/// for connect and for each read.
pub fn http_get(port: u16, path: &str, timeout: Duration) -> anyhow::Result<(u16, String)> {
    // triage502's own User-Agent: the lab's checks are not users in the access figures.
    let head = format!(
        "GET {path} HTTP/1.0\r\nHost: localhost\r\nUser-Agent: triage502/{} lab\r\n\r\n",
        env!("CARGO_PKG_VERSION")
    );
    http_exchange(port, &head, timeout)
}

/// Send `head` to 127.0.0.1:`port`, read the answer (≤ 1 MiB, until the server closes or
/// `timeout`), and split it into status and body.
fn http_exchange(port: u16, head: &str, timeout: Duration) -> anyhow::Result<(u16, String)> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut s = TcpStream::connect_timeout(&addr, timeout)
        .with_context(|| format!("connect to 127.0.0.1:{port}"))?;
    s.set_read_timeout(Some(timeout))?;
    s.set_write_timeout(Some(timeout))?;
    s.write_all(head.as_bytes())?;
    let mut buf = Vec::new();
    let read = s.take(1024 * 1024).read_to_end(&mut buf);
    // A server that answers before the body it refused may reset the connection after its
    // answer: what arrived still counts.
    if buf.is_empty() {
        read.with_context(|| format!("read from 127.0.0.1:{port}"))?;
    }
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

/// One process, told apart from a later one that reuses its pid by its start time (field 22
/// of `/proc/PID/stat`, clock ticks since boot).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct ProcId {
    /// The pid.
    pub pid: u32,
    /// Start time from `/proc/PID/stat`.
    pub start: u64,
}

fn proc_stat(pid: u32) -> Option<procfs::process::Stat> {
    let p = procfs::process::Process::new(i32::try_from(pid).ok()?).ok()?;
    p.stat().ok()
}

/// The identity of a live (not zombie) process that runs as this user, when there is one.
pub fn proc_id(pid: u32) -> Option<ProcId> {
    if pid <= 1 {
        return None;
    }
    let p = procfs::process::Process::new(i32::try_from(pid).ok()?).ok()?;
    let st = p.stat().ok()?;
    if st.state == 'Z' || p.uid().ok()? != crate::fsafe::euid() {
        return None;
    }
    Some(ProcId {
        pid,
        start: st.starttime,
    })
}

/// Whether `id` is still the same process (pid alive, same start time, running as us).
pub fn same_process(id: &ProcId) -> bool {
    proc_id(id.pid).is_some_and(|now| now == *id)
}

/// Whether a process exists and is not a zombie.
#[cfg(test)]
pub fn pid_alive(pid: u32) -> bool {
    proc_stat(pid).is_some_and(|s| s.state != 'Z')
}

fn ancestors_of_self() -> BTreeSet<u32> {
    let mut set = BTreeSet::new();
    let mut pid = std::process::id();
    while pid > 1 && set.insert(pid) {
        match proc_stat(pid).and_then(|s| u32::try_from(s.ppid).ok()) {
            Some(p) => pid = p,
            None => break,
        }
    }
    set
}

/// The processes of `roots` that are still the same processes (see [`same_process`]), plus all
/// their live descendants (nginx's workers, supervisord's programs). Nothing else: no process
/// is picked by its name or command line. Never this process or its ancestors.
pub fn tree_of(roots: &[ProcId]) -> BTreeSet<ProcId> {
    let me = ancestors_of_self();
    let mut found: BTreeSet<ProcId> = roots
        .iter()
        .filter(|r| !me.contains(&r.pid) && same_process(r))
        .copied()
        .collect();
    if found.is_empty() {
        return found;
    }
    let mut children: HashMap<u32, Vec<ProcId>> = HashMap::new();
    if let Ok(all) = procfs::process::all_processes() {
        for p in all.flatten() {
            let Ok(st) = p.stat() else { continue };
            let (Ok(pid), Ok(ppid)) = (u32::try_from(st.pid), u32::try_from(st.ppid)) else {
                continue;
            };
            if st.state == 'Z' || me.contains(&pid) {
                continue;
            }
            children.entry(ppid).or_default().push(ProcId {
                pid,
                start: st.starttime,
            });
        }
    }
    let mut todo: Vec<u32> = found.iter().map(|p| p.pid).collect();
    while let Some(pid) = todo.pop() {
        for c in children.get(&pid).into_iter().flatten() {
            if found.insert(*c) {
                todo.push(c.pid);
            }
        }
    }
    found
}

/// Send `sig` to the process `id` if it is still that process: through a pidfd opened before
/// its start time is checked, so a pid reused in between is never signalled. Errors (it has
/// gone) are ignored.
pub fn signal(id: &ProcId, sig: i32) {
    let Ok(p) = libc::pid_t::try_from(id.pid) else {
        return;
    };
    if p <= 1 {
        return;
    }
    // SAFETY: pidfd_open takes a pid and flags and returns a new descriptor or -1.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, p, 0) };
    if fd < 0 {
        // No pidfd (old kernel): check, then kill; the window is a few microseconds.
        if same_process(id) {
            // SAFETY: kill(2) with a positive pid has no memory-safety preconditions.
            unsafe {
                libc::kill(p, sig);
            }
        }
        return;
    }
    let fd = fd as libc::c_int;
    if same_process(id) {
        // SAFETY: a pidfd we own, a signal number, no siginfo, no flags.
        unsafe {
            libc::syscall(
                libc::SYS_pidfd_send_signal,
                fd,
                sig,
                std::ptr::null::<libc::siginfo_t>(),
                0,
            );
        }
    }
    // SAFETY: closing the descriptor pidfd_open gave us.
    unsafe {
        libc::close(fd);
    }
}

/// TERM every process, wait up to `grace`, KILL what is left, wait up to 2 s more. Returns the
/// pids that are still alive afterwards (should be empty).
pub fn kill_all(procs: &BTreeSet<ProcId>, grace: Duration) -> Vec<u32> {
    for p in procs {
        signal(p, libc::SIGTERM);
    }
    wait_until(grace, || procs.iter().all(|p| !same_process(p)));
    let left: Vec<ProcId> = procs.iter().copied().filter(same_process).collect();
    for p in &left {
        signal(p, libc::SIGKILL);
    }
    wait_until(Duration::from_secs(2), || {
        left.iter().all(|p| !same_process(p))
    });
    left.into_iter()
        .filter(same_process)
        .map(|p| p.pid)
        .collect()
}

/// A random hex string of `bytes` random bytes from `/dev/urandom`.
pub fn random_hex(bytes: usize) -> anyhow::Result<String> {
    let mut b = vec![0u8; bytes];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut b))
        .context("cannot read /dev/urandom for a random secret")?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

/// Write a file of the lab: created or replaced in place without following a symlink, refused
/// when it is not ours or has other hard links ([`crate::fsafe::open_write`]), mode `mode`.
pub fn write_file_mode(path: &Path, text: &str, mode: u32) -> anyhow::Result<()> {
    let mut f = crate::fsafe::open_write(path, crate::fsafe::WriteMode::Truncate, mode)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    f.write_all(text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Write a file readable by its owner only (it may hold a secret); see [`write_file_mode`].
pub fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    write_file_mode(path, text, 0o600)
}

/// Write a file of the lab (mode 0644); see [`write_file_mode`].
pub fn write_file(path: &Path, text: &str) -> anyhow::Result<()> {
    write_file_mode(path, text, 0o644)
}

/// Largest file of the lab folder read back (configs, lab.json).
const MAX_READ: u64 = 1024 * 1024;

/// Read a file of the lab without following a symlink and without blocking on a FIFO;
/// `Ok(None)` when it does not exist.
pub fn read_text(path: &Path) -> anyhow::Result<Option<String>> {
    match crate::fsafe::read_capped(path, MAX_READ, false) {
        Ok((b, false)) => Ok(Some(String::from_utf8_lossy(&b).into_owned())),
        Ok((_, true)) => bail!(
            "{} is larger than {} bytes; not a file the lab wrote",
            path.display(),
            MAX_READ
        ),
        Err(crate::fsafe::ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => bail!("refusing to read {}: {e}", path.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_ids_tell_a_reused_pid_apart() {
        let me = proc_id(std::process::id()).expect("this process");
        assert!(same_process(&me));
        let other = ProcId {
            start: me.start + 1,
            ..me
        };
        assert!(!same_process(&other));
        assert!(proc_id(1).is_none(), "init is never a lab process");
        // This process and its ancestors are never in a tree.
        assert!(tree_of(&[me]).is_empty());
    }

    #[test]
    fn a_tree_is_the_recorded_process_and_its_children_only() {
        let mut parent = Command::new("/bin/sh")
            .args(["-c", "sleep 30 & sleep 30 & wait"])
            .spawn()
            .expect("sh");
        let mut decoy = Command::new("/bin/sleep").arg("30").spawn().expect("decoy");
        let root = proc_id(parent.id()).expect("sh id");
        assert!(wait_until(Duration::from_secs(5), || tree_of(&[root])
            .len()
            == 3));
        let tree = tree_of(&[root]);
        assert!(tree.iter().all(|p| p.pid != decoy.id()));
        assert!(kill_all(&tree, Duration::from_secs(3)).is_empty());
        let _ = parent.wait();
        assert!(pid_alive(decoy.id()), "the decoy was not in the tree");
        let _ = decoy.kill();
        let _ = decoy.wait();
    }

    #[test]
    fn ports_lock_waits_a_bounded_time() {
        let d = tempfile::tempdir().expect("tmp");
        let path = d.path().join("ports.lock");
        let held = PortsLock::take(&path, Duration::from_secs(1)).expect("first");
        let t = Instant::now();
        let e = PortsLock::take(&path, Duration::from_millis(300))
            .err()
            .expect("held elsewhere")
            .to_string();
        assert!(t.elapsed() < Duration::from_secs(3));
        assert!(e.contains("ports lock") && e.contains("ports.lock"), "{e}");
        drop(held);
        PortsLock::take(&path, Duration::from_millis(300)).expect("free again");
        let link = d.path().join("link.lock");
        std::os::unix::fs::symlink(&path, &link).expect("symlink");
        let e = PortsLock::take(&link, Duration::from_millis(300))
            .err()
            .expect("symlink refused")
            .to_string();
        assert!(e.contains("symlink"), "{e}");
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
