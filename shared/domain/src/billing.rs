//! Billing: what the customers used, from the usage the scheduler records once a day
//! (each live entitlement's seats). One computation serves the Service Utilization and
//! Billing report and the billing export, so the two agree to the seat-day. Billing
//! counts paid seats: days on a trial are counted apart, and subscriptions held for
//! trade-compliance review are not billed.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};

use crate::{
    catalog,
    report::{data::DailyUsage, schedule::Frequency, MAX_PERIOD_DAYS},
    CustomerId, FieldError, Validation,
};

/// The usage statuses the scheduler records (an entitlement's state).
pub const PAID: &str = "paid";
pub const TRIAL: &str = "trial";
pub const HELD: &str = "held";

/// Whole GMT days, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Days {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl Days {
    /// How many days: the divisor of every average.
    pub fn count(&self) -> i64 {
        ((self.last - self.first).num_days() + 1).max(1)
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        day >= self.first && day <= self.last
    }
}

/// The billing export's period, from its query: the last full calendar quarter (GMT) by
/// default, billing being quarterly in arrears; `lastMonth`; or `from` and `to`, whole
/// days, at most [`MAX_PERIOD_DAYS`], ending today at the latest.
pub fn period(
    preset: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Days, Vec<FieldError>> {
    let mut v = Validation::new();
    let day = |field: &str, raw: Option<&str>, v: &mut Validation| {
        raw.and_then(|d| {
            v.check(
                field,
                NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
                    .map_err(|_| "must be a day, YYYY-MM-DD (e.g. 2026-07-01)".to_string()),
            )
        })
    };
    let (first, last) = (day("from", from, &mut v), day("to", to, &mut v));
    if from.is_some() || to.is_some() {
        if preset.is_some() {
            v.error("period", "choose a period or from and to, not both");
        }
        if from.is_none() {
            v.error("from", "is required with to");
        }
        if to.is_none() {
            v.error("to", "is required with from");
        }
        if let (Some(first), Some(last)) = (first, last) {
            let today = now.date_naive();
            if last < first {
                v.error("to", "must not be before from");
            } else if (last - first).num_days() + 1 > MAX_PERIOD_DAYS {
                v.error("to", format!("a period is at most {MAX_PERIOD_DAYS} days"));
            }
            if last > today {
                v.error("to", "must not be in the future");
            }
        }
        // A day missing or unreadable has recorded its error.
        return match (first, last) {
            (Some(first), Some(last)) if v.is_empty() => Ok(Days { first, last }),
            _ => Err(v.finish().err().unwrap_or_default()),
        };
    }
    let frequency = match preset.map(str::trim) {
        None | Some("lastQuarter") => Frequency::Quarterly,
        Some("lastMonth") => Frequency::Monthly,
        Some(_) => {
            return Err(vec![FieldError {
                field: "period".into(),
                message: "must be lastQuarter or lastMonth".into(),
            }])
        }
    };
    let (first, last) = frequency.last_full_period(now);
    Ok(Days { first, last })
}

/// An average number of seats in tenths of a seat, rounded half up (integer arithmetic:
/// no rounding drift); shown with one decimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Tenths(pub i64);

impl Tenths {
    /// `seat_days` spread over `days`.
    pub fn of(seat_days: i64, days: i64) -> Tenths {
        let days = days.max(1);
        Tenths((seat_days * 10 + days / 2) / days)
    }

    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 10.0
    }
}

impl fmt::Display for Tenths {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.0 / 10, self.0 % 10)
    }
}

/// How a usage status reads.
pub fn status_label(status: &str) -> &str {
    match status {
        PAID => "Paid",
        TRIAL => "Trial",
        HELD => "Held",
        other => other,
    }
}

/// Catalog order, products the catalog no longer has last, by id.
pub fn product_order(id: &str) -> (usize, String) {
    (
        catalog::CATALOG
            .iter()
            .position(|p| p.id == id)
            .unwrap_or(usize::MAX),
        id.to_string(),
    )
}

