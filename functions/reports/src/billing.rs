//! The billing export: seat-days and average and peak paid seats per customer and
//! product over a period (the last full quarter by default: billing is quarterly in
//! arrears), as JSON or CSV. The figures are `domain::billing::usage`'s, the same
//! computation as the Service Utilization and Billing report's, over the same daily
//! usage the scheduler records; a user sees only the customers they may report on.

use std::collections::{BTreeSet, HashMap};

use adapters::services::AppState;
use api::{
    acting,
    csv::{self, CsvRow},
    ApiQuery, Principal, Problem,
};
use axum::{
    extract::State,
    http::HeaderMap,
    response::{IntoResponse, Response},
    Json,
};
use chrono::{NaiveDate, Utc};
use domain::{
    authorization::{Action, Resource},
    billing::{self, status_label, Tenths},
    catalog, CustomerId,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BillingParams {
    /// `lastQuarter` (the default) or `lastMonth`: the last full calendar quarter or
    /// month in GMT. Not with `from` and `to`.
    #[param(pattern = r"^\s*(?:lastQuarter|lastMonth)\s*$")]
    pub period: Option<String>,
    /// The first day, `YYYY-MM-DD` (GMT), with `to`.
    #[param(format = Date)]
    pub from: Option<String>,
    /// The last day, `YYYY-MM-DD` (GMT), with `from`: at most 400 days after it, and not
    /// after today.
    #[param(format = Date)]
    pub to: Option<String>,
    /// `csv` for CSV (same as `Accept: text/csv`).
    pub format: Option<String>,
}

/// One customer's use of one product over the period.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UsageLine {
    #[schema(value_type = String)]
    pub customer_id: CustomerId,
    pub customer_name: String,
    /// The product's id in the catalog.
    pub product: String,
    pub product_name: String,
    /// `paid`, `trial` or `held` (awaiting trade-compliance review): the last day
    /// recorded in the period.
    pub status: String,
    #[schema(value_type = String, format = Date)]
    pub first_day: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub last_day: NaiveDate,
    /// Days with paid seats.
    pub paid_days: i64,
    /// The paid seats of every recorded day, added up.
    pub seat_days: i64,
    /// The seat-days divided by the days of the period, to one decimal.
    pub average_seats: f64,
    /// The same, as the CSV and the report show it.
    #[serde(skip)]
    pub average: Tenths,
    /// The most paid seats on one day.
    pub peak_seats: i64,
    pub trial_days: i64,
}

/// One product's use across the customers.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UsageByProduct {
    pub product: String,
    pub product_name: String,
    /// Customers with at least one paid day.
    pub billed_customers: i64,
    pub seat_days: i64,
    pub average_seats: f64,
    /// The most paid seats of all the customers on one day.
    pub peak_seats: i64,
    /// Customers with at least one day on a trial.
    pub trial_customers: i64,
}

/// The totals of every customer and product.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UsageTotals {
    pub seat_days: i64,
    pub average_seats: f64,
    /// The most paid seats of all the customers and products on one day.
    pub peak_seats: i64,
    pub billed_customers: i64,
    /// Customer and product pairs with at least one day on a trial.
    pub trials: i64,
}

/// The usage of a period.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BillingUsage {
    /// The first day of the period (GMT).
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    /// The last day, included.
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
    /// The days of the period: the divisor of every average.
    pub days: i64,
    /// By customer name, then by product in catalog order.
    pub items: Vec<UsageLine>,
    /// In catalog order.
    pub products: Vec<UsageByProduct>,
    pub totals: UsageTotals,
}

impl CsvRow for UsageLine {
    fn headers() -> &'static [&'static str] {
        &[
            "Customer",
            "Customer ID",
            "Product",
            "Product ID",
            "Status",
            "First day",
            "Last day",
            "Paid days",
            "Seat-days",
            "Average seats",
            "Peak seats",
            "Trial days",
        ]
    }

    fn row(&self) -> Vec<String> {
        vec![
            self.customer_name.clone(),
            self.customer_id.to_string(),
            self.product_name.clone(),
            self.product.clone(),
            status_label(&self.status).to_string(),
            self.first_day.to_string(),
            self.last_day.to_string(),
            self.paid_days.to_string(),
            self.seat_days.to_string(),
            self.average.to_string(),
            self.peak_seats.to_string(),
            self.trial_days.to_string(),
        ]
    }
}

