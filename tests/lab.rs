//! Integration tests of the loopback lab against the real nginx and supervisord.
//!
//! supervisord runs the stand-in as `triage502 lab standin` (the binary under test).
//!
//! Every lab lives in its own temp folder with its own ports; a [`Lab`] guard runs `lab down`
//! on drop, also when a test fails.

mod common;

use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use triage502::lab::{self, Fault, LabOptions, LabState};

fn standin_exe() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_triage502"))
}

/// A running lab; `lab down` on drop.
struct Lab {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    st: LabState,
}

impl Lab {
    fn up() -> Lab {
        let tmp = tempfile::Builder::new()
            .prefix("t502lab")
            .tempdir_in("/tmp")
            .expect("temp dir");
        let dir = tmp.path().to_path_buf();
        let out = lab::up(&LabOptions {
            dir: dir.clone(),
            exe: standin_exe(),
        })
        .unwrap_or_else(|e| panic!("lab up failed: {e:#}"));
        assert!(!out.already_up);
        Lab {
            _tmp: tmp,
            dir,
            st: out.state,
        }
    }

    fn nginx(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.st.nginx_port)
    }

    fn direct(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.st.ds_port)
    }

    fn secret(&self) -> String {
        let cfg = triage502::config::load_file(&self.dir.join("lab.toml")).expect("lab.toml");
        cfg.onlyoffice
            .jwt_secret
            .expect("jwt_secret in lab.toml")
            .expose()
            .to_string()
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.dir.join(rel)).unwrap_or_default()
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        if let Err(e) = lab::down(&self.dir) {
            eprintln!("lab down in drop: {e:#}");
        }
    }
}

/// Blocking HTTP client for the tests (reqwest on a private runtime).
struct Http {
    rt: tokio::runtime::Runtime,
    client: reqwest::Client,
}

/// The outcome of one request: status and body, or the kind of failure.
#[derive(Debug, PartialEq)]
enum Got {
    Answer(u16, String),
    Refused,
    TimedOut,
    Other(String),
}

impl Http {
    fn new() -> Http {
        let _ = rustls::crypto::ring::default_provider().install_default();
        Http {
            rt: tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime"),
            client: reqwest::Client::builder()
                .no_proxy()
                // A fresh connection per request: faults restart nginx and the stand-in.
                .pool_max_idle_per_host(0)
                .build()
                .expect("client"),
        }
    }

    fn send(&self, rb: reqwest::RequestBuilder, timeout: Duration) -> Got {
        self.rt.block_on(async {
            match rb.timeout(timeout).send().await {
                Ok(r) => {
                    let s = r.status().as_u16();
                    match r.text().await {
                        Ok(t) => Got::Answer(s, t),
                        Err(e) => Got::Other(format!("{e:?}")),
                    }
                }
                Err(e) if e.is_timeout() => Got::TimedOut,
                Err(e) if format!("{e:?}").contains("ConnectionRefused") => Got::Refused,
                Err(e) => Got::Other(format!("{e:?}")),
            }
        })
    }

    fn get(&self, url: &str, timeout: Duration) -> Got {
        self.send(self.client.get(url), timeout)
    }

    /// POST the command service a body token signed with `secret` (payload = the request).
    fn command(&self, url: &str, secret: &str, claims: serde_json::Value) -> Got {
        let token = sign(secret, &claims);
        let mut body = claims;
        body["token"] = serde_json::Value::String(token);
        self.send(
            self.client.post(url).body(body.to_string()),
            Duration::from_secs(3),
        )
    }
}

fn sign(secret: &str, claims: &serde_json::Value) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        claims,
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()).expect("key"),
    )
    .expect("sign")
}

fn error_code(g: &Got) -> Option<i64> {
    match g {
        Got::Answer(200, b) => serde_json::from_str::<serde_json::Value>(b).ok()?["error"].as_i64(),
        _ => None,
    }
}

fn connect(port: u16, timeout: Duration) -> Result<(), std::io::ErrorKind> {
    TcpStream::connect_timeout(&SocketAddr::from((Ipv4Addr::LOCALHOST, port)), timeout)
        .map(|_| ())
        .map_err(|e| e.kind())
}

