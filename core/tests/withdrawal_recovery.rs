//! Payouts the gateway will not report on (docs/domain.md §9): a batch rejected as a whole is
//! resolved item by item like that failure code; items silent for too long are found
//! and their status, once asked for, is applied.
// Test code may unwrap, expect, panic and index: the workspace denies these in library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::num::NonZeroUsize;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use patungan_core::ledger::Chart;
use patungan_core::ledger::{CreditReason, Ledger, WalletCredit};
use patungan_core::wallet::{
    BankAccount, BatchKey, BatchLimits, PayoutEffect, PayoutItemKey, PayoutOutcome, PayoutResult,
    PayoutStatus, SilentPayout, Wallets, WithdrawalPolicy, WithdrawalRequest, WithdrawalSchedule,
    WithdrawalStatus, Withdrawals, DEFAULT_PAYOUT_SILENCE, PAYOUT_NOT_FOUND,
};
use patungan_core::{Currency, Money, UserId, WithdrawalId};
use proptest::prelude::*;
use uuid::Uuid;

const DEPOSIT: u64 = 1_000_000;
const UNSUPPORTED: &str = "BANK_CODE_NOT_SUPPORTED_ERROR";
const TEMPORARY: &str = "TEMPORARY_TRANSFER_ERROR";

fn chart() -> Chart {
    Chart::new(Currency::IDR)
}

fn at(d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, d, h, 0, 0).unwrap()
}

/// Tuesday 2025-01-07 10:00 WIB, Friday 10 and Tuesday 14 likewise.
const TUESDAY: (u32, u32) = (7, 3);
const FRIDAY: (u32, u32) = (10, 3);
const NEXT_TUESDAY: (u32, u32) = (14, 3);

fn run(day: (u32, u32)) -> DateTime<Utc> {
    at(day.0, day.1)
}

fn user(n: u128) -> UserId {
    UserId::from_u128(0x5000 + n)
}

struct World {
    ledger: Ledger,
    book: Withdrawals,
}

impl World {
    /// `users` wallets of 1 000 000 each; user `n` asks for `amounts[n]` on Monday.
    fn new(amounts: &[u64]) -> World {
        let mut ledger = Ledger::new();
        let mut book = Withdrawals::new(chart(), WithdrawalPolicy::default()).unwrap();
        for (n, amount) in amounts.iter().enumerate() {
            let n = n as u128;
            Wallets::new(chart())
                .credit(
                    &mut ledger,
                    &WalletCredit {
                        reference: Uuid::from_u128(n + 1),
                        user: user(n),
                        amount: Money::idr(DEPOSIT),
                        reason: CreditReason::Deposit,
                    },
                )
                .unwrap();
            book.request(
                &mut ledger,
                WithdrawalRequest {
                    id: WithdrawalId::from_u128(n + 1),
                    user: user(n),
                    amount: Money::idr(*amount),
                    destination: BankAccount {
                        bank_code: "NOPE".into(),
                        account_number: "1234567890".into(),
                        holder_name: "Siti Aminah".into(),
                    },
                    requested_at: at(6, 8),
                },
            )
            .unwrap();
        }
        World { ledger, book }
    }

    fn plan(&mut self, day: (u32, u32), max_items: usize) -> Vec<(BatchKey, Vec<PayoutItemKey>)> {
        let limits = BatchLimits {
            max_items: NonZeroUsize::new(max_items).unwrap(),
        };
        self.book
            .plan(run(day), &WithdrawalSchedule::default(), limits)
            .into_iter()
            .map(|b| (b.key, b.items.into_iter().map(|i| i.key).collect()))
            .collect()
    }

    fn reject(&mut self, batch: BatchKey, code: &str) -> Vec<(PayoutItemKey, PayoutEffect)> {
        self.book
            .reject_batch(&mut self.ledger, batch, code)
            .unwrap()
    }

    fn status(&mut self, item: PayoutItemKey, status: PayoutStatus) -> PayoutEffect {
        self.book
            .apply_status(&mut self.ledger, item, &status)
            .unwrap()
    }

    fn available(&self, n: u128) -> Money {
        Wallets::new(chart())
            .balance(&self.ledger, user(n))
            .unwrap()
            .available
    }

