//! The command line: clap definitions and dispatch to the engine modules.

use clap::Parser;

/// triage502 — a terminal console for 502/504 Bad Gateway incidents.
#[derive(Parser, Debug)]
#[command(name = "triage502", version, about)]
pub struct Cli {}

/// Entry point used by `main`; returns the process exit code.
pub fn main() -> i32 {
    let _cli = Cli::parse();
    0
}
