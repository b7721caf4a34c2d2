//! The data the store port moves.

use std::time::Duration;

use chrono::{DateTime, Utc};
use patungan_core::ledger::{Account, TransferRecord};
use patungan_core::session::{Event, Session, SessionStatus};
use patungan_core::SessionId;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use patungan_core::tasks::Task;

/// A store operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// Another writer changed the same row first; retry the operation.
    #[error("concurrent update of {what}; retry")]
    Conflict {
        /// What was contended.
        what: String,
    },
    /// The database could not be reached or failed; retry later.
    #[error("store unavailable: {0}")]
    Unavailable(String),
    /// Stored data could not be decoded or breaks an invariant.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::Conflict { .. } => "store.conflict",
            StoreError::Unavailable(_) => "store.unavailable",
            StoreError::Corrupt(_) => "store.corrupt",
        }
    }

    /// Whether repeating the operation may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            StoreError::Conflict { .. } | StoreError::Unavailable(_)
        )
    }
}

/// A session's head row: its version is the number of events in its log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionHead {
    /// Events so far.
    pub version: u64,
    /// Its status.
    pub status: SessionStatus,
}

/// What [`StoreTx::load_session`](super::StoreTx::load_session) returns.
#[derive(Debug, Clone)]
pub struct SessionLoad {
    /// A snapshot and the version it stands for, when one is newer than asked.
    pub snapshot: Option<(u64, Session)>,
    /// The events after the snapshot (or after `after_version`), in order.
    pub events: Vec<Event>,
}

/// New events of a session and its new head.
#[derive(Debug, Clone)]
pub struct SessionWrite {
    /// The session.
    pub id: SessionId,
    /// The version the events follow (0 to create the session).
    pub expected_version: u64,
    /// The new events, in order.
    pub events: Vec<Event>,
    /// Its status after them.
    pub status: SessionStatus,
    /// When the session next needs a timer, if ever.
    pub next_deadline: Option<DateTime<Utc>>,
    /// A snapshot of the session after the events, when the engine chose to take one.
    pub snapshot: Option<Session>,
}

impl SessionWrite {
    /// The version after the write.
    pub fn new_version(&self) -> u64 {
        self.expected_version + self.events.len() as u64
    }
}

/// What changed in a ledger working set: accounts to write back, records to insert
/// or update.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LedgerDiff {
    /// Accounts whose balances changed (or that were opened).
    pub accounts: Vec<Account>,
    /// New transfer records, in commit order.
    pub inserted: Vec<TransferRecord>,
    /// Existing records whose pending status changed.
    pub updated: Vec<TransferRecord>,
}

impl LedgerDiff {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.accounts.is_empty() && self.inserted.is_empty() && self.updated.is_empty()
    }
}

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
            attempts: self.attempts + 1,
            next_attempt_at: now.checked_add_signed(delay).unwrap_or(now),
            ..self.clone()
        }
    }
}
