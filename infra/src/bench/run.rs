//! The run and its report.

use super::*;

/// Runs the benchmark against the stack of `MOTO_ENDPOINT`; answers the Markdown section.
pub async fn run(o: Options) -> anyhow::Result<String> {
    ensure!(
        o.customers > 0 && o.home_real > 0,
        "--customers and --home-real must be at least 1"
    );
    if std::env::var_os("LOG_LEVEL").is_none() {
        // The functions' logs go to stdout, where the report goes.
        std::env::set_var("LOG_LEVEL", "off");
    }
    let started = Instant::now();
    let now = Utc::now();
    let mut rng = StdRng::seed_from_u64(o.seed);

    // Ingestion, in a table of its own.
    let b = Bench::new("ingest@bench-fleet.example").await?;
    progress(format!(
        "adding {} customers of {} computers",
        o.customers, o.computers
    ));
    let mut fleets = Vec::new();
    for n in 0..o.customers {
        fleets.push(b.real(n, o.computers, &o, now).await?);
    }
    let computers = b.computers(&fleets).await?;
    let history = b.history(&fleets).await?;
    let live = b.live(&fleets, o.live_events).await?;
    // Item sizes: one customer's partition and the partner's.
    let mut sizes: BTreeMap<String, Sizes> = BTreeMap::new();
    let id = CustomerId::parse(&fleets[0].id).map_err(|e| anyhow::anyhow!(e))?;
    for pk in [fleet_pk(&id), format!("FLEETS#{}", b.partner)] {
        for item in b.stack.state.table.partition_items(&pk, "").await? {
            sizes
                .entry(kind_of(&item))
                .or_default()
                .sizes
                .push(item_size(&item));
        }
    }
    drop(b);

    // The Home page, in another table: what moto's Queries cost grows with the table.
    let b = Bench::new("home@bench-fleet.example").await?;
    progress(format!(
        "adding {} customers of {} computers",
        o.home_real, o.home_computers
    ));
    let mut reals = Vec::new();
    for n in 0..o.home_real {
        reals.push(b.real(n, o.home_computers, &o, now).await?);
    }
    let mut untimed = Phase::default();
    for c in &reals {
        for batch in c.computers.chunks(MAX_BATCH) {
            let body = serde_json::to_vec(&json!({ "computers": batch }))?;
            b.ingest(c, "computers", body, &mut untimed).await?;
        }
        for batch in c.events.chunks(MAX_BATCH) {
            let body = serde_json::to_vec(&json!({ "events": batch }))?;
            b.ingest(c, "events", body, &mut untimed).await?;
        }
    }
    publish(&b, Utc::now()).await?;
    let home_path = "/api/v1/dashboard";
    let one_path = format!("/api/v1/dashboard?customer={}", reals[0].id);
    let mut small = b
        .home(
            &format!("partner-wide, {} customers", reals.len()),
            home_path,
            o.requests,
        )
        .await?;
    small.table_items = b.table_items().await?;
    small.moto_floor = b.moto_floor().await?;
    let seeded = seed(&b, &reals, o.home_customers, Utc::now(), &mut rng).await?;
    let table_items = b.table_items().await?;
    let moto_floor = b.moto_floor().await?;
    let mut large = b
        .home(
            &format!(
                "partner-wide, {} customers' aggregates",
                thousands(o.home_customers as u64)
            ),
            home_path,
            o.requests,
        )
        .await?;
    let mut one = b
        .home(
            &format!(
                "one customer ({} computers), {} customers' aggregates",
                reals[0].computers.len(),
                thousands(o.home_customers as u64)
            ),
            &one_path,
            o.requests,
        )
        .await?;
    for l in [&mut large, &mut one] {
        l.table_items = table_items;
        l.moto_floor = moto_floor;
    }
    let elapsed = started.elapsed();
    progress(format!("done in {:.0} s", elapsed.as_secs_f64()));

    Ok(report(
        &o,
        &[computers, history, live],
        &sizes,
        &seeded,
        &[small, large, one],
        elapsed,
    ))
}

