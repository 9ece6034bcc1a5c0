//! Emails a Ready report to its recipients, once: the worker claims the email with a
//! conditional write before sending and records it after, so a repeated event (or a
//! schedule fired twice) sends nothing more; a failed send gives the claim back and the
//! event is retried. The partner's users get one message, with a link into the console
//! (and the files, with "attach"); every other address gets its own message with the
//! files, so no recipient sees another's address. A file too large to attach goes as a
//! download link that works for seven days; the report stays in the console after that.

use std::time::Duration;

use adapters::{
    report_emails::{ReportEmail, ReportFileBody},
    services::AppState,
};
use chrono::Utc;
use domain::{
    mail::{split_suppressed, MailKind, MailTags},
    partner::Partner,
    report::ReportStatus,
    user::UserStatus,
    PartnerId, ReportId,
};
use store::PartnerScope;

use crate::WorkerError;

/// How long a download link in an email works (S3's longest presigned link).
const LINK_DAYS: i64 = 7;

fn delivery_error(e: impl std::fmt::Display) -> WorkerError {
    WorkerError::Delivery(e.to_string())
}

/// Sends the report's email if it has recipients, is Ready and was not sent yet.
pub async fn deliver(
    state: &AppState,
    partner_id: &PartnerId,
    id: &ReportId,
) -> Result<(), WorkerError> {
    let table = &state.table;
    let Some(r) = table.report_to_deliver(partner_id, id).await? else {
        return Ok(());
    };
    let Some(delivery) = r.delivery.filter(|d| !d.is_empty()) else {
        return Ok(());
    };
    if r.delivered || r.report.status != ReportStatus::Ready {
        return Ok(());
    }
    if !table.claim_report_email(partner_id, id, Utc::now()).await? {
        return Ok(());
    }
    match send(state, partner_id, &r.report, &delivery).await {
        Ok((sent, not_emailed)) => {
            tracing::info!(report = %id, messages = sent, not_emailed = not_emailed.len(), "report emailed");
            table
                .finish_report_email(partner_id, id, Ok((Utc::now(), not_emailed)))
                .await?;
            Ok(())
        }
        Err(e) => {
            tracing::error!(report = %id, error = %e, "report email not sent");
            table.finish_report_email(partner_id, id, Err(())).await?;
            Err(e)
        }
    }
}

/// Builds and sends the messages: how many went, and the recipients left out because the
/// partner no longer mails them (read once for every message of the report).
async fn send(
    state: &AppState,
    partner_id: &PartnerId,
    report: &domain::report::Report,
    delivery: &domain::report::schedule::Delivery,
) -> Result<(usize, Vec<String>), WorkerError> {
    let k = store::keys::partner_pk(partner_id);
    let partner: Partner = state
        .table
        .get(&k, "PARTNER")
        .await?
        .ok_or_else(|| delivery_error("the partner account no longer exists"))?;
    let branding = state.table.branding(partner_id).await?;
    let logo = match &branding.logo {
        Some(l) => state
            .files()
            .get(&state.config.logos_bucket, &l.key)
            .await
            .ok()
            .flatten()
            .map(|bytes| (l.content_type.clone(), bytes)),
        None => None,
    };
    let mut files = Vec::new();
    if delivery.attach {
        for f in &report.files {
            let key = domain::report::Report::file_key(partner_id, &report.id, f.format);
            let bytes = state
                .files()
                .get(&state.config.reports_bucket, &key)
                .await
                .map_err(delivery_error)?
                .ok_or_else(|| delivery_error(format!("{key} is missing")))?;
            let name = format!("{}.{}", report.name, f.format.extension());
            let link = if bytes.len() > adapters::report_emails::MAX_ATTACHED_BYTES {
                Some(
                    state
                        .files()
                        .presigned_download(
                            &state.config.reports_bucket,
                            &key,
                            Duration::from_secs(LINK_DAYS as u64 * 24 * 3600),
                            Some(&format!(
                                "attachment; filename=\"{}\"",
                                f.format.extension()
                            )),
                        )
                        .await
                        .map_err(delivery_error)?,
                )
            } else {
                None
            };
            files.push(ReportFileBody {
                name,
                content_type: f.format.content_type().to_string(),
                bytes,
                link,
            });
        }
    }
    let period = report
        .options
        .period
        .label_in(partner.language, report.requested_at);
    let console_link = format!(
        "{}/reports?report={}",
        state.config.console_url.trim_end_matches('/'),
        report.id
    );
    let email = |users: bool| ReportEmail {
        partner: &partner,
        report,
        period: period.clone(),
        console_link: console_link.clone(),
        logo: logo.clone(),
        files: files.clone(),
        users,
        link_days: LINK_DAYS,
    };
    let mailer = state.mailer();
    let tags = MailTags::new(partner_id, MailKind::Report);
    let suppressed = state.table.mail_suppressions(partner_id).await?;
    let mut not_emailed = Vec::new();
    let mut sent = 0;
    if !delivery.users.is_empty() {
        let scope = PartnerScope::new(partner_id.clone());
        let to: Vec<String> = state
            .table
            .users(&scope)
            .await?
            .into_iter()
            .filter(|u| delivery.users.contains(&u.id) && u.status != UserStatus::Disabled)
            .map(|u| u.email.to_string())
            .collect();
        let (to, skipped) = split_suppressed(&to, &suppressed);
        not_emailed.extend(skipped);
        if !to.is_empty() {
            let mime = email(true)
                .mime(mailer.from(), &to)
                .map_err(delivery_error)?;
            mailer
                .send_raw(&to, mime, &tags)
                .await
                .map_err(delivery_error)?;
            sent += 1;
        }
    }
    let addresses: Vec<String> = delivery.emails.iter().map(|a| a.to_string()).collect();
    let (addresses, skipped) = split_suppressed(&addresses, &suppressed);
    not_emailed.extend(skipped);
    for address in addresses {
        let to = vec![address];
        let mime = email(false)
            .mime(mailer.from(), &to)
            .map_err(delivery_error)?;
        mailer
            .send_raw(&to, mime, &tags)
            .await
            .map_err(delivery_error)?;
        sent += 1;
    }
    Ok((sent, not_emailed))
}
