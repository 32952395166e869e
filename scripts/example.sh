#!/usr/bin/env bash
# Runs the example. With no AWS endpoint or credentials configured it starts the local emulator and
# points the example at it; otherwise the example uses your AWS configuration as is.
# Extra arguments go to the example (try `--help`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ -z "${AWS_ENDPOINT_URL:-}" ] && [ -z "${AWS_ACCESS_KEY_ID:-}" ] && [ -z "${AWS_PROFILE:-}" ]; then
  scripts/emulator.sh install
  endpoint="$(scripts/emulator.sh start --owner-pid $$)"
  trap 'scripts/emulator.sh stop "$endpoint"' EXIT
  export AWS_ENDPOINT_URL="$endpoint" AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
  export AWS_REGION="${AWS_REGION:-us-east-1}"
fi

cargo run --quiet -p daplug-example -- "$@"
