use lambda_http::Error;

#[tokio::main]
async fn main() -> Result<(), Error> {
    shared::telemetry::init();
    let state = shared::services::Services::from_env().await?;
    lambda_http::run(alerts::app(state)).await
}
