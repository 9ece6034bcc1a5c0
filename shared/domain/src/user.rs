//! A partner user: one of the partner's staff, signing in with their email.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ContactId, CustomerId, EmailAddress, FieldError, PartnerId, Role, UserId, Validation};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct User {
    #[schema(value_type = String)]
    pub id: UserId,
    #[schema(value_type = String)]
    pub partner_id: PartnerId,
    #[schema(value_type = String, format = "email")]
    pub email: EmailAddress,
    pub first_name: String,
    pub last_name: String,
    /// `partnerAdministrator`, `administrator` or a custom role's id.
    #[schema(value_type = String)]
    pub role: Role,
    /// Invited (no password chosen yet), active, or disabled (cannot sign in or act).
    #[serde(default)]
    pub status: UserStatus,
    /// How alerts and notices reach the user: email addresses and SMS numbers, at most
    /// one primary.
    #[serde(default)]
    pub contacts: Vec<ContactPreference>,
    /// Signs in with a one-time code from an authenticator app (TOTP) after the password.
    #[serde(default)]
    pub mfa: bool,
    /// An API client (a script or PSA tool with a client id and secret), not a person:
    /// it has no login email and never appears among the users.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub api_client: bool,
    /// The hash of the user's current invitation link: sending a new one replaces it, so
    /// only the newest link works.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(ignore)]
    pub invitation: Option<String>,
    pub created_at: DateTime<Utc>,
    pub version: u64,
}

impl User {
    pub fn name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    /// Whether the user counts towards the partner's administrators: a partner
    /// administrator who is not disabled.
    pub fn counts_as_partner_administrator(&self) -> bool {
        self.role.is_partner_administrator() && self.status != UserStatus::Disabled
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum UserStatus {
    /// Added; the invitation link has not been used to choose a password yet.
    Invited,
    #[default]
    Active,
    /// Kept with its history but cannot sign in, and its sessions stop working.
    Disabled,
}

/// Most contact preferences one user may have.
pub const MAX_CONTACTS: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum ContactType {
    Email,
    Sms,
}

/// One way to reach a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContactPreference {
    #[schema(value_type = String)]
    pub id: ContactId,
    #[serde(rename = "type")]
    pub kind: ContactType,
    /// An email address, or an SMS number in E.164 form (`+447700900123`).
    pub address: String,
    pub primary: bool,
}

/// The Add Contact / edit contact form.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContactRequest {
    #[serde(rename = "type")]
    pub kind: ContactType,
    #[schema(min_length = 1)]
    pub address: String,
    #[serde(default)]
    pub primary: bool,
}

/// An SMS number in E.164 form: `+`, a non-zero digit, at most 15 digits in all. Spaces,
/// dashes, dots and brackets people type are dropped first.
pub fn e164(raw: &str) -> Result<String, String> {
    let compact: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect();
    let digits = compact
        .strip_prefix('+')
        .ok_or("must be in international form, starting with +")?;
    let ok = (2..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0');
    if ok {
        Ok(compact)
    } else {
        Err("must be +, a country code and number: at most 15 digits".into())
    }
}

impl ContactRequest {
    /// The address checked for its type (email, or E.164 for SMS).
    pub fn parse(self) -> Result<(ContactType, String, bool), Vec<FieldError>> {
        let address = match self.kind {
            ContactType::Email => {
                EmailAddress::parse(&self.address).map(|e| e.as_str().to_string())
            }
            ContactType::Sms => e164(&self.address),
        };
        match address {
            Ok(a) => Ok((self.kind, a, self.primary)),
            Err(message) => Err(vec![FieldError {
                field: "address".into(),
                message,
            }]),
        }
    }
}

/// Adds or replaces a contact (`id` names the one replaced), keeping at most one primary:
/// marking one primary unmarks the others.
pub fn put_contact(
    contacts: &mut Vec<ContactPreference>,
    contact: ContactPreference,
) -> Result<(), String> {
    if contact.primary {
        for c in contacts.iter_mut() {
            c.primary = false;
        }
    }
    match contacts.iter().position(|c| c.id == contact.id) {
        Some(i) => contacts[i] = contact,
        None if contacts.len() >= MAX_CONTACTS => {
            return Err(format!(
                "a user has at most {MAX_CONTACTS} contact preferences"
            ))
        }
        None => contacts.push(contact),
    }
    Ok(())
}

/// The New API Client form: a name and the role it acts with.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewApiClientRequest {
    /// What the client is for, e.g. "PSA sync".
    #[schema(
        min_length = 1,
        max_length = 64,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub name: String,
    /// `administrator` or a custom role's id: a client never administers users or roles.
    #[schema(pattern = "^(?:administrator|rol_[0-9a-f]{32})$")]
    pub role: String,
}

