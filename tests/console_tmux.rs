//! The real binary in tmux against the lab, as an administrator would drive it: all hops OK;
//! `lab break docservice-down` → the upstream hop reads FAIL and the finding is listed; the
//! recovery action by key (preview, confirm, result) heals it; resize to 20×6 and back; `q`
//! exits and the terminal is restored; SIGTERM and SIGHUP restore it too.
//! Needs tmux (installed by scripts/test-all.sh); skipped with a message when it is missing.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_triage502")
}

fn have_tmux() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

struct Lab {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
}

impl Lab {
    fn up() -> Option<Lab> {
        let tmp = tempfile::Builder::new()
            .prefix("t502tmx")
            .tempdir_in("/tmp")
            .expect("tempdir");
        let dir = tmp.path().to_path_buf();
        let o = self_lab(&dir, &["up"]);
        if !o.status.success() {
            eprintln!(
                "skipped: lab up failed: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            return None;
        }
        Some(Lab { _tmp: tmp, dir })
    }
}

fn self_lab(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(bin())
        .args(["lab", "--dir"])
        .arg(dir)
        .args(args)
        .env_remove("TRIAGE502_LAB_DIR")
        .output()
        .expect("lab command")
}

impl Drop for Lab {
    fn drop(&mut self) {
        let _ = self_lab(&self.dir, &["down"]);
    }
}

/// A tmux server of the test's own (its own socket), killed on drop.
struct Tmux {
    sock: String,
}

impl Tmux {
    fn new(name: &str) -> Tmux {
        Tmux {
            sock: format!("t502-{name}-{}", std::process::id()),
        }
    }

    fn cmd(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.sock])
            .args(args)
            .output()
            .expect("tmux")
    }

    /// Start a shell in a 120×40 window; the console is typed into it so the shell shows
    /// what is left after the console exits.
    fn start_shell(&self) {
        let o = self.cmd(&[
            "new-session",
            "-d",
            "-s",
            "s",
            "-x",
            "120",
            "-y",
            "40",
            "env",
            "-i",
            "PATH=/usr/bin:/bin:/usr/sbin:/sbin",
            "TERM=xterm-256color",
            "HOME=/tmp",
            "NO_COLOR=1",
            "bash",
            "--norc",
            "--noprofile",
        ]);
        assert!(
            o.status.success(),
            "tmux: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "s"];
        args.extend_from_slice(keys);
        self.cmd(&args);
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.cmd(&["capture-pane", "-p", "-t", "s"]).stdout).to_string()
    }

    fn alternate_on(&self) -> bool {
        String::from_utf8_lossy(
            &self
                .cmd(&["display-message", "-p", "-t", "s", "#{alternate_on}"])
                .stdout,
        )
        .trim()
            == "1"
    }

    /// Wait until the screen satisfies `pred`, up to `secs`.
    fn wait(&self, what: &str, secs: u64, pred: impl Fn(&str) -> bool) -> String {
        let end = Instant::now() + Duration::from_secs(secs);
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            if Instant::now() > end {
                panic!("timed out waiting for {what}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]);
    }
}

/// The chain pane's row of a hop (the left pane only, when panes stand side by side).
fn row<'a>(screen: &'a str, hop: &str) -> Option<&'a str> {
    screen
        .lines()
        .map(|l| {
            ["║│", "│║", "││", "║║"]
                .iter()
                .filter_map(|b| l.find(b))
                .min()
                .map_or(l, |i| &l[..i])
        })
        .find(|l| l.split_whitespace().nth(2) == Some(hop))
}

fn hop_is(screen: &str, hop: &str, word: &str) -> bool {
    row(screen, hop).is_some_and(|l| l.contains(word))
}

