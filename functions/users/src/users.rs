//! Administration > Users (the guide's "Creating a user"), My User Settings and contact
//! preferences ("Changing user profile settings and adding contact preferences").

use adapters::emails;
use adapters::services::AppState;
use api::ProblemType;
use api::{
    acting::{self, Actor},
    csv::{self, CsvRow},
    versions::{check_if_match, with_etag},
    ApiJson, ApiQuery, Cursor, ListResponse, PageParams, Principal, Problem, SourceIp,
};
use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use chrono::{DateTime, Utc};
use domain::{
    audit::{Action as Audited, AuditRecord},
    authorization::{Action, Resource},
    mail::{MailSuppression, MailSuppressionView},
    partner::Partner,
    role::CustomRole,
    token,
    user::{
        put_contact, ContactPreference, ContactRequest, NewUserRequest, UserStatus,
        UserUpdateRequest,
    },
    ContactId, FieldError, Role, User, UserId,
};
use serde::{Deserialize, Serialize};
use store::{
    accounts::{Invitation, UserError},
    PageQuery,
};
use utoipa::{IntoParams, ToSchema};

/// A user as the Users page and My User Settings show them.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    /// `partnerAdministrator`, `administrator` or a custom role's id.
    pub role: String,
    pub role_name: String,
    pub status: UserStatus,
    pub contacts: Vec<ContactPreference>,
    /// Signs in with a one-time code after the password (two-step verification).
    pub mfa: bool,
    pub created_at: DateTime<Utc>,
    pub version: u64,
    /// The partner's mail no longer goes to this address: it bounced ("Email bounced") or
    /// marked mail as spam ("Marked as spam"). An administrator lifts it with
    /// `DELETE /api/v1/mail-suppressions/{email}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mail_suppression: Option<MailSuppressionView>,
}

/// A role's name for display: the built-in name, or the custom role's (one of `roles`).
pub(crate) fn role_name(role: &Role, roles: &[CustomRole]) -> String {
    match role {
        Role::Custom(id) => roles
            .iter()
            .find(|r| &r.id == id)
            .map_or_else(|| "(deleted role)".to_string(), |r| r.name.clone()),
        builtin => builtin.builtin_name().unwrap_or_default().to_string(),
    }
}

impl UserView {
    /// `suppressions`: the partner's suppressed addresses (any that are the user's show).
    pub fn new(user: &User, roles: &[CustomRole], suppressions: &[MailSuppression]) -> Self {
        UserView {
            id: user.id.to_string(),
            email: user.email.to_string(),
            first_name: user.first_name.clone(),
            last_name: user.last_name.clone(),
            role: user.role.to_string(),
            role_name: role_name(&user.role, roles),
            status: user.status,
            contacts: user.contacts.clone(),
            mfa: user.mfa,
            created_at: user.created_at,
            version: user.version,
            mail_suppression: suppressions
                .iter()
                .find(|s| s.email == user.email)
                .map(Into::into),
        }
    }
}

impl CsvRow for UserView {
    fn headers() -> &'static [&'static str] {
        &[
            "Email",
            "First Name",
            "Last Name",
            "Role",
            "Status",
            "Created",
        ]
    }

    fn row(&self) -> Vec<String> {
        vec![
            self.email.clone(),
            self.first_name.clone(),
            self.last_name.clone(),
            self.role_name.clone(),
            format!("{:?}", self.status).to_lowercase(),
            self.created_at.to_rfc3339(),
        ]
    }
}

pub(crate) fn field_error(field: &str, message: impl Into<String>) -> Problem {
    Problem::validation(vec![FieldError {
        field: field.into(),
        message: message.into(),
    }])
}

pub(crate) fn no_such_user() -> Problem {
    Problem::not_found("No such user.")
}

pub(crate) fn changed_meanwhile() -> Problem {
    Problem::conflict(
        ProblemType::Changed,
        "It was changed by someone else meanwhile: reload and try again.",
    )
}

fn last_admin() -> Problem {
    Problem::conflict(
        ProblemType::LastPartnerAdministrator,
        "This is the last partner administrator: make another user a partner administrator \
         first, so the account keeps one.",
    )
}

pub(crate) fn user_problem(e: UserError) -> Problem {
    match e {
        UserError::EmailTaken => Problem::conflict(
            ProblemType::EmailTaken,
            "This email address already has an account: every login is unique in the system.",
        ),
        UserError::Conflict => changed_meanwhile(),
        UserError::LastPartnerAdministrator => last_admin(),
        UserError::Store(e) => e.into(),
    }
}

