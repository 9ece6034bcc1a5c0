//! RFC 9457 problem details: the one shape of every error the API returns.

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Serialize;
use utoipa::ToSchema;

use domain::FieldError;

/// An error answer. Internal causes are logged, never returned.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    /// A URI naming the kind of problem: `/problems/` and a `ProblemType`; `about:blank`
    /// when the status says it all.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: &'static str,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// For 422: every invalid field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// For a sign-in that needs a second step: the challenge session to answer it with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub challenge: Option<Box<str>>,
    #[serde(skip)]
    pub retry_after: Option<u32>,
}

pub const CONTENT_TYPE: &str = "application/problem+json";

/// Every kind of problem the API names: a problem's `type` is `/problems/<kind>`, the
/// kind in kebab case (`ProblemType::StaleVersion` is `/problems/stale-version`). One
/// enum, so a kind is chosen from those that exist and the same problem has one name
/// everywhere; the OpenAPI document lists them (`ProblemType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemType {
    AddressSuppressed,
    AdminActive,
    AlreadyEnded,
    AlreadyExsp,
    AlreadyHasProduct,
    AlreadyVerified,
    BuiltInRole,
    Changed,
    ComplianceReview,
    CustomerChanged,
    CustomerManaged,
    EmailNotVerified,
    EmailRegistered,
    EmailTaken,
    ExspRequired,
    FleetBusy,
    InvalidClient,
    InvitationAccepted,
    KeyRotated,
    LastPartnerAdministrator,
    LinkExpired,
    LinkGone,
    LinkUsed,
    MalformedJson,
    MfaCodeMismatch,
    MfaRequired,
    MfaRequiredByPartner,
    MfaSessionExpired,
    MfaSkipped,
    NotATrial,
    NotPending,
    OwnAccount,
    OwnMfaFirst,
    PartnerManaged,
    RateLimited,
    ReportNotReady,
    RequestInProgress,
    RequestPending,
    RoleInUse,
    RuleChanged,
    SerialUsed,
    ScheduleNotSettled,
    SessionEnded,
    StaleVersion,
    TemplateInUse,
    TicketClosed,
    TooManyAttachments,
    TooManyRoles,
    TooManyRules,
    TooManySends,
    UnsupportedGrantType,
    UploadChecked,
    UploadMissing,
    UserDisabled,
    UserRule,
    Validation,
}

impl ProblemType {
    /// The kind's name, as it stands after `/problems/`.
    pub fn name(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }
}

impl Problem {
    pub fn new(status: StatusCode, title: &'static str) -> Self {
        Problem {
            kind: "about:blank".into(),
            title,
            status: status.as_u16(),
            detail: None,
            errors: Vec::new(),
            challenge: None,
            retry_after: None,
        }
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// Names the kind of problem, `/problems/<kind>`.
    pub fn kind(mut self, kind: ProblemType) -> Self {
        self.kind = format!("/problems/{}", kind.name());
        self
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::BAD_REQUEST, "Bad request").detail(detail)
    }

    pub fn malformed_json(detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::BAD_REQUEST, "Malformed JSON")
            .kind(ProblemType::MalformedJson)
            .detail(detail)
    }

    pub fn validation(errors: Vec<FieldError>) -> Self {
        Problem {
            errors,
            ..Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "Validation failed")
                .kind(ProblemType::Validation)
                .detail("One or more fields are invalid.")
        }
    }

    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::UNAUTHORIZED, "Unauthorized").detail(detail)
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::FORBIDDEN, "Forbidden").detail(detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::NOT_FOUND, "Not found").detail(detail)
    }

    pub fn method_not_allowed() -> Self {
        Problem::new(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed")
    }

    pub fn conflict(kind: ProblemType, detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::CONFLICT, "Conflict")
            .kind(kind)
            .detail(detail)
    }

    /// The `If-Match` version is not the current one.
    pub fn precondition_failed() -> Self {
        Problem::new(StatusCode::PRECONDITION_FAILED, "Precondition failed")
            .kind(ProblemType::StaleVersion)
            .detail("It was changed since you loaded it: reload and try again.")
    }

    pub fn payload_too_large() -> Self {
        Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "Payload too large").detail(format!(
            "Request bodies are limited to {} bytes.",
            super::MAX_BODY_BYTES
        ))
    }

    pub fn unsupported_media_type() -> Self {
        Problem::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "Unsupported media type")
            .detail("Send the body as application/json.")
    }

    pub fn too_many_requests(retry_after_secs: u64) -> Self {
        Problem {
            retry_after: Some(u32::try_from(retry_after_secs).unwrap_or(u32::MAX)),
            ..Problem::new(StatusCode::TOO_MANY_REQUESTS, "Too many requests")
                .kind(ProblemType::RateLimited)
                .detail(format!("Try again in {retry_after_secs} seconds."))
        }
    }

    /// The unexpected: logged with its cause, answered without it.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error")
            .detail("Something went wrong on our side. The request id identifies it.")
    }

    pub fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let retry_after = self.retry_after;
        let mut response = (status, axum::Json(self)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
        if let Some(secs) = retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

impl From<store::StoreError> for Problem {
    fn from(e: store::StoreError) -> Self {
        Problem::internal(e)
    }
}

impl From<adapters::identity::IdentityError> for Problem {
    fn from(e: adapters::identity::IdentityError) -> Self {
        Problem::internal(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_type_is_its_kebab_case_name_under_problems() {
        assert_eq!(ProblemType::StaleVersion.name(), "stale-version");
        assert_eq!(
            ProblemType::MfaRequiredByPartner.name(),
            "mfa-required-by-partner"
        );
        assert_eq!(
            Problem::precondition_failed().kind,
            "/problems/stale-version"
        );
        assert_eq!(
            Problem::conflict(ProblemType::NotATrial, "x").kind,
            "/problems/not-a-trial"
        );
    }
}
