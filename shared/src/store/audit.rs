//! Where audit records live: in their partner's partition, newest last by sort key, and
//! under the acting user in GSI1; attempts matching no partner go to a daily partition.

use super::{to_item, Item, Keys, StoreError, Table};
use crate::domain::audit::AuditRecord;

fn keys(r: &AuditRecord) -> Keys {
    let sk = format!("AUDIT#{}#{}", r.at.format("%Y-%m-%dT%H:%M:%S%.6fZ"), r.id);
    match &r.partner_id {
        Some(p) => {
            let k = Keys::new(super::keys::partner_pk(p), sk.clone());
            match &r.actor_user_id {
                Some(u) => k.gsi1(format!("AUDITUSER#{p}#{u}"), sk),
                None => k,
            }
        }
        None => Keys::new(
            format!("AUDIT#UNATTRIBUTED#{}", r.at.format("%Y-%m-%d")),
            sk,
        ),
    }
}

/// The record as an item, for writing inside the transaction of the change it records.
pub fn item(r: &AuditRecord) -> Result<Item, StoreError> {
    to_item(keys(r), "AuditRecord", r)
}

impl Table {
    /// Writes a record on its own (sign-ins, which change nothing else).
    pub async fn record(&self, r: &AuditRecord) -> Result<(), StoreError> {
        self.put(item(r)?).await
    }

    /// Writes a record unless the same record exists (see `AuditRecord::once_per`).
    pub async fn record_once(&self, r: &AuditRecord) -> Result<(), StoreError> {
        let result = self
            .client
            .put_item()
            .table_name(&self.name)
            .set_item(Some(item(r)?))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(aws_sdk_dynamodb::error::SdkError::ServiceError(e))
                if e.err().is_conditional_check_failed_exception() =>
            {
                Ok(())
            }
            Err(e) => Err(StoreError::sdk(e)),
        }
    }
}
