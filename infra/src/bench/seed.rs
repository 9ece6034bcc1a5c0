//! Seeding 10,000 customers' worth of aggregates.

use super::*;

/// Replaces `from` by `to` in every string of `v`.
pub(super) fn replace_strings(v: &mut AttributeValue, from: &str, to: &str) {
    match v {
        AttributeValue::S(s) if s.contains(from) => *s = s.replace(from, to),
        AttributeValue::M(m) => m.values_mut().for_each(|v| replace_strings(v, from, to)),
        AttributeValue::L(l) => l.iter_mut().for_each(|v| replace_strings(v, from, to)),
        _ => {}
    }
}

pub(super) fn replace_in_item(item: &mut Item, from: &str, to: &str) {
    item.values_mut().for_each(|v| replace_strings(v, from, to));
}

pub(super) async fn batch_put(
    client: &aws_sdk_dynamodb::Client,
    table: &str,
    items: Vec<Item>,
) -> anyhow::Result<()> {
    for chunk in items.chunks(25) {
        let mut requests: Vec<WriteRequest> = chunk
            .iter()
            .map(|i| {
                Ok(WriteRequest::builder()
                    .put_request(PutRequest::builder().set_item(Some(i.clone())).build()?)
                    .build())
            })
            .collect::<anyhow::Result<_>>()?;
        loop {
            let out = client
                .batch_write_item()
                .request_items(table, requests)
                .send()
                .await
                .map_err(|e| anyhow::anyhow!(adapters::aws::describe(e)))?;
            match out.unprocessed_items.and_then(|mut u| u.remove(table)) {
                Some(rest) if !rest.is_empty() => requests = rest,
                _ => break,
            }
        }
    }
    Ok(())
}

/// Adds `tally` to the counters of one item (as ingestion's updates do), setting its kind
/// and expiry.
pub(super) async fn add_to(
    client: &aws_sdk_dynamodb::Client,
    table: &str,
    keys: Keys,
    kind: &str,
    tally: &Tally,
    ttl: Option<i64>,
) -> anyhow::Result<()> {
    let mut update = client
        .update_item()
        .table_name(table)
        .set_key(Some(keys.key()))
        .expression_attribute_names("#kind", "kind")
        .expression_attribute_values(":kind", AttributeValue::S(kind.into()));
    let mut set = vec!["#kind = :kind".to_string()];
    if let Some(t) = ttl {
        set.push("#ttl = :ttl".into());
        update = update
            .expression_attribute_names("#ttl", "ttl")
            .expression_attribute_values(":ttl", AttributeValue::N(t.to_string()));
    }
    let mut add = Vec::new();
    for (i, (name, v)) in tally.iter().enumerate() {
        add.push(format!("#c{i} :c{i}"));
        update = update
            .expression_attribute_names(format!("#c{i}"), name)
            .expression_attribute_values(format!(":c{i}"), AttributeValue::N(v.to_string()));
    }
    let mut expression = format!("SET {}", set.join(", "));
    if !add.is_empty() {
        expression.push_str(&format!(" ADD {}", add.join(", ")));
    }
    update
        .update_expression(expression)
        .send()
        .await
        .map_err(|e| anyhow::anyhow!(adapters::aws::describe(e)))?;
    Ok(())
}

/// A partner bucket item holding what ingestion wrote to it (`written`, by sort key)
/// plus `tally`: the item those updates would leave.
pub(super) fn bucket_item(
    pk: &str,
    sk: String,
    written: &BTreeMap<String, Tally>,
    tally: &Tally,
    ttl: i64,
) -> Item {
    let mut sum = written.get(&sk).cloned().unwrap_or_default();
    sum.merge(tally);
    let mut item = Keys::new(pk, sk).key();
    item.insert("kind".into(), AttributeValue::S("FleetBucket".into()));
    item.insert("ttl".into(), AttributeValue::N(ttl.to_string()));
    for (name, v) in sum.iter() {
        item.insert(name.to_string(), AttributeValue::N(v.to_string()));
    }
    item
}

/// The day bucket counters of a big portfolio from a small one's: every counter times
/// `scale` (with ±20% from day to day), each risk's detections spread over
/// [`RISK_VARIANTS`] names and each signature's over [`SIGNATURE_VARIANTS`].
pub(super) fn scaled(template: &Tally, scale: f64, rng: &mut StdRng, hour: bool) -> Tally {
    let wobble = rng.random_range(0.8..1.2);
    let mut out = Tally::new();
    for (name, v) in template.iter() {
        let total = (v as f64 * scale * wobble).round() as i64;
        let variants = if name.starts_with(telemetry::counter::RISK) {
            RISK_VARIANTS
        } else if name.starts_with(telemetry::counter::SIGNATURE) {
            SIGNATURE_VARIANTS
        } else {
            1
        };
        if hour && variants > 1 {
            continue;
        }
        // Later variants rarer: shares 1, 1/2, 1/3, ...
        let weights: Vec<f64> = (1..=variants).map(|k| 1.0 / k as f64).collect();
        let sum: f64 = weights.iter().sum();
        for (k, w) in weights.iter().enumerate() {
            let part = (total as f64 * w / sum).round() as i64;
            let variant = if k == 0 {
                name.to_string()
            } else {
                format!("{name}!gen{k}")
            };
            out.add(variant, part);
        }
    }
    out
}

