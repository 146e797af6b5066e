//! Running an action: argv only (never a shell), stdin closed, output streamed line by line,
//! one overall timeout, cancellation, `sudo -n` when root is needed, one action at a time, and
//! exactly one audit line per call.

use super::redact::Redactor;
use super::verify::Verifier;
use super::{
    Action, ActionEvent, ActionOutcome, MAX_LINE, RunStatus, Said, Step, Stream, TAIL_LINES,
    Verification, VerifyScope, command_line,
};
use crate::config::Config;
use crate::i18n::Lang;
use crate::{tr, tr_in};
use std::collections::VecDeque;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

/// What to do when a step needs root and triage502 is not root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sudo {
    /// Use `sudo -n` when `sudo -n true` works; else refuse with the command to run.
    Auto,
    /// Never use sudo: refuse with the command to run.
    Never,
}

/// How to run actions.
#[derive(Clone)]
pub struct RunOptions {
    /// Refuse every action (`--read-only` / `read_only = true`).
    pub read_only: bool,
    /// Time the whole action (precheck and steps) may take; then it is killed.
    pub timeout: Duration,
    /// Put before every command, e.g. `["ip", "netns", "exec", "NS"]` (tests, containers).
    pub command_prefix: Vec<String>,
    /// sudo policy.
    pub sudo: Sudo,
    /// The audit log file.
    pub audit_log: PathBuf,
    /// Masks secrets in output, argv and the audit line.
    pub redactor: Redactor,
    /// Re-probes after a success; `None`: the outcome stays "not verified".
    pub verifier: Option<Arc<dyn Verifier>>,
    /// The caller confirmed the action's [`Action::danger`] a second time, explicitly. An
    /// action with a danger is refused without it.
    pub accept_danger: bool,
}

impl std::fmt::Debug for RunOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunOptions")
            .field("read_only", &self.read_only)
            .field("timeout", &self.timeout)
            .field("command_prefix", &self.command_prefix)
            .field("sudo", &self.sudo)
            .field("audit_log", &self.audit_log)
            .field("verifier", &self.verifier.is_some())
            .finish()
    }
}

impl RunOptions {
    /// Options from the config: `[actions] timeout_ms` and `audit_log` (or the default path),
    /// read-only when either the config or the caller says so, the config's secret redacted.
    pub fn from_config(cfg: &Config, read_only: bool) -> Self {
        RunOptions {
            read_only: read_only || cfg.read_only,
            timeout: Duration::from_millis(cfg.actions.timeout_ms.max(1)),
            command_prefix: Vec::new(),
            sudo: Sudo::Auto,
            audit_log: super::catalogue::audit_path(cfg),
            redactor: Redactor::from_config(cfg),
            verifier: None,
            accept_danger: false,
        }
    }
}

/// Cancels a running action (the console's Esc). Cloneable; cancelling twice is harmless.
#[derive(Debug, Clone)]
pub struct Canceller(Arc<watch::Sender<bool>>);

impl Canceller {
    /// Asks the run to kill its command and stop.
    pub fn cancel(&self) {
        self.0.send_replace(true);
    }
}

/// The run's side of a [`Canceller`].
#[derive(Debug, Clone)]
pub struct CancelToken(watch::Receiver<bool>);

impl CancelToken {
    /// A token that never cancels.
    pub fn never() -> Self {
        let (_tx, rx) = watch::channel(false);
        CancelToken(rx)
    }

    /// Whether cancel was asked.
    pub fn is_cancelled(&self) -> bool {
        *self.0.borrow()
    }

    /// Resolves when cancel is asked; never when the canceller is gone without cancelling.
    pub async fn cancelled(&mut self) {
        loop {
            if *self.0.borrow_and_update() {
                return;
            }
            if self.0.changed().await.is_err() {
                std::future::pending::<()>().await;
            }
        }
    }
}

/// A connected canceller and token.
pub fn cancel_pair() -> (Canceller, CancelToken) {
    let (tx, rx) = watch::channel(false);
    (Canceller(Arc::new(tx)), CancelToken(rx))
}

