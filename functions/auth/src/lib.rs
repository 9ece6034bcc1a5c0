//! The auth function: partner sign-up, sign-in, refresh, sign-out, and the signed-in
//! user (`/me`). Sessions are Cognito's: the access token travels in the `Authorization`
//! header and lives in the browser's memory; the refresh token travels only in an
//! HttpOnly cookie scoped to `/api/v1/auth`.

mod handlers;

use axum::{middleware::from_fn_with_state, Router};
use shared::{http, http::openapi::BearerAuth, services::AppState};
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Partner Console API",
        description = "The HTTP API of the Partner Console. Conventions: docs/api.md.",
        version = "1.0.0"
    ),
    modifiers(&BearerAuth),
    tags((name = "auth", description = "Sign-up, sign-in and sessions"))
)]
pub struct ApiDoc;

/// The function's routes and their OpenAPI description, built from the same handlers.
pub fn routes(state: &AppState) -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let creates = OpenApiRouter::new()
        .routes(routes!(handlers::sign_up))
        .route_layer(from_fn_with_state(
            state.clone(),
            http::idempotency::idempotent,
        ));
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(creates)
        .routes(routes!(handlers::sign_in))
        .routes(routes!(handlers::refresh))
        .routes(routes!(handlers::sign_out))
        .routes(routes!(handlers::me))
        .routes(routes!(handlers::my_activity))
        .split_for_parts()
}

/// The complete service: routes with the shared layers and state.
pub fn app(state: AppState) -> Router {
    let (routes, _) = routes(&state);
    http::finish(routes, state)
}
