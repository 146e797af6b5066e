#!/usr/bin/env bash
# Benchmark: `triage502 logs scan --format summary` vs `grep -c upstream` on the same generated
# nginx error log, for one or more line mixes (the ratio depends on the mix).
#
# usage: bench/scan.sh [SIZE_BYTES]      (default 1 GiB per mix)
# env:   MIXES="proxy incident quiet"    (the mixes of examples/loggen; default: all three)
#        DIR=/tmp                        (where the generated files are kept between runs)
#        SEED=1
#
# The logs come from the generator example, which anyone can run by hand:
#   cargo run --release --example loggen -- --mix incident --seed 1 OUT BYTES
# It writes OUT and prints the class counts a scan must find (JSON, the shape of
# `logs scan --format summary`). For each mix this prints MB/s for both (best of 3 runs,
# page cache warm) by wall time and by CPU time (user + system), the ratios scan/grep, and
# whether the class counts are exact.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${1:-1073741824}
MIXES=${MIXES:-proxy incident quiet}
DIR=${DIR:-/tmp}
SEED=${SEED:-1}

cargo build --release --quiet --bin triage502 --example loggen
BIN=target/release/triage502
GEN=target/release/examples/loggen
SCAN=("$BIN" logs scan --format summary)

OUT_TMP=$(mktemp)
TIME_TMP=$(mktemp)
trap 'rm -f "$OUT_TMP" "$TIME_TMP"' EXIT
# Best of 3 runs: "WALL CPU" in seconds, CPU = user + system time of the command. On a shared
# box the wall time grows with the load (the command waits for a core) and not in the same
# proportion for both commands; the CPU time does not.
best() {
    local bw= bc=
    for _ in 1 2 3; do
        local w u s c
        # not >/dev/null: GNU grep stops at the first match when its output is /dev/null
        { TIMEFORMAT='%R %U %S'; time "$@" >"$OUT_TMP"; } 2>"$TIME_TMP"
        read -r w u s <"$TIME_TMP"
        c=$(echo "$u + $s" | bc -l)
        if [ -z "$bw" ] || [ "$(echo "$w < $bw" | bc -l)" = 1 ]; then bw=$w; fi
        if [ -z "$bc" ] || [ "$(echo "$c < $bc" | bc -l)" = 1 ]; then bc=$c; fi
    done
    echo "$bw $bc"
}

status=0
for MIX in $MIXES; do
    FILE=$DIR/triage502-bench-$MIX-$SEED-$SIZE.log
    EXPECT=$FILE.expected.json
    if [ ! -f "$FILE" ] || [ ! -f "$EXPECT" ]; then
        echo "generating: $GEN --mix $MIX --seed $SEED $FILE $SIZE"
        "$GEN" --mix "$MIX" --seed "$SEED" "$FILE" "$SIZE" >"$EXPECT"
    fi
    BYTES=$(stat -c %s "$FILE")
    LINES=$(wc -l <"$FILE")
    MATCH=$(grep -c upstream "$FILE" || true)
    echo "== mix $MIX: $FILE ($BYTES bytes, $LINES lines, $MATCH with \"upstream\")"
    cat "$FILE" >/dev/null   # warm the page cache for both

    echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
    read -r GREP_T GREP_C < <(best grep -c upstream "$FILE")
    read -r SCAN_T SCAN_C < <(best "${SCAN[@]}" "$FILE")
    mbs() { echo "$BYTES / 1000000 / $1" | bc -l; }
    printf 'grep -c upstream : wall %7.3f s %8.1f MB/s   cpu %7.3f s %8.1f MB/s\n' \
        "$GREP_T" "$(mbs "$GREP_T")" "$GREP_C" "$(mbs "$GREP_C")"
    printf 'logs scan summary: wall %7.3f s %8.1f MB/s   cpu %7.3f s %8.1f MB/s\n' \
        "$SCAN_T" "$(mbs "$SCAN_T")" "$SCAN_C" "$(mbs "$SCAN_C")"
    printf 'ratio scan/grep  : wall %7.3f   cpu %7.3f   (target >= 0.333)   mix %s\n' \
        "$(echo "$GREP_T / $SCAN_T" | bc -l)" "$(echo "$GREP_C / $SCAN_C" | bc -l)" "$MIX"

    GOT=$("${SCAN[@]}" "$FILE")
    if python3 -c 'import json,sys; a=json.loads(sys.argv[1]); b=json.load(open(sys.argv[2])); sys.exit(0 if a==b else 1)' "$GOT" "$EXPECT"; then
        echo "class counts: exact (equal to the generator's expected counts)"
    else
        echo "class counts: MISMATCH"; echo "got:      $GOT"; echo "expected: $(cat "$EXPECT")"; status=1
    fi
done
exit $status
