//! The one authorization function every endpoint goes through: may this principal do
//! this action to this resource? Roles (Table 5-1), per-customer access levels (Table
//! 5-2) and the custom roles' permissions are all decided here, never in handlers.

use super::{
    role::{AccessLevel, CustomRole, Visibility},
    CustomerId, Role,
};

/// What a partner user asks to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Validate or activate the partner's ExSP program serial.
    ActivateProgramSerial,
    /// See customers: the list (filtered to what the role reaches), a profile.
    ViewCustomers,
    /// Add a new customer.
    AddCustomer,
    /// Ask an existing customer to join the partner's customer list.
    ImportCustomer,
    /// Change a customer: products, conversions, cancellations, settings, management,
    /// consent requests, "Manage customer" sessions.
    ManageCustomer,
    /// Remove a customer.
    RemoveCustomer,
    /// Read the partner's security audit trail.
    ViewAuditTrail,
    /// See the partner's users and roles.
    ViewUsers,
    /// Add, change, disable and remove users; assign roles.
    ManageUsers,
    /// Create, change and delete custom roles.
    ManageRoles,
    /// The partner's security settings (two-step verification for everyone), and
    /// resetting another user's two-step verification.
    ManageSecurity,
    /// See and dismiss alerts (the list shows what `Grant::visibility` allows).
    ViewAlerts,
    /// See, create, change and delete alert notification rules.
    ManageAlertRules,
    /// Make, list, open and delete reports: on the partner (the Reports page), or on
    /// each customer a report covers (the role must read it).
    RunReports,
    /// Report Customization: colours and logo.
    ManageBranding,
    /// See My Company: the company, the support information, the emails' language.
    ViewCompany,
    /// Change My Company's support information and the emails' language.
    ManageCompany,
    /// Case Management: open, read, comment on and close the partner's support tickets.
    /// Custom roles need the permission (off unless granted).
    SupportTickets,
}

impl Action {
    pub const ALL: [Action; 18] = [
        Action::ActivateProgramSerial,
        Action::ViewCustomers,
        Action::AddCustomer,
        Action::ImportCustomer,
        Action::ManageCustomer,
        Action::RemoveCustomer,
        Action::ViewAuditTrail,
        Action::ViewUsers,
        Action::ManageUsers,
        Action::ManageRoles,
        Action::ManageSecurity,
        Action::ViewAlerts,
        Action::ManageAlertRules,
        Action::RunReports,
        Action::ManageBranding,
        Action::ViewCompany,
        Action::ManageCompany,
        Action::SupportTickets,
    ];
}

/// What the action is done to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource<'a> {
    /// The partner account as a whole (its lists, users, roles, program).
    Partner,
    /// One of the partner's customers.
    Customer(&'a CustomerId),
    /// One of the partner's users: `own` when it is the actor themselves.
    User { own: bool },
}

/// Why not.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// The principal may know the resource but not do this to it (403).
    #[error("{0}")]
    Forbidden(&'static str),
    /// The principal has no access to the resource: it answers as if it did not exist
    /// (404).
    #[error("not found")]
    Hidden,
}

/// What a user's role grants, resolved for this request: a built-in role, or a custom
/// role's definition as read at the start of the request (so a change to the role takes
/// effect on the next request).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grant {
    PartnerAdministrator,
    Administrator,
    Custom(CustomRole),
}

impl Grant {
    /// A built-in role's grant; `None` for a custom role, which must be read first.
    pub fn builtin(role: &Role) -> Option<Grant> {
        match role {
            Role::PartnerAdministrator => Some(Grant::PartnerAdministrator),
            Role::Administrator => Some(Grant::Administrator),
            Role::Custom(_) => None,
        }
    }

    /// A role's grant among the partner's custom roles as read (one Query for many
    /// users); `None` when the custom role is gone, which grants nothing.
    pub fn among(role: &Role, roles: &[CustomRole]) -> Option<Grant> {
        Grant::builtin(role).or_else(|| {
            let id = role.custom()?;
            roles
                .iter()
                .find(|r| &r.id == id)
                .map(|r| Grant::Custom(r.clone()))
        })
    }

    fn custom(&self) -> Option<&CustomRole> {
        match self {
            Grant::Custom(r) => Some(r),
            _ => None,
        }
    }

    /// The access level on one customer: Read/Write on all of them for the built-in roles.
    pub fn level(&self, customer: &CustomerId) -> AccessLevel {
        self.custom()
            .map_or(AccessLevel::ReadWrite, |r| r.access.level(customer))
    }

    /// Which customers lists, counts and exports may show.
    pub fn visibility(&self) -> Visibility {
        self.custom()
            .map_or_else(Visibility::everything, |r| r.access.visibility())
    }
}

const BUILT_IN_ONLY: &str = "Only the Partner Administrator and Administrator roles can do this.";
const PARTNER_ADMIN_ONLY: &str = "Only a partner administrator can do this.";
const READ_ONLY: &str = "Your role has read-only access to this customer.";

