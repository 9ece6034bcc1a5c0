//! Consent reminders: a pending request whose next reminder is due is emailed again to the
//! customer's admin, by its partner's setting (My Company), with a new link that expires
//! when the request does. The reminder is written first (one more reminder, the new link
//! in place of the old one, the audit record) on the condition that the request is still
//! pending with the link the tick read, so of two ticks for the same moment one reminds
//! and the other writes nothing; the email goes only after that write.
//!
//! The partner's setting is read when the reminder is due, so a change to it applies to a
//! pending request from its next planned reminder: one planned under the old setting that
//! is not due under the new one is planned again (or not at all) without an email.

use std::collections::HashMap;

use adapters::{emails, services::AppState};
use chrono::{DateTime, Utc};
use domain::{
    audit::{Action, AuditRecord, Outcome},
    consent::{ConsentReminders, RequestEvent},
    partner::Partner,
    token::{self, LinkToken, TokenPurpose},
    PartnerId,
};
use store::{consent::RequestRecord, StoreError};

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

/// Reminds `stored` if a reminder is due at `now`; `true` when this tick sent it. A
/// request not due under the partner's current setting is planned again; one whose
/// customer moved to another partner (or was removed) is cancelled instead.
pub async fn remind(
    state: &AppState,
    partners: &mut Partners,
    stored: &RequestRecord,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let request = &stored.request;
    let partner = partners.get(state, &request.partner_id).await?;
    let reminders = setting(partner);
    let Ok(next) = request.apply(RequestEvent::Remind { at: now, reminders }) else {
        let planned = request.clone().planned(&reminders);
        if planned.next_reminder_at != request.next_reminder_at {
            state
                .table
                .replan_request(&stored.with(planned), &stored.token_hash)
                .await?;
        }
        return Ok(false);
    };
    let Some(partner) = partner else {
        return Ok(false);
    };
    if !stored.placeholder {
        let holds = state
            .table
            .customer_account(&request.customer_id)
            .await?
            .is_some_and(|a| stored.holds_for(&a.customer));
        if !holds {
            state.table.cancel_pending([stored], now).await;
            return Ok(false);
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
    let record = RequestRecord {
        request: next.clone(),
        token_hash: hash,
        ..stored.clone()
    };
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
    let stored_link = (!stored.placeholder).then_some(&link);
    if !state
        .table
        .remind_request(&record, &stored.token_hash, stored_link, &audit)
        .await?
    {
        return Ok(false);
    }
    if !stored.placeholder {
        let url = emails::consent_link(&state.config.console_url, &next, &secret);
        let message = emails::consent_reminder(&next, partner, &url);
        match state.send_mails(&partner.id, &[message]).await {
            Ok(results) => {
                for e in results.into_iter().filter_map(Result::err) {
                    tracing::error!(request = %request.id, error = %e, "reminder not sent");
                }
            }
            Err(e) => tracing::error!(request = %request.id, error = %e, "reminder not sent"),
        }
    }
    Ok(true)
}
