//! Endpoint telemetry: what the endpoint-protection service reports (computers and
//! events), the rules that validate it, and the arithmetic of the aggregates that every
//! page reads instead of raw records.
//!
//! Aggregates are [`Tally`]s: named counters that only ever change by an addition, so
//! the store can apply them with DynamoDB's `ADD` in the same transaction that writes the
//! records they count. A computer's contribution is derived from its state
//! ([`contribution`]); a report changes the aggregates by the new contribution minus the
//! old one, so a replay (same state again) changes nothing.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, DurationRound, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::validation::Validation;

/// The most records one ingestion request may carry.
pub const MAX_BATCH: usize = 500;
/// How long raw events stay readable (for reports) unless configured otherwise.
pub const DEFAULT_RETENTION_DAYS: i64 = 100;
/// How far ahead of the server's clock a report's times may be.
pub const CLOCK_SKEW: Duration = Duration::minutes(5);
/// Definitions older than this when the computer last checked in need an update.
pub const DEFINITIONS_MAX_AGE_DAYS: i64 = 3;
/// The daily series covers this many days (the "Last 3 months" range).
pub const DAILY_POINTS: i64 = 92;
/// The hourly series covers this many hours (the "Last 24 hours" range).
pub const HOURLY_POINTS: i64 = 24;
/// A computer not seen for this long counts as offline on the summaries.
pub const OFFLINE_AFTER: Duration = Duration::hours(24);

mod reports;
pub use reports::*;
mod checks;
pub use checks::*;
mod tally;
pub use tally::*;
mod reading;
pub use reading::*;

#[cfg(test)]
mod tests;
