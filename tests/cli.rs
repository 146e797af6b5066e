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
    // The top finding first (a hop no rule explains: hop_failing), then the failing hops.
    assert!(
        t.starts_with("TRIAGE502 CRITICAL - hop_failing: down fails"),
        "{t}"
    );
    assert!(t.contains(" — down FAIL: connection refused"), "{t}");
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

/// `check --format nagios|json` answers in its format whatever stops it early: one status
/// line or one JSON object of the usual shape on stdout, exit 3.
#[test]
fn check_early_errors_answer_in_the_format_asked() {
    let d = tempfile::tempdir().expect("tempdir");
    let bad = d.path().join("bad.toml");
    std::fs::write(&bad, "profile = \"x\"\n\n[probe]\ninterval_msec = 3\n").expect("write");
    let refused = d.path().join("refused.toml");
    std::fs::write(&refused, "").expect("write");
    std::fs::set_permissions(
        &refused,
        std::os::unix::fs::PermissionsExt::from_mode(0o666),
    )
    .expect("chmod");
    let bad_s = bad.to_str().expect("utf8");
    let refused_s = refused.to_str().expect("utf8");
    let cases: Vec<(Vec<&str>, String)> = vec![
        (
            vec!["--config", bad_s],
            format!("invalid configuration: {bad_s}:4: "),
        ),
        (
            vec!["--config", refused_s],
            format!("invalid configuration: {refused_s}: "),
        ),
        (vec!["--profile", "bogus"], "unknown profile 'bogus'".into()),
        (
            vec!["--config", "/nonexistent/x.toml"],
            "no such file".into(),
        ),
    ];
    for (pre, want) in &cases {
        let mut args = pre.clone();
        args.extend(["check", "--format", "nagios"]);
        let o = run(&args, d.path());
        assert_eq!(o.status.code(), Some(3), "{args:?}: {}", text(&o));
        let out = String::from_utf8_lossy(&o.stdout).to_string();
        assert_eq!(out.lines().count(), 1, "{args:?}: one line: {out}");
        assert!(out.starts_with("TRIAGE502 UNKNOWN - "), "{args:?}: {out}");
        assert!(out.contains(want.as_str()), "{args:?}: {want} in {out}");

        let mut args = pre.clone();
        args.extend(["check", "--format", "json"]);
        let o = run(&args, d.path());
        assert_eq!(o.status.code(), Some(3), "{args:?}: {}", text(&o));
        let v: serde_json::Value =
            serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}: {o:?}"));
        assert_eq!(v["schema"], 1, "{v}");
        assert_eq!(v["state"], "UNKNOWN", "{v}");
        assert_eq!(v["exit_code"], 3, "{v}");
        assert!(
            v["error"]
                .as_str()
                .is_some_and(|e| e.contains(want.as_str())),
            "{v}"
        );
        assert_eq!(v["hops"], serde_json::json!([]), "{v}");
        assert_eq!(v["findings"], serde_json::json!([]), "{v}");
    }
    // A command line clap refuses is still answered in the format asked.
    let o = run(&["check", "--format", "nagios", "--bogus"], d.path());
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(out.starts_with("TRIAGE502 UNKNOWN - usage: "), "{out}");
    assert!(out.contains("--bogus"), "{out}");
    // Options with a value before `check` are skipped to find it.
    let o = run(
        &[
            "--app-expect-status",
            "204",
            "check",
            "--format",
            "nagios",
            "--bogus",
        ],
        d.path(),
    );
    assert!(
        String::from_utf8_lossy(&o.stdout).starts_with("TRIAGE502 UNKNOWN - usage: "),
        "{}",
        text(&o)
    );
    let o = run(&["check", "--format=json", "--bogus"], d.path());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["exit_code"], 3, "{v}");
    // The text format keeps stdout for the table: the reason is on stderr.
    let o = run(&["--config", bad_s, "check"], d.path());
    assert_eq!(o.status.code(), Some(3));
    assert!(o.stdout.is_empty(), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains(":4:"));
}

