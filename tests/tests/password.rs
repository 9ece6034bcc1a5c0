//! "Forgot password" (the reset link) and the sign-up's email confirmation, as the guide's
//! users meet them: ask for a link, read it in the email, choose a password; confirm the
//! sign-up's email before the console sends any on the partner's behalf.

use axum::http::{header, StatusCode};
use chrono::{Duration, Utc};
use serde_json::{json, Value};
use testkit::http::*;

use crate::world::trial_form;

crate::world::module_world!();

const IP: &str = "192.0.2.61";
const NEW_PASSWORD: &str = "Brand-New-Passw0rd";

impl World {
    async fn forgot_from(&self, email: &str, ip: &str) -> Answer {
        send(
            &self.auth,
            json_post("/api/v1/auth/password/forgot", &json!({ "email": email })),
            ip,
        )
        .await
    }

    async fn forgot(&self, email: &str) -> Answer {
        self.forgot_from(email, IP).await
    }

    async fn reset(&self, token: &str, password: &str) -> Answer {
        send(
            &self.auth,
            json_post(
                "/api/v1/auth/password/reset",
                &json!({"token": token, "password": password}),
            ),
            IP,
        )
        .await
    }

    async fn messages_to(&self, email: &str) -> usize {
        self.stack
            .outbox_messages()
            .iter()
            .filter(|m| m.contains(&format!("To: {email}\r\n")))
            .count()
    }

    async fn records(&self, action: &str) -> Vec<Value> {
        self.stack
            .items_json()
            .await
            .into_iter()
            .filter(|r| r["kind"] == "AuditRecord" && r["action"] == action)
            .collect()
    }

    async fn verify(&self, token: &str) -> Answer {
        send(
            &self.auth,
            json_post("/api/v1/auth/verify-email", &json!({ "token": token })),
            IP,
        )
        .await
    }
}

fn refresh_cookie(signed_in: &Answer) -> String {
    signed_in.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

async fn refresh(w: &World, cookie: &str) -> Answer {
    let req = request("POST", "/api/v1/auth/refresh")
        .header(header::COOKIE, cookie)
        .body(axum::body::Body::empty())
        .unwrap();
    send(&w.auth, req, IP).await
}

#[tokio::test]
async fn forgot_password_answers_the_same_for_every_email() {
    let w = world().await;
    let (_, admin) = w
        .partner_account("known@forgot.example", "Forgot Ltd")
        .await;
    let disabled = "gone@forgot.example";
    let id = w.add_user(&admin, disabled, "administrator").await;
    let off = call(
        &w.users,
        "PATCH",
        &format!("/api/v1/users/{id}"),
        &admin,
        Some(&json!({"status": "disabled"})),
        IP,
    )
    .await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.text);
    let managed = "admin@managed.example";
    w.add_customer(
        &admin,
        &trial_form("Managed Co", managed, "partnerManaged", "shared"),
    )
    .await;
    let before = w.messages_to(managed).await;

    let unknown = w.forgot("nobody@forgot.example").await;
    assert_eq!(unknown.status, StatusCode::ACCEPTED, "{}", unknown.text);
    for email in ["known@forgot.example", disabled, managed] {
        let a = w.forgot(email).await;
        assert_eq!(a.status, unknown.status, "{email}");
        assert_eq!(a.text, unknown.text, "{email}: the same bytes");
        assert_eq!(
            a.headers.get(header::CONTENT_TYPE),
            unknown.headers.get(header::CONTENT_TYPE)
        );
    }
    // Only the account that may reset gets a link.
    assert!(w
        .stack
        .link_secret("known@forgot.example")
        .is_some_and(|_| true));
    assert_eq!(
        w.messages_to(managed).await,
        before,
        "no link for a partner-managed admin"
    );
    let to_disabled = w
        .stack
        .outbox_messages()
        .into_iter()
        .filter(|m| m.contains(&format!("To: {disabled}\r\n")) && m.contains("new password"));
    assert_eq!(to_disabled.count(), 0, "no link for a disabled user");

    // Every request is audited: apart from any trail for nobody's email, in the
    // partner's with the reason otherwise.
    let records = w.records("auth.requestPasswordReset").await;
    let of = |email: &str| {
        records
            .iter()
            .find(|r| r["actorEmail"] == email)
            .unwrap_or_else(|| panic!("a record for {email}"))
            .clone()
    };
    assert!(of("nobody@forgot.example")["pk"]
        .as_str()
        .unwrap()
        .starts_with("AUDIT#UNATTRIBUTED#"));
    assert_eq!(of("known@forgot.example")["outcome"], "success");
    assert!(of("known@forgot.example")["pk"]
        .as_str()
        .unwrap()
        .starts_with("PARTNER#"));
    assert_eq!(of(disabled)["reason"], "disabled user");
    assert_eq!(of(managed)["reason"], "partner-managed account");
}

