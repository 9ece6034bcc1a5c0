# Shared by run.sh and test.sh: start and stop the local stack's processes.
# Each process gets its own process group, so stopping it stops its children too.

PIDS=()

free_port() {
  "$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

start() { # start NAME LOGFILE COMMAND...
  local name=$1 log=$2
  shift 2
  setsid "$@" >"$log" 2>&1 &
  PIDS+=("$!")
  echo "started $name (pid $!, log $log)"
}

stop_all() {
  for pid in "${PIDS[@]}"; do
    kill -TERM -- "-$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  PIDS=()
}

wait_for() { # wait_for WHAT SECONDS COMMAND...: until COMMAND succeeds
  local what=$1 seconds=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      echo "timed out waiting for $what" >&2
      return 1
    fi
    sleep 0.5
  done
}

port_busy() {
  "$VENV/bin/python" -c 'import socket,sys; s=socket.socket(); sys.exit(0 if s.connect_ex(("127.0.0.1",int(sys.argv[1])))==0 else 1)' "$1"
}

# start_moto PORT [NAME]: starts a serialized moto server (NAME, default moto, names its
# log and port file); sets MOTO_ENDPOINT.
start_moto() {
  local name=${2:-moto}
  local port_file="$STATE/$name.port"
  rm -f "$port_file"
  start "$name" "$STATE/$name.log" "$VENV/bin/python" infra/local/motoserver.py --port "$1" --port-file "$port_file"
  wait_for "$name" 60 test -s "$port_file"
  MOTO_ENDPOINT="http://127.0.0.1:$(cat "$port_file")"
  export MOTO_ENDPOINT
}

# start_api PORT ENVFILE [OPTION...]: cargo lambda watch with the router from Cargo.toml,
# and any further options of cargo lambda watch.
start_api() {
  local port=$1 env_file=$2
  shift 2
  start api "$STATE/api.log" env PATH="$VENV/bin:$PATH" cargo lambda watch \
    --invoke-address 127.0.0.1 --invoke-port "$port" --env-file "$env_file" "$@"
}

# An answer from the auth function (any status but a gateway error) means it is built and up.
api_ready() {
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/api/v1/me")
  [[ "$code" == 401 ]]
}

# start_web PORT API_PORT [dev|preview]: the front end with /api proxied to the API; dev
# (the default) serves the sources with hot reload, preview the production bundle in
# web/dist (vite build), as users get it.
start_web() {
  start web "$STATE/web.log" env PC_WEB_PORT="$1" PC_API_URL="http://127.0.0.1:$2" npm --prefix web run "${3:-dev}" -- --strictPort
}

# start_ticker API_PORT: the scheduler tick every minute through cargo-lambda's invoke API,
# as the EventBridge schedule does in AWS.
start_ticker() {
  start ticker "$STATE/tick.log" bash -c "while sleep 60; do
    curl -s -X POST -H 'content-type: application/json' \
      -d \"{\\\"detail-type\\\":\\\"Scheduled Event\\\",\\\"source\\\":\\\"aws.events\\\",\\\"time\\\":\\\"\$(date -u +%FT%TZ)\\\",\\\"detail\\\":{}}\" \
      http://127.0.0.1:$1/2015-03-31/functions/scheduler/invocations; echo; done"
}

# start_local_scheduler ENV_FILE: fires the report schedules moto keeps when they are due,
# through cargo-lambda's invoke API, as EventBridge Scheduler does in AWS.
start_local_scheduler() {
  start local-scheduler "$STATE/local-scheduler.log" bash -c "set -a; source '$1'; set +a;
    exec cargo run -q -p infra -- local-scheduler"
}

# start_simulator API_PORT ENV_FILE: live telemetry for the demo partner's customers, one
# event a second on average, through the running API's ingestion endpoints.
start_simulator() {
  start simulator "$STATE/simulator.log" bash -c "set -a; source '$2'; set +a;
    exec cargo run -q -p infra -- simulate --email demo@partner-console.local \
      --password Partner-Console-2026 --existing --no-history --seed 2026 --computers 40 \
      --rate 1 --api http://127.0.0.1:$1"
}
