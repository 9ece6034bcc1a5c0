//! The report worker. EventBridge (locally, the event dispatcher) hands it each
//! `ReportRequested` event: it claims the report (so a second delivery renders nothing),
//! gathers the data the report type needs (`gather`), builds the document
//! (`domain::report::build`), renders every format asked for (`reports`), puts the
//! files in the reports bucket under the partner, and marks the report Ready; or Failed,
//! with a reason a person understands, raising a `ReportFailed` alert. A Ready report
//! with recipients is then emailed, once (`delivery`). EventBridge Scheduler hands it
//! each scheduled report's run (`scheduled`).

mod delivery;
mod gather;
pub mod scheduled;

use adapters::metrics::Metric;
use adapters::services::AppState;
use chrono::Utc;
use domain::{
    alert::report_failed,
    partner::Partner,
    report::{build, Format, Report, ReportFile},
    PartnerId, ReportId,
};
use reports::{Brand, Rendered};
use serde::{Deserialize, Serialize};
use store::{reports::Finished, StoreError};

pub use gather::gather;

pub use adapters::events::REPORT_REQUESTED;

/// `ReportRequested`'s detail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportRequested {
    pub partner_id: PartnerId,
    pub report_id: ReportId,
}

#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error("not a {REPORT_REQUESTED} event: {0}")]
    Event(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The report's email could not be sent; the event is retried.
    #[error("delivery: {0}")]
    Delivery(String),
}

/// What the worker did with one event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    Ready {
        files: Vec<ReportFile>,
    },
    Failed {
        reason: String,
    },
    /// Another delivery has it, it is finished, or it is gone.
    Skipped,
}

/// The event's detail, if it is a `ReportRequested` event.
pub fn detail(event: &serde_json::Value) -> Result<ReportRequested, WorkerError> {
    if event["detail-type"].as_str() != Some(REPORT_REQUESTED) {
        return Err(WorkerError::Event(format!(
            "detail-type is {}",
            event["detail-type"]
        )));
    }
    serde_json::from_value(event["detail"].clone()).map_err(|e| WorkerError::Event(e.to_string()))
}

/// The Lambda entry point: a `ReportRequested` event, or a scheduled run (its `time` is
/// when the run was due). A malformed event is logged and dropped (retrying it cannot
/// help); a store or mail failure is returned, so EventBridge or Scheduler tries again.
pub async fn handle(
    state: &AppState,
    event: serde_json::Value,
) -> Result<serde_json::Value, lambda_runtime::Error> {
    let outcome = if event["detail-type"].as_str() == Some(adapters::schedules::SCHEDULE_DUE) {
        let due: scheduled::ScheduleDue = match serde_json::from_value(event["detail"].clone()) {
            Ok(d) => d,
            Err(e) => {
                tracing::error!(error = %e, "scheduled run dropped");
                return Ok(serde_json::json!({ "dropped": e.to_string() }));
            }
        };
        let at = event["time"]
            .as_str()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .map_or_else(Utc::now, |t| t.with_timezone(&Utc));
        scheduled::run(state, &due, at).await?
    } else {
        let requested = match detail(&event) {
            Ok(d) => d,
            Err(e) => {
                tracing::error!(error = %e, "event dropped");
                return Ok(serde_json::json!({ "dropped": e.to_string() }));
            }
        };
        make_and_deliver(state, &requested).await?
    };
    Ok(serde_json::to_value(outcome).expect("the outcome serialises"))
}

/// Makes the report (once), then emails it to its recipients (once).
pub async fn make_and_deliver(
    state: &AppState,
    r: &ReportRequested,
) -> Result<Outcome, WorkerError> {
    let outcome = make(state, r).await?;
    delivery::deliver(state, &r.partner_id, &r.report_id).await?;
    Ok(outcome)
}

/// Marks a report that cannot be made Failed with `reason`, raising `ReportFailed`:
/// once, like `make`.
pub async fn fail_unmade(
    state: &AppState,
    r: &ReportRequested,
    reason: &str,
) -> Result<Outcome, WorkerError> {
    let now = Utc::now();
    if !state
        .table
        .claim_report(&r.partner_id, &r.report_id, now)
        .await?
    {
        return Ok(Outcome::Skipped);
    }
    let result = async {
        let Some(report) = state.table.report(&r.partner_id, &r.report_id).await? else {
            return Ok(Outcome::Skipped);
        };
        failed(state, &r.partner_id, &report, reason.to_string()).await
    }
    .await;
    released_on_error(state, r, now, result).await
}

/// `result` of the work done under the claim taken at `claimed`: when it failed, the
/// claim is given back first, so Lambda's retry of the invocation does the work instead
/// of finding the report taken (docs/operations.md, "Retries and dead letters").
async fn released_on_error(
    state: &AppState,
    r: &ReportRequested,
    claimed: chrono::DateTime<Utc>,
    result: Result<Outcome, WorkerError>,
) -> Result<Outcome, WorkerError> {
    if result.is_err() {
        if let Err(e) = state
            .table
            .release_report(&r.partner_id, &r.report_id, claimed)
            .await
        {
            tracing::error!(report = %r.report_id, error = %e, "claim not given back");
        }
    }
    result
}

