//! AWS SDK configuration, and the call counter that lets tests hold each endpoint to its
//! documented budget of round trips (and the benchmark measure items written and time
//! spent waiting for the store).

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex, OnceLock},
    time::{Duration, Instant},
};

use aws_smithy_runtime_api::{
    box_error::BoxError,
    client::{
        interceptors::{
            context::{
                BeforeDeserializationInterceptorContextRef,
                BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
                FinalizerInterceptorContextRef,
            },
            Intercept,
        },
        orchestrator::Metadata,
        runtime_components::RuntimeComponents,
    },
};
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};

/// Loads the shared SDK configuration once per process. Endpoints follow the standard
/// `AWS_ENDPOINT_URL` variables, which is how the local stack points everything at moto.
pub async fn load_sdk_config() -> aws_types::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .http_client(crate::tls::sdk_http_client())
        .load()
        .await
}

pub use store::describe;

/// An operation's request, as interceptors (and observers) see it.
pub use aws_smithy_runtime_api::client::interceptors::context::Input;

/// Counts SDK calls per service and operation, the items they write, and the time spent
/// waiting for answers. Cloning shares the counts.
///
/// - Calls: once per operation, retries excluded.
/// - Items written: the Put, Update and Delete entries of a DynamoDB `TransactWriteItems`
///   or `BatchWriteItem`, and one for each `PutItem`, `UpdateItem` and `DeleteItem`
///   (a transaction's `ConditionCheck` entries write nothing and are not counted).
/// - Bytes received: the response bodies' lengths.
/// - Time: each attempt from the moment its signed request goes to the HTTP client until
///   the response arrives (serialisation, signing and parsing are the caller's own work
///   and are not counted). [`CallCounter::time_in_calls`] sums the attempts;
///   [`CallCounter::time_waiting`] is the wall-clock time during which at least one was
///   in flight, which is what overlapping calls cost a caller.
#[derive(Debug, Clone, Default)]
pub struct CallCounter {
    counts: Arc<Mutex<Counts>>,
    /// The function whose calls these are ([`CallCounter::for_function`]).
    function: Option<Arc<str>>,
}

/// An operation a function performed, as told to the observer that
/// [`observe_operations`] sets: tests record every function's operations to compare them
/// with its IAM policy in `template.yaml` (testkit's `iam` module).
#[derive(Debug, Clone, Copy)]
pub struct Observed<'a> {
    pub function: &'a str,
    /// As the SDK names it: "DynamoDB", "S3", "SESv2", ...
    pub service: &'a str,
    pub operation: &'a str,
    /// The request, for what IAM decides on besides the operation (a transaction's
    /// kinds of writes, an index, an object key); `None` when a local stand-in did the
    /// operation's work ([`CallCounter::stood_in`]).
    pub input: Option<&'a Input>,
}

