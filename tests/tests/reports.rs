//! Reports end to end against the local stack: the wizard's request, the worker (reached
//! through a local event dispatcher, as cargo-lambda would invoke it), the files in the
//! reports bucket checked with real tools (poppler's `pdfinfo` and `pdftotext`,
//! `xmllint`), the figures against the console pages, who may include, see and download
//! what, and Report Customization's logo checks.

use std::{
    collections::BTreeSet,
    process::Command,
    sync::{Arc, Mutex},
};

use adapters::metrics::Metric;
use axum::{
    body::Body,
    extract::{Path, State},
    http::{header, StatusCode},
    routing::post,
    Json, Router,
};
use chrono::Utc;
use domain::report::{build, ReportType};
use serde_json::{json, Value};
use testkit::http::*;
use testkit::simulator::{fleet, Spec};

use crate::world::{Added, INVOKE_PATH};

const IP: &str = "192.0.2.88";

/// The stand-in for cargo-lambda's invoke API: keeps every ReportRequested event; the
/// test hands them to the worker when it chooses (`World::deliver`).
#[derive(Default)]
struct Dispatcher {
    events: Mutex<Vec<Value>>,
}

async fn invoke(
    State(d): State<Arc<Dispatcher>>,
    Path(function): Path<String>,
    Json(event): Json<Value>,
) -> (StatusCode, Json<Value>) {
    assert_eq!(
        function, "report-worker",
        "ReportRequested goes to the worker"
    );
    d.events.lock().unwrap().push(event);
    (StatusCode::ACCEPTED, Json(json!({})))
}

struct World {
    base: crate::world::World,
    dispatcher: Arc<Dispatcher>,
    reports: Router,
}

impl std::ops::Deref for World {
    type Target = crate::world::World;
    fn deref(&self) -> &crate::world::World {
        &self.base
    }
}

async fn world() -> World {
    let dispatcher = Arc::new(Dispatcher::default());
    let base = crate::world::World::with_events(
        Router::new()
            .route(INVOKE_PATH, post(invoke))
            .with_state(dispatcher.clone()),
        &[("ReportRequested", "report-worker")],
    )
    .await;
    World {
        reports: reports_http::app(base.stack.function("reports")),
        base,
        dispatcher,
    }
}

impl World {
    async fn call(&self, method: &str, path: &str, token: &str, body: Option<&Value>) -> Answer {
        call(&self.reports, method, path, token, body, IP).await
    }

    /// Asks for a report: the 202 answer's body.
    async fn request(&self, token: &str, body: &Value) -> Value {
        let a = self
            .call("POST", "/api/v1/reports", token, Some(body))
            .await;
        assert_eq!(a.status, StatusCode::ACCEPTED, "{}", a.text);
        assert_eq!(a.body["status"], "processing");
        a.body
    }

    /// Runs the worker on every event received so far: their outcomes.
    async fn deliver(&self) -> Vec<Value> {
        let events: Vec<Value> = std::mem::take(&mut *self.dispatcher.events.lock().unwrap());
        let mut out = Vec::new();
        for e in events {
            out.push(
                report_worker::handle(&self.stack.function("report-worker"), e)
                    .await
                    .expect("the worker answers"),
            );
        }
        out
    }

    async fn keys(&self, bucket: &str) -> BTreeSet<String> {
        let s3 = aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&self.stack.sdk)
                .force_path_style(true)
                .build(),
        );
        let out = s3.list_objects_v2().bucket(bucket).send().await.unwrap();
        out.contents()
            .iter()
            .filter_map(|o| o.key().map(str::to_string))
            .collect()
    }

    /// The file a report's link hands out, fetched through the link as a browser would.
    async fn download(&self, token: &str, report: &str, format: &str) -> (String, Vec<u8>) {
        let a = self
            .call(
                "GET",
                &format!("/api/v1/reports/{report}/files/{format}"),
                token,
                None,
            )
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        let url = a.body["url"].as_str().unwrap().to_string();
        let got = adapters::tls::http_client().get(&url).send().await.unwrap();
        assert!(got.status().is_success(), "{url}: {}", got.status());
        let disposition = got
            .headers()
            .get("content-disposition")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        (disposition, got.bytes().await.unwrap().to_vec())
    }
}

fn form(name: &str, kind: &str, formats: &[&str], customers: &[&str], range: &str) -> Value {
    json!({
        "name": name,
        "type": kind,
        "formats": formats,
        "options": {"period": {"kind": "last", "range": range}, "customers": customers}
    })
}

