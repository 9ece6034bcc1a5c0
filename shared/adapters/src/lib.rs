//! The AWS adapters, one module per service (mail by SES or the local outbox, the event
//! bus, identity by Cognito, files in S3, text messages by SNS), signed webhook calls,
//! the configuration a function reads from its environment, and [`services::Services`]:
//! the clients a function builds once in `main`. Raising and delivering alerts
//! ([`notify`]) lives here because it is the one flow that spans the store, the bus,
//! mail, SMS and webhooks.

pub mod aws;
pub mod config;
pub mod emails;
pub mod events;
pub mod files;
pub mod identity;
pub mod mail;
pub mod metrics;
pub mod notify;
pub mod report_emails;
pub mod schedules;
pub mod services;
pub mod sms;
pub mod tls;
pub mod webhook;
