//! Support tickets and feedback in the table.
//!
//! A ticket and everything of it live in the partner's partition, under the ticket's
//! sort key, so the Support Ticket Detail is one Query:
//! - `PARTNER#p` / `TICKET#t`: the ticket; gsi1 `TICKETS#p` / `<opened at>#t` (the Case
//!   Management listing, newest first, a period being a range of the sort key); while
//!   open, gsi2 `TICKETS#OPEN` / `<opened at>#p#t` (the operator's open tickets across
//!   partners, never a Scan);
//! - `TICKET#t#COMMENT#c`, `TICKET#t#FILE#a`, `TICKET#t#FOLLOWER#u`: its Case Comments,
//!   attachments and followers;
//! - `PARTNER#p` / `TICKETCOUNTER`: the last case number taken (an atomic `ADD`).
//!
//! Every change of the ticket item is a Put at its `version`; its attachment count moves
//! with it, so the five-attachment limit holds under concurrent uploads.
//! Feedback is `FEEDBACK#<YYYY-MM>` / `<time>#<id>`: operators read it a month at a time.

use aws_sdk_dynamodb::types::{AttributeValue, ConditionCheck, Delete, Put, TransactWriteItem};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{
    audit, from_item, keys::partner_pk, put_if_version, put_new, schedule::time_key, to_item, Item,
    Keys, Page, PageQuery, PartnerScope, StoreError, Table,
};
use domain::{
    audit::AuditRecord,
    support::{Attachment, AttachmentStatus, Comment, Feedback, Ticket, TicketId, TicketStatus},
    PartnerId, UserId,
};

pub const OPEN_PK: &str = "TICKETS#OPEN";

fn list_pk(partner: &PartnerId) -> String {
    format!("TICKETS#{partner}")
}

fn ticket_sk(id: &TicketId) -> String {
    format!("TICKET#{id}")
}

fn ticket_keys(partner: &PartnerId, t: &Ticket) -> Keys {
    let opened = time_key(t.opened_at);
    let keys = Keys::new(partner_pk(partner), ticket_sk(&t.id))
        .gsi1(list_pk(partner), format!("{opened}#{}", t.id));
    if t.status == TicketStatus::Closed {
        keys
    } else {
        keys.gsi2(OPEN_PK, format!("{opened}#{partner}#{}", t.id))
    }
}

fn counter_keys(partner: &PartnerId) -> Keys {
    Keys::new(partner_pk(partner), "TICKETCOUNTER")
}

fn comment_keys(partner: &PartnerId, t: &TicketId, c: &Comment) -> Keys {
    Keys::new(
        partner_pk(partner),
        format!("{}#COMMENT#{}", ticket_sk(t), c.id),
    )
}

fn file_keys(partner: &PartnerId, t: &TicketId, a: &Attachment) -> Keys {
    Keys::new(
        partner_pk(partner),
        format!("{}#FILE#{}", ticket_sk(t), a.id),
    )
}

fn follower_keys(partner: &PartnerId, t: &TicketId, u: &UserId) -> Keys {
    Keys::new(
        partner_pk(partner),
        format!("{}#FOLLOWER#{u}", ticket_sk(t)),
    )
}

/// A ticket as stored: the ticket and its partner (the operator's index names both).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredTicket {
    #[serde(flatten)]
    pub ticket: Ticket,
    pub partner_id: PartnerId,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Follower {
    user_id: UserId,
}

/// A ticket with its Case Comments (oldest first), attachments and followers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketDetail {
    pub ticket: Ticket,
    pub comments: Vec<Comment>,
    pub attachments: Vec<Attachment>,
    pub followers: Vec<UserId>,
}

/// What goes with a change of a ticket in its transaction.
#[derive(Debug, Default)]
pub struct Along<'a> {
    pub comment: Option<&'a Comment>,
    /// An upload to keep a place for.
    pub new_file: Option<&'a Attachment>,
    /// Uploads to remove (each only while still uploading).
    pub drop_files: &'a [Attachment],
    pub audit: Option<&'a AuditRecord>,
}

fn condition_check(
    table: &str,
    keys: &Keys,
    expression: &str,
    values: Item,
    names: Option<Item>,
) -> Result<TransactWriteItem, StoreError> {
    let names = names.map(|n| {
        n.into_iter()
            .filter_map(|(k, v)| v.as_s().ok().map(|v| (k, v.clone())))
            .collect()
    });
    let check = ConditionCheck::builder()
        .table_name(table)
        .set_key(Some(keys.key()))
        .condition_expression(expression)
        .set_expression_attribute_values(Some(values))
        .set_expression_attribute_names(names)
        .build()
        .map_err(StoreError::sdk)?;
    Ok(TransactWriteItem::builder().condition_check(check).build())
}

fn status_names() -> Item {
    Item::from([("#st".to_string(), AttributeValue::S("status".into()))])
}

fn uploading() -> Item {
    Item::from([(
        ":uploading".to_string(),
        AttributeValue::S("uploading".into()),
    )])
}

