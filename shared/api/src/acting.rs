//! The signed-in partner user, loaded and authorized before a handler acts: the user's
//! item (and, for a custom role, the role's: at most one read more), then the
//! authorization function (`domain::authorization`), so every endpoint asks the same
//! question the same way and a change to a role counts from the next request.

use super::{Principal, Problem};
use adapters::services::AppState;
use domain::{
    authorization::{authorize, Action, Denied, Grant, Resource},
    partner::Partner,
    role::Visibility,
    user::UserStatus,
    CustomerId, User,
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

/// Refuses what would send email on the partner's behalf (welcomes, invitations, requests
/// to customers, reports) while its sign-up's email is not confirmed: asked before
/// anything is written.
pub fn may_send_email(partner: &Partner) -> Result<(), Problem> {
    if partner.may_send_email() {
        return Ok(());
    }
    Err(Problem::forbidden(
        "Confirm your email first: open the link we sent to your sign-up address (or send \
         it again from the banner). Until then the console sends no email for your company.",
    )
    .kind(crate::ProblemType::EmailNotVerified))
}

/// Refuses to send a link again to an address the partner no longer mails (it bounced or
/// marked the partner's mail as spam): the message would not arrive. One GetItem, asked
/// before anything is written.
pub async fn may_email(
    state: &AppState,
    partner: &Partner,
    email: &domain::EmailAddress,
) -> Result<(), Problem> {
    let scope = store::PartnerScope::new(partner.id.clone());
    let Some(s) = state.table.mail_suppression(&scope, email).await? else {
        return Ok(());
    };
    Err(Problem::conflict(
        crate::ProblemType::AddressSuppressed,
        format!(
            "{}: mail to {email} stopped on {}. Fix the mailbox (or the address), then lift \
             the suppression under Users or the customer's profile, and send again.",
            s.reason.label(),
            s.since.format("%Y-%m-%d %H:%M UTC"),
        ),
    ))
}

fn gone() -> Problem {
    Problem::unauthorized("This account no longer exists: sign in again.")
}

/// Why a user may not act yet although signed in: their partner requires two-step
/// verification and they have not set it up (API clients are machine credentials and
/// are exempt).
fn mfa_missing(user: &User, partner: &Partner) -> bool {
    partner.require_mfa && !user.mfa && !user.api_client
}

/// Turns the user's item into an actor: refuses disabled users (and, when `enforce_mfa`,
/// users who still owe two-step verification), and reads a custom role's definition (the
/// one extra read a custom role costs).
async fn resolve(
    state: &AppState,
    principal: &Principal,
    (user, partner): (User, Partner),
    action: Action,
    resource: Resource<'_>,
    enforce_mfa: bool,
) -> Result<(Actor, Partner), Problem> {
    if user.status == UserStatus::Disabled {
        return Err(Problem::forbidden("This user has been disabled.")
            .kind(crate::ProblemType::UserDisabled));
    }
    if enforce_mfa && mfa_missing(&user, &partner) {
        return Err(Problem::forbidden(
            "Your company requires two-step verification: set it up in My User Settings first.",
        )
        .kind(crate::ProblemType::MfaRequired));
    }
    let grant = grant_of(state, &principal.scope(), &user)
        .await?
        .ok_or_else(|| Problem::forbidden("Your role no longer exists."))?;
    let actor = Actor { user, grant };
    actor.may(action, resource)?;
    Ok((actor, partner))
}

/// What the user's role grants now: a built-in role's grant, or the custom role's
/// definition (one read); `None` when the custom role was deleted.
pub async fn grant_of(
    state: &AppState,
    scope: &store::PartnerScope,
    user: &User,
) -> Result<Option<Grant>, store::StoreError> {
    if let Some(g) = Grant::builtin(&user.role) {
        return Ok(Some(g));
    }
    let Some(id) = user.role.custom() else {
        return Ok(None);
    };
    Ok(state.table.role(scope, id).await?.map(Grant::Custom))
}

async fn load(state: &AppState, principal: &Principal) -> Result<(User, Partner), Problem> {
    let (_, user_id) = principal.partner_user();
    state
        .table
        .user_and_partner(&principal.scope(), user_id)
        .await?
        .ok_or_else(gone)
}

/// The user, if their role allows `action` on `resource` (one BatchGetItem of the user
/// and their partner, and a GetItem for a custom role).
pub async fn user(
    state: &AppState,
    principal: &Principal,
    action: Action,
    resource: Resource<'_>,
) -> Result<Actor, Problem> {
    Ok(member(state, principal, action, resource).await?.0)
}

/// The user and their partner, if the role allows `action` on `resource` (one
/// BatchGetItem, and a GetItem for a custom role).
pub async fn member(
    state: &AppState,
    principal: &Principal,
    action: Action,
    resource: Resource<'_>,
) -> Result<(Actor, Partner), Problem> {
    let loaded = load(state, principal).await?;
    resolve(state, principal, loaded, action, resource, true).await
}

/// The customer a path names, and the signed-in user and their partner if their role
/// allows `action` on it. An id of another shape is simply not found, like a customer the
/// role cannot see.
pub async fn on_customer(
    state: &AppState,
    principal: &Principal,
    raw_id: &str,
    action: Action,
) -> Result<(CustomerId, Actor, Partner), Problem> {
    let id = CustomerId::parse(raw_id).map_err(|_| Problem::not_found(NO_SUCH_CUSTOMER))?;
    let (actor, partner) = member(state, principal, action, Resource::Customer(&id)).await?;
    Ok((id, actor, partner))
}

/// The signed-in user and their partner even while they still owe two-step
/// verification: for `/me` and for setting the verification up.
pub async fn session(state: &AppState, principal: &Principal) -> Result<(Actor, Partner), Problem> {
    let loaded = load(state, principal).await?;
    resolve(
        state,
        principal,
        loaded,
        Action::ViewUsers,
        Resource::User { own: true },
        false,
    )
    .await
}
