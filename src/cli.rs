//! The command line: clap definitions and dispatch to the engine modules.
//!
//! The contract: `triage502` opens the console; `check` exits with Nagios codes;
//! `logs`, `report`, `config`, `lab`, `completions`, `man` as documented in the README.

use crate::config::{self, Selector};
use crate::{tr, tr_in};

mod config_cmd;
mod lang;
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use config_cmd::config_cmd;
pub use lang::command_in;
use lang::{choose_language, help_language};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

/// `triage502 --version`: the version, the commit built from and the build date (build.rs).
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("TRIAGE502_COMMIT"),
    ", built ",
    env!("TRIAGE502_BUILD_DATE"),
    ")"
);

#[derive(Parser, Debug)]
// The console's description (the man page's NAME line: `triage502 - ABOUT`) and what the
// top-level help and the man page's DESCRIPTION say: English here, the language in
// [`command_in`].
#[command(
    name = "triage502",
    version = VERSION,
    about = tr_in!(crate::i18n::Lang::En, "help-about"),
    long_about = tr_in!(crate::i18n::Lang::En, "help-long-about")
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub cmd: Option<Command>,
}

/// The console's options. Before a subcommand, those that select the configuration (and
/// `--read-only` before `action`) apply to it as well.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct Global {
    #[command(flatten)]
    pub select: Select,
    /// Refuse every recovery action.
    #[arg(long)]
    pub read_only: bool,
    /// Theme: dark, light, high-contrast, monochrome.
    #[arg(long, value_name = "NAME")]
    pub theme: Option<String>,
    /// Language: en or zh-CN (else `lang` in the config, else LC_ALL / LC_MESSAGES / LANG).
    /// JSON and Nagios outputs stay English.
    #[arg(long, value_name = "LANG", global = true)]
    pub lang: Option<String>,
}

/// Options that select the configuration.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct Select {
    /// Config file (else $TRIAGE502_CONFIG, $XDG_CONFIG_HOME/triage502/config.toml or
    /// ~/.config/triage502/config.toml, /etc/triage502/config.toml, then the embedded onlyoffice
    /// profile; never the current folder). It must belong to root or you and be writable by
    /// nobody else.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Embedded profile: onlyoffice, or generic (implied by --proxy-url and --app-url).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Public URL through the proxy; with --app-url it builds the generic profile.
    #[arg(long, value_name = "URL")]
    pub proxy_url: Option<String>,
    /// URL of the application behind the proxy (its path is what is asked); implies the
    /// generic profile.
    #[arg(long, value_name = "URL")]
    pub app_url: Option<String>,
    /// What a healthy application answers (generic profile; default 200), through the proxy
    /// and directly. A path in --app-url / --proxy-url says what is asked.
    #[arg(long, value_name = "STATUS", value_parser = clap::value_parser!(u16).range(100..=599))]
    pub app_expect_status: Option<u16>,
}

/// The ids of [`Select`]'s options.
const SELECT_IDS: [&str; 5] = [
    "config",
    "profile",
    "proxy_url",
    "app_url",
    "app_expect_status",
];

impl Select {
    /// These options, each taken from `self` when given here, else from `top`.
    fn or(&self, top: &Select) -> Select {
        Select {
            config: self.config.clone().or_else(|| top.config.clone()),
            profile: self.profile.clone().or_else(|| top.profile.clone()),
            proxy_url: self.proxy_url.clone().or_else(|| top.proxy_url.clone()),
            app_url: self.app_url.clone().or_else(|| top.app_url.clone()),
            app_expect_status: self.app_expect_status.or(top.app_expect_status),
        }
    }

    /// The first option given, for a usage error where none applies.
    fn first_given(&self) -> Option<&'static str> {
        [
            (self.config.is_some(), "--config"),
            (self.profile.is_some(), "--profile"),
            (self.proxy_url.is_some(), "--proxy-url"),
            (self.app_url.is_some(), "--app-url"),
            (self.app_expect_status.is_some(), "--app-expect-status"),
        ]
        .into_iter()
        .find_map(|(given, name)| given.then_some(name))
    }

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

/// [`Select`] for a command with subcommands (`config`, `action`): its options are taken
/// after any of the subcommands too (`action run ID --config FILE`).
#[derive(Debug, Clone, Default)]
pub struct SelectAll(pub Select);

