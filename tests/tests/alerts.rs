//! Alerts end to end against the local stack: telemetry from the simulator raises them
//! through the ingestion API, the `AlertRaised` event reaches the notifier through the
//! local event dispatcher (a loopback server standing in for cargo-lambda's invoke API),
//! and the notifier mails the outbox, texts through SNS (moto) and calls a loopback
//! webhook receiver that checks the signature. Then: a receiver that is down, the
//! Alerts page's filters, sorting, dismissal and budget, and bad rules.

use std::sync::{Arc, Mutex};

use crate::world::{serve, INVOKE_PATH};
use adapters::metrics::Metric;
use adapters::services::AppState;
use axum::{
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    routing::post,
    Json, Router,
};
use chrono::{Duration, Utc};
use domain::{
    alert::{verify, DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER},
    telemetry::{EventDetail, EventReport, RiskAction},
    PartnerId,
};
use serde_json::{json, Value};
use testkit::http::*;
use testkit::simulator;
use testkit::simulator::Spec;

/// What the stand-in for cargo-lambda's invoke API received: every event, in order.
#[derive(Default)]
struct Dispatcher {
    state: Mutex<Option<AppState>>,
    events: Mutex<Vec<Value>>,
    /// Answer 503 without invoking anything, as a broken bus would.
    down: std::sync::atomic::AtomicBool,
}

async fn invoke(
    State(d): State<Arc<Dispatcher>>,
    Path(function): Path<String>,
    Json(event): Json<Value>,
) -> (StatusCode, Json<Value>) {
    assert_eq!(
        function, "notifier",
        "AlertRaised is routed to the notifier"
    );
    if d.down.load(std::sync::atomic::Ordering::SeqCst) {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"error": "down"})),
        );
    }
    d.events.lock().unwrap().push(event.clone());
    let state = d.state.lock().unwrap().clone().expect("the stack is up");
    match notifier::handle(&state, event).await {
        Ok(v) => (StatusCode::OK, Json(v)),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({"error": e.to_string()})),
        ),
    }
}

/// A webhook receiver: answers `status`, and keeps each call's headers and body.
struct Receiver {
    status: Mutex<StatusCode>,
    calls: Mutex<Vec<(HeaderMap, Bytes)>>,
}

async fn receive(State(r): State<Arc<Receiver>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    r.calls.lock().unwrap().push((headers, body));
    *r.status.lock().unwrap()
}

/// The shared world, with the notifier reached through a local dispatcher and a webhook
/// receiver of the test's own.
struct World {
    base: crate::world::World,
    dispatcher: Arc<Dispatcher>,
    receiver: Arc<Receiver>,
    hook_url: String,
}

impl std::ops::Deref for World {
    type Target = crate::world::World;
    fn deref(&self) -> &crate::world::World {
        &self.base
    }
}

const IP: &str = "192.0.2.61";

async fn world() -> World {
    let dispatcher = Arc::new(Dispatcher::default());
    let receiver = Arc::new(Receiver {
        status: Mutex::new(StatusCode::OK),
        calls: Mutex::new(Vec::new()),
    });
    let hook_addr = serve(
        Router::new()
            .route("/hook", post(receive))
            .with_state(receiver.clone()),
    )
    .await;
    let base = crate::world::World::with_events(
        Router::new()
            .route(INVOKE_PATH, post(invoke))
            .with_state(dispatcher.clone()),
        &[("AlertRaised", "notifier")],
    )
    .await;
    *dispatcher.state.lock().unwrap() = Some(base.stack.function("notifier"));
    World {
        base,
        dispatcher,
        receiver,
        hook_url: format!("http://{hook_addr}/hook"),
    }
}

struct Partner {
    admin: String,
    id: PartnerId,
}

impl World {
    async fn call(
        &self,
        app: &Router,
        method: &str,
        path: &str,
        token: &str,
        body: Option<&Value>,
    ) -> Answer {
        call(app, method, path, token, body, IP).await
    }

    async fn ok(
        &self,
        app: &Router,
        method: &str,
        path: &str,
        token: &str,
        body: Option<&Value>,
    ) -> Value {
        let a = self.call(app, method, path, token, body).await;
        assert!(
            a.status.is_success(),
            "{method} {path}: {} {}",
            a.status,
            a.text
        );
        a.body
    }

    async fn partner(&self, email: &str, company: &str) -> Partner {
        let (me, admin) = self
            .stack
            .confirmed_partner(&self.auth, email, company)
            .await;
        Partner {
            admin,
            id: PartnerId::parse(me["partner"]["id"].as_str().unwrap()).unwrap(),
        }
    }

    /// A user of the partner with `role` (and contact preferences), who never signs in.
    async fn user(
        &self,
        p: &Partner,
        email: &str,
        role: &str,
        contacts: &[(&str, &str)],
    ) -> String {
        let id = self.add_user(&p.admin, email, role).await;
        for (i, (kind, address)) in contacts.iter().enumerate() {
            self.ok(
                &self.users,
                "POST",
                &format!("/api/v1/users/{id}/contacts"),
                &p.admin,
                Some(&json!({"type": kind, "address": address, "primary": i == 0})),
            )
            .await;
        }
        id
    }

    /// A custom role with Read access to `read` and No access to customers added from
    /// now on.
    async fn blind_role(&self, p: &Partner, read: &[&str]) -> String {
        let r = self
            .ok(
                &self.users,
                "POST",
                "/api/v1/roles",
                &p.admin,
                Some(&json!({"name": "Blind"})),
            )
            .await;
        let id = r["id"].as_str().unwrap().to_string();
        self.ok(
            &self.users,
            "PUT",
            &format!("/api/v1/roles/{id}"),
            &p.admin,
            Some(&json!({"name": "Blind", "access": {"all": null, "read": read, "defaultLevel": "noAccess"},
                "permissions": {"addCustomers": false, "importCustomers": false, "removeCustomers": false}})),
        )
        .await;
        id
    }

    async fn customer(&self, p: &Partner, name: &str, email: &str) -> (String, String) {
        let c = self
            .trial_customer(&p.admin, name, email, "coManaged")
            .await;
        (c.id, c.key)
    }

