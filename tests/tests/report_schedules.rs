//! Report templates and scheduled reports against the local stack: the templates tab,
//! Update Template mode and Generate Report; each schedule's EventBridge Scheduler
//! schedule (in moto) kept in step with the table when calls succeed and when one fails
//! half-way (faults injected into the SDK calls); bad input refused whole; and what a
//! role without access to a customer may do.

use std::collections::BTreeMap;

use axum::{
    body::Body,
    http::{header, StatusCode},
    Router,
};
use chrono::{Duration, Utc};
use serde_json::{json, Value};
use testkit::http::*;

const IP: &str = "192.0.2.61";

struct World {
    base: crate::world::World,
    reports: Router,
    schedules: Router,
}

impl std::ops::Deref for World {
    type Target = crate::world::World;
    fn deref(&self) -> &crate::world::World {
        &self.base
    }
}

async fn world() -> World {
    let base = crate::world::World::new().await;
    World {
        reports: reports_http::app(base.stack.function("reports")),
        schedules: report_schedules::app(base.stack.function("report-schedules")),
        base,
    }
}

/// An EventBridge Scheduler schedule as moto keeps it.
#[derive(Debug, Clone, PartialEq)]
struct Scheduled {
    expression: String,
    timezone: String,
    target: String,
    input: Value,
    retries: Option<i32>,
    dead_letter: Option<String>,
}

impl World {
    /// The function that serves `path`.
    fn app(&self, path: &str) -> &Router {
        if path.starts_with("/api/v1/report-schedules") {
            &self.schedules
        } else {
            &self.reports
        }
    }

    async fn call(&self, method: &str, path: &str, token: &str, body: Option<&Value>) -> Answer {
        call(self.app(path), method, path, token, body, IP).await
    }

    async fn call_if_match(
        &self,
        method: &str,
        path: &str,
        token: &str,
        etag: &str,
        body: &Value,
    ) -> Answer {
        let req = bearer(request(method, path), token)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::IF_MATCH, etag)
            .body(Body::from(body.to_string()))
            .unwrap();
        send(self.app(path), req, IP).await
    }

    async fn ok(&self, method: &str, path: &str, token: &str, body: Option<&Value>) -> Value {
        let a = self.call(method, path, token, body).await;
        assert!(
            a.status.is_success(),
            "{method} {path}: {} {}",
            a.status,
            a.text
        );
        a.body
    }

    fn scheduler(&self) -> aws_sdk_scheduler::Client {
        aws_sdk_scheduler::Client::new(&self.stack.sdk)
    }

    fn group(&self) -> String {
        self.stack
            .state
            .config
            .schedules
            .as_ref()
            .unwrap()
            .group
            .clone()
    }

    /// Every schedule in the stack's group, by name.
    async fn scheduled(&self) -> BTreeMap<String, Scheduled> {
        let scheduler = self.scheduler();
        let listed = scheduler
            .list_schedules()
            .group_name(self.group())
            .send()
            .await
            .unwrap();
        let mut out = BTreeMap::new();
        for s in listed.schedules() {
            let name = s.name().unwrap().to_string();
            let got = scheduler
                .get_schedule()
                .group_name(self.group())
                .name(&name)
                .send()
                .await
                .unwrap();
            let target = got.target().unwrap();
            out.insert(
                name,
                Scheduled {
                    expression: got.schedule_expression().unwrap().to_string(),
                    timezone: got.schedule_expression_timezone().unwrap_or("").to_string(),
                    target: target.arn().to_string(),
                    input: serde_json::from_str(target.input().unwrap()).unwrap(),
                    retries: target
                        .retry_policy()
                        .and_then(|r| r.maximum_retry_attempts()),
                    dead_letter: target
                        .dead_letter_config()
                        .and_then(|d| d.arn())
                        .map(str::to_string),
                },
            );
        }
        out
    }

    /// The schedule items: id → state.
    async fn schedule_items(&self) -> BTreeMap<String, String> {
        self.stack
            .items_of("ReportSchedule")
            .await
            .iter()
            .map(|i| {
                (
                    i["id"].as_s().unwrap().clone(),
                    i["state"].as_s().unwrap().clone(),
                )
            })
            .collect()
    }

    /// Takes the partners' automatic reports out of the tick's queue.
    async fn drop_automatic_reports(&self) {
        let client = aws_sdk_dynamodb::Client::new(&self.stack.sdk);
        for item in self.stack.items_of("AutomaticReports").await {
            client
                .delete_item()
                .table_name(&self.stack.state.config.table_name)
                .key("pk", item["pk"].clone())
                .key("sk", item["sk"].clone())
                .send()
                .await
                .unwrap();
        }
    }

    /// The table and Scheduler name the same active schedules, and nothing else.
    async fn in_step(&self) -> Vec<String> {
        let items = self.schedule_items().await;
        let scheduled = self.scheduled().await;
        assert!(
            items.values().all(|s| s == "active"),
            "every schedule item is active: {items:?}"
        );
        assert_eq!(
            items.keys().collect::<Vec<_>>(),
            scheduled.keys().collect::<Vec<_>>(),
            "the table and EventBridge Scheduler list the same schedules"
        );
        items.into_keys().collect()
    }
}

