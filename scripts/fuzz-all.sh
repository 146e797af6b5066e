#!/usr/bin/env bash
# Runs the cargo-fuzz targets one after the other (one at a time: fuzzing takes a whole core).
# usage: scripts/fuzz-all.sh [SECONDS_PER_TARGET] [TARGET...]
#   default 600 s each, targets: config nginx_conf nginx_error nginx_access docserver
# env FUZZ_ARGS: extra libFuzzer flags, e.g. FUZZ_ARGS="-fork=1 -ignore_ooms=1" to go on past a
#   known out-of-memory finding (nginx_conf: include loops, see PERFORMANCE.md).
# Needs cargo-fuzz (`cargo install cargo-fuzz`); works on the stable toolchain through
# RUSTC_BOOTSTRAP=1. Logs go to fuzz/target/logs/TARGET.log; a summary line per target is printed
# ("Done N runs in S second(s)" from libFuzzer, or the crash artifact). The corpus grows in
# fuzz/corpus/TARGET (not committed); fuzz/seeds/TARGET holds committed starting inputs.
set -uo pipefail
cd "$(dirname "$0")/../fuzz"
SECS=${1:-600}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=(config nginx_conf nginx_error nginx_access docserver)
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
mkdir -p "$CARGO_TARGET_DIR/logs"; LOGS=$CARGO_TARGET_DIR/logs
status=0
for t in "${TARGETS[@]}"; do
    mkdir -p "corpus/$t"
    # fuzz/seeds/TARGET (committed, read-only here): realistic inputs to start from
    seeds=()
    [ -d "seeds/$t" ] && seeds=("seeds/$t")
    start=$(date +%s)
    cargo fuzz run "$t" "corpus/$t" "${seeds[@]}" -- -max_total_time="$SECS" -rss_limit_mb=1024 ${FUZZ_ARGS:-} \
        >"$LOGS/$t.log" 2>&1
    rc=$?
    end=$(date +%s)
    done_line=$(grep -E '^Done [0-9]+ runs' "$LOGS/$t.log" | tail -1)
    cov=$(grep -E '#[0-9]+.*(DONE|pulse|NEW).*cov:' "$LOGS/$t.log" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+' || true)
    if [ $rc -eq 0 ]; then
        echo "$t: ok, wall $((end - start)) s; ${done_line:-no Done line}; ${cov}"
    else
        status=1
        echo "$t: FAILED (rc $rc), wall $((end - start)) s; see $LOGS/$t.log"
        grep -E 'artifact_prefix|Test unit written|panicked|ERROR' "$LOGS/$t.log" | head -5
    fi
done
exit $status
