//! The scheduler tick (an EventBridge schedule; `make run` ticks it every minute): trials
//! past their end expire, paid subscriptions renew, pending requests are reminded by their
//! partner's setting and expire past their expiry (the partner's administrators hear of
//! it), report schedules a failure left half made are settled, new partners get their
//! automatic reports, sign-ups whose email was never confirmed are removed, and each UTC
//! day's seat usage per customer and product is recorded once.
//! Ticking twice for the same moment changes nothing the second time.

mod reminders;
mod sign_ups;

use adapters::notify;
use adapters::services::AppState;
use chrono::{DateTime, Utc};
use domain::{
    alert::{self, ConsentOutcome},
    audit::{Action, AuditRecord, Outcome},
    consent::RequestEvent,
    customer::{apply_to_entitlements, Customer},
    entitlement::{Entitlement, EntitlementEvent},
};
use serde::Serialize;
use store::{
    customers::{account_key, Change, SaveError},
    from_item,
    schedule::DailyUsage,
    Keys, PartnerScope, StoreError,
};

/// What one tick did.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TickReport {
    pub customers_updated: usize,
    pub entitlements_changed: usize,
    pub requests_expired: usize,
    /// Consent reminders sent (one per request and slot, however often the tick runs).
    pub requests_reminded: usize,
    /// Pending requests looked at for a reminder and planned again without one (not due
    /// under the partner's current setting: off, at its max, or other hours).
    pub requests_replanned: usize,
    /// Requests whose reminder failed on an error (logged): the next tick tries again,
    /// and the rest of this tick goes on.
    pub reminder_errors: usize,
    /// Usage items written (0 when the day was recorded already).
    pub usage_recorded: usize,
    /// Customers changed by someone else meanwhile: the next tick takes them.
    pub conflicts: usize,
    /// Alerts raised or renewed: consent requests expired, and (once a day) trials
    /// ending within seven days and customers using more seats than they have.
    pub alerts: usize,
    /// Alert deliveries given their next attempt.
    pub deliveries_retried: usize,
    /// New alerts notified by the tick because their event never reached the notifier.
    pub alerts_caught_up: usize,
    /// Report schedules a failure left pending or deleting, now settled.
    pub schedules_settled: usize,
    /// Automatic report schedules made for new partners.
    pub automatic_schedules: usize,
    /// Sign-ups removed because their email was not confirmed in time.
    pub unverified_removed: usize,
}

/// The moment a tick is for: the event's `time` (EventBridge sets it), or now.
pub fn moment(event: &serde_json::Value) -> DateTime<Utc> {
    event["time"]
        .as_str()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map_or_else(Utc::now, |t| t.with_timezone(&Utc))
}

/// The Lambda entry point.
pub async fn handle(
    state: &AppState,
    event: serde_json::Value,
) -> Result<serde_json::Value, lambda_runtime::Error> {
    let report = tick(state, moment(&event)).await?;
    tracing::info!(?report, "tick");
    Ok(serde_json::to_value(report)?)
}

