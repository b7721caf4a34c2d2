//! Orders (docs/domain.md §11) as a sans-IO book: one per paid real participant of a
//! confirmed session, moving `created` → `ready_to_ship` → `shipment_booked` →
//! `in_transit` → `delivered`, with `cancelled` and `returned` as the other endings.
//! [`Order::advance`] refuses any other move; [`Order::shipment_update`] applies what
//! the shipping provider reports, through the translation table [`translate`].

use serde::{Deserialize, Serialize};

use crate::ids::{OrderId, ParticipantId, SessionId, UserId};
use crate::ledger::derive_uuid;
use crate::session::OrderRequest;
use crate::shipments::{Hold, Shipping};

/// A shipment status as the shipping provider reports it.
pub use crate::tasks::shipping::ShipmentStatus;

/// The purpose tag of order ids: `derive_uuid(participant, ORDER_ID_PURPOSE)`.
pub const ORDER_ID_PURPOSE: u64 = 0xE002 << 48;

/// How many times a shipment is booked before an operator decides (§11).
pub const MAX_BOOKINGS: u32 = 3;

/// The order id of a participant's order (one order per participant).
pub fn order_id(participant: ParticipantId) -> OrderId {
    OrderId::from_uuid(derive_uuid(*participant.as_uuid(), ORDER_ID_PURPOSE))
}

/// Where an order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Created at the session's confirmation.
    Created,
    /// Its units are reserved; a shipment can be booked.
    ReadyToShip,
    /// The provider has the shipment (the order id is its idempotency key).
    ShipmentBooked,
    /// On its way to the buyer.
    InTransit,
    /// At the buyer's door.
    Delivered,
    /// Cancelled before a shipment was booked.
    Cancelled,
    /// Came back (or was disposed of) instead of being delivered.
    Returned,
}

impl OrderStatus {
    /// The snake_case name used in JSON.
    pub const fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Created => "created",
            OrderStatus::ReadyToShip => "ready_to_ship",
            OrderStatus::ShipmentBooked => "shipment_booked",
            OrderStatus::InTransit => "in_transit",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::Returned => "returned",
        }
    }

    /// Whether no further move is possible.
    pub const fn is_final(self) -> bool {
        matches!(
            self,
            OrderStatus::Delivered | OrderStatus::Cancelled | OrderStatus::Returned
        )
    }

    /// Whether an order may move from `self` to `to` (another status).
    pub const fn may_move_to(self, to: OrderStatus) -> bool {
        use OrderStatus as S;
        matches!(
            (self, to),
            (S::Created, S::ReadyToShip | S::Cancelled)
                | (S::ReadyToShip, S::ShipmentBooked | S::Cancelled)
                | (S::ShipmentBooked, S::InTransit | S::Delivered | S::Returned)
                | (S::InTransit, S::Delivered | S::Returned)
        )
    }
}

/// What a provider status means for the order (§11's table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "action", content = "status", rename_all = "snake_case")]
pub enum Translation {
    /// The order moves to this status.
    MoveTo(OrderStatus),
    /// The booking failed: book the shipment again (an operator decides after
    /// [`MAX_BOOKINGS`] bookings).
    BookAgain,
    /// Not in the table (`on_hold`, `cancelled`): the order stays where it is.
    Ignore,
}

/// The translation table of docs/domain.md §11.
pub const fn translate(status: ShipmentStatus) -> Translation {
    use ShipmentStatus as P;
    match status {
        P::Confirmed | P::Allocated | P::PickingUp | P::Picked => {
            Translation::MoveTo(OrderStatus::ShipmentBooked)
        }
        P::DroppingOff => Translation::MoveTo(OrderStatus::InTransit),
        P::Delivered => Translation::MoveTo(OrderStatus::Delivered),
        P::Rejected | P::CourierNotFound => Translation::BookAgain,
        P::ReturnInTransit | P::Returned | P::Disposed => {
            Translation::MoveTo(OrderStatus::Returned)
        }
        P::OnHold | P::Cancelled => Translation::Ignore,
    }
}

