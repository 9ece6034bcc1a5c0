//! Administration > User Roles (the guide's "User roles", "Adding a role" and "Assigning
//! users and customer access level to a role"): the two built-in roles, which cannot be
//! changed, and the partner's custom roles with their customer access levels and
//! permissions. Only partner administrators create, change and delete roles.

use adapters::services::AppState;
use api::ProblemType;
use api::{
    acting,
    versions::{check_if_match, with_etag},
    ApiJson, ApiQuery, Principal, Problem, SourceIp,
};
use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::Response,
    Json,
};
use chrono::{DateTime, Utc};
use domain::{
    audit::{Action as Audited, AuditRecord},
    authorization::{Action, Resource},
    role::{
        role_name, CustomRole, CustomerAccess, CustomerPermissions, RoleUpdate, MAX_CUSTOM_ROLES,
    },
    FieldError, Role, User,
};
use serde::{Deserialize, Serialize};
use store::roles::RoleError;
use utoipa::{IntoParams, ToSchema};

use crate::users::{changed_meanwhile, field_error};

/// A member of a role, as the role page lists them.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RoleMember {
    pub id: String,
    pub email: String,
    pub name: String,
}

/// A role as the User Roles page shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RoleView {
    /// `partnerAdministrator`, `administrator`, or the custom role's id.
    pub id: String,
    pub name: String,
    /// Built-in roles cannot be changed or deleted.
    pub built_in: bool,
    /// Whether the role creates, edits and assigns roles (Table 5-1).
    pub manages_roles: bool,
    pub access: CustomerAccess,
    pub permissions: CustomerPermissions,
    pub user_count: usize,
    pub users: Vec<RoleMember>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<DateTime<Utc>>,
    pub version: u64,
}

const EVERYTHING: CustomerPermissions = CustomerPermissions {
    add_customers: true,
    import_customers: true,
    remove_customers: true,
    support_tickets: true,
};

fn members(role: &Role, users: &[User]) -> Vec<RoleMember> {
    users
        .iter()
        .filter(|u| &u.role == role)
        .map(|u| RoleMember {
            id: u.id.to_string(),
            email: u.email.to_string(),
            name: u.name(),
        })
        .collect()
}

fn builtin_view(role: Role, users: &[User]) -> RoleView {
    let users = members(&role, users);
    RoleView {
        id: role.to_string(),
        name: role.builtin_name().unwrap_or_default().into(),
        built_in: true,
        manages_roles: role.is_partner_administrator(),
        access: CustomerAccess::default(),
        permissions: EVERYTHING,
        user_count: users.len(),
        users,
        created_at: None,
        version: 0,
    }
}

fn custom_view(role: &CustomRole, users: &[User]) -> RoleView {
    let users = members(&Role::Custom(role.id.clone()), users);
    RoleView {
        id: role.id.to_string(),
        name: role.name.clone(),
        built_in: false,
        manages_roles: false,
        access: role.access.clone(),
        permissions: role.permissions,
        user_count: users.len(),
        users,
        created_at: Some(role.created_at),
        version: role.version,
    }
}

fn role_problem(e: RoleError) -> Problem {
    match e {
        RoleError::NameTaken => field_error("name", "another role has this name"),
        RoleError::Conflict => changed_meanwhile(),
        RoleError::Store(e) => e.into(),
    }
}

fn no_such_role() -> Problem {
    Problem::not_found("No such role.")
}

fn built_in() -> Problem {
    Problem::forbidden("The Partner Administrator and Administrator roles cannot be changed.")
        .kind(ProblemType::BuiltInRole)
}

/// A custom role of the partner by its path id; built-in ids and ids of other shapes
/// answer as given by `builtin`.
async fn custom_role(
    state: &AppState,
    principal: &Principal,
    raw: &str,
) -> Result<CustomRole, Problem> {
    match Role::parse(raw).map_err(|_| no_such_role())? {
        Role::Custom(id) => state
            .table
            .role(&principal.scope(), &id)
            .await?
            .ok_or_else(no_such_role),
        _ => Err(built_in()),
    }
}

