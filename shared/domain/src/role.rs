//! Partner roles (the guide's Tables 5-1 and 5-2): the two built-in roles every partner
//! has, and custom roles a partner administrator defines, each with a per-customer access
//! level and the add / import / remove customer permissions.

use std::collections::BTreeSet;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{CustomerId, FieldError, RoleId, Validation};

/// Most customers a custom role may name one by one; beyond that, "All customers" at a
/// level with exceptions says the same in less space (the role is read on every request).
pub const MAX_CHOSEN_CUSTOMERS: usize = 2000;
/// Most custom roles a partner may define.
pub const MAX_CUSTOM_ROLES: usize = 50;
pub const MAX_ROLE_NAME: usize = 64;

/// The role a user holds: stored and sent as one string, `partnerAdministrator`,
/// `administrator`, or a custom role's id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Role {
    /// Full access, including users and roles. The partner's first user has it.
    PartnerAdministrator,
    /// Read/Write on every customer, without user and role administration.
    Administrator,
    /// A role the partner defined.
    Custom(RoleId),
}

impl Role {
    pub const PARTNER_ADMINISTRATOR: &'static str = "partnerAdministrator";
    pub const ADMINISTRATOR: &'static str = "administrator";

    pub fn parse(s: &str) -> Result<Self, String> {
        match s {
            Self::PARTNER_ADMINISTRATOR => Ok(Role::PartnerAdministrator),
            Self::ADMINISTRATOR => Ok(Role::Administrator),
            other => RoleId::parse(other)
                .map(Role::Custom)
                .map_err(|_| "must be partnerAdministrator, administrator or a role id".into()),
        }
    }

    pub fn is_partner_administrator(&self) -> bool {
        matches!(self, Role::PartnerAdministrator)
    }

    pub fn custom(&self) -> Option<&RoleId> {
        match self {
            Role::Custom(id) => Some(id),
            _ => None,
        }
    }

    /// The built-in role's name as the console shows it.
    pub fn builtin_name(&self) -> Option<&'static str> {
        match self {
            Role::PartnerAdministrator => Some("Partner Administrator"),
            Role::Administrator => Some("Administrator"),
            Role::Custom(_) => None,
        }
    }
}

impl TryFrom<String> for Role {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Role::parse(&s)
    }
}

impl From<Role> for String {
    fn from(r: Role) -> String {
        r.to_string()
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Role::PartnerAdministrator => f.write_str(Self::PARTNER_ADMINISTRATOR),
            Role::Administrator => f.write_str(Self::ADMINISTRATOR),
            Role::Custom(id) => f.write_str(id.as_str()),
        }
    }
}

/// A customer access level (Table 5-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum AccessLevel {
    /// No access to the customer's information, alerts or reports: it is as if the
    /// customer did not exist.
    NoAccess,
    /// View the customer only.
    Read,
    /// View and manage the customer.
    ReadWrite,
}

impl AccessLevel {
    pub fn label(self) -> &'static str {
        match self {
            AccessLevel::ReadWrite => "Read/Write",
            AccessLevel::Read => "Read",
            AccessLevel::NoAccess => "No access",
        }
    }
}

/// Which customers a custom role reaches, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomerAccess {
    /// "All customers" is checked at this level: every customer not chosen at another
    /// level has it, including customers added later.
    #[serde(default)]
    pub all: Option<AccessLevel>,
    /// Customers chosen at each level.
    #[serde(default)]
    #[schema(schema_with = super::schema::customer_ids)]
    pub read_write: BTreeSet<CustomerId>,
    #[serde(default)]
    #[schema(schema_with = super::schema::customer_ids)]
    pub read: BTreeSet<CustomerId>,
    #[serde(default)]
    #[schema(schema_with = super::schema::customer_ids)]
    pub no_access: BTreeSet<CustomerId>,
    /// The level a new customer gets in this role when no level has "All customers".
    pub default_level: AccessLevel,
}

impl Default for CustomerAccess {
    /// The guide: "By default, all customers are given the read and write access."
    fn default() -> Self {
        CustomerAccess {
            all: Some(AccessLevel::ReadWrite),
            read_write: BTreeSet::new(),
            read: BTreeSet::new(),
            no_access: BTreeSet::new(),
            default_level: AccessLevel::ReadWrite,
        }
    }
}

