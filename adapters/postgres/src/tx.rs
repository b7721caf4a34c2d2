//! One store transaction on one pooled connection, with pipelined writes.
//!
//! Writes are queued and sent in the same batch as the next read or as `COMMIT`;
//! `BEGIN` goes out with the first statement. A read therefore sees every earlier
//! write of its transaction, and a transaction that locks a session, writes and
//! commits costs two round trips. A failed statement poisons the transaction: every
//! later call returns the same error, and dropping it rolls back.

use std::collections::HashSet;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use patungan_core::ledger::{AccountSpec, Ledger};
use patungan_core::session::{Event, Session, SessionStatus};
use patungan_core::{AccountId, SessionId, TransferId};
use patungan_ports::store::{
    EffectId, LedgerDiff, OutboxEntry, Row as StoreRow, RowKey, RowQuery, SessionHead, SessionLoad,
    SessionWrite, StoreError, StoreTx,
};
use tokio_postgres::types::ToSql;
use tokio_postgres::{Row, Statement};
use uuid::Uuid;

use crate::codec::{
    self, attempts, ceil_micros, from_name, get, name_of, outbox_state, to_i64, to_u64,
    AccountBatch, BalanceBatch, Jsonb, OutboxBatch, Param, StatusBatch, TransferBatch,
};
use crate::error::{corrupt, store_error};
use crate::heads::{Heads, READ_AHEAD};
use crate::pipeline::{in_order, Step};
use crate::pool::PooledConn;
use crate::rows::{self, Lock};
use crate::snapshots::Snapshots;
use crate::statements::Statements;

/// A statement and its parameters, waiting to be sent.
struct Queued {
    statement: Statement,
    params: Vec<Param>,
}

impl Queued {
    fn new(statement: &Statement, params: Vec<Param>) -> Self {
        Queued {
            statement: statement.clone(),
            params,
        }
    }

    fn refs(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.params
            .iter()
            .map(|p| &**p as &(dyn ToSql + Sync))
            .collect()
    }
}

/// How a round of statements ends.
enum Finish {
    /// With these reads, whose rows are returned.
    Read(Vec<Queued>),
    /// With `COMMIT`.
    Commit,
}

/// One session's new head and events, waiting for `write_batch`.
struct HeadWrite {
    id: Uuid,
    expected: i64,
    version: i64,
    status: String,
    deadline: Option<DateTime<Utc>>,
    events: Vec<Jsonb>,
}

/// The writes of the hot path — a session's head and log, outbox entries —
/// gathered until the next read or commit and then sent as one `write_batch`.
#[derive(Default)]
struct Batch {
    head: Option<HeadWrite>,
    outbox: OutboxBatch,
}

impl Batch {
    fn is_empty(&self) -> bool {
        self.head.is_none() && self.outbox.is_empty()
    }

    fn into_params(mut self) -> Vec<Param> {
        let head = self.head.take();
        let (id, expected, version, status, deadline, events) = match head {
            Some(h) => (
                Some(h.id),
                h.expected,
                h.version,
                Some(h.status),
                h.deadline,
                h.events,
            ),
            None => (None, 0, 0, None, None, Vec::new()),
        };
        let mut params: Vec<Param> = vec![
            Box::new(id),
            Box::new(expected),
            Box::new(version),
            Box::new(status),
            Box::new(deadline),
            Box::new(events),
        ];
        params.extend(self.outbox.into_params());
        params
    }
}

/// What a transaction may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// Reads lock what they read (`FOR UPDATE`); writes are allowed.
    ReadWrite,
    /// `REPEATABLE READ READ ONLY`: one snapshot, no row locks, no writes.
    ReadOnly,
}

