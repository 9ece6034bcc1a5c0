//! Product entitlements and their lifecycle (the guide's Table 2-3): a trial runs 60 days
//! and expires; a paid subscription auto-renews every term until cancelled; a paid
//! subscription for a customer awaiting trade-compliance review is held until an
//! operator clears the customer. Which partner may provision what is Table 1-2.
//!
//! Cancelling ends the entitlement at once: ExSP usage is billed in arrears, so there is
//! no paid-up term to run out.

use chrono::{DateTime, Duration, Months, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{catalog::Product, partner::Program, serial::Serial, CustomerId, EntitlementId};

/// Where an entitlement is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "status", rename_all = "camelCase")]
pub enum EntitlementState {
    /// A trial, usable until `endsAt`.
    #[serde(rename_all = "camelCase")]
    Trial { ends_at: DateTime<Utc> },
    /// A paid subscription; it renews by one term at `renewsAt`.
    #[serde(rename_all = "camelCase")]
    Paid { renews_at: DateTime<Utc> },
    /// Paid, but not active until the customer passes trade-compliance review.
    Held,
    #[serde(rename_all = "camelCase")]
    Cancelled { at: DateTime<Utc> },
    /// A trial that reached its end.
    #[serde(rename_all = "camelCase")]
    Expired { at: DateTime<Utc> },
}

impl EntitlementState {
    /// Trial, paid or held: the entitlement counts for its product.
    pub fn is_live(&self) -> bool {
        matches!(self, Self::Trial { .. } | Self::Paid { .. } | Self::Held)
    }

    pub fn name(&self) -> &'static str {
        match self {
            Self::Trial { .. } => "trial",
            Self::Paid { .. } => "paid",
            Self::Held => "held",
            Self::Cancelled { .. } => "cancelled",
            Self::Expired { .. } => "expired",
        }
    }
}

/// Something that happens to an entitlement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntitlementEvent {
    /// The trial becomes a paid subscription (with the product serial that paid for it,
    /// for partners outside the ExSP program).
    Convert {
        at: DateTime<Utc>,
        seats: u32,
        serial: Option<Serial>,
    },
    Cancel {
        at: DateTime<Utc>,
    },
    /// The customer passed trade-compliance review.
    ComplianceCleared {
        at: DateTime<Utc>,
    },
    /// Time passes: trials expire and subscriptions renew. Idempotent for one moment.
    Tick {
        now: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("only a trial can be converted to a paid subscription")]
    NotATrial,
    #[error("the entitlement has already ended")]
    AlreadyEnded,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Entitlement {
    #[schema(value_type = String)]
    pub id: EntitlementId,
    #[schema(value_type = String)]
    pub customer_id: CustomerId,
    /// A catalog product id.
    pub product: String,
    /// The serial number the customer's product runs under (Table 2-3).
    #[schema(value_type = String)]
    pub serial: Serial,
    pub seats: u32,
    pub term_months: u32,
    /// Whether it started as a trial: a product has one trial per customer.
    #[serde(default)]
    pub began_as_trial: bool,
    #[serde(flatten)]
    pub state: EntitlementState,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The guide's "Time Remaining" column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TimeRemaining {
    /// As shown: "45 days", "1 day", "Less than a day", "Auto-renew", …
    pub label: String,
    /// Whole days left (rounded up) for a trial, otherwise absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days: Option<i64>,
}

/// A row of the Product Entitlement table (Table 2-3): the entitlement with its product's
/// name and unit and the time remaining now.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EntitlementView {
    #[serde(flatten)]
    pub entitlement: Entitlement,
    pub product_name: String,
    pub capacity_unit: Option<super::catalog::CapacityUnit>,
    pub time_remaining: TimeRemaining,
}

