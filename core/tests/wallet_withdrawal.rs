//! Wallet rules and the withdrawal state machine (docs/domain.md §9).
// Test code may unwrap, expect, panic and index: the workspace denies these in library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::{DateTime, TimeZone, Utc};
use patungan_core::ledger::{
    Chart, ChartAccount, CreditReason, Ledger, Outcome, PendingStatus, WalletCredit,
};
use patungan_core::wallet::{
    BankAccount, BatchLimits, PayoutEffect, PayoutItemKey, PayoutOutcome, PayoutResult,
    WalletBalance, WalletError, Wallets, WithdrawalPolicy, WithdrawalRequest, WithdrawalSchedule,
    WithdrawalStatus, Withdrawals,
};
use patungan_core::{Currency, Money, UserId, WithdrawalId};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use uuid::Uuid;

const USER: UserId = UserId::from_u128(0xa11ce);

fn chart() -> Chart {
    Chart::new(Currency::IDR)
}

fn at(d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, d, h, 0, 0).unwrap()
}

/// Monday 2025-01-06 08:00 UTC.
fn monday() -> DateTime<Utc> {
    at(6, 8)
}

/// Tuesday 2025-01-07 10:00 WIB.
fn tuesday_run() -> DateTime<Utc> {
    at(7, 3)
}

/// Friday 2025-01-10 10:00 WIB.
fn friday_run() -> DateTime<Utc> {
    at(10, 3)
}

fn bank() -> BankAccount {
    BankAccount {
        bank_code: "BCA".into(),
        account_number: "1234567890".into(),
        holder_name: "Siti Aminah".into(),
    }
}

fn request(n: u128, amount: u64) -> WithdrawalRequest {
    WithdrawalRequest {
        id: WithdrawalId::from_u128(n),
        user: USER,
        amount: Money::idr(amount),
        destination: bank(),
        requested_at: monday(),
    }
}

struct World {
    ledger: Ledger,
    withdrawals: Withdrawals,
}

impl World {
    fn with_balance(amount: u64) -> World {
        let mut ledger = Ledger::new();
        Wallets::new(chart())
            .credit(
                &mut ledger,
                &WalletCredit {
                    reference: Uuid::from_u128(1),
                    user: USER,
                    amount: Money::idr(amount),
                    reason: CreditReason::Deposit,
                },
            )
            .unwrap();
        World {
            ledger,
            withdrawals: Withdrawals::new(chart(), WithdrawalPolicy::default()).unwrap(),
        }
    }

    fn balance(&self) -> WalletBalance {
        Wallets::new(chart()).balance(&self.ledger, USER).unwrap()
    }

    fn snapshot(&self) -> String {
        format!(
            "{}|{}",
            serde_json::to_string(&self.ledger).unwrap(),
            serde_json::to_string(&self.withdrawals).unwrap()
        )
    }

    fn request(&mut self, r: WithdrawalRequest) -> Result<Outcome, WalletError> {
        self.withdrawals.request(&mut self.ledger, r)
    }

    fn refused(&mut self, r: WithdrawalRequest, code: &str) {
        let before = self.snapshot();
        let err = self.request(r).unwrap_err();
        assert_eq!(err.code(), code, "{err}");
        assert_eq!(self.snapshot(), before, "state changed after {code}");
    }

    fn plan(&mut self, now: DateTime<Utc>) -> Vec<PayoutItemKey> {
        self.withdrawals
            .plan(now, &WithdrawalSchedule::default(), BatchLimits::default())
            .into_iter()
            .flat_map(|b| b.items.into_iter().map(|i| i.key))
            .collect()
    }

    fn result(
        &mut self,
        item: PayoutItemKey,
        outcome: PayoutOutcome,
    ) -> Result<PayoutEffect, WalletError> {
        self.withdrawals
            .apply_result(&mut self.ledger, &PayoutResult { item, outcome })
    }

