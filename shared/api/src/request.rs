//! Facts about the request itself that handlers need.

use axum::{extract::FromRequestParts, http::request::Parts};
use lambda_http::request::RequestContext;

use adapters::services::AppState;

/// The caller's IP address. Behind the console's CloudFront distribution, API Gateway
/// sees CloudFront's address, so the viewer's comes in `x-viewer-ip` (set by a CloudFront
/// function), trusted only beside the `x-origin-verify` secret that CloudFront adds and
/// a direct caller cannot know. Otherwise it is API Gateway's `sourceIp`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceIp(pub String);

pub const VIEWER_IP_HEADER: &str = "x-viewer-ip";
pub const ORIGIN_VERIFY_HEADER: &str = "x-origin-verify";

/// Compares without an early exit, so timing does not reveal the secret.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether a request came through the console's CloudFront distribution: it carries the
/// origin secret. Where no secret is configured (local runs), every request counts.
pub fn through_the_edge(headers: &axum::http::HeaderMap, origin_secret: Option<&str>) -> bool {
    match origin_secret {
        None => true,
        Some(secret) => headers
            .get(ORIGIN_VERIFY_HEADER)
            .is_some_and(|given| same_secret(given.as_bytes(), secret.as_bytes())),
    }
}

/// Refuses, where an origin secret is configured, a request that did not come through
/// CloudFront (the API's own domain is public DNS): only the console's address, with its
/// security headers and throttles, reaches the functions.
pub async fn edge_only(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    if through_the_edge(request.headers(), state.config.origin_verify.as_deref()) {
        return next.run(request).await;
    }
    tracing::warn!("request without the origin secret refused");
    crate::Problem::forbidden("Use the console's address: this API is reached through it.")
        .into_response()
}

fn viewer_ip(parts: &Parts, origin_secret: Option<&str>) -> Option<String> {
    if origin_secret.is_none() || !through_the_edge(&parts.headers, origin_secret) {
        return None;
    }
    let ip: std::net::IpAddr = parts
        .headers
        .get(VIEWER_IP_HEADER)?
        .to_str()
        .ok()?
        .parse()
        .ok()?;
    Some(ip.to_string())
}

impl FromRequestParts<AppState> for SourceIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(ip) = viewer_ip(parts, state.config.origin_verify.as_deref()) {
            return Ok(SourceIp(ip));
        }
        let ip = match parts.extensions.get::<RequestContext>() {
            Some(RequestContext::ApiGatewayV2(c)) => c.http.source_ip.clone(),
            Some(RequestContext::ApiGatewayV1(c)) => c.identity.source_ip.clone(),
            _ => None,
        };
        Ok(SourceIp(ip.unwrap_or_else(|| "unknown".into())))
    }
}

/// When Lambda ends the invocation (its context's deadline), when the request came
/// through Lambda; `None` elsewhere (tests drive the router directly).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline(pub Option<std::time::SystemTime>);

impl<S: Send + Sync> FromRequestParts<S> for Deadline {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        use lambda_http::RequestExt;
        Ok(Deadline(
            parts
                .lambda_context_ref()
                .filter(|c| c.deadline > 0)
                .map(|c| c.deadline()),
        ))
    }
}

/// The authorizer's claims, when API Gateway verified the token before the function ran.
pub fn authorizer_claims(parts: &Parts) -> Option<&std::collections::HashMap<String, String>> {
    match parts.extensions.get::<RequestContext>() {
        Some(RequestContext::ApiGatewayV2(c)) => c
            .authorizer
            .as_ref()
            .and_then(|a| a.jwt.as_ref())
            .map(|j| &j.claims)
            .filter(|claims| !claims.is_empty()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(headers: &[(&str, &str)]) -> Parts {
        let mut b = axum::http::Request::builder();
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(()).unwrap().into_parts().0
    }

    #[test]
    fn only_requests_with_the_origin_secret_came_through_the_edge() {
        let secret = Some("s3cret-from-cloudfront");
        let edge = parts(&[(ORIGIN_VERIFY_HEADER, "s3cret-from-cloudfront")]);
        assert!(through_the_edge(&edge.headers, secret));
        for forged in [
            parts(&[(ORIGIN_VERIFY_HEADER, "s3cret-from-cloudfronT")]),
            parts(&[(ORIGIN_VERIFY_HEADER, "s3cret")]),
            parts(&[]),
        ] {
            assert!(!through_the_edge(&forged.headers, secret));
        }
        // Not configured (local runs): every request.
        assert!(through_the_edge(&parts(&[]).headers, None));
    }

    #[test]
    fn the_viewer_ip_is_trusted_only_with_the_origin_secret() {
        let secret = Some("s3cret-from-cloudfront");
        let through_cloudfront = parts(&[
            (ORIGIN_VERIFY_HEADER, "s3cret-from-cloudfront"),
            (VIEWER_IP_HEADER, "203.0.113.77"),
        ]);
        assert_eq!(
            viewer_ip(&through_cloudfront, secret).as_deref(),
            Some("203.0.113.77")
        );
        // Straight to API Gateway, with a made-up header: ignored.
        let forged = parts(&[
            (ORIGIN_VERIFY_HEADER, "guess"),
            (VIEWER_IP_HEADER, "203.0.113.77"),
        ]);
        assert_eq!(viewer_ip(&forged, secret), None);
        let no_secret = parts(&[(VIEWER_IP_HEADER, "203.0.113.77")]);
        assert_eq!(viewer_ip(&no_secret, secret), None);
        // Not configured (local runs): never trusted.
        assert_eq!(viewer_ip(&through_cloudfront, None), None);
        let garbage = parts(&[
            (ORIGIN_VERIFY_HEADER, "s3cret-from-cloudfront"),
            (VIEWER_IP_HEADER, "x; drop"),
        ]);
        assert_eq!(viewer_ip(&garbage, secret), None);
    }
}
