//! The report wizard's request, the Reports listing (Table 3-1), a report's detail, its
//! files, and deletion. A report covers customers the requester may read, and is shown
//! only to users who may read every customer it covers (and, for the Security Audit, the
//! audit trail), so a report never carries what its reader could not see in the console.

use std::time::Duration;

use adapters::services::AppState;
use api::{
    acting::{self, Actor},
    ApiJson, ApiQuery, Cursor, ListResponse, PageParams, Principal, Problem, ProblemType, SourceIp,
};
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use chrono::Utc;
use domain::{
    audit::{Action as Audited, AuditRecord},
    authorization::{Action, Grant, Resource},
    report::{
        check_request, schedule::Delivery, ComputerScope, Format, OptionSet, Period, Report,
        ReportBy, ReportOptions, ReportRequest, ReportStatus, ReportType, MAX_CUSTOMERS,
    },
    CustomerId, FieldError, ReportId,
};
use serde::{Deserialize, Serialize};
use store::Table;
use utoipa::ToSchema;

/// How long a file link works.
const LINK_TTL: Duration = Duration::from_secs(300);

/// One report type as the wizard offers it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReportTypeInfo {
    #[serde(rename = "type")]
    pub report_type: ReportType,
    pub title: String,
    /// The data options the type offers beside the period and the customers.
    pub options: OptionSet,
    pub formats: Vec<Format>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportTypes {
    pub items: Vec<ReportTypeInfo>,
}

/// The wizard's report types, their options and formats.
#[utoipa::path(
    get,
    path = "/api/v1/report-types",
    tag = "reports",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The 14 report types", body = ReportTypes),
        api::responses::Unauthorized,
    )
)]
pub async fn report_types(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<ReportTypes>, Problem> {
    let actor = acting::user(&state, &principal, Action::RunReports, Resource::Partner).await?;
    Ok(Json(ReportTypes {
        items: ReportType::ALL
            .into_iter()
            .filter(|t| !t.reads_audit_trail() || reads_audit(&actor))
            .map(|t| ReportTypeInfo {
                report_type: t,
                title: t.title().to_string(),
                options: t.options(),
                formats: t.formats().to_vec(),
            })
            .collect(),
    }))
}

pub fn reads_audit(actor: &Actor) -> bool {
    actor.may(Action::ViewAuditTrail, Resource::Partner).is_ok()
}

/// The wizard's Data Selection.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OptionsForm {
    pub period: Period,
    /// The customers chosen (at least one), unless `allCustomers`.
    #[serde(default)]
    #[schema(schema_with = domain::schema::report_customers)]
    pub customers: Vec<String>,
    /// Every customer the requester may read, as they are now.
    #[serde(default)]
    pub all_customers: bool,
    #[serde(default)]
    pub computers: ComputerScope,
    #[serde(default)]
    pub include_mac: bool,
    #[serde(default)]
    pub report_by: ReportBy,
    #[serde(default)]
    pub active_users_only: bool,
}

/// A report request: the wizard's choices.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReportForm {
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub name: String,
    #[serde(rename = "type")]
    pub report_type: ReportType,
    #[schema(min_items = 1)]
    pub formats: Vec<Format>,
    pub options: OptionsForm,
    /// The Delivery step: who receives the report by email when it is ready (reports
    /// only; a schedule keeps its own recipients).
    #[serde(default)]
    pub delivery: Option<crate::delivery::DeliveryForm>,
}

pub fn field(field: impl Into<String>, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.into(),
        message: message.into(),
    }
}

