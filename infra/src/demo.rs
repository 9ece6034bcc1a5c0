//! Demo data for `make run`: a partner to sign in as, created through the same sign-up
//! endpoint a browser uses.

use axum::{body::Body, http::Request};
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;

pub const EMAIL: &str = "demo@partner-console.local";
/// Only ever used against the local stack.
pub const PASSWORD: &str = "Partner-Console-2026";

/// Signs the demo partner up unless it exists. Returns whether it was created.
pub async fn seed() -> anyhow::Result<bool> {
    let state = shared::services::Services::from_env().await?;
    let app = auth::app(state);
    let body = json!({
        "email": EMAIL,
        "password": PASSWORD,
        "company": {
            "name": "Demo Managed Services",
            "address1": "100 Example Street",
            "city": "Springfield",
            "state": "IL",
            "postalCode": "62701",
            "country": "US",
            "phone": "+1 217 555 0100",
            "website": "https://demo-msp.example"
        },
        "contact": {
            "firstName": "Dana",
            "lastName": "Demo",
            "email": EMAIL,
            "phone": "+1 217 555 0101",
            "jobTitle": "Owner"
        },
        "acceptTerms": true
    });
    let request = Request::post("/api/v1/auth/sign-up")
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))?;
    let response = app.oneshot(request).await?;
    let status = response.status();
    let text = response.into_body().collect().await?.to_bytes();
    match status.as_u16() {
        201 => Ok(true),
        409 => Ok(false),
        _ => anyhow::bail!(
            "demo sign-up answered {status}: {}",
            String::from_utf8_lossy(&text)
        ),
    }
}
