//! Consent requests and the single-use links that answer them (and welcome links).
//!
//! A request lives in its customer's partition (`REQUEST#<id>`), so the customer's
//! profile and portal read it with the account; the asking partner finds its requests
//! in the index partition `REQUESTS#<partnerId>` (gsi1, by id, which sorts by time).
//! A link is `TOKEN#<sha-256 of the secret>`; it expires by TTL a while after its own
//! expiry, so an expired link still answers "expired" for a month. A pending request
//! names its live links (the latest email's and each reminder's since); every write of a
//! request is conditional on the revision read, so none undoes another. A closed request
//! (answered, withdrawn, expired, cancelled) expires by TTL after `CLOSED_REQUESTS_KEPT_DAYS`.
//!
//! A partner's latest request of a kind about one subject (the email an import asked
//! about, the customer a management change is for) is named by the item
//! `ASKED#<partnerId>` / `<kind>#<subject>`: asking again while it is pending answers
//! with that request, and two asks racing create one (the item is written on the
//! condition that it still names what the asker read). No request writes the customer's
//! own item, so requests never stand in the way of the owner's edits or removal.

use aws_sdk_dynamodb::types::{
    AttributeValue, ConditionCheck, Delete, Put, TransactWriteItem, Update,
};
use chrono::Duration;
use serde::{Deserialize, Serialize};

use super::roles::RoleChange;
use super::{
    customers::{put_account_if, SaveError},
    put_new, s, to_item, Filter, Item, Keys, Page, PageQuery, PartnerScope, StoreError, Table,
};
use domain::{
    audit::AuditRecord,
    consent::{ConsentRequest, RequestEvent, RequestKind, RequestStatus},
    customer::Customer,
    token::LinkToken,
    RequestId,
};

/// How long an expired link's record is kept, to answer "expired" rather than "unknown".
const EXPIRED_LINKS_KEPT_DAYS: i64 = 30;

/// How long a closed request stays in the partner's Request Status table.
pub const CLOSED_REQUESTS_KEPT_DAYS: i64 = 90;

pub(super) fn token_keys(hash: &str) -> Keys {
    Keys::new(format!("TOKEN#{hash}"), "TOKEN")
}

pub fn token_item(t: &LinkToken) -> Result<Item, StoreError> {
    let ttl = (t.expires_at + Duration::days(EXPIRED_LINKS_KEPT_DAYS)).timestamp();
    to_item(token_keys(&t.hash).ttl(ttl), "LinkToken", t)
}

fn requests_pk(partner: &domain::PartnerId) -> String {
    format!("REQUESTS#{partner}")
}

pub(super) fn request_keys(r: &ConsentRequest) -> Keys {
    let k = Keys::new(
        super::customers::customer_pk(&r.customer_id),
        format!("REQUEST#{}", r.id),
    )
    .gsi1(requests_pk(&r.partner_id), format!("REQUEST#{}", r.id));
    if r.status == RequestStatus::Pending {
        // In the due index until answered, so the scheduler tick can look at it for a
        // reminder (at its next slot, whether reminders are on or not) and expire it (at
        // its expiry), whichever comes first. Stored before slots were: its reminder.
        let due = r
            .next_slot_at
            .or(r.next_reminder_at)
            .map_or(r.expires_at, |n| n.min(r.expires_at));
        k.gsi2(
            super::schedule::DUE_PK,
            format!("{}#REQ#{}", super::schedule::time_key(due), r.id),
        )
    } else {
        k.ttl((r.updated_at + Duration::days(CLOSED_REQUESTS_KEPT_DAYS)).timestamp())
    }
}

/// A request as stored: with the hashes of its live links and a revision that every
/// write moves on.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(from = "StoredRecord", into = "StoredRecord")]
pub struct RequestRecord {
    pub request: ConsentRequest,
    /// The hashes of the links that answer the request now: the latest email's and each
    /// reminder's since (a reminder adds one, a re-send revokes them all and adds its own;
    /// at most 1 + `MAX_REMINDERS`). Empty for a placeholder and a closed request.
    pub links: Vec<String>,
    /// Moves on with every write of the request, which is conditional on it being the
    /// one read: of two writers that read the same record, one writes.
    pub revision: u64,
    /// The partner the customer belonged to when the request was made: the request holds
    /// only while it still does (a customer that moves ends every other request).
    pub owner: Option<domain::PartnerId>,
    /// An import request for an email that is no customer the partner may import (none
    /// at all, or already the partner's): kept and shown like any other, so the answer
    /// tells the partner nothing, but no email is sent and nobody can answer it.
    pub placeholder: bool,
}