/// One customer's use of one product over the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub customer_id: CustomerId,
    pub product: String,
    /// The status of the last day recorded in the period.
    pub status: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    /// Days with paid (billed) seats.
    pub paid_days: i64,
    /// The paid seats of each recorded day, added up.
    pub seat_days: i64,
    /// The seat-days over every day of the period.
    pub average: Tenths,
    /// The most paid seats on one day.
    pub peak_seats: i64,
    pub trial_days: i64,
    /// The most trial seats on one day.
    pub trial_seats: i64,
}

/// One product's use across the customers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductTotal {
    pub product: String,
    /// Customers with at least one paid day.
    pub billed_customers: i64,
    pub seat_days: i64,
    pub average: Tenths,
    /// The most paid seats of all the customers on one day.
    pub peak_seats: i64,
    /// Customers with at least one day on a trial.
    pub trial_customers: i64,
}

/// The usage of a period: by customer and product, by product, and in total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Usage {
    pub days: Days,
    /// By customer in the order given, then by product in catalog order.
    pub lines: Vec<Line>,
    /// In catalog order.
    pub products: Vec<ProductTotal>,
    pub seat_days: i64,
    /// The most paid seats of all the customers and products on one day.
    pub peak_seats: i64,
    /// Customers with at least one paid day.
    pub billed_customers: i64,
    /// Customer and product pairs with at least one day on a trial.
    pub trials: i64,
    /// The last day with usage recorded, of any customer.
    pub last_recorded: Option<NaiveDate>,
}

impl Usage {
    pub fn average(&self) -> Tenths {
        Tenths::of(self.seat_days, self.days.count())
    }

    /// The average in whole seats, rounded half up.
    pub fn average_whole(&self) -> i64 {
        let days = self.days.count();
        (self.seat_days + days / 2) / days
    }
}

