//! Shipments (docs/domain.md §11): booking a ready order's parcel at the shipping
//! provider, and what the provider's reports do to the order, its stock and money.
//!
//! The order book ([`crate::orders`]) holds the lifecycle; the methods here turn each
//! accepted change into a [`Fulfilment`]: typed steps the host performs in the same
//! transaction (stock to move, postings to execute, a booking to make). Booking
//! number `n` of an order is made under [`booking_key`]`(order, n)`, so repeating a
//! booking after a lost answer books nothing new.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ids::{OrderId, VariantId};
use crate::ledger::{derive_uuid, Chart, OrderRefund, Posting};
use crate::money::{Money, MoneyError};
use crate::orders::{Order, OrderChange, OrderError, OrderStatus, ShipmentStatus, MAX_BOOKINGS};
use crate::quotes::{Delivery, Destination, Recipient};
use crate::stock::OrderStock;
use crate::tasks::shipping::ShipmentCancellation;

/// The purpose tag of booking keys (see [`booking_key`]).
pub const BOOKING_KEY_PURPOSE: u64 = 0xE004 << 48;

/// The key of booking `booking` (from 1) of `order`: the outbox id of its call and
/// what tells one booking of the order from the next.
pub fn booking_key(order: OrderId, booking: u32) -> Uuid {
    derive_uuid(*order.as_uuid(), BOOKING_KEY_PURPOSE | u64::from(booking))
}

/// A shipment booked at the provider for an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookedShipment {
    /// The provider's id of the shipment (what its webhooks name).
    pub provider_order_id: String,
    /// The courier's waybill, once known.
    pub waybill_id: Option<String>,
    /// The price the provider charges, once known.
    pub price: Option<Money>,
    /// The provider's latest status.
    pub status: ShipmentStatus,
}

/// What the provider reports about a booked shipment (a webhook).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentReport {
    /// The status reached.
    pub status: ShipmentStatus,
    /// The waybill, when the report carries it.
    pub waybill_id: Option<String>,
    /// The price, when the report carries it.
    pub price: Option<Money>,
}

/// A shipment report that arrived before the booking it is about was recorded (the
/// provider answered the booking, but its answer is not stored yet): kept, then
/// applied in arrival order once the booking is recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParkedReport {
    /// The notification's dedup key (its row key).
    pub id: String,
    /// The provider's id of the shipment it is about.
    pub provider_order_id: String,
    /// What it reports.
    pub report: ShipmentReport,
    /// When it arrived.
    pub received_at: chrono::DateTime<chrono::Utc>,
    /// Whether it has been applied to its order.
    pub applied: bool,
}

/// Why an order waits for an operator before its shipment is booked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Hold {
    /// The participant's join named no recipient (or no quote): nobody to book for.
    NoRecipient,
    /// The allowed bookings all failed (rejected, no courier found, refused).
    BookingsFailed,
}

impl Hold {
    /// The snake_case name used in JSON and storage.
    pub const fn as_str(self) -> &'static str {
        match self {
            Hold::NoRecipient => "no_recipient",
            Hold::BookingsFailed => "bookings_failed",
        }
    }
}

/// An order's shipping state next to its status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shipping {
    /// The shipment of the latest booking, while it stands.
    pub shipment: Option<BookedShipment>,
    /// Why it waits for an operator, if it does.
    pub hold: Option<Hold>,
    /// Bookings allowed before an operator decides: [`MAX_BOOKINGS`], one more for
    /// each operator retry.
    pub booking_limit: u32,
}

impl Default for Shipping {
    fn default() -> Self {
        Shipping {
            shipment: None,
            hold: None,
            booking_limit: MAX_BOOKINGS,
        }
    }
}

/// A booking to make at the shipping provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Booking {
    /// The order.
    pub order: OrderId,
    /// Its number, from 1.
    pub booking: u32,
    /// [`booking_key`] of the order and the number.
    pub key: Uuid,
    /// The variant shipped.
    pub variant: Option<VariantId>,
    /// Units shipped.
    pub units: u64,
    /// Declared value per unit: what the buyer pays for it.
    pub unit_value: Money,
    /// Where it goes.
    pub destination: Destination,
    /// Who receives it.
    pub recipient: Recipient,
    /// The quoted courier.
    pub courier: String,
    /// The quoted service.
    pub service: String,
}

