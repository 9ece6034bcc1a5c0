#!/usr/bin/env bash
# `make test`: everything CI runs, against a moto server of its own on a free port.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=${VENV:-.venv}
STATE=$(mktemp -d)
source infra/local/lib.sh
trap 'stop_all; rm -rf "$STATE"' EXIT
trap 'exit 130' INT TERM

step() { printf '\n==> %s\n' "$*"; }

step "rustfmt"
cargo fmt --all --check
step "clippy"
cargo clippy --workspace --all-targets --all-features -- -D warnings
step "cfn-lint"
"$VENV/bin/cfn-lint" template.yaml
step "web client types are current with docs/openapi.json"
(cd web && npx openapi-typescript ../docs/openapi.json -o "$STATE/schema.d.ts" >/dev/null)
diff -q "$STATE/schema.d.ts" web/src/api/schema.d.ts || { echo "web/src/api/schema.d.ts is stale: run make openapi" >&2; exit 1; }
step "web lint and unit tests"
npm --prefix web run lint
npm --prefix web test
step "bench harness tests"
"$VENV/bin/python" -m unittest infra/bench/test_coldstart.py

start_moto 0
step "Rust tests (unit, and integration against $MOTO_ENDPOINT)"
cargo test --workspace --all-features

step "the local stack for the browser test"
API_PORT=$(free_port)
WEB_PORT=$(free_port)
cargo run -q -p infra -- local-stack --endpoint "$MOTO_ENDPOINT" \
  --invoke-url "http://127.0.0.1:$API_PORT" --console-url "http://127.0.0.1:$WEB_PORT" \
  --outbox "$STATE/outbox" --env-out "$STATE/env"
step "the demo partner with simulated telemetry (the Home page's browser test uses it)"
(set -a; source "$STATE/env"; set +a; cargo run -q -p infra -- demo)
start_api "$API_PORT" "$STATE/env"
start_web "$WEB_PORT" "$API_PORT"
wait_for "the API" 900 api_ready "$API_PORT" || { tail -50 "$STATE/api.log"; exit 1; }
wait_for "the web server" 120 curl -sf "http://127.0.0.1:$WEB_PORT/" || { tail -50 "$STATE/web.log"; exit 1; }
step "start each function once (cargo-lambda starts a function at its first request)"
"$VENV/bin/python" infra/local/warm.py "$API_PORT" || { tail -50 "$STATE/api.log"; exit 1; }
step "a sample event through cargo-lambda's invoke API (the local event dispatcher's path)"
PATH="$VENV/bin:$PATH" cargo lambda invoke auth --invoke-address 127.0.0.1 --invoke-port "$API_PORT" \
  --data-file events/auth/me-unauthenticated.json | tee "$STATE/invoke.json"
"$VENV/bin/python" -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["statusCode"]==401, r' "$STATE/invoke.json"

step "the scheduler tick's sample event through cargo-lambda (a worker, not an HTTP function)"
PATH="$VENV/bin:$PATH" cargo lambda invoke scheduler --invoke-address 127.0.0.1 --invoke-port "$API_PORT" \
  --data-file events/scheduler/tick.json | tee "$STATE/tick.json"
"$VENV/bin/python" -c 'import json,sys; r=json.load(open(sys.argv[1])); assert "usageRecorded" in r, r' "$STATE/tick.json"

step "browser end-to-end test"
PC_EXSP_SERIAL=$(set -a; source "$STATE/env"; set +a; cargo run -q -p infra -- issue-serial --kind exsp) \
PC_OUTBOX_DIR="$STATE/outbox" PC_WEB_URL="http://127.0.0.1:$WEB_PORT" npm --prefix web run e2e || { tail -80 "$STATE/api.log"; exit 1; }
step "all checks passed"
