#!/usr/bin/env bash
# `make test-update`: a signed update end to end on loopback. Version N (the current debug build)
# is installed from its .deb; version N+1 is the same code built as 0.1.1 and bundled; the
# installed app finds N+1 on a local update server, verifies its signature, asks, installs it
# (dpkg through sudo, as the updater does) and restarts into it (tests/package/update.test.mjs).
#
# Not part of `make test`: building N+1 recompiles the app crate twice (as 0.1.1, then back),
# minutes CI cannot spare. CI covers the rest: the install test (test-package) and the
# check/verify/ask/refuse paths (tests/e2e/updates.test.mjs).
#
# Needs root, dpkg and sudo (or pkexec); says SKIPPED otherwise. Temporarily sets the app's
# version in Cargo.toml (restored on exit, with Cargo.lock).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PKG=qflow-console
NEXT=0.1.1
skip() { echo "test-update: SKIPPED: $1"; exit 0; }
[ "$(id -u)" = 0 ] || skip "installing a .deb needs root"
command -v dpkg >/dev/null || skip "no dpkg: not a Debian-family system"
command -v sudo >/dev/null || command -v pkexec >/dev/null || skip "the updater installs through pkexec or sudo: neither is installed"
if dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q 'install ok installed'; then
  echo "test-update: $PKG is already installed on this machine; remove it first" >&2; exit 1
fi

cd "$ROOT"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
TAURI="$ROOT/ui/node_modules/.bin/tauri"
WORK="$(mktemp -d)"
cp Cargo.toml "$WORK/Cargo.toml.orig"; cp Cargo.lock "$WORK/Cargo.lock.orig"
restore() {
  cmp -s Cargo.toml "$WORK/Cargo.toml.orig" || cp "$WORK/Cargo.toml.orig" Cargo.toml
  cmp -s Cargo.lock "$WORK/Cargo.lock.orig" || cp "$WORK/Cargo.lock.orig" Cargo.lock
  if dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q 'installed'; then dpkg --purge "$PKG" >/dev/null || true; fi
  rm -rf "$WORK"
}
trap restore EXIT

bundle_deb() { # $1: where to copy it
  rm -rf "$TARGET_DIR/debug/bundle"
  "$TAURI" bundle --debug --bundles deb --ci >/dev/null
  cp "$TARGET_DIR"/debug/bundle/deb/*.deb "$1"
}
version_of() { dpkg-deb -f "$1" Version; }

[ -x "$TARGET_DIR/debug/qflow-console" ] || { echo "test-update: build first (make build)" >&2; exit 1; }
echo "test-update: bundling N"
bundle_deb "$WORK/n.deb"
echo "test-update: building and bundling N+1 ($NEXT)"
sed -i '/^\[package\]/,/^\[/ s/^version\.workspace = true$/version = "'"$NEXT"'"/' Cargo.toml
cargo build -p qflow-console --quiet
bundle_deb "$WORK/n1.deb"
cp "$WORK/Cargo.toml.orig" Cargo.toml; cp "$WORK/Cargo.lock.orig" Cargo.lock
echo "test-update: rebuilding N"
cargo build -p qflow-console --quiet
[ "$(version_of "$WORK/n1.deb")" = "$NEXT" ] || { echo "test-update: N+1 is $(version_of "$WORK/n1.deb"), not $NEXT" >&2; exit 1; }

echo "test-update: dpkg -i N ($(version_of "$WORK/n.deb"))"
dpkg -i "$WORK/n.deb" >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get -f install -y -qq
export QFLOW_UPDATE_N1_DEB="$WORK/n1.deb" QFLOW_UPDATE_N1_VERSION="$NEXT"
QFLOW_APP_BIN=/usr/bin/qflow-console "$ROOT/tests/e2e/run.sh" "$ROOT/tests/package/update.test.mjs"
