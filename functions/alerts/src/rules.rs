//! Administration > Alert Notifications (Table 5-3 and "To create an alert notification
//! rule"): each rule's name and categories (service × severity), companies (all or
//! chosen), computers or groups, recipients (users; none named means all
//! administrators), whether the customer's contact hears too, and an optional signed
//! webhook; enable or disable; delete; each rule's delivery log and a webhook test.
//! The built-in roles manage rules: a rule may name any customer and any user.

use std::collections::BTreeSet;

use adapters::notify;
use adapters::services::AppState;
use api::ProblemType;
use api::{
    acting,
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
    alert::{
        generate_secret, Category, Computers, Rule, RuleForm, RuleRequest, Webhook, MAX_RULES,
    },
    audit::{Action as Audited, AuditRecord},
    authorization::{Action, Resource},
    CustomerId, FieldError, RuleId, User,
};
use serde::Serialize;
use store::{
    alerts::{Delivery, RuleError},
    Table,
};
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NamedCustomer {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Recipient {
    pub id: String,
    pub name: String,
    pub email: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookView {
    pub url: String,
    /// The secret's last characters, to tell secrets apart.
    pub secret_hint: String,
}

/// A rule as the Alert Notifications page shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RuleView {
    pub id: String,
    pub name: String,
    pub enabled: bool,
    pub categories: Vec<Category>,
    /// `null`: all companies.
    pub customers: Option<Vec<NamedCustomer>>,
    pub computers: Computers,
    /// The users named; empty means all administrators.
    pub recipients: Vec<Recipient>,
    /// How many users the rule reaches (all active administrators when none are named).
    pub recipient_count: usize,
    pub customer_contacts: bool,
    pub webhook: Option<WebhookView>,
    /// The signing secret, in the answer that created it only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhook_secret: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: u64,
}

fn view(rule: &Rule, users: &[User], names: &[(CustomerId, String)]) -> RuleView {
    RuleView {
        id: rule.id.to_string(),
        name: rule.name.clone(),
        enabled: rule.enabled,
        categories: rule.categories.iter().copied().collect(),
        customers: rule.customers.as_ref().map(|ids| {
            ids.iter()
                .map(|id| NamedCustomer {
                    id: id.to_string(),
                    name: names
                        .iter()
                        .find(|(c, _)| c == id)
                        .map_or_else(|| "(removed)".to_string(), |(_, n)| n.clone()),
                })
                .collect()
        }),
        computers: rule.computers.clone(),
        recipients: users
            .iter()
            .filter(|u| rule.recipients.contains(&u.id))
            .map(|u| Recipient {
                id: u.id.to_string(),
                name: u.name(),
                email: u.email.to_string(),
            })
            .collect(),
        recipient_count: rule.audience(users).len(),
        customer_contacts: rule.customer_contacts,
        webhook: rule.webhook.as_ref().map(|w| WebhookView {
            url: w.url.clone(),
            secret_hint: w.secret_hint(),
        }),
        webhook_secret: None,
        created_at: rule.created_at,
        updated_at: rule.updated_at,
        version: rule.version,
    }
}

/// The names of the customers rules choose (one BatchGetItem per 100).
async fn customer_names(
    state: &AppState,
    principal: &Principal,
    rules: &[&Rule],
) -> Result<Vec<(CustomerId, String)>, Problem> {
    let ids: BTreeSet<CustomerId> = rules
        .iter()
        .filter_map(|r| r.customers.as_ref())
        .flatten()
        .cloned()
        .collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<CustomerId> = ids.into_iter().collect();
    Ok(state
        .table
        .accounts(&ids)
        .await?
        .into_iter()
        .filter(|c| &c.partner_id == principal.scope().partner_id())
        .map(|c| (c.id, c.company.name))
        .collect())
}

fn no_such_rule() -> Problem {
    Problem::not_found("No such alert notification rule.")
}

async fn find_rule(state: &AppState, principal: &Principal, raw: &str) -> Result<Rule, Problem> {
    let id = RuleId::parse(raw).map_err(|_| no_such_rule())?;
    state
        .table
        .rule(principal.scope().partner_id(), &id)
        .await?
        .ok_or_else(no_such_rule)
}

fn changed_meanwhile() -> Problem {
    Problem::conflict(
        ProblemType::RuleChanged,
        "This rule was changed meanwhile: reload it and try again.",
    )
}

fn rule_problem(e: RuleError) -> Problem {
    match e {
        RuleError::Conflict => changed_meanwhile(),
        RuleError::Store(e) => e.into(),
    }
}

/// The form, checked against the partner's customers and users: 422 naming each one
/// that is not the partner's.
async fn checked_form(
    state: &AppState,
    principal: &Principal,
    request: RuleRequest,
    users: &[User],
) -> Result<RuleForm, Problem> {
    let form = request
        .parse(state.config.webhook_allow_loopback)
        .map_err(Problem::validation)?;
    let mut errors = Vec::new();
    if let Some(chosen) = &form.customers {
        let found: Vec<CustomerId> = state
            .table
            .accounts(chosen)
            .await?
            .into_iter()
            .filter(|c| &c.partner_id == principal.scope().partner_id())
            .map(|c| c.id)
            .collect();
        for (i, c) in chosen.iter().enumerate() {
            if !found.contains(c) {
                errors.push(FieldError {
                    field: format!("customers[{i}]"),
                    message: "is not one of your customers".into(),
                });
            }
        }
    }
    for (i, u) in form.recipients.iter().enumerate() {
        if !users.iter().any(|x| &x.id == u && !x.api_client) {
            errors.push(FieldError {
                field: format!("recipients[{i}]"),
                message: "is not one of your users".into(),
            });
        }
    }
    if errors.is_empty() {
        Ok(form)
    } else {
        Err(Problem::validation(errors))
    }
}

/// Applies a form: a new webhook URL gets a new secret; the same URL keeps its secret.
fn apply(rule: &mut Rule, form: RuleForm) -> Option<String> {
    rule.name = form.name;
    rule.enabled = form.enabled;
    rule.categories = form.categories;
    rule.customers = form.customers.map(|c| c.into_iter().collect());
    rule.computers = form.computers;
    rule.recipients = form.recipients;
    rule.customer_contacts = form.customer_contacts;
    match form.webhook_url {
        None => {
            rule.webhook = None;
            None
        }
        Some(url) if rule.webhook.as_ref().is_some_and(|w| w.url == url) => None,
        Some(url) => {
            let secret = generate_secret();
            rule.webhook = Some(Webhook {
                url,
                secret: secret.clone(),
            });
            Some(secret)
        }
    }
}

/// The Alert Notifications page: every rule of the partner.
#[utoipa::path(
    get,
    path = "/api/v1/alert-rules",
    tag = "alerts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The rules, by name", body = ListResponse<RuleView>),
        api::responses::Unauthorized,
        api::responses::Forbidden,
    )
)]
pub async fn list_rules(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<ListResponse<RuleView>>, Problem> {
    acting::user(
        &state,
        &principal,
        Action::ManageAlertRules,
        Resource::Partner,
    )
    .await?;
    let partner = principal.scope().partner_id().clone();
    let mut rules = state.table.rules(&partner).await?;
    rules.sort_by_key(|r| r.name.to_lowercase());
    let users = state.table.users(&principal.scope()).await?;
    let names = customer_names(&state, &principal, &rules.iter().collect::<Vec<_>>()).await?;
    Ok(Json(ListResponse {
        items: rules.iter().map(|r| view(r, &users, &names)).collect(),
        next_cursor: None,
    }))
}

/// Add Notification. The answer carries the webhook's signing secret, this once.
#[utoipa::path(
    post,
    path = "/api/v1/alert-rules",
    tag = "alerts",
    security(("bearer" = [])),
    request_body = RuleRequest,
    responses(
        (status = 201, description = "Created; `webhookSecret` is shown only now", body = RuleView),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        (status = 409, description = "Too many rules", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No categories, unknown customers or users, a bad or private webhook URL", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_rule(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    ApiJson(request): ApiJson<RuleRequest>,
) -> Result<Response, Problem> {
    let actor = acting::user(
        &state,
        &principal,
        Action::ManageAlertRules,
        Resource::Partner,
    )
    .await?;
    let scope = principal.scope();
    let users = state.table.users(&scope).await?;
    let form = checked_form(&state, &principal, request, &users).await?;
    let partner = scope.partner_id().clone();
    if state.table.rules(&partner).await?.len() >= MAX_RULES {
        return Err(Problem::conflict(
            ProblemType::TooManyRules,
            format!("A partner has at most {MAX_RULES} alert notification rules."),
        ));
    }
    let now = Utc::now();
    let mut rule = Rule {
        id: RuleId::generate(),
        partner_id: partner.clone(),
        name: String::new(),
        enabled: true,
        categories: Default::default(),
        customers: None,
        computers: form.computers.clone(),
        recipients: Vec::new(),
        customer_contacts: false,
        webhook: None,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    let secret = apply(&mut rule, form);
    let audit = AuditRecord::of_user(
        &actor.user,
        Audited::CreateAlertRule,
        &ip,
        rule.id.to_string(),
    );
    state
        .table
        .save_rule(&partner, &rule.id, Some(&rule), None, &audit)
        .await
        .map_err(rule_problem)?;
    let names = customer_names(&state, &principal, &[&rule]).await?;
    let mut body = view(&rule, &users, &names);
    body.webhook_secret = secret;
    Ok(with_etag(StatusCode::CREATED, &body, rule.version))
}

/// One rule, for its configuration page.
#[utoipa::path(
    get,
    path = "/api/v1/alert-rules/{ruleId}",
    tag = "alerts",
    security(("bearer" = [])),
    params(("ruleId" = String, Path, description = "The rule")),
    responses(
        (status = 200, description = "The rule, with its `ETag`", body = RuleView),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        api::responses::NotFound,
    )
)]
pub async fn get_rule(
    State(state): State<AppState>,
    principal: Principal,
    Path(rule_id): Path<String>,
) -> Result<Response, Problem> {
    acting::user(
        &state,
        &principal,
        Action::ManageAlertRules,
        Resource::Partner,
    )
    .await?;
    let rule = find_rule(&state, &principal, &rule_id).await?;
    let users = state.table.users(&principal.scope()).await?;
    let names = customer_names(&state, &principal, &[&rule]).await?;
    Ok(with_etag(
        StatusCode::OK,
        &view(&rule, &users, &names),
        rule.version,
    ))
}

/// Save a rule: the whole form (the list's Enable/Disable toggle sends the rule back
/// with `enabled` changed). A changed webhook URL gets a new secret, answered once.
#[utoipa::path(
    put,
    path = "/api/v1/alert-rules/{ruleId}",
    tag = "alerts",
    security(("bearer" = [])),
    params(
        ("ruleId" = String, Path, description = "The rule"),
        ("If-Match" = Option<String>, Header, description = "The rule's ETag"),
    ),
    request_body = RuleRequest,
    responses(
        (status = 200, description = "Saved", body = RuleView),
        api::responses::Update,
    )
)]
pub async fn update_rule(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    Path(rule_id): Path<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<RuleRequest>,
) -> Result<Response, Problem> {
    let actor = acting::user(
        &state,
        &principal,
        Action::ManageAlertRules,
        Resource::Partner,
    )
    .await?;
    let before = find_rule(&state, &principal, &rule_id).await?;
    check_if_match(&headers, before.version)?;
    let scope = principal.scope();
    let users = state.table.users(&scope).await?;
    let form = checked_form(&state, &principal, request, &users).await?;
    let mut after = before.clone();
    let secret = apply(&mut after, form);
    if after == before {
        let names = customer_names(&state, &principal, &[&before]).await?;
        return Ok(with_etag(
            StatusCode::OK,
            &view(&before, &users, &names),
            before.version,
        ));
    }
    after.version += 1;
    after.updated_at = Utc::now();
    let audit = AuditRecord::of_user(
        &actor.user,
        Audited::UpdateAlertRule,
        &ip,
        after.id.to_string(),
    );
    state
        .table
        .save_rule(
            scope.partner_id(),
            &after.id,
            Some(&after),
            Some(before.version),
            &audit,
        )
        .await
        .map_err(rule_problem)?;
    let names = customer_names(&state, &principal, &[&after]).await?;
    let mut body = view(&after, &users, &names);
    body.webhook_secret = secret;
    Ok(with_etag(StatusCode::OK, &body, after.version))
}

