#!/usr/bin/env bash
# RUSTC_WORKSPACE_WRAPPER for compile_cost.py: runs rustc and, for a real compilation (not cargo's
# `-vV` probes), appends "<crate> <seconds>" to $DAPLUG_BENCH_RUSTC_LOG. Times only the compiler, so
# waiting for the shared target dir's lock is not counted.
rustc="$1"; shift
crate=""
prev=""
for arg in "$@"; do
  if [ "$prev" = "--crate-name" ]; then crate="$arg"; fi
  prev="$arg"
done
start="$(date +%s.%N)"
"$rustc" "$@"
rc=$?
if [ -n "$crate" ] && [ -n "${DAPLUG_BENCH_RUSTC_LOG:-}" ]; then
  echo "$crate $(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')" >> "$DAPLUG_BENCH_RUSTC_LOG"
fi
exit $rc
