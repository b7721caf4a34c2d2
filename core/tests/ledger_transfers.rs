//! Behaviour of the ledger: TigerBeetle semantics, idempotency, linked batches, and
//! "every bad input is a typed error that changes nothing".
// Test code may unwrap, expect, panic and index: the workspace denies these in library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use patungan_core::ledger::{
    AccountKind, AccountSpec, BalanceLimit, Balances, Entity, Ledger, LedgerError, Outcome,
    PendingStatus, Transfer, TransferOp,
};
use patungan_core::{AccountId, Currency, Money, TransferId, UserId};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

const SOURCE: AccountId = AccountId::from_u128(1);
const WALLET: AccountId = AccountId::from_u128(2);
const OTHER: AccountId = AccountId::from_u128(3);
const USD_ACC: AccountId = AccountId::from_u128(4);
const CAPPED: AccountId = AccountId::from_u128(5);

fn tid(n: u128) -> TransferId {
    TransferId::from_u128(n)
}

fn ledger() -> Ledger {
    let mut l = Ledger::new();
    l.open(AccountSpec::new(
        SOURCE,
        Entity::External,
        AccountKind::Clearing,
        Currency::IDR,
    ))
    .unwrap();
    for id in [WALLET, OTHER] {
        l.open(
            AccountSpec::new(
                id,
                Entity::User(UserId::from_u128(9)),
                AccountKind::Wallet,
                Currency::IDR,
            )
            .with_limit(BalanceLimit::DebitsMustNotExceedCredits),
        )
        .unwrap();
    }
    l.open(AccountSpec::new(
        USD_ACC,
        Entity::External,
        AccountKind::Bank,
        Currency::USD,
    ))
    .unwrap();
    l.open(
        AccountSpec::new(CAPPED, Entity::External, AccountKind::Bank, Currency::IDR)
            .with_limit(BalanceLimit::CreditsMustNotExceedDebits),
    )
    .unwrap();
    l
}

fn funded() -> Ledger {
    let mut l = ledger();
    l.apply_one(&Transfer::posted(
        tid(100),
        SOURCE,
        WALLET,
        Money::idr(500_000),
    ))
    .unwrap();
    l
}

fn bal(l: &Ledger, id: AccountId) -> Balances {
    *l.account(id).unwrap().balances()
}

fn snapshot(l: &Ledger) -> String {
    serde_json::to_string(l).unwrap()
}

/// Applies `transfers`, expects error `code`, and checks nothing changed.
fn refused(l: &mut Ledger, transfers: &[Transfer], code: &str) {
    let before = snapshot(l);
    let err = l.apply(transfers).unwrap_err();
    assert_eq!(err.code(), code, "{err}");
    assert_eq!(snapshot(l), before, "state changed after {code}");
    l.verify().unwrap();
}

#[test]
fn posted_transfer_moves_money_and_balances() {
    let l = funded();
    assert_eq!(bal(&l, WALLET).credits_posted, dec!(500000));
    assert_eq!(bal(&l, SOURCE).debits_posted, dec!(500000));
    assert_eq!(bal(&l, SOURCE).posted_net(), dec!(-500000));
    let totals = l.totals();
    let idr = totals.get(&Currency::IDR).unwrap();
    assert_eq!(idr.debits_posted, idr.credits_posted);
    l.verify().unwrap();
}

#[test]
fn replay_returns_original_result_and_changes_nothing() {
    let mut l = funded();
    let before = snapshot(&l);
    let t = Transfer::posted(tid(100), SOURCE, WALLET, Money::idr(500_000));
    assert_eq!(l.apply_one(&t).unwrap(), Outcome::AlreadyExists);
    assert_eq!(l.apply(&[t]).unwrap(), vec![Outcome::AlreadyExists]);
    assert_eq!(snapshot(&l), before);
}

