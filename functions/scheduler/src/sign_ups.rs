//! Sign-ups whose email was never confirmed are removed once their time is up
//! (`UNVERIFIED_SIGN_UP_DAYS` after signing up): the partner's items, its users' logins at
//! the identity provider, their email guards and its report schedules, so the email can
//! sign up again. Bounded work per tick; what is left waits in the due index for the next.

use adapters::services::AppState;
use domain::{
    audit::{Action, AuditRecord, Outcome},
    user::username,
};
use store::{account_links::UnverifiedSignUp, PartnerScope, StoreError};

/// Sign-ups removed per tick, at most.
pub const PER_TICK: usize = 10;
/// Items deleted per sign-up per tick, at most.
const ITEMS_PER_SIGN_UP: usize = 200;

/// Removes up to [`PER_TICK`] of the due sign-ups; the number removed whole.
pub async fn remove_unverified(
    state: &AppState,
    due: &[UnverifiedSignUp],
) -> Result<usize, StoreError> {
    let mut removed = 0;
    for pending in due.iter().take(PER_TICK) {
        // Confirmed meanwhile: the record would be gone, but check the partner itself.
        if state
            .table
            .partner(&pending.partner_id)
            .await?
            .is_some_and(|p| p.email_verified)
        {
            continue;
        }
        if !release_outside(state, pending).await {
            continue;
        }
        if state
            .table
            .remove_unverified(pending, ITEMS_PER_SIGN_UP)
            .await?
        {
            let record = AuditRecord::new(
                Action::RemoveUnverified,
                pending.email.as_str(),
                "console",
                Outcome::Success,
            )
            .target(pending.partner_id.to_string())
            .reason("email not confirmed in time");
            state.table.record(&record).await?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Deletes what the sign-up has outside the table: its users at the identity provider and
/// its report schedules in EventBridge Scheduler. `false` (try again next tick) when a
/// service failed.
async fn release_outside(state: &AppState, pending: &UnverifiedSignUp) -> bool {
    let scope = PartnerScope::new(pending.partner_id.clone());
    let (users, schedules) = match (
        state.table.users(&scope).await,
        state.table.schedules(&pending.partner_id).await,
    ) {
        (Ok(u), Ok(s)) => (u, s),
        (Err(e), _) | (_, Err(e)) => {
            tracing::error!(partner = %pending.partner_id, error = %e, "unconfirmed sign-up not read");
            return false;
        }
    };
    for user in &users {
        let login = username(&pending.partner_id, &user.id);
        match state.identity().delete_user(&login).await {
            Ok(()) | Err(adapters::identity::IdentityError::UserNotFound) => {}
            Err(e) => {
                tracing::error!(partner = %pending.partner_id, error = %e, "login not deleted");
                return false;
            }
        }
    }
    if !schedules.is_empty() {
        let Ok(scheduler) = state.schedules() else {
            tracing::error!(partner = %pending.partner_id, "report schedules cannot be removed");
            return false;
        };
        for s in &schedules {
            if let Err(e) = scheduler.delete(&s.id).await {
                tracing::error!(partner = %pending.partner_id, error = %e, "schedule not removed");
                return false;
            }
        }
    }
    true
}
