//! `infra bench-telemetry`: ingestion throughput and the Home page's data latency,
//! measured in process against the local stack (the moto server named by
//! `MOTO_ENDPOINT`), printed as a Markdown section for `docs/performance.md` (`make bench`
//! writes it there).
//!
//! ```text
//! infra bench-telemetry [--customers N] [--computers M] [--history-days D]
//!                       [--live-events E] [--home-customers C] [--home-real R]
//!                       [--home-computers H] [--requests Q] [--seed S]
//! ```
//!
//! 1. Ingestion, in a fresh table. A partner signs up and adds `N` customers through the
//!    routers; each customer's simulated fleet (`M` computers, `D` days of history) goes
//!    in through one in-process ingest router, the way one function instance serves
//!    requests: one after another. First every inventory, then every history, then `E`
//!    live events (the last ten minutes) in batches of 500, a customer at a time. For
//!    each phase: wall-clock time in the router, the part of it with a DynamoDB call in
//!    flight (the SDK call counter), DynamoDB calls and items written.
//! 2. The Home page, in another fresh table (moto's Queries slow down with the table's
//!    size). Another partner adds `R` customers of `H` computers the same way, the Home
//!    page data is timed, then the partner's aggregates are brought to those of `C`
//!    customers (see [`seed`]) and it is timed again, partner-wide and for one customer,
//!    `Q` requests each.

use std::{
    collections::{BTreeMap, BTreeSet},
    time::{Duration as StdDuration, Instant},
};

use adapters::aws::Usage;
use anyhow::{ensure, Context};
use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, WriteRequest};
use axum::{body::Body, http::StatusCode, Router};
use chrono::{DateTime, Duration, Utc};
use domain::{
    customer::{portfolio, Customer},
    home::{NewsItem, Threat, ThreatSeverity, Threats},
    telemetry::{self, ComputerReport, EventReport, Tally, MAX_BATCH},
    CustomerId,
};
use rand::{rngs::StdRng, Rng, SeedableRng};
use serde_json::json;
use store::{
    customers::account_key,
    from_item,
    telemetry::{fleet_pk, tally_of},
    Item, Keys,
};
use testkit::simulator;
use testkit::simulator::Spec;
use testkit::{http::*, TestStack};

const IP: &str = "192.0.2.90";
const AGENT: &str = adapters::config::DEFAULT_AGENT_VERSION;
/// Day buckets a partner's Home page reads (three months), and hour buckets it keeps.
const DAYS: i64 = 92;
const HOURS: i64 = 72;
/// Ingestion's expiry of day and hour buckets (`store::telemetry`).
const DAY_BUCKET_TTL_DAYS: i64 = 400;
const HOUR_BUCKET_TTL_DAYS: i64 = 3;
/// Variants of each simulated risk name in the seeded buckets: a large portfolio sees
/// many more distinct detections than one simulated fleet.
const RISK_VARIANTS: usize = 5;
const SIGNATURE_VARIANTS: usize = 3;

/// What to run.
#[derive(Debug, Clone)]
pub struct Options {
    pub customers: usize,
    pub computers: usize,
    pub history_days: i64,
    pub live_events: usize,
    pub home_customers: usize,
    pub home_real: usize,
    pub home_computers: usize,
    pub requests: usize,
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            customers: 20,
            computers: 200,
            history_days: 30,
            live_events: 20_000,
            home_customers: 10_000,
            home_real: 50,
            home_computers: 25,
            requests: 15,
            seed: 7,
        }
    }
}

impl Options {
    /// The command line that reproduces these options.
    pub fn command(&self) -> String {
        let d = Options::default();
        let flags = [
            ("customers", self.customers, d.customers),
            ("computers", self.computers, d.computers),
            (
                "history-days",
                self.history_days as usize,
                d.history_days as usize,
            ),
            ("live-events", self.live_events, d.live_events),
            ("home-customers", self.home_customers, d.home_customers),
            ("home-real", self.home_real, d.home_real),
            ("home-computers", self.home_computers, d.home_computers),
            ("requests", self.requests, d.requests),
            ("seed", self.seed as usize, d.seed as usize),
        ];
        command_line("bench-telemetry", &flags)
    }
}

