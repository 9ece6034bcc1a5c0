//! The fleet simulator's generator: realistic computers and events for a customer, the
//! same every time for the same seed. `infra simulate` streams them through the
//! ingestion API for demos and benchmarks; tests feed them and check every figure.
//!
//! The mix: mostly Windows, some servers, Macs (some unmanaged) and a few Linux
//! machines; most agents current, some a release or two behind; a few computers
//! disabled, not activated, with stale definitions, or offline for days; detections
//! with every action (most blocked, a few unresolved), intrusions and firewall blocks.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::{rngs::StdRng, Rng, SeedableRng};

use domain::telemetry::{
    ComputerReport, Direction, EventDetail, EventReport, OperatingSystem, OsFamily,
    ProtectionStatus, RiskAction,
};

/// Risks the simulated agents detect, the first ones more often.
pub const RISKS: &[(&str, &str)] = &[
    ("Trojan.Gen.2", "Trojan"),
    ("W97M.Downloader", "Trojan"),
    ("Adware.Bprotect", "Adware"),
    ("JS.Downloader", "Trojan"),
    ("PUA.OpenCandy", "Potentially unwanted application"),
    ("W32.Downadup.B", "Worm"),
    ("Infostealer.Lokibot", "Infostealer"),
    ("Ransom.WannaCry", "Ransomware"),
    ("Hacktool.Mimikatz", "Hacktool"),
    ("Backdoor.Cobalt", "Backdoor"),
    ("Heur.AdvML.B", "Heuristic"),
    ("Trojan.Emotet", "Trojan"),
];

/// Attacks the simulated intrusion prevention blocks.
pub const SIGNATURES: &[&str] = &[
    "Attack: SMB Double Pulsar Ping",
    "Web Attack: Fake Scan Webpage 20",
    "Audit: Malicious Domain Request",
    "Attack: Apache Struts CVE-2017-5638",
    "Web Attack: Malvertising Redirect 44",
    "Attack: Microsoft RDP CVE-2019-0708",
    "Attack: Log4j2 RCE CVE-2021-44228",
];

const FIREWALL_RULES: &[&str] = &[
    "Block inbound SMB",
    "Block inbound RDP from the internet",
    "Block outbound IRC",
    "Block NetBIOS",
];

const GROUPS: &[&str] = &["Default", "Laptops", "Servers", "Finance", "Reception"];

/// What to simulate for one customer.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// Distinguishes customers: the same seed and index give the same fleet.
    pub seed: u64,
    pub customer: usize,
    pub computers: usize,
    /// How far back installations and events go (at most 90 days).
    pub history_days: i64,
    /// The current agent release (the one most computers run).
    pub agent_version: &'static str,
}

/// A customer's simulated fleet.
#[derive(Debug, Clone)]
pub struct Fleet {
    pub computers: Vec<ComputerReport>,
    /// Oldest first.
    pub events: Vec<EventReport>,
}

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    // Earlier items more often: the smaller of two draws.
    let a = rng.random_range(0..items.len());
    let b = rng.random_range(0..items.len());
    &items[a.min(b)]
}

fn chance(rng: &mut StdRng, p: f64) -> bool {
    rng.random_bool(p)
}

fn computer(rng: &mut StdRng, spec: &Spec, i: usize, now: DateTime<Utc>) -> ComputerReport {
    let roll: f64 = rng.random();
    let (family, version, prefix) = match roll {
        r if r < 0.68 => (OsFamily::Windows, "Windows 11 Pro 23H2", "PC"),
        r if r < 0.80 => (OsFamily::WindowsServer, "Windows Server 2022", "SRV"),
        r if r < 0.97 => (OsFamily::Mac, "macOS 14.5", "MAC"),
        _ => (OsFamily::Linux, "Ubuntu 22.04 LTS", "LNX"),
    };
    let agent_version = match rng.random::<f64>() {
        r if r < 0.78 => spec.agent_version.to_string(),
        r if r < 0.93 => "22.3.2".to_string(),
        _ => "21.9.0".to_string(),
    };
    let history = spec.history_days.clamp(1, 90);
    let installed_at = now - Duration::minutes(rng.random_range(60..history * 24 * 60));
    let last_seen = match rng.random::<f64>() {
        r if r < 0.84 => now - Duration::minutes(rng.random_range(1..55)),
        r if r < 0.94 => now - Duration::hours(rng.random_range(26..120)),
        _ => now - Duration::days(rng.random_range(8..40)),
    }
    .max(installed_at);
    let definitions_date: NaiveDate = if chance(rng, 0.1) {
        (last_seen - Duration::days(rng.random_range(5..20))).date_naive()
    } else {
        (last_seen - Duration::hours(rng.random_range(0..30))).date_naive()
    };
    ComputerReport {
        id: format!("agent-{}-{}-{i:05}", spec.seed, spec.customer),
        name: format!("{prefix}-{:03}-{i:04}", spec.customer),
        os: OperatingSystem {
            family,
            version: version.into(),
        },
        group: Some(if family == OsFamily::WindowsServer {
            "Servers".to_string()
        } else {
            pick(rng, GROUPS).to_string()
        }),
        agent_version,
        definitions_date,
        status: if chance(rng, 0.08) {
            ProtectionStatus::Disabled
        } else {
            ProtectionStatus::Protected
        },
        activated: !chance(rng, 0.05),
        managed: (family == OsFamily::Mac).then(|| !chance(rng, 0.3)),
        last_seen,
        installed_at: Some(installed_at),
        deleted: chance(rng, 0.02),
    }
}

