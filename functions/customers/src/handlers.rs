//! The Customers page and the Customer Profile page (the guide's chapter 2).

use adapters::emails;
use adapters::services::AppState;
use api::ProblemType;
use api::{
    acting, csv, ApiJson, ApiQuery, Cursor, ListResponse, PageParams, Principal, Problem, SourceIp,
};
use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use chrono::Utc;
use domain::{
    alert::Severity,
    audit::{Action as Audited, AuditRecord},
    authorization::{Action, Grant, Resource},
    catalog,
    customer::{
        self, summarize, AddCustomerRequest, Communications, MacAccess, ManagementType,
        NewCustomer, ProductChoice, ProductRequest,
    },
    entitlement::{
        had_trial, may_provision, Entitlement, EntitlementEvent, Provisioning, TransitionError,
    },
    partner::Partner,
    serial::{Serial, SerialKind},
    token::{self, LinkToken, TokenPurpose},
    user::customer_admin_username,
    CustomerId, EntitlementId, FieldError, User, UserId, Validation,
};
use serde::Deserialize;
use store::{
    accounts::Login,
    customers::{
        Change, CreateCustomerError, CustomerQuery, CustomerSort, CustomerState, SaveError,
    },
    serials::Activation,
    Table,
};
use utoipa::{IntoParams, ToSchema};

use crate::views::{Catalog, CustomerProfile, CustomerRow};

mod entitlements;
pub use entitlements::*;

pub(crate) fn field_error(field: &str, message: impl Into<String>) -> Problem {
    Problem::validation(vec![FieldError {
        field: field.into(),
        message: message.into(),
    }])
}

fn no_such_customer() -> Problem {
    Problem::not_found(acting::NO_SUCH_CUSTOMER)
}

/// The customer a path names, and the signed-in user if their role allows `action` on it.
pub(crate) async fn on_customer(
    state: &AppState,
    principal: &Principal,
    raw_id: &str,
    action: Action,
) -> Result<(CustomerId, acting::Actor), Problem> {
    let (id, actor, _) = acting::on_customer(state, principal, raw_id, action).await?;
    Ok((id, actor))
}

fn changed_meanwhile() -> Problem {
    Problem::conflict(
        ProblemType::CustomerChanged,
        "The customer was changed by someone else meanwhile: reload and try again.",
    )
}

/// The customer, if it is the caller's: ids of another shape, or another partner's
/// customers, are simply not found.
pub(crate) async fn load(
    state: &AppState,
    principal: &Principal,
    id: &CustomerId,
) -> Result<CustomerState, Problem> {
    state
        .table
        .customer(&principal.scope(), id)
        .await?
        .ok_or_else(no_such_customer)
}

pub(crate) use api::versions::check_if_match;

/// Who acts on customers in one request, loaded once: a single customer's route acts on
/// one customer, the bulk route on each customer it names. Each action's core takes it,
/// so an action's rules, problems and audit record are the same either way.
pub(crate) struct Acting<'a> {
    pub state: &'a AppState,
    pub principal: &'a Principal,
    pub actor: &'a acting::Actor,
    pub partner: &'a Partner,
    pub ip: &'a str,
}

impl Acting<'_> {
    /// The customer, if the actor's role allows `action` on it (the question
    /// `acting::on_customer` asks: 404 for a customer the role cannot see, 403 for one it
    /// may only read), with its entitlements and requests (one Query).
    pub(crate) async fn customer(
        &self,
        id: &CustomerId,
        action: Action,
    ) -> Result<CustomerState, Problem> {
        self.actor.may(action, Resource::Customer(id))?;
        load(self.state, self.principal, id).await
    }

    fn audit(&self, action: Audited, target: impl Into<String>) -> AuditRecord {
        audit(&self.actor.user, self.ip, action, target)
    }
}

/// A profile answer with its `ETag`.
pub(crate) fn profile_response(
    status: StatusCode,
    state: &CustomerState,
    grant: &Grant,
) -> Response {
    let profile = CustomerProfile::new(state, grant, Utc::now());
    api::versions::with_etag(status, &profile, state.customer.version)
}

