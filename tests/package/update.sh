#!/usr/bin/env bash
# `make test-update` (a CI stage, after test-package): a signed update end to end on loopback.
# Version N (the current debug build, the binary the E2E suites ran) is installed from its .deb;
# version N+1 is the same code built as 0.1.1 and bundled; the installed app finds N+1 on a local
# update server, verifies its signature, asks, installs it (dpkg through sudo, as the updater
# does) and restarts into it; N+1's window and `--version` say 0.1.1 (tests/package/update.test.mjs).
#
# Cheap enough for CI: N+1 is built the way `cargo test --workspace` builds N (same features), so
# only the workspace's crates are compiled again (under `make test`, clippy-driver reads Cargo.toml,
# so editing it rebuilds core and sandbox too); every dependency is reused. N's own artefacts keep
# their names (the version is part of their hash), and Cargo.toml and Cargo.lock are put back with
# their old times (cp -p). N's binary is copied aside before and put back after (not rebuilt: ~18 s);
# the next cargo command finds N's artefacts fresh and links the same binary again.
#
# Needs root, dpkg and sudo (or pkexec); says SKIPPED otherwise (and fails under CI). Temporarily
# sets the app's version in Cargo.toml (restored on exit, with Cargo.lock).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PKG=qflow-console
NEXT=0.1.1
skip() {
  if [ -n "${CI:-}" ]; then echo "test-update: $1: CI must run this test" >&2; exit 1; fi
  echo "test-update: SKIPPED: $1"
  exit 0
}
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
cp -p Cargo.toml "$WORK/Cargo.toml.orig"; cp -p Cargo.lock "$WORK/Cargo.lock.orig"
# A new file, not a write through the path: cargo hard-links it to N+1's artefact in deps/.
put_back_n() { rm -f "$TARGET_DIR/debug/qflow-console"; cp -p "$WORK/n-bin" "$TARGET_DIR/debug/qflow-console"; }
restore() {
  if [ -f "$WORK/n-bin" ] && ! cmp -s "$WORK/n-bin" "$TARGET_DIR/debug/qflow-console"; then put_back_n; fi
  cmp -s Cargo.toml "$WORK/Cargo.toml.orig" || cp -p "$WORK/Cargo.toml.orig" Cargo.toml
  cmp -s Cargo.lock "$WORK/Cargo.lock.orig" || cp -p "$WORK/Cargo.lock.orig" Cargo.lock
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

# The app binary exactly as `cargo test --workspace` builds it (the CLI and E2E suites' binary):
# selecting one small test target keeps the workspace's feature set, so nothing but the app crate
# is compiled for N+1.
build_app() { cargo test --workspace --no-run --quiet --test import_cycles; }
[ -x "$TARGET_DIR/debug/qflow-console" ] || { echo "test-update: build first (make test-bin)" >&2; exit 1; }
echo "test-update: bundling N"
bundle_deb "$WORK/n.deb"
echo "test-update: building and bundling N+1 ($NEXT)"
t0=$(date +%s)
cp -p "$TARGET_DIR/debug/qflow-console" "$WORK/n-bin"
sed -i '/^\[package\]/,/^\[/ s/^version\.workspace = true$/version = "'"$NEXT"'"/' Cargo.toml
build_app
[ "$("$TARGET_DIR/debug/qflow-console" --version)" = "qflow-console $NEXT" ] || { echo "test-update: the N+1 build says $("$TARGET_DIR/debug/qflow-console" --version)" >&2; exit 1; }
bundle_deb "$WORK/n1.deb"
cp -p "$WORK/Cargo.toml.orig" Cargo.toml; cp -p "$WORK/Cargo.lock.orig" Cargo.lock
echo "test-update: N+1 built and bundled in $(($(date +%s) - t0)) s; putting N's binary back"
put_back_n
[ "$("$TARGET_DIR/debug/qflow-console" --version)" = "qflow-console $(version_of "$WORK/n.deb")" ] || { echo "test-update: N's binary was not put back" >&2; exit 1; }
[ "$(version_of "$WORK/n1.deb")" = "$NEXT" ] || { echo "test-update: N+1 is $(version_of "$WORK/n1.deb"), not $NEXT" >&2; exit 1; }
[ "$(version_of "$WORK/n.deb")" != "$NEXT" ] || { echo "test-update: N is already $NEXT" >&2; exit 1; }

echo "test-update: dpkg -i N ($(version_of "$WORK/n.deb"))"
dpkg -i "$WORK/n.deb" >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get -f install -y -qq
export QFLOW_UPDATE_N1_DEB="$WORK/n1.deb" QFLOW_UPDATE_N1_VERSION="$NEXT"
QFLOW_APP_BIN=/usr/bin/qflow-console "$ROOT/tests/e2e/run.sh" "$ROOT/tests/package/update.test.mjs"
