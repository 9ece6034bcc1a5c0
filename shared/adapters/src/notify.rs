//! Raising alerts and delivering them: a raise stores the alert (or renews the open one
//! of its condition) and, for a new alert, puts an `AlertRaised` event on the bus; the
//! notifier worker takes the event, finds the rules the alert matches and who may hear of
//! it (`domain::alert::plan`), and sends each message once: by email (SES), SMS (SNS) or
//! a signed webhook call. A failed message is retried with backoff by the scheduler tick,
//! then kept as a dead letter.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use domain::{
    alert::{
        message_text, plan, retry_delay, retryable, sign, Alert, AlertKind, AlertStatus, Audience,
        Channel, Planned, Raise, Rule, Service, WebhookPayload, DELIVERY_HEADER, SIGNATURE_HEADER,
        TIMESTAMP_HEADER,
    },
    authorization::Grant,
    role::Visibility,
    AlertId, PartnerId, User,
};

use crate::events::DomainEvent;

use crate::mail::Message;

use crate::metrics::Metric;
use domain::mail::{MailKind, MailTags};

use crate::services::Services;

use store::{
    alerts::{delivery_id, Delivery, DeliveryStatus, Raised},
    PartnerScope, StoreError,
};

/// The detail type of the event that wakes the notifier.
pub const ALERT_RAISED: &str = "AlertRaised";

/// `AlertRaised`'s detail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertRaisedDetail {
    pub partner_id: PartnerId,
    pub alert_id: AlertId,
}

/// Raises each alert (or renews its open condition) and tells the notifier of new ones.
/// An event the bus refuses is logged: the alert stands, and the Alerts page shows it.
pub async fn raise(
    state: &Services,
    partner: &PartnerId,
    raises: &[Raise],
) -> Result<Vec<Raised>, StoreError> {
    let mut done = Vec::new();
    for r in raises {
        let raised = state.table.raise(partner, r).await?;
        if let Raised::New(id) = &raised {
            tracing::info!(partner = %partner, alert = %id, kind = r.kind.as_str(), "alert raised");
            let event = DomainEvent {
                detail_type: ALERT_RAISED.into(),
                detail: serde_json::to_value(AlertRaisedDetail {
                    partner_id: partner.clone(),
                    alert_id: id.clone(),
                })
                .expect("the detail serialises"),
            };
            if let Err(e) = state.events().publish(&event).await {
                tracing::error!(partner = %partner, alert = %id, error = %e, "AlertRaised was not published");
            }
        }
        done.push(raised);
    }
    Ok(done)
}

/// What the notifier did with one event.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Notified {
    /// Messages claimed and attempted now.
    pub attempted: usize,
    pub sent: usize,
    /// Messages claimed by an earlier delivery of the same event.
    pub already: usize,
    /// Emails and text messages not sent because the partner's sign-up email is not
    /// confirmed yet.
    pub unconfirmed: usize,
}

/// The notifier's work for one `AlertRaised`.
pub async fn on_alert_raised(
    state: &Services,
    detail: &AlertRaisedDetail,
    now: DateTime<Utc>,
) -> Result<Notified, StoreError> {
    let report = deliver(state, detail, now).await?;
    // Done: the tick need not step in.
    state
        .table
        .notified(&detail.partner_id, &detail.alert_id)
        .await?;
    Ok(report)
}

/// Claims and sends every message the alert's rules say.
async fn deliver(
    state: &Services,
    detail: &AlertRaisedDetail,
    now: DateTime<Utc>,
) -> Result<Notified, StoreError> {
    let mut report = Notified::default();
    let Some(alert) = state
        .table
        .alert(&detail.partner_id, &detail.alert_id)
        .await?
    else {
        return Ok(report);
    };
    if alert.status == AlertStatus::Dismissed {
        // Dismissed before anyone was told (the tick catching up): nothing to say.
        return Ok(report);
    }
    let rules = state.table.rules(&detail.partner_id).await?;
    let matching: Vec<Rule> = rules.into_iter().filter(|r| r.matches(&alert)).collect();
    if matching.is_empty() {
        return Ok(report);
    }
    let scope = PartnerScope::new(detail.partner_id.clone());
    let users = state.table.users(&scope).await?;
    // The custom roles in one Query, not one read per user; a user whose role is gone
    // sees nothing.
    let roles = if users.iter().any(|u| u.role.custom().is_some()) {
        state.table.roles(&scope).await?
    } else {
        Vec::new()
    };
    let users: Vec<(User, Visibility)> = users
        .into_iter()
        .map(|user| {
            let grant = Grant::among(&user.role, &roles);
            let visibility =
                grant.map_or_else(|| Visibility::Only(Default::default()), |g| g.visibility());
            (user, visibility)
        })
        .collect();
    let customer = match &alert.customer_id {
        Some(c) if matching.iter().any(|r| r.customer_contacts) => state
            .table
            .accounts(std::slice::from_ref(c))
            .await?
            .into_iter()
            .find(|a| a.partner_id == detail.partner_id),
        _ => None,
    };
    let planned = plan(
        &matching,
        &alert,
        &Audience {
            users: &users,
            customer: customer.as_ref(),
        },
    );
    // An unconfirmed sign-up has proved no address: the console sends no email or SMS
    // for it (its rules may name any contact). Webhooks go to its own endpoint, signed.
    let planned = if planned.iter().any(|p| p.channel != Channel::Webhook)
        && !state
            .table
            .partner(&detail.partner_id)
            .await?
            .is_some_and(|p| p.may_send_email())
    {
        let (webhooks, withheld): (Vec<Planned>, Vec<Planned>) = planned
            .into_iter()
            .partition(|p| p.channel == Channel::Webhook);
        report.unconfirmed = withheld.len();
        webhooks
    } else {
        planned
    };
    for p in planned {
        let rule = matching
            .iter()
            .find(|r| r.id == p.rule)
            .expect("planned from these");
        let mut d = claim(&alert, &p, now);
        if !state.table.claim_delivery(&d).await? {
            report.already += 1;
            continue;
        }
        report.attempted += 1;
        attempt(state, &mut d, &alert, rule, now).await?;
        if d.status == DeliveryStatus::Sent {
            report.sent += 1;
        }
    }
    Ok(report)
}