fn product_name(id: &str) -> String {
    catalog::product(id).map_or_else(|| id.to_string(), |p| p.name.to_string())
}

/// The billing export: what each customer the user may report on used of each product
/// in the period, from the usage recorded once a day.
#[utoipa::path(
    get,
    path = "/api/v1/billing/usage",
    tag = "billing",
    security(("bearer" = [])),
    params(BillingParams),
    responses(
        (status = 200, description = "The usage of the period (or CSV, one row per customer and product)", body = BillingUsage,
            content(
                (BillingUsage = "application/json"),
                (String = "text/csv"),
            )),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        (status = 422, description = "A bad period: an unknown name, a day that is not YYYY-MM-DD, from without to, to before from, more than 400 days, or days in the future", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn billing_usage(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<BillingParams>,
) -> Result<Response, Problem> {
    let (actor, partner) =
        acting::member(&state, &principal, Action::RunReports, Resource::Partner).await?;
    let days = billing::period(
        params.period.as_deref(),
        params.from.as_deref(),
        params.to.as_deref(),
        Utc::now(),
    )
    .map_err(Problem::validation)?;
    let recorded = state
        .table
        .usage_between(&partner.id, days.first, days.last)
        .await?;
    // The customers with usage that the user may report on and that are still the
    // partner's (a removed customer's usage has no name to show, as in a report).
    let wanted: Vec<CustomerId> = recorded
        .iter()
        .map(|u| &u.customer_id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .filter(|c| actor.may(Action::RunReports, Resource::Customer(c)).is_ok())
        .cloned()
        .collect();
    let mut accounts: Vec<(String, CustomerId)> = state
        .table
        .accounts(&wanted)
        .await?
        .into_iter()
        .filter(|c| c.partner_id == partner.id)
        .map(|c| (c.company.name, c.id))
        .collect();
    accounts.sort_by(|(a, x), (b, y)| (a.to_lowercase(), x).cmp(&(b.to_lowercase(), y)));
    let order: Vec<CustomerId> = accounts.iter().map(|(_, id)| id.clone()).collect();
    let names: HashMap<CustomerId, String> = accounts.into_iter().map(|(n, id)| (id, n)).collect();
    let used = billing::usage(days, &order, &recorded);
    let items: Vec<UsageLine> = used
        .lines
        .iter()
        .map(|l| UsageLine {
            customer_id: l.customer_id.clone(),
            customer_name: names.get(&l.customer_id).cloned().unwrap_or_default(),
            product: l.product.clone(),
            product_name: product_name(&l.product),
            status: l.status.clone(),
            first_day: l.first_day,
            last_day: l.last_day,
            paid_days: l.paid_days,
            seat_days: l.seat_days,
            average_seats: l.average.as_f64(),
            average: l.average,
            peak_seats: l.peak_seats,
            trial_days: l.trial_days,
        })
        .collect();
    if csv::wants_csv(&headers, params.format.as_deref()) {
        let filename = format!("billing-usage-{}-{}.csv", days.first, days.last);
        return Ok(csv::response(&items, &filename));
    }
    Ok(Json(BillingUsage {
        from: days.first,
        to: days.last,
        days: days.count(),
        items,
        products: used
            .products
            .iter()
            .map(|p| UsageByProduct {
                product: p.product.clone(),
                product_name: product_name(&p.product),
                billed_customers: p.billed_customers,
                seat_days: p.seat_days,
                average_seats: p.average.as_f64(),
                peak_seats: p.peak_seats,
                trial_customers: p.trial_customers,
            })
            .collect(),
        totals: UsageTotals {
            seat_days: used.seat_days,
            average_seats: used.average().as_f64(),
            peak_seats: used.peak_seats,
            billed_customers: used.billed_customers,
            trials: used.trials,
        },
    })
    .into_response())
}
