//! Domain events: put on EventBridge in AWS; locally, handed straight to the function
//! the matching rule targets, through cargo-lambda's invoke endpoint.

use aws_sdk_eventbridge::{types::PutEventsRequestEntry, Client};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The `source` of every event the console emits.
pub const SOURCE: &str = "partner-console";

/// The event that asks the report worker to make a report (detail: `partnerId`,
/// `reportId`).
pub const REPORT_REQUESTED: &str = "ReportRequested";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DomainEvent {
    pub detail_type: String,
    pub detail: Value,
}

#[derive(Debug, thiserror::Error)]
pub enum EventError {
    #[error("eventbridge: {0}")]
    EventBridge(String),
    #[error("local dispatch: {0}")]
    Local(String),
}

#[derive(Debug, Clone)]
pub enum EventBus {
    EventBridge {
        client: Client,
        bus_name: String,
    },
    Local {
        http: reqwest::Client,
        invoke_url: String,
        routes: Vec<(String, String)>,
        /// Hears of each event as the EventBridge operation that publishes it in AWS
        /// (tests).
        counter: Option<crate::aws::CallCounter>,
    },
}

/// The envelope EventBridge delivers to a target, so a function sees the same event
/// shape locally and in AWS.
pub fn envelope(event: &DomainEvent, region: &str) -> Value {
    serde_json::json!({
        "version": "0",
        "id": uuid::Uuid::new_v4().to_string(),
        "detail-type": event.detail_type,
        "source": SOURCE,
        "account": "000000000000",
        "time": Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "region": region,
        "resources": [],
        "detail": event.detail,
    })
}

impl EventBus {
    pub async fn publish(&self, event: &DomainEvent) -> Result<(), EventError> {
        match self {
            EventBus::EventBridge { client, bus_name } => {
                let entry = PutEventsRequestEntry::builder()
                    .event_bus_name(bus_name)
                    .source(SOURCE)
                    .detail_type(&event.detail_type)
                    .detail(event.detail.to_string())
                    .build();
                let out = client
                    .put_events()
                    .entries(entry)
                    .send()
                    .await
                    .map_err(|e| EventError::EventBridge(crate::aws::describe(e)))?;
                if out.failed_entry_count > 0 {
                    let reason = out
                        .entries()
                        .iter()
                        .find_map(|e| e.error_message().map(str::to_string))
                        .unwrap_or_default();
                    return Err(EventError::EventBridge(format!("event refused: {reason}")));
                }
                Ok(())
            }
            EventBus::Local {
                http,
                invoke_url,
                routes,
                counter,
            } => {
                if let Some(c) = counter {
                    c.stood_in("EventBridge", "PutEvents");
                }
                let body = envelope(event, "local");
                for (_, function) in routes.iter().filter(|(t, _)| *t == event.detail_type) {
                    let url = format!(
                        "{}/2015-03-31/functions/{function}/invocations",
                        invoke_url.trim_end_matches('/')
                    );
                    let response = http
                        .post(&url)
                        .json(&body)
                        .send()
                        .await
                        .map_err(|e| EventError::Local(format!("{url}: {e}")))?;
                    if !response.status().is_success() {
                        return Err(EventError::Local(format!(
                            "{url} answered {}",
                            response.status()
                        )));
                    }
                }
                Ok(())
            }
        }
    }
}