    fn held(&self, n: u128) -> Money {
        Wallets::new(chart())
            .balance(&self.ledger, user(n))
            .unwrap()
            .held
    }

    fn withdrawal(&self, n: u128) -> &patungan_core::wallet::Withdrawal {
        self.book.get(WithdrawalId::from_u128(n + 1)).unwrap()
    }

    fn snapshot(&self) -> String {
        format!(
            "{}|{}",
            serde_json::to_string(&self.ledger).unwrap(),
            serde_json::to_string(&self.book).unwrap()
        )
    }

    fn balanced(&self) {
        self.ledger.verify().unwrap();
        assert!(self.ledger.reconcile(&[]).is_clean());
    }
}

fn item(n: u128, attempt: u32) -> PayoutItemKey {
    PayoutItemKey {
        withdrawal: WithdrawalId::from_u128(n + 1),
        attempt,
    }
}

#[test]
fn a_batch_rejected_with_a_permanent_code_voids_every_hold_still_in_flight() {
    let mut w = World::new(&[100_000, 50_000, 20_000]);
    let batches = w.plan(TUESDAY, 1000);
    let (batch, items) = batches[0].clone();
    assert_eq!(items.len(), 3);
    // One item's callback arrived before the rejection: it is left alone.
    w.book
        .apply_result(
            &mut w.ledger,
            &PayoutResult {
                item: items[0],
                outcome: PayoutOutcome::Completed,
            },
        )
        .unwrap();
    let resolved = w.reject(batch, UNSUPPORTED);
    assert_eq!(
        resolved,
        vec![
            (item(1, 1), PayoutEffect::Failed),
            (item(2, 1), PayoutEffect::Failed)
        ]
    );
    assert_eq!(w.withdrawal(0).status(), WithdrawalStatus::Completed);
    for n in [1, 2] {
        let wd = w.withdrawal(n);
        assert_eq!(wd.status(), WithdrawalStatus::Failed);
        assert_eq!(wd.failure_code(), Some(UNSUPPORTED));
        assert_eq!(w.available(n), Money::idr(DEPOSIT), "wallet {n} whole");
        assert_eq!(w.held(n), Money::idr(0));
    }
    assert_eq!(w.book.in_flight(batch).count(), 0);
    w.balanced();
    // A repeated rejection changes nothing.
    let before = w.snapshot();
    assert!(w.reject(batch, UNSUPPORTED).is_empty());
    assert!(w.reject(batch, TEMPORARY).is_empty());
    assert_eq!(w.snapshot(), before);
    // Nothing is left for the next run.
    assert!(w.plan(FRIDAY, 1000).is_empty());
}

#[test]
fn a_batch_rejected_with_a_temporary_code_is_requeued_within_the_attempt_budget() {
    let mut w = World::new(&[100_000]);
    for (attempt, day) in [(1, TUESDAY), (2, FRIDAY)] {
        let (batch, items) = w.plan(day, 1000).remove(0);
        assert_eq!(items, vec![item(0, attempt)]);
        assert_eq!(
            w.reject(batch, TEMPORARY),
            vec![(item(0, attempt), PayoutEffect::Requeued)]
        );
        assert_eq!(w.withdrawal(0).status(), WithdrawalStatus::Queued);
        assert_eq!(w.held(0), Money::idr(100_000), "the hold stays");
        w.balanced();
    }
    let (batch, items) = w.plan(NEXT_TUESDAY, 1000).remove(0);
    assert_eq!(items, vec![item(0, 3)]);
    assert_eq!(
        w.reject(batch, TEMPORARY),
        vec![(item(0, 3), PayoutEffect::Failed)]
    );
    assert_eq!(w.withdrawal(0).failure_code(), Some(TEMPORARY));
    assert_eq!(w.available(0), Money::idr(DEPOSIT));
    w.balanced();
}

