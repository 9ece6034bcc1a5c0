//! The cost bench's HTTP client: the functions' SDK clients send through it, and it
//! prices what each DynamoDB request read and wrote ([`super::units`]), and counts the
//! bytes put in S3. Production code is unchanged and makes no extra call: the items'
//! sizes come from the requests and responses, and where a write's stored result is not
//! in them (an update, a put that replaces) the meter reads the item before and after
//! with a client of its own, which nothing counts.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex, OnceLock},
};

use aws_smithy_runtime_api::client::{
    http::{
        http_client_fn, HttpClient, HttpConnector, HttpConnectorFuture, SharedHttpClient,
        SharedHttpConnector,
    },
    orchestrator::{HttpRequest, HttpResponse},
    result::ConnectorError,
};
use aws_smithy_types::{body::SdkBody, byte_stream::ByteStream};
use serde_json::Value;
use store::Item;

use super::units::{item, query_bytes, read_units, write_units, Index};
use crate::bench::sizes::item_size;

/// Bytes counted for each item a filtered Query evaluated and dropped when none came
/// back (its size is not in the answer): about a computer's or an alert's.
const UNSEEN_ITEM_BYTES: usize = 700;

/// What the metered requests cost so far.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Measured {
    pub read_units: f64,
    pub write_units_table: f64,
    pub write_units_indexes: f64,
    /// Items read (returned by GetItem, BatchGetItem, Query).
    pub items_read: u64,
    /// Writes by the written item's `kind`: (items, table units, index units).
    pub by_kind: BTreeMap<String, (u64, f64, f64)>,
    /// Items created (absent before) by `kind`: alerts raised, reports, ...
    pub created: BTreeMap<String, u64>,
    pub s3_put_bytes: u64,
}

impl Measured {
    pub fn write_units(&self) -> f64 {
        self.write_units_table + self.write_units_indexes
    }
}

/// Shared by the client and the bench; cloning shares the counts.
#[derive(Debug, Clone)]
pub struct Meter {
    measured: Arc<Mutex<Measured>>,
    indexes: Arc<Vec<Index>>,
    reader: Arc<OnceLock<aws_sdk_dynamodb::Client>>,
}

impl Meter {
    pub fn new(indexes: Vec<Index>) -> Self {
        Meter {
            measured: Arc::default(),
            indexes: Arc::new(indexes),
            reader: Arc::default(),
        }
    }

    /// The client that reads items back (on a plain HTTP client: not metered, not
    /// counted), on the server the metered stack lives on; until it is set, writes are
    /// priced as if the items were new.
    pub fn read_with(&self, reader: aws_sdk_dynamodb::Client) {
        let _ = self.reader.set(reader);
    }

    /// The HTTP client for the SDK: `base`'s connections, metered.
    pub fn http_client(&self, base: SharedHttpClient) -> SharedHttpClient {
        let meter = self.clone();
        http_client_fn(move |settings, components| {
            SharedHttpConnector::new(Metered {
                inner: base.http_connector(settings, components),
                meter: meter.clone(),
            })
        })
    }