/// The stored shape of [`RequestRecord`]. Requests stored before they kept several links
/// have one `tokenHash` and no `links`; `tokenHash` is still written (the newest link)
/// for a reader of that time.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredRecord {
    #[serde(flatten)]
    request: ConsentRequest,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    token_hash: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    links: Vec<String>,
    #[serde(default)]
    revision: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    owner: Option<domain::PartnerId>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    placeholder: bool,
}

impl From<StoredRecord> for RequestRecord {
    fn from(s: StoredRecord) -> Self {
        let mut links = s.links;
        // Before several links: the one link (a placeholder's was never stored).
        if links.is_empty() && !s.placeholder && s.request.status == RequestStatus::Pending {
            links.extend(s.token_hash);
        }
        RequestRecord {
            request: s.request,
            links,
            revision: s.revision,
            owner: s.owner,
            placeholder: s.placeholder,
        }
    }
}

impl From<RequestRecord> for StoredRecord {
    fn from(r: RequestRecord) -> Self {
        StoredRecord {
            token_hash: r.links.last().cloned(),
            request: r.request,
            links: r.links,
            revision: r.revision,
            owner: r.owner,
            placeholder: r.placeholder,
        }
    }
}

impl RequestRecord {
    /// A new request with its first link (none stored for a placeholder).
    pub fn new(
        request: ConsentRequest,
        link: &LinkToken,
        owner: Option<domain::PartnerId>,
    ) -> RequestRecord {
        let placeholder = owner.is_none();
        RequestRecord {
            request,
            links: if placeholder {
                Vec::new()
            } else {
                vec![link.hash.clone()]
            },
            revision: 0,
            owner,
            placeholder,
        }
    }

    /// The same record with the request moved on.
    pub fn with(&self, request: ConsentRequest) -> RequestRecord {
        RequestRecord {
            request,
            ..self.clone()
        }
    }

    /// Whether the request still holds for `customer`: the customer belongs to the
    /// partner it belonged to when asked.
    pub fn holds_for(&self, customer: &Customer) -> bool {
        let asking = &self.request.partner_id;
        match (&self.owner, self.request.kind) {
            (Some(owner), _) => &customer.partner_id == owner,
            // Stored before owners were: the rule each kind implies.
            (None, RequestKind::ManagementChange) => &customer.partner_id == asking,
            (None, RequestKind::Import) => &customer.partner_id != asking,
        }
    }
}

fn asked_keys(partner: &domain::PartnerId, kind: RequestKind, subject: &str) -> Keys {
    let kind = match kind {
        RequestKind::Import => "import",
        RequestKind::ManagementChange => "managementChange",
    };
    Keys::new(format!("ASKED#{partner}"), format!("{kind}#{subject}"))
}

/// Which request a partner last made of a kind about one subject.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Asked {
    pub request_id: RequestId,
    /// The partition the request is in.
    pub customer_id: domain::CustomerId,
}

/// The subject of a request, for `Asked`: the email an import asked about (as typed, in
/// lower case), the customer a management change is for.
pub fn subject(request: &ConsentRequest) -> String {
    match request.kind {
        RequestKind::Import => request.email.to_lowercase(),
        RequestKind::ManagementChange => request.customer_id.to_string(),
    }
}

pub fn request_item(r: &RequestRecord) -> Result<Item, StoreError> {
    to_item(request_keys(&r.request), "ConsentRequest", r)
}

/// Replaces the request `next` if the stored one is still pending at `next.revision`
/// (the revision read), writing it at the revision after.
fn put_request_if_unchanged(
    table: &str,
    next: &RequestRecord,
) -> Result<TransactWriteItem, StoreError> {
    let written = RequestRecord {
        revision: next.revision + 1,
        ..next.clone()
    };
    let condition = if next.revision == 0 {
        // Stored before revisions were, or never rewritten since.
        "#status = :pending AND (attribute_not_exists(revision) OR revision = :revision)"
    } else {
        "#status = :pending AND revision = :revision"
    };
    let put = Put::builder()
        .table_name(table)
        .set_item(Some(request_item(&written)?))
        .condition_expression(condition)
        .expression_attribute_names("#status", "status")
        .expression_attribute_values(":pending", s("pending"))
        .expression_attribute_values(":revision", AttributeValue::N(next.revision.to_string()))
        .build()
        .map_err(StoreError::sdk)?;
    Ok(TransactWriteItem::builder().put(put).build())
}

