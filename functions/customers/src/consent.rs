//! The partner's side of consent (C3, C5, C7): importing an existing customer, asking to
//! manage a customer, the Request Status table, and re-sending or withdrawing a request.

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
use chrono::{DateTime, Utc};
use domain::{
    audit::Action as Audited,
    authorization::{authorize, Action, Resource},
    consent::{needs_consent, ConsentRequest, RequestEvent, RequestKind, RequestStatus},
    customer::ManagementType,
    partner::Partner,
    token::{self, LinkToken, TokenPurpose},
    EmailAddress, RequestId, User,
};
use serde::{Deserialize, Serialize};
use store::{
    consent::{AnswerError, RequestQuery, RequestRecord},
    customers::{Change, CustomerState},
    Table,
};
use utoipa::{IntoParams, ToSchema};

use crate::handlers::{
    audit, check_if_match, field_error, load, on_customer, profile_response, save_problem, send_all,
};

/// A new consent link for `request`: the secret for the email, the record to store.
fn link(
    state: &AppState,
    customer: &CustomerState,
    id: &RequestId,
    now: DateTime<Utc>,
) -> Result<(String, LinkToken), Problem> {
    let secret = token::generate();
    let hash = token::hash(&secret).ok_or_else(|| Problem::internal("token hash"))?;
    Ok((
        secret,
        LinkToken {
            hash,
            purpose: TokenPurpose::Consent,
            customer_id: customer.customer.id.clone(),
            request_id: Some(id.clone()),
            expires_at: now + state.config.consent_link_ttl,
            used_at: None,
            issued_to: None,
        },
    ))
}

