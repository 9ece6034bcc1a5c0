//! Pure types and rules: no I/O. Values here are built through `parse`, so an invalid
//! one cannot exist past the HTTP boundary.

pub mod alert;
pub mod audit;
pub mod authorization;
pub mod billing;
pub mod catalog;
pub mod consent;
pub mod csv;
pub mod customer;
pub mod email;
pub mod entitlement;
pub mod home;
pub mod ids;
pub mod locale;
pub mod mail;
pub mod partner;
pub mod password;
pub mod rate_limit;
pub mod report;
pub mod role;
pub mod schema;
pub mod serial;
pub mod support;
pub mod telemetry;
pub mod token;
pub mod user;
pub mod validation;

pub use email::EmailAddress;
pub use ids::{
    AlertId, ContactId, CustomerId, EntitlementId, PartnerId, ReportId, RequestId, RoleId, RuleId,
    ScheduleId, TemplateId, UserId,
};
pub use password::Password;
pub use role::Role;
pub use user::User;
pub use validation::{FieldError, Validation};
