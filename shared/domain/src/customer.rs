//! A partner's customer (the guide's chapter 2): how it is managed, who handles its
//! communications, its company and contact information, its trade-compliance state, and
//! the add-customer form that creates it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    catalog::{self, Product, MAX_SEATS},
    entitlement::{Entitlement, EntitlementState},
    partner::{parse_company, phone, Company},
    CustomerId, EmailAddress, FieldError, PartnerId, Validation,
};

/// Who manages the customer's products (Table 2-4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum ManagementType {
    /// "The customer will manage the products."
    CustomerManaged,
    /// "I will manage the products." The customer cannot sign in to their own account.
    PartnerManaged,
    /// "Both the customer and I will manage the products."
    CoManaged,
}

impl ManagementType {
    pub const ALL: [ManagementType; 3] = [
        ManagementType::CustomerManaged,
        ManagementType::PartnerManaged,
        ManagementType::CoManaged,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::CustomerManaged => "Customer Managed",
            Self::PartnerManaged => "Partner Managed",
            Self::CoManaged => "Co-Managed",
        }
    }

    /// The stored and query-string spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CustomerManaged => "customerManaged",
            Self::PartnerManaged => "partnerManaged",
            Self::CoManaged => "coManaged",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// Whether the partner may open the customer's console ("Manage Customer").
    pub fn partner_may_manage(self) -> bool {
        matches!(self, Self::PartnerManaged | Self::CoManaged)
    }
}

/// Who handles the customer's account emails (Table 2-8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum Communications {
    /// "I will manage all communications with this customer": the customer receives no
    /// emails from their account; the partner receives them all.
    Partner,
    /// "Both the customer and I will manage communications" (the default).
    Shared,
}

impl Communications {
    pub fn label(self) -> &'static str {
        match self {
            Self::Partner => "Partner manages all communications",
            Self::Shared => "Customer and partner",
        }
    }
}

/// Whether Mac computers without management may connect (Table 2-5, "Unmanaged Mac").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum MacAccess {
    Allow,
    Deny,
}

/// Trade-compliance state: a customer in a restricted country waits for an operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "status", rename_all = "camelCase")]
pub enum Compliance {
    Cleared,
    /// No paid product is active until an operator clears the customer.
    #[serde(rename_all = "camelCase")]
    PendingReview {
        reason: String,
    },
}

impl Compliance {
    /// The review a new customer in `country` needs, given the restricted countries.
    pub fn for_country(country: &str, restricted: &[String]) -> Self {
        if restricted.iter().any(|c| c.eq_ignore_ascii_case(country)) {
            Compliance::PendingReview {
                reason: format!(
                    "Customers in {country} need a trade-compliance review before paid \
                     products are activated. Customer service will contact you."
                ),
            }
        } else {
            Compliance::Cleared
        }
    }

    pub fn is_pending(&self) -> bool {
        matches!(self, Compliance::PendingReview { .. })
    }
}

/// The customer's contact: their email is the customer admin's login (Table 2-5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomerContact {
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub first_name: String,
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub last_name: String,
    /// The customer admin's login: must not be registered anywhere in the system.
    #[schema(format = "email", max_length = 254)]
    pub email: String,
    #[schema(
        min_length = 5,
        max_length = 32,
        pattern = r"^(?=(?:[^0-9]*[0-9]){5,20}[^0-9]*$) *\+?[0-9 .()-]*$"
    )]
    pub phone: String,
    /// A language the console and emails speak, e.g. "en" or "pt-BR".
    #[schema(schema_with = super::schema::language)]
    pub language: String,
    /// Offset from UTC without daylight saving, "UTC", "UTC+05:30" or "UTC-08:00".
    #[schema(
        pattern = r"^\s*[Uu][Tt][Cc](?:\+(?:(?:0[0-9]|1[0-3]):(?:00|15|30|45)|14:00)|-(?:(?:0[0-9]|1[01]):(?:00|15|30|45)|12:00))?\s*$"
    )]
    pub time_zone: String,
    /// Whether the customer observes daylight saving time.
    #[serde(default)]
    pub daylight_saving: bool,
}

