//! Support tickets (the guide's chapter 6, "Submitting support tickets" and "Using the
//! Support ticket listing", Table 6-1) and feedback ("Sending us your feedback"): the
//! values and rules, no I/O. A ticket belongs to its partner; support answers from the
//! operator tools, and the partner's users who follow a ticket are emailed when it does.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{FieldError, UserId, Validation};

pub use super::ids::{AttachmentId, CommentId, FeedbackId, TicketId};

pub const MAX_SUBJECT: usize = 200;
pub const MAX_DESCRIPTION: usize = 10_000;
pub const MAX_COMMENT: usize = 5_000;
pub const MAX_RESOLUTION: usize = 5_000;
pub const MAX_FILE_NAME: usize = 200;
/// The largest attachment, in bytes.
pub const MAX_ATTACHMENT_BYTES: u64 = 10 * 1024 * 1024;
/// The most attachments one ticket holds (uploads in progress count).
pub const MAX_ATTACHMENTS: u32 = 5;
/// How long a presigned upload works; an upload not completed by then is abandoned, and
/// its place is given back when another attachment is added.
pub const UPLOAD_WINDOW_MINUTES: i64 = 10;
/// What the Case Management page calls a ticket's product when it names none.
pub const CONSOLE_PRODUCT: &str = "Partner Console";

/// Set by support once they have evaluated the case (unset until then).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = TicketSeverity)]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
}

impl Severity {
    pub fn parse(s: &str) -> Result<Self, String> {
        match s {
            "critical" => Ok(Severity::Critical),
            "high" => Ok(Severity::High),
            "medium" => Ok(Severity::Medium),
            "low" => Ok(Severity::Low),
            _ => Err("must be critical, high, medium or low".into()),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Severity::Critical => "Critical",
            Severity::High => "High",
            Severity::Medium => "Medium",
            Severity::Low => "Low",
        }
    }
}

/// Where a case is in its lifecycle. A new case is `New`; support moves it between the
/// open states; the partner closes it with a case resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum TicketStatus {
    New,
    InProgress,
    /// Support asked the partner something.
    AwaitingReply,
    Closed,
}

impl TicketStatus {
    pub fn label(self) -> &'static str {
        match self {
            TicketStatus::New => "New",
            TicketStatus::InProgress => "In progress",
            TicketStatus::AwaitingReply => "Awaiting your reply",
            TicketStatus::Closed => "Closed",
        }
    }

    /// A status support may set: the open ones (closing is the partner's, with a
    /// resolution).
    pub fn parse_open(s: &str) -> Result<Self, String> {
        match s {
            "new" => Ok(TicketStatus::New),
            "inProgress" => Ok(TicketStatus::InProgress),
            "awaitingReply" => Ok(TicketStatus::AwaitingReply),
            _ => Err("must be new, inProgress or awaitingReply".into()),
        }
    }
}

/// One support case: a row of Table 6-1 and the Description Information of its detail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Ticket {
    #[schema(value_type = String)]
    pub id: TicketId,
    /// Unique within the partner, counting from 1 in the order cases were opened.
    pub case_number: u64,
    pub subject: String,
    pub description: String,
    pub product: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    pub status: TicketStatus,
    /// Date/Time Opened.
    pub opened_at: DateTime<Utc>,
    #[schema(value_type = String)]
    pub opened_by: UserId,
    pub opened_by_name: String,
    pub updated_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<DateTime<Utc>>,
    /// The Case Resolution given when the ticket was closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
    /// Attachments the ticket holds, uploads in progress included.
    pub attachment_count: u32,
    pub version: u64,
}

impl Ticket {
    /// Refuses what a closed case no longer takes: edits, comments and attachments.
    pub fn check_open(&self) -> Result<(), TicketClosed> {
        if self.status == TicketStatus::Closed {
            Err(TicketClosed)
        } else {
            Ok(())
        }
    }
}

