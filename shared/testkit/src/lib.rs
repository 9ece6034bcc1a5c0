//! Dev-only: what tests and the local stack share, and functions never link: the
//! template reader that creates the local resources ([`resources`]), the fleet simulator
//! ([`simulator`]), signed test tokens ([`tokens`]), the router driver ([`http`]), log
//! lines kept for reading ([`logs`]), and the test world.
//!
//! Test support against the local AWS stack: each call to [`stack`] gets its own table,
//! user pool and outbox on the moto server named by `MOTO_ENDPOINT` (`make test` starts
//! one), so tests run in parallel without seeing each other's data.

pub mod http;
pub mod iam;
pub mod logs;
pub mod resources;
pub mod simulator;
pub mod tokens;

use std::{
    collections::HashMap,
    path::PathBuf,
    sync::{Arc, Mutex},
    time::Duration,
};

use aws_sdk_dynamodb::types::AttributeValue;

use adapters::aws::CallCounter;

use adapters::config::{Config, EventMode, Limit, MailMode};

use crate::resources::{local, Template};

use adapters::services::{AppState, Services};

use store::Item;

pub struct TestStack {
    /// The test's own state, for arranging and inspecting; a function under test gets
    /// its own ([`TestStack::function`]).
    pub state: AppState,
    pub counter: CallCounter,
    pub sdk: aws_types::SdkConfig,
    pub endpoint: String,
    pub outbox: PathBuf,
    functions: Mutex<HashMap<String, AppState>>,
}

/// The moto endpoint for the next stack, or a panic that says how to get one.
/// `MOTO_ENDPOINT` may name several servers, separated by commas (`make test` starts two:
/// moto answers one request at a time, so a second server uses the second core); each
/// stack lives wholly on one of them, taken in turn.
pub fn endpoint() -> String {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let all = std::env::var("MOTO_ENDPOINT").unwrap_or_else(|_| {
        panic!("MOTO_ENDPOINT is not set: run `make test`, or start moto and set it")
    });
    let servers: Vec<&str> = all
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    servers[n % servers.len()].to_string()
}

pub async fn sdk_config(endpoint: &str) -> aws_types::SdkConfig {
    sdk_config_with(endpoint, adapters::tls::sdk_http_client()).await
}

/// [`sdk_config`] with another HTTP client (the cost bench's, which measures what each
/// request reads and writes).
pub async fn sdk_config_with(
    endpoint: &str,
    http_client: aws_smithy_runtime_api::client::http::SharedHttpClient,
) -> aws_types::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .http_client(http_client)
        .endpoint_url(endpoint)
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
            "testing", "testing", None, None, "moto",
        ))
        .load()
        .await
}

/// Generous limits, so only the rate-limit tests meet them.
pub const WIDE_LIMIT: Limit = Limit {
    limit: 1000,
    window: Duration::from_secs(3600),
};

pub struct Options {
    pub limits: Limit,
    /// The import-request limits (per partner, per email), when not `limits`.
    pub import_limits: Option<Limit>,
    /// The bulk action limits (calls, customers emailed), when not `limits`.
    pub bulk_limits: Option<Limit>,
    /// How long a bulk call works before it answers the rest as not attempted.
    pub bulk_time_budget: Duration,
    /// The secret CloudFront adds (`ORIGIN_VERIFY`); unset, as in local runs.
    pub origin_verify: Option<String>,
    /// Replaces the pool's token verifier (tokens from [`tokens::Signer`]).
    pub verifier: Option<adapters::identity::TokenVerifier>,
    /// Where domain events go (by default nowhere: no routes).
    pub events: Option<EventMode>,
    /// The SDK's HTTP client, when not the functions' own (see [`sdk_config_with`]).
    pub http_client: Option<aws_smithy_runtime_api::client::http::SharedHttpClient>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            limits: WIDE_LIMIT,
            import_limits: None,
            bulk_limits: None,
            bulk_time_budget: Duration::from_secs(60),
            origin_verify: None,
            verifier: None,
            events: None,
            http_client: None,
        }
    }
}

