#!/usr/bin/env bash
# `make bench`, five benchmarks, each writing its section of docs/performance.md:
# 1. cold start: init and first-invoke time of each function as deployed (the bootstrap of
#    its `make package` zip, built for this machine) beside a hello-world lambda_runtime
#    binary built the same way, and their sizes; a broken package fails the bench here;
# 2. telemetry: ingestion throughput and the Home page's data latency, in process against
#    a moto server of its own (`infra bench-telemetry`);
# 3. reports: PDF size and render time of a demo customer's reports, a 100-page Security
#    Audit, and the DynamoDB calls to gather each type (`infra bench-reports`);
# 4. bulk actions: one bulk call on the Customers page at 1, 10 and 100 customers, its
#    DynamoDB calls and time beside the customers function's timeout (`infra bench-bulk`);
# 5. cost: a partner's month in dollars at 10, 100 and 1,000 computers, from the calls and
#    capacity units measured per unit of activity (`infra bench-cost`, into docs/cost.md;
#    COST_ARGS passes flags, e.g. "--events 50 --rounds 1" for a quick check).
# A failed cold-start check still lets the telemetry benchmark run; the exit status is
# then the cold-start one. RUNS sets the cold starts per binary; TELEMETRY_ARGS passes
# flags to bench-telemetry (e.g. "--live-events 2000 --requests 10" for a quick check).
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=${VENV:-.venv}
RUNS=${RUNS:-15}
STATE=$(mktemp -d)
source infra/local/lib.sh
trap 'stop_all; rm -rf "$STATE"' EXIT
trap 'exit 130' INT TERM

# `make package` for this machine's architecture: every function's zip as `sam build`
# builds it (the release build happens here, once), each bootstrap unpacked beside its zip
# (target/lambda/<binary>/bootstrap) for the cold starts below.
"$VENV/bin/python" infra/deploy/package.py --arch host --also hello --unpacked target/lambda
coldstart=0
"$VENV/bin/python" infra/bench/coldstart.py \
  --runs "$RUNS" \
  --baseline hello=target/lambda/hello/bootstrap \
  --function auth=target/lambda/auth/bootstrap:events/auth/me-unauthenticated.json \
  --function licensing=target/lambda/licensing/bootstrap:events/licensing/validate-unauthenticated.json \
  --function customers=target/lambda/customers/bootstrap:events/customers/list-unauthenticated.json \
  --function portal=target/lambda/portal/bootstrap:events/portal/portal-unauthenticated.json \
  --function users=target/lambda/users/bootstrap:events/users/list-users-unauthenticated.json \
  --function ingest=target/lambda/ingest/bootstrap:events/ingest/ingest-events-unknown-key.json \
  --function dashboard=target/lambda/dashboard/bootstrap:events/dashboard/dashboard-unauthenticated.json \
  --function alerts=target/lambda/alerts/bootstrap:events/alerts/alerts-unauthenticated.json \
  --function reports=target/lambda/reports/bootstrap:events/reports/reports-unauthenticated.json \
  --function report-schedules=target/lambda/report-schedules/bootstrap:events/report-schedules/schedules-unauthenticated.json \
  --function report-worker=target/lambda/report-worker/bootstrap:events/report-worker/not-a-report.json \
  --function support=target/lambda/support/bootstrap:events/support/tickets-unauthenticated.json \
  --env TABLE_NAME=bench --env USER_POOL_ID=us-east-1_bench --env USER_POOL_CLIENT_ID=bench \
  --env REPORTS_BUCKET=bench --env LOGOS_BUCKET=bench --env MAIL_FROM=bench@example.com \
  --env EVENT_BUS_NAME=bench --env LOG_FORMAT=json \
  --size-limit report-worker=16 \
  --size-limit reports=11 \
  --markdown-out docs/performance.md || coldstart=$?

# Built before moto starts, so the build does not share the machine with the benchmark.
cargo build --release -q -p infra
start_moto 0
# The functions' logs would go to stdout with the report: off (failures still say why).
read -ra telemetry_args <<<"${TELEMETRY_ARGS:-}"
LOG_LEVEL=off cargo run --release -q -p infra -- bench-telemetry "${telemetry_args[@]}" >"$STATE/telemetry.md"
"$VENV/bin/python" infra/bench/splice.py telemetry docs/performance.md <"$STATE/telemetry.md"
cat "$STATE/telemetry.md"
LOG_LEVEL=off cargo run --release -q -p infra -- bench-reports >"$STATE/reports.md"
"$VENV/bin/python" infra/bench/splice.py reports docs/performance.md <"$STATE/reports.md"
cat "$STATE/reports.md"

LOG_LEVEL=off cargo run --release -q -p infra -- bench-bulk >"$STATE/bulk.md"
"$VENV/bin/python" infra/bench/splice.py bulk docs/performance.md <"$STATE/bulk.md"
cat "$STATE/bulk.md"

read -ra cost_args <<<"${COST_ARGS:-}"
LOG_LEVEL=off cargo run --release -q -p infra -- bench-cost "${cost_args[@]}" >"$STATE/cost.md"
"$VENV/bin/python" infra/bench/splice.py cost docs/cost.md <"$STATE/cost.md"
cat "$STATE/cost.md"
exit "$coldstart"