/// Poll `f` (bounded) until it holds; the message names what was awaited.
fn eventually(what: &str, timeout: Duration, mut f: impl FnMut() -> bool) {
    let end = Instant::now() + timeout;
    while Instant::now() < end {
        if f() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("timed out waiting for: {what}");
}

const T3: Duration = Duration::from_secs(3);

fn assert_healthy(lab: &Lab, http: &Http) {
    assert_eq!(
        http.get(&lab.nginx("/healthcheck"), T3),
        Got::Answer(200, "true".into())
    );
    let g = http.command(
        &lab.nginx("/coauthoring/CommandService.ashx"),
        &lab.secret(),
        serde_json::json!({"c": "version"}),
    );
    assert_eq!(error_code(&g), Some(0), "{g:?}");
}

/// Processes whose command line names `dir`.
fn processes_naming(dir: &Path) -> Vec<(u32, String)> {
    let needle = dir.display().to_string();
    let mut v = Vec::new();
    for e in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        if let Ok(b) = std::fs::read(format!("/proc/{pid}/cmdline")) {
            let c = String::from_utf8_lossy(&b).replace('\0', " ");
            if c.contains(&needle) {
                v.push((pid, c));
            }
        }
    }
    v
}

#[test]
fn lab_up_every_fault_then_fix_then_down_leaves_nothing() {
    let t0 = Instant::now();
    let step = |what: &str| eprintln!("[{:>6.2}s] {what}", t0.elapsed().as_secs_f64());
    let http = Http::new();
    let lab = Lab::up();
    step("up");

    // Baseline: healthy through nginx, JWT accepted, lab.toml is a valid config.
    assert_healthy(&lab, &http);
    let cfg = triage502::config::load_file(&lab.dir.join("lab.toml")).expect("lab.toml loads");
    let hops: Vec<_> = cfg.hops.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(
        hops[..8],
        [
            "dns",
            "nginx",
            "via-nginx",
            "docservice",
            "health",
            "command",
            "ws-nginx",
            "ws-docservice"
        ]
    );
    // Then the stand-in's real dependencies: Redis, and PostgreSQL as root.
    let mut deps = vec!["redis"];
    if triage502::util::is_root() {
        deps.push("postgresql");
    }
    assert_eq!(hops[8..], deps[..]);
    assert!(
        lab.read("logs/docservice/out.log")
            .contains("Express server listening")
    );
    let s = lab::status(&lab.dir).expect("status");
    assert!(s.healthy(), "{}", s.render());
    assert!(
        !lab.read("lab.json").contains(&lab.secret()),
        "lab.json leaks the secret"
    );

    // Idempotent up.
    let again = lab::up(&LabOptions {
        dir: lab.dir.clone(),
        exe: standin_exe(),
    })
    .expect("second up");
    assert!(again.already_up);
    assert_eq!(again.state.nginx_port, lab.st.nginx_port);

    let cmd_url = lab.nginx("/coauthoring/CommandService.ashx");
    let ds = lab.st.ds_port;

    // docservice-down: DS port refused, nginx 502.
    lab::break_fault(&lab.dir, Fault::DocserviceDown).expect("break docservice-down");
    assert_eq!(connect(ds, T3), Err(std::io::ErrorKind::ConnectionRefused));
    assert!(matches!(
        http.get(&lab.nginx("/healthcheck"), T3),
        Got::Answer(502, _)
    ));
    let s = lab::status(&lab.dir).expect("status");
    assert!(!s.healthy());
    assert_eq!(s.faults, vec![Fault::DocserviceDown]);
    lab::fix(&lab.dir).expect("fix");
    assert_healthy(&lab, &http);
    step("fault checked and fixed");

    // docservice-hang: direct request times out, nginx 504 after ~2 s.
    lab::break_fault(&lab.dir, Fault::DocserviceHang).expect("break hang");
    assert_eq!(
        http.get(&lab.direct("/healthcheck"), Duration::from_secs(1)),
        Got::TimedOut
    );
    let t = Instant::now();
    assert!(matches!(
        http.get(&lab.nginx("/healthcheck"), Duration::from_secs(5)),
        Got::Answer(504, _)
    ));
    let took = t.elapsed();
    assert!(
        took >= Duration::from_millis(1800) && took < Duration::from_secs(3),
        "504 after {took:?}"
    );
    lab::fix(&lab.dir).expect("fix");
    assert_healthy(&lab, &http);
    step("fault checked and fixed");

    // wrong-upstream-port: direct 200, via nginx 502.
    lab::break_fault(&lab.dir, Fault::WrongUpstreamPort).expect("break wrong port");
    assert_eq!(
        http.get(&lab.direct("/healthcheck"), T3),
        Got::Answer(200, "true".into())
    );
    assert!(matches!(
        http.get(&lab.nginx("/healthcheck"), T3),
        Got::Answer(502, _)
    ));
    assert!(
        lab.read("nginx.conf")
            .contains(&format!("127.0.0.1:{}", lab.st.spare_port))
    );
    lab::fix(&lab.dir).expect("fix");
    assert_healthy(&lab, &http);
    step("fault checked and fixed");

    // big-headers: direct 200, via nginx 502 with "upstream sent too big header".
    lab::break_fault(&lab.dir, Fault::BigHeaders).expect("break big headers");
    assert_eq!(
        http.get(&lab.direct("/healthcheck"), T3),
        Got::Answer(200, "true".into())
    );
    assert!(matches!(
        http.get(&lab.nginx("/healthcheck"), T3),
        Got::Answer(502, _)
    ));
    eventually("too big header in nginx error.log", T3, || {
        lab.read("logs/nginx/error.log")
            .contains("upstream sent too big header")
    });
    lab::fix(&lab.dir).expect("fix");
    assert_healthy(&lab, &http);
    step("fault checked and fixed");

    // jwt-mismatch: error 6 and the checkJwt line in out.log.
    lab::break_fault(&lab.dir, Fault::JwtMismatch).expect("break jwt");
    let g = http.command(&cmd_url, &lab.secret(), serde_json::json!({"c": "version"}));
    assert_eq!(error_code(&g), Some(6), "{g:?}");
    assert!(
        lab.read("logs/docservice/out.log")
            .contains("checkJwt error: name = JsonWebTokenError message = invalid signature"),
        "{}",
        lab.read("logs/docservice/out.log")
    );
    lab::fix(&lab.dir).expect("fix");
    assert_healthy(&lab, &http);
    step("fault checked and fixed");

    // health-false.
    lab::break_fault(&lab.dir, Fault::HealthFalse).expect("break health-false");
    assert_eq!(
        http.get(&lab.nginx("/healthcheck"), T3),
        Got::Answer(200, "false".into())
    );
    assert!(
        lab.read("logs/docservice/out.log")
            .contains("healthCheck error")
    );
    lab::fix(&lab.dir).expect("fix");
    assert_healthy(&lab, &http);
    step("fault checked and fixed");

    // nginx-down.
    lab::break_fault(&lab.dir, Fault::NginxDown).expect("break nginx-down");
    assert_eq!(
        connect(lab.st.nginx_port, T3),
        Err(std::io::ErrorKind::ConnectionRefused)
    );
    lab::fix(&lab.dir).expect("fix");
    assert_healthy(&lab, &http);
    step("fault checked and fixed");

    // Several faults at once, one fix heals them all.
    lab::break_fault(&lab.dir, Fault::HealthFalse).expect("break");
    lab::break_fault(&lab.dir, Fault::JwtMismatch).expect("break");
    lab::break_fault(&lab.dir, Fault::WrongUpstreamPort).expect("break");
    let healed = lab::fix(&lab.dir).expect("fix all");
    assert_eq!(healed.len(), 3, "{healed:?}");
    assert_healthy(&lab, &http);
    assert!(lab::status(&lab.dir).expect("status").healthy());

    // Down leaves no process naming the folder, and keeps the logs.
    lab::down(&lab.dir).expect("down");
    let left = processes_naming(&lab.dir);
    assert!(left.is_empty(), "left behind: {left:?}");
    assert!(lab.dir.join("logs/nginx/error.log").is_file());
    assert!(!lab::status(&lab.dir).expect("status").healthy());
    assert_eq!(
        connect(lab.st.nginx_port, T3),
        Err(std::io::ErrorKind::ConnectionRefused)
    );
    // A second down is harmless.
    lab::down(&lab.dir).expect("second down");
}

