//! The auth function's endpoints, driven through its router against the local stack.

use std::time::Duration;

use adapters::metrics::Metric;
use axum::{
    body::Body,
    http::{header, Request, StatusCode},
    Router,
};
use serde_json::{json, Value};
use testkit::{http::*, logs::KeptLines, TestStack};

/// A sign-up carrying an `Idempotency-Key`.
fn keyed_sign_up(key: &str, body: &Value) -> Request<Body> {
    let mut req = json_post("/api/v1/auth/sign-up", body);
    req.headers_mut()
        .insert("idempotency-key", key.parse().expect("a header value"));
    req
}

async fn setup() -> (TestStack, Router) {
    let stack = testkit::stack().await;
    let app = auth::app(stack.function("auth"));
    (stack, app)
}

#[tokio::test]
async fn sign_up_creates_partner_admin_and_guard_in_one_transaction() {
    let (stack, app) = setup().await;
    stack.counter.reset();
    let a = sign_up(&app, "Owner@Northwind.example", "Northwind Security").await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    assert_eq!(stack.state.metrics.total(Metric::SignUps), 1);
    assert_eq!(a.body["partner"]["company"]["name"], "Northwind Security");
    assert_eq!(a.body["partner"]["program"], "reseller");
    assert_eq!(a.body["user"]["email"], "owner@northwind.example");
    assert_eq!(a.body["user"]["role"], "partnerAdministrator");

    // Budget: one transaction plus at most two other DynamoDB calls (the rate limits).
    assert_eq!(
        stack.counter.operation("DynamoDB", "TransactWriteItems"),
        1,
        "{:?}",
        stack.counter.snapshot()
    );
    assert!(
        stack.counter.service("DynamoDB") <= 3,
        "{:?}",
        stack.counter.snapshot()
    );

    assert_eq!(stack.items_of("Partner").await.len(), 1);
    assert_eq!(stack.items_of("User").await.len(), 1);
    assert_eq!(stack.items_of("Login").await.len(), 1);
    assert_eq!(stack.items_of("AuditRecord").await.len(), 1);
    assert_eq!(
        stack.pool_users_with_email("owner@northwind.example").await,
        1
    );

    let mail = stack.outbox_messages();
    assert_eq!(mail.len(), 1);
    assert!(mail[0].contains("To: owner@northwind.example"));
    let text = adapters::mail::decode_eml_text(&mail[0]).unwrap();
    assert!(text.contains("Northwind Security"), "{text}");
}

#[tokio::test]
async fn a_second_sign_up_with_the_same_email_in_any_case_is_a_409_and_leaves_nothing() {
    let (stack, app) = setup().await;
    assert_eq!(
        sign_up(&app, "dup@example.com", "First").await.status,
        StatusCode::CREATED
    );
    let before = account_items(&stack).await;
    let a = sign_up(&app, "DUP@Example.COM", "Second").await;
    assert_problem(&a, 409);
    assert_eq!(a.body["type"], "/problems/email-registered");
    assert_eq!(
        stack.state.metrics.total(Metric::SignUps),
        1,
        "one partner signed up"
    );
    // Nothing but the rate-limit counters changed: the first account's items, as they were.
    assert_eq!(account_items(&stack).await, before);
    assert_eq!(stack.items_of("Partner").await.len(), 1);
    assert_eq!(stack.pool_users_with_email("dup@example.com").await, 1);
}

/// Every item but the rate limiter's counters, in a stable order.
async fn account_items(stack: &TestStack) -> Vec<String> {
    let mut items: Vec<String> = stack
        .items_json()
        .await
        .into_iter()
        .filter(|i| i["kind"] != "RateWindow")
        .map(|i| i.to_string())
        .collect();
    items.sort();
    items
}

#[tokio::test]
async fn twenty_concurrent_sign_ups_with_one_email_create_exactly_one_account() {
    let (stack, app) = setup().await;
    let attempts = (0..20).map(|i| {
        let app = app.clone();
        async move {
            sign_up(&app, "race@example.com", &format!("Company {i}"))
                .await
                .status
        }
    });
    let statuses = futures::future::join_all(attempts).await;
    let created = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    let conflicts = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((created, conflicts), (1, 19), "{statuses:?}");
    assert_eq!(stack.state.metrics.total(Metric::SignUps), 1);
    assert_eq!(stack.items_of("Partner").await.len(), 1);
    assert_eq!(stack.items_of("User").await.len(), 1);
    assert_eq!(stack.items_of("Login").await.len(), 1);
    assert_eq!(stack.pool_users_with_email("race@example.com").await, 1);
}

