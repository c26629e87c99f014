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

XVFB_PID="" DRIVER_PID=""
cleanup() {
  # Only what this script started, by pid (tauri-driver runs in its own process group with
  # WebKitWebDriver and the app under it).
  if [ -n "$DRIVER_PID" ]; then kill -- "-$DRIVER_PID" 2>/dev/null || kill "$DRIVER_PID" 2>/dev/null || true; fi
  if [ -n "$XVFB_PID" ]; then kill "$XVFB_PID" 2>/dev/null || true; fi
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

if [ -z "${DISPLAY:-}" ]; then
  n=99
  while [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ]; do n=$((n + 1)); done
  Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp >"$LOGS/xvfb.log" 2>&1 &
  XVFB_PID=$!
  export DISPLAY=":$n"
  for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$n" ] && break; sleep 0.1; done
  [ -e "/tmp/.X11-unix/X$n" ] || { echo "e2e: Xvfb did not start on $DISPLAY" >&2; cat "$LOGS/xvfb.log" >&2; exit 1; }
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
  port_busy "$E2E_DRIVER_PORT" || { echo "e2e: tauri-driver did not listen on $E2E_DRIVER_PORT" >&2; cat "$E2E_DRIVER_LOG" >&2; exit 1; }
}
stop_driver() {
  kill -- "-$DRIVER_PID" 2>/dev/null || kill "$DRIVER_PID" 2>/dev/null || true
  wait "$DRIVER_PID" 2>/dev/null || true
  DRIVER_PID=""
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
  # One suite at a time, each with its own data dir, keychain service and driver (the app
  # inherits the driver's environment): state one suite leaves behind cannot fail the next.
  [ "${#files[@]}" -gt 0 ] || files=(tests/e2e/*.test.mjs)
  failed=()
  for f in "${files[@]}"; do
    name="$(basename "$f" .test.mjs)"
    export QFLOW_DATA_DIR="$WORK/data-$name" QFLOW_KEYRING_SERVICE="qflow-e2e-$$-$name"
    mkdir -p "$QFLOW_DATA_DIR"
    start_driver
    echo "e2e: $name: app $APP_BIN on $DISPLAY, keyring service $QFLOW_KEYRING_SERVICE"
    node --test "$f" || failed+=("$name")
    stop_driver
  done
  if [ "${#failed[@]}" -gt 0 ]; then
    status=1
    echo "e2e: ${#failed[@]} of ${#files[@]} suites failed: ${failed[*]}" >&2
  else
    echo "e2e: all ${#files[@]} suites passed"
  fi
fi
if [ "$status" -ne 0 ]; then
  echo "e2e: FAILED; tauri-driver/app log ($E2E_DRIVER_LOG), last 80 lines:" >&2
  tail -n 80 "$E2E_DRIVER_LOG" >&2 || true
fi
exit "$status"
