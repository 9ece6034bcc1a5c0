//! `infra`: the local stack and operator commands.
//!
//! ```text
//! infra local-stack --endpoint URL --invoke-url URL --console-url URL --outbox DIR --env-out FILE
//! infra demo        seed the demo partner (reads the functions' environment)
//! infra issue-serial --kind exsp|product [--count N]
//!                   issue serial numbers (operator; reads the functions' environment)
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
            for serial in infra::operator::issue_serials(kind, count).await? {
                println!("{serial}");
            }
        }
        Some("openapi") => print!("{}", infra::openapi_json()),
        _ => bail!("usage: infra local-stack|demo|issue-serial|openapi (see infra/src/main.rs)"),
    }
    Ok(())
}