/// A transaction of [`PostgresStore`](crate::PostgresStore).
pub(crate) struct PgTx {
    access: Access,
    conn: Option<PooledConn>,
    statements: Arc<Statements>,
    /// `BEGIN` has been sent: dropping must roll back.
    begun: bool,
    /// Other writes, in order (sent before the batch).
    queued: Vec<Queued>,
    batch: Batch,
    poisoned: Option<StoreError>,
    /// Accounts this transaction read (locked) or inserted: written back with UPDATE.
    accounts: HashSet<AccountId>,
    /// Rows this transaction read by key and found missing: written with a plain INSERT.
    absent_rows: HashSet<RowKey>,
    /// Snapshots to store once the transaction has committed.
    taken: Vec<(SessionId, u64, bool, Session)>,
    writer: Arc<Snapshots>,
    /// Heads this transaction moves: (session, new version).
    moved: Vec<(SessionId, u64)>,
    heads: Arc<Heads>,
    /// Events read behind the last lock: (session, after version, rows).
    ahead: Option<(SessionId, u64, Vec<Row>)>,
}

impl PgTx {
    pub(crate) fn new(
        conn: PooledConn,
        writer: Arc<Snapshots>,
        heads: Arc<Heads>,
        access: Access,
    ) -> Result<Self, StoreError> {
        let statements = Arc::clone(&conn.conn()?.statements);
        Ok(PgTx {
            access,
            conn: Some(conn),
            statements,
            begun: false,
            queued: Vec::new(),
            batch: Batch::default(),
            poisoned: None,
            accounts: HashSet::new(),
            absent_rows: HashSet::new(),
            taken: Vec::new(),
            writer,
            moved: Vec::new(),
            heads,
            ahead: None,
        })
    }

    /// How this transaction's row reads lock.
    fn lock(&self) -> Lock {
        match self.access {
            Access::ReadWrite => Lock::ForUpdate,
            Access::ReadOnly => Lock::None,
        }
    }

    fn check(&self) -> Result<(), StoreError> {
        match &self.poisoned {
            Some(error) => Err(error.clone()),
            None => Ok(()),
        }
    }

    fn queue(&mut self, statement: &Statement, params: Vec<Param>) -> Result<(), StoreError> {
        self.check()?;
        self.queued.push(Queued::new(statement, params));
        Ok(())
    }

    /// Sends `BEGIN` (the first time), the queued writes and `finish`, all in one
    /// batch, and returns the rows of the reads.
    async fn round(&mut self, finish: Finish) -> Result<Vec<Vec<Row>>, StoreError> {
        self.check()?;
        let begin = !self.begun;
        let mut writes = std::mem::take(&mut self.queued);
        let batch = std::mem::take(&mut self.batch);
        if !batch.is_empty() {
            writes.push(Queued::new(
                &self.statements.write_batch,
                batch.into_params(),
            ));
        }
        let (reads, commit) = match finish {
            Finish::Read(reads) => (reads, false),
            Finish::Commit => (Vec::new(), true),
        };
        if commit && begin && writes.is_empty() {
            return Ok(Vec::new()); // nothing was sent, nothing to commit
        }
        let conn = self
            .conn
            .as_ref()
            .ok_or_else(|| StoreError::Unavailable("transaction has no connection".to_owned()))?;
        let client = &conn.conn()?.client;
        self.begun = true;
        let write_refs: Vec<_> = writes.iter().map(Queued::refs).collect();
        let read_refs: Vec<_> = reads.iter().map(Queued::refs).collect();
        let mut steps: Vec<Step<'_, Result<Option<Vec<Row>>, tokio_postgres::Error>>> =
            Vec::with_capacity(writes.len() + reads.len() + 2);
        if begin {
            let sql = match self.access {
                Access::ReadWrite => "BEGIN",
                Access::ReadOnly => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
            };
            steps.push(Box::pin(async move {
                client.batch_execute(sql).await.map(|()| None)
            }));
        }
        for (write, refs) in writes.iter().zip(&write_refs) {
            steps.push(Box::pin(async move {
                client.execute(&write.statement, refs).await.map(|_| None)
            }));
        }
        for (read, refs) in reads.iter().zip(&read_refs) {
            steps.push(Box::pin(async move {
                client.query(&read.statement, refs).await.map(Some)
            }));
        }
        if commit {
            steps.push(Box::pin(async move {
                client.batch_execute("COMMIT").await.map(|()| None)
            }));
        }
        let mut rows = Vec::with_capacity(reads.len());
        let mut first_error = None;
        for result in in_order(steps).await {
            match result {
                Ok(Some(r)) => rows.push(r),
                Ok(None) => {}
                Err(e) => {
                    if first_error.is_none() {
                        first_error = Some(store_error(&e));
                    }
                }
            }
        }
        if commit {
            // COMMIT went out last: the transaction ended either way (a COMMIT after
            // a failed statement is a ROLLBACK).
            self.begun = false;
        }
        match first_error {
            Some(error) => {
                self.poisoned = Some(error.clone());
                Err(error)
            }
            None => Ok(rows),
        }
    }