/// A claimed delivery, due for a retry shortly in case this attempt never finishes.
fn claim(alert: &Alert, p: &Planned, now: DateTime<Utc>) -> Delivery {
    Delivery {
        id: delivery_id(&alert.id, &p.rule, p.channel, &p.target),
        partner_id: alert.partner_id.clone(),
        rule_id: p.rule.clone(),
        alert_id: alert.id.clone(),
        channel: p.channel,
        target: p.target.clone(),
        status: DeliveryStatus::Retrying,
        status_code: None,
        attempts: 0,
        next_attempt_at: Some(now + chrono::Duration::minutes(2)),
        error: None,
        test: false,
        at: now,
        updated_at: now,
    }
}

fn alert_link(state: &Services, alert: &Alert) -> String {
    format!(
        "{}/alerts?alert={}",
        state.config.console_url.trim_end_matches('/'),
        alert.id
    )
}

/// The webhook body for a delivery.
pub fn payload(
    state: &Services,
    d: &Delivery,
    rule: &Rule,
    alert: &Alert,
    now: DateTime<Utc>,
) -> Vec<u8> {
    serde_json::to_vec(&WebhookPayload {
        kind: if d.test { "alert.test" } else { "alert.raised" }.into(),
        delivery_id: d.id.clone(),
        rule_id: rule.id.clone(),
        rule_name: rule.name.clone(),
        sent_at: now,
        link: alert_link(state, alert),
        alert: alert.clone(),
    })
    .expect("the payload serialises")
}

/// How an email or a text message went: no status code, an error or none.
fn sent<T, E: std::fmt::Display>(result: Result<T, E>) -> crate::webhook::Outcome {
    crate::webhook::Outcome {
        status: None,
        error: result.err().map(|e| e.to_string()),
    }
}

/// One attempt at a delivery, and its record: sent; due again after the backoff; or, at
/// the last attempt or on an answer that will not change, failed and kept as a dead
/// letter (with the body that would have been sent).
pub async fn attempt(
    state: &Services,
    d: &mut Delivery,
    alert: &Alert,
    rule: &Rule,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let link = alert_link(state, alert);
    let (subject, text, sms) = message_text(alert, &link);
    let mut body = None;
    // An address the partner no longer mails fails for good: trying again cannot help.
    let mut suppressed = false;
    let outcome = match d.channel {
        Channel::Email => {
            let result = state
                .send_mail(&Message {
                    to: vec![d.target.clone()],
                    subject,
                    text,
                    tags: MailTags::new(&alert.partner_id, MailKind::Alert),
                })
                .await;
            suppressed = matches!(&result, Ok(s) if s.message_id.is_none());
            if suppressed {
                sent(Err::<(), _>(
                    "not sent: the address bounced or marked mail as spam",
                ))
            } else {
                sent(result)
            }
        }
        Channel::Sms => sent(state.sms().send(&d.target, &sms).await),
        Channel::Webhook => match &rule.webhook {
            None => sent(Err::<(), _>("the rule no longer has a webhook")),
            Some(hook) => {
                let b = payload(state, d, rule, alert, now);
                let ts = now.timestamp();
                let headers = [
                    (SIGNATURE_HEADER, sign(&hook.secret, ts, &b)),
                    (TIMESTAMP_HEADER, ts.to_string()),
                    (DELIVERY_HEADER, d.id.clone()),
                ];
                let out = crate::webhook::post(
                    &hook.url,
                    b.clone(),
                    &headers,
                    state.config.webhook_allow_loopback,
                )
                .await;
                body = Some(b);
                out
            }
        },
    };
    d.attempts += 1;
    d.updated_at = now;
    d.status_code = outcome.status;
    let failed = outcome.error.is_some();
    d.error = outcome.error;
    if !failed {
        d.status = DeliveryStatus::Sent;
        d.next_attempt_at = None;
    } else {
        let again = (retryable(outcome.status) && !d.test && !suppressed)
            .then(|| retry_delay(d.attempts))
            .flatten();
        match again {
            Some(delay) => {
                d.status = DeliveryStatus::Retrying;
                d.next_attempt_at = Some(now + delay);
            }
            None => {
                d.status = DeliveryStatus::Failed;
                d.next_attempt_at = None;
                if !d.test {
                    state.table.dead_letter(d, body.as_deref()).await?;
                }
            }
        }
    }
    tracing::info!(
        delivery = %d.id, channel = d.channel.as_str(), status = ?d.status,
        code = ?d.status_code, attempts = d.attempts, error = ?d.error, "alert delivery"
    );
    state.table.record_delivery(d).await?;
    // Counted once the outcome is stored: a failed store is tried again, and counts then.
    if let Some(metric) = outcome_metric(d, suppressed) {
        state.metrics.emit(metric, 1);
    }
    Ok(())
}

