//! Reports and Report Customization in the table.
//!
//! A report is `PARTNER#<partnerId>` / `REPORT#<reportId>` (ids sort by time, so the
//! listing is one Query, newest first); the partner's branding is `PARTNER#<partnerId>` /
//! `BRANDING`. The worker claims a report with a conditional update before it renders,
//! so an event delivered twice renders once.

use aws_sdk_dynamodb::{error::SdkError, types::AttributeValue};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{
    audit, from_item, keys::partner_pk, put_if_version, put_new, s, schedule::time_key, to_item,
    Item, Keys, Page, PageQuery, StoreError, Table,
};
use domain::{
    alert::Alert,
    audit::AuditRecord,
    report::{data::DailyUsage, schedule::Delivery, Branding, Report, ReportFile, ReportStatus},
    telemetry::{Buckets, Computer},
    CustomerId, PartnerId, ReportId, ScheduleId,
};

/// A claim older than this is taken over: the worker that held it has timed out.
const CLAIM_MINUTES: i64 = 15;

fn report_keys(partner: &PartnerId, id: &ReportId) -> Keys {
    Keys::new(partner_pk(partner), format!("REPORT#{id}"))
}

fn branding_keys(partner: &PartnerId) -> Keys {
    Keys::new(partner_pk(partner), "BRANDING")
}

/// A report as stored: the report, its partner, and who receives it by email.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredReport {
    #[serde(flatten)]
    report: Report,
    partner_id: PartnerId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    delivery: Option<Delivery>,
    /// The schedule that made it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    schedule_id: Option<ScheduleId>,
}

/// A report with what the worker needs to deliver it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportToDeliver {
    pub report: Report,
    pub delivery: Option<Delivery>,
    pub schedule_id: Option<ScheduleId>,
    /// When its email went (or was taken by a worker sending it).
    pub delivered: bool,
}

fn run_keys(partner: &PartnerId, schedule: &ScheduleId, occasion: &str) -> Keys {
    Keys::new(partner_pk(partner), format!("RUN#{schedule}#{occasion}"))
}

/// A schedule's run for one occasion: the report it made.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ScheduleRun {
    report_id: ReportId,
}

/// How a finished rendering was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finished {
    Recorded,
    /// The report was deleted while it was made: its files must go too.
    Deleted,
}

pub(crate) fn update_failed<E>(e: &SdkError<E>) -> bool
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata,
{
    matches!(e, SdkError::ServiceError(s) if s.err().code() == Some("ConditionalCheckFailedException"))
}

impl Table {
    /// Stores a new report (Processing) with its audit record.
    pub async fn create_report(
        &self,
        partner: &PartnerId,
        report: &Report,
        audit: &AuditRecord,
    ) -> Result<(), StoreError> {
        self.create_report_for(partner, report, None, audit).await
    }

    /// Stores a new report (Processing) to be emailed as `delivery` says, with its
    /// audit record.
    pub async fn create_report_for(
        &self,
        partner: &PartnerId,
        report: &Report,
        delivery: Option<&Delivery>,
        audit: &AuditRecord,
    ) -> Result<(), StoreError> {
        let stored = StoredReport {
            report: report.clone(),
            partner_id: partner.clone(),
            delivery: delivery.filter(|d| !d.is_empty()).cloned(),
            schedule_id: None,
        };
        self.transact(vec![
            put_new(
                &self.name,
                to_item(report_keys(partner, &report.id), "Report", &stored)?,
            )?,
            put_new(&self.name, audit::item(audit)?)?,
        ])
        .await
    }

    /// The report a schedule makes for one occasion, once: a second firing for the same
    /// occasion (Scheduler may deliver twice) gets `Err(id)` of the report the first made.
    pub async fn create_scheduled_report(
        &self,
        partner: &PartnerId,
        schedule: &ScheduleId,
        occasion: &str,
        report: &Report,
        delivery: &Delivery,
    ) -> Result<Result<(), ReportId>, StoreError> {
        let stored = StoredReport {
            report: report.clone(),
            partner_id: partner.clone(),
            delivery: Some(delivery.clone()).filter(|d| !d.is_empty()),
            schedule_id: Some(schedule.clone()),
        };
        let run = ScheduleRun {
            report_id: report.id.clone(),
        };
        let result = self
            .transact(vec![
                put_new(
                    &self.name,
                    to_item(run_keys(partner, schedule, occasion), "ScheduleRun", &run)?,
                )?,
                put_new(
                    &self.name,
                    to_item(report_keys(partner, &report.id), "Report", &stored)?,
                )?,
            ])
            .await;
        match result {
            Ok(()) => Ok(Ok(())),
            Err(StoreError::ConditionFailed { index: Some(0) })
            | Err(StoreError::TransactionConflict { .. }) => {
                let k = run_keys(partner, schedule, occasion);
                match self.get::<ScheduleRun>(&k.pk, &k.sk).await? {
                    Some(r) => Ok(Err(r.report_id)),
                    // A concurrent firing's transaction had not finished: it makes it.
                    None => Ok(Err(report.id.clone())),
                }
            }
            Err(e) => Err(e),
        }
    }

