//! `infra bench-bulk`: what one bulk call on the Customers page costs
//! (`POST /api/v1/customers/bulk`), in process against the local stack (the moto server
//! named by `MOTO_ENDPOINT`), printed as a Markdown section for `docs/performance.md`
//! (`make bench` writes it there).
//!
//! ```text
//! infra bench-bulk [--largest N]
//! ```
//!
//! A partner signs up and adds customers through the customers function's router (each
//! co-managed, with a trial of endpoint protection). Then each action a bulk call offers
//! runs once on 1, on 10 and on `N` (default 100, the most one call takes) customers not
//! used before by that action, with an `Idempotency-Key` as the web sends it: the
//! DynamoDB calls (the SDK call counter the other benchmarks use), the calls per
//! customer, and the wall-clock time of the call, beside the customers function's
//! timeout as `template.yaml` sets it.

use std::time::{Duration as StdDuration, Instant};

use anyhow::{ensure, Context};
use axum::{body::Body, http::StatusCode};
use serde_json::{json, Value};
use testkit::http::*;

const IP: &str = "192.0.2.93";

/// `infra bench-bulk` flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkOptions {
    /// The largest call measured (at most 100, what one call takes).
    pub largest: usize,
}

impl Default for BulkOptions {
    fn default() -> Self {
        BulkOptions { largest: 100 }
    }
}

impl BulkOptions {
    fn command(&self) -> String {
        let d = BulkOptions::default();
        super::command_line("bench-bulk", &[("largest", self.largest, d.largest)])
    }

    /// The customers of each measured call: 1, 10 and the largest (fewer when it is).
    fn sizes(&self) -> Vec<usize> {
        let mut sizes: Vec<usize> = [1, 10, self.largest]
            .into_iter()
            .filter(|n| *n <= self.largest)
            .collect();
        sizes.dedup();
        sizes
    }
}

pub fn bulk_options(args: &[String]) -> anyhow::Result<BulkOptions> {
    let mut o = BulkOptions::default();
    let mut i = 1;
    while i < args.len() {
        let v: usize = args
            .get(i + 1)
            .with_context(|| format!("{} needs a value", args[i]))?
            .parse()
            .with_context(|| format!("{}: a number", args[i]))?;
        match args[i].as_str() {
            "--largest" => o.largest = v.clamp(1, 100),
            other => anyhow::bail!("bench-bulk: unknown flag {other}"),
        }
        i += 2;
    }
    Ok(o)
}

/// The actions measured, in the order they run (removal last: it uses the customers up),
/// with the fields each takes.
fn actions() -> [(&'static str, Value); 4] {
    [
        ("startTrial", json!({"product": "email-security"})),
        (
            "requestManagementChange",
            json!({"management": "partnerManaged"}),
        ),
        ("resendWelcome", json!({})),
        ("remove", json!({"confirm": true})),
    ]
}

/// One measured call.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Measured {
    pub action: &'static str,
    pub customers: usize,
    pub dynamodb_calls: u64,
    pub time: StdDuration,
}

/// The Markdown section: how it was measured, then one row per call.
pub(crate) fn section(o: &BulkOptions, timeout_secs: Option<f64>, rows: &[Measured]) -> String {
    let timeout = timeout_secs.map_or_else(|| "not set".to_string(), |t| format!("{t:.0} s"));
    let mut out = format!(
        "Measured by `make bench` (`{}`), release build, in process against moto: one bulk \
         call per row, with an `Idempotency-Key` (two of the calls are the key's claim and \
         the kept answer), on customers the action had not touched. The customers \
         function's timeout in `template.yaml`: {timeout}.\n\n\
         | Action | Customers | DynamoDB calls | Calls per customer | Wall time | Share of the timeout |\n\
         |---|---|---|---|---|---|\n",
        o.command()
    );
    for m in rows {
        let share = timeout_secs.map_or_else(
            || "–".to_string(),
            |t| format!("{:.1} %", m.time.as_secs_f64() / t * 100.0),
        );
        out.push_str(&format!(
            "| {} | {} | {} | {:.1} | {:.0} ms | {share} |\n",
            m.action,
            m.customers,
            m.dynamodb_calls,
            m.dynamodb_calls as f64 / m.customers as f64,
            m.time.as_secs_f64() * 1000.0,
        ));
    }
    out
}

/// A function's timeout in seconds as `template` (the text of `template.yaml`) sets it:
/// its own `Timeout`, else the `Globals`' one.
pub(crate) fn function_timeout(template: &str, binary: &str) -> Option<f64> {
    let doc: serde_yaml::Value = serde_yaml::from_str(template).ok()?;
    let own = doc
        .get("Resources")?
        .as_mapping()?
        .values()
        .find(|r| {
            r.get("Metadata")
                .and_then(|m| m.get("BuildProperties"))
                .and_then(|b| b.get("Binary"))
                .and_then(serde_yaml::Value::as_str)
                == Some(binary)
        })?
        .get("Properties")
        .and_then(|p| p.get("Timeout"))
        .and_then(serde_yaml::Value::as_f64);
    own.or_else(|| super::global_setting(&doc, "Timeout"))
}

pub async fn run_bulk(o: BulkOptions) -> anyhow::Result<String> {
    let stack = testkit::stack().await;
    let auth = auth::app(stack.function("auth"));
    let customers = customers::app(stack.function("customers"));
    let (_, token) = stack
        .confirmed_partner(&auth, "bench@bulk.example", "Bench Bulk")
        .await;
    let sizes = o.sizes();
    let needed: usize = sizes.iter().sum();
    let mut ids = Vec::new();
    for n in 0..needed {
        let body = super::add_trial_customer(
            &customers,
            &token,
            IP,
            (
                &format!("Bulk Customer {n:03}"),
                &format!("it{n}@bench-bulk.example"),
                "coManaged",
            ),
        )
        .await?;
        ids.push(body["customer"]["id"].as_str().context("id")?.to_string());
    }
    let mut rows = Vec::new();
    for (action, fields) in actions() {
        let mut start = 0;
        for &n in &sizes {
            let chosen = &ids[start..start + n];
            start += n;
            let mut body = json!({"action": action, "customerIds": chosen});
            if let (Some(b), Some(f)) = (body.as_object_mut(), fields.as_object()) {
                b.extend(f.clone());
            }
            let req = bearer(request("POST", "/api/v1/customers/bulk"), &token)
                .header("content-type", "application/json")
                .header("idempotency-key", format!("bench-{action}-{n}"))
                .body(Body::from(body.to_string()))?;
            stack.counter.reset();
            let started = Instant::now();
            let a = send(&customers, req, IP).await;
            let time = started.elapsed();
            ensure!(a.status == StatusCode::OK, "{action}: {}", a.text);
            ensure!(
                a.body["done"].as_u64() == Some(n as u64),
                "{action} on {n}: not all done: {}",
                a.text
            );
            rows.push(Measured {
                action,
                customers: n,
                dynamodb_calls: stack.counter.service("DynamoDB"),
                time,
            });
        }
    }
    let template = std::fs::read_to_string("template.yaml")
        .unwrap_or_else(|_| testkit::resources::TEMPLATE.into());
    Ok(section(&o, function_timeout(&template, "customers"), &rows))
}
