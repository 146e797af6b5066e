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

#[test]
fn upload_too_large_names_nginx_default_limit_and_is_history_once_raised() {
    let Some(lab) = Lab::up("t502prx") else {
        return;
    };
    lab.run(&["break", "upload-too-large"]);
    let (code, v) = common::check_json(&lab.toml());
    assert_eq!(code, 2, "uploads fail for users on a green chain: {v:#}");
    assert_eq!(
        ids(&v).first().map(String::as_str),
        Some("upload_too_large"),
        "{v:#}"
    );
    let text = v["findings"][0].to_string();
    assert!(text.contains("2.0 MiB"), "the refused size: {text}");
    assert!(
        text.contains("client_max_body_size 1m"),
        "the limit: {text}"
    );
    assert!(
        text.contains("nginx's default"),
        "where it comes from: {text}"
    );
    assert!(text.contains("/upload/"), "the request path: {text}");
    // The 413 lines stay in the log; with the limit back at 100m they are history.
    lab.run(&["fix"]);
    let (code, v) = common::check_json(&lab.toml());
    assert_eq!(code, 0, "after fix: {v:#}");
}

#[test]
fn upstream_on_both_families_with_a_one_family_service_is_a_warning() {
    let Some(lab) = Lab::up("t502prx") else {
        return;
    };
    lab.run(&["break", "upstream-one-family"]);
    let (code, v) = common::check_json(&lab.toml());
    assert_eq!(code, 1, "the probes stay green, nginx retries: {v:#}");
    assert_eq!(
        ids(&v).first().map(String::as_str),
        Some("proxy_target_mismatch"),
        "{v:#}"
    );
    let text = v["findings"][0].to_string();
    assert!(text.contains("[::1]:"), "the dead address: {text}");
    assert!(text.contains("upstream docservice has servers"), "{text}");
    assert!(
        text.contains("Connection refused"),
        "the error lines: {text}"
    );
    lab.run(&["fix"]);
    let (code, v) = common::check_json(&lab.toml());
    assert_eq!(code, 0, "after fix: {v:#}");
}

#[test]
fn right_port_wrong_address_is_the_proxy_target_not_a_dead_service() {
    let Some(lab) = Lab::up("t502prx") else {
        return;
    };
    lab.run(&["break", "upstream-wrong-address"]);
    let (code, v) = common::check_json(&lab.toml());
    assert_eq!(code, 2, "{v:#}");
    assert_eq!(
        ids(&v),
        ["proxy_target_mismatch"],
        "one cause for every red hop, no service_down: {v:#}"
    );
    let text = v["findings"][0].to_string();
    assert!(
        text.contains("listens on [::1]:") && text.contains("127.0.0.1:"),
        "both addresses: {text}"
    );
    lab.run(&["fix"]);
    let (code, v) = common::check_json(&lab.toml());
    assert_eq!(code, 0, "after fix: {v:#}");
}