fn delete_token(table: &str, hash: &str) -> Result<TransactWriteItem, StoreError> {
    let d = Delete::builder()
        .table_name(table)
        .set_key(Some(token_keys(hash).key()))
        .build()
        .map_err(StoreError::sdk)?;
    Ok(TransactWriteItem::builder().delete(d).build())
}

fn micros(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

fn welcome_keys(customer: &domain::CustomerId) -> Keys {
    Keys::new(super::customers::customer_pk(customer), "WELCOME")
}

/// The customer admin's current welcome link, by its hash.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct WelcomeLink {
    hash: String,
}

/// Names `link` as the customer's current welcome link, if the current one is still
/// `before` (none: the first).
pub(super) fn put_welcome(
    table: &str,
    link: &LinkToken,
    before: Option<&WelcomeLink>,
) -> Result<TransactWriteItem, StoreError> {
    let ttl = (link.expires_at + Duration::days(EXPIRED_LINKS_KEPT_DAYS)).timestamp();
    let item = to_item(
        welcome_keys(&link.customer_id).ttl(ttl),
        "WelcomeLink",
        &WelcomeLink {
            hash: link.hash.clone(),
        },
    )?;
    let put = Put::builder().table_name(table).set_item(Some(item));
    let put = match before {
        None => put.condition_expression("attribute_not_exists(pk)"),
        Some(b) => put
            .condition_expression("#hash = :before")
            .expression_attribute_names("#hash", "hash")
            .expression_attribute_values(":before", s(b.hash.clone())),
    }
    .build()
    .map_err(StoreError::sdk)?;
    Ok(TransactWriteItem::builder().put(put).build())
}

