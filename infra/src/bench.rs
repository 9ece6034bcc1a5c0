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
        let mut c = "cargo run --release -q -p infra -- bench-telemetry".to_string();
        for (name, v, default) in flags {
            if v != default {
                c.push_str(&format!(" --{name} {v}"));
            }
        }
        c
    }
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
        let (account, token) = partner_session(&auth, email, "Bench Partners").await;
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

// ---------------------------------------------------------------------------------------
// Item sizes
// ---------------------------------------------------------------------------------------

/// An attribute value's size as DynamoDB counts it for capacity: strings and binaries
/// by their bytes, numbers about one byte per two significant digits plus one, lists and
/// maps 3 bytes plus one a member plus their members.
fn value_size(v: &AttributeValue) -> usize {
    match v {
        AttributeValue::S(s) => s.len(),
        AttributeValue::N(n) => number_size(n),
        AttributeValue::B(b) => b.as_ref().len(),
        AttributeValue::Bool(_) | AttributeValue::Null(_) => 1,
        AttributeValue::Ss(v) => v.iter().map(String::len).sum(),
        AttributeValue::Ns(v) => v.iter().map(|n| number_size(n)).sum(),
        AttributeValue::Bs(v) => v.iter().map(|b| b.as_ref().len()).sum(),
        AttributeValue::L(l) => 3 + l.iter().map(|v| 1 + value_size(v)).sum::<usize>(),
        AttributeValue::M(m) => {
            3 + m
                .iter()
                .map(|(k, v)| 1 + k.len() + value_size(v))
                .sum::<usize>()
        }
        _ => 0,
    }
}

fn number_size(n: &str) -> usize {
    let digits: String = n.chars().filter(char::is_ascii_digit).collect();
    let significant = digits.trim_start_matches('0').trim_end_matches('0').len();
    significant.max(1).div_ceil(2) + 1
}

fn item_size(item: &Item) -> usize {
    item.iter().map(|(k, v)| k.len() + value_size(v)).sum()
}

/// Sizes of the items of one kind in the partitions read.
#[derive(Debug, Default)]
struct Sizes {
    sizes: Vec<usize>,
}

fn kind_of(item: &Item) -> String {
    let kind = item
        .get("kind")
        .and_then(|v| v.as_s().ok())
        .cloned()
        .unwrap_or_default();
    let sk = item
        .get("sk")
        .and_then(|v| v.as_s().ok())
        .cloned()
        .unwrap_or_default();
    let pk = item
        .get("pk")
        .and_then(|v| v.as_s().ok())
        .cloned()
        .unwrap_or_default();
    let level = if pk.starts_with("FLEETS#") {
        "partner"
    } else {
        "customer"
    };
    match kind.as_str() {
        "FleetBucket" if sk.starts_with("BUCKET#D#") => format!("{level} day bucket"),
        "FleetBucket" => format!("{level} hour bucket"),
        "Fleet" => "customer fleet counters (`CURRENT`)".into(),
        "PartnerFleet" => "partner fleet counters (`CURRENT`)".into(),
        "RiskSpread" => "risk spread (partner, per risk and customer)".into(),
        "Event" => "event".into(),
        "Computer" => "computer".into(),
        other => other.to_string(),
    }
}

// ---------------------------------------------------------------------------------------
// Seeding 10,000 customers' worth of aggregates
// ---------------------------------------------------------------------------------------

/// Replaces `from` by `to` in every string of `v`.
fn replace_strings(v: &mut AttributeValue, from: &str, to: &str) {
    match v {
        AttributeValue::S(s) if s.contains(from) => *s = s.replace(from, to),
        AttributeValue::M(m) => m.values_mut().for_each(|v| replace_strings(v, from, to)),
        AttributeValue::L(l) => l.iter_mut().for_each(|v| replace_strings(v, from, to)),
        _ => {}
    }
}

fn replace_in_item(item: &mut Item, from: &str, to: &str) {
    item.values_mut().for_each(|v| replace_strings(v, from, to));
}

