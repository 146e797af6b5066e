//! Running an action: argv only (never a shell), stdin closed, output streamed line by line,
//! one overall timeout, cancellation, `sudo -n` when root is needed, one action at a time, and
//! exactly one audit line per call.

use super::redact::Redactor;
use super::verify::Verifier;
use super::{
    Action, ActionEvent, ActionOutcome, MAX_LINE, RunStatus, Step, Stream, TAIL_LINES,
    Verification, VerifyScope, command_line,
};
use crate::config::Config;
use crate::tr;
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

/// How one command ended.
enum Ended {
    Exited(Option<i32>),
    NotStarted(String),
    TimedOut,
    Cancelled,
}

/// State shared by the commands of one run.
struct Io<'a> {
    events: &'a mpsc::Sender<ActionEvent>,
    redactor: &'a Redactor,
    tail: VecDeque<String>,
    deadline: Instant,
    cancel: CancelToken,
}

impl Io<'_> {
    async fn emit(&self, e: ActionEvent) {
        // A receiver that is gone or stuck must not keep the run alive past its deadline.
        let _ = tokio::time::timeout_at(self.deadline, self.events.send(e)).await;
    }

    async fn line(&mut self, stream: Stream, line: String, also: &mut Vec<String>) {
        let line = self.redactor.redact(&line);
        if self.tail.len() == TAIL_LINES {
            self.tail.pop_front();
        }
        self.tail.push_back(line.clone());
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
    let mut out = ActionOutcome {
        capture: None,
        id: action.id.clone(),
        status: RunStatus::Succeeded,
        exit_code: None,
        duration_ms: 0,
        argv: planned,
        output_tail: Vec::new(),
        verification: Verification::NotVerified {
            why: tr!("action-run-not-succeeded"),
        },
        audit: Err(tr!("action-run-audit-pending")),
    };
    let started = Instant::now();
    {
        let busy = if opts.read_only {
            Err(tr!("action-run-read-only"))
        } else if let Some(d) = action.danger.as_deref().filter(|_| !opts.accept_danger) {
            Err(tr!("action-run-danger", danger = d))
        } else {
            Busy::acquire(&action.id).map_err(|other| tr!("action-run-busy", other = other))
        };
        match busy {
            Err(why) => out.status = RunStatus::Refused { why },
            Ok(_busy) => {
                let mut io = Io {
                    events: &events,
                    redactor: &opts.redactor,
                    tail: VecDeque::new(),
                    deadline: started + opts.timeout,
                    cancel,
                };
                let attempts = match capture_start(action) {
                    Ok(a) => a,
                    Err(why) => {
                        out.status = RunStatus::Refused { why };
                        None
                    }
                };
                if out.status == RunStatus::Succeeded {
                    execute(action, opts, &mut io, &mut out).await;
                }
                if let Some(a) = attempts {
                    a.abort();
                }
                capture_finish(action, &mut io, &mut out).await;
                out.duration_ms = started.elapsed().as_millis() as u64;
                out.output_tail = io.tail.iter().cloned().collect();
                if out.status == RunStatus::Succeeded {
                    out.verification = verify(action, opts, &mut io).await;
                }
            }
        }
    }
    let rec = super::audit::AuditRecord::from_outcome(&out);
    let rec = super::audit::AuditRecord {
        detail: opts.redactor.redact(&rec.detail),
        ..rec
    };
    out.audit = super::audit::append(&opts.audit_log, &rec)
        .map(|()| opts.audit_log.clone())
        .map_err(|e| tr!("action-run-audit-failed", error = e));
    // Bounded: a receiver that stopped reading must not hang the caller.
    let _ = events
        .send_timeout(ActionEvent::Finished(Box::new(out.clone())), EVENT_WAIT)
        .await;
    out
}

