//! The support function: Case Management (the guide's "Submitting support tickets" and
//! Table 6-1: the listing, Create Support Ticket, the Support Ticket Detail with its
//! comments, attachments and Close Ticket) and the Feedback modal. Support answers from
//! the operator tools (`infra support-*`), which email the ticket's followers.
//! Attachments go straight from the browser to S3 with a presigned upload, and are kept
//! only after their bytes are checked here.

mod attachments;
mod feedback;
mod tickets;

use adapters::services::AppState;
use api::openapi::BearerAuth;
use axum::{middleware::from_fn, Router};
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(OpenApi)]
#[openapi(
    modifiers(&BearerAuth),
    tags((name = "support", description = "Case Management: support tickets, and feedback"))
)]
pub struct ApiDoc;

/// The function's routes, each with its OpenAPI description, from the same handlers.
pub fn routes() -> OpenApiRouter<AppState> {
    let creates = OpenApiRouter::new()
        .routes(routes!(tickets::create_ticket))
        .route_layer(from_fn(api::idempotency::idempotent));
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(creates)
        .routes(routes!(tickets::list_tickets))
        .routes(routes!(tickets::get_ticket, tickets::update_ticket))
        .routes(routes!(tickets::add_comment))
        .routes(routes!(tickets::close_ticket))
        .routes(routes!(tickets::follow, tickets::unfollow))
        .routes(routes!(attachments::start_upload))
        .routes(routes!(attachments::complete_upload))
        .routes(routes!(attachments::download))
        .routes(routes!(feedback::submit))
}

/// The function's part of the OpenAPI document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().split_for_parts().1
}

/// The complete service: routes with the shared layers and state.
pub fn app(state: AppState) -> Router {
    api::finish(routes().split_for_parts().0, state)
}
