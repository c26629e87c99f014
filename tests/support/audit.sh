#!/usr/bin/env bash
# `make audit`: cargo-deny (advisories, licences, sources; deny.toml) against the RustSec
# advisory database snapshot shipped next to the repository. Nothing is fetched.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

# The pinned cargo-deny keeps the database for a URL in <db-path>/<name>-<xxhash64 of the URL>;
# this is the folder for deny.toml's db-urls entry. Another version may name it differently.
DENY_VERSION=0.20.2
DB_DIR_NAME=advisory-db-3157b0e258782691

if ! have=$(cargo deny --version 2>/dev/null); then
  echo "cargo-deny is missing: run 'make deps-rust' (installs $DENY_VERSION)"; exit 1
fi
if [ "$have" != "cargo-deny $DENY_VERSION" ]; then
  echo "found $have, expected cargo-deny $DENY_VERSION (make deps-rust installs it)"; exit 1
fi

# The snapshot: $QFLOW_ADVISORY_BUNDLE, or ../shared/supply-chain next to this checkout or next to
# the main checkout of a git worktree.
bundle=${QFLOW_ADVISORY_BUNDLE:-}
if [ -z "$bundle" ]; then
  common=$(git rev-parse --path-format=absolute --git-common-dir 2>/dev/null || echo "$root/.git")
  for dir in "$root/.." "$(dirname "$common")/.."; do
    if [ -f "$dir/shared/supply-chain/advisory-db.bundle" ]; then
      bundle="$dir/shared/supply-chain/advisory-db.bundle"; break
    fi
  done
fi
if [ -z "$bundle" ] || [ ! -f "$bundle" ]; then
  echo "advisory database snapshot not found (../shared/supply-chain/advisory-db.bundle); set QFLOW_ADVISORY_BUNDLE"
  exit 1
fi

# A fresh clone each run: the check always reads exactly the bundle's commit.
export QFLOW_ADVISORY_DB_ROOT="${CARGO_TARGET_DIR:-$root/target}/advisory-dbs"
db="$QFLOW_ADVISORY_DB_ROOT/$DB_DIR_NAME"
rm -rf "$db"
mkdir -p "$QFLOW_ADVISORY_DB_ROOT"
git -c init.defaultBranch=main clone -q "$bundle" "$db"
echo "advisory database: $(git -C "$db" log -1 --format='%s (%cs)')"

cargo deny --frozen --color never check advisories licenses sources
