//! `infra`: the local stack and operator commands.
//!
//! ```text
//! infra local-stack --endpoint URL --invoke-url URL --console-url URL --outbox DIR --env-out FILE
//! infra demo        seed the demo partner (reads the functions' environment)
//! infra issue-serial --kind exsp [--count N]
//! infra issue-serial --kind product --product ID --seats N [--term-months N] [--count N]
//!                   issue serial numbers (operator; reads the functions' environment)
//! infra clear-compliance --customer ID
//!                   clear a customer's trade-compliance review (operator)
//! infra simulate --email E --password P [--customers N] [--existing] [--computers M]
//!                [--history-days D] [--seed S] [--rate R] [--duration SECS] [--api URL]
//!                [--no-history]
//!                   simulated fleets and their telemetry through the ingestion API
//! infra publish-threats --level 1-4 --title T --description D [--threat NAME|TYPE|SEVERITY|PROTECTED|URL ...]
//! infra publish-news --title T --summary S --body B [--url URL]
//!                   what the Home page's Threats Summary and News Alerts show (operator)
//! infra bench-reports [--runs R] [--computers M] [--customers N]
//! infra bench-telemetry [--customers N] [--computers M] [--live-events E] [--home-customers C] ...
//!                   ingestion throughput and Home page latency against MOTO_ENDPOINT (Markdown)
//! infra bench-bulk  [--largest N]
//!                   one bulk call on the Customers page at 1, 10 and N customers (Markdown)
//! infra bench-cost  [--customers K] [--computers C] [--rounds R] [--events E] ...
//!                   a partner's month in dollars, from measured calls and capacity units (Markdown)
//! infra migrate-automatic-reports
//!                   queues the automatic reports of partners that never had them (operator)
//! infra local-scheduler
//!                   fires the report schedules moto keeps when they are due (make run)
//! infra fire-schedule --schedule ID [--time RFC3339]
//!                   fires one report schedule now (or as if due at TIME), as Scheduler would
//! infra support-tickets
//!                   the open support tickets of every partner, oldest first (operator)
//! infra support-show --partner P --ticket T
//! infra support-comment --partner P --ticket T --text TEXT [--author NAME]
//!                   a comment from support; emails the users following the ticket
//! infra support-triage --partner P --ticket T [--severity critical|high|medium|low]
//!                   [--status new|inProgress|awaitingReply]
//! infra support-feedback [--month YYYY-MM]
//!                   the feedback users sent that month (this month by default), as JSON lines
//! infra openapi     print the OpenAPI document
//! ```

use std::path::PathBuf;

use anyhow::{bail, Context};
use domain::serial::SerialKind;

