//! Paid callbacks are checked against their invoice before anything is posted.
// Test code may unwrap, expect, panic and index: the workspace denies these in library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::{TimeZone, Utc};
use patungan_core::payments::{Anomaly, AnomalyStatus, Invoice, Mismatch, PaidReport, Verdict};
use patungan_core::{Currency, Money, ParticipantId, PaymentId, SessionId, UserId};
use rust_decimal::Decimal;

fn invoice() -> Invoice {
    Invoice {
        session: SessionId::from_u128(1),
        participant: ParticipantId::from_u128(2),
        payment: PaymentId::from_u128(3),
        user: UserId::from_u128(4),
        amount: Money::idr(1_095_000),
        expires_at: Utc.with_ymd_and_hms(2026, 1, 1, 1, 30, 0).unwrap(),
        provider_invoice_id: Some("inv_1".into()),
        url: None,
        abandoned: false,
    }
}

fn report(id: &str, amount: Money) -> PaidReport {
    PaidReport {
        provider_invoice_id: id.into(),
        provider_payment_id: Some("pay_1".into()),
        amount,
        paid_at: None,
    }
}

#[test]
fn a_matching_callback_is_genuine() {
    assert_eq!(
        invoice().verify(&report("inv_1", Money::idr(1_095_000))),
        Verdict::Genuine
    );
}

#[test]
fn each_mismatch_is_named() {
    let inv = invoice();
    assert!(matches!(
        inv.verify(&report("inv_2", Money::idr(1_095_000))),
        Verdict::Anomaly(Mismatch::InvoiceId { .. })
    ));
    assert!(matches!(
        inv.verify(&report("inv_1", Money::idr(1))),
        Verdict::Anomaly(Mismatch::Amount { .. })
    ));
    let usd = Money::new(Decimal::new(1_095_000, 0), Currency::USD).unwrap();
    let Verdict::Anomaly(m) = inv.verify(&report("inv_1", usd)) else {
        panic!("a currency mismatch is an anomaly");
    };
    assert_eq!(m.code(), "payment.currency_mismatch");
}

#[test]
fn an_invoice_not_created_yet_cannot_be_checked() {
    let mut inv = invoice();
    inv.provider_invoice_id = None;
    assert_eq!(
        inv.verify(&report("inv_1", Money::idr(1_095_000))),
        Verdict::NotYetCreated
    );
}

#[test]
fn an_abandoned_invoice_checks_currency_and_amount_only() {
    let mut inv = invoice();
    inv.provider_invoice_id = None;
    inv.abandoned = true;
    assert_eq!(
        inv.verify(&report("inv_9", Money::idr(1_095_000))),
        Verdict::Genuine
    );
    assert!(matches!(
        inv.verify(&report("inv_9", Money::idr(5))),
        Verdict::Anomaly(Mismatch::Amount { .. })
    ));
}

#[test]
fn anomaly_ids_are_stable_and_distinguish_reports() {
    let inv = invoice();
    let wrong = report("inv_1", Money::idr(1));
    let Verdict::Anomaly(mismatch) = inv.verify(&wrong) else {
        panic!("mismatch expected");
    };
    let now = Utc.with_ymd_and_hms(2026, 1, 1, 1, 0, 0).unwrap();
    let a = Anomaly::new(&inv, wrong.clone(), mismatch.clone(), now);
    let b = Anomaly::new(&inv, wrong.clone(), mismatch, now);
    assert_eq!(a.id, b.id);
    assert_eq!(a.status, AnomalyStatus::Refunding);
    assert!(a.status.is_open());
    assert_eq!(a.collected(), Money::idr(1));
    let other = report("inv_1", Money::idr(2));
    assert_ne!(Anomaly::id_for(inv.payment, &other), a.id);
}

#[test]
fn only_an_invoice_not_yet_created_is_abandoned_and_only_once() {
    let mut created = invoice();
    assert!(!created.abandon(), "a created invoice keeps its gateway id");
    let mut pending = Invoice {
        provider_invoice_id: None,
        ..invoice()
    };
    assert!(pending.abandon());
    assert!(pending.abandoned);
    assert!(!pending.abandon(), "abandoned once");
    pending.created("inv_9".into(), "https://pay/inv_9".into());
    assert_eq!(pending.provider_invoice_id.as_deref(), Some("inv_9"));
}
