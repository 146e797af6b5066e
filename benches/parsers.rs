//! Parser micro-benchmarks and the frame-render benchmark, as a plain timing loop (no bench
//! framework: keeps `cargo clippy --all-targets` cheap).
//!
//! Run: `cargo bench --bench parsers` (release profile). Each figure is the median of 15
//! batches; a batch runs long enough (≥ 20 ms) that the clock's resolution does not matter.
//!
//! - nginx error line: `Entry::parse` (parse + classify) of a realistic upstream line;
//!   `classify_raw` (the summary fast path) of the same line, for reference.
//! - access line: `AccessLine::parse` of a combined-format line with upstream variables.
//! - Document Server line: `DsEntry::parse` (parse + classify) of an out.log error line.
//! - frame render: `tui::ui::draw` on a ratatui `TestBackend` 150×45 with 10 000 log entries
//!   in the engine's log book (its cap), each its own row (two upstream peers taking turns),
//!   the error-log pane showing the newest; the same with
//!   an empty log book as the reference, and with entries stamped now (inside the pane's
//!   5-minute counter window, as during a flood).

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use triage502::engine::Update;
use triage502::logs::Record;
use triage502::logs::docserver::DsEntry;
use triage502::logs::nginx_access::{AccessFormat, AccessLine};
use triage502::logs::nginx_error::{self, Entry};

const ERR: &str = "2026/11/28 12:54:52 [error] 3121#3121: *18231 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.17, server: office.example.org, request: \"GET /cache/files/data/abc123/output.docx HTTP/1.1\", upstream: \"http://127.0.0.1:8000/cache/files/data/abc123/output.docx\", host: \"office.example.org\"";
const ACCESS: &str = "10.0.0.17 - - [28/Nov/2026:12:54:52 +0000] \"POST /coauthoring/CommandService.ashx HTTP/1.1\" 502 157 \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\" us=\"502, 200\" ua=\"127.0.0.1:8000, 127.0.0.1:8001\" urt=\"0.001, 0.034\"";
const DS: &str = "[2026-11-28T12:54:52.123] [ERROR] [localhost] [docId-1] [userId-1] nodeJS - postData error: url = http://127.0.0.1/callback;data = {\"key\":\"k1\"} Error: connect ECONNREFUSED 127.0.0.1:80";

const CFG: &str = r#"
[[hop]]
name = "nginx"
kind = "tcp"
role = "proxy"
target = "127.0.0.1:80"
[[hop]]
name = "docservice"
kind = "tcp"
role = "upstream"
target = "127.0.0.1:8000"
[logs]
nginx_error = ["/var/log/nginx/error.log"]
"#;

/// Median time per call over 15 batches.
fn bench(name: &str, bytes: Option<usize>, mut f: impl FnMut()) {
    // Calibrate the batch size to about 20 ms.
    let mut n: u64 = 1;
    loop {
        let s = Instant::now();
        for _ in 0..n {
            f();
        }
        if s.elapsed() >= Duration::from_millis(20) || n >= 1 << 30 {
            break;
        }
        n *= 2;
    }
    let mut per: Vec<f64> = (0..15)
        .map(|_| {
            let s = Instant::now();
            for _ in 0..n {
                f();
            }
            s.elapsed().as_secs_f64() / n as f64
        })
        .collect();
    per.sort_by(f64::total_cmp);
    let med = per[per.len() / 2];
    let (lo, hi) = (per[0], per[per.len() - 1]);
    let rate = bytes.map_or(String::new(), |b| {
        format!(", {:.0} MB/s", b as f64 / med / 1e6)
    });
    println!(
        "{name:<44} {:>12} per call (min {}, max {}){rate}",
        fmt(med),
        fmt(lo),
        fmt(hi)
    );
}

