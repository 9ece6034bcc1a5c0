//! Telemetry end to end against the local stack: simulated fleets go in through the
//! ingestion API, and every figure the Home page, the statistics pages and the customer
//! profile show is checked against totals worked out here, directly from the records
//! that were sent (not with the aggregation code under test).

use std::collections::{BTreeMap, BTreeSet};

use axum::{body::Body, http::StatusCode, Router};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::telemetry::{ComputerReport, EventDetail, EventReport, OsFamily, ProtectionStatus};
use serde_json::{json, Value};
use testkit::http::*;
use testkit::simulator::{fleet, Fleet, Spec};

const IP: &str = "192.0.2.77";
const CURRENT_AGENT: &str = "22.4.1";

use crate::world::Added;

crate::world::module_world!();

impl World {
    async fn partner(&self, email: &str) -> String {
        self.0.partner(email, "Fleet Partners").await
    }

    /// Sends a fleet in batches of 500; answers (accepted, unchanged) summed.
    async fn feed(&self, c: &Added, f: &Fleet) -> (u64, u64) {
        let mut totals = (0, 0);
        for batch in f.computers.chunks(500) {
            let a = self
                .report(&c.id, "computers", &c.key, &json!({"computers": batch}))
                .await;
            assert_eq!(a.status, StatusCode::OK, "{}", a.text);
            totals.0 += a.body["accepted"].as_u64().unwrap();
            totals.1 += a.body["unchanged"].as_u64().unwrap();
        }
        for batch in f.events.chunks(500) {
            let a = self
                .report(&c.id, "events", &c.key, &json!({"events": batch}))
                .await;
            assert_eq!(a.status, StatusCode::OK, "{}", a.text);
            totals.0 += a.body["accepted"].as_u64().unwrap();
            totals.1 += a.body["unchanged"].as_u64().unwrap();
        }
        totals
    }

    async fn get(&self, token: &str, path: &str) -> Value {
        let a = get(&self.dashboard, path, token, IP).await;
        assert_eq!(a.status, StatusCode::OK, "{path}: {}", a.text);
        a.body
    }
}

fn spec(customer: usize, computers: usize) -> Spec {
    Spec {
        seed: 42,
        customer,
        computers,
        history_days: 30,
        agent_version: CURRENT_AGENT,
    }
}

// ---------------------------------------------------------------------------------------
// The expected figures, straight from the records
// ---------------------------------------------------------------------------------------

fn live(f: &Fleet) -> Vec<&ComputerReport> {
    f.computers.iter().filter(|c| !c.deleted).collect()
}

fn day(t: DateTime<Utc>) -> NaiveDate {
    t.date_naive()
}

/// Table 2-6 worked out by hand.
fn summary(f: &Fleet, now: DateTime<Utc>) -> BTreeMap<&'static str, i64> {
    let l = live(f);
    let count = |p: &dyn Fn(&ComputerReport) -> bool| l.iter().filter(|c| p(c)).count() as i64;
    let actions = |name: &str| {
        f.events
            .iter()
            .filter(|e| matches!(&e.detail, EventDetail::RiskDetection { action, .. } if serde_json::to_value(action).unwrap() == name))
            .count() as i64
    };
    let yesterday = day(now - Duration::days(1));
    BTreeMap::from([
        ("computers", l.len() as i64),
        (
            "protected",
            count(&|c| c.status == ProtectionStatus::Protected),
        ),
        (
            "disabled",
            count(&|c| c.status == ProtectionStatus::Disabled),
        ),
        ("activated", count(&|c| c.activated)),
        ("activationRequired", count(&|c| !c.activated)),
        (
            "agentUpdateRequired",
            count(&|c| c.agent_version != CURRENT_AGENT),
        ),
        (
            "definitionUpdateRequired",
            count(&|c| (day(c.last_seen) - c.definitions_date).num_days() > 3),
        ),
        ("offline", count(&|c| day(c.last_seen) < yesterday)),
        ("mac", count(&|c| c.os.family == OsFamily::Mac)),
        (
            "macUnmanaged",
            count(&|c| c.os.family == OsFamily::Mac && c.managed == Some(false)),
        ),
        ("risksBlocked", actions("blocked")),
        ("quarantined", actions("quarantined")),
        ("cleaned", actions("cleaned")),
        ("unresolved", actions("unresolved")),
        (
            "totalDetections",
            f.events
                .iter()
                .filter(|e| matches!(e.detail, EventDetail::RiskDetection { .. }))
                .count() as i64,
        ),
        (
            "intrusions",
            f.events
                .iter()
                .filter(|e| matches!(e.detail, EventDetail::Intrusion { .. }))
                .count() as i64,
        ),
        (
            "firewall",
            f.events
                .iter()
                .filter(|e| matches!(e.detail, EventDetail::Firewall { .. }))
                .count() as i64,
        ),
    ])
}

