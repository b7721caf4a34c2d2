//! The store port: everything the engine keeps, written in transactions.
//!
//! One engine operation is one [`StoreTx`]: it locks what it changes (a session's
//! head row, ledger accounts in sorted id order, the withdrawal book), reads, writes
//! and commits — or is dropped and changes nothing. Session events, the new session
//! head, ledger postings, records and the outbox entries of external effects are
//! committed together (the transactional outbox); an effect is performed only after
//! that commit.

mod rows;
mod types;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use patungan_core::ledger::{Account, AccountSpec, Ledger, TransferRecord};
use patungan_core::session::SessionStatus;
use patungan_core::tasks::Task;
use patungan_core::{SessionId, TransferId};

pub use patungan_core::tasks::outbox::{EffectId, OutboxEntry, OutboxState};
pub use rows::{NotificationRecord, PayoutSchedule, Record, Row, RowKey, RowQuery};
pub use types::{LedgerDiff, SessionHead, SessionLoad, SessionWrite, StoreError};

/// Where the engine keeps its state (PostgreSQL, or the in-memory store of `patungan-memory`).
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Starts a transaction.
    async fn begin(&self) -> Result<Box<dyn StoreTx>, StoreError>;

    /// Starts a transaction that only reads (a session view, a preview): it sees one
    /// consistent state and takes no row lock — its `lock_session`, `row` and `rows`
    /// read without locking — so readers never queue behind writers. It must not
    /// write. The default is [`Store::begin`], for stores without row locks.
    async fn begin_read(&self) -> Result<Box<dyn StoreTx>, StoreError> {
        self.begin().await
    }

    /// Sessions whose next deadline is at or before `now`, soonest first.
    async fn due_sessions(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<SessionId>, StoreError>;

    /// Outbox entries waiting to be performed whose next attempt is due at `now`, oldest first.
    async fn due_outbox(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<OutboxEntry>, StoreError>;

    /// Claims up to `limit` outbox entries due at `now` for a runner: they are not due
    /// to other runners before `until` (unless their result is stored first), so
    /// runners of several processes share the due entries instead of repeating each
    /// other's. A runner that dies holding a claim leaves the entries due again at
    /// `until`. Oldest first. A store without claims answers as [`Store::due_outbox`].
    async fn claim_outbox(
        &self,
        now: DateTime<Utc>,
        limit: usize,
        until: DateTime<Utc>,
    ) -> Result<Vec<OutboxEntry>, StoreError> {
        let _ = until;
        self.due_outbox(now, limit).await
    }

    /// Every ledger account and transfer record (for reconciliation and audits).
    async fn ledger_dump(&self) -> Result<(Vec<Account>, Vec<TransferRecord>), StoreError>;

    /// Every session id with its status.
    async fn sessions(&self) -> Result<Vec<(SessionId, SessionStatus)>, StoreError>;

    /// One committed row (a read that locks nothing).
    async fn read_row(&self, key: &RowKey) -> Result<Option<Row>, StoreError>;

    /// The committed rows a query finds, in key order (a read that locks nothing).
    async fn read_rows(&self, query: &RowQuery) -> Result<Vec<Row>, StoreError>;
}

/// One transaction. Dropping it without [`StoreTx::commit`] rolls everything back.
#[async_trait]
pub trait StoreTx: Send {
    /// Locks a session's head row until commit; `None` if there is no such session.
    async fn lock_session(&mut self, id: SessionId) -> Result<Option<SessionHead>, StoreError>;

    /// Loads a session: the latest snapshot at or after `after_version` (if any is
    /// newer than what the caller holds) and the events after it. With
    /// `after_version = None` the whole session is loaded.
    async fn load_session(
        &mut self,
        id: SessionId,
        after_version: Option<u64>,
    ) -> Result<SessionLoad, StoreError>;

    /// Appends a session's new events and moves its head (creating it for version
    /// `events.len()` when `expected_version` is 0).
    async fn save_session(&mut self, write: &SessionWrite) -> Result<(), StoreError>;

    /// Locks the existing accounts among `specs` (in sorted id order) and returns a
    /// working-set ledger holding them and the existing transfer records among
    /// `transfers`. Accounts that do not exist yet are left out: the engine opens
    /// them in the working set, and [`StoreTx::put_ledger`] writes them.
    async fn ledger(
        &mut self,
        specs: &[AccountSpec],
        transfers: &[TransferId],
    ) -> Result<Ledger, StoreError>;

    /// Writes what changed in a working set returned by [`StoreTx::ledger`].
    async fn put_ledger(&mut self, diff: &LedgerDiff) -> Result<(), StoreError>;

    /// Locks and reads one row.
    async fn row(&mut self, key: &RowKey) -> Result<Option<Row>, StoreError>;

    /// Locks and reads the rows a query finds, in key order.
    async fn rows(&mut self, query: &RowQuery) -> Result<Vec<Row>, StoreError>;

    /// Inserts or replaces a row.
    async fn put_row(&mut self, row: Row) -> Result<(), StoreError>;

    /// Adds outbox entries; an entry whose id exists already is left as it is.
    async fn enqueue(&mut self, entries: &[OutboxEntry]) -> Result<(), StoreError>;

    /// Locks and reads one outbox entry.
    async fn outbox_entry(&mut self, id: EffectId) -> Result<Option<OutboxEntry>, StoreError>;

    /// Locks and reads the outbox entries of `ids` that exist, in id order (a store
    /// may read them in one round trip).
    async fn outbox_entries(&mut self, ids: &[EffectId]) -> Result<Vec<OutboxEntry>, StoreError> {
        let mut sorted = ids.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        let mut found = Vec::with_capacity(sorted.len());
        for id in sorted {
            if let Some(entry) = self.outbox_entry(id).await? {
                found.push(entry);
            }
        }
        Ok(found)
    }

    /// Replaces an outbox entry's state, attempts and next attempt time.
    async fn update_outbox(&mut self, entry: &OutboxEntry) -> Result<(), StoreError>;

    /// Records a notification's dedup key; `false` if it was seen before.
    async fn inbox_insert(&mut self, key: &str, at: DateTime<Utc>) -> Result<bool, StoreError>;

    /// Makes every write of the transaction durable at once.
    async fn commit(self: Box<Self>) -> Result<(), StoreError>;
}

fn wrong_kind(key: &RowKey) -> StoreError {
    StoreError::Corrupt(format!("the row at {key:?} is of another kind"))
}

fn typed<R: Record>(rows: Vec<Row>, query: &RowQuery) -> Result<Vec<R>, StoreError> {
    rows.into_iter()
        .map(|row| {
            R::from_row(row).ok_or_else(|| {
                StoreError::Corrupt(format!("{query:?} found a row of another kind"))
            })
        })
        .collect()
}

impl dyn StoreTx + '_ {
    /// Locks and reads the record with this key.
    pub async fn get<R: Record>(&mut self, key: R::Key) -> Result<Option<R>, StoreError> {
        let key = R::row_key(key);
        match self.row(&key).await? {
            None => Ok(None),
            Some(row) => R::from_row(row).map(Some).ok_or_else(|| wrong_kind(&key)),
        }
    }

    /// Locks and reads the records a query finds.
    pub async fn find<R: Record>(&mut self, query: RowQuery) -> Result<Vec<R>, StoreError> {
        let rows = self.rows(&query).await?;
        typed(rows, &query)
    }

    /// Inserts or replaces a record.
    pub async fn put<R: Record>(&mut self, record: R) -> Result<(), StoreError> {
        self.put_row(record.into_row()).await
    }

    /// Queues one task in the outbox, due at `due` (an entry with this id already
    /// queued is kept as it is).
    pub async fn queue(
        &mut self,
        id: EffectId,
        task: Task,
        due: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.enqueue(&[OutboxEntry::new(id, task, due)]).await
    }
}

impl dyn Store {
    /// The committed record with this key (no lock).
    pub async fn read<R: Record>(&self, key: R::Key) -> Result<Option<R>, StoreError> {
        let key = R::row_key(key);
        match self.read_row(&key).await? {
            None => Ok(None),
            Some(row) => R::from_row(row).map(Some).ok_or_else(|| wrong_kind(&key)),
        }
    }

    /// The committed records a query finds (no lock).
    pub async fn read_all<R: Record>(&self, query: RowQuery) -> Result<Vec<R>, StoreError> {
        let rows = self.read_rows(&query).await?;
        typed(rows, &query)
    }
}
