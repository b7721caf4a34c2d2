//! The in-memory store: the embedded default. One transaction at a time, with an
//! undo log so that a dropped transaction changes nothing.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use patungan_core::ledger::{Account, AccountSpec, Ledger, TransferRecord};
use patungan_core::session::{Event, Session, SessionStatus};
use patungan_core::{AccountId, SessionId, TransferId};
use tokio::sync::{Mutex, OwnedMutexGuard};

use patungan_ports::store::{
    EffectId, LedgerDiff, OutboxEntry, OutboxState, SessionHead, SessionLoad, SessionWrite,
    StoreError,
};
use patungan_ports::store::{Row, RowKey, RowQuery};
use patungan_ports::store::{Store, StoreTx};

#[derive(Debug, Clone)]
struct StoredSession {
    head: SessionHead,
    events: Vec<Event>,
    snapshot: Option<(u64, Session)>,
    next_deadline: Option<DateTime<Utc>>,
}

#[derive(Debug, Default)]
struct Data {
    sessions: HashMap<SessionId, StoredSession>,
    accounts: HashMap<AccountId, Account>,
    transfers: HashMap<TransferId, TransferRecord>,
    transfer_order: Vec<TransferId>,
    rows: BTreeMap<RowKey, Row>,
    outbox: BTreeMap<EffectId, OutboxEntry>,
    outbox_pending: BTreeSet<EffectId>,
    inbox: HashSet<String>,
}

enum Undo {
    Session {
        id: SessionId,
        previous: Option<(SessionHead, usize, Option<DateTime<Utc>>)>,
        snapshot: Option<Option<Box<(u64, Session)>>>,
    },
    Account(AccountId, Option<Account>),
    Transfer(TransferId, Option<TransferRecord>, usize),
    Row(RowKey, Option<Row>),
    Outbox(EffectId, Option<OutboxEntry>),
    Inbox(String),
}

/// The in-memory [`Store`]. Cheap to clone: clones share the same data, which is how
/// a simulated crash hands the state to a fresh engine.
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    data: Arc<Mutex<Data>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        MemoryStore::default()
    }
}

struct MemoryTx {
    data: OwnedMutexGuard<Data>,
    undo: Vec<Undo>,
}

impl Drop for MemoryTx {
    fn drop(&mut self) {
        let data = &mut *self.data;
        while let Some(undo) = self.undo.pop() {
            match undo {
                Undo::Session {
                    id,
                    previous,
                    snapshot,
                } => match previous {
                    None => {
                        data.sessions.remove(&id);
                    }
                    Some((head, len, deadline)) => {
                        if let Some(s) = data.sessions.get_mut(&id) {
                            s.head = head;
                            s.events.truncate(len);
                            s.next_deadline = deadline;
                            if let Some(snapshot) = snapshot {
                                s.snapshot = snapshot.map(|b| *b);
                            }
                        }
                    }
                },
                Undo::Account(id, previous) => restore(&mut data.accounts, id, previous),
                Undo::Transfer(id, previous, len) => {
                    restore(&mut data.transfers, id, previous);
                    data.transfer_order.truncate(len);
                }
                Undo::Row(key, previous) => match previous {
                    Some(row) => {
                        data.rows.insert(key, row);
                    }
                    None => {
                        data.rows.remove(&key);
                    }
                },
                Undo::Outbox(id, previous) => {
                    data.outbox_pending.remove(&id);
                    match previous {
                        Some(entry) => {
                            if entry.state == OutboxState::Pending {
                                data.outbox_pending.insert(id);
                            }
                            data.outbox.insert(id, entry);
                        }
                        None => {
                            data.outbox.remove(&id);
                        }
                    }
                }
                Undo::Inbox(key) => {
                    data.inbox.remove(&key);
                }
            }
        }
    }
}

fn restore<K: std::hash::Hash + Eq, V>(map: &mut HashMap<K, V>, key: K, previous: Option<V>) {
    match previous {
        Some(v) => {
            map.insert(key, v);
        }
        None => {
            map.remove(&key);
        }
    }
}

#[async_trait]
impl Store for MemoryStore {
    async fn begin(&self) -> Result<Box<dyn StoreTx>, StoreError> {
        Ok(Box::new(MemoryTx {
            data: self.data.clone().lock_owned().await,
            undo: Vec::new(),
        }))
    }

