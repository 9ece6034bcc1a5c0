//! The scheduler tick against the local stack: trials end, subscriptions renew, requests
//! expire, usage is recorded once a day, and a second tick for the same moment changes
//! nothing.

use axum::http::StatusCode;
use chrono::{Duration, Utc};
use domain::{
    audit::{Action, AuditRecord, Outcome},
    entitlement::EntitlementState,
    CustomerId,
};
use serde_json::{json, Value};
use store::{consent::request_item, customers::Change};
use testkit::{http::*, TestStack};

const IP: &str = "192.0.2.95";

fn form(name: &str, email: &str) -> Value {
    crate::world::trial_form(name, email, "customerManaged", "shared")
}

/// Moves a customer's only entitlement into `state` (a fixture, as time would have).
async fn set_state(stack: &TestStack, id: &str, state: EntitlementState) {
    let id = CustomerId::parse(id).unwrap();
    let account = stack
        .state
        .table
        .customer_account(&id)
        .await
        .unwrap()
        .unwrap();
    let mut e = account.entitlements[0].clone();
    e.state = state;
    let mut customer = account.customer.clone();
    customer.products = domain::customer::summarize(std::slice::from_ref(&e));
    customer.version += 1;
    let audit = AuditRecord::new(Action::AddProducts, "fixture", "fixture", Outcome::Success);
    stack
        .state
        .table
        .save_customer(
            &customer,
            &account.customer,
            Change {
                entitlements: std::slice::from_ref(&e),
                serial: None,
            },
            &audit,
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn a_tick_ends_trials_renews_subscriptions_expires_requests_and_records_usage_once() {
    let stack = testkit::stack().await;
    let auth = auth::app(stack.function("auth"));
    let customers = customers::app(stack.function("customers"));
    let (_, token) = stack
        .confirmed_partner(&auth, "owner@tick.example", "Tick MSP")
        .await;
    let mut ids = Vec::new();
    for (name, email) in [
        ("Ending", "it@ending.example"),
        ("Renewing", "it@renewing.example"),
        ("Running", "it@running.example"),
    ] {
        let a = call(
            &customers,
            "POST",
            "/api/v1/customers",
            &token,
            Some(&form(name, email)),
            IP,
        )
        .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        ids.push(a.body["customer"]["id"].as_str().unwrap().to_string());
    }
    let now = Utc::now();
    set_state(
        &stack,
        &ids[0],
        EntitlementState::Trial {
            ends_at: now - Duration::hours(1),
        },
    )
    .await;
    let renews = now - Duration::days(1);
    set_state(
        &stack,
        &ids[1],
        EntitlementState::Paid { renews_at: renews },
    )
    .await;
    // A pending request whose link expired an hour ago.
    let asked = call(
        &customers,
        "POST",
        &format!("/api/v1/customers/{}/management", ids[2]),
        &token,
        Some(&json!({"management": "coManaged"})),
        IP,
    )
    .await;
    assert_eq!(asked.status, StatusCode::ACCEPTED, "{}", asked.text);
    let account = stack
        .state
        .table
        .customer_account(&CustomerId::parse(&ids[2]).unwrap())
        .await
        .unwrap()
        .unwrap();
    let mut record = account.requests[0].clone();
    record.request.expires_at = now - Duration::hours(1);
    stack
        .state
        .table
        .put(request_item(&record).unwrap())
        .await
        .unwrap();

    let first = scheduler::tick(&stack.function("scheduler"), now)
        .await
        .unwrap();
    assert_eq!(first.customers_updated, 2);
    assert_eq!(first.entitlements_changed, 2);
    assert_eq!(first.requests_expired, 1);
    assert_eq!(
        first.usage_recorded, 2,
        "the renewed subscription and the running trial"
    );
    let after_first = stack.items_json().await;

    let second = scheduler::tick(&stack.function("scheduler"), now)
        .await
        .unwrap();
    assert_eq!(second, scheduler::TickReport::default());
    assert_eq!(
        stack.items_json().await,
        after_first,
        "the second tick changes nothing"
    );

    let profile_path = |i: usize| format!("/api/v1/customers/{}", ids[i]);
    let ended = get(&customers, &profile_path(0), &token, IP).await;
    assert_eq!(ended.body["entitlements"][0]["status"], "expired");
    assert_eq!(ended.body["customer"]["products"], json!([]));
    let renewed = get(&customers, &profile_path(1), &token, IP).await;
    let next = renewed.body["entitlements"][0]["renewsAt"]
        .as_str()
        .unwrap();
    assert!(chrono::DateTime::parse_from_rfc3339(next).unwrap() > now);
    let running = get(&customers, &profile_path(2), &token, IP).await;
    assert_eq!(running.body["entitlements"][0]["status"], "trial");
    assert_eq!(running.body["requests"][0]["status"], "expired");
    let usage: Vec<&Value> = after_first
        .iter()
        .filter(|i| i["kind"] == "DailyUsage")
        .collect();
    assert_eq!(usage.len(), 2);
    assert!(usage
        .iter()
        .all(|u| u["day"] == now.date_naive().to_string().as_str()));
    assert!(usage
        .iter()
        .any(|u| u["status"] == "paid" && u["seats"] == 50));
}

#[test]
fn the_sample_event_names_the_moment() {
    let event: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../events/scheduler/tick.json"
        ))
        .unwrap(),
    )
    .unwrap();
    assert_eq!(
        scheduler::moment(&event).to_rfc3339(),
        "2026-11-27T10:00:00+00:00"
    );
}
