//! Report templates and schedules in the table.
//!
//! A template is `PARTNER#<partnerId>` / `TEMPLATE#<templateId>`, a schedule
//! `PARTNER#<partnerId>` / `SCHEDULE#<scheduleId>`: each tab of the Reports page is one
//! Query. A schedule is written `pending` before its EventBridge Scheduler schedule is
//! made and `deleting` before that is removed; while it is in either state it sits in the
//! scheduler's due index (`gsi2pk = DUE`) from a few minutes on (`Table::due` returns
//! it), so a tick finishes what a failure left half done.

use aws_sdk_dynamodb::types::{ConditionCheck, TransactWriteItem};
use chrono::Duration;
use serde::{Deserialize, Serialize};

use super::{
    audit, delete_if_version, keys::partner_pk, put_if_version, put_new, schedule::time_key,
    to_item, Keys, StoreError, Table,
};
use domain::{
    audit::AuditRecord,
    report::schedule::{ReportSchedule, ReportTemplate, ScheduleState},
    PartnerId, ScheduleId, TemplateId,
};

/// How long a schedule may stay pending or deleting before a tick settles it: longer
/// than the request that wrote it can take.
pub const SETTLE_AFTER_MINUTES: i64 = 5;

fn template_keys(partner: &PartnerId, id: &TemplateId) -> Keys {
    Keys::new(partner_pk(partner), format!("TEMPLATE#{id}"))
}

fn schedule_keys(partner: &PartnerId, s: &ReportSchedule) -> Keys {
    let keys = Keys::new(partner_pk(partner), format!("SCHEDULE#{}", s.id));
    match s.state {
        ScheduleState::Active => keys,
        ScheduleState::Pending | ScheduleState::Deleting => keys.gsi2(
            super::schedule::DUE_PK,
            format!(
                "{}#{}",
                time_key(s.updated_at + Duration::minutes(SETTLE_AFTER_MINUTES)),
                s.id
            ),
        ),
    }
}

/// A template or schedule as stored: the record and its partner.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Owned<T> {
    #[serde(flatten)]
    record: T,
    partner_id: PartnerId,
}

/// A schedule and its partner, as the tick and the worker find it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredSchedule {
    #[serde(flatten)]
    pub schedule: ReportSchedule,
    pub partner_id: PartnerId,
}

impl Table {
    /// Stores a new template with its audit record.
    pub async fn create_template(
        &self,
        partner: &PartnerId,
        template: &ReportTemplate,
        audit: &AuditRecord,
    ) -> Result<(), StoreError> {
        let owned = Owned {
            record: template.clone(),
            partner_id: partner.clone(),
        };
        self.transact(vec![
            put_new(
                &self.name,
                to_item(
                    template_keys(partner, &template.id),
                    "ReportTemplate",
                    &owned,
                )?,
            )?,
            put_new(&self.name, audit::item(audit)?)?,
        ])
        .await
    }

    /// Replaces a template that is still at `expected` (the new one carries the next
    /// version), with its audit record; `ConditionFailed` when it changed or is gone.
    /// `audit` is `None` for the console's own bookkeeping (the first generation date).
    pub async fn save_template(
        &self,
        partner: &PartnerId,
        template: &ReportTemplate,
        expected: u64,
        audit: Option<&AuditRecord>,
    ) -> Result<(), StoreError> {
        let mut next = template.clone();
        next.version = expected + 1;
        let owned = Owned {
            record: next,
            partner_id: partner.clone(),
        };
        let mut items = vec![put_if_version(
            &self.name,
            to_item(
                template_keys(partner, &template.id),
                "ReportTemplate",
                &owned,
            )?,
            expected,
        )?];
        if let Some(a) = audit {
            items.push(put_new(&self.name, audit::item(a)?)?);
        }
        self.transact(items).await
    }

    pub async fn template(
        &self,
        partner: &PartnerId,
        id: &TemplateId,
    ) -> Result<Option<ReportTemplate>, StoreError> {
        let k = template_keys(partner, id);
        Ok(self
            .get::<Owned<ReportTemplate>>(&k.pk, &k.sk)
            .await?
            .map(|o| o.record))
    }

