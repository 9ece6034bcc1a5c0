//! The cost model's arithmetic, pure: what one unit of activity uses ([`Usage`]), the
//! prices ([`PRICES`]), a partner's month at a size ([`Month`]), and dollars by service.

use std::ops::{Add, Mul};

/// What some activity used, by billing dimension. Counts are per unit of activity (per
/// sign-in, per page view, ...) until multiplied into a month.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Usage {
    pub api_requests: f64,
    pub lambda_invocations: f64,
    pub lambda_gb_seconds: f64,
    pub read_units: f64,
    pub write_units: f64,
    /// Of `write_units`, those of global secondary indexes.
    pub index_write_units: f64,
    pub s3_puts: f64,
    pub s3_gets: f64,
    /// Bytes put in S3 (reports), kept [`domain::report::KEPT_DAYS`].
    pub s3_put_bytes: f64,
    pub emails: f64,
    pub email_bytes: f64,
    pub events: f64,
    pub scheduler_invocations: f64,
    pub log_bytes: f64,
    pub traces: f64,
    /// Cognito monthly active users (a month's figure, not per activity).
    pub active_users: f64,
    /// DynamoDB storage, bytes (a month's figure).
    pub stored_bytes: f64,
}

impl Add for Usage {
    type Output = Usage;
    fn add(self, o: Usage) -> Usage {
        Usage {
            api_requests: self.api_requests + o.api_requests,
            lambda_invocations: self.lambda_invocations + o.lambda_invocations,
            lambda_gb_seconds: self.lambda_gb_seconds + o.lambda_gb_seconds,
            read_units: self.read_units + o.read_units,
            write_units: self.write_units + o.write_units,
            index_write_units: self.index_write_units + o.index_write_units,
            s3_puts: self.s3_puts + o.s3_puts,
            s3_gets: self.s3_gets + o.s3_gets,
            s3_put_bytes: self.s3_put_bytes + o.s3_put_bytes,
            emails: self.emails + o.emails,
            email_bytes: self.email_bytes + o.email_bytes,
            events: self.events + o.events,
            scheduler_invocations: self.scheduler_invocations + o.scheduler_invocations,
            log_bytes: self.log_bytes + o.log_bytes,
            traces: self.traces + o.traces,
            active_users: self.active_users + o.active_users,
            stored_bytes: self.stored_bytes + o.stored_bytes,
        }
    }
}

impl Usage {
    /// `self` less `o`, each figure at least zero: what one measurement adds over
    /// another (a difference of timings can come out below zero).
    pub fn less(self, o: Usage) -> Usage {
        let d = self + o * -1.0;
        let z = |v: f64| v.max(0.0);
        Usage {
            api_requests: z(d.api_requests),
            lambda_invocations: z(d.lambda_invocations),
            lambda_gb_seconds: z(d.lambda_gb_seconds),
            read_units: z(d.read_units),
            write_units: z(d.write_units),
            index_write_units: z(d.index_write_units),
            s3_puts: z(d.s3_puts),
            s3_gets: z(d.s3_gets),
            s3_put_bytes: z(d.s3_put_bytes),
            emails: z(d.emails),
            email_bytes: z(d.email_bytes),
            events: z(d.events),
            scheduler_invocations: z(d.scheduler_invocations),
            log_bytes: z(d.log_bytes),
            traces: z(d.traces),
            active_users: z(d.active_users),
            stored_bytes: z(d.stored_bytes),
        }
    }
}

impl Mul<f64> for Usage {
    type Output = Usage;
    fn mul(self, f: f64) -> Usage {
        Usage {
            api_requests: self.api_requests * f,
            lambda_invocations: self.lambda_invocations * f,
            lambda_gb_seconds: self.lambda_gb_seconds * f,
            read_units: self.read_units * f,
            write_units: self.write_units * f,
            index_write_units: self.index_write_units * f,
            s3_puts: self.s3_puts * f,
            s3_gets: self.s3_gets * f,
            s3_put_bytes: self.s3_put_bytes * f,
            emails: self.emails * f,
            email_bytes: self.email_bytes * f,
            events: self.events * f,
            scheduler_invocations: self.scheduler_invocations * f,
            log_bytes: self.log_bytes * f,
            traces: self.traces * f,
            active_users: self.active_users * f,
            stored_bytes: self.stored_bytes * f,
        }
    }
}

