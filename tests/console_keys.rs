//! The console's keys, end to end: the real binary in tmux, driven as an administrator would.
//! `r` probes at once (the interval is ten minutes), `p` pauses the error log, `/` filters it
//! and Esc clears the filter; Esc and Ctrl-C cancel a running action (its command killed, the
//! run audited) and the console stays; `W` writes the report; `N` reloads a real nginx (new
//! workers); `F` loads the configured nftables ruleset; `[keys]` rebinds; `--theme` and
//! `NO_COLOR` are seen in the colours tmux captures; the narrow layout in a real terminal.
//! Needs tmux; `N` needs the lab (nginx, supervisord), `F` and the action tests root.

mod common;

use common::{Lab, Tmux, bin, have_tmux, skip, wait_until};
use std::io::Write;
use std::net::TcpListener;
use std::path::Path;
use std::time::Duration;

/// A console on `cfg` in a clean shell, `w`×`h`, waiting until `ready` is on screen. `env`
/// replaces the shell's `NO_COLOR=1`; `args` come after `--config FILE`.
fn console(name: &str, w: u16, h: u16, cfg: &Path, env: &[&str], args: &str) -> Tmux {
    let t = Tmux::new(name, "s");
    t.start_shell_env(w, h, None, env);
    t.run(&format!("{} --config {} {args}", bin(), cfg.display()));
    t
}

/// An nginx error-log line of now (nginx logs local time) for a refused upstream `peer`.
fn refused_line(peer: &str, path: &str) -> String {
    format!(
        "{} [error] 1#1: *1 connect() failed (111: Connection refused) while connecting to \
         upstream, client: 127.0.0.1, server: _, request: \"GET /{path} HTTP/1.1\", upstream: \
         \"http://{peer}/{path}\", host: \"x\"\n",
        chrono::Local::now().format("%Y/%m/%d %H:%M:%S")
    )
}

fn append(p: &Path, text: &str) {
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(p)
        .expect("open log");
    f.write_all(text.as_bytes()).expect("append");
}

/// A port where nothing listens now (bound and released).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// The row of hop `name` in the chain pane.
fn hop_row<'a>(screen: &'a str, name: &str) -> Option<&'a str> {
    screen
        .lines()
        .find(|l| l.split_whitespace().any(|w| w == name) && l.contains("ms"))
}

/// `r` probes the chain at once: with a ten-minute interval, a hop whose port starts
/// listening turns OK only when asked. `p` pauses the error log (a line received meanwhile is
/// counted but not listed) and resumes it; `/` filters the log by text; Esc clears the filter.
#[test]
fn probe_now_pause_filter_and_clear() {
    if !have_tmux() {
        return skip("tmux not installed (scripts/test-all.sh installs it)");
    }
    let d = tempfile::tempdir().expect("tempdir");
    let log = d.path().join("error.log");
    std::fs::write(&log, "").expect("log");
    let port = free_port();
    let cfg = d.path().join("c.toml");
    std::fs::write(
        &cfg,
        format!(
            "[probe]\ninterval_ms = 600000\n\n[logs]\nnginx_error = [\"{}\"]\n\n\
             [[hop]]\nname = \"app\"\nkind = \"tcp\"\ntarget = \"127.0.0.1:{port}\"\n",
            log.display()
        ),
    )
    .expect("write");
    let t = console("keys", 120, 40, &cfg, &["NO_COLOR=1"], "");
    t.wait("the first round", 10, |s| {
        hop_row(s, "app").is_some_and(|l| l.contains("FAIL"))
    });

    // r: the port listens now; only a probe asked for sees it before ten minutes.
    let _l = TcpListener::bind(("127.0.0.1", port)).expect("bind the hop's port");
    t.keys(&["r"]);
    t.wait("app OK after r", 10, |s| {
        hop_row(s, "app").is_some_and(|l| l.contains("✔ OK"))
    });

    // Two upstreams in the log; then the filter.
    append(&log, &refused_line("127.0.0.1:8101", "one"));
    append(&log, &refused_line("127.0.0.1:8202", "two"));
    t.wait("both log rows", 10, |s| {
        s.contains("127.0.0.1:8101") && s.contains("127.0.0.1:8202")
    });
    t.keys(&["/"]);
    t.wait("the filter prompt", 5, |s| s.contains("filter:"));
    t.cmd(&["send-keys", "-t", "s", "-l", "8202"]);
    t.keys(&["Enter"]);
    let s = t.wait("the filtered log", 5, |s| {
        s.contains("filter \"8202\"") && s.contains("127.0.0.1:8202")
    });
    assert!(
        !s.contains("127.0.0.1:8101"),
        "the filter left a row that does not match:\n{s}"
    );
    t.keys(&["Escape"]);
    t.wait("the filter cleared by Esc", 5, |s| {
        !s.contains("filter \"8202\"") && s.contains("127.0.0.1:8101")
    });

    // p: a line that arrives while paused is counted (the 5-minute counter) but not listed.
    t.keys(&["p"]);
    t.wait("the log paused", 5, |s| s.contains("PAUSED"));
    append(&log, &refused_line("127.0.0.1:8303", "three"));
    let s = t.wait("the paused line counted", 10, |s| {
        s.contains("upstream_refused 3")
    });
    assert!(
        !s.contains("127.0.0.1:8303"),
        "a paused log listed a new line:\n{s}"
    );
    t.keys(&["p"]);
    t.wait("the line listed once resumed", 5, |s| {
        !s.contains("PAUSED") && s.contains("127.0.0.1:8303")
    });
    t.keys(&["q"]);
    t.wait_exit("the console to exit", 10);
}

