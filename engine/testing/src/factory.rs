//! What a backend provides to run the suite and the simulation: a fresh data set
//! per test, opened as often as the test starts a "process".

use std::future::Future;
use std::sync::Arc;

use async_trait::async_trait;

use patungan_engine::store::Store;
use patungan_memory::MemoryStore;

/// Makes an empty, isolated data set for each test (a schema, a database, a new
/// in-memory store).
#[async_trait]
pub trait StoreFactory: Send + Sync {
    /// The backend's name, as `simulate --store` takes it (`memory`, `postgres`).
    fn name(&self) -> &str;

    /// A fresh data set for the test named `test` (unique within a test run), or
    /// `None` to skip the test (say, no database configured).
    async fn fresh(&self, test: &str) -> Option<Arc<dyn Fixture>>;
}

/// One test's data set.
#[async_trait]
pub trait Fixture: Send + Sync {
    /// A store over the data set as a newly started process opens it: its own
    /// connections and caches, the same data.
    async fn open(&self) -> Arc<dyn Store>;

    /// Removes the data set; called when the test is done with it.
    async fn cleanup(&self) {}
}

/// The [`MemoryStore`] backend: every [`Fixture::open`] shares one store's data.
#[derive(Debug, Clone, Copy, Default)]
pub struct MemoryFactory;

struct MemoryFixture(MemoryStore);

#[async_trait]
impl StoreFactory for MemoryFactory {
    fn name(&self) -> &str {
        "memory"
    }

    async fn fresh(&self, _test: &str) -> Option<Arc<dyn Fixture>> {
        Some(Arc::new(MemoryFixture(MemoryStore::new())))
    }
}

#[async_trait]
impl Fixture for MemoryFixture {
    async fn open(&self) -> Arc<dyn Store> {
        Arc::new(self.0.clone())
    }
}

/// Runs one suite function on a fresh data set from `factory`, on a new
/// two-worker runtime, and cleans the data set up afterwards (what
/// [`store_conformance_tests!`](crate::store_conformance_tests) expands to).
pub fn run_test<F, Fut>(factory: &dyn StoreFactory, test: &str, body: F)
where
    F: FnOnce(Arc<dyn Fixture>) -> Fut,
    Fut: Future<Output = ()>,
{
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        let Some(fixture) = factory.fresh(test).await else {
            return;
        };
        body(fixture.clone()).await;
        fixture.cleanup().await;
    });
}
