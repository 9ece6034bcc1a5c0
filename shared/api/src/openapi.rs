//! Pieces of the OpenAPI document every function's description shares.

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};

/// Declares the `bearer` security scheme: a Cognito access token.
pub struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// Declares the `ingestionKey` security scheme: a customer's telemetry ingestion key,
/// sent as a bearer token (or in `X-Ingestion-Key`).
pub struct IngestionKeyAuth;

impl utoipa::Modify for IngestionKeyAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut scheme = Http::new(HttpAuthScheme::Bearer);
        scheme.bearer_format = Some("ingestion key (pcik_…)".into());
        components.add_security_scheme("ingestionKey", SecurityScheme::Http(scheme));
    }
}
