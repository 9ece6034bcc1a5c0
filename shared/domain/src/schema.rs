//! OpenAPI schemas for request fields whose rule an attribute cannot spell: they say what
//! the parsing functions of this crate accept.

use utoipa::openapi::{schema::SchemaType, Object, ObjectBuilder, Type};

/// A boolean that must be `true` (a confirmation, the terms accepted).
pub fn must_be_true() -> Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::new(Type::Boolean))
        .enum_values(Some([true]))
        .build()
}

/// An ISO 3166-1 alpha-2 country code the console knows (`partner::COUNTRIES`); the code
/// also accepts it in lower case.
pub fn country() -> Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::new(Type::String))
        .enum_values(Some(super::partner::country_codes()))
        .description(Some("ISO 3166-1 alpha-2, e.g. \"GB\" (any letter case)."))
        .build()
}

/// A language the console speaks (`customer::LANGUAGES`), in any letter case.
pub fn language() -> Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::new(Type::String))
        .enum_values(Some(super::customer::LANGUAGES.iter().copied()))
        .description(Some(
            "A language the console and emails speak, e.g. \"en\" or \"pt-BR\" (any letter case).",
        ))
        .build()
}

/// A product of the catalog, by id.
pub fn product_id() -> Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::new(Type::String))
        .enum_values(Some(super::catalog::CATALOG.iter().map(|p| p.id)))
        .description(Some("A catalog product id (see `/catalog`)."))
        .build()
}

/// A user's status as a change may set it: `active` or `disabled` (`invited` is only ever
/// the console's), or `null` for no change.
pub fn settable_status() -> Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .enum_values(Some([Some("active"), Some("disabled"), None]))
        .description(Some("`active` or `disabled`."))
        .build()
}

fn ids(prefix: &str, what: &str) -> utoipa::openapi::Array {
    utoipa::openapi::ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(SchemaType::new(Type::String))
                .pattern(Some(format!("^{prefix}[0-9a-f]{{32}}$"))),
        )
        .description(Some(format!("{what} ids (`{prefix}…`).")))
        .build()
}

/// A list of customer ids.
pub fn customer_ids() -> utoipa::openapi::Array {
    ids(super::CustomerId::PREFIX, "Customer")
}

/// A list of user ids.
pub fn user_ids() -> utoipa::openapi::Array {
    ids(super::UserId::PREFIX, "User")
}

/// 1–25 alert ids, each once.
pub fn alert_ids() -> utoipa::openapi::Array {
    let mut ids = ids(super::AlertId::PREFIX, "Alert");
    ids.min_items = Some(1);
    ids.max_items = Some(25);
    ids.unique_items = true;
    ids
}

/// The customers a report covers: at most 500, each once.
pub fn report_customers() -> utoipa::openapi::Array {
    let mut ids = customer_ids();
    ids.max_items = Some(super::report::MAX_CUSTOMERS);
    ids.unique_items = true;
    ids
}

/// The users a report goes to: at most 100, each once.
pub fn recipient_users() -> utoipa::openapi::Array {
    let mut ids = user_ids();
    ids.max_items = Some(super::report::schedule::MAX_USER_RECIPIENTS);
    ids.unique_items = true;
    ids
}

/// Other addresses a report goes to: at most 20, each once (in any letter case).
pub fn recipient_emails() -> utoipa::openapi::Array {
    utoipa::openapi::ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(SchemaType::new(Type::String))
                .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                    utoipa::openapi::KnownFormat::Email,
                )))
                .max_length(Some(super::EmailAddress::MAX_LEN)),
        )
        .max_items(Some(super::report::schedule::MAX_EXTERNAL_RECIPIENTS))
        .unique_items(true)
        .build()
}

/// The companies an alert rule concerns: `null` for all, else 1–100 customer ids.
pub fn rule_customers() -> utoipa::openapi::Array {
    let mut ids = customer_ids();
    ids.schema_type = SchemaType::from_iter([Type::Array, Type::Null]);
    ids.min_items = Some(1);
    ids.max_items = Some(super::alert::MAX_NAMES);
    ids
}

/// The schema of a query parameter that must be `true` (`?confirm=true`).
pub struct MustBeTrue;

impl utoipa::PartialSchema for MustBeTrue {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        must_be_true().into()
    }
}

impl utoipa::ToSchema for MustBeTrue {}

/// The computer or group names of an alert rule: each 1–128 characters of text.
pub fn computer_names() -> utoipa::openapi::Array {
    utoipa::openapi::ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(SchemaType::new(Type::String))
                .min_length(Some(1))
                .max_length(Some(128))
                .pattern(Some(TEXT)),
        )
        .description(Some(
            "Computer or group names: none with scope `all`, 1–100 with `computers` or `groups`.",
        ))
        .build()
}

/// Free text as `validation::required_text` takes it: not blank, no control characters.
const TEXT: &str = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$";
