//! Alerts, their open conditions, notification rules and deliveries.
//!
//! A partner's alerts live in `ALERTS#<partnerId>`: `ALERT#<id>` (ids sort by time, so
//! the partition reads newest first), sorted also by severity (gsi1), by the customer
//! they were delivered to (gsi2) and by subject (gsi3), so each sortable column of the
//! Alerts page is one Query per page. `OPEN#<condition>` guards an open condition: a
//! second raise of it renews the alert instead of adding one; dismissing deletes the
//! guard in the same transaction. The customer's account counts its open alerts by
//! severity (the customer list's Alerts column), moved in the same transactions.
//!
//! Rules are `PARTNER#<partnerId>` / `RULE#<ruleId>`. A rule's deliveries are
//! `RULE#<partnerId>#<ruleId>` / `DLV#<time-ordered id>#<channel>#<target hash>`: the
//! key is the same for the same alert, rule, channel and target, so a delivery is
//! claimed once however often the event arrives. A delivery waiting for a retry is in
//! the scheduler's due index (`DUE` / `<next attempt>#DLV#…`).

use aws_sdk_dynamodb::types::{AttributeValue, Delete, TransactWriteItem, Update};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{
    audit,
    customers::account_key,
    from_item,
    keys::partner_pk,
    n, put_new, s,
    schedule::{time_key, DUE_PK},
    to_item, Filter, Item, Keys, Page, PageQuery, PartnerScope, StoreError, Table,
};
use domain::{
    alert::{
        severity_rank, Alert, AlertCounts, AlertKind, AlertStatus, Channel, Raise, Rule, Severity,
    },
    audit::AuditRecord,
    role::Visibility,
    AlertId, CustomerId, PartnerId, RuleId, UserId,
};

pub fn alerts_pk(p: &PartnerId) -> String {
    format!("ALERTS#{p}")
}

fn alert_sk(id: &AlertId) -> String {
    format!("ALERT#{}", id.as_str())
}

fn open_sk(condition: &str) -> String {
    format!("OPEN#{condition}")
}

fn sort_text(v: &str) -> String {
    v.to_lowercase().chars().take(200).collect()
}

fn alert_keys(a: &Alert) -> Keys {
    let pk = alerts_pk(&a.partner_id);
    let id = a.id.as_str();
    Keys::new(pk.clone(), alert_sk(&a.id))
        .gsi1(
            pk.clone(),
            format!("SEV#{}#{id}", severity_rank(a.severity)),
        )
        .gsi2(
            pk.clone(),
            format!(
                "TO#{}#{id}",
                sort_text(a.customer_name.as_deref().unwrap_or(""))
            ),
        )
        .gsi3(pk, format!("SUBJ#{}#{id}", sort_text(&a.subject)))
}

/// An open condition's guard: which alert stands for it, and enough to list the
/// customers with open alerts (the Home page's Customer Issues).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenCondition {
    pub alert_id: AlertId,
    #[serde(rename = "type")]
    pub kind: AlertKind,
    pub severity: Severity,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<CustomerId>,
    pub raised_at: DateTime<Utc>,
}

/// A new alert the notifier has not finished with yet: written with the alert, deleted
/// by the notifier when it is done. Until then it is in the scheduler's due index from
/// `NOTIFY_GRACE` after the raise, so an `AlertRaised` event that never arrived (the bus
/// refused it, or every retry failed) is still notified, by the tick.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingNotification {
    pub partner_id: PartnerId,
    pub alert_id: AlertId,
}

/// How long the event bus has to deliver `AlertRaised` before the tick steps in.
pub const NOTIFY_GRACE_MINUTES: i64 = 5;

fn pending_keys(partner: &PartnerId, alert: &AlertId, raised_at: DateTime<Utc>) -> Keys {
    Keys::new(alerts_pk(partner), format!("NOTIFY#{}", alert.as_str())).gsi2(
        DUE_PK,
        format!(
            "{}#NTF#{}",
            time_key(raised_at + chrono::Duration::minutes(NOTIFY_GRACE_MINUTES)),
            alert.as_str()
        ),
    )
}

/// What a raise did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Raised {
    /// A new alert: the notifier is told.
    New(AlertId),
    /// The open alert of the same condition was renewed.
    Renewed(AlertId),
}

