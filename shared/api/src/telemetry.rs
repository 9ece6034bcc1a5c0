//! The tracing subscriber: JSON lines in Lambda (CloudWatch), readable text locally.
//!
//! Request ids reach every line through the request span opened by
//! [`crate::request_span`]; both formats print the current span's fields.

use tracing_subscriber::{filter::LevelFilter, fmt};

/// `LOG_LEVEL` (`off`, `error`, `warn`, `info`, `debug`, `trace`), `info` when unset or
/// unknown. A level rather than `EnvFilter` directives: the template offers levels, and
/// the directive parser (regular expressions) is the largest part of the subscriber.
fn level() -> LevelFilter {
    std::env::var("LOG_LEVEL")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(LevelFilter::INFO)
}

/// Installs the global subscriber once. `LOG_FORMAT=json|text` overrides the choice;
/// by default Lambda (where `AWS_EXECUTION_ENV` is set) gets JSON.
pub fn init() {
    let json = match std::env::var("LOG_FORMAT").as_deref() {
        Ok("json") => true,
        Ok("text") => false,
        _ => std::env::var_os("AWS_EXECUTION_ENV").is_some(),
    };
    let builder = fmt().with_max_level(level()).with_target(false);
    let result = if json {
        builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .flatten_event(true)
            .try_init()
    } else {
        builder.compact().try_init()
    };
    // A second init (tests) keeps the first subscriber.
    drop(result);
}

/// For tests: readable lines through the test harness's capture, so a test's logs show
/// only when it fails.
pub fn init_for_tests() {
    drop(
        fmt()
            .with_max_level(level())
            .with_target(false)
            .compact()
            .with_test_writer()
            .try_init(),
    );
}
