#!/usr/bin/env bash
# UI benchmarks, side by side with an empty Tauri window built and measured in the same run
# (tests/bench/empty-window), so the figures are ratios that hold on any machine: cold start,
# memory (PSS over the app and its WebKit processes) and scroll frame times. Not a test: it
# prints figures and targets, and fails only when something does not run.
#
#   tests/bench/run.sh          (make bench-ui)
#
# Env: BENCH_PROFILE (release | debug, default release), QFLOW_DEMO_ATTENDEES (attendees in the
# demo sandbox, default 50000), BENCH_RUNS (whole runs, each with its own empty-window figures,
# 3: the targets must hold in each), BENCH_ROUNDS (cold starts per app per run, 3),
# BENCH_SKIP_BUILD=1, BENCH_BINS=<dir> (measure the qflow-console and qflow-bench-empty-window
# found there instead of building: e.g. a saved "before" pair, for a side-by-side comparison),
# E2E_DRIVER_PORT / E2E_NATIVE_PORT (4480 / 4481; the app's driver), BENCH_EMPTY_DRIVER_PORT /
# BENCH_EMPTY_NATIVE_PORT (4482 / 4483; a second driver, for the empty window measured beside the
# app, both under a session), TAURI_DRIVER, WEBKIT_WEBDRIVER,
# BENCH_ONLY=start (cold starts only: the start-up figure and its breakdown, no memory or scroll).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export TAURI_DRIVER="${TAURI_DRIVER:-$(command -v tauri-driver || echo "${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver")}"

if [ -z "${QFLOW_BENCH_BIN_DIR:-}" ]; then
  PROFILE="${BENCH_PROFILE:-release}"
  case "$PROFILE" in
    release) flag=(--release) ;;
    debug) flag=() ;;
    *) echo "bench: BENCH_PROFILE must be release or debug" >&2; exit 1 ;;
  esac
  if [ -n "${BENCH_BINS:-}" ]; then
    PROFILE="binaries in $BENCH_BINS"
  elif [ -z "${BENCH_SKIP_BUILD:-}" ]; then
    (cd "$ROOT/ui" && npm run build >/dev/null)
    # One cargo call: both share one build of tauri.
    (cd "$ROOT" && cargo build "${flag[@]}" -p qflow-console -p qflow-bench-empty-window)
  fi
  TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
  BINS="${BENCH_BINS:-$TARGET_DIR/$PROFILE}"
  # Private copies: a rebuild meanwhile cannot swap them, and their paths identify the pids.
  export QFLOW_BENCH_BIN_DIR="$(mktemp -d /tmp/qflow-bench.XXXXXX)"
  cp "$BINS/qflow-console" "$BINS/qflow-bench-empty-window" "$QFLOW_BENCH_BIN_DIR/"
  export BENCH_PROFILE="$PROFILE"
  echo "bench: logs in $ROOT/tests/bench/logs (stderr.log, tauri-driver.log, last.json)"
  # D-Bus, keyring and WebKit chatter (and Node's errors) go to the log; figures to stdout.
  mkdir -p "$ROOT/tests/bench/logs"
  exec "$ROOT/tests/support/with-keyring.sh" "$0" "$@" 2>"$ROOT/tests/bench/logs/stderr.log"
fi

export QFLOW_APP_BIN="$QFLOW_BENCH_BIN_DIR/qflow-console"
export BENCH_EMPTY_BIN="$QFLOW_BENCH_BIN_DIR/qflow-bench-empty-window"
WEBKIT_WEBDRIVER="${WEBKIT_WEBDRIVER:-/usr/bin/WebKitWebDriver}"
export E2E_DRIVER_PORT="${E2E_DRIVER_PORT:-4480}" E2E_NATIVE_PORT="${E2E_NATIVE_PORT:-4481}"
export BENCH_EMPTY_DRIVER_PORT="${BENCH_EMPTY_DRIVER_PORT:-4482}" BENCH_EMPTY_NATIVE_PORT="${BENCH_EMPTY_NATIVE_PORT:-4483}"
for f in "$QFLOW_APP_BIN" "$BENCH_EMPTY_BIN" "$TAURI_DRIVER" "$WEBKIT_WEBDRIVER"; do
  [ -x "$f" ] || { echo "bench: $f is missing or not executable"; exit 1; }
done

