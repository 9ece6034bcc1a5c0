//! Bulk actions on the Customers page (`POST /customers/bulk`), the selection's export
//! (`POST /customers/export`) and what each list row says the user may do
//! (`yourAccess`): each customer is refused or changed on its own, exactly as its
//! single-customer route would.

use axum::{body::Body, http::header, http::StatusCode};
use serde_json::{json, Value};
use testkit::http::*;

use crate::world::trial_form;

const IP: &str = "192.0.2.81";
const BULK: &str = "/api/v1/customers/bulk";
const EXPORT: &str = "/api/v1/customers/export";

crate::world::module_world!();

impl World {
    async fn bulk(&self, token: &str, body: &Value) -> Answer {
        call(&self.customers, "POST", BULK, token, Some(body), IP).await
    }

    async fn bulk_with_key(&self, token: &str, body: &Value, key: &str) -> Answer {
        let req = bearer(request("POST", BULK), token)
            .header("idempotency-key", key)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        send(&self.customers, req, IP).await
    }

    /// A co-managed customer with a trial of endpoint protection: its id.
    async fn customer(&self, token: &str, name: &str, email: &str) -> String {
        self.trial_customer(token, name, email, "coManaged")
            .await
            .id
    }

    async fn profile(&self, token: &str, id: &str) -> Answer {
        get(
            &self.customers,
            &format!("/api/v1/customers/{id}"),
            token,
            IP,
        )
        .await
    }

    async fn audit_actions(&self) -> Vec<(String, String)> {
        let text = |r: &store::Item, k: &str| r[k].as_s().unwrap().clone();
        self.stack
            .items_of("AuditRecord")
            .await
            .iter()
            .map(|r| (text(r, "action"), text(r, "target")))
            .collect()
    }

