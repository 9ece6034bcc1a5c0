//! Consent between partners, against the local stack: what an import request tells the
//! partner that asks (nothing), the bounds on requests, requests ending when their
//! customer moves, delegated sessions that follow the user's current rights, and links
//! that set a password once however many use them at the same moment.

use axum::http::StatusCode;
use serde_json::{json, Value};
use testkit::http::*;

const IP: &str = "192.0.2.91";
const CUSTOMERS: &str = "/api/v1/customers";
const IMPORT: &str = "/api/v1/customers/import";
const REQUESTS: &str = "/api/v1/consent-requests";
const ADMIN_PASSWORD: &str = "Customer-Passw0rd";
const USER_PASSWORD: &str = "Member-Passw0rd1";

use crate::world::trial_form as form;

crate::world::module_world!();

impl World {
    /// A customer of the partner `token` whose admin has chosen a password: its id.
    async fn active_customer(
        &self,
        token: &str,
        name: &str,
        email: &str,
        management: &str,
    ) -> String {
        let a = call(
            &self.customers,
            "POST",
            CUSTOMERS,
            token,
            Some(&form(name, email, management, "shared")),
            IP,
        )
        .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        let secret = self.stack.link_secret(email).expect("a welcome link");
        let set = self.set_password(&secret).await;
        assert_eq!(set.status, StatusCode::OK, "{}", set.text);
        a.body["customer"]["id"].as_str().unwrap().to_string()
    }

    async fn set_password(&self, secret: &str) -> Answer {
        send(
            &self.portal,
            json_post(
                "/api/v1/welcome/set-password",
                &json!({"token": secret, "password": ADMIN_PASSWORD}),
            ),
            IP,
        )
        .await
    }

    async fn admin_session(&self, email: &str) -> String {
        let s = sign_in(&self.auth, email, ADMIN_PASSWORD, IP).await;
        assert_eq!(s.status, StatusCode::OK, "{}", s.text);
        s.body["accessToken"].as_str().unwrap().to_string()
    }

    async fn import(&self, token: &str, email: &str) -> Answer {
        call(
            &self.customers,
            "POST",
            IMPORT,
            token,
            Some(&json!({ "email": email })),
            IP,
        )
        .await
    }

    async fn on_request(&self, token: &str, id: &str, verb: &str) -> Answer {
        call(
            &self.customers,
            "POST",
            &format!("{REQUESTS}/{id}/{verb}"),
            token,
            None,
            IP,
        )
        .await
    }

    /// The partner's requests, as its Request Status table lists them.
    async fn requests(&self, token: &str) -> Vec<Value> {
        let a = get(&self.customers, REQUESTS, token, IP).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        a.body["items"].as_array().unwrap().clone()
    }

    /// A partner user of `role`, invited by `admin`, who accepted and signed in: their id
    /// and access token.
    async fn member(&self, admin: &str, email: &str, role: &str) -> (String, String) {
        let id = self.add_user(admin, email, role).await;
        let secret = self.stack.link_secret(email).expect("an invitation");
        let accepted = send(
            &self.users,
            json_post(
                "/api/v1/invitations/accept",
                &json!({"token": secret, "password": USER_PASSWORD}),
            ),
            IP,
        )
        .await;
        assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text);
        let s = sign_in(&self.auth, email, USER_PASSWORD, IP).await;
        assert_eq!(s.status, StatusCode::OK, "{}", s.text);
        (id, s.body["accessToken"].as_str().unwrap().to_string())
    }

    /// Opens a Manage customer session: its secret.
    async fn delegation(&self, token: &str, customer: &str) -> String {
        let s = call(
            &self.customers,
            "POST",
            &format!("{CUSTOMERS}/{customer}/manage"),
            token,
            None,
            IP,
        )
        .await;
        assert_eq!(s.status, StatusCode::CREATED, "{}", s.text);
        s.body["token"].as_str().unwrap().to_string()
    }

    async fn portal_as(&self, token: &str, delegation: &str) -> Answer {
        let req = bearer(testkit::http::request("GET", "/api/v1/portal"), token)
            .header(portal::DELEGATION_HEADER, delegation);
        send(
            &self.portal,
            req.body(axum::body::Body::empty()).unwrap(),
            IP,
        )
        .await
    }

    async fn patch_user(&self, admin: &str, id: &str, body: Value) {
        let a = call(
            &self.users,
            "PATCH",
            &format!("/api/v1/users/{id}"),
            admin,
            Some(&body),
            IP,
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    }
}

fn etag_of(a: &Answer) -> String {
    a.headers["etag"].to_str().unwrap().to_string()
}

/// The keys of an answer's body and its status: what the asking partner can tell apart.
fn shape(a: &Answer) -> (StatusCode, Vec<String>) {
    let mut keys: Vec<String> = a.body.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    (a.status, keys)
}

