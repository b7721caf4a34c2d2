//! Concurrency that only PostgreSQL has: an operation cancelled while it waits for
//! a row lock held by another connection. The store-generic concurrency and crash
//! tests (a hot session joined from many processes, a webhook delivered 100 times
//! at once, a crash between commit and effect) are in the conformance suite
//! (conformance.rs).
// Test code may unwrap, expect, panic and index: the workspace denies these in library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::TestDb;
use patungan_core::BotPolicy;
use patungan_engine::Engine;
use patungan_memory::{MemoryDisburser, MemoryFactory, MemoryGateway, MemoryShipping};
use patungan_testing::{at, config, join, World, SESSION};

/// An engine as a process of its own: its own pool of `pool` connections.
async fn process(db: &TestDb, pool: usize) -> Engine {
    World::engine_over(
        Arc::new(db.store(pool).await),
        &Arc::new(MemoryGateway::default()),
        &Arc::new(MemoryDisburser::default()),
        &Arc::new(MemoryShipping::default()),
        &Arc::new(MemoryFactory::default()),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operation_cancelled_inside_its_transaction_changes_nothing_and_releases_its_lock() {
    let Some(db) = TestDb::new("cancelled_mid_transaction").await else {
        return;
    };
    let engine = process(&db, 8).await;
    engine
        .create_session(SESSION, config(BotPolicy::default()), at(0, 0))
        .await
        .unwrap();
    // Another connection holds the session's row lock: the join waits inside its
    // transaction until the caller gives up and drops it.
    let blocker = db.client().await;
    blocker
        .batch_execute("BEGIN; SELECT 1 FROM sessions FOR UPDATE")
        .await
        .unwrap();
    let other = process(&db, 2).await;
    let attempt = tokio::time::timeout(
        Duration::from_millis(300),
        other.join(SESSION, &join(1, 10), at(1, 0)),
    )
    .await;
    assert!(attempt.is_err(), "the join should still be waiting");
    blocker.batch_execute("ROLLBACK").await.unwrap();

    // The dropped transaction rolled back and let go: a join goes through at once.
    let receipt = tokio::time::timeout(
        Duration::from_secs(10),
        engine.join(SESSION, &join(2, 5), at(1, 0)),
    )
    .await
    .expect("the session lock was released")
    .unwrap();
    assert_eq!(receipt.cost.quantity, 5);
    let view = engine.session(SESSION).await.unwrap();
    assert_eq!(view.version, 2);
    assert_eq!(view.session.state().participants().len(), 1);
    assert_eq!(db.count("SELECT count(*) FROM outbox").await, 1);
    db.drop_schema().await;
}