/// Languages the console and its emails are offered in.
pub const LANGUAGES: &[&str] = &[
    "en", "de", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt-BR", "ru", "zh-CN", "zh-TW",
];

/// A live product on the customer, for the list's Products and Used/Capacity columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProductSummary {
    pub product: String,
    /// `trial`, `paid` or `held`.
    pub status: String,
    pub capacity: u32,
}

/// The customer account as the partner sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    #[schema(value_type = String)]
    pub id: CustomerId,
    /// The partner whose customer this is.
    #[schema(value_type = String)]
    pub partner_id: PartnerId,
    pub company: Company,
    pub contact: CustomerContact,
    pub management: ManagementType,
    pub communications: Communications,
    pub compliance: Compliance,
    pub unmanaged_mac: MacAccess,
    /// Live entitlements, one per product.
    pub products: Vec<ProductSummary>,
    /// Computers that need the latest agent (reported by the endpoint service).
    pub require_update: u32,
    /// Seats in use across products (reported by the endpoint service).
    pub seats_used: u32,
    /// Open alerts about the customer by severity (the customer list's Alerts column),
    /// moved with each alert raised or dismissed.
    #[serde(default)]
    pub alerts_error: u32,
    #[serde(default)]
    pub alerts_warning: u32,
    #[serde(default)]
    pub alerts_informational: u32,
    /// Whether the customer admin has chosen a password (from a welcome link).
    #[serde(default)]
    pub admin_active: bool,
    pub created_at: DateTime<Utc>,
    pub version: u64,
}

impl Customer {
    /// The product families the customer has live entitlements for.
    pub fn product_types(&self) -> Vec<&'static str> {
        let mut types = Vec::new();
        for s in &self.products {
            if let Some(p) = catalog::product(&s.product) {
                if !types.contains(&p.product_type) {
                    types.push(p.product_type);
                }
            }
        }
        types
    }

    /// Total capacity of live entitlements.
    pub fn capacity(&self) -> u32 {
        self.products.iter().map(|p| p.capacity).sum()
    }
}

/// What a customer counts towards its partner's portfolio (the Home page's My Profile
/// and My Products): one customer of its management type, and per live product a trial
/// or a paid subscription with its seats. A change adds the new contribution and takes
/// away the old one.
pub fn portfolio(c: &Customer) -> super::telemetry::Tally {
    use super::telemetry::counter::portfolio::*;
    let mut t = super::telemetry::Tally::new();
    t.add(CUSTOMERS, 1);
    t.add(format!("{MANAGEMENT}{}", c.management.as_str()), 1);
    for p in &c.products {
        t.add(format!("{}#{}", p.status, p.product), 1);
        if p.status != "trial" {
            t.add(format!("{SEATS}{}", p.product), i64::from(p.capacity));
        }
    }
    t
}

/// The product list summary of a set of entitlements: live ones only.
pub fn summarize(entitlements: &[Entitlement]) -> Vec<ProductSummary> {
    entitlements
        .iter()
        .filter(|e| e.state.is_live())
        .map(|e| ProductSummary {
            product: e.product.clone(),
            status: e.state.name().to_string(),
            capacity: e.seats,
        })
        .collect()
}

/// Whether the customer already has a live entitlement for `product`.
pub fn has_live(entitlements: &[Entitlement], product: &str) -> bool {
    entitlements
        .iter()
        .any(|e| e.product == product && e.state.is_live())
}

/// Trial or paid, as asked in the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum ProductChoice {
    Trial,
    Paid,
}

/// One line of the form's "Activate a Product or Trial" section.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProductRequest {
    /// A catalog product id.
    #[schema(schema_with = super::schema::product_id)]
    pub product: String,
    #[serde(rename = "type")]
    pub choice: ProductChoice,
    /// Paid subscriptions: 1–100000, required. Trials always have 50: leave it out (or
    /// send 50); a product without a trial takes `paid` only.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 100_000)]
    pub seats: Option<i64>,
}

/// A valid product line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProductOrder {
    pub product: &'static Product,
    pub choice: ProductChoice,
    pub seats: u32,
}

