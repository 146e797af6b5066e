//! Recovery actions against real components: argv never goes through a shell, read-only
//! refuses and audits, `reload:nginx` with a real nginx (refused on a broken config, reloads a
//! good one), restart through a real supervisord with verification by probing, the timeout
//! kills, the audit log has its fields and no secret, and `reload:firewall` with nftables
//! restores traffic in a network namespace (root only).

mod common;

use common::{Supervisord, alive, is_root, reap_or_kill, tool};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use triage502::actions::{
    self, Action, ActionEvent, ActionOutcome, CancelToken, Firewall, HostFacts, ProbeVerifier,
    RunOptions, RunStatus, Verification,
};
use triage502::config::{self, Config};

/// Actions are one at a time per process: the tests take turns.
static LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn cfg(text: &str) -> Config {
    config::parse(text, "test").unwrap_or_else(|e| panic!("test config: {e}"))
}

/// Runs an action, collecting its events.
async fn run(action: &Action, opts: &RunOptions) -> (ActionOutcome, Vec<ActionEvent>) {
    let (tx, mut rx) = mpsc::channel(1024);
    let collector = tokio::spawn(async move {
        let mut v = Vec::new();
        while let Some(e) = rx.recv().await {
            v.push(e);
        }
        v
    });
    let out = actions::run(action, opts, tx, CancelToken::never()).await;
    (out, collector.await.unwrap())
}

fn output_lines(events: &[ActionEvent]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            ActionEvent::Output { line, .. } => Some(line.clone()),
            _ => None,
        })
        .collect()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn toml_str(p: &Path) -> String {
    format!("{:?}", p.display().to_string())
}