/// The customers a request names, checked: each the partner's and readable by the
/// actor. A customer that does not exist and one the actor may not read are refused in
/// the same words, so a refusal says nothing about other partners' or hidden customers.
pub async fn chosen_customers(
    state: &AppState,
    actor: &Actor,
    partner: &domain::PartnerId,
    form: &OptionsForm,
) -> Result<Vec<CustomerId>, Problem> {
    if form.all_customers {
        if !form.customers.is_empty() {
            return Err(Problem::validation(vec![field(
                "options.customers",
                "choose customers or all customers, not both",
            )]));
        }
        let visible = actor.visibility();
        let all: Vec<CustomerId> = state
            .table
            .customer_ids(partner)
            .await?
            .into_iter()
            .filter(|c| visible.sees(c))
            .collect();
        if all.len() > MAX_CUSTOMERS {
            return Err(Problem::validation(vec![field(
                "options.customers",
                format!(
                    "a report covers at most {MAX_CUSTOMERS} customers; you have {}: choose some",
                    all.len()
                ),
            )]));
        }
        return Ok(all);
    }
    let mut errors = Vec::new();
    let mut ids = Vec::new();
    for (i, raw) in form.customers.iter().enumerate() {
        match CustomerId::parse(raw) {
            Ok(id) => ids.push((i, id)),
            Err(_) => errors.push(field(format!("options.customers[{i}]"), "no such customer")),
        }
    }
    if ids.len() <= MAX_CUSTOMERS {
        let wanted: Vec<CustomerId> = ids.iter().map(|(_, c)| c.clone()).collect();
        let found = state.table.accounts(&wanted).await?;
        for (i, id) in &ids {
            let ours = found
                .iter()
                .any(|c| &c.id == id && &c.partner_id == partner);
            if !ours
                || actor
                    .may(Action::RunReports, Resource::Customer(id))
                    .is_err()
            {
                errors.push(field(format!("options.customers[{i}]"), "no such customer"));
            }
        }
    }
    if !errors.is_empty() {
        return Err(Problem::validation(errors));
    }
    Ok(ids.into_iter().map(|(_, c)| c).collect())
}