/// The metric a finished delivery counts in: a rule's "Send test" is not an alert
/// notification, and an address the partner no longer mails (it bounced or complained)
/// is the partner's to fix, not an operations fault (`NotificationsFailed` raises an
/// alarm).
fn outcome_metric(d: &Delivery, suppressed: bool) -> Option<Metric> {
    match d.status {
        _ if d.test => None,
        DeliveryStatus::Sent => Some(Metric::AlertsSent),
        DeliveryStatus::Failed if suppressed => Some(Metric::NotificationsSuppressed),
        DeliveryStatus::Failed => Some(Metric::NotificationsFailed),
        _ => None,
    }
}

/// The scheduler tick's part for alerts whose `AlertRaised` never reached the notifier:
/// what the notifier would have done (deliveries it did claim are not sent again).
pub async fn catch_up(
    state: &Services,
    pending: Vec<store::alerts::PendingNotification>,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    for p in &pending {
        tracing::warn!(partner = %p.partner_id, alert = %p.alert_id, "notifying an alert the bus did not deliver");
        on_alert_raised(
            state,
            &AlertRaisedDetail {
                partner_id: p.partner_id.clone(),
                alert_id: p.alert_id.clone(),
            },
            now,
        )
        .await?;
    }
    Ok(pending.len())
}

/// The scheduler tick's part: every delivery due for a retry gets its next attempt.
pub async fn retry(
    state: &Services,
    due: Vec<Delivery>,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let mut attempted = 0;
    for mut d in due {
        let alert = state.table.alert(&d.partner_id, &d.alert_id).await?;
        let rule = state.table.rule(&d.partner_id, &d.rule_id).await?;
        match (alert, rule) {
            (Some(alert), Some(rule)) => {
                attempt(state, &mut d, &alert, &rule, now).await?;
                attempted += 1;
            }
            _ => {
                // The rule was deleted (or the alert is gone): nothing left to send.
                d.status = DeliveryStatus::Failed;
                d.next_attempt_at = None;
                d.updated_at = now;
                d.error = Some("the rule was deleted".into());
                state.table.record_delivery(&d).await?;
            }
        }
    }
    Ok(attempted)
}

/// A rule's "Send test": one signed call to its webhook now, with a sample alert, kept
/// in the rule's delivery log. Not retried.
pub async fn send_test(
    state: &Services,
    rule: &Rule,
    now: DateTime<Utc>,
) -> Result<Delivery, StoreError> {
    let alert = Alert {
        id: AlertId::generate(),
        partner_id: rule.partner_id.clone(),
        kind: AlertKind::UnresolvedRisk,
        service: Service::EndpointProtection,
        severity: AlertKind::UnresolvedRisk.severity(),
        status: AlertStatus::Open,
        customer_id: None,
        customer_name: Some("Example customer".into()),
        computer: Some("EXAMPLE-PC".into()),
        group: None,
        user_id: None,
        user_name: None,
        subject: "Test alert from the Partner Console".into(),
        body: format!(
            "This is a test of the alert notification rule \"{}\". No action is needed.",
            rule.name
        ),
        condition: "test".into(),
        raised_at: now,
        updated_at: now,
        occurrences: 1,
        dismissed_at: None,
        dismissed_by: None,
    };
    let target = rule
        .webhook
        .as_ref()
        .map(|w| w.url.clone())
        .unwrap_or_default();
    let mut d = claim(
        &alert,
        &Planned {
            rule: rule.id.clone(),
            channel: Channel::Webhook,
            target,
        },
        now,
    );
    d.test = true;
    d.next_attempt_at = None;
    state.table.claim_delivery(&d).await?;
    attempt(state, &mut d, &alert, rule, now).await?;
    Ok(d)
}
