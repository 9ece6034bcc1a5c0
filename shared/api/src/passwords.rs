//! A password a person chooses from an emailed link (a customer admin's welcome, a partner
//! user's invitation): checked against the policy, then set at the identity provider,
//! which creates the identity the first time. Either refusal is a 422 on `password`.

use super::Problem;
use adapters::identity::IdentityError;
use adapters::services::AppState;
use domain::{EmailAddress, FieldError, Password};

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
