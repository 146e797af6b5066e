//! The lab's folder, processes and lock when someone else got there first.
//!
//! triage502 runs as root; the default lab folder lives in a shared `/tmp`. These tests plant
//! what another user could (a folder of theirs at the lab's path, symlinks to files of root,
//! a `supervisord.conf` pointing at another supervisord, pids of other processes, a held lock)
//! and check that no lab subcommand reads, runs, writes through or kills any of it.
//!
//! The second user is `nobody` (uid 65534); tests that need root to play it say "skipped".

mod common;

use common::{Lab, Supervisord, alive, bin, is_root, lab_cmd};
use std::os::unix::fs::{PermissionsExt as _, chown, lchown, symlink};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const NOBODY: u32 = 65534;

fn text(o: &Output) -> String {
    format!(
        "exit {:?}\nstdout: {}\nstderr: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn chmod(p: &Path, mode: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// A temp folder of the test (root's, mode 0700) under /tmp: short paths for the socket.
fn tmp(prefix: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(prefix)
        .tempdir_in("/tmp")
        .expect("tempdir")
}

/// A process of the test, killed on drop.
struct Proc(Child);

impl Proc {
    fn spawn(cmd: &mut Command) -> Proc {
        Proc(
            cmd.stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn decoy"),
        )
    }

    fn pid(&self) -> i32 {
        self.0.id() as i32
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        // The shell's child is in its process group only if it was made one; kill children
        // explicitly by scanning.
        for c in children_of(self.pid()) {
            // SAFETY: kill(2) on a child of a process this test started.
            unsafe { libc::kill(c, libc::SIGKILL) };
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn ppid(pid: i32) -> Option<i32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat[stat.rfind(')')? + 2..]
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn all_pids() -> Vec<i32> {
    std::fs::read_dir("/proc")
        .expect("/proc")
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse().ok())
        .collect()
}

fn children_of(pid: i32) -> Vec<i32> {
    all_pids()
        .into_iter()
        .filter(|&p| ppid(p) == Some(pid))
        .collect()
}

/// Live processes whose command line names `needle`, and all their descendants.
fn tree_naming(needle: &str) -> Vec<i32> {
    let mut found: Vec<i32> = all_pids()
        .into_iter()
        .filter(|&p| p as u32 != std::process::id())
        .filter(|&p| {
            std::fs::read(format!("/proc/{p}/cmdline")).is_ok_and(|b| {
                String::from_utf8_lossy(&b)
                    .replace('\0', " ")
                    .contains(needle)
            })
        })
        .filter(|&p| alive(p))
        .collect();
    let mut i = 0;
    while i < found.len() {
        for c in children_of(found[i]) {
            if !found.contains(&c) && alive(c) {
                found.push(c);
            }
        }
        i += 1;
    }
    found
}

/// Wait (bounded) until `pid` runs `argv0`: a decoy's shell has started its child.
fn wait_child(pid: i32) -> i32 {
    let end = Instant::now() + Duration::from_secs(5);
    loop {
        if let Some(&c) = children_of(pid).first() {
            return c;
        }
        assert!(Instant::now() < end, "decoy {pid} started no child");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Files of root that a planted symlink points at; each must keep its text.
struct Victims(Vec<PathBuf>);

impl Victims {
    fn new(dir: &Path, names: &[&str]) -> Victims {
        Victims(
            names
                .iter()
                .map(|n| {
                    let p = dir.join(n);
                    std::fs::write(&p, format!("precious {n}\n")).expect("victim");
                    p
                })
                .collect(),
        )
    }

    fn assert_unchanged(&self) {
        for p in &self.0 {
            let n = p.file_name().unwrap().to_string_lossy();
            assert_eq!(
                std::fs::read_to_string(p).unwrap_or_default(),
                format!("precious {n}\n"),
                "{} was written through a symlink",
                p.display()
            );
        }
    }
}

/// A lab.json as an earlier `lab up` wrote it (the shape an attacker copies).
fn planted_state(dir: &Path, nginx_binary: &Path, supervisord_pid: i32) -> String {
    serde_json::json!({
        "dir": dir,
        "nginx_port": 1, "ds_port": 2, "spare_port": 3,
        "secret_fingerprint": "00000000",
        "exe": "/bin/true",
        "nginx_binary": nginx_binary,
        "pids": {"supervisord": supervisord_pid, "nginx": null, "docservice": null},
        "faults": [],
        "started_at": "2026-01-01T00:00:00+00:00"
    })
    .to_string()
}

/// Every subcommand that reads the folder, in the order an operator would try them.
const COMMANDS: [&[&str]; 6] = [
    &["status"],
    &["break", "wrong-upstream-port"],
    &["break", "jwt-mismatch"],
    &["break", "health-false"],
    &["fix"],
    &["down"],
];

/// Every command in [`COMMANDS`] failed with a message naming the folder and `why`.
fn assert_all_refused(dir: &Path, outs: &[Output], why: &str) {
    for (args, o) in COMMANDS.iter().zip(outs) {
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "lab {args:?}: {}", text(o));
        assert!(
            err.contains(&dir.display().to_string()) && err.contains(why),
            "lab {args:?} does not name the folder and '{why}': {}",
            text(o)
        );
    }
}

/// A folder made by `nobody` at the lab's path, full of traps: `lab.json` naming a script of
/// theirs as nginx, `standin-mode`/`local.json` symlinks to files of root, a
/// `supervisord.conf` whose `serverurl` is another supervisord's socket and a
/// `supervisord.pid` holding that supervisord's pid. Every subcommand refuses, names the folder
/// and its owner, and none of the traps fires.
#[test]
fn a_folder_of_another_user_is_refused_by_every_subcommand() {
    if !is_root() {
        return common::skip("needs root (plays the user nobody)");
    }
    let t = tmp("t502atk");
    let root = t.path();
    let victims = Victims::new(root, &["victim-mode", "victim-local"]);
    // Another supervisord on the box (the test's), which `lab down` must not shut down.
    let other_dir = root.join("other");
    std::fs::create_dir(&other_dir).expect("mkdir");
    let other = Supervisord::start(&other_dir, "");
    let end = Instant::now() + Duration::from_secs(10);
    let other_pid: i32 = loop {
        if let Some(p) = std::fs::read_to_string(&other.pidfile)
            .ok()
            .and_then(|s| s.trim().parse().ok())
        {
            break p;
        }
        assert!(
            Instant::now() < end,
            "the other supervisord wrote no pid file"
        );
        std::thread::sleep(Duration::from_millis(50));
    };

    let lab = root.join("lab");
    std::fs::create_dir(&lab).expect("mkdir lab");
    chmod(&lab, 0o755);
    let marker = root.join("marker");
    let evil = lab.join("evil.sh");
    std::fs::write(&evil, format!("#!/bin/sh\ntouch {}\n", marker.display())).expect("evil");
    chmod(&evil, 0o755);
    let files = [
        ("lab.json", planted_state(&lab, &evil, other_pid)),
        ("nginx.conf", "# theirs\n".into()),
        (
            "supervisord.conf",
            format!(
                "[supervisorctl]\nserverurl=unix://{}/s.sock\n",
                other_dir.display()
            ),
        ),
        ("supervisord.pid", format!("{other_pid}\n")),
        ("supervisor.sock", String::new()),
        (
            "lab.toml",
            "[onlyoffice]\njwt_secret = \"theirs\"\n".to_string(),
        ),
    ];
    for (name, body) in &files {
        std::fs::write(lab.join(name), body).expect("plant");
    }
    symlink(root.join("victim-mode"), lab.join("standin-mode")).expect("symlink");
    symlink(root.join("victim-local"), lab.join("local.json")).expect("symlink");
    for e in std::fs::read_dir(&lab).expect("ls").flatten() {
        lchown(e.path(), Some(NOBODY), Some(NOBODY)).expect("lchown");
    }
    chown(&lab, Some(NOBODY), Some(NOBODY)).expect("chown");

    let outs: Vec<Output> = COMMANDS.iter().map(|a| lab_cmd(&lab, a)).collect();

    assert!(
        !marker.exists(),
        "the nginx_binary named in a planted lab.json was run"
    );
    victims.assert_unchanged();
    assert!(
        alive(other_pid),
        "another supervisord (pid {other_pid}) was shut down through a planted serverurl"
    );
    let o = Command::new("supervisorctl")
        .arg("-c")
        .arg(&other.conf)
        .arg("pid")
        .output()
        .expect("supervisorctl");
    assert!(
        o.status.success(),
        "the other supervisord stopped answering"
    );
    assert_all_refused(&lab, &outs, "belongs to nobody (uid 65534)");
}

/// The lab's path is a folder of ours that others can write, or a symlink to a folder: every
/// subcommand refuses; a symlinked `standin-mode` keeps its target and the pid in
/// `supervisord.pid` (a process whose command line names the folder) is not signalled.
#[test]
fn an_open_folder_or_a_symlinked_folder_is_refused() {
    let t = tmp("t502open");
    let root = t.path();
    for (case, why) in [
        ("open", "writable by group or others"),
        ("link", "is not a folder"),
    ] {
        let real = root.join(format!("{case}-real"));
        std::fs::create_dir(&real).expect("mkdir");
        let lab = if case == "open" {
            chmod(&real, 0o777);
            real.clone()
        } else {
            chmod(&real, 0o700);
            let l = root.join(case);
            symlink(&real, &l).expect("symlink");
            if is_root() {
                lchown(&l, Some(NOBODY), Some(NOBODY)).expect("lchown");
            }
            l
        };
        let victims = Victims::new(root, &[&format!("{case}-victim")]);
        // A process that names the folder (as a shell running something in it would).
        let decoy = Proc::spawn(
            Command::new("/bin/sh")
                .args(["-c", &format!("sleep 300; echo {}/lab.toml", lab.display())]),
        );
        let sleeper = wait_child(decoy.pid());
        std::fs::write(
            real.join("lab.json"),
            planted_state(&lab, Path::new("/bin/false"), decoy.pid()),
        )
        .expect("lab.json");
        std::fs::write(real.join("supervisord.pid"), format!("{}\n", decoy.pid())).expect("pid");
        symlink(&victims.0[0], real.join("standin-mode")).expect("symlink");

        let outs: Vec<Output> = COMMANDS.iter().map(|a| lab_cmd(&lab, a)).collect();

        victims.assert_unchanged();
        assert!(
            alive(decoy.pid()) && alive(sleeper),
            "{case}: a process named in the folder's supervisord.pid was killed"
        );
        assert_all_refused(&lab, &outs, why);
    }
}

/// In a lab of ours, a symlink planted where the lab writes (`standin-mode`, `local.json`,
/// `nginx.conf`) is not written through: `break` and `fix` fail on it and its target keeps its
/// text; with the symlinks gone, `fix` heals the lab.
#[test]
fn symlinks_planted_in_our_lab_are_not_written_through() {
    let Some(lab) = Lab::up("t502sym") else {
        return;
    };
    let t = tmp("t502vic");
    let victims = Victims::new(t.path(), &["mode", "local", "nginx"]);
    for (file, victim, fault) in [
        ("standin-mode", 0, "health-false"),
        ("local.json", 1, "jwt-mismatch"),
        ("nginx.conf", 2, "wrong-upstream-port"),
    ] {
        let p = lab.dir.join(file);
        std::fs::remove_file(&p).expect("rm");
        symlink(&victims.0[victim], &p).expect("symlink");
        let o = lab.lab(&["break", fault]);
        assert_eq!(o.status.code(), Some(1), "break {fault}: {}", text(&o));
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("symlink"),
            "break {fault}: {}",
            text(&o)
        );
        victims.assert_unchanged();
        let o = lab.lab(&["fix"]);
        assert_eq!(o.status.code(), Some(1), "fix: {}", text(&o));
        victims.assert_unchanged();
        std::fs::remove_file(&p).expect("rm symlink");
    }
    // A symlinked lab.json is not read.
    let state = lab.dir.join("lab.json");
    let saved = std::fs::read(&state).expect("lab.json");
    let elsewhere = t.path().join("lab.json");
    std::fs::write(&elsewhere, &saved).expect("copy");
    std::fs::remove_file(&state).expect("rm");
    symlink(&elsewhere, &state).expect("symlink");
    let o = lab.lab(&["status"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("symlink"),
        "{}",
        text(&o)
    );
    std::fs::remove_file(&state).expect("rm");
    std::fs::write(&state, &saved).expect("restore");
    lab.run(&["fix"]);
    lab.run(&["status"]);
}

/// `lab down` with no lab running kills nothing: not another user's `tail -f` of a file in a
/// folder whose name starts like the lab's, not a shell (think tmux server) whose command line
/// names the lab's `lab.toml`, nor what runs in it.
#[test]
fn down_without_a_lab_kills_nothing() {
    let t = tmp("t502down");
    let lab = t.path().join("lab");
    std::fs::create_dir(&lab).expect("mkdir");
    chmod(&lab, 0o700);
    std::fs::write(lab.join("lab.toml"), "# a lab once lived here\n").expect("toml");
    let similar = t.path().join("lab-old");
    std::fs::create_dir(&similar).expect("mkdir");
    std::fs::write(similar.join("app.log"), "").expect("log");
    if is_root() {
        chmod(t.path(), 0o755);
        chmod(&similar, 0o755);
        chmod(&similar.join("app.log"), 0o644);
    }
    let mut tail = Command::new("tail");
    tail.arg("-f").arg(similar.join("app.log"));
    if is_root() {
        use std::os::unix::process::CommandExt as _;
        tail.uid(NOBODY).gid(NOBODY);
    }
    let tail = Proc::spawn(&mut tail);
    let shell = Proc::spawn(Command::new("/bin/sh").args([
        "-c",
        &format!("sleep 300; echo {}", lab.join("lab.toml").display()),
    ]));
    let inside = wait_child(shell.pid());
    std::thread::sleep(Duration::from_millis(200));
    assert!(alive(tail.pid()), "tail did not start");

    let o = lab_cmd(&lab, &["down"]);
    assert!(o.status.success(), "{}", text(&o));
    std::thread::sleep(Duration::from_millis(300));
    assert!(alive(tail.pid()), "lab down killed another user's tail -f");
    assert!(
        alive(shell.pid()),
        "lab down killed a shell naming lab.toml"
    );
    assert!(alive(inside), "lab down killed what runs in that shell");
}

/// With the lab up, `lab down` stops exactly the lab's processes (supervisord, nginx master
/// and workers, the stand-in) and leaves a process that merely names the lab folder.
#[test]
fn down_stops_exactly_the_lab_processes() {
    let Some(lab) = Lab::up("t502exact") else {
        return;
    };
    let needle = lab.dir.display().to_string();
    let ours = tree_naming(&needle);
    assert!(ours.len() >= 4, "lab processes: {ours:?}");
    let decoy = Proc::spawn(
        Command::new("/bin/sh").args(["-c", &format!("sleep 300; echo {needle}/lab.toml")]),
    );
    let inside = wait_child(decoy.pid());
    let o = lab.lab(&["down"]);
    assert!(o.status.success(), "{}", text(&o));
    let end = Instant::now() + Duration::from_secs(5);
    while ours.iter().any(|&p| alive(p)) && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(50));
    }
    let left: Vec<i32> = ours.iter().copied().filter(|&p| alive(p)).collect();
    assert!(left.is_empty(), "lab processes left after down: {left:?}");
    assert!(
        alive(decoy.pid()) && alive(inside),
        "lab down killed a process it did not start"
    );
}

/// Run `triage502 lab --dir DIR up` with extra environment; kill it after `limit`.
fn up_within(dir: &Path, env: &[(&str, &Path)], wait_ms: Option<&str>, limit: Duration) -> Output {
    let mut cmd = Command::new(bin());
    cmd.args(["lab", "--dir"])
        .arg(dir)
        .arg("up")
        .env_remove("TRIAGE502_LAB_DIR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    if let Some(ms) = wait_ms {
        cmd.env("TRIAGE502_LAB_LOCK_WAIT_MS", ms);
    }
    let mut child = cmd.spawn().expect("lab up");
    let end = Instant::now() + limit;
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > end {
            let _ = child.kill();
            let o = child.wait_with_output().expect("output");
            let _ = lab_cmd(dir, &["down"]);
            panic!(
                "lab up still waiting after {} s: {}",
                limit.as_secs(),
                text(&o)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().expect("output")
}

fn flock(file: &std::fs::File) {
    use std::os::fd::AsRawFd as _;
    // SAFETY: flock on a descriptor the test owns.
    assert_eq!(unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) }, 0);
}

/// The ports lock: a symlink planted at the old fixed path `$TMPDIR/triage502-lab-ports.lock`,
/// to a file another process holds locked, does not stop `lab up`; the lock lives in a folder
/// only we own; held by another process there, `lab up` gives up after the bound with a clear
/// error instead of waiting forever.
#[test]
fn the_ports_lock_is_private_and_waited_for_a_bounded_time() {
    if !is_root() {
        return common::skip("needs root (the lock folder is /run/triage502)");
    }
    // The old path, in a TMPDIR of this test only (other labs on the box are not blocked).
    let tmpdir = tmp("t502tmpd");
    let held = tmpdir.path().join("held");
    std::fs::write(&held, "").expect("held");
    let planted = tmpdir.path().join("triage502-lab-ports.lock");
    symlink(&held, &planted).expect("symlink");
    lchown(&planted, Some(NOBODY), Some(NOBODY)).expect("lchown");
    let holder = std::fs::File::open(&held).expect("open");
    flock(&holder);
    let labdir = tmp("t502lock");
    let o = up_within(
        labdir.path(),
        &[("TMPDIR", tmpdir.path())],
        None,
        Duration::from_secs(60),
    );
    let _ = lab_cmd(labdir.path(), &["down"]);
    if String::from_utf8_lossy(&o.stderr).contains("apt-get install") {
        return common::skip(&text(&o));
    }
    assert!(o.status.success(), "{}", text(&o));
    drop(holder);

    // The lock's folder is root's alone; the lock a regular file.
    let dir = Path::new("/run/triage502");
    let md = std::fs::symlink_metadata(dir).expect("/run/triage502");
    use std::os::unix::fs::MetadataExt as _;
    assert!(
        md.is_dir() && md.uid() == 0 && md.mode() & 0o022 == 0,
        "{md:?}"
    );
    let lock = dir.join("triage502-lab-ports.lock");
    let lmd = std::fs::symlink_metadata(&lock).expect("lock file");
    assert!(lmd.is_file() && lmd.uid() == 0, "{lmd:?}");

    // Held by another process: a bounded wait and a clear error.
    let other = std::fs::OpenOptions::new()
        .append(true)
        .open(&lock)
        .expect("open lock");
    flock(&other);
    let labdir = tmp("t502lock");
    let t0 = Instant::now();
    let o = up_within(labdir.path(), &[], Some("1000"), Duration::from_secs(60));
    drop(other);
    let _ = lab_cmd(labdir.path(), &["down"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("ports lock") && err.contains(&lock.display().to_string()),
        "{}",
        text(&o)
    );
    assert!(t0.elapsed() < Duration::from_secs(30), "{:?}", t0.elapsed());
}
