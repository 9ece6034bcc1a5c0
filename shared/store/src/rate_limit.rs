//! Fixed-window counters for abuse protection, one item per subject and window, expiring
//! by TTL when the window is over.

use aws_sdk_dynamodb::{error::SdkError, types::AttributeValue};
use sha2::{Digest, Sha256};

use super::{Keys, StoreError, Table};
use domain::rate_limit;
use domain::rate_limit::Limit;

/// A request over its limit, and how long until it may try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limited {
    pub retry_after_secs: u64,
}

impl Table {
    /// Counts one attempt by `subject` (an IP address or an email) under `name`; refuses it
    /// when the window's count has reached the limit. One conditional update.
    pub async fn hit(
        &self,
        name: &str,
        subject: &str,
        limit: Limit,
        now_secs: i64,
    ) -> Result<Result<(), Limited>, StoreError> {
        self.hits(name, subject, limit, 1, now_secs).await
    }

    /// Counts `weight` attempts at once (a bulk call's customers, say): refused, counting
    /// none, when they would take the window's count over the limit. One conditional
    /// update.
    pub async fn hits(
        &self,
        name: &str,
        subject: &str,
        limit: Limit,
        weight: u32,
        now_secs: i64,
    ) -> Result<Result<(), Limited>, StoreError> {
        let (start, end) = rate_limit::window(now_secs, limit.window);
        let Some(room) = rate_limit::room_for(limit, weight) else {
            return Ok(Err(Limited {
                retry_after_secs: rate_limit::retry_after(now_secs, end),
            }));
        };
        // Subjects are hashed so the table holds no addresses in clear.
        let digest = Sha256::digest(subject.as_bytes());
        let subject_hash: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        let k = Keys::new(
            format!("RATE#{name}#{subject_hash}"),
            format!("WINDOW#{start}"),
        );
        let result = self
            .client
            .update_item()
            .table_name(&self.name)
            .set_key(Some(k.key()))
            .update_expression("ADD hits :weight SET #ttl = :ttl, kind = :kind")
            .condition_expression("attribute_not_exists(hits) OR hits <= :room")
            .expression_attribute_names("#ttl", "ttl")
            .expression_attribute_values(":weight", AttributeValue::N(weight.to_string()))
            .expression_attribute_values(":room", AttributeValue::N(room.to_string()))
            .expression_attribute_values(":ttl", AttributeValue::N((end + 60).to_string()))
            .expression_attribute_values(":kind", AttributeValue::S("RateWindow".into()))
            .send()
            .await;
        match result {
            Ok(_) => Ok(Ok(())),
            Err(SdkError::ServiceError(e)) if e.err().is_conditional_check_failed_exception() => {
                Ok(Err(Limited {
                    retry_after_secs: rate_limit::retry_after(now_secs, end),
                }))
            }
            Err(e) => Err(StoreError::sdk(e)),
        }
    }
}