/// A real nginx in a temp folder (killed on drop) proxying `/` to `app_port`; `None` when nginx
/// is not installed.
struct TestNginx {
    child: std::process::Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl TestNginx {
    fn start(app_port: u16) -> Option<TestNginx> {
        let bin = std::path::Path::new("/usr/sbin/nginx");
        if !bin.exists() {
            eprintln!("skipped: /usr/sbin/nginx not installed");
            return None;
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        std::fs::create_dir_all(d.join("tmp")).expect("mkdir");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("port")
            .port();
        // SAFETY: geteuid has no preconditions.
        let user = if unsafe { libc::geteuid() } == 0 {
            "user root;\n"
        } else {
            ""
        };
        let p = d.display();
        let conf = format!(
            "{user}worker_processes 1;\npid {p}/nginx.pid;\nerror_log {p}/error.log;\n\
             events {{ worker_connections 16; }}\n\
             http {{\n  access_log off;\n  client_body_temp_path {p}/tmp/body;\n  proxy_temp_path {p}/tmp/proxy;\n\
               fastcgi_temp_path {p}/tmp/fcgi;\n  uwsgi_temp_path {p}/tmp/uwsgi;\n  scgi_temp_path {p}/tmp/scgi;\n\
               server {{\n    listen 127.0.0.1:{port};\n\
                 location / {{ proxy_pass http://127.0.0.1:{app_port}; }}\n  }}\n}}\n"
        );
        std::fs::write(d.join("nginx.conf"), conf).expect("write");
        let child = Command::new(bin)
            .arg("-p")
            .arg(d)
            .arg("-c")
            .arg(d.join("nginx.conf"))
            .arg("-e")
            .arg(d.join("error.log"))
            .args(["-g", "daemon off;"])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn nginx");
        let ngx = TestNginx {
            child,
            port,
            _dir: dir,
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        // Until a worker answers through the proxy.
        loop {
            assert!(std::time::Instant::now() < deadline, "nginx did not start");
            if http_status(port, "/ready").is_some() {
                return Some(ngx);
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

impl Drop for TestNginx {
    fn drop(&mut self) {
        // SIGTERM lets the master stop its workers.
        // SAFETY: kill(2) on our own child.
        unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM) };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(3);
        while std::time::Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl TestNginx {
    /// The `[nginx]` section that reaches this nginx.
    fn section(&self) -> String {
        let d = self._dir.path().display();
        format!(
            "[nginx]\nbinary = \"/usr/sbin/nginx\"\nconfig = \"{d}/nginx.conf\"\nprefix = \"{d}\"\n"
        )
    }
}

/// The status of `GET path` on 127.0.0.1:port.
fn http_status(port: u16, path: &str) -> Option<u16> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(std::time::Duration::from_secs(2)))
        .ok()?;
    s.write_all(format!("GET {path} HTTP/1.0\r\nHost: x\r\n\r\n").as_bytes())
        .ok()?;
    let mut buf = String::new();
    s.read_to_string(&mut buf).ok()?;
    buf.split_whitespace().nth(1)?.parse().ok()
}

/// An application on loopback: `/ready` answers 204, anything else 404.
fn test_app() -> u16 {
    use std::io::{Read, Write};
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = l.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for mut s in l.incoming().flatten() {
            let mut buf = [0u8; 2048];
            let n = s.read(&mut buf).unwrap_or(0);
            let req = String::from_utf8_lossy(&buf[..n]);
            let status = if req.starts_with("GET /ready ") {
                "204 No Content"
            } else {
                "404 Not Found"
            };
            let _ = s.write_all(
                format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .as_bytes(),
            );
        }
    });
    port
}

/// `--proxy-url`/`--app-url` build the generic profile by themselves, run no ONLYOFFICE check,
/// and take what a healthy application answers from `--app-expect-status` and the URL's path;
/// with `--config` or `--profile onlyoffice` they are a usage error.
#[test]
fn urls_imply_the_generic_profile_against_a_real_nginx() {
    let app = test_app();
    let Some(ngx) = TestNginx::start(app) else {
        return;
    };
    let d = tempfile::tempdir().expect("tempdir");
    let proxy = format!("http://127.0.0.1:{}/ready", ngx.port);
    let app_url = format!("http://127.0.0.1:{app}/ready");
    let check = |extra: &[&str], proxy: &str, app_url: &str| {
        let mut args = vec!["--proxy-url", proxy, "--app-url", app_url];
        args.extend(extra);
        args.extend(["check", "--format", "json"]);
        let o = run(&args, d.path());
        let v: serde_json::Value = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", text(&o)));
        (o.status.code(), v)
    };
    // /ready answers 204: healthy once the status is said.
    let (code, v) = check(&["--app-expect-status", "204"], &proxy, &app_url);
    assert_eq!(v["profile"], "generic", "{v}");
    assert_eq!(code, Some(0), "{v:#}");
    let hops: Vec<&str> = v["hops"]
        .as_array()
        .expect("hops")
        .iter()
        .map(|h| h["kind"].as_str().unwrap_or(""))
        .collect();
    assert!(hops.iter().all(|k| ["tcp", "http"].contains(k)), "{hops:?}");
    let unchecked = v["unchecked"].to_string();
    assert!(!unchecked.contains("integration"), "{unchecked}");
    assert!(
        !v["findings"].to_string().contains("jwt"),
        "{}",
        v["findings"]
    );
    // Without the status: 204 is not the default 200.
    let (code, v) = check(&[], &proxy, &app_url);
    assert_eq!(code, Some(2), "{v:#}");
    assert!(
        v["hops"].to_string().contains("HTTP 204 (expected 200)"),
        "{v:#}"
    );
    // The path says what is asked: /missing is 404 through nginx and directly.
    let (code, v) = check(
        &["--app-expect-status", "204"],
        &proxy.replace("/ready", "/missing"),
        &app_url.replace("/ready", "/missing"),
    );
    assert_eq!(code, Some(2), "{v:#}");
    assert!(v["hops"].to_string().contains("HTTP 404"), "{v:#}");
    // `--profile generic` said outright is the same.
    let (code, _) = check(
        &["--app-expect-status", "204", "--profile", "generic"],
        &proxy,
        &app_url,
    );
    assert_eq!(code, Some(0));

    // Usage errors: exit 3 with the reason, in the format asked.
    let (_d2, cfg) = one_hop_config();
    let cfg = cfg.to_str().expect("utf8");
    let o = run(
        &[
            "--proxy-url",
            &proxy,
            "--config",
            cfg,
            "check",
            "--format",
            "nagios",
        ],
        d.path(),
    );
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(
        out.starts_with("TRIAGE502 UNKNOWN - usage: --proxy-url cannot be combined with --config"),
        "{out}"
    );
    let o = run(
        &["--app-url", &app_url, "--profile", "onlyoffice", "check"],
        d.path(),
    );
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(
        text(&o).contains(
            "--app-url implies --profile generic and cannot be combined with --profile onlyoffice"
        ),
        "{}",
        text(&o)
    );
    let o = run(&["--app-expect-status", "204", "check"], d.path());
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("--app-expect-status applies to the generic profile"));
    let o = run(
        &["--profile", "generic", "--config", cfg, "config", "check"],
        d.path(),
    );
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("--profile generic cannot be combined with --config"));
}

/// `host` and the walkthrough speak words, not the Debug names of enums (`from NginxDashT`,
/// `OtherAddress: …`, `(Supervisor)`, `High confidence`).
#[test]
fn host_and_walkthrough_use_words_not_debug_names() {
    let app = test_app();
    let Some(ngx) = TestNginx::start(app) else {
        return;
    };
    let d = tempfile::tempdir().expect("tempdir");
    let cfg = d.path().join("c.toml");
    std::fs::write(
        &cfg,
        format!(
            "{}[[hop]]\nname = \"proxy\"\nkind = \"tcp\"\ntarget = \"127.0.0.1:{}\"\n",
            ngx.section(),
            ngx.port
        ),
    )
    .expect("write");
    let p = cfg.to_str().expect("utf8");
    let o = run(&["--config", p, "host"], d.path());
    let t = text(&o);
    assert!(t.contains("upstreams, from nginx -T "), "{t}");
    let o = run(&["--config", p, "check"], d.path());
    let c = text(&o);
    assert!(
        c.contains(&format!("proxy_pass → 127.0.0.1:{app} — listening")),
        "{c}"
    );
    for debug in [
        "NginxDashT",
        "Files ",
        "OtherAddress",
        "NoListener",
        "(Supervisor",
        "(Systemd",
        "(None)",
        "Nftables",
        "Iptables",
        "Enforcing",
        "Absent",
        "High",
        "Medium",
        "Low ",
        "TLSv1",
    ] {
        assert!(!t.contains(debug), "{debug} in host output:\n{t}");
        assert!(!c.contains(debug), "{debug} in check output:\n{c}");
    }
}

/// Each command's help lists the options that apply to it, and none that do not; no help
/// cites a document the user does not have.
#[test]
fn help_shows_only_the_options_that_apply() {
    let d = tempfile::tempdir().expect("tempdir");
    let help = |args: &[&str]| {
        let mut a = args.to_vec();
        a.push("--help");
        let o = run(&a, d.path());
        assert!(o.status.success(), "{a:?}: {}", text(&o));
        String::from_utf8_lossy(&o.stdout).to_string()
    };
    let console_only = ["--theme"];
    let select = ["--config", "--profile", "--proxy-url", "--app-url"];
    for cmd in [
        &["lab"][..],
        &["lab", "up"],
        &["logs", "scan"],
        &["logs", "follow"],
        &["completions"],
        &["man"],
    ] {
        let h = help(cmd);
        for opt in console_only.iter().chain(&select).chain(&["--read-only"]) {
            assert!(!h.contains(opt), "{cmd:?} --help lists {opt}:\n{h}");
        }
        assert!(!h.contains("DESIGN.md"), "{cmd:?}: {h}");
    }
    for cmd in [
        &["check"][..],
        &["report"],
        &["host"],
        &["config", "show"],
        &["action", "run"],
    ] {
        let h = help(cmd);
        for opt in &select {
            assert!(h.contains(opt), "{cmd:?} --help lacks {opt}:\n{h}");
        }
        assert!(!h.contains("--theme"), "{cmd:?}: {h}");
        assert_eq!(
            h.contains("--read-only"),
            cmd[0] == "action",
            "{cmd:?}: {h}"
        );
    }
    let h = help(&[]);
    for opt in console_only.iter().chain(&select).chain(&["--read-only"]) {
        assert!(h.contains(opt), "the console's help lacks {opt}:\n{h}");
    }
    assert!(help(&["lab", "up"]).contains("--dir"));

    // The options work after the subcommand, as before it.
    let (_d2, cfg) = one_hop_config();
    let cfg = cfg.to_str().expect("utf8");
    let o = run(&["check", "--format", "nagios", "--config", cfg], d.path());
    assert!(
        String::from_utf8_lossy(&o.stdout).contains(" — loop FAIL"),
        "{}",
        text(&o)
    );
    let o = run(&["config", "check", "--config", cfg], d.path());
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains(": valid (1 hops"), "{}", text(&o));
    let o = run(
        &["action", "list", "--config", cfg, "--read-only"],
        d.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    // An option where it does not apply is a usage error, not silently ignored.
    let o = run(
        &["--theme", "light", "check", "--format", "nagios"],
        d.path(),
    );
    assert_eq!(o.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&o.stdout)
            .starts_with("TRIAGE502 UNKNOWN - usage: --theme does not apply to `check`"),
        "{}",
        text(&o)
    );
    let o = run(&["--config", cfg, "lab", "status"], d.path());
    assert_eq!(o.status.code(), Some(3));
    assert!(
        text(&o).contains("--config does not apply to `lab`"),
        "{}",
        text(&o)
    );
}