#[tokio::test]
async fn custom_argv_is_never_a_shell() {
    let _l = LOCK.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("PWNED");
    let arg = format!("hello; touch {}", file.display());
    let c = cfg(&format!(
        "[actions]\naudit_log = {}\n[[action]]\nid = \"custom:echo\"\ndescription = \"echo\"\nargv = [\"/bin/echo\", {:?}]\n",
        toml_str(&dir.path().join("audit.log")),
        arg
    ));
    let action = actions::find(&c, "custom:echo").expect("custom action in catalogue");
    let (out, events) = run(&action, &RunOptions::from_config(&c, false)).await;
    assert_eq!(out.status, RunStatus::Succeeded, "{out:?}");
    assert_eq!(out.output_tail, vec![arg.clone()]);
    assert_eq!(output_lines(&events), vec![arg]);
    assert!(!file.exists(), "the ; was interpreted by a shell");
    assert!(matches!(events.last(), Some(ActionEvent::Finished(_))));
    // The outcome turns into a timeline event for the engine: a recovery (it succeeded and
    // nothing says it still fails), which the incident's phases count.
    match triage502::engine::Update::from(&out) {
        triage502::engine::Update::Action {
            text, recovered, ..
        } => {
            assert!(text.starts_with("action custom:echo: succeeded"), "{text}");
            assert!(recovered);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn read_only_refuses_every_action_and_audits_it() {
    let _l = LOCK.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("ran");
    let audit = dir.path().join("audit.log");
    let c = cfg(&format!(
        "read_only = true\n[actions]\naudit_log = {}\n\
         [[service]]\nname = \"docservice\"\nbackend = \"supervisor\"\n\
         [[action]]\nid = \"custom:touch\"\ndescription = \"t\"\nargv = [\"/usr/bin/touch\", {}]\n",
        toml_str(&audit),
        toml_str(&marker)
    ));
    let cat = actions::catalogue(&c);
    assert!(cat.len() >= 5, "{cat:?}");
    let opts = RunOptions::from_config(&c, false);
    assert!(opts.read_only, "read_only = true in the config");
    for a in &cat {
        let (out, _) = run(a, &opts).await;
        match &out.status {
            RunStatus::Refused { why } => assert!(why.contains("read-only"), "{why}"),
            other => panic!("{} not refused: {other:?}", a.id),
        }
    }
    assert!(!marker.exists());
    let recs = actions::read_audit(&audit);
    assert_eq!(recs.len(), cat.len());
    assert!(recs.iter().all(|r| r.status == "refused"));
    assert_eq!(recs[0].action, cat[0].id);
    // --read-only on the command line does the same with a config that allows actions.
    let c2 = cfg("[[action]]\nid = \"custom:t\"\ndescription = \"t\"\nargv = [\"/bin/true\"]\n");
    let mut opts2 = RunOptions::from_config(&c2, true);
    opts2.audit_log = audit.clone();
    let (out, _) = run(&cat[0], &opts2).await;
    assert!(matches!(out.status, RunStatus::Refused { .. }));
}

/// A real nginx in a temp dir (daemonized, pid file there); stopped on drop.
struct Nginx {
    dir: PathBuf,
}

impl Nginx {
    fn conf(dir: &Path, port: u16, body: &str, broken: bool) -> String {
        let p = dir.display();
        let user = if is_root() { "user root;\n" } else { "" };
        let bad = if broken {
            "    proxy_pas http://127.0.0.1:1;\n"
        } else {
            ""
        };
        format!(
            "{user}worker_processes 1;\npid {p}/nginx.pid;\nerror_log {p}/error.log;\n\
             events {{ worker_connections 16; }}\n\
             http {{\n  access_log off;\n  client_body_temp_path {p}/tmp/body;\n  proxy_temp_path {p}/tmp/proxy;\n\
               fastcgi_temp_path {p}/tmp/fcgi;\n  uwsgi_temp_path {p}/tmp/uwsgi;\n  scgi_temp_path {p}/tmp/scgi;\n\
               server {{\n    listen 127.0.0.1:{port};\n{bad}    location / {{ return 200 \"{body}\"; }}\n  }}\n}}\n"
        )
    }

    fn pid(&self) -> Option<i32> {
        std::fs::read_to_string(self.dir.join("nginx.pid"))
            .ok()
            .and_then(|s| s.trim().parse().ok())
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let pid = self.pid();
        let _ = Command::new("/usr/sbin/nginx")
            .arg("-p")
            .arg(&self.dir)
            .arg("-c")
            .arg(self.dir.join("nginx.conf"))
            .args(["-s", "quit"])
            .stderr(Stdio::null())
            .status();
        if let Some(pid) = pid {
            reap_or_kill(pid, Duration::from_secs(3));
        }
    }
}

fn http_get(port: u16) -> Option<String> {
    use std::io::{Read, Write};
    let mut s =
        TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_secs(1)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    s.write_all(b"GET / HTTP/1.0\r\n\r\n").ok()?;
    let mut buf = String::new();
    s.read_to_string(&mut buf).ok()?;
    buf.split("\r\n\r\n").nth(1).map(str::to_string)
}

fn wait_body(port: u16, want: &str) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if http_get(port).as_deref() == Some(want) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

#[tokio::test]
async fn reload_nginx_is_refused_on_broken_config_and_reloads_a_good_one() {
    let bin = Path::new("/usr/sbin/nginx");
    if !bin.exists() {
        return common::skip("/usr/sbin/nginx not installed");
    }
    let _l = LOCK.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("tmp")).unwrap();
    let port = free_port();
    let conf = d.join("nginx.conf");
    std::fs::write(&conf, Nginx::conf(d, port, "v1", false)).unwrap();
    let st = Command::new(bin)
        .arg("-p")
        .arg(d)
        .arg("-c")
        .arg(&conf)
        .arg("-e")
        .arg(d.join("error.log"))
        .stdin(Stdio::null())
        .status()
        .unwrap();
    assert!(st.success(), "nginx did not start");
    let _guard = Nginx {
        dir: d.to_path_buf(),
    };
    assert!(wait_body(port, "v1"), "nginx does not answer v1");

    let c = cfg(&format!(
        "[nginx]\nbinary = \"/usr/sbin/nginx\"\nprefix = {}\nconfig = {}\n[actions]\naudit_log = {}\n",
        toml_str(d),
        toml_str(&conf),
        toml_str(&d.join("audit.log"))
    ));
    let action = actions::plan(&c, "reload:nginx")
        .await
        .expect("reload:nginx");
    assert!(action.preview().contains("-t"), "{}", action.preview());
    let opts = RunOptions::from_config(&c, false);

    // Broken: refused with nginx -t's message; the running config stays.
    std::fs::write(&conf, Nginx::conf(d, port, "v2", true)).unwrap();
    let (out, events) = run(&action, &opts).await;
    match &out.status {
        RunStatus::Refused { why } => {
            assert!(why.contains("unknown directive \"proxy_pas\""), "{why}");
            assert!(why.contains("nginx -t") || why.contains("-t`"), "{why}");
        }
        other => panic!("not refused: {other:?}"),
    }
    assert!(
        output_lines(&events)
            .iter()
            .any(|l| l.contains("unknown directive")),
        "{events:?}"
    );
    assert_eq!(out.argv.len(), 2, "precheck and reload were planned");
    assert_eq!(http_get(port).as_deref(), Some("v1"));

    // Good: reloads, the new config answers.
    std::fs::write(&conf, Nginx::conf(d, port, "v2", false)).unwrap();
    let (out, _) = run(&action, &opts).await;
    assert_eq!(out.status, RunStatus::Succeeded, "{out:?}");
    assert!(wait_body(port, "v2"), "nginx did not reload");
    let recs = actions::read_audit(&d.join("audit.log"));
    assert_eq!(
        recs.iter().map(|r| r.status.as_str()).collect::<Vec<_>>(),
        vec!["refused", "succeeded"]
    );
}

fn supervisor_status(conf: &Path, program: &str) -> (String, Option<u32>) {
    let out = Command::new("supervisorctl")
        .arg("-c")
        .arg(conf)
        .args(["status", program])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let s = triage502::host::services::parse_supervisorctl_status(&text);
    s.first()
        .map(|s| (s.sub_state.clone().unwrap_or_default(), s.pid))
        .unwrap_or_else(|| (text, None))
}

#[tokio::test]
async fn restart_through_a_real_supervisord_is_verified_fixed() {
    if !tool("supervisord") || !tool("supervisorctl") || !tool("python3") {
        return common::skip("supervisord/supervisorctl/python3 not installed");
    }
    let _l = LOCK.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let p = d.display();
    let port = free_port();
    let guard = Supervisord::start(
        d,
        &format!(
            "[program:docservice]\ncommand=python3 -m http.server {port} --bind 127.0.0.1 --directory {p}\nstartsecs=0\nautorestart=false\nstopsignal=KILL\n\n\
             [program:sleeper]\ncommand=sleep 1000\nstartsecs=0\nautorestart=false\n"
        ),
    );
    let conf = guard.conf.clone();
    let deadline = Instant::now() + Duration::from_secs(10);
    let old_pid = loop {
        let (st, pid) = supervisor_status(&conf, "docservice");
        if st == "RUNNING" && TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break pid;
        }
        assert!(Instant::now() < deadline, "docservice did not start: {st}");
        std::thread::sleep(Duration::from_millis(100));
    };
    let st = Command::new("supervisorctl")
        .arg("-c")
        .arg(&conf)
        .args(["stop", "docservice"])
        .output()
        .unwrap();
    assert!(st.status.success(), "{st:?}");
    assert_eq!(supervisor_status(&conf, "docservice").0, "STOPPED");

    let audit = d.join("audit.log");
    let c = Arc::new(cfg(&format!(
        "[actions]\naudit_log = {}\n\
         [[hop]]\nname = \"docservice\"\nkind = \"http\"\nrole = \"upstream\"\nurl = \"http://127.0.0.1:{port}/\"\nservice = \"docservice\"\ntimeout_ms = 1000\n\
         [[service]]\nname = \"docservice\"\nsupervisor_config = {}\n\
         [[service]]\nname = \"sleeper\"\nbackend = \"supervisor\"\nsupervisor_config = {}\n",
        toml_str(&audit),
        toml_str(&conf),
        toml_str(&conf)
    )));
    // The hop fails while the program is stopped.
    let before = triage502::engine::run_once(c.clone(), "t".into()).await;
    assert_eq!(
        before.worst(),
        triage502::probe::State::Fail,
        "{:?}",
        before.results()
    );

    // backend = auto: plan asks the managers; supervisor knows the program.
    let action = actions::plan(&c, "restart:docservice").await.expect("plan");
    assert_eq!(
        action.steps[0].argv,
        vec![
            "supervisorctl".to_string(),
            "-c".into(),
            conf.display().to_string(),
            "restart".into(),
            "docservice".into()
        ],
        "{:?}",
        action.note
    );
    let mut opts = RunOptions::from_config(&c, false);
    opts.verifier = Some(Arc::new(ProbeVerifier::new(c.clone())));
    let (out, events) = run(&action, &opts).await;
    assert_eq!(out.status, RunStatus::Succeeded, "{out:?}");
    assert_eq!(out.verification, Verification::Fixed, "{out:?}");
    assert!(
        events
            .iter()
            .any(|e| matches!(e, ActionEvent::Verifying { .. }))
    );
    let (st, new_pid) = supervisor_status(&conf, "docservice");
    assert_eq!(st, "RUNNING");
    assert!(new_pid.is_some() && new_pid != old_pid);
    let recs = actions::read_audit(&audit);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].action, "restart:docservice");
    assert_eq!(recs[0].verification, Verification::Fixed);

    // The plain `sleep 1000` program: stop, then restart via the catalogue → new pid.
    let (_, sleeper_old) = supervisor_status(&conf, "sleeper");
    let action = actions::find(&c, "restart:sleeper").expect("restart:sleeper");
    let (out, _) = run(&action, &opts).await;
    assert_eq!(out.status, RunStatus::Succeeded, "{out:?}");
    assert!(
        matches!(out.verification, Verification::NotVerified { .. }),
        "no hop is tied to sleeper: {:?}",
        out.verification
    );
    let (st, sleeper_new) = supervisor_status(&conf, "sleeper");
    assert_eq!(st, "RUNNING");
    assert_ne!(sleeper_new, sleeper_old);
    drop(guard);
}

