//! The command line: clap definitions and dispatch to the engine modules.
//!
//! The contract: `triage502` opens the console; `check` exits with Nagios codes;
//! `logs`, `report`, `config`, `lab`, `completions`, `man` as documented in the README.

use crate::config::{self, Selector};
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

/// triage502 — a terminal console for 502/504 Bad Gateway incidents.
///
/// With no subcommand it opens the console: the request chain live, hop by hop.
#[derive(Parser, Debug)]
#[command(name = "triage502", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub cmd: Option<Command>,
}

/// Options that select and adjust the configuration.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct Global {
    /// Config file (else $TRIAGE502_CONFIG, $XDG_CONFIG_HOME/triage502/config.toml or
    /// ~/.config/triage502/config.toml, /etc/triage502/config.toml, then the embedded onlyoffice
    /// profile; never the current folder). It must belong to root or you and be writable by
    /// nobody else.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Embedded profile: onlyoffice, or generic (implied by --proxy-url and --app-url).
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// Public URL through the proxy; with --app-url it builds the generic profile.
    #[arg(long, global = true, value_name = "URL")]
    pub proxy_url: Option<String>,
    /// URL of the application behind the proxy (its path is what is asked); implies the
    /// generic profile.
    #[arg(long, global = true, value_name = "URL")]
    pub app_url: Option<String>,
    /// What a healthy application answers (generic profile; default 200), through the proxy
    /// and directly. A path in --app-url / --proxy-url says what is asked.
    #[arg(long, global = true, value_name = "STATUS", value_parser = clap::value_parser!(u16).range(100..=599))]
    pub app_expect_status: Option<u16>,
    /// Refuse every recovery action.
    #[arg(long, global = true)]
    pub read_only: bool,
    /// Theme: dark, light, high-contrast, monochrome.
    #[arg(long, global = true, value_name = "NAME")]
    pub theme: Option<String>,
}

impl Global {
    fn selector(&self) -> Selector {
        Selector {
            file: self.config.clone(),
            profile: self.profile.clone(),
            proxy_url: self.proxy_url.clone(),
            app_url: self.app_url.clone(),
            app_expect_status: self.app_expect_status,
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Probe the chain once and exit: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
    Check {
        /// Output format.
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
    },
    /// Write the incident report of one round.
    Report {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ReportFormat::Md)]
        format: ReportFormat,
        /// Write to FILE instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Configuration: write a commented starter, show the effective one, validate.
    Config {
        #[command(subcommand)]
        cmd: ConfigCommand,
    },
    /// Classify nginx and Document Server logs: scan files, or follow them through rotation.
    Logs {
        #[command(subcommand)]
        cmd: LogsCommand,
    },
    /// Recovery actions: list them, or run one (previewed, confirmed, audited, verified).
    Action {
        #[command(subcommand)]
        cmd: crate::actions::cli::ActionCommand,
    },
    /// Host facts: listeners, processes, services, firewall, SELinux, nginx's proxy targets.
    Host(crate::host::cli::HostArgs),
    /// The loopback lab: real nginx and a stand-in Document Server under supervisord.
    Lab(crate::lab::cli::LabArgs),
    /// Print shell completions.
    Completions {
        /// bash, zsh, fish, elvish, powershell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
}

#[derive(Subcommand, Debug)]
pub enum ConfigCommand {
    /// Write a commented config (to FILE, default ~/.config/triage502/config.toml, or
    /// /etc/triage502/config.toml as root; never overwrites).
    Init {
        /// Where to write.
        #[arg(value_name = "FILE")]
        path: Option<PathBuf>,
    },
    /// Print the effective config, secrets masked.
    Show,
    /// Validate the config; errors name the file, the line and a hint.
    Check,
}

#[derive(Subcommand, Debug)]
pub enum LogsCommand {
    /// Classify whole files (plain or .gz), streaming: text, ndjson or a per-class summary.
    Scan(crate::logs::cli::ScanArgs),
    /// Follow files from their end (after the last classified entries), through rotation.
    Follow(crate::logs::cli::FollowArgs),
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckFormat {
    Text,
    Json,
    Nagios,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportFormat {
    Md,
    Json,
}

/// Entry point used by `main`; returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            // clap uses 0 for --help/--version and 2 for usage errors; keep 3 (UNKNOWN) for
            // usage errors of `check` so monitoring never reads them as CRITICAL.
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => 0,
                _ => match check_format_in(std::env::args().skip(1)) {
                    // `check --format nagios|json` still answers in its format.
                    Some(f) if f != CheckFormat::Text => {
                        let msg = e.to_string();
                        let first = msg
                            .lines()
                            .map(|l| l.trim_start_matches("error: ").trim())
                            .find(|l| !l.is_empty())
                            .unwrap_or("invalid command line");
                        check_unusable(f, &format!("usage: {first}"))
                    }
                    _ => 3,
                },
            };
        }
    };
    run(cli)
}

