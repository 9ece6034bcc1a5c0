//! Outgoing email: through SES API v2 (`SendEmail`, simple or raw content) in AWS, or as
//! `.eml` files in a local outbox folder that a developer opens with any mail client (and
//! tests read back).
//!
//! Every message goes out with the configuration set (whose event destination reports
//! bounces and complaints) and tags naming the partner it is sent for and its kind, so the
//! notifier can trace a bounce back to the partner. The outbox writes them as the headers
//! SES itself reads on a raw message (`X-SES-CONFIGURATION-SET`, `X-SES-MESSAGE-TAGS`).
//! [`crate::services::Services::send_mail`] leaves out the addresses the partner no longer
//! mails before a message reaches the mailer.

use std::path::{Path, PathBuf};

use aws_sdk_sesv2::{
    operation::send_email::{builders::SendEmailFluentBuilder, SendEmailInput},
    primitives::Blob,
    types::{
        Body, Content, Destination, EmailContent, Message as SesMessage, MessageTag, RawMessage,
    },
    Client,
};
use base64::{engine::general_purpose::STANDARD, Engine};
use chrono::Utc;
use domain::mail::MailTags;

use crate::aws::{CallCounter, Input};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
    pub tags: MailTags,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("ses: {0}")]
    Ses(String),
    #[error("outbox: {0}")]
    Outbox(#[from] std::io::Error),
    #[error("suppressions: {0}")]
    Suppressions(#[from] store::StoreError),
}

#[derive(Debug, Clone)]
pub enum Mailer {
    Ses {
        client: Client,
        from: String,
        /// The SES configuration set every message names (`MAIL_CONFIGURATION_SET`).
        configuration_set: Option<String>,
    },
    Outbox {
        dir: PathBuf,
        from: String,
        configuration_set: Option<String>,
        /// Hears of each message as the SES operation that sends it in AWS (tests).
        counter: Option<CallCounter>,
    },
}

impl Mailer {
    /// Sends the message and returns its message id.
    pub async fn send(&self, message: &Message) -> Result<String, MailError> {
        match self {
            Mailer::Ses {
                client,
                from,
                configuration_set,
            } => {
                let utf8 = |s: &str| Content::builder().data(s).charset("UTF-8").build();
                let subject = utf8(&message.subject).map_err(|e| MailError::Ses(e.to_string()))?;
                let text = utf8(&message.text).map_err(|e| MailError::Ses(e.to_string()))?;
                let content = EmailContent::builder()
                    .simple(
                        SesMessage::builder()
                            .subject(subject)
                            .body(Body::builder().text(text).build())
                            .build(),
                    )
                    .build();
                let request = client
                    .send_email()
                    .from_email_address(from)
                    .destination(
                        Destination::builder()
                            .set_to_addresses(Some(message.to.clone()))
                            .build(),
                    )
                    .content(content);
                send(request, configuration_set, &message.tags).await
            }
            Mailer::Outbox {
                dir,
                from,
                configuration_set,
                counter,
            } => {
                if let Some(c) = counter {
                    c.stood_in("SESv2", "SendEmail");
                }
                write_eml(dir, from, configuration_set.as_deref(), message).await
            }
        }
    }
}

impl Mailer {
    /// The address mail is sent from.
    pub fn from(&self) -> &str {
        match self {
            Mailer::Ses { from, .. } | Mailer::Outbox { from, .. } => from,
        }
    }

    /// Sends a whole MIME message (built with its `From` and `To`) to `to`, and returns
    /// its message id. For messages with attachments or inline images.
    pub async fn send_raw(
        &self,
        to: &[String],
        mime: Vec<u8>,
        tags: &MailTags,
    ) -> Result<String, MailError> {
        match self {
            Mailer::Ses {
                client,
                from,
                configuration_set,
            } => {
                // The recipients come from the destination, not the MIME headers, so that
                // a suppressed address left out of `to` is never mailed.
                let raw = RawMessage::builder()
                    .data(Blob::new(mime))
                    .build()
                    .map_err(|e| MailError::Ses(e.to_string()))?;
                let request = client
                    .send_email()
                    .from_email_address(from)
                    .destination(
                        Destination::builder()
                            .set_to_addresses(Some(to.to_vec()))
                            .build(),
                    )
                    .content(EmailContent::builder().raw(raw).build());
                send(request, configuration_set, tags).await
            }
            Mailer::Outbox {
                dir,
                configuration_set,
                counter,
                ..
            } => {
                if let Some(c) = counter {
                    // What SES is asked in AWS: raw content, which IAM authorizes apart.
                    let request = SendEmailInput::builder()
                        .content(
                            EmailContent::builder()
                                .raw(
                                    RawMessage::builder()
                                        .data(Blob::new(Vec::new()))
                                        .build()
                                        .map_err(|e| MailError::Ses(e.to_string()))?,
                                )
                                .build(),
                        )
                        .build()
                        .map_err(|e| MailError::Ses(e.to_string()))?;
                    c.stood_in_with("SESv2", "SendEmail", &Input::erase(request));
                }
                let id = uuid::Uuid::now_v7().simple().to_string();
                let mut eml = ses_headers(configuration_set.as_deref(), tags).into_bytes();
                eml.extend_from_slice(&mime);
                write_file(dir, &id, &eml).await?;
                Ok(format!("<{id}@outbox.local>"))
            }
        }
    }
}

/// Sends through SES v2 `SendEmail` with the configuration set and the message's tags.
async fn send(
    request: SendEmailFluentBuilder,
    configuration_set: &Option<String>,
    tags: &MailTags,
) -> Result<String, MailError> {
    let out = request
        .set_configuration_set_name(configuration_set.clone())
        .set_email_tags(Some(ses_tags(tags)?))
        .send()
        .await
        .map_err(|e| MailError::Ses(crate::aws::describe(e)))?;
    out.message_id
        .ok_or_else(|| MailError::Ses("SendEmail answered without a message id".into()))
}

fn ses_tags(tags: &MailTags) -> Result<Vec<MessageTag>, MailError> {
    tags.pairs()
        .into_iter()
        .map(|(name, value)| {
            MessageTag::builder()
                .name(name)
                .value(value)
                .build()
                .map_err(|e| MailError::Ses(e.to_string()))
        })
        .collect()
}

/// The configuration set and tags as the headers SES reads on a raw message.
pub fn ses_headers(configuration_set: Option<&str>, tags: &MailTags) -> String {
    let mut headers = String::new();
    if let Some(set) = configuration_set {
        headers.push_str(&format!("X-SES-CONFIGURATION-SET: {set}\r\n"));
    }
    let pairs: Vec<String> = tags
        .pairs()
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    headers.push_str(&format!("X-SES-MESSAGE-TAGS: {}\r\n", pairs.join(", ")));
    headers
}

/// Writes the message as an RFC 5322 file; the rename makes it appear whole or not at all.
async fn write_eml(
    dir: &Path,
    from: &str,
    configuration_set: Option<&str>,
    m: &Message,
) -> Result<String, MailError> {
    let id = uuid::Uuid::now_v7().simple().to_string();
    let message_id = format!("<{id}@outbox.local>");
    let eml = format!(
        "{}{}",
        ses_headers(configuration_set, &m.tags),
        render_eml(from, m, &message_id)
    );
    write_file(dir, &id, eml.as_bytes()).await?;
    Ok(message_id)
}

async fn write_file(dir: &Path, id: &str, bytes: &[u8]) -> Result<(), MailError> {
    tokio::fs::create_dir_all(dir).await?;
    let tmp = dir.join(format!(".{id}.tmp"));
    let path = dir.join(format!("{}-{id}.eml", Utc::now().format("%Y%m%dT%H%M%S")));
    tokio::fs::write(&tmp, bytes).await?;
    tokio::fs::rename(&tmp, &path).await?;
    Ok(())
}

fn encode_header(value: &str) -> String {
    if value.is_ascii() {
        value.to_string()
    } else {
        format!("=?UTF-8?B?{}?=", STANDARD.encode(value))
    }
}

pub fn render_eml(from: &str, m: &Message, message_id: &str) -> String {
    let body = STANDARD
        .encode(m.text.as_bytes())
        .as_bytes()
        .chunks(76)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("\r\n");
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {date}\r\nMessage-ID: {message_id}\r\n\
MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{body}\r\n",
        to = m.to.join(", "),
        subject = encode_header(&m.subject),
        date = Utc::now().to_rfc2822(),
    )
}

