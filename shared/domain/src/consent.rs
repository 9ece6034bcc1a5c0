//! Requests a customer must approve (C3, C5): a partner importing an existing customer,
//! and a partner asking to manage a customer (partner- or co-managed). The status
//! changes only by the customer's answer, the partner withdrawing, expiry, or the
//! request ending because the customer moved to another partner or was removed.
//!
//! Between partners, a request tells the asking partner nothing about the customer until
//! the customer approves: `PartnerView` is what the partner sees of it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    customer::{Customer, ManagementType},
    CustomerId, PartnerId, RequestId, UserId,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum RequestKind {
    /// The partner asks to add an existing customer to its customer list.
    Import,
    /// The partner asks to manage the customer's products.
    ManagementChange,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum RequestStatus {
    Pending,
    Approved,
    Denied,
    Expired,
    Withdrawn,
    /// Ended unanswered: the customer moved to another partner or was removed.
    Cancelled,
}

/// How many times a request's email may be sent in all (the first time and re-sends).
pub const MAX_SENDS: u32 = 5;

/// The most reminders a partner may allow per request.
pub const MAX_REMINDERS: u32 = 5;

/// The latest a reminder slot may be set, in hours (30 days).
pub const MAX_REMINDER_HOURS: u32 = 720;

/// When the scheduler tick reminds the customer's admin of a pending request (a partner's
/// setting, on My Company). A request has two reminder slots per sending: some hours
/// after it was sent (or last re-sent) and some hours before it expires (0 leaves a slot
/// out). Each slot is reminded once; a slot that falls at or after expiry, or before the
/// latest email (the first, a re-send or a reminder), is skipped, so a tick that comes
/// late sends one reminder for all the slots it missed. `max` bounds the reminders of
/// one request over its whole life, re-sends included.
///
/// The tick looks at a pending request at each slot whether reminders are on or not
/// (and however many went), so a change to the setting reaches every pending request at
/// its next slot: off or at `max`, the slot passes without an email.
///
/// This is the API's shape (unknown fields refused); the partner's item is read by
/// [`read_stored_reminders`], which takes whatever a later version adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConsentReminders {
    /// Off: no request of the partner is reminded.
    pub enabled: bool,
    /// Remind this many hours after the request was sent or re-sent (0: not then).
    #[schema(minimum = 0, maximum = 720)]
    pub after_sending_hours: u32,
    /// Remind this many hours before the request expires (0: not then).
    #[schema(minimum = 0, maximum = 720)]
    pub before_expiry_hours: u32,
    /// The most reminders one request gets, 1–5.
    #[schema(minimum = 1, maximum = 5)]
    pub max: u32,
}

impl Default for ConsentReminders {
    /// A day after sending and a day before expiry, twice at most.
    fn default() -> Self {
        ConsentReminders {
            enabled: true,
            after_sending_hours: 24,
            before_expiry_hours: 24,
            max: 2,
        }
    }
}

/// [`ConsentReminders`] as stored in the partner's item: each field defaults on its own
/// and unknown fields are ignored, so an item written by a later version still reads.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct StoredReminders {
    enabled: bool,
    after_sending_hours: u32,
    before_expiry_hours: u32,
    max: u32,
}

impl Default for StoredReminders {
    fn default() -> Self {
        let d = ConsentReminders::default();
        StoredReminders {
            enabled: d.enabled,
            after_sending_hours: d.after_sending_hours,
            before_expiry_hours: d.before_expiry_hours,
            max: d.max,
        }
    }
}

/// Reads a partner's stored setting leniently (`deserialize_with` of `Partner`): the API
/// refuses unknown fields, the stored item must not.
pub fn read_stored_reminders<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<ConsentReminders, D::Error> {
    let r = StoredReminders::deserialize(d)?;
    Ok(ConsentReminders {
        enabled: r.enabled,
        after_sending_hours: r.after_sending_hours,
        before_expiry_hours: r.before_expiry_hours,
        max: r.max,
    })
}

