//! The auth function: partner sign-up (and its email confirmation), sign-in, refresh,
//! sign-out, password reset, and the signed-in user (`/me`). Sessions are Cognito's: the access token travels in the `Authorization`
//! header and lives in the browser's memory; the refresh token travels only in an
//! HttpOnly cookie scoped to `/api/v1/auth`.

mod handlers;
mod mfa;
mod password;
mod verification;

use adapters::services::AppState;
use api::openapi::BearerAuth;
use axum::{middleware::from_fn, Router};
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

/// The function's routes, each with its OpenAPI description, from the same handlers.
pub fn routes() -> OpenApiRouter<AppState> {
    let creates = OpenApiRouter::new()
        .routes(routes!(handlers::sign_up))
        .route_layer(from_fn(api::idempotency::idempotent_anonymous));
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(creates)
        .routes(routes!(handlers::sign_in))
        .routes(routes!(handlers::token))
        .routes(routes!(handlers::sign_in_mfa))
        .routes(routes!(mfa::setup))
        .routes(routes!(mfa::verify))
        .routes(routes!(mfa::disable))
        .routes(routes!(handlers::refresh))
        .routes(routes!(handlers::sign_out))
        .routes(routes!(password::forgot_password))
        .routes(routes!(password::inspect_password_reset))
        .routes(routes!(password::reset_password))
        .routes(routes!(verification::verify_email))
        .routes(routes!(verification::resend_verification))
        .routes(routes!(handlers::me))
        .routes(routes!(handlers::my_activity))
        .routes(routes!(handlers::audit_trail))
}

/// The function's part of the OpenAPI document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().split_for_parts().1
}

/// The complete service: routes with the shared layers and state.
pub fn app(state: AppState) -> Router {
    api::finish(routes().split_for_parts().0, state)
}