impl Table {
    fn ticket_item(&self, partner: &PartnerId, t: &Ticket) -> Result<Item, StoreError> {
        to_item(
            ticket_keys(partner, t),
            "Ticket",
            &StoredTicket {
                ticket: t.clone(),
                partner_id: partner.clone(),
            },
        )
    }

    /// Opens a ticket: takes the next case number (an atomic `ADD` on the partner's
    /// counter, so concurrent creates never share one), then writes the ticket, its
    /// opener as its first follower and the audit record in one transaction. A create
    /// that fails after taking its number leaves that number unused.
    pub async fn create_ticket(
        &self,
        scope: &PartnerScope,
        ticket: &Ticket,
        audit: &AuditRecord,
    ) -> Result<Ticket, StoreError> {
        let partner = scope.partner_id();
        let out = self
            .client
            .update_item()
            .table_name(&self.name)
            .set_key(Some(counter_keys(partner).key()))
            .update_expression("ADD #last :one SET kind = :kind")
            .expression_attribute_names("#last", "last")
            .expression_attribute_values(":one", AttributeValue::N("1".into()))
            .expression_attribute_values(":kind", AttributeValue::S("TicketCounter".into()))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(StoreError::sdk)?;
        let number = out
            .attributes
            .and_then(|a| a.get("last").and_then(|n| n.as_n().ok()?.parse().ok()))
            .ok_or_else(|| StoreError::Sdk("the case counter returned no number".into()))?;
        let next = Ticket {
            case_number: number,
            ..ticket.clone()
        };
        self.transact(vec![
            put_new(&self.name, self.ticket_item(partner, &next)?)?,
            put_new(
                &self.name,
                to_item(
                    follower_keys(partner, &next.id, &next.opened_by),
                    "TicketFollower",
                    &Follower {
                        user_id: next.opened_by.clone(),
                    },
                )?,
            )?,
            put_new(&self.name, audit::item(audit)?)?,
        ])
        .await?;
        Ok(next)
    }

    /// A ticket with everything of it (one Query, all pages, consistent).
    pub async fn ticket_detail(
        &self,
        scope: &PartnerScope,
        id: &TicketId,
    ) -> Result<Option<TicketDetail>, StoreError> {
        let items = self.partition_items(&scope.pk(), &ticket_sk(id)).await?;
        let mut ticket = None;
        let (mut comments, mut attachments, mut followers) = (Vec::new(), Vec::new(), Vec::new());
        for item in items {
            let kind = item
                .get("kind")
                .and_then(|k| k.as_s().ok())
                .cloned()
                .unwrap_or_default();
            match kind.as_str() {
                "Ticket" => ticket = Some(from_item::<StoredTicket>(item)?.ticket),
                "TicketComment" => comments.push(from_item(item)?),
                "TicketAttachment" => attachments.push(from_item(item)?),
                "TicketFollower" => followers.push(from_item::<Follower>(item)?.user_id),
                _ => {}
            }
        }
        Ok(ticket.map(|ticket| TicketDetail {
            ticket,
            comments,
            attachments,
            followers,
        }))
    }

    /// One page of the Case Management listing, newest first; `since` keeps the cases
    /// opened at or after it.
    pub async fn tickets_page(
        &self,
        scope: &PartnerScope,
        since: Option<DateTime<Utc>>,
        limit: i32,
        start: Option<Item>,
    ) -> Result<Page<Ticket>, StoreError> {
        let pk = list_pk(scope.partner_id());
        let page = self
            .query_page::<StoredTicket>(PageQuery {
                index: Some("gsi1"),
                pk: &pk,
                prefix: "",
                limit,
                newest_first: true,
                start,
                filter: None,
                // Every opening time sorts between these (times start with a digit).
                range: Some((since.map_or("0".to_string(), time_key), "~".to_string())),
            })
            .await?;
        Ok(Page {
            items: page.items.into_iter().map(|s| s.ticket).collect(),
            next: page.next,
        })
    }

    /// The index partition and index the listing reads (for its cursors).
    pub fn tickets_partition(scope: &PartnerScope) -> (Option<&'static str>, String) {
        (Some("gsi1"), list_pk(scope.partner_id()))
    }

    /// Saves a change of the ticket (at `expected`; the saved one carries the next
    /// version) with what goes along. `ConditionFailed { index: Some(0) }` when the
    /// ticket changed meanwhile; `Some(i > 0)` when an upload to drop was no longer
    /// uploading.
    pub async fn save_ticket(
        &self,
        partner: &PartnerId,
        next: &Ticket,
        expected: u64,
        along: Along<'_>,
    ) -> Result<Ticket, StoreError> {
        let saved = Ticket {
            version: expected + 1,
            ..next.clone()
        };
        let mut items = vec![put_if_version(
            &self.name,
            self.ticket_item(partner, &saved)?,
            expected,
        )?];
        for f in along.drop_files {
            let delete = Delete::builder()
                .table_name(&self.name)
                .set_key(Some(file_keys(partner, &saved.id, f).key()))
                .condition_expression("#st = :uploading")
                .set_expression_attribute_values(Some(uploading()))
                .expression_attribute_names("#st", "status")
                .build()
                .map_err(StoreError::sdk)?;
            items.push(TransactWriteItem::builder().delete(delete).build());
        }
        if let Some(f) = along.new_file {
            items.push(put_new(
                &self.name,
                to_item(file_keys(partner, &saved.id, f), "TicketAttachment", f)?,
            )?);
        }
        if let Some(c) = along.comment {
            items.push(put_new(
                &self.name,
                to_item(comment_keys(partner, &saved.id, c), "TicketComment", c)?,
            )?);
        }
        if let Some(a) = along.audit {
            items.push(put_new(&self.name, audit::item(a)?)?);
        }
        self.transact(items).await?;
        Ok(saved)
    }

