//! Mail the console sends, as SES sees it: the kind of each message (a message tag, so a
//! bounce can be traced back), and the addresses a partner no longer mails because they
//! bounced or complained (SES's bounce and complaint events, per partner: SES's own
//! account-level suppression list is shared by every partner of the deployment).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{EmailAddress, PartnerId};

/// What a message is, sent as its `kind` tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum MailKind {
    Invitation,
    PasswordReset,
    SignUpConfirmation,
    Welcome,
    WelcomeCopy,
    Consent,
    SupportComment,
    Alert,
    Report,
}

impl MailKind {
    /// The tag value (SES allows letters, digits, `_` and `-`).
    pub fn as_str(self) -> &'static str {
        match self {
            MailKind::Invitation => "invitation",
            MailKind::PasswordReset => "password-reset",
            MailKind::SignUpConfirmation => "sign-up-confirmation",
            MailKind::Welcome => "welcome",
            MailKind::WelcomeCopy => "welcome-copy",
            MailKind::Consent => "consent",
            MailKind::SupportComment => "support-comment",
            MailKind::Alert => "alert",
            MailKind::Report => "report",
        }
    }
}

/// Who a message is sent for: the partner whose suppressions apply and who hears of its
/// bounces, and its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailTags {
    pub partner: Option<PartnerId>,
    pub kind: MailKind,
}

impl MailTags {
    pub fn new(partner: &PartnerId, kind: MailKind) -> Self {
        MailTags {
            partner: Some(partner.clone()),
            kind,
        }
    }

    /// The tags as SES message tags (names and values SES accepts).
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = vec![(TAG_KIND, self.kind.as_str().to_string())];
        if let Some(p) = &self.partner {
            pairs.push((TAG_PARTNER, p.to_string()));
        }
        pairs
    }
}

/// The message tag naming the partner a message was sent for.
pub const TAG_PARTNER: &str = "partner";
/// The message tag naming the kind of message.
pub const TAG_KIND: &str = "kind";

/// Why an address is suppressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum SuppressionReason {
    /// The receiving server refused it for good (a permanent bounce).
    Bounced,
    /// The recipient marked a message as spam.
    Complained,
}

impl SuppressionReason {
    /// How the console shows it.
    pub fn label(self) -> &'static str {
        match self {
            SuppressionReason::Bounced => "Email bounced",
            SuppressionReason::Complained => "Marked as spam",
        }
    }
}

/// An address the partner's mail no longer goes to, until an administrator lifts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MailSuppression {
    pub email: EmailAddress,
    pub reason: SuppressionReason,
    /// When SES reported the bounce or complaint.
    pub since: DateTime<Utc>,
    /// SES's id of the bounce or complaint report (for support).
    pub feedback_id: String,
}

/// What the console shows of a suppression beside the user or customer admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MailSuppressionView {
    pub reason: SuppressionReason,
    /// "Email bounced" or "Marked as spam".
    pub label: String,
    pub since: DateTime<Utc>,
}

impl From<&MailSuppression> for MailSuppressionView {
    fn from(s: &MailSuppression) -> Self {
        MailSuppressionView {
            reason: s.reason,
            label: s.reason.label().to_string(),
            since: s.since,
        }
    }
}

/// SES's report of a bounce or a complaint, as the notifier reads it from EventBridge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feedback {
    /// The partner named by the message's `partner` tag, if any.
    pub partner: Option<String>,
    pub reason: SuppressionReason,
    pub recipients: Vec<String>,
    pub at: DateTime<Utc>,
    pub feedback_id: String,
}

/// The EventBridge detail types SES uses for the events the console acts on.
pub const EMAIL_BOUNCED: &str = "Email Bounced";
pub const EMAIL_COMPLAINT: &str = "Email Complaint Received";

