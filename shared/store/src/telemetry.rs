//! Endpoint telemetry in the table: ingestion keys, computers, raw events, and the
//! aggregates every page reads (see `docs/data-model.md`, "Telemetry").
//!
//! A customer's fleet is its own partition, `FLEET#<customerId>`: the current counters
//! (`CURRENT`), day and hour buckets (`BUCKET#D#<day>`, `BUCKET#H#<hour>`), computers
//! (`COMPUTER#<id>`) and events (`EVENT#<time>#<id>`, expiring by TTL). The partner's
//! sums are `FLEETS#<partnerId>`: `CURRENT`, the same buckets, and one `RISK#<risk>#<customer>`
//! item per risk and customer (the spread of a risk across customers).
//!
//! Ingestion writes records and the aggregates they change in the same transactions,
//! so a figure never counts a record that is not stored, nor misses one that is.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, TransactWriteItem, Update};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::{
    customers::account_key, from_item, n, put_new, s, schedule::time_key, to_item, Item, Keys,
    Page, PageQuery, StoreError, Table,
};
use domain::{
    audit::AuditRecord,
    customer::Customer,
    telemetry::{
        self, counter, plan_chunks, AgentVersion, Bucket, Buckets, Computer, ComputerReport,
        Deltas, EventDetail, EventReport, RiskAction, Tally,
    },
    CustomerId, PartnerId,
};

mod ingest;