    fn status(&self, n: u128) -> WithdrawalStatus {
        self.withdrawals
            .get(WithdrawalId::from_u128(n))
            .unwrap()
            .status()
    }
}

fn failed(code: &str) -> PayoutOutcome {
    PayoutOutcome::Failed {
        failure_code: code.into(),
    }
}

#[test]
fn fee_is_inside_the_amount_and_the_hold_is_immediate() {
    let mut w = World::with_balance(500_000);
    assert_eq!(w.request(request(1, 100_000)).unwrap(), Outcome::Created);
    let wd = w.withdrawals.get(WithdrawalId::from_u128(1)).unwrap();
    assert_eq!(wd.fee(), Money::idr(2_500));
    assert_eq!(wd.net(), Money::idr(97_500));
    assert_eq!(wd.status(), WithdrawalStatus::Queued);
    let b = w.balance();
    assert_eq!(b.posted, Money::idr(500_000));
    assert_eq!(b.held, Money::idr(100_000));
    assert_eq!(b.available, Money::idr(400_000));
    for id in Withdrawals::hold_ids(WithdrawalId::from_u128(1)) {
        assert_eq!(
            w.ledger.transfer(id).unwrap().pending,
            Some(PendingStatus::Open)
        );
    }
    // The identical request again is a no-op; a different one under the id is refused.
    let before = w.snapshot();
    assert_eq!(
        w.request(request(1, 100_000)).unwrap(),
        Outcome::AlreadyExists
    );
    assert_eq!(w.snapshot(), before);
    w.refused(request(1, 100_001), "withdrawal.exists");
}

#[test]
fn success_pays_bank_net_and_platform_fee() {
    let mut w = World::with_balance(500_000);
    w.request(request(1, 200_000)).unwrap();
    let items = w.plan(tuesday_run());
    assert_eq!(
        items,
        vec![PayoutItemKey {
            withdrawal: WithdrawalId::from_u128(1),
            attempt: 1
        }]
    );
    assert_eq!(w.status(1), WithdrawalStatus::InBatch);
    assert_eq!(
        w.result(items[0], PayoutOutcome::Completed).unwrap(),
        PayoutEffect::Completed
    );
    assert_eq!(w.status(1), WithdrawalStatus::Completed);
    assert_eq!(w.balance().posted, Money::idr(300_000));
    assert_eq!(w.balance().available, Money::idr(300_000));
    let net = |a| {
        w.ledger
            .account(chart().id(a))
            .unwrap()
            .balances()
            .posted_net()
    };
    assert_eq!(net(ChartAccount::BankPayouts), dec!(197500));
    assert_eq!(net(ChartAccount::WithdrawalFeeRevenue), dec!(2500));
    // Repeated callback: no-op; a contradicting one: refused, nothing changes.
    let before = w.snapshot();
    assert_eq!(
        w.result(items[0], PayoutOutcome::Completed).unwrap(),
        PayoutEffect::Unchanged
    );
    assert_eq!(
        w.result(items[0], failed("INVALID_DESTINATION"))
            .unwrap_err()
            .code(),
        "withdrawal.conflicting_result"
    );
    assert_eq!(w.snapshot(), before);
    w.ledger.verify().unwrap();
}

#[test]
fn permanent_failure_voids_the_hold() {
    let mut w = World::with_balance(500_000);
    w.request(request(1, 200_000)).unwrap();
    assert_eq!(w.balance().available, Money::idr(300_000));
    let items = w.plan(tuesday_run());
    assert_eq!(
        w.result(items[0], failed("INVALID_DESTINATION")).unwrap(),
        PayoutEffect::Failed
    );
    let wd = w.withdrawals.get(WithdrawalId::from_u128(1)).unwrap();
    assert_eq!(wd.status(), WithdrawalStatus::Failed);
    assert_eq!(wd.failure_code(), Some("INVALID_DESTINATION"));
    let b = w.balance();
    assert_eq!(
        (b.posted, b.held, b.available),
        (Money::idr(500_000), Money::idr(0), Money::idr(500_000))
    );
    assert_eq!(
        w.result(items[0], failed("INVALID_DESTINATION")).unwrap(),
        PayoutEffect::Unchanged
    );
    // Nothing left for the next run.
    assert!(w.plan(friday_run()).is_empty());
}