impl CustomerAccess {
    /// The level this role gives on one customer.
    pub fn level(&self, customer: &CustomerId) -> AccessLevel {
        if self.read_write.contains(customer) {
            AccessLevel::ReadWrite
        } else if self.read.contains(customer) {
            AccessLevel::Read
        } else if self.no_access.contains(customer) {
            AccessLevel::NoAccess
        } else {
            self.all.unwrap_or(AccessLevel::NoAccess)
        }
    }

    /// Whether the default level for new customers applies (the guide disables it when
    /// any level has "All customers").
    pub fn default_applies(&self) -> bool {
        self.all.is_none()
    }

    /// The level a customer joining the partner gets, if it must be written down (a
    /// customer nobody chose and no "All customers" covers has no access anyway).
    pub fn grant_for_new_customer(&self) -> Option<AccessLevel> {
        match (self.all, self.default_level) {
            (None, AccessLevel::NoAccess) | (Some(_), _) => None,
            (None, level) => Some(level),
        }
    }

    /// Every customer chosen at some level.
    pub fn chosen(&self) -> impl Iterator<Item = &CustomerId> {
        self.read_write
            .iter()
            .chain(self.read.iter())
            .chain(self.no_access.iter())
    }

    /// Which of the partner's customers a list may show.
    pub fn visibility(&self) -> Visibility {
        match self.all {
            Some(AccessLevel::NoAccess) | None => {
                let seen: BTreeSet<CustomerId> = self
                    .read_write
                    .iter()
                    .chain(self.read.iter())
                    .cloned()
                    .collect();
                Visibility::Only(seen)
            }
            Some(_) => Visibility::AllExcept(self.no_access.clone()),
        }
    }
}

/// The customers a principal may see at all (at least Read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visibility {
    /// Every customer of the partner except these.
    AllExcept(BTreeSet<CustomerId>),
    /// Only these.
    Only(BTreeSet<CustomerId>),
}

impl Visibility {
    pub fn everything() -> Self {
        Visibility::AllExcept(BTreeSet::new())
    }

    pub fn sees(&self, customer: &CustomerId) -> bool {
        match self {
            Visibility::AllExcept(hidden) => !hidden.contains(customer),
            Visibility::Only(seen) => seen.contains(customer),
        }
    }

    /// Whether nothing is hidden, so a list needs no filtering.
    pub fn is_everything(&self) -> bool {
        matches!(self, Visibility::AllExcept(h) if h.is_empty())
    }
}

/// The Settings section of a custom role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomerPermissions {
    pub add_customers: bool,
    pub import_customers: bool,
    pub remove_customers: bool,
    /// Case Management (support tickets). Off unless granted, also for roles saved
    /// before it existed.
    #[serde(default)]
    pub support_tickets: bool,
}

