//! `triage502 watch` as a whole, with real things: a loopback HTTP receiver checking the exact
//! payload of every receiver kind over firing → resolved → firing (a port nothing listens on,
//! then a listener, then none), a command receiver, receivers that answer 500 or hang while
//! the rounds go on, readiness / reload / stop through a stub `NOTIFY_SOCKET`, the systemd
//! unit through `systemd-analyze verify`, and Prometheus from Debian scraping the metrics.
//! The lab test (root) is `tests/watch_lab.rs`.

mod common;
mod watch_support;

use base64::Engine as _;
use common::{free_port, skip, wait_until};
use serde_json::Value;
use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::Path;
use std::time::Duration;
use watch_support::{Got, Prometheus, Receiver, Watch};

const WAIT: Duration = Duration::from_secs(60);

/// A config of one TCP hop to `port` (role upstream) probed twice a second, with `extra`.
fn config(dir: &Path, port: u16, extra: &str) -> std::path::PathBuf {
    let p = dir.join("c.toml");
    std::fs::write(
        &p,
        format!(
            "profile = \"generic\"\n[probe]\ninterval_ms = 500\ntimeout_ms = 1000\n\
             [actions]\naudit_log = \"{}\"\n\
             [[hop]]\nname = \"app\"\nkind = \"tcp\"\nrole = \"upstream\"\ntarget = \"127.0.0.1:{port}\"\n{extra}",
            dir.join("audit.log").display()
        ),
    )
    .expect("config");
    p
}

fn events(got: &[Got], event: &str) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for g in got {
        if let Some(id) = id_of(g).filter(|_| event_of(g) == event) {
            *m.entry(id).or_default() += 1;
        }
    }
    m
}

/// The finding id of any receiver's message (the JSON's, or the text's second word).
fn id_of(g: &Got) -> Option<String> {
    if let Some(id) = g.body["finding"]["id"].as_str() {
        return Some(id.into());
    }
    let t = text_of(g)?;
    let first = t.lines().next()?;
    let after = first.split_once(": ")?.1;
    Some(after.split_whitespace().next()?.to_string())
}

fn event_of(g: &Got) -> String {
    if let Some(e) = g.body["event"].as_str() {
        return e.into();
    }
    let t = text_of(g).unwrap_or_default();
    if t.contains(" FIRING ") {
        "firing"
    } else if t.contains(" RESOLVED") {
        "resolved"
    } else if t.contains(" ESCALATED ") {
        "escalated"
    } else {
        "?"
    }
    .into()
}

fn text_of(g: &Got) -> Option<String> {
    let b = &g.body;
    b["text"]
        .as_str()
        .or(b["text"]["content"].as_str())
        .or(b["content"]["text"].as_str())
        .map(str::to_string)
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    k.sort_unstable();
    k
}

fn hmac_b64(key: &[u8], msg: &[u8]) -> String {
    let k = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key);
    base64::engine::general_purpose::STANDARD.encode(ring::hmac::sign(&k, msg).as_ref())
}