fn add(a: &mut BTreeMap<&'static str, i64>, b: &BTreeMap<&'static str, i64>) {
    for (k, v) in b {
        *a.entry(k).or_default() += v;
    }
}

fn assert_summary(answer: &Value, expected: &BTreeMap<&'static str, i64>, what: &str) {
    for (k, v) in expected {
        assert_eq!(answer[*k].as_i64(), Some(*v), "{what}: {k} in {answer}");
    }
}

/// Events per day of each kind: (blocked, quarantined, cleaned, unresolved, intrusions, firewall).
fn events_by_day(fleets: &[&Fleet]) -> BTreeMap<NaiveDate, [i64; 6]> {
    let mut out: BTreeMap<NaiveDate, [i64; 6]> = BTreeMap::new();
    for e in fleets.iter().flat_map(|f| &f.events) {
        let slot = out.entry(day(e.occurred_at)).or_default();
        slot[slot_of(e)] += 1;
    }
    out
}

fn slot_of(e: &EventReport) -> usize {
    match &e.detail {
        EventDetail::RiskDetection { action, .. } => {
            match serde_json::to_value(action).unwrap().as_str().unwrap() {
                "blocked" => 0,
                "quarantined" => 1,
                "cleaned" => 2,
                _ => 3,
            }
        }
        EventDetail::Intrusion { .. } => 4,
        EventDetail::Firewall { .. } => 5,
    }
}

fn point_day(p: &Value) -> NaiveDate {
    day(p["start"]
        .as_str()
        .unwrap()
        .parse::<DateTime<Utc>>()
        .unwrap())
}

/// Every daily point of the Home page's three charts against the records.
fn assert_daily_series(d: &Value, fleets: &[&Fleet], what: &str) {
    let by_day = events_by_day(fleets);
    let live: Vec<&ComputerReport> = fleets.iter().flat_map(|f| live(f)).collect();
    let risk = d["riskActivity"]["daily"].as_array().unwrap();
    let intr = d["intrusionPrevention"]["daily"].as_array().unwrap();
    let dep = d["deployment"]["daily"].as_array().unwrap();
    assert_eq!((risk.len(), intr.len(), dep.len()), (92, 92, 92));
    for ((r, i), p) in risk.iter().zip(intr).zip(dep) {
        let day = point_day(r);
        let e = by_day.get(&day).copied().unwrap_or_default();
        let got = [
            r["blocked"].as_i64().unwrap(),
            r["quarantined"].as_i64().unwrap(),
            r["cleaned"].as_i64().unwrap(),
            r["unresolved"].as_i64().unwrap(),
            i["intrusions"].as_i64().unwrap(),
            i["firewall"].as_i64().unwrap(),
        ];
        assert_eq!(got, e, "{what}: events of {day}");
        let installed = live
            .iter()
            .filter(|c| c.installed_at.unwrap().date_naive() == day)
            .count();
        let total = live
            .iter()
            .filter(|c| c.installed_at.unwrap().date_naive() <= day)
            .count();
        assert_eq!(
            p["installed"].as_u64(),
            Some(installed as u64),
            "{what}: installs on {day}"
        );
        assert_eq!(p["removed"].as_u64(), Some(0), "{what}: removals on {day}");
        assert_eq!(
            p["total"].as_u64(),
            Some(total as u64),
            "{what}: deployed at the end of {day}"
        );
    }
    // The hourly chart: the events of each of the last 24 hours.
    let hourly = d["riskActivity"]["hourly"].as_array().unwrap();
    assert_eq!(hourly.len(), 24);
    for h in hourly {
        let start: DateTime<Utc> = h["start"].as_str().unwrap().parse().unwrap();
        let n = fleets
            .iter()
            .flat_map(|f| &f.events)
            .filter(|e| e.occurred_at >= start && e.occurred_at < start + Duration::hours(1))
            .filter(|e| slot_of(e) < 4)
            .count() as i64;
        let got: i64 = ["blocked", "quarantined", "cleaned", "unresolved"]
            .iter()
            .map(|k| h[*k].as_i64().unwrap())
            .sum();
        assert_eq!(got, n, "{what}: detections in the hour from {start}");
    }
}

