//! What others write (log lines, process names, server answers) must not drive the admin's
//! terminal, and no secret the program knows may appear in any output. Runs the binary.
//!
//! - escapes: a log with OSC 52, ESC [ 2 J, `\r`, U+202E, U+009B and a field holding a newline
//!   and a forged line; `logs scan` (text, ndjson), `logs follow`, `check --format text`,
//!   `report --format md`, `host` (a listener with a hostile name and argv).
//! - secrets: `[onlyoffice]` and `[integration]` secrets, local.json, config.php, a custom
//!   action whose argv holds secrets and whose command echoes them; `action list`, the
//!   preview, `action run`, the audit line, `report`, `config show`, `check`, `logs scan
//!   --format ndjson` with a JWT in a URL.
//! - fingerprints: keyed, no length, the key file private, a symlinked key refused.

use std::io::Read as _;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

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

#[test]
fn no_secret_reaches_any_output() {
    let home = tempfile::tempdir().expect("tempdir");
    let h = home.path();
    // Five secrets, each from another source.
    let oo = "OOcfg-Secret-11111";
    let integ = "INTcfg-Secret-22222";
    let inbox = "LocalJson-Inbox-33333";
    let outbox = "LocalJson-Outbox-44444";
    let php = "NcPhp-Secret-55555";
    let secrets = [oo, integ, inbox, outbox, php];
    std::fs::write(
        h.join("local.json"),
        format!(
            r#"{{"services":{{"CoAuthoring":{{"token":{{"enable":{{"request":{{"inbox":true}}}}}},"secret":{{"inbox":{{"string":"{inbox}"}},"outbox":{{"string":"{outbox}"}}}}}}}}}}"#
        ),
    )
    .expect("local.json");
    std::fs::write(
        h.join("config.php"),
        format!("<?php\n$CONFIG = array('onlyoffice' => array('jwt_secret' => '{php}'));\n"),
    )
    .expect("config.php");
    // A Document Server log with a JWT in a download URL and in the message.
    let ds = h.join("out.log");
    std::fs::write(
        &ds,
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
    let extra = format!(
        "[integration]\nkind = \"nextcloud\"\nnextcloud_config = {:?}\njwt_secret = {integ:?}\n\
         [[action]]\nid = \"custom:leak\"\ndescription = \"echo {inbox}\"\n\
         argv = [\"/bin/echo\", \"--secret={oo}\", {inbox:?}, {outbox:?}, {php:?}, {integ:?}, \"{JWT}\"]\n",
        h.join("config.php").display().to_string()
    );
    let cfg = check_config(h, &error, &ds, &extra);
    // [onlyoffice] jwt_secret, in the table check_config opened.
    let text = std::fs::read_to_string(&cfg).expect("read");
    let text = text.replace("[actions]", &format!("jwt_secret = {oo:?}\n[actions]"));
    std::fs::write(&cfg, text).expect("write");
    let c = cfg.to_str().expect("utf8");

    let mut outputs: Vec<(String, Vec<u8>)> = Vec::new();
    let runs: Vec<Vec<&str>> = vec![
        vec!["--config", c, "config", "show"],
        vec!["--config", c, "action", "list"],
        vec!["--config", c, "action", "list", "--format", "json"],
        vec!["--config", c, "action", "run", "custom:leak"],
        vec!["--config", c, "action", "run", "custom:leak", "--yes"],
        vec!["--config", c, "report", "--format", "md"],
        vec!["--config", c, "report", "--format", "json"],
        vec!["--config", c, "check", "--format", "text"],
        vec!["--config", c, "check", "--format", "json"],
        vec!["--config", c, "check", "--format", "nagios"],
        vec![
            "logs",
            "scan",
            "--format",
            "ndjson",
            ds.to_str().expect("utf8"),
        ],
        vec!["logs", "scan", ds.to_str().expect("utf8")],
    ];
    for args in &runs {
        let o = run(h, args);
        outputs.push((args.join(" "), all(&o)));
    }
    let audit = std::fs::read(h.join("audit/audit.log")).expect("audit log written");
    outputs.push(("audit log".into(), audit.clone()));
    for (what, out) in &outputs {
        let s = String::from_utf8_lossy(out);
        for secret in secrets {
            assert!(!s.contains(secret), "{what}: secret {secret} shown:\n{s}");
        }
        assert!(
            !s.contains("c2lnbmF0dXJlLW9mLXRoZS1jbGllbnQ"),
            "{what}: JWT shown:\n{s}"
        );
        assert!(
            !s.contains(" len "),
            "{what}: a secret's length shown:\n{s}"
        );
    }
    // The action ran and its output was shown (masked).
    let run_out = String::from_utf8_lossy(&outputs[4].1).to_string();
    assert!(run_out.contains("step 1"), "{run_out}");
    assert!(run_out.contains("│ --secret=<secret hmac:"), "{run_out}");
    assert!(String::from_utf8_lossy(&audit).contains("\"custom:leak\""));
    let report = String::from_utf8_lossy(&outputs[5].1).to_string();
    assert!(report.contains("action custom:leak"), "{report}");
    let ndjson = String::from_utf8_lossy(&outputs[10].1).to_string();
    assert!(ndjson.contains("dl?token=<jwt redacted>"), "{ndjson}");
    let show = String::from_utf8_lossy(&outputs[0].1).to_string();
    assert!(show.contains("--secret=<secret hmac:"), "{show}");
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
