//! What a report reads, and only what its type needs (`ReportType::needs`): per customer
//! a Query or two (its account and entitlements, its computers, its buckets), the fleets'
//! counters 100 per BatchGetItem, and per partner one Query each for the alerts, audit
//! records and usage of the period. The calls grow linearly with the customers.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use domain::{
    partner::Partner,
    report::{
        data::{CustomerData, ReportData},
        Period, Report,
    },
    telemetry::{Buckets, Tally},
    user::UserStatus,
    CustomerId,
};
use futures::{stream, StreamExt, TryStreamExt};
use store::{PartnerScope, StoreError, Table};

/// Customers read at once.
const CONCURRENCY: usize = 8;
/// The most audit records a Security Audit lists.
pub const MAX_AUDIT_RECORDS: usize = 50_000;

async fn one_customer(
    table: &Table,
    scope: &PartnerScope,
    report: &Report,
    id: &CustomerId,
    now: DateTime<Utc>,
) -> Result<Option<CustomerData>, StoreError> {
    let needs = report.report_type.needs();
    let Some(state) = table.customer(scope, id).await? else {
        // Removed since the report was asked for: left out.
        return Ok(None);
    };
    let buckets = async {
        if !needs.buckets {
            return Ok(Buckets::default());
        }
        match report.options.period {
            // The same read as the console's pages for the same range.
            Period::Last { .. } => table.customer_buckets(id, now).await,
            Period::Days { from, to } => table.customer_days(id, from, to).await,
        }
    };
    let computers = async {
        if needs.computers {
            table.fleet_computers(id).await
        } else {
            Ok(Vec::new())
        }
    };
    let (buckets, computers) = futures::try_join!(buckets, computers)?;
    Ok(Some(CustomerData {
        customer: state.customer,
        entitlements: if needs.entitlements {
            state.entitlements
        } else {
            Vec::new()
        },
        current: Tally::new(),
        buckets,
        computers,
    }))
}

/// Everything the report's type needs, as it stands at `now`.
pub async fn gather(
    table: &Table,
    partner: &Partner,
    report: &Report,
    now: DateTime<Utc>,
) -> Result<ReportData, StoreError> {
    let scope = PartnerScope::new(partner.id.clone());
    let needs = report.report_type.needs();
    let span = report.options.period.span(now);
    let ids = report.customers();
    let mut customers: Vec<CustomerData> = stream::iter(ids.iter())
        .map(|id| one_customer(table, &scope, report, id, now))
        .buffered(CONCURRENCY)
        .try_filter_map(|c| async move { Ok(c) })
        .try_collect()
        .await?;
    let present: Vec<CustomerId> = customers.iter().map(|c| c.customer.id.clone()).collect();
    for fleet in table.fleets(&present).await? {
        if let Some(c) = customers
            .iter_mut()
            .find(|c| Some(&c.customer.id) == fleet.customer_id.as_ref())
        {
            c.current = fleet.tally;
        }
    }
    let chosen: BTreeSet<&CustomerId> = present.iter().collect();
    let alerts = if needs.alerts {
        table
            .alerts_since(&partner.id, span.from, span.to)
            .await?
            .into_iter()
            .filter(|a| a.customer_id.as_ref().is_some_and(|c| chosen.contains(c)))
            .collect()
    } else {
        Vec::new()
    };
    let audit = if needs.audit {
        table
            .audit_between(&partner.id, span.from, span.to, MAX_AUDIT_RECORDS)
            .await?
    } else {
        Vec::new()
    };
    let disabled_users = if report.options.active_users_only {
        table
            .users(&scope)
            .await?
            .into_iter()
            .filter(|u| u.status == UserStatus::Disabled)
            .map(|u| u.id)
            .collect()
    } else {
        BTreeSet::new()
    };
    let usage = if needs.usage {
        let last = (span.to - Duration::seconds(1)).date_naive();
        table
            .usage_between(&partner.id, span.from.date_naive(), last)
            .await?
            .into_iter()
            .filter(|u| chosen.contains(&u.customer_id))
            .collect()
    } else {
        Vec::new()
    };
    Ok(ReportData {
        name: report.name.clone(),
        report_type: report.report_type,
        options: report.options.clone(),
        now,
        partner_name: partner.company.name.clone(),
        customers,
        alerts,
        audit,
        disabled_users,
        usage,
    })
}
