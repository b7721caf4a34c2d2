//! Test helpers for the store's own tests: a fresh schema per test on the server
//! named by `DATABASE_URL` (as `patungan_postgres::testing` makes them for the
//! engine's conformance suite and simulation), and ledger postings by hand.
//!
//! Without `DATABASE_URL` a test prints why it is skipped and passes, unless
//! `PATUNGAN_REQUIRE_PG=1`, which makes a missing database a failure (CI sets both).
#![allow(dead_code)]

use patungan_postgres::testing::{database_url, drop_schema, schema_name};
use patungan_postgres::{PostgresOptions, PostgresStore};

/// A schema of its own on the test server.
#[derive(Debug, Clone)]
pub struct TestDb {
    pub url: String,
    pub schema: String,
}

impl TestDb {
    /// A fresh, empty schema named after the test, or `None` (test skipped) when
    /// `DATABASE_URL` is unset.
    pub async fn new(test: &str) -> Option<TestDb> {
        let url = database_url(test)?;
        let db = TestDb {
            schema: schema_name(test),
            url,
        };
        db.drop_schema().await;
        Some(db)
    }

    /// A store over the schema (migrated), with `max` pooled connections.
    pub async fn store(&self, max: usize) -> PostgresStore {
        PostgresStore::connect_with(
            PostgresOptions::new(self.url.clone())
                .schema(self.schema.clone())
                .max_connections(max),
        )
        .await
        .unwrap()
    }

    /// A plain client on the test server (search path: the schema).
    pub async fn client(&self) -> tokio_postgres::Client {
        let mut config: tokio_postgres::Config = self.url.parse().unwrap();
        config.options(format!("-c search_path={}", self.schema));
        let (client, connection) = config.connect(tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(connection);
        client
    }

    /// Removes the schema and everything in it.
    pub async fn drop_schema(&self) {
        drop_schema(&self.url, &self.schema).await;
    }

    /// One number from SQL.
    pub async fn count(&self, sql: &str) -> i64 {
        self.client()
            .await
            .query_one(sql, &[])
            .await
            .unwrap()
            .get(0)
    }
}

/// Runs `transfers` (a linked batch) on a working set the way the engine does:
/// load and lock the accounts and the records the batch names, open missing
/// accounts, apply, and write back what changed.
pub async fn post(
    tx: &mut dyn patungan_ports::store::StoreTx,
    specs: &[patungan_core::ledger::AccountSpec],
    transfers: &[patungan_core::ledger::Transfer],
) -> Result<(), String> {
    use patungan_core::ledger::TransferOp;
    let mut ids: Vec<patungan_core::TransferId> = transfers.iter().map(|t| t.id).collect();
    ids.extend(transfers.iter().filter_map(|t| match t.op {
        TransferOp::PostPending { pending_id, .. } | TransferOp::VoidPending { pending_id } => {
            Some(pending_id)
        }
        _ => None,
    }));
    let mut ledger = tx.ledger(specs, &ids).await.map_err(|e| e.to_string())?;
    let before = ledger.clone();
    for spec in specs {
        if ledger.account(spec.id).is_none() {
            ledger.open(*spec).map_err(|e| e.to_string())?;
        }
    }
    ledger.apply(transfers).map_err(|e| e.to_string())?;
    tx.put_ledger(&diff(&before, &ledger))
        .await
        .map_err(|e| e.to_string())
}

/// What changed between a working set and the same set after a posting.
pub fn diff(
    before: &patungan_core::ledger::Ledger,
    after: &patungan_core::ledger::Ledger,
) -> patungan_ports::store::LedgerDiff {
    let mut diff = patungan_ports::store::LedgerDiff::default();
    for account in after.accounts() {
        if before.account(account.id()) != Some(account) {
            diff.accounts.push(*account);
        }
    }
    for record in after.transfers() {
        match before.transfer(record.id()) {
            None => diff.inserted.push(*record),
            Some(old) if old != record => diff.updated.push(*record),
            Some(_) => {}
        }
    }
    diff
}
