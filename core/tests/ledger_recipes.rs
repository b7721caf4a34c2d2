//! The §8 money flows through the chart of accounts and posting recipes.
// Test code may unwrap, expect, panic and index: the workspace denies these in library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use patungan_core::ledger::{
    Chart, ChartAccount, CreditReason, LatePayment, Ledger, Outcome, PaymentReceived, Refund,
    RefundDestination, RefundResult, RefundSettlement, SuccessSplit, WalletCredit, WalletDebit,
};
use patungan_core::{
    cost::DEFAULT_GATEWAY_FEE, CostBreakdown, Currency, JoinCostInput, Money, Moq, ParticipantId,
    PaymentId, SessionId, UserId,
};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use uuid::Uuid;

const SESSION: SessionId = SessionId::from_u128(0x5e55);
const USER: UserId = UserId::from_u128(0xa11ce);
const PAYMENT: PaymentId = PaymentId::from_u128(0x9a1);
const PARTICIPANT: ParticipantId = ParticipantId::from_u128(0x9a7);

fn chart() -> Chart {
    Chart::new(Currency::IDR)
}

fn net(l: &Ledger, account: ChartAccount) -> Decimal {
    l.account(chart().id(account))
        .map(|a| a.balances().posted_net())
        .unwrap_or_default()
}

fn cost() -> CostBreakdown {
    CostBreakdown::for_join(&JoinCostInput {
        quantity: 10,
        group_price: Money::idr(100_000),
        moq: Moq::new(100).unwrap(),
        bulk_shipping_cost: Money::idr(500_000),
        courier_price: Money::idr(15_000),
        gateway_fee_rate: DEFAULT_GATEWAY_FEE,
    })
    .unwrap()
}

fn paid() -> Ledger {
    let mut l = Ledger::new();
    let outcomes = l
        .execute(&chart().payment_received(&PaymentReceived {
            payment: PAYMENT,
            session: SESSION,
            amount: cost().total,
        }))
        .unwrap();
    assert_eq!(outcomes, vec![Outcome::Created]);
    l
}

#[test]
fn payment_then_success_split_empties_escrow() {
    let mut l = paid();
    assert_eq!(net(&l, ChartAccount::SessionEscrow(SESSION)), dec!(1095000));
    assert_eq!(net(&l, ChartAccount::GatewayClearing), dec!(-1095000));

    let split =
        SuccessSplit::from_cost(PARTICIPANT, SESSION, USER, &cost(), Money::idr(90_000)).unwrap();
    assert_eq!(split.warehouse, Money::idr(950_000));
    assert_eq!(split.courier, Money::idr(15_000));
    assert_eq!(split.gateway_fee, Money::idr(30_000));
    assert_eq!(split.cashback, Money::idr(100_000));
    let posting = chart().success_split(&split);
    assert_eq!(posting.transfers.len(), 4);
    assert_eq!(l.execute(&posting).unwrap(), vec![Outcome::Created; 4]);

    assert_eq!(net(&l, ChartAccount::SessionEscrow(SESSION)), Decimal::ZERO);
    assert_eq!(net(&l, ChartAccount::Warehouse), dec!(950000));
    assert_eq!(net(&l, ChartAccount::CourierPayable), dec!(15000));
    assert_eq!(net(&l, ChartAccount::GatewayFeeRevenue), dec!(30000));
    assert_eq!(net(&l, ChartAccount::Wallet(USER)), dec!(100000));

    // Replaying the settlement (a timer fired twice) changes nothing.
    let before = serde_json::to_string(&l).unwrap();
    assert_eq!(
        l.execute(&posting).unwrap(),
        vec![Outcome::AlreadyExists; 4]
    );
    assert_eq!(serde_json::to_string(&l).unwrap(), before);

    let report = l.reconcile(&[SESSION]);
    assert!(report.is_clean(), "{report}");
    assert_eq!(report.sessions.len(), 1);
    assert_eq!(report.sessions[0].paid_in, dec!(1095000));
    assert_eq!(report.sessions[0].paid_out, dec!(1095000));
    l.verify().unwrap();
}

#[test]
fn split_without_discount_skips_the_zero_cashback_leg() {
    let mut l = paid();
    let split =
        SuccessSplit::from_cost(PARTICIPANT, SESSION, USER, &cost(), Money::idr(100_000)).unwrap();
    assert!(split.cashback.is_zero());
    let posting = chart().success_split(&split);
    assert_eq!(posting.transfers.len(), 3);
    l.execute(&posting).unwrap();
    assert!(l.account(chart().wallet(USER)).is_none());
    assert!(l.reconcile(&[SESSION]).is_clean());
}

