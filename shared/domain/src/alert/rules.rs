//! Notification rules.

use super::*;

/// One check box of the rule's categories: a service at a severity.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Category {
    pub service: Service,
    pub severity: Severity,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum ComputerScope {
    All,
    Computers,
    Groups,
}

/// Which computers a rule concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Computers {
    pub scope: ComputerScope,
    #[serde(default)]
    #[schema(schema_with = super::super::schema::computer_names)]
    pub names: Vec<String>,
}

/// Where a rule also posts: an HTTPS endpoint and the secret its calls are signed with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Webhook {
    pub url: String,
    pub secret: String,
}

impl Webhook {
    /// What the API shows of the secret.
    pub fn secret_hint(&self) -> String {
        let tail: String = self
            .secret
            .chars()
            .rev()
            .take(4)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        format!("{WEBHOOK_SECRET_PREFIX}…{tail}")
    }
}

pub const WEBHOOK_SECRET_PREFIX: &str = "whsec_";

/// A new webhook signing secret: `whsec_` and 256 random bits.
pub fn generate_secret() -> String {
    format!("{WEBHOOK_SECRET_PREFIX}{}", crate::token::generate())
}

/// An alert notification rule (Table 5-3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    pub id: RuleId,
    pub partner_id: PartnerId,
    pub name: String,
    pub enabled: bool,
    pub categories: BTreeSet<Category>,
    /// `None`: all companies.
    pub customers: Option<BTreeSet<CustomerId>>,
    pub computers: Computers,
    /// Empty: all administrators.
    pub recipients: Vec<UserId>,
    /// Also email the customer's contact where the partner shares communications.
    pub customer_contacts: bool,
    pub webhook: Option<Webhook>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: u64,
}

impl Rule {
    /// Whether the rule is enabled and the alert is in its categories, companies and
    /// computers. A rule limited to chosen computers or groups matches only alerts about
    /// one of them.
    pub fn matches(&self, alert: &Alert) -> bool {
        if !self.enabled
            || !self.categories.contains(&Category {
                service: alert.service,
                severity: alert.severity,
            })
        {
            return false;
        }
        if let Some(chosen) = &self.customers {
            match &alert.customer_id {
                Some(c) if chosen.contains(c) => {}
                _ => return false,
            }
        }
        let named = |value: &Option<String>| {
            value.as_deref().is_some_and(|v| {
                self.computers
                    .names
                    .iter()
                    .any(|n| n.eq_ignore_ascii_case(v))
            })
        };
        match self.computers.scope {
            ComputerScope::All => true,
            ComputerScope::Computers => named(&alert.computer),
            ComputerScope::Groups => named(&alert.group),
        }
    }

    /// The users the rule tells: its recipients, or every active administrator when it
    /// names none (the Recipient Count).
    pub fn audience<'a>(&self, users: &'a [User]) -> Vec<&'a User> {
        users.iter().filter(|u| self.reaches(u)).collect()
    }

    /// Whether the rule tells `user` (see [`Rule::audience`]).
    pub fn reaches(&self, u: &User) -> bool {
        u.status != UserStatus::Disabled
            && !u.api_client
            && if self.recipients.is_empty() {
                u.role.is_partner_administrator() || u.role == crate::Role::Administrator
            } else {
                self.recipients.contains(&u.id)
            }
    }
}

/// The rule form as the API takes it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RuleRequest {
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub name: String,
    #[serde(default = "enabled_default")]
    pub enabled: bool,
    #[schema(min_items = 1)]
    pub categories: Vec<Category>,
    /// Customer ids; absent or `null` for all companies.
    #[serde(default)]
    #[schema(schema_with = super::super::schema::rule_customers)]
    pub customers: Option<Vec<String>>,
    pub computers: Computers,
    /// User ids; empty for all administrators.
    #[serde(default)]
    #[schema(schema_with = super::super::schema::user_ids)]
    pub recipients: Vec<String>,
    #[serde(default)]
    pub customer_contacts: bool,
    #[serde(default)]
    pub webhook: Option<WebhookRequest>,
}

fn enabled_default() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WebhookRequest {
    pub url: String,
}

/// A valid rule form; the handler still checks that its customers and users exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleForm {
    pub name: String,
    pub enabled: bool,
    pub categories: BTreeSet<Category>,
    pub customers: Option<Vec<CustomerId>>,
    pub computers: Computers,
    pub recipients: Vec<UserId>,
    pub customer_contacts: bool,
    pub webhook_url: Option<String>,
}

impl RuleRequest {
    pub fn parse(self, allow_loopback: bool) -> Result<RuleForm, Vec<FieldError>> {
        let mut v = Validation::new();
        let name = v.text("name", &self.name, 100);
        if self.categories.is_empty() {
            v.error("categories", "choose at least one category");
        }
        let customers = self.customers.map(|ids| {
            if ids.is_empty() {
                v.error("customers", "choose at least one company, or all companies");
            }
            if ids.len() > MAX_NAMES {
                v.error("customers", format!("at most {MAX_NAMES} companies"));
            }
            let mut chosen: Vec<CustomerId> = Vec::new();
            for (i, id) in ids.iter().enumerate() {
                if let Some(id) = v.check(&format!("customers[{i}]"), CustomerId::parse(id)) {
                    // A company named twice is named once, as recipients are.
                    if !chosen.contains(&id) {
                        chosen.push(id);
                    }
                }
            }
            chosen
        });
        let mut names = Vec::new();
        for (i, n) in self.computers.names.iter().enumerate() {
            if let Some(n) = v.text(&format!("computers.names[{i}]"), n, 128) {
                if !names.contains(&n) {
                    names.push(n);
                }
            }
        }
        match self.computers.scope {
            ComputerScope::All if !names.is_empty() => {
                v.error("computers.names", "all computers takes no names");
            }
            ComputerScope::Computers | ComputerScope::Groups if names.is_empty() => {
                v.error("computers.names", "name at least one computer or group");
            }
            _ if names.len() > MAX_NAMES => {
                v.error("computers.names", format!("at most {MAX_NAMES} names"));
            }
            _ => {}
        }
        let mut recipients = Vec::new();
        for (i, id) in self.recipients.iter().enumerate() {
            if let Some(id) = v.check(&format!("recipients[{i}]"), UserId::parse(id)) {
                if !recipients.contains(&id) {
                    recipients.push(id);
                }
            }
        }
        if recipients.len() > MAX_NAMES {
            v.error("recipients", format!("at most {MAX_NAMES} recipients"));
        }
        let webhook_url = self
            .webhook
            .and_then(|w| v.check("webhook.url", webhook_url(&w.url, allow_loopback)));
        let parsed = RuleForm {
            name: name.unwrap_or_default(),
            enabled: self.enabled,
            categories: self.categories.into_iter().collect(),
            customers,
            computers: Computers {
                scope: self.computers.scope,
                names,
            },
            recipients,
            customer_contacts: self.customer_contacts,
            webhook_url,
        };
        v.finish().map(|()| parsed)
    }
}
