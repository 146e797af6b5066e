#!/usr/bin/env bash
# The install test, run by scripts/test-all.sh after the cargo tests (it needs the release
# build, which it makes once: the packages and `cargo install` share target/release/).
#
#   readme   the README's "Install" commands, verbatim (the first sh block of that section),
#            into a temporary root (CARGO_INSTALL_ROOT) put first on PATH: `triage502` found on
#            PATH is the installed one and prints its version.
#   deb      scripts/package-deb.sh builds the .deb; as root: `dpkg -i`, then `triage502
#            --version` and `man -w triage502` from the installed paths, the audit log's folder
#            root only, nothing under /etc; `dpkg -P`: every file of the package gone, what the
#            admin wrote (a config under /etc/triage502/, an audit log) kept, the audit folder
#            removed when empty.
#   rpm      scripts/package-rpm.sh builds the .rpm from the same binary; its file list
#            (`rpm -qpl`) is exactly the expected one, its scriptlets make the audit folder, and
#            the binary unpacked from it (rpm2cpio) runs.
#
# A part that cannot run here (not root, triage502 already installed by dpkg) is a named skip
# in TRIAGE502_SKIP_LOG, as tests/common's `skip` does. The last line has the format of
# cargo's "test result:" line, so test-all counts these tests with the others.
#
# usage: scripts/install-test.sh [readme|deb|rpm]...   (default: all three)
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/sbin:/sbin"
ROOT=$PWD
passed=0 failed=0
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(readme deb rpm)

