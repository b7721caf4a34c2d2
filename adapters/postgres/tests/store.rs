//! The store port's contract on PostgreSQL: exact round trips, rollback on drop,
//! conflicts instead of lost updates, lock order, and the same answers as the
//! in-memory store.
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

use chrono::TimeDelta;
use common::{post, TestDb};
use patungan_core::grosir::StockLevel;
use patungan_core::ledger::{
    AccountKind, AccountSpec, BalanceLimit, Entity, Ledger, Transfer, TransferCode,
};
use patungan_core::session::{Session, SessionStatus};
use patungan_core::stock::Stock;
use patungan_core::tasks::Task;
use patungan_core::{
    AccountId, BotPolicy, Currency, Money, ProductId, SessionId, TransferId, UserId, VariantId,
};
use patungan_memory::MemoryStore;
use patungan_ports::store::{
    EffectId, OutboxEntry, OutboxState, PayoutSchedule, SessionWrite, Store,
};
use patungan_testing::{at, config, join, SESSION};
use rust_decimal::Decimal;

fn product(n: u128) -> ProductId {
    ProductId::from_u128(n)
}

/// Product `n` with `units` of one variant on hand.
fn stock(n: u128, units: u64) -> Stock {
    let mut stock = Stock::new(product(n));
    let variant = VariantId::from_u128(7);
    stock.receive(&[StockLevel::new(variant, units)]).unwrap();
    stock
}

fn usd(amount: &str) -> Money {
    Money::parse(amount, Currency::USD).unwrap()
}

fn accounts() -> [AccountSpec; 3] {
    [
        AccountSpec::new(
            AccountId::from_u128(10),
            Entity::External,
            AccountKind::Clearing,
            Currency::USD,
        ),
        AccountSpec::new(
            AccountId::from_u128(11),
            Entity::User(UserId::from_u128(5)),
            AccountKind::Wallet,
            Currency::USD,
        )
        .with_limit(BalanceLimit::DebitsMustNotExceedCredits),
        AccountSpec {
            session: Some(SESSION),
            ..AccountSpec::new(
                AccountId::from_u128(12),
                Entity::Platform,
                AccountKind::Escrow,
                Currency::USD,
            )
        },
    ]
}