#[tokio::test]
async fn an_import_request_answers_alike_whatever_the_email_is() {
    let w = world().await;
    let owner = w.partner("owner@alike.example", "Alike MSP").await;
    let asker = w.partner("owner@asker.example", "Asker MSP").await;
    let id = w
        .active_customer(
            &owner,
            "Acme Dental",
            "it@acme-dental.example",
            "customerManaged",
        )
        .await;
    // The asker's own customer, and an email nobody has.
    w.active_customer(&asker, "Own Ltd", "it@own.example", "customerManaged")
        .await;
    let before = w.stack.outbox_messages().len();

    let real = w.import(&asker, "it@acme-dental.example").await;
    let unknown = w.import(&asker, "nobody@nowhere.example").await;
    let own = w.import(&asker, "it@own.example").await;
    let partner_login = w.import(&asker, "owner@alike.example").await;
    let pending = w.import(&asker, "IT@acme-dental.example").await;
    for a in [&real, &unknown, &own, &partner_login, &pending] {
        assert_eq!(shape(a), shape(&real), "{}", a.text);
        assert_eq!(a.status, StatusCode::ACCEPTED);
        assert_eq!(a.body["status"], "pending");
        assert!(
            !a.text.contains("Acme") && !a.text.contains(&id),
            "{}",
            a.text
        );
        assert!(a.body.get("customerId").is_none() && a.body.get("customerName").is_none());
    }
    // Asking again while pending answers with the pending request.
    assert_eq!(pending.body["id"], real.body["id"]);
    let again = w.import(&asker, "nobody@nowhere.example").await;
    assert_eq!(again.body["id"], unknown.body["id"]);
    // Only the real customer is emailed.
    let sent = w.stack.outbox_messages();
    assert_eq!(sent.len(), before + 1);
    assert!(sent.last().unwrap().contains("To: it@acme-dental.example"));

    // The Request Status table lists them all alike, by the email typed.
    let rows = w.requests(&asker).await;
    assert_eq!(rows.len(), 4);
    for row in &rows {
        assert_eq!(row["status"], "pending");
        assert!(row.get("customerName").is_none() && row.get("customerId").is_none());
    }
    let csv = get(&w.customers, &format!("{REQUESTS}?format=csv"), &asker, IP).await;
    assert!(!csv.text.contains("Acme"), "{}", csv.text);
    // Re-sending and withdrawing answer alike too.
    for row in &rows {
        let r = row["id"].as_str().unwrap();
        let resent = w.on_request(&asker, r, "resend").await;
        assert_eq!(resent.status, StatusCode::OK, "{}", resent.text);
        assert_eq!(resent.body["sentCount"], 2);
    }
    let r = unknown.body["id"].as_str().unwrap();
    assert_eq!(
        w.on_request(&asker, r, "withdraw").await.status,
        StatusCode::OK
    );
    let renewed = w.import(&asker, "nobody@nowhere.example").await;
    assert_eq!(renewed.status, StatusCode::ACCEPTED);
    assert_ne!(
        renewed.body["id"], unknown.body["id"],
        "a new request after withdrawing"
    );
    // A malformed email is still a 422: that tells nothing about anyone.
    assert_problem(&w.import(&asker, "not an email").await, 422);

    // The customer approves: now the partner sees whom it imported.
    let admin = w.admin_session("it@acme-dental.example").await;
    let request = real.body["id"].as_str().unwrap();
    let approved = call(
        &w.portal,
        "POST",
        &format!("/api/v1/consent/{request}/approve"),
        &admin,
        Some(&json!({})),
        IP,
    )
    .await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.text);
    let row = w
        .requests(&asker)
        .await
        .into_iter()
        .find(|r| r["id"] == request)
        .unwrap();
    assert_eq!(row["status"], "approved");
    assert_eq!(row["customerName"], "Acme Dental");
    assert_eq!(row["customerId"], id.as_str());
}

#[tokio::test]
async fn requests_never_stand_in_the_way_of_the_owner() {
    let w = world().await;
    let owner = w.partner("owner@owner.example", "Owner MSP").await;
    let id = w
        .active_customer(
            &owner,
            "Northwind",
            "it@northwind-co.example",
            "customerManaged",
        )
        .await;
    let profile = format!("{CUSTOMERS}/{id}");
    let etag = etag_of(&get(&w.customers, &profile, &owner, IP).await);
    for n in 0..3 {
        let other = w
            .partner(&format!("owner@other{n}.example"), &format!("Other {n}"))
            .await;
        let asked = w.import(&other, "it@northwind-co.example").await;
        assert_eq!(asked.status, StatusCode::ACCEPTED, "{}", asked.text);
    }
    // The owner's ETag did not move: its edit in flight still saves.
    let seen = get(&w.customers, &profile, &owner, IP).await;
    assert_eq!(etag_of(&seen), etag);
    let mut edit = bearer(
        testkit::http::request("PATCH", &format!("{profile}/settings")),
        &owner,
    )
    .header("if-match", etag.as_str())
    .header("content-type", "application/json");
    edit = edit.header("accept", "application/json");
    let saved = send(
        &w.customers,
        edit.body(axum::body::Body::from(
            json!({"unmanagedMac": "allow"}).to_string(),
        ))
        .unwrap(),
        IP,
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);

    // However many requests the customer has, removing it works, and they end.
    let asker = w.partner("owner@many.example", "Many MSP").await;
    let first = w.import(&asker, "it@northwind-co.example").await;
    let stored = w
        .stack
        .items_json()
        .await
        .into_iter()
        .find(|i| i["kind"] == "ConsentRequest" && i["id"] == first.body["id"])
        .unwrap();
    let dynamodb = aws_sdk_dynamodb::Client::new(&w.stack.sdk);
    for _ in 0..120 {
        let mut record: store::consent::RequestRecord =
            serde_json::from_value(stored.clone()).unwrap();
        record.request.id = domain::RequestId::generate();
        dynamodb
            .put_item()
            .table_name(&w.stack.state.config.table_name)
            .set_item(Some(store::consent::request_item(&record).unwrap()))
            .send()
            .await
            .unwrap();
    }
    let etag = etag_of(&get(&w.customers, &profile, &owner, IP).await);
    let removed = send(
        &w.customers,
        bearer(
            testkit::http::request("DELETE", &format!("{profile}?confirm=true")),
            &owner,
        )
        .header("if-match", etag.as_str())
        .body(axum::body::Body::empty())
        .unwrap(),
        IP,
    )
    .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT, "{}", removed.text);
    let left = w
        .stack
        .items_json()
        .await
        .into_iter()
        .filter(|i| i["kind"] == "ConsentRequest" && i["status"] == "pending")
        .count();
    assert_eq!(left, 0, "every pending request ended");
    let row = &w.requests(&asker).await[0];
    assert_eq!(row["status"], "cancelled");
    assert_problem(
        &w.on_request(&asker, first.body["id"].as_str().unwrap(), "resend")
            .await,
        409,
    );
}

#[tokio::test]
async fn a_request_is_sent_five_times_at_most() {
    let w = world().await;
    let owner = w.partner("owner@five.example", "Five MSP").await;
    w.active_customer(&owner, "Fifth", "it@fifth.example", "customerManaged")
        .await;
    let asker = w.partner("owner@five-asker.example", "Asker").await;
    let asked = w.import(&asker, "it@fifth.example").await;
    let id = asked.body["id"].as_str().unwrap();
    for n in 2..=5 {
        let a = w.on_request(&asker, id, "resend").await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        assert_eq!(a.body["sentCount"], n);
    }
    let sent = w.stack.outbox_messages().len();
    let sixth = w.on_request(&asker, id, "resend").await;
    assert_problem(&sixth, 409);
    assert_eq!(sixth.body["type"], "/problems/too-many-sends");
    assert_eq!(w.stack.outbox_messages().len(), sent, "no sixth email");
}