/// The actor and the user a path names (the actor themselves, or another user whom the
/// actor may `action`). Another partner's user, or an id of another shape: 404.
async fn target(
    state: &AppState,
    principal: &Principal,
    raw_id: &str,
    action: Action,
) -> Result<(Actor, User), Problem> {
    let id = UserId::parse(raw_id).map_err(|_| no_such_user())?;
    let (_, me) = principal.partner_user();
    let own = &id == me;
    let actor = acting::user(state, principal, action, Resource::User { own }).await?;
    if own {
        let user = actor.user.clone();
        return Ok((actor, user));
    }
    let user = state
        .table
        .user(&principal.scope(), &id)
        .await?
        .filter(|u| !u.api_client)
        .ok_or_else(no_such_user)?;
    Ok((actor, user))
}

/// A custom role named in a form must be one of the partner's.
async fn check_role(state: &AppState, principal: &Principal, role: &Role) -> Result<(), Problem> {
    if let Role::Custom(id) = role {
        if state.table.role(&principal.scope(), id).await?.is_none() {
            return Err(field_error("role", "is not one of your roles"));
        }
    }
    Ok(())
}

/// The user as pages show them: with their custom role's name (one read), if any.
async fn view(state: &AppState, principal: &Principal, user: &User) -> Result<UserView, Problem> {
    let role = match user.role.custom() {
        Some(id) => state.table.role(&principal.scope(), id).await?,
        None => None,
    };
    let suppression = state
        .table
        .mail_suppression(&principal.scope(), &user.email)
        .await?;
    Ok(UserView::new(user, role.as_slice(), suppression.as_slice()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UserListParams {
    /// Users per page, 1–100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i32>,
    /// `nextCursor` from the previous page.
    pub cursor: Option<String>,
    /// `csv` for a CSV download of every user.
    pub format: Option<String>,
}

/// Administration > Users: the partner's users, oldest first. Answers CSV with
/// `Accept: text/csv` or `?format=csv`.
#[utoipa::path(
    get,
    path = "/api/v1/users",
    tag = "users",
    security(("bearer" = [])),
    params(UserListParams),
    responses(
        (status = 200, description = "A page of users", body = ListResponse<UserView>,
            content(
                (ListResponse<UserView> = "application/json"),
                (String = "text/csv"),
            )),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        (status = 422, description = "A bad limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_users(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<UserListParams>,
) -> Result<Response, Problem> {
    acting::user(
        &state,
        &principal,
        Action::ViewUsers,
        Resource::User { own: false },
    )
    .await?;
    let scope = principal.scope();
    let pk = scope.pk();
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
        format: None,
    };
    let csv = csv::wants_csv(&headers, params.format.as_deref());
    let query = PageQuery {
        index: None,
        pk: &pk,
        prefix: "USER#",
        // API clients are listed on their own page.
        limit: if csv {
            api::pagination::MAX_LIMIT
        } else {
            page.limit()?
        },
        newest_first: false,
        start: if csv { None } else { page.start(None, &pk)? },
        filter: Some(store::Filter {
            expression: "attribute_not_exists(apiClient)".into(),
            ..Default::default()
        }),
        range: None,
    };
    let (roles, suppressions) = tokio::try_join!(
        state.table.roles(&scope),
        state.table.mail_suppressions(scope.partner_id())
    )?;
    if csv {
        let users = csv::every_page(|start| {
            let query = PageQuery {
                start,
                ..query.clone()
            };
            state.table.query_page::<User>(query)
        })
        .await?;
        let rows: Vec<UserView> = users
            .iter()
            .map(|u| UserView::new(u, &roles, &suppressions))
            .collect();
        return Ok(csv::response(&rows, "users.csv"));
    }
    let p = state.table.query_page::<User>(query).await?;
    Ok(Json(ListResponse {
        items: p
            .items
            .iter()
            .map(|u| UserView::new(u, &roles, &suppressions))
            .collect(),
        next_cursor: p.next.as_ref().map(Cursor::encode),
    })
    .into_response())
}

/// A new invitation for `user`: the secret for the email and the stored record.
fn invitation(state: &AppState, user: &User) -> Result<(String, Invitation), Problem> {
    let secret = token::generate();
    let invitation = Invitation {
        hash: token::hash(&secret).ok_or_else(|| Problem::internal("token hash"))?,
        partner_id: user.partner_id.clone(),
        user_id: user.id.clone(),
        expires_at: Utc::now() + state.config.welcome_link_ttl,
    };
    Ok((secret, invitation))
}

async fn send_invitation(
    state: &AppState,
    user: &User,
    partner: &Partner,
    by: &User,
    secret: &str,
    invitation: &Invitation,
) {
    let link = emails::invitation_link(&state.config.console_url, secret);
    let message = emails::invitation(user, partner, by, &link, invitation.expires_at);
    if let Err(e) = state.send_mail(&message).await {
        // The user exists; "Send the invitation again" sends a new link.
        tracing::error!(error = %e, "invitation email not sent");
    }
}

/// Add User: the new user is invited by email to choose a password. The email must not
/// exist anywhere in the system.
#[utoipa::path(
    post,
    path = "/api/v1/users",
    tag = "users",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    request_body = NewUserRequest,
    responses(
        (status = 201, description = "Added and invited", body = UserView),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        (status = 409, description = "The email has an account", body = Problem, content_type = "application/problem+json"),
        api::responses::InvalidFields,
    )
)]
pub async fn add_user(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    ApiJson(request): ApiJson<NewUserRequest>,
) -> Result<Response, Problem> {
    let (actor, partner) = acting::member(
        &state,
        &principal,
        Action::ManageUsers,
        Resource::User { own: false },
    )
    .await?;
    // A new user is emailed their invitation.
    acting::may_send_email(&partner)?;
    let form = request.parse().map_err(Problem::validation)?;
    check_role(&state, &principal, &form.role).await?;
    let mut user = form.build(&partner.id, Utc::now());
    let (secret, invite) = invitation(&state, &user)?;
    user.invitation = Some(invite.hash.clone());
    let record = AuditRecord::of_user(&actor.user, Audited::AddUser, &ip, user.id.to_string());
    state
        .table
        .add_user(&principal.scope(), &user, &invite, &record)
        .await
        .map_err(user_problem)?;
    tracing::info!(user = %user.id, "user added");
    send_invitation(&state, &user, &partner, &actor.user, &secret, &invite).await;
    let body = view(&state, &principal, &user).await?;
    Ok(with_etag(StatusCode::CREATED, &body, user.version))
}

/// A user's profile: one's own (My User Settings), or any user's for the built-in roles.
#[utoipa::path(
    get,
    path = "/api/v1/users/{userId}",
    tag = "users",
    security(("bearer" = [])),
    params(("userId" = String, Path, description = "The user")),
    responses(
        (status = 200, description = "The user; `ETag` carries its version", body = UserView),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        api::responses::NotFound,
    )
)]
pub async fn get_user(
    State(state): State<AppState>,
    principal: Principal,
    Path(user_id): Path<String>,
) -> Result<Response, Problem> {
    let (_, user) = target(&state, &principal, &user_id, Action::ViewUsers).await?;
    let body = view(&state, &principal, &user).await?;
    Ok(with_etag(StatusCode::OK, &body, user.version))
}