/// The domain an API client's placeholder address is in: reserved (RFC 2606), so
/// nothing is ever delivered to it.
pub const API_CLIENT_DOMAIN: &str = "api-clients.invalid";

impl NewApiClientRequest {
    /// The client as a user of the partner: active, with the role, no login email.
    pub fn parse(self, partner: &PartnerId, now: DateTime<Utc>) -> Result<User, Vec<FieldError>> {
        let mut v = Validation::new();
        let name = v.text("name", &self.name, MAX_NAME);
        let role = v.check("role", Role::parse(&self.role));
        if role == Some(Role::PartnerAdministrator) {
            v.error("role", "an API client cannot be a partner administrator");
        }
        v.finish()?;
        let id = UserId::generate();
        let email = EmailAddress::parse(&format!("{id}@{API_CLIENT_DOMAIN}")).map_err(|m| {
            vec![FieldError {
                field: "name".into(),
                message: m,
            }]
        })?;
        Ok(User {
            id,
            partner_id: partner.clone(),
            email,
            first_name: name.expect("checked"),
            last_name: "API client".into(),
            role: role.expect("checked"),
            status: UserStatus::Active,
            contacts: Vec::new(),
            mfa: false,
            api_client: true,
            invitation: None,
            created_at: now,
            version: 1,
        })
    }
}

/// The Add User form.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewUserRequest {
    #[schema(format = "email", max_length = 254)]
    pub email: String,
    #[schema(
        min_length = 1,
        max_length = 64,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub first_name: String,
    #[schema(
        min_length = 1,
        max_length = 64,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub last_name: String,
    /// `partnerAdministrator`, `administrator` or a custom role's id.
    #[schema(pattern = "^(?:partnerAdministrator|administrator|rol_[0-9a-f]{32})$")]
    pub role: String,
}

/// A checked Add User form.
#[derive(Debug, Clone, PartialEq)]
pub struct NewUser {
    pub email: EmailAddress,
    pub first_name: String,
    pub last_name: String,
    pub role: Role,
}

pub const MAX_NAME: usize = 64;

impl NewUserRequest {
    pub fn parse(self) -> Result<NewUser, Vec<FieldError>> {
        let mut v = Validation::new();
        let email = v.check("email", EmailAddress::parse(&self.email));
        let first_name = v.text("firstName", &self.first_name, MAX_NAME);
        let last_name = v.text("lastName", &self.last_name, MAX_NAME);
        let role = v.check("role", Role::parse(&self.role));
        v.finish()?;
        Ok(NewUser {
            email: email.expect("checked"),
            first_name: first_name.expect("checked"),
            last_name: last_name.expect("checked"),
            role: role.expect("checked"),
        })
    }
}

impl NewUser {
    pub fn build(self, partner: &PartnerId, now: DateTime<Utc>) -> User {
        User {
            id: UserId::generate(),
            partner_id: partner.clone(),
            email: self.email,
            first_name: self.first_name,
            last_name: self.last_name,
            role: self.role,
            status: UserStatus::Invited,
            contacts: Vec::new(),
            mfa: false,
            api_client: false,
            invitation: None,
            created_at: now,
            version: 1,
        }
    }
}

