//! Test support, compiled only with the `testing` feature: [`PgFactory`], the
//! PostgreSQL backend of the engine's store conformance suite and simulation
//! ([`patungan_testing`]), one fresh schema per test.
#![allow(clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use patungan_ports::store::Store;
use patungan_testing::{Fixture, StoreFactory};

use crate::{PostgresOptions, PostgresStore};

/// Makes a fresh schema per test on one server; each [`Fixture::open`] is a new
/// [`PostgresStore`] (its own pool and caches) on that schema.
#[derive(Debug, Clone, Default)]
pub struct PgFactory {
    url: Option<String>,
}

/// Connections per store: a test process needs few.
const POOL: usize = 4;

impl PgFactory {
    /// Schemas on the server at `url`; stores of 4 connections each.
    pub fn new(url: impl Into<String>) -> Self {
        PgFactory {
            url: Some(url.into()),
        }
    }

    /// Schemas on the server named by `DATABASE_URL`, read by each test: see
    /// [`database_url`] for a test without it.
    pub fn from_env() -> Self {
        PgFactory::default()
    }
}

/// `DATABASE_URL`, or `None` (the test named `test` is skipped, with a note on
/// stderr) when it is unset. With `PATUNGAN_REQUIRE_PG=1` (CI) a missing
/// `DATABASE_URL` panics instead.
pub fn database_url(test: &str) -> Option<String> {
    if let Ok(url) = std::env::var("DATABASE_URL") {
        return Some(url);
    }
    assert!(
        std::env::var("PATUNGAN_REQUIRE_PG").map_or(true, |v| v != "1"),
        "DATABASE_URL is not set and PATUNGAN_REQUIRE_PG=1"
    );
    // Straight to stderr: the test harness would swallow `eprintln!`.
    let _ = writeln!(
        std::io::stderr(),
        "skipping {test}: DATABASE_URL is not set \
         (eval \"$(./scripts/pg.sh start)\" starts a server)"
    );
    None
}

/// The schema a test named `test` runs in: short enough for an identifier (63
/// bytes), unique per test name.
pub fn schema_name(test: &str) -> String {
    let hash = test.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let short: String = test
        .chars()
        .take(40)
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("t_{short}_{:08x}", hash as u32)
}

/// Drops `schema` and everything in it on the server at `url`. Panics if the
/// server cannot be reached.
pub async fn drop_schema(url: &str, schema: &str) {
    let config = PostgresOptions::new(url)
        .driver_config()
        .expect("a valid DATABASE_URL");
    let client = crate::pool::connect(&config)
        .await
        .expect("the test database is reachable");
    client
        .batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
        .await
        .expect("the schema drops");
}

/// One test's schema and every store opened on it.
struct PgFixture {
    url: String,
    schema: String,
    stores: Mutex<Vec<PostgresStore>>,
}

#[async_trait]
impl StoreFactory for PgFactory {
    fn name(&self) -> &str {
        "postgres"
    }

    async fn fresh(&self, test: &str) -> Option<Arc<dyn Fixture>> {
        let url = match &self.url {
            Some(url) => url.clone(),
            None => database_url(test)?,
        };
        let schema = schema_name(test);
        drop_schema(&url, &schema).await;
        Some(Arc::new(PgFixture {
            url,
            schema,
            stores: Mutex::new(Vec::new()),
        }))
    }
}

#[async_trait]
impl Fixture for PgFixture {
    async fn open(&self) -> Arc<dyn Store> {
        let options = PostgresOptions::new(self.url.clone())
            .schema(self.schema.clone())
            .max_connections(POOL);
        let store = PostgresStore::connect_with(options)
            .await
            .expect("the test schema migrates");
        self.stores
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(store.clone());
        Arc::new(store)
    }

    /// Waits for every store's snapshot writer, then drops the schema.
    async fn cleanup(&self) {
        let stores =
            std::mem::take(&mut *self.stores.lock().unwrap_or_else(PoisonError::into_inner));
        for store in &stores {
            store.flush_snapshots().await;
        }
        drop(stores);
        drop_schema(&self.url, &self.schema).await;
    }
}
