//! Following live logs through rotation (`logs follow` and the console's log pane).
//!
//! [`spawn_follower`] starts one background thread that follows several files and sends owned
//! [`LogEvent`]s over a bounded `tokio::sync::mpsc` channel. The thread does blocking file I/O
//! (cheap, local) and is woken by `notify` events on the files' parent directories, with a
//! periodic stat as fallback (inotify misses events on some filesystems; NFS has none).
//!
//! Per file:
//! - At start, the last N classified entries are found by reading **backwards** from the end in
//!   growing windows (64 KiB, ×4, up to [`FollowConfig::max_backlog_bytes`]); following then
//!   starts at the end. A file missing at start is followed from its start once it appears.
//! - **rename + create** and **delete + recreate**: the path then names another inode. The old
//!   descriptor is read to its end first (nginx keeps writing to it until it reopens its logs),
//!   then the new file is followed from its start.
//! - **copytruncate**: the size is below the read offset, *or* the 64 bytes just before the
//!   read offset no longer match what was read there (the file was truncated and has grown
//!   again past the old offset). Then reading restarts at 0. Lines written between logrotate's
//!   copy and its truncate and not yet read are in the rotated copy only: copytruncate itself
//!   loses them for every reader.
//! - **permission denied** / **missing**: a notice once, then retried on every tick.
//!
//! Memory is bounded whatever the flood: reads are 256 KiB blocks, at most 4 MiB per file per
//! round, lines and entries are capped ([`super::lines::MAX_LINE_BYTES`],
//! [`super::nginx_error::MAX_ENTRY_BYTES`]), and the channel is bounded. When the channel is
//! full the follower waits (backpressure): nothing is dropped, the unread bytes stay on disk.
//!
//! An entry is complete when the next entry starts or when the reader reaches the end of the
//! file with no partial line pending (nginx and Document Server write a multi-line entry in
//! one `write()`), so an appended line is seen within one tick (≤ 250 ms, usually at once).

use super::backlog::backlog_counted;
pub use super::backlog::read_backlog;
use super::lines::LineSplitter;
use super::{Class, EntryAssembler, LogFormat, Record};
use crate::{tr, tr_in};
use serde::Serialize;
use std::fmt;
use std::fs::File;
use std::io::{self, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;
use tokio::sync::mpsc;

/// What to follow and how.
#[derive(Clone, Debug)]
pub struct FollowConfig {
    /// Files to follow (may not exist yet).
    pub files: Vec<PathBuf>,
    /// Last N classified entries of each file emitted first.
    pub backlog: usize,
    /// Emit `other` entries too.
    pub all: bool,
    /// Stat fallback period.
    pub poll_interval: Duration,
    /// Watch parent directories with notify (in addition to polling).
    pub use_notify: bool,
    /// Channel capacity (events; a batch of entries, see [`LogEvent::Entries`], is one).
    pub channel_capacity: usize,
    /// Most bytes read backwards to find the backlog.
    pub max_backlog_bytes: u64,
    /// Force a format instead of detecting it from the file's content.
    pub format: Option<LogFormat>,
}

impl Default for FollowConfig {
    fn default() -> Self {
        FollowConfig {
            files: Vec::new(),
            backlog: 10,
            all: false,
            poll_interval: Duration::from_millis(250),
            use_notify: true,
            channel_capacity: 16,
            max_backlog_bytes: 64 << 20,
            format: None,
        }
    }
}

/// Kinds of notices about a followed file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// The file does not exist (at start, or it went away).
    Missing,
    /// Cannot stat or open it; retrying.
    PermissionDenied,
    /// A file appeared where there was none; followed from its start.
    Appeared,
    /// The path now names another file (rename+create, delete+recreate).
    Rotated,
    /// The file was truncated (copytruncate), possibly grown again since.
    Truncated,
    /// Another I/O error; retrying.
    Error,
}

impl NoticeKind {
    /// The word of the kind in `l` (its `Display` is the current language's).
    pub fn word_in(self, l: crate::i18n::Lang) -> String {
        match self {
            NoticeKind::Missing => tr_in!(l, "logs-notice-missing"),
            NoticeKind::PermissionDenied => tr_in!(l, "logs-notice-denied"),
            NoticeKind::Appeared => tr_in!(l, "logs-notice-appeared"),
            NoticeKind::Rotated => tr_in!(l, "logs-notice-rotated"),
            NoticeKind::Truncated => tr_in!(l, "logs-notice-truncated"),
            NoticeKind::Error => tr_in!(l, "logs-notice-error"),
        }
    }
}

