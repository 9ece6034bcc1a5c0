//! Who hears of an alert.

use super::*;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "camelCase")]
pub enum Channel {
    Email,
    Sms,
    Webhook,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "sms",
            Self::Webhook => "webhook",
        }
    }
}

/// One message to send for an alert.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Planned {
    pub rule: RuleId,
    pub channel: Channel,
    /// An email address, an E.164 number or the webhook URL.
    pub target: String,
}

/// What the notifier knows about the people and the customer an alert concerns.
pub struct Audience<'a> {
    /// The partner's users, each with the customers their role lets them see.
    pub users: &'a [(User, Visibility)],
    /// The customer's account, when the alert concerns one.
    pub customer: Option<&'a Customer>,
}

/// Every message an alert causes: for each enabled rule it matches, each recipient who
/// may see the alert's customer, at each of their contact preferences (their login
/// email when they have none); the customer's contact when the rule asks and the partner
/// shares communications with the customer; and the rule's webhook. The same address is
/// told once, under the first rule that reaches it.
pub fn plan(rules: &[Rule], alert: &Alert, audience: &Audience<'_>) -> Vec<Planned> {
    let mut seen: BTreeSet<(Channel, String)> = BTreeSet::new();
    let mut out = Vec::new();
    let mut push = |rule: &RuleId, channel: Channel, target: String| {
        if seen.insert((channel, target.to_ascii_lowercase())) {
            out.push(Planned {
                rule: rule.clone(),
                channel,
                target,
            });
        }
    };
    for rule in rules.iter().filter(|r| r.matches(alert)) {
        for (user, visibility) in audience.users.iter().filter(|(u, _)| rule.reaches(u)) {
            if alert
                .customer_id
                .as_ref()
                .is_some_and(|c| !visibility.sees(c))
            {
                continue;
            }
            if user.contacts.is_empty() {
                push(&rule.id, Channel::Email, user.email.as_str().to_string());
            }
            for c in &user.contacts {
                let channel = match c.kind {
                    ContactType::Email => Channel::Email,
                    ContactType::Sms => Channel::Sms,
                };
                push(&rule.id, channel, c.address.clone());
            }
        }
        if rule.customer_contacts {
            if let Some(c) = audience.customer {
                if c.communications == Communications::Shared
                    && Some(&c.id) == alert.customer_id.as_ref()
                {
                    push(&rule.id, Channel::Email, c.contact.email.clone());
                }
            }
        }
        if let Some(w) = &rule.webhook {
            push(&rule.id, Channel::Webhook, w.url.clone());
        }
    }
    out
}

/// The webhook body (`docs/api.md` documents it): what happened, and the alert.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookPayload {
    /// `alert.raised`, or `alert.test` for the rule's "Send test".
    #[serde(rename = "type")]
    pub kind: String,
    /// The delivery's id: the same on every retry of one delivery.
    pub delivery_id: String,
    #[schema(value_type = String)]
    pub rule_id: RuleId,
    pub rule_name: String,
    pub sent_at: DateTime<Utc>,
    pub alert: Alert,
    /// The alert in the console.
    pub link: String,
}

/// The text of an alert's email and SMS.
pub fn message_text(alert: &Alert, link: &str) -> (String, String, String) {
    let subject = format!(
        "[{}] {}",
        match alert.severity {
            Severity::Error => "Error",
            Severity::Warning => "Warning",
            Severity::Informational => "Informational",
        },
        alert.subject
    );
    let email = format!(
        "{}\n\nType: {}\nSeverity: {}\n{}{}Raised: {}\n\n{}\n\nOpen the alert: {link}\n\nYou receive this because an alert notification rule names you. Change the rules under Administration > Alert Notifications.\n",
        alert.subject,
        alert.kind.label(),
        severity_name(alert.severity),
        alert
            .customer_name
            .as_deref()
            .map(|c| format!("Customer: {c}\n"))
            .unwrap_or_default(),
        alert
            .computer
            .as_deref()
            .map(|c| format!("Computer: {c}\n"))
            .unwrap_or_default(),
        alert.raised_at.format("%Y-%m-%d %H:%M UTC"),
        alert.body,
    );
    let mut sms = format!("{} {}", subject, link);
    if sms.chars().count() > 300 {
        sms = sms.chars().take(300).collect();
    }
    (subject, email, sms)
}