pub async fn stack() -> TestStack {
    stack_with(Options::default()).await
}

pub async fn stack_with(options: Options) -> TestStack {
    // Logs of a failing test show with its output.
    api::telemetry::init_for_tests();
    iam::record_if_asked();
    let endpoint = endpoint();
    let sdk = match options.http_client.clone() {
        Some(client) => sdk_config_with(&endpoint, client).await,
        None => sdk_config(&endpoint).await,
    };
    let template = Template::bundled().expect("template.yaml parses");
    let id = uuid::Uuid::new_v4().simple().to_string();
    let table = format!("test-{id}");
    let dynamodb = aws_sdk_dynamodb::Client::new(&sdk);
    local::create_table(&dynamodb, &table, &template.table().expect("table"))
        .await
        .expect("create table");
    let cognito = aws_sdk_cognitoidentityprovider::Client::new(&sdk);
    let (pool_id, client_id) = local::create_user_pool(
        &cognito,
        &format!("test-{id}"),
        &template.user_pool().expect("pool"),
        &template.user_pool_client().expect("client"),
    )
    .await
    .expect("create user pool");
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&sdk)
            .force_path_style(true)
            .build(),
    );
    for bucket in [format!("reports-{id}"), format!("logos-{id}")] {
        local::create_bucket(&s3, &bucket)
            .await
            .expect("create bucket");
    }
    let group = format!("schedules-{id}");
    local::create_schedule_group(&aws_sdk_scheduler::Client::new(&sdk), &group)
        .await
        .expect("create schedule group");
    let outbox = std::env::temp_dir().join(format!("outbox-{id}"));
    let config = Config {
        region: "us-east-1".into(),
        table_name: table,
        token_issuer: format!("https://cognito-idp.us-east-1.amazonaws.com/{pool_id}"),
        jwks_url: format!("{endpoint}/{pool_id}/.well-known/jwks.json"),
        user_pool_id: pool_id,
        user_pool_client_id: client_id,
        reports_bucket: format!("reports-{id}"),
        logos_bucket: format!("logos-{id}"),
        s3_force_path_style: true,
        mail: MailMode::Outbox(outbox.clone()),
        mail_from: "console@partner-console.test".into(),
        mail_configuration_set: Some("partner-console-mail".into()),
        events: options.events.unwrap_or(EventMode::Local {
            invoke_url: "http://127.0.0.1:9".into(),
            routes: Vec::new(),
        }),
        console_url: "http://console.test".into(),
        secure_cookies: true,
        origin_verify: options.origin_verify.clone(),
        idempotency_ttl: Duration::from_secs(3600),
        sign_up_per_ip: options.limits,
        sign_up_per_email: options.limits,
        sign_in_per_ip: options.limits,
        sign_in_per_email: options.limits,
        reset_per_ip: options.limits,
        reset_per_email: options.limits,
        reset_link_ttl: Duration::from_secs(3600),
        unverified_sign_up_days: 7,
        import_per_partner: options.import_limits.unwrap_or(options.limits),
        import_per_email: options.import_limits.unwrap_or(options.limits),
        bulk_per_partner: options.bulk_limits.unwrap_or(options.limits),
        bulk_mail_per_partner: options.bulk_limits.unwrap_or(options.limits),
        bulk_time_budget: options.bulk_time_budget,
        honour_lambda_deadline: true,
        restricted_countries: adapters::config::country_list(
            adapters::config::DEFAULT_RESTRICTED_COUNTRIES,
        ),
        welcome_link_ttl: Duration::from_secs(7 * 24 * 3600),
        consent_link_ttl: Duration::from_secs(72 * 3600),
        delegation_ttl: Duration::from_secs(15 * 60),
        telemetry_retention_days: domain::telemetry::DEFAULT_RETENTION_DAYS,
        agent_version: adapters::config::DEFAULT_AGENT_VERSION.into(),
        alert_offline_days: 7,
        alert_intrusion_burst: 25,
        // The tests' webhook receivers listen on loopback.
        webhook_allow_loopback: true,
        schedules: Some(adapters::schedules::ScheduleSettings {
            group,
            target_arn: local::REPORT_WORKER_ARN.into(),
            role_arn: local::SCHEDULER_ROLE_ARN.into(),
            dead_letter_arn: local::SCHEDULE_DLQ_ARN.into(),
        }),
    };
    let counter = CallCounter::new();
    let mut services = Services::new(config, sdk.clone(), Some(counter.clone()));
    if let Some(verifier) = options.verifier {
        services.verifier = Arc::new(verifier);
    }
    // What the functions would print as metrics, kept for the test to read (shared by
    // every function's state, as they share one namespace).
    services.metrics = adapters::metrics::Metrics::recording("PartnerConsole/test");
    let state = Arc::new(services);
    TestStack {
        state,
        counter,
        sdk,
        endpoint,
        outbox,
        functions: Mutex::default(),
    }
}

