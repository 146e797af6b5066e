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
    assert!(
        failover["fact"]
            .as_str()
            .is_some_and(|f| f.contains("1 server(s), 0 backup"))
    );
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
    let servers = format!(
        "upstream docservice {{ server 127.0.0.1:{ds}; server 127.0.0.1:{spare} backup; }}\n\
         server {{\n  listen 127.0.0.1:{port};\n  location = /__up {{ return 200; }}\n\
           location / {{ proxy_read_timeout 120s; proxy_pass http://docservice; }}\n\
           location /other/ {{ proxy_read_timeout 10s; proxy_pass http://127.0.0.1:{single}; }}\n}}\n"
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
            .is_some_and(|f| f.contains("1 server(s), 1 backup"))
    );
    assert_eq!(find("proxy_timeouts", " /")["check"], "PASS");
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