/// Edit a user. Anyone changes their own names; a partner administrator changes other
/// users' names, role and status (disable or enable). Nobody changes their own role or
/// disables themselves, and the last partner administrator cannot be demoted or disabled.
#[utoipa::path(
    patch,
    path = "/api/v1/users/{userId}",
    tag = "users",
    security(("bearer" = [])),
    params(
        ("userId" = String, Path, description = "The user"),
        ("If-Match" = Option<String>, Header, description = "The user's ETag"),
    ),
    request_body = UserUpdateRequest,
    responses(
        (status = 200, description = "Changed", body = UserView),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        api::responses::NotFound,
        (status = 409, description = "The last partner administrator, or changed meanwhile", body = Problem, content_type = "application/problem+json"),
        api::responses::StaleVersion,
        api::responses::InvalidFields,
    )
)]
pub async fn update_user(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    Path(user_id): Path<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<UserUpdateRequest>,
) -> Result<Response, Problem> {
    let (actor, before) = target(&state, &principal, &user_id, Action::ManageUsers).await?;
    check_if_match(&headers, before.version)?;
    let change = request.parse().map_err(Problem::validation)?;
    if change.is_empty() {
        return Err(field_error(
            "firstName",
            "give at least one field to change",
        ));
    }
    let manages_users = actor
        .may(Action::ManageUsers, Resource::User { own: false })
        .is_ok();
    change
        .check(&actor.user, &before, manages_users)
        .map_err(|rule| Problem::forbidden(rule.to_string()).kind(ProblemType::UserRule))?;
    if let Some(role) = &change.role {
        check_role(&state, &principal, role).await?;
    }
    let mut after = change.apply(&before);
    if after == before {
        let body = view(&state, &principal, &before).await?;
        return Ok(with_etag(StatusCode::OK, &body, before.version));
    }
    after.version += 1;
    let record = AuditRecord::of_user(&actor.user, Audited::UpdateUser, &ip, before.id.to_string());
    state
        .table
        .save_user(&principal.scope(), &before, &after, None, &record)
        .await
        .map_err(user_problem)?;
    if before.status != after.status {
        let username = domain::user::username(&after.partner_id, &after.id);
        state
            .identity()
            .set_enabled(&username, after.status != UserStatus::Disabled)
            .await?;
    }
    let body = view(&state, &principal, &after).await?;
    Ok(with_etag(StatusCode::OK, &body, after.version))
}

