//! The log generator of `examples/loggen` (not library code; included here by path): for every
//! mix, its expected counts are what both scan paths count, it is deterministic, and its cut
//! lines are nginx's 2047 bytes.

#[path = "../examples/loggen/generate.rs"]
mod generate;

use generate::{Mix, generate};
use triage502::logs::Class;
use triage502::logs::nginx_error::NGINX_LINE_CUT;
use triage502::logs::scan::{count_classes, count_classes_full};

#[test]
fn generated_counts_are_exact_in_both_paths() {
    for (mix, name) in Mix::ALL {
        let mut data = Vec::new();
        let stats = generate(&mut data, 3 << 20, 42, mix).expect("generate");
        assert_eq!(stats.bytes, data.len() as u64, "{name}");
        assert!(stats.bytes >= 3 << 20, "{name}");
        let lines = data.iter().filter(|b| **b == b'\n').count() as u64;
        assert_eq!(lines, stats.lines, "{name}");
        let fast = count_classes(&mut &data[..], None).expect("scan");
        let full = count_classes_full(&mut &data[..], None).expect("scan");
        for c in Class::ALL {
            let want = stats.counts.get(c);
            assert_eq!(fast.get(c), want, "{name}: fast path, class {c}");
            assert_eq!(full.get(c), want, "{name}: full parser, class {c}");
        }
        // every nginx class appears
        for c in Class::ALL.iter().filter(|c| !c.is_docserver()) {
            assert!(stats.counts.get(*c) > 0, "{name}: never produced {c}");
        }
    }
}

#[test]
fn the_mixes_differ_as_named() {
    let share = |mix| {
        let mut data = Vec::new();
        let s = generate(&mut data, 1 << 20, 5, mix).expect("generate");
        1.0 - s.counts.get(Class::Other) as f64 / s.entries as f64
    };
    let (quiet, proxy, incident) = (share(Mix::Quiet), share(Mix::Proxy), share(Mix::Incident));
    assert!(
        quiet < 0.05,
        "quiet: {quiet:.3} of entries are upstream failures"
    );
    assert!((0.3..0.7).contains(&proxy), "proxy: {proxy:.3}");
    assert!(incident > 0.85, "incident: {incident:.3}");
}

#[test]
fn deterministic_for_a_seed() {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    generate(&mut a, 100_000, 7, Mix::Proxy).expect("generate");
    generate(&mut b, 100_000, 7, Mix::Proxy).expect("generate");
    assert_eq!(a, b);
    let mut c = Vec::new();
    generate(&mut c, 100_000, 8, Mix::Proxy).expect("generate");
    assert_ne!(a, c);
}

#[test]
fn cut_lines_are_2047_bytes() {
    let mut data = Vec::new();
    generate(&mut data, 2 << 20, 3, Mix::Proxy).expect("generate");
    let cut = data
        .split(|b| *b == b'\n')
        .filter(|l| l.len() == NGINX_LINE_CUT)
        .count();
    assert!(cut > 0);
    assert!(data.split(|b| *b == b'\n').all(|l| l.len() <= 2047));
}

/// A generated log large enough to be cut into parts is counted exactly by the parallel
/// summary scan on 1, 2, 3 and 8 threads, for every mix.
#[test]
fn parallel_summary_counts_are_exact() {
    use std::io::Write as _;
    use triage502::logs::parallel::{PARALLEL_MIN, count_classes_file};
    for (mix, name) in Mix::ALL {
        let mut file = tempfile::NamedTempFile::new().expect("temp file");
        let stats = generate(&mut file, PARALLEL_MIN + (1 << 20), 7, mix).expect("generate");
        file.flush().expect("flush");
        for threads in [1, 2, 3, 8] {
            let f = std::fs::File::open(file.path()).expect("open");
            let got = count_classes_file(f, None, threads).expect("scan");
            for c in Class::ALL {
                assert_eq!(
                    got.get(c),
                    stats.counts.get(c),
                    "{name}, {threads} threads: {c}"
                );
            }
        }
    }
}
