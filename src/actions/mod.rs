//! Recovery actions: plan, preview, confirm, run (argv, never a shell), verify, audit.
//!
//! The flow the console and the headless `action run` share:
//!
//! 1. **Plan** — [`catalogue`] lists every action the config and the host allow (cheap, sync);
//!    [`plan`] resolves one id with the host's service managers asked (`backend = "auto"`).
//! 2. **Preview** — an [`Action`] carries the exact argv of each [`Step`], whether it needs
//!    root, the precheck and what it is expected to fix; [`Action::preview`] renders it.
//! 3. **Confirm** — the caller's business (a dialog, or `--yes`).
//! 4. **Run** — [`run`] executes the steps as argv with a timeout, streams every output line as
//!    an [`ActionEvent`], can be cancelled through a [`Canceller`], and refuses in read-only mode,
//!    while another action runs, or when root is needed and passwordless sudo is not available.
//! 5. **Verify** — after a success the [`Verifier`] in [`RunOptions`] re-probes (the engine's
//!    re-check, or [`ProbeVerifier`] for headless use) and fills [`Verification`].
//! 6. **Audit** — one JSON line per run, refusals included, secrets redacted ([`audit`]).

pub mod audit;
pub mod capture;
mod catalogue;
pub mod cli;
pub mod danger;
pub mod redact;
mod runner;
mod verify;

use crate::i18n::Lang;
use crate::{tr, tr_in};
use serde::{Deserialize, Serialize};
use std::time::Duration;

pub use audit::{AuditRecord, default_audit_path, read_audit};
pub use catalogue::{Firewall, HostFacts, catalogue, catalogue_with, find, for_finding, plan};
pub(crate) use runner::english;
pub use runner::{CancelToken, Canceller, RunOptions, Sudo, cancel_pair, run, running};
pub use verify::{NoVerify, ProbeVerifier, Verifier, VerifyFuture, related_hops};

/// A text for people in the current language, with its English wording for the records on
/// disk (the audit log, the console's timeline journal): `report --format json` reads them back
/// and must show English whatever language wrote them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Said {
    /// In the current language: what this process shows.
    pub shown: String,
    /// In English: what is written to disk.
    pub en: String,
}

impl Said {
    /// A text rendered in the current language and in English: `Said::new(|l| tr_in!(l, …))`.
    /// The English pass runs with this thread's language set to English, so values rendered
    /// inside `text` by other modules' `tr!` (an error's `Display`) come out English too.
    pub fn new(text: impl Fn(Lang) -> String) -> Said {
        let current = crate::i18n::current();
        let shown = text(current);
        let en = if current == Lang::En {
            shown.clone()
        } else {
            let _en = crate::i18n::scoped(Lang::En);
            text(Lang::En)
        };
        Said { shown, en }
    }

    /// A text of no language (a command's output, an argv) or one whose English is not known:
    /// the same on screen and on disk.
    pub fn plain(text: impl Into<String>) -> Said {
        let t = text.into();
        Said {
            shown: t.clone(),
            en: t,
        }
    }

    /// A text another part of the program rendered in the current language, with its English
    /// wording asked `again` (with this thread's language set to English; `None`: the same).
    pub fn again(shown: String, again: impl FnOnce() -> Option<String>) -> Said {
        let en = match crate::i18n::current() {
            Lang::En => None,
            _ => {
                let _en = crate::i18n::scoped(Lang::En);
                again()
            }
        };
        Said {
            en: en.unwrap_or_else(|| shown.clone()),
            shown,
        }
    }

    /// The wording for `l`: English for English, else what is shown.
    pub fn get(&self, l: Lang) -> &str {
        if l == Lang::En { &self.en } else { &self.shown }
    }
}

/// One command of an action, run as argv (never through a shell).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// Program and arguments.
    pub argv: Vec<String>,
    /// Whether the command needs root (then `sudo -n` is used when not root).
    pub needs_root: bool,
    /// What the step does, for the preview (`runtime rule`, `permanent rule`, ...).
    pub purpose: String,
}

impl Step {
    /// A step from string slices.
    pub fn new(argv: &[&str], needs_root: bool, purpose: impl Into<String>) -> Self {
        Step {
            argv: argv.iter().map(|s| s.to_string()).collect(),
            needs_root,
            purpose: purpose.into(),
        }
    }

    /// The argv as one line a person can paste into a shell (quoted for display only).
    pub fn command_line(&self) -> String {
        command_line(&self.argv)
    }
}