/// A change to a user: any of the fields. Names are the user's own to change; role and
/// status are a partner administrator's, for users other than themselves.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserUpdateRequest {
    #[schema(
        min_length = 1,
        max_length = 64,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub first_name: Option<String>,
    #[schema(
        min_length = 1,
        max_length = 64,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub last_name: Option<String>,
    #[schema(pattern = "^(?:partnerAdministrator|administrator|rol_[0-9a-f]{32})$")]
    pub role: Option<String>,
    /// `active` or `disabled`.
    #[schema(schema_with = super::schema::settable_status)]
    pub status: Option<UserStatus>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserUpdate {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub role: Option<Role>,
    pub status: Option<UserStatus>,
}

impl UserUpdateRequest {
    pub fn parse(self) -> Result<UserUpdate, Vec<FieldError>> {
        let mut v = Validation::new();
        let first_name = self
            .first_name
            .and_then(|n| v.text("firstName", &n, MAX_NAME));
        let last_name = self
            .last_name
            .and_then(|n| v.text("lastName", &n, MAX_NAME));
        let role = self.role.and_then(|r| v.check("role", Role::parse(&r)));
        if self.status == Some(UserStatus::Invited) {
            v.error("status", "must be active or disabled");
        }
        v.finish()?;
        Ok(UserUpdate {
            first_name,
            last_name,
            role,
            status: self.status,
        })
    }
}

/// Why a change to a user is refused, whatever the actor's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UserRule {
    #[error(
        "A partner administrator cannot change their own role; another partner administrator can."
    )]
    OwnRole,
    #[error("You cannot disable or remove your own user.")]
    OwnAccount,
    #[error("Only a partner administrator can change roles or status.")]
    NotAdministrator,
    #[error("An invited user becomes active by accepting the invitation.")]
    StillInvited,
}

impl UserUpdate {
    pub fn is_empty(&self) -> bool {
        *self == UserUpdate::default()
    }

    /// Whether the change touches what only a partner administrator may change.
    pub fn is_administrative(&self) -> bool {
        self.role.is_some() || self.status.is_some()
    }

    /// The rules of the guide and of common sense that do not depend on the actor's role:
    /// nobody changes their own role or disables themselves; an invited user is not
    /// activated by an edit.
    pub fn check(
        &self,
        actor: &User,
        target: &User,
        actor_manages_users: bool,
    ) -> Result<(), UserRule> {
        let own = actor.id == target.id;
        if own && self.role.as_ref().is_some_and(|r| *r != target.role) {
            return Err(UserRule::OwnRole);
        }
        if own && self.status == Some(UserStatus::Disabled) {
            return Err(UserRule::OwnAccount);
        }
        if self.is_administrative() && !actor_manages_users {
            return Err(UserRule::NotAdministrator);
        }
        if target.status == UserStatus::Invited && self.status == Some(UserStatus::Active) {
            return Err(UserRule::StillInvited);
        }
        Ok(())
    }

    /// The user with the change applied (version not bumped: the store does that).
    pub fn apply(&self, user: &User) -> User {
        let mut u = user.clone();
        if let Some(n) = &self.first_name {
            u.first_name = n.clone();
        }
        if let Some(n) = &self.last_name {
            u.last_name = n.clone();
        }
        if let Some(r) = &self.role {
            u.role = r.clone();
        }
        if let Some(s) = self.status {
            u.status = s;
        }
        u
    }
}

/// The identity-provider username of a partner user. It names the partner and the user,
/// so a verified token says whose request it is without a database read.
pub fn username(partner: &PartnerId, user: &UserId) -> String {
    format!("{partner}.{user}")
}

/// The identity-provider username of a customer's admin: it names the customer, so it
/// can never be taken for a partner user's.
pub fn customer_admin_username(customer: &CustomerId, admin: &UserId) -> String {
    format!("{customer}.{admin}")
}

