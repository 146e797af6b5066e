#!/usr/bin/env bash
# What discovery costs: `triage502 check` on the loopback lab with no config file (the chain
# discovered from the running nginx master, supervisord and stand-in) against the same check
# with the config `config init --discover` wrote, in the same run, alternating. Also the time
# discovery itself reports (`config show --discover`). Target: discovery adds <= 300 ms.
#
# usage: bench/discovery.sh        (needs nginx, supervisord; root for the stand-in's environment)
# env:   RUNS=10; BIN=path/to/triage502 (default: a release build)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-10}
for t in nginx supervisord python3; do
    command -v "$t" >/dev/null || { echo "needs $t (apt-get install -y nginx supervisor)"; exit 2; }
done
if [ -z "${BIN:-}" ]; then
    cargo build --release --quiet --bin triage502
    BIN=$PWD/target/release/triage502
fi
LAB=$(mktemp -d /tmp/t502disc.XXXXXX)
HOMEDIR=$(mktemp -d /tmp/t502disc-home.XXXXXX)
cleanup() {
    "$BIN" lab --dir "$LAB" down >/dev/null 2>&1 || true
    rm -rf "$LAB" "$HOMEDIR"
}
trap cleanup EXIT
"$BIN" lab --dir "$LAB" up >/dev/null
# Other labs may run on this machine: discovery is pointed at this lab's nginx master.
export TRIAGE502_NGINX_PID; TRIAGE502_NGINX_PID=$(cat "$LAB/nginx.pid")
export HOME=$HOMEDIR XDG_CONFIG_HOME=$HOMEDIR
unset TRIAGE502_CONFIG
"$BIN" config init --discover "$HOMEDIR/discovered.toml" >/dev/null
"$BIN" config show --discover | head -1
python3 - "$BIN" "$HOMEDIR/discovered.toml" "$RUNS" <<'PY'
import json, statistics, subprocess, sys, time
bin_, cfg, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
def once(args):
    t = time.monotonic()
    o = subprocess.run([bin_] + args + ["check", "--format", "json"], capture_output=True)
    ms = (time.monotonic() - t) * 1000
    return ms, json.loads(o.stdout)["profile"]
written, discovered = [], []
for _ in range(runs):
    ms, p = once(["--config", cfg]); written.append(ms)
    ms, q = once([]); discovered.append(ms)
    assert q == "discovered", q
w, d = statistics.median(written), statistics.median(discovered)
print(f"check with the written config : median {w:7.1f} ms over {runs} runs")
print(f"check discovering the chain   : median {d:7.1f} ms over {runs} runs")
print(f"discovery adds                : {d - w:7.1f} ms (target <= 300 ms)")
PY
