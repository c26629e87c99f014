#!/bin/sh
# Cargo's linker for x86_64 Linux (.cargo/config.toml): the C compiler driver, with mold when it
# is installed (gcc >= 12 understands -fuse-ld=mold), else the default linker.
if command -v mold >/dev/null 2>&1; then exec cc -fuse-ld=mold "$@"; fi
exec cc "$@"