    /// One read, sent after the queued writes.
    async fn read(
        &mut self,
        statement: &Statement,
        params: Vec<Param>,
    ) -> Result<Vec<Row>, StoreError> {
        let mut rows = self
            .round(Finish::Read(vec![Queued::new(statement, params)]))
            .await?;
        rows.pop()
            .ok_or_else(|| StoreError::Unavailable("a read returned no result".to_owned()))
    }
}

impl Drop for PgTx {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else {
            return;
        };
        if !self.begun {
            return; // nothing reached the server: the connection goes back as it is
        }
        match tokio::runtime::Handle::try_current() {
            Ok(handle) => {
                handle.spawn(async move {
                    let ok = match conn.conn() {
                        Ok(c) => c.client.batch_execute("ROLLBACK").await.is_ok(),
                        Err(_) => false,
                    };
                    if !ok {
                        conn.discard();
                    }
                });
            }
            // No runtime to roll back on: closing the connection rolls back.
            Err(_) => conn.discard(),
        }
    }
}

fn status_name(status: SessionStatus) -> Result<String, StoreError> {
    name_of(&status, "session status")
}

#[async_trait]
impl StoreTx for PgTx {
    async fn lock_session(&mut self, id: SessionId) -> Result<Option<SessionHead>, StoreError> {
        let uuid = *id.as_uuid();
        let head = match self.access {
            Access::ReadWrite => &self.statements.lock_session,
            Access::ReadOnly => &self.statements.read_session_head,
        };
        let mut reads = vec![Queued::new(head, vec![Box::new(uuid)])];
        let ahead_from = self.heads.read_ahead_from(id);
        if let Some(after) = ahead_from {
            reads.push(Queued::new(
                &self.statements.read_ahead,
                vec![
                    Box::new(uuid),
                    Box::new(to_i64(after, "session version")?),
                    Box::new(READ_AHEAD),
                ],
            ));
        }
        let mut results = self.round(Finish::Read(reads)).await?.into_iter();
        let rows = results.next().unwrap_or_default();
        let Some(row) = rows.first() else {
            return Ok(None);
        };
        let version: i64 = get(row, 0, "session head")?;
        let status: &str = get(row, 1, "session head")?;
        let head = SessionHead {
            version: to_u64(version, "session version")?,
            status: from_name(status, "session status")?,
        };
        self.heads.locked(id, head.version);
        self.ahead = match (ahead_from, results.next()) {
            // Only a complete gap is worth keeping.
            (Some(after), Some(events)) if after + events.len() as u64 == head.version => {
                Some((id, after, events))
            }
            _ => None,
        };
        Ok(Some(head))
    }

    async fn load_session(
        &mut self,
        id: SessionId,
        after_version: Option<u64>,
    ) -> Result<SessionLoad, StoreError> {
        if let Some((ahead_id, after, rows)) = self.ahead.take() {
            if ahead_id == id && after_version == Some(after) {
                let mut events = Vec::with_capacity(rows.len());
                for row in &rows {
                    let seq: i64 = get(row, 0, "session log")?;
                    let body: &str = get(row, 1, "session log")?;
                    let event: Event = serde_json::from_str(body)
                        .map_err(|e| corrupt(format_args!("session {id} event {seq}"), e))?;
                    events.push(event);
                }
                return Ok(SessionLoad {
                    snapshot: None,
                    events,
                });
            }
        }
        let after = match after_version {
            Some(v) => to_i64(v, "session version")?,
            None => -1,
        };
        let stmt = self.statements.load_session.clone();
        let rows = self
            .read(&stmt, vec![Box::new(*id.as_uuid()), Box::new(after)])
            .await?;
        if rows.is_empty() && after_version.is_none() {
            return Err(StoreError::Corrupt(format!("session {id} has no log")));
        }
        let mut snapshot = None;
        let mut events = Vec::with_capacity(rows.len());
        for row in &rows {
            let is_snapshot: bool = get(row, 0, "session log")?;
            let seq: i64 = get(row, 1, "session log")?;
            let body: &str = get(row, 2, "session log")?;
            if is_snapshot {
                let session: Session = serde_json::from_str(body)
                    .map_err(|e| corrupt(format_args!("session {id} snapshot"), e))?;
                snapshot = Some((to_u64(seq, "snapshot version")?, session));
            } else {
                let event: Event = serde_json::from_str(body)
                    .map_err(|e| corrupt(format_args!("session {id} event {seq}"), e))?;
                events.push(event);
            }
        }
        Ok(SessionLoad { snapshot, events })
    }