fn load(g: &Global) -> Result<(config::Config, config::Source), i32> {
    load_quiet(g).map_err(|e| {
        say_load_error(&e);
        3
    })
}

/// A config that cannot be used, on stderr: a usage error in one line, else every problem.
fn say_load_error(e: &config::LoadError) {
    if e.is_usage() {
        crate::say_err!("triage502: {e}");
    } else {
        crate::say_err!("triage502: invalid configuration\n{e}");
    }
}

/// The first line of a load error, for `check`'s one status line.
fn load_error_line(e: &config::LoadError) -> String {
    let all = e.to_string();
    let first = all.lines().next().unwrap_or("unusable configuration");
    if e.is_usage() {
        first.to_string()
    } else {
        format!("invalid configuration: {first}")
    }
}

/// The effective config with the command line's overrides, or why it is unusable.
fn load_quiet(g: &Global) -> Result<(config::Config, config::Source), config::LoadError> {
    match config::load(&g.selector()) {
        Ok((mut c, s)) => {
            // Every secret of the config and of the files it names is masked in every output.
            crate::actions::redact::learn_config(&c);
            if g.read_only {
                c.read_only = true;
            }
            if let Some(t) = &g.theme {
                c.theme = t.clone();
            }
            Ok((c, s))
        }
        Err(e) => Err(e),
    }
}

fn write_out(out: Option<&PathBuf>, text: &str) -> i32 {
    match out {
        // No planted symlink followed, 0600, not in a folder another user can write.
        Some(p) => match crate::fsafe::open_write(p, crate::fsafe::WriteMode::Truncate, 0o600)
            .and_then(|mut f| {
                f.write_all(text.as_bytes()).map_err(|e| {
                    format!(
                        "cannot write '{}': {}",
                        p.display(),
                        crate::util::io_error_text(&e)
                    )
                })
            }) {
            Ok(()) => {
                crate::say_err!("written: {}", p.display());
                0
            }
            Err(e) => {
                crate::say_err!("triage502: {e}");
                3
            }
        },
        None => {
            let mut so = std::io::stdout().lock();
            // A closed pipe (| head) is not an error worth a panic.
            let _ = so.write_all(text.as_bytes());
            let _ = so.flush();
            0
        }
    }
}

/// `check` could not run a round: one status line (nagios), one JSON object of the usual
/// shape (json) or nothing more (text: the reason is on stderr already); exit 3 (UNKNOWN).
fn check_unusable(format: CheckFormat, why: &str) -> i32 {
    let why = crate::util::shorten(why, 300);
    match format {
        CheckFormat::Text => {}
        CheckFormat::Nagios => {
            let line = crate::sanitize::field(&format!("TRIAGE502 UNKNOWN - {why}"));
            write_out(None, &format!("{}\n", line.replace('|', "/")));
        }
        CheckFormat::Json => {
            let v = serde_json::json!({
                "schema": 1,
                "host": crate::report::host_name(),
                "at": chrono::Utc::now().to_rfc3339(),
                "state": crate::probe::State::Unknown,
                "exit_code": 3,
                "error": why,
                "hops": [],
                "findings": [],
                "all_clear": false,
                "unchecked": [],
            });
            write_out(None, &(crate::sanitize::json_pretty(&v) + "\n"));
        }
    }
    3
}

