//! Shipments: the driver books ready orders at the shipping port, applies what the
//! provider reports and carries out operator decisions. Every decision is the core's
//! order book ([`patungan_core::shipments`]); this module loads, calls and persists.

use chrono::{DateTime, Utc};
use patungan_core::ledger::ChartAccount;
use patungan_core::orders::{Order, OrderError};
use patungan_core::quotes::Delivery;
use patungan_core::session::SessionConfig;
use patungan_core::shipments::ParkedReport;
use patungan_core::shipments::{BookedShipment, Fulfilment, FulfilmentStep, ShipmentReport};
use patungan_core::{Money, OrderId};

use super::notifications::Handled;
use super::tick::update_stock;
use super::Engine;
use crate::error::EngineError;
use crate::ledger_ws;
use crate::ports::{Shipment, ShipmentRequest, Tracking};
use crate::store::{EffectId, RowQuery, StoreTx};
use patungan_core::notices::ShipmentNotification;
use patungan_core::tasks::Task;

impl Engine {
    /// Queues the next booking of `order` (stored by the caller afterwards): the
    /// order plans it from the participant's delivery, or waits for an operator.
    pub(crate) async fn queue_booking(
        &self,
        tx: &mut dyn StoreTx,
        order: &mut Order,
        config: &SessionConfig,
        now: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        let delivery = tx.get::<Delivery>(order.participant()).await?;
        if let Some(booking) = order.plan_booking(delivery.as_ref())? {
            let key = EffectId(booking.key);
            let task = Task::BookShipment {
                booking: booking.booking,
                request: ShipmentRequest::for_booking(
                    &booking,
                    config,
                    self.config.warehouse.clone(),
                ),
            };
            tx.queue(key, task, now).await?;
        }
        Ok(())
    }

    /// Books the shipment of a recorded order (a confirmation's step).
    pub(crate) async fn book_recorded_order(
        &self,
        tx: &mut dyn StoreTx,
        order: OrderId,
        config: &SessionConfig,
        now: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        let mut stored = tx
            .get::<Order>(order)
            .await?
            .ok_or(EngineError::UnknownOrder(order))?;
        self.queue_booking(tx, &mut stored, config, now).await?;
        Ok(tx.put(stored).await?)
    }

    /// The provider booked `booking` of an order: the order records its shipment.
    pub(crate) async fn shipment_booked(
        &self,
        tx: &mut dyn StoreTx,
        request: &ShipmentRequest,
        booking: u32,
        shipment: Shipment,
        config: Option<&SessionConfig>,
        now: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        let Some(mut order) = tx.get::<Order>(request.order_id).await? else {
            return Ok(());
        };
        let provider_order_id = shipment.provider_order_id.clone();
        let booked = BookedShipment {
            provider_order_id: shipment.provider_order_id,
            waybill_id: shipment.waybill_id,
            price: shipment.price,
            status: shipment.status,
        };
        let fulfilment = order.booked(booking, booked)?;
        if fulfilment.change == patungan_core::orders::OrderChange::Unchanged {
            // Nothing for the order; a shipment it does not want is cancelled.
            if let Some(config) = config {
                self.fulfil(tx, &mut order, fulfilment, config, now).await?;
            }
            return Ok(());
        }
        if let Some(config) = config {
            self.apply_parked(tx, &mut order, &provider_order_id, config, now)
                .await?;
        }
        Ok(tx.put(order).await?)
    }

    /// Applies, in arrival order, the reports about `provider_order_id` that came
    /// before its booking was recorded (a report behind the order's status changes
    /// nothing), and marks them applied.
    async fn apply_parked(
        &self,
        tx: &mut dyn StoreTx,
        order: &mut Order,
        provider_order_id: &str,
        config: &SessionConfig,
        now: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        let query = RowQuery::ParkedReportsOf(provider_order_id.to_owned());
        let mut parked: Vec<ParkedReport> = tx.find(query).await?;
        parked.sort_by(|a, b| (a.received_at, &a.id).cmp(&(b.received_at, &b.id)));
        for mut report in parked {
            match order.report(&report.report, &self.chart) {
                Ok(fulfilment) => self.fulfil(tx, order, fulfilment, config, now).await?,
                Err(OrderError::IllegalMove { .. }) => {}
                Err(e) => return Err(e.into()),
            }
            report.applied = true;
            tx.put(report).await?;
        }
        Ok(())
    }