    async fn ingest(&self, customer: &str, key: &str, kind: &str, body: &Value) -> Value {
        let req = bearer(
            request("POST", &format!("/api/v1/ingest/{customer}/{kind}")),
            key,
        )
        .header("content-type", "application/json")
        .body(axum::body::Body::from(body.to_string()))
        .unwrap();
        let a = send(&self.ingest, req, IP).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        a.body
    }

    async fn alerts(&self, token: &str, query: &str) -> Vec<Value> {
        self.ok(
            &self.alerts,
            "GET",
            &format!("/api/v1/alerts?{query}"),
            token,
            None,
        )
        .await["items"]
            .as_array()
            .unwrap()
            .clone()
    }

    /// Text messages to `number` that mention `needle` (moto keeps every test's).
    async fn sms_to(&self, number: &str, needle: &str) -> Vec<String> {
        let all: Vec<Value> = adapters::tls::http_client()
            .get(format!("{}/_local/sms", self.stack.endpoint))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        all.iter()
            .filter(|m| {
                m["phoneNumber"] == number && m["message"].as_str().unwrap().contains(needle)
            })
            .map(|m| m["message"].as_str().unwrap().to_string())
            .collect()
    }

    /// Mail to `address` whose text mentions `needle` (users also get invitations).
    fn mail_to(&self, address: &str, needle: &str) -> Vec<String> {
        self.stack
            .outbox_messages()
            .into_iter()
            .filter(|m| {
                m.contains(&format!("To: {address}"))
                    && adapters::mail::decode_eml_text(m).is_some_and(|t| t.contains(needle))
            })
            .collect()
    }

    fn hook_calls(&self) -> Vec<(HeaderMap, Bytes)> {
        self.receiver.calls.lock().unwrap().clone()
    }
}

/// The simulator's fleet for a customer, and its unresolved risks on one computer: at
/// least two (a second, later one is the simulator's first with a new id if it made one).
fn fleet_with_unresolved() -> (simulator::Fleet, Vec<EventReport>) {
    let now = Utc::now();
    let fleet = simulator::fleet(
        &Spec {
            seed: 61,
            customer: 0,
            computers: 100,
            history_days: 60,
            agent_version: "22.4.1",
        },
        now,
    );
    let unresolved: Vec<&EventReport> = fleet
        .events
        .iter()
        .filter(|e| {
            matches!(
                e.detail,
                EventDetail::RiskDetection {
                    action: RiskAction::Unresolved,
                    ..
                }
            )
        })
        .collect();
    let first = (*unresolved
        .first()
        .expect("the simulator produces unresolved risks"))
    .clone();
    let mut mine: Vec<EventReport> = unresolved
        .iter()
        .filter(|e| e.computer_id == first.computer_id)
        .map(|e| (*e).clone())
        .collect();
    if mine.len() < 2 {
        let mut again = first.clone();
        again.id = format!("{}-again", first.id);
        again.occurred_at = now - Duration::minutes(1);
        mine.push(again);
    }
    (fleet, mine)
}

fn rule_body(name: &str, enabled: bool, recipients: &[&str], webhook: Option<&str>) -> Value {
    json!({
        "name": name,
        "enabled": enabled,
        "categories": [{"service": "endpointProtection", "severity": "error"}],
        "computers": {"scope": "all"},
        "recipients": recipients,
        "webhook": webhook.map(|u| json!({"url": u})),
    })
}