#[tokio::test]
async fn bad_input_gets_the_right_problem_and_writes_nothing() {
    let (stack, app) = setup().await;
    let valid = sign_up_body("bad-input@example.com", "Acme");
    let with = |f: &dyn Fn(&mut Value)| {
        let mut v = valid.clone();
        f(&mut v);
        v.to_string()
    };
    let cases: Vec<(&str, String, &str, u16, Option<&str>)> = vec![
        (
            "malformed JSON",
            "{\"email\": ".into(),
            "application/json",
            400,
            None,
        ),
        (
            "not JSON at all",
            "email=a@b.c".into(),
            "application/x-www-form-urlencoded",
            415,
            None,
        ),
        (
            "missing field",
            with(&|v| {
                v.as_object_mut().unwrap().remove("company");
            }),
            "application/json",
            422,
            Some("company"),
        ),
        (
            "missing nested field",
            with(&|v| {
                v["contact"].as_object_mut().unwrap().remove("lastName");
            }),
            "application/json",
            422,
            Some("contact.lastName"),
        ),
        (
            "mistyped field",
            with(&|v| v["acceptTerms"] = json!("yes")),
            "application/json",
            422,
            Some("acceptTerms"),
        ),
        (
            "unknown field",
            with(&|v| v["isAdmin"] = json!(true)),
            "application/json",
            422,
            Some("isAdmin"),
        ),
        (
            "unknown nested field",
            with(&|v| v["company"]["vat"] = json!("x")),
            "application/json",
            422,
            Some("company.vat"),
        ),
        (
            "invalid email",
            with(&|v| v["email"] = json!("not-an-email")),
            "application/json",
            422,
            Some("email"),
        ),
        (
            "weak password",
            with(&|v| v["password"] = json!("password")),
            "application/json",
            422,
            Some("password"),
        ),
        (
            "terms not accepted",
            with(&|v| v["acceptTerms"] = json!(false)),
            "application/json",
            422,
            Some("acceptTerms"),
        ),
        (
            "body over 1 MB",
            with(&|v| v["company"]["name"] = json!("x".repeat(1024 * 1024))),
            "application/json",
            413,
            None,
        ),
    ];
    for (name, body, content_type, status, field) in cases {
        let req = request("POST", "/api/v1/auth/sign-up")
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap();
        let a = send(&app, req, "203.0.113.9").await;
        assert_eq!(a.status.as_u16(), status, "{name}: {}", a.text);
        assert_problem(&a, status);
        if let Some(field) = field {
            let fields: Vec<&str> = a.body["errors"]
                .as_array()
                .unwrap_or_else(|| panic!("{name}: no field errors: {}", a.text))
                .iter()
                .filter_map(|e| e["field"].as_str())
                .collect();
            assert!(fields.contains(&field), "{name}: {fields:?}");
        }
    }
    assert!(
        stack.items().await.is_empty(),
        "bad input wrote to the table"
    );
    assert!(stack.outbox_messages().is_empty());
}

