//! Operator commands: what the vendor running the service does outside the console.

use chrono::Utc;
use shared::{
    domain::{
        audit::{Action, AuditRecord, Outcome},
        customer::clear_compliance,
        serial::{Serial, SerialKind},
        CustomerId,
    },
    store::{
        customers::Change,
        serials::{IssuedSerial, ProductGrant},
    },
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
    let state = shared::services::Services::from_env().await?;
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
    let state = shared::services::Services::from_env().await?;
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
