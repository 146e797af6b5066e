//! `triage502 logs scan|follow`: arguments and entry points, ready to be wired in `main.rs`:
//!
//! ```ignore
//! LogsCmd::Scan(a) => triage502::logs::cli::run_scan(&a, &mut std::io::stdout(), &mut std::io::stderr()),
//! LogsCmd::Follow(a) => triage502::logs::cli::run_follow(&a).await,
//! ```
//!
//! Exit codes of `logs scan`: 0 every file was read; 1 at least one file could not be read
//! (or a gzip stream was corrupt) but at least one was; 2 nothing could be read, or a usage
//! error (bad `--since`). The output pipe closing early (`| head`) is not an error.
//!
//! `logs follow` runs until SIGINT/SIGTERM/SIGHUP or its output is closed (exit 0), prints one
//! line per entry on stdout and flushes after each, and writes notices (missing file,
//! permission denied, rotation) to stderr. Exit 2 if it cannot start (no files, no runtime
//! facilities).
//!
//! Log lines are written by others (request URIs, Host headers, tokens): every entry leaves
//! through [`crate::sanitize`] — a text line through `field` (one line per entry: control and
//! bidi characters shown as `\x1b`, `\u202e`, a newline inside a field as `\n`), an ndjson
//! object through `json` (every string field, `url` included, with JWTs and known secrets
//! masked). Notices on stderr likewise.

use super::Record;
use super::follow::{FollowConfig, LogEvent, spawn_follower};
use super::parallel::{count_classes_file, threads};
use super::scan::{ClassCounts, ScanOptions, count_classes, open_log, scan_entries};
use crate::tr;
use chrono::{Local, NaiveDate, NaiveDateTime};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Output of `logs scan`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ScanFormat {
    /// One human-readable line per entry.
    #[default]
    Text,
    /// One JSON object per entry.
    Ndjson,
    /// One JSON object `{ "class": count, ... }` over all input (`other` included).
    Summary,
}

/// Output of `logs follow`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum FollowFormat {
    /// One human-readable line per entry.
    #[default]
    Text,
    /// One JSON object per entry (with `file`).
    Ndjson,
}

/// `logs scan FILE... [--format text|ndjson|summary] [--all] [--since TIME]`
#[derive(clap::Args, Debug, Clone)]
pub struct ScanArgs {
    /// nginx error logs or Document Server out.log files; plain or gzip; `-` reads stdin.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ScanFormat::Text)]
    pub format: ScanFormat,
    /// Also print entries of class `other` (text/ndjson).
    #[arg(long)]
    pub all: bool,
    /// Only entries at or after TIME (local time): a time of day `07:25[:00]` (today, or
    /// yesterday when that is still ahead), `2026-11-28 12:00[:00]`, `2026-11-28T12:00:00`,
    /// `2026/11/28 12:00:00`, `2026-11-28`, or relative `90s`, `15m`, `2h`, `1d`.
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
}

/// `logs follow FILE... [--format text|ndjson] [--lines N] [--all]`
#[derive(clap::Args, Debug, Clone)]
pub struct FollowArgs {
    /// Files to follow (they may not exist yet).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FollowFormat::Text)]
    pub format: FollowFormat,
    /// Show the last N classified entries of each file first (found reading backwards).
    #[arg(long, short = 'n', default_value_t = 10, value_name = "N")]
    pub lines: usize,
    /// Also print entries of class `other`.
    #[arg(long)]
    pub all: bool,
}

/// Parse a `--since` value (see [`ScanArgs::since`]).
pub fn parse_since(s: &str, now: NaiveDateTime) -> Option<NaiveDateTime> {
    let s = s.trim();
    for f in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y/%m/%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return Some(t);
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return d.and_hms_opt(0, 0, 0);
    }
    // A time of day: today's, or yesterday's when today's is still ahead.
    for f in ["%H:%M:%S", "%H:%M"] {
        if let Ok(t) = chrono::NaiveTime::parse_from_str(s, f) {
            let today = now.date().and_time(t);
            return if today > now {
                today.checked_sub_signed(chrono::Duration::days(1))
            } else {
                Some(today)
            };
        }
    }
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit())?);
    let n: i64 = num.parse().ok()?;
    let secs = match unit {
        "s" => n,
        "m" | "min" => n.checked_mul(60)?,
        "h" => n.checked_mul(3600)?,
        "d" => n.checked_mul(86400)?,
        _ => return None,
    };
    now.checked_sub_signed(chrono::Duration::try_seconds(secs)?)
}

