//! Operator commands: what the vendor running the service does outside the console.

use chrono::Utc;
use domain::{
    audit::{Action, AuditRecord, Outcome},
    customer::clear_compliance,
    serial::{Serial, SerialKind},
    CustomerId,
};
use store::{
    customers::Change,
    serials::{IssuedSerial, ProductGrant},
};

/// Issues `count` new serials of `kind` into the table the environment names. Product
/// serials carry the subscription they pay for.
pub async fn issue_serials(
    kind: SerialKind,
    count: usize,
    grant: Option<ProductGrant>,
) -> anyhow::Result<Vec<Serial>> {
    anyhow::ensure!(
        (kind == SerialKind::Product) == grant.is_some(),
        "product serials need --product and --seats; ExSP serials take neither"
    );
    let state = adapters::services::Services::from_env().await?;
    let mut issued = Vec::with_capacity(count);
    for _ in 0..count {
        let serial = IssuedSerial {
            serial: Serial::generate(kind),
            issued_at: Utc::now(),
            grant: grant.clone(),
            activation: None,
        };
        state.table.issue_serial(&serial).await?;
        issued.push(serial.serial);
    }
    Ok(issued)
}

/// Clears a customer's trade-compliance review: its held paid subscriptions start.
pub async fn clear_customer(id: &CustomerId) -> anyhow::Result<String> {
    let state = adapters::services::Services::from_env().await?;
    let found = state
        .table
        .customer_account(id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no customer {id}"))?;
    let now = Utc::now();
    let Some((cleared, changed)) = clear_compliance(&found.customer, &found.entitlements, now)
    else {
        return Ok(format!("{id} is not pending review"));
    };
    let audit = AuditRecord::new(
        Action::ClearCompliance,
        "operator",
        "operator",
        Outcome::Success,
    )
    .by(&cleared.partner_id, None)
    .target(id.to_string());
    state
        .table
        .save_customer(
            &cleared,
            &found.customer,
            Change {
                entitlements: &changed,
                serial: None,
            },
            &audit,
        )
        .await?;
    Ok(format!(
        "{id} cleared; {} held subscription(s) started",
        changed.len()
    ))
}

/// Publishes the Threats Summary: the ThreatCon level, why, and the latest threats, each
/// given as `name|type|severity|protected|url` (severity low, medium or high; protected
/// yes or no).
pub async fn publish_threats(
    level: u8,
    title: &str,
    description: &str,
    threats: &[String],
) -> anyhow::Result<()> {
    use domain::home::{Threat, ThreatSeverity, Threats};
    let mut latest = Vec::new();
    for t in threats {
        let parts: Vec<&str> = t.split('|').map(str::trim).collect();
        let [name, kind, severity, protected, url] = parts[..] else {
            anyhow::bail!("--threat {t:?}: name|type|severity|protected|url");
        };
        latest.push(Threat {
            name: name.into(),
            kind: kind.into(),
            severity: match severity {
                "low" => ThreatSeverity::Low,
                "medium" => ThreatSeverity::Medium,
                "high" => ThreatSeverity::High,
                other => anyhow::bail!("--threat severity {other:?}: low, medium or high"),
            },
            protected: matches!(protected, "yes" | "true"),
            url: url.into(),
        });
    }
    let threats = Threats {
        level,
        title: title.into(),
        description: description.into(),
        latest,
        updated_at: Utc::now(),
    }
    .parse()
    .map_err(|errors| {
        let list: Vec<String> = errors
            .iter()
            .map(|e| format!("{} {}", e.field, e.message))
            .collect();
        anyhow::anyhow!("{}", list.join("; "))
    })?;
    let state = adapters::services::Services::from_env().await?;
    state.table.publish_threats(&threats).await?;
    Ok(())
}

/// Publishes a news item for every partner's News Alerts; answers its id.
pub async fn publish_news(
    title: &str,
    summary: &str,
    body: &str,
    url: Option<&str>,
) -> anyhow::Result<String> {
    let item =
        domain::home::NewsItem::new(title, summary, body, url, Utc::now()).map_err(|errors| {
            let list: Vec<String> = errors
                .iter()
                .map(|e| format!("{} {}", e.field, e.message))
                .collect();
            anyhow::anyhow!("{}", list.join("; "))
        })?;
    let state = adapters::services::Services::from_env().await?;
    state.table.publish_news(&item).await?;
    Ok(item.id)
}

/// Gives every partner that never had them its automatic reports (the weekly MSP
/// Executive Summary and the monthly Service Utilization and Billing report): queues them
/// for the scheduler tick, which makes them. Partners that had them (or deleted them) are
/// left alone, so running it again changes nothing. Returns how many were queued.
pub async fn migrate_automatic_reports() -> anyhow::Result<usize> {
    let state = adapters::services::Services::from_env().await?;
    let now = Utc::now();
    let mut queued = 0;
    for (partner, admin) in state.table.every_partner_admin().await? {
        if state
            .table
            .queue_automatic_reports(&partner, &admin, now)
            .await?
        {
            queued += 1;
        }
    }
    Ok(queued)
}
