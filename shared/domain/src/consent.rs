//! Requests a customer must approve (C3, C5): a partner importing an existing customer,
//! and a partner asking to manage a customer (partner- or co-managed). The status
//! changes only by the customer's answer, the partner withdrawing, or expiry.

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
}

impl RequestStatus {
    pub const ALL: [RequestStatus; 5] = [
        RequestStatus::Pending,
        RequestStatus::Approved,
        RequestStatus::Denied,
        RequestStatus::Expired,
        RequestStatus::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Denied => "denied",
            Self::Expired => "expired",
            Self::Withdrawn => "withdrawn",
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error("the request is no longer pending")]
    NotPending,
    #[error("the request has expired")]
    Expired,
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
            E::Resend { at, expires_at } => {
                next.expires_at = expires_at;
                next.sent_count += 1;
                next.updated_at = at;
            }
        }
        Ok(next)
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
                    (_, E::Resend { expires_at, .. }) => Ok((S::Pending, expires_at, 2)),
                };
                assert_eq!(got, expected, "{status:?} × {event:?}");
            }
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
