//! Report templates (the guide's Table 3-2): the wizard's "Save as template", the Report
//! Templates tab, Update Template mode, Generate Report from a template, and deletion.
//! A template is shown only to users who may read every customer it names (and, for the
//! Security Audit, the audit trail), like a report; "all customers" means those the user
//! making the report may read when it is made.

use adapters::services::AppState;
use api::{
    acting::{self, Actor},
    versions::{check_if_match, located, with_etag},
    ApiJson, Principal, Problem, ProblemType, SourceIp,
};
use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use chrono::Utc;
use domain::{
    audit::{Action as Audited, AuditRecord},
    authorization::{Action, Grant, Resource},
    report::{
        schedule::{ReportTemplate, MAX_TEMPLATES},
        ReportOptions, ReportRequest,
    },
    PartnerId, TemplateId,
};
use serde::Serialize;
use store::StoreError;
use utoipa::ToSchema;

use crate::listing::{self, ReportForm};

/// The Report Templates tab.
#[derive(Debug, Serialize, ToSchema)]
pub struct TemplateList {
    pub items: Vec<ReportTemplate>,
}

/// Whether the actor may see a template: every customer it names readable, and the audit
/// trail for a Security Audit.
pub fn may_see(actor: &Actor, t: &ReportTemplate) -> bool {
    listing::may_read(actor, t.report_type, &t.options.customers)
}

fn no_such_template() -> Problem {
    Problem::not_found("No such report template.")
}

/// The template a path names, if the actor may see it.
pub async fn visible_template(
    state: &AppState,
    actor: &Actor,
    partner: &PartnerId,
    raw: &str,
) -> Result<ReportTemplate, Problem> {
    let id = TemplateId::parse(raw).map_err(|_| no_such_template())?;
    state
        .table
        .template(partner, &id)
        .await?
        .filter(|t| may_see(actor, t))
        .ok_or_else(no_such_template)
}

/// A custom role changes and deletes only what its user saved.
fn may_change(actor: &Actor, t: &ReportTemplate) -> Result<(), Problem> {
    if matches!(actor.grant, Grant::Custom(_)) && t.created_by != actor.user.id {
        return Err(Problem::forbidden(
            "Your role may change only the templates you saved.",
        ));
    }
    Ok(())
}

/// The form checked as a template: the same checks as a report request. With "all
/// customers" the template keeps no list: it is resolved each time a report is made.
async fn checked(
    state: &AppState,
    actor: &Actor,
    partner: &PartnerId,
    form: &ReportForm,
) -> Result<(ReportRequest, bool), Problem> {
    if form.delivery.is_some() {
        return Err(Problem::validation(vec![listing::field(
            "delivery",
            "a template keeps no recipients: choose them on the schedule",
        )]));
    }
    let mut request = listing::checked_form(state, actor, partner, form).await?;
    if form.options.all_customers {
        request.options.customers.clear();
    }
    Ok((request, form.options.all_customers))
}

/// The Report Templates tab: the templates the user may see, oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/report-templates",
    tag = "reports",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The templates the user may see, oldest first", body = TemplateList),
        api::responses::Unauthorized,
    )
)]
pub async fn list_templates(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<TemplateList>, Problem> {
    let actor = acting::user(&state, &principal, Action::RunReports, Resource::Partner).await?;
    let mut items: Vec<ReportTemplate> = state
        .table
        .templates(principal.scope().partner_id())
        .await?
        .into_iter()
        .filter(|t| may_see(&actor, t))
        .collect();
    items.sort_by(|a, b| (a.created_at, &a.name).cmp(&(b.created_at, &b.name)));
    Ok(Json(TemplateList { items }))
}

/// The wizard's "Save as template".
#[utoipa::path(
    post,
    path = "/api/v1/report-templates",
    tag = "reports",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request save one template")),
    request_body = ReportForm,
    responses(
        (status = 201, description = "Saved", body = ReportTemplate),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        api::responses::InvalidFields,
    )
)]
pub async fn create_template(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    ApiJson(form): ApiJson<ReportForm>,
) -> Result<Response, Problem> {
    let (actor, partner) =
        acting::member(&state, &principal, Action::RunReports, Resource::Partner).await?;
    let (request, all_customers) = checked(&state, &actor, &partner.id, &form).await?;
    if state.table.templates(&partner.id).await?.len() >= MAX_TEMPLATES {
        return Err(Problem::validation(vec![listing::field(
            "name",
            format!("a partner keeps at most {MAX_TEMPLATES} templates: delete one first"),
        )]));
    }
    let now = Utc::now();
    let template = ReportTemplate {
        id: TemplateId::generate(),
        name: request.name,
        report_type: request.report_type,
        formats: request.formats,
        options: request.options,
        all_customers,
        automatic: false,
        created_by: actor.user.id.clone(),
        created_by_name: actor.user.name(),
        created_at: now,
        updated_at: now,
        first_generated_at: None,
        version: 1,
    };
    let audit = AuditRecord::of_user(
        &actor.user,
        Audited::CreateReportTemplate,
        &ip,
        template.id.to_string(),
    );
    state
        .table
        .create_template(&partner.id, &template, &audit)
        .await?;
    Ok(located(
        with_etag(StatusCode::CREATED, &template, template.version),
        &format!("/api/v1/report-templates/{}", template.id),
    ))
}

/// One template (the wizard in Update Template mode), with its `ETag`.
#[utoipa::path(
    get,
    path = "/api/v1/report-templates/{templateId}",
    tag = "reports",
    security(("bearer" = [])),
    params(("templateId" = String, Path)),
    responses(
        (status = 200, description = "The template", body = ReportTemplate),
        api::responses::Unauthorized,
        api::responses::NotFound,
    )
)]
pub async fn get_template(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let actor = acting::user(&state, &principal, Action::RunReports, Resource::Partner).await?;
    let t = visible_template(&state, &actor, principal.scope().partner_id(), &id).await?;
    Ok(with_etag(StatusCode::OK, &t, t.version))
}