/// Reads back the text of an `.eml` written by the outbox (for tests and the demo).
pub fn decode_eml_text(eml: &str) -> Option<String> {
    let (_, body) = eml.split_once("\r\n\r\n")?;
    let joined: String = body.split_whitespace().collect();
    String::from_utf8(STANDARD.decode(joined).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_eml_round_trips_its_text_and_encodes_non_ascii_subjects() {
        let m = Message {
            to: vec!["ann@example.com".into()],
            subject: "Bienvenue à Partner Console".into(),
            text: "Line one\nLigne deux: é".into(),
            tags: MailTags {
                partner: None,
                kind: domain::mail::MailKind::Invitation,
            },
        };
        let eml = render_eml("console@example.com", &m, "<x@y>");
        assert!(eml.contains("Subject: =?UTF-8?B?"));
        assert!(eml.contains("To: ann@example.com\r\n"));
        assert_eq!(
            decode_eml_text(&eml).as_deref(),
            Some("Line one\nLigne deux: é")
        );
    }

    #[test]
    fn the_ses_headers_name_the_configuration_set_and_every_tag() {
        let partner = domain::PartnerId::generate();
        let tags = MailTags::new(&partner, domain::mail::MailKind::Report);
        let headers = ses_headers(Some("console-mail"), &tags);
        assert_eq!(
            headers,
            format!(
                "X-SES-CONFIGURATION-SET: console-mail\r\nX-SES-MESSAGE-TAGS: kind=report, partner={partner}\r\n"
            )
        );
    }
}