impl fmt::Display for NoticeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.word_in(crate::i18n::current()))
    }
}

/// What the follower sends.
#[derive(Clone, Debug, PartialEq)]
pub enum LogEvent {
    /// Complete entries of one file, in order: what one read of it found (one event per read
    /// rather than per entry, so a flood costs one channel send per read). An entry's `line`
    /// is `None` when the follower started in the middle of the file (line numbers unknown
    /// without reading it all).
    Entries {
        source: PathBuf,
        entries: Vec<Record>,
    },
    /// Something happened to a file.
    Notice {
        path: PathBuf,
        kind: NoticeKind,
        /// In the current language.
        message: String,
        /// The same in English, for records on disk (the console's journal).
        message_en: String,
    },
    /// Answers one [`FollowHandle::sync`]: every file was read to its end (at most
    /// [`SYNC_POLLS`] rounds) after the request, and what that found was sent before this.
    Synced,
}

/// The receiving side went away.
#[derive(Debug)]
pub struct Closed;

/// Where events go (the channel in production, a Vec in unit tests).
pub trait Sink {
    /// Deliver one event, waiting if needed.
    fn send(&mut self, ev: LogEvent) -> Result<(), Closed>;
}

impl Sink for Vec<LogEvent> {
    fn send(&mut self, ev: LogEvent) -> Result<(), Closed> {
        self.push(ev);
        Ok(())
    }
}

struct ChannelSink {
    tx: mpsc::Sender<LogEvent>,
    stop: Arc<AtomicBool>,
    /// Small runtime used only to wait for channel capacity (with a timeout, so that a stop
    /// request is noticed even when nobody reads the channel).
    rt: tokio::runtime::Runtime,
}

impl Sink for ChannelSink {
    fn send(&mut self, ev: LogEvent) -> Result<(), Closed> {
        let mut ev = match self.tx.try_send(ev) {
            Ok(()) => return Ok(()),
            Err(mpsc::error::TrySendError::Closed(_)) => return Err(Closed),
            Err(mpsc::error::TrySendError::Full(back)) => back,
        };
        // Backpressure: wait for room; nothing is dropped.
        loop {
            if self.stop.load(Ordering::Relaxed) {
                return Err(Closed);
            }
            let res = self
                .rt
                .block_on(self.tx.send_timeout(ev, Duration::from_millis(100)));
            match res {
                Ok(()) => return Ok(()),
                Err(mpsc::error::SendTimeoutError::Closed(_)) => return Err(Closed),
                Err(mpsc::error::SendTimeoutError::Timeout(back)) => ev = back,
            }
        }
    }
}

/// Most rounds of reading (each at most 4 MiB per file) a [`FollowHandle::sync`] waits for
/// before it is answered, in a flood.
pub const SYNC_POLLS: usize = 16;

/// Why the follower thread wakes up.
#[derive(Debug)]
enum Wake {
    /// Something changed in a watched directory.
    Changed,
    /// [`FollowHandle::sync`].
    Sync,
}

/// Handle on a running follower; dropping it stops the follower.
#[derive(Debug)]
pub struct FollowHandle {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    wake: std::sync::mpsc::Sender<Wake>,
}

impl FollowHandle {
    /// Ask the follower to read every file to its end now (what was written up to this call);
    /// a [`LogEvent::Synced`] follows what it found. Used by `check` to read, after its probe
    /// round, what the round caused.
    pub fn sync(&self) {
        let _ = self.wake.send(Wake::Sync);
    }

    /// Stop the follower and wait for its thread.
    pub fn stop(mut self) {
        self.stop_inner();
    }

