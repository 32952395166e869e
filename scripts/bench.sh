#!/usr/bin/env bash
# Runs daplug's benchmarks and rewrites their sections of BENCHMARKS.md.
#
#   scripts/bench.sh [PARTS...] [OPTIONS]
#
# PARTS (default: all six)
#   conversion   criterion: generated model <-> item vs hand-written serde_dynamo; and the Python
#                daplug-ddb package (map_to_schema + boto3 TypeSerializer/TypeDeserializer) on the same payloads
#   compile      schema! vs the same types written by hand: generated 200/1,000-schema specs and two
#                corpus specs (clean build time and peak RSS), the subset option, a binary using 5 of
#                1,000 models, and the expansion's growth at 1,000 vs 2,000 schemas
#   memory       peak RSS of a streaming scan (limit 500) of 10k vs 100k items in the emulator
#   e2e          1,000 inserts + 1,000 gets: repository vs raw SDK, interleaved, on the emulator
#   update       read-merge-write update vs update in one request on the emulator: requests per update,
#                latency (interleaved), and racing writers' conflicts per increment (8 tasks x 25)
#   backends     the test suite's two DynamoDB backends, moto and the in-process emulator: wall time of
#                the integration tests on each (alternating runs of the same test binary), PutItem /
#                GetItem latency (interleaved), and start-up until each answers HTTP
#
# OPTIONS
#   --quick               short criterion runs, 1 compile rep, 10k/20k scan, 200 e2e calls (smoke test;
#                         the numbers are then marked quick in BENCHMARKS.md)
#   --payloads N          conversion payloads (default 1000)
#   --schemas "A,B"       schema counts of the generated compile-cost specs (default 200,1000)
#   --compile-reps N      alternating clean builds per crate (default 3)
#   --scan-items "A B"    table sizes for the memory part (default "10000 100000")
#   --e2e-count N         inserts and gets per side (default 1000)
#   --update-count N      updates per mode (default 500)
#   --suite-runs N        integration-suite runs per backend (default 3)
#   --backend-count N     PutItem + GetItem per backend (default 1000)
#   --no-report           leave BENCHMARKS.md alone (results stay in target/bench/results/)
#
# Needs Rust and Python 3 with venv. Installs daplug-ddb 1.0.0b18 into .venv-bench/ (first run) and
# moto into .venv/ (scripts/emulator.sh). Builds release binaries (the first build compiles the AWS SDK
# in release mode: a few minutes). Results: target/bench/results/<part>.json.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"

