//! Service Utilization and Billing, from the daily usage the scheduler records (each
//! live entitlement's seats, once a day), and the usage figures the MSP Executive
//! Summary shares. Billing counts paid seats: trials are shown apart, and subscriptions
//! held for trade-compliance review are not billed.

use std::collections::{BTreeSet, HashMap};

use super::*;
use crate::{
    billing::{self, product_order, status_label, Days, PAID, TRIAL},
    customer::portfolio,
    entitlement::EntitlementState,
    report::data::DailyUsage,
    CustomerId,
};

/// The days of the period (the calendar days the span touches).
pub(super) fn period_days(ctx: &Ctx) -> Days {
    Days {
        first: ctx.span.from.date_naive(),
        last: (ctx.span.to - Duration::seconds(1)).date_naive(),
    }
}

/// The usage rows of the chosen customers on the days of the period, with the index of
/// their customer.
pub(super) fn usage<'a>(ctx: &Ctx<'a>) -> Vec<(usize, &'a DailyUsage)> {
    let days = period_days(ctx);
    ctx.data
        .usage
        .iter()
        .filter(|u| days.contains(u.day))
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

/// Service Utilization and Billing: the figures are `billing::usage`'s, which the billing
/// export answers too.
pub(super) fn utilization_billing(ctx: &Ctx) -> Body {
    let chosen: Vec<CustomerId> = ctx
        .data
        .customers
        .iter()
        .map(|c| c.customer.id.clone())
        .collect();
    let used = billing::usage(period_days(ctx), &chosen, &ctx.data.usage);
    let days = used.days.count();
    let names: HashMap<&CustomerId, &str> = ctx
        .data
        .customers
        .iter()
        .map(|c| (&c.customer.id, customer_name(c)))
        .collect();
    let name = |id: &CustomerId| names.get(id).copied().unwrap_or_default().to_string();
    let main_rows = used
        .lines
        .iter()
        .map(|l| {
            vec![
                name(&l.customer_id).into(),
                product_name(&l.product).into(),
                status_label(&l.status).into(),
                date(l.first_day).into(),
                date(l.last_day).into(),
                l.paid_days.into(),
                l.seat_days.into(),
                l.average.to_string().into(),
                l.peak_seats.into(),
                l.trial_days.into(),
            ]
        })
        .collect();

    let product_rows = used
        .products
        .iter()
        .map(|p| {
            vec![
                product_name(&p.product).into(),
                p.billed_customers.into(),
                p.seat_days.into(),
                p.average.to_string().into(),
                p.peak_seats.into(),
                p.trial_customers.into(),
            ]
        })
        .collect();

    let trial_rows = used
        .lines
        .iter()
        .filter(|l| l.trial_days > 0)
        .map(|l| {
            let outcome = match l.status.as_str() {
                PAID => "Converted to paid",
                billing::HELD => "Converted, held for review",
                TRIAL if Some(l.last_day) < used.last_recorded => "Ended",
                _ => "On trial",
            };
            vec![
                name(&l.customer_id).into(),
                product_name(&l.product).into(),
                l.trial_days.into(),
                l.trial_seats.into(),
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

    let mut figures = vec![
        figure("seatDays", "Paid seat-days", used.seat_days),
        figure("averageSeats", "Average paid seats", used.average_whole()),
        figure("peakSeats", "Peak paid seats", used.peak_seats),
        figure("billedCustomers", "Customers billed", used.billed_customers),
        figure("trials", "Trials in the period", used.trials),
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
