//! Business metrics as CloudWatch embedded metric format (EMF): one JSON line on stdout,
//! which Lambda sends to the function's log group and CloudWatch Logs turns into a metric
//! in the namespace `METRICS_NAMESPACE` (the template sets `PartnerConsole/<stack>`).
//! No SDK call and no extra permission: the log line is the metric.
//!
//! Without `METRICS_NAMESPACE` (the local stack) nothing is printed. Tests give the
//! services a [`Metrics::recording`] sink instead of stdout, and read back exactly the
//! lines a function would have printed.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

/// The metrics the console emits; their names are the ones the alarms and dashboards use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    /// A partner signed up (auth).
    SignUps,
    /// A report was made and marked Ready (report worker).
    ReportsGenerated,
    /// A report ended Failed (report worker).
    ReportsFailed,
    /// An alert notification was delivered: email, text message or webhook.
    AlertsSent,
    /// An alert notification failed for good (after its retries, or refused outright).
    NotificationsFailed,
    /// An alert email not sent because the address bounced or complained for the
    /// partner: the partner's to fix, so apart from `NotificationsFailed` and its alarm.
    NotificationsSuppressed,
    /// Telemetry records accepted by ingestion (computers and events), by count.
    IngestedRecords,
}

impl Metric {
    /// Every metric: what CloudWatch bills as custom metrics once each is published.
    pub const ALL: [Metric; 7] = [
        Metric::SignUps,
        Metric::ReportsGenerated,
        Metric::ReportsFailed,
        Metric::AlertsSent,
        Metric::NotificationsFailed,
        Metric::NotificationsSuppressed,
        Metric::IngestedRecords,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Metric::SignUps => "SignUps",
            Metric::ReportsGenerated => "ReportsGenerated",
            Metric::ReportsFailed => "ReportsFailed",
            Metric::AlertsSent => "AlertsSent",
            Metric::NotificationsFailed => "NotificationsFailed",
            Metric::NotificationsSuppressed => "NotificationsSuppressed",
            Metric::IngestedRecords => "IngestedRecords",
        }
    }
}

/// One EMF document: `value` of `metric` at `at`, in `namespace`, with no dimensions (an
/// empty dimension set), so an alarm names the metric by namespace and name alone.
pub fn render(namespace: &str, metric: Metric, value: u64, at: DateTime<Utc>) -> Value {
    let name = metric.name();
    json!({
        "_aws": {
            "Timestamp": at.timestamp_millis(),
            "CloudWatchMetrics": [{
                "Namespace": namespace,
                "Dimensions": [[]],
                "Metrics": [{ "Name": name, "Unit": "Count" }],
            }],
        },
        name: value,
    })
}

#[derive(Clone, Debug, Default)]
enum Sink {
    /// Locally: metrics go nowhere.
    #[default]
    Off,
    /// In Lambda: one line on stdout each.
    Stdout,
    /// Tests: the lines, kept.
    Recorder(Arc<Mutex<Vec<Value>>>),
}

/// Where a function's metrics go. Cheap to clone; clones share a recorder.
#[derive(Clone, Debug, Default)]
pub struct Metrics {
    namespace: String,
    sink: Sink,
}

impl Metrics {
    /// Stdout in `METRICS_NAMESPACE`, or off when it is unset or empty.
    pub fn from_env() -> Metrics {
        match std::env::var("METRICS_NAMESPACE") {
            Ok(ns) if !ns.trim().is_empty() => Metrics {
                namespace: ns.trim().to_string(),
                sink: Sink::Stdout,
            },
            _ => Metrics::default(),
        }
    }

    /// For tests: every document is kept instead of printed ([`Metrics::recorded`]).
    pub fn recording(namespace: &str) -> Metrics {
        Metrics {
            namespace: namespace.to_string(),
            sink: Sink::Recorder(Arc::default()),
        }
    }

    /// Emits `value` of `metric` now.
    pub fn emit(&self, metric: Metric, value: u64) {
        let doc = || render(&self.namespace, metric, value, Utc::now());
        match &self.sink {
            Sink::Off => {}
            Sink::Stdout => println!("{}", doc()),
            Sink::Recorder(kept) => kept.lock().unwrap_or_else(|e| e.into_inner()).push(doc()),
        }
    }