#[tokio::test]
async fn sign_in_me_refresh_and_sign_out() {
    let (stack, app) = setup().await;
    sign_up(&app, "ops@contoso.example", "Contoso MSP").await;
    let a = sign_in(&app, "OPS@contoso.example", "Sturdy-Passw0rd", "192.0.2.44").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["tokenType"], "Bearer");
    let token = a.body["accessToken"].as_str().unwrap().to_string();
    let cookie = a
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    for attribute in [
        "pc_refresh=",
        "HttpOnly",
        "Secure",
        "SameSite=Strict",
        "Path=/api/v1/auth",
    ] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    let refresh_value = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("pc_refresh=");
    assert!(refresh_value.len() > 20);
    assert!(
        !a.text.contains(refresh_value),
        "the refresh token must not be in the body"
    );

    // The sign-in wrote an audit record with the source IP.
    let audit: Vec<_> = stack.items_of("AuditRecord").await;
    let signin = audit
        .iter()
        .find(|i| i["action"].as_s().unwrap() == "auth.signIn")
        .expect("sign-in audit record");
    assert_eq!(signin["outcome"].as_s().unwrap(), "success");
    assert_eq!(signin["sourceIp"].as_s().unwrap(), "192.0.2.44");

    // /me: at most one DynamoDB read.
    stack.counter.reset();
    let me = get(&app, "/api/v1/me", &token, "192.0.2.44").await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text);
    assert_eq!(me.body["partner"]["company"]["name"], "Contoso MSP");
    assert_eq!(me.body["user"]["email"], "ops@contoso.example");
    assert!(
        stack.counter.service("DynamoDB") <= 1,
        "{:?}",
        stack.counter.snapshot()
    );

    // Refresh with the cookie.
    let refresh_cookie = cookie.split(';').next().unwrap().to_string();
    let refresh = |c: String| {
        request("POST", "/api/v1/auth/refresh")
            .header(header::COOKIE, c)
            .body(Body::empty())
            .unwrap()
    };
    let r = send(&app, refresh(refresh_cookie.clone()), "192.0.2.44").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.body["accessToken"].is_string());

    // Sign out revokes: the refresh token no longer works, and the cookie is cleared.
    let out = send(
        &app,
        bearer(request("POST", "/api/v1/auth/sign-out"), &token)
            .body(Body::empty())
            .unwrap(),
        "192.0.2.44",
    )
    .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT, "{}", out.text);
    assert!(out
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    let r = send(&app, refresh(refresh_cookie), "192.0.2.44").await;
    assert_problem(&r, 401);

    // The user's own activity lists sign-up, sign-in and sign-out, newest first.
    let token = sign_in(&app, "ops@contoso.example", "Sturdy-Passw0rd", "192.0.2.44")
        .await
        .body["accessToken"]
        .as_str()
        .unwrap()
        .to_string();
    let activity = get(&app, "/api/v1/me/activity?limit=2", &token, "192.0.2.44").await;
    assert_eq!(activity.status, StatusCode::OK, "{}", activity.text);
    let actions: Vec<_> = activity.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["action"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(actions, ["auth.signIn", "auth.signOut"]);
    let cursor = activity.body["nextCursor"].as_str().unwrap();
    let rest = get(
        &app,
        &format!("/api/v1/me/activity?cursor={cursor}"),
        &token,
        "192.0.2.44",
    )
    .await;
    let actions: Vec<_> = rest.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["action"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(actions, ["auth.signIn", "partner.signUp"]);
    let csv = send(
        &app,
        bearer(request("GET", "/api/v1/me/activity"), &token)
            .header(header::ACCEPT, "text/csv")
            .body(Body::empty())
            .unwrap(),
        "192.0.2.44",
    )
    .await;
    assert!(
        csv.text
            .starts_with("Time,User,Action,Target,Outcome,Reason,Source IP\r\n"),
        "{}",
        csv.text
    );
    assert_eq!(csv.text.lines().count(), 5);
}

#[tokio::test]
async fn failed_sign_ins_are_401_and_audited() {
    let (stack, app) = setup().await;
    sign_up(&app, "audit@example.com", "Audited Ltd").await;
    let wrong = sign_in(&app, "audit@example.com", "Wrong-Passw0rd", "192.0.2.1").await;
    assert_problem(&wrong, 401);
    let unknown = sign_in(&app, "nobody@example.com", "Wrong-Passw0rd", "192.0.2.2").await;
    assert_problem(&unknown, 401);
    // The same answer either way: no account enumeration.
    assert_eq!(wrong.body["detail"], unknown.body["detail"]);

    let records = stack.items_of("AuditRecord").await;
    let failures: Vec<_> = records
        .iter()
        .filter(|r| r["outcome"].as_s().unwrap() == "failure")
        .map(|r| {
            (
                r["actorEmail"].as_s().unwrap().clone(),
                r["sourceIp"].as_s().unwrap().clone(),
                r["pk"].as_s().unwrap().starts_with("PARTNER#"),
            )
        })
        .collect();
    // A wrong password proves nothing about who sent it: kept apart from the partner's
    // trail, as an unknown email is.
    assert!(
        failures.contains(&("audit@example.com".into(), "192.0.2.1".into(), false)),
        "{failures:?}"
    );
    assert!(
        failures.contains(&("nobody@example.com".into(), "192.0.2.2".into(), false)),
        "{failures:?}"
    );
}

#[tokio::test]
async fn sign_in_and_sign_up_are_rate_limited_per_ip_and_per_email() {
    let stack = testkit::stack_with(testkit::Options {
        limits: adapters::config::Limit {
            limit: 2,
            window: Duration::from_secs(3600),
        },
        ..testkit::Options::default()
    })
    .await;
    let app = auth::app(stack.function("auth"));
    sign_up(&app, "limited@example.com", "Limited").await;
    // Per email: different IPs, same email.
    for ip in ["192.0.2.10", "192.0.2.11"] {
        assert_problem(
            &sign_in(&app, "limited@example.com", "Wrong-Passw0rd", ip).await,
            401,
        );
    }
    let limited = sign_in(&app, "limited@example.com", "Sturdy-Passw0rd", "192.0.2.12").await;
    assert_problem(&limited, 429);
    let retry: u64 = limited
        .headers
        .get(header::RETRY_AFTER)
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=3600).contains(&retry));
    // More refusals in the same window add no audit records beyond the first.
    assert_problem(
        &sign_in(&app, "limited@example.com", "Sturdy-Passw0rd", "192.0.2.13").await,
        429,
    );
    let refusals = stack
        .items_json()
        .await
        .into_iter()
        .filter(|i| i["reason"] == "too many attempts")
        .count();
    assert_eq!(refusals, 1);
    // Per IP: same IP, different emails (the second sign-up above used one IP already).
    let a = sign_up(&app, "other@example.com", "Other").await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    assert_problem(&sign_up(&app, "third@example.com", "Third").await, 429);
    assert_eq!(stack.items_of("Partner").await.len(), 2);
}