#[test]
fn final_price_above_group_price_is_refused() {
    let err = SuccessSplit::from_cost(PARTICIPANT, SESSION, USER, &cost(), Money::idr(100_001))
        .unwrap_err();
    assert_eq!(err.code(), "recipe.final_price_above_group_price");
}

#[test]
fn over_splitting_escrow_is_refused_and_changes_nothing() {
    let mut l = paid();
    let mut split =
        SuccessSplit::from_cost(PARTICIPANT, SESSION, USER, &cost(), Money::idr(90_000)).unwrap();
    split.cashback = Money::idr(100_001);
    let before = serde_json::to_string(&l).unwrap();
    let err = l.execute(&chart().success_split(&split)).unwrap_err();
    assert_eq!(err.code(), "ledger.exceeds_credits");
    // Neither transfers nor the accounts the posting would have opened remain.
    assert_eq!(serde_json::to_string(&l).unwrap(), before);
    assert!(l.account(chart().id(ChartAccount::Warehouse)).is_none());
}

fn refund(attempt: u32, destination: RefundDestination) -> Refund {
    Refund {
        payment: PAYMENT,
        attempt,
        session: SESSION,
        user: USER,
        amount: cost().total,
        destination,
    }
}

#[test]
fn refund_to_original_method_waits_for_the_gateway_and_retries() {
    let mut l = paid();
    l.execute(&chart().refund(&refund(1, RefundDestination::OriginalMethod)))
        .unwrap();
    // Processing: the money is held, not gone; the session is not settled yet.
    let report = l.reconcile(&[SESSION]);
    assert_eq!(report.sessions[0].pending_out, dec!(1095000));
    assert_eq!(report.unsettled_terminal_sessions, vec![SESSION]);
    // A second refund while the first is in flight would overdraw escrow.
    let err = l
        .execute(&chart().refund(&refund(2, RefundDestination::OriginalMethod)))
        .unwrap_err();
    assert_eq!(err.code(), "ledger.exceeds_credits");

    // The gateway says it failed: void, the money is back in escrow.
    let failed = RefundSettlement {
        payment: PAYMENT,
        attempt: 1,
        result: RefundResult::Failed,
    };
    l.execute(&chart().refund_settled(&failed)).unwrap();
    assert_eq!(
        l.execute(&chart().refund_settled(&failed)).unwrap(),
        vec![Outcome::AlreadyExists]
    );
    // Never marked completed without confirmation: confirming the voided attempt fails.
    let late_confirm = RefundSettlement {
        payment: PAYMENT,
        attempt: 1,
        result: RefundResult::Confirmed,
    };
    assert_eq!(
        l.execute(&chart().refund_settled(&late_confirm))
            .unwrap_err()
            .code(),
        "ledger.pending_already_voided"
    );
    assert_eq!(net(&l, ChartAccount::SessionEscrow(SESSION)), dec!(1095000));

    // Retry (attempt 2) and confirmation.
    l.execute(&chart().refund(&refund(2, RefundDestination::OriginalMethod)))
        .unwrap();
    let confirmed = RefundSettlement {
        payment: PAYMENT,
        attempt: 2,
        result: RefundResult::Confirmed,
    };
    l.execute(&chart().refund_settled(&confirmed)).unwrap();
    assert_eq!(net(&l, ChartAccount::SessionEscrow(SESSION)), Decimal::ZERO);
    assert_eq!(net(&l, ChartAccount::GatewayClearing), Decimal::ZERO);
    assert!(l.reconcile(&[SESSION]).is_clean());
    l.verify().unwrap();
}

#[test]
fn refund_to_wallet_is_immediate() {
    let mut l = paid();
    l.execute(&chart().refund(&refund(1, RefundDestination::Wallet)))
        .unwrap();
    assert_eq!(net(&l, ChartAccount::Wallet(USER)), dec!(1095000));
    assert!(l.reconcile(&[SESSION]).is_clean());
}