/// One renewal term after `from`.
pub fn term_end(from: DateTime<Utc>, term_months: u32) -> DateTime<Utc> {
    from.checked_add_months(Months::new(term_months))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

impl Entitlement {
    /// A new trial of `product`: 60 days, 50 seats.
    pub fn trial(customer: &CustomerId, product: &Product, at: DateTime<Utc>) -> Self {
        Self::new(
            customer,
            product,
            super::catalog::TRIAL_SEATS,
            EntitlementState::Trial {
                ends_at: at + Duration::days(super::catalog::TRIAL_DAYS),
            },
            at,
        )
    }

    /// A new paid subscription, held while the customer awaits compliance review.
    pub fn paid(
        customer: &CustomerId,
        product: &Product,
        seats: u32,
        held: bool,
        at: DateTime<Utc>,
    ) -> Self {
        let state = if held {
            EntitlementState::Held
        } else {
            EntitlementState::Paid {
                renews_at: term_end(at, product.term_months),
            }
        };
        Self::new(customer, product, seats, state, at)
    }

    fn new(
        customer: &CustomerId,
        product: &Product,
        seats: u32,
        state: EntitlementState,
        at: DateTime<Utc>,
    ) -> Self {
        Entitlement {
            id: EntitlementId::generate(),
            customer_id: customer.clone(),
            product: product.id.to_string(),
            serial: Serial::generate(super::serial::SerialKind::Product),
            seats,
            term_months: product.term_months,
            began_as_trial: matches!(state, EntitlementState::Trial { .. }),
            state,
            created_at: at,
            updated_at: at,
        }
    }

    /// The entitlement after `event`. Events that do not apply to a state either leave it
    /// unchanged (time passing, clearance) or are refused (convert, cancel).
    pub fn apply(&self, event: &EntitlementEvent) -> Result<Entitlement, TransitionError> {
        use EntitlementEvent as E;
        use EntitlementState as S;
        let mut next = self.clone();
        match (&self.state, event) {
            (S::Trial { .. }, E::Convert { at, seats, serial }) => {
                next.state = S::Paid {
                    renews_at: term_end(*at, self.term_months),
                };
                next.seats = *seats;
                if let Some(s) = serial {
                    next.serial = s.clone();
                }
                next.updated_at = *at;
            }
            (_, E::Convert { .. }) => return Err(TransitionError::NotATrial),
            (S::Trial { .. } | S::Paid { .. } | S::Held, E::Cancel { at }) => {
                next.state = S::Cancelled { at: *at };
                next.updated_at = *at;
            }
            (S::Cancelled { .. } | S::Expired { .. }, E::Cancel { .. }) => {
                return Err(TransitionError::AlreadyEnded)
            }
            (S::Held, E::ComplianceCleared { at }) => {
                next.state = S::Paid {
                    renews_at: term_end(*at, self.term_months),
                };
                next.updated_at = *at;
            }
            (_, E::ComplianceCleared { .. }) => {}
            (S::Trial { ends_at }, E::Tick { now }) if ends_at <= now => {
                next.state = S::Expired { at: *ends_at };
                next.updated_at = *ends_at;
            }
            (S::Paid { renews_at }, E::Tick { now }) if renews_at <= now => {
                let mut renews = *renews_at;
                while renews <= *now {
                    renews = term_end(renews, self.term_months.max(1));
                }
                next.state = S::Paid { renews_at: renews };
                next.updated_at = *renews_at;
            }
            (_, E::Tick { .. }) => {}
        }
        Ok(next)
    }

    pub fn view(&self, now: DateTime<Utc>) -> EntitlementView {
        let product = super::catalog::product(&self.product);
        EntitlementView {
            entitlement: self.clone(),
            product_name: product.map_or_else(|| self.product.clone(), |p| p.name.to_string()),
            capacity_unit: product.map(|p| p.capacity_unit),
            time_remaining: self.time_remaining(now),
        }
    }

    pub fn time_remaining(&self, now: DateTime<Utc>) -> TimeRemaining {
        let fixed = |label: &str| TimeRemaining {
            label: label.to_string(),
            days: None,
        };
        match self.state {
            EntitlementState::Trial { ends_at } => {
                let left = ends_at - now;
                if left <= Duration::zero() {
                    return fixed("Expired");
                }
                let days = (left.num_seconds() + 86_399) / 86_400;
                let label = match (left < Duration::days(1), days) {
                    (true, _) => "Less than a day".to_string(),
                    (false, 1) => "1 day".to_string(),
                    (false, d) => format!("{d} days"),
                };
                TimeRemaining {
                    label,
                    days: Some(days),
                }
            }
            EntitlementState::Paid { .. } => fixed("Auto-renew"),
            EntitlementState::Held => fixed("Awaiting compliance review"),
            EntitlementState::Cancelled { .. } => fixed("Cancelled"),
            EntitlementState::Expired { .. } => fixed("Expired"),
        }
    }
}

/// Whether the customer has had a trial of `product` (a product has one trial).
pub fn had_trial(entitlements: &[Entitlement], product: &str) -> bool {
    entitlements
        .iter()
        .any(|e| e.product == product && e.began_as_trial)
}

/// A provisioning step, for the program check of Table 1-2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provisioning {
    /// Set up a trial (adding a customer, or later).
    Trial,
    /// Set up a paid subscription directly.
    Paid,
    /// Convert a trial to paid; `product_serial` when the partner supplies one.
    Convert { product_serial: bool },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ProgramDenied {
    #[error("paid subscriptions are provisioned by ExSP partners: activate your ExSP serial number first")]
    ExspRequired,
    #[error("outside the ExSP program, converting a trial needs a product serial number")]
    ProductSerialRequired,
}

/// Table 1-2: resellers set up trials and convert them with a product serial; ExSP
/// partners also provision paid subscriptions themselves.
pub fn may_provision(program: Program, step: Provisioning) -> Result<(), ProgramDenied> {
    match (program, step) {
        (_, Provisioning::Trial) | (Program::Exsp, _) => Ok(()),
        (Program::Reseller, Provisioning::Paid) => Err(ProgramDenied::ExspRequired),
        (Program::Reseller, Provisioning::Convert { product_serial }) => product_serial
            .then_some(())
            .ok_or(ProgramDenied::ProductSerialRequired),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog;

    fn t(day: i64) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
            + Duration::days(day)
    }

    fn all_states() -> Vec<EntitlementState> {
        use EntitlementState as S;
        vec![
            S::Trial { ends_at: t(60) },
            S::Paid { renews_at: t(365) },
            S::Held,
            S::Cancelled { at: t(5) },
            S::Expired { at: t(60) },
        ]
    }

    fn all_events() -> Vec<EntitlementEvent> {
        use EntitlementEvent as E;
        vec![
            E::Convert {
                at: t(10),
                seats: 20,
                serial: None,
            },
            E::Cancel { at: t(10) },
            E::ComplianceCleared { at: t(10) },
            E::Tick { now: t(10) },
            E::Tick { now: t(400) },
        ]
    }

    fn with(state: EntitlementState) -> Entitlement {
        let product = catalog::product("endpoint-protection").unwrap();
        let mut e = Entitlement::trial(&CustomerId::generate(), product, t(0));
        e.state = state;
        e
    }

    /// Every state × every event, against the table the lifecycle is specified by.
    #[test]
    fn every_state_and_event() {
        use EntitlementState as S;
        for state in all_states() {
            for event in all_events() {
                let got = with(state).apply(&event).map(|e| e.state);
                let expected: Result<S, TransitionError> = match (state, &event) {
                    (S::Trial { .. }, EntitlementEvent::Convert { .. }) => Ok(S::Paid {
                        renews_at: term_end(t(10), 12),
                    }),
                    (_, EntitlementEvent::Convert { .. }) => Err(TransitionError::NotATrial),
                    (S::Cancelled { .. } | S::Expired { .. }, EntitlementEvent::Cancel { .. }) => {
                        Err(TransitionError::AlreadyEnded)
                    }
                    (_, EntitlementEvent::Cancel { .. }) => Ok(S::Cancelled { at: t(10) }),
                    (S::Held, EntitlementEvent::ComplianceCleared { .. }) => Ok(S::Paid {
                        renews_at: term_end(t(10), 12),
                    }),
                    (S::Trial { .. }, EntitlementEvent::Tick { now }) if *now >= t(60) => {
                        Ok(S::Expired { at: t(60) })
                    }
                    (S::Paid { .. }, EntitlementEvent::Tick { now }) if *now >= t(365) => {
                        Ok(S::Paid {
                            renews_at: term_end(t(365), 12),
                        })
                    }
                    (s, _) => Ok(s),
                };
                assert_eq!(got, expected, "{state:?} × {event:?}");
            }
        }
    }

    #[test]
    fn converting_takes_the_seats_and_the_product_serial() {
        let serial = Serial::generate(crate::serial::SerialKind::Product);
        let trial = with(EntitlementState::Trial { ends_at: t(60) });
        let paid = trial
            .apply(&EntitlementEvent::Convert {
                at: t(3),
                seats: 75,
                serial: Some(serial.clone()),
            })
            .unwrap();
        assert_eq!((paid.seats, &paid.serial), (75, &serial));
        assert_eq!(paid.updated_at, t(3));
    }

    #[test]
    fn ticking_twice_for_the_same_moment_changes_nothing_the_second_time() {
        for state in all_states() {
            for now in [t(10), t(60), t(365), t(2000)] {
                let tick = EntitlementEvent::Tick { now };
                let once = with(state).apply(&tick).unwrap();
                assert_eq!(once.apply(&tick).unwrap(), once, "{state:?} at {now}");
            }
        }
    }

    #[test]
    fn a_late_tick_renews_past_every_missed_term() {
        let paid = with(EntitlementState::Paid { renews_at: t(365) });
        let later = paid
            .apply(&EntitlementEvent::Tick { now: t(1200) })
            .unwrap();
        let EntitlementState::Paid { renews_at } = later.state else {
            panic!("still paid")
        };
        assert!(renews_at > t(1200) && renews_at <= term_end(t(1200), 12));
    }

    #[test]
    fn new_entitlements_follow_the_catalog() {
        let product = catalog::product("email-security").unwrap();
        let c = CustomerId::generate();
        let trial = Entitlement::trial(&c, product, t(0));
        assert_eq!(trial.seats, 50);
        assert_eq!(trial.state, EntitlementState::Trial { ends_at: t(60) });
        assert_eq!(trial.serial.kind(), crate::serial::SerialKind::Product);
        assert!(trial.began_as_trial && had_trial(std::slice::from_ref(&trial), product.id));
        let held = Entitlement::paid(&c, product, 10, true, t(0));
        assert!(!held.began_as_trial);
        assert_eq!(held.state, EntitlementState::Held);
        let paid = Entitlement::paid(&c, product, 10, false, t(0));
        assert_eq!(
            paid.state,
            EntitlementState::Paid {
                renews_at: term_end(t(0), 12)
            }
        );
    }

    #[test]
    fn time_remaining_reads_as_the_guide_shows_it() {
        let label = |state, now| with(state).time_remaining(now).label;
        let trial = EntitlementState::Trial { ends_at: t(60) };
        assert_eq!(label(trial, t(0)), "60 days");
        assert_eq!(label(trial, t(59)), "1 day");
        assert_eq!(label(trial, t(59) + Duration::hours(1)), "Less than a day");
        assert_eq!(label(trial, t(60)), "Expired");
        assert_eq!(with(trial).time_remaining(t(15)).days, Some(45));
        assert_eq!(
            with(trial)
                .time_remaining(t(15) + Duration::minutes(1))
                .days,
            Some(45),
            "partial days round up"
        );
        assert_eq!(
            label(EntitlementState::Paid { renews_at: t(9) }, t(0)),
            "Auto-renew"
        );
        assert_eq!(
            label(EntitlementState::Held, t(0)),
            "Awaiting compliance review"
        );
        assert_eq!(
            label(EntitlementState::Cancelled { at: t(1) }, t(2)),
            "Cancelled"
        );
    }

    #[test]
    fn table_1_2_reseller_versus_exsp() {
        use Provisioning as P;
        let steps = [
            P::Trial,
            P::Paid,
            P::Convert {
                product_serial: false,
            },
            P::Convert {
                product_serial: true,
            },
        ];
        for step in steps {
            assert_eq!(may_provision(Program::Exsp, step), Ok(()), "{step:?}");
        }
        assert_eq!(may_provision(Program::Reseller, P::Trial), Ok(()));
        assert_eq!(
            may_provision(Program::Reseller, P::Paid),
            Err(ProgramDenied::ExspRequired)
        );
        assert_eq!(
            may_provision(
                Program::Reseller,
                P::Convert {
                    product_serial: false
                }
            ),
            Err(ProgramDenied::ProductSerialRequired)
        );
        assert_eq!(
            may_provision(
                Program::Reseller,
                P::Convert {
                    product_serial: true
                }
            ),
            Ok(())
        );
    }
}
