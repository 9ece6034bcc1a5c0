//! Service Utilization and Billing, from the daily usage the scheduler records (each
//! live entitlement's seats, once a day), and the usage figures the MSP Executive
//! Summary shares. Billing counts paid seats: trials are shown apart, and subscriptions
//! held for trade-compliance review are not billed.

use std::collections::BTreeSet;

use super::*;
use crate::{customer::portfolio, entitlement::EntitlementState, report::data::DailyUsage};

const PAID: &str = "paid";
const TRIAL: &str = "trial";

/// The days of the period (the calendar days the span touches).
pub(super) fn period_days(ctx: &Ctx) -> (NaiveDate, NaiveDate) {
    (
        ctx.span.from.date_naive(),
        (ctx.span.to - Duration::seconds(1)).date_naive(),
    )
}

fn day_count(ctx: &Ctx) -> i64 {
    let (first, last) = period_days(ctx);
    ((last - first).num_days() + 1).max(1)
}

/// The usage rows of the chosen customers on the days of the period, with the index of
/// their customer.
pub(super) fn usage<'a>(ctx: &Ctx<'a>) -> Vec<(usize, &'a DailyUsage)> {
    let (first, last) = period_days(ctx);
    ctx.data
        .usage
        .iter()
        .filter(|u| u.day >= first && u.day <= last)
        .filter_map(|u| {
            ctx.data
                .customers
                .iter()
                .position(|c| c.customer.id == u.customer_id)
                .map(|i| (i, u))
        })
        .collect()
}

/// The usage of one day across the chosen customers.
#[derive(Debug, Default, Clone)]
pub(super) struct DayUsage {
    pub customers: BTreeSet<usize>,
    pub paid: i64,
    pub paid_seats: i64,
    pub trials: i64,
    pub trial_seats: i64,
}

/// Each recorded day's usage, oldest first.
pub(super) fn by_day(rows: &[(usize, &DailyUsage)]) -> BTreeMap<NaiveDate, DayUsage> {
    let mut days: BTreeMap<NaiveDate, DayUsage> = BTreeMap::new();
    for (i, u) in rows {
        let d = days.entry(u.day).or_default();
        d.customers.insert(*i);
        match u.status.as_str() {
            PAID => {
                d.paid += 1;
                d.paid_seats += i64::from(u.seats);
            }
            TRIAL => {
                d.trials += 1;
                d.trial_seats += i64::from(u.seats);
            }
            _ => {}
        }
    }
    days
}

/// One customer's use of one product over the period.
#[derive(Debug, Default)]
struct Line {
    first: Option<NaiveDate>,
    last: Option<NaiveDate>,
    status: String,
    paid_days: i64,
    seat_days: i64,
    peak: i64,
    trial_days: i64,
    trial_peak: i64,
}

/// Average seats over `days`, to one decimal (integer arithmetic: no rounding drift).
fn average(seat_days: i64, days: i64) -> String {
    let tenths = (seat_days * 10 + days / 2) / days.max(1);
    format!("{}.{}", tenths / 10, tenths % 10)
}

fn status_label(status: &str) -> &str {
    match status {
        PAID => "Paid",
        TRIAL => "Trial",
        "held" => "Held",
        other => other,
    }
}

/// Catalog order, unknown products last by id.
fn product_order(id: &str) -> (usize, String) {
    (
        catalog::CATALOG
            .iter()
            .position(|p| p.id == id)
            .unwrap_or(usize::MAX),
        id.to_string(),
    )
}

/// The seats of the customers' live paid and held subscriptions now, their paid
/// subscriptions and their trials: the console's My Products, added up.
pub(super) fn products_now(ctx: &Ctx) -> Tally {
    let mut t = Tally::new();
    for c in &ctx.data.customers {
        t.merge(&portfolio(&c.customer));
    }
    t
}

/// My Products' `seats`, `paid` (held included) and `trials` of `id` in `portfolio`.
pub(super) fn product_now(portfolio: &Tally, id: &str) -> (i64, i64, i64) {
    use crate::telemetry::counter::portfolio::{HELD, PAID as PAID_PREFIX, SEATS, TRIAL};
    (
        portfolio.get(&format!("{SEATS}{id}")),
        portfolio.get(&format!("{PAID_PREFIX}{id}")) + portfolio.get(&format!("{HELD}{id}")),
        portfolio.get(&format!("{TRIAL}{id}")),
    )
}

