//! `scan_summary FILE...`: what `triage502 logs scan --format summary FILE...` does, through
//! the same function (`run_scan`), for benchmarks before the subcommand is wired.

use triage502::logs::cli::{ScanArgs, ScanFormat, run_scan};

fn main() {
    let files = std::env::args_os().skip(1).map(Into::into).collect();
    let args = ScanArgs {
        files,
        format: ScanFormat::Summary,
        all: false,
        since: None,
    };
    let code = run_scan(&args, &mut std::io::stdout(), &mut std::io::stderr());
    std::process::exit(code);
}