#[test]
fn different_transfer_under_used_id_is_an_error() {
    let mut l = funded();
    let t = Transfer::posted(tid(100), SOURCE, WALLET, Money::idr(1));
    refused(&mut l, &[t], "ledger.transfer_exists");
    let e = l.apply_one(&t).unwrap_err();
    assert_eq!(e, LedgerError::TransferExists { transfer: tid(100) });
}

#[test]
fn bad_inputs_are_typed_errors_that_change_nothing() {
    let mut l = funded();
    // Zero amount.
    refused(
        &mut l,
        &[Transfer::posted(tid(1), SOURCE, WALLET, Money::idr(0))],
        "ledger.zero_amount",
    );
    // Unknown account (debit or credit).
    let ghost = AccountId::from_u128(999);
    refused(
        &mut l,
        &[Transfer::posted(tid(1), ghost, WALLET, Money::idr(1))],
        "ledger.unknown_account",
    );
    refused(
        &mut l,
        &[Transfer::posted(tid(1), SOURCE, ghost, Money::idr(1))],
        "ledger.unknown_account",
    );
    // Same account both sides.
    refused(
        &mut l,
        &[Transfer::posted(tid(1), WALLET, WALLET, Money::idr(1))],
        "ledger.same_account",
    );
    // Currency mismatch: amount vs accounts, and between accounts.
    let usd = Money::new(dec!(1.50), Currency::USD).unwrap();
    refused(
        &mut l,
        &[Transfer::posted(tid(1), SOURCE, WALLET, usd)],
        "ledger.currency_mismatch",
    );
    refused(
        &mut l,
        &[Transfer::posted(tid(1), USD_ACC, WALLET, usd)],
        "ledger.currency_mismatch",
    );
    // Overdraft (posted and as a hold).
    refused(
        &mut l,
        &[Transfer::posted(tid(1), WALLET, OTHER, Money::idr(500_001))],
        "ledger.exceeds_credits",
    );
    refused(
        &mut l,
        &[Transfer::pending(
            tid(1),
            WALLET,
            OTHER,
            Money::idr(500_001),
        )],
        "ledger.exceeds_credits",
    );
    // The mirror limit.
    refused(
        &mut l,
        &[Transfer::posted(tid(1), SOURCE, CAPPED, Money::idr(1))],
        "ledger.exceeds_debits",
    );
    // Negative money cannot even be built, in Rust or from JSON.
    assert_eq!(
        Money::new(dec!(-1), Currency::IDR).unwrap_err().code(),
        "money.negative"
    );
    let json = r#"{"id":"00000000-0000-0000-0000-000000000001","op":{"type":"posted",
        "debit_account":"00000000-0000-0000-0000-000000000001",
        "credit_account":"00000000-0000-0000-0000-000000000002",
        "amount":{"amount":"-5","currency":"IDR"}}}"#;
    assert!(serde_json::from_str::<Transfer>(json).is_err());
    // Post/void of missing or non-pending transfers.
    refused(
        &mut l,
        &[Transfer::post(tid(1), tid(777), None)],
        "ledger.pending_not_found",
    );
    refused(
        &mut l,
        &[Transfer::void(tid(1), tid(100))],
        "ledger.not_pending",
    );
}

#[test]
fn exact_balance_may_be_spent_but_not_one_more() {
    let mut l = funded();
    l.apply_one(&Transfer::posted(
        tid(1),
        WALLET,
        OTHER,
        Money::idr(500_000),
    ))
    .unwrap();
    assert_eq!(bal(&l, WALLET).posted_net(), Decimal::ZERO);
    refused(
        &mut l,
        &[Transfer::posted(tid(2), WALLET, OTHER, Money::idr(1))],
        "ledger.exceeds_credits",
    );
}

#[test]
fn pending_holds_count_against_the_balance() {
    let mut l = funded();
    l.apply_one(&Transfer::pending(
        tid(1),
        WALLET,
        OTHER,
        Money::idr(300_000),
    ))
    .unwrap();
    let w = bal(&l, WALLET);
    assert_eq!(w.debits_pending, dec!(300000));
    assert_eq!(w.available(), dec!(200000));
    assert_eq!(bal(&l, OTHER).credits_pending, dec!(300000));
    refused(
        &mut l,
        &[Transfer::posted(tid(2), WALLET, OTHER, Money::idr(200_001))],
        "ledger.exceeds_credits",
    );
    l.apply_one(&Transfer::posted(
        tid(2),
        WALLET,
        OTHER,
        Money::idr(200_000),
    ))
    .unwrap();
    l.verify().unwrap();
}