/// Marks the existing item `keys` used, if nothing used it first.
fn mark_used(
    table: &str,
    keys: &Keys,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<TransactWriteItem, StoreError> {
    let u = Update::builder()
        .table_name(table)
        .set_key(Some(keys.key()))
        .update_expression("SET usedAt = :at")
        .condition_expression("attribute_exists(pk) AND attribute_not_exists(usedAt)")
        .expression_attribute_values(":at", s(micros(at)))
        .build()
        .map_err(StoreError::sdk)?;
    Ok(TransactWriteItem::builder().update(u).build())
}

/// Why answering a request did not happen.
#[derive(Debug, thiserror::Error)]
pub enum AnswerError {
    /// The request is no longer the one read: answered, withdrawn, re-sent or reminded
    /// meanwhile.
    #[error("the request changed meanwhile")]
    Changed,
    #[error("the link was used meanwhile")]
    LinkUsed,
    #[error("the customer changed meanwhile")]
    Conflict,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A page of a partner's requests.
#[derive(Debug, Clone)]
pub struct RequestQuery {
    pub status: Option<RequestStatus>,
    pub kind: Option<RequestKind>,
    pub limit: i32,
    pub start: Option<Item>,
}

impl Table {
    /// Stores a new link on its own (a delegation), with its audit record.
    pub async fn create_link(
        &self,
        link: &LinkToken,
        audit: &AuditRecord,
    ) -> Result<(), StoreError> {
        self.transact(vec![
            put_new(&self.name, token_item(link)?)?,
            put_new(&self.name, super::audit::item(audit)?)?,
        ])
        .await
    }

    /// Claims a link for the one use it has (a conditional write: of two uses at once,
    /// one gets `true`). Done before the password is set, so a link sets it once.
    pub async fn claim_link(
        &self,
        link: &LinkToken,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<bool, StoreError> {
        self.claim_once(&token_keys(&link.hash), at).await
    }

    /// Gives back a link claimed at `at` whose use then failed (the password was refused),
    /// so it can be used again.
    pub async fn release_link(
        &self,
        link: &LinkToken,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        self.release_claim(&token_keys(&link.hash), at).await
    }

    /// Writes `items` in one transaction: `true` when written, `false` when a condition
    /// failed or another write to the same items came first (the item changed since read).
    async fn transact_unless_changed(
        &self,
        items: Vec<TransactWriteItem>,
    ) -> Result<bool, StoreError> {
        match self.transact(items).await {
            Ok(()) => Ok(true),
            Err(StoreError::ConditionFailed { .. })
            | Err(StoreError::TransactionConflict { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Marks the existing item `keys` used at `at`, unless something used it first.
    pub(super) async fn claim_once(
        &self,
        keys: &Keys,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<bool, StoreError> {
        self.transact_unless_changed(vec![mark_used(&self.name, keys, at)?])
            .await
    }

    /// Takes back a claim made at `at` (nothing if another claim replaced it).
    pub(super) async fn release_claim(
        &self,
        keys: &Keys,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        let u = Update::builder()
            .table_name(&self.name)
            .set_key(Some(keys.key()))
            .update_expression("REMOVE usedAt")
            .condition_expression("usedAt = :at")
            .expression_attribute_values(":at", s(micros(at)))
            .build()
            .map_err(StoreError::sdk)?;
        match self
            .transact(vec![TransactWriteItem::builder().update(u).build()])
            .await
        {
            Ok(()) | Err(StoreError::ConditionFailed { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Finishes a welcome link claimed at `at`: the customer's admin is active from now
    /// on (the account's version moves with it), with the audit record.
    pub async fn use_welcome_link(
        &self,
        link: &LinkToken,
        at: chrono::DateTime<chrono::Utc>,
        audit: &AuditRecord,
    ) -> Result<(), StoreError> {
        let activate = Update::builder()
            .table_name(&self.name)
            .set_key(Some(super::customers::account_key(&link.customer_id).key()))
            .update_expression("SET adminActive = :yes, version = version + :one")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":yes", AttributeValue::Bool(true))
            .expression_attribute_values(":one", AttributeValue::N("1".into()))
            .build()
            .map_err(StoreError::sdk)?;
        let claimed = ConditionCheck::builder()
            .table_name(&self.name)
            .set_key(Some(token_keys(&link.hash).key()))
            .condition_expression("usedAt = :at")
            .expression_attribute_values(":at", s(micros(at)))
            .build()
            .map_err(StoreError::sdk)?;
        self.transact(vec![
            TransactWriteItem::builder()
                .condition_check(claimed)
                .build(),
            TransactWriteItem::builder().update(activate).build(),
            put_new(&self.name, super::audit::item(audit)?)?,
        ])
        .await
    }

    /// Stores a customer admin's new welcome link as the only one that works: the link
    /// sent before (named by the customer's `WELCOME` item) is deleted with it.
    pub async fn replace_welcome_link(
        &self,
        link: &LinkToken,
        audit: &AuditRecord,
    ) -> Result<(), SaveError> {
        let k = welcome_keys(&link.customer_id);
        let before = self.get::<WelcomeLink>(&k.pk, &k.sk).await?;
        let mut items = vec![
            put_welcome(&self.name, link, before.as_ref())?,
            put_new(&self.name, token_item(link)?)?,
            put_new(&self.name, super::audit::item(audit)?)?,
        ];
        if let Some(before) = &before {
            items.push(delete_token(&self.name, &before.hash)?);
        }
        match self.transact(items).await {
            Ok(()) => Ok(()),
            Err(StoreError::ConditionFailed { .. })
            | Err(StoreError::TransactionConflict { .. }) => Err(SaveError::Conflict),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn find_token(&self, hash: &str) -> Result<Option<LinkToken>, StoreError> {
        let k = token_keys(hash);
        self.get(&k.pk, &k.sk).await
    }

    /// The request a partner last made of `kind` about `subject`, if any (consistent
    /// reads: the pointer, then the request).
    pub async fn last_asked(
        &self,
        partner: &domain::PartnerId,
        kind: RequestKind,
        subject: &str,
    ) -> Result<Option<(Asked, Option<RequestRecord>)>, StoreError> {
        let k = asked_keys(partner, kind, subject);
        let Some(asked) = self.get::<Asked>(&k.pk, &k.sk).await? else {
            return Ok(None);
        };
        let r = Keys::new(
            super::customers::customer_pk(&asked.customer_id),
            format!("REQUEST#{}", asked.request_id),
        );
        let request = self.get::<RequestRecord>(&r.pk, &r.sk).await?;
        Ok(Some((asked, request)))
    }

    /// Records a new request with its link (none for a placeholder) and audit record,
    /// provided the partner's last request of its kind about its subject is still
    /// `previous` (`Conflict` when another ask got there first) and, for a management
    /// change, the customer is still the partner's. The customer's item is not written.
    pub async fn create_request(
        &self,
        request: &RequestRecord,
        previous: Option<&RequestId>,
        link: Option<&LinkToken>,
        audit: &AuditRecord,
    ) -> Result<(), SaveError> {
        let r = &request.request;
        let pointer = Asked {
            request_id: r.id.clone(),
            customer_id: r.customer_id.clone(),
        };
        let keys = asked_keys(&r.partner_id, r.kind, &subject(r))
            .ttl((r.expires_at + Duration::days(CLOSED_REQUESTS_KEPT_DAYS)).timestamp());
        let put = Put::builder()
            .table_name(&self.name)
            .set_item(Some(to_item(keys, "Asked", &pointer)?));
        let put = match previous {
            None => put.condition_expression("attribute_not_exists(pk)"),
            Some(id) => put
                .condition_expression("requestId = :previous")
                .expression_attribute_values(":previous", s(id.as_str())),
        }
        .build()
        .map_err(StoreError::sdk)?;
        let mut items = vec![
            TransactWriteItem::builder().put(put).build(),
            put_new(&self.name, request_item(request)?)?,
            put_new(&self.name, super::audit::item(audit)?)?,
        ];
        if let Some(link) = link {
            items.push(put_new(&self.name, token_item(link)?)?);
        }
        if r.kind == RequestKind::ManagementChange {
            let check = ConditionCheck::builder()
                .table_name(&self.name)
                .set_key(Some(super::customers::account_key(&r.customer_id).key()))
                .condition_expression("partnerId = :partner")
                .expression_attribute_values(":partner", s(r.partner_id.as_str()))
                .build()
                .map_err(StoreError::sdk)?;
            items.push(TransactWriteItem::builder().condition_check(check).build());
        }
        match self.transact(items).await {
            Ok(()) => Ok(()),
            Err(StoreError::ConditionFailed { .. })
            | Err(StoreError::TransactionConflict { .. }) => Err(SaveError::Conflict),
            Err(e) => Err(e.into()),
        }
    }

    /// One of the partner's requests as stored now: found in the partner's index
    /// partition (which names its customer partition), then read there with a consistent
    /// GetItem, so a write conditional on what was read acts on the latest revision.
    pub async fn partner_request(
        &self,
        scope: &PartnerScope,
        id: &RequestId,
    ) -> Result<Option<RequestRecord>, StoreError> {
        let Some(found) = self.partner_request_indexed(scope, id).await? else {
            return Ok(None);
        };
        let k = request_keys(&found.request);
        Ok(self
            .get::<RequestRecord>(&k.pk, &k.sk)
            .await?
            .filter(|r| &r.request.partner_id == scope.partner_id()))
    }

    /// A request as stored now, by its customer partition and id (a consistent GetItem).
    pub async fn consent_request(
        &self,
        customer: &domain::CustomerId,
        id: &RequestId,
    ) -> Result<Option<RequestRecord>, StoreError> {
        let pk = super::customers::customer_pk(customer);
        self.get(&pk, &format!("REQUEST#{id}")).await
    }

    /// One of the partner's requests through the index (eventually consistent).
    async fn partner_request_indexed(
        &self,
        scope: &PartnerScope,
        id: &RequestId,
    ) -> Result<Option<RequestRecord>, StoreError> {
        let partition = requests_pk(scope.partner_id());
        let prefix = format!("REQUEST#{id}");
        let page = self
            .query_page::<RequestRecord>(PageQuery {
                index: Some("gsi1"),
                pk: &partition,
                prefix: &prefix,
                limit: 1,
                newest_first: false,
                start: None,
                filter: None,
                range: None,
            })
            .await?;
        Ok(page.items.into_iter().next())
    }

    /// A page of the partner's requests, newest first: one index Query.
    pub async fn partner_requests(
        &self,
        scope: &PartnerScope,
        query: RequestQuery,
    ) -> Result<Page<RequestRecord>, StoreError> {
        let partition = requests_pk(scope.partner_id());
        let mut filter = Filter::default();
        let mut clauses = Vec::new();
        if let Some(st) = query.status {
            clauses.push("#status = :status");
            filter.values.insert(":status".into(), s(st.as_str()));
            filter.names.insert("#status".into(), "status".into());
        }
        if let Some(k) = query.kind {
            clauses.push("#type = :type");
            let kind = match k {
                RequestKind::Import => "import",
                RequestKind::ManagementChange => "managementChange",
            };
            filter.values.insert(":type".into(), s(kind));
            filter.names.insert("#type".into(), "type".into());
        }
        filter.expression = clauses.join(" AND ");
        let filter = (!clauses.is_empty()).then_some(filter);
        self.query_page(PageQuery {
            index: Some("gsi1"),
            pk: &partition,
            prefix: "REQUEST#",
            limit: query.limit,
            newest_first: true,
            start: query.start,
            filter,
            range: None,
        })
        .await
    }

    pub fn request_partition(scope: &PartnerScope) -> String {
        requests_pk(scope.partner_id())
    }

    /// Sends a request again: `request` (read at its revision, `links` those read) with
    /// the new `link` as its only one; every link sent before is deleted. `Changed` when
    /// the stored request is no longer the one read.
    pub async fn resend_request(
        &self,
        request: &RequestRecord,
        link: Option<&LinkToken>,
        audit: &AuditRecord,
    ) -> Result<(), AnswerError> {
        let next = RequestRecord {
            links: link.map(|l| vec![l.hash.clone()]).unwrap_or_default(),
            ..request.clone()
        };
        let mut items = vec![
            put_request_if_unchanged(&self.name, &next)?,
            put_new(&self.name, super::audit::item(audit)?)?,
        ];
        for hash in &request.links {
            items.push(delete_token(&self.name, hash)?);
        }
        if let Some(link) = link {
            items.push(put_new(&self.name, token_item(link)?)?);
        }
        self.finish_answer(self.transact(items).await, 0)
    }

    /// The scheduler tick's reminder: the request (one more reminder, its next planned)
    /// with the reminder's `link` added to those that answer it (none for a placeholder;
    /// the links sent before keep working), and the audit record, in one transaction on
    /// the condition that the request is still pending at the revision read. `false` when
    /// it is not (answered, withdrawn, re-sent or reminded by another tick meanwhile):
    /// nothing is written, and no email may go.
    pub async fn remind_request(
        &self,
        request: &RequestRecord,
        link: Option<&LinkToken>,
        audit: &AuditRecord,
    ) -> Result<bool, StoreError> {
        let mut next = request.clone();
        next.links.extend(link.map(|l| l.hash.clone()));
        let mut items = vec![
            put_request_if_unchanged(&self.name, &next)?,
            put_new(&self.name, super::audit::item(audit)?)?,
        ];
        if let Some(link) = link {
            items.push(put_new(&self.name, token_item(link)?)?);
        }
        self.transact_unless_changed(items).await
    }

    /// Marks the latest reminder of request `r` (as the reminder wrote it, at the revision
    /// after `r.revision`) as not delivered, unless the request changed since.
    pub async fn reminder_failed(&self, r: &RequestRecord) -> Result<bool, StoreError> {
        let keys = request_keys(&r.request);
        let u = Update::builder()
            .table_name(&self.name)
            .set_key(Some(keys.key()))
            .update_expression("SET lastReminderFailed = :yes, revision = :next")
            .condition_expression("revision = :written")
            .expression_attribute_values(":yes", AttributeValue::Bool(true))
            .expression_attribute_values(
                ":written",
                AttributeValue::N((r.revision + 1).to_string()),
            )
            .expression_attribute_values(":next", AttributeValue::N((r.revision + 2).to_string()))
            .build()
            .map_err(StoreError::sdk)?;
        self.transact_unless_changed(vec![TransactWriteItem::builder().update(u).build()])
            .await
    }

    /// Moves a pending request's next slot and reminder (the tick looked at it and sent
    /// nothing), if the request is unchanged since read.
    pub async fn replan_request(&self, request: &RequestRecord) -> Result<bool, StoreError> {
        self.transact_unless_changed(vec![put_request_if_unchanged(&self.name, request)?])
            .await
    }

    /// Closes a pending request on its own (the scheduler tick's expiry, a cancellation),
    /// if it is unchanged since read; `false` if it was answered or changed first (the
    /// next tick sees it as it is). Its links stay until their TTL and answer by the
    /// request's status.
    pub async fn close_request(&self, request: &RequestRecord) -> Result<bool, StoreError> {
        self.transact_unless_changed(vec![put_request_if_unchanged(&self.name, request)?])
            .await
    }

    /// Ends a pending request that can no longer take effect (`cancelled`: its customer
    /// moved to another partner or was removed); `false` if it was no longer pending.
    pub async fn cancel_request(
        &self,
        stored: &RequestRecord,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<bool, StoreError> {
        let Ok(next) = stored.request.apply(RequestEvent::Cancel { at }) else {
            return Ok(false);
        };
        self.close_request(&stored.with(next)).await
    }

    /// Cancels each pending request among `requests` on its own, best effort: one left
    /// pending no longer holds for its customer, is refused wherever it is used, and
    /// expires.
    pub async fn cancel_pending<'a>(
        &self,
        requests: impl IntoIterator<Item = &'a RequestRecord>,
        at: chrono::DateTime<chrono::Utc>,
    ) {
        for r in requests
            .into_iter()
            .filter(|r| r.request.status == RequestStatus::Pending)
        {
            if let Err(e) = self.cancel_request(r, at).await {
                tracing::warn!(request = %r.request.id, error = %e, "request not cancelled");
            }
        }
    }

    /// The partner takes a request back (read at its revision): every link it has is
    /// deleted. `Changed` when the stored request is no longer the one read.
    pub async fn withdraw_request(
        &self,
        request: &RequestRecord,
        audit: &AuditRecord,
    ) -> Result<(), AnswerError> {
        let next = RequestRecord {
            links: Vec::new(),
            ..request.clone()
        };
        let mut items = vec![
            put_request_if_unchanged(&self.name, &next)?,
            put_new(&self.name, super::audit::item(audit)?)?,
        ];
        for hash in &request.links {
            items.push(delete_token(&self.name, hash)?);
        }
        self.finish_answer(self.transact(items).await, 0)
    }

    /// The customer admin's answer: the request (read at its revision), every link it has
    /// used up (the one presented among them: a later click answers "used"), and on
    /// approval the customer changed (`changed` replacing `before`). `Changed` when the
    /// stored request is no longer the one read (a reminder went meanwhile: read again).
    pub async fn answer_request(
        &self,
        request: &RequestRecord,
        changed: Option<(&Customer, &Customer)>,
        audit: &AuditRecord,
    ) -> Result<(), AnswerError> {
        let next = RequestRecord {
            links: Vec::new(),
            ..request.clone()
        };
        let mut items = vec![put_request_if_unchanged(&self.name, &next)?];
        for hash in &request.links {
            items.push(mark_used(
                &self.name,
                &token_keys(hash),
                request.request.updated_at,
            )?);
        }
        let links = request.links.len();
        let (mut old, mut new) = (None, None);
        if let Some((customer, before)) = changed {
            items.push(put_account_if(
                &self.name,
                customer,
                before.version,
                &before.partner_id,
            )?);
            items.extend(super::telemetry::portfolio_updates(
                &self.name,
                Some(before),
                Some(customer),
            )?);
            if customer.partner_id != before.partner_id {
                let fleet = self.fleet(&customer.id).await?;
                items.extend(super::telemetry::fleet_move_updates(
                    &self.name,
                    &fleet,
                    &before.partner_id,
                    Some(&customer.partner_id),
                )?);
                old = Some(super::PartnerScope::new(before.partner_id.clone()));
                new = Some(super::PartnerScope::new(customer.partner_id.clone()));
            }
        }
        // An approved import: the old partner's roles let go of the customer and the new
        // partner's give it their default levels.
        let changes: Vec<RoleChange> = match (&old, &new, changed) {
            (Some(old), Some(new), Some((customer, _))) => vec![
                RoleChange::Leave(old, &customer.id),
                RoleChange::Join(new, &customer.id),
            ],
            _ => Vec::new(),
        };
        let audit = put_new(&self.name, super::audit::item(audit)?)?;
        let result = self.transact_with_roles(items, &changes, audit).await;
        self.finish_answer(result, links)
    }

    /// The outcome of a write whose item 0 is the request and items 1..=`links` its
    /// links being used.
    fn finish_answer(
        &self,
        result: Result<(), StoreError>,
        links: usize,
    ) -> Result<(), AnswerError> {
        match result {
            Ok(()) => Ok(()),
            Err(StoreError::ConditionFailed { index: Some(0) })
            | Err(StoreError::TransactionConflict { index: Some(0) }) => Err(AnswerError::Changed),
            Err(StoreError::ConditionFailed { index: Some(i) }) if (1..=links).contains(&i) => {
                Err(AnswerError::LinkUsed)
            }
            Err(StoreError::ConditionFailed { .. })
            | Err(StoreError::TransactionConflict { .. }) => Err(AnswerError::Conflict),
            Err(e) => Err(e.into()),
        }
    }
}
