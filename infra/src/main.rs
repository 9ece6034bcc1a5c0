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
//! infra openapi     print the OpenAPI document
//! ```

use std::path::PathBuf;

use anyhow::{bail, Context};
use shared::domain::serial::SerialKind;

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
                    let product = shared::domain::catalog::product(&id)
                        .with_context(|| format!("--product {id:?} is not in the catalog"))?;
                    let seats: i64 = flag(&args, "--seats")?
                        .parse()
                        .context("--seats must be a number")?;
                    let seats = shared::domain::customer::seats(seats)
                        .map_err(|m| anyhow::anyhow!("--seats {m}"))?;
                    let term_months = match flag(&args, "--term-months") {
                        Ok(t) => t.parse().context("--term-months must be a number")?,
                        Err(_) => product.term_months,
                    };
                    Some(shared::store::serials::ProductGrant {
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
            let id = shared::domain::CustomerId::parse(&flag(&args, "--customer")?)
                .map_err(|m| anyhow::anyhow!("--customer {m}"))?;
            println!("{}", infra::operator::clear_customer(&id).await?);
        }
        Some("openapi") => print!("{}", infra::openapi_json()),
        _ => bail!("usage: infra local-stack|demo|issue-serial|clear-compliance|openapi (see infra/src/main.rs)"),
    }
    Ok(())
}
