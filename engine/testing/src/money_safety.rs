//! Money under hostile and faulty input: paid callbacks that do not match their
//! invoice, callbacks ahead of the invoice's record, refunds that exhaust their
//! attempts (docs/domain.md §8). Each test fails on the engine before these rules.

use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use patungan_core::payments::{AnomalyStatus, Mismatch};
use patungan_core::refunds::{OperatorAction, RefundStatus};
use patungan_core::session::{ParticipantStatus, SessionStatus};
use patungan_core::{BotPolicy, Currency, Money, ParticipantId, PaymentId, UserId};

use super::{at, Fixture, World, SESSION};
use patungan_core::notices::{PaymentNotification, PaymentStatus, ProviderNotification};
use patungan_engine::{EngineError, Handled};

const PAYMENT: PaymentId = PaymentId::from_u128(2001);
const PARTICIPANT: ParticipantId = ParticipantId::from_u128(1001);

/// A session with one unpaid join of 10 whose invoice exists at the gateway.
async fn joined(fixture: Arc<dyn Fixture>) -> World {
    let w = World::new(fixture).await;
    w.open_session(BotPolicy::default()).await;
    w.join(1, 10).await;
    w.engine.run_effects(at(1, 0)).await.unwrap();
    w
}

async fn invoice(w: &World) -> patungan_engine::InvoiceRecord {
    w.engine.invoice(PAYMENT).await.unwrap().unwrap()
}

async fn invoice_id(w: &World) -> String {
    invoice(w).await.provider_invoice_id.expect("created")
}

async fn status(w: &World) -> ParticipantStatus {
    w.engine
        .participant(SESSION, PARTICIPANT)
        .await
        .unwrap()
        .unwrap()
        .status
}

async fn handle(w: &World, n: PaymentNotification, now: DateTime<Utc>) -> Handled {
    w.engine
        .handle_notification(&ProviderNotification::Payment(n), now)
        .await
        .unwrap()
}

/// Runs the refund calls and confirms every refund at the gateway.
async fn refunds_go_through(w: &World, now: DateTime<Utc>) {
    w.engine.run_effects(now).await.unwrap();
    w.settle_refunds(now).await;
}

/// A paid callback with the wrong amount is an anomaly booked to suspense and refunded
/// in full; the genuine callback still pays the participant.
pub async fn a_wrong_amount_callback_does_not_poison_the_genuine_payment(
    fixture: Arc<dyn Fixture>,
) {
    let w = joined(fixture).await;
    let due = invoice(&w).await.amount;
    let short = Money::idr(1_000);
    let forged = w
        .gateway
        .collect_mismatched(PAYMENT, &invoice_id(&w).await, short, at(1, 5));
    let Handled::Anomaly(id) = handle(&w, forged.clone(), at(1, 5)).await else {
        panic!("a mismatching paid callback is an anomaly");
    };
    assert_eq!(status(&w).await, ParticipantStatus::Pending);
    // The same forged callback again changes nothing.
    assert_eq!(handle(&w, forged, at(1, 6)).await, Handled::Duplicate);
    let report = w.engine.reconcile(at(23, 59)).await.unwrap();
    assert!(
        !report.is_clean(),
        "an open anomaly is not clean:\n{report}"
    );
    assert_eq!(report.open_anomalies.len(), 1);
    assert!(matches!(
        report.open_anomalies[0].mismatch,
        Mismatch::Amount { .. }
    ));
    assert!(report.suspense.iter().any(|s| !s.is_empty()));

    // The genuine callback still applies.
    let genuine = w.gateway.pay(PAYMENT, at(1, 10)).expect("pending invoice");
    assert_eq!(genuine.paid_amount, Some(due));
    assert_eq!(handle(&w, genuine, at(1, 10)).await, Handled::Applied);
    assert_eq!(status(&w).await, ParticipantStatus::Paid);

    // The forged money goes back in full from suspense; then all is clean.
    refunds_go_through(&w, at(1, 11)).await;
    let refunded = w.gateway.refunds();
    assert_eq!(refunded.len(), 1);
    assert_eq!(refunded[0].request.amount, short);
    let anomaly = w.engine.anomaly(id).await.unwrap().unwrap();
    assert_eq!(anomaly.status, AnomalyStatus::Refunded);
    let report = w.engine.reconcile(at(23, 59)).await.unwrap();
    assert!(report.is_clean(), "{report}");
}