async fn batch_put(
    client: &aws_sdk_dynamodb::Client,
    table: &str,
    items: Vec<Item>,
) -> anyhow::Result<()> {
    for chunk in items.chunks(25) {
        let mut requests: Vec<WriteRequest> = chunk
            .iter()
            .map(|i| {
                Ok(WriteRequest::builder()
                    .put_request(PutRequest::builder().set_item(Some(i.clone())).build()?)
                    .build())
            })
            .collect::<anyhow::Result<_>>()?;
        loop {
            let out = client
                .batch_write_item()
                .request_items(table, requests)
                .send()
                .await
                .map_err(|e| anyhow::anyhow!(adapters::aws::describe(e)))?;
            match out.unprocessed_items.and_then(|mut u| u.remove(table)) {
                Some(rest) if !rest.is_empty() => requests = rest,
                _ => break,
            }
        }
    }
    Ok(())
}

/// Adds `tally` to the counters of one item (as ingestion's updates do), setting its kind
/// and expiry.
async fn add_to(
    client: &aws_sdk_dynamodb::Client,
    table: &str,
    keys: Keys,
    kind: &str,
    tally: &Tally,
    ttl: Option<i64>,
) -> anyhow::Result<()> {
    let mut update = client
        .update_item()
        .table_name(table)
        .set_key(Some(keys.key()))
        .expression_attribute_names("#kind", "kind")
        .expression_attribute_values(":kind", AttributeValue::S(kind.into()));
    let mut set = vec!["#kind = :kind".to_string()];
    if let Some(t) = ttl {
        set.push("#ttl = :ttl".into());
        update = update
            .expression_attribute_names("#ttl", "ttl")
            .expression_attribute_values(":ttl", AttributeValue::N(t.to_string()));
    }
    let mut add = Vec::new();
    for (i, (name, v)) in tally.iter().enumerate() {
        add.push(format!("#c{i} :c{i}"));
        update = update
            .expression_attribute_names(format!("#c{i}"), name)
            .expression_attribute_values(format!(":c{i}"), AttributeValue::N(v.to_string()));
    }
    let mut expression = format!("SET {}", set.join(", "));
    if !add.is_empty() {
        expression.push_str(&format!(" ADD {}", add.join(", ")));
    }
    update
        .update_expression(expression)
        .send()
        .await
        .map_err(|e| anyhow::anyhow!(adapters::aws::describe(e)))?;
    Ok(())
}

/// A partner bucket item holding what ingestion wrote to it (`written`, by sort key)
/// plus `tally`: the item those updates would leave.
fn bucket_item(
    pk: &str,
    sk: String,
    written: &BTreeMap<String, Tally>,
    tally: &Tally,
    ttl: i64,
) -> Item {
    let mut sum = written.get(&sk).cloned().unwrap_or_default();
    sum.merge(tally);
    let mut item = Keys::new(pk, sk).key();
    item.insert("kind".into(), AttributeValue::S("FleetBucket".into()));
    item.insert("ttl".into(), AttributeValue::N(ttl.to_string()));
    for (name, v) in sum.iter() {
        item.insert(name.to_string(), AttributeValue::N(v.to_string()));
    }
    item
}

/// The day bucket counters of a big portfolio from a small one's: every counter times
/// `scale` (with ±20% from day to day), each risk's detections spread over
/// [`RISK_VARIANTS`] names and each signature's over [`SIGNATURE_VARIANTS`].
fn scaled(template: &Tally, scale: f64, rng: &mut StdRng, hour: bool) -> Tally {
    let wobble = rng.random_range(0.8..1.2);
    let mut out = Tally::new();
    for (name, v) in template.iter() {
        let total = (v as f64 * scale * wobble).round() as i64;
        let variants = if name.starts_with(telemetry::counter::RISK) {
            RISK_VARIANTS
        } else if name.starts_with(telemetry::counter::SIGNATURE) {
            SIGNATURE_VARIANTS
        } else {
            1
        };
        if hour && variants > 1 {
            continue;
        }
        // Later variants rarer: shares 1, 1/2, 1/3, ...
        let weights: Vec<f64> = (1..=variants).map(|k| 1.0 / k as f64).collect();
        let sum: f64 = weights.iter().sum();
        for (k, w) in weights.iter().enumerate() {
            let part = (total as f64 * w / sum).round() as i64;
            let variant = if k == 0 {
                name.to_string()
            } else {
                format!("{name}!gen{k}")
            };
            out.add(variant, part);
        }
    }
    out
}