/// The JSON with its clock-dependent parts removed, for "nothing changed" comparisons.
fn settled(mut v: Value) -> Value {
    if let Some(o) = v.as_object_mut() {
        o.remove("generatedAt");
        o.remove("to");
    }
    v
}

#[tokio::test]
async fn every_figure_matches_the_fleet_that_was_fed_and_a_replay_changes_none() {
    let w = world().await;
    let admin = w.partner("fleet@telemetry.example.com").await;
    let a = w
        .trial_customer(
            &admin,
            "Acme Dental",
            "it@acme-dental.example.com",
            "partnerManaged",
        )
        .await;
    let b = w
        .trial_customer(
            &admin,
            "Birch Law",
            "it@birch-law.example.com",
            "customerManaged",
        )
        .await;
    let now = Utc::now();
    let fa = fleet(&spec(1, 60), now);
    let fb = fleet(&spec(2, 40), now);
    let sent = (fa.computers.len() + fa.events.len()) as u64;
    assert_eq!(w.feed(&a, &fa).await, (sent, 0));
    w.feed(&b, &fb).await;

    // The Home page, partner-wide.
    let home = w.get(&admin, "/api/v1/dashboard").await;
    let mut both = summary(&fa, now);
    add(&mut both, &summary(&fb, now));
    assert_summary(&home["endpointProtection"], &both, "partner");
    assert_eq!(home["offlineComputers"].as_i64(), Some(both["offline"]));
    assert_eq!(
        home["profile"]["totalInstalled"].as_i64(),
        Some(both["computers"])
    );
    assert_eq!(home["profile"]["customers"]["total"], 2);
    assert_eq!(home["profile"]["customers"]["partnerManaged"], 1);
    assert_eq!(home["profile"]["customers"]["customerManaged"], 1);
    assert_eq!(home["profile"]["licenses"]["trial"], 2);
    assert_eq!(home["profile"]["licenses"]["paid"], 0);
    let endpoint = home["myProducts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["product"] == "endpoint-protection")
        .unwrap()
        .clone();
    assert_eq!(endpoint["trials"], 2);
    assert_daily_series(&home, &[&fa, &fb], "partner");
    // Both customers have offline or out-of-date computers: both need attention.
    let issues: BTreeSet<&str> = home["customerIssues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(issues, BTreeSet::from(["Acme Dental", "Birch Law"]));

    // The Display filter: the customer's own figures; Customer Issues stays partner-wide.
    let one = w
        .get(&admin, &format!("/api/v1/dashboard?customer={}", a.id))
        .await;
    assert_summary(&one["endpointProtection"], &summary(&fa, now), "Acme");
    assert_daily_series(&one, &[&fa], "Acme");
    assert_eq!(one["customer"]["name"], "Acme Dental");
    assert_eq!(one["customerIssues"], home["customerIssues"]);
    assert_eq!(one["profile"]["customers"]["total"], 2);
    // The customer list's columns come from telemetry too.
    let list = get(&w.customers, "/api/v1/customers?limit=100", &admin, IP).await;
    let acme = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == a.id.as_str())
        .unwrap()
        .clone();
    assert_eq!(
        acme["requireUpdate"].as_i64(),
        Some(summary(&fa, now)["agentUpdateRequired"])
    );
    assert_eq!(acme["used"].as_i64(), Some(summary(&fa, now)["activated"]));

    // The customer profile: Table 2-6 and the deployment chart.
    let profile = w
        .get(
            &admin,
            &format!("/api/v1/customers/{}/endpoint-protection", a.id),
        )
        .await;
    assert_summary(&profile["summary"], &summary(&fa, now), "Acme profile");
    assert_eq!(profile["deployment"], one["deployment"]);
    assert!(profile["ingestion"]["lastReportAt"].is_string());

    // Endpoint Statistics over 30 days.
    let stats = w.get(&admin, "/api/v1/statistics/endpoint?range=30d").await;
    let from: DateTime<Utc> = stats["from"].as_str().unwrap().parse().unwrap();
    let recent: Vec<&EventReport> = fa
        .events
        .iter()
        .chain(&fb.events)
        .filter(|e| e.occurred_at >= from)
        .collect();
    let mut by_risk: BTreeMap<&str, (i64, BTreeSet<&str>)> = BTreeMap::new();
    for e in &recent {
        if let EventDetail::RiskDetection { risk, .. } = &e.detail {
            let customer = if fa.events.contains(e) { "A" } else { "B" };
            let r = by_risk.entry(risk.as_str()).or_default();
            r.0 += 1;
            r.1.insert(customer);
        }
    }
    assert_eq!(
        stats["risks"]["total"].as_i64(),
        Some(by_risk.values().map(|r| r.0).sum())
    );
    let top = stats["risks"]["top"].as_array().unwrap();
    assert_eq!(top.len(), by_risk.len().min(10));
    for t in top {
        let (n, customers) = &by_risk[t["name"].as_str().unwrap()];
        assert_eq!(t["detections"].as_i64(), Some(*n), "{t}");
        assert_eq!(t["customers"].as_i64(), Some(customers.len() as i64), "{t}");
        for s in t["spread"].as_array().unwrap() {
            // Manage only next to the partner-managed customer.
            assert_eq!(s["manageable"], s["name"] == "Acme Dental", "{s}");
        }
    }
    let intrusions = recent
        .iter()
        .filter(|e| matches!(e.detail, EventDetail::Intrusion { .. }))
        .count() as i64;
    assert_eq!(stats["intrusions"]["total"].as_i64(), Some(intrusions));
    assert_eq!(
        stats["intrusions"]["top"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["count"].as_i64().unwrap())
            .sum::<i64>(),
        intrusions,
        "the simulator's signatures are fewer than ten, so the top list holds them all"
    );

    // Product Deployment over 7 days, and its offline computers.
    let dep = w
        .get(&admin, "/api/v1/statistics/deployment?range=7d")
        .await;
    let l: Vec<&ComputerReport> = live(&fa).into_iter().chain(live(&fb)).collect();
    let week_start = day(now) - Duration::days(6);
    assert_eq!(
        dep["deployed"]["installedInRange"].as_u64(),
        Some(
            l.iter()
                .filter(|c| day(c.installed_at.unwrap()) >= week_start)
                .count() as u64
        )
    );
    for os in dep["deployed"]["byOs"].as_array().unwrap() {
        let family: OsFamily = serde_json::from_value(os["os"].clone()).unwrap();
        assert_eq!(
            os["count"].as_u64(),
            Some(l.iter().filter(|c| c.os.family == family).count() as u64)
        );
    }
    let offline_since = day(now - Duration::days(7));
    let offline: BTreeSet<&str> = l
        .iter()
        .filter(|c| day(c.last_seen) < offline_since)
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(dep["offline"]["count"].as_u64(), Some(offline.len() as u64));
    let mut listed = BTreeSet::new();
    let mut cursor = String::new();
    loop {
        let page = w
            .get(
                &admin,
                &format!("/api/v1/statistics/offline-computers?range=7d&limit=7{cursor}"),
            )
            .await;
        for row in page["items"].as_array().unwrap() {
            listed.insert(row["name"].as_str().unwrap().to_string());
        }
        match page["nextCursor"].as_str() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(listed, offline.iter().map(|s| s.to_string()).collect());
    let csv = send(
        &w.dashboard,
        bearer(
            request(
                "GET",
                "/api/v1/statistics/offline-computers?range=7d&format=csv",
            ),
            &admin,
        )
        .body(Body::empty())
        .unwrap(),
        IP,
    )
    .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.text.lines().count(), offline.len() + 1, "{}", csv.text);

    // Replaying everything stores nothing and changes no figure.
    let before_items = w.stack.items().await.len();
    assert_eq!(w.feed(&a, &fa).await, (0, sent));
    w.feed(&b, &fb).await;
    assert_eq!(w.stack.items().await.len(), before_items);
    let again = w.get(&admin, "/api/v1/dashboard").await;
    assert_eq!(settled(again), settled(home));
    let stats_again = w.get(&admin, "/api/v1/statistics/endpoint?range=30d").await;
    assert_eq!(settled(stats_again), settled(stats));

    // A removed customer leaves the sums, and its key stops working.
    let removed = call(
        &w.customers,
        "DELETE",
        &format!("/api/v1/customers/{}?confirm=true", b.id),
        &admin,
        None,
        IP,
    )
    .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT, "{}", removed.text);
    let after = w.get(&admin, "/api/v1/dashboard").await;
    assert_summary(
        &after["endpointProtection"],
        &summary(&fa, now),
        "after removing Birch",
    );
    assert_eq!(after["profile"]["customers"]["total"], 1);
    assert_eq!(after["profile"]["licenses"]["trial"], 1);
    let names: Vec<&str> = after["customerIssues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Acme Dental"]);
    let late = w
        .report(
            &b.id,
            "computers",
            &b.key,
            &json!({"computers": &fb.computers[..1]}),
        )
        .await;
    assert_problem(&late, 401);
}

