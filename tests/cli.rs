//! The command line as a user meets it: config commands, bad input, completions, man page,
//! and the console refusing to start without a terminal.

mod common;

use common::one_hop_config;
use std::process::{Command, Output};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_triage502"));
    c.env_remove("TRIAGE502_CONFIG")
        .env("XDG_CONFIG_HOME", "/nonexistent-xdg");
    c
}

fn run(args: &[&str], dir: &std::path::Path) -> Output {
    bin()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run triage502")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn config_init_then_check_then_show_masks_secret() {
    let d = tempfile::tempdir().expect("tempdir");
    // A FILE always (as root, `config init` alone writes /etc/triage502/config.toml).
    let o = run(&["config", "init", "triage502.toml"], d.path());
    assert!(o.status.success(), "{}", text(&o));
    let mode = std::fs::metadata(d.path().join("triage502.toml"))
        .expect("written")
        .permissions();
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&mode) & 0o777,
        0o600
    );
    let again = run(&["config", "init", "triage502.toml"], d.path());
    assert!(!again.status.success(), "init must not overwrite");
    assert!(text(&again).contains("exists already"));
    let o = run(&["--config", "triage502.toml", "config", "check"], d.path());
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("triage502.toml: valid"), "{}", text(&o));

    let cfg = d.path().join("s.toml");
    std::fs::write(&cfg, "[onlyoffice]\njwt_secret = \"TopSecretValue42\"\n").expect("write");
    let o = run(
        &["--config", cfg.to_str().expect("utf8"), "config", "show"],
        d.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(!text(&o).contains("TopSecretValue42"), "{}", text(&o));
    assert!(
        text(&o).contains("jwt_secret = \"<secret hmac:"),
        "{}",
        text(&o)
    );
}

#[test]
fn garbage_config_gives_file_line_hint_and_no_panic() {
    let d = tempfile::tempdir().expect("tempdir");
    let cfg = d.path().join("bad.toml");
    std::fs::write(&cfg, "profile = \"x\"\n\n[probe]\ninterval_msec = 3\n").expect("write");
    let p = cfg.to_str().expect("utf8");
    let o = run(&["--config", p, "config", "check"], d.path());
    assert_eq!(o.status.code(), Some(1));
    let t = text(&o);
    assert!(t.contains(&format!("{p}:4:")), "{t}");
    assert!(t.contains("did you mean `interval_ms`?"), "{t}");

    // check exits UNKNOWN (3) on a bad config: monitoring must not read it as CRITICAL.
    let o = run(&["--config", p, "check"], d.path());
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));

    std::fs::write(&cfg, b"\xff\xfe\x00garbage[[[").expect("write");
    let o = run(&["--config", p, "check"], d.path());
    assert_eq!(o.status.code(), Some(3));
    assert!(text(&o).contains("not UTF-8"), "{}", text(&o));
    assert!(!text(&o).contains("panicked"));

    let o = run(&["--config", "/nonexistent/x.toml", "check"], d.path());
    assert_eq!(o.status.code(), Some(3));
    assert!(text(&o).contains("no such file"), "{}", text(&o));

    let o = run(&["--profile", "bogus", "check"], d.path());
    assert_eq!(o.status.code(), Some(3));
    assert!(text(&o).contains("unknown profile"), "{}", text(&o));
}

#[test]
fn unreadable_local_json_is_a_note_not_a_crash() {
    let d = tempfile::tempdir().expect("tempdir");
    let local = d.path().join("local.json");
    std::fs::write(&local, "{}").expect("write");
    let cfg = d.path().join("c.toml");
    std::fs::write(
        &cfg,
        format!(
            "[[hop]]\nname=\"command\"\nkind=\"docserver-command\"\nurl=\"http://127.0.0.1:1/command\"\n[onlyoffice]\nlocal_json=\"{}\"\ndefault_json=\"/nonexistent\"\n",
            d.path().join("missing.json").display()
        ),
    )
    .expect("write");
    let o = run(
        &[
            "--config",
            cfg.to_str().expect("utf8"),
            "check",
            "--format",
            "json",
        ],
        d.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let notes = v["hops"][0]["detail"]["notes"].to_string();
    assert!(
        notes.contains("cannot read") && notes.contains("missing.json"),
        "{notes}"
    );
}

#[test]
fn console_without_a_terminal_says_so() {
    let d = tempfile::tempdir().expect("tempdir");
    let o = run(&[], d.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("needs a terminal"), "{}", text(&o));
}

#[test]
fn completions_and_man() {
    let d = tempfile::tempdir().expect("tempdir");
    let o = run(&["completions", "bash"], d.path());
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("triage502"));
    let o = run(&["man"], d.path());
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains(".TH"));
}

#[test]
fn check_formats_and_exit_codes_on_a_closed_port() {
    let d = tempfile::tempdir().expect("tempdir");
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let open = l.local_addr().expect("addr").port();
    let closed = {
        let x = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        x.local_addr().expect("addr").port()
    };
    let cfg = d.path().join("c.toml");
    std::fs::write(
        &cfg,
        format!("[[hop]]\nname=\"up\"\nkind=\"tcp\"\ntarget=\"127.0.0.1:{open}\"\n"),
    )
    .expect("write");
    let p = cfg.to_str().expect("utf8");
    let o = run(&["--config", p, "check"], d.path());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("✔ OK"), "{}", text(&o));

    std::fs::write(
        &cfg,
        format!("[[hop]]\nname=\"up\"\nkind=\"tcp\"\ntarget=\"127.0.0.1:{open}\"\n[[hop]]\nname=\"down\"\nkind=\"tcp\"\ntarget=\"127.0.0.1:{closed}\"\n"),
    )
    .expect("write");
    let o = run(&["--config", p, "check", "--format", "nagios"], d.path());
    assert_eq!(o.status.code(), Some(2));
    let t = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(
        t.starts_with("TRIAGE502 CRITICAL - down FAIL: connection refused"),
        "{t}"
    );
    assert!(t.contains("| 'up'="), "{t}");
    let o = run(&["--config", p, "check", "--format", "json"], d.path());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["exit_code"], 2);
    assert_eq!(v["state"], "FAIL");
    assert_eq!(v["hops"][1]["name"], "down");
    assert_eq!(v["hops"][1]["detail"]["error"], "refused");
    assert!(v["findings"].is_array());
    drop(l);
}

