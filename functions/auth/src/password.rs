//! "Forgot password": a link by email to choose a new password, for partner users and
//! customer admins. The console's own single-use link, like the welcome and invitation
//! links (256 random bits in the URL fragment, only the hash stored, one use claimed by a
//! conditional write, an expiry, the newest link only), rather than Cognito's own
//! forgot-password flow: the email, its language and the rules on who may reset stay the
//! console's, and the request tells an outsider nothing (`docs/api.md`, "Password reset").

use adapters::emails;
use adapters::services::AppState;
use api::{ApiJson, Problem, ProblemType, SourceIp};
use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use chrono::Utc;
use domain::{
    audit::{Action, AuditRecord, Outcome},
    customer::ManagementType,
    token,
    user::UserStatus,
    EmailAddress, FieldError,
};
use serde::{Deserialize, Serialize};
use store::{account_links::PasswordReset, accounts::Login, PartnerScope};
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ForgotPassword {
    /// The login whose password was forgotten.
    #[schema(format = "email", max_length = 254)]
    pub email: String,
}

/// The one answer to every well-formed request, whether or not the email is an account's.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResetRequested {
    pub message: String,
}

const REQUESTED: &str = "If this email is the login of an account that may choose a new \
password, a link to choose one is on its way. It works for a limited time, once.";

/// Why a login gets no link, for its audit record; `None` when it may have one.
async fn refused(state: &AppState, login: &Login) -> Result<Option<&'static str>, Problem> {
    if let Some(customer) = &login.customer_id {
        let Some(account) = state.table.customer_account(customer).await? else {
            return Ok(Some("no such customer"));
        };
        if account.customer.management == ManagementType::PartnerManaged {
            return Ok(Some("partner-managed account"));
        }
        if !account.customer.admin_active {
            // The welcome link chooses the first password.
            return Ok(Some("no password chosen yet"));
        }
        return Ok(None);
    }
    let scope = PartnerScope::new(login.partner_id.clone());
    Ok(match state.table.user(&scope, &login.user_id).await? {
        None => Some("no such user"),
        Some(u) if u.status == UserStatus::Disabled => Some("disabled user"),
        Some(u) if u.status == UserStatus::Invited => Some("invitation not accepted"),
        Some(_) => None,
    })
}

/// Ask for a password reset link ("Forgot password?" on the sign-in page).
///
/// The answer is the same whatever the email: an account's, one that may not reset
/// (disabled, a partner-managed customer's admin) or nobody's. Limited per source IP and
/// per email; every request is audited.
#[utoipa::path(
    post,
    path = "/api/v1/auth/password/forgot",
    tag = "auth",
    request_body = ForgotPassword,
    responses(
        (status = 202, description = "If the email may reset its password, a link is on its way", body = ResetRequested),
        api::responses::InvalidFields,
        api::responses::TooManyAttempts,
    )
)]
pub async fn forgot_password(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    ApiJson(request): ApiJson<ForgotPassword>,
) -> Result<Response, Problem> {
    let email = EmailAddress::parse(&request.email).map_err(|m| {
        Problem::validation(vec![FieldError {
            field: "email".into(),
            message: m,
        }])
    })?;
    let c = &state.config;
    // Counted for every email alike, so a limit says nothing about the account either.
    super::handlers::rate_limit(
        &state,
        "reset",
        &ip,
        &email,
        (c.reset_per_ip, c.reset_per_email),
    )
    .await?;
    let record = AuditRecord::new(
        Action::RequestPasswordReset,
        email.as_str(),
        &ip,
        Outcome::Success,
    );
    let answer = (
        StatusCode::ACCEPTED,
        Json(ResetRequested {
            message: REQUESTED.into(),
        }),
    )
        .into_response();
    let Some(login) = state.table.find_login(&email).await? else {
        // Nobody's email: apart from every partner's trail.
        let r = AuditRecord {
            outcome: Outcome::Failure,
            ..record
        }
        .reason("unknown email");
        state.table.record(&r).await?;
        return Ok(answer);
    };
    let record = record.by(
        &login.partner_id,
        login.customer_id.is_none().then_some(&login.user_id),
    );
    let record = match &login.customer_id {
        Some(customer) => record.target(customer.to_string()),
        None => record.target(login.user_id.to_string()),
    };
    if let Some(reason) = refused(&state, &login).await? {
        let r = AuditRecord {
            outcome: Outcome::Failure,
            ..record
        }
        .reason(reason);
        state.table.record(&r).await?;
        return Ok(answer);
    }
    let secret = token::generate();
    let Some(hash) = token::hash(&secret) else {
        return Err(Problem::internal("a generated token did not hash"));
    };
    let expires_at = Utc::now()
        + chrono::Duration::from_std(c.reset_link_ttl).unwrap_or(chrono::Duration::hours(1));
    let reset = PasswordReset {
        hash,
        email: email.clone(),
        username: login.username.clone(),
        partner_id: login.partner_id.clone(),
        expires_at,
        used_at: None,
    };
    state.table.issue_password_reset(&reset, &record).await?;
    let link = emails::password_reset_link(&c.console_url, &secret);
    if let Err(e) = state
        .send_mail(&emails::password_reset(
            &email,
            &login.partner_id,
            &link,
            expires_at,
        ))
        .await
    {
        // The request stands; asking again sends a new link.
        tracing::warn!(error = %e, "password reset mail not sent");
    }
    Ok(answer)
}