/// The roles: the two built-in roles, then the partner's custom roles, each with its
/// users.
#[utoipa::path(
    get,
    path = "/api/v1/roles",
    tag = "users",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every role", body = Vec<RoleView>),
        api::responses::Unauthorized,
        api::responses::Forbidden,
    )
)]
pub async fn list_roles(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<Vec<RoleView>>, Problem> {
    acting::user(
        &state,
        &principal,
        Action::ViewUsers,
        Resource::User { own: false },
    )
    .await?;
    let scope = principal.scope();
    let users = state.table.users(&scope).await?;
    let mut views = vec![
        builtin_view(Role::PartnerAdministrator, &users),
        builtin_view(Role::Administrator, &users),
    ];
    for r in state.table.roles(&scope).await? {
        views.push(custom_view(&r, &users));
    }
    Ok(Json(views))
}

/// One role with its users, customer access and permissions.
#[utoipa::path(
    get,
    path = "/api/v1/roles/{roleId}",
    tag = "users",
    security(("bearer" = [])),
    params(("roleId" = String, Path, description = "`partnerAdministrator`, `administrator` or a role id")),
    responses(
        (status = 200, description = "The role; `ETag` carries its version", body = RoleView),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        api::responses::NotFound,
    )
)]
pub async fn get_role(
    State(state): State<AppState>,
    principal: Principal,
    Path(role_id): Path<String>,
) -> Result<Response, Problem> {
    acting::user(
        &state,
        &principal,
        Action::ViewUsers,
        Resource::User { own: false },
    )
    .await?;
    let scope = principal.scope();
    let role = Role::parse(&role_id).map_err(|_| no_such_role())?;
    let users = state.table.users(&scope).await?;
    let view = match &role {
        Role::Custom(id) => {
            let r = state
                .table
                .role(&scope, id)
                .await?
                .ok_or_else(no_such_role)?;
            custom_view(&r, &users)
        }
        builtin => builtin_view(builtin.clone(), &users),
    };
    Ok(with_etag(StatusCode::OK, &view, view.version))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewRoleRequest {
    /// 1–64 characters, not a built-in role's name, unique among the partner's roles.
    #[schema(
        min_length = 1,
        max_length = 64,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub name: String,
}

/// Add Role: a name; the role starts with Read/Write on all customers and the add and
/// import permissions, as the guide's default.
#[utoipa::path(
    post,
    path = "/api/v1/roles",
    tag = "users",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    request_body = NewRoleRequest,
    responses(
        (status = 201, description = "Created", body = RoleView),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        (status = 409, description = "Too many roles", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A missing or taken name", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_role(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    ApiJson(request): ApiJson<NewRoleRequest>,
) -> Result<Response, Problem> {
    let actor = acting::user(&state, &principal, Action::ManageRoles, Resource::Partner).await?;
    let name = role_name(&request.name).map_err(|m| field_error("name", m))?;
    let scope = principal.scope();
    if state.table.roles(&scope).await?.len() >= MAX_CUSTOM_ROLES {
        return Err(Problem::conflict(
            ProblemType::TooManyRoles,
            format!("A partner has at most {MAX_CUSTOM_ROLES} custom roles."),
        ));
    }
    let role = CustomRole::new(name, Utc::now());
    let record = AuditRecord::of_user(&actor.user, Audited::CreateRole, &ip, role.id.to_string());
    state
        .table
        .create_role(&scope, &role, &record)
        .await
        .map_err(role_problem)?;
    Ok(with_etag(
        StatusCode::CREATED,
        &custom_view(&role, &[]),
        role.version,
    ))
}

/// Save a custom role: its name, the customers at each access level ("All customers" at
/// most at one level), the default level for new customers, and the add / import / remove
/// customer permissions (the guide's two rules refuse the disabled ones). Takes effect on
/// its users' next request.
#[utoipa::path(
    put,
    path = "/api/v1/roles/{roleId}",
    tag = "users",
    security(("bearer" = [])),
    params(
        ("roleId" = String, Path, description = "A custom role's id"),
        ("If-Match" = Option<String>, Header, description = "The role's ETag"),
    ),
    request_body = RoleUpdate,
    responses(
        (status = 200, description = "Saved", body = RoleView),
        api::responses::Delete,
        (status = 422, description = "Invalid fields, or customers that are not yours", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_role(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    Path(role_id): Path<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<RoleUpdate>,
) -> Result<Response, Problem> {
    let actor = acting::user(&state, &principal, Action::ManageRoles, Resource::Partner).await?;
    let before = custom_role(&state, &principal, &role_id).await?;
    check_if_match(&headers, before.version)?;
    let form = request.parse().map_err(Problem::validation)?;
    let scope = principal.scope();
    let chosen: Vec<_> = form.access.chosen().collect();
    let foreign = state.table.foreign_customers(&scope, &chosen).await?;
    if !foreign.is_empty() {
        let errors = foreign
            .iter()
            .map(|c| FieldError {
                field: "access".into(),
                message: format!("{c} is not one of your customers"),
            })
            .collect();
        return Err(Problem::validation(errors));
    }
    let mut after = before.clone();
    after.name = form.name;
    after.access = form.access;
    after.permissions = form.permissions;
    if after == before {
        let users = state.table.users(&scope).await?;
        return Ok(with_etag(
            StatusCode::OK,
            &custom_view(&before, &users),
            before.version,
        ));
    }
    after.version += 1;
    let record = AuditRecord::of_user(&actor.user, Audited::UpdateRole, &ip, after.id.to_string());
    state
        .table
        .save_role(&scope, &before, &after, &record)
        .await
        .map_err(role_problem)?;
    let users = state.table.users(&scope).await?;
    Ok(with_etag(
        StatusCode::OK,
        &custom_view(&after, &users),
        after.version,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeleteRoleParams {
    /// The role the deleted role's users move to; needed when it has users.
    #[param(pattern = "^(?:partnerAdministrator|administrator|rol_[0-9a-f]{32})$")]
    pub reassign_to: Option<String>,
}

/// Most users one deletion moves to another role (one transaction).
const MAX_REASSIGNED: usize = 90;

/// Delete a custom role. A role with users needs `reassignTo`: its users move there in
/// the same transaction.
#[utoipa::path(
    delete,
    path = "/api/v1/roles/{roleId}",
    tag = "users",
    security(("bearer" = [])),
    params(
        ("roleId" = String, Path, description = "A custom role's id"),
        ("If-Match" = Option<String>, Header, description = "The role's ETag"),
        DeleteRoleParams,
    ),
    responses(
        (status = 204, description = "Deleted"),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        api::responses::NotFound,
        (status = 409, description = "The role has users and no reassignTo, or changed meanwhile", body = Problem, content_type = "application/problem+json"),
        api::responses::StaleVersion,
        (status = 422, description = "A bad reassignTo", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_role(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    Path(role_id): Path<String>,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<DeleteRoleParams>,
) -> Result<StatusCode, Problem> {
    let actor = acting::user(&state, &principal, Action::ManageRoles, Resource::Partner).await?;
    let role = custom_role(&state, &principal, &role_id).await?;
    check_if_match(&headers, role.version)?;
    let scope = principal.scope();
    let this = Role::Custom(role.id.clone());
    let users: Vec<User> = state
        .table
        .users(&scope)
        .await?
        .into_iter()
        .filter(|u| u.role == this)
        .collect();
    let target = match (&params.reassign_to, users.is_empty()) {
        (None, false) => {
            return Err(Problem::conflict(
                ProblemType::RoleInUse,
                format!(
                    "{} users have this role: choose the role they move to (reassignTo).",
                    users.len()
                ),
            ))
        }
        (None, true) => None,
        (Some(raw), _) => {
            let target = Role::parse(raw).map_err(|m| field_error("reassignTo", m))?;
            if target == this {
                return Err(field_error("reassignTo", "must be another role"));
            }
            if let Role::Custom(id) = &target {
                if state.table.role(&scope, id).await?.is_none() {
                    return Err(field_error("reassignTo", "is not one of your roles"));
                }
            }
            Some(target)
        }
    };
    if users.len() > MAX_REASSIGNED {
        return Err(Problem::conflict(
            ProblemType::RoleInUse,
            format!("Move some of its {} users to other roles first: one deletion moves at most {MAX_REASSIGNED}.", users.len()),
        ));
    }
    let moved: Vec<User> = users
        .iter()
        .map(|u| {
            let mut after = u.clone();
            after.role = match target.clone().unwrap_or(Role::Administrator) {
                // An API client is never a partner administrator: it moves to administrator.
                Role::PartnerAdministrator if u.api_client => Role::Administrator,
                role => role,
            };
            after.version += 1;
            after
        })
        .collect();
    let record = AuditRecord::of_user(&actor.user, Audited::DeleteRole, &ip, role.id.to_string());
    state
        .table
        .delete_role(&scope, &role, &moved, &users, &record)
        .await
        .map_err(role_problem)?;
    Ok(StatusCode::NO_CONTENT)
}
