//! `triage502 fleet`'s arguments and its headless run (`--format text|json|nagios`); with no
//! `--format` the command line opens the console's fleet view instead (in `src/tui/`).

use super::{FleetState, Target};
use std::path::PathBuf;

/// `fleet`'s own arguments.
#[derive(clap::Args, Debug, Clone)]
pub struct FleetArgs {
    /// Config file whose [fleet] table is read (else found as for the console). It must
    /// belong to root or you and be writable by nobody else.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Hosts file: one ssh destination a line, `#` comments (instead of the config's
    /// [[fleet.host]] tables).
    #[arg(long, value_name = "FILE")]
    pub hosts: Option<PathBuf>,
    /// Print the fleet once in this format and exit (0 OK, 1 WARNING, 2 CRITICAL, 3
    /// UNKNOWN; an unreachable host is UNKNOWN); without it the console's fleet view opens.
    #[arg(long, value_enum)]
    pub format: Option<FleetFormat>,
}

/// The headless formats.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FleetFormat {
    /// A table.
    Text,
    /// One JSON object.
    Json,
    /// One Nagios status line.
    Nagios,
}

/// The hosts of this command line, or why there are none.
pub fn targets(cfg: &crate::config::Config, a: &FleetArgs) -> Result<Vec<Target>, String> {
    super::hosts::targets(&cfg.fleet, a.hosts.as_deref())
}

/// A fleet that cannot be asked: why on stderr, and one line or object in the format asked
/// for; exit 3.
pub fn unusable(format: FleetFormat, why: &str) -> i32 {
    crate::say_err!("triage502: {why}");
    unusable_quiet(format, why)
}

/// [`unusable`] when stderr has said why already.
pub fn unusable_quiet(format: FleetFormat, why: &str) -> i32 {
    let why = crate::util::shorten(why, 300);
    match format {
        FleetFormat::Text => {}
        FleetFormat::Nagios => crate::say!(
            "{}",
            crate::sanitize::field(&format!("TRIAGE502 FLEET UNKNOWN - {why}")).replace('|', "/")
        ),
        FleetFormat::Json => {
            let v = serde_json::json!({
                "schema": 1,
                "version": crate::report::VERSION,
                "state": crate::verdict::State::Unknown,
                "exit_code": 3,
                "error": why,
                "hosts": [],
            });
            crate::say!("{}", crate::sanitize::json_pretty(&v));
        }
    }
    3
}

/// The headless `fleet`: ask every host once, print, exit with the worst state's code.
pub fn run_headless(cfg: &crate::config::Config, a: &FleetArgs, format: FleetFormat) -> i32 {
    let targets = match targets(cfg, a) {
        Ok(t) => t,
        Err(e) => return unusable(format, &e),
    };
    let rt = match crate::util::runtime() {
        Ok(r) => r,
        Err(e) => return unusable(format, &format!("cannot start: {e}")),
    };
    let state: FleetState = match rt.block_on(super::run_once(&cfg.fleet, &targets)) {
        Ok(s) => s,
        Err(e) => return unusable(format, &e),
    };
    let out = match format {
        FleetFormat::Text => super::render::text(&state),
        FleetFormat::Json => super::render::json(&state),
        FleetFormat::Nagios => super::render::nagios(&state),
    };
    {
        use std::io::Write;
        let mut so = std::io::stdout().lock();
        let _ = so.write_all(out.as_bytes());
        let _ = so.flush();
    }
    state.overall().nagios_code()
}