/// Creates the request, stores its link, and emails the customer admin.
async fn ask(
    state: &AppState,
    user: &User,
    partner: &Partner,
    ip: &str,
    found: &CustomerState,
    kind: RequestKind,
    management: Option<ManagementType>,
) -> Result<ConsentRequest, Problem> {
    if found.pending(&partner.id, kind).is_some() {
        return Err(Problem::conflict(
            ProblemType::RequestPending,
            "A request is already waiting for this customer's answer: re-send or withdraw it.",
        ));
    }
    let now = Utc::now();
    let id = RequestId::generate();
    let (secret, link) = link(state, found, &id, now)?;
    let request = ConsentRequest {
        id,
        kind,
        partner_id: partner.id.clone(),
        partner_name: partner.company.name.clone(),
        requested_by: user.id.clone(),
        customer_id: found.customer.id.clone(),
        customer_name: found.customer.company.name.clone(),
        email: found.customer.contact.email.clone(),
        management,
        status: RequestStatus::Pending,
        requested_at: now,
        updated_at: now,
        expires_at: link.expires_at,
        sent_count: 1,
    };
    let record = RequestRecord {
        request: request.clone(),
        token_hash: link.hash.clone(),
    };
    let entry = audit(user, ip, Audited::RequestConsent, request.id.to_string());
    state
        .table
        .create_request(&found.customer, &record, &link, &entry)
        .await
        .map_err(save_problem)?;
    let url = emails::consent_link(&state.config.console_url, &request, &secret);
    send_all(
        state,
        vec![emails::consent_request(&request, partner, &url)],
    )
    .await;
    Ok(request)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImportRequest {
    /// The email of the customer's account (their admin's login).
    pub email: String,
}

/// Import an existing customer: the customer admin is emailed a request to approve. The
/// customer appears in the list once they approve.
#[utoipa::path(
    post,
    path = "/api/v1/customers/import",
    tag = "consent",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    request_body = ImportRequest,
    responses(
        (status = 202, description = "Requested; the customer must approve", body = ConsentRequest),
        api::responses::Unauthorized,
        (status = 409, description = "Already your customer, or a request is pending", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not an email of a customer account", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn import_customer(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    ApiJson(request): ApiJson<ImportRequest>,
) -> Result<Response, Problem> {
    let (actor, partner) = acting::member(
        &state,
        &principal,
        Action::ImportCustomer,
        Resource::Partner,
    )
    .await?;
    let user = &actor.user;
    let email = EmailAddress::parse(&request.email).map_err(|m| field_error("email", m))?;
    let unknown = || field_error("email", "no customer account uses this email address");
    let login = state.table.find_login(&email).await?.ok_or_else(unknown)?;
    let customer_id = login.customer_id.ok_or_else(unknown)?;
    let found = state
        .table
        .customer_account(&customer_id)
        .await?
        .ok_or_else(unknown)?;
    if found.customer.partner_id == partner.id {
        return Err(Problem::conflict(
            ProblemType::AlreadyYourCustomer,
            "This customer is already in your customer list.",
        ));
    }
    let asked = ask(
        &state,
        user,
        &partner,
        &ip,
        &found,
        RequestKind::Import,
        None,
    )
    .await?;
    Ok(api::versions::located(
        (StatusCode::ACCEPTED, Json(asked.clone())).into_response(),
        &format!("/api/v1/consent-requests/{}", asked.id),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ManagementRequest {
    /// "Who manages this customer's product?"
    pub management: ManagementType,
}

/// Change the management type ("Update" in Management Status). A change that gives the
/// partner more access sends the customer a request and takes effect on approval (202);
/// one that gives access back takes effect at once (200).
#[utoipa::path(
    post,
    path = "/api/v1/customers/{customerId}/management",
    tag = "consent",
    security(("bearer" = [])),
    params(
        ("customerId" = String, Path, description = "The customer"),
        ("If-Match" = Option<String>, Header, description = "The profile's ETag"),
    ),
    request_body = ManagementRequest,
    responses(
        (status = 200, description = "Changed", body = crate::views::CustomerProfile),
        (status = 202, description = "Requested; the profile lists the pending request", body = crate::views::CustomerProfile),
        api::responses::Unauthorized,
        api::responses::NotFound,
        (status = 409, description = "A request is pending, or changed meanwhile", body = Problem, content_type = "application/problem+json"),
        api::responses::StaleVersion,
        (status = 422, description = "Already that management type", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn change_management(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    Path(customer_id): Path<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<ManagementRequest>,
) -> Result<Response, Problem> {
    let (id, actor, partner) =
        acting::on_customer(&state, &principal, &customer_id, Action::ManageCustomer).await?;
    let user = &actor.user;
    let found = load(&state, &principal, &id).await?;
    check_if_match(&headers, found.customer.version)?;
    let (from, to) = (found.customer.management, request.management);
    if from == to {
        return Err(field_error(
            "management",
            format!("is already {}", to.label()),
        ));
    }
    if needs_consent(from, to) {
        ask(
            &state,
            user,
            &partner,
            &ip,
            &found,
            RequestKind::ManagementChange,
            Some(to),
        )
        .await?;
        let after = state
            .table
            .customer(&principal.scope(), &found.customer.id)
            .await?
            .ok_or_else(|| Problem::not_found("No such customer."))?;
        return Ok(profile_response(StatusCode::ACCEPTED, &after, &actor.grant));
    }
    let mut customer = found.customer.clone();
    customer.management = to;
    customer.version += 1;
    let entry = audit(
        user,
        &ip,
        Audited::ChangeManagement,
        customer.id.to_string(),
    );
    state
        .table
        .save_customer(&customer, &found.customer, Change::default(), &entry)
        .await
        .map_err(save_problem)?;
    Ok(profile_response(
        StatusCode::OK,
        &CustomerState { customer, ..found },
        &actor.grant,
    ))
}

/// `GET /consent-requests`: paging and filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RequestListParams {
    /// Items per page, 1–100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i32>,
    pub cursor: Option<String>,
    /// `csv` for CSV (same as `Accept: text/csv`).
    pub format: Option<String>,
    /// `pending`, `approved`, `denied`, `expired` or `withdrawn`.
    pub status: Option<String>,
    /// `import` or `managementChange`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

/// A row of the Request Status table (Table 2-2) and the consent view.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RequestRow {
    #[serde(flatten)]
    pub request: ConsentRequest,
}

impl csv::CsvRow for RequestRow {
    fn headers() -> &'static [&'static str] {
        &[
            "Requested At",
            "Email",
            "Status",
            "Updated At",
            "Type",
            "Customer",
            "Expires At",
        ]
    }

    fn row(&self) -> Vec<String> {
        let r = &self.request;
        let t = |d: DateTime<Utc>| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        vec![
            t(r.requested_at),
            r.email.clone(),
            r.status.as_str().into(),
            t(r.updated_at),
            match r.kind {
                RequestKind::Import => "Import".into(),
                RequestKind::ManagementChange => "Management change".into(),
            },
            r.customer_name.clone(),
            t(r.expires_at),
        ]
    }
}

/// The partner's requests, newest first: the Request Status table (Table 2-2) and the
/// consent view (pending requests with their expiry).
#[utoipa::path(
    get,
    path = "/api/v1/consent-requests",
    tag = "consent",
    security(("bearer" = [])),
    params(RequestListParams),
    responses(
        (status = 200, description = "A page of requests", body = ListResponse<RequestRow>,
            content(
                (ListResponse<RequestRow> = "application/json"),
                (String = "text/csv"),
            )),
        api::responses::Unauthorized,
        (status = 422, description = "A bad filter, limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_requests(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<RequestListParams>,
) -> Result<Response, Problem> {
    let actor = acting::user(&state, &principal, Action::ViewCustomers, Resource::Partner).await?;
    let scope = principal.scope();
    let status = match params.status.as_deref() {
        None => None,
        Some(s) => Some(RequestStatus::parse(s).ok_or_else(|| {
            field_error(
                "status",
                "must be pending, approved, denied, expired or withdrawn",
            )
        })?),
    };
    let kind = match params.kind.as_deref() {
        None => None,
        Some("import") => Some(RequestKind::Import),
        Some("managementChange") => Some(RequestKind::ManagementChange),
        Some(_) => return Err(field_error("type", "must be import or managementChange")),
    };
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor.clone(),
        format: None,
    };
    let query = RequestQuery {
        status,
        kind,
        limit: page.limit()?,
        start: page.start(Some("gsi1"), &Table::request_partition(&scope))?,
    };
    let result = state.table.partner_requests(&scope, query).await?;
    let rows: Vec<RequestRow> = result
        .items
        .into_iter()
        .filter(|r| may_handle(&actor, &r.request, Action::ViewCustomers).is_ok())
        .map(|r| RequestRow { request: r.request })
        .collect();
    if csv::wants_csv(&headers, params.format.as_deref()) {
        return Ok(csv::response(&rows, "consent-requests.csv"));
    }
    Ok(Json(ListResponse {
        items: rows,
        next_cursor: result.next.as_ref().map(Cursor::encode),
    })
    .into_response())
}

async fn partner_request(
    state: &AppState,
    principal: &Principal,
    id: &str,
) -> Result<RequestRecord, Problem> {
    let not_found = || Problem::not_found("No such request.");
    let id = RequestId::parse(id).map_err(|_| not_found())?;
    state
        .table
        .partner_request(&principal.scope(), &id)
        .await?
        .ok_or_else(not_found)
}

fn answer_problem(e: AnswerError) -> Problem {
    match e {
        AnswerError::NotPending | AnswerError::LinkUsed => Problem::conflict(
            ProblemType::NotPending,
            "The request has been answered, withdrawn or has expired.",
        ),
        AnswerError::Conflict => Problem::conflict(
            ProblemType::CustomerChanged,
            "The customer was changed meanwhile: reload and try again.",
        ),
        AnswerError::Store(e) => e.into(),
    }
}

fn not_pending(e: domain::consent::RequestError) -> Problem {
    Problem::conflict(
        ProblemType::NotPending,
        format!("{e}: it cannot change now."),
    )
}

/// Send the request's email again, with a new link (the old one stops working) and a
/// new expiry.
#[utoipa::path(
    post,
    path = "/api/v1/consent-requests/{requestId}/resend",
    tag = "consent",
    security(("bearer" = [])),
    params(("requestId" = String, Path, description = "The request")),
    responses(
        (status = 200, description = "Sent again", body = ConsentRequest),
        api::responses::Unauthorized,
        api::responses::NotFound,
        (status = 409, description = "Not pending", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn resend_request(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    Path(request_id): Path<String>,
) -> Result<Json<ConsentRequest>, Problem> {
    let (actor, partner) =
        acting::member(&state, &principal, Action::ViewCustomers, Resource::Partner).await?;
    let stored = partner_request(&state, &principal, &request_id).await?;
    may_handle(&actor, &stored.request, Action::ManageCustomer)?;
    let user = &actor.user;
    let now = Utc::now();
    let secret = token::generate();
    let link = LinkToken {
        hash: token::hash(&secret).ok_or_else(|| Problem::internal("token hash"))?,
        purpose: TokenPurpose::Consent,
        customer_id: stored.request.customer_id.clone(),
        request_id: Some(stored.request.id.clone()),
        expires_at: now + state.config.consent_link_ttl,
        used_at: None,
        issued_to: None,
    };
    let next = stored
        .request
        .apply(RequestEvent::Resend {
            at: now,
            expires_at: link.expires_at,
        })
        .map_err(not_pending)?;
    let record = RequestRecord {
        request: next.clone(),
        token_hash: link.hash.clone(),
    };
    let entry = audit(user, &ip, Audited::ResendConsent, next.id.to_string());
    state
        .table
        .resend_request(&record, &stored.token_hash, &link, &entry)
        .await
        .map_err(answer_problem)?;
    let url = emails::consent_link(&state.config.console_url, &next, &secret);
    send_all(&state, vec![emails::consent_request(&next, &partner, &url)]).await;
    Ok(Json(next))
}

/// Withdraw a pending request: its link stops working.
#[utoipa::path(
    post,
    path = "/api/v1/consent-requests/{requestId}/withdraw",
    tag = "consent",
    security(("bearer" = [])),
    params(("requestId" = String, Path, description = "The request")),
    responses(
        (status = 200, description = "Withdrawn", body = ConsentRequest),
        api::responses::Unauthorized,
        api::responses::NotFound,
        (status = 409, description = "Not pending", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn withdraw_request(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    Path(request_id): Path<String>,
) -> Result<Json<ConsentRequest>, Problem> {
    let actor = acting::user(&state, &principal, Action::ViewCustomers, Resource::Partner).await?;
    let stored = partner_request(&state, &principal, &request_id).await?;
    may_handle(&actor, &stored.request, Action::ManageCustomer)?;
    let user = &actor.user;
    let next = stored
        .request
        .apply(RequestEvent::Withdraw { at: Utc::now() })
        .map_err(not_pending)?;
    let record = RequestRecord {
        request: next.clone(),
        token_hash: stored.token_hash.clone(),
    };
    let entry = audit(user, &ip, Audited::WithdrawConsent, next.id.to_string());
    state
        .table
        .withdraw_request(&record, &entry)
        .await
        .map_err(answer_problem)?;
    Ok(Json(next))
}

/// Whether the actor may see (`ViewCustomers`) or act on (`ManageCustomer`) one of the
/// partner's requests: an import request is the importers' business (the customer is not
/// the partner's yet); a management change is about a customer the actor must reach.
fn may_handle(
    actor: &acting::Actor,
    request: &ConsentRequest,
    action: Action,
) -> Result<(), Problem> {
    let decision = match request.kind {
        RequestKind::Import => authorize(&actor.grant, Action::ImportCustomer, Resource::Partner),
        RequestKind::ManagementChange => authorize(
            &actor.grant,
            action,
            Resource::Customer(&request.customer_id),
        ),
    };
    decision.map_err(|d| acting::refusal(d, "No such request."))
}

/// A "Manage customer" session: the secret the customer's console takes, and until when.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Delegation {
    /// Send as `X-Delegation` with your access token to the portal endpoints.
    pub token: String,
    pub customer_id: String,
    pub expires_at: DateTime<Utc>,
}

/// "Manage Customer": opens the customer's console for a short, audited session with
/// full administrative rights. Partner- and co-managed customers only.
#[utoipa::path(
    post,
    path = "/api/v1/customers/{customerId}/manage",
    tag = "consent",
    security(("bearer" = [])),
    params(("customerId" = String, Path, description = "The customer")),
    responses(
        (status = 201, description = "A session for the customer's console", body = Delegation),
        api::responses::Unauthorized,
        api::responses::NotFound,
        (status = 409, description = "The customer manages its own products", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn manage_customer(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    Path(customer_id): Path<String>,
) -> Result<(StatusCode, Json<Delegation>), Problem> {
    let (id, actor) = on_customer(&state, &principal, &customer_id, Action::ManageCustomer).await?;
    let user = &actor.user;
    let found = load(&state, &principal, &id).await?;
    if !found.customer.management.partner_may_manage() {
        return Err(Problem::conflict(
            ProblemType::CustomerManaged,
            "This customer manages its own products: ask them to approve partner or co-management first.",
        ));
    }
    let secret = token::generate();
    let link = LinkToken {
        hash: token::hash(&secret).ok_or_else(|| Problem::internal("token hash"))?,
        purpose: TokenPurpose::Delegation,
        customer_id: found.customer.id.clone(),
        request_id: None,
        expires_at: Utc::now() + state.config.delegation_ttl,
        used_at: None,
        issued_to: Some(principal.username.clone()),
    };
    let entry = audit(
        user,
        &ip,
        Audited::ManageCustomerSession,
        found.customer.id.to_string(),
    );
    state.table.create_link(&link, &entry).await?;
    tracing::info!(customer = %found.customer.id, "delegated session opened");
    Ok((
        StatusCode::CREATED,
        Json(Delegation {
            token: secret,
            customer_id: found.customer.id.to_string(),
            expires_at: link.expires_at,
        }),
    ))
}
