//! The notifier worker: EventBridge (locally, the event dispatcher) hands it each
//! `AlertRaised` event. It finds the enabled rules the alert matches and sends what they
//! say (`adapters::notify`): every delivery is claimed once, so an event that arrives twice
//! sends nothing the second time. A delivery that fails is retried by the scheduler tick
//! with backoff, then kept as a dead letter.
//!
//! It also takes SES's bounce and complaint events (`aws.ses`, from the configuration
//! set's event destination on the default bus): a permanent bounce or a complaint
//! suppresses the address for the partner the message's `partner` tag names
//! ([`on_feedback`]).

use adapters::notify;
use adapters::notify::{AlertRaisedDetail, Notified, ALERT_RAISED};
use adapters::services::AppState;
use chrono::{DateTime, Utc};
use domain::{
    audit::{Action, AuditRecord, Outcome},
    mail::MailSuppression,
    EmailAddress, PartnerId,
};
use store::mail_suppressions::Suppressed;

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
    if event["source"].as_str() == Some(SES_SOURCE) {
        return Ok(serde_json::to_value(on_feedback(state, &event).await?)?);
    }
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

/// The source of SES's events on the default bus.
pub const SES_SOURCE: &str = "aws.ses";

/// What the notifier did with one SES event.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedbackDone {
    /// Addresses newly suppressed.
    pub suppressed: usize,
    /// Addresses suppressed already (a repeated event, or another message to them).
    pub already: usize,
    /// Why the event changed nothing, when it did not apply.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignored: Option<String>,
}

/// A bounce or complaint: each recipient is suppressed for the partner the message was
/// sent for, with an audit record by the system. A transient bounce, an event naming no
/// partner (mail sent for none) or an unknown one, and an invalid address change nothing
/// and do not fail (retrying cannot help).
pub async fn on_feedback(
    state: &AppState,
    event: &serde_json::Value,
) -> Result<FeedbackDone, NotifierError> {
    let ignored = |why: String| {
        tracing::info!(reason = %why, "SES event ignored");
        Ok(FeedbackDone {
            ignored: Some(why),
            ..FeedbackDone::default()
        })
    };
    let feedback = match domain::mail::feedback(event) {
        Ok(Some(f)) => f,
        Ok(None) => return ignored("a bounce that is not permanent".into()),
        Err(e) => return ignored(e),
    };
    let Some(partner) = feedback
        .partner
        .as_deref()
        .and_then(|p| PartnerId::parse(p).ok())
    else {
        return ignored("the message names no partner".into());
    };
    let mut done = FeedbackDone::default();
    for address in &feedback.recipients {
        let Ok(email) = EmailAddress::parse(address) else {
            tracing::warn!("SES reported an address that does not parse");
            continue;
        };
        let suppression = MailSuppression {
            email: email.clone(),
            reason: feedback.reason,
            since: feedback.at,
            feedback_id: feedback.feedback_id.clone(),
        };
        let record = AuditRecord::new(Action::SuppressMail, "ses", "ses", Outcome::Success)
            .by(&partner, None)
            .target(email.to_string())
            .reason(feedback.reason.label());
        match state
            .table
            .suppress_mail(&partner, &suppression, &record)
            .await?
        {
            Suppressed::New => {
                tracing::info!(partner = %partner, reason = ?feedback.reason, "address suppressed");
                done.suppressed += 1;
            }
            Suppressed::Already => done.already += 1,
            Suppressed::UnknownPartner => return ignored(format!("no partner {partner}")),
        }
    }
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