/// The wizard's Generate Report: stores the report (Processing) and hands it to the
/// report worker. The answer is the report; the listing shows when it is Ready.
#[utoipa::path(
    post,
    path = "/api/v1/reports",
    tag = "reports",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request create one report")),
    request_body = ReportForm,
    responses(
        (status = 202, description = "Accepted: the report is Processing", body = Report),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        api::responses::InvalidFields,
        (status = 503, description = "The report could not be started; it is marked Failed", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_report(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    ApiJson(form): ApiJson<ReportForm>,
) -> Result<Response, Problem> {
    let (actor, partner) =
        acting::member(&state, &principal, Action::RunReports, Resource::Partner).await?;
    if let Some(d) = &form.delivery {
        crate::delivery::may_deliver(&partner, d)?;
    }
    let request = checked_form(&state, &actor, &partner.id, &form).await?;
    let delivery = match &form.delivery {
        Some(d) => Some(
            crate::delivery::checked_delivery(&state, &partner.id, d)
                .await?
                .map_err(Problem::validation)?,
        ),
        None => None,
    };
    let report = start(&state, &actor, &partner.id, &ip, request, delivery).await?;
    Ok(accepted(&report))
}

/// The 202 answer with the report and its address.
pub fn accepted(report: &Report) -> Response {
    api::versions::located(
        (StatusCode::ACCEPTED, Json(report)).into_response(),
        &format!("/api/v1/reports/{}", report.id),
    )
}

/// A wizard's form checked for the actor: the type it may make, customers it may read,
/// and everything `check_request` checks.
pub async fn checked_form(
    state: &AppState,
    actor: &Actor,
    partner: &domain::PartnerId,
    form: &ReportForm,
) -> Result<ReportRequest, Problem> {
    if form.report_type.reads_audit_trail() {
        actor.may(Action::ViewAuditTrail, Resource::Partner)?;
    }
    let customers = chosen_customers(state, actor, partner, &form.options).await?;
    let options = ReportOptions {
        period: form.options.period,
        customers,
        computers: form.options.computers,
        include_mac: form.options.include_mac,
        report_by: form.options.report_by,
        active_users_only: form.options.active_users_only,
    };
    check_request(
        &form.name,
        form.report_type,
        &form.formats,
        options,
        Utc::now(),
    )
    .map_err(Problem::validation)
}

/// Stores a checked request as a Processing report and hands it to the report worker.
pub async fn start(
    state: &AppState,
    actor: &Actor,
    partner: &domain::PartnerId,
    ip: &str,
    request: ReportRequest,
    delivery: Option<Delivery>,
) -> Result<Report, Problem> {
    let now = Utc::now();
    let report = Report {
        id: ReportId::generate(),
        name: request.name,
        report_type: request.report_type,
        formats: request.formats,
        options: request.options,
        status: ReportStatus::Processing,
        failure: None,
        files: Vec::new(),
        requested_by: actor.user.id.clone(),
        requested_by_name: actor.user.name(),
        requested_at: now,
        finished_at: None,
        expires_at: Report::expiry(now),
        not_emailed: Vec::new(),
    };
    let audit = AuditRecord::of_user(
        &actor.user,
        Audited::CreateReport,
        ip,
        report.id.to_string(),
    );
    state
        .table
        .create_report_for(partner, &report, delivery.as_ref(), &audit)
        .await?;
    let event = adapters::events::DomainEvent {
        detail_type: adapters::events::REPORT_REQUESTED.into(),
        detail: serde_json::json!({ "partnerId": partner, "reportId": report.id }),
    };
    if let Err(e) = state.events().publish(&event).await {
        tracing::error!(report = %report.id, error = %e, "ReportRequested was not published");
        let reason = "The report could not be started. Try again.";
        state
            .table
            .finish_report(partner, &report.id, Err(reason), Utc::now())
            .await?;
        return Err(
            Problem::new(StatusCode::SERVICE_UNAVAILABLE, "Service unavailable").detail(reason),
        );
    }
    Ok(report)
}

/// Whether the actor may see a report: every customer it covers readable, and the audit
/// trail for a Security Audit.
pub fn may_see(actor: &Actor, report: &Report) -> bool {
    may_read(actor, report.report_type, report.customers())
}

/// Whether the actor may read a report (or template) of `kind` about `customers`: every
/// customer readable, and the audit trail for a Security Audit.
pub fn may_read(actor: &Actor, kind: ReportType, customers: &[CustomerId]) -> bool {
    (!kind.reads_audit_trail() || reads_audit(actor))
        && customers
            .iter()
            .all(|c| actor.may(Action::RunReports, Resource::Customer(c)).is_ok())
}

fn no_such_report() -> Problem {
    Problem::not_found("No such report.")
}

/// The report a path names, if the actor may see it.
async fn visible_report(
    state: &AppState,
    principal: &Principal,
    raw: &str,
) -> Result<(Actor, Report), Problem> {
    let actor = acting::user(state, principal, Action::RunReports, Resource::Partner).await?;
    let id = ReportId::parse(raw).map_err(|_| no_such_report())?;
    let report = state
        .table
        .report(principal.scope().partner_id(), &id)
        .await?
        .filter(|r| may_see(&actor, r))
        .ok_or_else(no_such_report)?;
    Ok((actor, report.as_seen(Utc::now())))
}

/// The Reports listing, newest first: the reports the user may see.
#[utoipa::path(
    get,
    path = "/api/v1/reports",
    tag = "reports",
    security(("bearer" = [])),
    params(PageParams),
    responses(
        (status = 200, description = "A page of reports", body = ListResponse<Report>),
        api::responses::Unauthorized,
        api::responses::InvalidFields,
    )
)]
pub async fn list_reports(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(params): ApiQuery<PageParams>,
) -> Result<Json<ListResponse<Report>>, Problem> {
    let actor = acting::user(&state, &principal, Action::RunReports, Resource::Partner).await?;
    let partner = principal.scope().partner_id().clone();
    let limit = params.limit()?;
    let start = params.start(None, &Table::report_partition(&partner))?;
    let page = state.table.report_page(&partner, limit, start).await?;
    let now = Utc::now();
    Ok(Json(ListResponse {
        items: page
            .items
            .into_iter()
            .filter(|r| may_see(&actor, r))
            .map(|r| r.as_seen(now))
            .collect(),
        next_cursor: page.next.as_ref().map(Cursor::encode),
    }))
}

