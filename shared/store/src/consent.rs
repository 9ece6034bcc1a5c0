//! Consent requests and the single-use links that answer them (and welcome links).
//!
//! A request lives in its customer's partition (`REQUEST#<id>`), so the customer's
//! profile and portal read it with the account; the asking partner finds its requests
//! in the index partition `REQUESTS#<partnerId>` (gsi1, by id, which sorts by time).
//! A link is `TOKEN#<sha-256 of the secret>`; it expires by TTL a while after its own
//! expiry, so an expired link still answers "expired" for a month.

use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, TransactWriteItem, Update};
use chrono::Duration;
use serde::{Deserialize, Serialize};

use super::roles::RoleChange;
use super::{
    customers::{put_account_if, SaveError},
    put_new, s, to_item, Filter, Item, Keys, Page, PageQuery, PartnerScope, StoreError, Table,
};
use domain::{
    audit::AuditRecord,
    consent::{ConsentRequest, RequestKind, RequestStatus},
    customer::Customer,
    token::LinkToken,
    RequestId,
};

/// How long an expired link's record is kept, to answer "expired" rather than "unknown".
const EXPIRED_LINKS_KEPT_DAYS: i64 = 30;

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
        // In the due index until answered, so the scheduler tick can expire it.
        k.gsi2(
            super::schedule::DUE_PK,
            format!("{}#REQ#{}", super::schedule::time_key(r.expires_at), r.id),
        )
    } else {
        k
    }
}

/// A request as stored: with the hash of the link most recently sent.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestRecord {
    #[serde(flatten)]
    pub request: ConsentRequest,
    pub token_hash: String,
}

pub fn request_item(r: &RequestRecord) -> Result<Item, StoreError> {
    to_item(request_keys(&r.request), "ConsentRequest", r)
}

