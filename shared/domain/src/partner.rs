//! A partner account and the sign-up form that creates it (the guide's "Partner Signup"
//! page: login, company and contact information, terms accepted).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{EmailAddress, FieldError, PartnerId, Password, Validation};
use crate::locale::Language;

mod support;
pub use support::{CompanySettings, CustomerSupport, SupportInfo};

/// ISO 3166-1 alpha-2 country codes.
const COUNTRIES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI \
BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ \
DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ \
GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN \
KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS \
MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT \
PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF \
TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM \
ZW";

/// Whether the partner may provision paid subscriptions itself (the guide's Table 1-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum Program {
    Reseller,
    Exsp,
}

/// Company information, read only after sign-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Company {
    #[schema(
        min_length = 1,
        max_length = 120,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub name: String,
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub address1: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 200, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub address2: Option<String>,
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub city: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 100, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub state: Option<String>,
    #[schema(
        min_length = 1,
        max_length = 20,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub postal_code: String,
    /// ISO 3166-1 alpha-2, e.g. "GB".
    #[schema(schema_with = super::schema::country)]
    pub country: String,
    #[schema(
        min_length = 5,
        max_length = 32,
        pattern = r"^(?=(?:[^0-9]*[0-9]){5,20}[^0-9]*$) *\+?[0-9 .()-]*$"
    )]
    pub phone: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(
        max_length = 200,
        pattern = r"^\s*$|^\s*[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#]*\.[^\s]*\s*$"
    )]
    pub website: Option<String>,
}

/// The partner's main contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Contact {
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub first_name: String,
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub last_name: String,
    #[schema(format = "email", max_length = 254)]
    pub email: String,
    #[schema(
        min_length = 5,
        max_length = 32,
        pattern = r"^(?=(?:[^0-9]*[0-9]){5,20}[^0-9]*$) *\+?[0-9 .()-]*$"
    )]
    pub phone: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 100, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub job_title: Option<String>,
}

/// The sign-up form as sent. Every field is checked by [`SignUp::parse`].
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignUpRequest {
    /// The login; must not be registered anywhere in the system, in any letter case.
    #[schema(format = "email", max_length = 254)]
    pub email: String,
    /// 12–256 characters with a lowercase letter, an uppercase letter and a digit.
    #[schema(
        min_length = 12,
        max_length = 256,
        pattern = r"^(?=[^a-z]*[a-z])(?=[^A-Z]*[A-Z])(?=[^0-9]*[0-9])[^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub password: String,
    pub company: Company,
    pub contact: Contact,
    /// Must be true: the Terms and Conditions are accepted.
    #[schema(schema_with = super::schema::must_be_true)]
    pub accept_terms: bool,
}

/// A valid sign-up.
#[derive(Debug, Clone)]
pub struct SignUp {
    pub email: EmailAddress,
    pub password: Password,
    pub company: Company,
    pub contact: Contact,
}

/// A partner: the tenant everything else belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Partner {
    #[schema(value_type = String)]
    pub id: PartnerId,
    pub company: Company,
    pub contact: Contact,
    pub program: Program,
    pub terms_accepted_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub version: u64,
    /// How many users are partner administrators and not disabled. Every change that
    /// would bring it to zero fails its condition, so a partner always keeps one.
    #[serde(default = "one")]
    pub partner_admins: u32,
    /// Every user must use two-step verification (TOTP) to use the console.
    #[serde(default)]
    pub require_mfa: bool,
    /// My Company: what the partner's customers are told to contact (`support`), and the
    /// language of the console's emails.
    #[serde(default)]
    pub support: SupportInfo,
    #[serde(default)]
    pub language: Language,
    /// Whether the sign-up's email has been confirmed (its link opened). Until it is, the
    /// console sends no email on the partner's behalf. Partners from before the check
    /// have no such field: they count as confirmed.
    #[serde(default = "confirmed")]
    pub email_verified: bool,
    /// When the customer's admin is reminded of a pending import or management request
    /// (My Company). Read leniently: a field added later does not break older readers.
    #[serde(default, deserialize_with = "crate::consent::read_stored_reminders")]
    pub consent_reminders: crate::consent::ConsentReminders,
}