static OBSERVER: OnceLock<fn(Observed<'_>)> = OnceLock::new();

/// Sets, once per process, what hears of every operation of the counters made with
/// [`CallCounter::for_function`]. Without one, nothing is observed.
pub fn observe_operations(observer: fn(Observed<'_>)) {
    let _ = OBSERVER.set(observer);
}

#[derive(Debug, Default)]
struct Counts {
    calls: BTreeMap<(String, String), u64>,
    written: BTreeMap<(String, String), u64>,
    in_calls: Duration,
    in_calls_by: BTreeMap<(String, String), Duration>,
    received: u64,
    waiting: Duration,
    in_flight: usize,
    /// Since when at least one request has been in flight.
    busy_since: Option<Instant>,
    /// Operations armed to fail, each after letting so many calls through: that call
    /// fails before it is sent.
    faults: Vec<((String, String), u32)>,
}

/// What a [`CallCounter`] has counted so far, all operations together.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub calls: u64,
    pub items_written: u64,
    pub time_in_calls: Duration,
    pub time_waiting: Duration,
    /// Bytes of the response bodies (as their `Content-Length` says).
    pub bytes_received: u64,
}

impl CallCounter {
    pub fn new() -> Self {
        Self::default()
    }

    /// The same counts, with every operation from now on also told to the observer (see
    /// [`observe_operations`]) as `function`'s: each function's own clients count with
    /// one of these.
    pub fn for_function(&self, function: &str) -> CallCounter {
        CallCounter {
            counts: self.counts.clone(),
            function: Some(function.into()),
        }
    }

    /// What a local stand-in did in an AWS operation's place (the outbox for SES, the
    /// local event dispatcher for EventBridge): no call, so nothing is counted, but the
    /// observer hears of the operation the function performs in AWS.
    pub fn stood_in(&self, service: &str, operation: &str) {
        self.observe(service, operation, None);
    }

    /// As [`CallCounter::stood_in`], with the request the function would have sent, for
    /// operations whose IAM action depends on it (SES v2's `SendEmail` of raw content).
    pub fn stood_in_with(&self, service: &str, operation: &str, input: &Input) {
        self.observe(service, operation, Some(input));
    }

    fn observe(&self, service: &str, operation: &str, input: Option<&Input>) {
        if let (Some(function), Some(observer)) = (&self.function, OBSERVER.get()) {
            observer(Observed {
                function,
                service,
                operation,
                input,
            });
        }
    }

    /// Calls to one service (e.g. "DynamoDB"), all operations.
    pub fn service(&self, service: &str) -> u64 {
        self.lock()
            .calls
            .iter()
            .filter(|((s, _), _)| s == service)
            .map(|(_, n)| n)
            .sum()
    }

    /// Calls to one operation (e.g. "DynamoDB", "TransactWriteItems").
    pub fn operation(&self, service: &str, operation: &str) -> u64 {
        self.lock()
            .calls
            .get(&(service.to_string(), operation.to_string()))
            .copied()
            .unwrap_or(0)
    }

    /// Every (service, operation) with its count, for messages when a budget fails.
    pub fn snapshot(&self) -> BTreeMap<(String, String), u64> {
        self.lock().calls.clone()
    }

    /// Items written by one operation's calls (e.g. "DynamoDB", "TransactWriteItems").
    pub fn items_written_by(&self, service: &str, operation: &str) -> u64 {
        self.lock()
            .written
            .get(&(service.to_string(), operation.to_string()))
            .copied()
            .unwrap_or(0)
    }

    /// Items written by every call.
    pub fn items_written(&self) -> u64 {
        self.lock().written.values().sum()
    }

    /// The attempts' time in flight, summed (overlapping calls count each).
    pub fn time_in_calls(&self) -> Duration {
        self.lock().in_calls
    }

    /// The time in flight of one operation's attempts, summed.
    pub fn time_in(&self, service: &str, operation: &str) -> Duration {
        self.lock()
            .in_calls_by
            .get(&(service.to_string(), operation.to_string()))
            .copied()
            .unwrap_or_default()
    }

    /// Wall-clock time with at least one call in flight (overlapping calls count once),
    /// up to now.
    pub fn time_waiting(&self) -> Duration {
        let c = self.lock();
        c.waiting + c.busy_since.map_or(Duration::ZERO, |t| t.elapsed())
    }

    /// Calls, items written and time, all operations together.
    pub fn usage(&self) -> Usage {
        let c = self.lock();
        Usage {
            calls: c.calls.values().sum(),
            items_written: c.written.values().sum(),
            time_in_calls: c.in_calls,
            time_waiting: c.waiting + c.busy_since.map_or(Duration::ZERO, |t| t.elapsed()),
            bytes_received: c.received,
        }
    }

    /// Makes the next call of one operation (e.g. "Scheduler", "DeleteSchedule") fail
    /// before it is sent, as a network fault would: tests of what a failure half-way
    /// leaves behind.
    pub fn fail_next(&self, service: &str, operation: &str) {
        self.fail_after(service, operation, 0);
    }

    /// Like [`CallCounter::fail_next`], after letting `calls` calls of the operation
    /// through.
    pub fn fail_after(&self, service: &str, operation: &str, calls: u32) {
        self.lock()
            .faults
            .push(((service.to_string(), operation.to_string()), calls));
    }

    pub fn reset(&self) {
        let mut c = self.lock();
        c.calls.clear();
        c.written.clear();
        c.in_calls = Duration::ZERO;
        c.in_calls_by.clear();
        c.received = 0;
        c.waiting = Duration::ZERO;
        // Calls in flight go on counting from now.
        c.busy_since = (c.in_flight > 0).then(Instant::now);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Counts> {
        // A poisoned counter only means a test panicked mid-count; the numbers stay usable.
        self.counts.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn sent(&self, operation: Option<(String, String)>) -> InFlight {
        let now = Instant::now();
        let mut c = self.lock();
        if c.in_flight == 0 {
            c.busy_since = Some(now);
        }
        c.in_flight += 1;
        InFlight {
            counter: self.clone(),
            operation,
            sent_at: now,
        }
    }

    fn answered(&self, operation: Option<(String, String)>, sent_at: Instant) {
        let now = Instant::now();
        let took = now.saturating_duration_since(sent_at);
        let mut c = self.lock();
        c.in_calls += took;
        if let Some(op) = operation {
            *c.in_calls_by.entry(op).or_default() += took;
        }
        c.in_flight = c.in_flight.saturating_sub(1);
        if c.in_flight == 0 {
            if let Some(since) = c.busy_since.take() {
                c.waiting += now.saturating_duration_since(since);
            }
        }
    }
}

/// An attempt in flight, kept in the operation's config bag: dropped when the response
/// arrives, when the attempt fails, or when the caller drops the call, and counted then.
#[derive(Debug)]
struct InFlight {
    counter: CallCounter,
    operation: Option<(String, String)>,
    sent_at: Instant,
}

impl Storable for InFlight {
    type Storer = StoreReplace<Self>;
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.counter.answered(self.operation.take(), self.sent_at);
    }
}

/// Items a DynamoDB write operation writes; `None` for anything else.
fn items_written(input: &Input) -> Option<u64> {
    use aws_sdk_dynamodb::operation::{
        batch_write_item::BatchWriteItemInput, delete_item::DeleteItemInput,
        put_item::PutItemInput, transact_write_items::TransactWriteItemsInput,
        update_item::UpdateItemInput,
    };
    if let Some(t) = input.downcast_ref::<TransactWriteItemsInput>() {
        let writes = t
            .transact_items()
            .iter()
            .filter(|i| i.put.is_some() || i.update.is_some() || i.delete.is_some())
            .count();
        return Some(writes as u64);
    }
    if let Some(b) = input.downcast_ref::<BatchWriteItemInput>() {
        let writes: usize = b
            .request_items()
            .into_iter()
            .flat_map(|tables| tables.values())
            .map(|requests| {
                requests
                    .iter()
                    .filter(|r| r.put_request.is_some() || r.delete_request.is_some())
                    .count()
            })
            .sum();
        return Some(writes as u64);
    }
    let single = input.downcast_ref::<PutItemInput>().is_some()
        || input.downcast_ref::<UpdateItemInput>().is_some()
        || input.downcast_ref::<DeleteItemInput>().is_some();
    single.then_some(1)
}

impl Intercept for CallCounter {
    fn name(&self) -> &'static str {
        "CallCounter"
    }

    // Once per operation (not per retry), after the operation's metadata is configured.
    fn read_before_serialization(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(meta) = cfg.load::<Metadata>() {
            let key = (meta.service().to_string(), meta.name().to_string());
            self.observe(&key.0, &key.1, Some(context.input()));
            let written = items_written(context.input());
            let mut c = self.lock();
            if let Some(at) = c.faults.iter().position(|(f, _)| *f == key) {
                if c.faults[at].1 == 0 {
                    c.faults.remove(at);
                    return Err(format!("injected fault: {} {}", key.0, key.1).into());
                }
                c.faults[at].1 -= 1;
            }
            if let Some(n) = written {
                *c.written.entry(key.clone()).or_default() += n;
            }
            *c.calls.entry(key).or_default() += 1;
        }
        Ok(())
    }

    // Each attempt: from the signed request handed to the HTTP client...
    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let operation = cfg
            .load::<Metadata>()
            .map(|m| (m.service().to_string(), m.name().to_string()));
        cfg.interceptor_state().store_put(self.sent(operation));
        Ok(())
    }

    // ...to its response (unsetting drops the `InFlight`, which counts it)...
    fn read_after_transmit(
        &self,
        context: &BeforeDeserializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        cfg.interceptor_state().unset::<InFlight>();
        if let Some(n) = context.response().body().content_length() {
            self.lock().received += n;
        }
        Ok(())
    }

    // ...or to the end of an attempt that got no response.
    fn read_after_attempt(
        &self,
        _context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        cfg.interceptor_state().unset::<InFlight>();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use aws_sdk_dynamodb::{
        config::{BehaviorVersion, Credentials, Region},
        types::{
            AttributeValue, ConditionCheck, DeleteRequest, Put, PutRequest, TransactWriteItem,
            Update, WriteRequest,
        },
        Client,
    };
    use aws_smithy_runtime_api::{
        client::{
            http::{http_client_fn, HttpConnector, HttpConnectorFuture, SharedHttpConnector},
            orchestrator::{HttpRequest, HttpResponse},
        },
        http::StatusCode,
    };
    use aws_smithy_types::body::SdkBody;

    use super::CallCounter;

    /// A DynamoDB that answers every request with `{}` after `delay`.
    #[derive(Debug)]
    struct SlowStore {
        delay: Duration,
    }

    impl HttpConnector for SlowStore {
        fn call(&self, _request: HttpRequest) -> HttpConnectorFuture {
            let delay = self.delay;
            HttpConnectorFuture::new(async move {
                tokio::time::sleep(delay).await;
                Ok(HttpResponse::new(
                    StatusCode::try_from(200).expect("a status"),
                    SdkBody::from("{}"),
                ))
            })
        }
    }

    fn client(counter: &CallCounter, delay: Duration) -> Client {
        let connector = SharedHttpConnector::new(SlowStore { delay });
        let conf = aws_sdk_dynamodb::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("k", "s", None, None, "test"))
            .endpoint_url("http://127.0.0.1:9")
            .http_client(http_client_fn(move |_, _| connector.clone()))
            .interceptor(counter.clone())
            .build();
        Client::from_conf(conf)
    }

    fn key() -> std::collections::HashMap<String, AttributeValue> {
        [
            ("pk".to_string(), AttributeValue::S("A".into())),
            ("sk".to_string(), AttributeValue::S("B".into())),
        ]
        .into()
    }

    #[tokio::test]
    async fn counts_calls_items_written_and_time_waiting() {
        let counter = CallCounter::new();
        let delay = Duration::from_millis(30);
        let db = client(&counter, delay);
        let put = || {
            TransactWriteItem::builder()
                .put(
                    Put::builder()
                        .table_name("t")
                        .set_item(Some(key()))
                        .build()
                        .unwrap(),
                )
                .build()
        };
        let update = TransactWriteItem::builder()
            .update(
                Update::builder()
                    .table_name("t")
                    .set_key(Some(key()))
                    .update_expression("SET a = :a")
                    .expression_attribute_values(":a", AttributeValue::N("1".into()))
                    .build()
                    .unwrap(),
            )
            .build();
        let check = TransactWriteItem::builder()
            .condition_check(
                ConditionCheck::builder()
                    .table_name("t")
                    .set_key(Some(key()))
                    .condition_expression("attribute_exists(pk)")
                    .build()
                    .unwrap(),
            )
            .build();
        let started = Instant::now();
        db.transact_write_items()
            .transact_items(put())
            .transact_items(put())
            .transact_items(update)
            .transact_items(check)
            .send()
            .await
            .unwrap();
        let write = |delete: bool| {
            let w = WriteRequest::builder();
            if delete {
                w.delete_request(
                    DeleteRequest::builder()
                        .set_key(Some(key()))
                        .build()
                        .unwrap(),
                )
            } else {
                w.put_request(PutRequest::builder().set_item(Some(key())).build().unwrap())
            }
            .build()
        };
        db.batch_write_item()
            .request_items("t", vec![write(false), write(false), write(true)])
            .request_items("u", vec![write(false)])
            .send()
            .await
            .unwrap();
        db.put_item()
            .table_name("t")
            .set_item(Some(key()))
            .send()
            .await
            .unwrap();
        db.get_item()
            .table_name("t")
            .set_key(Some(key()))
            .send()
            .await
            .unwrap();
        let elapsed = started.elapsed();

        assert_eq!(counter.service("DynamoDB"), 4);
        assert_eq!(counter.operation("DynamoDB", "TransactWriteItems"), 1);
        assert_eq!(
            counter.items_written_by("DynamoDB", "TransactWriteItems"),
            3
        );
        assert_eq!(counter.items_written_by("DynamoDB", "BatchWriteItem"), 4);
        assert_eq!(counter.items_written_by("DynamoDB", "PutItem"), 1);
        assert_eq!(counter.items_written_by("DynamoDB", "GetItem"), 0);
        assert_eq!(counter.items_written(), 8);
        let usage = counter.usage();
        assert_eq!((usage.calls, usage.items_written), (4, 8));
        assert_eq!(usage.bytes_received, 4 * 2, "four answers of {{}}");
        // Four sequential calls, each waiting at least `delay`: the two measures agree,
        // and neither exceeds the wall-clock time.
        assert!(usage.time_in_calls >= delay * 4, "{usage:?}");
        assert!(usage.time_in_calls <= elapsed, "{usage:?} in {elapsed:?}");
        assert_eq!(usage.time_in_calls, usage.time_waiting);
        let by_operation: Duration = ["TransactWriteItems", "BatchWriteItem", "PutItem", "GetItem"]
            .iter()
            .map(|op| counter.time_in("DynamoDB", op))
            .sum();
        assert_eq!(by_operation, usage.time_in_calls);
        assert!(counter.time_in("DynamoDB", "GetItem") >= delay);

        counter.reset();
        assert_eq!(counter.usage(), super::Usage::default());
        assert!(counter.snapshot().is_empty());
    }

    #[tokio::test]
    async fn overlapping_calls_wait_once() {
        let counter = CallCounter::new();
        let delay = Duration::from_millis(60);
        let db = client(&counter, delay);
        let get = || db.get_item().table_name("t").set_key(Some(key())).send();
        let started = Instant::now();
        let (a, b, c) = tokio::join!(get(), get(), get());
        let elapsed = started.elapsed();
        a.unwrap();
        b.unwrap();
        c.unwrap();
        assert_eq!(counter.operation("DynamoDB", "GetItem"), 3);
        assert_eq!(counter.items_written(), 0);
        assert!(counter.time_in_calls() >= delay * 3);
        let waiting = counter.time_waiting();
        assert!(
            waiting >= delay && waiting <= elapsed,
            "{waiting:?} of {elapsed:?}"
        );
        assert!(waiting < counter.time_in_calls());
    }

    #[tokio::test]
    async fn a_dropped_call_stops_counting() {
        let counter = CallCounter::new();
        let db = client(&counter, Duration::from_secs(3600));
        let call = db.get_item().table_name("t").set_key(Some(key())).send();
        let started = Instant::now();
        let timed_out = tokio::time::timeout(Duration::from_millis(50), call).await;
        let elapsed = started.elapsed();
        assert!(timed_out.is_err());
        // The attempt was in flight for part of the 50 ms (the SDK prepares it first).
        let waited = counter.time_waiting();
        assert!(
            waited > Duration::ZERO && waited <= elapsed,
            "{waited:?} of {elapsed:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(
            counter.time_waiting(),
            waited,
            "nothing is in flight any more"
        );
        assert_eq!(counter.time_in_calls(), waited);
    }
}
