//! Requests refused before any handler code runs (the shared layers of `api::finish`, the
//! JSON body extractor, the idempotency layer) answer problem+json with a 4xx, on every
//! route, as every other error does: never plain text and never a 500.

use axum::{
    body::Body,
    http::{header, StatusCode},
};
use serde_json::Value;
use testkit::http::*;

crate::world::module_world!();

const IP: &str = "192.0.2.90";

fn assert_problem_4xx(a: &Answer, what: &str) {
    assert!(
        a.status.is_client_error(),
        "{what}: {} {}",
        a.status,
        a.text
    );
    assert_eq!(
        a.headers.get(header::CONTENT_TYPE).unwrap(),
        "application/problem+json",
        "{what}: {}",
        a.text
    );
    assert_eq!(a.body["status"], a.status.as_u16(), "{what}");
}

/// A concrete path for a documented one: each `{parameter}` gets a value that names nothing.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|part| if part.starts_with('{') { "x" } else { part })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn a_json_body_that_is_not_utf8_is_a_4xx_problem_on_every_route_that_reads_json() {
    let w = world().await;
    let (_, token) = w
        .partner_account("bytes@partner.example", "Bytes Ltd")
        .await;
    let doc = serde_json::to_value(infra::openapi()).unwrap();
    let mut tried = 0;
    for (function, part) in infra::functions() {
        let app = infra::app(function, w.stack.state.clone()).unwrap();
        for path in part.paths.paths.keys() {
            for method in ["post", "put", "patch"] {
                let operation: &Value = &doc["paths"][path][method];
                if operation["requestBody"]["content"]["application/json"].is_null() {
                    continue;
                }
                // Bytes FF FE: a UTF-16 byte order mark, never the start of UTF-8 text.
                let req = bearer(request(&method.to_uppercase(), &concrete(path)), &token)
                    .header(header::CONTENT_TYPE, "application/json")
                    .header("idempotency-key", "not-utf8-body")
                    .body(Body::from(vec![0xFF, 0xFE, b'{', b'}']))
                    .unwrap();
                let a = send(&app, req, IP).await;
                assert_problem_4xx(&a, &format!("{method} {path}"));
                tried += 1;
            }
        }
    }
    assert!(tried > 30, "only {tried} routes read JSON");
}

#[tokio::test]
async fn a_path_segment_that_is_not_utf8_is_a_problem_not_plain_text() {
    let w = world().await;
    let (_, token) = w.partner_account("path@partner.example", "Path Ltd").await;
    let a = get(&w.users, "/api/v1/users/%FF%FE", &token, IP).await;
    assert_problem_4xx(&a, "GET /api/v1/users/%FF%FE");
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_raw_body_over_the_limit_is_a_413_problem() {
    let w = world().await;
    let body = vec![b' '; api::MAX_BODY_BYTES + 1];
    let req = request(
        "POST",
        "/api/v1/ingest/cus_00000000000000000000000000000000/events",
    )
    .header(header::CONTENT_TYPE, "application/json")
    .header(header::AUTHORIZATION, "Bearer pcik_unknown")
    .body(Body::from(body))
    .unwrap();
    let a = send(&w.ingest, req, IP).await;
    assert_problem_4xx(&a, "an ingestion batch over 1 MB");
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn a_method_a_path_does_not_serve_is_a_405_problem_with_allow() {
    let w = world().await;
    let req = request("DELETE", "/api/v1/me").body(Body::empty()).unwrap();
    let a = send(&w.auth, req, IP).await;
    assert_problem_4xx(&a, "DELETE /api/v1/me");
    assert_eq!(a.status, StatusCode::METHOD_NOT_ALLOWED);
    let allow = a
        .headers
        .get(header::ALLOW)
        .expect("Allow")
        .to_str()
        .unwrap();
    assert!(allow.contains("GET"), "{allow}");
}

#[tokio::test]
async fn a_create_without_a_token_is_a_401_whatever_its_idempotency_key() {
    let w = world().await;
    let req = request("POST", "/api/v1/customers")
        .header(header::CONTENT_TYPE, "application/json")
        .header("idempotency-key", "bad key with spaces")
        .body(Body::from("{}"))
        .unwrap();
    let a = send(&w.customers, req, IP).await;
    assert_problem_4xx(&a, "POST /api/v1/customers without a token");
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn where_cloudfront_adds_its_secret_a_request_without_it_reaches_no_handler() {
    let secret = "an-origin-secret-of-at-least-32-characters";
    let stack = testkit::stack_with(testkit::Options {
        origin_verify: Some(secret.into()),
        ..testkit::Options::default()
    })
    .await;
    let items = stack.items().await.len();
    for (function, part) in infra::functions() {
        let app = infra::app(function, stack.state.clone()).unwrap();
        let path = concrete(part.paths.paths.keys().next().unwrap());
        // Straight to the API's own domain: refused before any handler, whatever it is.
        let direct = send(&app, request("GET", &path).body(Body::empty()).unwrap(), IP).await;
        assert_problem_4xx(&direct, &format!("{function}: GET {path}"));
        assert_eq!(direct.status, StatusCode::FORBIDDEN, "{function}");
        let forged = request("GET", &path)
            .header(api::request::ORIGIN_VERIFY_HEADER, "a-guess")
            .body(Body::empty())
            .unwrap();
        assert_eq!(send(&app, forged, IP).await.status, StatusCode::FORBIDDEN);
        // Through CloudFront: the function's own answer.
        let edge = request("GET", &path)
            .header(api::request::ORIGIN_VERIFY_HEADER, secret)
            .body(Body::empty())
            .unwrap();
        assert_ne!(
            send(&app, edge, IP).await.status,
            StatusCode::FORBIDDEN,
            "{function}"
        );
    }
    assert_eq!(stack.items().await.len(), items, "nothing written");
}