/// A paid callback naming another invoice, after the genuine one, is an anomaly
/// refunded against the invoice it named.
pub async fn a_callback_naming_another_invoice_after_the_genuine_one_is_an_anomaly(
    fixture: Arc<dyn Fixture>,
) {
    let w = joined(fixture).await;
    let genuine = w.gateway.pay(PAYMENT, at(1, 5)).unwrap();
    assert_eq!(handle(&w, genuine, at(1, 5)).await, Handled::Applied);
    let due = invoice(&w).await.amount;
    let other = w
        .gateway
        .collect_mismatched(PAYMENT, "inv_someone_else", due, at(1, 6));
    let Handled::Anomaly(id) = handle(&w, other, at(1, 6)).await else {
        panic!("another invoice id is an anomaly");
    };
    assert_eq!(status(&w).await, ParticipantStatus::Paid);
    let anomaly = w.engine.anomaly(id).await.unwrap().unwrap();
    assert!(matches!(anomaly.mismatch, Mismatch::InvoiceId { .. }));
    refunds_go_through(&w, at(1, 7)).await;
    let refund = &w.gateway.refunds()[0].request;
    assert_eq!(
        refund.provider_invoice_id.as_deref(),
        Some("inv_someone_else")
    );
    assert!(w.engine.reconcile(at(23, 59)).await.unwrap().is_clean());
}

/// A paid callback in another currency is held in suspense in that currency and
/// refunded.
pub async fn a_callback_in_another_currency_is_held_in_that_currency_and_refunded(
    fixture: Arc<dyn Fixture>,
) {
    let w = joined(fixture).await;
    let usd = Money::parse("60.00", Currency::USD).unwrap();
    let foreign = w
        .gateway
        .collect_mismatched(PAYMENT, &invoice_id(&w).await, usd, at(1, 5));
    let Handled::Anomaly(id) = handle(&w, foreign, at(1, 5)).await else {
        panic!("another currency is an anomaly");
    };
    let anomaly = w.engine.anomaly(id).await.unwrap().unwrap();
    assert!(matches!(anomaly.mismatch, Mismatch::Currency { .. }));
    let report = w.engine.reconcile(at(23, 59)).await.unwrap();
    assert!(report
        .suspense
        .iter()
        .any(|s| s.currency == Currency::USD && !s.is_empty()));
    let genuine = w.gateway.pay(PAYMENT, at(1, 10)).unwrap();
    assert_eq!(handle(&w, genuine, at(1, 10)).await, Handled::Applied);
    refunds_go_through(&w, at(1, 11)).await;
    assert!(w.engine.reconcile(at(23, 59)).await.unwrap().is_clean());
}

/// A paid callback that arrives before the invoice record exists is refused
/// retryably, and applies once the invoice is created.
pub async fn a_paid_callback_ahead_of_the_invoice_record_is_deferred_not_lost(
    fixture: Arc<dyn Fixture>,
) {
    let w = World::new(fixture).await;
    w.open_session(BotPolicy::default()).await;
    let receipt = w.join(1, 10).await;
    let early = PaymentNotification {
        provider_event_id: format!("inv_{}", PAYMENT.as_uuid().simple()),
        payment_id: PAYMENT,
        status: PaymentStatus::Paid,
        paid_amount: Some(receipt.cost.total),
        paid_at: Some(at(1, 1)),
        payment_method: None,
        payment_channel: None,
        provider_payment_id: None,
    };
    let error = w
        .engine
        .handle_notification(&ProviderNotification::Payment(early), at(1, 1))
        .await
        .unwrap_err();
    assert!(matches!(error, EngineError::InvoiceNotReady { .. }));
    assert!(error.is_retryable());
    w.engine.run_effects(at(1, 2)).await.unwrap();
    let genuine = w.gateway.pay(PAYMENT, at(1, 3)).unwrap();
    assert_eq!(handle(&w, genuine, at(1, 3)).await, Handled::Applied);
}

/// Simulation seed 19: the invoice was created at the gateway but its record was
/// not (the runner's answer was lost); the payer paid; the payment window closed, so
/// the retried creation was skipped and the record never got its gateway id — the
/// paid callback was refused as not ready forever and the money never went back.
pub async fn a_payment_for_an_invoice_abandoned_before_its_record_is_refunded(
    fixture: Arc<dyn Fixture>,
) {
    let w = World::new(fixture).await;
    w.open_session(BotPolicy::default()).await;
    let receipt = w.join(1, 10).await;
    let due = receipt.cost.total;
    let paid = w
        .gateway
        .collect_mismatched(PAYMENT, "inv_lost_answer", due, at(1, 10));
    let early = w
        .engine
        .handle_notification(&ProviderNotification::Payment(paid.clone()), at(1, 10))
        .await
        .unwrap_err();
    assert!(matches!(early, EngineError::InvoiceNotReady { .. }));
    // The window closes; the creation's retry finds nobody waiting and gives up.
    w.engine.tick(at(1, 30)).await.unwrap();
    w.engine.run_effects(at(1, 30)).await.unwrap();
    assert!(invoice(&w).await.abandoned);
    assert_eq!(status(&w).await, ParticipantStatus::PaymentExpired);
    // The provider delivers the callback again: the money goes back in full.
    assert_eq!(handle(&w, paid, at(1, 31)).await, Handled::Applied);
    refunds_go_through(&w, at(1, 32)).await;
    let refunds = w.gateway.refunds();
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0].request.amount, due);
    assert_eq!(
        refunds[0].request.provider_invoice_id.as_deref(),
        Some("inv_lost_answer")
    );
    let report = w.engine.reconcile(at(23, 59)).await.unwrap();
    assert!(report.is_clean(), "{report}");
}

