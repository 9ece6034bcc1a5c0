//! Two-step verification (TOTP) for the signed-in user: set up with an authenticator app,
//! confirm with its first code, or turn off (unless the partner requires it). The secret
//! lives only at the identity provider, which checks every code.

use adapters::identity::IdentityError;
use adapters::services::AppState;
use api::ProblemType;
use api::{acting, ApiJson, Principal, Problem, SourceIp};
use axum::{extract::State, http::HeaderMap, http::StatusCode, Json};
use domain::{
    audit::{Action, AuditRecord},
    user::username,
    User,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::handlers::code_field;

/// The signed-in person (an API client has no second step: its secret is its credential).
async fn person(
    state: &AppState,
    principal: &Principal,
) -> Result<(acting::Actor, domain::partner::Partner), Problem> {
    let (actor, partner) = acting::session(state, principal).await?;
    if actor.user.api_client {
        return Err(Problem::forbidden(
            "API clients authenticate with their secret and have no two-step verification.",
        ));
    }
    Ok((actor, partner))
}

/// The caller's own access token: the identity provider's enrolment steps act on it.
fn access_token(headers: &HeaderMap) -> Result<&str, Problem> {
    headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| Problem::unauthorized("Sign in: this request needs an access token."))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MfaSetup {
    /// The key to type into an authenticator app (base32).
    pub secret_code: String,
    /// The same as an `otpauth://` link, for a QR code.
    pub otpauth_uri: String,
}

fn uri_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Start setting up two-step verification: a new secret for the authenticator app.
#[utoipa::path(
    post,
    path = "/api/v1/me/mfa/setup",
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The secret for the authenticator app", body = MfaSetup),
        api::responses::Unauthorized,
    )
)]
pub async fn setup(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    headers: HeaderMap,
) -> Result<Json<MfaSetup>, Problem> {
    let (actor, partner) = person(&state, &principal).await?;
    let token = access_token(&headers)?;
    let secret = match state.identity().associate_totp(token).await {
        Ok(s) => s,
        Err(IdentityError::NotAuthorized) => {
            return Err(Problem::unauthorized("The access token is not valid."))
        }
        Err(e) => return Err(e.into()),
    };
    let user = &actor.user;
    state
        .table
        .record(&AuditRecord::of_user(
            user,
            Action::SetupMfa,
            &ip,
            user.id.to_string(),
        ))
        .await?;
    let label = format!("{}:{}", partner.company.name, actor.user.email);
    Ok(Json(MfaSetup {
        otpauth_uri: format!(
            "otpauth://totp/{}?secret={secret}&issuer={}",
            uri_escape(&label),
            uri_escape(&partner.company.name)
        ),
        secret_code: secret,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MfaCode {
    /// The six digits the authenticator app shows now.
    #[schema(pattern = r"^\s*(?:[0-9]\s*){6}$")]
    pub code: String,
}

async fn save(
    state: &AppState,
    principal: &Principal,
    before: &User,
    mfa: bool,
    action: Action,
    ip: &str,
) -> Result<(), Problem> {
    let mut after = before.clone();
    after.mfa = mfa;
    after.version += 1;
    let record = AuditRecord::of_user(before, action, ip, before.id.to_string());
    state
        .table
        .save_user(&principal.scope(), before, &after, None, &record)
        .await
        .map_err(|e| match e {
            store::accounts::UserError::Store(e) => Problem::from(e),
            _ => Problem::conflict(
                ProblemType::Changed,
                "Your user changed meanwhile: try again.",
            ),
        })
}

/// Confirm the setup with the app's current code: from the next sign-in, the code is
/// asked for after the password.
#[utoipa::path(
    post,
    path = "/api/v1/me/mfa/verify",
    tag = "auth",
    security(("bearer" = [])),
    request_body = MfaCode,
    responses(
        (status = 204, description = "Two-step verification is on"),
        api::responses::Unauthorized,
        (status = 422, description = "Not the current code", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn verify(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    headers: HeaderMap,
    ApiJson(request): ApiJson<MfaCode>,
) -> Result<StatusCode, Problem> {
    let (actor, _) = person(&state, &principal).await?;
    let token = access_token(&headers)?;
    let code = code_field(&request.code)?;
    let user = &actor.user;
    match state
        .identity()
        .verify_totp(token, &username(&user.partner_id, &user.id), &code)
        .await
    {
        Ok(()) => {}
        Err(IdentityError::NotAuthorized) => {
            return Err(Problem::unauthorized("The access token is not valid."))
        }
        Err(IdentityError::CodeMismatch) => {
            return Err(Problem::validation(vec![domain::FieldError {
                field: "code".into(),
                message: "is not the code your app shows now".into(),
            }]))
        }
        Err(e) => return Err(e.into()),
    }
    save(&state, &principal, user, true, Action::EnableMfa, &ip).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Turn two-step verification off (not while the partner requires it).
#[utoipa::path(
    delete,
    path = "/api/v1/me/mfa",
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Two-step verification is off"),
        api::responses::Unauthorized,
        (status = 409, description = "Your company requires it", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn disable(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
) -> Result<StatusCode, Problem> {
    let (actor, partner) = person(&state, &principal).await?;
    if partner.require_mfa {
        return Err(Problem::conflict(
            ProblemType::MfaRequiredByPartner,
            "Your company requires two-step verification for every user.",
        ));
    }
    let user = &actor.user;
    state
        .identity()
        .set_mfa(&username(&user.partner_id, &user.id), false)
        .await?;
    if user.mfa {
        save(&state, &principal, user, false, Action::DisableMfa, &ip).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}
