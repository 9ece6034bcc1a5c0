//! Tallies: the aggregates' arithmetic.

use super::*;

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