    async fn save_session(&mut self, write: &SessionWrite) -> Result<(), StoreError> {
        let events = write
            .events
            .iter()
            .map(|e| Jsonb::encode(e, "session event"))
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(snapshot) = &write.snapshot {
            self.taken.push((
                write.id,
                write.new_version(),
                write.status.is_terminal(),
                snapshot.clone(),
            ));
        }
        self.moved.push((write.id, write.new_version()));
        let version = to_i64(write.new_version(), "session version")?;
        let status = status_name(write.status)?;
        let deadline = write.next_deadline.map(ceil_micros);
        if write.expected_version == 0 {
            let stmt = self.statements.create_session.clone();
            let params: Vec<Param> = vec![
                Box::new(*write.id.as_uuid()),
                Box::new(version),
                Box::new(status),
                Box::new(deadline),
                Box::new(events),
            ];
            return self.queue(&stmt, params);
        }
        self.check()?;
        let expected = to_i64(write.expected_version, "session version")?;
        if self.batch.head.is_none() {
            self.batch.head = Some(HeadWrite {
                id: *write.id.as_uuid(),
                expected,
                version,
                status,
                deadline,
                events,
            });
            return Ok(());
        }
        let stmt = self.statements.save_session.clone();
        let params: Vec<Param> = vec![
            Box::new(*write.id.as_uuid()),
            Box::new(expected),
            Box::new(version),
            Box::new(status),
            Box::new(deadline),
            Box::new(events),
        ];
        self.queue(&stmt, params)
    }

    async fn ledger(
        &mut self,
        specs: &[AccountSpec],
        transfers: &[TransferId],
    ) -> Result<Ledger, StoreError> {
        let mut ids: Vec<Uuid> = specs.iter().map(|s| *s.id.as_uuid()).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut transfer_ids: Vec<Uuid> = transfers.iter().map(|t| *t.as_uuid()).collect();
        transfer_ids.sort_unstable();
        transfer_ids.dedup();
        let mut reads = Vec::with_capacity(2);
        let lock_accounts = !ids.is_empty();
        let lock_transfers = !transfer_ids.is_empty();
        if lock_accounts {
            reads.push(Queued::new(
                &self.statements.lock_accounts,
                vec![Box::new(ids)],
            ));
        }
        if lock_transfers {
            reads.push(Queued::new(
                &self.statements.lock_transfers,
                vec![Box::new(transfer_ids)],
            ));
        }
        let mut results = if reads.is_empty() {
            Vec::new()
        } else {
            self.round(Finish::Read(reads)).await?
        }
        .into_iter();
        let account_rows = if lock_accounts { results.next() } else { None };
        let transfer_rows = if lock_transfers { results.next() } else { None };
        let accounts = account_rows
            .unwrap_or_default()
            .iter()
            .map(codec::account)
            .collect::<Result<Vec<_>, _>>()?;
        let records = transfer_rows
            .unwrap_or_default()
            .iter()
            .map(codec::transfer)
            .collect::<Result<Vec<_>, _>>()?;
        self.accounts.extend(accounts.iter().map(|a| a.id()));
        Ledger::working_set(accounts, records).map_err(|e| StoreError::Corrupt(e.to_string()))
    }

