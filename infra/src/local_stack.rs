//! Creates the local stack's resources on moto from `template.yaml` and writes the
//! environment file the functions run with. Safe to run again: what exists is reused.

use std::{fmt::Write as _, path::Path};

use anyhow::Context;
use testkit::resources::{local, Template};

pub struct LocalStack<'a> {
    pub endpoint: &'a str,
    /// Where cargo-lambda's invoke API listens (the local event dispatcher calls it).
    pub invoke_url: &'a str,
    /// Where the web front end is served (links in emails).
    pub console_url: &'a str,
    pub outbox: &'a Path,
}

pub const TABLE: &str = "partner-console";
pub const USER_POOL: &str = "partner-console";
pub const REPORTS_BUCKET: &str = "partner-console-reports";
pub const LOGOS_BUCKET: &str = "partner-console-logos";
pub const EVENT_BUS: &str = "partner-console-events";
pub const MAIL_FROM: &str = "console@partner-console.local";
pub const SCHEDULE_GROUP: &str = "partner-console-reports";

impl LocalStack<'_> {
    /// Creates everything and returns the functions' environment, one `KEY=value` a line.
    pub async fn bootstrap(&self) -> anyhow::Result<String> {
        let sdk = testkit::sdk_config(self.endpoint).await;
        let template = Template::bundled()?;

        let dynamodb = aws_sdk_dynamodb::Client::new(&sdk);
        local::create_table(&dynamodb, TABLE, &template.table()?)
            .await
            .context("table")?;

        let s3 = aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&sdk)
                .force_path_style(true)
                .build(),
        );
        anyhow::ensure!(
            template.buckets().iter().any(|b| b == "ReportsBucket"),
            "template.yaml has no ReportsBucket"
        );
        anyhow::ensure!(
            template.buckets().iter().any(|b| b == "LogosBucket"),
            "template.yaml has no LogosBucket"
        );
        for bucket in [REPORTS_BUCKET, LOGOS_BUCKET] {
            local::create_bucket(&s3, bucket).await.context("bucket")?;
        }
        // Support ticket attachments are uploaded from the browser to the files bucket.
        local::put_bucket_cors(&s3, REPORTS_BUCKET, &template.bucket_cors("ReportsBucket")?)
            .await
            .context("bucket CORS")?;

        let cognito = aws_sdk_cognitoidentityprovider::Client::new(&sdk);
        let (pool_id, client_id) = local::create_user_pool(
            &cognito,
            USER_POOL,
            &template.user_pool()?,
            &template.user_pool_client()?,
        )
        .await
        .context("user pool")?;

        // SES refuses to send from an unverified identity, in moto as in AWS.
        let created = aws_sdk_sesv2::Client::new(&sdk)
            .create_email_identity()
            .email_identity(MAIL_FROM)
            .send()
            .await;
        if let Err(e) = created {
            // A stack started again finds its identity there already.
            if !e
                .as_service_error()
                .is_some_and(|e| e.is_already_exists_exception())
            {
                return Err(e).context("ses identity");
            }
        }
        let events = aws_sdk_eventbridge::Client::new(&sdk);
        if events
            .describe_event_bus()
            .name(EVENT_BUS)
            .send()
            .await
            .is_err()
        {
            events
                .create_event_bus()
                .name(EVENT_BUS)
                .send()
                .await
                .context("event bus")?;
        }

        local::create_schedule_group(&aws_sdk_scheduler::Client::new(&sdk), SCHEDULE_GROUP)
            .await
            .context("schedule group")?;

        let mut env = String::new();
        let vars = [
            ("AWS_ENDPOINT_URL", self.endpoint.to_string()),
            ("AWS_REGION", "us-east-1".into()),
            // moto accepts any credentials; these name no real account.
            ("AWS_ACCESS_KEY_ID", "local".into()),
            ("AWS_SECRET_ACCESS_KEY", "local".into()),
            ("TABLE_NAME", TABLE.into()),
            ("USER_POOL_ID", pool_id.clone()),
            ("USER_POOL_CLIENT_ID", client_id),
            (
                "JWKS_URL",
                format!("{}/{pool_id}/.well-known/jwks.json", self.endpoint),
            ),
            ("REPORTS_BUCKET", REPORTS_BUCKET.into()),
            ("LOGOS_BUCKET", LOGOS_BUCKET.into()),
            ("S3_FORCE_PATH_STYLE", "true".into()),
            ("MAIL_MODE", "outbox".into()),
            ("OUTBOX_DIR", self.outbox.display().to_string()),
            ("MAIL_FROM", MAIL_FROM.into()),
            ("EVENT_MODE", "local".into()),
            ("LOCAL_INVOKE_URL", self.invoke_url.into()),
            // The rule the EventBridge bus has in AWS: AlertRaised goes to the notifier.
            (
                "LOCAL_EVENT_ROUTES",
                "AlertRaised=notifier,ReportRequested=report-worker".into(),
            ),
            // Report schedules: moto keeps them; `infra local-scheduler` fires them.
            ("SCHEDULE_GROUP", SCHEDULE_GROUP.into()),
            ("REPORT_WORKER_ARN", local::REPORT_WORKER_ARN.into()),
            ("SCHEDULER_ROLE_ARN", local::SCHEDULER_ROLE_ARN.into()),
            ("SCHEDULE_DLQ_ARN", local::SCHEDULE_DLQ_ARN.into()),
            ("CONSOLE_URL", self.console_url.into()),
            ("LOG_FORMAT", "text".into()),
            // cargo-lambda's emulator starts no function again whose runtime loop ended
            // (a connection to it broken mid-response): the function starts its loop again.
            ("RUNTIME_RESTART_ON_ERROR", "true".into()),
            // Its deadline is seconds away whatever the function's timeout, and not
            // enforced: a bulk call would answer every customer "not attempted".
            ("LAMBDA_DEADLINE", "ignore".into()),
        ];
        for (k, v) in vars {
            // Quoted when it holds `=` or a space: both bash and cargo-lambda's env-file
            // parser read `K="a=b"` as `a=b`.
            if v.contains(['=', ' ']) {
                writeln!(env, "{k}=\"{v}\"")?;
            } else {
                writeln!(env, "{k}={v}")?;
            }
        }
        Ok(env)
    }
}