/// The man page names the tool once and refers to no page that is never generated: every
/// command is in this one page.
#[test]
fn man_page_names_the_tool_once_and_holds_every_command() {
    let d = tempfile::tempdir().expect("tempdir");
    let o = run(&["man"], d.path());
    assert!(o.status.success());
    let page = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(
        page.contains(".SH NAME\ntriage502 \\- a terminal console for 502/504"),
        "{page}"
    );
    assert!(!page.contains("triage502 - triage502"), "{page}");
    assert!(!page.contains("(1)"), "a reference to another page: {page}");
    for cmd in [
        "check",
        "report",
        "logs scan",
        "action run",
        "host",
        "lab up",
    ] {
        assert!(
            page.contains(&format!(".SS \"triage502 {cmd}\"")),
            "{cmd} missing: {page}"
        );
    }
    assert!(page.contains("\\fB\\-\\-since\\fR \\fITIME\\fR"), "{page}");
}

/// `logs scan --since 07:25`: a time of day is today's (yesterday's when still ahead).
#[test]
fn logs_scan_since_a_time_of_day() {
    let d = tempfile::tempdir().expect("tempdir");
    let log = d.path().join("error.log");
    let now = chrono::Local::now();
    let line = |t: chrono::DateTime<chrono::Local>| {
        format!(
            "{} [error] 1#1: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: _, request: \"GET / HTTP/1.1\", upstream: \"http://127.0.0.1:8000/\", host: \"x\"\n",
            t.format("%Y/%m/%d %H:%M:%S")
        )
    };
    let old = now - chrono::Duration::hours(30);
    let recent = now - chrono::Duration::seconds(5);
    std::fs::write(&log, format!("{}{}", line(old), line(recent))).expect("write");
    let since = (now - chrono::Duration::minutes(1))
        .format("%H:%M")
        .to_string();
    let o = run(
        &[
            "logs",
            "scan",
            "--since",
            &since,
            log.to_str().expect("utf8"),
        ],
        d.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    // A minute ago is today (or, just after midnight, yesterday): the 30-hour-old entry is
    // before it either way, the recent one after.
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.contains(":2 "), "{out}");
    let o = run(
        &[
            "logs",
            "scan",
            "--since",
            "25:99",
            log.to_str().expect("utf8"),
        ],
        d.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("'07:25' (today)"), "{}", text(&o));
}

