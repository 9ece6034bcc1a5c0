//! The dashboard function: everything that shows endpoint telemetry. The Home page's
//! widgets (Table 1-1) and each user's layout of them, the news, the Endpoint Statistics
//! and Product Deployment pages with the offline computers, My Products, and a customer
//! profile's endpoint protection summary and deployment chart (Tables 2-6 and 2-7).
//!
//! Every figure comes from the aggregates ingestion keeps (`store::telemetry`),
//! never from raw events, so a page costs the same for ten computers as for ten thousand.

mod home;
mod reach;
mod statistics;

use adapters::services::AppState;
use api::openapi::BearerAuth;
use axum::Router;
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(OpenApi)]
#[openapi(
    modifiers(&BearerAuth),
    tags((name = "dashboard", description = "Home page widgets, endpoint statistics, product deployment"))
)]
pub struct ApiDoc;

/// The function's routes, each with its OpenAPI description, from the same handlers.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(home::dashboard))
        .routes(routes!(home::get_layout, home::save_layout))
        .routes(routes!(home::news))
        .routes(routes!(statistics::endpoint_statistics))
        .routes(routes!(statistics::deployment_statistics))
        .routes(routes!(statistics::offline_computers))
        .routes(routes!(statistics::product_usage_list))
        .routes(routes!(statistics::customer_endpoint_protection))
}

/// The function's part of the OpenAPI document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().split_for_parts().1
}

/// The complete service: routes with the shared layers and state.
pub fn app(state: AppState) -> Router {
    api::finish(routes().split_for_parts().0, state)
}
