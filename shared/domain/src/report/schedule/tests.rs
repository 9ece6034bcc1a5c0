use chrono::{Duration, NaiveDate, TimeZone, Utc};

use super::*;

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn the_last_full_period_is_the_calendar_period_before_the_day_it_fires() {
    // Friday 4 December 2026, 06:10.
    let now = at(2026, 12, 4, 6, 10);
    assert_eq!(
        Frequency::Daily.last_full_period(now),
        (day(2026, 12, 3), day(2026, 12, 3))
    );
    assert_eq!(
        Frequency::Weekly.last_full_period(now),
        (day(2026, 11, 23), day(2026, 11, 29))
    );
    assert_eq!(
        Frequency::Monthly.last_full_period(now),
        (day(2026, 11, 1), day(2026, 11, 30))
    );
    assert_eq!(
        Frequency::Quarterly.last_full_period(now),
        (day(2026, 7, 1), day(2026, 9, 30))
    );
}

#[test]
fn periods_cross_years_and_leap_days() {
    let new_year = at(2027, 1, 1, 0, 0);
    assert_eq!(
        Frequency::Daily.last_full_period(new_year),
        (day(2026, 12, 31), day(2026, 12, 31))
    );
    assert_eq!(
        Frequency::Monthly.last_full_period(new_year),
        (day(2026, 12, 1), day(2026, 12, 31))
    );
    assert_eq!(
        Frequency::Quarterly.last_full_period(new_year),
        (day(2026, 10, 1), day(2026, 12, 31))
    );
    // Monday 4 January 2027: the week before is 28 Dec – 3 Jan.
    assert_eq!(
        Frequency::Weekly.last_full_period(at(2027, 1, 4, 9, 0)),
        (day(2026, 12, 28), day(2027, 1, 3))
    );
    assert_eq!(
        Frequency::Monthly.last_full_period(at(2028, 3, 1, 5, 0)),
        (day(2028, 2, 1), day(2028, 2, 29))
    );
}

#[test]
fn a_late_or_repeated_delivery_computes_the_same_period() {
    for f in Frequency::ALL {
        let due = f.next_after(7, at(2026, 12, 4, 12, 0));
        let late = due + Duration::minutes(59);
        assert_eq!(f.last_full_period(due), f.last_full_period(late), "{f:?}");
        assert_eq!(occasion(due), occasion(late));
    }
}

#[test]
fn each_expression_fires_exactly_when_its_frequency_says() {
    for f in Frequency::ALL {
        let cron = Cron::parse(&f.expression(6)).unwrap();
        let mut t = at(2026, 1, 1, 0, 0);
        let mut fired = Vec::new();
        while t < at(2027, 1, 1, 0, 0) {
            if cron.fires_in_minute(t) {
                fired.push(t);
            }
            t += Duration::hours(1);
        }
        assert!(fired
            .iter()
            .all(|t| t.format("%H:%M").to_string() == "06:00"));
        let expected = match f {
            Frequency::Daily => 365,
            Frequency::Weekly => 52,
            Frequency::Monthly => 12,
            Frequency::Quarterly => 4,
        };
        assert_eq!(fired.len(), expected, "{f:?}");
        match f {
            Frequency::Weekly => assert!(fired.iter().all(|t| t.weekday() == chrono::Weekday::Mon)),
            Frequency::Monthly => assert!(fired.iter().all(|t| t.day() == 1)),
            Frequency::Quarterly => assert_eq!(
                fired.iter().map(|t| t.month()).collect::<Vec<_>>(),
                vec![1, 4, 7, 10]
            ),
            Frequency::Daily => {}
        }
        // next_after walks the same instants.
        let mut walked = Vec::new();
        let mut t = at(2025, 12, 31, 23, 59);
        while let Some(n) = cron.next_after(t).filter(|n| *n < at(2027, 1, 1, 0, 0)) {
            walked.push(n);
            t = n;
        }
        assert_eq!(walked, fired, "{f:?}");
    }
}

#[test]
fn cron_reads_names_lists_and_refuses_what_it_does_not_understand() {
    let c = Cron::parse("cron(30 8 ? * MON,FRI *)").unwrap();
    assert!(c.fires_in_minute(at(2026, 12, 4, 8, 30))); // a Friday
    assert!(!c.fires_in_minute(at(2026, 12, 3, 8, 30))); // a Thursday
    assert!(!c.fires_in_minute(at(2026, 12, 4, 8, 31)));
    for bad in [
        "rate(5 minutes)",
        "cron(0 6 * * ?)",
        "cron(0 24 * * ? *)",
        "cron(0 6 * * ? 2027)",
        "cron(0 6 * * XYZ *)",
        "cron(0 6 0 * ? *)",
    ] {
        assert!(Cron::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn hours_are_0_to_23() {
    assert_eq!(check_hour(0), Ok(0));
    assert_eq!(check_hour(23), Ok(23));
    assert!(check_hour(24).is_err());
    assert!(check_hour(-1).is_err());
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn other_addresses_need_attach_and_are_bounded() {
    let user = UserId::generate().to_string();
    let ok = check_delivery(
        "delivery",
        std::slice::from_ref(&user),
        &strings(&["Ann@Customer.example"]),
        true,
    )
    .unwrap();
    assert_eq!(ok.users.len(), 1);
    assert_eq!(ok.emails[0].as_str(), "ann@customer.example");

    let errors =
        check_delivery("delivery", &[], &strings(&["ann@customer.example"]), false).unwrap_err();
    assert_eq!(errors[0].field, "delivery.emails");
    assert!(errors[0].message.contains("attached file"));

    let many: Vec<String> = (0..1000).map(|i| format!("r{i}@example.com")).collect();
    let errors = check_delivery("delivery", &[], &many, true).unwrap_err();
    assert_eq!(errors.len(), 1, "one error, not a thousand: {errors:?}");
    assert_eq!(errors[0].field, "delivery.emails");
}

#[test]
fn addresses_with_line_breaks_duplicates_and_bad_users_are_refused() {
    let user = UserId::generate().to_string();
    let errors = check_delivery(
        "delivery",
        &[user.clone(), user, "usr_nope".into()],
        &strings(&[
            "ann@example.com\nBcc: all@example.com",
            "bob@example.com",
            "BOB@example.com",
            "Carol <carol@example.com>",
        ]),
        true,
    )
    .unwrap_err();
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        vec![
            "delivery.users[1]",
            "delivery.users[2]",
            "delivery.emails[0]",
            "delivery.emails[2]",
            "delivery.emails[3]",
        ]
    );
}

#[test]
fn schedules_describe_when_they_run() {
    assert_eq!(
        describe(Frequency::Weekly, 6),
        "Weekly, Mondays at 06:00 GMT"
    );
    assert_eq!(
        describe(Frequency::Quarterly, 23),
        "Quarterly, on 1 Jan, 1 Apr, 1 Jul and 1 Oct at 23:00 GMT"
    );
}
