#!/usr/bin/env bash
# `make fuzz`: every property of src-tauri/core/tests/properties at FUZZ_CASES cases (default
# 100000), built with the `fuzz` profile (optimised, debug assertions and overflow checks on),
# then a table: property, cases, seconds, failures (a panic is a failure).
set -euo pipefail
cd "$(dirname "$0")/../.."
cases=${FUZZ_CASES:-100000}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

t0=$(date +%s)
cargo test --profile fuzz -p qflow-core --test properties --no-run
t1=$(date +%s)
status=0
PROPTEST_CASES=$cases cargo test --profile fuzz -p qflow-core --test properties -- --nocapture \
  2>&1 | tee "$log" | grep -E '^(property |test result)' || status=$?
grep -q '^test result: ok' "$log" || status=1
t2=$(date +%s)

echo
printf '%-32s %10s %9s %9s\n' property cases seconds failures
sed -nE 's/^property ([^:]+): ([0-9]+) cases, ([0-9.]+) s, failures: ([0-9]+)$/\1 \2 \3 \4/p' "$log" \
  | sort | while read -r name n secs fails; do printf '%-32s %10s %9s %9s\n' "$name" "$n" "$secs" "$fails"; done
echo "build $((t1 - t0)) s, run $((t2 - t1)) s (2 properties at a time), ${cases} cases per property"
if [ "$status" != 0 ]; then
  echo "make fuzz: FAILED (the shrunk input is above; its seed is saved in tests/properties/*.regressions)"
  exit 1
fi
echo "make fuzz: no failures"
