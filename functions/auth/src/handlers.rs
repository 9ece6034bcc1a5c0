//! Handlers: parse, check limits, call the identity provider and the table, map results.

use adapters::identity::{IdentityError, Tokens};
use adapters::metrics::Metric;
use adapters::services::AppState;
use api::ProblemType;
use api::{
    acting, csv, principal::bearer_token, ApiJson, ApiQuery, Cursor, CustomerAdmin, ListResponse,
    PageParams, Principal, Problem, SourceIp,
};
use axum::{
    extract::State,
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use chrono::Utc;
use domain::authorization::{authorize, Action as Authz, Grant, Resource};
use domain::{
    audit::{Action, AuditRecord, Outcome},
    customer::ManagementType,
    partner::{Partner, Program, SignUp, SignUpRequest},
    user::{username, UserStatus},
    EmailAddress, FieldError, PartnerId, Role, User, UserId,
};
use serde::{Deserialize, Serialize};
use store::{accounts::CreateError, audit::AuditQuery, PageQuery};
use utoipa::ToSchema;

mod activity;
mod client_token;
pub use activity::*;
pub use client_token::*;

/// The refresh token's cookie: sent only to the auth endpoints, never readable by script.
const REFRESH_COOKIE: &str = "pc_refresh";
const REFRESH_COOKIE_PATH: &str = "/api/v1/auth";
const REFRESH_COOKIE_MAX_AGE: u64 = 30 * 24 * 3600;

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub partner: Partner,
    pub user: User,
    /// The user's role as the console names it.
    pub role_name: String,
    /// The partner requires two-step verification and this user has not set it up: every
    /// other endpoint answers 403 `mfa-required` until they do.
    pub mfa_setup_required: bool,
    /// What the user's role allows across the account, for showing only what they can do
    /// (each customer's own level comes with its profile).
    pub can: Permissions,
}

/// The account-wide actions the signed-in user's role allows.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Permissions {
    pub activate_program: bool,
    pub add_customers: bool,
    pub import_customers: bool,
    pub view_users: bool,
    pub manage_users: bool,
    pub manage_roles: bool,
    pub manage_security: bool,
    pub view_audit_trail: bool,
    /// Case Management (support tickets).
    pub support_tickets: bool,
}

