//! `triage502 action list|run ID [--yes]`: the headless side of recovery actions.
//!
//! `run` prints the preview, asks `y/N` on a terminal (refuses without `--yes` otherwise),
//! streams the output, verifies by re-probing (see [`super::ProbeVerifier`]) and exits
//! 0 succeeded (fixed / not verified), 1 succeeded but still failing, 2 failed / timed out /
//! cancelled, 3 refused or unknown id. Ctrl-C, SIGTERM and SIGHUP cancel the running command
//! (its audit line is still written).
//!
//! Everything printed goes through [`crate::sanitize`]: every secret the program knows (the
//! config's, the files it names, the container's environment and `occ`, learned before the
//! preview) and every JWT is masked in the list, the preview, the output and the summary, and
//! characters a terminal would act on are shown instead.

use super::{ActionEvent, ProbeVerifier, RunOptions, Stream};
use crate::config::Config;
use crate::sanitize::{field, text};
use crate::tr;
use std::io::{IsTerminal, Write};
use std::sync::Arc;

/// Output format of `action list`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListFormat {
    /// One action per line: id, root, title, commands.
    Text,
    /// A JSON array of actions.
    Json,
}

/// `triage502 action …`
#[derive(clap::Subcommand, Debug)]
pub enum ActionCommand {
    /// List the recovery actions this config and host allow.
    List {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
    /// Run one action: preview, confirm, run, verify, audit.
    Run {
        /// Action id, e.g. restart:ds-docservice, reload:nginx, reload:firewall.
        id: String,
        /// Do not ask for confirmation (needed when stdin is not a terminal).
        #[arg(long)]
        yes: bool,
    },
}

/// Runs an `action` subcommand; returns the exit code.
pub fn run(cmd: &ActionCommand, cfg: &Config, read_only: bool) -> i32 {
    match cmd {
        ActionCommand::List { format } => list(cfg, *format),
        ActionCommand::Run { id, yes } => {
            let rt = match crate::util::runtime() {
                Ok(r) => r,
                Err(e) => {
                    crate::say_err!("triage502: {e}");
                    return 3;
                }
            };
            rt.block_on(run_one(cfg, id, *yes, read_only))
        }
    }
}

fn list(cfg: &Config, format: ListFormat) -> i32 {
    if !super::redact::learn_commands_now(cfg) {
        crate::say_err!("triage502: {}", tr!("action-cli-secret-unreadable"));
        return 3;
    }
    let cat = super::catalogue(cfg);
    let text = match format {
        ListFormat::Json => {
            let v: Vec<serde_json::Value> = cat
                .iter()
                .map(|a| {
                    let mut j = serde_json::to_value(a).unwrap_or_default();
                    j["needs_root"] = a.needs_root().into();
                    j
                })
                .collect();
            let mut s = crate::sanitize::json_pretty(&v);
            s.push('\n');
            s
        }
        ListFormat::Text => {
            let mut s = String::new();
            if cfg.read_only {
                s.push_str(&format!("{}\n", tr!("action-cli-read-only")));
            }
            for a in &cat {
                let cmds: Vec<String> = a.steps.iter().map(|st| st.command_line()).collect();
                s.push_str(&format!(
                    "{:<36} {:<5} {}\n{:<42} {}\n",
                    field(&a.id),
                    if a.needs_root() { "root" } else { "" },
                    field(&a.title),
                    "",
                    field(&cmds.join(" && "))
                ));
            }
            if cat.is_empty() {
                s.push_str(&format!("{}\n", tr!("action-cli-none")));
            }
            text(&s)
        }
    };
    let mut so = std::io::stdout().lock();
    let _ = so.write_all(text.as_bytes());
    let _ = so.flush();
    0
}

/// Asks for the word `delete` before an action with a danger (the plain confirmation follows).
fn confirm_danger() -> bool {
    {
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), "{} ", tr!("action-cli-confirm-danger"));
    }
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    if std::io::stdin().read_line(&mut answer).is_err() {
        return false;
    }
    answer.trim() == "delete"
}

/// Asks `Run it? [y/N]` on the terminal.
fn confirm() -> bool {
    {
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), "{} ", tr!("action-cli-confirm"));
    }
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    if std::io::stdin().read_line(&mut answer).is_err() {
        return false;
    }
    // i18n: not text (the answers typed)
    matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes")
}

