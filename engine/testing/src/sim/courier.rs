//! The shipping provider's side of fulfilment, played by the simulation: couriers
//! move booked shipments along seeded stories (picked up, dropping off, delivered;
//! rejected or no courier found, so the order is booked again; returned), and the
//! provider reports each move as a webhook (delayed, duplicated, reordered, and now
//! and then an earlier status replayed late). The provider may also refuse new
//! bookings for a while. An operator retries or cancels orders that wait for one.
//! What it must all add up to is checked at rest in `fulfilment.rs`.

use patungan_core::orders::{Order, OrderStatus};
use patungan_core::shipments::Hold;
use patungan_core::OrderId;

use super::driver::{bounded, Call, Check, Sim};
use patungan_core::notices::{ProviderNotification, ShipmentNotification};
use patungan_engine::ports::{Shipment, ShipmentStatus};

/// Error codes the provider refuses bookings with for good.
const BOOKING_REFUSALS: [&str; 3] = ["NO_COURIER_AVAILABLE", "INVALID_AREA", "REJECTED"];

/// Where the simulated courier has taken one shipment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Story {
    /// The order it was booked for.
    pub order: OrderId,
    /// The booking's number.
    pub booking: u32,
    /// Statuses reported so far, oldest first (booked as `confirmed`).
    pub reported: Vec<ShipmentStatus>,
}

impl Story {
    fn last(&self) -> ShipmentStatus {
        self.reported
            .last()
            .copied()
            .unwrap_or(ShipmentStatus::Confirmed)
    }

    /// Whether the courier is done with it.
    pub fn is_over(&self) -> bool {
        matches!(
            self.last(),
            ShipmentStatus::Delivered
                | ShipmentStatus::Returned
                | ShipmentStatus::Disposed
                | ShipmentStatus::Rejected
                | ShipmentStatus::CourierNotFound
        )
    }
}

/// What an operator does with an order waiting for one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decision {
    Retry,
    Cancel,
    Leave,
}

impl Sim {
    /// Every shipment booked at the provider has a story (new ones start booked).
    fn sync_stories(&mut self) {
        for (request, shipment) in self.world.shipping.shipments() {
            self.model
                .stories
                .entry(shipment.provider_order_id)
                .or_insert_with(|| Story {
                    order: request.order_id,
                    booking: request.booking,
                    reported: Vec::new(),
                });
        }
    }

    /// Whether the courier may move a shipment: the engine recorded its booking, or
    /// will never record it (a later booking was made, or the order is held or
    /// closed). A real provider would not wait; the simulation does, because a
    /// report for a booking not yet recorded is dropped (see the report).
    async fn movable(&self, story: &Story) -> Check<bool> {
        let order = self
            .row::<Order>(story.order)
            .await?
            .ok_or_else(|| format!("a shipment was booked for unknown order {}", story.order))?;
        Ok(order.bookings() >= story.booking || !order.wants_booking(story.booking))
    }

    /// A courier moves one shipment a step and the provider reports it.
    pub async fn courier(&mut self) -> Check {
        self.sync_stories();
        let open: Vec<String> = self
            .model
            .stories
            .iter()
            .filter(|(_, s)| !s.is_over())
            .map(|(id, _)| id.clone())
            .collect();
        let Some(id) = self.rng.pick(&open).cloned() else {
            return Ok(());
        };
        self.move_shipment(&id, false).await
    }

    /// Whether every shipment booked at the provider is over.
    pub fn couriers_idle(&mut self) -> bool {
        self.sync_stories();
        self.model.stories.values().all(Story::is_over)
    }

    /// At rest: every courier moves every shipment it may move a step (no more
    /// rejections).
    pub async fn couriers_finish(&mut self) -> Check {
        self.sync_stories();
        let open: Vec<String> = self
            .model
            .stories
            .iter()
            .filter(|(_, s)| !s.is_over())
            .map(|(id, _)| id.clone())
            .collect();
        for id in &open {
            self.move_shipment(id, true).await?;
        }
        Ok(())
    }

    async fn move_shipment(&mut self, id: &str, calm: bool) -> Check {
        let Some(story) = self.model.stories.get(id).cloned() else {
            return Ok(());
        };
        if !self.movable(&story).await? {
            return Ok(());
        }
        let next = self.next_status(story.last(), calm);
        if self.rng.chance(4) {
            // The courier holds it for a while: reported, nothing moves.
            self.report(id, ShipmentStatus::OnHold);
        }
        self.report(id, next);
        if let Some(earlier) = self.rng.pick(&story.reported).copied() {
            if self.rng.chance(10) {
                // An earlier report arrives again, after this one.
                self.stats.saw("shipment webhook replayed late");
                self.report(id, earlier);
            }
        }
        if let Some(story) = self.model.stories.get_mut(id) {
            story.reported.push(next);
        }
        self.note(format!("courier moves {id} to {next:?}"));
        Ok(())
    }