/// The inverse of [`username`]; `None` for any other shape (operators, customer admins).
pub fn parse_username(username: &str) -> Option<(PartnerId, UserId)> {
    let (p, u) = username.split_once('.')?;
    Some((PartnerId::parse(p).ok()?, UserId::parse(u).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role) -> User {
        NewUser {
            email: EmailAddress::parse("a@example.com").unwrap(),
            first_name: "A".into(),
            last_name: "B".into(),
            role,
        }
        .build(&PartnerId::generate(), chrono::Utc::now())
    }

    #[test]
    fn sms_numbers_are_e164_and_emails_are_emails() {
        assert_eq!(e164("+44 7700 900-123").as_deref(), Ok("+447700900123"));
        assert!(e164("07700900123").is_err(), "no country code");
        assert!(e164("+0123").is_err());
        assert!(e164("+1234567890123456").is_err(), "16 digits");
        assert!(e164("+1 800 FLOWERS").is_err());
        let bad = ContactRequest {
            kind: ContactType::Email,
            address: "+447700900123".into(),
            primary: false,
        };
        assert_eq!(bad.parse().unwrap_err()[0].field, "address");
    }

    #[test]
    fn one_contact_at_most_is_primary_and_a_user_has_at_most_ten() {
        let mut contacts = Vec::new();
        let c = |primary| ContactPreference {
            id: ContactId::generate(),
            kind: ContactType::Sms,
            address: "+447700900123".into(),
            primary,
        };
        let first = c(true);
        put_contact(&mut contacts, first.clone()).unwrap();
        put_contact(&mut contacts, c(true)).unwrap();
        assert_eq!(contacts.iter().filter(|c| c.primary).count(), 1);
        assert!(!contacts[0].primary, "the new primary replaced the first");
        put_contact(
            &mut contacts,
            ContactPreference {
                primary: true,
                ..first.clone()
            },
        )
        .unwrap();
        assert!(
            contacts[0].primary && !contacts[1].primary,
            "an edit replaces in place"
        );
        assert_eq!(contacts.len(), 2);
        while contacts.len() < MAX_CONTACTS {
            put_contact(&mut contacts, c(false)).unwrap();
        }
        assert!(put_contact(&mut contacts, c(false)).is_err());
    }

    #[test]
    fn nobody_changes_their_own_role_or_disables_themselves() {
        let admin = user(Role::PartnerAdministrator);
        let other = user(Role::Administrator);
        let demote = UserUpdate {
            role: Some(Role::Administrator),
            ..UserUpdate::default()
        };
        assert_eq!(demote.check(&admin, &admin, true), Err(UserRule::OwnRole));
        assert_eq!(demote.check(&admin, &other, true), Ok(()));
        assert_eq!(
            demote.check(&other, &admin, false),
            Err(UserRule::NotAdministrator)
        );
        let disable = UserUpdate {
            status: Some(UserStatus::Disabled),
            ..UserUpdate::default()
        };
        assert_eq!(
            disable.check(&admin, &admin, true),
            Err(UserRule::OwnAccount)
        );
        let rename = UserUpdate {
            first_name: Some("Ann".into()),
            ..UserUpdate::default()
        };
        assert_eq!(rename.check(&other, &other, false), Ok(()));
        assert_eq!(rename.apply(&other).first_name, "Ann");
        let activate = UserUpdate {
            status: Some(UserStatus::Active),
            ..UserUpdate::default()
        };
        assert_eq!(
            activate.check(&admin, &other, true),
            Err(UserRule::StillInvited)
        );
    }

    #[test]
    fn the_add_user_form_reports_every_bad_field() {
        let errs = NewUserRequest {
            email: "nope".into(),
            first_name: " ".into(),
            last_name: "B".into(),
            role: "root".into(),
        }
        .parse()
        .unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["email", "firstName", "role"]);
    }

    #[test]
    fn a_username_names_its_partner_and_user() {
        let (p, u) = (PartnerId::generate(), UserId::generate());
        assert_eq!(parse_username(&username(&p, &u)), Some((p, u)));
        assert_eq!(parse_username("someone@example.com"), None);
        assert_eq!(parse_username("ptn_x.usr_y"), None);
        let admin = customer_admin_username(&CustomerId::generate(), &UserId::generate());
        assert_eq!(
            parse_username(&admin),
            None,
            "a customer admin is not a partner user"
        );
    }
}
