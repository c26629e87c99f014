# Sourced by the E2E and bench scripts: one way to start a virtual display.
# start_xvfb LOG: Xvfb on the first free display, 1280x800 (the size the suites and benches
# assume), its output in LOG. Sets XVFB_DISPLAY (":N") and XVFB_STARTED (its pid); returns 1,
# with its log on stderr, when it does not come up within 5 s.
start_xvfb() {
  local n=99
  while [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ]; do n=$((n + 1)); done
  Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp >"$1" 2>&1 &
  XVFB_STARTED=$!
  XVFB_DISPLAY=":$n"
  for _ in $(seq 50); do
    [ -e "/tmp/.X11-unix/X$n" ] && return 0
    sleep 0.1
  done
  echo "Xvfb did not start on :$n" >&2
  cat "$1" >&2
  return 1
}