/// Renders argv as a shell-pasteable line: arguments with special characters are single-quoted.
/// For display and "run it yourself" hints only; nothing is ever run through a shell.
pub fn command_line(argv: &[String]) -> String {
    argv.iter()
        .map(|a| {
            let plain = !a.is_empty()
                && a.chars().all(|c| {
                    c.is_ascii_alphanumeric()
                        || matches!(c, '-' | '_' | '.' | '/' | ':' | '=' | ',' | '@' | '+')
                });
            if plain {
                a.clone()
            } else {
                format!("'{}'", a.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Which hops to re-probe after the action succeeded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "scope", rename_all = "snake_case")]
pub enum VerifyScope {
    /// Nothing to verify (e.g. `stop:`); the outcome stays "not verified".
    Nothing,
    /// The hops whose `service` is this service.
    Service {
        /// The `[[service]]` name.
        name: String,
    },
    /// Every hop of the chain (nginx and firewall reloads, SELinux, custom actions).
    AllHops,
}

/// A recovery action: what the preview shows and what [`run`] executes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    /// Stable id: `restart:NAME`, `start:NAME`, `stop:NAME`, `reload:nginx`,
    /// `reload:firewall`, `open-port:PORT/tcp`, `selinux:httpd_can_network_connect`, or a custom id.
    pub id: String,
    /// Short title (`Restart ds-docservice (supervisor)`).
    pub title: String,
    /// What it is expected to fix.
    pub description: String,
    /// Commands run in order; the first failure stops the action.
    pub steps: Vec<Step>,
    /// Run first; when it fails the action is refused and its output shown (`nginx -t`).
    pub precheck: Option<Step>,
    /// Finding ids it addresses (`service_down`, `proxy_config_invalid`, ...).
    pub fixes: Vec<String>,
    /// What to re-probe afterwards.
    pub verify: VerifyScope,
    /// How the plan was chosen (`backend auto → supervisor`, `firewall: nftables`), for the preview.
    pub note: Option<String>,
    /// What it would destroy beyond what it means to fix (live firewall tables a reload
    /// deletes), found by [`plan`]. Such an action runs only after a second, explicit
    /// confirmation ([`RunOptions::accept_danger`]); `action run --yes` refuses it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub danger: Option<String>,
    /// [`Action::danger`] in English, for the audit record of a refusal (not serialised; the
    /// danger itself when `None`).
    #[serde(skip)]
    pub danger_en: Option<String>,
    /// A packet capture (`capture:HOP`): while its one step (tcpdump) runs, the runner makes
    /// the connection attempts itself, then reads the capture file into a summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capture: Option<capture::CaptureSpec>,
}

impl Action {
    /// Whether any command of the action needs root.
    pub fn needs_root(&self) -> bool {
        self.steps
            .iter()
            .chain(self.precheck.iter())
            .any(|s| s.needs_root)
    }

    /// [`Action::danger`] and its English wording.
    pub fn danger_said(&self) -> Option<Said> {
        self.danger.as_ref().map(|d| Said {
            shown: d.clone(),
            en: self.danger_en.clone().unwrap_or_else(|| d.clone()),
        })
    }

    /// The preview text: title, what it fixes, precheck and each step's exact argv and root need.
    pub fn preview(&self) -> String {
        let mut s = format!("{}  [{}]\n{}\n", self.title, self.id, self.description);
        if !self.fixes.is_empty() {
            let fixes = self.fixes.join(", ");
            s.push_str(&format!(
                "{}\n",
                tr!("action-preview-addresses", fixes = fixes)
            ));
        }
        if let Some(n) = &self.note {
            s.push_str(&format!("{}\n", tr!("action-preview-plan", note = n)));
        }
        if let Some(d) = &self.danger {
            s.push_str(&format!("{}\n", tr!("action-preview-danger", danger = d)));
        }
        if let Some(p) = &self.precheck {
            let (command, purpose) = (p.command_line(), &p.purpose);
            let line = if p.needs_root {
                tr!(
                    "action-preview-precheck-root",
                    command = command,
                    purpose = purpose
                )
            } else {
                tr!(
                    "action-preview-precheck",
                    command = command,
                    purpose = purpose
                )
            };
            s.push_str(&format!("{line}\n"));
        }
        for (i, st) in self.steps.iter().enumerate() {
            let (n, command, purpose) = (i + 1, st.command_line(), &st.purpose);
            let line = if st.needs_root {
                tr!(
                    "action-preview-step-root",
                    n = n,
                    command = command,
                    purpose = purpose
                )
            } else {
                tr!(
                    "action-preview-step",
                    n = n,
                    command = command,
                    purpose = purpose
                )
            };
            s.push_str(&format!("{line}\n"));
        }
        s
    }
}

/// How an outcome reads: as information, a warning or an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// It went as asked.
    Info,
    /// Refused, or succeeded without fixing.
    Warn,
    /// It failed.
    Error,
}

/// Which output stream a line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stream {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
}

