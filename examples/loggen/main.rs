//! Generate a large realistic nginx error log and print the class counts a scan must find.
//!
//! ```text
//! cargo run --release --example loggen -- [--mix proxy|incident|quiet] [--seed N] OUT BYTES
//! ```
//!
//! Writes about BYTES bytes to OUT (whole entries) and prints the expected per-class counts as
//! one JSON object on stdout, the same shape as `triage502 logs scan --format summary`, so
//! `bench/scan.sh` can check that the scan's counts are exact. Deterministic for a seed and a
//! mix (seed 1 and `proxy` by default). See `generate.rs` for what each mix holds.

mod generate;

use generate::Mix;
use std::io::BufWriter;
use std::process::ExitCode;

const USAGE: &str = "usage: loggen [--mix proxy|incident|quiet] [--seed N] OUT BYTES";

struct Args {
    mix: Mix,
    seed: u64,
    out: String,
    bytes: u64,
}

fn parse(argv: &[String]) -> Result<Args, String> {
    let (mut mix, mut seed) = (Mix::Proxy, 1u64);
    let mut rest = Vec::new();
    let mut it = argv.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--mix" => {
                let v = it.next().ok_or("--mix needs a value")?;
                mix = Mix::from_name(v).ok_or_else(|| {
                    let names: Vec<&str> = Mix::ALL.iter().map(|(_, n)| *n).collect();
                    format!("unknown mix {v:?} (one of: {})", names.join(", "))
                })?;
            }
            "--seed" => {
                let v = it.next().ok_or("--seed needs a value")?;
                seed = v
                    .parse()
                    .map_err(|_| format!("--seed {v:?} is not a number"))?;
            }
            "-h" | "--help" => return Err(String::new()),
            _ => rest.push(a.clone()),
        }
    }
    let [out, bytes] = <[String; 2]>::try_from(rest)
        .map_err(|r| format!("expected OUT and BYTES, got {} argument(s)", r.len()))?;
    let bytes = bytes
        .parse()
        .map_err(|_| format!("BYTES {bytes:?} is not a number"))?;
    Ok(Args {
        mix,
        seed,
        out,
        bytes,
    })
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse(&argv) {
        Ok(a) => a,
        Err(e) if e.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("loggen: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let file = match std::fs::File::create(&args.out) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("loggen: {}: {e}", args.out);
            return ExitCode::from(2);
        }
    };
    let mut out = BufWriter::with_capacity(1 << 20, file);
    match generate::generate(&mut out, args.bytes, args.seed, args.mix) {
        Ok(stats) => {
            println!(
                "{}",
                serde_json::to_string(&stats.counts.to_map()).unwrap_or_default()
            );
            eprintln!(
                "loggen: mix {}, seed {}: wrote {} bytes, {} entries, {} lines to {}",
                args.mix.name(),
                args.seed,
                stats.bytes,
                stats.entries,
                stats.lines,
                args.out
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("loggen: {}: {e}", args.out);
            ExitCode::from(1)
        }
    }
}