/// One report: its status, options and files.
#[utoipa::path(
    get,
    path = "/api/v1/reports/{reportId}",
    tag = "reports",
    security(("bearer" = [])),
    params(("reportId" = String, Path)),
    responses(
        (status = 200, description = "The report", body = Report),
        api::responses::Unauthorized,
        api::responses::NotFound,
    )
)]
pub async fn get_report(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Json<Report>, Problem> {
    Ok(Json(visible_report(&state, &principal, &id).await?.1))
}

/// Deletes a report and its files. The built-in roles delete any report they see; a
/// custom role its own.
#[utoipa::path(
    delete,
    path = "/api/v1/reports/{reportId}",
    tag = "reports",
    security(("bearer" = [])),
    params(("reportId" = String, Path)),
    responses(
        (status = 204, description = "Deleted"),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        api::responses::NotFound,
    )
)]
pub async fn delete_report(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    let (actor, report) = visible_report(&state, &principal, &id).await?;
    if matches!(actor.grant, Grant::Custom(_)) && report.requested_by != actor.user.id {
        return Err(Problem::forbidden(
            "Your role may delete only the reports you requested.",
        ));
    }
    let partner = principal.scope().partner_id().clone();
    let audit = AuditRecord::of_user(
        &actor.user,
        Audited::DeleteReport,
        &ip,
        report.id.to_string(),
    );
    match state
        .table
        .delete_report(&partner, &report.id, &audit)
        .await
    {
        Ok(()) => {}
        Err(store::StoreError::ConditionFailed { .. }) => return Err(no_such_report()),
        Err(e) => return Err(e.into()),
    }
    // The item is gone, so nothing points at the files any more; a file left behind by
    // a failure here expires with the bucket's lifecycle rule.
    let keys: Vec<String> = Format::ALL
        .iter()
        .map(|f| Report::file_key(&partner, &report.id, *f))
        .collect();
    if let Err(e) = state
        .files()
        .delete(&state.config.reports_bucket, &keys)
        .await
    {
        tracing::error!(report = %report.id, error = %e, "report files not deleted");
    }
    Ok(StatusCode::NO_CONTENT)
}

/// A short-lived link to one of a report's files.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FileLink {
    pub url: String,
    pub expires_at: chrono::DateTime<Utc>,
}

/// A file download: a presigned link that works for five minutes, given after the access
/// check. HTML opens in the browser; the other formats download.
#[utoipa::path(
    get,
    path = "/api/v1/reports/{reportId}/files/{format}",
    tag = "reports",
    security(("bearer" = [])),
    params(("reportId" = String, Path), ("format" = String, Path, description = "`pdf`, `html`, `csv` or `xml`")),
    responses(
        (status = 200, description = "The link", body = FileLink),
        api::responses::Unauthorized,
        api::responses::NotFound,
        (status = 409, description = "The report is not ready", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn report_file(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, format)): Path<(String, String)>,
) -> Result<Json<FileLink>, Problem> {
    let (_, report) = visible_report(&state, &principal, &id).await?;
    let format = Format::parse(&format)
        .filter(|f| report.formats.contains(f))
        .ok_or_else(|| Problem::not_found("The report has no such format."))?;
    if report.status != ReportStatus::Ready {
        return Err(Problem::conflict(
            ProblemType::ReportNotReady,
            match report.status {
                ReportStatus::Failed => "The report failed: it has no files.",
                _ => "The report is still being made: try again when it is Ready.",
            },
        ));
    }
    let partner = principal.scope().partner_id().clone();
    let key = Report::file_key(&partner, &report.id, format);
    let disposition = match format {
        Format::Html => None,
        _ => Some(attachment(&report.name, format.extension())),
    };
    let now = Utc::now();
    let url = state
        .files()
        .presigned_download(
            &state.config.reports_bucket,
            &key,
            LINK_TTL,
            disposition.as_deref(),
        )
        .await
        .map_err(Problem::internal)?;
    Ok(Json(FileLink {
        url,
        expires_at: now + chrono::Duration::seconds(LINK_TTL.as_secs() as i64),
    }))
}

/// `Content-Disposition` for a download named after the report: an ASCII `filename`
/// for old clients and the exact name in `filename*` (RFC 6266, RFC 5987).
fn attachment(name: &str, extension: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let ascii = ascii.trim().trim_matches('.');
    let ascii = if ascii.chars().all(|c| c == '_' || c == ' ') {
        "report"
    } else {
        ascii
    };
    let encoded: String = format!("{name}.{extension}")
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}.{extension}\"; filename*=UTF-8''{encoded}")
}