/// The attribute of the account counting open alerts of a severity.
fn count_attribute(s: Severity) -> &'static str {
    match s {
        Severity::Error => "alertsError",
        Severity::Warning => "alertsWarning",
        Severity::Informational => "alertsInformational",
    }
}

/// Moves a customer's open-alert counts (and its version, so a save made from an older
/// read does not put old counts back).
fn account_counts(
    table: &str,
    customer: &CustomerId,
    partner: &PartnerId,
    deltas: &[(Severity, i64)],
) -> Result<TransactWriteItem, StoreError> {
    let mut adds = vec!["version :one".to_string()];
    let mut update = Update::builder()
        .table_name(table)
        .set_key(Some(account_key(customer).key()))
        .condition_expression("partnerId = :partner")
        .expression_attribute_values(":partner", s(partner.as_str()))
        .expression_attribute_values(":one", n(1));
    for (i, (severity, d)) in deltas.iter().enumerate() {
        adds.push(format!("{} :d{i}", count_attribute(*severity)));
        update =
            update.expression_attribute_values(format!(":d{i}"), AttributeValue::N(d.to_string()));
    }
    let update = update
        .update_expression(format!("ADD {}", adds.join(", ")))
        .build()
        .map_err(StoreError::sdk)?;
    Ok(TransactWriteItem::builder().update(update).build())
}

/// How the Alerts page sorts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertSort {
    Date,
    Severity,
    Customer,
    Subject,
}

/// One page of the Alerts page.
#[derive(Debug, Clone)]
pub struct AlertQuery {
    pub sort: AlertSort,
    /// Newest, most severe or last in text order first.
    pub descending: bool,
    pub customer: Option<CustomerId>,
    pub user: Option<UserId>,
    /// Text the computer's name contains.
    pub computer: Option<String>,
    pub kind: Option<AlertKind>,
    pub severity: Option<Severity>,
    pub status: Option<AlertStatus>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub limit: i32,
    pub start: Option<Item>,
}

impl AlertQuery {
    /// The index a sort reads, and its sort-key prefix.
    pub fn index(&self) -> (Option<&'static str>, &'static str) {
        match self.sort {
            AlertSort::Date => (None, "ALERT#"),
            AlertSort::Severity => (Some("gsi1"), "SEV#"),
            AlertSort::Customer => (Some("gsi2"), "TO#"),
            AlertSort::Subject => (Some("gsi3"), "SUBJ#"),
        }
    }

