//! Configuration read once from the environment at start-up.
//!
//! Every setting has a name documented in `docs/operations.md`; locally the values come
//! from the env file the local stack writes, in AWS from `template.yaml`.

use std::{env, path::PathBuf, time::Duration};

#[derive(Debug, thiserror::Error)]
#[error("configuration: {0}")]
pub struct ConfigError(String);

impl ConfigError {
    pub fn new(message: impl Into<String>) -> Self {
        ConfigError(message.into())
    }
}

/// Where outgoing mail goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailMode {
    /// Send through Amazon SES.
    Ses,
    /// Write `.eml` files into a folder, for local development.
    Outbox(PathBuf),
}

/// Where domain events go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventMode {
    /// Put events on an EventBridge bus.
    EventBridge { bus_name: String },
    /// Invoke the target function directly on cargo-lambda's invoke endpoint. `routes`
    /// maps an event's detail type to the function its EventBridge rule targets.
    Local {
        invoke_url: String,
        routes: Vec<(String, String)>,
    },
}

pub use domain::rate_limit::Limit;

#[derive(Debug, Clone)]
pub struct Config {
    pub region: String,
    pub table_name: String,
    pub user_pool_id: String,
    pub user_pool_client_id: String,
    /// The `iss` claim tokens must carry: the real Cognito URL, even under moto.
    pub token_issuer: String,
    /// Where the pool's signing keys are published; differs from the issuer under moto.
    pub jwks_url: String,
    pub reports_bucket: String,
    /// Report Customization logos (`LOGOS_BUCKET`).
    pub logos_bucket: String,
    /// Path-style S3 addressing, which moto needs.
    pub s3_force_path_style: bool,
    pub mail: MailMode,
    pub mail_from: String,
    /// The SES configuration set every message names (`MAIL_CONFIGURATION_SET`): its
    /// event destination reports bounces and complaints. Unset, mail goes without one.
    pub mail_configuration_set: Option<String>,
    pub events: EventMode,
    /// The console's public address, used in links inside emails.
    pub console_url: String,
    /// Whether the refresh cookie carries `Secure` (always in AWS).
    pub secure_cookies: bool,
    /// The secret CloudFront adds to API requests (`x-origin-verify`); when it matches,
    /// the viewer's address in `x-viewer-ip` is the caller's. Unset locally.
    pub origin_verify: Option<String>,
    pub idempotency_ttl: Duration,
    pub sign_up_per_ip: Limit,
    pub sign_up_per_email: Limit,
    pub sign_in_per_ip: Limit,
    pub sign_in_per_email: Limit,
    /// Password reset requests per source IP (`RATE_RESET_PER_IP`) and per email
    /// (`RATE_RESET_PER_EMAIL`), whether or not the email is an account's.
    pub reset_per_ip: Limit,
    pub reset_per_email: Limit,
    /// How long a password reset link works (`RESET_LINK_MINUTES`).
    pub reset_link_ttl: Duration,
    /// Days a sign-up has to confirm its email before the tick removes it
    /// (`UNVERIFIED_SIGN_UP_DAYS`); its confirmation links work as long.
    pub unverified_sign_up_days: i64,
    /// Import requests one partner may make (`RATE_IMPORT_PER_PARTNER`, per day).
    pub import_per_partner: Limit,
    /// Import requests about one email, from all partners together
    /// (`RATE_IMPORT_PER_EMAIL`, per day): no partner can flood a customer.
    pub import_per_email: Limit,
    /// Bulk action calls one partner may make (`RATE_BULK_PER_PARTNER`, per minute).
    pub bulk_per_partner: Limit,
    /// Customers one partner's bulk actions may email (`RATE_BULK_MAIL_PER_PARTNER`, per
    /// hour): each customer of a welcome re-send or a management change counts once.
    pub bulk_mail_per_partner: Limit,
    /// How long one bulk call works through its customers before it answers the rest as
    /// not attempted (`BULK_TIME_BUDGET_MS`), when Lambda's deadline is not sooner.
    pub bulk_time_budget: Duration,
    /// Whether the deadline the Lambda runtime gives an invocation is real
    /// (`LAMBDA_DEADLINE`: `honour`, the default, or `ignore`). cargo-lambda's local
    /// emulator gives every invocation a deadline only seconds away that it does not
    /// enforce: the local stack sets `ignore`, so work bounded by the deadline (a bulk
    /// call) is bounded by its own budget there.
    pub honour_lambda_deadline: bool,
    /// ISO country codes whose customers need a trade-compliance review before paid
    /// products start (`RESTRICTED_COUNTRIES`, space- or comma-separated).
    pub restricted_countries: Vec<String>,
    /// How long a welcome (set your password) link works (`WELCOME_LINK_HOURS`).
    pub welcome_link_ttl: Duration,
    /// How long a consent request's link works (`CONSENT_LINK_HOURS`).
    pub consent_link_ttl: Duration,
    /// How long a "Manage customer" session lasts (`DELEGATION_MINUTES`).
    pub delegation_ttl: Duration,
    /// How many days raw telemetry events stay readable (`TELEMETRY_RETENTION_DAYS`).
    pub telemetry_retention_days: i64,
    /// The endpoint agent's current release (`AGENT_VERSION`): older agents need an
    /// update.
    pub agent_version: String,
    /// Days without a report after which a computer raises "computer offline"
    /// (`ALERT_OFFLINE_DAYS`).
    pub alert_offline_days: i64,
    /// Intrusions in one hour at one customer that raise "intrusion burst"
    /// (`ALERT_INTRUSION_BURST`).
    pub alert_intrusion_burst: i64,
    /// Lets webhooks call loopback addresses, over plain HTTP too
    /// (`WEBHOOK_ALLOW_LOOPBACK=true`): for local tests only, never in AWS.
    pub webhook_allow_loopback: bool,
    /// Where report schedules go (`SCHEDULE_GROUP` and the three ARNs with it); only the
    /// functions that keep schedules have it.
    pub schedules: Option<crate::schedules::ScheduleSettings>,
}

