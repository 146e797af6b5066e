//! `triage502 lab ...`: clap definitions and the sync entry [`run`].
//!
//! Wiring in the top-level CLI is one variant: `Lab(triage502::lab::cli::LabArgs)` dispatched
//! to `triage502::lab::cli::run(&args)`, whose return value is the exit code.

use super::{Fault, LabOptions};
use clap::{Args, Subcommand};
use std::path::PathBuf;

/// The loopback lab: real nginx + stand-in Document Server under supervisord, on 127.0.0.1.
#[derive(Args, Debug)]
pub struct LabArgs {
    /// Lab folder (default: ${TMPDIR:-/tmp}/triage502-lab-<uid>); before or after the lab
    /// subcommand (`lab --dir X up`, `lab up --dir X`).
    #[arg(long, global = true, env = "TRIAGE502_LAB_DIR", value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub cmd: LabCommand,
}

/// Lab subcommands.
#[derive(Subcommand, Debug)]
pub enum LabCommand {
    /// Start the lab (idempotent: an already running lab is left as it is).
    Up {
        /// Program supervisord runs as the stand-in (`EXE lab standin --dir DIR --port N`);
        /// default: this executable.
        #[arg(long, hide = true)]
        exe: Option<PathBuf>,
    },
    /// Stop everything the lab started; keep configs and logs.
    Down,
    /// One line per component (supervisord, nginx, docservice) and the active faults;
    /// exit 0 when up and healthy.
    Status,
    /// Inject a fault (docservice-down, docservice-hang, wrong-upstream-port, big-headers,
    /// jwt-mismatch, health-false, nginx-down, firewall-drop, firewall-reject).
    Break {
        /// The fault's name.
        fault: String,
    },
    /// Heal every active fault.
    Fix,
    /// Run the stand-in Document Server (started by supervisord).
    #[command(hide = true)]
    Standin {
        /// Port on 127.0.0.1.
        #[arg(long)]
        port: u16,
    },
}

/// Run a lab command; returns the process exit code (0 ok, 1 failure, 2 bad usage).
pub fn run(args: &LabArgs) -> i32 {
    let dir = args.dir.clone().unwrap_or_else(super::default_dir);
    match &args.cmd {
        LabCommand::Up { exe } => {
            let exe = match exe.clone().map(Ok).unwrap_or_else(std::env::current_exe) {
                Ok(e) => e,
                Err(e) => {
                    crate::say_err!("triage502 lab up: cannot find this executable: {e}");
                    return 1;
                }
            };
            match super::up(&LabOptions {
                dir: dir.clone(),
                exe,
            }) {
                Ok(o) => {
                    if o.already_up {
                        crate::say!("lab already up at {} (left unchanged)", dir.display());
                    } else {
                        crate::say!("lab up");
                    }
                    crate::say!("{}", super::summary(&o.state).trim_end_matches('\n'));
                    0
                }
                Err(e) => {
                    crate::say_err!("triage502 lab up: {e:#}");
                    1
                }
            }
        }
        LabCommand::Down => match super::down(&dir) {
            Ok(r) => {
                if r.shutdown_requested {
                    crate::say!("supervisord shut down");
                } else {
                    crate::say!("supervisord was not running");
                }
                if !r.killed.is_empty() {
                    crate::say!(
                        "stopped the lab's leftover processes: {}",
                        crate::lab::pids(&r.killed)
                    );
                }
                if r.firewall_removed {
                    crate::say!("removed the lab's nftables table");
                }
                for n in &r.notes {
                    crate::say_err!("note: {n}");
                }
                crate::say!("lab down; logs kept in {}", r.logs.display());
                0
            }
            Err(e) => {
                crate::say_err!("triage502 lab down: {e:#}");
                1
            }
        },
        LabCommand::Status => match super::status(&dir) {
            Ok(s) => {
                crate::say!("{}", s.render().trim_end_matches('\n'));
                if s.healthy() { 0 } else { 1 }
            }
            Err(e) => {
                crate::say_err!("triage502 lab status: {e:#}");
                1
            }
        },
        LabCommand::Break { fault } => {
            let f = match Fault::parse(fault) {
                Ok(f) => f,
                Err(e) => {
                    crate::say_err!("triage502 lab break: {e:#}");
                    for f in Fault::ALL {
                        crate::say_err!("  {:<20} {}", f.name(), f.describe());
                    }
                    return 2;
                }
            };
            match super::break_fault(&dir, f) {
                Ok(st) => {
                    crate::say!("fault {} injected: {}", f.name(), f.describe());
                    let all: Vec<_> = st.faults.iter().map(|f| f.name()).collect();
                    crate::say!("active faults: {}", all.join(", "));
                    0
                }
                Err(e) => {
                    crate::say_err!("triage502 lab break {}: {e:#}", f.name());
                    1
                }
            }
        }
        LabCommand::Fix => match super::fix(&dir) {
            Ok(healed) => {
                if healed.is_empty() {
                    crate::say!("no recorded faults; lab checked and healthy");
                } else {
                    let n: Vec<_> = healed.iter().map(|f| f.name()).collect();
                    crate::say!("healed: {}", n.join(", "));
                }
                0
            }
            Err(e) => {
                crate::say_err!("triage502 lab fix: {e:#}");
                1
            }
        },
        LabCommand::Standin { port } => match super::standin::serve(&dir, *port) {
            Ok(()) => 0,
            Err(e) => {
                crate::say_err!("triage502 lab standin: {e:#}");
                1
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser, Debug)]
    struct Top {
        #[command(subcommand)]
        cmd: TopCmd,
    }

    #[derive(clap::Subcommand, Debug)]
    enum TopCmd {
        Lab(LabArgs),
    }

    #[test]
    fn parses_the_documented_forms() {
        let t = Top::try_parse_from(["x", "lab", "--dir", "/tmp/l", "break", "big-headers"])
            .expect("break");
        let TopCmd::Lab(a) = t.cmd;
        assert_eq!(a.dir.as_deref(), Some(std::path::Path::new("/tmp/l")));
        assert!(matches!(a.cmd, LabCommand::Break { ref fault } if fault == "big-headers"));
        let t = Top::try_parse_from(["x", "lab", "standin", "--dir", "/tmp/l", "--port", "9"])
            .expect("standin");
        let TopCmd::Lab(a) = t.cmd;
        assert!(matches!(a.cmd, LabCommand::Standin { port: 9 }));
        assert_eq!(a.dir.as_deref(), Some(std::path::Path::new("/tmp/l")));
        // --dir after any lab subcommand, as before it.
        for sub in [
            &["up"][..],
            &["down"],
            &["status"],
            &["fix"],
            &["break", "nginx-down"],
        ] {
            let mut argv = vec!["x", "lab"];
            argv.extend(sub);
            argv.extend(["--dir", "/tmp/after"]);
            let t = Top::try_parse_from(&argv).expect("--dir after");
            let TopCmd::Lab(a) = t.cmd;
            assert_eq!(
                a.dir.as_deref(),
                Some(std::path::Path::new("/tmp/after")),
                "{argv:?}"
            );
        }
    }
}
