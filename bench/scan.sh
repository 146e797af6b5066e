#!/usr/bin/env bash
# Benchmark: `logs scan --format summary` vs `grep -c upstream` on the same generated file.
# usage: bench/scan.sh [SIZE_BYTES] [FILE]   (default 1 GiB, /tmp/triage502-bench-error.log)
# Prints MB/s for both (best of 3), the ratio, and whether the class counts are exact.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${1:-1073741824}
FILE=${2:-/tmp/triage502-bench-error.log}
EXPECT=$FILE.expected.json

cargo build --release --quiet --examples --bin triage502 2>/dev/null || cargo build --release --quiet --examples
BIN=target/release/triage502
if [ -x "$BIN" ] && "$BIN" logs scan --format summary /dev/null >/dev/null 2>&1; then
    SCAN=("$BIN" logs scan --format summary)
    echo "scanner: triage502 logs scan --format summary"
else
    SCAN=(target/release/examples/scan_summary)
    echo "scanner: examples/scan_summary (run_scan with --format summary; subcommand not wired yet)"
fi

if [ ! -f "$FILE" ] || [ ! -f "$EXPECT" ] || [ "$(stat -c %s "$FILE")" -lt "$SIZE" ]; then
    echo "generating $SIZE bytes into $FILE ..."
    target/release/examples/gen_error_log "$FILE" "$SIZE" 1 >"$EXPECT"
fi
BYTES=$(stat -c %s "$FILE")
echo "file: $FILE ($BYTES bytes)"
cat "$FILE" >/dev/null   # warm the page cache for both

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

GREP_T=$(best grep -c upstream "$FILE")
SCAN_T=$(best "${SCAN[@]}" "$FILE")
GREP_MBS=$(echo "$BYTES / 1000000 / $GREP_T" | bc -l)
SCAN_MBS=$(echo "$BYTES / 1000000 / $SCAN_T" | bc -l)
RATIO=$(echo "$SCAN_MBS / $GREP_MBS" | bc -l)
printf 'grep -c upstream : %8.3f s  %8.1f MB/s\n' "$GREP_T" "$GREP_MBS"
printf 'logs scan summary: %8.3f s  %8.1f MB/s\n' "$SCAN_T" "$SCAN_MBS"
printf 'ratio scan/grep  : %8.3f   (target >= 0.333)\n' "$RATIO"

GOT=$("${SCAN[@]}" "$FILE")
if python3 -c 'import json,sys; a=json.loads(sys.argv[1]); b=json.load(open(sys.argv[2])); sys.exit(0 if a==b else 1)' "$GOT" "$EXPECT"; then
    echo "class counts: exact (equal to the generator's expected counts)"
else
    echo "class counts: MISMATCH"; echo "got:      $GOT"; echo "expected: $(cat "$EXPECT")"; exit 1
fi
