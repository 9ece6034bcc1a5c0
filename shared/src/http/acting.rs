//! The signed-in partner user, loaded and authorized before a handler acts: the user's
//! item (and, for a custom role, the role's: at most one read more), then the
//! authorization function (`domain::authorization`), so every endpoint asks the same
//! question the same way and a change to a role counts from the next request.

use super::{Principal, Problem};
use crate::{
    domain::{
        authorization::{authorize, Action, Denied, Grant, Resource},
        partner::Partner,
        role::Visibility,
        user::UserStatus,
        User,
    },
    services::AppState,
};

/// A user allowed to act, with what their role grants.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user: User,
    pub grant: Grant,
}

/// How a refusal is answered: 404 for what the principal may not know exists, 403 with
/// the reason otherwise.
pub fn refusal(denied: Denied, hidden: &str) -> Problem {
    match denied {
        Denied::Hidden => Problem::not_found(hidden.to_string()),
        Denied::Forbidden(why) => Problem::forbidden(why),
    }
}

/// What a hidden customer answers: the same as a customer that does not exist.
pub const NO_SUCH_CUSTOMER: &str = "No such customer.";

impl Actor {
    /// May the actor do `action` to `resource`? The same function as at the start.
    pub fn may(&self, action: Action, resource: Resource<'_>) -> Result<(), Problem> {
        authorize(&self.grant, action, resource).map_err(|d| refusal(d, NO_SUCH_CUSTOMER))
    }

    /// The customers lists, counts and exports may show.
    pub fn visibility(&self) -> Visibility {
        self.grant.visibility()
    }
}

fn gone() -> Problem {
    Problem::unauthorized("This account no longer exists: sign in again.")
}

/// Turns the user's item into an actor: refuses disabled users, and reads a custom
/// role's definition (the one extra read a custom role costs).
async fn resolve(
    state: &AppState,
    principal: &Principal,
    user: User,
    action: Action,
    resource: Resource<'_>,
) -> Result<Actor, Problem> {
    if user.status == UserStatus::Disabled {
        return Err(Problem::forbidden("This user has been disabled.").kind("user-disabled"));
    }
    let grant = match Grant::builtin(&user.role) {
        Some(g) => g,
        None => {
            let id = user.role.custom().expect("not built in");
            let role = state
                .table
                .role(&principal.scope(), id)
                .await?
                .ok_or_else(|| Problem::forbidden("Your role no longer exists."))?;
            Grant::Custom(role)
        }
    };
    let actor = Actor { user, grant };
    actor.may(action, resource)?;
    Ok(actor)
}

/// The user, if their role allows `action` on `resource` (one GetItem, two for a
/// custom role).
pub async fn user(
    state: &AppState,
    principal: &Principal,
    action: Action,
    resource: Resource<'_>,
) -> Result<Actor, Problem> {
    let (_, user_id) = principal.partner_user();
    let user = state
        .table
        .user(&principal.scope(), user_id)
        .await?
        .ok_or_else(gone)?;
    resolve(state, principal, user, action, resource).await
}

/// The user and their partner, if the role allows `action` on `resource` (one
/// BatchGetItem, and a GetItem for a custom role).
pub async fn member(
    state: &AppState,
    principal: &Principal,
    action: Action,
    resource: Resource<'_>,
) -> Result<(Actor, Partner), Problem> {
    let (_, user_id) = principal.partner_user();
    let (user, partner) = state
        .table
        .user_and_partner(&principal.scope(), user_id)
        .await?
        .ok_or_else(gone)?;
    let actor = resolve(state, principal, user, action, resource).await?;
    Ok((actor, partner))
}
