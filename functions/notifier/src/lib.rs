//! The notifier worker: EventBridge (locally, the event dispatcher) hands it each
//! `AlertRaised` event. It finds the enabled rules the alert matches and sends what they
//! say (`adapters::notify`): every delivery is claimed once, so an event that arrives twice
//! sends nothing the second time. A delivery that fails is retried by the scheduler tick
//! with backoff, then kept as a dead letter.

use adapters::notify;
use adapters::notify::{AlertRaisedDetail, Notified, ALERT_RAISED};
use adapters::services::AppState;
use chrono::{DateTime, Utc};

#[derive(Debug, thiserror::Error)]
pub enum NotifierError {
    #[error("not an {ALERT_RAISED} event: {0}")]
    Event(String),
    #[error(transparent)]
    Store(#[from] store::StoreError),
}

/// The event's detail, if it is an `AlertRaised` event.
pub fn detail(event: &serde_json::Value) -> Result<AlertRaisedDetail, NotifierError> {
    if event["detail-type"].as_str() != Some(ALERT_RAISED) {
        return Err(NotifierError::Event(format!(
            "detail-type is {}",
            event["detail-type"]
        )));
    }
    serde_json::from_value(event["detail"].clone()).map_err(|e| NotifierError::Event(e.to_string()))
}

/// When the event happened (EventBridge's `time`), or now.
fn moment(event: &serde_json::Value) -> DateTime<Utc> {
    event["time"]
        .as_str()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map_or_else(Utc::now, |t| t.with_timezone(&Utc))
        .max(Utc::now())
}

/// The Lambda entry point. A malformed event is logged and dropped (retrying it cannot
/// help); a store failure is an error, so EventBridge delivers the event again.
pub async fn handle(
    state: &AppState,
    event: serde_json::Value,
) -> Result<serde_json::Value, lambda_runtime::Error> {
    let detail = match detail(&event) {
        Ok(d) => d,
        Err(e) => {
            tracing::error!(error = %e, "event dropped");
            return Ok(serde_json::json!({ "dropped": e.to_string() }));
        }
    };
    let done = notify_one(state, &detail, moment(&event)).await?;
    Ok(serde_json::to_value(done)?)
}

/// Sends what one alert's rules say.
pub async fn notify_one(
    state: &AppState,
    detail: &AlertRaisedDetail,
    now: DateTime<Utc>,
) -> Result<Notified, NotifierError> {
    let done = notify::on_alert_raised(state, detail, now).await?;
    tracing::info!(alert = %detail.alert_id, ?done, "alert notified");
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_event_is_an_alert_raised_and_other_events_are_refused() {
        let sample: serde_json::Value =
            serde_json::from_str(include_str!("../../../events/notifier/alert-raised.json"))
                .unwrap();
        let d = detail(&sample).unwrap();
        assert_eq!(d.alert_id.as_str(), "alr_0193a1b2c3d47e8f9a0b1c2d3e4f5a6c");
        let mut tick = sample.clone();
        tick["detail-type"] = "Scheduled Event".into();
        assert!(detail(&tick).is_err());
        let mut broken = sample;
        broken["detail"]["alertId"] = "not-an-id".into();
        assert!(detail(&broken).is_err());
    }
}