/// An action that hangs (a `docker restart` stand-in that starts a child and waits), run from
/// the console with `R`, is cancelled by Esc, then again by Ctrl-C: each time its child is
/// killed, the run is audited `cancelled`, and the console keeps running (Ctrl-C cancels the
/// action instead of quitting).
#[test]
fn esc_and_ctrl_c_cancel_a_running_action() {
    if !have_tmux() {
        return skip("tmux not installed (scripts/test-all.sh installs it)");
    }
    if !common::is_root() {
        return skip("needs root (docker actions need root; without it they are refused)");
    }
    let d = tempfile::tempdir().expect("tempdir");
    let common::HangingDocker {
        tools,
        sleeper_pid: marker,
        audit,
        cfg,
    } = common::hanging_docker(d.path(), false);
    let t = Tmux::new("cancel", "s");
    t.start_shell(120, 40, Some(&tools));
    t.run(&format!("{} --config {}", bin(), cfg.display()));
    t.wait("the console", 10, |s| s.contains("FAIL    loop"));
    for (round, key) in ["Escape", "C-c"].iter().enumerate() {
        let _ = std::fs::remove_file(&marker);
        t.keys(&["R"]);
        t.wait("the action preview", 10, |s| {
            s.contains("Run restart:web?") && s.contains("y / Enter: run")
        });
        t.keys(&["y"]);
        t.wait("the action running", 10, |s| s.contains("restarting"));
        let mut child = 0;
        assert!(
            wait_until(Duration::from_secs(5), || {
                child = std::fs::read_to_string(&marker)
                    .ok()
                    .and_then(|s| s.trim().parse().ok())
                    .unwrap_or(0);
                child > 0
            }),
            "{key}: the action's child never started"
        );
        t.keys(&[key]);
        t.wait("the cancelled result", 10, |s| {
            s.contains("restart:web — cancelled")
        });
        assert!(
            wait_until(Duration::from_secs(5), || !common::alive(child)),
            "{key}: the action's child survived the cancel"
        );
        let audit = std::fs::read_to_string(&audit).unwrap_or_default();
        let cancelled = audit
            .lines()
            .filter(|l| l.contains("\"restart:web\"") && l.contains("\"cancelled\""))
            .count();
        assert_eq!(cancelled, round + 1, "{key}: audit log:\n{audit}");
        assert!(t.alternate_on(), "{key} ended the console");
        t.keys(&["Escape"]);
        t.wait("the result closed", 5, |s| !s.contains("restart:web — "));
    }
    t.keys(&["q"]);
    let (s, code) = t.wait_exit("the console to exit", 10);
    assert_eq!(code, 0, "{s}");
}

/// `W` writes the Markdown report next to the audit log, readable by its owner only, and
/// says where.
#[test]
fn w_writes_the_report() {
    if !have_tmux() {
        return skip("tmux not installed (scripts/test-all.sh installs it)");
    }
    let d = tempfile::tempdir().expect("tempdir");
    let state = d.path().join("state");
    let cfg = d.path().join("c.toml");
    std::fs::write(
        &cfg,
        format!(
            "[actions]\naudit_log = \"{}\"\n\n[[hop]]\nname = \"loop\"\nkind = \"tcp\"\ntarget = \"127.0.0.1:9\"\n",
            state.join("audit.log").display()
        ),
    )
    .expect("write");
    let t = console("report", 120, 40, &cfg, &["NO_COLOR=1"], "");
    t.wait("the finding", 10, |s| s.contains("FAIL    loop"));
    t.keys(&["W"]);
    let s = t.wait("the report dialog", 10, |s| s.contains("report written"));
    let report = std::fs::read_dir(&state)
        .expect("the report's folder")
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("incident-"))
        })
        .unwrap_or_else(|| panic!("no incident-*.md in {}:\n{s}", state.display()));
    let name = report
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    assert!(s.contains(&name), "the dialog names the file: {s}");
    let text = std::fs::read_to_string(&report).expect("read report");
    assert!(text.starts_with('#'), "Markdown: {text:.300}");
    assert!(text.contains("loop"), "the report has the hop: {text:.600}");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&report)
        .expect("stat")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600, "the report is its owner's only");
    t.keys(&["Escape"]);
    t.wait("the dialog closed", 5, |s| !s.contains("report written"));
    t.keys(&["q"]);
    t.wait_exit("the console to exit", 10);
}

