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

// ---------------------------------------------------------------------------------------
// What raises alerts
// ---------------------------------------------------------------------------------------

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
/// `requested_by` is the name of the user who sent it, when still known.
pub fn consent(
    request: &ConsentRequest,
    outcome: ConsentOutcome,
    requested_by: Option<String>,
    at: DateTime<Utc>,
) -> Raise {
    let customer = &request.customer_name;
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
        customer: Some((request.customer_id.clone(), customer.clone())),
        computer: None,
        group: None,
        subject: match outcome {
            ConsentOutcome::Expired => format!("No answer from {customer}: {what}"),
            _ => format!("{customer} {verb}: {what}"),
        },
        body: format!(
            "The request to {what}, sent to {customer} ({}), was {verb} on {}.{}",
            request.email,
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

// ---------------------------------------------------------------------------------------
// Notification rules
// ---------------------------------------------------------------------------------------

/// One check box of the rule's categories: a service at a severity.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Category {
    pub service: Service,
    pub severity: Severity,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum ComputerScope {
    All,
    Computers,
    Groups,
}

/// Which computers a rule concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Computers {
    pub scope: ComputerScope,
    #[serde(default)]
    pub names: Vec<String>,
}

/// Where a rule also posts: an HTTPS endpoint and the secret its calls are signed with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Webhook {
    pub url: String,
    pub secret: String,
}

impl Webhook {
    /// What the API shows of the secret.
    pub fn secret_hint(&self) -> String {
        let tail: String = self
            .secret
            .chars()
            .rev()
            .take(4)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        format!("{WEBHOOK_SECRET_PREFIX}…{tail}")
    }
}

pub const WEBHOOK_SECRET_PREFIX: &str = "whsec_";

/// A new webhook signing secret: `whsec_` and 256 random bits.
pub fn generate_secret() -> String {
    format!("{WEBHOOK_SECRET_PREFIX}{}", super::token::generate())
}

/// An alert notification rule (Table 5-3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    pub id: RuleId,
    pub partner_id: PartnerId,
    pub name: String,
    pub enabled: bool,
    pub categories: BTreeSet<Category>,
    /// `None`: all companies.
    pub customers: Option<BTreeSet<CustomerId>>,
    pub computers: Computers,
    /// Empty: all administrators.
    pub recipients: Vec<UserId>,
    /// Also email the customer's contact where the partner shares communications.
    pub customer_contacts: bool,
    pub webhook: Option<Webhook>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: u64,
}

impl Rule {
    /// Whether the rule is enabled and the alert is in its categories, companies and
    /// computers. A rule limited to chosen computers or groups matches only alerts about
    /// one of them.
    pub fn matches(&self, alert: &Alert) -> bool {
        if !self.enabled
            || !self.categories.contains(&Category {
                service: alert.service,
                severity: alert.severity,
            })
        {
            return false;
        }
        if let Some(chosen) = &self.customers {
            match &alert.customer_id {
                Some(c) if chosen.contains(c) => {}
                _ => return false,
            }
        }
        let named = |value: &Option<String>| {
            value.as_deref().is_some_and(|v| {
                self.computers
                    .names
                    .iter()
                    .any(|n| n.eq_ignore_ascii_case(v))
            })
        };
        match self.computers.scope {
            ComputerScope::All => true,
            ComputerScope::Computers => named(&alert.computer),
            ComputerScope::Groups => named(&alert.group),
        }
    }

    /// The users the rule tells: its recipients, or every active administrator when it
    /// names none (the Recipient Count).
    pub fn audience<'a>(&self, users: &'a [User]) -> Vec<&'a User> {
        users.iter().filter(|u| self.reaches(u)).collect()
    }

    /// Whether the rule tells `user` (see [`Rule::audience`]).
    pub fn reaches(&self, u: &User) -> bool {
        u.status != UserStatus::Disabled
            && !u.api_client
            && if self.recipients.is_empty() {
                u.role.is_partner_administrator() || u.role == super::Role::Administrator
            } else {
                self.recipients.contains(&u.id)
            }
    }
}

