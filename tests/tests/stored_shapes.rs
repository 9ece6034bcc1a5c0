//! The stored shape of every item kind, pinned: a flow through the console's main paths
//! (sign-up, ExSP activation, a customer with a trial, a user, a custom role, telemetry,
//! an alert rule, Report Customization, a report, a template, a schedule and its emailed
//! run left out of an address that bounced, a support ticket with an attachment and a
//! comment, feedback) writes the items, and each kind's attribute names and types must equal
//! `tests/golden/stored-items.json`. API types and stored items share some structs, so
//! renaming an API field would otherwise change what is stored without anyone noticing;
//! here it fails until the golden file is deliberately regenerated
//! (`UPDATE_GOLDEN=1 cargo test -p console-tests --test console stored_shapes`) and the
//! change to stored data is reviewed (and migrated, for items already in a table).

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_dynamodb::types::AttributeValue;
use axum::http::StatusCode;
use chrono::Utc;
use serde_json::{json, Value};
use testkit::http::*;

crate::world::module_world!();

const IP: &str = "192.0.2.30";
const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/golden/stored-items.json");

/// The type letter DynamoDB gives a value (`S`, `N`, `M`, ...).
fn type_of(v: &AttributeValue) -> &'static str {
    match v {
        AttributeValue::S(_) => "S",
        AttributeValue::N(_) => "N",
        AttributeValue::B(_) => "B",
        AttributeValue::Bool(_) => "BOOL",
        AttributeValue::Null(_) => "NULL",
        AttributeValue::M(_) => "M",
        AttributeValue::L(_) => "L",
        AttributeValue::Ss(_) => "SS",
        AttributeValue::Ns(_) => "NS",
        AttributeValue::Bs(_) => "BS",
        _ => "?",
    }
}

/// Counter attributes are named by their data (`os#windows`, `seen#2026-12-04`): their
/// shape is the prefix.
fn shape_name(name: &str) -> String {
    match name.split_once('#') {
        Some((prefix, _)) => format!("{prefix}#*"),
        None => name.to_string(),
    }
}

impl World {
    async fn post(&self, app: &axum::Router, path: &str, token: &str, body: Value) -> Answer {
        let a = call(app, "POST", path, token, Some(&body), IP).await;
        assert!(a.status.is_success(), "{path}: {} {}", a.status, a.text);
        a
    }

    async fn put(&self, app: &axum::Router, path: &str, token: &str, body: Value) -> Answer {
        let a = call(app, "PUT", path, token, Some(&body), IP).await;
        assert!(a.status.is_success(), "{path}: {} {}", a.status, a.text);
        a
    }
}

