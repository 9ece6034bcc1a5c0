//! Issued serial numbers, and activating an ExSP program serial: the serial is marked
//! used and the partner joins the program in one transaction, so a serial activates once.

use aws_sdk_dynamodb::types::{AttributeValue, Update};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{keys, put_new, to_item, Keys, PartnerScope, StoreError, Table};
use domain::{audit::AuditRecord, serial::Serial, PartnerId, UserId};

/// Who activated a serial, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Activation {
    #[schema(value_type = String)]
    pub partner_id: PartnerId,
    #[schema(value_type = String)]
    pub user_id: UserId,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IssuedSerial {
    /// Its kind is the serial's own first letter (`Serial::kind`).
    pub serial: Serial,
    pub issued_at: DateTime<Utc>,
    /// What a product serial pays for; absent on ExSP program serials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant: Option<ProductGrant>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activation: Option<Activation>,
}

/// The subscription a product serial pays for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProductGrant {
    /// A catalog product id.
    pub product: String,
    pub seats: u32,
    pub term_months: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum ActivateError {
    /// The serial does not exist, is not an ExSP serial, or was activated already.
    #[error("the serial is not available")]
    SerialUnavailable,
    #[error("the partner is already in the ExSP program")]
    AlreadyExsp,
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn serial_keys(s: &Serial) -> Keys {
    Keys::new(keys::serial_pk(s), keys::SERIAL_SK)
}

impl Table {
    /// Records a newly issued serial (the operator CLI).
    pub async fn issue_serial(&self, serial: &IssuedSerial) -> Result<(), StoreError> {
        let item = to_item(serial_keys(&serial.serial), "Serial", serial)?;
        self.transact(vec![put_new(&self.name, item)?]).await
    }

    pub async fn find_serial(&self, serial: &Serial) -> Result<Option<IssuedSerial>, StoreError> {
        let k = serial_keys(serial);
        self.get(&k.pk, &k.sk).await
    }

    /// Marks the ExSP serial used and makes the partner an ExSP partner, with the audit
    /// record, all or nothing.
    pub async fn activate_program_serial(
        &self,
        scope: &PartnerScope,
        serial: &Serial,
        activation: &Activation,
        audit: &AuditRecord,
    ) -> Result<(), ActivateError> {
        let p = Keys::new(scope.pk(), keys::PARTNER_SK);
        let join_program = Update::builder()
            .table_name(&self.name)
            .set_key(Some(p.key()))
            .update_expression("SET program = :exsp, version = version + :one")
            .condition_expression("program = :reseller")
            .expression_attribute_values(":exsp", AttributeValue::S("exsp".into()))
            .expression_attribute_values(":reseller", AttributeValue::S("reseller".into()))
            .expression_attribute_values(":one", AttributeValue::N("1".into()))
            .build()
            .map_err(StoreError::sdk)?;
        use aws_sdk_dynamodb::types::TransactWriteItem as W;
        let items = vec![
            super::customers::use_serial(&self.name, serial, activation)?,
            W::builder().update(join_program).build(),
            put_new(&self.name, super::audit::item(audit)?)?,
        ];
        match self.transact(items).await {
            Ok(()) => Ok(()),
            Err(StoreError::ConditionFailed { index: Some(0) })
            | Err(StoreError::TransactionConflict { index: Some(0) }) => {
                Err(ActivateError::SerialUnavailable)
            }
            Err(StoreError::ConditionFailed { index: Some(1) }) => Err(ActivateError::AlreadyExsp),
            Err(e) => Err(e.into()),
        }
    }
}
