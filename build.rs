//! Build facts for `triage502 --version`: the commit the binary was built from and the build
//! date, handed to the crate as `TRIAGE502_COMMIT` and `TRIAGE502_BUILD_DATE` (read them with
//! `env!` / `option_env!`).
//!
//! - The commit is `git rev-parse --short HEAD` run in the crate's folder; "unknown" when git
//!   or the repository is missing (a source tarball). A packager can set `TRIAGE502_COMMIT` in
//!   the build's environment to name it instead.
//! - The date is UTC, `YYYY-MM-DD`: from `SOURCE_DATE_EPOCH` when set (reproducible builds),
//!   else today. The script runs again when the commit moves (`.git/HEAD`, the ref it points
//!   to, `packed-refs`), so the date is that of the build that first saw the commit.
//!
//! No build dependencies: git is run as argv with a bounded output, and the date is civil
//! arithmetic on the Unix day.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    println!("cargo:rerun-if-env-changed=TRIAGE502_COMMIT");
    let dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_else(|| ".".into()));

    let commit = match std::env::var("TRIAGE502_COMMIT") {
        Ok(c) if is_commitish(&c) => c,
        _ => git(&dir, &["rev-parse", "--short", "HEAD"])
            .filter(|c| is_commitish(c))
            .unwrap_or_else(|| "unknown".to_string()),
    };
    for path in git_watch_paths(&dir) {
        println!("cargo:rerun-if-changed={}", path.display());
    }

    let secs = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(s) => match s.trim().parse::<i64>() {
            Ok(n) => n,
            Err(_) => {
                println!("cargo:warning=SOURCE_DATE_EPOCH={s:?} is not a number; using today");
                now()
            }
        },
        Err(_) => now(),
    };
    println!("cargo:rustc-env=TRIAGE502_COMMIT={commit}");
    println!("cargo:rustc-env=TRIAGE502_BUILD_DATE={}", ymd(secs));
}

/// A short or full hex commit id (what reaches the binary is never arbitrary text).
fn is_commitish(s: &str) -> bool {
    (4..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `git ARGS` in `dir`: its first line of output when it succeeds.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout[..out.stdout.len().min(4096)]).into_owned();
    let line = text.lines().next()?.trim().to_string();
    (!line.is_empty()).then_some(line)
}

/// The files whose change means a new commit: HEAD, the ref it points to, packed-refs. Only
/// those that exist: cargo reruns the script on every build for a missing one. `--git-path`
/// finds them in a worktree too (where `.git` is a file and refs live in the common folder).
fn git_watch_paths(dir: &Path) -> Vec<PathBuf> {
    let mut names = vec!["HEAD".to_string(), "packed-refs".to_string()];
    if let Some(r) = git(dir, &["symbolic-ref", "-q", "HEAD"]) {
        names.push(r);
    }
    names
        .iter()
        .filter_map(|n| git(dir, &["rev-parse", "--git-path", n]))
        .map(|p| dir.join(p))
        .filter(|p| p.is_file())
        .collect()
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// `YYYY-MM-DD` (UTC) of a Unix time: days to civil date (Howard Hinnant's algorithm).
fn ymd(secs: i64) -> String {
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}