    /// The selection's CSV.
    async fn export(&self, token: &str, ids: Value) -> String {
        let a = call(
            &self.customers,
            "POST",
            EXPORT,
            token,
            Some(&json!({ "customerIds": ids })),
            IP,
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        assert!(a.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv"));
        a.text
    }

    fn mails_to(&self, email: &str) -> usize {
        let to = format!("To: {email}\r\n");
        self.stack
            .outbox_messages()
            .iter()
            .filter(|m| m.contains(&to))
            .count()
    }

    /// A user whose custom role has Read/Write on `write` and Read on `read` (no access to
    /// the rest, no permission to remove): their access token.
    async fn custom_user(&self, admin: &str, email: &str, write: &[&str], read: &[&str]) -> String {
        let role = call(
            &self.users,
            "POST",
            "/api/v1/roles",
            admin,
            Some(&json!({"name": "Desk"})),
            IP,
        )
        .await;
        assert_eq!(role.status, StatusCode::CREATED, "{}", role.text);
        let id = role.body["id"].as_str().unwrap().to_string();
        let body = json!({"name": "Desk",
            "access": {"all": null, "readWrite": write, "read": read, "noAccess": [],
                "defaultLevel": "noAccess"},
            "permissions": {"addCustomers": false, "importCustomers": false,
                "removeCustomers": false}});
        let saved = call(
            &self.users,
            "PUT",
            &format!("/api/v1/roles/{id}"),
            admin,
            Some(&body),
            IP,
        )
        .await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
        self.add_user(admin, email, &id).await;
        let secret = self.stack.link_secret(email).expect("an invitation");
        let accepted = send(
            &self.users,
            json_post(
                "/api/v1/invitations/accept",
                &json!({"token": secret, "password": "Another-Passw0rd"}),
            ),
            IP,
        )
        .await;
        assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text);
        let s = sign_in(&self.auth, email, "Another-Passw0rd", IP).await;
        s.body["accessToken"].as_str().unwrap().to_string()
    }
}

fn result(answer: &Answer, i: usize) -> &Value {
    &answer.body["results"][i]
}

#[tokio::test]
async fn a_trial_for_three_customers_starts_on_the_two_that_never_had_it() {
    let w = world().await;
    let token = w.partner("pa@bulk-trial.example", "Bulk Trial").await;
    let acme = w.customer(&token, "Acme Dental", "it@acme.example").await;
    let bolt = w.customer(&token, "Bolt Ltd", "it@bolt.example").await;
    let cove = w.customer(&token, "Cove Ltd", "it@cove.example").await;
    // Bolt has had its trial of email security already.
    let single = call(
        &w.customers,
        "POST",
        &format!("/api/v1/customers/{bolt}/entitlements"),
        &token,
        Some(&json!({"products": [{"product": "email-security", "type": "trial"}]})),
        IP,
    )
    .await;
    assert_eq!(single.status, StatusCode::OK, "{}", single.text);
    let bolt_before = w.profile(&token, &bolt).await.body;
    let audited_before = w.audit_actions().await.len();

    let a = w
        .bulk(
            &token,
            &json!({"action": "startTrial", "customerIds": [acme, bolt, cove],
                "product": "email-security"}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["action"], "startTrial");
    assert_eq!(
        (a.body["done"].as_u64(), a.body["refused"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(result(&a, 0)["customerId"], acme.as_str());
    assert_eq!(result(&a, 0)["outcome"], "done");
    assert_eq!(result(&a, 0)["customerName"], "Acme Dental");
    let refused = result(&a, 1);
    assert_eq!(refused["outcome"], "refused");
    assert_eq!(refused["customerName"], "Bolt Ltd");
    assert_eq!(refused["problem"]["status"], 409);
    assert_eq!(refused["problem"]["type"], "/problems/already-has-product");
    assert_eq!(
        refused["problem"]["detail"],
        "Bolt Ltd already has a trial of Email Security.cloud"
    );
    assert_eq!(result(&a, 2)["outcome"], "done");

    // The same problem as the single route answers for Bolt.
    let again = call(
        &w.customers,
        "POST",
        &format!("/api/v1/customers/{bolt}/entitlements"),
        &token,
        Some(&json!({"products": [{"product": "email-security", "type": "trial"}]})),
        IP,
    )
    .await;
    assert_problem(&again, 409);
    assert_eq!(again.body["detail"], refused["problem"]["detail"]);

    for id in [&acme, &cove] {
        let p = w.profile(&token, id).await.body;
        let trials: Vec<_> = p["entitlements"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["product"] == "email-security")
            .collect();
        assert_eq!(trials.len(), 1, "{p}");
    }
    let bolt_after = w.profile(&token, &bolt).await.body;
    assert_eq!(bolt_after["customer"], bolt_before["customer"]);
    // One record per customer changed, as the single route writes it.
    let audited = w.audit_actions().await;
    let new: Vec<_> = audited[audited_before..].to_vec();
    let mut targets: Vec<_> = audited
        .iter()
        .filter(|(action, _)| action == "customer.addProducts")
        .map(|(_, t)| t.clone())
        .collect();
    targets.sort();
    assert_eq!(new.len(), 2, "{new:?}");
    assert!(targets.contains(&acme) && targets.contains(&cove));
    assert_eq!(targets.iter().filter(|t| **t == bolt).count(), 1);
}

#[tokio::test]
async fn a_management_change_asks_each_customer_and_emails_its_admin() {
    let w = world().await;
    let token = w.partner("pa@bulk-manage.example", "Bulk Manage").await;
    let a_id = w.customer(&token, "Alder Ltd", "it@alder.example").await;
    let b_id = w.customer(&token, "Birch Ltd", "it@birch.example").await;
    let a = w
        .bulk(
            &token,
            &json!({"action": "requestManagementChange", "customerIds": [a_id, b_id],
                "management": "partnerManaged"}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["done"], 2, "{}", a.text);
    for (id, email) in [(&a_id, "it@alder.example"), (&b_id, "it@birch.example")] {
        let p = w.profile(&token, id).await.body;
        assert_eq!(p["requests"][0]["status"], "pending", "{p}");
        assert_eq!(p["requests"][0]["management"], "partnerManaged");
        assert_eq!(p["customer"]["management"], "coManaged");
        // The welcome, then the request.
        assert_eq!(w.mails_to(email), 2);
    }
    // Asked again while the requests wait: each refused as the single route refuses it.
    let again = w
        .bulk(
            &token,
            &json!({"action": "requestManagementChange", "customerIds": [a_id],
                "management": "partnerManaged"}),
        )
        .await;
    assert_eq!(
        result(&again, 0)["problem"]["type"],
        "/problems/request-pending"
    );
    assert_eq!(result(&again, 0)["problem"]["status"], 409);
    // Giving access back takes effect at once.
    let back = w
        .bulk(
            &token,
            &json!({"action": "requestManagementChange", "customerIds": [a_id],
                "management": "customerManaged"}),
        )
        .await;
    assert_eq!(back.body["done"], 1, "{}", back.text);
    let p = w.profile(&token, &a_id).await.body;
    assert_eq!(p["customer"]["management"], "customerManaged");
}

#[tokio::test]
async fn the_welcome_goes_again_once_per_idempotency_key() {
    let w = world().await;
    let token = w.partner("pa@bulk-welcome.example", "Bulk Welcome").await;
    let id = w.customer(&token, "Cedar Ltd", "it@cedar.example").await;
    let body = json!({"action": "resendWelcome", "customerIds": [id]});
    let before = w.audit_actions().await.len();
    let first = w.bulk_with_key(&token, &body, "bulk-welcome-1").await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    assert_eq!(first.body["done"], 1, "{}", first.text);
    assert_eq!(w.mails_to("it@cedar.example"), 2);
    let replay = w.bulk_with_key(&token, &body, "bulk-welcome-1").await;
    assert_eq!(replay.status, StatusCode::OK, "{}", replay.text);
    assert_eq!(replay.body, first.body);
    // Nothing done again: no second email, no second record.
    assert_eq!(w.mails_to("it@cedar.example"), 2);
    let audited = w.audit_actions().await;
    assert_eq!(audited.len(), before + 1, "{audited:?}");
    assert_eq!(audited[before].0, "customer.resendWelcome");
    // The same key with another body is refused.
    let other = json!({"action": "remove", "customerIds": [id], "confirm": true});
    let reused = w.bulk_with_key(&token, &other, "bulk-welcome-1").await;
    assert_problem(&reused, 422);
    assert_eq!(w.profile(&token, &id).await.status, StatusCode::OK);
}

#[tokio::test]
async fn removing_needs_confirm_true_and_removes_each_customer() {
    let w = world().await;
    let token = w.partner("pa@bulk-remove.example", "Bulk Remove").await;
    let a_id = w.customer(&token, "Dune Ltd", "it@dune.example").await;
    let b_id = w.customer(&token, "Elm Ltd", "it@elm.example").await;
    let items = w.item_count().await;
    for body in [
        json!({"action": "remove", "customerIds": [a_id, b_id]}),
        json!({"action": "remove", "customerIds": [a_id, b_id], "confirm": false}),
    ] {
        let a = w.bulk(&token, &body).await;
        assert_problem(&a, 422);
        assert_eq!(a.body["errors"][0]["field"], "confirm");
    }
    assert_eq!(w.item_count().await, items);
    let a = w
        .bulk(
            &token,
            &json!({"action": "remove", "customerIds": [a_id, b_id], "confirm": true}),
        )
        .await;
    assert_eq!(a.body["done"], 2, "{}", a.text);
    for id in [&a_id, &b_id] {
        assert_eq!(w.profile(&token, id).await.status, StatusCode::NOT_FOUND);
    }
    // The emails can be registered again.
    w.customer(&token, "Dune Again", "it@dune.example").await;
}

#[tokio::test]
async fn a_bad_body_is_refused_whole_and_writes_nothing() {
    let w = world().await;
    let token = w.partner("pa@bulk-bad.example", "Bulk Bad").await;
    let id = w.customer(&token, "Fir Ltd", "it@fir.example").await;
    let items = w.item_count().await;
    let many: Vec<String> = (0..101)
        .map(|_| domain::CustomerId::generate().to_string())
        .collect();
    let cases = [
        (
            json!({"action": "resendWelcome", "customerIds": many}),
            "customerIds",
        ),
        (
            json!({"action": "resendWelcome", "customerIds": [id, id]}),
            "customerIds[1]",
        ),
        (
            json!({"action": "resendWelcome", "customerIds": []}),
            "customerIds",
        ),
        (
            json!({"action": "startTrial", "customerIds": [id], "product": "toaster"}),
            "product",
        ),
        (
            json!({"action": "resendWelcome", "customerIds": [id], "management": "coManaged"}),
            "management",
        ),
    ];
    for (body, field) in cases {
        let a = w.bulk(&token, &body).await;
        assert_problem(&a, 422);
        assert_eq!(a.body["errors"][0]["field"], field, "{}", a.text);
    }
    for body in [
        json!({"action": "paint", "customerIds": [id]}),
        json!({"action": "resendWelcome", "customerIds": [id], "colour": "red"}),
    ] {
        assert_problem(&w.bulk(&token, &body).await, 422);
    }
    let export = call(
        &w.customers,
        "POST",
        EXPORT,
        &token,
        Some(&json!({"customerIds": many})),
        IP,
    )
    .await;
    assert_problem(&export, 422);
    assert_eq!(w.item_count().await, items);
    assert_eq!(w.mails_to("it@fir.example"), 1);
}

#[tokio::test]
async fn another_partners_customer_is_refused_as_not_found_without_its_name() {
    let w = world().await;
    let ours = w.partner("pa@bulk-ours.example", "Ours").await;
    let theirs = w.partner("pa@bulk-theirs.example", "Theirs").await;
    let mine = w.customer(&ours, "Gum Ltd", "it@gum.example").await;
    let other = w.customer(&theirs, "Hazel Ltd", "it@hazel.example").await;
    let unknown = domain::CustomerId::generate().to_string();
    let a = w
        .bulk(
            &ours,
            &json!({"action": "resendWelcome", "customerIds": [other, mine, unknown]}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(
        (a.body["done"].as_u64(), a.body["refused"].as_u64()),
        (Some(1), Some(2))
    );
    for i in [0, 2] {
        let r = result(&a, i);
        assert_eq!(r["outcome"], "refused");
        assert!(r.get("customerName").is_none(), "{r}");
        assert_eq!(r["problem"]["status"], 404);
        assert_eq!(r["problem"]["detail"], "No such customer.");
    }
    // Hidden and nonexistent answer alike.
    assert_eq!(result(&a, 0)["problem"], result(&a, 2)["problem"]);
    assert_eq!(w.mails_to("it@hazel.example"), 1);
    assert_eq!(w.mails_to("it@gum.example"), 2);
}

#[tokio::test]
async fn a_custom_role_acts_only_on_the_customers_it_may_write() {
    let w = world().await;
    let admin = w.partner("pa@bulk-role.example", "Bulk Role").await;
    let write = w.customer(&admin, "Ivy Ltd", "it@ivy.example").await;
    let read = w
        .customer(&admin, "Juniper Ltd", "it@juniper.example")
        .await;
    let hidden = w.customer(&admin, "Kelp Ltd", "it@kelp.example").await;
    let desk = w
        .custom_user(&admin, "desk@bulk-role.example", &[&write], &[&read])
        .await;
    let a = w
        .bulk(
            &desk,
            &json!({"action": "startTrial", "customerIds": [read, write, hidden],
                "product": "email-security"}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let r = result(&a, 0);
    assert_eq!(r["outcome"], "refused");
    assert_eq!(r["customerName"], "Juniper Ltd");
    assert_eq!(r["problem"]["status"], 403);
    assert_eq!(
        r["problem"]["detail"],
        "Your role has read-only access to this customer."
    );
    assert_eq!(result(&a, 1)["outcome"], "done");
    assert_eq!(result(&a, 2)["problem"]["status"], 404);
    assert!(result(&a, 2).get("customerName").is_none());
    // Removing needs the role's permission too, customer by customer.
    let removal = w
        .bulk(
            &desk,
            &json!({"action": "remove", "customerIds": [write], "confirm": true}),
        )
        .await;
    assert_eq!(result(&removal, 0)["problem"]["status"], 403);
    assert_eq!(w.profile(&admin, &write).await.status, StatusCode::OK);

    // The list says what the role may do with each row; the administrator may do all.
    let rows = |a: &Answer| -> Vec<(String, Value)> {
        a.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["name"].as_str().unwrap().to_string(),
                    r["yourAccess"].clone(),
                )
            })
            .collect()
    };
    let listed = get(&w.customers, "/api/v1/customers", &desk, IP).await;
    assert_eq!(
        rows(&listed),
        [
            (
                "Ivy Ltd".to_string(),
                json!({"level": "readWrite", "mayManage": true, "mayRemove": false})
            ),
            (
                "Juniper Ltd".to_string(),
                json!({"level": "read", "mayManage": false, "mayRemove": false})
            ),
        ]
    );
    let all = get(&w.customers, "/api/v1/customers", &admin, IP).await;
    for (_, access) in rows(&all) {
        assert_eq!(
            access,
            json!({"level": "readWrite", "mayManage": true, "mayRemove": true})
        );
    }
    // The CSV keeps its columns.
    let csv = get(&w.customers, "/api/v1/customers?format=csv", &admin, IP).await;
    assert!(!csv.text.contains("readWrite"), "{}", csv.text);
}

#[tokio::test]
async fn the_export_lists_the_visible_customers_in_the_order_asked() {
    let w = world().await;
    let admin = w.partner("pa@bulk-export.example", "Bulk Export").await;
    let theirs = w.partner("pa@bulk-export-other.example", "Other").await;
    let a_id = w.customer(&admin, "Larch Ltd", "it@larch.example").await;
    let b_id = w.customer(&admin, "Maple Ltd", "it@maple.example").await;
    let hidden = w.customer(&admin, "Nettle Ltd", "it@nettle.example").await;
    let other = w.customer(&theirs, "Oak Ltd", "it@oak.example").await;
    let desk = w
        .custom_user(&admin, "desk@bulk-export.example", &[&a_id], &[&b_id])
        .await;
    let names = |csv: &str| -> Vec<String> {
        csv.lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap().trim_matches('"').to_string())
            .collect()
    };
    let csv = w.export(&admin, json!([b_id, other, a_id, hidden])).await;
    assert_eq!(names(&csv), ["Maple Ltd", "Larch Ltd", "Nettle Ltd"]);
    let whole = get(&w.customers, "/api/v1/customers?format=csv", &admin, IP).await;
    assert_eq!(csv.lines().next(), whole.text.lines().next());
    let csv = w.export(&desk, json!([hidden, b_id, a_id])).await;
    assert_eq!(names(&csv), ["Maple Ltd", "Larch Ltd"]);
}

#[tokio::test]
async fn each_customer_of_a_bulk_call_costs_the_same_calls() {
    // The bench (`infra bench-bulk`) measures 100; here the growth is checked between 1
    // and 3 customers, against the budget docs/performance.md states.
    let w = world().await;
    let token = w.partner("pa@bulk-calls.example", "Bulk Calls").await;
    let mut ids = Vec::new();
    for n in 0..4 {
        let form = trial_form(
            &format!("Pine {n}"),
            &format!("it{n}@pine.example"),
            "coManaged",
            "shared",
        );
        ids.push(w.add_customer(&token, &form).await["customer"]["id"].clone());
    }
    let mut calls = Vec::new();
    for chosen in [&ids[..1], &ids[1..]] {
        w.stack.counter.reset();
        let a = w
            .bulk(
                &token,
                &json!({"action": "startTrial", "customerIds": chosen,
                    "product": "email-security"}),
            )
            .await;
        assert_eq!(a.body["refused"], 0, "{}", a.text);
        calls.push(w.stack.counter.service("DynamoDB"));
    }
    // The caller and the accounts: 2 calls; each customer: its Query and its transaction.
    assert_eq!(calls, [2 + 2, 2 + 3 * 2]);
}
