#!/usr/bin/env bash
# Install what the test suite needs (Debian packages, only when missing) and run the whole
# suite. Tests that need root say "skipped: needs root" when run as another user.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v supervisord >/dev/null 2>&1 || need+=(supervisor)
command -v nft >/dev/null 2>&1 || [ -x /usr/sbin/nft ] || need+=(nftables)
command -v tmux >/dev/null 2>&1 || need+=(tmux)
command -v ip >/dev/null 2>&1 || [ -x /usr/sbin/ip ] || need+=(iproute2)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing test dependencies: ${need[*]}"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # Debian starts the packaged nginx on :80; the tests run their own instances.
  $SUDO service nginx stop >/dev/null 2>&1 || true
fi
export PATH="$PATH:/usr/sbin:/sbin"
cargo build --quiet
cargo test --no-fail-fast -- --test-threads=4 "$@"
