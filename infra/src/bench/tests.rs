use super::*;

#[test]
fn sizes_follow_dynamodbs_rules() {
    assert_eq!(number_size("0"), 2);
    assert_eq!(number_size("7"), 2);
    assert_eq!(number_size("1234"), 3);
    assert_eq!(number_size("1000"), 2);
    assert_eq!(number_size("-12345"), 4);
    let item: Item = [
        ("pk".to_string(), AttributeValue::S("FLEET#x".into())),
        ("n".to_string(), AttributeValue::N("42".into())),
        (
            "m".to_string(),
            AttributeValue::M([("a".to_string(), AttributeValue::Bool(true))].into()),
        ),
    ]
    .into();
    // 2 + 7, 1 + 2, 1 + (3 + 1 + 1 + 1)
    assert_eq!(item_size(&item), 9 + 3 + 7);
}

#[test]
fn scaling_keeps_totals_and_spreads_risks() {
    let template: Tally = [
        ("detections".to_string(), 10),
        ("r#Trojan.Gen.2".to_string(), 6),
        ("i#Attack: X".to_string(), 4),
    ]
    .into_iter()
    .collect();
    let mut rng = StdRng::seed_from_u64(1);
    let big = scaled(&template, 100.0, &mut rng, false);
    let risks: i64 = big.with_prefix("r#").map(|(_, v)| v).sum();
    assert_eq!(big.with_prefix("r#").count(), RISK_VARIANTS);
    assert_eq!(big.with_prefix("i#").count(), SIGNATURE_VARIANTS);
    let detections = big.get("detections");
    assert!((800..=1200).contains(&detections), "{detections}");
    // The risk split loses at most one a variant to rounding.
    assert!((risks - detections * 6 / 10).abs() <= RISK_VARIANTS as i64);
    let hour = scaled(&template, 100.0, &mut rng, true);
    assert_eq!(hour.with_prefix("r#").count(), 0);
    assert!(hour.get("detections") > 0);
}

#[test]
fn a_seeded_bucket_adds_to_what_ingestion_wrote() {
    let written = BTreeMap::from([(
        "BUCKET#D#2026-01-02".to_string(),
        [("detections".to_string(), 3), ("firewall".to_string(), 1)]
            .into_iter()
            .collect::<Tally>(),
    )]);
    let more: Tally = [("detections".to_string(), 10), ("r#X".to_string(), 2)]
        .into_iter()
        .collect();
    let item = bucket_item("FLEETS#p", "BUCKET#D#2026-01-02".into(), &written, &more, 9);
    assert_eq!(tally_of(&item).get("detections"), 13);
    assert_eq!(tally_of(&item).get("firewall"), 1);
    assert_eq!(tally_of(&item).get("r#X"), 2);
    assert_eq!(item["ttl"], AttributeValue::N("9".into()));
    assert_eq!(item["kind"], AttributeValue::S("FleetBucket".into()));
    let fresh = bucket_item(
        "FLEETS#p",
        "BUCKET#H#2026-01-02T03".into(),
        &written,
        &more,
        9,
    );
    assert_eq!(tally_of(&fresh).get("detections"), 10);
}

#[test]
fn thousands_are_separated() {
    assert_eq!(thousands(0), "0");
    assert_eq!(thousands(999), "999");
    assert_eq!(thousands(1000), "1,000");
    assert_eq!(thousands(20_000), "20,000");
    assert_eq!(thousands(1_234_567), "1,234,567");
}

#[test]
fn the_command_names_only_what_differs() {
    assert_eq!(
        Options::default().command(),
        "cargo run --release -q -p infra -- bench-telemetry"
    );
    let o = options(&[
        "bench-telemetry".into(),
        "--live-events".into(),
        "500".into(),
        "--requests".into(),
        "5".into(),
    ])
    .unwrap();
    assert_eq!(
        o.command(),
        "cargo run --release -q -p infra -- bench-telemetry --live-events 500 --requests 5"
    );
    assert!(options(&["bench-telemetry".into(), "--nope".into(), "1".into()]).is_err());
}

#[test]
fn the_bulk_bench_reads_the_functions_timeout_and_prints_calls_per_customer() {
    let template = "Globals:\n  Function:\n    Timeout: 15\nResources:\n  \
        CustomersFunction:\n    Type: AWS::Serverless::Function\n    Metadata:\n      \
        BuildProperties:\n        Binary: customers\n    Properties:\n      CodeUri: ./\n  \
        WorkerFunction:\n    Type: AWS::Serverless::Function\n    Metadata:\n      \
        BuildProperties:\n        Binary: worker\n    Properties:\n      Timeout: 300\n";
    assert_eq!(bulk::function_timeout(template, "customers"), Some(15.0));
    assert_eq!(bulk::function_timeout(template, "worker"), Some(300.0));
    assert_eq!(bulk::function_timeout(template, "nobody"), None);
    // The bundled template names the customers function's.
    assert!(bulk::function_timeout(testkit::resources::TEMPLATE, "customers").is_some());

    let o = bulk_options(&["bench-bulk".into(), "--largest".into(), "40".into()]).unwrap();
    assert_eq!(o.largest, 40);
    assert!(bulk_options(&["bench-bulk".into(), "--nope".into(), "1".into()]).is_err());
    let rows = [
        bulk::Measured {
            action: "startTrial",
            customers: 1,
            dynamodb_calls: 6,
            time: StdDuration::from_millis(30),
        },
        bulk::Measured {
            action: "startTrial",
            customers: 40,
            dynamodb_calls: 84,
            time: StdDuration::from_millis(1500),
        },
    ];
    let md = bulk::section(&o, Some(15.0), &rows);
    assert!(md.contains("`cargo run --release -q -p infra -- bench-bulk --largest 40`"));
    assert!(md.contains("timeout in `template.yaml`: 15 s"));
    assert!(
        md.contains("| startTrial | 1 | 6 | 6.0 | 30 ms | 0.2 % |"),
        "{md}"
    );
    assert!(
        md.contains("| startTrial | 40 | 84 | 2.1 | 1500 ms | 10.0 % |"),
        "{md}"
    );
}
