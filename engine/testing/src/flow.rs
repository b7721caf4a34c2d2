//! Whole flows through the engine: success, failure and refunds, lost provider
//! responses, withdrawals, refused inputs.

use std::sync::Arc;

use patungan_core::session::SessionStatus;
use patungan_core::wallet::{BankAccount, WithdrawalRequest, WithdrawalStatus};
use patungan_core::{BotPolicy, Money, SessionId, UserId, WithdrawalId};

use super::{at, join, Fixture, World, SESSION};
use patungan_core::notices::{PayoutEvent, ProviderNotification};
use patungan_engine::{renewal_id, Handled};
use patungan_memory::FaultConfig;

/// A session that reaches its MOQ: escrow settles, cashback reaches the wallets, a
/// replayed webhook is a duplicate, the books reconcile and the session renews.
pub async fn success_settles_escrow_credits_cashback_and_renews(fixture: Arc<dyn Fixture>) {
    let w = World::new(fixture).await;
    w.open_session(BotPolicy::default()).await;
    for (n, qty) in [(1, 10), (2, 15), (3, 20)] {
        let receipt = w
            .engine
            .join(SESSION, &join(n, qty), at(1, 0))
            .await
            .unwrap();
        assert_eq!(receipt.cost.quantity, qty);
    }
    let run = w.engine.run_effects(at(1, 0)).await.unwrap();
    assert_eq!(run.done, 3);
    assert_eq!(w.gateway.invoices().len(), 3);
    assert_eq!(w.pay_all(at(1, 10)).await, 3);

    // The same webhook again changes nothing.
    let invoice = &w.gateway.invoices()[0];
    let replay = patungan_core::notices::PaymentNotification {
        provider_event_id: format!("inv_{}", invoice.request.payment_id.as_uuid().simple()),
        payment_id: invoice.request.payment_id,
        status: patungan_core::notices::PaymentStatus::Paid,
        paid_amount: Some(invoice.request.amount),
        paid_at: Some(at(1, 10)),
        payment_method: Some("BANK_TRANSFER".into()),
        payment_channel: Some("BCA".into()),
        provider_payment_id: Some(format!(
            "pay_{}",
            invoice.request.payment_id.as_uuid().simple()
        )),
    };
    let again = w
        .engine
        .handle_notification(&ProviderNotification::Payment(replay), at(1, 15))
        .await;
    assert_eq!(again.unwrap(), Handled::Duplicate);

    let tick = w.engine.tick(at(12, 0)).await.unwrap();
    assert!(tick.timers >= 1, "{tick:?}");
    let view = w.engine.session(SESSION).await.unwrap();
    assert_eq!(view.session.status(), SessionStatus::Confirmed);

    for (n, cashback) in [(1u128, 500_000u64), (2, 750_000), (3, 1_000_000)] {
        let balance = w.engine.wallet_balance(UserId::from_u128(n)).await.unwrap();
        assert_eq!(balance.available, Money::idr(cashback), "user {n}");
    }
    let report = w.engine.reconcile(at(23, 59)).await.unwrap();
    assert!(report.is_clean(), "{report}");
    let renewed = w.engine.session(renewal_id(SESSION)).await.unwrap();
    assert_eq!(renewed.session.status(), SessionStatus::Open);
}

/// A session that misses its MOQ refunds every payer once, however often the
/// effect runner runs.
pub async fn failure_refunds_every_payer_once_through_the_gateway(fixture: Arc<dyn Fixture>) {
    let w = World::new(fixture).await;
    w.open_session(BotPolicy::disabled()).await;
    w.join(1, 10).await;
    w.join(2, 5).await;
    w.engine.run_effects(at(1, 0)).await.unwrap();
    w.pay_all(at(1, 10)).await;
    w.engine.tick(at(12, 0)).await.unwrap();
    assert_eq!(
        w.engine.session(SESSION).await.unwrap().session.status(),
        SessionStatus::Failed
    );
    // Run the refunds twice: the gateway still sees one refund per payment.
    w.engine.run_effects(at(12, 0)).await.unwrap();
    w.engine.run_effects(at(12, 1)).await.unwrap();
    assert_eq!(w.gateway.refunds().len(), 2);
    assert_eq!(w.settle_refunds(at(13, 0)).await, 2);
    let report = w.engine.reconcile(at(23, 59)).await.unwrap();
    assert!(report.is_clean(), "{report}");
    assert!(w.engine.ledger().await.unwrap().verify().is_ok());
}

