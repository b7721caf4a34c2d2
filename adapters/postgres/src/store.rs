//! [`PostgresStore`]: the engine's store port on PostgreSQL.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use patungan_core::ledger::{Account, TransferRecord};
use patungan_core::session::SessionStatus;
use patungan_core::SessionId;
use patungan_ports::store::{
    OutboxEntry, Row as StoreRow, RowKey, RowQuery, Store, StoreError, StoreTx,
};
use tokio_postgres::types::ToSql;
use tokio_postgres::{Row, Statement};
use uuid::Uuid;

use crate::codec::{self, from_name, get, Param};
use crate::error::{store_error, ConnectError};
use crate::heads::Heads;
use crate::options::PostgresOptions;
use crate::pipeline::{in_order, Step};
use crate::pool::{self, Pool};
use crate::rows::{self, Lock};
use crate::snapshots::Snapshots;
use crate::tx::{Access, PgTx};

/// The PostgreSQL [`Store`]. Cheap to clone: clones share the connection pool, and
/// several stores (processes, engine instances) may share one database.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: Pool,
    snapshots: Arc<Snapshots>,
    heads: Arc<Heads>,
    schema: Option<String>,
}

impl PostgresStore {
    /// Connects to `url` with default [`PostgresOptions`] and applies the embedded
    /// migrations.
    pub async fn connect(url: &str) -> Result<Self, ConnectError> {
        PostgresStore::connect_with(PostgresOptions::new(url)).await
    }

    /// Connects with `options`, creating the schema (if one is named) and applying
    /// the embedded migrations. Must run inside a tokio runtime.
    pub async fn connect_with(options: PostgresOptions) -> Result<Self, ConnectError> {
        let config = options.driver_config()?;
        let schema = options.schema_name().map(str::to_owned);
        let client = pool::connect(&config)
            .await
            .map_err(|e| ConnectError::Unavailable(e.to_string()))?;
        crate::migrate::run(&client, schema.as_deref()).await?;
        let pool = Pool::new(config, options.max_connections_value());
        Ok(PostgresStore {
            snapshots: Arc::new(Snapshots::new(pool.clone())),
            heads: Arc::new(Heads::default()),
            pool,
            schema,
        })
    }

    /// Waits until every session snapshot of a committed transaction is stored.
    /// Snapshots are written in the background after commit (see the crate docs);
    /// call this before shutting down, or in tests that read them back.
    pub async fn flush_snapshots(&self) {
        self.snapshots.flush().await;
    }

    /// The schema this store keeps its tables in, if not the default search path.
    pub fn schema(&self) -> Option<&str> {
        self.schema.as_deref()
    }

    async fn query(
        &self,
        pick: impl FnOnce(&crate::statements::Statements) -> &tokio_postgres::Statement,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>, StoreError> {
        let conn = self.pool.get().await?;
        let c = conn.conn()?;
        c.client
            .query(pick(&c.statements), params)
            .await
            .map_err(|e| store_error(&e))
    }
}

impl PostgresStore {
    /// Claims the due outbox entries in a transaction that does not wait for its WAL
    /// flush (`synchronous_commit = off`, one round trip). Other runners see the
    /// claim as soon as it commits, as with a durable commit; a crash may forget it,
    /// which leaves the entries due, and the next runner performs them under the same
    /// idempotency keys, as after any crash between a port call and its result. Every
    /// later durable commit flushes the claim with it.
    async fn claim(
        &self,
        now: DateTime<Utc>,
        max: i64,
        until: DateTime<Utc>,
    ) -> Result<Vec<Row>, StoreError> {
        let conn = self.pool.get().await?;
        let c = conn.conn()?;
        let params: [&(dyn ToSql + Sync); 3] = [&now, &max, &until];
        let claim = Box::pin(c.client.query(&c.statements.claim_outbox, &params));
        let mut rows = in_one_transaction(
            &c.client,
            "BEGIN; SET LOCAL synchronous_commit = off",
            vec![claim],
        )
        .await?;
        Ok(rows.pop().unwrap_or_default())
    }