/// The command that reruns a benchmark: `infra <subcommand>` with the flags whose value
/// differs from its default, as (flag, value, default).
pub(crate) fn command_line(subcommand: &str, flags: &[(&str, usize, usize)]) -> String {
    let mut c = format!("cargo run --release -q -p infra -- {subcommand}");
    for (name, v, default) in flags {
        if v != default {
            c.push_str(&format!(" --{name} {v}"));
        }
    }
    c
}

/// A setting every function has unless it sets its own: `Globals.Function.<key>` of a
/// parsed `template.yaml`.
pub(crate) fn global_setting(template: &serde_yaml::Value, key: &str) -> Option<f64> {
    template.get("Globals")?.get("Function")?.get(key)?.as_f64()
}

fn progress(msg: impl AsRef<str>) {
    eprintln!("bench-telemetry: {}", msg.as_ref());
}

/// A customer added through the API, with its ingestion key and fleet.
struct Real {
    id: String,
    key: String,
    spec: Spec,
    computers: Vec<ComputerReport>,
    events: Vec<EventReport>,
}

/// What one phase of ingestion cost.
#[derive(Debug, Default)]
struct Phase {
    name: String,
    records: u64,
    requests: u64,
    /// Time inside the router, summed over requests.
    wall: StdDuration,
    usage: Usage,
    calls: BTreeMap<(String, String), u64>,
    /// Time in flight by operation.
    time_in: BTreeMap<String, StdDuration>,
    write_calls: u64,
}

impl Phase {
    fn per_record(&self, n: u64) -> f64 {
        n as f64 / self.records.max(1) as f64
    }
    fn rate(&self, time: StdDuration) -> f64 {
        self.records as f64 / time.as_secs_f64().max(1e-9)
    }
    fn own_time(&self) -> StdDuration {
        self.wall.saturating_sub(self.usage.time_waiting)
    }
}

const WRITES: [&str; 5] = [
    "TransactWriteItems",
    "BatchWriteItem",
    "PutItem",
    "UpdateItem",
    "DeleteItem",
];

struct Bench {
    stack: TestStack,
    customers: Router,
    ingest: Router,
    dashboard: Router,
    token: String,
    partner: String,
}

impl Bench {
    /// A partner signed up in a fresh table of its own.
    async fn new(email: &str) -> anyhow::Result<Bench> {
        let stack = testkit::stack().await;
        let auth = auth::app(stack.state.clone());
        let (account, token) = stack
            .confirmed_partner(&auth, email, "Bench Partners")
            .await;
        Ok(Bench {
            customers: customers::app(stack.state.clone()),
            ingest: ingest::app(stack.state.clone()),
            dashboard: dashboard::app(stack.state.clone()),
            partner: account["partner"]["id"]
                .as_str()
                .context("the partner's id")?
                .to_string(),
            stack,
            token,
        })
    }

    /// Items in the table (as moto counts them).
    async fn table_items(&self) -> anyhow::Result<i64> {
        let client = aws_sdk_dynamodb::Client::new(&self.stack.sdk);
        let out = client
            .describe_table()
            .table_name(&self.stack.state.config.table_name)
            .send()
            .await
            .map_err(|e| anyhow::anyhow!(adapters::aws::describe(e)))?;
        Ok(out.table().and_then(|t| t.item_count()).unwrap_or(0))
    }

    /// The median time of a Query of an empty partition: what moto costs a Query at this
    /// table size before it returns anything.
    async fn moto_floor(&self) -> anyhow::Result<StdDuration> {
        let client = aws_sdk_dynamodb::Client::new(&self.stack.sdk);
        let mut times = Vec::new();
        for _ in 0..5 {
            let started = Instant::now();
            client
                .query()
                .table_name(&self.stack.state.config.table_name)
                .key_condition_expression("pk = :pk")
                .expression_attribute_values(":pk", AttributeValue::S("EMPTY#bench".into()))
                .send()
                .await
                .map_err(|e| anyhow::anyhow!(adapters::aws::describe(e)))?;
            times.push(started.elapsed());
        }
        Ok(median(&times))
    }