#[tokio::test]
async fn a_reset_link_sets_a_new_password_once_and_ends_every_earlier_session() {
    let w = world().await;
    let email = "owner@reset.example";
    w.partner_account(email, "Reset Ltd").await;
    let earlier = sign_in(&w.auth, email, PASSWORD, IP).await;
    assert_eq!(earlier.status, StatusCode::OK, "{}", earlier.text);
    let cookie = refresh_cookie(&earlier);
    assert_eq!(refresh(&w, &cookie).await.status, StatusCode::OK);

    w.stack.counter.reset();
    assert_eq!(w.forgot(email).await.status, StatusCode::ACCEPTED);
    // The documented budget: 2 limit updates, the login, the user, one transaction, and
    // the partner's suppressed addresses before the email goes.
    assert_eq!(
        w.stack.counter.service("DynamoDB"),
        6,
        "{:?}",
        w.stack.counter.snapshot()
    );
    let token = w.stack.link_secret(email).expect("a reset link");
    let inspect = send(
        &w.auth,
        json_post("/api/v1/auth/password/inspect", &json!({ "token": token })),
        IP,
    )
    .await;
    assert_eq!(inspect.body["email"], email, "{}", inspect.text);

    // The policy is checked before the link is spent.
    let weak = w.reset(&token, "short").await;
    assert_problem(&weak, 422);
    w.stack.counter.reset();
    let done = w.reset(&token, NEW_PASSWORD).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    // Inspect's 3 reads, the claim, the audit record.
    assert_eq!(
        w.stack.counter.service("DynamoDB"),
        5,
        "{:?}",
        w.stack.counter.snapshot()
    );
    assert_eq!(done.body["email"], email);

    let again = w.reset(&token, "Another-Passw0rd-2").await;
    assert_problem(&again, 410);
    assert_eq!(again.body["type"], "/problems/link-used");
    assert_eq!(
        sign_in(&w.auth, email, PASSWORD, IP).await.status,
        StatusCode::UNAUTHORIZED,
        "the old password no longer works"
    );
    assert_eq!(
        sign_in(&w.auth, email, NEW_PASSWORD, IP).await.status,
        StatusCode::OK
    );
    let refused = refresh(&w, &cookie).await;
    assert_problem(&refused, 401);

    let done = w.records("auth.resetPassword").await;
    assert_eq!(done.len(), 1);
    assert_eq!(done[0]["actorEmail"], email);
    assert_eq!(done[0]["sourceIp"], IP);
    assert!(done[0]["partnerId"].is_string());
}

#[tokio::test]
async fn only_the_newest_unexpired_reset_link_works() {
    let w = world().await;
    let email = "owner@newest.example";
    w.partner_account(email, "Newest Ltd").await;
    w.forgot(email).await;
    let first = w.stack.link_secret(email).unwrap();
    w.forgot(email).await;
    let second = w.stack.link_secret(email).unwrap();
    assert_ne!(first, second);
    let old = w.reset(&first, NEW_PASSWORD).await;
    assert_problem(&old, 410);
    assert_eq!(old.body["type"], "/problems/link-gone");

    // An expired link: its item says it ended a minute ago.
    let hash = domain::token::hash(&second).unwrap();
    let client = aws_sdk_dynamodb::Client::new(&w.stack.sdk);
    client
        .update_item()
        .table_name(&w.stack.state.config.table_name)
        .key(
            "pk",
            aws_sdk_dynamodb::types::AttributeValue::S(format!("RESET#{hash}")),
        )
        .key(
            "sk",
            aws_sdk_dynamodb::types::AttributeValue::S("RESET".into()),
        )
        .update_expression("SET expiresAt = :past")
        .expression_attribute_values(
            ":past",
            aws_sdk_dynamodb::types::AttributeValue::S(
                (Utc::now() - Duration::minutes(1)).to_rfc3339(),
            ),
        )
        .send()
        .await
        .unwrap();
    let expired = w.reset(&second, NEW_PASSWORD).await;
    assert_problem(&expired, 410);
    assert_eq!(expired.body["type"], "/problems/link-expired");
    assert_eq!(
        sign_in(&w.auth, email, PASSWORD, IP).await.status,
        StatusCode::OK,
        "the password is unchanged"
    );
    let junk = w.reset("not-a-token", NEW_PASSWORD).await;
    assert_problem(&junk, 404);
}