fn template_form(name: &str, customers: &[&str]) -> Value {
    json!({
        "name": name,
        "type": "endpointSummary",
        "formats": ["pdf", "csv"],
        "options": {"period": {"kind": "last", "range": "30d"}, "customers": customers}
    })
}

async fn partner_with_customer(w: &World, email: &str) -> (String, String) {
    let admin = w.partner(email, "Schedules Ltd").await;
    let domain = email.split('@').nth(1).unwrap();
    let c = w
        .trial_customer(
            &admin,
            "Ὀδυσσεύς Dental",
            &format!("it@{domain}"),
            "coManaged",
        )
        .await;
    (admin, c.id)
}

#[tokio::test]
async fn a_template_is_saved_listed_updated_with_if_match_generated_and_deleted() {
    let w = world().await;
    let (admin, customer) = partner_with_customer(&w, "pa@templates.example.com").await;
    let saved = w
        .call(
            "POST",
            "/api/v1/report-templates",
            &admin,
            Some(&template_form("Monthly endpoints", &[&customer])),
        )
        .await;
    assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.text);
    let id = saved.body["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("tpl_"));
    assert_eq!(saved.headers["etag"], "\"1\"");
    assert!(saved.body.get("firstGeneratedAt").is_none());

    let list = w.ok("GET", "/api/v1/report-templates", &admin, None).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["items"][0]["name"], "Monthly endpoints");
    assert_eq!(list["items"][0]["formats"], json!(["pdf", "csv"]));

    // Update Template mode: a stale ETag changes nothing.
    let path = format!("/api/v1/report-templates/{id}");
    let mut changed = template_form("Monthly endpoints (all)", &[]);
    changed["options"] = json!({"period": {"kind": "last", "range": "30d"}, "allCustomers": true});
    let stale = w
        .call_if_match("PUT", &path, &admin, "\"7\"", &changed)
        .await;
    assert_problem(&stale, 412);
    let updated = w
        .call_if_match("PUT", &path, &admin, "\"1\"", &changed)
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.text);
    assert_eq!(updated.body["allCustomers"], true);
    assert_eq!(updated.body["options"]["customers"], json!([]));
    assert_eq!(updated.headers["etag"], "\"2\"");

    // Generate Report: a report now, from the template, over every customer.
    let a = w
        .call("POST", &format!("{path}/reports"), &admin, None)
        .await;
    assert_eq!(a.status, StatusCode::ACCEPTED, "{}", a.text);
    assert_eq!(a.body["status"], "processing");
    assert_eq!(a.body["name"], "Monthly endpoints (all)");
    assert_eq!(a.body["options"]["customers"], json!([customer]));
    let t = w.ok("GET", &path, &admin, None).await;
    assert_eq!(t["firstGeneratedAt"], a.body["requestedAt"]);

    // A scheduled template cannot be deleted; an unscheduled one can.
    let s = w
        .ok(
            "POST",
            "/api/v1/report-schedules",
            &admin,
            Some(&json!({"name": "Every month", "templateId": id, "frequency": "monthly", "hour": 5})),
        )
        .await;
    let refused = w.call("DELETE", &path, &admin, None).await;
    assert_problem(&refused, 409);
    assert!(refused.body["detail"]
        .as_str()
        .unwrap()
        .contains("Every month"));
    w.ok(
        "DELETE",
        &format!("/api/v1/report-schedules/{}", s["id"].as_str().unwrap()),
        &admin,
        None,
    )
    .await;
    let gone = w.call("DELETE", &path, &admin, None).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
    assert_problem(&w.call("GET", &path, &admin, None).await, 404);
    let actions: Vec<String> = w
        .stack
        .items_of("AuditRecord")
        .await
        .iter()
        .filter_map(|i| i.get("action").and_then(|a| a.as_s().ok()).cloned())
        .filter(|a| a.starts_with("reportTemplate.") || a.starts_with("reportSchedule."))
        .collect();
    for expected in [
        "reportTemplate.create",
        "reportTemplate.update",
        "reportTemplate.delete",
        "reportSchedule.create",
        "reportSchedule.delete",
    ] {
        assert!(
            actions.iter().any(|a| a == expected),
            "{expected}: {actions:?}"
        );
    }
}