/// The `--format` of a `check` command line clap refused, when it can be read: `check` as
/// the first word that is not an option or an option's value, then `--format X`.
fn check_format_in(args: impl Iterator<Item = String>) -> Option<CheckFormat> {
    // The global options that take a value.
    const VALUED: [&str; 5] = [
        "--config",
        "--profile",
        "--proxy-url",
        "--app-url",
        "--theme",
    ];
    let args: Vec<String> = args.collect();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if VALUED.contains(&a.as_str()) {
            i += 2;
            continue;
        }
        if a.starts_with('-') {
            i += 1;
            continue;
        }
        if a != "check" {
            return None;
        }
        let rest = &args[i + 1..];
        let value = rest.iter().enumerate().find_map(|(j, x)| {
            if x == "--format" {
                rest.get(j + 1).cloned()
            } else {
                x.strip_prefix("--format=").map(str::to_string)
            }
        });
        return match value.as_deref() {
            Some(v) => CheckFormat::from_str(v, true).ok(),
            None => Some(CheckFormat::Text),
        };
    }
    None
}

/// Load the config and run one round of the engine (for `check` and `report`).
fn one_round(g: &Global) -> Result<crate::engine::State, i32> {
    let (cfg, source) = load(g)?;
    let rt = crate::util::runtime().map_err(|e| {
        crate::say_err!("triage502: {e}");
        3
    })?;
    Ok(rt.block_on(crate::engine::run_once(Arc::new(cfg), source.to_string())))
}

/// Run a parsed command line.
pub fn run(cli: Cli) -> i32 {
    match cli.cmd {
        None => {
            let (cfg, source) = match load(&cli.global) {
                Ok(x) => x,
                Err(code) => return code,
            };
            crate::tui::run(Arc::new(cfg), source.to_string())
        }
        Some(Command::Check { format }) => {
            // Every early error is UNKNOWN (3) in the format asked for: monitoring reads
            // stdout, and a plugin that prints nothing shows "(No output returned from plugin)".
            let (cfg, source) = match load_quiet(&cli.global) {
                Ok(x) => x,
                Err(e) => {
                    say_load_error(&e);
                    return check_unusable(format, &load_error_line(&e));
                }
            };
            let rt = match crate::util::runtime() {
                Ok(rt) => rt,
                Err(e) => {
                    crate::say_err!("triage502: {e}");
                    return check_unusable(format, &format!("cannot start: {e}"));
                }
            };
            let state = rt.block_on(crate::engine::run_once(Arc::new(cfg), source.to_string()));
            let code = crate::report::overall(&state).nagios_code();
            let text = match format {
                CheckFormat::Text => crate::report::check_text(&state),
                CheckFormat::Json => crate::report::check_json_text(&state),
                CheckFormat::Nagios => crate::report::check_nagios(&state) + "\n",
            };
            write_out(None, &text);
            code
        }
        Some(Command::Report { format, out }) => {
            let mut state = match one_round(&cli.global) {
                Ok(s) => s,
                Err(code) => return code,
            };
            let cfg = state.cfg.clone();
            state.merge_history(crate::report::history(&cfg));
            let text = match format {
                ReportFormat::Md => crate::report::report_md(&state),
                ReportFormat::Json => crate::report::report_json(&state),
            };
            write_out(out.as_ref(), &text)
        }
        Some(Command::Config { cmd }) => config_cmd(&cli.global, cmd),
        Some(Command::Lab(args)) => crate::lab::cli::run(&args),
        Some(Command::Host(args)) => {
            // The effective config's services, nginx and ports; the flags override them.
            let (cfg, _) = match load(&cli.global) {
                Ok(x) => x,
                Err(code) => return code,
            };
            let mut q = crate::engine::host_query(&cfg);
            crate::host::cli::apply(&args, &mut q);
            match crate::util::runtime() {
                Ok(rt) => rt.block_on(crate::host::cli::run(&q, args.format)),
                Err(e) => {
                    crate::say_err!("triage502: {e}");
                    1
                }
            }
        }
        Some(Command::Action { cmd }) => match load(&cli.global) {
            Ok((cfg, _)) => crate::actions::cli::run(&cmd, &cfg, cfg.read_only),
            Err(code) => code,
        },
        Some(Command::Logs {
            cmd: LogsCommand::Scan(a),
        }) => crate::logs::cli::run_scan(
            &a,
            &mut std::io::stdout().lock(),
            &mut std::io::stderr().lock(),
        ),
        Some(Command::Logs {
            cmd: LogsCommand::Follow(a),
        }) => match crate::util::runtime() {
            Ok(rt) => rt.block_on(crate::logs::cli::run_follow(&a)),
            Err(e) => {
                crate::say_err!("triage502: {e}");
                1
            }
        },
        Some(Command::Completions { shell }) => {
            let mut cmd = Cli::command();
            // Into a buffer: clap_complete panics on a failed write (a closed pipe).
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut cmd, "triage502", &mut buf);
            let _ = std::io::stdout().write_all(&buf);
            0
        }
        Some(Command::Man) => {
            let man = clap_mangen::Man::new(Cli::command());
            let mut buf = Vec::new();
            if let Err(e) = man.render(&mut buf) {
                crate::say_err!("triage502: cannot render the man page: {e}");
                return 3;
            }
            write_out(None, &String::from_utf8_lossy(&buf))
        }
    }
}