impl ConsentReminders {
    /// No reminders.
    pub const OFF: ConsentReminders = ConsentReminders {
        enabled: false,
        after_sending_hours: 24,
        before_expiry_hours: 24,
        max: 2,
    };

    /// The form's values checked against their bounds (each wrong field named).
    pub fn parse(form: ConsentReminders) -> Result<ConsentReminders, Vec<crate::FieldError>> {
        let mut v = crate::Validation::new();
        for (field, hours) in [
            (
                "consentReminders.afterSendingHours",
                form.after_sending_hours,
            ),
            (
                "consentReminders.beforeExpiryHours",
                form.before_expiry_hours,
            ),
        ] {
            if hours > MAX_REMINDER_HOURS {
                v.error(field, format!("must be 0 to {MAX_REMINDER_HOURS} hours"));
            }
        }
        if !(1..=MAX_REMINDERS).contains(&form.max) {
            v.error(
                "consentReminders.max",
                format!("must be 1 to {MAX_REMINDERS}"),
            );
        }
        v.finish().map(|()| form)
    }
}

impl RequestStatus {
    pub const ALL: [RequestStatus; 6] = [
        RequestStatus::Pending,
        RequestStatus::Approved,
        RequestStatus::Denied,
        RequestStatus::Expired,
        RequestStatus::Withdrawn,
        RequestStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Denied => "denied",
            Self::Expired => "expired",
            Self::Withdrawn => "withdrawn",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConsentRequest {
    #[schema(value_type = String)]
    pub id: RequestId,
    /// `import` or `managementChange`.
    #[serde(rename = "type")]
    pub kind: RequestKind,
    /// The partner asking.
    #[schema(value_type = String)]
    pub partner_id: PartnerId,
    /// The partner's company name, as the customer sees it.
    pub partner_name: String,
    #[schema(value_type = String)]
    pub requested_by: UserId,
    #[schema(value_type = String)]
    pub customer_id: CustomerId,
    pub customer_name: String,
    /// The customer admin's email, where the request is sent.
    pub email: String,
    /// For a management change, the management type asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub management: Option<ManagementType>,
    pub status: RequestStatus,
    pub requested_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The link in the latest email stops working at this time.
    pub expires_at: DateTime<Utc>,
    /// How many times the email has been sent.
    pub sent_count: u32,
    /// How many reminders the scheduler tick has sent.
    #[serde(default)]
    pub reminders_sent: u32,
    /// When the latest reminder went.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_reminded_at: Option<DateTime<Utc>>,
    /// When the next reminder is planned (pending requests, by the partner's reminder
    /// setting when the request was last sent, reminded or looked at by the tick).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_reminder_at: Option<DateTime<Utc>>,
    /// When the tick next looks at the request for a reminder: its next slot by the
    /// setting's hours, even while reminders are off or at their max (pending requests).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_slot_at: Option<DateTime<Utc>>,
    /// The latest reminder's email could not be sent (SES refused it, or the address is
    /// suppressed): the reminder counts, the customer did not get it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub last_reminder_failed: bool,
}

/// A request as the partner that asked sees it (the Request Status table, the answers of
/// import, re-send and withdraw).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PartnerView {
    #[schema(value_type = String)]
    pub id: RequestId,
    /// `import` or `managementChange`.
    #[serde(rename = "type")]
    pub kind: RequestKind,
    #[schema(value_type = String)]
    pub requested_by: UserId,
    /// The customer: for an import, only once the customer has approved it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub customer_id: Option<CustomerId>,
    /// The customer's company name: for an import, only once the customer has approved it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_name: Option<String>,
    /// The email the request was sent to (for an import, the email the partner typed).
    pub email: String,
    /// For a management change, the management type asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub management: Option<ManagementType>,
    pub status: RequestStatus,
    pub requested_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The link in the latest email stops working at this time.
    pub expires_at: DateTime<Utc>,
    /// How many times the email has been sent (at most 5).
    pub sent_count: u32,
    /// How many reminders went to the customer's admin.
    #[serde(default)]
    pub reminders_sent: u32,
    /// When the latest reminder went.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_reminded_at: Option<DateTime<Utc>>,
    /// When the next reminder is planned (pending requests only; none: no more).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_reminder_at: Option<DateTime<Utc>>,
    /// The latest reminder's email could not be sent.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub last_reminder_failed: bool,
}

/// Something that happens to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestEvent {
    Approve {
        at: DateTime<Utc>,
    },
    Deny {
        at: DateTime<Utc>,
    },
    /// The partner takes the request back.
    Withdraw {
        at: DateTime<Utc>,
    },
    /// The partner sends the email again, with a new link and expiry; the reminders
    /// are planned afresh from it by the partner's setting.
    Resend {
        at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        reminders: ConsentReminders,
    },
    /// The scheduler tick reminds the customer's admin (one more link, the same expiry):
    /// only when a slot of `reminders` is due at `at` and not reminded yet.
    Remind {
        at: DateTime<Utc>,
        reminders: ConsentReminders,
    },
    /// Time passes (the scheduler tick). Idempotent for one moment.
    Expire {
        now: DateTime<Utc>,
    },
    /// The request can no longer take effect: the customer moved to another partner or
    /// was removed.
    Cancel {
        at: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error("the request is no longer pending")]
    NotPending,
    #[error("the request has expired")]
    Expired,
    #[error("the request's email has been sent {MAX_SENDS} times")]
    TooManySends,
    #[error("no reminder of the request is due")]
    NoReminderDue,
}

