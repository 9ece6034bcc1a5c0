//! What the customer endpoints answer: list rows (the guide's Table 2-1), the profile
//! (Tables 2-3..2-5) and the catalog.

use api::csv::CsvRow;
use chrono::{DateTime, Utc};
use domain::{
    alert::AlertCounts,
    authorization::{authorize, Action, Grant, Resource},
    catalog::{self, Product},
    consent::ConsentRequest,
    customer::{Communications, Compliance, Customer, ManagementType},
    entitlement::{Entitlement, EntitlementView},
    role::AccessLevel,
    CustomerId,
};
use serde::Serialize;
use store::customers::CustomerState;
use utoipa::ToSchema;

/// A product on a list row.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RowProduct {
    pub product: String,
    pub name: String,
    /// `trial`, `paid` or `held` (awaiting compliance review).
    pub status: String,
    pub capacity: u32,
}

/// One row of the Customers page (Table 2-1).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerRow {
    pub id: String,
    pub name: String,
    pub country: String,
    pub management: ManagementType,
    pub management_label: String,
    /// Purchased products and trials.
    pub products: Vec<RowProduct>,
    /// Computers that need the latest agent.
    pub require_update: u32,
    pub used: u32,
    pub capacity: u32,
    pub compliance: Compliance,
    /// Open alerts by severity (Table 2-1's Alerts column).
    pub alerts: AlertCounts,
    /// What the signed-in user's role lets them do with this customer (the list offers
    /// only those actions). Not in the CSV.
    pub your_access: YourAccess,
}

/// "2 errors, 1 warning": the Alerts column in a CSV.
fn alerts_text(a: &AlertCounts) -> String {
    let part = |n: u32, one: &str| match n {
        0 => None,
        1 => Some(format!("1 {one}")),
        n => Some(format!("{n} {one}s")),
    };
    [part(a.error, "error"), part(a.warning, "warning")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ")
}

fn product_name(id: &str) -> String {
    catalog::product(id).map_or_else(|| id.to_string(), |p| p.name.to_string())
}

impl CustomerRow {
    /// The customer's row as the user with `grant` sees it.
    pub fn new(c: &Customer, grant: &Grant) -> Self {
        CustomerRow {
            id: c.id.to_string(),
            name: c.company.name.clone(),
            country: c.company.country.clone(),
            management: c.management,
            management_label: c.management.label().into(),
            products: c
                .products
                .iter()
                .map(|p| RowProduct {
                    product: p.product.clone(),
                    name: product_name(&p.product),
                    status: p.status.clone(),
                    capacity: p.capacity,
                })
                .collect(),
            require_update: c.require_update,
            used: c.seats_used,
            capacity: c.capacity(),
            compliance: c.compliance.clone(),
            alerts: AlertCounts {
                error: c.alerts_error,
                warning: c.alerts_warning,
                informational: c.alerts_informational,
            },
            your_access: YourAccess::new(grant, &c.id),
        }
    }
}

impl CsvRow for CustomerRow {
    fn headers() -> &'static [&'static str] {
        &[
            "Customer",
            "Type",
            "Products",
            "Alerts",
            "Require Update",
            "Used",
            "Capacity",
            "Country",
            "Compliance",
        ]
    }

    fn row(&self) -> Vec<String> {
        vec![
            self.name.clone(),
            self.management_label.clone(),
            self.products
                .iter()
                .map(|p| format!("{} ({})", p.name, p.status))
                .collect::<Vec<_>>()
                .join("; "),
            alerts_text(&self.alerts),
            self.require_update.to_string(),
            self.used.to_string(),
            self.capacity.to_string(),
            self.country.clone(),
            match self.compliance {
                Compliance::Cleared => "Cleared".into(),
                Compliance::PendingReview { .. } => "Pending review".into(),
            },
        ]
    }
}

/// The Customer Profile page.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerProfile {
    pub customer: Customer,
    pub management_label: String,
    pub communications_label: String,
    /// Whether "Manage Customer" applies (partner- and co-managed customers).
    pub partner_may_manage: bool,
    /// Live entitlements first, then ended ones, newest first within each.
    pub entitlements: Vec<EntitlementView>,
    /// This partner's requests of the customer, newest first.
    pub requests: Vec<ConsentRequest>,
    /// What the signed-in user's role lets them do with this customer.
    pub your_access: YourAccess,
    /// Only in the answer that adds the customer: the key the endpoint-protection service
    /// reports this customer's computers and events with. It is shown this once (only its
    /// hash is stored, so a replay of the add for its `Idempotency-Key` answers without
    /// it); rotating it gives a new one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ingestion_key: Option<String>,
    /// In the profile's `GET`: the partner's mail no longer goes to the customer admin's
    /// address because it bounced or marked mail as spam (an administrator lifts it with
    /// `DELETE /api/v1/mail-suppressions/{email}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin_mail_suppression: Option<domain::mail::MailSuppressionView>,
}

/// The signed-in user's access to one customer, for showing only the actions they have.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct YourAccess {
    pub level: AccessLevel,
    /// Products, settings, management, "Manage Customer".
    pub may_manage: bool,
    pub may_remove: bool,
}

impl YourAccess {
    pub fn new(grant: &Grant, customer: &CustomerId) -> Self {
        let may = |a| authorize(grant, a, Resource::Customer(customer)).is_ok();
        YourAccess {
            level: grant.level(customer),
            may_manage: may(Action::ManageCustomer),
            may_remove: may(Action::RemoveCustomer),
        }
    }
}

impl CustomerProfile {
    pub fn new(state: &CustomerState, grant: &Grant, now: DateTime<Utc>) -> Self {
        let customer = state.customer.clone();
        let your_access = YourAccess::new(grant, &customer.id);
        let mut requests: Vec<ConsentRequest> = state
            .requests
            .iter()
            .filter(|r| r.request.partner_id == customer.partner_id)
            .map(|r| r.request.clone())
            .collect();
        requests.sort_by(|a, b| b.id.cmp(&a.id));
        let mut sorted: Vec<&Entitlement> = state.entitlements.iter().collect();
        sorted.sort_by(|a, b| {
            b.state
                .is_live()
                .cmp(&a.state.is_live())
                .then(b.created_at.cmp(&a.created_at))
        });
        CustomerProfile {
            management_label: customer.management.label().into(),
            communications_label: match customer.communications {
                Communications::Partner => "I will manage all communications with this customer",
                Communications::Shared => "Both the customer and I will manage communications",
            }
            .into(),
            partner_may_manage: customer.management.partner_may_manage(),
            entitlements: sorted.into_iter().map(|e| e.view(now)).collect(),
            requests,
            customer,
            your_access,
            ingestion_key: None,
            admin_mail_suppression: None,
        }
    }
}

/// The product catalog and the trial terms.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Catalog {
    pub products: Vec<Product>,
    pub product_types: Vec<String>,
    pub trial_days: i64,
    pub trial_seats: u32,
    pub max_seats: u32,
}

impl Catalog {
    pub fn current() -> Self {
        Catalog {
            products: catalog::CATALOG.to_vec(),
            product_types: catalog::product_types()
                .into_iter()
                .map(String::from)
                .collect(),
            trial_days: catalog::TRIAL_DAYS,
            trial_seats: catalog::TRIAL_SEATS,
            max_seats: catalog::MAX_SEATS,
        }
    }
}