    async fn due_sessions(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<SessionId>, StoreError> {
        let data = self.data.lock().await;
        let mut due: Vec<(DateTime<Utc>, SessionId)> = data
            .sessions
            .iter()
            .filter_map(|(id, s)| s.next_deadline.filter(|d| *d <= now).map(|d| (d, *id)))
            .collect();
        due.sort_unstable();
        Ok(due.into_iter().take(limit).map(|(_, id)| id).collect())
    }

    async fn due_outbox(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<OutboxEntry>, StoreError> {
        let data = self.data.lock().await;
        let mut due: Vec<&OutboxEntry> = data
            .outbox_pending
            .iter()
            .filter_map(|id| data.outbox.get(id))
            .filter(|e| e.next_attempt_at <= now)
            .collect();
        due.sort_by_key(|e| (e.next_attempt_at, e.created_at, e.id));
        Ok(due.into_iter().take(limit).cloned().collect())
    }

    async fn ledger_dump(&self) -> Result<(Vec<Account>, Vec<TransferRecord>), StoreError> {
        let data = self.data.lock().await;
        let mut accounts: Vec<Account> = data.accounts.values().copied().collect();
        accounts.sort_by_key(Account::id);
        let records = data
            .transfer_order
            .iter()
            .filter_map(|id| data.transfers.get(id).copied())
            .collect();
        Ok((accounts, records))
    }

    async fn sessions(&self) -> Result<Vec<(SessionId, SessionStatus)>, StoreError> {
        let data = self.data.lock().await;
        let mut all: Vec<_> = data
            .sessions
            .iter()
            .map(|(id, s)| (*id, s.head.status))
            .collect();
        all.sort_unstable_by_key(|(id, _)| *id);
        Ok(all)
    }

    async fn read_row(&self, key: &RowKey) -> Result<Option<Row>, StoreError> {
        Ok(self.data.lock().await.rows.get(key).cloned())
    }

    async fn read_rows(&self, query: &RowQuery) -> Result<Vec<Row>, StoreError> {
        Ok(find(&*self.data.lock().await, query))
    }
}

fn find(data: &Data, query: &RowQuery) -> Vec<Row> {
    data.rows
        .values()
        .filter(|row| query.matches(row))
        .cloned()
        .collect()
}

#[async_trait]
impl StoreTx for MemoryTx {
    async fn lock_session(&mut self, id: SessionId) -> Result<Option<SessionHead>, StoreError> {
        Ok(self.data.sessions.get(&id).map(|s| s.head))
    }

    async fn load_session(
        &mut self,
        id: SessionId,
        after_version: Option<u64>,
    ) -> Result<SessionLoad, StoreError> {
        let stored = self
            .data
            .sessions
            .get(&id)
            .ok_or_else(|| StoreError::Corrupt(format!("session {id} has no log")))?;
        let from = after_version.unwrap_or(0);
        let snapshot = stored
            .snapshot
            .as_ref()
            .filter(|(v, _)| *v > from || after_version.is_none())
            .cloned();
        let start = snapshot.as_ref().map_or(from, |(v, _)| *v);
        let start = usize::try_from(start).unwrap_or(usize::MAX);
        let events = stored.events.get(start..).unwrap_or_default().to_vec();
        Ok(SessionLoad { snapshot, events })
    }

    async fn save_session(&mut self, write: &SessionWrite) -> Result<(), StoreError> {
        let head = SessionHead {
            version: write.new_version(),
            status: write.status,
        };
        let data = &mut *self.data;
        match data.sessions.get_mut(&write.id) {
            None if write.expected_version == 0 => {
                data.sessions.insert(
                    write.id,
                    StoredSession {
                        head,
                        events: write.events.clone(),
                        snapshot: write.snapshot.clone().map(|s| (head.version, s)),
                        next_deadline: write.next_deadline,
                    },
                );
                self.undo.push(Undo::Session {
                    id: write.id,
                    previous: None,
                    snapshot: None,
                });
            }
            Some(stored) if stored.head.version == write.expected_version => {
                self.undo.push(Undo::Session {
                    id: write.id,
                    previous: Some((stored.head, stored.events.len(), stored.next_deadline)),
                    snapshot: write
                        .snapshot
                        .as_ref()
                        .map(|_| stored.snapshot.take().map(Box::new)),
                });
                stored.head = head;
                stored.events.extend(write.events.iter().cloned());
                stored.next_deadline = write.next_deadline;
                if let Some(snapshot) = &write.snapshot {
                    stored.snapshot = Some((head.version, snapshot.clone()));
                }
            }
            _ => {
                return Err(StoreError::Conflict {
                    what: format!("session {}", write.id),
                })
            }
        }
        Ok(())
    }

    async fn ledger(
        &mut self,
        specs: &[AccountSpec],
        transfers: &[TransferId],
    ) -> Result<Ledger, StoreError> {
        let mut ids: Vec<AccountId> = specs.iter().map(|s| s.id).collect();
        ids.sort_unstable();
        ids.dedup();
        let accounts = ids
            .iter()
            .filter_map(|id| self.data.accounts.get(id).copied())
            .collect();
        let records = transfers
            .iter()
            .filter_map(|id| self.data.transfers.get(id).copied())
            .collect();
        Ledger::working_set(accounts, records).map_err(|e| StoreError::Corrupt(e.to_string()))
    }

    async fn put_ledger(&mut self, diff: &LedgerDiff) -> Result<(), StoreError> {
        let data = &mut *self.data;
        for account in &diff.accounts {
            let previous = data.accounts.insert(account.id(), *account);
            self.undo.push(Undo::Account(account.id(), previous));
        }
        for record in &diff.inserted {
            let len = data.transfer_order.len();
            if data.transfers.contains_key(&record.id()) {
                return Err(StoreError::Conflict {
                    what: format!("transfer {}", record.id()),
                });
            }
            data.transfers.insert(record.id(), *record);
            data.transfer_order.push(record.id());
            self.undo.push(Undo::Transfer(record.id(), None, len));
        }
        for record in &diff.updated {
            let len = data.transfer_order.len();
            let previous = data.transfers.insert(record.id(), *record);
            if previous.is_none() {
                return Err(StoreError::Corrupt(format!(
                    "updated transfer {} does not exist",
                    record.id()
                )));
            }
            self.undo.push(Undo::Transfer(record.id(), previous, len));
        }
        Ok(())
    }

    async fn row(&mut self, key: &RowKey) -> Result<Option<Row>, StoreError> {
        Ok(self.data.rows.get(key).cloned())
    }

    async fn rows(&mut self, query: &RowQuery) -> Result<Vec<Row>, StoreError> {
        Ok(find(&self.data, query))
    }

    async fn put_row(&mut self, row: Row) -> Result<(), StoreError> {
        let key = row.key();
        let previous = self.data.rows.insert(key.clone(), row);
        self.undo.push(Undo::Row(key, previous));
        Ok(())
    }

    async fn enqueue(&mut self, entries: &[OutboxEntry]) -> Result<(), StoreError> {
        for entry in entries {
            if self.data.outbox.contains_key(&entry.id) {
                continue;
            }
            self.data.outbox.insert(entry.id, entry.clone());
            if entry.state == OutboxState::Pending {
                self.data.outbox_pending.insert(entry.id);
            }
            self.undo.push(Undo::Outbox(entry.id, None));
        }
        Ok(())
    }

    async fn outbox_entry(&mut self, id: EffectId) -> Result<Option<OutboxEntry>, StoreError> {
        Ok(self.data.outbox.get(&id).cloned())
    }

    async fn update_outbox(&mut self, entry: &OutboxEntry) -> Result<(), StoreError> {
        let previous = self.data.outbox.insert(entry.id, entry.clone());
        self.data.outbox_pending.remove(&entry.id);
        if entry.state == OutboxState::Pending {
            self.data.outbox_pending.insert(entry.id);
        }
        self.undo.push(Undo::Outbox(entry.id, previous));
        Ok(())
    }

    async fn inbox_insert(&mut self, key: &str, _at: DateTime<Utc>) -> Result<bool, StoreError> {
        if !self.data.inbox.insert(key.to_owned()) {
            return Ok(false);
        }
        self.undo.push(Undo::Inbox(key.to_owned()));
        Ok(true)
    }

    async fn commit(mut self: Box<Self>) -> Result<(), StoreError> {
        self.undo.clear();
        Ok(())
    }
}
