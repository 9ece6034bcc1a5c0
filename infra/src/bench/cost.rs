//! `infra bench-cost`: what one partner's month costs at on-demand prices, from what the
//! functions were measured to do, in process against the local stack (the moto server
//! named by `MOTO_ENDPOINT`), printed as a Markdown section for `docs/cost.md`
//! (`make bench` writes it there).
//!
//! ```text
//! infra bench-cost [--customers K] [--computers C] [--history-days D] [--rounds R]
//!                  [--events E] [--seed S]
//! ```
//!
//! A partner signs up and adds `K` customers of `C` simulated computers (`D` days of
//! history, not measured). Then each unit of activity runs through the functions' own
//! routers and workers, each with the function's own clients, and is measured: a
//! sign-in, each page's requests (Home, Customers, Alerts, Reports), `R` inventory
//! reports of every customer's fleet (the agents' ten-minute check-in), `E` live events
//! one a request, the notifier's work for each alert they raised (one email rule), an
//! on-demand report over one customer and over all `K`, a scheduled report emailed with
//! its PDF, and a day of scheduler ticks against an empty stack's.
//!
//! For each: DynamoDB request units by DynamoDB's rules ([`meter`], [`units`]), Lambda
//! invocations and billed time, API requests, S3, SES, EventBridge, log bytes; then
//! [`model`] multiplies them into a month for 10, 100 and 1,000 computers.

use std::{
    collections::BTreeMap,
    fmt::Write as _,
    io,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex,
    },
    time::{Duration as StdDuration, Instant},
};

use anyhow::{ensure, Context};
use axum::{body::Body, extract::Path, http::StatusCode, routing::post, Json, Router};
use chrono::{Duration, Utc};
use serde_json::{json, Value};
use testkit::{http::*, simulator, simulator::Spec, TestStack};

mod meter;
pub mod model;
pub mod units;

use meter::Meter;
use model::{Assumptions, Usage};

const IP: &str = "192.0.2.92";
const SIZES: [u64; 3] = [10, 100, 1000];

/// Lambda gives a function CPU in proportion to its memory, a whole vCPU at 1,769 MB: the
/// handler's own time measured here (on a whole core) is scaled by 1,769 / memory.
const FULL_VCPU_MB: f64 = 1769.0;
/// The platform's own log lines per invocation (START, END, REPORT with the trace id).
const PLATFORM_LOG_BYTES: f64 = 400.0;

/// What a call to each service takes from a function in the same region (moto's times on
/// loopback are not AWS's): the assumed latency added to each invocation's billed time.
fn latency_ms(service: &str) -> f64 {
    match service {
        "DynamoDB" => 5.0,
        "S3" => 20.0,
        "Cognito Identity Provider" => 50.0,
        "SESv2" => 30.0,
        "EventBridge" | "Scheduler" => 15.0,
        _ => 20.0,
    }
}

/// `infra bench-cost` flags.
#[derive(Debug, Clone)]
pub struct CostOptions {
    pub customers: usize,
    pub computers: usize,
    pub history_days: i64,
    pub rounds: usize,
    pub events: usize,
    pub seed: u64,
}

impl Default for CostOptions {
    fn default() -> Self {
        CostOptions {
            customers: 4,
            computers: 25,
            history_days: 30,
            rounds: 3,
            events: 1000,
            seed: 11,
        }
    }
}

impl CostOptions {
    fn command(&self) -> String {
        let d = CostOptions::default();
        let flags = [
            ("customers", self.customers, d.customers),
            ("computers", self.computers, d.computers),
            (
                "history-days",
                self.history_days as usize,
                d.history_days as usize,
            ),
            ("rounds", self.rounds, d.rounds),
            ("events", self.events, d.events),
            ("seed", self.seed as usize, d.seed as usize),
        ];
        super::command_line("bench-cost", &flags)
    }
}

pub fn cost_options(args: &[String]) -> anyhow::Result<CostOptions> {
    let mut o = CostOptions::default();
    let mut i = 1;
    while i < args.len() {
        let v: usize = args
            .get(i + 1)
            .with_context(|| format!("{} needs a value", args[i]))?
            .parse()
            .with_context(|| format!("{}: a number", args[i]))?;
        match args[i].as_str() {
            "--customers" => o.customers = v.max(2),
            "--computers" => o.computers = v.max(1),
            "--history-days" => o.history_days = v.max(1) as i64,
            "--rounds" => o.rounds = v.max(1),
            "--events" => o.events = v.max(1),
            "--seed" => o.seed = v as u64,
            other => anyhow::bail!("bench-cost: unknown flag {other}"),
        }
        i += 2;
    }
    Ok(o)
}

fn progress(msg: impl AsRef<str>) {
    eprintln!("bench-cost: {}", msg.as_ref());
}

/// Bytes of log lines written, at the deployed level and format (JSON, `info`).
static LOG_BYTES: AtomicU64 = AtomicU64::new(0);

struct CountingWriter;

impl io::Write for CountingWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        LOG_BYTES.fetch_add(buf.len() as u64, Ordering::Relaxed);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The functions' subscriber as deployed (`api::telemetry::init` in Lambda), its lines
/// counted instead of printed.
fn count_logs() {
    let _ = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_target(false)
        .json()
        .with_current_span(true)
        .with_span_list(false)
        .flatten_event(true)
        .with_writer(|| CountingWriter)
        .try_init();
}

/// Every AWS operation the functions performed, real or stood in for (the outbox for
/// SES, the local dispatcher for EventBridge), by (service, operation).
static OPERATIONS: Mutex<BTreeMap<(String, String), u64>> = Mutex::new(BTreeMap::new());

