//! Scheduled reports: EventBridge Scheduler invokes the worker with the schedule's
//! partner and id and the time the run was due. The worker makes the template's report
//! for the last full period with the access the schedule's owner has now, once per
//! occasion however often Scheduler delivers it, then emails it.

use adapters::services::AppState;
use chrono::{DateTime, Utc};
use domain::{
    authorization::{authorize, Action, Grant, Resource},
    report::{
        check_request,
        schedule::{occasion, ScheduleState},
        Period, Report, ReportOptions, ReportStatus,
    },
    user::UserStatus,
    CustomerId, PartnerId, ReportId, ScheduleId,
};
use serde::Deserialize;
use store::{PartnerScope, StoreError};

use crate::{Outcome, ReportRequested, WorkerError};

/// The detail of a scheduled run.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleDue {
    pub partner_id: PartnerId,
    pub schedule_id: ScheduleId,
}

/// What the report of one run covers, or why none can be made.
enum Plan {
    Make {
        options: ReportOptions,
        /// Customers of the template the owner may no longer read, left out.
        left_out: usize,
    },
    Refuse(String),
}

/// The owner's grant now: `None` when the owner is gone, disabled or has lost their role.
async fn owner_grant(
    state: &AppState,
    partner: &PartnerId,
    owner: &domain::UserId,
) -> Result<Option<(domain::User, Grant)>, StoreError> {
    let scope = PartnerScope::new(partner.clone());
    let Some(user) = state.table.user(&scope, owner).await? else {
        return Ok(None);
    };
    if user.status == UserStatus::Disabled {
        return Ok(None);
    }
    Ok(api::acting::grant_of(state, &scope, &user)
        .await?
        .map(|grant| (user, grant)))
}

/// Runs a schedule for the occasion due at `at`.
pub async fn run(
    state: &AppState,
    due: &ScheduleDue,
    at: DateTime<Utc>,
) -> Result<Outcome, WorkerError> {
    let table = &state.table;
    let partner = &due.partner_id;
    let Some(schedule) = table.schedule(partner, &due.schedule_id).await? else {
        tracing::info!(schedule = %due.schedule_id, "schedule gone: nothing to make");
        return Ok(Outcome::Skipped);
    };
    if schedule.state != ScheduleState::Active {
        tracing::info!(schedule = %schedule.id, state = ?schedule.state, "schedule not active");
        return Ok(Outcome::Skipped);
    }
    let occasion = occasion(at);
    let (from, to) = schedule.frequency.last_full_period(occasion);
    let now = Utc::now();
    let template = table.template(partner, &schedule.template_id).await?;
    let owner = owner_grant(state, partner, &schedule.owner).await?;
    let plan = match (&template, &owner) {
        (None, _) => Plan::Refuse(
            "The schedule's report template was deleted: choose another template for it.".into(),
        ),
        (_, None) => Plan::Refuse(format!(
            "{} no longer has access to the console: save the schedule again as another user.",
            schedule.owner_name
        )),
        (Some(t), Some((_, grant))) => {
            if t.report_type.reads_audit_trail()
                && authorize(grant, Action::ViewAuditTrail, Resource::Partner).is_err()
            {
                Plan::Refuse(format!(
                    "{} may no longer read the audit trail this report shows.",
                    schedule.owner_name
                ))
            } else {
                let existing = table.customer_ids(partner).await?;
                let wanted: Vec<CustomerId> = if t.all_customers {
                    existing.clone()
                } else {
                    t.options.customers.clone()
                };
                let readable: Vec<CustomerId> = wanted
                    .iter()
                    .filter(|c| existing.contains(c))
                    .filter(|c| authorize(grant, Action::RunReports, Resource::Customer(c)).is_ok())
                    .cloned()
                    .collect();
                let left_out = if t.all_customers {
                    0
                } else {
                    wanted.len() - readable.len()
                };
                if readable.is_empty() {
                    Plan::Refuse(format!(
                        "None of the template's customers can be reported on by {}.",
                        schedule.owner_name
                    ))
                } else {
                    Plan::Make {
                        options: ReportOptions {
                            period: Period::Days { from, to },
                            customers: readable,
                            ..t.options.clone()
                        },
                        left_out,
                    }
                }
            }
        }
    };
    let name = template
        .as_ref()
        .map_or_else(|| schedule.name.clone(), |t| t.name.clone());
    let (report_type, formats) = match &template {
        Some(t) => (t.report_type, t.formats.clone()),
        None => (
            domain::report::ReportType::MspExecutiveSummary,
            vec![domain::report::Format::Pdf],
        ),
    };
    let (options, failure) = match plan {
        Plan::Make { options, left_out } => {
            if left_out > 0 {
                tracing::warn!(schedule = %schedule.id, left_out, "customers left out: the owner may no longer read them");
            }
            match check_request(&name, report_type, &formats, options.clone(), now) {
                Ok(r) => (r.options, None),
                Err(errors) => (
                    options,
                    Some(format!(
                        "The template no longer makes a valid report: {}",
                        errors
                            .iter()
                            .map(|e| format!("{} {}", e.field, e.message))
                            .collect::<Vec<_>>()
                            .join("; ")
                    )),
                ),
            }
        }
        Plan::Refuse(reason) => (
            ReportOptions {
                period: Period::Days { from, to },
                customers: template
                    .as_ref()
                    .map(|t| t.options.customers.clone())
                    .unwrap_or_default(),
                ..template
                    .as_ref()
                    .map(|t| t.options.clone())
                    .unwrap_or(ReportOptions {
                        period: Period::Days { from, to },
                        customers: Vec::new(),
                        computers: Default::default(),
                        include_mac: false,
                        report_by: Default::default(),
                        active_users_only: false,
                    })
            },
            Some(reason),
        ),
    };
    let report = Report {
        id: ReportId::generate(),
        name,
        report_type,
        formats,
        options,
        status: ReportStatus::Processing,
        failure: None,
        files: Vec::new(),
        requested_by: schedule.owner.clone(),
        requested_by_name: format!("{} (scheduled: {})", schedule.owner_name, schedule.name),
        requested_at: now,
        finished_at: None,
        expires_at: Report::expiry(now),
        not_emailed: Vec::new(),
    };
    let occasion_key = occasion.format("%Y-%m-%dT%H").to_string();
    let id = match table
        .create_scheduled_report(
            partner,
            &schedule.id,
            &occasion_key,
            &report,
            &schedule.delivery,
        )
        .await?
    {
        Ok(()) => {
            table
                .set_last_report(partner, &schedule.id, &report.id)
                .await?;
            report.id.clone()
        }
        Err(existing) => {
            tracing::info!(schedule = %schedule.id, report = %existing, "occasion already made");
            existing
        }
    };
    let requested = ReportRequested {
        partner_id: partner.clone(),
        report_id: id,
    };
    if let Some(reason) = failure {
        return crate::fail_unmade(state, &requested, &reason).await;
    }
    crate::make_and_deliver(state, &requested).await
}