/// One thing the host does after an order's shipment changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum FulfilmentStep {
    /// Book the shipment again: [`Order::plan_booking`] gives the booking.
    Book,
    /// Move the order's units in its product's stock.
    Stock(OrderStock),
    /// Execute a posting (the courier paid).
    Post(Posting),
    /// Refund the buyer's wallet ([`Chart::order_refund`], with what the warehouse
    /// account holds).
    Refund(OrderRefund),
    /// Cancel a shipment booked at the provider that the order does not want (its
    /// answer came after the order was cancelled, held or booked otherwise): left
    /// standing, a courier would still come for it.
    CancelBooking(ShipmentCancellation),
}

/// What an accepted change did and what the host does next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fulfilment {
    /// The change.
    pub change: OrderChange,
    /// The steps, in order.
    pub steps: Vec<FulfilmentStep>,
}

impl Fulfilment {
    fn unchanged() -> Fulfilment {
        Fulfilment {
            change: OrderChange::Unchanged,
            steps: Vec::new(),
        }
    }
}

impl Order {
    /// Its shipping state.
    pub const fn shipping(&self) -> &Shipping {
        &self.shipping
    }

    /// The next booking of a ready order with `delivery` (the participant's quoted
    /// choice). Without a delivery or a recipient the order waits for an operator
    /// instead (`None`), as it does once its bookings are used up. Refused unless
    /// the order is ready to ship.
    pub fn plan_booking(
        &mut self,
        delivery: Option<&Delivery>,
    ) -> Result<Option<Booking>, OrderError> {
        if self.status != OrderStatus::ReadyToShip {
            return Err(OrderError::IllegalMove {
                order: self.id,
                from: self.status,
                to: OrderStatus::ShipmentBooked,
            });
        }
        if self.shipping.hold.is_some() {
            return Ok(None);
        }
        let Some((delivery, recipient)) =
            delivery.and_then(|d| d.recipient.as_ref().map(|r| (d, r)))
        else {
            self.shipping.hold = Some(Hold::NoRecipient);
            return Ok(None);
        };
        let booking = self.bookings.saturating_add(1);
        Ok(Some(Booking {
            order: self.id,
            booking,
            key: booking_key(self.id, booking),
            variant: self.request.variant,
            units: self.request.quantity,
            unit_value: self.request.final_unit_price,
            destination: delivery.destination.clone(),
            recipient: recipient.clone(),
            courier: delivery.offer.courier.clone(),
            service: delivery.offer.service.clone(),
        }))
    }

    /// Whether booking number `booking` is still the one to make: the order is ready
    /// to ship, no operator holds it, and no later booking was made.
    pub fn wants_booking(&self, booking: u32) -> bool {
        self.status == OrderStatus::ReadyToShip
            && self.shipping.hold.is_none()
            && self.bookings.saturating_add(1) == booking
    }

    /// The provider booked `booking` as `shipment`: the order moves to
    /// `shipment_booked`. The answer again for the order's standing shipment changes
    /// nothing; a shipment the order does not want (booked for an order cancelled
    /// or held meanwhile, or a second shipment of one booking) is cancelled at the
    /// provider.
    pub fn booked(
        &mut self,
        booking: u32,
        shipment: BookedShipment,
    ) -> Result<Fulfilment, OrderError> {
        if !self.wants_booking(booking) {
            let standing = self.shipping.shipment.as_ref();
            if standing.is_some_and(|s| s.provider_order_id == shipment.provider_order_id) {
                return Ok(Fulfilment::unchanged());
            }
            let cancel = ShipmentCancellation {
                order: self.id,
                provider_order_id: shipment.provider_order_id,
                reason: format!("order {} no longer wants booking {booking}", self.id),
            };
            return Ok(Fulfilment {
                change: OrderChange::Unchanged,
                steps: vec![FulfilmentStep::CancelBooking(cancel)],
            });
        }
        let change = self.advance(OrderStatus::ShipmentBooked)?;
        self.shipping.shipment = Some(shipment);
        Ok(Fulfilment {
            change,
            steps: Vec::new(),
        })
    }

    /// The provider refused `booking` for good: it counts as a failed booking, so
    /// the order is booked again or, with its bookings used up, waits for an operator.
    pub fn booking_refused(&mut self, booking: u32) -> Fulfilment {
        if !self.wants_booking(booking) {
            return Fulfilment::unchanged();
        }
        self.bookings = booking;
        let change = self.after_failed_booking();
        Fulfilment {
            steps: book_again(change),
            change,
        }
    }