#[tokio::test]
async fn timeout_kills_the_command() {
    let _l = LOCK.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let c = cfg(&format!(
        "[actions]\ntimeout_ms = 500\naudit_log = {}\n\
         [[action]]\nid = \"custom:sleep\"\ndescription = \"s\"\nargv = [\"sleep\", \"30\"]\n",
        toml_str(&dir.path().join("audit.log"))
    ));
    let action = actions::find(&c, "custom:sleep").unwrap();
    let t0 = Instant::now();
    let (out, _) = run(&action, &RunOptions::from_config(&c, false)).await;
    assert_eq!(out.status, RunStatus::TimedOut { after_ms: 500 });
    assert!(t0.elapsed() < Duration::from_secs(4), "{:?}", t0.elapsed());
    assert_eq!(
        actions::read_audit(&dir.path().join("audit.log"))[0].status,
        "timed_out"
    );
}

#[tokio::test]
async fn cancel_kills_the_command_and_one_action_runs_at_a_time() {
    let _l = LOCK.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let c = cfg(&format!(
        "[actions]\naudit_log = {}\n\
         [[action]]\nid = \"custom:sleep\"\ndescription = \"s\"\nargv = [\"sleep\", \"30\"]\n\
         [[action]]\nid = \"custom:true\"\ndescription = \"t\"\nargv = [\"/bin/true\"]\n",
        toml_str(&dir.path().join("audit.log"))
    ));
    let sleep = actions::find(&c, "custom:sleep").unwrap();
    let other = actions::find(&c, "custom:true").unwrap();
    let opts = RunOptions::from_config(&c, false);
    let (canceller, token) = actions::cancel_pair();
    let (tx, mut rx) = mpsc::channel(64);
    let o2 = opts.clone();
    let t0 = Instant::now();
    let task = tokio::spawn(async move { actions::run(&sleep, &o2, tx, token).await });
    // Wait for the command to start, then try a second action.
    loop {
        if let Some(ActionEvent::StepStarted { .. }) = rx.recv().await {
            break;
        }
    }
    assert_eq!(actions::running().as_deref(), Some("custom:sleep"));
    let (out, _) = run(&other, &opts).await;
    match &out.status {
        RunStatus::Refused { why } => assert!(why.contains("another action is running"), "{why}"),
        s => panic!("{s:?}"),
    }
    canceller.cancel();
    let out = task.await.unwrap();
    assert_eq!(out.status, RunStatus::Cancelled);
    assert!(t0.elapsed() < Duration::from_secs(5));
    assert_eq!(actions::running(), None);
    let (out, _) = run(&other, &opts).await;
    assert_eq!(out.status, RunStatus::Succeeded);
}