#[tokio::test]
async fn import_requests_are_bounded_per_partner_and_per_email() {
    let limit = domain::rate_limit::Limit {
        limit: 3,
        window: std::time::Duration::from_secs(86_400),
    };
    let w = World(crate::world::World::on(
        testkit::stack_with(testkit::Options {
            import_limits: Some(limit),
            ..testkit::Options::default()
        })
        .await,
    ));
    let asker = w.partner("owner@flood.example", "Flood MSP").await;
    for n in 0..3 {
        let a = w.import(&asker, &format!("it{n}@target.example")).await;
        assert_eq!(a.status, StatusCode::ACCEPTED, "{}", a.text);
    }
    let over = w.import(&asker, "it9@target.example").await;
    assert_problem(&over, 429);
    assert!(over.headers.contains_key("retry-after"));
    // One email, asked by many partners, withdrawing and asking again: bounded too.
    let mut answers = Vec::new();
    for n in 0..2 {
        let p = w
            .partner(&format!("owner@p{n}.example"), &format!("P{n}"))
            .await;
        let a = w.import(&p, "victim@target.example").await;
        let id = a.body["id"].as_str().unwrap().to_string();
        w.on_request(&p, &id, "withdraw").await;
        answers.push(w.import(&p, "victim@target.example").await.status);
    }
    assert_eq!(
        answers,
        [StatusCode::ACCEPTED, StatusCode::TOO_MANY_REQUESTS],
        "the fourth request about one email in a day is refused"
    );
}

#[tokio::test]
async fn a_customer_that_moves_ends_every_other_partners_request() {
    let w = world().await;
    let owner = w.partner("owner@moving.example", "Moving MSP").await;
    let id = w
        .active_customer(&owner, "Mover", "it@mover.example", "customerManaged")
        .await;
    let change = call(
        &w.customers,
        "POST",
        &format!("{CUSTOMERS}/{id}/management"),
        &owner,
        Some(&json!({"management": "coManaged"})),
        IP,
    )
    .await;
    assert_eq!(change.status, StatusCode::ACCEPTED, "{}", change.text);
    let owners = change.body["requests"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let b = w.partner("owner@b-moving.example", "B MSP").await;
    let c = w.partner("owner@c-moving.example", "C MSP").await;
    let to_b = w.import(&b, "it@mover.example").await.body["id"]
        .as_str()
        .unwrap()
        .to_string();
    let to_c = w.import(&c, "it@mover.example").await.body["id"]
        .as_str()
        .unwrap()
        .to_string();
    let c_link = w.stack.link_secret("it@mover.example").unwrap();

    let admin = w.admin_session("it@mover.example").await;
    let approve = |request: &str, token: Option<&str>| {
        let path = format!("/api/v1/consent/{request}/approve");
        let body = token.map_or(json!({}), |t| json!({ "token": t }));
        let admin = admin.clone();
        let portal = w.portal.clone();
        async move { call(&portal, "POST", &path, &admin, Some(&body), IP).await }
    };
    let moved = approve(&to_b, None).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.text);

    // Everyone else's pending request ended with the move.
    let status_of = |rows: Vec<Value>, id: &str| {
        rows.into_iter().find(|r| r["id"] == id).unwrap()["status"].clone()
    };
    assert_eq!(status_of(w.requests(&c).await, &to_c), "cancelled");
    assert_eq!(status_of(w.requests(&owner).await, &owners), "cancelled");
    for (token, request) in [(&c, &to_c), (&owner, &owners)] {
        for verb in ["resend", "withdraw"] {
            assert_problem(&w.on_request(token, request, verb).await, 409);
        }
    }
    assert_problem(&approve(&to_c, Some(&c_link)).await, 409);
    let portal = get(&w.portal, "/api/v1/portal", &admin, IP).await;
    assert_eq!(portal.body["partner"]["name"], "B MSP");
    assert_eq!(portal.body["pendingRequests"], json!([]));
}

#[tokio::test]
async fn a_request_that_no_longer_holds_is_refused_even_if_still_pending() {
    // A move whose clean-up did not happen (the function stopped after the approval):
    // the other partner's request, still stored as pending, cannot be used.
    let w = world().await;
    let owner = w.partner("owner@stale.example", "Stale MSP").await;
    let id = w
        .active_customer(&owner, "Staler", "it@staler.example", "customerManaged")
        .await;
    let b = w.partner("owner@b-stale.example", "B Stale").await;
    let asked = w.import(&b, "it@staler.example").await;
    let request = asked.body["id"].as_str().unwrap().to_string();
    // The customer moves to a third partner behind the request's back.
    let third = w.partner("owner@third.example", "Third").await;
    let third_me = get(&w.auth, "/api/v1/me", &third, IP).await;
    let third_id = third_me.body["partner"]["id"].as_str().unwrap().to_string();
    let key = store::customers::account_key(&domain::CustomerId::parse(&id).unwrap()).key();
    aws_sdk_dynamodb::Client::new(&w.stack.sdk)
        .update_item()
        .table_name(&w.stack.state.config.table_name)
        .set_key(Some(key))
        .update_expression("SET partnerId = :third")
        .expression_attribute_values(
            ":third",
            aws_sdk_dynamodb::types::AttributeValue::S(third_id),
        )
        .send()
        .await
        .unwrap();
    assert_problem(&w.on_request(&b, &request, "resend").await, 409);
    let rows = w.requests(&b).await;
    assert_eq!(rows[0]["status"], "cancelled");
}

