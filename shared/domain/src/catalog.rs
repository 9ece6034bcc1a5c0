//! The product catalog, as data: what a partner can provision for a customer, whether it
//! has a trial, and what its capacity counts. Trials are 60 days with 50 seats (the
//! guide's "Converting trials and adding paid services to an account").

use serde::Serialize;
use utoipa::ToSchema;

/// Length of every trial.
pub const TRIAL_DAYS: i64 = 60;
/// Seats in every trial.
pub const TRIAL_SEATS: u32 = 50;
/// Most seats one paid subscription may have.
pub const MAX_SEATS: u32 = 100_000;

/// What a product's capacity counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum CapacityUnit {
    Devices,
    Users,
    Mailboxes,
}

/// One product of the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Product {
    /// Stable identifier, used in requests and stored on entitlements.
    pub id: &'static str,
    pub name: &'static str,
    /// A family filter on the Customers page ("Product Types").
    pub product_type: &'static str,
    pub capacity_unit: CapacityUnit,
    pub has_trial: bool,
    /// Length of one paid term; a paid subscription renews by this much.
    pub term_months: u32,
}

/// Every product, in the order the console lists them.
pub const CATALOG: &[Product] = &[
    Product {
        id: "endpoint-protection",
        name: "Endpoint Protection Cloud",
        product_type: "endpoint",
        capacity_unit: CapacityUnit::Devices,
        has_trial: true,
        term_months: 12,
    },
    Product {
        id: "endpoint-protection-mobile",
        name: "Endpoint Protection Mobile",
        product_type: "endpoint",
        capacity_unit: CapacityUnit::Devices,
        has_trial: true,
        term_months: 12,
    },
    Product {
        id: "email-security",
        name: "Email Security.cloud",
        product_type: "email",
        capacity_unit: CapacityUnit::Mailboxes,
        has_trial: true,
        term_months: 12,
    },
    Product {
        id: "web-security",
        name: "Web Security.cloud",
        product_type: "web",
        capacity_unit: CapacityUnit::Users,
        has_trial: false,
        term_months: 12,
    },
];

/// A product by id.
pub fn product(id: &str) -> Option<&'static Product> {
    CATALOG.iter().find(|p| p.id == id)
}

/// The product families, for the "Product Types" filter.
pub fn product_types() -> Vec<&'static str> {
    let mut types: Vec<&'static str> = Vec::new();
    for p in CATALOG {
        if !types.contains(&p.product_type) {
            types.push(p.product_type);
        }
    }
    types
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_found() {
        for (i, p) in CATALOG.iter().enumerate() {
            assert_eq!(product(p.id), Some(p));
            assert!(CATALOG[i + 1..].iter().all(|q| q.id != p.id), "{}", p.id);
            assert!(p.term_months > 0);
        }
        assert_eq!(product("antivirus-2009"), None);
    }

    #[test]
    fn product_types_are_listed_once_each() {
        let types = product_types();
        let mut unique = types.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(types.len(), unique.len());
        assert!(types.contains(&"endpoint"));
    }
}