#[tokio::test]
async fn each_schedule_is_an_eventbridge_schedule_kept_in_step_with_the_table() {
    let w = world().await;
    let (admin, customer) = partner_with_customer(&w, "pa@schedules.example.com").await;
    let grace = w
        .add_user(&admin, "grace@schedules.example.com", "administrator")
        .await;
    let t = w
        .ok(
            "POST",
            "/api/v1/report-templates",
            &admin,
            Some(&template_form("Endpoints", &[&customer])),
        )
        .await;
    let template = t["id"].as_str().unwrap();
    let made = w
        .call(
            "POST",
            "/api/v1/report-schedules",
            &admin,
            Some(&json!({
                "name": "Monday morning",
                "templateId": template,
                "frequency": "weekly",
                "hour": 6,
                "delivery": {"users": [grace], "emails": ["Owner@Customer.example"], "attach": true}
            })),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let id = made.body["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("sch_"));
    assert_eq!(made.body["state"], "active");
    assert_eq!(made.body["runs"], "Weekly, Mondays at 06:00 GMT");
    assert_eq!(made.body["templateName"], "Endpoints");
    assert_eq!(
        made.body["delivery"]["emails"],
        json!(["owner@customer.example"])
    );
    let next: chrono::DateTime<Utc> = serde_json::from_value(made.body["nextRun"].clone()).unwrap();
    assert!(next > Utc::now() && next - Utc::now() <= Duration::days(7));
    assert_eq!(next.format("%a %H:%M").to_string(), "Mon 06:00");

    assert_eq!(w.in_step().await, vec![id.clone()]);
    let s = &w.scheduled().await[&id];
    assert_eq!(s.expression, "cron(0 6 ? * MON *)");
    assert_eq!(s.timezone, "UTC");
    assert_eq!(s.target, testkit::resources::local::REPORT_WORKER_ARN);
    assert_eq!(s.retries, Some(adapters::schedules::RETRY_ATTEMPTS));
    assert_eq!(
        s.dead_letter.as_deref(),
        Some(testkit::resources::local::SCHEDULE_DLQ_ARN)
    );
    assert_eq!(s.input["detail-type"], adapters::schedules::SCHEDULE_DUE);
    assert_eq!(s.input["detail"]["scheduleId"], json!(id));
    assert_eq!(s.input["time"], "<aws.scheduler.scheduled-time>");

    // Changing the time moves the EventBridge schedule; a stale ETag moves nothing.
    let path = format!("/api/v1/report-schedules/{id}");
    let monthly = json!({"name": "First of the month", "templateId": template, "frequency": "monthly", "hour": 23});
    let stale = w
        .call_if_match("PUT", &path, &admin, "\"1\"", &monthly)
        .await;
    assert_problem(&stale, 412);
    assert_eq!(w.scheduled().await[&id].expression, "cron(0 6 ? * MON *)");
    let etag = w.call("GET", &path, &admin, None).await.headers["etag"]
        .to_str()
        .unwrap()
        .to_string();
    let changed = w.call_if_match("PUT", &path, &admin, &etag, &monthly).await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);
    assert_eq!(changed.body["runs"], "Monthly, on the 1st at 23:00 GMT");
    assert_eq!(changed.body["delivery"]["users"], json!([]));
    assert_eq!(w.scheduled().await[&id].expression, "cron(0 23 1 * ? *)");
    assert_eq!(w.in_step().await, vec![id.clone()]);

    let list = w.ok("GET", "/api/v1/report-schedules", &admin, None).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["items"][0]["formats"], json!(["pdf", "csv"]));

    let deleted = w.call("DELETE", &path, &admin, None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text);
    assert!(w.in_step().await.is_empty());
    assert_problem(&w.call("GET", &path, &admin, None).await, 404);
}

