//! What raises alerts.

use super::*;

fn customer_of(c: &Customer) -> Option<(CustomerId, String)> {
    Some((c.id.clone(), c.company.name.clone()))
}

fn plural(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Where a computer belongs: its name and group, by agent id.
pub type ComputerNames = BTreeMap<String, (String, Option<String>)>;

/// The unresolved risk detections among `events`, by the agent id of their computer.
pub fn unresolved_by_computer(events: &[EventReport]) -> BTreeMap<&str, Vec<&EventReport>> {
    let mut by_computer: BTreeMap<&str, Vec<&EventReport>> = BTreeMap::new();
    for e in events {
        if let EventDetail::RiskDetection {
            action: RiskAction::Unresolved,
            ..
        } = &e.detail
        {
            by_computer.entry(&e.computer_id).or_default().push(e);
        }
    }
    by_computer
}

/// Unresolved risks among newly stored events: one alert per computer, however many
/// events (Error).
pub fn unresolved_risks(
    customer: &Customer,
    events: &[EventReport],
    names: &ComputerNames,
    at: DateTime<Utc>,
) -> Vec<Raise> {
    unresolved_by_computer(events)
        .into_iter()
        .map(|(computer_id, list)| {
            let (name, group) = names.get(computer_id).cloned().unwrap_or_else(|| {
                (
                    list.iter()
                        .find_map(|e| e.computer_name.clone())
                        .unwrap_or_else(|| computer_id.to_string()),
                    None,
                )
            });
            let mut body = format!(
                "The agent could not resolve {} on {name} at {}; the computer is still at risk.\n",
                plural(list.len() as i64, "risk", "risks"),
                customer.company.name
            );
            for e in list.iter().take(10) {
                if let EventDetail::RiskDetection {
                    risk,
                    category,
                    file,
                    ..
                } = &e.detail
                {
                    body.push_str(&format!(
                        "\n{}  {risk}{}{}",
                        e.occurred_at.format("%Y-%m-%d %H:%M UTC"),
                        category
                            .as_deref()
                            .map(|c| format!(" ({c})"))
                            .unwrap_or_default(),
                        file.as_deref()
                            .map(|f| format!(" in {f}"))
                            .unwrap_or_default()
                    ));
                }
            }
            Raise {
                kind: AlertKind::UnresolvedRisk,
                severity: AlertKind::UnresolvedRisk.severity(),
                customer: customer_of(customer),
                subject: format!("Unresolved risk on {name} at {}", customer.company.name),
                computer: Some(name),
                group,
                user: None,
                body,
                condition: format!("unresolvedRisk#{}#{computer_id}", customer.id),
                at,
                occurrences: list.len() as u64,
            }
        })
        .collect()
}

/// An intrusion burst: the customer's intrusions in one hour reached `threshold` with
/// this batch (`before` is the hour's count without it).
pub fn intrusion_burst(
    customer: &Customer,
    hour: &str,
    before: i64,
    after: i64,
    threshold: i64,
    at: DateTime<Utc>,
) -> Option<Raise> {
    (after >= threshold && after > before).then(|| Raise {
        kind: AlertKind::IntrusionBurst,
        severity: AlertKind::IntrusionBurst.severity(),
        customer: customer_of(customer),
        computer: None,
        group: None,
        user: None,
        subject: format!("Intrusion burst at {}", customer.company.name),
        body: format!(
            "{} were blocked at {} in the hour from {hour}:00 UTC (the alert threshold is {threshold} an hour).",
            plural(after, "intrusion", "intrusions"),
            customer.company.name
        ),
        condition: format!("intrusionBurst#{}", customer.id),
        at,
        occurrences: 1,
    })
}

/// Fleet-wide conditions after a computer report: computers offline longer than
/// `offline_days`, agents and definitions out of date. Raised (or renewed) when the
/// count is non-zero and moved with the report.
pub fn fleet_conditions(
    customer: &Customer,
    before: &Tally,
    after: &Tally,
    offline_days: i64,
    at: DateTime<Utc>,
) -> Vec<Raise> {
    let since = at - Duration::days(offline_days);
    let offline = |t: &Tally| offline_count(t, since);
    let checks = [
        (
            AlertKind::ComputerOffline,
            offline(before),
            offline(after),
            format!("offline for more than {offline_days} days"),
        ),
        (
            AlertKind::AgentUpdateRequired,
            before.get(counter::AGENT_UPDATE),
            after.get(counter::AGENT_UPDATE),
            "running an agent older than the current release".to_string(),
        ),
        (
            AlertKind::DefinitionsOutOfDate,
            before.get(counter::DEFINITIONS_UPDATE),
            after.get(counter::DEFINITIONS_UPDATE),
            "with virus definitions out of date".to_string(),
        ),
    ];
    checks
        .into_iter()
        .filter(|(_, b, a, _)| *a > 0 && a != b)
        .map(|(kind, _, n, what)| {
            let computers = plural(n, "computer", "computers");
            Raise {
                kind,
                severity: kind.severity(),
                customer: customer_of(customer),
                computer: None,
                group: None,
                user: None,
                subject: format!("{}: {computers} at {}", kind.label(), customer.company.name),
                body: format!("{} has {computers} {what}.", customer.company.name),
                condition: format!("{}#{}", kind.as_str(), customer.id),
                at,
                occurrences: 1,
            }
        })
        .collect()
}

/// Trials ending within `TRIAL_WARNING_DAYS` (one alert per trial).
pub fn trials_expiring(
    customer: &Customer,
    entitlements: &[&Entitlement],
    now: DateTime<Utc>,
) -> Vec<Raise> {
    entitlements
        .iter()
        .filter_map(|e| match e.state {
            EntitlementState::Trial { ends_at }
                if ends_at > now && ends_at <= now + Duration::days(TRIAL_WARNING_DAYS) =>
            {
                let days = (ends_at - now).num_hours().div_euclid(24).max(0);
                Some(Raise {
                    kind: AlertKind::TrialExpiring,
                    severity: AlertKind::TrialExpiring.severity(),
                    customer: customer_of(customer),
                    computer: None,
                    group: None,
                    user: None,
                    subject: format!(
                        "{} trial at {} ends {}",
                        e.product,
                        customer.company.name,
                        ends_at.format("%Y-%m-%d")
                    ),
                    body: format!(
                        "The {} trial of {} ({} seats) ends on {} ({} left). Convert it to a paid subscription to keep the customer protected.",
                        e.product,
                        customer.company.name,
                        e.seats,
                        ends_at.format("%Y-%m-%d %H:%M UTC"),
                        plural(days, "day", "days")
                    ),
                    condition: format!("trialExpiring#{}#{}", customer.id, e.id),
                    at: now,
                    occurrences: 1,
                })
            }
            _ => None,
        })
        .collect()
}

/// More seats in use than the customer's live products provide (L4).
pub fn seats_over_capacity(customer: &Customer, now: DateTime<Utc>) -> Option<Raise> {
    let capacity: u32 = customer.products.iter().map(|p| p.capacity).sum();
    let used = customer.seats_used;
    (capacity > 0 && used > capacity).then(|| Raise {
        kind: AlertKind::SeatsOverCapacity,
        severity: AlertKind::SeatsOverCapacity.severity(),
        customer: customer_of(customer),
        computer: None,
        group: None,
        user: None,
        subject: format!(
            "{} uses {used} seats of {capacity}",
            customer.company.name
        ),
        body: format!(
            "{} has {used} activated computers but its products provide {capacity} seats. Add seats or remove computers.",
            customer.company.name
        ),
        condition: format!("seatsOverCapacity#{}", customer.id),
        at: now,
        occurrences: 1,
    })
}

/// How a consent request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentOutcome {
    Approved,
    Denied,
    Expired,
}

