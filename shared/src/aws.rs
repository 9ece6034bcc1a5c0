//! AWS SDK configuration, and the call counter that lets tests hold each endpoint to its
//! documented budget of round trips.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex},
};

use aws_smithy_runtime_api::{
    box_error::BoxError,
    client::{
        interceptors::{context::BeforeSerializationInterceptorContextRef, Intercept},
        orchestrator::Metadata,
        runtime_components::RuntimeComponents,
    },
};
use aws_smithy_types::config_bag::ConfigBag;

/// Loads the shared SDK configuration once per process. Endpoints follow the standard
/// `AWS_ENDPOINT_URL` variables, which is how the local stack points everything at moto.
pub async fn load_sdk_config() -> aws_types::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .http_client(crate::tls::sdk_http_client())
        .load()
        .await
}

/// An SDK error with its whole chain of causes, for logs and internal error messages.
pub fn describe(e: impl std::error::Error) -> String {
    aws_smithy_types::error::display::DisplayErrorContext(e).to_string()
}

/// Counts SDK calls per service and operation. Cloning shares the counts.
#[derive(Debug, Clone, Default)]
pub struct CallCounter {
    calls: Arc<Mutex<BTreeMap<(String, String), u64>>>,
}

impl CallCounter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Calls to one service (e.g. "DynamoDB"), all operations.
    pub fn service(&self, service: &str) -> u64 {
        self.lock()
            .iter()
            .filter(|((s, _), _)| s == service)
            .map(|(_, n)| n)
            .sum()
    }

    /// Calls to one operation (e.g. "DynamoDB", "TransactWriteItems").
    pub fn operation(&self, service: &str, operation: &str) -> u64 {
        self.lock()
            .get(&(service.to_string(), operation.to_string()))
            .copied()
            .unwrap_or(0)
    }

    /// Every (service, operation) with its count, for messages when a budget fails.
    pub fn snapshot(&self) -> BTreeMap<(String, String), u64> {
        self.lock().clone()
    }

    pub fn reset(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<(String, String), u64>> {
        // A poisoned counter only means a test panicked mid-count; the numbers stay usable.
        self.calls.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Intercept for CallCounter {
    fn name(&self) -> &'static str {
        "CallCounter"
    }

    // Once per operation (not per retry), after the operation's metadata is configured.
    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(meta) = cfg.load::<Metadata>() {
            *self
                .lock()
                .entry((meta.service().to_string(), meta.name().to_string()))
                .or_default() += 1;
        }
        Ok(())
    }
}
