//! Custom roles: `PARTNER#<p>` / `ROLE#<id>`, with a name guard `ROLENAME#<name>` in the
//! same partition so two roles of one partner never share a name. A role carries the
//! customers chosen at each access level, so one read answers every authorization
//! question of a request.

use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};
use serde::{Deserialize, Serialize};

use super::{
    delete_if_version, delete_item, from_item, put_if_version, put_new, to_item, Keys,
    PartnerScope, StoreError, Table,
};
use domain::{
    audit::AuditRecord,
    role::{name_key, AccessLevel, CustomRole},
    CustomerId, RoleId, User,
};

pub fn role_keys(scope: &PartnerScope, id: &RoleId) -> Keys {
    Keys::new(scope.pk(), format!("ROLE#{id}"))
}

fn name_keys(scope: &PartnerScope, name: &str) -> Keys {
    Keys::new(scope.pk(), format!("ROLENAME#{}", name_key(name)))
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RoleName {
    role_id: RoleId,
}

/// A customer joining or leaving a partner, as the partner's custom roles see it.
#[derive(Debug, Clone, Copy)]
pub enum RoleChange<'a> {
    /// Added, or imported in: each role's default level applies.
    Join(&'a PartnerScope, &'a CustomerId),
    /// Removed, or imported away: every role lets go of it.
    Leave(&'a PartnerScope, &'a CustomerId),
}

#[derive(Debug, thiserror::Error)]
pub enum RoleError {
    #[error("another role has this name")]
    NameTaken,
    /// The role (or a user being reassigned) changed since it was read.
    #[error("changed meanwhile")]
    Conflict,
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn map_error(e: StoreError, guard_index: Option<usize>) -> RoleError {
    match e {
        StoreError::ConditionFailed { index } | StoreError::TransactionConflict { index }
            if index.is_some() && index == guard_index =>
        {
            RoleError::NameTaken
        }
        StoreError::ConditionFailed { .. } | StoreError::TransactionConflict { .. } => {
            RoleError::Conflict
        }
        other => RoleError::Store(other),
    }
}

fn role_item(scope: &PartnerScope, role: &CustomRole) -> Result<super::Item, StoreError> {
    to_item(role_keys(scope, &role.id), "Role", role)
}

fn guard_item(scope: &PartnerScope, role: &CustomRole) -> Result<super::Item, StoreError> {
    to_item(
        name_keys(scope, &role.name),
        "RoleName",
        &RoleName {
            role_id: role.id.clone(),
        },
    )
}

impl Table {
    /// One of the partner's custom roles.
    pub async fn role(
        &self,
        scope: &PartnerScope,
        id: &RoleId,
    ) -> Result<Option<CustomRole>, StoreError> {
        let k = role_keys(scope, id);
        self.get(&k.pk, &k.sk).await
    }

    /// Every custom role of the partner, by id (creation order).
    pub async fn roles(&self, scope: &PartnerScope) -> Result<Vec<CustomRole>, StoreError> {
        self.partition_items(&scope.pk(), "ROLE#")
            .await?
            .into_iter()
            .map(from_item)
            .collect()
    }

    /// Creates a role and its name guard, with the audit record.
    pub async fn create_role(
        &self,
        scope: &PartnerScope,
        role: &CustomRole,
        audit: &AuditRecord,
    ) -> Result<(), RoleError> {
        let items = vec![
            put_new(&self.name, guard_item(scope, role)?)?,
            put_new(&self.name, role_item(scope, role)?)?,
            put_new(&self.name, super::audit::item(audit)?)?,
        ];
        self.transact(items)
            .await
            .map_err(|e| map_error(e, Some(0)))
    }

    /// Saves a changed role (its version one above `before`'s), moving the name guard
    /// when the name changed.
    pub async fn save_role(
        &self,
        scope: &PartnerScope,
        before: &CustomRole,
        after: &CustomRole,
        audit: &AuditRecord,
    ) -> Result<(), RoleError> {
        let mut items = vec![put_if_version(
            &self.name,
            role_item(scope, after)?,
            before.version,
        )?];
        let mut guard = None;
        if name_key(&before.name) != name_key(&after.name) {
            items.push(delete_item(&self.name, &name_keys(scope, &before.name))?);
            guard = Some(items.len());
            items.push(put_new(&self.name, guard_item(scope, after)?)?);
        }
        items.push(put_new(&self.name, super::audit::item(audit)?)?);
        self.transact(items).await.map_err(|e| map_error(e, guard))
    }

    /// Deletes a role and its name guard, moving its users to `reassigned` (each user
    /// only if unchanged since read), with the audit record, all or nothing. Moving users
    /// to the partner administrator role counts them as administrators.
    pub async fn delete_role(
        &self,
        scope: &PartnerScope,
        role: &CustomRole,
        reassigned: &[User],
        before: &[User],
        audit: &AuditRecord,
    ) -> Result<(), RoleError> {
        let mut items = vec![
            delete_if_version(&self.name, &role_keys(scope, &role.id), role.version)?,
            delete_item(&self.name, &name_keys(scope, &role.name))?,
        ];
        for (after, before) in reassigned.iter().zip(before) {
            items.push(super::accounts::put_user_if(
                &self.name,
                after,
                before.version,
            )?);
        }
        let admins = reassigned
            .iter()
            .filter(|u| u.counts_as_partner_administrator())
            .count() as i64;
        if admins > 0 {
            items.push(super::accounts::count_partner_admins(
                &self.name, scope, admins,
            )?);
        }
        items.push(put_new(&self.name, super::audit::item(audit)?)?);
        self.transact(items).await.map_err(|e| map_error(e, None))
    }

