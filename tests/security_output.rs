//! What others write (log lines, process names, server answers) must not drive the admin's
//! terminal, and no secret the program knows may appear in any output. Runs the binary.
//!
//! - escapes: a log with OSC 52, ESC [ 2 J, `\r`, U+202E, U+009B and a field holding a newline
//!   and a forged line; `logs scan` (text, ndjson), `logs follow`, `check --format text`,
//!   `report --format md`, `host` (a listener with a hostile name and argv).
//! - secrets: seven, each from another source — `[onlyoffice]` and `[integration]` secrets,
//!   local.json (inbox, outbox), default.json, Nextcloud's config.php, the container's
//!   `JWT_SECRET` (a `docker` stand-in first in PATH) — and a JWT in a Document Server log; a
//!   custom action whose argv holds them all, a service action whose tool echoes them all.
//!   Through the CLI: `config show`, `action list` (text, json), the preview, `action run` (its
//!   output), the audit lines, `report` (md, json), `check` (text, json, nagios), `host` (text,
//!   json), `logs scan` (text, ndjson). In the console (tmux): the first screen, a hop's and a
//!   finding's details, the error log and an entry's details, a service action's preview and
//!   output, the report written with `W`, its audit line. (Custom actions are not reachable
//!   from the console: no finding names one.)
//! - fingerprints: keyed, no length, the key file private, a symlinked key refused.

use std::io::Read as _;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

mod common;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_triage502")
}

/// The binary with a private state folder and fingerprint key (never /var/lib in tests).
fn cmd(home: &Path) -> Command {
    let mut c = Command::new(bin());
    c.env("HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env(
            "TRIAGE502_FINGERPRINT_KEY",
            home.join("key/fingerprint.key"),
        )
        .env_remove("TRIAGE502_CONFIG")
        .env_remove("TRIAGE502_LAB_DIR")
        .current_dir(home)
        .stdin(Stdio::null());
    c
}

fn run(home: &Path, args: &[&str]) -> Output {
    cmd(home).args(args).output().expect("run triage502")
}

fn all(o: &Output) -> Vec<u8> {
    let mut v = o.stdout.clone();
    v.extend_from_slice(&o.stderr);
    v
}

/// No byte a terminal would act on: ESC, BEL, CR, the C1 CSI (U+009B as UTF-8 is C2 9B, so
/// no 0x9B byte), and no U+202E.
fn assert_terminal_safe(what: &str, out: &[u8]) {
    let s = String::from_utf8_lossy(out);
    for (b, name) in [(0x1bu8, "ESC"), (0x07, "BEL"), (0x0d, "CR"), (0x9b, "0x9b")] {
        assert!(!out.contains(&b), "{what}: raw {name} in output:\n{s}");
    }
    assert!(
        !s.contains('\u{202e}'),
        "{what}: raw U+202E in output:\n{s}"
    );
    assert!(!s.contains('\u{9b}'), "{what}: raw U+009B in output:\n{s}");
}

/// The hostile part a client can put in a request line or a token.
const NASTY: &str = "X\x1b]52;c;ZXZpbA==\x07\x1b[2J\r\u{202e}evil\u{9b}31mY";
/// A line that looks like triage502's own output, smuggled in after a newline.
const FORGED: &str =
    "error.log:99 2026-11-28 12:00:03 [error] upstream_refused (502): FORGED-ENTRY";

fn now_nginx() -> String {
    chrono::Local::now().format("%Y/%m/%d %H:%M:%S").to_string()
}

fn now_ds() -> String {
    chrono::Local::now()
        .format("%Y-%m-%dT%H:%M:%S%.3f")
        .to_string()
}

