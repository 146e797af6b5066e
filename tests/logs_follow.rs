//! The follower end to end: a writer appends numbered nginx error lines while the file is
//! rotated by rename+create, by copytruncate and by delete+recreate; every numbered entry must
//! come out exactly once. Also a flood through a tiny channel (backpressure, nothing lost),
//! and the ndjson rendering used by `logs follow --format ndjson`.

mod common;

use std::collections::BTreeSet;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::mpsc::Receiver;
use triage502::logs::Record;
use triage502::logs::cli::{FollowFormat, render_event};
use triage502::logs::follow::{FollowConfig, FollowHandle, LogEvent, NoticeKind, spawn_follower};

fn line(n: u64) -> String {
    format!(
        "2026/11/28 12:00:00 [error] 1#1: *{n} connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: s, request: \"GET /n/{n} HTTP/1.1\", upstream: \"http://10.0.0.2:80/n/{n}\", host: \"h\"\n"
    )
}

fn noise(n: u64) -> String {
    format!("2026/11/28 12:00:00 [info] 1#1: *{n} client 10.0.0.1 closed keepalive connection\n")
}

fn append_handle(p: &Path) -> File {
    OpenOptions::new()
        .append(true)
        .create(true)
        .open(p)
        .expect("open for append")
}

fn cfg(p: &Path) -> FollowConfig {
    FollowConfig {
        files: vec![p.to_path_buf()],
        backlog: 0,
        ..FollowConfig::default()
    }
}

/// Collect entry numbers until `want` distinct ones arrived (or the deadline), keeping
/// duplicates visible.
async fn collect(
    rx: &mut Receiver<LogEvent>,
    got: &mut Vec<u64>,
    notices: &mut Vec<NoticeKind>,
    want: usize,
    deadline: Duration,
) {
    collect_seen(rx, got, notices, want, deadline, None).await;
}

/// [`collect`], recording the highest entry number seen in `seen` (a writer that rotates
/// waits on it, as logrotate never rotates twice before the follower's next look).
async fn collect_seen(
    rx: &mut Receiver<LogEvent>,
    got: &mut Vec<u64>,
    notices: &mut Vec<NoticeKind>,
    want: usize,
    deadline: Duration,
    seen: Option<&AtomicU64>,
) {
    let end = Instant::now() + deadline;
    let mut distinct: BTreeSet<u64> = got.iter().copied().collect();
    while distinct.len() < want {
        let left = end.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, rx.recv()).await {
            Ok(Some(LogEvent::Entries { entries, .. })) => {
                for r in entries {
                    let Record::Nginx(e) = r else { continue };
                    let n = e.cid.expect("numbered lines carry a connection number");
                    if let Some(s) = seen {
                        s.fetch_max(n, Ordering::SeqCst);
                    }
                    got.push(n);
                    distinct.insert(n);
                }
            }
            Ok(Some(LogEvent::Notice { kind, .. })) => notices.push(kind),
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => break,
        }
    }
}

fn assert_exactly_once(got: &[u64], range: std::ops::RangeInclusive<u64>) {
    let want: Vec<u64> = range.collect();
    let mut sorted = got.to_vec();
    sorted.sort_unstable();
    let dups = sorted.windows(2).filter(|w| w[0] == w[1]).count();
    assert_eq!(dups, 0, "duplicated entries");
    let missing: Vec<u64> = want
        .iter()
        .filter(|n| sorted.binary_search(n).is_err())
        .copied()
        .take(10)
        .collect();
    assert!(
        missing.is_empty(),
        "missing entries, first ones: {missing:?}"
    );
    assert_eq!(sorted, want);
}

/// Waits for entries 1..=n (30 s at most) and for the writer, then 600 ms more so that
/// anything late or doubled shows; stops the follower, checks that each entry came exactly
/// once, and returns the notices seen.
async fn all_exactly_once(
    rx: &mut Receiver<LogEvent>,
    writer: std::thread::JoinHandle<()>,
    handle: FollowHandle,
    n: u64,
) -> Vec<NoticeKind> {
    all_exactly_once_seen(rx, writer, handle, n, None).await
}