#[tokio::test]
async fn audit_line_has_the_fields_and_no_secret() {
    let _l = LOCK.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("state/triage502/audit.log");
    let secret = "Sup3r-Secret-Value-xyz";
    let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJjIjoidmVyc2lvbiJ9.c2lnbmF0dXJlLXRlc3Q";
    let c = cfg(&format!(
        "[onlyoffice]\njwt_secret = \"{secret}\"\n[actions]\naudit_log = {}\n\
         [[action]]\nid = \"custom:leak\"\ndescription = \"l\"\nargv = [\"/bin/echo\", \"secret={secret}\", \"token={jwt}\"]\nfixes = [\"service_down\"]\n\
         [[action]]\nid = \"custom:fail\"\ndescription = \"f\"\nargv = [\"/bin/false\"]\n",
        toml_str(&audit)
    ));
    let opts = RunOptions::from_config(&c, false);
    let (out, events) = run(&actions::find(&c, "custom:leak").unwrap(), &opts).await;
    assert_eq!(out.status, RunStatus::Succeeded);
    let shown = format!("{out:?} {events:?}");
    assert!(
        !shown.contains(secret) && !shown.contains(jwt),
        "leaks on screen: {shown}"
    );
    let (out, _) = run(&actions::find(&c, "custom:fail").unwrap(), &opts).await;
    assert_eq!(
        out.status,
        RunStatus::Failed {
            exit_code: Some(1),
            why: "`/bin/false` exited with code 1".into()
        }
    );
    let text = std::fs::read_to_string(&audit).unwrap();
    assert!(!text.contains(secret), "{text}");
    assert!(!text.contains(jwt), "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    let v: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    for k in [
        "time",
        "user",
        "uid",
        "host",
        "action",
        "argv",
        "exit_code",
        "duration_ms",
        "output_tail",
        "status",
        "verification",
    ] {
        assert!(v.get(k).is_some(), "missing {k}: {v}");
    }
    assert!(
        chrono::DateTime::parse_from_rfc3339(v["time"].as_str().unwrap()).is_ok(),
        "{v}"
    );
    assert_eq!(v["action"], "custom:leak");
    assert_eq!(v["exit_code"], 0);
    assert_eq!(v["argv"][0][0], "/bin/echo");
    assert!(
        v["output_tail"][0]
            .as_str()
            .unwrap()
            .contains("<jwt redacted>")
    );
    assert_eq!(v["verification"]["result"], "not_verified");
    let recs = actions::read_audit(&audit);
    assert_eq!(recs[1].status, "failed");
    assert_eq!(recs[1].exit_code, Some(1));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&audit).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

