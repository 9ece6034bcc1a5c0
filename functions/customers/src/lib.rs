//! The customers function: the guide's chapter 2. The Customers page (search, sort,
//! filters, paging, CSV), adding a customer, the Customer Profile page (entitlements,
//! activating products and trials, converting, cancelling, communication settings,
//! unmanaged Mac access) and removing a customer; bulk actions on the customers selected
//! on the list; and the product catalog.

mod bulk;
mod consent;
mod handlers;
mod views;

use adapters::services::AppState;
use api::openapi::BearerAuth;
use axum::{middleware::from_fn, Router};
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(OpenApi)]
#[openapi(
    modifiers(&BearerAuth),
    tags(
        (name = "customers", description = "Customers, their products and settings"),
        (name = "consent", description = "Requests a customer approves: import and management")
    )
)]
pub struct ApiDoc;

/// The function's routes, each with its OpenAPI description, from the same handlers.
pub fn routes() -> OpenApiRouter<AppState> {
    let creates = OpenApiRouter::new()
        .routes(routes!(handlers::add_customer))
        .routes(routes!(consent::import_customer))
        .routes(routes!(bulk::bulk_action))
        .route_layer(from_fn(api::idempotency::idempotent));
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(creates)
        .routes(routes!(handlers::get_catalog))
        .routes(routes!(handlers::list_customers))
        .routes(routes!(bulk::export_customers))
        .routes(routes!(handlers::get_customer, handlers::remove_customer))
        .routes(routes!(handlers::add_products))
        .routes(routes!(handlers::convert_trial))
        .routes(routes!(handlers::cancel_entitlement))
        .routes(routes!(handlers::update_settings))
        .routes(routes!(handlers::resend_welcome))
        .routes(routes!(consent::change_management))
        .routes(routes!(consent::list_requests))
        .routes(routes!(consent::resend_request))
        .routes(routes!(consent::withdraw_request))
        .routes(routes!(consent::manage_customer))
}

/// The function's part of the OpenAPI document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().split_for_parts().1
}

/// The complete service: routes with the shared layers and state.
pub fn app(state: AppState) -> Router {
    api::finish(routes().split_for_parts().0, state)
}