impl TestStack {
    /// The state the function `name` (its binary name, as in `template.yaml`) runs with:
    /// the stack's configuration, with clients of its own whose every AWS operation is
    /// recorded as `name`'s for the IAM check ([`iam`]); counted with the stack's
    /// `counter` too. The same one for every call with the same name.
    pub fn function(&self, name: &str) -> AppState {
        let mut functions = self.functions.lock().unwrap_or_else(|e| e.into_inner());
        functions
            .entry(name.to_string())
            .or_insert_with(|| Arc::new(self.state.for_function(name)))
            .clone()
    }

    /// Every item in the test's table (a scan: tests only).
    pub async fn items(&self) -> Vec<Item> {
        let client = aws_sdk_dynamodb::Client::new(&self.sdk);
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let out = client
                .scan()
                .table_name(&self.state.config.table_name)
                .set_exclusive_start_key(start)
                .send()
                .await
                .expect("scan");
            items.extend(out.items.unwrap_or_default());
            start = out.last_evaluated_key;
            if start.is_none() {
                return items;
            }
        }
    }

    /// Every item as JSON (maps sorted by key, so items compare as values).
    pub async fn items_json(&self) -> Vec<serde_json::Value> {
        self.items()
            .await
            .into_iter()
            .map(|i| serde_dynamo::from_item(i).expect("an item maps to JSON"))
            .collect()
    }

    /// The items of one kind (`Partner`, `User`, `Login`, `AuditRecord`, ...).
    pub async fn items_of(&self, kind: &str) -> Vec<Item> {
        self.items()
            .await
            .into_iter()
            .filter(|i| i.get("kind") == Some(&AttributeValue::S(kind.into())))
            .collect()
    }

    /// Users in the test's pool whose email is `email`.
    pub async fn pool_users_with_email(&self, email: &str) -> usize {
        let client = aws_sdk_cognitoidentityprovider::Client::new(&self.sdk);
        let out = client
            .list_users()
            .user_pool_id(&self.state.config.user_pool_id)
            .send()
            .await
            .expect("list users");
        out.users()
            .iter()
            .filter(|u| {
                u.attributes()
                    .iter()
                    .any(|a| a.name() == "email" && a.value() == Some(email))
            })
            .count()
    }

    /// What a user can do at the identity provider directly, outside the console, with
    /// their own access token: turn their TOTP second step off (SetUserMFAPreference).
    pub async fn turn_off_own_totp(&self, access_token: &str) {
        use aws_sdk_cognitoidentityprovider::types::SoftwareTokenMfaSettingsType;
        let settings = SoftwareTokenMfaSettingsType::builder()
            .enabled(false)
            .preferred_mfa(false)
            .build();
        aws_sdk_cognitoidentityprovider::Client::new(&self.sdk)
            .set_user_mfa_preference()
            .access_token(access_token)
            .software_token_mfa_settings(settings)
            .send()
            .await
            .expect("SetUserMFAPreference");
    }

    /// The secret of the last `#token=` link in the newest outbox message to `to`.
    pub fn link_secret(&self, to: &str) -> Option<String> {
        let text = self
            .outbox_messages()
            .into_iter()
            .rev()
            .find(|m| m.contains(&format!("To: {to}\r\n")))
            .and_then(|m| adapters::mail::decode_eml_text(&m))?;
        let at = text.rfind("#token=")? + "#token=".len();
        Some(text.get(at..at + 43)?.to_string())
    }

    /// Confirms a new partner's sign-up email the way its user does: opens the link from
    /// the newest email to `email` (through `auth`, the auth function's router).
    pub async fn confirm_email(&self, auth: &axum::Router, email: &str) {
        let secret = self.link_secret(email).expect("a confirmation link");
        let answer = http::send(
            auth,
            http::json_post(
                "/api/v1/auth/verify-email",
                &serde_json::json!({ "token": secret }),
            ),
            "192.0.2.200",
        )
        .await;
        assert_eq!(answer.status, 200, "{}", answer.text);
    }

    /// A new partner, signed up, its email confirmed, and signed in (see
    /// [`http::partner_session`]): its account as `/me` shows it now, and the
    /// administrator's access token.
    pub async fn confirmed_partner(
        &self,
        auth: &axum::Router,
        email: &str,
        company: &str,
    ) -> (serde_json::Value, String) {
        let (_, token) = http::partner_session(auth, email, company).await;
        self.confirm_email(auth, email).await;
        let me = http::get(auth, "/api/v1/me", &token, "192.0.2.200").await;
        assert_eq!(me.status, 200, "{}", me.text);
        (me.body, token)
    }

    /// The `.eml` files the outbox holds, oldest first.
    pub fn outbox_messages(&self) -> Vec<String> {
        let mut files: Vec<_> = std::fs::read_dir(&self.outbox)
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|e| e == "eml"));
        files.sort();
        files
            .iter()
            .map(|p| std::fs::read_to_string(p).expect("read eml"))
            .collect()
    }
}