async fn failed(
    state: &AppState,
    partner: &PartnerId,
    report: &Report,
    reason: String,
) -> Result<Outcome, WorkerError> {
    state
        .table
        .finish_report(partner, &report.id, Err(&reason), Utc::now())
        .await?;
    remove_files(state, partner, report).await;
    state.metrics.emit(Metric::ReportsFailed, 1);
    if let Err(e) = adapters::notify::raise(
        state,
        partner,
        &[report_failed(report, &reason, Utc::now())],
    )
    .await
    {
        tracing::error!(report = %report.id, error = %e, "ReportFailed not raised");
    }
    Ok(Outcome::Failed { reason })
}

/// Makes one report, once.
pub async fn make(state: &AppState, r: &ReportRequested) -> Result<Outcome, WorkerError> {
    let now = Utc::now();
    if !state
        .table
        .claim_report(&r.partner_id, &r.report_id, now)
        .await?
    {
        tracing::info!(report = %r.report_id, "report already taken or finished");
        return Ok(Outcome::Skipped);
    }
    let result = make_claimed(state, r).await;
    released_on_error(state, r, now, result).await
}

/// [`make`] once the report is claimed.
async fn make_claimed(state: &AppState, r: &ReportRequested) -> Result<Outcome, WorkerError> {
    let Some(report) = state.table.report(&r.partner_id, &r.report_id).await? else {
        return Ok(Outcome::Skipped);
    };
    let outcome = match render(state, &r.partner_id, &report).await {
        Ok(files) => {
            let finished = state
                .table
                .finish_report(&r.partner_id, &report.id, Ok(&files), Utc::now())
                .await?;
            if finished == Finished::Deleted {
                remove_files(state, &r.partner_id, &report).await;
                return Ok(Outcome::Skipped);
            }
            tracing::info!(report = %report.id, kind = report.report_type.name(), "report ready");
            state.metrics.emit(Metric::ReportsGenerated, 1);
            Outcome::Ready { files }
        }
        Err(failure) => {
            tracing::error!(report = %report.id, error = %failure.cause, "report failed");
            failed(state, &r.partner_id, &report, failure.reason).await?
        }
    };
    Ok(outcome)
}

/// Why a report failed: the words the partner reads, and the cause for the log.
pub(crate) struct Failure {
    pub(crate) reason: String,
    pub(crate) cause: String,
}

fn failure(reason: &str, cause: impl std::fmt::Display) -> Failure {
    Failure {
        reason: reason.into(),
        cause: cause.to_string(),
    }
}

async fn remove_files(state: &AppState, partner: &PartnerId, report: &Report) {
    let keys: Vec<String> = Format::ALL
        .iter()
        .map(|f| Report::file_key(partner, &report.id, *f))
        .collect();
    if let Err(e) = state
        .files()
        .delete(&state.config.reports_bucket, &keys)
        .await
    {
        tracing::error!(report = %report.id, error = %e, "report files not removed");
    }
}

/// The partner's branding as the renderer takes it: a logo that cannot be read is left
/// out (the report is still made) and logged.
pub(crate) async fn brand(state: &AppState, partner: &PartnerId) -> Result<Brand, Failure> {
    let branding = state
        .table
        .branding(partner)
        .await
        .map_err(|e| failure("The report's settings could not be read. Try again.", e))?;
    let logo = match &branding.logo {
        None => None,
        Some(l) => match state.files().get(&state.config.logos_bucket, &l.key).await {
            Ok(bytes) => bytes,
            Err(e) => {
                tracing::warn!(error = %e, "the logo could not be read; the report has none");
                None
            }
        },
    };
    Ok(Brand {
        header_colour: branding.header_colour.0,
        theme_colour: branding.theme_colour.0,
        logo,
    })
}

/// Gathers, builds, renders and stores every format of the report.
async fn render(
    state: &AppState,
    partner_id: &PartnerId,
    report: &Report,
) -> Result<Vec<ReportFile>, Failure> {
    let k = store::keys::partner_pk(partner_id);
    let partner: Partner = state
        .table
        .get(&k, "PARTNER")
        .await
        .map_err(|e| failure("The report's data could not be read. Try again.", e))?
        .ok_or_else(|| failure("The partner account no longer exists.", "no partner"))?;
    let brand = brand(state, partner_id).await?;
    let data = gather(&state.table, &partner, report, Utc::now())
        .await
        .map_err(|e| failure("The report's data could not be read. Try again.", e))?;
    let document = build::document(&data);
    let mut files = Vec::new();
    for format in &report.formats {
        let Rendered { bytes, pages } =
            reports::render(&document, *format, &brand).map_err(|e| {
                let reason = format!(
                    "The {} file could not be made: {e}",
                    format.extension().to_uppercase()
                );
                failure(&reason, &e)
            })?;
        let size = bytes.len() as u64;
        state
            .files()
            .put(
                &state.config.reports_bucket,
                &Report::file_key(partner_id, &report.id, *format),
                bytes,
                format.content_type(),
            )
            .await
            .map_err(|e| failure("The report's files could not be stored. Try again.", e))?;
        files.push(ReportFile {
            format: *format,
            size,
            pages,
        });
    }
    Ok(files)
}
