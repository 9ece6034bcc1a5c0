//! Mail suppressions: the addresses the partner's mail no longer goes to because SES
//! reported a permanent bounce or a complaint (the notifier stores them). The Users list,
//! a user's details and a customer's profile show them; an administrator lifts one once
//! the mailbox is fixed, and the partner's mail goes to it again.

use adapters::services::AppState;
use api::{acting, Principal, Problem, SourceIp};
use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use domain::{
    audit::{Action as Audited, AuditRecord},
    authorization::{Action, Resource},
    EmailAddress,
};
use store::StoreError;

fn not_suppressed() -> Problem {
    Problem::not_found("The partner's mail is not suppressed for this address.")
}

/// Lift an address's suppression: the partner's mail (invitations, welcomes, requests,
/// alerts, reports) goes to it again. For administrators (the Users permission).
#[utoipa::path(
    delete,
    path = "/api/v1/mail-suppressions/{email}",
    tag = "users",
    security(("bearer" = [])),
    params(("email" = String, Path, description = "The suppressed address (any letter case)")),
    responses(
        (status = 204, description = "Lifted"),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        (status = 404, description = "The address is not suppressed for the partner", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn lift_suppression(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    Path(email): Path<String>,
) -> Result<StatusCode, Problem> {
    let (actor, _) = acting::member(
        &state,
        &principal,
        Action::ManageUsers,
        Resource::User { own: false },
    )
    .await?;
    let email = EmailAddress::parse(&email).map_err(|_| not_suppressed())?;
    let record = AuditRecord::of_user(
        &actor.user,
        Audited::LiftMailSuppression,
        &ip,
        email.to_string(),
    );
    match state
        .table
        .lift_suppression(&principal.scope(), &email, &record)
        .await
    {
        Ok(()) => {
            tracing::info!("mail suppression lifted");
            Ok(StatusCode::NO_CONTENT)
        }
        Err(StoreError::ConditionFailed { .. }) => Err(not_suppressed()),
        Err(e) => Err(e.into()),
    }
}
