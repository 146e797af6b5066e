//! The bad-input matrix through the real binary (rows not already covered elsewhere; the full
//! matrix with the test of each row is in PERFORMANCE.md): a binary file as a log, a 10 MB
//! line and invalid UTF-8 under `logs follow` (and `logs scan` for the binary file and the 10 MB
//! line), an unreadable file, a missing directory, a config with wrong types, and SIGTERM /
//! SIGHUP to the console on the lab leaving no stray children.
//!
//! Nothing may panic; every message must say what is wrong. The unreadable-file row runs the
//! binary as `nobody` (setpriv) when root, since file modes do not stop root; the signal row
//! needs tmux, nginx and supervisord (skipped with a message when missing).

mod common;

use common::{Lab, Tmux, bin, have_tmux, proc_state};
use std::fs::OpenOptions;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

fn run(args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .env_remove("TRIAGE502_CONFIG")
        .output()
        .expect("run triage502")
}

fn no_panic(o: &Output) {
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(!e.contains("panicked"), "panic: {e}");
}

fn upstream_line(n: u64, path: &str) -> Vec<u8> {
    format!(
        "2026/11/28 12:00:00 [error] 1#1: *{n} connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: _, request: \"GET /{path} HTTP/1.1\", upstream: \"http://127.0.0.1:8000/{path}\", host: \"127.0.0.1\"\n"
    )
    .into_bytes()
}

/// Deterministic pseudo-random bytes (xorshift), NULs and control bytes included.
fn binary(n: usize) -> Vec<u8> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

fn append(p: &Path, bytes: &[u8]) {
    OpenOptions::new()
        .append(true)
        .create(true)
        .open(p)
        .and_then(|mut f| f.write_all(bytes))
        .expect("append");
}

/// `logs follow` with piped stdout/stderr read by threads into channels; killed on drop.
struct Follow {
    child: Child,
    out: Receiver<String>,
    err: Receiver<String>,
}

