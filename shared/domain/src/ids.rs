//! Identifiers: a type prefix and a time-ordered UUID, so ids sort by creation and a
//! partner id can never be passed where a user id is expected.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($name:ident, $prefix:literal) => {
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub const PREFIX: &'static str = $prefix;

            pub fn generate() -> Self {
                Self(format!("{}{}", $prefix, uuid::Uuid::now_v7().simple()))
            }

            /// Accepts only the prefix followed by 32 lowercase hex digits.
            pub fn parse(s: &str) -> Result<Self, String> {
                let rest = s
                    .strip_prefix($prefix)
                    .ok_or_else(|| format!("must start with {}", $prefix))?;
                if rest.len() == 32
                    && rest
                        .bytes()
                        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
                {
                    Ok(Self(s.to_string()))
                } else {
                    Err("is not a valid identifier".into())
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(s: String) -> Result<Self, String> {
                Self::parse(&s)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id_type!(PartnerId, "ptn_");
id_type!(UserId, "usr_");
id_type!(CustomerId, "cus_");
id_type!(EntitlementId, "ent_");
id_type!(RequestId, "req_");
id_type!(RoleId, "rol_");
id_type!(ContactId, "cnt_");
id_type!(AlertId, "alr_");
id_type!(RuleId, "rul_");
id_type!(ReportId, "rpt_");
id_type!(TemplateId, "tpl_");
id_type!(ScheduleId, "sch_");
id_type!(TicketId, "tkt_");
id_type!(AttachmentId, "att_");
id_type!(CommentId, "cmt_");
id_type!(FeedbackId, "fbk_");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_parse_and_sort_by_creation() {
        let a = PartnerId::generate();
        let b = PartnerId::generate();
        assert_eq!(PartnerId::parse(a.as_str()), Ok(a.clone()));
        assert!(a < b, "{a} should sort before {b}");
    }

    #[test]
    fn a_user_id_is_not_a_partner_id() {
        let user = UserId::generate();
        assert!(PartnerId::parse(user.as_str()).is_err());
        assert!(PartnerId::parse("ptn_XYZ").is_err());
        assert!(PartnerId::parse("ptn_0123456789abcdef0123456789ABCDEF").is_err());
    }
}