    async fn add_customer(&self, n: usize, seed: u64) -> anyhow::Result<(String, String)> {
        let form = customer_body(
            &format!("Bench Customer {n:05}"),
            &format!("it-{seed}-{n}@bench-fleet.example"),
            "GB",
            ["partnerManaged", "coManaged", "customerManaged"][n % 3],
            "shared",
            json!([{"product": "endpoint-protection", "type": "trial"}]),
        );
        let a = call(
            &self.customers,
            "POST",
            "/api/v1/customers",
            &self.token,
            Some(&form),
            IP,
        )
        .await;
        ensure!(
            a.status == StatusCode::CREATED,
            "adding a customer: {}",
            a.text
        );
        Ok((
            a.body["customer"]["id"]
                .as_str()
                .context("an id")?
                .to_string(),
            a.body["ingestionKey"]
                .as_str()
                .context("a key")?
                .to_string(),
        ))
    }

    /// Adds customer `n` with a simulated fleet of `computers`.
    async fn real(
        &self,
        n: usize,
        computers: usize,
        o: &Options,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Real> {
        let (id, key) = self.add_customer(n, o.seed).await?;
        let spec = Spec {
            seed: o.seed,
            customer: n,
            computers,
            history_days: o.history_days,
            agent_version: AGENT,
        };
        let fleet = simulator::fleet(&spec, now);
        Ok(Real {
            id,
            key,
            spec,
            computers: fleet.computers,
            events: fleet.events,
        })
    }

    /// One ingestion request, timed inside the router; answers the records accepted.
    async fn ingest(
        &self,
        c: &Real,
        kind: &str,
        body: Vec<u8>,
        phase: &mut Phase,
    ) -> anyhow::Result<u64> {
        let req = request("POST", &format!("/api/v1/ingest/{}/{kind}", c.id))
            .header("content-type", "application/json")
            .header("authorization", format!("Bearer {}", c.key))
            .body(Body::from(body))?;
        let started = Instant::now();
        let a = send(&self.ingest, req, IP).await;
        phase.wall += started.elapsed();
        phase.requests += 1;
        ensure!(a.status == StatusCode::OK, "ingesting {kind}: {}", a.text);
        Ok(a.body["accepted"].as_u64().unwrap_or(0))
    }

    fn start(&self, name: &str) -> Phase {
        self.stack.counter.reset();
        Phase {
            name: name.to_string(),
            ..Phase::default()
        }
    }

    fn finish(&self, mut p: Phase) -> Phase {
        p.usage = self.stack.counter.usage();
        p.calls = self.stack.counter.snapshot();
        for (service, operation) in p.calls.keys() {
            p.time_in.insert(
                operation.clone(),
                self.stack.counter.time_in(service, operation),
            );
        }
        p.write_calls = WRITES
            .iter()
            .map(|op| self.stack.counter.operation("DynamoDB", op))
            .sum();
        progress(format!(
            "{}: {} records in {} requests, {:.1} s ({:.1} s waiting for DynamoDB)",
            p.name,
            p.records,
            p.requests,
            p.wall.as_secs_f64(),
            p.usage.time_waiting.as_secs_f64()
        ));
        p
    }

    async fn computers(&self, fleets: &[Real]) -> anyhow::Result<Phase> {
        let mut p = self.start("computers");
        for c in fleets {
            for batch in c.computers.chunks(MAX_BATCH) {
                let body = serde_json::to_vec(&json!({ "computers": batch }))?;
                p.records += self.ingest(c, "computers", body, &mut p).await?;
            }
        }
        Ok(self.finish(p))
    }

    async fn history(&self, fleets: &[Real]) -> anyhow::Result<Phase> {
        let mut p = self.start("history events");
        for c in fleets {
            for batch in c.events.chunks(MAX_BATCH) {
                let body = serde_json::to_vec(&json!({ "events": batch }))?;
                p.records += self.ingest(c, "events", body, &mut p).await?;
            }
        }
        Ok(self.finish(p))
    }

    /// `total` live events in batches of 500, each batch one customer's last ten minutes.
    async fn live(&self, fleets: &[Real], total: usize) -> anyhow::Result<Phase> {
        let mut p = self.start("live events");
        let mut rngs: Vec<StdRng> = fleets.iter().map(|c| simulator::live(&c.spec)).collect();
        let mut n: u64 = 10_000_000;
        let mut left = total;
        let mut i = 0;
        while left > 0 {
            let size = left.min(MAX_BATCH);
            let c = &fleets[i % fleets.len()];
            let rng = &mut rngs[i % fleets.len()];
            let now = Utc::now();
            let mut batch: Vec<EventReport> = (0..size)
                .map(|_| {
                    let computer = &c.computers[rng.random_range(0..c.computers.len())];
                    let at = now - Duration::milliseconds(rng.random_range(0..600_000));
                    n += 1;
                    simulator::event(rng, &c.spec, computer, at, n)
                })
                .collect();
            batch.sort_by_key(|e| e.occurred_at);
            let body = serde_json::to_vec(&json!({ "events": batch }))?;
            p.records += self.ingest(c, "events", body, &mut p).await?;
            left -= size;
            i += 1;
        }
        Ok(self.finish(p))
    }

    /// `requests` timed GETs of `path` through the dashboard router (after an untimed one).
    async fn home(&self, label: &str, path: &str, requests: usize) -> anyhow::Result<Latency> {
        let mut l = Latency {
            label: label.to_string(),
            ..Latency::default()
        };
        for i in 0..requests + 1 {
            self.stack.counter.reset();
            let started = Instant::now();
            let a = get(&self.dashboard, path, &self.token, IP).await;
            let took = started.elapsed();
            ensure!(a.status == StatusCode::OK, "{path}: {}", a.text);
            if i == 0 {
                continue;
            }
            let usage = self.stack.counter.usage();
            l.wall.push(took);
            l.waiting.push(usage.time_waiting);
            l.calls = self.stack.counter.snapshot();
            for (service, operation) in l.calls.keys() {
                *l.by_operation.entry(operation.clone()).or_default() +=
                    self.stack.counter.time_in(service, operation);
            }
            l.bytes = a.text.len();
            l.received = usage.bytes_received;
            l.issues = a.body["customerIssues"].as_array().map_or(0, |a| a.len());
            l.customers = a.body["profile"]["customers"]["total"]
                .as_i64()
                .unwrap_or(0);
        }
        progress(format!("{label}: median {:.1} ms", ms(median(&l.wall))));
        Ok(l)
    }
}

/// Timings of one kind of Home page request.
#[derive(Debug, Default)]
struct Latency {
    label: String,
    wall: Vec<StdDuration>,
    waiting: Vec<StdDuration>,
    calls: BTreeMap<(String, String), u64>,
    by_operation: BTreeMap<String, StdDuration>,
    bytes: usize,
    received: u64,
    table_items: i64,
    moto_floor: StdDuration,
    issues: usize,
    customers: i64,
}

fn ms(d: StdDuration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(values: &[StdDuration], p: f64) -> StdDuration {
    let mut v = values.to_vec();
    v.sort();
    if v.is_empty() {
        return StdDuration::ZERO;
    }
    let rank = ((p * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v[rank - 1]
}

fn median(values: &[StdDuration]) -> StdDuration {
    let mut v = values.to_vec();
    v.sort();
    match v.len() {
        0 => StdDuration::ZERO,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2,
    }
}

/// Adds a customer with a trial of Endpoint Protection through the customers function,
/// as the Add Customer page does, from `ip`: the answer (`customer`, `ingestionKey`).
async fn add_trial_customer(
    customers: &Router,
    token: &str,
    ip: &str,
    (name, email, management): (&str, &str, &str),
) -> anyhow::Result<serde_json::Value> {
    let form = customer_body(
        name,
        email,
        "GB",
        management,
        "shared",
        json!([{"product": "endpoint-protection", "type": "trial"}]),
    );
    let a = call(
        customers,
        "POST",
        "/api/v1/customers",
        token,
        Some(&form),
        ip,
    )
    .await;
    ensure!(
        a.status == StatusCode::CREATED,
        "adding a customer: {}",
        a.text
    );
    Ok(a.body)
}

mod sizes;
use sizes::*;
mod seed;
use seed::*;
mod run;
pub use run::*;
mod reports;
pub use reports::{report_options, run_reports, ReportOptions};
mod cost;
pub use cost::{cost_options, run_cost, CostOptions};
mod bulk;
pub use bulk::{bulk_options, run_bulk, BulkOptions};

#[cfg(test)]
mod tests;