#[tokio::test]
async fn a_failure_half_way_leaves_neither_an_orphaned_schedule_nor_an_item_without_one() {
    let w = world().await;
    let (admin, customer) = partner_with_customer(&w, "pa@faults.example.com").await;
    let t = w
        .ok(
            "POST",
            "/api/v1/report-templates",
            &admin,
            Some(&template_form("Endpoints", &[&customer])),
        )
        .await;
    let form = json!({"name": "Daily", "templateId": t["id"], "frequency": "daily", "hour": 4});
    let counter = &w.stack.counter;
    // The partner's automatic reports (made by the same ticks) are another story.
    w.drop_automatic_reports().await;

    // Scheduler refuses the create: nothing is saved.
    let items = w.stack.items().await.len();
    counter.fail_next("Scheduler", "CreateSchedule");
    let refused = w
        .call("POST", "/api/v1/report-schedules", &admin, Some(&form))
        .await;
    assert_problem(&refused, 503);
    assert!(w.in_step().await.is_empty());
    assert_eq!(w.stack.items().await.len(), items, "nothing written");

    // Scheduler made it, then the table failed: the tick finds it pending and keeps it.
    counter.fail_after("DynamoDB", "TransactWriteItems", 1);
    let lost = w
        .call("POST", "/api/v1/report-schedules", &admin, Some(&form))
        .await;
    assert_eq!(lost.status, StatusCode::ACCEPTED, "{}", lost.text);
    assert_eq!(lost.body["state"], "pending");
    let pending: Vec<String> = w.schedule_items().await.into_keys().collect();
    assert_eq!(pending.len(), 1);
    assert_eq!(w.schedule_items().await[&pending[0]], "pending");
    assert!(w.scheduled().await.contains_key(&pending[0]));
    let early = scheduler::tick(&w.stack.function("scheduler"), Utc::now())
        .await
        .unwrap();
    assert_eq!(
        early.schedules_settled, 0,
        "a pending schedule is left alone at first"
    );
    let later = Utc::now()
        + Duration::minutes(store::report_plans::SETTLE_AFTER_MINUTES)
        + Duration::seconds(1);
    let tick = scheduler::tick(&w.stack.function("scheduler"), later)
        .await
        .unwrap();
    assert_eq!(tick.schedules_settled, 1);
    assert_eq!(w.in_step().await, pending);

    // Scheduler refuses the delete: the schedule makes no more reports (deleting), the
    // answer says so, and the tick removes both.
    let path = format!("/api/v1/report-schedules/{}", pending[0]);
    counter.fail_next("Scheduler", "DeleteSchedule");
    let half = w.call("DELETE", &path, &admin, None).await;
    assert_problem(&half, 503);
    assert_eq!(w.schedule_items().await[&pending[0]], "deleting");
    assert!(w.scheduled().await.contains_key(&pending[0]));
    let listed = w.ok("GET", "/api/v1/report-schedules", &admin, None).await;
    assert_eq!(listed["items"][0]["state"], "deleting");
    assert!(listed["items"][0].get("nextRun").is_none());
    let tick = scheduler::tick(
        &w.stack.function("scheduler"),
        later + Duration::minutes(10),
    )
    .await
    .unwrap();
    assert_eq!(tick.schedules_settled, 1);
    assert!(w.in_step().await.is_empty());

    // A pending schedule whose Scheduler schedule never came is removed by the tick.
    counter.fail_next("Scheduler", "CreateSchedule");
    counter.fail_after("DynamoDB", "TransactWriteItems", 1);
    let both = w
        .call("POST", "/api/v1/report-schedules", &admin, Some(&form))
        .await;
    assert_problem(&both, 503);
    assert_eq!(
        w.schedule_items().await.values().collect::<Vec<_>>(),
        ["pending"]
    );
    assert!(w.scheduled().await.is_empty());
    let tick = scheduler::tick(
        &w.stack.function("scheduler"),
        later + Duration::minutes(20),
    )
    .await
    .unwrap();
    assert_eq!(tick.schedules_settled, 1);
    assert!(w.in_step().await.is_empty());
    assert!(w.stack.items_of("ReportSchedule").await.is_empty());
}

