//! Test helpers: a fresh schema per test on the server named by `DATABASE_URL`,
//! and the engine test world over a [`PostgresStore`].
//!
//! Without `DATABASE_URL` a test prints why it is skipped and passes, unless
//! `PATUNGAN_REQUIRE_PG=1`, which makes a missing database a failure (CI sets both).
#![allow(dead_code)]

use std::io::Write;
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use patungan_core::session::{JoinRequest, SessionConfig};
use patungan_core::{
    BotPolicy, Money, Moq, ParticipantId, PaymentId, ProductId, SessionId, TierLadder, UserId,
};
use patungan_engine::memory::{FaultConfig, MemoryDisburser, MemoryGateway, MemoryShipping};
use patungan_engine::notification::Notification;
use patungan_engine::{Engine, EngineConfig, Ports};
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
        let Ok(url) = std::env::var("DATABASE_URL") else {
            if std::env::var("PATUNGAN_REQUIRE_PG").is_ok_and(|v| v == "1") {
                panic!("DATABASE_URL is not set and PATUNGAN_REQUIRE_PG=1");
            }
            // Straight to stderr: the test harness would swallow `eprintln!`.
            let _ = writeln!(
                std::io::stderr(),
                "skipping {test}: DATABASE_URL is not set \
                 (eval \"$(./scripts/pg.sh start)\" starts a server)"
            );
            return None;
        };
        // Short enough for an identifier (63 bytes), unique per test name.
        let hash = test.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        let short: String = test.chars().take(40).collect();
        let schema = format!("t_{short}_{:08x}", hash as u32);
        let db = TestDb { url, schema };
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
        let client = self.client().await;
        client
            .batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema))
            .await
            .unwrap();
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

/// The engine over PostgreSQL and in-memory providers whose handles the test keeps.
pub struct World {
    pub db: TestDb,
    pub engine: Engine,
    pub store: PostgresStore,
    pub gateway: Arc<MemoryGateway>,
    pub disburser: Arc<MemoryDisburser>,
}

impl World {
    pub async fn new(test: &str) -> Option<Self> {
        World::with_faults(test, FaultConfig::default()).await
    }

    pub async fn with_faults(test: &str, faults: FaultConfig) -> Option<Self> {
        let db = TestDb::new(test).await?;
        let store = db.store(8).await;
        let gateway = Arc::new(MemoryGateway::new(faults));
        let disburser = Arc::new(MemoryDisburser::new(faults));
        let engine = engine_over(&store, &gateway, &disburser);
        Some(World {
            db,
            engine,
            store,
            gateway,
            disburser,
        })
    }

    /// A crash: the engine, its caches and its connections are gone; a new process
    /// connects to the same database.
    pub async fn restart(&mut self) {
        self.store = self.db.store(8).await;
        self.engine = engine_over(&self.store, &self.gateway, &self.disburser);
    }

    /// Pays every pending invoice at `at` and feeds the webhooks to the engine.
    pub async fn pay_all(&self, at: DateTime<Utc>) -> usize {
        let mut paid = 0;
        for invoice in self.gateway.invoices() {
            if let Some(n) = self.gateway.pay(invoice.request.payment_id, at) {
                self.engine
                    .handle_notification(&Notification::Payment(n), at)
                    .await
                    .unwrap();
                paid += 1;
            }
        }
        paid
    }

    /// Confirms every pending refund and feeds the webhooks to the engine.
    pub async fn settle_refunds(&self, at: DateTime<Utc>) -> usize {
        let notes = self.gateway.settle_refunds();
        for n in &notes {
            self.engine
                .handle_notification(&Notification::Refund(n.clone()), at)
                .await
                .unwrap();
        }
        notes.len()
    }

    /// Drops the test's schema.
    pub async fn finish(self) {
        self.store.flush_snapshots().await;
        self.db.drop_schema().await;
    }
}

/// An engine over `store` and the given simulated providers.
pub fn engine_over(
    store: &PostgresStore,
    gateway: &Arc<MemoryGateway>,
    disburser: &Arc<MemoryDisburser>,
) -> Engine {
    Engine::new(
        Arc::new(store.clone()),
        Ports {
            gateway: gateway.clone(),
            disburser: disburser.clone(),
            shipping: Arc::new(MemoryShipping::default()),
        },
        EngineConfig::default(),
    )
}

pub fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, h, m, 0).unwrap()
}

pub fn config(bot: BotPolicy) -> SessionConfig {
    let ladder = TierLadder::with_default_thresholds(
        Money::idr(200_000),
        [
            Money::idr(150_000),
            Money::idr(135_000),
            Money::idr(120_000),
            Money::idr(105_000),
        ],
    )
    .unwrap();
    let mut config = SessionConfig::new(
        ProductId::from_u128(77),
        Moq::new(100).unwrap(),
        ladder,
        at(0, 0),
        at(12, 0),
        Money::idr(500_000),
    );
    config.bot = bot;
    config
}

pub fn join(n: u128, quantity: u64) -> JoinRequest {
    JoinRequest {
        participant: ParticipantId::from_u128(1000 + n),
        user: UserId::from_u128(n),
        payment: PaymentId::from_u128(2000 + n),
        variant: None,
        quantity,
        expected_unit_price: Money::idr(200_000),
        courier_price: Money::idr(15_000),
    }
}

pub const SESSION: SessionId = SessionId::from_u128(1);

/// Runs `transfers` (a linked batch) on a working set the way the engine does:
/// load and lock the accounts and the records the batch names, open missing
/// accounts, apply, and write back what changed.
pub async fn post(
    tx: &mut dyn patungan_engine::store::StoreTx,
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
) -> patungan_engine::store::LedgerDiff {
    let mut diff = patungan_engine::store::LedgerDiff::default();
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