impl clap::FromArgMatches for SelectAll {
    fn from_arg_matches(m: &clap::ArgMatches) -> Result<Self, clap::Error> {
        Select::from_arg_matches(m).map(SelectAll)
    }
    fn update_from_arg_matches(&mut self, m: &clap::ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches(m)
    }
}

impl clap::Args for SelectAll {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        SELECT_IDS.iter().fold(Select::augment_args(cmd), |c, id| {
            c.mut_arg(*id, |a| a.global(true))
        })
    }
    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        SELECT_IDS
            .iter()
            .fold(Select::augment_args_for_update(cmd), |c, id| {
                c.mut_arg(*id, |a| a.global(true))
            })
    }
}

impl Global {
    fn selector(&self) -> Selector {
        self.select.selector()
    }

    /// The options in effect for a subcommand: its own, else those given before it.
    fn with(&self, sub: &Select, read_only: bool) -> Global {
        Global {
            select: sub.or(&self.select),
            read_only: self.read_only || read_only,
            theme: None,
            lang: self.lang.clone(),
        }
    }
}

/// Why options given before `cmd` do not apply to it, when they do not: the console's
/// `--theme` (and `--read-only`, but before `action`) and, for the commands that read no
/// configuration (`lab`, `logs`, `completions`, `man`), the options that select one.
fn misplaced(g: &Global, cmd: &Command) -> Option<String> {
    let name = match cmd {
        Command::Check { .. } => "check",
        Command::Report { .. } => "report",
        Command::Config { .. } => "config",
        Command::Logs { .. } => "logs",
        Command::Action { .. } => "action",
        Command::Host { .. } => "host",
        Command::Watch { .. } => "watch",
        Command::Review { .. } => "review",
        Command::Fleet(_) => "fleet",
        Command::Lab(_) => "lab",
        Command::Completions { .. } => "completions",
        Command::Man => "man",
    };
    let reads_config = !matches!(name, "lab" | "logs" | "completions" | "man");
    let opt = if g.theme.is_some() {
        Some("--theme")
    } else if g.read_only && name != "action" {
        Some("--read-only")
    } else if !reads_config {
        g.select.first_given()
    } else if name == "fleet" {
        // fleet reads only the config's [fleet] table.
        Select {
            config: None,
            ..g.select.clone()
        }
        .first_given()
    } else {
        None
    }?;
    Some(match opt {
        "--theme" => tr!("cli-misplaced-console", opt = opt, cmd = name),
        "--read-only" => tr!("cli-misplaced-action", opt = opt, cmd = name),
        _ => tr!("cli-misplaced-select", opt = opt, cmd = name),
    })
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Probe the chain once and exit: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
    Check {
        #[command(flatten)]
        select: Select,
        /// Output format.
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
    },
    /// Write the incident report of one round.
    Report {
        #[command(flatten)]
        select: Select,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ReportFormat::Md)]
        format: ReportFormat,
        /// Write to FILE instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Configuration: write a commented starter, show the effective one, validate.
    Config {
        #[command(flatten)]
        select: SelectAll,
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
        #[command(flatten)]
        select: SelectAll,
        /// Refuse every recovery action.
        #[arg(long, global = true)]
        read_only: bool,
        #[command(subcommand)]
        cmd: crate::actions::cli::ActionCommand,
    },
    /// Host facts: listeners, processes, services, firewall, SELinux, nginx's proxy targets.
    Host {
        #[command(flatten)]
        select: Select,
        #[command(flatten)]
        args: crate::host::cli::HostArgs,
    },
    /// Headless service: rounds, alerts to the [[alert]] receivers, Prometheus metrics and
    /// /healthz on --listen; SIGHUP reloads the config, SIGTERM stops.
    Watch {
        #[command(flatten)]
        select: Select,
        /// Address of /metrics and /healthz.
        #[arg(long, value_name = "ADDR", default_value = crate::watch::DEFAULT_LISTEN)]
        listen: String,
    },
    /// Readiness review: what the runbook asks to have in place before the next incident
    /// (restart, boot, memory, failover, log rotation, certificates, JWT, alerting, drills).
    /// Exit 0 all PASS, 1 a WARN, 3 UNKNOWN only. Changes nothing.
    Review {
        #[command(flatten)]
        select: Select,
        /// Output format.
        #[arg(long, value_enum, default_value_t = crate::host::cli::Format::Text)]
        format: crate::host::cli::Format,
    },
    /// Many boxes over the system's OpenSSH: each runs `triage502 check` there; a table of
    /// their states (the console's fleet view, or headless with --format).
    Fleet(crate::fleet::cli::FleetArgs),
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
        /// Write the chain discovered on this box, each hop with its source as a comment.
        #[arg(long)]
        discover: bool,
    },
    /// Print the effective config, secrets masked.
    Show {
        /// Print what discovery finds on this box, and what it could not read and why.
        #[arg(long)]
        discover: bool,
    },
    /// Validate the config; errors name the file, the line and a hint.
    Check,
}

