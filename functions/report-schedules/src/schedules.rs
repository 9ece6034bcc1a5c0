//! Scheduled reports (the guide's Table 3-3 and the Add Report Schedule dialog). Each
//! schedule is an EventBridge Scheduler schedule that invokes the report worker; the
//! table and Scheduler are kept in step:
//! - create: the item is written `pending`, then the Scheduler schedule is made, then
//!   the item turns `active` with its audit record. If Scheduler fails the item is
//!   removed again; if that fails too, the scheduler tick settles it (it makes the item
//!   `active` when the Scheduler schedule exists, and removes it otherwise);
//! - change: Scheduler first, then the item at its version; when the item cannot be
//!   written the Scheduler schedule is put back;
//! - delete: the item turns `deleting` (the worker makes nothing for it), the Scheduler
//!   schedule is removed, then the item. A failure half-way leaves `deleting`, which the
//!   tick finishes.

use adapters::{
    schedules::{CreateError, ScheduleError},
    services::AppState,
};
use api::{
    acting::{self, Actor},
    versions::{check_if_match, located, with_etag},
    ApiJson, Principal, Problem, ProblemType, SourceIp,
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
    authorization::{Action, Grant, Resource},
    report::schedule::{
        check_hour, describe, Delivery, Frequency, ReportSchedule, ReportTemplate, ScheduleState,
        MAX_SCHEDULES,
    },
    PartnerId, ScheduleId, Validation,
};
use serde::{Deserialize, Serialize};
use store::StoreError;
use utoipa::ToSchema;

use reports_http::{
    delivery::{checked_delivery, may_deliver, DeliveryForm},
    listing::field,
    templates,
};

/// The Add Report Schedule dialog.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScheduleForm {
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub name: String,
    #[schema(pattern = "^tpl_[0-9a-f]{32}$")]
    pub template_id: String,
    /// How Often.
    pub frequency: Frequency,
    /// Starting at: the hour (GMT), 0–23.
    #[schema(minimum = 0, maximum = 23)]
    pub hour: i64,
    #[serde(default)]
    pub delivery: DeliveryForm,
}

/// One row of the Scheduled Reports tab.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleView {
    #[serde(flatten)]
    pub schedule: ReportSchedule,
    pub template_name: String,
    pub formats: Vec<domain::report::Format>,
    /// One of the reports every partner gets (its template is automatic).
    pub automatic: bool,
    /// When it runs, in words ("Weekly, Mondays at 06:00 GMT").
    pub runs: String,
    /// The next run, unless the schedule is being removed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_run: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScheduleList {
    pub items: Vec<ScheduleView>,
}

fn view(s: ReportSchedule, t: &ReportTemplate, now: DateTime<Utc>) -> ScheduleView {
    ScheduleView {
        runs: describe(s.frequency, s.hour),
        next_run: (s.state != ScheduleState::Deleting).then(|| s.frequency.next_after(s.hour, now)),
        template_name: t.name.clone(),
        formats: t.formats.clone(),
        automatic: t.automatic,
        schedule: s,
    }
}

fn no_such_schedule() -> Problem {
    Problem::not_found("No such scheduled report.")
}

fn unavailable(detail: &str) -> Problem {
    Problem::new(StatusCode::SERVICE_UNAVAILABLE, "Service unavailable").detail(detail)
}

fn scheduler_failed(e: ScheduleError) -> ScheduleError {
    tracing::error!(error = %e, "EventBridge Scheduler call failed");
    e
}

