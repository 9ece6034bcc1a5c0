//! Links sent to an account's own address that prove the mailbox: a password reset, and
//! the sign-up's email confirmation. As with welcome and invitation links, only a link's
//! SHA-256 is stored, under `RESET#<hash>` or `VERIFY#<hash>`, and the item expires by TTL
//! a day after the link.
//!
//! A reset names the login it resets; the login's newest reset is `EMAIL#<email>` /
//! `RESET`, beside the email guard, so sending a new link revokes the earlier one. An
//! unconfirmed sign-up is `PARTNER#<id>` / `UNVERIFIED`, in the tick's due index at the
//! moment it is to be removed.

use aws_sdk_dynamodb::types::{AttributeValue, ConditionCheck, Delete, TransactWriteItem, Update};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{
    accounts::Login, from_item, keys, put_new, schedule, to_item, Item, Keys, PartnerScope,
    StoreError, Table,
};
use domain::{audit::AuditRecord, EmailAddress, PartnerId, UserId};

/// A password reset link, by its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PasswordReset {
    pub hash: String,
    pub email: EmailAddress,
    /// The identity-provider username whose password it sets.
    pub username: String,
    pub partner_id: PartnerId,
    pub expires_at: DateTime<Utc>,
    /// When it was claimed for its one use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used_at: Option<DateTime<Utc>>,
}

/// Which reset is the login's newest: only that one works.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CurrentReset {
    pub hash: String,
}

fn reset_keys(hash: &str) -> Keys {
    Keys::new(format!("RESET#{hash}"), "RESET")
}

fn current_reset_keys(email: &EmailAddress) -> Keys {
    Keys::new(keys::email_pk(email), "RESET")
}

fn login_keys(email: &EmailAddress) -> Keys {
    Keys::new(keys::email_pk(email), keys::EMAIL_SK)
}

fn expiry(at: DateTime<Utc>) -> i64 {
    at.timestamp() + 86_400
}

/// A link confirming a new partner's email, by its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmailVerification {
    pub hash: String,
    pub partner_id: PartnerId,
    pub email: EmailAddress,
    pub expires_at: DateTime<Utc>,
}

fn verification_keys(hash: &str) -> Keys {
    Keys::new(format!("VERIFY#{hash}"), "VERIFY")
}

fn verification_item(v: &EmailVerification) -> Result<Item, StoreError> {
    to_item(
        verification_keys(&v.hash).ttl(expiry(v.expires_at)),
        "EmailVerification",
        v,
    )
}

/// A sign-up whose email is not confirmed yet: what the tick removes if it stays so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnverifiedSignUp {
    pub partner_id: PartnerId,
    /// The sign-up's user and login (the address the confirmation goes to).
    pub user_id: UserId,
    pub email: EmailAddress,
    /// When the tick removes the sign-up if its email is still not confirmed.
    pub remove_at: DateTime<Utc>,
}

fn unverified_keys(partner: &PartnerId) -> Keys {
    Keys::new(keys::partner_pk(partner), "UNVERIFIED")
}

fn unverified_item(u: &UnverifiedSignUp) -> Result<Item, StoreError> {
    to_item(
        unverified_keys(&u.partner_id).gsi2(
            schedule::DUE_PK,
            format!(
                "{}#UNVERIFIED#{}",
                schedule::time_key(u.remove_at),
                u.partner_id
            ),
        ),
        "UnverifiedSignUp",
        u,
    )
}

/// The sign-up's items for its transaction: the pending record and the first link.
pub(crate) fn sign_up_items(
    table: &str,
    pending: &UnverifiedSignUp,
    link: &EmailVerification,
) -> Result<Vec<TransactWriteItem>, StoreError> {
    Ok(vec![
        put_new(table, unverified_item(pending)?)?,
        put_new(table, verification_item(link)?)?,
    ])
}

