//! Where audit records live: in their partner's partition, newest last by sort key, and
//! under the acting user in GSI1; attempts that proved no credential (no partner on the
//! record) go to a daily partition of their own.

use super::{to_item, Item, Keys, StoreError, Table};
use domain::audit::AuditRecord;

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

/// One page of the Security Audit: a partner's records, newest first, narrowed by user,
/// action, customer and time.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// Only this user's records (read from the user's index partition).
    pub user: Option<domain::UserId>,
    /// Only this action, as stored (e.g. `customer.add`).
    pub action: Option<String>,
    /// Only records about this customer (their target starts with its id).
    pub customer: Option<domain::CustomerId>,
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    pub to: Option<chrono::DateTime<chrono::Utc>>,
    pub limit: i32,
    pub start: Option<Item>,
}

impl AuditQuery {
    /// The partition the query reads, and its index (`None`: the table).
    pub fn partition(&self, scope: &super::PartnerScope) -> (Option<&'static str>, String) {
        match &self.user {
            Some(u) => (
                Some("gsi1"),
                format!("AUDITUSER#{}#{u}", scope.partner_id()),
            ),
            None => (None, scope.pk()),
        }
    }
}

impl Table {
    /// A page of the partner's audit records: one Query, whatever the filters.
    pub async fn audit_page(
        &self,
        scope: &super::PartnerScope,
        query: AuditQuery,
    ) -> Result<super::Page<AuditRecord>, StoreError> {
        use super::schedule::time_key;
        let (index, partition) = query.partition(scope);
        let low = query.from.map_or_else(
            || "AUDIT#".to_string(),
            |t| format!("AUDIT#{}", time_key(t)),
        );
        let high = query.to.map_or_else(
            || "AUDIT#~".to_string(),
            |t| format!("AUDIT#{}~", time_key(t)),
        );
        let mut filter = super::Filter::default();
        let mut clauses = Vec::new();
        if let Some(a) = &query.action {
            clauses.push("#action = :action");
            filter.names.insert("#action".into(), "action".into());
            filter.values.insert(
                ":action".into(),
                aws_sdk_dynamodb::types::AttributeValue::S(a.clone()),
            );
        }
        if let Some(c) = &query.customer {
            clauses.push("begins_with(#target, :customer)");
            filter.names.insert("#target".into(), "target".into());
            filter.values.insert(
                ":customer".into(),
                aws_sdk_dynamodb::types::AttributeValue::S(c.to_string()),
            );
        }
        filter.expression = clauses.join(" AND ");
        self.query_page(super::PageQuery {
            index,
            pk: &partition,
            prefix: "AUDIT#",
            limit: query.limit,
            newest_first: true,
            start: query.start,
            filter: (!clauses.is_empty()).then_some(filter),
            range: Some((low, high)),
        })
        .await
    }
}
