//! The portal function: the customer's side of the console. A customer admin follows a
//! welcome link to choose a password, follows a consent link to approve or deny a
//! partner's request, and uses a small portal (their account, products, partner contact,
//! unmanaged Mac access). Partners reach the same portal in a "Manage customer" session.

mod handlers;

use adapters::services::AppState;
use api::openapi::BearerAuth;
use axum::Router;
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

pub use handlers::DELEGATION_HEADER;

#[derive(OpenApi)]
#[openapi(
    modifiers(&BearerAuth),
    tags((name = "portal", description = "The customer's side: links, approvals, the portal"))
)]
pub struct ApiDoc;

/// The function's routes, each with its OpenAPI description, from the same handlers.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(handlers::inspect_link))
        .routes(routes!(handlers::set_password))
        .routes(routes!(handlers::approve))
        .routes(routes!(handlers::deny))
        .routes(routes!(handlers::get_portal))
        .routes(routes!(handlers::update_portal_settings))
}

/// The function's part of the OpenAPI document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().split_for_parts().1
}

/// The complete service: routes with the shared layers and state.
pub fn app(state: AppState) -> Router {
    api::finish(routes().split_for_parts().0, state)
}