    /// What was measured since the last take, and a fresh start.
    pub fn take(&self) -> Measured {
        std::mem::take(&mut *self.lock())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Measured> {
        self.measured.lock().unwrap_or_else(|e| e.into_inner())
    }

    async fn read_back(&self, table: &str, key: &Item) -> Option<Item> {
        self.reader
            .get()?
            .get_item()
            .table_name(table)
            .set_key(Some(key.clone()))
            .consistent_read(true)
            .send()
            .await
            .ok()?
            .item
    }

    fn key_of(item: &Item) -> Item {
        ["pk", "sk"]
            .iter()
            .filter_map(|k| Some((k.to_string(), item.get(*k)?.clone())))
            .collect()
    }

    fn record_write(
        &self,
        before: Option<&Item>,
        after: Option<&Item>,
        succeeded: bool,
        transactional: bool,
    ) {
        let u = write_units(before, after, &self.indexes, succeeded, transactional);
        let kind = after
            .or(before)
            .and_then(|i| i.get("kind"))
            .and_then(|k| k.as_s().ok())
            .cloned()
            .unwrap_or_else(|| "(guard or marker)".into());
        let mut m = self.lock();
        m.write_units_table += u.table;
        m.write_units_indexes += u.indexes;
        let e = m.by_kind.entry(kind.clone()).or_default();
        e.0 += 1;
        e.1 += u.table;
        e.2 += u.indexes;
        if succeeded && before.is_none() && after.is_some() {
            *m.created.entry(kind).or_default() += 1;
        }
    }

    fn record_read(&self, units: f64, items: u64) {
        let mut m = self.lock();
        m.read_units += units;
        m.items_read += items;
    }
}

/// One write a request asks for.
struct Write {
    table: String,
    key: Item,
    /// The item a put stores (its size is in the request).
    put: Option<Item>,
    delete: bool,
    check: bool,
}

fn table_of(v: &Value) -> String {
    v["TableName"].as_str().unwrap_or_default().to_string()
}

/// The writes of a DynamoDB write request, and whether it is a transaction.
fn writes(operation: &str, body: &Value) -> Option<(Vec<Write>, bool)> {
    let put = |v: &Value, table: String| {
        let i = item(&v["Item"])?;
        Some(Write {
            table,
            key: Meter::key_of(&i),
            put: Some(i),
            delete: false,
            check: false,
        })
    };
    let keyed = |v: &Value, table: String, delete: bool, check: bool| {
        Some(Write {
            table,
            key: item(&v["Key"])?,
            put: None,
            delete,
            check,
        })
    };
    match operation {
        "PutItem" => Some((vec![put(body, table_of(body))?], false)),
        "UpdateItem" => Some((vec![keyed(body, table_of(body), false, false)?], false)),
        "DeleteItem" => Some((vec![keyed(body, table_of(body), true, false)?], false)),
        "TransactWriteItems" => {
            let mut all = Vec::new();
            for t in body["TransactItems"].as_array()? {
                let w = if let Some(p) = t.get("Put") {
                    put(p, table_of(p))
                } else if let Some(u) = t.get("Update") {
                    keyed(u, table_of(u), false, false)
                } else if let Some(d) = t.get("Delete") {
                    keyed(d, table_of(d), true, false)
                } else {
                    let c = t.get("ConditionCheck")?;
                    keyed(c, table_of(c), false, true)
                };
                all.push(w?);
            }
            Some((all, true))
        }
        "BatchWriteItem" => {
            let mut all = Vec::new();
            for (table, requests) in body["RequestItems"].as_object()? {
                for r in requests.as_array()? {
                    let w = if let Some(p) = r.get("PutRequest") {
                        put(p, table.clone())
                    } else {
                        keyed(r.get("DeleteRequest")?, table.clone(), true, false)
                    };
                    all.push(w?);
                }
            }
            Some((all, false))
        }
        _ => None,
    }
}

#[derive(Debug)]
struct Metered {
    inner: SharedHttpConnector,
    meter: Meter,
}

impl HttpConnector for Metered {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let inner = self.inner.clone();
        let meter = self.meter.clone();
        HttpConnectorFuture::new(async move {
            let target = request
                .headers()
                .get("x-amz-target")
                .and_then(|t| t.strip_prefix("DynamoDB_20120810."))
                .map(str::to_string);
            let Some(operation) = target else {
                if request.method() == "PUT" {
                    let bytes = request
                        .headers()
                        .get("content-length")
                        .and_then(|l| l.parse::<u64>().ok())
                        .unwrap_or(0);
                    meter.lock().s3_put_bytes += bytes;
                }
                return inner.call(request).await;
            };
            let body: Value = request
                .body()
                .bytes()
                .and_then(|b| serde_json::from_slice(b).ok())
                .unwrap_or(Value::Null);
            let planned = writes(&operation, &body);
            let mut before = Vec::new();
            if let Some((ws, _)) = &planned {
                for w in ws {
                    before.push(meter.read_back(&w.table, &w.key).await);
                }
            }
            let response = inner.call(request).await?;
            let (response, answer) = buffered(response).await?;
            let succeeded = response.status().is_success();
            if let Some((ws, transactional)) = planned {
                for (w, was) in ws.iter().zip(before) {
                    if w.check {
                        meter.record_check(was.as_ref());
                        continue;
                    }
                    let now = if !succeeded || w.delete {
                        None
                    } else if w.put.is_some() && was.is_none() {
                        w.put.clone()
                    } else {
                        meter.read_back(&w.table, &w.key).await
                    };
                    meter.record_write(was.as_ref(), now.as_ref(), succeeded, transactional);
                }
            } else if succeeded {
                meter.price_read(&operation, &body, &answer);
            }
            Ok(response)
        })
    }
}