    /// The writes that give a customer joining the partner each custom role's default
    /// level (for the transaction that adds or moves the customer). One Query of the
    /// partner's roles.
    pub async fn grants_for_joining(
        &self,
        scope: &PartnerScope,
        customer: &CustomerId,
    ) -> Result<Vec<TransactWriteItem>, StoreError> {
        let mut items = Vec::new();
        for role in self.roles(scope).await? {
            let field = match role.access.grant_for_new_customer() {
                Some(AccessLevel::ReadWrite) => "readWrite",
                Some(AccessLevel::Read) => "read",
                _ => continue,
            };
            let update = Update::builder()
                .table_name(&self.name)
                .set_key(Some(role_keys(scope, &role.id).key()))
                .update_expression(
                    "SET #access.#level = list_append(#access.#level, :c), version = version + :one",
                )
                .expression_attribute_names("#access", "access")
                .expression_attribute_names("#level", field)
                .condition_expression("attribute_exists(pk)")
                .expression_attribute_values(
                    ":c",
                    AttributeValue::L(vec![AttributeValue::S(customer.to_string())]),
                )
                .expression_attribute_values(":one", AttributeValue::N("1".into()))
                .build()
                .map_err(StoreError::sdk)?;
            items.push(TransactWriteItem::builder().update(update).build());
        }
        Ok(items)
    }

    /// The writes that take a customer leaving the partner (removed, or moved to another
    /// partner) out of every role that chose it, each only if unchanged since read.
    pub async fn grants_for_leaving(
        &self,
        scope: &PartnerScope,
        customer: &CustomerId,
    ) -> Result<Vec<TransactWriteItem>, StoreError> {
        let mut items = Vec::new();
        for role in self.roles(scope).await? {
            if !role.access.chosen().any(|c| c == customer) {
                continue;
            }
            let mut after = role.clone();
            after.access.read_write.remove(customer);
            after.access.read.remove(customer);
            after.access.no_access.remove(customer);
            after.version += 1;
            items.push(put_if_version(
                &self.name,
                role_item(scope, &after)?,
                role.version,
            )?);
        }
        Ok(items)
    }

    /// Runs `items`, then the role updates `changes` call for (built afresh for each try),
    /// then `last`, as one transaction. A role changed meanwhile by another customer
    /// joining or leaving at the same moment is no conflict of the caller's: it is read
    /// again and the transaction retried, a few times. So is another transaction writing
    /// a shared item at the same moment (the partner's portfolio counters, which every
    /// customer's change updates): see [`try_again`]. `items[0]` is the caller's own item
    /// (the account, the request): what happens to it is the caller's answer.
    pub(crate) async fn transact_with_roles(
        &self,
        items: Vec<TransactWriteItem>,
        changes: &[RoleChange<'_>],
        last: TransactWriteItem,
    ) -> Result<(), StoreError> {
        // As many tries as customers of one partner are likely to join or leave at the
        // same moment, each after a short random pause so that racers spread out.
        const TRIES: usize = 8;
        let mut attempt = 1;
        loop {
            let mut all = items.clone();
            let first = all.len();
            for c in changes {
                all.extend(match c {
                    RoleChange::Join(scope, customer) => {
                        self.grants_for_joining(scope, customer).await?
                    }
                    RoleChange::Leave(scope, customer) => {
                        self.grants_for_leaving(scope, customer).await?
                    }
                });
            }
            let roles = first..all.len();
            all.push(last.clone());
            match self.transact(all).await {
                Err(e) if try_again(&e, &roles) && attempt < TRIES => {
                    attempt += 1;
                    let pause = rand::random_range(5..25 * attempt as u64);
                    tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
                }
                other => return other,
            }
        }
    }

    /// Which of `ids` are not this partner's customers (one BatchGetItem per 100).
    pub async fn foreign_customers(
        &self,
        scope: &PartnerScope,
        ids: &[&CustomerId],
    ) -> Result<Vec<CustomerId>, StoreError> {
        let mut missing = Vec::new();
        for chunk in ids.chunks(100) {
            let keys: Vec<Keys> = chunk
                .iter()
                .map(|c| super::customers::account_key(c))
                .collect();
            let found: Vec<(CustomerId, String)> = self
                .get_many(&keys)
                .await?
                .into_iter()
                .filter_map(|item| {
                    let id = item.get("id")?.as_s().ok()?;
                    let partner = item.get("partnerId")?.as_s().ok()?;
                    Some((CustomerId::parse(id).ok()?, partner.clone()))
                })
                .collect();
            for c in chunk {
                let ours = found
                    .iter()
                    .any(|(id, p)| id == *c && p == scope.partner_id().as_str());
                if !ours {
                    missing.push((*c).clone());
                }
            }
        }
        Ok(missing)
    }
}

/// Whether a cancelled transaction is tried again: a role (the items at `roles`) changed
/// under it, or another transaction wrote one of its items at the same moment
/// (`TransactionConflict`) other than the first, the caller's own item. A failed condition
/// anywhere else is the caller's answer (the account changed: 409), never retried.
pub fn try_again(e: &StoreError, roles: &std::ops::Range<usize>) -> bool {
    match e {
        StoreError::ConditionFailed { index: Some(i) } => roles.contains(i),
        StoreError::TransactionConflict { index: Some(i) } => *i != 0,
        _ => false,
    }
}
