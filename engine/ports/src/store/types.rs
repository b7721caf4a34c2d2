//! The data the store port moves.

use chrono::{DateTime, Utc};
use patungan_core::ledger::{Account, TransferRecord};
use patungan_core::session::{Event, Session, SessionStatus};
use patungan_core::SessionId;

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
