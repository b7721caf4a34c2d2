//! Property tests of wallets and withdrawals: conservation, wallets never negative,
//! holds resolved at most once and consistently with the status, batches never repeat
//! an item, every withdrawal ends completed, failed or queued, refusals change nothing.
// Test code may unwrap, expect, panic and index: the workspace denies these in library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::HashSet;

use chrono::{DateTime, Duration, TimeZone, Utc};
use patungan_core::ledger::{Chart, CreditReason, Ledger, PendingStatus, WalletCredit};
use patungan_core::wallet::{
    BankAccount, BatchLimits, PayoutItemKey, PayoutOutcome, PayoutResult, Wallets, Withdrawal,
    WithdrawalPolicy, WithdrawalRequest, WithdrawalSchedule, WithdrawalStatus, Withdrawals,
};
use patungan_core::{Currency, Money, UserId, WithdrawalId};
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::num::NonZeroUsize;
use uuid::Uuid;

#[derive(Debug, Clone)]
enum Op {
    Credit {
        user: u8,
        amount: u64,
        reference: u8,
    },
    Request {
        id: u8,
        user: u8,
        amount: u64,
    },
    Wait {
        hours: u32,
    },
    Plan {
        hours: u32,
    },
    Result {
        pick: usize,
        outcome: u8,
    },
    Replay {
        pick: usize,
    },
    Reverse {
        id: u8,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => (0u8..3, 0u64..400_000, 0u8..6).prop_map(|(user, amount, reference)| Op::Credit { user, amount, reference }),
        6 => (0u8..12, 0u8..3, 0u64..200_000).prop_map(|(id, user, amount)| Op::Request { id, user, amount }),
        3 => (1u32..100).prop_map(|hours| Op::Wait { hours }),
        4 => (0u32..100).prop_map(|hours| Op::Plan { hours }),
        6 => (any::<usize>(), 0u8..5).prop_map(|(pick, outcome)| Op::Result { pick, outcome }),
        1 => any::<usize>().prop_map(|pick| Op::Replay { pick }),
        1 => (0u8..12).prop_map(|id| Op::Reverse { id }),
    ]
}

fn outcome(n: u8) -> PayoutOutcome {
    let code = match n {
        0 | 1 => return PayoutOutcome::Completed,
        2 => "INVALID_DESTINATION",
        3 => "TEMPORARY_TRANSFER_ERROR",
        _ => "UNKNOWN_BANK_NETWORK_ERROR",
    };
    PayoutOutcome::Failed {
        failure_code: code.into(),
    }
}

struct Sim {
    chart: Chart,
    ledger: Ledger,
    withdrawals: Withdrawals,
    now: DateTime<Utc>,
    in_flight: Vec<PayoutItemKey>,
    applied: Vec<PayoutResult>,
    sent: HashSet<PayoutItemKey>,
}

impl Sim {
    fn snapshot(&self) -> String {
        format!(
            "{}|{}",
            serde_json::to_string(&self.ledger).unwrap(),
            serde_json::to_string(&self.withdrawals).unwrap()
        )
    }

    fn check(&self) -> Result<(), TestCaseError> {
        prop_assert!(self.ledger.verify().is_ok(), "{:?}", self.ledger.verify());
        let total: Decimal = self
            .ledger
            .accounts()
            .iter()
            .map(|a| a.balances().posted_net())
            .sum();
        prop_assert_eq!(total, Decimal::ZERO);
        let wallets = Wallets::new(self.chart);
        for u in 0..3u128 {
            let b = wallets.balance(&self.ledger, UserId::from_u128(u)).unwrap();
            prop_assert!(b.available.amount() >= Decimal::ZERO);
        }
        self.check_rows()?;
        for w in self.withdrawals.iter() {
            prop_assert!(w.attempts().len() <= 3);
            for hold in Withdrawals::hold_ids(w.id()) {
                let state = self.ledger.transfer(hold).and_then(|r| r.pending);
                let consistent = matches!(
                    (w.status(), state),
                    (
                        WithdrawalStatus::Queued | WithdrawalStatus::InBatch,
                        Some(PendingStatus::Open)
                    ) | (
                        WithdrawalStatus::Completed | WithdrawalStatus::Reversed,
                        Some(PendingStatus::Posted { .. })
                    ) | (WithdrawalStatus::Failed, Some(PendingStatus::Voided { .. }))
                );
                prop_assert!(consistent, "{:?} with hold {:?}", w.status(), state);
            }
        }
        Ok(())
    }

