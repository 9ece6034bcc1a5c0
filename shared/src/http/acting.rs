//! The signed-in partner user, loaded and authorized before a handler acts: one read,
//! then the authorization function (`domain::authorization`), so every endpoint asks the
//! same question the same way.

use super::{Principal, Problem};
use crate::{
    domain::{
        authorization::{authorize, Action},
        partner::Partner,
        User,
    },
    services::AppState,
};

fn gone() -> Problem {
    Problem::not_found("This account no longer exists.")
}

fn denied(d: crate::domain::authorization::Denied) -> Problem {
    Problem::forbidden(d.to_string())
}

/// The user, if their role allows `action` (one GetItem).
pub async fn user(
    state: &AppState,
    principal: &Principal,
    action: Action,
) -> Result<User, Problem> {
    let (_, user_id) = principal.partner_user();
    let user = state
        .table
        .user(&principal.scope(), user_id)
        .await?
        .ok_or_else(gone)?;
    authorize(user.role, action).map_err(denied)?;
    Ok(user)
}

/// The user and their partner, if the role allows `action` (one BatchGetItem).
pub async fn member(
    state: &AppState,
    principal: &Principal,
    action: Action,
) -> Result<(User, Partner), Problem> {
    let (_, user_id) = principal.partner_user();
    let (user, partner) = state
        .table
        .user_and_partner(&principal.scope(), user_id)
        .await?
        .ok_or_else(gone)?;
    authorize(user.role, action).map_err(denied)?;
    Ok((user, partner))
}
