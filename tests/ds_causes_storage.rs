//! End to end on the lab through the real binary: the Document Server failing to fetch the
//! document from the storage or to post the result back. For each fault `lab break F` runs one
//! conversion through the lab's nginx (the stand-in's converter logs the failure in the
//! Document Server's format at that moment) and `check --format json` names the cause on a
//! chain whose every hop is green; the healthy lab has none of these ids; `lab fix` restarts
//! docservice, and the lines — still in the log window — are history (no finding).

mod common;

use common::{Lab, finding_ids as ids};
use serde_json::Value;

/// The ids of this part of issue 16.
const IDS: [&str; 7] = [
    "storage_denied",
    "storage_unreachable",
    "private_ip_blocked",
    "document_too_large",
    "tls_problem",
    "callback_failed",
    "callback_redirect",
];

fn assert_none_of_ours(v: &Value, when: &str) {
    let found: Vec<String> = ids(v)
        .into_iter()
        .filter(|i| IDS.contains(&i.as_str()))
        .collect();
    assert!(found.is_empty(), "{when}: {found:?} in {v:#}");
}

fn all_hops_green(v: &Value) -> bool {
    v["hops"]
        .as_array()
        .is_some_and(|a| !a.is_empty() && a.iter().all(|h| h["state"] == "OK"))
}

fn read(lab: &Lab, rel: &str) -> String {
    std::fs::read_to_string(lab.dir.join(rel)).unwrap_or_default()
}

/// Break, check the top finding on a green chain and its evidence, fix, check it is history.
fn fault(lab: &Lab, name: &str, id: &str, evidence: &[&str], log: &str, line: &str) {
    lab.run(&["break", name]);
    assert!(
        read(lab, log).contains(line),
        "{name}: {log} lacks {line:?}"
    );
    let (code, v) = common::check_json(&lab.toml());
    assert!(
        all_hops_green(&v),
        "{name}: the chain should stay green: {v:#}"
    );
    assert_eq!(code, 2, "{name}: exit code: {v:#}");
    let top = &v["findings"][0];
    assert_eq!(top["id"], id, "{name}: top finding; ids {:?}", ids(&v));
    let text = top.to_string();
    for e in evidence {
        assert!(text.contains(e), "{name}: {e:?} missing in {top:#}");
    }
    assert!(
        top["evidence"]
            .as_array()
            .is_some_and(|a| a.iter().any(|e| e["source"]
                .as_str()
                .is_some_and(|s| s.starts_with("log:") && s.contains(log)))),
        "{name}: the evidence cites {log}: {top:#}"
    );
    let starts = read(lab, "logs/docservice/out.log")
        .matches("Express server listening")
        .count();
    lab.run(&["fix"]);
    assert!(
        read(lab, "logs/docservice/out.log")
            .matches("Express server listening")
            .count()
            > starts,
        "{name}: fix restarts docservice"
    );
    // The failure lines are still in the log window: only the restart makes them history.
    assert!(read(lab, log).contains(line), "{name}: {log} lost {line:?}");
    let (code, v) = common::check_json(&lab.toml());
    assert_none_of_ours(&v, &format!("after fixing {name}"));
    assert_eq!(code, 0, "after fixing {name}: {v:#}");
}

#[test]
fn each_storage_and_callback_fault_is_its_finding_on_a_green_chain_and_history_after_fix() {
    let Some(lab) = Lab::up("hstore-lab") else {
        return;
    };
    let (code, v) = common::check_json(&lab.toml());
    assert_none_of_ours(&v, "healthy lab");
    assert_eq!(code, 0, "healthy lab: {v:#}");
    let conv = "logs/converter/out.log";
    fault(
        &lab,
        "storage-denied",
        "storage_denied",
        &["HTTP 403", "integration:storage", "secret.outbox.string"],
        conv,
        "statusCode:403",
    );
    fault(
        &lab,
        "storage-unreachable",
        "storage_unreachable",
        &["ECONNREFUSED", "Nothing accepts connections"],
        conv,
        "code:ECONNREFUSED",
    );
    fault(
        &lab,
        "storage-tls",
        "tls_problem",
        &["127.0.0.1", "certificate"],
        conv,
        "code:UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    );
    fault(
        &lab,
        "storage-private-ip",
        "private_ip_blocked",
        &["private IP address", "allowPrivateIPAddress = true"],
        conv,
        "is not allowed. Because, It is private IP address.",
    );
    fault(
        &lab,
        "document-too-large",
        "document_too_large",
        &["EMSGSIZE", "maxDownloadBytes is 1024 bytes"],
        conv,
        "code:EMSGSIZE",
    );
    fault(
        &lab,
        "callback-failed",
        "callback_failed",
        &["HTTP 500", "/callback", "1 callback"],
        "logs/docservice/out.log",
        "postData error: url = ",
    );
}

#[test]
fn converter_faults_write_the_converters_lines_at_break_time() {
    let Some(lab) = Lab::up("hstore-lab") else {
        return;
    };
    lab.run(&["break", "converter-hang"]);
    let nginx = read(&lab, "logs/nginx/error.log");
    assert!(
        nginx
            .lines()
            .any(|l| l.contains("upstream timed out") && l.contains("POST /ConvertService.ashx")),
        "nginx read timeout on ConvertService.ashx: {nginx}"
    );
    assert!(read(&lab, "logs/converter/out.log").contains("receiveTask timeout 3000"));
    let (_, v) = common::check_json(&lab.toml());
    assert_eq!(
        ids(&v).first().map(String::as_str),
        Some("converter_timeout"),
        "converter-hang: the hung converter is the top finding: {v:#}"
    );
    lab.run(&["fix"]);
    lab.run(&["break", "x2t-killed"]);
    let conv = read(&lab, "logs/converter/out.log");
    assert!(conv.contains("error spawnAsync(id="), "{conv}");
    assert!(
        conv.contains(&format!(
            "Error: {}/x2t/x2t exited with signal: SIGKILL",
            lab.dir.display()
        )),
        "{conv}"
    );
    assert!(
        conv.contains("ExitCode (code=null;signal=SIGKILL;error:-80)"),
        "{conv}"
    );
    let (_, v) = common::check_json(&lab.toml());
    assert_none_of_ours(&v, "x2t-killed (a converter cause, not a delivery)");
    assert_eq!(
        ids(&v).first().map(String::as_str),
        Some("oom_killed"),
        "x2t-killed: the killed converter is the top finding: {v:#}"
    );
    lab.run(&["fix"]);
    let (_, v) = common::check_json(&lab.toml());
    assert!(
        !ids(&v)
            .iter()
            .any(|i| i == "oom_killed" || i == "converter_timeout"),
        "after fix the converter's lines are history: {v:#}"
    );
}
