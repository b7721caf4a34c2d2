//! The outbox: tasks queued by an operation's commit and performed after it, each
//! entry with its attempts and the instant it is due again. An entry's id derives
//! from what caused it, so a replayed input queues nothing new; its result is stored
//! once ([`OutboxEntry::stands_as`]), and a failed attempt is retried or given up by
//! the task's rules ([`OutboxEntry::attempt_failed`]).

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Failure, RetryPolicy, Task};

/// An outbox entry's id: deterministic from what caused it, so re-deriving the same
/// effect (a replayed input) enqueues nothing new.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EffectId(pub Uuid);

impl std::fmt::Display for EffectId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Where an outbox entry stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum OutboxState {
    /// Waiting to be performed (again).
    Pending,
    /// Performed and its result stored.
    Done,
    /// Gave up: a permanent failure or every retry spent.
    Failed {
        /// The last error.
        error: String,
    },
}

/// An external effect to perform after commit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    /// Its id (and the idempotency key's base).
    pub id: EffectId,
    /// What to do.
    pub task: Task,
    /// Where it stands.
    pub state: OutboxState,
    /// Attempts made so far.
    pub attempts: u32,
    /// Not before this instant.
    pub next_attempt_at: DateTime<Utc>,
    /// When it was enqueued.
    pub created_at: DateTime<Utc>,
}

impl OutboxEntry {
    /// A new pending entry due at `now`.
    pub fn new(id: EffectId, task: Task, now: DateTime<Utc>) -> Self {
        OutboxEntry {
            id,
            task,
            state: OutboxState::Pending,
            attempts: 0,
            next_attempt_at: now,
            created_at: now,
        }
    }

    /// The same entry after a retryable failure, due again after `delay`.
    pub fn retry_after(&self, now: DateTime<Utc>, delay: Duration) -> Self {
        let delay = chrono::TimeDelta::from_std(delay).unwrap_or(chrono::TimeDelta::MAX);
        OutboxEntry {
            attempts: self.attempts.saturating_add(1),
            next_attempt_at: now.checked_add_signed(delay).unwrap_or(now),
            ..self.clone()
        }
    }

    /// Whether this stored entry still stands as a runner took it (`taken`): pending,
    /// after as many attempts. Otherwise another runner stored a result meanwhile and
    /// the taker's result is dropped.
    pub fn stands_as(&self, taken: &OutboxEntry) -> bool {
        self.state == OutboxState::Pending && self.attempts == taken.attempts
    }

    /// The entry once its task was performed and its result stored.
    pub fn performed(self) -> Self {
        OutboxEntry {
            state: OutboxState::Done,
            attempts: self.attempts.saturating_add(1),
            ..self
        }
    }

    /// The entry after an attempt failed: due again after the
    /// [task's backoff](Task::after_failure), or given up (`Failed`, with the
    /// failure's error) when the failure is permanent or the attempts are spent.
    pub fn attempt_failed(
        self,
        policy: &RetryPolicy,
        failure: Failure,
        now: DateTime<Utc>,
    ) -> Self {
        let attempts = self.attempts.saturating_add(1);
        let seed = self.id.0.as_u64_pair().0;
        match self.task.after_failure(policy, attempts, &failure, seed) {
            Some(delay) => self.retry_after(now, delay),
            None => OutboxEntry {
                state: OutboxState::Failed {
                    error: failure.error,
                },
                attempts,
                ..self
            },
        }
    }

    /// Whether it was given up.
    pub fn is_failed(&self) -> bool {
        matches!(self.state, OutboxState::Failed { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tasks::payouts::PayoutBatch;
    use chrono::TimeZone;

    fn entry(task: Task) -> OutboxEntry {
        let now = Utc
            .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
            .single()
            .unwrap_or_default();
        OutboxEntry::new(EffectId(Uuid::from_u128(7)), task, now)
    }

    fn failure(retryable: bool, provider_wait: Option<Duration>) -> Failure {
        Failure {
            retryable,
            provider_wait,
            error: "x".into(),
        }
    }

    fn payouts() -> Task {
        let batch = PayoutBatch {
            reference: "b".into(),
            items: vec![],
        };
        Task::SubmitPayouts { batch }
    }

    #[test]
    fn a_permanent_failure_gives_up_at_once() {
        let e = entry(payouts());
        let now = e.created_at;
        let failed = e.attempt_failed(&RetryPolicy::default(), failure(false, None), now);
        assert!(failed.is_failed());
        assert_eq!(failed.attempts, 1);
    }

    #[test]
    fn a_task_that_must_complete_is_retried_past_its_budget_at_the_longest_delay() {
        let policy = RetryPolicy::default();
        let mut e = entry(payouts());
        e.attempts = policy.max_attempts + 3;
        let now = e.created_at;
        let again = e.clone().attempt_failed(&policy, failure(true, None), now);
        assert!(again.stands_as(&OutboxEntry {
            attempts: again.attempts,
            ..e
        }));
        assert_eq!(again.next_attempt_at - now, chrono::TimeDelta::seconds(60));
    }

    #[test]
    fn a_result_is_stored_once() {
        let taken = entry(payouts());
        let done = taken.clone().performed();
        assert!(!done.stands_as(&taken));
        assert_eq!(done.state, OutboxState::Done);
    }

    #[test]
    fn a_provider_asking_to_wait_longer_than_the_backoff_is_waited_for() {
        let policy = RetryPolicy::default();
        let e = entry(payouts());
        let now = e.created_at;
        let wait = Duration::from_secs(120);
        let again = e
            .clone()
            .attempt_failed(&policy, failure(true, Some(wait)), now);
        assert_eq!(again.next_attempt_at - now, chrono::TimeDelta::seconds(120));
        let short = Some(Duration::from_millis(1));
        let backoff = e.attempt_failed(&policy, failure(true, short), now);
        assert!(backoff.next_attempt_at - now >= chrono::TimeDelta::milliseconds(250));
    }

    #[test]
    fn attempts_never_overflow() {
        let mut e = entry(payouts());
        e.attempts = u32::MAX;
        let now = e.created_at;
        let again = e
            .clone()
            .attempt_failed(&RetryPolicy::default(), failure(true, None), now);
        assert_eq!(again.attempts, u32::MAX);
        assert_eq!(e.performed().attempts, u32::MAX);
    }
}
