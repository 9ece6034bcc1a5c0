//! Every integration test in one binary, so the workspace links one test harness for
//! them: each module is one function's pages (against the local stack, through its
//! router), the adapters, the authorization matrix, or the contracts between code,
//! template and docs.

mod alerts;
mod auth;
mod authorization;
mod aws_adapters;
mod billing;
mod company;
mod consent;
mod contracts;
mod customers;
mod customers_bulk;
mod dashboard;
mod iam;
mod idempotency;
mod identity;
mod ingest;
mod licensing;
mod mail;
mod password;
mod portal;
mod rejections;
mod report_schedules;
mod reports;
mod scheduler;
mod stored_shapes;
mod support;
mod users;
mod world;