/// A file written for a tool to read.
fn temp_file(bytes: &[u8], ext: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("report-{}.{ext}", uuid::Uuid::new_v4()));
    std::fs::write(&path, bytes).unwrap();
    path
}

fn run(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool} runs (poppler-utils, libxml2-utils): {e}"));
    assert!(
        out.status.success(),
        "{tool} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The text poppler extracts from a PDF, after `pdfinfo` has read it: (pages, text).
fn pdf_text(pdf: &[u8]) -> (u32, String) {
    assert!(pdf.starts_with(b"%PDF-"), "a PDF");
    let path = temp_file(pdf, "pdf");
    let p = path.to_str().unwrap();
    let info = run("pdfinfo", &[p]);
    let pages = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .expect("pdfinfo names the pages")
        .trim()
        .parse()
        .unwrap();
    assert!(info.contains("(A4)"), "A4: {info}");
    let text = run("pdftotext", &["-layout", p, "-"]);
    std::fs::remove_file(path).ok();
    (pages, text)
}

fn check_xml(xml: &[u8]) {
    let path = temp_file(xml, "xml");
    let schema = format!("{}/../docs/report.xsd", env!("CARGO_MANIFEST_DIR"));
    run(
        "xmllint",
        &["--noout", "--schema", &schema, path.to_str().unwrap()],
    );
    std::fs::remove_file(path).ok();
}

/// A CSV's rows (RFC 4180: quoted fields may hold commas, quotes and line breaks).
pub(crate) fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let text = text.trim_start_matches('\u{feff}');
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        rows.push(row);
    }
    rows
}

struct Partner {
    admin: String,
    greek: Added,
    plain: Added,
}

/// A partner with two customers, one named in Greek and Cyrillic, each with a simulated
/// fleet sent through the ingestion API.
async fn partner(w: &World, email: &str) -> Partner {
    let domain = email.split('@').nth(1).unwrap();
    let admin = w.partner(email, "Λέων Reports & Co").await;
    let greek = w
        .trial_customer(
            &admin,
            "Κλινική Αθηνά Москва",
            &format!("it-g@{domain}"),
            "partnerManaged",
        )
        .await;
    let plain = w
        .trial_customer(
            &admin,
            "Zoë's Café Müller",
            &format!("it-p@{domain}"),
            "coManaged",
        )
        .await;
    let now = Utc::now();
    for (i, c) in [&greek, &plain].into_iter().enumerate() {
        let f = fleet(
            &Spec {
                seed: 7 + i as u64,
                customer: i,
                computers: 12,
                history_days: 10,
                agent_version: "22.4.1",
            },
            now,
        );
        for batch in f.computers.chunks(500) {
            let a = w
                .report(&c.id, "computers", &c.key, &json!({"computers": batch}))
                .await;
            assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        }
        for batch in f.events.chunks(500) {
            let a = w
                .report(&c.id, "events", &c.key, &json!({"events": batch}))
                .await;
            assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        }
    }
    Partner {
        admin,
        greek,
        plain,
    }
}

