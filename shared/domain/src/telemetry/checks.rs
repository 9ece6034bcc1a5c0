//! Validation.

use super::*;

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
    let v = crate::validation::required_text(value, 100)?;
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
) -> Result<(), Vec<crate::FieldError>> {
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
) -> Result<(), Vec<crate::FieldError>> {
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
