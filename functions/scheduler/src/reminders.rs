//! Consent reminders: a pending request whose next reminder is due is emailed again to the
//! customer's admin, by its partner's setting (My Company), with one more link that
//! expires when the request does (the links sent before keep working). The reminder is
//! written first (one more reminder, the new link added, the audit record) on the
//! condition that the request is still pending at the revision the tick read, so of two
//! ticks for the same moment one reminds and the other writes nothing; the email goes
//! only after that write, and only if a consistent read then finds the request still
//! pending with the new link (not answered, withdrawn or re-sent in between). An email
//! SES refuses (or that goes to a suppressed address only) is marked on the request.
//!
//! The partner's setting is read at each of the request's slots, whether reminders are
//! on or not, so a change to it applies to a pending request from its next slot: one not
//! due under the current setting is planned again (for its next slot) without an email.

use std::collections::HashMap;

use adapters::{emails, services::AppState};
use chrono::{DateTime, Utc};
use domain::{
    audit::{Action, AuditRecord, Outcome},
    consent::{ConsentReminders, RequestEvent, RequestStatus},
    customer::Customer,
    partner::Partner,
    token::{self, LinkToken, TokenPurpose},
    PartnerId,
};
use store::{consent::RequestRecord, customers::account_key, StoreError};

/// The partners read by one tick (each once), `None` for one that is gone.
#[derive(Default)]
pub struct Partners(HashMap<PartnerId, Option<Partner>>);

impl Partners {
    async fn get(
        &mut self,
        state: &AppState,
        id: &PartnerId,
    ) -> Result<Option<&Partner>, StoreError> {
        if !self.0.contains_key(id) {
            let partner = state.table.partner(id).await?;
            self.0.insert(id.clone(), partner);
        }
        Ok(self.0.get(id).and_then(Option::as_ref))
    }
}

/// The reminder setting that applies to a partner's requests now: none for a partner
/// that is gone or may not send email.
fn setting(partner: Option<&Partner>) -> ConsentReminders {
    match partner {
        Some(p) if p.may_send_email() => p.consent_reminders,
        _ => ConsentReminders::OFF,
    }
}

/// What the tick did with one request due for a reminder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reminded {
    /// Reminded (its email sent, or marked as not delivered).
    Sent,
    /// Not due under the partner's current setting: planned again, no email.
    Replanned,
    /// Nothing to do: changed meanwhile (another tick, an answer), or ended.
    Nothing,
}

/// Reminds `stored` if a reminder is due at `now`. A request not due under the partner's
/// current setting is planned again; one whose customer moved to another partner (or
/// was removed) is cancelled instead.
pub async fn remind(
    state: &AppState,
    partners: &mut Partners,
    stored: &RequestRecord,
    now: DateTime<Utc>,
) -> Result<Reminded, StoreError> {
    let request = &stored.request;
    let partner = partners.get(state, &request.partner_id).await?;
    let reminders = setting(partner);
    let Ok(next) = request.apply(RequestEvent::Remind { at: now, reminders }) else {
        let planned = request.clone().replanned(&reminders, now);
        if (planned.next_slot_at, planned.next_reminder_at)
            != (request.next_slot_at, request.next_reminder_at)
            && state.table.replan_request(&stored.with(planned)).await?
        {
            return Ok(Reminded::Replanned);
        }
        return Ok(Reminded::Nothing);
    };
    let Some(partner) = partner else {
        return Ok(Reminded::Nothing);
    };
    if !stored.placeholder {
        // The account item alone (one GetItem): does the request still hold for it?
        let k = account_key(&request.customer_id);
        let holds = state
            .table
            .get::<Customer>(&k.pk, &k.sk)
            .await?
            .is_some_and(|c| stored.holds_for(&c));
        if !holds {
            state.table.cancel_pending([stored], now).await;
            return Ok(Reminded::Nothing);
        }
    }
    let secret = token::generate();
    let hash = token::hash(&secret).expect("a generated secret hashes");
    let link = LinkToken {
        hash: hash.clone(),
        purpose: TokenPurpose::Consent,
        customer_id: request.customer_id.clone(),
        request_id: Some(request.id.clone()),
        // A reminder does not give the customer more time: the request's own expiry.
        expires_at: request.expires_at,
        used_at: None,
        issued_to: None,
        issued_role: None,
    };
    let record = stored.with(next.clone());
    let audit = AuditRecord::new(
        Action::RemindConsent,
        "scheduler",
        "scheduler",
        Outcome::Success,
    )
    .by(&request.partner_id, None)
    .target(request.id.to_string())
    .reason(format!("reminder {}", next.reminders_sent));
    // A placeholder is reminded like any other request (the partner sees no difference),
    // but has no link and no email.
    if stored.placeholder {
        let written = state.table.remind_request(&record, None, &audit).await?;
        return Ok(if written {
            Reminded::Sent
        } else {
            Reminded::Nothing
        });
    }
    if !state
        .table
        .remind_request(&record, Some(&link), &audit)
        .await?
    {
        return Ok(Reminded::Nothing);
    }
    // Answered, withdrawn or re-sent between the write and now: no email (the reminder's
    // link is gone or used, and the customer has what they need).
    let now_stored = state
        .table
        .consent_request(&request.customer_id, &request.id)
        .await?;
    let live = now_stored
        .is_some_and(|r| r.request.status == RequestStatus::Pending && r.links.contains(&hash));
    if !live {
        tracing::info!(request = %request.id, "changed after its reminder was written: no email");
        return Ok(Reminded::Sent);
    }
    let url = emails::consent_link(&state.config.console_url, &next, &secret);
    let message = emails::consent_reminder(&next, partner, &url);
    let delivered = match state.send_mails(&partner.id, &[message]).await {
        Ok(results) => results.into_iter().all(|r| match r {
            Ok(sent) => sent.message_id.is_some(),
            Err(e) => {
                tracing::error!(request = %request.id, error = %e, "reminder not sent");
                false
            }
        }),
        Err(e) => {
            tracing::error!(request = %request.id, error = %e, "reminder not sent");
            false
        }
    };
    if !delivered {
        // The reminder counts (its slot is spent) and the Requests page says it failed.
        let marked = state.table.reminder_failed(&record).await?;
        tracing::warn!(request = %request.id, marked, "reminder not delivered");
    }
    Ok(Reminded::Sent)
}