#[tokio::test]
async fn a_report_is_made_once_stored_under_the_partner_and_reads_right_in_every_format() {
    let w = world().await;
    let p = partner(&w, "ready@reports.example.com").await;
    let asked = w
        .request(
            &p.admin,
            &json!({
                "name": "Monthly health",
                "type": "endpointSummary",
                "formats": ["pdf", "html", "csv", "xml"],
                "options": {"period": {"kind": "last", "range": "30d"},
                    "customers": [p.greek.id, p.plain.id], "includeMac": true}
            }),
        )
        .await;
    let id = asked["id"].as_str().unwrap();
    // Listed as Processing until the worker has run.
    let listed = w.call("GET", "/api/v1/reports", &p.admin, None).await;
    assert_eq!(listed.body["items"][0]["status"], "processing");
    let link = w
        .call(
            "GET",
            &format!("/api/v1/reports/{id}/files/pdf"),
            &p.admin,
            None,
        )
        .await;
    assert_problem(&link, 409);

    // The same event delivered twice renders once.
    let first = w.dispatcher.events.lock().unwrap()[0].clone();
    w.dispatcher.events.lock().unwrap().push(first);
    let outcomes = w.deliver().await;
    assert!(outcomes[0].get("ready").is_some(), "{outcomes:?}");
    assert_eq!(outcomes[1], json!("skipped"));
    // One report made: one ReportsGenerated, none failed.
    let metrics = &w.stack.state.metrics;
    assert_eq!(metrics.total(Metric::ReportsGenerated), 1);
    assert_eq!(metrics.total(Metric::ReportsFailed), 0);

    let report = w
        .call("GET", &format!("/api/v1/reports/{id}"), &p.admin, None)
        .await;
    assert_eq!(report.body["status"], "ready", "{}", report.text);
    let files = report.body["files"].as_array().unwrap();
    assert_eq!(files.len(), 4);
    let partner_id = w
        .stack
        .items()
        .await
        .iter()
        .find(|i| i["sk"].as_s().is_ok_and(|s| s.starts_with("REPORT#")))
        .and_then(|i| i["partnerId"].as_s().ok().cloned())
        .unwrap();
    let bucket = w.stack.state.config.reports_bucket.clone();
    assert_eq!(
        w.keys(&bucket).await,
        ["pdf", "html", "csv", "xml"]
            .iter()
            .map(|e| format!("reports/{partner_id}/{id}.{e}"))
            .collect::<BTreeSet<_>>()
    );

    let (disposition, pdf) = w.download(&p.admin, id, "pdf").await;
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(
        disposition.contains("Monthly%20health.pdf"),
        "{disposition}"
    );
    let (pages, text) = pdf_text(&pdf);
    assert_eq!(
        Some(pages as u64),
        files
            .iter()
            .find(|f| f["format"] == "pdf")
            .and_then(|f| f["pages"].as_u64())
    );
    for name in [
        "Κλινική Αθηνά Москва",
        "Zoë's Café Müller",
        "Monthly health",
        "Endpoint Summary",
    ] {
        assert!(text.contains(name), "{name} in the PDF:\n{text}");
    }

    let (disposition, html) = w.download(&p.admin, id, "html").await;
    assert!(
        disposition.is_empty(),
        "HTML opens in the browser: {disposition}"
    );
    let html = String::from_utf8(html).unwrap();
    assert!(html.contains("Κλινική Αθηνά Москва") && !html.contains("<script"));

    let (_, xml) = w.download(&p.admin, id, "xml").await;
    check_xml(&xml);

    let (_, csv) = w.download(&p.admin, id, "csv").await;
    let rows = csv_rows(std::str::from_utf8(&csv).unwrap());
    let built = built_document(&w, &partner_id, id).await;
    let main = built.main_table().expect("a main table");
    let header: Vec<String> = main.columns.iter().map(|c| c.key.clone()).collect();
    assert_eq!(
        rows[0], header,
        "the CSV header is the main table's column keys"
    );
    assert_eq!(rows.len() - 1, main.rows.len());
    assert_eq!(
        rows.len() - 1,
        24,
        "one row per computer of both fleets, unmanaged Macs included"
    );

    // Deleting the report deletes its files.
    let gone = w
        .call("DELETE", &format!("/api/v1/reports/{id}"), &p.admin, None)
        .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
    assert!(w.keys(&bucket).await.is_empty());
    let again = w
        .call("GET", &format!("/api/v1/reports/{id}"), &p.admin, None)
        .await;
    assert_problem(&again, 404);
    let audit: Vec<String> = w
        .stack
        .items()
        .await
        .iter()
        .filter(|i| i["kind"].as_s().is_ok_and(|k| k == "AuditRecord"))
        .filter_map(|i| i["action"].as_s().ok().cloned())
        .collect();
    assert!(audit.contains(&"report.create".to_string()));
    assert!(audit.contains(&"report.delete".to_string()));
}

/// The document the worker built for a stored report, built again from the same data.
async fn built_document(
    w: &World,
    partner: &str,
    report: &str,
) -> domain::report::document::Document {
    let table = &w.stack.state.table;
    let partner = domain::PartnerId::parse(partner).unwrap();
    let stored = table
        .report(&partner, &domain::ReportId::parse(report).unwrap())
        .await
        .unwrap()
        .unwrap();
    let account: domain::partner::Partner = table
        .get(&store::keys::partner_pk(&partner), "PARTNER")
        .await
        .unwrap()
        .unwrap();
    let data = report_worker::gather(table, &account, &stored, Utc::now())
        .await
        .unwrap();
    build::document(&data)
}