#[tokio::test]
async fn missing_forged_and_foreign_tokens_are_401() {
    let (stack, app) = setup().await;
    sign_up(&app, "tokens@example.com", "Tokens Inc").await;
    let token = sign_in(&app, "tokens@example.com", "Sturdy-Passw0rd", "192.0.2.5")
        .await
        .body["accessToken"]
        .as_str()
        .unwrap()
        .to_string();

    let me = |t: Option<String>| {
        let mut r = request("GET", "/api/v1/me");
        if let Some(t) = t {
            r = r.header(header::AUTHORIZATION, t);
        }
        r.body(Body::empty()).unwrap()
    };
    assert_problem(&send(&app, me(None), "192.0.2.5").await, 401);
    assert_problem(
        &send(&app, me(Some("Bearer not-a-jwt".into())), "192.0.2.5").await,
        401,
    );
    assert_problem(
        &send(&app, me(Some(format!("Basic {token}"))), "192.0.2.5").await,
        401,
    );

    // Tampered: another username in the payload, the original signature.
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
    let parts: Vec<&str> = token.split('.').collect();
    let mut claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    claims["username"] =
        json!("ptn_00000000000000000000000000000000.usr_00000000000000000000000000000000");
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        parts[2]
    );
    let a = send(&app, me(Some(format!("Bearer {forged}"))), "192.0.2.5").await;
    assert_problem(&a, 401);

    // A genuine token of another user pool (another issuer) is refused too.
    let other = testkit::stack().await;
    let other_app = auth::app(other.function("auth"));
    sign_up(&other_app, "elsewhere@example.com", "Elsewhere").await;
    let foreign = sign_in(
        &other_app,
        "elsewhere@example.com",
        "Sturdy-Passw0rd",
        "192.0.2.6",
    )
    .await
    .body["accessToken"]
        .as_str()
        .unwrap()
        .to_string();
    assert_problem(
        &send(&app, me(Some(format!("Bearer {foreign}"))), "192.0.2.5").await,
        401,
    );
    drop(stack);
}

#[tokio::test]
async fn an_idempotent_retry_replays_and_a_changed_body_is_refused() {
    let (stack, app) = setup().await;
    let post = |body: &Value| keyed_sign_up("signup-7f3a", body);
    let body = sign_up_body("idem@example.com", "Idempotent Co");
    let first = send(&app, post(&body), "192.0.2.70").await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let retry = send(&app, post(&body), "192.0.2.70").await;
    assert_eq!(retry.status, StatusCode::CREATED);
    assert_eq!(retry.body, first.body);
    assert_eq!(retry.headers.get("idempotent-replayed").unwrap(), "true");
    assert_eq!(stack.items_of("Partner").await.len(), 1);

    let changed = send(
        &app,
        post(&sign_up_body("idem@example.com", "Other Co")),
        "192.0.2.70",
    )
    .await;
    assert_problem(&changed, 422);
    assert_eq!(changed.body["errors"][0]["field"], "Idempotency-Key");
    assert_eq!(stack.items_of("Partner").await.len(), 1);
}

#[tokio::test]
async fn unknown_paths_and_methods_are_problems() {
    let (_stack, app) = setup().await;
    assert_problem(
        &send(
            &app,
            request("GET", "/api/v1/nothing")
                .body(Body::empty())
                .unwrap(),
            "192.0.2.8",
        )
        .await,
        404,
    );
    assert_problem(
        &send(
            &app,
            request("DELETE", "/api/v1/me").body(Body::empty()).unwrap(),
            "192.0.2.8",
        )
        .await,
        405,
    );
}