#[test]
fn a_rejection_touches_only_its_own_batch() {
    let mut w = World::new(&[100_000, 50_000]);
    let batches = w.plan(TUESDAY, 1);
    assert_eq!(batches.len(), 2);
    assert_eq!(w.reject(batches[1].0, UNSUPPORTED).len(), 1);
    assert_eq!(w.withdrawal(0).status(), WithdrawalStatus::InBatch);
    assert_eq!(w.withdrawal(1).status(), WithdrawalStatus::Failed);
    assert!(w.book.is_in_flight(item(0, 1)));
    assert!(!w.book.is_in_flight(item(1, 1)));
    // An unknown batch has nothing in flight.
    let unknown = BatchKey {
        instant: run(FRIDAY),
        index: 0,
    };
    assert!(w.reject(unknown, UNSUPPORTED).is_empty());
}

#[test]
fn items_are_silent_once_the_limit_has_passed_since_their_batch_instant() {
    let mut w = World::new(&[100_000, 50_000]);
    let sent = run(TUESDAY);
    let batch = w.plan(TUESDAY, 1000)[0].0;
    assert_eq!(batch.instant, sent);
    let silence = DEFAULT_PAYOUT_SILENCE;
    assert_eq!(silence, TimeDelta::hours(48));
    assert!(w.book.silent(sent, silence).is_empty());
    assert!(w
        .book
        .silent(sent + silence - TimeDelta::seconds(1), silence)
        .is_empty());
    let silent = |period| {
        vec![
            SilentPayout {
                item: item(0, 1),
                batch,
                period,
            },
            SilentPayout {
                item: item(1, 1),
                batch,
                period,
            },
        ]
    };
    assert_eq!(w.book.silent(sent + silence, silence), silent(1));
    assert_eq!(
        w.book
            .silent(sent + silence * 2 - TimeDelta::seconds(1), silence),
        silent(1)
    );
    assert_eq!(w.book.silent(sent + silence * 2, silence), silent(2));
    // A resolved item is no longer silent; a limit of zero or less finds nothing.
    w.status(item(0, 1), PayoutStatus::Completed);
    assert_eq!(w.book.silent(sent + silence, silence).len(), 1);
    assert!(w.book.silent(sent + silence, TimeDelta::zero()).is_empty());
    assert!(w.book.silent(sent + silence, -silence).is_empty());
    // Before the batch instant (a skewed clock): nothing.
    assert!(w.book.silent(sent - silence * 3, silence).is_empty());
}

#[test]
fn status_reports_apply_like_callbacks_and_pending_changes_nothing() {
    let mut w = World::new(&[100_000, 50_000, 20_000]);
    w.plan(TUESDAY, 1000);
    let before = w.snapshot();
    assert_eq!(
        w.status(item(0, 1), PayoutStatus::Pending),
        PayoutEffect::Unchanged
    );
    assert_eq!(w.snapshot(), before);
    assert_eq!(
        w.status(item(0, 1), PayoutStatus::Completed),
        PayoutEffect::Completed
    );
    assert_eq!(w.withdrawal(0).status(), WithdrawalStatus::Completed);
    assert_eq!(
        w.status(
            item(1, 1),
            PayoutStatus::Failed {
                failure_code: "INVALID_DESTINATION".into()
            }
        ),
        PayoutEffect::Failed
    );
    assert_eq!(w.available(1), Money::idr(DEPOSIT));
    assert_eq!(
        w.status(
            item(2, 1),
            PayoutStatus::Failed {
                failure_code: TEMPORARY.into()
            }
        ),
        PayoutEffect::Requeued
    );
    w.balanced();
    // Replays change nothing; pending after a result changes nothing.
    let before = w.snapshot();
    assert_eq!(
        w.status(item(0, 1), PayoutStatus::Completed),
        PayoutEffect::Unchanged
    );
    assert_eq!(
        w.status(item(0, 1), PayoutStatus::Pending),
        PayoutEffect::Unchanged
    );
    assert_eq!(w.snapshot(), before);
    // A contradiction, an unsent attempt and an unknown withdrawal are refused.
    let err = |w: &mut World, item, status| {
        w.book
            .apply_status(&mut w.ledger, item, &status)
            .unwrap_err()
            .code()
    };
    assert_eq!(
        err(&mut w, item(0, 1), PayoutStatus::NotFound),
        "withdrawal.conflicting_result"
    );
    assert_eq!(
        err(&mut w, item(0, 2), PayoutStatus::Pending),
        "withdrawal.not_in_flight"
    );
    assert_eq!(
        err(&mut w, item(9, 1), PayoutStatus::Completed),
        "withdrawal.unknown"
    );
    assert_eq!(w.snapshot(), before);
}