/// The rule form as the API takes it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RuleRequest {
    pub name: String,
    #[serde(default = "enabled_default")]
    pub enabled: bool,
    pub categories: Vec<Category>,
    /// Customer ids; absent or `null` for all companies.
    #[serde(default)]
    pub customers: Option<Vec<String>>,
    pub computers: Computers,
    /// User ids; empty for all administrators.
    #[serde(default)]
    pub recipients: Vec<String>,
    #[serde(default)]
    pub customer_contacts: bool,
    #[serde(default)]
    pub webhook: Option<WebhookRequest>,
}

fn enabled_default() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WebhookRequest {
    pub url: String,
}

/// A valid rule form; the handler still checks that its customers and users exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleForm {
    pub name: String,
    pub enabled: bool,
    pub categories: BTreeSet<Category>,
    pub customers: Option<Vec<CustomerId>>,
    pub computers: Computers,
    pub recipients: Vec<UserId>,
    pub customer_contacts: bool,
    pub webhook_url: Option<String>,
}

impl RuleRequest {
    pub fn parse(self, allow_loopback: bool) -> Result<RuleForm, Vec<FieldError>> {
        let mut v = Validation::new();
        let name = v.text("name", &self.name, 100);
        if self.categories.is_empty() {
            v.error("categories", "choose at least one category");
        }
        let customers = self.customers.map(|ids| {
            if ids.is_empty() {
                v.error("customers", "choose at least one company, or all companies");
            }
            if ids.len() > MAX_NAMES {
                v.error("customers", format!("at most {MAX_NAMES} companies"));
            }
            ids.iter()
                .enumerate()
                .filter_map(|(i, id)| v.check(&format!("customers[{i}]"), CustomerId::parse(id)))
                .collect::<Vec<_>>()
        });
        let mut names = Vec::new();
        for (i, n) in self.computers.names.iter().enumerate() {
            if let Some(n) = v.text(&format!("computers.names[{i}]"), n, 128) {
                if !names.contains(&n) {
                    names.push(n);
                }
            }
        }
        match self.computers.scope {
            ComputerScope::All if !names.is_empty() => {
                v.error("computers.names", "all computers takes no names");
            }
            ComputerScope::Computers | ComputerScope::Groups if names.is_empty() => {
                v.error("computers.names", "name at least one computer or group");
            }
            _ if names.len() > MAX_NAMES => {
                v.error("computers.names", format!("at most {MAX_NAMES} names"));
            }
            _ => {}
        }
        let mut recipients = Vec::new();
        for (i, id) in self.recipients.iter().enumerate() {
            if let Some(id) = v.check(&format!("recipients[{i}]"), UserId::parse(id)) {
                if !recipients.contains(&id) {
                    recipients.push(id);
                }
            }
        }
        if recipients.len() > MAX_NAMES {
            v.error("recipients", format!("at most {MAX_NAMES} recipients"));
        }
        let webhook_url = self
            .webhook
            .and_then(|w| v.check("webhook.url", webhook_url(&w.url, allow_loopback)));
        let parsed = RuleForm {
            name: name.unwrap_or_default(),
            enabled: self.enabled,
            categories: self.categories.into_iter().collect(),
            customers,
            computers: Computers {
                scope: self.computers.scope,
                names,
            },
            recipients,
            customer_contacts: self.customer_contacts,
            webhook_url,
        };
        v.finish().map(|()| parsed)
    }
}

// ---------------------------------------------------------------------------------------
// Webhook addresses
// ---------------------------------------------------------------------------------------

/// Why an address may not be called, if it may not: loopback, private, link-local, the
/// cloud metadata service, and other addresses that do not lead to the internet.
/// `allow_loopback` admits loopback only (local tests).
pub fn forbidden_address(ip: IpAddr, allow_loopback: bool) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4, allow_loopback),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return forbidden_v4(v4, allow_loopback);
            }
            let seg = v6.segments();
            if v6.is_loopback() {
                (!allow_loopback).then_some("a loopback address")
            } else if v6 == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254) {
                Some("the metadata service")
            } else if v6.is_unspecified() || v6.is_multicast() {
                Some("not a host address")
            } else if seg[0] & 0xfe00 == 0xfc00 {
                Some("a private address")
            } else if seg[0] & 0xffc0 == 0xfe80 {
                Some("a link-local address")
            } else if seg[0] == 0x64 && seg[1] == 0xff9b {
                // NAT64 embeds an IPv4 address in the last 32 bits.
                forbidden_v4(
                    Ipv4Addr::new(
                        (seg[6] >> 8) as u8,
                        seg[6] as u8,
                        (seg[7] >> 8) as u8,
                        seg[7] as u8,
                    ),
                    allow_loopback,
                )
            } else {
                None
            }
        }
    }
}

