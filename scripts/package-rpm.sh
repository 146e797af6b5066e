#!/usr/bin/env bash
# The RPM of triage502 (RHEL-family boxes), built by cargo-generate-rpm from the same release
# binary and generated files as the deb (scripts/package-assets.sh; no rpmbuild needed). What
# goes in it is [package.metadata.generate-rpm] in Cargo.toml. Installs cargo-generate-rpm
# (`cargo install --locked`) when missing. Prints the path of the .rpm on its last line.
#
# usage: scripts/package-rpm.sh        (writes target/generate-rpm/triage502-VERSION-1.ARCH.rpm)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-generate-rpm >/dev/null || cargo install --locked --quiet cargo-generate-rpm
bash scripts/package-assets.sh
mkdir -p target/generate-rpm
rm -f target/generate-rpm/triage502-*.rpm
cargo generate-rpm --output target/generate-rpm/
ls -t target/generate-rpm/triage502-*.rpm | head -n1
