//! Partner roles. Custom roles arrive with the users and roles feature; the two built-in
//! roles of the guide's Table 5-1 exist from the first sign-up.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum Role {
    /// Full access, including users and roles. The partner's first user has it.
    PartnerAdministrator,
    /// Full access to customers, without user and role administration.
    Administrator,
}