impl Follow {
    fn start(args: &[&str], pre: impl FnOnce(&mut Command)) -> Follow {
        let mut c = Command::new(bin());
        pre(&mut c);
        let mut child = c
            .args(["logs", "follow"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn logs follow");
        let lines = |r: Box<dyn std::io::Read + Send>| {
            let (tx, rx) = channel();
            std::thread::spawn(move || {
                // lossy: a non-UTF-8 output line must fail the test, not the reader
                let mut r = BufReader::new(r);
                let mut buf = Vec::new();
                while r.read_until(b'\n', &mut buf).is_ok_and(|n| n > 0) {
                    let s = match String::from_utf8(buf.clone()) {
                        Ok(s) => s,
                        Err(_) => format!("NOT-UTF-8: {}", String::from_utf8_lossy(&buf)),
                    };
                    buf.clear();
                    if tx.send(s).is_err() {
                        break;
                    }
                }
            });
            rx
        };
        let out = lines(Box::new(child.stdout.take().expect("stdout")));
        let err = lines(Box::new(child.stderr.take().expect("stderr")));
        Follow { child, out, err }
    }

    /// Stdout lines until one contains `needle` (all lines returned), or panic after `secs`.
    fn until_out(&self, needle: &str, secs: u64) -> Vec<String> {
        until(&self.out, needle, secs, "stdout")
    }

    fn until_err(&self, needle: &str, secs: u64) -> Vec<String> {
        until(&self.err, needle, secs, "stderr")
    }

    fn running(&mut self) -> bool {
        self.child.try_wait().is_ok_and(|s| s.is_none())
    }

    /// What stderr said so far (panics show up here).
    fn stderr_now(&self) -> String {
        self.err.try_iter().collect()
    }
}

impl Drop for Follow {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn until(rx: &Receiver<String>, needle: &str, secs: u64, what: &str) -> Vec<String> {
    let end = Instant::now() + Duration::from_secs(secs);
    let mut got = Vec::new();
    loop {
        match rx.recv_timeout(end.saturating_duration_since(Instant::now())) {
            Ok(l) => {
                let hit = l.contains(needle);
                got.push(l);
                if hit {
                    return got;
                }
            }
            Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => {
                panic!("no {what} line with {needle:?} within {secs} s; got: {got:?}")
            }
        }
    }
}

/// Every line is valid JSON (and so valid UTF-8).
fn all_json(lines: &[String]) -> Vec<serde_json::Value> {
    lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l:.200}")))
        .collect()
}

/// The follower has started watching once a probe line written now comes out.
fn wait_watching(f: &Follow, p: &Path) {
    let end = Instant::now() + Duration::from_secs(20);
    for k in 0.. {
        append(p, &upstream_line(k, &format!("ready-{k}")));
        if let Ok(l) = f.out.recv_timeout(Duration::from_millis(200))
            && l.contains("/ready-")
        {
            // drain whatever other ready lines come
            std::thread::sleep(Duration::from_millis(100));
            while f.out.try_recv().is_ok() {}
            return;
        }
        assert!(Instant::now() < end, "the follower never printed a line");
    }
}

#[test]
fn binary_file_as_a_log() {
    let d = tempfile::tempdir().expect("tempdir");
    let p = d.path().join("error.log");
    let mut data = binary(256 * 1024);
    data.push(b'\n');
    data.extend_from_slice(&upstream_line(1, "after-binary"));
    std::fs::write(&p, &data).expect("write");
    let ps = p.to_str().expect("utf8");

    let o = run(&["logs", "scan", ps]);
    no_panic(&o);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8(o.stdout).expect("scan text output is UTF-8");
    assert!(text.contains("upstream_refused"), "{text:.400}");

    let o = run(&["logs", "scan", "--format", "ndjson", "--all", ps]);
    no_panic(&o);
    assert!(o.status.success());
    let lines: Vec<String> = String::from_utf8(o.stdout)
        .expect("ndjson is UTF-8")
        .lines()
        .map(str::to_string)
        .collect();
    let v = all_json(&lines);
    assert!(
        v.iter()
            .any(|e| e["request"] == "GET /after-binary HTTP/1.1")
    );

    let o = run(&["logs", "scan", "--format", "summary", ps]);
    no_panic(&o);
    assert!(o.status.success());
    let s: serde_json::Value = serde_json::from_slice(&o.stdout).expect("summary is JSON");
    assert_eq!(s["upstream_refused"], 1, "{s}");

    // follow: binary bytes appended to a followed file, then a good line.
    let f = Follow::start(&["--format", "ndjson", "--all", "--lines", "0", ps], |_| {});
    wait_watching(&f, &p);
    append(&p, &binary(64 * 1024));
    append(&p, b"\n");
    append(&p, &upstream_line(2, "after-binary-follow"));
    let lines = f.until_out("after-binary-follow", 20);
    all_json(&lines);
    assert!(!f.stderr_now().contains("panicked"));
}

#[test]
fn ten_megabyte_line_scan_and_follow() {
    let d = tempfile::tempdir().expect("tempdir");
    let p = d.path().join("error.log");
    let mut big = b"2026/11/28 12:00:00 [error] 1#1: *1 ".to_vec();
    big.extend(std::iter::repeat_n(b'A', 10 * 1024 * 1024));
    big.push(b'\n');
    let mut data = big.clone();
    data.extend_from_slice(&upstream_line(2, "after-big"));
    std::fs::write(&p, &data).expect("write");
    let ps = p.to_str().expect("utf8");

    let o = run(&["logs", "scan", "--format", "ndjson", "--all", ps]);
    no_panic(&o);
    assert!(o.status.success());
    let lines: Vec<String> = String::from_utf8(o.stdout)
        .expect("utf8")
        .lines()
        .map(str::to_string)
        .collect();
    let v = all_json(&lines);
    assert_eq!(v.len(), 2, "the big entry and the one after it");
    assert_eq!(
        v[0]["truncated"], true,
        "the 10 MB entry is marked truncated"
    );
    assert!(
        lines[0].len() < 1024 * 1024,
        "a 10 MB line is not echoed whole"
    );
    assert_eq!(v[1]["request"], "GET /after-big HTTP/1.1");

    let f = Follow::start(&["--format", "ndjson", "--all", "--lines", "0", ps], |_| {});
    wait_watching(&f, &p);
    append(&p, &big);
    append(&p, &upstream_line(3, "after-big-follow"));
    let lines = f.until_out("after-big-follow", 30);
    let v = all_json(&lines);
    assert!(
        lines.iter().all(|l| l.len() < 1024 * 1024),
        "output lines bounded"
    );
    assert!(v.iter().any(|e| e["truncated"] == true), "{lines:.300?}");
    assert!(!f.stderr_now().contains("panicked"));
}

#[test]
fn invalid_utf8_under_follow() {
    let d = tempfile::tempdir().expect("tempdir");
    let p = d.path().join("error.log");
    std::fs::write(&p, b"").expect("create");
    let ps = p.to_str().expect("utf8");
    let f = Follow::start(&["--format", "ndjson", "--lines", "0", ps], |_| {});
    wait_watching(&f, &p);
    let mut l = upstream_line(1, "bad-\u{1}utf8");
    // invalid UTF-8 inside the request path and the message
    let at = l.windows(4).position(|w| w == b"bad-").expect("marker") + 4;
    l.splice(at..at + 1, [0xff, 0xfe, 0xc3]);
    append(&p, &l);
    let lines = f.until_out("bad-", 20);
    let v = all_json(&lines);
    let last = v.last().expect("an entry");
    assert_eq!(last["class"], "upstream_refused", "{last}");
    assert!(
        last["request"]
            .as_str()
            .is_some_and(|r| r.contains('\u{fffd}')),
        "invalid bytes shown as U+FFFD: {last}"
    );
}

/// Runs the binary as `nobody` when root (file modes do not stop root), else chmod 000.
fn unreadable(d: &Path) -> (PathBuf, bool) {
    let p = d.join("secret.log");
    std::fs::write(&p, upstream_line(1, "secret")).expect("write");
    let root = unsafe { libc::geteuid() } == 0;
    use std::os::unix::fs::PermissionsExt;
    let mode = if root { 0o600 } else { 0o000 };
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).expect("chmod");
    std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).expect("chmod dir");
    (p, root)
}

