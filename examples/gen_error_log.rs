//! Generate a large realistic nginx error log: `gen_error_log OUT BYTES [SEED]`.
//! Prints the expected per-class counts as a JSON object (the same shape as
//! `logs scan --format summary`) on stdout.

use std::io::BufWriter;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: gen_error_log OUT BYTES [SEED]");
        std::process::exit(2);
    }
    let Ok(bytes) = args[2].parse::<u64>() else {
        eprintln!("BYTES must be a number");
        std::process::exit(2);
    };
    let seed = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1);
    let file = match std::fs::File::create(&args[1]) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{}: {e}", args[1]);
            std::process::exit(2);
        }
    };
    let mut out = BufWriter::with_capacity(1 << 20, file);
    match triage502::logs::generate(&mut out, bytes, seed) {
        Ok(stats) => {
            let map = stats.counts.to_map();
            println!("{}", serde_json::to_string(&map).unwrap_or_default());
            eprintln!(
                "wrote {} bytes, {} entries, {} lines",
                stats.bytes, stats.entries, stats.lines
            );
        }
        Err(e) => {
            eprintln!("{}: {e}", args[1]);
            std::process::exit(1);
        }
    }
}
