#!/usr/bin/env bash
# End-to-end tests: the built app (production mode: embedded UI, real CSP) under Xvfb, driven
# through tauri-driver → WebKitWebDriver, with a real Secret Service (gnome-keyring in a private
# D-Bus session). Build first: `make build` (or: cd ui && npm ci && npm run build; cargo build).
#
#   tests/e2e/run.sh [node --test args...]    e.g. tests/e2e/run.sh --test-name-pattern demo
#
# Env: QFLOW_APP_BIN (default target/debug/qflow-console), TAURI_DRIVER, E2E_DRIVER_PORT (4444),
# E2E_NATIVE_PORT (4445), WEBKIT_WEBDRIVER (/usr/bin/WebKitWebDriver).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../support/xvfb.sh
. "$ROOT/tests/support/xvfb.sh"

# Resolve tools while HOME is still the user's (with-keyring.sh moves HOME to a temp dir).
export TAURI_DRIVER="${TAURI_DRIVER:-$(command -v tauri-driver || echo "${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver")}"
if [ -z "${QFLOW_E2E_IN_KEYRING:-}" ]; then
  export QFLOW_E2E_IN_KEYRING=1
  exec "$ROOT/tests/support/with-keyring.sh" "$0" "$@"
fi

APP_BIN="${QFLOW_APP_BIN:-$ROOT/target/debug/qflow-console}"
case "$APP_BIN" in /*) ;; *) APP_BIN="$ROOT/$APP_BIN" ;; esac
export QFLOW_APP_BIN="$APP_BIN"
WEBKIT_WEBDRIVER="${WEBKIT_WEBDRIVER:-/usr/bin/WebKitWebDriver}"
export E2E_DRIVER_PORT="${E2E_DRIVER_PORT:-4444}" E2E_NATIVE_PORT="${E2E_NATIVE_PORT:-4445}"

for f in "$APP_BIN" "$TAURI_DRIVER" "$WEBKIT_WEBDRIVER"; do
  [ -x "$f" ] || { echo "e2e: $f is missing or not executable (see the header of $0)" >&2; exit 1; }
done

LOGS="$ROOT/tests/e2e/logs"
mkdir -p "$LOGS" "$ROOT/tests/e2e/screenshots"
WORK="$(mktemp -d)"
export E2E_DRIVER_LOG="$LOGS/tauri-driver.log"

# The app inherits this environment through tauri-driver → WebKitWebDriver (tauri:options
# forwards only the binary and args).
export WEBKIT_DISABLE_COMPOSITING_MODE=1
export QFLOW_DATA_DIR="$WORK/data"
export QFLOW_KEYRING_SERVICE="qflow-e2e-$$-$RANDOM"
export RUST_LOG="${RUST_LOG:-info}"
export NO_AT_BRIDGE=1
# Test-only stand-ins for the native save/open dialogs (WebKitWebDriver cannot drive them);
# honoured by debug builds only (src-tauri/app/studio_files.rs e2e_dialog_path).
export QFLOW_E2E_SAVE_PATH="$WORK/export.out" QFLOW_E2E_OPEN_PATH="$WORK/import.in"
unset QFLOW_CLIENT_ID QFLOW_CLIENT_SECRET QFLOW_USERNAME QFLOW_PASSWORD QFLOW_CLIENT_KEY QFLOW_PROFILE QFLOW_API_BASE QFLOW_IDENTITY_URL
mkdir -p "$QFLOW_DATA_DIR"

XVFB_PID="" DRIVER_PID="" WORKER_PIDS="" EXTRA_XVFB=()
cleanup() {
  # Suite workers first (each stops its own driver on exit), then the displays.
  for p in $WORKER_PIDS; do kill "$p" 2>/dev/null || true; done
  for f in "$WORK"/driver-*.pid; do
    [ -f "$f" ] && { kill -- "-$(cat "$f")" 2>/dev/null || true; }
  done
  for p in "${EXTRA_XVFB[@]}"; do kill "$p" 2>/dev/null || true; done
  # Only what this script started, by pid (tauri-driver runs in its own process group with
  # WebKitWebDriver and the app under it).
  if [ -n "$DRIVER_PID" ]; then kill -- "-$DRIVER_PID" 2>/dev/null || kill "$DRIVER_PID" 2>/dev/null || true; fi
  if [ -n "$XVFB_PID" ]; then kill "$XVFB_PID" 2>/dev/null || true; fi
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

if [ -z "${DISPLAY:-}" ]; then
  start_xvfb "$LOGS/xvfb.log" || { XVFB_PID=$XVFB_STARTED; exit 1; }
  XVFB_PID=$XVFB_STARTED
  export DISPLAY=$XVFB_DISPLAY
fi

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "$E2E_DRIVER_PORT" "$E2E_NATIVE_PORT"; do
  if port_busy "$p"; then echo "e2e: port $p is in use (another tauri-driver?); set E2E_DRIVER_PORT/E2E_NATIVE_PORT" >&2; exit 1; fi
done

start_driver() {
  setsid "$TAURI_DRIVER" --port "$E2E_DRIVER_PORT" --native-port "$E2E_NATIVE_PORT" --native-driver "$WEBKIT_WEBDRIVER" \
    >>"$E2E_DRIVER_LOG" 2>&1 &
  DRIVER_PID=$!
  for _ in $(seq 100); do port_busy "$E2E_DRIVER_PORT" && break; sleep 0.1; done
  # Where cleanup finds it if this shell is a suite worker (below).
  echo "$DRIVER_PID" >"$WORK/driver-$E2E_DRIVER_PORT.pid"
  port_busy "$E2E_DRIVER_PORT" || { echo "e2e: tauri-driver did not listen on $E2E_DRIVER_PORT" >&2; cat "$E2E_DRIVER_LOG" >&2; return 1; }
}
stop_driver() {
  kill -- "-$DRIVER_PID" 2>/dev/null || kill "$DRIVER_PID" 2>/dev/null || true
  wait "$DRIVER_PID" 2>/dev/null || true
  DRIVER_PID=""
  rm -f "$WORK/driver-$E2E_DRIVER_PORT.pid"
  # Both ports: WebKitWebDriver (the native port) can outlive tauri-driver by a moment, and
  # the next suite's driver cannot listen there until it has gone (seen once in CI).
  for _ in $(seq 100); do
    port_busy "$E2E_DRIVER_PORT" || port_busy "$E2E_NATIVE_PORT" || break
    sleep 0.1
  done
  pkill -f -- "WebKitWebDriver --port=$E2E_NATIVE_PORT" 2>/dev/null || true
}
: >"$E2E_DRIVER_LOG"

cd "$ROOT"
status=0
files=() other=()
for a in "$@"; do if [ -f "$a" ]; then files+=("$a"); else other+=("$a"); fi; done
if [ -n "${E2E_SCRIPT:-}" ]; then
  # A plain script under the same harness (tests/bench/studio-bench.mjs).
  start_driver
  echo "e2e: app $APP_BIN on $DISPLAY, keyring service $QFLOW_KEYRING_SERVICE"
  node "$E2E_SCRIPT" "$@" || status=$?
elif [ "${#other[@]}" -gt 0 ]; then
  start_driver
  echo "e2e: app $APP_BIN on $DISPLAY, keyring service $QFLOW_KEYRING_SERVICE"
  node --test --test-concurrency=1 "$@" tests/e2e/*.test.mjs || status=$?
else
  # Each suite with its own data dir, keychain service and driver (the app inherits the driver's
  # environment): state one suite leaves behind cannot fail the next. E2E_JOBS suites (default 2)
  # run at once, each worker on its own Xvfb display and its own driver ports (E2E_DRIVER_PORT
  # + 2 × worker, likewise the native port); the slowest suites start first. A suite's output goes
  # to tests/e2e/logs/<suite>.log (its driver/app log to <suite>.driver.log) and is printed whole
  # when the suite ends, so two suites' lines never interleave.
  [ "${#files[@]}" -gt 0 ] || files=(tests/e2e/*.test.mjs)
  jobs="${E2E_JOBS:-2}"
  # On a desktop (DISPLAY was set) one window at a time: two would fight over the focus.
  [ -n "$XVFB_PID" ] || jobs=1
  [ "$jobs" -le "${#files[@]}" ] || jobs="${#files[@]}"
  # Slowest first (seconds, measured alone), so that the two workers finish together.
  slow="a11y domain-recheck studio scan arrivals import timeline"
  ordered=()
  for s in $slow; do for f in "${files[@]}"; do [ "$(basename "$f" .test.mjs)" = "$s" ] && ordered+=("$f"); done; done
  for f in "${files[@]}"; do case " $slow " in *" $(basename "$f" .test.mjs) "*) ;; *) ordered+=("$f") ;; esac; done
  displays=("$DISPLAY")
  for ((w = 1; w < jobs; w++)); do
    start_xvfb "$LOGS/xvfb-$w.log" || { EXTRA_XVFB+=("$XVFB_STARTED"); exit 1; }
    EXTRA_XVFB+=("$XVFB_STARTED")
    displays+=("$XVFB_DISPLAY")
  done
  for ((w = 1; w < jobs; w++)); do
    for p in $((E2E_DRIVER_PORT + 2 * w)) $((E2E_NATIVE_PORT + 2 * w)); do
      if port_busy "$p"; then echo "e2e: port $p is in use (another tauri-driver?); set E2E_DRIVER_PORT/E2E_NATIVE_PORT" >&2; exit 1; fi
    done
  done
  mkdir -p "$WORK/claims" "$WORK/results"
  worker() { # $1: worker number. Claims suites (mkdir is atomic) until none is left.
    local w="$1" f name t0
    export DISPLAY="${displays[$w]}"
    export E2E_DRIVER_PORT=$((E2E_DRIVER_PORT + 2 * w)) E2E_NATIVE_PORT=$((E2E_NATIVE_PORT + 2 * w))
    trap 'stop_driver' EXIT
    trap 'exit 1' INT TERM
    for f in "${ordered[@]}"; do
      name="$(basename "$f" .test.mjs)"
      mkdir "$WORK/claims/$name" 2>/dev/null || continue
      export QFLOW_DATA_DIR="$WORK/data-$name" QFLOW_KEYRING_SERVICE="qflow-e2e-$$-$name"
      export QFLOW_E2E_SAVE_PATH="$WORK/data-$name.export.out" QFLOW_E2E_OPEN_PATH="$WORK/data-$name.import.in"
      export E2E_DRIVER_LOG="$LOGS/$name.driver.log"
      mkdir -p "$QFLOW_DATA_DIR"
      : >"$E2E_DRIVER_LOG"
      t0=$(date +%s)
      {
        echo "e2e: $name: app $APP_BIN on $DISPLAY, driver :$E2E_DRIVER_PORT, keyring service $QFLOW_KEYRING_SERVICE"
        if start_driver; then
          node --test "$f" && echo 0 >"$WORK/results/$name" || echo 1 >"$WORK/results/$name"
        else
          echo 1 >"$WORK/results/$name"
        fi
        stop_driver
      } >"$LOGS/$name.log" 2>&1
      echo "e2e: $name: $(cat "$WORK/results/$name" | sed 's/^0$/passed/;s/^1$/FAILED/') in $(($(date +%s) - t0)) s" >>"$LOGS/$name.log"
      flock "$WORK/print.lock" cat "$LOGS/$name.log"
    done
  }
  wpids=()
  for ((w = 0; w < jobs; w++)); do worker "$w" & wpids+=("$!"); done
  WORKER_PIDS="${wpids[*]}"
  for p in "${wpids[@]}"; do wait "$p" || true; done
  WORKER_PIDS=""
  failed=()
  for f in "${ordered[@]}"; do
    name="$(basename "$f" .test.mjs)"
    [ "$(cat "$WORK/results/$name" 2>/dev/null)" = 0 ] || failed+=("$name")
  done
  if [ "${#failed[@]}" -gt 0 ]; then
    status=1
    echo "e2e: ${#failed[@]} of ${#files[@]} suites failed: ${failed[*]}" >&2
    for name in "${failed[@]}"; do
      echo "e2e: $name: tauri-driver/app log ($LOGS/$name.driver.log), last 80 lines:" >&2
      tail -n 80 "$LOGS/$name.driver.log" >&2 2>/dev/null || true
    done
    SUITES_REPORTED=1
  else
    echo "e2e: all ${#files[@]} suites passed ($jobs at a time)"
  fi
fi
if [ "$status" -ne 0 ] && [ -z "${SUITES_REPORTED:-}" ]; then
  echo "e2e: FAILED; tauri-driver/app log ($E2E_DRIVER_LOG), last 80 lines:" >&2
  tail -n 80 "$E2E_DRIVER_LOG" >&2 || true
fi
exit "$status"
