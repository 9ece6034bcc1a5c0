//! `Idempotency-Key` on creates: the first request with a key does the work and its
//! successful response is kept; a retry with the same key and body gets that response
//! again; the same key with a different body is a 422; a retry while the first is
//! running is a 409. Refusals are not kept: the key is released for a corrected retry.
//! Secrets an answer shows once are not kept either ([`ShownOnce`]).

use axum::{
    body::{to_bytes, Body},
    extract::{Extension, FromRequestParts, Request},
    http::{header, HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use sha2::{Digest, Sha256};

use super::{principal, Problem, SourceIp, MAX_BODY_BYTES};
use adapters::services::AppState;
use domain::FieldError;
use store::idempotency::{Claim, StoredResponse};

pub const HEADER: &str = "idempotency-key";

/// Marks a create's answer as holding secrets shown once: the top-level JSON fields named
/// are left out of the answer kept for replays (a response extension, set by the
/// handler). A secret is then stored nowhere in clear, and a replay answers without it:
/// whoever lost the first answer gets a new secret the way the secret is replaced (a new
/// customer's `ingestionKey`: rotate it).
#[derive(Debug, Clone, Copy)]
pub struct ShownOnce(pub &'static [&'static str]);

/// `body` without the fields `shown_once` names. A body that is not a JSON object is
/// not kept at all: nothing it holds can be told apart.
fn without(body: &[u8], shown_once: ShownOnce) -> String {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(mut fields)) => {
            for name in shown_once.0 {
                fields.remove(*name);
            }
            serde_json::Value::Object(fields).to_string()
        }
        _ => {
            tracing::warn!("an answer with secrets is not a JSON object: its body is not kept");
            String::new()
        }
    }
}

fn key_error(message: &str) -> Problem {
    Problem::validation(vec![FieldError {
        field: "Idempotency-Key".into(),
        message: message.into(),
    }])
}

/// Middleware for create routes that need a signed-in caller:
/// `route_layer(from_fn(idempotent))`. The state comes from the extension
/// [`super::finish`] adds. The caller is checked before the key, so a request without a
/// valid token is a 401 whatever its key.
pub async fn idempotent(
    Extension(state): Extension<AppState>,
    request: Request,
    next: Next,
) -> Response {
    with_key(state, request, next, false).await
}

/// [`idempotent`] for creates anyone may call (sign-up): an anonymous caller's keys are
/// told apart by the caller's address.
pub async fn idempotent_anonymous(
    Extension(state): Extension<AppState>,
    request: Request,
    next: Next,
) -> Response {
    with_key(state, request, next, true).await
}

async fn with_key(state: AppState, request: Request, next: Next, anonymous: bool) -> Response {
    let Some(raw_key) = request.headers().get(HEADER).cloned() else {
        return next.run(request).await;
    };
    let (mut parts, body) = request.into_parts();
    // Keys are per caller: a signed-in user's keys cannot replay (or block) another's;
    // anonymous callers (sign-up) are told apart by their address.
    let scope = if anonymous && principal::bearer_token(&parts).is_none() {
        let Ok(SourceIp(ip)) = SourceIp::from_request_parts(&mut parts, &state).await;
        format!("anonymous#{ip}")
    } else {
        match principal::resolve(&parts, &state).await {
            Ok(p) => p.username,
            Err(problem) => return problem.into_response(),
        }
    };
    let key = match raw_key.to_str() {
        Ok(k) if !k.is_empty() && k.len() <= 255 && k.bytes().all(|b| b.is_ascii_graphic()) => {
            k.to_string()
        }
        _ => return key_error("must be 1–255 visible ASCII characters").into_response(),
    };
    let bytes = match to_bytes(body, MAX_BODY_BYTES).await {
        Ok(b) => b,
        Err(_) => return Problem::payload_too_large().into_response(),
    };
    let mut hasher = Sha256::new();
    hasher.update(parts.method.as_str());
    hasher.update([0]);
    hasher.update(parts.uri.path());
    hasher.update([0]);
    hasher.update(&bytes);
    let hash: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let now = chrono::Utc::now().timestamp();
    let expires = now + state.config.idempotency_ttl.as_secs() as i64;

    match state
        .table
        .claim_idempotency_key(&scope, &key, &hash, now, expires)
        .await
    {
        Err(e) => return Problem::from(e).into_response(),
        Ok(Claim::Existing(record)) => {
            if record.request_hash != hash {
                return key_error("was already used with a different request").into_response();
            }
            return match record.response {
                Some(stored) => replay(stored),
                None => Problem::conflict(
                    crate::ProblemType::RequestInProgress,
                    "A request with this Idempotency-Key is still being handled.",
                )
                .into_response(),
            };
        }
        Ok(Claim::New) => {}
    }

    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    if !response.status().is_success() {
        // Only a create that happened is kept: after a refusal nothing was written, so a
        // corrected retry with the same key must be free to try again.
        if let Err(e) = state.table.release_idempotency_key(&scope, &key).await {
            tracing::warn!(error = %e, "could not release an idempotency key");
        }
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let body = match to_bytes(body, usize::MAX).await {
        Ok(b) => b,
        Err(e) => return Problem::internal(e).into_response(),
    };
    let header_text = |name: header::HeaderName| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let stored = StoredResponse {
        status: parts.status.as_u16(),
        content_type: header_text(header::CONTENT_TYPE),
        location: header_text(header::LOCATION),
        body: match parts.extensions.get::<ShownOnce>() {
            Some(shown_once) => without(&body, *shown_once),
            None => String::from_utf8_lossy(&body).into_owned(),
        },
    };
    if let Err(e) = state
        .table
        .complete_idempotency_key(&scope, &key, &stored)
        .await
    {
        tracing::warn!(error = %e, "could not store an idempotent response");
    }
    parts
        .headers
        .insert("idempotent-replayed", HeaderValue::from_static("false"));
    Response::from_parts(parts, Body::from(body))
}

fn replay(stored: StoredResponse) -> Response {
    let mut response = Response::new(Body::from(stored.body));
    *response.status_mut() = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, stored.content_type),
        (header::LOCATION, stored.location),
    ] {
        if let Some(v) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
            headers.insert(name, v);
        }
    }
    headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    response
}

#[cfg(test)]
mod tests {
    use super::{without, ShownOnce};

    #[test]
    fn fields_shown_once_are_left_out_of_the_kept_answer() {
        let body = br#"{"customer":{"id":"cus_1","ingestionKey":"nested stays"},"ingestionKey":"pcik_secret"}"#;
        let kept = without(body, ShownOnce(&["ingestionKey"]));
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&kept).unwrap(),
            serde_json::json!({"customer": {"id": "cus_1", "ingestionKey": "nested stays"}})
        );
        assert_eq!(without(b"pcik_secret", ShownOnce(&["ingestionKey"])), "");
    }
}
