//! Customer accounts and their entitlements.
//!
//! A customer is its own partition (`CUSTOMER#<id>`): its account item and entitlements
//! are read together in one Query, and a customer can change partner (import) without
//! moving items. The partner's scope is the account's `partnerId`: reads check it, and
//! every write is conditional on it (and on the account's `version`), so another
//! partner's customer behaves as if it did not exist. The partner's customer list is the
//! index partition `CUSTOMERS#<partnerId>`, by name (gsi1) or by management type (gsi2).

use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, TransactWriteItem, Update};
use serde::Serialize;

use super::{
    accounts::Login, from_item, keys, n, put_new, s, to_item, Filter, Item, Keys, Page, PageQuery,
    PartnerScope, StoreError, Table,
};
use domain::{
    audit::AuditRecord,
    customer::{Customer, ManagementType},
    entitlement::Entitlement,
    role::Visibility,
    serial::Serial,
    CustomerId, EmailAddress,
};

use super::{consent::RequestRecord, roles::RoleChange, serials::Activation};
use domain::token::LinkToken;

/// A customer with every entitlement it has had and every request made of it (by any
/// partner: present only what the viewer may see).
#[derive(Debug, Clone)]
pub struct CustomerState {
    pub customer: Customer,
    pub entitlements: Vec<Entitlement>,
    pub requests: Vec<RequestRecord>,
}

impl CustomerState {
    /// The pending request of `kind` from `partner`, if any.
    pub fn pending(
        &self,
        partner: &domain::PartnerId,
        kind: domain::consent::RequestKind,
    ) -> Option<&RequestRecord> {
        self.requests.iter().find(|r| {
            r.request.partner_id == *partner
                && r.request.kind == kind
                && r.request.status == domain::consent::RequestStatus::Pending
        })
    }
}

/// How the list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerSort {
    Name,
    /// Management type, then name.
    Type,
}

/// One page of the partner's customer list.
#[derive(Debug, Clone)]
pub struct CustomerQuery {
    pub sort: CustomerSort,
    pub descending: bool,
    /// Lower-case text the name must contain.
    pub search: Option<String>,
    /// Any of these management types (all when empty).
    pub management: Vec<ManagementType>,
    /// Any of these product families (all when empty).
    pub product_types: Vec<String>,
    /// Only customers with computers needing the latest agent.
    pub require_update: bool,
    /// Only customers with an open alert this severe or more (Error; Warning+).
    pub alerts: Option<domain::alert::Severity>,
    pub limit: i32,
    pub start: Option<Item>,
}

