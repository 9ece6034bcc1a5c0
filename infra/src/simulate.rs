//! The fleet simulator (`infra simulate`): customers with realistic fleets under a
//! partner, their history, then live events at a chosen rate, all through the ingestion
//! API — in process (the ingest function's router) or over HTTP to a running API.
//!
//! ```text
//! infra simulate --email E --password P [--customers N] [--existing] [--computers M]
//!                [--history-days D] [--seed S] [--rate R] [--duration SECS] [--api URL]
//!                [--no-history]
//! ```
//! `--customers N` adds N customers; `--existing` also takes the partner's current
//! customers (rotating their ingestion keys to learn them). `--rate R` streams R live
//! events a second across the fleets after the history, for `--duration` seconds (or
//! until stopped); `--no-history` streams without sending the history again. Prints what
//! it sent and how fast it went.

use std::time::{Duration as StdDuration, Instant};

use anyhow::{bail, ensure, Context};
use axum::{body::Body, http::Request};
use chrono::Utc;
use domain::telemetry::{ComputerReport, EventReport, MAX_BATCH};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use testkit::simulator;
use testkit::simulator::Spec;
use tower::ServiceExt;

/// What to simulate.
#[derive(Debug, Clone)]
pub struct Options {
    pub email: String,
    pub password: String,
    pub customers: usize,
    pub existing: bool,
    pub computers: usize,
    pub history_days: i64,
    pub seed: u64,
    pub rate: f64,
    pub duration: Option<u64>,
    /// Send the fleets' history (computers and past events) before streaming.
    pub history: bool,
    /// A running API's base address (`http://127.0.0.1:9000`); in process when absent.
    pub api: Option<String>,
}

/// A customer being simulated.
struct Target {
    id: String,
    key: String,
    spec: Spec,
    computers: Vec<ComputerReport>,
}

/// Where requests go.
enum Api {
    InProcess {
        auth: axum::Router,
        customers: axum::Router,
        ingest: axum::Router,
    },
    Http {
        base: String,
        client: reqwest::Client,
    },
}

/// What a run sent, and its time in the ingestion API.
#[derive(Debug, Default, Clone, Copy)]
pub struct Sent {
    pub computers: u64,
    pub events: u64,
    pub requests: u64,
    pub ingest_time: StdDuration,
}

impl Api {
    async fn call(
        &self,
        method: &str,
        path: &str,
        bearer: Option<&str>,
        body: Option<&Value>,
    ) -> anyhow::Result<(u16, Value)> {
        match self {
            Api::InProcess {
                auth,
                customers,
                ingest,
            } => {
                let app = if path.starts_with("/api/v1/auth") {
                    auth
                } else if path.starts_with("/api/v1/ingest") || path.ends_with("/ingestion-key") {
                    ingest
                } else {
                    customers
                };
                let mut request = Request::builder()
                    .method(method)
                    .uri(path)
                    .header("content-type", "application/json");
                if let Some(t) = bearer {
                    request = request.header("authorization", format!("Bearer {t}"));
                }
                let body = body.map(Value::to_string).unwrap_or_default();
                let response = app.clone().oneshot(request.body(Body::from(body))?).await?;
                let status = response.status().as_u16();
                let bytes = response.into_body().collect().await?.to_bytes();
                Ok((status, serde_json::from_slice(&bytes).unwrap_or_default()))
            }
            Api::Http { base, client } => {
                let mut request = client.request(method.parse()?, format!("{base}{path}"));
                if let Some(t) = bearer {
                    request = request.bearer_auth(t);
                }
                if let Some(b) = body {
                    request = request.json(b);
                }
                let response = request.send().await?;
                let status = response.status().as_u16();
                Ok((status, response.json().await.unwrap_or_default()))
            }
        }
    }

    async fn ingest(&self, t: &Target, kind: &str, body: &Value) -> anyhow::Result<()> {
        let path = format!("/api/v1/ingest/{}/{kind}", t.id);
        let (status, answer) = self.call("POST", &path, Some(&t.key), Some(body)).await?;
        ensure!(status == 200, "{path} answered {status}: {answer}");
        Ok(())
    }
}

/// A demo customer's add-customer form.
fn customer_form(n: usize, seed: u64) -> Value {
    const NAMES: &[&str] = &[
        "Northwind",
        "Contoso",
        "Fabrikam",
        "Tailspin",
        "Woodgrove",
        "Litware",
        "Proseware",
        "Adatum",
        "Lamna",
        "Fourth Coffee",
        "Alpine Ski",
        "Margie's Travel",
    ];
    let name = format!("{} {}", NAMES[n % NAMES.len()], n + 1);
    let management = ["partnerManaged", "coManaged", "customerManaged"][n % 3];
    json!({
        "management": management,
        "communications": "shared",
        "company": {
            "name": name, "address1": "1 Fleet Street", "city": "Springfield",
            "postalCode": "10001", "country": "US", "phone": "+1 217 555 0150"
        },
        "contact": {
            "firstName": "Sim", "lastName": "Admin",
            "email": format!("it-{seed}-{n}@simulated-fleet.example"),
            "phone": "+1 217 555 0151", "language": "en", "timeZone": "UTC-06:00",
            "daylightSaving": true
        },
        "products": [{"product": "endpoint-protection", "type": "trial"}]
    })
}