impl Ticket {
    /// The ticket after its partner answered a question of support's: a case awaiting
    /// the partner's reply goes back to support (In progress); `None` when the status
    /// stays.
    pub fn answered(&self, now: DateTime<Utc>) -> Option<Ticket> {
        (self.status == TicketStatus::AwaitingReply).then(|| Ticket {
            status: TicketStatus::InProgress,
            updated_at: now,
            ..self.clone()
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the ticket is closed")]
pub struct TicketClosed;

/// Who wrote a Case Comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum CommentAuthor {
    /// One of the partner's users.
    Partner,
    /// The vendor's support personnel.
    Support,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Comment {
    #[schema(value_type = String)]
    pub id: CommentId,
    pub author: CommentAuthor,
    pub author_name: String,
    pub text: String,
    /// The comment is the Case Resolution the ticket was closed with.
    #[serde(default)]
    pub resolution: bool,
    pub at: DateTime<Utc>,
}

/// What the content of an attachment turned out to be: the allow-list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum FileType {
    #[serde(rename = "image/png")]
    Png,
    #[serde(rename = "image/jpeg")]
    Jpeg,
    #[serde(rename = "image/gif")]
    Gif,
    #[serde(rename = "application/pdf")]
    Pdf,
    #[serde(rename = "application/zip")]
    Zip,
    #[serde(rename = "text/plain")]
    Text,
    #[serde(rename = "text/csv")]
    Csv,
}

impl FileType {
    pub const ALL: [FileType; 7] = [
        FileType::Png,
        FileType::Jpeg,
        FileType::Gif,
        FileType::Pdf,
        FileType::Zip,
        FileType::Text,
        FileType::Csv,
    ];

    pub fn mime(self) -> &'static str {
        match self {
            FileType::Png => "image/png",
            FileType::Jpeg => "image/jpeg",
            FileType::Gif => "image/gif",
            FileType::Pdf => "application/pdf",
            FileType::Zip => "application/zip",
            FileType::Text => "text/plain",
            FileType::Csv => "text/csv",
        }
    }

    pub fn parse(mime: &str) -> Result<Self, String> {
        FileType::ALL
            .into_iter()
            .find(|t| t.mime() == mime)
            .ok_or_else(|| {
                "must be a PNG, JPEG or GIF image, a PDF, a ZIP archive, or text (plain or CSV)"
                    .into()
            })
    }

    fn is_text(self) -> bool {
        matches!(self, FileType::Text | FileType::Csv)
    }

    /// Whether content sniffed as `self` may be stored as `declared`: the same type, or
    /// text declared as either text type (a log file is plain text or CSV alike).
    pub fn agrees_with(self, declared: FileType) -> bool {
        self == declared || (self.is_text() && declared.is_text())
    }
}

/// What the bytes of a file are, by their magic numbers; text when they are valid UTF-8
/// without control characters other than tab, line breaks and form feed. `None` for
/// anything else: executables, unknown binaries, empty files.
pub fn sniff(bytes: &[u8]) -> Option<FileType> {
    const MAGIC: [(&[u8], FileType); 8] = [
        (b"\x89PNG\r\n\x1a\n", FileType::Png),
        (b"\xff\xd8\xff", FileType::Jpeg),
        (b"GIF87a", FileType::Gif),
        (b"GIF89a", FileType::Gif),
        (b"%PDF-", FileType::Pdf),
        (b"PK\x03\x04", FileType::Zip),
        // An empty archive.
        (b"PK\x05\x06", FileType::Zip),
        (b"\xef\xbb\xbf", FileType::Text),
    ];
    if bytes.is_empty() {
        return None;
    }
    if let Some((_, t)) = MAGIC.iter().find(|(m, _)| bytes.starts_with(m)) {
        if *t != FileType::Text {
            return Some(*t);
        }
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let plain = text
        .chars()
        .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\u{c}'));
    plain.then_some(FileType::Text)
}

/// Where an attachment's bytes live in the files bucket: under the partner and ticket,
/// the prefix the support function alone may read and write.
pub fn attachment_key(
    partner: &super::PartnerId,
    ticket: &TicketId,
    attachment: &AttachmentId,
) -> String {
    format!("support/{partner}/{ticket}/{attachment}")
}

/// Where the browser uploads an attachment's bytes with its presigned link, beside
/// [`attachment_key`]: once checked they are written to that key, which no upload link
/// names, so a link still valid after the check cannot swap the checked bytes.
pub fn upload_key(
    partner: &super::PartnerId,
    ticket: &TicketId,
    attachment: &AttachmentId,
) -> String {
    format!("{}.upload", attachment_key(partner, ticket, attachment))
}

/// Whether an upload is still being made or is ready to download.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum AttachmentStatus {
    Uploading,
    Ready,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Attachment {
    #[schema(value_type = String)]
    pub id: AttachmentId,
    pub file_name: String,
    pub content_type: FileType,
    /// Bytes: as declared while uploading, as stored once ready.
    pub size: u64,
    pub status: AttachmentStatus,
    pub uploaded_by_name: String,
    pub created_at: DateTime<Utc>,
}

impl Attachment {
    /// An upload that was never completed within its window.
    pub fn abandoned(&self, now: DateTime<Utc>) -> bool {
        self.status == AttachmentStatus::Uploading
            && now - self.created_at > Duration::minutes(UPLOAD_WINDOW_MINUTES)
    }
}

/// The checks an uploaded file passes before it is kept: its size (at most the limit,
/// and what was declared) and its content (a type of the allow-list, agreeing with the
/// declared one).
pub fn check_upload(declared: &Attachment, bytes: &[u8]) -> Result<FileType, String> {
    let size = bytes.len() as u64;
    if size > MAX_ATTACHMENT_BYTES {
        return Err(format!(
            "is larger than {} MB",
            MAX_ATTACHMENT_BYTES / 1024 / 1024
        ));
    }
    if size != declared.size {
        return Err(format!(
            "has {size} bytes, not the {} declared",
            declared.size
        ));
    }
    match sniff(bytes) {
        Some(t) if t.agrees_with(declared.content_type) => Ok(declared.content_type),
        Some(t) => Err(format!(
            "is {}, not {} as declared",
            t.mime(),
            declared.content_type.mime()
        )),
        None => Err("is not a file type support accepts (images, PDF, ZIP, text)".into()),
    }
}

/// A file name as shown and downloaded: 1–200 characters, no control characters and no
/// path (a browser sends a file's name without its folder).
pub fn file_name(raw: &str) -> Result<String, String> {
    let name = super::validation::required_text(raw, MAX_FILE_NAME)?;
    if name.contains(['/', '\\']) {
        return Err("must be a file's name, without a folder".into());
    }
    Ok(name)
}

/// `Content-Disposition` for downloading `name`: an ASCII `filename` for old clients and
/// the exact name in `filename*` (RFC 6266, RFC 5987).
pub fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// Free text that may span lines: trimmed, non-empty, at most `max` characters, no
/// control characters but tab and line breaks.
pub fn multiline_text(raw: &str, max: usize) -> Result<String, String> {
    let v = raw.trim();
    if v.is_empty() {
        return Err("is required".into());
    }
    if v.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
    if v.chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        return Err("must not contain control characters other than tabs and line breaks".into());
    }
    Ok(v.to_string())
}

/// The Case Management page's period filter: cases opened in the last week to the last
/// 3 months.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum TicketPeriod {
    #[serde(rename = "1w")]
    LastWeek,
    #[serde(rename = "2w")]
    LastTwoWeeks,
    #[serde(rename = "1m")]
    LastMonth,
    #[serde(rename = "3m")]
    LastThreeMonths,
}

impl TicketPeriod {
    /// The earliest opening time the period shows, at `now`. Months are calendar months
    /// (the same day of the month, or the month's last day when it has no such day).
    pub fn since(self, now: DateTime<Utc>) -> DateTime<Utc> {
        let months = |n| {
            now.checked_sub_months(chrono::Months::new(n))
                .unwrap_or(DateTime::<Utc>::MIN_UTC)
        };
        match self {
            TicketPeriod::LastWeek => now - Duration::days(7),
            TicketPeriod::LastTwoWeeks => now - Duration::days(14),
            TicketPeriod::LastMonth => months(1),
            TicketPeriod::LastThreeMonths => months(3),
        }
    }
}

/// Create Support Ticket: the subject and description (files follow, one upload each).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewTicket {
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub subject: String,
    #[schema(
        min_length = 1,
        max_length = 10000,
        pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
    )]
    pub description: String,
    /// The catalog product the case is about; the console itself when absent (never
    /// `null`, as the schema says).
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = crate::schema::product_id)]
    pub product: Option<String>,
}

