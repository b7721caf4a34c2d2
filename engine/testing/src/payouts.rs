//! Payouts the disburser rejects as a whole or never reports on (docs/domain.md §9): no
//! withdrawal may stay held in a batch that will never report.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use patungan_core::wallet::{BankAccount, WithdrawalRequest, WithdrawalStatus};
use patungan_core::{Money, UserId, WithdrawalId};

use super::{at, Fixture, World};
use patungan_core::notices::{PayoutEvent, ProviderNotification};
use patungan_memory::SimPayout;

const DEPOSIT: u64 = 500_000;

fn user(n: u128) -> UserId {
    UserId::from_u128(900 + n)
}

fn withdrawal(n: u128) -> WithdrawalId {
    WithdrawalId::from_u128(500 + n)
}

/// Friday 27 Nov 2026, 10:00 WIB: the run after Tuesday's.
fn friday() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 3, 0, 0).unwrap()
}

/// Users 1..=n each deposit 500 000 and ask for 100 000 on Tuesday 08:00 WIB; the
/// 10:00 WIB run puts them in one batch.
async fn batched(w: &World, n: u128) {
    for i in 1..=n {
        w.engine
            .deposit(user(i), Money::idr(DEPOSIT), uuid::Uuid::from_u128(i))
            .await
            .unwrap();
        w.engine
            .request_withdrawal(WithdrawalRequest {
                id: withdrawal(i),
                user: user(i),
                amount: Money::idr(100_000),
                destination: BankAccount {
                    bank_code: "NOT_A_BANK".into(),
                    account_number: "1234567890".into(),
                    holder_name: "Siti Aminah".into(),
                },
                requested_at: at(1, 0),
            })
            .await
            .unwrap();
    }
    assert_eq!(w.engine.tick(at(3, 0)).await.unwrap().payout_batches, 1);
}

async fn status(w: &World, i: u128) -> (WithdrawalStatus, Option<String>) {
    let wd = w.engine.withdrawal(withdrawal(i)).await.unwrap();
    (wd.status(), wd.failure_code().map(str::to_owned))
}

async fn balance(w: &World, i: u128) -> (Money, Money) {
    let b = w.engine.wallet_balance(user(i)).await.unwrap();
    (b.available, b.held)
}

fn payout_of(w: &World, i: u128) -> SimPayout {
    let prefix = format!("wdi-{}-", withdrawal(i));
    w.disburser
        .payouts()
        .into_iter()
        .rev()
        .find(|p| p.item.external_id.starts_with(&prefix))
        .unwrap()
}

/// Before: the runner marked the refused submission failed and nothing else, so
/// every withdrawal of the batch stayed `InBatch` with its amount held for good.
pub async fn a_batch_rejected_with_a_permanent_code_makes_every_wallet_whole(
    fixture: Arc<dyn Fixture>,
) {
    let w = World::new(fixture).await;
    batched(&w, 3).await;
    w.disburser
        .reject_batches_with(Some("BANK_CODE_NOT_SUPPORTED_ERROR"));
    assert_eq!(w.engine.run_effects(at(3, 0)).await.unwrap().failed, 1);
    for i in 1..=3 {
        assert_eq!(
            status(&w, i).await,
            (
                WithdrawalStatus::Failed,
                Some("BANK_CODE_NOT_SUPPORTED_ERROR".to_owned())
            )
        );
        assert_eq!(
            balance(&w, i).await,
            (Money::idr(DEPOSIT), Money::idr(0)),
            "wallet {i} whole again"
        );
    }
    assert!(w.engine.reconcile(at(23, 59)).await.unwrap().is_clean());
    // Nothing is sent again on Friday.
    w.disburser.reject_batches_with(None);
    assert_eq!(w.engine.tick(friday()).await.unwrap().payout_batches, 0);
}

/// Before: as above, and a temporary refusal was never retried either.
pub async fn a_batch_rejected_with_a_temporary_code_is_paid_in_the_next_batch(
    fixture: Arc<dyn Fixture>,
) {
    let w = World::new(fixture).await;
    batched(&w, 2).await;
    w.disburser
        .reject_batches_with(Some("TEMPORARY_TRANSFER_ERROR"));
    assert_eq!(w.engine.run_effects(at(3, 0)).await.unwrap().failed, 1);
    for i in 1..=2 {
        assert_eq!(status(&w, i).await, (WithdrawalStatus::Queued, None));
        assert_eq!(
            balance(&w, i).await,
            (Money::idr(400_000), Money::idr(100_000)),
            "still held"
        );
    }
    w.disburser.reject_batches_with(None);
    assert_eq!(w.engine.tick(friday()).await.unwrap().payout_batches, 1);
    w.engine.run_effects(friday()).await.unwrap();
    for i in 1..=2 {
        let payout = payout_of(&w, i);
        assert!(payout.item.external_id.ends_with("-2"), "attempt 2");
        let note = w
            .disburser
            .resolve(&payout.item.external_id, PayoutEvent::Completed, None)
            .unwrap();
        w.engine
            .handle_notification(&ProviderNotification::Payout(note), friday())
            .await
            .unwrap();
        assert_eq!(status(&w, i).await, (WithdrawalStatus::Completed, None));
        assert_eq!(balance(&w, i).await, (Money::idr(400_000), Money::idr(0)));
    }
    assert!(w.engine.reconcile(friday()).await.unwrap().is_clean());
}

