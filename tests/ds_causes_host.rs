//! Document Server causes on the host side, end to end through the real binary:
//! - the lab's `disk-full` fault (a full tmpfs on the stand-in's cache folder, root only) →
//!   `check --format json` names `disk_full` first, with the filesystem and the stand-in's
//!   ENOSPC line; `lab fix` and `lab down` leave no mount behind; the healthy lab shows none of
//!   these findings;
//! - recorded `docker inspect` and `occ` answers (scripts on PATH: no container runtime or
//!   Nextcloud here) → `jwt_secret_ephemeral` and `connector_disabled`, whose first-seen time
//!   survives a second run.

mod common;

use common::{Lab, finding_ids as ids, is_root, skip};
use serde_json::Value;
use std::path::Path;

/// The finding ids of this part of issue 16.
const IDS: [&str; 5] = [
    "disk_full",
    "converter_timeout",
    "oom_killed",
    "jwt_secret_ephemeral",
    "connector_disabled",
];

fn check(config: &Path, path_prefix: Option<&Path>, state: Option<&Path>) -> Value {
    let mut env = Vec::new();
    if let Some(p) = path_prefix {
        let old = std::env::var("PATH").unwrap_or_default();
        env.push(("PATH", format!("{}:{old}", p.display()).into()));
    }
    if let Some(s) = state {
        env.push((
            "TRIAGE502_FINGERPRINT_KEY",
            s.join("fingerprint.key").into(),
        ));
    }
    common::check_json_with(config, &env).1
}

fn finding<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["findings"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["id"] == id))
        .unwrap_or_else(|| panic!("no {id} in {:#}", v["findings"]))
}

fn mounted(path: &Path) -> bool {
    let shown = path.display().to_string();
    std::fs::read_to_string("/proc/self/mountinfo")
        .unwrap_or_default()
        .lines()
        .any(|l| l.split(' ').nth(4) == Some(shown.as_str()))
}

#[test]
fn disk_full_fault_is_the_top_finding_and_leaves_no_mount() {
    if !is_root() {
        return skip("needs root (the disk-full fault mounts a tmpfs)");
    }
    let Some(lab) = Lab::up("t502dsk") else {
        return;
    };
    let cache = lab.dir.join("cache/files");
    let v = check(&lab.toml(), None, None);
    let healthy = ids(&v);
    assert!(
        IDS.iter().all(|id| !healthy.iter().any(|h| h == id)),
        "healthy lab: {healthy:?}"
    );
    let o = lab.lab(&["break", "disk-full"]);
    assert!(
        o.status.success(),
        "break disk-full: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(mounted(&cache), "no tmpfs on {}", cache.display());
    let v = check(&lab.toml(), None, None);
    assert_eq!(
        ids(&v).first().map(String::as_str),
        Some("disk_full"),
        "{:#}",
        v["findings"]
    );
    let f = finding(&v, "disk_full");
    let ev = f["evidence"].to_string();
    assert!(
        ev.contains(&cache.display().to_string()) && ev.contains("100 % used"),
        "{ev}"
    );
    assert!(ev.contains("ENOSPC: no space left on device"), "{ev}");
    assert_eq!(f["severity"], "FAIL");
    // Healed: unmounted, the finding gone (the ENOSPC lines stay in the log as history only
    // while the filesystem has room again: a warning, not a failure).
    let o = lab.lab(&["fix"]);
    assert!(
        o.status.success(),
        "fix: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!mounted(&cache), "fix left the tmpfs mounted");
    let v = check(&lab.toml(), None, None);
    if let Some(f) = v["findings"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["id"] == "disk_full"))
    {
        assert_eq!(f["severity"], "WARN", "{f:#}");
    }
    // Down while broken: the mount goes with the lab.
    let o = lab.lab(&["break", "disk-full"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(mounted(&cache));
    let o = lab.lab(&["down"]);
    assert!(
        o.status.success(),
        "down: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!mounted(&cache), "lab down left the tmpfs mounted");
}

fn script(dir: &Path, name: &str, body: &str) {
    use std::os::unix::fs::PermissionsExt;
    let p = dir.join(name);
    std::fs::write(&p, format!("#!/bin/sh\n{body}")).expect("write script");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

/// `docker inspect` of a Document Server run without JWT_SECRET, as recorded.
const INSPECT_NO_SECRET: &str = "docker-inspect-no-jwt-secret.json";

/// What `occ config:app:get onlyoffice settings_error` printed on a box whose connector had
/// failed its check (the connector's own wording).
const SETTINGS_ERROR: &str = "Error occurred in the document service: Error while downloading the document file to be converted.";

#[test]
fn recorded_docker_inspect_and_occ_give_their_findings() {
    let d = tempfile::tempdir().expect("tempdir");
    let tools = d.path().join("tools");
    std::fs::create_dir(&tools).expect("tools");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/onlyoffice")
        .join(INSPECT_NO_SECRET);
    script(
        &tools,
        "docker",
        &format!(
            "[ \"$1\" = inspect ] && exec cat {}\nexit 1\n",
            fixture.display()
        ),
    );
    script(
        d.path(),
        "occ",
        &format!(
            "case \"$1 $2 $3\" in\n 'config:app:get onlyoffice settings_error') echo '{SETTINGS_ERROR}';;\n 'config:app:get onlyoffice jwt_secret') echo nc-secret;;\n *) exit 1;;\nesac\n"
        ),
    );
    std::fs::write(
        d.path().join("config.php"),
        "<?php\n$CONFIG = array('instanceid' => 'x');\n",
    )
    .expect("config.php");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let cfg = d.path().join("c.toml");
    std::fs::write(
        &cfg,
        format!(
            "[[hop]]\nname = \"app\"\nkind = \"tcp\"\ntarget = \"127.0.0.1:{port}\"\n\n\
             [onlyoffice]\nlocal_json = \"{dir}/local.json\"\ndefault_json = \"{dir}/default.json\"\n\n\
             [integration]\nkind = \"nextcloud\"\nnextcloud_config = \"{dir}/config.php\"\n\
             occ = [\"{dir}/occ\"]\ndocker_container = \"onlyoffice\"\n",
            dir = d.path().display()
        ),
    )
    .expect("config");
    let state = d.path().join("state");
    let v = check(&cfg, Some(&tools), Some(&state));
    let got = ids(&v);
    assert!(got.iter().any(|i| i == "jwt_secret_ephemeral"), "{:#}", v);
    let j = finding(&v, "jwt_secret_ephemeral");
    assert_eq!(j["severity"], "WARN");
    assert!(j["evidence"].to_string().contains("no JWT_SECRET"), "{j:#}");
    let c = finding(&v, "connector_disabled");
    let ev = c["evidence"].to_string();
    assert!(
        ev.contains("Error while downloading the document file"),
        "{ev}"
    );
    assert!(ev.contains("first seen by triage502 at "), "{ev}");
    assert!(
        c["next_steps"]
            .to_string()
            .contains("occ config:app:delete onlyoffice settings_error"),
        "{c:#}"
    );
    // A second run remembers when the text was first seen.
    let first = ev.clone();
    let v = check(&cfg, Some(&tools), Some(&state));
    assert_eq!(
        finding(&v, "connector_disabled")["evidence"].to_string(),
        first
    );
    drop(listener);
}
