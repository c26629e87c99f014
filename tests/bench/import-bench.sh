#!/usr/bin/env bash
# Import benchmark (issue 14): 13,000 attendees into the sandbox with its rate limits on, through
# the same runner as the window and `guests import`. Prints the achieved requests/min, the share
# of the app's request budget and the 429 count; fails if any 429 or under 95 % of the budget.
#
#   tests/bench/import-bench.sh        (~80 s of pacing; CARGO_TARGET_DIR honoured)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
exec cargo test -p qflow-core --lib bench_import_13000 -- --ignored --nocapture
