//! Shipments: a confirmed order is booked at the shipping port with its quoted
//! courier and recipient, moved by the provider's webhooks to its doorstep (its units
//! leave stock, its courier is paid), booked again when refused, left to an operator
//! after three refusals, and refunded when cancelled or returned.

use std::sync::Arc;

use patungan_core::ledger::ChartAccount;
use patungan_core::orders::{order_id, Order, OrderStatus};
use patungan_core::quotes::{Destination, QuoteChoice, QuoteRequest};
use patungan_core::session::{SessionGrosir, SessionStatus};
use patungan_core::{
    BotPolicy, GrosirConfig, Money, Moq, OrderId, ParticipantId, ProductId, QuoteId, SessionId,
    UserId, VariantBundle, VariantId,
};

use super::quotes::recipient;
use super::{at, config, join, Fixture, World};
use patungan_core::notices::ProviderNotification;
use patungan_engine::ports::ShipmentStatus;
use patungan_engine::Handled;
use patungan_engine::StockRecord;
use patungan_memory::FaultConfig;

const PRODUCT: ProductId = ProductId::from_u128(77);
/// A product without a bundle.
const PLAIN: ProductId = ProductId::from_u128(78);
const SIZE: VariantId = VariantId::from_u128(5);
const ID: SessionId = SessionId::from_u128(1);
const UNITS: u64 = 6;

fn order() -> OrderId {
    order_id(ParticipantId::from_u128(1001))
}

/// One buyer's quoted join of 6 units with a recipient, paid, settled, the purchase
/// order received: the session is confirmed and the order ready to ship.
async fn confirmed(w: &World) {
    let mut c = config(BotPolicy::disabled());
    c.product = PRODUCT;
    c.moq = Moq::new(4).unwrap();
    c.grosir = Some(SessionGrosir {
        bundle: GrosirConfig::new(vec![VariantBundle::new(SIZE, 2, 10)]).unwrap(),
        factory_unit_cost: Money::idr(40_000),
    });
    w.engine.create_session(ID, c, at(0, 0)).await.unwrap();
    let quote = QuoteRequest {
        id: QuoteId::from_u128(1),
        user: UserId::from_u128(1),
        destination: Destination::PostalCode("40115".to_owned()),
        variant: Some(SIZE),
        quantity: UNITS,
    };
    w.engine.quote(ID, quote, at(0, 50)).await.unwrap();
    let mut request = join(1, UNITS);
    request.variant = Some(SIZE);
    let choice = QuoteChoice {
        quote: QuoteId::from_u128(1),
        courier: "jne".to_owned(),
        service: "reg".to_owned(),
        recipient: Some(recipient()),
    };
    w.engine
        .join_quoted(ID, &request, &choice, at(1, 0))
        .await
        .unwrap();
    w.engine.run_effects(at(1, 0)).await.unwrap();
    w.pay_all(at(1, 10)).await;
    w.engine.tick(at(12, 0)).await.unwrap();
    w.engine.stock_received(ID, at(13, 0)).await.unwrap();
    let session = w.engine.session(ID).await.unwrap().session;
    assert_eq!(session.status(), SessionStatus::Confirmed);
}

async fn stored(w: &World) -> Order {
    w.engine.order_by_id(order()).await.unwrap()
}

async fn report(w: &World, status: ShipmentStatus, minute: u32) -> Handled {
    let n = w
        .shipping
        .report(order(), status)
        .expect("a booked shipment");
    w.engine
        .handle_notification(&ProviderNotification::Shipment(n), at(14, minute))
        .await
        .unwrap()
}

async fn stock(w: &World) -> (u64, u64) {
    let stock = w.store.read::<StockRecord>(PRODUCT).await.unwrap().unwrap();
    let line = stock.line(Some(SIZE));
    (line.on_hand, line.reserved)
}

async fn net(w: &World, account: ChartAccount) -> Money {
    let ledger = w.engine.ledger().await.unwrap();
    let id = w.engine.chart().id(account);
    ledger
        .account(id)
        .map_or(Money::idr(0), |a| a.available().unwrap())
}

