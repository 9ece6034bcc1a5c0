//! The billing export against the local stack: daily usage recorded as the scheduler
//! records it, the figures summed again here from the same items, the same figures as
//! the Service Utilization and Billing report built for the same customers and period,
//! as JSON and CSV; bad periods, a role that may not see a customer, another partner.

use std::collections::BTreeMap;

use axum::{
    http::{header, StatusCode},
    Router,
};
use chrono::{Datelike, Duration, NaiveDate, Utc};
use domain::report::{
    build, data::DailyUsage, Format, Period, Report, ReportOptions, ReportStatus, ReportType,
};
use serde_json::{json, Value};
use testkit::http::*;

use crate::reports::csv_rows;
use crate::world::trial_form;

const IP: &str = "192.0.2.77";
const EP: &str = "endpoint-protection";
const MAIL: &str = "email-security";

struct World {
    base: crate::world::World,
    reports: Router,
}

impl std::ops::Deref for World {
    type Target = crate::world::World;
    fn deref(&self) -> &crate::world::World {
        &self.base
    }
}

async fn world() -> World {
    let base = crate::world::World::new().await;
    World {
        reports: reports_http::app(base.stack.function("reports")),
        base,
    }
}

impl World {
    async fn usage(&self, token: &str, query: &str) -> Answer {
        get(
            &self.reports,
            &format!("/api/v1/billing/usage{query}"),
            token,
            IP,
        )
        .await
    }

    /// A customer of the partner whose administrator `token` is: its id, name and partner.
    async fn customer(&self, token: &str, name: &str, email: &str) -> Customer {
        let profile = self
            .add_customer(token, &trial_form(name, email, "coManaged", "shared"))
            .await;
        let c = &profile["customer"];
        Customer {
            id: c["id"].as_str().unwrap().to_string(),
            name: name.to_string(),
            partner: c["partnerId"].as_str().unwrap().to_string(),
        }
    }

    /// Records usage as the scheduler does: one day's items at a time, with the day's marker.
    async fn record(&self, rows: &[DailyUsage]) {
        let mut by_day: BTreeMap<NaiveDate, Vec<DailyUsage>> = BTreeMap::new();
        for r in rows {
            by_day.entry(r.day).or_default().push(r.clone());
        }
        for (day, items) in by_day {
            self.stack
                .state
                .table
                .record_usage(day, &items)
                .await
                .unwrap();
        }
    }
}

#[derive(Clone)]
struct Customer {
    id: String,
    name: String,
    partner: String,
}

fn used(c: &Customer, day: NaiveDate, product: &str, status: &str, seats: u32) -> DailyUsage {
    DailyUsage {
        day,
        partner_id: domain::PartnerId::parse(&c.partner).unwrap(),
        customer_id: domain::CustomerId::parse(&c.id).unwrap(),
        product: product.into(),
        status: status.into(),
        seats,
    }
}

/// The last full calendar quarter before `today`, worked out here on its own.
fn last_quarter(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let this_quarter =
        NaiveDate::from_ymd_opt(today.year(), (today.month() - 1) / 3 * 3 + 1, 1).unwrap();
    let last = this_quarter - Duration::days(1);
    let first = NaiveDate::from_ymd_opt(last.year(), last.month() - 2, 1).unwrap();
    (first, last)
}