/// A network namespace of the test's own; deleted on drop.
struct Netns(String);

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
    }
}

/// Runs `f` on a thread that has entered the namespace.
fn in_netns<T: Send + 'static>(ns: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let path = format!("/var/run/netns/{ns}");
    std::thread::spawn(move || {
        let fd = std::fs::File::open(&path).unwrap();
        use std::os::fd::AsRawFd;
        // SAFETY: setns(2) on this thread only, with a valid namespace fd.
        let r = unsafe { libc::setns(fd.as_raw_fd(), libc::CLONE_NEWNET) };
        assert_eq!(r, 0, "setns failed");
        f()
    })
    .join()
    .unwrap()
}

fn ruleset(port: u16, drop: bool) -> String {
    let rule = if drop {
        format!("    iif \"lo\" tcp dport {port} drop\n")
    } else {
        String::new()
    };
    format!(
        "flush ruleset\ntable inet t502 {{\n  chain input {{\n    type filter hook input priority 0; policy accept;\n{rule}  }}\n}}\n"
    )
}

fn connects(ns: &str, port: u16) -> bool {
    in_netns(ns, move || {
        TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_millis(700))
            .is_ok()
    })
}

#[tokio::test]
async fn reload_firewall_in_a_namespace_restores_traffic() {
    if !is_root() {
        return common::skip("needs root");
    }
    if !tool("nft") || !tool("ip") {
        return common::skip("nft / ip not installed");
    }
    let _l = LOCK.lock().await;
    let ns = format!("t502-act-{}", std::process::id());
    assert!(
        Command::new("ip")
            .args(["netns", "add", &ns])
            .status()
            .unwrap()
            .success()
    );
    let _ns = Netns(ns.clone());
    assert!(
        Command::new("ip")
            .args(["netns", "exec", &ns, "ip", "link", "set", "lo", "up"])
            .status()
            .unwrap()
            .success()
    );
    let port = 18080;
    // A listener inside the namespace, accepting forever on its own thread.
    let path = format!("/var/run/netns/{ns}");
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let fd = std::fs::File::open(&path).unwrap();
        use std::os::fd::AsRawFd;
        // SAFETY: setns(2) on this thread only, with a valid namespace fd.
        assert_eq!(
            unsafe { libc::setns(fd.as_raw_fd(), libc::CLONE_NEWNET) },
            0
        );
        let l = TcpListener::bind(("127.0.0.1", port)).unwrap();
        ready_tx.send(()).unwrap();
        for s in l.incoming() {
            drop(s);
        }
    });
    ready_rx.recv_timeout(Duration::from_secs(5)).unwrap();
    assert!(
        connects(&ns, port),
        "listener not reachable before the drop"
    );

    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("nftables.conf");
    std::fs::write(&rules, ruleset(port, true)).unwrap();
    let st = Command::new("ip")
        .args(["netns", "exec", &ns, "nft", "-f"])
        .arg(&rules)
        .status()
        .unwrap();
    assert!(st.success());
    assert!(!connects(&ns, port), "the DROP rule did not take");

    std::fs::write(&rules, ruleset(port, false)).unwrap();
    let c = cfg(&format!(
        "[actions]\nnft_ruleset = {}\naudit_log = {}\n",
        toml_str(&rules),
        toml_str(&dir.path().join("audit.log"))
    ));
    let facts = HostFacts {
        firewall: Some(Firewall::Nftables),
        ..HostFacts::detect(&c)
    };
    let action = actions::catalogue_with(&c, &facts)
        .into_iter()
        .find(|a| a.id == "reload:firewall")
        .expect("reload:firewall");
    assert_eq!(action.steps[0].argv[..2], ["nft".to_string(), "-f".into()]);
    let mut opts = RunOptions::from_config(&c, false);
    opts.command_prefix = vec!["ip".into(), "netns".into(), "exec".into(), ns.clone()];
    let (out, _) = run(&action, &opts).await;
    assert_eq!(out.status, RunStatus::Succeeded, "{out:?}");
    assert_eq!(out.argv[1][..4], ["ip", "netns", "exec", ns.as_str()]);
    assert!(connects(&ns, port), "traffic not restored by the reload");
}