#[tokio::test]
async fn an_unresolved_risk_raises_one_alert_and_the_enabled_rule_reaches_who_may_see_it() {
    let w = world().await;
    let p = w
        .partner("pa@alerts-e2e.example.com", "Alerting Partners")
        .await;
    let blind_role = w.blind_role(&p, &[]).await;
    let ops = w
        .user(
            &p,
            "ops@alerts-e2e.example.com",
            "administrator",
            &[
                ("email", "oncall@alerts-e2e.example.com"),
                ("sms", "+447700900611"),
            ],
        )
        .await;
    let blind = w
        .user(
            &p,
            "blind@alerts-e2e.example.com",
            &blind_role,
            &[("sms", "+447700900612")],
        )
        .await;
    let quiet = w
        .user(
            &p,
            "quiet@alerts-e2e.example.com",
            "administrator",
            &[("sms", "+447700900613")],
        )
        .await;
    let created = w
        .ok(
            &w.alerts,
            "POST",
            "/api/v1/alert-rules",
            &p.admin,
            Some(&rule_body(
                "Errors to ops",
                true,
                &[&ops, &blind],
                Some(&w.hook_url),
            )),
        )
        .await;
    let secret = created["webhookSecret"]
        .as_str()
        .expect("the secret, once")
        .to_string();
    assert_eq!(created["recipientCount"], 2);
    let disabled = w
        .ok(
            &w.alerts,
            "POST",
            "/api/v1/alert-rules",
            &p.admin,
            Some(&rule_body("Paused", false, &[&quiet], None)),
        )
        .await;
    assert!(disabled.get("webhookSecret").is_none());
    let listed = w
        .ok(&w.alerts, "GET", "/api/v1/alert-rules", &p.admin, None)
        .await;
    assert!(listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r.get("webhookSecret").is_none()));

    let (customer, key) = w
        .customer(&p, "Contoso Dental", "it@contoso-e2e.example.com")
        .await;
    let (fleet, unresolved) = fleet_with_unresolved();
    w.ingest(
        &customer,
        &key,
        "computers",
        &json!({"computers": fleet.computers}),
    )
    .await;
    w.ingest(
        &customer,
        &key,
        "events",
        &json!({"events": unresolved[..1]}),
    )
    .await;
    w.ingest(
        &customer,
        &key,
        "events",
        &json!({"events": unresolved[1..]}),
    )
    .await;

    // Ingestion counts the records it stored.
    let metrics = &w.stack.state.metrics;
    assert_eq!(
        metrics.total(Metric::IngestedRecords),
        (fleet.computers.len() + unresolved.len()) as u64
    );
    // One Error alert for the computer, however many events.
    let errors: Vec<Value> = w.alerts(&p.admin, "type=unresolvedRisk").await;
    assert_eq!(errors.len(), 1, "{errors:?}");
    let alert = &errors[0];
    assert_eq!(alert["severity"], "error");
    assert_eq!(alert["status"], "open");
    assert_eq!(alert["customerName"], "Contoso Dental");
    assert_eq!(alert["occurrences"], unresolved.len() as u64);
    let alert_id = alert["id"].as_str().unwrap().to_string();
    let raised = w
        .dispatcher
        .events
        .lock()
        .unwrap()
        .iter()
        .filter(|e| e["detail"]["alertId"] == alert_id.as_str())
        .count();
    assert_eq!(raised, 1, "AlertRaised once, for the new alert only");

    // The recipient: email to their email contact, a text to their number.
    let mail = w.mail_to("oncall@alerts-e2e.example.com", &alert_id);
    assert_eq!(mail.len(), 1);
    let text = adapters::mail::decode_eml_text(&mail[0]).unwrap();
    assert!(text.contains("Customer: Contoso Dental"), "{text}");
    assert!(text.contains(&alert_id));
    let sms = w.sms_to("+447700900611", &alert_id).await;
    assert_eq!(sms.len(), 1);
    assert!(
        sms[0].starts_with("[Error] Unresolved risk on "),
        "{}",
        sms[0]
    );
    // No access to the customer: told nothing. The disabled rule: sends nothing.
    assert!(w.sms_to("+447700900612", &alert_id).await.is_empty());
    assert!(w
        .mail_to("blind@alerts-e2e.example.com", &alert_id)
        .is_empty());
    assert!(w.sms_to("+447700900613", &alert_id).await.is_empty());

    // The webhook: one signed call that verifies with the rule's secret.
    let calls = w.hook_calls();
    assert_eq!(calls.len(), 1);
    let (headers, body) = &calls[0];
    let header = |n: &str| headers.get(n).unwrap().to_str().unwrap().to_string();
    assert!(verify(
        &secret,
        &header(TIMESTAMP_HEADER),
        body,
        &header(SIGNATURE_HEADER),
        Utc::now().timestamp()
    ));
    assert!(!verify(
        "whsec_wrong",
        &header(TIMESTAMP_HEADER),
        body,
        &header(SIGNATURE_HEADER),
        Utc::now().timestamp()
    ));
    let payload: Value = serde_json::from_slice(body).unwrap();
    assert_eq!(payload["type"], "alert.raised");
    assert_eq!(payload["alert"]["id"], alert_id.as_str());
    assert_eq!(payload["ruleName"], "Errors to ops");
    assert_eq!(payload["deliveryId"], header(DELIVERY_HEADER));

    // The same event again: every delivery is claimed already, nothing is sent twice.
    let event = w
        .dispatcher
        .events
        .lock()
        .unwrap()
        .iter()
        .find(|e| e["detail"]["alertId"] == alert_id.as_str())
        .cloned()
        .unwrap();
    let again = notifier::handle(&w.stack.function("notifier"), event)
        .await
        .unwrap();
    assert_eq!(again["attempted"], 0);
    assert_eq!(again["already"], 3);
    // Three notifications delivered (email, text, webhook), counted once each.
    assert_eq!(metrics.total(Metric::AlertsSent), 3);
    assert_eq!(metrics.total(Metric::NotificationsFailed), 0);
    assert_eq!(w.hook_calls().len(), 1);
    assert_eq!(
        w.mail_to("oncall@alerts-e2e.example.com", &alert_id).len(),
        1
    );
    assert_eq!(w.sms_to("+447700900611", &alert_id).await.len(), 1);
    let rule = created["id"].as_str().unwrap();
    let log = w
        .ok(
            &w.alerts,
            "GET",
            &format!("/api/v1/alert-rules/{rule}/deliveries"),
            &p.admin,
            None,
        )
        .await;
    let log = log["items"].as_array().unwrap();
    assert_eq!(log.len(), 3, "{log:?}");
    assert!(log
        .iter()
        .all(|d| d["status"] == "sent" && d["attempts"] == 1));
    assert!(log
        .iter()
        .any(|d| d["channel"] == "webhook" && d["statusCode"] == 200));

    // The customer list's Alerts column and filter, and Customer Issues, from open alerts.
    let rows = w
        .ok(
            &w.customers,
            "GET",
            "/api/v1/customers?alerts=error",
            &p.admin,
            None,
        )
        .await;
    let rows = rows["items"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["alerts"]["error"], 1);
}