#[tokio::test]
async fn behind_api_gateway_the_authorizers_claims_identify_the_caller() {
    let (stack, app) = setup().await;
    let account = sign_up(&app, "gateway@example.com", "Gateway Partners").await;
    let username = format!(
        "{}.{}",
        account.body["partner"]["id"].as_str().unwrap(),
        account.body["user"]["id"].as_str().unwrap()
    );
    // The sample event, as API Gateway delivers it after its JWT authorizer.
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../events/auth/me-authorized.json"
    );
    let mut event: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let claims = &mut event["requestContext"]["authorizer"]["jwt"]["claims"];
    claims["username"] = json!(username);
    claims["client_id"] = json!(stack.state.config.user_pool_client_id);
    let me = invoke(&app, &event).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text);
    assert_eq!(me.body["partner"]["company"]["name"], "Gateway Partners");

    // Claims for another app client are not accepted.
    event["requestContext"]["authorizer"]["jwt"]["claims"]["client_id"] = json!("another-client");
    assert_problem(&invoke(&app, &event).await, 401);
}

/// Sends an API Gateway event through the router, as lambda_http does in Lambda.
async fn invoke(app: &Router, event: &Value) -> Answer {
    let request = lambda_http::request::from_str(&event.to_string()).unwrap();
    answer(app, request.map(|b| Body::from(b.to_vec()))).await
}

#[tokio::test]
async fn an_expired_token_is_401_and_writes_nothing() {
    use adapters::identity::TokenVerifier;
    use testkit::tokens;
    let signer = tokens::Signer::generate("pool-key");
    let stack = testkit::stack_with(testkit::Options {
        verifier: Some(TokenVerifier::with_keys(
            signer.jwks(),
            tokens::ISSUER.into(),
            tokens::CLIENT.into(),
        )),
        ..testkit::Options::default()
    })
    .await;
    let app = auth::app(stack.function("auth"));
    let account = sign_up(&app, "expiry@example.com", "Expiry Ltd").await;
    let mut claims = tokens::claims(600);
    claims["username"] = json!(format!(
        "{}.{}",
        account.body["partner"]["id"].as_str().unwrap(),
        account.body["user"]["id"].as_str().unwrap()
    ));
    let call = |method: &str, path: &str, token: &str| {
        bearer(request(method, path), token)
            .body(Body::empty())
            .unwrap()
    };

    // A current token from the same key works, so the refusal below is the expiry.
    let fresh = signer.sign(&claims);
    assert_eq!(
        send(&app, call("GET", "/api/v1/me", &fresh), "192.0.2.9")
            .await
            .status,
        StatusCode::OK
    );

    claims["exp"] = json!(chrono::Utc::now().timestamp() - 60);
    let expired = signer.sign(&claims);
    let before = stack.items().await.len();
    let me = send(&app, call("GET", "/api/v1/me", &expired), "192.0.2.9").await;
    assert_problem(&me, 401);
    assert_eq!(me.body["detail"], "The access token has expired.");
    let out = send(
        &app,
        call("POST", "/api/v1/auth/sign-out", &expired),
        "192.0.2.9",
    )
    .await;
    assert_problem(&out, 401);
    assert_eq!(
        stack.items().await.len(),
        before,
        "a refused request wrote to the table"
    );
}

#[tokio::test]
async fn a_refused_create_with_an_idempotency_key_writes_nothing_and_frees_the_key() {
    let (stack, app) = setup().await;
    let post = |body: &Value| keyed_sign_up("retry-after-fixing", body);
    let mut bad = sign_up_body("fixme@example.com", "Fix Me Ltd");
    bad["company"]["country"] = json!("ZZ");
    assert_problem(&send(&app, post(&bad), "192.0.2.80").await, 422);
    let left = stack.items_json().await;
    assert!(left.is_empty(), "a refused create left items: {left:?}");
    // The corrected request may reuse the key.
    let good = send(
        &app,
        post(&sign_up_body("fixme@example.com", "Fix Me Ltd")),
        "192.0.2.80",
    )
    .await;
    assert_eq!(good.status, StatusCode::CREATED, "{}", good.text);
}

#[tokio::test]
async fn a_claim_left_by_a_request_that_died_is_taken_over() {
    let (stack, app) = setup().await;
    let now = chrono::Utc::now().timestamp();
    // A request claimed the key long ago and never stored its response.
    stack
        .state
        .table
        .claim_idempotency_key(
            "anonymous#192.0.2.90",
            "dead-key",
            "some-hash",
            now - 600,
            now + 3600,
        )
        .await
        .unwrap();
    let retry = keyed_sign_up("dead-key", &sign_up_body("revived@example.com", "Revived"));
    let a = send(&app, retry, "192.0.2.90").await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    // A fresh claim is not taken over: a concurrent retry is told to wait.
    stack
        .state
        .table
        .claim_idempotency_key(
            "anonymous#192.0.2.91",
            "live-key",
            "other-hash",
            now,
            now + 3600,
        )
        .await
        .unwrap();
    let concurrent = keyed_sign_up("live-key", &sign_up_body("second@example.com", "Second"));
    let b = send(&app, concurrent, "192.0.2.91").await;
    assert_problem(&b, 422);
    assert_eq!(b.body["errors"][0]["field"], "Idempotency-Key");
}

