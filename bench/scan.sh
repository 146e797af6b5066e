#!/usr/bin/env bash
# Benchmark: `triage502 logs scan --format summary` vs `grep -c upstream` and `rg -c upstream`
# on the same generated nginx error log, for several sizes and line mixes; then ten rotated
# gzip'd logs vs `zgrep -c upstream`.
#
# usage: bench/scan.sh
# env:   SIZES="67108864 268435456 1073741824"   (bytes per generated log; default 64/256/1024 MiB)
#        MIXES="proxy incident quiet"            (the mixes of examples/loggen; default: all three)
#        GZ_FILES=10 GZ_SIZE=67108864            (the rotated .gz part; GZ_FILES=0 skips it)
#        DIR=/tmp  SEED=1
#
# The logs come from the generator example, which anyone can run by hand:
#   cargo run --release --example loggen -- --mix incident --seed 1 OUT BYTES
# It writes OUT and prints the class counts a scan must find (JSON, the shape of
# `logs scan --format summary`). For each file this prints, best of 3 runs with the page cache
# warm, wall and CPU time (user + system) of: grep, rg, the scan on one thread
# (TRIAGE502_SCAN_THREADS=1) and on all cores; the ratios reference/scan (above 1: the scan is
# faster); CPU ms per MB; and whether the class counts are exact.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-67108864 268435456 1073741824}
MIXES=${MIXES:-proxy incident quiet}
GZ_FILES=${GZ_FILES:-10}
GZ_SIZE=${GZ_SIZE:-67108864}
DIR=${DIR:-/tmp}
SEED=${SEED:-1}
command -v rg >/dev/null || { echo "bench/scan.sh: needs rg (apt-get install -y ripgrep)"; exit 2; }

cargo build --release --quiet --bin triage502 --example loggen
BIN=target/release/triage502
GEN=target/release/examples/loggen
SCAN=("$BIN" logs scan --format summary)

OUT_TMP=$(mktemp)
TIME_TMP=$(mktemp)
trap 'rm -f "$OUT_TMP" "$TIME_TMP"' EXIT
# Best of 3 runs: "WALL CPU" in seconds, CPU = user + system time of the command.
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
div() { echo "($1) / ($2)" | bc -l; }
# row NAME WALL CPU BYTES
row() {
    printf '  %-22s wall %7.3f s %7.1f MB/s   cpu %7.3f s %6.3f ms/MB\n' \
        "$1" "$2" "$(div "$4 / 1000000" "$2")" "$3" "$(div "$3 * 1000" "$4 / 1000000")"
}
generate() { # MIX SEED FILE SIZE
    if [ ! -f "$3" ] || [ ! -f "$3.expected.json" ]; then
        "$GEN" --mix "$1" --seed "$2" "$3" "$4" >"$3.expected.json"
    fi
}
exact() { # GOT EXPECTED_JSON_FILES...
    python3 - "$@" <<'PY'
import json, sys
got = json.loads(sys.argv[1]); want = {}
for f in sys.argv[2:]:
    for k, v in json.load(open(f)).items():
        want[k] = want.get(k, 0) + v
print("exact" if got == want else f"MISMATCH got {got} want {want}")
sys.exit(0 if got == want else 1)
PY
}

status=0
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores); $(grep --version | head -1); $(rg --version | head -1)"
for SIZE in $SIZES; do
    for MIX in $MIXES; do
        FILE=$DIR/triage502-bench-$MIX-$SEED-$SIZE.log
        generate "$MIX" "$SEED" "$FILE" "$SIZE"
        BYTES=$(stat -c %s "$FILE")
        echo "== $MIX, $((BYTES / 1048576)) MiB: $FILE ($(grep -c upstream "$FILE" || true) lines with \"upstream\")"
        cat "$FILE" >/dev/null # warm the page cache
        read -r GW GC < <(best grep -c upstream "$FILE")
        read -r RW RC < <(best rg -c upstream "$FILE")
        read -r OW OC < <(TRIAGE502_SCAN_THREADS=1 best "${SCAN[@]}" "$FILE")
        read -r SW SC < <(best "${SCAN[@]}" "$FILE")
        row "grep -c upstream" "$GW" "$GC" "$BYTES"
        row "rg -c upstream" "$RW" "$RC" "$BYTES"
        row "scan, 1 thread" "$OW" "$OC" "$BYTES"
        row "scan, all cores" "$SW" "$SC" "$BYTES"
        printf '  ratio by wall: grep/scan %.2f  rg/scan %.2f  (1 thread: grep/scan %.2f)   mix %s size %s\n' \
            "$(div "$GW" "$SW")" "$(div "$RW" "$SW")" "$(div "$GW" "$OW")" "$MIX" "$BYTES"
        if ! echo "  class counts: $(exact "$("${SCAN[@]}" "$FILE")" "$FILE.expected.json")"; then status=1; fi
    done
done

if [ "$GZ_FILES" -gt 0 ]; then
    GZ=()
    for i in $(seq 1 "$GZ_FILES"); do
        F=$DIR/triage502-bench-rot-$i-$GZ_SIZE.log
        if [ ! -f "$F.gz" ] || [ ! -f "$F.expected.json" ]; then
            generate proxy "$((SEED + i))" "$F" "$GZ_SIZE"
            gzip -f -k "$F" && rm -f "$F"
        fi
        GZ+=("$F.gz")
    done
    BYTES=$(cat "${GZ[@]}" | gzip -dc | wc -c)
    echo "== $GZ_FILES rotated logs, gzip: $(du -cb "${GZ[@]}" | tail -1 | cut -f1) bytes compressed, $BYTES bytes of text"
    cat "${GZ[@]}" >/dev/null
    read -r GW GC < <(best zgrep -c upstream "${GZ[@]}")
    read -r OW OC < <(TRIAGE502_SCAN_THREADS=1 best "${SCAN[@]}" "${GZ[@]}")
    read -r SW SC < <(best "${SCAN[@]}" "${GZ[@]}")
    row "zgrep -c upstream" "$GW" "$GC" "$BYTES"
    row "scan, 1 thread" "$OW" "$OC" "$BYTES"
    row "scan, all cores" "$SW" "$SC" "$BYTES"
    printf '  ratio by wall: zgrep/scan %.2f  (1 thread: %.2f)\n' "$(div "$GW" "$SW")" "$(div "$GW" "$OW")"
    EXP=()
    for f in "${GZ[@]}"; do EXP+=("${f%.gz}.expected.json"); done
    if ! echo "  class counts: $(exact "$("${SCAN[@]}" "${GZ[@]}")" "${EXP[@]}")"; then status=1; fi
fi
exit $status