/// What [`seed`] wrote.
#[derive(Debug, Default)]
struct Seeded {
    customers: usize,
    indexed: usize,
    day_buckets: usize,
    hour_buckets: usize,
    risk_names: usize,
    largest_bucket: usize,
    current_size: usize,
    elapsed: StdDuration,
}

/// Brings the partner's aggregates to those of `target` customers. The customers added
/// through the API are the templates: customer `j` of the others is a copy of real
/// customer `j mod R`.
///
/// - Its account item (name and id changed), so the customer list and the names of the
///   Customer Issues rows resolve as for a real customer.
/// - Its fleet's current counters (`FLEET#<id>` `CURRENT`) with the template's tally.
/// - The template's open alert conditions (`ALERTS#<partnerId>` `OPEN#…`, what Customer
///   Issues reads), raised at a time spread over the last seven days.
/// - The partner's sums: the copies' fleet counters added to `FLEETS#<partnerId>`
///   `CURRENT`, their portfolio counters to `PORTFOLIO`.
/// - The partner's buckets: 92 day buckets and 72 hour buckets, each the real customers'
///   bucket of a day (or hour) of the simulated month, scaled to the copies
///   ([`scaled`]), added to what ingestion wrote (the sums written whole, in batches:
///   moto takes about half a second for an update of a hundred counters).
///
/// Not written: the copies' computers, events, own buckets, risk spread items and
/// entitlements; the Home page reads none of them.
async fn seed(
    b: &Bench,
    reals: &[Real],
    target: usize,
    now: DateTime<Utc>,
    rng: &mut StdRng,
) -> anyhow::Result<Seeded> {
    let started = Instant::now();
    let client = aws_sdk_dynamodb::Client::new(&b.stack.sdk);
    let table = b.stack.state.config.table_name.clone();
    let t = &b.stack.state.table;
    let partner = b.partner.clone();
    let copies = target.saturating_sub(reals.len());
    let mut seeded = Seeded {
        customers: copies,
        ..Seeded::default()
    };
    if copies == 0 {
        return Ok(seeded);
    }

    // The templates: each real customer's account and fleet items.
    let mut templates = Vec::new();
    for r in reals {
        let id = CustomerId::parse(&r.id).map_err(|e| anyhow::anyhow!(e))?;
        let items = t
            .get_many(&[account_key(&id), Keys::new(fleet_pk(&id), "CURRENT")])
            .await?;
        let mut account = None;
        let mut fleet = None;
        for item in items {
            match item
                .get("kind")
                .and_then(|k| k.as_s().ok())
                .map(String::as_str)
            {
                Some("Customer") => account = Some(item),
                Some("Fleet") => fleet = Some(item),
                _ => {}
            }
        }
        let account = account.context("the template's account")?;
        let fleet = fleet.context("the template's fleet")?;
        let customer: Customer = from_item(account.clone())?;
        let open: Vec<Item> = t
            .partition_items(&format!("ALERTS#{partner}"), "OPEN#")
            .await?
            .into_iter()
            .filter(|o| o.get("customerId").and_then(|v| v.as_s().ok()) == Some(&r.id))
            .collect();
        templates.push((customer, account, fleet, open));
    }

    let mut fleet_sum = Tally::new();
    let mut portfolio_sum = Tally::new();
    let mut items = Vec::with_capacity(copies * 2);
    for j in 0..copies {
        let (customer, account, fleet, open) = &templates[j % templates.len()];
        let id = CustomerId::generate();
        let old_id = customer.id.as_str();
        let name = format!("Seeded Customer {j:05}");
        let mut a = account.clone();
        replace_in_item(&mut a, old_id, id.as_str());
        replace_in_item(&mut a, &customer.company.name, &name);
        replace_in_item(
            &mut a,
            &customer.company.name.to_lowercase(),
            &name.to_lowercase(),
        );
        let mut f = fleet.clone();
        replace_in_item(&mut f, old_id, id.as_str());
        if !open.is_empty() {
            let raised = now - Duration::seconds(rng.random_range(60..7 * 24 * 3600));
            for o in open {
                let mut copy = o.clone();
                replace_in_item(&mut copy, old_id, id.as_str());
                copy.insert("raisedAt".into(), AttributeValue::S(raised.to_rfc3339()));
                items.push(copy);
            }
            seeded.indexed += 1;
        }
        f.insert(
            "keyHash".into(),
            AttributeValue::S(format!("seeded-{}", id.as_str())),
        );
        fleet_sum.merge(&tally_of(fleet));
        portfolio_sum.merge(&portfolio(customer));
        items.push(a);
        items.push(f);
    }
    batch_put(&client, &table, items).await?;
    progress(format!(
        "seeded {copies} customers' accounts and fleets in {:.1} s",
        started.elapsed().as_secs_f64()
    ));

    let fleets = format!("FLEETS#{partner}");
    add_to(
        &client,
        &table,
        Keys::new(&fleets, "CURRENT"),
        "PartnerFleet",
        &fleet_sum,
        None,
    )
    .await?;
    add_to(
        &client,
        &table,
        Keys::new(&fleets, "PORTFOLIO"),
        "Portfolio",
        &portfolio_sum,
        None,
    )
    .await?;

    // The real customers' buckets: the templates of a day and of an hour.
    let mut days: Vec<Tally> = Vec::new();
    let mut hours: Vec<Tally> = Vec::new();
    let mut written: BTreeMap<String, Tally> = BTreeMap::new();
    for item in t.partition_items(&fleets, "BUCKET#").await? {
        let sk = item.get("sk").and_then(|v| v.as_s().ok()).cloned();
        let Some(sk) = sk else { continue };
        written.insert(sk.clone(), tally_of(&item));
        // Whole days of the simulated history only (not today, nor the live stream).
        if let Some(day) = sk.strip_prefix("BUCKET#D#") {
            if day < telemetry::day_of(now).as_str() {
                days.push(tally_of(&item));
            }
        } else if let Some(hour) = sk.strip_prefix("BUCKET#H#") {
            if hour < telemetry::hour_of(now - Duration::hours(1)).as_str() {
                hours.push(tally_of(&item));
            }
        }
    }
    ensure!(!days.is_empty(), "no day buckets to copy");
    let scale = copies as f64 / reals.len() as f64;
    let day_ttl = (now + Duration::days(DAY_BUCKET_TTL_DAYS)).timestamp();
    let hour_ttl = (now + Duration::days(HOUR_BUCKET_TTL_DAYS)).timestamp();
    let mut risk_names = BTreeSet::new();
    let mut buckets = Vec::new();
    for d in 0..DAYS {
        let day = telemetry::day_of(now - Duration::days(d));
        // The most recent days of the month are its fullest (most computers installed).
        let template = &days[days.len() - 1 - (d as usize % days.len())];
        let tally = scaled(template, scale, rng, false);
        for (name, _) in tally.with_prefix(telemetry::counter::RISK) {
            risk_names.insert(name.to_string());
        }
        buckets.push(bucket_item(
            &fleets,
            format!("BUCKET#D#{day}"),
            &written,
            &tally,
            day_ttl,
        ));
        seeded.day_buckets += 1;
    }
    let hour_template = |h: usize| -> Tally {
        if hours.is_empty() {
            // An average hour of a recent day.
            let mut t = Tally::new();
            for (k, v) in days[days.len() - 1].iter() {
                t.add(k, v / 24);
            }
            t
        } else {
            hours[h % hours.len()].clone()
        }
    };
    for h in 0..HOURS {
        let hour = telemetry::hour_of(now - Duration::hours(h));
        let tally = scaled(&hour_template(h as usize), scale, rng, true);
        buckets.push(bucket_item(
            &fleets,
            format!("BUCKET#H#{hour}"),
            &written,
            &tally,
            hour_ttl,
        ));
        seeded.hour_buckets += 1;
    }
    batch_put(&client, &table, buckets).await?;
    seeded.risk_names = risk_names.len();
    for item in t.partition_items(&fleets, "").await? {
        let sk = item.get("sk").and_then(|v| v.as_s().ok()).cloned();
        if sk.as_deref().is_some_and(|s| s.starts_with("BUCKET#")) {
            seeded.largest_bucket = seeded.largest_bucket.max(item_size(&item));
        }
        if sk.as_deref() == Some("CURRENT") {
            seeded.current_size = item_size(&item);
        }
    }
    seeded.elapsed = started.elapsed();
    progress(format!(
        "seeded the partner's aggregates; {:.1} s in all",
        seeded.elapsed.as_secs_f64()
    ));
    Ok(seeded)
}