#[tokio::test]
async fn bad_schedules_and_templates_are_refused_whole_and_write_nothing() {
    let w = world().await;
    let (admin, customer) = partner_with_customer(&w, "pa@bad-schedules.example.com").await;
    let t = w
        .ok(
            "POST",
            "/api/v1/report-templates",
            &admin,
            Some(&template_form("Endpoints", &[&customer])),
        )
        .await;
    let template = t["id"].as_str().unwrap();
    let base = json!({"name": "Weekly", "templateId": template, "frequency": "weekly", "hour": 6});
    let with = |k: &str, v: Value| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    let thousand: Vec<String> = (0..1000).map(|i| format!("r{i}@example.com")).collect();
    let cases = [
        (
            with("templateId", json!("tpl_0192a8b0c1d2e3f4a5b6c7d8e9f0a1b2")),
            422,
            "templateId",
        ),
        (with("hour", json!(24)), 422, "hour"),
        (with("hour", json!(-1)), 422, "hour"),
        (with("frequency", json!("hourly")), 422, "frequency"),
        (
            with("delivery", json!({"emails": thousand, "attach": true})),
            422,
            "delivery.emails",
        ),
        (
            with(
                "delivery",
                json!({"emails": ["ann@example.com\r\nBcc: all@example.com"], "attach": true}),
            ),
            422,
            "delivery.emails[0]",
        ),
        (
            with("delivery", json!({"emails": ["ann@customer.example"]})),
            422,
            "delivery.emails",
        ),
        (
            with(
                "delivery",
                json!({"users": ["usr_0192a8b0c1d2e3f4a5b6c7d8e9f0a1b2"]}),
            ),
            422,
            "delivery.users[0]",
        ),
        (with("name", json!("")), 422, "name"),
    ];
    let before = (w.stack.items().await.len(), w.scheduled().await.len());
    for (body, status, field) in cases {
        let a = w
            .call("POST", "/api/v1/report-schedules", &admin, Some(&body))
            .await;
        assert_problem(&a, status);
        if !field.is_empty() {
            let fields: Vec<&str> = a.body["errors"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|e| e["field"].as_str())
                .collect();
            assert!(fields.contains(&field), "{body}: {fields:?}");
        }
    }
    // Templates: the report request's checks.
    for body in [
        template_form("", &[&customer]),
        template_form("No customers", &[]),
        json!({"name": "CSV", "type": "customerExecutiveSummary", "formats": ["csv"],
            "options": {"period": {"kind": "last", "range": "7d"}, "customers": [customer]}}),
    ] {
        let a = w
            .call("POST", "/api/v1/report-templates", &admin, Some(&body))
            .await;
        assert_problem(&a, 422);
    }
    assert_eq!(
        (w.stack.items().await.len(), w.scheduled().await.len()),
        before,
        "nothing written"
    );
}

#[tokio::test]
async fn a_role_without_access_to_a_customer_cannot_template_or_schedule_it_nor_see_those_that_do()
{
    let w = world().await;
    let admin = w
        .partner("pa@role-schedules.example.com", "Roles Ltd")
        .await;
    let seen = w
        .trial_customer(&admin, "Seen Co", "it@seen.example.com", "coManaged")
        .await;
    let hidden = w
        .trial_customer(&admin, "Hidden Co", "it@hidden.example.com", "coManaged")
        .await;
    let hal = w
        .reader(&admin, "hal@role-schedules.example.com", &[&seen.id])
        .await;
    let refused = w
        .call(
            "POST",
            "/api/v1/report-templates",
            &hal,
            Some(&template_form("Hidden", &[&hidden.id])),
        )
        .await;
    assert_problem(&refused, 422);
    let theirs = w
        .ok(
            "POST",
            "/api/v1/report-templates",
            &admin,
            Some(&template_form("Both", &[&seen.id, &hidden.id])),
        )
        .await;
    let mine = w
        .ok(
            "POST",
            "/api/v1/report-templates",
            &hal,
            Some(&template_form("Seen only", &[&seen.id])),
        )
        .await;
    let listed = w.ok("GET", "/api/v1/report-templates", &hal, None).await;
    let names: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Seen only"]);
    let hidden_template = theirs["id"].as_str().unwrap();
    assert_problem(
        &w.call(
            "GET",
            &format!("/api/v1/report-templates/{hidden_template}"),
            &hal,
            None,
        )
        .await,
        404,
    );
    let scheduled = w
        .call(
            "POST",
            "/api/v1/report-schedules",
            &hal,
            Some(&json!({"name": "Sneaky", "templateId": hidden_template, "frequency": "daily", "hour": 1})),
        )
        .await;
    assert_problem(&scheduled, 422);
    // The administrator's schedule of the template is not Hal's to see either.
    let s = w
        .ok(
            "POST",
            "/api/v1/report-schedules",
            &admin,
            Some(&json!({"name": "Both daily", "templateId": hidden_template, "frequency": "daily", "hour": 1})),
        )
        .await;
    let own = w
        .ok(
            "POST",
            "/api/v1/report-schedules",
            &hal,
            Some(&json!({"name": "Mine daily", "templateId": mine["id"], "frequency": "daily", "hour": 2})),
        )
        .await;
    let listed = w.ok("GET", "/api/v1/report-schedules", &hal, None).await;
    let ids: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [own["id"].as_str().unwrap()]);
    assert_problem(
        &w.call(
            "DELETE",
            &format!("/api/v1/report-schedules/{}", s["id"].as_str().unwrap()),
            &hal,
            None,
        )
        .await,
        404,
    );
    assert_eq!(w.in_step().await.len(), 2);
}

