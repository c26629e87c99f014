#!/usr/bin/env bash
# Regenerates src-tauri/startup-order.txt.gz: the functions the window runs while it starts on
# the demo (50,000 attendees), which release builds place side by side (src-tauri/build.rs).
# The kernel maps 64 KB of code around each page a process first runs; with these functions
# scattered through 15 MB of code, the window mapped 12 MB of it.
#
# How: a release build without the ordering, started with read-ahead off on its disk, the
# binary out of the page cache and MADV_RANDOM on its code (tests/bench/startup-order/shim.c),
# so that the pages it maps are the pages it ran; every function on such a page is listed, the
# window's first, then those only the demo's sandbox process ran, each group in link order.
# Needs root (read-ahead is a setting of the disk; restored on exit), Xvfb, cc, gzip, nm.
# Run it after a dependency or toolchain update: the list names symbols with their hashes, and a
# name a build no longer has is skipped (a stale list costs memory, never correctness).
#
#   tests/bench/startup-order.sh              (make startup-order)
#   tests/bench/startup-order.sh --check BIN  (how many listed functions BIN has; make package)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
WORK="$TARGET_DIR/startup-order"

# --check BIN: how much of the list a release build has (make package prints it).
if [ "${1:-}" = --check ]; then
  listed="$(mktemp)" && trap 'rm -f "$listed"' EXIT
  gzip -dc "$ROOT/src-tauri/startup-order.txt.gz" | sort -u >"$listed"
  have="$(nm --defined-only "$2" 2>/dev/null | awk '{print $3}' | sort -u | comm -12 "$listed" - | wc -l)"
  all="$(wc -l <"$listed")"
  echo "startup order: $have of the $all listed start-up functions are in $2"
  [ "$((have * 10))" -ge "$((all * 9))" ] || echo "startup order: the list is stale (a dependency or toolchain changed): run make startup-order"
  exit 0
fi

if [ -z "${QFLOW_ORDER_INNER:-}" ]; then
  [ "$(id -u)" = 0 ] || { echo "startup-order: needs root (it turns the disk's read-ahead off for the measurement)"; exit 1; }
  (cd "$ROOT/ui" && npm run build >/dev/null)
  # The reference layout: no ordering (an empty QFLOW_STARTUP_ORDER), otherwise the release build.
  (cd "$ROOT" && QFLOW_STARTUP_ORDER= cargo build --release -p qflow-console)
  rm -rf "$WORK" && mkdir -p "$WORK"
  # On the disk, not in /tmp (a tmpfs file is always "cached": every page would be mapped).
  cp "$TARGET_DIR/release/qflow-console" "$WORK/qflow-console"
  cc -O2 -shared -fPIC -o "$WORK/shim.so" "$ROOT/tests/bench/startup-order/shim.c"
  dev="$(df --output=source "$WORK" | tail -n1)"
  [ -b "$dev" ] || { echo "startup-order: $WORK is not on a block device ($dev)"; exit 1; }
  # The disk's queue (a partition's is its disk's).
  sys="$(readlink -f "/sys/class/block/$(basename "$(readlink -f "$dev")")")"
  [ -e "$sys/queue" ] || sys="$(dirname "$sys")"
  ra_file="$sys/queue/read_ahead_kb"
  ra="$(cat "$ra_file")"
  trap 'echo "$ra" >"$ra_file"' EXIT
  echo 0 >"$ra_file"
  # Out of the page cache (written back first: dirty pages cannot be dropped).
  sync "$WORK/qflow-console"
  dd if="$WORK/qflow-console" iflag=nocache count=0 status=none
  cached="$(fincore --bytes --noheadings --output RES "$WORK/qflow-console" 2>/dev/null || echo 0)"
  [ "${cached// /}" -lt 1048576 ] || { echo "startup-order: the binary stayed in the page cache ($cached bytes)"; exit 1; }
  export QFLOW_ORDER_INNER=1
  "$ROOT/tests/support/with-keyring.sh" "$0" "$@" 2>"$WORK/stderr.log"
  gzip -9n <"$WORK/order.txt" >"$ROOT/src-tauri/startup-order.txt.gz"
  echo "startup-order: wrote src-tauri/startup-order.txt.gz ($(wc -l <"$WORK/order.txt") functions); release builds use it"
  exit 0
fi

# shellcheck source=../support/xvfb.sh
. "$ROOT/tests/support/xvfb.sh"
XVFB_STARTED=""
trap 'kill $XVFB_STARTED 2>/dev/null || true' EXIT
start_xvfb "$WORK/xvfb.log" || exit 1
export DISPLAY=$XVFB_DISPLAY
# As make bench-ui starts the window.
export WEBKIT_DISABLE_COMPOSITING_MODE=1 NO_AT_BRIDGE=1 QFLOW_DEMO_ATTENDEES=50000
export QFLOW_DATA_DIR="$WORK/data" QFLOW_KEYRING_SERVICE="qflow-order-$$" QFLOW_STARTUP_MARKS="$WORK/marks"
mkdir -p "$QFLOW_DATA_DIR"
node "$ROOT/tests/bench/startup-order/measure.mjs" "$WORK/qflow-console" "$WORK/shim.so" "$WORK/order.txt"
