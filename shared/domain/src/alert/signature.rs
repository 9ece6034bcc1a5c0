//! Signatures and retries.

use super::*;

/// The webhook signature: `v1=` and the hex HMAC-SHA256, keyed by the rule's secret, of
/// `<timestamp>.<body>` (the timestamp in Unix seconds, as sent in its header).
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let tag = mac.finalize().into_bytes();
    format!(
        "v1={}",
        tag.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}

/// What a receiver does: the signature must match (compared in constant time) and the
/// timestamp be within `SIGNATURE_TOLERANCE_SECS` of `now`.
pub fn verify(secret: &str, timestamp: &str, body: &[u8], signature: &str, now: i64) -> bool {
    let Ok(ts) = timestamp.parse::<i64>() else {
        return false;
    };
    if (now - ts).abs() > SIGNATURE_TOLERANCE_SECS {
        return false;
    }
    let Some(hex) = signature.strip_prefix("v1=") else {
        return false;
    };
    let Some(bytes) = (0..hex.len())
        .step_by(2)
        .map(|i| {
            hex.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect::<Option<Vec<u8>>>()
    else {
        return false;
    };
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(ts.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.verify_slice(&bytes).is_ok()
}

/// When to try again after failed attempt number `attempt` (1-based): 1 minute, 5, 30,
/// then 2 hours; `None` once `MAX_ATTEMPTS` have failed (the delivery is dead-lettered).
pub fn retry_delay(attempt: u32) -> Option<Duration> {
    match attempt {
        1 => Some(Duration::minutes(1)),
        2 => Some(Duration::minutes(5)),
        3 => Some(Duration::minutes(30)),
        4 => Some(Duration::hours(2)),
        _ => None,
    }
}

/// Whether a failed call is worth repeating: no answer, a server error, 408 or 429.
/// Other client errors say the receiver refuses the call as it is.
pub fn retryable(status: Option<u16>) -> bool {
    match status {
        None => true,
        Some(s) => s >= 500 || s == 408 || s == 429,
    }
}
