//! Fixed-window rate limiting arithmetic.

use std::time::Duration;

/// A rate limit: at most `limit` attempts per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub limit: u32,
    pub window: Duration,
}

/// The window an instant (seconds since the epoch) falls in: its start and its end.
pub fn window(now_secs: i64, window: Duration) -> (i64, i64) {
    let len = window.as_secs().max(1) as i64;
    let start = now_secs - now_secs.rem_euclid(len);
    (start, start + len)
}

/// Whole seconds until the window ends, at least one (for `Retry-After`).
pub fn retry_after(now_secs: i64, window_end: i64) -> u64 {
    (window_end - now_secs).max(1) as u64
}

/// The most a window's count may be for `weight` more attempts to fit under `limit`;
/// `None` when they never fit (more than the whole limit).
pub fn room_for(limit: Limit, weight: u32) -> Option<u32> {
    limit.limit.checked_sub(weight)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_share_a_window_until_it_ends() {
        let w = Duration::from_secs(300);
        assert_eq!(window(1_000_000_200, w), (1_000_000_200, 1_000_000_500));
        assert_eq!(window(1_000_000_499, w), (1_000_000_200, 1_000_000_500));
        assert_eq!(window(1_000_000_500, w).0, 1_000_000_500);
        assert_eq!(retry_after(1_000_000_499, 1_000_000_500), 1);
        assert_eq!(retry_after(1_000_000_200, 1_000_000_500), 300);
    }

    #[test]
    fn several_attempts_fit_only_all_together() {
        let l = Limit {
            limit: 10,
            window: Duration::from_secs(60),
        };
        // One attempt fits while fewer than 10 were counted (count <= 9).
        assert_eq!(room_for(l, 1), Some(9));
        assert_eq!(room_for(l, 10), Some(0));
        assert_eq!(room_for(l, 11), None);
    }
}