    async fn put_ledger(&mut self, diff: &LedgerDiff) -> Result<(), StoreError> {
        self.check()?;
        let mut changed = BalanceBatch::default();
        let mut opened = AccountBatch::default();
        for account in &diff.accounts {
            if self.accounts.contains(&account.id()) {
                changed.push(account);
            } else {
                opened.push(account)?;
            }
        }
        let mut inserted = TransferBatch::default();
        for record in &diff.inserted {
            inserted.push(record)?;
        }
        let mut updated = StatusBatch::default();
        for record in &diff.updated {
            updated.push(record)?;
        }
        self.accounts.extend(diff.accounts.iter().map(|a| a.id()));
        let s = Arc::clone(&self.statements);
        if !opened.is_empty() {
            self.queue(&s.insert_accounts, opened.into_params())?;
        }
        if !changed.is_empty() {
            self.queue(&s.update_accounts, changed.into_params())?;
        }
        if !inserted.is_empty() {
            self.queue(&s.insert_transfers, inserted.into_params())?;
        }
        if !updated.is_empty() {
            self.queue(&s.update_transfers, updated.into_params())?;
        }
        Ok(())
    }

    async fn row(&mut self, key: &RowKey) -> Result<Option<StoreRow>, StoreError> {
        let (statement, params) = rows::by_key(&self.statements, key, self.lock())?;
        let found = self.read(&statement, params).await?;
        if found.is_empty() {
            self.absent_rows.insert(key.clone());
        }
        rows::decode_key(key, &found)
    }

    async fn rows(&mut self, query: &RowQuery) -> Result<Vec<StoreRow>, StoreError> {
        let (statement, params) = rows::by_query(&self.statements, query, self.lock())?;
        let found = self.read(&statement, params).await?;
        found.iter().map(|r| rows::decode_query(query, r)).collect()
    }

    async fn put_row(&mut self, row: StoreRow) -> Result<(), StoreError> {
        let missing = self.absent_rows.remove(&row.key());
        for (statement, params) in rows::put(&self.statements, &row, missing)? {
            self.queue(&statement, params)?;
        }
        Ok(())
    }

    async fn enqueue(&mut self, entries: &[OutboxEntry]) -> Result<(), StoreError> {
        self.check()?;
        for entry in entries {
            self.batch.outbox.push(entry)?;
        }
        Ok(())
    }

    async fn outbox_entry(&mut self, id: EffectId) -> Result<Option<OutboxEntry>, StoreError> {
        let stmt = self.statements.lock_outbox.clone();
        let rows = self.read(&stmt, vec![Box::new(id.0)]).await?;
        rows.first().map(codec::outbox_entry).transpose()
    }

    async fn outbox_entries(&mut self, ids: &[EffectId]) -> Result<Vec<OutboxEntry>, StoreError> {
        let stmt = self.statements.lock_outboxes.clone();
        let ids: Vec<Uuid> = ids.iter().map(|id| id.0).collect();
        let rows = self.read(&stmt, vec![Box::new(ids)]).await?;
        rows.iter().map(codec::outbox_entry).collect()
    }

    async fn update_outbox(&mut self, entry: &OutboxEntry) -> Result<(), StoreError> {
        let (state, error) = outbox_state(&entry.state);
        let params: Vec<Param> = vec![
            Box::new(entry.id.0),
            Box::new(Jsonb::encode(&entry.task, "outbox task")?),
            Box::new(state),
            Box::new(error),
            Box::new(attempts(entry)?),
            Box::new(ceil_micros(entry.next_attempt_at)),
            Box::new(entry.created_at),
        ];
        let stmt = self.statements.upsert_outbox.clone();
        self.queue(&stmt, params)
    }

    async fn inbox_insert(&mut self, key: &str, at: DateTime<Utc>) -> Result<bool, StoreError> {
        let stmt = self.statements.inbox_insert.clone();
        let rows = self
            .read(&stmt, vec![Box::new(key.to_owned()), Box::new(at)])
            .await?;
        Ok(!rows.is_empty())
    }

    async fn commit(mut self: Box<Self>) -> Result<(), StoreError> {
        self.round(Finish::Commit).await?;
        for (id, version) in std::mem::take(&mut self.moved) {
            self.heads.committed(id, version);
        }
        for (id, version, terminal, session) in std::mem::take(&mut self.taken) {
            self.writer.submit(id, version, terminal, session);
        }
        Ok(())
    }
}