fn display_name(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

fn is_broken_pipe(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::BrokenPipe
}

/// Run `logs scan`. Returns the exit code (see the module doc).
pub fn run_scan(args: &ScanArgs, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let since = match &args.since {
        None => None,
        Some(s) => match parse_since(s, Local::now().naive_local()) {
            Some(t) => Some(t),
            None => {
                let _ = writeln!(
                    err,
                    "{}",
                    tr!("logs-since-bad", value = crate::sanitize::field(s))
                );
                return 2;
            }
        },
    };
    if args.files.is_empty() {
        let _ = writeln!(err, "{}", tr!("logs-scan-no-file"));
        return 2;
    }
    let opts = ScanOptions {
        all: args.all,
        since,
    };
    let mut out = io::BufWriter::with_capacity(64 * 1024, out);
    let mut total = ClassCounts::default();
    let (mut ok, mut failed) = (0usize, 0usize);
    let mut pipe_closed = false;
    for path in &args.files {
        let name = display_name(path);
        let stdin = path.as_os_str() == "-";
        if args.format == ScanFormat::Summary && !stdin {
            // counted on every core where that pays (see logs::parallel)
            let res = std::fs::File::open(path)
                .and_then(|f| count_classes_file(f, since, threads()))
                .map(|c| total.merge(&c));
            match res {
                Ok(()) => ok += 1,
                Err(e) => {
                    say_io_error(err, &name, &e);
                    failed += 1;
                }
            }
            continue;
        }
        let mut reader: Box<dyn Read + Send> = if stdin {
            Box::new(io::stdin())
        } else {
            match open_log(path) {
                Ok(r) => r,
                Err(e) => {
                    say_io_error(err, &name, &e);
                    failed += 1;
                    continue;
                }
            }
        };
        let res = match args.format {
            ScanFormat::Summary => count_classes(&mut reader, since).map(|c| total.merge(&c)),
            ScanFormat::Text | ScanFormat::Ndjson => {
                let mut write_err: Option<io::Error> = None;
                let r = scan_entries(&mut reader, opts, |mut rec: Record| {
                    rec.set_file(Some(name.clone()));
                    let res = match args.format {
                        ScanFormat::Ndjson => writeln!(out, "{}", crate::sanitize::json(&rec)),
                        _ => writeln!(out, "{}", text_line(&rec)),
                    };
                    match res {
                        Ok(()) => true,
                        Err(e) => {
                            write_err = Some(e);
                            false
                        }
                    }
                });
                if let Some(e) = write_err {
                    if is_broken_pipe(&e) {
                        pipe_closed = true;
                    } else {
                        let _ = writeln!(err, "{}", tr!("logs-write-failed", error = e));
                        return 2;
                    }
                }
                r
            }
        };
        match res {
            Ok(()) => ok += 1,
            Err(e) => {
                say_io_error(err, &name, &e);
                failed += 1;
            }
        }
        if pipe_closed {
            return 0;
        }
    }
    if args.format == ScanFormat::Summary && ok > 0 {
        let map = total.to_map();
        let res = writeln!(out, "{}", crate::sanitize::json(&map));
        if let Err(e) = res
            && !is_broken_pipe(&e)
        {
            let _ = writeln!(err, "{}", tr!("logs-write-failed", error = e));
            return 2;
        }
    }
    if let Err(e) = out.flush()
        && !is_broken_pipe(&e)
    {
        let _ = writeln!(err, "{}", tr!("logs-write-failed", error = e));
        return 2;
    }
    match (ok, failed) {
        (_, 0) => 0,
        (0, _) => 2,
        _ => 1,
    }
}

/// `triage502: NAME: what went wrong` on stderr.
fn say_io_error(err: &mut dyn Write, name: &str, e: &io::Error) {
    let _ = writeln!(
        err,
        "triage502: {}: {}",
        crate::sanitize::field(name),
        describe_io(e)
    );
}

fn describe_io(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => tr!("logs-io-not-found"),
        io::ErrorKind::PermissionDenied => tr!("logs-io-denied"),
        _ => e.to_string(),
    }
}

/// One entry as one line of text, safe for a terminal (see the module doc).
pub fn text_line(rec: &Record) -> String {
    crate::sanitize::field(&rec.to_text())
}

/// Render one follow event as output lines, one per entry (none: not for stdout).
pub fn render_event(ev: &LogEvent, format: FollowFormat) -> Vec<String> {
    match ev {
        LogEvent::Entries { source, entries } => {
            let file = display_name(source);
            entries
                .iter()
                .map(|entry| {
                    let mut rec = entry.clone();
                    rec.set_file(Some(file.clone()));
                    match format {
                        FollowFormat::Ndjson => crate::sanitize::json(&rec),
                        FollowFormat::Text => text_line(&rec),
                    }
                })
                .collect()
        }
        LogEvent::Notice { .. } | LogEvent::Synced => Vec::new(),
    }
}