#[test]
fn headless_list_and_run() {
    use triage502::actions::cli::{ActionCommand, ListFormat, run as cli_run};
    let _l = LOCK.blocking_lock();
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.log");
    let marker = dir.path().join("ran");
    let text = format!(
        "[actions]\naudit_log = {}\n\
         [[action]]\nid = \"custom:true\"\ndescription = \"t\"\nargv = [\"/bin/true\"]\n\
         [[action]]\nid = \"custom:false\"\ndescription = \"f\"\nargv = [\"/bin/false\"]\n\
         [[action]]\nid = \"custom:touch\"\ndescription = \"m\"\nargv = [\"/usr/bin/touch\", {}]\n",
        toml_str(&audit),
        toml_str(&marker)
    );
    let c = cfg(&text);
    assert_eq!(
        cli_run(
            &ActionCommand::List {
                format: ListFormat::Json
            },
            &c,
            false
        ),
        0
    );
    let run =
        |id: &str, yes: bool, ro: bool| cli_run(&ActionCommand::Run { id: id.into(), yes }, &c, ro);
    assert_eq!(run("custom:true", true, false), 0);
    assert_eq!(run("custom:false", true, false), 2);
    assert_eq!(run("custom:nope", true, false), 3);
    assert_eq!(run("custom:true", false, true), 3, "read-only refuses");
    // No --yes and no terminal to confirm on: refused, whatever the test's own stdin is.
    let conf = dir.path().join("c.toml");
    std::fs::write(&conf, &text).unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_triage502"))
        .arg("--config")
        .arg(&conf)
        .args(["action", "run", "custom:touch"])
        .env_remove("TRIAGE502_CONFIG")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "no --yes, no terminal: {err}");
    assert!(err.contains("standard input is not a terminal"), "{err}");
    assert!(!marker.exists(), "the unconfirmed action ran");
    let recs = actions::read_audit(&audit);
    let st: Vec<&str> = recs.iter().map(|r| r.status.as_str()).collect();
    assert_eq!(st, vec!["succeeded", "failed", "refused"]);
}