/// An nginx error log and a Document Server out.log full of hostile bytes.
fn hostile_logs(dir: &Path) -> (PathBuf, PathBuf) {
    let t = now_nginx();
    let error = dir.join("error.log");
    std::fs::write(
        &error,
        format!(
            "{t} [error] 12#12: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: office, request: \"GET /{NASTY} HTTP/1.1\", upstream: \"http://127.0.0.1:8000/\u{202e}\", host: \"off\x1b]0;pwned\x07ice\"\n\
             {t} [error] 12#12: *2 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.2, server: office, request: \"GET /a\n{FORGED} HTTP/1.1\", upstream: \"http://127.0.0.1:8000/\", host: \"office\"\n"
        ),
    )
    .expect("write error.log");
    let ds = dir.join("out.log");
    let d = now_ds();
    std::fs::write(
        &ds,
        format!(
            "[{d}] [WARN] [localhost] [doc1] [uid-1] nodeJS - checkJwt error: name = JsonWebTokenError message = invalid signature token = {NASTY}\n\
             {FORGED}\n"
        ),
    )
    .expect("write out.log");
    (error, ds)
}

/// Each line holding the forged text shows it after a visible `\n`, never at a line start.
fn assert_not_forged(what: &str, out: &[u8]) {
    let s = String::from_utf8_lossy(out);
    for l in s.lines() {
        assert!(
            !l.trim_start().starts_with("error.log:99"),
            "{what}: a log field started a line of its own:\n{s}"
        );
    }
}

#[test]
fn logs_scan_and_follow_show_hostile_bytes_visibly() {
    let home = tempfile::tempdir().expect("tempdir");
    let (error, ds) = hostile_logs(home.path());
    let (e, d) = (error.to_str().expect("utf8"), ds.to_str().expect("utf8"));

    let o = run(home.path(), &["logs", "scan", e, d]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&all(&o)));
    let out = all(&o);
    assert_terminal_safe("logs scan", &out);
    assert_not_forged("logs scan", &out);
    let s = String::from_utf8_lossy(&out);
    assert!(
        s.contains("\\x1b]52;c;ZXZpbA==\\x07\\x1b[2J\\r\\u202eevil\\u009b31m"),
        "{s}"
    );
    assert!(s.contains("\\nerror.log:99"), "{s}");
    assert_eq!(s.lines().count(), 3, "one line per entry:\n{s}");

    let o = run(home.path(), &["logs", "scan", "--format", "ndjson", e, d]);
    let out = all(&o);
    assert_terminal_safe("logs scan ndjson", &out);
    let s = String::from_utf8_lossy(&out);
    for l in s.lines() {
        let v: serde_json::Value = serde_json::from_str(l).expect("ndjson line");
        // Lossless: the JSON still holds what was logged (the escapes are JSON's).
        if v["line"] == 1 && v["file"].as_str().is_some_and(|f| f.ends_with("error.log")) {
            assert_eq!(v["request"], format!("GET /{NASTY} HTTP/1.1"));
        }
    }

    // follow: the backlog is printed at once; read it, then stop the follower.
    let mut child = cmd(home.path())
        .args(["logs", "follow", "-n", "10", e, d])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn follow");
    let mut stdout = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(20) {
            match stdout.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
            if String::from_utf8_lossy(&buf).matches('\n').count() >= 3 {
                break;
            }
        }
        buf
    });
    let out = reader.join().expect("reader");
    // SAFETY: kill on the pid of the child this test started.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let _ = child.wait();
    let s = String::from_utf8_lossy(&out);
    assert!(s.matches('\n').count() >= 3, "follow printed:\n{s}");
    assert_terminal_safe("logs follow", &out);
    assert_not_forged("logs follow", &out);
    assert!(s.contains("\\u202e"), "{s}");
}

