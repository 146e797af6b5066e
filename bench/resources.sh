#!/usr/bin/env bash
# The console's cost at rest against btop's, measured the same way in the same run, then the
# delay from a line appended to the lab's nginx error log to its appearance on screen, and the
# time from `lab break docservice-down` to the docservice hop reading FAIL.
#
# usage: bench/resources.sh            (needs nginx, supervisord, tmux; btop for the reference:
#                                       apt-get install -y btop)
# env:   WINDOW=30 LONG_WINDOW=65 SAMPLES=10
#
# CPU share = (utime+stime) ticks from /proc/PID/stat over the window / (window × CLK_TCK), in %
# of one core; children = (cutime+cstime) over the same window (tools the console runs and
# waits for: supervisorctl, nginx -T, ... for the host facts, refreshed every 60 s at rest, so the
# 65 s window includes one refresh). Peak RSS = VmHWM from /proc/PID/status at the end.
# Both programs run at the same time, each in its own tmux session (150×45) on one tmux server.
set -euo pipefail
cd "$(dirname "$0")/.."
WINDOW=${WINDOW:-30}
LONG_WINDOW=${LONG_WINDOW:-65}
SAMPLES=${SAMPLES:-10}

for t in tmux nginx supervisord; do
    command -v "$t" >/dev/null || { echo "needs $t (apt-get install -y nginx supervisor tmux)"; exit 2; }
done
HAVE_BTOP=1
command -v btop >/dev/null || { HAVE_BTOP=0; echo "btop missing (apt-get install -y btop): no reference"; }

cargo build --release --quiet --bin triage502
BIN=$PWD/target/release/triage502
. bench/lab.sh "$BIN" t502res
ERRLOG=$LAB/logs/nginx/error.log

# argv form: tmux execs the program directly, so the pane's pid is the program itself.
tm new-session -d -s con -x 150 -y 45 env TERM=xterm-256color HOME=/tmp "$BIN" --config "$LAB/lab.toml"
if [ $HAVE_BTOP = 1 ]; then
    # btop with its own empty config dir (defaults: 2000 ms update) so a user config cannot skew it.
    mkdir -p "$LAB/btop-home"
    tm new-session -d -s btop -x 150 -y 45 env TERM=xterm-256color HOME="$LAB/btop-home" \
        XDG_CONFIG_HOME="$LAB/btop-home" btop
fi

pane_pid() { tm display -p -t "$1" '#{pane_pid}'; }
check_exe() { # $1 pid, $2 expected basename
    local exe
    exe=$(readlink "/proc/$1/exe" 2>/dev/null || true)
    [ "$(basename "$exe")" = "$2" ] || { echo "pid $1 is $exe, not $2"; exit 1; }
}
screen() { tm capture-pane -p -t con; }
wait_screen() { # $1 what, $2 seconds, $3 grep -E pattern
    local end=$((SECONDS + $2))
    until screen | grep -qE "$3"; do
        [ $SECONDS -lt $end ] || { echo "timed out waiting for $1"; screen; exit 1; }
        sleep 0.1
    done
}
all_ok() { [ "$(screen | grep -cE '^║✔ OK +(dns|nginx|via-nginx|docservice|health|command) ')" = 6 ]; }
end=$((SECONDS + 20))
until all_ok; do
    [ $SECONDS -lt $end ] || { echo "the console never showed every hop OK"; screen; exit 1; }
    sleep 0.2
done

CPID=$(pane_pid con); check_exe "$CPID" triage502
[ $HAVE_BTOP = 1 ] && { BPID=$(pane_pid btop); check_exe "$BPID" btop; }
echo "console pid $CPID${BPID:+, btop pid $BPID}; settling 5 s (first host facts)"
sleep 5

# utime stime cutime cstime, in ticks (fields 14-17; cut after the ')' of comm).
ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12+$13, $14+$15}'; }
hwm() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }
pct() { echo "scale=3; 100 * $1 / ($2 * $TCK)" | bc -l; }

