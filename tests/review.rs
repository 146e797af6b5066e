//! `triage502 review` on the lab: the real supervisord's program sections and the real nginx's
//! configuration decide the items; the `no-autorestart` fault turns `service_restart` WARN and
//! `lab fix` turns it back.

mod common;

use common::Lab;
use std::process::Command;

fn review(lab: &Lab) -> (i32, serde_json::Value) {
    let out = Command::new(common::bin())
        .args(["review", "--format", "json", "--config"])
        .arg(lab.toml())
        .output()
        .expect("run triage502 review");
    let text = String::from_utf8_lossy(&out.stdout);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "review JSON: {e}\n{text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), v)
}

fn item<'a>(v: &'a serde_json::Value, id: &str, subject: Option<&str>) -> &'a serde_json::Value {
    v["items"]
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|i| i["id"] == id && i["subject"].as_str() == subject)
        })
        .unwrap_or_else(|| panic!("no {id} {subject:?} in {v:#}"))
}

#[test]
fn review_reads_supervisor_and_nginx_and_catches_a_lost_autorestart() {
    let Some(lab) = Lab::up("t502rev") else {
        return;
    };
    let (code, v) = review(&lab);
    assert_eq!(v["schema"], 1);
    let restart = item(&v, "service_restart", Some("docservice"));
    assert_eq!(restart["check"], "PASS", "{v:#}");
    assert!(
        restart["fact"]
            .as_str()
            .is_some_and(|f| f.contains("[program:docservice]: autorestart=true")),
        "{restart}"
    );
    // The lab's nginx: one upstream server, 2 s read timeout.
    let failover = v["items"]
        .as_array()
        .and_then(|a| a.iter().find(|i| i["id"] == "upstream_failover"))
        .expect("upstream_failover");
    assert_eq!(failover["check"], "WARN", "{failover}");
    let fact = failover["fact"].as_str().unwrap_or_default();
    assert!(fact.contains("1 server(s), 0 backup"), "{failover}");
    assert!(
        fact.contains("proxy_next_upstream error timeout (nginx's default)"),
        "{failover}"
    );
    let buffers = item(&v, "proxy_buffers", failover["subject"].as_str());
    assert_eq!(buffers["check"], "PASS", "{buffers}");
    let timeouts = v["items"]
        .as_array()
        .and_then(|a| a.iter().find(|i| i["id"] == "proxy_timeouts"))
        .expect("proxy_timeouts");
    assert_eq!(timeouts["check"], "WARN", "{timeouts}");
    assert_eq!(code, 1, "a WARN: exit 1");
    assert_eq!(item(&v, "jwt_enabled", None)["check"], "PASS", "{v:#}");

    lab.run(&["break", "no-autorestart"]);
    let (_, v) = review(&lab);
    let restart = item(&v, "service_restart", Some("docservice"));
    assert_eq!(restart["check"], "WARN", "{restart}");
    assert!(
        restart["change"]
            .as_str()
            .is_some_and(|c| c.contains("autorestart=true")),
        "{restart}"
    );
    // Nothing else broke: the chain is still healthy.
    let (code, v) = common::check_json(&lab.toml());
    assert_eq!(code, 0, "{v:#}");

    lab.run(&["fix"]);
    let (_, v) = review(&lab);
    assert_eq!(
        item(&v, "service_restart", Some("docservice"))["check"],
        "PASS"
    );

    // nginx told not to retry: the fact names the directive and where it is set.
    lab.run(&["break", "no-failover"]);
    let (_, v) = review(&lab);
    let failover = item(&v, "upstream_failover", failover["subject"].as_str());
    assert_eq!(failover["check"], "WARN", "{failover}");
    assert!(
        failover["fact"].as_str().is_some_and(
            |f| f.contains("proxy_next_upstream off (set at ") && f.contains("nginx.conf:")
        ),
        "{failover}"
    );
    assert!(
        failover["change"]
            .as_str()
            .is_some_and(|c| c.contains("proxy_next_upstream error timeout")),
        "{failover}"
    );
    let (code, v) = common::check_json(&lab.toml());
    assert_eq!(code, 0, "nothing else broke: {v:#}");
    lab.run(&["fix"]);
    let (_, v) = review(&lab);
    assert!(
        item(&v, "upstream_failover", failover["subject"].as_str())["fact"]
            .as_str()
            .is_some_and(|f| f.contains("(nginx's default)")),
        "{v:#}"
    );

    // JWT switched off in the Document Server's local.json (as a hand edit would): WARN;
    // `lab fix` writes it back.
    let local = lab.dir.join("local.json");
    let mut j: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&local).expect("local.json")).expect("json");
    j["services"]["CoAuthoring"]["token"]["enable"]["request"]["inbox"] = false.into();
    std::fs::write(&local, j.to_string()).expect("write local.json");
    let (_, v) = review(&lab);
    let jwt = item(&v, "jwt_enabled", None);
    assert_eq!(jwt["check"], "WARN", "{jwt}");
    assert!(
        jwt["fact"]
            .as_str()
            .is_some_and(|f| f.contains("JWT disabled")),
        "{jwt}"
    );
    lab.run(&["fix"]);
    let (_, v) = review(&lab);
    assert_eq!(item(&v, "jwt_enabled", None)["check"], "PASS");

    // Headers too big for nginx's buffer, logged by nginx (a round of `check` sends the
    // requests): proxy_buffers turns WARN and stays so while the lines are in the window.
    lab.run(&["break", "big-headers"]);
    let _ = common::check_json(&lab.toml());
    let (_, v) = review(&lab);
    let buffers = item(&v, "proxy_buffers", buffers["subject"].as_str());
    assert_eq!(buffers["check"], "WARN", "{buffers}");
    assert!(
        buffers["fact"].as_str().is_some_and(
            |f| f.contains("upstream sent too big header") && f.contains("proxy_buffer_size ")
        ),
        "{buffers}"
    );
    assert!(
        buffers["change"]
            .as_str()
            .is_some_and(|c| c.contains("proxy_buffer_size 16k")),
        "{buffers}"
    );
    lab.run(&["fix"]);
}

