//! Administration > My Company: the contact and support information a partner gives its
//! customers (in every email to them and in their portal), and the language of the
//! console's emails. The company information itself stays as signed up.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{phone, website, Partner};
use crate::{locale::Language, EmailAddress, FieldError, Validation};

/// Where the partner's customers buy, get help, write and call. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SupportInfo {
    /// A web address to purchase services (`http://` or `https://`; blank for none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(
        max_length = 200,
        pattern = r"^\s*$|^\s*[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#]*\.[^\s]*\s*$"
    )]
    pub purchase_url: Option<String>,
    /// The support organisation's website (`http://` or `https://`; blank for none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(
        max_length = 200,
        pattern = r"^\s*$|^\s*[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#]*\.[^\s]*\s*$"
    )]
    pub support_url: Option<String>,
    /// The support email address (`null` for none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = "email", max_length = 254)]
    pub support_email: Option<String>,
    /// The support telephone number (`null` for none): 5 to 20 digits, with spaces,
    /// dashes, dots, brackets and a leading `+`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(
        min_length = 5,
        max_length = 32,
        pattern = r"^(?=(?:[^0-9]*[0-9]){5,20}[^0-9]*$) *\+?[0-9 .()-]*$"
    )]
    pub support_phone: Option<String>,
}

/// What a partner administrator may change on My Company.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CompanySettings {
    pub support: SupportInfo,
    pub language: Language,
    /// When the customer's admin is reminded of a pending import or management request
    /// (absent: as saved).
    #[serde(default)]
    pub consent_reminders: Option<crate::consent::ConsentReminders>,
}

impl SupportInfo {
    /// The form's values checked and normalised: web addresses as the sign-up's website,
    /// a blank one left out; the email in lower case; the phone as the sign-up's.
    pub fn parse(form: &SupportInfo) -> Result<SupportInfo, Vec<FieldError>> {
        let mut v = Validation::new();
        let url = |v: &mut Validation, field: &str, raw: &Option<String>| {
            raw.as_deref()
                .map(str::trim)
                .filter(|w| !w.is_empty())
                .and_then(|w| v.check(field, website(w)))
        };
        let parsed = SupportInfo {
            purchase_url: url(&mut v, "support.purchaseUrl", &form.purchase_url),
            support_url: url(&mut v, "support.supportUrl", &form.support_url),
            support_email: form.support_email.as_deref().and_then(|e| {
                v.check("support.supportEmail", EmailAddress::parse(e))
                    .map(String::from)
            }),
            support_phone: form
                .support_phone
                .as_deref()
                .and_then(|p| v.check("support.supportPhone", phone(p))),
        };
        v.finish().map(|()| parsed)
    }
}

/// What the partner's customers see: the partner's own support information, each field
/// falling back on the sign-up's (the main contact's email, the company's phone and
/// website), so an email or the portal always says whom to ask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerSupport {
    pub email: String,
    pub phone: String,
    pub support_url: Option<String>,
    pub purchase_url: Option<String>,
}

impl Partner {
    pub fn customer_support(&self) -> CustomerSupport {
        let s = &self.support;
        CustomerSupport {
            email: s
                .support_email
                .clone()
                .unwrap_or_else(|| self.contact.email.clone()),
            phone: s
                .support_phone
                .clone()
                .unwrap_or_else(|| self.company.phone.clone()),
            support_url: s.support_url.clone(),
            purchase_url: s
                .purchase_url
                .clone()
                .or_else(|| self.company.website.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(url: &str, email: &str, phone: &str) -> SupportInfo {
        SupportInfo {
            purchase_url: Some(url.into()),
            support_url: Some("  ".into()),
            support_email: Some(email.into()),
            support_phone: Some(phone.into()),
        }
    }

    #[test]
    fn support_information_is_checked_like_the_sign_up_and_normalised() {
        let s = SupportInfo::parse(&form(
            " https://shop.example/buy ",
            " Help@Northwind.Example",
            "+44 113 496 0002",
        ))
        .unwrap();
        assert_eq!(s.purchase_url.as_deref(), Some("https://shop.example/buy"));
        assert_eq!(s.support_url, None, "blank means none");
        assert_eq!(s.support_email.as_deref(), Some("help@northwind.example"));
        assert_eq!(s.support_phone.as_deref(), Some("+44 113 496 0002"));
        assert_eq!(
            SupportInfo::parse(&SupportInfo::default()),
            Ok(SupportInfo::default())
        );
    }

    #[test]
    fn every_invalid_field_is_named() {
        let errors = SupportInfo::parse(&form("ftp://x", "nobody", "call us")).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "support.purchaseUrl",
                "support.supportEmail",
                "support.supportPhone"
            ]
        );
    }

    #[test]
    fn customers_see_the_sign_up_contact_where_no_support_information_is_given() {
        let mut p = super::super::tests::partner();
        let before = p.customer_support();
        assert_eq!(before.email, p.contact.email);
        assert_eq!(before.purchase_url, p.company.website);
        p.support.support_email = Some("help@northwind.example".into());
        assert_eq!(p.customer_support().email, "help@northwind.example");
    }
}
