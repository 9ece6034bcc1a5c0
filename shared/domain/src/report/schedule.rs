//! Report templates and schedules (the guide's Tables 3-2 and 3-3): what a saved wizard
//! holds, how often a schedule fires and the EventBridge Scheduler expression that says
//! so, the last full calendar period a scheduled report covers, and who receives a
//! report by email (the wizard's Delivery step).

use chrono::{DateTime, Datelike, Duration, NaiveDate, Timelike, Utc, Weekday};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Format, ReportOptions, ReportType};
use crate::{EmailAddress, FieldError, PartnerId, ScheduleId, TemplateId, UserId, Validation};

/// At most this many addresses outside the partner's users receive one report.
pub const MAX_EXTERNAL_RECIPIENTS: usize = 20;
/// At most this many of the partner's users receive one report.
pub const MAX_USER_RECIPIENTS: usize = 100;
/// A partner's saved templates and schedules, each.
pub const MAX_TEMPLATES: usize = 200;
pub const MAX_SCHEDULES: usize = 100;

/// The wizard's "How Often".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum Frequency {
    Daily,
    Weekly,
    Monthly,
    Quarterly,
}

impl Frequency {
    pub const ALL: [Frequency; 4] = [
        Frequency::Daily,
        Frequency::Weekly,
        Frequency::Monthly,
        Frequency::Quarterly,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Frequency::Daily => "Daily",
            Frequency::Weekly => "Weekly",
            Frequency::Monthly => "Monthly",
            Frequency::Quarterly => "Quarterly",
        }
    }

    /// The EventBridge Scheduler expression that fires at `hour`:00 GMT: every day;
    /// Mondays; the first of the month; the first of January, April, July and October.
    pub fn expression(self, hour: u8) -> String {
        match self {
            Frequency::Daily => format!("cron(0 {hour} * * ? *)"),
            Frequency::Weekly => format!("cron(0 {hour} ? * MON *)"),
            Frequency::Monthly => format!("cron(0 {hour} 1 * ? *)"),
            Frequency::Quarterly => format!("cron(0 {hour} 1 1,4,7,10 ? *)"),
        }
    }

    /// The last full calendar period (GMT) before `at`, whole days, both included:
    /// yesterday; last Monday to Sunday; last month; last quarter. A schedule firing
    /// late or twice for the same occasion computes the same period.
    pub fn last_full_period(self, at: DateTime<Utc>) -> (NaiveDate, NaiveDate) {
        let today = at.date_naive();
        let yesterday = today - Duration::days(1);
        match self {
            Frequency::Daily => (yesterday, yesterday),
            Frequency::Weekly => {
                let this_monday =
                    today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
                (
                    this_monday - Duration::days(7),
                    this_monday - Duration::days(1),
                )
            }
            Frequency::Monthly => {
                let first = first_of_month(today.year(), today.month());
                let last = first - Duration::days(1);
                (first_of_month(last.year(), last.month()), last)
            }
            Frequency::Quarterly => {
                let quarter_month = (today.month() - 1) / 3 * 3 + 1;
                let first = first_of_month(today.year(), quarter_month);
                let last = first - Duration::days(1);
                let previous_month = (last.month() - 1) / 3 * 3 + 1;
                (first_of_month(last.year(), previous_month), last)
            }
        }
    }

    /// The next moment after `after` this frequency fires at `hour` GMT.
    pub fn next_after(self, hour: u8, after: DateTime<Utc>) -> DateTime<Utc> {
        let cron = Cron::parse(&self.expression(hour)).expect("our own expressions parse");
        cron.next_after(after)
            .expect("every frequency fires within a year")
    }
}

fn first_of_month(year: i32, month: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, 1).expect("the first of a month exists")
}

/// The subset of EventBridge Scheduler's `cron(minutes hours day-of-month month
/// day-of-week year)` the console writes: numbers, lists, `*`, `?` and day names. The
/// local scheduler reads schedules back from the Scheduler API and fires them by it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cron {
    minutes: Field,
    hours: Field,
    days: Field,
    months: Field,
    weekdays: Field,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Field {
    Any,
    Values(Vec<u32>),
}

