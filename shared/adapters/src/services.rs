//! The clients a function needs, built once in `main` and shared by every request.
//! DynamoDB and the token verifier are built eagerly; the clients only some requests use
//! are built on first use, to keep cold starts short.

use std::sync::{Arc, OnceLock};

use crate::aws::CallCounter;

use crate::config::{Config, EventMode, MailMode};

use crate::events::EventBus;

use crate::files::Files;

use crate::identity::{Identity, TokenVerifier};

use crate::mail::{MailError, Mailer, Message};

use crate::metrics::Metrics;

use crate::schedules::Schedules;

use crate::sms::Sms;

use store::Table;

pub type AppState = Arc<Services>;

/// What became of a message sent for a partner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// SES's message id; `None` when every recipient was suppressed and nothing was sent.
    pub message_id: Option<String>,
    /// The recipients left out because the partner no longer mails them.
    pub skipped: Vec<String>,
}

pub struct Services {
    pub config: Config,
    pub table: Table,
    pub verifier: Arc<TokenVerifier>,
    /// Business metrics (EMF lines on stdout in Lambda; kept in tests).
    pub metrics: Metrics,
    sdk: aws_types::SdkConfig,
    counter: Option<CallCounter>,
    http: OnceLock<reqwest::Client>,
    identity: OnceLock<Identity>,
    mailer: OnceLock<Mailer>,
    sms: OnceLock<Sms>,
    files: OnceLock<Files>,
    events: OnceLock<EventBus>,
    schedules: OnceLock<Option<Schedules>>,
}

macro_rules! client {
    ($svc:ident, $sdk:expr, $counter:expr) => {{
        let mut b = $svc::config::Builder::from($sdk);
        if let Some(c) = $counter {
            b = b.interceptor(c.clone());
        }
        b
    }};
}

impl Services {
    /// `counter`, when given, counts every SDK call these services make (tests).
    pub fn new(config: Config, sdk: aws_types::SdkConfig, counter: Option<CallCounter>) -> Self {
        use aws_sdk_dynamodb as dynamodb;
        let dynamodb = dynamodb::Client::from_conf(client!(dynamodb, &sdk, &counter).build());
        Services {
            table: Table::new(dynamodb, config.table_name.clone()),
            verifier: Arc::new(TokenVerifier::new(
                config.jwks_url.clone(),
                config.token_issuer.clone(),
                config.user_pool_client_id.clone(),
            )),
            config,
            metrics: Metrics::default(),
            sdk,
            counter,
            http: OnceLock::new(),
            identity: OnceLock::new(),
            mailer: OnceLock::new(),
            sms: OnceLock::new(),
            files: OnceLock::new(),
            events: OnceLock::new(),
            schedules: OnceLock::new(),
        }
    }

    /// The same SDK settings (and call counter) with another configuration, e.g. events
    /// that go nowhere for a tool that runs the worker itself.
    pub fn with_config(&self, config: Config) -> Services {
        let mut services = Services::new(config, self.sdk.clone(), self.counter.clone());
        services.metrics = self.metrics.clone();
        services
    }

    /// These services as the function `name` holds them in tests: the same configuration,
    /// SDK settings and token verifier, with clients of its own whose calls count as
    /// `name`'s ([`CallCounter::for_function`]), as each Lambda function has its own
    /// clients and its own role.
    pub fn for_function(&self, name: &str) -> Services {
        let counter = self.counter.as_ref().map(|c| c.for_function(name));
        let mut services = Services::new(self.config.clone(), self.sdk.clone(), counter);
        services.verifier = self.verifier.clone();
        services.metrics = self.metrics.clone();
        services
    }

    /// Reads configuration and the SDK settings from the environment.
    pub async fn from_env() -> Result<AppState, crate::config::ConfigError> {
        let config = Config::from_env()?;
        let sdk = crate::aws::load_sdk_config().await;
        let mut services = Services::new(config, sdk, None);
        services.metrics = Metrics::from_env();
        Ok(Arc::new(services))
    }

    pub fn identity(&self) -> &Identity {
        self.identity.get_or_init(|| {
            use aws_sdk_cognitoidentityprovider as cognito;
            let client =
                cognito::Client::from_conf(client!(cognito, &self.sdk, &self.counter).build());
            Identity::new(
                client,
                self.config.user_pool_id.clone(),
                self.config.user_pool_client_id.clone(),
            )
        })
    }