/// The form checked for the actor: a template the actor may see, an hour of the day,
/// recipients who are the partner's active users or (with `attach`) any address.
async fn checked(
    state: &AppState,
    actor: &Actor,
    partner: &PartnerId,
    form: &ScheduleForm,
) -> Result<(String, ReportTemplate, u8, Delivery), Problem> {
    let mut v = Validation::new();
    let name = v.text("name", &form.name, domain::report::MAX_NAME);
    let hour = v.check("hour", check_hour(form.hour));
    let delivery = match checked_delivery(state, partner, &form.delivery).await? {
        Ok(d) => Some(d),
        Err(errors) => {
            for e in errors {
                v.error(e.field, e.message);
            }
            None
        }
    };
    let template = templates::visible_template(state, actor, partner, &form.template_id)
        .await
        .ok();
    if template.is_none() {
        v.error("templateId", "no such template");
    }
    v.finish().map_err(Problem::validation)?;
    Ok((
        name.expect("checked"),
        template.expect("checked"),
        hour.expect("checked"),
        delivery.expect("checked"),
    ))
}

/// The schedule a path names, if the actor may see its template.
async fn visible_schedule(
    state: &AppState,
    actor: &Actor,
    partner: &PartnerId,
    raw: &str,
) -> Result<(ReportSchedule, Option<ReportTemplate>), Problem> {
    let id = ScheduleId::parse(raw).map_err(|_| no_such_schedule())?;
    let s = state
        .table
        .schedule(partner, &id)
        .await?
        .ok_or_else(no_such_schedule)?;
    let t = state.table.template(partner, &s.template_id).await?;
    match &t {
        Some(t) if !templates::may_see(actor, t) => Err(no_such_schedule()),
        _ => Ok((s, t)),
    }
}

/// A custom role changes and deletes only what its user scheduled.
fn may_change(actor: &Actor, s: &ReportSchedule) -> Result<(), Problem> {
    if matches!(actor.grant, Grant::Custom(_)) && s.owner != actor.user.id {
        return Err(Problem::forbidden(
            "Your role may change only the schedules you made.",
        ));
    }
    Ok(())
}