fn have_setpriv() -> bool {
    Command::new("setpriv")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn unreadable_file_scan_and_follow() {
    let d = tempfile::Builder::new()
        .prefix("t502bad")
        .tempdir_in("/tmp")
        .expect("tempdir");
    let (p, root) = unreadable(d.path());
    if root && !have_setpriv() {
        return common::skip("root without setpriv (util-linux) cannot drop privileges");
    }
    let ps = p.to_str().expect("utf8");
    let nobody = |c: &mut Command| {
        if root {
            let prog = c.get_program().to_os_string();
            let mut n = Command::new("setpriv");
            n.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(prog);
            *c = n;
        }
    };
    let mut c = Command::new(bin());
    nobody(&mut c);
    let o = c.args(["logs", "scan", ps]).output().expect("run");
    no_panic(&o);
    let e = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(e.contains("permission denied") && e.contains(ps), "{e}");

    let mut f = Follow::start(&["--format", "ndjson", ps], nobody);
    let e = f.until_err("permission denied", 10);
    assert!(e.iter().any(|l| l.contains(ps)), "{e:?}");
    std::thread::sleep(Duration::from_millis(500));
    assert!(f.running(), "logs follow gave up on an unreadable file");
}

#[test]
fn missing_directory_follow_waits_for_it() {
    let mut f = Follow::start(&["/nonexistent/dir/error.log"], |_| {});
    let e = f.until_err("/nonexistent/dir/error.log", 10);
    assert!(
        e.iter().any(|l| l.contains("does not exist")),
        "says the file is missing: {e:?}"
    );
    std::thread::sleep(Duration::from_millis(500));
    assert!(f.running(), "logs follow exited on a missing directory");

    // a missing directory that appears later is picked up
    let d = tempfile::tempdir().expect("tempdir");
    let p = d.path().join("later/error.log");
    let mut f = Follow::start(&["--format", "ndjson", p.to_str().expect("utf8")], |_| {});
    f.until_err("does not exist", 10);
    std::fs::create_dir(d.path().join("later")).expect("mkdir");
    append(&p, &upstream_line(1, "appeared"));
    let end = Instant::now() + Duration::from_secs(20);
    let mut got = Vec::new();
    while !got.iter().any(|l: &String| l.contains("/appeared")) {
        assert!(
            Instant::now() < end,
            "the file that appeared was never read: {got:?}"
        );
        if let Ok(l) = f.out.recv_timeout(Duration::from_millis(200)) {
            got.push(l);
        } else {
            // lines written before the follower noticed the file may be skipped as backlog
            // (no: --lines 10 shows them); keep appending so the test is not timing-bound
            append(&p, &upstream_line(2, "appeared"));
        }
    }
    assert!(f.running());
}

#[test]
fn config_with_wrong_types_names_file_and_line() {
    let d = tempfile::tempdir().expect("tempdir");
    let cfg = d.path().join("c.toml");
    let ps = cfg.to_str().expect("utf8");
    for (text, line, words) in [
        ("read_only = \"yes\"\n", 1, "expected a boolean"),
        ("\n[probe]\ninterval_ms = \"fast\"\n", 3, "expected u64"),
        (
            "[[hop]]\nname = \"a\"\nkind = \"tcp\"\ntarget = \"127.0.0.1:9\"\ntimeout_ms = -5\n",
            5,
            "-5",
        ),
        (
            "[[hop]]\nname = 3\nkind = \"tcp\"\ntarget = \"x\"\n",
            2,
            "expected a string",
        ),
    ] {
        std::fs::write(&cfg, text).expect("write");
        let o = run(&["--config", ps, "config", "check"]);
        no_panic(&o);
        let out = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        assert_eq!(o.status.code(), Some(1), "{text}: {out}");
        assert!(out.contains(&format!("{ps}:{line}:")), "{text}: {out}");
        assert!(out.contains(words), "{text}: {out}");
    }
}

// --- signals: no stray children ----------------------------------------------------------------

/// (pid, ppid, pgrp) of every process.
fn procs() -> Vec<(i32, i32, i32)> {
    let Ok(rd) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    rd.flatten()
        .filter_map(|e| {
            let pid: i32 = e.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(e.path().join("stat")).ok()?;
            let rest = &stat[stat.rfind(')')? + 2..];
            let f: Vec<&str> = rest.split_whitespace().collect();
            Some((pid, f.get(1)?.parse().ok()?, f.get(2)?.parse().ok()?))
        })
        .collect()
}

fn cmdline(pid: i32) -> String {
    std::fs::read(format!("/proc/{pid}/cmdline"))
        .map(|b| String::from_utf8_lossy(&b).replace('\0', " "))
        .unwrap_or_default()
}

/// SIGTERM and SIGHUP to the console on the lab right after a hop change (which starts a host
/// facts refresh: supervisorctl, nginx -T, ...): the terminal is restored and no process of
/// the console's process group or among its children is left behind.
#[test]
fn signals_leave_no_stray_children() {
    if !have_tmux() {
        return common::skip("tmux not installed (scripts/test-all.sh installs it)");
    }
    // Like a container whose PID 1 does not reap (where CI once found a zombie `journalctl`
    // of the console's): this test process becomes the subreaper of everything it starts,
    // tmux and so the console included, and never reaps what is orphaned to it. A child the
    // console leaves unreaped stays visible as a zombie.
    // SAFETY: prctl(2) with an integer argument; no memory is passed.
    assert_eq!(
        unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) },
        0
    );
    let Some(lab) = Lab::up("t502sig") else {
        return;
    };
    let toml = lab.dir.join("lab.toml");
    // A hung journalctl (as on a box with a huge or corrupt journal) that started a process
    // of its own: the refresh is surely still running when the signal comes, and the tool's
    // child shows whether the tool's whole process group is ended.
    let slow = lab.dir.join("slow-tools");
    common::tool_script(&slow, "journalctl", "sleep 30 &\nwait\n");
    for sig in [libc::SIGTERM, libc::SIGHUP] {
        let t = Tmux::new(&format!("sigkids-{sig}"), "s");
        t.start_shell(150, 45, Some(&slow));
        t.run(&format!("{} --config {}", bin(), toml.display()));
        t.wait("the chain", 20, |s| s.contains("✔ OK      dns"));
        let shell: i32 =
            String::from_utf8_lossy(&t.cmd(&["display", "-p", "-t", "s", "#{pane_pid}"]).stdout)
                .trim()
                .parse()
                .expect("pane pid");
        let console = procs()
            .into_iter()
            .find(|(p, pp, _)| *pp == shell && cmdline(*p).contains("triage502"))
            .map(|(p, _, _)| p)
            .expect("the console's pid");

        // a hop change starts a host facts refresh at once; signal while it may be running
        let fault = if sig == libc::SIGTERM { "break" } else { "fix" };
        if fault == "break" {
            assert!(lab.lab(&["break", "docservice-down"]).status.success());
        } else {
            assert!(lab.lab(&["fix"]).status.success());
        }
        // signal once the refresh's hung journalctl runs (a child of the console's, with a
        // child of its own): without it the test would prove nothing about stray children
        let end = Instant::now() + Duration::from_secs(15);
        let kids: Vec<(i32, String)> = loop {
            let k: Vec<(i32, String)> = procs()
                .into_iter()
                .filter(|(p, pp, pg)| (*pp == console || *pg == console) && *p != console)
                .map(|(p, _, _)| (p, cmdline(p)))
                .collect();
            let hung = k.iter().find(|(_, c)| c.contains("slow-tools/journalctl"));
            let grandchild = hung.is_some_and(|(j, _)| procs().iter().any(|(_, pp, _)| pp == j));
            if grandchild {
                break k;
            }
            assert!(
                Instant::now() < end,
                "signal {sig}: the console never ran the hung journalctl and its child: {k:?}"
            );
            std::thread::sleep(Duration::from_millis(1));
        };
        assert_eq!(unsafe { libc::kill(console, sig) }, 0);
        let (s, code) = t.wait_exit("the console to exit", 10);
        assert_eq!(code, 0, "{s}");
        assert!(
            !t.alternate_on(),
            "signal {sig}: the alternate screen was left on"
        );
        // The console's own children must be gone, reaped by it (a zombie of the console's,
        // orphaned to an init that does not reap, would stay forever). What those started
        // must not be running: killed with its tool's process group, it is a zombie of the
        // subreaper it was orphaned to, whose to reap.
        let strays = || -> Vec<(i32, String)> {
            procs()
                .into_iter()
                .filter(|(p, pp, pg)| {
                    let child = *pp == console || kids.iter().any(|(k, _)| k == p);
                    let in_group = *pg == console || kids.iter().any(|(k, _)| k == pg);
                    child || (in_group && proc_state(*p) != Some('Z'))
                })
                .map(|(p, _, _)| (p, format!("{:?} {}", proc_state(p), cmdline(p))))
                .collect()
        };
        // a process killed with its group goes within moments: wait for that, not longer
        common::wait_until(Duration::from_secs(2), || strays().is_empty());
        let stray = strays();
        eprintln!(
            "signal {sig}: children just before the signal: {kids:?}; left after exit: {stray:?}"
        );
        assert!(
            stray.is_empty(),
            "signal {sig}: stray processes after the console exited: {stray:?}"
        );
    }
}