#[tokio::test]
async fn a_reports_figures_are_the_figures_the_console_pages_show() {
    let w = world().await;
    let p = partner(&w, "figures@reports.example.com").await;
    let partner_id = partner_of(&w).await;
    // Each type's headline figures, and where the console shows the same number.
    let risks = [
        "detections",
        "blocked",
        "quarantined",
        "cleaned",
        "unresolved",
    ];
    let checks: [(&str, &[&str]); 4] = [
        (
            "customerExecutiveSummary",
            &[
                "detections",
                "intrusions",
                "firewall",
                "computers",
                "offline",
            ],
        ),
        ("virusRiskActivitySummary", &risks),
        ("intrusionPreventionSummary", &["intrusions"]),
        (
            "productDeploymentSummary",
            &["computers", "installed", "removed", "offline"],
        ),
    ];
    for range in ["24h", "7d", "30d", "3m"] {
        let q = format!("range={range}&customer={}", p.greek.id);
        let endpoint = get(
            &w.dashboard,
            &format!("/api/v1/statistics/endpoint?{q}"),
            &p.admin,
            IP,
        )
        .await;
        let deployment = get(
            &w.dashboard,
            &format!("/api/v1/statistics/deployment?{q}"),
            &p.admin,
            IP,
        )
        .await;
        let page = |key: &str| -> Option<i64> {
            let (e, d) = (&endpoint.body, &deployment.body);
            match key {
                "detections" => e["risks"]["total"].as_i64(),
                "intrusions" => e["intrusions"]["total"].as_i64(),
                "firewall" => e["intrusions"]["firewall"].as_i64(),
                "computers" => d["deployed"]["total"].as_i64(),
                "installed" => d["deployed"]["installedInRange"].as_i64(),
                "removed" => d["deployed"]["removedInRange"].as_i64(),
                "offline" => d["offline"]["count"].as_i64(),
                action => e["risks"]["byAction"][action].as_i64(),
            }
        };
        for (kind, keys) in checks {
            let asked = w
                .request(
                    &p.admin,
                    &form("Health", kind, &["pdf"], &[&p.greek.id], range),
                )
                .await;
            w.deliver().await;
            let id = asked["id"].as_str().unwrap();
            let doc = built_document(&w, &partner_id, id).await;
            for key in keys {
                assert_eq!(
                    doc.figure(key),
                    page(key),
                    "{kind} {key} over {range}: report vs console page"
                );
            }
            // The PDF shows the figures the page shows.
            let (_, pdf) = w.download(&p.admin, id, "pdf").await;
            let (_, text) = pdf_text(&pdf);
            for key in keys {
                let n = page(key).unwrap().to_string();
                assert!(text.contains(&n), "{kind}: {key} = {n} in:\n{text}");
            }
        }
    }
    let detections = get(
        &w.dashboard,
        &format!(
            "/api/v1/statistics/endpoint?range=30d&customer={}",
            p.greek.id
        ),
        &p.admin,
        IP,
    )
    .await;
    assert!(
        detections.body["risks"]["total"].as_i64().unwrap() > 0,
        "the fleet has detections to compare"
    );
}

async fn partner_of(w: &World) -> String {
    w.stack
        .items()
        .await
        .iter()
        .find(|i| i["kind"].as_s().is_ok_and(|k| k == "Partner"))
        .and_then(|i| i["id"].as_s().ok().cloned())
        .unwrap()
}

