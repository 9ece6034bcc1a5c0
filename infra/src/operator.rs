//! Operator commands: what the vendor running the service does outside the console.

use chrono::Utc;
use shared::{
    domain::serial::{Serial, SerialKind},
    store::serials::IssuedSerial,
};

/// Issues `count` new serials of `kind` into the table the environment names.
pub async fn issue_serials(kind: SerialKind, count: usize) -> anyhow::Result<Vec<Serial>> {
    let state = shared::services::Services::from_env().await?;
    let mut issued = Vec::with_capacity(count);
    for _ in 0..count {
        let serial = IssuedSerial {
            serial: Serial::generate(kind),
            issued_at: Utc::now(),
            activation: None,
        };
        state.table.issue_serial(&serial).await?;
        issued.push(serial.serial);
    }
    Ok(issued)
}
