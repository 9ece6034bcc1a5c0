//! A create sent again with the same `Idempotency-Key` is answered as the first time and
//! makes nothing more, in every function whose creates take the key (sign-up's own cases
//! are in `auth`).

use axum::{body::Body, http::header, http::StatusCode, Router};
use serde_json::{json, Value};
use testkit::http::*;

use crate::world::{trial_form, World};

const IP: &str = "192.0.2.30";

async fn post_with_key(app: &Router, path: &str, token: &str, body: &Value, key: &str) -> Answer {
    let req = bearer(request("POST", path), token)
        .header("idempotency-key", key)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("a request");
    send(app, req, IP).await
}

/// Sends `body` twice with one key: the same status and body both times.
async fn twice(app: &Router, path: &str, token: &str, body: &Value, status: StatusCode) -> Value {
    let key = uuid::Uuid::new_v4().to_string();
    let first = post_with_key(app, path, token, body, &key).await;
    assert_eq!(first.status, status, "{path}: {}", first.text);
    let again = post_with_key(app, path, token, body, &key).await;
    assert_eq!(again.status, status, "{path} replayed: {}", again.text);
    // A new customer answers its profile; everything else itself.
    let id = |b: &Value| b.get("customer").unwrap_or(b)["id"].clone();
    assert!(id(&first.body).is_string(), "{}", first.text);
    assert_eq!(id(&again.body), id(&first.body), "{path} made one");
    first.body
}

#[tokio::test]
async fn creates_with_an_idempotency_key_are_made_once_in_every_function_that_takes_one() {
    let w = World::new().await;
    let admin = w.partner("pa@keys.example.com", "Keys Ltd").await;
    let reports = reports_http::app(w.stack.function("reports"));
    let schedules = report_schedules::app(w.stack.function("report-schedules"));

    let customer = twice(
        &w.customers,
        "/api/v1/customers",
        &admin,
        &trial_form(
            "Keys Dental",
            "it@keysdental.example.com",
            "coManaged",
            "shared",
        ),
        StatusCode::CREATED,
    )
    .await;
    twice(
        &w.users,
        "/api/v1/users",
        &admin,
        &json!({"email": "grace@keys.example.com", "firstName": "Grace", "lastName": "Hopper", "role": "administrator"}),
        StatusCode::CREATED,
    )
    .await;
    let form = json!({
        "name": "Keys endpoints",
        "type": "endpointSummary",
        "formats": ["pdf"],
        "options": {"period": {"kind": "last", "range": "7d"}, "customers": [customer["customer"]["id"]]}
    });
    twice(
        &reports,
        "/api/v1/reports",
        &admin,
        &form,
        StatusCode::ACCEPTED,
    )
    .await;
    let template = twice(
        &reports,
        "/api/v1/report-templates",
        &admin,
        &form,
        StatusCode::CREATED,
    )
    .await;
    twice(
        &schedules,
        "/api/v1/report-schedules",
        &admin,
        &json!({"name": "Keys weekly", "templateId": template["id"], "frequency": "weekly", "hour": 6}),
        StatusCode::CREATED,
    )
    .await;
    let listed = get(&schedules, "/api/v1/report-schedules", &admin, IP).await;
    let names: Vec<&str> = listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["name"].as_str())
        .filter(|n| n.starts_with("Keys"))
        .collect();
    assert_eq!(names, ["Keys weekly"]);
}
