//! The customer's side: what a welcome or consent link is, choosing a password, approving
//! or denying a partner's request, and the customer portal (the customer admin's own
//! account, or a partner's "Manage customer" session).

use adapters::notify;
use adapters::services::AppState;
use api::ProblemType;
use api::{principal::verified_username, ApiJson, CustomerAdmin, Problem, SourceIp};
use axum::{
    extract::{FromRequestParts, Path, State},
    http::request::Parts,
    Json,
};
use chrono::{DateTime, Utc};
use domain::{
    alert::{self, ConsentOutcome},
    audit::{Action as Audited, AuditRecord, Outcome},
    consent::{ConsentRequest, RequestError, RequestEvent, RequestStatus},
    customer::{MacAccess, ManagementType},
    entitlement::EntitlementView,
    partner::Partner,
    token::{self, LinkGone, LinkToken, TokenPurpose},
    user::parse_username,
    CustomerId, EmailAddress, PartnerId, RequestId, UserId,
};
use serde::{Deserialize, Serialize};
use store::{
    consent::{AnswerError, RequestRecord},
    customers::{Change, CustomerState, SaveError},
    keys, Keys, PartnerScope,
};
use utoipa::ToSchema;

fn gone(e: LinkGone) -> Problem {
    Problem::new(axum::http::StatusCode::GONE, "Gone")
        .kind(match e {
            LinkGone::Used => ProblemType::LinkUsed,
            LinkGone::Expired => ProblemType::LinkExpired,
        })
        .detail(match e {
            LinkGone::Used => "This link has been used already.",
            LinkGone::Expired => "This link has expired. Ask your partner to send it again.",
        })
}

fn no_link() -> Problem {
    Problem::not_found("This link is not valid. Check that you copied all of it.")
}

/// The stored link for `secret`, if it is one for `purpose` (404), still usable (410).
async fn usable_link(
    state: &AppState,
    secret: &str,
    purpose: TokenPurpose,
) -> Result<LinkToken, Problem> {
    let hash = token::hash(secret).ok_or_else(no_link)?;
    let link = state
        .table
        .find_token(&hash)
        .await?
        .filter(|l| l.purpose == purpose)
        .ok_or_else(no_link)?;
    link.usable(Utc::now()).map_err(gone)?;
    Ok(link)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LinkRequest {
    /// The secret from the link (after `#token=`).
    pub token: String,
}

/// An answer to a request: with the email link's secret, or without it from the portal.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AnswerRequest {
    /// The secret from the email's link (after `#token=`); leave out when answering from
    /// the portal.
    #[serde(default)]
    pub token: Option<String>,
}

/// What a link is for, so its page can say so before anyone signs in.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LinkInfo {
    /// `setPassword` or `consent`.
    pub purpose: String,
    pub expires_at: DateTime<Utc>,
    pub customer_name: String,
    /// The customer admin's login.
    pub email: String,
    /// For consent links, the request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<ConsentRequest>,
}

