//! The HTTP conventions every function follows (see `docs/api.md`): a [`Principal`]
//! before handler code, problem+json errors, strict JSON bodies, cursor pagination,
//! `Idempotency-Key` on creates, CSV on lists, and a request id on every log line.

pub mod acting;
pub mod csv;
pub mod idempotency;
pub mod json;
pub mod openapi;
pub mod pagination;
pub mod passwords;
pub mod principal;
pub mod problem;
pub mod request;
pub mod responses;
pub mod telemetry;
pub mod versions;

use axum::{
    extract::{DefaultBodyLimit, Request},
    http::HeaderValue,
    middleware::Next,
    response::Response,
    Router,
};
use lambda_http::RequestExt;
use tracing::Instrument;

pub use json::{ApiJson, ApiQuery};
pub use pagination::{Cursor, ListResponse, PageParams};
pub use principal::{CustomerAdmin, Principal};
pub use problem::{Problem, ProblemType};
pub use request::SourceIp;

use adapters::services::AppState;

/// The largest request body any endpoint accepts.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Wraps a function's routes with the shared layers: request ids and logging, the body
/// limit, and problem+json answers for unknown paths and methods.
pub fn finish(routes: Router<AppState>, state: AppState) -> Router {
    routes
        .fallback(|| async { Problem::not_found("No such resource.") })
        .method_not_allowed_fallback(|| async { Problem::method_not_allowed() })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::Extension(state.clone()))
        .layer(axum::middleware::from_fn(request_span))
        .with_state(state)
}

/// Opens the span that puts the request id on every log line of the request, logs the
/// outcome, and returns the id to the caller in `x-request-id`.
pub async fn request_span(request: Request, next: Next) -> Response {
    let request_id = request
        .lambda_context_ref()
        .map(|c| c.request_id.clone())
        .filter(|id| !id.is_empty())
        .or_else(|| {
            request
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .filter(|v| v.len() <= 128)
                .map(str::to_string)
        })
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let span = tracing::info_span!(
        "request",
        request_id = %request_id,
        method = %request.method(),
        path = %request.uri().path()
    );
    async move {
        let started = std::time::Instant::now();
        let mut response = next.run(request).await;
        tracing::info!(
            status = response.status().as_u16(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "request finished"
        );
        if let Ok(v) = HeaderValue::from_str(&request_id) {
            response.headers_mut().insert("x-request-id", v);
        }
        response
    }
    .instrument(span)
    .await
}