#[tokio::test]
async fn a_delegated_session_shows_its_partners_own_requests_only() {
    let w = world().await;
    let owner = w.partner("owner@deleg.example", "Deleg MSP").await;
    let id = w
        .active_customer(&owner, "Shown", "it@shown.example", "coManaged")
        .await;
    let other = w.partner("owner@deleg-other.example", "Other").await;
    w.import(&other, "it@shown.example").await;
    let change = call(
        &w.customers,
        "POST",
        &format!("{CUSTOMERS}/{id}/management"),
        &owner,
        Some(&json!({"management": "partnerManaged"})),
        IP,
    )
    .await;
    let own = change.body["requests"][0]["id"].clone();
    let session = w.delegation(&owner, &id).await;
    let inside = w.portal_as(&owner, &session).await;
    assert_eq!(inside.status, StatusCode::OK, "{}", inside.text);
    let ids: Vec<&Value> = inside.body["pendingRequests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["id"])
        .collect();
    assert_eq!(ids, [&own], "not the other partner's import");
    // The customer's admin sees both.
    let admin = w.admin_session("it@shown.example").await;
    let theirs = get(&w.portal, "/api/v1/portal", &admin, IP).await;
    assert_eq!(theirs.body["pendingRequests"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_delegated_session_follows_the_users_rights_now() {
    let w = world().await;
    let admin = w.partner("owner@rights.example", "Rights MSP").await;
    let id = w
        .active_customer(&admin, "Managed", "it@managed-rights.example", "coManaged")
        .await;
    let (user, token) = w
        .member(&admin, "ada@rights.example", "administrator")
        .await;
    let session = w.delegation(&token, &id).await;
    assert_eq!(w.portal_as(&token, &session).await.status, StatusCode::OK);

    // A new role ends the session, even one that could open a new one.
    let role = call(
        &w.users,
        "POST",
        "/api/v1/roles",
        &admin,
        Some(&json!({"name": "Technicians"})),
        IP,
    )
    .await;
    let role_id = role.body["id"].as_str().unwrap().to_string();
    let access = |level: &str| {
        let list = json!([id.clone()]);
        json!({"name": "Technicians",
            "access": {"all": null,
                "readWrite": if level == "readWrite" { list.clone() } else { json!([]) },
                "read": if level == "read" { list } else { json!([]) },
                "noAccess": [], "defaultLevel": "noAccess"},
            "permissions": {"addCustomers": false, "importCustomers": false, "removeCustomers": false}})
    };
    let put = call(
        &w.users,
        "PUT",
        &format!("/api/v1/roles/{role_id}"),
        &admin,
        Some(&access("readWrite")),
        IP,
    )
    .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.text);
    w.patch_user(&admin, &user, json!({"role": role_id})).await;
    let ended = w.portal_as(&token, &session).await;
    assert_problem(&ended, 403);
    assert_eq!(ended.body["type"], "/problems/session-ended");

    // Under the custom role: cut to Read, the session ends at once.
    let session = w.delegation(&token, &id).await;
    assert_eq!(w.portal_as(&token, &session).await.status, StatusCode::OK);
    let put = call(
        &w.users,
        "PUT",
        &format!("/api/v1/roles/{role_id}"),
        &admin,
        Some(&access("read")),
        IP,
    )
    .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.text);
    assert_problem(&w.portal_as(&token, &session).await, 403);
    let write = call(
        &w.portal,
        "PATCH",
        "/api/v1/portal/settings",
        &token,
        Some(&json!({"unmanagedMac": "deny"})),
        IP,
    )
    .await;
    assert_problem(&write, 403);

    // Back to read-write, a new session; then disabled: ended.
    call(
        &w.users,
        "PUT",
        &format!("/api/v1/roles/{role_id}"),
        &admin,
        Some(&access("readWrite")),
        IP,
    )
    .await;
    let session = w.delegation(&token, &id).await;
    assert_eq!(w.portal_as(&token, &session).await.status, StatusCode::OK);
    w.patch_user(&admin, &user, json!({"status": "disabled"}))
        .await;
    assert_problem(&w.portal_as(&token, &session).await, 403);
}

#[tokio::test]
async fn a_welcome_link_sets_the_password_once_and_a_resent_one_revokes_it() {
    let w = world().await;
    let owner = w.partner("owner@race.example", "Race MSP").await;
    let added = call(
        &w.customers,
        "POST",
        CUSTOMERS,
        &owner,
        Some(&form(
            "Racer",
            "it@racer.example",
            "customerManaged",
            "partner",
        )),
        IP,
    )
    .await;
    let id = added.body["customer"]["id"].as_str().unwrap().to_string();
    // The link goes to the customer, even when the partner manages communications.
    let first = w
        .stack
        .link_secret("it@racer.example")
        .expect("the customer's link");
    assert!(w
        .stack
        .link_secret("ann.lee@northwind.example")
        .is_none_or(|s| s != first));

    // Sent again: the first link stops working.
    let resent = call(
        &w.customers,
        "POST",
        &format!("{CUSTOMERS}/{id}/welcome"),
        &owner,
        None,
        IP,
    )
    .await;
    assert_eq!(resent.status, StatusCode::ACCEPTED, "{}", resent.text);
    let second = w.stack.link_secret("it@racer.example").unwrap();
    assert_ne!(first, second);
    assert_problem(&w.set_password(&first).await, 404);

    // Two uses of one link at the same moment: one sets the password.
    let (a, b) = tokio::join!(w.set_password(&second), w.set_password(&second));
    let mut statuses = [a.status.as_u16(), b.status.as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 410], "{} / {}", a.text, b.text);
    let audits = w
        .stack
        .items_json()
        .await
        .into_iter()
        .filter(|i| i["action"] == "customer.setPassword")
        .count();
    assert_eq!(audits, 1);
    w.admin_session("it@racer.example").await;
}

#[tokio::test]
async fn a_refused_password_leaves_the_welcome_link_usable() {
    let w = world().await;
    let owner = w.partner("owner@refused.example", "Refused MSP").await;
    w.add_customer(
        &owner,
        &form("Weak", "it@weak.example", "customerManaged", "shared"),
    )
    .await;
    let secret = w.stack.link_secret("it@weak.example").unwrap();
    let weak = send(
        &w.portal,
        json_post(
            "/api/v1/welcome/set-password",
            &json!({"token": secret, "password": "short"}),
        ),
        IP,
    )
    .await;
    assert_problem(&weak, 422);
    assert_eq!(w.set_password(&secret).await.status, StatusCode::OK);
}

#[tokio::test]
async fn an_invitation_sets_the_password_once() {
    let w = world().await;
    let admin = w.partner("owner@invite-race.example", "Invite MSP").await;
    w.add_user(&admin, "grace@invite-race.example", "administrator")
        .await;
    let secret = w.stack.link_secret("grace@invite-race.example").unwrap();
    let accept = |password: &'static str| {
        let users = w.users.clone();
        let secret = secret.clone();
        async move {
            send(
                &users,
                json_post(
                    "/api/v1/invitations/accept",
                    &json!({"token": secret, "password": password}),
                ),
                IP,
            )
            .await
        }
    };
    let (a, b) = tokio::join!(accept("First-Passw0rd1"), accept("Second-Passw0rd2"));
    let mut statuses = [a.status.as_u16(), b.status.as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 410], "{} / {}", a.text, b.text);
    // The password that took is the one whose answer said so.
    let winner = if a.status == StatusCode::OK {
        "First-Passw0rd1"
    } else {
        "Second-Passw0rd2"
    };
    let s = sign_in(&w.auth, "grace@invite-race.example", winner, IP).await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.text);
}

