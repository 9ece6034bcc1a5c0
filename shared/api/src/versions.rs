//! Optimistic concurrency in the API: a resource's `version` is its `ETag`, and a change
//! may send `If-Match` with it (412 when stale). Without `If-Match` a change is still
//! serialised by the stored version (409 when it moved meanwhile).

use axum::{
    http::{header, HeaderMap, HeaderValue},
    response::{IntoResponse, Response},
    Json,
};
use serde::Serialize;

use super::Problem;

pub fn etag(version: u64) -> String {
    format!("\"{version}\"")
}

/// `If-Match` with the resource's `ETag`, when the client sends one.
pub fn check_if_match(headers: &HeaderMap, version: u64) -> Result<(), Problem> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(());
    };
    let expected = etag(version);
    let matches = value
        .to_str()
        .map(|v| {
            v.split(',')
                .any(|t| t.trim() == expected || t.trim() == "*")
        })
        .unwrap_or(false);
    if matches {
        Ok(())
    } else {
        Err(Problem::precondition_failed())
    }
}

/// A JSON answer with the resource's `ETag`.
pub fn with_etag<T: Serialize>(status: axum::http::StatusCode, body: &T, version: u64) -> Response {
    let mut response = (status, Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&etag(version)) {
        response.headers_mut().insert(header::ETAG, v);
    }
    response
}

/// The answer with a `Location` header naming the resource it made or started.
pub fn located(mut response: Response, location: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    response
}
