//! What the scheduler tick reads and writes: a sparse "due" index of everything that
//! changes with time (live trials end, paid subscriptions renew, pending requests
//! expire), a sharded index of live entitlements for the daily usage snapshot, and the
//! usage items themselves (the source of billing).
//!
//! `gsi2pk = DUE`, `gsi2sk = <due time>#…` on trials, paid subscriptions, pending
//! requests, unsettled report schedules and unconfirmed sign-ups: the tick asks for everything due up to now in one Query per page.
//! `gsi1pk = LIVE#<shard>` on live entitlements.

use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{
    consent::RequestRecord, customers::customer_pk, from_item, put_new, to_item, Item, Keys,
    StoreError, Table,
};
use domain::{entitlement::Entitlement, CustomerId};

/// Spreads live entitlements over this many index partitions.
pub const LIVE_SHARDS: u32 = 8;
pub const DUE_PK: &str = "DUE";

/// The sort-key spelling of a time: fixed width, so text order is time order.
pub fn time_key(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// The live-entitlement shard of a customer.
pub fn live_shard(customer: &CustomerId) -> u32 {
    customer
        .as_str()
        .bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)))
        % LIVE_SHARDS
}

pub use domain::report::data::DailyUsage;

fn usage_keys(u: &DailyUsage) -> Keys {
    Keys::new(
        customer_pk(&u.customer_id),
        format!("USAGE#{}#{}", u.day, u.product),
    )
    .gsi1(
        format!("USAGE#{}", u.partner_id),
        format!("{}#{}#{}", u.day, u.customer_id, u.product),
    )
}

/// Marks a day's usage as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UsageDay {
    day: NaiveDate,
    entitlements: usize,
}

fn usage_day_keys(day: NaiveDate) -> Keys {
    Keys::new("SCHEDULE#USAGE", format!("DAY#{day}"))
}

/// What is due: entitlements (by customer), requests, delivery retries and alerts whose
/// notification never finished.
#[derive(Debug, Default)]
pub struct Due {
    pub customers: Vec<CustomerId>,
    pub requests: Vec<RequestRecord>,
    /// Alert deliveries waiting for a retry.
    pub deliveries: Vec<super::alerts::Delivery>,
    /// New alerts the notifier has not finished with.
    pub notifications: Vec<super::alerts::PendingNotification>,
    /// Report schedules left pending or deleting by a failure.
    pub schedules: Vec<super::report_plans::StoredSchedule>,
    /// Partners to give their automatic reports.
    pub automatic: Vec<super::report_plans::AutomaticReports>,
    /// Sign-ups whose email was not confirmed in time.
    pub unverified: Vec<super::account_links::UnverifiedSignUp>,
}

impl Table {
    async fn query_all(
        &self,
        index: &str,
        condition: &str,
        values: Item,
    ) -> Result<Vec<Item>, StoreError> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let out = self
                .client
                .query()
                .table_name(&self.name)
                .index_name(index)
                .key_condition_expression(condition)
                .set_expression_attribute_values(Some(values.clone()))
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

    /// Everything due at or before `now`.
    pub async fn due(&self, now: DateTime<Utc>) -> Result<Due, StoreError> {
        let values = Item::from([
            (":due".to_string(), AttributeValue::S(DUE_PK.into())),
            (
                ":upper".to_string(),
                AttributeValue::S(format!("{}~", time_key(now))),
            ),
        ]);
        let mut due = Due::default();
        for item in self
            .query_all("gsi2", "gsi2pk = :due AND gsi2sk < :upper", values)
            .await?
        {
            match item
                .get("kind")
                .and_then(|k| k.as_s().ok())
                .map(String::as_str)
            {
                Some("Entitlement") => {
                    let e: Entitlement = from_item(item)?;
                    if !due.customers.contains(&e.customer_id) {
                        due.customers.push(e.customer_id);
                    }
                }
                Some("ConsentRequest") => due.requests.push(from_item(item)?),
                Some("Delivery") => due.deliveries.push(from_item(item)?),
                Some("PendingNotification") => due.notifications.push(from_item(item)?),
                Some("ReportSchedule") => due.schedules.push(from_item(item)?),
                Some("AutomaticReports") => due.automatic.push(from_item(item)?),
                Some("UnverifiedSignUp") => due.unverified.push(from_item(item)?),
                _ => {}
            }
        }
        Ok(due)
    }

    /// Every live entitlement (index reads, one shard after another).
    pub async fn live_entitlements(&self) -> Result<Vec<Entitlement>, StoreError> {
        let mut all = Vec::new();
        for shard in 0..LIVE_SHARDS {
            let values = Item::from([(
                ":live".to_string(),
                AttributeValue::S(format!("LIVE#{shard}")),
            )]);
            for item in self.query_all("gsi1", "gsi1pk = :live", values).await? {
                all.push(from_item(item)?);
            }
        }
        Ok(all)
    }

    /// Whether `day`'s usage has been recorded.
    pub async fn usage_recorded(&self, day: NaiveDate) -> Result<bool, StoreError> {
        let k = usage_day_keys(day);
        Ok(self.get::<UsageDay>(&k.pk, &k.sk).await?.is_some())
    }

    /// Records a day's usage: the items (25 per transaction, each one idempotent), then
    /// the day's marker.
    pub async fn record_usage(
        &self,
        day: NaiveDate,
        usage: &[DailyUsage],
    ) -> Result<(), StoreError> {
        for chunk in usage.chunks(25) {
            let mut items = Vec::with_capacity(chunk.len());
            for u in chunk {
                let put = Put::builder()
                    .table_name(&self.name)
                    .set_item(Some(to_item(usage_keys(u), "DailyUsage", u)?))
                    .build()
                    .map_err(StoreError::sdk)?;
                items.push(TransactWriteItem::builder().put(put).build());
            }
            self.transact(items).await?;
        }
        let marker = UsageDay {
            day,
            entitlements: usage.len(),
        };
        match self
            .transact(vec![put_new(
                &self.name,
                to_item(usage_day_keys(day), "UsageDay", &marker)?,
            )?])
            .await
        {
            Ok(()) | Err(StoreError::ConditionFailed { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }
}
