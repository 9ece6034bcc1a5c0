//! Reports: the 14 report types of the guide, their data options and formats, the
//! period a report covers, the stored report record, and the document every type
//! builds (`document`) from the data the worker gathers (`data`, `build`).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    locale::{fill, Language},
    telemetry::{day_start, Range},
    CustomerId, FieldError, PartnerId, UserId, Validation,
};

pub mod build;
pub mod data;
pub mod document;
pub mod logo;
pub mod schedule;

/// The most customers one report covers.
pub const MAX_CUSTOMERS: usize = 500;
/// The longest report name.
pub const MAX_NAME: usize = 100;
/// The longest custom period, in days.
pub const MAX_PERIOD_DAYS: i64 = 400;
/// How long a report's files are kept (the reports bucket's lifecycle rule).
pub const KEPT_DAYS: i64 = 90;

/// The report types of the guide's "Report types" table.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "camelCase")]
pub enum ReportType {
    CustomerExecutiveSummary,
    MspExecutiveSummary,
    ServiceUtilizationBilling,
    EndpointSummary,
    ProductDeploymentSummary,
    VirusRiskActivitySummary,
    IntrusionPreventionSummary,
    MacComputerSummary,
    ComputerStatusSummary,
    AlertHistory,
    SecurityAudit,
    FirewallHistory,
    RiskDetection,
    SecurityOverview,
}

/// Which of the wizard's data options a type offers (beside the period and the
/// customers, which every type has).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OptionSet {
    /// All computers / Active computers only.
    pub computers: bool,
    /// Include unmanaged Mac computers.
    pub mac: bool,
    /// Report by computers or by groups.
    pub report_by: bool,
    /// Active users only.
    pub active_users: bool,
}

impl ReportType {
    pub const ALL: [ReportType; 14] = [
        Self::CustomerExecutiveSummary,
        Self::MspExecutiveSummary,
        Self::ServiceUtilizationBilling,
        Self::EndpointSummary,
        Self::ProductDeploymentSummary,
        Self::VirusRiskActivitySummary,
        Self::IntrusionPreventionSummary,
        Self::MacComputerSummary,
        Self::ComputerStatusSummary,
        Self::AlertHistory,
        Self::SecurityAudit,
        Self::FirewallHistory,
        Self::RiskDetection,
        Self::SecurityOverview,
    ];

    /// The name the guide gives the type.
    pub fn title(self) -> &'static str {
        use ReportType::*;
        match self {
            CustomerExecutiveSummary => "Customer Executive Summary",
            MspExecutiveSummary => "MSP Executive Summary",
            ServiceUtilizationBilling => "Service Utilization and Billing",
            EndpointSummary => "Endpoint Summary",
            ProductDeploymentSummary => "Product Deployment Summary",
            VirusRiskActivitySummary => "Virus and Risk Activity Summary",
            IntrusionPreventionSummary => "Intrusion Prevention Summary",
            MacComputerSummary => "Mac Computer Summary",
            ComputerStatusSummary => "Computer Status Summary",
            AlertHistory => "Alert History",
            SecurityAudit => "Security Audit",
            FirewallHistory => "Firewall History",
            RiskDetection => "Risk Detection",
            SecurityOverview => "Security Overview",
        }
    }

    /// The wire name (`endpointSummary`), also the stem of file names.
    pub fn name(self) -> &'static str {
        use ReportType::*;
        match self {
            CustomerExecutiveSummary => "customerExecutiveSummary",
            MspExecutiveSummary => "mspExecutiveSummary",
            ServiceUtilizationBilling => "serviceUtilizationBilling",
            EndpointSummary => "endpointSummary",
            ProductDeploymentSummary => "productDeploymentSummary",
            VirusRiskActivitySummary => "virusRiskActivitySummary",
            IntrusionPreventionSummary => "intrusionPreventionSummary",
            MacComputerSummary => "macComputerSummary",
            ComputerStatusSummary => "computerStatusSummary",
            AlertHistory => "alertHistory",
            SecurityAudit => "securityAudit",
            FirewallHistory => "firewallHistory",
            RiskDetection => "riskDetection",
            SecurityOverview => "securityOverview",
        }
    }

    /// The data options the wizard offers for the type (the guide's "Depending on the
    /// report type").
    pub fn options(self) -> OptionSet {
        use ReportType::*;
        let (computers, mac, report_by, active_users) = match self {
            EndpointSummary | ComputerStatusSummary => (true, true, true, false),
            ProductDeploymentSummary => (true, false, false, false),
            VirusRiskActivitySummary
            | IntrusionPreventionSummary
            | FirewallHistory
            | RiskDetection => (true, false, true, false),
            SecurityAudit => (false, false, false, true),
            CustomerExecutiveSummary
            | MspExecutiveSummary
            | ServiceUtilizationBilling
            | MacComputerSummary
            | AlertHistory
            | SecurityOverview => (false, false, false, false),
        };
        OptionSet {
            computers,
            mac,
            report_by,
            active_users,
        }
    }

    /// The formats the type renders to: PDF and HTML always; CSV and XML for the types
    /// built around one table (the summaries are charts and figures).
    pub fn formats(self) -> &'static [Format] {
        use ReportType::*;
        match self {
            CustomerExecutiveSummary | MspExecutiveSummary | SecurityOverview => {
                &[Format::Pdf, Format::Html]
            }
            _ => &Format::ALL,
        }
    }

    /// Whether the type reads the partner's security audit trail (only roles that may
    /// read the trail may run it).
    pub fn reads_audit_trail(self) -> bool {
        self == ReportType::SecurityAudit
    }
}