/// The whole way to the doorstep: the booking carries the quoted courier and the
/// recipient, webhooks move the order (a duplicate and a late one change nothing),
/// the units leave stock as the parcel leaves, and delivery pays the courier.
pub async fn a_confirmed_order_is_booked_and_delivered_and_its_courier_paid(
    fixture: Arc<dyn Fixture>,
) {
    let w = World::new(fixture).await;
    confirmed(&w).await;
    assert_eq!(stored(&w).await.status(), OrderStatus::ReadyToShip);
    w.engine.run_effects(at(13, 1)).await.unwrap();
    let order = stored(&w).await;
    assert_eq!(order.status(), OrderStatus::ShipmentBooked);
    let booked = w.shipping.shipments();
    assert_eq!(booked.len(), 1);
    let (request, _) = &booked[0];
    assert_eq!(request.destination.name, recipient().name);
    assert_eq!(
        request.destination.location.postal_code.as_deref(),
        Some("40115")
    );
    assert_eq!(
        (request.courier_code.as_str(), request.service_code.as_str()),
        ("jne", "reg")
    );
    let courier = order.request().cost.leg2;
    assert!(!courier.is_zero());
    let (on_hand, reserved) = stock(&w).await;
    assert_eq!(reserved, UNITS);

    assert_eq!(
        report(&w, ShipmentStatus::Picked, 1).await,
        Handled::Applied
    );
    assert_eq!(stored(&w).await.status(), OrderStatus::ShipmentBooked);
    assert_eq!(
        report(&w, ShipmentStatus::DroppingOff, 2).await,
        Handled::Applied
    );
    assert_eq!(
        report(&w, ShipmentStatus::DroppingOff, 3).await,
        Handled::Duplicate
    );
    assert_eq!(stored(&w).await.status(), OrderStatus::InTransit);
    assert_eq!(stock(&w).await, (on_hand - UNITS, 0));

    assert_eq!(
        report(&w, ShipmentStatus::Delivered, 4).await,
        Handled::Applied
    );
    assert_eq!(stored(&w).await.status(), OrderStatus::Delivered);
    assert_eq!(net(&w, ChartAccount::CourierPayable).await, Money::idr(0));
    assert_eq!(net(&w, ChartAccount::SupplierPayouts).await, courier);
    let late = report(&w, ShipmentStatus::PickingUp, 5).await;
    assert!(matches!(late, Handled::Ignored(_)), "{late:?}");
    assert_eq!(stored(&w).await.status(), OrderStatus::Delivered);
    assert_eq!(net(&w, ChartAccount::SupplierPayouts).await, courier);
    assert!(w.engine.reconcile(at(23, 59)).await.unwrap().is_clean());
}

/// Three refused bookings leave the order to an operator; a retry books it once
/// more; the parcel then comes back: its units return on hand, the courier is paid
/// and the buyer's wallet gets the goods' price.
pub async fn refused_bookings_go_to_an_operator_and_a_returned_parcel_is_refunded(
    fixture: Arc<dyn Fixture>,
) {
    let w = World::new(fixture).await;
    confirmed(&w).await;
    for attempt in 1..=3u32 {
        w.engine.run_effects(at(14, 10 * attempt)).await.unwrap();
        assert_eq!(stored(&w).await.bookings(), attempt);
        report(&w, ShipmentStatus::Rejected, 10 * attempt + 1).await;
        assert_eq!(stored(&w).await.status(), OrderStatus::ReadyToShip);
    }
    w.engine.run_effects(at(14, 35)).await.unwrap();
    assert_eq!(
        w.shipping.shipments().len(),
        3,
        "no fourth booking on its own"
    );
    let waiting = w.engine.orders_awaiting_operator().await.unwrap();
    assert_eq!(waiting.iter().map(Order::id).collect::<Vec<_>>(), [order()]);

    w.engine.retry_shipment(order(), at(14, 40)).await.unwrap();
    w.engine.run_effects(at(14, 41)).await.unwrap();
    assert_eq!(stored(&w).await.status(), OrderStatus::ShipmentBooked);
    assert!(w
        .engine
        .orders_awaiting_operator()
        .await
        .unwrap()
        .is_empty());
    let retried = w.engine.retry_shipment(order(), at(14, 42)).await;
    assert_eq!(retried.unwrap_err().code(), "order.not_awaiting_operator");

    let (on_hand, _) = stock(&w).await;
    let goods = stored(&w).await.goods_amount().unwrap();
    report(&w, ShipmentStatus::DroppingOff, 43).await;
    report(&w, ShipmentStatus::Returned, 44).await;
    assert_eq!(stored(&w).await.status(), OrderStatus::Returned);
    assert_eq!(stock(&w).await, (on_hand, 0), "the units are back on hand");
    let wallet = ChartAccount::Wallet(UserId::from_u128(1));
    let cashback = stored(&w).await.request().cashback;
    let expected = goods.checked_add(cashback).unwrap();
    assert_eq!(net(&w, wallet).await, expected);
    assert_eq!(net(&w, ChartAccount::CourierPayable).await, Money::idr(0));
    assert!(w.engine.reconcile(at(23, 59)).await.unwrap().is_clean());
}