    /// The provider refused `booking` of an order for good: booked again, or left to
    /// an operator once the bookings are used up. `config` is the order's session's
    /// ([`Engine::booking_config`], read before `tx` began: a read outside `tx`
    /// while it is open may wait for it).
    pub(crate) async fn shipment_refused(
        &self,
        tx: &mut dyn StoreTx,
        request: &ShipmentRequest,
        booking: u32,
        config: &SessionConfig,
        now: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        let Some(mut order) = tx.get::<Order>(request.order_id).await? else {
            return Ok(());
        };
        let fulfilment = order.booking_refused(booking);
        self.fulfil(tx, &mut order, fulfilment, config, now).await?;
        Ok(tx.put(order).await?)
    }

    /// A shipment report from the provider (a webhook), applied once: the order of
    /// the standing shipment with that provider id moves as the core decides; a
    /// report behind the order's status is recorded and ignored. A report for no
    /// recorded shipment is kept ([`Handled::Deferred`]) and applied when a booking
    /// with that provider id is recorded (its answer may still be on its way).
    pub(crate) async fn apply_shipment_report(
        &self,
        dedup_key: &str,
        n: &ShipmentNotification,
        now: DateTime<Utc>,
    ) -> Result<Handled, EngineError> {
        let query = RowQuery::OrderOfShipment(n.provider_order_id.clone());
        // The order's session configuration is read before the transaction (a read
        // outside it while it is open may wait for it); a booking recorded between
        // the two reads is read again.
        for _ in 0..2 {
            let found: Vec<Order> = self.store.read_all(query.clone()).await?;
            let config = match found.first() {
                Some(order) => Some(self.order_config(order).await?),
                None => None,
            };
            let mut tx = self.store.begin().await?;
            if !tx.inbox_insert(dedup_key, now).await? {
                return Ok(Handled::Duplicate);
            }
            let report = ShipmentReport {
                status: n.status,
                waybill_id: n.waybill_id.clone(),
                price: n.price,
            };
            let locked: Vec<Order> = tx.find(query.clone()).await?;
            let handled = match (locked.into_iter().next(), config) {
                (Some(mut order), Some(config)) => {
                    let handled = match order.report(&report, &self.chart) {
                        Ok(fulfilment) => {
                            self.fulfil(&mut *tx, &mut order, fulfilment, &config, now)
                                .await?;
                            tx.put(order).await?;
                            Handled::Applied
                        }
                        Err(e @ OrderError::IllegalMove { .. }) => Handled::Ignored(e.to_string()),
                        Err(e) => return Err(e.into()),
                    };
                    handled
                }
                (Some(_), None) => continue,
                (None, _) => {
                    tx.put(ParkedReport {
                        id: dedup_key.to_owned(),
                        provider_order_id: n.provider_order_id.clone(),
                        report,
                        received_at: now,
                        applied: false,
                    })
                    .await?;
                    Handled::Deferred
                }
            };
            tx.commit().await?;
            return Ok(handled);
        }
        Err(EngineError::Inconsistent(format!(
            "the order of shipment {} kept changing while its report was applied",
            n.provider_order_id
        )))
    }

    /// An operator books a waiting order once more (after fixing its recipient, or
    /// looking into its failed bookings).
    pub async fn retry_shipment(
        &self,
        order: OrderId,
        now: DateTime<Utc>,
    ) -> Result<Order, EngineError> {
        self.operator_action(order, now, Order::operator_retry)
            .await
    }

    /// An operator cancels an order that has not shipped: its units go back to free
    /// stock and the buyer's wallet gets the goods and courier price back.
    pub async fn cancel_order(
        &self,
        order: OrderId,
        now: DateTime<Utc>,
    ) -> Result<Order, EngineError> {
        self.operator_action(order, now, Order::cancel).await
    }

    /// Orders waiting for an operator before their shipment can be booked.
    pub async fn orders_awaiting_operator(&self) -> Result<Vec<Order>, EngineError> {
        Ok(self
            .store
            .read_all(RowQuery::OrdersAwaitingOperator)
            .await?)
    }

