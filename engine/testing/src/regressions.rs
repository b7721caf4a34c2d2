//! Regressions found by the seeded simulation ([`sim`](super::sim)); each names
//! the seed that found it.

use std::sync::Arc;

use super::{at, config, join, Fixture, World};
use patungan_core::grosir::StockLevel;
use patungan_core::session::{SessionGrosir, SessionStatus};
use patungan_core::{
    BotPolicy, GrosirConfig, Money, Moq, ProductId, SessionId, VariantBundle, VariantId,
};
use patungan_engine::StockRecord;

const PRODUCT: ProductId = ProductId::from_u128(77);
const SIZE: VariantId = VariantId::from_u128(5);

async fn stock(w: &World) -> StockRecord {
    w.store.read::<StockRecord>(PRODUCT).await.unwrap().unwrap()
}

fn grosir_config() -> patungan_core::session::SessionConfig {
    let mut c = config(BotPolicy::disabled());
    c.moq = Moq::new(4).unwrap();
    c.grosir = Some(SessionGrosir {
        bundle: GrosirConfig::new(vec![VariantBundle::new(SIZE, 2, 10)]).unwrap(),
        factory_unit_cost: Money::idr(40_000),
    });
    c
}

/// Two sessions of the product, each with one paid buyer of 6 units, settled at 12:00.
async fn two_settled_sessions(w: &World) {
    for n in [1u128, 2] {
        let session = SessionId::from_u128(n);
        w.engine
            .create_session(session, grosir_config(), at(0, 0))
            .await
            .unwrap();
        let mut request = join(n, 6);
        request.variant = Some(SIZE);
        w.engine.join(session, &request, at(1, 0)).await.unwrap();
    }
    w.engine.run_effects(at(1, 0)).await.unwrap();
    w.pay_all(at(1, 10)).await;
    w.engine.tick(at(12, 0)).await.unwrap();
}

async fn status(w: &World, n: u128) -> SessionStatus {
    w.engine
        .session(SessionId::from_u128(n))
        .await
        .unwrap()
        .session
        .status()
}

/// Simulation seeds 20 and 36: a second session of the same product was planned
/// against stock already reserved for the first one's orders, confirmed at once,
/// and the warehouse ended up promising more units than it held.
pub async fn stock_reserved_by_one_session_is_not_planned_again_for_the_next(
    fixture: Arc<dyn Fixture>,
) {
    let w = World::new(fixture).await;
    w.engine
        .add_stock(PRODUCT, &[StockLevel::new(SIZE, 10)])
        .await
        .unwrap();
    two_settled_sessions(&w).await;
    // The first (by id) takes 6 of the 10 units on hand; only 4 are left, so the
    // second must wait for a purchase order.
    assert_eq!(status(&w, 1).await, SessionStatus::Confirmed);
    assert_eq!(status(&w, 2).await, SessionStatus::AwaitingStock);
    w.engine
        .stock_received(SessionId::from_u128(2), at(13, 0))
        .await
        .unwrap();
    let stock = stock(&w).await;
    let line = stock.line(Some(SIZE));
    let (on_hand, reserved) = (line.on_hand, line.reserved);
    assert_eq!(reserved, 12);
    assert!(
        reserved <= on_hand,
        "{reserved} reserved, {on_hand} on hand"
    );
}

/// Simulation seed 175: two sessions awaiting their purchase orders both counted
/// on the same units on hand; once both orders arrived, more units were reserved
/// than the warehouse held.
pub async fn stock_counted_on_by_a_session_awaiting_its_order_is_not_planned_twice(
    fixture: Arc<dyn Fixture>,
) {
    let w = World::new(fixture).await;
    w.engine
        .add_stock(PRODUCT, &[StockLevel::new(SIZE, 4)])
        .await
        .unwrap();
    two_settled_sessions(&w).await;
    assert_eq!(status(&w, 1).await, SessionStatus::AwaitingStock);
    assert_eq!(status(&w, 2).await, SessionStatus::AwaitingStock);
    for n in [1u128, 2] {
        w.engine
            .stock_received(SessionId::from_u128(n), at(13, 0))
            .await
            .unwrap();
        assert_eq!(status(&w, n).await, SessionStatus::Confirmed);
    }
    let stock = stock(&w).await;
    let line = stock.line(Some(SIZE));
    let (on_hand, reserved) = (line.on_hand, line.reserved);
    assert_eq!(reserved, 12);
    assert!(
        reserved <= on_hand,
        "{reserved} reserved, {on_hand} on hand"
    );
    assert_eq!(line.pledged, 0);
}

