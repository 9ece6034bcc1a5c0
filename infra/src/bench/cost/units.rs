//! DynamoDB's capacity rules, as pure functions of the items a request touched: what
//! on-demand mode bills for each read and write.
//!
//! - Item size: attribute names plus values ([`super::super::sizes::item_size`]).
//! - Writes: one write request unit per started KB of the larger of the item before and
//!   after (a delete: the item deleted; a failed conditional write: the item as it was),
//!   two in a transaction (a transaction's `ConditionCheck` too). Each global secondary
//!   index the item is in before or after costs the same rule again (projection ALL: the
//!   index entry is the item): a put where it arrives, a delete where it leaves, both
//!   when an update changes its index key, one write when the key stays.
//! - Reads: one read request unit per started 4 KB, half for an eventually consistent
//!   read, two in a transaction; `GetItem` and each key of a `BatchGetItem` by the item
//!   (a missing item still costs the minimum), `Query` by the sum of the items it read.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use base64::Engine;
use serde_json::Value;

use store::Item;

use super::super::sizes::item_size;

const KB: usize = 1024;
const READ_UNIT: usize = 4 * KB;

/// A global secondary index: its name and key attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    pub name: String,
    pub keys: Vec<String>,
}

/// Write request units of one item's write: the table's and each index's.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WriteUnits {
    pub table: f64,
    pub indexes: f64,
    /// Index entries written (puts and deletes).
    pub index_writes: u64,
}

fn started(size: usize, unit: usize) -> usize {
    size.div_ceil(unit).max(1)
}

/// The index's key values of `item`, when the item has them all (is in the index).
fn index_key<'a>(item: Option<&'a Item>, index: &Index) -> Option<Vec<&'a AttributeValue>> {
    let item = item?;
    index.keys.iter().map(|k| item.get(k)).collect()
}

/// What writing one item costs: `before` and `after` as stored (`None`: absent), whether
/// the write succeeded, and whether it was part of a transaction.
pub fn write_units(
    before: Option<&Item>,
    after: Option<&Item>,
    indexes: &[Index],
    succeeded: bool,
    transactional: bool,
) -> WriteUnits {
    let size_before = before.map_or(0, item_size);
    let size_after = if succeeded {
        after.map_or(0, item_size)
    } else {
        0
    };
    let factor = if transactional { 2.0 } else { 1.0 };
    let mut units = WriteUnits {
        table: factor * started(size_before.max(size_after), KB) as f64,
        ..WriteUnits::default()
    };
    if !succeeded {
        return units;
    }
    for index in indexes {
        let (was, is) = (index_key(before, index), index_key(after, index));
        let writes: Vec<usize> = match (was, is) {
            (Some(a), Some(b)) if a == b => vec![size_before.max(size_after)],
            (Some(_), Some(_)) => vec![size_before, size_after],
            (Some(_), None) => vec![size_before],
            (None, Some(_)) => vec![size_after],
            (None, None) => vec![],
        };
        units.index_writes += writes.len() as u64;
        units.indexes += writes.iter().map(|s| started(*s, KB) as f64).sum::<f64>();
    }
    units
}

/// Read request units of reading `bytes` in one request (one item, or a Query's page).
pub fn read_units(bytes: usize, consistent: bool, transactional: bool) -> f64 {
    let units = started(bytes, READ_UNIT) as f64;
    if transactional {
        2.0 * units
    } else if consistent {
        units
    } else {
        units / 2.0
    }
}

/// The bytes a Query read: its items' sizes, scaled up to the items it evaluated when a
/// filter dropped some (`scanned` > `returned`); evaluated items none of which came back
/// are counted at `unseen` bytes each.
pub fn query_bytes(sizes: &[usize], scanned: usize, unseen: usize) -> usize {
    let returned = sizes.len();
    let sum: usize = sizes.iter().sum();
    if scanned <= returned {
        return sum;
    }
    (sum * scanned)
        .checked_div(returned)
        .unwrap_or(scanned * unseen)
}

/// An attribute value from DynamoDB's wire format (`{"S": "…"}`, `{"N": "…"}`, …).
pub fn attribute(v: &Value) -> Option<AttributeValue> {
    let (kind, v) = v.as_object()?.iter().next()?;
    let b64 = |s: &Value| {
        base64::engine::general_purpose::STANDARD
            .decode(s.as_str()?)
            .ok()
            .map(aws_sdk_dynamodb::primitives::Blob::new)
    };
    let strings = |v: &Value| -> Option<Vec<String>> {
        v.as_array()?
            .iter()
            .map(|s| s.as_str().map(str::to_string))
            .collect()
    };
    Some(match kind.as_str() {
        "S" => AttributeValue::S(v.as_str()?.to_string()),
        "N" => AttributeValue::N(v.as_str()?.to_string()),
        "B" => AttributeValue::B(b64(v)?),
        "BOOL" => AttributeValue::Bool(v.as_bool()?),
        "NULL" => AttributeValue::Null(true),
        "SS" => AttributeValue::Ss(strings(v)?),
        "NS" => AttributeValue::Ns(strings(v)?),
        "BS" => AttributeValue::Bs(v.as_array()?.iter().map(b64).collect::<Option<_>>()?),
        "L" => AttributeValue::L(v.as_array()?.iter().map(attribute).collect::<Option<_>>()?),
        "M" => AttributeValue::M(item(v)?),
        _ => return None,
    })
}

