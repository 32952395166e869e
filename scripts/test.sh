#!/usr/bin/env bash
# Runs every test of the workspace against a local emulator: installs the pinned moto into .venv/
# (first run only), starts it on a free 127.0.0.1 port, runs the tests, stops it.
# Extra arguments go to `cargo test` (e.g. `scripts/test.sh -p daplug-tests prefixes`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/emulator.sh install
endpoint="$(scripts/emulator.sh start --owner-pid $$)"
trap 'scripts/emulator.sh stop "$endpoint"' EXIT
export DAPLUG_TEST_ENDPOINT="$endpoint"

cargo test --workspace "$@"