/// Remove a user: their login is freed; their audit records stay. Never the last
/// partner administrator, and never oneself.
#[utoipa::path(
    delete,
    path = "/api/v1/users/{userId}",
    tag = "users",
    security(("bearer" = [])),
    params(
        ("userId" = String, Path, description = "The user"),
        ("If-Match" = Option<String>, Header, description = "The user's ETag"),
    ),
    responses(
        (status = 204, description = "Removed"),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        api::responses::NotFound,
        (status = 409, description = "Oneself, the last partner administrator, or changed meanwhile", body = Problem, content_type = "application/problem+json"),
        api::responses::StaleVersion,
    )
)]
pub async fn remove_user(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    Path(user_id): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, Problem> {
    let id = UserId::parse(&user_id).map_err(|_| no_such_user())?;
    let (_, me) = principal.partner_user();
    if &id == me {
        // Checked before the role: removing oneself is refused for every role alike.
        return Err(Problem::conflict(
            ProblemType::OwnAccount,
            "You cannot remove your own user; another partner administrator can.",
        ));
    }
    let (actor, user) = target(&state, &principal, &user_id, Action::ManageUsers).await?;
    check_if_match(&headers, user.version)?;
    let record = AuditRecord::of_user(&actor.user, Audited::RemoveUser, &ip, user.id.to_string());
    state
        .table
        .remove_user(&principal.scope(), &user, &record)
        .await
        .map_err(user_problem)?;
    let username = domain::user::username(&user.partner_id, &user.id);
    match state.identity().delete_user(&username).await {
        Ok(()) | Err(adapters::identity::IdentityError::UserNotFound) => {}
        Err(e) => return Err(e.into()),
    }
    tracing::info!(user = %user.id, "user removed");
    Ok(StatusCode::NO_CONTENT)
}

/// Send an invited user a new invitation (the previous link stops working).
#[utoipa::path(
    post,
    path = "/api/v1/users/{userId}/invitation",
    tag = "users",
    security(("bearer" = [])),
    params(("userId" = String, Path, description = "The user")),
    responses(
        (status = 200, description = "Sent; the user with its new version (`ETag`)", body = UserView),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        api::responses::NotFound,
        (status = 409, description = "The user has accepted already, or the address bounced or marked mail as spam (`/problems/address-suppressed`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn resend_invitation(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    Path(user_id): Path<String>,
) -> Result<Response, Problem> {
    let id = UserId::parse(&user_id).map_err(|_| no_such_user())?;
    let (actor, partner) = acting::member(
        &state,
        &principal,
        Action::ManageUsers,
        Resource::User { own: false },
    )
    .await?;
    acting::may_send_email(&partner)?;
    let before = state
        .table
        .user(&principal.scope(), &id)
        .await?
        .filter(|u| !u.api_client)
        .ok_or_else(no_such_user)?;
    if before.status != UserStatus::Invited {
        return Err(Problem::conflict(
            ProblemType::InvitationAccepted,
            "This user has chosen a password already and signs in with it.",
        ));
    }
    acting::may_email(&state, &partner, &before.email).await?;
    let (secret, invite) = invitation(&state, &before)?;
    let mut after = before.clone();
    after.invitation = Some(invite.hash.clone());
    after.version += 1;
    let record = AuditRecord::of_user(
        &actor.user,
        Audited::ResendInvitation,
        &ip,
        before.id.to_string(),
    );
    state
        .table
        .save_user(&principal.scope(), &before, &after, Some(&invite), &record)
        .await
        .map_err(user_problem)?;
    send_invitation(&state, &after, &partner, &actor.user, &secret, &invite).await;
    let body = view(&state, &principal, &after).await?;
    Ok(with_etag(StatusCode::OK, &body, after.version))
}

/// Saves a change to a user's contact preferences.
async fn save_contacts(
    state: &AppState,
    principal: &Principal,
    actor: &Actor,
    before: &User,
    contacts: Vec<ContactPreference>,
    action: Audited,
    ip: &str,
) -> Result<Response, Problem> {
    let mut after = before.clone();
    after.contacts = contacts;
    after.version += 1;
    let record = AuditRecord::of_user(&actor.user, action, ip, before.id.to_string());
    state
        .table
        .save_user(&principal.scope(), before, &after, None, &record)
        .await
        .map_err(user_problem)?;
    let body = view(state, principal, &after).await?;
    Ok(with_etag(StatusCode::OK, &body, after.version))
}

/// Add Contact: an email address or SMS number (E.164), optionally the primary contact
/// (which makes the others not primary). At most ten.
#[utoipa::path(
    post,
    path = "/api/v1/users/{userId}/contacts",
    tag = "users",
    security(("bearer" = [])),
    params(
        ("userId" = String, Path, description = "The user"),
        ("If-Match" = Option<String>, Header, description = "The user's ETag"),
    ),
    request_body = ContactRequest,
    responses(
        (status = 200, description = "The user with the new contact", body = UserView),
        api::responses::Update,
    )
)]
pub async fn add_contact(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    Path(user_id): Path<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<ContactRequest>,
) -> Result<Response, Problem> {
    let (actor, before) = target(&state, &principal, &user_id, Action::ManageUsers).await?;
    check_if_match(&headers, before.version)?;
    let (kind, address, primary) = request.parse().map_err(Problem::validation)?;
    let mut contacts = before.contacts.clone();
    put_contact(
        &mut contacts,
        ContactPreference {
            id: ContactId::generate(),
            kind,
            address,
            primary,
        },
    )
    .map_err(|m| field_error("address", m))?;
    save_contacts(
        &state,
        &principal,
        &actor,
        &before,
        contacts,
        Audited::AddContact,
        &ip,
    )
    .await
}