/// The Scheduled Reports tab: the schedules whose templates the user may see.
#[utoipa::path(
    get,
    path = "/api/v1/report-schedules",
    tag = "reports",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The schedules, oldest first", body = ScheduleList),
        api::responses::Unauthorized,
    )
)]
pub async fn list_schedules(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<ScheduleList>, Problem> {
    let actor = acting::user(&state, &principal, Action::RunReports, Resource::Partner).await?;
    let scope = principal.scope();
    let partner = scope.partner_id();
    let templates = state.table.templates(partner).await?;
    let now = Utc::now();
    let mut schedules = state.table.schedules(partner).await?;
    schedules.sort_by(|a, b| (a.created_at, &a.name).cmp(&(b.created_at, &b.name)));
    let items = schedules
        .into_iter()
        .filter_map(|s| {
            let t = templates.iter().find(|t| t.id == s.template_id)?;
            templates::may_see(&actor, t).then(|| view(s, t, now))
        })
        .collect();
    Ok(Json(ScheduleList { items }))
}

/// Add Report Schedule: the schedule and its EventBridge Scheduler schedule.
#[utoipa::path(
    post,
    path = "/api/v1/report-schedules",
    tag = "reports",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request make one schedule")),
    request_body = ScheduleForm,
    responses(
        (status = 201, description = "Scheduled", body = ScheduleView),
        api::responses::Unauthorized,
        api::responses::InvalidFields,
        (status = 202, description = "Made in EventBridge Scheduler but not yet confirmed: pending, active within minutes", body = ScheduleView),
        (status = 503, description = "EventBridge Scheduler did not take it; nothing was saved", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_schedule(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    ApiJson(form): ApiJson<ScheduleForm>,
) -> Result<Response, Problem> {
    let (actor, partner) =
        acting::member(&state, &principal, Action::RunReports, Resource::Partner).await?;
    may_deliver(&partner, &form.delivery)?;
    let (name, template, hour, delivery) = checked(&state, &actor, &partner.id, &form).await?;
    if state.table.schedules(&partner.id).await?.len() >= MAX_SCHEDULES {
        return Err(Problem::validation(vec![field(
            "name",
            format!("a partner keeps at most {MAX_SCHEDULES} scheduled reports"),
        )]));
    }
    let now = Utc::now();
    let pending = ReportSchedule {
        id: ScheduleId::generate(),
        name,
        template_id: template.id.clone(),
        frequency: form.frequency,
        hour,
        delivery,
        state: ScheduleState::Pending,
        owner: actor.user.id.clone(),
        owner_name: actor.user.name(),
        created_at: now,
        updated_at: now,
        version: 1,
        last_report_id: None,
    };
    let audit = AuditRecord::of_user(
        &actor.user,
        Audited::CreateReportSchedule,
        &ip,
        pending.id.to_string(),
    );
    let saved = match adapters::schedules::create(&state, &partner.id, &pending, Some(&audit)).await
    {
        Ok(saved) => saved,
        Err(CreateError::TemplateGone) => {
            return Err(Problem::validation(vec![field(
                "templateId",
                "no such template",
            )]))
        }
        Err(CreateError::Scheduler(_)) => {
            return Err(unavailable(
                "The schedule could not be made now; nothing was saved. Try again.",
            ))
        }
        // Made in Scheduler, the item still pending: the tick makes it active. Answered as
        // accepted (and kept for an Idempotency-Key), so a retry does not make another.
        Err(CreateError::NotConfirmed(_)) => {
            return Ok(located(
                with_etag(
                    StatusCode::ACCEPTED,
                    &view(pending.clone(), &template, Utc::now()),
                    pending.version,
                ),
                &format!("/api/v1/report-schedules/{}", pending.id),
            ))
        }
        Err(CreateError::Store(e)) => return Err(e.into()),
        Err(CreateError::Config(e)) => return Err(Problem::internal(e)),
    };
    Ok(located(
        with_etag(
            StatusCode::CREATED,
            &view(saved.clone(), &template, Utc::now()),
            saved.version,
        ),
        &format!("/api/v1/report-schedules/{}", saved.id),
    ))
}

/// One schedule (the edit dialog), with its `ETag`.
#[utoipa::path(
    get,
    path = "/api/v1/report-schedules/{scheduleId}",
    tag = "reports",
    security(("bearer" = [])),
    params(("scheduleId" = String, Path)),
    responses(
        (status = 200, description = "The schedule", body = ScheduleView),
        api::responses::Unauthorized,
        api::responses::NotFound,
    )
)]
pub async fn get_schedule(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let actor = acting::user(&state, &principal, Action::RunReports, Resource::Partner).await?;
    let (s, t) = visible_schedule(&state, &actor, principal.scope().partner_id(), &id).await?;
    let t = t.ok_or_else(no_such_schedule)?;
    let version = s.version;
    Ok(with_etag(StatusCode::OK, &view(s, &t, Utc::now()), version))
}

fn not_settled() -> Problem {
    Problem::conflict(
        ProblemType::ScheduleNotSettled,
        "The schedule is still being made or removed: try again in a few minutes.",
    )
}

/// Edits a schedule (`If-Match` with the `ETag`): its Scheduler schedule follows.
#[utoipa::path(
    put,
    path = "/api/v1/report-schedules/{scheduleId}",
    tag = "reports",
    security(("bearer" = [])),
    params(("scheduleId" = String, Path), ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on")),
    request_body = ScheduleForm,
    responses(
        (status = 200, description = "Saved", body = ScheduleView),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        api::responses::NotFound,
        api::responses::StaleVersion,
        api::responses::InvalidFields,
        (status = 503, description = "EventBridge Scheduler did not take it; nothing changed", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_schedule(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiJson(form): ApiJson<ScheduleForm>,
) -> Result<Response, Problem> {
    let (actor, partner) =
        acting::member(&state, &principal, Action::RunReports, Resource::Partner).await?;
    may_deliver(&partner, &form.delivery)?;
    let (stored, _) = visible_schedule(&state, &actor, &partner.id, &id).await?;
    check_if_match(&headers, stored.version)?;
    may_change(&actor, &stored)?;
    if stored.state != ScheduleState::Active {
        return Err(not_settled());
    }
    let (name, template, hour, delivery) = checked(&state, &actor, &partner.id, &form).await?;
    let scheduler = state.schedules().map_err(Problem::internal)?;
    let next = ReportSchedule {
        name,
        template_id: template.id.clone(),
        frequency: form.frequency,
        hour,
        delivery,
        // Reports are made with the access of whoever saved it last.
        owner: actor.user.id.clone(),
        owner_name: actor.user.name(),
        updated_at: Utc::now(),
        ..stored.clone()
    };
    let old = stored.frequency.expression(stored.hour);
    let new = next.frequency.expression(next.hour);
    if new != old {
        if let Err(e) = scheduler.update(&partner.id, &stored.id, &new).await {
            scheduler_failed(e);
            return Err(unavailable(
                "The schedule could not be changed now; it is as it was. Try again.",
            ));
        }
    }
    let audit = AuditRecord::of_user(
        &actor.user,
        Audited::UpdateReportSchedule,
        &ip,
        stored.id.to_string(),
    );
    match state
        .table
        .save_schedule(&partner.id, &next, stored.version, Some(&audit))
        .await
    {
        Ok(saved) => Ok(with_etag(
            StatusCode::OK,
            &view(saved.clone(), &template, Utc::now()),
            saved.version,
        )),
        Err(e) => {
            if new != old {
                // The item keeps the old time: so does Scheduler.
                if let Err(e) = scheduler.update(&partner.id, &stored.id, &old).await {
                    tracing::error!(schedule = %stored.id, error = %e, "Scheduler not put back");
                }
            }
            match e {
                StoreError::ConditionFailed { index: Some(0) } => Err(Problem::conflict(
                    ProblemType::Changed,
                    "The schedule changed meanwhile: reload it and try again.",
                )),
                e => Err(e.into()),
            }
        }
    }
}

/// Deletes a schedule and its Scheduler schedule.
#[utoipa::path(
    delete,
    path = "/api/v1/report-schedules/{scheduleId}",
    tag = "reports",
    security(("bearer" = [])),
    params(("scheduleId" = String, Path)),
    responses(
        (status = 204, description = "Deleted"),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        api::responses::NotFound,
        (status = 503, description = "Scheduler did not answer: the schedule is marked for removal and removed shortly", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_schedule(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    let (actor, partner) =
        acting::member(&state, &principal, Action::RunReports, Resource::Partner).await?;
    let (stored, _) = visible_schedule(&state, &actor, &partner.id, &id).await?;
    may_change(&actor, &stored)?;
    if stored.state == ScheduleState::Pending {
        return Err(not_settled());
    }
    let scheduler = state.schedules().map_err(Problem::internal)?;
    let deleting = if stored.state == ScheduleState::Deleting {
        stored.clone()
    } else {
        let marked = ReportSchedule {
            state: ScheduleState::Deleting,
            updated_at: Utc::now(),
            ..stored.clone()
        };
        match state
            .table
            .save_schedule(&partner.id, &marked, stored.version, None)
            .await
        {
            Ok(saved) => saved,
            Err(StoreError::ConditionFailed { index: Some(0) }) => {
                return Err(Problem::conflict(
                    ProblemType::Changed,
                    "The schedule changed meanwhile: reload it and try again.",
                ))
            }
            Err(e) => return Err(e.into()),
        }
    };
    if let Err(e) = scheduler.delete(&deleting.id).await {
        scheduler_failed(e);
        return Err(unavailable(
            "The schedule could not be removed now. It makes no more reports and is removed \
             within minutes.",
        ));
    }
    let audit = AuditRecord::of_user(
        &actor.user,
        Audited::DeleteReportSchedule,
        &ip,
        deleting.id.to_string(),
    );
    match state
        .table
        .delete_schedule(&partner.id, &deleting, deleting.version, Some(&audit))
        .await
    {
        Ok(()) | Err(StoreError::ConditionFailed { .. }) => Ok(StatusCode::NO_CONTENT),
        Err(e) => Err(e.into()),
    }
}