impl ConsentRequest {
    pub fn apply(&self, event: RequestEvent) -> Result<ConsentRequest, RequestError> {
        use RequestEvent as E;
        use RequestStatus as S;
        let mut next = self.clone();
        let pending = self.status == S::Pending;
        match event {
            E::Expire { now } => {
                if pending && now >= self.expires_at {
                    next.status = S::Expired;
                    next.updated_at = self.expires_at;
                    next.next_reminder_at = None;
                    next.next_slot_at = None;
                }
                return Ok(next);
            }
            _ if !pending => return Err(RequestError::NotPending),
            E::Approve { at } | E::Deny { at } | E::Remind { at, .. } if at >= self.expires_at => {
                return Err(RequestError::Expired)
            }
            E::Approve { at } => {
                next.status = S::Approved;
                next.updated_at = at;
            }
            E::Deny { at } => {
                next.status = S::Denied;
                next.updated_at = at;
            }
            E::Withdraw { at } => {
                next.status = S::Withdrawn;
                next.updated_at = at;
            }
            E::Cancel { at } => {
                next.status = S::Cancelled;
                next.updated_at = at;
            }
            E::Resend { .. } if self.sent_count >= MAX_SENDS => {
                return Err(RequestError::TooManySends)
            }
            E::Resend {
                at,
                expires_at,
                reminders,
            } => {
                next.expires_at = expires_at;
                next.sent_count += 1;
                next.updated_at = at;
                next.last_reminder_failed = false;
                return Ok(next.replanned(&reminders, at));
            }
            E::Remind { at, reminders } => {
                if self.next_reminder(&reminders).is_none_or(|slot| slot > at) {
                    return Err(RequestError::NoReminderDue);
                }
                next.reminders_sent += 1;
                next.last_reminded_at = Some(at);
                next.last_reminder_failed = false;
                return Ok(next.replanned(&reminders, at));
            }
        }
        // Answered, withdrawn or cancelled: nothing more to remind.
        next.next_reminder_at = None;
        next.next_slot_at = None;
        Ok(next)
    }

    /// When the next reminder of this request is due under `reminders`, if any: the
    /// earliest slot after the latest email to the customer's admin (a pending request's
    /// `updated_at` is its latest sending; a reminder does not move it) and before expiry,
    /// while reminders are on and fewer than `max` went. A slot the tick missed is due
    /// still. A request that is not pending has none.
    pub fn next_reminder(&self, reminders: &ConsentReminders) -> Option<DateTime<Utc>> {
        if self.status != RequestStatus::Pending
            || !reminders.enabled
            || self.reminders_sent >= reminders.max
        {
            return None;
        }
        self.slot_after(reminders, self.last_email())
    }

