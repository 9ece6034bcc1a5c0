//! A ticket's attachments. The browser uploads each file straight to S3 (an API request
//! takes at most 1 MB; attachments up to 10 MB): `POST …/attachments` keeps a place
//! (at most five a ticket) and answers a presigned PUT whose signature covers the file's
//! type and size; `POST …/complete` then reads the object and keeps it only when it is
//! within the limit and its bytes are of an allowed type, otherwise the object and the
//! place are removed. Downloads are presigned GETs given after the access check.

use std::time::Duration;

use adapters::services::AppState;
use api::{ApiJson, Principal, Problem, ProblemType, SourceIp};
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::Response,
    Json,
};
use chrono::{DateTime, Utc};
use domain::{
    audit::{Action as Audited, AuditRecord, Outcome},
    support::{
        self, Attachment, AttachmentId, AttachmentStatus, FileType, MAX_ATTACHMENTS,
        MAX_ATTACHMENT_BYTES, UPLOAD_WINDOW_MINUTES,
    },
    FieldError, Validation,
};
use serde::{Deserialize, Serialize};
use store::{tickets::Along, StoreError};
use utoipa::ToSchema;

use crate::tickets::{actor, changed, closed, detail, view, TicketView};

/// How long a download link works.
const LINK_TTL: Duration = Duration::from_secs(300);

/// A file about to be uploaded.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UploadForm {
    /// The file's name, without a folder.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^/\\\u0000-\u001f\u007f-\u009f]*[^\s/\\\u0000-\u001f\u007f-\u009f][^/\\\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub file_name: String,
    /// Its type: the upload must be sent with this `Content-Type`, and its bytes must be
    /// of this type.
    pub content_type: FileType,
    /// Its size in bytes: the upload must be exactly this long.
    #[schema(minimum = 1, maximum = 10485760)]
    pub size: i64,
}

/// Where and how to upload the file.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Upload {
    pub attachment: Attachment,
    /// PUT the file's bytes here, with `Content-Type` set to the declared type, then
    /// call `complete`.
    pub url: String,
    pub method: String,
    pub expires_at: DateTime<Utc>,
}

fn too_many() -> Problem {
    Problem::conflict(
        ProblemType::TooManyAttachments,
        format!("A ticket holds at most {MAX_ATTACHMENTS} attachments."),
    )
}

fn no_such_attachment() -> Problem {
    Problem::not_found("No such attachment.")
}

