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
    consent::{
        needs_consent, ConsentRequest, PartnerView, RequestError, RequestEvent, RequestKind,
        RequestStatus,
    },
    customer::ManagementType,
    partner::Partner,
    token::{self, LinkToken, TokenPurpose},
    CustomerId, EmailAddress, RequestId, User,
};
use serde::{Deserialize, Serialize};
use store::{
    consent::{AnswerError, RequestQuery, RequestRecord},
    customers::{Change, CustomerState, SaveError},
    Table,
};
use utoipa::{IntoParams, ToSchema};

use crate::handlers::{
    audit, check_if_match, field_error, load, on_customer, profile_response, save_problem,
    send_all, Acting,
};

/// A new consent link for request `id` of `customer`: the secret for the email, the
/// record to store.
fn link(
    state: &AppState,
    customer: &CustomerId,
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
            customer_id: customer.clone(),
            request_id: Some(id.clone()),
            expires_at: now + state.config.consent_link_ttl,
            used_at: None,
            issued_to: None,
            issued_role: None,
        },
    ))
}

/// Whom a new request is about: a customer the partner may ask, or (an import of an
/// email that is no such customer) nobody.
enum Subject<'a> {
    Customer(&'a CustomerState),
    Nobody { email: String },
}

/// Creates a request, stores its link, and emails the customer admin; a placeholder for
/// nobody is stored and sent to no one. `management` is the management type a management
/// change asks for (`None`: an import); `previous` is the partner's last request of this
/// kind about this subject, which the new one replaces.
async fn ask(
    state: &AppState,
    (user, partner): (&User, &Partner),
    ip: &str,
    subject: Subject<'_>,
    management: Option<ManagementType>,
    previous: Option<&RequestId>,
) -> Result<ConsentRequest, Problem> {
    let kind = match management {
        Some(_) => RequestKind::ManagementChange,
        None => RequestKind::Import,
    };
    let now = Utc::now();
    let id = RequestId::generate();
    let (customer_id, customer_name, email, owner) = match &subject {
        Subject::Customer(found) => (
            found.customer.id.clone(),
            found.customer.company.name.clone(),
            found.customer.contact.email.clone(),
            Some(found.customer.partner_id.clone()),
        ),
        // A partition of its own that no customer will ever have.
        Subject::Nobody { email } => (CustomerId::generate(), String::new(), email.clone(), None),
    };
    let (secret, link) = link(state, &customer_id, &id, now)?;
    let request = ConsentRequest {
        id,
        kind,
        partner_id: partner.id.clone(),
        partner_name: partner.company.name.clone(),
        requested_by: user.id.clone(),
        customer_id,
        customer_name,
        email,
        management,
        status: RequestStatus::Pending,
        requested_at: now,
        updated_at: now,
        expires_at: link.expires_at,
        sent_count: 1,
        reminders_sent: 0,
        last_reminded_at: None,
        next_reminder_at: None,
        next_slot_at: None,
        last_reminder_failed: false,
    }
    .planned(&partner.consent_reminders);
    let placeholder = owner.is_none();
    let record = RequestRecord::new(request.clone(), &link, owner);
    let entry = audit(user, ip, Audited::RequestConsent, request.id.to_string());
    let stored_link = (!placeholder).then_some(&link);
    state
        .table
        .create_request(&record, previous, stored_link, &entry)
        .await
        .map_err(|e| match e {
            SaveError::Store(e) => e.into(),
            _ => Problem::conflict(
                ProblemType::RequestInProgress,
                "Another request about this customer was made at the same moment: reload the requests.",
            ),
        })?;
    if !placeholder {
        let url = emails::consent_link(&state.config.console_url, &request, &secret);
        send_all(
            state,
            vec![emails::consent_request(&request, partner, &url)],
        )
        .await;
    }
    Ok(request)
}

