//! The ingestion API against the local stack: what it refuses (and that a refused batch
//! writes nothing), key rotation, the write budget of an event batch, a customer save
//! that does not undo an ingestion, and the key stored nowhere in clear.

use adapters::metrics::Metric;
use axum::http::StatusCode;
use chrono::{Duration, Utc};
use serde_json::{json, Value};
use testkit::simulator;
use testkit::simulator::Spec;
use testkit::{http::*, TestStack};

const IP: &str = "192.0.2.55";

crate::world::module_world!();

impl World {}

fn spec(computers: usize) -> Spec {
    Spec {
        seed: 9,
        customer: 0,
        computers,
        history_days: 30,
        agent_version: "22.4.1",
    }
}

#[tokio::test]
async fn bad_batches_are_refused_whole_and_write_nothing() {
    let w = world().await;
    let (_, admin) = w
        .stack
        .confirmed_partner(&w.auth, "ops@ingest.example.com", "Ingest Ltd")
        .await;
    let a = w
        .trial_customer(&admin, "Acme", "it@acme-ingest.example.com", "coManaged")
        .await;
    let b = w
        .trial_customer(&admin, "Bolt", "it@bolt-ingest.example.com", "coManaged")
        .await;
    let fleet = simulator::fleet(&spec(3), Utc::now());
    let computers = serde_json::to_value(&fleet.computers).unwrap();
    let events = serde_json::to_value(&fleet.events[..3]).unwrap();
    let before = w.item_count().await;

    let with = |list: &Value, i: usize, field: &str, value: Value| {
        let mut l = list.clone();
        l[i][field] = value;
        l
    };
    let future = json!((Utc::now() + Duration::hours(2)).to_rfc3339());
    let too_old = json!((Utc::now() - Duration::days(101)).to_rfc3339());
    let many: Vec<Value> = (0..501)
        .map(|i| with(&computers, 0, "id", json!(format!("pc-{i}")))[0].clone())
        .collect();
    // (records, key, body, status, a field the problem names)
    type Case<'a> = (&'a str, Option<&'a str>, String, u16, Option<&'a str>);
    let cases: Vec<Case> = vec![
        (
            "computers",
            None,
            json!({"computers": computers}).to_string(),
            401,
            None,
        ),
        (
            "computers",
            Some("pcik_forged"),
            json!({"computers": computers}).to_string(),
            401,
            None,
        ),
        // Another customer's key on this customer's path.
        (
            "computers",
            Some(b.key.as_str()),
            json!({"computers": computers}).to_string(),
            401,
            None,
        ),
        (
            "computers",
            Some(a.key.as_str()),
            "{\"computers\": [".into(),
            400,
            None,
        ),
        (
            "computers",
            Some(a.key.as_str()),
            json!({"computers": computers, "extra": 1}).to_string(),
            422,
            Some("extra"),
        ),
        (
            "computers",
            Some(a.key.as_str()),
            json!({"computers": with(&computers, 1, "colour", json!("red"))}).to_string(),
            422,
            Some("computers[1].colour"),
        ),
        (
            "computers",
            Some(a.key.as_str()),
            json!({"computers": with(&computers, 1, "lastSeen", future.clone())}).to_string(),
            422,
            Some("computers[1].lastSeen"),
        ),
        (
            "computers",
            Some(a.key.as_str()),
            json!({"computers": with(&computers, 2, "id", computers[0]["id"].clone())}).to_string(),
            422,
            Some("computers[2].id"),
        ),
        (
            "computers",
            Some(a.key.as_str()),
            json!({"computers": many}).to_string(),
            422,
            Some("computers"),
        ),
        (
            "events",
            Some(a.key.as_str()),
            json!({"events": with(&events, 0, "occurredAt", future)}).to_string(),
            422,
            Some("events[0].occurredAt"),
        ),
        (
            "events",
            Some(a.key.as_str()),
            json!({"events": with(&events, 2, "occurredAt", too_old)}).to_string(),
            422,
            Some("events[2].occurredAt"),
        ),
        (
            "events",
            Some(a.key.as_str()),
            json!({"events": with(&events, 1, "detail", json!({"type": "teleport"}))}).to_string(),
            422,
            None,
        ),
        (
            "events",
            Some(a.key.as_str()),
            json!({"events": []}).to_string(),
            422,
            Some("events"),
        ),
    ];
    for (kind, key, body, status, field) in cases {
        let r = w.report_raw(&a.id, kind, key, body).await;
        assert_problem(&r, status);
        if let Some(field) = field {
            let fields: Vec<&str> = r.body["errors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["field"].as_str().unwrap())
                .collect();
            assert!(fields.contains(&field), "{field} in {}", r.text);
        }
    }
    assert_eq!(
        w.item_count().await,
        before,
        "refused batches write nothing"
    );
    let metrics = &w.stack.state.metrics;
    assert_eq!(
        metrics.total(Metric::IngestedRecords),
        0,
        "nor count as ingested"
    );

    // A good batch goes in; after a rotation only the new key works.
    let ok = w
        .report(&a.id, "computers", &a.key, &json!({"computers": computers}))
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    assert_eq!(ok.body["accepted"], 3);
    assert_eq!(metrics.total(Metric::IngestedRecords), 3);
    let rotated = call(
        &w.customers,
        "POST",
        &format!("/api/v1/customers/{}/ingestion-key", a.id),
        &admin,
        None,
        IP,
    )
    .await;
    // The rotation is the ingest function's: the customers router does not have it.
    assert_eq!(rotated.status, StatusCode::NOT_FOUND);
    let rotated = call(
        &w.ingest,
        "POST",
        &format!("/api/v1/customers/{}/ingestion-key", a.id),
        &admin,
        None,
        IP,
    )
    .await;
    assert_eq!(rotated.status, StatusCode::CREATED, "{}", rotated.text);
    let new_key = rotated.body["key"].as_str().unwrap();
    assert_ne!(new_key, a.key);
    let old = w
        .report(&a.id, "events", &a.key, &json!({"events": events}))
        .await;
    assert_problem(&old, 401);
    let new = w
        .report(&a.id, "events", new_key, &json!({"events": events}))
        .await;
    assert_eq!(new.status, StatusCode::OK, "{}", new.text);
    assert_eq!(new.body["accepted"], 3);
    // Another partner cannot rotate (or learn of) this customer's key.
    let (_, other) = w
        .stack
        .confirmed_partner(&w.auth, "ops@other-ingest.example.com", "Other Ltd")
        .await;
    let foreign = call(
        &w.ingest,
        "POST",
        &format!("/api/v1/customers/{}/ingestion-key", a.id),
        &other,
        None,
        IP,
    )
    .await;
    assert_problem(&foreign, 404);
}