impl Field {
    fn parse(s: &str, min: u32, max: u32, names: &[&str]) -> Result<Field, String> {
        if s == "*" || s == "?" {
            return Ok(Field::Any);
        }
        let mut values = Vec::new();
        for part in s.split(',') {
            let v = match names.iter().position(|n| n.eq_ignore_ascii_case(part)) {
                Some(i) => i as u32 + min,
                None => part
                    .parse::<u32>()
                    .map_err(|_| format!("{part:?} is not a number or a name"))?,
            };
            if !(min..=max).contains(&v) {
                return Err(format!("{v} is outside {min}–{max}"));
            }
            values.push(v);
        }
        Ok(Field::Values(values))
    }

    fn matches(&self, v: u32) -> bool {
        match self {
            Field::Any => true,
            Field::Values(vs) => vs.contains(&v),
        }
    }
}

impl Cron {
    pub fn parse(expression: &str) -> Result<Cron, String> {
        let inner = expression
            .strip_prefix("cron(")
            .and_then(|e| e.strip_suffix(')'))
            .ok_or_else(|| format!("{expression:?} is not a cron(...) expression"))?;
        let fields: Vec<&str> = inner.split_whitespace().collect();
        let [minutes, hours, days, months, weekdays, year] = fields[..] else {
            return Err(format!("{expression:?} does not have six fields"));
        };
        if year != "*" {
            return Err(format!("{expression:?}: only every year (*) is understood"));
        }
        Ok(Cron {
            minutes: Field::parse(minutes, 0, 59, &[])?,
            hours: Field::parse(hours, 0, 23, &[])?,
            days: Field::parse(days, 1, 31, &[])?,
            months: Field::parse(months, 1, 12, &[])?,
            // EventBridge numbers the days 1 (Sunday) to 7 (Saturday).
            weekdays: Field::parse(
                weekdays,
                1,
                7,
                &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"],
            )?,
        })
    }

    /// Whether the expression fires in the minute that holds `at`.
    pub fn fires_in_minute(&self, at: DateTime<Utc>) -> bool {
        let weekday = at.weekday().num_days_from_sunday() + 1;
        self.minutes.matches(at.minute())
            && self.hours.matches(at.hour())
            && self.days.matches(at.day())
            && self.months.matches(at.month())
            && self.weekdays.matches(weekday)
    }

    /// The first whole minute after `after` in which it fires (within 400 days).
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let start = after.with_second(0)?.with_nanosecond(0)? + Duration::minutes(1);
        // Day by day, then the hours and minutes of a matching day.
        let mut day = start.date_naive();
        for _ in 0..400 {
            let midnight = day.and_hms_opt(0, 0, 0)?.and_utc();
            if self.days.matches(day.day())
                && self.months.matches(day.month())
                && self
                    .weekdays
                    .matches(day.weekday().num_days_from_sunday() + 1)
            {
                for hour in 0..24 {
                    if !self.hours.matches(hour) {
                        continue;
                    }
                    for minute in 0..60 {
                        let t = midnight + Duration::minutes(i64::from(hour * 60 + minute));
                        if t >= start && self.minutes.matches(minute) {
                            return Some(t);
                        }
                    }
                }
            }
            day = day.succ_opt()?;
        }
        None
    }
}

/// Who receives a report by email. The partner's users receive a link to the report in
/// the console (or the file, with `attach`); any other address only with `attach`, as
/// the guide says: a person without a login cannot open a link into the console.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = ReportDelivery)]
pub struct Delivery {
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub users: Vec<UserId>,
    /// Addresses outside the partner's users.
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub emails: Vec<EmailAddress>,
    /// "Email the report as an attached file".
    #[serde(default)]
    pub attach: bool,
}

impl Delivery {
    pub fn is_empty(&self) -> bool {
        self.users.is_empty() && self.emails.is_empty()
    }
}

