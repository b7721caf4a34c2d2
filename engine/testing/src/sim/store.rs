//! A store wrapper that makes one engine process die (or hiccup) at a chosen store
//! call: the transaction in flight is dropped (rolled back), exactly as if the
//! process had stopped between two statements.

use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use patungan_core::ledger::{Account, AccountSpec, Ledger, TransferRecord};
use patungan_core::session::SessionStatus;
use patungan_core::{SessionId, TransferId};
use patungan_engine::store::{
    EffectId, LedgerDiff, OutboxEntry, Row, RowKey, RowQuery, SessionHead, SessionLoad,
    SessionWrite, Store, StoreError, StoreTx,
};

/// What happens when the countdown reaches zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// The process is gone: every later store call fails until it is replaced.
    Crash,
    /// One call fails (a dropped connection); the process carries on.
    Blip,
}

#[derive(Debug, Default)]
struct State {
    countdown: Option<(u32, FaultKind)>,
    down: bool,
    fired: u64,
    commits: u64,
    failing_commits: u32,
}

/// The fault switch of one engine process.
#[derive(Debug, Default)]
pub struct StoreFaults {
    state: Mutex<State>,
}

impl StoreFaults {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Fail the store call after the next `calls` ones.
    pub fn arm(&self, calls: u32, kind: FaultKind) {
        self.state().countdown = Some((calls, kind));
    }

    /// Whether a countdown is running.
    pub fn armed(&self) -> bool {
        self.state().countdown.is_some()
    }

    /// Whether the process has crashed.
    pub fn is_down(&self) -> bool {
        self.state().down
    }

    /// How many faults fired so far.
    pub fn fired(&self) -> u64 {
        self.state().fired
    }

    /// Transactions committed through this switch so far.
    pub fn commits(&self) -> u64 {
        self.state().commits
    }

    /// The next `count` commits fail (rolled back, a retryable store error).
    pub fn fail_commits(&self, count: u32) {
        self.state().failing_commits = count;
    }

    /// Whether this commit fails; counts it if not.
    fn commit_fails(&self) -> bool {
        let mut s = self.state();
        if s.failing_commits > 0 {
            s.failing_commits -= 1;
            s.fired += 1;
            return true;
        }
        false
    }

    fn committed(&self) {
        self.state().commits += 1;
    }

    fn check(&self) -> Result<(), StoreError> {
        let mut s = self.state();
        if s.down {
            return Err(StoreError::Unavailable("simulated crash".into()));
        }
        match s.countdown {
            Some((0, kind)) => {
                s.countdown = None;
                s.fired += 1;
                if kind == FaultKind::Crash {
                    s.down = true;
                    Err(StoreError::Unavailable("simulated crash".into()))
                } else {
                    Err(StoreError::Unavailable("simulated store blip".into()))
                }
            }
            Some((n, kind)) => {
                s.countdown = Some((n - 1, kind));
                Ok(())
            }
            None => Ok(()),
        }
    }
}

/// Any store behind a [`StoreFaults`] switch.
pub struct FaultyStore {
    inner: Arc<dyn Store>,
    faults: Arc<StoreFaults>,
}

impl FaultyStore {
    /// Wraps `inner`: every call first asks `faults` whether to fail.
    pub fn new(inner: Arc<dyn Store>, faults: Arc<StoreFaults>) -> Self {
        FaultyStore { inner, faults }
    }
}

struct FaultyTx {
    inner: Box<dyn StoreTx>,
    faults: Arc<StoreFaults>,
}

#[async_trait]
impl Store for FaultyStore {
    async fn begin(&self) -> Result<Box<dyn StoreTx>, StoreError> {
        self.faults.check()?;
        Ok(Box::new(FaultyTx {
            inner: self.inner.begin().await?,
            faults: self.faults.clone(),
        }))
    }