    fn stop_inner(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Wake the thread from its wait for the next tick.
        let _ = self.wake.send(Wake::Changed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for FollowHandle {
    fn drop(&mut self) {
        self.stop_inner();
    }
}

/// Start following. Events arrive on the returned receiver until the handle is dropped or
/// stopped, or the receiver is dropped.
pub fn spawn_follower(cfg: FollowConfig) -> io::Result<(FollowHandle, mpsc::Receiver<LogEvent>)> {
    if cfg.files.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            tr!("logs-follow-no-files"),
        ));
    }
    let (tx, rx) = mpsc::channel(cfg.channel_capacity.max(1));
    let stop = Arc::new(AtomicBool::new(false));
    let stop2 = stop.clone();
    // Open the files and read their backlog now, so that following starts exactly when this
    // function returns (callers may start writing right after).
    let mut follower = Follower::new(&cfg);
    let mut initial: Vec<LogEvent> = Vec::new();
    let _ = follower.start(&mut initial);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    let (wake, wake_rx) = std::sync::mpsc::channel::<Wake>();
    let wake_fs = wake.clone();
    let thread = std::thread::Builder::new()
        .name("triage502-follow".into())
        .spawn(move || {
            let mut sink = ChannelSink {
                tx,
                stop: stop2.clone(),
                rt,
            };
            for ev in initial {
                if sink.send(ev).is_err() {
                    return;
                }
            }
            run(&cfg, follower, &stop2, (wake_fs, wake_rx), &mut sink);
        })?;
    Ok((
        FollowHandle {
            stop,
            thread: Some(thread),
            wake,
        },
        rx,
    ))
}

type WakeChannel = (
    std::sync::mpsc::Sender<Wake>,
    std::sync::mpsc::Receiver<Wake>,
);

fn run(
    cfg: &FollowConfig,
    mut follower: Follower,
    stop: &AtomicBool,
    (wake_tx, wake_rx): WakeChannel,
    sink: &mut dyn Sink,
) {
    let mut _watcher = None;
    if cfg.use_notify {
        use notify::Watcher;
        if let Ok(mut w) =
            notify::recommended_watcher(move |_res: notify::Result<notify::Event>| {
                let _ = wake_tx.send(Wake::Changed);
            })
        {
            let mut dirs: Vec<PathBuf> = cfg.files.iter().map(|f| parent_dir(f)).collect();
            dirs.sort();
            dirs.dedup();
            for d in dirs {
                // A missing directory is covered by polling.
                let _ = w.watch(&d, notify::RecursiveMode::NonRecursive);
            }
            _watcher = Some(w);
        }
    }
    let syncs_in = |w: Wake| usize::from(matches!(w, Wake::Sync));
    let mut syncs = 0;
    while !stop.load(Ordering::Relaxed) {
        // Sync requests are looked at on every round, so a flood cannot keep them waiting.
        syncs += wake_rx.try_iter().map(syncs_in).sum::<usize>();
        let Ok(mut progressed) = follower.poll(sink) else {
            return;
        };
        if syncs > 0 {
            // This round started after the requests: read on to the end (bounded), answer.
            for _ in 1..SYNC_POLLS {
                if !progressed {
                    break;
                }
                let Ok(p) = follower.poll(sink) else { return };
                progressed = p;
            }
            for _ in 0..std::mem::take(&mut syncs) {
                if sink.send(LogEvent::Synced).is_err() {
                    return;
                }
            }
        }
        if progressed {
            continue;
        }
        if let Ok(w) = wake_rx.recv_timeout(cfg.poll_interval) {
            syncs += syncs_in(w);
        }
    }
}