#[tokio::test]
async fn every_stored_item_kind_keeps_its_attributes() {
    let w = world().await;
    let admin = w.exsp_partner("pa@shapes.example.com", "Shapes Ltd").await;
    let customer = w
        .trial_customer(&admin, "Shape Co", "it@shape-co.example.com", "coManaged")
        .await;
    w.add_user(&admin, "grace@shapes.example.com", "administrator")
        .await;
    // A request the customer must approve: the request with its links, the `Asked`
    // pointer, the link.
    let asked = w
        .post(
            &w.customers,
            &format!("/api/v1/customers/{}/management", customer.id),
            &admin,
            json!({"management": "partnerManaged"}),
        )
        .await;
    assert_eq!(asked.status, StatusCode::ACCEPTED, "{}", asked.text);
    w.post(
        &w.users,
        "/api/v1/roles",
        &admin,
        json!({"name": "Help desk"}),
    )
    .await;
    w.post(
        &w.alerts,
        "/api/v1/alert-rules",
        &admin,
        json!({
            "name": "Errors",
            "enabled": true,
            "categories": [{"service": "endpointProtection", "severity": "error"}],
            "computers": {"scope": "all"},
            "recipients": [],
        }),
    )
    .await;
    let fleet = testkit::simulator::fleet(
        &testkit::simulator::Spec {
            seed: 7,
            customer: 0,
            computers: 5,
            history_days: 3,
            agent_version: "22.4.1",
        },
        Utc::now(),
    );
    let a = w
        .report(
            &customer.id,
            "computers",
            &customer.key,
            &json!({"computers": fleet.computers}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let events: Vec<_> = fleet.events.iter().take(50).collect();
    let a = w
        .report(
            &customer.id,
            "events",
            &customer.key,
            &json!({"events": events}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    // Report Customization and a report, made by the worker as EventBridge would hand it.
    let reports = reports_http::app(w.stack.function("reports"));
    w.put(
        &reports,
        "/api/v1/branding",
        &admin,
        json!({"headerColour": "#ffffff", "themeColour": "#123456"}),
    )
    .await;
    let logo = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/logos/ok-200x400.gif"
    ))
    .unwrap();
    let req = bearer(request("PUT", "/api/v1/branding/logo"), &admin)
        .header(axum::http::header::CONTENT_TYPE, "image/gif")
        .body(axum::body::Body::from(logo))
        .unwrap();
    let a = send(&reports, req, IP).await;
    assert!(a.status.is_success(), "logo: {} {}", a.status, a.text);
    let report = w
        .post(
            &reports,
            "/api/v1/reports",
            &admin,
            json!({
                "name": "Shapes",
                "type": "endpointSummary",
                "formats": ["pdf", "csv"],
                "options": {"period": {"kind": "last", "range": "7d"}, "customers": [customer.id]}
            }),
        )
        .await;
    let me = call(&w.auth, "GET", "/api/v1/me", &admin, None, IP).await;
    let outcome = report_worker::handle(
        &w.stack.function("report-worker"),
        json!({
            "detail-type": "ReportRequested",
            "source": "partner-console",
            "detail": {"partnerId": me.body["partner"]["id"], "reportId": report.body["id"]}
        }),
    )
    .await
    .expect("the worker answers");
    assert!(outcome.get("ready").is_some(), "{outcome}");
    // A template, its schedule, and a scheduled run emailed to a user.
    let template = w
        .post(
            &reports,
            "/api/v1/report-templates",
            &admin,
            json!({
                "name": "Shapes template",
                "type": "endpointSummary",
                "formats": ["pdf"],
                "options": {"period": {"kind": "last", "range": "7d"}, "customers": [customer.id]}
            }),
        )
        .await;
    let schedule = w
        .post(
            &report_schedules::app(w.stack.function("report-schedules")),
            "/api/v1/report-schedules",
            &admin,
            json!({"name": "Shapes schedule", "templateId": template.body["id"], "frequency": "daily",
                "hour": 5, "delivery": {"users": [me.body["user"]["id"]], "attach": true}}),
        )
        .await;
    // SES reports that the administrator's mailbox bounced: the address is suppressed,
    // and the scheduled run records that its email left them out.
    let mut bounce: Value =
        serde_json::from_str(include_str!("../../events/notifier/ses-bounce.json")).unwrap();
    bounce["detail"]["bounce"]["bouncedRecipients"][0]["emailAddress"] =
        "pa@shapes.example.com".into();
    bounce["detail"]["mail"]["tags"]["partner"] = json!([me.body["partner"]["id"]]);
    let suppressed = notifier::handle(&w.stack.function("notifier"), bounce)
        .await
        .unwrap();
    assert_eq!(suppressed["suppressed"], 1, "{suppressed}");
    let run = report_worker::handle(
        &w.stack.function("report-worker"),
        json!({
            "detail-type": adapters::schedules::SCHEDULE_DUE,
            "time": Utc::now().to_rfc3339(),
            "detail": {"partnerId": me.body["partner"]["id"], "scheduleId": schedule.body["id"]}
        }),
    )
    .await
    .expect("the worker answers");
    assert!(run.get("ready").is_some(), "{run}");
    let left_out: Vec<Value> = w
        .stack
        .items_json()
        .await
        .into_iter()
        .filter(|i| i["kind"] == "Report" && i.get("notEmailed").is_some())
        .map(|i| i["notEmailed"].clone())
        .collect();
    assert_eq!(left_out, [json!(["pa@shapes.example.com"])]);
    // A sign-up still to confirm its email, and a password reset link.
    let pending = sign_up(&w.auth, "new@unconfirmed.example.com", "Pending Ltd").await;
    assert_eq!(pending.status, 201, "{}", pending.text);
    let forgot = send(
        &w.auth,
        json_post(
            "/api/v1/auth/password/forgot",
            &json!({"email": "pa@shapes.example.com"}),
        ),
        "192.0.2.44",
    )
    .await;
    assert_eq!(forgot.status, 202, "{}", forgot.text);

    // Case Management: a ticket with an attachment, a comment, support's triage, and
    // feedback.
    let support = support::app(w.stack.function("support"));
    let ticket = w
        .post(
            &support,
            "/api/v1/tickets",
            &admin,
            json!({"subject": "Shapes case", "description": "Agents offline"}),
        )
        .await;
    let tid = ticket.body["id"].as_str().unwrap().to_string();
    let upload = w
        .post(
            &support,
            &format!("/api/v1/tickets/{tid}/attachments"),
            &admin,
            json!({"fileName": "agent.log", "contentType": "text/plain", "size": 5}),
        )
        .await;
    let put = adapters::tls::http_client()
        .put(upload.body["url"].as_str().unwrap())
        .header("content-type", "text/plain")
        .body("hello")
        .send()
        .await
        .unwrap();
    assert!(put.status().is_success());
    w.post(
        &support,
        &format!(
            "/api/v1/tickets/{tid}/attachments/{}/complete",
            upload.body["attachment"]["id"].as_str().unwrap()
        ),
        &admin,
        json!(null),
    )
    .await;
    w.post(
        &support,
        &format!("/api/v1/tickets/{tid}/comments"),
        &admin,
        json!({"text": "More detail"}),
    )
    .await;
    infra::operator::support::triage(
        &w.stack.state,
        &domain::PartnerId::parse(me.body["partner"]["id"].as_str().unwrap()).unwrap(),
        &domain::support::TicketId::parse(&tid).unwrap(),
        Some(domain::support::Severity::Low),
        None,
    )
    .await
    .unwrap();
    w.post(
        &support,
        "/api/v1/feedback",
        &admin,
        json!({"category": "compliment", "comments": "Clear",
            "rating": {"content": 5, "design": 5, "usability": 5, "overall": 5, "easeOfUse": 5},
            "wouldRecommend": "maybe"}),
    )
    .await;

    let mut shapes: BTreeMap<String, BTreeMap<String, BTreeSet<&'static str>>> = BTreeMap::new();
    for item in w.stack.items().await {
        let kind = item
            .get("kind")
            .and_then(|k| k.as_s().ok())
            .cloned()
            .unwrap_or_else(|| "(no kind)".into());
        let shape = shapes.entry(kind).or_default();
        for (name, value) in &item {
            shape
                .entry(shape_name(name))
                .or_default()
                .insert(type_of(value));
        }
    }
    let actual = serde_json::to_string_pretty(&shapes).unwrap() + "\n";
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(GOLDEN, &actual).unwrap();
    }
    let golden = std::fs::read_to_string(GOLDEN).unwrap_or_default();
    assert!(
        actual == golden,
        "the stored items' shapes changed: review the difference, then regenerate {GOLDEN} \
         with UPDATE_GOLDEN=1.\nNow:\n{actual}"
    );
}