    /// A report with its delivery, for the worker.
    pub async fn report_to_deliver(
        &self,
        partner: &PartnerId,
        id: &ReportId,
    ) -> Result<Option<ReportToDeliver>, StoreError> {
        let k = report_keys(partner, id);
        let Some(item) = self.get_item(&k.pk, &k.sk).await? else {
            return Ok(None);
        };
        let delivered = item.contains_key("deliveredAt");
        let stored: StoredReport = from_item(item)?;
        Ok(Some(ReportToDeliver {
            report: stored.report,
            delivery: stored.delivery,
            schedule_id: stored.schedule_id,
            delivered,
        }))
    }

    /// Takes a Ready report's email for sending: `false` when it went already or another
    /// worker is sending it (a claim older than 15 minutes is taken over).
    pub async fn claim_report_email(
        &self,
        partner: &PartnerId,
        id: &ReportId,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        self.claim(
            partner,
            id,
            "deliveryClaimedAt",
            "attribute_exists(pk) AND attribute_not_exists(deliveredAt)",
            None,
            now,
        )
        .await
    }

    /// Records that the report's email went (`Ok`) or gives the claim back (`Err`), so a
    /// retry sends it.
    pub async fn finish_report_email(
        &self,
        partner: &PartnerId,
        id: &ReportId,
        sent: Result<(DateTime<Utc>, Vec<String>), ()>,
    ) -> Result<(), StoreError> {
        let update = self
            .client
            .update_item()
            .table_name(&self.name)
            .set_key(Some(report_keys(partner, id).key()))
            .condition_expression("attribute_exists(pk)");
        let update = match sent {
            Ok((at, not_emailed)) if !not_emailed.is_empty() => update
                .update_expression(
                    "SET deliveredAt = :at, notEmailed = :skipped REMOVE deliveryClaimedAt",
                )
                .expression_attribute_values(":at", s(at.to_rfc3339()))
                .expression_attribute_values(
                    ":skipped",
                    aws_sdk_dynamodb::types::AttributeValue::L(
                        not_emailed.into_iter().map(s).collect(),
                    ),
                ),
            Ok((at, _)) => update
                .update_expression("SET deliveredAt = :at REMOVE deliveryClaimedAt")
                .expression_attribute_values(":at", s(at.to_rfc3339())),
            Err(()) => update.update_expression("REMOVE deliveryClaimedAt"),
        };
        match update.send().await {
            Ok(_) => Ok(()),
            // Deleted meanwhile: nothing to record.
            Err(e) if update_failed(&e) => Ok(()),
            Err(e) => Err(StoreError::sdk(e)),
        }
    }

    pub async fn report(
        &self,
        partner: &PartnerId,
        id: &ReportId,
    ) -> Result<Option<Report>, StoreError> {
        let k = report_keys(partner, id);
        Ok(self
            .get::<StoredReport>(&k.pk, &k.sk)
            .await?
            .map(|s| s.report))
    }

    /// One page of the partner's reports, newest first.
    pub async fn report_page(
        &self,
        partner: &PartnerId,
        limit: i32,
        start: Option<Item>,
    ) -> Result<Page<Report>, StoreError> {
        let pk = partner_pk(partner);
        let page: Page<StoredReport> = self
            .query_page(PageQuery {
                index: None,
                pk: &pk,
                prefix: "REPORT#",
                limit,
                newest_first: true,
                start,
                filter: None,
                range: None,
            })
            .await?;
        Ok(Page {
            items: page.items.into_iter().map(|s| s.report).collect(),
            next: page.next,
        })
    }

    /// The partition a report cursor must belong to.
    pub fn report_partition(partner: &PartnerId) -> String {
        partner_pk(partner)
    }

    /// Takes a Processing report for rendering: `false` when it is finished, gone, or
    /// another worker holds a fresh claim (a second delivery of the same request).
    pub async fn claim_report(
        &self,
        partner: &PartnerId,
        id: &ReportId,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        self.claim(
            partner,
            id,
            "claimedAt",
            "#status = :processing",
            Some(("status", "processing")),
            now,
        )
        .await
    }