/// The TOTP code (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits) an authenticator app
/// shows at `unix_secs` for a base32 secret: what a user types at sign-in.
pub fn totp(secret_base32: &str, unix_secs: u64) -> String {
    use aws_lc_rs::hmac;
    let mut bits: u64 = 0;
    let mut n = 0;
    let mut key = Vec::new();
    for c in secret_base32.trim_end_matches('=').chars() {
        let v = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
            .find(c.to_ascii_uppercase())
            .expect("a base32 secret") as u64;
        bits = (bits << 5) | v;
        n += 5;
        if n >= 8 {
            n -= 8;
            key.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    let k = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, &key);
    let tag = hmac::sign(&k, &(unix_secs / 30).to_be_bytes());
    let h = tag.as_ref();
    let offset = (h[19] & 0x0f) as usize;
    let value = u32::from_be_bytes([
        h[offset] & 0x7f,
        h[offset + 1],
        h[offset + 2],
        h[offset + 3],
    ]);
    format!("{:06}", value % 1_000_000)
}

/// The code for now, as a user reads it off their app: not in the last seconds of its
/// 30-second step (a user would wait for the next one, and so does this), so the identity
/// provider checks it within the same step.
pub async fn totp_now(secret_base32: &str) -> String {
    let now = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
    };
    let left = 30 - now().as_secs() % 30;
    if left <= 3 {
        tokio::time::sleep(std::time::Duration::from_secs(left)).await;
    }
    totp(secret_base32, now().as_secs())
}

#[cfg(test)]
mod totp_tests {
    #[test]
    fn codes_match_rfc_6238() {
        // RFC 6238 appendix B, SHA-1, the key "12345678901234567890" (base32 below),
        // times 59 and 1111111109, last six digits.
        let key = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
        assert_eq!(super::totp(key, 59), "287082");
        assert_eq!(super::totp(key, 1_111_111_109), "081804");
    }
}