    /// The latest email to the customer's admin: the latest sending or reminder.
    fn last_email(&self) -> DateTime<Utc> {
        self.last_reminded_at
            .map_or(self.updated_at, |r| r.max(self.updated_at))
    }

    /// The earliest slot of `reminders`' hours after `after` and before expiry, whether
    /// reminders are on or not.
    fn slot_after(
        &self,
        reminders: &ConsentReminders,
        after: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let hours = |h: u32| (h > 0).then(|| chrono::Duration::hours(i64::from(h)));
        [
            hours(reminders.after_sending_hours).map(|h| self.updated_at + h),
            hours(reminders.before_expiry_hours).map(|h| self.expires_at - h),
        ]
        .into_iter()
        .flatten()
        .filter(|slot| *slot > after && *slot < self.expires_at)
        .min()
    }

    /// The request with its next reminder planned under `reminders`, from its latest email.
    pub fn planned(self, reminders: &ConsentReminders) -> ConsentRequest {
        let from = self.last_email();
        self.replanned(reminders, from)
    }

    /// The request planned again under `reminders` by a tick at `at` that does not remind
    /// it: its next slot after `at` (so the tick looks again then, whatever the setting
    /// is by that time), a reminder at it only while reminders are on and under `max`.
    pub fn replanned(mut self, reminders: &ConsentReminders, at: DateTime<Utc>) -> ConsentRequest {
        let pending = self.status == RequestStatus::Pending;
        self.next_slot_at = self.slot_after(reminders, at).filter(|_| pending);
        self.next_reminder_at = self
            .next_slot_at
            .filter(|_| reminders.enabled && self.reminders_sent < reminders.max);
        self
    }

    /// What the asking partner sees: an import request names the customer only once the
    /// customer approved it (before, the partner knows only the email it typed).
    pub fn for_partner(&self) -> PartnerView {
        let named =
            self.kind == RequestKind::ManagementChange || self.status == RequestStatus::Approved;
        PartnerView {
            id: self.id.clone(),
            kind: self.kind,
            requested_by: self.requested_by.clone(),
            customer_id: named.then(|| self.customer_id.clone()),
            customer_name: named.then(|| self.customer_name.clone()),
            email: self.email.clone(),
            management: self.management,
            status: self.status,
            requested_at: self.requested_at,
            updated_at: self.updated_at,
            expires_at: self.expires_at,
            sent_count: self.sent_count,
            reminders_sent: self.reminders_sent,
            last_reminded_at: self.last_reminded_at,
            next_reminder_at: self.next_reminder_at,
            last_reminder_failed: self.last_reminder_failed,
        }
    }

    /// The customer once this approved request takes effect.
    pub fn effect(&self, customer: &Customer) -> Customer {
        let mut c = customer.clone();
        match self.kind {
            RequestKind::Import => c.partner_id = self.partner_id.clone(),
            RequestKind::ManagementChange => {
                if let Some(m) = self.management {
                    c.management = m;
                }
            }
        }
        c.version += 1;
        c
    }
}