    /// An order by id.
    pub async fn order_by_id(&self, order: OrderId) -> Result<Order, EngineError> {
        self.store
            .read::<Order>(order)
            .await?
            .ok_or(EngineError::UnknownOrder(order))
    }

    /// The tracking of an order's standing shipment, fetched from the provider now;
    /// `None` while no shipment stands.
    pub async fn tracking(&self, order: OrderId) -> Result<Option<Tracking>, EngineError> {
        let order = self.order_by_id(order).await?;
        let Some(shipment) = &order.shipping().shipment else {
            return Ok(None);
        };
        let tracking = self
            .ports
            .shipping
            .tracking(&shipment.provider_order_id)
            .await?;
        Ok(Some(tracking))
    }

    async fn operator_action(
        &self,
        order: OrderId,
        now: DateTime<Utc>,
        action: fn(&mut Order) -> Result<Fulfilment, OrderError>,
    ) -> Result<Order, EngineError> {
        let config = self.order_config(&self.order_by_id(order).await?).await?;
        let mut tx = self.store.begin().await?;
        let mut stored = tx
            .get::<Order>(order)
            .await?
            .ok_or(EngineError::UnknownOrder(order))?;
        let fulfilment = action(&mut stored)?;
        self.fulfil(&mut *tx, &mut stored, fulfilment, &config, now)
            .await?;
        tx.put(stored.clone()).await?;
        tx.commit().await?;
        Ok(stored)
    }

    /// Performs the steps of an accepted order change inside `tx`.
    async fn fulfil(
        &self,
        tx: &mut dyn StoreTx,
        order: &mut Order,
        fulfilment: Fulfilment,
        config: &SessionConfig,
        now: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        for step in fulfilment.steps {
            match step {
                FulfilmentStep::Book => self.queue_booking(tx, order, config, now).await?,
                FulfilmentStep::Stock(movement) => {
                    update_stock(tx, config.product, |stock| stock.move_order_units(movement))
                        .await?;
                }
                FulfilmentStep::Post(posting) => ledger_ws::execute(tx, &posting, &[]).await?,
                FulfilmentStep::Refund(refund) => self.refund_order(tx, &refund).await?,
                FulfilmentStep::CancelBooking(cancellation) => {
                    let id = EffectId(cancellation.outbox_id());
                    let task = Task::CancelShipment { cancellation };
                    tx.queue(id, task, now).await?;
                }
            }
        }
        Ok(())
    }

    /// Credits an order refund to the buyer's wallet, the warehouse paying what it
    /// holds (read in the same locked working set) and platform funding the rest.
    async fn refund_order(
        &self,
        tx: &mut dyn StoreTx,
        refund: &patungan_core::ledger::OrderRefund,
    ) -> Result<(), EngineError> {
        let chart = self.chart;
        let specs = [
            chart.spec(ChartAccount::Warehouse),
            chart.spec(ChartAccount::PlatformFunding),
            chart.spec(ChartAccount::CourierPayable),
            chart.spec(ChartAccount::Wallet(refund.user)),
        ];
        let warehouse = chart.id(ChartAccount::Warehouse);
        ledger_ws::with_ledger(tx, &specs, &refund.transfer_ids(), |ledger| {
            let available = match ledger.account(warehouse) {
                Some(account) => account.available().map_err(OrderError::from)?,
                None => Money::zero(refund.goods.currency()),
            };
            let posting = chart
                .order_refund(refund, available)
                .map_err(OrderError::from)?;
            ledger.execute(&posting)?;
            Ok(())
        })
        .await
    }

    /// The configuration of `order`'s session, if the order exists: what recording
    /// a failed booking needs, read before its transaction.
    pub(crate) async fn booking_config(
        &self,
        order: OrderId,
    ) -> Result<Option<SessionConfig>, EngineError> {
        match self.store.read::<Order>(order).await? {
            Some(order) => Ok(Some(self.order_config(&order).await?)),
            None => Ok(None),
        }
    }

    /// The configuration of an order's session (its product and parcel).
    async fn order_config(&self, order: &Order) -> Result<SessionConfig, EngineError> {
        self.read_session(order.session(), |s, _| s.state().config().clone())
            .await
    }
}