#[test]
fn a_payout_unknown_to_the_gateway_is_requeued_then_voided_when_attempts_run_out() {
    let mut w = World::new(&[100_000]);
    for (attempt, day) in [(1, TUESDAY), (2, FRIDAY)] {
        assert_eq!(w.plan(day, 1000)[0].1, vec![item(0, attempt)]);
        assert_eq!(
            w.status(item(0, attempt), PayoutStatus::NotFound),
            PayoutEffect::Requeued
        );
        assert_eq!(
            w.status(item(0, attempt), PayoutStatus::NotFound),
            PayoutEffect::Unchanged
        );
        assert_eq!(w.held(0), Money::idr(100_000));
    }
    w.plan(NEXT_TUESDAY, 1000);
    assert_eq!(
        w.status(item(0, 3), PayoutStatus::NotFound),
        PayoutEffect::Failed
    );
    assert_eq!(w.withdrawal(0).failure_code(), Some(PAYOUT_NOT_FOUND));
    assert_eq!(w.available(0), Money::idr(DEPOSIT));
    w.balanced();
}

fn code() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        UNSUPPORTED,
        "API_VALIDATION_ERROR",
        TEMPORARY,
        "SERVER_ERROR",
    ])
}

/// What the gateway said about an item before the batch was rejected (or nothing).
fn earlier() -> impl Strategy<Value = Option<PayoutOutcome>> {
    prop_oneof![
        3 => Just(None),
        1 => Just(Some(PayoutOutcome::Completed)),
        1 => Just(Some(PayoutOutcome::Failed { failure_code: "INVALID_DESTINATION".into() })),
    ]
}

proptest! {
    #[test]
    fn after_a_rejection_nothing_of_the_batch_is_in_flight_and_the_ledger_balances(
        amounts in prop::collection::vec(10_000u64..500_000, 1..12),
        earlier in prop::collection::vec(earlier(), 12),
        code in code(),
        max_items in 1usize..5,
    ) {
        let mut w = World::new(&amounts);
        let batches = w.plan(TUESDAY, max_items);
        let (batch, items) = batches[0].clone();
        for (item, outcome) in items.iter().zip(&earlier) {
            if let Some(outcome) = outcome {
                w.book.apply_result(&mut w.ledger, &PayoutResult { item: *item, outcome: outcome.clone() }).unwrap();
            }
        }
        let pending: Vec<PayoutItemKey> = w.book.in_flight(batch).map(|(k, _)| k).collect();
        let resolved = w.reject(batch, code);
        prop_assert_eq!(resolved.iter().map(|(k, _)| *k).collect::<Vec<_>>(), pending.clone());
        prop_assert_eq!(w.book.in_flight(batch).count(), 0);
        for key in &items {
            let wd = w.book.get(key.withdrawal).unwrap();
            prop_assert_ne!(wd.status(), WithdrawalStatus::InBatch);
        }
        let temporary = WithdrawalPolicy::default().is_temporary(code);
        for (key, effect) in &resolved {
            let n = key.withdrawal.as_uuid().as_u128() - 1;
            let wd = w.withdrawal(n);
            if temporary {
                prop_assert_eq!(*effect, PayoutEffect::Requeued);
                prop_assert_eq!(wd.status(), WithdrawalStatus::Queued);
                prop_assert_eq!(w.held(n), wd.amount());
            } else {
                prop_assert_eq!(*effect, PayoutEffect::Failed);
                prop_assert_eq!(wd.failure_code(), Some(code));
                prop_assert_eq!(w.available(n), Money::idr(DEPOSIT));
                prop_assert_eq!(w.held(n), Money::idr(0));
            }
        }
        // Other batches of the run are untouched.
        for (other, other_items) in &batches[1..] {
            prop_assert_eq!(w.book.in_flight(*other).count(), other_items.len());
        }
        w.ledger.verify().unwrap();
        prop_assert!(w.ledger.reconcile(&[]).is_clean());
        let before = w.snapshot();
        prop_assert!(w.reject(batch, code).is_empty());
        prop_assert_eq!(w.snapshot(), before);
    }
}