/// A file format.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Pdf,
    Html,
    Csv,
    Xml,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Pdf, Format::Html, Format::Csv, Format::Xml];

    pub fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Html => "html",
            Format::Csv => "csv",
            Format::Xml => "xml",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Html => "text/html; charset=utf-8",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xml => "application/xml; charset=utf-8",
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.extension() == s)
    }
}

/// Which computers a report counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = ReportComputers)]
pub enum ComputerScope {
    /// Every computer, deleted ones included.
    #[default]
    All,
    /// Computers not deleted from the customer's console.
    Active,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum ReportBy {
    #[default]
    Computers,
    Groups,
}

/// The time a report covers: a range like the console's pages (ending when the report
/// is made), or whole days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Period {
    /// The last 24 hours, 7 days, 30 days or 3 months, as the console pages count them.
    Last { range: Range },
    /// Whole UTC days, both included.
    Days {
        #[schema(value_type = String, format = Date)]
        from: NaiveDate,
        #[schema(value_type = String, format = Date)]
        to: NaiveDate,
    },
}

/// A period made concrete at a moment: the first and last instant it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub from: DateTime<Utc>,
    /// Exclusive.
    pub to: DateTime<Utc>,
    /// Counted in hour buckets (the last 24 hours) rather than day buckets.
    pub hourly: bool,
}

impl Period {
    pub fn span(&self, now: DateTime<Utc>) -> Span {
        match *self {
            Period::Last { range } => Span {
                from: range.from(now),
                to: now,
                hourly: range == Range::Day,
            },
            Period::Days { from, to } => Span {
                from: day_start_of(from),
                to: day_start_of(to) + Duration::days(1),
                hourly: false,
            },
        }
    }

    /// How people read it, e.g. "Last 7 days (…)" or "1 Nov 2026 – 30 Nov 2026": the
    /// report documents' words.
    pub fn label(&self, now: DateTime<Utc>) -> String {
        self.label_in(Language::English, now)
    }

    /// [`Period::label`] in `lang` (a report's email).
    pub fn label_in(&self, lang: Language, now: DateTime<Utc>) -> String {
        let span = self.span(now);
        let last = span.to - Duration::seconds(1);
        let t = lang.text();
        let template = match self {
            Period::Last { range } => match range {
                Range::Day => t.period_last_day,
                Range::Week => t.period_last_week,
                Range::Month => t.period_last_month,
                Range::Quarter => t.period_last_quarter,
            },
            Period::Days { .. } => t.period_days,
        };
        fill(
            template,
            &[
                ("from", &lang.short_date(span.from.date_naive())),
                ("to", &lang.short_date(last.date_naive())),
            ],
        )
    }

