#!/usr/bin/env bash
# `make test`: everything CI runs, against a moto server of its own on a free port.
# Each step prints its duration, and a summary closes the run (docs/performance.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=${VENV:-.venv}
export VENV
STATE=$(mktemp -d)
source infra/local/lib.sh
trap 'stop_all; rm -rf "$STATE"' EXIT
trap 'exit 130' INT TERM

RUN_START=$SECONDS
STEP_NAME=
STEP_START=$SECONDS
TIMES=()
end_step() {
  if [[ -n $STEP_NAME ]]; then
    local took=$((SECONDS - STEP_START))
    printf '<== %s: %ds\n' "$STEP_NAME" "$took"
    TIMES+=("$(printf '%5ds  %s' "$took" "$STEP_NAME")")
  fi
  STEP_NAME=
}
step() {
  end_step
  STEP_NAME=$*
  STEP_START=$SECONDS
  printf '\n==> %s\n' "$*"
}
summary() {
  end_step
  printf '\nDurations:\n'
  printf '%s\n' "${TIMES[@]}"
  printf '%5ds  %s\n' $((SECONDS - RUN_START)) "in all"
}

step "setup: the Python venv (moto, cfn-lint, cargo-lambda), npm packages, Debian's Chromium and the crates, side by side"
make -s -j4 setup setup-browser fetch

step "rustfmt, and the web client types against docs/openapi.json"
cargo fmt --all --check
(cd web && npx openapi-typescript ../docs/openapi.json -o "$STATE/schema.d.ts" >/dev/null)
diff -q "$STATE/schema.d.ts" web/src/api/schema.d.ts || { echo "web/src/api/schema.d.ts is stale: run make openapi" >&2; exit 1; }
"$VENV/bin/python" -m unittest infra/bench/test_coldstart.py infra/local/test_fuzz_hooks.py infra/deploy/test_publish_web.py infra/deploy/test_deploy.py

# background NAME COMMAND...: runs COMMAND beside the steps that follow, its output and
# duration in $STATE/NAME.log; `finish NAME` waits for it, prints the log and fails if it
# failed.
declare -A BACKGROUND
background() {
  local name=$1
  shift
  # its own process group, so that stop_all on exit stops it and its children
  setsid bash -c 'start=$SECONDS; "$@"; rc=$?; echo "<== $0: $((SECONDS - start))s (exit $rc)"; exit $rc' \
    "$name" "$@" >"$STATE/$name.log" 2>&1 &
  PIDS+=("$!")
  BACKGROUND[$name]=$!
}
finish() {
  local rc=0
  wait "${BACKGROUND[$1]}" || rc=$?
  cat "$STATE/$1.log"
  ((rc == 0)) || { echo "$1 failed" >&2; exit 1; }
}

# The linters of the template and the web (cfn-lint, ESLint with types, tsc) have no
# timeouts: they take the cores the build leaves idle (its single-threaded stretches and
# links), at a lower priority.
background "cfn-lint and web lint" nice -n 10 bash -c '"$VENV/bin/cfn-lint" template.yaml && npm --prefix web run lint'

# Clippy runs as the compiler of the workspace's own crates (what `cargo clippy` does),
# so one build both lints them and produces the test binaries and the functions: the
# dependencies compile once, and the local stack below reuses every artifact.
export RUSTC_WORKSPACE_WRAPPER
RUSTC_WORKSPACE_WRAPPER="$(rustc --print sysroot)/bin/clippy-driver"
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
step "build and clippy: the tests and every function (warnings are errors), beside the web lint"
cargo test --workspace --no-run
cargo build --workspace --bins