/// One on-demand price: us-east-1, arm64 Lambda.
#[derive(Debug, Clone, Copy)]
pub struct Price {
    pub service: &'static str,
    pub what: &'static str,
    pub usd: f64,
    pub per: &'static str,
    pub free_tier: &'static str,
    pub source: &'static str,
}

/// When the prices below were checked against their sources.
pub const PRICES_CHECKED: &str = "2026-12-05";

const GB: f64 = 1024.0 * 1024.0 * 1024.0;
const MILLION: f64 = 1e6;

pub const DYNAMODB_WRITE: Price = Price {
    service: "DynamoDB",
    what: "on-demand write request units",
    usd: 0.625,
    per: "million WRU",
    free_tier: "none for on-demand throughput",
    source: "https://aws.amazon.com/dynamodb/pricing/on-demand/ (halved from $1.25 on 2024-11-01)",
};
pub const DYNAMODB_READ: Price = Price {
    service: "DynamoDB",
    what: "on-demand read request units",
    usd: 0.125,
    per: "million RRU",
    free_tier: "none for on-demand throughput",
    source: "https://aws.amazon.com/dynamodb/pricing/on-demand/ (halved from $0.25 on 2024-11-01)",
};
pub const DYNAMODB_STORAGE: Price = Price {
    service: "DynamoDB",
    what: "storage (Standard table class)",
    usd: 0.25,
    per: "GB-month",
    free_tier: "first 25 GB-month",
    source: "https://aws.amazon.com/dynamodb/pricing/on-demand/",
};
pub const LAMBDA_REQUESTS: Price = Price {
    service: "Lambda",
    what: "requests",
    usd: 0.20,
    per: "million requests",
    free_tier: "1M requests a month",
    source: "https://aws.amazon.com/lambda/pricing/",
};
pub const LAMBDA_DURATION: Price = Price {
    service: "Lambda",
    what: "duration, Arm (first 7.5 billion GB-s a month)",
    usd: 0.000_013_333_4,
    per: "GB-second",
    free_tier: "400,000 GB-s a month",
    source: "https://aws.amazon.com/lambda/pricing/",
};
pub const HTTP_API: Price = Price {
    service: "API Gateway",
    what: "HTTP API requests (first 300 million a month)",
    usd: 1.00,
    per: "million requests",
    free_tier: "1M a month for 12 months",
    source: "https://aws.amazon.com/api-gateway/pricing/",
};
pub const S3_PUT: Price = Price {
    service: "S3",
    what: "PUT requests (Standard)",
    usd: 0.005,
    per: "1,000 requests",
    free_tier: "2,000 a month for 12 months",
    source: "https://aws.amazon.com/s3/pricing/",
};
pub const S3_GET: Price = Price {
    service: "S3",
    what: "GET requests (Standard)",
    usd: 0.0004,
    per: "1,000 requests",
    free_tier: "20,000 a month for 12 months",
    source: "https://aws.amazon.com/s3/pricing/",
};
pub const S3_STORAGE: Price = Price {
    service: "S3",
    what: "storage (Standard, first 50 TB)",
    usd: 0.023,
    per: "GB-month",
    free_tier: "5 GB for 12 months",
    source: "https://aws.amazon.com/s3/pricing/",
};
pub const SES_MESSAGES: Price = Price {
    service: "SES",
    what: "outbound messages",
    usd: 0.10,
    per: "1,000 messages",
    free_tier: "3,000 a month for 12 months",
    source: "https://aws.amazon.com/ses/pricing/",
};
pub const SES_ATTACHMENTS: Price = Price {
    service: "SES",
    what: "attachments (message bytes)",
    usd: 0.12,
    per: "GB",
    free_tier: "none",
    source: "https://aws.amazon.com/ses/pricing/",
};
pub const EVENTBRIDGE_EVENTS: Price = Price {
    service: "EventBridge",
    what: "custom events published",
    usd: 1.00,
    per: "million events",
    free_tier: "none for custom events",
    source: "https://aws.amazon.com/eventbridge/pricing/",
};
pub const SCHEDULER_INVOCATIONS: Price = Price {
    service: "EventBridge Scheduler",
    what: "invocations",
    usd: 1.00,
    per: "million invocations",
    free_tier: "14M a month",
    source: "https://aws.amazon.com/eventbridge/pricing/",
};
pub const LOGS_INGESTION: Price = Price {
    service: "CloudWatch",
    what: "Logs ingestion (Standard)",
    usd: 0.50,
    per: "GB",
    free_tier: "5 GB a month (ingestion, storage and scans together)",
    source: "https://aws.amazon.com/cloudwatch/pricing/",
};
pub const LOGS_STORAGE: Price = Price {
    service: "CloudWatch",
    what: "Logs storage (archived, compressed)",
    usd: 0.03,
    per: "GB-month",
    free_tier: "within the 5 GB above",
    source: "https://aws.amazon.com/cloudwatch/pricing/",
};
pub const ALARM: Price = Price {
    service: "CloudWatch",
    what: "standard-resolution alarm",
    usd: 0.10,
    per: "alarm-month",
    free_tier: "10 alarms",
    source: "https://aws.amazon.com/cloudwatch/pricing/",
};
pub const CUSTOM_METRIC: Price = Price {
    service: "CloudWatch",
    what: "custom metric (EMF; first 10,000)",
    usd: 0.30,
    per: "metric-month",
    free_tier: "10 metrics",
    source: "https://aws.amazon.com/cloudwatch/pricing/",
};
pub const XRAY_TRACES: Price = Price {
    service: "X-Ray",
    what: "traces recorded",
    usd: 5.00,
    per: "million traces",
    free_tier: "100,000 a month",
    source: "https://aws.amazon.com/xray/pricing/",
};
pub const SECRET: Price = Price {
    service: "Secrets Manager",
    what: "secret",
    usd: 0.40,
    per: "secret-month",
    free_tier: "30-day trial per secret",
    source: "https://aws.amazon.com/secrets-manager/pricing/",
};
pub const COGNITO_MAU: Price = Price {
    service: "Cognito",
    what: "monthly active users, Essentials tier (the default for new user pools)",
    usd: 0.015,
    per: "MAU",
    free_tier: "10,000 MAU a month",
    source: "https://aws.amazon.com/cognito/pricing/",
};