#[test]
fn post_full_partial_and_void_resolve_a_hold_at_most_once() {
    let mut l = funded();
    let hold = |n| Transfer::pending(tid(n), WALLET, OTHER, Money::idr(100_000));
    l.apply(&[hold(1), hold(2), hold(3)]).unwrap();

    // Full post.
    l.apply_one(&Transfer::post(tid(11), tid(1), None)).unwrap();
    assert_eq!(
        l.transfer(tid(1)).unwrap().pending,
        Some(PendingStatus::Posted {
            by: tid(11),
            amount: Money::idr(100_000)
        })
    );
    // Partial post: 40 000 moves, 60 000 is released.
    refused(
        &mut l,
        &[Transfer::post(tid(12), tid(2), Some(Money::idr(100_001)))],
        "ledger.exceeds_pending_amount",
    );
    refused(
        &mut l,
        &[Transfer::post(tid(12), tid(2), Some(Money::idr(0)))],
        "ledger.zero_amount",
    );
    let usd = Money::new(dec!(1), Currency::USD).unwrap();
    refused(
        &mut l,
        &[Transfer::post(tid(12), tid(2), Some(usd))],
        "ledger.currency_mismatch",
    );
    l.apply_one(&Transfer::post(tid(12), tid(2), Some(Money::idr(40_000))))
        .unwrap();
    // Void.
    l.apply_one(&Transfer::void(tid(13), tid(3))).unwrap();

    let w = bal(&l, WALLET);
    assert_eq!(w.debits_pending, Decimal::ZERO);
    assert_eq!(w.debits_posted, dec!(140000));
    assert_eq!(w.available(), dec!(360000));
    assert_eq!(bal(&l, OTHER).credits_posted, dec!(140000));
    assert_eq!(bal(&l, OTHER).credits_pending, Decimal::ZERO);

    // Second resolutions are refused, whatever the kind.
    refused(
        &mut l,
        &[Transfer::post(tid(21), tid(1), None)],
        "ledger.pending_already_posted",
    );
    refused(
        &mut l,
        &[Transfer::void(tid(21), tid(2))],
        "ledger.pending_already_posted",
    );
    refused(
        &mut l,
        &[Transfer::post(tid(21), tid(3), None)],
        "ledger.pending_already_voided",
    );
    // Replaying the resolving transfer itself is a no-op.
    assert_eq!(
        l.apply_one(&Transfer::void(tid(13), tid(3))).unwrap(),
        Outcome::AlreadyExists
    );
    l.verify().unwrap();
}