#[tokio::test]
async fn a_customer_admin_resets_their_password_and_the_record_is_in_the_partner_trail() {
    let w = world().await;
    let (_, admin) = w
        .partner_account("owner@cust-reset.example", "Cust Reset Ltd")
        .await;
    let email = "admin@co-managed.example";
    w.add_customer(
        &admin,
        &trial_form("Co Managed", email, "coManaged", "shared"),
    )
    .await;
    let welcome = w.stack.link_secret(email).unwrap();
    let set = send(
        &w.portal,
        json_post(
            "/api/v1/welcome/set-password",
            &json!({"token": welcome, "password": "First-Passw0rd-1"}),
        ),
        IP,
    )
    .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.text);
    w.forgot(email).await;
    let token = w.stack.link_secret(email).unwrap();
    assert_ne!(token, welcome);
    assert_eq!(w.reset(&token, NEW_PASSWORD).await.status, StatusCode::OK);
    let s = sign_in(&w.auth, email, NEW_PASSWORD, IP).await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.text);
    assert_eq!(s.body["account"], "customer");
    let trail = get(
        &w.auth,
        "/api/v1/audit?action=auth.resetPassword",
        &admin,
        IP,
    )
    .await;
    assert_eq!(trail.status, StatusCode::OK, "{}", trail.text);
    assert_eq!(
        trail.body["items"][0]["actorEmail"], email,
        "{}",
        trail.text
    );
}

#[tokio::test]
async fn reset_requests_are_limited_per_email_and_per_ip_alike_for_unknown_emails() {
    let stack = testkit::stack_with(testkit::Options {
        limits: adapters::config::Limit {
            limit: 3,
            window: std::time::Duration::from_secs(3600),
        },
        ..testkit::Options::default()
    })
    .await;
    let w = World(crate::world::World::on(stack));
    let known = "owner@limits.example";
    w.partner_account(known, "Limits Ltd").await;
    let unknown = "nobody@limits.example";
    // Per email: three from three addresses, then the fourth is refused, known or not.
    for (i, email) in [known, unknown].iter().enumerate() {
        for n in 0..3 {
            let a = w
                .forgot_from(email, &format!("198.51.100.{}", 10 * i + n))
                .await;
            assert_eq!(a.status, StatusCode::ACCEPTED, "{}", a.text);
        }
    }
    let k = w.forgot_from(known, "198.51.100.99").await;
    let u = w.forgot_from(unknown, "198.51.100.98").await;
    assert_problem(&k, 429);
    assert_eq!((k.status, &k.body["type"]), (u.status, &u.body["type"]));
    assert!(u.headers.contains_key(header::RETRY_AFTER));
    // Per IP: whatever the emails.
    for n in 0..3 {
        let a = w
            .forgot_from(&format!("n{n}@ip.example"), "203.0.113.77")
            .await;
        assert_eq!(a.status, StatusCode::ACCEPTED, "{}", a.text);
    }
    assert_problem(&w.forgot_from("n9@ip.example", "203.0.113.77").await, 429);
}

/// What an unconfirmed partner may not do, each asked once: the answers.
async fn emailing(w: &World, token: &str) -> Vec<(&'static str, Answer)> {
    let reports = reports_http::app(w.stack.function("reports"));
    let schedules = report_schedules::app(w.stack.function("report-schedules"));
    vec![
        (
            "add a customer",
            call(
                &w.customers,
                "POST",
                "/api/v1/customers",
                token,
                Some(&trial_form(
                    "Blocked Co",
                    "it@blocked.example",
                    "coManaged",
                    "shared",
                )),
                IP,
            )
            .await,
        ),
        (
            "invite a user",
            call(
                &w.users,
                "POST",
                "/api/v1/users",
                token,
                Some(&json!({"email": "new@pending.example", "firstName": "Ada",
                    "lastName": "Lovelace", "role": "administrator"})),
                IP,
            )
            .await,
        ),
        (
            "import a customer",
            call(
                &w.customers,
                "POST",
                "/api/v1/customers/import",
                token,
                Some(&json!({"email": "someone@elsewhere.example"})),
                IP,
            )
            .await,
        ),
        (
            "email a report",
            call(
                &reports,
                "POST",
                "/api/v1/reports",
                token,
                Some(
                    &json!({"name": "Mailed", "type": "alertHistory", "formats": ["pdf"],
                    "options": {"period": {"kind": "last", "range": "7d"}, "allCustomers": true},
                    "delivery": {"emails": ["boss@pending.example"], "attach": true}}),
                ),
                IP,
            )
            .await,
        ),
        (
            "schedule emailed reports",
            call(
                &schedules,
                "POST",
                "/api/v1/report-schedules",
                token,
                Some(
                    &json!({"name": "Weekly", "templateId": "tpl_0123456789abcdef0123456789abcdef",
                    "frequency": "weekly", "hour": 6,
                    "delivery": {"emails": ["boss@pending.example"], "attach": true}}),
                ),
                IP,
            )
            .await,
        ),
    ]
}

