#!/usr/bin/env bash
# `triage502 check` round time on the loopback lab: healthy, and (as root) with the lab's
# `firewall-drop` fault (the stand-in's port black-holed by nftables: the hops to it can only
# time out), against the largest hop timeout. Target: round <= largest hop timeout + 0.5 s
# (probes run concurrently, never summed).
#
# usage: bench/check.sh        (needs nginx, supervisord; hyperfine if installed, else a loop of
#                               RUNS; root and nft for the firewall-drop part)
# env:   RUNS=10
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-10}
for t in nginx supervisord; do
    command -v "$t" >/dev/null || { echo "needs $t (apt-get install -y nginx supervisor)"; exit 2; }
done
cargo build --release --quiet --bin triage502
BIN=$PWD/target/release/triage502
LAB=$(mktemp -d /tmp/t502chk.XXXXXX)
cleanup() {
    "$BIN" lab --dir "$LAB" down >/dev/null 2>&1 || true
    rm -rf "$LAB"
}
trap cleanup EXIT
"$BIN" lab --dir "$LAB" up >/dev/null
CFG=$LAB/lab.toml
CHECK=("$BIN" --config "$CFG" check --format json)

# The largest hop timeout: per-hop timeout_ms, else [probe] timeout_ms.
TIMEOUT_MS=$(python3 - "$CFG" <<'EOF'
import sys, tomllib
c = tomllib.load(open(sys.argv[1], "rb"))
d = c.get("probe", {}).get("timeout_ms", 3000)
print(max([h.get("timeout_ms", d) for h in c.get("hop", [])] + [d]))
EOF
)
echo "lab: $LAB; largest hop timeout ${TIMEOUT_MS} ms"

now_ms() { echo $(($(date +%s%N) / 1000000)); }
median_loop() { # runs "$@" RUNS times, prints the median wall time in ms
    local ts=()
    for _ in $(seq 1 "$RUNS"); do
        local s; s=$(now_ms); "$@" >/dev/null 2>&1 || true; ts+=($(($(now_ms) - s)))
    done
    echo "  runs (ms): ${ts[*]}" >&2
    printf '%s\n' "${ts[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'
}
measure() { # label, then the command; prints "label: median ms"
    local label=$1; shift
    if command -v hyperfine >/dev/null; then
        local j; j=$(mktemp)
        hyperfine -N -i --runs "$RUNS" --warmup 1 --export-json "$j" "$(printf '%q ' "$@")" >/dev/null 2>&1
        python3 - "$j" "$label" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"{sys.argv[2]}: median {r['median']*1000:.0f} ms (mean {r['mean']*1000:.0f} ± {r['stddev']*1000:.0f}, min {r['min']*1000:.0f}, max {r['max']*1000:.0f}; hyperfine, {len(r['times'])} runs)")
EOF
        rm -f "$j"
    else
        local m; m=$(median_loop "$@")
        echo "$label: median $m ms (loop of $RUNS)"
    fi
}

code=0; "${CHECK[@]}" >/dev/null 2>&1 || code=$?
echo "healthy lab: check exits $code"
measure "check, healthy lab" "${CHECK[@]}"

if [ "$(id -u)" != 0 ] || ! command -v nft >/dev/null; then
    echo "firewall-drop: skipped (needs root and nft)"
    exit 0
fi
"$BIN" lab --dir "$LAB" break firewall-drop >/dev/null
code=0; out=$("${CHECK[@]}" 2>/dev/null) || code=$?
echo "firewall-drop: check exits $code; hops: $(echo "$out" | python3 -c 'import json,sys; print(", ".join("%s=%s %sms" % (h["name"], h["state"], h["latency_ms"]) for h in json.load(sys.stdin)["hops"]))')"
echo "  slowest hop latency in that round: $(echo "$out" | python3 -c 'import json,sys; print(max(h["latency_ms"] or 0 for h in json.load(sys.stdin)["hops"]))') ms (the probes alone; the rest of the wall time is what check does after the round)"
line=$(measure "check, one hop black-holed (firewall-drop)" "${CHECK[@]}")
echo "$line"
med=$(echo "$line" | sed -E 's/.*median ([0-9.]+) ms.*/\1/')
limit=$((TIMEOUT_MS + 500))
ratio=$(echo "scale=3; $med / $TIMEOUT_MS" | bc -l)
if [ "$(echo "$med <= $limit" | bc -l)" = 1 ]; then verdict=met; else verdict="NOT met"; fi
echo "round ${med} ms vs largest hop timeout ${TIMEOUT_MS} ms: ratio ${ratio}; target <= ${limit} ms: ${verdict}"
"$BIN" lab --dir "$LAB" fix >/dev/null