/// What [`seed`] wrote.
#[derive(Debug, Default)]
pub(super) struct Seeded {
    pub(super) customers: usize,
    pub(super) indexed: usize,
    pub(super) day_buckets: usize,
    pub(super) hour_buckets: usize,
    pub(super) risk_names: usize,
    pub(super) largest_bucket: usize,
    pub(super) current_size: usize,
    pub(super) elapsed: StdDuration,
}

/// Brings the partner's aggregates to those of `target` customers. The customers added
/// through the API are the templates: customer `j` of the others is a copy of real
/// customer `j mod R`.
///
/// - Its account item (name and id changed), so the customer list and the names of the
///   Customer Issues rows resolve as for a real customer.
/// - Its fleet's current counters (`FLEET#<id>` `CURRENT`) with the template's tally.
/// - The template's open alert conditions (`ALERTS#<partnerId>` `OPEN#…`, what Customer
///   Issues reads), raised at a time spread over the last seven days.
/// - The partner's sums: the copies' fleet counters added to `FLEETS#<partnerId>`
///   `CURRENT`, their portfolio counters to `PORTFOLIO`.
/// - The partner's buckets: 92 day buckets and 72 hour buckets, each the real customers'
///   bucket of a day (or hour) of the simulated month, scaled to the copies
///   ([`scaled`]), added to what ingestion wrote (the sums written whole, in batches:
///   moto takes about half a second for an update of a hundred counters).
///
/// Not written: the copies' computers, events, own buckets, risk spread items and
/// entitlements; the Home page reads none of them.
pub(super) async fn seed(
    b: &Bench,
    reals: &[Real],
    target: usize,
    now: DateTime<Utc>,
    rng: &mut StdRng,
) -> anyhow::Result<Seeded> {
    let started = Instant::now();
    let client = aws_sdk_dynamodb::Client::new(&b.stack.sdk);
    let table = b.stack.state.config.table_name.clone();
    let t = &b.stack.state.table;
    let partner = b.partner.clone();
    let copies = target.saturating_sub(reals.len());
    let mut seeded = Seeded {
        customers: copies,
        ..Seeded::default()
    };
    if copies == 0 {
        return Ok(seeded);
    }

    // The templates: each real customer's account and fleet items.
    let mut templates = Vec::new();
    for r in reals {
        let id = CustomerId::parse(&r.id).map_err(|e| anyhow::anyhow!(e))?;
        let items = t
            .get_many(&[account_key(&id), Keys::new(fleet_pk(&id), "CURRENT")])
            .await?;
        let mut account = None;
        let mut fleet = None;
        for item in items {
            match item
                .get("kind")
                .and_then(|k| k.as_s().ok())
                .map(String::as_str)
            {
                Some("Customer") => account = Some(item),
                Some("Fleet") => fleet = Some(item),
                _ => {}
            }
        }
        let account = account.context("the template's account")?;
        let fleet = fleet.context("the template's fleet")?;
        let customer: Customer = from_item(account.clone())?;
        let open: Vec<Item> = t
            .partition_items(&format!("ALERTS#{partner}"), "OPEN#")
            .await?
            .into_iter()
            .filter(|o| o.get("customerId").and_then(|v| v.as_s().ok()) == Some(&r.id))
            .collect();
        templates.push((customer, account, fleet, open));
    }

    let mut fleet_sum = Tally::new();
    let mut portfolio_sum = Tally::new();
    let mut items = Vec::with_capacity(copies * 2);
    for j in 0..copies {
        let (customer, account, fleet, open) = &templates[j % templates.len()];
        let id = CustomerId::generate();
        let old_id = customer.id.as_str();
        let name = format!("Seeded Customer {j:05}");
        let mut a = account.clone();
        replace_in_item(&mut a, old_id, id.as_str());
        replace_in_item(&mut a, &customer.company.name, &name);
        replace_in_item(
            &mut a,
            &customer.company.name.to_lowercase(),
            &name.to_lowercase(),
        );
        let mut f = fleet.clone();
        replace_in_item(&mut f, old_id, id.as_str());
        if !open.is_empty() {
            let raised = now - Duration::seconds(rng.random_range(60..7 * 24 * 3600));
            for o in open {
                let mut copy = o.clone();
                replace_in_item(&mut copy, old_id, id.as_str());
                copy.insert("raisedAt".into(), AttributeValue::S(raised.to_rfc3339()));
                items.push(copy);
            }
            seeded.indexed += 1;
        }
        f.insert(
            "keyHash".into(),
            AttributeValue::S(format!("seeded-{}", id.as_str())),
        );
        fleet_sum.merge(&tally_of(fleet));
        portfolio_sum.merge(&portfolio(customer));
        items.push(a);
        items.push(f);
    }
    batch_put(&client, &table, items).await?;
    progress(format!(
        "seeded {copies} customers' accounts and fleets in {:.1} s",
        started.elapsed().as_secs_f64()
    ));

    let fleets = format!("FLEETS#{partner}");
    add_to(
        &client,
        &table,
        Keys::new(&fleets, "CURRENT"),
        "PartnerFleet",
        &fleet_sum,
        None,
    )
    .await?;
    add_to(
        &client,
        &table,
        Keys::new(&fleets, "PORTFOLIO"),
        "Portfolio",
        &portfolio_sum,
        None,
    )
    .await?;

    // The real customers' buckets: the templates of a day and of an hour.
    let mut days: Vec<Tally> = Vec::new();
    let mut hours: Vec<Tally> = Vec::new();
    let mut written: BTreeMap<String, Tally> = BTreeMap::new();
    for item in t.partition_items(&fleets, "BUCKET#").await? {
        let sk = item.get("sk").and_then(|v| v.as_s().ok()).cloned();
        let Some(sk) = sk else { continue };
        written.insert(sk.clone(), tally_of(&item));
        // Whole days of the simulated history only (not today, nor the live stream).
        if let Some(day) = sk.strip_prefix("BUCKET#D#") {
            if day < telemetry::day_of(now).as_str() {
                days.push(tally_of(&item));
            }
        } else if let Some(hour) = sk.strip_prefix("BUCKET#H#") {
            if hour < telemetry::hour_of(now - Duration::hours(1)).as_str() {
                hours.push(tally_of(&item));
            }
        }
    }
    ensure!(!days.is_empty(), "no day buckets to copy");
    let scale = copies as f64 / reals.len() as f64;
    let day_ttl = (now + Duration::days(DAY_BUCKET_TTL_DAYS)).timestamp();
    let hour_ttl = (now + Duration::days(HOUR_BUCKET_TTL_DAYS)).timestamp();
    let mut risk_names = BTreeSet::new();
    let mut buckets = Vec::new();
    for d in 0..DAYS {
        let day = telemetry::day_of(now - Duration::days(d));
        // The most recent days of the month are its fullest (most computers installed).
        let template = &days[days.len() - 1 - (d as usize % days.len())];
        let tally = scaled(template, scale, rng, false);
        for (name, _) in tally.with_prefix(telemetry::counter::RISK) {
            risk_names.insert(name.to_string());
        }
        buckets.push(bucket_item(
            &fleets,
            format!("BUCKET#D#{day}"),
            &written,
            &tally,
            day_ttl,
        ));
        seeded.day_buckets += 1;
    }
    let hour_template = |h: usize| -> Tally {
        if hours.is_empty() {
            // An average hour of a recent day.
            let mut t = Tally::new();
            for (k, v) in days[days.len() - 1].iter() {
                t.add(k, v / 24);
            }
            t
        } else {
            hours[h % hours.len()].clone()
        }
    };
    for h in 0..HOURS {
        let hour = telemetry::hour_of(now - Duration::hours(h));
        let tally = scaled(&hour_template(h as usize), scale, rng, true);
        buckets.push(bucket_item(
            &fleets,
            format!("BUCKET#H#{hour}"),
            &written,
            &tally,
            hour_ttl,
        ));
        seeded.hour_buckets += 1;
    }
    batch_put(&client, &table, buckets).await?;
    seeded.risk_names = risk_names.len();
    for item in t.partition_items(&fleets, "").await? {
        let sk = item.get("sk").and_then(|v| v.as_s().ok()).cloned();
        if sk.as_deref().is_some_and(|s| s.starts_with("BUCKET#")) {
            seeded.largest_bucket = seeded.largest_bucket.max(item_size(&item));
        }
        if sk.as_deref() == Some("CURRENT") {
            seeded.current_size = item_size(&item);
        }
    }
    seeded.elapsed = started.elapsed();
    progress(format!(
        "seeded the partner's aggregates; {:.1} s in all",
        seeded.elapsed.as_secs_f64()
    ));
    Ok(seeded)
}

/// Threats and news as an operator publishes them, so the Home page reads what it would.
pub(super) async fn publish(b: &Bench, now: DateTime<Utc>) -> anyhow::Result<()> {
    let t = &b.stack.state.table;
    let latest = simulator::RISKS
        .iter()
        .take(5)
        .map(|(name, kind)| Threat {
            name: name.to_string(),
            kind: kind.to_string(),
            severity: ThreatSeverity::Medium,
            protected: true,
            url: format!("https://security.example.com/threats/{name}"),
        })
        .collect();
    t.publish_threats(&Threats {
        level: 2,
        title: "Elevated".into(),
        description: "Ransomware campaigns against small businesses are increasing.".into(),
        latest,
        updated_at: now,
    })
    .await?;
    for i in 0..3 {
        let item = NewsItem::new(
            &format!("Security bulletin {}", i + 1),
            "What changed in this month's definitions and agent.",
            &"Details of the release. ".repeat(40),
            Some("https://security.example.com/news"),
            now - Duration::days(i),
        )
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        t.publish_news(&item).await?;
    }
    Ok(())
}