impl CustomerQuery {
    pub fn index(&self) -> &'static str {
        match self.sort {
            CustomerSort::Name => "gsi1",
            CustomerSort::Type => "gsi2",
        }
    }

    fn filter(&self) -> Option<Filter> {
        let mut clauses = Vec::new();
        let mut values = Item::new();
        if let Some(q) = &self.search {
            clauses.push("contains(nameLower, :q)".to_string());
            values.insert(":q".into(), AttributeValue::S(q.clone()));
        }
        if !self.management.is_empty() {
            let names: Vec<String> = (0..self.management.len())
                .map(|i| format!(":m{i}"))
                .collect();
            clauses.push(format!("management IN ({})", names.join(", ")));
            for (n, m) in names.iter().zip(&self.management) {
                values.insert(n.clone(), AttributeValue::S(m.as_str().into()));
            }
        }
        if !self.product_types.is_empty() {
            let mut any = Vec::new();
            for (i, t) in self.product_types.iter().enumerate() {
                any.push(format!("contains(productTypes, :t{i})"));
                values.insert(format!(":t{i}"), AttributeValue::S(t.clone()));
            }
            clauses.push(format!("({})", any.join(" OR ")));
        }
        if self.require_update || self.alerts.is_some() {
            values.insert(":zero".into(), AttributeValue::N("0".into()));
        }
        if self.require_update {
            clauses.push("requireUpdate > :zero".into());
        }
        match self.alerts {
            Some(domain::alert::Severity::Error) => {
                clauses.push("alertsError > :zero".into());
            }
            Some(_) => clauses.push("(alertsError > :zero OR alertsWarning > :zero)".into()),
            None => {}
        }
        (!clauses.is_empty()).then(|| Filter {
            expression: clauses.join(" AND "),
            values,
            names: Default::default(),
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CreateCustomerError {
    #[error("the email is already registered")]
    EmailTaken,
    #[error("another request is registering the email")]
    EmailContended,
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// The customer changed (or went) since it was read: read again and retry.
    #[error("the customer changed meanwhile")]
    Conflict,
    /// The product serial does not exist or was used meanwhile.
    #[error("the serial is not available")]
    SerialUnavailable,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The customer partition's key.
pub fn customer_pk(c: &CustomerId) -> String {
    format!("CUSTOMER#{c}")
}
const ACCOUNT_SK: &str = "ACCOUNT";

/// The keys of a customer's account item.
pub fn account_key(id: &CustomerId) -> Keys {
    Keys::new(customer_pk(id), ACCOUNT_SK)
}

/// The index partition of a partner's customer list.
fn list_pk(scope_partner: &domain::PartnerId) -> String {
    format!("CUSTOMERS#{scope_partner}")
}

fn name_key(c: &Customer) -> String {
    c.company.name.to_lowercase()
}

fn account_keys(c: &Customer) -> Keys {
    let name = name_key(c);
    account_key(&c.id)
        .gsi1(list_pk(&c.partner_id), format!("NAME#{name}#{}", c.id))
        .gsi2(
            list_pk(&c.partner_id),
            format!("TYPE#{}#{name}#{}", c.management.as_str(), c.id),
        )
}

/// An entitlement's keys: live ones are in the live index (usage snapshots), and those
/// that change with time in the due index (the scheduler tick).
fn entitlement_keys(e: &Entitlement) -> Keys {
    use super::schedule::{live_shard, time_key, DUE_PK};
    use domain::entitlement::EntitlementState as S;
    let mut k = Keys::new(customer_pk(&e.customer_id), format!("ENT#{}", e.id));
    if e.state.is_live() {
        k = k.gsi1(
            format!("LIVE#{}", live_shard(&e.customer_id)),
            format!("{}#{}", e.customer_id, e.id),
        );
    }
    let due = match e.state {
        S::Trial { ends_at } => Some(ends_at),
        S::Paid { renews_at } => Some(renews_at),
        _ => None,
    };
    if let Some(due) = due {
        k = k.gsi2(DUE_PK, format!("{}#ENT#{}", time_key(due), e.id));
    }
    k
}

/// The account with the attributes the list filters on.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AccountItem<'a> {
    #[serde(flatten)]
    customer: &'a Customer,
    name_lower: String,
    product_types: Vec<&'static str>,
}

fn account_item(c: &Customer) -> Result<Item, StoreError> {
    to_item(
        account_keys(c),
        "Customer",
        &AccountItem {
            customer: c,
            name_lower: name_key(c),
            product_types: c.product_types(),
        },
    )
}

fn entitlement_item(e: &Entitlement) -> Result<Item, StoreError> {
    to_item(entitlement_keys(e), "Entitlement", e)
}

/// Saves the account if it still belongs to `expected_partner` at `expected_version`
/// (the new account may name another partner: an approved import).
///
/// An update of every attribute but the ones ingestion keeps
/// ([`super::telemetry::INGESTED_ACCOUNT_ATTRIBUTES`]): ingestion sets those without
/// moving the version (telemetry arrives every few minutes, and a save must not turn
/// into a conflict each time), so a save made from a read taken before an ingestion
/// leaves what the ingestion counted in place instead of putting the old figures back.
/// The account item has no optional attributes, so setting them all is the whole item.
pub(super) fn put_account_if(
    table: &str,
    customer: &Customer,
    expected_version: u64,
    expected_partner: &domain::PartnerId,
) -> Result<TransactWriteItem, StoreError> {
    let mut item = account_item(customer)?;
    let key = Keys::new(
        item.remove("pk")
            .and_then(|v| v.as_s().ok().cloned())
            .unwrap_or_default(),
        item.remove("sk")
            .and_then(|v| v.as_s().ok().cloned())
            .unwrap_or_default(),
    );
    let mut update = Update::builder()
        .table_name(table)
        .set_key(Some(key.key()))
        .condition_expression("#partnerId = :partner AND #version = :version")
        .expression_attribute_values(":partner", s(expected_partner.as_str()))
        .expression_attribute_values(":version", n(expected_version));
    let mut set = Vec::new();
    let mut attributes: Vec<(String, AttributeValue)> = item
        .into_iter()
        .filter(|(name, _)| !super::telemetry::INGESTED_ACCOUNT_ATTRIBUTES.contains(&name.as_str()))
        .collect();
    attributes.sort_by(|a, b| a.0.cmp(&b.0));
    for (i, (name, value)) in attributes.into_iter().enumerate() {
        match name.as_str() {
            // Named by the condition too.
            "partnerId" | "version" => set.push(format!("#{name} = :a{i}")),
            _ => {
                set.push(format!("#a{i} = :a{i}"));
                update = update.expression_attribute_names(format!("#a{i}"), name.clone());
            }
        }
        update = update.expression_attribute_values(format!(":a{i}"), value);
    }
    let update = update
        .expression_attribute_names("#partnerId", "partnerId")
        .expression_attribute_names("#version", "version")
        .update_expression(format!("SET {}", set.join(", ")))
        .build()
        .map_err(StoreError::sdk)?;
    Ok(TransactWriteItem::builder().update(update).build())
}

fn put_plain(table: &str, item: Item) -> Result<TransactWriteItem, StoreError> {
    let put = Put::builder()
        .table_name(table)
        .set_item(Some(item))
        .build()
        .map_err(StoreError::sdk)?;
    Ok(TransactWriteItem::builder().put(put).build())
}

/// Marks a product serial used, if it exists and is unused.
pub(super) fn use_serial(
    table: &str,
    serial: &Serial,
    activation: &Activation,
) -> Result<TransactWriteItem, StoreError> {
    let k = Keys::new(keys::serial_pk(serial), keys::SERIAL_SK);
    let update = Update::builder()
        .table_name(table)
        .set_key(Some(k.key()))
        .update_expression("SET activation = :activation")
        .condition_expression("attribute_exists(pk) AND attribute_not_exists(activation)")
        .expression_attribute_values(
            ":activation",
            AttributeValue::M(serde_dynamo::to_item(activation)?),
        )
        .build()
        .map_err(StoreError::sdk)?;
    Ok(TransactWriteItem::builder().update(update).build())
}

/// What one change to a customer writes besides the account.
#[derive(Debug, Default)]
pub struct Change<'a> {
    /// New or changed entitlements.
    pub entitlements: &'a [Entitlement],
    /// A product serial the change uses up.
    pub serial: Option<(&'a Serial, &'a Activation)>,
}

impl Table {
    /// Creates the customer, its entitlements, the customer admin's email guard, its
    /// ingestion key and the audit record in one transaction. Nothing is written if the email exists anywhere.
    pub async fn create_customer(
        &self,
        customer: &Customer,
        admin: &Login,
        entitlements: &[Entitlement],
        welcome: &LinkToken,
        ingestion_key_hash: &str,
        audit: &AuditRecord,
    ) -> Result<(), CreateCustomerError> {
        let mut items = vec![
            put_new(
                &self.name,
                to_item(
                    Keys::new(keys::email_pk(&admin.email), keys::EMAIL_SK),
                    "Login",
                    admin,
                )?,
            )?,
            put_new(&self.name, account_item(customer)?)?,
        ];
        for e in entitlements {
            items.push(put_new(&self.name, entitlement_item(e)?)?);
        }
        items.push(put_new(&self.name, super::consent::token_item(welcome)?)?);
        items.push(super::consent::put_welcome(&self.name, welcome, None)?);
        items.extend(super::telemetry::ingestion_key_items(
            &self.name,
            &customer.id,
            ingestion_key_hash,
            customer.created_at,
        )?);
        items.extend(super::telemetry::portfolio_updates(
            &self.name,
            None,
            Some(customer),
        )?);
        let scope = PartnerScope::new(customer.partner_id.clone());
        let joins = [RoleChange::Join(&scope, &customer.id)];
        let audit = put_new(&self.name, super::audit::item(audit)?)?;
        match self.transact_with_roles(items, &joins, audit).await {
            Ok(()) => Ok(()),
            Err(StoreError::ConditionFailed { index: Some(0) }) => {
                Err(CreateCustomerError::EmailTaken)
            }
            Err(StoreError::TransactionConflict { index: Some(0) }) => {
                Err(CreateCustomerError::EmailContended)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// A customer with everything in its partition, in one Query, whichever partner it
    /// belongs to: for the customer's own side (portal, approvals) and operators.
    pub async fn customer_account(
        &self,
        id: &CustomerId,
    ) -> Result<Option<CustomerState>, StoreError> {
        let mut customer = None;
        let mut entitlements = Vec::new();
        let mut requests = Vec::new();
        for item in self.partition_items(&customer_pk(id), "").await? {
            match item
                .get("kind")
                .and_then(|k| k.as_s().ok())
                .map(String::as_str)
            {
                Some("Customer") => customer = Some(from_item::<Customer>(item)?),
                Some("Entitlement") => entitlements.push(from_item::<Entitlement>(item)?),
                Some("ConsentRequest") => requests.push(from_item::<RequestRecord>(item)?),
                _ => {}
            }
        }
        Ok(customer.map(|customer| CustomerState {
            customer,
            entitlements,
            requests,
        }))
    }

    /// The partner's customer with its entitlements and requests, in one Query; `None`
    /// when it does not exist or belongs to another partner.
    pub async fn customer(
        &self,
        scope: &PartnerScope,
        id: &CustomerId,
    ) -> Result<Option<CustomerState>, StoreError> {
        Ok(self
            .customer_account(id)
            .await?
            .filter(|s| &s.customer.partner_id == scope.partner_id()))
    }

    /// One page of the partner's customers: a single Query of the list index. Customers
    /// the caller has no access to are left out, as if they did not exist (so a page can
    /// be shorter than its limit, as with any filter; the cursor goes on regardless).
    pub async fn customer_page(
        &self,
        scope: &PartnerScope,
        query: CustomerQuery,
        visible: &Visibility,
    ) -> Result<Page<Customer>, StoreError> {
        let partition = list_pk(scope.partner_id());
        let prefix = match query.sort {
            CustomerSort::Name => "NAME#",
            CustomerSort::Type => "TYPE#",
        };
        let filter = query.filter();
        let mut page: Page<Customer> = self
            .query_page(PageQuery {
                index: Some(query.index()),
                pk: &partition,
                prefix,
                limit: query.limit,
                newest_first: query.descending,
                start: query.start,
                filter,
                range: None,
            })
            .await?;
        page.items.retain(|c| visible.sees(&c.id));
        Ok(page)
    }

    /// The accounts of several customers, 100 per BatchGetItem, whichever partner they
    /// belong to (callers check `partnerId`); missing ones are left out.
    pub async fn accounts(&self, ids: &[CustomerId]) -> Result<Vec<Customer>, StoreError> {
        let mut all = Vec::new();
        for chunk in ids.chunks(100) {
            let keys: Vec<Keys> = chunk.iter().map(account_key).collect();
            for item in self.get_many(&keys).await? {
                all.push(from_item(item)?);
            }
        }
        Ok(all)
    }

    /// The list index partition of the caller's customers (for cursor checks).
    pub fn customer_list_partition(scope: &PartnerScope) -> String {
        list_pk(scope.partner_id())
    }

    /// Saves a changed customer (`before` as it was read, its version one below) with the
    /// entitlements and serial the change touches, the partner's portfolio counters and
    /// the audit record, all or nothing.
    pub async fn save_customer(
        &self,
        customer: &Customer,
        before: &Customer,
        change: Change<'_>,
        audit: &AuditRecord,
    ) -> Result<(), SaveError> {
        let mut items = vec![put_account_if(
            &self.name,
            customer,
            before.version,
            &customer.partner_id,
        )?];
        for e in change.entitlements {
            items.push(put_plain(&self.name, entitlement_item(e)?)?);
        }
        let serial_index = change.serial.map(|_| items.len());
        if let Some((serial, activation)) = change.serial {
            items.push(use_serial(&self.name, serial, activation)?);
        }
        items.extend(super::telemetry::portfolio_updates(
            &self.name,
            Some(before),
            Some(customer),
        )?);
        let audit = put_new(&self.name, super::audit::item(audit)?)?;
        // Another change of the partner's customers at the same moment (a bulk call beside
        // this one) contends for the counters only: tried again, not the caller's 409.
        match self.transact_with_roles(items, &[], audit).await {
            Ok(()) => Ok(()),
            Err(StoreError::ConditionFailed { index: Some(0) })
            | Err(StoreError::TransactionConflict { index: Some(0) }) => Err(SaveError::Conflict),
            Err(StoreError::ConditionFailed { index })
                if index.is_some() && index == serial_index =>
            {
                Err(SaveError::SerialUnavailable)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Deletes the customer, its entitlements and its admin's email guard (so the email
    /// can be registered again), its ingestion key and fleet counters (taken out of the
    /// partner's sums), with the audit record, all or nothing.
    pub async fn remove_customer(
        &self,
        state: &CustomerState,
        admin_email: &EmailAddress,
        audit: &AuditRecord,
    ) -> Result<(), SaveError> {
        let c = &state.customer;
        let delete = |keys: Keys| {
            Delete::builder()
                .table_name(&self.name)
                .set_key(Some(keys.key()))
        };
        let account = delete(account_key(&c.id))
            .condition_expression("partnerId = :partner AND version = :version")
            .expression_attribute_values(":partner", s(c.partner_id.as_str()))
            .expression_attribute_values(":version", n(c.version))
            .build()
            .map_err(StoreError::sdk)?;
        let guard = delete(Keys::new(keys::email_pk(admin_email), keys::EMAIL_SK))
            .condition_expression("customerId = :customer")
            .expression_attribute_values(":customer", s(c.id.as_str()))
            .build()
            .map_err(StoreError::sdk)?;
        let mut items = vec![
            TransactWriteItem::builder().delete(account).build(),
            TransactWriteItem::builder().delete(guard).build(),
        ];
        // Requests stay out of it (however many partners asked): the caller ends the
        // pending ones afterwards, and closed ones expire by TTL.
        for keys in state.entitlements.iter().map(entitlement_keys) {
            let d = delete(keys).build().map_err(StoreError::sdk)?;
            items.push(TransactWriteItem::builder().delete(d).build());
        }
        items.extend(super::telemetry::portfolio_updates(
            &self.name,
            Some(c),
            None,
        )?);
        let fleet = self.fleet(&c.id).await?;
        items.extend(super::telemetry::fleet_removal_items(
            &self.name,
            &c.id,
            &c.partner_id,
            &fleet,
        )?);
        let scope = PartnerScope::new(c.partner_id.clone());
        let leaves = [RoleChange::Leave(&scope, &c.id)];
        let audit = put_new(&self.name, super::audit::item(audit)?)?;
        match self.transact_with_roles(items, &leaves, audit).await {
            Ok(()) => Ok(()),
            // The account or guard changed, or (after retries) a role kept changing.
            Err(StoreError::ConditionFailed { .. })
            | Err(StoreError::TransactionConflict { index: Some(0 | 1) }) => {
                Err(SaveError::Conflict)
            }
            // Shared counters still contended after the retries: a server-side failure
            // worth trying again, not a change of the customer's.
            Err(e) => Err(e.into()),
        }
    }
}