/// `config show` prints what is set, no stray `action = []` or empty tables, and what it prints
/// is a valid config again.
#[test]
fn config_show_prints_no_empty_lists_and_reads_back() {
    let d = tempfile::tempdir().expect("tempdir");
    for args in [
        &["--profile", "onlyoffice", "config", "show"][..],
        &[
            "--proxy-url",
            "http://127.0.0.1:9/",
            "--app-url",
            "http://127.0.0.1:9/",
            "config",
            "show",
        ],
    ] {
        let o = run(args, d.path());
        assert!(o.status.success(), "{args:?}: {}", text(&o));
        let shown = String::from_utf8_lossy(&o.stdout).to_string();
        assert!(!shown.contains("= []"), "{args:?}: {shown}");
        assert!(!shown.contains("[keys]"), "{args:?}: {shown}");
        assert!(shown.contains("[[hop]]"), "{args:?}: {shown}");
        let back = d.path().join("back.toml");
        std::fs::write(&back, &shown).expect("write");
        let o = run(
            &["--config", back.to_str().expect("utf8"), "config", "check"],
            d.path(),
        );
        assert!(o.status.success(), "{args:?}: {}\n{shown}", text(&o));
    }
}

/// `logs follow` prints every entry as FILE:LINE, the backlog read from the file's end too.
#[test]
fn logs_follow_prints_file_and_line_for_every_entry() {
    use std::io::{BufRead, Write};
    let d = tempfile::tempdir().expect("tempdir");
    let log = d.path().join("f.log");
    let entry = |n: u32| {
        format!(
            "2026/11/28 12:00:00 [error] 1#1: *{n} connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: _, request: \"GET / HTTP/1.1\", upstream: \"http://127.0.0.1:8000/\", host: \"x\"\n"
        )
    };
    let info = "2026/11/28 12:00:00 [notice] 1#1: signal process started\n";
    std::fs::write(&log, format!("{info}{}{info}{}", entry(1), entry(2))).expect("write");
    let mut child = bin()
        .args(["logs", "follow", "f.log", "--lines", "5"])
        .current_dir(d.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let out = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for l in std::io::BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(l).is_err() {
                break;
            }
        }
    });
    let next = || {
        rx.recv_timeout(std::time::Duration::from_secs(10))
            .expect("an entry within 10 s")
    };
    let (a, b) = (next(), next());
    std::fs::OpenOptions::new()
        .append(true)
        .open(&log)
        .and_then(|mut f| f.write_all(format!("{info}{}", entry(3)).as_bytes()))
        .expect("append");
    let c = next();
    // SAFETY: kill(2) on our own child.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    let _ = child.wait();
    assert!(a.starts_with("f.log:2 "), "{a}");
    assert!(b.starts_with("f.log:4 "), "{b}");
    assert!(c.starts_with("f.log:6 "), "{c}");
}