/// The CSV header `docs/reports.md` names for the type titled `title`: the first "CSV
/// columns" line of its section (by computers, the wizard's default), the backticked
/// names after the colon, parenthesised remarks left out.
fn documented_csv_header(title: &str) -> Vec<String> {
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/reports.md"))
        .unwrap();
    let section = docs
        .split("\n### ")
        .find(|s| s.starts_with(&format!("{title}\n")))
        .unwrap_or_else(|| panic!("docs/reports.md has no section {title}"));
    let start = section
        .find("\n- CSV columns")
        .unwrap_or_else(|| panic!("{title}: no CSV columns in docs/reports.md"));
    let bullet = &section[start + 3..];
    let bullet = &bullet[..bullet.find("\n- ").unwrap_or(bullet.len())];
    let (_, columns) = bullet
        .split_once("): ")
        .expect("CSV columns (`table`): ...");
    let mut plain = String::new();
    let mut depth = 0;
    for c in columns.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    plain
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn every_type_renders_every_format_it_offers_with_no_customers_left_and_with_fleets() {
    let w = world().await;
    let p = partner(&w, "matrix@reports.example.com").await;
    let lonely = w
        .trial_customer(
            &p.admin,
            "Gone Soon Ltd",
            "it@gone.example.com",
            "partnerManaged",
        )
        .await;
    let types = w.call("GET", "/api/v1/report-types", &p.admin, None).await;
    let types = types.body["items"].as_array().unwrap().clone();
    assert_eq!(types.len(), ReportType::ALL.len());
    let titles: std::collections::BTreeMap<String, String> = types
        .iter()
        .map(|t| {
            (
                t["type"].as_str().unwrap().to_string(),
                t["title"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut asked = Vec::new();
    for t in &types {
        let formats: Vec<&str> = t["formats"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap())
            .collect();
        for customers in [
            vec![p.greek.id.as_str(), p.plain.id.as_str()],
            vec![lonely.id.as_str()],
        ] {
            let body = form(
                t["title"].as_str().unwrap(),
                t["type"].as_str().unwrap(),
                &formats,
                &customers,
                "30d",
            );
            asked.push((w.request(&p.admin, &body).await, formats.clone()));
        }
    }
    // The lone customer is removed before its reports are made: they cover no one.
    let removed = call(
        &w.customers,
        "DELETE",
        &format!("/api/v1/customers/{}?confirm=true", lonely.id),
        &p.admin,
        None,
        IP,
    )
    .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT, "{}", removed.text);
    for outcome in w.deliver().await {
        assert!(outcome.get("ready").is_some(), "{outcome}");
    }
    for (report, formats) in asked {
        let id = report["id"].as_str().unwrap();
        for f in formats {
            let (_, bytes) = w.download(&p.admin, id, f).await;
            match f {
                "pdf" => {
                    let (pages, text) = pdf_text(&bytes);
                    assert!(pages >= 1);
                    assert!(
                        text.contains(report["name"].as_str().unwrap()),
                        "{}",
                        report["type"]
                    );
                }
                "xml" => check_xml(&bytes),
                "csv" => {
                    let rows = csv_rows(std::str::from_utf8(&bytes).unwrap());
                    let title = &titles[report["type"].as_str().unwrap()];
                    assert_eq!(
                        rows.first(),
                        Some(&documented_csv_header(title)),
                        "{title}: the header docs/reports.md names"
                    );
                }
                _ => assert!(std::str::from_utf8(&bytes).unwrap().contains("</html>")),
            }
        }
    }
}

#[tokio::test]
async fn a_role_without_access_to_a_customer_can_neither_include_it_nor_see_reports_of_it() {
    let w = world().await;
    let p = partner(&w, "roles@reports.example.com").await;
    let hal = w
        .reader(&p.admin, "hal@reports.example.com", &[&p.plain.id])
        .await;
    // Including the hidden customer is refused like a customer that does not exist.
    let hidden = w
        .call(
            "POST",
            "/api/v1/reports",
            &hal,
            Some(&form("x", "alertHistory", &["pdf"], &[&p.greek.id], "7d")),
        )
        .await;
    assert_problem(&hidden, 422);
    let missing = w
        .call(
            "POST",
            "/api/v1/reports",
            &hal,
            Some(&form(
                "x",
                "alertHistory",
                &["pdf"],
                &["cus_0192a8b0c1d2e3f4a5b6c7d8e9f0a1b2"],
                "7d",
            )),
        )
        .await;
    assert_eq!(hidden.body["errors"], missing.body["errors"]);
    // "All customers" means those the role reads.
    let all = w
        .request(
            &hal,
            &json!({"name": "Mine", "type": "alertHistory", "formats": ["pdf"],
            "options": {"period": {"kind": "last", "range": "7d"}, "allCustomers": true}}),
        )
        .await;
    assert_eq!(all["options"]["customers"], json!([p.plain.id]));
    // The Security Audit needs the audit trail.
    let audit = w
        .call(
            "POST",
            "/api/v1/reports",
            &hal,
            Some(&form("x", "securityAudit", &["pdf"], &[&p.plain.id], "7d")),
        )
        .await;
    assert_problem(&audit, 403);

    let both = w
        .request(
            &p.admin,
            &form(
                "Both",
                "alertHistory",
                &["pdf"],
                &[&p.greek.id, &p.plain.id],
                "7d",
            ),
        )
        .await;
    w.deliver().await;
    let id = both["id"].as_str().unwrap();
    let listed = w.call("GET", "/api/v1/reports", &hal, None).await;
    let names: Vec<&str> = listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["Mine"],
        "the report of a hidden customer is not listed"
    );
    for path in [
        format!("/api/v1/reports/{id}"),
        format!("/api/v1/reports/{id}/files/pdf"),
    ] {
        assert_problem(&w.call("GET", &path, &hal, None).await, 404);
    }
    assert_problem(
        &w.call("DELETE", &format!("/api/v1/reports/{id}"), &hal, None)
            .await,
        404,
    );
    // Another partner sees nothing of it.
    let other = w.partner("other@reports.example.com", "Other Ltd").await;
    assert_problem(
        &w.call("GET", &format!("/api/v1/reports/{id}"), &other, None)
            .await,
        404,
    );
    let theirs = w.call("GET", "/api/v1/reports", &other, None).await;
    assert_eq!(theirs.body["items"], json!([]));
}

#[tokio::test]
async fn bad_requests_are_refused_whole_and_store_nothing() {
    let w = world().await;
    let p = partner(&w, "bad@reports.example.com").await;
    let before = w.item_count().await;
    for (body, field) in [
        (
            form("", "endpointSummary", &["pdf"], &[&p.plain.id], "7d"),
            "name",
        ),
        (
            form("x", "mspExecutiveSummary", &["csv"], &[&p.plain.id], "7d"),
            "formats[0]",
        ),
        (
            form("x", "endpointSummary", &["pdf"], &[], "7d"),
            "options.customers",
        ),
        (
            json!({"name": "x", "type": "alertHistory", "formats": ["pdf"],
            "options": {"period": {"kind": "last", "range": "7d"}, "customers": [p.plain.id], "reportBy": "groups"}}),
            "options.reportBy",
        ),
        (
            json!({"name": "x", "type": "alertHistory", "formats": ["pdf"],
            "options": {"period": {"kind": "days", "from": "2026-01-10", "to": "2026-01-01"}, "customers": [p.plain.id]}}),
            "options.period",
        ),
    ] {
        let a = w
            .call("POST", "/api/v1/reports", &p.admin, Some(&body))
            .await;
        assert_problem(&a, 422);
        let fields: Vec<&str> = a.body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert!(fields.contains(&field), "{field} in {fields:?}");
    }
    let unknown = w
        .call(
            "POST",
            "/api/v1/reports",
            &p.admin,
            Some(&form("x", "weatherReport", &["pdf"], &[&p.plain.id], "7d")),
        )
        .await;
    assert_problem(&unknown, 422);
    assert_eq!(w.item_count().await, before, "nothing stored");
    assert!(
        w.dispatcher.events.lock().unwrap().is_empty(),
        "nothing asked of the worker"
    );
}

#[tokio::test]
async fn a_report_that_cannot_be_stored_fails_with_a_reason_and_raises_an_alert() {
    let w = world().await;
    let p = partner(&w, "fail@reports.example.com").await;
    let asked = w
        .request(
            &p.admin,
            &form(
                "Doomed",
                "alertHistory",
                &["pdf", "csv"],
                &[&p.plain.id],
                "7d",
            ),
        )
        .await;
    // The bucket goes away before the worker writes.
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&w.stack.sdk)
            .force_path_style(true)
            .build(),
    );
    s3.delete_bucket()
        .bucket(&w.stack.state.config.reports_bucket)
        .send()
        .await
        .unwrap();
    let outcomes = w.deliver().await;
    assert!(outcomes[0].get("failed").is_some(), "{outcomes:?}");
    let metrics = &w.stack.state.metrics;
    assert_eq!(metrics.total(Metric::ReportsFailed), 1);
    assert_eq!(metrics.total(Metric::ReportsGenerated), 0);
    let id = asked["id"].as_str().unwrap();
    let report = w
        .call("GET", &format!("/api/v1/reports/{id}"), &p.admin, None)
        .await;
    assert_eq!(report.body["status"], "failed");
    assert_eq!(
        report.body["failure"],
        "The report's files could not be stored. Try again."
    );
    let alerts = get(&w.alerts, "/api/v1/alerts", &p.admin, IP).await;
    let failed: Vec<&Value> = alerts.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["type"] == "reportFailed")
        .collect();
    assert_eq!(failed.len(), 1, "{}", alerts.text);
    assert!(failed[0]["subject"].as_str().unwrap().contains("Doomed"));
}