fn not_valid() -> Problem {
    Problem::not_found("This link is not valid. Check that you copied all of it.")
}

fn gone(kind: ProblemType, detail: &str) -> Problem {
    Problem::new(StatusCode::GONE, "Gone")
        .kind(kind)
        .detail(detail.to_string())
}

fn used() -> Problem {
    gone(
        ProblemType::LinkUsed,
        "This link has been used already. Ask for a new one if you need to.",
    )
}

/// The reset a link names, if it still works: not used, not expired, the login's newest,
/// and the login still one that may reset.
async fn usable(state: &AppState, secret: &str) -> Result<(PasswordReset, Login), Problem> {
    let hash = token::hash(secret).ok_or_else(not_valid)?;
    let (reset, login, current) = state
        .table
        .password_reset(&hash)
        .await?
        .ok_or_else(not_valid)?;
    if reset.used_at.is_some() {
        return Err(used());
    }
    if Utc::now() >= reset.expires_at {
        return Err(gone(
            ProblemType::LinkExpired,
            "This link has expired. Ask for a new one from the sign-in page.",
        ));
    }
    if current.is_none_or(|c| c.hash != reset.hash) {
        return Err(gone(
            ProblemType::LinkGone,
            "A newer link has been sent: use the one in the latest email.",
        ));
    }
    let login = login
        .filter(|l| l.username == reset.username)
        .ok_or_else(not_valid)?;
    if refused(state, &login).await?.is_some() {
        return Err(gone(
            ProblemType::LinkGone,
            "This link no longer works for this account.",
        ));
    }
    Ok((reset, login))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResetToken {
    /// The secret from the link's `#token=` fragment.
    pub token: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResetLink {
    /// The login whose password the link sets.
    pub email: String,
}

/// What a reset link is for, before the new password is chosen.
#[utoipa::path(
    post,
    path = "/api/v1/auth/password/inspect",
    tag = "auth",
    request_body = ResetToken,
    responses(
        (status = 200, description = "The login the link resets", body = ResetLink),
        (status = 404, description = "Not a reset link", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Used, expired, replaced by a newer link, or the account may no longer reset", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn inspect_password_reset(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<ResetToken>,
) -> Result<Json<ResetLink>, Problem> {
    let (reset, _) = usable(&state, &request.token).await?;
    Ok(Json(ResetLink {
        email: reset.email.to_string(),
    }))
}

/// Choose a new password from a reset link. Every session signed in before ends: their
/// refresh tokens stop working.
#[utoipa::path(
    post,
    path = "/api/v1/auth/password/reset",
    tag = "auth",
    request_body = api::passwords::ChosenPassword,
    responses(
        (status = 200, description = "The password is set; sign in with it", body = ResetLink),
        (status = 404, description = "Not a reset link", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Used, expired, replaced by a newer link, or the account may no longer reset", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The password is too weak", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn reset_password(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    ApiJson(request): ApiJson<api::passwords::ChosenPassword>,
) -> Result<Json<ResetLink>, Problem> {
    let (reset, login) = usable(&state, &request.token).await?;
    let password = api::passwords::checked(&request.password, &reset.email)?;
    let now = Utc::now();
    api::passwords::set_spending_link(
        &state,
        &reset.username,
        &reset.email,
        &password,
        state.table.claim_password_reset(&reset.hash, now),
        || state.table.release_password_reset(&reset.hash, now),
        used(),
    )
    .await?;
    let mut record = AuditRecord::new(
        Action::ResetPassword,
        reset.email.as_str(),
        &ip,
        Outcome::Success,
    );
    record = match &login.customer_id {
        Some(customer) => record
            .by(&login.partner_id, None)
            .target(customer.to_string()),
        None => record
            .by(&login.partner_id, Some(&login.user_id))
            .target(login.user_id.to_string()),
    };
    state.table.record(&record).await?;
    // Whoever had the old password (or a session from it) is out from now on. The audit
    // above is written first: the password is set, whatever happens here.
    state
        .identity()
        .sign_out_everywhere(&reset.username)
        .await?;
    Ok(Json(ResetLink {
        email: reset.email.to_string(),
    }))
}