/// Threats and news as an operator publishes them, so the Home page reads what it would.
async fn publish(b: &Bench, now: DateTime<Utc>) -> anyhow::Result<()> {
    let t = &b.stack.state.table;
    let latest = simulator::RISKS
        .iter()
        .take(5)
        .map(|(name, kind)| Threat {
            name: name.to_string(),
            kind: kind.to_string(),
            severity: ThreatSeverity::Medium,
            protected: true,
            url: format!("https://security.example.com/threats/{name}"),
        })
        .collect();
    t.publish_threats(&Threats {
        level: 2,
        title: "Elevated".into(),
        description: "Ransomware campaigns against small businesses are increasing.".into(),
        latest,
        updated_at: now,
    })
    .await?;
    for i in 0..3 {
        let item = NewsItem::new(
            &format!("Security bulletin {}", i + 1),
            "What changed in this month's definitions and agent.",
            &"Details of the release. ".repeat(40),
            Some("https://security.example.com/news"),
            now - Duration::days(i),
        )
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        t.publish_news(&item).await?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The run and its report
// ---------------------------------------------------------------------------------------

/// Runs the benchmark against the stack of `MOTO_ENDPOINT`; answers the Markdown section.
pub async fn run(o: Options) -> anyhow::Result<String> {
    ensure!(
        o.customers > 0 && o.home_real > 0,
        "--customers and --home-real must be at least 1"
    );
    if std::env::var_os("LOG_LEVEL").is_none() {
        // The functions' logs go to stdout, where the report goes.
        std::env::set_var("LOG_LEVEL", "off");
    }
    let started = Instant::now();
    let now = Utc::now();
    let mut rng = StdRng::seed_from_u64(o.seed);

    // Ingestion, in a table of its own.
    let b = Bench::new("ingest@bench-fleet.example").await?;
    progress(format!(
        "adding {} customers of {} computers",
        o.customers, o.computers
    ));
    let mut fleets = Vec::new();
    for n in 0..o.customers {
        fleets.push(b.real(n, o.computers, &o, now).await?);
    }
    let computers = b.computers(&fleets).await?;
    let history = b.history(&fleets).await?;
    let live = b.live(&fleets, o.live_events).await?;
    // Item sizes: one customer's partition and the partner's.
    let mut sizes: BTreeMap<String, Sizes> = BTreeMap::new();
    let id = CustomerId::parse(&fleets[0].id).map_err(|e| anyhow::anyhow!(e))?;
    for pk in [fleet_pk(&id), format!("FLEETS#{}", b.partner)] {
        for item in b.stack.state.table.partition_items(&pk, "").await? {
            sizes
                .entry(kind_of(&item))
                .or_default()
                .sizes
                .push(item_size(&item));
        }
    }
    drop(b);

    // The Home page, in another table: what moto's Queries cost grows with the table.
    let b = Bench::new("home@bench-fleet.example").await?;
    progress(format!(
        "adding {} customers of {} computers",
        o.home_real, o.home_computers
    ));
    let mut reals = Vec::new();
    for n in 0..o.home_real {
        reals.push(b.real(n, o.home_computers, &o, now).await?);
    }
    let mut untimed = Phase::default();
    for c in &reals {
        for batch in c.computers.chunks(MAX_BATCH) {
            let body = serde_json::to_vec(&json!({ "computers": batch }))?;
            b.ingest(c, "computers", body, &mut untimed).await?;
        }
        for batch in c.events.chunks(MAX_BATCH) {
            let body = serde_json::to_vec(&json!({ "events": batch }))?;
            b.ingest(c, "events", body, &mut untimed).await?;
        }
    }
    publish(&b, Utc::now()).await?;
    let home_path = "/api/v1/dashboard";
    let one_path = format!("/api/v1/dashboard?customer={}", reals[0].id);
    let mut small = b
        .home(
            &format!("partner-wide, {} customers", reals.len()),
            home_path,
            o.requests,
        )
        .await?;
    small.table_items = b.table_items().await?;
    small.moto_floor = b.moto_floor().await?;
    let seeded = seed(&b, &reals, o.home_customers, Utc::now(), &mut rng).await?;
    let table_items = b.table_items().await?;
    let moto_floor = b.moto_floor().await?;
    let mut large = b
        .home(
            &format!(
                "partner-wide, {} customers' aggregates",
                thousands(o.home_customers as u64)
            ),
            home_path,
            o.requests,
        )
        .await?;
    let mut one = b
        .home(
            &format!(
                "one customer ({} computers), {} customers' aggregates",
                reals[0].computers.len(),
                thousands(o.home_customers as u64)
            ),
            &one_path,
            o.requests,
        )
        .await?;
    for l in [&mut large, &mut one] {
        l.table_items = table_items;
        l.moto_floor = moto_floor;
    }
    let elapsed = started.elapsed();
    progress(format!("done in {:.0} s", elapsed.as_secs_f64()));

    Ok(report(
        &o,
        &[computers, history, live],
        &sizes,
        &seeded,
        &[small, large, one],
        elapsed,
    ))
}

/// `n` with thousands separators.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn report(
    o: &Options,
    phases: &[Phase],
    sizes: &BTreeMap<String, Sizes>,
    seeded: &Seeded,
    home: &[Latency],
    elapsed: StdDuration,
) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let _ = writeln!(
        s,
        "Telemetry benchmark run {} on {} ({cpus} CPUs) against the local moto server (one \
         request at a time, on loopback), {:.0} s in all:",
        Utc::now().format("%Y-%m-%d %H:%M UTC"),
        std::env::consts::ARCH,
        elapsed.as_secs_f64()
    );
    let _ = writeln!(s, "\n```sh\n{}\n```\n", o.command());

    let _ = writeln!(
        s,
        "**Ingestion, one function instance.** {} customers of {} computers with {} days of \
         history, then {} live events (each batch one customer's last ten minutes), in \
         batches of up to {MAX_BATCH} through one in-process ingest router, one request after \
         another. *In DynamoDB*: wall-clock time with a DynamoDB call in flight; *store \
         excluded*: records over the rest of the time. WCU: 2 per item written (see below).\n",
        o.customers,
        o.computers,
        o.history_days,
        thousands(o.live_events as u64)
    );
    let _ = writeln!(
        s,
        "| records | count | requests | wall s | in DynamoDB s | records/s | records/s, store excluded | DynamoDB calls / record | write calls / record | items written / record | WCU / record |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for p in phases {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {:.1} | {:.1} | {} | {} | {:.3} | {:.4} | {:.3} | {:.2} |",
            p.name,
            thousands(p.records),
            p.requests,
            p.wall.as_secs_f64(),
            p.usage.time_waiting.as_secs_f64(),
            thousands(p.rate(p.wall).round() as u64),
            thousands(p.rate(p.own_time()).round() as u64),
            p.per_record(p.usage.calls),
            p.per_record(p.write_calls),
            p.per_record(p.usage.items_written),
            2.0 * p.per_record(p.usage.items_written),
        );
    }
    let _ = writeln!(s);
    for p in phases {
        let calls: Vec<String> = p
            .calls
            .iter()
            .map(|((_, op), n)| {
                let t = p.time_in.get(op).copied().unwrap_or_default();
                format!("{op} {n} ({:.0} ms each)", ms(t) / (*n).max(1) as f64)
            })
            .collect();
        let _ = writeln!(
            s,
            "- {}: {} DynamoDB calls ({}); {} items written.",
            p.name,
            thousands(p.usage.calls),
            calls.join(", "),
            thousands(p.usage.items_written),
        );
    }
    let _ = writeln!(
        s,
        "\nItem sizes by DynamoDB's rules (attribute names and values), after ingestion, in \
         one {}-computer customer's partition and the partner's:\n",
        o.computers
    );
    let _ = writeln!(s, "| item | count | median bytes | largest bytes |");
    let _ = writeln!(s, "|---|---:|---:|---:|");
    for (kind, z) in sizes {
        let mut v = z.sizes.clone();
        v.sort();
        let _ = writeln!(
            s,
            "| {kind} | {} | {} | {} |",
            thousands(v.len() as u64),
            thousands(v.get(v.len() / 2).copied().unwrap_or(0) as u64),
            thousands(v.last().copied().unwrap_or(0) as u64)
        );
    }

    let _ = writeln!(
        s,
        "\n**Home page data.** `GET /api/v1/dashboard` through one in-process dashboard \
         router as the partner's administrator, {} timed requests after an untimed one, in a \
         table of its own. First with {} customers added through the API ({} computers and \
         {} days of history each); then with the aggregates of {} customers: {} more \
         customers copied from those (account and fleet items, {} of them with the open alert \
         conditions of their template), their counters added to the partner's `CURRENT` and `PORTFOLIO`, and the \
         partner's {} day and {} hour buckets scaled to the portfolio ({} risk names; \
         largest bucket {} bytes, the partner's `CURRENT` {} bytes), seeded in {:.0} s. \
         *Outside*: the request's time with no DynamoDB call in flight, the function's own \
         work. *Empty Query*: moto's time for a Query of an empty partition at that table \
         size.\n",
        o.requests,
        o.home_real,
        o.home_computers,
        o.history_days,
        thousands(o.home_customers as u64),
        thousands(seeded.customers as u64),
        thousands(seeded.indexed as u64),
        seeded.day_buckets,
        seeded.hour_buckets,
        seeded.risk_names,
        thousands(seeded.largest_bucket as u64),
        thousands(seeded.current_size as u64),
        seeded.elapsed.as_secs_f64()
    );
    let _ = writeln!(
        s,
        "| request | customers counted | median ms | p95 ms | median ms in DynamoDB | median ms outside | DynamoDB calls | KB from DynamoDB | table items | empty Query ms | Customer Issues rows | response KB |"
    );
    let _ = writeln!(
        s,
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    for l in home {
        let own: Vec<StdDuration> = l
            .wall
            .iter()
            .zip(&l.waiting)
            .map(|(w, d)| w.saturating_sub(*d))
            .collect();
        let _ = writeln!(
            s,
            "| {} | {} | {:.0} | {:.0} | {:.0} | {:.1} | {} | {:.0} | {} | {:.0} | {} | {:.0} |",
            l.label,
            thousands(l.customers.max(0) as u64),
            ms(median(&l.wall)),
            ms(percentile(&l.wall, 0.95)),
            ms(median(&l.waiting)),
            ms(median(&own)),
            l.calls.values().sum::<u64>(),
            l.received as f64 / 1000.0,
            thousands(l.table_items.max(0) as u64),
            ms(l.moto_floor),
            l.issues,
            l.bytes as f64 / 1000.0
        );
    }
    let _ = writeln!(
        s,
        "\nCalls of one request by operation, with each operation's mean time in flight per \
         request (the dashboard makes its calls side by side; moto answers them one at a \
         time, so their times overlap):\n"
    );
    for l in home {
        let n = l.wall.len().max(1) as f64;
        let calls: Vec<String> = l
            .calls
            .iter()
            .map(|((_, op), c)| {
                let t = l.by_operation.get(op).copied().unwrap_or_default();
                format!("{op} {c} ({:.0} ms)", ms(t) / n)
            })
            .collect();
        let _ = writeln!(s, "- {}: {}.", l.label, calls.join(", "));
    }
    s
}