/// Delete a rule (its delivery log stays readable to operators until it expires).
#[utoipa::path(
    delete,
    path = "/api/v1/alert-rules/{ruleId}",
    tag = "alerts",
    security(("bearer" = [])),
    params(
        ("ruleId" = String, Path, description = "The rule"),
        ("If-Match" = Option<String>, Header, description = "The rule's ETag"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        api::responses::Delete,
    )
)]
pub async fn delete_rule(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    Path(rule_id): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, Problem> {
    let actor = acting::user(
        &state,
        &principal,
        Action::ManageAlertRules,
        Resource::Partner,
    )
    .await?;
    let rule = find_rule(&state, &principal, &rule_id).await?;
    check_if_match(&headers, rule.version)?;
    let audit = AuditRecord::of_user(
        &actor.user,
        Audited::DeleteAlertRule,
        &ip,
        rule.id.to_string(),
    );
    state
        .table
        .save_rule(&rule.partner_id, &rule.id, None, Some(rule.version), &audit)
        .await
        .map_err(rule_problem)?;
    Ok(StatusCode::NO_CONTENT)
}

/// A rule's delivery log, newest first: each email, text and webhook call with its
/// status, the receiver's answer and the attempts made.
#[utoipa::path(
    get,
    path = "/api/v1/alert-rules/{ruleId}/deliveries",
    tag = "alerts",
    security(("bearer" = [])),
    params(("ruleId" = String, Path, description = "The rule"), PageParams),
    responses(
        (status = 200, description = "A page of deliveries", body = ListResponse<Delivery>),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        api::responses::NotFound,
        (status = 422, description = "A bad limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn rule_deliveries(
    State(state): State<AppState>,
    principal: Principal,
    Path(rule_id): Path<String>,
    ApiQuery(params): ApiQuery<PageParams>,
) -> Result<Response, Problem> {
    acting::user(
        &state,
        &principal,
        Action::ManageAlertRules,
        Resource::Partner,
    )
    .await?;
    let rule = find_rule(&state, &principal, &rule_id).await?;
    let limit = params.limit()?;
    let start = params.start(None, &Table::delivery_partition(&rule.partner_id, &rule.id))?;
    let page = state
        .table
        .deliveries(&rule.partner_id, &rule.id, limit, start)
        .await?;
    Ok(Json(ListResponse {
        items: page.items,
        next_cursor: page.next.as_ref().map(Cursor::encode),
    })
    .into_response())
}

/// Send test: one signed call to the rule's webhook now, with a sample alert; the result
/// is answered and kept in the delivery log. Not retried.
#[utoipa::path(
    post,
    path = "/api/v1/alert-rules/{ruleId}/test",
    tag = "alerts",
    security(("bearer" = [])),
    params(("ruleId" = String, Path, description = "The rule")),
    responses(
        (status = 200, description = "What the receiver answered (`status` sent or failed)", body = Delivery),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        api::responses::NotFound,
        (status = 422, description = "The rule has no webhook", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn test_rule(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    Path(rule_id): Path<String>,
) -> Result<Json<Delivery>, Problem> {
    let actor = acting::user(
        &state,
        &principal,
        Action::ManageAlertRules,
        Resource::Partner,
    )
    .await?;
    let rule = find_rule(&state, &principal, &rule_id).await?;
    if rule.webhook.is_none() {
        return Err(Problem::validation(vec![FieldError {
            field: "webhook".into(),
            message: "this rule has no webhook to test".into(),
        }]));
    }
    let delivery = notify::send_test(&state, &rule, Utc::now()).await?;
    let audit = AuditRecord::of_user(
        &actor.user,
        Audited::TestAlertRule,
        &ip,
        rule.id.to_string(),
    );
    state.table.put(store::audit::item(&audit)?).await?;
    Ok(Json(delivery))
}