    pub fn mailer(&self) -> &Mailer {
        self.mailer.get_or_init(|| match &self.config.mail {
            MailMode::Ses => {
                use aws_sdk_sesv2 as ses;
                Mailer::Ses {
                    client: ses::Client::from_conf(client!(ses, &self.sdk, &self.counter).build()),
                    from: self.config.mail_from.clone(),
                    configuration_set: self.config.mail_configuration_set.clone(),
                }
            }
            MailMode::Outbox(dir) => Mailer::Outbox {
                dir: dir.clone(),
                from: self.config.mail_from.clone(),
                configuration_set: self.config.mail_configuration_set.clone(),
                counter: self.counter.clone(),
            },
        })
    }

    /// Sends `message` to those of its recipients its partner still mails: one read of
    /// the partner's suppressions (none for a message sent for no partner), then one send
    /// unless every recipient is suppressed. Says who was left out.
    pub async fn send_mail(&self, message: &Message) -> Result<Sent, MailError> {
        let suppressed = match &message.tags.partner {
            Some(partner) => self.table.mail_suppressions(partner).await?,
            None => Vec::new(),
        };
        self.send_unless_suppressed(message, &suppressed).await
    }

    /// [`Services::send_mail`] for messages of one partner (an action's emails): its
    /// suppressions are read once for all of them. Each message's own result.
    pub async fn send_mails(
        &self,
        partner: &domain::PartnerId,
        messages: &[Message],
    ) -> Result<Vec<Result<Sent, MailError>>, MailError> {
        let suppressed = self.table.mail_suppressions(partner).await?;
        let mut results = Vec::with_capacity(messages.len());
        for m in messages {
            results.push(self.send_unless_suppressed(m, &suppressed).await);
        }
        Ok(results)
    }

    async fn send_unless_suppressed(
        &self,
        message: &Message,
        suppressed: &[domain::mail::MailSuppression],
    ) -> Result<Sent, MailError> {
        let (to, skipped) = domain::mail::split_suppressed(&message.to, suppressed);
        if !skipped.is_empty() {
            tracing::info!(
                kind = message.tags.kind.as_str(),
                skipped = skipped.len(),
                "mail not sent to suppressed addresses"
            );
        }
        let message_id = if to.is_empty() {
            None
        } else {
            let message = Message {
                to,
                ..message.clone()
            };
            Some(self.mailer().send(&message).await?)
        };
        Ok(Sent {
            message_id,
            skipped,
        })
    }

    pub fn sms(&self) -> &Sms {
        self.sms.get_or_init(|| {
            use aws_sdk_sns as sns;
            Sms::new(sns::Client::from_conf(
                client!(sns, &self.sdk, &self.counter).build(),
            ))
        })
    }

    pub fn files(&self) -> &Files {
        self.files.get_or_init(|| {
            use aws_sdk_s3 as s3;
            let conf = client!(s3, &self.sdk, &self.counter)
                .force_path_style(self.config.s3_force_path_style)
                .build();
            Files::new(s3::Client::from_conf(conf))
        })
    }

    pub fn events(&self) -> &EventBus {
        self.events.get_or_init(|| match &self.config.events {
            EventMode::EventBridge { bus_name } => {
                use aws_sdk_eventbridge as eventbridge;
                EventBus::EventBridge {
                    client: eventbridge::Client::from_conf(
                        client!(eventbridge, &self.sdk, &self.counter).build(),
                    ),
                    bus_name: bus_name.clone(),
                }
            }
            EventMode::Local { invoke_url, routes } => EventBus::Local {
                http: self.http.get_or_init(crate::tls::http_client).clone(),
                invoke_url: invoke_url.clone(),
                routes: routes.clone(),
                counter: self.counter.clone(),
            },
        })
    }

    /// EventBridge Scheduler, for the functions configured with a schedule group.
    pub fn schedules(&self) -> Result<&Schedules, crate::config::ConfigError> {
        self.schedules
            .get_or_init(|| {
                self.config.schedules.clone().map(|settings| {
                    use aws_sdk_scheduler as scheduler;
                    Schedules::new(
                        scheduler::Client::from_conf(
                            client!(scheduler, &self.sdk, &self.counter).build(),
                        ),
                        settings,
                    )
                })
            })
            .as_ref()
            .ok_or_else(|| crate::config::ConfigError::new("SCHEDULE_GROUP is not set"))
    }
}