#[test]
fn temporary_failures_are_requeued_up_to_three_attempts() {
    let mut w = World::with_balance(500_000);
    w.request(request(1, 100_000)).unwrap();
    let first = w.plan(tuesday_run());
    assert_eq!(
        w.result(first[0], failed("TEMPORARY_TRANSFER_ERROR"))
            .unwrap(),
        PayoutEffect::Requeued
    );
    assert_eq!(w.status(1), WithdrawalStatus::Queued);
    assert_eq!(
        w.balance().held,
        Money::idr(100_000),
        "the hold stays while re-queued"
    );
    // A second run for the same instant adds nothing; the next instant takes it.
    assert!(w.plan(tuesday_run()).is_empty());
    assert!(w.plan(at(9, 12)).is_empty());
    let second = w.plan(friday_run());
    assert_eq!(
        second,
        vec![PayoutItemKey {
            withdrawal: WithdrawalId::from_u128(1),
            attempt: 2
        }]
    );
    // A late duplicate of attempt 1's callback changes nothing.
    assert_eq!(
        w.result(first[0], failed("TEMPORARY_TRANSFER_ERROR"))
            .unwrap(),
        PayoutEffect::Unchanged
    );
    assert_eq!(
        w.result(second[0], failed("SERVER_ERROR")).unwrap(),
        PayoutEffect::Requeued
    );
    let third = w.plan(at(14, 3));
    assert_eq!(third[0].attempt, 3);
    assert_eq!(
        w.result(third[0], failed("SWITCHING_NETWORK_ERROR"))
            .unwrap(),
        PayoutEffect::Failed
    );
    let wd = w.withdrawals.get(WithdrawalId::from_u128(1)).unwrap();
    assert_eq!(wd.status(), WithdrawalStatus::Failed);
    assert_eq!(wd.failure_code(), Some("SWITCHING_NETWORK_ERROR"));
    assert_eq!(wd.attempts().len(), 3);
    assert_eq!(w.balance().available, Money::idr(500_000));
    assert!(w.plan(at(17, 3)).is_empty());
}

#[test]
fn reversal_after_success_credits_the_full_amount_back() {
    let mut w = World::with_balance(500_000);
    w.request(request(1, 100_000)).unwrap();
    w.request(request(2, 50_000)).unwrap();
    let id = WithdrawalId::from_u128(1);
    assert_eq!(
        w.withdrawals.reverse(&mut w.ledger, id).unwrap_err().code(),
        "withdrawal.not_completed"
    );
    let items = w.plan(tuesday_run());
    w.result(items[0], PayoutOutcome::Completed).unwrap();
    assert_eq!(w.balance().posted, Money::idr(400_000));
    assert_eq!(
        w.withdrawals.reverse(&mut w.ledger, id).unwrap(),
        Outcome::Created
    );
    assert_eq!(w.status(1), WithdrawalStatus::Reversed);
    assert_eq!(w.balance().posted, Money::idr(500_000));
    let before = w.snapshot();
    assert_eq!(
        w.withdrawals.reverse(&mut w.ledger, id).unwrap(),
        Outcome::AlreadyExists
    );
    assert_eq!(w.snapshot(), before);
    assert_eq!(
        w.withdrawals
            .reverse(&mut w.ledger, WithdrawalId::from_u128(99))
            .unwrap_err()
            .code(),
        "withdrawal.unknown"
    );
    w.ledger.verify().unwrap();
}