/// Add Attachments: keeps a place for one file and answers its presigned upload.
#[utoipa::path(
    post,
    path = "/api/v1/tickets/{ticketId}/attachments",
    tag = "support",
    security(("bearer" = [])),
    params(("ticketId" = String, Path)),
    request_body = UploadForm,
    responses(
        (status = 201, description = "Upload the file to `url` within 10 minutes, then complete it", body = Upload),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        api::responses::NotFound,
        api::responses::InvalidFields,
        (status = 409, description = "The ticket is closed, holds five attachments already, or changed meanwhile", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn start_upload(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    Path(id): Path<String>,
    ApiJson(form): ApiJson<UploadForm>,
) -> Result<(StatusCode, Json<Upload>), Problem> {
    let actor = actor(&state, &principal).await?;
    let scope = principal.scope();
    let d = detail(&state, &scope, &id).await?;
    let mut v = Validation::new();
    let file_name = v.check("fileName", support::file_name(&form.file_name));
    let size = match u64::try_from(form.size) {
        Ok(s) if (1..=MAX_ATTACHMENT_BYTES).contains(&s) => Some(s),
        _ => {
            v.error(
                "size",
                format!(
                    "must be from 1 byte to {} MB",
                    MAX_ATTACHMENT_BYTES / 1024 / 1024
                ),
            );
            None
        }
    };
    v.finish().map_err(Problem::validation)?;
    d.ticket.check_open().map_err(|_| closed())?;
    let now = Utc::now();
    // Uploads abandoned past their window give their places back in this change.
    let abandoned: Vec<Attachment> = d
        .attachments
        .iter()
        .filter(|a| a.abandoned(now))
        .cloned()
        .collect();
    let held = d
        .ticket
        .attachment_count
        .saturating_sub(abandoned.len() as u32);
    if held >= MAX_ATTACHMENTS {
        return Err(too_many());
    }
    let attachment = Attachment {
        id: AttachmentId::generate(),
        file_name: file_name.expect("checked"),
        content_type: form.content_type,
        size: size.expect("checked"),
        status: AttachmentStatus::Uploading,
        uploaded_by_name: actor.user.name(),
        created_at: now,
    };
    let next = domain::support::Ticket {
        attachment_count: held + 1,
        ..d.ticket.clone()
    };
    let audit = AuditRecord::of_user(
        &actor.user,
        Audited::AddAttachment,
        &ip,
        format!("{}/{}", d.ticket.id, attachment.id),
    );
    state
        .table
        .save_ticket(
            scope.partner_id(),
            &next,
            d.ticket.version,
            Along {
                new_file: Some(&attachment),
                drop_files: &abandoned,
                audit: Some(&audit),
                ..Along::default()
            },
        )
        .await
        .map_err(|e| match e {
            StoreError::ConditionFailed { .. } | StoreError::TransactionConflict { .. } => {
                changed()
            }
            e => e.into(),
        })?;
    let files = state.files();
    let bucket = &state.config.reports_bucket;
    if !abandoned.is_empty() {
        let keys: Vec<String> = abandoned
            .iter()
            .map(|a| support::upload_key(scope.partner_id(), &d.ticket.id, &a.id))
            .collect();
        if let Err(e) = files.delete(bucket, &keys).await {
            // The bucket's lifecycle rule removes them in time.
            tracing::warn!(error = %e, "abandoned uploads not removed");
        }
    }
    let window = Duration::from_secs(UPLOAD_WINDOW_MINUTES as u64 * 60);
    let url = files
        .presigned_upload(
            bucket,
            &support::upload_key(scope.partner_id(), &d.ticket.id, &attachment.id),
            attachment.content_type.mime(),
            attachment.size,
            window,
        )
        .await
        .map_err(Problem::internal)?;
    Ok((
        StatusCode::CREATED,
        Json(Upload {
            attachment,
            url,
            method: "PUT".into(),
            expires_at: now + chrono::Duration::minutes(UPLOAD_WINDOW_MINUTES),
        }),
    ))
}

/// Checks an uploaded file: kept when it is within 10 MB, the size declared, and its
/// bytes are of the declared type (PNG, JPEG, GIF, PDF, ZIP, or text); otherwise the
/// object and the attachment are removed and the answer says why (422).
#[utoipa::path(
    post,
    path = "/api/v1/tickets/{ticketId}/attachments/{attachmentId}/complete",
    tag = "support",
    security(("bearer" = [])),
    params(("ticketId" = String, Path), ("attachmentId" = String, Path)),
    responses(
        (status = 200, description = "Kept; the case as it is now", body = TicketView),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        api::responses::NotFound,
        (status = 409, description = "Nothing was uploaded yet, or the attachment was already checked", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Refused (too large, or not an allowed type) and removed", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn complete_upload(
    State(state): State<AppState>,
    SourceIp(ip): SourceIp,
    principal: Principal,
    Path((id, attachment_id)): Path<(String, String)>,
) -> Result<Response, Problem> {
    let actor = actor(&state, &principal).await?;
    let scope = principal.scope();
    let mut d = detail(&state, &scope, &id).await?;
    let declared = d
        .attachments
        .iter()
        .find(|a| a.id.as_str() == attachment_id)
        .cloned()
        .ok_or_else(no_such_attachment)?;
    if declared.status != AttachmentStatus::Uploading {
        return Err(Problem::conflict(
            ProblemType::UploadChecked,
            "This attachment was checked already.",
        ));
    }
    // An upload begun before the case was closed attaches nothing to it now.
    d.ticket.check_open().map_err(|_| closed())?;
    let files = state.files();
    let bucket = &state.config.reports_bucket;
    let key = support::upload_key(scope.partner_id(), &d.ticket.id, &declared.id);
    // The size first, so an oversized object is refused without reading it.
    let size = files
        .size(bucket, &key)
        .await
        .map_err(Problem::internal)?
        .ok_or_else(|| {
            Problem::conflict(
                ProblemType::UploadMissing,
                "The file has not been uploaded yet: upload it, then complete it.",
            )
        })?;
    let checked = if size > MAX_ATTACHMENT_BYTES {
        Err(format!(
            "is larger than {} MB",
            MAX_ATTACHMENT_BYTES / 1024 / 1024
        ))
    } else {
        let bytes = files
            .get(bucket, &key)
            .await
            .map_err(Problem::internal)?
            .unwrap_or_default();
        support::check_upload(&declared, &bytes).map(|content_type| (content_type, bytes))
    };
    let target = format!("{}/{}", d.ticket.id, declared.id);
    match checked {
        Ok((content_type, bytes)) => {
            // The checked bytes, where downloads read them; the upload goes.
            files
                .put(
                    bucket,
                    &support::attachment_key(scope.partner_id(), &d.ticket.id, &declared.id),
                    bytes,
                    content_type.mime(),
                )
                .await
                .map_err(Problem::internal)?;
            if let Err(e) = files.delete(bucket, std::slice::from_ref(&key)).await {
                // The prefix's lifecycle rule removes it in time; it is never served.
                tracing::warn!(error = %e, "checked upload not removed");
            }
            let ready = Attachment {
                status: AttachmentStatus::Ready,
                content_type,
                size,
                ..declared
            };
            let audit = AuditRecord::of_user(&actor.user, Audited::CheckAttachment, &ip, target);
            match state
                .table
                .finish_attachment(scope.partner_id(), &d.ticket.id, &ready, &audit)
                .await
            {
                Ok(()) => {}
                Err(StoreError::ConditionFailed { .. }) => return Err(no_such_attachment()),
                Err(e) => return Err(e.into()),
            }
            if let Some(a) = d.attachments.iter_mut().find(|a| a.id == ready.id) {
                *a = ready;
            }
            let v = view(d, &actor);
            Ok(api::versions::with_etag(
                StatusCode::OK,
                &v,
                v.ticket.version,
            ))
        }
        Err(why) => {
            // Refused: the bytes go first, then the attachment and its place.
            files
                .delete(bucket, std::slice::from_ref(&key))
                .await
                .map_err(Problem::internal)?;
            let audit = AuditRecord::new(
                Audited::CheckAttachment,
                actor.user.email.as_str(),
                &ip,
                Outcome::Failure,
            )
            .by(&actor.user.partner_id, Some(&actor.user.id))
            .target(target)
            .reason(format!("the file {why}"));
            let next = domain::support::Ticket {
                attachment_count: d.ticket.attachment_count.saturating_sub(1),
                ..d.ticket.clone()
            };
            match state
                .table
                .save_ticket(
                    scope.partner_id(),
                    &next,
                    d.ticket.version,
                    Along {
                        drop_files: std::slice::from_ref(&declared),
                        audit: Some(&audit),
                        ..Along::default()
                    },
                )
                .await
            {
                Ok(_) | Err(StoreError::ConditionFailed { index: Some(1) }) => {}
                Err(StoreError::ConditionFailed { .. })
                | Err(StoreError::TransactionConflict { .. }) => return Err(changed()),
                Err(e) => return Err(e.into()),
            }
            Err(Problem::validation(vec![FieldError {
                field: "file".into(),
                message: format!("{why}; it was removed"),
            }]))
        }
    }
}

/// A short-lived link to an attachment.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentLink {
    pub url: String,
    pub expires_at: DateTime<Utc>,
}

/// Downloads an attachment: a presigned link that works for five minutes, given after
/// the access check.
#[utoipa::path(
    get,
    path = "/api/v1/tickets/{ticketId}/attachments/{attachmentId}",
    tag = "support",
    security(("bearer" = [])),
    params(("ticketId" = String, Path), ("attachmentId" = String, Path)),
    responses(
        (status = 200, description = "The link", body = AttachmentLink),
        api::responses::Unauthorized,
        api::responses::Forbidden,
        api::responses::NotFound,
    )
)]
pub async fn download(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, attachment_id)): Path<(String, String)>,
) -> Result<Json<AttachmentLink>, Problem> {
    actor(&state, &principal).await?;
    let scope = principal.scope();
    let d = detail(&state, &scope, &id).await?;
    // Only what was checked is handed out.
    let a = d
        .attachments
        .iter()
        .find(|a| a.id.as_str() == attachment_id && a.status == AttachmentStatus::Ready)
        .ok_or_else(no_such_attachment)?;
    let url = state
        .files()
        .presigned_download(
            &state.config.reports_bucket,
            &support::attachment_key(scope.partner_id(), &d.ticket.id, &a.id),
            LINK_TTL,
            Some(&support::content_disposition(&a.file_name)),
        )
        .await
        .map_err(Problem::internal)?;
    Ok(Json(AttachmentLink {
        url,
        expires_at: Utc::now() + chrono::Duration::seconds(LINK_TTL.as_secs() as i64),
    }))
}