/// What a run reports while it goes, in order. The last event is always [`ActionEvent::Finished`].
#[derive(Debug, Clone, PartialEq)]
pub enum ActionEvent {
    /// A command starts. `index` is 0 for the precheck when there is one, then the steps.
    StepStarted {
        /// The action.
        id: String,
        /// Position among the commands run (precheck first).
        index: usize,
        /// How many commands there are (precheck included).
        total: usize,
        /// The argv as executed (with `sudo -n` / the command prefix), redacted.
        argv: Vec<String>,
        /// The step's purpose.
        purpose: String,
    },
    /// One line of output (redacted, at most [`MAX_LINE`] characters).
    Output {
        /// Which stream.
        stream: Stream,
        /// The line, without its newline.
        line: String,
    },
    /// A command ended.
    StepFinished {
        /// Position (as in `StepStarted`).
        index: usize,
        /// Exit code; `None` when killed by a signal.
        exit_code: Option<i32>,
        /// How long it ran.
        duration: Duration,
    },
    /// The commands succeeded and the verifier runs now.
    Verifying {
        /// What is re-probed.
        scope: VerifyScope,
    },
    /// Everything is over (the audit line is written).
    Finished(Box<ActionOutcome>),
}

/// How the run ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum RunStatus {
    /// Every command exited 0.
    Succeeded,
    /// A command failed.
    Failed {
        /// Its exit code (`None`: killed by a signal, or could not be started).
        exit_code: Option<i32>,
        /// What failed, for a person.
        why: String,
    },
    /// Nothing (or only the precheck) was run.
    Refused {
        /// Why, and what to do instead.
        why: String,
    },
    /// The timeout fired; the command was killed.
    TimedOut {
        /// The timeout.
        after_ms: u64,
    },
    /// Cancelled by the operator; the command was killed.
    Cancelled,
}

impl RunStatus {
    /// Short word (`succeeded`, `failed`, `refused`, `timed_out`, `cancelled`).
    pub fn word(&self) -> &'static str {
        match self {
            RunStatus::Succeeded => "succeeded",
            RunStatus::Failed { .. } => "failed",
            RunStatus::Refused { .. } => "refused",
            RunStatus::TimedOut { .. } => "timed_out",
            RunStatus::Cancelled => "cancelled",
        }
    }

    /// One line for a person.
    pub fn describe(&self) -> String {
        self.describe_in(crate::i18n::current())
    }

    /// [`RunStatus::describe`] in a given language (English: the audit record's `detail`).
    pub fn describe_in(&self, l: Lang) -> String {
        match self {
            RunStatus::Succeeded => tr_in!(l, "action-status-succeeded"),
            RunStatus::Failed { why, .. } => tr_in!(l, "action-status-failed", why = why),
            RunStatus::Refused { why } => tr_in!(l, "action-status-refused", why = why),
            RunStatus::TimedOut { after_ms } => {
                tr_in!(l, "action-status-timed_out", ms = after_ms)
            }
            RunStatus::Cancelled => tr_in!(l, "action-status-cancelled"),
        }
    }

    /// The status an audit record's `status` word and English `detail` describe (`None` when
    /// the detail is not in the English wording of that status).
    pub fn from_record(word: &str, detail: &str, exit_code: Option<i32>) -> Option<RunStatus> {
        // The free part of the detail: what stands where the English wording has MARK.
        const MARK: &str = "\u{1}";
        let free = |wording: String| -> Option<String> {
            let (head, tail) = wording.split_once(MARK)?;
            Some(detail.strip_prefix(head)?.strip_suffix(tail)?.to_string())
        };
        let status = match word {
            "succeeded" => RunStatus::Succeeded,
            "cancelled" => RunStatus::Cancelled,
            "refused" => RunStatus::Refused {
                why: free(tr_in!(Lang::En, "action-status-refused", why = MARK))?,
            },
            "failed" => RunStatus::Failed {
                exit_code,
                why: free(tr_in!(Lang::En, "action-status-failed", why = MARK))?,
            },
            "timed_out" => RunStatus::TimedOut {
                after_ms: free(tr_in!(Lang::En, "action-status-timed_out", ms = MARK))?
                    .parse()
                    .ok()?,
            },
            _ => return None,
        };
        (status.describe_in(Lang::En) == detail).then_some(status)
    }
}

/// What re-probing said after the action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Verification {
    /// The related hops are no longer failing.
    Fixed,
    /// Still failing: which hops and why.
    StillFailing {
        /// `hop: reason; hop: reason`.
        what: String,
    },
    /// Not verified (action did not succeed, nothing to verify, no verifier, cancelled).
    NotVerified {
        /// Why not.
        why: String,
    },
}

