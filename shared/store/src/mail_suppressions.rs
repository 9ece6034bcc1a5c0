//! The addresses a partner's mail no longer goes to (bounced or marked as spam): one item
//! per address in the partner's partition, so the sending paths read a partner's whole
//! list in one Query and another partner's sends are never affected.

use aws_sdk_dynamodb::types::{ConditionCheck, TransactWriteItem};

use super::{from_item, keys, put_new, to_item, Keys, PartnerScope, StoreError, Table};
use domain::{audit::AuditRecord, mail::MailSuppression, EmailAddress, PartnerId};

const PREFIX: &str = "MAILSUPPRESSION#";

fn suppression_keys(partner: &PartnerId, email: &EmailAddress) -> Keys {
    Keys::new(keys::partner_pk(partner), format!("{PREFIX}{email}"))
}

/// What storing a suppression did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suppressed {
    /// Stored, with its audit record.
    New,
    /// The address was suppressed already (a retried or repeated event): nothing written.
    Already,
    /// No such partner: nothing written.
    UnknownPartner,
}

impl Table {
    /// Suppresses an address for a partner that exists, with its audit record, in one
    /// transaction; an address suppressed already is left as it is (the first report
    /// stands), so a duplicated event writes nothing.
    pub async fn suppress_mail(
        &self,
        partner: &PartnerId,
        suppression: &MailSuppression,
        audit: &AuditRecord,
    ) -> Result<Suppressed, StoreError> {
        let k = suppression_keys(partner, &suppression.email);
        let exists = ConditionCheck::builder()
            .table_name(&self.name)
            .set_key(Some(
                Keys::new(keys::partner_pk(partner), keys::PARTNER_SK).key(),
            ))
            .condition_expression("attribute_exists(pk)")
            .build()
            .map_err(StoreError::sdk)?;
        let result = self
            .transact(vec![
                TransactWriteItem::builder().condition_check(exists).build(),
                put_new(&self.name, to_item(k, "MailSuppression", suppression)?)?,
                put_new(&self.name, super::audit::item(audit)?)?,
            ])
            .await;
        match result {
            Ok(()) => Ok(Suppressed::New),
            Err(StoreError::ConditionFailed { index: Some(0) }) => Ok(Suppressed::UnknownPartner),
            Err(StoreError::ConditionFailed { index: Some(1) }) => Ok(Suppressed::Already),
            Err(e) => Err(e),
        }
    }

    /// Every address suppressed for the partner (one Query: a partner's list is short).
    pub async fn mail_suppressions(
        &self,
        partner: &PartnerId,
    ) -> Result<Vec<MailSuppression>, StoreError> {
        self.partition_items(&keys::partner_pk(partner), PREFIX)
            .await?
            .into_iter()
            .map(from_item)
            .collect()
    }

    /// One address's suppression, if any (one GetItem).
    pub async fn mail_suppression(
        &self,
        scope: &PartnerScope,
        email: &EmailAddress,
    ) -> Result<Option<MailSuppression>, StoreError> {
        let k = suppression_keys(scope.partner_id(), email);
        self.get(&k.pk, &k.sk).await
    }

    /// Lifts a suppression, with its audit record; `ConditionFailed` when the address is
    /// not suppressed.
    pub async fn lift_suppression(
        &self,
        scope: &PartnerScope,
        email: &EmailAddress,
        audit: &AuditRecord,
    ) -> Result<(), StoreError> {
        self.delete_audited(&suppression_keys(scope.partner_id(), email), audit)
            .await
    }
}