/// A config whose only hop is refused at once, reading the hostile logs.
fn check_config(home: &Path, error: &Path, ds: &Path, extra: &str) -> PathBuf {
    let cfg = home.join("t.toml");
    std::fs::write(
        &cfg,
        format!(
            "[[hop]]\nname = \"app\"\nkind = \"tcp\"\ntarget = \"127.0.0.1:1\"\n\
             [logs]\nnginx_error = [{:?}]\ndocserver = [{:?}]\n\
             [onlyoffice]\nlocal_json = {:?}\ndefault_json = {:?}\n\
             [actions]\naudit_log = {:?}\n{extra}",
            error.display().to_string(),
            ds.display().to_string(),
            home.join("local.json").display().to_string(),
            home.join("default.json").display().to_string(),
            home.join("audit/audit.log").display().to_string(),
        ),
    )
    .expect("write config");
    std::fs::set_permissions(&cfg, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    cfg
}

/// A stand-in for the Document Server's command service that rejects every token (error 6,
/// as with a wrong JWT secret); answers until the test process ends.
fn rejecting_command_service() -> u16 {
    use std::io::Write as _;
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = l.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { continue };
            std::thread::spawn(move || {
                let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
                let mut buf = [0u8; 8192];
                let _ = s.read(&mut buf);
                let body = r#"{"error":6}"#;
                let _ = write!(
                    s,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            });
        }
    });
    port
}

#[test]
fn check_and_report_show_hostile_log_text_visibly() {
    let home = tempfile::tempdir().expect("tempdir");
    let (error, ds) = hostile_logs(home.path());
    // A red command-service hop that the Document Server's log explains (jwt_mismatch): the
    // log entry, hostile bytes and all, becomes the finding's evidence.
    let port = rejecting_command_service();
    let hop = format!(
        "[[hop]]\nname = \"command\"\nkind = \"docserver-command\"\nurl = \"http://127.0.0.1:{port}/coauthoring/CommandService.ashx\"\n"
    );
    let cfg = check_config(home.path(), &error, &ds, "");
    let text = std::fs::read_to_string(&cfg).expect("read");
    std::fs::write(&cfg, format!("{hop}{text}")).expect("write");
    let c = cfg.to_str().expect("utf8");
    for args in [
        vec!["--config", c, "check", "--format", "text"],
        vec!["--config", c, "report", "--format", "md"],
        vec!["--config", c, "check", "--format", "nagios"],
    ] {
        let o = run(home.path(), &args);
        let out = all(&o);
        let what = args[2..].join(" ");
        assert_terminal_safe(&what, &out);
        assert_not_forged(&what, &out);
        let s = String::from_utf8_lossy(&out);
        if args[2] != "check" || args[4] == "text" {
            // The DS entry's message (with the forged continuation line) is the evidence.
            assert!(s.contains("\\u202eevil"), "{what}:\n{s}");
            assert!(s.contains("\\x1b]52;c;"), "{what}:\n{s}");
        }
    }
    for args in [
        vec!["--config", c, "check", "--format", "json"],
        vec!["--config", c, "report", "--format", "json"],
    ] {
        let o = run(home.path(), &args);
        let out = all(&o);
        assert_terminal_safe(&args[2..].join(" "), &out);
        serde_json::from_slice::<serde_json::Value>(&o.stdout).expect("json");
    }
}