# Two moto servers for the Rust tests (each answers one request at a time; the tests
# spread their stacks over both), the first also for the local stack below.
start_moto 0
LOCAL_MOTO=$MOTO_ENDPOINT
start_moto 0 moto2
export MOTO_ENDPOINT="$LOCAL_MOTO,$MOTO_ENDPOINT"
# The web unit tests need no moto and the Rust tests wait on moto: side by side. Then
# the production bundle the browser test runs against.
background "web unit tests and bundle" bash -c 'npm --prefix web test && cd web && npx vite build --logLevel warn'
step "Rust tests (unit, and integration against $MOTO_ENDPOINT), beside the web unit tests"
# The integration tests mostly wait on moto: more of them at once than cores. They record
# each function's AWS operations (testkit::iam), which only the whole suite's record can
# be held against the functions' IAM policies: so that check runs after them.
export IAM_OPERATIONS="$STATE/iam-operations.tsv"
cargo test --workspace -- --test-threads 6
cargo test -q -p console-tests --test console -- --ignored --exact iam::every_function_is_granted_what_it_does_and_nothing_more
unset IAM_OPERATIONS
export MOTO_ENDPOINT=$LOCAL_MOTO
finish "cfn-lint and web lint"
finish "web unit tests and bundle"

step "the local stack and the demo partner with simulated telemetry (the Home page's browser test uses it)"
API_PORT=$(free_port)
WEB_PORT=$(free_port)
cargo run -q -p infra -- local-stack --endpoint "$MOTO_ENDPOINT" \
  --invoke-url "http://127.0.0.1:$API_PORT" --console-url "http://127.0.0.1:$WEB_PORT" \
  --outbox "$STATE/outbox" --env-out "$STATE/env"
(set -a; source "$STATE/env"; set +a; cargo run -q -p infra -- demo)
# Every browser scenario signs up a partner of its own, all from 127.0.0.1: more than the
# default sign-ups per address an hour. The limit itself is tested in tests/tests/auth.rs.
echo 'RATE_SIGN_UP_PER_IP="100/3600"' >>"$STATE/env"
# No reloads: a file the run itself writes in the checkout (a Python bytecode cache, say)
# would otherwise restart every function while the browser test or the fuzzer waits on it.
start_api "$API_PORT" "$STATE/env" --ignore-changes
start_web "$WEB_PORT" "$API_PORT" preview
wait_for "the API" 900 api_ready "$API_PORT" || { tail -50 "$STATE/api.log"; exit 1; }
wait_for "the web server" 120 curl -sf "http://127.0.0.1:$WEB_PORT/" || { tail -50 "$STATE/web.log"; exit 1; }
# cargo-lambda starts a function at its first request
"$VENV/bin/python" infra/local/warm.py "$API_PORT" || { tail -50 "$STATE/api.log"; exit 1; }

step "sample events through cargo-lambda's invoke API (the local event dispatcher's path)"
PATH="$VENV/bin:$PATH" cargo lambda invoke auth --invoke-address 127.0.0.1 --invoke-port "$API_PORT" \
  --data-file events/auth/me-unauthenticated.json | tee "$STATE/invoke.json"
"$VENV/bin/python" -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["statusCode"]==401, r' "$STATE/invoke.json"
# the scheduler tick: a worker, not an HTTP function
PATH="$VENV/bin:$PATH" cargo lambda invoke scheduler --invoke-address 127.0.0.1 --invoke-port "$API_PORT" \
  --data-file events/scheduler/tick.json | tee "$STATE/tick.json"
"$VENV/bin/python" -c 'import json,sys; r=json.load(open(sys.argv[1])); assert "usageRecorded" in r, r' "$STATE/tick.json"

step "browser end-to-end test, against the built bundle"
PC_EXSP_SERIAL=$(set -a; source "$STATE/env"; set +a; cargo run -q -p infra -- issue-serial --kind exsp) \
PC_OUTBOX_DIR="$STATE/outbox" PC_ENV_FILE="$STATE/env" PC_WEB_URL="http://127.0.0.1:$WEB_PORT" npm --prefix web run e2e || { tail -80 "$STATE/api.log"; exit 1; }

# After the browser test, not before or beside it: the fuzzer signs in and up with made-up
# details, and those limits count per source address (all 127.0.0.1 here), so the browser
# test's sign-ins would meet 429s; and it changes and deletes what the demo partner's
# administrator may, data the Home and Alerts scenarios read. Once they are done nothing
# needs that data, and the demo partner, with customers, users and reports, gives the
# fuzzer more to reach than a new partner would.
step "fuzzing: schemathesis against docs/openapi.json, as the demo partner's administrator"
FUZZ_OUT="$STATE/fuzz" infra/local/fuzz.sh "$API_PORT" || { tail -80 "$STATE/api.log"; exit 1; }
summary
echo "all checks passed"