/// Before: a batch accepted but never reported held its withdrawals forever.
pub async fn a_silent_batch_is_queried_after_48_hours_and_settles_as_the_disburser_says(
    fixture: Arc<dyn Fixture>,
) {
    let w = World::new(fixture).await;
    batched(&w, 3).await;
    w.disburser.go_silent(true);
    w.engine.run_effects(at(3, 0)).await.unwrap();
    // The disburser decides two payouts, but no webhook ever comes; the third
    // stays pending at the disburser.
    let decided = [
        (1, PayoutEvent::Completed, None),
        (2, PayoutEvent::Failed, Some("INVALID_DESTINATION")),
    ];
    for (i, outcome, code) in decided {
        let id = payout_of(&w, i).item.external_id;
        assert!(w.disburser.resolve(&id, outcome, code).is_none(), "silent");
    }
    let sent = at(3, 0);
    // Not yet silent for 48 h: nothing is asked.
    w.engine.tick(sent + Duration::hours(47)).await.unwrap();
    w.engine
        .run_effects(sent + Duration::hours(47))
        .await
        .unwrap();
    assert_eq!(status(&w, 1).await.0, WithdrawalStatus::InBatch);
    let later = sent + Duration::hours(48);
    w.engine.tick(later).await.unwrap();
    w.engine.tick(later).await.unwrap();
    assert_eq!(
        w.engine.run_effects(later).await.unwrap().done,
        3,
        "one query per item"
    );
    assert_eq!(status(&w, 1).await, (WithdrawalStatus::Completed, None));
    assert_eq!(
        balance(&w, 1).await,
        (Money::idr(400_000), Money::idr(0)),
        "paid out, no hold left"
    );
    assert_eq!(
        status(&w, 2).await,
        (
            WithdrawalStatus::Failed,
            Some("INVALID_DESTINATION".to_owned())
        )
    );
    assert_eq!(balance(&w, 2).await, (Money::idr(DEPOSIT), Money::idr(0)));
    // Still pending at the disburser: unchanged, asked again next period — and
    // the reconciliation names it until then.
    assert_eq!(status(&w, 3).await.0, WithdrawalStatus::InBatch);
    let report = w.engine.reconcile(later).await.unwrap();
    assert_eq!(report.withdrawals_held_too_long, vec![withdrawal(3)]);
    assert!(!report.is_clean());
    let report = w
        .engine
        .reconcile(sent + Duration::hours(47))
        .await
        .unwrap();
    assert!(report.withdrawals_held_too_long.is_empty());
    let id = payout_of(&w, 3).item.external_id;
    w.disburser.resolve(&id, PayoutEvent::Completed, None);
    let next = sent + Duration::hours(96);
    w.engine.tick(next).await.unwrap();
    assert_eq!(w.engine.run_effects(next).await.unwrap().done, 1);
    assert_eq!(status(&w, 3).await, (WithdrawalStatus::Completed, None));
    assert_eq!(balance(&w, 3).await.1, Money::idr(0));
    assert!(w.engine.reconcile(next).await.unwrap().is_clean());
}

/// A batch the disburser has not taken yet (its submission still retrying through
/// an outage) is not asked about: an attempt declared lost could still arrive with
/// the retried batch and be paid besides its re-queued successor.
pub async fn a_batch_still_being_submitted_is_not_queried(fixture: Arc<dyn Fixture>) {
    use std::sync::atomic::Ordering;
    let flaky = std::sync::Arc::new(super::regressions::outage::Flaky::default());
    let engine = super::regressions::outage::engine(fixture.open().await, &flaky);
    engine
        .deposit(user(1), Money::idr(DEPOSIT), uuid::Uuid::from_u128(1))
        .await
        .unwrap();
    engine
        .request_withdrawal(WithdrawalRequest {
            id: withdrawal(1),
            user: user(1),
            amount: Money::idr(100_000),
            destination: BankAccount {
                bank_code: "BCA".into(),
                account_number: "1234567890".into(),
                holder_name: "Siti Aminah".into(),
            },
            requested_at: at(1, 0),
        })
        .await
        .unwrap();
    engine.tick(at(3, 0)).await.unwrap();
    flaky.down.store(true, Ordering::SeqCst);
    assert_eq!(engine.run_effects(at(3, 0)).await.unwrap().retried, 1);
    let later = at(3, 0) + Duration::hours(48);
    assert_eq!(engine.tick(later).await.unwrap().payout_queries, 0);
    flaky.down.store(false, Ordering::SeqCst);
    let taken = later + Duration::days(7);
    assert_eq!(engine.run_effects(taken).await.unwrap().done, 1);
    assert_eq!(flaky.disburser.payouts().len(), 1);
    // Taken now, and still silent: asked about (pending, so nothing changes).
    assert_eq!(engine.tick(taken).await.unwrap().payout_queries, 1);
    assert_eq!(engine.run_effects(taken).await.unwrap().done, 1);
    let wd = engine.withdrawal(withdrawal(1)).await.unwrap();
    assert_eq!(wd.status(), WithdrawalStatus::InBatch);
}
