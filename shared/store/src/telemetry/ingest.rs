//! Ingestion: storing computer reports and events with the aggregates they change, in
//! transactions of at most a hundred items.

use super::*;

fn bucket_ttl(b: &Bucket, now: DateTime<Utc>) -> Option<i64> {
    match b {
        Bucket::Current => None,
        Bucket::Day(_) => Some((now + Duration::days(DAY_BUCKET_DAYS)).timestamp()),
        Bucket::Hour(_) => Some((now + Duration::days(HOUR_BUCKET_DAYS)).timestamp()),
    }
}

/// The bucket updates of `deltas` (not the current counters) at customer and partner level.
fn bucket_updates(
    table: &str,
    customer: &CustomerId,
    partner: &PartnerId,
    deltas: &Deltas,
    now: DateTime<Utc>,
) -> Result<Vec<TransactWriteItem>, StoreError> {
    let mut items = Vec::new();
    for (bucket, tally) in &deltas.0 {
        if *bucket == Bucket::Current {
            continue;
        }
        let ttl = bucket_ttl(bucket, now).map(|t| AttributeValue::N(t.to_string()));
        for pk in [fleet_pk(customer), fleets_pk(partner)] {
            items.push(
                Adding {
                    keys: Keys::new(pk, bucket_sk(bucket)),
                    kind: "FleetBucket",
                    tally,
                    set: ttl.iter().map(|t| ("ttl", t.clone())).collect(),
                    set_if_missing: vec![],
                    remove: vec![],
                    condition: None,
                }
                .build(table)?,
            );
        }
    }
    Ok(items)
}

fn computer_item(r: &ComputerRecord) -> Result<Item, StoreError> {
    let c = &r.computer;
    let mut keys = Keys::new(fleet_pk(&r.customer_id), computer_sk(&c.id));
    if !c.deleted {
        let seen = time_key(c.last_seen);
        keys = keys
            .gsi1(seen_pk(r.customer_id.as_str()), format!("{seen}#{}", c.id))
            .gsi2(
                seen_pk(r.partner_id.as_str()),
                format!("{seen}#{}#{}", r.customer_id, c.id),
            );
    }
    to_item(keys, "Computer", r)
}

/// Writes `item` if the stored one is still at `version` (or absent, for a new one).
fn put_computer(
    table: &str,
    item: Item,
    previous: Option<u64>,
) -> Result<TransactWriteItem, StoreError> {
    let put = Put::builder().table_name(table).set_item(Some(item));
    let put = match previous {
        None => put.condition_expression("attribute_not_exists(pk)"),
        Some(v) => put
            .condition_expression("version = :v")
            .expression_attribute_values(":v", n(v)),
    }
    .build()
    .map_err(StoreError::sdk)?;
    Ok(TransactWriteItem::builder().put(put).build())
}