#[test]
fn requests_are_validated_and_refusals_change_nothing() {
    let mut w = World::with_balance(500_000);
    w.refused(request(1, 9_000), "withdrawal.below_minimum");
    w.refused(request(1, 0), "withdrawal.below_minimum");
    w.refused(request(1, 600_000), "wallet.insufficient_balance");
    w.refused(request(1, 500_001), "wallet.insufficient_balance");
    let usd = WithdrawalRequest {
        amount: Money::new(dec!(100), Currency::USD).unwrap(),
        ..request(1, 0)
    };
    w.refused(usd, "wallet.currency_mismatch");
    let with_bank = |f: fn(&mut BankAccount)| {
        let mut r = request(1, 100_000);
        f(&mut r.destination);
        r
    };
    w.refused(
        with_bank(|b| b.bank_code = "  ".into()),
        "withdrawal.missing_bank_code",
    );
    w.refused(
        with_bank(|b| b.account_number = "1234567".into()),
        "withdrawal.invalid_account_number",
    );
    w.refused(
        with_bank(|b| b.account_number = "1".repeat(21).into()),
        "withdrawal.invalid_account_number",
    );
    w.refused(
        with_bank(|b| b.account_number = "12345678a".into()),
        "withdrawal.invalid_account_number",
    );
    w.refused(
        with_bank(|b| b.account_number = "1234 5678".into()),
        "withdrawal.invalid_account_number",
    );
    w.refused(
        with_bank(|b| b.holder_name = " Al ".into()),
        "withdrawal.holder_name_too_short",
    );
    // The edges are accepted.
    w.request(with_bank(|b| b.account_number = "12345678".into()))
        .unwrap();
    w.request(WithdrawalRequest {
        id: WithdrawalId::from_u128(2),
        ..with_bank(|b| b.account_number = "1".repeat(20).into())
    })
    .unwrap();
    w.request(WithdrawalRequest {
        id: WithdrawalId::from_u128(3),
        ..with_bank(|b| b.holder_name = "Ani".into())
    })
    .unwrap();
    w.request(WithdrawalRequest {
        id: WithdrawalId::from_u128(4),
        ..request(4, 10_000)
    })
    .unwrap();
    assert_eq!(w.balance().available, Money::idr(190_000));
    // A user with no wallet at all.
    let stranger = WithdrawalRequest {
        user: UserId::from_u128(5),
        ..request(9, 10_000)
    };
    let before = w.snapshot();
    let err = w.request(stranger).unwrap_err();
    assert_eq!(
        err,
        WalletError::InsufficientBalance {
            available: Money::idr(0),
            requested: Money::idr(10_000)
        }
    );
    assert_eq!(w.snapshot(), before);
}

#[test]
fn control_characters_and_overlong_bank_fields_are_refused_and_change_nothing() {
    let mut w = World::with_balance(500_000);
    let with_bank = |f: &dyn Fn(&mut BankAccount)| {
        let mut r = request(1, 100_000);
        f(&mut r.destination);
        r
    };
    for holder in ["Siti\0Aminah", "\0\0\0", "Siti\nAminah", "Siti\u{1b}[31m"] {
        w.refused(
            with_bank(&|b| b.holder_name = holder.into()),
            "withdrawal.control_character",
        );
    }
    w.refused(
        with_bank(&|b| b.bank_code = "BCA\0".into()),
        "withdrawal.control_character",
    );
    w.refused(
        with_bank(&|b| b.holder_name = "A".repeat(129).into()),
        "withdrawal.text_too_long",
    );
    w.refused(
        with_bank(&|b| b.bank_code = "B".repeat(65).into()),
        "withdrawal.text_too_long",
    );
    let err = w
        .request(with_bank(&|b| b.holder_name = "Siti\0".into()))
        .unwrap_err();
    assert!(err.to_string().contains("holder_name"), "{err}");
    // Names of any script, at the edge of the length bound, are fine.
    w.request(with_bank(&|b| b.holder_name = "Ñ".repeat(128).into()))
        .unwrap();
}