#[test]
fn linked_batch_is_all_or_nothing() {
    let mut l = funded();
    let ok1 = Transfer::posted(tid(1), WALLET, OTHER, Money::idr(100_000));
    let ok2 = Transfer::pending(tid(2), WALLET, OTHER, Money::idr(100_000));
    let post = Transfer::post(tid(3), tid(2), None);
    let bad = Transfer::posted(tid(4), WALLET, OTHER, Money::idr(400_001));
    refused(&mut l, &[ok1, ok2, post, bad], "ledger.exceeds_credits");
    assert!(l.transfer(tid(1)).is_none());
    assert!(l.transfer(tid(2)).is_none());
    // Duplicate ids inside one batch.
    refused(&mut l, &[ok1, ok1], "ledger.duplicate_in_batch");
    // The error names the failing transfer.
    let err = l.apply(&[ok1, bad]).unwrap_err();
    assert_eq!(
        err,
        LedgerError::ExceedsCredits {
            transfer: tid(4),
            account: WALLET
        }
    );
    // Without the bad one the batch commits, and later members see earlier effects.
    assert_eq!(
        l.apply(&[ok1, ok2, post]).unwrap(),
        vec![Outcome::Created, Outcome::Created, Outcome::Created]
    );
    assert_eq!(bal(&l, WALLET).available(), dec!(300000));
    // A replayed batch is a no-op; a batch mixing old and new commits only the new.
    assert_eq!(
        l.apply(&[ok1, ok2, post]).unwrap(),
        vec![Outcome::AlreadyExists; 3]
    );
    let more = Transfer::posted(tid(5), WALLET, OTHER, Money::idr(1));
    assert_eq!(
        l.apply(&[ok1, more]).unwrap(),
        vec![Outcome::AlreadyExists, Outcome::Created]
    );
    // Resolution undone on rollback: void inside a failing batch leaves the hold open.
    l.apply_one(&Transfer::pending(tid(6), WALLET, OTHER, Money::idr(1_000)))
        .unwrap();
    refused(
        &mut l,
        &[Transfer::void(tid(7), tid(6)), bad],
        "ledger.exceeds_credits",
    );
    assert_eq!(
        l.transfer(tid(6)).unwrap().pending,
        Some(PendingStatus::Open)
    );
    assert!(l.apply(&[]).unwrap().is_empty());
    l.verify().unwrap();
}

#[test]
fn accounts_open_idempotently() {
    let mut l = ledger();
    let spec = *l.account(WALLET).unwrap().spec();
    assert_eq!(l.open(spec).unwrap(), Outcome::AlreadyExists);
    let before = snapshot(&l);
    let err = l.open(spec.with_limit(BalanceLimit::None)).unwrap_err();
    assert_eq!(err.code(), "ledger.account_exists");
    assert_eq!(snapshot(&l), before);
}

#[test]
fn state_round_trips_and_tampering_is_rejected() {
    let mut l = funded();
    l.apply(&[
        Transfer::pending(tid(1), WALLET, OTHER, Money::idr(10_000)),
        Transfer::pending(tid(2), WALLET, OTHER, Money::idr(20_000)),
        Transfer::post(tid(3), tid(1), Some(Money::idr(5_000))),
    ])
    .unwrap();
    let json = snapshot(&l);
    let back: Ledger = serde_json::from_str(&json).unwrap();
    assert_eq!(back, l);
    assert_eq!(snapshot(&back), json);
    // Restored indexes work: replay and resolution behave as before.
    let mut back = back;
    assert_eq!(
        back.apply_one(&Transfer::void(tid(4), tid(2))).unwrap(),
        Outcome::Created
    );
    assert_eq!(
        back.apply_one(&Transfer::void(tid(5), tid(1)))
            .unwrap_err()
            .code(),
        "ledger.pending_already_posted"
    );

    // Tampered balances, journal amounts or pending status are refused.
    let tampered = json.replacen(
        "\"credits_posted\":\"500000\"",
        "\"credits_posted\":\"600000\"",
        1,
    );
    assert_ne!(tampered, json);
    assert!(serde_json::from_str::<Ledger>(&tampered).is_err());
    let tampered = json.replacen(
        "\"state\":\"open\"",
        "\"state\":\"voided\",\"by\":\"00000000-0000-0000-0000-000000000003\"",
        1,
    );
    assert_ne!(tampered, json);
    assert!(serde_json::from_str::<Ledger>(&tampered).is_err());
}

#[test]
fn transfer_json_shape_is_plain() {
    let t = Transfer::post(tid(3), tid(1), Some(Money::idr(5_000)));
    let json = serde_json::to_value(t).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "id": "00000000-0000-0000-0000-000000000003",
            "op": {"type": "post_pending", "pending_id": "00000000-0000-0000-0000-000000000001",
                   "amount": {"amount": "5000", "currency": "IDR"}},
            "code": "unspecified"
        })
    );
    let back: Transfer = serde_json::from_value(json).unwrap();
    assert_eq!(back, t);
    assert!(matches!(back.op, TransferOp::PostPending { .. }));
}
