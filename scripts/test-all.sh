#!/usr/bin/env bash
# Install what the test suite needs (Debian packages, only when missing) and run the whole
# suite. A test that cannot run here (it needs root, a tool, or a user other than root) says
# so through tests/common's `skip`, which appends "BINARY::TEST: REASON" to the file named by
# TRIAGE502_SKIP_LOG; the last line of this script counts passed, failed and skipped tests and
# names the skipped ones. Run as root, the tests that need a non-root user are run again as
# `nobody` (the test binaries directly: nobody cannot write target/), so neither group is
# skipped silently.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v supervisord >/dev/null 2>&1 || need+=(supervisor)
command -v nft >/dev/null 2>&1 || [ -x /usr/sbin/nft ] || need+=(nftables)
command -v tmux >/dev/null 2>&1 || need+=(tmux)
command -v tcpdump >/dev/null 2>&1 || [ -x /usr/sbin/tcpdump ] || need+=(tcpdump)
command -v ip >/dev/null 2>&1 || [ -x /usr/sbin/ip ] || need+=(iproute2)
# The lab's Redis (its PostgreSQL is /usr/lib/postgresql/15, used when present and root).
[ -x /usr/bin/redis-server ] || need+=(redis-server)
# watch: Prometheus scrapes it (tests/watch*.rs run their own), systemd-analyze verifies its unit.
[ -x /usr/bin/prometheus ] || need+=(prometheus)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
# tests/fleet.rs starts its own sshd in namespaces of its own, and ssh reaches it.
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v ssh >/dev/null 2>&1 || need+=(openssh-client)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing test dependencies: ${need[*]}"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # Debian starts the packaged nginx on :80; the tests run their own instances.
  $SUDO service nginx stop >/dev/null 2>&1 || true
  $SUDO service redis-server stop >/dev/null 2>&1 || true
  $SUDO service prometheus stop >/dev/null 2>&1 || true
  $SUDO service ssh stop >/dev/null 2>&1 || true
fi
export PATH="$PATH:/usr/sbin:/sbin"

out=target/test-all
mkdir -p "$out"
export TRIAGE502_SKIP_LOG="$PWD/$out/skipped.txt"
: >"$TRIAGE502_SKIP_LOG"
cargo build --quiet
set +e
cargo test --no-fail-fast -- --test-threads=4 "$@" 2>&1 | tee "$out/cargo-test.log"
rc=${PIPESTATUS[0]}
# The panic restore in an optimized build: the release profile with debug assertions on (the
# console's panic switch, TRIAGE502_DEBUG_PANIC_AFTER_MS, exists only with them), built in a
# folder of its own (target/release-panic). T502_SKIP_RELEASE_PANIC=1 leaves it out, as a
# named skip. It inherits the release profile's panic strategy (what the test is about) but
# not its LTO and single codegen unit, which only make this second optimized build slower.
if [ "${T502_SKIP_RELEASE_PANIC:-}" = 1 ]; then
  echo "console_tmux::a_panic_restores_the_terminal (release build): T502_SKIP_RELEASE_PANIC=1" >>"$TRIAGE502_SKIP_LOG"
else
  cargo test --config 'profile.release-panic.inherits="release"' \
    --config 'profile.release-panic.debug-assertions=true' \
    --config 'profile.release-panic.lto=false' --config 'profile.release-panic.codegen-units=16' \
    --profile release-panic \
    --test console_tmux -- --exact a_panic_restores_the_terminal 2>&1 | tee -a "$out/cargo-test.log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
fi
# Install and ship: the release build once, the deb (installed and purged, as root) and the rpm
# built from it, and the README's Install commands verbatim (scripts/install-test.sh).
bash scripts/install-test.sh 2>&1 | tee -a "$out/cargo-test.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
set -e

# "test result: ok. 12 passed; 1 failed; ..." lines, summed.
sum() { sed -n "s/^test result: .* \([0-9]*\) passed; \([0-9]*\) failed.*/\1 \2/p" "$1" |
  awk '{p += $1; f += $2} END {print p + 0, f + 0}'; }
read -r passed failed < <(sum "$out/cargo-test.log")
sort -u "$TRIAGE502_SKIP_LOG" -o "$TRIAGE502_SKIP_LOG"
# The harness counts a skipped test as passed.
skipped_root=$(wc -l <"$TRIAGE502_SKIP_LOG")
passed=$((passed - skipped_root))
skips=$(cat "$TRIAGE502_SKIP_LOG")

# As root: the tests skipped for want of a non-root user, again as nobody.
non_root="needs a non-root user"
if [ "$(id -u)" -eq 0 ] && grep -q "$non_root" "$TRIAGE502_SKIP_LOG" && command -v runuser >/dev/null; then
  home=$(mktemp -d /tmp/t502-nobody.XXXXXX)
  chown nobody "$home"
  # The test binaries cargo ran ("Running tests/x.rs (target/debug/deps/x-HASH)").
  sed -n 's/^ *Running .* (\(.*\))$/\1/p' "$out/cargo-test.log" >"$out/binaries.txt"
  kept=""
  while IFS= read -r line; do
    id=${line%%: *}
    case "$line" in
    *"$non_root"*)
      bin=${id%%::*}
      test=${id#*::}
      exe=$(grep -E "/deps/${bin}-[0-9a-f]+$" "$out/binaries.txt" | head -n1 || true)
      [ -n "$exe" ] && exe="$PWD/$exe"
      if [ -z "$exe" ]; then
        kept+="$line"$'\n'
        continue
      fi
      echo "--- as nobody: $id"
      : >"$home/skipped.txt"
      chown nobody "$home/skipped.txt"
      set +e
      runuser -u nobody -- env HOME="$home" TMPDIR="$home" PATH="$PATH" \
        TRIAGE502_SKIP_LOG="$home/skipped.txt" "$exe" --exact "$test" 2>&1 |
        tee "$out/nobody.log"
      nrc=${PIPESTATUS[0]}
      set -e
      read -r p f < <(sum "$out/nobody.log")
      if [ "$nrc" -ne 0 ] || [ "$f" -gt 0 ] || [ "$p" -eq 0 ]; then
        failed=$((failed + 1))
        rc=1
      elif [ -s "$home/skipped.txt" ]; then
        kept+="$(sed 's/$/ (as nobody)/' "$home/skipped.txt")"$'\n'
      else
        passed=$((passed + 1))
      fi
      ;;
    *) kept+="$line"$'\n' ;;
    esac
  done <<<"$skips"
  rm -rf "$home"
  skips=${kept%$'\n'}
fi

count=0
[ -n "$skips" ] && count=$(printf '%s\n' "$skips" | wc -l)
names=$(printf '%s\n' "$skips" | sed '/^$/d' | paste -sd';' - | sed 's/;/; /g')
echo "test-all: $passed passed, $failed failed, $count skipped${names:+ (whole or in part): $names}"
exit "$rc"
