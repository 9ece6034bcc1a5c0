//! The report schedules function: Reports > Scheduled Reports (the guide's Table 3-3 and
//! the Add Report Schedule dialog). Each schedule is an EventBridge Scheduler schedule
//! that invokes the report worker, which makes and emails the reports. A function of its
//! own so that only it (and the scheduler tick) links the Scheduler client and holds the
//! rights to change schedules.

mod schedules;

use adapters::services::AppState;
use api::openapi::BearerAuth;
use axum::{middleware::from_fn, Router};
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(OpenApi)]
#[openapi(
    modifiers(&BearerAuth),
    tags((name = "reports", description = "Reports: requests, the listing, files"))
)]
pub struct ApiDoc;

/// The function's routes, each with its OpenAPI description, from the same handlers.
pub fn routes() -> OpenApiRouter<AppState> {
    let creates = OpenApiRouter::new()
        .routes(routes!(schedules::create_schedule))
        .route_layer(from_fn(api::idempotency::idempotent));
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(creates)
        .routes(routes!(schedules::list_schedules))
        .routes(routes!(
            schedules::get_schedule,
            schedules::update_schedule,
            schedules::delete_schedule
        ))
}

/// The function's part of the OpenAPI document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().split_for_parts().1
}

/// The complete service: routes with the shared layers and state.
pub fn app(state: AppState) -> Router {
    api::finish(routes().split_for_parts().0, state)
}