fn parent_dir(p: &Path) -> PathBuf {
    match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Synchronous core of the follower (one round at a time); exposed for tests and embedding.
pub struct Follower {
    files: Vec<Tracked>,
    backlog: usize,
    all: bool,
    max_backlog_bytes: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Fresh,
    Ok,
    Missing,
    Denied,
    Error,
}

pub(super) use super::readbuf::read_at;
use super::readbuf::{FP_LEN, ReadBuf, file_id, pread};
const MAX_READ_PER_ROUND: u64 = 4 << 20;

struct Tracked {
    path: PathBuf,
    file: Option<File>,
    id: Option<(u64, u64)>,
    offset: u64,
    fp: Vec<u8>,
    splitter: LineSplitter,
    fmt: Option<LogFormat>,
    asm: Option<EntryAssembler>,
    lines_known: bool,
    /// Number of the line at `offset` when the file was attached, less one.
    base_line: u64,
    state: State,
    /// Ever had a file open (to tell "appeared" from "rotated").
    had_file: bool,
    /// The read buffer, kept between polls ([`super::readbuf`]).
    buf: ReadBuf,
    /// The records of one read, kept for the same reason (emptied by each emit).
    out: Vec<Record>,
}

impl Follower {
    /// A follower for `cfg.files` (nothing opened yet; call [`Follower::start`]).
    pub fn new(cfg: &FollowConfig) -> Follower {
        Follower {
            files: cfg
                .files
                .iter()
                .map(|p| Tracked {
                    path: p.clone(),
                    file: None,
                    id: None,
                    offset: 0,
                    fp: Vec::new(),
                    splitter: LineSplitter::new(),
                    fmt: cfg.format,
                    asm: None,
                    lines_known: false,
                    base_line: 0,
                    state: State::Fresh,
                    had_file: false,
                    buf: ReadBuf::default(),
                    out: Vec::new(),
                })
                .collect(),
            backlog: cfg.backlog,
            all: cfg.all,
            max_backlog_bytes: cfg.max_backlog_bytes.max(1),
        }
    }

    /// Open the files that exist, emit their backlog and position at their ends.
    pub fn start(&mut self, sink: &mut dyn Sink) -> Result<(), Closed> {
        let (backlog, all, max) = (self.backlog, self.all, self.max_backlog_bytes);
        for t in &mut self.files {
            t.start(backlog, all, max, sink)?;
        }
        Ok(())
    }

    /// One round over every file. Returns whether any bytes were read.
    pub fn poll(&mut self, sink: &mut dyn Sink) -> Result<bool, Closed> {
        let all = self.all;
        let mut progressed = false;
        for t in &mut self.files {
            progressed |= t.poll(all, sink)?;
        }
        Ok(progressed)
    }
}

fn io_kind_state(e: &io::Error) -> State {
    match e.kind() {
        io::ErrorKind::NotFound => State::Missing,
        io::ErrorKind::PermissionDenied => State::Denied,
        _ => State::Error,
    }
}

impl Tracked {
    fn notice(
        &self,
        kind: NoticeKind,
        message: impl Fn(crate::i18n::Lang) -> String,
        sink: &mut dyn Sink,
    ) -> Result<(), Closed> {
        sink.send(LogEvent::Notice {
            path: self.path.clone(),
            kind,
            message: message(crate::i18n::current()),
            message_en: message(crate::i18n::Lang::En),
        })
    }

    /// Report a stat/open problem once per state change.
    fn problem(&mut self, e: &io::Error, sink: &mut dyn Sink) -> Result<(), Closed> {
        let st = io_kind_state(e);
        if st == self.state {
            return Ok(());
        }
        let was_following = self.state == State::Ok;
        self.state = st;
        match st {
            State::Missing if was_following => self.notice(
                NoticeKind::Missing,
                |l| tr_in!(l, "logs-follow-disappeared"),
                sink,
            ),
            State::Missing => self.notice(
                NoticeKind::Missing,
                |l| tr_in!(l, "logs-follow-not-yet"),
                sink,
            ),
            State::Denied => self.notice(
                NoticeKind::PermissionDenied,
                |l| tr_in!(l, "logs-follow-denied"),
                sink,
            ),
            _ => self.notice(
                NoticeKind::Error,
                |l| tr_in!(l, "logs-follow-retrying", error = e),
                sink,
            ),
        }
    }

    fn start(
        &mut self,
        backlog: usize,
        all: bool,
        max: u64,
        sink: &mut dyn Sink,
    ) -> Result<(), Closed> {
        let opened = crate::fsafe::open_regular(&self.path).and_then(|f| {
            let m = f.metadata()?;
            Ok((f, m))
        });
        let (f, meta) = match opened {
            Ok(x) => x,
            Err(e) => return self.problem(&e, sink),
        };
        let end = meta.len();
        let (records, start_at, fmt, lines) =
            backlog_counted(&f, end, backlog, all, max, self.fmt, u64::MAX);
        self.fmt = self.fmt.or(fmt);
        if !records.is_empty() {
            sink.send(LogEvent::Entries {
                source: self.path.clone(),
                entries: records,
            })?;
        }
        self.attach(f, &meta, start_at, lines);
        Ok(())
    }

    /// Use `f` from `offset` on.
    /// `lines`: the number of lines before `offset` (`None`: unknown, entries unnumbered).
    fn attach(&mut self, mut f: File, meta: &std::fs::Metadata, offset: u64, lines: Option<u64>) {
        let _ = f.seek(SeekFrom::Start(offset));
        self.fp.clear();
        if offset > 0 {
            let n = (offset as usize).min(FP_LEN);
            let mut fp = vec![0u8; n];
            if read_at(&f, &mut fp, offset - n as u64).is_ok() {
                self.fp = fp;
            }
        }
        self.file = Some(f);
        self.id = Some(file_id(meta));
        self.offset = offset;
        self.splitter.reset();
        // Lines are numbered from the file's start, also when following from its end.
        self.base_line = lines.unwrap_or(0);
        self.asm = self.fmt.map(|fm| numbered(fm, self.base_line));
        self.lines_known = lines.is_some();
        self.state = State::Ok;
        self.had_file = true;
    }

    fn poll(&mut self, all: bool, sink: &mut dyn Sink) -> Result<bool, Closed> {
        let mut progressed = false;
        match std::fs::metadata(&self.path) {
            Err(e) => {
                if self.file.is_some() {
                    // moved away or deleted: keep reading the old descriptor
                    progressed |= self.read_available(all, sink)?;
                }
                self.problem(&e, sink)?;
                return Ok(progressed);
            }
            Ok(meta) => {
                let id = file_id(&meta);
                if self.file.is_some() && self.id != Some(id) {
                    // another file at the path: finish the old one first
                    while self.read_available(all, sink)? {}
                    self.flush_with(all, true, sink)?;
                    self.file = None;
                    match crate::fsafe::open_regular(&self.path) {
                        Ok(f) => {
                            let m = f.metadata().unwrap_or(meta);
                            self.attach(f, &m, 0, Some(0));
                            self.notice(
                                NoticeKind::Rotated,
                                |l| tr_in!(l, "logs-follow-replaced"),
                                sink,
                            )?;
                        }
                        Err(e) => {
                            self.problem(&e, sink)?;
                            return Ok(true);
                        }
                    }
                    progressed = true;
                } else if self.file.is_none() {
                    match crate::fsafe::open_regular(&self.path) {
                        Ok(f) => {
                            let m = f.metadata().unwrap_or(meta);
                            let kind = if self.had_file {
                                NoticeKind::Rotated
                            } else {
                                NoticeKind::Appeared
                            };
                            self.attach(f, &m, 0, Some(0));
                            self.notice(kind, |l| tr_in!(l, "logs-follow-from-start"), sink)?;
                        }
                        Err(e) => {
                            self.problem(&e, sink)?;
                            return Ok(false);
                        }
                    }
                }
            }
        }
        if self.truncated() {
            self.restart_after_truncation(all, sink)?;
        }
        progressed |= self.read_available(all, sink)?;
        Ok(progressed)
    }

    /// Size below the offset, or the bytes before the offset changed.
    fn truncated(&self) -> bool {
        let Some(f) = self.file.as_ref() else {
            return false;
        };
        let Ok(m) = f.metadata() else {
            return false;
        };
        if m.len() < self.offset {
            return true;
        }
        if self.fp.is_empty() {
            return false;
        }
        let mut now = vec![0u8; self.fp.len()];
        match read_at(f, &mut now, self.offset - self.fp.len() as u64) {
            Ok(()) => now != self.fp,
            Err(_) => true,
        }
    }

    /// Read what is there (bounded per round). Returns whether bytes were read.
    fn restart_after_truncation(&mut self, all: bool, sink: &mut dyn Sink) -> Result<(), Closed> {
        self.flush_with(all, true, sink)?;
        self.offset = 0;
        self.base_line = 0;
        self.fp.clear();
        self.splitter.reset();
        if let Some(a) = self.asm.as_mut() {
            a.reset();
        }
        self.lines_known = true;
        self.notice(
            NoticeKind::Truncated,
            |l| tr_in!(l, "logs-follow-truncated"),
            sink,
        )
    }

    /// Read what is there (bounded per round). Returns whether bytes were read.
    ///
    /// Every read is one positional read starting at the fingerprint (the bytes just before
    /// the offset): if they changed, the file was truncated — even if it grew again between
    /// two checks — and reading restarts at 0. Checking and reading in one system call leaves
    /// no window for a truncation to slip in between.
    fn read_available(&mut self, all: bool, sink: &mut dyn Sink) -> Result<bool, Closed> {
        // Small until a read fills it: at rest every poll finds nothing new, and zeroing a
        // 256 KiB buffer four times a second for each file was most of the follower's work.
        // Full size while the format is still to be detected (from the first read).
        let mut buf = self.buf.take(self.fmt.is_none());
        let mut out = std::mem::take(&mut self.out);
        let r = self.read_into(&mut buf, &mut out, all, sink);
        let known = self.fmt.is_some();
        self.buf.give_back(buf, !matches!(r, Ok(false)), known);
        if self.buf.idle() && out.capacity() > 64 {
            out = Vec::new();
        }
        self.out = out;
        r
    }

    /// [`Tracked::read_available`] with its buffers; true when something was read (and the
    /// full-size buffer is worth keeping).
    fn read_into(
        &mut self,
        buf: &mut Vec<u8>,
        out: &mut Vec<Record>,
        all: bool,
        sink: &mut dyn Sink,
    ) -> Result<bool, Closed> {
        let mut read_total = 0u64;
        let mut at_eof = false;
        while read_total < MAX_READ_PER_ROUND {
            let Some(f) = self.file.as_ref() else {
                return Ok(read_total > 0);
            };
            let fpl = self.fp.len();
            let n = match pread(f, buf, self.offset - fpl as u64) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            };
            if n < fpl || buf[..fpl] != self.fp[..] {
                self.restart_after_truncation(all, sink)?;
                continue;
            }
            if n == fpl {
                at_eof = true;
                break;
            }
            let data = &buf[fpl..n];
            let got = data.len();
            read_total += got as u64;
            self.offset += got as u64;
            if got >= FP_LEN {
                self.fp.clear();
                self.fp.extend_from_slice(&data[got - FP_LEN..]);
            } else {
                self.fp.extend_from_slice(data);
                let extra = self.fp.len().saturating_sub(FP_LEN);
                self.fp.drain(..extra);
            }
            let fmt = *self.fmt.get_or_insert_with(|| LogFormat::detect(data));
            let asm = self
                .asm
                .get_or_insert_with(|| numbered(fmt, self.base_line));
            let lines_known = self.lines_known;
            self.splitter.feed(data, |l, cut| {
                asm.push_line(l, cut, |raw| keep(fmt, &raw, all, lines_known, out))
            });
            self.emit(out, sink)?;
            if n == buf.len() {
                ReadBuf::grow(buf);
            }
        }
        if at_eof && !self.splitter.has_partial() {
            self.flush(all, sink)?;
        }
        Ok(read_total > 0)
    }

    /// Complete the pending entry. With `with_partial`, a last line without its newline is
    /// taken as complete too (the file is being left: rotated away or truncated).
    fn flush_with(
        &mut self,
        all: bool,
        with_partial: bool,
        sink: &mut dyn Sink,
    ) -> Result<(), Closed> {
        let mut out = Vec::new();
        if let (Some(fmt), Some(asm)) = (self.fmt, self.asm.as_mut()) {
            let lines_known = self.lines_known;
            if with_partial {
                self.splitter.finish(|l, cut| {
                    asm.push_line(l, cut, |raw| keep(fmt, &raw, all, lines_known, &mut out))
                });
            }
            asm.flush(|raw| keep(fmt, &raw, all, lines_known, &mut out));
        }
        self.emit(&mut out, sink)
    }

    fn flush(&mut self, all: bool, sink: &mut dyn Sink) -> Result<(), Closed> {
        self.flush_with(all, false, sink)
    }

    /// Send what `out` holds as one event; `out` keeps its capacity for the next read.
    fn emit(&self, out: &mut Vec<Record>, sink: &mut dyn Sink) -> Result<(), Closed> {
        if out.is_empty() {
            return Ok(());
        }
        let mut entries = Vec::with_capacity(out.len());
        entries.append(out);
        sink.send(LogEvent::Entries {
            source: self.path.clone(),
            entries,
        })
    }
}