/// Write calls of one ingestion request.
fn writes(stack: &TestStack) -> u64 {
    [
        "TransactWriteItems",
        "PutItem",
        "UpdateItem",
        "BatchWriteItem",
        "DeleteItem",
    ]
    .iter()
    .map(|op| stack.counter.operation("DynamoDB", op))
    .sum()
}

#[tokio::test]
async fn a_batch_of_events_takes_at_most_one_write_call_per_25_events_and_a_constant() {
    let w = world().await;
    let (_, admin) = w
        .stack
        .confirmed_partner(&w.auth, "ops@budget.example.com", "Budget Ltd")
        .await;
    let a = w
        .trial_customer(&admin, "Acme", "it@acme-budget.example.com", "coManaged")
        .await;
    let now = Utc::now();
    let fleet = simulator::fleet(&spec(200), now);
    let computers = serde_json::to_value(&fleet.computers).unwrap();
    let r = w
        .report(&a.id, "computers", &a.key, &json!({"computers": computers}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    // A month of history in one batch (many day buckets), then a live batch (the last
    // hour: hour buckets too).
    let history: Vec<_> = fleet.events.iter().take(500).cloned().collect();
    let mut rng = simulator::live(&spec(200));
    let live: Vec<_> = (0..500)
        .map(|n| {
            let c = &fleet.computers[n % fleet.computers.len()];
            let at = now - Duration::seconds((n as i64) * 7);
            simulator::event(&mut rng, &spec(200), c, at, 1_000_000 + n as u64)
        })
        .collect();
    let metrics = &w.stack.state.metrics;
    for batch in [history, live] {
        let b = batch.len() as u64;
        let counted = metrics.total(Metric::IngestedRecords);
        w.stack.counter.reset();
        let r = w
            .report(&a.id, "events", &a.key, &json!({"events": batch}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.body["accepted"].as_u64(), Some(b));
        assert_eq!(metrics.total(Metric::IngestedRecords), counted + b);
        let calls = writes(&w.stack);
        assert!(
            calls <= b.div_ceil(25) + 2,
            "{calls} write calls for {b} events: {:?}",
            w.stack.counter.snapshot()
        );
        // A replay reads, and writes nothing.
        w.stack.counter.reset();
        let r = w
            .report(&a.id, "events", &a.key, &json!({"events": batch}))
            .await;
        assert_eq!(r.body["unchanged"].as_u64(), Some(b));
        assert_eq!(writes(&w.stack), 0);
        assert_eq!(
            metrics.total(Metric::IngestedRecords),
            counted + b,
            "a replay is not counted"
        );
    }
}

#[tokio::test]
async fn the_ingestion_key_is_stored_nowhere_in_clear_not_even_for_a_replay() {
    let w = world().await;
    let (_, admin) = w
        .stack
        .confirmed_partner(&w.auth, "ops@replay.example.com", "Replay Ltd")
        .await;
    let form =
        crate::world::trial_form("Acme", "it@acme-replay.example.com", "coManaged", "shared");
    let keyed = |path: &str, body: &Value, token: Option<&str>| {
        let mut req = request("POST", path)
            .header("content-type", "application/json")
            .header("idempotency-key", "0b7c6f1e-replay");
        if let Some(t) = token {
            req = bearer(req, t);
        }
        req.body(axum::body::Body::from(body.to_string())).unwrap()
    };
    let first = send(
        &w.customers,
        keyed("/api/v1/customers", &form, Some(&admin)),
        IP,
    )
    .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let key = first.body["ingestionKey"].as_str().unwrap().to_string();
    let id = first.body["customer"]["id"].as_str().unwrap().to_string();
    // The endpoint-protection service reports with the key, an Idempotency-Key too.
    let fleet = simulator::fleet(&spec(2), Utc::now());
    let mut report = keyed(
        &format!("/api/v1/ingest/{id}/computers"),
        &json!({"computers": fleet.computers}),
        None,
    );
    report
        .headers_mut()
        .insert("x-ingestion-key", key.parse().unwrap());
    let reported = send(&w.ingest, report, IP).await;
    assert_eq!(reported.status, StatusCode::OK, "{}", reported.text);

    let leaks: Vec<String> = w
        .stack
        .items_json()
        .await
        .iter()
        .map(Value::to_string)
        .filter(|item| item.contains(&key))
        .collect();
    assert!(leaks.is_empty(), "the key in clear: {leaks:?}");

    // A retry of the add replays the answer, without the key it showed once.
    let replay = send(
        &w.customers,
        keyed("/api/v1/customers", &form, Some(&admin)),
        IP,
    )
    .await;
    assert_eq!(replay.status, StatusCode::CREATED, "{}", replay.text);
    assert_eq!(replay.headers["idempotent-replayed"], "true");
    assert_eq!(replay.body["customer"]["id"], id.as_str());
    assert!(replay.body.get("ingestionKey").is_none(), "{}", replay.text);
}

#[tokio::test]
async fn a_customer_save_read_before_an_ingestion_keeps_what_the_ingestion_counted() {
    let w = world().await;
    let (_, admin) = w
        .stack
        .confirmed_partner(&w.auth, "ops@interleave.example.com", "Interleave Ltd")
        .await;
    let a = w
        .trial_customer(
            &admin,
            "Acme",
            "it@acme-interleave.example.com",
            "coManaged",
        )
        .await;
    let id = domain::CustomerId::parse(&a.id).unwrap();
    let table = &w.stack.state.table;
    let account = || async { table.customer_account(&id).await.unwrap().unwrap().customer };

    // A customer save reads the account...
    let before = account().await;
    // ...the endpoint-protection service reports computers meanwhile...
    // (up to date and online: nothing to raise an alert about, which would move the
    // account's version and make the save a conflict instead.)
    let now = Utc::now();
    let mut computers = serde_json::to_value(simulator::fleet(&spec(4), now).computers).unwrap();
    for c in computers.as_array_mut().unwrap() {
        c["agentVersion"] = json!(adapters::config::DEFAULT_AGENT_VERSION);
        c["definitionsDate"] = json!(now.date_naive());
        c["lastSeen"] = json!(now);
        c["activated"] = json!(true);
    }
    let r = w
        .report(&a.id, "computers", &a.key, &json!({"computers": computers}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let counted = account().await;
    assert!(counted.seats_used > 0, "{counted:?}");
    assert_eq!(counted.version, before.version, "no alert raised");
    // ...then the save writes what it changed.
    let mut after = before.clone();
    after.company.phone = "+44 113 496 0999".into();
    after.version += 1;
    let record = domain::audit::AuditRecord::new(
        domain::audit::Action::UpdateCustomerSettings,
        "ops@interleave.example.com",
        IP,
        domain::audit::Outcome::Success,
    );
    table
        .save_customer(
            &after,
            &before,
            store::customers::Change::default(),
            &record,
        )
        .await
        .unwrap();

    let saved = account().await;
    assert_eq!(saved.company.phone, "+44 113 496 0999", "the save's change");
    assert_eq!(
        saved.seats_used, counted.seats_used,
        "the ingestion's count"
    );
    assert_eq!(saved.require_update, counted.require_update);
}