fn at_least(grant: &Grant, resource: Resource<'_>, needed: AccessLevel) -> Result<(), Denied> {
    let Resource::Customer(customer) = resource else {
        // An action on one customer asked of the partner as a whole: only roles that
        // reach every customer at that level may.
        return match grant {
            Grant::Custom(_) => Err(Denied::Forbidden(BUILT_IN_ONLY)),
            _ => Ok(()),
        };
    };
    match grant.level(customer) {
        AccessLevel::NoAccess => Err(Denied::Hidden),
        level if level >= needed => Ok(()),
        _ => Err(Denied::Forbidden(READ_ONLY)),
    }
}

fn permission(
    grant: &Grant,
    allowed: impl Fn(&CustomRole) -> bool,
    what: &'static str,
) -> Result<(), Denied> {
    match grant {
        Grant::Custom(r) if !allowed(r) => Err(Denied::Forbidden(what)),
        _ => Ok(()),
    }
}

pub fn authorize(grant: &Grant, action: Action, resource: Resource<'_>) -> Result<(), Denied> {
    match action {
        Action::ViewCustomers => match resource {
            // Every role may list; the list shows what `Grant::visibility` allows.
            Resource::Partner | Resource::User { .. } => Ok(()),
            Resource::Customer(_) => at_least(grant, resource, AccessLevel::Read),
        },
        Action::ManageCustomer => at_least(grant, resource, AccessLevel::ReadWrite),
        Action::AddCustomer => permission(
            grant,
            |r| r.permissions.add_customers,
            "Your role does not allow adding customers.",
        ),
        Action::ImportCustomer => permission(
            grant,
            |r| r.permissions.import_customers,
            "Your role does not allow importing customers.",
        ),
        Action::SupportTickets => permission(
            grant,
            |r| r.permissions.support_tickets,
            "Your role does not allow support tickets.",
        ),
        Action::RemoveCustomer => {
            at_least(grant, resource, AccessLevel::ReadWrite)?;
            permission(
                grant,
                |r| r.permissions.remove_customers,
                "Your role does not allow removing customers.",
            )
        }
        // Everyone sees and edits their own profile ("My User Settings") and contact
        // preferences; what of it they may change is `UserUpdate::check`'s question.
        Action::ViewUsers | Action::ManageUsers if resource == (Resource::User { own: true }) => {
            Ok(())
        }
        // Alerts about a customer the role cannot see are left out of every list, and
        // answer 404 when named.
        Action::ViewAlerts => match resource {
            Resource::Customer(_) => at_least(grant, resource, AccessLevel::Read),
            _ => Ok(()),
        },
        // Every user sees whom their customers are told to contact.
        Action::ViewCompany => Ok(()),
        // Every role makes reports of the customers it may read.
        Action::RunReports => match resource {
            Resource::Customer(_) => at_least(grant, resource, AccessLevel::Read),
            _ => Ok(()),
        },
        // A rule may name any customer and any user: only the built-in roles, which see
        // them all, manage rules. Report Customization is part of Administration.
        Action::ActivateProgramSerial
        | Action::ViewAuditTrail
        | Action::ViewUsers
        | Action::ManageAlertRules
        | Action::ManageBranding
        | Action::ManageCompany => match grant {
            Grant::Custom(_) => Err(Denied::Forbidden(BUILT_IN_ONLY)),
            _ => Ok(()),
        },
        Action::ManageUsers | Action::ManageRoles | Action::ManageSecurity => match grant {
            Grant::PartnerAdministrator => Ok(()),
            _ => Err(Denied::Forbidden(PARTNER_ADMIN_ONLY)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::role::{CustomerAccess, CustomerPermissions};
    use chrono::Utc;

    fn custom(access: CustomerAccess, permissions: CustomerPermissions) -> Grant {
        let mut r = CustomRole::new("Help desk".into(), Utc::now());
        r.access = access;
        r.permissions = permissions;
        Grant::Custom(r)
    }

    #[test]
    fn a_role_is_granted_from_the_custom_roles_read_or_not_at_all_once_its_role_is_gone() {
        let kept = CustomRole::new("Help desk".into(), Utc::now());
        let gone = CustomRole::new("Retired".into(), Utc::now());
        let roles = [kept.clone()];
        assert_eq!(
            Grant::among(&Role::Administrator, &roles),
            Some(Grant::Administrator)
        );
        assert_eq!(
            Grant::among(&Role::Custom(kept.id.clone()), &roles),
            Some(Grant::Custom(kept))
        );
        assert_eq!(Grant::among(&Role::Custom(gone.id), &roles), None);
    }

    #[test]
    fn partner_administrators_may_do_everything_and_administrators_all_but_users_and_roles() {
        let c = CustomerId::generate();
        for action in Action::ALL {
            for resource in [Resource::Partner, Resource::Customer(&c)] {
                assert_eq!(
                    authorize(&Grant::PartnerAdministrator, action, resource),
                    Ok(()),
                    "{action:?}"
                );
                let admin = authorize(&Grant::Administrator, action, resource);
                match action {
                    Action::ManageUsers | Action::ManageRoles | Action::ManageSecurity => {
                        assert!(matches!(admin, Err(Denied::Forbidden(_))), "{action:?}")
                    }
                    _ => assert_eq!(admin, Ok(()), "{action:?}"),
                }
            }
        }
    }

    #[test]
    fn a_custom_role_reads_writes_or_cannot_see_each_customer_by_its_level() {
        let (rw, r, none) = (
            CustomerId::generate(),
            CustomerId::generate(),
            CustomerId::generate(),
        );
        let g = custom(
            CustomerAccess {
                all: None,
                read_write: [rw.clone()].into(),
                read: [r.clone()].into(),
                no_access: [none.clone()].into(),
                default_level: AccessLevel::NoAccess,
            },
            CustomerPermissions {
                add_customers: true,
                import_customers: false,
                remove_customers: true,
                support_tickets: false,
            },
        );
        let on = |a, c| authorize(&g, a, Resource::Customer(c));
        assert_eq!(on(Action::ViewCustomers, &rw), Ok(()));
        assert_eq!(on(Action::ManageCustomer, &rw), Ok(()));
        assert_eq!(on(Action::RemoveCustomer, &rw), Ok(()));
        assert_eq!(on(Action::ViewCustomers, &r), Ok(()));
        assert!(matches!(
            on(Action::ManageCustomer, &r),
            Err(Denied::Forbidden(_))
        ));
        assert!(matches!(
            on(Action::RemoveCustomer, &r),
            Err(Denied::Forbidden(_))
        ));
        for action in [
            Action::ViewCustomers,
            Action::ManageCustomer,
            Action::RemoveCustomer,
        ] {
            assert_eq!(on(action, &none), Err(Denied::Hidden), "{action:?}");
        }
        assert_eq!(on(Action::RunReports, &rw), Ok(()));
        assert_eq!(on(Action::RunReports, &r), Ok(()));
        assert_eq!(on(Action::RunReports, &none), Err(Denied::Hidden));
        let partner = |a| authorize(&g, a, Resource::Partner);
        assert_eq!(partner(Action::ViewCustomers), Ok(()));
        assert_eq!(partner(Action::RunReports), Ok(()));
        assert_eq!(partner(Action::ViewCompany), Ok(()));
        assert_eq!(partner(Action::AddCustomer), Ok(()));
        assert!(matches!(
            partner(Action::ImportCustomer),
            Err(Denied::Forbidden(_))
        ));
        for action in [
            Action::ActivateProgramSerial,
            Action::ViewAuditTrail,
            Action::ViewUsers,
            Action::ManageUsers,
            Action::ManageRoles,
            Action::ManageBranding,
            Action::ManageCompany,
            Action::SupportTickets,
        ] {
            assert!(
                matches!(partner(action), Err(Denied::Forbidden(_))),
                "{action:?}"
            );
        }
    }

    #[test]
    fn everyone_keeps_their_own_profile_and_only_partner_administrators_manage_others() {
        let g = custom(CustomerAccess::default(), CustomerPermissions::default());
        let own = Resource::User { own: true };
        let other = Resource::User { own: false };
        for grant in [&g, &Grant::Administrator, &Grant::PartnerAdministrator] {
            assert_eq!(authorize(grant, Action::ViewUsers, own), Ok(()));
            assert_eq!(authorize(grant, Action::ManageUsers, own), Ok(()));
        }
        assert!(authorize(&g, Action::ViewUsers, other).is_err());
        assert_eq!(
            authorize(&Grant::Administrator, Action::ViewUsers, other),
            Ok(())
        );
        assert!(authorize(&Grant::Administrator, Action::ManageUsers, other).is_err());
        assert_eq!(
            authorize(&Grant::PartnerAdministrator, Action::ManageUsers, other),
            Ok(())
        );
    }

    #[test]
    fn support_tickets_need_the_permission_in_a_custom_role() {
        let without = custom(CustomerAccess::default(), CustomerPermissions::default());
        assert!(matches!(
            authorize(&without, Action::SupportTickets, Resource::Partner),
            Err(Denied::Forbidden(_))
        ));
        let with = custom(
            CustomerAccess::default(),
            CustomerPermissions {
                support_tickets: true,
                ..CustomerPermissions::default()
            },
        );
        assert_eq!(
            authorize(&with, Action::SupportTickets, Resource::Partner),
            Ok(())
        );
    }

    #[test]
    fn removing_needs_both_read_write_and_the_permission() {
        let c = CustomerId::generate();
        let g = custom(CustomerAccess::default(), CustomerPermissions::default());
        assert_eq!(
            authorize(&g, Action::ManageCustomer, Resource::Customer(&c)),
            Ok(())
        );
        assert!(matches!(
            authorize(&g, Action::RemoveCustomer, Resource::Customer(&c)),
            Err(Denied::Forbidden(_))
        ));
    }

    #[test]
    fn built_in_roles_see_every_customer_and_custom_roles_what_they_reach() {
        assert!(Grant::Administrator.visibility().is_everything());
        let c = CustomerId::generate();
        let g = custom(
            CustomerAccess {
                all: Some(AccessLevel::NoAccess),
                ..CustomerAccess::default()
            },
            CustomerPermissions::default(),
        );
        assert!(!g.visibility().sees(&c));
        assert_eq!(g.level(&c), AccessLevel::NoAccess);
    }
}