impl Verification {
    /// `fixed`, `still failing: …`, `not verified (…)`.
    pub fn describe(&self) -> String {
        self.describe_in(crate::i18n::current())
    }

    /// [`Verification::describe`] in a given language.
    pub fn describe_in(&self, l: Lang) -> String {
        match self {
            Verification::Fixed => tr_in!(l, "action-verify-fixed"),
            Verification::StillFailing { what } => {
                tr_in!(l, "action-verify-still_failing", what = what)
            }
            Verification::NotVerified { why } => {
                tr_in!(l, "action-verify-not_verified", why = why)
            }
        }
    }
}

/// The result of [`run`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionOutcome {
    /// The action id.
    pub id: String,
    /// How it ended.
    pub status: RunStatus,
    /// Exit code of the last command run.
    pub exit_code: Option<i32>,
    /// Wall time of the commands (verification excluded), milliseconds.
    pub duration_ms: u64,
    /// The argv of every command as executed (or as planned when refused), redacted.
    pub argv: Vec<Vec<String>>,
    /// Last [`TAIL_LINES`] output lines, redacted.
    pub output_tail: Vec<String>,
    /// Verification result.
    pub verification: Verification,
    /// Where the audit line went, or why it could not be written.
    pub audit: Result<std::path::PathBuf, String>,
    /// What a packet capture saw (`capture:HOP` actions that ran).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capture: Option<crate::probe::capture::CaptureSummary>,
}

impl ActionOutcome {
    /// Exit code for `triage502 action run`: 0 succeeded (fixed or not verified), 1 succeeded
    /// but still failing, 2 failed / timed out / cancelled, 3 refused.
    pub fn exit_code(&self) -> i32 {
        match (&self.status, &self.verification) {
            (RunStatus::Succeeded, Verification::StillFailing { .. }) => 1,
            (RunStatus::Succeeded, _) => 0,
            (RunStatus::Refused { .. }, _) => 3,
            _ => 2,
        }
    }
}

impl ActionOutcome {
    /// How the outcome reads in a timeline: whether it went wrong (refused, failed, or
    /// succeeded without fixing), and one line (a refusal's first line only: `nginx -t`
    /// output can be long).
    /// A recovery action that succeeded and was not found still failing (a capture fixes
    /// nothing: never a recovery).
    pub fn is_recovery(&self) -> bool {
        self.status == RunStatus::Succeeded
            && self.capture.is_none()
            && !self.id.starts_with("capture:")
            && !matches!(self.verification, Verification::StillFailing { .. })
    }

    pub fn summary(&self) -> (Severity, String) {
        self.summary_in(crate::i18n::current())
    }

    /// [`ActionOutcome::summary`] in a given language.
    pub fn summary_in(&self, l: Lang) -> (Severity, String) {
        let level = match (&self.status, &self.verification) {
            (RunStatus::Succeeded, Verification::StillFailing { .. }) => Severity::Warn,
            (RunStatus::Succeeded, _) | (RunStatus::Cancelled, _) => Severity::Info,
            (RunStatus::Refused { .. }, _) => Severity::Warn,
            _ => Severity::Error,
        };
        let status = match &self.status {
            RunStatus::Refused { why } => {
                tr_in!(
                    l,
                    "action-status-refused",
                    why = why.lines().next().unwrap_or_default()
                )
            }
            s => s.describe_in(l),
        };
        (
            level,
            tr_in!(
                l,
                "action-summary",
                id = self.id,
                status = status,
                verification = self.verification.describe_in(l)
            ),
        )
    }
}

/// Output lines kept in [`ActionOutcome::output_tail`].
pub const TAIL_LINES: usize = 20;
/// Longest output line kept (characters); the rest is cut with `…`.
pub const MAX_LINE: usize = 1000;

/// The well-known finding ids actions refer to.
pub mod finding {
    /// A service of the chain is not running.
    pub const SERVICE_DOWN: &str = "service_down";
    /// The proxy itself is not answering.
    pub const PROXY_DOWN: &str = "proxy_down";
    /// A firewall drops packets.
    pub const FIREWALL_DROP: &str = "firewall_drop";
    /// A firewall rejects connections.
    pub const FIREWALL_REJECT: &str = "firewall_reject";
    /// nginx's configuration is invalid / not loaded.
    pub const PROXY_CONFIG_INVALID: &str = "proxy_config_invalid";
    /// SELinux forbids nginx's outgoing connections.
    pub const SELINUX_DENIES: &str = "selinux_denies";
}
