//! A stand-in for the `triage502` binary's `lab` subcommand, for the lab's integration tests
//! before the top-level CLI wires `triage502 lab`: supervisord runs it as
//! `lab_standin lab standin --dir DIR --port N`, exactly as it will run `triage502`.
//! It accepts every `lab` subcommand, so it can also drive a lab by hand:
//! `cargo run --example lab_standin -- lab up --exe target/debug/examples/lab_standin`.

use clap::Parser;

#[derive(Parser, Debug)]
#[command(name = "lab_standin")]
struct Top {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(clap::Subcommand, Debug)]
enum Cmd {
    /// The loopback lab.
    Lab(triage502::lab::cli::LabArgs),
}

fn main() {
    let Cmd::Lab(args) = Top::parse().cmd;
    std::process::exit(triage502::lab::cli::run(&args));
}