LOGS="$ROOT/tests/bench/logs"
mkdir -p "$LOGS"
WORK="$(mktemp -d)"
# Inherited by both apps through tauri-driver → WebKitWebDriver.
export WEBKIT_DISABLE_COMPOSITING_MODE=1
export QFLOW_DATA_DIR="$WORK/data" QFLOW_KEYRING_SERVICE="qflow-bench-$$-$RANDOM"
# The app's Rust-side start-up marks (src-tauri/app/marks.rs), read after each cold start.
export QFLOW_STARTUP_MARKS="$WORK/startup-marks"
export QFLOW_DEMO_ATTENDEES="${QFLOW_DEMO_ATTENDEES:-50000}"
export NO_AT_BRIDGE=1 RUST_LOG="${RUST_LOG:-warn}"
unset QFLOW_CLIENT_ID QFLOW_CLIENT_SECRET QFLOW_USERNAME QFLOW_PASSWORD QFLOW_CLIENT_KEY QFLOW_PROFILE QFLOW_API_BASE QFLOW_IDENTITY_URL
mkdir -p "$QFLOW_DATA_DIR"

XVFB_PID="" DRIVER_PID="" EMPTY_DRIVER_PID=""
cleanup() {
  # Only what this script started, by pid.
  for pid in $DRIVER_PID $EMPTY_DRIVER_PID; do kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true; done
  if [ -n "$XVFB_PID" ]; then kill "$XVFB_PID" 2>/dev/null || true; fi
  wait 2>/dev/null || true
  rm -rf "$WORK" "$QFLOW_BENCH_BIN_DIR"
}
trap cleanup EXIT INT TERM

# shellcheck source=../support/xvfb.sh
. "$ROOT/tests/support/xvfb.sh"
start_xvfb "$LOGS/xvfb.log" || { XVFB_PID=$XVFB_STARTED; exit 1; }
XVFB_PID=$XVFB_STARTED
export DISPLAY=$XVFB_DISPLAY

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "$E2E_DRIVER_PORT" "$E2E_NATIVE_PORT" "$BENCH_EMPTY_DRIVER_PORT" "$BENCH_EMPTY_NATIVE_PORT"; do
  if port_busy "$p"; then echo "bench: port $p is in use; set E2E_DRIVER_PORT/E2E_NATIVE_PORT/BENCH_EMPTY_DRIVER_PORT/BENCH_EMPTY_NATIVE_PORT"; exit 1; fi
done
export E2E_DRIVER_LOG="$LOGS/tauri-driver.log"
setsid "$TAURI_DRIVER" --port "$E2E_DRIVER_PORT" --native-port "$E2E_NATIVE_PORT" --native-driver "$WEBKIT_WEBDRIVER" \
  >"$E2E_DRIVER_LOG" 2>&1 &
DRIVER_PID=$!
setsid "$TAURI_DRIVER" --port "$BENCH_EMPTY_DRIVER_PORT" --native-port "$BENCH_EMPTY_NATIVE_PORT" --native-driver "$WEBKIT_WEBDRIVER" \
  >"$LOGS/tauri-driver-empty.log" 2>&1 &
EMPTY_DRIVER_PID=$!
for p in "$E2E_DRIVER_PORT" "$BENCH_EMPTY_DRIVER_PORT"; do
  for _ in $(seq 100); do port_busy "$p" && break; sleep 0.1; done
  port_busy "$p" || { echo "bench: tauri-driver did not listen on $p"; cat "$E2E_DRIVER_LOG" "$LOGS/tauri-driver-empty.log"; exit 1; }
done

echo "bench: $BENCH_PROFILE builds on $DISPLAY (Xvfb, software rendering), $QFLOW_DEMO_ATTENDEES demo attendees, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
cd "$ROOT"
status=0
BENCH_JSON="$LOGS/last.json" node tests/bench/ui-bench.mjs || status=$?
if [ "$status" -ne 0 ]; then
  echo "bench: FAILED; stderr ($LOGS/stderr.log) and tauri-driver/app log ($E2E_DRIVER_LOG), last lines:"
  grep -v -e dbus-daemon -e xdg-desktop-portal -e '^$' "$LOGS/stderr.log" | tail -n 30 || true
  tail -n 30 "$E2E_DRIVER_LOG" || true
fi
exit "$status"