/// The report schedules' settings: all four variables, or none.
fn schedule_settings() -> Result<Option<crate::schedules::ScheduleSettings>, ConfigError> {
    let Ok(group) = env::var("SCHEDULE_GROUP") else {
        return Ok(None);
    };
    Ok(Some(crate::schedules::ScheduleSettings {
        group,
        target_arn: var("REPORT_WORKER_ARN")?,
        role_arn: var("SCHEDULER_ROLE_ARN")?,
        dead_letter_arn: var("SCHEDULE_DLQ_ARN")?,
    }))
}

/// The agent release the console counts as current unless `AGENT_VERSION` says otherwise.
pub const DEFAULT_AGENT_VERSION: &str = "22.4.1";

fn number(name: &str, default: u64) -> Result<u64, ConfigError> {
    let n = var_or(name, &default.to_string())
        .parse::<u64>()
        .map_err(|_| ConfigError(format!("{name} must be a number")))?;
    if n == 0 {
        return Err(ConfigError(format!("{name} must be positive")));
    }
    Ok(n)
}

/// Countries under embargo by default; operators set their own list.
pub const DEFAULT_RESTRICTED_COUNTRIES: &str = "CU IR KP SY";

/// Parses a list of ISO country codes separated by spaces or commas.
pub fn country_list(raw: &str) -> Vec<String> {
    raw.split([' ', ','])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_ascii_uppercase)
        .collect()
}

fn var(name: &str) -> Result<String, ConfigError> {
    env::var(name).map_err(|_| ConfigError(format!("{name} is not set")))
}

fn var_or(name: &str, default: &str) -> String {
    env::var(name).unwrap_or_else(|_| default.to_string())
}

fn limit(name: &str, default_limit: u32, default_window_secs: u64) -> Result<Limit, ConfigError> {
    // Written as "LIMIT/SECONDS", e.g. "10/3600".
    let raw = var_or(name, &format!("{default_limit}/{default_window_secs}"));
    let (l, w) = raw
        .split_once('/')
        .ok_or_else(|| ConfigError(format!("{name} must look like 10/3600")))?;
    let parse = |s: &str| {
        s.trim()
            .parse::<u64>()
            .map_err(|_| ConfigError(format!("{name} must look like 10/3600")))
    };
    let (limit, window) = (parse(l)?, parse(w)?);
    if limit == 0 || window == 0 || limit > u64::from(u32::MAX) {
        return Err(ConfigError(format!("{name} must be positive")));
    }
    Ok(Limit {
        limit: limit as u32,
        window: Duration::from_secs(window),
    })
}