#[test]
fn lab_firewall_drop_and_reject() {
    if !triage502::util::is_root() {
        return common::skip("needs root");
    }
    if std::process::Command::new("nft")
        .arg("--version")
        .output()
        .map(|o| !o.status.success())
        .unwrap_or(true)
    {
        return common::skip("needs nft");
    }
    let http = Http::new();
    let lab = Lab::up();
    let ds = lab.st.ds_port;
    let table = lab.st.firewall_table();

    lab::break_fault(&lab.dir, Fault::FirewallDrop).expect("break firewall-drop");
    assert_eq!(
        connect(ds, Duration::from_secs(1)),
        Err(std::io::ErrorKind::TimedOut)
    );
    assert!(matches!(
        http.get(&lab.nginx("/healthcheck"), Duration::from_secs(5)),
        Got::Answer(504, _)
    ));
    lab::fix(&lab.dir).expect("fix");
    assert_eq!(connect(ds, Duration::from_secs(1)), Ok(()));
    assert_healthy(&lab, &http);

    lab::break_fault(&lab.dir, Fault::FirewallReject).expect("break firewall-reject");
    assert_eq!(
        connect(ds, Duration::from_secs(1)),
        Err(std::io::ErrorKind::ConnectionRefused)
    );
    assert!(matches!(
        http.get(&lab.nginx("/healthcheck"), T3),
        Got::Answer(502, _)
    ));
    lab::fix(&lab.dir).expect("fix");
    assert_eq!(connect(ds, Duration::from_secs(1)), Ok(()));

    // `lab down` removes the table even when a fault is still active.
    lab::break_fault(&lab.dir, Fault::FirewallDrop).expect("break again");
    let report = lab::down(&lab.dir).expect("down");
    assert!(report.firewall_removed);
    let listed = std::process::Command::new("nft")
        .args(["list", "table", "inet", &table])
        .output()
        .expect("nft list");
    assert!(!listed.status.success(), "table {table} still exists");
}

