//! EventBridge Scheduler for the local stack: moto keeps the schedules and fires none, so
//! `infra local-scheduler` reads them back every minute (ListSchedules and GetSchedule,
//! as the console wrote them) and invokes each due schedule's target through
//! cargo-lambda's invoke API with its input, the scheduled time filled in as Scheduler
//! does. `infra fire-schedule` fires one now, for tests and demos.

use std::collections::BTreeSet;

use anyhow::Context;
use chrono::{DateTime, Duration, Timelike, Utc};
use domain::report::schedule::Cron;

/// What the local scheduler needs: the Scheduler API (moto), the group, and where
/// cargo-lambda takes invocations.
pub struct LocalScheduler {
    client: aws_sdk_scheduler::Client,
    group: String,
    invoke_url: String,
    http: reqwest::Client,
}

/// One schedule as Scheduler keeps it.
#[derive(Debug, Clone)]
pub struct Due {
    pub name: String,
    pub expression: String,
    /// The function the target ARN names (its last `:` part).
    pub function: String,
    pub input: String,
}

impl LocalScheduler {
    /// From the functions' environment (`SCHEDULE_GROUP`, `LOCAL_INVOKE_URL`, and the
    /// SDK's endpoint settings).
    pub async fn from_env() -> anyhow::Result<Self> {
        let sdk = adapters::aws::load_sdk_config().await;
        Ok(LocalScheduler {
            client: aws_sdk_scheduler::Client::new(&sdk),
            group: std::env::var("SCHEDULE_GROUP").context("SCHEDULE_GROUP is not set")?,
            invoke_url: std::env::var("LOCAL_INVOKE_URL").context("LOCAL_INVOKE_URL is not set")?,
            http: adapters::tls::http_client(),
        })
    }

    /// Every schedule in the group.
    pub async fn schedules(&self) -> anyhow::Result<Vec<Due>> {
        let mut names = Vec::new();
        let mut token = None;
        loop {
            let page = self
                .client
                .list_schedules()
                .group_name(&self.group)
                .set_next_token(token)
                .send()
                .await
                .context("ListSchedules")?;
            names.extend(
                page.schedules()
                    .iter()
                    .filter_map(|s| s.name().map(str::to_string)),
            );
            token = page.next_token;
            if token.is_none() {
                break;
            }
        }
        let mut out = Vec::new();
        for name in names {
            out.push(self.schedule(&name).await?);
        }
        Ok(out)
    }

    /// One schedule by name.
    pub async fn schedule(&self, name: &str) -> anyhow::Result<Due> {
        let s = self
            .client
            .get_schedule()
            .group_name(&self.group)
            .name(name)
            .send()
            .await
            .with_context(|| format!("no schedule {name} in {}", self.group))?;
        let target = s.target().context("a schedule without a target")?;
        Ok(Due {
            name: name.to_string(),
            expression: s.schedule_expression().unwrap_or_default().to_string(),
            function: target
                .arn()
                .rsplit(':')
                .next()
                .unwrap_or_default()
                .to_string(),
            input: target.input().unwrap_or("{}").to_string(),
        })
    }

    /// Invokes the schedule's target as Scheduler would for the run due at `at`: the
    /// function's answer.
    pub async fn fire(&self, due: &Due, at: DateTime<Utc>) -> anyhow::Result<String> {
        let input = due
            .input
            .replace("<aws.scheduler.scheduled-time>", &at.to_rfc3339())
            .replace("<aws.scheduler.schedule-arn>", &due.name);
        let url = format!(
            "{}/2015-03-31/functions/{}/invocations",
            self.invoke_url.trim_end_matches('/'),
            due.function
        );
        let answer = self
            .http
            .post(&url)
            .header("content-type", "application/json")
            .body(input)
            .send()
            .await
            .with_context(|| format!("invoking {url}"))?;
        let status = answer.status();
        let body = answer.text().await.unwrap_or_default();
        anyhow::ensure!(status.is_success(), "{url}: {status} {body}");
        Ok(body)
    }

    /// Fires every schedule due in the minute holding `at`, once per minute: what fired.
    pub async fn tick(
        &self,
        at: DateTime<Utc>,
        fired: &mut BTreeSet<(String, DateTime<Utc>)>,
    ) -> anyhow::Result<Vec<String>> {
        let minute = at
            .with_second(0)
            .and_then(|t| t.with_nanosecond(0))
            .context("a minute")?;
        let mut out = Vec::new();
        for due in self.schedules().await? {
            let Ok(cron) = Cron::parse(&due.expression) else {
                tracing::warn!(schedule = %due.name, expression = %due.expression, "not understood");
                continue;
            };
            if cron.fires_in_minute(minute) && fired.insert((due.name.clone(), minute)) {
                match self.fire(&due, minute).await {
                    Ok(answer) => out.push(format!("{} {answer}", due.name)),
                    Err(e) => out.push(format!("{} failed: {e:#}", due.name)),
                }
            }
        }
        fired.retain(|(_, t)| *t > minute - Duration::hours(1));
        Ok(out)
    }

    /// Ticks at the start of every minute, for ever.
    pub async fn run(&self) -> anyhow::Result<()> {
        let mut fired = BTreeSet::new();
        loop {
            let now = Utc::now();
            for line in self
                .tick(now, &mut fired)
                .await
                .unwrap_or_else(|e| vec![format!("reading the schedules failed: {e:#}")])
            {
                println!("{} {line}", now.to_rfc3339());
            }
            let next = (now + Duration::minutes(1))
                .with_second(0)
                .and_then(|t| t.with_nanosecond(0))
                .unwrap_or(now + Duration::minutes(1));
            let wait = (next - Utc::now()).to_std().unwrap_or_default();
            tokio::time::sleep(wait).await;
        }
    }
}
