//! Demo data for `make run`: a partner to sign in as, its customers, a custom role and
//! two invited users, created through the same endpoints a browser uses.

use axum::{body::Body, http::Request};
use chrono::Datelike;
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;

pub const EMAIL: &str = "demo@partner-console.local";
/// Only ever used against the local stack.
pub const PASSWORD: &str = "Partner-Console-2026";

/// A demo customer: name, admin email, country, management type, communications, trial
/// products.
type DemoCustomer = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
);

/// The demo partner's customers.
const CUSTOMERS: &[DemoCustomer] = &[
    (
        "Acme Dental Group",
        "it@acme-dental.example",
        "US",
        "coManaged",
        "shared",
        &["endpoint-protection", "email-security"],
    ),
    (
        "Blue Harbor Logistics",
        "admin@blueharbor.example",
        "US",
        "partnerManaged",
        "partner",
        &["endpoint-protection"],
    ),
    (
        "Cedar & Pine Architects",
        "office@cedarpine.example",
        "CA",
        "customerManaged",
        "shared",
        &["endpoint-protection-mobile"],
    ),
    (
        "Delta Freight Brokers",
        "it@deltafreight.example",
        "GB",
        "partnerManaged",
        "partner",
        &["endpoint-protection", "endpoint-protection-mobile"],
    ),
    (
        "Evergreen Family Clinic",
        "admin@evergreen-clinic.example",
        "US",
        "coManaged",
        "shared",
        &["email-security"],
    ),
    (
        "Fjord Outdoor Supply",
        "it@fjord-outdoor.example",
        "NO",
        "customerManaged",
        "shared",
        &["endpoint-protection"],
    ),
    (
        "Granite Legal LLP",
        "systems@granitelegal.example",
        "US",
        "partnerManaged",
        "partner",
        &["endpoint-protection", "email-security"],
    ),
    (
        "Havana Cigar Imports",
        "it@havana-imports.example",
        "CU",
        "customerManaged",
        "shared",
        &["endpoint-protection"],
    ),
];

async fn call(
    app: &axum::Router,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &serde_json::Value,
) -> anyhow::Result<(u16, serde_json::Value)> {
    let mut request = Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", "application/json");
    if let Some(t) = token {
        request = request.header("authorization", format!("Bearer {t}"));
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::from(body.to_string()))?)
        .await?;
    let status = response.status().as_u16();
    let bytes = response.into_body().collect().await?.to_bytes();
    Ok((status, serde_json::from_slice(&bytes).unwrap_or_default()))
}