/// Whether moving a customer from `from` to `to` needs the customer's consent: any
/// step that gives the partner access the customer did not grant before.
pub fn needs_consent(from: ManagementType, to: ManagementType) -> bool {
    use ManagementType as M;
    matches!(
        (from, to),
        (M::CustomerManaged, M::PartnerManaged | M::CoManaged) | (M::CoManaged, M::PartnerManaged)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn t(h: i64) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-03-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
            + Duration::hours(h)
    }

    fn request(status: RequestStatus) -> ConsentRequest {
        ConsentRequest {
            id: RequestId::generate(),
            kind: RequestKind::ManagementChange,
            partner_id: PartnerId::generate(),
            partner_name: "MSP".into(),
            requested_by: UserId::generate(),
            customer_id: CustomerId::generate(),
            customer_name: "Contoso".into(),
            email: "it@contoso.example".into(),
            management: Some(ManagementType::PartnerManaged),
            status,
            requested_at: t(0),
            updated_at: t(0),
            expires_at: t(72),
            sent_count: 1,
            reminders_sent: 0,
            last_reminded_at: None,
            next_reminder_at: None,
            next_slot_at: None,
            last_reminder_failed: false,
        }
    }

    fn events() -> Vec<RequestEvent> {
        use RequestEvent as E;
        vec![
            E::Approve { at: t(1) },
            E::Approve { at: t(72) },
            E::Deny { at: t(1) },
            E::Deny { at: t(80) },
            E::Withdraw { at: t(1) },
            E::Resend {
                at: t(2),
                expires_at: t(74),
                reminders: ConsentReminders::default(),
            },
            E::Remind {
                at: t(24),
                reminders: ConsentReminders::default(),
            },
            E::Remind {
                at: t(23),
                reminders: ConsentReminders::default(),
            },
            E::Remind {
                at: t(24),
                reminders: ConsentReminders::OFF,
            },
            E::Remind {
                at: t(72),
                reminders: ConsentReminders::default(),
            },
            E::Expire { now: t(71) },
            E::Expire { now: t(72) },
            E::Cancel { at: t(3) },
        ]
    }

    /// Every status × every event, against the table the request lifecycle is
    /// specified by.
    #[test]
    fn every_status_and_event() {
        use RequestEvent as E;
        use RequestStatus as S;
        for status in RequestStatus::ALL {
            for event in events() {
                let got = request(status)
                    .apply(event)
                    .map(|r| (r.status, r.expires_at, r.sent_count));
                let same = (status, t(72), 1);
                let expected = match (status, event) {
                    (S::Pending, E::Expire { now }) if now >= t(72) => Ok((S::Expired, t(72), 1)),
                    (_, E::Expire { .. }) => Ok(same),
                    (s, _) if s != S::Pending => Err(RequestError::NotPending),
                    (_, E::Approve { at } | E::Deny { at } | E::Remind { at, .. })
                        if at >= t(72) =>
                    {
                        Err(RequestError::Expired)
                    }
                    (_, E::Remind { at, reminders }) if reminders.enabled && at >= t(24) => {
                        Ok((S::Pending, t(72), 1))
                    }
                    (_, E::Remind { .. }) => Err(RequestError::NoReminderDue),
                    (_, E::Approve { .. }) => Ok((S::Approved, t(72), 1)),
                    (_, E::Deny { .. }) => Ok((S::Denied, t(72), 1)),
                    (_, E::Withdraw { .. }) => Ok((S::Withdrawn, t(72), 1)),
                    (_, E::Cancel { .. }) => Ok((S::Cancelled, t(72), 1)),
                    (_, E::Resend { expires_at, .. }) => Ok((S::Pending, expires_at, 2)),
                };
                assert_eq!(got, expected, "{status:?} × {event:?}");
            }
        }
    }

    #[test]
    fn a_request_is_sent_at_most_max_sends_times() {
        let mut r = request(RequestStatus::Pending);
        for n in 2..=MAX_SENDS {
            r = r
                .apply(RequestEvent::Resend {
                    at: t(n as i64),
                    expires_at: t(72 + n as i64),
                    reminders: ConsentReminders::default(),
                })
                .unwrap();
            assert_eq!(r.sent_count, n);
        }
        let again = RequestEvent::Resend {
            at: t(10),
            expires_at: t(90),
            reminders: ConsentReminders::default(),
        };
        assert_eq!(r.apply(again), Err(RequestError::TooManySends));
    }

    #[test]
    fn the_asking_partner_sees_an_imported_customer_only_once_approved() {
        for status in RequestStatus::ALL {
            let import = ConsentRequest {
                kind: RequestKind::Import,
                management: None,
                ..request(status)
            };
            let seen = import.for_partner();
            let named = status == RequestStatus::Approved;
            assert_eq!(seen.customer_id.is_some(), named, "{status:?}");
            assert_eq!(seen.customer_name.is_some(), named, "{status:?}");
            let json = serde_json::to_string(&seen).unwrap();
            assert_eq!(json.contains("Contoso"), named, "{json}");
            assert_eq!(json.contains(import.customer_id.as_str()), named, "{json}");
            // A management change is about the partner's own customer.
            let change = request(status).for_partner();
            assert_eq!(change.customer_name.as_deref(), Some("Contoso"));
        }
    }

    #[test]
    fn expiring_twice_for_the_same_moment_changes_nothing_the_second_time() {
        for status in RequestStatus::ALL {
            let tick = RequestEvent::Expire { now: t(100) };
            let once = request(status).apply(tick).unwrap();
            assert_eq!(once.apply(tick).unwrap(), once);
        }
    }

    #[test]
    fn an_approved_request_takes_effect_on_the_customer() {
        use crate::customer::{AddCustomerRequest, NewCustomer};
        let form: AddCustomerRequest = serde_json::from_value(serde_json::json!({
            "management": "customerManaged",
            "communications": "shared",
            "company": {"name": "C", "address1": "1 St", "city": "X", "postalCode": "1",
                        "country": "GB", "phone": "+44 1 000 0000"},
            "contact": {"firstName": "A", "lastName": "B", "email": "a@c.example",
                        "phone": "+44 1 000 0001", "language": "en", "timeZone": "UTC"},
            "products": [{"product": "endpoint-protection", "type": "trial"}]
        }))
        .unwrap();
        let (customer, _) =
            NewCustomer::parse(form)
                .unwrap()
                .build(&PartnerId::generate(), &[], t(0));
        let change = request(RequestStatus::Approved);
        let managed = change.effect(&customer);
        assert_eq!(managed.management, ManagementType::PartnerManaged);
        assert_eq!(managed.partner_id, customer.partner_id);
        assert_eq!(managed.version, customer.version + 1);
        let import = ConsentRequest {
            kind: RequestKind::Import,
            management: None,
            ..request(RequestStatus::Approved)
        };
        let moved = import.effect(&customer);
        assert_eq!(moved.partner_id, import.partner_id);
        assert_eq!(moved.management, customer.management);
    }

    fn remind(r: &ConsentRequest, at: i64) -> Result<ConsentRequest, RequestError> {
        r.apply(RequestEvent::Remind {
            at: t(at),
            reminders: ConsentReminders::default(),
        })
    }

    #[test]
    fn a_request_is_reminded_a_day_after_sending_and_a_day_before_expiry_once_each() {
        let policy = ConsentReminders::default();
        let r = request(RequestStatus::Pending).planned(&policy);
        assert_eq!(r.next_reminder_at, Some(t(24)));
        assert_eq!(remind(&r, 23), Err(RequestError::NoReminderDue));
        let first = remind(&r, 24).unwrap();
        assert_eq!(
            (first.reminders_sent, first.last_reminded_at),
            (1, Some(t(24)))
        );
        assert_eq!(first.next_reminder_at, Some(t(48)));
        // The same slot again (a second tick for the same minute, or a later one).
        assert_eq!(remind(&first, 24), Err(RequestError::NoReminderDue));
        assert_eq!(remind(&first, 47), Err(RequestError::NoReminderDue));
        let second = remind(&first, 48).unwrap();
        assert_eq!(second.reminders_sent, 2);
        assert_eq!(second.next_reminder_at, None, "the policy's max is 2");
        assert_eq!(remind(&second, 60), Err(RequestError::NoReminderDue));
        assert_eq!(second.updated_at, r.updated_at, "a reminder is no change");
        assert_eq!(second.expires_at, r.expires_at, "nor a new expiry");
    }

    #[test]
    fn a_late_tick_sends_one_reminder_for_the_slots_it_missed() {
        let r = request(RequestStatus::Pending);
        let late = remind(&r, 50).unwrap();
        assert_eq!(late.reminders_sent, 1);
        assert_eq!(late.next_reminder_at, None);
    }

    #[test]
    fn slots_at_or_after_expiry_or_before_the_sending_are_skipped() {
        let r = request(RequestStatus::Pending);
        let at = |after: u32, before: u32| {
            r.next_reminder(&ConsentReminders {
                after_sending_hours: after,
                before_expiry_hours: before,
                ..ConsentReminders::default()
            })
        };
        assert_eq!(at(72, 0), None, "at expiry");
        assert_eq!(at(100, 0), None, "after expiry");
        assert_eq!(at(0, 72), None, "at the sending");
        assert_eq!(at(0, 80), None, "before the sending");
        assert_eq!(at(0, 0), None, "no slot");
        assert_eq!(at(100, 12), Some(t(60)));
        assert_eq!(at(6, 0), Some(t(6)));
        assert_eq!(at(50, 30), Some(t(42)), "the earlier slot first");
    }

    #[test]
    fn a_resend_plans_the_reminders_afresh_within_the_max() {
        let policy = ConsentReminders::default();
        let r = remind(&request(RequestStatus::Pending).planned(&policy), 24).unwrap();
        let resent = r
            .apply(RequestEvent::Resend {
                at: t(30),
                expires_at: t(102),
                reminders: policy,
            })
            .unwrap();
        // The slot a day before the old expiry is moot; a day after the re-send is next.
        assert_eq!(resent.next_reminder_at, Some(t(54)));
        let again = remind(&resent, 54).unwrap();
        assert_eq!(again.reminders_sent, 2);
        assert_eq!(
            again.next_reminder_at, None,
            "two in all, re-sends included"
        );
    }

    #[test]
    fn only_a_pending_request_with_reminders_on_has_a_next_reminder() {
        for status in RequestStatus::ALL {
            let r = request(status);
            let planned = r.next_reminder(&ConsentReminders::default());
            assert_eq!(
                planned.is_some(),
                status == RequestStatus::Pending,
                "{status:?}"
            );
            assert_eq!(r.next_reminder(&ConsentReminders::OFF), None);
        }
        let planned = request(RequestStatus::Pending).planned(&ConsentReminders::default());
        for event in [
            RequestEvent::Withdraw { at: t(1) },
            RequestEvent::Approve { at: t(1) },
            RequestEvent::Deny { at: t(1) },
            RequestEvent::Cancel { at: t(1) },
            RequestEvent::Expire { now: t(72) },
        ] {
            let closed = planned.apply(event).unwrap();
            assert_eq!(closed.next_reminder_at, None, "{event:?}");
            assert_eq!(remind(&closed, 24), Err(RequestError::NotPending));
        }
    }

    #[test]
    fn reminder_settings_are_bounded() {
        let ok = ConsentReminders {
            enabled: true,
            after_sending_hours: 0,
            before_expiry_hours: MAX_REMINDER_HOURS,
            max: MAX_REMINDERS,
        };
        assert_eq!(ConsentReminders::parse(ok), Ok(ok));
        let bad = ConsentReminders {
            enabled: false,
            after_sending_hours: 721,
            before_expiry_hours: 1000,
            max: 0,
        };
        let fields: Vec<String> = ConsentReminders::parse(bad)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "consentReminders.afterSendingHours",
                "consentReminders.beforeExpiryHours",
                "consentReminders.max"
            ]
        );
        let over = ConsentReminders { max: 6, ..ok };
        assert!(ConsentReminders::parse(over).is_err());
        // Stored requests from before reminders read with none sent.
        let old = serde_json::json!({
            "id": RequestId::generate(), "type": "import", "partnerId": PartnerId::generate(),
            "partnerName": "P", "requestedBy": UserId::generate(),
            "customerId": CustomerId::generate(), "customerName": "C", "email": "a@b.example",
            "status": "pending", "requestedAt": t(0), "updatedAt": t(0), "expiresAt": t(72),
            "sentCount": 1
        });
        let r: ConsentRequest = serde_json::from_value(old).unwrap();
        assert_eq!((r.reminders_sent, r.last_reminded_at), (0, None));
    }

    #[test]
    fn a_slot_is_looked_at_while_reminders_are_off_so_turning_them_on_reaches_the_request() {
        let r = request(RequestStatus::Pending).planned(&ConsentReminders::OFF);
        assert_eq!(r.next_reminder_at, None, "no reminder while off");
        assert_eq!(
            r.next_slot_at,
            Some(t(24)),
            "but the tick looks at the slot"
        );
        // The tick at the slot, still off: no reminder, planned again for the next slot.
        assert_eq!(
            r.apply(RequestEvent::Remind {
                at: t(24),
                reminders: ConsentReminders::OFF
            }),
            Err(RequestError::NoReminderDue)
        );
        let looked = r.clone().replanned(&ConsentReminders::OFF, t(24));
        assert_eq!(
            (looked.next_slot_at, looked.next_reminder_at),
            (Some(t(48)), None)
        );
        // Turned on meanwhile: the next slot reminds (the missed one with it).
        let reminded = remind(&looked, 48).unwrap();
        assert_eq!(reminded.reminders_sent, 1);
        assert_eq!(
            (reminded.next_slot_at, reminded.next_reminder_at),
            (None, None)
        );
    }

    #[test]
    fn a_request_at_its_max_is_still_looked_at_so_raising_the_max_reaches_it() {
        let one = ConsentReminders {
            max: 1,
            ..ConsentReminders::default()
        };
        let r = request(RequestStatus::Pending).planned(&one);
        let first = r
            .apply(RequestEvent::Remind {
                at: t(24),
                reminders: one,
            })
            .unwrap();
        assert_eq!(first.next_reminder_at, None, "at the max");
        assert_eq!(first.next_slot_at, Some(t(48)));
        // Raised to two before the slot: the slot reminds.
        let second = remind(&first, 48).unwrap();
        assert_eq!(second.reminders_sent, 2);
        // A slot passed while at the max moves on, and the request leaves the index
        // for its expiry once no slot is left.
        assert_eq!(first.clone().replanned(&one, t(48)).next_slot_at, None);
    }

    #[test]
    fn a_failed_reminder_is_marked_until_the_next_email() {
        let failed = ConsentRequest {
            last_reminder_failed: true,
            ..remind(&request(RequestStatus::Pending), 24).unwrap()
        };
        assert!(failed.for_partner().last_reminder_failed);
        assert!(!remind(&failed, 48).unwrap().last_reminder_failed);
        let resent = failed
            .apply(RequestEvent::Resend {
                at: t(30),
                expires_at: t(102),
                reminders: ConsentReminders::default(),
            })
            .unwrap();
        assert!(!resent.last_reminder_failed);
    }

    #[test]
    fn a_stored_setting_reads_with_fields_unknown_or_missing() {
        #[derive(Deserialize)]
        struct Stored {
            #[serde(deserialize_with = "read_stored_reminders")]
            r: ConsentReminders,
        }
        let later: Stored = serde_json::from_value(serde_json::json!({
            "r": {"enabled": false, "afterSendingHours": 6, "beforeExpiryHours": 0, "max": 3,
                  "quietHours": {"from": 22, "to": 7}}
        }))
        .unwrap();
        assert_eq!(
            later.r,
            ConsentReminders {
                enabled: false,
                after_sending_hours: 6,
                before_expiry_hours: 0,
                max: 3
            }
        );
        let partial: Stored = serde_json::from_value(serde_json::json!({"r": {"max": 4}})).unwrap();
        assert_eq!(
            partial.r,
            ConsentReminders {
                max: 4,
                ..ConsentReminders::default()
            }
        );
        // The API's form still refuses what it does not know.
        let form = serde_json::from_value::<ConsentReminders>(serde_json::json!({
            "enabled": true, "afterSendingHours": 6, "beforeExpiryHours": 0, "max": 3, "x": 1
        }));
        assert!(form.is_err());
    }

    #[test]
    fn only_steps_towards_partner_access_need_consent() {
        use ManagementType as M;
        let mut needing = Vec::new();
        for from in M::ALL {
            for to in M::ALL {
                if needs_consent(from, to) {
                    needing.push((from, to));
                }
            }
        }
        assert_eq!(
            needing,
            [
                (M::CustomerManaged, M::PartnerManaged),
                (M::CustomerManaged, M::CoManaged),
                (M::CoManaged, M::PartnerManaged)
            ]
        );
    }
}
