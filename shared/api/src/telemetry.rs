//! The tracing subscriber: JSON lines in Lambda (CloudWatch), readable text locally.
//!
//! Request ids and X-Ray trace ids reach every line through the span around the work:
//! the request span opened by [`crate::request_span`] in the HTTP functions, the
//! [`invocation_span`] in the workers; both formats print the current span's fields.

use tracing::Subscriber;
use tracing_subscriber::{filter::LevelFilter, fmt, fmt::MakeWriter};

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
    let result = if json {
        tracing::subscriber::set_global_default(json_subscriber(level(), std::io::stdout))
    } else {
        let text = fmt()
            .with_max_level(level())
            .with_target(false)
            .compact()
            .finish();
        tracing::subscriber::set_global_default(text)
    };
    // A second init (tests) keeps the first subscriber.
    drop(result);
}

/// The JSON lines Lambda writes (one object a line, the current span's fields beside the
/// event's), to `writer`: stdout in Lambda, a buffer in the test that reads them back.
pub fn json_subscriber<W>(level: LevelFilter, writer: W) -> impl Subscriber + Send + Sync
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    fmt()
        .with_max_level(level)
        .with_target(false)
        .json()
        .with_current_span(true)
        .with_span_list(false)
        .flatten_event(true)
        .with_writer(writer)
        .finish()
}

/// The span of one worker invocation (report worker, notifier, scheduler): Lambda's
/// request id and, with active tracing, the X-Ray trace id, on every line it logs.
pub fn invocation_span(context: &lambda_http::Context) -> tracing::Span {
    let span = tracing::info_span!(
        "invocation",
        request_id = %context.request_id,
        trace_id = tracing::field::Empty
    );
    if let Some(trace) = trace_id(context) {
        span.record("trace_id", trace);
    }
    span
}

/// The invocation's X-Ray trace id (`Root=…;Parent=…;Sampled=…`), when Lambda gave one.
pub fn trace_id(context: &lambda_http::Context) -> Option<&str> {
    context
        .xray_trace_id
        .as_deref()
        .filter(|t| !t.is_empty() && t.len() <= 256)
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