fn one() -> u32 {
    1
}

fn confirmed() -> bool {
    true
}

impl Partner {
    /// Whether the console may send email on the partner's behalf (welcomes, invitations,
    /// import and management requests, reports): only once its email is confirmed.
    pub fn may_send_email(&self) -> bool {
        self.email_verified
    }
}

impl SignUp {
    pub fn parse(req: SignUpRequest) -> Result<Self, Vec<FieldError>> {
        let mut v = Validation::new();
        let email = v.check("email", EmailAddress::parse(&req.email));
        let local = email.as_ref().map(|e| e.local_part().to_string());
        let password = v.check("password", Password::parse(&req.password, local.as_deref()));
        let company = parse_company(&mut v, "company", &req.company);
        let contact = parse_contact(&mut v, "contact", &req.contact);
        if !req.accept_terms {
            v.error("acceptTerms", "the Terms and Conditions must be accepted");
        }
        v.finish()?;
        match (email, password) {
            (Some(email), Some(password)) => Ok(SignUp {
                email,
                password,
                company,
                contact,
            }),
            // Unreachable: every `None` above recorded an error.
            _ => Err(vec![FieldError {
                field: String::new(),
                message: "is invalid".into(),
            }]),
        }
    }
}

pub(crate) fn parse_company(v: &mut Validation, prefix: &str, c: &Company) -> Company {
    let f = |name: &str| format!("{prefix}.{name}");
    Company {
        name: v.text(&f("name"), &c.name, 120).unwrap_or_default(),
        address1: v.text(&f("address1"), &c.address1, 200).unwrap_or_default(),
        address2: v.optional_text(&f("address2"), c.address2.as_deref(), 200),
        city: v.text(&f("city"), &c.city, 100).unwrap_or_default(),
        state: v.optional_text(&f("state"), c.state.as_deref(), 100),
        postal_code: v
            .text(&f("postalCode"), &c.postal_code, 20)
            .unwrap_or_default(),
        country: v
            .check(&f("country"), country(&c.country))
            .unwrap_or_default(),
        phone: v.check(&f("phone"), phone(&c.phone)).unwrap_or_default(),
        website: c
            .website
            .as_deref()
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .and_then(|w| v.check(&f("website"), website(w))),
    }
}

fn parse_contact(v: &mut Validation, prefix: &str, c: &Contact) -> Contact {
    let f = |name: &str| format!("{prefix}.{name}");
    Contact {
        first_name: v
            .text(&f("firstName"), &c.first_name, 100)
            .unwrap_or_default(),
        last_name: v
            .text(&f("lastName"), &c.last_name, 100)
            .unwrap_or_default(),
        email: v
            .check(&f("email"), EmailAddress::parse(&c.email))
            .map(String::from)
            .unwrap_or_default(),
        phone: v.check(&f("phone"), phone(&c.phone)).unwrap_or_default(),
        job_title: v.optional_text(&f("jobTitle"), c.job_title.as_deref(), 100),
    }
}

/// The country codes a company may give.
pub(crate) fn country_codes() -> impl Iterator<Item = &'static str> {
    COUNTRIES.split_ascii_whitespace()
}

fn country(raw: &str) -> Result<String, String> {
    let code = raw.trim().to_ascii_uppercase();
    if code.len() == 2 && COUNTRIES.split_ascii_whitespace().any(|c| c == code) {
        Ok(code)
    } else {
        Err("must be an ISO 3166-1 two-letter country code".into())
    }
}

/// A telephone number as people write it: digits with spaces, dashes, dots, brackets and
/// an optional leading `+`.
pub fn phone(raw: &str) -> Result<String, String> {
    let p = raw.trim();
    let digits = p.chars().filter(char::is_ascii_digit).count();
    let allowed = p
        .chars()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || " -.()".contains(c) || (c == '+' && i == 0));
    if p.is_empty() {
        Err("is required".into())
    } else if !allowed || !(5..=20).contains(&digits) || p.len() > 32 {
        Err("must be a telephone number of 5 to 20 digits".into())
    } else {
        Ok(p.to_string())
    }
}