#[test]
fn host_shows_hostile_process_names_visibly() {
    let python = ["/usr/bin/python3", "/bin/python3"]
        .into_iter()
        .find(|p| Path::new(p).exists());
    let Some(python) = python else {
        eprintln!("skipped: no python3 to play a listener with a hostile name");
        return;
    };
    let home = tempfile::tempdir().expect("tempdir");
    // The process name (comm) comes from the file name, the command line from argv: both are
    // anyone's choice.
    let link = home.path().join("py\x1b]0;t\x07\u{202e}");
    std::os::unix::fs::symlink(python, &link).expect("symlink");
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = l.local_addr().expect("addr").port();
    drop(l);
    let code = format!(
        "import socket,time\ns=socket.socket()\ns.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\ns.bind(('127.0.0.1',{port}))\ns.listen()\nprint('up',flush=True)\ntime.sleep(60)\n"
    );
    let mut child = Command::new(&link)
        .args(["-c", &code, NASTY, "\nFORGED-PROCESS-LINE"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn listener");
    let mut up = [0u8; 3];
    let _ = child.stdout.as_mut().expect("stdout").read(&mut up);
    let p = port.to_string();
    for format in ["text", "json"] {
        let o = run(
            home.path(),
            &["host", "--format", format, "--port", &p, "--timeout", "5"],
        );
        let out = all(&o);
        let s = String::from_utf8_lossy(&out);
        assert_terminal_safe(&format!("host --format {format}"), &out);
        if format == "text" {
            assert!(s.contains(&format!(":{port}")), "{s}");
            for l in s.lines() {
                assert!(!l.starts_with("FORGED-PROCESS-LINE"), "{s}");
            }
            assert!(
                s.contains("\\u202e"),
                "the name or argv shown visibly:\n{s}"
            );
        } else {
            serde_json::from_slice::<serde_json::Value>(&o.stdout).expect("json");
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJkb2N1bWVudCI6e319.c2lnbmF0dXJlLW9mLXRoZS1jbGllbnQ";
/// The JWT's signature: what must never be shown.
const JWT_SIG: &str = "c2lnbmF0dXJlLW9mLXRoZS1jbGllbnQ";

/// Seven secrets, each from another source, each recognisable.
const OO: &str = "OOcfg-Secret-11111"; // [onlyoffice] jwt_secret (the tool's config)
const INTEG: &str = "INTcfg-Secret-22222"; // [integration] jwt_secret
const INBOX: &str = "LocalJson-Inbox-33333"; // local.json, the Document Server's side
const OUTBOX: &str = "LocalJson-Outbox-44444"; // local.json
const PHP: &str = "NcPhp-Secret-55555"; // Nextcloud's config.php
const DOCKER: &str = "DockerEnv-Secret-66666"; // the container's JWT_SECRET (docker inspect)
const DEFAULT: &str = "DefaultJson-Secret-77777"; // default.json
const SECRETS: [&str; 7] = [OO, INTEG, INBOX, OUTBOX, PHP, DOCKER, DEFAULT];

/// A home with every kind of secret configured: both JWT sides (the tool's config, local.json
/// and default.json, the container's environment through a `docker` stand-in first in PATH),
/// Nextcloud's config.php, a custom action whose argv holds them all, a Document Server log
/// with a JWT in a URL and a message, a command service that rejects every token (so
/// `jwt_mismatch` is found, with both sides' fingerprints). The `docker` stand-in answers
/// `inspect` with a running container whose environment holds `DOCKER`, and `restart` by
/// echoing every secret and the JWT (a tool that prints what it should not: its output must
/// be masked too).
struct SecretHome {
    _dir: tempfile::TempDir,
    home: PathBuf,
    cfg: PathBuf,
    tools: PathBuf,
    ds_log: PathBuf,
    audit: PathBuf,
}

impl SecretHome {
    fn new() -> SecretHome {
        let dir = tempfile::tempdir().expect("tempdir");
        let h = dir.path().to_path_buf();
        std::fs::write(
            h.join("local.json"),
            format!(
                r#"{{"services":{{"CoAuthoring":{{"token":{{"enable":{{"request":{{"inbox":true}}}}}},"secret":{{"inbox":{{"string":"{INBOX}"}},"outbox":{{"string":"{OUTBOX}"}}}}}}}}}}"#
            ),
        )
        .expect("local.json");
        std::fs::write(
            h.join("default.json"),
            format!(
                r#"{{"services":{{"CoAuthoring":{{"secret":{{"session":{{"string":"{DEFAULT}"}}}}}}}}}}"#
            ),
        )
        .expect("default.json");
        std::fs::write(
            h.join("config.php"),
            format!("<?php\n$CONFIG = array('onlyoffice' => array('jwt_secret' => '{PHP}'));\n"),
        )
        .expect("config.php");
        let ds_log = h.join("out.log");
        std::fs::write(
            &ds_log,
            format!(
                "[{}] [ERROR] [localhost] [doc1] [uid-1] nodeJS - error downloadFile:url=http://nc.example/dl?token={JWT};attempt=1;code:ECONNREFUSED;connect:null\n\
                 [{}] [WARN] [localhost] [doc1] [uid-1] nodeJS - checkJwt error: name = JsonWebTokenError message = invalid signature token = {JWT}\n",
                now_ds(),
                now_ds()
            ),
        )
        .expect("out.log");
        let error = h.join("error.log");
        std::fs::write(&error, "").expect("error.log");
        let tools = h.join("tools");
        std::fs::create_dir(&tools).expect("mkdir");
        let inspect = h.join("inspect.json");
        std::fs::write(
            &inspect,
            format!(
                r#"[{{"Id":"3f1c9a7e5b2d","Name":"/onlyoffice","RestartCount":0,
"State":{{"Status":"running","Running":true,"Paused":false,"Restarting":false,"OOMKilled":false,"Dead":false,"Pid":4242,"ExitCode":0,"Error":"","StartedAt":"2026-11-28T09:12:40.118273645Z","FinishedAt":"0001-01-01T00:00:00Z"}},
"Config":{{"Hostname":"3f1c9a7e5b2d","Env":["JWT_ENABLED=true","JWT_SECRET={DOCKER}","JWT_HEADER=AuthorizationJwt","PATH=/usr/bin:/bin"],"Image":"onlyoffice/documentserver:8.1"}}}}]"#
            ),
        )
        .expect("inspect.json");
        let docker = tools.join("docker");
        std::fs::write(
            &docker,
            format!(
                "#!/bin/sh\ncase \"$1\" in\n  inspect) cat {};;\n  restart) echo \"restarting with {} {} {} {} {} {} {} token {JWT}\";;\n  *) exit 1;;\nesac\n",
                inspect.display(),
                SECRETS[0], SECRETS[1], SECRETS[2], SECRETS[3], SECRETS[4], SECRETS[5], SECRETS[6]
            ),
        )
        .expect("docker");
        std::fs::set_permissions(&docker, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let port = rejecting_command_service();
        let audit = h.join("audit/audit.log");
        let cfg = h.join("s.toml");
        let all: Vec<String> = SECRETS.iter().map(|s| format!("{s:?}")).collect();
        std::fs::write(
            &cfg,
            format!(
                "[[hop]]\nname = \"command\"\nkind = \"docserver-command\"\nurl = \"http://127.0.0.1:{port}/coauthoring/CommandService.ashx\"\nservice = \"onlyoffice\"\n\
                 [[service]]\nname = \"onlyoffice\"\nbackend = \"docker\"\n\
                 [logs]\nnginx_error = [{:?}]\ndocserver = [{:?}]\n\
                 [onlyoffice]\nlocal_json = {:?}\ndefault_json = {:?}\njwt_secret = {OO:?}\n\
                 [actions]\naudit_log = {:?}\n\
                 [integration]\nkind = \"nextcloud\"\nnextcloud_config = {:?}\njwt_secret = {INTEG:?}\ndocker_container = \"onlyoffice\"\n\
                 [[action]]\nid = \"custom:leak\"\ndescription = \"echo {INBOX}\"\n\
                 argv = [\"/bin/echo\", \"--secret={OO}\", {}, \"{JWT}\"]\n",
                error.display().to_string(),
                ds_log.display().to_string(),
                h.join("local.json").display().to_string(),
                h.join("default.json").display().to_string(),
                audit.display().to_string(),
                h.join("config.php").display().to_string(),
                all.join(", "),
            ),
        )
        .expect("write config");
        std::fs::set_permissions(&cfg, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        SecretHome {
            _dir: dir,
            home: h,
            cfg,
            tools,
            ds_log,
            audit,
        }
    }

    /// PATH with the stand-ins first.
    fn path(&self) -> String {
        format!(
            "{}:{}",
            self.tools.display(),
            std::env::var("PATH").unwrap_or_else(|_| "/usr/bin:/bin:/usr/sbin:/sbin".into())
        )
    }

    /// `triage502 --config CFG ARGS…` (or `triage502 ARGS…` for `logs`).
    fn run(&self, args: &[&str]) -> Output {
        let mut c = cmd(&self.home);
        c.env("PATH", self.path());
        if args[0] != "logs" {
            c.arg("--config").arg(&self.cfg);
        }
        c.args(args).output().expect("run triage502")
    }
}

/// What of a secret `out` shows: a secret, the 12-character start of one (a secret cut short
/// on a narrow screen, `OOcfg-Secret…`, is still a leak), a JWT's signature, a secret's
/// length. One line per leak, naming `what`.
fn leaks(what: &str, out: &str) -> Vec<String> {
    let mut v = Vec::new();
    for secret in SECRETS {
        if out.contains(&secret[..12]) {
            v.push(format!("{what}: secret {secret} (or its start) shown"));
        }
    }
    if out.contains(JWT_SIG) {
        v.push(format!("{what}: a JWT shown"));
    }
    if out.contains(" len ") {
        v.push(format!("{what}: a secret's length shown"));
    }
    v
}

/// Every output of `outputs` is free of secrets; else all the leaks, then the outputs that
/// leaked.
fn assert_no_secret(outputs: &[(String, String)]) {
    let found: Vec<(String, &str)> = outputs
        .iter()
        .flat_map(|(what, out)| leaks(what, out).into_iter().map(move |l| (l, out.as_str())))
        .collect();
    assert!(
        found.is_empty(),
        "{}\n\n{}",
        found
            .iter()
            .map(|(l, _)| l.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        found
            .iter()
            .map(|(l, o)| format!("--- {l}:\n{o}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn no_secret_reaches_any_output() {
    let s = SecretHome::new();
    let ds = s.ds_log.to_str().expect("utf8");
    let runs: Vec<Vec<&str>> = vec![
        vec!["config", "show"],
        vec!["action", "list"],
        vec!["action", "list", "--format", "json"],
        vec!["action", "run", "custom:leak"],
        vec!["action", "run", "custom:leak", "--yes"],
        vec!["action", "run", "restart:onlyoffice", "--yes"],
        vec!["report", "--format", "md"],
        vec!["report", "--format", "json"],
        vec!["check", "--format", "text"],
        vec!["check", "--format", "json"],
        vec!["check", "--format", "nagios"],
        vec!["host"],
        vec!["host", "--format", "json"],
        vec!["logs", "scan", "--format", "ndjson", ds],
        vec!["logs", "scan", ds],
    ];
    let mut outputs: Vec<(String, String)> = Vec::new();
    for args in &runs {
        let o = s.run(args);
        outputs.push((
            args.join(" "),
            String::from_utf8_lossy(&all(&o)).to_string(),
        ));
    }
    let audit = std::fs::read_to_string(&s.audit).expect("audit log written");
    outputs.push(("audit log".into(), audit.clone()));
    assert_no_secret(&outputs);
    let out = |i: usize| outputs[i].1.as_str();
    // What was checked is there, masked: the preview of the custom action (argv masked) …
    assert!(
        out(3).contains("--secret=<secret hmac:")
            && out(3).contains("standard input is not a terminal"),
        "{}",
        out(3)
    );
    // … the action ran and its output was shown, masked …
    assert!(out(4).contains("step 1"), "{}", out(4));
    assert!(out(4).contains("│ --secret=<secret hmac:"), "{}", out(4));
    // … the tool that echoed every secret (and the container's, learned from docker inspect)
    assert!(
        out(5).contains("│ restarting with <secret hmac:")
            && out(5).contains("token <jwt redacted>"),
        "{}",
        out(5)
    );
    // … and both runs were audited.
    assert!(
        audit.contains("\"custom:leak\"") && audit.contains("\"restart:onlyoffice\""),
        "{audit}"
    );
    let report = out(6);
    assert!(report.contains("action custom:leak"), "{report}");
    // jwt_mismatch was found: the check compared the sides' fingerprints, not the secrets.
    for i in [6, 8] {
        assert!(out(i).contains("jwt_mismatch"), "{}", out(i));
        assert!(out(i).contains("fingerprint hmac:"), "{}", out(i));
    }
    assert!(
        out(11).contains("onlyoffice"),
        "host shows the service: {}",
        out(11)
    );
    assert!(out(13).contains("dl?token=<jwt redacted>"), "{}", out(13));
    assert!(out(0).contains("--secret=<secret hmac:"), "{}", out(0));
}

/// The console (the real binary in tmux, 200×50) on the same home: the first screen, the
/// finding's details, an error-log entry's details, a service action's preview, its output
/// (the stand-in echoes every secret) and the report written with `W`; then the audit line
/// of that run. No secret on any screen or in any file.
#[test]
fn no_secret_reaches_the_console() {
    if !common::have_tmux() {
        eprintln!("skipped: tmux not installed (scripts/test-all.sh installs it)");
        return;
    }
    let s = SecretHome::new();
    let t = common::Tmux::new("secrets", "c");
    let path = format!("PATH={}", s.path());
    let home = format!("HOME={}", s.home.display());
    let state = format!("XDG_STATE_HOME={}", s.home.join("state").display());
    let key = format!(
        "TRIAGE502_FINGERPRINT_KEY={}",
        s.home.join("key/fingerprint.key").display()
    );
    let cfg = s.cfg.to_str().expect("utf8");
    t.start(
        200,
        50,
        &[
            "env",
            &path,
            &home,
            &state,
            &key,
            "TERM=xterm-256color",
            common::bin(),
            "--config",
            cfg,
        ],
    );
    let mut screens: Vec<(&str, String)> = Vec::new();
    let first = t.wait("the jwt_mismatch finding", 30, |x| {
        x.contains("JWT secrets of the Document Server and the integrator differ")
    });
    screens.push(("first screen", first));
    if common::is_root() {
        // The chain pane is focused, its hop's service is the container: R restarts it.
        t.keys(&["R"]);
        let preview = t.wait("the action preview", 15, |x| {
            x.contains("Run restart:onlyoffice?") && x.contains("y / Enter: run")
        });
        screens.push(("action preview", preview));
        t.keys(&["y"]);
        let done = t.wait("the action's output", 15, |x| x.contains("restarting with"));
        screens.push(("action output", done.clone()));
        assert!(done.contains("restarting with <secret hmac:"), "{done}");
        t.wait("the action's end", 15, |x| x.contains("(any key closes)"));
        t.keys(&["Escape"]);
        t.wait("the dialog closed", 5, |x| !x.contains("(any key closes)"));
    } else {
        eprintln!("skipped: the console's action run (docker actions need root)");
    }
    // The chain pane: the hop's details (the probe's detail: the token's source and
    // fingerprint).
    t.keys(&["Enter"]);
    let hop = t.wait("the hop's details", 10, |x| x.contains("hop command"));
    screens.push(("hop details", hop));
    t.keys(&["Escape"]);
    t.wait("the dialog closed", 5, |x| !x.contains("hop command"));
    // The findings pane: the selected finding's details (evidence with both fingerprints).
    t.keys(&["Tab"]);
    let mut details = String::new();
    for _ in 0..6 {
        t.keys(&["Enter"]);
        details = t.wait("a finding's details", 10, |x| x.contains("why: "));
        if details.contains("fingerprint hmac:") {
            break;
        }
        t.keys(&["Escape", "j"]);
    }
    assert!(details.contains("fingerprint hmac:"), "{details}");
    screens.push(("finding details", details));
    t.keys(&["Escape"]);
    // The error-log pane: the Document Server entries with the JWT, and one's details.
    t.keys(&["Tab"]);
    let logs = t.wait("the log entries", 10, |x| {
        x.contains("ds_jwt_invalid_signature")
    });
    screens.push(("error log pane", logs));
    t.keys(&["Enter"]);
    std::thread::sleep(Duration::from_millis(300));
    screens.push(("log entry details", t.screen()));
    t.keys(&["Escape"]);
    // W: the incident report, next to the journal (the audit log's folder).
    t.keys(&["W"]);
    let w = t.wait("the report written", 10, |x| x.contains("report written"));
    screens.push(("report dialog", w));
    t.keys(&["Escape", "q"]);
    let mut outputs: Vec<(String, String)> = screens
        .into_iter()
        .map(|(w, s)| (w.to_string(), s))
        .collect();
    let dir = s.audit.parent().expect("audit folder");
    let reports: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("audit folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    assert_eq!(reports.len(), 1, "one report written in {dir:?}");
    let report = std::fs::read_to_string(&reports[0]).expect("report");
    assert!(report.contains("jwt_mismatch"), "{report}");
    outputs.push(("the report written by W".into(), report));
    if common::is_root() {
        let audit = std::fs::read_to_string(&s.audit).expect("audit log written");
        assert!(audit.contains("\"restart:onlyoffice\""), "{audit}");
        outputs.push(("the console's audit line".into(), audit));
    }
    assert_no_secret(&outputs);
}

fn fingerprint_shown(home: &Path, key: &Path, cfg: &Path) -> String {
    let o = cmd(home)
        .env("TRIAGE502_FINGERPRINT_KEY", key)
        .args(["--config", cfg.to_str().expect("utf8"), "config", "show"])
        .output()
        .expect("run");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&all(&o)));
    let s = String::from_utf8_lossy(&o.stdout).to_string();
    let at = s
        .find("jwt_secret = \"<secret ")
        .unwrap_or_else(|| panic!("no masked secret in:\n{s}"));
    s[at..].lines().next().expect("line").to_string()
}

#[test]
fn fingerprints_are_keyed_per_host_and_hide_the_length() {
    let home = tempfile::tempdir().expect("tempdir");
    let h = home.path();
    let cfg = h.join("f.toml");
    std::fs::write(&cfg, "[onlyoffice]\njwt_secret = \"abcde\"\n").expect("write");
    let key = h.join("k1/fingerprint.key");
    let a = fingerprint_shown(h, &key, &cfg);
    // `<secret hmac:` + 16 hex digits, no length, not the unkeyed SHA-256 of "abcde".
    assert!(a.starts_with("jwt_secret = \"<secret hmac:"), "{a}");
    let hex = &a["jwt_secret = \"<secret hmac:".len()..a.len() - 2];
    assert_eq!(hex.len(), 16, "{a}");
    assert!(hex.chars().all(|c| c.is_ascii_hexdigit()), "{a}");
    assert!(!a.contains("len") && !a.contains("36bbe50e"), "{a}");
    let md = std::fs::metadata(&key).expect("key file created");
    assert_eq!(md.permissions().mode() & 0o777, 0o600);
    assert_eq!(md.len(), 32);
    // The same host key: the same fingerprint, run after run.
    assert_eq!(fingerprint_shown(h, &key, &cfg), a);
    // Another key: another fingerprint.
    let b = fingerprint_shown(h, &h.join("k2/fingerprint.key"), &cfg);
    assert_ne!(a, b);
    // A symlinked key file is refused: no crash, a key of the run's own (so two runs differ),
    // and the file it points to is neither used nor changed.
    let dir = h.join("k3");
    std::fs::create_dir(&dir).expect("mkdir");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).expect("chmod");
    let target = h.join("k1/fingerprint.key");
    let before = std::fs::read(&target).expect("key");
    std::os::unix::fs::symlink(&target, dir.join("fingerprint.key")).expect("symlink");
    let c1 = fingerprint_shown(h, &dir.join("fingerprint.key"), &cfg);
    let c2 = fingerprint_shown(h, &dir.join("fingerprint.key"), &cfg);
    assert_ne!(c1, a, "the symlinked key must not be used");
    assert_ne!(c1, c2, "a refused key file gives a key per run");
    assert_eq!(std::fs::read(&target).expect("key"), before);
}
