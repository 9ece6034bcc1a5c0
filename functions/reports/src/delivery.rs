//! The Delivery step (the wizard's and a schedule's): who receives a report by email,
//! checked against the partner's users.

use adapters::services::AppState;
use api::Problem;
use domain::{
    report::schedule::{check_delivery, Delivery},
    PartnerId,
};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::listing::field;

/// Who receives each report by email.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeliveryForm {
    /// The partner's users (`usr_…`): a link to the report, or the file with `attach`.
    #[serde(default)]
    #[schema(schema_with = domain::schema::recipient_users)]
    pub users: Vec<String>,
    /// Other addresses: only with `attach`.
    #[serde(default)]
    #[schema(schema_with = domain::schema::recipient_emails)]
    pub emails: Vec<String>,
    /// "Email the report as an attached file".
    #[serde(default)]
    pub attach: bool,
}

/// Refuses a delivery that emails anyone while the partner's sign-up email is not
/// confirmed (`acting::may_send_email`); one that emails nobody is fine.
/// Asked of the form as sent, before any other check.
pub fn may_deliver(
    partner: &domain::partner::Partner,
    delivery: &DeliveryForm,
) -> Result<(), Problem> {
    if delivery.users.is_empty() && delivery.emails.is_empty() {
        return Ok(());
    }
    api::acting::may_send_email(partner)
}

/// The Delivery step checked: the domain's checks, and each user one of the partner's
/// who is not disabled. The outer error is the store's; the inner, the fields'.
pub async fn checked_delivery(
    state: &AppState,
    partner: &PartnerId,
    form: &DeliveryForm,
) -> Result<Result<Delivery, Vec<domain::FieldError>>, Problem> {
    let delivery = match check_delivery("delivery", &form.users, &form.emails, form.attach) {
        Ok(d) => d,
        Err(errors) => return Ok(Err(errors)),
    };
    if delivery.users.is_empty() {
        return Ok(Ok(delivery));
    }
    let users = state
        .table
        .users(&store::PartnerScope::new(partner.clone()))
        .await?;
    let errors: Vec<domain::FieldError> = delivery
        .users
        .iter()
        .enumerate()
        .filter(|(_, u)| {
            !users
                .iter()
                .any(|p| &p.id == *u && p.status != domain::user::UserStatus::Disabled)
        })
        .map(|(i, _)| field(format!("delivery.users[{i}]"), "no such user"))
        .collect();
    Ok(if errors.is_empty() {
        Ok(delivery)
    } else {
        Err(errors)
    })
}
