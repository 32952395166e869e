#!/usr/bin/env bash
# RUSTC_WORKSPACE_WRAPPER for compile_cost.py: runs rustc and, for a real compilation (not cargo's
# `-vV` probes), appends "<crate> <seconds> <peak RSS KiB>" to $DAPLUG_BENCH_RUSTC_LOG. Times only
# the compiler, so waiting for the shared target dir's lock is not counted.
rustc="$1"; shift
crate=""
prev=""
for arg in "$@"; do
  if [ "$prev" = "--crate-name" ]; then crate="$arg"; fi
  prev="$arg"
done
if [ -z "$crate" ] || [ -z "${DAPLUG_BENCH_RUSTC_LOG:-}" ]; then
  exec "$rustc" "$@"
fi
rss="$(mktemp)"
start="$(date +%s.%N)"
/usr/bin/time -f '%M' -o "$rss" "$rustc" "$@"
rc=$?
echo "$crate $(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }') $(tail -n 1 "$rss")" >> "$DAPLUG_BENCH_RUSTC_LOG"
rm -f "$rss"
exit $rc