#[test]
fn unknown_and_unsent_items_are_refused() {
    let mut w = World::with_balance(500_000);
    w.request(request(1, 100_000)).unwrap();
    let before = w.snapshot();
    let item = PayoutItemKey {
        withdrawal: WithdrawalId::from_u128(1),
        attempt: 1,
    };
    assert_eq!(
        w.result(item, PayoutOutcome::Completed).unwrap_err().code(),
        "withdrawal.not_in_flight"
    );
    let ghost = PayoutItemKey {
        withdrawal: WithdrawalId::from_u128(2),
        attempt: 1,
    };
    assert_eq!(
        w.result(ghost, PayoutOutcome::Completed)
            .unwrap_err()
            .code(),
        "withdrawal.unknown"
    );
    assert_eq!(w.snapshot(), before);
}

#[test]
fn policies_are_configurable_and_validated() {
    let policy = WithdrawalPolicy {
        minimum: Money::idr(50_000),
        fee: Money::idr(5_000),
        max_attempts: 1,
        ..WithdrawalPolicy::default()
    };
    let mut w = World::with_balance(500_000);
    w.withdrawals = Withdrawals::new(chart(), policy).unwrap();
    w.refused(request(1, 49_999), "withdrawal.below_minimum");
    w.request(request(1, 50_000)).unwrap();
    assert_eq!(
        w.withdrawals.get(WithdrawalId::from_u128(1)).unwrap().net(),
        Money::idr(45_000)
    );
    let items = w.plan(tuesday_run());
    // One attempt only: a temporary failure is final.
    assert_eq!(
        w.result(items[0], failed("TEMPORARY_X")).unwrap(),
        PayoutEffect::Failed
    );

    let bad = |p: WithdrawalPolicy| Withdrawals::new(chart(), p).unwrap_err().code();
    let d = WithdrawalPolicy::default;
    assert_eq!(
        bad(WithdrawalPolicy {
            fee: Money::idr(10_000),
            ..d()
        }),
        "withdrawal.invalid_policy"
    );
    assert_eq!(
        bad(WithdrawalPolicy {
            max_attempts: 0,
            ..d()
        }),
        "withdrawal.invalid_policy"
    );
    assert_eq!(
        bad(WithdrawalPolicy {
            min_account_digits: 21,
            ..d()
        }),
        "withdrawal.invalid_policy"
    );
    let usd = Money::new(dec!(10), Currency::USD).unwrap();
    assert_eq!(
        bad(WithdrawalPolicy {
            minimum: usd,
            ..d()
        }),
        "withdrawal.invalid_policy"
    );
}

#[test]
fn state_round_trips_through_json() {
    let mut w = World::with_balance(500_000);
    w.request(request(1, 100_000)).unwrap();
    w.request(request(2, 100_000)).unwrap();
    let items = w.plan(tuesday_run());
    w.result(items[0], failed("TEMPORARY_TRANSFER_ERROR"))
        .unwrap();
    let json = serde_json::to_string(&w.withdrawals).unwrap();
    let back: Withdrawals = serde_json::from_str(&json).unwrap();
    assert_eq!(back, w.withdrawals);
    assert!(json.contains("\"wdb-20250107T030000Z-0\""), "{json}");
    // After a restore, a run for the same instant still adds nothing.
    let mut back = back;
    assert!(back
        .plan(
            tuesday_run(),
            &WithdrawalSchedule::default(),
            BatchLimits::default()
        )
        .is_empty());
    // The reconciliation balances, with the holds as pending totals.
    let report = w.ledger.reconcile(&[]);
    assert!(report.is_clean());
    let idr = report
        .currencies
        .iter()
        .find(|c| c.currency == Currency::IDR)
        .unwrap();
    assert_eq!(idr.balances.debits_pending, dec!(200000));
    assert_eq!(
        Decimal::ZERO,
        idr.balances.debits_posted - idr.balances.credits_posted
    );
}