fn forbidden_v4(ip: Ipv4Addr, allow_loopback: bool) -> Option<&'static str> {
    let o = ip.octets();
    if ip.is_loopback() {
        (!allow_loopback).then_some("a loopback address")
    } else if o == [169, 254, 169, 254] || o == [100, 100, 100, 200] {
        Some("the metadata service")
    } else if ip.is_link_local() {
        Some("a link-local address")
    } else if ip.is_private() || (o[0] == 100 && (o[1] & 0xc0) == 64) {
        Some("a private address")
    } else if ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || o[0] == 0
        || o[0] >= 240
    {
        Some("not a host address")
    } else {
        None
    }
}

/// A webhook URL the console may call: HTTPS (plain HTTP only to loopback when
/// `allow_loopback`), no credentials, and a host that is not a forbidden address or a
/// local name. Names are resolved again at each call, and every address they resolve
/// to is checked the same way.
pub fn webhook_url(raw: &str, allow_loopback: bool) -> Result<String, String> {
    let raw = raw.trim();
    if raw.len() > 2000 {
        return Err("must be at most 2000 characters".into());
    }
    let url = url::Url::parse(raw).map_err(|_| "must be an absolute https:// URL".to_string())?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not carry a user name or password".into());
    }
    let host = url.host().ok_or_else(|| "must name a host".to_string())?;
    let literal = match host {
        url::Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
        url::Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
        url::Host::Domain(name) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            if name == "localhost"
                || name.ends_with(".localhost")
                || name.ends_with(".local")
                || name.ends_with(".internal")
                || !name.contains('.')
            {
                return Err("must be a public host name".into());
            }
            None
        }
    };
    let loopback_literal = literal.is_some_and(|ip| ip.is_loopback());
    match url.scheme() {
        "https" => {}
        "http" if allow_loopback && loopback_literal => {}
        _ => return Err("must be an https:// URL".into()),
    }
    if let Some(ip) = literal {
        if let Some(why) = forbidden_address(ip, allow_loopback) {
            return Err(format!("must not point to {why}"));
        }
    }
    Ok(url.to_string())
}

// ---------------------------------------------------------------------------------------
// Signatures and retries
// ---------------------------------------------------------------------------------------

/// The webhook signature: `v1=` and the hex HMAC-SHA256, keyed by the rule's secret, of
/// `<timestamp>.<body>` (the timestamp in Unix seconds, as sent in its header).
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let tag = mac.finalize().into_bytes();
    format!(
        "v1={}",
        tag.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}

/// What a receiver does: the signature must match (compared in constant time) and the
/// timestamp be within `SIGNATURE_TOLERANCE_SECS` of `now`.
pub fn verify(secret: &str, timestamp: &str, body: &[u8], signature: &str, now: i64) -> bool {
    let Ok(ts) = timestamp.parse::<i64>() else {
        return false;
    };
    if (now - ts).abs() > SIGNATURE_TOLERANCE_SECS {
        return false;
    }
    let Some(hex) = signature.strip_prefix("v1=") else {
        return false;
    };
    let Some(bytes) = (0..hex.len())
        .step_by(2)
        .map(|i| {
            hex.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect::<Option<Vec<u8>>>()
    else {
        return false;
    };
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(ts.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.verify_slice(&bytes).is_ok()
}

/// When to try again after failed attempt number `attempt` (1-based): 1 minute, 5, 30,
/// then 2 hours; `None` once `MAX_ATTEMPTS` have failed (the delivery is dead-lettered).
pub fn retry_delay(attempt: u32) -> Option<Duration> {
    match attempt {
        1 => Some(Duration::minutes(1)),
        2 => Some(Duration::minutes(5)),
        3 => Some(Duration::minutes(30)),
        4 => Some(Duration::hours(2)),
        _ => None,
    }
}

/// Whether a failed call is worth repeating: no answer, a server error, 408 or 429.
/// Other client errors say the receiver refuses the call as it is.
pub fn retryable(status: Option<u16>) -> bool {
    match status {
        None => true,
        Some(s) => s >= 500 || s == 408 || s == 429,
    }
}

// ---------------------------------------------------------------------------------------
// Who hears of an alert
// ---------------------------------------------------------------------------------------

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "camelCase")]
pub enum Channel {
    Email,
    Sms,
    Webhook,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "sms",
            Self::Webhook => "webhook",
        }
    }
}