#[test]
fn console_in_tmux_against_the_lab() {
    if !have_tmux() {
        eprintln!("skipped: tmux not installed (scripts/test-all.sh installs it)");
        return;
    }
    let Some(lab) = Lab::up() else { return };
    let t = Tmux::new("lab");
    t.start_shell();
    let toml = lab.dir.join("lab.toml");
    let secret = std::fs::read_to_string(&toml)
        .ok()
        .and_then(|t| {
            t.lines().find_map(|l| {
                l.trim()
                    .strip_prefix("jwt_secret = ")
                    .map(|v| v.trim_matches('"').to_string())
            })
        })
        .expect("lab.toml has the integrator's secret");
    t.keys(&[
        &format!("{} --config {}; echo EXITED $?", bin(), toml.display()),
        "Enter",
    ]);
    let hops = [
        "dns",
        "nginx",
        "via-nginx",
        "docservice",
        "health",
        "command",
    ];
    t.wait("every hop OK", 15, |s| {
        hops.iter().all(|h| hop_is(s, h, "✔ OK"))
    });
    assert!(t.alternate_on(), "the console uses the alternate screen");

    // docservice-down: within two probe intervals (1 s each) plus the draw.
    let o = self_lab(&lab.dir, &["break", "docservice-down"]);
    assert!(o.status.success());
    let start = Instant::now();
    t.wait("docservice FAIL", 3, |s| hop_is(s, "docservice", "✖ FAIL"));
    eprintln!(
        "docservice FAIL shown {:?} after lab break returned",
        start.elapsed()
    );
    let s = t.wait("the service_down finding", 8, |s| {
        s.contains("service_down")
    });
    eprintln!(
        "service_down shown {:?} after lab break returned",
        start.elapsed()
    );
    assert!(
        row(&s, "docservice").is_some_and(|l| l.contains("connection refused")),
        "{s}"
    );

    // The recovery action by key: focus the findings, x, preview, y, result.
    t.keys(&["Tab"]);
    t.keys(&["x"]);
    let s = t.wait("the action preview", 10, |s| {
        s.contains("Run restart:docservice?")
    });
    assert!(
        s.contains("supervisorctl -c"),
        "the preview shows the exact argv: {s}"
    );
    t.keys(&["y"]);
    let s = t.wait("the action result", 20, |s| {
        s.contains("restart:docservice — succeeded")
    });
    assert!(s.contains("fixed"), "verification result shown: {s}");
    t.keys(&["Escape"]);
    t.wait("every hop OK again", 10, |s| {
        hops.iter().all(|h| hop_is(s, h, "✔ OK"))
    });

    // Break again and heal with lab fix: OK again.
    assert!(
        self_lab(&lab.dir, &["break", "docservice-down"])
            .status
            .success()
    );
    t.wait("docservice FAIL", 6, |s| hop_is(s, "docservice", "✖ FAIL"));
    assert!(self_lab(&lab.dir, &["fix"]).status.success());
    t.wait("docservice OK after lab fix", 6, |s| {
        hop_is(s, "docservice", "✔ OK")
    });

    // A tiny terminal, then back.
    t.cmd(&["resize-window", "-t", "s", "-x", "20", "-y", "6"]);
    t.wait("the too-small message", 5, |s| s.contains("too small"));
    t.cmd(&["resize-window", "-t", "s", "-x", "120", "-y", "40"]);
    t.wait("the chain again", 5, |s| {
        s.contains("Chain") && hop_is(s, "docservice", "✔ OK")
    });

    // The JWT mismatch on screen: fingerprints, never the secret (also not in the details).
    assert!(
        self_lab(&lab.dir, &["break", "jwt-mismatch"])
            .status
            .success()
    );
    let s = t.wait("the jwt_mismatch finding", 8, |s| {
        s.contains("jwt_mismatch")
    });
    assert!(!s.contains(&secret), "the console shows the secret");
    t.keys(&["Enter"]);
    let s = t.wait("the finding's details", 5, |s| s.contains("Evidence:"));
    assert!(!s.contains(&secret), "the details show the secret");
    t.keys(&["Escape"]);
    assert!(self_lab(&lab.dir, &["fix"]).status.success());
    t.wait("every hop OK after the JWT fix", 8, |s| {
        hops.iter().all(|h| hop_is(s, h, "✔ OK"))
    });

    // q quits; the shell's screen is back.
    t.keys(&["q"]);
    let s = t.wait("the console to exit", 5, |s| s.contains("EXITED 0"));
    assert!(!t.alternate_on(), "alternate screen left: {s}");
    assert!(
        !s.contains("Chain: user"),
        "the console's screen is gone: {s}"
    );

    // The console journaled its timeline next to the audit log, for `report`.
    let journal = std::fs::read_to_string(lab.dir.join("timeline.ndjson")).unwrap_or_default();
    assert!(
        journal.lines().any(|l| l.contains("docservice OK → FAIL")),
        "the journal has the hop transition"
    );
    assert!(!journal.contains(&secret), "the journal holds no secret");

    // The audit log has the entry with verification "fixed".
    let audit = std::fs::read_to_string(lab.dir.join("audit.log")).unwrap_or_default();
    assert!(
        audit
            .lines()
            .any(|l| l.contains("\"restart:docservice\"") && l.contains("\"fixed\"")),
        "audit log lacks the verified restart"
    );
}

#[test]
fn signals_restore_the_terminal() {
    if !have_tmux() {
        eprintln!("skipped: tmux not installed (scripts/test-all.sh installs it)");
        return;
    }
    for sig in ["TERM", "HUP"] {
        let t = Tmux::new(&format!("sig{sig}"));
        t.start_shell();
        let d = tempfile::tempdir().expect("tempdir");
        let cfg = d.path().join("c.toml");
        std::fs::write(
            &cfg,
            "[[hop]]\nname = \"loop\"\nkind = \"tcp\"\ntarget = \"127.0.0.1:9\"\n",
        )
        .expect("write");
        t.keys(&[
            &format!("{} --config {}; echo EXITED $?", bin(), cfg.display()),
            "Enter",
        ]);
        t.wait("the console", 10, |s| s.contains("loop"));
        let pid = pid_of(&cfg.display().to_string()).expect("the console's pid");
        let o = Command::new("kill")
            .args([&format!("-{sig}"), &pid.to_string()])
            .output()
            .expect("kill");
        assert!(o.status.success());
        let s = t.wait("the console to exit on a signal", 5, |s| {
            s.contains("EXITED")
        });
        assert!(!t.alternate_on(), "SIG{sig}: alternate screen left: {s}");
    }
}

/// The pid of the process whose command line contains `needle`.
fn pid_of(needle: &str) -> Option<i32> {
    std::fs::read_dir("/proc").ok()?.flatten().find_map(|e| {
        let pid: i32 = e.file_name().to_str()?.parse().ok()?;
        let cmd = std::fs::read(e.path().join("cmdline")).ok()?;
        let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
        (cmd.contains(needle) && cmd.contains("triage502") && !cmd.contains("bash")).then_some(pid)
    })
}