/// An outbox message, parsed: its recipients, and its parts (attachments and inline
/// images) by name or content id, with their bytes.
struct Mail {
    to: Vec<String>,
    subject: String,
    html: String,
    parts: Vec<(String, String, Vec<u8>)>,
}

fn parse_mail(raw: &str) -> Mail {
    use mail_parser::MimeHeaders;
    let m = mail_parser::MessageParser::default()
        .parse(raw.as_bytes())
        .expect("a MIME message");
    Mail {
        to: m
            .to()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.address().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
        subject: m.subject().unwrap_or_default().to_string(),
        html: m.body_html(0).map(|h| h.to_string()).unwrap_or_default(),
        parts: m
            .attachments()
            .map(|p| {
                (
                    p.attachment_name()
                        .or(p.content_id())
                        .unwrap_or_default()
                        .to_string(),
                    p.content_type()
                        .map(|t| format!("{}/{}", t.ctype(), t.subtype().unwrap_or_default()))
                        .unwrap_or_default(),
                    p.contents().to_vec(),
                )
            })
            .collect(),
    }
}

/// The event Scheduler would hand the worker for `schedule`'s run due at `at`: its
/// target's input as moto keeps it, the scheduled time filled in.
async fn due_event(w: &World, schedule: &str, at: chrono::DateTime<Utc>) -> Value {
    let got = w
        .scheduler()
        .get_schedule()
        .group_name(w.group())
        .name(schedule)
        .send()
        .await
        .unwrap();
    let input = got.target().unwrap().input().unwrap().to_string();
    serde_json::from_str(&input.replace("<aws.scheduler.scheduled-time>", &at.to_rfc3339()))
        .unwrap()
}

async fn logo(w: &World, admin: &str) {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/logos/ok-200x400.gif"
    ))
    .unwrap();
    let req = bearer(request("PUT", "/api/v1/branding/logo"), admin)
        .header(header::CONTENT_TYPE, "image/gif")
        .body(Body::from(bytes))
        .unwrap();
    let a = send(&w.reports, req, IP).await;
    assert!(a.status.is_success(), "{}", a.text);
}