pub const PRICES: [Price; 20] = [
    DYNAMODB_WRITE,
    DYNAMODB_READ,
    DYNAMODB_STORAGE,
    LAMBDA_REQUESTS,
    LAMBDA_DURATION,
    HTTP_API,
    S3_PUT,
    S3_GET,
    S3_STORAGE,
    SES_MESSAGES,
    SES_ATTACHMENTS,
    EVENTBRIDGE_EVENTS,
    SCHEDULER_INVOCATIONS,
    LOGS_INGESTION,
    LOGS_STORAGE,
    ALARM,
    CUSTOM_METRIC,
    XRAY_TRACES,
    SECRET,
    COGNITO_MAU,
];

/// Months a log line is kept (the log groups' retention), for log storage.
pub const LOG_RETENTION_MONTHS: f64 = 1.0;
/// Logs are stored compressed; CloudWatch bills archived bytes after compression.
pub const LOG_COMPRESSION: f64 = 0.15;
/// Reports are kept [`domain::report::KEPT_DAYS`]: a month's reports are stored for
/// that many days, so a steady month stores that many days of reports.
pub fn report_storage_months() -> f64 {
    domain::report::KEPT_DAYS as f64 / 30.0
}

/// Dollars by line (service, what), for `u` used in a month.
pub fn dollars(u: &Usage) -> Vec<(&'static str, &'static str, f64)> {
    let per_million = |p: Price, n: f64| p.usd * n / MILLION;
    let per_thousand = |p: Price, n: f64| p.usd * n / 1000.0;
    vec![
        (
            "DynamoDB",
            "writes",
            per_million(DYNAMODB_WRITE, u.write_units),
        ),
        (
            "DynamoDB",
            "reads",
            per_million(DYNAMODB_READ, u.read_units),
        ),
        (
            "DynamoDB",
            "storage",
            DYNAMODB_STORAGE.usd * u.stored_bytes / GB,
        ),
        (
            "Lambda",
            "requests",
            per_million(LAMBDA_REQUESTS, u.lambda_invocations),
        ),
        (
            "Lambda",
            "duration",
            LAMBDA_DURATION.usd * u.lambda_gb_seconds,
        ),
        (
            "API Gateway",
            "requests",
            per_million(HTTP_API, u.api_requests),
        ),
        (
            "S3",
            "requests",
            per_thousand(S3_PUT, u.s3_puts) + per_thousand(S3_GET, u.s3_gets),
        ),
        (
            "S3",
            "storage",
            S3_STORAGE.usd * u.s3_put_bytes / GB * report_storage_months(),
        ),
        (
            "SES",
            "messages",
            per_thousand(SES_MESSAGES, u.emails) + SES_ATTACHMENTS.usd * u.email_bytes / GB,
        ),
        (
            "EventBridge",
            "events",
            per_million(EVENTBRIDGE_EVENTS, u.events),
        ),
        (
            "EventBridge Scheduler",
            "invocations",
            per_million(SCHEDULER_INVOCATIONS, u.scheduler_invocations),
        ),
        (
            "CloudWatch",
            "logs",
            LOGS_INGESTION.usd * u.log_bytes / GB
                + LOGS_STORAGE.usd * u.log_bytes * LOG_COMPRESSION / GB * LOG_RETENTION_MONTHS,
        ),
        ("X-Ray", "traces", per_million(XRAY_TRACES, u.traces)),
        ("Cognito", "active users", COGNITO_MAU.usd * u.active_users),
    ]
}