fn t(n: u128) -> TransferId {
    TransferId::from_u128(n)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ledger_rows_give_back_exactly_what_the_core_ledger_holds() {
    let Some(db) = TestDb::new("ledger_round_trip").await else {
        return;
    };
    let store = db.store(2).await;
    let [clearing, wallet, escrow] = accounts();
    let (c, w, e) = (clearing.id, wallet.id, escrow.id);
    let first = [
        Transfer::posted(t(1), c, w, usd("100.25")).with_code(TransferCode::Deposit),
        Transfer::pending(t(2), w, e, usd("40.10")).with_code(TransferCode::Purchase),
        Transfer::pending(t(3), w, e, usd("7.5")),
        Transfer::pending(t(4), c, e, usd("3")),
    ];
    let second = [
        Transfer::post(t(5), t(2), Some(usd("12.05"))).with_code(TransferCode::Purchase),
        Transfer::void(t(6), t(3)),
        Transfer::post(t(7), t(4), None),
    ];
    let mut expected = Ledger::new();
    for spec in accounts() {
        expected.open(spec).unwrap();
    }
    expected.apply(&first).unwrap();
    expected.apply(&second).unwrap();

    let mut tx = store.begin().await.unwrap();
    post(&mut *tx, &accounts(), &first).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    post(&mut *tx, &accounts(), &second).await.unwrap();
    // Submitting the same batch again is a no-op, as in the core ledger.
    post(&mut *tx, &accounts(), &second).await.unwrap();
    tx.commit().await.unwrap();

    let (stored_accounts, stored_transfers) = store.ledger_dump().await.unwrap();
    let mut want_accounts = expected.accounts().to_vec();
    want_accounts.sort_by_key(|a| a.id());
    assert_eq!(stored_accounts, want_accounts);
    assert_eq!(stored_transfers, expected.transfers());
    // Amounts keep their exact decimals; the restored ledger verifies.
    let wallet_row = stored_accounts.iter().find(|a| a.id() == w).unwrap();
    assert_eq!(wallet_row.balances().credits_posted, Decimal::new(10025, 2));
    Ledger::restore(stored_accounts, stored_transfers)
        .unwrap()
        .verify()
        .unwrap();
    let numeric = db
        .count("SELECT count(*) FROM transfers WHERE amount = 12.05 AND op = 'post_pending'")
        .await;
    assert_eq!(numeric, 1);
    db.drop_schema().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_transaction_writes_nothing_and_holds_no_lock() {
    let Some(db) = TestDb::new("dropped_tx").await else {
        return;
    };
    let store = db.store(2).await;
    let mut session = Session::create(SESSION, config(BotPolicy::default()), at(0, 0)).unwrap();
    let create = SessionWrite {
        id: SESSION,
        expected_version: 0,
        events: session.drain_events(),
        status: SessionStatus::Open,
        next_deadline: None,
        snapshot: None,
    };
    let mut tx = store.begin().await.unwrap();
    tx.save_session(&create).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.begin().await.unwrap();
    assert!(tx.lock_session(SESSION).await.unwrap().is_some());
    session.join(&join(1, 3), at(1, 0)).unwrap();
    tx.save_session(&SessionWrite {
        id: SESSION,
        expected_version: 1,
        events: session.drain_events(),
        status: SessionStatus::Open,
        next_deadline: None,
        snapshot: Some(session.clone()),
    })
    .await
    .unwrap();
    tx.put(stock(1, 3)).await.unwrap();
    tx.enqueue(&[outbox(1, at(1, 0))]).await.unwrap();
    assert!(tx.inbox_insert("k", at(1, 0)).await.unwrap());
    post(
        &mut *tx,
        &accounts(),
        &[Transfer::posted(
            t(1),
            AccountId::from_u128(10),
            AccountId::from_u128(11),
            usd("1"),
        )],
    )
    .await
    .unwrap();
    // A read in the same transaction sees the queued writes.
    assert_eq!(
        tx.get::<Stock>(product(1)).await.unwrap(),
        Some(stock(1, 3))
    );
    drop(tx);

    // Locked rows are free again at once (the rollback went out on drop).
    let mut tx = store.begin().await.unwrap();
    let head = tokio::time::timeout(Duration::from_secs(5), tx.lock_session(SESSION))
        .await
        .expect("lock released")
        .unwrap()
        .unwrap();
    assert_eq!(head.version, 1);
    assert_eq!(tx.get::<Stock>(product(1)).await.unwrap(), None);
    assert!(tx.inbox_insert("k", at(1, 0)).await.unwrap());
    drop(tx);
    store.flush_snapshots().await;
    for table in [
        "stocks",
        "stock_lines",
        "outbox",
        "inbox",
        "accounts",
        "transfers",
        "session_snapshots",
    ] {
        assert_eq!(
            db.count(&format!("SELECT count(*) FROM {table}")).await,
            0,
            "{table}"
        );
    }
    assert_eq!(db.count("SELECT count(*) FROM session_events").await, 1);
    db.drop_schema().await;
}

fn outbox(n: u128, due: chrono::DateTime<chrono::Utc>) -> OutboxEntry {
    OutboxEntry::new(
        EffectId(uuid::Uuid::from_u128(n)),
        Task::ExpireInvoice {
            session: SESSION,
            payment: patungan_core::PaymentId::from_u128(n),
        },
        due,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_head_that_moved_is_a_conflict_and_nothing_of_the_transaction_lands() {
    let Some(db) = TestDb::new("moved_head").await else {
        return;
    };
    let store = db.store(2).await;
    let mut session = Session::create(SESSION, config(BotPolicy::default()), at(0, 0)).unwrap();
    let mut tx = store.begin().await.unwrap();
    tx.save_session(&SessionWrite {
        id: SESSION,
        expected_version: 0,
        events: session.drain_events(),
        status: SessionStatus::Open,
        next_deadline: None,
        snapshot: None,
    })
    .await
    .unwrap();
    tx.commit().await.unwrap();

    session.join(&join(1, 3), at(1, 0)).unwrap();
    let stale = SessionWrite {
        id: SESSION,
        expected_version: 4,
        events: session.drain_events(),
        status: SessionStatus::Open,
        next_deadline: None,
        snapshot: None,
    };
    let mut tx = store.begin().await.unwrap();
    tx.put(stock(1, 1)).await.unwrap();
    tx.save_session(&stale).await.unwrap();
    let err = tx.commit().await.unwrap_err();
    assert_eq!(err.code(), "store.conflict", "{err}");
    assert!(err.is_retryable());
    assert_eq!(db.count("SELECT count(*) FROM stocks").await, 0);
    assert_eq!(db.count("SELECT max(version) FROM sessions").await, 1);

    // Creating a session that exists is a conflict too.
    let mut tx = store.begin().await.unwrap();
    tx.save_session(&SessionWrite {
        expected_version: 0,
        ..stale.clone()
    })
    .await
    .unwrap();
    assert_eq!(tx.commit().await.unwrap_err().code(), "store.conflict");

    // A poisoned transaction keeps refusing.
    let mut tx = store.begin().await.unwrap();
    tx.save_session(&stale).await.unwrap();
    assert!(tx.get::<Stock>(product(1)).await.is_err());
    assert_eq!(tx.commit().await.unwrap_err().code(), "store.conflict");
    db.drop_schema().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_transactions_that_both_saw_a_row_missing_cannot_both_write_it() {
    let Some(db) = TestDb::new("missing_rows").await else {
        return;
    };
    let store = db.store(4).await;
    let [clearing, wallet, _] = accounts();
    let deposit = |n: u128| [Transfer::posted(t(n), clearing.id, wallet.id, usd("10"))];
    // Both open the same new accounts.
    let mut a = store.begin().await.unwrap();
    let mut b = store.begin().await.unwrap();
    post(&mut *a, &[clearing, wallet], &deposit(1))
        .await
        .unwrap();
    post(&mut *b, &[clearing, wallet], &deposit(2))
        .await
        .unwrap();
    a.commit().await.unwrap();
    let err = b.commit().await.unwrap_err();
    assert_eq!(err.code(), "store.conflict", "{err}");

    // Both create the same new row.
    let schedule = |minute: u32| PayoutSchedule {
        currency: Currency::IDR,
        last_planned: Some(at(0, minute)),
    };
    let mut a = store.begin().await.unwrap();
    let mut b = store.begin().await.unwrap();
    assert_eq!(a.get::<PayoutSchedule>(Currency::IDR).await.unwrap(), None);
    assert_eq!(b.get::<PayoutSchedule>(Currency::IDR).await.unwrap(), None);
    a.put(schedule(1)).await.unwrap();
    b.put(schedule(2)).await.unwrap();
    a.commit().await.unwrap();
    let err = b.commit().await.unwrap_err();
    assert_eq!(err.code(), "store.conflict", "{err}");

    let (accounts, transfers) = store.ledger_dump().await.unwrap();
    assert_eq!(transfers.len(), 1);
    let wallet_row = accounts.iter().find(|a| a.id() == wallet.id).unwrap();
    assert_eq!(wallet_row.balances().credits_posted, Decimal::from(10));
    let mut tx = store.begin().await.unwrap();
    assert_eq!(
        tx.get::<PayoutSchedule>(Currency::IDR).await.unwrap(),
        Some(schedule(1))
    );
    drop(tx);
    db.drop_schema().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postings_in_opposite_directions_serialise_without_deadlock() {
    let Some(db) = TestDb::new("lock_order").await else {
        return;
    };
    let store = db.store(16).await;
    let [clearing, wallet, escrow] = accounts();
    let open = [
        Transfer::posted(t(1), clearing.id, wallet.id, usd("1000")),
        Transfer::posted(t(2), clearing.id, escrow.id, usd("1000")),
    ];
    let mut tx = store.begin().await.unwrap();
    post(&mut *tx, &accounts(), &open).await.unwrap();
    tx.commit().await.unwrap();

    let store = Arc::new(store);
    let mut tasks = Vec::new();
    for n in 0..40u128 {
        let store = Arc::clone(&store);
        tasks.push(tokio::spawn(async move {
            // Half move wallet → escrow, half escrow → wallet; specs in opposite orders.
            let (from, to, specs) = if n % 2 == 0 {
                (wallet.id, escrow.id, [wallet, escrow])
            } else {
                (escrow.id, wallet.id, [escrow, wallet])
            };
            let mut tx = store.begin().await.unwrap();
            post(
                &mut *tx,
                &specs,
                &[Transfer::posted(t(100 + n), from, to, usd("1.5"))],
            )
            .await
            .unwrap();
            tokio::task::yield_now().await;
            tx.commit().await.unwrap();
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let (accounts, transfers) = store.ledger_dump().await.unwrap();
    assert_eq!(transfers.len(), 42);
    let ledger = Ledger::restore(accounts, transfers).unwrap();
    ledger.verify().unwrap();
    let w = ledger.account(wallet.id).unwrap().balances();
    assert_eq!(w.credits_posted, Decimal::new(10300, 1)); // 1000 + 20 × 1.5
    assert_eq!(w.debits_posted, Decimal::from(30));
    db.drop_schema().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_load_exactly_as_from_the_memory_store() {
    let Some(db) = TestDb::new("session_load").await else {
        return;
    };
    let store = db.store(2).await;
    let memory = MemoryStore::new();
    let mut session = Session::create(SESSION, config(BotPolicy::default()), at(0, 0)).unwrap();
    let mut version = 0;
    for step in 0..6u128 {
        if step > 0 {
            session.join(&join(step, 2), at(1, 0)).unwrap();
        }
        session.drain_effects();
        let events = session.drain_events();
        let write = SessionWrite {
            id: SESSION,
            expected_version: version,
            status: session.status(),
            next_deadline: session.poll_timeout(),
            // Versions 3 and 6: the second doubles the first, so both are kept.
            snapshot: (step == 2 || step == 5).then(|| session.clone()),
            events,
        };
        version = write.new_version();
        for s in [&store as &dyn Store, &memory as &dyn Store] {
            let mut tx = s.begin().await.unwrap();
            tx.save_session(&write).await.unwrap();
            tx.commit().await.unwrap();
        }
        // Snapshots are stored after commit, in the background.
        store.flush_snapshots().await;
    }
    let after: Vec<Option<u64>> = [None]
        .into_iter()
        .chain((0..=version + 1).map(Some))
        .collect();
    for after in after {
        let mut pg = store.begin().await.unwrap();
        let mut mem = memory.begin().await.unwrap();
        assert_eq!(
            pg.lock_session(SESSION).await.unwrap(),
            mem.lock_session(SESSION).await.unwrap()
        );
        let a = pg.load_session(SESSION, after).await.unwrap();
        let b = mem.load_session(SESSION, after).await.unwrap();
        assert_eq!(a.snapshot, b.snapshot, "after {after:?}");
        assert_eq!(a.events, b.events, "after {after:?}");
    }
    let mut tx = store.begin().await.unwrap();
    let whole = tx.load_session(SESSION, None).await.unwrap();
    let (v, snap) = whole.snapshot.unwrap();
    assert_eq!(v, 6);
    assert!(whole.events.is_empty());
    let mut rebuilt = snap;
    for e in &whole.events {
        rebuilt.apply(e).unwrap();
    }
    assert_eq!(rebuilt, session);
    assert!(tx
        .lock_session(SessionId::from_u128(99))
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        tx.load_session(SessionId::from_u128(99), None)
            .await
            .unwrap_err()
            .code(),
        "store.corrupt"
    );
    assert_eq!(
        store.sessions().await.unwrap(),
        memory.sessions().await.unwrap()
    );
    drop(tx);
    db.drop_schema().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deadlines_outbox_and_inbox_behave_like_the_memory_store() {
    let Some(db) = TestDb::new("due_queries").await else {
        return;
    };
    let store = db.store(2).await;
    let memory = MemoryStore::new();
    // A deadline with sub-microsecond precision is never due early.
    let deadline = at(3, 0) + TimeDelta::nanoseconds(1_500);
    let mut session = Session::create(SESSION, config(BotPolicy::default()), at(0, 0)).unwrap();
    let write = SessionWrite {
        id: SESSION,
        expected_version: 0,
        events: session.drain_events(),
        status: SessionStatus::Open,
        next_deadline: Some(deadline),
        snapshot: None,
    };
    let entries = [
        outbox(3, at(2, 0)),
        outbox(1, at(1, 0)),
        outbox(2, at(1, 0)),
        outbox(4, at(5, 0)),
    ];
    for s in [&store as &dyn Store, &memory as &dyn Store] {
        let mut tx = s.begin().await.unwrap();
        tx.save_session(&write).await.unwrap();
        tx.enqueue(&entries).await.unwrap();
        tx.enqueue(&[OutboxEntry {
            attempts: 9,
            ..outbox(1, at(0, 0))
        }])
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
    for now in [at(3, 0), at(4, 0)] {
        assert_eq!(
            store.due_sessions(now, 10).await.unwrap(),
            memory.due_sessions(now, 10).await.unwrap(),
            "{now:?}"
        );
    }
    // Stored to the microsecond, rounded up: due at most 1 µs late, never early.
    let before = deadline - TimeDelta::nanoseconds(1);
    assert!(store.due_sessions(before, 10).await.unwrap().is_empty());
    let rounded = at(3, 0) + TimeDelta::microseconds(2);
    assert_eq!(store.due_sessions(rounded, 10).await.unwrap(), [SESSION]);
    for (now, limit) in [
        (at(0, 30), 10),
        (at(1, 0), 10),
        (at(2, 0), 2),
        (at(6, 0), 10),
    ] {
        assert_eq!(
            store.due_outbox(now, limit).await.unwrap(),
            memory.due_outbox(now, limit).await.unwrap()
        );
    }
    for s in [&store as &dyn Store, &memory as &dyn Store] {
        let mut tx = s.begin().await.unwrap();
        let mut entry = tx
            .outbox_entry(EffectId(uuid::Uuid::from_u128(1)))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(entry.attempts, 0, "the first enqueue wins");
        entry.state = OutboxState::Failed {
            error: "gave up".into(),
        };
        tx.update_outbox(&entry).await.unwrap();
        let retry = outbox(2, at(1, 0)).retry_after(at(1, 0), Duration::from_secs(90));
        tx.update_outbox(&retry).await.unwrap();
        assert!(tx.inbox_insert("payment:x:paid", at(1, 0)).await.unwrap());
        assert!(!tx.inbox_insert("payment:x:paid", at(1, 1)).await.unwrap());
        tx.commit().await.unwrap();
    }
    for now in [at(1, 0), at(1, 2), at(9, 0)] {
        assert_eq!(
            store.due_outbox(now, 10).await.unwrap(),
            memory.due_outbox(now, 10).await.unwrap()
        );
    }
    let mut tx = store.begin().await.unwrap();
    assert!(!tx.inbox_insert("payment:x:paid", at(2, 0)).await.unwrap());
    assert_eq!(
        tx.outbox_entry(EffectId(uuid::Uuid::from_u128(1)))
            .await
            .unwrap()
            .unwrap()
            .state,
        OutboxState::Failed {
            error: "gave up".into()
        }
    );
    drop(tx);
    db.drop_schema().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrations_run_once_and_concurrently() {
    let Some(db) = TestDb::new("migrations").await else {
        return;
    };
    let connects: Vec<_> = (0..4)
        .map(|_| {
            let db = db.clone();
            tokio::spawn(async move { db.store(1).await })
        })
        .collect();
    for c in connects {
        c.await.unwrap();
    }
    assert_eq!(
        db.count("SELECT count(*) FROM patungan_migrations").await,
        patungan_postgres::MIGRATIONS.len() as i64
    );
    let bad = patungan_postgres::PostgresStore::connect_with(
        patungan_postgres::PostgresOptions::new(db.url.clone()).schema("Not-Valid"),
    )
    .await
    .unwrap_err();
    assert_eq!(bad.code(), "postgres.invalid_schema");
    let down = patungan_postgres::PostgresStore::connect_with(
        patungan_postgres::PostgresOptions::new("postgres://postgres@127.0.0.1:1/x")
            .connect_timeout(Duration::from_secs(2)),
    )
    .await
    .unwrap_err();
    assert_eq!(down.code(), "postgres.unavailable");
    db.drop_schema().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_sent_together_keep_their_order_and_checks() {
    let Some(db) = TestDb::new("write_batch").await else {
        return;
    };
    let store = db.store(2).await;
    let other = SessionId::from_u128(2);
    let mut sessions = Vec::new();
    for id in [SESSION, other] {
        let mut session = Session::create(id, config(BotPolicy::default()), at(0, 0)).unwrap();
        let mut tx = store.begin().await.unwrap();
        tx.save_session(&SessionWrite {
            id,
            expected_version: 0,
            events: session.drain_events(),
            status: SessionStatus::Open,
            next_deadline: None,
            snapshot: None,
        })
        .await
        .unwrap();
        tx.commit().await.unwrap();
        sessions.push(session);
    }
    let next = |session: &mut Session, n: u128, expected: u64| {
        session.join(&join(n, 1), at(1, 0)).unwrap();
        session.drain_effects();
        SessionWrite {
            id: session.id(),
            expected_version: expected,
            events: session.drain_events(),
            status: SessionStatus::Open,
            next_deadline: None,
            snapshot: None,
        }
    };

    let mut tx = store.begin().await.unwrap();
    assert_eq!(tx.get::<Stock>(product(1)).await.unwrap(), None);
    tx.put(stock(1, 1)).await.unwrap();
    tx.put(stock(2, 1)).await.unwrap();
    tx.put(stock(1, 2)).await.unwrap();
    tx.enqueue(&[outbox(1, at(1, 0)), outbox(1, at(1, 0))])
        .await
        .unwrap();
    let first = next(&mut sessions[0], 1, 1);
    let second = next(&mut sessions[1], 2, 1);
    tx.save_session(&first).await.unwrap();
    tx.save_session(&second).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        db.count("SELECT sum(on_hand)::bigint FROM stock_lines")
            .await,
        3
    );
    assert_eq!(db.count("SELECT count(*) FROM stocks").await, 2);
    assert_eq!(db.count("SELECT count(*) FROM outbox").await, 1);
    assert_eq!(
        db.count("SELECT sum(version)::bigint FROM sessions").await,
        4
    );

    // A stale second head aborts everything sent with it.
    let mut tx = store.begin().await.unwrap();
    tx.put(stock(3, 1)).await.unwrap();
    let fresh = next(&mut sessions[0], 3, 2);
    let stale = next(&mut sessions[1], 4, 7);
    tx.save_session(&fresh).await.unwrap();
    tx.save_session(&stale).await.unwrap();
    assert_eq!(tx.commit().await.unwrap_err().code(), "store.conflict");
    assert_eq!(db.count("SELECT count(*) FROM stocks").await, 2);
    assert_eq!(
        db.count("SELECT sum(version)::bigint FROM sessions").await,
        4
    );
    db.drop_schema().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshots_are_kept_when_the_session_doubles_or_first_ends() {
    let Some(db) = TestDb::new("snapshot_policy").await else {
        return;
    };
    let store = db.store(2).await;
    let mut session = Session::create(SESSION, config(BotPolicy::default()), at(0, 0)).unwrap();
    let mut version = 0;
    let mut kept = Vec::new();
    for (step, status) in [
        (0, SessionStatus::Open),
        (1, SessionStatus::Open),      // v2: the first snapshot, kept
        (2, SessionStatus::Open),      // v3: less than double, skipped
        (3, SessionStatus::Open),      // v4: double, kept
        (4, SessionStatus::Cancelled), // v5: the first terminal one, kept
        (5, SessionStatus::Cancelled), // v6: terminal again, skipped
    ] {
        if step > 0 {
            session.join(&join(step, 1), at(1, 0)).unwrap();
            session.drain_effects();
        }
        let write = SessionWrite {
            id: SESSION,
            expected_version: version,
            events: session.drain_events(),
            status,
            next_deadline: None,
            snapshot: (step > 0).then(|| session.clone()),
        };
        version = write.new_version();
        let mut tx = store.begin().await.unwrap();
        tx.save_session(&write).await.unwrap();
        tx.commit().await.unwrap();
        store.flush_snapshots().await;
        kept.push(
            db.count("SELECT coalesce(max(version), 0) FROM session_snapshots")
                .await,
        );
    }
    assert_eq!(kept, [0, 2, 2, 4, 5, 5]);
    // A cold load: the kept snapshot and the one event after it.
    let mut tx = store.begin().await.unwrap();
    let load = tx.load_session(SESSION, None).await.unwrap();
    assert_eq!(load.snapshot.map(|(v, _)| v), Some(5));
    assert_eq!(load.events.len(), 1);
    drop(tx);
    db.drop_schema().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_of_another_writer_load_the_same_when_read_with_the_lock() {
    let Some(db) = TestDb::new("read_ahead").await else {
        return;
    };
    let (a, b) = (db.store(2).await, db.store(2).await);
    let mut session = Session::create(SESSION, config(BotPolicy::default()), at(0, 0)).unwrap();
    let mut version = 0;
    let mut step = |store: &patungan_postgres::PostgresStore, n: u128| {
        if n > 0 {
            session.join(&join(n, 1), at(1, 0)).unwrap();
            session.drain_effects();
        }
        let write = SessionWrite {
            id: SESSION,
            expected_version: version,
            events: session.drain_events(),
            status: SessionStatus::Open,
            next_deadline: None,
            snapshot: None,
        };
        version = write.new_version();
        let store = store.clone();
        async move {
            let mut tx = store.begin().await.unwrap();
            if write.expected_version > 0 {
                tx.lock_session(SESSION).await.unwrap().unwrap();
            }
            tx.save_session(&write).await.unwrap();
            tx.commit().await.unwrap();
        }
    };
    step(&a, 0).await;
    step(&b, 1).await; // b sees a's head for the first time
    step(&a, 2).await; // a finds that b moved the head
    step(&b, 3).await;
    step(&b, 4).await;
    // a saw the head move last time: its lock now brings the two events after v3.
    let mut tx = a.begin().await.unwrap();
    assert_eq!(tx.lock_session(SESSION).await.unwrap().unwrap().version, 5);
    let ahead = tx.load_session(SESSION, Some(3)).await.unwrap();
    let mut plain = b.begin().await.unwrap();
    drop(tx);
    let normal = plain.load_session(SESSION, Some(3)).await.unwrap();
    assert_eq!(ahead.events.len(), 2);
    assert_eq!(ahead.events, normal.events);
    assert!(ahead.snapshot.is_none());
    // Asked for another version, the store loads normally.
    let mut tx = a.begin().await.unwrap();
    tx.lock_session(SESSION).await.unwrap();
    let other = tx.load_session(SESSION, Some(1)).await.unwrap();
    assert_eq!(other.events.len(), 4);
    drop((tx, plain));
    db.drop_schema().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_transaction_does_not_wait_for_a_writer_holding_the_row_locks() {
    let Some(db) = TestDb::new("read_no_lock").await else {
        return;
    };
    let store = db.store(4).await;
    let mut session = Session::create(SESSION, config(BotPolicy::default()), at(0, 0)).unwrap();
    let mut tx = store.begin().await.unwrap();
    tx.save_session(&SessionWrite {
        id: SESSION,
        expected_version: 0,
        events: session.drain_events(),
        status: SessionStatus::Open,
        next_deadline: None,
        snapshot: None,
    })
    .await
    .unwrap();
    tx.put(stock(1, 3)).await.unwrap();
    tx.commit().await.unwrap();

    // A writer holds the session's and the stock's row locks.
    let mut writer = store.begin().await.unwrap();
    assert!(writer.lock_session(SESSION).await.unwrap().is_some());
    assert!(writer.get::<Stock>(product(1)).await.unwrap().is_some());

    // A reader sees the committed state at once.
    let mut reader = store.begin_read().await.unwrap();
    let wait = Duration::from_secs(5);
    let head = tokio::time::timeout(wait, reader.lock_session(SESSION))
        .await
        .expect("a read takes no row lock")
        .unwrap()
        .unwrap();
    assert_eq!(head.version, 1);
    let load = reader.load_session(SESSION, None).await.unwrap();
    assert_eq!(load.events.len(), 1);
    let seen = tokio::time::timeout(wait, reader.get::<Stock>(product(1)))
        .await
        .expect("a read takes no row lock")
        .unwrap();
    assert_eq!(seen, Some(stock(1, 3)));
    drop(reader);

    // Another writer does wait.
    let mut second = store.begin().await.unwrap();
    let blocked = tokio::time::timeout(Duration::from_millis(300), second.lock_session(SESSION));
    assert!(blocked.await.is_err(), "writers queue on the row lock");
    drop(second);
    drop(writer);
    db.drop_schema().await;
}

/// Runners of several processes share the due outbox entries: a claim takes the
/// oldest due ones and holds them off other claims until its lease ends (or their
/// result is stored); two claims at once never take the same entry.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claims_take_disjoint_entries_until_their_lease_ends() {
    let Some(db) = TestDb::new("outbox_claims").await else {
        return;
    };
    let store = Arc::new(db.store(4).await);
    let entries: Vec<OutboxEntry> = (1..=6).map(|n| outbox(n, at(1, 0))).collect();
    let mut tx = store.begin().await.unwrap();
    tx.enqueue(&entries).await.unwrap();
    tx.commit().await.unwrap();
    let now = at(2, 0);
    let until = at(2, 1);
    let (a, b) = tokio::join!(
        store.claim_outbox(now, 3, until),
        store.claim_outbox(now, 3, until)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    let mut ids: Vec<_> = a.iter().chain(&b).map(|e| e.id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), a.len() + b.len(), "no entry claimed twice");
    assert_eq!(ids.len(), 6, "both claims took their share");
    assert!(a.iter().all(|e| e.next_attempt_at == until));
    assert!(store.claim_outbox(now, 10, until).await.unwrap().is_empty());
    assert!(store.due_outbox(now, 10).await.unwrap().is_empty());
    // A runner that died holding its claim: the entries are due again at its end.
    let again = store.claim_outbox(until, 10, at(2, 2)).await.unwrap();
    assert_eq!(again.len(), 6);
    db.drop_schema().await;
}
