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
