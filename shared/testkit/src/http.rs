//! Driving a function's router in tests as API Gateway would: requests with a source IP
//! in the request context, answers read whole, and the sign-up and sign-in every test of
//! a signed-in endpoint starts with.

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
    Router,
};
use http_body_util::BodyExt;
use lambda_http::request::RequestContext;
use serde_json::{json, Value};
use tower::ServiceExt;

/// A response, read whole.
pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Value,
    pub text: String,
}

pub fn context(ip: &str) -> RequestContext {
    let mut c = lambda_http::aws_lambda_events::apigw::ApiGatewayV2httpRequestContext::default();
    c.http.source_ip = Some(ip.to_string());
    RequestContext::ApiGatewayV2(c)
}

pub fn request(method: &str, path: &str) -> axum::http::request::Builder {
    Request::builder().method(method).uri(path)
}

pub async fn send(app: &Router, mut req: Request<Body>, ip: &str) -> Answer {
    req.extensions_mut().insert(context(ip));
    answer(app, req).await
}

pub async fn answer(app: &Router, req: Request<Body>) -> Answer {
    let response = app.clone().oneshot(req).await.expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    Answer {
        status,
        headers,
        body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        text,
    }
}

pub fn json_post(path: &str, body: &Value) -> Request<Body> {
    request("POST", path)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

pub fn sign_up_body(email: &str, company: &str) -> Value {
    json!({
        "email": email,
        "password": "Sturdy-Passw0rd",
        "company": {
            "name": company,
            "address1": "1 Harbour Road",
            "city": "Leeds",
            "postalCode": "LS1 4AP",
            "country": "GB",
            "phone": "+44 113 496 0000"
        },
        "contact": {
            "firstName": "Ann",
            "lastName": "Lee",
            "email": "ann.lee@northwind.example",
            "phone": "+44 113 496 0001"
        },
        "acceptTerms": true
    })
}

pub async fn sign_up(app: &Router, email: &str, company: &str) -> Answer {
    send(
        app,
        json_post("/api/v1/auth/sign-up", &sign_up_body(email, company)),
        "198.51.100.7",
    )
    .await
}

pub async fn sign_in(app: &Router, email: &str, password: &str, ip: &str) -> Answer {
    send(
        app,
        json_post(
            "/api/v1/auth/sign-in",
            &json!({"email": email, "password": password}),
        ),
        ip,
    )
    .await
}

pub fn bearer(req: axum::http::request::Builder, token: &str) -> axum::http::request::Builder {
    req.header(header::AUTHORIZATION, format!("Bearer {token}"))
}

pub fn assert_problem(a: &Answer, status: u16) {
    assert_eq!(a.status.as_u16(), status, "body: {}", a.text);
    assert_eq!(
        a.headers.get(header::CONTENT_TYPE).unwrap(),
        "application/problem+json",
        "{}",
        a.text
    );
    assert_eq!(a.body["status"], status);
    assert!(a.body["title"].is_string());
}

/// The sign-up form's password in every test account.
pub const PASSWORD: &str = "Sturdy-Passw0rd";

/// Signs a partner up and in through `auth` (the auth function's router); returns the
/// sign-up's answer body and an access token. Its email is not confirmed yet, so the
/// console sends no email for it: `TestStack::confirmed_partner` confirms it too.
pub async fn partner_session(auth: &Router, email: &str, company: &str) -> (Value, String) {
    let account = sign_up(auth, email, company).await;
    assert_eq!(account.status, StatusCode::CREATED, "{}", account.text);
    let session = sign_in(auth, email, PASSWORD, "192.0.2.200").await;
    assert_eq!(session.status, StatusCode::OK, "{}", session.text);
    let token = session.body["accessToken"]
        .as_str()
        .expect("a token")
        .to_string();
    (account.body, token)
}

/// A GET with a bearer token, from `ip`.
pub async fn get(app: &Router, path: &str, token: &str, ip: &str) -> Answer {
    let req = bearer(request("GET", path), token)
        .body(Body::empty())
        .expect("a request");
    send(app, req, ip).await
}

/// Any request with a bearer token and an optional JSON body, from `ip`.
pub async fn call(
    app: &Router,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&Value>,
    ip: &str,
) -> Answer {
    let req = bearer(request(method, path), token);
    let req = match body {
        Some(b) => req
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(b.to_string())),
        None => req.body(Body::empty()),
    }
    .expect("a request");
    send(app, req, ip).await
}

/// An add-customer form with a fixed company address and contact: `name`, the admin's
/// `email`, `country`, `management` and `communications` as given, and `products` (the
/// JSON list of product lines).
pub fn customer_body(
    name: &str,
    email: &str,
    country: &str,
    management: &str,
    communications: &str,
    products: Value,
) -> Value {
    json!({
        "management": management,
        "communications": communications,
        "company": {
            "name": name,
            "address1": "4 Mill Lane",
            "city": "York",
            "postalCode": "YO1 7HH",
            "country": country,
            "phone": "+44 1904 000000"
        },
        "contact": {
            "firstName": "Dee",
            "lastName": "Okafor",
            "email": email,
            "phone": "+44 1904 000001",
            "language": "en",
            "timeZone": "UTC",
            "daylightSaving": true
        },
        "products": products
    })
}
