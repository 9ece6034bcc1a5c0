//! Operator commands: what the vendor running the service does outside the console.

use chrono::Utc;
use domain::{
    audit::{Action, AuditRecord, Outcome},
    customer::clear_compliance,
    serial::{Serial, SerialKind},
    CustomerId,
};
use store::{
    customers::Change,
    serials::{IssuedSerial, ProductGrant},
};

/// Issues `count` new serials of `kind` into the table the environment names. Product
/// serials carry the subscription they pay for.
pub async fn issue_serials(
    kind: SerialKind,
    count: usize,
    grant: Option<ProductGrant>,
) -> anyhow::Result<Vec<Serial>> {
    anyhow::ensure!(
        (kind == SerialKind::Product) == grant.is_some(),
        "product serials need --product and --seats; ExSP serials take neither"
    );
    let state = adapters::services::Services::from_env().await?;
    let mut issued = Vec::with_capacity(count);
    for _ in 0..count {
        let serial = IssuedSerial {
            serial: Serial::generate(kind),
            issued_at: Utc::now(),
            grant: grant.clone(),
            activation: None,
        };
        state.table.issue_serial(&serial).await?;
        issued.push(serial.serial);
    }
    Ok(issued)
}

/// Clears a customer's trade-compliance review: its held paid subscriptions start.
pub async fn clear_customer(id: &CustomerId) -> anyhow::Result<String> {
    let state = adapters::services::Services::from_env().await?;
    let found = state
        .table
        .customer_account(id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no customer {id}"))?;
    let now = Utc::now();
    let Some((cleared, changed)) = clear_compliance(&found.customer, &found.entitlements, now)
    else {
        return Ok(format!("{id} is not pending review"));
    };
    let audit = AuditRecord::new(
        Action::ClearCompliance,
        "operator",
        "operator",
        Outcome::Success,
    )
    .by(&cleared.partner_id, None)
    .target(id.to_string());
    state
        .table
        .save_customer(
            &cleared,
            &found.customer,
            Change {
                entitlements: &changed,
                serial: None,
            },
            &audit,
        )
        .await?;
    Ok(format!(
        "{id} cleared; {} held subscription(s) started",
        changed.len()
    ))
}

/// Publishes the Threats Summary: the ThreatCon level, why, and the latest threats, each
/// given as `name|type|severity|protected|url` (severity low, medium or high; protected
/// yes or no).
pub async fn publish_threats(
    level: u8,
    title: &str,
    description: &str,
    threats: &[String],
) -> anyhow::Result<()> {
    use domain::home::{Threat, ThreatSeverity, Threats};
    let mut latest = Vec::new();
    for t in threats {
        let parts: Vec<&str> = t.split('|').map(str::trim).collect();
        let [name, kind, severity, protected, url] = parts[..] else {
            anyhow::bail!("--threat {t:?}: name|type|severity|protected|url");
        };
        latest.push(Threat {
            name: name.into(),
            kind: kind.into(),
            severity: match severity {
                "low" => ThreatSeverity::Low,
                "medium" => ThreatSeverity::Medium,
                "high" => ThreatSeverity::High,
                other => anyhow::bail!("--threat severity {other:?}: low, medium or high"),
            },
            protected: matches!(protected, "yes" | "true"),
            url: url.into(),
        });
    }
    let threats = Threats {
        level,
        title: title.into(),
        description: description.into(),
        latest,
        updated_at: Utc::now(),
    }
    .parse()
    .map_err(|errors| {
        let list: Vec<String> = errors
            .iter()
            .map(|e| format!("{} {}", e.field, e.message))
            .collect();
        anyhow::anyhow!("{}", list.join("; "))
    })?;
    let state = adapters::services::Services::from_env().await?;
    state.table.publish_threats(&threats).await?;
    Ok(())
}

/// Publishes a news item for every partner's News Alerts; answers its id.
pub async fn publish_news(
    title: &str,
    summary: &str,
    body: &str,
    url: Option<&str>,
) -> anyhow::Result<String> {
    let item =
        domain::home::NewsItem::new(title, summary, body, url, Utc::now()).map_err(|errors| {
            let list: Vec<String> = errors
                .iter()
                .map(|e| format!("{} {}", e.field, e.message))
                .collect();
            anyhow::anyhow!("{}", list.join("; "))
        })?;
    let state = adapters::services::Services::from_env().await?;
    state.table.publish_news(&item).await?;
    Ok(item.id)
}

/// Gives every partner that never had them its automatic reports (the weekly MSP
/// Executive Summary and the monthly Service Utilization and Billing report): queues them
/// for the scheduler tick, which makes them. Partners that had them (or deleted them) are
/// left alone, so running it again changes nothing. Returns how many were queued.
pub async fn migrate_automatic_reports() -> anyhow::Result<usize> {
    let state = adapters::services::Services::from_env().await?;
    let now = Utc::now();
    let mut queued = 0;
    for (partner, admin) in state.table.every_partner_admin().await? {
        if state
            .table
            .queue_automatic_reports(&partner, &admin, now)
            .await?
        {
            queued += 1;
        }
    }
    Ok(queued)
}

/// Support's side of Case Management: the open tickets of every partner, one ticket,
/// comments (emailed to the ticket's followers), severity and status, and the feedback
/// users sent. Each takes the services, so tests run them against their own stack.
pub mod support {
    use chrono::Utc;
    use domain::{
        audit::{Action, AuditRecord, Outcome},
        support::{
            self, Comment, CommentAuthor, CommentId, Feedback, Severity, TicketId, TicketStatus,
            MAX_COMMENT,
        },
        user::UserStatus,
        PartnerId,
    };
    use store::{
        tickets::{Along, StoredTicket, TicketDetail},
        PartnerScope,
    };

    use adapters::services::Services;

    fn support_record(action: Action, partner: &PartnerId, ticket: &TicketId) -> AuditRecord {
        AuditRecord::new(action, "support", "operator", Outcome::Success)
            .by(partner, None)
            .target(ticket.to_string())
    }

    async fn detail(
        state: &Services,
        partner: &PartnerId,
        ticket: &TicketId,
    ) -> anyhow::Result<TicketDetail> {
        state
            .table
            .ticket_detail(&PartnerScope::new(partner.clone()), ticket)
            .await?
            .ok_or_else(|| anyhow::anyhow!("partner {partner} has no ticket {ticket}"))
    }

    /// Every open ticket, oldest first.
    pub async fn open_tickets(state: &Services) -> anyhow::Result<Vec<StoredTicket>> {
        Ok(state.table.open_tickets().await?)
    }

    /// One line of the open tickets list.
    pub fn line(t: &StoredTicket) -> String {
        let x = &t.ticket;
        format!(
            "{}\t{}\t#{}\t{}\t{}\t{}\t{}",
            t.partner_id,
            x.id,
            x.case_number,
            x.severity.map_or("-", |s| s.label()),
            x.status.label(),
            x.opened_at.format("%Y-%m-%d %H:%M"),
            x.subject
        )
    }

    /// A ticket in words: its fields, attachments and comments.
    pub async fn show(
        state: &Services,
        partner: &PartnerId,
        ticket: &TicketId,
    ) -> anyhow::Result<String> {
        let d = detail(state, partner, ticket).await?;
        let t = &d.ticket;
        let mut out = format!(
            "Case {} ({}) of {partner}\nSubject: {}\nProduct: {}\nSeverity: {}\nStatus: {}\n\
             Opened: {} by {}\n\n{}\n",
            t.case_number,
            t.id,
            t.subject,
            t.product,
            t.severity.map_or("not set", |s| s.label()),
            t.status.label(),
            t.opened_at.to_rfc3339(),
            t.opened_by_name,
            t.description
        );
        for a in &d.attachments {
            out.push_str(&format!(
                "\nAttachment {}: {} ({}, {} bytes, {:?})",
                a.id,
                a.file_name,
                a.content_type.mime(),
                a.size,
                a.status
            ));
        }
        for c in &d.comments {
            out.push_str(&format!(
                "\n\n[{}] {} ({:?}{}):\n{}",
                c.at.format("%Y-%m-%d %H:%M"),
                c.author_name,
                c.author,
                if c.resolution { ", resolution" } else { "" },
                c.text
            ));
        }
        out.push('\n');
        Ok(out)
    }

    /// A comment from support, then an email to each active user following the ticket.
    /// The CLI sends the mail itself with the mail adapter: it holds the operator's
    /// credentials for SES already, so no event or worker is needed. Answers how many
    /// were emailed.
    pub async fn comment(
        state: &Services,
        partner: &PartnerId,
        ticket: &TicketId,
        author: &str,
        text: &str,
    ) -> anyhow::Result<usize> {
        let d = detail(state, partner, ticket).await?;
        d.ticket
            .check_open()
            .map_err(|_| anyhow::anyhow!("ticket {ticket} is closed"))?;
        let text = support::multiline_text(text, MAX_COMMENT)
            .map_err(|m| anyhow::anyhow!("the comment {m}"))?;
        let author = domain::validation::required_text(author, 100)
            .map_err(|m| anyhow::anyhow!("--author {m}"))?;
        let comment = Comment {
            id: CommentId::generate(),
            author: CommentAuthor::Support,
            author_name: author,
            text,
            resolution: false,
            at: Utc::now(),
        };
        let audit = support_record(Action::CommentTicket, partner, ticket);
        state
            .table
            .add_comment(partner, ticket, &comment, &audit)
            .await?;
        let users = state
            .table
            .users(&PartnerScope::new(partner.clone()))
            .await?;
        let link = adapters::emails::ticket_link(&state.config.console_url, ticket);
        // Only followers whose role still opens Case Management read what support wrote.
        let scope = PartnerScope::new(partner.clone());
        let roles = if users.iter().any(|u| u.role.custom().is_some()) {
            state.table.roles(&scope).await?
        } else {
            Vec::new()
        };
        let may_read = |u: &domain::User| {
            domain::authorization::Grant::among(&u.role, &roles).is_some_and(|g| {
                domain::authorization::authorize(
                    &g,
                    domain::authorization::Action::SupportTickets,
                    domain::authorization::Resource::Partner,
                )
                .is_ok()
            })
        };
        let mut sent = 0;
        for u in users.iter().filter(|u| {
            d.followers.contains(&u.id)
                && u.status == UserStatus::Active
                && !u.api_client
                && may_read(u)
        }) {
            let message = adapters::emails::support_comment(u, &d.ticket, &comment, &link);
            match state.send_mail(&message).await {
                Ok(s) if s.message_id.is_some() => sent += 1,
                Ok(_) => {}
                Err(e) => tracing::error!(user = %u.id, error = %e, "support comment not emailed"),
            }
        }
        Ok(sent)
    }

    /// Sets the severity and/or the (open) status of an open ticket.
    pub async fn triage(
        state: &Services,
        partner: &PartnerId,
        ticket: &TicketId,
        severity: Option<Severity>,
        status: Option<TicketStatus>,
    ) -> anyhow::Result<String> {
        anyhow::ensure!(
            severity.is_some() || status.is_some(),
            "give --severity, --status or both"
        );
        let d = detail(state, partner, ticket).await?;
        d.ticket
            .check_open()
            .map_err(|_| anyhow::anyhow!("ticket {ticket} is closed"))?;
        let next = support::Ticket {
            severity: severity.or(d.ticket.severity),
            status: status.unwrap_or(d.ticket.status),
            updated_at: Utc::now(),
            ..d.ticket.clone()
        };
        let audit = support_record(Action::TriageTicket, partner, ticket);
        let saved = state
            .table
            .save_ticket(
                partner,
                &next,
                d.ticket.version,
                Along {
                    audit: Some(&audit),
                    ..Along::default()
                },
            )
            .await?;
        Ok(format!(
            "case {}: severity {}, status {}",
            saved.case_number,
            saved.severity.map_or("not set", |s| s.label()),
            saved.status.label()
        ))
    }

    /// The feedback of a month (`YYYY-MM`), newest first.
    pub async fn feedback(state: &Services, month: &str) -> anyhow::Result<Vec<Feedback>> {
        anyhow::ensure!(
            chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").is_ok(),
            "--month {month:?}: YYYY-MM"
        );
        Ok(state.table.feedback_of_month(month).await?)
    }
}
