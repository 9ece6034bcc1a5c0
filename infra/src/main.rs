//! `infra`: the local stack and operator commands.
//!
//! ```text
//! infra local-stack --endpoint URL --invoke-url URL --console-url URL --outbox DIR --env-out FILE
//! infra demo        seed the demo partner (reads the functions' environment)
//! infra openapi     print the OpenAPI document
//! ```

use std::path::PathBuf;

use anyhow::{bail, Context};

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
        Some("openapi") => print!("{}", infra::openapi_json()),
        _ => bail!("usage: infra local-stack|demo|openapi (see infra/src/main.rs)"),
    }
    Ok(())
}