    /// Runs the read `pick` builds from this connection's statements (no transaction).
    async fn read(
        &self,
        pick: impl FnOnce(&crate::statements::Statements) -> Result<(Statement, Vec<Param>), StoreError>,
    ) -> Result<Vec<Row>, StoreError> {
        let conn = self.pool.get().await?;
        let c = conn.conn()?;
        let (statement, params) = pick(&c.statements)?;
        let refs: Vec<&(dyn ToSql + Sync)> =
            params.iter().map(|p| &**p as &(dyn ToSql + Sync)).collect();
        c.client
            .query(&statement, &refs)
            .await
            .map_err(|e| store_error(&e))
    }
}

/// Runs `queries` in one transaction opened by `begin` (which may set its options),
/// all sent in one round trip, and returns their rows in order.
async fn in_one_transaction<'a>(
    client: &'a tokio_postgres::Client,
    begin: &'a str,
    queries: Vec<Step<'a, Result<Vec<Row>, tokio_postgres::Error>>>,
) -> Result<Vec<Vec<Row>>, StoreError> {
    let count = queries.len();
    let mut steps: Vec<Step<'a, Result<Vec<Row>, tokio_postgres::Error>>> =
        Vec::with_capacity(count + 2);
    steps.push(Box::pin(async move {
        client.batch_execute(begin).await.map(|()| Vec::new())
    }));
    steps.extend(queries);
    steps.push(Box::pin(async move {
        client.batch_execute("COMMIT").await.map(|()| Vec::new())
    }));
    let mut results = Vec::with_capacity(count);
    for result in in_order(steps).await {
        results.push(result.map_err(|e| store_error(&e))?);
    }
    Ok(results.into_iter().skip(1).take(count).collect())
}

fn limit(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

#[async_trait]
impl Store for PostgresStore {
    async fn begin(&self) -> Result<Box<dyn StoreTx>, StoreError> {
        let conn = self.pool.get().await?;
        Ok(Box::new(PgTx::new(
            conn,
            Arc::clone(&self.snapshots),
            Arc::clone(&self.heads),
            Access::ReadWrite,
        )?))
    }

    async fn begin_read(&self) -> Result<Box<dyn StoreTx>, StoreError> {
        let conn = self.pool.get().await?;
        Ok(Box::new(PgTx::new(
            conn,
            Arc::clone(&self.snapshots),
            Arc::clone(&self.heads),
            Access::ReadOnly,
        )?))
    }

    async fn due_sessions(
        &self,
        now: DateTime<Utc>,
        max: usize,
    ) -> Result<Vec<SessionId>, StoreError> {
        let rows = self
            .query(|s| &s.due_sessions, &[&now, &limit(max)])
            .await?;
        rows.iter()
            .map(|row| get::<Uuid>(row, 0, "session id").map(SessionId::from_uuid))
            .collect()
    }

    async fn due_outbox(
        &self,
        now: DateTime<Utc>,
        max: usize,
    ) -> Result<Vec<OutboxEntry>, StoreError> {
        let rows = self.query(|s| &s.due_outbox, &[&now, &limit(max)]).await?;
        rows.iter().map(codec::outbox_entry).collect()
    }

    async fn claim_outbox(
        &self,
        now: DateTime<Utc>,
        max: usize,
        until: DateTime<Utc>,
    ) -> Result<Vec<OutboxEntry>, StoreError> {
        let rows = self.claim(now, limit(max), until).await?;
        let mut claimed: Vec<OutboxEntry> = rows
            .iter()
            .map(codec::outbox_entry)
            .collect::<Result<_, _>>()?;
        // RETURNING keeps no order: enqueued order (creation, then id).
        claimed.sort_by_key(|e| (e.created_at, e.id.0));
        Ok(claimed)
    }

    async fn ledger_dump(&self) -> Result<(Vec<Account>, Vec<TransferRecord>), StoreError> {
        let conn = self.pool.get().await?;
        let c = conn.conn()?;
        // One snapshot for both tables, so the dump balances.
        let mut results = in_one_transaction(
            &c.client,
            "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
            vec![
                Box::pin(c.client.query(&c.statements.dump_accounts, &[])),
                Box::pin(c.client.query(&c.statements.dump_transfers, &[])),
            ],
        )
        .await?
        .into_iter();
        let accounts = results.next().unwrap_or_default();
        let transfers = results.next().unwrap_or_default();
        Ok((
            accounts
                .iter()
                .map(codec::account)
                .collect::<Result<_, _>>()?,
            transfers
                .iter()
                .map(codec::transfer)
                .collect::<Result<_, _>>()?,
        ))
    }

    async fn sessions(&self) -> Result<Vec<(SessionId, SessionStatus)>, StoreError> {
        let rows = self.query(|s| &s.list_sessions, &[]).await?;
        rows.iter()
            .map(|row| {
                let id: Uuid = get(row, 0, "session")?;
                let status: &str = get(row, 1, "session")?;
                Ok((
                    SessionId::from_uuid(id),
                    from_name(status, "session status")?,
                ))
            })
            .collect()
    }

    async fn read_row(&self, key: &RowKey) -> Result<Option<StoreRow>, StoreError> {
        let found = self.read(|s| rows::by_key(s, key, Lock::None)).await?;
        rows::decode_key(key, &found)
    }

    async fn read_rows(&self, query: &RowQuery) -> Result<Vec<StoreRow>, StoreError> {
        let found = self.read(|s| rows::by_query(s, query, Lock::None)).await?;
        found.iter().map(|r| rows::decode_query(query, r)).collect()
    }
}