    /// What a recording sink kept, in order (empty for the others).
    pub fn recorded(&self) -> Vec<Value> {
        match &self.sink {
            Sink::Recorder(kept) => kept.lock().unwrap_or_else(|e| e.into_inner()).clone(),
            _ => Vec::new(),
        }
    }

    /// The total of `metric` in what a recording sink kept.
    pub fn total(&self, metric: Metric) -> u64 {
        self.recorded()
            .iter()
            .filter_map(|doc| doc[metric.name()].as_u64())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_lists_every_metric_once() {
        // A new metric fails to compile here until it has a place, and then this fails
        // until ALL lists it (the cost bench bills ALL's length).
        let place = |m: Metric| match m {
            Metric::SignUps => 0,
            Metric::ReportsGenerated => 1,
            Metric::ReportsFailed => 2,
            Metric::AlertsSent => 3,
            Metric::NotificationsFailed => 4,
            Metric::NotificationsSuppressed => 5,
            Metric::IngestedRecords => 6,
        };
        let mut seen = [false; Metric::ALL.len()];
        for m in Metric::ALL {
            assert!(!seen[place(m)], "{} twice", m.name());
            seen[place(m)] = true;
        }
        assert!(seen.iter().all(|s| *s));
    }

    #[test]
    fn a_document_follows_the_embedded_metric_format() {
        let at = DateTime::parse_from_rfc3339("2026-12-05T06:40:00.250Z")
            .unwrap()
            .with_timezone(&Utc);
        let doc = render("PartnerConsole/prod", Metric::IngestedRecords, 500, at);
        // The metadata: a timestamp in milliseconds since the epoch, and one directive
        // naming the namespace, the dimension sets and the metrics with their units.
        assert_eq!(doc["_aws"]["Timestamp"], 1_796_452_800_250_i64);
        let directives = doc["_aws"]["CloudWatchMetrics"].as_array().unwrap();
        assert_eq!(directives.len(), 1);
        assert_eq!(directives[0]["Namespace"], "PartnerConsole/prod");
        assert_eq!(directives[0]["Dimensions"], json!([[]]));
        assert_eq!(
            directives[0]["Metrics"],
            json!([{ "Name": "IngestedRecords", "Unit": "Count" }])
        );
        // The value is a member of the root, under the metric's name; nothing else is.
        assert_eq!(doc["IngestedRecords"], 500);
        assert_eq!(doc.as_object().unwrap().len(), 2);
        // One line: CloudWatch Logs reads a log event, not a pretty-printed document.
        assert!(!doc.to_string().contains('\n'));
    }

    #[test]
    fn the_metric_names_are_the_agreed_ones() {
        let names: Vec<&str> = [
            Metric::SignUps,
            Metric::ReportsGenerated,
            Metric::ReportsFailed,
            Metric::AlertsSent,
            Metric::NotificationsFailed,
            Metric::NotificationsSuppressed,
            Metric::IngestedRecords,
        ]
        .iter()
        .map(|m| m.name())
        .collect();
        assert_eq!(
            names,
            [
                "SignUps",
                "ReportsGenerated",
                "ReportsFailed",
                "AlertsSent",
                "NotificationsFailed",
                "NotificationsSuppressed",
                "IngestedRecords"
            ]
        );
    }

    #[test]
    fn a_recording_sink_keeps_what_would_be_printed_and_clones_share_it() {
        let metrics = Metrics::recording("PartnerConsole/test");
        let clone = metrics.clone();
        clone.emit(Metric::IngestedRecords, 3);
        metrics.emit(Metric::IngestedRecords, 4);
        metrics.emit(Metric::SignUps, 1);
        assert_eq!(metrics.recorded().len(), 3);
        assert_eq!(metrics.total(Metric::IngestedRecords), 7);
        assert_eq!(clone.total(Metric::SignUps), 1);
        assert_eq!(
            metrics.recorded()[2]["_aws"]["CloudWatchMetrics"][0]["Namespace"],
            "PartnerConsole/test"
        );
    }

    #[test]
    fn without_a_namespace_nothing_is_kept() {
        let off = Metrics::default();
        off.emit(Metric::SignUps, 1);
        assert!(off.recorded().is_empty());
    }
}
