//! Partners, their users, and the system-wide email guards that keep every login unique.

use aws_sdk_dynamodb::types::{builders::UpdateBuilder, AttributeValue, TransactWriteItem, Update};
use serde::{Deserialize, Serialize};

use super::{from_item, keys, put_new, to_item, Keys, PartnerScope, StoreError, Table};
use domain::{
    audit::AuditRecord,
    locale::Language,
    partner::{Partner, SupportInfo},
    user::username,
    CustomerId, EmailAddress, PartnerId, User, UserId,
};

/// The email guard: one per login in the whole system, whoever owns it. It also tells
/// sign-in which identity-provider username the email belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Login {
    pub email: EmailAddress,
    pub partner_id: PartnerId,
    pub user_id: UserId,
    pub username: String,
    /// Set when the login is a customer's admin rather than one of the partner's users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<CustomerId>,
}

#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error("the email is already registered")]
    EmailTaken,
    /// Another request was creating an account with this email at the same moment.
    #[error("another request is registering the email")]
    EmailContended,
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn partner_keys(p: &PartnerId) -> Keys {
    Keys::new(keys::partner_pk(p), keys::PARTNER_SK)
}

fn user_keys(p: &PartnerId, u: &UserId) -> Keys {
    Keys::new(keys::partner_pk(p), keys::user_sk(u))
}

fn login_keys(e: &EmailAddress) -> Keys {
    Keys::new(keys::email_pk(e), keys::EMAIL_SK)
}