/// Runs the simulation; answers what it sent.
pub async fn run(o: Options) -> anyhow::Result<Sent> {
    let api = match &o.api {
        Some(base) => Api::Http {
            base: base.trim_end_matches('/').to_string(),
            client: adapters::tls::http_client(),
        },
        None => {
            let state = adapters::services::Services::from_env().await?;
            Api::InProcess {
                auth: auth::app(state.clone()),
                customers: customers::app(state.clone()),
                ingest: ingest::app(state),
            }
        }
    };
    let (status, session) = api
        .call(
            "POST",
            "/api/v1/auth/sign-in",
            None,
            Some(&json!({"email": o.email, "password": o.password})),
        )
        .await?;
    ensure!(
        status == 200,
        "signing in as {} answered {status}: {session}",
        o.email
    );
    let token = session["accessToken"]
        .as_str()
        .context("an access token")?
        .to_string();

    let mut ids_and_keys = Vec::new();
    if o.existing {
        let (status, list) = api
            .call("GET", "/api/v1/customers?limit=100", Some(&token), None)
            .await?;
        ensure!(status == 200, "listing customers answered {status}: {list}");
        for c in list["items"].as_array().into_iter().flatten() {
            let id = c["id"].as_str().context("a customer id")?.to_string();
            let path = format!("/api/v1/customers/{id}/ingestion-key");
            let (status, key) = api.call("POST", &path, Some(&token), None).await?;
            ensure!(status == 201, "{path} answered {status}: {key}");
            ids_and_keys.push((id, key["key"].as_str().context("a key")?.to_string()));
        }
    }
    for n in 0..o.customers {
        let (status, added) = api
            .call(
                "POST",
                "/api/v1/customers",
                Some(&token),
                Some(&customer_form(n, o.seed)),
            )
            .await?;
        ensure!(
            status == 201,
            "adding a customer answered {status}: {added}"
        );
        ids_and_keys.push((
            added["customer"]["id"]
                .as_str()
                .context("an id")?
                .to_string(),
            added["ingestionKey"].as_str().context("a key")?.to_string(),
        ));
    }
    if ids_and_keys.is_empty() {
        bail!("no customers: use --customers N or --existing");
    }

    let now = Utc::now();
    let agent = adapters::config::DEFAULT_AGENT_VERSION;
    let mut sent = Sent::default();
    let mut targets = Vec::new();
    for (i, (id, key)) in ids_and_keys.into_iter().enumerate() {
        let spec = Spec {
            seed: o.seed,
            customer: i,
            // Some customers are bigger than others.
            computers: (o.computers / 2 + (o.computers * (i % 4)) / 3).max(1),
            history_days: o.history_days,
            agent_version: agent,
        };
        let fleet = simulator::fleet(&spec, now);
        let target = Target {
            id,
            key,
            spec,
            computers: fleet.computers,
        };
        if !o.history {
            targets.push(target);
            continue;
        }
        let started = Instant::now();
        for batch in target.computers.chunks(MAX_BATCH) {
            api.ingest(&target, "computers", &json!({"computers": batch}))
                .await?;
            sent.requests += 1;
        }
        for batch in fleet.events.chunks(MAX_BATCH) {
            api.ingest(&target, "events", &json!({"events": batch}))
                .await?;
            sent.requests += 1;
        }
        sent.ingest_time += started.elapsed();
        sent.computers += target.computers.len() as u64;
        sent.events += fleet.events.len() as u64;
        targets.push(target);
    }
    println!(
        "history: {} customers, {} computers, {} events in {} requests, {:.1} s in the ingestion API ({:.0} records/s)",
        targets.len(),
        sent.computers,
        sent.events,
        sent.requests,
        sent.ingest_time.as_secs_f64(),
        (sent.computers + sent.events) as f64 / sent.ingest_time.as_secs_f64().max(1e-9),
    );
    if o.rate > 0.0 {
        stream(&api, &targets, &o, &mut sent).await?;
    }
    Ok(sent)
}

/// Live events: every second, about `rate` events spread over the customers, one batch
/// per customer that has any.
async fn stream(api: &Api, targets: &[Target], o: &Options, sent: &mut Sent) -> anyhow::Result<()> {
    use rand::Rng;
    let mut rngs: Vec<_> = targets.iter().map(|t| simulator::live(&t.spec)).collect();
    let started = Instant::now();
    let mut tick = tokio::time::interval(StdDuration::from_secs(1));
    let mut n: u64 = 0;
    let mut owed = 0.0;
    loop {
        tick.tick().await;
        if o.duration.is_some_and(|d| started.elapsed().as_secs() >= d) {
            break;
        }
        owed += o.rate;
        let mut batches: Vec<Vec<EventReport>> = vec![Vec::new(); targets.len()];
        while owed >= 1.0 {
            owed -= 1.0;
            let i = rngs[0].random_range(0..targets.len());
            let t = &targets[i];
            let c = &t.computers[rngs[i].random_range(0..t.computers.len())];
            let e = simulator::event(&mut rngs[i], &t.spec, c, Utc::now(), 10_000_000 + n);
            n += 1;
            batches[i].push(e);
        }
        for (t, batch) in targets.iter().zip(batches) {
            for chunk in batch.chunks(MAX_BATCH) {
                if let Err(e) = api.ingest(t, "events", &json!({"events": chunk})).await {
                    // A live stream keeps going (the API may be restarting): say so.
                    eprintln!("simulate: {e:#}");
                    continue;
                }
                sent.events += chunk.len() as u64;
                sent.requests += 1;
            }
        }
    }
    println!(
        "live: {n} events over {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
