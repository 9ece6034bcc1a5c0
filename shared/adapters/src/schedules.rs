//! EventBridge Scheduler: one schedule per report schedule, in the console's schedule
//! group, named by the schedule's id, invoking the report worker with the schedule's
//! partner and id. Locally moto stores them and `infra local-scheduler` fires them.

use aws_sdk_scheduler::{
    error::ProvideErrorMetadata,
    types::{
        DeadLetterConfig, FlexibleTimeWindow, FlexibleTimeWindowMode, RetryPolicy, ScheduleState,
        Target,
    },
    Client,
};
use domain::{PartnerId, ScheduleId};

/// The detail type of a scheduled run, as the worker reads it.
pub const SCHEDULE_DUE: &str = "ReportScheduleDue";

/// Scheduler tries a failed invocation this many more times, within this many seconds;
/// then the event goes to the dead-letter queue.
pub const RETRY_ATTEMPTS: i32 = 3;
pub const RETRY_MAX_AGE_SECONDS: i32 = 3600;

/// Where the schedules go and what they invoke (`SCHEDULE_GROUP`,
/// `REPORT_WORKER_ARN`, `SCHEDULER_ROLE_ARN`, `SCHEDULE_DLQ_ARN`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleSettings {
    pub group: String,
    pub target_arn: String,
    pub role_arn: String,
    pub dead_letter_arn: String,
}

#[derive(Debug, thiserror::Error)]
#[error("scheduler: {0}")]
pub struct ScheduleError(pub String);

#[derive(Debug, Clone)]
pub struct Schedules {
    client: Client,
    settings: ScheduleSettings,
}

/// The event a schedule hands the worker. Scheduler replaces
/// `<aws.scheduler.scheduled-time>` with the time the run was due, so a late or repeated
/// delivery names the same occasion.
pub fn input(partner: &PartnerId, schedule: &ScheduleId) -> String {
    serde_json::json!({
        "source": "partner-console.scheduler",
        "detail-type": SCHEDULE_DUE,
        "time": "<aws.scheduler.scheduled-time>",
        "detail": {"partnerId": partner, "scheduleId": schedule},
    })
    .to_string()
}

impl Schedules {
    pub fn new(client: Client, settings: ScheduleSettings) -> Self {
        Schedules { client, settings }
    }

    pub fn group(&self) -> &str {
        &self.settings.group
    }

    fn target(&self, partner: &PartnerId, id: &ScheduleId) -> Result<Target, ScheduleError> {
        Target::builder()
            .arn(&self.settings.target_arn)
            .role_arn(&self.settings.role_arn)
            .input(input(partner, id))
            .retry_policy(
                RetryPolicy::builder()
                    .maximum_retry_attempts(RETRY_ATTEMPTS)
                    .maximum_event_age_in_seconds(RETRY_MAX_AGE_SECONDS)
                    .build(),
            )
            .dead_letter_config(
                DeadLetterConfig::builder()
                    .arn(&self.settings.dead_letter_arn)
                    .build(),
            )
            .build()
            .map_err(|e| ScheduleError(e.to_string()))
    }

    fn window() -> Result<FlexibleTimeWindow, ScheduleError> {
        FlexibleTimeWindow::builder()
            .mode(FlexibleTimeWindowMode::Off)
            .build()
            .map_err(|e| ScheduleError(e.to_string()))
    }

    /// Makes the schedule, or brings an existing one of the same id to `expression`
    /// (a retry after a lost answer finds it made).
    pub async fn put(
        &self,
        partner: &PartnerId,
        id: &ScheduleId,
        expression: &str,
    ) -> Result<(), ScheduleError> {
        let created = self
            .client
            .create_schedule()
            .name(id.as_str())
            .group_name(&self.settings.group)
            .schedule_expression(expression)
            .schedule_expression_timezone("UTC")
            .flexible_time_window(Self::window()?)
            .target(self.target(partner, id)?)
            .state(ScheduleState::Enabled)
            .send()
            .await;
        match created {
            Ok(_) => Ok(()),
            Err(e) if e.code() == Some("ConflictException") => {
                self.update(partner, id, expression).await
            }
            Err(e) => Err(ScheduleError(crate::aws::describe(e))),
        }
    }