#[tokio::test]
async fn a_schedule_fired_three_times_at_once_makes_one_report_and_one_email() {
    let w = world().await;
    let (admin, customer) = partner_with_customer(&w, "pa@fired.example.com").await;
    logo(&w, &admin).await;
    let t = w
        .ok(
            "POST",
            "/api/v1/report-templates",
            &admin,
            Some(&template_form("Daily endpoints", &[&customer])),
        )
        .await;
    let s = w
        .ok(
            "POST",
            "/api/v1/report-schedules",
            &admin,
            Some(
                &json!({"name": "Every morning", "templateId": t["id"], "frequency": "daily",
                "hour": 6, "delivery": {"emails": ["owner@customer.example"], "attach": true}}),
            ),
        )
        .await;
    let id = s["id"].as_str().unwrap();
    let due = Utc::now()
        .date_naive()
        .and_hms_opt(6, 0, 0)
        .unwrap()
        .and_utc();
    let event = due_event(&w, id, due).await;
    let state = &w.stack.function("report-worker");
    let (a, b, c) = futures::join!(
        report_worker::handle(state, event.clone()),
        report_worker::handle(state, event.clone()),
        report_worker::handle(state, event.clone()),
    );
    let outcomes = [a.unwrap(), b.unwrap(), c.unwrap()];
    assert_eq!(
        outcomes.iter().filter(|o| o.get("ready").is_some()).count(),
        1,
        "{outcomes:?}"
    );
    // Scheduler delivering late, within the same occasion, makes nothing more.
    report_worker::handle(state, due_event(&w, id, due + Duration::minutes(40)).await)
        .await
        .unwrap();
    let reports = w.ok("GET", "/api/v1/reports", &admin, None).await;
    let reports = reports["items"].as_array().unwrap();
    assert_eq!(reports.len(), 1, "{reports:?}");
    let report = &reports[0];
    assert_eq!(report["status"], "ready");
    assert_eq!(report["name"], "Daily endpoints");
    let yesterday = (due - Duration::days(1)).date_naive().to_string();
    assert_eq!(
        report["options"]["period"],
        json!({"kind": "days", "from": yesterday, "to": yesterday})
    );
    assert_eq!(report["options"]["customers"], json!([customer]));

    let mails: Vec<Mail> = w
        .stack
        .outbox_messages()
        .iter()
        .filter(|m| m.contains("owner@customer.example"))
        .map(|m| parse_mail(m))
        .collect();
    assert_eq!(mails.len(), 1, "one email");
    let mail = &mails[0];
    assert_eq!(mail.to, ["owner@customer.example"]);
    assert!(mail.subject.contains("Daily endpoints"), "{}", mail.subject);
    let pdf = mail
        .parts
        .iter()
        .find(|(name, _, _)| name == "Daily endpoints.pdf")
        .expect("the PDF attached");
    assert!(pdf.2.starts_with(b"%PDF"));
    let (_, stored) = (
        (),
        w.stack
            .state
            .files()
            .get(
                &w.stack.state.config.reports_bucket,
                &format!(
                    "reports/{}/{}.pdf",
                    w.stack.items_of("Partner").await[0]["id"].as_s().unwrap(),
                    report["id"].as_str().unwrap()
                ),
            )
            .await
            .unwrap()
            .unwrap(),
    );
    assert_eq!(pdf.2, stored, "the attachment is the stored file");
    let logo = mail
        .parts
        .iter()
        .find(|(name, _, _)| name == "logo")
        .expect("the logo inline");
    assert_eq!(logo.1, "image/gif");
    assert!(mail.html.contains("cid:logo"));

    // The next day's run is another occasion: a second report.
    let next = report_worker::handle(state, due_event(&w, id, due + Duration::days(1)).await)
        .await
        .unwrap();
    assert!(next.get("ready").is_some(), "{next}");
    let reports = w.ok("GET", "/api/v1/reports", &admin, None).await;
    assert_eq!(reports["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_schedules_owner_who_lost_access_gets_only_what_they_still_read_or_a_clear_failure() {
    let w = world().await;
    let admin = w.partner("pa@owner.example.com", "Owner Ltd").await;
    let kept = w
        .trial_customer(&admin, "Kept Co", "it@kept.example.com", "coManaged")
        .await;
    let lost = w
        .trial_customer(&admin, "Lost Co", "it@lost.example.com", "coManaged")
        .await;
    let hal = w
        .reader(&admin, "hal@owner.example.com", &[&kept.id, &lost.id])
        .await;
    let t = w
        .ok(
            "POST",
            "/api/v1/report-templates",
            &hal,
            Some(&template_form("Both", &[&kept.id, &lost.id])),
        )
        .await;
    let s = w
        .ok(
            "POST",
            "/api/v1/report-schedules",
            &hal,
            Some(&json!({"name": "Hal's weekly", "templateId": t["id"], "frequency": "weekly", "hour": 7})),
        )
        .await;
    let id = s["id"].as_str().unwrap();
    // The administrator narrows Hal's role to one customer.
    let roles = call(&w.users, "GET", "/api/v1/roles", &admin, None, IP).await;
    let role = roles
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Help desk")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let narrowed = call(
        &w.users,
        "PUT",
        &format!("/api/v1/roles/{role}"),
        &admin,
        Some(&json!({"name": "Help desk",
            "access": {"all": null, "readWrite": [], "read": [kept.id], "noAccess": [], "defaultLevel": "noAccess"},
            "permissions": {"addCustomers": false, "importCustomers": false, "removeCustomers": false}})),
        IP,
    )
    .await;
    assert_eq!(narrowed.status, StatusCode::OK, "{}", narrowed.text);
    let monday = Utc::now()
        .date_naive()
        .week(chrono::Weekday::Mon)
        .first_day();
    let due = monday.and_hms_opt(7, 0, 0).unwrap().and_utc();
    let state = &w.stack.function("report-worker");
    let made = report_worker::handle(state, due_event(&w, id, due).await)
        .await
        .unwrap();
    assert!(made.get("ready").is_some(), "{made}");
    let reports = w.ok("GET", "/api/v1/reports", &admin, None).await;
    assert_eq!(
        reports["items"][0]["options"]["customers"],
        json!([kept.id]),
        "the customer Hal lost is left out"
    );
    // Hal is disabled: the next run fails, saying why, and raises ReportFailed.
    let users = call(&w.users, "GET", "/api/v1/users", &admin, None, IP).await;
    let hal_id = users.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "hal@owner.example.com")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let disabled = call(
        &w.users,
        "PATCH",
        &format!("/api/v1/users/{hal_id}"),
        &admin,
        Some(&json!({"status": "disabled"})),
        IP,
    )
    .await;
    assert!(disabled.status.is_success(), "{}", disabled.text);
    let failed = report_worker::handle(state, due_event(&w, id, due + Duration::days(7)).await)
        .await
        .unwrap();
    let reason = failed["failed"]["reason"].as_str().expect("failed");
    assert!(reason.contains("no longer has access"), "{reason}");
    let alerts = w.stack.items_of("Alert").await;
    assert!(
        alerts
            .iter()
            .any(|a| a["subject"].as_s().is_ok_and(|s| s.contains("Both"))),
        "a ReportFailed alert"
    );
}

