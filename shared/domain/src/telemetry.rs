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

// ---------------------------------------------------------------------------------------
// What the service reports
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum OsFamily {
    Windows,
    WindowsServer,
    Mac,
    Linux,
}

impl OsFamily {
    pub const ALL: [OsFamily; 4] = [
        OsFamily::Windows,
        OsFamily::WindowsServer,
        OsFamily::Mac,
        OsFamily::Linux,
    ];

    pub fn name(self) -> &'static str {
        match self {
            OsFamily::Windows => "windows",
            OsFamily::WindowsServer => "windowsServer",
            OsFamily::Mac => "mac",
            OsFamily::Linux => "linux",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum ProtectionStatus {
    /// The agent runs and protects the computer.
    Protected,
    /// The agent is installed but its protection is turned off.
    Disabled,
}

/// A computer's operating system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OperatingSystem {
    pub family: OsFamily,
    /// e.g. "Windows 11 Pro 23H2", "macOS 14.4".
    pub version: String,
}

/// One computer as the endpoint service reports it (inventory).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ComputerReport {
    /// The agent's id: 1–64 letters, digits, `.`, `_`, `:` or `-`.
    pub id: String,
    pub name: String,
    pub os: OperatingSystem,
    /// The group the computer is in on the customer's console.
    #[serde(default)]
    pub group: Option<String>,
    /// Dotted numbers, e.g. "22.4.1".
    pub agent_version: String,
    /// The date of the virus definitions the agent has.
    #[schema(value_type = String, format = Date)]
    pub definitions_date: NaiveDate,
    pub status: ProtectionStatus,
    /// Whether the computer's service is activated (has a seat).
    pub activated: bool,
    /// For Macs: whether the agent manages the computer. Ignored for other systems.
    #[serde(default)]
    pub managed: Option<bool>,
    pub last_seen: DateTime<Utc>,
    /// When the agent was installed; the first report's `lastSeen` when absent.
    #[serde(default)]
    pub installed_at: Option<DateTime<Utc>>,
    /// The computer was deleted from the customer's console.
    #[serde(default)]
    pub deleted: bool,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ComputerBatch {
    /// At most 500.
    pub computers: Vec<ComputerReport>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "camelCase")]
pub enum RiskAction {
    Blocked,
    Quarantined,
    Cleaned,
    /// The agent could not deal with the risk: the computer is still infected.
    Unresolved,
}

impl RiskAction {
    pub const ALL: [RiskAction; 4] = [
        RiskAction::Blocked,
        RiskAction::Quarantined,
        RiskAction::Cleaned,
        RiskAction::Unresolved,
    ];

    pub fn name(self) -> &'static str {
        match self {
            RiskAction::Blocked => "blocked",
            RiskAction::Quarantined => "quarantined",
            RiskAction::Cleaned => "cleaned",
            RiskAction::Unresolved => "unresolved",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum Direction {
    Inbound,
    Outbound,
}

/// What happened, by kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    deny_unknown_fields
)]
pub enum EventDetail {
    /// A virus or other risk was detected, and the agent took `action`.
    RiskDetection {
        risk: String,
        /// e.g. "Virus", "Trojan", "Adware".
        #[serde(default)]
        category: Option<String>,
        action: RiskAction,
        #[serde(default)]
        file: Option<String>,
    },
    /// Intrusion prevention blocked an attack.
    Intrusion {
        signature: String,
        #[serde(default)]
        source: Option<String>,
    },
    /// The firewall blocked traffic.
    Firewall {
        rule: String,
        direction: Direction,
        #[serde(default)]
        remote: Option<String>,
    },
}

/// One event as the endpoint service reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EventReport {
    /// Unique per customer and time: a replayed event is recognised by it.
    pub id: String,
    pub computer_id: String,
    #[serde(default)]
    pub computer_name: Option<String>,
    pub occurred_at: DateTime<Utc>,
    /// What happened: `{"type": "riskDetection" | "intrusion" | "firewall", …}`.
    pub detail: EventDetail,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EventBatch {
    /// At most 500.
    pub events: Vec<EventReport>,
}

// ---------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------

fn record_id(value: &str) -> Result<String, String> {
    if value.is_empty() || value.len() > 64 {
        return Err("must be 1 to 64 characters".into());
    }
    if !value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'))
    {
        return Err("may contain only letters, digits, '.', '_', ':' and '-'".into());
    }
    Ok(value.to_string())
}

/// A risk or signature name: it names counters and keys, so `#` is not allowed.
fn name_label(value: &str) -> Result<String, String> {
    let v = super::validation::required_text(value, 100)?;
    if v.contains('#') {
        return Err("must not contain '#'".into());
    }
    Ok(v)
}

fn not_future(at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), String> {
    if at > now + CLOCK_SKEW {
        Err("is in the future".into())
    } else {
        Ok(())
    }
}

/// A dotted version such as "22.4.1", compared number by number.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct AgentVersion(Vec<u32>);