#[tokio::test]
async fn a_receiver_that_is_down_is_retried_with_backoff_then_dead_lettered() {
    let w = world().await;
    let p = w
        .partner("pa@alerts-down.example.com", "Down Partners")
        .await;
    *w.receiver.status.lock().unwrap() = StatusCode::SERVICE_UNAVAILABLE;
    let created = w
        .ok(
            &w.alerts,
            "POST",
            "/api/v1/alert-rules",
            &p.admin,
            Some(&rule_body("Hook only", true, &[], Some(&w.hook_url))),
        )
        .await;
    let rule = created["id"].as_str().unwrap().to_string();
    let (customer, key) = w
        .customer(&p, "Fabrikam", "it@fabrikam-down.example.com")
        .await;
    let (fleet, unresolved) = fleet_with_unresolved();
    w.ingest(
        &customer,
        &key,
        "computers",
        &json!({"computers": fleet.computers}),
    )
    .await;
    w.ingest(&customer, &key, "events", &json!({"events": unresolved}))
        .await;

    let deliveries = || async {
        w.ok(
            &w.alerts,
            "GET",
            &format!("/api/v1/alert-rules/{rule}/deliveries"),
            &p.admin,
            None,
        )
        .await["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["channel"] == "webhook")
            .cloned()
            .expect("the webhook's delivery")
    };
    let first = deliveries().await;
    assert_eq!(first["status"], "retrying");
    assert_eq!(first["statusCode"], 503);
    let claimed = chrono::DateTime::parse_from_rfc3339(first["at"].as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc);

    // Each tick at the time the delivery is due makes the next attempt; the waits grow.
    let mut now = claimed;
    let mut waits = Vec::new();
    for attempt in 1..=4 {
        let d = deliveries().await;
        assert_eq!(d["attempts"], attempt);
        let next = chrono::DateTime::parse_from_rfc3339(d["nextAttemptAt"].as_str().unwrap())
            .unwrap()
            .with_timezone(&Utc);
        waits.push((next - now).num_minutes());
        // A tick before it is due leaves it be.
        let early = scheduler::tick(&w.stack.function("scheduler"), next - Duration::seconds(5))
            .await
            .unwrap();
        assert_eq!(early.deliveries_retried, 0);
        now = next;
        let report = scheduler::tick(&w.stack.function("scheduler"), now)
            .await
            .unwrap();
        assert_eq!(report.deliveries_retried, 1);
    }
    assert_eq!(waits, [1, 5, 30, 120]);
    // Failed attempts that will be retried are not failures yet; the last one is.
    let metrics = &w.stack.state.metrics;
    assert_eq!(metrics.total(Metric::NotificationsFailed), 1);
    let sent = metrics.total(Metric::AlertsSent);
    let last = deliveries().await;
    assert_eq!(last["status"], "failed");
    assert_eq!(last["attempts"], 5);
    assert_eq!(last["statusCode"], 503);
    assert!(last.get("nextAttemptAt").is_none());
    assert_eq!(
        scheduler::tick(&w.stack.function("scheduler"), now + Duration::days(1))
            .await
            .unwrap()
            .deliveries_retried,
        0,
        "a failed delivery is not due again"
    );

    // Every attempt carried the same delivery id; nothing is lost: the dead letter keeps
    // the body; the alert itself is unaffected.
    let calls = w.hook_calls();
    assert_eq!(calls.len(), 5);
    let ids: std::collections::BTreeSet<&str> = calls
        .iter()
        .map(|(h, _)| h.get(DELIVERY_HEADER).unwrap().to_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 1);
    let letters = w.stack.state.table.dead_letters(&p.id).await.unwrap();
    assert_eq!(letters.len(), 1);
    let body: Value = serde_json::from_str(letters[0].body.as_deref().unwrap()).unwrap();
    let open = w.alerts(&p.admin, "status=open&type=unresolvedRisk").await;
    assert_eq!(open.len(), 1);
    assert_eq!(body["alert"]["id"], open[0]["id"]);
    assert_eq!(open[0]["status"], "open");

    // The receiver is back: "Send test" reaches it and is logged as a test.
    *w.receiver.status.lock().unwrap() = StatusCode::NO_CONTENT;
    let test = w
        .ok(
            &w.alerts,
            "POST",
            &format!("/api/v1/alert-rules/{rule}/test"),
            &p.admin,
            None,
        )
        .await;
    assert_eq!(test["status"], "sent");
    assert_eq!(test["statusCode"], 204);
    assert_eq!(test["test"], true);
    assert_eq!(
        metrics.total(Metric::AlertsSent),
        sent,
        "a test call is not an alert notification"
    );
    let last_call: Value = serde_json::from_slice(&w.hook_calls().last().unwrap().1).unwrap();
    assert_eq!(last_call["type"], "alert.test");
}

/// Raises `n` alerts about a customer directly (as the raisers do), each its own
/// condition: subjects "Alert 0", "Alert 1", …
async fn raise_some(
    w: &World,
    p: &Partner,
    customer: &str,
    name: &str,
    kinds: &[domain::alert::AlertKind],
) {
    use domain::{alert::Raise, CustomerId};
    let id = CustomerId::parse(customer).unwrap();
    let raises: Vec<Raise> = kinds
        .iter()
        .enumerate()
        .map(|(i, kind)| Raise {
            kind: *kind,
            severity: kind.severity(),
            customer: Some((id.clone(), name.to_string())),
            computer: Some(format!("PC-{i}")),
            group: None,
            user: None,
            subject: format!("{name} alert {i}"),
            body: format!("Body {i}"),
            condition: format!("test#{customer}#{i}"),
            at: Utc::now() - Duration::minutes(10 - i as i64),
            occurrences: 1,
        })
        .collect();
    adapters::notify::raise(&w.stack.state, &p.id, &raises)
        .await
        .unwrap();
}

#[tokio::test]
async fn the_alerts_page_sorts_filters_dismisses_and_costs_one_query_a_page() {
    use domain::alert::AlertKind::*;
    let w = world().await;
    let p = w
        .partner("pa@alerts-page.example.com", "Page Partners")
        .await;
    let (acme, _) = w.customer(&p, "Acme", "it@acme-page.example.com").await;
    let (bolt, _) = w.customer(&p, "Bolt", "it@bolt-page.example.com").await;
    let blind_role = w.blind_role(&p, &[&acme, &bolt]).await;
    raise_some(
        &w,
        &p,
        &acme,
        "Acme",
        &[UnresolvedRisk, ComputerOffline, TrialExpiring],
    )
    .await;
    raise_some(&w, &p, &bolt, "Bolt", &[ConsentApproved, SeatsOverCapacity]).await;

    let subjects = |items: &[Value]| -> Vec<String> {
        items
            .iter()
            .map(|a| a["subject"].as_str().unwrap().to_string())
            .collect()
    };
    // Newest first by default; the severity column puts Errors first.
    let all = w.alerts(&p.admin, "").await;
    assert_eq!(all.len(), 5);
    assert_eq!(subjects(&all)[0], "Bolt alert 1");
    let by_severity = w.alerts(&p.admin, "sort=severity").await;
    let severities: Vec<&str> = by_severity
        .iter()
        .map(|a| a["severity"].as_str().unwrap())
        .collect();
    assert_eq!(
        severities,
        ["error", "warning", "warning", "warning", "informational"]
    );
    let by_customer = w.alerts(&p.admin, "sort=customer&order=asc").await;
    let names: Vec<&str> = by_customer
        .iter()
        .map(|a| a["customerName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Acme", "Acme", "Acme", "Bolt", "Bolt"]);
    let by_subject = w.alerts(&p.admin, "sort=subject&order=desc").await;
    assert_eq!(
        subjects(&by_subject),
        [
            "Bolt alert 1",
            "Bolt alert 0",
            "Acme alert 2",
            "Acme alert 1",
            "Acme alert 0"
        ]
    );

    // Filters, each alone and together.
    assert_eq!(
        subjects(&w.alerts(&p.admin, &format!("customer={bolt}")).await),
        ["Bolt alert 1", "Bolt alert 0"]
    );
    assert_eq!(
        subjects(
            &w.alerts(&p.admin, "severity=warning&type=computerOffline")
                .await
        ),
        ["Acme alert 1"]
    );
    assert_eq!(
        subjects(&w.alerts(&p.admin, "computer=PC-2").await),
        ["Acme alert 2"]
    );
    let later = (Utc::now() + Duration::hours(1)).to_rfc3339();
    assert!(w
        .alerts(&p.admin, &format!("from={}", later.replace('+', "%2B")))
        .await
        .is_empty());

    // One Query per page of alerts (after the caller's authorization reads).
    w.stack.counter.reset();
    let page = w
        .ok(
            &w.alerts,
            "GET",
            "/api/v1/alerts?sort=severity&limit=2&status=open",
            &p.admin,
            None,
        )
        .await;
    assert_eq!(w.stack.counter.operation("DynamoDB", "Query"), 1);
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    let cursor = page["nextCursor"].as_str().unwrap();
    w.stack.counter.reset();
    let next = w
        .ok(
            &w.alerts,
            "GET",
            &format!("/api/v1/alerts?sort=severity&limit=2&status=open&cursor={cursor}"),
            &p.admin,
            None,
        )
        .await;
    assert_eq!(w.stack.counter.operation("DynamoDB", "Query"), 1);
    assert_eq!(next["items"][0]["severity"], "warning");
    // A cursor of another sort is refused.
    let wrong = w
        .call(
            &w.alerts,
            "GET",
            &format!("/api/v1/alerts?sort=subject&cursor={cursor}"),
            &p.admin,
            None,
        )
        .await;
    assert_problem(&wrong, 422);

    // The customer list counts open alerts; dismissing two at once moves the counts,
    // closes their conditions and is audited.
    let acme_row = |rows: &Value| {
        rows["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == "Acme")
            .cloned()
            .unwrap()
    };
    let rows = w
        .ok(&w.customers, "GET", "/api/v1/customers", &p.admin, None)
        .await;
    assert_eq!(
        acme_row(&rows)["alerts"],
        json!({"error": 1, "warning": 2, "informational": 0})
    );
    let acme_alerts = w.alerts(&p.admin, &format!("customer={acme}")).await;
    let two: Vec<&str> = acme_alerts
        .iter()
        .filter(|a| a["severity"] != "warning" || a["subject"] == "Acme alert 1")
        .map(|a| a["id"].as_str().unwrap())
        .take(2)
        .collect();
    assert_eq!(two.len(), 2);
    let done = w
        .ok(
            &w.alerts,
            "POST",
            "/api/v1/alerts/dismiss",
            &p.admin,
            Some(&json!({"ids": two})),
        )
        .await;
    assert_eq!(done["dismissed"], 2);
    let rows = w
        .ok(&w.customers, "GET", "/api/v1/customers", &p.admin, None)
        .await;
    assert_eq!(
        acme_row(&rows)["alerts"],
        json!({"error": 0, "warning": 1, "informational": 0})
    );
    let errors_only = w
        .ok(
            &w.customers,
            "GET",
            "/api/v1/customers?alerts=error",
            &p.admin,
            None,
        )
        .await;
    assert!(errors_only["items"].as_array().unwrap().is_empty());
    let warned = w
        .ok(
            &w.customers,
            "GET",
            "/api/v1/customers?alerts=warning",
            &p.admin,
            None,
        )
        .await;
    assert_eq!(warned["items"].as_array().unwrap().len(), 2);
    let dismissed = w.alerts(&p.admin, "status=dismissed").await;
    assert_eq!(dismissed.len(), 2);
    assert!(dismissed
        .iter()
        .all(|a| a["dismissedBy"].is_string() && a["dismissedAt"].is_string()));
    let audit = w.stack.items_of("AuditRecord").await;
    assert!(audit.iter().any(|r| r
        .get("action")
        .and_then(|a| a.as_s().ok())
        .map(String::as_str)
        == Some("alert.dismiss")));
    // Dismissing again counts them done and changes nothing.
    let again = w
        .ok(
            &w.alerts,
            "POST",
            "/api/v1/alerts/dismiss",
            &p.admin,
            Some(&json!({"ids": two})),
        )
        .await;
    assert_eq!(again["dismissed"], 2);
    let rows = w
        .ok(&w.customers, "GET", "/api/v1/customers", &p.admin, None)
        .await;
    assert_eq!(acme_row(&rows)["alerts"]["error"], 0);
    // The same condition raised again after dismissal is a new alert.
    raise_some(&w, &p, &acme, "Acme", &[UnresolvedRisk]).await;
    assert_eq!(
        w.alerts(
            &p.admin,
            &format!("customer={acme}&status=open&type=unresolvedRisk")
        )
        .await
        .len(),
        1
    );

    // Dismissal is all or nothing: one unknown id and nothing changes.
    let open_before = w.alerts(&p.admin, "status=open").await.len();
    let one = w.alerts(&p.admin, "status=open").await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let unknown = domain::AlertId::generate().to_string();
    let refused = w
        .call(
            &w.alerts,
            "POST",
            "/api/v1/alerts/dismiss",
            &p.admin,
            Some(&json!({"ids": [one, unknown]})),
        )
        .await;
    assert_problem(&refused, 404);
    assert_eq!(w.alerts(&p.admin, "status=open").await.len(), open_before);
    for bad in [
        json!({"ids": []}),
        json!({"ids": ["nope"]}),
        json!({"ids": [one, one]}),
        json!({"ids": [one], "all": true}),
    ] {
        let a = w
            .call(
                &w.alerts,
                "POST",
                "/api/v1/alerts/dismiss",
                &p.admin,
                Some(&bad),
            )
            .await;
        assert_eq!(a.status.as_u16(), 422, "{bad}: {}", a.text);
    }
    for bad in [
        "sort=colour",
        "order=up",
        "type=fire",
        "severity=critical",
        "status=closed",
        "from=yesterday",
        "limit=500",
    ] {
        let a = w
            .call(
                &w.alerts,
                "GET",
                &format!("/api/v1/alerts?{bad}"),
                &p.admin,
                None,
            )
            .await;
        assert_problem(&a, 422);
    }

    // CSV: the whole filtered list.
    let csv = w
        .call(
            &w.alerts,
            "GET",
            &format!("/api/v1/alerts?format=csv&customer={bolt}"),
            &p.admin,
            None,
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    let lines: Vec<&str> = csv.text.lines().collect();
    assert!(lines[0].starts_with("Severity,Delivered to,Subject,Date and Time,Type"));
    assert_eq!(lines.len(), 3);

    // Another partner sees none of it; a user with No access to a customer neither
    // sees its alerts nor can name it, open one or dismiss it.
    let q = w
        .partner("pa@alerts-page-q.example.com", "Q Partners")
        .await;
    assert!(w.alerts(&q.admin, "").await.is_empty());
    let other = w
        .call(
            &w.alerts,
            "GET",
            &format!("/api/v1/alerts/{one}"),
            &q.admin,
            None,
        )
        .await;
    assert_problem(&other, 404);
    let (hidden, _) = w.customer(&p, "Hidden", "it@hidden-page.example.com").await;
    raise_some(&w, &p, &hidden, "Hidden", &[UnresolvedRisk]).await;
    w.user(&p, "blind@alerts-page.example.com", &blind_role, &[])
        .await;
    let secret = w
        .stack
        .link_secret("blind@alerts-page.example.com")
        .unwrap();
    let accepted = send(
        &w.users,
        json_post(
            "/api/v1/invitations/accept",
            &json!({"token": secret, "password": PASSWORD}),
        ),
        IP,
    )
    .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text);
    let blind = sign_in(&w.auth, "blind@alerts-page.example.com", PASSWORD, IP)
        .await
        .body["accessToken"]
        .as_str()
        .unwrap()
        .to_string();
    let seen = w.alerts(&blind, "").await;
    assert!(
        seen.iter().all(|a| a["customerName"] != "Hidden"),
        "{seen:?}"
    );
    assert_eq!(seen.len(), 6, "the alerts of the customers the role reads");
    assert_problem(
        &w.call(
            &w.alerts,
            "GET",
            &format!("/api/v1/alerts?customer={hidden}"),
            &blind,
            None,
        )
        .await,
        404,
    );
    let hidden_alert = w.alerts(&p.admin, &format!("customer={hidden}")).await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_problem(
        &w.call(
            &w.alerts,
            "GET",
            &format!("/api/v1/alerts/{hidden_alert}"),
            &blind,
            None,
        )
        .await,
        404,
    );
    assert_problem(
        &w.call(
            &w.alerts,
            "POST",
            "/api/v1/alerts/dismiss",
            &blind,
            Some(&json!({"ids": [hidden_alert]})),
        )
        .await,
        404,
    );
    // Rules are the built-in roles' to manage.
    assert_problem(
        &w.call(&w.alerts, "GET", "/api/v1/alert-rules", &blind, None)
            .await,
        403,
    );

    // Customer Issues lists the customers with open alerts, the most severe first.
    let home = w.dashboard.clone();
    let d = w
        .ok(&home, "GET", "/api/v1/dashboard", &p.admin, None)
        .await;
    let issues = d["customerIssues"].as_array().unwrap();
    let names: Vec<&str> = issues.iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        ["Acme", "Hidden", "Bolt"],
        "errors first, then the newest: {issues:?}"
    );
    let acme_issue = issues.iter().find(|i| i["name"] == "Acme").unwrap();
    assert_eq!(acme_issue["severity"], "error");
    let kinds: Vec<&str> = acme_issue["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["unresolvedRisk", "trialExpiring"]);
}

#[tokio::test]
async fn bad_rules_are_refused_with_field_errors_and_write_nothing() {
    let w = world().await;
    let p = w
        .partner("pa@alerts-rules.example.com", "Rule Partners")
        .await;
    let q = w
        .partner("pa@alerts-rules-q.example.com", "Other Partners")
        .await;
    let (theirs, _) = w
        .customer(&q, "Theirs", "it@theirs-rules.example.com")
        .await;
    let their_user = w
        .user(
            &q,
            "someone@alerts-rules-q.example.com",
            "administrator",
            &[],
        )
        .await;
    let before = w.stack.items().await.len();
    let base = rule_body("Rule", true, &[], None);
    let with = |field: &str, value: Value| {
        let mut b = base.clone();
        b[field] = value;
        b
    };
    let cases = [
        (with("categories", json!([])), "categories"),
        (with("name", json!("  ")), "name"),
        (with("customers", json!([theirs])), "customers[0]"),
        (with("customers", json!(["cus_bad"])), "customers[0]"),
        (with("recipients", json!([their_user])), "recipients[0]"),
        (
            with("computers", json!({"scope": "groups", "names": []})),
            "computers.names",
        ),
        (with("webhook", json!({"url": "not a url"})), "webhook.url"),
        (
            with("webhook", json!({"url": "http://hooks.example.com/x"})),
            "webhook.url",
        ),
        (
            with("webhook", json!({"url": "https://10.0.0.5/hook"})),
            "webhook.url",
        ),
        (
            with("webhook", json!({"url": "https://169.254.169.254/latest"})),
            "webhook.url",
        ),
        (
            with("webhook", json!({"url": "https://localhost/hook"})),
            "webhook.url",
        ),
    ];
    for (body, field) in &cases {
        let a = w
            .call(
                &w.alerts,
                "POST",
                "/api/v1/alert-rules",
                &p.admin,
                Some(body),
            )
            .await;
        assert_problem(&a, 422);
        let fields: Vec<&str> = a.body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, [*field], "{body}");
    }
    let unknown = w
        .call(
            &w.alerts,
            "POST",
            "/api/v1/alert-rules",
            &p.admin,
            Some(&with("colour", json!("red"))),
        )
        .await;
    assert_eq!(unknown.status.as_u16(), 422, "{}", unknown.text);
    assert_eq!(w.stack.items().await.len(), before, "nothing was written");

    // A good rule; changing it badly changes nothing; If-Match guards it; another
    // partner cannot see it.
    let r = w
        .ok(
            &w.alerts,
            "POST",
            "/api/v1/alert-rules",
            &p.admin,
            Some(&base),
        )
        .await;
    let id = r["id"].as_str().unwrap();
    let bad = w
        .call(
            &w.alerts,
            "PUT",
            &format!("/api/v1/alert-rules/{id}"),
            &p.admin,
            Some(&with("categories", json!([]))),
        )
        .await;
    assert_problem(&bad, 422);
    let mut off = base.clone();
    off["enabled"] = json!(false);
    let stale = bearer(
        request("PUT", &format!("/api/v1/alert-rules/{id}")),
        &p.admin,
    )
    .header("content-type", "application/json")
    .header("if-match", "\"7\"")
    .body(axum::body::Body::from(off.to_string()))
    .unwrap();
    assert_problem(&send(&w.alerts, stale, IP).await, 412);
    let toggled = w
        .ok(
            &w.alerts,
            "PUT",
            &format!("/api/v1/alert-rules/{id}"),
            &p.admin,
            Some(&off),
        )
        .await;
    assert_eq!(toggled["enabled"], false);
    assert_eq!(toggled["version"], 2);
    assert_problem(
        &w.call(
            &w.alerts,
            "GET",
            &format!("/api/v1/alert-rules/{id}"),
            &q.admin,
            None,
        )
        .await,
        404,
    );
    assert_problem(
        &w.call(
            &w.alerts,
            "DELETE",
            &format!("/api/v1/alert-rules/{id}"),
            &q.admin,
            None,
        )
        .await,
        404,
    );
    let no_hook = w
        .call(
            &w.alerts,
            "POST",
            &format!("/api/v1/alert-rules/{id}/test"),
            &p.admin,
            None,
        )
        .await;
    assert_problem(&no_hook, 422);
    let gone = w
        .call(
            &w.alerts,
            "DELETE",
            &format!("/api/v1/alert-rules/{id}"),
            &p.admin,
            None,
        )
        .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    assert_problem(
        &w.call(
            &w.alerts,
            "GET",
            &format!("/api/v1/alert-rules/{id}"),
            &p.admin,
            None,
        )
        .await,
        404,
    );
}

#[tokio::test]
async fn an_alert_whose_event_never_reached_the_notifier_is_notified_by_the_tick() {
    use domain::alert::AlertKind::UnresolvedRisk;
    let w = world().await;
    let p = w.partner("pa@alerts-bus.example.com", "Bus Partners").await;
    w.ok(
        &w.alerts,
        "POST",
        "/api/v1/alert-rules",
        &p.admin,
        Some(&rule_body("Errors", true, &[], None)),
    )
    .await;
    let (customer, _) = w
        .customer(&p, "Northwind", "it@northwind-bus.example.com")
        .await;
    w.dispatcher
        .down
        .store(true, std::sync::atomic::Ordering::SeqCst);
    raise_some(&w, &p, &customer, "Northwind", &[UnresolvedRisk]).await;
    let alert = w.alerts(&p.admin, "status=open").await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let admin_mail = || w.mail_to("pa@alerts-bus.example.com", &alert).len();
    assert_eq!(
        admin_mail(),
        0,
        "the bus refused the event: nobody was told yet"
    );

    // Within the grace period the tick leaves it to the bus; after it, the tick notifies.
    // (`raise_some` raised it ten minutes ago.)
    let raised = Utc::now() - Duration::minutes(10);
    let early = scheduler::tick(
        &w.stack.function("scheduler"),
        raised + Duration::minutes(4),
    )
    .await
    .unwrap();
    assert_eq!(early.alerts_caught_up, 0);
    let late = scheduler::tick(&w.stack.function("scheduler"), Utc::now())
        .await
        .unwrap();
    assert_eq!(late.alerts_caught_up, 1);
    assert_eq!(
        admin_mail(),
        1,
        "all administrators: the partner administrator is told"
    );
    let again = scheduler::tick(&w.stack.function("scheduler"), Utc::now())
        .await
        .unwrap();
    assert_eq!(again.alerts_caught_up, 0, "done once");
    assert_eq!(admin_mail(), 1);

    // An event that does arrive leaves nothing for the tick (the first condition is
    // renewed, the second is a new alert).
    w.dispatcher
        .down
        .store(false, std::sync::atomic::Ordering::SeqCst);
    raise_some(
        &w,
        &p,
        &customer,
        "Northwind",
        &[UnresolvedRisk, UnresolvedRisk],
    )
    .await;
    let after = scheduler::tick(
        &w.stack.function("scheduler"),
        Utc::now() + Duration::hours(1),
    )
    .await
    .unwrap();
    assert_eq!(after.alerts_caught_up, 0);
}

/// Sets the partner's stored confirmation flag, as a sign-up not yet confirmed has it.
async fn set_email_verified(w: &World, p: &Partner, verified: bool) {
    use aws_sdk_dynamodb::types::AttributeValue;
    aws_sdk_dynamodb::Client::new(&w.stack.sdk)
        .update_item()
        .table_name(&w.stack.state.config.table_name)
        .key("pk", AttributeValue::S(store::keys::partner_pk(&p.id)))
        .key("sk", AttributeValue::S(store::keys::PARTNER_SK.into()))
        .update_expression("SET emailVerified = :v")
        .expression_attribute_values(":v", AttributeValue::Bool(verified))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn a_partner_whose_email_is_not_confirmed_gets_no_alert_emails_or_texts_sent_for_it() {
    use domain::alert::AlertKind::UnresolvedRisk;
    let w = world().await;
    let p = w
        .partner("pa@alerts-unconfirmed.example.com", "Unconfirmed Partners")
        .await;
    // A contact the partner typed: any address, which the console must not write to for a
    // partner that has proved no address of its own.
    let ops = w
        .user(
            &p,
            "ops@alerts-unconfirmed.example.com",
            "administrator",
            &[
                ("email", "anyone@elsewhere.example.net"),
                ("sms", "+447700900461"),
            ],
        )
        .await;
    w.ok(
        &w.alerts,
        "POST",
        "/api/v1/alert-rules",
        &p.admin,
        Some(&rule_body("Errors", true, &[ops.as_str()], None)),
    )
    .await;
    let (customer, _) = w
        .customer(&p, "Northwind", "it@northwind-unconfirmed.example.com")
        .await;

    set_email_verified(&w, &p, false).await;
    raise_some(&w, &p, &customer, "Northwind", &[UnresolvedRisk]).await;
    let first = w.alerts(&p.admin, "status=open").await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(w.mail_to("anyone@elsewhere.example.net", &first).is_empty());
    assert!(w
        .mail_to("pa@alerts-unconfirmed.example.com", &first)
        .is_empty());
    assert!(w.sms_to("+447700900461", &first).await.is_empty());

    // Confirmed, the next alert reaches the rule's recipients.
    set_email_verified(&w, &p, true).await;
    raise_some(
        &w,
        &p,
        &customer,
        "Northwind",
        &[UnresolvedRisk, UnresolvedRisk],
    )
    .await;
    let open = w.alerts(&p.admin, "status=open").await;
    let second = open
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .find(|id| *id != first)
        .expect("a second alert");
    assert_eq!(w.mail_to("anyone@elsewhere.example.net", &second).len(), 1);
}

#[tokio::test]
async fn an_alert_email_to_an_address_that_bounced_fails_at_once_and_the_others_go() {
    use domain::alert::AlertKind::UnresolvedRisk;
    let w = world().await;
    let p = w
        .partner("pa@alerts-bounced.example.com", "Bounced Partners")
        .await;
    let ops = w
        .user(
            &p,
            "ops@alerts-bounced.example.com",
            "administrator",
            &[("email", "gone@elsewhere.example.net")],
        )
        .await;
    let rule = w
        .ok(
            &w.alerts,
            "POST",
            "/api/v1/alert-rules",
            &p.admin,
            Some(&rule_body("Errors", true, &[ops.as_str()], None)),
        )
        .await;
    let rule = rule["id"].as_str().unwrap();
    let (customer, _) = w
        .customer(&p, "Northwind", "it@northwind-bounced.example.com")
        .await;
    // SES reported the contact's mailbox gone, for this partner.
    let mut bounce: Value =
        serde_json::from_str(include_str!("../../events/notifier/ses-bounce.json")).unwrap();
    bounce["detail"]["bounce"]["bouncedRecipients"][0]["emailAddress"] =
        "gone@elsewhere.example.net".into();
    bounce["detail"]["mail"]["tags"]["partner"] = json!([p.id.as_str()]);
    let done = notifier::handle(&w.stack.function("notifier"), bounce)
        .await
        .unwrap();
    assert_eq!(done["suppressed"], 1, "{done}");

    raise_some(&w, &p, &customer, "Northwind", &[UnresolvedRisk]).await;
    let alert = w.alerts(&p.admin, "status=open").await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(w.mail_to("gone@elsewhere.example.net", &alert).is_empty());
    let log = w
        .ok(
            &w.alerts,
            "GET",
            &format!("/api/v1/alert-rules/{rule}/deliveries"),
            &p.admin,
            None,
        )
        .await;
    let gone = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["target"] == "gone@elsewhere.example.net")
        .cloned()
        .expect("the suppressed address's delivery");
    // Trying again cannot help: failed at once, no retry due.
    assert_eq!(gone["status"], "failed", "{gone}");
    assert_eq!(gone["attempts"], 1);
    assert!(gone.get("nextAttemptAt").is_none());
    assert!(gone["error"].as_str().unwrap().contains("bounced"));
    // A partner's bounced address is theirs to fix, not an operations failure: it does
    // not count toward the NotificationsFailed alarm, but as suppressed.
    let metrics = &w.stack.state.metrics;
    assert_eq!(metrics.total(Metric::NotificationsFailed), 0);
    assert_eq!(metrics.total(Metric::NotificationsSuppressed), 1);

    // An outcome counts only once stored: when storing it fails, the attempt counts
    // nothing, and the attempt made again counts once.
    let notifier = w.stack.function("notifier");
    let rule_id = domain::RuleId::parse(rule).unwrap();
    let mut stored = notifier
        .table
        .deliveries(&p.id, &rule_id, 10, None)
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|d| d.target == "gone@elsewhere.example.net")
        .unwrap();
    let alert = notifier
        .table
        .alert(&p.id, &stored.alert_id)
        .await
        .unwrap()
        .unwrap();
    let rule = notifier.table.rule(&p.id, &rule_id).await.unwrap().unwrap();
    let now = Utc::now();
    // The dead letter is written, then the delivery's record fails.
    w.stack.counter.fail_after("DynamoDB", "PutItem", 1);
    assert!(
        adapters::notify::attempt(&notifier, &mut stored.clone(), &alert, &rule, now)
            .await
            .is_err()
    );
    assert_eq!(metrics.total(Metric::NotificationsSuppressed), 1);
    adapters::notify::attempt(&notifier, &mut stored, &alert, &rule, now)
        .await
        .unwrap();
    assert_eq!(metrics.total(Metric::NotificationsSuppressed), 2);
    assert_eq!(metrics.total(Metric::NotificationsFailed), 0);

    // The same for a message that goes out.
    let sent = metrics.total(Metric::AlertsSent);
    let mut other = stored.clone();
    other.target = "ops@alerts-bounced.example.com".into();
    other.id = format!("{}-other", stored.id);
    w.stack.counter.fail_next("DynamoDB", "PutItem");
    assert!(
        adapters::notify::attempt(&notifier, &mut other.clone(), &alert, &rule, now)
            .await
            .is_err()
    );
    assert_eq!(metrics.total(Metric::AlertsSent), sent);
    adapters::notify::attempt(&notifier, &mut other, &alert, &rule, now)
        .await
        .unwrap();
    assert_eq!(other.status, store::alerts::DeliveryStatus::Sent);
    assert_eq!(metrics.total(Metric::AlertsSent), sent + 1);
}