#[tokio::test]
async fn needs_root_without_passwordless_sudo_is_refused_with_the_command() {
    if is_root() {
        return common::skip(common::NON_ROOT);
    }
    let _l = LOCK.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("ran");
    let c = cfg(&format!(
        "[actions]\naudit_log = {}\n\
         [[action]]\nid = \"custom:root\"\ndescription = \"r\"\nargv = [\"/usr/bin/touch\", {}]\nneeds_root = true\n",
        toml_str(&dir.path().join("audit.log")),
        toml_str(&marker)
    ));
    let action = actions::find(&c, "custom:root").unwrap();
    let mut opts = RunOptions::from_config(&c, false);
    opts.sudo = actions::Sudo::Never;
    let (out, _) = run(&action, &opts).await;
    match &out.status {
        RunStatus::Refused { why } => {
            assert!(why.contains("needs root"), "{why}");
            assert!(why.contains("  sudo /usr/bin/touch "), "{why}");
            assert!(why.contains("never asks for a password"), "{why}");
        }
        s => panic!("{s:?}"),
    }
    assert!(!marker.exists());
    // With the default policy: sudo -n when it works without a password (asked here first,
    // so the test knows which), else the same refusal.
    let sudo_works = std::process::Command::new("sudo")
        .args(["-n", "true"])
        .stdin(std::process::Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success());
    opts.sudo = actions::Sudo::Auto;
    let (out, _) = run(&action, &opts).await;
    match (&out.status, sudo_works) {
        (RunStatus::Refused { why }, false) => {
            assert!(why.contains("needs root"), "{why}");
            assert!(!marker.exists());
        }
        (RunStatus::Succeeded, true) => {
            assert_eq!(out.argv[0][..3], ["sudo", "-n", "--"]);
            assert!(marker.exists());
        }
        (s, _) => panic!("passwordless sudo {sudo_works}: {s:?}"),
    }
}

