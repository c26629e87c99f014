#!/usr/bin/env bash
# `make test-package`: the .deb as a user gets it. Installs it with dpkg (dependencies resolved by
# apt), then tests/package/install.test.mjs starts the installed app from its desktop entry's Exec
# line under Xvfb (through tests/e2e/run.sh: Xvfb, a private Secret Service, tauri-driver), runs the
# CLI on PATH against the sandbox, purges the package and checks nothing of it is left but the
# user's data.
#
#   tests/package/run.sh [path/to/qflow-console_*.deb]   (default: the newest bundled debug .deb)
#
# Installs a system package: needs root and dpkg. Elsewhere it says SKIPPED (and fails under CI,
# where it must run). A qflow-console package already installed is left alone: the test refuses.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PKG=qflow-console

skip() {
  if [ -n "${CI:-}" ]; then echo "test-package: $1: CI must run this test" >&2; exit 1; fi
  echo "test-package: SKIPPED: $1"
  exit 0
}
[ "$(id -u)" = 0 ] || skip "installing a .deb needs root (run as root, e.g. sudo make test-package)"
command -v dpkg >/dev/null && command -v apt-get >/dev/null || skip "no dpkg/apt-get: not a Debian-family system"

TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
DEB="${1:-$(ls -t "$TARGET_DIR"/debug/bundle/deb/*.deb 2>/dev/null | head -n1 || true)}"
[ -f "$DEB" ] || { echo "test-package: no .deb (run 'make test-package', which bundles one first)" >&2; exit 1; }
if dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q 'install ok installed'; then
  echo "test-package: $PKG is already installed on this machine; remove it first (dpkg -r $PKG)" >&2
  exit 1
fi

# Whatever happens, the machine is left without the package (the test purges it itself and
# checks what is left; this is the safety net when it failed before that).
purge_left() {
  if dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q 'installed'; then dpkg --purge "$PKG" >/dev/null || true; fi
}
trap purge_left EXIT

echo "test-package: dpkg -i $DEB"
dpkg -I "$DEB" | sed -n 's/^ \(Package\|Version\|Depends\|Recommends\):/  \1:/p'
if ! dpkg -i "$DEB"; then
  # Missing dependencies leave it unconfigured: apt installs them and finishes the job.
  DEBIAN_FRONTEND=noninteractive apt-get -f install -y -qq
fi
dpkg-query -W -f='${Status}\n' "$PKG" | grep -qx 'install ok installed' || { echo "test-package: $PKG did not install" >&2; exit 1; }

# The package's files are what the test checks after removal.
export QFLOW_PACKAGE_FILES="$(mktemp)"
dpkg -L "$PKG" >"$QFLOW_PACKAGE_FILES"
export QFLOW_PACKAGE_VERSION="$(dpkg-query -W -f='${Version}' "$PKG")"
status=0
QFLOW_APP_BIN=/usr/bin/qflow-console "$ROOT/tests/e2e/run.sh" "$ROOT/tests/package/install.test.mjs" || status=$?
rm -f "$QFLOW_PACKAGE_FILES"
exit "$status"