    /// Every template of the partner, oldest first (one Query, all pages).
    pub async fn templates(&self, partner: &PartnerId) -> Result<Vec<ReportTemplate>, StoreError> {
        self.partition_items(&partner_pk(partner), "TEMPLATE#")
            .await?
            .into_iter()
            .map(|i| super::from_item::<Owned<ReportTemplate>>(i).map(|o| o.record))
            .collect()
    }

    /// Removes a template at `expected` with its audit record.
    pub async fn delete_template(
        &self,
        partner: &PartnerId,
        id: &TemplateId,
        expected: u64,
        audit: &AuditRecord,
    ) -> Result<(), StoreError> {
        self.transact(vec![
            delete_if_version(&self.name, &template_keys(partner, id), expected)?,
            put_new(&self.name, audit::item(audit)?)?,
        ])
        .await
    }

    /// Every schedule of the partner, oldest first (one Query, all pages).
    pub async fn schedules(&self, partner: &PartnerId) -> Result<Vec<ReportSchedule>, StoreError> {
        self.partition_items(&partner_pk(partner), "SCHEDULE#")
            .await?
            .into_iter()
            .map(|i| super::from_item::<StoredSchedule>(i).map(|o| o.schedule))
            .collect()
    }

    pub async fn schedule(
        &self,
        partner: &PartnerId,
        id: &ScheduleId,
    ) -> Result<Option<ReportSchedule>, StoreError> {
        let k = Keys::new(partner_pk(partner), format!("SCHEDULE#{id}"));
        Ok(self
            .get::<StoredSchedule>(&k.pk, &k.sk)
            .await?
            .map(|o| o.schedule))
    }

    /// Writes a new schedule (pending, version 1) if its template still exists.
    /// `ConditionFailed { index: Some(1) }` when the template is gone.
    pub async fn create_schedule(
        &self,
        partner: &PartnerId,
        schedule: &ReportSchedule,
    ) -> Result<(), StoreError> {
        let template = template_keys(partner, &schedule.template_id);
        let check = ConditionCheck::builder()
            .table_name(&self.name)
            .set_key(Some(template.key()))
            .condition_expression("attribute_exists(pk)")
            .build()
            .map_err(StoreError::sdk)?;
        self.transact(vec![
            put_new(&self.name, self.schedule_item(partner, schedule)?)?,
            TransactWriteItem::builder().condition_check(check).build(),
        ])
        .await
    }

    fn schedule_item(
        &self,
        partner: &PartnerId,
        schedule: &ReportSchedule,
    ) -> Result<super::Item, StoreError> {
        to_item(
            schedule_keys(partner, schedule),
            "ReportSchedule",
            &StoredSchedule {
                schedule: schedule.clone(),
                partner_id: partner.clone(),
            },
        )
    }

    /// Replaces a schedule that is still at `expected` (the new one carries the next
    /// version), with an audit record when one is given.
    pub async fn save_schedule(
        &self,
        partner: &PartnerId,
        schedule: &ReportSchedule,
        expected: u64,
        audit: Option<&AuditRecord>,
    ) -> Result<ReportSchedule, StoreError> {
        let mut next = schedule.clone();
        next.version = expected + 1;
        let mut items = vec![put_if_version(
            &self.name,
            self.schedule_item(partner, &next)?,
            expected,
        )?];
        if let Some(a) = audit {
            items.push(put_new(&self.name, audit::item(a)?)?);
        }
        self.transact(items).await?;
        Ok(next)
    }

    /// Removes a schedule at `expected`, with an audit record when one is given.
    pub async fn delete_schedule(
        &self,
        partner: &PartnerId,
        schedule: &ReportSchedule,
        expected: u64,
        audit: Option<&AuditRecord>,
    ) -> Result<(), StoreError> {
        let mut items = vec![delete_if_version(
            &self.name,
            &schedule_keys(partner, schedule),
            expected,
        )?];
        if let Some(a) = audit {
            items.push(put_new(&self.name, audit::item(a)?)?);
        }
        self.transact(items).await
    }
}

