#!/usr/bin/env bash
# Heap profile of the console at rest (issue 21): heaptrack runs BINARY on a lab of its own for
# WINDOW seconds, the console is stopped with SIGTERM, and heaptrack_print gives the peak heap
# and the largest peak consumers. A debug build names the call sites; a release one is stripped.
#
# usage: bench/heap.sh [BINARY]   (default target/debug/triage502)   env: WINDOW=30 TOP=8
# needs: heaptrack (apt-get install -y heaptrack), tmux, nginx, supervisord
set -euo pipefail
BIN=$(realpath "${1:-target/debug/triage502}")
WINDOW=${WINDOW:-30}
TOP=${TOP:-8}
for t in heaptrack heaptrack_print tmux nginx supervisord; do
    command -v "$t" >/dev/null || { echo "needs $t"; exit 2; }
done
. "$(dirname "$0")/lab.sh" "$BIN" t502heap
OUT=$LAB/heap
tm new-session -d -s con -x 150 -y 45 env NO_COLOR=1 heaptrack -o "$OUT" "$BIN" --config "$LAB/lab.toml"
sleep "$WINDOW"
pkill -TERM -f "^$BIN --config $LAB/lab.toml" || true
for _ in $(seq 50); do [ -e "$OUT.zst" ] && ! pgrep -f "heaptrack -o $OUT" >/dev/null && break; sleep 0.2; done
echo "binary $BIN, window ${WINDOW} s"
heaptrack_print "$OUT.zst" 2>/dev/null | grep -E '^(peak heap memory|peak RSS|total memory leaked)'
echo "largest peak consumers (first frame of ours or of a crate):"
heaptrack_print -f "$OUT.zst" --print-peaks 1 --print-allocators 0 --print-temporary 0 \
    --print-leaks 0 --peak-limit "$TOP" --sub-peak-limit 4 2>/dev/null |
    awk '/peak memory consumed over/ {h=$1; n=0; next}
         h && /(triage502|fluent_bundle|rustls|ratatui|tokio)::/ && !n {sub(/::h[0-9a-f]+$/, "", $1); print "  " h "  " $1; n=1}'
