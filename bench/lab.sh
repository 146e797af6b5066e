# Sourced by the bench scripts that run consoles on a lab of their own: a tmux server of the
# script's own (`tm`), a lab in a fresh folder ($LAB, brought up with $1), torn down on exit.
# usage: . bench/lab.sh BINARY NAME     sets TCK, SOCK, LAB and tm(); needs `set -e` callers.
LAB_BIN=$1
TCK=$(getconf CLK_TCK)
SOCK=$2-$$
LAB=$(mktemp -d "/tmp/$2.XXXXXX")
tm() { tmux -L "$SOCK" "$@"; }
cleanup() {
    tm kill-server 2>/dev/null || true
    "$LAB_BIN" lab --dir "$LAB" down >/dev/null 2>&1 || true
    rm -rf "$LAB"
}
trap cleanup EXIT
"$LAB_BIN" lab --dir "$LAB" up >/dev/null