#[test]
fn a_real_nginx_with_a_backup_and_long_timeouts_passes_failover_and_timeouts() {
    if common::Nginx::binary().is_none() {
        return common::skip("/usr/sbin/nginx not installed");
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let (port, ds, spare, single) = (
        common::free_port(),
        common::free_port(),
        common::free_port(),
        common::free_port(),
    );
    let _ds = std::net::TcpListener::bind(("127.0.0.1", ds)).expect("the Document Server's port");
    let backup = std::net::TcpListener::bind(("127.0.0.1", spare)).expect("the backup's port");
    let servers = format!(
        "upstream docservice {{ server 127.0.0.1:{ds}; server 127.0.0.1:{spare} backup; }}\n\
         server {{\n  listen 127.0.0.1:{port};\n  location = /__up {{ return 200; }}\n\
           location / {{ proxy_read_timeout 120s; proxy_pass http://docservice; }}\n\
           location /other/ {{ proxy_read_timeout 10s; proxy_pass http://127.0.0.1:{single}; }}\n\
           location /noretry/ {{ proxy_read_timeout 120s; proxy_next_upstream off; proxy_pass http://docservice; }}\n}}\n"
    );
    let _nginx = common::Nginx::start(dir.path(), &servers, port);
    let d = dir.path().display();
    let cfg = dir.path().join("c.toml");
    std::fs::write(
        &cfg,
        format!(
            "[[hop]]\nname = \"docservice\"\nkind = \"tcp\"\ntarget = \"127.0.0.1:{ds}\"\nrole = \"upstream\"\n\n\
             [[hop]]\nname = \"other\"\nkind = \"tcp\"\ntarget = \"127.0.0.1:{single}\"\nrole = \"upstream\"\n\n\
             [nginx]\nbinary = \"/usr/sbin/nginx\"\nconfig = \"{d}/nginx.conf\"\nprefix = \"{d}\"\n"
        ),
    )
    .expect("write config");
    let out = Command::new(common::bin())
        .args(["review", "--format", "json", "--config"])
        .arg(&cfg)
        .output()
        .expect("review");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let find = |id: &str, loc: &str| {
        v["items"]
            .as_array()
            .and_then(|a| {
                a.iter().find(|i| {
                    i["id"] == id && i["subject"].as_str().is_some_and(|s| s.ends_with(loc))
                })
            })
            .unwrap_or_else(|| panic!("no {id} for {loc} in {v:#}"))
            .clone()
    };
    let main = find("upstream_failover", " /");
    assert_eq!(main["check"], "PASS", "{main}");
    assert!(
        main["fact"]
            .as_str()
            .is_some_and(|f| f.contains("1 server(s), 1 backup")
                && f.contains("proxy_next_upstream error timeout (nginx's default)")),
        "{main}"
    );
    assert_eq!(find("proxy_timeouts", " /")["check"], "PASS");
    // A backup nginx is told never to use.
    let noretry = find("upstream_failover", " /noretry/");
    assert_eq!(noretry["check"], "WARN", "{noretry}");
    assert!(
        noretry["fact"].as_str().is_some_and(
            |f| f.contains("1 backup") && f.contains("proxy_next_upstream off (set at ")
        ),
        "{noretry}"
    );
    // No error log configured: whether the headers fit is not known.
    let buffers = find("proxy_buffers", " /");
    assert_eq!(buffers["check"], "UNKNOWN", "{buffers}");
    // A backup where nothing listens is no failover.
    drop(backup);
    let out = Command::new(common::bin())
        .args(["review", "--format", "json", "--config"])
        .arg(&cfg)
        .output()
        .expect("review");
    let again: serde_json::Value = serde_json::from_slice(&out.stdout).expect("review JSON");
    let dead = again["items"]
        .as_array()
        .and_then(|a| {
            a.iter().find(|i| {
                i["id"] == "upstream_failover"
                    && i["subject"].as_str().is_some_and(|s| s.ends_with(" /"))
            })
        })
        .expect("upstream_failover");
    assert_eq!(dead["check"], "WARN", "{dead}");
    assert_eq!(find("upstream_failover", " /other/")["check"], "WARN");
    let t = find("proxy_timeouts", " /other/");
    assert_eq!(t["check"], "WARN", "{t}");
    assert!(
        t["fact"]
            .as_str()
            .is_some_and(|f| f.contains("10s (set at ")),
        "{t}"
    );
}
