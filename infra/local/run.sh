#!/usr/bin/env bash
# `make run`: the whole console locally, with the demo partner. Ctrl-C stops it all.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=${VENV:-.venv}
STATE=.local
MOTO_PORT=${MOTO_PORT:-5000}
API_PORT=${API_PORT:-9000}
WEB_PORT=${WEB_PORT:-5173}
mkdir -p "$STATE"
source infra/local/lib.sh
trap 'echo; echo "stopping..."; stop_all' EXIT
trap 'exit 130' INT TERM

for p in "$MOTO_PORT" "$API_PORT" "$WEB_PORT"; do
  if port_busy "$p"; then
    echo "port $p is in use (is the console already running?); choose others with MOTO_PORT, API_PORT, WEB_PORT" >&2
    exit 1
  fi
done

start_moto "$MOTO_PORT"
cargo run -q -p infra -- local-stack --endpoint "$MOTO_ENDPOINT" \
  --invoke-url "http://127.0.0.1:$API_PORT" --console-url "http://127.0.0.1:$WEB_PORT" \
  --outbox "$STATE/outbox" --env-out "$STATE/env"
(set -a; source "$STATE/env"; set +a; cargo run -q -p infra -- demo)
EXSP_SERIAL=$(set -a; source "$STATE/env"; set +a; cargo run -q -p infra -- issue-serial --kind exsp)
start_api "$API_PORT" "$STATE/env"
start_web "$WEB_PORT" "$API_PORT"
start_ticker "$API_PORT"
start_local_scheduler "$STATE/env"
echo "building the functions (first run takes a few minutes)..."
wait_for "the API" 900 api_ready "$API_PORT"
wait_for "the web server" 120 curl -sf "http://127.0.0.1:$WEB_PORT/"
"$VENV/bin/python" infra/local/warm.py "$API_PORT"
start_simulator "$API_PORT" "$STATE/env"

cat <<MSG

  Partner Console is running:  http://127.0.0.1:$WEB_PORT
  Sign in as demo@partner-console.local / Partner-Console-2026, or sign up.
  An ExSP serial to activate (Home > Activate a serial number): $EXSP_SERIAL
  More: (set -a; . $STATE/env; cargo run -q -p infra -- issue-serial --kind exsp --count 3)
  API: http://127.0.0.1:$API_PORT/api/v1   moto: $MOTO_ENDPOINT
  Mail sent by the console: $STATE/outbox/*.eml   Logs: $STATE/*.log
  The scheduler ticks every minute ($STATE/tick.log); scheduled reports fire when due
  ($STATE/local-scheduler.log), or now: (set -a; . $STATE/env; cargo run -q -p infra -- fire-schedule --schedule ID)
  Simulated computers report live events through the ingestion API ($STATE/simulator.log).
  Ctrl-C stops everything.

MSG
wait
