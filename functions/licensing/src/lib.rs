//! The licensing function: the guide's "Activating a serial number". A reseller enters
//! its ExSP program serial, validates it, then activates it, and becomes an ExSP partner
//! that may provision paid subscriptions.

mod handlers;

use adapters::services::AppState;
use api::openapi::BearerAuth;
use axum::Router;
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(OpenApi)]
#[openapi(
    modifiers(&BearerAuth),
    tags((name = "licensing", description = "Programs and serial numbers"))
)]
pub struct ApiDoc;

/// The function's routes, each with its OpenAPI description, from the same handlers.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(handlers::validate_program_serial))
        .routes(routes!(handlers::activate_program_serial))
}

/// The function's part of the OpenAPI document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().split_for_parts().1
}

/// The complete service: routes with the shared layers and state.
pub fn app(state: AppState) -> Router {
    api::finish(routes().split_for_parts().0, state)
}