/// Lambda retries a failed asynchronous invocation a minute or two later: a worker that
/// fails after claiming the report gives the claim back, so the retry makes the report
/// rather than finding it taken for the claim's 15 minutes.
#[tokio::test]
async fn a_worker_that_fails_after_its_claim_leaves_the_report_to_the_retry() {
    let w = world().await;
    let p = partner(&w, "retry@reports.example.com").await;
    let asked = w
        .request(
            &p.admin,
            &form("Retried", "alertHistory", &["csv"], &[&p.plain.id], "7d"),
        )
        .await;
    let events: Vec<Value> = std::mem::take(&mut *w.dispatcher.events.lock().unwrap());
    assert_eq!(events.len(), 1);
    let worker = w.stack.function("report-worker");
    // The claim is the worker's first update; marking the report Ready, its second, fails.
    w.stack.counter.fail_after("DynamoDB", "UpdateItem", 1);
    let first = report_worker::handle(&worker, events[0].clone()).await;
    assert!(first.is_err(), "{first:?}");
    let id = asked["id"].as_str().unwrap();
    let report = w
        .call("GET", &format!("/api/v1/reports/{id}"), &p.admin, None)
        .await;
    assert_eq!(report.body["status"], "processing", "{}", report.text);
    // The retry, at once: the report is made and counted once.
    let retried = report_worker::handle(&worker, events[0].clone())
        .await
        .expect("the retry answers");
    assert!(retried.get("ready").is_some(), "{retried}");
    let report = w
        .call("GET", &format!("/api/v1/reports/{id}"), &p.admin, None)
        .await;
    assert_eq!(report.body["status"], "ready", "{}", report.text);
    assert_eq!(w.stack.state.metrics.total(Metric::ReportsGenerated), 1);
    // A late duplicate of the event finds it finished.
    let late = report_worker::handle(&worker, events[0].clone())
        .await
        .expect("the duplicate answers");
    assert_eq!(late, serde_json::json!("skipped"));
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../tests/fixtures/logos/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

async fn put_logo(w: &World, token: &str, bytes: Vec<u8>, content_type: &str) -> Answer {
    let req = bearer(request("PUT", "/api/v1/branding/logo"), token)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(bytes))
        .unwrap();
    send(&w.reports, req, IP).await
}