/// An `Update` that adds `tally` to an item's counters and sets `set`.
struct Adding<'a> {
    keys: Keys,
    kind: &'a str,
    tally: &'a Tally,
    set: Vec<(&'a str, AttributeValue)>,
    /// Set only where the item has no such attribute yet.
    set_if_missing: Vec<(&'a str, AttributeValue)>,
    remove: Vec<&'a str>,
    condition: Option<(String, Vec<(&'a str, AttributeValue)>)>,
}

impl Adding<'_> {
    fn build(self, table: &str) -> Result<TransactWriteItem, StoreError> {
        let mut names = HashMap::new();
        let mut values = HashMap::new();
        let mut add = Vec::new();
        for (i, (name, v)) in self.tally.iter().enumerate() {
            names.insert(format!("#c{i}"), name.to_string());
            values.insert(format!(":c{i}"), AttributeValue::N(v.to_string()));
            add.push(format!("#c{i} :c{i}"));
        }
        let mut set = vec!["#kind = :kind".to_string()];
        names.insert("#kind".into(), "kind".into());
        values.insert(":kind".into(), s(self.kind));
        for (i, (name, v)) in self.set.into_iter().enumerate() {
            names.insert(format!("#s{i}"), name.to_string());
            values.insert(format!(":s{i}"), v);
            set.push(format!("#s{i} = :s{i}"));
        }
        for (i, (name, v)) in self.set_if_missing.into_iter().enumerate() {
            names.insert(format!("#m{i}"), name.to_string());
            values.insert(format!(":m{i}"), v);
            set.push(format!("#m{i} = if_not_exists(#m{i}, :m{i})"));
        }
        let mut expression = format!("SET {}", set.join(", "));
        if !add.is_empty() {
            expression.push_str(&format!(" ADD {}", add.join(", ")));
        }
        if !self.remove.is_empty() {
            let mut rm = Vec::new();
            for (i, name) in self.remove.into_iter().enumerate() {
                names.insert(format!("#r{i}"), name.to_string());
                rm.push(format!("#r{i}"));
            }
            expression.push_str(&format!(" REMOVE {}", rm.join(", ")));
        }
        let mut update = Update::builder()
            .table_name(table)
            .set_key(Some(self.keys.key()))
            .update_expression(expression);
        if let Some((condition, condition_values)) = self.condition {
            update = update.condition_expression(condition);
            for (k, v) in condition_values {
                values.insert(k.to_string(), v);
            }
        }
        let update = update
            .set_expression_attribute_names(Some(names))
            .set_expression_attribute_values(Some(values))
            .build()
            .map_err(StoreError::sdk)?;
        Ok(TransactWriteItem::builder().update(update).build())
    }
}

/// DynamoDB's largest transaction.
const TRANSACTION_ITEMS: usize = 100;
/// Keys per BatchGetItem.
const BATCH_READ: usize = 100;
/// How often a batch is tried again when another writer changed the same fleet.
const TRIES: usize = 5;
/// Hour buckets outlive the hourly series by this much, then expire.
const HOUR_BUCKET_DAYS: i64 = 3;
/// Day buckets are kept this long (the longest range is three months).
const DAY_BUCKET_DAYS: i64 = 400;
/// The prefix of an ingestion key, so that one is recognisable in a log or a diff.
pub const KEY_PREFIX: &str = "pcik_";

pub fn fleet_pk(c: &CustomerId) -> String {
    format!("FLEET#{c}")
}
fn fleets_pk(p: &PartnerId) -> String {
    format!("FLEETS#{p}")
}
const CURRENT: &str = "CURRENT";
const PORTFOLIO: &str = "PORTFOLIO";
fn bucket_sk(b: &Bucket) -> String {
    match b {
        Bucket::Current => CURRENT.to_string(),
        Bucket::Day(d) => format!("BUCKET#D#{d}"),
        Bucket::Hour(h) => format!("BUCKET#H#{h}"),
    }
}
fn computer_sk(id: &str) -> String {
    format!("COMPUTER#{id}")
}
fn event_sk(e: &EventReport) -> String {
    format!("EVENT#{}#{}", time_key(e.occurred_at), e.id)
}
fn risk_sk(risk: &str, c: &CustomerId) -> String {
    format!("RISK#{risk}#{c}")
}
fn key_keys(hash: &str) -> Keys {
    Keys::new(format!("INGESTKEY#{hash}"), "INGESTKEY")
}
fn seen_pk(owner: &str) -> String {
    format!("SEEN#{owner}")
}

/// A new ingestion key: `pcik_` and 256 random bits.
pub fn generate_key() -> String {
    format!("{KEY_PREFIX}{}", domain::token::generate())
}

/// What is stored of a key; `None` for text that cannot be one.
pub fn key_hash(key: &str) -> Option<String> {
    domain::token::hash(key.trim().strip_prefix(KEY_PREFIX)?)
}

/// A key's guard: finds the customer from the key's hash.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct KeyGuard {
    customer_id: CustomerId,
    created_at: DateTime<Utc>,
}

/// A customer's fleet: its current counters and bookkeeping.
#[derive(Debug, Clone, Default)]
pub struct FleetState {
    pub customer_id: Option<CustomerId>,
    pub tally: Tally,
    /// Changes with every computer report that changes something.
    pub version: u64,
    pub key_hash: Option<String>,
    pub key_created_at: Option<DateTime<Utc>>,
    pub last_report_at: Option<DateTime<Utc>>,
    pub last_unresolved_at: Option<DateTime<Utc>>,
    /// Whether the item exists at all (customers created before telemetry have none).
    pub exists: bool,
}

fn time_attr(item: &Item, name: &str) -> Option<DateTime<Utc>> {
    item.get(name)
        .and_then(|v| v.as_s().ok())
        .and_then(|v| DateTime::parse_from_rfc3339(v).ok())
        .map(|t| t.with_timezone(&Utc))
}

fn str_attr<'a>(item: &'a Item, name: &str) -> Option<&'a str> {
    item.get(name)
        .and_then(|v| v.as_s().ok())
        .map(String::as_str)
}

/// The counters among an item's attributes: every number but its version and expiry.
pub fn tally_of(item: &Item) -> Tally {
    item.iter()
        .filter(|(k, _)| !matches!(k.as_str(), "version" | "ttl"))
        .filter_map(|(k, v)| Some((k.clone(), v.as_n().ok()?.parse::<i64>().ok()?)))
        .collect()
}