fn action(rng: &mut StdRng) -> RiskAction {
    match rng.random::<f64>() {
        r if r < 0.55 => RiskAction::Blocked,
        r if r < 0.80 => RiskAction::Quarantined,
        r if r < 0.95 => RiskAction::Cleaned,
        _ => RiskAction::Unresolved,
    }
}

/// One event on `c` at `at`; `n` makes its id.
pub fn event(
    rng: &mut StdRng,
    spec: &Spec,
    c: &ComputerReport,
    at: DateTime<Utc>,
    n: u64,
) -> EventReport {
    let detail = match rng.random::<f64>() {
        r if r < 0.30 => {
            let (risk, category) = pick(rng, RISKS);
            EventDetail::RiskDetection {
                risk: risk.to_string(),
                category: Some(category.to_string()),
                action: action(rng),
                file: Some(format!("C:\\Users\\user\\Downloads\\invoice-{n}.doc")),
            }
        }
        r if r < 0.55 => EventDetail::Intrusion {
            signature: pick(rng, SIGNATURES).to_string(),
            source: Some(format!("203.0.113.{}", rng.random_range(1..255))),
        },
        _ => EventDetail::Firewall {
            rule: pick(rng, FIREWALL_RULES).to_string(),
            direction: if chance(rng, 0.8) {
                Direction::Inbound
            } else {
                Direction::Outbound
            },
            remote: Some(format!("198.51.100.{}", rng.random_range(1..255))),
        },
    };
    EventReport {
        id: format!("evt-{}-{}-{n}", spec.seed, spec.customer),
        computer_id: c.id.clone(),
        computer_name: Some(c.name.clone()),
        occurred_at: at,
        detail,
    }
}

/// A customer's fleet and its event history up to `now` (about one event per computer
/// every three days, between installation and last check-in).
pub fn fleet(spec: &Spec, now: DateTime<Utc>) -> Fleet {
    let mut rng = StdRng::seed_from_u64(
        spec.seed ^ (spec.customer as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15),
    );
    let computers: Vec<ComputerReport> = (0..spec.computers)
        .map(|i| computer(&mut rng, spec, i, now))
        .collect();
    let mut events = Vec::new();
    let mut n = 0;
    for c in &computers {
        let start = c.installed_at.unwrap_or(c.last_seen);
        let span = (c.last_seen - start).num_minutes().max(1);
        let count = (span / (3 * 24 * 60)).max(1);
        for _ in 0..count {
            let at = start + Duration::minutes(rng.random_range(0..span));
            events.push(event(&mut rng, spec, c, at, n));
            n += 1;
        }
    }
    events.sort_by_key(|e| e.occurred_at);
    Fleet { computers, events }
}

/// A seeded generator for live events after the history (`infra simulate --rate`).
pub fn live(spec: &Spec) -> StdRng {
    StdRng::seed_from_u64(
        spec.seed
            .wrapping_add(spec.customer as u64)
            .wrapping_mul(31),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Spec {
        Spec {
            seed: 7,
            customer: 3,
            computers: 200,
            history_days: 30,
            agent_version: "22.4.1",
        }
    }

    #[test]
    fn the_same_seed_makes_the_same_fleet() {
        let now = Utc::now();
        let a = fleet(&spec(), now);
        let b = fleet(&spec(), now);
        assert_eq!(a.computers, b.computers);
        assert_eq!(a.events, b.events);
    }

    #[test]
    fn the_mix_has_every_kind_the_pages_show() {
        let now = Utc::now();
        let f = fleet(&spec(), now);
        let c = &f.computers;
        assert!(c
            .iter()
            .any(|c| c.os.family == OsFamily::Mac && c.managed == Some(false)));
        assert!(c.iter().any(|c| c.status == ProtectionStatus::Disabled));
        assert!(c.iter().any(|c| !c.activated));
        assert!(c.iter().any(|c| c.agent_version != "22.4.1"));
        assert!(c.iter().any(|c| c.last_seen < now - Duration::days(7)));
        assert!(c.iter().all(|c| c.last_seen <= now));
        for a in [
            RiskAction::Blocked,
            RiskAction::Quarantined,
            RiskAction::Cleaned,
            RiskAction::Unresolved,
        ] {
            assert!(
                f.events.iter().any(|e| matches!(&e.detail, EventDetail::RiskDetection { action, .. } if *action == a)),
                "{a:?}"
            );
        }
        assert!(f
            .events
            .iter()
            .any(|e| matches!(e.detail, EventDetail::Intrusion { .. })));
        assert!(f.events.iter().all(|e| e.occurred_at <= now));
        let batch = domain::telemetry::ComputerBatch {
            computers: c[..100].to_vec(),
        };
        assert_eq!(domain::telemetry::validate_computers(&batch, now), Ok(()));
    }
}
