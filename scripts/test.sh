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

# daplug-corpus has no tests of its own: it only has to compile, which clippy in .ci/run checks
# (building it again here would compile every corpus spec twice; their examples are tested in
# daplug-tests' corpus_examples, which compiles only the specs that have examples).
cargo test --workspace --exclude daplug-corpus "$@"