    /// Changes an existing schedule's expression.
    pub async fn update(
        &self,
        partner: &PartnerId,
        id: &ScheduleId,
        expression: &str,
    ) -> Result<(), ScheduleError> {
        self.client
            .update_schedule()
            .name(id.as_str())
            .group_name(&self.settings.group)
            .schedule_expression(expression)
            .schedule_expression_timezone("UTC")
            .flexible_time_window(Self::window()?)
            .target(self.target(partner, id)?)
            .state(ScheduleState::Enabled)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| ScheduleError(crate::aws::describe(e)))
    }

    /// Removes the schedule; one already gone counts as removed.
    pub async fn delete(&self, id: &ScheduleId) -> Result<(), ScheduleError> {
        match self
            .client
            .delete_schedule()
            .name(id.as_str())
            .group_name(&self.settings.group)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.code() == Some("ResourceNotFoundException") => Ok(()),
            Err(e) => Err(ScheduleError(crate::aws::describe(e))),
        }
    }

    /// The schedule's expression, or `None` when there is no such schedule.
    pub async fn expression(&self, id: &ScheduleId) -> Result<Option<String>, ScheduleError> {
        match self
            .client
            .get_schedule()
            .name(id.as_str())
            .group_name(&self.settings.group)
            .send()
            .await
        {
            Ok(out) => Ok(out.schedule_expression),
            Err(e) if e.code() == Some("ResourceNotFoundException") => Ok(None),
            Err(e) => Err(ScheduleError(crate::aws::describe(e))),
        }
    }
}

/// Why a schedule was not made.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    /// Its template is gone: nothing was made.
    #[error("the template is gone")]
    TemplateGone,
    /// Scheduler refused: nothing was made (or a pending item is left for the tick).
    #[error(transparent)]
    Scheduler(#[from] ScheduleError),
    /// Scheduler made it but the item could not be turned active: the tick does.
    #[error("made but not confirmed: {0}")]
    NotConfirmed(store::StoreError),
    #[error(transparent)]
    Store(store::StoreError),
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
}

/// Makes a schedule in step with EventBridge Scheduler: the item `pending` (if its
/// template still exists), then the Scheduler schedule, then the item `active` with
/// `audit`. When Scheduler refuses, the item is taken back (or, if that fails too, left
/// pending for the scheduler tick to settle).
pub async fn create(
    state: &crate::services::Services,
    partner: &PartnerId,
    pending: &domain::report::schedule::ReportSchedule,
    audit: Option<&domain::audit::AuditRecord>,
) -> Result<domain::report::schedule::ReportSchedule, CreateError> {
    use domain::report::schedule::{ReportSchedule, ScheduleState};
    let scheduler = state.schedules()?;
    match state.table.create_schedule(partner, pending).await {
        Ok(()) => {}
        Err(store::StoreError::ConditionFailed { index: Some(1) }) => {
            return Err(CreateError::TemplateGone)
        }
        Err(e) => return Err(CreateError::Store(e)),
    }
    let expression = pending.frequency.expression(pending.hour);
    if let Err(e) = scheduler.put(partner, &pending.id, &expression).await {
        tracing::error!(schedule = %pending.id, error = %e, "EventBridge Scheduler refused the schedule");
        if let Err(e) = state
            .table
            .delete_schedule(partner, pending, pending.version, None)
            .await
        {
            tracing::error!(schedule = %pending.id, error = %e, "pending schedule left for the tick");
        }
        return Err(CreateError::Scheduler(e));
    }
    let active = ReportSchedule {
        state: ScheduleState::Active,
        ..pending.clone()
    };
    state
        .table
        .save_schedule(partner, &active, pending.version, audit)
        .await
        .map_err(|e| {
            tracing::error!(schedule = %pending.id, error = %e, "schedule made but not confirmed");
            CreateError::NotConfirmed(e)
        })
}

/// Gives a partner its automatic reports (the weekly MSP Executive Summary and the
/// monthly Service Utilization and Billing report): each template and schedule that is
/// not there yet is made, so running it again changes nothing. `owner` is the partner's
/// first administrator. Returns how many schedules it made.
pub async fn ensure_automatic(
    state: &crate::services::Services,
    partner: &PartnerId,
    owner: &domain::UserId,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<usize, CreateError> {
    use domain::audit::{Action, AuditRecord, Outcome};
    let scope = store::PartnerScope::new(partner.clone());
    let owner_name = state
        .table
        .user(&scope, owner)
        .await
        .map_err(CreateError::Store)?
        .map_or_else(|| "Partner administrator".to_string(), |u| u.name());
    let mut made = 0;
    for (template, schedule) in
        domain::report::schedule::automatic(partner, owner, &owner_name, now)
    {
        let audit = |action, target: String| {
            AuditRecord::new(action, "console", "console", Outcome::Success)
                .by(partner, None)
                .target(target)
        };
        match state
            .table
            .create_template(
                partner,
                &template,
                &audit(Action::CreateReportTemplate, template.id.to_string()),
            )
            .await
        {
            // Made before: kept as the partner may have changed it.
            Ok(()) | Err(store::StoreError::ConditionFailed { index: Some(0) }) => {}
            Err(e) => return Err(CreateError::Store(e)),
        }
        if state
            .table
            .schedule(partner, &schedule.id)
            .await
            .map_err(CreateError::Store)?
            .is_some()
        {
            continue;
        }
        create(
            state,
            partner,
            &schedule,
            Some(&audit(
                Action::CreateReportSchedule,
                schedule.id.to_string(),
            )),
        )
        .await?;
        made += 1;
    }
    Ok(made)
}