#[tokio::test]
async fn bad_query_parameters_and_tampered_cursors_are_422() {
    let (_stack, app) = setup().await;
    sign_up(&app, "lists@example.com", "Lists Ltd").await;
    let token = sign_in(&app, "lists@example.com", "Sturdy-Passw0rd", "192.0.2.30")
        .await
        .body["accessToken"]
        .as_str()
        .unwrap()
        .to_string();
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
    let partial = URL_SAFE_NO_PAD.encode(r#"{"gsi1pk":"AUDITUSER#x#y"}"#);
    for query in [
        "limit=abc".to_string(),
        "limit=99999999999".to_string(),
        "limit=0".to_string(),
        "_=1".to_string(),
        "cursor=not-a-cursor".to_string(),
        format!("cursor={partial}"),
    ] {
        let a = get(
            &app,
            &format!("/api/v1/me/activity?{query}"),
            &token,
            "192.0.2.30",
        )
        .await;
        assert_problem(&a, 422);
    }
}

/// Turns two-step verification on for the token's user (setup, then the app's current
/// code); answers the app's secret.
async fn enrol(app: &Router, token: &str) -> String {
    let setup = call(
        app,
        "POST",
        "/api/v1/me/mfa/setup",
        token,
        None,
        "192.0.2.30",
    )
    .await;
    assert_eq!(setup.status, StatusCode::OK, "{}", setup.text);
    let secret = setup.body["secretCode"].as_str().unwrap().to_string();
    let code = testkit::totp_now(&secret).await;
    let verified = call(
        app,
        "POST",
        "/api/v1/me/mfa/verify",
        token,
        Some(&json!({"code": code})),
        "192.0.2.30",
    )
    .await;
    assert_eq!(verified.status, StatusCode::NO_CONTENT, "{}", verified.text);
    secret
}

/// The failed sign-in records naming `email`, with their reason and whether they are in a
/// partner's trail.
async fn failed_sign_ins(stack: &TestStack, email: &str) -> Vec<(String, bool)> {
    stack
        .items_of("AuditRecord")
        .await
        .iter()
        .filter(|r| r["outcome"].as_s().unwrap() == "failure")
        .filter(|r| r["actorEmail"].as_s().unwrap() == email)
        .map(|r| {
            (
                r.get("reason")
                    .and_then(|v| v.as_s().ok())
                    .cloned()
                    .unwrap_or_default(),
                r["pk"].as_s().unwrap().starts_with("PARTNER#"),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_second_step_turned_off_at_the_identity_provider_is_still_required() {
    let (stack, app) = setup().await;
    let email = "two-step@example.com";
    let (_, token) = partner_session(&app, email, "Two Step Ltd").await;
    let secret = enrol(&app, &token).await;

    // With their own access token, the user turns TOTP off at Cognito, outside the
    // console: Cognito then completes a sign-in with the password alone.
    stack.turn_off_own_totp(&token).await;
    let refused = sign_in(&app, email, PASSWORD, "192.0.2.31").await;
    assert_problem(&refused, 403);
    assert_eq!(refused.body["type"], "/problems/mfa-skipped");
    assert!(
        refused.body.get("accessToken").is_none(),
        "{}",
        refused.text
    );
    assert!(refused.headers.get(header::SET_COOKIE).is_none());
    assert!(refused.body["detail"]
        .as_str()
        .unwrap()
        .contains("sign in again"));
    assert!(
        failed_sign_ins(&stack, email)
            .await
            .contains(&("second step skipped".into(), true)),
        "audited in the partner's trail"
    );
    // Cognito's tokens for the user were revoked: the one used outside the console too.
    let revoked = call(
        &app,
        "POST",
        "/api/v1/me/mfa/setup",
        &token,
        None,
        "192.0.2.31",
    )
    .await;
    assert_problem(&revoked, 401);

    // The second step is back on: the next sign-in asks for the code and passes with it.
    let next = sign_in(&app, email, PASSWORD, "192.0.2.31").await;
    assert_problem(&next, 401);
    assert_eq!(next.body["type"], "/problems/mfa-required");
    let code = testkit::totp_now(&secret).await;
    let done = send(
        &app,
        json_post(
            "/api/v1/auth/sign-in/mfa",
            &json!({"email": email, "session": next.body["challenge"], "code": code}),
        ),
        "192.0.2.31",
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
}

#[tokio::test]
async fn a_partner_managed_customers_admin_learns_nothing_without_the_password() {
    let w = crate::world::World::new().await;
    let partner = w.partner("owner@oracle.example", "Oracle MSP").await;
    let email = "it@hidden-co.example";
    w.add_customer(
        &partner,
        &crate::world::trial_form("Hidden Co", email, "partnerManaged", "shared"),
    )
    .await;
    let secret = w.stack.link_secret(email).expect("a welcome link");
    let set = send(
        &w.portal,
        json_post(
            "/api/v1/welcome/set-password",
            &json!({"token": secret, "password": "Customer-Passw0rd"}),
        ),
        "192.0.2.40",
    )
    .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.text);

    // A wrong password gets the answer any wrong password gets.
    let wrong = sign_in(&w.auth, email, "Wrong-Passw0rd1", "192.0.2.41").await;
    let unknown = sign_in(
        &w.auth,
        "nobody@hidden-co.example",
        "Wrong-Passw0rd1",
        "192.0.2.41",
    )
    .await;
    assert_problem(&wrong, 401);
    assert_eq!(wrong.body, unknown.body);
    // Only the right password learns why the account cannot be signed in to, and gets no
    // session.
    let right = sign_in(&w.auth, email, "Customer-Passw0rd", "192.0.2.41").await;
    assert_problem(&right, 403);
    assert_eq!(right.body["type"], "/problems/partner-managed");
    assert!(right.headers.get(header::SET_COOKIE).is_none());
    let reasons: Vec<String> = failed_sign_ins(&w.stack, email)
        .await
        .into_iter()
        .map(|(reason, _)| reason)
        .collect();
    assert!(
        reasons.contains(&"incorrect password".to_string()),
        "{reasons:?}"
    );
    assert!(
        reasons.contains(&"partner-managed account".to_string()),
        "{reasons:?}"
    );
}

#[tokio::test]
async fn attempts_that_prove_no_credential_stay_out_of_the_partners_trail() {
    let w = crate::world::World::new().await;
    let (account, admin) = w.partner_account("owner@trail.example", "Trail MSP").await;
    let partner = account["partner"]["id"].as_str().unwrap().to_string();
    let created = call(
        &w.users,
        "POST",
        "/api/v1/api-clients",
        &admin,
        Some(&json!({"name": "PSA sync", "role": "administrator"})),
        "192.0.2.50",
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let client = created.body["clientId"].as_str().unwrap().to_string();
    let secret = created.body["clientSecret"].as_str().unwrap().to_string();
    let trail = || async {
        w.stack
            .items_of("AuditRecord")
            .await
            .into_iter()
            .filter(|r| r["pk"].as_s().unwrap() == &format!("PARTNER#{partner}"))
            .count()
    };
    let token = |id: &str, secret: &str| {
        json_post(
            "/api/v1/auth/token",
            &json!({"grant_type": "client_credentials", "client_id": id, "client_secret": secret}),
        )
    };
    let before = trail().await;

    // Anyone can send these: a made-up client of the partner, a real client's id with a
    // wrong secret, a wrong password for a real user.
    let made_up = format!("{partner}.{}", domain::UserId::generate());
    for (id, s) in [
        (made_up.as_str(), "Wrong-secret-1"),
        (client.as_str(), "Wrong-secret-2"),
    ] {
        let refused = send(&w.auth, token(id, s), "192.0.2.51").await;
        assert_problem(&refused, 401);
        assert_eq!(refused.body["type"], "/problems/invalid-client");
    }
    assert_problem(
        &sign_in(
            &w.auth,
            "owner@trail.example",
            "Wrong-Passw0rd1",
            "192.0.2.51",
        )
        .await,
        401,
    );
    assert_eq!(
        trail().await,
        before,
        "nothing added to the partner's trail"
    );
    // They are kept apart, for operators.
    let apart: Vec<String> = w
        .stack
        .items_of("AuditRecord")
        .await
        .iter()
        .filter(|r| r["pk"].as_s().unwrap().starts_with("AUDIT#UNATTRIBUTED#"))
        .map(|r| r["reason"].as_s().unwrap().clone())
        .collect();
    for reason in [
        "not an API client",
        "incorrect secret",
        "incorrect password",
    ] {
        assert!(apart.iter().any(|r| r == reason), "{reason}: {apart:?}");
    }

    // The right secret is the client's own act, in its partner's trail.
    let ok = send(&w.auth, token(&client, &secret), "192.0.2.51").await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    assert_eq!(trail().await, before + 1);
}

/// In Lambda (active tracing) each invocation has an X-Ray trace id; every JSON line of
/// the request carries it beside the request id, down to the handler's own lines, so a
/// trace in X-Ray leads to its logs and back.
#[tokio::test]
async fn every_log_line_of_a_request_carries_its_x_ray_trace_id() {
    let (_stack, app) = setup().await;
    let lines = KeptLines::default();
    let writer = lines.clone();
    let subscriber =
        api::telemetry::json_subscriber(tracing::Level::INFO.into(), move || writer.clone());
    let mut context = lambda_http::Context::default();
    context.request_id = "8f1c2d3e-0000-4000-8000-00000000abcd".into();
    context.xray_trace_id = Some(TRACE.into());
    let mut req = json_post(
        "/api/v1/auth/sign-up",
        &sign_up_body("traced@northwind.example", "Northwind Security"),
    );
    req.extensions_mut().insert(context);
    // The test's own thread (tokio's current-thread runtime) logs to `lines` meanwhile.
    let answer = {
        let _guard = tracing::subscriber::set_default(subscriber);
        send(&app, req, "198.51.100.7").await
    };
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text);

    let logged = lines.json();
    let line = |message: &str| {
        logged
            .iter()
            .find(|l| l["message"] == message)
            .unwrap_or_else(|| panic!("no {message:?} line in {}", lines.text()))
    };
    // Logged by the sign-up handler, deep inside the request.
    let deep = line("partner signed up");
    assert_eq!(deep["span"]["trace_id"], TRACE, "{deep}");
    assert_eq!(
        deep["span"]["request_id"],
        "8f1c2d3e-0000-4000-8000-00000000abcd"
    );
    assert!(deep["partner"]
        .as_str()
        .is_some_and(|p| p.starts_with("ptn_")));
    assert_eq!(line("request finished")["span"]["trace_id"], TRACE);
    // Every line of the request, not only these two.
    for l in logged.iter().filter(|l| l["span"]["name"] == "request") {
        assert_eq!(l["span"]["trace_id"], TRACE, "{l}");
    }
}

const TRACE: &str = "Root=1-6751d2c0-5b1f3c8e9a0d4e7f6a2b9c10;Parent=53995c3f42cd8ad8;Sampled=1";

/// Without a trace id (locally, or with tracing off) the field is left out, not empty.
#[tokio::test]
async fn a_request_without_a_trace_id_logs_no_trace_id_field() {
    let (_stack, app) = setup().await;
    let lines = KeptLines::default();
    let writer = lines.clone();
    let subscriber =
        api::telemetry::json_subscriber(tracing::Level::INFO.into(), move || writer.clone());
    let answer = {
        let _guard = tracing::subscriber::set_default(subscriber);
        send(
            &app,
            json_post(
                "/api/v1/auth/sign-in",
                &json!({"email": "nobody@example.com", "password": "x"}),
            ),
            "198.51.100.8",
        )
        .await
    };
    assert!(answer.status.is_client_error(), "{}", answer.text);
    let finished = lines
        .json()
        .into_iter()
        .find(|l| l["message"] == "request finished")
        .expect("a request finished line");
    assert!(finished["span"]["request_id"].is_string(), "{finished}");
    assert!(finished["span"].get("trace_id").is_none(), "{finished}");
}

/// The workers (report worker, notifier, scheduler) open this span around each
/// invocation: their lines carry the invocation's request id and trace id too, and no
/// empty trace id without one.
#[test]
fn a_worker_invocations_lines_carry_its_request_id_and_trace_id() {
    let logged_in = |context: lambda_http::Context| {
        let lines = KeptLines::default();
        let writer = lines.clone();
        let subscriber =
            api::telemetry::json_subscriber(tracing::Level::INFO.into(), move || writer.clone());
        tracing::subscriber::with_default(subscriber, || {
            let _entered = api::telemetry::invocation_span(&context).entered();
            tracing::info!(alert = "alr_1", "alert notified");
        });
        lines.json().remove(0)
    };
    let mut context = lambda_http::Context::default();
    context.request_id = "0d9f6a3e-1111-4222-8333-444455556666".into();
    let untraced = logged_in(context.clone());
    assert_eq!(untraced["span"]["request_id"], context.request_id.as_str());
    assert!(untraced["span"].get("trace_id").is_none(), "{untraced}");

    context.xray_trace_id = Some(TRACE.into());
    let line = logged_in(context.clone());
    assert_eq!(line["message"], "alert notified");
    assert_eq!(line["alert"], "alr_1");
    assert_eq!(line["span"]["request_id"], context.request_id.as_str());
    assert_eq!(line["span"]["trace_id"], TRACE);
}
