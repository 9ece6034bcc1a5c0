//! Single-use links sent by email: a customer admin's welcome (set your password) and a
//! partner's request for consent. The link carries 256 random bits; only their SHA-256
//! is stored, so a leaked table does not leak working links. A token is bound to one
//! purpose and one customer (and, for consent, one request), expires, and works once.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::{DateTime, Utc};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{CustomerId, RequestId};

/// What a link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TokenPurpose {
    /// The customer admin chooses a password (the welcome email).
    SetPassword,
    /// The customer admin approves or denies a partner's request.
    Consent,
    /// A partner user's short "Manage customer" session in the customer's console.
    Delegation,
}

/// A new link secret, as it goes into the email: 43 URL-safe characters.
pub fn generate() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What is stored instead of the secret. `None` for text that cannot be a token, so
/// junk is not even looked up.
pub fn hash(token: &str) -> Option<String> {
    let t = token.trim();
    let decoded = URL_SAFE_NO_PAD.decode(t).ok()?;
    if decoded.len() != 32 {
        return None;
    }
    let digest = Sha256::digest(t.as_bytes());
    Some(digest.iter().map(|b| format!("{b:02x}")).collect())
}

/// A stored link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkToken {
    pub hash: String,
    pub purpose: TokenPurpose,
    pub customer_id: CustomerId,
    /// The request a consent link answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<RequestId>,
    pub expires_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used_at: Option<DateTime<Utc>>,
    /// For a delegation: the partner user (identity-provider username) it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued_to: Option<String>,
    /// For a delegation: the user's role when it was opened (a new role ends it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued_role: Option<crate::Role>,
}

/// Why a link no longer works (both answered 410 Gone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkGone {
    #[error("this link has been used already")]
    Used,
    #[error("this link has expired")]
    Expired,
}

impl LinkToken {
    /// Whether the link still works at `now`.
    pub fn usable(&self, now: DateTime<Utc>) -> Result<(), LinkGone> {
        if self.used_at.is_some() {
            Err(LinkGone::Used)
        } else if now >= self.expires_at {
            Err(LinkGone::Expired)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn tokens_are_random_and_only_their_hash_is_kept() {
        let a = generate();
        let b = generate();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        let h = hash(&a).unwrap();
        assert_eq!(h.len(), 64);
        assert!(!h.contains(&a));
        assert_eq!(hash(&format!(" {a} ")), Some(h), "pasted with spaces");
        assert_eq!(hash("short"), None);
        assert!(hash(&"A".repeat(43)).is_some());
        assert_eq!(hash("!!!!"), None);
    }

    #[test]
    fn a_link_works_once_until_it_expires() {
        let now = Utc::now();
        let mut t = LinkToken {
            hash: "h".into(),
            purpose: TokenPurpose::Consent,
            customer_id: CustomerId::generate(),
            request_id: None,
            expires_at: now + Duration::hours(1),
            used_at: None,
            issued_to: None,
            issued_role: None,
        };
        assert_eq!(t.usable(now), Ok(()));
        assert_eq!(t.usable(now + Duration::hours(1)), Err(LinkGone::Expired));
        t.used_at = Some(now);
        assert_eq!(t.usable(now), Err(LinkGone::Used));
    }
}