/// A capture action: tcpdump must exist and its folder be ready; then the connection attempts
/// start beside it (aborted when the step ends).
fn capture_start(action: &Action) -> Result<Option<tokio::task::JoinHandle<()>>, String> {
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

/// After a capture's step succeeded: read the file, say what it shows, keep the summary.
async fn capture_finish(action: &Action, io: &mut Io<'_>, out: &mut ActionOutcome) {
    let Some(spec) = &action.capture else {
        return;
    };
    if out.status != RunStatus::Succeeded {
        return;
    }
    let mut sink = Vec::new();
    match super::capture::summarize(spec) {
        Ok(s) => {
            let line = tr!(
                "action-capture-line",
                target = s.target,
                verdict = s.verdict
            );
            io.line(Stream::Stdout, line, &mut sink).await;
            out.capture = Some(s);
        }
        Err(e) => {
            out.status = RunStatus::Failed {
                exit_code: out.exit_code,
                why: tr!("action-capture-unreadable", error = e),
            };
        }
    }
}

async fn verify(action: &Action, opts: &RunOptions, io: &mut Io<'_>) -> Verification {
    if action.verify == VerifyScope::Nothing {
        return Verification::NotVerified {
            why: tr!("action-run-nothing-to-verify"),
        };
    }
    let Some(v) = &opts.verifier else {
        return Verification::NotVerified {
            why: tr!("action-run-no-verifier"),
        };
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
        r = tokio::time::timeout(VERIFY_LIMIT, v.verify(action)) => r.unwrap_or_else(|_| {
            Verification::NotVerified {
                why: tr!("action-run-verify-timeout", secs = VERIFY_LIMIT.as_secs()),
            }
        }),
        _ = io.cancel.cancelled() => Verification::NotVerified {
            why: tr!("action-run-verify-cancelled"),
        },
    }
}

/// `sudo -n true` answers without a password. The error says why not.
async fn sudo_works() -> Result<(), String> {
    if !crate::host::cmd::in_path("sudo") {
        return Err(tr!("action-run-no-sudo"));
    }
    match crate::host::cmd::run(&[], &["sudo", "-n", "true"], Duration::from_secs(5)).await {
        Ok(o) if o.success() => Ok(()),
        Ok(o) => Err(format!("sudo -n true: {}", o.first_message())),
        Err(u) => Err(u.to_string()),
    }
}

async fn execute(action: &Action, opts: &RunOptions, io: &mut Io<'_>, out: &mut ActionOutcome) {
    let all: Vec<&Step> = action.precheck.iter().chain(action.steps.iter()).collect();
    if action.steps.is_empty() || all.iter().any(|s| s.argv.is_empty()) {
        out.status = RunStatus::Refused {
            why: tr!("action-run-empty-id", id = action.id),
        };
        return;
    }
    let mut sudo = false;
    if action.needs_root() && !crate::util::is_root() {
        let why_not = match opts.sudo {
            Sudo::Never => Err(tr!("action-run-sudo-disabled")),
            Sudo::Auto => sudo_works().await,
        };
        match why_not {
            Ok(()) => sudo = true,
            Err(why) => {
                out.status = RunStatus::Refused {
                    why: root_refusal(action, &opts.redactor, &why),
                };
                return;
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
        let status = match ended {
            Ended::Exited(Some(0)) => continue,
            Ended::TimedOut => RunStatus::TimedOut {
                after_ms: opts.timeout.as_millis() as u64,
            },
            Ended::Cancelled => RunStatus::Cancelled,
            Ended::NotStarted(why) if is_precheck => RunStatus::Refused {
                why: tr!("action-run-precheck-not-started", command = cmd, why = why),
            },
            Ended::NotStarted(why) => RunStatus::Failed {
                exit_code: None,
                why: tr!("action-run-not-started", command = cmd, why = why),
            },
            Ended::Exited(code) => {
                if is_precheck {
                    let head = match code {
                        Some(c) => tr!("action-run-precheck-failed-code", command = cmd, code = c),
                        None => tr!("action-run-precheck-failed-signal", command = cmd),
                    };
                    RunStatus::Refused {
                        why: format!("{head}\n{}", lines.join("\n")),
                    }
                } else {
                    let last = lines.last().map(|l| format!(": {l}")).unwrap_or_default();
                    let head = match code {
                        Some(c) => tr!("action-run-failed-code", command = cmd, code = c),
                        None => tr!("action-run-failed-signal", command = cmd),
                    };
                    RunStatus::Failed {
                        exit_code: code,
                        why: format!("{head}{last}"),
                    }
                }
            }
        };
        out.status = status;
        return;
    }
}

/// Why a root action cannot run, with the exact command lines to run by hand.
pub(crate) fn root_refusal(action: &Action, redactor: &Redactor, why: &str) -> String {
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
        tr!("action-run-root", id = action.id, why = why),
        cmds.join("\n"),
        tr!("action-run-root-or", id = action.id)
    )
}

/// Runs one argv, streaming its lines, until it exits, the deadline passes or cancel is asked.
async fn run_command(argv: &[String], io: &mut Io<'_>, lines: &mut Vec<String>) -> Ended {
    let Some(program) = argv.first() else {
        return Ended::NotStarted(tr!("action-run-empty"));
    };
    // The shared runner's checks: the program (and an interpreter's script) must be one only
    // root or the user it runs as can change.
    let mut cmd = match crate::host::cmd::command(argv) {
        Ok(c) => c,
        Err(u) => return Ended::NotStarted(u.to_string()),
    };
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = match crate::children::spawn(&mut cmd) {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ended::NotStarted(tr!("action-run-not-installed", program = program));
        }
        Err(e) => {
            return Ended::NotStarted(tr!("action-run-cannot-run", program = program, error = e));
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
                Err(e) => Ended::NotStarted(tr!("action-run-cannot-wait", program = program, error = e)),
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
        };
        let why = root_refusal(
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
        let why = root_refusal(&a, &Redactor::default(), "sudo -n true: x");
        assert!(
            why.starts_with("reload:nginx 需要 root，但没有免密 sudo（sudo -n true: x）"),
            "{why}"
        );
        assert!(
            why.ends_with("\n  nginx -t\n  sudo nginx -s reload\n或：sudo triage502 action run reload:nginx --yes"),
            "{why}"
        );
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
