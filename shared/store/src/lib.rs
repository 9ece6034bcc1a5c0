//! The DynamoDB single table. Items are mapped with `serde_dynamo`; keys are built here
//! from typed ids, and partner-owned keys only from a caller's [`PartnerScope`], so no
//! code path can name another tenant's partition by accident. See `docs/data-model.md`.

pub mod account_links;
pub mod accounts;
pub mod alerts;
pub mod audit;
pub mod consent;
pub mod customers;
pub mod home;
pub mod idempotency;
pub mod mail_suppressions;
pub mod rate_limit;
pub mod report_plans;
pub mod reports;
pub mod roles;
pub mod schedule;
pub mod serials;
pub mod telemetry;
pub mod tickets;

use std::collections::HashMap;

use aws_sdk_dynamodb::{
    error::SdkError,
    operation::transact_write_items::TransactWriteItemsError,
    types::{AttributeValue, Put, TransactWriteItem},
    Client,
};
use serde::{de::DeserializeOwned, Deserialize, Serialize};

use domain::{EmailAddress, PartnerId, UserId};

pub type Item = HashMap<String, AttributeValue>;

/// How many batch reads one read of several items makes at most: the first, then one for
/// each round of keys DynamoDB left unprocessed.
pub const BATCH_READ_TRIES: u32 = 4;

/// The pause before the second batch read; it doubles before each next one (with jitter).
pub const BATCH_READ_PAUSE: std::time::Duration = std::time::Duration::from_millis(50);

/// Reads `keys` with `read` (one batch read: the items found and the keys it left
/// unprocessed), asking again for the keys left, after a pause that grows from `pause`,
/// up to [`BATCH_READ_TRIES`] reads in all; keys still left then fail the read.
pub async fn read_in_rounds<F, Fut>(
    keys: Vec<Item>,
    pause: std::time::Duration,
    mut read: F,
) -> Result<Vec<Item>, StoreError>
where
    F: FnMut(Vec<Item>) -> Fut,
    Fut: std::future::Future<Output = Result<(Vec<Item>, Vec<Item>), StoreError>>,
{
    let mut found = Vec::new();
    let mut left = keys;
    for attempt in 0..BATCH_READ_TRIES {
        if attempt > 0 {
            let base = pause * 2u32.pow(attempt - 1);
            let jitter = rand::random_range(0..=base.as_millis() as u64 / 2);
            tokio::time::sleep(base + std::time::Duration::from_millis(jitter)).await;
        }
        let (items, unprocessed) = read(left).await?;
        found.extend(items);
        if unprocessed.is_empty() {
            return Ok(found);
        }
        left = unprocessed;
    }
    Err(StoreError::Sdk(format!(
        "batch read left {} keys unprocessed after {BATCH_READ_TRIES} tries",
        left.len()
    )))
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A condition failed: in a transaction, `index` names the failing item.
    #[error("condition failed (item {index:?})")]
    ConditionFailed { index: Option<usize> },
    /// Another transaction was writing the same item at the same moment (DynamoDB cancels
    /// one of them); `index` names the contended item. Retrying may succeed.
    #[error("transaction conflict (item {index:?})")]
    TransactionConflict { index: Option<usize> },
    #[error("item mapping: {0}")]
    Mapping(#[from] serde_dynamo::Error),
    #[error("dynamodb: {0}")]
    Sdk(String),
}

/// An SDK error with its whole chain of causes, for logs and internal error messages.
pub fn describe(e: impl std::error::Error) -> String {
    aws_smithy_types::error::display::DisplayErrorContext(e).to_string()
}

impl StoreError {
    pub fn sdk<E: std::error::Error>(e: E) -> Self {
        StoreError::Sdk(describe(e))
    }
}

/// The partition a signed-in partner user may reach. Built only from a verified principal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerScope(PartnerId);

impl PartnerScope {
    pub fn new(partner: PartnerId) -> Self {
        PartnerScope(partner)
    }

    pub fn partner_id(&self) -> &PartnerId {
        &self.0
    }

    /// The partition key of everything this partner owns.
    pub fn pk(&self) -> String {
        keys::partner_pk(&self.0)
    }
}

/// Key builders: the one place item keys are spelled.
pub mod keys {
    use super::*;

    pub fn partner_pk(p: &PartnerId) -> String {
        format!("PARTNER#{p}")
    }
    pub const PARTNER_SK: &str = "PARTNER";
    pub fn user_sk(u: &UserId) -> String {
        format!("USER#{u}")
    }
    pub fn email_pk(e: &EmailAddress) -> String {
        format!("EMAIL#{e}")
    }
    pub const EMAIL_SK: &str = "EMAIL";
    pub fn serial_pk(s: &domain::serial::Serial) -> String {
        format!("SERIAL#{}", s.as_str())
    }
    pub const SERIAL_SK: &str = "SERIAL";
}

/// An item's keys and index attributes, stored beside its data.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Keys {
    pub pk: String,
    pub sk: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gsi1pk: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gsi1sk: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gsi2pk: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gsi2sk: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gsi3pk: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gsi3sk: Option<String>,
    /// Epoch seconds after which DynamoDB deletes the item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl: Option<i64>,
}

