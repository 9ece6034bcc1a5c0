//! Alert History: the alerts raised in the period about the chosen customers.

use super::*;
use crate::alert::{severity_name, severity_rank, Alert, AlertKind, AlertStatus, Severity};

const SEVERITIES: [Severity; 3] = [Severity::Error, Severity::Warning, Severity::Informational];

fn severity_label(s: Severity) -> &'static str {
    match s {
        Severity::Error => "Error",
        Severity::Warning => "Warning",
        Severity::Informational => "Informational",
    }
}

/// The alerts raised in the period, newest first: about a chosen customer, or about no
/// customer at all (the account's own).
pub(super) fn in_period<'a>(ctx: &Ctx<'a>) -> Vec<&'a Alert> {
    let mut v: Vec<&Alert> = ctx
        .data
        .alerts
        .iter()
        .filter(|a| a.raised_at >= ctx.span.from && a.raised_at < ctx.span.to)
        .filter(|a| {
            a.customer_id
                .as_ref()
                .is_none_or(|id| ctx.data.customers.iter().any(|c| &c.customer.id == id))
        })
        .collect();
    v.sort_by(|a, b| b.raised_at.cmp(&a.raised_at).then_with(|| a.id.cmp(&b.id)));
    v
}

fn open(a: &Alert) -> bool {
    a.status == AlertStatus::Open
}

/// One row per severity: the alerts raised in the period and those still open.
pub(super) fn by_severity(alerts: &[&Alert]) -> Table {
    let rows = SEVERITIES
        .iter()
        .map(|s| {
            let of: Vec<&&Alert> = alerts.iter().filter(|a| a.severity == *s).collect();
            vec![
                severity_label(*s).into(),
                (of.len() as i64).into(),
                (of.iter().filter(|a| open(a)).count() as i64).into(),
            ]
        })
        .collect();
    table(
        "bySeverity",
        vec![
            text("severity", "Severity", 2),
            num("alerts", "Raised"),
            num("open", "Still open"),
        ],
        rows,
        "No alerts in this period.",
    )
}

/// Alert History.
pub(super) fn alert_history(ctx: &Ctx) -> Body {
    let alerts = in_period(ctx);
    let open_count = alerts.iter().filter(|a| open(a)).count() as i64;
    // The most severe types first, each severity in the order of the type list.
    let mut kinds = AlertKind::ALL.to_vec();
    kinds.sort_by_key(|k| severity_rank(k.severity()));
    let by_type = kinds
        .iter()
        .filter_map(|k| {
            let of: Vec<&&Alert> = alerts.iter().filter(|a| a.kind == *k).collect();
            (!of.is_empty()).then(|| {
                vec![
                    k.label().into(),
                    severity_label(k.severity()).into(),
                    (of.len() as i64).into(),
                    (of.iter().filter(|a| open(a)).count() as i64).into(),
                ]
            })
        })
        .collect();
    let rows = alerts
        .iter()
        .map(|a| {
            vec![
                time(a.raised_at).into(),
                a.kind.label().into(),
                severity_label(a.severity).into(),
                a.customer_name.clone().unwrap_or_default().into(),
                a.computer.clone().unwrap_or_default().into(),
                a.subject.clone().into(),
                (a.occurrences as i64).into(),
                match a.status {
                    AlertStatus::Open => "Open",
                    AlertStatus::Dismissed => "Dismissed",
                }
                .into(),
                a.dismissed_by.clone().unwrap_or_default().into(),
                a.dismissed_at.map(time).unwrap_or_default().into(),
            ]
        })
        .collect();
    let mut figures = vec![
        figure("alerts", "Alerts raised", alerts.len() as i64),
        figure("open", "Still open", open_count),
        figure("dismissed", "Dismissed", alerts.len() as i64 - open_count),
    ];
    figures.extend(SEVERITIES.iter().map(|s| {
        figure(
            severity_name(*s),
            severity_label(*s),
            alerts.iter().filter(|a| a.severity == *s).count() as i64,
        )
    }));
    Body {
        figures,
        sections: vec![
            section(
                "Alerts by type and severity",
                vec![
                    paragraph(format!(
                        "{} raised in the period, {open_count} still open.",
                        count(alerts.len() as i64, "alert", "alerts")
                    )),
                    Block::Table(table(
                        "byType",
                        vec![
                            text("type", "Alert type", 3),
                            text("severity", "Severity", 1),
                            num("alerts", "Raised"),
                            num("open", "Still open"),
                        ],
                        by_type,
                        "No alerts in this period.",
                    )),
                    Block::Table(by_severity(&alerts)),
                ],
            ),
            section(
                "Alerts",
                vec![
                    paragraph("Every alert raised in the period, newest first."),
                    Block::Table(main_table(table(
                        "alerts",
                        vec![
                            text("raised", "Raised (GMT)", 2),
                            text("type", "Type", 2),
                            text("severity", "Severity", 1),
                            text("customer", "Customer", 2),
                            text("computer", "Computer", 2),
                            text("subject", "Subject", 3),
                            num("occurrences", "Occurrences"),
                            text("status", "Status", 1),
                            text("dismissedBy", "Dismissed by", 2),
                            text("dismissedAt", "Dismissed (GMT)", 2),
                        ],
                        rows,
                        "No alerts in this period.",
                    ))),
                    note(
                        "Status is the alert's status when the report was made. Occurrences \
                         counts how often the condition was reported while the alert was open.",
                    ),
                ],
            ),
        ],
    }
}