read -r c0 cc0 < <(ticks "$CPID")
[ $HAVE_BTOP = 1 ] && read -r b0 bc0 < <(ticks "$BPID")
t0=$(date +%s.%N)
sleep "$WINDOW"
t1=$(date +%s.%N)
read -r c1 cc1 < <(ticks "$CPID")
[ $HAVE_BTOP = 1 ] && read -r b1 bc1 < <(ticks "$BPID")
sleep "$(echo "$LONG_WINDOW - $WINDOW" | bc -l)"
t2=$(date +%s.%N)
read -r c2 cc2 < <(ticks "$CPID")
[ $HAVE_BTOP = 1 ] && read -r b2 bc2 < <(ticks "$BPID")
W1=$(echo "$t1 - $t0" | bc -l); W2=$(echo "$t2 - $t0" | bc -l)
C_HWM=$(hwm "$CPID"); [ $HAVE_BTOP = 1 ] && B_HWM=$(hwm "$BPID")

row() { # name self1 child1 self2 child2 hwm_kib
    printf '%-10s %9.3f %9.3f %9.3f %9.3f %9.1f\n' "$1" "$(pct "$2" "$W1")" "$(pct "$3" "$W1")" \
        "$(pct "$4" "$W2")" "$(pct "$5" "$W2")" "$(echo "$6 / 1024" | bc -l)"
}
echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -m | awk '/^Mem:/ {print $2}') MiB"
printf 'window: %.1f s and %.1f s (CPU in %% of one core; children = waited-for child processes)\n' "$W1" "$W2"
printf '%-10s %9s %9s %9s %9s %9s\n' program "cpu${WINDOW}s" "chld${WINDOW}s" "cpu${LONG_WINDOW}s" "chld${LONG_WINDOW}s" "HWM MiB"
row triage502 $((c1 - c0)) $((cc1 - cc0)) $((c2 - c0)) $((cc2 - cc0)) "$C_HWM"
if [ $HAVE_BTOP = 1 ]; then
    row btop $((b1 - b0)) $((bc1 - bc0)) $((b2 - b0)) $((bc2 - bc0)) "$B_HWM"
    ratio() { if [ "$2" = 0 ]; then echo "n/a (reference 0)"; else printf '%.2f' "$(echo "$1 / $2" | bc -l)"; fi; }
    echo "ratio triage502/btop: cpu ${WINDOW}s $(ratio $((c1 - c0)) $((b1 - b0))), cpu+children ${LONG_WINDOW}s $(ratio $((c2 - c0 + cc2 - cc0)) $((b2 - b0 + bc2 - bc0))), HWM $(ratio "$C_HWM" "$B_HWM")"
fi
echo "targets: console <= 0.5 % of one core, RSS <= 20 MiB"

# --- appended line -> on screen -------------------------------------------------------------
now_ms() { echo $(($(date +%s%N) / 1000000)); }
lat=()
for i in $(seq 1 "$SAMPLES"); do
    mark="lat-$$-$i"
    line="$(date '+%Y/%m/%d %H:%M:%S') [error] 4242#4242: *$((9000 + i)) connect() to unix:/run/$mark.sock failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: _, request: \"GET /$mark HTTP/1.1\", upstream: \"http://unix:/run/$mark.sock:/\", host: \"127.0.0.1\""
    s=$(now_ms)
    printf '%s\n' "$line" >>"$ERRLOG"
    until tm capture-pane -p -t con | grep -qF "$mark.sock"; do
        [ $(($(now_ms) - s)) -lt 5000 ] || { echo "line $i never shown"; screen; exit 1; }
        sleep 0.01
    done
    lat+=($(($(now_ms) - s)))
    sleep 0.7 # not in step with the 50 ms frame pacing
done
sorted=$(printf '%s\n' "${lat[@]}" | sort -n)
med=$(echo "$sorted" | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')
max=$(echo "$sorted" | tail -1)
echo
echo "appended line -> screen (${SAMPLES} samples, capture-pane polled every 10 ms): ms: ${lat[*]}"
echo "  median ${med} ms, max ${max} ms (target <= 250 ms)"

# --- lab break docservice-down -> FAIL on screen ----------------------------------------------
s=$(now_ms)
"$BIN" lab --dir "$LAB" break docservice-down >/dev/null
r=$(now_ms)
until screen | grep -qE '^║✖ FAIL +docservice '; do
    [ $(($(now_ms) - s)) -lt 10000 ] || { echo "docservice never FAIL"; screen; exit 1; }
    sleep 0.01
done
f=$(now_ms)
echo "lab break docservice-down -> docservice FAIL on screen: $((f - r)) ms after the command returned ($((f - s)) ms after it started; the command took $((r - s)) ms; probe interval 1000 ms)"
"$BIN" lab --dir "$LAB" fix >/dev/null
