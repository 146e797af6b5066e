#!/usr/bin/env bash
# Binary size and start time of the release build, before and after the release profile of
# Cargo.toml (LTO, one codegen unit, symbols stripped), both built and measured in this run.
# "before" is cargo's default release profile, rebuilt as a profile of its own
# (target/release-before/) so both binaries exist at once; "after" is `cargo build --release`.
#
# Measured per binary: the file size; `triage502 --version` (process start to exit: loading,
# relocation, argument parsing); `triage502 --config LAB check` on the loopback lab (a whole
# round: start, probes, diagnosis, output). The page cache is warm (hyperfine's warmup runs):
# dropping it on a shared box would disturb the others and time the disk, not the binary.
#
# usage: bench/size-start.sh     (needs nginx and supervisord for the lab, hyperfine)
# env:   RUNS=200 (--version), CHECK_RUNS=10
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-200}
CHECK_RUNS=${CHECK_RUNS:-10}
for t in hyperfine nginx supervisord; do
    command -v "$t" >/dev/null || [ -x "/usr/sbin/$t" ] ||
        { echo "needs $t (apt-get install -y hyperfine nginx-light supervisor)"; exit 2; }
done
export PATH="$PATH:/usr/sbin:/sbin"

# Cargo's defaults for `release`, pinned: the profile inherits from ours otherwise.
BEFORE=(--config 'profile.release-before.inherits="release"'
    --config 'profile.release-before.lto=false'
    --config 'profile.release-before.codegen-units=16'
    --config 'profile.release-before.strip="debuginfo"'
    --config 'profile.release-before.panic="unwind"'
    --config 'profile.release-before.opt-level=3')
t0=$(date +%s)
cargo build --locked --quiet "${BEFORE[@]}" --profile release-before --bin triage502
t1=$(date +%s)
cargo build --locked --quiet --release --bin triage502
t2=$(date +%s)
echo "build (incremental to what target/ held): before $((t1 - t0)) s, after $((t2 - t1)) s"
OLD=$PWD/target/release-before/triage502
NEW=$PWD/target/release/triage502

LAB=$(mktemp -d /tmp/t502-size.XXXXXX)
cleanup() {
    "$NEW" lab --dir "$LAB" down >/dev/null 2>&1 || true
    rm -rf "$LAB"
}
trap cleanup EXIT
"$NEW" lab --dir "$LAB" up >/dev/null

mib() { awk -v b="$1" 'BEGIN {printf "%.1f MiB (%d bytes)", b / 1048576, b}'; }
glibc() { objdump -T "$1" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -n1; }
for which in before after; do
    b=$OLD; [ "$which" = after ] && b=$NEW
    echo "$which: $(mib "$(stat -c %s "$b")"); needs $(glibc "$b"); $("$b" --version)"
    echo "  linked against: $(objdump -p "$b" | awk '/NEEDED/ {print $2}' | paste -sd' ' -)"
done
echo "after / before size: $(awk -v a="$(stat -c %s "$NEW")" -v b="$(stat -c %s "$OLD")" 'BEGIN {printf "%.2f", a / b}')"

# hyperfine's median, mean ± stddev, min, max of each command, in ms.
measure() { # label, runs, command (a string hyperfine runs without a shell) per binary
    local label=$1 runs=$2 j; shift 2
    j=$(mktemp)
    hyperfine -N -i --runs "$runs" --warmup 3 --export-json "$j" "$@" >/dev/null 2>&1
    python3 - "$j" "$label" <<'EOF'
import json, sys
rs = json.load(open(sys.argv[1]))["results"]
for name, r in zip(("before", "after"), rs):
    print(f"{sys.argv[2]}, {name}: median {r['median']*1000:.1f} ms (mean {r['mean']*1000:.1f} "
          f"± {r['stddev']*1000:.1f}, min {r['min']*1000:.1f}, max {r['max']*1000:.1f}; {len(r['times'])} runs)")
m = [r["median"] for r in rs]
print(f"{sys.argv[2]}: after / before median {m[1] / m[0]:.2f}")
EOF
    rm -f "$j"
}
measure "--version" "$RUNS" "$OLD --version" "$NEW --version"
CFG=$LAB/lab.toml
code=0; "$NEW" --config "$CFG" check >/dev/null 2>&1 || code=$?
echo "lab check exits $code"
measure "check on the lab" "$CHECK_RUNS" "$OLD --config $CFG check" "$NEW --config $CFG check"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