parts=() quick=0 payloads=1000 schemas=200,1000 compile_reps="" scan_items="" e2e_count="" update_count="" report=1
suite_runs="" backend_count=""
opts=""  # the options as given, for the reproduce command recorded with each result
while [ $# -gt 0 ]; do
  case "$1" in --payloads|--schemas|--compile-reps|--scan-items|--e2e-count|--update-count|--suite-runs|--backend-count) opts="$opts $1 '$2'" ;; --quick) opts="$opts $1" ;; esac
  case "$1" in
    conversion|compile|memory|e2e|update|backends) parts+=("$1") ;;
    --quick) quick=1 ;;
    --payloads) payloads="$2"; shift ;;
    --schemas) schemas="$2"; shift ;;
    --compile-reps) compile_reps="$2"; shift ;;
    --scan-items) scan_items="$2"; shift ;;
    --e2e-count) e2e_count="$2"; shift ;;
    --update-count) update_count="$2"; shift ;;
    --suite-runs) suite_runs="$2"; shift ;;
    --backend-count) backend_count="$2"; shift ;;
    --no-report) report=0 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ ${#parts[@]} -gt 0 ] || parts=(conversion compile memory e2e update backends)
if [ "$quick" = 1 ]; then
  : "${compile_reps:=1}" "${scan_items:=10000 20000}" "${e2e_count:=200}" "${update_count:=100}"
  : "${suite_runs:=1}" "${backend_count:=200}"; export DAPLUG_BENCH_QUICK=1
fi
: "${compile_reps:=3}" "${scan_items:=10000 100000}" "${e2e_count:=1000}" "${update_count:=500}"
: "${suite_runs:=3}" "${backend_count:=1000}"

log() { printf 'bench: %s\n' "$*" >&2; }
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
RESULTS="$ROOT/target/bench/results"
mkdir -p "$RESULTS"
export DAPLUG_BENCH_PAYLOADS="$ROOT/target/bench/payloads.json"
python3 scripts/bench/gen_payloads.py "$DAPLUG_BENCH_PAYLOADS" --count "$payloads"
meta() { # common fields of every result file
  printf '"quick": %s, "date": "%s", "rustc": "%s", "cpus": %s, "command": "scripts/bench.sh %s"' \
    "$([ "$quick" = 1 ] && echo true || echo false)" "$(date -u +%Y-%m-%dT%H:%MZ)" "$(rustc --version)" \
    "$(nproc)" "$1$opts"
}

endpoint=""
emulator() {
  if [ -z "$endpoint" ]; then
    scripts/emulator.sh install
    endpoint="$(scripts/emulator.sh start --owner-pid $$)"
    trap 'scripts/emulator.sh stop "$endpoint"' EXIT
  fi
}
release_bins() {
  log "building release binaries (first time: compiles the AWS SDK in release mode)"
  cargo build --release -p daplug-bench --bins
}

for part in "${parts[@]}"; do
  case "$part" in
    conversion)
      # The unchecked rows read openapi.yml's models with their constraints off: the same spec.
      if ! diff -q <(grep -v '^#' bench/openapi-unchecked.yml | tail -n +2) openapi.yml >/dev/null; then
        echo "bench.sh: bench/openapi-unchecked.yml is no longer openapi.yml plus its x-daplug line; copy it again" >&2
        exit 1
      fi
      if ! .venv-bench/bin/python -c 'import daplug_core, boto3' 2>/dev/null; then
        log "installing daplug-ddb==1.0.0b18 into .venv-bench/"
        python3 -m venv .venv-bench
        .venv-bench/bin/pip install --quiet --disable-pip-version-check 'daplug-ddb==1.0.0b18'
      fi
      export CRITERION_HOME="$ROOT/target/bench/criterion"
      rm -rf "$CRITERION_HOME"
      log "conversion: criterion"
      cargo bench -p daplug-bench --bench conversion
      log "conversion: python daplug-ddb"
      py="$(.venv-bench/bin/python scripts/bench/python_conversion.py "$DAPLUG_BENCH_PAYLOADS" openapi.yml \
        --passes "$([ "$quick" = 1 ] && echo 2 || echo 5)")"
      python3 scripts/bench/report.py collect-criterion "$CRITERION_HOME" "$payloads" "$py" "$(meta conversion)" \
        > "$RESULTS/conversion.json"
      ;;
    compile)
      log "compile: $schemas schemas and corpus specs, $compile_reps reps"
      cargo build -p daplug-runtime
      out="$(python3 scripts/bench/compile_cost.py --schemas "$schemas" --reps "$compile_reps")"
      echo "$out" | python3 scripts/bench/report.py wrap "$(meta compile)" > "$RESULTS/compile.json"
      ;;
    memory)
      release_bins; emulator
      rows=""
      for n in $scan_items; do
        log "memory: seeding $n items"
        seed="$("$TARGET/release/bench-scan" seed --endpoint "$endpoint" --table "scan-$n" --count "$n")"
        log "memory: streaming scan of $n items ($seed)"
        scan="$(/usr/bin/time -f '{"time_maxrss_kib": %M}' -o "$RESULTS/time-$n.json" \
          "$TARGET/release/bench-scan" scan --endpoint "$endpoint" --table "scan-$n")"
        rows="$rows{\"n\": $n, \"seed\": $seed, \"scan\": $scan, \"time\": $(cat "$RESULTS/time-$n.json")},"
      done
      first="${scan_items%% *}"
      log "memory: contrast, collecting $first items into a Vec"
      collect="$("$TARGET/release/bench-scan" scan --endpoint "$endpoint" --table "scan-$first" --collect)"
      echo "{$(meta memory), \"runs\": [${rows%,}], \"collect\": $collect}" > "$RESULTS/memory.json"
      ;;
    e2e)
      release_bins; emulator
      log "e2e: $e2e_count inserts + gets per side"
      out="$("$TARGET/release/bench-e2e" --endpoint "$endpoint" --count "$e2e_count" --rounds 10)"
      echo "$out" | python3 scripts/bench/report.py wrap "$(meta e2e)" > "$RESULTS/e2e.json"
      ;;
    update)
      release_bins; emulator
      log "update: $update_count updates per mode, then racing writers"
      out="$("$TARGET/release/bench-update" --endpoint "$endpoint" --count "$update_count" --rounds 10 --writers 8 --each 25)"
      echo "$out" | python3 scripts/bench/report.py wrap "$(meta update)" > "$RESULTS/update.json"
      ;;
    backends)
      release_bins; emulator
      log "backends: $backend_count PutItem + GetItem per backend, start-up"
      out="$("$TARGET/release/bench-backends" --endpoint "$endpoint" --count "$backend_count" --rounds 10 \
        --moto-python "${DAPLUG_VENV:-$ROOT/.venv}/bin/python" --moto-server scripts/moto_server.py)"
      # moto's start-up as a user waits for it: scripts/emulator.sh start (install check, free port,
      # start, polling every 0.1 s) until it prints the endpoint.
      script_starts=""
      for run in 1 2 3; do
        started=$(date +%s.%N)
        url="$(scripts/emulator.sh start 2>/dev/null)"
        script_starts="$script_starts$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }'),"
        scripts/emulator.sh stop "$url"
      done
      # The integration tests as scripts/test.sh builds and runs them (debug, all tests in parallel), on
      # one moto server for both backends; the first backend alternates between runs.
      log "backends: building the integration test binary"
      suite="$(cargo test -p daplug-tests --test it --no-run --message-format=json \
        | python3 -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["name"] == "it":
        print(m["executable"])')"
      runs=""
      for run in $(seq 1 "$suite_runs"); do
        order="moto dynoxide"; [ $((run % 2)) = 0 ] && order="dynoxide moto"
        for backend in $order; do
          log "backends: integration tests on $backend (run $run of $suite_runs)"
          started=$(date +%s.%N)
          (cd tests && DAPLUG_TEST_ENDPOINT="$endpoint" DAPLUG_TEST_DYNAMODB="$backend" "$suite" -q > "$RESULTS/suite-$backend.log" 2>&1) \
            || { log "backends: the integration tests failed on $backend (see $RESULTS/suite-$backend.log)"; exit 1; }
          runs="$runs{\"backend\": \"$backend\", \"seconds\": $(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')},"
          tests="$(sed -n 's/^test result: ok\. \([0-9]*\) passed.*/\1/p' "$RESULTS/suite-$backend.log")"
        done
      done
      echo "$out" | python3 -c 'import json, sys
d = json.load(sys.stdin)
d["suite"], d["suite_tests"], d["moto_script_s"] = json.loads(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3])
print(json.dumps(d))' "[${runs%,}]" "$tests" "[${script_starts%,}]" | python3 scripts/bench/report.py wrap "$(meta backends)" > "$RESULTS/backends.json"
      ;;
  esac
done

if [ "$report" = 1 ]; then
  python3 scripts/bench/report.py render "$RESULTS" BENCHMARKS.md "${parts[@]}"
  log "BENCHMARKS.md updated (${parts[*]})"
fi