/// An item (or key) from DynamoDB's wire format.
pub fn item(v: &Value) -> Option<Item> {
    v.as_object()?
        .iter()
        .map(|(k, v)| Some((k.clone(), attribute(v)?)))
        .collect::<Option<HashMap<_, _>>>()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn s(v: &str) -> AttributeValue {
        AttributeValue::S(v.into())
    }

    fn indexes() -> Vec<Index> {
        ["gsi1", "gsi2"]
            .iter()
            .map(|n| Index {
                name: n.to_string(),
                keys: vec![format!("{n}pk"), format!("{n}sk")],
            })
            .collect()
    }

    /// An item of about `size` bytes, in gsi1 at `seen` when given.
    fn computer(size: usize, seen: Option<&str>) -> Item {
        let mut i: Item = [("pk".to_string(), s("F")), ("sk".to_string(), s("C"))].into();
        if let Some(seen) = seen {
            i.insert("gsi1pk".into(), s("S"));
            i.insert("gsi1sk".into(), s(seen));
        }
        let pad = size.saturating_sub(item_size(&i) + 3);
        i.insert("pad".into(), s(&"x".repeat(pad)));
        i
    }

    #[test]
    fn a_put_costs_a_unit_per_started_kilobyte_and_twice_in_a_transaction() {
        let small = computer(1000, None);
        let large = computer(2500, None);
        assert_eq!(item_size(&large), 2500);
        assert_eq!(write_units(None, Some(&small), &[], true, false).table, 1.0);
        assert_eq!(write_units(None, Some(&large), &[], true, false).table, 3.0);
        assert_eq!(write_units(None, Some(&large), &[], true, true).table, 6.0);
        // An update is billed by the larger image: a shrinking item costs its old size.
        assert_eq!(
            write_units(Some(&large), Some(&small), &[], true, false).table,
            3.0
        );
        // Deleting what is absent, or a failed condition, still costs the minimum.
        let gone = write_units(None, None, &indexes(), true, false);
        assert_eq!((gone.table, gone.indexes), (1.0, 0.0));
        let refused = write_units(Some(&large), None, &indexes(), false, true);
        assert_eq!((refused.table, refused.indexes), (6.0, 0.0));
    }

    #[test]
    fn every_index_the_item_is_in_costs_its_writes_too() {
        let idx = indexes();
        let new = write_units(None, Some(&computer(1500, Some("t1"))), &idx, true, true);
        assert_eq!((new.table, new.indexes, new.index_writes), (4.0, 2.0, 1));
        // The same key in the index: one write of the larger size.
        let same = write_units(
            Some(&computer(900, Some("t1"))),
            Some(&computer(1100, Some("t1"))),
            &idx,
            true,
            false,
        );
        assert_eq!((same.table, same.indexes, same.index_writes), (2.0, 2.0, 1));
        // A moved key: the old entry deleted, the new one put.
        let moved = write_units(
            Some(&computer(900, Some("t1"))),
            Some(&computer(1100, Some("t2"))),
            &idx,
            true,
            false,
        );
        assert_eq!((moved.indexes, moved.index_writes), (3.0, 2));
        // Leaving the index deletes its entry; never in it costs nothing there.
        let left = write_units(
            Some(&computer(500, Some("t1"))),
            Some(&computer(500, None)),
            &idx,
            true,
            false,
        );
        assert_eq!((left.indexes, left.index_writes), (1.0, 1));
        let deleted = write_units(Some(&computer(500, Some("t1"))), None, &idx, true, false);
        assert_eq!((deleted.table, deleted.indexes), (1.0, 1.0));
    }

    #[test]
    fn reads_cost_a_unit_per_started_four_kilobytes_half_when_eventually_consistent() {
        assert_eq!(read_units(0, true, false), 1.0);
        assert_eq!(read_units(4096, true, false), 1.0);
        assert_eq!(read_units(4097, true, false), 2.0);
        assert_eq!(read_units(4097, false, false), 1.0);
        assert_eq!(read_units(100, false, false), 0.5);
        assert_eq!(read_units(9000, false, true), 6.0);
    }

    #[test]
    fn a_filtered_query_pays_for_what_it_evaluated() {
        assert_eq!(query_bytes(&[100, 300], 2, 1024), 400);
        assert_eq!(query_bytes(&[100, 300], 8, 1024), 1600);
        assert_eq!(query_bytes(&[], 3, 1024), 3072);
        assert_eq!(query_bytes(&[], 0, 1024), 0);
    }

    #[test]
    fn wire_items_read_as_attribute_values() {
        let wire = json!({
            "pk": {"S": "CUSTOMER#1"},
            "n": {"N": "42"},
            "b": {"B": "AAEC"},
            "ok": {"BOOL": true},
            "none": {"NULL": true},
            "tags": {"SS": ["a", "bc"]},
            "l": {"L": [{"N": "1"}, {"S": "x"}]},
            "m": {"M": {"a": {"BOOL": false}}},
        });
        let i = item(&wire).unwrap();
        assert_eq!(i["b"], AttributeValue::B(vec![0u8, 1, 2].into()));
        assert_eq!(i["tags"], AttributeValue::Ss(vec!["a".into(), "bc".into()]));
        // 2+10, 1+2, 1+3, 2+1, 4+1, 4+3, 1+(3+1+2+1+1), 1+(3+1+1+1)
        assert_eq!(item_size(&i), 12 + 3 + 4 + 3 + 5 + 7 + 9 + 7);
        assert!(item(&json!({"x": {"Q": 1}})).is_none());
    }
}