/// Update Template mode's Save: the whole wizard again (`If-Match` with the `ETag`).
#[utoipa::path(
    put,
    path = "/api/v1/report-templates/{templateId}",
    tag = "reports",
    security(("bearer" = [])),
    params(("templateId" = String, Path), ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on")),
    request_body = ReportForm,
    responses(
        (status = 200, description = "Saved", body = ReportTemplate),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        api::responses::NotFound,
        api::responses::StaleVersion,
        api::responses::InvalidFields,
    )
)]
pub async fn update_template(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiJson(form): ApiJson<ReportForm>,
) -> Result<Response, Problem> {
    let (actor, partner) =
        acting::member(&state, &principal, Action::RunReports, Resource::Partner).await?;
    let stored = visible_template(&state, &actor, &partner.id, &id).await?;
    check_if_match(&headers, stored.version)?;
    may_change(&actor, &stored)?;
    let (request, all_customers) = checked(&state, &actor, &partner.id, &form).await?;
    let next = ReportTemplate {
        name: request.name,
        report_type: request.report_type,
        formats: request.formats,
        options: request.options,
        all_customers,
        updated_at: Utc::now(),
        version: stored.version + 1,
        ..stored.clone()
    };
    let audit = AuditRecord::of_user(
        &actor.user,
        Audited::UpdateReportTemplate,
        &ip,
        stored.id.to_string(),
    );
    match state
        .table
        .save_template(&partner.id, &next, stored.version, Some(&audit))
        .await
    {
        Ok(()) => Ok(with_etag(StatusCode::OK, &next, next.version)),
        Err(StoreError::ConditionFailed { index: Some(0) }) => Err(changed()),
        Err(e) => Err(e.into()),
    }
}

fn changed() -> Problem {
    Problem::conflict(
        ProblemType::Changed,
        "The template changed meanwhile: reload it and try again.",
    )
}

/// Deletes a template no schedule uses.
#[utoipa::path(
    delete,
    path = "/api/v1/report-templates/{templateId}",
    tag = "reports",
    security(("bearer" = [])),
    params(("templateId" = String, Path)),
    responses(
        (status = 204, description = "Deleted"),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        api::responses::NotFound,
        (status = 409, description = "A schedule uses it", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_template(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    let (actor, partner) =
        acting::member(&state, &principal, Action::RunReports, Resource::Partner).await?;
    let stored = visible_template(&state, &actor, &partner.id, &id).await?;
    may_change(&actor, &stored)?;
    let users: Vec<String> = state
        .table
        .schedules(&partner.id)
        .await?
        .into_iter()
        .filter(|s| s.template_id == stored.id)
        .map(|s| s.name)
        .collect();
    if !users.is_empty() {
        return Err(Problem::conflict(
            ProblemType::TemplateInUse,
            format!(
                "Scheduled reports use this template: {}. Delete or change them first.",
                users.join(", ")
            ),
        ));
    }
    let audit = AuditRecord::of_user(
        &actor.user,
        Audited::DeleteReportTemplate,
        &ip,
        stored.id.to_string(),
    );
    match state
        .table
        .delete_template(&partner.id, &stored.id, stored.version, &audit)
        .await
    {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(StoreError::ConditionFailed { index: Some(0) }) => Err(changed()),
        Err(e) => Err(e.into()),
    }
}

/// The options a report made from the template covers for `actor`: the template's
/// customers, or with "all customers" every customer the actor may read now.
pub async fn options_for(
    state: &AppState,
    actor: &Actor,
    partner: &PartnerId,
    t: &ReportTemplate,
) -> Result<ReportOptions, StoreError> {
    let mut options = t.options.clone();
    if t.all_customers {
        let visible = actor.visibility();
        options.customers = state
            .table
            .customer_ids(partner)
            .await?
            .into_iter()
            .filter(|c| visible.sees(c))
            .collect();
    }
    Ok(options)
}

/// The Generate Report action: a report made now from the template, for the template's
/// period. The first one sets the template's Generated Date.
#[utoipa::path(
    post,
    path = "/api/v1/report-templates/{templateId}/reports",
    tag = "reports",
    security(("bearer" = [])),
    params(("templateId" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request create one report")),
    responses(
        (status = 202, description = "Accepted: the report is Processing", body = domain::report::Report),
        api::responses::Unauthorized,
        api::responses::NotFound,
        api::responses::InvalidFields,
    )
)]
pub async fn generate_from_template(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let (actor, partner) =
        acting::member(&state, &principal, Action::RunReports, Resource::Partner).await?;
    let t = visible_template(&state, &actor, &partner.id, &id).await?;
    let options = options_for(&state, &actor, &partner.id, &t).await?;
    let request =
        domain::report::check_request(&t.name, t.report_type, &t.formats, options, Utc::now())
            .map_err(Problem::validation)?;
    let report = listing::start(&state, &actor, &partner.id, &ip, request, None).await?;
    if t.first_generated_at.is_none() {
        let mut dated = t.clone();
        dated.first_generated_at = Some(report.requested_at);
        // Someone changing the template meanwhile only delays the date to the next run.
        if let Err(e) = state
            .table
            .save_template(&partner.id, &dated, t.version, None)
            .await
        {
            tracing::warn!(template = %t.id, error = %e, "generated date not recorded");
        }
    }
    Ok(listing::accepted(&report).into_response())
}
