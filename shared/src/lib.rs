//! Everything the Partner Console functions share: pure domain rules, one adapter per
//! AWS service, and the HTTP conventions every endpoint follows.

pub mod aws;
pub mod config;
pub mod domain;
pub mod emails;
pub mod events;
pub mod files;
pub mod http;
pub mod identity;
pub mod mail;
pub mod notify;
pub mod resources;
pub mod services;
pub mod simulator;
pub mod sms;
pub mod store;
pub mod telemetry;
#[cfg(any(test, feature = "testkit"))]
pub mod testkit;
pub mod tls;
pub mod webhook;