    /// The next status of a shipment at `last`: mostly forward to delivery; some
    /// bookings fail (rejected, no courier) unless `calm`, some parcels come back.
    fn next_status(&mut self, last: ShipmentStatus, calm: bool) -> ShipmentStatus {
        use ShipmentStatus as S;
        let roll = self.rng.below(100);
        match last {
            S::Confirmed if !calm && roll < 12 => S::Rejected,
            S::Confirmed if !calm && roll < 20 => S::CourierNotFound,
            S::Confirmed if roll < 50 => S::Allocated,
            S::Confirmed | S::Allocated => S::PickingUp,
            S::PickingUp if roll < 30 => S::DroppingOff,
            S::PickingUp => S::Picked,
            S::Picked if roll < 8 => S::ReturnInTransit,
            S::Picked => S::DroppingOff,
            S::DroppingOff if roll < 15 => S::ReturnInTransit,
            S::DroppingOff => S::Delivered,
            S::ReturnInTransit if roll < 15 => S::Disposed,
            _ => S::Returned,
        }
    }

    /// The provider sends a webhook about shipment `id` at `status`.
    fn report(&mut self, id: &str, status: ShipmentStatus) {
        let shipment: Option<Shipment> = self
            .world
            .shipping
            .shipments()
            .into_iter()
            .map(|(_, s)| s)
            .find(|s| s.provider_order_id == id);
        let Some(shipment) = shipment else {
            return;
        };
        self.stats.saw(&format!("shipment {status:?}"));
        self.send(ProviderNotification::Shipment(ShipmentNotification {
            provider_order_id: shipment.provider_order_id,
            status,
            waybill_id: shipment.waybill_id,
            price: shipment.price,
        }));
    }

    /// The provider starts or stops refusing new bookings for good.
    pub fn shipping_mood(&mut self) {
        if self.rng.chance(40) {
            let code = self.rng.pick(&BOOKING_REFUSALS).copied();
            self.world.shipping.refuse_bookings_with(code);
            self.stats.saw("shipping provider refuses bookings");
            self.note(format!(
                "shipping provider refuses new bookings with {code:?}"
            ));
        } else {
            self.shipping_recovers();
        }
    }

    /// The shipping provider books again (before quiescence, and at random).
    pub fn shipping_recovers(&mut self) {
        self.world.shipping.refuse_bookings_with(None);
        self.note("shipping provider books".to_owned());
    }

    /// An operator looks at one order waiting for them and retries its booking,
    /// cancels it, or leaves it for later.
    pub async fn operator(&mut self) -> Check {
        let waiting = self.awaiting_operator().await?;
        let Some(order) = self.rng.pick(&waiting).cloned() else {
            return Ok(());
        };
        let decision = match (order.shipping().hold, self.rng.below(100)) {
            (Some(Hold::BookingsFailed), 0..=49) | (_, 0..=9) => Decision::Retry,
            (_, 10..=59) => Decision::Cancel,
            _ => Decision::Leave,
        };
        self.decide(&order, decision).await
    }

    /// At rest: the operator decides each waiting order once more (a retry at most
    /// twice per order); an order left waiting is not looked at again.
    pub async fn operator_at_rest(&mut self) -> Check {
        for order in self.awaiting_operator().await? {
            if self.model.left_waiting.contains(&order.id()) {
                continue;
            }
            let retries = self
                .model
                .operator_retries
                .get(&order.id())
                .copied()
                .unwrap_or(0);
            let roll = self.rng.below(100);
            let decision = match order.shipping().hold {
                Some(Hold::BookingsFailed) if retries < 2 && roll < 50 => Decision::Retry,
                _ if roll < 80 => Decision::Cancel,
                _ => Decision::Leave,
            };
            if decision == Decision::Leave {
                self.model.left_waiting.insert(order.id());
            }
            self.decide(&order, decision).await?;
        }
        Ok(())
    }

    async fn awaiting_operator(&self) -> Check<Vec<Order>> {
        let waiting = self
            .world
            .observer
            .orders_awaiting_operator()
            .await
            .map_err(|e| format!("orders awaiting an operator: {e}"))?;
        if let Some(o) = waiting.iter().find(|o| !o.awaits_operator()) {
            return Err(format!(
                "order {} is listed as waiting for an operator but is {}",
                o.id(),
                o.status().as_str()
            ));
        }
        Ok(waiting)
    }

    async fn decide(&mut self, order: &Order, decision: Decision) -> Check {
        let id = order.id();
        let hold = order.shipping().hold.map_or("none", Hold::as_str);
        if decision == Decision::Leave {
            self.note(format!("operator leaves order {id} ({hold}) waiting"));
            return Ok(());
        }
        let r = self.replica();
        let fired = self.fired(r);
        let now = self.clock(r);
        let engine = self.world.engine(r);
        let result = match decision {
            Decision::Retry => bounded(engine.retry_shipment(id, now)).await?,
            _ => bounded(engine.cancel_order(id, now)).await?,
        };
        let what = format!("operator {decision:?} of order {id} ({hold})");
        match self.classify(r, fired, result).await? {
            Call::Done(after) => {
                let expected = match decision {
                    Decision::Retry => OrderStatus::ReadyToShip,
                    _ => OrderStatus::Cancelled,
                };
                if after.status() != expected {
                    return Err(format!("{what}: the order is {}", after.status().as_str()));
                }
                if decision == Decision::Retry {
                    *self.model.operator_retries.entry(id).or_insert(0) += 1;
                }
                self.stats.saw(&format!("operator {decision:?} ({hold})"));
                self.note(format!("{what}: ok"));
                Ok(())
            }
            Call::Refused(e) => Err(format!("{what} refused: {} ({e})", e.code())),
            Call::Faulted => {
                self.note(format!("{what}: interrupted"));
                Ok(())
            }
        }
    }
}