fn config_cmd(g: &Global, cmd: ConfigCommand) -> i32 {
    match cmd {
        ConfigCommand::Init { path } => {
            let (path, default) = match path {
                Some(p) => (p, false),
                None => match config::init_path() {
                    Some(p) => (p, true),
                    None => {
                        crate::say_err!(
                            "triage502: no $XDG_CONFIG_HOME or $HOME to put the config in; \
                             name the file: triage502 config init FILE"
                        );
                        return 1;
                    }
                },
            };
            if default
                && let Some(dir) = path.parent()
                && !dir.exists()
            {
                // The default place's folder (and ~/.config when missing), created 0700.
                if let Err(e) = crate::fsafe::ensure_private_dir(dir) {
                    crate::say_err!("triage502: {e}");
                    return 1;
                }
            }
            // A new file only, no symlink followed, 0600, not in a folder another user can write.
            let written =
                crate::fsafe::open_write(&path, crate::fsafe::WriteMode::CreateNew, 0o600)
                    .and_then(|mut f| {
                        f.write_all(config::INIT_TEMPLATE.as_bytes()).map_err(|e| {
                            format!(
                                "cannot write '{}': {}",
                                path.display(),
                                crate::util::io_error_text(&e)
                            )
                        })
                    });
            match written {
                Ok(()) => {
                    crate::say!(
                        "written: {} (check it with: triage502 --config {} config check)",
                        path.display(),
                        path.display()
                    );
                    0
                }
                Err(e) => {
                    crate::say_err!("triage502: {e}");
                    1
                }
            }
        }
        ConfigCommand::Show => match load(g) {
            Ok((c, _)) if !crate::actions::redact::learn_commands_now(&c) => {
                crate::say_err!(
                    "triage502: cannot read the container's secret to mask it: not showing"
                );
                3
            }
            Ok((c, s)) => {
                crate::say!("# effective configuration from {s} (secrets masked)");
                let shown = crate::sanitize::text(&c.to_masked_toml());
                crate::say!("{}", shown.trim_end_matches('\n'));
                0
            }
            Err(code) => code,
        },
        ConfigCommand::Check => match config::load(&g.selector()) {
            Ok((c, s)) => {
                crate::say!(
                    "✔ OK  {s}: valid ({} hops, {} services)",
                    c.hops.len(),
                    c.services.len()
                );
                0
            }
            Err(e) if e.is_usage() => {
                say_load_error(&e);
                3
            }
            Err(e) => {
                crate::say_err!("{e}");
                1
            }
        },
    }
}