/// A session cancelled while awaiting its purchase order gives back the units its
/// plan counted on.
pub async fn cancelling_a_session_awaiting_stock_frees_the_units_it_counted_on(
    fixture: Arc<dyn Fixture>,
) {
    let w = World::new(fixture).await;
    w.engine
        .add_stock(PRODUCT, &[StockLevel::new(SIZE, 4)])
        .await
        .unwrap();
    let first = SessionId::from_u128(1);
    w.engine
        .create_session(first, grosir_config(), at(0, 0))
        .await
        .unwrap();
    let mut request = join(1, 6);
    request.variant = Some(SIZE);
    w.engine.join(first, &request, at(1, 0)).await.unwrap();
    w.engine.run_effects(at(1, 0)).await.unwrap();
    w.pay_all(at(1, 10)).await;
    w.engine.tick(at(12, 0)).await.unwrap();
    assert_eq!(status(&w, 1).await, SessionStatus::AwaitingStock);
    assert_eq!(stock(&w).await.line(Some(SIZE)).pledged, 4);
    w.engine.cancel(first, at(13, 0)).await.unwrap();
    assert_eq!(stock(&w).await.line(Some(SIZE)).pledged, 0);
    // The factory was told of the order and of its withdrawal, once each.
    w.engine.run_effects(at(13, 0)).await.unwrap();
    w.engine.run_effects(at(13, 1)).await.unwrap();
    let told: Vec<&str> = w.factory.messages().iter().map(|m| m.event()).collect();
    assert_eq!(told, ["purchase_order.issued", "purchase_order.cancelled"]);
    assert_eq!(w.factory.calls(), 2);
}

/// Simulation seed 4757: units received under a purchase order that was still
/// open (a partial receipt) were free stock, so a later session of the same
/// product planned with them and confirmed at once; when the first order closed,
/// both sessions' reservations counted the same units and shipping ran out.
pub async fn units_received_under_an_open_purchase_order_are_not_planned_for_another_session(
    fixture: Arc<dyn Fixture>,
) {
    let w = World::new(fixture).await;
    let (first, second) = (SessionId::from_u128(1), SessionId::from_u128(2));
    w.engine
        .create_session(first, grosir_config(), at(0, 0))
        .await
        .unwrap();
    let mut request = join(1, 6);
    request.variant = Some(SIZE);
    w.engine.join(first, &request, at(1, 0)).await.unwrap();
    w.engine.run_effects(at(1, 0)).await.unwrap();
    w.pay_all(at(1, 10)).await;
    w.engine.tick(at(12, 0)).await.unwrap();
    assert_eq!(status(&w, 1).await, SessionStatus::AwaitingStock);
    // Four of the six units ordered arrive; the order stays open and the first
    // session still counts on them.
    let closed = w
        .engine
        .receive_stock(first, &[StockLevel::new(SIZE, 4)], at(12, 30))
        .await
        .unwrap();
    assert!(!closed);
    let line = stock(&w).await.line(Some(SIZE));
    assert_eq!((line.on_hand, line.pledged, line.free()), (4, 4, 0));
    // A second session of the product wants exactly those four units.
    let mut later = grosir_config();
    later.end = at(14, 0);
    w.engine
        .create_session(second, later, at(12, 40))
        .await
        .unwrap();
    let mut request = join(2, 4);
    request.variant = Some(SIZE);
    w.engine.join(second, &request, at(12, 45)).await.unwrap();
    w.engine.run_effects(at(12, 45)).await.unwrap();
    w.pay_all(at(12, 50)).await;
    w.engine.tick(at(14, 0)).await.unwrap();
    assert_eq!(
        status(&w, 2).await,
        SessionStatus::AwaitingStock,
        "the second session planned with units on their way to the first"
    );
    w.engine
        .receive_stock(first, &[StockLevel::new(SIZE, 2)], at(14, 30))
        .await
        .unwrap();
    w.engine.stock_received(second, at(14, 40)).await.unwrap();
    for n in [1u128, 2] {
        assert_eq!(status(&w, n).await, SessionStatus::Confirmed);
    }
    let line = stock(&w).await.line(Some(SIZE));
    let (on_hand, reserved) = (line.on_hand, line.reserved);
    assert_eq!(reserved, 10);
    assert!(
        reserved <= on_hand,
        "{reserved} reserved, {on_hand} on hand"
    );
    assert_eq!(line.pledged, 0);
}

/// A gateway and disburser whose refund and payout calls can be switched to fail
/// retryably (an outage), in front of the in-memory ones.
pub(super) mod outage {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    use async_trait::async_trait;
    use patungan_core::PaymentId;
    use patungan_engine::ports::{
        Disburser, GatewayInvoiceRequest, Invoice, PaymentGateway, PayoutBatch,
        PayoutBatchAccepted, PayoutStatus, PortError, RefundAccepted, RefundRequest,
    };
    use patungan_engine::store::Store;
    use patungan_engine::{Engine, EngineConfig, Ports};
    use patungan_memory::{MemoryDisburser, MemoryGateway, MemoryShipping};

