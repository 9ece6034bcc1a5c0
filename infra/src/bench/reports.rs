//! `infra bench-reports`: what a report costs the report worker, in process against the
//! local stack (the moto server named by `MOTO_ENDPOINT`), printed as a Markdown section
//! for `docs/performance.md` (`make bench` writes it there).
//!
//! 1. A demo customer: a partner signs up, adds a customer named in Greek and Cyrillic,
//!    and its simulated fleet (50 computers, 30 days) goes in through the ingest router;
//!    the partner uploads a logo. The Customer Executive Summary of the last 30 days is
//!    gathered and built once, then rendered as PDF `runs` times: its size, pages and
//!    the median render time.
//! 2. A Security Audit of enough audit records to fill at least 100 pages, rendered as
//!    PDF: pages, size and time.
//! 3. The DynamoDB calls to gather each report type over 1 and over 50 customers.
//! 4. A scheduled run of the demo customer's summary, emailed with the PDF attached: the
//!    worker's whole time; and the DynamoDB and Scheduler calls of one schedule's create,
//!    change and delete beside 20 others.

use std::time::{Duration as StdDuration, Instant};

use anyhow::{ensure, Context};
use axum::{body::Body, http::StatusCode};
use chrono::Utc;
use domain::{
    audit::{Action, AuditRecord, Outcome},
    report::{build, data::ReportData, document::Document, Format, Report, ReportType},
    PartnerId, ReportId, UserId,
};
use serde_json::json;
use testkit::http::*;
use testkit::simulator::{fleet, Spec};

use super::median;

const IP: &str = "192.0.2.91";
const LOGO: &[u8] = include_bytes!("../../../tests/fixtures/logos/ok-300x150.png");

/// `infra bench-reports` flags.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    pub runs: usize,
    pub computers: usize,
    pub customers: usize,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            runs: 10,
            computers: 50,
            customers: 50,
        }
    }
}

pub fn report_options(args: &[String]) -> anyhow::Result<ReportOptions> {
    let mut o = ReportOptions::default();
    let mut i = 1;
    while i < args.len() {
        let v: usize = args
            .get(i + 1)
            .with_context(|| format!("{} needs a value", args[i]))?
            .parse()
            .with_context(|| format!("{}: a number", args[i]))?;
        match args[i].as_str() {
            "--runs" => o.runs = v.max(1),
            "--computers" => o.computers = v,
            "--customers" => o.customers = v.max(2),
            other => anyhow::bail!("bench-reports: unknown flag {other}"),
        }
        i += 2;
    }
    Ok(o)
}

fn report(kind: ReportType, customers: &[String]) -> anyhow::Result<Report> {
    let now = Utc::now();
    Ok(Report {
        id: ReportId::generate(),
        name: format!("Bench {}", kind.title()),
        report_type: kind,
        formats: vec![Format::Pdf],
        options: serde_json::from_value(
            json!({"period": {"kind": "last", "range": "30d"}, "customers": customers}),
        )?,
        status: domain::report::ReportStatus::Processing,
        failure: None,
        files: Vec::new(),
        requested_by: UserId::generate(),
        requested_by_name: "Bench".into(),
        requested_at: now,
        finished_at: None,
        expires_at: Report::expiry(now),
        not_emailed: Vec::new(),
    })
}

fn render(
    doc: &Document,
    brand: &reports::Brand,
) -> anyhow::Result<(StdDuration, reports::Rendered)> {
    let started = Instant::now();
    let r = reports::render(doc, Format::Pdf, brand).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok((started.elapsed(), r))
}

fn kb(bytes: usize) -> String {
    format!("{:.0} KB", bytes as f64 / 1024.0)
}

