//! Idempotency records: the first response to a create, kept for a while under the
//! client's `Idempotency-Key`, so a retry gets the same answer instead of a second create.

use aws_sdk_dynamodb::{error::SdkError, types::AttributeValue};
use serde::{Deserialize, Serialize};

use super::{to_item, Keys, StoreError, Table};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdempotencyRecord {
    /// SHA-256 of the method, path and body of the first request.
    pub request_hash: String,
    /// Epoch seconds when the key was claimed.
    #[serde(default)]
    pub claimed_at: i64,
    /// `None` while the first request is still being handled (the attribute is absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<StoredResponse>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredResponse {
    pub status: u16,
    pub content_type: Option<String>,
    pub location: Option<String>,
    pub body: String,
}

/// A claim without a response after this long belongs to a request that died (the
/// function's timeout is far shorter): a retry may take the key over.
pub const STALE_CLAIM_SECS: i64 = 120;

/// What claiming a key found.
#[derive(Debug)]
pub enum Claim {
    /// The key is new: this request does the work.
    New,
    /// The key was used before (or is in use right now).
    Existing(IdempotencyRecord),
}

fn keys(scope: &str, key: &str) -> Keys {
    Keys::new(format!("IDEMPOTENCY#{scope}"), format!("KEY#{key}"))
}

impl Table {
    /// Claims `key` for this request, or returns the record of its first use. An expired
    /// record (DynamoDB deletes them late) or a stale claim is taken over.
    pub async fn claim_idempotency_key(
        &self,
        scope: &str,
        key: &str,
        request_hash: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<Claim, StoreError> {
        let k = keys(scope, key).ttl(expires_at);
        let record = IdempotencyRecord {
            request_hash: request_hash.to_string(),
            claimed_at: now,
            response: None,
        };
        let result = self
            .client
            .put_item()
            .table_name(&self.name)
            .set_item(Some(to_item(k.clone(), "IdempotencyRecord", &record)?))
            .condition_expression(
                "attribute_not_exists(pk) OR #ttl < :now \
                 OR (attribute_not_exists(#response) AND claimedAt < :stale)",
            )
            .expression_attribute_names("#ttl", "ttl")
            .expression_attribute_names("#response", "response")
            .expression_attribute_values(":now", AttributeValue::N(now.to_string()))
            .expression_attribute_values(
                ":stale",
                AttributeValue::N((now - STALE_CLAIM_SECS).to_string()),
            )
            .send()
            .await;
        match result {
            Ok(_) => Ok(Claim::New),
            Err(SdkError::ServiceError(e)) if e.err().is_conditional_check_failed_exception() => {
                match self.get::<IdempotencyRecord>(&k.pk, &k.sk).await? {
                    Some(existing) => Ok(Claim::Existing(existing)),
                    // Deleted between the two calls: let the client retry.
                    None => Ok(Claim::Existing(IdempotencyRecord {
                        request_hash: request_hash.to_string(),
                        claimed_at: now,
                        response: None,
                    })),
                }
            }
            Err(e) => Err(StoreError::sdk(e)),
        }
    }

    /// Stores the response a claimed key will replay.
    pub async fn complete_idempotency_key(
        &self,
        scope: &str,
        key: &str,
        response: &StoredResponse,
    ) -> Result<(), StoreError> {
        let k = keys(scope, key);
        self.client
            .update_item()
            .table_name(&self.name)
            .set_key(Some(k.key()))
            .update_expression("SET #response = :response")
            .expression_attribute_names("#response", "response")
            .expression_attribute_values(
                ":response",
                AttributeValue::M(serde_dynamo::to_item(response)?),
            )
            .send()
            .await
            .map_err(StoreError::sdk)?;
        Ok(())
    }

    /// Frees a claimed key after an unexpected failure, so a retry can do the work.
    pub async fn release_idempotency_key(&self, scope: &str, key: &str) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.name)
            .set_key(Some(keys(scope, key).key()))
            .send()
            .await
            .map_err(StoreError::sdk)?;
        Ok(())
    }
}
