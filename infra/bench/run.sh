#!/usr/bin/env bash
# `make bench`: init and first-invoke time of each release function beside a hello-world
# lambda_runtime binary built the same way, and stripped binary sizes. Writes the table
# into docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=${VENV:-.venv}
RUNS=${RUNS:-15}
cargo build --release -p auth -p licensing -p customers -p portal -p users -p hello
"$VENV/bin/python" infra/bench/coldstart.py \
  --runs "$RUNS" \
  --baseline hello=target/release/hello \
  --function auth=target/release/auth:events/auth/me-unauthenticated.json \
  --function licensing=target/release/licensing:events/licensing/validate-unauthenticated.json \
  --function customers=target/release/customers:events/customers/list-unauthenticated.json \
  --function portal=target/release/portal:events/portal/portal-unauthenticated.json \
  --function users=target/release/users:events/users/list-users-unauthenticated.json \
  --env TABLE_NAME=bench --env USER_POOL_ID=us-east-1_bench --env USER_POOL_CLIENT_ID=bench \
  --env REPORTS_BUCKET=bench --env MAIL_FROM=bench@example.com \
  --env EVENT_BUS_NAME=bench --env LOG_FORMAT=json \
  --markdown-out docs/performance.md