#[derive(Subcommand, Debug)]
pub enum LogsCommand {
    /// Classify whole files (plain or .gz), streaming: one line or JSON object per entry, or
    /// a count per class.
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
    use clap::FromArgMatches;
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let mut cmd = command_in(help_language(args.get(1..).unwrap_or_default()));
    let parsed = cmd
        .try_get_matches_from_mut(&args)
        .and_then(|m| Cli::from_arg_matches(&m).map_err(|e| e.format(&mut cmd)));
    let cli = match parsed {
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
                            // i18n: not text (for Nagios and JSON: English)
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
        crate::say_err!("{}\n{e}", tr!("cli-invalid-config"));
    }
}

/// The first line of a load error, for `check`'s one status line.
fn load_error_line(e: &config::LoadError) -> String {
    let all = e.to_string();
    let first = all
        .lines()
        .next()
        .map(str::to_string)
        .unwrap_or_else(|| tr!("cli-unusable-config"));
    if e.is_usage() {
        first
    } else {
        tr!("cli-invalid-config-line", first = first)
    }
}

/// The effective config with the command line's overrides, or why it is unusable.
fn load_quiet(g: &Global) -> Result<(config::Config, config::Source), config::LoadError> {
    // No config file anywhere: the chain is discovered from the box (crate::discover).
    match crate::discover::load(&g.selector()) {
        Ok((mut c, s)) => {
            // Every secret of the config and of the files it names is masked in every output.
            crate::actions::redact::learn_config(&c);
            if g.read_only {
                c.read_only = true;
            }
            if let Some(t) = &g.theme {
                c.theme = t.clone();
            }
            // The config's language, unless --lang or a machine format decided already; a
            // config without one (again, on `watch`'s reload) leaves the environment's.
            if g.lang.is_none() {
                let l = c.lang.as_deref().and_then(crate::i18n::Lang::parse);
                crate::i18n::set_default(l.unwrap_or_else(crate::i18n::Lang::from_env));
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
                    tr!(
                        "cli-cannot-write",
                        path = p.display(),
                        error = crate::util::io_error_text(&e)
                    )
                })
            }) {
            Ok(()) => {
                crate::say_err!("{}", tr!("cli-written", path = p.display()));
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
                "version": crate::report::VERSION,
                "host": crate::report::host_name(),
                "at": chrono::Utc::now().to_rfc3339(),
                "state": crate::probe::State::Unknown,
                "exit_code": 3,
                "error": why,
                "hops": [],
                "findings": [],
                "all_clear": false,
                "unchecked": [],
                "walkthrough": [],
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
    const VALUED: [&str; 6] = [
        "--config",
        "--profile",
        "--proxy-url",
        "--app-url",
        "--app-expect-status",
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

/// `triage502 review`: one round, then the checklist ([`crate::report::review::print`]).
fn review_cmd(g: &Global, format: crate::host::cli::Format) -> i32 {
    match one_round(g) {
        Ok(state) => crate::report::review::print(&state, format),
        Err(code) => code,
    }
}

/// `triage502 host`: one snapshot, printed as text or JSON; returns the exit code.
async fn host_cmd(q: &crate::host::HostQuery, format: crate::host::cli::Format) -> i32 {
    let snap = crate::host::collect(q).await;
    match format {
        crate::host::cli::Format::Text => {
            let text = crate::report::host::render_text(&snap);
            crate::say!("{}", text.trim_end_matches('\n'));
        }
        // Redacted, and escaped so the JSON is safe on a terminal (see crate::sanitize).
        crate::host::cli::Format::Json => crate::say!("{}", crate::sanitize::json_pretty(&snap)),
    }
    0
}

/// Run a parsed command line.
pub fn run(cli: Cli) -> i32 {
    // The language first: the usage errors below are in it (English for a machine output).
    let mut why = choose_language(&cli).err();
    if why.is_none()
        && let Some(cmd) = &cli.cmd
    {
        why = misplaced(&cli.global, cmd);
    }
    if let Some(why) = why {
        crate::say_err!("{}", tr!("cli-usage", why = why));
        return match &cli.cmd {
            Some(Command::Check { format, .. }) => {
                check_unusable(*format, &format!("usage: {why}"))
            }
            _ => 3,
        };
    }
    let top = &cli.global;
    match cli.cmd {
        None => {
            let (cfg, source) = match load(&cli.global) {
                Ok(x) => x,
                Err(code) => return code,
            };
            crate::tui::run(Arc::new(cfg), source.to_string())
        }
        Some(Command::Check { select, format }) => {
            // Every early error is UNKNOWN (3) in the format asked for: monitoring reads
            // stdout, and a plugin that prints nothing shows "(No output returned from plugin)".
            let (cfg, source) = match load_quiet(&top.with(&select, false)) {
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
                    return check_unusable(format, &tr!("cli-cannot-start", error = e));
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
        Some(Command::Report {
            select,
            format,
            out,
        }) => {
            let mut state = match one_round(&top.with(&select, false)) {
                Ok(s) => s,
                Err(code) => return code,
            };
            let cfg = state.cfg.clone();
            state.merge_history(crate::report::history(&cfg));
            // The readiness review closes the report: what will make the next one shorter.
            let review = crate::util::runtime()
                .map(|rt| rt.block_on(crate::report::review::items(&state)))
                .ok();
            let text = match format {
                ReportFormat::Md => {
                    crate::report::report_md(&state)
                        + &review
                            .as_deref()
                            .map(crate::report::review::md)
                            .unwrap_or_default()
                }
                ReportFormat::Json => crate::report::report_json_with(&state, review.as_deref()),
            };
            write_out(out.as_ref(), &text)
        }
        Some(Command::Review { select, format }) => review_cmd(&top.with(&select, false), format),
        Some(Command::Config { select, cmd }) => config_cmd(&top.with(&select.0, false), cmd),
        Some(Command::Lab(args)) => crate::lab::cli::run(&args),
        Some(Command::Watch { select, listen }) => {
            let g = top.with(&select, false);
            crate::watch::run(&listen, Box::new(move || load_quiet(&g)))
        }
        Some(Command::Fleet(args)) => fleet_cmd(&top.select, &args),
        Some(Command::Host { select, args }) => {
            // The effective config's services, nginx and ports; the flags override them.
            let (cfg, _) = match load(&top.with(&select, false)) {
                Ok(x) => x,
                Err(code) => return code,
            };
            let mut q = crate::engine::host_query(&cfg);
            crate::host::cli::apply(&args, &mut q);
            match crate::util::runtime() {
                Ok(rt) => rt.block_on(host_cmd(&q, args.format)),
                Err(e) => {
                    crate::say_err!("triage502: {e}");
                    1
                }
            }
        }
        Some(Command::Action {
            select,
            read_only,
            cmd,
        }) => match load(&top.with(&select.0, read_only)) {
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
        Some(Command::Man) => match crate::man::render(Cli::command()) {
            Ok(page) => write_out(None, &page),
            Err(e) => {
                crate::say_err!("{}", tr!("cli-man-failed", error = e));
                3
            }
        },
    }
}

/// `triage502 fleet`: headless with `--format`, else the console's fleet view.
fn fleet_cmd(top: &Select, args: &crate::fleet::cli::FleetArgs) -> i32 {
    use crate::fleet::cli::{FleetFormat, run_headless, targets, unusable, unusable_quiet};
    let g = Global {
        select: Select {
            config: args.config.clone().or_else(|| top.config.clone()),
            ..Select::default()
        },
        ..Global::default()
    };
    let (cfg, _) = match load_quiet(&g) {
        Ok(x) => x,
        Err(e) => {
            say_load_error(&e);
            return unusable_quiet(
                args.format.unwrap_or(FleetFormat::Text),
                &load_error_line(&e),
            );
        }
    };
    match args.format {
        Some(f) => run_headless(&cfg, args, f),
        None => match targets(&cfg, args) {
            Ok(t) => crate::tui::fleet::run(&cfg, t),
            Err(e) => unusable(FleetFormat::Text, &e),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::lang::{arg_help_id, help_id, machine_output};
    use super::*;

    /// Every help text clap has from the doc comments: (catalogue id, English).
    fn help_texts(cmd: &clap::Command, path: &str, out: &mut Vec<(String, String)>) {
        if let Some(a) = cmd.get_about() {
            out.push((help_id(path, "about"), a.to_string()));
        }
        if let Some(a) = cmd.get_long_about() {
            out.push((help_id(path, "long-about"), a.to_string()));
        }
        for a in cmd.get_arguments() {
            let id = a.get_id().to_string();
            if let Some(h) = a.get_help() {
                out.push((help_id(path, &format!("arg-{id}")), h.to_string()));
            }
            if let Some(h) = a.get_long_help() {
                out.push((help_id(path, &format!("arg-{id}-long")), h.to_string()));
            }
            for v in a.get_possible_values() {
                if let Some(h) = v.get_help() {
                    let what = format!("arg-{id}-value-{}", v.get_name());
                    out.push((help_id(path, &what), h.to_string()));
                }
            }
        }
        for sub in cmd.get_subcommands() {
            help_texts(sub, &format!("{path}-{}", sub.get_name()), out);
        }
    }

    fn ftl(v: &str) -> String {
        let esc = |l: &str| {
            let mut o = String::new();
            for (i, c) in l.chars().enumerate() {
                match c {
                    '{' | '}' => o.push_str(&format!("{{\"{c}\"}}")),
                    '[' | '*' | '.' if i == 0 => o.push_str(&format!("{{\"{c}\"}}")),
                    _ => o.push(c),
                }
            }
            o
        };
        if v.contains('\n') {
            let mut s = String::new();
            for l in v.lines() {
                if l.is_empty() {
                    s.push('\n');
                } else {
                    s.push_str(&format!("\n    {}", esc(l)));
                }
            }
            s
        } else {
            format!(" {}", esc(v))
        }
    }

    /// The ids of the Chinese catalogue.
    fn zh_ids() -> std::collections::BTreeSet<String> {
        let re = regex::Regex::new(r"(?m)^([a-zA-Z][a-zA-Z0-9_-]*) *=").expect("regex");
        crate::i18n::FILES
            .iter()
            .flat_map(|(_, _, zh)| re.captures_iter(zh).map(|c| c[1].to_string()))
            .collect()
    }

    /// Every command's about and every argument's help (and its possible values') has its
    /// id in both catalogues, the English one saying what the doc comment says as clap shows
    /// it: a new option without its translation fails here, with the lines to add.
    #[test]
    fn every_command_and_argument_has_its_help_in_the_catalogue() {
        use crate::i18n::{Lang, text};
        let zh = zh_ids();
        let mut texts = Vec::new();
        help_texts(&Cli::command(), "", &mut texts);
        assert!(texts.len() > 50, "{}", texts.len());
        let mut missing = Vec::new();
        for (id, en) in &texts {
            let resolved = match id.find("-arg-") {
                Some(i) => arg_help_id(&id[4..i], &id[i + 1..]),
                None => Some(id.clone()).filter(|id| text(Lang::En, id, &[]) != *id),
            };
            match resolved {
                Some(r) if text(Lang::En, &r, &[]) == *en && zh.contains(&r) => {}
                Some(r) if text(Lang::En, &r, &[]) == *en => {
                    missing.push(format!("zh-CN lacks {r}"))
                }
                _ => missing.push(format!("{id} ={}", ftl(en))),
            }
        }
        // clap's own texts, as it writes them in English.
        let mut built = Cli::command();
        built.build();
        let arg_help = |c: &clap::Command, arg: &str, long: bool| {
            let a = c.get_arguments().find(|a| a.get_id() == arg).expect(arg);
            let h = if long {
                a.get_long_help()
            } else {
                a.get_help()
            };
            h.map(|h| h.to_string()).unwrap_or_default()
        };
        let check = built.find_subcommand("check").expect("check");
        let help = built.find_subcommand("help").expect("help");
        for (id, en) in [
            ("help-builtin-help", arg_help(check, "help", false)),
            ("help-builtin-help-short", arg_help(&built, "help", false)),
            ("help-builtin-help-long", arg_help(&built, "help", true)),
            ("help-builtin-version", arg_help(&built, "version", false)),
            (
                "help-builtin-help-command",
                help.get_about().map(|a| a.to_string()).unwrap_or_default(),
            ),
        ] {
            if text(Lang::En, id, &[]) != en || !zh.contains(id) {
                missing.push(format!("{id} ={}", ftl(&en)));
            }
        }
        assert!(
            missing.is_empty(),
            "help texts missing from locales/{{en,zh-CN}}/cli.ftl (or different in English):\n{}",
            missing.join("\n")
        );
    }

    /// The help in Chinese: every text from the catalogue, clap's headings and notes too, and
    /// the command line parses as in English.
    #[test]
    fn the_help_is_in_the_language_and_parses_the_same() {
        use crate::i18n::Lang;
        use clap::FromArgMatches;
        let mut cmd = command_in(Lang::ZhCn);
        let top = cmd.render_long_help().to_string();
        assert!(
            top.contains("502/504 Bad Gateway 故障的终端控制台"),
            "{top}"
        );
        assert!(top.contains("用法:"), "{top}");
        assert!(!top.contains("[可选值：true, false]"), "{top}");
        assert!(top.contains("命令:") && top.contains("选项:"), "{top}");
        let check = cmd
            .find_subcommand_mut("check")
            .expect("check")
            .render_help()
            .to_string();
        for want in [
            "输出格式",
            "[默认：text]",
            "[可选值：text, json, nagios]",
            "显示帮助",
        ] {
            assert!(check.contains(want), "{want}: {check}");
        }
        for english in [
            "Output format",
            "Print help",
            "Options:",
            "Usage:",
            "[default",
        ] {
            assert!(!check.contains(english), "{english}: {check}");
        }
        let host = cmd
            .find_subcommand_mut("host")
            .expect("host")
            .render_long_help()
            .to_string();
        assert!(
            host.contains("可选值：") && host.contains("纯文本"),
            "{host}"
        );
        assert!(!host.contains("Plain text"), "{host}");
        let config = cmd
            .find_subcommand_mut("config")
            .expect("config")
            .find_subcommand_mut("init")
            .expect("init")
            .render_help()
            .to_string();
        let (args, opts) = (config.find("参数:"), config.find("选项:"));
        assert!(args.is_some() && args < opts, "{config}");
        let m = cmd
            .try_get_matches_from_mut(["triage502", "--config", "/x", "check", "--format", "json"])
            .expect("parses");
        let cli = Cli::from_arg_matches(&m).expect("matches");
        assert!(matches!(
            cli.cmd,
            Some(Command::Check {
                format: CheckFormat::Json,
                ..
            })
        ));
        assert_eq!(cli.global.select.config, Some(PathBuf::from("/x")));
        let e = cmd
            .try_get_matches_from_mut(["triage502", "report", "--help"])
            .expect_err("help");
        assert_eq!(e.kind(), clap::error::ErrorKind::DisplayHelp);
        assert!(e.to_string().contains("写出一轮探测的故障报告"), "{e}");
        // English is clap's own, untouched.
        let en = command_in(Lang::En).render_long_help().to_string();
        assert_eq!(en, Cli::command().render_long_help().to_string());
    }

    #[test]
    fn the_help_language_is_read_from_the_command_line_before_parsing() {
        use crate::i18n::Lang;
        let args = |a: &[&str]| -> Vec<std::ffi::OsString> { a.iter().map(|s| s.into()).collect() };
        assert_eq!(
            help_language(&args(&["--lang", "zh-CN", "--help"])),
            Lang::ZhCn
        );
        assert_eq!(
            help_language(&args(&["check", "--lang=zh", "-h"])),
            Lang::ZhCn
        );
        assert_eq!(
            help_language(&args(&["--lang", "en", "check", "--help"])),
            Lang::En
        );
        assert_eq!(
            help_language(&args(&["logs", "scan", "--", "--lang", "zh-CN"])),
            Lang::from_env()
        );
        assert_eq!(help_language(&args(&["--lang", "fr"])), Lang::from_env());
    }

    #[test]
    fn machine_outputs_are_recognised() {
        let machine = |a: &[&str]| {
            let cli = Cli::try_parse_from(std::iter::once("triage502").chain(a.iter().copied()))
                .expect("parses");
            machine_output(cli.cmd.as_ref())
        };
        assert!(machine(&["check", "--format", "nagios"]));
        assert!(machine(&["fleet", "--format", "json"]));
        assert!(machine(&["action", "list", "--format", "json"]));
        assert!(machine(&["logs", "scan", "--format", "summary", "x.log"]));
        assert!(!machine(&["check"]));
        assert!(!machine(&["fleet", "--format", "text"]));
        assert!(!machine(&["report"]));
    }
}