/// DynamoDB calls of one GET, by operation.
async fn calls_of(
    w: &World,
    app: &Router,
    token: &str,
    path: &str,
) -> BTreeMap<(String, String), u64> {
    w.stack.counter.reset();
    let a = get(app, path, token, IP).await;
    assert_eq!(a.status, StatusCode::OK, "{path}: {}", a.text);
    w.stack.counter.snapshot()
}

#[tokio::test]
async fn the_home_page_and_a_profile_cost_the_same_for_ten_computers_and_ten_thousand() {
    let w = world().await;
    let mut costs = Vec::new();
    for (n, computers) in [(1, 10), (2, 10_000)] {
        let admin = w.partner(&format!("size{n}@telemetry.example.com")).await;
        let c = w
            .trial_customer(
                &admin,
                "Sized Co",
                &format!("it@sized{n}.example.com"),
                "coManaged",
            )
            .await;
        let mut f = fleet(&spec(10 + n, computers), Utc::now());
        f.events.truncate(500);
        w.feed(&c, &f).await;
        let profile = format!("/api/v1/customers/{}", c.id);
        costs.push((
            computers,
            calls_of(&w, &w.dashboard, &admin, "/api/v1/dashboard").await,
            calls_of(
                &w,
                &w.dashboard,
                &admin,
                &format!("/api/v1/dashboard?customer={}", c.id),
            )
            .await,
            calls_of(&w, &w.customers, &admin, &profile).await,
            calls_of(
                &w,
                &w.dashboard,
                &admin,
                &format!("{profile}/endpoint-protection"),
            )
            .await,
        ));
    }
    let (small, large) = (&costs[0], &costs[1]);
    assert_eq!(small.1, large.1, "Home page: 10 vs 10,000 computers");
    assert_eq!(small.2, large.2, "Home page for one customer");
    assert_eq!(small.3, large.3, "customer profile");
    assert_eq!(small.4, large.4, "the profile's endpoint protection");
    let total = |m: &BTreeMap<(String, String), u64>| m.values().sum::<u64>();
    // The documented budgets (docs/performance.md).
    assert_eq!(total(&small.1), 7, "{:?}", small.1);
    assert_eq!(total(&small.4), 4, "{:?}", small.4);
}

