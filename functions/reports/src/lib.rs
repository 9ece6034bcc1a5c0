//! The reports function: the Reports page (the guide's Table 3-1) and the report
//! wizard's requests, each report's files through short-lived links, the Administration
//! page Report Customization (colours and logo), and the billing export (the Service
//! Utilization and Billing figures as JSON or CSV). Reports are rendered by the report
//! worker (`functions/report-worker`), which alone links the PDF and image code.

mod billing;
mod branding;
pub mod delivery;
pub mod listing;
pub mod templates;

use adapters::services::AppState;
use api::openapi::BearerAuth;
use axum::{middleware::from_fn, Router};
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(OpenApi)]
#[openapi(
    modifiers(&BearerAuth),
    tags(
        (name = "reports", description = "Reports: requests, the listing, files"),
        (name = "branding", description = "Report Customization: colours and logo"),
        (name = "billing", description = "The billing export: seat-days per customer and product")
    )
)]
pub struct ApiDoc;

/// The function's routes, each with its OpenAPI description, from the same handlers.
pub fn routes() -> OpenApiRouter<AppState> {
    let creates = OpenApiRouter::new()
        .routes(routes!(listing::create_report))
        .routes(routes!(templates::create_template))
        .routes(routes!(templates::generate_from_template))
        .route_layer(from_fn(api::idempotency::idempotent));
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(creates)
        .routes(routes!(listing::report_types))
        .routes(routes!(listing::list_reports))
        .routes(routes!(listing::get_report, listing::delete_report))
        .routes(routes!(listing::report_file))
        .routes(routes!(templates::list_templates))
        .routes(routes!(
            templates::get_template,
            templates::update_template,
            templates::delete_template
        ))
        .routes(routes!(branding::get_branding, branding::update_branding))
        .routes(routes!(branding::upload_logo, branding::remove_logo))
        .routes(routes!(billing::billing_usage))
}

/// The function's part of the OpenAPI document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().split_for_parts().1
}

/// The complete service: routes with the shared layers and state.
pub fn app(state: AppState) -> Router {
    api::finish(routes().split_for_parts().0, state)
}