fn query_param(q: &str, name: &str) -> Option<String> {
    url::form_urlencoded::parse(q.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Every receiver kind's message, checked field by field against its documented shape.
fn check_shapes(r: &Receiver, cmd_out: &Path, event: &str) {
    let hook = r.at("/hook/");
    let g = hook.iter().find(|g| event_of(g) == event).expect("webhook");
    assert_eq!(
        keys(&g.body),
        [
            "event",
            "finding",
            "host",
            "profile",
            "resolved_at",
            "schema",
            "started_at"
        ],
        "{:#}",
        g.body
    );
    assert_eq!(g.body["schema"], 1);
    assert_eq!(g.body["profile"], "generic");
    for k in [
        "id",
        "title",
        "severity",
        "confidence",
        "evidence",
        "next_steps",
        "explains",
    ] {
        assert!(
            g.body["finding"].get(k).is_some(),
            "finding.{k}: {:#}",
            g.body
        );
    }
    assert!(
        chrono::DateTime::parse_from_rfc3339(g.body["started_at"].as_str().unwrap_or("")).is_ok()
    );
    assert_eq!(
        g.body["resolved_at"].is_null(),
        event == "firing",
        "{:#}",
        g.body
    );

    let s = r.at("/slack/");
    let s = s.iter().find(|g| event_of(g) == event).expect("slack");
    assert_eq!(keys(&s.body), ["text"], "{:#}", s.body);
    let w = r.at("/wecom/");
    let w = w.iter().find(|g| event_of(g) == event).expect("wecom");
    assert_eq!(keys(&w.body), ["msgtype", "text"]);
    assert_eq!(
        (w.body["msgtype"].as_str(), keys(&w.body["text"])),
        (Some("text"), vec!["content"])
    );
    assert_eq!(w.query, "key=wk-0123456789");
    let d = r.at("/dingtalk/");
    let d = d.iter().find(|g| event_of(g) == event).expect("dingtalk");
    assert_eq!(keys(&d.body), ["msgtype", "text"]);
    assert_eq!(
        query_param(&d.query, "access_token").as_deref(),
        Some("dt-0123456789")
    );
    let ts = query_param(&d.query, "timestamp").expect("timestamp");
    assert!(
        ts.len() == 13 && ts.bytes().all(|b| b.is_ascii_digit()),
        "ms: {ts}"
    );
    let want = hmac_b64(
        b"SECding-secret-4567",
        format!("{ts}\nSECding-secret-4567").as_bytes(),
    );
    assert_eq!(
        query_param(&d.query, "sign"),
        Some(want),
        "DingTalk signature"
    );
    let f = r.at("/feishu/");
    let f = f.iter().find(|g| event_of(g) == event).expect("feishu");
    assert_eq!(
        keys(&f.body),
        ["content", "msg_type", "sign", "timestamp"],
        "{:#}",
        f.body
    );
    assert_eq!(f.body["msg_type"], "text");
    let ts = f.body["timestamp"].as_str().expect("timestamp string");
    assert_eq!(ts.len(), 10, "seconds: {ts}");
    let want = hmac_b64(format!("{ts}\nfs-secret-890").as_bytes(), b"");
    assert_eq!(
        f.body["sign"].as_str(),
        Some(want.as_str()),
        "Feishu signature"
    );

    // Every text: symbol and word, the finding id, short enough for a phone.
    for g in [s, w, d, f] {
        let t = text_of(g).expect("text");
        assert!(t.chars().count() <= 600, "{t}");
        match event {
            "firing" => assert!(
                t.starts_with("✖ FIRING FAIL: ") || t.starts_with("▲ FIRING WARN: "),
                "{t}"
            ),
            _ => assert!(
                t.starts_with("✔ RESOLVED: ") && t.contains("recovered after"),
                "{t}"
            ),
        }
    }
    // The command got the webhook's JSON, one object a line.
    let lines = std::fs::read_to_string(cmd_out).unwrap_or_default();
    let objs: Vec<Value> = lines
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let c = objs
        .iter()
        .find(|o| o["event"] == event)
        .expect("command's input");
    assert_eq!(keys(c), keys(&g.body));
}

/// All six receiver kinds over firing → resolved → firing: each hears of each transition of
/// each finding id exactly once, in its documented format, and no secret reaches the log.
#[test]
fn every_receiver_kind_hears_each_transition_once() {
    let d = tempfile::tempdir().expect("tempdir");
    let r = Receiver::start();
    let port = free_port();
    let cmd_out = d.path().join("cmd.out");
    let extra = format!(
        "[watch]\nhold_rounds = 2\nmin_interval_s = 0\n\
         [[alert]]\nname = \"hook\"\nkind = \"webhook\"\nurl = \"{}\"\n\
         [[alert]]\nname = \"slack\"\nkind = \"slack\"\nurl = \"{}\"\n\
         [[alert]]\nname = \"wecom\"\nkind = \"wecom\"\nurl = \"{}\"\n\
         [[alert]]\nname = \"ding\"\nkind = \"dingtalk\"\nurl = \"{}\"\nsecret = \"SECding-secret-4567\"\n\
         [[alert]]\nname = \"feishu\"\nkind = \"feishu\"\nurl = \"{}\"\nsecret = \"fs-secret-890\"\n\
         [[alert]]\nname = \"cmd\"\nkind = \"command\"\nargv = [\"/usr/bin/tee\", \"-a\", \"{}\"]\n",
        r.url("/hook/tok-hook-SECRET1"),
        r.url("/slack/T000/B000/slacktoken42"),
        r.url("/wecom/send?key=wk-0123456789"),
        r.url("/dingtalk/send?access_token=dt-0123456789"),
        r.url("/feishu/hook/fs-token-555"),
        cmd_out.display()
    );
    let cfg = config(d.path(), port, &extra);
    let w = Watch::start(d.path(), &cfg, &[]);
    let kinds = ["/hook/", "/slack/", "/wecom/", "/dingtalk/", "/feishu/"];
    let cmd_count = |e: &str| {
        std::fs::read_to_string(&cmd_out)
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains(&format!("\"event\":\"{e}\"")))
            .count()
    };
    let all_have =
        |e: &str| kinds.iter().all(|k| !events(&r.at(k), e).is_empty()) && cmd_count(e) > 0;
    assert!(
        wait_until(WAIT, || all_have("firing")),
        "no firing everywhere: {:?}\n{}",
        r.at("/"),
        w.stderr_text()
    );
    // Some more rounds: nothing is said twice.
    assert!(w.wait_rounds(4, WAIT), "rounds stopped");
    let ids = events(&r.at("/hook/"), "firing");
    assert!(ids.contains_key("service_down"), "{ids:?}");
    for k in kinds {
        assert_eq!(
            events(&r.at(k), "firing"),
            ids.keys().map(|k| (k.clone(), 1)).collect(),
            "{k}"
        );
    }
    assert_eq!(cmd_count("firing"), ids.len());
    check_shapes(&r, &cmd_out, "firing");

    // Something listens: every finding id is resolved once, to everyone.
    let up = TcpListener::bind(("127.0.0.1", port)).expect("bind the hop's port");
    assert!(
        wait_until(WAIT, || all_have("resolved")),
        "no recovery: {}",
        w.stderr_text()
    );
    assert!(w.wait_rounds(4, WAIT));
    for k in kinds {
        assert_eq!(
            events(&r.at(k), "resolved"),
            ids.keys().map(|k| (k.clone(), 1)).collect(),
            "{k}"
        );
    }
    check_shapes(&r, &cmd_out, "resolved");

    // Down again: a new firing.
    drop(up);
    assert!(
        wait_until(WAIT, || events(&r.at("/hook/"), "firing")
            .get("service_down")
            == Some(&2)),
        "no new firing: {}",
        w.stderr_text()
    );
    let log = w.stderr_text();
    for secret in [
        "tok-hook-SECRET1",
        "slacktoken42",
        "wk-0123456789",
        "dt-0123456789",
        "SECding-secret-4567",
        "fs-secret-890",
        "fs-token-555",
    ] {
        assert!(!log.contains(secret), "{secret} in the log:\n{log}");
    }
    assert!(log.contains("alert: firing service_down → hook"), "{log}");
    // Each receiver delivers on its own task: the hook having heard the second firing says
    // nothing of when DingTalk's delivery is counted, so wait for the count too.
    let ding_ok = "triage502_alert_deliveries_total{receiver=\"ding\",result=\"ok\"}";
    assert!(
        wait_until(WAIT, || w.metric(ding_ok).is_some_and(|n| n >= 3.0)),
        "{:?}",
        w.metric(ding_ok)
    );
}

/// A receiver answering 500 is retried and counted, one that never answers is given up on
/// after its attempt's time: meanwhile the rounds go on and the other receiver is told.
#[test]
fn failing_and_hanging_receivers_do_not_hold_up_the_rounds() {
    let d = tempfile::tempdir().expect("tempdir");
    let r = Receiver::start();
    let extra = format!(
        "[watch]\nhold_rounds = 1\nmin_interval_s = 0\n\
         [[alert]]\nname = \"stuck\"\nkind = \"webhook\"\nurl = \"{}\"\n\
         [[alert]]\nname = \"bad\"\nkind = \"slack\"\nurl = \"{}\"\n\
         [[alert]]\nname = \"good\"\nkind = \"webhook\"\nurl = \"{}\"\n\
         [[alert]]\nname = \"gone\"\nkind = \"dingtalk\"\nurl = \"http://127.0.0.1:{}/robot/send?access_token=gone-token-31337\"\nsecret = \"SECgone\"\n",
        r.url("/hang/x"),
        r.url("/fail/x"),
        r.url("/hook/x"),
        free_port(),
    );
    let cfg = config(d.path(), free_port(), &extra);
    let w = Watch::start(d.path(), &cfg, &[]);
    assert!(
        wait_until(WAIT, || !r.at("/hook/").is_empty()),
        "{}",
        w.stderr_text()
    );
    assert!(wait_until(WAIT, || r
        .hanging
        .load(std::sync::atomic::Ordering::SeqCst)
        > 0));
    // While the stuck receiver's request is still open, rounds keep coming.
    let before = w.rounds();
    let mut advanced = false;
    while r.hanging.load(std::sync::atomic::Ordering::SeqCst) > 0 {
        if w.rounds() >= before + 4 {
            advanced = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        advanced,
        "rounds stalled behind a hanging receiver (from {before} to {})",
        w.rounds()
    );
    // The 500 one is retried with backoff; each failure is counted and logged.
    assert!(
        wait_until(WAIT, || r.at("/fail/").len() >= 2),
        "{}",
        w.stderr_text()
    );
    let errors = w.metric("triage502_alert_deliveries_total{receiver=\"bad\",result=\"error\"}");
    assert!(errors.is_some_and(|n| n >= 1.0), "{errors:?}");
    assert!(
        w.stderr_text()
            .contains("alert: bad: firing service_down: attempt 1/4 failed: HTTP 500"),
        "{}",
        w.stderr_text()
    );
    assert_eq!(
        events(&r.at("/hook/"), "firing").get("service_down"),
        Some(&1)
    );
    // A receiver nobody answers for: the failure is logged without its token.
    assert!(wait_until(WAIT, || w.stderr_text().contains(
        "alert: gone: firing service_down: attempt 1/4 failed"
    )));
    assert!(
        !w.stderr_text().contains("gone-token-31337"),
        "{}",
        w.stderr_text()
    );
}

/// Readiness, reload and stop as a service manager sees them: READY=1 on a stub
/// NOTIFY_SOCKET, SIGHUP → RELOADING=1, READY=1 and the new receiver in use, a config that
/// no longer loads refused with the running one kept, SIGTERM → STOPPING=1 and exit 0.
#[test]
fn readiness_reload_and_clean_stop_through_notify_socket() {
    let d = tempfile::tempdir().expect("tempdir");
    let sock_path = d.path().join("notify.sock");
    let sock = std::os::unix::net::UnixDatagram::bind(&sock_path).expect("bind notify");
    sock.set_read_timeout(Some(WAIT)).expect("timeout");
    let recv = || {
        let mut b = [0u8; 256];
        let n = sock.recv(&mut b).expect("a notification in time");
        String::from_utf8_lossy(&b[..n]).to_string()
    };
    let r = Receiver::start();
    let port = free_port();
    let cfg = config(d.path(), port, "");
    let mut w = Watch::start(d.path(), &cfg, &[("NOTIFY_SOCKET", sock_path.as_os_str())]);
    assert_eq!(recv(), "READY=1");
    assert_eq!(w.get("/healthz").map(|(s, _)| s), Some(200));
    assert!(w.wait_rounds(2, WAIT));
    // A receiver added and SIGHUP: it is used without a restart.
    std::fs::write(
        &cfg,
        std::fs::read_to_string(&cfg).expect("read")
            + &format!("[watch]\nhold_rounds = 1\n[[alert]]\nname = \"new\"\nkind = \"webhook\"\nurl = \"{}\"\n", r.url("/hook/new")),
    )
    .expect("write");
    w.signal(libc::SIGHUP);
    assert_eq!(recv(), "RELOADING=1");
    assert_eq!(recv(), "READY=1");
    assert!(
        wait_until(WAIT, || !r.at("/hook/new").is_empty()),
        "{}",
        w.stderr_text()
    );
    // A broken config is refused; the running one goes on.
    std::fs::write(&cfg, "[[hop]]\nname = 1\n").expect("write");
    w.signal(libc::SIGHUP);
    assert_eq!(recv(), "RELOADING=1");
    assert_eq!(recv(), "READY=1");
    assert!(
        w.stderr_text()
            .contains("reload refused, keeping the running config"),
        "{}",
        w.stderr_text()
    );
    assert!(
        w.wait_rounds(2, WAIT),
        "rounds stopped after a refused reload"
    );
    w.signal(libc::SIGTERM);
    assert_eq!(recv(), "STOPPING=1");
    let mut status = None;
    assert!(wait_until(WAIT, || {
        status = w.child.try_wait().ok().flatten();
        status.is_some()
    }));
    assert_eq!(
        status.and_then(|s| s.code()),
        Some(0),
        "{}",
        w.stderr_text()
    );
    assert!(w.stderr_text().contains("stopping (SIGTERM)"));
}

/// The unit file in assets/ passes `systemd-analyze verify` (with ExecStart pointed at the
/// binary under test, since /usr/bin/triage502 is not installed here).
#[test]
fn systemd_unit_verifies() {
    let analyze = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"]
        .into_iter()
        .find(|p| Path::new(p).exists());
    let Some(analyze) = analyze else {
        return skip("systemd-analyze is not installed (apt-get install -y systemd)");
    };
    let unit = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/triage502-watch.service"
    ))
    .expect("unit");
    assert!(unit.contains("Type=notify") && unit.contains("ExecReload=/bin/kill -HUP $MAINPID"));
    assert!(
        unit.contains("ExecStart=/usr/bin/triage502 watch "),
        "the .deb installs /usr/bin/triage502"
    );
    let d = tempfile::tempdir().expect("tempdir");
    let p = d.path().join("triage502-watch.service");
    std::fs::write(&p, unit.replace("/usr/bin/triage502", common::bin())).expect("write");
    let o = std::process::Command::new(analyze)
        .arg("verify")
        .arg(&p)
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .output()
        .expect("systemd-analyze");
    assert!(
        o.status.success() && o.stderr.is_empty(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Prometheus from Debian scrapes `watch` and its own query API answers the hop's series and
/// the finding's series.
#[test]
fn prometheus_scrapes_watch() {
    let d = tempfile::tempdir().expect("tempdir");
    let cfg = config(d.path(), free_port(), "");
    let w = Watch::start(d.path(), &cfg, &[]);
    let Some(p) = Prometheus::start(d.path(), &w.listen) else {
        return skip("prometheus is not installed (apt-get install -y prometheus)");
    };
    let mut hop = None;
    let mut finding = None;
    let ok = wait_until(Duration::from_secs(90), || {
        hop = p.value("triage502_hop_up{hop=\"app\",kind=\"tcp\",role=\"upstream\"}");
        finding = p.value("triage502_finding_active{id=\"service_down\",severity=\"FAIL\"}");
        hop.is_some() && finding == Some(1.0)
    });
    assert!(
        ok,
        "hop {hop:?} finding {finding:?}; prometheus log:\n{}",
        std::fs::read_to_string(d.path().join("prometheus.log")).unwrap_or_default()
    );
    assert_eq!(hop, Some(0.0));
    assert_eq!(
        p.value("up{job=\"triage502\"}"),
        Some(1.0),
        "the scrape itself"
    );
    assert!(p.value("triage502_build_info").is_some());
}

/// The README's Monitoring section shows only what works: its receivers' config passes
/// `config check`, and its Prometheus scrape config and alert rules pass `promtool` (when
/// installed).
#[test]
fn readme_monitoring_examples_are_valid() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    let section = readme
        .split("## Monitoring")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("a Monitoring section");
    let block = |fence: &str, n: usize| -> String {
        section
            .split(fence)
            .nth(n)
            .and_then(|s| s.split("```").next())
            .unwrap_or_else(|| panic!("{fence} block {n}"))
            .to_string()
    };
    let d = tempfile::tempdir().expect("tempdir");
    let toml = d.path().join("c.toml");
    std::fs::write(&toml, block("```toml\n", 1)).expect("write");
    let o = std::process::Command::new(common::bin())
        .env_remove("TRIAGE502_CONFIG")
        .arg("--config")
        .arg(&toml)
        .args(["config", "check"])
        .output()
        .expect("config check");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let Some(promtool) = ["/usr/bin/promtool", "/usr/local/bin/promtool"]
        .into_iter()
        .find(|p| Path::new(p).exists())
    else {
        return skip("promtool is not installed (apt-get install -y prometheus)");
    };
    for (what, n) in [("config", 1), ("rules", 2)] {
        let f = d.path().join(format!("{what}.yml"));
        std::fs::write(&f, block("```yaml\n", n)).expect("write");
        let o = std::process::Command::new(promtool)
            .args(["check", what])
            .arg(&f)
            .output()
            .expect("promtool");
        assert!(
            o.status.success(),
            "promtool check {what}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

/// The supervisor example in assets/ runs `watch` under a real supervisord: healthy, reloaded
/// by `supervisorctl signal HUP`, stopped cleanly by `supervisorctl stop`.
#[test]
fn runs_under_supervisor_from_the_example() {
    if !common::tool("supervisord") {
        return skip("supervisord is not installed (apt-get install -y supervisor)");
    }
    let d = tempfile::Builder::new()
        .prefix("t502ws")
        .tempdir_in("/tmp")
        .expect("tempdir");
    let cfg = config(d.path(), free_port(), "");
    let listen = format!("127.0.0.1:{}", free_port());
    let example = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/supervisor-triage502-watch.conf"
    ))
    .expect("example");
    let stock =
        "/usr/bin/triage502 watch --config /etc/triage502/config.toml --listen 127.0.0.1:9502";
    assert!(example.contains(stock), "{example}");
    let log = d.path().join("watch.log");
    let mut program = example
        .replace(
            stock,
            &format!(
                "{} watch --config {} --listen {listen}",
                common::bin(),
                cfg.display()
            ),
        )
        .replace("/var/log/triage502/watch.log", &log.display().to_string());
    if !common::is_root() {
        program = program.replace("user=root\n", "");
    }
    // supervisord passes its own environment on: no key file of the user's.
    program = program.replace(
        "[program:triage502-watch]\n",
        &format!(
            "[program:triage502-watch]\nenvironment=TRIAGE502_FINGERPRINT_KEY=\"{}\"\n",
            d.path().join("fp.key").display()
        ),
    );
    let sup = common::Supervisord::start(d.path(), &program);
    let ctl = |args: &[&str]| {
        let o = std::process::Command::new("supervisorctl")
            .arg("-c")
            .arg(&sup.conf)
            .args(args)
            .output()
            .expect("supervisorctl");
        String::from_utf8_lossy(&o.stdout).to_string()
    };
    let healthy = || {
        watch_support::http_get(&listen, "/healthz")
            .is_some_and(|(s, b)| s == 200 && b.contains("last round"))
    };
    assert!(
        wait_until(WAIT, healthy),
        "{}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    ctl(&["signal", "HUP", "triage502-watch"]);
    let logged = |t: &str| {
        std::fs::read_to_string(&log)
            .unwrap_or_default()
            .contains(t)
    };
    assert!(
        wait_until(WAIT, || logged("configuration reloaded")),
        "{}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    assert!(wait_until(WAIT, healthy));
    let out = ctl(&["stop", "triage502-watch"]);
    assert!(out.contains("stopped"), "{out}");
    assert!(
        logged("stopping (SIGTERM)"),
        "{}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    assert!(ctl(&["status", "triage502-watch"]).contains("STOPPED"));
}

/// A silence holds a finding's alert back, and once it is lifted (here by a reload) the
/// finding still holding is told; `min_interval_s` keeps the next message to that receiver
/// waiting (for as many rounds as the test looks).
#[test]
fn silences_hold_back_and_pacing_makes_messages_wait() {
    let d = tempfile::tempdir().expect("tempdir");
    let r = Receiver::start();
    let port = free_port();
    let receiver = format!(
        "[[alert]]\nname = \"hook\"\nkind = \"webhook\"\nurl = \"{}\"\n",
        r.url("/hook/p")
    );
    let cfg = config(
        d.path(),
        port,
        &format!(
            "[watch]\nhold_rounds = 1\nmin_interval_s = 3600\n\
             [[watch.silence]]\nfinding = \"service_down\"\nuntil = \"2100-01-01T00:00:00Z\"\n{receiver}"
        ),
    );
    let w = Watch::start(d.path(), &cfg, &[]);
    assert!(wait_until(WAIT, || w.metric(
        "triage502_finding_active{id=\"service_down\",severity=\"FAIL\"}"
    ) == Some(1.0)));
    assert!(w.wait_rounds(6, WAIT));
    assert!(r.at("/hook/").is_empty(), "silenced: {:?}", r.at("/"));
    assert!(
        w.stderr_text()
            .contains("alert: service_down held back by a silence"),
        "{}",
        w.stderr_text()
    );
    // The silence lifted: told at once (the first message to a receiver never waits).
    let text = std::fs::read_to_string(&cfg).expect("read");
    let start = text.find("[[watch.silence]]").expect("silence");
    let end = text[start..].find("[[alert]]").expect("alert") + start;
    std::fs::write(&cfg, format!("{}{}", &text[..start], &text[end..])).expect("write");
    w.signal(libc::SIGHUP);
    assert!(
        wait_until(WAIT, || events(&r.at("/hook/"), "firing")
            .get("service_down")
            == Some(&1)),
        "{}",
        w.stderr_text()
    );
    // Recovered: the resolution waits for min_interval_s after the firing.
    let _up = TcpListener::bind(("127.0.0.1", port)).expect("bind the hop's port");
    assert!(wait_until(WAIT, || w
        .stderr_text()
        .contains("alert: resolved service_down → hook")));
    assert!(w.wait_rounds(6, WAIT));
    assert!(
        events(&r.at("/hook/"), "resolved").is_empty(),
        "min_interval_s not kept: {:?}",
        r.at("/hook/")
    );
}
