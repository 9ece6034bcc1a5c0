//! A password a person chooses from an emailed link (a customer admin's welcome, a partner
//! user's invitation, a password reset): checked against the policy, then set at the
//! identity provider, which creates the identity the first time. Either refusal is a 422
//! on `password`.

use std::future::Future;

use super::Problem;
use adapters::identity::IdentityError;
use adapters::services::AppState;
use domain::{EmailAddress, FieldError, Password};
use serde::Deserialize;
use utoipa::ToSchema;

/// A password chosen on the page an emailed link opens.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChosenPassword {
    /// The secret from the link's `#token=` fragment.
    pub token: String,
    /// 12–256 characters with a lowercase letter, an uppercase letter and a digit.
    #[schema(
        min_length = 12,
        max_length = 256,
        pattern = r"^(?=[^a-z]*[a-z])(?=[^A-Z]*[A-Z])(?=[^0-9]*[0-9])[^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub password: String,
}

/// Sets a checked password from a single-use link, spending the link first, so that of
/// two uses at once only one sets it: `claim` marks the link used (`false`: it was used
/// meanwhile, answered `used`), and `release` gives it back when the identity provider
/// refuses the password, so the person can try another.
pub async fn set_spending_link<Released>(
    state: &AppState,
    username: &str,
    email: &EmailAddress,
    password: &Password,
    claim: impl Future<Output = Result<bool, store::StoreError>>,
    release: impl FnOnce() -> Released,
    used: Problem,
) -> Result<(), Problem>
where
    Released: Future<Output = Result<(), store::StoreError>>,
{
    if !claim.await? {
        return Err(used);
    }
    if let Err(refused) = set_checked(state, username, email, password).await {
        release().await?;
        return Err(refused);
    }
    Ok(())
}

fn refused(message: String) -> Problem {
    Problem::validation(vec![FieldError {
        field: "password".into(),
        message,
    }])
}

/// Sets `raw` as the password of `username` (whose login is `email`). Setting the same
/// password again is harmless, so a retry after a failed save works.
pub async fn set_chosen(
    state: &AppState,
    username: &str,
    email: &EmailAddress,
    raw: &str,
) -> Result<(), Problem> {
    set_checked(state, username, email, &checked(raw, email)?).await
}

/// `raw` if the policy allows it for the login `email` (checked before a link is spent).
pub fn checked(raw: &str, email: &EmailAddress) -> Result<Password, Problem> {
    Password::parse(raw, Some(email.local_part())).map_err(refused)
}

/// Sets a checked password at the identity provider (which may still refuse it).
pub async fn set_checked(
    state: &AppState,
    username: &str,
    email: &EmailAddress,
    password: &Password,
) -> Result<(), Problem> {
    match state
        .identity()
        .set_password(username, email.as_str(), password.expose())
        .await
    {
        Ok(()) => Ok(()),
        Err(IdentityError::InvalidPassword(m)) => Err(refused(m)),
        Err(e) => Err(e.into()),
    }
}