#[tokio::test]
async fn bad_logos_are_refused_by_content_and_change_nothing() {
    let w = world().await;
    let admin = w.partner("logo@reports.example.com", "Logo Ltd").await;
    let logos = w.stack.state.config.logos_bucket.clone();
    let before = (w.item_count().await, w.keys(&logos).await);
    for (file, status) in [
        ("text-renamed.png", 415),
        ("svg-renamed.png", 415),
        ("too-big-201kb.png", 413),
        ("bomb-30000.png", 422),
        ("truncated.png", 422),
        ("truncated.gif", 422),
        ("truncated.jpg", 422),
        ("bad-crc.png", 422),
    ] {
        let a = put_logo(&w, &admin, fixture(file), "image/png").await;
        assert_problem(&a, status);
        assert!(
            a.body["detail"].as_str().is_some_and(|d| !d.is_empty()),
            "{file}: {}",
            a.text
        );
    }
    assert_eq!((w.item_count().await, w.keys(&logos).await), before);

    // A good one is stored, replaces the last, and is what GET hands out.
    let a = put_logo(
        &w,
        &admin,
        fixture("ok-300x150.png"),
        "application/octet-stream",
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(
        (
            a.body["logo"]["width"].as_u64(),
            a.body["logo"]["height"].as_u64()
        ),
        (Some(300), Some(150))
    );
    let b = put_logo(&w, &admin, fixture("ok-200x400.gif"), "image/gif").await;
    assert_eq!(b.body["logo"]["contentType"], "image/gif");
    let keys = w.keys(&logos).await;
    assert_eq!(keys.len(), 1, "the replaced logo is removed");
    let served = adapters::tls::http_client()
        .get(b.body["logo"]["url"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(served.to_vec(), fixture("ok-200x400.gif"));
    // Colours with If-Match.
    let version = b.body["version"].as_u64().unwrap();
    let stale = call(
        &w.reports,
        "PUT",
        "/api/v1/branding",
        &admin,
        Some(&json!({"headerColour": "#ffffff", "themeColour": "#123456"})),
        IP,
    )
    .await;
    assert_eq!(
        stale.status,
        StatusCode::OK,
        "without If-Match: {}",
        stale.text
    );
    let req = bearer(request("PUT", "/api/v1/branding"), &admin)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::IF_MATCH, format!("\"{version}\""))
        .body(Body::from(
            json!({"headerColour": "#000000", "themeColour": "#abcdef"}).to_string(),
        ))
        .unwrap();
    assert_problem(&send(&w.reports, req, IP).await, 412);
    let bad = call(
        &w.reports,
        "PUT",
        "/api/v1/branding",
        &admin,
        Some(&json!({"headerColour": "red", "themeColour": "#12345"})),
        IP,
    )
    .await;
    assert_problem(&bad, 422);
    assert_eq!(bad.body["errors"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_report_carries_the_partners_logo_in_every_valid_format() {
    let w = world().await;
    let p = partner(&w, "brand@reports.example.com").await;
    for logo in [
        "ok-300x150.png",
        "ok-200x400.gif",
        "ok-50x50.jpg",
        "ok-animated-60x40.gif",
    ] {
        let a = put_logo(&w, &p.admin, fixture(logo), "image/png").await;
        assert_eq!(a.status, StatusCode::OK, "{logo}: {}", a.text);
        let asked = w
            .request(
                &p.admin,
                &form(
                    logo,
                    "computerStatusSummary",
                    &["pdf", "html"],
                    &[&p.plain.id],
                    "7d",
                ),
            )
            .await;
        let outcomes = w.deliver().await;
        assert!(outcomes[0].get("ready").is_some(), "{logo}: {outcomes:?}");
        let (_, pdf) = w
            .download(&p.admin, asked["id"].as_str().unwrap(), "pdf")
            .await;
        let path = temp_file(&pdf, "pdf");
        let images = run("pdfimages", &["-list", path.to_str().unwrap()]);
        std::fs::remove_file(path).ok();
        assert!(
            images.lines().count() > 2,
            "{logo}: the PDF has an image:\n{images}"
        );
        let (_, html) = w
            .download(&p.admin, asked["id"].as_str().unwrap(), "html")
            .await;
        assert!(
            String::from_utf8(html)
                .unwrap()
                .contains("data:image/png;base64,"),
            "{logo}"
        );
    }
}

#[tokio::test]
async fn gathering_a_report_costs_calls_linear_in_its_customers() {
    let w = world().await;
    let admin = w.partner("calls@reports.example.com", "Calls Ltd").await;
    let mut ids = Vec::new();
    for i in 0..50 {
        ids.push(
            w.trial_customer(
                &admin,
                &format!("Customer {i:02}"),
                &format!("it{i}@calls.example.com"),
                "partnerManaged",
            )
            .await
            .id,
        );
    }
    let partner_id = domain::PartnerId::parse(&partner_of(&w).await).unwrap();
    let account: domain::partner::Partner = w
        .stack
        .state
        .table
        .get(&store::keys::partner_pk(&partner_id), "PARTNER")
        .await
        .unwrap()
        .unwrap();
    for kind in ReportType::ALL {
        let mut calls = Vec::new();
        for n in [1usize, 2, 50] {
            let mut report = domain::report::Report {
                id: domain::ReportId::generate(),
                name: "calls".into(),
                report_type: kind,
                formats: vec![domain::report::Format::Pdf],
                options: serde_json::from_value(
                    json!({"period": {"kind": "last", "range": "30d"}, "customers": ids[..n]}),
                )
                .unwrap(),
                status: domain::report::ReportStatus::Processing,
                failure: None,
                files: vec![],
                requested_by: domain::UserId::generate(),
                requested_by_name: "x".into(),
                requested_at: Utc::now(),
                finished_at: None,
                expires_at: Utc::now(),
                not_emailed: Vec::new(),
            };
            report.options.active_users_only = kind.options().active_users;
            w.stack.counter.reset();
            let data = report_worker::gather(&w.stack.state.table, &account, &report, Utc::now())
                .await
                .unwrap();
            assert_eq!(data.customers.len(), n);
            calls.push(w.stack.counter.service("DynamoDB"));
        }
        let per = calls[1] - calls[0];
        let fixed = calls[0] - per;
        assert!(
            calls[2] <= fixed + 50 * per,
            "{kind:?}: {calls:?} calls for 1, 2 and 50 customers grow faster than linearly"
        );
    }
}