/// Longest wait for a slow event receiver outside the action's own deadline.
const EVENT_WAIT: Duration = Duration::from_secs(2);
/// Longest time a verifier may take.
pub const VERIFY_LIMIT: Duration = Duration::from_secs(60);

/// The id of the action running now, if any.
static RUNNING: Mutex<Option<String>> = Mutex::new(None);

/// The id of the action running now (for the console's status line).
pub fn running() -> Option<String> {
    RUNNING.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

struct Busy;

impl Busy {
    fn acquire(id: &str) -> Result<Busy, String> {
        let mut g = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(other) = g.as_ref() {
            return Err(other.clone());
        }
        *g = Some(id.to_string());
        Ok(Busy)
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        *RUNNING.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

/// The English wording of the latest outcomes (shown outcome → English), for the timeline
/// journal ([`english`]); a few suffice, one action runs at a time.
static ENGLISH: Mutex<VecDeque<(ActionOutcome, ActionOutcome)>> = Mutex::new(VecDeque::new());
const ENGLISH_KEPT: usize = 8;

/// The outcome of a recent [`run`] with its texts in English (as its audit record has them),
/// or `None` when it is not one of the last few runs.
pub(crate) fn english(shown: &ActionOutcome) -> Option<ActionOutcome> {
    let kept = ENGLISH.lock().unwrap_or_else(|e| e.into_inner());
    kept.iter()
        .rev()
        .find(|(s, _)| s == shown)
        .map(|(_, en)| en.clone())
}

fn remember_english(shown: &ActionOutcome, en: &ActionOutcome) {
    let mut kept = ENGLISH.lock().unwrap_or_else(|e| e.into_inner());
    if kept.len() >= ENGLISH_KEPT {
        kept.pop_front();
    }
    kept.push_back((shown.clone(), en.clone()));
}

/// A status shown and in English.
struct Ending {
    shown: RunStatus,
    en: RunStatus,
}

impl Ending {
    fn refused(why: Said) -> Ending {
        Ending {
            shown: RunStatus::Refused { why: why.shown },
            en: RunStatus::Refused { why: why.en },
        }
    }

    fn failed(exit_code: Option<i32>, why: Said) -> Ending {
        Ending {
            shown: RunStatus::Failed {
                exit_code,
                why: why.shown,
            },
            en: RunStatus::Failed {
                exit_code,
                why: why.en,
            },
        }
    }

    fn same(s: RunStatus) -> Ending {
        Ending {
            en: s.clone(),
            shown: s,
        }
    }
}

fn not_verified(why: Said) -> (Verification, Verification) {
    (
        Verification::NotVerified { why: why.shown },
        Verification::NotVerified { why: why.en },
    )
}

/// How one command ended.
enum Ended {
    Exited(Option<i32>),
    NotStarted(Said),
    TimedOut,
    Cancelled,
}

/// State shared by the commands of one run.
struct Io<'a> {
    events: &'a mpsc::Sender<ActionEvent>,
    redactor: &'a Redactor,
    tail: VecDeque<String>,
    /// The tail as the audit record keeps it: the same lines, the program's own in English.
    tail_en: VecDeque<String>,
    deadline: Instant,
    cancel: CancelToken,
}

impl Io<'_> {
    async fn emit(&self, e: ActionEvent) {
        // A receiver that is gone or stuck must not keep the run alive past its deadline.
        let _ = tokio::time::timeout_at(self.deadline, self.events.send(e)).await;
    }

    async fn line(&mut self, stream: Stream, line: String, also: &mut Vec<String>) {
        self.said_line(stream, Said::plain(line), also).await;
    }

    /// A line of the program's own (shown, and in English for the audit record).
    async fn said_line(&mut self, stream: Stream, line: Said, also: &mut Vec<String>) {
        let en = self.redactor.redact(&line.en);
        let line = self.redactor.redact(&line.shown);
        if self.tail.len() == TAIL_LINES {
            self.tail.pop_front();
            self.tail_en.pop_front();
        }
        self.tail.push_back(line.clone());
        self.tail_en.push_back(en);
        if also.len() == TAIL_LINES {
            also.remove(0);
        }
        also.push(line.clone());
        self.emit(ActionEvent::Output { stream, line }).await;
    }
}

/// Runs an action and returns how it ended; see the module docs of [`crate::actions`].
///
/// Events go to `events` as they happen, ending with [`ActionEvent::Finished`]. `cancel` kills
/// the running command. Refusals (read-only, another action running, root needed without
/// passwordless sudo, a failed precheck) run nothing but are audited like any other run.
pub async fn run(
    action: &Action,
    opts: &RunOptions,
    events: mpsc::Sender<ActionEvent>,
    cancel: CancelToken,
) -> ActionOutcome {
    let planned: Vec<Vec<String>> = action
        .precheck
        .iter()
        .chain(action.steps.iter())
        .map(|s| opts.redactor.redact_all(&s.argv))
        .collect();
    let (verification, verification_en) =
        not_verified(Said::new(|l| tr_in!(l, "action-run-not-succeeded")));
    let mut out = ActionOutcome {
        capture: None,
        id: action.id.clone(),
        status: RunStatus::Succeeded,
        exit_code: None,
        duration_ms: 0,
        argv: planned,
        output_tail: Vec::new(),
        verification,
        audit: Err(tr!("action-run-audit-pending")),
    };
    // The texts of the audit record: English, whatever the language shown.
    let mut status_en = RunStatus::Succeeded;
    let mut verification_en = verification_en;
    let mut tail_en = Vec::new();
    let started = Instant::now();
    {
        let busy = if opts.read_only {
            Err(Said::new(|l| tr_in!(l, "action-run-read-only")))
        } else if let Some(d) = action.danger_said().filter(|_| !opts.accept_danger) {
            Err(Said::new(|l| {
                tr_in!(l, "action-run-danger", danger = d.get(l))
            }))
        } else {
            Busy::acquire(&action.id)
                .map_err(|other| Said::new(|l| tr_in!(l, "action-run-busy", other = other)))
        };
        let mut ending = None;
        match busy {
            Err(why) => ending = Some(Ending::refused(why)),
            Ok(_busy) => {
                let mut io = Io {
                    events: &events,
                    redactor: &opts.redactor,
                    tail: VecDeque::new(),
                    tail_en: VecDeque::new(),
                    deadline: started + opts.timeout,
                    cancel,
                };
                let attempts = match capture_start(action) {
                    Ok(a) => a,
                    Err(why) => {
                        ending = Some(Ending::refused(why));
                        None
                    }
                };
                if ending.is_none() {
                    ending = execute(action, opts, &mut io, &mut out).await;
                }
                if let Some(a) = attempts {
                    a.abort();
                }
                if ending.is_none() {
                    ending = capture_finish(action, &mut io, &mut out).await;
                }
                out.duration_ms = started.elapsed().as_millis() as u64;
                out.output_tail = io.tail.iter().cloned().collect();
                tail_en = io.tail_en.iter().cloned().collect();
                if ending.is_none() {
                    (out.verification, verification_en) = verify(action, opts, &mut io).await;
                }
            }
        }
        if let Some(e) = ending {
            out.status = e.shown;
            status_en = e.en;
        }
    }
    let en = ActionOutcome {
        status: status_en,
        verification: verification_en,
        output_tail: tail_en,
        ..out.clone()
    };
    let rec = super::audit::AuditRecord::from_outcome(&en);
    let rec = super::audit::AuditRecord {
        detail: opts.redactor.redact(&rec.detail),
        ..rec
    };
    out.audit = super::audit::append(&opts.audit_log, &rec)
        .map(|()| opts.audit_log.clone())
        .map_err(|e| tr!("action-run-audit-failed", error = e));
    remember_english(
        &out,
        &ActionOutcome {
            audit: out.audit.clone(),
            ..en
        },
    );
    // Bounded: a receiver that stopped reading must not hang the caller.
    let _ = events
        .send_timeout(ActionEvent::Finished(Box::new(out.clone())), EVENT_WAIT)
        .await;
    out
}

/// A capture action: tcpdump must exist and its folder be ready; then the connection attempts
/// start beside it (aborted when the step ends).
fn capture_start(action: &Action) -> Result<Option<tokio::task::JoinHandle<()>>, Said> {
    let Some(spec) = &action.capture else {
        return Ok(None);
    };
    if let Some(why) = super::capture::tcpdump_missing() {
        return Err(why);
    }
    super::capture::prepare(spec)?;
    Ok(Some(tokio::spawn(super::capture::attempts(
        spec.target.clone(),
    ))))
}

/// After a capture's step succeeded: read the file, say what it shows, keep the summary; how
/// the run ends when the file cannot be read.
async fn capture_finish(
    action: &Action,
    io: &mut Io<'_>,
    out: &mut ActionOutcome,
) -> Option<Ending> {
    let spec = action.capture.as_ref()?;
    let mut sink = Vec::new();
    match super::capture::summarize(spec) {
        Ok(s) => {
            // The verdict is the reader's text: read again in English for the audit record.
            let verdict = Said::again(s.verdict.clone(), || {
                super::capture::summarize(spec).ok().map(|e| e.verdict)
            });
            let line = Said::new(|l| {
                tr_in!(
                    l,
                    "action-capture-line",
                    target = s.target,
                    verdict = verdict.get(l)
                )
            });
            io.said_line(Stream::Stdout, line, &mut sink).await;
            out.capture = Some(s);
            None
        }
        Err(e) => {
            let e = Said::again(e, || super::capture::summarize(spec).err());
            Some(Ending::failed(
                out.exit_code,
                Said::new(|l| tr_in!(l, "action-capture-unreadable", error = e.get(l))),
            ))
        }
    }
}

/// What re-probing said, shown and in English.
async fn verify(
    action: &Action,
    opts: &RunOptions,
    io: &mut Io<'_>,
) -> (Verification, Verification) {
    if action.verify == VerifyScope::Nothing {
        return not_verified(Said::new(|l| tr_in!(l, "action-run-nothing-to-verify")));
    }
    let Some(v) = &opts.verifier else {
        return not_verified(Said::new(|l| tr_in!(l, "action-run-no-verifier")));
    };
    let _ = io
        .events
        .send_timeout(
            ActionEvent::Verifying {
                scope: action.verify.clone(),
            },
            EVENT_WAIT,
        )
        .await;
    tokio::select! {
        r = tokio::time::timeout(VERIFY_LIMIT, v.verify(action)) => match r {
            Ok(answer) => {
                let en = v.in_english(action, &answer);
                (answer, en)
            }
            Err(_) => not_verified(Said::new(|l| {
                tr_in!(l, "action-run-verify-timeout", secs = VERIFY_LIMIT.as_secs())
            })),
        },
        _ = io.cancel.cancelled() => {
            not_verified(Said::new(|l| tr_in!(l, "action-run-verify-cancelled")))
        }
    }
}

/// `sudo -n true` answers without a password. The error says why not.
async fn sudo_works() -> Result<(), Said> {
    if !crate::host::cmd::in_path("sudo") {
        return Err(Said::new(|l| tr_in!(l, "action-run-no-sudo")));
    }
    match crate::host::cmd::run(&[], &["sudo", "-n", "true"], Duration::from_secs(5)).await {
        Ok(o) if o.success() => Ok(()),
        Ok(o) => Err(Said::plain(format!("sudo -n true: {}", o.first_message()))),
        // The runner's text, as it gave it (asking sudo again is not worth a second wait).
        Err(u) => Err(Said::plain(u.to_string())),
    }
}

/// Runs the precheck and the steps; how the run ended when not every command succeeded.
async fn execute(
    action: &Action,
    opts: &RunOptions,
    io: &mut Io<'_>,
    out: &mut ActionOutcome,
) -> Option<Ending> {
    let all: Vec<&Step> = action.precheck.iter().chain(action.steps.iter()).collect();
    if action.steps.is_empty() || all.iter().any(|s| s.argv.is_empty()) {
        return Some(Ending::refused(Said::new(|l| {
            tr_in!(l, "action-run-empty-id", id = action.id)
        })));
    }
    let mut sudo = false;
    if action.needs_root() && !crate::util::is_root() {
        let why_not = match opts.sudo {
            Sudo::Never => Err(Said::new(|l| tr_in!(l, "action-run-sudo-disabled"))),
            Sudo::Auto => sudo_works().await,
        };
        match why_not {
            Ok(()) => sudo = true,
            Err(why) => {
                return Some(Ending::refused(Said::new(|l| {
                    root_refusal(l, action, &opts.redactor, why.get(l))
                })));
            }
        }
    }
    let full = |s: &Step| -> Vec<String> {
        let mut v = Vec::new();
        if sudo && s.needs_root {
            v.extend(["sudo", "-n", "--"].map(String::from));
        }
        v.extend(opts.command_prefix.iter().cloned());
        v.extend(s.argv.iter().cloned());
        v
    };
    out.argv = all
        .iter()
        .map(|s| opts.redactor.redact_all(&full(s)))
        .collect();
    let total = all.len();
    for (index, step) in all.iter().enumerate() {
        let is_precheck = index == 0 && action.precheck.is_some();
        let argv = full(step);
        let shown = opts.redactor.redact_all(&argv);
        io.emit(ActionEvent::StepStarted {
            id: action.id.clone(),
            index,
            total,
            argv: shown.clone(),
            purpose: step.purpose.clone(),
        })
        .await;
        let t0 = Instant::now();
        let mut lines = Vec::new();
        let ended = run_command(&argv, io, &mut lines).await;
        let exit_code = match &ended {
            Ended::Exited(c) => *c,
            _ => None,
        };
        io.emit(ActionEvent::StepFinished {
            index,
            exit_code,
            duration: t0.elapsed(),
        })
        .await;
        out.exit_code = exit_code;
        let cmd = command_line(&shown);
        let ending = match ended {
            Ended::Exited(Some(0)) => continue,
            Ended::TimedOut => Ending::same(RunStatus::TimedOut {
                after_ms: opts.timeout.as_millis() as u64,
            }),
            Ended::Cancelled => Ending::same(RunStatus::Cancelled),
            Ended::NotStarted(why) if is_precheck => Ending::refused(Said::new(|l| {
                tr_in!(
                    l,
                    "action-run-precheck-not-started",
                    command = cmd,
                    why = why.get(l)
                )
            })),
            Ended::NotStarted(why) => Ending::failed(
                None,
                Said::new(|l| tr_in!(l, "action-run-not-started", command = cmd, why = why.get(l))),
            ),
            Ended::Exited(code) => {
                if is_precheck {
                    Ending::refused(Said::new(|l| {
                        let head = match code {
                            Some(c) => tr_in!(
                                l,
                                "action-run-precheck-failed-code",
                                command = cmd,
                                code = c
                            ),
                            None => tr_in!(l, "action-run-precheck-failed-signal", command = cmd),
                        };
                        format!("{head}\n{}", lines.join("\n"))
                    }))
                } else {
                    let last = lines.last().map(|l| format!(": {l}")).unwrap_or_default();
                    Ending::failed(
                        code,
                        Said::new(|l| {
                            let head = match code {
                                Some(c) => {
                                    tr_in!(l, "action-run-failed-code", command = cmd, code = c)
                                }
                                None => tr_in!(l, "action-run-failed-signal", command = cmd),
                            };
                            format!("{head}{last}")
                        }),
                    )
                }
            }
        };
        return Some(ending);
    }
    None
}

/// Why a root action cannot run, with the exact command lines to run by hand, in `l`.
fn root_refusal(l: Lang, action: &Action, redactor: &Redactor, why: &str) -> String {
    let cmds: Vec<String> = action
        .precheck
        .iter()
        .chain(action.steps.iter())
        .map(|s| {
            let line = command_line(&redactor.redact_all(&s.argv));
            if s.needs_root {
                format!("  sudo {line}")
            } else {
                format!("  {line}")
            }
        })
        .collect();
    format!(
        "{}\n{}\n{}",
        tr_in!(l, "action-run-root", id = action.id, why = why),
        cmds.join("\n"),
        tr_in!(l, "action-run-root-or", id = action.id)
    )
}

/// Runs one argv, streaming its lines, until it exits, the deadline passes or cancel is asked.
async fn run_command(argv: &[String], io: &mut Io<'_>, lines: &mut Vec<String>) -> Ended {
    let Some(program) = argv.first() else {
        return Ended::NotStarted(Said::new(|l| tr_in!(l, "action-run-empty")));
    };
    // The shared runner's checks: the program (and an interpreter's script) must be one only
    // root or the user it runs as can change.
    let mut cmd = match crate::host::cmd::command(argv) {
        Ok(c) => c,
        Err(u) => {
            return Ended::NotStarted(Said::again(u.to_string(), || {
                crate::host::cmd::command(argv).err().map(|u| u.to_string())
            }));
        }
    };
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = match crate::children::spawn(&mut cmd) {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ended::NotStarted(Said::new(|l| {
                tr_in!(l, "action-run-not-installed", program = program)
            }));
        }
        Err(e) => {
            return Ended::NotStarted(Said::new(|l| {
                tr_in!(l, "action-run-cannot-run", program = program, error = e)
            }));
        }
    };
    let (ltx, mut lrx) = mpsc::channel::<(Stream, String)>(256);
    let mut pumps = Vec::new();
    if let Some(o) = child.stdout.take() {
        pumps.push(tokio::spawn(pump(o, Stream::Stdout, ltx.clone())));
    }
    if let Some(e) = child.stderr.take() {
        pumps.push(tokio::spawn(pump(e, Stream::Stderr, ltx.clone())));
    }
    drop(ltx);
    let deadline = io.deadline;
    let mut cancel = io.cancel.clone();
    let ended = loop {
        tokio::select! {
            biased;
            _ = cancel.cancelled() => {
                kill(&mut child).await;
                break Ended::Cancelled;
            }
            _ = tokio::time::sleep_until(deadline) => {
                kill(&mut child).await;
                break Ended::TimedOut;
            }
            Some((s, l)) = lrx.recv() => io.line(s, l, lines).await,
            r = child.wait() => break match r {
                Ok(st) => Ended::Exited(st.code()),
                Err(e) => Ended::NotStarted(Said::new(|l| {
                    tr_in!(l, "action-run-cannot-wait", program = program, error = e)
                })),
            },
        }
    };
    // The rest of the output; bounded, since a daemon the command started may keep the pipe open.
    let drain_until = Instant::now() + Duration::from_millis(500);
    while let Ok(Some((s, l))) = tokio::time::timeout_at(drain_until, lrx.recv()).await {
        io.line(s, l, lines).await;
    }
    for p in pumps {
        p.abort();
    }
    ended
}