/// An optional field that, when given, is a string (absent is `None` by `default`).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    String::deserialize(d).map(Some)
}

/// A new ticket's checked fields: subject, description and the product's name.
pub fn check_new(form: &NewTicket) -> Result<(String, String, String), Vec<FieldError>> {
    let mut v = Validation::new();
    let subject = v.text("subject", &form.subject, MAX_SUBJECT);
    let description = v.check(
        "description",
        multiline_text(&form.description, MAX_DESCRIPTION),
    );
    let product = match form.product.as_deref() {
        None => Some(CONSOLE_PRODUCT.to_string()),
        Some(id) => v.check(
            "product",
            super::catalog::product(id)
                .map(|p| p.name.to_string())
                .ok_or_else(|| "is not a product of the catalog".to_string()),
        ),
    };
    v.finish()?;
    Ok((
        subject.unwrap_or_default(),
        description.unwrap_or_default(),
        product.unwrap_or_default(),
    ))
}

/// The Description Information as edited: either field, or both.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TicketEdit {
    #[serde(default)]
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub subject: Option<String>,
    #[serde(default)]
    #[schema(
        min_length = 1,
        max_length = 10000,
        pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
    )]
    pub description: Option<String>,
}

impl TicketEdit {
    /// The ticket with the edit applied (its version unchanged: the store moves it).
    pub fn apply(&self, ticket: &Ticket, now: DateTime<Utc>) -> Result<Ticket, EditError> {
        ticket.check_open().map_err(|_| EditError::Closed)?;
        let mut v = Validation::new();
        let subject = self
            .subject
            .as_deref()
            .and_then(|s| v.text("subject", s, MAX_SUBJECT));
        let description = self
            .description
            .as_deref()
            .and_then(|d| v.check("description", multiline_text(d, MAX_DESCRIPTION)));
        v.finish().map_err(EditError::Invalid)?;
        let mut next = ticket.clone();
        if let Some(s) = subject {
            next.subject = s;
        }
        if let Some(d) = description {
            next.description = d;
        }
        next.updated_at = now;
        Ok(next)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditError {
    Closed,
    Invalid(Vec<FieldError>),
}

/// The ticket closed with its Case Resolution (checked), at `now`.
pub fn close(ticket: &Ticket, resolution: &str, now: DateTime<Utc>) -> Result<Ticket, EditError> {
    ticket.check_open().map_err(|_| EditError::Closed)?;
    let resolution = multiline_text(resolution, MAX_RESOLUTION).map_err(|m| {
        EditError::Invalid(vec![FieldError {
            field: "resolution".into(),
            message: m,
        }])
    })?;
    Ok(Ticket {
        status: TicketStatus::Closed,
        closed_at: Some(now),
        resolution: Some(resolution),
        updated_at: now,
        ..ticket.clone()
    })
}

/// The comments drop-down of the Feedback modal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum FeedbackCategory {
    General,
    Suggestion,
    Problem,
    Compliment,
}

/// "Would you recommend this service to a colleague?"
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum Recommend {
    Yes,
    Maybe,
    No,
}

/// Page Rating: one (unsatisfactory) to five (excellent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PageRating {
    #[schema(minimum = 1, maximum = 5)]
    pub content: i64,
    #[schema(minimum = 1, maximum = 5)]
    pub design: i64,
    #[schema(minimum = 1, maximum = 5)]
    pub usability: i64,
    #[schema(minimum = 1, maximum = 5)]
    pub overall: i64,
    #[schema(minimum = 1, maximum = 5)]
    pub ease_of_use: i64,
}

