//! The sign-up's email confirmation: a new partner opens the link sent to its sign-up
//! address before the console sends any email on its behalf (`acting::may_send_email`).
//! A link, like the welcome and invitation links (256 random bits in the fragment, only
//! the hash stored), because opening it is one click where a code is typing; any link
//! sent to the address proves the mailbox, so a resent link does not revoke the earlier
//! ones, and opening one again after confirming just says so.

use adapters::emails;
use adapters::services::AppState;
use api::{acting, ApiJson, Principal, Problem, ProblemType, SourceIp};
use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use chrono::{DateTime, Utc};
use domain::{
    audit::{Action, AuditRecord, Outcome},
    partner::Partner,
    token, User,
};
use serde::{Deserialize, Serialize};
use store::account_links::{EmailVerification, UnverifiedSignUp, VerifyError};
use utoipa::ToSchema;

/// The pending record and first link of a new partner's sign-up by `user`.
pub(crate) fn for_sign_up(
    state: &AppState,
    partner: &Partner,
    user: &User,
) -> (UnverifiedSignUp, EmailVerification, String) {
    let remove_at =
        partner.created_at + chrono::Duration::days(state.config.unverified_sign_up_days);
    let (link, secret) = link(partner, user.email.clone(), remove_at);
    (
        UnverifiedSignUp {
            partner_id: partner.id.clone(),
            user_id: user.id.clone(),
            email: user.email.clone(),
            remove_at,
        },
        link,
        secret,
    )
}

fn link(
    partner: &Partner,
    email: domain::EmailAddress,
    expires_at: DateTime<Utc>,
) -> (EmailVerification, String) {
    let secret = token::generate();
    let hash = token::hash(&secret).unwrap_or_default();
    (
        EmailVerification {
            hash,
            partner_id: partner.id.clone(),
            email,
            expires_at,
        },
        secret,
    )
}

/// Sends the confirmation email (a courtesy: the sign-up stands whether or not it is
/// delivered, and it can be sent again). Straight to the mailer: a new partner has no
/// suppressed address yet, and sending it again asks first ([`acting::may_email`]).
pub(crate) async fn send(
    state: &AppState,
    partner: &Partner,
    user: &User,
    secret: &str,
    expires: DateTime<Utc>,
) {
    let url = &state.config.console_url;
    let link = emails::verification_link(url, secret);
    let message = emails::sign_up_confirmation(partner, user, url, &link, expires);
    if let Err(e) = state.mailer().send(&message).await {
        tracing::warn!(error = %e, "confirmation mail not sent");
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VerificationToken {
    /// The secret from the link's `#token=` fragment.
    pub token: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EmailConfirmed {
    /// The address confirmed.
    pub email: String,
    /// The company whose email it is.
    pub company: String,
}

fn not_valid() -> Problem {
    Problem::not_found(
        "This link is not valid, or its sign-up was removed. Check that you copied all of it.",
    )
}

/// Confirm a new partner's email with the link from the sign-up email (public: the link
/// is the credential). Opening a link again once confirmed answers the same.
#[utoipa::path(
    post,
    path = "/api/v1/auth/verify-email",
    tag = "auth",
    request_body = VerificationToken,
    responses(
        (status = 200, description = "The email is confirmed", body = EmailConfirmed),
        (status = 404, description = "Not a confirmation link, or its sign-up was removed", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "The link has expired (`link-expired`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn verify_email(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    ApiJson(request): ApiJson<VerificationToken>,
) -> Result<Json<EmailConfirmed>, Problem> {
    let hash = token::hash(&request.token).ok_or_else(not_valid)?;
    let link = state
        .table
        .email_verification(&hash)
        .await?
        .ok_or_else(not_valid)?;
    let partner = state
        .table
        .partner(&link.partner_id)
        .await?
        .ok_or_else(not_valid)?;
    let answer = || {
        Json(EmailConfirmed {
            email: link.email.to_string(),
            company: partner.company.name.clone(),
        })
    };
    if partner.email_verified {
        return Ok(answer());
    }
    if Utc::now() >= link.expires_at {
        return Err(Problem::new(StatusCode::GONE, "Gone")
            .kind(ProblemType::LinkExpired)
            .detail("This link has expired. Sign in and send a new one."));
    }
    let record = AuditRecord::new(
        Action::VerifyEmail,
        link.email.as_str(),
        &ip,
        Outcome::Success,
    )
    .by(&partner.id, None)
    .target(partner.id.to_string());
    match state.table.confirm_email(&partner.id, &record).await {
        Ok(()) => Ok(answer()),
        // Confirmed by another link meanwhile, or removed.
        Err(VerifyError::Gone) => match state.table.partner(&partner.id).await? {
            Some(p) if p.email_verified => Ok(answer()),
            _ => Err(not_valid()),
        },
        Err(VerifyError::Store(e)) => Err(e.into()),
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VerificationSent {
    /// Where the link went: the sign-up's address.
    pub sent_to: String,
}

/// Send the sign-up's confirmation link again (any user of the partner; it goes to the
/// sign-up's address). Limited per partner.
#[utoipa::path(
    post,
    path = "/api/v1/me/verification-email",
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 202, description = "A new link is on its way", body = VerificationSent),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        (status = 409, description = "The email is confirmed already (`already-verified`), or it bounced or marked mail as spam (`address-suppressed`)", body = Problem, content_type = "application/problem+json"),
        api::responses::TooManyAttempts,
    )
)]
pub async fn resend_verification(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
) -> Result<Response, Problem> {
    let (actor, partner) = acting::session(&state, &principal).await?;
    let confirmed = || {
        Problem::conflict(
            ProblemType::AlreadyVerified,
            "Your email is confirmed already.",
        )
    };
    if partner.email_verified {
        return Err(confirmed());
    }
    let now = Utc::now().timestamp();
    let limit = state.config.sign_up_per_email;
    if let Err(l) = state
        .table
        .hit("verify-resend", partner.id.as_str(), limit, now)
        .await?
    {
        return Err(Problem::too_many_requests(l.retry_after_secs));
    }
    let Some(pending) = state.table.unverified_sign_up(&principal.scope()).await? else {
        return Err(confirmed());
    };
    acting::may_email(&state, &partner, &pending.email).await?;
    let (link, secret) = link(&partner, pending.email.clone(), pending.remove_at);
    let record = AuditRecord::of_user(
        &actor.user,
        Action::ResendVerification,
        &ip,
        partner.id.to_string(),
    );
    match state.table.add_email_verification(&link, &record).await {
        Ok(()) => {}
        Err(store::StoreError::ConditionFailed { .. }) => return Err(confirmed()),
        Err(e) => return Err(e.into()),
    }
    let scope = principal.scope();
    let to = state
        .table
        .user(&scope, &pending.user_id)
        .await?
        .unwrap_or_else(|| actor.user.clone());
    let to = User {
        email: pending.email.clone(),
        ..to
    };
    send(&state, &partner, &to, &secret, pending.remove_at).await;
    Ok((
        StatusCode::ACCEPTED,
        Json(VerificationSent {
            sent_to: pending.email.to_string(),
        }),
    )
        .into_response())
}
