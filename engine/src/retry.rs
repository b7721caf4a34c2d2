//! Backoff for retryable port failures.

use std::time::Duration;

use patungan_core::seeded::splitmix;

/// Exponential backoff with deterministic jitter.
///
/// The jitter comes from a caller-supplied seed (the effect's id), not from a random
/// source, so a simulation replays the same schedule from the same seed.
///
/// ```
/// use patungan_engine::retry::RetryPolicy;
/// use std::time::Duration;
/// let policy = RetryPolicy::default();
/// let first = policy.delay(1, 42).unwrap();
/// assert!(first >= Duration::from_millis(250) && first < Duration::from_millis(500));
/// assert_eq!(policy.delay(policy.max_attempts, 42), None); // give up
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// Delay after the first failure, before jitter.
    pub initial_delay: Duration,
    /// The delay never exceeds this, before jitter.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 8,
            initial_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// The wait before attempt `failed_attempts + 1`, or `None` once every attempt is spent.
    ///
    /// The base delay doubles per failure up to `max_delay`; up to half of it again is
    /// added as jitter derived from `seed`.
    pub fn delay(&self, failed_attempts: u32, seed: u64) -> Option<Duration> {
        if failed_attempts == 0 || failed_attempts >= self.max_attempts {
            return None;
        }
        let doublings = failed_attempts.saturating_sub(1).min(30);
        let base = self
            .initial_delay
            .saturating_mul(1u32 << doublings)
            .min(self.max_delay);
        let spread = base.as_millis() / 2;
        let jitter = if spread == 0 {
            0
        } else {
            u128::from(splitmix(seed ^ u64::from(failed_attempts))) % spread
        };
        Some(base + Duration::from_millis(u64::try_from(jitter).unwrap_or(0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_up_to_the_cap_with_bounded_jitter() {
        let p = RetryPolicy::default();
        for attempt in 1..p.max_attempts {
            let base = p
                .initial_delay
                .saturating_mul(1 << (attempt - 1))
                .min(p.max_delay);
            for seed in 0..50 {
                let d = p.delay(attempt, seed).unwrap();
                assert!(d >= base && d < base + base / 2 + Duration::from_millis(1));
                assert_eq!(p.delay(attempt, seed), Some(d), "deterministic");
            }
        }
        assert_eq!(p.delay(0, 1), None);
        assert_eq!(p.delay(p.max_attempts, 1), None);
    }
}