/// An operator cancels an order waiting for a booking: the reservation is released
/// and the buyer's wallet gets the goods and the courier price back, once.
pub async fn a_cancelled_order_releases_its_units_and_refunds_goods_and_courier(
    fixture: Arc<dyn Fixture>,
) {
    let w = World::new(fixture).await;
    confirmed(&w).await;
    let (on_hand, reserved) = stock(&w).await;
    assert_eq!(reserved, UNITS);
    let order_before = stored(&w).await;
    let cancelled = w.engine.cancel_order(order(), at(13, 5)).await.unwrap();
    assert_eq!(cancelled.status(), OrderStatus::Cancelled);
    assert_eq!(stock(&w).await, (on_hand, 0));
    let request = order_before.request();
    let expected = order_before
        .goods_amount()
        .unwrap()
        .checked_add(request.cost.leg2)
        .unwrap()
        .checked_add(request.cashback)
        .unwrap();
    let wallet = ChartAccount::Wallet(UserId::from_u128(1));
    assert_eq!(net(&w, wallet).await, expected);
    let again = w.engine.cancel_order(order(), at(13, 6)).await.unwrap();
    assert_eq!(again.status(), OrderStatus::Cancelled);
    assert_eq!(net(&w, wallet).await, expected);
    // The booking queued at confirmation finds the order cancelled: nothing booked.
    w.engine.run_effects(at(13, 7)).await.unwrap();
    assert!(w.shipping.shipments().is_empty());
    assert!(w.engine.reconcile(at(23, 59)).await.unwrap().is_clean());
}

/// An operator cancels an order while its booking is at the provider: the booking's
/// answer, recorded after the cancellation, is cancelled at the provider (left
/// standing, a courier would come for a parcel nobody pays for), once.
pub async fn a_booking_answered_after_its_order_was_cancelled_is_cancelled_at_the_provider(
    fixture: Arc<dyn Fixture>,
) {
    let w = World::new(fixture).await;
    confirmed(&w).await;
    let gate = Arc::new(gated::Gated::new(w.shipping.clone()));
    let ports = patungan_engine::Ports {
        shipping: gate.clone(),
        ..w.engine.ports().clone()
    };
    let engine = patungan_engine::Engine::new(w.store.clone(), ports, w.engine.config().clone());
    let run = engine.run_effects(at(13, 1));
    let cancel = async {
        gate.booked.notified().await;
        let cancelled = engine.cancel_order(order(), at(13, 1)).await.unwrap();
        assert_eq!(cancelled.status(), OrderStatus::Cancelled);
        gate.release.notify_one();
    };
    let (report, ()) = tokio::join!(run, cancel);
    report.unwrap();
    assert_eq!(stored(&w).await.status(), OrderStatus::Cancelled);
    let shipments = w.shipping.shipments();
    assert_eq!(shipments.len(), 1, "booked at the provider meanwhile");
    assert_eq!(shipments[0].1.status, ShipmentStatus::Confirmed);
    let report = engine.run_effects(at(13, 2)).await.unwrap();
    assert_eq!(report.done, 1, "the cancellation");
    assert_eq!(
        w.shipping.shipments()[0].1.status,
        ShipmentStatus::Cancelled
    );
    let again = engine.run_effects(at(13, 3)).await.unwrap();
    assert_eq!(again.done, 0, "cancelled once");
    assert!(engine.reconcile(at(23, 59)).await.unwrap().is_clean());
}

