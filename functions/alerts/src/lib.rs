//! The alerts function: the Alerts page (the guide's "Viewing your alerts", Table 4-1)
//! with its sortable columns, filters, viewing pane, dismissal and CSV; and
//! Administration > Alert Notifications (Table 5-3): the rules that say who hears of
//! which alerts, by email, SMS or a signed webhook, with each rule's delivery log and a
//! webhook test. Alerts are raised elsewhere (ingest, the portal, the scheduler) and
//! delivered by the notifier (`adapters::notify`).

mod list;
mod rules;

use adapters::services::AppState;
use api::openapi::BearerAuth;
use axum::Router;
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(OpenApi)]
#[openapi(
    modifiers(&BearerAuth),
    tags((name = "alerts", description = "Alerts and alert notification rules"))
)]
pub struct ApiDoc;

/// The function's routes, each with its OpenAPI description, from the same handlers.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(list::list_alerts))
        .routes(routes!(list::get_alert))
        .routes(routes!(list::dismiss_alerts))
        .routes(routes!(rules::list_rules, rules::create_rule))
        .routes(routes!(
            rules::get_rule,
            rules::update_rule,
            rules::delete_rule
        ))
        .routes(routes!(rules::rule_deliveries))
        .routes(routes!(rules::test_rule))
}

/// The function's part of the OpenAPI document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().split_for_parts().1
}

/// The complete service: routes with the shared layers and state.
pub fn app(state: AppState) -> Router {
    api::finish(routes().split_for_parts().0, state)
}