impl Keys {
    pub fn new(pk: impl Into<String>, sk: impl Into<String>) -> Self {
        Keys {
            pk: pk.into(),
            sk: sk.into(),
            ..Keys::default()
        }
    }

    pub fn gsi1(mut self, pk: impl Into<String>, sk: impl Into<String>) -> Self {
        self.gsi1pk = Some(pk.into());
        self.gsi1sk = Some(sk.into());
        self
    }

    pub fn gsi2(mut self, pk: impl Into<String>, sk: impl Into<String>) -> Self {
        self.gsi2pk = Some(pk.into());
        self.gsi2sk = Some(sk.into());
        self
    }

    pub fn gsi3(mut self, pk: impl Into<String>, sk: impl Into<String>) -> Self {
        self.gsi3pk = Some(pk.into());
        self.gsi3sk = Some(sk.into());
        self
    }

    pub fn ttl(mut self, epoch_secs: i64) -> Self {
        self.ttl = Some(epoch_secs);
        self
    }

    pub fn key(&self) -> Item {
        HashMap::from([
            ("pk".to_string(), AttributeValue::S(self.pk.clone())),
            ("sk".to_string(), AttributeValue::S(self.sk.clone())),
        ])
    }
}

#[derive(Serialize, Deserialize)]
struct Stored<T> {
    #[serde(flatten)]
    keys: Keys,
    kind: String,
    #[serde(flatten)]
    data: T,
}

/// Maps a value and its keys to an item; `kind` names the item type in the table.
pub fn to_item<T: Serialize>(keys: Keys, kind: &str, data: &T) -> Result<Item, StoreError> {
    Ok(serde_dynamo::to_item(Stored {
        keys,
        kind: kind.to_string(),
        data,
    })?)
}

/// Maps an item back to its value, ignoring keys and index attributes.
pub fn from_item<T: DeserializeOwned>(item: Item) -> Result<T, StoreError> {
    let stored: Stored<T> = serde_dynamo::from_item(item)?;
    Ok(stored.data)
}

/// A conditional create for a transaction: fails if the key already exists.
pub fn put_new(table: &str, item: Item) -> Result<TransactWriteItem, StoreError> {
    let put = Put::builder()
        .table_name(table)
        .set_item(Some(item))
        .condition_expression("attribute_not_exists(pk)")
        .build()
        .map_err(StoreError::sdk)?;
    Ok(TransactWriteItem::builder().put(put).build())
}

/// A replacement for a transaction, only while the stored item has `version` (the new
/// item carries the next one).
pub fn put_if_version(
    table: &str,
    item: Item,
    version: u64,
) -> Result<TransactWriteItem, StoreError> {
    let put = Put::builder()
        .table_name(table)
        .set_item(Some(item))
        .condition_expression("version = :expected")
        .expression_attribute_values(":expected", AttributeValue::N(version.to_string()))
        .build()
        .map_err(StoreError::sdk)?;
    Ok(TransactWriteItem::builder().put(put).build())
}

/// A delete for a transaction, only while the stored item has `version`.
pub fn delete_if_version(
    table: &str,
    keys: &Keys,
    version: u64,
) -> Result<TransactWriteItem, StoreError> {
    let delete = aws_sdk_dynamodb::types::Delete::builder()
        .table_name(table)
        .set_key(Some(keys.key()))
        .condition_expression("version = :expected")
        .expression_attribute_values(":expected", AttributeValue::N(version.to_string()))
        .build()
        .map_err(StoreError::sdk)?;
    Ok(TransactWriteItem::builder().delete(delete).build())
}

