//! Crashes and concurrency: a crash between commit and effect, a hot session joined
//! from many engine processes, joins committed in groups, a webhook delivered 100
//! times at once.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::Duration;
use patungan_core::grosir::{GrosirConfig, VariantBundle};
use patungan_core::ledger::TransferCode;
use patungan_core::session::{ParticipantStatus, SessionGrosir};
use patungan_core::{BotPolicy, Money, ParticipantId, VariantId};

use super::{at, config, join, Fixture, World, SESSION};
use patungan_core::notices::ProviderNotification;
use patungan_engine::store::{OutboxEntry, OutboxState, Store};
use patungan_engine::Handled;

/// Every outbox entry still waiting (due or backing off).
async fn waiting(store: &dyn Store) -> Vec<OutboxEntry> {
    store
        .due_outbox(at(0, 0) + Duration::days(3650), 1_000)
        .await
        .unwrap()
}

/// A process dies after the join committed and before its invoice was created: a
/// new process finds the effect in the outbox and performs it exactly once.
pub async fn a_crash_between_commit_and_effect_performs_the_effect_once(fixture: Arc<dyn Fixture>) {
    let mut w = World::new(fixture).await;
    w.open_session(BotPolicy::default()).await;
    w.join(1, 10).await;
    let pending = waiting(&*w.store).await;
    assert_eq!(pending.len(), 1, "the join committed with its outbox entry");
    w.restart().await;
    assert!(w.gateway.invoices().is_empty());
    let first = w.engine.run_effects(at(1, 1)).await.unwrap();
    let second = w.engine.run_effects(at(1, 2)).await.unwrap();
    assert_eq!((first.done, second.done), (1, 0));
    let invoices = w.gateway.invoices();
    assert_eq!(invoices.len(), 1);
    assert_eq!(invoices[0].create_calls, 1);
    assert!(waiting(&*w.store).await.is_empty());
    let mut tx = w.store.begin().await.unwrap();
    let entry = tx.outbox_entry(pending[0].id).await.unwrap().unwrap();
    assert_eq!((entry.state, entry.attempts), (OutboxState::Done, 1));
}

const SMALL: VariantId = VariantId::from_u128(1);
const LARGE: VariantId = VariantId::from_u128(2);

/// 64 joins race for 10 available units from 8 engine processes: exactly 10 are
/// accepted, the rest refused for availability, and a fresh process finds exactly
/// the accepted ones in the log, with one invoice effect each.
pub async fn sixty_four_joiners_on_a_hot_session_never_oversell_and_lose_nothing(
    fixture: Arc<dyn Fixture>,
) {
    let w = World::new(fixture).await;
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
    w.engine
        .create_session(SESSION, session, at(0, 0))
        .await
        .unwrap();
    let mut engines = Vec::new();
    for _ in 0..8 {
        engines.push(Arc::new(w.process().await));
    }
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
    let fresh = w.process().await;
    let view = fresh.session(SESSION).await.unwrap();
    let state = view.session.state();
    let logged: BTreeSet<ParticipantId> = state.participants().iter().map(|p| p.id).collect();
    assert_eq!(logged, accepted);
    assert_eq!(state.held_units(), [10, 0]);
    assert_eq!(view.version, 1 + 10, "one event per accepted join");
    assert_eq!(waiting(&*w.store).await.len(), 10, "one invoice each");
}

/// 60 joins of every kind arrive at once on one engine, so they commit in groups:
/// valid joins, joins of zero units and of a variant the product lacks (refused),
/// and pairs of identical joins (one participant, answered with one receipt). Each
/// join gets its own answer, a refusal inside a group does not stop the others, and
/// the log holds exactly the accepted participants, one event and one invoice each.
pub async fn mixed_refusals_inside_a_group_commit_answer_each_join_on_its_own(
    fixture: Arc<dyn Fixture>,
) {
    let w = World::new(fixture).await;
    w.open_session(BotPolicy::disabled()).await;
    let engine = Arc::new(w.process().await);
    let mut tasks = Vec::new();
    for n in 0..48u128 {
        let mut request = join(n, 1);
        match n % 4 {
            1 => request.quantity = 0,
            2 => request.variant = Some(VariantId::from_u128(99)),
            _ => {}
        }
        let copies = if n % 4 == 3 { 2 } else { 1 };
        for _ in 0..copies {
            let engine = Arc::clone(&engine);
            let request = request.clone();
            tasks.push(tokio::spawn(async move {
                (n, engine.join(SESSION, &request, at(1, 0)).await)
            }));
        }
    }
    let mut accepted = BTreeSet::new();
    let mut receipts = std::collections::BTreeMap::new();
    for task in tasks {
        let (n, result) = task.await.unwrap();
        match (n % 4, result) {
            (0 | 3, Ok(receipt)) => {
                accepted.insert(ParticipantId::from_u128(1000 + n));
                if let Some(first) = receipts.insert(n, receipt.clone()) {
                    // One applied the join, the other found it applied.
                    assert_ne!(first.outcome, receipt.outcome);
                    let same = (first.payment, first.cost, first.invoice_expires_at)
                        == (receipt.payment, receipt.cost, receipt.invoice_expires_at);
                    assert!(
                        same,
                        "identical joins get one receipt: {first:?} {receipt:?}"
                    );
                }
            }
            (1, Err(e)) => assert_eq!(e.code(), "session.zero_quantity"),
            (2, Err(e)) => assert!(e.code().starts_with("session") && !e.is_retryable(), "{e}"),
            (kind, other) => panic!("join {n} of kind {kind}: {other:?}"),
        }
    }
    assert_eq!(accepted.len(), 24);
    let fresh = w.process().await;
    let view = fresh.session(SESSION).await.unwrap();
    let logged: BTreeSet<ParticipantId> = view
        .session
        .state()
        .participants()
        .iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(logged, accepted);
    assert_eq!(view.version, 1 + 24, "one event per accepted participant");
    assert_eq!(waiting(&*w.store).await.len(), 24, "one invoice each");
}

/// The same payment webhook delivered 100 times at once through 4 processes is
/// applied once: one event, one ledger posting, 99 duplicates.
pub async fn a_webhook_delivered_100_times_concurrently_changes_state_once(
    fixture: Arc<dyn Fixture>,
) {
    let w = World::new(fixture).await;
    w.open_session(BotPolicy::default()).await;
    let receipt = w.join(1, 10).await;
    w.engine.run_effects(at(1, 0)).await.unwrap();
    let paid = w.gateway.pay(receipt.payment, at(1, 10)).unwrap();
    let version = w.engine.session(SESSION).await.unwrap().version;

    let mut engines = Vec::new();
    for _ in 0..4 {
        engines.push(Arc::new(w.process().await));
    }
    let notification = Arc::new(ProviderNotification::Payment(paid));
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
}
