//! How often and when a failed refund is tried again.

use chrono::TimeDelta;
use serde::{Deserialize, Serialize};

/// The retry rule of refunds to the original method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundPolicy {
    /// Attempts before the refund waits for an operator (default 5).
    pub max_attempts: u32,
    /// Wait before the second attempt, in seconds (default 60); doubled per failure.
    pub backoff_base_seconds: u32,
    /// The longest wait between attempts, in seconds (default 1 h).
    pub backoff_max_seconds: u32,
}

impl Default for RefundPolicy {
    fn default() -> Self {
        RefundPolicy {
            max_attempts: 5,
            backoff_base_seconds: 60,
            backoff_max_seconds: 3_600,
        }
    }
}

impl RefundPolicy {
    /// The wait before the attempt after failed attempt `failed` (1-based):
    /// `base × 2^(failed − 1)`, at most the maximum.
    pub fn backoff(&self, failed: u32) -> TimeDelta {
        let doubling = 1_u64 << failed.saturating_sub(1).min(32);
        let seconds = u64::from(self.backoff_base_seconds)
            .saturating_mul(doubling)
            .min(u64::from(self.backoff_max_seconds));
        TimeDelta::seconds(i64::try_from(seconds).unwrap_or(i64::MAX))
    }

    /// Whether a refund whose attempt `attempt` failed gets another try.
    pub fn retries_after(&self, attempt: u32) -> bool {
        attempt < self.max_attempts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_maximum() {
        let p = RefundPolicy::default();
        assert_eq!(p.backoff(1), TimeDelta::seconds(60));
        assert_eq!(p.backoff(2), TimeDelta::seconds(120));
        assert_eq!(p.backoff(7), TimeDelta::seconds(3_600));
        assert_eq!(p.backoff(u32::MAX), TimeDelta::seconds(3_600));
        assert!(p.retries_after(4));
        assert!(!p.retries_after(5));
    }
}