    #[derive(Default)]
    pub struct Flaky {
        pub gateway: MemoryGateway,
        pub disburser: MemoryDisburser,
        pub down: AtomicBool,
        pub invoices_down: AtomicBool,
        /// The wait an outage's error asks for (`Retry-After`).
        pub wait: std::sync::Mutex<Option<std::time::Duration>>,
    }

    impl Flaky {
        fn outage(&self, operation: &'static str) -> Result<(), PortError> {
            let flag = if operation == "create_invoice" {
                &self.invoices_down
            } else {
                &self.down
            };
            if flag.load(Ordering::SeqCst) {
                let mut error = PortError::retryable("test", operation, "SERVER_ERROR", "outage");
                error.retry_after = *self.wait.lock().unwrap();
                return Err(error);
            }
            Ok(())
        }
    }

    #[async_trait]
    impl PaymentGateway for Flaky {
        async fn create_invoice(
            &self,
            request: &GatewayInvoiceRequest,
        ) -> Result<Invoice, PortError> {
            self.outage("create_invoice")?;
            self.gateway.create_invoice(request).await
        }
        async fn expire_invoice(
            &self,
            payment_id: PaymentId,
            provider_invoice_id: Option<&str>,
        ) -> Result<(), PortError> {
            self.gateway
                .expire_invoice(payment_id, provider_invoice_id)
                .await
        }
        async fn refund(&self, request: &RefundRequest) -> Result<RefundAccepted, PortError> {
            self.outage("refund")?;
            self.gateway.refund(request).await
        }
    }

    pub struct Payouts(pub Arc<Flaky>);

    #[async_trait]
    impl Disburser for Payouts {
        async fn submit_batch(
            &self,
            batch: &PayoutBatch,
        ) -> Result<PayoutBatchAccepted, PortError> {
            self.0.outage("submit_batch")?;
            self.0.disburser.submit_batch(batch).await
        }
        async fn payout_status(&self, external_id: &str) -> Result<PayoutStatus, PortError> {
            self.0.outage("payout_status")?;
            self.0.disburser.payout_status(external_id).await
        }
    }

    pub fn engine(store: Arc<dyn Store>, flaky: &Arc<Flaky>) -> Engine {
        Engine::new(
            store,
            Ports {
                gateway: flaky.clone(),
                disburser: Arc::new(Payouts(flaky.clone())),
                shipping: Arc::new(MemoryShipping::default()),
                notifier: Arc::new(patungan_memory::MemoryNotifier::default()),
                factory: Arc::new(patungan_memory::MemoryFactory::default()),
            },
            EngineConfig::default(),
        )
    }
}

/// A provider that answers "try again in 10 minutes" (HTTP 429 or 503 with
/// `Retry-After`) is not called again before then: the runner's own backoff (a
/// quarter of a second after a first failure) would have called it at once.
pub async fn a_provider_asking_to_wait_is_not_called_again_before_then(fixture: Arc<dyn Fixture>) {
    use std::sync::atomic::Ordering;
    let flaky = Arc::new(outage::Flaky::default());
    *flaky.wait.lock().unwrap() = Some(std::time::Duration::from_secs(600));
    flaky.invoices_down.store(true, Ordering::SeqCst);
    let engine = outage::engine(fixture.open().await, &flaky);
    let session = SessionId::from_u128(1);
    engine
        .create_session(session, config(BotPolicy::disabled()), at(0, 0))
        .await
        .unwrap();
    engine.join(session, &join(1, 10), at(1, 0)).await.unwrap();
    let first = engine.run_effects(at(1, 0)).await.unwrap();
    assert_eq!(first.retried, 1, "the invoice's creation failed retryably");
    flaky.invoices_down.store(false, Ordering::SeqCst);
    let early = engine.run_effects(at(1, 5)).await.unwrap();
    assert_eq!(
        early.done + early.retried + early.failed,
        0,
        "not due before 01:10"
    );
    assert!(flaky.gateway.invoices().is_empty());
    let due = engine.run_effects(at(1, 10)).await.unwrap();
    assert_eq!(due.done, 1);
    assert_eq!(flaky.gateway.invoices().len(), 1);
}

/// Runs the effect runner through an outage much longer than the retry budget.
async fn through_an_outage(engine: &patungan_engine::Engine, flaky: &outage::Flaky, from: u32) {
    use std::sync::atomic::Ordering;
    flaky.down.store(true, Ordering::SeqCst);
    for minute in 0..30 {
        engine.run_effects(at(from, minute * 2)).await.unwrap();
    }
    flaky.down.store(false, Ordering::SeqCst);
    engine.run_effects(at(from + 1, 0)).await.unwrap();
}

