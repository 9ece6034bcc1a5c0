#!/usr/bin/env bash
# Fuzzes the running API with schemathesis against docs/openapi.json, signed in as a
# partner administrator (by default the demo partner's, as `make run` and `make test` seed
# it): every operation, with a fixed seed and a fixed number of examples, so a run is
# repeatable and its time bounded. Fails on any 5xx, on any answer the document does
# not describe (status, content type, headers, body schema), on a request the document
# forbids that is accepted and on one it allows that is refused (but for the refusals
# infra/local/fuzz_hooks.py sets aside: those a schema cannot state). See docs/api.md,
# "Fuzzing".
#
# Usage: infra/local/fuzz.sh API_PORT
#   FUZZ_EMAIL, FUZZ_PASSWORD   who signs in (default: the demo partner's administrator)
#   FUZZ_EXAMPLES               test cases per operation in the fuzzing phase (default 5)
#   FUZZ_SEED                   the seed (default 2026)
#   FUZZ_WORKERS                requests in flight at once (default 4)
#   FUZZ_CHECKS                 the checks (default: those below)
#   FUZZ_OUT                    where schemathesis keeps its files (default: a temporary
#                               directory, never the repository: `cargo lambda watch`
#                               restarts every function when a file in it changes)
# It changes data: it creates, changes and deletes what the administrator may. Run it on
# a stack nothing else depends on any more (test.sh runs it after the browser test).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
VENV=${VENV:-.venv}
API_PORT=${1:?usage: infra/local/fuzz.sh API_PORT}
API="http://127.0.0.1:$API_PORT"
EMAIL=${FUZZ_EMAIL:-demo@partner-console.local}
PASSWORD=${FUZZ_PASSWORD:-Partner-Console-2026}
EXAMPLES=${FUZZ_EXAMPLES:-5}
SEED=${FUZZ_SEED:-2026}
# The functions answer one request at a time each and moto one at a time in all: more
# workers than cores keep every function busy while others wait on moto.
WORKERS=${FUZZ_WORKERS:-4}
# Left out, and why:
# - unsupported_method: a method a path does not declare never reaches a function. API
#   Gateway routes exactly the methods of template.yaml (and cargo-lambda the same ones,
#   from Cargo.toml) and answers others 404 itself; a function asked for one answers 405
#   problem+json with Allow (tests/tests/rejections.rs).
CHECKS=${FUZZ_CHECKS:-not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,negative_data_rejection,positive_data_acceptance,missing_required_header}
OUT=${FUZZ_OUT:-$(mktemp -d)}
mkdir -p "$OUT"

TOKEN=$(curl -sf -X POST -H 'content-type: application/json' \
  -d "$("$VENV/bin/python" -c 'import json,sys; print(json.dumps({"email": sys.argv[1], "password": sys.argv[2]}))' "$EMAIL" "$PASSWORD")" \
  "$API/api/v1/auth/sign-in" | "$VENV/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])') ||
  { echo "fuzz: could not sign in as $EMAIL at $API" >&2; exit 1; }

echo "fuzz: schemathesis $("$VENV/bin/schemathesis" --version | awk '{print $NF}'), seed $SEED, $EXAMPLES examples per operation, as $EMAIL"
cd "$OUT"
SCHEMATHESIS_HOOKS="$ROOT/infra/local/fuzz_hooks.py" "$ROOT/$VENV/bin/schemathesis" \
  --config-file "$ROOT/infra/local/schemathesis.toml" run "$ROOT/docs/openapi.json" \
  --url "$API" \
  --header "Authorization: Bearer $TOKEN" \
  --phases examples,coverage,fuzzing \
  --checks "$CHECKS" \
  --max-examples "$EXAMPLES" \
  --workers "$WORKERS" \
  --seed "$SEED" \
  --generation-database none \
  --request-timeout 30 \
  --no-color