fn website(raw: &str) -> Result<String, String> {
    let lower = raw.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .ok_or("must start with http:// or https://")?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if raw.chars().count() > 200 || !host.contains('.') || raw.chars().any(char::is_whitespace) {
        return Err("must be a web address such as https://example.com".into());
    }
    Ok(raw.to_string())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn valid_request(email: &str) -> SignUpRequest {
        SignUpRequest {
            email: email.into(),
            password: "Sturdy-Passw0rd".into(),
            company: Company {
                name: "Northwind Security".into(),
                address1: "1 Harbour Road".into(),
                address2: None,
                city: "Leeds".into(),
                state: None,
                postal_code: "LS1 4AP".into(),
                country: "gb".into(),
                phone: "+44 113 496 0000".into(),
                website: Some("https://northwind.example".into()),
            },
            contact: Contact {
                first_name: "Ann".into(),
                last_name: "Lee".into(),
                email: "Ann.Lee@Northwind.example".into(),
                phone: "+44 113 496 0001".into(),
                job_title: None,
            },
            accept_terms: true,
        }
    }

    /// A signed-up partner, as stored.
    pub fn partner() -> Partner {
        let s = SignUp::parse(valid_request("owner@northwind.example")).unwrap();
        Partner {
            id: PartnerId::generate(),
            company: s.company,
            contact: s.contact,
            program: Program::Reseller,
            terms_accepted_at: chrono::Utc::now(),
            created_at: chrono::Utc::now(),
            version: 1,
            partner_admins: 1,
            require_mfa: false,
            support: SupportInfo::default(),
            language: Language::English,
            email_verified: true,
            consent_reminders: Default::default(),
        }
    }

    #[test]
    fn a_partner_stored_before_my_company_reads_with_no_support_information_in_english() {
        let mut stored = serde_json::to_value(partner()).unwrap();
        let o = stored.as_object_mut().unwrap();
        o.remove("support");
        o.remove("language");
        let p: Partner = serde_json::from_value(stored).unwrap();
        assert_eq!(p.support, SupportInfo::default());
        assert_eq!(p.language, Language::English);
    }

    #[test]
    fn a_complete_form_becomes_a_sign_up_with_normalised_values() {
        let s = SignUp::parse(valid_request("  Owner@Northwind.example")).unwrap();
        assert_eq!(s.email.as_str(), "owner@northwind.example");
        assert_eq!(s.company.country, "GB");
        assert_eq!(s.contact.email, "ann.lee@northwind.example");
    }

    #[test]
    fn every_invalid_field_is_reported_with_its_path() {
        let mut r = valid_request("not-an-email");
        r.password = "weak".into();
        r.company.name = " ".into();
        r.company.country = "XX".into();
        r.company.website = Some("ftp://x".into());
        r.contact.phone = "call me".into();
        r.accept_terms = false;
        let errors = SignUp::parse(r).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "email",
                "password",
                "company.name",
                "company.country",
                "company.website",
                "contact.phone",
                "acceptTerms"
            ]
        );
    }

    #[test]
    fn phone_numbers_as_people_write_them() {
        assert!(phone("+1 (555) 010-9999").is_ok());
        assert!(phone("555").is_err());
        assert!(phone("12+345678").is_err());
    }

    #[test]
    fn partners_stored_before_the_email_check_count_as_confirmed() {
        let stored = serde_json::json!({
            "id": "ptn_0123456789abcdef0123456789abcdef",
            "company": {"name": "N", "address1": "1 Road", "city": "Leeds",
                        "postalCode": "LS1", "country": "GB", "phone": "+44 113 496 0000"},
            "contact": {"firstName": "Ann", "lastName": "Lee", "email": "a@n.example",
                        "phone": "+44 113 496 0001"},
            "program": "reseller",
            "termsAcceptedAt": "2026-01-01T00:00:00Z",
            "createdAt": "2026-01-01T00:00:00Z",
            "version": 1
        });
        let p: Partner = serde_json::from_value(stored).unwrap();
        assert!(p.email_verified && p.may_send_email());
        let pending = Partner {
            email_verified: false,
            consent_reminders: Default::default(),
            ..p
        };
        assert!(!pending.may_send_email());
    }
}
