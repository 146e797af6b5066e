//! The register of external commands triage502 has started and not yet waited for (host
//! facts tools, action commands), so the console can end and reap every one of them before it
//! exits — on `q`, SIGTERM or SIGHUP — instead of leaving them to run on, or to linger as
//! zombies under an init that does not reap (a container's PID 1).
//!
//! [`spawn`] starts a command while holding the register's lock, so no child can be half
//! started (forked, not yet registered) when [`shutdown`] runs; after [`shutdown`] nothing new
//! is started. Every command is spawned in its own process group, so ending it ends the
//! children it started too; a command whose task is dropped (aborted) has its group killed
//! at once.

use std::sync::Mutex;
use std::time::{Duration, Instant};

struct Register {
    closed: bool,
    pids: Vec<i32>,
}

static REGISTER: Mutex<Register> = Mutex::new(Register {
    closed: false,
    pids: Vec::new(),
});

fn register() -> std::sync::MutexGuard<'static, Register> {
    REGISTER.lock().unwrap_or_else(|e| e.into_inner())
}

/// A started command: the tokio [`Child`](tokio::process::Child) (through `Deref`) and its
/// place in the register. Dropped after the child was waited for, it leaves the register.
/// Dropped while the child still runs (the task running it was aborted, a timeout gave up on
/// it), it first kills the command's whole process group — tokio's `kill_on_drop` only kills
/// the command itself, not what it started — while the pid is surely still ours (not reaped),
/// and stays in the register so [`shutdown`] reaps it (unless tokio does first; entries no
/// longer a child of ours are pruned).
#[derive(Debug)]
pub struct Tracked {
    child: tokio::process::Child,
    pid: Option<i32>,
}

impl std::ops::Deref for Tracked {
    type Target = tokio::process::Child;
    fn deref(&self) -> &Self::Target {
        &self.child
    }
}

impl std::ops::DerefMut for Tracked {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.child
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        let Some(pid) = self.pid else { return };
        match self.child.try_wait() {
            // Waited for (now or before): nothing to end, nothing left to reap.
            Ok(Some(_)) => register().pids.retain(|&p| p != pid),
            // SAFETY: kill(2) on the process group this child leads (`spawn` sets
            // process_group(0)); the child is not reaped, so the group id is still ours.
            Ok(None) => unsafe {
                libc::kill(-pid, libc::SIGKILL);
            },
            // Reaped elsewhere already: the pid is no longer ours; the next prune drops it.
            Err(_) => {}
        }
    }
}

/// Starts `cmd` in a process group of its own (`process_group(0)`, `kill_on_drop`) and
/// registers it. Fails once [`shutdown`] has run.
pub fn spawn(cmd: &mut tokio::process::Command) -> std::io::Result<Tracked> {
    let mut reg = register();
    if reg.closed {
        return Err(std::io::Error::other("triage502 is exiting"));
    }
    reg.pids.retain(|&p| is_our_child(p));
    let child = cmd.process_group(0).kill_on_drop(true).spawn()?;
    let pid = child.id().and_then(|p| i32::try_from(p).ok());
    if let Some(p) = pid {
        reg.pids.push(p);
    }
    Ok(Tracked { child, pid })
}

/// True when `pid` exists and its parent is this process (running, or a zombie not yet
/// reaped). A pid reaped elsewhere and reused by another process reads false.
fn is_our_child(pid: i32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    let ppid = stat
        .rfind(')')
        .and_then(|i| stat.get(i + 2..))
        .and_then(|rest| rest.split_whitespace().nth(1))
        .and_then(|p| p.parse::<u32>().ok());
    ppid == Some(std::process::id())
}

/// How many registered commands have not been waited for (running, or dropped unreaped).
pub fn running() -> usize {
    let mut reg = register();
    reg.pids.retain(|&p| is_our_child(p));
    reg.pids.len()
}

/// Ends every registered command and reaps it: SIGTERM to its process group, up to `grace`
/// for all of them to exit, then SIGKILL. Returns the number of commands it had to end.
/// Nothing can be started afterwards. Call it when no task still owns a [`Tracked`] (abort
/// and await them first): a `Tracked` dropped after its pid was reaped here would have tokio
/// signal a pid that is no longer ours.
pub fn shutdown(grace: Duration) -> usize {
    let mut reg = register();
    reg.closed = true;
    let pids: Vec<i32> = std::mem::take(&mut reg.pids)
        .into_iter()
        .filter(|&p| is_our_child(p))
        .collect();
    drop(reg);
    for &p in &pids {
        signal_group(p, libc::SIGTERM);
    }
    let left = reap(pids.clone(), Instant::now() + grace);
    for &p in &left {
        signal_group(p, libc::SIGKILL);
    }
    // After SIGKILL only a process stuck in the kernel (state D) can take long.
    reap(left, Instant::now() + Duration::from_secs(2));
    pids.len()
}

fn signal_group(pid: i32, sig: i32) {
    // SAFETY: kill(2) has no memory preconditions; the group is the one the child leads.
    unsafe {
        libc::kill(-pid, sig);
        libc::kill(pid, sig);
    }
}

/// Waits (polling, without blocking past `until`) for each pid; returns those still running.
fn reap(mut pids: Vec<i32>, until: Instant) -> Vec<i32> {
    loop {
        pids.retain(|&p| {
            let mut status = 0;
            // SAFETY: waitpid(2) on our own child; WNOHANG never blocks.
            let r = unsafe { libc::waitpid(p, &mut status, libc::WNOHANG) };
            // 0: still running; -1 (ECHILD): already reaped elsewhere (tokio) — done.
            r == 0
        });
        if pids.is_empty() || Instant::now() >= until {
            return pids;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}