impl AgentVersion {
    pub fn parse(s: &str) -> Result<Self, String> {
        let parts: Result<Vec<u32>, _> = s.split('.').map(str::parse::<u32>).collect();
        match parts {
            Ok(p) if !p.is_empty() && p.len() <= 4 && s.len() <= 32 => Ok(AgentVersion(p)),
            _ => Err("must be dotted numbers, e.g. 22.4.1".into()),
        }
    }
}

fn check_batch_size(v: &mut Validation, field: &str, len: usize) {
    if len == 0 {
        v.error(field, "must not be empty");
    } else if len > MAX_BATCH {
        v.error(field, format!("must have at most {MAX_BATCH} records"));
    }
}

/// Checks a computer batch: every record valid, no id twice. Names every bad field.
pub fn validate_computers(
    batch: &ComputerBatch,
    now: DateTime<Utc>,
) -> Result<(), Vec<super::FieldError>> {
    let mut v = Validation::new();
    check_batch_size(&mut v, "computers", batch.computers.len());
    let mut seen = BTreeSet::new();
    for (i, c) in batch.computers.iter().enumerate().take(MAX_BATCH) {
        let at = |f: &str| format!("computers[{i}].{f}");
        if v.check(&at("id"), record_id(&c.id)).is_some() && !seen.insert(c.id.as_str()) {
            v.error(at("id"), "appears twice in the batch");
        }
        v.text(&at("name"), &c.name, 255);
        v.text(&at("os.version"), &c.os.version, 100);
        if let Some(g) = &c.group {
            v.text(&at("group"), g, 255);
        }
        v.check(&at("agentVersion"), AgentVersion::parse(&c.agent_version));
        v.check(&at("lastSeen"), not_future(c.last_seen, now));
        if c.definitions_date > (now + CLOCK_SKEW).date_naive() {
            v.error(at("definitionsDate"), "is in the future");
        }
        if let Some(installed) = c.installed_at {
            v.check(&at("installedAt"), not_future(installed, now));
            if installed > c.last_seen {
                v.error(at("installedAt"), "is after lastSeen");
            }
        }
    }
    v.finish()
}

/// Checks an event batch: every record valid, within the retention period, no id twice.
pub fn validate_events(
    batch: &EventBatch,
    now: DateTime<Utc>,
    retention_days: i64,
) -> Result<(), Vec<super::FieldError>> {
    let mut v = Validation::new();
    check_batch_size(&mut v, "events", batch.events.len());
    let mut seen = BTreeSet::new();
    for (i, e) in batch.events.iter().enumerate().take(MAX_BATCH) {
        let at = |f: &str| format!("events[{i}].{f}");
        if v.check(&at("id"), record_id(&e.id)).is_some() && !seen.insert(e.id.as_str()) {
            v.error(at("id"), "appears twice in the batch");
        }
        v.check(&at("computerId"), record_id(&e.computer_id));
        if let Some(n) = &e.computer_name {
            v.text(&at("computerName"), n, 255);
        }
        v.check(&at("occurredAt"), not_future(e.occurred_at, now));
        if e.occurred_at < now - Duration::days(retention_days) {
            v.error(
                at("occurredAt"),
                format!("is older than the {retention_days}-day retention period"),
            );
        }
        match &e.detail {
            EventDetail::RiskDetection {
                risk,
                category,
                file,
                ..
            } => {
                v.check(&at("risk"), name_label(risk));
                if let Some(c) = category {
                    v.text(&at("category"), c, 100);
                }
                if let Some(f) = file {
                    v.text(&at("file"), f, 1024);
                }
            }
            EventDetail::Intrusion { signature, source } => {
                v.check(&at("signature"), name_label(signature));
                if let Some(s) = source {
                    v.text(&at("source"), s, 255);
                }
            }
            EventDetail::Firewall { rule, remote, .. } => {
                v.text(&at("rule"), rule, 100);
                if let Some(r) = remote {
                    v.text(&at("remote"), r, 255);
                }
            }
        }
    }
    v.finish()
}

// ---------------------------------------------------------------------------------------
// Tallies: the aggregates' arithmetic
// ---------------------------------------------------------------------------------------

/// Counter names. Dynamic counters carry a prefix: `os#<family>`, `seen#<YYYY-MM-DD>`
/// (computers last seen that day), `r#<risk>` and `i#<signature>`.
pub mod counter {
    pub const COMPUTERS: &str = "computers";
    pub const PROTECTED: &str = "protected";
    pub const DISABLED: &str = "disabled";
    pub const ACTIVATED: &str = "activated";
    pub const ACTIVATION_REQUIRED: &str = "activationRequired";
    pub const AGENT_UPDATE: &str = "agentUpdateRequired";
    pub const DEFINITIONS_UPDATE: &str = "definitionUpdateRequired";
    pub const MAC: &str = "mac";
    pub const MAC_UNMANAGED: &str = "macUnmanaged";
    pub const INSTALLED: &str = "installed";
    pub const REMOVED: &str = "removed";
    pub const DETECTIONS: &str = "detections";
    pub const INTRUSIONS: &str = "intrusions";
    pub const FIREWALL: &str = "firewall";
    pub const OS: &str = "os#";
    pub const SEEN: &str = "seen#";
    pub const RISK: &str = "r#";
    pub const SIGNATURE: &str = "i#";

