//! Sending us your feedback: the Feedback modal's comments category, comments, the five
//! one-to-five Page Ratings and whether the user would recommend the service. Stored for
//! the vendor's product managers, who read it with `infra support-feedback`.

use adapters::services::AppState;
use api::{acting, ApiJson, Principal, Problem, SourceIp};
use axum::{extract::State, http::StatusCode, Json};
use chrono::Utc;
use domain::{
    audit::{Action as Audited, AuditRecord},
    authorization::{Action, Resource},
    rate_limit::Limit,
    support::{Feedback, FeedbackForm, FeedbackId},
};
use serde::Serialize;
use utoipa::ToSchema;

/// Feedback a user may send an hour: enough for anyone, not a way to fill the table.
pub const PER_HOUR: Limit = Limit {
    limit: 10,
    window: std::time::Duration::from_secs(3600),
};

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FeedbackReceived {
    pub id: String,
}

/// Submit feedback. Any partner user may (their own profile's right).
#[utoipa::path(
    post,
    path = "/api/v1/feedback",
    tag = "support",
    security(("bearer" = [])),
    request_body = FeedbackForm,
    responses(
        (status = 201, description = "Thank you", body = FeedbackReceived),
        api::responses::Unauthorized,
        api::responses::InvalidFields,
        api::responses::TooManyAttempts,
    )
)]
pub async fn submit(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    ApiJson(form): ApiJson<FeedbackForm>,
) -> Result<(StatusCode, Json<FeedbackReceived>), Problem> {
    let actor = acting::user(
        &state,
        &principal,
        Action::ViewUsers,
        Resource::User { own: true },
    )
    .await?;
    let comments = form.check().map_err(Problem::validation)?;
    let now = Utc::now();
    if let Err(l) = state
        .table
        .hit(
            "feedback-user",
            actor.user.id.as_str(),
            PER_HOUR,
            now.timestamp(),
        )
        .await?
    {
        return Err(Problem::too_many_requests(l.retry_after_secs));
    }
    let feedback = Feedback {
        id: FeedbackId::generate(),
        partner_id: actor.user.partner_id.clone(),
        user_id: actor.user.id.clone(),
        user_email: actor.user.email.to_string(),
        category: form.category,
        comments,
        rating: form.rating,
        would_recommend: form.would_recommend,
        at: now,
    };
    let audit = AuditRecord::of_user(
        &actor.user,
        Audited::SubmitFeedback,
        &ip,
        feedback.id.to_string(),
    );
    state.table.add_feedback(&feedback, &audit).await?;
    Ok((
        StatusCode::CREATED,
        Json(FeedbackReceived {
            id: feedback.id.to_string(),
        }),
    ))
}