pub fn total(u: &Usage) -> f64 {
    dollars(u).iter().map(|(_, _, d)| d).sum()
}

/// One partner's month at a size: how many of each unit of activity.
#[derive(Debug, Clone, PartialEq)]
pub struct Month {
    pub computers: u64,
    pub customers: u64,
    pub users: u64,
    pub sign_ins: f64,
    pub page_views: f64,
    /// Inventory requests (each a customer's whole fleet), and the computers' reports
    /// they carry.
    pub inventory_requests: f64,
    pub computer_reports: f64,
    pub events: f64,
    pub alerts: f64,
    pub reports: f64,
    /// Customers summed over the month's reports (each report covers them all).
    pub report_customers: f64,
    pub scheduled_reports: f64,
    pub ticks: f64,
}

/// The stated monthly activity (docs/cost.md explains each figure).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Assumptions {
    pub computers_per_customer: u64,
    pub working_days: f64,
    pub page_views_per_user_day: f64,
    /// Minutes between a customer's inventory reports.
    pub inventory_minutes: f64,
    pub events_per_computer_day: f64,
    /// Alerts raised per event (measured from the simulated fleet's events).
    pub alerts_per_event: f64,
    pub on_demand_reports: f64,
    pub scheduled_reports: f64,
}

pub const DAYS: f64 = 30.0;
/// The scheduler's tick every 15 minutes.
pub const TICKS: f64 = DAYS * 24.0 * 4.0;

