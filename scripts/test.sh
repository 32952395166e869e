#!/usr/bin/env bash
# Runs the workspace's tests against local emulators, on two DynamoDB backends:
#
#   backend: moto      every test (unit, trybuild, golden files, doctests, integration); DynamoDB, SNS
#                      and SQS served by the pinned moto (installed into .venv/ on first use, started
#                      on a free 127.0.0.1 port for the run, stopped at the end)
#   backend: dynoxide  the integration tests that talk to DynamoDB (tests/tests/it), with DynamoDB
#                      served by the in-process emulator (daplug-runtime's `testing` feature) and SNS
#                      and SQS still by moto
#
# Each run prints `backend: NAME` before it starts and its own pass/fail count when it ends; the
# script fails when either run fails (both always run).
#
# Extra arguments go to `cargo test` in both runs, after the run's own selection: a test name filter
# (`scripts/test.sh prefixes`) narrows both. DAPLUG_TEST_BACKENDS="moto" (or "dynoxide") runs one
# backend only, e.g. `DAPLUG_TEST_BACKENDS=moto scripts/test.sh -p daplug-runtime`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

backends="${DAPLUG_TEST_BACKENDS:-moto dynoxide}"

scripts/emulator.sh install
endpoint="$(scripts/emulator.sh start --owner-pid $$)"
logs="$(mktemp -d)"
trap 'scripts/emulator.sh stop "$endpoint"; rm -rf "$logs"' EXIT
export DAPLUG_TEST_ENDPOINT="$endpoint"

# Sums the `test result:` lines of one run's output: "N passed, M failed".
count() {
  awk '/^test result:/ { for (i = 1; i < NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
       END { printf "%d passed, %d failed", p, f }' "$1"
}

failed_runs=()
summary=()
run() { # NAME, cargo test arguments...
  local name="$1" status=0 started elapsed
  shift
  echo "backend: $name"
  started=$(date +%s)
  DAPLUG_TEST_DYNAMODB="$name" cargo test "$@" 2>&1 | tee "$logs/$name.log" || status=$?
  elapsed=$(( $(date +%s) - started ))
  local line="backend: $name: $(count "$logs/$name.log") ($elapsed s)"
  if [ "$status" != 0 ]; then
    line="$line, FAILED (cargo test exit status $status)"
    failed_runs+=("$name")
  fi
  echo "$line"
  summary+=("$line")
}

for backend in $backends; do
  case "$backend" in
    # daplug-corpus has no tests of its own: it only has to compile, which clippy in .ci/run checks
    # (building it again here would compile every corpus spec twice; their examples are tested in
    # daplug-tests' corpus_examples, which compiles only the specs that have examples).
    moto) run moto --workspace --exclude daplug-corpus --no-fail-fast "$@" ;;
    # Only the tests that talk to DynamoDB: the compile-only ones (trybuild, golden files, doctests,
    # unit tests) do not depend on the backend and ran above.
    dynoxide) run dynoxide -p daplug-tests --test it --no-fail-fast "$@" ;;
    *) echo "test.sh: unknown backend \`$backend\` in DAPLUG_TEST_BACKENDS (moto, dynoxide)" >&2; exit 2 ;;
  esac
done

printf '%s\n' "${summary[@]}"
if [ ${#failed_runs[@]} -gt 0 ]; then
  echo "test.sh: failed on ${failed_runs[*]}" >&2
  exit 1
fi