/// Adds the demo partner's customers (trials: the demo partner starts as a reseller).
async fn seed_customers(state: &adapters::services::AppState) -> anyhow::Result<()> {
    let auth = auth::app(state.clone());
    let customers = customers::app(state.clone());
    let (status, session) = call(
        &auth,
        "POST",
        "/api/v1/auth/sign-in",
        None,
        &json!({"email": EMAIL, "password": PASSWORD}),
    )
    .await?;
    anyhow::ensure!(status == 200, "demo sign-in answered {status}: {session}");
    let token = session["accessToken"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let mut ids = Vec::new();
    for (name, email, country, management, communications, products) in CUSTOMERS {
        let lines: Vec<_> = products
            .iter()
            .map(|p| json!({"product": p, "type": "trial"}))
            .collect();
        let body = json!({
            "management": management,
            "communications": communications,
            "company": {
                "name": name, "address1": "1 Main Street", "city": "Springfield",
                "postalCode": "10001", "country": country, "phone": "+1 217 555 0199"
            },
            "contact": {
                "firstName": "Sam", "lastName": "Admin", "email": email,
                "phone": "+1 217 555 0198", "language": "en", "timeZone": "UTC-06:00",
                "daylightSaving": true
            },
            "products": lines
        });
        let (status, answer) =
            call(&customers, "POST", "/api/v1/customers", Some(&token), &body).await?;
        anyhow::ensure!(
            status == 201,
            "adding demo customer {name} answered {status}: {answer}"
        );
        ids.push(
            answer["customer"]["id"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        );
    }
    seed_people(state, &token, &ids).await
}

/// A "Help desk" role that reads the first three customers and sees no others, with a
/// user invited to it (the invitation is in the outbox), a second administrator, and an
/// alert notification rule.
async fn seed_people(
    state: &adapters::services::AppState,
    token: &str,
    customers: &[String],
) -> anyhow::Result<()> {
    let users = users::app(state.clone());
    let (status, role) = call(
        &users,
        "POST",
        "/api/v1/roles",
        Some(token),
        &json!({"name": "Help desk"}),
    )
    .await?;
    anyhow::ensure!(
        status == 201,
        "adding the demo role answered {status}: {role}"
    );
    let id = role["id"].as_str().unwrap_or_default().to_string();
    let read: Vec<_> = customers.iter().take(3).collect();
    let body = json!({
        "name": "Help desk",
        "access": {"all": null, "readWrite": [], "read": read, "noAccess": [], "defaultLevel": "noAccess"},
        "permissions": {"addCustomers": false, "importCustomers": false, "removeCustomers": false}
    });
    let (status, saved) = call(
        &users,
        "PUT",
        &format!("/api/v1/roles/{id}"),
        Some(token),
        &body,
    )
    .await?;
    anyhow::ensure!(
        status == 200,
        "saving the demo role answered {status}: {saved}"
    );
    for (email, first, role) in [
        ("helpdesk@partner-console.local", "Hal", id.as_str()),
        ("admin2@partner-console.local", "Ada", "administrator"),
    ] {
        let body = json!({"email": email, "firstName": first, "lastName": "Demo", "role": role});
        let (status, user) = call(&users, "POST", "/api/v1/users", Some(token), &body).await?;
        anyhow::ensure!(
            status == 201,
            "adding demo user {email} answered {status}: {user}"
        );
    }
    // An alert notification rule: errors and account warnings to every administrator
    // (their mail lands in the local outbox).
    let alerts = alerts::app(state.clone());
    let rule = json!({
        "name": "Errors and account warnings to the administrators",
        "categories": [
            {"service": "endpointProtection", "severity": "error"},
            {"service": "account", "severity": "warning"},
            {"service": "reports", "severity": "error"}
        ],
        "computers": {"scope": "all"},
        "recipients": []
    });
    let (status, saved) = call(&alerts, "POST", "/api/v1/alert-rules", Some(token), &rule).await?;
    anyhow::ensure!(
        status == 201,
        "adding the demo alert rule answered {status}: {saved}"
    );
    Ok(())
}

/// The seed of the demo fleets, so `make run` shows the same fleets every time.
pub const FLEET_SEED: u64 = 2026;

/// Three months of simulated telemetry for the demo customers, and the threat level and
/// news an operator would publish.
async fn seed_telemetry() -> anyhow::Result<()> {
    crate::simulate::run(crate::simulate::Options {
        email: EMAIL.into(),
        password: PASSWORD.into(),
        customers: 0,
        existing: true,
        computers: 40,
        history_days: 90,
        seed: FLEET_SEED,
        rate: 0.0,
        duration: None,
        api: None,
        history: true,
    })
    .await?;
    crate::operator::publish_threats(
        2,
        "Elevated: a worm spreads through unpatched file shares",
        "A new variant of a file-share worm is spreading on networks that expose SMB. \
         Current definitions detect and block it; make sure agents are up to date.",
        &[
            "W32.Downadup.B|Worm|high|yes|https://security.example.com/threats/w32-downadup-b".into(),
            "Ransom.WannaCry|Ransomware|high|yes|https://security.example.com/threats/ransom-wannacry".into(),
            "Trojan.Emotet|Trojan|medium|yes|https://security.example.com/threats/trojan-emotet".into(),
            "Heur.AdvML.B|Heuristic|low|no|https://security.example.com/threats/heur-advml-b".into(),
        ],
    )
    .await?;
    for (title, summary) in [
        (
            "Agent 22.4.1 is available",
            "The new agent improves intrusion prevention on Windows 11 and macOS 14. Computers update on their next check-in.",
        ),
        (
            "Scheduled maintenance on Sunday",
            "The console is read-only for up to 30 minutes from 02:00 UTC on Sunday while the service is updated.",
        ),
        (
            "Definitions now update every hour",
            "Virus definitions are now published hourly, so computers are protected from new threats sooner.",
        ),
    ] {
        crate::operator::publish_news(title, summary, summary, None).await?;
    }
    Ok(())
}

/// The demo partner's report logo.
const DEMO_LOGO: &[u8] = include_bytes!("../../tests/fixtures/logos/ok-300x150.png");

/// Report Customization (a logo and colours) and a few ready reports of different
/// types. The reports are made here, in-process, by the report worker's own code: the
/// functions are not running yet while the demo data is seeded.
async fn seed_reports(state: &adapters::services::AppState) -> anyhow::Result<()> {
    let mut config = state.config.clone();
    config.events = adapters::config::EventMode::Local {
        invoke_url: "http://127.0.0.1:9".into(),
        routes: Vec::new(),
    };
    let quiet = std::sync::Arc::new(state.with_config(config));
    let auth = auth::app(quiet.clone());
    let reports = reports_http::app(quiet.clone());
    let (status, session) = call(
        &auth,
        "POST",
        "/api/v1/auth/sign-in",
        None,
        &json!({"email": EMAIL, "password": PASSWORD}),
    )
    .await?;
    anyhow::ensure!(status == 200, "demo sign-in answered {status}: {session}");
    let token = session["accessToken"].as_str().unwrap_or_default();
    let logo = Request::put("/api/v1/branding/logo")
        .header("content-type", "image/png")
        .header("authorization", format!("Bearer {token}"))
        .body(Body::from(DEMO_LOGO))?;
    let status = reports.clone().oneshot(logo).await?.status();
    anyhow::ensure!(status == 200, "the demo logo answered {status}");
    let colours = json!({"headerColour": "#ffffff", "themeColour": "#0b5394"});
    let (status, body) = call(&reports, "PUT", "/api/v1/branding", Some(token), &colours).await?;
    anyhow::ensure!(status == 200, "the demo colours answered {status}: {body}");
    let (_, customers) = call(
        &customers::app(quiet.clone()),
        "GET",
        "/api/v1/customers?limit=100",
        Some(token),
        &json!(null),
    )
    .await?;
    let first = customers["items"][0]["id"].clone();
    let partner = partner_of(&quiet).await?;
    for (name, kind, formats, customers) in [
        (
            "Acme Dental – executive summary",
            "customerExecutiveSummary",
            json!(["pdf", "html"]),
            json!({"customers": [first]}),
        ),
        (
            "All customers – endpoints",
            "endpointSummary",
            json!(["pdf", "html", "csv", "xml"]),
            json!({"allCustomers": true}),
        ),
        (
            "Billing – last 30 days",
            "serviceUtilizationBilling",
            json!(["pdf", "csv"]),
            json!({"allCustomers": true}),
        ),
        (
            "Risk detections",
            "riskDetection",
            json!(["pdf", "html"]),
            json!({"allCustomers": true}),
        ),
    ] {
        let mut options = json!({"period": {"kind": "last", "range": "30d"}});
        for (k, v) in customers.as_object().into_iter().flatten() {
            options[k] = v.clone();
        }
        let body = json!({"name": name, "type": kind, "formats": formats, "options": options});
        let (status, report) =
            call(&reports, "POST", "/api/v1/reports", Some(token), &body).await?;
        anyhow::ensure!(
            status == 202,
            "the demo report {name} answered {status}: {report}"
        );
        let requested = report_worker::ReportRequested {
            partner_id: partner.clone(),
            report_id: serde_json::from_value(report["id"].clone())?,
        };
        let made = report_worker::make(&quiet, &requested)
            .await
            .map_err(|e| anyhow::anyhow!("the demo report {name}: {e}"))?;
        anyhow::ensure!(
            matches!(made, report_worker::Outcome::Ready { .. }),
            "the demo report {name}: {made:?}"
        );
    }
    Ok(())
}

/// The demo partner's id.
async fn partner_of(state: &adapters::services::AppState) -> anyhow::Result<domain::PartnerId> {
    let login = state
        .table
        .find_login(&domain::EmailAddress::parse(EMAIL).map_err(anyhow::Error::msg)?)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo partner has no login"))?;
    Ok(login.partner_id)
}

/// Signs the demo partner up, with its customers, unless it exists. Returns whether it
/// was created.
pub async fn seed() -> anyhow::Result<bool> {
    let state = adapters::services::Services::from_env().await?;
    seed_on(&state, true).await
}

/// Seeds the demo partner on `state`'s stack; without `telemetry` its customers have no
/// simulated fleets (tests that need only its accounts, usage and reports).
pub async fn seed_on(
    state: &adapters::services::AppState,
    telemetry: bool,
) -> anyhow::Result<bool> {
    let created = sign_up(state).await?;
    if created {
        seed_customers(state).await?;
        if telemetry {
            seed_telemetry().await?;
        }
        seed_usage(state).await?;
        seed_reports(state).await?;
        seed_automatic_reports(state).await?;
    }
    Ok(created)
}

/// Days of recorded usage the demo partner starts with.
const USAGE_DAYS: i64 = 100;

/// The usage the scheduler would have recorded over the last `USAGE_DAYS` days (the
/// source of billing): each customer's products, paid for the first customers (their seats
/// growing over time) and on trial for the others.
async fn seed_usage(state: &adapters::services::AppState) -> anyhow::Result<()> {
    let partner = partner_of(state).await?;
    let mut products = Vec::new();
    for id in state.table.customer_ids(&partner).await? {
        if let Some(account) = state.table.customer_account(&id).await? {
            let mut mine: Vec<String> = account
                .entitlements
                .iter()
                .map(|e| e.product.clone())
                .collect();
            mine.dedup();
            products.push((id, mine));
        }
    }
    let today = chrono::Utc::now().date_naive();
    for back in (1..=USAGE_DAYS).rev() {
        let day = today - chrono::Duration::days(back);
        if state.table.usage_recorded(day).await? {
            continue;
        }
        let mut usage = Vec::new();
        for (n, (customer, mine)) in products.iter().enumerate() {
            for product in mine {
                let paid = n < 3;
                usage.push(domain::report::data::DailyUsage {
                    day,
                    partner_id: partner.clone(),
                    customer_id: customer.clone(),
                    product: product.clone(),
                    status: if paid { "paid" } else { "trial" }.into(),
                    // Paid seats grow by one every ten days; trials keep theirs.
                    seats: if paid {
                        20 + 5 * n as u32 + ((USAGE_DAYS - back) / 10) as u32
                    } else {
                        10
                    },
                });
            }
        }
        state.table.record_usage(day, &usage).await?;
    }
    Ok(())
}

/// The demo partner's automatic reports (the weekly MSP Executive Summary and the monthly
/// Service Utilization and Billing report), each with its latest run made and ready, as
/// the scheduler would have made them.
async fn seed_automatic_reports(state: &adapters::services::AppState) -> anyhow::Result<()> {
    let partner = partner_of(state).await?;
    let login = state
        .table
        .find_login(&domain::EmailAddress::parse(EMAIL).map_err(anyhow::Error::msg)?)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo partner has no login"))?;
    let now = chrono::Utc::now();
    adapters::schedules::ensure_automatic(state, &partner, &login.user_id, now).await?;
    state
        .table
        .automatic_reports_done(&store::report_plans::AutomaticReports {
            partner_id: partner.clone(),
            owner: login.user_id.clone(),
            done: true,
        })
        .await?;
    let today = now.date_naive();
    let monday = today.week(chrono::Weekday::Mon).first_day();
    let first = today.with_day(1).unwrap_or(today);
    for (template, schedule) in
        domain::report::schedule::automatic(&partner, &login.user_id, "", now)
    {
        let day = match schedule.frequency {
            domain::report::schedule::Frequency::Weekly => monday,
            _ => first,
        };
        let due = day
            .and_hms_opt(u32::from(schedule.hour), 0, 0)
            .unwrap_or_default()
            .and_utc();
        let event = json!({
            "source": "partner-console.scheduler",
            "detail-type": adapters::schedules::SCHEDULE_DUE,
            "time": due.to_rfc3339(),
            "detail": {"partnerId": partner, "scheduleId": schedule.id},
        });
        let outcome = report_worker::handle(state, event)
            .await
            .map_err(|e| anyhow::anyhow!("the demo's {}: {e}", template.name))?;
        anyhow::ensure!(
            outcome.get("ready").is_some(),
            "the demo's {}: {outcome}",
            template.name
        );
    }
    Ok(())
}

async fn sign_up(state: &adapters::services::AppState) -> anyhow::Result<bool> {
    let app = auth::app(state.clone());
    let body = json!({
        "email": EMAIL,
        "password": PASSWORD,
        "company": {
            "name": "Demo Managed Services",
            "address1": "100 Example Street",
            "city": "Springfield",
            "state": "IL",
            "postalCode": "62701",
            "country": "US",
            "phone": "+1 217 555 0100",
            "website": "https://demo-msp.example"
        },
        "contact": {
            "firstName": "Dana",
            "lastName": "Demo",
            "email": EMAIL,
            "phone": "+1 217 555 0101",
            "jobTitle": "Owner"
        },
        "acceptTerms": true
    });
    let request = Request::post("/api/v1/auth/sign-up")
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))?;
    let response = app.oneshot(request).await?;
    let status = response.status();
    let text = response.into_body().collect().await?.to_bytes();
    match status.as_u16() {
        201 => {
            // The demo's address receives nothing: its sign-up counts as confirmed.
            let account: serde_json::Value = serde_json::from_slice(&text)?;
            let partner =
                domain::PartnerId::parse(account["partner"]["id"].as_str().unwrap_or_default())
                    .map_err(|e| anyhow::anyhow!("the demo partner's id {e}"))?;
            let record = domain::audit::AuditRecord::new(
                domain::audit::Action::VerifyEmail,
                EMAIL,
                "console",
                domain::audit::Outcome::Success,
            )
            .by(&partner, None)
            .target(partner.to_string());
            state
                .table
                .confirm_email(&partner, &record)
                .await
                .map_err(|e| anyhow::anyhow!("the demo partner's email not confirmed: {e}"))?;
            Ok(true)
        }
        409 => Ok(false),
        _ => anyhow::bail!(
            "demo sign-up answered {status}: {}",
            String::from_utf8_lossy(&text)
        ),
    }
}