    async fn begin_read(&self) -> Result<Box<dyn StoreTx>, StoreError> {
        self.faults.check()?;
        Ok(Box::new(FaultyTx {
            inner: self.inner.begin_read().await?,
            faults: self.faults.clone(),
        }))
    }

    async fn due_sessions(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<SessionId>, StoreError> {
        self.faults.check()?;
        self.inner.due_sessions(now, limit).await
    }

    async fn due_outbox(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<OutboxEntry>, StoreError> {
        self.faults.check()?;
        self.inner.due_outbox(now, limit).await
    }

    async fn ledger_dump(&self) -> Result<(Vec<Account>, Vec<TransferRecord>), StoreError> {
        self.faults.check()?;
        self.inner.ledger_dump().await
    }

    async fn sessions(&self) -> Result<Vec<(SessionId, SessionStatus)>, StoreError> {
        self.faults.check()?;
        self.inner.sessions().await
    }

    async fn read_row(&self, key: &RowKey) -> Result<Option<Row>, StoreError> {
        self.faults.check()?;
        self.inner.read_row(key).await
    }

    async fn read_rows(&self, query: &RowQuery) -> Result<Vec<Row>, StoreError> {
        self.faults.check()?;
        self.inner.read_rows(query).await
    }
}

#[async_trait]
impl StoreTx for FaultyTx {
    async fn lock_session(&mut self, id: SessionId) -> Result<Option<SessionHead>, StoreError> {
        self.faults.check()?;
        self.inner.lock_session(id).await
    }

    async fn load_session(
        &mut self,
        id: SessionId,
        after_version: Option<u64>,
    ) -> Result<SessionLoad, StoreError> {
        self.faults.check()?;
        self.inner.load_session(id, after_version).await
    }

    async fn save_session(&mut self, write: &SessionWrite) -> Result<(), StoreError> {
        self.faults.check()?;
        self.inner.save_session(write).await
    }

    async fn ledger(
        &mut self,
        specs: &[AccountSpec],
        transfers: &[TransferId],
    ) -> Result<Ledger, StoreError> {
        self.faults.check()?;
        self.inner.ledger(specs, transfers).await
    }

    async fn put_ledger(&mut self, diff: &LedgerDiff) -> Result<(), StoreError> {
        self.faults.check()?;
        self.inner.put_ledger(diff).await
    }

    async fn row(&mut self, key: &RowKey) -> Result<Option<Row>, StoreError> {
        self.faults.check()?;
        self.inner.row(key).await
    }

    async fn rows(&mut self, query: &RowQuery) -> Result<Vec<Row>, StoreError> {
        self.faults.check()?;
        self.inner.rows(query).await
    }

    async fn put_row(&mut self, row: Row) -> Result<(), StoreError> {
        self.faults.check()?;
        self.inner.put_row(row).await
    }

    async fn enqueue(&mut self, entries: &[OutboxEntry]) -> Result<(), StoreError> {
        self.faults.check()?;
        self.inner.enqueue(entries).await
    }

    async fn outbox_entry(&mut self, id: EffectId) -> Result<Option<OutboxEntry>, StoreError> {
        self.faults.check()?;
        self.inner.outbox_entry(id).await
    }

    async fn update_outbox(&mut self, entry: &OutboxEntry) -> Result<(), StoreError> {
        self.faults.check()?;
        self.inner.update_outbox(entry).await
    }

    async fn outbox_entries(&mut self, ids: &[EffectId]) -> Result<Vec<OutboxEntry>, StoreError> {
        self.faults.check()?;
        self.inner.outbox_entries(ids).await
    }

    async fn inbox_insert(&mut self, key: &str, at: DateTime<Utc>) -> Result<bool, StoreError> {
        self.faults.check()?;
        self.inner.inbox_insert(key, at).await
    }

    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        self.faults.check()?;
        if self.faults.commit_fails() {
            return Err(StoreError::Unavailable("simulated failed commit".into()));
        }
        self.inner.commit().await?;
        self.faults.committed();
        Ok(())
    }
}