/// What an accepted move or shipment update did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum OrderChange {
    /// The order moved.
    Moved {
        /// Its status before.
        from: OrderStatus,
        /// Its status now.
        to: OrderStatus,
    },
    /// Nothing changed (the same status again, or a status the table ignores).
    Unchanged,
    /// The booking failed; the order is ready to ship again and a new booking is due.
    BookAgain {
        /// The number of the booking to make, from 2.
        booking: u32,
    },
    /// The booking failed [`MAX_BOOKINGS`] times: an operator decides.
    AwaitOperator,
}

/// Why an order transition was refused; nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OrderError {
    /// The move is not in the order lifecycle.
    #[error("order {order} cannot move from {from:?} to {to:?}")]
    IllegalMove {
        /// The order.
        order: OrderId,
        /// Its status.
        from: OrderStatus,
        /// The status asked for.
        to: OrderStatus,
    },
    /// The provider reported a failed booking for an order that has none.
    #[error("order {order} is {status:?}: no booking to fail")]
    NotBooked {
        /// The order.
        order: OrderId,
        /// Its status.
        status: OrderStatus,
    },
    /// A stored order's id does not derive from its participant.
    #[error("order {order} does not belong to its participant")]
    WrongId {
        /// The stored id.
        order: OrderId,
    },
    /// An amount of the order could not be computed (overflow, currency).
    #[error(transparent)]
    Money(#[from] crate::money::MoneyError),
    /// An operator action for an order that does not wait for an operator.
    #[error("order {order} is {status:?} and does not wait for an operator")]
    NotAwaitingOperator {
        /// The order.
        order: OrderId,
        /// Its status.
        status: OrderStatus,
    },
}

impl OrderError {
    /// A stable machine-readable code.
    pub const fn code(&self) -> &'static str {
        match self {
            OrderError::IllegalMove { .. } => "order.illegal_move",
            OrderError::NotBooked { .. } => "order.not_booked",
            OrderError::WrongId { .. } => "order.wrong_id",
            OrderError::NotAwaitingOperator { .. } => "order.not_awaiting_operator",
            OrderError::Money(e) => e.code(),
        }
    }
}

/// The order of one paid real participant of a confirmed session.
///
/// ```
/// use patungan_core::orders::{Order, OrderChange, OrderStatus, ShipmentStatus};
/// # use patungan_core::session::OrderRequest;
/// # use patungan_core::*;
/// # let cost = CostBreakdown::for_join(&JoinCostInput {
/// #     quantity: 1, group_price: Money::idr(100), moq: Moq::new(10)?,
/// #     bulk_shipping_cost: Money::idr(0), courier_price: Money::idr(0),
/// #     gateway_fee_rate: BasisPoints::new(0),
/// # })?;
/// # let request = OrderRequest {
/// #     participant: ParticipantId::from_u128(1), user: UserId::from_u128(2), variant: None,
/// #     quantity: 1, paid_unit_price: Money::idr(100), final_unit_price: Money::idr(100),
/// #     cashback: Money::idr(0), payment: PaymentId::from_u128(3), cost,
/// # };
/// let mut order = Order::create(SessionId::from_u128(9), request);
/// order.advance(OrderStatus::ReadyToShip)?;
/// order.advance(OrderStatus::ShipmentBooked)?;
/// assert_eq!(order.shipment_update(ShipmentStatus::Picked)?, OrderChange::Unchanged);
/// order.shipment_update(ShipmentStatus::DroppingOff)?;
/// assert_eq!(order.status(), OrderStatus::InTransit);
/// assert_eq!(order.advance(OrderStatus::Created).unwrap_err().code(), "order.illegal_move");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "OrderState", into = "OrderState")]
pub struct Order {
    pub(crate) id: OrderId,
    pub(crate) session: SessionId,
    pub(crate) request: OrderRequest,
    pub(crate) status: OrderStatus,
    pub(crate) bookings: u32,
    pub(crate) shipping: Shipping,
}

#[derive(Serialize, Deserialize)]
struct OrderState {
    id: OrderId,
    session: SessionId,
    request: OrderRequest,
    status: OrderStatus,
    #[serde(default)]
    bookings: u32,
    #[serde(default)]
    shipping: Shipping,
}

