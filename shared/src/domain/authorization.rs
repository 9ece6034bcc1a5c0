//! The one authorization function every endpoint goes through: may this user do this?
//! Custom roles and per-customer access levels add rules here, not in handlers.

use super::Role;

/// What a partner user asks to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Validate or activate the partner's ExSP program serial.
    ActivateProgramSerial,
    /// See customers: the list, a profile, the catalog.
    ViewCustomers,
    /// Add a new customer.
    AddCustomer,
    /// Ask an existing customer to join the partner's customer list.
    ImportCustomer,
    /// Change a customer: products, conversions, cancellations, settings.
    ManageCustomer,
    /// Remove a customer.
    RemoveCustomer,
    /// Read the partner's security audit trail.
    ViewAuditTrail,
}

impl Action {
    pub const ALL: [Action; 7] = [
        Action::ViewAuditTrail,
        Action::ActivateProgramSerial,
        Action::ViewCustomers,
        Action::AddCustomer,
        Action::ImportCustomer,
        Action::ManageCustomer,
        Action::RemoveCustomer,
    ];
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("your role does not allow this")]
pub struct Denied;

pub fn authorize(role: Role, action: Action) -> Result<(), Denied> {
    match (role, action) {
        // Until custom roles exist, both built-in roles have full access (Table 5-1).
        (Role::PartnerAdministrator | Role::Administrator, _) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_built_in_roles_may_do_everything_that_exists_so_far() {
        for role in [Role::PartnerAdministrator, Role::Administrator] {
            for action in Action::ALL {
                assert_eq!(authorize(role, action), Ok(()), "{role:?} {action:?}");
            }
        }
    }
}