/// Checks the Delivery step as it came, `field` naming it in errors (`delivery`): each
/// address a real mailbox (no line breaks or display names), nobody twice, other
/// addresses only with `attach`, and both lists bounded. Whether each user is one of
/// the partner's is for the caller, who can read them.
pub fn check_delivery(
    field: &str,
    users: &[String],
    emails: &[String],
    attach: bool,
) -> Result<Delivery, Vec<FieldError>> {
    let mut v = Validation::new();
    if users.len() > MAX_USER_RECIPIENTS {
        v.error(
            format!("{field}.users"),
            format!("at most {MAX_USER_RECIPIENTS} users receive a report"),
        );
    }
    if emails.len() > MAX_EXTERNAL_RECIPIENTS {
        v.error(
            format!("{field}.emails"),
            format!("at most {MAX_EXTERNAL_RECIPIENTS} other addresses receive a report"),
        );
    } else if !emails.is_empty() && !attach {
        v.error(
            format!("{field}.emails"),
            "only the partner's users can open a report in the console: check \"Email the \
             report as an attached file\" to send it to other addresses",
        );
    }
    let mut chosen_users: Vec<UserId> = Vec::new();
    for (i, u) in users.iter().enumerate().take(MAX_USER_RECIPIENTS) {
        match UserId::parse(u) {
            Ok(id) if chosen_users.contains(&id) => {
                v.error(format!("{field}.users[{i}]"), "is chosen twice")
            }
            Ok(id) => chosen_users.push(id),
            Err(m) => v.error(format!("{field}.users[{i}]"), m),
        }
    }
    let mut chosen_emails: Vec<EmailAddress> = Vec::new();
    for (i, e) in emails.iter().enumerate().take(MAX_EXTERNAL_RECIPIENTS) {
        let parsed = if e.chars().any(char::is_control) {
            Err("must be one address, without line breaks".to_string())
        } else {
            EmailAddress::parse(e)
        };
        match parsed {
            Ok(a) if chosen_emails.contains(&a) => {
                v.error(format!("{field}.emails[{i}]"), "is chosen twice")
            }
            Ok(a) => chosen_emails.push(a),
            Err(m) => v.error(format!("{field}.emails[{i}]"), m),
        }
    }
    v.finish()?;
    Ok(Delivery {
        users: chosen_users,
        emails: chosen_emails,
        attach,
    })
}

/// A saved wizard (Table 3-2): a report's type, data and formats, to make again or to
/// schedule. Its period is the one "Generate Report" uses; a schedule replaces it with
/// the last full period of its frequency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReportTemplate {
    /// `tpl_…`.
    #[schema(value_type = String)]
    pub id: TemplateId,
    pub name: String,
    #[serde(rename = "type")]
    pub report_type: ReportType,
    pub formats: Vec<Format>,
    pub options: ReportOptions,
    /// Every customer the report's requester may read when a report is made (the
    /// customers in `options` are then ignored); the automatic reports use it.
    #[serde(default)]
    pub all_customers: bool,
    /// One of the console's own: the weekly MSP Executive Summary and the monthly
    /// Service Utilization and Billing report every partner gets.
    #[serde(default)]
    pub automatic: bool,
    #[schema(value_type = String)]
    pub created_by: UserId,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// "Generated Date": when a report was first made from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_generated_at: Option<DateTime<Utc>>,
    pub version: u64,
}

/// Where a schedule stands against its EventBridge Scheduler schedule. A schedule is
/// written `Pending` before its EventBridge schedule is made and `Active` after; a
/// delete marks it `Deleting` first. The scheduler tick finishes what a failure left
/// half done (see `docs/reports.md`, "Schedules").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum ScheduleState {
    Pending,
    Active,
    Deleting,
}

/// A scheduled report (Table 3-3): a template made every day, week, month or quarter at
/// an hour (GMT) for the last full period, and emailed to the delivery's recipients.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReportSchedule {
    /// `sch_…`; also the name of its EventBridge Scheduler schedule.
    #[schema(value_type = String)]
    pub id: ScheduleId,
    pub name: String,
    #[schema(value_type = String)]
    pub template_id: TemplateId,
    pub frequency: Frequency,
    /// The hour it runs at, GMT (0–23).
    pub hour: u8,
    #[serde(default)]
    pub delivery: Delivery,
    pub state: ScheduleState,
    /// Whose access the reports are made with: the user who saved it (for the automatic
    /// reports, the partner's first administrator).
    #[schema(value_type = String)]
    pub owner: UserId,
    pub owner_name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: u64,
    /// The report its latest run made (Home's Quick Tasks link to it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub last_report_id: Option<crate::ReportId>,
}