/// An assembler whose next line is number `base + 1`.
pub(super) fn numbered(fmt: LogFormat, base: u64) -> EntryAssembler {
    let mut a = fmt.assembler();
    a.set_next_line(base + 1);
    a
}

pub(super) fn keep(
    fmt: LogFormat,
    raw: &super::nginx_error::RawEntry<'_>,
    all: bool,
    lines_known: bool,
    out: &mut Vec<Record>,
) {
    if !all && fmt.classify_raw(raw.bytes) == Class::Other {
        return;
    }
    let mut r = fmt.parse(raw);
    if !lines_known {
        r.set_line(None);
    }
    out.push(r);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn line(n: u64) -> String {
        format!(
            "2026/11/28 12:00:00 [error] 1#1: *{n} connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: s, request: \"GET /n/{n} HTTP/1.1\", upstream: \"http://10.0.0.2:80/n/{n}\", host: \"h\"\n"
        )
    }

    fn info(n: u64) -> String {
        format!(
            "2026/11/28 12:00:00 [info] 1#1: *{n} client 10.0.0.1 closed keepalive connection\n"
        )
    }

    /// How many notices of this kind were sent.
    fn notices(evs: &[LogEvent], kind: NoticeKind) -> usize {
        evs.iter()
            .filter(|e| matches!(e, LogEvent::Notice { kind: k, .. } if *k == kind))
            .count()
    }

    /// The entries sent, in order.
    fn records(evs: &[LogEvent]) -> impl Iterator<Item = &Record> {
        evs.iter().flat_map(|e| match e {
            LogEvent::Entries { entries, .. } => entries.as_slice(),
            _ => &[],
        })
    }

    fn cids(evs: &[LogEvent]) -> Vec<u64> {
        records(evs)
            .filter_map(|r| match r {
                Record::Nginx(e) => e.cid,
                Record::DocServer(_) => None,
            })
            .collect()
    }

    fn append(p: &Path, s: &str) {
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(p)
            .expect("open for append");
        f.write_all(s.as_bytes()).expect("append");
    }

    fn cfg(p: &Path, backlog: usize) -> FollowConfig {
        FollowConfig {
            files: vec![p.to_path_buf()],
            backlog,
            ..FollowConfig::default()
        }
    }

    #[test]
    fn backlog_then_tail() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("error.log");
        let mut s = String::new();
        for i in 1..=3000 {
            s.push_str(&if i % 3 == 0 { line(i) } else { info(i) });
        }
        s.push_str("2026/11/28 12:00:00 [error] 1#1: *99999 partial line without newl");
        std::fs::write(&p, &s).expect("write");
        let mut f = Follower::new(&cfg(&p, 5));
        let mut evs = Vec::new();
        f.start(&mut evs).expect("start");
        assert_eq!(cids(&evs), vec![2988, 2991, 2994, 2997, 3000]);
        // Numbered from the file's start, though read from its end.
        let lines =
            |evs: &[LogEvent]| -> Vec<Option<u64>> { records(evs).map(Record::line).collect() };
        assert_eq!(
            lines(&evs),
            [2988, 2991, 2994, 2997, 3000].map(Some).to_vec()
        );
        evs.clear();
        append(&p, "ine\n");
        append(&p, &line(3001));
        f.poll(&mut evs).expect("poll");
        // the partial line completed is an `other` entry (not upstream) -> not kept
        assert_eq!(cids(&evs), vec![3001]);
        // line 3001 is the completed partial one; entry *3001 is on line 3002
        assert_eq!(lines(&evs), vec![Some(3002)]);
    }

    #[test]
    fn backlog_never_reads_more_than_the_limit() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("error.log");
        let mut s = line(1);
        for i in 2..40_000 {
            s.push_str(&info(i));
        }
        std::fs::write(&p, &s).expect("write");
        let mut c = cfg(&p, 3);
        c.max_backlog_bytes = 256 * 1024;
        let mut f = Follower::new(&c);
        let mut evs = Vec::new();
        f.start(&mut evs).expect("start");
        assert!(
            cids(&evs).is_empty(),
            "the only error is far before the limit"
        );
        c.max_backlog_bytes = 64 << 20;
        let mut f = Follower::new(&c);
        f.start(&mut evs).expect("start");
        assert_eq!(cids(&evs), vec![1]);
    }

    #[test]
    fn copytruncate_detected_after_regrowth() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("error.log");
        std::fs::write(&p, "").expect("create");
        let mut f = Follower::new(&cfg(&p, 0));
        let mut evs = Vec::new();
        f.start(&mut evs).expect("start");
        for i in 1..=10 {
            append(&p, &line(i));
        }
        f.poll(&mut evs).expect("poll");
        assert_eq!(cids(&evs), (1..=10).collect::<Vec<_>>());
        evs.clear();
        // copytruncate, then the file grows past the old offset before the next poll
        std::fs::copy(&p, dir.path().join("error.log.1")).expect("copy");
        std::fs::OpenOptions::new()
            .write(true)
            .open(&p)
            .and_then(|f| f.set_len(0))
            .expect("truncate");
        for i in 100..=130 {
            append(&p, &line(i));
        }
        f.poll(&mut evs).expect("poll");
        assert!(notices(&evs, NoticeKind::Truncated) > 0);
        assert_eq!(cids(&evs), (100..=130).collect::<Vec<_>>());
        // line numbers are known again after a restart from 0
        let first = records(&evs).next().and_then(Record::line);
        assert_eq!(first, Some(1));
    }

    #[test]
    fn rename_create_drains_old_file_first() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("error.log");
        std::fs::write(&p, line(1)).expect("create");
        let mut f = Follower::new(&cfg(&p, 0));
        let mut evs = Vec::new();
        f.start(&mut evs).expect("start");
        let mut old = std::fs::OpenOptions::new()
            .append(true)
            .open(&p)
            .expect("open");
        std::fs::rename(&p, dir.path().join("error.log.1")).expect("rename");
        old.write_all(line(2).as_bytes()).expect("write old"); // nginx before USR1
        f.poll(&mut evs).expect("poll");
        assert!(notices(&evs, NoticeKind::Missing) > 0);
        old.write_all(line(3).as_bytes()).expect("write old");
        std::fs::write(&p, line(4)).expect("recreate");
        f.poll(&mut evs).expect("poll");
        assert_eq!(cids(&evs), vec![2, 3, 4]);
        assert!(notices(&evs, NoticeKind::Rotated) > 0);
    }

    #[test]
    fn missing_at_start_then_appears() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("later.log");
        let mut f = Follower::new(&cfg(&p, 10));
        let mut evs = Vec::new();
        f.start(&mut evs).expect("start");
        f.poll(&mut evs).expect("poll");
        let missing = notices(&evs, NoticeKind::Missing);
        assert_eq!(missing, 1, "said once, not on every poll");
        std::fs::write(&p, format!("{}{}", line(1), line(2))).expect("create");
        f.poll(&mut evs).expect("poll");
        assert_eq!(cids(&evs), vec![1, 2]);
        assert!(notices(&evs, NoticeKind::Appeared) > 0);
    }

    #[test]
    fn docserver_log_is_detected_and_stack_traces_stay_together() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("out.log");
        std::fs::write(
            &p,
            "[2026-11-28T12:00:00.101] [INFO] [localhost] [] [] nodeJS - up\n",
        )
        .expect("write");
        let mut f = Follower::new(&cfg(&p, 10));
        let mut evs = Vec::new();
        f.start(&mut evs).expect("start");
        assert!(evs.is_empty(), "INFO is `other`");
        append(
            &p,
            "[2026-11-28T12:00:17.890] [ERROR] [localhost] [] [] nodeJS - [AMQP] Error: connect ECONNREFUSED 127.0.0.1:5672\n    at TCPConnectWrap.afterConnect (node:net:1555:16)\n",
        );
        f.poll(&mut evs).expect("poll");
        assert_eq!(evs.len(), 1);
        assert_eq!(records(&evs).count(), 1);
        match records(&evs).next() {
            Some(Record::DocServer(e)) => {
                assert_eq!(e.class, Class::DsRabbitmq);
                assert_eq!(e.lines, 2);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn partial_last_line_of_a_rotated_file_is_not_lost() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("error.log");
        std::fs::write(&p, "").expect("create");
        let mut f = Follower::new(&cfg(&p, 0));
        let mut evs = Vec::new();
        f.start(&mut evs).expect("start");
        let l1 = line(1);
        append(&p, &l1[..l1.len() - 1]); // no newline yet
        f.poll(&mut evs).expect("poll");
        assert!(cids(&evs).is_empty());
        std::fs::rename(&p, dir.path().join("error.log.1")).expect("rename");
        std::fs::write(&p, line(2)).expect("recreate");
        f.poll(&mut evs).expect("poll");
        assert_eq!(cids(&evs), vec![1, 2]);
    }

    /// `check` reads the logs once more after its round: a sync makes the follower read what
    /// was written before it, and its answer comes after those entries, with no timer or
    /// directory watch to help (a one-hour tick, no notify).
    #[tokio::test]
    async fn sync_reads_to_the_end_and_answers_after_the_entries() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("error.log");
        std::fs::write(&p, line(1)).expect("write");
        let mut c = cfg(&p, 5);
        c.use_notify = false;
        c.poll_interval = Duration::from_secs(3600);
        let (handle, mut rx) = spawn_follower(c).expect("spawn");
        let mut evs = Vec::new();
        let mut next = async || {
            tokio::time::timeout(Duration::from_secs(10), rx.recv())
                .await
                .expect("an event within 10 s")
                .expect("follower running")
        };
        evs.push(next().await);
        assert_eq!(cids(&evs), vec![1], "the backlog");
        append(&p, &(line(2) + &line(3)));
        handle.sync();
        loop {
            let ev = next().await;
            if ev == LogEvent::Synced {
                break;
            }
            evs.push(ev);
        }
        assert_eq!(cids(&evs), vec![1, 2, 3]);
        handle.stop();
    }
}