impl Table {
    /// Stores a batch of computer reports and the aggregates they change. Unchanged
    /// computers are not written. Each transaction holds computers and the counters they
    /// move; when another writer changed the fleet meanwhile, what is left is read again
    /// and retried.
    pub async fn ingest_computers(
        &self,
        source: &Source,
        reports: &[ComputerReport],
        agent: &AgentVersion,
        now: DateTime<Utc>,
    ) -> Result<Ingested, IngestError> {
        let customer = &source.customer.id;
        let partner = &source.customer.partner_id;
        let mut fleet = source.fleet.clone();
        let mut done = Ingested::default();
        let mut remaining: Vec<&ComputerReport> = reports.iter().collect();
        let mut tries = 0;
        while !remaining.is_empty() {
            tries += 1;
            if tries > TRIES {
                return Err(IngestError::Busy);
            }
            let stored = self.computers(customer, &remaining).await?;
            let mut changes = Vec::new();
            for r in &remaining {
                let previous = stored.get(&r.id);
                match Computer::after(previous, r, now) {
                    None => done.unchanged += 1,
                    Some(next) => {
                        let deltas = telemetry::computer_deltas(previous, &next, agent, now);
                        changes.push((previous.map(|p| p.version), next, deltas));
                    }
                }
            }
            remaining.clear();
            // Computers installed about the same time share buckets: together they fill
            // fewer transactions.
            changes.sort_by_key(|(_, c, _)| c.installed_at);
            let touches: Vec<BTreeSet<Bucket>> = changes
                .iter()
                .map(|(_, _, d)| {
                    d.0.keys()
                        .filter(|b| **b != Bucket::Current)
                        .cloned()
                        .collect()
                })
                .collect();
            for range in plan_chunks(&touches, 2, 3, TRANSACTION_ITEMS) {
                let chunk = &changes[range.clone()];
                let mut deltas = Deltas::default();
                let mut items = Vec::new();
                for (previous, next, d) in chunk {
                    deltas.merge(d);
                    let record = ComputerRecord {
                        computer: next.clone(),
                        customer_id: customer.clone(),
                        partner_id: partner.clone(),
                    };
                    items.push(put_computer(
                        &self.name,
                        computer_item(&record)?,
                        *previous,
                    )?);
                }
                let current = deltas.current();
                let mut after = fleet.tally.clone();
                after.merge(&current);
                items.extend(self.current_updates(source, &fleet, &current, vec![], true, now)?);
                items.push(account_update(&self.name, &source.customer, &after)?);
                items.extend(bucket_updates(&self.name, customer, partner, &deltas, now)?);
                match self.transact(items).await {
                    Ok(()) => {
                        done.accepted += chunk.len();
                        fleet.tally = after;
                        fleet.version += 1;
                        done.fleet = fleet.tally.clone();
                    }
                    Err(
                        StoreError::ConditionFailed { .. } | StoreError::TransactionConflict { .. },
                    ) => {
                        // Someone else wrote this fleet: read it again and redo the rest.
                        let later: BTreeSet<&str> = changes[range.start..]
                            .iter()
                            .map(|(_, c, _)| c.id.as_str())
                            .collect();
                        remaining = reports
                            .iter()
                            .filter(|r| later.contains(r.id.as_str()))
                            .collect();
                        fleet = self.fleet(customer).await?;
                        if fleet.key_hash.as_deref() != Some(&source.key_hash) {
                            return Err(IngestError::Gone);
                        }
                        break;
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        }
        Ok(done)
    }

    /// The customer's fleet item update: adds `current` and, for computer reports, moves
    /// the version on (the condition that serialises them).
    fn current_updates(
        &self,
        source: &Source,
        fleet: &FleetState,
        current: &Tally,
        mut set: Vec<(&'static str, AttributeValue)>,
        serialise: bool,
        now: DateTime<Utc>,
    ) -> Result<Vec<TransactWriteItem>, StoreError> {
        let customer = &source.customer.id;
        let partner = &source.customer.partner_id;
        set.push(("lastReportAt", s(now.to_rfc3339())));
        set.push(("customerId", s(customer.as_str())));
        // The key must still be the customer's. Computer reports also move the version
        // on, which serialises them (each computes counters from the fleet it read);
        // events only add, so they need not wait for each other.
        let mut condition = vec![(":key", s(&source.key_hash))];
        if serialise {
            set.push(("version", n(fleet.version + 1)));
            condition.push((":v", n(fleet.version)));
        }
        let mine = Adding {
            keys: Keys::new(fleet_pk(customer), CURRENT),
            kind: "Fleet",
            tally: current,
            set,
            set_if_missing: vec![],
            remove: vec![],
            condition: Some((
                if serialise {
                    "keyHash = :key AND version = :v".into()
                } else {
                    "keyHash = :key".into()
                },
                condition,
            )),
        }
        .build(&self.name)?;
        let partners = Adding {
            keys: Keys::new(fleets_pk(partner), CURRENT),
            kind: "PartnerFleet",
            tally: current,
            set: vec![],
            set_if_missing: vec![],
            remove: vec![],
            condition: None,
        }
        .build(&self.name)?;
        Ok(vec![mine, partners])
    }

    /// The stored computers among `reports`, by id.
    async fn computers(
        &self,
        customer: &CustomerId,
        reports: &[&ComputerReport],
    ) -> Result<HashMap<String, Computer>, StoreError> {
        let mut out = HashMap::new();
        for chunk in reports.chunks(BATCH_READ) {
            let keys: Vec<Keys> = chunk
                .iter()
                .map(|r| Keys::new(fleet_pk(customer), computer_sk(&r.id)))
                .collect();
            for item in self.get_many(&keys).await? {
                let r: ComputerRecord = from_item(item)?;
                out.insert(r.computer.id.clone(), r.computer);
            }
        }
        Ok(out)
    }

    /// Stores a batch of events and the aggregates they change; events already stored
    /// (same id and time) are replays and change nothing.
    pub async fn ingest_events(
        &self,
        source: &Source,
        reports: &[EventReport],
        retention_days: i64,
        now: DateTime<Utc>,
    ) -> Result<Ingested, IngestError> {
        let customer = &source.customer.id;
        let partner = &source.customer.partner_id;
        let mut fleet = source.fleet.clone();
        let mut done = Ingested::default();
        let mut remaining: Vec<&EventReport> = reports.iter().collect();
        let mut tries = 0;
        while !remaining.is_empty() {
            tries += 1;
            if tries > TRIES {
                return Err(IngestError::Busy);
            }
            let (stored, risks) = self.known_events(customer, partner, &remaining).await?;
            let mut fresh: Vec<&EventReport> = Vec::new();
            for e in remaining.drain(..) {
                if stored.contains(&event_sk(e)) {
                    done.unchanged += 1;
                } else {
                    fresh.push(e);
                }
            }
            fresh.sort_by_key(|e| e.occurred_at);
            let deltas: Vec<Deltas> = fresh
                .iter()
                .map(|e| telemetry::event_deltas(e, now))
                .collect();
            let touches: Vec<BTreeSet<String>> = fresh
                .iter()
                .zip(&deltas)
                .map(|(e, d)| {
                    let mut t: BTreeSet<String> =
                        d.0.keys()
                            .filter(|b| **b != Bucket::Current)
                            .map(bucket_sk)
                            .collect();
                    if let EventDetail::RiskDetection { risk, .. } = &e.detail {
                        t.insert(format!("RISK#{risk}"));
                    }
                    t
                })
                .collect();
            for range in plan_chunks(&touches, 2, 2, TRANSACTION_ITEMS) {
                let chunk = &fresh[range.clone()];
                let mut sum = Deltas::default();
                let mut items = Vec::new();
                let mut by_risk: BTreeMap<&str, (i64, DateTime<Utc>)> = BTreeMap::new();
                let mut last_unresolved = fleet.last_unresolved_at;
                for (e, d) in chunk.iter().zip(&deltas[range.clone()]) {
                    sum.merge(d);
                    let record = EventRecord {
                        event: (*e).clone(),
                        customer_id: customer.clone(),
                        received_at: now,
                    };
                    let ttl = (e.occurred_at + Duration::days(retention_days)).timestamp();
                    let keys = Keys::new(fleet_pk(customer), event_sk(e)).ttl(ttl);
                    items.push(put_new(&self.name, to_item(keys, "Event", &record)?)?);
                    if let EventDetail::RiskDetection { risk, action, .. } = &e.detail {
                        let entry = by_risk.entry(risk.as_str()).or_insert((0, e.occurred_at));
                        entry.0 += 1;
                        entry.1 = entry.1.max(e.occurred_at);
                        if *action == RiskAction::Unresolved {
                            last_unresolved = last_unresolved.max(Some(e.occurred_at));
                        }
                    }
                }
                let current = sum.current();
                let mut after_fleet = fleet.clone();
                after_fleet.tally.merge(&current);
                after_fleet.last_unresolved_at = last_unresolved;
                let mut set = vec![];
                if let Some(t) = last_unresolved {
                    set.push(("lastUnresolvedAt", s(t.to_rfc3339())));
                }
                items.extend(self.current_updates(source, &fleet, &current, set, false, now)?);
                items.extend(bucket_updates(&self.name, customer, partner, &sum, now)?);
                for (risk, (count, last)) in &by_risk {
                    let last = risks.get(*risk).map_or(*last, |known| (*known).max(*last));
                    let mut t = Tally::new();
                    t.add("detections", *count);
                    items.push(
                        Adding {
                            keys: Keys::new(fleets_pk(partner), risk_sk(risk, customer)),
                            kind: "RiskSpread",
                            tally: &t,
                            set: vec![
                                ("risk", s(*risk)),
                                ("customerId", s(customer.as_str())),
                                ("lastDetected", s(last.to_rfc3339())),
                            ],
                            set_if_missing: vec![],
                            remove: vec![],
                            condition: None,
                        }
                        .build(&self.name)?,
                    );
                }
                match self.transact(items).await {
                    Ok(()) => {
                        done.accepted += chunk.len();
                        done.stored.extend(chunk.iter().map(|e| (*e).clone()));
                        fleet = after_fleet;
                    }
                    Err(
                        StoreError::ConditionFailed { .. } | StoreError::TransactionConflict { .. },
                    ) => {
                        remaining = fresh[range.start..].to_vec();
                        fleet = self.fleet(customer).await?;
                        if fleet.key_hash.as_deref() != Some(&source.key_hash) {
                            return Err(IngestError::Gone);
                        }
                        break;
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        }
        Ok(done)
    }
}