/// Regression for a fuzz finding (cargo fuzz target `nginx_conf`, out-of-memory): an nginx
/// configuration that includes itself more than once. nginx itself crashes on it (`nginx -T`
/// segfaults), so triage502 falls back to reading the files, and
/// `host::nginx_conf::resolve` expands every include again up to its depth limit of 16: with
/// three self-includes that is 3^16 copies, and `triage502 host` aborts on a failed allocation
/// (measured: 11.8 s, "memory allocation of 1610612736 bytes failed", under a 4 GB address-space
/// cap). Fixed: a file already on the include path is a loop (one warning, no expansion). The
/// binary runs with a 2 GiB address-space limit so a regression cannot take the machine's
/// memory.
#[test]
fn nginx_config_including_itself_is_bounded() {
    use std::os::unix::process::CommandExt;
    let d = tempfile::tempdir().expect("tempdir");
    let conf = d.path().join("nginx.conf");
    let line = format!("include {};\n", conf.display());
    std::fs::write(&conf, line.repeat(3)).expect("write");
    let mut c = Command::new(bin());
    let cfg = d.path().join("t.toml");
    std::fs::write(&cfg, "[[service]]\nname = \"nginx\"\n").expect("write");
    c.arg("--config")
        .arg(&cfg)
        .args(["host", "--timeout", "3", "--nginx-config"])
        .arg(&conf)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    unsafe {
        c.pre_exec(|| {
            let lim = libc::rlimit {
                rlim_cur: 2 << 30,
                rlim_max: 2 << 30,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let start = Instant::now();
    let child = c.spawn().expect("spawn host");
    let o = child.wait_with_output().expect("wait");
    let took = start.elapsed();
    let out = String::from_utf8_lossy(&o.stdout);
    let err = String::from_utf8_lossy(&o.stderr);
    eprintln!(
        "host on a self-including nginx.conf: {took:?}, exit {:?}, {} bytes out",
        o.status.code(),
        o.stdout.len()
    );
    assert!(o.status.success(), "host failed: {:.600}", err);
    assert!(
        out.contains("loop"),
        "the include loop is reported: {out:.600}"
    );
    assert!(
        o.stdout.len() < 64 * 1024,
        "one warning per loop, not one per expansion"
    );
    assert!(took < Duration::from_secs(10), "took {took:?}");
}