impl FleetState {
    fn of(item: &Item) -> Self {
        FleetState {
            customer_id: str_attr(item, "customerId").and_then(|c| CustomerId::parse(c).ok()),
            tally: tally_of(item),
            version: item
                .get("version")
                .and_then(|v| v.as_n().ok())
                .and_then(|v| v.parse().ok())
                .unwrap_or(0),
            key_hash: str_attr(item, "keyHash").map(str::to_string),
            key_created_at: time_attr(item, "keyCreatedAt"),
            last_report_at: time_attr(item, "lastReportAt"),
            last_unresolved_at: time_attr(item, "lastUnresolvedAt"),
            exists: true,
        }
    }
}

/// The customer a key reports for, and its fleet as it was read.
#[derive(Debug, Clone)]
pub struct Source {
    pub customer: Customer,
    pub fleet: FleetState,
    pub key_hash: String,
}

/// A partner's summed counters.
#[derive(Debug, Clone, Default)]
pub struct PartnerTotals {
    pub fleet: Tally,
    pub portfolio: Tally,
}

/// What an ingestion did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ingested {
    /// Records written (new or changed).
    pub accepted: usize,
    /// Records already stored exactly so (replays).
    pub unchanged: usize,
    /// The customer's counters after the batch (computer reports).
    pub fleet: Tally,
    /// The events this batch stored (not replays).
    pub stored: Vec<EventReport>,
}

/// A computer as stored, with the owners the offline lists need.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ComputerRecord {
    #[serde(flatten)]
    pub computer: Computer,
    pub customer_id: CustomerId,
    pub partner_id: PartnerId,
}

/// An event as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventRecord {
    pub event: EventReport,
    pub customer_id: CustomerId,
    pub received_at: DateTime<Utc>,
}

/// One customer's share of a risk.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RiskSpread {
    pub risk: String,
    pub customer_id: CustomerId,
    pub detections: i64,
    pub last_detected: DateTime<Utc>,
}