/// The hour (GMT) the automatic reports run at.
pub const AUTOMATIC_HOUR: u8 = 6;

/// A stable id for one of a partner's automatic records: the same partner and kind give
/// the same id, so creating them again finds them made.
fn derived(partner: &PartnerId, kind: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{partner}\n{kind}").as_bytes());
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// The reports every partner gets without asking (the guide: the MSP Executive Summary
/// runs once a week, the Service Utilization and Billing report once a month): a template
/// of all customers and its schedule each, owned by `owner`, emailed to nobody until the
/// partner adds recipients.
pub fn automatic(
    partner: &PartnerId,
    owner: &UserId,
    owner_name: &str,
    now: DateTime<Utc>,
) -> Vec<(ReportTemplate, ReportSchedule)> {
    use crate::telemetry::Range;
    [
        (
            "msp-weekly",
            ReportType::MspExecutiveSummary,
            vec![Format::Pdf],
            Range::Week,
            Frequency::Weekly,
            "MSP Executive Summary (weekly)",
        ),
        (
            "billing-monthly",
            ReportType::ServiceUtilizationBilling,
            vec![Format::Pdf, Format::Csv],
            Range::Month,
            Frequency::Monthly,
            "Service Utilization and Billing (monthly)",
        ),
    ]
    .into_iter()
    .map(|(kind, report_type, formats, range, frequency, name)| {
        let template = ReportTemplate {
            id: TemplateId::parse(&format!("{}{}", TemplateId::PREFIX, derived(partner, kind)))
                .expect("32 hex digits"),
            name: name.to_string(),
            report_type,
            formats,
            options: ReportOptions {
                period: super::Period::Last { range },
                customers: Vec::new(),
                computers: Default::default(),
                include_mac: false,
                report_by: Default::default(),
                active_users_only: false,
            },
            all_customers: true,
            automatic: true,
            created_by: owner.clone(),
            created_by_name: owner_name.to_string(),
            created_at: now,
            updated_at: now,
            first_generated_at: None,
            version: 1,
        };
        let schedule = ReportSchedule {
            id: ScheduleId::parse(&format!("{}{}", ScheduleId::PREFIX, derived(partner, kind)))
                .expect("32 hex digits"),
            name: name.to_string(),
            template_id: template.id.clone(),
            frequency,
            hour: AUTOMATIC_HOUR,
            delivery: Delivery::default(),
            state: ScheduleState::Pending,
            owner: owner.clone(),
            owner_name: owner_name.to_string(),
            created_at: now,
            updated_at: now,
            version: 1,
            last_report_id: None,
        };
        (template, schedule)
    })
    .collect()
}

/// Checks the hour a schedule starts at (GMT).
pub fn check_hour(hour: i64) -> Result<u8, String> {
    u8::try_from(hour)
        .ok()
        .filter(|h| *h < 24)
        .ok_or_else(|| "must be an hour from 0 to 23 (GMT)".to_string())
}

/// The moment the occasion a schedule fires for was due: `at` rounded down to the hour.
/// EventBridge Scheduler may deliver late or twice; both give the same occasion.
pub fn occasion(at: DateTime<Utc>) -> DateTime<Utc> {
    at.with_minute(0)
        .and_then(|t| t.with_second(0))
        .and_then(|t| t.with_nanosecond(0))
        .expect("the start of an hour exists")
}

/// The weekday name the console shows for a weekly schedule.
pub fn weekday_name(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

/// How the Scheduled Reports tab describes when a schedule runs, e.g. "Weekly, Mondays
/// at 06:00 GMT".
pub fn describe(frequency: Frequency, hour: u8) -> String {
    let when = match frequency {
        Frequency::Daily => "every day".to_string(),
        Frequency::Weekly => format!("{}s", weekday_name(Weekday::Mon)),
        Frequency::Monthly => "on the 1st".to_string(),
        Frequency::Quarterly => "on 1 Jan, 1 Apr, 1 Jul and 1 Oct".to_string(),
    };
    format!("{}, {when} at {hour:02}:00 GMT", frequency.title())
}

#[cfg(test)]
mod tests;