#[test]
fn unknown_fault_lists_the_valid_ones() {
    let e = Fault::parse("disk-melted").expect_err("unknown fault");
    let msg = e.to_string();
    for f in Fault::ALL {
        assert!(msg.contains(f.name()), "{msg}");
    }
}

#[test]
fn commands_on_a_missing_lab_fail_clearly() {
    let tmp = tempfile::tempdir().expect("tmp");
    let e = lab::break_fault(tmp.path(), Fault::HealthFalse).expect_err("no lab");
    assert!(e.to_string().contains("lab up"), "{e}");
    let s = lab::status(tmp.path()).expect("status");
    assert!(!s.healthy());
    lab::down(tmp.path()).expect("down on nothing is fine");
}

/// The stand-in alone, in-process: every command-service answer and mode, on the wire.
#[test]
fn standin_answers_like_docservice() {
    let http = Http::new();
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().to_path_buf();
    let secret = "s3cret-for-the-standin-test";
    std::fs::write(
        dir.join("local.json"),
        serde_json::json!({"services":{"CoAuthoring":{
            "token":{"enable":{"request":{"inbox":true}},"inbox":{"header":"AuthorizationJwt"}},
            "secret":{"inbox":{"string": secret}}}}})
        .to_string(),
    )
    .expect("local.json");
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let d2 = dir.clone();
    http.rt
        .spawn(async move { triage502::lab::standin::serve_async(d2, port).await });
    eventually("stand-in listening", T3, || connect(port, T3).is_ok());
    let base = format!("http://127.0.0.1:{port}");
    let cmd = format!("{base}/coauthoring/CommandService.ashx");
    let post = |body: String, hdr: Option<String>| {
        let mut rb = http.client.post(&cmd).body(body);
        if let Some(h) = hdr {
            rb = rb.header("AuthorizationJwt", h);
        }
        http.send(rb, T3)
    };

    assert_eq!(
        http.get(&format!("{base}/healthcheck"), T3),
        Got::Answer(200, "true".into())
    );
    // Body token, payload = the request.
    let g = http.command(&cmd, secret, serde_json::json!({"c": "version"}));
    assert_eq!(
        g,
        Got::Answer(200, r#"{"error":0,"version":"8.2.0.1"}"#.into())
    );
    // /command too.
    let g = http.command(
        &format!("{base}/command"),
        secret,
        serde_json::json!({"c": "version"}),
    );
    assert_eq!(error_code(&g), Some(0));
    // Header token (the configured header name), request under `payload`.
    let t = sign(secret, &serde_json::json!({"payload": {"c": "version"}}));
    assert_eq!(
        error_code(&post(
            r#"{"c":"version"}"#.into(),
            Some(format!("Bearer {t}"))
        )),
        Some(0)
    );
    // Missing token → 6; wrong secret → 6; expired → 7; unknown command → 5; not JSON → 3.
    assert_eq!(
        error_code(&post(r#"{"c":"version"}"#.into(), None)),
        Some(6)
    );
    let g = http.command(&cmd, "other", serde_json::json!({"c": "version"}));
    assert_eq!(error_code(&g), Some(6));
    let g = http.command(
        &cmd,
        secret,
        serde_json::json!({"c": "version", "exp": 1_000_000}),
    );
    assert_eq!(error_code(&g), Some(7));
    let g = http.command(
        &cmd,
        secret,
        serde_json::json!({"c": "frobnicate", "key": "k"}),
    );
    assert_eq!(error_code(&g), Some(5));
    assert_eq!(error_code(&post("{not json".into(), None)), Some(3));
    let log = std::fs::read_to_string(dir.join("logs/docservice/out.log")).expect("out.log");
    assert!(log.contains("message = invalid signature"), "{log}");
    assert!(
        log.contains("name = TokenExpiredError message = jwt expired"),
        "{log}"
    );
    assert!(
        log.contains("] [WARN] [localhost] [docId] [userId] nodeJS - checkJwt error"),
        "{log}"
    );

    // info.json and 404.
    assert!(
        matches!(http.get(&format!("{base}/info/info.json"), T3), Got::Answer(200, ref b) if b.contains("buildVersion"))
    );
    assert!(matches!(
        http.get(&format!("{base}/nope"), T3),
        Got::Answer(404, _)
    ));

    // Modes are re-read on each request.
    std::fs::write(dir.join("standin-mode"), "health-false\n").expect("mode");
    assert_eq!(
        http.get(&format!("{base}/healthcheck"), T3),
        Got::Answer(200, "false".into())
    );
    std::fs::write(dir.join("standin-mode"), "hang\n").expect("mode");
    assert_eq!(
        http.get(&format!("{base}/healthcheck"), Duration::from_millis(500)),
        Got::TimedOut
    );
    std::fs::write(dir.join("standin-mode"), "big-headers\n").expect("mode");
    let r = http.rt.block_on(async {
        http.client
            .get(format!("{base}/healthcheck"))
            .timeout(T3)
            .send()
            .await
    });
    let r = r.expect("big headers answer");
    assert_eq!(r.status().as_u16(), 200);
    let pad = r.headers().get("x-lab-padding").expect("padding header");
    assert!(pad.len() >= 16 * 1024);
    std::fs::write(dir.join("standin-mode"), "healthy\n").expect("mode");
    assert_eq!(
        http.get(&format!("{base}/healthcheck"), T3),
        Got::Answer(200, "true".into())
    );
}

/// The CLI entry (through the example, as the binary will run it): exit codes without a lab.
#[test]
fn cli_exit_codes_without_a_lab() {
    let tmp = tempfile::tempdir().expect("tmp");
    let run = |args: &[&str]| {
        let o = std::process::Command::new(standin_exe())
            .arg("lab")
            .arg("--dir")
            .arg(tmp.path())
            .args(args)
            .output()
            .expect("run lab_standin");
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let (code, out, _) = run(&["status"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("not up"), "{out}");
    let (code, _, err) = run(&["break", "bogus"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("valid faults") && err.contains("nginx-down"),
        "{err}"
    );
    let (code, _, err) = run(&["fix"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("lab up"), "{err}");
    let (code, out, _) = run(&["down"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("logs kept in"), "{out}");
}

/// `--dir` after any lab subcommand (`lab up --dir X`), printed in the hints; and `lab status`
/// reads what is in effect: after the console's restart action healed `docservice-down`, the
/// fault is no longer listed.
#[test]
fn dir_after_the_subcommand_and_status_after_a_console_action() {
    let tmp = tempfile::Builder::new()
        .prefix("t502dir")
        .tempdir_in("/tmp")
        .expect("temp dir");
    let dir = tmp.path().to_path_buf();
    let cli = |args: &[&str]| {
        let o = std::process::Command::new(standin_exe())
            .args(args)
            .env_remove("TRIAGE502_LAB_DIR")
            .env_remove("TRIAGE502_CONFIG")
            .output()
            .expect("run triage502");
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let d = dir.to_str().expect("utf8");
    let (code, out, err) = cli(&["lab", "up", "--dir", d]);
    if code != Some(0) && err.contains("apt-get install") {
        eprintln!("skipped: {err}");
        return;
    }
    assert_eq!(code, Some(0), "{out}{err}");
    // `lab down` on drop, whatever happens below.
    struct Down(PathBuf);
    impl Drop for Down {
        fn drop(&mut self) {
            let _ = lab::down(&self.0);
        }
    }
    let _down = Down(dir.clone());
    assert!(
        out.contains(&format!(
            "inject a fault:    triage502 lab break FAULT --dir {d}   (heal: triage502 lab fix --dir {d})"
        )),
        "{out}"
    );
    let (code, out, err) = cli(&["lab", "break", "docservice-down", "--dir", d]);
    assert_eq!(code, Some(0), "{out}{err}");
    let (code, out, _) = cli(&["lab", "status", "--dir", d]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("faults       docservice-down"), "{out}");
    // The console's action for the finding, run headless.
    let toml = dir.join("lab.toml");
    let t = toml.to_str().expect("utf8");
    let (code, out, err) = cli(&[
        "--config",
        t,
        "action",
        "run",
        "restart:docservice",
        "--yes",
    ]);
    assert_eq!(code, Some(0), "{out}{err}");
    let (code, out, _) = cli(&["lab", "--dir", d, "status"]);
    assert!(out.contains("faults       none"), "{out}");
    assert_eq!(code, Some(0), "{out}");
}