/// The add-customer form as sent (the guide's "Add Customer" page).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AddCustomerRequest {
    pub management: ManagementType,
    pub communications: Communications,
    pub company: Company,
    pub contact: CustomerContact,
    /// One or more products or trials.
    #[schema(min_items = 1, max_items = 10)]
    pub products: Vec<ProductRequest>,
}

/// A valid add-customer form.
#[derive(Debug, Clone)]
pub struct NewCustomer {
    pub management: ManagementType,
    pub communications: Communications,
    pub company: Company,
    pub contact: CustomerContact,
    pub email: EmailAddress,
    pub products: Vec<ProductOrder>,
}

/// Most product lines one request may carry.
pub const MAX_PRODUCT_LINES: usize = 10;

/// Checks the form's product lines: known products, trials only where the catalog has
/// them, seats within bounds, no product twice. Errors are recorded under `prefix`.
pub fn parse_products(
    v: &mut Validation,
    prefix: &str,
    lines: &[ProductRequest],
) -> Vec<ProductOrder> {
    if lines.is_empty() {
        v.error(prefix, "add at least one product or trial");
    }
    if lines.len() > MAX_PRODUCT_LINES {
        v.error(prefix, format!("at most {MAX_PRODUCT_LINES} products"));
        return Vec::new();
    }
    let mut orders: Vec<ProductOrder> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let f = |name: &str| format!("{prefix}[{i}].{name}");
        let Some(product) = catalog::product(line.product.trim()) else {
            v.error(f("product"), "is not a product in the catalog");
            continue;
        };
        if orders.iter().any(|o| o.product.id == product.id) {
            v.error(f("product"), "is already in the list");
            continue;
        }
        let seats = match (line.choice, line.seats) {
            (ProductChoice::Trial, _) if !product.has_trial => {
                v.error(f("type"), format!("{} has no trial", product.name));
                continue;
            }
            (ProductChoice::Trial, None) => catalog::TRIAL_SEATS,
            (ProductChoice::Trial, Some(s)) if s == i64::from(catalog::TRIAL_SEATS) => {
                catalog::TRIAL_SEATS
            }
            (ProductChoice::Trial, Some(_)) => {
                v.error(f("seats"), "trials have 50 seats: leave it out");
                continue;
            }
            (ProductChoice::Paid, None) => {
                v.error(f("seats"), "is required for a paid subscription");
                continue;
            }
            (ProductChoice::Paid, Some(s)) => match seats(s) {
                Ok(n) => n,
                Err(message) => {
                    v.error(f("seats"), message);
                    continue;
                }
            },
        };
        orders.push(ProductOrder {
            product,
            choice: line.choice,
            seats,
        });
    }
    orders
}

/// A seat count for a paid subscription.
pub fn seats(raw: i64) -> Result<u32, String> {
    match u32::try_from(raw) {
        Ok(n) if (1..=MAX_SEATS).contains(&n) => Ok(n),
        _ => Err(format!("must be between 1 and {MAX_SEATS}")),
    }
}

fn parse_contact(
    v: &mut Validation,
    c: &CustomerContact,
) -> (CustomerContact, Option<EmailAddress>) {
    let email = v.check("contact.email", EmailAddress::parse(&c.email));
    let contact = CustomerContact {
        first_name: v
            .text("contact.firstName", &c.first_name, 100)
            .unwrap_or_default(),
        last_name: v
            .text("contact.lastName", &c.last_name, 100)
            .unwrap_or_default(),
        email: email.as_ref().map(|e| e.to_string()).unwrap_or_default(),
        phone: v
            .check("contact.phone", phone(&c.phone))
            .unwrap_or_default(),
        language: v
            .check("contact.language", language(&c.language))
            .unwrap_or_default(),
        time_zone: v
            .check("contact.timeZone", time_zone(&c.time_zone))
            .unwrap_or_default(),
        daylight_saving: c.daylight_saving,
    };
    (contact, email)
}

fn language(raw: &str) -> Result<String, String> {
    let l = raw.trim();
    LANGUAGES
        .iter()
        .find(|known| known.eq_ignore_ascii_case(l))
        .map(|known| known.to_string())
        .ok_or_else(|| format!("must be one of {}", LANGUAGES.join(", ")))
}