/// What the export must answer for `customers` over `from`–`to`, summed from the rows
/// written: `items` by name and catalog order, `products`, and `totals`.
fn expected(rows: &[DailyUsage], customers: &[&Customer], from: NaiveDate, to: NaiveDate) -> Value {
    let days = (to - from).num_days() + 1;
    // Half up to a tenth: (2·10·s + d) / 2d tenths.
    let average = |seat_days: i64| ((seat_days * 20 + days) / (2 * days)) as f64 / 10.0;
    let catalog = |p: &str| {
        domain::catalog::CATALOG
            .iter()
            .position(|c| c.id == p)
            .unwrap()
    };
    let mut sorted: Vec<&&Customer> = customers.iter().collect();
    sorted.sort_by_key(|c| (c.name.to_lowercase(), c.id.clone()));
    let mut items = Vec::new();
    let mut product_days: BTreeMap<(usize, &str), BTreeMap<NaiveDate, i64>> = BTreeMap::new();
    let mut all_days: BTreeMap<NaiveDate, i64> = BTreeMap::new();
    let mut products: BTreeMap<(usize, &str), (i64, i64, i64)> = BTreeMap::new();
    let (mut total_seat_days, mut billed, mut trials) = (0, 0, 0);
    for c in sorted {
        let mut mine: Vec<&DailyUsage> = rows
            .iter()
            .filter(|r| r.customer_id.as_str() == c.id && r.day >= from && r.day <= to)
            .collect();
        mine.sort_by_key(|r| (catalog(&r.product), r.day));
        let mut products_of_c: Vec<&str> = mine.iter().map(|r| r.product.as_str()).collect();
        products_of_c.dedup();
        let mut paid_anything = false;
        for p in products_of_c {
            let of: Vec<&&DailyUsage> = mine.iter().filter(|r| r.product == p).collect();
            let paid: Vec<i64> = of
                .iter()
                .filter(|r| r.status == "paid")
                .map(|r| i64::from(r.seats))
                .collect();
            for r in of.iter().filter(|r| r.status == "paid") {
                *product_days
                    .entry((catalog(p), p))
                    .or_default()
                    .entry(r.day)
                    .or_default() += i64::from(r.seats);
                *all_days.entry(r.day).or_default() += i64::from(r.seats);
            }
            let seat_days: i64 = paid.iter().sum();
            let trial_days = of.iter().filter(|r| r.status == "trial").count() as i64;
            let t = products.entry((catalog(p), p)).or_default();
            t.0 += i64::from(!paid.is_empty());
            t.1 += seat_days;
            t.2 += i64::from(trial_days > 0);
            total_seat_days += seat_days;
            trials += i64::from(trial_days > 0);
            paid_anything |= !paid.is_empty();
            items.push(json!({
                "customerId": c.id,
                "customerName": c.name,
                "product": p,
                "productName": domain::catalog::product(p).unwrap().name,
                "status": of.last().unwrap().status,
                "firstDay": of.first().unwrap().day.to_string(),
                "lastDay": of.last().unwrap().day.to_string(),
                "paidDays": paid.len(),
                "seatDays": seat_days,
                "averageSeats": average(seat_days),
                "peakSeats": paid.iter().max().copied().unwrap_or(0),
                "trialDays": trial_days,
            }));
        }
        billed += i64::from(paid_anything);
    }
    let products: Vec<Value> = products
        .iter()
        .map(|(key, (billed, seat_days, trials))| {
            json!({
                "product": key.1,
                "productName": domain::catalog::product(key.1).unwrap().name,
                "billedCustomers": billed,
                "seatDays": seat_days,
                "averageSeats": average(*seat_days),
                "peakSeats": product_days.get(key).and_then(|d| d.values().max().copied()).unwrap_or(0),
                "trialCustomers": trials,
            })
        })
        .collect();
    json!({
        "from": from.to_string(),
        "to": to.to_string(),
        "days": days,
        "items": items,
        "products": products,
        "totals": {
            "seatDays": total_seat_days,
            "averageSeats": average(total_seat_days),
            "peakSeats": all_days.values().max().copied().unwrap_or(0),
            "billedCustomers": billed,
            "trials": trials,
        },
    })
}

/// A partner with three customers (one named like a spreadsheet formula, with a comma),
/// usage over the last quarter and on the days around it, and another partner whose
/// customer used the same days.
struct Fixture {
    admin: String,
    other_admin: String,
    alpha: Customer,
    mid: Customer,
    zeta: Customer,
    foreign: Customer,
    rows: Vec<DailyUsage>,
    quarter: (NaiveDate, NaiveDate),
}