/// The usage of `customers` (in that order) on the days of `days`, from the recorded
/// daily usage; rows of other customers and other days are left out.
pub fn usage(days: Days, customers: &[CustomerId], recorded: &[DailyUsage]) -> Usage {
    let position: HashMap<&CustomerId, usize> = customers
        .iter()
        .enumerate()
        .rev()
        .map(|(i, c)| (c, i))
        .collect();
    let mut rows: Vec<(usize, &DailyUsage)> = recorded
        .iter()
        .filter(|u| days.contains(u.day))
        .filter_map(|u| position.get(&u.customer_id).map(|i| (*i, u)))
        .collect();
    // Oldest first, so a line's status is its last day's.
    rows.sort_by_key(|(_, u)| u.day);

    let mut lines: BTreeMap<(usize, (usize, String)), Line> = BTreeMap::new();
    // Per product and day, and per day, the paid seats of every customer (for the peaks).
    let mut product_days: BTreeMap<(usize, String), BTreeMap<NaiveDate, i64>> = BTreeMap::new();
    let mut all_days: BTreeMap<NaiveDate, i64> = BTreeMap::new();
    for (i, u) in &rows {
        let seats = i64::from(u.seats);
        let l = lines
            .entry((*i, product_order(&u.product)))
            .or_insert_with(|| Line {
                customer_id: u.customer_id.clone(),
                product: u.product.clone(),
                status: u.status.clone(),
                first_day: u.day,
                last_day: u.day,
                paid_days: 0,
                seat_days: 0,
                average: Tenths(0),
                peak_seats: 0,
                trial_days: 0,
                trial_seats: 0,
            });
        l.last_day = u.day;
        l.status = u.status.clone();
        match u.status.as_str() {
            PAID => {
                l.paid_days += 1;
                l.seat_days += seats;
                l.peak_seats = l.peak_seats.max(seats);
                *product_days
                    .entry(product_order(&u.product))
                    .or_default()
                    .entry(u.day)
                    .or_default() += seats;
                *all_days.entry(u.day).or_default() += seats;
            }
            TRIAL => {
                l.trial_days += 1;
                l.trial_seats = l.trial_seats.max(seats);
            }
            _ => {}
        }
    }
    let count = days.count();
    for l in lines.values_mut() {
        l.average = Tenths::of(l.seat_days, count);
    }

    let mut per_product: BTreeMap<&(usize, String), ProductTotal> = BTreeMap::new();
    for ((_, order), l) in &lines {
        let p = per_product.entry(order).or_insert_with(|| ProductTotal {
            product: l.product.clone(),
            billed_customers: 0,
            seat_days: 0,
            average: Tenths(0),
            peak_seats: product_days
                .get(order)
                .and_then(|d| d.values().max().copied())
                .unwrap_or(0),
            trial_customers: 0,
        });
        p.billed_customers += i64::from(l.paid_days > 0);
        p.seat_days += l.seat_days;
        p.trial_customers += i64::from(l.trial_days > 0);
    }
    let products = per_product
        .into_values()
        .map(|p| ProductTotal {
            average: Tenths::of(p.seat_days, count),
            ..p
        })
        .collect();

    let billed: BTreeSet<usize> = lines
        .iter()
        .filter(|(_, l)| l.paid_days > 0)
        .map(|((i, _), _)| *i)
        .collect();
    Usage {
        days,
        seat_days: lines.values().map(|l| l.seat_days).sum(),
        peak_seats: all_days.values().max().copied().unwrap_or(0),
        billed_customers: billed.len() as i64,
        trials: lines.values().filter(|l| l.trial_days > 0).count() as i64,
        last_recorded: rows.last().map(|(_, u)| u.day),
        lines: lines.into_values().collect(),
        products,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    fn november() -> Days {
        Days {
            first: day(11, 1),
            last: day(11, 30),
        }
    }

    fn used(c: &CustomerId, on: NaiveDate, product: &str, status: &str, seats: u32) -> DailyUsage {
        DailyUsage {
            day: on,
            partner_id: crate::PartnerId::generate(),
            customer_id: c.clone(),
            product: product.into(),
            status: status.into(),
            seats,
        }
    }

    const EP: &str = "endpoint-protection";
    const MAIL: &str = "email-security";

    fn line<'a>(u: &'a Usage, c: &CustomerId, product: &str) -> &'a Line {
        u.lines
            .iter()
            .find(|l| &l.customer_id == c && l.product == product)
            .unwrap()
    }

    #[test]
    fn seat_days_add_each_days_paid_seats_and_the_average_spreads_them_over_the_period() {
        let a = CustomerId::generate();
        let mut rows = Vec::new();
        for d in 1..=10 {
            rows.push(used(&a, day(11, d), EP, PAID, 10));
        }
        for d in 11..=20 {
            rows.push(used(&a, day(11, d), EP, PAID, 20));
        }
        let u = usage(november(), std::slice::from_ref(&a), &rows);
        let l = line(&u, &a, EP);
        assert_eq!(l.paid_days, 20);
        assert_eq!(l.seat_days, 300);
        // 300 seat-days over the 30 days of November, not over the 20 days used.
        assert_eq!(l.average, Tenths(100));
        assert_eq!(l.average.to_string(), "10.0");
        assert_eq!(l.peak_seats, 20);
        assert_eq!((l.first_day, l.last_day), (day(11, 1), day(11, 20)));
        assert_eq!(u.seat_days, 300);
        assert_eq!(u.average_whole(), 10);
    }

    #[test]
    fn trial_days_are_counted_apart_and_held_subscriptions_are_not_billed() {
        let a = CustomerId::generate();
        let b = CustomerId::generate();
        let mut rows = Vec::new();
        for d in 1..=5 {
            rows.push(used(&a, day(11, d), MAIL, TRIAL, 50));
        }
        for d in 6..=30 {
            rows.push(used(&a, day(11, d), MAIL, PAID, 5));
        }
        for d in 1..=30 {
            rows.push(used(&b, day(11, d), EP, HELD, 100));
        }
        let u = usage(november(), &[a.clone(), b.clone()], &rows);
        let mail = line(&u, &a, MAIL);
        assert_eq!(
            (
                mail.trial_days,
                mail.trial_seats,
                mail.paid_days,
                mail.seat_days
            ),
            (5, 50, 25, 125)
        );
        assert_eq!(mail.status, PAID, "the last day's status");
        assert_eq!(
            mail.average.to_string(),
            "4.2",
            "125 / 30 = 4.17, to one decimal"
        );
        let held = line(&u, &b, EP);
        assert_eq!((held.seat_days, held.paid_days, held.peak_seats), (0, 0, 0));
        assert_eq!(held.status, HELD);
        assert_eq!(u.billed_customers, 1);
        assert_eq!(u.trials, 1);
        assert_eq!(u.seat_days, 125);
        assert_eq!(u.peak_seats, 5);
    }

    #[test]
    fn a_products_peak_is_the_most_paid_seats_of_all_customers_on_one_day() {
        let a = CustomerId::generate();
        let b = CustomerId::generate();
        // a peaks at 30 on the 1st, b at 25 on the 2nd; together the most is 40 on the 2nd.
        let rows = vec![
            used(&a, day(11, 1), EP, PAID, 30),
            used(&b, day(11, 1), EP, PAID, 5),
            used(&a, day(11, 2), EP, PAID, 15),
            used(&b, day(11, 2), EP, PAID, 25),
            used(&a, day(11, 2), MAIL, PAID, 100),
        ];
        let u = usage(november(), &[a.clone(), b.clone()], &rows);
        let ep = &u.products[0];
        assert_eq!(ep.product, EP);
        assert_eq!(
            (ep.peak_seats, ep.seat_days, ep.billed_customers),
            (40, 75, 2)
        );
        assert_eq!(ep.average, Tenths::of(75, 30));
        assert_eq!(u.products[1].product, MAIL);
        assert_eq!(u.products[1].peak_seats, 100);
        assert_eq!(u.peak_seats, 140, "every product's paid seats on the 2nd");
        assert_eq!(line(&u, &a, EP).peak_seats, 30);
        assert_eq!(line(&u, &b, EP).peak_seats, 25);
    }

    #[test]
    fn days_outside_the_period_and_customers_not_asked_for_do_not_count() {
        let a = CustomerId::generate();
        let other = CustomerId::generate();
        let rows = vec![
            used(&a, day(10, 31), EP, PAID, 1000),
            used(&a, day(12, 1), EP, PAID, 1000),
            used(&other, day(11, 3), EP, PAID, 1000),
            used(&a, day(11, 30), EP, PAID, 7),
        ];
        let u = usage(november(), std::slice::from_ref(&a), &rows);
        assert_eq!(u.lines.len(), 1);
        assert_eq!(u.seat_days, 7);
        assert_eq!(u.peak_seats, 7);
        assert_eq!(u.last_recorded, Some(day(11, 30)));
        let none = usage(november(), &[], &rows);
        assert!(none.lines.is_empty() && none.products.is_empty());
        assert_eq!(
            (none.seat_days, none.peak_seats, none.last_recorded),
            (0, 0, None)
        );
    }

    #[test]
    fn lines_follow_the_customers_order_then_the_catalog_whatever_the_rows_order() {
        let a = CustomerId::generate();
        let b = CustomerId::generate();
        let rows = vec![
            used(&a, day(11, 2), MAIL, PAID, 1),
            used(&b, day(11, 1), EP, PAID, 1),
            used(&a, day(11, 1), "retired-product", PAID, 1),
            used(&a, day(11, 1), EP, PAID, 1),
        ];
        let u = usage(november(), &[b.clone(), a.clone()], &rows);
        let order: Vec<(&CustomerId, &str)> = u
            .lines
            .iter()
            .map(|l| (&l.customer_id, l.product.as_str()))
            .collect();
        assert_eq!(
            order,
            vec![(&b, EP), (&a, EP), (&a, MAIL), (&a, "retired-product")]
        );
    }

    #[test]
    fn averages_round_half_up_to_a_tenth() {
        assert_eq!(Tenths::of(125, 30).to_string(), "4.2");
        assert_eq!(Tenths::of(3, 20).to_string(), "0.2", "0.15 rounds up");
        assert_eq!(Tenths::of(1, 30).to_string(), "0.0");
        assert_eq!(Tenths::of(2_000, 92).to_string(), "21.7");
        assert_eq!(Tenths::of(0, 0), Tenths(0), "no division by zero");
        assert_eq!(Tenths(217).as_f64(), 21.7);
    }

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 9, 30, 0).unwrap()
    }

    fn days(first: (i32, u32, u32), last: (i32, u32, u32)) -> Days {
        Days {
            first: NaiveDate::from_ymd_opt(first.0, first.1, first.2).unwrap(),
            last: NaiveDate::from_ymd_opt(last.0, last.1, last.2).unwrap(),
        }
    }

    #[test]
    fn the_export_covers_the_last_full_quarter_by_default_or_the_last_month() {
        let now = at(2027, 2, 10);
        assert_eq!(
            period(None, None, None, now),
            Ok(days((2026, 10, 1), (2026, 12, 31)))
        );
        assert_eq!(period(None, None, None, now).unwrap().count(), 92);
        assert_eq!(
            period(Some("lastQuarter"), None, None, at(2026, 7, 1)),
            Ok(days((2026, 4, 1), (2026, 6, 30)))
        );
        assert_eq!(
            period(Some("lastMonth"), None, None, at(2026, 3, 1)),
            Ok(days((2026, 2, 1), (2026, 2, 28)))
        );
        assert_eq!(
            period(None, Some("2026-11-01"), Some("2026-11-30"), now),
            Ok(november())
        );
        assert_eq!(
            period(None, Some("2027-02-10"), Some("2027-02-10"), now),
            Ok(days((2027, 2, 10), (2027, 2, 10))),
            "today is the latest day"
        );
    }

    fn refused(
        preset: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Vec<(String, String)> {
        period(preset, from, to, at(2027, 2, 10))
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.message))
            .collect()
    }

    #[test]
    fn bad_periods_are_refused_naming_the_field() {
        let field = |errors: Vec<(String, String)>| -> Vec<String> {
            errors.into_iter().map(|(f, _)| f).collect()
        };
        assert_eq!(field(refused(Some("lastYear"), None, None)), ["period"]);
        assert_eq!(
            field(refused(None, Some("2026-13-01"), Some("2026-12-01"))),
            ["from"]
        );
        assert_eq!(
            field(refused(None, Some("2026-11-01"), Some("30/11/2026"))),
            ["to"]
        );
        assert_eq!(field(refused(None, Some("2026-11-01"), None)), ["to"]);
        assert_eq!(field(refused(None, None, Some("2026-11-01"))), ["from"]);
        assert_eq!(
            field(refused(
                Some("lastMonth"),
                Some("2026-11-01"),
                Some("2026-11-30")
            )),
            ["period"]
        );
        let backwards = refused(None, Some("2026-11-30"), Some("2026-11-01"));
        assert_eq!(backwards[0].1, "must not be before from");
        let long = refused(None, Some("2025-01-01"), Some("2026-02-05"));
        assert_eq!(long[0].1, "a period is at most 400 days");
        assert!(
            period(
                None,
                Some("2025-01-01"),
                Some("2026-02-04"),
                at(2027, 2, 10)
            )
            .is_ok(),
            "400 days"
        );
        let future = refused(None, Some("2027-02-01"), Some("2027-02-11"));
        assert_eq!(
            future,
            [("to".to_string(), "must not be in the future".to_string())]
        );
    }
}