/// A shipping port that books through the in-memory provider, then holds the answer
/// until the test releases it.
mod gated {
    use std::sync::Arc;

    use async_trait::async_trait;
    use patungan_engine::ports::{
        CourierRate, PortError, RateRequest, Shipment, ShipmentCancellation, ShipmentRequest,
        ShippingProvider, Tracking,
    };
    use patungan_memory::MemoryShipping;
    use tokio::sync::Notify;

    pub struct Gated {
        inner: Arc<MemoryShipping>,
        /// Signalled once a booking reached the provider.
        pub booked: Notify,
        /// The booking's answer goes back once this is signalled.
        pub release: Notify,
    }

    impl Gated {
        pub fn new(inner: Arc<MemoryShipping>) -> Self {
            Gated {
                inner,
                booked: Notify::new(),
                release: Notify::new(),
            }
        }
    }

    #[async_trait]
    impl ShippingProvider for Gated {
        async fn rates(&self, request: &RateRequest) -> Result<Vec<CourierRate>, PortError> {
            self.inner.rates(request).await
        }
        async fn create_shipment(&self, request: &ShipmentRequest) -> Result<Shipment, PortError> {
            let shipment = self.inner.create_shipment(request).await;
            self.booked.notify_one();
            self.release.notified().await;
            shipment
        }
        async fn cancel_shipment(
            &self,
            cancellation: &ShipmentCancellation,
        ) -> Result<(), PortError> {
            self.inner.cancel_shipment(cancellation).await
        }
        async fn tracking(&self, provider_order_id: &str) -> Result<Tracking, PortError> {
            self.inner.tracking(provider_order_id).await
        }
    }
}

/// A booking the provider refuses for good (not a courier's rejection: the port call
/// itself) counts as a failed booking: the order is booked again at once, under the
/// next booking number. Regression: recording the refusal read the session's
/// configuration outside the runner's transaction, which on the in-memory store
/// waited for that transaction forever.
pub async fn a_booking_the_provider_refuses_for_good_is_booked_again(fixture: Arc<dyn Fixture>) {
    let w = World::new(fixture).await;
    confirmed(&w).await;
    w.shipping.refuse_bookings_with(Some("INVALID_AREA"));
    let run = w.engine.run_effects(at(13, 1));
    let report = tokio::time::timeout(std::time::Duration::from_secs(20), run)
        .await
        .expect("the runner finishes")
        .unwrap();
    assert_eq!(report.failed, 1, "{report:?}");
    let order = stored(&w).await;
    assert_eq!(order.status(), OrderStatus::ReadyToShip);
    assert_eq!(order.bookings(), 1);
    assert!(!order.awaits_operator());
    assert!(w.shipping.shipments().is_empty());
    w.shipping.refuse_bookings_with(None);
    w.engine.run_effects(at(13, 2)).await.unwrap();
    let order = stored(&w).await;
    assert_eq!(order.status(), OrderStatus::ShipmentBooked);
    assert_eq!(order.bookings(), 2);
    let booked = w.shipping.shipments();
    assert_eq!(booked.len(), 1);
    assert_eq!(booked[0].0.booking, 2);
}