/// Run `logs follow` until SIGINT, SIGTERM or SIGHUP, or stdout is closed. Returns the exit
/// code.
pub async fn run_follow(args: &FollowArgs) -> i32 {
    let cfg = FollowConfig {
        files: args.files.clone(),
        backlog: args.lines,
        all: args.all,
        ..FollowConfig::default()
    };
    let (handle, mut rx) = match spawn_follower(cfg) {
        Ok(x) => x,
        Err(e) => {
            crate::say_err!("{}", tr!("logs-follow-failed", error = e));
            return 2;
        }
    };
    let stop = match crate::util::stop_signal() {
        Ok(s) => s,
        Err(e) => {
            crate::say_err!("{}", tr!("logs-follow-no-signals", error = e));
            return 2;
        }
    };
    tokio::pin!(stop);
    let code = loop {
        tokio::select! {
            ev = rx.recv() => {
                let Some(ev) = ev else { break 0 };
                if let LogEvent::Notice {
                    path, kind, message, ..
                } = &ev
                {
                    crate::say_err!(
                        "triage502: {}: {kind}: {}",
                        crate::sanitize::field(&display_name(path)),
                        crate::sanitize::field(message)
                    );
                    continue;
                }
                let lines = render_event(&ev, args.format);
                if !lines.is_empty() {
                    let mut so = io::stdout().lock();
                    let wrote = lines.iter().try_for_each(|l| writeln!(so, "{l}"));
                    if wrote.and_then(|()| so.flush()).is_err() {
                        break 0;
                    }
                }
            }
            _ = &mut stop => break 0,
        }
    };
    drop(rx);
    handle.stop();
    tokio::time::sleep(Duration::from_millis(10)).await;
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture_path(rel: &str) -> PathBuf {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        root.join("tests/fixtures").join(rel)
    }

    fn run(args: &ScanArgs) -> (i32, String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = run_scan(args, &mut out, &mut err);
        (
            code,
            String::from_utf8(out).expect("utf8 out"),
            String::from_utf8(err).expect("utf8 err"),
        )
    }

    fn args(files: Vec<PathBuf>, format: ScanFormat) -> ScanArgs {
        ScanArgs {
            files,
            format,
            all: false,
            since: None,
        }
    }

    #[test]
    fn summary_over_two_files() {
        let a = args(
            vec![
                fixture_path("nginx/error-upstream-failures.log"),
                fixture_path("nginx/error-pool-and-rotation.log"),
            ],
            ScanFormat::Summary,
        );
        let (code, out, err) = run(&a);
        assert_eq!(code, 0, "{err}");
        let v: serde_json::Value = serde_json::from_str(out.trim()).expect("json");
        assert_eq!(v["upstream_refused"], 5);
        assert_eq!(v["other"], 10);
        assert_eq!(v["no_live_upstreams"], 2);
        assert!(v.get("ds_rabbitmq").is_none());
    }

    #[test]
    fn ndjson_objects_and_all() {
        let mut a = args(
            vec![fixture_path("nginx/error-upstream-failures.log")],
            ScanFormat::Ndjson,
        );
        let (code, out, _) = run(&a);
        assert_eq!(code, 0);
        let objs: Vec<serde_json::Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).expect("json line"))
            .collect();
        assert_eq!(objs.len(), 17);
        assert_eq!(objs[0]["line"], 1);
        assert_eq!(objs[0]["class"], "upstream_refused");
        assert_eq!(objs[0]["errno"], 111);
        assert!(objs.iter().all(|o| o["class"] != "other"));
        assert_eq!(objs[16]["line"], 21);
        a.all = true;
        let (_, out, _) = run(&a);
        assert_eq!(out.lines().count(), 18);
    }

    #[test]
    fn text_output_and_exit_codes() {
        let good = fixture_path("nginx/error-pool-and-rotation.log");
        let missing = PathBuf::from("/nonexistent/error.log");
        let (code, out, _) = run(&args(vec![good.clone()], ScanFormat::Text));
        assert_eq!(code, 0);
        assert!(out.lines().next().is_some_and(|l| {
            l.contains(":1 2026-11-28 12:55:17 [error] upstream_refused (502): connect() failed")
        }));
        let (code, out, err) = run(&args(vec![good, missing.clone()], ScanFormat::Text));
        assert_eq!(code, 1);
        assert!(!out.is_empty());
        assert!(err.contains("no such file"));
        let (code, _, _) = run(&args(vec![missing], ScanFormat::Summary));
        assert_eq!(code, 2);
        let mut bad = args(
            vec![fixture_path("nginx/error-pool-and-rotation.log")],
            ScanFormat::Text,
        );
        bad.since = Some("yesterday-ish".into());
        assert_eq!(run(&bad).0, 2);
    }

    #[test]
    fn since_parsing() {
        let now = NaiveDateTime::parse_from_str("2026-11-28 12:00:00", "%Y-%m-%d %H:%M:%S")
            .expect("valid");
        let p = |s| parse_since(s, now).map(|t| t.to_string());
        assert_eq!(p("2h").as_deref(), Some("2026-11-28 10:00:00"));
        assert_eq!(p("2026-11-27").as_deref(), Some("2026-11-27 00:00:00"));
        assert_eq!(
            p("2026/11/28 11:59:00").as_deref(),
            Some("2026-11-28 11:59:00")
        );
        assert_eq!(
            p("2026-11-28T11:30").as_deref(),
            Some("2026-11-28 11:30:00")
        );
        // A time of day: today, or yesterday when it is still ahead.
        assert_eq!(p("07:25").as_deref(), Some("2026-11-28 07:25:00"));
        assert_eq!(p("11:59:30").as_deref(), Some("2026-11-28 11:59:30"));
        assert_eq!(p("13:00").as_deref(), Some("2026-11-27 13:00:00"));
        assert_eq!(p("25:00"), None);
        assert_eq!(p("soon"), None);
        assert_eq!(p("99999999999999999999d"), None);
    }
}
