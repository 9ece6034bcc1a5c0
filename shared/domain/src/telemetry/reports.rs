//! What the service reports.

use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum OsFamily {
    Windows,
    WindowsServer,
    Mac,
    Linux,
}

impl OsFamily {
    pub const ALL: [OsFamily; 4] = [
        OsFamily::Windows,
        OsFamily::WindowsServer,
        OsFamily::Mac,
        OsFamily::Linux,
    ];

    pub fn name(self) -> &'static str {
        match self {
            OsFamily::Windows => "windows",
            OsFamily::WindowsServer => "windowsServer",
            OsFamily::Mac => "mac",
            OsFamily::Linux => "linux",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum ProtectionStatus {
    /// The agent runs and protects the computer.
    Protected,
    /// The agent is installed but its protection is turned off.
    Disabled,
}

/// A computer's operating system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OperatingSystem {
    pub family: OsFamily,
    /// e.g. "Windows 11 Pro 23H2", "macOS 14.4".
    pub version: String,
}

/// One computer as the endpoint service reports it (inventory).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ComputerReport {
    /// The agent's id: 1–64 letters, digits, `.`, `_`, `:` or `-`.
    pub id: String,
    pub name: String,
    pub os: OperatingSystem,
    /// The group the computer is in on the customer's console.
    #[serde(default)]
    pub group: Option<String>,
    /// Dotted numbers, e.g. "22.4.1".
    pub agent_version: String,
    /// The date of the virus definitions the agent has.
    #[schema(value_type = String, format = Date)]
    pub definitions_date: NaiveDate,
    pub status: ProtectionStatus,
    /// Whether the computer's service is activated (has a seat).
    pub activated: bool,
    /// For Macs: whether the agent manages the computer. Ignored for other systems.
    #[serde(default)]
    pub managed: Option<bool>,
    pub last_seen: DateTime<Utc>,
    /// When the agent was installed; the first report's `lastSeen` when absent.
    #[serde(default)]
    pub installed_at: Option<DateTime<Utc>>,
    /// The computer was deleted from the customer's console.
    #[serde(default)]
    pub deleted: bool,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ComputerBatch {
    /// At most 500.
    pub computers: Vec<ComputerReport>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "camelCase")]
pub enum RiskAction {
    Blocked,
    Quarantined,
    Cleaned,
    /// The agent could not deal with the risk: the computer is still infected.
    Unresolved,
}

impl RiskAction {
    pub const ALL: [RiskAction; 4] = [
        RiskAction::Blocked,
        RiskAction::Quarantined,
        RiskAction::Cleaned,
        RiskAction::Unresolved,
    ];

    pub fn name(self) -> &'static str {
        match self {
            RiskAction::Blocked => "blocked",
            RiskAction::Quarantined => "quarantined",
            RiskAction::Cleaned => "cleaned",
            RiskAction::Unresolved => "unresolved",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum Direction {
    Inbound,
    Outbound,
}

/// What happened, by kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    deny_unknown_fields
)]
pub enum EventDetail {
    /// A virus or other risk was detected, and the agent took `action`.
    RiskDetection {
        risk: String,
        /// e.g. "Virus", "Trojan", "Adware".
        #[serde(default)]
        category: Option<String>,
        action: RiskAction,
        #[serde(default)]
        file: Option<String>,
    },
    /// Intrusion prevention blocked an attack.
    Intrusion {
        signature: String,
        #[serde(default)]
        source: Option<String>,
    },
    /// The firewall blocked traffic.
    Firewall {
        rule: String,
        direction: Direction,
        #[serde(default)]
        remote: Option<String>,
    },
}

/// One event as the endpoint service reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EventReport {
    /// Unique per customer and time: a replayed event is recognised by it.
    pub id: String,
    pub computer_id: String,
    #[serde(default)]
    pub computer_name: Option<String>,
    pub occurred_at: DateTime<Utc>,
    /// What happened: `{"type": "riskDetection" | "intrusion" | "firewall", …}`.
    pub detail: EventDetail,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EventBatch {
    /// At most 500.
    pub events: Vec<EventReport>,
}