/// A product without a bundle is confirmed at once and keeps nothing on hand: its
/// order is booked and delivered all the same (its parcel ships out of the
/// reservation), and the courier is paid.
pub async fn an_order_of_a_product_without_bundle_is_delivered(fixture: Arc<dyn Fixture>) {
    let w = World::new(fixture).await;
    let mut c = config(BotPolicy::disabled());
    c.product = PLAIN;
    c.moq = Moq::new(4).unwrap();
    w.engine.create_session(ID, c, at(0, 0)).await.unwrap();
    let quote = QuoteRequest {
        id: QuoteId::from_u128(1),
        user: UserId::from_u128(1),
        destination: Destination::PostalCode("40115".to_owned()),
        variant: None,
        quantity: UNITS,
    };
    w.engine.quote(ID, quote, at(0, 50)).await.unwrap();
    let choice = QuoteChoice {
        quote: QuoteId::from_u128(1),
        courier: "jne".to_owned(),
        service: "reg".to_owned(),
        recipient: Some(recipient()),
    };
    w.engine
        .join_quoted(ID, &join(1, UNITS), &choice, at(1, 0))
        .await
        .unwrap();
    w.engine.run_effects(at(1, 0)).await.unwrap();
    w.pay_all(at(1, 10)).await;
    w.engine.tick(at(12, 0)).await.unwrap();
    let session = w.engine.session(ID).await.unwrap().session;
    assert_eq!(session.status(), SessionStatus::Confirmed);
    w.engine.run_effects(at(13, 1)).await.unwrap();
    assert_eq!(stored(&w).await.status(), OrderStatus::ShipmentBooked);
    let courier = stored(&w).await.request().cost.leg2;
    for (status, minute) in [
        (ShipmentStatus::Picked, 1),
        (ShipmentStatus::DroppingOff, 2),
        (ShipmentStatus::Delivered, 3),
    ] {
        assert_eq!(report(&w, status, minute).await, Handled::Applied);
    }
    assert_eq!(stored(&w).await.status(), OrderStatus::Delivered);
    let stock = w.store.read::<StockRecord>(PLAIN).await.unwrap().unwrap();
    let line = stock.line(None);
    assert_eq!((line.on_hand, line.reserved), (0, 0));
    assert_eq!(net(&w, ChartAccount::SupplierPayouts).await, courier);
    assert!(w.engine.reconcile(at(23, 59)).await.unwrap().is_clean());
}

/// The provider booked the parcel but its answer was lost, and its webhooks arrive
/// before the booking is booked again: they are kept, not lost, and applied in order
/// once the repeated booking (same order, same shipment) is recorded.
pub async fn reports_ahead_of_their_booking_are_kept_and_applied_once_it_is_recorded(
    fixture: Arc<dyn Fixture>,
) {
    let w = World::new(fixture).await;
    confirmed(&w).await;
    w.shipping.set_faults(FaultConfig {
        lost_response_ppm: 1_000_000,
        ..FaultConfig::default()
    });
    w.engine.run_effects(at(13, 1)).await.unwrap();
    assert_eq!(stored(&w).await.status(), OrderStatus::ReadyToShip);
    assert_eq!(w.shipping.shipments().len(), 1, "booked at the provider");
    assert_eq!(
        report(&w, ShipmentStatus::Picked, 2).await,
        Handled::Deferred
    );
    assert_eq!(
        report(&w, ShipmentStatus::DroppingOff, 3).await,
        Handled::Deferred
    );
    assert_eq!(
        report(&w, ShipmentStatus::DroppingOff, 4).await,
        Handled::Duplicate,
        "a kept report is deduplicated like any other"
    );
    assert_eq!(stored(&w).await.status(), OrderStatus::ReadyToShip);

    w.shipping.set_faults(FaultConfig::default());
    w.engine.run_effects(at(15, 0)).await.unwrap();
    assert_eq!(
        w.shipping.shipments().len(),
        1,
        "the same booking, answered again"
    );
    assert_eq!(stored(&w).await.status(), OrderStatus::InTransit);
    let (on_hand, reserved) = stock(&w).await;
    assert_eq!(reserved, 0, "the parcel left stock ({on_hand} on hand)");
    assert_eq!(
        report(&w, ShipmentStatus::Delivered, 5).await,
        Handled::Applied
    );
    assert_eq!(stored(&w).await.status(), OrderStatus::Delivered);
    assert!(w.engine.reconcile(at(23, 59)).await.unwrap().is_clean());
}