    /// The partner's portfolio: customers by management type, and per product the
    /// customers on a trial, with a paid subscription (`paid#`, `held#`) and its seats.
    pub mod portfolio {
        pub const CUSTOMERS: &str = "customers";
        pub const MANAGEMENT: &str = "management#";
        pub const TRIAL: &str = "trial#";
        pub const PAID: &str = "paid#";
        pub const HELD: &str = "held#";
        pub const SEATS: &str = "seats#";
    }
}

/// Named counters. Zero counters are not kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally(BTreeMap<String, i64>);

impl Tally {
    pub fn new() -> Self {
        Tally::default()
    }

    pub fn get(&self, name: &str) -> i64 {
        self.0.get(name).copied().unwrap_or(0)
    }

    pub fn add(&mut self, name: impl Into<String>, n: i64) {
        if n == 0 {
            return;
        }
        let name = name.into();
        let v = self.0.entry(name.clone()).or_insert(0);
        *v += n;
        if *v == 0 {
            self.0.remove(&name);
        }
    }

    pub fn merge(&mut self, other: &Tally) {
        for (k, v) in &other.0 {
            self.add(k.clone(), *v);
        }
    }

    pub fn subtract(&mut self, other: &Tally) {
        for (k, v) in &other.0 {
            self.add(k.clone(), -*v);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, i64)> {
        self.0.iter().map(|(k, v)| (k.as_str(), *v))
    }

    /// The counters whose names start with `prefix`, by the rest of the name.
    pub fn with_prefix<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, i64)> {
        self.0
            .range(prefix.to_string()..)
            .take_while(move |(k, _)| k.starts_with(prefix))
            .map(move |(k, v)| (&k[prefix.len()..], *v))
    }
}

impl FromIterator<(String, i64)> for Tally {
    fn from_iter<I: IntoIterator<Item = (String, i64)>>(iter: I) -> Self {
        let mut t = Tally::new();
        for (k, v) in iter {
            t.add(k, v);
        }
        t
    }
}

/// The day bucket name of a time: `YYYY-MM-DD` (UTC).
pub fn day_of(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d").to_string()
}

/// The hour bucket name of a time: `YYYY-MM-DDTHH` (UTC).
pub fn hour_of(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H").to_string()
}

/// A computer as stored: the last report, and when it was first installed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Computer {
    pub id: String,
    pub name: String,
    pub os: OperatingSystem,
    #[serde(default)]
    pub group: Option<String>,
    pub agent_version: String,
    pub definitions_date: NaiveDate,
    pub status: ProtectionStatus,
    pub activated: bool,
    #[serde(default)]
    pub managed: Option<bool>,
    pub last_seen: DateTime<Utc>,
    pub installed_at: DateTime<Utc>,
    pub deleted: bool,
    /// When the report that deleted it arrived.
    #[serde(default)]
    pub deleted_at: Option<DateTime<Utc>>,
    pub version: u64,
}

impl Computer {
    /// The computer after `report`, or `None` when the report changes nothing (a replay).
    pub fn after(
        previous: Option<&Computer>,
        report: &ComputerReport,
        now: DateTime<Utc>,
    ) -> Option<Computer> {
        let installed_at = match previous {
            Some(p) if !p.deleted => p.installed_at,
            _ => report.installed_at.unwrap_or(report.last_seen),
        };
        let deleted_at = match previous {
            _ if !report.deleted => None,
            Some(p) if p.deleted => p.deleted_at,
            _ => Some(now),
        };
        let next = Computer {
            id: report.id.clone(),
            name: report.name.trim().to_string(),
            os: OperatingSystem {
                family: report.os.family,
                version: report.os.version.trim().to_string(),
            },
            group: report
                .group
                .as_deref()
                .map(str::trim)
                .filter(|g| !g.is_empty())
                .map(str::to_string),
            agent_version: report.agent_version.clone(),
            definitions_date: report.definitions_date,
            status: report.status,
            activated: report.activated,
            managed: (report.os.family == OsFamily::Mac).then_some(report.managed.unwrap_or(true)),
            // A late report never moves the last check-in back.
            last_seen: previous.map_or(report.last_seen, |p| p.last_seen.max(report.last_seen)),
            installed_at,
            deleted: report.deleted,
            deleted_at,
            version: previous.map_or(1, |p| p.version + 1),
        };
        match previous {
            Some(p)
                if Computer {
                    version: p.version,
                    ..next.clone()
                } == *p =>
            {
                None
            }
            _ => Some(next),
        }
    }

    pub fn needs_agent_update(&self, current: &AgentVersion) -> bool {
        AgentVersion::parse(&self.agent_version).is_ok_and(|v| &v < current)
    }

    pub fn needs_definitions_update(&self) -> bool {
        self.last_seen.date_naive() - self.definitions_date
            > Duration::days(DEFINITIONS_MAX_AGE_DAYS)
    }
}