impl Meter {
    fn record_check(&self, item: Option<&Item>) {
        let u = write_units(item, None, &[], false, true);
        let mut m = self.lock();
        m.write_units_table += u.table;
        let e = m.by_kind.entry("(condition check)".into()).or_default();
        e.0 += 1;
        e.1 += u.table;
    }

    fn price_read(&self, operation: &str, request: &Value, answer: &Value) {
        let consistent = |v: &Value| v["ConsistentRead"].as_bool().unwrap_or(false);
        let size = |v: &Value| item(v).map_or(0, |i| item_size(&i));
        match operation {
            "GetItem" => {
                let found = answer.get("Item");
                self.record_read(
                    read_units(found.map_or(0, size), consistent(request), false),
                    found.is_some() as u64,
                );
            }
            "BatchGetItem" => {
                for (table, ask) in request["RequestItems"].as_object().into_iter().flatten() {
                    let keys = ask["Keys"].as_array().map_or(0, Vec::len);
                    let got: Vec<usize> = answer["Responses"][table]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(size)
                        .collect();
                    let c = consistent(ask);
                    let missing = keys.saturating_sub(got.len());
                    let units = got.iter().map(|s| read_units(*s, c, false)).sum::<f64>()
                        + missing as f64 * read_units(0, c, false);
                    self.record_read(units, got.len() as u64);
                }
            }
            "Query" | "Scan" => {
                let sizes: Vec<usize> = answer["Items"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(size)
                    .collect();
                let scanned = answer["ScannedCount"].as_u64().unwrap_or(0) as usize;
                let bytes = query_bytes(&sizes, scanned, UNSEEN_ITEM_BYTES);
                self.record_read(
                    read_units(bytes, consistent(request), false),
                    sizes.len() as u64,
                );
            }
            "TransactGetItems" => {
                for r in answer["Responses"].as_array().into_iter().flatten() {
                    self.record_read(read_units(size(&r["Item"]), true, true), 1);
                }
            }
            _ => {}
        }
    }
}

/// The response with its body read (DynamoDB's answers are small JSON documents), and
/// the body parsed.
async fn buffered(response: HttpResponse) -> Result<(HttpResponse, Value), ConnectorError> {
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = ByteStream::new(response.into_body())
        .collect()
        .await
        .map_err(|e| ConnectorError::io(e.into()))?
        .into_bytes();
    let answer = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    let mut rebuilt = HttpResponse::new(status, SdkBody::from(bytes));
    *rebuilt.headers_mut() = headers;
    Ok((rebuilt, answer))
}

#[cfg(test)]
mod tests {
    use aws_sdk_dynamodb::types::AttributeValue;
    use serde_json::json;

    use super::*;

    fn s(v: &str) -> AttributeValue {
        AttributeValue::S(v.into())
    }

    /// A table of its own on the tests' moto server, with the one index the test prices.
    async fn table(plain: &aws_sdk_dynamodb::Client) -> String {
        use aws_sdk_dynamodb::types::{
            AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType,
            Projection, ProjectionType, ScalarAttributeType,
        };
        let name = format!(
            "meter-{}",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("after 1970")
                .as_nanos()
        );
        let key = |n: &str, t: KeyType| {
            KeySchemaElement::builder()
                .attribute_name(n)
                .key_type(t)
                .build()
                .expect("a key")
        };
        let attr = |n: &str| {
            AttributeDefinition::builder()
                .attribute_name(n)
                .attribute_type(ScalarAttributeType::S)
                .build()
                .expect("an attribute")
        };
        plain
            .create_table()
            .table_name(&name)
            .billing_mode(BillingMode::PayPerRequest)
            .key_schema(key("pk", KeyType::Hash))
            .key_schema(key("sk", KeyType::Range))
            .set_attribute_definitions(Some(["pk", "sk", "gsi1pk", "gsi1sk"].map(attr).to_vec()))
            .global_secondary_indexes(
                GlobalSecondaryIndex::builder()
                    .index_name("gsi1")
                    .key_schema(key("gsi1pk", KeyType::Hash))
                    .key_schema(key("gsi1sk", KeyType::Range))
                    .projection(
                        Projection::builder()
                            .projection_type(ProjectionType::All)
                            .build(),
                    )
                    .build()
                    .expect("an index"),
            )
            .send()
            .await
            .expect("the table is made");
        name
    }

