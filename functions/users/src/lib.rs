//! The users function: the guide's chapter 5 administration of people and access.
//! Administration > Users (add, edit, disable, remove, invitations), My User Settings and
//! contact preferences, and Administration > User Roles (custom roles, customer access
//! levels, permissions), Administration > API Clients, Administration > My Company, and lifting mail suppressions. Every endpoint authorizes through `api::acting`.

mod clients;
mod company;
mod invitations;
mod roles;
mod security;
mod suppressions;
mod users;

use adapters::services::AppState;
use api::openapi::BearerAuth;
use axum::{middleware::from_fn, Router};
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(OpenApi)]
#[openapi(
    modifiers(&BearerAuth),
    tags((name = "users", description = "Users, contact preferences, roles and customer access"))
)]
pub struct ApiDoc;

/// The function's routes, each with its OpenAPI description, from the same handlers.
pub fn routes() -> OpenApiRouter<AppState> {
    let creates = OpenApiRouter::new()
        .routes(routes!(users::add_user))
        .routes(routes!(roles::create_role))
        .route_layer(from_fn(api::idempotency::idempotent));
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(creates)
        .routes(routes!(users::list_users))
        .routes(routes!(
            users::get_user,
            users::update_user,
            users::remove_user
        ))
        .routes(routes!(users::resend_invitation))
        .routes(routes!(users::add_contact))
        .routes(routes!(users::update_contact, users::remove_contact))
        .routes(routes!(roles::list_roles))
        .routes(routes!(
            roles::get_role,
            roles::update_role,
            roles::delete_role
        ))
        .routes(routes!(clients::list_clients, clients::create_client))
        .routes(routes!(clients::revoke_client))
        .routes(routes!(security::update_security))
        .routes(routes!(company::get_company, company::update_company))
        .routes(routes!(security::reset_mfa))
        .routes(routes!(suppressions::lift_suppression))
        .routes(routes!(invitations::inspect))
        .routes(routes!(invitations::accept))
}

/// The function's part of the OpenAPI document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().split_for_parts().1
}

/// The complete service: routes with the shared layers and state.
pub fn app(state: AppState) -> Router {
    api::finish(routes().split_for_parts().0, state)
}
