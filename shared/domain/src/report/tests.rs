use chrono::TimeZone;

use super::*;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 4, 10, 15, 0).unwrap()
}

fn options(customers: usize) -> ReportOptions {
    ReportOptions {
        period: Period::Last { range: Range::Week },
        customers: (0..customers).map(|_| CustomerId::generate()).collect(),
        computers: ComputerScope::All,
        include_mac: false,
        report_by: ReportBy::Computers,
        active_users_only: false,
    }
}

fn fields(v: Vec<crate::FieldError>) -> Vec<String> {
    v.into_iter().map(|e| e.field).collect()
}

#[test]
fn a_plain_request_passes_with_its_formats_in_order() {
    let r = check_request(
        " Monthly ",
        ReportType::EndpointSummary,
        &[Format::Xml, Format::Pdf],
        options(2),
        now(),
    )
    .unwrap();
    assert_eq!(r.name, "Monthly");
    assert_eq!(r.formats, vec![Format::Pdf, Format::Xml]);
}

#[test]
fn every_type_offers_pdf_and_html() {
    for t in ReportType::ALL {
        assert!(t.formats().contains(&Format::Pdf), "{t:?}");
        assert!(t.formats().contains(&Format::Html), "{t:?}");
    }
    assert!(!ReportType::CustomerExecutiveSummary
        .formats()
        .contains(&Format::Csv));
}

#[test]
fn a_format_the_type_does_not_offer_is_refused() {
    let e = check_request(
        "x",
        ReportType::MspExecutiveSummary,
        &[Format::Csv],
        options(1),
        now(),
    )
    .unwrap_err();
    assert_eq!(fields(e), vec!["formats[0]"]);
}

#[test]
fn no_customer_no_format_and_no_name_are_all_reported() {
    let e = check_request("  ", ReportType::AlertHistory, &[], options(0), now()).unwrap_err();
    assert_eq!(fields(e), vec!["name", "formats", "options.customers"]);
}

#[test]
fn too_many_or_repeated_customers_are_refused() {
    let e = check_request(
        "x",
        ReportType::AlertHistory,
        &[Format::Pdf],
        options(MAX_CUSTOMERS + 1),
        now(),
    )
    .unwrap_err();
    assert_eq!(fields(e), vec!["options.customers"]);
    let mut o = options(1);
    o.customers.push(o.customers[0].clone());
    let e = check_request("x", ReportType::AlertHistory, &[Format::Pdf], o, now()).unwrap_err();
    assert_eq!(fields(e), vec!["options.customers[1]"]);
}

#[test]
fn options_a_type_does_not_offer_are_refused_not_ignored() {
    let mut o = options(1);
    o.computers = ComputerScope::Active;
    o.active_users_only = true;
    let e = check_request(
        "x",
        ReportType::AlertHistory,
        &[Format::Pdf],
        o.clone(),
        now(),
    )
    .unwrap_err();
    assert_eq!(
        fields(e),
        vec!["options.computers", "options.activeUsersOnly"]
    );
    o.active_users_only = false;
    assert!(check_request("x", ReportType::EndpointSummary, &[Format::Pdf], o, now()).is_ok());
}

#[test]
fn a_period_of_days_must_be_ordered_bounded_and_not_in_the_future() {
    let day = |d: u32| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
    let check = |from, to| {
        let mut o = options(1);
        o.period = Period::Days { from, to };
        check_request("x", ReportType::AlertHistory, &[Format::Pdf], o, now()).map(|_| ())
    };
    assert!(check(day(1), day(4)).is_ok());
    assert!(check(day(3), day(2)).is_err());
    assert!(check(day(5), day(6)).is_err());
    assert!(check(NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(), day(1)).is_err());
}

#[test]
fn a_period_of_days_spans_whole_days_and_a_range_ends_now() {
    let p = Period::Days {
        from: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
        to: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
    };
    let s = p.span(now());
    assert_eq!(s.from, Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap());
    assert_eq!(s.to, Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap());
    assert_eq!(p.label(now()), "1 Nov 2026 – 30 Nov 2026");
    let w = Period::Last { range: Range::Week };
    assert_eq!(w.span(now()).to, now());
    assert_eq!(w.label(now()), "Last 7 days (28 Nov 2026 – 4 Dec 2026)");
}

#[test]
fn span_totals_add_the_same_buckets_as_the_console_ranges() {
    use crate::telemetry::{range_total, Buckets, Tally};
    let mut b = Buckets::default();
    for d in 20..=30 {
        let mut t = Tally::new();
        t.add("detections", i64::from(d));
        b.daily.insert(format!("2026-11-{d}"), t);
    }
    for d in 1..=4 {
        let mut t = Tally::new();
        t.add("detections", 100);
        b.daily.insert(format!("2026-12-0{d}"), t);
    }
    for range in [Range::Week, Range::Month, Range::Quarter] {
        let span = Period::Last { range }.span(now());
        assert_eq!(
            data::span_total(&b, &span).get("detections"),
            range_total(&b, range, now()).get("detections"),
            "{range:?}"
        );
    }
    let days = Period::Days {
        from: NaiveDate::from_ymd_opt(2026, 11, 29).unwrap(),
        to: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
    };
    assert_eq!(
        data::span_total(&b, &days.span(now())).get("detections"),
        29 + 30 + 100
    );
}

#[test]
fn file_keys_live_under_the_partner() {
    let p = PartnerId::generate();
    let r = crate::ReportId::generate();
    assert_eq!(
        Report::file_key(&p, &r, Format::Pdf),
        format!("reports/{p}/{r}.pdf")
    );
}

#[test]
fn colours_read_and_write_as_hex() {
    let c = Colour::parse("#1F4e79").unwrap();
    assert_eq!(c.0, [0x1f, 0x4e, 0x79]);
    assert_eq!(String::from(c), "#1f4e79");
    for bad in ["1f4e79", "#1f4e7", "#1f4e7g", "#1f4e790", ""] {
        assert!(Colour::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn a_report_processing_past_the_limit_is_shown_as_failed() {
    let requested_at = now();
    let report = Report {
        id: crate::ReportId::generate(),
        name: "r".into(),
        report_type: ReportType::AlertHistory,
        formats: vec![Format::Pdf],
        options: options(1),
        status: ReportStatus::Processing,
        failure: None,
        files: vec![],
        requested_by: UserId::generate(),
        requested_by_name: "A".into(),
        requested_at,
        finished_at: None,
        expires_at: Report::expiry(requested_at),
        not_emailed: Vec::new(),
    };
    let soon = requested_at + Duration::minutes(PROCESSING_LIMIT_MINUTES);
    assert_eq!(
        report.clone().as_seen(soon).status,
        ReportStatus::Processing
    );
    let late = report.as_seen(soon + Duration::seconds(1));
    assert_eq!(late.status, ReportStatus::Failed);
    assert!(late.failure.unwrap().contains("too long"));
}

#[test]
fn a_period_reads_in_the_language_of_the_email() {
    let now = Utc.with_ymd_and_hms(2026, 3, 10, 12, 0, 0).unwrap();
    let days = Period::Days {
        from: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        to: NaiveDate::from_ymd_opt(2026, 3, 7).unwrap(),
    };
    assert_eq!(days.label(now), "1 Mar 2026 – 7 Mar 2026");
    assert_eq!(
        days.label_in(crate::locale::Language::German, now),
        "1. März 2026 bis 7. März 2026"
    );
    let week = Period::Last { range: Range::Week };
    assert!(week
        .label_in(crate::locale::Language::German, now)
        .starts_with("Letzte 7 Tage ("));
}
