use lambda_runtime::{service_fn, Error, LambdaEvent};
use tracing::Instrument;

#[tokio::main]
async fn main() -> Result<(), Error> {
    api::telemetry::init();
    let state = adapters::services::Services::from_env().await?;
    api::runtime::keep_running(api::runtime::restart_on_error(), || {
        lambda_runtime::run(service_fn(|event: LambdaEvent<serde_json::Value>| {
            let state = state.clone();
            // Boxed: the handler's future is deep enough that laying it out inline
            // in `main`'s future overflows the compiler's query depth on a clean build.
            let span = api::telemetry::invocation_span(&event.context);
            Box::pin(async move { notifier::handle(&state, event.payload).await }.instrument(span))
        }))
    })
    .await
}