#[tokio::test]
async fn a_customer_the_user_cannot_see_counts_nowhere() {
    let w = world().await;
    let admin = w.partner("owner@hidden.example.com").await;
    let a = w
        .trial_customer(&admin, "Seen Co", "it@seen.example.com", "partnerManaged")
        .await;
    let b = w
        .trial_customer(
            &admin,
            "Hidden Co",
            "it@hidden-co.example.com",
            "partnerManaged",
        )
        .await;
    let now = Utc::now();
    let (fa, fb) = (fleet(&spec(21, 30), now), fleet(&spec(22, 30), now));
    w.feed(&a, &fa).await;
    w.feed(&b, &fb).await;
    let hal = w.reader(&admin, "hal@hidden.example.com", &[&a.id]).await;

    // Every figure is Seen Co's alone, exactly as its own filtered view.
    let home = w.get(&hal, "/api/v1/dashboard").await;
    assert_summary(&home["endpointProtection"], &summary(&fa, now), "reader");
    assert_daily_series(&home, &[&fa], "reader");
    assert_eq!(home["profile"]["customers"]["total"], 1);
    assert_eq!(
        home["profile"]["totalInstalled"].as_i64(),
        Some(summary(&fa, now)["computers"])
    );
    let names: Vec<&str> = home["customerIssues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Seen Co"]);
    let usage = w.get(&hal, "/api/v1/products/usage").await;
    let endpoint = usage["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["product"] == "endpoint-protection")
        .unwrap()
        .clone();
    assert_eq!(endpoint["trials"], 1);

    let stats = w.get(&hal, "/api/v1/statistics/endpoint?range=3m").await;
    for risk in stats["risks"]["top"].as_array().unwrap() {
        assert_eq!(risk["customers"], 1, "{risk}");
        for s in risk["spread"].as_array().unwrap() {
            assert_eq!(s["name"], "Seen Co");
            assert_eq!(s["manageable"], false, "Read access: no Manage link");
        }
    }
    let mut cursor = String::new();
    loop {
        let page = w
            .get(
                &hal,
                &format!("/api/v1/statistics/offline-computers?range=24h&limit=100{cursor}"),
            )
            .await;
        for row in page["items"].as_array().unwrap() {
            assert_eq!(row["customerName"], "Seen Co");
        }
        match page["nextCursor"].as_str() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => break,
        }
    }
    // The hidden customer is not found by any filter.
    for path in [
        format!("/api/v1/dashboard?customer={}", b.id),
        format!("/api/v1/statistics/endpoint?customer={}", b.id),
        format!("/api/v1/statistics/deployment?customer={}", b.id),
        format!("/api/v1/statistics/offline-computers?customer={}", b.id),
        format!("/api/v1/customers/{}/endpoint-protection", b.id),
    ] {
        assert_problem(&get(&w.dashboard, &path, &hal, IP).await, 404);
    }
}

