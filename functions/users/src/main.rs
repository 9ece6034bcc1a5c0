use lambda_http::Error;

#[tokio::main]
async fn main() -> Result<(), Error> {
    api::telemetry::init();
    let state = adapters::services::Services::from_env().await?;
    api::runtime::keep_running(api::runtime::restart_on_error(), || {
        lambda_http::run(users::app(state.clone()))
    })
    .await
}
