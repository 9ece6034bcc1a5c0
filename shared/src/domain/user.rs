//! A partner user: one of the partner's staff, signing in with their email.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{CustomerId, EmailAddress, PartnerId, Role, UserId};

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
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub version: u64,
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