#[test]
fn logs_scan_masks_tokens_and_reads_bad_input() {
    let d = tempfile::tempdir().expect("tempdir");
    let log = d.path().join("error.log");
    let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJjIjoidmVyc2lvbiJ9.c2lnbmF0dXJlLXZhbHVl";
    std::fs::write(
        &log,
        format!(
            "2026/11/28 12:54:52 [error] 1#1: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: x, request: \"GET /download?token={jwt} HTTP/1.1\", upstream: \"http://127.0.0.1:8000/download?token={jwt}\", host: \"x\"\n"
        )
        .into_bytes()
        .into_iter()
        .chain(b"\xff\xfe garbage line\n".iter().copied())
        .collect::<Vec<u8>>(),
    )
    .expect("write");
    let o = run(
        &[
            "logs",
            "scan",
            "--format",
            "ndjson",
            log.to_str().expect("utf8"),
        ],
        d.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("upstream_refused"), "{out}");
    assert!(
        !out.contains(jwt) && !out.contains("eyJjIjoi"),
        "token printed: {out}"
    );
    assert!(out.contains("<jwt redacted>"), "{out}");
    // A missing file is a clear message and exit 2, not a panic.
    let o = run(&["logs", "scan", "/nonexistent/error.log"], d.path());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(!text(&o).contains("panicked"));
}

#[test]
fn local_json_without_permission_says_so() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0
        || std::process::Command::new("setpriv")
            .arg("--version")
            .output()
            .is_err()
    {
        return common::skip("needs root and setpriv (to run the check as nobody)");
    }
    let d = tempfile::Builder::new()
        .prefix("t502perm")
        .tempdir_in("/tmp")
        .expect("tempdir");
    std::fs::set_permissions(
        d.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .expect("chmod dir");
    let local = d.path().join("local.json");
    std::fs::write(
        &local,
        r#"{"services":{"CoAuthoring":{"secret":{"inbox":{"string":"x"}}}}}"#,
    )
    .expect("write");
    std::fs::set_permissions(&local, std::os::unix::fs::PermissionsExt::from_mode(0o600))
        .expect("chmod");
    let cfg = d.path().join("c.toml");
    std::fs::write(
        &cfg,
        format!(
            "[[hop]]\nname=\"command\"\nkind=\"docserver-command\"\nurl=\"http://127.0.0.1:1/command\"\n[onlyoffice]\nlocal_json=\"{}\"\ndefault_json=\"/nonexistent\"\n",
            local.display()
        ),
    )
    .expect("write");
    std::fs::set_permissions(&cfg, std::os::unix::fs::PermissionsExt::from_mode(0o644))
        .expect("chmod");
    let o = std::process::Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            env!("CARGO_BIN_EXE_triage502"),
            "--config",
        ])
        .arg(&cfg)
        .args(["check", "--format", "json"])
        .env("HOME", "/tmp")
        .current_dir("/tmp")
        .output()
        .expect("run as nobody");
    let v: serde_json::Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("json ({e}): {}", text(&o)));
    let notes = v["hops"][0]["detail"]["notes"].to_string();
    assert!(
        notes.contains("permission denied") && notes.contains("run as root"),
        "{notes}"
    );
    assert!(!text(&o).contains("panicked"));
}

/// `triage502 host | head -1`, `config show | less` quit early, an SSH session gone: output
/// into a pipe nobody reads any more is lost, never a panic (Rust's println! panics on EPIPE;
/// `host`, `config show` and `completions` did).
#[test]
fn output_into_a_closed_pipe_is_no_panic() {
    let (d, cfg) = one_hop_config();
    let c = cfg.to_str().expect("utf8");
    let log = d.path().join("error.log");
    std::fs::write(
        &log,
        "2026/11/28 12:00:00 [error] 1#1: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: _, request: \"GET / HTTP/1.1\", upstream: \"http://127.0.0.1:8000/\", host: \"x\"\n".repeat(50),
    )
    .expect("write");
    let l = log.to_str().expect("utf8");
    for args in [
        &["logs", "scan", l][..],
        &["logs", "scan", l, "--format", "ndjson"],
        &["--config", c, "host"],
        &["--config", c, "host", "--format", "json"],
        &["--config", c, "config", "show"],
        &["--config", c, "config", "check"],
        &["--config", c, "check"],
        &["--config", c, "check", "--format", "json"],
        &["--config", c, "check", "--format", "nagios"],
        &["--config", c, "report"],
        &["--config", c, "action", "list"],
        &["completions", "bash"],
        &["man"],
    ] {
        let (reader, writer) = std::io::pipe().expect("pipe");
        drop(reader);
        let o = bin()
            .args(args)
            .current_dir(d.path())
            .stdout(writer)
            .stderr(std::process::Stdio::piped())
            .output()
            .expect("run triage502");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_ne!(o.status.code(), Some(101), "{args:?}: {err}");
    }
}