/// Whether a partner was given its automatic reports: `due` (in the scheduler's due index)
/// from sign-up or the migration until the tick makes them, then `done`. Written once, so
/// a partner that deletes them is not given them again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AutomaticReports {
    pub partner_id: PartnerId,
    /// Who owns them: the partner's first administrator.
    pub owner: domain::UserId,
    pub done: bool,
}

fn automatic_keys(partner: &PartnerId, done: bool, since: chrono::DateTime<chrono::Utc>) -> Keys {
    let keys = Keys::new(partner_pk(partner), "AUTOMATIC_REPORTS");
    if done {
        keys
    } else {
        keys.gsi2(
            super::schedule::DUE_PK,
            format!("{}#AUTO#{partner}", time_key(since)),
        )
    }
}

/// The item that puts a partner's automatic reports in the tick's queue, for a
/// transaction (sign-up) or on its own (the migration): created only if absent.
pub fn automatic_reports_due(
    table: &str,
    partner: &PartnerId,
    owner: &domain::UserId,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<aws_sdk_dynamodb::types::TransactWriteItem, StoreError> {
    put_new(
        table,
        to_item(
            automatic_keys(partner, false, now),
            "AutomaticReports",
            &AutomaticReports {
                partner_id: partner.clone(),
                owner: owner.clone(),
                done: false,
            },
        )?,
    )
}

impl Table {
    /// Points a schedule at the report its latest run made (no version change: an edit
    /// meanwhile may put the previous one back, which the next run corrects).
    pub async fn set_last_report(
        &self,
        partner: &PartnerId,
        schedule: &ScheduleId,
        report: &domain::ReportId,
    ) -> Result<(), StoreError> {
        let k = Keys::new(partner_pk(partner), format!("SCHEDULE#{schedule}"));
        match self
            .client
            .update_item()
            .table_name(&self.name)
            .set_key(Some(k.key()))
            .update_expression("SET lastReportId = :r")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":r", super::s(report.to_string()))
            .send()
            .await
        {
            Ok(_) => Ok(()),
            // Deleted meanwhile.
            Err(e) if super::reports::update_failed(&e) => Ok(()),
            Err(e) => Err(StoreError::sdk(e)),
        }
    }

    /// Queues a partner's automatic reports unless it was queued (or given them) before:
    /// `true` when queued now.
    pub async fn queue_automatic_reports(
        &self,
        partner: &PartnerId,
        owner: &domain::UserId,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<bool, StoreError> {
        match self
            .transact(vec![automatic_reports_due(
                &self.name, partner, owner, now,
            )?])
            .await
        {
            Ok(()) => Ok(true),
            Err(StoreError::ConditionFailed { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Marks a partner's automatic reports made: out of the due index.
    pub async fn automatic_reports_done(&self, a: &AutomaticReports) -> Result<(), StoreError> {
        let done = AutomaticReports {
            done: true,
            ..a.clone()
        };
        self.client
            .put_item()
            .table_name(&self.name)
            .set_item(Some(to_item(
                automatic_keys(&a.partner_id, true, chrono::Utc::now()),
                "AutomaticReports",
                &done,
            )?))
            .send()
            .await
            .map_err(StoreError::sdk)?;
        Ok(())
    }

    /// Every partner's id and first administrator (a scan: the migration only).
    pub async fn every_partner_admin(
        &self,
    ) -> Result<Vec<(PartnerId, domain::UserId)>, StoreError> {
        let mut out = Vec::new();
        let mut start = None;
        loop {
            let page = self
                .client
                .scan()
                .table_name(&self.name)
                .filter_expression("kind = :user AND #role = :admin")
                .expression_attribute_names("#role", "role")
                .expression_attribute_values(":user", super::s("User"))
                .expression_attribute_values(":admin", super::s("partnerAdministrator"))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(StoreError::sdk)?;
            for item in page.items.unwrap_or_default() {
                let user: domain::User = super::from_item(item)?;
                if !out
                    .iter()
                    .any(|(p, _): &(PartnerId, _)| p == &user.partner_id)
                {
                    out.push((user.partner_id.clone(), user.id.clone()));
                }
            }
            start = page.last_evaluated_key;
            if start.is_none() {
                return Ok(out);
            }
        }
    }
}