fn observe(o: adapters::aws::Observed<'_>) {
    let mut ops = OPERATIONS.lock().unwrap_or_else(|e| e.into_inner());
    *ops.entry((o.service.to_string(), o.operation.to_string()))
        .or_default() += 1;
}

fn operations() -> BTreeMap<(String, String), u64> {
    OPERATIONS.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

/// Events the functions published, as the local dispatcher received them: (function,
/// event).
type Published = Arc<Mutex<Vec<(String, Value)>>>;

async fn dispatcher() -> anyhow::Result<(String, Published)> {
    let published: Published = Arc::default();
    let keep = published.clone();
    let app = Router::new().route(
        "/2015-03-31/functions/{function}/invocations",
        post(move |Path(f): Path<String>, Json(e): Json<Value>| {
            let keep = keep.clone();
            async move {
                keep.lock().unwrap_or_else(|e| e.into_inner()).push((f, e));
                (StatusCode::OK, Json(json!({})))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok((format!("http://{addr}"), published))
}

/// The functions' memory in MB, as `template.yaml` sets it (read at bench time).
fn memory(template: &testkit::resources::Template) -> BTreeMap<String, f64> {
    let default = 128.0;
    let global = template_global_memory().unwrap_or(default);
    template
        .functions()
        .into_iter()
        .filter_map(|(_, binary, resource)| {
            let mb = resource
                .get("Properties")
                .and_then(|p| p.get("MemorySize"))
                .and_then(serde_yaml::Value::as_f64)
                .unwrap_or(global);
            Some((binary?.to_string(), mb))
        })
        .collect()
}

fn template_text() -> String {
    std::fs::read_to_string("template.yaml").unwrap_or_else(|_| testkit::resources::TEMPLATE.into())
}

fn template_global_memory() -> Option<f64> {
    let doc: serde_yaml::Value = serde_yaml::from_str(&template_text()).ok()?;
    super::global_setting(&doc, "MemorySize")
}

/// One measured invocation, or the sum of several.
#[derive(Debug, Clone, Default)]
struct Sample {
    usage: Usage,
    dynamodb_calls: f64,
    items_written: f64,
    billed_ms: f64,
    by_kind: BTreeMap<String, (u64, f64, f64)>,
    created: BTreeMap<String, u64>,
}

impl Sample {
    fn add(&mut self, o: &Sample) {
        self.usage = self.usage + o.usage;
        self.dynamodb_calls += o.dynamodb_calls;
        self.items_written += o.items_written;
        self.billed_ms += o.billed_ms;
        for (k, (n, t, i)) in &o.by_kind {
            let e = self.by_kind.entry(k.clone()).or_default();
            e.0 += n;
            e.1 += t;
            e.2 += i;
        }
        for (k, n) in &o.created {
            *self.created.entry(k.clone()).or_default() += n;
        }
    }

    /// What each of `n` more adds: (`self` − `fewer`) / `n`, at least zero.
    fn slope(&self, fewer: &Sample, n: f64) -> Sample {
        let d = |a: f64, b: f64| (a - b).max(0.0) / n;
        Sample {
            usage: self.usage.less(fewer.usage) * (1.0 / n),
            dynamodb_calls: d(self.dynamodb_calls, fewer.dynamodb_calls),
            items_written: d(self.items_written, fewer.items_written),
            billed_ms: d(self.billed_ms, fewer.billed_ms),
            ..Sample::default()
        }
    }

    /// `self` less `n` times `each`, at least zero.
    fn without(&self, each: &Sample, n: f64) -> Sample {
        let d = |a: f64, b: f64| (a - b * n).max(0.0);
        Sample {
            usage: self.usage.less(each.usage * n),
            dynamodb_calls: d(self.dynamodb_calls, each.dynamodb_calls),
            items_written: d(self.items_written, each.items_written),
            billed_ms: d(self.billed_ms, each.billed_ms),
            ..Sample::default()
        }
    }

    fn per(&self, n: f64) -> Sample {
        let n = n.max(1.0);
        Sample {
            usage: self.usage * (1.0 / n),
            dynamodb_calls: self.dynamodb_calls / n,
            items_written: self.items_written / n,
            billed_ms: self.billed_ms / n,
            by_kind: self.by_kind.clone(),
            created: self.created.clone(),
        }
    }
}

/// How an invocation was started, for what it adds besides the function.
#[derive(Clone, Copy, PartialEq)]
enum Trigger {
    /// Through the HTTP API: an API request and a trace.
    Api,
    /// By an event on the bus (the trace continues the publisher's).
    Event,
    /// By a schedule: a new trace (and for report schedules, a Scheduler invocation).
    Schedule,
}

struct Bench {
    stack: TestStack,
    meter: Meter,
    memory: BTreeMap<String, f64>,
    published: Published,
}

impl Bench {
    async fn new() -> anyhow::Result<Bench> {
        let template = testkit::resources::Template::bundled()?;
        let indexes = template
            .table()?
            .global_secondary_indexes
            .iter()
            .map(|g| units::Index {
                name: g.index_name.clone(),
                keys: g
                    .key_schema
                    .iter()
                    .map(|k| k.attribute_name.clone())
                    .collect(),
            })
            .collect();
        let meter = Meter::new(indexes);
        let (invoke_url, published) = dispatcher().await?;
        let stack = testkit::stack_with(testkit::Options {
            events: Some(adapters::config::EventMode::Local {
                invoke_url,
                routes: vec![
                    ("AlertRaised".into(), "notifier".into()),
                    ("ReportRequested".into(), "report-worker".into()),
                ],
            }),
            http_client: Some(meter.http_client(adapters::tls::sdk_http_client())),
            ..testkit::Options::default()
        })
        .await;
        let plain = testkit::sdk_config(&stack.endpoint).await;
        meter.read_with(aws_sdk_dynamodb::Client::new(&plain));
        let parsed = testkit::resources::Template::parse(&template_text())?;
        Ok(Bench {
            stack,
            meter,
            memory: memory(&parsed),
            published,
        })
    }

    fn outbox_bytes(&self) -> u64 {
        std::fs::read_dir(&self.stack.outbox)
            .map(|d| {
                d.filter_map(Result::ok)
                    .filter_map(|e| e.metadata().ok())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0)
    }

    /// Runs `work` as one invocation of `function` and measures it.
    async fn measure<T, F>(&self, function: &str, trigger: Trigger, work: F) -> (T, Sample)
    where
        F: std::future::Future<Output = T>,
    {
        self.stack.counter.reset();
        self.meter.take();
        let ops = operations();
        let logs = LOG_BYTES.load(Ordering::Relaxed);
        let mail = self.outbox_bytes();
        let started = Instant::now();
        let out = work.await;
        let wall = started.elapsed();
        let usage = self.stack.counter.usage();
        let m = self.meter.take();
        let after = operations();
        let delta = |service: &str, op: Option<&str>| -> f64 {
            after
                .iter()
                .filter(|((s, o), _)| s == service && op.is_none_or(|op| o == op))
                .map(|(k, n)| n - ops.get(k).copied().unwrap_or(0))
                .sum::<u64>() as f64
        };
        let waited: f64 = after
            .iter()
            .map(|((s, o), n)| {
                (n - ops.get(&(s.clone(), o.clone())).copied().unwrap_or(0)) as f64 * latency_ms(s)
            })
            .sum();
        let mb = self.memory.get(function).copied().unwrap_or(256.0);
        let own = wall.saturating_sub(usage.time_waiting);
        let billed_ms = (own.as_secs_f64() * 1000.0 * (FULL_VCPU_MB / mb).max(1.0) + waited)
            .ceil()
            .max(1.0);
        let emails = delta("SESv2", None);
        let sample = Sample {
            usage: Usage {
                api_requests: (trigger == Trigger::Api) as u8 as f64,
                lambda_invocations: 1.0,
                lambda_gb_seconds: billed_ms / 1000.0 * mb / 1024.0,
                read_units: m.read_units,
                write_units: m.write_units(),
                index_write_units: m.write_units_indexes,
                s3_puts: delta("S3", Some("PutObject")),
                s3_gets: delta("S3", Some("GetObject")),
                s3_put_bytes: m.s3_put_bytes as f64,
                emails,
                email_bytes: (self.outbox_bytes().saturating_sub(mail)) as f64,
                events: delta("EventBridge", Some("PutEvents")),
                scheduler_invocations: 0.0,
                log_bytes: (LOG_BYTES.load(Ordering::Relaxed) - logs) as f64 + PLATFORM_LOG_BYTES,
                traces: (trigger != Trigger::Event) as u8 as f64,
                active_users: 0.0,
                stored_bytes: 0.0,
            },
            dynamodb_calls: self.stack.counter.service("DynamoDB") as f64,
            items_written: usage.items_written as f64,
            billed_ms,
            by_kind: m.by_kind,
            created: m.created,
        };
        (out, sample)
    }

    fn take_published(&self, function: &str) -> Vec<Value> {
        let mut all = self.published.lock().unwrap_or_else(|e| e.into_inner());
        let (mine, rest): (Vec<_>, Vec<_>) = all.drain(..).partition(|(f, _)| f == function);
        *all = rest;
        mine.into_iter().map(|(_, e)| e).collect()
    }
}

fn ok(a: &Answer, what: &str) -> anyhow::Result<()> {
    ensure!(a.status.is_success(), "{what}: {} {}", a.status, a.text);
    Ok(())
}

/// The pages a user opens and the requests each makes (web/src: the page's `api.GET`s
/// on load).
const PAGES: [(&str, &str, &[&str]); 4] = [
    (
        "Home",
        "dashboard",
        &[
            "/api/v1/dashboard",
            "/api/v1/dashboard/layout",
            "/api/v1/news",
        ],
    ),
    (
        "Customers",
        "customers",
        &["/api/v1/customers", "/api/v1/catalog"],
    ),
    ("Alerts", "alerts", &["/api/v1/alerts"]),
    ("Reports", "reports", &["/api/v1/reports"]),
];

/// Everything measured, before the month is made of it.
struct Run {
    units: model::Measured,
    samples: Vec<(String, Sample)>,
    assumptions: Assumptions,
    idle_tick: Sample,
    alerts_raised: u64,
    events_sent: usize,
    inventory_kinds: BTreeMap<String, (u64, f64, f64)>,
    event_kinds: BTreeMap<String, (u64, f64, f64)>,
}

pub async fn run_cost(o: CostOptions) -> anyhow::Result<String> {
    let started = Instant::now();
    count_logs();
    adapters::aws::observe_operations(observe);
    let b = Bench::new().await?;
    let run = measure_all(&b, &o).await?;
    drop(b);
    progress("the empty stack's ticks");
    let empty = Bench::new().await?;
    let idle_tick = ticks(&empty).await?;
    let mut run = Run { idle_tick, ..run };
    run.units.tick_share = run.units.tick_share.less(run.idle_tick.usage);
    let alarms = testkit::resources::Template::parse(&template_text())?
        .resources()
        .filter(|(_, t, _)| *t == "AWS::CloudWatch::Alarm")
        .count();
    Ok(report(&o, &run, alarms, started.elapsed()))
}

async fn ticks(b: &Bench) -> anyhow::Result<Sample> {
    let state = b.stack.function("scheduler");
    let start = Utc::now();
    let mut all = Sample::default();
    let n = (model::TICKS / model::DAYS) as i64;
    for i in 0..n {
        let at = start + Duration::minutes(15 * i);
        let (r, s) = b
            .measure("scheduler", Trigger::Schedule, scheduler::tick(&state, at))
            .await;
        r.map_err(|e| anyhow::anyhow!("a tick: {e}"))?;
        all.add(&s);
    }
    Ok(all.per(n as f64))
}

async fn measure_all(b: &Bench, o: &CostOptions) -> anyhow::Result<Run> {
    let of = |name| b.stack.function(name);
    let auth = auth::app(of("auth"));
    let customers = customers::app(of("customers"));
    let ingest = ingest::app(of("ingest"));
    let dashboard = dashboard::app(of("dashboard"));
    let alerts = alerts::app(of("alerts"));
    let reports = reports_http::app(of("reports"));
    let schedules = report_schedules::app(of("report-schedules"));
    let users = users::app(of("users"));
    let email = "owner@bench-cost.example";
    let (account, token) = b
        .stack
        .confirmed_partner(&auth, email, "Bench Cost Partners")
        .await;
    let partner = account["partner"]["id"]
        .as_str()
        .context("partner id")?
        .to_string();
    let admin = account["user"]["id"]
        .as_str()
        .context("user id")?
        .to_string();

    // The fleet (not measured).
    progress(format!(
        "adding {} customers of {} computers, {} days of history",
        o.customers, o.computers, o.history_days
    ));
    let now = Utc::now();
    let mut fleets = Vec::new();
    let mut history_events = 0usize;
    for n in 0..o.customers {
        let body = super::add_trial_customer(
            &customers,
            &token,
            IP,
            (
                &format!("Bench Cost Customer {n:03}"),
                &format!("it{n}@bench-cost.example"),
                "partnerManaged",
            ),
        )
        .await?;
        let id = body["customer"]["id"].as_str().context("id")?.to_string();
        let key = body["ingestionKey"].as_str().context("key")?.to_string();
        let spec = Spec {
            seed: o.seed,
            customer: n,
            computers: o.computers,
            history_days: o.history_days,
            agent_version: adapters::config::DEFAULT_AGENT_VERSION,
        };
        let fleet = simulator::fleet(&spec, now);
        history_events += fleet.events.len();
        for (kind, body) in fleet
            .computers
            .chunks(domain::telemetry::MAX_BATCH)
            .map(|c| ("computers", json!({ "computers": c })))
            .chain(
                fleet
                    .events
                    .chunks(domain::telemetry::MAX_BATCH)
                    .map(|e| ("events", json!({ "events": e }))),
            )
        {
            let a = ingest_request(&ingest, &id, &key, kind, &body).await?;
            ok(&a, "the fleet's history")?;
        }
        fleets.push((id, key, spec, fleet.computers));
    }
    // An email rule for new errors, to the administrator (measured per alert).
    let a = call(
        &users,
        "POST",
        &format!("/api/v1/users/{admin}/contacts"),
        &token,
        Some(&json!({"type": "email", "address": "oncall@bench-cost.example", "primary": true})),
        IP,
    )
    .await;
    ok(&a, "the administrator's email contact")?;
    let a = call(
        &alerts,
        "POST",
        "/api/v1/alert-rules",
        &token,
        Some(&json!({
            "name": "Errors to the administrator", "enabled": true,
            "categories": [{"service": "endpointProtection", "severity": "error"}],
            "computers": {"scope": "all"}, "recipients": [admin], "webhook": null,
        })),
        IP,
    )
    .await;
    ok(&a, "the alert rule")?;
    b.take_published("notifier");

    let mut samples = Vec::new();

    // A sign-in: the web app's sign-in and the account it loads.
    progress("sign-ins");
    let mut sign_in = Sample::default();
    let n = 5;
    for _ in 0..n {
        let (a, s) = b
            .measure("auth", Trigger::Api, sign_in_request(&auth, email))
            .await;
        ok(&a, "a sign-in")?;
        sign_in.add(&s);
        let (a, s) = b
            .measure("auth", Trigger::Api, get(&auth, "/api/v1/me", &token, IP))
            .await;
        ok(&a, "/me")?;
        sign_in.add(&s);
    }
    let sign_in = sign_in.per(n as f64);

    // Page views: each page's requests, the pages equally often.
    progress("page views");
    let mut page_view = Sample::default();
    let views = 3;
    for (page, function, paths) in PAGES {
        let app = match function {
            "dashboard" => &dashboard,
            "customers" => &customers,
            "alerts" => &alerts,
            _ => &reports,
        };
        let mut one = Sample::default();
        for _ in 0..views {
            for path in paths {
                let (a, s) = b
                    .measure(function, Trigger::Api, get(app, path, &token, IP))
                    .await;
                ok(&a, path)?;
                one.add(&s);
            }
        }
        let one = one.per(views as f64);
        samples.push((format!("page: {page}"), one.clone()));
        page_view.add(&one);
    }
    let page_view = page_view.per(PAGES.len() as f64);

    // Inventory: every customer's fleet checks in, `rounds` times; and each time the
    // first customer's first few computers alone, for what one computer's report adds.
    progress("inventory reports");
    let few = (o.computers / 5).max(1);
    let mut inventory = Sample::default();
    let mut inventory_few = Sample::default();
    let mut requests = 0;
    for _ in 0..o.rounds {
        for (n, (id, key, _, computers)) in fleets.iter().enumerate() {
            let sizes: &[usize] = if n == 0 {
                &[few, computers.len()]
            } else {
                &[computers.len()]
            };
            for size in sizes {
                let seen = Utc::now();
                let batch: Vec<_> = computers[..*size]
                    .iter()
                    .map(|c| {
                        let mut c = c.clone();
                        c.last_seen = seen;
                        c
                    })
                    .collect();
                let body = json!({ "computers": batch });
                let (a, s) = b
                    .measure(
                        "ingest",
                        Trigger::Api,
                        ingest_request(&ingest, id, key, "computers", &body),
                    )
                    .await;
                ok(&a?, "an inventory report")?;
                if *size == few && few < computers.len() {
                    inventory_few.add(&s);
                } else {
                    inventory.add(&s);
                    requests += 1;
                }
            }
        }
    }
    let inventory_kinds = inventory.by_kind.clone();
    let inventory = inventory.per(requests as f64);
    let inventory_few = inventory_few.per(o.rounds as f64);
    let computer_report = inventory.slope(
        &inventory_few,
        (o.computers.saturating_sub(few)).max(1) as f64,
    );
    let inventory_fixed = inventory.without(&computer_report, o.computers as f64);

    // Live events, one a request (a fleet's events are minutes apart).
    progress(format!("{} live events", o.events));
    let mut events = Sample::default();
    let mut rngs: Vec<_> = fleets.iter().map(|f| simulator::live(&f.2)).collect();
    for i in 0..o.events {
        let f = i % fleets.len();
        let (id, key, spec, computers) = &fleets[f];
        let rng = &mut rngs[f];
        let computer = &computers[rand::Rng::random_range(rng, 0..computers.len())];
        let event = simulator::event(rng, spec, computer, Utc::now(), 1_000_000 + i as u64);
        let body = json!({ "events": [event] });
        let (a, s) = b
            .measure(
                "ingest",
                Trigger::Api,
                ingest_request(&ingest, id, key, "events", &body),
            )
            .await;
        ok(&a?, "an event")?;
        events.add(&s);
    }
    let alerts_raised = events.created.get("Alert").copied().unwrap_or(0);
    let event_kinds = events.by_kind.clone();
    let event = events.per(o.events as f64);

    // Alerts: the notifier's work for each alert raised (at least one, from an
    // unresolved risk on the first customer's first computer).
    progress(format!("{alerts_raised} alerts raised; notifying"));
    let (id, key, spec, computers) = &fleets[0];
    let mut rng = simulator::live(spec);
    let mut risk = simulator::event(&mut rng, spec, &computers[0], Utc::now(), 9_000_000);
    risk.detail = domain::telemetry::EventDetail::RiskDetection {
        risk: "Bench.Unresolved".into(),
        category: Some("Virus".into()),
        action: domain::telemetry::RiskAction::Unresolved,
        file: None,
    };
    let a = ingest_request(&ingest, id, key, "events", &json!({ "events": [risk] })).await?;
    ok(&a, "an unresolved risk")?;
    let notifier_state = of("notifier");
    let raised = b.take_published("notifier");
    ensure!(!raised.is_empty(), "an unresolved risk raises an alert");
    let mut alert = Sample::default();
    for e in &raised {
        let (r, s) = b
            .measure(
                "notifier",
                Trigger::Event,
                notifier::handle(&notifier_state, e.clone()),
            )
            .await;
        r.map_err(|e| anyhow::anyhow!("the notifier: {e}"))?;
        alert.add(&s);
    }
    let alert = alert.per(raised.len() as f64);
    ensure!(
        alert.usage.emails > 0.0,
        "the rule emails the administrator"
    );

    // Reports: on demand over one customer and over all; then a scheduled one, emailed.
    progress("reports");
    let ids: Vec<&str> = fleets.iter().map(|f| f.0.as_str()).collect();
    let worker = of("report-worker");
    let on_demand = |over: Vec<&str>| {
        json!({"name": "Bench summary", "type": "customerExecutiveSummary", "formats": ["pdf"],
            "options": {"period": {"kind": "last", "range": "30d"}, "customers": over}})
    };
    let mut report_over = Vec::new();
    for over in [vec![ids[0]], ids.clone()] {
        let body = on_demand(over);
        let (a, mut s) = b
            .measure(
                "reports",
                Trigger::Api,
                call(&reports, "POST", "/api/v1/reports", &token, Some(&body), IP),
            )
            .await;
        ok(&a, "a report")?;
        let requested = b.take_published("report-worker");
        ensure!(requested.len() == 1, "one ReportRequested");
        let (r, w) = b
            .measure(
                "report-worker",
                Trigger::Event,
                report_worker::handle(&worker, requested[0].clone()),
            )
            .await;
        r.map_err(|e| anyhow::anyhow!("the report worker: {e}"))?;
        s.add(&w);
        report_over.push(s);
    }
    let per_customer =
        report_over[1].usage.less(report_over[0].usage) * (1.0 / (ids.len() - 1) as f64);
    let report_fixed = report_over[0].usage.less(per_customer);
    let template = call(
        &reports,
        "POST",
        "/api/v1/report-templates",
        &token,
        Some(&on_demand(ids.clone())),
        IP,
    )
    .await;
    ok(&template, "a report template")?;
    let schedule = call(
        &schedules,
        "POST",
        "/api/v1/report-schedules",
        &token,
        Some(
            &json!({"name": "Bench weekly", "templateId": template.body["id"],
            "frequency": "weekly", "hour": 6,
            "delivery": {"emails": ["owner@bench-cost-customer.example"], "attach": true}}),
        ),
        IP,
    )
    .await;
    ok(&schedule, "a report schedule")?;
    let due = json!({
        "source": "partner-console.scheduler",
        "detail-type": adapters::schedules::SCHEDULE_DUE,
        "time": Utc::now().to_rfc3339(),
        "detail": {"partnerId": partner, "scheduleId": schedule.body["id"]},
    });
    let (r, mut scheduled) = b
        .measure(
            "report-worker",
            Trigger::Schedule,
            report_worker::handle(&worker, due),
        )
        .await;
    let r = r.map_err(|e| anyhow::anyhow!("the scheduled report: {e}"))?;
    ensure!(r.get("ready").is_some(), "the scheduled report: {r}");
    ensure!(
        scheduled.usage.emails >= 1.0,
        "the scheduled report is emailed"
    );
    scheduled.usage.scheduler_invocations = 1.0;
    let scheduled_fixed = scheduled.usage.less(per_customer * ids.len() as f64);

    // A day of ticks with this partner's data; the empty stack's come later.
    progress("a day of scheduler ticks");
    let partner_ticks = ticks(b).await?;

    // Storage: the table's items and their index copies, with 100 bytes of overhead
    // each, events brought to the retention period.
    let mut stored = 0.0;
    let indexes = ["gsi1pk", "gsi2pk", "gsi3pk"];
    let retention = domain::telemetry::DEFAULT_RETENTION_DAYS as f64 / o.history_days.max(1) as f64;
    for item in b.stack.items().await {
        let copies = 1 + indexes.iter().filter(|k| item.contains_key(**k)).count();
        let bytes = (super::sizes::item_size(&item) + 100) as f64 * copies as f64;
        let is_event = item
            .get("kind")
            .and_then(|k| k.as_s().ok())
            .is_some_and(|k| k == "Event");
        stored += if is_event { bytes * retention } else { bytes };
    }
    let computers = (o.customers * o.computers) as f64;

    samples.insert(0, ("sign-in".into(), sign_in.clone()));
    samples.push(("page view (average)".into(), page_view.clone()));
    samples.push((
        format!("inventory report ({} computers)", o.computers),
        inventory.clone(),
    ));
    samples.push((
        format!(
            "inventory report ({few} computer{})",
            if few == 1 { "" } else { "s" }
        ),
        inventory_few,
    ));
    samples.push((
        "one computer's report (the difference, per computer)".into(),
        computer_report.clone(),
    ));
    samples.push((
        "an inventory request's fixed part".into(),
        inventory_fixed.clone(),
    ));
    samples.push(("event".into(), event.clone()));
    samples.push(("alert notified".into(), alert.clone()));
    samples.push((
        "report over 1 customer (request and worker)".into(),
        report_over[0].clone(),
    ));
    samples.push((
        format!("report over {} customers", ids.len()),
        report_over[1].clone(),
    ));
    samples.push((
        format!("scheduled report over {} customers, emailed", ids.len()),
        scheduled.clone(),
    ));
    samples.push((
        "scheduler tick (with this partner)".into(),
        partner_ticks.clone(),
    ));

    let events_per_computer_day = history_events as f64 / computers / o.history_days.max(1) as f64;
    let alerts_per_event = alerts_raised as f64 / o.events as f64;
    Ok(Run {
        units: model::Measured {
            sign_in: sign_in.usage,
            page_view: page_view.usage,
            inventory_request: inventory_fixed.usage,
            computer_report: computer_report.usage,
            event: event.usage,
            alert: alert.usage,
            report: report_fixed,
            report_per_customer: per_customer,
            scheduled_report: scheduled_fixed,
            // The partner's share: set once the empty stack's ticks are measured.
            tick_share: partner_ticks.usage,
            stored_bytes_per_computer: stored / computers,
        },
        samples,
        assumptions: Assumptions {
            computers_per_customer: o.computers as u64,
            working_days: 22.0,
            page_views_per_user_day: 20.0,
            inventory_minutes: 10.0,
            events_per_computer_day,
            alerts_per_event,
            on_demand_reports: 4.0,
            scheduled_reports: 4.0,
        },
        idle_tick: Sample::default(),
        alerts_raised,
        events_sent: o.events,
        inventory_kinds,
        event_kinds,
    })
}

async fn sign_in_request(auth: &Router, email: &str) -> Answer {
    sign_in(auth, email, PASSWORD, IP).await
}

async fn ingest_request(
    ingest: &Router,
    customer: &str,
    key: &str,
    kind: &str,
    body: &Value,
) -> anyhow::Result<Answer> {
    let req = request("POST", &format!("/api/v1/ingest/{customer}/{kind}"))
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {key}"))
        .body(Body::from(body.to_string()))?;
    Ok(send(ingest, req, IP).await)
}

fn usd(v: f64) -> String {
    if v >= 100.0 {
        format!("${v:.0}")
    } else if v >= 1.0 {
        format!("${v:.2}")
    } else if v >= 0.01 {
        format!("${v:.3}")
    } else if v == 0.0 {
        "$0".into()
    } else {
        format!("${v:.4}")
    }
}

fn num(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else if v.abs() >= 100.0 {
        let s = format!("{:.0}", v);
        let (sign, digits) = s.split_at(if v < 0.0 { 1 } else { 0 });
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        format!("{sign}{out}")
    } else if v.fract() == 0.0 {
        format!("{v:.0}")
    } else if v.abs() >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

fn report(o: &CostOptions, run: &Run, alarms: usize, took: StdDuration) -> String {
    let mut s = String::new();
    let a = &run.assumptions;
    let _ = writeln!(
        s,
        "Cost benchmark run {} on {} ({} CPUs) against the local moto server, {:.0} s in all:\n\n```sh\n{}\n```\n",
        Utc::now().format("%Y-%m-%d %H:%M UTC"),
        std::env::consts::ARCH,
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        took.as_secs_f64(),
        o.command()
    );

    // The three sizes.
    let months: Vec<_> = SIZES.iter().map(|n| a.month(*n)).collect();
    let parts: Vec<_> = months
        .iter()
        .map(|m| model::partner_month(&run.units, m))
        .collect();
    let totals: Vec<_> = parts.iter().map(|p| model::sum(p)).collect();
    let lines: Vec<_> = totals.iter().map(model::dollars).collect();
    let _ = writeln!(
        s,
        "**Dollars per partner per month** at on-demand prices (us-east-1, Arm Lambda; free tiers not subtracted), by service:\n"
    );
    let _ = writeln!(
        s,
        "| Service | line | {} |\n|---|---|---:|---:|---:|",
        SIZES
            .iter()
            .map(|n| format!("{} computers", num(*n as f64)))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    for (i, (service, what, _)) in lines[0].iter().enumerate() {
        let _ = writeln!(
            s,
            "| {service} | {what} | {} |",
            lines
                .iter()
                .map(|l| usd(l[i].2))
                .collect::<Vec<_>>()
                .join(" | ")
        );
    }
    let _ = writeln!(
        s,
        "| **In all** | | {} |\n",
        totals
            .iter()
            .map(|t| format!("**{}**", usd(model::total(t))))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    let _ = writeln!(s, "By activity (all services):\n");
    let _ = writeln!(
        s,
        "| Activity | {} |\n|---|---:|---:|---:|",
        SIZES
            .iter()
            .map(|n| format!("{} computers", num(*n as f64)))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    for (i, (name, _)) in parts[0].iter().enumerate() {
        let _ = writeln!(
            s,
            "| {name} | {} |",
            parts
                .iter()
                .map(|p| usd(model::total(&p[i].1)))
                .collect::<Vec<_>>()
                .join(" | ")
        );
    }

    // The dominant cost at the largest size.
    let largest = lines.last().cloned().unwrap_or_default();
    let total = model::total(totals.last().unwrap_or(&Usage::default()));
    if let Some((service, what, d)) = largest.iter().max_by(|x, y| x.2.total_cmp(&y.2)).copied() {
        let by_activity = parts
            .last()
            .and_then(|p| {
                p.iter()
                    .map(|(n, u)| {
                        let l = model::dollars(u);
                        let v = l
                            .iter()
                            .find(|(s2, w2, _)| *s2 == service && *w2 == what)
                            .map_or(0.0, |x| x.2);
                        (*n, v)
                    })
                    .max_by(|x, y| x.1.total_cmp(&y.1))
            })
            .unwrap_or(("", 0.0));
        let _ = writeln!(
            s,
            "\nDominant cost at {} computers: **{service} {what}**, {} of {} ({:.0}%), most of it from {} ({}).\n",
            num(*SIZES.last().unwrap_or(&0) as f64),
            usd(d),
            usd(total),
            100.0 * d / total.max(1e-12),
            by_activity.0,
            usd(by_activity.1),
        );
    }
    if let Some(t) = totals.last() {
        let _ = writeln!(
            s,
            "DynamoDB write request units at {} computers: {} a month, {:.0}% of them index writes.\n",
            num(*SIZES.last().unwrap_or(&0) as f64),
            num(t.write_units),
            100.0 * t.index_write_units / t.write_units.max(1e-12)
        );
    }

    // The activity model.
    let _ = writeln!(
        s,
        "**The month** (a 30-day month; what each size does):\n\n| | {} |\n|---|---:|---:|---:|",
        SIZES
            .iter()
            .map(|n| format!("{} computers", num(*n as f64)))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    let row = |s: &mut String, label: &str, f: &dyn Fn(&model::Month) -> f64| {
        let _ = writeln!(
            s,
            "| {label} | {} |",
            months
                .iter()
                .map(|m| num(f(m)))
                .collect::<Vec<_>>()
                .join(" | ")
        );
    };
    row(&mut s, "customers", &|m| m.customers as f64);
    row(&mut s, "users (Cognito MAU)", &|m| m.users as f64);
    row(&mut s, "sign-ins", &|m| m.sign_ins);
    row(&mut s, "page views", &|m| m.page_views);
    row(
        &mut s,
        "inventory requests (one customer's fleet each)",
        &|m| m.inventory_requests,
    );
    row(&mut s, "computers' reports in them", &|m| {
        m.computer_reports
    });
    row(&mut s, "events (one a request)", &|m| m.events);
    row(&mut s, "alerts notified", &|m| m.alerts);
    row(&mut s, "reports on demand", &|m| m.reports);
    row(&mut s, "scheduled reports, emailed", &|m| {
        m.scheduled_reports
    });
    row(&mut s, "scheduler ticks (the partner's share)", &|m| {
        m.ticks
    });
    let _ = writeln!(
        s,
        "\nFrom the run: {:.3} events per computer a day (the simulated fleets' history), {} alerts raised by {} events ({:.4} an event).\n",
        a.events_per_computer_day, run.alerts_raised, run.events_sent, a.alerts_per_event
    );

    // The measured inputs.
    let _ = writeln!(
        s,
        "**Measured per unit of activity** (means). *Billed ms*: the handler's own time scaled to the function's CPU share plus the assumed latency of each AWS call; *RRU*/*WRU*: DynamoDB request units by DynamoDB's rules, *of which index*: the WRU of global secondary index writes.\n\n\
         | Unit | Lambda invocations | billed ms | DynamoDB calls | items written | RRU | WRU | of which index | S3 PUT | emails | events | log KB |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    for (name, smp) in &run.samples {
        let u = &smp.usage;
        let _ = writeln!(
            s,
            "| {name} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.1} |",
            num(u.lambda_invocations),
            num(smp.billed_ms),
            num(smp.dynamodb_calls),
            num(smp.items_written),
            num(u.read_units),
            num(u.write_units),
            num(u.index_write_units),
            num(u.s3_puts),
            num(u.emails),
            num(u.events),
            u.log_bytes / 1024.0,
        );
    }
    let _ = writeln!(
        s,
        "\nReport bytes put in S3: {} KB for one customer, {} KB for all; email bytes of the scheduled report: {} KB. Stored per computer (items, index copies, 100 bytes of overhead each; events kept {} days): {:.1} KB.\n",
        num(run.samples.iter().find(|x| x.0.starts_with("report over 1")).map_or(0.0, |x| x.1.usage.s3_put_bytes / 1024.0)),
        num(run.samples.iter().find(|x| x.0.starts_with("report over ") && !x.0.starts_with("report over 1")).map_or(0.0, |x| x.1.usage.s3_put_bytes / 1024.0)),
        num(run.samples.iter().find(|x| x.0.starts_with("scheduled")).map_or(0.0, |x| x.1.usage.email_bytes / 1024.0)),
        domain::telemetry::DEFAULT_RETENTION_DAYS,
        run.units.stored_bytes_per_computer / 1024.0,
    );
    for (label, kinds) in [
        ("inventory reports", &run.inventory_kinds),
        ("events", &run.event_kinds),
    ] {
        let total: f64 = kinds.values().map(|(_, t, i)| t + i).sum();
        let mut rows: Vec<_> = kinds.iter().collect();
        rows.sort_by(|x, y| (y.1 .1 + y.1 .2).total_cmp(&(x.1 .1 + x.1 .2)));
        let _ = writeln!(
            s,
            "Writes of the {label} by item kind (all measured requests):\n\n| item | writes | table WRU | index WRU | share |\n|---|---:|---:|---:|---:|"
        );
        for (kind, (n, t, i)) in rows {
            let _ = writeln!(
                s,
                "| {kind} | {} | {} | {} | {:.0}% |",
                num(*n as f64),
                num(*t),
                num(*i),
                100.0 * (t + i) / total.max(1e-12)
            );
        }
        let _ = writeln!(s);
    }

    // Idle.
    let tick = &run.idle_tick.usage;
    let ticks = *tick * model::TICKS;
    let idle_lines = model::dollars(&ticks);
    let tick_total: f64 = idle_lines.iter().map(|l| l.2).sum();
    let alarm_cost = alarms as f64 * model::ALARM.usd;
    let metric_count = adapters::metrics::Metric::ALL.len();
    let metrics = metric_count as f64 * model::CUSTOM_METRIC.usd;
    let secret = model::SECRET.usd;
    let _ = writeln!(
        s,
        "**Idle cost of the stack** (no partner, no traffic), a month:\n\n| What | $ |\n|---|---:|\n\
         | the scheduler tick every 15 minutes ({} invocations of {} billed ms, {} RRU each, its logs) | {} |\n\
         | CloudWatch alarms in template.yaml: {alarms} × {} | {} |\n\
         | custom metrics (EMF): {metric_count} × {} | {} |\n\
         | Secrets Manager: the origin-verify secret | {} |\n\
         | **In all** | **{}** |\n",
        num(model::TICKS),
        num(run.idle_tick.billed_ms),
        num(tick.read_units),
        usd(tick_total),
        usd(model::ALARM.usd),
        usd(alarm_cost),
        usd(model::CUSTOM_METRIC.usd),
        usd(metrics),
        usd(secret),
        usd(tick_total + alarm_cost + metrics + secret),
    );
    let _ = writeln!(
        s,
        "Prices used (checked {}):\n\n| Service | what | $ | per | free tier (not subtracted) | source |\n|---|---|---:|---|---|---|",
        model::PRICES_CHECKED
    );
    for p in model::PRICES {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |",
            p.service, p.what, p.usd, p.per, p.free_tier, p.source
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_set_the_options_and_the_command_repeats_them() {
        let args: Vec<String> = ["bench-cost", "--events", "20", "--rounds", "1"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let o = cost_options(&args).unwrap();
        assert_eq!((o.events, o.rounds, o.customers), (20, 1, 4));
        assert_eq!(
            o.command(),
            "cargo run --release -q -p infra -- bench-cost --rounds 1 --events 20"
        );
        assert!(cost_options(&["bench-cost".into(), "--what".into(), "1".into()]).is_err());
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(num(1234567.0), "1,234,567");
        assert_eq!(num(-1234.0), "-1,234");
        assert_eq!(num(12.34), "12.3");
        assert_eq!(num(0.5), "0.50");
        assert_eq!(num(10.0), "10");
        assert_eq!(usd(1234.0), "$1234");
        assert_eq!(usd(3.456), "$3.46");
        assert_eq!(usd(0.0123), "$0.012");
        assert_eq!(usd(0.00012), "$0.0001");
    }
}
