//! The error answers that read the same on every endpoint, named once for the
//! `responses(...)` of `#[utoipa::path]`. Each is a problem+json [`Problem`]. Answers whose
//! meaning belongs to one endpoint (which resource is missing, which conflict) stay on
//! that endpoint.

use std::collections::BTreeMap;

use utoipa::{
    openapi::{response::Response, RefOr},
    IntoResponses,
};

use crate::Problem;

/// 400: the body is not JSON.
#[derive(IntoResponses)]
#[response(
    status = 400,
    description = "Malformed JSON",
    content_type = "application/problem+json"
)]
pub struct MalformedJson(pub Problem);

/// 401: no bearer token, or one that is expired, revoked or not the console's.
#[derive(IntoResponses)]
#[response(
    status = 401,
    description = "No valid access token",
    content_type = "application/problem+json"
)]
pub struct Unauthorized(pub Problem);

/// 409: another change came first; reload and send again.
#[derive(IntoResponses)]
#[response(
    status = 409,
    description = "Changed meanwhile",
    content_type = "application/problem+json"
)]
pub struct ChangedMeanwhile(pub Problem);

/// 409: a request with the same `Idempotency-Key` is still being handled; retry.
#[derive(IntoResponses)]
#[response(
    status = 409,
    description = "A request with this `Idempotency-Key` is still being handled",
    content_type = "application/problem+json"
)]
pub struct RequestInProgress(pub Problem);

/// 412: the `If-Match` version is not the current one.
#[derive(IntoResponses)]
#[response(
    status = 412,
    description = "`If-Match` is not the current version",
    content_type = "application/problem+json"
)]
pub struct StaleVersion(pub Problem);

/// 413: over [`crate::MAX_BODY_BYTES`].
#[derive(IntoResponses)]
#[response(
    status = 413,
    description = "Body over 1 MB",
    content_type = "application/problem+json"
)]
pub struct TooLarge(pub Problem);

/// 415: a body that is not of the type the endpoint reads (`application/json` but for the
/// few that say otherwise).
#[derive(IntoResponses)]
#[response(
    status = 415,
    description = "The body is not of the type the endpoint reads",
    content_type = "application/problem+json"
)]
pub struct UnsupportedMediaType(pub Problem);

/// 422: the fields named in `errors` are invalid.
#[derive(IntoResponses)]
#[response(
    status = 422,
    description = "Invalid fields",
    content_type = "application/problem+json"
)]
pub struct InvalidFields(pub Problem);

/// 429: too many attempts; `Retry-After` says when to try again.
#[derive(IntoResponses)]
#[response(
    status = 429,
    description = "Too many attempts",
    content_type = "application/problem+json"
)]
pub struct TooManyAttempts(pub Problem);

/// 403: the role, or its access level on the customer, does not allow this.
#[derive(IntoResponses)]
#[response(
    status = 403,
    description = "The role, or its access level on the customer, does not allow this",
    content_type = "application/problem+json"
)]
pub struct Forbidden(pub Problem);

/// 404: no such resource, or not the caller's: another partner's answers the same.
#[derive(IntoResponses)]
#[response(
    status = 404,
    description = "No such resource (another partner's is not found either)",
    content_type = "application/problem+json"
)]
pub struct NotFound(pub Problem);

type Responses = BTreeMap<String, RefOr<Response>>;

/// The responses of `parts`, together.
fn all(parts: &[fn() -> Responses]) -> Responses {
    parts.iter().flat_map(|part| part()).collect()
}

/// The answers of a change to a versioned resource (`If-Match`): 401, 403, 404, 409 (changed
/// meanwhile), 412 and 422, as the single responses above describe them.
pub struct Update;

impl IntoResponses for Update {
    fn responses() -> Responses {
        all(&[
            Unauthorized::responses,
            Forbidden::responses,
            NotFound::responses,
            ChangedMeanwhile::responses,
            StaleVersion::responses,
            InvalidFields::responses,
        ])
    }
}

/// The answers of removing a versioned resource (`If-Match`): 401, 403, 404, 409 (changed
/// meanwhile) and 412.
pub struct Delete;

impl IntoResponses for Delete {
    fn responses() -> Responses {
        all(&[
            Unauthorized::responses,
            Forbidden::responses,
            NotFound::responses,
            ChangedMeanwhile::responses,
            StaleVersion::responses,
        ])
    }
}