impl TryFrom<OrderState> for Order {
    type Error = OrderError;

    fn try_from(state: OrderState) -> Result<Self, Self::Error> {
        Order::restore(
            state.id,
            state.session,
            state.request,
            state.status,
            state.bookings,
        )
        .map(|order| order.with_shipping(state.shipping))
    }
}

impl From<Order> for OrderState {
    fn from(order: Order) -> Self {
        OrderState {
            id: order.id,
            session: order.session,
            request: order.request,
            status: order.status,
            bookings: order.bookings,
            shipping: order.shipping,
        }
    }
}

impl Order {
    /// The order the session asked for (a `create_order` effect), `created`, its id
    /// derived from the participant ([`order_id`]).
    pub fn create(session: SessionId, request: OrderRequest) -> Order {
        Order {
            id: order_id(request.participant),
            session,
            request,
            status: OrderStatus::Created,
            bookings: 0,
            shipping: Shipping::default(),
        }
    }

    /// An order as a store kept it; refused when its id is not the one its
    /// participant derives ([`order_id`]).
    pub fn restore(
        id: OrderId,
        session: SessionId,
        request: OrderRequest,
        status: OrderStatus,
        bookings: u32,
    ) -> Result<Order, OrderError> {
        if id != order_id(request.participant) {
            return Err(OrderError::WrongId { order: id });
        }
        Ok(Order {
            id,
            session,
            request,
            status,
            bookings,
            shipping: Shipping::default(),
        })
    }

    /// The order with its shipping state as a store kept it.
    pub fn with_shipping(mut self, shipping: Shipping) -> Order {
        self.shipping = shipping;
        self
    }

    /// The order id.
    pub const fn id(&self) -> OrderId {
        self.id
    }

    /// The session.
    pub const fn session(&self) -> SessionId {
        self.session
    }

    /// The participant.
    pub const fn participant(&self) -> ParticipantId {
        self.request.participant
    }

    /// The buyer.
    pub const fn user(&self) -> UserId {
        self.request.user
    }

    /// What the session asked for: variant, units, prices, cashback, payment.
    pub const fn request(&self) -> &OrderRequest {
        &self.request
    }

    /// Where it stands.
    pub const fn status(&self) -> OrderStatus {
        self.status
    }

    /// Shipments booked so far.
    pub const fn bookings(&self) -> u32 {
        self.bookings
    }

    /// Whether an operator must decide before its shipment is booked: failed bookings
    /// used up the allowance ([`MAX_BOOKINGS`]), or there is no recipient to book for.
    pub const fn awaits_operator(&self) -> bool {
        matches!(self.status, OrderStatus::ReadyToShip) && self.shipping.hold.is_some()
    }

    /// Moves the order to `to`. The same status again is [`OrderChange::Unchanged`];
    /// a move outside the lifecycle is refused. Booking a shipment counts a booking.
    pub fn advance(&mut self, to: OrderStatus) -> Result<OrderChange, OrderError> {
        let from = self.status;
        if from == to {
            return Ok(OrderChange::Unchanged);
        }
        if !from.may_move_to(to) {
            return Err(OrderError::IllegalMove {
                order: self.id,
                from,
                to,
            });
        }
        if to == OrderStatus::ShipmentBooked && from == OrderStatus::ReadyToShip {
            self.bookings = self.bookings.saturating_add(1);
        }
        self.status = to;
        Ok(OrderChange::Moved { from, to })
    }

    /// Applies a status the shipping provider reported for the order's shipment
    /// ([`translate`]). A status behind the order's own (a late webhook) is refused
    /// like any illegal move. A failed booking puts the order back to
    /// `ready_to_ship`, for a new booking or, after [`MAX_BOOKINGS`], an operator.
    pub fn shipment_update(&mut self, status: ShipmentStatus) -> Result<OrderChange, OrderError> {
        match translate(status) {
            Translation::MoveTo(to) => self.advance(to),
            Translation::Ignore => Ok(OrderChange::Unchanged),
            Translation::BookAgain => self.booking_failed(),
        }
    }