/// A gateway response lost on the way back is retried with the same idempotency
/// key: one invoice, created once.
pub async fn lost_responses_are_retried_under_the_same_idempotency_key(fixture: Arc<dyn Fixture>) {
    let w = World::with_faults(
        fixture,
        FaultConfig {
            seed: 3,
            error_ppm: 0,
            lost_response_ppm: 1_000_000,
            latency: std::time::Duration::ZERO,
        },
    )
    .await;
    w.open_session(BotPolicy::default()).await;
    w.join(1, 10).await;
    let first = w.engine.run_effects(at(1, 0)).await.unwrap();
    assert_eq!(first.retried, 1);
    let invoices = w.gateway.invoices();
    assert_eq!(invoices.len(), 1);
    assert_eq!(invoices[0].create_calls, 1);
}

/// A withdrawal paid out to an invalid account fails and its amount returns to the
/// wallet; repeated requests, ticks and webhooks change nothing more.
pub async fn withdrawal_fails_with_invalid_destination_and_the_balance_returns(
    fixture: Arc<dyn Fixture>,
) {
    let w = World::new(fixture).await;
    let user = UserId::from_u128(9);
    w.engine
        .deposit(user, Money::idr(500_000), uuid::Uuid::from_u128(1))
        .await
        .unwrap();
    w.engine
        .deposit(user, Money::idr(500_000), uuid::Uuid::from_u128(1))
        .await
        .unwrap();
    let id = WithdrawalId::from_u128(5);
    let request = WithdrawalRequest {
        id,
        user,
        amount: Money::idr(200_000),
        destination: BankAccount {
            bank_code: "BCA".into(),
            account_number: "1234567890".into(),
            holder_name: "Siti Aminah".into(),
        },
        requested_at: at(1, 0), // Tuesday 24 Nov 2026, 08:00 WIB
    };
    w.engine.request_withdrawal(request.clone()).await.unwrap();
    w.engine.request_withdrawal(request).await.unwrap();
    assert_eq!(
        w.engine.wallet_balance(user).await.unwrap().available,
        Money::idr(300_000)
    );
    // Tuesday 10:00 WIB = 03:00 UTC.
    let tick = w.engine.tick(at(3, 0)).await.unwrap();
    assert_eq!(tick.payout_batches, 1);
    assert_eq!(w.engine.tick(at(3, 5)).await.unwrap().payout_batches, 0);
    w.engine.run_effects(at(3, 0)).await.unwrap();
    let payouts = w.disburser.payouts();
    assert_eq!(payouts.len(), 1);
    assert_eq!(payouts[0].item.amount, Money::idr(197_500));
    let note = w
        .disburser
        .resolve(
            &payouts[0].item.external_id,
            PayoutEvent::Failed,
            Some("INVALID_DESTINATION"),
        )
        .unwrap();
    let n = ProviderNotification::Payout(note);
    assert_eq!(
        w.engine.handle_notification(&n, at(4, 0)).await.unwrap(),
        Handled::Applied
    );
    assert_eq!(
        w.engine.handle_notification(&n, at(4, 1)).await.unwrap(),
        Handled::Duplicate
    );
    assert_eq!(
        w.engine.withdrawal(id).await.unwrap().status(),
        WithdrawalStatus::Failed
    );
    assert_eq!(
        w.engine.wallet_balance(user).await.unwrap().available,
        Money::idr(500_000)
    );
    assert!(w.engine.reconcile(at(23, 59)).await.unwrap().is_clean());
}

/// Refused joins (stale price, too late, unknown session) write nothing.
pub async fn refused_inputs_change_nothing(fixture: Arc<dyn Fixture>) {
    let w = World::new(fixture).await;
    w.open_session(BotPolicy::default()).await;
    let mut stale = join(1, 10);
    stale.expected_unit_price = Money::idr(199_000);
    let err = w.engine.join(SESSION, &stale, at(1, 0)).await.unwrap_err();
    assert_eq!(err.code(), "session.stale_price");
    let late = w
        .engine
        .join(SESSION, &join(2, 1), at(12, 0))
        .await
        .unwrap_err();
    assert!(late.code().starts_with("session."), "{}", late.code());
    let view = w.engine.session(SESSION).await.unwrap();
    assert_eq!(view.version, 1);
    assert!(w.engine.run_effects(at(1, 0)).await.unwrap().done == 0);
    let unknown = w
        .engine
        .join(
            patungan_core::SessionId::from_u128(99),
            &join(3, 1),
            at(1, 0),
        )
        .await;
    assert_eq!(unknown.unwrap_err().code(), "engine.unknown_session");
}