    /// Gives back the claim [`Table::claim_report`] took at `claimed`: the attempt failed
    /// before it finished the report, and Lambda retries a failed asynchronous invocation
    /// a minute or two later, well within the 15 minutes a claim otherwise holds. Nothing
    /// when the report is finished, gone, or claimed again since.
    pub async fn release_report(
        &self,
        partner: &PartnerId,
        id: &ReportId,
        claimed: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.name)
            .set_key(Some(report_keys(partner, id).key()))
            .update_expression("REMOVE claimedAt")
            .condition_expression("#status = :processing AND claimedAt = :claimed")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":processing", s("processing"))
            .expression_attribute_values(":claimed", s(time_key(claimed)))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if update_failed(&e) => Ok(()),
            Err(e) => Err(StoreError::sdk(e)),
        }
    }

    /// Sets the claim attribute `field` to `now` when `condition` holds and no fresh claim
    /// is there (one older than 15 minutes, of a worker that timed out, is taken over):
    /// `false` when the condition fails. `equals` names an attribute `condition` compares
    /// (as `#name = :value`).
    async fn claim(
        &self,
        partner: &PartnerId,
        id: &ReportId,
        field: &str,
        condition: &str,
        equals: Option<(&str, &str)>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut update = self
            .client
            .update_item()
            .table_name(&self.name)
            .set_key(Some(report_keys(partner, id).key()))
            .update_expression(format!("SET {field} = :now"))
            .condition_expression(format!(
                "{condition} AND (attribute_not_exists({field}) OR {field} < :stale)"
            ))
            .expression_attribute_values(":now", s(time_key(now)))
            .expression_attribute_values(
                ":stale",
                s(time_key(now - Duration::minutes(CLAIM_MINUTES))),
            );
        if let Some((name, value)) = equals {
            update = update
                .expression_attribute_names(format!("#{name}"), name)
                .expression_attribute_values(format!(":{value}"), s(value));
        }
        match update.send().await {
            Ok(_) => Ok(true),
            Err(e) if update_failed(&e) => Ok(false),
            Err(e) => Err(StoreError::sdk(e)),
        }
    }

    /// Marks a report Ready with its files, or Failed with a reason.
    pub async fn finish_report(
        &self,
        partner: &PartnerId,
        id: &ReportId,
        outcome: Result<&[ReportFile], &str>,
        at: DateTime<Utc>,
    ) -> Result<Finished, StoreError> {
        let (status, expression, extra): (ReportStatus, &str, (&str, AttributeValue)) =
            match outcome {
                Ok(files) => (
                    ReportStatus::Ready,
                    "SET #status = :status, finishedAt = :at, files = :extra REMOVE claimedAt",
                    (
                        ":extra",
                        serde_dynamo::to_attribute_value(files).map_err(StoreError::sdk)?,
                    ),
                ),
                Err(reason) => (
                    ReportStatus::Failed,
                    "SET #status = :status, finishedAt = :at, failure = :extra REMOVE claimedAt",
                    (":extra", s(reason)),
                ),
            };
        let status: AttributeValue =
            serde_dynamo::to_attribute_value(status).map_err(StoreError::sdk)?;
        let result = self
            .client
            .update_item()
            .table_name(&self.name)
            .set_key(Some(report_keys(partner, id).key()))
            .update_expression(expression)
            .condition_expression("attribute_exists(pk) AND #status = :processing")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":processing", s("processing"))
            .expression_attribute_values(":status", status)
            .expression_attribute_values(":at", s(at.to_rfc3339()))
            .expression_attribute_values(extra.0, extra.1)
            .send()
            .await;
        match result {
            Ok(_) => Ok(Finished::Recorded),
            Err(e) if update_failed(&e) => Ok(Finished::Deleted),
            Err(e) => Err(StoreError::sdk(e)),
        }
    }

    /// Removes a report with its audit record; `ConditionFailed` when it is gone.
    pub async fn delete_report(
        &self,
        partner: &PartnerId,
        id: &ReportId,
        audit: &AuditRecord,
    ) -> Result<(), StoreError> {
        self.delete_audited(&report_keys(partner, id), audit).await
    }

    /// The partner's Report Customization (the defaults until first saved).
    pub async fn branding(&self, partner: &PartnerId) -> Result<Branding, StoreError> {
        let k = branding_keys(partner);
        Ok(self
            .get::<Branding>(&k.pk, &k.sk)
            .await?
            .unwrap_or_default())
    }

    /// Saves the branding if it is still at `expected` (0: never saved), with the audit
    /// record; `ConditionFailed` when someone saved it meanwhile.
    pub async fn save_branding(
        &self,
        partner: &PartnerId,
        branding: &Branding,
        expected: u64,
        audit: &AuditRecord,
    ) -> Result<(), StoreError> {
        let mut next = branding.clone();
        next.version = expected + 1;
        let item = to_item(branding_keys(partner), "Branding", &next)?;
        let put = if expected == 0 {
            put_new(&self.name, item)?
        } else {
            put_if_version(&self.name, item, expected)?
        };
        self.transact(vec![put, put_new(&self.name, audit::item(audit)?)?])
            .await
    }

    /// Every stored computer of a customer, deleted ones included (one Query, all pages).
    pub async fn fleet_computers(
        &self,
        customer: &CustomerId,
    ) -> Result<Vec<Computer>, StoreError> {
        self.partition_items(&super::telemetry::fleet_pk(customer), "COMPUTER#")
            .await?
            .into_iter()
            .map(from_item::<Computer>)
            .collect()
    }

    /// A customer's day buckets from `from` to `to`, both included (one Query).
    pub async fn customer_days(
        &self,
        customer: &CustomerId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Buckets, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.name)
            .key_condition_expression("pk = :pk AND sk BETWEEN :low AND :high")
            .expression_attribute_values(":pk", s(super::telemetry::fleet_pk(customer)))
            .expression_attribute_values(":low", s(format!("BUCKET#D#{from}")))
            .expression_attribute_values(":high", s(format!("BUCKET#D#{to}")));
        let mut out = Buckets::default();
        for item in self.every_item(query).await? {
            if let Some(day) = item
                .get("sk")
                .and_then(|v| v.as_s().ok())
                .and_then(|sk| sk.strip_prefix("BUCKET#D#"))
            {
                out.daily
                    .insert(day.to_string(), super::telemetry::tally_of(&item));
            }
        }
        Ok(out)
    }

    /// The partner's alerts raised from `from` on, newest first (Query pages until an
    /// older one).
    pub async fn alerts_since(
        &self,
        partner: &PartnerId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Alert>, StoreError> {
        let pk = super::alerts::alerts_pk(partner);
        let mut out = Vec::new();
        let mut start = None;
        loop {
            let page: Page<Alert> = self
                .query_page(PageQuery {
                    index: None,
                    pk: &pk,
                    prefix: "ALERT#",
                    limit: 500,
                    newest_first: true,
                    start,
                    filter: None,
                    range: None,
                })
                .await?;
            let mut older = false;
            for a in page.items {
                if a.raised_at < from {
                    older = true;
                    break;
                }
                if a.raised_at < to {
                    out.push(a);
                }
            }
            start = page.next;
            if older || start.is_none() {
                return Ok(out);
            }
        }
    }

    /// The partner's audit records from `from` to `to`, newest first, at most `limit`
    /// (one Query, all pages up to the limit).
    pub async fn audit_between(
        &self,
        partner: &PartnerId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let scope = super::PartnerScope::new(partner.clone());
        let mut out = Vec::new();
        let mut start = None;
        loop {
            let page = self
                .audit_page(
                    &scope,
                    super::audit::AuditQuery {
                        from: Some(from),
                        to: Some(to),
                        limit: 1000,
                        start,
                        ..Default::default()
                    },
                )
                .await?;
            out.extend(page.items);
            start = page.next;
            if out.len() >= limit || start.is_none() {
                out.truncate(limit);
                return Ok(out);
            }
        }
    }

    /// The partner's recorded daily usage from `from` to `to`, both included (one Query
    /// of the usage index, all pages).
    pub async fn usage_between(
        &self,
        partner: &PartnerId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<DailyUsage>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.name)
            .index_name("gsi1")
            .key_condition_expression("gsi1pk = :pk AND gsi1sk BETWEEN :low AND :high")
            .expression_attribute_values(":pk", s(format!("USAGE#{partner}")))
            .expression_attribute_values(":low", s(from.to_string()))
            .expression_attribute_values(":high", s(format!("{to}~")));
        self.every_item(query)
            .await?
            .into_iter()
            .map(from_item)
            .collect()
    }
}

impl Table {
    /// The ids of every customer of the partner, by name (one Query of the list index,
    /// all pages, reading only the ids).
    pub async fn customer_ids(&self, partner: &PartnerId) -> Result<Vec<CustomerId>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.name)
            .index_name("gsi1")
            .key_condition_expression("gsi1pk = :pk AND begins_with(gsi1sk, :prefix)")
            .expression_attribute_values(":pk", s(format!("CUSTOMERS#{partner}")))
            .expression_attribute_values(":prefix", s("NAME#"))
            .projection_expression("id");
        Ok(self
            .every_item(query)
            .await?
            .iter()
            .filter_map(|i| i.get("id").and_then(|v| v.as_s().ok()))
            .filter_map(|id| CustomerId::parse(id).ok())
            .collect())
    }
}