/// What one computer counts towards the current counters (nothing once deleted).
pub fn contribution(c: &Computer, current_agent: &AgentVersion) -> Tally {
    use counter::*;
    let mut t = Tally::new();
    if c.deleted {
        return t;
    }
    t.add(COMPUTERS, 1);
    match c.status {
        ProtectionStatus::Protected => t.add(PROTECTED, 1),
        ProtectionStatus::Disabled => t.add(DISABLED, 1),
    }
    if c.activated {
        t.add(ACTIVATED, 1);
    } else {
        t.add(ACTIVATION_REQUIRED, 1);
    }
    if c.needs_agent_update(current_agent) {
        t.add(AGENT_UPDATE, 1);
    }
    if c.needs_definitions_update() {
        t.add(DEFINITIONS_UPDATE, 1);
    }
    if c.os.family == OsFamily::Mac {
        t.add(MAC, 1);
        if c.managed == Some(false) {
            t.add(MAC_UNMANAGED, 1);
        }
    }
    t.add(format!("{OS}{}", c.os.family.name()), 1);
    t.add(format!("{SEEN}{}", day_of(c.last_seen)), 1);
    t
}

/// Where a change lands in time: the current counters, or a day or hour bucket.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bucket {
    Current,
    Day(String),
    Hour(String),
}

/// What a change adds to the aggregates, per bucket.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Deltas(pub BTreeMap<Bucket, Tally>);

impl Deltas {
    pub fn add(&mut self, bucket: Bucket, name: impl Into<String>, n: i64) {
        self.0.entry(bucket).or_default().add(name, n);
        self.0.retain(|_, t| !t.is_empty());
    }

    pub fn merge(&mut self, other: &Deltas) {
        for (b, t) in &other.0 {
            self.0.entry(b.clone()).or_default().merge(t);
        }
        self.0.retain(|_, t| !t.is_empty());
    }

    pub fn current(&self) -> Tally {
        self.0.get(&Bucket::Current).cloned().unwrap_or_default()
    }

    /// Adds `n` to `name` in the day bucket of `at`, and in its hour bucket when `at` is
    /// recent enough for the hourly series.
    fn at_time(&mut self, at: DateTime<Utc>, now: DateTime<Utc>, name: &str, n: i64) {
        self.add(Bucket::Day(day_of(at)), name, n);
        if at > now - Duration::hours(HOURLY_POINTS + 1) {
            self.add(Bucket::Hour(hour_of(at)), name, n);
        }
    }
}

/// How a computer's report changes the aggregates: the current counters by the change
/// of its contribution, and an installation or removal in the bucket of its time.
pub fn computer_deltas(
    previous: Option<&Computer>,
    next: &Computer,
    current_agent: &AgentVersion,
    now: DateTime<Utc>,
) -> Deltas {
    let mut d = Deltas::default();
    let mut change = contribution(next, current_agent);
    if let Some(p) = previous {
        change.subtract(&contribution(p, current_agent));
    }
    for (k, v) in change.iter() {
        d.add(Bucket::Current, k, v);
    }
    let was_live = previous.is_some_and(|p| !p.deleted);
    if !was_live && !next.deleted {
        d.at_time(next.installed_at, now, counter::INSTALLED, 1);
    }
    if was_live && next.deleted {
        d.at_time(next.deleted_at.unwrap_or(now), now, counter::REMOVED, 1);
    }
    d
}

/// How an event changes the aggregates: all-time totals, and its day and hour buckets.
pub fn event_deltas(e: &EventReport, now: DateTime<Utc>) -> Deltas {
    let mut d = Deltas::default();
    let mut count = |name: &str| {
        d.add(Bucket::Current, name, 1);
        d.at_time(e.occurred_at, now, name, 1);
    };
    match &e.detail {
        EventDetail::RiskDetection { risk, action, .. } => {
            count(counter::DETECTIONS);
            count(action.name());
            d.add(
                Bucket::Day(day_of(e.occurred_at)),
                format!("{}{risk}", counter::RISK),
                1,
            );
        }
        EventDetail::Intrusion { signature, .. } => {
            count(counter::INTRUSIONS);
            d.add(
                Bucket::Day(day_of(e.occurred_at)),
                format!("{}{signature}", counter::SIGNATURE),
                1,
            );
        }
        EventDetail::Firewall { .. } => count(counter::FIREWALL),
    }
    d
}

/// Splits `records` (each with the aggregate buckets it touches) into groups that fit
/// one transaction: a group's records plus the distinct buckets they touch (each written
/// at customer and partner level, `per_bucket` items) plus `fixed` items stay within
/// `limit`. Order is kept.
pub fn plan_chunks<K: Ord + Clone>(
    touches: &[BTreeSet<K>],
    per_bucket: usize,
    fixed: usize,
    limit: usize,
) -> Vec<std::ops::Range<usize>> {
    let mut chunks = Vec::new();
    let mut start = 0;
    let mut keys: BTreeSet<K> = BTreeSet::new();
    for (i, t) in touches.iter().enumerate() {
        let new_keys = t.iter().filter(|k| !keys.contains(k)).count();
        let size = |records: usize, buckets: usize| records + buckets * per_bucket + fixed;
        if i > start && size(i - start + 1, keys.len() + new_keys) > limit {
            chunks.push(start..i);
            start = i;
            keys.clear();
        }
        keys.extend(t.iter().cloned());
    }
    if start < touches.len() {
        chunks.push(start..touches.len());
    }
    chunks
}