fn flag(args: &[String], name: &str) -> anyhow::Result<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
        .with_context(|| format!("{name} is required"))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("local-stack") => {
            let endpoint = flag(&args, "--endpoint")?;
            let invoke_url = flag(&args, "--invoke-url")?;
            let console_url = flag(&args, "--console-url")?;
            let outbox = PathBuf::from(flag(&args, "--outbox")?);
            let env_out = PathBuf::from(flag(&args, "--env-out")?);
            let env = infra::local_stack::LocalStack {
                endpoint: &endpoint,
                invoke_url: &invoke_url,
                console_url: &console_url,
                outbox: &std::path::absolute(&outbox)?,
            }
            .bootstrap()
            .await?;
            std::fs::write(&env_out, env)?;
            println!(
                "local stack ready on {endpoint}; environment in {}",
                env_out.display()
            );
        }
        Some("demo") => {
            let created = infra::demo::seed().await?;
            println!(
                "demo partner {}: {} / {}",
                if created {
                    "created"
                } else {
                    "already present"
                },
                infra::demo::EMAIL,
                infra::demo::PASSWORD
            );
        }
        Some("issue-serial") => {
            let kind = match flag(&args, "--kind")?.as_str() {
                "exsp" => SerialKind::ExspProgram,
                "product" => SerialKind::Product,
                other => bail!("--kind {other:?}: exsp or product"),
            };
            let count = match flag(&args, "--count") {
                Ok(n) => n.parse().context("--count must be a number")?,
                Err(_) => 1,
            };
            let grant = match kind {
                SerialKind::ExspProgram => None,
                SerialKind::Product => {
                    let id = flag(&args, "--product")?;
                    let product = domain::catalog::product(&id)
                        .with_context(|| format!("--product {id:?} is not in the catalog"))?;
                    let seats: i64 = flag(&args, "--seats")?
                        .parse()
                        .context("--seats must be a number")?;
                    let seats = domain::customer::seats(seats)
                        .map_err(|m| anyhow::anyhow!("--seats {m}"))?;
                    let term_months = match flag(&args, "--term-months") {
                        Ok(t) => t.parse().context("--term-months must be a number")?,
                        Err(_) => product.term_months,
                    };
                    Some(store::serials::ProductGrant {
                        product: product.id.to_string(),
                        seats,
                        term_months,
                    })
                }
            };
            for serial in infra::operator::issue_serials(kind, count, grant).await? {
                println!("{serial}");
            }
        }
        Some("clear-compliance") => {
            let id = domain::CustomerId::parse(&flag(&args, "--customer")?)
                .map_err(|m| anyhow::anyhow!("--customer {m}"))?;
            println!("{}", infra::operator::clear_customer(&id).await?);
        }
        Some("simulate") => {
            let number = |name: &str, default: &str| -> anyhow::Result<String> {
                Ok(flag(&args, name).unwrap_or_else(|_| default.to_string()))
            };
            let options = infra::simulate::Options {
                email: flag(&args, "--email")?,
                password: flag(&args, "--password")?,
                customers: number("--customers", "0")?.parse().context("--customers")?,
                existing: args.iter().any(|a| a == "--existing"),
                computers: number("--computers", "25")?.parse().context("--computers")?,
                history_days: number("--history-days", "30")?
                    .parse()
                    .context("--history-days")?,
                seed: number("--seed", "1")?.parse().context("--seed")?,
                rate: number("--rate", "0")?.parse().context("--rate")?,
                duration: flag(&args, "--duration")
                    .ok()
                    .map(|d| d.parse())
                    .transpose()
                    .context("--duration")?,
                api: flag(&args, "--api").ok(),
                history: !args.iter().any(|a| a == "--no-history"),
            };
            infra::simulate::run(options).await?;
        }
        Some("publish-threats") => {
            let threats = args
                .iter()
                .enumerate()
                .filter(|(_, a)| *a == "--threat")
                .map(|(i, _)| args.get(i + 1).cloned().context("--threat needs a value"))
                .collect::<anyhow::Result<Vec<String>>>()?;
            infra::operator::publish_threats(
                flag(&args, "--level")?.parse().context("--level must be 1 to 4")?,
                &flag(&args, "--title")?,
                &flag(&args, "--description")?,
                &threats,
            )
            .await?;
            println!("threat level published");
        }
        Some("publish-news") => {
            let id = infra::operator::publish_news(
                &flag(&args, "--title")?,
                &flag(&args, "--summary")?,
                &flag(&args, "--body")?,
                flag(&args, "--url").ok().as_deref(),
            )
            .await?;
            println!("{id}");
        }
        Some("bench-reports") => {
            print!(
                "{}",
                infra::bench::run_reports(infra::bench::report_options(&args)?).await?
            );
        }
        Some("bench-bulk") => {
            print!(
                "{}",
                infra::bench::run_bulk(infra::bench::bulk_options(&args)?).await?
            );
        }
        Some("bench-cost") => {
            print!(
                "{}",
                infra::bench::run_cost(infra::bench::cost_options(&args)?).await?
            );
        }
        Some("bench-telemetry") => {
            print!("{}", infra::bench::run(infra::bench::options(&args)?).await?);
        }
        Some("migrate-automatic-reports") => {
            let queued = infra::operator::migrate_automatic_reports().await?;
            println!("{queued} partners queued; the scheduler tick makes their reports");
        }
        Some("local-scheduler") => {
            infra::local_scheduler::LocalScheduler::from_env()
                .await?
                .run()
                .await?;
        }
        Some("fire-schedule") => {
            let scheduler = infra::local_scheduler::LocalScheduler::from_env().await?;
            let due = scheduler.schedule(&flag(&args, "--schedule")?).await?;
            let at = match flag(&args, "--time") {
                Ok(t) => chrono::DateTime::parse_from_rfc3339(&t)
                    .context("--time must be an RFC 3339 time")?
                    .with_timezone(&chrono::Utc),
                Err(_) => chrono::Utc::now(),
            };
            println!("{}", scheduler.fire(&due, at).await?);
        }
        Some(
            "support-tickets" | "support-show" | "support-comment" | "support-triage"
            | "support-feedback",
        ) => support(&args).await?,
        Some("openapi") => print!("{}", infra::openapi_json()),
        _ => bail!("usage: infra local-stack|demo|simulate|migrate-automatic-reports|local-scheduler|fire-schedule|issue-serial|clear-compliance|publish-threats|publish-news|support-tickets|support-show|support-comment|support-triage|support-feedback|bench-telemetry|bench-reports|bench-cost|bench-bulk|openapi (see infra/src/main.rs)"),
    }
    Ok(())
}

/// The operator's support commands (see the usage above).
async fn support(args: &[String]) -> anyhow::Result<()> {
    use infra::operator::support;
    let state = adapters::services::Services::from_env().await?;
    let ticket = || -> anyhow::Result<(domain::PartnerId, domain::support::TicketId)> {
        let partner = domain::PartnerId::parse(&flag(args, "--partner")?)
            .map_err(|m| anyhow::anyhow!("--partner {m}"))?;
        let ticket = domain::support::TicketId::parse(&flag(args, "--ticket")?)
            .map_err(|m| anyhow::anyhow!("--ticket {m}"))?;
        Ok((partner, ticket))
    };
    match args[0].as_str() {
        "support-tickets" => {
            for t in support::open_tickets(&state).await? {
                println!("{}", support::line(&t));
            }
        }
        "support-show" => {
            let (p, t) = ticket()?;
            print!("{}", support::show(&state, &p, &t).await?);
        }
        "support-comment" => {
            let (p, t) = ticket()?;
            let author = flag(args, "--author").unwrap_or_else(|_| "Support".into());
            let sent = support::comment(&state, &p, &t, &author, &flag(args, "--text")?).await?;
            println!("commented; {sent} follower(s) emailed");
        }
        "support-triage" => {
            let (p, t) = ticket()?;
            let severity = flag(args, "--severity")
                .ok()
                .map(|s| domain::support::Severity::parse(&s))
                .transpose()
                .map_err(|m| anyhow::anyhow!("--severity {m}"))?;
            let status = flag(args, "--status")
                .ok()
                .map(|s| domain::support::TicketStatus::parse_open(&s))
                .transpose()
                .map_err(|m| anyhow::anyhow!("--status {m}"))?;
            println!(
                "{}",
                support::triage(&state, &p, &t, severity, status).await?
            );
        }
        _ => {
            let month = flag(args, "--month")
                .unwrap_or_else(|_| chrono::Utc::now().format("%Y-%m").to_string());
            for f in support::feedback(&state, &month).await? {
                println!("{}", serde_json::to_string(&f)?);
            }
        }
    }
    Ok(())
}