    fn check(&self, now: DateTime<Utc>) -> Result<(), String> {
        if let Period::Days { from, to } = *self {
            if to < from {
                return Err("must end on or after the day it starts".into());
            }
            if (to - from).num_days() + 1 > MAX_PERIOD_DAYS {
                return Err(format!("must be at most {MAX_PERIOD_DAYS} days"));
            }
            if day_start_of(from) > day_start(now) {
                return Err("must not start in the future".into());
            }
        }
        Ok(())
    }
}

fn day_start_of(d: NaiveDate) -> DateTime<Utc> {
    d.and_hms_opt(0, 0, 0)
        .expect("midnight exists on every day")
        .and_utc()
}

/// What the wizard's Data Selection step chose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReportOptions {
    pub period: Period,
    /// At least one.
    #[schema(value_type = Vec<String>)]
    pub customers: Vec<CustomerId>,
    #[serde(default)]
    pub computers: ComputerScope,
    /// Include unmanaged Mac computers.
    #[serde(default)]
    pub include_mac: bool,
    #[serde(default)]
    pub report_by: ReportBy,
    /// Leave out the activity of suspended (disabled) users.
    #[serde(default)]
    pub active_users_only: bool,
}

/// A report request that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRequest {
    pub name: String,
    pub report_type: ReportType,
    pub formats: Vec<Format>,
    pub options: ReportOptions,
}

/// Checks a request as it came: the name, formats the type offers (at least one, each
/// once), at least one customer (each once, at most `MAX_CUSTOMERS`), a sane period,
/// and only the options the type offers. Options a type does not offer are refused
/// rather than ignored, so a caller never believes a report was filtered when it was
/// not.
pub fn check_request(
    name: &str,
    report_type: ReportType,
    formats: &[Format],
    options: ReportOptions,
    now: DateTime<Utc>,
) -> Result<ReportRequest, Vec<FieldError>> {
    let mut v = Validation::new();
    let name = v.text("name", name, MAX_NAME);
    if formats.is_empty() {
        v.error("formats", "choose at least one format");
    }
    let mut chosen: Vec<Format> = Vec::new();
    for (i, f) in formats.iter().enumerate() {
        if !report_type.formats().contains(f) {
            v.error(
                format!("formats[{i}]"),
                format!(
                    "{} is not offered for {}",
                    f.extension().to_uppercase(),
                    report_type.title()
                ),
            );
        } else if chosen.contains(f) {
            v.error(format!("formats[{i}]"), "is chosen twice");
        } else {
            chosen.push(*f);
        }
    }
    if options.customers.is_empty() {
        v.error("options.customers", "choose at least one customer");
    } else if options.customers.len() > MAX_CUSTOMERS {
        v.error(
            "options.customers",
            format!("a report covers at most {MAX_CUSTOMERS} customers"),
        );
    }
    for (i, c) in options.customers.iter().enumerate() {
        if options.customers[..i].contains(c) {
            v.error(format!("options.customers[{i}]"), "is chosen twice");
        }
    }
    if let Err(m) = options.period.check(now) {
        v.error("options.period", m);
    }
    let offered = report_type.options();
    if !offered.computers && options.computers != ComputerScope::default() {
        v.error("options.computers", "is not an option of this report type");
    }
    if !offered.mac && options.include_mac {
        v.error("options.includeMac", "is not an option of this report type");
    }
    if !offered.report_by && options.report_by != ReportBy::default() {
        v.error("options.reportBy", "is not an option of this report type");
    }
    if !offered.active_users && options.active_users_only {
        v.error(
            "options.activeUsersOnly",
            "is not an option of this report type",
        );
    }
    v.finish()?;
    chosen.sort();
    Ok(ReportRequest {
        name: name.expect("a name without an error is present"),
        report_type,
        formats: chosen,
        options,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum ReportStatus {
    Processing,
    Ready,
    Failed,
}

/// One rendered file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReportFile {
    pub format: Format,
    /// Bytes.
    pub size: u64,
    /// For PDFs, the number of pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<u32>,
}

/// A report as stored and listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// `rpt_…`.
    #[schema(value_type = String)]
    pub id: crate::ReportId,
    pub name: String,
    #[serde(rename = "type")]
    pub report_type: ReportType,
    pub formats: Vec<Format>,
    pub options: ReportOptions,
    pub status: ReportStatus,
    /// Why it failed, in words a person understands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
    /// The files, once ready.
    #[serde(default)]
    pub files: Vec<ReportFile>,
    #[schema(value_type = String)]
    pub requested_by: UserId,
    /// The requester's name or email, as the listing shows it.
    pub requested_by_name: String,
    pub requested_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<DateTime<Utc>>,
    /// When the files are removed by the bucket's lifecycle.
    pub expires_at: DateTime<Utc>,
    /// Recipients its email left out because their address bounced or marked the
    /// partner's mail as spam (see Mail suppressions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_emailed: Vec<String>,
}

/// How long a report may stay Processing before it is shown as failed: the worker's
/// time limit and every retry are over by then.
pub const PROCESSING_LIMIT_MINUTES: i64 = 30;

impl Report {
    /// The report as it stands at `now`: one still Processing long after every attempt
    /// must have ended is shown as Failed, so no report spins forever.
    pub fn as_seen(mut self, now: DateTime<Utc>) -> Report {
        if self.status == ReportStatus::Processing
            && now - self.requested_at > Duration::minutes(PROCESSING_LIMIT_MINUTES)
        {
            self.status = ReportStatus::Failed;
            self.failure = Some("The report took too long to make. Try again.".into());
        }
        self
    }

    /// The customers the report covers.
    pub fn customers(&self) -> &[CustomerId] {
        &self.options.customers
    }

    /// The object key of one of the report's files: under the partner, so a key never
    /// names another partner's report.
    pub fn file_key(partner: &PartnerId, id: &crate::ReportId, format: Format) -> String {
        format!("reports/{partner}/{id}.{}", format.extension())
    }

    /// The day the files expire: `KEPT_DAYS` after the request (the lifecycle rule
    /// counts from the object's creation, which is a little later).
    pub fn expiry(requested_at: DateTime<Utc>) -> DateTime<Utc> {
        requested_at + Duration::days(KEPT_DAYS)
    }
}

/// An RGB colour, written `#rrggbb`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String, example = "#1f4e79")]
pub struct Colour(pub [u8; 3]);

impl Colour {
    pub fn parse(s: &str) -> Result<Colour, String> {
        let hex = s
            .trim()
            .strip_prefix('#')
            .filter(|h| h.len() == 6 && h.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| "must be a colour written #rrggbb".to_string())?;
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).expect("checked hex digits");
        Ok(Colour([byte(0), byte(2), byte(4)]))
    }
}