/// A new welcome link for the customer's admin: the secret for the email, the record
/// to store.
fn welcome_link(state: &AppState, customer: &CustomerId) -> Result<(String, LinkToken), Problem> {
    let secret = token::generate();
    let link = LinkToken {
        hash: token::hash(&secret).ok_or_else(|| Problem::internal("token hash"))?,
        purpose: TokenPurpose::SetPassword,
        customer_id: customer.clone(),
        request_id: None,
        expires_at: Utc::now() + state.config.welcome_link_ttl,
        used_at: None,
        issued_to: None,
        issued_role: None,
    };
    Ok((secret, link))
}

/// Sends account emails after the change they announce is saved. A failed send is
/// logged: the change stands, and the partner can send again (`resend_welcome`, or a
/// request's resend).
/// The partner's suppressed addresses are read once for all of them, and left out.
pub(crate) async fn send_all(state: &AppState, messages: Vec<adapters::mail::Message>) {
    let Some(partner) = messages.first().and_then(|m| m.tags.partner.clone()) else {
        return;
    };
    match state.send_mails(&partner, &messages).await {
        Ok(results) => {
            for (m, result) in messages.iter().zip(results) {
                if let Err(e) = result {
                    tracing::error!(error = %e, subject = %m.subject, "account email not sent");
                }
            }
        }
        Err(e) => tracing::error!(error = %e, "account emails not sent"),
    }
}

pub(crate) fn audit(
    user: &User,
    ip: &str,
    action: Audited,
    target: impl Into<String>,
) -> AuditRecord {
    AuditRecord::of_user(user, action, ip, target)
}

fn program_problem(denied: domain::entitlement::ProgramDenied) -> Problem {
    Problem::forbidden(denied.to_string()).kind(ProblemType::ExspRequired)
}

pub(crate) fn save_problem(e: SaveError) -> Problem {
    match e {
        SaveError::Conflict => changed_meanwhile(),
        SaveError::SerialUnavailable => Problem::conflict(
            ProblemType::SerialUsed,
            "This product serial number has already been activated.",
        ),
        SaveError::Store(e) => e.into(),
    }
}

/// The product catalog: products, whether they have trials, and the trial terms.
#[utoipa::path(
    get,
    path = "/api/v1/catalog",
    tag = "customers",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The catalog", body = Catalog),
        api::responses::Unauthorized,
    )
)]
pub async fn get_catalog(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<Catalog>, Problem> {
    acting::user(&state, &principal, Action::ViewCustomers, Resource::Partner).await?;
    Ok(Json(Catalog::current()))
}

/// `GET /customers` query: paging, search, sort and the Filters panel.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Items per page, 1–100 (default 25). With filters, a page may hold fewer rows
    /// than the limit and still have a `nextCursor`.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i32>,
    /// `nextCursor` from the previous page.
    pub cursor: Option<String>,
    /// `csv` to download the whole filtered list as CSV (same as `Accept: text/csv`).
    pub format: Option<String>,
    /// Text the customer name contains (any letter case).
    pub q: Option<String>,
    /// `name` (default), `-name`, `type` or `-type`.
    #[param(pattern = "^(?:name|-name|type|-type)$")]
    pub sort: Option<String>,
    /// Management types, comma-separated: `customerManaged,partnerManaged,coManaged`.
    pub management: Option<String>,
    /// Product types, comma-separated (see `/catalog`).
    pub product_type: Option<String>,
    /// `true`: only customers with computers that need the latest agent.
    pub require_update: Option<bool>,
    /// `error`: only customers with an open Error alert; `warning`: with an open Error
    /// or Warning alert ("Warning+").
    pub alerts: Option<String>,
}

