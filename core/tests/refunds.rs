//! The refund book: attempts, backoff, the attempt budget and operator decisions,
//! with every step's posting applied to a real ledger.
// Test code may unwrap, expect, panic and index: the workspace denies these in library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use patungan_core::ledger::{Chart, ChartAccount, Ledger, PaymentReceived, RefundDestination};
use patungan_core::refunds::{
    OperatorAction, RefundAttempt, RefundNext, RefundOutcome, RefundPolicy, RefundSource,
    RefundStatus,
};
use patungan_core::{AnomalyId, Currency, Money, PaymentId, SessionId, UserId};
use proptest::prelude::*;
use rust_decimal::Decimal;

const SESSION: SessionId = SessionId::from_u128(1);
const PAYMENT: PaymentId = PaymentId::from_u128(2);
const USER: UserId = UserId::from_u128(3);

fn chart() -> Chart {
    Chart::new(Currency::IDR)
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
}

fn net(l: &Ledger, account: ChartAccount) -> Decimal {
    l.account(chart().id(account))
        .map(|a| a.balances().posted_net())
        .unwrap_or_default()
}

/// A ledger holding one paid payment of 100 000 in escrow.
fn paid() -> Ledger {
    let mut l = Ledger::new();
    l.execute(&chart().payment_received(&PaymentReceived {
        payment: PAYMENT,
        session: SESSION,
        amount: Money::idr(100_000),
    }))
    .unwrap();
    l
}

fn source() -> RefundSource {
    RefundSource::Escrow {
        session: SESSION,
        payment: PAYMENT,
    }
}

fn failed() -> RefundOutcome {
    RefundOutcome::Failed {
        failure_code: Some("REFUND_FAILED".into()),
    }
}

/// Runs attempts that all fail until the budget is spent; returns the last one.
fn exhaust(l: &mut Ledger, policy: &RefundPolicy) -> RefundAttempt {
    let (mut attempt, posting) = RefundAttempt::start(
        &chart(),
        source(),
        USER,
        Money::idr(100_000),
        1,
        RefundDestination::OriginalMethod,
    );
    l.execute(&posting).unwrap();
    loop {
        attempt.accepted("rf");
        let settled = attempt.settle(&chart(), &failed(), Some("rf"), policy, now());
        l.execute(&settled.posting).unwrap();
        match settled.next {
            RefundNext::RetryAt { at } => {
                assert_eq!(at, now() + policy.backoff(attempt.attempt));
                let (next, posting) = attempt.next_attempt(&chart(), attempt.destination);
                l.execute(&posting).unwrap();
                attempt = next;
            }
            RefundNext::AwaitOperator => return attempt,
            RefundNext::Done => panic!("a failure is never done"),
        }
    }
}

#[test]
fn a_confirmed_refund_posts_its_hold() {
    let mut l = paid();
    let (mut a, posting) = RefundAttempt::start(
        &chart(),
        source(),
        USER,
        Money::idr(100_000),
        1,
        RefundDestination::OriginalMethod,
    );
    l.execute(&posting).unwrap();
    assert!(a.needs_gateway());
    a.accepted("rf_1");
    assert_eq!(a.status, RefundStatus::Processing);
    let settled = a.settle(
        &chart(),
        &RefundOutcome::Succeeded,
        Some("rf_1"),
        &RefundPolicy::default(),
        now(),
    );
    assert_eq!(settled.next, RefundNext::Done);
    l.execute(&settled.posting).unwrap();
    assert!(a.is_settled());
    assert_eq!(net(&l, ChartAccount::SessionEscrow(SESSION)), Decimal::ZERO);
    l.verify().unwrap();
}

#[test]
fn the_fifth_failure_waits_for_an_operator() {
    let mut l = paid();
    let last = exhaust(&mut l, &RefundPolicy::default());
    assert_eq!(last.attempt, 5);
    assert_eq!(last.status, RefundStatus::AwaitingOperator);
    // Every hold was voided: the money is back in escrow.
    assert_eq!(
        net(&l, ChartAccount::SessionEscrow(SESSION)),
        Decimal::from(100_000)
    );
    l.verify().unwrap();
}

