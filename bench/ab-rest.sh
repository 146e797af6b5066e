#!/usr/bin/env bash
# A/B of the console at rest: two builds of triage502 side by side on the same lab, with btop
# as the reference, in one run (each in its own tmux session, 150×45): CPU share over WINDOW
# seconds (utime+stime from /proc/PID/stat, % of one core) and peak RSS (VmHWM).
#
# usage: bench/ab-rest.sh OLD_BINARY NEW_BINARY      env: WINDOW=60
# e.g.   git worktree add /tmp/old REV && (cd /tmp/old && cargo build --release) ;
#        bench/ab-rest.sh /tmp/old/target/release/triage502 target/release/triage502
set -euo pipefail
OLD=$1 NEW=$2
WINDOW=${WINDOW:-60}
for t in tmux nginx supervisord btop bc; do
    command -v "$t" >/dev/null || { echo "needs $t"; exit 2; }
done
. "$(dirname "$0")/lab.sh" "$NEW" t502ab
# argv, not a shell line: the pane's pid is the program's (env execs it).
tm new-session -d -s old -x 150 -y 45 env NO_COLOR=1 "$OLD" --config "$LAB/lab.toml"
tm new-session -d -s new -x 150 -y 45 env NO_COLOR=1 "$NEW" --config "$LAB/lab.toml"
tm new-session -d -s btop -x 150 -y 45 btop
sleep 8
pid() { tm display-message -p -t "$1" '#{pane_pid}'; }
P_OLD=$(pid old) P_NEW=$(pid new) P_BTOP=$(pid btop)
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
o0=$(ticks "$P_OLD") n0=$(ticks "$P_NEW") b0=$(ticks "$P_BTOP")
sleep "$WINDOW"
o1=$(ticks "$P_OLD") n1=$(ticks "$P_NEW") b1=$(ticks "$P_BTOP")
hwm() { awk '/VmHWM/ {print $2 / 1024}' "/proc/$1/status"; }
pct() { echo "scale=3; 100 * $1 / ($WINDOW * $TCK)" | bc -l; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); window ${WINDOW} s"
printf '%-6s cpu %6.3f %%  HWM %5.1f MiB  (%s)\n' old "$(pct $((o1 - o0)))" "$(hwm "$P_OLD")" "$OLD"
printf '%-6s cpu %6.3f %%  HWM %5.1f MiB  (%s)\n' new "$(pct $((n1 - n0)))" "$(hwm "$P_NEW")" "$NEW"
printf '%-6s cpu %6.3f %%  HWM %5.1f MiB\n' btop "$(pct $((b1 - b0)))" "$(hwm "$P_BTOP")"