/// Why confirming did not happen.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The sign-up was removed (or confirmed and the link is stale: see the partner).
    #[error("no such sign-up")]
    Gone,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Table {
    /// Stores a new reset link for `login` and makes it the login's only working one,
    /// with the audit record of the request.
    pub async fn issue_password_reset(
        &self,
        reset: &PasswordReset,
        audit: &AuditRecord,
    ) -> Result<(), StoreError> {
        let current = CurrentReset {
            hash: reset.hash.clone(),
        };
        let put = |item| {
            aws_sdk_dynamodb::types::Put::builder()
                .table_name(&self.name)
                .set_item(Some(item))
                .build()
                .map_err(StoreError::sdk)
                .map(|p| TransactWriteItem::builder().put(p).build())
        };
        self.transact(vec![
            put_new(
                &self.name,
                to_item(
                    reset_keys(&reset.hash).ttl(expiry(reset.expires_at)),
                    "PasswordReset",
                    reset,
                )?,
            )?,
            put(to_item(
                current_reset_keys(&reset.email).ttl(expiry(reset.expires_at)),
                "CurrentReset",
                &current,
            )?)?,
            put_new(&self.name, super::audit::item(audit)?)?,
        ])
        .await
    }

    /// The reset a link's hash names, with the login's email guard and newest reset as
    /// they are now (one read, one BatchGetItem).
    pub async fn password_reset(
        &self,
        hash: &str,
    ) -> Result<Option<(PasswordReset, Option<Login>, Option<CurrentReset>)>, StoreError> {
        let k = reset_keys(hash);
        let Some(reset) = self.get::<PasswordReset>(&k.pk, &k.sk).await? else {
            return Ok(None);
        };
        let (mut login, mut current) = (None, None);
        for item in self
            .get_many(&[login_keys(&reset.email), current_reset_keys(&reset.email)])
            .await?
        {
            match item
                .get("kind")
                .and_then(|k| k.as_s().ok())
                .map(String::as_str)
            {
                Some("Login") => login = Some(from_item(item)?),
                Some("CurrentReset") => current = Some(from_item(item)?),
                _ => {}
            }
        }
        Ok(Some((reset, login, current)))
    }

    /// Claims a reset link for its one use, before the password is set: of two uses at
    /// once, one gets `true`.
    pub async fn claim_password_reset(
        &self,
        hash: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        self.claim_once(&reset_keys(hash), at).await
    }

    /// Gives back a reset claimed at `at` whose password was then refused.
    pub async fn release_password_reset(
        &self,
        hash: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.release_claim(&reset_keys(hash), at).await
    }

    /// Stores a new confirmation link for a sign-up still waiting for one, with the audit
    /// record. `ConditionFailed` when the sign-up is confirmed (or gone).
    pub async fn add_email_verification(
        &self,
        link: &EmailVerification,
        audit: &AuditRecord,
    ) -> Result<(), StoreError> {
        let pending = ConditionCheck::builder()
            .table_name(&self.name)
            .set_key(Some(unverified_keys(&link.partner_id).key()))
            .condition_expression("attribute_exists(pk)")
            .build()
            .map_err(StoreError::sdk)?;
        self.transact(vec![
            TransactWriteItem::builder()
                .condition_check(pending)
                .build(),
            put_new(&self.name, verification_item(link)?)?,
            put_new(&self.name, super::audit::item(audit)?)?,
        ])
        .await
    }

    /// A partner's item, whoever asks (a confirmation link names its partner).
    pub async fn partner(
        &self,
        id: &PartnerId,
    ) -> Result<Option<domain::partner::Partner>, StoreError> {
        self.get(&keys::partner_pk(id), keys::PARTNER_SK).await
    }

    /// The confirmation a link's hash names.
    pub async fn email_verification(
        &self,
        hash: &str,
    ) -> Result<Option<EmailVerification>, StoreError> {
        let k = verification_keys(hash);
        self.get(&k.pk, &k.sk).await
    }

    /// The sign-up's pending record, while its email is not confirmed.
    pub async fn unverified_sign_up(
        &self,
        scope: &PartnerScope,
    ) -> Result<Option<UnverifiedSignUp>, StoreError> {
        let k = unverified_keys(scope.partner_id());
        self.get(&k.pk, &k.sk).await
    }

    /// Confirms the partner's email: the partner may send email from now on, and the
    /// sign-up is no longer removed; with the audit record. `Gone` when the sign-up was
    /// confirmed meanwhile or removed.
    pub async fn confirm_email(
        &self,
        partner: &PartnerId,
        audit: &AuditRecord,
    ) -> Result<(), VerifyError> {
        let confirm = Update::builder()
            .table_name(&self.name)
            .set_key(Some(
                Keys::new(keys::partner_pk(partner), keys::PARTNER_SK).key(),
            ))
            .update_expression("SET emailVerified = :yes, version = version + :one")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":yes", AttributeValue::Bool(true))
            .expression_attribute_values(":one", AttributeValue::N("1".into()))
            .build()
            .map_err(StoreError::sdk)?;
        let pending = Delete::builder()
            .table_name(&self.name)
            .set_key(Some(unverified_keys(partner).key()))
            .condition_expression("attribute_exists(pk)")
            .build()
            .map_err(StoreError::sdk)?;
        match self
            .transact(vec![
                TransactWriteItem::builder().delete(pending).build(),
                TransactWriteItem::builder().update(confirm).build(),
                put_new(&self.name, super::audit::item(audit)?)?,
            ])
            .await
        {
            Ok(()) => Ok(()),
            Err(StoreError::ConditionFailed { .. }) => Err(VerifyError::Gone),
            Err(e) => Err(e.into()),
        }
    }

    /// Removes an unconfirmed sign-up: every item in the partner's partition (its users,
    /// settings and trail among them) and its users' email guards, so the emails can sign
    /// up again. The pending record goes last, so a tick that stops halfway is finished by
    /// the next. At most `batch` items are deleted per call; `true` when all are gone.
    pub async fn remove_unverified(
        &self,
        pending: &UnverifiedSignUp,
        batch: usize,
    ) -> Result<bool, StoreError> {
        let scope = PartnerScope::new(pending.partner_id.clone());
        let items = self.partition_items(&scope.pk(), "").await?;
        // Guards first and users last: a user's item is what finds its guard, so it goes
        // only after the guard, should the work be cut in two ticks.
        let (mut guards, mut others, mut users) = (Vec::new(), Vec::new(), Vec::new());
        for item in items {
            let Some(sk) = item.get("sk").and_then(|v| v.as_s().ok()).cloned() else {
                continue;
            };
            if sk == "UNVERIFIED" {
                continue;
            }
            let kind = item.get("kind").and_then(|k| k.as_s().ok()).cloned();
            if kind.as_deref() != Some("User") {
                others.push(Keys::new(scope.pk(), sk));
                continue;
            }
            let user: domain::User = from_item(item)?;
            if !user.api_client {
                // Only the partner's own guard: never another account's.
                let guard = login_keys(&user.email);
                let owner = self.get::<Login>(&guard.pk, &guard.sk).await?;
                if owner.is_some_and(|g| g.partner_id == pending.partner_id) {
                    guards.push(guard);
                    // The email's reset pointer too, but only while the email is this
                    // partner's: once another account holds it, the pointer is theirs.
                    guards.push(current_reset_keys(&user.email));
                }
            }
            users.push(Keys::new(scope.pk(), sk));
        }
        let mut doomed = guards;
        doomed.append(&mut others);
        doomed.append(&mut users);
        let done = doomed.len() <= batch;
        for chunk in doomed
            .into_iter()
            .take(batch)
            .collect::<Vec<_>>()
            .chunks(25)
        {
            let mut deletes = Vec::with_capacity(chunk.len());
            for k in chunk {
                deletes.push(super::delete_item(&self.name, k)?);
            }
            self.transact(deletes).await?;
        }
        if done {
            self.transact(vec![super::delete_item(
                &self.name,
                &unverified_keys(&pending.partner_id),
            )?])
            .await?;
        }
        Ok(done)
    }
}