#[tokio::test]
async fn an_unconfirmed_partner_sends_no_email_until_it_confirms() {
    let w = world().await;
    let email = "owner@pending.example";
    let (account, token) = partner_session(&w.auth, email, "Pending Ltd").await;
    assert_eq!(account["partner"]["emailVerified"], false);
    let items = w.stack.items().await.len();
    for (what, a) in emailing(&w, &token).await {
        assert_problem(&a, 403);
        assert_eq!(
            a.body["type"], "/problems/email-not-verified",
            "{what}: {}",
            a.text
        );
    }
    assert_eq!(w.stack.items().await.len(), items, "refusals write nothing");

    // A new link, then the first one still confirms (both went to the same mailbox).
    let first = w.stack.link_secret(email).unwrap();
    let resent = call(
        &w.auth,
        "POST",
        "/api/v1/me/verification-email",
        &token,
        None,
        IP,
    )
    .await;
    assert_eq!(resent.status, StatusCode::ACCEPTED, "{}", resent.text);
    assert_eq!(resent.body["sentTo"], email);
    assert_ne!(w.stack.link_secret(email).unwrap(), first);
    let confirmed = w.verify(&first).await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.text);
    assert_eq!(confirmed.body["company"], "Pending Ltd");
    assert_eq!(
        w.verify(&first).await.status,
        StatusCode::OK,
        "opening it again"
    );
    let me = get(&w.auth, "/api/v1/me", &token, IP).await;
    assert_eq!(me.body["partner"]["emailVerified"], true);
    let again = call(
        &w.auth,
        "POST",
        "/api/v1/me/verification-email",
        &token,
        None,
        IP,
    )
    .await;
    assert_problem(&again, 409);
    assert_eq!(again.body["type"], "/problems/already-verified");
    assert_eq!(w.records("partner.verifyEmail").await.len(), 1);

    for (what, a) in emailing(&w, &token).await {
        if what == "schedule emailed reports" {
            // Past the email check: the made-up template is what is wrong now.
            assert_problem(&a, 422);
        } else {
            assert!(a.status.is_success(), "{what}: {}", a.text);
        }
    }
    assert!(
        w.stack.link_secret("it@blocked.example").is_some(),
        "the welcome went"
    );
}

#[tokio::test]
async fn a_sign_up_never_confirmed_is_removed_and_its_email_can_sign_up_again() {
    let w = world().await;
    let email = "owner@forgotten.example";
    let (account, token) = partner_session(&w.auth, email, "Forgotten Ltd").await;
    let pk = format!("PARTNER#{}", account["partner"]["id"].as_str().unwrap());
    let (kept, _) = w.partner_account("owner@kept.example", "Kept Ltd").await;
    let kept_id = kept["partner"]["id"].as_str().unwrap().to_string();
    let scheduler = w.stack.function("scheduler");

    let early = scheduler::tick(&scheduler, Utc::now() + Duration::days(6))
        .await
        .unwrap();
    assert_eq!(early.unverified_removed, 0, "not before its time");
    assert_eq!(
        sign_up(&w.auth, email, "Forgotten Again").await.status,
        StatusCode::CONFLICT
    );

    let later = scheduler::tick(&scheduler, Utc::now() + Duration::days(8))
        .await
        .unwrap();
    assert_eq!(later.unverified_removed, 1);
    assert_eq!(
        w.stack.pool_users_with_email(email).await,
        0,
        "its login is gone"
    );
    let left: Vec<Value> = w
        .stack
        .items_json()
        .await
        .into_iter()
        // (Its confirmation links stay until their TTL, naming a partner that is gone.)
        .filter(|i| i["kind"] != "EmailVerification")
        .filter(|i| i["pk"] == pk.as_str() || i["email"] == email)
        .collect();
    assert!(left.is_empty(), "{left:?}");
    assert_problem(&get(&w.auth, "/api/v1/me", &token, IP).await, 401);
    assert_eq!(w.records("partner.removeUnverified").await.len(), 1);
    // The confirmed partner stays.
    assert!(w
        .stack
        .items_json()
        .await
        .iter()
        .any(|i| i["kind"] == "Partner" && i["id"] == kept_id.as_str()));

    let again = sign_up(&w.auth, email, "Forgotten Again").await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.text);
}