impl CustomerPermissions {
    /// The guide's two rules: removing is disabled when "All customers" has Read; adding,
    /// importing and removing are disabled when "All customers" has No access.
    pub fn disabled(access: &CustomerAccess) -> DisabledPermissions {
        match access.all {
            Some(AccessLevel::NoAccess) => DisabledPermissions {
                add: true,
                import: true,
                remove: true,
            },
            Some(AccessLevel::Read) => DisabledPermissions {
                add: false,
                import: false,
                remove: true,
            },
            _ => DisabledPermissions::default(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DisabledPermissions {
    pub add: bool,
    pub import: bool,
    pub remove: bool,
}

/// A role a partner defined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomRole {
    #[schema(value_type = String)]
    pub id: RoleId,
    pub name: String,
    pub access: CustomerAccess,
    pub permissions: CustomerPermissions,
    pub created_at: DateTime<Utc>,
    pub version: u64,
}

impl CustomRole {
    /// A new role as the guide creates it: a name, Read/Write on all customers, and the
    /// add and import permissions (removing stays off until granted).
    pub fn new(name: String, now: DateTime<Utc>) -> Self {
        CustomRole {
            id: RoleId::generate(),
            name,
            access: CustomerAccess::default(),
            permissions: CustomerPermissions {
                add_customers: true,
                import_customers: true,
                remove_customers: false,
                support_tickets: false,
            },
            created_at: now,
            version: 1,
        }
    }
}

/// A role's name: trimmed, 1–64 characters, and not a built-in role's.
pub fn role_name(raw: &str) -> Result<String, String> {
    let name = super::validation::required_text(raw, MAX_ROLE_NAME)?;
    match name.to_lowercase().as_str() {
        "partner administrator" | "administrator" => Err("is the name of a built-in role".into()),
        _ => Ok(name),
    }
}

/// The key under which a role name is unique within a partner.
pub fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// A role's settings as the role page saves them.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RoleUpdate {
    /// 1–64 characters, not a built-in role's name, unique among the partner's roles.
    #[schema(
        min_length = 1,
        max_length = 64,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub name: String,
    pub access: CustomerAccess,
    pub permissions: CustomerPermissions,
}

impl RoleUpdate {
    /// Checks the form on its own (whether the chosen customers are the partner's is the
    /// store's question). A customer may be chosen at one level only; permissions the
    /// guide disables must be off; the default level is ignored under "All customers".
    pub fn parse(self) -> Result<RoleUpdate, Vec<FieldError>> {
        let mut v = Validation::new();
        let name = v.check("name", role_name(&self.name));
        let a = &self.access;
        let chosen = a.read_write.len() + a.read.len() + a.no_access.len();
        if chosen > MAX_CHOSEN_CUSTOMERS {
            v.error(
                "access",
                format!(
                    "chooses {chosen} customers one by one; at most {MAX_CHOSEN_CUSTOMERS} \
                     (use All customers with exceptions)"
                ),
            );
        }
        let mut seen = BTreeSet::new();
        for (field, set) in [
            ("access.readWrite", &a.read_write),
            ("access.read", &a.read),
            ("access.noAccess", &a.no_access),
        ] {
            for c in set {
                if !seen.insert(c) {
                    v.error(field, format!("{c} is chosen at more than one level"));
                }
            }
        }
        let disabled = CustomerPermissions::disabled(a);
        let p = self.permissions;
        for (field, on, off) in [
            ("permissions.addCustomers", p.add_customers, disabled.add),
            (
                "permissions.importCustomers",
                p.import_customers,
                disabled.import,
            ),
            (
                "permissions.removeCustomers",
                p.remove_customers,
                disabled.remove,
            ),
        ] {
            if on && off {
                v.error(field, disabled_reason(a.all));
            }
        }
        v.finish()?;
        let mut access = self.access;
        // Customers chosen at the level "All customers" already gives add nothing.
        match access.all {
            Some(AccessLevel::ReadWrite) => access.read_write.clear(),
            Some(AccessLevel::Read) => access.read.clear(),
            Some(AccessLevel::NoAccess) => access.no_access.clear(),
            None => {}
        }
        Ok(RoleUpdate {
            name: name.unwrap_or_default(),
            access,
            permissions: p,
        })
    }
}

fn disabled_reason(all: Option<AccessLevel>) -> &'static str {
    match all {
        Some(AccessLevel::NoAccess) => "is not available while All customers has No access",
        _ => "is not available while All customers has Read access",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<CustomerId> {
        (0..n).map(|_| CustomerId::generate()).collect()
    }

    fn update(access: CustomerAccess, permissions: CustomerPermissions) -> RoleUpdate {
        RoleUpdate {
            name: "Help desk".into(),
            access,
            permissions,
        }
    }

    #[test]
    fn a_role_is_one_string_built_in_or_a_role_id() {
        let id = RoleId::generate();
        for role in [
            Role::PartnerAdministrator,
            Role::Administrator,
            Role::Custom(id.clone()),
        ] {
            let json = serde_json::to_value(&role).unwrap();
            assert!(json.is_string());
            assert_eq!(serde_json::from_value::<Role>(json).unwrap(), role);
        }
        assert_eq!(
            serde_json::to_value(Role::PartnerAdministrator).unwrap(),
            "partnerAdministrator"
        );
        assert!(Role::parse("superuser").is_err());
        assert!(Role::parse("rol_1").is_err());
    }

    #[test]
    fn the_level_on_a_customer_is_its_chosen_level_else_all_customers_else_none() {
        let c = ids(4);
        let mut a = CustomerAccess {
            all: None,
            read_write: [c[0].clone()].into(),
            read: [c[1].clone()].into(),
            no_access: [c[2].clone()].into(),
            default_level: AccessLevel::Read,
        };
        assert_eq!(a.level(&c[0]), AccessLevel::ReadWrite);
        assert_eq!(a.level(&c[1]), AccessLevel::Read);
        assert_eq!(a.level(&c[2]), AccessLevel::NoAccess);
        assert_eq!(a.level(&c[3]), AccessLevel::NoAccess, "nobody chose it");
        a.all = Some(AccessLevel::Read);
        assert_eq!(a.level(&c[3]), AccessLevel::Read, "All customers covers it");
        assert_eq!(a.level(&c[2]), AccessLevel::NoAccess, "an exception stays");
    }

    #[test]
    fn visibility_lists_what_read_or_better_reaches() {
        let c = ids(3);
        let chosen = CustomerAccess {
            all: None,
            read_write: [c[0].clone()].into(),
            read: [c[1].clone()].into(),
            no_access: BTreeSet::new(),
            default_level: AccessLevel::NoAccess,
        };
        let v = chosen.visibility();
        assert!(v.sees(&c[0]) && v.sees(&c[1]) && !v.sees(&c[2]));
        let all_but = CustomerAccess {
            all: Some(AccessLevel::ReadWrite),
            no_access: [c[2].clone()].into(),
            ..chosen.clone()
        };
        let v = all_but.visibility();
        assert!(v.sees(&c[0]) && !v.sees(&c[2]) && !v.is_everything());
        assert!(CustomerAccess::default().visibility().is_everything());
        let none = CustomerAccess {
            all: Some(AccessLevel::NoAccess),
            read: [c[1].clone()].into(),
            ..CustomerAccess::default()
        };
        let v = none.visibility();
        assert!(v.sees(&c[1]) && !v.sees(&c[0]));
    }

    #[test]
    fn new_customers_get_the_default_level_only_without_all_customers() {
        let mut a = CustomerAccess {
            all: None,
            default_level: AccessLevel::Read,
            ..CustomerAccess::default()
        };
        assert_eq!(a.grant_for_new_customer(), Some(AccessLevel::Read));
        assert!(a.default_applies());
        a.default_level = AccessLevel::NoAccess;
        assert_eq!(a.grant_for_new_customer(), None);
        a.all = Some(AccessLevel::Read);
        a.default_level = AccessLevel::ReadWrite;
        assert_eq!(a.grant_for_new_customer(), None);
        assert!(!a.default_applies());
    }

    #[test]
    fn the_guides_two_rules_disable_permissions() {
        let all = |level| CustomerAccess {
            all: Some(level),
            ..CustomerAccess::default()
        };
        // Support tickets are not about customers: no access level disables them.
        let every = CustomerPermissions {
            add_customers: true,
            import_customers: true,
            remove_customers: true,
            support_tickets: true,
        };
        let errs = update(all(AccessLevel::Read), every).parse().unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["permissions.removeCustomers"]);
        let errs = update(all(AccessLevel::NoAccess), every)
            .parse()
            .unwrap_err();
        assert_eq!(errs.len(), 3);
        assert!(update(all(AccessLevel::ReadWrite), every).parse().is_ok());
        let no_remove = CustomerPermissions {
            remove_customers: false,
            ..every
        };
        assert!(update(all(AccessLevel::Read), no_remove).parse().is_ok());
    }

    #[test]
    fn a_customer_is_chosen_at_one_level_and_the_all_level_needs_no_list() {
        let c = ids(2);
        let twice = CustomerAccess {
            all: None,
            read: [c[0].clone()].into(),
            no_access: [c[0].clone()].into(),
            ..CustomerAccess::default()
        };
        let errs = update(twice, CustomerPermissions::default())
            .parse()
            .unwrap_err();
        assert_eq!(errs[0].field, "access.noAccess");
        let redundant = CustomerAccess {
            all: Some(AccessLevel::Read),
            read: [c[1].clone()].into(),
            ..CustomerAccess::default()
        };
        let ok = update(redundant, CustomerPermissions::default())
            .parse()
            .unwrap();
        assert!(ok.access.read.is_empty());
        assert_eq!(ok.access.level(&c[1]), AccessLevel::Read);
    }

    #[test]
    fn built_in_names_and_blank_names_are_refused() {
        assert!(role_name("  Administrator ").is_err());
        assert!(role_name("partner administrator").is_err());
        assert!(role_name("   ").is_err());
        assert_eq!(role_name(" Help desk ").as_deref(), Ok("Help desk"));
        assert!(role_name(&"x".repeat(65)).is_err());
    }

    #[test]
    fn too_many_chosen_customers_are_refused() {
        let access = CustomerAccess {
            all: None,
            read: ids(MAX_CHOSEN_CUSTOMERS + 1).into_iter().collect(),
            ..CustomerAccess::default()
        };
        let errs = update(access, CustomerPermissions::default())
            .parse()
            .unwrap_err();
        assert_eq!(errs[0].field, "access");
    }
}