/// The items of a new customer's ingestion key: its guard and the fleet's first item.
pub fn ingestion_key_items(
    table: &str,
    customer: &CustomerId,
    hash: &str,
    at: DateTime<Utc>,
) -> Result<Vec<TransactWriteItem>, StoreError> {
    let guard = to_item(
        key_keys(hash),
        "IngestionKey",
        &KeyGuard {
            customer_id: customer.clone(),
            created_at: at,
        },
    )?;
    let mut fleet = Keys::new(fleet_pk(customer), CURRENT).key();
    fleet.insert("kind".into(), s("Fleet"));
    fleet.insert("customerId".into(), s(customer.as_str()));
    fleet.insert("keyHash".into(), s(hash));
    fleet.insert("keyCreatedAt".into(), s(at.to_rfc3339()));
    fleet.insert("version".into(), n(0));
    Ok(vec![put_new(table, guard)?, put_new(table, fleet)?])
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// Other writers kept changing the same fleet: the caller may send the batch again.
    #[error("the fleet kept changing meanwhile")]
    Busy,
    /// The key's customer was removed or moved meanwhile.
    #[error("the key's customer is gone")]
    Gone,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Table {
    /// The customer an ingestion key belongs to, with its fleet; `None` for an unknown,
    /// rotated or orphaned key.
    pub async fn ingestion_source(&self, hash: &str) -> Result<Option<Source>, StoreError> {
        let k = key_keys(hash);
        let Some(guard) = self.get::<KeyGuard>(&k.pk, &k.sk).await? else {
            return Ok(None);
        };
        let fleet_key = Keys::new(fleet_pk(&guard.customer_id), CURRENT);
        let items = self
            .get_many(&[account_key(&guard.customer_id), fleet_key])
            .await?;
        let mut customer = None;
        let mut fleet = None;
        for item in items {
            match str_attr(&item, "kind") {
                Some("Customer") => customer = Some(from_item::<Customer>(item)?),
                Some("Fleet") => fleet = Some(FleetState::of(&item)),
                _ => {}
            }
        }
        Ok(match (customer, fleet) {
            (Some(customer), Some(fleet)) if fleet.key_hash.as_deref() == Some(hash) => {
                Some(Source {
                    customer,
                    fleet,
                    key_hash: hash.to_string(),
                })
            }
            _ => None,
        })
    }

    /// A customer's fleet (default when none reports yet).
    pub async fn fleet(&self, customer: &CustomerId) -> Result<FleetState, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.name)
            .set_key(Some(Keys::new(fleet_pk(customer), CURRENT).key()))
            .consistent_read(true)
            .send()
            .await
            .map_err(StoreError::sdk)?;
        Ok(out.item.as_ref().map(FleetState::of).unwrap_or_default())
    }

    /// The current counters of several customers' fleets (absent ones are left out).
    pub async fn fleets(&self, customers: &[CustomerId]) -> Result<Vec<FleetState>, StoreError> {
        let mut all = Vec::new();
        for chunk in customers.chunks(BATCH_READ) {
            let keys: Vec<Keys> = chunk
                .iter()
                .map(|c| Keys::new(fleet_pk(c), CURRENT))
                .collect();
            all.extend(self.get_many(&keys).await?.iter().map(FleetState::of));
        }
        Ok(all)
    }

    /// The partner's sums, in one BatchGetItem: its fleets' current counters and its
    /// portfolio (customers by management type, trials and subscriptions by product).
    pub async fn partner_totals(&self, partner: &PartnerId) -> Result<PartnerTotals, StoreError> {
        let items = self
            .get_many(&[
                Keys::new(fleets_pk(partner), CURRENT),
                Keys::new(fleets_pk(partner), PORTFOLIO),
            ])
            .await?;
        let mut totals = PartnerTotals::default();
        for item in &items {
            match str_attr(item, "sk") {
                Some(CURRENT) => totals.fleet = tally_of(item),
                Some(PORTFOLIO) => totals.portfolio = tally_of(item),
                _ => {}
            }
        }
        Ok(totals)
    }

    /// The day buckets of the last three months and the hour buckets of the last day, in
    /// one Query of the `BUCKET#` range (pages only if the buckets outgrow 1 MB).
    async fn buckets(&self, pk: String, now: DateTime<Utc>) -> Result<Buckets, StoreError> {
        let first_day = telemetry::day_of(telemetry::Range::Quarter.from(now));
        let first_hour = telemetry::hour_of(telemetry::Range::Day.from(now));
        let mut out = Buckets::default();
        for item in self
            .range_items(
                &pk,
                &bucket_sk(&Bucket::Day(first_day)),
                &bucket_sk(&Bucket::Hour("~".into())),
            )
            .await?
        {
            let Some(sk) = str_attr(&item, "sk") else {
                continue;
            };
            if let Some(day) = sk.strip_prefix("BUCKET#D#") {
                out.daily.insert(day.to_string(), tally_of(&item));
            } else if let Some(hour) = sk.strip_prefix("BUCKET#H#") {
                if hour >= first_hour.as_str() {
                    out.hourly.insert(hour.to_string(), tally_of(&item));
                }
            }
        }
        Ok(out)
    }

    pub async fn customer_buckets(
        &self,
        customer: &CustomerId,
        now: DateTime<Utc>,
    ) -> Result<Buckets, StoreError> {
        self.buckets(fleet_pk(customer), now).await
    }

    pub async fn partner_buckets(
        &self,
        partner: &PartnerId,
        now: DateTime<Utc>,
    ) -> Result<Buckets, StoreError> {
        self.buckets(fleets_pk(partner), now).await
    }

    /// Every item of `pk` with a sort key between `low` and `high`.
    async fn range_items(&self, pk: &str, low: &str, high: &str) -> Result<Vec<Item>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.name)
            .key_condition_expression("pk = :pk AND sk BETWEEN :low AND :high")
            .expression_attribute_values(":pk", s(pk))
            .expression_attribute_values(":low", s(low))
            .expression_attribute_values(":high", s(high));
        self.every_item(query).await
    }

    /// The customers a risk was detected at, most detections first (one Query).
    pub async fn risk_spread(
        &self,
        partner: &PartnerId,
        risk: &str,
    ) -> Result<Vec<RiskSpread>, StoreError> {
        let mut spread: Vec<RiskSpread> = self
            .partition_items(&fleets_pk(partner), &format!("RISK#{risk}#"))
            .await?
            .into_iter()
            .map(from_item)
            .collect::<Result<_, _>>()?;
        spread.sort_by_key(|r| std::cmp::Reverse(r.detections));
        Ok(spread)
    }

    /// One page of computers last seen before `before`, longest offline first: of one
    /// customer, or of all of a partner's customers.
    pub async fn offline_computers(
        &self,
        owner: OfflineOwner<'_>,
        before: DateTime<Utc>,
        limit: i32,
        start: Option<Item>,
    ) -> Result<Page<ComputerRecord>, StoreError> {
        let (index, pk) = Table::offline_partition(owner);
        self.query_page(PageQuery {
            index: Some(index),
            pk: &pk,
            prefix: "",
            limit,
            newest_first: false,
            start,
            filter: None,
            range: Some(("0".into(), time_key(before))),
        })
        .await
    }

    /// The index, and its partition, that lists `owner`'s computers by last check-in (what
    /// an offline-computers cursor must belong to).
    pub fn offline_partition(owner: OfflineOwner<'_>) -> (&'static str, String) {
        match owner {
            OfflineOwner::Customer(c) => ("gsi1", seen_pk(c.as_str())),
            OfflineOwner::Partner(p) => ("gsi2", seen_pk(p.as_str())),
        }
    }

    /// Replaces a customer's ingestion key: the old one stops working at once.
    pub async fn rotate_ingestion_key(
        &self,
        customer: &CustomerId,
        old_hash: Option<&str>,
        new_hash: &str,
        at: DateTime<Utc>,
        audit: &AuditRecord,
    ) -> Result<(), StoreError> {
        let mut items = ingestion_key_items(&self.name, customer, new_hash, at)?;
        // The fleet item exists already (or not, for customers from before telemetry):
        // only its key changes.
        items[1] = Adding {
            keys: Keys::new(fleet_pk(customer), CURRENT),
            kind: "Fleet",
            tally: &Tally::new(),
            set: vec![
                ("customerId", s(customer.as_str())),
                ("keyHash", s(new_hash)),
                ("keyCreatedAt", s(at.to_rfc3339())),
            ],
            set_if_missing: vec![("version", n(0))],
            remove: vec![],
            condition: Some((
                match old_hash {
                    Some(_) => "keyHash = :old".into(),
                    None => "attribute_not_exists(keyHash)".into(),
                },
                old_hash.map(|h| (":old", s(h))).into_iter().collect(),
            )),
        }
        .build(&self.name)?;
        if let Some(old) = old_hash {
            let k = key_keys(old);
            items.push(
                TransactWriteItem::builder()
                    .delete(
                        Delete::builder()
                            .table_name(&self.name)
                            .set_key(Some(k.key()))
                            .build()
                            .map_err(StoreError::sdk)?,
                    )
                    .build(),
            );
        }
        items.push(put_new(&self.name, super::audit::item(audit)?)?);
        self.transact(items).await
    }

    /// A customer's hour buckets (`YYYY-MM-DDTHH`), those that exist.
    pub async fn customer_hours(
        &self,
        customer: &CustomerId,
        hours: &[String],
    ) -> Result<BTreeMap<String, Tally>, StoreError> {
        let keys: Vec<Keys> = hours
            .iter()
            .map(|h| Keys::new(fleet_pk(customer), bucket_sk(&Bucket::Hour(h.clone()))))
            .collect();
        let mut out = BTreeMap::new();
        for item in self.get_many(&keys).await? {
            if let Some(h) = str_attr(&item, "sk").and_then(|k| k.strip_prefix("BUCKET#H#")) {
                out.insert(h.to_string(), tally_of(&item));
            }
        }
        Ok(out)
    }

    /// The names and groups of a customer's computers, by agent id (those stored).
    pub async fn computer_names(
        &self,
        customer: &CustomerId,
        ids: &[&str],
    ) -> Result<domain::alert::ComputerNames, StoreError> {
        let mut out = domain::alert::ComputerNames::new();
        for chunk in ids.chunks(BATCH_READ) {
            let keys: Vec<Keys> = chunk
                .iter()
                .map(|id| Keys::new(fleet_pk(customer), computer_sk(id)))
                .collect();
            for item in self.get_many(&keys).await? {
                let r: ComputerRecord = from_item(item)?;
                out.insert(r.computer.id, (r.computer.name, r.computer.group));
            }
        }
        Ok(out)
    }

    /// Which of `events` are stored already, and the last detection time of each of
    /// their risks at this customer (for the spread items).
    async fn known_events(
        &self,
        customer: &CustomerId,
        partner: &PartnerId,
        events: &[&EventReport],
    ) -> Result<(BTreeSet<String>, HashMap<String, DateTime<Utc>>), StoreError> {
        let mut keys: Vec<Keys> = events
            .iter()
            .map(|e| Keys::new(fleet_pk(customer), event_sk(e)))
            .collect();
        let risks: BTreeSet<&str> = events
            .iter()
            .filter_map(|e| match &e.detail {
                EventDetail::RiskDetection { risk, .. } => Some(risk.as_str()),
                _ => None,
            })
            .collect();
        keys.extend(
            risks
                .iter()
                .map(|r| Keys::new(fleets_pk(partner), risk_sk(r, customer))),
        );
        let mut stored = BTreeSet::new();
        let mut last = HashMap::new();
        for chunk in keys.chunks(BATCH_READ) {
            for item in self.get_many(chunk).await? {
                match str_attr(&item, "kind") {
                    Some("Event") => {
                        if let Some(sk) = str_attr(&item, "sk") {
                            stored.insert(sk.to_string());
                        }
                    }
                    Some("RiskSpread") => {
                        if let (Some(r), Some(t)) =
                            (str_attr(&item, "risk"), time_attr(&item, "lastDetected"))
                        {
                            last.insert(r.to_string(), t);
                        }
                    }
                    _ => {}
                }
            }
        }
        Ok((stored, last))
    }
}