/// `infra bench-telemetry` flags.
pub fn options(args: &[String]) -> anyhow::Result<Options> {
    let mut o = Options::default();
    let mut i = 1;
    while i < args.len() {
        let value = || {
            args.get(i + 1)
                .with_context(|| format!("{} needs a value", args[i]))
        };
        let n = |v: &String| -> anyhow::Result<usize> {
            v.parse().with_context(|| format!("{}: a number", args[i]))
        };
        match args[i].as_str() {
            "--customers" => o.customers = n(value()?)?,
            "--computers" => o.computers = n(value()?)?,
            "--history-days" => o.history_days = n(value()?)? as i64,
            "--live-events" => o.live_events = n(value()?)?,
            "--home-customers" => o.home_customers = n(value()?)?,
            "--home-real" => o.home_real = n(value()?)?,
            "--home-computers" => o.home_computers = n(value()?)?,
            "--requests" => o.requests = n(value()?)?,
            "--seed" => o.seed = n(value()?)? as u64,
            other => anyhow::bail!("bench-telemetry: unknown flag {other}"),
        }
        i += 2;
    }
    Ok(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_follow_dynamodbs_rules() {
        assert_eq!(number_size("0"), 2);
        assert_eq!(number_size("7"), 2);
        assert_eq!(number_size("1234"), 3);
        assert_eq!(number_size("1000"), 2);
        assert_eq!(number_size("-12345"), 4);
        let item: Item = [
            ("pk".to_string(), AttributeValue::S("FLEET#x".into())),
            ("n".to_string(), AttributeValue::N("42".into())),
            (
                "m".to_string(),
                AttributeValue::M([("a".to_string(), AttributeValue::Bool(true))].into()),
            ),
        ]
        .into();
        // 2 + 7, 1 + 2, 1 + (3 + 1 + 1 + 1)
        assert_eq!(item_size(&item), 9 + 3 + 7);
    }

    #[test]
    fn scaling_keeps_totals_and_spreads_risks() {
        let template: Tally = [
            ("detections".to_string(), 10),
            ("r#Trojan.Gen.2".to_string(), 6),
            ("i#Attack: X".to_string(), 4),
        ]
        .into_iter()
        .collect();
        let mut rng = StdRng::seed_from_u64(1);
        let big = scaled(&template, 100.0, &mut rng, false);
        let risks: i64 = big.with_prefix("r#").map(|(_, v)| v).sum();
        assert_eq!(big.with_prefix("r#").count(), RISK_VARIANTS);
        assert_eq!(big.with_prefix("i#").count(), SIGNATURE_VARIANTS);
        let detections = big.get("detections");
        assert!((800..=1200).contains(&detections), "{detections}");
        // The risk split loses at most one a variant to rounding.
        assert!((risks - detections * 6 / 10).abs() <= RISK_VARIANTS as i64);
        let hour = scaled(&template, 100.0, &mut rng, true);
        assert_eq!(hour.with_prefix("r#").count(), 0);
        assert!(hour.get("detections") > 0);
    }

    #[test]
    fn a_seeded_bucket_adds_to_what_ingestion_wrote() {
        let written = BTreeMap::from([(
            "BUCKET#D#2026-01-02".to_string(),
            [("detections".to_string(), 3), ("firewall".to_string(), 1)]
                .into_iter()
                .collect::<Tally>(),
        )]);
        let more: Tally = [("detections".to_string(), 10), ("r#X".to_string(), 2)]
            .into_iter()
            .collect();
        let item = bucket_item("FLEETS#p", "BUCKET#D#2026-01-02".into(), &written, &more, 9);
        assert_eq!(tally_of(&item).get("detections"), 13);
        assert_eq!(tally_of(&item).get("firewall"), 1);
        assert_eq!(tally_of(&item).get("r#X"), 2);
        assert_eq!(item["ttl"], AttributeValue::N("9".into()));
        assert_eq!(item["kind"], AttributeValue::S("FleetBucket".into()));
        let fresh = bucket_item(
            "FLEETS#p",
            "BUCKET#H#2026-01-02T03".into(),
            &written,
            &more,
            9,
        );
        assert_eq!(tally_of(&fresh).get("detections"), 10);
    }

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(20_000), "20,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn the_command_names_only_what_differs() {
        assert_eq!(
            Options::default().command(),
            "cargo run --release -q -p infra -- bench-telemetry"
        );
        let o = options(&[
            "bench-telemetry".into(),
            "--live-events".into(),
            "500".into(),
            "--requests".into(),
            "5".into(),
        ])
        .unwrap();
        assert_eq!(
            o.command(),
            "cargo run --release -q -p infra -- bench-telemetry --live-events 500 --requests 5"
        );
        assert!(options(&["bench-telemetry".into(), "--nope".into(), "1".into()]).is_err());
    }
}