    fn filter(&self) -> Option<Filter> {
        let mut clauses = Vec::new();
        let mut f = Filter::default();
        let mut value = |clause: &str, name: &str, v: AttributeValue| {
            clauses.push(clause.to_string());
            f.values.insert(name.to_string(), v);
        };
        if let Some(c) = &self.customer {
            value("customerId = :customer", ":customer", s(c.as_str()));
        }
        if let Some(u) = &self.user {
            value("userId = :user", ":user", s(u.as_str()));
        }
        if let Some(c) = &self.computer {
            value("contains(computer, :computer)", ":computer", s(c.clone()));
        }
        if let Some(k) = self.kind {
            value("#type = :type", ":type", s(k.as_str()));
        }
        if let Some(sev) = self.severity {
            value(
                "severity = :severity",
                ":severity",
                s(domain::alert::severity_name(sev)),
            );
        }
        if let Some(st) = self.status {
            value("#status = :status", ":status", s(st.as_str()));
        }
        if let Some(from) = self.from {
            value(
                "raisedAt >= :from",
                ":from",
                s(from.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
            );
        }
        if let Some(to) = self.to {
            value(
                "raisedAt <= :to",
                ":to",
                s(to.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
            );
        }
        if clauses.is_empty() {
            return None;
        }
        let expression = clauses.join(" AND ");
        if expression.contains("#type") {
            f.names.insert("#type".into(), "type".into());
        }
        if expression.contains("#status") {
            f.names.insert("#status".into(), "status".into());
        }
        f.expression = expression;
        Some(f)
    }
}

/// Why a dismissal did nothing.
#[derive(Debug, thiserror::Error)]
pub enum DismissError {
    #[error("no such alert")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why a rule could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    #[error("the rule changed meanwhile")]
    Conflict,
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn rule_keys(partner: &PartnerId, id: &RuleId) -> Keys {
    Keys::new(partner_pk(partner), format!("RULE#{}", id.as_str()))
}

/// Delivery states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum DeliveryStatus {
    /// Claimed and being sent (or waiting for a retry).
    Retrying,
    Sent,
    /// Given up: a dead letter, kept in the log.
    Failed,
}

/// One message of one alert (or a rule's test) to one target, and how it went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    /// Stable across retries: receivers may use it to ignore a repeat.
    pub id: String,
    #[schema(value_type = String)]
    pub partner_id: PartnerId,
    #[schema(value_type = String)]
    pub rule_id: RuleId,
    #[schema(value_type = String)]
    pub alert_id: AlertId,
    pub channel: Channel,
    pub target: String,
    pub status: DeliveryStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_code: Option<u16>,
    pub attempts: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_attempt_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// A "Send test" call, not an alert.
    #[serde(default)]
    pub test: bool,
    /// When it was claimed.
    pub at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn deliveries_pk(partner: &PartnerId, rule: &RuleId) -> String {
    format!("RULE#{partner}#{}", rule.as_str())
}

/// The delivery's id: the same for the same alert, rule, channel and target.
pub fn delivery_id(alert: &AlertId, rule: &RuleId, channel: Channel, target: &str) -> String {
    let digest = Sha256::digest(
        format!(
            "{}\n{}\n{}\n{}",
            alert,
            rule,
            channel.as_str(),
            target.to_lowercase()
        )
        .as_bytes(),
    );
    let hash: String = digest[..10].iter().map(|b| format!("{b:02x}")).collect();
    // Alert ids are time-ordered: the log reads newest first.
    let time = alert.as_str().trim_start_matches(AlertId::PREFIX);
    format!("dlv_{time}_{}_{hash}", channel.as_str())
}

fn delivery_keys(d: &Delivery) -> Keys {
    let keys = Keys::new(
        deliveries_pk(&d.partner_id, &d.rule_id),
        format!("DLV#{}", d.id),
    );
    match (d.status, d.next_attempt_at) {
        (DeliveryStatus::Retrying, Some(at)) => {
            keys.gsi2(DUE_PK, format!("{}#DLV#{}", time_key(at), d.id))
        }
        _ => keys,
    }
}

impl Table {
    /// Raises an alert for `raise`, or renews the open alert of its condition. A new
    /// alert, its guard and the customer's counts are written together.
    pub async fn raise(&self, partner: &PartnerId, raise: &Raise) -> Result<Raised, StoreError> {
        let pk = alerts_pk(partner);
        for _ in 0..3 {
            if let Some(open) = self
                .get::<OpenCondition>(&pk, &open_sk(&raise.condition))
                .await?
            {
                let renewed = self
                    .client
                    .update_item()
                    .table_name(&self.name)
                    .key("pk", s(pk.clone()))
                    .key("sk", s(alert_sk(&open.alert_id)))
                    .update_expression("SET updatedAt = :at, body = :body ADD occurrences :n")
                    .condition_expression("#status = :open")
                    .expression_attribute_names("#status", "status")
                    .expression_attribute_values(":at", s(raise.at.to_rfc3339()))
                    .expression_attribute_values(":body", s(raise.body.clone()))
                    .expression_attribute_values(":n", n(raise.occurrences.max(1)))
                    .expression_attribute_values(":open", s("open"))
                    .send()
                    .await;
                match renewed {
                    Ok(_) => return Ok(Raised::Renewed(open.alert_id)),
                    Err(e)
                        if e.as_service_error()
                            .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
                    {
                        // Dismissed meanwhile: the guard is gone too; raise afresh.
                        continue;
                    }
                    Err(e) => return Err(StoreError::sdk(e)),
                }
            }
            let alert = Alert::new(partner, raise);
            match self.transact(self.new_alert(&alert, true)?).await {
                Ok(()) => return Ok(Raised::New(alert.id)),
                // Raised by someone else at the same moment: renew theirs.
                Err(StoreError::ConditionFailed { index: Some(0) })
                | Err(StoreError::TransactionConflict { .. }) => continue,
                // The customer is gone (or moved): raise it all the same, without
                // counting it on the account.
                Err(StoreError::ConditionFailed { index: Some(3) }) => {
                    let alert = Alert::new(partner, raise);
                    self.transact(self.new_alert(&alert, false)?).await?;
                    return Ok(Raised::New(alert.id));
                }
                Err(e) => return Err(e),
            }
        }
        Err(StoreError::TransactionConflict { index: None })
    }

    /// A new alert's writes: its condition's guard, the alert, and (when `count` and it
    /// concerns a customer) the customer's open-alert count.
    fn new_alert(&self, alert: &Alert, count: bool) -> Result<Vec<TransactWriteItem>, StoreError> {
        let pk = alerts_pk(&alert.partner_id);
        let guard = OpenCondition {
            alert_id: alert.id.clone(),
            kind: alert.kind,
            severity: alert.severity,
            customer_id: alert.customer_id.clone(),
            raised_at: alert.raised_at,
        };
        let mut items = vec![
            put_new(
                &self.name,
                to_item(
                    Keys::new(pk, open_sk(&alert.condition)),
                    "OpenCondition",
                    &guard,
                )?,
            )?,
            put_new(&self.name, to_item(alert_keys(alert), "Alert", alert)?)?,
            put_new(
                &self.name,
                to_item(
                    pending_keys(&alert.partner_id, &alert.id, alert.raised_at),
                    "PendingNotification",
                    &PendingNotification {
                        partner_id: alert.partner_id.clone(),
                        alert_id: alert.id.clone(),
                    },
                )?,
            )?,
        ];
        if let (true, Some(c)) = (count, &alert.customer_id) {
            items.push(account_counts(
                &self.name,
                c,
                &alert.partner_id,
                &[(alert.severity, 1)],
            )?);
        }
        Ok(items)
    }

    pub async fn alert(
        &self,
        partner: &PartnerId,
        id: &AlertId,
    ) -> Result<Option<Alert>, StoreError> {
        self.get(&alerts_pk(partner), &alert_sk(id)).await
    }

    /// The partition an alert list and its cursor belong to.
    pub fn alert_partition(scope: &PartnerScope) -> String {
        alerts_pk(scope.partner_id())
    }

    /// One page of the partner's alerts: one Query, filters applied by DynamoDB; alerts
    /// about customers the user may not see are left out.
    pub async fn alert_page(
        &self,
        scope: &PartnerScope,
        query: AlertQuery,
        visible: &Visibility,
    ) -> Result<Page<Alert>, StoreError> {
        let pk = alerts_pk(scope.partner_id());
        let (index, prefix) = query.index();
        let filter = query.filter();
        let mut page: Page<Alert> = self
            .query_page(PageQuery {
                index,
                pk: &pk,
                prefix,
                limit: query.limit,
                newest_first: query.descending,
                start: query.start,
                filter,
                range: None,
            })
            .await?;
        page.items
            .retain(|a| a.customer_id.as_ref().is_none_or(|c| visible.sees(c)));
        Ok(page)
    }

    /// The open conditions of the partner (at most `limit`), for Customer Issues.
    pub async fn open_conditions(
        &self,
        partner: &PartnerId,
        limit: i32,
    ) -> Result<Vec<OpenCondition>, StoreError> {
        let pk = alerts_pk(partner);
        let page: Page<OpenCondition> = self
            .query_page(PageQuery {
                index: None,
                pk: &pk,
                prefix: "OPEN#",
                limit,
                newest_first: false,
                start: None,
                filter: None,
                range: None,
            })
            .await?;
        Ok(page.items)
    }

    /// Dismisses alerts, all or none: each open one is marked dismissed, its condition's
    /// guard removed and its customer's counts moved, with the audit record. Alerts
    /// dismissed already count as done. `visible` hides alerts the user may not see.
    pub async fn dismiss(
        &self,
        partner: &PartnerId,
        ids: &[AlertId],
        visible: &Visibility,
        by: &str,
        audit: &AuditRecord,
        at: DateTime<Utc>,
    ) -> Result<usize, DismissError> {
        let pk = alerts_pk(partner);
        for _ in 0..3 {
            let keys: Vec<Keys> = ids
                .iter()
                .map(|id| Keys::new(pk.clone(), alert_sk(id)))
                .collect();
            let found: Vec<Alert> = self
                .get_many(&keys)
                .await?
                .into_iter()
                .map(from_item)
                .collect::<Result<_, _>>()?;
            if found.len() != ids.len()
                || found
                    .iter()
                    .any(|a| a.customer_id.as_ref().is_some_and(|c| !visible.sees(c)))
            {
                return Err(DismissError::NotFound);
            }
            let open: Vec<&Alert> = found
                .iter()
                .filter(|a| a.status == AlertStatus::Open)
                .collect();
            if open.is_empty() {
                return Ok(found.len());
            }
            let mut items = Vec::new();
            let mut per_customer: std::collections::BTreeMap<&CustomerId, AlertCounts> =
                Default::default();
            for a in &open {
                let update = Update::builder()
                    .table_name(&self.name)
                    .key("pk", s(pk.clone()))
                    .key("sk", s(alert_sk(&a.id)))
                    .update_expression(
                        "SET #status = :dismissed, dismissedAt = :at, dismissedBy = :by",
                    )
                    .condition_expression("#status = :open")
                    .expression_attribute_names("#status", "status")
                    .expression_attribute_values(":dismissed", s("dismissed"))
                    .expression_attribute_values(":open", s("open"))
                    .expression_attribute_values(":at", s(at.to_rfc3339()))
                    .expression_attribute_values(":by", s(by))
                    .build()
                    .map_err(StoreError::sdk)?;
                items.push(TransactWriteItem::builder().update(update).build());
                let delete = Delete::builder()
                    .table_name(&self.name)
                    .key("pk", s(pk.clone()))
                    .key("sk", s(open_sk(&a.condition)))
                    .condition_expression("alertId = :id")
                    .expression_attribute_values(":id", s(a.id.as_str()))
                    .build()
                    .map_err(StoreError::sdk)?;
                items.push(TransactWriteItem::builder().delete(delete).build());
                if let Some(c) = &a.customer_id {
                    let counts = per_customer.entry(c).or_default();
                    match a.severity {
                        Severity::Error => counts.error += 1,
                        Severity::Warning => counts.warning += 1,
                        Severity::Informational => counts.informational += 1,
                    }
                }
            }
            let customers: Vec<CustomerId> = per_customer.keys().map(|c| (*c).clone()).collect();
            // Customers removed since: their counts went with them.
            let present: Vec<CustomerId> = self
                .accounts(&customers)
                .await?
                .into_iter()
                .filter(|c| &c.partner_id == partner)
                .map(|c| c.id)
                .collect();
            for (c, counts) in &per_customer {
                if !present.contains(c) {
                    continue;
                }
                let deltas: Vec<(Severity, i64)> = [
                    (Severity::Error, counts.error),
                    (Severity::Warning, counts.warning),
                    (Severity::Informational, counts.informational),
                ]
                .into_iter()
                .filter(|(_, k)| *k > 0)
                .map(|(s, k)| (s, -i64::from(k)))
                .collect();
                items.push(account_counts(&self.name, c, partner, &deltas)?);
            }
            items.push(put_new(&self.name, audit::item(audit)?)?);
            match self.transact(items).await {
                Ok(()) => return Ok(found.len()),
                Err(
                    StoreError::ConditionFailed { .. } | StoreError::TransactionConflict { .. },
                ) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(StoreError::TransactionConflict { index: None }.into())
    }

    // -----------------------------------------------------------------------------------
    // Rules
    // -----------------------------------------------------------------------------------

    pub async fn rules(&self, partner: &PartnerId) -> Result<Vec<Rule>, StoreError> {
        self.partition_items(&partner_pk(partner), "RULE#")
            .await?
            .into_iter()
            .map(from_item)
            .collect()
    }

    pub async fn rule(&self, partner: &PartnerId, id: &RuleId) -> Result<Option<Rule>, StoreError> {
        let k = rule_keys(partner, id);
        self.get(&k.pk, &k.sk).await
    }

    /// Creates, replaces (at `expected` version) or deletes (`rule` absent) a rule, with
    /// its audit record.
    pub async fn save_rule(
        &self,
        partner: &PartnerId,
        id: &RuleId,
        rule: Option<&Rule>,
        expected: Option<u64>,
        audit: &AuditRecord,
    ) -> Result<(), RuleError> {
        let keys = rule_keys(partner, id);
        let write = match (rule, expected) {
            (Some(r), None) => put_new(&self.name, to_item(keys, "AlertRule", r)?)?,
            (Some(r), Some(v)) => {
                super::put_if_version(&self.name, to_item(keys, "AlertRule", r)?, v)?
            }
            (None, Some(v)) => super::delete_if_version(&self.name, &keys, v)?,
            (None, None) => return Ok(()),
        };
        match self
            .transact(vec![write, put_new(&self.name, audit::item(audit)?)?])
            .await
        {
            Ok(()) => Ok(()),
            Err(StoreError::ConditionFailed { .. } | StoreError::TransactionConflict { .. }) => {
                Err(RuleError::Conflict)
            }
            Err(e) => Err(e.into()),
        }
    }

    // -----------------------------------------------------------------------------------
    // Deliveries
    // -----------------------------------------------------------------------------------

    /// Claims a delivery: true if this call wrote it, false if it was claimed before (the
    /// event arrived again). A claimed delivery is due for a retry at `next_attempt_at`
    /// until it is marked sent or failed, so a crash in between is retried, not lost.
    pub async fn claim_delivery(&self, d: &Delivery) -> Result<bool, StoreError> {
        let out = self
            .client
            .put_item()
            .table_name(&self.name)
            .set_item(Some(to_item(delivery_keys(d), "Delivery", d)?))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        match out {
            Ok(_) => Ok(true),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Ok(false)
            }
            Err(e) => Err(StoreError::sdk(e)),
        }
    }

    /// Records how an attempt went (in or out of the due index as its status says).
    pub async fn record_delivery(&self, d: &Delivery) -> Result<(), StoreError> {
        self.put(to_item(delivery_keys(d), "Delivery", d)?).await
    }

    pub async fn delivery(
        &self,
        partner: &PartnerId,
        rule: &RuleId,
        id: &str,
    ) -> Result<Option<Delivery>, StoreError> {
        self.get(&deliveries_pk(partner, rule), &format!("DLV#{id}"))
            .await
    }

    /// The partition of a rule's delivery log (for cursor checks).
    pub fn delivery_partition(partner: &PartnerId, rule: &RuleId) -> String {
        deliveries_pk(partner, rule)
    }

    /// A page of a rule's delivery log, newest first.
    pub async fn deliveries(
        &self,
        partner: &PartnerId,
        rule: &RuleId,
        limit: i32,
        start: Option<Item>,
    ) -> Result<Page<Delivery>, StoreError> {
        let pk = deliveries_pk(partner, rule);
        self.query_page(PageQuery {
            index: None,
            pk: &pk,
            prefix: "DLV#",
            limit,
            newest_first: true,
            start,
            filter: None,
            range: None,
        })
        .await
    }

    /// The notifier is done with an alert: its pending marker goes.
    pub async fn notified(&self, partner: &PartnerId, alert: &AlertId) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.name)
            .key("pk", s(alerts_pk(partner)))
            .key("sk", s(format!("NOTIFY#{}", alert.as_str())))
            .send()
            .await
            .map_err(StoreError::sdk)?;
        Ok(())
    }

    /// Keeps a delivery given up on, with the webhook body it would have sent, in the
    /// partner's dead letters (`DEADLETTERS#<partnerId>` / `<time>#<delivery id>`), for
    /// an operator to inspect or replay.
    pub async fn dead_letter(&self, d: &Delivery, body: Option<&[u8]>) -> Result<(), StoreError> {
        let letter = DeadLetter {
            delivery: d.clone(),
            body: body.map(|b| String::from_utf8_lossy(b).into_owned()),
        };
        let keys = Keys::new(
            format!("DEADLETTERS#{}", d.partner_id),
            format!("{}#{}", time_key(d.updated_at), d.id),
        );
        self.put(to_item(keys, "DeadLetter", &letter)?).await
    }

    /// The partner's dead letters, oldest first.
    pub async fn dead_letters(&self, partner: &PartnerId) -> Result<Vec<DeadLetter>, StoreError> {
        self.partition_items(&format!("DEADLETTERS#{partner}"), "")
            .await?
            .into_iter()
            .map(from_item)
            .collect()
    }
}

/// A delivery given up on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeadLetter {
    pub delivery: Delivery,
    /// The webhook body, for a webhook delivery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}
