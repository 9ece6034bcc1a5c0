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
pub mod runtime;
pub mod telemetry;
pub mod versions;

use axum::{
    body::to_bytes,
    extract::{DefaultBodyLimit, Request},
    http::{header, HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
    Router,
};
use lambda_http::RequestExt;
use tracing::Instrument;

pub use json::{ApiJson, ApiQuery};
pub use pagination::{Cursor, ListResponse, PageParams};
pub use principal::{CustomerAdmin, Principal};
pub use problem::{Problem, ProblemType};
pub use request::{Deadline, SourceIp};

use adapters::services::AppState;

/// The largest request body any endpoint accepts.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Wraps a function's routes with the shared layers: request ids and logging, the body
/// limit, and problem+json answers for unknown paths and methods and for every request
/// refused before a handler runs.
pub fn finish(routes: Router<AppState>, state: AppState) -> Router {
    routes
        .fallback(|| async { Problem::not_found("No such resource.") })
        .method_not_allowed_fallback(|| async { Problem::method_not_allowed() })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::map_response(plain_errors_as_problems))
        .layer(axum::Extension(state.clone()))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            request::edge_only,
        ))
        .layer(axum::middleware::from_fn(request_span))
        .with_state(state)
}

/// The few refusals axum writes itself, in plain text, before a handler runs (a path
/// segment that is not UTF-8, a raw body over [`MAX_BODY_BYTES`]), become problem+json as
/// every other error is; their headers (`Allow`, say) stay. A 5xx keeps no detail.
async fn plain_errors_as_problems(response: Response) -> Response {
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(problem::CONTENT_TYPE.as_bytes()));
    if is_problem || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let problem = if status == StatusCode::PAYLOAD_TOO_LARGE {
        Problem::payload_too_large()
    } else if status.is_server_error() {
        Problem::new(status, status.canonical_reason().unwrap_or("Server error"))
    } else {
        let text = to_bytes(body, 4096).await.unwrap_or_default();
        let detail = String::from_utf8_lossy(&text).trim().to_string();
        let problem = if status == StatusCode::BAD_REQUEST {
            Problem::new(status, "Bad request")
        } else {
            Problem::new(status, status.canonical_reason().unwrap_or("Refused"))
        };
        if detail.is_empty() {
            problem
        } else {
            problem.detail(detail)
        }
    };
    let mut answer = problem.into_response();
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            answer.headers_mut().insert(name.clone(), value.clone());
        }
    }
    answer
}

/// Opens the span that puts the request id (and, in Lambda with active tracing, the X-Ray
/// trace id) on every log line of the request, logs the
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
        trace_id = tracing::field::Empty,
        method = %request.method(),
        path = %request.uri().path()
    );
    if let Some(trace) = request.lambda_context_ref().and_then(telemetry::trace_id) {
        span.record("trace_id", trace);
    }
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