async fn fixture(w: &World) -> Fixture {
    let admin = w.partner("admin@billing.example.com", "Billing MSP").await;
    let other_admin = w
        .partner("admin@other-billing.example.com", "Other MSP")
        .await;
    let alpha = w
        .customer(&admin, "=alpha Clinic, Leeds", "it@alpha.example.com")
        .await;
    let mid = w.customer(&admin, "Mid Co", "it@mid.example.com").await;
    let zeta = w
        .customer(&admin, "Zeta Dental", "it@zeta.example.com")
        .await;
    let foreign = w
        .customer(&other_admin, "Foreign Ltd", "it@foreign.example.com")
        .await;
    let today = Utc::now().date_naive();
    let quarter = last_quarter(today);
    let (q0, q1) = quarter;
    let d = |n: i64| q0 + Duration::days(n);
    let mut rows = Vec::new();
    for (n, seats) in [(0, 10), (1, 12), (2, 12), (30, 15), (31, 9), (60, 20)] {
        rows.push(used(&alpha, d(n), EP, "paid", seats));
        rows.push(used(&mid, d(n), EP, "paid", seats + 3));
        rows.push(used(&foreign, d(n), EP, "paid", 999));
    }
    for n in [0, 1] {
        rows.push(used(&alpha, d(n), MAIL, "trial", 50));
    }
    for n in [2, 3, 4, 45] {
        rows.push(used(&alpha, d(n), MAIL, "paid", 5));
        rows.push(used(&zeta, d(n), EP, "held", 100));
    }
    rows.push(used(&zeta, q1, EP, "paid", 40));
    rows.push(used(&mid, q1, MAIL, "trial", 50));
    // The days around the quarter count in no export of it.
    for day in [q0 - Duration::days(1), q1 + Duration::days(1)] {
        rows.push(used(&alpha, day, EP, "paid", 1000));
        rows.push(used(&zeta, day, EP, "paid", 1000));
    }
    w.record(&rows).await;
    Fixture {
        admin,
        other_admin,
        alpha,
        mid,
        zeta,
        foreign,
        rows,
        quarter,
    }
}

/// The Service Utilization and Billing report of `customers` over whole days, built from
/// what the report worker gathers.
async fn report_document(
    w: &World,
    partner: &str,
    customers: &[&Customer],
    from: NaiveDate,
    to: NaiveDate,
) -> domain::report::document::Document {
    let table = &w.stack.state.table;
    let partner_id = domain::PartnerId::parse(partner).unwrap();
    let account: domain::partner::Partner = table
        .get(&store::keys::partner_pk(&partner_id), "PARTNER")
        .await
        .unwrap()
        .unwrap();
    let now = Utc::now();
    let report = Report {
        id: domain::ReportId::generate(),
        name: "Quarter".into(),
        report_type: ReportType::ServiceUtilizationBilling,
        formats: vec![Format::Csv],
        options: ReportOptions {
            period: Period::Days { from, to },
            customers: customers
                .iter()
                .map(|c| domain::CustomerId::parse(&c.id).unwrap())
                .collect(),
            computers: Default::default(),
            include_mac: false,
            report_by: Default::default(),
            active_users_only: false,
        },
        status: ReportStatus::Processing,
        failure: None,
        files: Vec::new(),
        requested_by: domain::UserId::generate(),
        requested_by_name: "Test".into(),
        requested_at: now,
        finished_at: None,
        expires_at: Report::expiry(now),
        not_emailed: Vec::new(),
    };
    let data = report_worker::gather(table, &account, &report, now)
        .await
        .unwrap();
    build::document(&data)
}

