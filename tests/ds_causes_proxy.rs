//! Proxy-side causes end to end on the lab (issue 17): `lab break F` → `check --format json`
//! names the cause as its top finding, and `lab fix` clears it.

mod common;

use common::{Lab, finding_ids as ids};

#[test]
fn secure_link_mismatch_is_named_by_fingerprints_and_cleared_by_fix() {
    let Some(lab) = Lab::up("t502prx") else {
        return;
    };
    let (code, v) = common::check_json(&lab.toml());
    assert_eq!(code, 0, "the healthy lab: {v:#}");
    lab.run(&["break", "secure-link-mismatch"]);
    let (code, v) = common::check_json(&lab.toml());
    assert_eq!(code, 2, "{v:#}");
    assert_eq!(
        ids(&v).first().map(String::as_str),
        Some("secure_link_mismatch"),
        "{v:#}"
    );
    let text = v.to_string();
    assert!(
        text.contains("$secure_link_secret at "),
        "nginx's side with file:line: {text}"
    );
    assert!(text.contains("hmac:"), "fingerprints only: {text}");
    assert!(
        !text.contains("triage502-lab-secure-link"),
        "never the secret itself: {text}"
    );
    lab.run(&["fix"]);
    let (code, v) = common::check_json(&lab.toml());
    assert_eq!(code, 0, "after fix: {v:#}");
}

#[test]
fn websocket_not_proxied_when_nginx_drops_the_upgrade_headers() {
    let Some(lab) = Lab::up("t502prx") else {
        return;
    };
    let (code, v) = common::check_json(&lab.toml());
    assert_eq!(
        code, 0,
        "the healthy lab, both websocket hops upgraded: {v:#}"
    );
    lab.run(&["break", "websocket-not-proxied"]);
    let (code, v) = common::check_json(&lab.toml());
    assert_eq!(code, 2, "{v:#}");
    assert_eq!(
        ids(&v).first().map(String::as_str),
        Some("websocket_not_proxied"),
        "{v:#}"
    );
    let text = v["findings"][0].to_string();
    assert!(text.contains("HTTP 400"), "the plain GET's answer: {text}");
    assert!(text.contains("Upgrade"), "the missing directives: {text}");
    lab.run(&["fix"]);
    let (code, v) = common::check_json(&lab.toml());
    assert_eq!(code, 0, "after fix: {v:#}");
}
