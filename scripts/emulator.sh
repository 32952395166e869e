#!/usr/bin/env bash
# Local AWS emulator (moto server) for daplug's example and tests.
#
#   scripts/emulator.sh install            create .venv/ and install the pinned moto (idempotent)
#   scripts/emulator.sh start [--owner-pid PID]
#                                          start moto on a free 127.0.0.1 port, wait until it answers,
#                                          print its endpoint URL on stdout; with --owner-pid the server is
#                                          stopped automatically when that process exits
#   scripts/emulator.sh stop [ENDPOINT]    stop a server started by this script (all of them without ENDPOINT)
#
# Nothing here needs Docker or network access beyond PyPI (and only for the first install).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${DAPLUG_VENV:-$ROOT/.venv}"
STATE="$ROOT/.emulator"
# Pinned: the behaviour vectors were recorded against this version.
MOTO_REQ='moto[server,dynamodb,sns,sqs]==5.2.5'

log() { printf 'emulator: %s\n' "$*" >&2; }

install() {
  if [ -x "$VENV/bin/moto_server" ] && "$VENV/bin/python" -c 'import moto, sys; sys.exit(moto.__version__ != "5.2.5")' 2>/dev/null; then
    return 0
  fi
  log "installing $MOTO_REQ into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "$MOTO_REQ" >&2
}

free_port() {
  "$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
  local owner=""
  if [ "${1:-}" = "--owner-pid" ]; then owner="${2:?--owner-pid needs a pid}"; fi
  install
  mkdir -p "$STATE"
  local port pid url tries
  port="$(free_port)"
  url="http://127.0.0.1:$port"
  # setsid: the server must not receive the terminal's signals meant for the test runner.
  # moto's server with requests applied one at a time (see moto_server.py for why).
  MOTO_PORT="$port" setsid "$VENV/bin/python" "$ROOT/scripts/moto_server.py" 127.0.0.1 "$port" \
    >"$STATE/moto-$port.log" 2>&1 < /dev/null &
  pid=$!
  echo "$pid" >"$STATE/moto-$port.pid"
  for tries in $(seq 1 200); do
    if "$VENV/bin/python" - "$url" <<'PY' 2>/dev/null; then break; fi
import sys, urllib.request
urllib.request.urlopen(sys.argv[1] + "/moto-api/", timeout=1).read()
PY
    if ! kill -0 "$pid" 2>/dev/null; then
      log "moto_server exited; its log:"; cat "$STATE/moto-$port.log" >&2; exit 1
    fi
    sleep 0.1
  done
  if [ "$tries" = 200 ]; then log "moto_server did not answer on $url"; kill "$pid" || true; exit 1; fi
  if [ -n "$owner" ]; then
    # Watchdog: stop the server when the process that asked for it is gone.
    ( while kill -0 "$owner" 2>/dev/null && kill -0 "$pid" 2>/dev/null; do sleep 1; done
      kill "$pid" 2>/dev/null; rm -f "$STATE/moto-$port.pid" ) >/dev/null 2>&1 < /dev/null &
    disown
  fi
  log "moto_server (pid $pid) listening on $url"
  echo "$url"
}

stop() {
  local target="${1:-}" f pid
  [ -d "$STATE" ] || return 0
  for f in "$STATE"/moto-*.pid; do
    [ -e "$f" ] || continue
    if [ -n "$target" ] && [ "$f" != "$STATE/moto-${target##*:}.pid" ]; then continue; fi
    pid="$(cat "$f")"
    kill "$pid" 2>/dev/null || true
    rm -f "$f"
  done
}

case "${1:-}" in
  install) install ;;
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) echo "usage: $0 install | start [--owner-pid PID] | stop [ENDPOINT]" >&2; exit 2 ;;
esac