ok() { echo "install-test: $1 ... ok"; passed=$((passed + 1)); }
fail() { echo "install-test: $1 ... FAILED: $2"; failed=$((failed + 1)); }
skip() { # name, reason: counted as passed, like the Rust harness counts tests/common's skip
    echo "install-test: $1 ... skipped: $2"
    [ -n "${TRIAGE502_SKIP_LOG:-}" ] && echo "install::$1: $2" >>"$TRIAGE502_SKIP_LOG"
    passed=$((passed + 1))
}
is_root() { [ "$(id -u)" -eq 0 ]; }
apt_need() { # installs the Debian packages named when their command ($1) is missing
    local cmd=$1; shift
    command -v "$cmd" >/dev/null && return 0
    is_root || return 1
    apt-get update -qq >/dev/null 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1
    command -v "$cmd" >/dev/null
}
# "triage502 0.1.0 (commit abc1234, built 2026-12-03)"
VERSION_RE='^triage502 [0-9]+\.[0-9]+\.[0-9]+ \(commit ([0-9a-f]{4,}|unknown), built [0-9]{4}-[0-9]{2}-[0-9]{2}\)$'
TMP=$(mktemp -d /tmp/t502-install.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

# The README's Install commands: the first ```sh block after "## Install".
readme_part() {
    local name=readme
    awk '/^## Install/ {s = 1; next} s && /^## / {exit} s && /^```sh/ {b = 1; next}
         b && /^```/ {exit} b {print}' README.md >"$TMP/install.sh"
    if ! grep -q 'cargo install --locked --path \.' "$TMP/install.sh" ||
        [ "$(grep -v '^ *#' "$TMP/install.sh" | sed '/^ *$/d' | tail -n1 | sed 's/ *#.*//')" != "triage502 --version" ]; then
        fail $name "README's Install block has no 'cargo install --locked --path .' or does not end with 'triage502 --version': $(cat "$TMP/install.sh")"
        return
    fi
    # A fresh shell in the checkout, as a reader would type it; the install root is ours.
    local out
    out=$(cd "$ROOT" && env CARGO_INSTALL_ROOT="$TMP/root" PATH="$TMP/root/bin:$PATH" \
        bash -euo pipefail "$TMP/install.sh" 2>"$TMP/readme.err")
    local rc=$?
    if [ $rc -ne 0 ]; then
        fail $name "the README's commands exit $rc: $(tail -n5 "$TMP/readme.err")"
    elif [ "$(env PATH="$TMP/root/bin:$PATH" bash -c 'command -v triage502')" != "$TMP/root/bin/triage502" ]; then
        fail $name "triage502 on PATH is not the installed one"
    elif ! tail -n1 <<<"$out" | grep -Eq "$VERSION_RE"; then
        fail $name "last line is not a version line: $out"
    else
        ok "$name ($(tail -n1 <<<"$out"))"
    fi
}

# Files (not folders) that dpkg lists for the installed package.
package_files() { dpkg -L triage502 | while IFS= read -r p; do [ -d "$p" ] || echo "$p"; done; }

deb_part() {
    local name=deb deb
    if ! deb=$(bash scripts/package-deb.sh 2>"$TMP/deb.err" | tail -n1) || [ ! -f "$deb" ]; then
        fail $name "scripts/package-deb.sh: $(tail -n5 "$TMP/deb.err")"
        return
    fi
    if ! is_root; then
        skip $name "built $deb; installing it needs root"
        return
    fi
    if dpkg-query -W -f='${Status}' triage502 2>/dev/null | grep -q installed; then
        skip $name "triage502 is installed by dpkg on this box: not replaced by a test"
        return
    fi
    apt_need man man-db || { fail $name "man-db could not be installed"; return; }
    # What was there before: never removed, whatever the package does.
    local had_log=0 had_etc=0 err
    [ -e /var/log/triage502 ] && had_log=1
    [ -e /etc/triage502 ] && had_etc=1
    err=$(deb_check "$deb" "$had_log" "$had_etc" 2>&1)
    local rc=$?
    dpkg -P triage502 >/dev/null 2>&1
    [ $had_etc = 1 ] || rm -rf /etc/triage502
    [ $had_log = 1 ] || rm -rf /var/log/triage502
    if [ $rc -eq 0 ]; then ok "$name ($deb)"; else fail $name "$err"; fi
}

# Installs, checks, purges; twice when the audit folder is ours: empty (removed on purge),
# then with what the admin wrote (kept). Prints the first problem and returns 1.
deb_check() {
    local deb=$1 had_log=$2 had_etc=$3 v man files f
    dpkg -i "$deb" >"$TMP/dpkg.log" 2>&1 || { echo "dpkg -i: $(tail -n5 "$TMP/dpkg.log")"; return 1; }
    v=$(/usr/bin/triage502 --version) || { echo "/usr/bin/triage502 --version failed"; return 1; }
    grep -Eq "$VERSION_RE" <<<"$v" || { echo "version line: $v"; return 1; }
    [ "$v" = "$(target/release/triage502 --version)" ] || { echo "installed $v, built $(target/release/triage502 --version)"; return 1; }
    man=$(man -w triage502) || { echo "man -w triage502 finds no page"; return 1; }
    [ "$man" = /usr/share/man/man1/triage502.1.gz ] || { echo "man -w: $man"; return 1; }
    MANPAGER=cat MANWIDTH=80 man triage502 2>/dev/null | grep -q '^COMMANDS' ||
        { echo "the man page does not render with its COMMANDS section"; return 1; }
    [ "$(stat -c '%a %U %G' /var/log/triage502)" = "700 root root" ] ||
        [ "$had_log" = 1 ] || { echo "/var/log/triage502: $(stat -c '%a %U %G' /var/log/triage502)"; return 1; }
    files=$(package_files)
    for f in /usr/bin/triage502 /usr/share/man/man1/triage502.1.gz \
        /usr/share/bash-completion/completions/triage502 /usr/share/zsh/vendor-completions/_triage502 \
        /usr/share/fish/vendor_completions.d/triage502.fish /usr/lib/systemd/system/triage502-watch.service \
        /usr/share/doc/triage502/config.example.toml; do
        grep -qx "$f" <<<"$files" || { echo "$f not in the package: $files"; return 1; }
    done
    ! grep -q '^/etc/' <<<"$files" || { echo "the package ships under /etc: $(grep '^/etc/' <<<"$files")"; return 1; }
    ! ls /etc/systemd/system/*.wants/triage502-watch.service >/dev/null 2>&1 ||
        { echo "triage502-watch.service is enabled by the install"; return 1; }
    bash -c '. /usr/share/bash-completion/completions/triage502 && complete -p triage502' >/dev/null 2>&1 ||
        { echo "the bash completion does not load"; return 1; }
    if [ "$had_log" = 0 ]; then
        # First round: nothing written; the purge leaves nothing at all.
        dpkg -P triage502 >"$TMP/dpkg.log" 2>&1 || { echo "dpkg -P: $(tail -n5 "$TMP/dpkg.log")"; return 1; }
        purged "$files" || return 1
        [ ! -e /var/log/triage502 ] || { echo "/var/log/triage502 left after purging an unused install"; return 1; }
        dpkg -i "$deb" >"$TMP/dpkg.log" 2>&1 || { echo "dpkg -i again: $(tail -n5 "$TMP/dpkg.log")"; return 1; }
    fi
    # What the admin writes: a config (config init FILE), an audit record.
    if [ "$had_etc" = 0 ]; then
        install -d -m 0755 /etc/triage502
        /usr/bin/triage502 config init /etc/triage502/config.toml >/dev/null ||
            { echo "config init /etc/triage502/config.toml failed"; return 1; }
    fi
    local etc_before log_before
    etc_before=$(find /etc/triage502 -type f -exec sha256sum {} + 2>/dev/null | sort)
    [ "$had_log" = 1 ] || echo '{"admin":"wrote this"}' >>/var/log/triage502/audit.log
    log_before=$(find /var/log/triage502 -maxdepth 1 -type f | sort)
    dpkg -P triage502 >"$TMP/dpkg.log" 2>&1 || { echo "dpkg -P: $(tail -n5 "$TMP/dpkg.log")"; return 1; }
    purged "$files" || return 1
    [ "$(find /etc/triage502 -type f -exec sha256sum {} + 2>/dev/null | sort)" = "$etc_before" ] ||
        { echo "the purge changed /etc/triage502"; return 1; }
    [ -n "$log_before" ] && [ "$(find /var/log/triage502 -maxdepth 1 -type f 2>/dev/null | sort)" = "$log_before" ] ||
        { echo "the purge removed the audit log ($log_before)"; return 1; }
}

# After dpkg -P: dpkg forgot the package, and none of its files is left.
purged() {
    local f
    if dpkg-query -W -f='${Status}' triage502 >/dev/null 2>&1; then
        echo "dpkg still knows triage502: $(dpkg-query -W -f='${Status}' triage502)"
        return 1
    fi
    while IFS= read -r f; do
        [ ! -e "$f" ] || { echo "$f left after dpkg -P"; return 1; }
    done <<<"$1"
    [ ! -e /usr/share/doc/triage502 ] || { echo "/usr/share/doc/triage502 left after dpkg -P"; return 1; }
}

rpm_part() {
    local name=rpm rpm
    if ! apt_need rpm rpm || ! apt_need cpio cpio; then
        skip $name "needs the rpm and cpio tools (apt-get install rpm cpio, as root)"
        return
    fi
    if ! rpm=$(bash scripts/package-rpm.sh 2>"$TMP/rpm.err" | tail -n1) || [ ! -f "$rpm" ]; then
        fail $name "scripts/package-rpm.sh: $(tail -n5 "$TMP/rpm.err")"
        return
    fi
    local want got
    want=$(printf '%s\n' /usr/bin/triage502 /usr/share/man/man1/triage502.1.gz \
        /usr/share/bash-completion/completions/triage502 /usr/share/zsh/site-functions/_triage502 \
        /usr/share/fish/vendor_completions.d/triage502.fish \
        /usr/lib/systemd/system/triage502-watch.service \
        /usr/share/doc/triage502/config.example.toml /usr/share/doc/triage502/README.md | sort)
    got=$(rpm -qpl "$rpm" 2>/dev/null | sort)
    if [ "$got" != "$want" ]; then
        fail $name "rpm -qpl: $(diff <(echo "$want") <(echo "$got") | tr '\n' ' ')"
        return
    fi
    if ! rpm -qp --scripts "$rpm" 2>/dev/null | grep -q 'install -d -m 0700 -o root -g root /var/log/triage502'; then
        fail $name "the %post scriptlet does not make the audit folder"
        return
    fi
    if ! rpm -qp --requires "$rpm" 2>/dev/null | grep -q '^libc.so.6(GLIBC_'; then
        fail $name "no glibc requirement: $(rpm -qp --requires "$rpm" 2>/dev/null | tr '\n' ' ')"
        return
    fi
    mkdir -p "$TMP/rpmroot"
    # Debian 12's rpm2cpio exits 1 after writing a whole zstd payload: its status is not
    # looked at; cpio's is, and the binary unpacked must run.
    rpm2cpio "$ROOT/$rpm" >"$TMP/payload.cpio" 2>/dev/null
    if ! (cd "$TMP/rpmroot" && cpio -idm --quiet <"$TMP/payload.cpio" 2>"$TMP/cpio.err"); then
        fail $name "rpm2cpio | cpio: $(tail -n3 "$TMP/cpio.err")"
        return
    fi
    local v
    v=$("$TMP/rpmroot/usr/bin/triage502" --version 2>&1)
    if ! grep -Eq "$VERSION_RE" <<<"$v"; then
        fail $name "the binary from the rpm: $v"
        return
    fi
    ok "$name ($rpm: $(wc -l <<<"$got") files)"
}

for p in "${parts[@]}"; do
    case $p in
    readme) readme_part ;;
    deb) deb_part ;;
    rpm) rpm_part ;;
    *) fail "$p" "no such part (readme, deb, rpm)" ;;
    esac
done
result=ok
[ $failed -eq 0 ] || result=FAILED
echo "test result: $result. $passed passed; $failed failed; 0 ignored; 0 measured; 0 filtered out (scripts/install-test.sh)"
[ $failed -eq 0 ]