/// One tick for the moment `now`.
pub async fn tick(state: &AppState, now: DateTime<Utc>) -> Result<TickReport, StoreError> {
    let table = &state.table;
    let mut report = TickReport::default();
    let due = table.due(now).await?;
    for id in &due.customers {
        let Some(account) = table.customer_account(id).await? else {
            continue;
        };
        let Some((customer, changed)) = apply_to_entitlements(
            &account.customer,
            &account.entitlements,
            &EntitlementEvent::Tick { now },
        ) else {
            continue;
        };
        let audit = AuditRecord::new(
            Action::ScheduledEntitlements,
            "scheduler",
            "scheduler",
            Outcome::Success,
        )
        .by(&customer.partner_id, None)
        .target(customer.id.to_string())
        .reason(
            changed
                .iter()
                .map(|e| format!("{} {}", e.product, e.state.name()))
                .collect::<Vec<_>>()
                .join(", "),
        );
        match table
            .save_customer(
                &customer,
                &account.customer,
                Change {
                    entitlements: &changed,
                    serial: None,
                },
                &audit,
            )
            .await
        {
            Ok(()) => {
                report.customers_updated += 1;
                report.entitlements_changed += changed.len();
            }
            Err(SaveError::Store(e)) => return Err(e),
            Err(_) => report.conflicts += 1,
        }
    }
    let mut partners = reminders::Partners::default();
    for stored in &due.requests {
        if now < stored.request.expires_at {
            // Due for a reminder, not expiry. One request's failure stops nothing else.
            match reminders::remind(state, &mut partners, stored, now).await {
                Ok(reminders::Reminded::Sent) => report.requests_reminded += 1,
                Ok(reminders::Reminded::Replanned) => report.requests_replanned += 1,
                Ok(reminders::Reminded::Nothing) => {}
                Err(e) => {
                    tracing::error!(request = %stored.request.id, error = %e, "reminder failed");
                    report.reminder_errors += 1;
                }
            }
            continue;
        }
        let Ok(next) = stored.request.apply(RequestEvent::Expire { now }) else {
            continue;
        };
        if next == stored.request {
            continue;
        }
        let record = stored.with(next);
        if table.close_request(&record).await? {
            report.requests_expired += 1;
            let sender = table
                .user(
                    &PartnerScope::new(record.request.partner_id.clone()),
                    &record.request.requested_by,
                )
                .await?
                .map(|u| u.name());
            let raise = alert::consent(&record.request, ConsentOutcome::Expired, sender, now);
            report.alerts += notify::raise(state, &record.request.partner_id, &[raise])
                .await?
                .len();
        }
    }
    report.schedules_settled = settle_schedules(state, &due.schedules).await?;
    for a in &due.automatic {
        match adapters::schedules::ensure_automatic(state, &a.partner_id, &a.owner, now).await {
            Ok(made) => {
                report.automatic_schedules += made;
                table.automatic_reports_done(a).await?;
            }
            // Left in the due index: the next tick tries again.
            Err(e) => {
                tracing::warn!(partner = %a.partner_id, error = %e, "automatic reports not made")
            }
        }
    }
    report.unverified_removed = sign_ups::remove_unverified(state, &due.unverified).await?;
    report.deliveries_retried = notify::retry(state, due.deliveries, now).await?;
    report.alerts_caught_up = notify::catch_up(state, due.notifications, now).await?;
    let day = now.date_naive();
    if !table.usage_recorded(day).await? {
        let live = table.live_entitlements().await?;
        let mut customers: Vec<Keys> = Vec::new();
        for e in &live {
            let k = account_key(&e.customer_id);
            if !customers.iter().any(|c| c.pk == k.pk) {
                customers.push(k);
            }
        }
        let mut accounts: Vec<Customer> = Vec::new();
        for chunk in customers.chunks(100) {
            for item in table.get_many(chunk).await? {
                accounts.push(from_item(item)?);
            }
        }
        let mut usage: Vec<DailyUsage> = live
            .iter()
            .filter_map(|e| {
                let c = accounts.iter().find(|c| c.id == e.customer_id)?;
                Some(DailyUsage {
                    day,
                    partner_id: c.partner_id.clone(),
                    customer_id: e.customer_id.clone(),
                    product: e.product.clone(),
                    status: e.state.name().to_string(),
                    seats: e.seats,
                })
            })
            .collect();
        usage.sort_by(|a, b| (&a.customer_id, &a.product).cmp(&(&b.customer_id, &b.product)));
        table.record_usage(day, &usage).await?;
        report.usage_recorded = usage.len();
        for account in &accounts {
            let mine: Vec<&Entitlement> = live
                .iter()
                .filter(|e| e.customer_id == account.id)
                .collect();
            let mut raises = alert::trials_expiring(account, &mine, now);
            raises.extend(alert::seats_over_capacity(account, now));
            if !raises.is_empty() {
                report.alerts += notify::raise(state, &account.partner_id, &raises)
                    .await?
                    .len();
            }
        }
    }
    Ok(report)
}

/// Finishes what a failure left half done between a report schedule and its EventBridge
/// Scheduler schedule: a pending schedule whose Scheduler schedule exists becomes active,
/// one without is removed; a deleting one loses its Scheduler schedule, then its item.
/// A Scheduler failure leaves the schedule for the next tick.
async fn settle_schedules(
    state: &AppState,
    due: &[store::report_plans::StoredSchedule],
) -> Result<usize, StoreError> {
    use domain::report::schedule::ScheduleState;
    let mut settled = 0;
    if due.is_empty() {
        return Ok(settled);
    }
    let scheduler = match state.schedules() {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "report schedules cannot be settled");
            return Ok(settled);
        }
    };
    for stored in due {
        let (partner, s) = (&stored.partner_id, &stored.schedule);
        let done = match s.state {
            ScheduleState::Active => continue,
            ScheduleState::Pending => match scheduler.expression(&s.id).await {
                Ok(Some(_)) => {
                    let active = domain::report::schedule::ReportSchedule {
                        state: ScheduleState::Active,
                        ..s.clone()
                    };
                    state
                        .table
                        .save_schedule(partner, &active, s.version, None)
                        .await
                }
                Ok(None) => state
                    .table
                    .delete_schedule(partner, s, s.version, None)
                    .await
                    .map(|()| s.clone()),
                Err(e) => {
                    tracing::warn!(schedule = %s.id, error = %e, "pending schedule not settled");
                    continue;
                }
            },
            ScheduleState::Deleting => match scheduler.delete(&s.id).await {
                Ok(()) => {
                    let audit = AuditRecord::new(
                        Action::DeleteReportSchedule,
                        "scheduler",
                        "scheduler",
                        Outcome::Success,
                    )
                    .by(partner, None)
                    .target(s.id.to_string());
                    state
                        .table
                        .delete_schedule(partner, s, s.version, Some(&audit))
                        .await
                        .map(|()| s.clone())
                }
                Err(e) => {
                    tracing::warn!(schedule = %s.id, error = %e, "deleting schedule not settled");
                    continue;
                }
            },
        };
        match done {
            Ok(_) => settled += 1,
            // Changed meanwhile: the next tick sees it as it is now.
            Err(StoreError::ConditionFailed { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(settled)
}
