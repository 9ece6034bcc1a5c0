use std::collections::BTreeSet;

use chrono::TimeZone;

use super::*;
use crate::{
    alert::{Alert, AlertKind, AlertStatus, Raise},
    audit::{Action, AuditRecord, Outcome},
    customer::{
        portfolio, summarize, Communications, Compliance, Customer, CustomerContact, MacAccess,
        ManagementType,
    },
    entitlement::Entitlement,
    partner::Company,
    report::{
        data::{CustomerData, DailyUsage, ReportData},
        document::{Block, Document, Table},
        ReportOptions,
    },
    telemetry::{
        contribution, deployment_series, intrusion_series, offline_count, range_total, risk_series,
        top, AgentVersion, EndpointSummary, OperatingSystem, ProtectionStatus, RiskAction,
    },
    CustomerId, PartnerId, UserId,
};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 4, 10, 15, 0).unwrap()
}

fn agent() -> AgentVersion {
    AgentVersion::parse("22.4.1").unwrap()
}

fn partner() -> PartnerId {
    PartnerId::generate()
}

fn customer(name: &str) -> Customer {
    Customer {
        id: CustomerId::generate(),
        partner_id: partner(),
        company: Company {
            name: name.into(),
            address1: "4 Mill Lane".into(),
            address2: None,
            city: "York".into(),
            state: None,
            postal_code: "YO1 7HH".into(),
            country: "GB".into(),
            phone: "+44 1904 000000".into(),
            website: None,
        },
        contact: CustomerContact {
            first_name: "Dee".into(),
            last_name: "Okafor".into(),
            email: "dee@example.com".into(),
            phone: "01904 000001".into(),
            language: "en".into(),
            time_zone: "UTC".into(),
            daylight_saving: false,
        },
        management: ManagementType::PartnerManaged,
        communications: Communications::Shared,
        compliance: Compliance::Cleared,
        unmanaged_mac: MacAccess::Allow,
        products: Vec::new(),
        require_update: 0,
        seats_used: 0,
        alerts_error: 0,
        alerts_warning: 0,
        alerts_informational: 0,
        admin_active: true,
        created_at: now() - Duration::days(200),
        version: 1,
    }
}

/// A protected, activated Windows computer in "Office", seen five minutes ago.
fn pc(name: &str) -> Computer {
    Computer {
        id: format!("id-{name}"),
        name: name.into(),
        os: OperatingSystem {
            family: OsFamily::Windows,
            version: "Windows 11 Pro".into(),
        },
        group: Some("Office".into()),
        agent_version: "22.4.1".into(),
        definitions_date: now().date_naive(),
        status: ProtectionStatus::Protected,
        activated: true,
        managed: None,
        last_seen: now() - Duration::minutes(5),
        installed_at: now() - Duration::days(40),
        deleted: false,
        deleted_at: None,
        version: 1,
    }
}

fn mac(name: &str, managed: bool) -> Computer {
    Computer {
        os: OperatingSystem {
            family: OsFamily::Mac,
            version: "macOS 14.4".into(),
        },
        managed: Some(managed),
        ..pc(name)
    }
}

fn deleted(c: Computer) -> Computer {
    Computer {
        deleted: true,
        deleted_at: Some(now() - Duration::days(2)),
        ..c
    }
}

fn offline(c: Computer) -> Computer {
    Computer {
        last_seen: now() - Duration::days(3),
        ..c
    }
}

/// A customer with `computers`, whose current counters are what ingestion would have
/// made of them.
fn fleet(name: &str, computers: Vec<Computer>) -> CustomerData {
    let mut current = Tally::new();
    for c in &computers {
        current.merge(&contribution(c, &agent()));
    }
    CustomerData {
        customer: customer(name),
        entitlements: Vec::new(),
        current,
        buckets: Buckets::default(),
        computers,
    }
}

fn tally(counters: &[(&str, i64)]) -> Tally {
    counters.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

/// Adds `counters` to the day bucket `day` (`YYYY-MM-DD`).
fn on_day(mut c: CustomerData, day: &str, counters: &[(&str, i64)]) -> CustomerData {
    c.buckets
        .daily
        .entry(day.to_string())
        .or_default()
        .merge(&tally(counters));
    c
}

/// Adds `counters` to the hour bucket `hours_ago` hours before now's.
fn on_hour(mut c: CustomerData, hours_ago: i64, counters: &[(&str, i64)]) -> CustomerData {
    let h = hour_of(now() - Duration::hours(hours_ago));
    c.buckets
        .hourly
        .entry(h)
        .or_default()
        .merge(&tally(counters));
    c
}

fn week() -> Period {
    Period::Last { range: Range::Week }
}

fn data(t: ReportType, customers: Vec<CustomerData>) -> ReportData {
    ReportData {
        name: "Monthly review".into(),
        report_type: t,
        options: ReportOptions {
            period: week(),
            customers: customers.iter().map(|c| c.customer.id.clone()).collect(),
            computers: ComputerScope::All,
            include_mac: false,
            report_by: ReportBy::Computers,
            active_users_only: false,
        },
        now: now(),
        partner_name: "Acme IT".into(),
        customers,
        alerts: Vec::new(),
        audit: Vec::new(),
        disabled_users: BTreeSet::new(),
        usage: Vec::new(),
    }
}

fn tables(d: &Document) -> Vec<&Table> {
    d.sections
        .iter()
        .flat_map(|s| &s.blocks)
        .filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
        .collect()
}

fn table_of<'a>(d: &'a Document, key: &str) -> &'a Table {
    tables(d)
        .into_iter()
        .find(|t| t.key == key)
        .unwrap_or_else(|| panic!("no table {key}"))
}