// ---------------------------------------------------------------------------------------
// Reading the aggregates
// ---------------------------------------------------------------------------------------

/// A time range of the pages and widgets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
pub enum Range {
    #[serde(rename = "24h")]
    Day,
    #[default]
    #[serde(rename = "7d")]
    Week,
    #[serde(rename = "30d")]
    Month,
    #[serde(rename = "3m")]
    Quarter,
}

impl Range {
    pub fn days(self) -> i64 {
        match self {
            Range::Day => 1,
            Range::Week => 7,
            Range::Month => 30,
            Range::Quarter => DAILY_POINTS,
        }
    }

    /// The first bucket's start: the hour 23 hours before this one for 24 hours, else
    /// midnight of the range's first day.
    pub fn from(self, now: DateTime<Utc>) -> DateTime<Utc> {
        match self {
            Range::Day => hour_start(now) - Duration::hours(HOURLY_POINTS - 1),
            _ => day_start(now) - Duration::days(self.days() - 1),
        }
    }

    /// Computers not seen since this moment count as offline for the range: midnight of
    /// the day the range starts (the last-seen counters are kept per day).
    pub fn offline_since(self, now: DateTime<Utc>) -> DateTime<Utc> {
        day_start(now - Duration::days(self.days()))
    }
}

pub fn hour_start(at: DateTime<Utc>) -> DateTime<Utc> {
    at.duration_trunc(Duration::hours(1)).unwrap_or(at)
}

pub fn day_start(at: DateTime<Utc>) -> DateTime<Utc> {
    at.duration_trunc(Duration::days(1)).unwrap_or(at)
}

/// The counters of each bucket of a series, oldest first, and their start times.
#[derive(Debug, Clone, Default)]
pub struct Buckets {
    pub hourly: BTreeMap<String, Tally>,
    pub daily: BTreeMap<String, Tally>,
}

impl Buckets {
    /// Adds `other`'s counters bucket by bucket (the sum of several fleets).
    pub fn merge(&mut self, other: &Buckets) {
        for (k, t) in &other.hourly {
            self.hourly.entry(k.clone()).or_default().merge(t);
        }
        for (k, t) in &other.daily {
            self.daily.entry(k.clone()).or_default().merge(t);
        }
    }

    /// Takes `other`'s counters away bucket by bucket (a partner's sums without some
    /// customers).
    pub fn subtract(&mut self, other: &Buckets) {
        for (k, t) in &other.hourly {
            self.hourly.entry(k.clone()).or_default().subtract(t);
        }
        for (k, t) in &other.daily {
            self.daily.entry(k.clone()).or_default().subtract(t);
        }
    }
}

/// The bucket starts of the hourly and daily series ending at `now`.
pub fn hourly_starts(now: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let last = hour_start(now);
    (0..HOURLY_POINTS)
        .rev()
        .map(|i| last - Duration::hours(i))
        .collect()
}