/// Replaces the request if it is still pending.
fn put_request_if_pending(table: &str, r: &RequestRecord) -> Result<TransactWriteItem, StoreError> {
    let put = Put::builder()
        .table_name(table)
        .set_item(Some(request_item(r)?))
        .condition_expression("#status = :pending")
        .expression_attribute_names("#status", "status")
        .expression_attribute_values(":pending", s("pending"))
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

/// Marks a link used, if nobody used it first.
fn use_token(
    table: &str,
    t: &LinkToken,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<TransactWriteItem, StoreError> {
    let u = Update::builder()
        .table_name(table)
        .set_key(Some(token_keys(&t.hash).key()))
        .update_expression("SET usedAt = :at")
        .condition_expression("attribute_exists(pk) AND attribute_not_exists(usedAt)")
        .expression_attribute_values(
            ":at",
            s(at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)),
        )
        .build()
        .map_err(StoreError::sdk)?;
    Ok(TransactWriteItem::builder().update(u).build())
}

/// Why answering a request did not happen.
#[derive(Debug, thiserror::Error)]
pub enum AnswerError {
    #[error("the request is no longer pending")]
    NotPending,
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

    /// Uses up a welcome link: the customer's admin is active from now on (the account's
    /// version moves with it), with the audit record. `false` if it was used meanwhile.
    pub async fn use_welcome_link(
        &self,
        link: &LinkToken,
        at: chrono::DateTime<chrono::Utc>,
        audit: &AuditRecord,
    ) -> Result<bool, StoreError> {
        let activate = Update::builder()
            .table_name(&self.name)
            .set_key(Some(super::customers::account_key(&link.customer_id).key()))
            .update_expression("SET adminActive = :yes, version = version + :one")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":yes", AttributeValue::Bool(true))
            .expression_attribute_values(":one", AttributeValue::N("1".into()))
            .build()
            .map_err(StoreError::sdk)?;
        match self
            .transact(vec![
                use_token(&self.name, link, at)?,
                TransactWriteItem::builder().update(activate).build(),
                put_new(&self.name, super::audit::item(audit)?)?,
            ])
            .await
        {
            Ok(()) => Ok(true),
            Err(StoreError::ConditionFailed { index: Some(0 | 1) }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    pub async fn find_token(&self, hash: &str) -> Result<Option<LinkToken>, StoreError> {
        let k = token_keys(hash);
        self.get(&k.pk, &k.sk).await
    }

    /// Records a new request: the customer's version moves (so two requests cannot race
    /// past the one-pending-request check), with the request's link and audit record.
    pub async fn create_request(
        &self,
        customer: &Customer,
        request: &RequestRecord,
        link: &LinkToken,
        audit: &AuditRecord,
    ) -> Result<(), SaveError> {
        let mut bumped = customer.clone();
        bumped.version += 1;
        let items = vec![
            put_account_if(&self.name, &bumped, customer.version, &customer.partner_id)?,
            put_new(&self.name, request_item(request)?)?,
            put_new(&self.name, token_item(link)?)?,
            put_new(&self.name, super::audit::item(audit)?)?,
        ];
        match self.transact(items).await {
            Ok(()) => Ok(()),
            Err(StoreError::ConditionFailed { index: Some(0) })
            | Err(StoreError::TransactionConflict { index: Some(0) }) => Err(SaveError::Conflict),
            Err(e) => Err(e.into()),
        }
    }

    /// One of the partner's requests (an index read: eventually consistent; the writes
    /// that follow are conditional on the stored request).
    pub async fn partner_request(
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

    /// Sends a request again: a new link replaces the old one.
    pub async fn resend_request(
        &self,
        request: &RequestRecord,
        old_hash: &str,
        link: &LinkToken,
        audit: &AuditRecord,
    ) -> Result<(), AnswerError> {
        let items = vec![
            put_request_if_pending(&self.name, request)?,
            delete_token(&self.name, old_hash)?,
            put_new(&self.name, token_item(link)?)?,
            put_new(&self.name, super::audit::item(audit)?)?,
        ];
        self.finish_answer(self.transact(items).await, false)
    }

    /// Expires a pending request (the scheduler tick); `false` if it was answered first.
    pub async fn expire_request(&self, request: &RequestRecord) -> Result<bool, StoreError> {
        match self
            .transact(vec![put_request_if_pending(&self.name, request)?])
            .await
        {
            Ok(()) => Ok(true),
            Err(StoreError::ConditionFailed { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The partner takes a request back; its link stops working.
    pub async fn withdraw_request(
        &self,
        request: &RequestRecord,
        audit: &AuditRecord,
    ) -> Result<(), AnswerError> {
        let items = vec![
            put_request_if_pending(&self.name, request)?,
            delete_token(&self.name, &request.token_hash)?,
            put_new(&self.name, super::audit::item(audit)?)?,
        ];
        self.finish_answer(self.transact(items).await, false)
    }

    /// The customer admin's answer: the request, its link used up, and on approval the
    /// customer changed (`changed` replacing `before`).
    pub async fn answer_request(
        &self,
        request: &RequestRecord,
        link: Option<&LinkToken>,
        changed: Option<(&Customer, &Customer)>,
        audit: &AuditRecord,
    ) -> Result<(), AnswerError> {
        let mut items = vec![put_request_if_pending(&self.name, request)?];
        if let Some(link) = link {
            items.push(use_token(&self.name, link, request.request.updated_at)?);
        }
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
        self.finish_answer(result, link.is_some())
    }

    fn finish_answer(
        &self,
        result: Result<(), StoreError>,
        link_at_1: bool,
    ) -> Result<(), AnswerError> {
        match result {
            Ok(()) => Ok(()),
            Err(StoreError::ConditionFailed { index: Some(0) })
            | Err(StoreError::TransactionConflict { index: Some(0) }) => {
                Err(AnswerError::NotPending)
            }
            Err(StoreError::ConditionFailed { index: Some(1) }) if link_at_1 => {
                Err(AnswerError::LinkUsed)
            }
            Err(StoreError::ConditionFailed { .. })
            | Err(StoreError::TransactionConflict { .. }) => Err(AnswerError::Conflict),
            Err(e) => Err(e.into()),
        }
    }
}