/// "UTC", or "UTC±HH:MM" between −12:00 and +14:00 in quarter hours.
pub fn time_zone(raw: &str) -> Result<String, String> {
    let invalid = || "must be UTC or an offset such as UTC+05:30 or UTC-08:00".to_string();
    let t = raw.trim().to_ascii_uppercase();
    if t == "UTC" {
        return Ok(t);
    }
    let rest = t.strip_prefix("UTC").ok_or_else(invalid)?;
    let (sign, hhmm) = rest.split_at_checked(1).ok_or_else(invalid)?;
    let (h, m) = hhmm.split_once(':').ok_or_else(invalid)?;
    if h.len() != 2 || m.len() != 2 {
        return Err(invalid());
    }
    let (h, m): (i32, i32) = (
        h.parse().map_err(|_| invalid())?,
        m.parse().map_err(|_| invalid())?,
    );
    let minutes = h * 60 + m;
    let ok = m % 15 == 0
        && m < 60
        && match sign {
            "+" => minutes <= 14 * 60,
            "-" => minutes <= 12 * 60,
            _ => false,
        };
    if ok {
        Ok(format!("UTC{sign}{h:02}:{m:02}"))
    } else {
        Err(invalid())
    }
}

impl NewCustomer {
    pub fn parse(req: AddCustomerRequest) -> Result<Self, Vec<FieldError>> {
        let mut v = Validation::new();
        let company = parse_company(&mut v, "company", &req.company);
        let (contact, email) = parse_contact(&mut v, &req.contact);
        let products = parse_products(&mut v, "products", &req.products);
        v.finish()?;
        let email = email.ok_or_else(|| {
            vec![FieldError {
                field: "contact.email".into(),
                message: "is invalid".into(),
            }]
        })?;
        Ok(NewCustomer {
            management: req.management,
            communications: req.communications,
            company,
            contact,
            email,
            products,
        })
    }

    /// The customer and its entitlements, created at `at` by `partner`. A customer
    /// pending compliance review gets its paid products held.
    pub fn build(
        self,
        partner: &PartnerId,
        restricted_countries: &[String],
        at: DateTime<Utc>,
    ) -> (Customer, Vec<Entitlement>) {
        let id = CustomerId::generate();
        let compliance = Compliance::for_country(&self.company.country, restricted_countries);
        let entitlements: Vec<Entitlement> = self
            .products
            .iter()
            .map(|o| match o.choice {
                ProductChoice::Trial => Entitlement::trial(&id, o.product, at),
                ProductChoice::Paid => {
                    Entitlement::paid(&id, o.product, o.seats, compliance.is_pending(), at)
                }
            })
            .collect();
        let customer = Customer {
            id,
            partner_id: partner.clone(),
            company: self.company,
            contact: self.contact,
            management: self.management,
            communications: self.communications,
            compliance,
            unmanaged_mac: MacAccess::Deny,
            products: summarize(&entitlements),
            require_update: 0,
            seats_used: 0,
            alerts_error: 0,
            alerts_warning: 0,
            alerts_informational: 0,
            admin_active: false,
            created_at: at,
            version: 1,
        };
        (customer, entitlements)
    }
}

/// The customer after `event` happens to each of its entitlements: the entitlements that
/// changed, and the customer with its product summary and version moved on. `None` when
/// no entitlement changed. Events that do not apply to an entitlement leave it as it is.
pub fn apply_to_entitlements(
    customer: &Customer,
    entitlements: &[Entitlement],
    event: &super::entitlement::EntitlementEvent,
) -> Option<(Customer, Vec<Entitlement>)> {
    let mut all = Vec::with_capacity(entitlements.len());
    let mut changed = Vec::new();
    for e in entitlements {
        let next = e.apply(event).unwrap_or_else(|_| e.clone());
        if &next != e {
            changed.push(next.clone());
        }
        all.push(next);
    }
    if changed.is_empty() {
        return None;
    }
    let mut next = customer.clone();
    next.products = summarize(&all);
    next.version += 1;
    Some((next, changed))
}