/// Counts `weight` attempts against a limit: 429 when over it.
pub(crate) async fn limited(
    state: &AppState,
    name: &str,
    subject: &str,
    limit: adapters::config::Limit,
    weight: u32,
) -> Result<(), Problem> {
    match state
        .table
        .hits(name, subject, limit, weight, Utc::now().timestamp())
        .await?
    {
        Ok(()) => Ok(()),
        Err(l) => Err(Problem::too_many_requests(l.retry_after_secs)),
    }
}

/// A request's answer to the partner that made it.
fn accepted(request: &ConsentRequest) -> Response {
    api::versions::located(
        (StatusCode::ACCEPTED, Json(request.for_partner())).into_response(),
        &format!("/api/v1/consent-requests/{}", request.id),
    )
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImportRequest {
    /// The email of the customer's account (their admin's login).
    #[schema(format = "email", max_length = 254)]
    pub email: String,
}

/// Import an existing customer: the customer admin is emailed a request to approve. The
/// customer appears in the list once they approve.
///
/// The answer is the same whether or not the email is a customer's, already yours, or
/// asked about already (then it is the pending request): you learn the customer's name
/// when they approve. At most 5 emails per request, 50 import requests per partner and
/// 5 per email (from all partners) a day.
#[utoipa::path(
    post,
    path = "/api/v1/customers/import",
    tag = "consent",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    request_body = ImportRequest,
    responses(
        (status = 202, description = "Requested (or already pending); a customer with this email must approve", body = PartnerView),
        api::responses::Unauthorized,
        (status = 409, description = "Another request for this email was made at the same moment", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not an email address", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many import requests today (by you, or about this email)", body = Problem, content_type = "application/problem+json"),
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
    acting::may_send_email(&partner)?;
    let user = &actor.user;
    let email = EmailAddress::parse(&request.email).map_err(|m| field_error("email", m))?;
    let c = &state.config;
    limited(
        &state,
        "import-partner",
        partner.id.as_str(),
        c.import_per_partner,
        1,
    )
    .await?;
    let subject = email.as_str().to_lowercase();
    let last = state
        .table
        .last_asked(&partner.id, RequestKind::Import, &subject)
        .await?;
    let now = Utc::now();
    if let Some((_, Some(stored))) = &last {
        let r = &stored.request;
        if r.status == RequestStatus::Pending && r.expires_at > now {
            return Ok(accepted(r));
        }
    }
    limited(&state, "import-email", &subject, c.import_per_email, 1).await?;
    // The customer with this login, if the partner may ask to import it.
    let found = match state.table.find_login(&email).await? {
        Some(store::accounts::Login {
            customer_id: Some(id),
            ..
        }) => state
            .table
            .customer_account(&id)
            .await?
            .filter(|a| a.customer.partner_id != partner.id),
        _ => None,
    };
    let target = match &found {
        Some(account) => Subject::Customer(account),
        None => Subject::Nobody {
            email: email.to_string(),
        },
    };
    let previous = last.as_ref().map(|(a, _)| &a.request_id);
    let asked = ask(&state, (user, &partner), &ip, target, None, previous).await?;
    Ok(accepted(&asked))
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
    let a = Acting {
        state: &state,
        principal: &principal,
        actor: &actor,
        partner: &partner,
        ip: &ip,
    };
    let found = a.customer(&id, Action::ManageCustomer).await?;
    check_if_match(&headers, found.customer.version)?;
    match change_management_of(&a, found, request.management).await? {
        Managed::Changed(after) => Ok(profile_response(StatusCode::OK, &after, &actor.grant)),
        Managed::Requested(id) => {
            let after = state
                .table
                .customer(&principal.scope(), &id)
                .await?
                .ok_or_else(|| Problem::not_found("No such customer."))?;
            Ok(profile_response(StatusCode::ACCEPTED, &after, &actor.grant))
        }
    }
}

/// What a management change did.
pub(crate) enum Managed {
    /// It gave access back, and took effect: the customer as saved.
    Changed(Box<CustomerState>),
    /// It asks the customer (whose id this is) for more access: a request was sent.
    Requested(CustomerId),
}

/// Changes a customer's management type to `to`, or asks the customer for it when it
/// gives the partner more access (the single route's and the bulk route's core): 422 when
/// it is that type already, 409 while a request is pending.
pub(crate) async fn change_management_of(
    a: &Acting<'_>,
    found: CustomerState,
    to: ManagementType,
) -> Result<Managed, Problem> {
    let (state, user, partner, ip) = (a.state, &a.actor.user, a.partner, a.ip);
    let from = found.customer.management;
    if from == to {
        return Err(field_error(
            "management",
            format!("is already {}", to.label()),
        ));
    }
    if needs_consent(from, to) {
        // The request is emailed to the customer.
        acting::may_send_email(partner)?;
        if found
            .pending(&partner.id, RequestKind::ManagementChange)
            .is_some()
        {
            return Err(Problem::conflict(
                ProblemType::RequestPending,
                "A request is already waiting for this customer's answer: re-send or withdraw it.",
            ));
        }
        let last = state
            .table
            .last_asked(
                &partner.id,
                RequestKind::ManagementChange,
                found.customer.id.as_str(),
            )
            .await?;
        ask(
            state,
            (user, partner),
            ip,
            Subject::Customer(&found),
            Some(to),
            last.as_ref().map(|(a, _)| &a.request_id),
        )
        .await?;
        return Ok(Managed::Requested(found.customer.id));
    }
    let mut customer = found.customer.clone();
    customer.management = to;
    customer.version += 1;
    let entry = audit(user, ip, Audited::ChangeManagement, customer.id.to_string());
    state
        .table
        .save_customer(&customer, &found.customer, Change::default(), &entry)
        .await
        .map_err(save_problem)?;
    Ok(Managed::Changed(Box::new(CustomerState {
        customer,
        ..found
    })))
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
    #[param(pattern = "^(?:pending|approved|denied|expired|withdrawn)$")]
    pub status: Option<String>,
    /// `import` or `managementChange`.
    #[serde(rename = "type")]
    #[param(pattern = "^(?:import|managementChange)$")]
    pub kind: Option<String>,
}

/// A row of the Request Status table (Table 2-2) and the consent view.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RequestRow {
    #[serde(flatten)]
    pub request: PartnerView,
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
            r.customer_name.clone().unwrap_or_default(),
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
        .map(|r| RequestRow {
            request: r.request.for_partner(),
        })
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
        AnswerError::Changed => Problem::conflict(
            ProblemType::Changed,
            "The request changed meanwhile (answered, reminded or re-sent): reload and try again.",
        ),
        AnswerError::LinkUsed => Problem::conflict(
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

fn not_pending(e: RequestError) -> Problem {
    match e {
        RequestError::TooManySends => Problem::conflict(
            ProblemType::TooManySends,
            format!("{e}: withdraw it and ask again tomorrow, or ask the customer to look for it."),
        ),
        _ => Problem::conflict(
            ProblemType::NotPending,
            format!("{e}: it cannot change now."),
        ),
    }
}

/// The customer a real request is about, if the request still holds for it: a request
/// whose customer moved to another partner (or was removed) ends here, as `Cancelled`,
/// and the partner cannot act on it. `None` for a placeholder.
async fn still_holding(
    state: &AppState,
    stored: &RequestRecord,
) -> Result<Option<CustomerState>, Problem> {
    if stored.placeholder {
        return Ok(None);
    }
    let account = state
        .table
        .customer_account(&stored.request.customer_id)
        .await?;
    match account {
        Some(a) if stored.holds_for(&a.customer) => Ok(Some(a)),
        _ => {
            cancel(state, stored).await;
            Err(Problem::conflict(
                ProblemType::NotPending,
                "This request has ended: the customer is no longer available to it.",
            ))
        }
    }
}

/// Ends a pending request that can no longer take effect (best effort: one that stays
/// pending is refused wherever it is used, and expires).
async fn cancel(state: &AppState, stored: &RequestRecord) {
    state.table.cancel_pending([stored], Utc::now()).await;
}

/// Send the request's email again, with a new link (every earlier link, the reminders'
/// too, stops working) and a new expiry. A request is sent 5 times at most.
#[utoipa::path(
    post,
    path = "/api/v1/consent-requests/{requestId}/resend",
    tag = "consent",
    security(("bearer" = [])),
    params(("requestId" = String, Path, description = "The request")),
    responses(
        (status = 200, description = "Sent again", body = PartnerView),
        api::responses::Unauthorized,
        api::responses::NotFound,
        (status = 409, description = "Not pending, ended, sent 5 times already, or changed meanwhile", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn resend_request(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    Path(request_id): Path<String>,
) -> Result<Json<PartnerView>, Problem> {
    let (actor, partner) =
        acting::member(&state, &principal, Action::ViewCustomers, Resource::Partner).await?;
    let stored = partner_request(&state, &principal, &request_id).await?;
    may_handle(&actor, &stored.request, Action::ManageCustomer)?;
    acting::may_send_email(&partner)?;
    let user = &actor.user;
    let now = Utc::now();
    // Checked before anything else, so an ended request answers alike either way.
    stored
        .request
        .apply(RequestEvent::Resend {
            at: now,
            expires_at: now,
            reminders: partner.consent_reminders,
        })
        .map_err(not_pending)?;
    still_holding(&state, &stored).await?;
    let (secret, link) = link(&state, &stored.request.customer_id, &stored.request.id, now)?;
    let next = stored
        .request
        .apply(RequestEvent::Resend {
            at: now,
            expires_at: link.expires_at,
            reminders: partner.consent_reminders,
        })
        .map_err(not_pending)?;
    let entry = audit(user, &ip, Audited::ResendConsent, next.id.to_string());
    state
        .table
        .resend_request(
            &stored.with(next.clone()),
            (!stored.placeholder).then_some(&link),
            &entry,
        )
        .await
        .map_err(answer_problem)?;
    if !stored.placeholder {
        let url = emails::consent_link(&state.config.console_url, &next, &secret);
        send_all(&state, vec![emails::consent_request(&next, &partner, &url)]).await;
    }
    Ok(Json(next.for_partner()))
}

/// Withdraw a pending request: its links (the first email's and the reminders') stop
/// working.
#[utoipa::path(
    post,
    path = "/api/v1/consent-requests/{requestId}/withdraw",
    tag = "consent",
    security(("bearer" = [])),
    params(("requestId" = String, Path, description = "The request")),
    responses(
        (status = 200, description = "Withdrawn", body = PartnerView),
        api::responses::Unauthorized,
        api::responses::NotFound,
        (status = 409, description = "Not pending, ended, or changed meanwhile", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn withdraw_request(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    Path(request_id): Path<String>,
) -> Result<Json<PartnerView>, Problem> {
    let actor = acting::user(&state, &principal, Action::ViewCustomers, Resource::Partner).await?;
    let stored = partner_request(&state, &principal, &request_id).await?;
    may_handle(&actor, &stored.request, Action::ManageCustomer)?;
    let user = &actor.user;
    let next = stored
        .request
        .apply(RequestEvent::Withdraw { at: Utc::now() })
        .map_err(not_pending)?;
    still_holding(&state, &stored).await?;
    let entry = audit(user, &ip, Audited::WithdrawConsent, next.id.to_string());
    state
        .table
        .withdraw_request(&stored.with(next.clone()), &entry)
        .await
        .map_err(answer_problem)?;
    Ok(Json(next.for_partner()))
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
        issued_role: Some(user.role.clone()),
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
