use super::*;
use chrono::TimeZone;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 10, 30, 0).unwrap()
}

fn report(id: &str) -> ComputerReport {
    ComputerReport {
        id: id.into(),
        name: format!("PC-{id}"),
        os: OperatingSystem {
            family: OsFamily::Windows,
            version: "Windows 11 Pro".into(),
        },
        group: Some("Default".into()),
        agent_version: "22.4.1".into(),
        definitions_date: now().date_naive(),
        status: ProtectionStatus::Protected,
        activated: true,
        managed: None,
        last_seen: now() - Duration::minutes(5),
        installed_at: Some(now() - Duration::days(10)),
        deleted: false,
    }
}

fn agent() -> AgentVersion {
    AgentVersion::parse("22.4.1").unwrap()
}

#[test]
fn a_new_computer_counts_once_and_its_replay_changes_nothing() {
    let r = report("a");
    let c = Computer::after(None, &r, now()).unwrap();
    let d = computer_deltas(None, &c, &agent(), now());
    assert_eq!(d.current().get(counter::COMPUTERS), 1);
    assert_eq!(d.current().get(counter::PROTECTED), 1);
    assert_eq!(d.current().get("os#windows"), 1);
    assert_eq!(d.current().get("seen#2026-11-28"), 1);
    assert_eq!(
        d.0[&Bucket::Day("2026-11-18".into())].get(counter::INSTALLED),
        1
    );
    assert!(!d.0.keys().any(|b| matches!(b, Bucket::Hour(_))));
    assert_eq!(Computer::after(Some(&c), &r, now()), None);
}

#[test]
fn a_changed_computer_moves_its_counts_and_a_deleted_one_leaves() {
    let c = Computer::after(None, &report("a"), now()).unwrap();
    let mut r = report("a");
    r.status = ProtectionStatus::Disabled;
    r.agent_version = "21.9".into();
    r.definitions_date = now().date_naive() - Duration::days(10);
    let c2 = Computer::after(Some(&c), &r, now()).unwrap();
    assert_eq!(c2.version, 2);
    let d = computer_deltas(Some(&c), &c2, &agent(), now()).current();
    assert_eq!(d.get(counter::PROTECTED), -1);
    assert_eq!(d.get(counter::DISABLED), 1);
    assert_eq!(d.get(counter::AGENT_UPDATE), 1);
    assert_eq!(d.get(counter::DEFINITIONS_UPDATE), 1);
    assert_eq!(d.get(counter::COMPUTERS), 0);

    r.deleted = true;
    let c3 = Computer::after(Some(&c2), &r, now()).unwrap();
    let d = computer_deltas(Some(&c2), &c3, &agent(), now());
    let mut total = contribution(&c2, &agent());
    total.merge(&d.current());
    assert!(
        total.is_empty(),
        "a deleted computer counts for nothing: {total:?}"
    );
    assert_eq!(d.0[&Bucket::Hour(hour_of(now()))].get(counter::REMOVED), 1);
    // Deleting it again is a replay.
    assert_eq!(Computer::after(Some(&c3), &r, now()), None);
}

#[test]
fn a_late_report_does_not_move_the_last_check_in_back() {
    let c = Computer::after(None, &report("a"), now()).unwrap();
    let mut r = report("a");
    r.last_seen = now() - Duration::days(3);
    let c2 = Computer::after(Some(&c), &r, now());
    assert_eq!(c2, None);
}

#[test]
fn unmanaged_macs_are_counted() {
    let mut r = report("m");
    r.os.family = OsFamily::Mac;
    r.managed = Some(false);
    let c = Computer::after(None, &r, now()).unwrap();
    let t = contribution(&c, &agent());
    assert_eq!((t.get(counter::MAC), t.get(counter::MAC_UNMANAGED)), (1, 1));
    // `managed` means nothing off a Mac.
    let c = Computer::after(None, &report("w"), now()).unwrap();
    assert_eq!(c.managed, None);
}

#[test]
fn events_count_by_action_in_their_buckets() {
    let e = EventReport {
        id: "e1".into(),
        computer_id: "a".into(),
        computer_name: None,
        occurred_at: now() - Duration::hours(2),
        detail: EventDetail::RiskDetection {
            risk: "W32.Downadup".into(),
            category: None,
            action: RiskAction::Quarantined,
            file: None,
        },
    };
    let d = event_deltas(&e, now());
    assert_eq!(d.current().get("quarantined"), 1);
    assert_eq!(d.current().get(counter::DETECTIONS), 1);
    let day = &d.0[&Bucket::Day("2026-11-28".into())];
    assert_eq!(day.get("r#W32.Downadup"), 1);
    assert_eq!(day.get("quarantined"), 1);
    assert_eq!(
        d.0[&Bucket::Hour("2026-11-28T08".into())].get("quarantined"),
        1
    );
}