/// Parses `DetailType=function,OtherType=other-function`.
fn event_routes(raw: &str) -> Result<Vec<(String, String)>, ConfigError> {
    raw.split(',')
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(|r| {
            r.split_once('=')
                .map(|(t, f)| (t.trim().to_string(), f.trim().to_string()))
                .ok_or_else(|| {
                    ConfigError(format!(
                        "LOCAL_EVENT_ROUTES entry {r:?} needs Type=function"
                    ))
                })
        })
        .collect()
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        let region = env::var("AWS_REGION")
            .or_else(|_| env::var("AWS_DEFAULT_REGION"))
            .unwrap_or_else(|_| "us-east-1".into());
        let user_pool_id = var("USER_POOL_ID")?;
        let token_issuer = format!("https://cognito-idp.{region}.amazonaws.com/{user_pool_id}");
        let jwks_url = var_or("JWKS_URL", &format!("{token_issuer}/.well-known/jwks.json"));
        let mail = match var_or("MAIL_MODE", "ses").as_str() {
            "ses" => MailMode::Ses,
            "outbox" => MailMode::Outbox(PathBuf::from(var("OUTBOX_DIR")?)),
            other => {
                return Err(ConfigError(format!(
                    "MAIL_MODE {other:?} is not ses or outbox"
                )))
            }
        };
        let events = match var_or("EVENT_MODE", "eventbridge").as_str() {
            "eventbridge" => EventMode::EventBridge {
                bus_name: var("EVENT_BUS_NAME")?,
            },
            "local" => EventMode::Local {
                invoke_url: var("LOCAL_INVOKE_URL")?,
                routes: event_routes(&var_or("LOCAL_EVENT_ROUTES", ""))?,
            },
            other => {
                return Err(ConfigError(format!(
                    "EVENT_MODE {other:?} is not eventbridge or local"
                )))
            }
        };
        let idempotency_hours = var_or("IDEMPOTENCY_TTL_HOURS", "24")
            .parse::<u64>()
            .map_err(|_| ConfigError("IDEMPOTENCY_TTL_HOURS must be a number".into()))?;
        Ok(Config {
            region,
            table_name: var("TABLE_NAME")?,
            user_pool_client_id: var("USER_POOL_CLIENT_ID")?,
            user_pool_id,
            token_issuer,
            jwks_url,
            reports_bucket: var("REPORTS_BUCKET")?,
            logos_bucket: var("LOGOS_BUCKET")?,
            s3_force_path_style: var_or("S3_FORCE_PATH_STYLE", "false") == "true",
            mail,
            mail_from: var("MAIL_FROM")?,
            mail_configuration_set: env::var("MAIL_CONFIGURATION_SET")
                .ok()
                .filter(|s| !s.is_empty()),
            events,
            console_url: var_or("CONSOLE_URL", "http://localhost:5173"),
            secure_cookies: var_or("SECURE_COOKIES", "true") != "false",
            origin_verify: env::var("ORIGIN_VERIFY").ok().filter(|s| s.len() >= 32),
            idempotency_ttl: Duration::from_secs(idempotency_hours * 3600),
            sign_up_per_ip: limit("RATE_SIGN_UP_PER_IP", 10, 3600)?,
            sign_up_per_email: limit("RATE_SIGN_UP_PER_EMAIL", 5, 3600)?,
            sign_in_per_ip: limit("RATE_SIGN_IN_PER_IP", 60, 300)?,
            sign_in_per_email: limit("RATE_SIGN_IN_PER_EMAIL", 10, 300)?,
            reset_per_ip: limit("RATE_RESET_PER_IP", 20, 3600)?,
            reset_per_email: limit("RATE_RESET_PER_EMAIL", 5, 3600)?,
            reset_link_ttl: Duration::from_secs(number("RESET_LINK_MINUTES", 60)? * 60),
            unverified_sign_up_days: number("UNVERIFIED_SIGN_UP_DAYS", 7)? as i64,
            import_per_partner: limit("RATE_IMPORT_PER_PARTNER", 50, 86_400)?,
            import_per_email: limit("RATE_IMPORT_PER_EMAIL", 5, 86_400)?,
            bulk_per_partner: limit("RATE_BULK_PER_PARTNER", 20, 60)?,
            bulk_mail_per_partner: limit("RATE_BULK_MAIL_PER_PARTNER", 1000, 3600)?,
            bulk_time_budget: Duration::from_millis(number("BULK_TIME_BUDGET_MS", 10_000)?),
            honour_lambda_deadline: match var_or("LAMBDA_DEADLINE", "honour").as_str() {
                "honour" => true,
                "ignore" => false,
                _ => {
                    return Err(ConfigError(
                        "LAMBDA_DEADLINE must be honour or ignore".into(),
                    ))
                }
            },
            restricted_countries: country_list(&var_or(
                "RESTRICTED_COUNTRIES",
                DEFAULT_RESTRICTED_COUNTRIES,
            )),
            welcome_link_ttl: Duration::from_secs(number("WELCOME_LINK_HOURS", 168)? * 3600),
            consent_link_ttl: Duration::from_secs(number("CONSENT_LINK_HOURS", 72)? * 3600),
            delegation_ttl: Duration::from_secs(number("DELEGATION_MINUTES", 15)? * 60),
            telemetry_retention_days: number(
                "TELEMETRY_RETENTION_DAYS",
                domain::telemetry::DEFAULT_RETENTION_DAYS as u64,
            )? as i64,
            agent_version: {
                let v = var_or("AGENT_VERSION", DEFAULT_AGENT_VERSION);
                domain::telemetry::AgentVersion::parse(&v)
                    .map_err(|e| ConfigError(format!("AGENT_VERSION {e}")))?;
                v
            },
            alert_offline_days: number("ALERT_OFFLINE_DAYS", 7)? as i64,
            alert_intrusion_burst: number("ALERT_INTRUSION_BURST", 25)? as i64,
            webhook_allow_loopback: var_or("WEBHOOK_ALLOW_LOOPBACK", "false") == "true",
            schedules: schedule_settings()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_lists_take_spaces_or_commas() {
        assert_eq!(country_list("cu, IR  kp,"), ["CU", "IR", "KP"]);
        assert!(country_list("").is_empty());
    }

    #[test]
    fn event_routes_are_type_to_function_pairs() {
        assert_eq!(
            event_routes(" AlertRaised=notifier, ReportRequested = report-worker ,").unwrap(),
            vec![
                ("AlertRaised".to_string(), "notifier".to_string()),
                ("ReportRequested".to_string(), "report-worker".to_string())
            ]
        );
        assert!(event_routes("AlertRaised").is_err());
        assert!(event_routes("").unwrap().is_empty());
    }
}