fn ms(d: StdDuration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

pub async fn run_reports(o: ReportOptions) -> anyhow::Result<String> {
    let stack = testkit::stack().await;
    let state = stack.state.clone();
    let auth = auth::app(state.clone());
    let customers = customers::app(state.clone());
    let ingest = ingest::app(state.clone());
    let reports_api = reports_http::app(state.clone());
    let (account, token) = stack
        .confirmed_partner(&auth, "bench@reports.example", "Bench Reports")
        .await;
    let partner_id = PartnerId::parse(account["partner"]["id"].as_str().context("partner id")?)
        .map_err(anyhow::Error::msg)?;
    let mut ids = Vec::new();
    for n in 0..o.customers {
        let name = if n == 0 {
            "Κλινική Αθηνά Москва".to_string()
        } else {
            format!("Bench Customer {n:03}")
        };
        let body = super::add_trial_customer(
            &customers,
            &token,
            IP,
            (
                &name,
                &format!("it{n}@bench-reports.example"),
                "partnerManaged",
            ),
        )
        .await?;
        let id = body["customer"]["id"].as_str().context("id")?.to_string();
        if n == 0 {
            let key = body["ingestionKey"].as_str().context("key")?.to_string();
            let f = fleet(
                &Spec {
                    seed: 2026,
                    customer: 0,
                    computers: o.computers,
                    history_days: 30,
                    agent_version: adapters::config::DEFAULT_AGENT_VERSION,
                },
                Utc::now(),
            );
            for (kind, body) in f
                .computers
                .chunks(500)
                .map(|b| ("computers", json!({"computers": b})))
                .chain(
                    f.events
                        .chunks(500)
                        .map(|b| ("events", json!({"events": b}))),
                )
            {
                let req = request("POST", &format!("/api/v1/ingest/{id}/{kind}"))
                    .header("content-type", "application/json")
                    .header("authorization", format!("Bearer {key}"))
                    .body(Body::from(body.to_string()))?;
                let a = send(&ingest, req, IP).await;
                ensure!(a.status == StatusCode::OK, "ingesting: {}", a.text);
            }
        }
        ids.push(id);
    }
    let logo = bearer(request("PUT", "/api/v1/branding/logo"), &token)
        .header("content-type", "image/png")
        .body(Body::from(LOGO))?;
    let a = send(&reports_api, logo, IP).await;
    ensure!(a.status == StatusCode::OK, "the logo: {}", a.text);
    let partner: domain::partner::Partner = state
        .table
        .get(&store::keys::partner_pk(&partner_id), "PARTNER")
        .await?
        .context("the partner")?;
    let brand = reports::Brand {
        header_colour: [0xff, 0xff, 0xff],
        theme_colour: [0x0b, 0x53, 0x94],
        logo: Some(LOGO.to_vec()),
    };

    // 1. The Customer Executive Summary of the demo customer.
    let summary = report(ReportType::CustomerExecutiveSummary, &ids[..1])?;
    let data = report_worker::gather(&state.table, &partner, &summary, Utc::now()).await?;
    let doc = build::document(&data);
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..o.runs {
        let (t, r) = render(&doc, &brand)?;
        times.push(t);
        last = Some(r);
    }
    let summary_pdf = last.context("at least one run")?;
    let rows = doc
        .sections
        .iter()
        .flat_map(|s| &s.blocks)
        .filter_map(|b| match b {
            domain::report::document::Block::Table(t) => Some(t.rows.len()),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    let charts = doc
        .sections
        .iter()
        .flat_map(|s| &s.blocks)
        .filter(|b| matches!(b, domain::report::document::Block::Chart(_)))
        .count();

    // The Endpoint Summary of the same customer: one row per computer.
    let endpoints = report(ReportType::EndpointSummary, &ids[..1])?;
    let endpoints_doc = build::document(
        &report_worker::gather(&state.table, &partner, &endpoints, Utc::now()).await?,
    );
    let mut endpoint_times = Vec::new();
    let mut endpoint_pdf = None;
    for _ in 0..o.runs {
        let (t, r) = render(&endpoints_doc, &brand)?;
        endpoint_times.push(t);
        endpoint_pdf = Some(r);
    }
    let endpoint_pdf = endpoint_pdf.context("at least one run")?;
    let endpoint_rows = endpoints_doc.main_table().map_or(0, |t| t.rows.len());

    // 2. A Security Audit of at least 100 pages.
    let audit_report = report(ReportType::SecurityAudit, &ids[..1])?;
    let mut records = 3000;
    let (audit_time, audit_pdf) = loop {
        let data = ReportData {
            audit: audit_records(&partner_id, records),
            ..report_worker::gather(&state.table, &partner, &audit_report, Utc::now()).await?
        };
        let (t, r) = render(&build::document(&data), &brand)?;
        let pages = r.pages.unwrap_or(0) as usize;
        if pages >= 100 || records >= 50_000 {
            break (t, r);
        }
        records = records * 105 / pages.max(1);
    };

    // 3. DynamoDB calls to gather each type over 1 and over N customers.
    let mut calls = Vec::new();
    for kind in ReportType::ALL {
        let mut pair = Vec::new();
        for n in [1, o.customers] {
            let r = report(kind, &ids[..n])?;
            stack.counter.reset();
            report_worker::gather(&state.table, &partner, &r, Utc::now()).await?;
            pair.push(stack.counter.service("DynamoDB"));
        }
        calls.push((kind, pair[0], pair[1]));
    }

    // 4. A scheduled run of the demo customer's Customer Executive Summary, emailed with
    // the PDF attached: the worker's whole time (the run's reads, rendering, storing,
    // the email), one occasion per run.
    let (schedule_changes, scheduled_times) =
        scheduled_runs(&stack, &reports_api, &token, &partner_id, &ids[0], o.runs).await?;

    let mut out = String::new();
    out.push_str(&format!(
        "Measured by `make bench` (`infra bench-reports`), release build, in process; the \
         data read from moto, the rendering timed alone. Customers: {}; the demo customer \
         has {} computers and 30 days of events.\n\n",
        o.customers, o.computers
    ));
    out.push_str("| Report | Pages | Size | Render time |\n|---|---|---|---|\n");
    out.push_str(&format!(
        "| Customer Executive Summary of the demo customer (logo, {charts} charts, largest table {rows} rows), median of {} | {} | {} | {} |\n",
        o.runs,
        summary_pdf.pages.unwrap_or(0),
        kb(summary_pdf.bytes.len()),
        ms(median(&times)),
    ));
    out.push_str(&format!(
        "| Endpoint Summary of the demo customer (logo, a {endpoint_rows}-row table), median of {} | {} | {} | {} |\n",
        o.runs,
        endpoint_pdf.pages.unwrap_or(0),
        kb(endpoint_pdf.bytes.len()),
        ms(median(&endpoint_times)),
    ));
    out.push_str(&format!(
        "| Security Audit of {records} audit records | {} | {} | {} |\n\n",
        audit_pdf.pages.unwrap_or(0),
        kb(audit_pdf.bytes.len()),
        ms(audit_time),
    ));
    out.push_str(&format!(
        "DynamoDB calls to gather a report over 1 and over {} customers (the tests assert \
         that they grow at most linearly):\n\n| Type | 1 customer | {} customers |\n|---|---|---|\n",
        o.customers, o.customers
    ));
    for (kind, one, many) in calls {
        out.push_str(&format!("| {} | {one} | {many} |\n", kind.title()));
    }
    out.push_str(&format!(
        "\nA scheduled run (the worker invoked as EventBridge Scheduler does; the Customer \
         Executive Summary of the demo customer made, stored and emailed to one address with \
         the PDF attached and the logo inline), median of {}: {}.\n\n\
         Calls per schedule change, through the report schedules function (they do not depend on how \
         many schedules the partner has: {} already):\n\n\
         | Change | DynamoDB | EventBridge Scheduler |\n|---|---|---|\n",
        o.runs,
        ms(median(&scheduled_times)),
        SCHEDULES_BEFORE,
    ));
    for (change, dynamodb, scheduler) in schedule_changes {
        out.push_str(&format!("| {change} | {dynamodb} | {scheduler} |\n"));
    }
    Ok(out)
}

/// Schedules the partner has before the measured changes.
const SCHEDULES_BEFORE: usize = 20;

/// Makes a template and `SCHEDULES_BEFORE` schedules, counts the calls of one create,
/// change and delete, then times `runs` scheduled runs of one schedule.
async fn scheduled_runs(
    stack: &testkit::TestStack,
    reports_api: &axum::Router,
    token: &str,
    partner: &PartnerId,
    customer: &str,
    runs: usize,
) -> anyhow::Result<(Vec<(&'static str, u64, u64)>, Vec<StdDuration>)> {
    let ok = |a: Answer, what: &str| -> anyhow::Result<serde_json::Value> {
        ensure!(a.status.is_success(), "{what}: {} {}", a.status, a.text);
        Ok(a.body)
    };
    let schedules_api = report_schedules::app(stack.state.clone());
    let t = ok(
        call(
            reports_api,
            "POST",
            "/api/v1/report-templates",
            token,
            Some(
                &json!({"name": "Bench summary", "type": "customerExecutiveSummary",
                "formats": ["pdf"],
                "options": {"period": {"kind": "last", "range": "30d"}, "customers": [customer]}}),
            ),
            IP,
        )
        .await,
        "the template",
    )?;
    let form = |hour: u32| {
        json!({"name": format!("Bench {hour}"), "templateId": t["id"], "frequency": "daily",
            "hour": hour, "delivery": {"emails": ["owner@bench-customer.example"], "attach": true}})
    };
    for n in 0..SCHEDULES_BEFORE {
        ok(
            call(
                &schedules_api,
                "POST",
                "/api/v1/report-schedules",
                token,
                Some(&form(n as u32 % 24)),
                IP,
            )
            .await,
            "a schedule",
        )?;
    }
    let counted = |c: &adapters::aws::CallCounter| (c.service("DynamoDB"), c.service("Scheduler"));
    let mut changes = Vec::new();
    stack.counter.reset();
    let made = ok(
        call(
            &schedules_api,
            "POST",
            "/api/v1/report-schedules",
            token,
            Some(&form(6)),
            IP,
        )
        .await,
        "the schedule",
    )?;
    let (d, s) = counted(&stack.counter);
    changes.push(("Add", d, s));
    let id = made["id"].as_str().context("schedule id")?.to_string();
    let path = format!("/api/v1/report-schedules/{id}");
    stack.counter.reset();
    ok(
        call(&schedules_api, "PUT", &path, token, Some(&form(7)), IP).await,
        "the change",
    )?;
    let (d, s) = counted(&stack.counter);
    changes.push(("Change the hour", d, s));

    let mut times = Vec::new();
    let day = Utc::now().date_naive();
    for n in 0..runs {
        let due = (day - chrono::Duration::days(n as i64))
            .and_hms_opt(7, 0, 0)
            .context("7:00")?
            .and_utc();
        let event = json!({
            "source": "partner-console.scheduler",
            "detail-type": adapters::schedules::SCHEDULE_DUE,
            "time": due.to_rfc3339(),
            "detail": {"partnerId": partner, "scheduleId": id},
        });
        let started = Instant::now();
        let outcome = report_worker::handle(&stack.state, event)
            .await
            .map_err(|e| anyhow::anyhow!("the scheduled run: {e}"))?;
        times.push(started.elapsed());
        ensure!(
            outcome.get("ready").is_some(),
            "the scheduled run: {outcome}"
        );
    }
    let mails = std::fs::read_dir(&stack.outbox)
        .map(|d| d.count())
        .unwrap_or(0);
    ensure!(mails >= runs, "one email per run: {mails} for {runs}");

    stack.counter.reset();
    let a = call(&schedules_api, "DELETE", &path, token, None, IP).await;
    ensure!(a.status == StatusCode::NO_CONTENT, "the delete: {}", a.text);
    let (d, s) = counted(&stack.counter);
    changes.push(("Delete", d, s));
    Ok((changes, times))
}

/// `n` audit records of the partner's users, a minute apart, newest first.
fn audit_records(partner: &PartnerId, n: usize) -> Vec<AuditRecord> {
    let users: Vec<UserId> = (0..5).map(|_| UserId::generate()).collect();
    let actions = [
        Action::SignIn,
        Action::AddCustomer,
        Action::UpdateCustomerSettings,
        Action::CreateReport,
        Action::DismissAlerts,
    ];
    let now = Utc::now();
    (0..n)
        .map(|i| {
            let mut r = AuditRecord::new(
                actions[i % actions.len()],
                &format!("user{}@bench-reports.example", i % users.len()),
                "198.51.100.7",
                if i % 17 == 0 {
                    Outcome::Failure
                } else {
                    Outcome::Success
                },
            )
            .by(partner, Some(&users[i % users.len()]))
            .target(format!("cus_{:032x}", i));
            r.at = now - chrono::Duration::minutes(i as i64);
            r
        })
        .collect()
}
