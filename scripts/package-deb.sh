#!/usr/bin/env bash
# The Debian package of triage502, built by cargo-deb over the release binary (`--no-build`:
# the release build is done once, by scripts/package-assets.sh). What goes in it is
# [package.metadata.deb] in Cargo.toml. Installs cargo-deb (`cargo install --locked`) when
# missing. Prints the path of the .deb on its last line.
#
# usage: scripts/package-deb.sh        (writes target/debian/triage502_VERSION-1_ARCH.deb)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-deb >/dev/null || cargo install --locked --quiet cargo-deb
bash scripts/package-assets.sh
cargo deb --no-build --locked --quiet --output target/debian/
ls -t target/debian/triage502_*.deb | head -n1