fn fmt(secs: f64) -> String {
    if secs >= 1e-3 {
        format!("{:.3} ms", secs * 1e3)
    } else if secs >= 1e-6 {
        format!("{:.2} µs", secs * 1e6)
    } else {
        format!("{:.1} ns", secs * 1e9)
    }
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` does not: then one smoke call each.
    if !std::env::args().any(|a| a == "--bench") {
        smoke();
        return;
    }
    let err = ERR.as_bytes();
    bench(
        "nginx error line: Entry::parse (+classify)",
        Some(err.len()),
        || {
            black_box(Entry::parse(black_box(err), Some(1)));
        },
    );
    bench(
        "nginx error line: classify_raw (fast path)",
        Some(err.len()),
        || {
            black_box(nginx_error::classify_raw(black_box(err)));
        },
    );
    let fmt = AccessFormat::default();
    let acc = ACCESS.as_bytes();
    bench("access line: AccessLine::parse", Some(acc.len()), || {
        black_box(AccessLine::parse(black_box(acc), &fmt));
    });
    let ds = DS.as_bytes();
    bench(
        "Document Server line: DsEntry::parse (+class)",
        Some(ds.len()),
        || {
            black_box(DsEntry::parse(black_box(ds), Some(1)));
        },
    );

    for (n, fresh, filter) in [
        (0, false, None),
        (10_000, false, None),
        (10_000, true, None),
        (10_000, false, Some("DOCX")),
    ] {
        render(n, fresh, filter);
    }
}

/// `fresh`: entries stamped now, so they fall in the pane's 5-minute counter window (as
/// during a flood); else stamped 2026/11/28 12:54:52 (old, outside the window).
/// `filter`: the error-log pane focused, with this text filter (it matches every entry, in
/// another case than written).
fn render(n: u64, fresh: bool, filter: Option<&str>) {
    let (mut term, mut app) = match render_setup(n, fresh) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("frame render: setup failed: {e}");
            return;
        }
    };
    let age = if fresh { "new" } else { "old" };
    let mut how = String::new();
    if let Some(f) = filter {
        app.focus = triage502::tui::Pane::Logs;
        app.filter = f.to_string();
        how = format!(", log pane focused, filter {f:?}");
    }
    bench(
        &format!("frame render: ui::draw 150x45, {n} {age} entries{how}"),
        None,
        || {
            if let Err(e) = term.draw(|f| triage502::tui::ui::draw(f, &app)) {
                eprintln!("draw: {e}");
            }
        },
    );
}

/// The App with `n` nginx error entries applied, and a 150×45 test terminal.
fn render_setup(
    n: u64,
    fresh: bool,
) -> Result<(Terminal<TestBackend>, triage502::tui::App), String> {
    let stamp = chrono::Local::now().format("%Y/%m/%d %H:%M:%S").to_string();
    let cfg = triage502::config::parse(CFG, "bench").map_err(|e| e.to_string())?;
    let mut app = triage502::tui::App::new(
        Arc::new(cfg),
        "bench".into(),
        Arc::new(tokio::sync::Notify::new()),
    );
    let batch: Vec<Record> = (0..n)
        .map(|i| {
            // Two upstream peers taking turns: no two neighbours make one row, so the pane
            // has as many rows as entries (its worst case).
            let mut line = ERR
                .replace("*18231", &format!("*{i}"))
                .replace("output.docx HTTP", &format!("output-{i}.docx HTTP"))
                .replace("127.0.0.1:8000", &format!("127.0.0.1:{}", 8000 + i % 2));
            if fresh {
                line = line.replacen("2026/11/28 12:54:52", &stamp, 1);
            }
            Record::Nginx(Entry::parse(line.as_bytes(), Some(i + 1)))
        })
        .collect();
    app.state.apply(Update::Logs(batch));
    let term = Terminal::new(TestBackend::new(150, 45)).map_err(|e| e.to_string())?;
    Ok((term, app))
}

/// One call of each, for `cargo test --benches`.
fn smoke() {
    assert!(Entry::parse(ERR.as_bytes(), Some(1)).class != triage502::logs::Class::Other);
    let _ = AccessLine::parse(ACCESS.as_bytes(), &AccessFormat::default());
    let _ = DsEntry::parse(DS.as_bytes(), Some(1));
    let (mut t, app) = render_setup(100, true).expect("render setup");
    t.draw(|f| triage502::tui::ui::draw(f, &app)).expect("draw");
    let shown: String = t
        .backend()
        .buffer()
        .content
        .iter()
        .map(|c| c.symbol())
        .collect();
    assert!(shown.contains("upstream_refused"), "the entries are drawn");
}
