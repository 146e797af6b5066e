//! `triage502 --version` names the commit the binary was built from and the build date (set by
//! build.rs). The packages themselves are tested by scripts/install-test.sh (run by
//! scripts/test-all.sh after the cargo tests: it needs the release build).

mod common;

use std::process::Command;

/// The commit `git rev-parse --short HEAD` gives for the checkout, if git and the repository
/// are there (a source tarball has neither: the binary then says "unknown").
fn head_commit() -> Option<String> {
    let out = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .filter(|c| !c.is_empty())
}

#[test]
fn version_names_the_commit_and_the_build_date() {
    let out = Command::new(common::bin())
        .arg("--version")
        .output()
        .expect("run --version");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.trim_end();
    let rest = line
        .strip_prefix(&format!("triage502 {} (commit ", env!("CARGO_PKG_VERSION")))
        .unwrap_or_else(|| panic!("version line: {line:?}"));
    let (commit, date) = rest
        .strip_suffix(')')
        .and_then(|r| r.split_once(", built "))
        .unwrap_or_else(|| panic!("version line: {line:?}"));
    match head_commit() {
        Some(head) => assert_eq!(commit, head, "{line}"),
        None => assert_eq!(commit, "unknown", "{line}"),
    }
    // YYYY-MM-DD, a real date (build.rs computes it from the clock or SOURCE_DATE_EPOCH).
    let parsed = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d");
    assert!(
        parsed.is_ok() && date.len() == 10,
        "build date {date:?} in {line:?}"
    );
    // The man page's VERSION section says the same.
    let man = Command::new(common::bin())
        .arg("man")
        .output()
        .expect("run man");
    let page = String::from_utf8_lossy(&man.stdout);
    assert!(
        page.contains(&format!("commit {commit}")),
        "man page: {page}"
    );
}