#[tokio::test]
async fn each_user_keeps_their_own_layout() {
    let w = world().await;
    let admin = w.partner("layout@telemetry.example.com").await;
    let first = w.get(&admin, "/api/v1/dashboard/layout").await;
    assert_eq!(first["widgets"].as_array().unwrap().len(), 10);
    assert_eq!(first["widgets"][0], "customerIssues");
    assert_eq!(first["hidden"], json!([]));

    let mut widgets: Vec<Value> = first["widgets"].as_array().unwrap().clone();
    let moved = widgets.remove(9);
    widgets.insert(0, moved);
    let removed = widgets.remove(3);
    let layout = json!({"widgets": widgets, "hidden": [removed]});
    let saved = call(
        &w.dashboard,
        "PUT",
        "/api/v1/dashboard/layout",
        &admin,
        Some(&layout),
        IP,
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    assert_eq!(w.get(&admin, "/api/v1/dashboard/layout").await, layout);

    // Another user of the same partner still has the first layout.
    let hal = w.reader(&admin, "hal@layout.example.com", &[]).await;
    assert_eq!(w.get(&hal, "/api/v1/dashboard/layout").await, first);

    // A layout that drops or repeats a widget is refused and changes nothing.
    let before = w.stack.items().await.len();
    for bad in [
        json!({"widgets": ["myProfile"], "hidden": []}),
        json!({"widgets": widgets, "hidden": [removed, "myProfile"]}),
        json!({"widgets": widgets, "hidden": [removed], "extra": true}),
        json!({"widgets": ["weather"], "hidden": []}),
    ] {
        let r = call(
            &w.dashboard,
            "PUT",
            "/api/v1/dashboard/layout",
            &admin,
            Some(&bad),
            IP,
        )
        .await;
        assert_problem(&r, 422);
    }
    assert_eq!(w.stack.items().await.len(), before);
    assert_eq!(w.get(&admin, "/api/v1/dashboard/layout").await, layout);
}
