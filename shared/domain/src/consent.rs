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
    /// The partner sends the email again, with a new link and expiry.
    Resend {
        at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
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
                }
                return Ok(next);
            }
            _ if !pending => return Err(RequestError::NotPending),
            E::Approve { at } | E::Deny { at } if at >= self.expires_at => {
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
            E::Resend { at, expires_at } => {
                next.expires_at = expires_at;
                next.sent_count += 1;
                next.updated_at = at;
            }
        }
        Ok(next)
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
                    (_, E::Approve { at } | E::Deny { at }) if at >= t(72) => {
                        Err(RequestError::Expired)
                    }
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
                })
                .unwrap();
            assert_eq!(r.sent_count, n);
        }
        let again = RequestEvent::Resend {
            at: t(10),
            expires_at: t(90),
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