impl Assumptions {
    /// Users of a partner with `computers`: one for the smallest, then one more for each
    /// tenfold size.
    pub fn users(computers: u64) -> u64 {
        1 + (computers.max(1) as f64).log10().floor() as u64
    }

    pub fn month(&self, computers: u64) -> Month {
        let customers = computers.div_ceil(self.computers_per_customer).max(1);
        let users = Assumptions::users(computers);
        let events = computers as f64 * self.events_per_computer_day * DAYS;
        let reports = self.on_demand_reports + self.scheduled_reports;
        Month {
            computers,
            customers,
            users,
            sign_ins: users as f64 * self.working_days,
            page_views: users as f64 * self.working_days * self.page_views_per_user_day,
            inventory_requests: customers as f64 * DAYS * 24.0 * 60.0 / self.inventory_minutes,
            computer_reports: computers as f64 * DAYS * 24.0 * 60.0 / self.inventory_minutes,
            events,
            alerts: events * self.alerts_per_event,
            reports: self.on_demand_reports,
            report_customers: reports * customers as f64,
            scheduled_reports: self.scheduled_reports,
            ticks: TICKS,
        }
    }
}

/// What each unit of activity was measured to use.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Measured {
    pub sign_in: Usage,
    pub page_view: Usage,
    /// An inventory request's fixed part, and what each computer's report in it adds.
    pub inventory_request: Usage,
    pub computer_report: Usage,
    pub event: Usage,
    pub alert: Usage,
    /// An on-demand report's fixed part (the request, the worker, the files), and what
    /// each customer a report covers adds.
    pub report: Usage,
    pub report_per_customer: Usage,
    /// A scheduled run's fixed part (the Scheduler invocation, the worker, the files,
    /// the email).
    pub scheduled_report: Usage,
    /// One tick's cost with the partner's data over the empty stack's.
    pub tick_share: Usage,
    /// Stored bytes per computer (table and index copies).
    pub stored_bytes_per_computer: f64,
}

/// A partner's month, by activity, and in all.
pub fn partner_month(m: &Measured, month: &Month) -> Vec<(&'static str, Usage)> {
    let mut users = Usage::default();
    users.active_users = month.users as f64;
    users.stored_bytes = m.stored_bytes_per_computer * month.computers as f64;
    vec![
        ("sign-ins", m.sign_in * month.sign_ins),
        ("page views", m.page_view * month.page_views),
        (
            "inventory",
            m.inventory_request * month.inventory_requests
                + m.computer_report * month.computer_reports,
        ),
        ("events", m.event * month.events),
        ("alerts", m.alert * month.alerts),
        (
            "reports",
            m.report * month.reports
                + m.scheduled_report * month.scheduled_reports
                + m.report_per_customer * month.report_customers,
        ),
        ("scheduler tick (share)", m.tick_share * month.ticks),
        ("users and storage", users),
    ]
}