    /// Applies what the provider reports about the order's shipment: its waybill and
    /// price are kept, and its status moves the order as [`crate::orders::translate`]
    /// says. A parcel leaving the warehouse takes its units out of stock; a delivered
    /// one pays its courier (`chart`); a returned one pays its courier, puts the units
    /// back on hand and refunds the goods to the buyer's wallet. A status behind the
    /// order's own is refused ([`OrderError::IllegalMove`]); nothing changed then.
    pub fn report(
        &mut self,
        report: &ShipmentReport,
        chart: &Chart,
    ) -> Result<Fulfilment, OrderError> {
        if self.shipping.shipment.is_none() {
            // No shipment stands (its booking failed, or none was made yet).
            return Ok(Fulfilment::unchanged());
        }
        let before = self.clone();
        let change = match self.shipment_update(report.status) {
            Ok(change) => change,
            Err(e) => {
                *self = before;
                return Err(e);
            }
        };
        if let Some(shipment) = &mut self.shipping.shipment {
            shipment.status = report.status;
            if report.waybill_id.is_some() {
                shipment.waybill_id.clone_from(&report.waybill_id);
            }
            if report.price.is_some() {
                shipment.price = report.price;
            }
        }
        let steps = match change {
            OrderChange::Moved { from, to } => match self.moved(from, to, chart) {
                Ok(steps) => steps,
                Err(e) => {
                    *self = before;
                    return Err(e.into());
                }
            },
            OrderChange::BookAgain { .. } | OrderChange::AwaitOperator => book_again(change),
            OrderChange::Unchanged => Vec::new(),
        };
        Ok(Fulfilment { change, steps })
    }

    /// An operator books a waiting order once more (its recipient fixed, or its
    /// failed bookings looked into).
    pub fn operator_retry(&mut self) -> Result<Fulfilment, OrderError> {
        if !self.awaits_operator() {
            return Err(OrderError::NotAwaitingOperator {
                order: self.id,
                status: self.status,
            });
        }
        self.shipping.hold = None;
        self.shipping.booking_limit = self
            .bookings
            .saturating_add(1)
            .max(self.shipping.booking_limit);
        Ok(Fulfilment {
            change: OrderChange::Unchanged,
            steps: vec![FulfilmentStep::Book],
        })
    }

    /// An operator cancels an order that has not shipped: its reservation is released
    /// and the buyer's wallet gets back the goods and the courier price.
    pub fn cancel(&mut self) -> Result<Fulfilment, OrderError> {
        let from = self.status;
        let refund = self.refund(self.request.cost.leg2)?;
        let change = self.advance(OrderStatus::Cancelled)?;
        if change == OrderChange::Unchanged {
            return Ok(Fulfilment::unchanged());
        }
        self.shipping.hold = None;
        let mut steps = Vec::new();
        if from == OrderStatus::ReadyToShip {
            steps.push(FulfilmentStep::Stock(OrderStock::Unreserve {
                variant: self.request.variant,
                units: self.request.quantity,
            }));
        }
        steps.push(FulfilmentStep::Refund(refund));
        Ok(Fulfilment { change, steps })
    }

    /// The goods' price the buyer paid: final unit price × units.
    pub fn goods_amount(&self) -> Result<Money, MoneyError> {
        self.request
            .final_unit_price
            .checked_mul_qty(self.request.quantity)
    }

    fn refund(&self, courier: Money) -> Result<OrderRefund, MoneyError> {
        Ok(OrderRefund {
            order: self.id,
            user: self.request.user,
            goods: self.goods_amount()?,
            courier,
        })
    }

    fn moved(
        &self,
        from: OrderStatus,
        to: OrderStatus,
        chart: &Chart,
    ) -> Result<Vec<FulfilmentStep>, MoneyError> {
        let (variant, units) = (self.request.variant, self.request.quantity);
        let mut steps = Vec::new();
        if from == OrderStatus::ShipmentBooked {
            steps.push(FulfilmentStep::Stock(OrderStock::Ship { variant, units }));
        }
        if matches!(to, OrderStatus::Delivered | OrderStatus::Returned) {
            steps.push(FulfilmentStep::Post(
                chart.courier_paid(self.id, self.request.cost.leg2),
            ));
        }
        if to == OrderStatus::Returned {
            steps.push(FulfilmentStep::Stock(OrderStock::Return { variant, units }));
            let zero = Money::zero(self.request.cost.leg2.currency());
            steps.push(FulfilmentStep::Refund(self.refund(zero)?));
        }
        Ok(steps)
    }
}

fn book_again(change: OrderChange) -> Vec<FulfilmentStep> {
    match change {
        OrderChange::BookAgain { .. } => vec![FulfilmentStep::Book],
        _ => Vec::new(),
    }
}
