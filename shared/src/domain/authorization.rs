//! The one authorization function every endpoint goes through: may this user do this?
//! Custom roles and per-customer access levels add rules here, not in handlers.

use super::Role;

/// What a partner user asks to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Validate or activate the partner's ExSP program serial.
    ActivateProgramSerial,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("your role does not allow this")]
pub struct Denied;

pub fn authorize(role: Role, action: Action) -> Result<(), Denied> {
    match (role, action) {
        // Until custom roles exist, both built-in roles have full access (Table 5-1).
        (Role::PartnerAdministrator | Role::Administrator, Action::ActivateProgramSerial) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_built_in_roles_may_activate_the_program_serial() {
        for role in [Role::PartnerAdministrator, Role::Administrator] {
            assert_eq!(authorize(role, Action::ActivateProgramSerial), Ok(()));
        }
    }
}
