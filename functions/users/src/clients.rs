//! Administration > API Clients: credentials for scripts and PSA tools. A partner
//! administrator creates a client with a role; the client exchanges its id and secret for
//! an access token at `POST /api/v1/auth/token` (the OAuth 2.0 client-credentials grant)
//! and then acts exactly as a user with that role would, on every endpoint. The secret is
//! shown once; revoking deletes the client, and its tokens stop working at the next
//! request.

use adapters::services::AppState;
use api::{acting, ApiJson, Principal, Problem, SourceIp};
use axum::{
    extract::{Path, State},
    http::StatusCode,
    Json,
};
use chrono::{DateTime, Utc};
use domain::{
    audit::{Action as Audited, AuditRecord},
    authorization::{Action, Resource},
    role::CustomRole,
    user::{username, NewApiClientRequest},
    Role, User,
};
use rand::RngCore;
use serde::Serialize;
use utoipa::ToSchema;

use crate::users::{no_such_user, role_name, user_problem};

/// An API client as the API Clients page lists it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiClientView {
    /// The `client_id` of the client-credentials grant.
    pub client_id: String,
    pub name: String,
    pub role: String,
    pub role_name: String,
    pub created_at: DateTime<Utc>,
}

/// A new client, with its secret: shown this once, never stored in clear.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewApiClient {
    #[serde(flatten)]
    pub client: ApiClientView,
    pub client_secret: String,
}

fn view(user: &User, roles: &[CustomRole]) -> ApiClientView {
    ApiClientView {
        client_id: username(&user.partner_id, &user.id),
        name: user.first_name.clone(),
        role: user.role.to_string(),
        role_name: role_name(&user.role, roles),
        created_at: user.created_at,
    }
}

/// 256 random bits, with the letter cases and a digit the identity provider's password
/// policy asks of every password.
fn secret() -> String {
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
    loop {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let s = URL_SAFE_NO_PAD.encode(bytes);
        let classes = [
            s.bytes().any(|b| b.is_ascii_lowercase()),
            s.bytes().any(|b| b.is_ascii_uppercase()),
            s.bytes().any(|b| b.is_ascii_digit()),
        ];
        if classes.iter().all(|c| *c) {
            return s;
        }
    }
}

/// The partner's API clients.
#[utoipa::path(
    get,
    path = "/api/v1/api-clients",
    tag = "users",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every API client", body = Vec<ApiClientView>),
        api::responses::Unauthorized,
        api::responses::Forbidden,
    )
)]
pub async fn list_clients(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<Vec<ApiClientView>>, Problem> {
    acting::user(
        &state,
        &principal,
        Action::ManageUsers,
        Resource::User { own: false },
    )
    .await?;
    let scope = principal.scope();
    let roles = state.table.roles(&scope).await?;
    let clients = state.table.users(&scope).await?;
    Ok(Json(
        clients
            .iter()
            .filter(|u| u.api_client)
            .map(|u| view(u, &roles))
            .collect(),
    ))
}

/// New API Client: a name and a role. Answers the client id and secret; the secret is
/// shown only now.
#[utoipa::path(
    post,
    path = "/api/v1/api-clients",
    tag = "users",
    security(("bearer" = [])),
    request_body = NewApiClientRequest,
    responses(
        (status = 201, description = "Created; keep the secret now", body = NewApiClient),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        api::responses::InvalidFields,
    )
)]
pub async fn create_client(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    ApiJson(request): ApiJson<NewApiClientRequest>,
) -> Result<(StatusCode, Json<NewApiClient>), Problem> {
    let actor = acting::user(
        &state,
        &principal,
        Action::ManageUsers,
        Resource::User { own: false },
    )
    .await?;
    let scope = principal.scope();
    let client = request
        .parse(scope.partner_id(), Utc::now())
        .map_err(Problem::validation)?;
    let roles = state.table.roles(&scope).await?;
    if let Role::Custom(id) = &client.role {
        if !roles.iter().any(|r| &r.id == id) {
            return Err(crate::users::field_error(
                "role",
                "is not one of your roles",
            ));
        }
    }
    let secret = secret();
    let login = username(&client.partner_id, &client.id);
    state
        .identity()
        .create_user(&login, client.email.as_str(), &secret)
        .await?;
    let record = AuditRecord::of_user(&actor.user, Audited::CreateApiClient, &ip, login.clone());
    if let Err(e) = state.table.add_api_client(&client, &record).await {
        // Never leave credentials that belong to nothing.
        let _ = state.identity().delete_user(&login).await;
        return Err(user_problem(e));
    }
    tracing::info!(client = %client.id, "API client created");
    Ok((
        StatusCode::CREATED,
        Json(NewApiClient {
            client: view(&client, &roles),
            client_secret: secret,
        }),
    ))
}

/// Revoke an API client: its secret and tokens stop working at once.
#[utoipa::path(
    delete,
    path = "/api/v1/api-clients/{clientId}",
    tag = "users",
    security(("bearer" = [])),
    params(("clientId" = String, Path, description = "The client id")),
    responses(
        (status = 204, description = "Revoked"),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        api::responses::NotFound,
    )
)]
pub async fn revoke_client(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    Path(client_id): Path<String>,
) -> Result<StatusCode, Problem> {
    let actor = acting::user(
        &state,
        &principal,
        Action::ManageUsers,
        Resource::User { own: false },
    )
    .await?;
    let scope = principal.scope();
    let id = domain::user::parse_username(&client_id)
        .filter(|(p, _)| p == scope.partner_id())
        .map(|(_, u)| u)
        .ok_or_else(no_such_user)?;
    let client: User = state
        .table
        .user(&scope, &id)
        .await?
        .filter(|u| u.api_client)
        .ok_or_else(no_such_user)?;
    let record = AuditRecord::of_user(
        &actor.user,
        Audited::RevokeApiClient,
        &ip,
        client_id.clone(),
    );
    state
        .table
        .remove_user(&scope, &client, &record)
        .await
        .map_err(user_problem)?;
    match state.identity().delete_user(&client_id).await {
        Ok(()) | Err(adapters::identity::IdentityError::UserNotFound) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(StatusCode::NO_CONTENT)
}