impl Permissions {
    fn of(grant: &Grant) -> Self {
        let may = |action, resource| authorize(grant, action, resource).is_ok();
        let others = Resource::User { own: false };
        Permissions {
            activate_program: may(Authz::ActivateProgramSerial, Resource::Partner),
            add_customers: may(Authz::AddCustomer, Resource::Partner),
            import_customers: may(Authz::ImportCustomer, Resource::Partner),
            view_users: may(Authz::ViewUsers, others),
            manage_users: may(Authz::ManageUsers, others),
            manage_roles: may(Authz::ManageRoles, Resource::Partner),
            manage_security: may(Authz::ManageSecurity, Resource::Partner),
            view_audit_trail: may(Authz::ViewAuditTrail, Resource::Partner),
            support_tickets: may(Authz::SupportTickets, Resource::Partner),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignInRequest {
    #[schema(format = "email", max_length = 254)]
    pub email: String,
    #[schema(min_length = 1)]
    pub password: String,
}

/// An access token for the `Authorization: Bearer` header. The refresh token is set as an
/// HttpOnly cookie alongside.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i32,
    /// Whose session it is: a partner user's (the console) or a customer admin's (the
    /// customer portal).
    pub account: AccountKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum AccountKind {
    Partner,
    Customer,
}

/// Which kind of account an access token just issued by the identity provider is for
/// (its `username` claim names a customer for customer admins).
fn account_kind(access_token: &str) -> AccountKind {
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
    let username = access_token
        .split('.')
        .nth(1)
        .and_then(|p| URL_SAFE_NO_PAD.decode(p.trim_end_matches('=')).ok())
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .and_then(|v| v["username"].as_str().map(String::from))
        .unwrap_or_default();
    if CustomerAdmin::from_username(&username).is_some() {
        AccountKind::Customer
    } else {
        AccountKind::Partner
    }
}

fn now_secs() -> i64 {
    Utc::now().timestamp()
}

/// Applies the per-IP and per-email limits of one operation: two conditional updates.
pub(crate) async fn rate_limit(
    state: &AppState,
    operation: &str,
    ip: &str,
    email: &EmailAddress,
    limits: (adapters::config::Limit, adapters::config::Limit),
) -> Result<(), Problem> {
    let now = now_secs();
    let t = &state.table;
    if let Err(l) = t.hit(&format!("{operation}-ip"), ip, limits.0, now).await? {
        return Err(Problem::too_many_requests(l.retry_after_secs));
    }
    if let Err(l) = t
        .hit(&format!("{operation}-email"), email.as_str(), limits.1, now)
        .await?
    {
        return Err(Problem::too_many_requests(l.retry_after_secs));
    }
    Ok(())
}

/// Create a partner account (the guide's Partner Signup).
///
/// Creates the partner, its first user as Partner Administrator and the email's guard in
/// one transaction, and the user in the identity provider. The email must not exist
/// anywhere in the system, in any letter case.
#[utoipa::path(
    post,
    path = "/api/v1/auth/sign-up",
    tag = "auth",
    request_body = SignUpRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key replay the first response")),
    responses(
        (status = 201, description = "The account was created", body = Account),
        api::responses::MalformedJson,
        (status = 409, description = "The email is already registered", body = Problem, content_type = "application/problem+json"),
        api::responses::TooLarge,
        api::responses::InvalidFields,
        (status = 429, description = "Too many sign-ups", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn sign_up(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    ApiJson(request): ApiJson<SignUpRequest>,
) -> Result<Response, Problem> {
    let form = SignUp::parse(request).map_err(Problem::validation)?;
    let c = &state.config;
    rate_limit(
        &state,
        "sign-up",
        &ip,
        &form.email,
        (c.sign_up_per_ip, c.sign_up_per_email),
    )
    .await?;

    let now = Utc::now();
    let partner = Partner {
        id: PartnerId::generate(),
        company: form.company,
        contact: form.contact,
        program: Program::Reseller,
        terms_accepted_at: now,
        created_at: now,
        version: 1,
        partner_admins: 1,
        require_mfa: false,
        support: Default::default(),
        language: Default::default(),
        // Confirmed by the link in the sign-up email.
        email_verified: false,
        consent_reminders: Default::default(),
    };
    let user = User {
        id: UserId::generate(),
        partner_id: partner.id.clone(),
        email: form.email,
        first_name: partner.contact.first_name.clone(),
        last_name: partner.contact.last_name.clone(),
        role: Role::PartnerAdministrator,
        status: UserStatus::Active,
        contacts: Vec::new(),
        mfa: false,
        api_client: false,
        invitation: None,
        created_at: now,
        version: 1,
    };
    let login = username(&partner.id, &user.id);
    let identity = state.identity();
    match identity
        .create_user(&login, user.email.as_str(), form.password.expose())
        .await
    {
        Ok(()) => {}
        Err(IdentityError::InvalidPassword(reason)) => {
            return Err(Problem::validation(vec![FieldError {
                field: "password".into(),
                message: reason,
            }]))
        }
        Err(e) => return Err(e.into()),
    }
    let audit = AuditRecord::new(
        Action::PartnerSignUp,
        user.email.as_str(),
        &ip,
        Outcome::Success,
    )
    .by(&partner.id, Some(&user.id))
    .target(partner.id.to_string());
    let (pending, link, secret) = crate::verification::for_sign_up(&state, &partner, &user);
    if let Err(e) = state
        .table
        .create_partner(&partner, &user, Some((&pending, &link)), &audit)
        .await
    {
        // A transport failure can hide a commit: if the guard names this login, it did.
        let committed = match &e {
            CreateError::Store(_) => state
                .table
                .find_login(&user.email)
                .await
                .is_ok_and(|l| l.is_some_and(|l| l.username == login)),
            _ => false,
        };
        if !committed {
            // The account does not exist: neither may its login.
            if let Err(cleanup) = identity.delete_user(&login).await {
                tracing::error!(error = %cleanup, username = %login, "orphaned identity-provider user");
            }
            return Err(match e {
                CreateError::EmailTaken => Problem::conflict(
                    ProblemType::EmailRegistered,
                    "An account with this email already exists.",
                ),
                CreateError::EmailContended => Problem::conflict(
                    ProblemType::RequestInProgress,
                    "Another sign-up with this email is in progress; try again shortly.",
                ),
                CreateError::Store(e) => e.into(),
            });
        }
    }
    tracing::info!(partner = %partner.id, "partner signed up");
    state.metrics.emit(Metric::SignUps, 1);
    crate::verification::send(&state, &partner, &user, &secret, link.expires_at).await;
    let location = HeaderValue::from_static("/api/v1/me");
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(Account {
            can: Permissions::of(&Grant::PartnerAdministrator),
            mfa_setup_required: false,
            role_name: user.role.builtin_name().unwrap_or_default().to_string(),
            partner,
            user,
        }),
    )
        .into_response())
}

fn refresh_cookie(state: &AppState, value: &str, max_age: u64) -> HeaderValue {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{REFRESH_COOKIE}={value}; HttpOnly{secure}; SameSite=Strict; Path={REFRESH_COOKIE_PATH}; Max-Age={max_age}"
    );
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn session_response(state: &AppState, tokens: Tokens) -> Response {
    let mut response = Json(Session {
        account: account_kind(&tokens.access_token),
        access_token: tokens.access_token,
        token_type: "Bearer".into(),
        expires_in: tokens.expires_in,
    })
    .into_response();
    let headers = response.headers_mut();
    if let Some(refresh) = tokens.refresh_token {
        headers.insert(
            header::SET_COOKIE,
            refresh_cookie(state, &refresh, REFRESH_COOKIE_MAX_AGE),
        );
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn mfa_required(session: String) -> Problem {
    let mut p =
        Problem::unauthorized("Enter the code from your authenticator app to finish signing in.")
            .kind(ProblemType::MfaRequired);
    p.challenge = Some(session.into());
    p
}

/// Whether a sign-in's tokens came after the second step (the TOTP code), or straight
/// from the password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SecondStep {
    Answered,
    NotAsked,
}

/// Why a sign-in whose credentials were right gets no session: the reason its audit
/// record gives, what it is about, and the answer.
struct Refusal {
    reason: &'static str,
    target: Option<String>,
    problem: Problem,
}

/// Two-step verification is on for the user (their item says so: the console's policy,
/// whatever the identity provider's preference says), yet the identity provider issued
/// tokens without asking for the code: the preference was turned off outside the
/// console. The preference is turned back on, so the next sign-in asks for the code.
async fn second_step_skipped(state: &AppState, login: &store::accounts::Login) -> Refusal {
    let restored = match state.identity().set_mfa(&login.username, true).await {
        Ok(()) => true,
        Err(e) => {
            tracing::error!(error = %e, user = %login.user_id, "two-step verification not turned back on");
            false
        }
    };
    let detail = if restored {
        "Two-step verification is on for your user, but it was turned off outside the console, \
         so this sign-in did not ask for your code and was refused. It is back on: sign in again \
         and enter the code from your authenticator app. If you no longer have the app, ask a \
         partner administrator to reset your two-step verification."
    } else {
        "Two-step verification is on for your user, but this sign-in did not ask for your code, \
         so it was refused. Ask a partner administrator to reset your two-step verification, \
         then sign in again and set it up."
    };
    Refusal {
        reason: "second step skipped",
        target: None,
        problem: Problem::forbidden(detail).kind(ProblemType::MfaSkipped),
    }
}

/// Why the signed-in user may not have a session although their credentials were right:
/// a disabled user (even if disabling them at the identity provider failed), a
/// partner-managed customer's admin, or a user with two-step verification whose tokens
/// came without it.
async fn refusal(
    state: &AppState,
    login: &store::accounts::Login,
    second_step: SecondStep,
) -> Result<Option<Refusal>, Problem> {
    // A partner-managed customer cannot sign in to its own account (the guide's
    // "Management status"); the partner opens it with "Manage customer".
    if let Some(customer) = &login.customer_id {
        let account = state.table.customer_account(customer).await?;
        let managed =
            account.is_some_and(|a| a.customer.management == ManagementType::PartnerManaged);
        return Ok(managed.then(|| Refusal {
            reason: "partner-managed account",
            target: Some(customer.to_string()),
            problem: Problem::forbidden(
                "Your partner manages this account for you, so it cannot be signed in to. \
                 Contact your partner.",
            )
            .kind(ProblemType::PartnerManaged),
        }));
    }
    let scope = store::PartnerScope::new(login.partner_id.clone());
    let Some(user) = state.table.user(&scope, &login.user_id).await? else {
        return Ok(None);
    };
    if user.status == UserStatus::Disabled {
        return Ok(Some(Refusal {
            reason: "disabled user",
            target: None,
            problem: Problem::forbidden(
                "This user has been disabled. Ask a partner administrator.",
            )
            .kind(ProblemType::UserDisabled),
        }));
    }
    if user.mfa && !user.api_client && second_step == SecondStep::NotAsked {
        return Ok(Some(second_step_skipped(state, login).await));
    }
    Ok(None)
}

/// Finishes a sign-in whose password (and code) were right: the session, unless the
/// user may not have one ([`refusal`]); then the tokens the identity provider issued are
/// handed to nobody and revoked (global sign-out: every refresh token of the user).
async fn signed_in(
    state: &AppState,
    login: &store::accounts::Login,
    record: AuditRecord,
    tokens: adapters::identity::Tokens,
    second_step: SecondStep,
) -> Result<Response, Problem> {
    let Some(refused) = refusal(state, login, second_step).await? else {
        state.table.record(&record).await?;
        return Ok(session_response(state, tokens));
    };
    match state.identity().sign_out(&tokens.access_token).await {
        Ok(()) | Err(IdentityError::NotAuthorized) => {}
        Err(e) => {
            tracing::error!(error = %e, user = %login.user_id, "refused sign-in's tokens not revoked")
        }
    }
    let mut r = AuditRecord {
        outcome: Outcome::Failure,
        ..record
    }
    .reason(refused.reason);
    if let Some(target) = refused.target {
        r = r.target(target);
    }
    state.table.record(&r).await?;
    Err(refused.problem)
}

/// The second step of signing in with two-step verification.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MfaSignInRequest {
    #[schema(format = "email", max_length = 254)]
    pub email: String,
    /// `challenge` from the sign-in's `mfa-required` answer.
    pub session: String,
    /// The six digits the authenticator app shows now.
    #[schema(pattern = r"^\s*(?:[0-9]\s*){6}$")]
    pub code: String,
}

pub(crate) fn code_field(code: &str) -> Result<String, Problem> {
    let c: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit()) {
        Ok(c)
    } else {
        Err(Problem::validation(vec![domain::FieldError {
            field: "code".into(),
            message: "must be the 6 digits your authenticator app shows".into(),
        }]))
    }
}

/// Finish signing in with the code from the authenticator app.
#[utoipa::path(
    post,
    path = "/api/v1/auth/sign-in/mfa",
    tag = "auth",
    request_body = MfaSignInRequest,
    responses(
        (status = 200, description = "Signed in; the refresh token is set as an HttpOnly cookie", body = Session),
        (status = 401, description = "The code is wrong (try again), or the sign-in expired (start again)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The user has been disabled (`user-disabled`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a 6-digit code", body = Problem, content_type = "application/problem+json"),
        api::responses::TooManyAttempts,
    )
)]
pub async fn sign_in_mfa(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    ApiJson(request): ApiJson<MfaSignInRequest>,
) -> Result<Response, Problem> {
    let email = EmailAddress::parse(&request.email).map_err(|m| {
        Problem::validation(vec![domain::FieldError {
            field: "email".into(),
            message: m,
        }])
    })?;
    let code = code_field(&request.code)?;
    let c = &state.config;
    rate_limit(
        &state,
        "sign-in-mfa",
        &ip,
        &email,
        (c.sign_in_per_ip, c.sign_in_per_email),
    )
    .await?;
    let login = state
        .table
        .find_login(&email)
        .await?
        .ok_or_else(sign_in_failed)?;
    let r = AuditRecord::new(Action::SignIn, email.as_str(), &ip, Outcome::Success)
        .by(&login.partner_id, Some(&login.user_id))
        .target(login.user_id.to_string());
    match state
        .identity()
        .answer_mfa(&login.username, &request.session, &code)
        .await
    {
        Ok(tokens) => signed_in(&state, &login, r, tokens, SecondStep::Answered).await,
        Err(IdentityError::CodeMismatch) => {
            let r = AuditRecord {
                outcome: Outcome::Failure,
                ..r
            }
            .reason("incorrect one-time code");
            state.table.record(&r).await?;
            Err(
                Problem::unauthorized("That code is not correct: try the current one.")
                    .kind(ProblemType::MfaCodeMismatch),
            )
        }
        Err(IdentityError::NotAuthorized) => Err(Problem::unauthorized(
            "This sign-in has expired: sign in with your password again.",
        )
        .kind(ProblemType::MfaSessionExpired)),
        Err(e) => Err(e.into()),
    }
}