/// The customer after an operator clears its trade-compliance review: held paid
/// subscriptions start, and the customer may get paid products. `None` if it was not
/// pending review. Returns the changed entitlements only.
pub fn clear_compliance(
    customer: &Customer,
    entitlements: &[Entitlement],
    at: DateTime<Utc>,
) -> Option<(Customer, Vec<Entitlement>)> {
    if !customer.compliance.is_pending() {
        return None;
    }
    let event = super::entitlement::EntitlementEvent::ComplianceCleared { at };
    let (mut cleared, changed) = apply_to_entitlements(customer, entitlements, &event)
        .unwrap_or_else(|| {
            let mut same = customer.clone();
            same.version += 1;
            (same, Vec::new())
        });
    cleared.compliance = Compliance::Cleared;
    Some((cleared, changed))
}

/// Whether any entitlement is held for compliance review.
pub fn any_held(entitlements: &[Entitlement]) -> bool {
    entitlements
        .iter()
        .any(|e| e.state == EntitlementState::Held)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn form(products: serde_json::Value) -> AddCustomerRequest {
        serde_json::from_value(json!({
            "management": "coManaged",
            "communications": "shared",
            "company": {
                "name": "Contoso Dental",
                "address1": "4 Mill Lane",
                "city": "York",
                "postalCode": "YO1 7HH",
                "country": "gb",
                "phone": "+44 1904 000000"
            },
            "contact": {
                "firstName": "Dee",
                "lastName": "Okafor",
                "email": "Dee@Contoso.example",
                "phone": "01904 000001",
                "language": "EN",
                "timeZone": "utc+01:00",
                "daylightSaving": true
            },
            "products": products
        }))
        .unwrap()
    }

    fn fields(errors: Vec<FieldError>) -> Vec<String> {
        errors.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn the_portfolio_counts_management_and_live_products() {
        let (mut c, _) = NewCustomer::parse(form(json!([
            {"product": "endpoint-protection", "type": "trial"}
        ])))
        .unwrap()
        .build(&PartnerId::generate(), &[], Utc::now());
        c.products = vec![
            ProductSummary {
                product: "endpoint-protection".into(),
                status: "paid".into(),
                capacity: 25,
            },
            ProductSummary {
                product: "email-security".into(),
                status: "trial".into(),
                capacity: 25,
            },
        ];
        let t = portfolio(&c);
        assert_eq!(t.get("customers"), 1);
        assert_eq!(t.get("management#coManaged"), 1);
        assert_eq!(t.get("paid#endpoint-protection"), 1);
        assert_eq!(t.get("trial#email-security"), 1);
        assert_eq!(t.get("seats#endpoint-protection"), 25);
        assert_eq!(t.get("seats#email-security"), 0);
    }

    #[test]
    fn a_complete_form_parses_and_normalises() {
        let c = NewCustomer::parse(form(json!([
            {"product": "endpoint-protection", "type": "trial"},
            {"product": "email-security", "type": "paid", "seats": 25}
        ])))
        .unwrap();
        assert_eq!(c.email.as_str(), "dee@contoso.example");
        assert_eq!(c.company.country, "GB");
        assert_eq!(c.contact.language, "en");
        assert_eq!(c.contact.time_zone, "UTC+01:00");
        assert_eq!(c.products.len(), 2);
        assert_eq!(c.products[0].seats, 50);
        assert_eq!(c.products[1].seats, 25);
    }

    #[test]
    fn every_bad_product_line_is_named() {
        let errors = NewCustomer::parse(form(json!([
            {"product": "antivirus-2009", "type": "trial"},
            {"product": "web-security", "type": "trial"},
            {"product": "email-security", "type": "paid", "seats": 0},
            {"product": "endpoint-protection", "type": "paid", "seats": -5},
            {"product": "endpoint-protection-mobile", "type": "paid"},
            {"product": "email-security", "type": "trial", "seats": 10},
        ])))
        .unwrap_err();
        assert_eq!(
            fields(errors),
            [
                "products[0].product",
                "products[1].type",
                "products[2].seats",
                "products[3].seats",
                "products[4].seats",
                "products[5].seats"
            ]
        );
        let none = NewCustomer::parse(form(json!([]))).unwrap_err();
        assert_eq!(fields(none), ["products"]);
        let twice = NewCustomer::parse(form(json!([
            {"product": "endpoint-protection", "type": "trial"},
            {"product": "endpoint-protection", "type": "paid", "seats": 3}
        ])))
        .unwrap_err();
        assert_eq!(fields(twice), ["products[1].product"]);
    }

    #[test]
    fn contact_fields_are_checked() {
        let mut f = form(json!([{"product": "endpoint-protection", "type": "trial"}]));
        f.contact.email = "not-an-email".into();
        f.contact.language = "xx".into();
        f.contact.time_zone = "UTC+15:00".into();
        f.contact.first_name = "x".repeat(101);
        f.company.country = "ZZ".into();
        let mut got = fields(NewCustomer::parse(f).unwrap_err());
        got.sort();
        assert_eq!(
            got,
            [
                "company.country",
                "contact.email",
                "contact.firstName",
                "contact.language",
                "contact.timeZone"
            ]
        );
    }

    #[test]
    fn time_zones_are_offsets_in_quarter_hours() {
        assert_eq!(time_zone("UTC").unwrap(), "UTC");
        assert_eq!(time_zone("UTC+05:45").unwrap(), "UTC+05:45");
        assert_eq!(time_zone("UTC-12:00").unwrap(), "UTC-12:00");
        assert_eq!(time_zone("UTC+14:00").unwrap(), "UTC+14:00");
        for bad in [
            "UTC-12:30",
            "UTC+14:15",
            "UTC+05:10",
            "GMT+1",
            "UTC+5:00",
            "UTC*01:00",
            "",
        ] {
            assert!(time_zone(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn restricted_countries_hold_paid_products_and_say_why() {
        let restricted = vec!["CU".to_string(), "GB".to_string()];
        let c = NewCustomer::parse(form(json!([
            {"product": "endpoint-protection", "type": "trial"},
            {"product": "email-security", "type": "paid", "seats": 25}
        ])))
        .unwrap();
        let (customer, ents) = c
            .clone()
            .build(&PartnerId::generate(), &restricted, Utc::now());
        assert!(customer.compliance.is_pending());
        let Compliance::PendingReview { reason } = &customer.compliance else {
            unreachable!()
        };
        assert!(reason.contains("GB"), "{reason}");
        assert_eq!(ents[0].state.name(), "trial");
        assert_eq!(ents[1].state, EntitlementState::Held);
        assert!(any_held(&ents));
        assert_eq!(customer.products[1].status, "held");

        let (cleared, ents) = c.build(&PartnerId::generate(), &[], Utc::now());
        assert_eq!(cleared.compliance, Compliance::Cleared);
        assert_eq!(ents[1].state.name(), "paid");
        assert_eq!(cleared.capacity(), 75);
        assert_eq!(cleared.product_types(), ["endpoint", "email"]);
    }

    #[test]
    fn clearing_compliance_starts_held_subscriptions_once() {
        let c = NewCustomer::parse(form(json!([
            {"product": "endpoint-protection", "type": "trial"},
            {"product": "email-security", "type": "paid", "seats": 25}
        ])))
        .unwrap();
        let at = Utc::now();
        let (customer, ents) = c.build(&PartnerId::generate(), &["GB".to_string()], at);
        let (cleared, changed) = clear_compliance(&customer, &ents, at).unwrap();
        assert_eq!(cleared.compliance, Compliance::Cleared);
        assert_eq!(cleared.version, customer.version + 1);
        assert_eq!(changed.len(), 1, "only the held subscription changes");
        assert_eq!(changed[0].state.name(), "paid");
        assert_eq!(cleared.products[1].status, "paid");
        assert!(clear_compliance(&cleared, &changed, at).is_none());
    }

    #[test]
    fn management_types_round_trip_their_spelling() {
        for m in ManagementType::ALL {
            assert_eq!(ManagementType::parse(m.as_str()), Some(m));
            assert_eq!(
                serde_json::to_value(m).unwrap(),
                json!(m.as_str()),
                "serde and as_str agree"
            );
        }
        assert!(ManagementType::CoManaged.partner_may_manage());
        assert!(!ManagementType::CustomerManaged.partner_may_manage());
    }
}