impl Table {
    /// Creates the partner, its first user and the email guard in one transaction, with
    /// the sign-up's audit record and, for a partner whose email is still to be confirmed,
    /// the pending sign-up and its link. Nothing is written if the email exists anywhere.
    pub async fn create_partner(
        &self,
        partner: &Partner,
        admin: &User,
        unconfirmed: Option<(
            &super::account_links::UnverifiedSignUp,
            &super::account_links::EmailVerification,
        )>,
        audit: &AuditRecord,
    ) -> Result<(), CreateError> {
        let login = Login {
            email: admin.email.clone(),
            partner_id: partner.id.clone(),
            user_id: admin.id.clone(),
            username: username(&partner.id, &admin.id),
            customer_id: None,
        };
        let mut items = vec![
            put_new(
                &self.name,
                to_item(login_keys(&login.email), "Login", &login)?,
            )?,
            put_new(
                &self.name,
                to_item(partner_keys(&partner.id), "Partner", partner)?,
            )?,
            put_new(
                &self.name,
                to_item(user_keys(&partner.id, &admin.id), "User", admin)?,
            )?,
            put_new(&self.name, super::audit::item(audit)?)?,
            // The scheduler tick gives the new partner its automatic reports.
            super::report_plans::automatic_reports_due(
                &self.name,
                &partner.id,
                &admin.id,
                partner.created_at,
            )?,
        ];
        if let Some((pending, link)) = unconfirmed {
            items.extend(super::account_links::sign_up_items(
                &self.name, pending, link,
            )?);
        }
        match self.transact(items).await {
            Ok(()) => Ok(()),
            Err(StoreError::ConditionFailed { index: Some(0) }) => Err(CreateError::EmailTaken),
            Err(StoreError::TransactionConflict { index: Some(0) }) => {
                Err(CreateError::EmailContended)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The login an email belongs to, if any.
    pub async fn find_login(&self, email: &EmailAddress) -> Result<Option<Login>, StoreError> {
        let k = login_keys(email);
        self.get(&k.pk, &k.sk).await
    }

    /// One of the partner's users.
    pub async fn user(
        &self,
        scope: &PartnerScope,
        user: &UserId,
    ) -> Result<Option<User>, StoreError> {
        let k = user_keys(scope.partner_id(), user);
        self.get(&k.pk, &k.sk).await
    }

    /// The signed-in user and their partner, in one read.
    pub async fn user_and_partner(
        &self,
        scope: &PartnerScope,
        user: &UserId,
    ) -> Result<Option<(User, Partner)>, StoreError> {
        let items = self
            .get_many(&[
                partner_keys(scope.partner_id()),
                user_keys(scope.partner_id(), user),
            ])
            .await?;
        let (mut found_user, mut found_partner) = (None, None);
        for item in items {
            let kind = item.get("kind").and_then(|k| k.as_s().ok()).cloned();
            match kind.as_deref() {
                Some("User") => found_user = Some(from_item::<User>(item)?),
                Some("Partner") => found_partner = Some(from_item::<Partner>(item)?),
                _ => {}
            }
        }
        Ok(found_user.zip(found_partner))
    }
}

/// A partner user's invitation link, by its hash: `INVITE#<hash>`. Only the hash the
/// user's item names works, so a new invitation replaces the old one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Invitation {
    pub hash: String,
    pub partner_id: PartnerId,
    pub user_id: UserId,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

fn invitation_keys(hash: &str) -> Keys {
    Keys::new(format!("INVITE#{hash}"), "INVITE")
}

fn invitation_item(i: &Invitation) -> Result<super::Item, StoreError> {
    to_item(
        invitation_keys(&i.hash).ttl(i.expires_at.timestamp() + 86_400),
        "Invitation",
        i,
    )
}

#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("the email is already registered")]
    EmailTaken,
    /// The user changed since it was read.
    #[error("changed meanwhile")]
    Conflict,
    /// The change would leave the partner without a partner administrator.
    #[error("the last partner administrator")]
    LastPartnerAdministrator,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A user's replacement for a transaction, only while the stored user has `version`.
pub(crate) fn put_user_if(
    table: &str,
    user: &User,
    version: u64,
) -> Result<aws_sdk_dynamodb::types::TransactWriteItem, StoreError> {
    super::put_if_version(
        table,
        to_item(user_keys(&user.partner_id, &user.id), "User", user)?,
        version,
    )
}

/// Adds `delta` to the partner's count of partner administrators; a decrease only
/// while at least one would remain.
pub(crate) fn count_partner_admins(
    table: &str,
    scope: &PartnerScope,
    delta: i64,
) -> Result<aws_sdk_dynamodb::types::TransactWriteItem, StoreError> {
    use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};
    let mut update = Update::builder()
        .table_name(table)
        .set_key(Some(partner_keys(scope.partner_id()).key()))
        .update_expression("SET partnerAdmins = partnerAdmins + :delta")
        .expression_attribute_values(":delta", AttributeValue::N(delta.to_string()));
    if delta < 0 {
        update = update
            .condition_expression("partnerAdmins > :keep")
            .expression_attribute_values(":keep", AttributeValue::N((-delta).to_string()));
    }
    Ok(TransactWriteItem::builder()
        .update(update.build().map_err(StoreError::sdk)?)
        .build())
}

/// The change in the partner administrator count when `before` becomes `after`.
fn admin_delta(before: Option<&User>, after: Option<&User>) -> i64 {
    let counts = |u: Option<&User>| u.is_some_and(User::counts_as_partner_administrator) as i64;
    counts(after) - counts(before)
}

impl Table {
    /// Every user of the partner, in creation order (one Query; partners have tens).
    pub async fn users(&self, scope: &PartnerScope) -> Result<Vec<User>, StoreError> {
        self.partition_items(&scope.pk(), "USER#")
            .await?
            .into_iter()
            .map(from_item)
            .collect()
    }

    /// Adds an invited user with their email guard and invitation, and the audit
    /// record, all or nothing. Nothing is written if the email exists anywhere.
    pub async fn add_user(
        &self,
        scope: &PartnerScope,
        user: &User,
        invitation: &Invitation,
        audit: &AuditRecord,
    ) -> Result<(), UserError> {
        let login = Login {
            email: user.email.clone(),
            partner_id: user.partner_id.clone(),
            user_id: user.id.clone(),
            username: username(&user.partner_id, &user.id),
            customer_id: None,
        };
        let mut items = vec![
            put_new(
                &self.name,
                to_item(login_keys(&login.email), "Login", &login)?,
            )?,
            put_new(
                &self.name,
                to_item(user_keys(&user.partner_id, &user.id), "User", user)?,
            )?,
            put_new(&self.name, invitation_item(invitation)?)?,
        ];
        let delta = admin_delta(None, Some(user));
        if delta != 0 {
            items.push(count_partner_admins(&self.name, scope, delta)?);
        }
        items.push(put_new(&self.name, super::audit::item(audit)?)?);
        match self.transact(items).await {
            Ok(()) => Ok(()),
            Err(StoreError::ConditionFailed { index: Some(0) })
            | Err(StoreError::TransactionConflict { index: Some(0) }) => Err(UserError::EmailTaken),
            Err(e) => Err(e.into()),
        }
    }

    /// Adds an API client (a user with no login email), with the audit record.
    pub async fn add_api_client(
        &self,
        client: &User,
        audit: &AuditRecord,
    ) -> Result<(), UserError> {
        let items = vec![
            put_new(
                &self.name,
                to_item(user_keys(&client.partner_id, &client.id), "User", client)?,
            )?,
            put_new(&self.name, super::audit::item(audit)?)?,
        ];
        self.transact(items).await.map_err(|e| user_error(e, None))
    }

    /// Saves a changed user (version one above `before`'s), keeping the partner
    /// administrator count, with the audit record and, when given, a new invitation.
    pub async fn save_user(
        &self,
        scope: &PartnerScope,
        before: &User,
        after: &User,
        invitation: Option<&Invitation>,
        audit: &AuditRecord,
    ) -> Result<(), UserError> {
        let mut items = vec![put_user_if(&self.name, after, before.version)?];
        let delta = admin_delta(Some(before), Some(after));
        let counter = (delta != 0).then_some(items.len());
        if delta != 0 {
            items.push(count_partner_admins(&self.name, scope, delta)?);
        }
        if let Some(i) = invitation {
            items.push(put_new(&self.name, invitation_item(i)?)?);
        }
        items.push(put_new(&self.name, super::audit::item(audit)?)?);
        self.transact(items)
            .await
            .map_err(|e| user_error(e, counter))
    }

    /// Removes a user and their email guard (the email can be used again), keeping the
    /// partner administrator count, with the audit record. Their audit records stay.
    pub async fn remove_user(
        &self,
        scope: &PartnerScope,
        user: &User,
        audit: &AuditRecord,
    ) -> Result<(), UserError> {
        let mut items = vec![
            super::delete_if_version(
                &self.name,
                &user_keys(&user.partner_id, &user.id),
                user.version,
            )?,
            super::delete_item(&self.name, &login_keys(&user.email))?,
        ];
        let delta = admin_delta(Some(user), None);
        let counter = (delta != 0).then_some(items.len());
        if delta != 0 {
            items.push(count_partner_admins(&self.name, scope, delta)?);
        }
        items.push(put_new(&self.name, super::audit::item(audit)?)?);
        self.transact(items)
            .await
            .map_err(|e| user_error(e, counter))
    }

    /// The invitation a link's hash names, if it exists.
    pub async fn invitation(&self, hash: &str) -> Result<Option<Invitation>, StoreError> {
        let k = invitation_keys(hash);
        self.get(&k.pk, &k.sk).await
    }

    /// Claims an invitation link for its one use, before the password is set: of two uses
    /// at once, one gets `true`.
    pub async fn claim_invitation(
        &self,
        hash: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<bool, StoreError> {
        self.claim_once(&invitation_keys(hash), at).await
    }

    /// Gives back an invitation claimed at `at` whose password was then refused.
    pub async fn release_invitation(
        &self,
        hash: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        self.release_claim(&invitation_keys(hash), at).await
    }

    /// Spends an invitation: makes the user active (which no longer names the link), only
    /// while the user is unchanged since read, with the audit record. The invitation item
    /// stays until its TTL, so the spent link answers "accepted already".
    pub async fn accept_invitation(
        &self,
        before: &User,
        audit: &AuditRecord,
    ) -> Result<(), UserError> {
        let mut after = before.clone();
        after.status = domain::user::UserStatus::Active;
        after.invitation = None;
        after.version += 1;
        let items = vec![
            put_user_if(&self.name, &after, before.version)?,
            put_new(&self.name, super::audit::item(audit)?)?,
        ];
        self.transact(items).await.map_err(|e| user_error(e, None))
    }
}

fn user_error(e: StoreError, counter: Option<usize>) -> UserError {
    match e {
        StoreError::ConditionFailed { index } if index.is_some() && index == counter => {
            UserError::LastPartnerAdministrator
        }
        StoreError::ConditionFailed { .. } | StoreError::TransactionConflict { .. } => {
            UserError::Conflict
        }
        other => UserError::Store(other),
    }
}

impl Table {
    /// Sets whether every user of the partner must use two-step verification, with the
    /// audit record.
    pub async fn set_require_mfa(
        &self,
        scope: &PartnerScope,
        required: bool,
        audit: &AuditRecord,
    ) -> Result<(), StoreError> {
        let update = Update::builder()
            .update_expression("SET requireMfa = :required, version = version + :one")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":required", AttributeValue::Bool(required));
        self.update_partner(scope, update, audit).await
    }

    /// Saves My Company's support information and the emails' language onto the stored
    /// partner if it is still at `expected` (else `ConditionFailed { index: Some(0) }`),
    /// with the audit record.
    pub async fn save_company_settings(
        &self,
        scope: &PartnerScope,
        expected: u64,
        support: &SupportInfo,
        language: Language,
        reminders: &domain::consent::ConsentReminders,
        audit: &AuditRecord,
    ) -> Result<(), StoreError> {
        let value = |v: Result<AttributeValue, _>| v.map_err(StoreError::sdk);
        let update = Update::builder()
            .update_expression(
                "SET support = :support, #language = :language, consentReminders = :reminders, \
                 version = version + :one",
            )
            .condition_expression("attribute_exists(pk) AND version = :expected")
            .expression_attribute_names("#language", "language")
            .expression_attribute_values(
                ":support",
                value(serde_dynamo::to_attribute_value(support))?,
            )
            .expression_attribute_values(
                ":language",
                value(serde_dynamo::to_attribute_value(language))?,
            )
            .expression_attribute_values(
                ":reminders",
                value(serde_dynamo::to_attribute_value(reminders))?,
            )
            .expression_attribute_values(":expected", AttributeValue::N(expected.to_string()));
        self.update_partner(scope, update, audit).await
    }

    /// One change to the partner item (`update`, which moves its `version`) and its audit
    /// record, in one transaction.
    async fn update_partner(
        &self,
        scope: &PartnerScope,
        update: UpdateBuilder,
        audit: &AuditRecord,
    ) -> Result<(), StoreError> {
        let update = update
            .table_name(&self.name)
            .set_key(Some(partner_keys(scope.partner_id()).key()))
            .expression_attribute_values(":one", AttributeValue::N("1".into()))
            .build()
            .map_err(StoreError::sdk)?;
        self.transact(vec![
            TransactWriteItem::builder().update(update).build(),
            put_new(&self.name, super::audit::item(audit)?)?,
        ])
        .await
    }
}