    /// A store keeps one row per withdrawal: the book rebuilt from its rows is the
    /// same book, and a row whose fields contradict each other is refused.
    fn check_rows(&self) -> Result<(), TestCaseError> {
        let rows = self
            .withdrawals
            .iter()
            .map(|w| Withdrawal::from_parts(w.to_parts()));
        let rows: Result<Vec<Withdrawal>, _> = rows.collect();
        let rebuilt = Withdrawals::working_set(
            self.chart,
            self.withdrawals.policy().clone(),
            self.withdrawals.last_planned(),
            rows.map_err(|e| TestCaseError::fail(e.to_string()))?,
        )
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&rebuilt, &self.withdrawals);
        for w in self.withdrawals.iter() {
            let mut parts = w.to_parts();
            parts.net = Money::new(parts.net.amount() + Decimal::ONE, parts.net.currency())
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let refused = Withdrawal::from_parts(parts).map(|_| ()).unwrap_err();
            prop_assert_eq!(refused.code(), "withdrawal.invalid_record");
        }
        Ok(())
    }

    fn plan(&mut self) -> Result<(), TestCaseError> {
        let limits = BatchLimits {
            max_items: NonZeroUsize::new(3).unwrap(),
        };
        let batches = self
            .withdrawals
            .plan(self.now, &WithdrawalSchedule::default(), limits);
        let mut in_run = HashSet::new();
        for batch in &batches {
            prop_assert!(!batch.items.is_empty() && batch.items.len() <= 3);
            for item in &batch.items {
                prop_assert!(
                    in_run.insert(item.key.withdrawal),
                    "withdrawal twice in one run"
                );
                prop_assert!(self.sent.insert(item.key), "item key sent twice");
                self.in_flight.push(item.key);
            }
        }
        Ok(())
    }

    fn apply(&mut self, result: PayoutResult) {
        if self
            .withdrawals
            .apply_result(&mut self.ledger, &result)
            .is_ok()
        {
            self.in_flight.retain(|k| *k != result.item);
            self.applied.push(result);
        }
    }
}

proptest! {
    #[test]
    fn withdrawals_keep_every_invariant(ops in proptest::collection::vec(op(), 1..50)) {
        let chart = Chart::new(Currency::IDR);
        let mut sim = Sim {
            chart,
            ledger: Ledger::new(),
            withdrawals: Withdrawals::new(chart, WithdrawalPolicy::default()).unwrap(),
            now: Utc.with_ymd_and_hms(2025, 1, 6, 0, 0, 0).unwrap(),
            in_flight: Vec::new(),
            applied: Vec::new(),
            sent: HashSet::new(),
        };
        for user in 0..3u128 {
            Wallets::new(chart)
                .credit(
                    &mut sim.ledger,
                    &WalletCredit {
                        reference: Uuid::from_u128(1_000 + user),
                        user: UserId::from_u128(user),
                        amount: Money::idr(500_000),
                        reason: CreditReason::Deposit,
                    },
                )
                .unwrap();
        }
        let bank = BankAccount { bank_code: "BRI".into(), account_number: "987654321".into(), holder_name: "Dewi".into() };
        for op in ops {
            let before = matches!(op, Op::Credit { .. } | Op::Request { .. } | Op::Reverse { .. })
                .then(|| sim.snapshot());
            let refused = match op {
                Op::Credit { user, amount, reference } => Wallets::new(chart)
                    .credit(&mut sim.ledger, &WalletCredit {
                        reference: Uuid::from_u128(u128::from(reference)),
                        user: UserId::from_u128(u128::from(user)),
                        amount: Money::idr(amount),
                        reason: CreditReason::Deposit,
                    })
                    .is_err(),
                Op::Request { id, user, amount } => sim.withdrawals
                    .request(&mut sim.ledger, WithdrawalRequest {
                        id: WithdrawalId::from_u128(u128::from(id)),
                        user: UserId::from_u128(u128::from(user)),
                        amount: Money::idr(amount),
                        destination: bank.clone(),
                        requested_at: sim.now,
                    })
                    .is_err(),
                Op::Wait { hours } => {
                    sim.now += Duration::hours(i64::from(hours));
                    false
                }
                Op::Plan { hours } => {
                    sim.now += Duration::hours(i64::from(hours));
                    sim.plan()?;
                    false
                }
                Op::Result { pick, outcome: n } => {
                    if sim.in_flight.is_empty() {
                        false
                    } else {
                        let item = sim.in_flight[pick % sim.in_flight.len()];
                        sim.apply(PayoutResult { item, outcome: outcome(n) });
                        false
                    }
                }
                Op::Replay { pick } => {
                    if let Some(result) = sim.applied.get(pick % sim.applied.len().max(1)).cloned() {
                        let after_first = sim.snapshot();
                        let effect = sim.withdrawals.apply_result(&mut sim.ledger, &result).unwrap();
                        prop_assert_eq!(effect, patungan_core::wallet::PayoutEffect::Unchanged);
                        prop_assert_eq!(sim.snapshot(), after_first);
                    }
                    false
                }
                Op::Reverse { id } => sim.withdrawals.reverse(&mut sim.ledger, WithdrawalId::from_u128(u128::from(id))).is_err(),
            };
            if let (true, Some(before)) = (refused, before) {
                prop_assert_eq!(sim.snapshot(), before, "a refused operation changed state");
            }
            sim.check()?;
        }
        // Drain: answer every item in flight; then nothing is left in a batch.
        while let Some(item) = sim.in_flight.first().copied() {
            sim.apply(PayoutResult { item, outcome: outcome(3) });
            prop_assert!(!sim.in_flight.contains(&item));
        }
        for w in sim.withdrawals.iter() {
            prop_assert!(matches!(
                w.status(),
                WithdrawalStatus::Completed | WithdrawalStatus::Failed | WithdrawalStatus::Queued | WithdrawalStatus::Reversed
            ));
        }
        sim.check()?;
        let back: Withdrawals = serde_json::from_str(&serde_json::to_string(&sim.withdrawals).unwrap()).unwrap();
        prop_assert_eq!(back, sim.withdrawals);
    }
}