#[tokio::test]
async fn every_partner_gets_the_weekly_and_monthly_reports_without_asking() {
    let w = world().await;
    let (account, admin) = w
        .partner_account("pa@automatic.example.com", "Automatic Ltd")
        .await;
    let partner = domain::PartnerId::parse(account["partner"]["id"].as_str().unwrap()).unwrap();
    let c = w
        .trial_customer(&admin, "Auto Co", "it@auto-co.example.com", "coManaged")
        .await;
    let now = Utc::now();
    let tick = scheduler::tick(&w.stack.function("scheduler"), now)
        .await
        .unwrap();
    assert_eq!(tick.automatic_schedules, 2);
    let again = scheduler::tick(&w.stack.function("scheduler"), now + Duration::minutes(1))
        .await
        .unwrap();
    assert_eq!(again.automatic_schedules, 0, "made once");

    let templates = w.ok("GET", "/api/v1/report-templates", &admin, None).await;
    let templates = templates["items"].as_array().unwrap();
    let kinds: Vec<(&str, bool, bool)> = templates
        .iter()
        .map(|t| {
            (
                t["type"].as_str().unwrap(),
                t["automatic"].as_bool().unwrap(),
                t["allCustomers"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("mspExecutiveSummary", true, true),
            ("serviceUtilizationBilling", true, true)
        ]
    );
    let schedules = w.ok("GET", "/api/v1/report-schedules", &admin, None).await;
    let runs: Vec<&str> = schedules["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["runs"].as_str().unwrap())
        .collect();
    assert_eq!(
        runs,
        [
            "Weekly, Mondays at 06:00 GMT",
            "Monthly, on the 1st at 06:00 GMT"
        ]
    );
    assert!(schedules["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["automatic"] == true && s["state"] == "active"));
    assert_eq!(w.in_step().await.len(), 2);

    // The weekly run covers every customer, and Home finds it as the schedule's latest.
    let weekly = schedules["items"][0]["id"].as_str().unwrap().to_string();
    let monday = now.date_naive().week(chrono::Weekday::Mon).first_day();
    let due = monday.and_hms_opt(6, 0, 0).unwrap().and_utc();
    let made = report_worker::handle(
        &w.stack.function("report-worker"),
        due_event(&w, &weekly, due).await,
    )
    .await
    .unwrap();
    assert!(made.get("ready").is_some(), "{made}");
    let s = w
        .ok(
            "GET",
            &format!("/api/v1/report-schedules/{weekly}"),
            &admin,
            None,
        )
        .await;
    let report = w
        .ok(
            "GET",
            &format!("/api/v1/reports/{}", s["lastReportId"].as_str().unwrap()),
            &admin,
            None,
        )
        .await;
    assert_eq!(report["type"], "mspExecutiveSummary");
    assert_eq!(report["options"]["customers"], json!([c.id]));

    // The migration queues partners that never had them, and only those: a partner that
    // deleted its automatic schedule keeps it deleted.
    w.ok(
        "DELETE",
        &format!("/api/v1/report-schedules/{weekly}"),
        &admin,
        None,
    )
    .await;
    let owner = domain::UserId::parse(account["user"]["id"].as_str().unwrap()).unwrap();
    assert!(!w
        .stack
        .state
        .table
        .queue_automatic_reports(&partner, &owner, now)
        .await
        .unwrap());
    // An account from before automatic reports has no marker.
    let client = aws_sdk_dynamodb::Client::new(&w.stack.sdk);
    client
        .delete_item()
        .table_name(&w.stack.state.config.table_name)
        .key(
            "pk",
            aws_sdk_dynamodb::types::AttributeValue::S(format!("PARTNER#{partner}")),
        )
        .key(
            "sk",
            aws_sdk_dynamodb::types::AttributeValue::S("AUTOMATIC_REPORTS".into()),
        )
        .send()
        .await
        .unwrap();
    let admins = w.stack.state.table.every_partner_admin().await.unwrap();
    assert_eq!(admins, [(partner.clone(), owner.clone())]);
    assert!(w
        .stack
        .state
        .table
        .queue_automatic_reports(&partner, &owner, now)
        .await
        .unwrap());
    let tick = scheduler::tick(&w.stack.function("scheduler"), now + Duration::minutes(2))
        .await
        .unwrap();
    assert_eq!(tick.automatic_schedules, 1, "the missing one is made again");
    assert_eq!(w.in_step().await.len(), 2);
}