/// The export's answer and the report's document say the same, line by line and in
/// total.
fn assert_same_as_report(answer: &Value, doc: &domain::report::document::Document) {
    let main = doc.main_table().unwrap();
    assert_eq!(main.key, "usage");
    let column = |key: &str| main.columns.iter().position(|c| c.key == key).unwrap();
    let items = answer["items"].as_array().unwrap();
    assert_eq!(
        main.rows.len(),
        items.len(),
        "one line per customer and product"
    );
    for (row, item) in main.rows.iter().zip(items) {
        let cell = |key: &str| row[column(key)].text();
        assert_eq!(cell("customer"), item["customerName"].as_str().unwrap());
        assert_eq!(cell("product"), item["productName"].as_str().unwrap());
        for key in ["paidDays", "seatDays", "peakSeats", "trialDays"] {
            assert_eq!(cell(key), item[key].to_string(), "{key} of {item}");
        }
        assert_eq!(
            cell("averageSeats"),
            format!("{:.1}", item["averageSeats"].as_f64().unwrap())
        );
        assert_eq!(cell("firstDay"), item["firstDay"].as_str().unwrap());
        assert_eq!(cell("lastDay"), item["lastDay"].as_str().unwrap());
    }
    let totals = &answer["totals"];
    for key in ["seatDays", "peakSeats", "billedCustomers", "trials"] {
        assert_eq!(doc.figure(key), totals[key].as_i64(), "figure {key}");
    }
    let products = doc
        .sections
        .iter()
        .flat_map(|s| &s.blocks)
        .find_map(|b| match b {
            domain::report::document::Block::Table(t) if t.key == "products" => Some(t),
            _ => None,
        })
        .unwrap();
    let ours = answer["products"].as_array().unwrap();
    assert_eq!(products.rows.len(), ours.len());
    for (row, p) in products.rows.iter().zip(ours) {
        let text: Vec<String> = row.iter().map(|c| c.text()).collect();
        assert_eq!(
            text,
            [
                p["productName"].as_str().unwrap().to_string(),
                p["billedCustomers"].to_string(),
                p["seatDays"].to_string(),
                format!("{:.1}", p["averageSeats"].as_f64().unwrap()),
                p["peakSeats"].to_string(),
                p["trialCustomers"].to_string(),
            ]
        );
    }
}

#[tokio::test]
async fn the_export_sums_the_recorded_usage_of_the_last_quarter_as_the_report_does() {
    let w = world().await;
    let f = fixture(&w).await;
    let (q0, q1) = f.quarter;
    let a = w.usage(&f.admin, "").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let all = [&f.alpha, &f.mid, &f.zeta];
    assert_eq!(
        a.body,
        expected(&f.rows, &all, q0, q1),
        "the last full quarter"
    );
    let items = a.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 5);
    assert!(a.body["totals"]["seatDays"].as_i64().unwrap() > 0);
    assert!(
        !a.text.contains(&f.foreign.id),
        "usage of this partner only: {}",
        a.text
    );
    let held = items
        .iter()
        .find(|i| i["customerId"] == f.zeta.id.as_str())
        .unwrap();
    assert_eq!(
        (&held["status"], &held["seatDays"], &held["paidDays"]),
        (&json!("paid"), &json!(40), &json!(1)),
        "the days held for review are not billed"
    );
    let doc = report_document(&w, &f.alpha.partner, &all, q0, q1).await;
    assert_same_as_report(&a.body, &doc);

    // The same quarter named, and a period of days, with the same sums.
    let named = w.usage(&f.admin, "?period=lastQuarter").await;
    assert_eq!(named.body, a.body);
    let (from, to) = (q0 + Duration::days(1), q0 + Duration::days(31));
    let days = w.usage(&f.admin, &format!("?from={from}&to={to}")).await;
    assert_eq!(days.status, StatusCode::OK, "{}", days.text);
    assert_eq!(days.body, expected(&f.rows, &all, from, to));
    let doc = report_document(&w, &f.alpha.partner, &all, from, to).await;
    assert_same_as_report(&days.body, &doc);
    let month = w.usage(&f.admin, "?period=lastMonth").await;
    assert_eq!(month.status, StatusCode::OK, "{}", month.text);
    let first_of_month = Utc::now().date_naive().with_day(1).unwrap();
    assert_eq!(
        month.body["to"],
        (first_of_month - Duration::days(1)).to_string()
    );
}

