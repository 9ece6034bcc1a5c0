//! Cursor pagination. A cursor is DynamoDB's last evaluated key, encoded so clients treat
//! it as opaque, and checked to belong to the caller's partition before it is used.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::Problem;
use store::Item;

pub const DEFAULT_LIMIT: i32 = 25;
pub const MAX_LIMIT: i32 = 100;

/// `?limit=&cursor=` on every list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Items per page, 1–100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i32>,
    /// `nextCursor` from the previous page.
    pub cursor: Option<String>,
    /// `csv` to download the list as CSV (same as `Accept: text/csv`).
    pub format: Option<String>,
}

impl PageParams {
    pub fn limit(&self) -> Result<i32, Problem> {
        match self.limit {
            None => Ok(DEFAULT_LIMIT),
            Some(l) if (1..=MAX_LIMIT).contains(&l) => Ok(l),
            Some(_) => Err(Problem::validation(vec![domain::FieldError {
                field: "limit".into(),
                message: format!("must be between 1 and {MAX_LIMIT}"),
            }])),
        }
    }

    /// The start key for a query of `partition` (in `index`, or the table when `None`),
    /// if the cursor is valid for it.
    pub fn start(&self, index: Option<&str>, partition: &str) -> Result<Option<Item>, Problem> {
        self.cursor
            .as_deref()
            .map(|c| Cursor::decode(c, index, partition))
            .transpose()
    }
}

/// A page of results.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListResponse<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

pub struct Cursor;

/// The key attributes a cursor may carry.
const KEY_NAMES: [&str; 8] = [
    "pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "gsi3pk", "gsi3sk",
];

/// The attributes a start key must have exactly: the table's keys, plus the index's.
fn required_keys(index: Option<&str>) -> &'static [&'static str] {
    match index {
        Some("gsi2") => &["pk", "sk", "gsi2pk", "gsi2sk"],
        Some("gsi3") => &["pk", "sk", "gsi3pk", "gsi3sk"],
        Some(_) => &KEY_NAMES[..4],
        None => &KEY_NAMES[..2],
    }
}

/// The attribute holding the partition key of `index` (the table when `None`).
fn partition_key(index: Option<&str>) -> &'static str {
    match index {
        Some("gsi2") => "gsi2pk",
        Some("gsi3") => "gsi3pk",
        Some(_) => "gsi1pk",
        None => "pk",
    }
}

impl Cursor {
    /// Encodes a last evaluated key. `partition` is the key the query read (pk, or gsi1pk
    /// for the index), recorded so the cursor cannot be replayed against another one.
    pub fn encode(key: &Item) -> String {
        let plain: HashMap<&str, &str> = KEY_NAMES
            .iter()
            .filter_map(|n| {
                key.get(*n)
                    .and_then(|v| v.as_s().ok())
                    .map(|v| (*n, v.as_str()))
            })
            .collect();
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&plain).unwrap_or_default())
    }

    /// Decodes a cursor for a query of `partition` in `index` (the table when `None`).
    /// It must carry exactly that query's key attributes, with that partition.
    pub fn decode(cursor: &str, index: Option<&str>, partition: &str) -> Result<Item, Problem> {
        let invalid = || {
            Problem::validation(vec![domain::FieldError {
                field: "cursor".into(),
                message: "is not a cursor from this list".into(),
            }])
        };
        let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
        let plain: HashMap<String, String> =
            serde_json::from_slice(&bytes).map_err(|_| invalid())?;
        let required = required_keys(index);
        let partition_key = partition_key(index);
        let exact =
            plain.len() == required.len() && required.iter().all(|k| plain.contains_key(*k));
        if !exact || plain.get(partition_key).map(String::as_str) != Some(partition) {
            return Err(invalid());
        }
        Ok(plain
            .into_iter()
            .map(|(k, v)| (k, AttributeValue::S(v)))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(pk: &str, sk: &str) -> Item {
        HashMap::from([
            ("pk".to_string(), AttributeValue::S(pk.into())),
            ("sk".to_string(), AttributeValue::S(sk.into())),
        ])
    }

    #[test]
    fn a_cursor_round_trips_within_its_partition() {
        let k = key("PARTNER#ptn_a", "AUDIT#2026");
        let c = Cursor::encode(&k);
        assert_eq!(Cursor::decode(&c, None, "PARTNER#ptn_a").unwrap(), k);
    }

    #[test]
    fn another_partitions_cursor_is_refused() {
        let c = Cursor::encode(&key("PARTNER#ptn_other", "AUDIT#2026"));
        let p = Cursor::decode(&c, None, "PARTNER#ptn_a").unwrap_err();
        assert_eq!((p.status, p.errors[0].field.as_str()), (422, "cursor"));
        assert!(Cursor::decode("!!not-base64", None, "PARTNER#ptn_a").is_err());
    }

    #[test]
    fn an_index_cursor_is_checked_against_the_index_partition() {
        let mut k = key("PARTNER#ptn_a", "AUDIT#1");
        k.insert(
            "gsi1pk".into(),
            AttributeValue::S("AUDITUSER#ptn_a#usr_b".into()),
        );
        k.insert("gsi1sk".into(), AttributeValue::S("AUDIT#1".into()));
        let c = Cursor::encode(&k);
        assert!(Cursor::decode(&c, Some("gsi1"), "AUDITUSER#ptn_a#usr_b").is_ok());
        assert!(Cursor::decode(&c, Some("gsi1"), "AUDITUSER#ptn_a#usr_other").is_err());
        assert!(Cursor::decode(&c, None, "PARTNER#ptn_a").is_err());
    }

    #[test]
    fn a_hand_made_cursor_missing_key_attributes_is_refused() {
        let partial = URL_SAFE_NO_PAD.encode(r#"{"gsi1pk":"AUDITUSER#ptn_a#usr_b"}"#);
        let p = Cursor::decode(&partial, Some("gsi1"), "AUDITUSER#ptn_a#usr_b").unwrap_err();
        assert_eq!(p.status, 422);
        let extra = URL_SAFE_NO_PAD.encode(r#"{"pk":"PARTNER#ptn_a","sk":"x","kind":"User"}"#);
        assert!(Cursor::decode(&extra, None, "PARTNER#ptn_a").is_err());
    }

    #[test]
    fn limits_outside_one_to_a_hundred_are_refused() {
        let p = |l| PageParams {
            limit: Some(l),
            ..PageParams::default()
        };
        assert_eq!(p(100).limit().unwrap(), 100);
        assert_eq!(p(0).limit().unwrap_err().status, 422);
        assert_eq!(p(101).limit().unwrap_err().status, 422);
        assert_eq!(PageParams::default().limit().unwrap(), DEFAULT_LIMIT);
    }
}
