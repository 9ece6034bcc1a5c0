//! Administration > My Company (the guide's "Viewing My Company information"): the
//! company information as signed up, read only; the contact and support information the
//! partner gives its customers (in every email to them and in their portal); the
//! language of the console's emails; and when pending consent requests are reminded.

use adapters::services::AppState;
use api::{
    acting,
    versions::{check_if_match, with_etag},
    ApiJson, Principal, Problem, ProblemType, SourceIp,
};
use axum::{
    extract::State,
    http::{header, HeaderMap, StatusCode},
    response::Response,
};
use domain::{
    audit::{Action as Audited, AuditRecord},
    authorization::{Action, Resource},
    consent::ConsentReminders,
    locale::Language,
    partner::{Company, CompanySettings, Contact, Partner, Program, SupportInfo},
};
use serde::Serialize;
use store::StoreError;
use utoipa::ToSchema;

/// My Company as the page shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CompanyView {
    /// The company information from sign-up (read only).
    pub company: Company,
    /// The main contact from sign-up (read only).
    pub contact: Contact,
    pub program: Program,
    /// What the partner's customers are told to contact, as saved (blank fields fall back
    /// on the company's phone and website and the main contact's email).
    pub support: SupportInfo,
    /// The language of the console's emails.
    pub language: Language,
    /// When the customer's admin is reminded of a pending import or management request.
    pub consent_reminders: ConsentReminders,
    pub version: u64,
}

fn answer(partner: &Partner) -> Response {
    with_etag(
        StatusCode::OK,
        &CompanyView {
            company: partner.company.clone(),
            contact: partner.contact.clone(),
            program: partner.program,
            support: partner.support.clone(),
            language: partner.language,
            consent_reminders: partner.consent_reminders,
            version: partner.version,
        },
        partner.version,
    )
}

/// My Company: every user of the partner may read it.
#[utoipa::path(
    get,
    path = "/api/v1/company",
    tag = "users",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "My Company, with its version as `ETag`", body = CompanyView),
        api::responses::Unauthorized,
        api::responses::Forbidden,
    )
)]
pub async fn get_company(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Response, Problem> {
    let (_, partner) =
        acting::member(&state, &principal, Action::ViewCompany, Resource::Partner).await?;
    Ok(answer(&partner))
}

/// How often a change without `If-Match` is tried again when another saved meanwhile.
const TRIES: usize = 4;

/// Saves the contact and support information, the emails' language and the consent
/// reminders (partner administrators and administrators). A change to the reminders
/// applies to every pending request from its next reminder time (requests sent while
/// reminders were off included). `If-Match` with the `ETag` saves only onto that
/// version (412 otherwise); without it, onto the version stored. The next email to a customer and the customer portal show it.
#[utoipa::path(
    put,
    path = "/api/v1/company",
    tag = "users",
    security(("bearer" = [])),
    params(("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on")),
    request_body = CompanySettings,
    responses(
        (status = 200, description = "Saved", body = CompanyView),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        api::responses::ChangedMeanwhile,
        api::responses::StaleVersion,
        api::responses::InvalidFields,
    )
)]
pub async fn update_company(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    headers: HeaderMap,
    ApiJson(form): ApiJson<CompanySettings>,
) -> Result<Response, Problem> {
    let pinned = headers.contains_key(header::IF_MATCH);
    for _ in 0..TRIES {
        let (actor, mut partner) =
            acting::member(&state, &principal, Action::ManageCompany, Resource::Partner).await?;
        check_if_match(&headers, partner.version)?;
        let reminders = form.consent_reminders.unwrap_or(partner.consent_reminders);
        let (support, reminders) = match (
            SupportInfo::parse(&form.support),
            ConsentReminders::parse(reminders),
        ) {
            (Ok(s), Ok(r)) => (s, r),
            (s, r) => {
                let mut errors = s.err().unwrap_or_default();
                errors.extend(r.err().unwrap_or_default());
                return Err(Problem::validation(errors));
            }
        };
        // Saved and audited even when unchanged: an administrator's explicit decision.
        let record = AuditRecord::of_user(
            &actor.user,
            Audited::UpdateCompany,
            &ip,
            partner.id.to_string(),
        );
        match state
            .table
            .save_company_settings(
                &principal.scope(),
                partner.version,
                &support,
                form.language,
                &reminders,
                &record,
            )
            .await
        {
            Ok(()) => {
                partner.support = support;
                partner.language = form.language;
                partner.consent_reminders = reminders;
                partner.version += 1;
                return Ok(answer(&partner));
            }
            Err(StoreError::ConditionFailed { index: Some(0) }) if pinned => {
                return Err(Problem::precondition_failed())
            }
            // Another change to the partner (e.g. the security settings) landed first:
            // without `If-Match` the change applies to the version now stored.
            Err(StoreError::ConditionFailed { index: Some(0) }) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Err(Problem::conflict(
        ProblemType::Changed,
        "My Company keeps changing: reload it and try again.",
    ))
}