/// The figures `seats`, `paid` and `trial` now (My Products summed over the catalog).
pub(super) fn now_figures(ctx: &Ctx) -> Vec<Figure> {
    let p = products_now(ctx);
    let (mut seats, mut paid, mut trials) = (0, 0, 0);
    for product in catalog::CATALOG {
        let (s, pd, t) = product_now(&p, product.id);
        seats += s;
        paid += pd;
        trials += t;
    }
    vec![
        figure("seats", "Subscribed seats now", seats),
        figure("paid", "Paid subscriptions now", paid),
        figure("trial", "Trials now", trials),
    ]
}

/// Service Utilization and Billing.
pub(super) fn utilization_billing(ctx: &Ctx) -> Body {
    let rows = usage(ctx);
    let days = day_count(ctx);
    let last_recorded = rows.iter().map(|(_, u)| u.day).max();
    let mut lines: BTreeMap<(usize, (usize, String)), Line> = BTreeMap::new();
    // Per product and day, the paid seats of every customer (for the product's peak).
    let mut product_days: BTreeMap<(usize, String), BTreeMap<NaiveDate, i64>> = BTreeMap::new();
    let mut sorted = rows.clone();
    sorted.sort_by_key(|(_, u)| u.day);
    for (i, u) in &sorted {
        let l = lines.entry((*i, product_order(&u.product))).or_default();
        let seats = i64::from(u.seats);
        l.first = l.first.or(Some(u.day));
        l.last = Some(u.day);
        l.status = u.status.clone();
        match u.status.as_str() {
            PAID => {
                l.paid_days += 1;
                l.seat_days += seats;
                l.peak = l.peak.max(seats);
                *product_days
                    .entry(product_order(&u.product))
                    .or_default()
                    .entry(u.day)
                    .or_default() += seats;
            }
            TRIAL => {
                l.trial_days += 1;
                l.trial_peak = l.trial_peak.max(seats);
            }
            _ => {}
        }
    }
    let name = |i: usize| customer_name(&ctx.data.customers[i]).to_string();
    let main_rows = lines
        .iter()
        .map(|((i, (_, product)), l)| {
            vec![
                name(*i).into(),
                product_name(product).into(),
                status_label(&l.status).into(),
                l.first.map(date).unwrap_or_default().into(),
                l.last.map(date).unwrap_or_default().into(),
                l.paid_days.into(),
                l.seat_days.into(),
                average(l.seat_days, days).into(),
                l.peak.into(),
                l.trial_days.into(),
            ]
        })
        .collect();

    let mut per_product: BTreeMap<&(usize, String), (i64, i64, i64)> = BTreeMap::new();
    for ((_, product), l) in &lines {
        let p = per_product.entry(product).or_default();
        p.0 += i64::from(l.paid_days > 0);
        p.1 += l.seat_days;
        p.2 += i64::from(l.trial_days > 0);
    }
    let product_rows = per_product
        .iter()
        .map(|(product, (billed, seat_days, trials))| {
            let peak = product_days
                .get(*product)
                .and_then(|d| d.values().max().copied())
                .unwrap_or(0);
            vec![
                product_name(&product.1).into(),
                (*billed).into(),
                (*seat_days).into(),
                average(*seat_days, days).into(),
                peak.into(),
                (*trials).into(),
            ]
        })
        .collect();

    let trial_rows = lines
        .iter()
        .filter(|(_, l)| l.trial_days > 0)
        .map(|((i, (_, product)), l)| {
            let outcome = match l.status.as_str() {
                PAID => "Converted to paid",
                "held" => "Converted, held for review",
                TRIAL if l.last < last_recorded => "Ended",
                _ => "On trial",
            };
            vec![
                name(*i).into(),
                product_name(product).into(),
                l.trial_days.into(),
                l.trial_peak.into(),
                outcome.into(),
            ]
        })
        .collect();

    let mut subscriptions: Vec<Vec<Cell>> = Vec::new();
    for c in &ctx.data.customers {
        let mut live: Vec<_> = c
            .entitlements
            .iter()
            .filter(|e| e.state.is_live())
            .collect();
        live.sort_by_key(|e| product_order(&e.product));
        for e in live {
            let until = match e.state {
                EntitlementState::Trial { ends_at } => format!("Ends {}", time(ends_at)),
                EntitlementState::Paid { renews_at } => format!("Renews {}", time(renews_at)),
                _ => "Awaiting compliance review".to_string(),
            };
            subscriptions.push(vec![
                customer_name(c).into(),
                product_name(&e.product).into(),
                status_label(e.state.name()).into(),
                i64::from(e.seats).into(),
                until.into(),
            ]);
        }
    }

    let seat_days: i64 = lines.values().map(|l| l.seat_days).sum();
    let peak = by_day(&rows)
        .values()
        .map(|d| d.paid_seats)
        .max()
        .unwrap_or(0);
    let billed: BTreeSet<usize> = lines
        .iter()
        .filter(|(_, l)| l.paid_days > 0)
        .map(|((i, _), _)| *i)
        .collect();
    let mut figures = vec![
        figure("seatDays", "Paid seat-days", seat_days),
        figure(
            "averageSeats",
            "Average paid seats",
            (seat_days + days / 2) / days,
        ),
        figure("peakSeats", "Peak paid seats", peak),
        figure("billedCustomers", "Customers billed", billed.len() as i64),
        figure(
            "trials",
            "Trials in the period",
            lines.values().filter(|l| l.trial_days > 0).count() as i64,
        ),
    ];
    figures.extend(now_figures(ctx));

    let definitions = format!(
        "Seat-days: the paid seats of each recorded day added up. Average seats: the seat-days \
         divided by the {days} days of the period. Peak seats: the most paid seats on one day. \
         Held subscriptions (awaiting trade-compliance review) are not billed. Usage is \
         recorded once a day (GMT)."
    );
    Body {
        figures,
        sections: vec![
            section(
                "Usage by customer and product",
                vec![
                    paragraph(
                        "The seats each customer used of each product in the period, from the \
                         usage recorded every day. Billing counts the paid seats; days on a \
                         trial are shown apart.",
                    ),
                    Block::Table(main_table(table(
                        "usage",
                        vec![
                            text("customer", "Customer", 3),
                            text("product", "Product", 2),
                            text("status", "Status", 1),
                            text("firstDay", "First day", 1),
                            text("lastDay", "Last day", 1),
                            num("paidDays", "Paid days"),
                            num("seatDays", "Paid seat-days"),
                            num("averageSeats", "Average seats"),
                            num("peakSeats", "Peak seats"),
                            num("trialDays", "Trial days"),
                        ],
                        main_rows,
                        "No usage was recorded in this period.",
                    ))),
                    note(format!(
                        "{definitions} Status is the one of the last day recorded in the period."
                    )),
                ],
            ),
            section(
                "Totals by product",
                vec![
                    Block::Table(table(
                        "products",
                        vec![
                            text("product", "Product", 2),
                            num("billedCustomers", "Customers billed"),
                            num("seatDays", "Paid seat-days"),
                            num("averageSeats", "Average seats"),
                            num("peakSeats", "Peak seats"),
                            num("trialCustomers", "Customers on trial"),
                        ],
                        product_rows,
                        "No usage was recorded in this period.",
                    )),
                    note(
                        "A product's peak is the most paid seats of all the customers on one \
                         day.",
                    ),
                ],
            ),
            section(
                "Trials",
                vec![
                    paragraph("The trials in use in the period, and how each ended."),
                    Block::Table(table(
                        "trials",
                        vec![
                            text("customer", "Customer", 3),
                            text("product", "Product", 2),
                            num("trialDays", "Days on trial"),
                            num("seats", "Seats"),
                            text("outcome", "Outcome", 2),
                        ],
                        trial_rows,
                        "No trials in this period.",
                    )),
                ],
            ),
            section(
                "Subscriptions now",
                vec![
                    paragraph(
                        "The customers' live trials and subscriptions when the report was made.",
                    ),
                    Block::Table(table(
                        "subscriptions",
                        vec![
                            text("customer", "Customer", 3),
                            text("product", "Product", 2),
                            text("status", "Status", 1),
                            num("seats", "Seats"),
                            text("term", "Term (GMT)", 2),
                        ],
                        subscriptions,
                        "No live trials or subscriptions.",
                    )),
                ],
            ),
        ],
    }
}