/// Reads an `aws.ses` EventBridge event. `Ok(None)`: an event the console does not act on
/// (a transient or undetermined bounce: SES retries those itself, and the mailbox may
/// work tomorrow). `Err`: not an SES bounce or complaint at all.
pub fn feedback(event: &serde_json::Value) -> Result<Option<Feedback>, String> {
    let detail = &event["detail"];
    let tag = |name: &str| detail["mail"]["tags"][name][0].as_str().map(str::to_string);
    let (reason, block, list) = match event["detail-type"].as_str() {
        Some(EMAIL_BOUNCED) => {
            if detail["bounce"]["bounceType"].as_str() != Some("Permanent") {
                return Ok(None);
            }
            (SuppressionReason::Bounced, "bounce", "bouncedRecipients")
        }
        Some(EMAIL_COMPLAINT) => (
            SuppressionReason::Complained,
            "complaint",
            "complainedRecipients",
        ),
        other => return Err(format!("detail-type is {other:?}")),
    };
    let report = &detail[block];
    let recipients: Vec<String> = report[list]
        .as_array()
        .ok_or_else(|| format!("{block}.{list} is missing"))?
        .iter()
        .filter_map(|r| r["emailAddress"].as_str().map(str::to_string))
        .collect();
    let at = report["timestamp"]
        .as_str()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| format!("{block}.timestamp is missing"))?;
    let feedback_id = report["feedbackId"]
        .as_str()
        .ok_or_else(|| format!("{block}.feedbackId is missing"))?
        .to_string();
    Ok(Some(Feedback {
        partner: tag(TAG_PARTNER),
        reason,
        recipients,
        at,
        feedback_id,
    }))
}

/// The recipients of `to` that are not suppressed, and those that are.
pub fn split_suppressed(
    to: &[String],
    suppressed: &[MailSuppression],
) -> (Vec<String>, Vec<String>) {
    to.iter().cloned().partition(|address| {
        let parsed = EmailAddress::parse(address);
        !suppressed
            .iter()
            .any(|s| parsed.as_ref().is_ok_and(|a| a == &s.email))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(name: &str) -> serde_json::Value {
        let text = match name {
            "bounce" => include_str!("../../../events/notifier/ses-bounce.json"),
            _ => include_str!("../../../events/notifier/ses-complaint.json"),
        };
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn a_permanent_bounce_names_its_partner_recipients_and_time() {
        let f = feedback(&sample("bounce")).unwrap().unwrap();
        assert_eq!(f.reason, SuppressionReason::Bounced);
        assert_eq!(
            f.partner.as_deref(),
            Some("ptn_0193a1b2c3d47e8f9a0b1c2d3e4f5a6b")
        );
        assert_eq!(f.recipients, vec!["bounced.admin@example.com".to_string()]);
        assert_eq!(f.at.to_rfc3339(), "2026-12-05T06:41:02.669+00:00");
    }

    #[test]
    fn a_transient_bounce_is_not_acted_on() {
        let mut e = sample("bounce");
        e["detail"]["bounce"]["bounceType"] = "Transient".into();
        assert_eq!(feedback(&e), Ok(None));
        e["detail"]["bounce"]["bounceType"] = "Undetermined".into();
        assert_eq!(feedback(&e), Ok(None));
    }

    #[test]
    fn a_complaint_is_acted_on_and_other_events_are_refused() {
        let f = feedback(&sample("complaint")).unwrap().unwrap();
        assert_eq!(f.reason, SuppressionReason::Complained);
        assert_eq!(f.recipients, vec!["annoyed.user@example.com".to_string()]);
        let mut delivered = sample("bounce");
        delivered["detail-type"] = "Email Delivered".into();
        assert!(feedback(&delivered).is_err());
        let mut untagged = sample("complaint");
        untagged["detail"]["mail"]["tags"] = serde_json::json!({});
        assert_eq!(feedback(&untagged).unwrap().unwrap().partner, None);
    }

    #[test]
    fn suppressed_recipients_are_split_off_whatever_their_case() {
        let s = MailSuppression {
            email: EmailAddress::parse("gone@example.com").unwrap(),
            reason: SuppressionReason::Bounced,
            since: Utc::now(),
            feedback_id: "f".into(),
        };
        let to = vec![
            "Gone@Example.com".to_string(),
            "here@example.com".to_string(),
        ];
        let (send, skip) = split_suppressed(&to, &[s]);
        assert_eq!(send, vec!["here@example.com".to_string()]);
        assert_eq!(skip, vec!["Gone@Example.com".to_string()]);
    }

    #[test]
    fn tags_name_the_kind_and_the_partner() {
        let p = PartnerId::parse("ptn_0193a1b2c3d47e8f9a0b1c2d3e4f5a6b").unwrap();
        let t = MailTags::new(&p, MailKind::PasswordReset);
        assert_eq!(
            t.pairs(),
            vec![
                ("kind", "password-reset".to_string()),
                (
                    "partner",
                    "ptn_0193a1b2c3d47e8f9a0b1c2d3e4f5a6b".to_string()
                )
            ]
        );
    }
}