pub fn daily_starts(now: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let last = day_start(now);
    (0..DAILY_POINTS)
        .rev()
        .map(|i| last - Duration::days(i))
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentPoint {
    pub start: DateTime<Utc>,
    pub installed: i64,
    pub removed: i64,
    /// Computers deployed at the end of the bucket.
    pub total: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RiskPoint {
    pub start: DateTime<Utc>,
    pub blocked: i64,
    pub quarantined: i64,
    pub cleaned: i64,
    pub unresolved: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IntrusionPoint {
    pub start: DateTime<Utc>,
    pub intrusions: i64,
    pub firewall: i64,
}

/// A series at two resolutions: the last 24 hours (24 points) and the last 92 days (92
/// points), oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Series<T> {
    pub hourly: Vec<T>,
    pub daily: Vec<T>,
}

impl<T: Clone> Series<T> {
    /// The points of `range`: hourly for 24 hours, the last days of the daily series else.
    pub fn of_range(&self, range: Range) -> Vec<T> {
        match range {
            Range::Day => self.hourly.clone(),
            _ => {
                let n = (range.days() as usize).min(self.daily.len());
                self.daily[self.daily.len() - n..].to_vec()
            }
        }
    }
}

fn points<T>(
    starts: &[DateTime<Utc>],
    name: fn(DateTime<Utc>) -> String,
    buckets: &BTreeMap<String, Tally>,
    point: impl Fn(DateTime<Utc>, &Tally) -> T,
) -> Vec<T> {
    let empty = Tally::new();
    starts
        .iter()
        .map(|s| point(*s, buckets.get(&name(*s)).unwrap_or(&empty)))
        .collect()
}

/// The deployment series: installs and removals per bucket, and the total at each
/// bucket's end worked back from the current number of computers.
pub fn deployment_series(
    current_computers: i64,
    buckets: &Buckets,
    now: DateTime<Utc>,
) -> Series<DeploymentPoint> {
    let build = |starts: Vec<DateTime<Utc>>, name: fn(DateTime<Utc>) -> String, b| {
        let mut pts = points(&starts, name, b, |start, t| DeploymentPoint {
            start,
            installed: t.get(counter::INSTALLED),
            removed: t.get(counter::REMOVED),
            total: 0,
        });
        let mut total = current_computers;
        for p in pts.iter_mut().rev() {
            p.total = total;
            total -= p.installed - p.removed;
        }
        pts
    };
    Series {
        hourly: build(hourly_starts(now), hour_of, &buckets.hourly),
        daily: build(daily_starts(now), day_of, &buckets.daily),
    }
}

pub fn risk_series(buckets: &Buckets, now: DateTime<Utc>) -> Series<RiskPoint> {
    let point = |start, t: &Tally| RiskPoint {
        start,
        blocked: t.get(RiskAction::Blocked.name()),
        quarantined: t.get(RiskAction::Quarantined.name()),
        cleaned: t.get(RiskAction::Cleaned.name()),
        unresolved: t.get(RiskAction::Unresolved.name()),
    };
    Series {
        hourly: points(&hourly_starts(now), hour_of, &buckets.hourly, point),
        daily: points(&daily_starts(now), day_of, &buckets.daily, point),
    }
}

pub fn intrusion_series(buckets: &Buckets, now: DateTime<Utc>) -> Series<IntrusionPoint> {
    let point = |start, t: &Tally| IntrusionPoint {
        start,
        intrusions: t.get(counter::INTRUSIONS),
        firewall: t.get(counter::FIREWALL),
    };
    Series {
        hourly: points(&hourly_starts(now), hour_of, &buckets.hourly, point),
        daily: points(&daily_starts(now), day_of, &buckets.daily, point),
    }
}

/// Computers whose last check-in was before `since` (day resolution: `since` is a
/// midnight).
pub fn offline_count(current: &Tally, since: DateTime<Utc>) -> i64 {
    let day = day_of(since);
    current
        .with_prefix(counter::SEEN)
        .filter(|(d, _)| *d < day.as_str())
        .map(|(_, n)| n)
        .sum()
}

/// Table 2-6, and the Endpoint Protection widget.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EndpointSummary {
    /// Computers with the agent deployed (not deleted).
    pub computers: i64,
    /// Protected Endpoints.
    pub protected: i64,
    /// Disabled Endpoints.
    pub disabled: i64,
    pub activated: i64,
    /// Activation Required.
    pub activation_required: i64,
    /// Agent Update Required.
    pub agent_update_required: i64,
    /// Definition Update Required.
    pub definition_update_required: i64,
    /// Not seen for more than 24 hours (counted by day: not since midnight of yesterday).
    pub offline: i64,
    pub mac: i64,
    pub mac_unmanaged: i64,
    /// Risks Blocked (all time).
    pub risks_blocked: i64,
    /// Quarantined Items (all time).
    pub quarantined: i64,
    pub cleaned: i64,
    /// Risks the agent could not resolve ("infectious items").
    pub unresolved: i64,
    /// Total Detections (all time).
    pub total_detections: i64,
    pub intrusions: i64,
    pub firewall: i64,
}

impl EndpointSummary {
    pub fn of(current: &Tally, now: DateTime<Utc>) -> Self {
        use counter::*;
        EndpointSummary {
            computers: current.get(COMPUTERS),
            protected: current.get(PROTECTED),
            disabled: current.get(DISABLED),
            activated: current.get(ACTIVATED),
            activation_required: current.get(ACTIVATION_REQUIRED),
            agent_update_required: current.get(AGENT_UPDATE),
            definition_update_required: current.get(DEFINITIONS_UPDATE),
            offline: offline_count(current, Range::Day.offline_since(now)),
            mac: current.get(MAC),
            mac_unmanaged: current.get(MAC_UNMANAGED),
            risks_blocked: current.get(RiskAction::Blocked.name()),
            quarantined: current.get(RiskAction::Quarantined.name()),
            cleaned: current.get(RiskAction::Cleaned.name()),
            unresolved: current.get(RiskAction::Unresolved.name()),
            total_detections: current.get(DETECTIONS),
            intrusions: current.get(INTRUSIONS),
            firewall: current.get(FIREWALL),
        }
    }
}

/// The counters of every bucket in `range` added up (for totals and top lists).
pub fn range_total(buckets: &Buckets, range: Range, now: DateTime<Utc>) -> Tally {
    let mut t = Tally::new();
    let from = range.from(now);
    match range {
        Range::Day => {
            let first = hour_of(from);
            for (_, b) in buckets.hourly.range(first..) {
                t.merge(b);
            }
        }
        _ => {
            let first = day_of(from);
            for (_, b) in buckets.daily.range(first..) {
                t.merge(b);
            }
        }
    }
    t
}

/// The `n` largest counters with `prefix`, largest first (ties by name).
pub fn top(t: &Tally, prefix: &str, n: usize) -> Vec<(String, i64)> {
    let mut all: Vec<(String, i64)> = t
        .with_prefix(prefix)
        .filter(|(_, v)| *v > 0)
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    all.truncate(n);
    all
}

/// How severe an alert is (and a Customer Issues row).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "camelCase")]
pub enum Severity {
    Informational,
    Warning,
    Error,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 28, 10, 30, 0).unwrap()
    }

    fn report(id: &str) -> ComputerReport {
        ComputerReport {
            id: id.into(),
            name: format!("PC-{id}"),
            os: OperatingSystem {
                family: OsFamily::Windows,
                version: "Windows 11 Pro".into(),
            },
            group: Some("Default".into()),
            agent_version: "22.4.1".into(),
            definitions_date: now().date_naive(),
            status: ProtectionStatus::Protected,
            activated: true,
            managed: None,
            last_seen: now() - Duration::minutes(5),
            installed_at: Some(now() - Duration::days(10)),
            deleted: false,
        }
    }

    fn agent() -> AgentVersion {
        AgentVersion::parse("22.4.1").unwrap()
    }

    #[test]
    fn a_new_computer_counts_once_and_its_replay_changes_nothing() {
        let r = report("a");
        let c = Computer::after(None, &r, now()).unwrap();
        let d = computer_deltas(None, &c, &agent(), now());
        assert_eq!(d.current().get(counter::COMPUTERS), 1);
        assert_eq!(d.current().get(counter::PROTECTED), 1);
        assert_eq!(d.current().get("os#windows"), 1);
        assert_eq!(d.current().get("seen#2026-11-28"), 1);
        assert_eq!(
            d.0[&Bucket::Day("2026-11-18".into())].get(counter::INSTALLED),
            1
        );
        assert!(!d.0.keys().any(|b| matches!(b, Bucket::Hour(_))));
        assert_eq!(Computer::after(Some(&c), &r, now()), None);
    }

    #[test]
    fn a_changed_computer_moves_its_counts_and_a_deleted_one_leaves() {
        let c = Computer::after(None, &report("a"), now()).unwrap();
        let mut r = report("a");
        r.status = ProtectionStatus::Disabled;
        r.agent_version = "21.9".into();
        r.definitions_date = now().date_naive() - Duration::days(10);
        let c2 = Computer::after(Some(&c), &r, now()).unwrap();
        assert_eq!(c2.version, 2);
        let d = computer_deltas(Some(&c), &c2, &agent(), now()).current();
        assert_eq!(d.get(counter::PROTECTED), -1);
        assert_eq!(d.get(counter::DISABLED), 1);
        assert_eq!(d.get(counter::AGENT_UPDATE), 1);
        assert_eq!(d.get(counter::DEFINITIONS_UPDATE), 1);
        assert_eq!(d.get(counter::COMPUTERS), 0);

        r.deleted = true;
        let c3 = Computer::after(Some(&c2), &r, now()).unwrap();
        let d = computer_deltas(Some(&c2), &c3, &agent(), now());
        let mut total = contribution(&c2, &agent());
        total.merge(&d.current());
        assert!(
            total.is_empty(),
            "a deleted computer counts for nothing: {total:?}"
        );
        assert_eq!(d.0[&Bucket::Hour(hour_of(now()))].get(counter::REMOVED), 1);
        // Deleting it again is a replay.
        assert_eq!(Computer::after(Some(&c3), &r, now()), None);
    }

    #[test]
    fn a_late_report_does_not_move_the_last_check_in_back() {
        let c = Computer::after(None, &report("a"), now()).unwrap();
        let mut r = report("a");
        r.last_seen = now() - Duration::days(3);
        let c2 = Computer::after(Some(&c), &r, now());
        assert_eq!(c2, None);
    }

    #[test]
    fn unmanaged_macs_are_counted() {
        let mut r = report("m");
        r.os.family = OsFamily::Mac;
        r.managed = Some(false);
        let c = Computer::after(None, &r, now()).unwrap();
        let t = contribution(&c, &agent());
        assert_eq!((t.get(counter::MAC), t.get(counter::MAC_UNMANAGED)), (1, 1));
        // `managed` means nothing off a Mac.
        let c = Computer::after(None, &report("w"), now()).unwrap();
        assert_eq!(c.managed, None);
    }

    #[test]
    fn events_count_by_action_in_their_buckets() {
        let e = EventReport {
            id: "e1".into(),
            computer_id: "a".into(),
            computer_name: None,
            occurred_at: now() - Duration::hours(2),
            detail: EventDetail::RiskDetection {
                risk: "W32.Downadup".into(),
                category: None,
                action: RiskAction::Quarantined,
                file: None,
            },
        };
        let d = event_deltas(&e, now());
        assert_eq!(d.current().get("quarantined"), 1);
        assert_eq!(d.current().get(counter::DETECTIONS), 1);
        let day = &d.0[&Bucket::Day("2026-11-28".into())];
        assert_eq!(day.get("r#W32.Downadup"), 1);
        assert_eq!(day.get("quarantined"), 1);
        assert_eq!(
            d.0[&Bucket::Hour("2026-11-28T08".into())].get("quarantined"),
            1
        );
    }

    #[test]
    fn validation_names_each_bad_record() {
        let mut bad = report("a");
        bad.last_seen = now() + Duration::hours(1);
        bad.agent_version = "new".into();
        let batch = ComputerBatch {
            computers: vec![report("ok"), bad, report("ok")],
        };
        let errors = validate_computers(&batch, now()).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "computers[1].agentVersion",
                "computers[1].lastSeen",
                "computers[2].id"
            ]
        );
        let big = ComputerBatch {
            computers: (0..=MAX_BATCH).map(|i| report(&i.to_string())).collect(),
        };
        assert_eq!(
            validate_computers(&big, now()).unwrap_err()[0].field,
            "computers"
        );
        let old = EventBatch {
            events: vec![EventReport {
                id: "x".into(),
                computer_id: "a b".into(),
                computer_name: None,
                occurred_at: now() - Duration::days(101),
                detail: EventDetail::Firewall {
                    rule: "Block SMB".into(),
                    direction: Direction::Inbound,
                    remote: None,
                },
            }],
        };
        let fields: Vec<_> = validate_events(&old, now(), 100)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["events[0].computerId", "events[0].occurredAt"]);
    }

    #[test]
    fn event_json_is_strict_at_every_level() {
        let ok = r#"{"id":"e1","computerId":"pc-1","occurredAt":"2026-11-28T10:00:00Z",
            "detail":{"type":"riskDetection","risk":"W32.Downadup","action":"blocked"}}"#;
        let e: EventReport = serde_json::from_str(ok).unwrap();
        assert!(matches!(
            e.detail,
            EventDetail::RiskDetection {
                action: RiskAction::Blocked,
                ..
            }
        ));
        for bad in [
            ok.replace(r#""id":"e1""#, r#""id":"e1","extra":1"#),
            ok.replace(r#""action":"blocked""#, r#""action":"blocked","extra":1"#),
            ok.replace("riskDetection", "teleport"),
            ok.replace("blocked", "ignored"),
        ] {
            assert!(serde_json::from_str::<EventReport>(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn agent_versions_compare_by_number() {
        let v = |s| AgentVersion::parse(s).unwrap();
        assert!(v("22.10") > v("22.9.9"));
        assert!(v("22.4") < v("22.4.1"));
        assert!(AgentVersion::parse("22..1").is_err());
    }

    #[test]
    fn chunks_keep_records_and_buckets_within_a_transaction() {
        let t = |keys: &[u32]| keys.iter().copied().collect::<BTreeSet<u32>>();
        // Each record touches one new bucket: (records + 2 × buckets + 3) ≤ 12.
        let touches: Vec<_> = (0..6).map(|i| t(&[i])).collect();
        let chunks = plan_chunks(&touches, 2, 3, 12);
        assert_eq!(chunks, vec![0..3, 3..6]);
        // Records sharing a bucket pack densely.
        let same: Vec<_> = (0..10).map(|_| t(&[7])).collect();
        assert_eq!(plan_chunks(&same, 2, 3, 12), vec![0..7, 7..10]);
        // A record always goes somewhere, even alone over the limit.
        assert_eq!(plan_chunks(&[t(&[1, 2, 3, 4, 5])], 2, 3, 12), vec![0..1]);
    }

    #[test]
    fn deployment_totals_work_back_from_the_current_count() {
        let mut b = Buckets::default();
        let mut today = Tally::new();
        today.add(counter::INSTALLED, 3);
        b.daily.insert("2026-11-28".into(), today);
        let mut yesterday = Tally::new();
        yesterday.add(counter::INSTALLED, 5);
        yesterday.add(counter::REMOVED, 1);
        b.daily.insert("2026-11-27".into(), yesterday);
        let s = deployment_series(10, &b, now());
        assert_eq!(s.daily.len(), DAILY_POINTS as usize);
        assert_eq!(s.hourly.len(), HOURLY_POINTS as usize);
        let last: Vec<_> = s.daily[89..].iter().map(|p| p.total).collect();
        assert_eq!(last, [3, 7, 10]);
        assert_eq!(s.of_range(Range::Week).len(), 7);
        assert_eq!(
            s.daily[91].start,
            Utc.with_ymd_and_hms(2026, 11, 28, 0, 0, 0).unwrap()
        );
        assert_eq!(
            s.hourly[23].start,
            Utc.with_ymd_and_hms(2026, 11, 28, 10, 0, 0).unwrap()
        );
    }

    #[test]
    fn offline_counts_by_day_before_the_range() {
        let mut t = Tally::new();
        t.add("seen#2026-11-28", 4);
        t.add("seen#2026-11-27", 2);
        t.add("seen#2026-11-20", 1);
        t.add("seen#2026-08-01", 1);
        assert_eq!(offline_count(&t, Range::Day.offline_since(now())), 2);
        assert_eq!(offline_count(&t, Range::Week.offline_since(now())), 2);
        assert_eq!(offline_count(&t, Range::Month.offline_since(now())), 1);
    }

    #[test]
    fn top_lists_and_range_totals() {
        let mut b = Buckets::default();
        for (day, n) in [("2026-11-28", 2), ("2026-11-22", 3), ("2026-11-01", 50)] {
            let mut t = Tally::new();
            t.add("r#A", n);
            t.add("r#B", 1);
            b.daily.insert(day.into(), t);
        }
        let week = range_total(&b, Range::Week, now());
        assert_eq!(week.get("r#A"), 5);
        assert_eq!(top(&week, counter::RISK, 1), vec![("A".to_string(), 5)]);
        assert_eq!(range_total(&b, Range::Month, now()).get("r#A"), 55);
    }
}
