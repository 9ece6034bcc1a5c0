//! Item sizes.

use super::*;

/// An attribute value's size as DynamoDB counts it for capacity: strings and binaries
/// by their bytes, numbers about one byte per two significant digits plus one, lists and
/// maps 3 bytes plus one a member plus their members.
pub(super) fn value_size(v: &AttributeValue) -> usize {
    match v {
        AttributeValue::S(s) => s.len(),
        AttributeValue::N(n) => number_size(n),
        AttributeValue::B(b) => b.as_ref().len(),
        AttributeValue::Bool(_) | AttributeValue::Null(_) => 1,
        AttributeValue::Ss(v) => v.iter().map(String::len).sum(),
        AttributeValue::Ns(v) => v.iter().map(|n| number_size(n)).sum(),
        AttributeValue::Bs(v) => v.iter().map(|b| b.as_ref().len()).sum(),
        AttributeValue::L(l) => 3 + l.iter().map(|v| 1 + value_size(v)).sum::<usize>(),
        AttributeValue::M(m) => {
            3 + m
                .iter()
                .map(|(k, v)| 1 + k.len() + value_size(v))
                .sum::<usize>()
        }
        _ => 0,
    }
}

pub(super) fn number_size(n: &str) -> usize {
    let digits: String = n.chars().filter(char::is_ascii_digit).collect();
    let significant = digits.trim_start_matches('0').trim_end_matches('0').len();
    significant.max(1).div_ceil(2) + 1
}

pub(super) fn item_size(item: &Item) -> usize {
    item.iter().map(|(k, v)| k.len() + value_size(v)).sum()
}

/// Sizes of the items of one kind in the partitions read.
#[derive(Debug, Default)]
pub(super) struct Sizes {
    pub(super) sizes: Vec<usize>,
}

pub(super) fn kind_of(item: &Item) -> String {
    let kind = item
        .get("kind")
        .and_then(|v| v.as_s().ok())
        .cloned()
        .unwrap_or_default();
    let sk = item
        .get("sk")
        .and_then(|v| v.as_s().ok())
        .cloned()
        .unwrap_or_default();
    let pk = item
        .get("pk")
        .and_then(|v| v.as_s().ok())
        .cloned()
        .unwrap_or_default();
    let level = if pk.starts_with("FLEETS#") {
        "partner"
    } else {
        "customer"
    };
    match kind.as_str() {
        "FleetBucket" if sk.starts_with("BUCKET#D#") => format!("{level} day bucket"),
        "FleetBucket" => format!("{level} hour bucket"),
        "Fleet" => "customer fleet counters (`CURRENT`)".into(),
        "PartnerFleet" => "partner fleet counters (`CURRENT`)".into(),
        "RiskSpread" => "risk spread (partner, per risk and customer)".into(),
        "Event" => "event".into(),
        "Computer" => "computer".into(),
        other => other.to_string(),
    }
}
