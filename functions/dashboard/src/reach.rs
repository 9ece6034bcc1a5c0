//! Whose telemetry a request sums: the partner's whole portfolio, one customer, or, for a
//! custom role that sees only some customers, exactly those. Customers a user has No
//! access to are never counted: their sums are left out (or taken away from the
//! partner's).

use std::collections::BTreeMap;

use adapters::services::AppState;
use api::{acting, acting::Actor, Problem};
use chrono::{DateTime, Utc};
use domain::{
    authorization::{Action, Resource},
    customer::{portfolio, Customer},
    role::Visibility,
    telemetry::{Buckets, Tally},
    CustomerId, PartnerId,
};
use futures::future::try_join_all;
use store::StoreError;

/// What a request may sum.
#[derive(Debug, Clone)]
pub enum Reach {
    /// Every customer of the partner.
    Partner(PartnerId),
    /// Every customer but these.
    Except(PartnerId, Vec<CustomerId>),
    /// Only these customers.
    Only(Vec<CustomerId>),
    /// One customer (the Display filter, a profile).
    Customer(Box<Customer>),
}

impl Reach {
    /// The partner's customers the actor may see, or one of them when `customer` names
    /// it. A customer the actor may not see, or that is not the partner's, is not found.
    pub async fn of(
        state: &AppState,
        actor: &Actor,
        partner: &PartnerId,
        customer: Option<&str>,
    ) -> Result<Reach, Problem> {
        if let Some(raw) = customer {
            let one = one_customer(state, actor, partner, raw).await?;
            return Ok(Reach::Customer(Box::new(one)));
        }
        Ok(match actor.visibility() {
            Visibility::AllExcept(hidden) if hidden.is_empty() => Reach::Partner(partner.clone()),
            Visibility::AllExcept(hidden) => {
                Reach::Except(partner.clone(), hidden.into_iter().collect())
            }
            Visibility::Only(shown) => Reach::Only(shown.into_iter().collect()),
        })
    }

    /// The current counters of the fleets in reach.
    pub async fn current(&self, state: &AppState) -> Result<Tally, StoreError> {
        Ok(match self {
            Reach::Partner(p) => state.table.partner_totals(p).await?.fleet,
            Reach::Customer(c) => state.table.fleet(&c.id).await?.tally,
            Reach::Only(ids) => sum(state.table.fleets(ids).await?.iter().map(|f| &f.tally)),
            Reach::Except(p, ids) => {
                let mut t = state.table.partner_totals(p).await?.fleet;
                t.subtract(&sum(state
                    .table
                    .fleets(ids)
                    .await?
                    .iter()
                    .map(|f| &f.tally)));
                t
            }
        })
    }

    /// The day and hour buckets of the fleets in reach.
    pub async fn buckets(
        &self,
        state: &AppState,
        now: DateTime<Utc>,
    ) -> Result<Buckets, StoreError> {
        Ok(match self {
            Reach::Partner(p) => state.table.partner_buckets(p, now).await?,
            Reach::Customer(c) => state.table.customer_buckets(&c.id, now).await?,
            Reach::Only(ids) => {
                let mut all = Buckets::default();
                for b in each_buckets(state, ids, now).await? {
                    all.merge(&b);
                }
                all
            }
            Reach::Except(p, ids) => {
                let mut all = state.table.partner_buckets(p, now).await?;
                for b in each_buckets(state, ids, now).await? {
                    all.subtract(&b);
                }
                all
            }
        })
    }

    /// The current fleet counters and the portfolio together: for the whole partner, one
    /// read of both.
    pub async fn totals(&self, state: &AppState) -> Result<(Tally, Tally), StoreError> {
        match self {
            Reach::Partner(p) => {
                let t = state.table.partner_totals(p).await?;
                Ok((t.fleet, t.portfolio))
            }
            _ => futures::try_join!(self.current(state), self.portfolio(state)),
        }
    }

    /// The portfolio counters (customers by management type, trials and subscriptions)
    /// of the customers in reach.
    pub async fn portfolio(&self, state: &AppState) -> Result<Tally, StoreError> {
        let of_accounts = |accounts: Vec<Customer>, partner: Option<&PartnerId>| {
            sum(accounts
                .iter()
                .filter(|c| partner.is_none_or(|p| &c.partner_id == p))
                .map(portfolio)
                .collect::<Vec<_>>()
                .iter())
        };
        Ok(match self {
            Reach::Partner(p) => state.table.partner_totals(p).await?.portfolio,
            Reach::Customer(c) => portfolio(c),
            Reach::Only(ids) => of_accounts(state.table.accounts(ids).await?, None),
            Reach::Except(p, ids) => {
                let mut t = state.table.partner_totals(p).await?.portfolio;
                t.subtract(&of_accounts(state.table.accounts(ids).await?, Some(p)));
                t
            }
        })
    }

    /// Whether a customer is within reach.
    pub fn includes(&self, customer: &CustomerId) -> bool {
        match self {
            Reach::Partner(_) => true,
            Reach::Except(_, hidden) => !hidden.contains(customer),
            Reach::Only(shown) => shown.contains(customer),
            Reach::Customer(c) => &c.id == customer,
        }
    }
}

/// Each customer's buckets, read side by side (one Query each).
async fn each_buckets(
    state: &AppState,
    ids: &[CustomerId],
    now: DateTime<Utc>,
) -> Result<Vec<Buckets>, StoreError> {
    try_join_all(ids.iter().map(|c| state.table.customer_buckets(c, now))).await
}

fn sum<'a>(tallies: impl Iterator<Item = &'a Tally>) -> Tally {
    let mut t = Tally::new();
    for x in tallies {
        t.merge(x);
    }
    t
}

/// The customer `raw` names, if the actor may see it and it is the partner's.
pub async fn one_customer(
    state: &AppState,
    actor: &Actor,
    partner: &PartnerId,
    raw: &str,
) -> Result<Customer, Problem> {
    let missing = || Problem::not_found(acting::NO_SUCH_CUSTOMER);
    let id = CustomerId::parse(raw).map_err(|_| missing())?;
    actor.may(Action::ViewCustomers, Resource::Customer(&id))?;
    state
        .table
        .accounts(std::slice::from_ref(&id))
        .await?
        .into_iter()
        .find(|c| &c.partner_id == partner)
        .ok_or_else(missing)
}

/// The accounts of `ids` that are the partner's and in reach, by id (for names and the
/// Manage links of rows built from aggregates).
pub async fn named(
    state: &AppState,
    reach: &Reach,
    partner: &PartnerId,
    ids: Vec<CustomerId>,
) -> Result<BTreeMap<CustomerId, Customer>, StoreError> {
    let mut ids: Vec<CustomerId> = ids.into_iter().filter(|c| reach.includes(c)).collect();
    ids.sort();
    ids.dedup();
    Ok(state
        .table
        .accounts(&ids)
        .await?
        .into_iter()
        .filter(|c| &c.partner_id == partner)
        .map(|c| (c.id.clone(), c))
        .collect())
}

/// Whether the Manage link shows next to a customer: partner- or co-managed, and the
/// user may manage it.
pub fn manageable(actor: &Actor, c: &Customer) -> bool {
    c.management.partner_may_manage()
        && actor
            .may(Action::ManageCustomer, Resource::Customer(&c.id))
            .is_ok()
}