/// The CSV columns `docs/api.md` names for the billing export, remarks in parentheses
/// left out.
fn documented_columns() -> Vec<String> {
    let docs =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/api.md")).unwrap();
    let section = &docs[docs.find("### The billing export").unwrap()..];
    let bullet = &section[section.find("\n- CSV").unwrap() + 3..];
    let bullet = &bullet[..bullet.find("\n- ").unwrap()];
    let (_, columns) = bullet.split_once(".csv`:").unwrap();
    let mut plain = String::new();
    let mut depth = 0;
    for c in columns.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    plain
        .trim_end_matches(['.', '\n', ' '])
        .split(',')
        .map(|c| c.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

#[tokio::test]
async fn the_csv_export_has_the_same_lines_with_formulas_neutralised() {
    let w = world().await;
    let f = fixture(&w).await;
    let json = w.usage(&f.admin, "").await;
    let items = json.body["items"].as_array().unwrap().clone();
    let by_format = w.usage(&f.admin, "?format=csv").await;
    let accepted = send(
        &w.reports,
        bearer(request("GET", "/api/v1/billing/usage"), &f.admin)
            .header(header::ACCEPT, "text/csv")
            .body(axum::body::Body::empty())
            .unwrap(),
        IP,
    )
    .await;
    for a in [&by_format, &accepted] {
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        assert_eq!(
            a.headers.get(header::CONTENT_TYPE).unwrap(),
            "text/csv; charset=utf-8"
        );
        let (q0, q1) = f.quarter;
        assert_eq!(
            a.headers
                .get(header::CONTENT_DISPOSITION)
                .unwrap()
                .to_str()
                .unwrap(),
            format!("attachment; filename=\"billing-usage-{q0}-{q1}.csv\"")
        );
    }
    assert_eq!(by_format.text, accepted.text);
    let rows = csv_rows(&by_format.text);
    assert_eq!(
        rows[0],
        [
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
            "Trial days"
        ]
    );
    assert_eq!(
        rows[0],
        documented_columns(),
        "docs/api.md names the columns"
    );
    assert_eq!(rows.len(), items.len() + 1);
    assert!(
        by_format.text.contains("\"'=alpha Clinic, Leeds\""),
        "a name that would run as a formula is neutralised and quoted: {}",
        by_format.text
    );
    for (row, item) in rows[1..].iter().zip(&items) {
        let name = item["customerName"].as_str().unwrap();
        let shown = if name.starts_with('=') {
            format!("'{name}")
        } else {
            name.to_string()
        };
        let status = match item["status"].as_str().unwrap() {
            "paid" => "Paid",
            "trial" => "Trial",
            other => panic!("{other}"),
        };
        assert_eq!(
            row,
            &[
                shown,
                item["customerId"].as_str().unwrap().to_string(),
                item["productName"].as_str().unwrap().to_string(),
                item["product"].as_str().unwrap().to_string(),
                status.to_string(),
                item["firstDay"].as_str().unwrap().to_string(),
                item["lastDay"].as_str().unwrap().to_string(),
                item["paidDays"].to_string(),
                item["seatDays"].to_string(),
                format!("{:.1}", item["averageSeats"].as_f64().unwrap()),
                item["peakSeats"].to_string(),
                item["trialDays"].to_string(),
            ]
        );
    }
}

#[tokio::test]
async fn a_role_sees_only_the_customers_it_reads_and_another_partner_none_of_them() {
    let w = world().await;
    let f = fixture(&w).await;
    let (q0, q1) = f.quarter;
    let reader = w
        .reader(
            &f.admin,
            "hal@billing.example.com",
            &[&f.alpha.id, &f.zeta.id],
        )
        .await;
    let seen = [&f.alpha, &f.zeta];
    let a = w.usage(&reader, "").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(
        a.body,
        expected(&f.rows, &seen, q0, q1),
        "Mid Co's lines and seats are in no line, product or total"
    );
    assert!(!a.text.contains(&f.mid.id) && !a.text.contains("Mid Co"));
    let doc = report_document(&w, &f.alpha.partner, &seen, q0, q1).await;
    assert_same_as_report(&a.body, &doc);
    let csv = w.usage(&reader, "?format=csv").await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.text);
    assert!(!csv.text.contains(&f.mid.id) && !csv.text.contains("Mid Co"));
    assert_eq!(csv_rows(&csv.text).len(), 1 + 3);

    let other = w.usage(&f.other_admin, "").await;
    assert_eq!(other.status, StatusCode::OK, "{}", other.text);
    let items = other.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "its own customer only: {}", other.text);
    assert_eq!(items[0]["customerId"], f.foreign.id.as_str());
    for c in [&f.alpha, &f.mid, &f.zeta] {
        assert!(!other.text.contains(&c.id));
    }
}