fn chart_of<'a>(d: &'a Document, key: &str) -> &'a Chart {
    d.sections
        .iter()
        .flat_map(|s| &s.blocks)
        .find_map(|b| match b {
            Block::Chart(c) if c.key == key => Some(c),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no chart {key}"))
}

/// The cells of one column, as text.
fn column(t: &Table, key: &str) -> Vec<String> {
    let i = t
        .columns
        .iter()
        .position(|c| c.key == key)
        .unwrap_or_else(|| panic!("{} has no column {key}", t.key));
    t.rows.iter().map(|r| r[i].text()).collect()
}

/// The row whose first cells are `lead`, as text.
fn row(t: &Table, lead: &[&str]) -> Vec<String> {
    t.rows
        .iter()
        .map(|r| r.iter().map(Cell::text).collect::<Vec<_>>())
        .find(|r| r.iter().zip(lead).all(|(a, b)| a == b))
        .unwrap_or_else(|| panic!("{} has no row {lead:?}", t.key))
}

fn cell(t: &Table, lead: &[&str], key: &str) -> String {
    let i = t.columns.iter().position(|c| c.key == key).unwrap();
    row(t, lead)[i].clone()
}

fn notes(d: &Document) -> Vec<&str> {
    d.sections
        .iter()
        .flat_map(|s| &s.blocks)
        .filter_map(|b| match b {
            Block::Note { text } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

fn figure_of(d: &Document, key: &str) -> i64 {
    d.figure(key)
        .unwrap_or_else(|| panic!("{} has no figure {key}", d.subtitle))
}

/// A customer with a bit of everything: computers of every kind, events in and before
/// the period, entitlements, usage, alerts and audit records.
fn rich() -> ReportData {
    let mut c = fleet(
        "Contoso Dental",
        vec![
            pc("FRONT-DESK"),
            Computer {
                status: ProtectionStatus::Disabled,
                group: None,
                ..pc("XRAY")
            },
            offline(pc("RECEPTION")),
            deleted(pc("OLD-PC")),
            mac("MAC-1", true),
            mac("MAC-2", false),
            Computer {
                definitions_date: now().date_naive() - Duration::days(10),
                activated: false,
                os: OperatingSystem {
                    family: OsFamily::Linux,
                    version: "Ubuntu 24.04".into(),
                },
                ..pc("SERVER")
            },
        ],
    );
    c = on_day(c, "2026-11-01", &[("detections", 40), ("blocked", 40)]);
    c = on_day(
        c,
        "2026-12-01",
        &[
            ("detections", 3),
            ("blocked", 2),
            ("unresolved", 1),
            ("r#Trojan.Gen.2", 2),
            ("r#W32.Downadup", 1),
            ("intrusions", 4),
            ("i#MSRPC Exploit", 4),
            ("firewall", 6),
            ("installed", 2),
            ("removed", 1),
        ],
    );
    c = on_hour(
        c,
        1,
        &[("detections", 1), ("quarantined", 1), ("firewall", 2)],
    );
    let ep = catalog::product("endpoint-protection").unwrap();
    let email = catalog::product("email-security").unwrap();
    c.entitlements = vec![
        Entitlement::paid(&c.customer.id, ep, 25, false, now() - Duration::days(2)),
        Entitlement::trial(&c.customer.id, email, now() - Duration::days(30)),
    ];
    c.customer.products = summarize(&c.entitlements);
    c.customer.seats_used = 5;
    let id = c.customer.id.clone();
    let mut d = data(ReportType::CustomerExecutiveSummary, vec![c]);
    d.usage = (0..7)
        .map(|i| DailyUsage {
            day: now().date_naive() - Duration::days(i),
            partner_id: partner(),
            customer_id: id.clone(),
            product: ep.id.into(),
            status: "paid".into(),
            seats: 25,
        })
        .collect();
    d.alerts = vec![alert(&d, AlertKind::UnresolvedRisk, 1)];
    d.audit = vec![record("ann@acme.example", None, 1)];
    d
}

fn alert(d: &ReportData, kind: AlertKind, days_ago: i64) -> Alert {
    let c = &d.customers[0].customer;
    Alert::new(
        &c.partner_id,
        &Raise {
            kind,
            severity: kind.severity(),
            customer: Some((c.id.clone(), c.company.name.clone())),
            computer: Some("XRAY".into()),
            group: None,
            user: None,
            subject: format!("{} at XRAY", kind.label()),
            body: String::new(),
            condition: format!("{}#{}", kind.as_str(), days_ago),
            at: now() - Duration::days(days_ago),
            occurrences: 1,
        },
    )
}

fn record(email: &str, user: Option<&UserId>, days_ago: i64) -> AuditRecord {
    let mut r = AuditRecord::new(Action::SignIn, email, "203.0.113.9", Outcome::Success)
        .by(&partner(), user);
    r.at = now() - Duration::days(days_ago);
    r
}

fn build(t: ReportType, mut d: ReportData) -> Document {
    d.report_type = t;
    document(&d)
}

#[test]
fn every_type_builds_for_no_customer_one_customer_and_empty_data() {
    let periods = [
        week(),
        Period::Last { range: Range::Day },
        Period::Last {
            range: Range::Quarter,
        },
        Period::Days {
            from: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            to: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
        },
    ];
    for t in ReportType::ALL {
        for period in periods {
            for customers in [vec![], rich().customers, vec![fleet("Empty", vec![])]] {
                let mut d = rich();
                d.customers = customers;
                d.options.period = period;
                if d.customers.is_empty() {
                    d.usage.clear();
                }
                let doc = build(t, d);
                assert_eq!(doc.subtitle, t.title());
                assert_eq!(doc.title, "Monthly review");
                assert!(!doc.sections.is_empty(), "{t:?}");
                let mut keys = BTreeSet::new();
                for f in &doc.figures {
                    assert!(keys.insert(f.key.clone()), "{t:?}: figure {} twice", f.key);
                }
                for table in tables(&doc) {
                    for r in &table.rows {
                        assert_eq!(r.len(), table.columns.len(), "{t:?} {}", table.key);
                    }
                    assert!(!table.empty.is_empty());
                }
                for s in &doc.sections {
                    for b in &s.blocks {
                        if let Block::Chart(c) = b {
                            for series in &c.series {
                                assert_eq!(series.values.len(), c.labels.len(), "{t:?} {}", c.key);
                            }
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn a_type_offering_csv_has_exactly_one_main_table_and_the_summaries_none() {
    for t in ReportType::ALL {
        let ways: &[ReportBy] = if t.options().report_by {
            &[ReportBy::Computers, ReportBy::Groups]
        } else {
            &[ReportBy::Computers]
        };
        for by in ways {
            let mut d = rich();
            d.options.report_by = *by;
            let doc = build(t, d);
            let mains = tables(&doc).iter().filter(|t| t.main).count();
            let csv = t.formats().contains(&crate::report::Format::Csv);
            assert_eq!(mains, usize::from(csv), "{t:?} {by:?}");
            if csv {
                assert!(doc.main_table().unwrap().main);
            }
        }
    }
}

#[test]
fn table_and_column_keys_are_camel_case_and_unique_in_a_document() {
    for t in ReportType::ALL {
        let doc = build(t, rich());
        let mut seen = BTreeSet::new();
        for table in tables(&doc) {
            assert!(
                seen.insert(table.key.clone()),
                "{t:?}: table {} twice",
                table.key
            );
            let mut cols = BTreeSet::new();
            let camel = |k: &str| {
                k.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                    && k.chars().all(|c| c.is_ascii_alphanumeric())
            };
            assert!(camel(&table.key), "{t:?}: {}", table.key);
            for c in table.columns.iter().map(|c| &c.key) {
                assert!(camel(c), "{t:?}: {c}");
                assert!(cols.insert(c.clone()), "{t:?}: column {c} twice");
            }
        }
    }
}

#[test]
fn detections_count_only_the_buckets_of_the_period() {
    let doc = build(ReportType::VirusRiskActivitySummary, rich());
    // 2026-11-01 is before the last 7 days; the hour bucket is not read for days.
    assert_eq!(figure_of(&doc, "detections"), 3);
    assert_eq!(figure_of(&doc, "blocked"), 2);
    assert_eq!(figure_of(&doc, "quarantined"), 0);
    assert_eq!(figure_of(&doc, "unresolved"), 1);
    let main = doc.main_table().unwrap();
    assert_eq!(main.key, "customers");
    assert_eq!(column(main, "detections"), ["3"]);
    assert_eq!(
        column(table_of(&doc, "topRisks"), "risk"),
        ["Trojan.Gen.2", "W32.Downadup"]
    );
    let mut d = rich();
    d.options.period = Period::Last {
        range: Range::Quarter,
    };
    assert_eq!(
        figure_of(
            &build(ReportType::VirusRiskActivitySummary, d),
            "detections"
        ),
        43
    );
}

#[test]
fn the_last_24_hours_count_hour_buckets_and_say_risks_are_listed_by_day() {
    let mut d = rich();
    d.options.period = Period::Last { range: Range::Day };
    let doc = build(ReportType::RiskDetection, d);
    assert_eq!(figure_of(&doc, "detections"), 1);
    assert_eq!(figure_of(&doc, "quarantined"), 1);
    assert!(table_of(&doc, "customerRisks").rows.is_empty());
    assert!(notes(&doc).iter().any(|n| n.contains("counted per day")));
    assert_eq!(chart_of(&doc, "detectionsOverTime").labels.len(), 24);
}

#[test]
fn active_computers_only_leaves_out_deleted_computers() {
    let mut d = rich();
    let all = build(ReportType::EndpointSummary, d.clone());
    assert_eq!(
        column(all.main_table().unwrap(), "state")
            .iter()
            .filter(|s| *s == "Deleted")
            .count(),
        1
    );
    d.options.computers = ComputerScope::Active;
    let active = build(ReportType::EndpointSummary, d.clone());
    let names = column(active.main_table().unwrap(), "computer");
    assert!(!names.contains(&"OLD-PC".to_string()));
    assert_eq!(figure_of(&active, "listed"), figure_of(&all, "listed") - 1);
    assert!(notes(&active)
        .iter()
        .any(|n| n.contains("active computers only")));
    // The deployed count is the console's either way: deleted computers are not deployed.
    assert_eq!(
        figure_of(&active, "computers"),
        figure_of(&all, "computers")
    );
    let deployment = build(ReportType::ProductDeploymentSummary, d);
    assert!(!column(deployment.main_table().unwrap(), "computer").contains(&"OLD-PC".to_string()));
}

#[test]
fn unmanaged_macs_are_left_out_unless_included() {
    for t in [
        ReportType::EndpointSummary,
        ReportType::ComputerStatusSummary,
    ] {
        let mut d = rich();
        let names = |doc: &Document| column(doc.main_table().unwrap(), "computer");
        let without = build(t, d.clone());
        assert!(names(&without).contains(&"MAC-1".to_string()), "{t:?}");
        assert!(!names(&without).contains(&"MAC-2".to_string()), "{t:?}");
        assert!(notes(&without)
            .iter()
            .any(|n| n.contains("unmanaged Mac computers left out")));
        d.options.include_mac = true;
        let with = build(t, d);
        assert!(names(&with).contains(&"MAC-2".to_string()), "{t:?}");
    }
    // Types without the option never leave a Mac out.
    let doc = build(ReportType::MacComputerSummary, rich());
    assert_eq!(
        column(doc.main_table().unwrap(), "computer"),
        ["MAC-2", "MAC-1"]
    );
    assert_eq!(
        column(doc.main_table().unwrap(), "managed"),
        ["Unmanaged", "Managed"]
    );
    assert_eq!(figure_of(&doc, "mac"), 2);
    assert_eq!(figure_of(&doc, "macUnmanaged"), 1);
    assert_eq!(figure_of(&doc, "macManaged"), 1);
}

#[test]
fn report_by_groups_adds_up_each_groups_computers() {
    let mut d = data(
        ReportType::ComputerStatusSummary,
        vec![fleet(
            "Contoso Dental",
            vec![
                pc("A"),
                offline(pc("B")),
                Computer {
                    status: ProtectionStatus::Disabled,
                    ..pc("C")
                },
                deleted(pc("D")),
                Computer {
                    group: None,
                    ..pc("E")
                },
            ],
        )],
    );
    d.options.report_by = ReportBy::Groups;
    for t in [
        ReportType::ComputerStatusSummary,
        ReportType::EndpointSummary,
    ] {
        let doc = build(t, d.clone());
        let main = doc.main_table().unwrap();
        assert_eq!(main.key, "groups", "{t:?}");
        assert_eq!(column(main, "group"), ["(no group)", "Office"]);
        let office = ["Contoso Dental", "Office"];
        assert_eq!(cell(main, &office, "computers"), "3");
        assert_eq!(cell(main, &office, "online"), "2");
        assert_eq!(cell(main, &office, "offline"), "1");
        assert_eq!(cell(main, &office, "disabled"), "1");
        assert_eq!(cell(main, &office, "deleted"), "1");
        assert_eq!(
            cell(main, &["Contoso Dental", "(no group)"], "computers"),
            "1"
        );
    }
    let doc = build(ReportType::VirusRiskActivitySummary, d);
    let groups = table_of(&doc, "groupsAtRisk");
    assert_eq!(cell(groups, &["Contoso Dental", "Office"], "atRisk"), "2");
}

fn usage(c: &CustomerId, day: u32, product: &str, status: &str, seats: u32) -> DailyUsage {
    DailyUsage {
        day: NaiveDate::from_ymd_opt(2026, 11, day).unwrap(),
        partner_id: partner(),
        customer_id: c.clone(),
        product: product.into(),
        status: status.into(),
        seats,
    }
}

#[test]
fn billing_counts_paid_seat_days_average_and_peak_and_shows_trials_apart() {
    let mut d = data(
        ReportType::ServiceUtilizationBilling,
        vec![fleet("Contoso Dental", vec![]), fleet("Fabrikam", vec![])],
    );
    d.options.period = Period::Days {
        from: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
        to: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
    };
    let a = d.customers[0].customer.id.clone();
    let b = d.customers[1].customer.id.clone();
    let ep = "endpoint-protection";
    let email = "email-security";
    for day in 1..=10 {
        d.usage.push(usage(&a, day, ep, "paid", 10));
    }
    for day in 11..=20 {
        d.usage.push(usage(&a, day, ep, "paid", 20));
    }
    for day in 1..=5 {
        d.usage.push(usage(&a, day, email, "trial", 50));
    }
    for day in 6..=30 {
        d.usage.push(usage(&a, day, email, "paid", 5));
    }
    for day in 1..=30 {
        d.usage.push(usage(&b, day, ep, "held", 100));
    }
    // Outside the period, and a customer not chosen: neither counts.
    d.usage.push(DailyUsage {
        day: NaiveDate::from_ymd_opt(2026, 10, 31).unwrap(),
        ..usage(&a, 1, ep, "paid", 1000)
    });
    d.usage
        .push(usage(&CustomerId::generate(), 3, ep, "paid", 1000));
    let doc = document(&d);
    let main = doc.main_table().unwrap();
    assert_eq!(main.key, "usage");
    assert_eq!(main.rows.len(), 3);
    let endpoint = ["Contoso Dental", "Endpoint Protection Cloud"];
    assert_eq!(cell(main, &endpoint, "seatDays"), "300");
    assert_eq!(cell(main, &endpoint, "paidDays"), "20");
    assert_eq!(cell(main, &endpoint, "averageSeats"), "10.0");
    assert_eq!(cell(main, &endpoint, "peakSeats"), "20");
    assert_eq!(cell(main, &endpoint, "lastDay"), "2026-11-20");
    let mail = ["Contoso Dental", "Email Security.cloud"];
    assert_eq!(cell(main, &mail, "seatDays"), "125");
    assert_eq!(cell(main, &mail, "trialDays"), "5");
    assert_eq!(cell(main, &mail, "averageSeats"), "4.2");
    assert_eq!(cell(main, &mail, "status"), "Paid");
    let held = ["Fabrikam", "Endpoint Protection Cloud"];
    assert_eq!(cell(main, &held, "seatDays"), "0");
    assert_eq!(cell(main, &held, "status"), "Held");
    assert_eq!(figure_of(&doc, "seatDays"), 425);
    assert_eq!(figure_of(&doc, "averageSeats"), 14);
    assert_eq!(figure_of(&doc, "peakSeats"), 25);
    assert_eq!(figure_of(&doc, "billedCustomers"), 1);
    assert_eq!(figure_of(&doc, "trials"), 1);
    let trials = table_of(&doc, "trials");
    assert_eq!(cell(trials, &mail, "outcome"), "Converted to paid");
    assert_eq!(cell(trials, &mail, "seats"), "50");
    let products = table_of(&doc, "products");
    assert_eq!(
        cell(products, &["Endpoint Protection Cloud"], "seatDays"),
        "300"
    );
    assert_eq!(
        cell(products, &["Endpoint Protection Cloud"], "billedCustomers"),
        "1"
    );
}

#[test]
fn security_audit_leaves_out_disabled_users_with_active_users_only() {
    let ann = UserId::generate();
    let bob = UserId::generate();
    let mut d = data(
        ReportType::SecurityAudit,
        vec![fleet("Contoso Dental", vec![])],
    );
    d.audit = vec![
        record("ann@acme.example", Some(&ann), 1),
        record("bob@acme.example", Some(&bob), 2),
        record("unknown@example.com", None, 3),
        record("ann@acme.example", Some(&ann), 30),
    ];
    d.audit[2].outcome = Outcome::Failure;
    d.audit[2].reason = Some("wrong\npassword".into());
    d.disabled_users.insert(bob.clone());
    let all = document(&d);
    assert_eq!(figure_of(&all, "records"), 3);
    assert_eq!(figure_of(&all, "failures"), 1);
    assert_eq!(figure_of(&all, "users"), 3);
    let trail = all.main_table().unwrap();
    assert_eq!(
        column(trail, "user"),
        [
            "ann@acme.example",
            "bob@acme.example",
            "unknown@example.com"
        ]
    );
    assert_eq!(column(trail, "action")[0], "auth.signIn");
    assert_eq!(column(trail, "reason")[2], "wrong password");
    d.options.active_users_only = true;
    let active = document(&d);
    assert_eq!(figure_of(&active, "records"), 2);
    assert!(!column(active.main_table().unwrap(), "user").contains(&"bob@acme.example".to_string()));
    assert!(notes(&active)
        .iter()
        .any(|n| n.contains("active users only")));
    assert_eq!(
        cell(table_of(&active, "byOutcome"), &["Failure"], "records"),
        "1"
    );
}

#[test]
fn alert_history_lists_the_alerts_of_the_period_by_type_and_severity() {
    let mut d = data(
        ReportType::AlertHistory,
        vec![fleet("Contoso Dental", vec![])],
    );
    let mut dismissed = alert(&d, AlertKind::ComputerOffline, 2);
    dismissed.status = AlertStatus::Dismissed;
    dismissed.dismissed_by = Some("Ann Lee".into());
    d.alerts = vec![
        alert(&d, AlertKind::UnresolvedRisk, 1),
        dismissed,
        alert(&d, AlertKind::ComputerOffline, 3),
        alert(&d, AlertKind::UnresolvedRisk, 20),
    ];
    let doc = document(&d);
    assert_eq!(figure_of(&doc, "alerts"), 3);
    assert_eq!(figure_of(&doc, "open"), 2);
    assert_eq!(figure_of(&doc, "dismissed"), 1);
    assert_eq!(figure_of(&doc, "error"), 1);
    assert_eq!(figure_of(&doc, "warning"), 2);
    let by_type = table_of(&doc, "byType");
    assert_eq!(
        column(by_type, "type"),
        ["Unresolved risk", "Computer offline"]
    );
    assert_eq!(cell(by_type, &["Computer offline"], "alerts"), "2");
    assert_eq!(cell(by_type, &["Computer offline"], "open"), "1");
    let main = doc.main_table().unwrap();
    assert_eq!(column(main, "dismissedBy"), ["", "Ann Lee", ""]);
    assert_eq!(column(main, "status"), ["Open", "Dismissed", "Open"]);
}

/// Two customers with events in hour and day buckets over three months.
fn two_fleets() -> Vec<CustomerData> {
    let mut a = fleet(
        "Contoso Dental",
        vec![pc("A1"), offline(pc("A2")), mac("A3", false)],
    );
    let mut b = fleet(
        "Fabrikam",
        vec![
            pc("B1"),
            Computer {
                last_seen: now() - Duration::days(20),
                ..pc("B2")
            },
        ],
    );
    for (i, days_ago) in [0, 1, 5, 6, 7, 12, 29, 30, 45, 91, 95]
        .into_iter()
        .enumerate()
    {
        let day = day_of(now() - Duration::days(days_ago));
        let n = i as i64 + 1;
        a = on_day(
            a,
            &day,
            &[
                ("detections", n),
                ("blocked", n),
                ("r#Trojan.Gen.2", n),
                ("intrusions", 2 * n),
                ("i#MSRPC Exploit", 2 * n),
                ("installed", 1),
            ],
        );
        b = on_day(
            b,
            &day,
            &[
                ("detections", 2),
                ("unresolved", 1),
                ("cleaned", 1),
                ("r#Adware.Gen", 2),
                ("firewall", n),
                ("removed", i64::from(days_ago % 2 == 0)),
            ],
        );
    }
    for h in [0, 3, 23, 24, 30] {
        a = on_hour(
            a,
            h,
            &[("detections", 1), ("quarantined", 1), ("installed", 1)],
        );
        b = on_hour(b, h, &[("firewall", 2), ("intrusions", 1)]);
    }
    vec![a, b]
}

fn summed(customers: &[CustomerData]) -> (Tally, Buckets) {
    let mut t = Tally::new();
    let mut b = Buckets::default();
    for c in customers {
        t.merge(&c.current);
        b.merge(&c.buckets);
    }
    (t, b)
}

const RANGES: [Range; 4] = [Range::Day, Range::Week, Range::Month, Range::Quarter];

#[test]
fn figures_equal_the_endpoint_statistics_page() {
    let customers = two_fleets();
    let (_, buckets) = summed(&customers);
    for range in RANGES {
        let totals = range_total(&buckets, range, now());
        let mut d = data(ReportType::VirusRiskActivitySummary, customers.clone());
        d.options.period = Period::Last { range };
        let risk = document(&d);
        // GET /api/v1/statistics/endpoint: risks.total and risks.byAction.*
        assert_eq!(
            figure_of(&risk, "detections"),
            totals.get("detections"),
            "{range:?}"
        );
        for a in RiskAction::ALL {
            assert_eq!(
                figure_of(&risk, a.name()),
                totals.get(a.name()),
                "{range:?}"
            );
        }
        // risks.top: names and detections.
        let top_risks = table_of(&risk, "topRisks");
        let console = top(&totals, counter::RISK, 10);
        assert_eq!(
            column(top_risks, "risk"),
            console.iter().map(|r| r.0.clone()).collect::<Vec<_>>()
        );
        assert_eq!(
            column(top_risks, "detections"),
            console.iter().map(|r| r.1.to_string()).collect::<Vec<_>>()
        );
        // risks.series, hourly for 24 hours and daily otherwise.
        let chart = chart_of(&risk, "detectionsOverTime");
        let series = risk_series(&buckets, now()).of_range(range);
        assert_eq!(
            chart.series[0].values,
            series.iter().map(|p| p.blocked).collect::<Vec<_>>()
        );
        assert_eq!(
            chart.series[2].values,
            series.iter().map(|p| p.cleaned).collect::<Vec<_>>()
        );
        assert_eq!(
            chart.series[3].values,
            series.iter().map(|p| p.unresolved).collect::<Vec<_>>()
        );

        d.report_type = ReportType::IntrusionPreventionSummary;
        let ips = document(&d);
        // intrusions.total, intrusions.firewall, intrusions.top, intrusions.series
        assert_eq!(
            figure_of(&ips, "intrusions"),
            totals.get("intrusions"),
            "{range:?}"
        );
        assert_eq!(
            figure_of(&ips, "firewall"),
            totals.get("firewall"),
            "{range:?}"
        );
        assert_eq!(
            column(table_of(&ips, "topSignatures"), "count"),
            top(&totals, counter::SIGNATURE, 10)
                .iter()
                .map(|s| s.1.to_string())
                .collect::<Vec<_>>()
        );
        let chart = chart_of(&ips, "intrusionsOverTime");
        let series = intrusion_series(&buckets, now()).of_range(range);
        assert_eq!(
            chart.series[0].values,
            series.iter().map(|p| p.intrusions).collect::<Vec<_>>()
        );
        assert_eq!(
            chart.series[1].values,
            series.iter().map(|p| p.firewall).collect::<Vec<_>>()
        );
        d.report_type = ReportType::FirewallHistory;
        assert_eq!(figure_of(&document(&d), "firewall"), totals.get("firewall"));
    }
}

#[test]
fn deployment_figures_equal_the_product_deployment_page() {
    let customers = two_fleets();
    let (current, buckets) = summed(&customers);
    for range in RANGES {
        let totals = range_total(&buckets, range, now());
        let mut d = data(ReportType::ProductDeploymentSummary, customers.clone());
        d.options.period = Period::Last { range };
        let doc = document(&d);
        // GET /api/v1/statistics/deployment: deployed.total, installedInRange,
        // removedInRange, offline.count, deployed.byOs and deployed.series.
        assert_eq!(figure_of(&doc, "computers"), current.get("computers"));
        assert_eq!(
            figure_of(&doc, "installed"),
            totals.get("installed"),
            "{range:?}"
        );
        assert_eq!(
            figure_of(&doc, "removed"),
            totals.get("removed"),
            "{range:?}"
        );
        assert_eq!(
            figure_of(&doc, "offline"),
            offline_count(&current, range.offline_since(now())),
            "{range:?}"
        );
        let by_os = table_of(&doc, "byOs");
        for f in OsFamily::ALL {
            assert_eq!(
                cell(by_os, &[os_label(f)], "computers"),
                current.get(&format!("os#{}", f.name())).to_string()
            );
        }
        let chart = chart_of(&doc, "deploymentOverTime");
        let series = deployment_series(current.get("computers"), &buckets, now()).of_range(range);
        assert_eq!(
            chart.series[0].values,
            series.iter().map(|p| p.installed).collect::<Vec<_>>()
        );
        assert_eq!(
            chart.series[1].values,
            series.iter().map(|p| p.removed).collect::<Vec<_>>()
        );
        assert_eq!(
            chart.series[2].values,
            series.iter().map(|p| p.total).collect::<Vec<_>>(),
            "{range:?}"
        );
        // The Customer Executive Summary counts offline computers the same way.
        d.report_type = ReportType::CustomerExecutiveSummary;
        assert_eq!(
            figure_of(&document(&d), "offline"),
            figure_of(&doc, "offline")
        );
    }
}

#[test]
fn a_period_of_days_counts_offline_from_its_first_day_and_charts_deployed_only_up_to_today() {
    let customers = two_fleets();
    let (current, _) = summed(&customers);
    let mut d = data(ReportType::ProductDeploymentSummary, customers);
    let from = now().date_naive() - Duration::days(10);
    d.options.period = Period::Days {
        from,
        to: now().date_naive(),
    };
    let doc = document(&d);
    let since = from.and_hms_opt(0, 0, 0).unwrap().and_utc();
    assert_eq!(figure_of(&doc, "offline"), offline_count(&current, since));
    assert_eq!(chart_of(&doc, "deploymentOverTime").series.len(), 3);
    assert_eq!(chart_of(&doc, "deploymentOverTime").labels.len(), 11);
    d.options.period = Period::Days {
        from,
        to: from + Duration::days(3),
    };
    let past = document(&d);
    assert_eq!(chart_of(&past, "deploymentOverTime").series.len(), 2);
    assert!(notes(&past).iter().any(|n| n.contains("reach today")));
}

#[test]
fn endpoint_figures_equal_the_endpoint_protection_widget() {
    let customers = rich().customers;
    let (current, _) = summed(&customers);
    // GET /api/v1/dashboard endpointProtection, and a customer profile's summary.
    let console = EndpointSummary::of(&current, now());
    for t in [
        ReportType::EndpointSummary,
        ReportType::ComputerStatusSummary,
    ] {
        let doc = build(t, data(t, customers.clone()));
        assert_eq!(figure_of(&doc, "computers"), console.computers);
        assert_eq!(figure_of(&doc, "protected"), console.protected);
        assert_eq!(figure_of(&doc, "disabled"), console.disabled);
        assert_eq!(
            figure_of(&doc, "activationRequired"),
            console.activation_required
        );
        assert_eq!(
            figure_of(&doc, "agentUpdateRequired"),
            console.agent_update_required
        );
        assert_eq!(
            figure_of(&doc, "definitionUpdateRequired"),
            console.definition_update_required
        );
        // dashboard offlineComputers, too.
        assert_eq!(figure_of(&doc, "offline"), console.offline);
        assert_eq!(
            figure_of(&doc, "offline"),
            offline_count(&current, Range::Day.offline_since(now()))
        );
    }
    let doc = build(
        ReportType::MacComputerSummary,
        data(ReportType::MacComputerSummary, customers),
    );
    assert_eq!(figure_of(&doc, "mac"), console.mac);
    assert_eq!(figure_of(&doc, "macUnmanaged"), console.mac_unmanaged);
}

#[test]
fn each_listed_computers_status_agrees_with_the_headline_figures() {
    let mut d = rich();
    d.options.include_mac = true;
    d.options.computers = ComputerScope::Active;
    let doc = build(ReportType::ComputerStatusSummary, d);
    let main = doc.main_table().unwrap();
    let count = |key: &str, v: &str| column(main, key).iter().filter(|c| *c == v).count() as i64;
    assert_eq!(count("connection", "Offline"), figure_of(&doc, "offline"));
    assert_eq!(count("protection", "Disabled"), figure_of(&doc, "disabled"));
    assert_eq!(
        count("activated", "No"),
        figure_of(&doc, "activationRequired")
    );
    assert_eq!(
        count("definitions", "Out of date"),
        figure_of(&doc, "definitionUpdateRequired")
    );
    assert_eq!(main.rows.len() as i64, figure_of(&doc, "computers"));
}

#[test]
fn several_customers_figures_are_the_sums_of_each_customers() {
    let customers = two_fleets();
    for t in [
        ReportType::CustomerExecutiveSummary,
        ReportType::VirusRiskActivitySummary,
        ReportType::IntrusionPreventionSummary,
        ReportType::ProductDeploymentSummary,
        ReportType::SecurityOverview,
        ReportType::EndpointSummary,
        ReportType::RiskDetection,
    ] {
        let both = document(&data(t, customers.clone()));
        let each: Vec<Document> = customers
            .iter()
            .map(|c| document(&data(t, vec![c.clone()])))
            .collect();
        for f in both.figures.iter().filter(|f| f.unit.is_empty()) {
            let sum: i64 = each.iter().map(|d| figure_of(d, &f.key)).sum();
            assert_eq!(f.value, sum, "{t:?} {}", f.key);
        }
    }
}

#[test]
fn my_products_and_the_customers_page_figures_equal_the_console() {
    let d = rich();
    let mut expected = Tally::new();
    for c in &d.customers {
        expected.merge(&portfolio(&c.customer));
    }
    let ep = "endpoint-protection";
    let email = "email-security";
    for t in [
        ReportType::MspExecutiveSummary,
        ReportType::ServiceUtilizationBilling,
    ] {
        let doc = build(t, d.clone());
        // GET /api/v1/products/usage: items[].seats, paid (held included) and trials.
        assert_eq!(
            figure_of(&doc, "seats"),
            expected.get(&format!("seats#{ep}"))
        );
        assert_eq!(figure_of(&doc, "seats"), 25);
        assert_eq!(figure_of(&doc, "paid"), 1);
        assert_eq!(
            figure_of(&doc, "trial"),
            expected.get(&format!("trial#{email}"))
        );
    }
    // The Customers page's Used and Capacity columns.
    let doc = build(ReportType::CustomerExecutiveSummary, d.clone());
    assert_eq!(figure_of(&doc, "used"), 5);
    assert_eq!(
        figure_of(&doc, "capacity"),
        i64::from(d.customers[0].customer.capacity())
    );
    assert_eq!(figure_of(&doc, "capacity"), 75);
    assert_eq!(figure_of(&doc, "utilization"), 7);
    assert_eq!(figure_of(&doc, "openAlerts"), 1);
}

#[test]
fn msp_growth_compares_the_first_and_last_recorded_days_and_counts_new_entitlements() {
    let mut d = data(
        ReportType::MspExecutiveSummary,
        vec![fleet("Contoso Dental", vec![]), fleet("Fabrikam", vec![])],
    );
    d.options.period = Period::Last {
        range: Range::Month,
    };
    let a = d.customers[0].customer.id.clone();
    let b = d.customers[1].customer.id.clone();
    d.customers[1].customer.created_at = now() - Duration::days(3);
    let ep = catalog::product("endpoint-protection").unwrap();
    let email = catalog::product("email-security").unwrap();
    d.customers[1].entitlements = vec![
        Entitlement::paid(&b, ep, 40, false, now() - Duration::days(3)),
        Entitlement::trial(&b, email, now() - Duration::days(3)),
    ];
    d.customers[0].entitlements = vec![Entitlement::paid(
        &a,
        ep,
        10,
        false,
        now() - Duration::days(90),
    )];
    let day = |ago: i64| now().date_naive() - Duration::days(ago);
    for ago in 0..20 {
        d.usage.push(DailyUsage {
            day: day(ago),
            ..usage(&a, 1, ep.id, "paid", 10)
        });
    }
    for ago in 0..3 {
        d.usage.push(DailyUsage {
            day: day(ago),
            ..usage(&b, 1, ep.id, "paid", 40)
        });
        d.usage.push(DailyUsage {
            day: day(ago),
            ..usage(&b, 1, email.id, "trial", 50)
        });
    }
    let doc = document(&d);
    assert_eq!(figure_of(&doc, "customers"), 2);
    assert_eq!(figure_of(&doc, "newCustomers"), 1);
    assert_eq!(figure_of(&doc, "newSubscriptions"), 1);
    assert_eq!(figure_of(&doc, "newTrials"), 1);
    assert_eq!(figure_of(&doc, "capacityAdded"), 40);
    let growth = table_of(&doc, "growth");
    let paid = row(growth, &["Paid seats"]);
    assert_eq!(paid[1], date(day(19)));
    assert_eq!(paid[2], "10");
    assert_eq!(paid[4], "50");
    assert_eq!(paid[5], "40");
    assert_eq!(
        cell(growth, &["Customers with a live product"], "change"),
        "1"
    );
    assert_eq!(cell(growth, &["Trials"], "end"), "1");
    assert_eq!(table_of(&doc, "newEntitlements").rows.len(), 2);
    assert_eq!(chart_of(&doc, "seatsOverTime").labels.len(), 20);
}

#[test]
fn firewall_history_lists_each_customers_blocks_by_day() {
    let customers = two_fleets();
    let doc = document(&data(ReportType::FirewallHistory, customers));
    let history = doc.main_table().unwrap();
    assert_eq!(history.key, "history");
    // Fabrikam's blocks on the days of the last week with any: today, 1, 5 and 6 days ago.
    assert_eq!(
        column(history, "period"),
        [6, 5, 1, 0].map(|ago| day_of(now() - Duration::days(ago)))
    );
    assert_eq!(column(history, "firewall"), ["4", "3", "2", "1"]);
    assert_eq!(figure_of(&doc, "firewall"), 10);
    assert_eq!(
        cell(table_of(&doc, "customers"), &["Fabrikam"], "busiest"),
        day_of(now() - Duration::days(6))
    );
}

#[test]
fn risk_detection_lists_each_customers_risks_and_unresolved_ones() {
    let doc = document(&data(ReportType::RiskDetection, two_fleets()));
    let main = doc.main_table().unwrap();
    assert_eq!(main.key, "customerRisks");
    assert_eq!(
        row(main, &["Contoso Dental"]),
        ["Contoso Dental", "Trojan.Gen.2", "10"]
    );
    assert_eq!(row(main, &["Fabrikam"]), ["Fabrikam", "Adware.Gen", "8"]);
    assert_eq!(
        cell(table_of(&doc, "risks"), &["Trojan.Gen.2"], "customers"),
        "1"
    );
    assert_eq!(
        cell(table_of(&doc, "unresolved"), &["Fabrikam"], "unresolved"),
        "4"
    );
}

#[test]
fn security_overview_divides_events_by_attack_surface() {
    let doc = document(&data(ReportType::SecurityOverview, two_fleets()));
    let d = figure_of(&doc, "detections");
    let i = figure_of(&doc, "intrusions");
    let f = figure_of(&doc, "firewall");
    let surfaces = table_of(&doc, "bySurface");
    assert_eq!(column(surfaces, "events"), [d, i, f].map(|n| n.to_string()));
    let total = d + i + f;
    assert_eq!(
        cell(surfaces, &["Intrusions"], "share"),
        percent(i, total).to_string()
    );
    assert_eq!(
        cell(table_of(&doc, "byOs"), &["macOS"], "macUnmanaged"),
        "1"
    );
    assert_eq!(percent(1, 3), 33);
    assert_eq!(percent(2, 3), 67);
    assert_eq!(percent(1, 0), 0);
}

#[test]
fn the_executive_summary_reports_health_threats_utilization_and_alerts() {
    let d = rich();
    let doc = document(&d);
    assert_eq!(figure_of(&doc, "computers"), 6);
    assert_eq!(figure_of(&doc, "protected"), 5);
    assert_eq!(figure_of(&doc, "detections"), 3);
    assert_eq!(figure_of(&doc, "intrusions"), 4);
    assert_eq!(figure_of(&doc, "firewall"), 6);
    let health = table_of(&doc, "health");
    assert_eq!(cell(health, &["Contoso Dental"], "disabled"), "1");
    assert_eq!(cell(health, &["Contoso Dental"], "activationRequired"), "1");
    assert_eq!(
        cell(health, &["Contoso Dental"], "definitionUpdateRequired"),
        "1"
    );
    assert_eq!(cell(table_of(&doc, "bySeverity"), &["Error"], "open"), "1");
    assert!(cell(
        table_of(&doc, "utilization"),
        &["Contoso Dental"],
        "products"
    )
    .contains("Endpoint Protection Cloud (paid, 25)"));
    assert!(doc.main_table().is_some_and(|t| !t.main));
}