/// The SSH session drops (SIGHUP) or the box shuts down (SIGTERM) while `action run` waits for
/// its command, with nobody left reading its output: the command's process group is stopped,
/// the run is audited as cancelled, the exit code says so, and nothing panics writing to the
/// closed output.
#[test]
fn headless_run_cancelled_by_a_signal_is_audited() {
    for sig in [libc::SIGHUP, libc::SIGTERM] {
        let dir = tempfile::tempdir().unwrap();
        let audit = dir.path().join("audit.log");
        let marker = dir.path().join("child.pid");
        let conf = dir.path().join("c.toml");
        std::fs::write(
            &conf,
            format!(
                "[actions]\naudit_log = {}\n\
                 [[action]]\nid = \"custom:hang\"\ndescription = \"hangs\"\n\
                 argv = [\"/bin/sh\", \"-c\", \"sleep 60 & echo $! > {}; echo started; wait\"]\n",
                toml_str(&audit),
                marker.display()
            ),
        )
        .unwrap();
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_triage502"))
            .arg("--config")
            .arg(&conf)
            .args(["action", "run", "custom:hang", "--yes"])
            .env_remove("TRIAGE502_CONFIG")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn triage502");
        let end = std::time::Instant::now() + Duration::from_secs(10);
        let grandchild: i32 = loop {
            if let Some(p) = std::fs::read_to_string(&marker)
                .ok()
                .and_then(|s| s.trim().parse().ok())
            {
                break p;
            }
            assert!(std::time::Instant::now() < end, "the action never started");
            std::thread::sleep(Duration::from_millis(10));
        };
        // nobody reads the output any more
        drop(child.stdout.take());
        drop(child.stderr.take());
        assert_eq!(unsafe { libc::kill(child.id() as i32, sig) }, 0);
        let end = std::time::Instant::now() + Duration::from_secs(10);
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            assert!(
                std::time::Instant::now() < end,
                "signal {sig}: still running"
            );
            std::thread::sleep(Duration::from_millis(10));
        };
        assert_eq!(status.code(), Some(2), "signal {sig}: {status:?}");
        common::wait_until(Duration::from_secs(2), || !alive(grandchild));
        assert!(
            !alive(grandchild),
            "signal {sig}: the command's child survived"
        );
        let recs = actions::read_audit(&audit);
        assert_eq!(recs.len(), 1, "signal {sig}");
        assert_eq!(recs[0].status, "cancelled", "signal {sig}");
    }
}

/// The catalogue's systemctl and docker steps put `--` before the unit or container name, so
/// a name is never read as an option.
#[test]
fn service_steps_put_dashdash_before_names() {
    let c = cfg("[[service]]\nname = \"nginx\"\nbackend = \"systemd\"\n\
         [[service]]\nname = \"oo\"\nbackend = \"docker\"\nunit = \"onlyoffice\"\n");
    let facts = HostFacts {
        systemd: false,
        supervisorctl: false,
        docker: false,
        firewall: None,
        selinux: false,
    };
    let cat = actions::catalogue_with(&c, &facts);
    let argv = |id: &str| {
        cat.iter()
            .find(|a| a.id == id)
            .map(|a| a.steps[0].argv.clone())
            .unwrap_or_else(|| panic!("no {id}"))
    };
    assert_eq!(
        argv("restart:nginx"),
        ["systemctl", "restart", "--", "nginx"]
    );
    assert_eq!(argv("stop:nginx"), ["systemctl", "stop", "--", "nginx"]);
    assert_eq!(argv("reload:nginx"), ["systemctl", "reload", "--", "nginx"]);
    assert_eq!(argv("start:oo"), ["docker", "start", "--", "onlyoffice"]);
    assert_eq!(
        argv("restart:oo"),
        ["docker", "restart", "--", "onlyoffice"]
    );
}

/// A custom action whose program belongs to another user (nobody) is not run: the outcome
/// says why, with the owner.
#[tokio::test]
async fn an_action_program_another_user_owns_is_not_run() {
    use std::os::unix::fs::PermissionsExt;
    if !is_root() {
        return common::skip("needs root (to make the program belong to nobody)");
    }
    let _l = LOCK.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("ran");
    let prog = dir.path().join("flush.sh");
    std::fs::write(&prog, format!("#!/bin/sh\ntouch {}\n", toml_str(&marker))).unwrap();
    std::fs::set_permissions(&prog, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::os::unix::fs::chown(&prog, Some(65534), Some(65534)).unwrap();
    let c = cfg(&format!(
        "[actions]\naudit_log = {}\n[[action]]\nid = \"custom:flush\"\ndescription = \"f\"\nargv = [{}]\n",
        toml_str(&dir.path().join("audit.log")),
        toml_str(&prog)
    ));
    let action = actions::find(&c, "custom:flush").expect("custom action");
    let (out, _) = run(&action, &RunOptions::from_config(&c, false)).await;
    assert!(!marker.exists(), "the program ran: {out:?}");
    match &out.status {
        RunStatus::Failed { why, .. } => assert!(
            why.contains(&format!("refusing program '{}'", prog.display()))
                && why.contains("nobody (uid 65534)"),
            "{why}"
        ),
        other => panic!("{other:?}"),
    }
}