/// One message to send for an alert.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Planned {
    pub rule: RuleId,
    pub channel: Channel,
    /// An email address, an E.164 number or the webhook URL.
    pub target: String,
}

/// What the notifier knows about the people and the customer an alert concerns.
pub struct Audience<'a> {
    /// The partner's users, each with the customers their role lets them see.
    pub users: &'a [(User, Visibility)],
    /// The customer's account, when the alert concerns one.
    pub customer: Option<&'a Customer>,
}

/// Every message an alert causes: for each enabled rule it matches, each recipient who
/// may see the alert's customer, at each of their contact preferences (their login
/// email when they have none); the customer's contact when the rule asks and the partner
/// shares communications with the customer; and the rule's webhook. The same address is
/// told once, under the first rule that reaches it.
pub fn plan(rules: &[Rule], alert: &Alert, audience: &Audience<'_>) -> Vec<Planned> {
    let mut seen: BTreeSet<(Channel, String)> = BTreeSet::new();
    let mut out = Vec::new();
    let mut push = |rule: &RuleId, channel: Channel, target: String| {
        if seen.insert((channel, target.to_ascii_lowercase())) {
            out.push(Planned {
                rule: rule.clone(),
                channel,
                target,
            });
        }
    };
    for rule in rules.iter().filter(|r| r.matches(alert)) {
        for (user, visibility) in audience.users.iter().filter(|(u, _)| rule.reaches(u)) {
            if alert
                .customer_id
                .as_ref()
                .is_some_and(|c| !visibility.sees(c))
            {
                continue;
            }
            if user.contacts.is_empty() {
                push(&rule.id, Channel::Email, user.email.as_str().to_string());
            }
            for c in &user.contacts {
                let channel = match c.kind {
                    ContactType::Email => Channel::Email,
                    ContactType::Sms => Channel::Sms,
                };
                push(&rule.id, channel, c.address.clone());
            }
        }
        if rule.customer_contacts {
            if let Some(c) = audience.customer {
                if c.communications == Communications::Shared
                    && Some(&c.id) == alert.customer_id.as_ref()
                {
                    push(&rule.id, Channel::Email, c.contact.email.clone());
                }
            }
        }
        if let Some(w) = &rule.webhook {
            push(&rule.id, Channel::Webhook, w.url.clone());
        }
    }
    out
}

/// The webhook body (`docs/api.md` documents it): what happened, and the alert.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookPayload {
    /// `alert.raised`, or `alert.test` for the rule's "Send test".
    #[serde(rename = "type")]
    pub kind: String,
    /// The delivery's id: the same on every retry of one delivery.
    pub delivery_id: String,
    #[schema(value_type = String)]
    pub rule_id: RuleId,
    pub rule_name: String,
    pub sent_at: DateTime<Utc>,
    pub alert: Alert,
    /// The alert in the console.
    pub link: String,
}

/// The text of an alert's email and SMS.
pub fn message_text(alert: &Alert, link: &str) -> (String, String, String) {
    let subject = format!(
        "[{}] {}",
        match alert.severity {
            Severity::Error => "Error",
            Severity::Warning => "Warning",
            Severity::Informational => "Informational",
        },
        alert.subject
    );
    let email = format!(
        "{}\n\nType: {}\nSeverity: {}\n{}{}Raised: {}\n\n{}\n\nOpen the alert: {link}\n\nYou receive this because an alert notification rule names you. Change the rules under Administration > Alert Notifications.\n",
        alert.subject,
        alert.kind.label(),
        severity_name(alert.severity),
        alert
            .customer_name
            .as_deref()
            .map(|c| format!("Customer: {c}\n"))
            .unwrap_or_default(),
        alert
            .computer
            .as_deref()
            .map(|c| format!("Computer: {c}\n"))
            .unwrap_or_default(),
        alert.raised_at.format("%Y-%m-%d %H:%M UTC"),
        alert.body,
    );
    let mut sms = format!("{} {}", subject, link);
    if sms.chars().count() > 300 {
        sms = sms.chars().take(300).collect();
    }
    (subject, email, sms)
}

#[cfg(test)]
mod tests;