    fn booking_failed(&mut self) -> Result<OrderChange, OrderError> {
        match self.status {
            OrderStatus::ShipmentBooked => {
                self.status = OrderStatus::ReadyToShip;
                self.shipping.shipment = None;
                Ok(self.after_failed_booking())
            }
            // The same failure reported again.
            OrderStatus::ReadyToShip if self.bookings > 0 => Ok(OrderChange::Unchanged),
            status => Err(OrderError::NotBooked {
                order: self.id,
                status,
            }),
        }
    }

    pub(crate) fn after_failed_booking(&mut self) -> OrderChange {
        if self.bookings >= self.shipping.booking_limit {
            self.shipping.hold = Some(Hold::BookingsFailed);
            OrderChange::AwaitOperator
        } else {
            OrderChange::BookAgain {
                booking: self.bookings.saturating_add(1),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::CostBreakdown;
    use crate::money::Money;
    use crate::PaymentId;

    fn request() -> OrderRequest {
        OrderRequest {
            participant: ParticipantId::from_u128(1),
            user: UserId::from_u128(2),
            variant: None,
            quantity: 2,
            paid_unit_price: Money::idr(100),
            final_unit_price: Money::idr(90),
            cashback: Money::idr(20),
            payment: PaymentId::from_u128(3),
            cost: CostBreakdown {
                quantity: 2,
                product: Money::idr(200),
                leg1_per_unit: Money::idr(0),
                leg1: Money::idr(0),
                leg2: Money::idr(0),
                gateway_fee: Money::idr(0),
                total: Money::idr(200),
            },
        }
    }

    fn booked() -> Order {
        let mut order = Order::create(SessionId::from_u128(9), request());
        order.advance(OrderStatus::ReadyToShip).unwrap();
        order.advance(OrderStatus::ShipmentBooked).unwrap();
        order
    }

    #[test]
    fn the_order_id_derives_from_the_participant() {
        let order = Order::create(SessionId::from_u128(9), request());
        assert_eq!(order.id(), order_id(ParticipantId::from_u128(1)));
        assert_eq!(
            order.id().to_string(),
            OrderId::from_uuid(derive_uuid(
                *ParticipantId::from_u128(1).as_uuid(),
                0xE002 << 48
            ))
            .to_string()
        );
        assert_eq!(
            (order.participant(), order.user()),
            (ParticipantId::from_u128(1), UserId::from_u128(2))
        );
    }

    #[test]
    fn the_lifecycle_refuses_other_moves() {
        use OrderStatus as S;
        let all = [
            S::Created,
            S::ReadyToShip,
            S::ShipmentBooked,
            S::InTransit,
            S::Delivered,
            S::Cancelled,
            S::Returned,
        ];
        for from in all {
            for to in all {
                if from.is_final() && from != to {
                    assert!(!from.may_move_to(to), "{from:?} → {to:?}");
                }
                if to < from && !matches!(to, S::Cancelled | S::Returned) {
                    assert!(!from.may_move_to(to), "{from:?} → {to:?}");
                }
            }
        }
        let mut order = booked();
        let before = order.clone();
        let e = order.advance(S::Cancelled).unwrap_err();
        assert_eq!(e.code(), "order.illegal_move");
        assert_eq!(order, before);
        assert_eq!(
            order.advance(S::ShipmentBooked).unwrap(),
            OrderChange::Unchanged
        );
        assert_eq!(
            order.advance(S::Delivered).unwrap(),
            OrderChange::Moved {
                from: S::ShipmentBooked,
                to: S::Delivered
            }
        );
    }

    #[test]
    fn the_translation_table() {
        use ShipmentStatus as P;
        for p in [P::Confirmed, P::Allocated, P::PickingUp, P::Picked] {
            assert_eq!(
                translate(p),
                Translation::MoveTo(OrderStatus::ShipmentBooked)
            );
        }
        assert_eq!(
            translate(P::DroppingOff),
            Translation::MoveTo(OrderStatus::InTransit)
        );
        assert_eq!(
            translate(P::Delivered),
            Translation::MoveTo(OrderStatus::Delivered)
        );
        for p in [P::Rejected, P::CourierNotFound] {
            assert_eq!(translate(p), Translation::BookAgain);
        }
        for p in [P::ReturnInTransit, P::Returned, P::Disposed] {
            assert_eq!(translate(p), Translation::MoveTo(OrderStatus::Returned));
        }
        for p in [P::OnHold, P::Cancelled] {
            assert_eq!(translate(p), Translation::Ignore);
        }
    }

    #[test]
    fn failed_bookings_are_booked_again_then_go_to_an_operator() {
        let mut order = booked();
        let change = order.shipment_update(ShipmentStatus::Rejected).unwrap();
        assert_eq!(change, OrderChange::BookAgain { booking: 2 });
        assert_eq!(order.status(), OrderStatus::ReadyToShip);
        assert_eq!(
            order.shipment_update(ShipmentStatus::Rejected).unwrap(),
            OrderChange::Unchanged
        );
        order.advance(OrderStatus::ShipmentBooked).unwrap();
        order
            .shipment_update(ShipmentStatus::CourierNotFound)
            .unwrap();
        order.advance(OrderStatus::ShipmentBooked).unwrap();
        assert_eq!(
            order.shipment_update(ShipmentStatus::Rejected).unwrap(),
            OrderChange::AwaitOperator
        );
        assert!(order.awaits_operator());
        let mut fresh = Order::create(SessionId::from_u128(9), request());
        assert_eq!(
            fresh
                .shipment_update(ShipmentStatus::Rejected)
                .unwrap_err()
                .code(),
            "order.not_booked"
        );
    }

    #[test]
    fn a_shipment_the_order_no_longer_wants_is_cancelled_at_the_provider() {
        use crate::shipments::{BookedShipment, FulfilmentStep};
        let shipment = |id: &str| BookedShipment {
            provider_order_id: id.into(),
            waybill_id: None,
            price: None,
            status: ShipmentStatus::Confirmed,
        };
        let cancelled_for = |steps: &[FulfilmentStep]| match steps {
            [FulfilmentStep::CancelBooking(c)] => Some(c.provider_order_id.clone()),
            _ => None,
        };
        let mut cancelled = Order::create(SessionId::from_u128(9), request());
        cancelled.advance(OrderStatus::ReadyToShip).unwrap();
        cancelled.cancel().unwrap();
        let late = cancelled.booked(1, shipment("ship_1")).unwrap();
        assert_eq!(late.change, OrderChange::Unchanged);
        assert_eq!(cancelled_for(&late.steps).as_deref(), Some("ship_1"));
        assert_eq!(cancelled.status(), OrderStatus::Cancelled);

        let mut live = Order::create(SessionId::from_u128(9), request());
        live.advance(OrderStatus::ReadyToShip).unwrap();
        live.booked(1, shipment("ship_2")).unwrap();
        assert_eq!(live.status(), OrderStatus::ShipmentBooked);
        let again = live.booked(1, shipment("ship_2")).unwrap();
        assert!(
            again.steps.is_empty(),
            "its own shipment again changes nothing"
        );
        let second = live.booked(1, shipment("ship_3")).unwrap();
        assert_eq!(cancelled_for(&second.steps).as_deref(), Some("ship_3"));
    }

    #[test]
    fn late_webhooks_are_refused_and_returns_end_it() {
        let mut order = booked();
        order.shipment_update(ShipmentStatus::DroppingOff).unwrap();
        assert_eq!(
            order
                .shipment_update(ShipmentStatus::Picked)
                .unwrap_err()
                .code(),
            "order.illegal_move"
        );
        order
            .shipment_update(ShipmentStatus::ReturnInTransit)
            .unwrap();
        assert_eq!(
            order.shipment_update(ShipmentStatus::Returned).unwrap(),
            OrderChange::Unchanged
        );
        assert!(order.status().is_final());
    }

    #[test]
    fn serde_checks_the_id() {
        let order = booked();
        let json = serde_json::to_value(&order).unwrap();
        assert_eq!(json["status"], "shipment_booked");
        assert_eq!(
            serde_json::from_value::<Order>(json.clone()).unwrap(),
            order
        );
        let mut wrong = json;
        wrong["id"] = serde_json::json!(OrderId::from_u128(5));
        assert!(serde_json::from_value::<Order>(wrong).is_err());
    }
}
