//! Alerts and alert notification rules (A1, A2, L4), as pure rules: what raises an
//! alert and how the same open condition is recognised, which rules an alert matches
//! and who hears of it, webhook addresses that may be called, the webhook signature and
//! the retry schedule. The store keeps them; the notifier sends.

use std::{
    collections::{BTreeMap, BTreeSet},
    net::{IpAddr, Ipv4Addr, Ipv6Addr},
};

use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use utoipa::ToSchema;

pub use super::telemetry::Severity;
use super::{
    consent::{ConsentRequest, RequestKind},
    customer::{Communications, Customer},
    entitlement::{Entitlement, EntitlementState},
    role::Visibility,
    telemetry::{counter, offline_count, EventDetail, EventReport, RiskAction, Tally},
    user::{ContactType, UserStatus},
    AlertId, CustomerId, FieldError, PartnerId, RuleId, User, UserId, Validation,
};

/// Days before a trial's end that raise "trial expiring".
pub const TRIAL_WARNING_DAYS: i64 = 7;
/// Most ids one dismiss request takes (it is one transaction).
pub const MAX_DISMISS: usize = 25;
/// Most rules one partner may keep.
pub const MAX_RULES: usize = 100;
/// Most names in a rule's computer or group list, and most chosen customers.
pub const MAX_NAMES: usize = 100;
/// Webhook attempts before a delivery is given up (dead-lettered).
pub const MAX_ATTEMPTS: u32 = 5;
/// How far a webhook timestamp may be from the receiver's clock (documented for
/// receivers; the receiver in the tests checks it).
pub const SIGNATURE_TOLERANCE_SECS: i64 = 300;
/// Header names of a webhook call.
pub const SIGNATURE_HEADER: &str = "X-Console-Signature";
pub const TIMESTAMP_HEADER: &str = "X-Console-Timestamp";
pub const DELIVERY_HEADER: &str = "X-Console-Delivery";

/// The service an alert comes from: the rules' categories are service × severity.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "camelCase")]
pub enum Service {
    EndpointProtection,
    Account,
    Reports,
}

/// What an alert is about (the Alert type filter).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "camelCase")]
pub enum AlertKind {
    UnresolvedRisk,
    ComputerOffline,
    DefinitionsOutOfDate,
    AgentUpdateRequired,
    IntrusionBurst,
    TrialExpiring,
    SeatsOverCapacity,
    ConsentApproved,
    ConsentDenied,
    ConsentExpired,
    ReportFailed,
}

impl AlertKind {
    pub const ALL: [AlertKind; 11] = [
        Self::UnresolvedRisk,
        Self::ComputerOffline,
        Self::DefinitionsOutOfDate,
        Self::AgentUpdateRequired,
        Self::IntrusionBurst,
        Self::TrialExpiring,
        Self::SeatsOverCapacity,
        Self::ConsentApproved,
        Self::ConsentDenied,
        Self::ConsentExpired,
        Self::ReportFailed,
    ];

    pub fn service(self) -> Service {
        use AlertKind::*;
        match self {
            UnresolvedRisk | ComputerOffline | DefinitionsOutOfDate | AgentUpdateRequired
            | IntrusionBurst => Service::EndpointProtection,
            TrialExpiring | SeatsOverCapacity | ConsentApproved | ConsentDenied
            | ConsentExpired => Service::Account,
            ReportFailed => Service::Reports,
        }
    }

    pub fn severity(self) -> Severity {
        use AlertKind::*;
        match self {
            UnresolvedRisk | ReportFailed => Severity::Error,
            ComputerOffline | DefinitionsOutOfDate | AgentUpdateRequired | IntrusionBurst
            | TrialExpiring | SeatsOverCapacity | ConsentDenied | ConsentExpired => {
                Severity::Warning
            }
            ConsentApproved => Severity::Informational,
        }
    }