#[test]
fn an_operator_credits_the_wallet_exactly_once() {
    let mut l = paid();
    let mut last = exhaust(&mut l, &RefundPolicy::default());
    let (credit, posting) = last
        .operator(&chart(), OperatorAction::CreditWallet)
        .unwrap();
    l.execute(&posting).unwrap();
    assert_eq!(credit.status, RefundStatus::Completed);
    assert_eq!(credit.attempt, 6);
    assert_eq!(net(&l, ChartAccount::Wallet(USER)), Decimal::from(100_000));
    assert_eq!(net(&l, ChartAccount::SessionEscrow(SESSION)), Decimal::ZERO);
    let again = last.operator(&chart(), OperatorAction::Retry).unwrap_err();
    assert_eq!(again.code(), "refund.not_awaiting_operator");
    assert_eq!(last.operator_action, Some(OperatorAction::CreditWallet));
    l.verify().unwrap();
}

#[test]
fn an_operator_retry_starts_a_new_gateway_attempt() {
    let mut l = paid();
    let mut last = exhaust(&mut l, &RefundPolicy::default());
    let (retry, posting) = last.operator(&chart(), OperatorAction::Retry).unwrap();
    l.execute(&posting).unwrap();
    assert_eq!(retry.status, RefundStatus::Pending);
    assert_eq!(retry.destination, RefundDestination::OriginalMethod);
    assert_ne!(retry.reference, last.reference);
    l.verify().unwrap();
}

#[test]
fn a_suspense_refund_empties_suspense() {
    let anomaly = AnomalyId::from_u128(9);
    let mut l = Ledger::new();
    l.execute(&chart().suspense_received(*anomaly.as_uuid(), Money::idr(5_000)))
        .unwrap();
    assert_eq!(net(&l, ChartAccount::Suspense), Decimal::from(5_000));
    let (mut a, posting) = RefundAttempt::start(
        &chart(),
        RefundSource::Suspense { anomaly },
        USER,
        Money::idr(5_000),
        1,
        RefundDestination::OriginalMethod,
    );
    l.execute(&posting).unwrap();
    let settled = a.settle(
        &chart(),
        &RefundOutcome::Succeeded,
        Some("rf"),
        &RefundPolicy::default(),
        now(),
    );
    l.execute(&settled.posting).unwrap();
    assert_eq!(net(&l, ChartAccount::Suspense), Decimal::ZERO);
    l.verify().unwrap();
}

proptest! {
    /// Whatever the answers, money is conserved, the budget is never exceeded, and the
    /// escrow never pays out more than it held.
    #[test]
    fn refund_sequences_conserve_money(
        answers in proptest::collection::vec(any::<bool>(), 1..12),
        max_attempts in 1u32..6,
    ) {
        let policy = RefundPolicy { max_attempts, ..RefundPolicy::default() };
        let mut l = paid();
        let (mut a, posting) = RefundAttempt::start(
            &chart(), source(), USER, Money::idr(100_000), 1, RefundDestination::OriginalMethod,
        );
        l.execute(&posting).unwrap();
        for ok in answers {
            let outcome = if ok { RefundOutcome::Succeeded } else { failed() };
            let settled = a.settle(&chart(), &outcome, Some("rf"), &policy, now());
            l.execute(&settled.posting).unwrap();
            match settled.next {
                RefundNext::Done | RefundNext::AwaitOperator => break,
                RefundNext::RetryAt { at } => {
                    prop_assert!(at > now() && at <= now() + TimeDelta::hours(1));
                    let (next, posting) = a.next_attempt(&chart(), a.destination);
                    l.execute(&posting).unwrap();
                    a = next;
                }
            }
        }
        prop_assert!(a.attempt <= max_attempts);
        l.verify().unwrap();
        let escrow = net(&l, ChartAccount::SessionEscrow(SESSION));
        prop_assert!(escrow == Decimal::ZERO || escrow == Decimal::from(100_000));
    }
}