async fn run_one(cfg: &Config, id: &str, yes: bool, read_only: bool) -> i32 {
    let action = match super::plan(cfg, id).await {
        Ok(a) => a,
        Err(e) => {
            crate::say_err!("triage502: {}", field(&e.to_string()));
            return 3;
        }
    };
    // What only commands tell (the container's JWT_SECRET, occ's jwt_secret) is learned before
    // anything of the action is shown.
    super::redact::learn_commands(cfg, std::time::Duration::from_millis(cfg.probe.timeout_ms))
        .await;
    let mut opts = RunOptions::from_config(cfg, read_only);
    crate::say!("{}", text(action.preview().trim_end()));
    if let Some(d) = &action.danger
        && !opts.read_only
    {
        if yes {
            crate::say_err!(
                "triage502: {}",
                tr!("action-cli-danger-yes", id = id, danger = field(d))
            );
            return 3;
        }
        if std::io::stdin().is_terminal() {
            let ok = tokio::task::spawn_blocking(confirm_danger)
                .await
                .unwrap_or(false);
            if !ok {
                crate::say_err!("{}", tr!("action-cli-not-run"));
                return 3;
            }
            opts.accept_danger = true;
        }
    }
    if !opts.read_only && !yes {
        if !std::io::stdin().is_terminal() {
            crate::say_err!("triage502: {}", tr!("action-cli-no-terminal", id = id));
            return 3;
        }
        let ok = tokio::task::spawn_blocking(confirm).await.unwrap_or(false);
        if !ok {
            crate::say_err!("{}", tr!("action-cli-not-run"));
            return 3;
        }
    }
    opts.verifier = Some(Arc::new(ProbeVerifier::new(Arc::new(cfg.clone()))));
    let (canceller, token) = super::cancel_pair();
    // Ctrl-C, SIGTERM and SIGHUP (the SSH session gone) cancel the command, so the run ends
    // as it must: its process group stopped, its audit line written. From here on nothing
    // printed may panic on a closed terminal (say!).
    let stop = match crate::util::stop_signal() {
        Ok(s) => s,
        Err(e) => {
            crate::say_err!(
                "triage502: {}",
                tr!("action-cli-no-signals", id = id, error = e)
            );
            return 3;
        }
    };
    let signals = tokio::spawn(async move {
        let name = stop.await;
        crate::say_err!("{}", tr!("action-cli-cancelling", signal = name));
        canceller.cancel();
    });
    let (tx, mut rx) = tokio::sync::mpsc::channel::<ActionEvent>(256);
    let printer = tokio::spawn(async move {
        while let Some(e) = rx.recv().await {
            match e {
                ActionEvent::StepStarted { argv, purpose, .. } => {
                    crate::say!(
                        "→ {}   ({})",
                        field(&super::command_line(&argv)),
                        field(&purpose)
                    );
                }
                ActionEvent::Output { stream, line } => match stream {
                    Stream::Stdout => crate::say!("  │ {}", field(&line)),
                    Stream::Stderr => crate::say!("  ┃ {}", field(&line)),
                },
                ActionEvent::StepFinished {
                    exit_code,
                    duration,
                    ..
                } => {
                    let ms = duration.as_millis();
                    let line = match exit_code {
                        Some(code) => tr!("action-cli-exit", code = code, ms = ms),
                        None => tr!("action-cli-exit-signal", ms = ms),
                    };
                    crate::say!("  {line}");
                }
                ActionEvent::Verifying { .. } => crate::say!("{}", tr!("action-cli-verifying")),
                ActionEvent::Finished(_) => {}
            }
        }
    });
    let out = super::run(&action, &opts, tx, token).await;
    let _ = printer.await;
    signals.abort();
    crate::say!(
        "{}",
        text(&tr!(
            "action-cli-result",
            id = out.id,
            status = out.status.describe(),
            ms = out.duration_ms,
            verification = out.verification.describe()
        ))
    );
    match &out.audit {
        Ok(p) => crate::say!(
            "{}",
            tr!("action-cli-audit", path = field(&p.display().to_string()))
        ),
        Err(e) => crate::say_err!("triage502: {}", text(e)),
    }
    out.exit_code()
}