#[tokio::test]
async fn a_customer_admin_signs_out_and_their_refresh_token_stops_working() {
    let w = world().await;
    let owner = w.partner("owner@sign-out.example", "Sign-out MSP").await;
    let id = w
        .active_customer(&owner, "Leaver", "it@leaver.example", "customerManaged")
        .await;
    let s = sign_in(&w.auth, "it@leaver.example", ADMIN_PASSWORD, IP).await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.text);
    let token = s.body["accessToken"].as_str().unwrap().to_string();
    let cookie = s.headers["set-cookie"].to_str().unwrap();
    let refresh_cookie = cookie.split(';').next().unwrap().to_string();
    let refresh = || {
        testkit::http::request("POST", "/api/v1/auth/refresh")
            .header("cookie", refresh_cookie.as_str())
            .body(axum::body::Body::empty())
            .unwrap()
    };
    assert_eq!(send(&w.auth, refresh(), IP).await.status, StatusCode::OK);

    let out = send(
        &w.auth,
        bearer(
            testkit::http::request("POST", "/api/v1/auth/sign-out"),
            &token,
        )
        .body(axum::body::Body::empty())
        .unwrap(),
        IP,
    )
    .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT, "{}", out.text);
    assert_problem(&send(&w.auth, refresh(), IP).await, 401);
    let audited = w
        .stack
        .items_json()
        .await
        .into_iter()
        .any(|i| i["action"] == "auth.signOut" && i["target"] == id.as_str());
    assert!(audited, "the sign-out is in the partner's trail");
}

/// Consent reminders: the scheduler tick at chosen moments against the stored requests.
mod reminders {
    use super::*;
    use chrono::{DateTime, Duration, Utc};