impl ListParams {
    fn query(&self, scope_partition: &str) -> Result<CustomerQuery, Problem> {
        let mut v = Validation::new();
        let page = PageParams {
            limit: self.limit,
            cursor: self.cursor.clone(),
            format: None,
        };
        let limit = page.limit()?;
        let (sort, descending) = match self.sort.as_deref().unwrap_or("name") {
            "name" => (CustomerSort::Name, false),
            "-name" => (CustomerSort::Name, true),
            "type" => (CustomerSort::Type, false),
            "-type" => (CustomerSort::Type, true),
            _ => {
                v.error("sort", "must be name, -name, type or -type");
                (CustomerSort::Name, false)
            }
        };
        let search = self
            .q
            .as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(str::to_lowercase);
        if search.as_ref().is_some_and(|q| q.chars().count() > 100) {
            v.error("q", "must be at most 100 characters");
        }
        let mut management = Vec::new();
        for m in list(self.management.as_deref()) {
            match ManagementType::parse(m) {
                Some(t) if !management.contains(&t) => management.push(t),
                Some(_) => {}
                None => v.error(
                    "management",
                    format!("{m:?} is not customerManaged, partnerManaged or coManaged"),
                ),
            }
        }
        let known = catalog::product_types();
        let mut product_types = Vec::new();
        for t in list(self.product_type.as_deref()) {
            if known.contains(&t) {
                product_types.push(t.to_string());
            } else {
                v.error(
                    "productType",
                    format!("{t:?} is not one of {}", known.join(", ")),
                );
            }
        }
        let alerts = match self.alerts.as_deref() {
            None | Some("") | Some("all") => None,
            Some("error") => Some(Severity::Error),
            Some("warning") => Some(Severity::Warning),
            Some(_) => {
                v.error("alerts", "must be error or warning");
                None
            }
        };
        v.finish().map_err(Problem::validation)?;
        let mut query = CustomerQuery {
            alerts,
            sort,
            descending,
            search,
            management,
            product_types,
            require_update: self.require_update.unwrap_or(false),
            limit,
            start: None,
        };
        query.start = page.start(Some(query.index()), scope_partition)?;
        Ok(query)
    }
}

