use lambda_http::Error;

#[tokio::main]
async fn main() -> Result<(), Error> {
    api::telemetry::init();
    let state = adapters::services::Services::from_env().await?;
    lambda_http::run(support::app(state)).await
}