    fn at(v: &Value) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(v.as_str().expect("a time"))
            .unwrap()
            .with_timezone(&Utc)
    }

    impl World {
        async fn tick(&self, now: DateTime<Utc>) -> scheduler::TickReport {
            scheduler::tick(&self.stack.function("scheduler"), now)
                .await
                .unwrap()
        }

        /// The reminders emailed to `to`.
        fn reminders_to(&self, to: &str) -> usize {
            self.stack
                .outbox_messages()
                .iter()
                .filter(|m| m.contains(&format!("To: {to}\r\n")))
                .filter_map(|m| adapters::mail::decode_eml_text(m))
                .filter(|t| t.starts_with("This is a reminder"))
                .count()
        }

        async fn records(&self, action: &str) -> usize {
            self.stack
                .items_json()
                .await
                .iter()
                .filter(|r| r["kind"] == "AuditRecord" && r["action"] == action)
                .count()
        }

        async fn row(&self, token: &str, id: &str) -> Value {
            self.requests(token)
                .await
                .into_iter()
                .find(|r| r["id"] == id)
                .expect("the request's row")
        }

        /// Asks to co-manage the partner's customer `customer`: the request's id.
        async fn ask_management(&self, token: &str, customer: &str) -> String {
            let a = call(
                &self.customers,
                "POST",
                &format!("{CUSTOMERS}/{customer}/management"),
                token,
                Some(&json!({"management": "coManaged"})),
                IP,
            )
            .await;
            assert_eq!(a.status, StatusCode::ACCEPTED, "{}", a.text);
            a.body["requests"][0]["id"].as_str().unwrap().to_string()
        }

        /// The consent links stored for request `id`.
        async fn links_of(&self, id: &str) -> Vec<String> {
            self.stack
                .items_json()
                .await
                .into_iter()
                .filter(|i| i["kind"] == "LinkToken" && i["requestId"] == id)
                .map(|i| i["hash"].as_str().unwrap().to_string())
                .collect()
        }

        async fn set_reminders(&self, token: &str, reminders: Value) {
            let company = get(&self.users, "/api/v1/company", token, IP).await;
            let body = json!({
                "support": company.body["support"],
                "language": company.body["language"],
                "consentReminders": reminders,
            });
            let saved = call(
                &self.users,
                "PUT",
                "/api/v1/company",
                token,
                Some(&body),
                IP,
            )
            .await;
            assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
        }
    }

    #[tokio::test]
    async fn a_pending_request_is_reminded_once_per_slot_however_often_the_tick_runs() {
        let w = world().await;
        let owner = w.partner("owner@remind.example", "Remind MSP").await;
        let pending = w
            .trial_customer(&owner, "Pending", "it@pending.example", "customerManaged")
            .await
            .id;
        let withdrawn = w
            .trial_customer(
                &owner,
                "Withdrawn",
                "it@withdrawn.example",
                "customerManaged",
            )
            .await
            .id;
        let answered = w
            .active_customer(&owner, "Answered", "it@answered.example", "customerManaged")
            .await;
        let id = w.ask_management(&owner, &pending).await;
        let gone = w.ask_management(&owner, &withdrawn).await;
        let done = w.ask_management(&owner, &answered).await;
        let w_answer = w.on_request(&owner, &gone, "withdraw").await;
        assert_eq!(w_answer.status, StatusCode::OK, "{}", w_answer.text);
        let admin = w.admin_session("it@answered.example").await;
        let approved = call(
            &w.portal,
            "POST",
            &format!("/api/v1/consent/{done}/approve"),
            &admin,
            Some(&json!({})),
            IP,
        )
        .await;
        assert_eq!(approved.status, StatusCode::OK, "{}", approved.text);

        // A day after sending and a day before expiry (the default setting).
        let row = w.row(&owner, &id).await;
        let (sent, expires) = (at(&row["updatedAt"]), at(&row["expiresAt"]));
        assert_eq!(row["remindersSent"], 0);
        assert_eq!(at(&row["nextReminderAt"]), sent + Duration::hours(24));
        assert!(w.row(&owner, &gone).await.get("nextReminderAt").is_none());
        let link_before = w.links_of(&id).await;
        let customer_id = domain::CustomerId::parse(&pending).unwrap();
        let account = w.stack.state.table.customer_account(&customer_id).await;
        let read_before = account.unwrap().unwrap().requests[0].clone();

        assert_eq!(
            w.tick(sent + Duration::hours(23)).await.requests_reminded,
            0
        );
        let first = sent + Duration::hours(24) + Duration::seconds(30);
        // Two ticks for the same minute at once: one reminder between them.
        let (a, b) = tokio::join!(w.tick(first), w.tick(first));
        assert_eq!(a.requests_reminded + b.requests_reminded, 1, "{a:?} {b:?}");
        let after_first = w.stack.items_json().await;
        // A tick that read the request before the reminder cannot write its own.
        let late = read_before
            .request
            .apply(domain::consent::RequestEvent::Remind {
                at: first,
                reminders: Default::default(),
            })
            .unwrap();
        let audit = domain::audit::AuditRecord::new(
            domain::audit::Action::RemindConsent,
            "scheduler",
            "scheduler",
            domain::audit::Outcome::Success,
        );
        let written = w
            .stack
            .state
            .table
            .remind_request(&read_before.with(late), None, &audit)
            .await
            .unwrap();
        assert!(!written, "the stale reminder is refused");
        // The same minute again: nothing more, nothing written.
        assert_eq!(w.tick(first).await, scheduler::TickReport::default());
        assert_eq!(w.stack.items_json().await, after_first);
        assert_eq!(w.reminders_to("it@pending.example"), 1);
        assert_eq!(w.records("consent.remind").await, 1);
        let row = w.row(&owner, &id).await;
        assert_eq!(row["remindersSent"], 1);
        assert_eq!(at(&row["lastRemindedAt"]), first);
        assert_eq!(at(&row["nextReminderAt"]), expires - Duration::hours(24));
        assert_eq!(
            at(&row["expiresAt"]),
            expires,
            "a reminder gives no more time"
        );
        assert_eq!(row["sentCount"], 1);
        // The reminder's link is added to the one sent before, which still works.
        let links = w.links_of(&id).await;
        assert_eq!(links.len(), 2);
        assert!(links.contains(&link_before[0]));
        let secret = w.stack.link_secret("it@pending.example").unwrap();
        assert!(links.contains(&domain::token::hash(&secret).unwrap()));

        let second = expires - Duration::hours(24);
        assert_eq!(w.tick(second).await.requests_reminded, 1);
        assert_eq!(w.tick(second).await.requests_reminded, 0);
        assert_eq!(w.reminders_to("it@pending.example"), 2);
        assert_eq!(w.records("consent.remind").await, 2);
        let row = w.row(&owner, &id).await;
        assert_eq!(row["remindersSent"], 2);
        assert!(row.get("nextReminderAt").is_none(), "two at most");
        assert_eq!(
            w.tick(expires - Duration::hours(1)).await.requests_reminded,
            0
        );

        // Withdrawn and answered requests were never reminded.
        assert_eq!(w.reminders_to("it@withdrawn.example"), 0);
        assert_eq!(w.reminders_to("it@answered.example"), 0);
        assert_eq!(w.records("consent.remind").await, 2);

        // Unanswered at expiry: it expires, and the partner's administrators see the alert.
        let ended = w.tick(expires).await;
        assert_eq!((ended.requests_expired, ended.alerts), (1, 1));
        let alerts = get(&w.alerts, "/api/v1/alerts", &owner, IP).await;
        assert_eq!(alerts.status, StatusCode::OK, "{}", alerts.text);
        let expired: Vec<&Value> = alerts.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["type"] == "consentExpired")
            .collect();
        assert_eq!(expired.len(), 1, "{}", alerts.text);
        assert_eq!(w.reminders_to("it@pending.example"), 2);
    }

    #[tokio::test]
    async fn reminders_follow_the_partners_setting_and_a_resend_plans_them_afresh() {
        let w = world().await;
        let owner = w.partner("owner@setting.example", "Setting MSP").await;
        let customer = w
            .trial_customer(&owner, "Quiet", "it@quiet.example", "customerManaged")
            .await
            .id;
        let id = w.ask_management(&owner, &customer).await;
        let row = w.row(&owner, &id).await;
        let sent = at(&row["updatedAt"]);

        // Turned off after the request was planned: its slot passes without an email,
        // and the tick plans to look again at the next slot.
        w.set_reminders(
            &owner,
            json!({"enabled": false, "afterSendingHours": 24, "beforeExpiryHours": 24, "max": 2}),
        )
        .await;
        let slot = sent + Duration::hours(24);
        let looked = w.tick(slot).await;
        assert_eq!(
            (looked.requests_reminded, looked.requests_replanned),
            (0, 1)
        );
        assert!(w.row(&owner, &id).await.get("nextReminderAt").is_none());
        assert_eq!(w.tick(slot).await, scheduler::TickReport::default());
        assert_eq!(w.reminders_to("it@quiet.example"), 0);
        assert_eq!(w.records("consent.remind").await, 0);

        // On again: the pending request is reminded at its next slot, no re-send needed.
        w.set_reminders(
            &owner,
            json!({"enabled": true, "afterSendingHours": 24, "beforeExpiryHours": 24, "max": 2}),
        )
        .await;
        let expires = at(&row["expiresAt"]);
        assert_eq!(
            w.tick(expires - Duration::hours(24))
                .await
                .requests_reminded,
            1
        );
        assert_eq!(w.reminders_to("it@quiet.example"), 1);

        let row = w.row(&owner, &id).await;
        assert_eq!(row["remindersSent"], 1);
        assert!(row.get("nextReminderAt").is_none(), "no slot left");
    }

    #[tokio::test]
    async fn a_resend_plans_the_reminders_afresh() {
        let w = world().await;
        let owner = w.partner("owner@afresh.example", "Afresh MSP").await;
        let customer = w
            .trial_customer(&owner, "Afresh", "it@afresh.example", "customerManaged")
            .await
            .id;
        let id = w.ask_management(&owner, &customer).await;
        w.set_reminders(
            &owner,
            json!({"enabled": true, "afterSendingHours": 6, "beforeExpiryHours": 0, "max": 1}),
        )
        .await;
        let resent = w.on_request(&owner, &id, "resend").await;
        assert_eq!(resent.status, StatusCode::OK, "{}", resent.text);
        let again = at(&resent.body["updatedAt"]);
        assert_eq!(
            at(&resent.body["nextReminderAt"]),
            again + Duration::hours(6)
        );
        assert_eq!(
            w.tick(again + Duration::hours(6)).await.requests_reminded,
            1
        );
        assert_eq!(w.reminders_to("it@afresh.example"), 1);
        let row = w.row(&owner, &id).await;
        assert_eq!(
            (row["remindersSent"].clone(), row.get("nextReminderAt")),
            (json!(1), None)
        );
    }

    /// The request as stored now, by its customer.
    async fn stored(w: &World, customer: &str, id: &str) -> store::consent::RequestRecord {
        let customer = domain::CustomerId::parse(customer).unwrap();
        let id = domain::RequestId::parse(id).unwrap();
        w.stack
            .state
            .table
            .consent_request(&customer, &id)
            .await
            .unwrap()
            .expect("the stored request")
    }

    async fn inspect(w: &World, secret: &str) -> Answer {
        send(
            &w.portal,
            testkit::http::json_post("/api/v1/links/inspect", &json!({ "token": secret })),
            IP,
        )
        .await
    }

    #[tokio::test]
    async fn a_reminder_adds_a_link_and_the_first_emails_link_still_answers_the_request() {
        let w = world().await;
        let owner = w.partner("owner@linked.example", "Linked MSP").await;
        let customer = w
            .active_customer(&owner, "Linked", "it@linked.example", "customerManaged")
            .await;
        let id = w.ask_management(&owner, &customer).await;
        let first = w.stack.link_secret("it@linked.example").unwrap();
        let sent = at(&w.row(&owner, &id).await["updatedAt"]);
        assert_eq!(
            w.tick(sent + Duration::hours(24)).await.requests_reminded,
            1
        );
        let reminder = w.stack.link_secret("it@linked.example").unwrap();
        assert_ne!(first, reminder);
        assert_eq!(w.links_of(&id).await.len(), 2);
        // The first email said its link works until the request expires: it does.
        for secret in [&first, &reminder] {
            let seen = inspect(&w, secret).await;
            assert_eq!(seen.status, StatusCode::OK, "{}", seen.text);
            assert_eq!(seen.body["request"]["id"], id.as_str());
        }
        let admin = w.admin_session("it@linked.example").await;
        let approved = call(
            &w.portal,
            "POST",
            &format!("/api/v1/consent/{id}/approve"),
            &admin,
            Some(&json!({ "token": first })),
            IP,
        )
        .await;
        assert_eq!(approved.status, StatusCode::OK, "{}", approved.text);
        // One answer spends every link: the reminder's now answers "used".
        assert_eq!(inspect(&w, &reminder).await.status, StatusCode::GONE);
        let again = call(
            &w.portal,
            "POST",
            &format!("/api/v1/consent/{id}/deny"),
            &admin,
            Some(&json!({ "token": reminder })),
            IP,
        )
        .await;
        assert_eq!(again.status, StatusCode::GONE, "{}", again.text);
        assert_eq!(w.row(&owner, &id).await["status"], "approved");
        assert!(stored(&w, &customer, &id).await.links.is_empty());
    }

    #[tokio::test]
    async fn a_resend_revokes_the_reminders_links_too_and_a_stale_write_is_refused() {
        use store::consent::AnswerError;
        let w = world().await;
        let owner = w.partner("owner@revoke.example", "Revoke MSP").await;
        let customer = w
            .trial_customer(&owner, "Revoked", "it@revoked.example", "customerManaged")
            .await
            .id;
        let id = w.ask_management(&owner, &customer).await;
        let first = w.stack.link_secret("it@revoked.example").unwrap();
        let sent = at(&w.row(&owner, &id).await["updatedAt"]);
        let before_reminder = stored(&w, &customer, &id).await;
        assert_eq!(
            w.tick(sent + Duration::hours(24)).await.requests_reminded,
            1
        );
        let reminder = w.stack.link_secret("it@revoked.example").unwrap();

        // A re-send or withdrawal that read the request before the reminder writes
        // nothing: it would reset the count and leave the reminder's link alive.
        let audit = domain::audit::AuditRecord::new(
            domain::audit::Action::ResendConsent,
            "someone",
            IP,
            domain::audit::Outcome::Success,
        );
        let now = chrono::Utc::now();
        let stale = before_reminder
            .request
            .apply(domain::consent::RequestEvent::Resend {
                at: now,
                expires_at: now + Duration::hours(72),
                reminders: Default::default(),
            })
            .unwrap();
        let items = w.stack.items_json().await;
        let table = &w.stack.state.table;
        assert!(matches!(
            table
                .resend_request(&before_reminder.with(stale), None, &audit)
                .await,
            Err(AnswerError::Changed)
        ));
        let withdrawn = before_reminder
            .request
            .apply(domain::consent::RequestEvent::Withdraw { at: now })
            .unwrap();
        assert!(matches!(
            table
                .withdraw_request(&before_reminder.with(withdrawn), &audit)
                .await,
            Err(AnswerError::Changed)
        ));
        assert_eq!(w.stack.items_json().await, items, "nothing written");

        // The partner's re-send reads the request as it is now: every link is revoked.
        let resent = w.on_request(&owner, &id, "resend").await;
        assert_eq!(resent.status, StatusCode::OK, "{}", resent.text);
        assert_eq!(resent.body["remindersSent"], 1, "the count stands");
        assert_eq!(resent.body["sentCount"], 2);
        for secret in [&first, &reminder] {
            assert_eq!(inspect(&w, secret).await.status, StatusCode::NOT_FOUND);
        }
        let newest = w.stack.link_secret("it@revoked.example").unwrap();
        assert_eq!(
            w.links_of(&id).await,
            [domain::token::hash(&newest).unwrap()]
        );
        let withdrawn = w.on_request(&owner, &id, "withdraw").await;
        assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.text);
        assert!(w.links_of(&id).await.is_empty());
        assert_eq!(inspect(&w, &newest).await.status, StatusCode::NOT_FOUND);
    }

    #[tokio::test]
    async fn a_request_stored_with_one_link_before_reminders_kept_several_still_works() {
        use aws_sdk_dynamodb::types::AttributeValue;
        let w = world().await;
        let owner = w.partner("owner@legacy.example", "Legacy MSP").await;
        let customer = w
            .active_customer(&owner, "Legacy", "it@legacy.example", "customerManaged")
            .await;
        let id = w.ask_management(&owner, &customer).await;
        let first = w.stack.link_secret("it@legacy.example").unwrap();
        // As stored then: `tokenHash` alone, no `links`, no `revision`.
        let key = |sk: String| {
            [
                (
                    "pk".to_string(),
                    AttributeValue::S(format!("CUSTOMER#{customer}")),
                ),
                ("sk".to_string(), AttributeValue::S(sk)),
            ]
            .into()
        };
        aws_sdk_dynamodb::Client::new(&w.stack.sdk)
            .update_item()
            .table_name(&w.stack.state.config.table_name)
            .set_key(Some(key(format!("REQUEST#{id}"))))
            .update_expression("REMOVE links, revision")
            .send()
            .await
            .unwrap();
        let read = stored(&w, &customer, &id).await;
        assert_eq!(read.links, [domain::token::hash(&first).unwrap()]);
        assert_eq!(read.revision, 0);
        let sent = at(&w.row(&owner, &id).await["updatedAt"]);
        assert_eq!(
            w.tick(sent + Duration::hours(24)).await.requests_reminded,
            1
        );
        assert_eq!(w.links_of(&id).await.len(), 2);
        let admin = w.admin_session("it@legacy.example").await;
        let denied = call(
            &w.portal,
            "POST",
            &format!("/api/v1/consent/{id}/deny"),
            &admin,
            Some(&json!({ "token": first })),
            IP,
        )
        .await;
        assert_eq!(denied.status, StatusCode::OK, "{}", denied.text);
    }

    #[tokio::test]
    async fn a_reminder_that_could_not_be_delivered_is_marked_on_the_requests_page() {
        let w = world().await;
        let owner = w.partner("owner@bounced.example", "Bounced MSP").await;
        let me = get(&w.auth, "/api/v1/me", &owner, IP).await;
        let partner = me.body["partner"]["id"].as_str().unwrap().to_string();
        let customer = w
            .trial_customer(&owner, "Bounced", "it@bounced.example", "customerManaged")
            .await
            .id;
        let id = w.ask_management(&owner, &customer).await;
        let sent = at(&w.row(&owner, &id).await["updatedAt"]);
        // SES reported the admin's mailbox gone, for this partner.
        let mut bounce: Value =
            serde_json::from_str(include_str!("../../events/notifier/ses-bounce.json")).unwrap();
        bounce["detail"]["bounce"]["bouncedRecipients"][0]["emailAddress"] =
            "it@bounced.example".into();
        bounce["detail"]["mail"]["tags"]["partner"] = json!([partner]);
        notifier::handle(&w.stack.function("notifier"), bounce)
            .await
            .unwrap();
        assert_eq!(
            w.tick(sent + Duration::hours(24)).await.requests_reminded,
            1
        );
        assert_eq!(w.reminders_to("it@bounced.example"), 0);
        let row = w.row(&owner, &id).await;
        assert_eq!(row["remindersSent"], 1);
        assert_eq!(row["lastReminderFailed"], true, "{row}");
        // A re-send is a new email: the mark goes with it.
        let resent = w.on_request(&owner, &id, "resend").await;
        assert_eq!(resent.status, StatusCode::OK, "{}", resent.text);
        assert!(resent.body.get("lastReminderFailed").is_none());
    }

    #[tokio::test]
    async fn one_requests_failure_does_not_stop_the_tick() {
        use aws_sdk_dynamodb::types::AttributeValue;
        let w = world().await;
        let broken = w.partner("owner@broken.example", "Broken MSP").await;
        let fine = w.partner("owner@fine.example", "Fine MSP").await;
        let a = w
            .trial_customer(&broken, "A", "it@a-broken.example", "customerManaged")
            .await
            .id;
        let b = w
            .trial_customer(&fine, "B", "it@b-fine.example", "customerManaged")
            .await
            .id;
        w.ask_management(&broken, &a).await;
        let id = w.ask_management(&fine, &b).await;
        let sent = at(&w.row(&fine, &id).await["updatedAt"]);
        // The broken partner's item cannot be read.
        let me = get(&w.auth, "/api/v1/me", &broken, IP).await;
        let partner = domain::PartnerId::parse(me.body["partner"]["id"].as_str().unwrap()).unwrap();
        aws_sdk_dynamodb::Client::new(&w.stack.sdk)
            .update_item()
            .table_name(&w.stack.state.config.table_name)
            .key("pk", AttributeValue::S(store::keys::partner_pk(&partner)))
            .key("sk", AttributeValue::S(store::keys::PARTNER_SK.into()))
            .update_expression("SET consentReminders = :bad")
            .expression_attribute_values(":bad", AttributeValue::S("garbled".into()))
            .send()
            .await
            .unwrap();
        let report = w.tick(sent + Duration::hours(25)).await;
        assert_eq!(report.reminder_errors, 1, "{report:?}");
        assert_eq!(report.requests_reminded, 1, "{report:?}");
        assert_eq!(w.reminders_to("it@b-fine.example"), 1);
    }
}