pub const MAX_FEEDBACK: usize = 5_000;

/// The Feedback modal.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FeedbackForm {
    pub category: FeedbackCategory,
    #[schema(
        min_length = 1,
        max_length = 5000,
        pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
    )]
    pub comments: String,
    pub rating: PageRating,
    pub would_recommend: Recommend,
}

/// Feedback as stored and as operators read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Feedback {
    #[schema(value_type = String)]
    pub id: FeedbackId,
    #[schema(value_type = String)]
    pub partner_id: super::PartnerId,
    #[schema(value_type = String)]
    pub user_id: UserId,
    pub user_email: String,
    pub category: FeedbackCategory,
    pub comments: String,
    pub rating: PageRating,
    pub would_recommend: Recommend,
    pub at: DateTime<Utc>,
}

impl FeedbackForm {
    /// The comments checked and each rating within one to five.
    pub fn check(&self) -> Result<String, Vec<FieldError>> {
        let mut v = Validation::new();
        let comments = v.check("comments", multiline_text(&self.comments, MAX_FEEDBACK));
        let r = self.rating;
        for (field, value) in [
            ("rating.content", r.content),
            ("rating.design", r.design),
            ("rating.usability", r.usability),
            ("rating.overall", r.overall),
            ("rating.easeOfUse", r.ease_of_use),
        ] {
            if !(1..=5).contains(&value) {
                v.error(field, "must be from 1 to 5");
            }
        }
        v.finish()?;
        Ok(comments.unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn ticket(status: TicketStatus) -> Ticket {
        let now = Utc::now();
        Ticket {
            id: TicketId::generate(),
            case_number: 1,
            subject: "Agents offline".into(),
            description: "Since Monday".into(),
            product: CONSOLE_PRODUCT.into(),
            severity: None,
            status,
            opened_at: now,
            opened_by: UserId::generate(),
            opened_by_name: "Erin Tester".into(),
            updated_at: now,
            closed_at: None,
            resolution: None,
            attachment_count: 0,
            version: 1,
        }
    }

    fn declared(t: FileType, size: u64) -> Attachment {
        Attachment {
            id: AttachmentId::generate(),
            file_name: "f".into(),
            content_type: t,
            size,
            status: AttachmentStatus::Uploading,
            uploaded_by_name: "E".into(),
            created_at: Utc::now(),
        }
    }

    #[test]
    fn files_are_known_by_their_bytes_not_their_names() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(FileType::Png));
        assert_eq!(sniff(b"\xff\xd8\xff\xe0\0\x10JFIF"), Some(FileType::Jpeg));
        assert_eq!(sniff(b"GIF89a\x01\0"), Some(FileType::Gif));
        assert_eq!(sniff(b"%PDF-1.7\n"), Some(FileType::Pdf));
        assert_eq!(sniff(b"PK\x03\x04\x14\0"), Some(FileType::Zip));
        assert_eq!(
            sniff("2026-12-01 agent 😀 ok\r\n\tnext".as_bytes()),
            Some(FileType::Text)
        );
        assert_eq!(sniff(b"\xef\xbb\xbfa,b\n1,2\n"), Some(FileType::Text));
        // Executables and other binaries are refused.
        assert_eq!(sniff(b"MZ\x90\0\x03\0\0\0"), None);
        assert_eq!(sniff(b"\x7fELF\x02\x01\x01"), None);
        assert_eq!(sniff(b"#!/bin/sh\0"), None);
        assert_eq!(sniff(b"\xc3\x28 invalid utf-8"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn an_executable_named_png_is_refused_and_the_size_must_be_declared_and_within_the_limit() {
        let exe = b"MZ\x90\0\x03\0\0\0\x04\0";
        assert!(check_upload(&declared(FileType::Png, exe.len() as u64), exe).is_err());
        let png = b"\x89PNG\r\n\x1a\n....";
        assert_eq!(
            check_upload(&declared(FileType::Png, png.len() as u64), png),
            Ok(FileType::Png)
        );
        assert!(check_upload(&declared(FileType::Png, 3), png).is_err());
        // A PDF declared as an image is not kept either.
        let pdf = b"%PDF-1.4";
        assert!(check_upload(&declared(FileType::Png, pdf.len() as u64), pdf).is_err());
        // Text is text, plain or CSV.
        let csv = b"a,b\n1,2\n";
        assert_eq!(
            check_upload(&declared(FileType::Csv, csv.len() as u64), csv),
            Ok(FileType::Csv)
        );
        let big = vec![b'a'; MAX_ATTACHMENT_BYTES as usize + 1];
        let e = check_upload(&declared(FileType::Text, big.len() as u64), &big).unwrap_err();
        assert!(e.contains("10 MB"), "{e}");
    }

    #[test]
    fn a_closed_ticket_takes_no_edits_and_closing_needs_a_resolution() {
        let now = Utc::now();
        let open = ticket(TicketStatus::InProgress);
        let edit = TicketEdit {
            subject: Some("  Agents offline since Monday ".into()),
            description: None,
        };
        let edited = edit.apply(&open, now).unwrap();
        assert_eq!(edited.subject, "Agents offline since Monday");
        assert_eq!(edited.description, open.description);
        let bad = TicketEdit {
            subject: Some(" ".into()),
            description: Some("a\u{0}b".into()),
        };
        match bad.apply(&open, now) {
            Err(EditError::Invalid(e)) => assert_eq!(
                e.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(),
                ["subject", "description"]
            ),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            close(&open, "  ", now),
            Err(EditError::Invalid(_))
        ));
        let closed = close(&open, "Fixed by the\nnew agent", now).unwrap();
        assert_eq!(closed.status, TicketStatus::Closed);
        assert_eq!(
            closed.resolution.as_deref(),
            Some("Fixed by the\nnew agent")
        );
        assert_eq!(closed.closed_at, Some(now));
        assert_eq!(edit.apply(&closed, now), Err(EditError::Closed));
        assert_eq!(close(&closed, "again", now), Err(EditError::Closed));
        assert_eq!(closed.check_open(), Err(TicketClosed));
    }

    #[test]
    fn a_partners_comment_sends_a_case_awaiting_its_reply_back_to_support() {
        let now = Utc::now();
        let waiting = ticket(TicketStatus::AwaitingReply);
        assert_eq!(
            waiting.answered(now).map(|t| t.status),
            Some(TicketStatus::InProgress)
        );
        for status in [
            TicketStatus::New,
            TicketStatus::InProgress,
            TicketStatus::Closed,
        ] {
            assert_eq!(ticket(status).answered(now), None, "{status:?}");
        }
    }

    #[test]
    fn periods_reach_back_a_week_two_weeks_or_calendar_months() {
        let now = Utc.with_ymd_and_hms(2026, 5, 31, 12, 0, 0).unwrap();
        let at = |y, m, d| Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap();
        assert_eq!(TicketPeriod::LastWeek.since(now), at(2026, 5, 24));
        assert_eq!(TicketPeriod::LastTwoWeeks.since(now), at(2026, 5, 17));
        assert_eq!(TicketPeriod::LastMonth.since(now), at(2026, 4, 30));
        assert_eq!(TicketPeriod::LastThreeMonths.since(now), at(2026, 2, 28));
    }

    #[test]
    fn a_new_tickets_product_is_absent_or_a_string_never_null() {
        let absent: NewTicket =
            serde_json::from_str(r#"{"subject":"s","description":"d"}"#).unwrap();
        assert_eq!(absent.product, None);
        assert!(serde_json::from_str::<NewTicket>(
            r#"{"subject":"s","description":"d","product":null}"#
        )
        .is_err());
    }

    #[test]
    fn new_tickets_name_a_catalog_product_or_the_console() {
        let form = |product: Option<&str>| NewTicket {
            subject: "Subject".into(),
            description: "Line one\nLine two".into(),
            product: product.map(str::to_string),
        };
        assert_eq!(check_new(&form(None)).unwrap().2, CONSOLE_PRODUCT);
        assert_eq!(
            check_new(&form(Some("endpoint-protection"))).unwrap().2,
            "Endpoint Protection Cloud"
        );
        let e = check_new(&form(Some("nope"))).unwrap_err();
        assert_eq!(e[0].field, "product");
    }

    #[test]
    fn file_names_carry_no_folder_and_download_safely() {
        assert_eq!(file_name(" agent.log ").unwrap(), "agent.log");
        assert!(file_name("C:\\logs\\agent.log").is_err());
        assert!(file_name("../../etc/passwd").is_err());
        assert!(file_name(" ").is_err());
        assert_eq!(
            content_disposition("résumé \"1\".txt"),
            "attachment; filename=\"r_sum_ _1_.txt\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%221%22.txt"
        );
    }

    #[test]
    fn uploads_not_completed_within_their_window_are_abandoned() {
        let mut a = declared(FileType::Png, 10);
        let now = a.created_at;
        assert!(!a.abandoned(now + Duration::minutes(UPLOAD_WINDOW_MINUTES)));
        assert!(a.abandoned(now + Duration::minutes(UPLOAD_WINDOW_MINUTES + 1)));
        a.status = AttachmentStatus::Ready;
        assert!(!a.abandoned(now + Duration::days(30)));
    }

    #[test]
    fn feedback_ratings_run_from_one_to_five() {
        let mut f = FeedbackForm {
            category: FeedbackCategory::Suggestion,
            comments: "More filters, please".into(),
            rating: PageRating {
                content: 5,
                design: 4,
                usability: 3,
                overall: 2,
                ease_of_use: 1,
            },
            would_recommend: Recommend::Yes,
        };
        assert_eq!(f.check().unwrap(), "More filters, please");
        f.rating.design = 0;
        f.rating.ease_of_use = 6;
        f.comments = " ".into();
        let fields: Vec<_> = f
            .check()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["comments", "rating.design", "rating.easeOfUse"]);
    }
}
