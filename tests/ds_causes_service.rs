//! Why the Document Server is down, and its dependencies, end to end on the lab (real nginx,
//! supervisord, redis-server, PostgreSQL 15 as root): `lab break F` → `triage502 check
//! --format json` → the top finding names the cause (port_taken, ds_config_invalid,
//! service_crash_loop, dependency_down for Redis and PostgreSQL, database_error) and offers no
//! restart that cannot work; after `lab fix` the lab is all clear again although its logs
//! still hold the fault's lines (history). The healthy lab shows none of them.

mod common;

use common::{Lab, finding_ids as ids, is_root};

/// The healthy lab: exit 0, no finding at all (none of this file's ids either).
fn assert_clear(lab: &Lab, after: &str) {
    let (code, v) = common::check_json(&lab.toml());
    assert_eq!(code, 0, "{after}: {v:#}");
    assert!(ids(&v).is_empty(), "{after}: findings {:?}", ids(&v));
}

/// Break, check the top finding (and what it says), fix, check all clear.
fn fault(lab: &Lab, name: &str, top: &str, says: &[&str]) {
    let o = lab.lab(&["break", name]);
    assert!(
        o.status.success(),
        "break {name}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let (code, v) = common::check_json(&lab.toml());
    assert_eq!(code, 2, "{name}: exit code, output {v:#}");
    let f = &v["findings"][0];
    assert_eq!(f["id"], top, "{name}: findings {:?}: {f:#}", ids(&v));
    let text = f.to_string();
    for s in says {
        assert!(text.contains(s), "{name}: top finding lacks {s:?}: {f:#}");
    }
    // None of the service findings offers a restart while the cause holds.
    for g in v["findings"].as_array().into_iter().flatten() {
        if matches!(
            g["id"].as_str(),
            Some("port_taken" | "ds_config_invalid" | "service_crash_loop" | "service_down")
        ) && top != "dependency_down"
        {
            assert!(g.get("action").is_none(), "{name}: {g:#}");
        }
    }
    lab.run(&["fix"]);
    assert_clear(lab, &format!("after fixing {name}"));
}

#[test]
fn each_cause_is_named_and_the_healed_lab_is_clear() {
    let Some(lab) = Lab::up("t502dsc") else {
        return;
    };
    let toml = std::fs::read_to_string(lab.toml()).expect("lab.toml");
    assert_clear(&lab, "healthy lab");
    let (_, v) = common::check_json(&lab.toml());
    let hop = |n: &str| {
        v["hops"]
            .as_array()
            .and_then(|a| a.iter().find(|h| h["name"] == n).cloned())
    };

    fault(
        &lab,
        "ds-config-invalid",
        "ds_config_invalid",
        &["local.json", "trailing comma", "column 1"],
    );
    fault(
        &lab,
        "port-taken",
        "port_taken",
        &["taken by nginx (pid", "EADDRINUSE", "not true/false"],
    );
    fault(
        &lab,
        "crash-loop",
        "service_crash_loop",
        &["keeps exiting: Error: Cannot find module", "FATAL"],
    );
    if toml.contains("name = \"redis\"") {
        assert_eq!(hop("redis").expect("redis hop")["state"], "OK");
        fault(
            &lab,
            "redis-down",
            "dependency_down",
            &["redis is down", "Redis connection to", "restart:redis"],
        );
    } else {
        common::skip(
            "redis-down: the lab runs without redis-server (apt-get install redis-server)",
        );
    }
    if is_root() {
        assert_eq!(hop("postgresql").expect("postgresql hop")["state"], "OK");
        fault(
            &lab,
            "postgres-down",
            "dependency_down",
            &["postgresql is down", "PostgreSQL", "restart:postgresql"],
        );
        fault(
            &lab,
            "database-error",
            "database_error",
            &[
                "relation \\\"task_result\\\" does not exist",
                "createdb.sql",
            ],
        );
    } else {
        common::skip(
            "postgres-down and database-error need root (PostgreSQL runs as the postgres user)",
        );
    }
}