/// The pids of `master`'s children (nginx workers).
fn children_of(master: i32) -> Vec<i32> {
    let mut v: Vec<i32> = std::fs::read_dir("/proc")
        .map(|rd| {
            rd.flatten()
                .filter_map(|e| {
                    let pid: i32 = e.file_name().to_str()?.parse().ok()?;
                    let stat = std::fs::read_to_string(e.path().join("stat")).ok()?;
                    let ppid: i32 = stat[stat.rfind(')')? + 2..]
                        .split_whitespace()
                        .nth(1)?
                        .parse()
                        .ok()?;
                    (ppid == master).then_some(pid)
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// `N` on the lab: the preview shows `nginx -t` before the reload, `y` runs it, and nginx has
/// new workers afterwards (a reload replaces them; the master stays).
#[test]
fn n_reloads_the_labs_nginx() {
    if !have_tmux() {
        return skip("tmux not installed (scripts/test-all.sh installs it)");
    }
    let Some(lab) = Lab::up("t502keyN") else {
        return;
    };
    let t = console("reloadN", 120, 40, &lab.toml(), &["NO_COLOR=1"], "");
    t.wait("the chain", 20, |s| s.contains("✔ OK      dns"));
    let pidfile = std::fs::read_dir(&lab.dir)
        .expect("lab dir")
        .flatten()
        .map(|e| e.path())
        .chain(
            std::fs::read_dir(lab.dir.join("nginx"))
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path()),
        )
        .find(|p| p.file_name().is_some_and(|n| n == "nginx.pid"))
        .expect("the lab's nginx.pid");
    let master: i32 = std::fs::read_to_string(&pidfile)
        .expect("pid")
        .trim()
        .parse()
        .expect("pid");
    let before = children_of(master);
    assert!(!before.is_empty(), "nginx {master} has no workers");
    t.keys(&["N"]);
    let s = t.wait("the reload preview", 10, |s| {
        s.contains("Run reload:nginx?") && s.contains("y / Enter: run")
    });
    assert!(s.contains(" -t"), "the preview shows nginx -t first: {s}");
    t.keys(&["y"]);
    t.wait("the reload result", 20, |s| {
        s.contains("reload:nginx — succeeded")
    });
    assert!(
        wait_until(Duration::from_secs(10), || {
            let now = children_of(master);
            !now.is_empty() && now.iter().all(|p| !before.contains(p))
        }),
        "nginx's workers were not replaced: before {before:?}, now {:?}",
        children_of(master)
    );
    // Esc and q typed together would read as Alt-q: one, then the other.
    t.keys(&["Escape"]);
    t.wait("the result closed", 5, |s| !s.contains("reload:nginx — "));
    t.keys(&["q"]);
    t.wait_exit("the console to exit", 10);
}

/// `F` loads the configured nftables ruleset (`[actions] nft_ruleset`, here a table of the
/// test's own): the preview shows `nft -f FILE`, `y` runs it, and the table exists after.
#[test]
fn f_reloads_the_configured_firewall_ruleset() {
    if !have_tmux() {
        return skip("tmux not installed (scripts/test-all.sh installs it)");
    }
    if !common::is_root() || !common::tool("nft") {
        return skip("needs root and nft");
    }
    let table = format!("t502keys{}", std::process::id());
    let nft = |args: &[&str]| {
        std::process::Command::new("nft")
            .args(args)
            .output()
            .expect("nft")
    };
    struct Drop1(String);
    impl Drop for Drop1 {
        fn drop(&mut self) {
            let _ = std::process::Command::new("nft")
                .args(["delete", "table", "inet", &self.0])
                .output();
        }
    }
    let _cleanup = Drop1(table.clone());
    let d = tempfile::tempdir().expect("tempdir");
    let rules = d.path().join("rules.nft");
    std::fs::write(&rules, format!("table inet {table} {{\n}}\n")).expect("rules");
    let cfg = d.path().join("c.toml");
    std::fs::write(
        &cfg,
        format!(
            "[actions]\naudit_log = \"{}\"\nnft_ruleset = \"{}\"\n\n\
             [[hop]]\nname = \"loop\"\nkind = \"tcp\"\ntarget = \"127.0.0.1:9\"\n",
            d.path().join("audit.log").display(),
            rules.display()
        ),
    )
    .expect("write");
    assert!(
        !nft(&["list", "table", "inet", &table]).status.success(),
        "the table exists before the test"
    );
    let t = console("reloadF", 120, 40, &cfg, &["NO_COLOR=1"], "");
    t.wait("the console", 10, |s| s.contains("FAIL    loop"));
    t.keys(&["F"]);
    let s = t.wait("the firewall preview", 10, |s| {
        s.contains("Run reload:firewall?") && s.contains("y / Enter: run")
    });
    if !s.contains("nft -f") {
        t.keys(&["n"]);
        return skip("the firewall here is not nftables");
    }
    assert!(
        s.contains("rules.nft"),
        "the preview names the ruleset: {s}"
    );
    t.keys(&["y"]);
    t.wait("the reload result", 20, |s| {
        s.contains("reload:firewall — succeeded")
    });
    assert!(
        nft(&["list", "table", "inet", &table]).status.success(),
        "the ruleset was not loaded"
    );
    t.keys(&["Escape"]);
    t.wait("the result closed", 5, |s| {
        !s.contains("reload:firewall — ")
    });
    t.keys(&["q"]);
    t.wait_exit("the console to exit", 10);
}

/// `[keys]`: `help = "h"`, `quit = "Q"`. `h` opens the help, which lists the new keys; `q`
/// no longer quits (the console still answers `h` after it); `Q` quits.
#[test]
fn keys_can_be_rebound() {
    if !have_tmux() {
        return skip("tmux not installed (scripts/test-all.sh installs it)");
    }
    let d = tempfile::tempdir().expect("tempdir");
    let cfg = d.path().join("c.toml");
    std::fs::write(
        &cfg,
        "[keys]\nhelp = \"h\"\nquit = \"Q\"\n\n[[hop]]\nname = \"loop\"\nkind = \"tcp\"\ntarget = \"127.0.0.1:9\"\n",
    )
    .expect("write");
    let t = console("rebind", 120, 40, &cfg, &["NO_COLOR=1"], "");
    t.wait("the console", 10, |s| s.contains("FAIL    loop"));
    t.keys(&["q"]);
    t.keys(&["h"]);
    let s = t.wait("the help on h (q did not quit)", 5, |s| {
        s.contains("Keys (any key closes)")
    });
    assert!(
        s.lines().any(|l| l.contains(" Q ") && l.contains("quit")),
        "the help lists Q for quit:\n{s}"
    );
    t.keys(&["Escape"]);
    t.wait("the help closed", 5, |s| {
        !s.contains("Keys (any key closes)")
    });
    t.keys(&["Q"]);
    let (s, code) = t.wait_exit("the console to exit on Q", 10);
    assert_eq!(code, 0, "{s}");
}

/// Whether an SGR sequence sets a colour (foreground or background, 8, 16 or 256 colours, or
/// RGB); `39`/`49` (back to the default) do not count.
fn sets_colour(screen: &str) -> Option<String> {
    let mut rest = screen;
    while let Some(i) = rest.find("\x1b[") {
        let tail = &rest[i + 2..];
        let end = tail.find('m').unwrap_or(tail.len());
        let params = &tail[..end];
        let colour = params.split(';').any(|p| {
            matches!(
                p.parse::<u16>(),
                Ok(30..=38 | 40..=48 | 90..=97 | 100..=107)
            )
        });
        if colour {
            return Some(params.to_string());
        }
        rest = &tail[end..];
    }
    None
}

/// The SGR sequences on a screen, counted (what is drawn how, without the text).
fn sgr_counts(screen: &str) -> std::collections::BTreeMap<String, usize> {
    let mut m = std::collections::BTreeMap::new();
    let mut rest = screen;
    while let Some(i) = rest.find("\x1b[") {
        let tail = &rest[i + 2..];
        let end = tail.find('m').unwrap_or(tail.len());
        *m.entry(tail[..end].to_string()).or_insert(0) += 1;
        rest = &tail[end..];
    }
    m
}

/// The theme in the colours tmux captures: `--theme high-contrast` draws the borders white
/// (256-colour 15) and never the dark theme's cyan (6); the default (dark) the other way
/// round; `NO_COLOR` sets no colour at all, even with `--theme high-contrast`, and forces the
/// monochrome theme (the same bold and reversed text as `--theme monochrome`; crossterm alone
/// would only drop the colours), and the states still read as words.
#[test]
fn theme_and_no_color_in_a_real_terminal() {
    if !have_tmux() {
        return skip("tmux not installed (scripts/test-all.sh installs it)");
    }
    let (_d, cfg) = common::one_hop_config();
    let runs: [(&str, &[&str], &str); 4] = [
        ("hc", &[], "--theme high-contrast"),
        ("dark", &[], ""),
        ("nocolor", &["NO_COLOR=1"], "--theme high-contrast"),
        ("mono", &["NO_COLOR=1"], "--theme monochrome"),
    ];
    let mut attrs = Vec::new();
    for (name, env, args) in runs {
        let t = console(&format!("theme-{name}"), 120, 40, &cfg, env, args);
        // the first round's finding and its event are in: the screen is settled
        t.wait("the console", 10, |s| {
            s.contains("FAIL    loop") && s.contains("finding hop_failing")
        });
        let s = t.screen_escapes();
        let (white, cyan) = (s.contains("38;5;15m"), s.contains("38;5;6m"));
        match name {
            "hc" => assert!(white && !cyan, "high-contrast: white {white}, cyan {cyan}"),
            "dark" => assert!(cyan && !white, "dark: white {white}, cyan {cyan}"),
            _ => {
                assert_eq!(sets_colour(&s), None, "NO_COLOR set a colour");
                assert!(t.screen().contains("✖ FAIL"), "the state is a word too");
                attrs.push(sgr_counts(&s));
            }
        }
        t.keys(&["q"]);
        t.wait_exit("the console to exit", 10);
    }
    assert_eq!(
        attrs[0], attrs[1],
        "NO_COLOR with --theme high-contrast is not drawn as --theme monochrome"
    );
}

/// The narrow layout in a real 70×24 terminal: one pane under a tab bar that names every
/// pane; Tab shows the next pane (Findings) in place of the chain.
#[test]
fn narrow_layout_shows_one_pane_under_tabs() {
    if !have_tmux() {
        return skip("tmux not installed (scripts/test-all.sh installs it)");
    }
    let (_d, cfg) = common::one_hop_config();
    let t = console("narrow", 70, 24, &cfg, &["NO_COLOR=1"], "");
    let s = t.wait("the console", 10, |s| {
        s.contains("FAIL") && s.contains("loop")
    });
    let tabs = [
        "Chain",
        "Findings",
        "Error log",
        "Services",
        "Ports",
        "Events",
    ];
    assert!(
        s.lines().any(|l| tabs.iter().all(|t| l.contains(t))),
        "no line names every pane (the tab bar):\n{s}"
    );
    assert!(
        !s.contains("Listening") && !s.contains("last 5 min"),
        "panes other than the chain are drawn too:\n{s}"
    );
    t.keys(&["Tab"]);
    t.wait("another pane in place of the chain", 5, |s| {
        hop_row(s, "loop").is_none()
    });
    t.keys(&["BTab"]);
    t.wait("the chain again", 5, |s| hop_row(s, "loop").is_some());
    t.keys(&["q"]);
    t.wait_exit("the console to exit", 10);
}

/// Host facts are refreshed as soon as a hop changes state, not at the next periodic refresh
/// (once a minute): on the lab, `lab break docservice-down` shows the program stopped in the
/// Services pane within seconds. PERFORMANCE.md lists the fix (the refresh was never
/// triggered); this is its regression test.
#[test]
fn host_facts_are_refreshed_on_a_hop_change() {
    if !have_tmux() {
        return skip("tmux not installed (scripts/test-all.sh installs it)");
    }
    let Some(lab) = Lab::up("t502hfr") else {
        return;
    };
    let t = console("hostfacts", 150, 45, &lab.toml(), &["NO_COLOR=1"], "");
    let running = |s: &str| {
        s.lines()
            .any(|l| l.contains("docservice") && l.contains("RUNNING"))
    };
    t.wait("docservice RUNNING in the Services pane", 30, running);
    assert!(lab.lab(&["break", "docservice-down"]).status.success());
    // Well under the 60 s periodic refresh: the hop change (within 2 probe rounds) starts one.
    t.wait("docservice STOPPED in the Services pane", 15, |s| {
        !running(s)
            && s.lines()
                .any(|l| l.contains("docservice") && l.contains("STOPPED"))
    });
    t.keys(&["q"]);
    t.wait_exit("the console to exit", 10);
}
