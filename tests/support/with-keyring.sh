#!/usr/bin/env bash
# Run a command with a real Secret Service: a private D-Bus session bus and an unlocked
# gnome-keyring (headless unlock needs a non-empty password; see shared/design/pitfalls.md).
set -euo pipefail
if [ -z "${QFLOW_IN_KEYRING_SESSION:-}" ]; then
  export QFLOW_IN_KEYRING_SESSION=1
  exec dbus-run-session -- "$0" "$@"
fi
# cargo and rustup find their homes through HOME: pin them before HOME moves to a temp dir.
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
export HOME="${QFLOW_KEYRING_HOME:-$(mktemp -d)}"
mkdir -p "$HOME/.local/share/keyrings"
eval "$(printf 'ci-pass' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL SSH_AUTH_SOCK 2>/dev/null || true
exec "$@"