/// Simulation seed 1236 (with gateway error rates above 50%): the runner gave up on
/// a refund after its retry budget; the refund stayed posted as pending out of the
/// session's escrow and was never sent, so the buyer's money was stranded.
pub async fn a_refund_is_retried_through_an_outage_until_the_gateway_takes_it(
    fixture: Arc<dyn Fixture>,
) {
    let flaky = std::sync::Arc::new(outage::Flaky::default());
    let engine = outage::engine(fixture.open().await, &flaky);
    let session = SessionId::from_u128(1);
    engine
        .create_session(session, config(BotPolicy::disabled()), at(0, 0))
        .await
        .unwrap();
    engine.join(session, &join(1, 10), at(1, 0)).await.unwrap();
    engine.run_effects(at(1, 0)).await.unwrap();
    let invoice = flaky.gateway.invoices()[0].request.payment_id;
    let paid = flaky.gateway.pay(invoice, at(1, 10)).unwrap();
    engine
        .handle_notification(
            &patungan_core::notices::ProviderNotification::Payment(paid),
            at(1, 10),
        )
        .await
        .unwrap();
    engine.tick(at(12, 0)).await.unwrap(); // fails (10 of 100): a full refund is due
    through_an_outage(&engine, &flaky, 12).await;
    assert_eq!(
        flaky.gateway.refunds().len(),
        1,
        "the refund reached the gateway"
    );
    for n in flaky.gateway.settle_refunds() {
        engine
            .handle_notification(
                &patungan_core::notices::ProviderNotification::Refund(n),
                at(14, 0),
            )
            .await
            .unwrap();
    }
    assert!(engine.reconcile(at(23, 59)).await.unwrap().is_clean());
}

/// Simulation seed 2848 (with disburser error rates above 50%): the runner gave up
/// on a payout batch; its withdrawals stayed in the batch with their holds open,
/// never paid out and never returned to the wallet.
pub async fn a_payout_batch_is_retried_through_an_outage_until_the_disburser_takes_it(
    fixture: Arc<dyn Fixture>,
) {
    use patungan_core::wallet::{BankAccount, WithdrawalRequest};
    let flaky = std::sync::Arc::new(outage::Flaky::default());
    let engine = outage::engine(fixture.open().await, &flaky);
    let user = patungan_core::UserId::from_u128(9);
    engine
        .deposit(user, Money::idr(100_000), uuid::Uuid::from_u128(1))
        .await
        .unwrap();
    engine
        .request_withdrawal(WithdrawalRequest {
            id: patungan_core::WithdrawalId::from_u128(5),
            user,
            amount: Money::idr(50_000),
            destination: BankAccount {
                bank_code: "BCA".into(),
                account_number: "1234567890".into(),
                holder_name: "Siti Aminah".into(),
            },
            requested_at: at(1, 0), // Tuesday 24 Nov 2026, 08:00 WIB
        })
        .await
        .unwrap();
    assert_eq!(engine.tick(at(3, 0)).await.unwrap().payout_batches, 1);
    through_an_outage(&engine, &flaky, 3).await;
    assert_eq!(
        flaky.disburser.payouts().len(),
        1,
        "the batch reached the disburser"
    );
}

/// Simulation (about one seed in two, e.g. seed 3 counted it): a participant left
/// (or the session settled) while its invoice creation was backing off; the invoice
/// expiry ran first and found no invoice, then the invoice was created and stayed
/// payable for a participant who was gone (the payment was then refunded as late).
pub async fn no_invoice_is_created_for_a_participant_who_is_no_longer_pending(
    fixture: Arc<dyn Fixture>,
) {
    use std::sync::atomic::Ordering;
    let flaky = std::sync::Arc::new(outage::Flaky::default());
    let engine = outage::engine(fixture.open().await, &flaky);
    let session = SessionId::from_u128(1);
    engine
        .create_session(session, config(BotPolicy::disabled()), at(0, 0))
        .await
        .unwrap();
    let request = join(1, 10);
    engine.join(session, &request, at(1, 0)).await.unwrap();
    flaky.invoices_down.store(true, Ordering::SeqCst);
    assert_eq!(engine.run_effects(at(1, 0)).await.unwrap().retried, 1);
    flaky.invoices_down.store(false, Ordering::SeqCst);
    // The shopper leaves before the invoice exists; its expiry is due before the
    // invoice's retry.
    engine
        .leave(session, request.participant, at(1, 0))
        .await
        .unwrap();
    engine.run_effects(at(1, 0)).await.unwrap();
    engine.run_effects(at(1, 5)).await.unwrap();
    let invoice = flaky.gateway.invoice(request.payment);
    assert!(
        invoice
            .as_ref()
            .is_none_or(|i| i.status != patungan_memory::InvoiceStatus::Pending),
        "an invoice is payable for a participant who left: {invoice:?}"
    );
}