/// Which offline computers to list.
#[derive(Debug, Clone, Copy)]
pub enum OfflineOwner<'a> {
    Customer(&'a CustomerId),
    Partner(&'a PartnerId),
}

/// The account attributes ingestion sets, and nothing else writes after the account is
/// created: a customer save leaves them as they are (`customers::put_account_if`).
pub const INGESTED_ACCOUNT_ATTRIBUTES: [&str; 2] = ["seatsUsed", "requireUpdate"];

/// The customer list's telemetry columns, set absolutely from the fleet's counters:
/// seats in use (activated computers) and computers needing the latest agent
/// ([`INGESTED_ACCOUNT_ATTRIBUTES`]). The version does not move: saves compose with it.
fn account_update(
    table: &str,
    customer: &Customer,
    after: &Tally,
) -> Result<TransactWriteItem, StoreError> {
    let update = Update::builder()
        .table_name(table)
        .set_key(Some(account_key(&customer.id).key()))
        .update_expression("SET seatsUsed = :used, requireUpdate = :update")
        .condition_expression("partnerId = :partner")
        .expression_attribute_values(":used", n(after.get(counter::ACTIVATED).max(0) as u64))
        .expression_attribute_values(":update", n(after.get(counter::AGENT_UPDATE).max(0) as u64))
        .expression_attribute_values(":partner", s(customer.partner_id.as_str()))
        .build()
        .map_err(StoreError::sdk)?;
    Ok(TransactWriteItem::builder().update(update).build())
}

/// The portfolio counter updates of a customer changing from `before` to `after` (either
/// absent for a new or removed customer): the difference of their contributions, at each
/// partner concerned. Nothing when nothing counted changed.
pub fn portfolio_updates(
    table: &str,
    before: Option<&Customer>,
    after: Option<&Customer>,
) -> Result<Vec<TransactWriteItem>, StoreError> {
    use domain::customer::portfolio;
    let mut by_partner: BTreeMap<&PartnerId, Tally> = BTreeMap::new();
    if let Some(b) = before {
        by_partner
            .entry(&b.partner_id)
            .or_default()
            .subtract(&portfolio(b));
    }
    if let Some(a) = after {
        by_partner
            .entry(&a.partner_id)
            .or_default()
            .merge(&portfolio(a));
    }
    by_partner
        .into_iter()
        .filter(|(_, t)| !t.is_empty())
        .map(|(partner, t)| {
            Adding {
                keys: Keys::new(fleets_pk(partner), PORTFOLIO),
                kind: "Portfolio",
                tally: &t,
                set: vec![],
                set_if_missing: vec![],
                remove: vec![],
                condition: None,
            }
            .build(table)
        })
        .collect()
}

/// A customer moving to another partner (an approved import) takes its fleet's current
/// counters along: they leave the old partner's sums and join the new one's (`to`); a
/// removed customer's (`to` is `None`) only leave. (Past day buckets stay with the
/// partner the customer had then.)
pub fn fleet_move_updates(
    table: &str,
    fleet: &FleetState,
    from: &PartnerId,
    to: Option<&PartnerId>,
) -> Result<Vec<TransactWriteItem>, StoreError> {
    if fleet.tally.is_empty() || Some(from) == to {
        return Ok(Vec::new());
    }
    let mut minus = Tally::new();
    minus.subtract(&fleet.tally);
    [(Some(from), &minus), (to, &fleet.tally)]
        .into_iter()
        .filter_map(|(partner, t)| Some((partner?, t)))
        .map(|(partner, t)| {
            Adding {
                keys: Keys::new(fleets_pk(partner), CURRENT),
                kind: "PartnerFleet",
                tally: t,
                set: vec![],
                set_if_missing: vec![],
                remove: vec![],
                condition: None,
            }
            .build(table)
        })
        .collect()
}

/// What removing a customer does to its telemetry, in the removal's transaction: its
/// counters leave the partner's sums, its ingestion key stops (the guard goes) and its
/// fleet item goes (and with it its place among the Customer Issues). Its computers,
/// events and buckets are no longer reachable; events and buckets expire by TTL.
pub fn fleet_removal_items(
    table: &str,
    customer: &CustomerId,
    partner: &PartnerId,
    fleet: &FleetState,
) -> Result<Vec<TransactWriteItem>, StoreError> {
    let mut items = fleet_move_updates(table, fleet, partner, None)?;
    let delete = |keys: Keys| -> Result<TransactWriteItem, StoreError> {
        Ok(TransactWriteItem::builder()
            .delete(
                Delete::builder()
                    .table_name(table)
                    .set_key(Some(keys.key()))
                    .build()
                    .map_err(StoreError::sdk)?,
            )
            .build())
    };
    if fleet.exists {
        items.push(delete(Keys::new(fleet_pk(customer), CURRENT))?);
    }
    if let Some(hash) = &fleet.key_hash {
        items.push(delete(key_keys(hash))?);
    }
    Ok(items)
}