/// Look at a welcome or consent link: what it is for, for whom, until when.
#[utoipa::path(
    post,
    path = "/api/v1/links/inspect",
    tag = "portal",
    request_body = LinkRequest,
    responses(
        (status = 200, description = "What the link is for", body = LinkInfo),
        (status = 404, description = "Not a link", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Used or expired", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn inspect_link(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<LinkRequest>,
) -> Result<Json<LinkInfo>, Problem> {
    let hash = token::hash(&request.token).ok_or_else(no_link)?;
    let link = state.table.find_token(&hash).await?.ok_or_else(no_link)?;
    let purpose = match link.purpose {
        TokenPurpose::SetPassword => "setPassword",
        TokenPurpose::Consent => "consent",
        TokenPurpose::Delegation => return Err(no_link()),
    };
    link.usable(Utc::now()).map_err(gone)?;
    let account = state
        .table
        .customer_account(&link.customer_id)
        .await?
        .ok_or_else(no_link)?;
    if link.purpose == TokenPurpose::SetPassword && account.customer.admin_active {
        return Err(gone(LinkGone::Used));
    }
    let request = match &link.request_id {
        Some(id) => Some(find_request(&account, id)?.request.clone()),
        None => None,
    };
    Ok(Json(LinkInfo {
        purpose: purpose.into(),
        expires_at: link.expires_at,
        customer_name: account.customer.company.name.clone(),
        email: account.customer.contact.email.clone(),
        request,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PasswordSet {
    /// The login to sign in with.
    pub email: String,
}

/// The welcome link's page: the customer admin chooses a password. The link works once.
#[utoipa::path(
    post,
    path = "/api/v1/welcome/set-password",
    tag = "portal",
    request_body = api::passwords::ChosenPassword,
    responses(
        (status = 200, description = "The password is set; sign in", body = PasswordSet),
        (status = 404, description = "Not a welcome link", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Used or expired", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The password is too weak", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn set_password(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    ApiJson(request): ApiJson<api::passwords::ChosenPassword>,
) -> Result<Json<PasswordSet>, Problem> {
    let link = usable_link(&state, &request.token, TokenPurpose::SetPassword).await?;
    let account = state
        .table
        .customer_account(&link.customer_id)
        .await?
        .ok_or_else(no_link)?;
    // Once the admin has chosen a password, every welcome link is spent: an older one
    // (resent, or forwarded) must not set it again.
    if account.customer.admin_active {
        return Err(gone(LinkGone::Used));
    }
    let email = EmailAddress::parse(&account.customer.contact.email).map_err(Problem::internal)?;
    let login = state
        .table
        .find_login(&email)
        .await?
        .filter(|l| l.customer_id.as_ref() == Some(&account.customer.id))
        .ok_or_else(no_link)?;
    let password = api::passwords::checked(&request.password, &email)?;
    let now = Utc::now();
    api::passwords::set_spending_link(
        &state,
        &login.username,
        &email,
        &password,
        state.table.claim_link(&link, now),
        || state.table.release_link(&link, now),
        gone(LinkGone::Used),
    )
    .await?;
    let audit = AuditRecord::new(
        Audited::CustomerSetPassword,
        email.as_str(),
        &ip,
        Outcome::Success,
    )
    .by(&account.customer.partner_id, None)
    .target(account.customer.id.to_string());
    state.table.use_welcome_link(&link, now, &audit).await?;
    Ok(Json(PasswordSet {
        email: email.to_string(),
    }))
}

fn find_request<'a>(
    account: &'a CustomerState,
    id: &RequestId,
) -> Result<&'a RequestRecord, Problem> {
    account
        .requests
        .iter()
        .find(|r| &r.request.id == id)
        .ok_or_else(|| Problem::not_found("No such request."))
}

/// Approves or denies the request `request_id` as its customer's admin: with the email
/// link's secret (the first email's, a reminder's: any live one), or from the portal,
/// where the signed-in admin sees their own pending requests (the request's links are
/// used up either way). A reminder written between the read and the answer changes the
/// request: it is read and answered again, once.
async fn answer(
    state: &AppState,
    admin: &CustomerAdmin,
    ip: &str,
    request_id: &str,
    secret: Option<&str>,
    approve: bool,
) -> Result<ConsentRequest, Problem> {
    for _ in 0..2 {
        match answer_once(state, admin, ip, request_id, secret, approve).await {
            Ok(done) => return Ok(done),
            Err(Failed::Problem(p)) => return Err(p),
            Err(Failed::Changed) => continue,
        }
    }
    Err(Problem::conflict(
        ProblemType::NotPending,
        "This request has been withdrawn or answered already.",
    ))
}

/// Why one attempt at answering did not happen.
enum Failed {
    /// The request changed between the read and the write.
    Changed,
    Problem(Problem),
}

impl From<Problem> for Failed {
    fn from(p: Problem) -> Self {
        Failed::Problem(p)
    }
}

impl From<store::StoreError> for Failed {
    fn from(e: store::StoreError) -> Self {
        Failed::Problem(e.into())
    }
}

async fn answer_once(
    state: &AppState,
    admin: &CustomerAdmin,
    ip: &str,
    request_id: &str,
    secret: Option<&str>,
    approve: bool,
) -> Result<ConsentRequest, Failed> {
    let not_found = || Problem::not_found("No such request.");
    let id = RequestId::parse(request_id).map_err(|_| not_found())?;
    let now = Utc::now();
    let customer = match secret {
        Some(secret) => {
            let hash = token::hash(secret).ok_or_else(not_found)?;
            let link = state
                .table
                .find_token(&hash)
                .await?
                .filter(|l| {
                    l.purpose == TokenPurpose::Consent && l.request_id.as_ref() == Some(&id)
                })
                .ok_or_else(not_found)?;
            link.usable(now).map_err(gone)?;
            if link.customer_id != admin.customer {
                return Err(Problem::forbidden(
                    "This request is for another customer's account: sign in as its administrator.",
                )
                .into());
            }
            link.customer_id
        }
        None => admin.customer.clone(),
    };
    let account = state
        .table
        .customer_account(&customer)
        .await?
        .ok_or_else(not_found)?;
    if account.customer.management == ManagementType::PartnerManaged {
        return Err(Problem::forbidden(
            "Your partner manages this account for you. Contact your partner.",
        )
        .kind(ProblemType::PartnerManaged)
        .into());
    }
    let stored = find_request(&account, &id)?;
    if stored.placeholder || !stored.holds_for(&account.customer) {
        // The customer moved to another partner since: the request ended with it.
        state.table.cancel_request(stored, now).await?;
        return Err(Problem::conflict(
            ProblemType::NotPending,
            "This request has ended: your account moved to another partner since it was made.",
        )
        .into());
    }
    let event = if approve {
        RequestEvent::Approve { at: now }
    } else {
        RequestEvent::Deny { at: now }
    };
    let next = stored.request.apply(event).map_err(|e| match e {
        RequestError::Expired => gone(LinkGone::Expired),
        RequestError::NotPending | RequestError::TooManySends | RequestError::NoReminderDue => {
            Problem::conflict(
                ProblemType::NotPending,
                "This request has been withdrawn or answered already.",
            )
        }
    })?;
    let changed = (next.status == RequestStatus::Approved).then(|| next.effect(&account.customer));
    let audit = AuditRecord::new(
        if approve {
            Audited::ApproveConsent
        } else {
            Audited::DenyConsent
        },
        &account.customer.contact.email,
        ip,
        Outcome::Success,
    )
    .by(&next.partner_id, None)
    .target(next.id.to_string());
    let record = stored.with(next.clone());
    state
        .table
        .answer_request(
            &record,
            changed.as_ref().map(|c| (c, &account.customer)),
            &audit,
        )
        .await
        .map_err(|e| match e {
            AnswerError::Changed => Failed::Changed,
            AnswerError::LinkUsed => gone(LinkGone::Used).into(),
            AnswerError::Conflict => Problem::conflict(
                ProblemType::CustomerChanged,
                "Your account changed meanwhile: try again.",
            )
            .into(),
            AnswerError::Store(e) => Failed::Problem(e.into()),
        })?;
    tracing::info!(request = %next.id, approved = approve, "consent answered");
    // A customer that moved ends every other partner's pending request (best effort:
    // one left pending no longer holds, and is refused wherever it is used).
    if changed
        .as_ref()
        .is_some_and(|c| c.partner_id != account.customer.partner_id)
    {
        for other in account
            .requests
            .iter()
            .filter(|r| r.request.id != next.id && r.request.status == RequestStatus::Pending)
        {
            let Ok(ended) = other.request.apply(RequestEvent::Cancel { at: now }) else {
                continue;
            };
            if let Err(e) = state.table.close_request(&other.with(ended)).await {
                tracing::warn!(request = %other.request.id, error = %e, "request not cancelled");
            }
        }
    }
    // The partner hears of the answer; the answer stands whatever happens to the alert.
    let sender = state
        .table
        .user(
            &PartnerScope::new(next.partner_id.clone()),
            &next.requested_by,
        )
        .await
        .ok()
        .flatten()
        .map(|u| u.name());
    let outcome = if approve {
        ConsentOutcome::Approved
    } else {
        ConsentOutcome::Denied
    };
    let raise = alert::consent(&next, outcome, sender, now);
    if let Err(e) = notify::raise(state, &next.partner_id, &[raise]).await {
        tracing::error!(request = %next.id, error = %e, "consent alert not raised");
    }
    Ok(next)
}

/// Approve a partner's request (the link's page, signed in as the customer admin).
#[utoipa::path(
    post,
    path = "/api/v1/consent/{requestId}/approve",
    tag = "portal",
    security(("bearer" = [])),
    params(("requestId" = String, Path, description = "The request")),
    request_body = AnswerRequest,
    responses(
        (status = 200, description = "Approved: it takes effect now", body = ConsentRequest),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Signed in as someone other than this customer's admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request, or the link is for another", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Withdrawn or answered already", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "The link was used or has expired", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn approve(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    admin: CustomerAdmin,
    Path(request_id): Path<String>,
    ApiJson(request): ApiJson<AnswerRequest>,
) -> Result<Json<ConsentRequest>, Problem> {
    answer(
        &state,
        &admin,
        &ip,
        &request_id,
        request.token.as_deref(),
        true,
    )
    .await
    .map(Json)
}

/// Deny a partner's request. Nothing changes on the account.
#[utoipa::path(
    post,
    path = "/api/v1/consent/{requestId}/deny",
    tag = "portal",
    security(("bearer" = [])),
    params(("requestId" = String, Path, description = "The request")),
    request_body = AnswerRequest,
    responses(
        (status = 200, description = "Denied", body = ConsentRequest),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Signed in as someone other than this customer's admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request, or the link is for another", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Withdrawn or answered already", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "The link was used or has expired", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn deny(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    admin: CustomerAdmin,
    Path(request_id): Path<String>,
    ApiJson(request): ApiJson<AnswerRequest>,
) -> Result<Json<ConsentRequest>, Problem> {
    answer(
        &state,
        &admin,
        &ip,
        &request_id,
        request.token.as_deref(),
        false,
    )
    .await
    .map(Json)
}

/// Who is looking at the customer portal.
#[derive(Debug, Clone)]
pub enum Viewer {
    /// The customer's own administrator.
    Admin(CustomerAdmin),
    /// A partner user in a "Manage customer" session.
    Delegate {
        partner: PartnerId,
        user: UserId,
        customer: CustomerId,
        expires_at: DateTime<Utc>,
    },
}

/// The header carrying a "Manage customer" session's secret.
pub const DELEGATION_HEADER: &str = "x-delegation";

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let username = verified_username(parts, state).await?;
        if let Some(admin) = CustomerAdmin::from_username(&username) {
            return Ok(Viewer::Admin(admin));
        }
        let (Some((partner, user)), Some(secret)) = (
            parse_username(&username),
            parts
                .headers
                .get(DELEGATION_HEADER)
                .and_then(|v| v.to_str().ok()),
        ) else {
            return Err(Problem::forbidden(
                "Open a customer's console with \"Manage customer\" on its profile.",
            ));
        };
        let ended = || {
            Problem::forbidden(
                "This Manage customer session has ended: open it again from the profile.",
            )
            .kind(ProblemType::SessionEnded)
        };
        let hash = token::hash(secret).ok_or_else(ended)?;
        let link = state
            .table
            .find_token(&hash)
            .await?
            .filter(|l| {
                l.purpose == TokenPurpose::Delegation && l.issued_to.as_deref() == Some(&username)
            })
            .ok_or_else(ended)?;
        if link.expires_at <= Utc::now() {
            return Err(ended());
        }
        // The partner user's rights now, not when the session opened: a disabled or
        // removed user, a new role, or a role cut to Read or No access ends it.
        let principal = api::Principal::from_username(username)?;
        match api::acting::on_customer(
            state,
            &principal,
            link.customer_id.as_str(),
            domain::authorization::Action::ManageCustomer,
        )
        .await
        {
            Ok((_, actor, _))
                if link
                    .issued_role
                    .as_ref()
                    .is_none_or(|r| r == &actor.user.role) => {}
            Err(p) if p.status >= 500 => return Err(p),
            _ => return Err(ended()),
        }
        Ok(Viewer::Delegate {
            partner,
            user,
            customer: link.customer_id,
            expires_at: link.expires_at,
        })
    }
}

impl Viewer {
    /// The account the viewer may see: the admin's own unless their partner manages it;
    /// the delegate's while the customer is still theirs to manage.
    async fn account(&self, state: &AppState) -> Result<CustomerState, Problem> {
        let id = match self {
            Viewer::Admin(a) => &a.customer,
            Viewer::Delegate { customer, .. } => customer,
        };
        let account = state
            .table
            .customer_account(id)
            .await?
            .ok_or_else(|| Problem::not_found("This account no longer exists."))?;
        match self {
            Viewer::Admin(_) if account.customer.management == ManagementType::PartnerManaged => {
                Err(Problem::forbidden(
                    "Your partner manages this account for you. Contact your partner.",
                )
                .kind(ProblemType::PartnerManaged))
            }
            Viewer::Delegate { partner, .. }
                if &account.customer.partner_id != partner
                    || !account.customer.management.partner_may_manage() =>
            {
                Err(
                    Problem::forbidden("You no longer manage this customer's products.")
                        .kind(ProblemType::SessionEnded),
                )
            }
            _ => Ok(account),
        }
    }

    fn audit(&self, account: &CustomerState, action: Audited, ip: &str) -> AuditRecord {
        match self {
            Viewer::Admin(_) => AuditRecord::new(
                action,
                &account.customer.contact.email,
                ip,
                Outcome::Success,
            )
            .by(&account.customer.partner_id, None),
            Viewer::Delegate { partner, user, .. } => AuditRecord::new(
                action,
                &format!("delegated session of {user}"),
                ip,
                Outcome::Success,
            )
            .by(partner, Some(user)),
        }
        .target(account.customer.id.to_string())
    }
}

/// The partner's contact and support information, as the customer sees it (the
/// partner's My Company; blank support fields fall back on its sign-up details).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PartnerContact {
    pub name: String,
    pub contact_name: String,
    pub email: String,
    pub phone: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    pub support_email: String,
    pub support_phone: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub support_url: Option<String>,
    /// Where to buy or renew.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purchase_url: Option<String>,
}

impl From<&Partner> for PartnerContact {
    fn from(p: &Partner) -> Self {
        let support = p.customer_support();
        PartnerContact {
            name: p.company.name.clone(),
            contact_name: format!("{} {}", p.contact.first_name, p.contact.last_name),
            email: p.contact.email.clone(),
            phone: p.contact.phone.clone(),
            website: p.company.website.clone(),
            support_email: support.email,
            support_phone: support.phone,
            support_url: support.support_url,
            purchase_url: support.purchase_url,
        }
    }
}

/// The customer portal's page.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PortalAccount {
    pub customer: domain::customer::Customer,
    pub entitlements: Vec<EntitlementView>,
    pub partner: Option<PartnerContact>,
    /// Requests waiting for the customer admin's answer (from the email's link).
    pub pending_requests: Vec<ConsentRequest>,
    /// Set in a partner's "Manage customer" session: when it ends.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delegated_until: Option<DateTime<Utc>>,
}

async fn portal_account(
    state: &AppState,
    viewer: &Viewer,
    account: CustomerState,
) -> Result<PortalAccount, Problem> {
    let k = Keys::new(
        keys::partner_pk(&account.customer.partner_id),
        keys::PARTNER_SK,
    );
    let partner: Option<Partner> = state.table.get(&k.pk, &k.sk).await?;
    let now = Utc::now();
    // A partner in a Manage customer session sees its own requests only.
    let shown = |r: &&RequestRecord| match viewer {
        Viewer::Admin(_) => true,
        Viewer::Delegate { partner, .. } => &r.request.partner_id == partner,
    };
    let mut pending: Vec<ConsentRequest> = account
        .requests
        .iter()
        .filter(shown)
        .filter(|r| r.request.status == RequestStatus::Pending && r.request.expires_at > now)
        .map(|r| r.request.clone())
        .collect();
    pending.sort_by(|a, b| b.id.cmp(&a.id));
    let mut entitlements: Vec<_> = account.entitlements.iter().map(|e| e.view(now)).collect();
    entitlements.sort_by(|a, b| {
        b.entitlement
            .state
            .is_live()
            .cmp(&a.entitlement.state.is_live())
            .then(b.entitlement.created_at.cmp(&a.entitlement.created_at))
    });
    Ok(PortalAccount {
        partner: partner.as_ref().map(PartnerContact::from),
        customer: account.customer,
        entitlements,
        pending_requests: pending,
        delegated_until: match viewer {
            Viewer::Delegate { expires_at, .. } => Some(*expires_at),
            Viewer::Admin(_) => None,
        },
    })
}

/// The customer portal: the account, its products, the partner's contact information
/// and requests waiting for an answer. For the customer admin, or a partner user with
/// a "Manage customer" session (`X-Delegation`).
#[utoipa::path(
    get,
    path = "/api/v1/portal",
    tag = "portal",
    security(("bearer" = [])),
    params(("X-Delegation" = Option<String>, Header, description = "A Manage customer session (partner users)")),
    responses(
        (status = 200, description = "The customer's account", body = PortalAccount),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Partner-managed account, or no session", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_portal(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Json<PortalAccount>, Problem> {
    let account = viewer.account(&state).await?;
    Ok(Json(portal_account(&state, &viewer, account).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PortalSettingsRequest {
    /// Whether unmanaged Mac computers may connect.
    pub unmanaged_mac: MacAccess,
}

/// Allow or deny unmanaged Mac computers (account administrators and partners).
#[utoipa::path(
    patch,
    path = "/api/v1/portal/settings",
    tag = "portal",
    security(("bearer" = [])),
    params(("X-Delegation" = Option<String>, Header, description = "A Manage customer session (partner users)")),
    request_body = PortalSettingsRequest,
    responses(
        (status = 200, description = "Saved", body = PortalAccount),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Partner-managed account, or no session", body = Problem, content_type = "application/problem+json"),
        api::responses::ChangedMeanwhile,
    )
)]
pub async fn update_portal_settings(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    viewer: Viewer,
    ApiJson(request): ApiJson<PortalSettingsRequest>,
) -> Result<Json<PortalAccount>, Problem> {
    // One attribute changes: a save that meets another change made meanwhile (an
    // ingestion's counts, the partner's edit) reads the account again and applies it
    // there, rather than asking the user to try again.
    let mut attempts = 0;
    let account = loop {
        let mut account = viewer.account(&state).await?;
        if account.customer.unmanaged_mac == request.unmanaged_mac {
            break account;
        }
        let before = account.customer.clone();
        let mut customer = account.customer.clone();
        customer.unmanaged_mac = request.unmanaged_mac;
        customer.version += 1;
        let audit = viewer.audit(&account, Audited::PortalUpdateSettings, &ip);
        match state
            .table
            .save_customer(&customer, &before, Change::default(), &audit)
            .await
        {
            Ok(_) => {
                account.customer = customer;
                break account;
            }
            Err(SaveError::Store(e)) => return Err(e.into()),
            Err(_) if attempts < 2 => attempts += 1,
            Err(_) => {
                return Err(Problem::conflict(
                    ProblemType::CustomerChanged,
                    "The account changed meanwhile: try again.",
                ))
            }
        }
    };
    Ok(Json(portal_account(&state, &viewer, account).await?))
}