impl TryFrom<String> for Colour {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Colour::parse(&s)
    }
}

impl From<Colour> for String {
    fn from(c: Colour) -> String {
        format!("#{:02x}{:02x}{:02x}", c.0[0], c.0[1], c.0[2])
    }
}

/// The stored logo: its object key and what the content check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredLogo {
    pub key: String,
    /// `image/png`, `image/jpeg` or `image/gif`, as the content check found.
    pub content_type: String,
    pub width: u32,
    pub height: u32,
    pub size: u64,
    pub uploaded_at: DateTime<Utc>,
}

/// Report Customization (the guide's "Customizing your reports"): the header font
/// colour, the theme colour and the logo of every report the partner makes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Branding {
    pub header_colour: Colour,
    pub theme_colour: Colour,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo: Option<StoredLogo>,
    /// 0 until first saved.
    #[serde(default)]
    pub version: u64,
}

impl Default for Branding {
    /// White text on a dark blue band, no logo.
    fn default() -> Self {
        Branding {
            header_colour: Colour([0xff, 0xff, 0xff]),
            theme_colour: Colour([0x1f, 0x4e, 0x79]),
            logo: None,
            version: 0,
        }
    }
}

impl Branding {
    /// A logo's object key: a new one per upload, under the partner.
    pub fn logo_key(partner: &PartnerId, extension: &str) -> String {
        format!(
            "logos/{partner}/{}.{extension}",
            uuid::Uuid::now_v7().simple()
        )
    }
}

#[cfg(test)]
mod tests;
