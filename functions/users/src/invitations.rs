//! The invitation link's page: a new partner user sees whose console they join and
//! chooses a password. The link carries 256 random bits in its fragment; only the hash is
//! stored; it works once, until it expires, and only the newest one sent works.

use adapters::services::AppState;
use api::ProblemType;
use api::{ApiJson, Problem, SourceIp};
use axum::{extract::State, http::StatusCode, Json};
use chrono::Utc;
use domain::{
    audit::{Action as Audited, AuditRecord, Outcome},
    token,
    user::{username, UserStatus},
    User,
};
use serde::{Deserialize, Serialize};
use store::{accounts::Invitation, PartnerScope};
use utoipa::ToSchema;

fn not_valid() -> Problem {
    Problem::not_found("This link is not valid. Check that you copied all of it.")
}

fn gone(detail: &str) -> Problem {
    Problem::new(StatusCode::GONE, "Gone")
        .kind(ProblemType::LinkGone)
        .detail(detail.to_string())
}

/// The invitation and its user, if the link still works.
async fn usable(state: &AppState, secret: &str) -> Result<(Invitation, User), Problem> {
    let hash = token::hash(secret).ok_or_else(not_valid)?;
    let invitation = state.table.invitation(&hash).await?.ok_or_else(not_valid)?;
    let scope = PartnerScope::new(invitation.partner_id.clone());
    let user = state
        .table
        .user(&scope, &invitation.user_id)
        .await?
        .ok_or_else(not_valid)?;
    if user.status != UserStatus::Invited {
        return Err(gone(
            "This invitation has been accepted already: sign in with your password.",
        ));
    }
    if user.invitation.as_deref() != Some(hash.as_str()) {
        return Err(gone(
            "A newer invitation has been sent: use the link in the latest email.",
        ));
    }
    if Utc::now() >= invitation.expires_at {
        return Err(gone(
            "This invitation has expired. Ask your partner administrator to send it again.",
        ));
    }
    Ok((invitation, user))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InvitationToken {
    /// The secret from the link's `#token=` fragment.
    pub token: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvitationInfo {
    pub email: String,
    pub first_name: String,
    pub company: String,
}

/// What an invitation link is for, before the user chooses a password.
#[utoipa::path(
    post,
    path = "/api/v1/invitations/inspect",
    tag = "users",
    request_body = InvitationToken,
    responses(
        (status = 200, description = "The invitation", body = InvitationInfo),
        (status = 404, description = "Not an invitation link", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Accepted, replaced or expired", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn inspect(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<InvitationToken>,
) -> Result<Json<InvitationInfo>, Problem> {
    let (_, user) = usable(&state, &request.token).await?;
    let scope = PartnerScope::new(user.partner_id.clone());
    let company = state
        .table
        .user_and_partner(&scope, &user.id)
        .await?
        .map(|(_, p)| p.company.name)
        .unwrap_or_default();
    Ok(Json(InvitationInfo {
        email: user.email.to_string(),
        first_name: user.first_name,
        company,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Accepted {
    /// The login to sign in with.
    pub email: String,
}

/// Accept an invitation: choose a password; the user becomes active and signs in.
#[utoipa::path(
    post,
    path = "/api/v1/invitations/accept",
    tag = "users",
    request_body = api::passwords::ChosenPassword,
    responses(
        (status = 200, description = "The password is set; sign in", body = Accepted),
        (status = 404, description = "Not an invitation link", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Accepted, replaced or expired", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The password is too weak", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn accept(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    ApiJson(request): ApiJson<api::passwords::ChosenPassword>,
) -> Result<Json<Accepted>, Problem> {
    let (invitation, user) = usable(&state, &request.token).await?;
    let password = api::passwords::checked(&request.password, &user.email)?;
    let now = Utc::now();
    api::passwords::set_spending_link(
        &state,
        &username(&user.partner_id, &user.id),
        &user.email,
        &password,
        state.table.claim_invitation(&invitation.hash, now),
        || state.table.release_invitation(&invitation.hash, now),
        gone("This invitation has been accepted already: sign in with your password."),
    )
    .await?;
    let record = AuditRecord::new(
        Audited::AcceptInvitation,
        user.email.as_str(),
        &ip,
        Outcome::Success,
    )
    .by(&user.partner_id, Some(&user.id))
    .target(user.id.to_string());
    state
        .table
        .accept_invitation(&user, &record)
        .await
        .map_err(|_| {
            gone("This invitation has been accepted already: sign in with your password.")
        })?;
    Ok(Json(Accepted {
        email: user.email.to_string(),
    }))
}