/// `n` with thousands separators.
pub(super) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub(super) fn report(
    o: &Options,
    phases: &[Phase],
    sizes: &BTreeMap<String, Sizes>,
    seeded: &Seeded,
    home: &[Latency],
    elapsed: StdDuration,
) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let _ = writeln!(
        s,
        "Telemetry benchmark run {} on {} ({cpus} CPUs) against the local moto server (one \
         request at a time, on loopback), {:.0} s in all:",
        Utc::now().format("%Y-%m-%d %H:%M UTC"),
        std::env::consts::ARCH,
        elapsed.as_secs_f64()
    );
    let _ = writeln!(s, "\n```sh\n{}\n```\n", o.command());

    let _ = writeln!(
        s,
        "**Ingestion, one function instance.** {} customers of {} computers with {} days of \
         history, then {} live events (each batch one customer's last ten minutes), in \
         batches of up to {MAX_BATCH} through one in-process ingest router, one request after \
         another. *In DynamoDB*: wall-clock time with a DynamoDB call in flight; *store \
         excluded*: records over the rest of the time. WCU: 2 per item written (see below).\n",
        o.customers,
        o.computers,
        o.history_days,
        thousands(o.live_events as u64)
    );
    let _ = writeln!(
        s,
        "| records | count | requests | wall s | in DynamoDB s | records/s | records/s, store excluded | DynamoDB calls / record | write calls / record | items written / record | WCU / record |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for p in phases {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {:.1} | {:.1} | {} | {} | {:.3} | {:.4} | {:.3} | {:.2} |",
            p.name,
            thousands(p.records),
            p.requests,
            p.wall.as_secs_f64(),
            p.usage.time_waiting.as_secs_f64(),
            thousands(p.rate(p.wall).round() as u64),
            thousands(p.rate(p.own_time()).round() as u64),
            p.per_record(p.usage.calls),
            p.per_record(p.write_calls),
            p.per_record(p.usage.items_written),
            2.0 * p.per_record(p.usage.items_written),
        );
    }
    let _ = writeln!(s);
    for p in phases {
        let calls: Vec<String> = p
            .calls
            .iter()
            .map(|((_, op), n)| {
                let t = p.time_in.get(op).copied().unwrap_or_default();
                format!("{op} {n} ({:.0} ms each)", ms(t) / (*n).max(1) as f64)
            })
            .collect();
        let _ = writeln!(
            s,
            "- {}: {} DynamoDB calls ({}); {} items written.",
            p.name,
            thousands(p.usage.calls),
            calls.join(", "),
            thousands(p.usage.items_written),
        );
    }
    let _ = writeln!(
        s,
        "\nItem sizes by DynamoDB's rules (attribute names and values), after ingestion, in \
         one {}-computer customer's partition and the partner's:\n",
        o.computers
    );
    let _ = writeln!(s, "| item | count | median bytes | largest bytes |");
    let _ = writeln!(s, "|---|---:|---:|---:|");
    for (kind, z) in sizes {
        let mut v = z.sizes.clone();
        v.sort();
        let _ = writeln!(
            s,
            "| {kind} | {} | {} | {} |",
            thousands(v.len() as u64),
            thousands(v.get(v.len() / 2).copied().unwrap_or(0) as u64),
            thousands(v.last().copied().unwrap_or(0) as u64)
        );
    }

    let _ = writeln!(
        s,
        "\n**Home page data.** `GET /api/v1/dashboard` through one in-process dashboard \
         router as the partner's administrator, {} timed requests after an untimed one, in a \
         table of its own. First with {} customers added through the API ({} computers and \
         {} days of history each); then with the aggregates of {} customers: {} more \
         customers copied from those (account and fleet items, {} of them with the open alert \
         conditions of their template), their counters added to the partner's `CURRENT` and `PORTFOLIO`, and the \
         partner's {} day and {} hour buckets scaled to the portfolio ({} risk names; \
         largest bucket {} bytes, the partner's `CURRENT` {} bytes), seeded in {:.0} s. \
         *Outside*: the request's time with no DynamoDB call in flight, the function's own \
         work. *Empty Query*: moto's time for a Query of an empty partition at that table \
         size.\n",
        o.requests,
        o.home_real,
        o.home_computers,
        o.history_days,
        thousands(o.home_customers as u64),
        thousands(seeded.customers as u64),
        thousands(seeded.indexed as u64),
        seeded.day_buckets,
        seeded.hour_buckets,
        seeded.risk_names,
        thousands(seeded.largest_bucket as u64),
        thousands(seeded.current_size as u64),
        seeded.elapsed.as_secs_f64()
    );
    let _ = writeln!(
        s,
        "| request | customers counted | median ms | p95 ms | median ms in DynamoDB | median ms outside | DynamoDB calls | KB from DynamoDB | table items | empty Query ms | Customer Issues rows | response KB |"
    );
    let _ = writeln!(
        s,
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    for l in home {
        let own: Vec<StdDuration> = l
            .wall
            .iter()
            .zip(&l.waiting)
            .map(|(w, d)| w.saturating_sub(*d))
            .collect();
        let _ = writeln!(
            s,
            "| {} | {} | {:.0} | {:.0} | {:.0} | {:.1} | {} | {:.0} | {} | {:.0} | {} | {:.0} |",
            l.label,
            thousands(l.customers.max(0) as u64),
            ms(median(&l.wall)),
            ms(percentile(&l.wall, 0.95)),
            ms(median(&l.waiting)),
            ms(median(&own)),
            l.calls.values().sum::<u64>(),
            l.received as f64 / 1000.0,
            thousands(l.table_items.max(0) as u64),
            ms(l.moto_floor),
            l.issues,
            l.bytes as f64 / 1000.0
        );
    }
    let _ = writeln!(
        s,
        "\nCalls of one request by operation, with each operation's mean time in flight per \
         request (the dashboard makes its calls side by side; moto answers them one at a \
         time, so their times overlap):\n"
    );
    for l in home {
        let n = l.wall.len().max(1) as f64;
        let calls: Vec<String> = l
            .calls
            .iter()
            .map(|((_, op), c)| {
                let t = l.by_operation.get(op).copied().unwrap_or_default();
                format!("{op} {c} ({:.0} ms)", ms(t) / n)
            })
            .collect();
        let _ = writeln!(s, "- {}: {}.", l.label, calls.join(", "));
    }
    s
}

/// `infra bench-telemetry` flags.
pub fn options(args: &[String]) -> anyhow::Result<Options> {
    let mut o = Options::default();
    let mut i = 1;
    while i < args.len() {
        let value = || {
            args.get(i + 1)
                .with_context(|| format!("{} needs a value", args[i]))
        };
        let n = |v: &String| -> anyhow::Result<usize> {
            v.parse().with_context(|| format!("{}: a number", args[i]))
        };
        match args[i].as_str() {
            "--customers" => o.customers = n(value()?)?,
            "--computers" => o.computers = n(value()?)?,
            "--history-days" => o.history_days = n(value()?)? as i64,
            "--live-events" => o.live_events = n(value()?)?,
            "--home-customers" => o.home_customers = n(value()?)?,
            "--home-real" => o.home_real = n(value()?)?,
            "--home-computers" => o.home_computers = n(value()?)?,
            "--requests" => o.requests = n(value()?)?,
            "--seed" => o.seed = n(value()?)? as u64,
            other => anyhow::bail!("bench-telemetry: unknown flag {other}"),
        }
        i += 2;
    }
    Ok(o)
}