fn list(raw: Option<&str>) -> impl Iterator<Item = &str> {
    raw.unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The Customers page: search by name, sort by name or type, filter by management type,
/// product type and "require update"; one index Query per page. CSV exports the whole
/// filtered list.
#[utoipa::path(
    get,
    path = "/api/v1/customers",
    tag = "customers",
    security(("bearer" = [])),
    params(ListParams),
    responses(
        (status = 200, description = "A page of customers (or the whole list as CSV)", body = ListResponse<CustomerRow>,
            content(
                (ListResponse<CustomerRow> = "application/json"),
                (String = "text/csv"),
            )),
        api::responses::Unauthorized,
        (status = 422, description = "A bad filter, sort, limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_customers(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Response, Problem> {
    let actor = acting::user(&state, &principal, Action::ViewCustomers, Resource::Partner).await?;
    let visible = actor.visibility();
    let scope = principal.scope();
    let partition = Table::customer_list_partition(&scope);
    let mut query = params.query(&partition)?;
    if csv::wants_csv(&headers, params.format.as_deref()) {
        query.limit = api::pagination::MAX_LIMIT;
        let customers = csv::every_page(|start| {
            let query = CustomerQuery {
                start,
                ..query.clone()
            };
            state.table.customer_page(&scope, query, &visible)
        })
        .await?;
        let rows: Vec<CustomerRow> = customers
            .iter()
            .map(|c| CustomerRow::new(c, &actor.grant))
            .collect();
        return Ok(csv::response(&rows, "customers.csv"));
    }
    let page = state.table.customer_page(&scope, query, &visible).await?;
    Ok(Json(ListResponse {
        items: page
            .items
            .iter()
            .map(|c| CustomerRow::new(c, &actor.grant))
            .collect(),
        next_cursor: page.next.as_ref().map(Cursor::encode),
    })
    .into_response())
}

/// Adds a new customer: management type, communications, company and contact
/// information, and one or more products or trials. The contact's email becomes the
/// customer admin's login and must not be registered anywhere. Customers in restricted
/// countries are created pending trade-compliance review, with paid products held.
#[utoipa::path(
    post,
    path = "/api/v1/customers",
    tag = "customers",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    request_body = AddCustomerRequest,
    responses(
        (status = 201, description = "Created; `Location` names the profile", body = CustomerProfile),
        api::responses::Unauthorized,
        (status = 403, description = "Paid products need the ExSP program (Table 1-2)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The email is already registered", body = Problem, content_type = "application/problem+json"),
        api::responses::InvalidFields,
    )
)]
pub async fn add_customer(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    ApiJson(request): ApiJson<AddCustomerRequest>,
) -> Result<Response, Problem> {
    let (actor, partner) =
        acting::member(&state, &principal, Action::AddCustomer, Resource::Partner).await?;
    // Adding a customer emails its admin the welcome.
    acting::may_send_email(&partner)?;
    let user = &actor.user;
    let form = NewCustomer::parse(request).map_err(Problem::validation)?;
    if form
        .products
        .iter()
        .any(|p| p.choice == ProductChoice::Paid)
    {
        may_provision(partner.program, Provisioning::Paid).map_err(program_problem)?;
    }
    let email = form.email.clone();
    let (customer, entitlements) =
        form.build(&partner.id, &state.config.restricted_countries, Utc::now());
    let admin_id = UserId::generate();
    let login = Login {
        email: email.clone(),
        partner_id: partner.id.clone(),
        username: customer_admin_username(&customer.id, &admin_id),
        user_id: admin_id,
        customer_id: Some(customer.id.clone()),
    };
    let record = audit(user, &ip, Audited::AddCustomer, customer.id.to_string());
    let (secret, welcome) = welcome_link(&state, &customer.id)?;
    let ingestion_key = store::telemetry::generate_key();
    let key_hash = store::telemetry::key_hash(&ingestion_key)
        .ok_or_else(|| Problem::internal("ingestion key hash"))?;
    match state
        .table
        .create_customer(
            &customer,
            &login,
            &entitlements,
            &welcome,
            &key_hash,
            &record,
        )
        .await
    {
        Ok(()) => {}
        Err(CreateCustomerError::EmailTaken) => {
            return Err(Problem::conflict(
                ProblemType::EmailTaken,
                "This email address already has an account. To add a trial to an existing \
                 account, import the customer instead.",
            ))
        }
        Err(CreateCustomerError::EmailContended) => {
            return Err(Problem::conflict(
                ProblemType::RequestInProgress,
                "Another request is adding a customer with this email right now.",
            ))
        }
        Err(CreateCustomerError::Store(e)) => return Err(e.into()),
    }
    tracing::info!(customer = %customer.id, "customer added");
    let link = emails::welcome_link(&state.config.console_url, &secret);
    send_all(
        &state,
        emails::welcome(&customer, &partner, &link, welcome.expires_at),
    )
    .await;
    let created = CustomerState {
        customer,
        entitlements,
        requests: Vec::new(),
    };
    let mut profile = CustomerProfile::new(&created, &actor.grant, Utc::now());
    profile.ingestion_key = Some(ingestion_key);
    let mut response = api::versions::located(
        api::versions::with_etag(StatusCode::CREATED, &profile, created.customer.version),
        &format!("/api/v1/customers/{}", created.customer.id),
    );
    // Only its hash is stored: an idempotent replay of this answer goes without it.
    response
        .extensions_mut()
        .insert(api::idempotency::ShownOnce(&["ingestionKey"]));
    Ok(response)
}

/// The Customer Profile page: entitlements with time remaining, management status,
/// communication settings, unmanaged Mac access, company and contact information.
#[utoipa::path(
    get,
    path = "/api/v1/customers/{customerId}",
    tag = "customers",
    security(("bearer" = [])),
    params(("customerId" = String, Path, description = "The customer")),
    responses(
        (status = 200, description = "The profile; `ETag` carries its version", body = CustomerProfile),
        api::responses::Unauthorized,
        api::responses::NotFound,
    )
)]
pub async fn get_customer(
    State(state): State<AppState>,
    principal: Principal,
    Path(customer_id): Path<String>,
) -> Result<Response, Problem> {
    let (id, actor) = on_customer(&state, &principal, &customer_id, Action::ViewCustomers).await?;
    let found = load(&state, &principal, &id).await?;
    let mut profile = CustomerProfile::new(&found, &actor.grant, Utc::now());
    if let Ok(admin) = domain::EmailAddress::parse(&found.customer.contact.email) {
        profile.admin_mail_suppression = state
            .table
            .mail_suppression(&principal.scope(), &admin)
            .await?
            .as_ref()
            .map(Into::into);
    }
    Ok(api::versions::with_etag(
        StatusCode::OK,
        &profile,
        found.customer.version,
    ))
}

/// Communication settings and unmanaged Mac access; at least one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SettingsRequest {
    #[serde(default)]
    pub communications: Option<Communications>,
    #[serde(default)]
    pub unmanaged_mac: Option<MacAccess>,
}