#[tokio::test]
async fn bad_periods_are_refused_naming_the_parameter_and_read_nothing_else() {
    let w = world().await;
    let admin = w
        .partner("admin@bad-billing.example.com", "Bad Periods MSP")
        .await;
    let today = Utc::now().date_naive();
    let tomorrow = today + Duration::days(1);
    let long_ago = today - Duration::days(400);
    let before = w.item_count().await;
    let cases = [
        ("?period=lastYear".to_string(), "period"),
        ("?from=2026-02-30&to=2026-03-01".to_string(), "from"),
        ("?from=2026-01-01&to=01/02/2026".to_string(), "to"),
        ("?from=2026-01-01".to_string(), "to"),
        ("?to=2026-01-01".to_string(), "from"),
        ("?from=2026-01-31&to=2026-01-01".to_string(), "to"),
        (format!("?from={long_ago}&to={today}"), "to"),
        (format!("?from={today}&to={tomorrow}"), "to"),
        (
            "?period=lastMonth&from=2026-01-01&to=2026-01-31".to_string(),
            "period",
        ),
        ("?customer=all".to_string(), "customer"),
    ];
    for (query, field) in cases {
        let a = w.usage(&admin, &query).await;
        assert_problem(&a, 422);
        let fields: Vec<&str> = a.body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert!(fields.contains(&field), "{query}: {}", a.text);
    }
    let longest = w
        .usage(
            &admin,
            &format!("?from={}&to={today}", today - Duration::days(399)),
        )
        .await;
    assert_eq!(longest.status, StatusCode::OK, "400 days: {}", longest.text);
    assert_eq!(longest.body["days"], 400);
    assert_eq!(longest.body["items"], json!([]));
    assert_eq!(w.item_count().await, before, "nothing written");
    let anonymous = w.usage("not-a-token", "").await;
    assert_problem(&anonymous, 401);
}

