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