#[test]
fn validation_names_each_bad_record() {
    let mut bad = report("a");
    bad.last_seen = now() + Duration::hours(1);
    bad.agent_version = "new".into();
    let batch = ComputerBatch {
        computers: vec![report("ok"), bad, report("ok")],
    };
    let errors = validate_computers(&batch, now()).unwrap_err();
    let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "computers[1].agentVersion",
            "computers[1].lastSeen",
            "computers[2].id"
        ]
    );
    let big = ComputerBatch {
        computers: (0..=MAX_BATCH).map(|i| report(&i.to_string())).collect(),
    };
    assert_eq!(
        validate_computers(&big, now()).unwrap_err()[0].field,
        "computers"
    );
    let old = EventBatch {
        events: vec![EventReport {
            id: "x".into(),
            computer_id: "a b".into(),
            computer_name: None,
            occurred_at: now() - Duration::days(101),
            detail: EventDetail::Firewall {
                rule: "Block SMB".into(),
                direction: Direction::Inbound,
                remote: None,
            },
        }],
    };
    let fields: Vec<_> = validate_events(&old, now(), 100)
        .unwrap_err()
        .into_iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(fields, ["events[0].computerId", "events[0].occurredAt"]);
}

#[test]
fn event_json_is_strict_at_every_level() {
    let ok = r#"{"id":"e1","computerId":"pc-1","occurredAt":"2026-11-28T10:00:00Z",
        "detail":{"type":"riskDetection","risk":"W32.Downadup","action":"blocked"}}"#;
    let e: EventReport = serde_json::from_str(ok).unwrap();
    assert!(matches!(
        e.detail,
        EventDetail::RiskDetection {
            action: RiskAction::Blocked,
            ..
        }
    ));
    for bad in [
        ok.replace(r#""id":"e1""#, r#""id":"e1","extra":1"#),
        ok.replace(r#""action":"blocked""#, r#""action":"blocked","extra":1"#),
        ok.replace("riskDetection", "teleport"),
        ok.replace("blocked", "ignored"),
    ] {
        assert!(serde_json::from_str::<EventReport>(&bad).is_err(), "{bad}");
    }
}

#[test]
fn agent_versions_compare_by_number() {
    let v = |s| AgentVersion::parse(s).unwrap();
    assert!(v("22.10") > v("22.9.9"));
    assert!(v("22.4") < v("22.4.1"));
    assert!(AgentVersion::parse("22..1").is_err());
}

#[test]
fn chunks_keep_records_and_buckets_within_a_transaction() {
    let t = |keys: &[u32]| keys.iter().copied().collect::<BTreeSet<u32>>();
    // Each record touches one new bucket: (records + 2 × buckets + 3) ≤ 12.
    let touches: Vec<_> = (0..6).map(|i| t(&[i])).collect();
    let chunks = plan_chunks(&touches, 2, 3, 12);
    assert_eq!(chunks, vec![0..3, 3..6]);
    // Records sharing a bucket pack densely.
    let same: Vec<_> = (0..10).map(|_| t(&[7])).collect();
    assert_eq!(plan_chunks(&same, 2, 3, 12), vec![0..7, 7..10]);
    // A record always goes somewhere, even alone over the limit.
    assert_eq!(plan_chunks(&[t(&[1, 2, 3, 4, 5])], 2, 3, 12), vec![0..1]);
}

#[test]
fn deployment_totals_work_back_from_the_current_count() {
    let mut b = Buckets::default();
    let mut today = Tally::new();
    today.add(counter::INSTALLED, 3);
    b.daily.insert("2026-11-28".into(), today);
    let mut yesterday = Tally::new();
    yesterday.add(counter::INSTALLED, 5);
    yesterday.add(counter::REMOVED, 1);
    b.daily.insert("2026-11-27".into(), yesterday);
    let s = deployment_series(10, &b, now());
    assert_eq!(s.daily.len(), DAILY_POINTS as usize);
    assert_eq!(s.hourly.len(), HOURLY_POINTS as usize);
    let last: Vec<_> = s.daily[89..].iter().map(|p| p.total).collect();
    assert_eq!(last, [3, 7, 10]);
    assert_eq!(s.of_range(Range::Week).len(), 7);
    assert_eq!(
        s.daily[91].start,
        Utc.with_ymd_and_hms(2026, 11, 28, 0, 0, 0).unwrap()
    );
    assert_eq!(
        s.hourly[23].start,
        Utc.with_ymd_and_hms(2026, 11, 28, 10, 0, 0).unwrap()
    );
}

#[test]
fn offline_counts_by_day_before_the_range() {
    let mut t = Tally::new();
    t.add("seen#2026-11-28", 4);
    t.add("seen#2026-11-27", 2);
    t.add("seen#2026-11-20", 1);
    t.add("seen#2026-08-01", 1);
    assert_eq!(offline_count(&t, Range::Day.offline_since(now())), 2);
    assert_eq!(offline_count(&t, Range::Week.offline_since(now())), 2);
    assert_eq!(offline_count(&t, Range::Month.offline_since(now())), 1);
}

#[test]
fn top_lists_and_range_totals() {
    let mut b = Buckets::default();
    for (day, n) in [("2026-11-28", 2), ("2026-11-22", 3), ("2026-11-01", 50)] {
        let mut t = Tally::new();
        t.add("r#A", n);
        t.add("r#B", 1);
        b.daily.insert(day.into(), t);
    }
    let week = range_total(&b, Range::Week, now());
    assert_eq!(week.get("r#A"), 5);
    assert_eq!(top(&week, counter::RISK, 1), vec![("A".to_string(), 5)]);
    assert_eq!(range_total(&b, Range::Month, now()).get("r#A"), 55);
}