/// An unconditional delete for a transaction.
pub fn delete_item(table: &str, keys: &Keys) -> Result<TransactWriteItem, StoreError> {
    let delete = aws_sdk_dynamodb::types::Delete::builder()
        .table_name(table)
        .set_key(Some(keys.key()))
        .build()
        .map_err(StoreError::sdk)?;
    Ok(TransactWriteItem::builder().delete(delete).build())
}

/// A string attribute.
pub(crate) fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

/// A number attribute.
pub(crate) fn n(v: u64) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

/// The table, and the client that reaches it.
#[derive(Debug, Clone)]
pub struct Table {
    pub client: Client,
    pub name: String,
}

impl Table {
    pub fn new(client: Client, name: impl Into<String>) -> Self {
        Table {
            client,
            name: name.into(),
        }
    }

    /// A strongly consistent read of one item.
    pub async fn get<T: DeserializeOwned>(
        &self,
        pk: &str,
        sk: &str,
    ) -> Result<Option<T>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.name)
            .set_key(Some(Keys::new(pk, sk).key()))
            .consistent_read(true)
            .send()
            .await
            .map_err(StoreError::sdk)?;
        out.item.map(from_item).transpose()
    }

    /// One item as stored, with its keys and every attribute (a consistent read).
    pub async fn get_item(&self, pk: &str, sk: &str) -> Result<Option<Item>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.name)
            .set_key(Some(Keys::new(pk, sk).key()))
            .consistent_read(true)
            .send()
            .await
            .map_err(StoreError::sdk)?;
        Ok(out.item)
    }

    /// Every item of a partition whose sort key starts with `prefix` (any, when empty), in
    /// sort-key order (every page of one Query).
    pub async fn partition_items(&self, pk: &str, prefix: &str) -> Result<Vec<Item>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.name)
            .expression_attribute_values(":pk", AttributeValue::S(pk.to_string()));
        let query = if prefix.is_empty() {
            query.key_condition_expression("pk = :pk")
        } else {
            query
                .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
                .expression_attribute_values(":prefix", AttributeValue::S(prefix.to_string()))
        };
        self.every_item(query.consistent_read(true)).await
    }

    /// Every item `query` finds, reading one page after another.
    pub(crate) async fn every_item(
        &self,
        query: aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder,
    ) -> Result<Vec<Item>, StoreError> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let out = query
                .clone()
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(StoreError::sdk)?;
            items.extend(out.items.unwrap_or_default());
            start = out.last_evaluated_key;
            if start.is_none() {
                return Ok(items);
            }
        }
    }

    /// Reads several items in one round trip; missing items are absent from the result.
    /// Keys DynamoDB leaves unprocessed (throttling, a large answer) are asked for again
    /// after a short pause, a few times, before the read fails.
    pub async fn get_many(&self, keys: &[Keys]) -> Result<Vec<Item>, StoreError> {
        use aws_sdk_dynamodb::types::KeysAndAttributes;
        let keys = keys.iter().map(Keys::key).collect();
        read_in_rounds(keys, BATCH_READ_PAUSE, |keys| async move {
            let request = KeysAndAttributes::builder()
                .set_keys(Some(keys))
                .consistent_read(true)
                .build()
                .map_err(StoreError::sdk)?;
            let out = self
                .client
                .batch_get_item()
                .request_items(&self.name, request)
                .send()
                .await
                .map_err(StoreError::sdk)?;
            let left = out
                .unprocessed_keys
                .and_then(|mut u| u.remove(&self.name))
                .map(|k| k.keys)
                .unwrap_or_default();
            let found = out
                .responses
                .and_then(|mut r| r.remove(&self.name))
                .unwrap_or_default();
            Ok((found, left))
        })
        .await
    }

    /// Writes an item unconditionally.
    pub async fn put(&self, item: Item) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(&self.name)
            .set_item(Some(item))
            .send()
            .await
            .map_err(StoreError::sdk)?;
        Ok(())
    }

    /// Deletes the item at `keys` with its audit record, in one transaction;
    /// `ConditionFailed { index: Some(0) }` when there is no such item.
    pub async fn delete_audited(
        &self,
        keys: &Keys,
        audit: &domain::audit::AuditRecord,
    ) -> Result<(), StoreError> {
        let delete = aws_sdk_dynamodb::types::Delete::builder()
            .table_name(&self.name)
            .set_key(Some(keys.key()))
            .condition_expression("attribute_exists(pk)")
            .build()
            .map_err(StoreError::sdk)?;
        self.transact(vec![
            TransactWriteItem::builder().delete(delete).build(),
            put_new(&self.name, audit::item(audit)?)?,
        ])
        .await
    }

    /// All-or-nothing writes. A failed condition names the item that failed.
    pub async fn transact(&self, items: Vec<TransactWriteItem>) -> Result<(), StoreError> {
        match self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(e)) => match e.into_err() {
                TransactWriteItemsError::TransactionCanceledException(c) => {
                    let reasons = c.cancellation_reasons();
                    let find = |code: &str| reasons.iter().position(|r| r.code() == Some(code));
                    if let Some(i) = find("ConditionalCheckFailed") {
                        Err(StoreError::ConditionFailed { index: Some(i) })
                    } else if let Some(i) = find("TransactionConflict") {
                        Err(StoreError::TransactionConflict { index: Some(i) })
                    } else {
                        Err(StoreError::sdk(c))
                    }
                }
                other => Err(StoreError::sdk(other)),
            },
            Err(e) => Err(StoreError::sdk(e)),
        }
    }

    /// One page of a partition (or an index partition), items whose sort key starts with
    /// `prefix` (or lies in `range`), newest first when `newest_first`. `start` continues
    /// from a previous page.
    pub async fn query_page<T: DeserializeOwned>(
        &self,
        query: PageQuery<'_>,
    ) -> Result<Page<T>, StoreError> {
        let (pk_name, sk_name) = match query.index {
            Some("gsi2") => ("gsi2pk", "gsi2sk"),
            Some("gsi3") => ("gsi3pk", "gsi3sk"),
            Some(_) => ("gsi1pk", "gsi1sk"),
            None => ("pk", "sk"),
        };
        let mut request = self.client.query();
        if let Some(filter) = query.filter {
            request = request
                .filter_expression(filter.expression)
                .set_expression_attribute_values(Some(filter.values));
            if !filter.names.is_empty() {
                request = request.set_expression_attribute_names(Some(filter.names));
            }
        }
        let request = match &query.range {
            Some((low, high)) => request
                .key_condition_expression(format!(
                    "{pk_name} = :pk AND {sk_name} BETWEEN :low AND :high"
                ))
                .expression_attribute_values(":low", AttributeValue::S(low.clone()))
                .expression_attribute_values(":high", AttributeValue::S(high.clone())),
            None => request
                .key_condition_expression(format!(
                    "{pk_name} = :pk AND begins_with({sk_name}, :prefix)"
                ))
                .expression_attribute_values(
                    ":prefix",
                    AttributeValue::S(query.prefix.to_string()),
                ),
        };
        let out = request
            .table_name(&self.name)
            .set_index_name(query.index.map(str::to_string))
            .expression_attribute_values(":pk", AttributeValue::S(query.pk.to_string()))
            .scan_index_forward(!query.newest_first)
            .limit(query.limit)
            .set_exclusive_start_key(query.start)
            .send()
            .await
            .map_err(StoreError::sdk)?;
        let items = out
            .items
            .unwrap_or_default()
            .into_iter()
            .map(from_item)
            .collect::<Result<Vec<T>, _>>()?;
        Ok(Page {
            items,
            next: out.last_evaluated_key,
        })
    }
}

/// What [`Table::query_page`] reads.
#[derive(Debug, Clone)]
pub struct PageQuery<'a> {
    /// `Some("gsi1")` to read the overloaded index instead of the table.
    pub index: Option<&'a str>,
    pub pk: &'a str,
    pub prefix: &'a str,
    pub limit: i32,
    pub newest_first: bool,
    pub start: Option<Item>,
    /// Applied after the key condition (DynamoDB reads `limit` items, then filters).
    pub filter: Option<Filter>,
    /// Sort keys between these two (inclusive) instead of `prefix`.
    pub range: Option<(String, String)>,
}

/// A filter expression with its values (and names, for reserved words); value names
/// must not be `:pk` or `:prefix`.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub expression: String,
    pub values: Item,
    pub names: HashMap<String, String>,
}

/// A page of items and where the next one starts.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<Item>,
}