/// The demo partner (its usage history and its automatic reports, as `make run` seeds
/// them): the monthly Service Utilization and Billing report's CSV, the billing export for
/// last month and an independent sum of the daily usage items agree to the seat-day.
#[tokio::test]
async fn the_demo_partners_monthly_report_and_the_billing_export_agree_with_the_usage_items() {
    let w = crate::world::World::new().await;
    let state = &w.stack.state;
    infra::demo::seed_on(state, false)
        .await
        .expect("the demo seeds");
    let s = sign_in(&w.auth, infra::demo::EMAIL, infra::demo::PASSWORD, IP).await;
    let token = s.body["accessToken"].as_str().unwrap().to_string();
    let reports = reports_http::app(w.stack.function("reports"));

    // The monthly automatic schedule's latest run: last month, ready.
    let schedules = call(
        &report_schedules::app(w.stack.function("report-schedules")),
        "GET",
        "/api/v1/report-schedules",
        &token,
        None,
        IP,
    )
    .await;
    assert_eq!(schedules.status.as_u16(), 200, "{}", schedules.text);
    let monthly = schedules.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["automatic"] == true && s["frequency"] == "monthly")
        .expect("the monthly automatic report")
        .clone();
    let id = monthly["lastReportId"].as_str().expect("a run").to_string();
    let report = call(
        &reports,
        "GET",
        &format!("/api/v1/reports/{id}"),
        &token,
        None,
        IP,
    )
    .await;
    assert_eq!(report.body["status"], "ready", "{}", report.text);
    let today = Utc::now().date_naive();
    let first = today.with_day(1).unwrap();
    let (from, to) = (
        (first - Duration::days(1)).with_day(1).unwrap(),
        first - Duration::days(1),
    );
    assert_eq!(
        report.body["options"]["period"],
        json!({"kind": "days", "from": from.to_string(), "to": to.to_string()})
    );
    let link = call(
        &reports,
        "GET",
        &format!("/api/v1/reports/{id}/files/csv"),
        &token,
        None,
        IP,
    )
    .await;
    let csv = adapters::tls::http_client()
        .get(link.body["url"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let rows = csv_rows(&csv);
    let col = |name: &str| rows[0].iter().position(|c| c == name).unwrap();
    let (customer, product, seat_days, peak) = (
        col("customer"),
        col("product"),
        col("seatDays"),
        col("peakSeats"),
    );
    let from_report: BTreeMap<(String, String), (i64, i64)> = rows[1..]
        .iter()
        .map(|r| {
            (
                (r[customer].clone(), r[product].clone()),
                (r[seat_days].parse().unwrap(), r[peak].parse().unwrap()),
            )
        })
        .collect();

    let export = call(
        &reports,
        "GET",
        "/api/v1/billing/usage?period=lastMonth",
        &token,
        None,
        IP,
    )
    .await;
    assert_eq!(export.status.as_u16(), 200, "{}", export.text);
    let from_export: BTreeMap<(String, String), (i64, i64)> = export.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                (
                    i["customerName"].as_str().unwrap().to_string(),
                    i["productName"].as_str().unwrap().to_string(),
                ),
                (
                    i["seatDays"].as_i64().unwrap(),
                    i["peakSeats"].as_i64().unwrap(),
                ),
            )
        })
        .collect();
    assert_eq!(from_report, from_export, "the report and the export");

    // The items themselves, summed here: paid seats of each day in the period.
    let names: BTreeMap<String, String> = w
        .stack
        .items_of("Customer")
        .await
        .iter()
        .filter_map(|c| {
            Some((
                c.get("id")?.as_s().ok()?.clone(),
                c.get("company")?
                    .as_m()
                    .ok()?
                    .get("name")?
                    .as_s()
                    .ok()?
                    .clone(),
            ))
        })
        .collect();
    let mut summed: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
    for u in w.stack.items_of("DailyUsage").await {
        let day: NaiveDate = u["day"].as_s().unwrap().parse().unwrap();
        if day < from || day > to || u["status"].as_s().unwrap() != "paid" {
            continue;
        }
        let seats: i64 = u["seats"].as_n().unwrap().parse().unwrap();
        let product = domain::catalog::product(u["product"].as_s().unwrap())
            .unwrap()
            .name
            .to_string();
        let e = summed
            .entry((names[u["customerId"].as_s().unwrap()].clone(), product))
            .or_default();
        e.0 += seats;
        e.1 = e.1.max(seats);
    }
    assert!(!summed.is_empty(), "the demo has paid usage last month");
    let billed: BTreeMap<_, _> = from_export
        .into_iter()
        .filter(|(_, (days, _))| *days > 0)
        .collect();
    assert_eq!(billed, summed, "the export and the usage items");
}
