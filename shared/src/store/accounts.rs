//! Partners, their users, and the system-wide email guards that keep every login unique.

use serde::{Deserialize, Serialize};

use super::{from_item, keys, put_new, to_item, Keys, PartnerScope, StoreError, Table};
use crate::domain::{
    audit::AuditRecord, partner::Partner, user::username, CustomerId, EmailAddress, PartnerId,
    User, UserId,
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
    /// the sign-up's audit record. Nothing is written if the email exists anywhere.
    pub async fn create_partner(
        &self,
        partner: &Partner,
        admin: &User,
        audit: &AuditRecord,
    ) -> Result<(), CreateError> {
        let login = Login {
            email: admin.email.clone(),
            partner_id: partner.id.clone(),
            user_id: admin.id.clone(),
            username: username(&partner.id, &admin.id),
            customer_id: None,
        };
        let items = vec![
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
        ];
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