pub fn sum(parts: &[(&'static str, Usage)]) -> Usage {
    parts.iter().fold(Usage::default(), |a, (_, u)| a + *u)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_follows_the_stated_activity() {
        let a = Assumptions {
            computers_per_customer: 25,
            working_days: 22.0,
            page_views_per_user_day: 10.0,
            inventory_minutes: 10.0,
            events_per_computer_day: 1.0 / 3.0,
            alerts_per_event: 0.01,
            on_demand_reports: 4.0,
            scheduled_reports: 4.0,
        };
        assert_eq!(
            [10, 100, 1000].map(Assumptions::users),
            [2, 3, 4],
            "one user more per tenfold size"
        );
        let m = a.month(100);
        assert_eq!((m.customers, m.users), (4, 3));
        assert_eq!(m.sign_ins, 66.0);
        assert_eq!(m.page_views, 660.0);
        // Four customers, each every ten minutes for thirty days.
        assert_eq!(m.inventory_requests, 4.0 * 4320.0);
        assert_eq!(m.computer_reports, 100.0 * 4320.0);
        assert!((m.events - 1000.0).abs() < 1e-9);
        assert!((m.alerts - 10.0).abs() < 1e-9);
        assert_eq!(m.report_customers, 8.0 * 4.0);
        assert_eq!(a.month(10).customers, 1, "a small partner has one customer");
        assert_eq!(m.ticks, 2880.0);
    }

    #[test]
    fn dollars_are_the_usage_at_the_stated_prices() {
        let u = Usage {
            write_units: 2e6,
            read_units: 8e6,
            lambda_invocations: 1e6,
            lambda_gb_seconds: 1000.0,
            api_requests: 3e6,
            emails: 2000.0,
            log_bytes: GB,
            active_users: 10.0,
            ..Usage::default()
        };
        let d = dollars(&u);
        let line = |s: &str, w: &str| {
            d.iter()
                .find(|(a, b, _)| *a == s && *b == w)
                .map(|(_, _, v)| *v)
                .unwrap()
        };
        assert!((line("DynamoDB", "writes") - 1.25).abs() < 1e-9);
        assert!((line("DynamoDB", "reads") - 1.0).abs() < 1e-9);
        assert!((line("Lambda", "requests") - 0.2).abs() < 1e-9);
        assert!((line("Lambda", "duration") - 0.0133334).abs() < 1e-9);
        assert!((line("API Gateway", "requests") - 3.0).abs() < 1e-9);
        assert!((line("SES", "messages") - 0.2).abs() < 1e-9);
        // Ingestion, and a month of the compressed bytes kept.
        assert!((line("CloudWatch", "logs") - (0.5 + 0.03 * LOG_COMPRESSION)).abs() < 1e-9);
        assert!((line("Cognito", "active users") - 0.15).abs() < 1e-9);
        assert!((total(&u) - d.iter().map(|l| l.2).sum::<f64>()).abs() < 1e-12);
    }

    #[test]
    fn a_partner_month_multiplies_each_unit_by_its_count() {
        let one = |w: f64| Usage {
            write_units: w,
            api_requests: 1.0,
            ..Usage::default()
        };
        let m = Measured {
            sign_in: one(1.0),
            page_view: one(2.0),
            inventory_request: one(10.0),
            computer_report: one(0.5),
            event: one(5.0),
            alert: one(3.0),
            report: one(7.0),
            report_per_customer: one(1.0),
            scheduled_report: one(0.5),
            tick_share: one(0.25),
            stored_bytes_per_computer: 1000.0,
        };
        let month = Month {
            computers: 50,
            customers: 2,
            users: 2,
            sign_ins: 4.0,
            page_views: 40.0,
            inventory_requests: 100.0,
            computer_reports: 1000.0,
            events: 20.0,
            alerts: 1.0,
            reports: 2.0,
            report_customers: 6.0,
            scheduled_reports: 1.0,
            ticks: 4.0,
        };
        let parts = partner_month(&m, &month);
        let all = sum(&parts);
        let expected = 4.0 + 80.0 + (1000.0 + 500.0) + 100.0 + 3.0 + (7.0 * 2.0 + 0.5 + 6.0) + 1.0;
        assert!((all.write_units - expected).abs() < 1e-9, "{all:?}");
        assert_eq!(all.active_users, 2.0);
        assert_eq!(all.stored_bytes, 50_000.0);
        assert_eq!(
            all.api_requests,
            4.0 + 40.0 + (100.0 + 1000.0) + 20.0 + 1.0 + (2.0 + 1.0 + 6.0) + 4.0
        );
    }

    #[test]
    fn a_difference_never_goes_below_zero() {
        let a = Usage {
            write_units: 5.0,
            lambda_gb_seconds: 0.1,
            ..Usage::default()
        };
        let b = Usage {
            write_units: 2.0,
            lambda_gb_seconds: 0.3,
            ..Usage::default()
        };
        let d = a.less(b);
        assert_eq!((d.write_units, d.lambda_gb_seconds), (3.0, 0.0));
    }
}