/// A failed session with one paid buyer whose refund the gateway refuses `n` times.
async fn refund_failing(fixture: Arc<dyn Fixture>, times: usize) -> World {
    let w = World::new(fixture).await;
    w.open_session(BotPolicy::disabled()).await;
    w.join(1, 10).await;
    w.engine.run_effects(at(1, 0)).await.unwrap();
    w.pay_all(at(1, 5)).await;
    w.engine.tick(at(12, 0)).await.unwrap();
    assert_eq!(
        w.engine.session(SESSION).await.unwrap().session.status(),
        SessionStatus::Failed
    );
    let mut now = at(12, 0);
    for _ in 0..times {
        w.engine.run_effects(now).await.unwrap();
        for n in w.gateway.fail_refunds("REFUND_FAILED") {
            w.engine
                .handle_notification(&ProviderNotification::Refund(n), now)
                .await
                .unwrap();
        }
        now += TimeDelta::hours(2);
    }
    w
}

/// A refund that fails every attempt waits for an operator, whose credit to the
/// wallet happens exactly once.
pub async fn an_exhausted_refund_waits_for_an_operator_who_credits_the_wallet_once(
    fixture: Arc<dyn Fixture>,
) {
    let w = refund_failing(fixture, 5).await;
    let waiting = w.engine.refunds_awaiting_operator().await.unwrap();
    assert_eq!(waiting.len(), 1, "{waiting:?}");
    assert_eq!(waiting[0].attempt, 5);
    let report = w.engine.reconcile(at(23, 59)).await.unwrap();
    assert!(!report.is_clean());
    assert_eq!(report.refunds_awaiting_operator.len(), 1);

    let reference = waiting[0].reference.clone();
    let credited = w
        .engine
        .resolve_refund(&reference, OperatorAction::CreditWallet, at(23, 0))
        .await
        .unwrap();
    assert_eq!(credited.status, RefundStatus::Completed);
    let balance = w.engine.wallet_balance(UserId::from_u128(1)).await.unwrap();
    assert_eq!(balance.available, waiting[0].amount);
    let again = w
        .engine
        .resolve_refund(&reference, OperatorAction::Retry, at(23, 1))
        .await
        .unwrap_err();
    assert_eq!(again.code(), "refund.not_awaiting_operator");
    let balance = w.engine.wallet_balance(UserId::from_u128(1)).await.unwrap();
    assert_eq!(
        balance.available, waiting[0].amount,
        "credited exactly once"
    );
    let report = w.engine.reconcile(at(23, 59)).await.unwrap();
    assert!(report.is_clean(), "{report}");
}

/// An operator's retry of an exhausted refund goes through the gateway again.
pub async fn an_operator_retry_goes_through_the_gateway_again(fixture: Arc<dyn Fixture>) {
    let w = refund_failing(fixture, 5).await;
    let reference = w.engine.refunds_awaiting_operator().await.unwrap()[0]
        .reference
        .clone();
    let retry = w
        .engine
        .resolve_refund(&reference, OperatorAction::Retry, at(23, 0))
        .await
        .unwrap();
    assert_eq!(retry.status, RefundStatus::Pending);
    assert!(w
        .engine
        .refunds_awaiting_operator()
        .await
        .unwrap()
        .is_empty());
    refunds_go_through(&w, at(23, 0)).await;
    let done = w.engine.refund(&retry.reference).await.unwrap().unwrap();
    assert_eq!(done.status, RefundStatus::Completed);
    assert!(w.engine.reconcile(at(23, 59)).await.unwrap().is_clean());
}

/// A failed refund is retried after its backoff, not at once.
pub async fn failed_refunds_back_off_before_the_next_attempt(fixture: Arc<dyn Fixture>) {
    let w = refund_failing(fixture, 1).await;
    // The first attempt failed at 12:00: the second is due a minute later, not at once.
    let before = w.gateway.refunds().len();
    w.engine.run_effects(at(12, 0)).await.unwrap();
    assert_eq!(
        w.gateway.refunds().len(),
        before,
        "not due at the failure's instant"
    );
    w.engine.run_effects(at(12, 1)).await.unwrap();
    assert_eq!(w.gateway.refunds().len(), before + 1);
}