fn contact_index(user: &User, raw: &str) -> Result<usize, Problem> {
    let id = ContactId::parse(raw).map_err(|_| Problem::not_found("No such contact."))?;
    user.contacts
        .iter()
        .position(|c| c.id == id)
        .ok_or_else(|| Problem::not_found("No such contact."))
}

/// Edit a contact preference.
#[utoipa::path(
    put,
    path = "/api/v1/users/{userId}/contacts/{contactId}",
    tag = "users",
    security(("bearer" = [])),
    params(
        ("userId" = String, Path, description = "The user"),
        ("contactId" = String, Path, description = "The contact preference"),
        ("If-Match" = Option<String>, Header, description = "The user's ETag"),
    ),
    request_body = ContactRequest,
    responses(
        (status = 200, description = "The user with the changed contact", body = UserView),
        api::responses::Update,
    )
)]
pub async fn update_contact(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    Path((user_id, contact_id)): Path<(String, String)>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<ContactRequest>,
) -> Result<Response, Problem> {
    let (actor, before) = target(&state, &principal, &user_id, Action::ManageUsers).await?;
    check_if_match(&headers, before.version)?;
    let index = contact_index(&before, &contact_id)?;
    let (kind, address, primary) = request.parse().map_err(Problem::validation)?;
    let mut contacts = before.contacts.clone();
    let id = contacts[index].id.clone();
    put_contact(
        &mut contacts,
        ContactPreference {
            id,
            kind,
            address,
            primary,
        },
    )
    .map_err(|m| field_error("address", m))?;
    save_contacts(
        &state,
        &principal,
        &actor,
        &before,
        contacts,
        Audited::UpdateContact,
        &ip,
    )
    .await
}

/// Delete a contact preference.
#[utoipa::path(
    delete,
    path = "/api/v1/users/{userId}/contacts/{contactId}",
    tag = "users",
    security(("bearer" = [])),
    params(
        ("userId" = String, Path, description = "The user"),
        ("contactId" = String, Path, description = "The contact preference"),
        ("If-Match" = Option<String>, Header, description = "The user's ETag"),
    ),
    responses(
        (status = 200, description = "The user without the contact", body = UserView),
        api::responses::Delete,
    )
)]
pub async fn remove_contact(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    Path((user_id, contact_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let (actor, before) = target(&state, &principal, &user_id, Action::ManageUsers).await?;
    check_if_match(&headers, before.version)?;
    let index = contact_index(&before, &contact_id)?;
    let mut contacts = before.contacts.clone();
    contacts.remove(index);
    save_contacts(
        &state,
        &principal,
        &actor,
        &before,
        contacts,
        Audited::RemoveContact,
        &ip,
    )
    .await
}