    /// Adds a Case Comment to a ticket that is still open (`ConditionFailed { index:
    /// Some(0) }` when it is closed or gone).
    pub async fn add_comment(
        &self,
        partner: &PartnerId,
        ticket: &TicketId,
        comment: &Comment,
        audit: &AuditRecord,
    ) -> Result<(), StoreError> {
        let keys = Keys::new(partner_pk(partner), ticket_sk(ticket));
        self.transact(vec![
            condition_check(
                &self.name,
                &keys,
                "attribute_exists(pk) AND #st <> :closed",
                Item::from([(":closed".to_string(), AttributeValue::S("closed".into()))]),
                Some(status_names()),
            )?,
            put_new(
                &self.name,
                to_item(
                    comment_keys(partner, ticket, comment),
                    "TicketComment",
                    comment,
                )?,
            )?,
            put_new(&self.name, audit::item(audit)?)?,
        ])
        .await
    }

    /// Keeps a checked upload: the attachment turns ready (only while still uploading).
    pub async fn finish_attachment(
        &self,
        partner: &PartnerId,
        ticket: &TicketId,
        ready: &Attachment,
        audit: &AuditRecord,
    ) -> Result<(), StoreError> {
        debug_assert_eq!(ready.status, AttachmentStatus::Ready);
        let put = Put::builder()
            .table_name(&self.name)
            .set_item(Some(to_item(
                file_keys(partner, ticket, ready),
                "TicketAttachment",
                ready,
            )?))
            .condition_expression("#st = :uploading")
            .expression_attribute_names("#st", "status")
            .set_expression_attribute_values(Some(uploading()))
            .build()
            .map_err(StoreError::sdk)?;
        self.transact(vec![
            TransactWriteItem::builder().put(put).build(),
            put_new(&self.name, audit::item(audit)?)?,
        ])
        .await
    }

    /// Follows (`true`) or stops following a ticket, with the audit record.
    pub async fn set_following(
        &self,
        partner: &PartnerId,
        ticket: &TicketId,
        user: &UserId,
        follow: bool,
        audit: &AuditRecord,
    ) -> Result<(), StoreError> {
        let keys = follower_keys(partner, ticket, user);
        let change = if follow {
            let put = Put::builder()
                .table_name(&self.name)
                .set_item(Some(to_item(
                    keys,
                    "TicketFollower",
                    &Follower {
                        user_id: user.clone(),
                    },
                )?))
                .build()
                .map_err(StoreError::sdk)?;
            TransactWriteItem::builder().put(put).build()
        } else {
            super::delete_item(&self.name, &keys)?
        };
        self.transact(vec![
            condition_check(
                &self.name,
                &Keys::new(partner_pk(partner), ticket_sk(ticket)),
                "attribute_exists(pk)",
                Item::new(),
                None,
            )?,
            change,
            put_new(&self.name, audit::item(audit)?)?,
        ])
        .await
    }

    /// The open tickets of every partner, oldest first (the operator's queue: one Query
    /// of the open index, all pages).
    pub async fn open_tickets(&self) -> Result<Vec<StoredTicket>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.name)
            .index_name("gsi2")
            .key_condition_expression("gsi2pk = :pk")
            .expression_attribute_values(":pk", AttributeValue::S(OPEN_PK.into()));
        self.every_item(query)
            .await?
            .into_iter()
            .map(from_item)
            .collect()
    }

    /// Stores feedback with its audit record.
    pub async fn add_feedback(
        &self,
        feedback: &Feedback,
        audit: &AuditRecord,
    ) -> Result<(), StoreError> {
        self.transact(vec![
            put_new(
                &self.name,
                to_item(feedback_keys(feedback), "Feedback", feedback)?,
            )?,
            put_new(&self.name, audit::item(audit)?)?,
        ])
        .await
    }

    /// The feedback of one month (`YYYY-MM`), newest first.
    pub async fn feedback_of_month(&self, month: &str) -> Result<Vec<Feedback>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.name)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", AttributeValue::S(format!("FEEDBACK#{month}")))
            .scan_index_forward(false);
        self.every_item(query)
            .await?
            .into_iter()
            .map(from_item)
            .collect()
    }
}

fn feedback_keys(f: &Feedback) -> Keys {
    Keys::new(
        format!("FEEDBACK#{}", f.at.format("%Y-%m")),
        format!("{}#{}", time_key(f.at), f.id),
    )
}
