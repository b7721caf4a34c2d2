//! Concurrency on PostgreSQL: a hot session joined from many engine instances, a
//! crash between commit and effect, a webhook delivered 100 times at once, and an
//! operation cancelled in the middle of its transaction.

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use common::{at, config, engine_over, join, TestDb, World, SESSION};
use patungan_core::grosir::{GrosirConfig, VariantBundle};
use patungan_core::ledger::TransferCode;
use patungan_core::session::{ParticipantStatus, SessionGrosir};
use patungan_core::{BotPolicy, Money, ParticipantId, VariantId};
use patungan_engine::memory::{MemoryDisburser, MemoryGateway};
use patungan_engine::notification::Notification;
use patungan_engine::{Engine, Handled};

const SMALL: VariantId = VariantId::from_u128(1);
const LARGE: VariantId = VariantId::from_u128(2);

/// `count` engine instances, each a "process" with its own pool of `pool` connections.
async fn engines(
    db: &TestDb,
    count: usize,
    pool: usize,
    gateway: &Arc<MemoryGateway>,
) -> Vec<Arc<Engine>> {
    let disburser = Arc::new(MemoryDisburser::default());
    let mut engines = Vec::with_capacity(count);
    for _ in 0..count {
        let store = db.store(pool).await;
        engines.push(Arc::new(engine_over(&store, gateway, &disburser)));
    }
    engines
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_joiners_on_a_hot_session_never_oversell_and_lose_nothing() {
    let Some(db) = TestDb::new("hot_session_joiners").await else {
        return;
    };
    // Only LARGE's tolerance lets SMALL be ordered: 10 units of SMALL at most.
    let mut session = config(BotPolicy::disabled());
    session.grosir = Some(SessionGrosir {
        bundle: GrosirConfig::new(vec![
            VariantBundle::new(SMALL, 1, 0),
            VariantBundle::new(LARGE, 1, 10),
        ])
        .unwrap(),
        factory_unit_cost: Money::idr(100_000),
    });
    let gateway = Arc::new(MemoryGateway::default());
    let engines = engines(&db, 8, 4, &gateway).await;
    engines[0]
        .create_session(SESSION, session, at(0, 0))
        .await
        .unwrap();

    let mut tasks = Vec::new();
    for n in 0..64u128 {
        let engine = Arc::clone(&engines[n as usize % engines.len()]);
        tasks.push(tokio::spawn(async move {
            let mut request = join(n, 1);
            request.variant = Some(SMALL);
            (n, engine.join(SESSION, &request, at(1, 0)).await)
        }));
    }
    let mut accepted = BTreeSet::new();
    let mut refused = 0;
    for task in tasks {
        let (n, result) = task.await.unwrap();
        match result {
            Ok(receipt) => {
                assert_eq!(receipt.cost.quantity, 1);
                accepted.insert(ParticipantId::from_u128(1000 + n));
            }
            Err(e) => {
                assert_eq!(e.code(), "session.not_enough_available", "{e}");
                refused += 1;
            }
        }
    }
    assert_eq!(accepted.len(), 10, "exactly the available units are sold");
    assert_eq!(refused, 54);

    // A fresh process rebuilds the session from the log: every accepted join is there.
    let fresh = engines_after_restart(&db, &gateway).await;
    let view = fresh.session(SESSION).await.unwrap();
    let state = view.session.state();
    let logged: BTreeSet<ParticipantId> = state.participants().iter().map(|p| p.id).collect();
    assert_eq!(logged, accepted);
    assert_eq!(state.held_units(), [10, 0]);
    assert_eq!(view.version, 1 + 10);
    let events = db
        .count("SELECT count(*) FROM session_events WHERE seq > 1")
        .await;
    assert_eq!(events, 10);
    assert_eq!(db.count("SELECT count(*) FROM outbox").await, 10);
    db.drop_schema().await;
}

async fn engines_after_restart(db: &TestDb, gateway: &Arc<MemoryGateway>) -> Arc<Engine> {
    engines(db, 1, 2, gateway).await.remove(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_between_commit_and_effect_creates_the_invoice_exactly_once() {
    let Some(mut w) = World::new("crash_between_commit_and_effect").await else {
        return;
    };
    w.engine
        .create_session(SESSION, config(BotPolicy::default()), at(0, 0))
        .await
        .unwrap();
    w.engine
        .join(SESSION, &join(1, 10), at(1, 0))
        .await
        .unwrap();
    // The join committed with its outbox entry; the process dies before the runner.
    assert_eq!(
        w.db.count("SELECT count(*) FROM outbox WHERE state = 'pending'")
            .await,
        1
    );
    w.restart().await;
    assert!(w.gateway.invoices().is_empty());
    let first = w.engine.run_effects(at(1, 1)).await.unwrap();
    let second = w.engine.run_effects(at(1, 2)).await.unwrap();
    assert_eq!((first.done, second.done), (1, 0));
    let invoices = w.gateway.invoices();
    assert_eq!(invoices.len(), 1);
    assert_eq!(invoices[0].create_calls, 1);
    assert_eq!(
        w.db.count("SELECT count(*) FROM outbox WHERE state = 'done' AND attempts = 1")
            .await,
        1
    );
    w.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_delivered_100_times_concurrently_changes_state_once() {
    let Some(w) = World::new("webhook_100_times").await else {
        return;
    };
    w.engine
        .create_session(SESSION, config(BotPolicy::default()), at(0, 0))
        .await
        .unwrap();
    let receipt = w
        .engine
        .join(SESSION, &join(1, 10), at(1, 0))
        .await
        .unwrap();
    w.engine.run_effects(at(1, 0)).await.unwrap();
    let paid = w.gateway.pay(receipt.payment, at(1, 10)).unwrap();
    let version = w.engine.session(SESSION).await.unwrap().version;

    let engines = engines(&w.db, 4, 4, &w.gateway).await;
    let notification = Arc::new(Notification::Payment(paid));
    let mut tasks = Vec::new();
    for i in 0..100 {
        let engine = Arc::clone(&engines[i % engines.len()]);
        let n = Arc::clone(&notification);
        tasks.push(tokio::spawn(async move {
            engine.handle_notification(&n, at(2, 1)).await
        }));
    }
    let mut applied = 0;
    let mut duplicate = 0;
    for task in tasks {
        match task.await.unwrap().unwrap() {
            Handled::Applied => applied += 1,
            Handled::Duplicate => duplicate += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((applied, duplicate), (1, 99));

    let view = w.engine.session(SESSION).await.unwrap();
    assert_eq!(view.version, version + 1, "one payment event");
    let participant = view
        .session
        .state()
        .participant(receipt.participant)
        .unwrap()
        .clone();
    assert_eq!(participant.status, ParticipantStatus::Paid);
    let ledger = w.engine.ledger().await.unwrap();
    let payments = ledger
        .transfers()
        .iter()
        .filter(|t| t.transfer.code == TransferCode::PaymentReceived)
        .count();
    assert_eq!(payments, 1);
    assert!(ledger.verify().is_ok());
    assert_eq!(w.db.count("SELECT count(*) FROM inbox").await, 1);
    w.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operation_cancelled_inside_its_transaction_changes_nothing_and_releases_its_lock() {
    let Some(w) = World::new("cancelled_mid_transaction").await else {
        return;
    };
    w.engine
        .create_session(SESSION, config(BotPolicy::default()), at(0, 0))
        .await
        .unwrap();
    // Another connection holds the session's row lock: the join waits inside its
    // transaction until the caller gives up and drops it.
    let blocker = w.db.client().await;
    blocker
        .batch_execute("BEGIN; SELECT 1 FROM sessions FOR UPDATE")
        .await
        .unwrap();
    let other = engines(&w.db, 1, 2, &w.gateway).await.remove(0);
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
        w.engine.join(SESSION, &join(2, 5), at(1, 0)),
    )
    .await
    .expect("the session lock was released")
    .unwrap();
    assert_eq!(receipt.cost.quantity, 5);
    let view = w.engine.session(SESSION).await.unwrap();
    assert_eq!(view.version, 2);
    assert_eq!(view.session.state().participants().len(), 1);
    assert_eq!(w.db.count("SELECT count(*) FROM outbox").await, 1);
    w.finish().await;
}