    pub fn label(self) -> &'static str {
        use AlertKind::*;
        match self {
            UnresolvedRisk => "Unresolved risk",
            ComputerOffline => "Computer offline",
            DefinitionsOutOfDate => "Definitions out of date",
            AgentUpdateRequired => "Agent update required",
            IntrusionBurst => "Intrusion burst",
            TrialExpiring => "Trial expiring",
            SeatsOverCapacity => "Seats over capacity",
            ConsentApproved => "Consent approved",
            ConsentDenied => "Consent denied",
            ConsentExpired => "Consent expired",
            ReportFailed => "Report failed",
        }
    }

    /// The API spelling (`unresolvedRisk`).
    pub fn as_str(self) -> &'static str {
        use AlertKind::*;
        match self {
            UnresolvedRisk => "unresolvedRisk",
            ComputerOffline => "computerOffline",
            DefinitionsOutOfDate => "definitionsOutOfDate",
            AgentUpdateRequired => "agentUpdateRequired",
            IntrusionBurst => "intrusionBurst",
            TrialExpiring => "trialExpiring",
            SeatsOverCapacity => "seatsOverCapacity",
            ConsentApproved => "consentApproved",
            ConsentDenied => "consentDenied",
            ConsentExpired => "consentExpired",
            ReportFailed => "reportFailed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

pub fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Informational => "informational",
    }
}

pub fn parse_severity(s: &str) -> Option<Severity> {
    [Severity::Error, Severity::Warning, Severity::Informational]
        .into_iter()
        .find(|v| severity_name(*v) == s)
}

/// Sorts the most severe first: Error 0, Warning 1, Informational 2.
pub fn severity_rank(s: Severity) -> u8 {
    match s {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Informational => 2,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum AlertStatus {
    Open,
    Dismissed,
}

impl AlertStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Dismissed => "dismissed",
        }
    }
}

/// A condition that needs attention, as the code that noticed it describes it. Raising
/// the same `condition` while its alert is open renews that alert instead of adding one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raise {
    pub kind: AlertKind,
    pub severity: Severity,
    pub customer: Option<(CustomerId, String)>,
    pub computer: Option<String>,
    pub group: Option<String>,
    pub user: Option<(UserId, String)>,
    pub subject: String,
    pub body: String,
    /// What makes two raises the same alert, e.g. `unresolvedRisk#<customer>#<computer>`.
    pub condition: String,
    pub at: DateTime<Utc>,
    /// Occurrences this raise adds (events seen, for example).
    pub occurrences: u64,
}

/// An alert as stored and as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Alert {
    #[schema(value_type = String)]
    pub id: AlertId,
    #[schema(value_type = String)]
    pub partner_id: PartnerId,
    /// The alert type.
    #[serde(rename = "type")]
    pub kind: AlertKind,
    pub service: Service,
    pub severity: Severity,
    pub status: AlertStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub customer_id: Option<CustomerId>,
    /// "Delivered to": the customer the alert concerns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub computer: Option<String>,
    /// The computer's group, when known (rules may choose groups).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub user_id: Option<UserId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    pub subject: String,
    pub body: String,
    /// The open condition this alert stands for.
    pub condition: String,
    pub raised_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// How often the condition was reported while the alert was open.
    pub occurrences: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dismissed_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dismissed_by: Option<String>,
}

impl Alert {
    pub fn new(partner: &PartnerId, r: &Raise) -> Self {
        Alert {
            id: AlertId::generate(),
            partner_id: partner.clone(),
            kind: r.kind,
            service: r.kind.service(),
            severity: r.severity,
            status: AlertStatus::Open,
            customer_id: r.customer.as_ref().map(|c| c.0.clone()),
            customer_name: r.customer.as_ref().map(|c| c.1.clone()),
            computer: r.computer.clone(),
            group: r.group.clone(),
            user_id: r.user.as_ref().map(|u| u.0.clone()),
            user_name: r.user.as_ref().map(|u| u.1.clone()),
            subject: r.subject.clone(),
            body: r.body.clone(),
            condition: r.condition.clone(),
            raised_at: r.at,
            updated_at: r.at,
            occurrences: r.occurrences.max(1),
            dismissed_at: None,
            dismissed_by: None,
        }
    }
}

/// Open alerts of one customer by severity (the customer list's Alerts column).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AlertCounts {
    #[serde(default)]
    pub error: u32,
    #[serde(default)]
    pub warning: u32,
    #[serde(default)]
    pub informational: u32,
}

impl AlertCounts {
    /// The attribute of the account item that counts open alerts of `s`.
    pub fn attribute(s: Severity) -> &'static str {
        match s {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Informational => "informational",
        }
    }
}

mod raise;
pub use raise::*;
mod rules;
pub use rules::*;
mod webhook;
pub use webhook::*;
mod signature;
pub use signature::*;
mod audience;
pub use audience::*;

#[cfg(test)]
mod tests;
