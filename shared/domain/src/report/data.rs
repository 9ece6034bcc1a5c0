//! What a report reads: the worker gathers it from the table (only what the type
//! needs), and the type's builder turns it into a document without further I/O.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{ReportOptions, ReportType, Span};
use crate::{
    alert::Alert,
    audit::AuditRecord,
    customer::Customer,
    entitlement::Entitlement,
    telemetry::{day_of, hour_of, Buckets, Computer, Tally},
    CustomerId, PartnerId, UserId,
};

/// One customer's seats of one product on one day (recorded by the scheduler once a
/// day; the source of billing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DailyUsage {
    pub day: NaiveDate,
    pub partner_id: PartnerId,
    pub customer_id: CustomerId,
    pub product: String,
    /// `trial`, `paid` or `held`: billing counts paid seats.
    pub status: String,
    pub seats: u32,
}

/// Everything a report is built from.
#[derive(Debug, Clone)]
pub struct ReportData {
    pub name: String,
    pub report_type: ReportType,
    pub options: ReportOptions,
    /// The moment the report is made: "the last 7 days" end here.
    pub now: DateTime<Utc>,
    /// The partner's company name.
    pub partner_name: String,
    /// The customers chosen, in the order chosen, each with what the type needs.
    pub customers: Vec<CustomerData>,
    /// Alerts about the chosen customers raised in the period (when `Needs::alerts`).
    pub alerts: Vec<Alert>,
    /// The partner's audit records in the period (when `Needs::audit`), newest first.
    pub audit: Vec<AuditRecord>,
    /// The partner's users that are disabled now (for "Active users only").
    pub disabled_users: BTreeSet<UserId>,
    /// The recorded daily usage of the chosen customers in the period (when
    /// `Needs::usage`).
    pub usage: Vec<DailyUsage>,
}

/// One customer's part of the data.
#[derive(Debug, Clone)]
pub struct CustomerData {
    pub customer: Customer,
    /// Every entitlement, ended ones included (when `Needs::entitlements`).
    pub entitlements: Vec<Entitlement>,
    /// The fleet's current counters (what the console pages show as "now").
    pub current: Tally,
    /// The day buckets of the period (and, for the last 24 hours, the hour buckets).
    pub buckets: Buckets,
    /// Every stored computer, deleted ones included (when `Needs::computers`).
    pub computers: Vec<Computer>,
}

/// Which reads a report type needs beyond the accounts and their fleets' counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Needs {
    pub buckets: bool,
    pub computers: bool,
    pub entitlements: bool,
    pub alerts: bool,
    pub audit: bool,
    pub usage: bool,
}

impl ReportType {
    pub fn needs(self) -> Needs {
        use ReportType::*;
        let none = Needs::default();
        match self {
            CustomerExecutiveSummary => Needs {
                buckets: true,
                entitlements: true,
                alerts: true,
                usage: true,
                ..none
            },
            MspExecutiveSummary => Needs {
                buckets: true,
                entitlements: true,
                usage: true,
                ..none
            },
            ServiceUtilizationBilling => Needs {
                entitlements: true,
                usage: true,
                ..none
            },
            EndpointSummary | ComputerStatusSummary | MacComputerSummary => Needs {
                computers: true,
                ..none
            },
            ProductDeploymentSummary => Needs {
                buckets: true,
                computers: true,
                ..none
            },
            VirusRiskActivitySummary
            | IntrusionPreventionSummary
            | FirewallHistory
            | RiskDetection
            | SecurityOverview => Needs {
                buckets: true,
                computers: true,
                ..none
            },
            AlertHistory => Needs {
                alerts: true,
                ..none
            },
            SecurityAudit => Needs {
                audit: true,
                ..none
            },
        }
    }
}

/// The counters of every bucket in the span added up, exactly as the console pages add
/// them for the same range (`telemetry::range_total`): hour buckets for the last 24
/// hours, day buckets otherwise.
pub fn span_total(buckets: &Buckets, span: &Span) -> Tally {
    let mut t = Tally::new();
    if span.hourly {
        let first = hour_of(span.from);
        let end = hour_of(span.to);
        for (h, b) in buckets.hourly.range(first..) {
            if span.to > span.from && h.as_str() <= end.as_str() {
                t.merge(b);
            }
        }
    } else {
        let first = day_of(span.from);
        let last = day_of(span.to - chrono::Duration::seconds(1));
        for (_, b) in buckets.daily.range(first..=last) {
            t.merge(b);
        }
    }
    t
}
