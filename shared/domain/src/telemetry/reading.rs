//! Reading the aggregates.

use super::*;

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