/// Updates the communication settings (Table 2-8) or unmanaged Mac access.
#[utoipa::path(
    patch,
    path = "/api/v1/customers/{customerId}/settings",
    tag = "customers",
    security(("bearer" = [])),
    params(
        ("customerId" = String, Path, description = "The customer"),
        ("If-Match" = Option<String>, Header, description = "The profile's ETag"),
    ),
    request_body = SettingsRequest,
    responses(
        (status = 200, description = "The updated profile", body = CustomerProfile),
        api::responses::Unauthorized,
        api::responses::NotFound,
        api::responses::ChangedMeanwhile,
        api::responses::StaleVersion,
        (status = 422, description = "Nothing to change, or an unknown value", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_settings(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    Path(customer_id): Path<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<SettingsRequest>,
) -> Result<Response, Problem> {
    let (id, actor) = on_customer(&state, &principal, &customer_id, Action::ManageCustomer).await?;
    let user = &actor.user;
    if request.communications.is_none() && request.unmanaged_mac.is_none() {
        return Err(field_error(
            "communications",
            "give communications or unmanagedMac",
        ));
    }
    let found = load(&state, &principal, &id).await?;
    check_if_match(&headers, found.customer.version)?;
    let mut customer = found.customer.clone();
    if let Some(c) = request.communications {
        customer.communications = c;
    }
    if let Some(m) = request.unmanaged_mac {
        customer.unmanaged_mac = m;
    }
    if customer == found.customer {
        return Ok(profile_response(StatusCode::OK, &found, &actor.grant));
    }
    customer.version += 1;
    let record = audit(
        user,
        &ip,
        Audited::UpdateCustomerSettings,
        customer.id.to_string(),
    );
    state
        .table
        .save_customer(&customer, &found.customer, Change::default(), &record)
        .await
        .map_err(save_problem)?;
    Ok(profile_response(
        StatusCode::OK,
        &CustomerState {
            customer,
            entitlements: found.entitlements,
            requests: found.requests,
        },
        &actor.grant,
    ))
}

/// Sends the welcome email again, with a new link (the customer admin has not chosen a
/// password yet: the earlier link expired, or the email went astray). Addressed as the
/// communication setting says, like the first one.
#[utoipa::path(
    post,
    path = "/api/v1/customers/{customerId}/welcome",
    tag = "customers",
    security(("bearer" = [])),
    params(("customerId" = String, Path, description = "The customer")),
    responses(
        (status = 202, description = "Sent again"),
        api::responses::Unauthorized,
        api::responses::NotFound,
        (status = 409, description = "The customer admin has chosen a password already, or the address bounced or marked mail as spam (`/problems/address-suppressed`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn resend_welcome(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    Path(customer_id): Path<String>,
) -> Result<StatusCode, Problem> {
    let (id, actor, partner) =
        acting::on_customer(&state, &principal, &customer_id, Action::ManageCustomer).await?;
    let a = Acting {
        state: &state,
        principal: &principal,
        actor: &actor,
        partner: &partner,
        ip: &ip,
    };
    let found = a.customer(&id, Action::ManageCustomer).await?;
    send_welcome_again(&a, &found).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Sends the welcome again with a new link (the single route's and the bulk route's
/// core): refused while the partner's email is unconfirmed, once the admin has chosen a
/// password, or when the admin's address is suppressed.
pub(crate) async fn send_welcome_again(
    a: &Acting<'_>,
    found: &CustomerState,
) -> Result<(), Problem> {
    acting::may_send_email(a.partner)?;
    if found.customer.admin_active {
        // A new link would let whoever receives it choose the admin's password again.
        return Err(Problem::conflict(
            ProblemType::AdminActive,
            "The customer's administrator has chosen a password already and signs in with it.",
        ));
    }
    let admin = domain::EmailAddress::parse(&found.customer.contact.email)
        .map_err(|_| Problem::internal("a stored admin email does not parse"))?;
    acting::may_email(a.state, a.partner, &admin).await?;
    let (secret, link) = welcome_link(a.state, &found.customer.id)?;
    let record = a.audit(Audited::ResendWelcome, found.customer.id.to_string());
    // The new link is the only one that works: the one sent before stops.
    a.state
        .table
        .replace_welcome_link(&link, &record)
        .await
        .map_err(save_problem)?;
    let url = emails::welcome_link(&a.state.config.console_url, &secret);
    send_all(
        a.state,
        emails::welcome(&found.customer, a.partner, &url, link.expires_at),
    )
    .await;
    Ok(())
}

/// `DELETE` needs `?confirm=true`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RemoveParams {
    /// Must be `true`.
    #[param(value_type = domain::schema::MustBeTrue, inline, required = true)]
    pub confirm: Option<bool>,
}

/// Removes a customer: its account, entitlements and login go, and its email can be
/// registered again.
#[utoipa::path(
    delete,
    path = "/api/v1/customers/{customerId}",
    tag = "customers",
    security(("bearer" = [])),
    params(
        ("customerId" = String, Path, description = "The customer"),
        ("If-Match" = Option<String>, Header, description = "The profile's ETag"),
        RemoveParams,
    ),
    responses(
        (status = 204, description = "Removed"),
        api::responses::Unauthorized,
        api::responses::NotFound,
        api::responses::ChangedMeanwhile,
        api::responses::StaleVersion,
        (status = 422, description = "Not confirmed", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn remove_customer(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    Path(customer_id): Path<String>,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<RemoveParams>,
) -> Result<StatusCode, Problem> {
    let (id, actor, partner) =
        acting::on_customer(&state, &principal, &customer_id, Action::RemoveCustomer).await?;
    if params.confirm != Some(true) {
        return Err(field_error(
            "confirm",
            "must be true to remove the customer",
        ));
    }
    let a = Acting {
        state: &state,
        principal: &principal,
        actor: &actor,
        partner: &partner,
        ip: &ip,
    };
    let found = a.customer(&id, Action::RemoveCustomer).await?;
    check_if_match(&headers, found.customer.version)?;
    remove(&a, found).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a customer the actor may remove, confirmed (the single route's and the bulk
/// route's core): its account, entitlements, login and admin identity go, and its pending
/// requests end.
pub(crate) async fn remove(a: &Acting<'_>, found: CustomerState) -> Result<(), Problem> {
    let email =
        domain::EmailAddress::parse(&found.customer.contact.email).map_err(Problem::internal)?;
    let record = a.audit(Audited::RemoveCustomer, found.customer.id.to_string());
    let login = a
        .state
        .table
        .find_login(&email)
        .await?
        .filter(|l| l.customer_id.as_ref() == Some(&found.customer.id));
    a.state
        .table
        .remove_customer(&found, &email, &record)
        .await
        .map_err(save_problem)?;
    tracing::info!(customer = %found.customer.id, "customer removed");
    // Every request still waiting for this customer's answer ends with it.
    a.state
        .table
        .cancel_pending(&found.requests, Utc::now())
        .await;
    // The admin's identity goes too (it exists once they chose a password). Its login is
    // gone already, so a failure here leaves an identity nobody can sign in to.
    if let Some(login) = login {
        match a.state.identity().delete_user(&login.username).await {
            Ok(()) | Err(adapters::identity::IdentityError::UserNotFound) => {}
            Err(e) => tracing::error!(error = %e, "customer admin identity not deleted"),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_filters_are_checked() {
        let p = ListParams {
            sort: Some("size".into()),
            management: Some("partnerManaged,selfManaged".into()),
            product_type: Some("endpoint,toaster".into()),
            ..ListParams::default()
        };
        let problem = p.query("CUSTOMERS#ptn_x").unwrap_err();
        let fields: Vec<_> = problem.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["sort", "management", "productType"]);
        let ok = ListParams {
            q: Some("  Dental ".into()),
            sort: Some("-type".into()),
            management: Some("coManaged, coManaged".into()),
            require_update: Some(true),
            ..ListParams::default()
        }
        .query("CUSTOMERS#ptn_x")
        .unwrap();
        assert_eq!(ok.search.as_deref(), Some("dental"));
        assert_eq!((ok.sort, ok.descending), (CustomerSort::Type, true));
        assert_eq!(ok.management, [ManagementType::CoManaged]);
        assert!(ok.require_update);
    }
}