fn sign_in_failed() -> Problem {
    Problem::unauthorized("Incorrect email or password.")
}

/// Sign in with email and password.
///
/// Every attempt, successful or not, writes an audit record with the source IP: in the
/// partner's Security Audit once the password was right, apart from it otherwise.
#[utoipa::path(
    post,
    path = "/api/v1/auth/sign-in",
    tag = "auth",
    request_body = SignInRequest,
    responses(
        (status = 200, description = "Signed in; the refresh token is set as an HttpOnly cookie", body = Session),
        (status = 401, description = "Incorrect email or password; or `mfa-required`: the password was right, answer `challenge` at `/auth/sign-in/mfa`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The password was right but no session is given: `partner-managed` (a partner-managed customer's admin), `user-disabled`, or `mfa-skipped` (two-step verification is on for the user but was turned off outside the console: it is turned back on, sign in again)", body = Problem, content_type = "application/problem+json"),
        api::responses::InvalidFields,
        api::responses::TooManyAttempts,
    )
)]
pub async fn sign_in(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    ApiJson(request): ApiJson<SignInRequest>,
) -> Result<Response, Problem> {
    let mut v = domain::Validation::new();
    let email = v.check("email", EmailAddress::parse(&request.email));
    if request.password.is_empty() {
        v.error("password", "is required");
    }
    v.finish().map_err(Problem::validation)?;
    let Some(email) = email else {
        return Err(sign_in_failed());
    };
    let record = |outcome| AuditRecord::new(Action::SignIn, email.as_str(), &ip, outcome);
    let c = &state.config;
    let limited = rate_limit(
        &state,
        "sign-in",
        &ip,
        &email,
        (c.sign_in_per_ip, c.sign_in_per_email),
    )
    .await;
    // Attempts that prove no credential (a limit, an unknown email, a wrong password) are
    // audited apart from any partner's trail: anyone can make them, so they never enter
    // one (`docs/api.md`, "The Security Audit").
    if let Err(problem) = limited {
        // One record per email and limit window, however many attempts are refused.
        let window = domain::rate_limit::window(now_secs(), c.sign_in_per_email.window).0;
        let r = record(Outcome::Failure)
            .reason("too many attempts")
            .once_per(email.as_str(), window);
        state.table.record_once(&r).await?;
        return Err(problem);
    }
    let Some(login) = state.table.find_login(&email).await? else {
        state
            .table
            .record(&record(Outcome::Failure).reason("unknown email"))
            .await?;
        return Err(sign_in_failed());
    };
    // The password first: why an account cannot be signed in to (a partner-managed
    // customer, a disabled user) is told only to whoever knows its password.
    let attempt = state
        .identity()
        .sign_in(&login.username, &request.password)
        .await;
    match attempt {
        Ok(tokens) => {
            let r = record(Outcome::Success)
                .by(&login.partner_id, Some(&login.user_id))
                .target(login.user_id.to_string());
            signed_in(&state, &login, r, tokens, SecondStep::NotAsked).await
        }
        // The password was right; the second step follows at `/auth/sign-in/mfa`.
        Err(IdentityError::MfaRequired { session }) => Err(mfa_required(session)),
        Err(IdentityError::NotAuthorized) => {
            let r = record(Outcome::Failure)
                .target(login.user_id.to_string())
                .reason("incorrect password");
            state.table.record(&r).await?;
            Err(sign_in_failed())
        }
        Err(e) => Err(e.into()),
    }
}

fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
}

/// Exchange the refresh cookie for a new access token.
#[utoipa::path(
    post,
    path = "/api/v1/auth/refresh",
    tag = "auth",
    responses(
        (status = 200, description = "A new access token", body = Session),
        (status = 401, description = "No session, or it was signed out", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn refresh(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, Response> {
    let expired = |state: &AppState| {
        let mut r = Problem::unauthorized("The session has ended: sign in again.").into_response();
        r.headers_mut()
            .insert(header::SET_COOKIE, refresh_cookie(state, "", 0));
        r
    };
    let Some(token) = cookie_value(&headers, REFRESH_COOKIE) else {
        return Err(expired(&state));
    };
    match state.identity().refresh(token).await {
        Ok(tokens) => Ok(session_response(&state, tokens)),
        Err(IdentityError::NotAuthorized) => Err(expired(&state)),
        Err(e) => Err(Problem::from(e).into_response()),
    }
}

/// Sign out: revokes the user's refresh tokens and clears the cookie. For partner users
/// and customer admins alike.
#[utoipa::path(
    post,
    path = "/api/v1/auth/sign-out",
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Signed out"),
        api::responses::Unauthorized,
    )
)]
pub async fn sign_out(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let parts = {
        let mut request = axum::http::Request::new(());
        *request.headers_mut() = headers;
        request.into_parts().0
    };
    let username = api::principal::verified_username(&parts, &state).await?;
    let token = bearer_token(&parts).unwrap_or_default();
    match state.identity().sign_out(token).await {
        // Already revoked elsewhere: the outcome the caller wants.
        Ok(()) | Err(IdentityError::NotAuthorized) => {}
        Err(e) => return Err(e.into()),
    }
    let record = match CustomerAdmin::from_username(&username) {
        // A customer's admin: in their partner's trail, as their other actions are.
        Some(admin) => {
            let k = store::customers::account_key(&admin.customer);
            match state
                .table
                .get::<domain::customer::Customer>(&k.pk, &k.sk)
                .await?
            {
                Some(c) => Some(
                    AuditRecord::new(Action::SignOut, &c.contact.email, &ip, Outcome::Success)
                        .by(&c.partner_id, None)
                        .target(c.id.to_string()),
                ),
                None => None,
            }
        }
        None => {
            let principal = api::Principal::from_username(username)?;
            let (partner, user) = principal.partner_user();
            let email = match state.table.user(&principal.scope(), user).await? {
                Some(u) => u.email.to_string(),
                None => principal.username.clone(),
            };
            Some(
                AuditRecord::new(Action::SignOut, &email, &ip, Outcome::Success)
                    .by(partner, Some(user))
                    .target(user.to_string()),
            )
        }
    };
    if let Some(record) = record {
        state.table.record(&record).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, refresh_cookie(&state, "", 0));
    Ok(response)
}

/// The signed-in user, their company, and what their role allows. One DynamoDB read (two
/// for a custom role).
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in user and their partner", body = Account),
        api::responses::Unauthorized,
        (status = 404, description = "The account no longer exists", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn me(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<Account>, Problem> {
    let (actor, partner) = acting::session(&state, &principal).await?;
    let mfa_setup_required = partner.require_mfa && !actor.user.mfa && !actor.user.api_client;
    let role_name = match &actor.grant {
        Grant::Custom(role) => role.name.clone(),
        _ => actor
            .user
            .role
            .builtin_name()
            .unwrap_or_default()
            .to_string(),
    };
    Ok(Json(Account {
        can: Permissions::of(&actor.grant),
        mfa_setup_required,
        role_name,
        partner,
        user: actor.user,
    }))
}
