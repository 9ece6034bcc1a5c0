//! Facts about the request itself that handlers need.

use axum::{extract::FromRequestParts, http::request::Parts};
use lambda_http::request::RequestContext;

/// The caller's IP address as API Gateway saw it; never taken from a client header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceIp(pub String);

impl<S: Send + Sync> FromRequestParts<S> for SourceIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let ip = match parts.extensions.get::<RequestContext>() {
            Some(RequestContext::ApiGatewayV2(c)) => c.http.source_ip.clone(),
            Some(RequestContext::ApiGatewayV1(c)) => c.identity.source_ip.clone(),
            _ => None,
        };
        Ok(SourceIp(ip.unwrap_or_else(|| "unknown".into())))
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