/// The language: an unknown `--lang` is a usage error in the format asked for, an unknown
/// `lang =` a config problem with the choices, and a Chinese environment leaves the Nagios
/// line English (machine outputs never follow the language).
#[test]
fn language_choice_errors_and_machine_outputs_stay_english() {
    let (d, cfg) = one_hop_config();
    let cfg = cfg.to_str().expect("utf-8 path");
    let o = run(
        &[
            "--config", cfg, "--lang", "fr", "check", "--format", "nagios",
        ],
        d.path(),
    );
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout)
            .starts_with("TRIAGE502 UNKNOWN - usage: --lang fr: unknown language (en, zh-CN)"),
        "{}",
        text(&o)
    );
    let bad = d.path().join("lang.toml");
    let body = std::fs::read_to_string(cfg).expect("read");
    std::fs::write(&bad, format!("lang = \"fr\"\n{body}")).expect("write");
    let o = run(
        &["config", "check", "--config", bad.to_str().expect("utf-8")],
        d.path(),
    );
    assert!(!o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("unknown language 'fr'"), "{}", text(&o));
    assert!(text(&o).contains("en, zh-CN"), "{}", text(&o));
    let o = bin()
        .current_dir(d.path())
        .env("LANG", "zh_CN.UTF-8")
        .env("LC_CTYPE", "C.UTF-8")
        .args(["--config", cfg, "check", "--format", "nagios"])
        .output()
        .expect("run");
    assert!(
        String::from_utf8_lossy(&o.stdout).starts_with("TRIAGE502 CRITICAL"),
        "{}",
        text(&o)
    );
}