/// A consent request answered or expired (one alert per request and outcome).
/// `requested_by` is the name of the user who sent it, when still known. An import
/// request names its customer only once approved (as the Request Status table does):
/// until then the alert names the email the partner typed and concerns no customer.
pub fn consent(
    request: &ConsentRequest,
    outcome: ConsentOutcome,
    requested_by: Option<String>,
    at: DateTime<Utc>,
) -> Raise {
    let named =
        request.kind == RequestKind::ManagementChange || outcome == ConsentOutcome::Approved;
    let customer = if named {
        &request.customer_name
    } else {
        &request.email
    };
    let what = match (request.kind, request.management) {
        (RequestKind::Import, _) => "move the customer to us (import)".to_string(),
        (RequestKind::ManagementChange, Some(m)) => {
            format!("change management to {}", m.label())
        }
        (RequestKind::ManagementChange, None) => "change management".to_string(),
    };
    let (kind, verb) = match outcome {
        ConsentOutcome::Approved => (AlertKind::ConsentApproved, "approved"),
        ConsentOutcome::Denied => (AlertKind::ConsentDenied, "denied"),
        ConsentOutcome::Expired => (AlertKind::ConsentExpired, "expired without an answer"),
    };
    Raise {
        kind,
        severity: kind.severity(),
        customer: named.then(|| (request.customer_id.clone(), customer.clone())),
        computer: None,
        group: None,
        subject: match outcome {
            ConsentOutcome::Expired => format!("No answer from {customer}: {what}"),
            _ => format!("{customer} {verb}: {what}"),
        },
        body: format!(
            "The request to {what}, sent to {}, was {verb} on {}.{}",
            if named {
                format!("{customer} ({})", request.email)
            } else {
                request.email.clone()
            },
            at.format("%Y-%m-%d %H:%M UTC"),
            requested_by
                .as_ref()
                .map(|n| format!(" It was sent by {n}."))
                .unwrap_or_default()
        ),
        user: Some((
            request.requested_by.clone(),
            requested_by.unwrap_or_default(),
        ))
        .filter(|(_, n)| !n.is_empty()),
        condition: format!("{}#{}", kind.as_str(), request.id),
        at,
        occurrences: 1,
    }
}

/// A report that could not be made (one alert per report).
pub fn report_failed(report: &crate::report::Report, reason: &str, at: DateTime<Utc>) -> Raise {
    let kind = AlertKind::ReportFailed;
    Raise {
        kind,
        severity: kind.severity(),
        customer: None,
        computer: None,
        group: None,
        user: Some((
            report.requested_by.clone(),
            report.requested_by_name.clone(),
        )),
        subject: format!("Report failed: {}", report.name),
        body: format!(
            "The {} report \"{}\", requested on {}, could not be made: {reason}",
            report.report_type.title(),
            report.name,
            report.requested_at.format("%Y-%m-%d %H:%M UTC"),
        ),
        condition: format!("{}#{}", kind.as_str(), report.id),
        at,
        occurrences: 1,
    }
}
