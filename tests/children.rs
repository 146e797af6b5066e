//! The register of external commands (`triage502::children`) on its own, in its own process:
//! `shutdown` closes the register for the whole process, which other tests must not see.

mod common;

use common::{alive, proc_state};
use std::time::Duration;
use triage502::children::{running, shutdown, spawn};
use triage502::host::cmd;

/// Not running (gone, or a zombie) within 5 s: signals take a moment to land.
fn stops(pid: i32) -> bool {
    let end = std::time::Instant::now() + Duration::from_secs(5);
    while alive(pid) {
        if std::time::Instant::now() > end {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    true
}

/// Our children whose command line contains `needle`.
fn children_with(needle: &str) -> Vec<i32> {
    let me = std::process::id().to_string();
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let pid: i32 = e.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(e.path().join("stat")).ok()?;
            let ppid = stat[stat.rfind(')')? + 2..].split_whitespace().nth(1)?;
            let cmd = std::fs::read(e.path().join("cmdline")).ok()?;
            let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
            (ppid == me && cmd.contains(needle)).then_some(pid)
        })
        .collect()
}

fn wait_file(p: &std::path::Path) -> i32 {
    for _ in 0..400 {
        if let Some(pid) = std::fs::read_to_string(p)
            .ok()
            .and_then(|s| s.trim().parse().ok())
        {
            return pid;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    panic!("{} never written", p.display());
}

/// What the console meets when a signal arrives during a host facts refresh: the task running
/// a tool is aborted while the tool runs. tokio's kill_on_drop kills the tool but nobody waits
/// for it, and the console exits before tokio reaps it (the CI failure: a `journalctl` zombie
/// left behind under a PID 1 that does not reap); the processes the tool started are not
/// killed by kill_on_drop at all. Dropping the `Tracked` child kills the tool's process group;
/// `shutdown` ends (SIGTERM, then SIGKILL) and reaps every registered tool, and refuses new
/// ones. A command waited for leaves the register at once.
#[test]
fn aborted_tools_lose_their_group_and_shutdown_reaps_everything() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let gc_file = dir.path().join("grandchild");
    let held_gc_file = dir.path().join("held-grandchild");
    let (aborted, shell, held) = rt.block_on(async {
        let o = cmd::run(&[], &["true"], Duration::from_secs(5))
            .await
            .unwrap();
        assert!(o.success());
        assert_eq!(running(), 0, "a command waited for is out of the register");

        // held: running, registered, never waited for (what shutdown meets running)
        let script = format!("sleep 103 & echo $! > {}; wait", held_gc_file.display());
        let mut h = tokio::process::Command::new("sh");
        h.args(["-c", &script]);
        let held = spawn(&mut h).unwrap();

        let a = tokio::spawn(cmd::run(&[], &["sleep", "101"], Duration::from_secs(60)));
        let script = format!("sleep 102 & echo $! > {}; wait", gc_file.display());
        let b = tokio::spawn(async move {
            cmd::run(&[], &["sh", "-c", &script], Duration::from_secs(60)).await
        });
        let end = std::time::Instant::now() + Duration::from_secs(10);
        while running() < 3 || !gc_file.exists() || !held_gc_file.exists() {
            assert!(std::time::Instant::now() < end, "the tools never started");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let aborted = children_with("sleep 101");
        let shell = children_with("sleep 102 &");
        a.abort();
        b.abort();
        let _ = (a.await, b.await);
        // From here on the runtime does not run again, so nothing reaps behind the test's back
        // (the console likewise exits right after).
        (aborted, shell, held)
    });
    let grandchild = wait_file(&gc_file);
    let held_grandchild = wait_file(&held_gc_file);
    let held_pid = held.id().unwrap() as i32;
    assert_eq!(aborted.len(), 1, "{aborted:?}");
    assert_eq!(shell.len(), 1, "{shell:?}");
    let (aborted, shell) = (aborted[0], shell[0]);
    for p in [aborted, shell] {
        // killed; a zombie of ours unless tokio happened to reap it before the runtime stopped
        assert!(stops(p), "{p}: {:?}", proc_state(p));
    }
    assert!(
        stops(grandchild),
        "the aborted tool's own child was killed with its group: {:?}",
        proc_state(grandchild)
    );
    assert!(alive(held_pid) && alive(held_grandchild));
    let unreaped = [aborted, shell, held_pid]
        .iter()
        .filter(|p| proc_state(**p).is_some())
        .count();
    assert_eq!(running(), unreaped);

    assert_eq!(shutdown(Duration::from_millis(300)), unreaped);
    for p in [aborted, shell, held_pid] {
        assert_eq!(proc_state(p), None, "{p} was reaped");
    }
    assert!(
        stops(held_grandchild),
        "the held tool's own child got the signal with its group: {:?}",
        proc_state(held_grandchild)
    );
    // As the console does after `shutdown` (it exits without dropping its runtime): a
    // `Tracked` dropped now would have tokio signal a pid that is no longer ours.
    std::mem::forget(held);
    let err = rt
        .block_on(cmd::run(&[], &["true"], Duration::from_secs(5)))
        .unwrap_err();
    assert!(err.reason.contains("exiting"), "{}", err.reason);
}