/// [`all_exactly_once`], recording progress in `seen` (see [`collect_seen`]).
async fn all_exactly_once_seen(
    rx: &mut Receiver<LogEvent>,
    writer: std::thread::JoinHandle<()>,
    handle: FollowHandle,
    n: u64,
    seen: Option<&AtomicU64>,
) -> Vec<NoticeKind> {
    let (mut got, mut notices) = (Vec::new(), Vec::new());
    let want = usize::try_from(n).expect("small n");
    collect_seen(
        rx,
        &mut got,
        &mut notices,
        want,
        Duration::from_secs(30),
        seen,
    )
    .await;
    writer.join().expect("writer");
    collect(
        rx,
        &mut got,
        &mut notices,
        want + 1,
        Duration::from_millis(600),
    )
    .await;
    handle.stop();
    assert_exactly_once(&got, 1..=n);
    notices
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rename_create_rotation_during_writes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("error.log");
    File::create(&p).expect("create");
    let (handle, mut rx) = spawn_follower(cfg(&p)).expect("spawn");
    let p2 = p.clone();
    let seen = Arc::new(AtomicU64::new(0));
    let seen_w = seen.clone();
    let writer = std::thread::spawn(move || {
        let mut f = append_handle(&p2);
        for i in 1..=3000u64 {
            f.write_all(line(i).as_bytes()).expect("write");
            if i % 3 == 0 {
                f.write_all(noise(i).as_bytes()).expect("write");
            }
            if i % 1000 == 0 && i < 3000 {
                // logrotate rotates a file once a day, not twice within one look of the
                // follower: before renaming the file created at the last rotation, wait
                // (bounded) until its first entry came through.
                if i > 1000 {
                    common::wait_until(Duration::from_secs(20), || {
                        seen_w.load(Ordering::SeqCst) > i - 1000 + 10
                    });
                }
                // logrotate renames; nginx keeps writing to the old file until USR1
                std::fs::rename(&p2, p2.with_extension(format!("log.{}", i / 1000)))
                    .expect("rename");
            }
            if i % 1000 == 10 && i > 1000 {
                f = File::create(&p2).expect("recreate"); // reopen after USR1
            }
            if i % 100 == 0 {
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    });
    let notices = all_exactly_once_seen(&mut rx, writer, handle, 3000, Some(&seen)).await;
    assert!(notices.contains(&NoticeKind::Rotated), "{notices:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copytruncate_rotation_during_writes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("error.log");
    File::create(&p).expect("create");
    let (handle, mut rx) = spawn_follower(cfg(&p)).expect("spawn");
    let (mut got, mut notices) = (Vec::new(), Vec::new());
    let mut next = 1u64;
    for round in 0..4u64 {
        // each round writes more than the previous one, so the file regrows past the old
        // offset right after the truncation
        let mut f = append_handle(&p);
        let n = 300 + round * 200;
        for _ in 0..n {
            f.write_all(line(next).as_bytes()).expect("write");
            next += 1;
        }
        drop(f);
        collect(
            &mut rx,
            &mut got,
            &mut notices,
            (next - 1) as usize,
            Duration::from_secs(20),
        )
        .await;
        // copytruncate: copy, then truncate in place (the writer keeps its O_APPEND handle)
        std::fs::copy(&p, dir.path().join(format!("error.log.{round}"))).expect("copy");
        OpenOptions::new()
            .write(true)
            .open(&p)
            .and_then(|f| f.set_len(0))
            .expect("truncate");
    }
    let mut f = append_handle(&p);
    for _ in 0..50 {
        f.write_all(line(next).as_bytes()).expect("write");
        next += 1;
    }
    collect(
        &mut rx,
        &mut got,
        &mut notices,
        (next - 1) as usize,
        Duration::from_secs(20),
    )
    .await;
    collect(
        &mut rx,
        &mut got,
        &mut notices,
        next as usize,
        Duration::from_millis(600),
    )
    .await;
    handle.stop();
    assert_exactly_once(&got, 1..=next - 1);
    assert!(notices.contains(&NoticeKind::Truncated), "{notices:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_and_recreate_during_writes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("error.log");
    File::create(&p).expect("create");
    let (handle, mut rx) = spawn_follower(cfg(&p)).expect("spawn");
    let p2 = p.clone();
    let writer = std::thread::spawn(move || {
        let mut f = append_handle(&p2);
        for i in 1..=2000u64 {
            f.write_all(line(i).as_bytes()).expect("write");
            if i % 500 == 0 && i < 2000 {
                std::fs::remove_file(&p2).expect("delete");
                std::thread::sleep(Duration::from_millis(300));
                f = File::create(&p2).expect("recreate");
            }
            if i % 100 == 0 {
                std::thread::sleep(Duration::from_millis(2));
            }
        }
    });
    let notices = all_exactly_once(&mut rx, writer, handle, 2000).await;
    assert!(notices.contains(&NoticeKind::Missing), "{notices:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flood_through_a_tiny_channel_loses_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("error.log");
    File::create(&p).expect("create");
    let mut c = cfg(&p);
    c.channel_capacity = 4;
    let (handle, mut rx) = spawn_follower(c).expect("spawn");
    let p2 = p.clone();
    let writer = std::thread::spawn(move || {
        let mut f = append_handle(&p2);
        let mut batch = String::new();
        for i in 1..=50_000u64 {
            batch.push_str(&line(i));
            batch.push_str(&noise(i));
            if i % 1000 == 0 {
                f.write_all(batch.as_bytes()).expect("write");
                batch.clear();
            }
        }
    });
    let (mut got, mut notices) = (Vec::new(), Vec::new());
    // a slow start on the consumer side: the follower must wait, not drop
    tokio::time::sleep(Duration::from_millis(300)).await;
    collect(
        &mut rx,
        &mut got,
        &mut notices,
        50_000,
        Duration::from_secs(60),
    )
    .await;
    writer.join().expect("writer");
    handle.stop();
    assert_exactly_once(&got, 1..=50_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_file_appears_later_and_ndjson_rendering() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p: PathBuf = dir.path().join("sub").join("error.log");
    let (handle, mut rx) = spawn_follower(cfg(&p)).expect("spawn");
    let first = tokio::time::timeout(Duration::from_secs(5), rx.recv())
        .await
        .expect("a notice")
        .expect("open channel");
    assert!(matches!(
        first,
        LogEvent::Notice {
            kind: NoticeKind::Missing,
            ..
        }
    ));
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(&p, format!("{}{}", line(1), line(2))).expect("write");
    let mut rendered = Vec::new();
    let end = Instant::now() + Duration::from_secs(10);
    while rendered.len() < 2 && Instant::now() < end {
        if let Ok(Some(ev)) = tokio::time::timeout(Duration::from_secs(1), rx.recv()).await {
            rendered.extend(render_event(&ev, FollowFormat::Ndjson));
        }
    }
    handle.stop();
    assert_eq!(rendered.len(), 2);
    let v: serde_json::Value = serde_json::from_str(&rendered[0]).expect("json");
    assert_eq!(v["class"], "upstream_refused");
    assert_eq!(v["line"], 1, "a file that appears is read from its start");
    assert_eq!(v["upstream"], "http://10.0.0.2:80/n/1");
    assert!(v["file"].as_str().is_some_and(|f| f.ends_with("error.log")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn permission_denied_is_reported_and_retried() {
    // root reads everything: nothing to test there
    if unsafe { libc::geteuid() } == 0 {
        return common::skip(common::NON_ROOT);
    }
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("error.log");
    std::fs::write(&p, line(1)).expect("write");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let (handle, mut rx) = spawn_follower(cfg(&p)).expect("spawn");
    let first = tokio::time::timeout(Duration::from_secs(5), rx.recv())
        .await
        .expect("a notice")
        .expect("open channel");
    assert!(matches!(
        first,
        LogEvent::Notice {
            kind: NoticeKind::PermissionDenied,
            ..
        }
    ));
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let (mut got, mut notices) = (Vec::new(), Vec::new());
    collect(&mut rx, &mut got, &mut notices, 1, Duration::from_secs(5)).await;
    handle.stop();
    assert_eq!(got, vec![1]);
}