    /// Against moto: what the SDK really sends and moto really answers.
    #[tokio::test]
    async fn the_meter_prices_what_the_sdk_sends_and_receives() {
        let endpoint = testkit::endpoint();
        let plain = aws_sdk_dynamodb::Client::new(&testkit::sdk_config(&endpoint).await);
        let t = table(&plain).await;
        let index = Index {
            name: "gsi1".into(),
            keys: vec!["gsi1pk".into(), "gsi1sk".into()],
        };
        let meter = Meter::new(vec![index]);
        meter.read_with(plain.clone());
        let db = aws_sdk_dynamodb::Client::new(
            &testkit::sdk_config_with(
                &endpoint,
                meter.http_client(adapters::tls::sdk_http_client()),
            )
            .await,
        );
        // A new item of 1,500 bytes in gsi1: 2 units in the table, 2 in the index.
        let mut item: Item = [
            ("pk".to_string(), s("CUSTOMER#1")),
            ("sk".to_string(), s("ACCOUNT")),
            ("gsi1pk".to_string(), s("CUSTOMERS#p")),
            ("gsi1sk".to_string(), s("NAME#a")),
            ("kind".to_string(), s("Customer")),
        ]
        .into();
        let pad = 1500 - item_size(&item) - 3;
        item.insert("pad".into(), s(&"x".repeat(pad)));
        assert_eq!(item_size(&item), 1500);
        db.put_item()
            .table_name(&t)
            .set_item(Some(item))
            .send()
            .await
            .unwrap();
        db.query()
            .table_name(&t)
            .key_condition_expression("pk = :p")
            .expression_attribute_values(":p", s("CUSTOMER#1"))
            .send()
            .await
            .unwrap();
        let m = meter.take();
        assert_eq!((m.write_units_table, m.write_units_indexes), (2.0, 2.0));
        assert_eq!(m.by_kind["Customer"], (1, 2.0, 2.0));
        assert_eq!(m.created["Customer"], 1);
        // The one item, 1,500 bytes: one 4 KB unit, halved as the read is eventually
        // consistent.
        assert_eq!((m.read_units, m.items_read), (0.5, 1));
        assert_eq!(meter.take(), Measured::default(), "taking starts afresh");
    }

    #[test]
    fn a_transaction_lists_its_puts_updates_deletes_and_checks() {
        let body = json!({"TransactItems": [
            {"Put": {"TableName": "t", "Item": {"pk": {"S": "A"}, "sk": {"S": "1"}, "x": {"N": "1"}}}},
            {"Update": {"TableName": "t", "Key": {"pk": {"S": "A"}, "sk": {"S": "2"}}, "UpdateExpression": "SET x = :x"}},
            {"Delete": {"TableName": "t", "Key": {"pk": {"S": "A"}, "sk": {"S": "3"}}}},
            {"ConditionCheck": {"TableName": "t", "Key": {"pk": {"S": "G"}, "sk": {"S": "G"}}}},
        ]});
        let (ws, transactional) = writes("TransactWriteItems", &body).unwrap();
        assert!(transactional);
        assert_eq!(ws.len(), 4);
        assert_eq!(ws[0].key["sk"], s("1"));
        assert!(ws[0].put.is_some() && !ws[0].delete && !ws[0].check);
        assert!(ws[1].put.is_none() && !ws[1].delete);
        assert!(ws[2].delete);
        assert!(ws[3].check);
        let batch = json!({"RequestItems": {"t": [
            {"PutRequest": {"Item": {"pk": {"S": "B"}, "sk": {"S": "1"}}}},
            {"DeleteRequest": {"Key": {"pk": {"S": "B"}, "sk": {"S": "2"}}}},
        ]}});
        let (ws, transactional) = writes("BatchWriteItem", &batch).unwrap();
        assert!(!transactional);
        assert_eq!((ws.len(), ws[0].table.as_str()), (2, "t"));
        assert!(ws[1].delete);
        assert!(writes("Query", &json!({})).is_none());
    }
}