#[test]
fn late_payment_is_received_and_refunded_in_one_batch() {
    let mut l = Ledger::new();
    let late = LatePayment {
        payment: PaymentId::from_u128(77),
        session: SESSION,
        user: USER,
        amount: Money::idr(250_000),
        destination: RefundDestination::Wallet,
    };
    assert_eq!(
        l.execute(&chart().late_payment_refund(&late))
            .unwrap()
            .len(),
        2
    );
    assert_eq!(net(&l, ChartAccount::Wallet(USER)), dec!(250000));
    assert!(l.reconcile(&[SESSION]).is_clean());
    // To the original method it stays pending until the gateway confirms.
    let late = LatePayment {
        payment: PaymentId::from_u128(78),
        destination: RefundDestination::OriginalMethod,
        ..late
    };
    l.execute(&chart().late_payment_refund(&late)).unwrap();
    assert_eq!(
        l.reconcile(&[SESSION]).unsettled_terminal_sessions,
        vec![SESSION]
    );
    l.execute(&chart().refund_settled(&RefundSettlement {
        payment: late.payment,
        attempt: 1,
        result: RefundResult::Confirmed,
    }))
    .unwrap();
    assert!(l.reconcile(&[SESSION]).is_clean());
}

#[test]
fn wallet_credits_are_unique_per_reference_and_debits_never_go_below_zero() {
    let mut l = Ledger::new();
    let reference = Uuid::from_u128(0xdec0);
    let deposit = WalletCredit {
        reference,
        user: USER,
        amount: Money::idr(50_000),
        reason: CreditReason::Deposit,
    };
    assert_eq!(
        l.execute(&chart().wallet_credit(&deposit)).unwrap(),
        vec![Outcome::Created]
    );
    assert_eq!(
        l.execute(&chart().wallet_credit(&deposit)).unwrap(),
        vec![Outcome::AlreadyExists]
    );
    assert_eq!(net(&l, ChartAccount::Wallet(USER)), dec!(50000));
    // The same reference for a different credit is refused.
    let other = WalletCredit {
        amount: Money::idr(60_000),
        ..deposit
    };
    assert_eq!(
        l.execute(&chart().wallet_credit(&other))
            .unwrap_err()
            .code(),
        "ledger.transfer_exists"
    );

    let purchase = |n: u128, amount| WalletDebit {
        reference: Uuid::from_u128(n),
        user: USER,
        session: SESSION,
        amount,
    };
    let before = serde_json::to_string(&l).unwrap();
    assert_eq!(
        l.execute(&chart().wallet_debit(&purchase(1, Money::idr(50_001))))
            .unwrap_err()
            .code(),
        "ledger.exceeds_credits"
    );
    assert_eq!(serde_json::to_string(&l).unwrap(), before);
    l.execute(&chart().wallet_debit(&purchase(1, Money::idr(50_000))))
        .unwrap();
    assert_eq!(net(&l, ChartAccount::Wallet(USER)), Decimal::ZERO);
    assert_eq!(net(&l, ChartAccount::SessionEscrow(SESSION)), dec!(50000));
    // A debit from a wallet that never existed is refused and opens nothing.
    let stranger = WalletDebit {
        user: UserId::from_u128(5),
        ..purchase(2, Money::idr(1))
    };
    assert_eq!(
        l.execute(&chart().wallet_debit(&stranger))
            .unwrap_err()
            .code(),
        "ledger.exceeds_credits"
    );
    assert!(l.account(chart().wallet(UserId::from_u128(5))).is_none());

    // Cashback and refund credits come out of session escrow.
    let cashback = WalletCredit {
        reference: Uuid::from_u128(3),
        user: USER,
        amount: Money::idr(20_000),
        reason: CreditReason::Cashback { session: SESSION },
    };
    l.execute(&chart().wallet_credit(&cashback)).unwrap();
    assert_eq!(net(&l, ChartAccount::SessionEscrow(SESSION)), dec!(30000));
    let usd = WalletCredit {
        reference: Uuid::from_u128(4),
        amount: Money::new(dec!(1), Currency::USD).unwrap(),
        ..cashback
    };
    assert_eq!(
        l.execute(&chart().wallet_credit(&usd)).unwrap_err().code(),
        "ledger.currency_mismatch"
    );
    l.verify().unwrap();
}

#[test]
fn report_groups_by_entity_and_kind_and_prints() {
    let mut l = paid();
    let split =
        SuccessSplit::from_cost(PARTICIPANT, SESSION, USER, &cost(), Money::idr(90_000)).unwrap();
    l.execute(&chart().success_split(&split)).unwrap();
    let report = l.reconcile(&[SESSION]);
    let json = serde_json::to_value(&report).unwrap();
    let back: patungan_core::ledger::ReconciliationReport = serde_json::from_value(json).unwrap();
    assert_eq!(back, report);
    assert_eq!(report.lines.len(), 6);
    assert!(report.currencies.iter().all(|c| c.balanced));
    let text = report.to_string();
    assert!(text.contains("balanced"), "{text}");
    assert!(text.contains("terminal, settled"), "{text}");
}
