//! Property tests of the ledger: conservation, limits, holds resolved at most once,
//! refused operations change nothing, no panics, state round-trips.
// Test code may unwrap, expect, panic and index: the workspace denies these in library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::HashMap;

use patungan_core::ledger::{
    AccountKind, AccountSpec, BalanceLimit, Entity, Ledger, Outcome, Transfer, TransferOp,
};
use patungan_core::{AccountId, Currency, Money, TransferId, UserId};
use proptest::prelude::*;
use rust_decimal::Decimal;

const ACCOUNTS: u128 = 5;

fn ledger() -> Ledger {
    let mut l = Ledger::new();
    let limits = [
        BalanceLimit::None,
        BalanceLimit::DebitsMustNotExceedCredits,
        BalanceLimit::DebitsMustNotExceedCredits,
        BalanceLimit::CreditsMustNotExceedDebits,
        BalanceLimit::DebitsMustNotExceedCredits,
    ];
    for (i, limit) in limits.into_iter().enumerate() {
        let currency = if i == 4 { Currency::USD } else { Currency::IDR };
        let spec = AccountSpec::new(
            AccountId::from_u128(i as u128),
            Entity::User(UserId::from_u128(i as u128)),
            AccountKind::Wallet,
            currency,
        )
        .with_limit(limit);
        l.open(spec).unwrap();
    }
    l
}

fn money() -> impl Strategy<Value = Money> {
    prop_oneof![
        9 => (0u64..2_000).prop_map(Money::idr),
        1 => (0u64..2_000).prop_map(|c| Money::new(Decimal::new(c as i64, 2), Currency::USD).unwrap()),
    ]
}

fn transfer() -> impl Strategy<Value = Transfer> {
    let id = (0u128..24).prop_map(TransferId::from_u128);
    let acc = (0u128..ACCOUNTS + 1).prop_map(AccountId::from_u128); // ACCOUNTS is unknown
    prop_oneof![
        (id.clone(), acc.clone(), acc.clone(), money())
            .prop_map(|(i, d, c, m)| Transfer::posted(i, d, c, m)),
        (id.clone(), acc.clone(), acc, money())
            .prop_map(|(i, d, c, m)| Transfer::pending(i, d, c, m)),
        (id.clone(), id.clone(), proptest::option::of(money()))
            .prop_map(|(i, p, m)| Transfer::post(i, p, m)),
        (id.clone(), id).prop_map(|(i, p)| Transfer::void(i, p)),
    ]
}

fn batch() -> impl Strategy<Value = Vec<Transfer>> {
    prop_oneof![
        3 => transfer().prop_map(|t| vec![t]),
        1 => proptest::collection::vec(transfer(), 0..4),
    ]
}

fn posted_sum(l: &Ledger, currency: Currency) -> Decimal {
    l.accounts()
        .iter()
        .filter(|a| a.currency() == currency)
        .map(|a| a.balances().posted_net())
        .sum()
}

proptest! {
    #[test]
    fn any_sequence_conserves_money_and_refusals_change_nothing(batches in proptest::collection::vec(batch(), 1..30)) {
        let mut l = ledger();
        // Fund the guarded IDR accounts so that spending paths are exercised.
        l.apply_one(&Transfer::posted(TransferId::from_u128(1_000), AccountId::from_u128(0), AccountId::from_u128(1), Money::idr(5_000))).unwrap();
        l.apply_one(&Transfer::posted(TransferId::from_u128(1_001), AccountId::from_u128(0), AccountId::from_u128(2), Money::idr(5_000))).unwrap();
        for transfers in batches {
            let before = serde_json::to_string(&l).unwrap();
            let journal_before = l.transfers().len();
            match l.apply(&transfers) {
                Ok(outcomes) => {
                    prop_assert_eq!(outcomes.len(), transfers.len());
                    let created = outcomes.iter().filter(|o| **o == Outcome::Created).count();
                    prop_assert_eq!(l.transfers().len(), journal_before + created);
                }
                Err(e) => {
                    prop_assert!(!e.code().is_empty());
                    prop_assert_eq!(serde_json::to_string(&l).unwrap(), before);
                }
            }
            // Conservation: Σ posted net is zero in every currency; verify() re-derives
            // all balances and checks Σ debits = Σ credits (pending and posted) and limits.
            prop_assert_eq!(posted_sum(&l, Currency::IDR), Decimal::ZERO);
            prop_assert_eq!(posted_sum(&l, Currency::USD), Decimal::ZERO);
            prop_assert!(l.verify().is_ok(), "{:?}", l.verify());
            for a in l.accounts() {
                if a.limit() == BalanceLimit::DebitsMustNotExceedCredits {
                    prop_assert!(a.balances().available() >= Decimal::ZERO);
                }
            }
        }
        // Every hold is resolved at most once.
        let mut resolutions: HashMap<TransferId, u32> = HashMap::new();
        for r in l.transfers() {
            if let TransferOp::PostPending { pending_id, .. } | TransferOp::VoidPending { pending_id } = r.transfer.op {
                *resolutions.entry(pending_id).or_default() += 1;
            }
        }
        prop_assert!(resolutions.values().all(|&n| n == 1));
        // State round-trips.
        let json = serde_json::to_string(&l).unwrap();
        let back: Ledger = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, l);
    }

    #[test]
    fn replaying_every_committed_transfer_is_a_no_op(batches in proptest::collection::vec(batch(), 1..20)) {
        let mut l = ledger();
        l.apply_one(&Transfer::posted(TransferId::from_u128(1_000), AccountId::from_u128(0), AccountId::from_u128(1), Money::idr(5_000))).unwrap();
        for transfers in &batches {
            let _ = l.apply(transfers);
        }
        let before = serde_json::to_string(&l).unwrap();
        let committed: Vec<Transfer> = l.transfers().iter().map(|r| r.transfer).collect();
        for t in &committed {
            prop_assert_eq!(l.apply_one(t).unwrap(), Outcome::AlreadyExists);
        }
        prop_assert_eq!(serde_json::to_string(&l).unwrap(), before);
    }
}
