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
# page cache warm), the ratio scan/grep, and whether the class counts are exact.
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
trap 'rm -f "$OUT_TMP"' EXIT
best() { # best wall time of 3 runs, in seconds
    local best=
    for _ in 1 2 3; do
        local s e t
        # not >/dev/null: GNU grep stops at the first match when its output is /dev/null
        s=$(date +%s.%N); "$@" >"$OUT_TMP"; e=$(date +%s.%N)
        t=$(echo "$e - $s" | bc -l)
        if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
    done
    echo "$best"
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

    GREP_T=$(best grep -c upstream "$FILE")
    SCAN_T=$(best "${SCAN[@]}" "$FILE")
    GREP_MBS=$(echo "$BYTES / 1000000 / $GREP_T" | bc -l)
    SCAN_MBS=$(echo "$BYTES / 1000000 / $SCAN_T" | bc -l)
    RATIO=$(echo "$SCAN_MBS / $GREP_MBS" | bc -l)
    printf 'grep -c upstream : %8.3f s  %8.1f MB/s\n' "$GREP_T" "$GREP_MBS"
    printf 'logs scan summary: %8.3f s  %8.1f MB/s\n' "$SCAN_T" "$SCAN_MBS"
    printf 'ratio scan/grep  : %8.3f   (target >= 0.333)   mix %s\n' "$RATIO" "$MIX"

    GOT=$("${SCAN[@]}" "$FILE")
    if python3 -c 'import json,sys; a=json.loads(sys.argv[1]); b=json.load(open(sys.argv[2])); sys.exit(0 if a==b else 1)' "$GOT" "$EXPECT"; then
        echo "class counts: exact (equal to the generator's expected counts)"
    else
        echo "class counts: MISMATCH"; echo "got:      $GOT"; echo "expected: $(cat "$EXPECT")"; status=1
    fi
done
exit $status