/// An engine whose session cache holds two sessions works on five: idle sessions
/// are evicted, and every operation and read still sees each session as committed.
pub async fn a_small_session_cache_evicts_and_every_session_stays_right(fixture: Arc<dyn Fixture>) {
    let mut w = World::new(fixture).await;
    let config = patungan_engine::EngineConfig {
        session_cache: 2,
        ..patungan_engine::EngineConfig::default()
    };
    w.engine = patungan_engine::Engine::new(w.store.clone(), w.engine.ports().clone(), config);
    let ids: Vec<SessionId> = (1..=5).map(SessionId::from_u128).collect();
    for &id in &ids {
        w.engine
            .create_session(id, super::config(BotPolicy::disabled()), at(0, 0))
            .await
            .unwrap();
    }
    for round in 1..=2u128 {
        for (n, &id) in (0u128..).zip(&ids) {
            w.engine
                .join(id, &join(10 * n + round, 1), at(1, 0))
                .await
                .unwrap();
            assert!(w.engine.cached_sessions() <= 2);
        }
    }
    for &id in &ids {
        let view = w.engine.session(id).await.unwrap();
        assert_eq!(view.session.state().participants().len(), 2, "{id}");
    }
    assert!(w.engine.cached_sessions() <= 2);
}

/// Joins five shoppers and returns an engine over the same data behind a fault
/// switch, with the switch.
async fn five_joins_behind_a_switch(
    fixture: Arc<dyn Fixture>,
) -> (World, patungan_engine::Engine, Arc<super::sim::StoreFaults>) {
    let w = World::new(fixture).await;
    w.open_session(BotPolicy::default()).await;
    for n in 1..=5 {
        w.engine.join(SESSION, &join(n, 1), at(1, 0)).await.unwrap();
    }
    let faults = Arc::new(super::sim::StoreFaults::default());
    let store = Arc::new(super::sim::FaultyStore::new(
        w.fixture.open().await,
        faults.clone(),
    ));
    let engine = World::engine_over(store, &w.gateway, &w.disburser, &w.shipping, &w.factory);
    (w, engine, faults)
}

/// Every join's invoice has its gateway id and payment URL stored.
async fn every_invoice_stored(engine: &patungan_engine::Engine) {
    for n in 1..=5 {
        let record = engine
            .invoice(join(n, 1).payment)
            .await
            .unwrap()
            .expect("recorded by the join");
        assert!(record.provider_invoice_id.is_some() && record.url.is_some());
    }
}

/// The invoices one runner pass creates are stored together: one commit, not one
/// per invoice (a durable commit per join's invoice was most of a join's cost).
pub async fn a_runner_pass_stores_its_created_invoices_in_one_commit(fixture: Arc<dyn Fixture>) {
    let (w, engine, faults) = five_joins_behind_a_switch(fixture).await;
    let run = engine.run_effects(at(1, 0)).await.unwrap();
    assert_eq!(run.done, 5);
    assert_eq!(faults.commits(), 1);
    assert_eq!(w.gateway.invoices().len(), 5);
    every_invoice_stored(&engine).await;
    // Nothing is left to perform.
    assert_eq!(
        engine.run_effects(at(1, 1)).await.unwrap(),
        Default::default()
    );
}

/// If the shared commit fails, each created invoice is stored in a commit of its
/// own, and no invoice is created twice.
pub async fn created_invoices_are_stored_one_by_one_when_their_shared_commit_fails(
    fixture: Arc<dyn Fixture>,
) {
    let (w, engine, faults) = five_joins_behind_a_switch(fixture).await;
    faults.fail_commits(1);
    let run = engine.run_effects(at(1, 0)).await.unwrap();
    assert_eq!(run.done, 5);
    assert_eq!(faults.commits(), 5);
    assert_eq!(w.gateway.invoices().len(), 5);
    every_invoice_stored(&engine).await;
    assert_eq!(
        engine.run_effects(at(1, 1)).await.unwrap(),
        Default::default()
    );
}

/// The runner's batch reads: the outbox entries and the invoices named by a list,
/// those that exist, entries in id order.
pub async fn outbox_entries_and_invoices_are_read_by_list(fixture: Arc<dyn Fixture>) {
    let (w, _engine, _faults) = five_joins_behind_a_switch(fixture).await;
    let store = w.fixture.open().await;
    let due = store.due_outbox(at(1, 0), 100).await.unwrap();
    assert_eq!(due.len(), 5);
    let mut ids: Vec<_> = due.iter().map(|e| e.id).rev().collect();
    ids.push(patungan_engine::store::EffectId(uuid::Uuid::from_u128(7)));
    let mut tx = store.begin().await.unwrap();
    let entries = tx.outbox_entries(&ids).await.unwrap();
    let mut expected: Vec<_> = due.iter().map(|e| e.id).collect();
    expected.sort_unstable();
    assert_eq!(entries.iter().map(|e| e.id).collect::<Vec<_>>(), expected);
    let unknown = patungan_core::PaymentId::from_u128(99);
    let wanted = vec![join(1, 1).payment, join(3, 1).payment, unknown];
    let mut found: Vec<_> = tx
        .find::<patungan_engine::InvoiceRecord>(patungan_engine::store::RowQuery::Invoices(wanted))
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.payment)
        .collect();
    found.sort_unstable();
    let mut expected = vec![join(1, 1).payment, join(3, 1).payment];
    expected.sort_unstable();
    assert_eq!(found, expected);
}