/// SIGTERM to the command's process group (sudo passes it on), then SIGKILL; bounded waits.
async fn kill(child: &mut tokio::process::Child) {
    if let Some(pid) = child.id() {
        // SAFETY: kill(2) on the process group the child leads (process_group(0)).
        unsafe { libc::kill(-(pid as i32), libc::SIGTERM) };
        if tokio::time::timeout(Duration::from_secs(1), child.wait())
            .await
            .is_ok()
        {
            return;
        }
        // SAFETY: as above.
        unsafe { libc::kill(-(pid as i32), libc::SIGKILL) };
    }
    let _ = child.start_kill();
    let _ = tokio::time::timeout(Duration::from_secs(2), child.wait()).await;
}

/// Reads a pipe and sends its lines; a line longer than [`MAX_LINE`] is cut and marked `…`.
async fn pump<R: AsyncRead + Unpin>(mut r: R, stream: Stream, tx: mpsc::Sender<(Stream, String)>) {
    let cap = MAX_LINE * 4;
    let mut buf = vec![0u8; 8192];
    let mut line: Vec<u8> = Vec::new();
    let mut cut = false;
    let text = |line: &[u8], cut: bool| {
        let l = line.strip_suffix(b"\r").unwrap_or(line);
        let s = String::from_utf8_lossy(l);
        let mut s = crate::util::shorten(&s, MAX_LINE);
        if cut && !s.ends_with('…') {
            s.push('…');
        }
        s
    };
    loop {
        let n = match r.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        for &b in &buf[..n] {
            if b == b'\n' {
                if tx.send((stream, text(&line, cut))).await.is_err() {
                    return;
                }
                line.clear();
                cut = false;
            } else if line.len() < cap {
                line.push(b);
            } else {
                cut = true;
            }
        }
    }
    if !line.is_empty() {
        let _ = tx.send((stream, text(&line, cut))).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn long_lines_are_cut_and_marked() {
        let data = format!("{}\nshort\r\nlast", "x".repeat(10 * MAX_LINE));
        let (tx, mut rx) = mpsc::channel(8);
        pump(data.as_bytes(), Stream::Stdout, tx).await;
        let mut got = Vec::new();
        while let Some((_, l)) = rx.recv().await {
            got.push(l);
        }
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].chars().count(), MAX_LINE);
        assert!(got[0].ends_with('…'));
        assert_eq!(got[1], "short");
        assert_eq!(got[2], "last");
    }

    #[test]
    fn root_refusal_gives_the_commands_to_run() {
        let a = Action {
            capture: None,
            id: "reload:nginx".into(),
            title: "t".into(),
            description: "d".into(),
            steps: vec![Step::new(&["nginx", "-s", "reload"], true, "p")],
            precheck: Some(Step::new(&["nginx", "-t"], false, "p")),
            fixes: vec![],
            verify: VerifyScope::AllHops,
            note: None,
            danger: None,
            danger_en: None,
        };
        let why = root_refusal(
            crate::i18n::current(),
            &a,
            &Redactor::default(),
            "sudo -n true: a password is required",
        );
        assert!(why.contains("a password is required"), "{why}");
        assert!(
            why.contains("\n  nginx -t\n  sudo nginx -s reload\n"),
            "{why}"
        );
        assert!(
            why.ends_with("sudo triage502 action run reload:nginx --yes"),
            "{why}"
        );
        let _zh = crate::i18n::scoped(crate::i18n::Lang::ZhCn);
        let why = root_refusal(Lang::ZhCn, &a, &Redactor::default(), "sudo -n true: x");
        assert!(
            why.starts_with("reload:nginx 需要 root，但没有免密 sudo（sudo -n true: x）"),
            "{why}"
        );
        assert!(
            why.ends_with("\n  nginx -t\n  sudo nginx -s reload\n或：sudo triage502 action run reload:nginx --yes"),
            "{why}"
        );
    }

    fn has_chinese(t: &str) -> bool {
        t.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    /// Runs `action`; the outcome (shown) and the audit record written.
    async fn run_in_chinese(
        action: &Action,
        read_only: bool,
    ) -> (ActionOutcome, super::super::AuditRecord) {
        assert_eq!(crate::i18n::current(), Lang::ZhCn);
        let dir = tempfile::tempdir().expect("tempdir");
        let mut opts = RunOptions::from_config(&Config::default(), read_only);
        opts.audit_log = dir.path().join("audit.log");
        opts.sudo = Sudo::Never;
        let (tx, mut rx) = mpsc::channel(64);
        let drain = tokio::spawn(async move { while rx.recv().await.is_some() {} });
        let out = run(action, &opts, tx, CancelToken::never()).await;
        let _ = drain.await;
        let mut recs = super::super::read_audit(&opts.audit_log);
        assert_eq!(recs.len(), 1, "{out:?}");
        (out, recs.remove(0))
    }

    fn action(argv: &[&str]) -> Action {
        Action {
            capture: None,
            id: "custom:t".into(),
            title: "t".into(),
            description: "d".into(),
            steps: vec![Step::new(argv, false, "p")],
            precheck: None,
            fixes: vec![],
            verify: VerifyScope::AllHops,
            note: None,
            danger: None,
            danger_en: None,
        }
    }

    #[tokio::test]
    async fn the_audit_record_is_english_while_the_outcome_is_shown_in_chinese() {
        let _zh = crate::i18n::scoped(Lang::ZhCn);
        // Refused: read-only.
        let (out, rec) = run_in_chinese(&action(&["/bin/echo", "hi"]), true).await;
        assert_eq!(
            out.status.describe_in(Lang::ZhCn),
            "已拒绝：只读模式（--read-only 或配置中 read_only = true）：恢复操作已禁用"
        );
        assert_eq!(
            rec.detail,
            "refused: read-only mode (--read-only or read_only = true in the config): recovery actions are disabled"
        );
        assert_eq!(
            rec.verification,
            Verification::NotVerified {
                why: "the action did not succeed".into()
            }
        );
        assert!(has_chinese(&out.verification.describe_in(Lang::ZhCn)));
        // The timeline's line: Chinese shown, English for the journal.
        let u = crate::engine::Update::from(&out);
        let crate::engine::Update::Action { text, en, .. } = u else {
            panic!("{u:?}")
        };
        assert!(
            text.starts_with("操作 custom:t：已拒绝：只读模式"),
            "{text}"
        );
        assert_eq!(
            en,
            "action custom:t: refused: read-only mode (--read-only or read_only = true in the config): recovery actions are disabled; not verified (the action did not succeed)"
        );

        // Succeeded, not verified (no verifier).
        let (out, rec) = run_in_chinese(&action(&["/bin/echo", "hi"]), false).await;
        assert_eq!(out.status, RunStatus::Succeeded, "{out:?}");
        assert_eq!(
            out.verification,
            Verification::NotVerified {
                why: "没有验证器".into()
            }
        );
        assert_eq!(
            (rec.status.as_str(), rec.detail.as_str()),
            ("succeeded", "succeeded")
        );
        assert_eq!(
            rec.verification,
            Verification::NotVerified {
                why: "no verifier".into()
            }
        );
        assert_eq!(rec.output_tail, ["hi"]);

        // Failed: the program is missing; a danger refused.
        let (out, rec) = run_in_chinese(&action(&["/nonexistent/triage502-t"]), false).await;
        assert!(matches!(out.status, RunStatus::Failed { .. }), "{out:?}");
        assert!(has_chinese(&out.status.describe()), "{out:?}");
        assert!(rec.detail.starts_with("failed: "), "{}", rec.detail);
        assert!(!has_chinese(&rec.detail), "{}", rec.detail);
        let mut a = action(&["/bin/echo", "hi"]);
        a.danger = Some("表会丢失".into());
        a.danger_en = Some("tables would be lost".into());
        let (out, rec) = run_in_chinese(&a, false).await;
        assert!(matches!(out.status, RunStatus::Refused { .. }), "{out:?}");
        assert!(
            rec.detail
                .starts_with("refused: tables would be lost. Not run")
        );
        for t in [&rec.detail, &rec.verification.describe_in(Lang::En)] {
            assert!(!has_chinese(t), "{t}");
        }
    }

    #[test]
    fn command_lines_quote_for_display() {
        let v = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            command_line(&v(&["systemctl", "restart", "ds:docservice"])),
            "systemctl restart ds:docservice"
        );
        assert_eq!(
            command_line(&v(&["/bin/echo", "a; b", "it's", ""])),
            "/bin/echo 'a; b' 'it'\\''s' ''"
        );
    }

    #[tokio::test]
    async fn cancel_token_resolves_only_after_cancel() {
        let (c, mut t) = cancel_pair();
        assert!(!t.is_cancelled());
        let never = tokio::time::timeout(Duration::from_millis(50), t.cancelled()).await;
        assert!(never.is_err());
        c.cancel();
        tokio::time::timeout(Duration::from_secs(1), t.cancelled())
            .await
            .expect("cancelled resolves");
        let mut n = CancelToken::never();
        assert!(
            tokio::time::timeout(Duration::from_millis(20), n.cancelled())
                .await
                .is_err()
        );
    }
}
