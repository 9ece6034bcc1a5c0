//! Administration > Security: the partner's requirement of two-step verification for
//! every user, and a partner administrator's recovery of another user's (a lost phone).

use adapters::identity::IdentityError;
use adapters::services::AppState;
use api::ProblemType;
use api::{acting, ApiJson, Principal, Problem, SourceIp};
use axum::{
    extract::{Path, State},
    http::StatusCode,
    Json,
};
use domain::{
    audit::{Action as Audited, AuditRecord},
    authorization::{Action, Resource},
    user::username,
    UserId,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::users::{no_such_user, user_problem};

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecuritySettings {
    /// Every user must set up two-step verification (TOTP) before using the console.
    pub require_mfa: bool,
}

/// Require two-step verification for every user, or stop requiring it. Users without it
/// are asked to set it up at their next request. Turning it on needs it on your own user
/// first, so nobody is locked out.
#[utoipa::path(
    put,
    path = "/api/v1/security",
    tag = "users",
    security(("bearer" = [])),
    request_body = SecuritySettings,
    responses(
        (status = 200, description = "Saved", body = SecuritySettings),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        (status = 409, description = "Set up your own two-step verification first", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_security(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    ApiJson(request): ApiJson<SecuritySettings>,
) -> Result<Json<SecuritySettings>, Problem> {
    let (actor, partner) = acting::member(
        &state,
        &principal,
        Action::ManageSecurity,
        Resource::Partner,
    )
    .await?;
    if request.require_mfa && !actor.user.mfa {
        return Err(Problem::conflict(
            ProblemType::OwnMfaFirst,
            "Set up two-step verification for yourself first (My User Settings).",
        ));
    }
    // Saved and audited even when unchanged: an administrator's explicit decision.
    let record = AuditRecord::of_user(
        &actor.user,
        Audited::UpdateSecurity,
        &ip,
        partner.id.to_string(),
    );
    state
        .table
        .set_require_mfa(&principal.scope(), request.require_mfa, &record)
        .await?;
    Ok(Json(request))
}

/// Turn another user's two-step verification off, e.g. after a lost phone; they set it
/// up again at their next sign-in when the partner requires it.
#[utoipa::path(
    post,
    path = "/api/v1/users/{userId}/mfa/reset",
    tag = "users",
    security(("bearer" = [])),
    params(("userId" = String, Path, description = "The user")),
    responses(
        (status = 204, description = "Reset"),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        api::responses::NotFound,
        (status = 409, description = "Your own (turn it off in My User Settings)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn reset_mfa(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    Path(user_id): Path<String>,
) -> Result<StatusCode, Problem> {
    let actor = acting::user(
        &state,
        &principal,
        Action::ManageSecurity,
        Resource::Partner,
    )
    .await?;
    let id = UserId::parse(&user_id).map_err(|_| no_such_user())?;
    if id == actor.user.id {
        return Err(Problem::conflict(
            ProblemType::OwnAccount,
            "Another partner administrator resets yours; you can turn yours off in My User Settings.",
        ));
    }
    let scope = principal.scope();
    let before = state
        .table
        .user(&scope, &id)
        .await?
        .filter(|u| !u.api_client)
        .ok_or_else(no_such_user)?;
    match state
        .identity()
        .set_mfa(&username(&before.partner_id, &before.id), false)
        .await
    {
        Ok(()) | Err(IdentityError::UserNotFound) => {}
        Err(e) => return Err(e.into()),
    }
    let mut after = before.clone();
    after.mfa = false;
    after.version += 1;
    let record = AuditRecord::of_user(&actor.user, Audited::ResetMfa, &ip, before.id.to_string());
    state
        .table
        .save_user(&scope, &before, &after, None, &record)
        .await
        .map_err(user_problem)?;
    Ok(StatusCode::NO_CONTENT)
}
