//! What the shipping provider is asked (courier rates, bookings, tracking) and what
//! it answers, with its full list of shipment statuses.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::quotes::{CourierOffer, Destination, ParcelSpec, QuoteRequest};
use crate::session::SessionConfig;
use crate::shipments::Booking;
use crate::{Money, OrderId};

/// A place, by postal code, the provider's area id, or coordinates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Location {
    /// Postal code, e.g. `"12440"`.
    pub postal_code: Option<String>,
    /// The provider's area id.
    pub area_id: Option<String>,
    /// Latitude and longitude in degrees.
    pub coordinate: Option<(f64, f64)>,
}

/// A parcel's contents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParcelItem {
    /// What it is.
    pub name: String,
    /// Declared value per unit.
    pub value: Money,
    /// Units.
    pub quantity: u64,
    /// Weight per unit in grams.
    pub weight_grams: u32,
    /// Length, width and height in centimetres.
    pub dimensions_cm: Option<(u32, u32, u32)>,
}

/// Ask for courier prices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RateRequest {
    /// Where the parcel leaves from.
    pub origin: Location,
    /// Where it goes.
    pub destination: Location,
    /// Courier codes to ask, e.g. `["jne", "jnt", "sicepat", "anteraja"]`.
    pub couriers: Vec<String>,
    /// What is shipped.
    pub items: Vec<ParcelItem>,
}

/// One courier service's offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourierRate {
    /// Courier, e.g. `jne`.
    pub courier_code: String,
    /// Service, e.g. `reg`.
    pub service_code: String,
    /// Price of the shipment.
    pub price: Money,
    /// Delivery estimate as the provider words it, e.g. `"1 - 2 days"`.
    pub duration: String,
}

/// A person and address at one end of a shipment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    /// Name.
    pub name: String,
    /// Phone number.
    pub phone: String,
    /// Street address.
    pub address: String,
    /// Where it is.
    pub location: Location,
}

/// Book a shipment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShipmentRequest {
    /// Our order id: the provider's reference.
    pub order_id: OrderId,
    /// The booking's number for this order (from 1): a booking repeated under the
    /// same order id and number books nothing new.
    pub booking: u32,
    /// Sender.
    pub origin: Contact,
    /// Receiver.
    pub destination: Contact,
    /// Chosen courier.
    pub courier_code: String,
    /// Chosen service.
    pub service_code: String,
    /// Contents.
    pub items: Vec<ParcelItem>,
}

/// Where a shipment stands (the provider's full status list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShipmentStatus {
    /// Booked.
    Confirmed,
    /// A courier is assigned.
    Allocated,
    /// The courier is on the way to pick up.
    PickingUp,
    /// Picked up.
    Picked,
    /// On the way to the receiver.
    DroppingOff,
    /// Delivered.
    Delivered,
    /// Held by the courier.
    OnHold,
    /// Cancelled.
    Cancelled,
    /// Refused by the courier.
    Rejected,
    /// No courier could be found.
    CourierNotFound,
    /// Coming back to the sender.
    ReturnInTransit,
    /// Back at the sender.
    Returned,
    /// Disposed of.
    Disposed,
}

impl ShipmentStatus {
    /// Every status, in the provider's order.
    pub const ALL: [ShipmentStatus; 13] = [
        ShipmentStatus::Confirmed,
        ShipmentStatus::Allocated,
        ShipmentStatus::PickingUp,
        ShipmentStatus::Picked,
        ShipmentStatus::DroppingOff,
        ShipmentStatus::Delivered,
        ShipmentStatus::OnHold,
        ShipmentStatus::Cancelled,
        ShipmentStatus::Rejected,
        ShipmentStatus::CourierNotFound,
        ShipmentStatus::ReturnInTransit,
        ShipmentStatus::Returned,
        ShipmentStatus::Disposed,
    ];

    /// Its name in inbox keys (stable: keys already stored must keep matching).
    pub const fn key_name(self) -> &'static str {
        match self {
            ShipmentStatus::Confirmed => "Confirmed",
            ShipmentStatus::Allocated => "Allocated",
            ShipmentStatus::PickingUp => "PickingUp",
            ShipmentStatus::Picked => "Picked",
            ShipmentStatus::DroppingOff => "DroppingOff",
            ShipmentStatus::Delivered => "Delivered",
            ShipmentStatus::OnHold => "OnHold",
            ShipmentStatus::Cancelled => "Cancelled",
            ShipmentStatus::Rejected => "Rejected",
            ShipmentStatus::CourierNotFound => "CourierNotFound",
            ShipmentStatus::ReturnInTransit => "ReturnInTransit",
            ShipmentStatus::Returned => "Returned",
            ShipmentStatus::Disposed => "Disposed",
        }
    }

    /// Whether no further status will follow.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            ShipmentStatus::Delivered
                | ShipmentStatus::Cancelled
                | ShipmentStatus::Rejected
                | ShipmentStatus::CourierNotFound
                | ShipmentStatus::Returned
                | ShipmentStatus::Disposed
        )
    }
}

/// A booked shipment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shipment {
    /// The provider's id of the order.
    pub provider_order_id: String,
    /// The waybill, once known.
    pub waybill_id: Option<String>,
    /// Where it stands.
    pub status: ShipmentStatus,
    /// The price the provider charges.
    pub price: Option<Money>,
}

/// One step of a shipment's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackingEvent {
    /// The status reached.
    pub status: ShipmentStatus,
    /// When.
    pub at: DateTime<Utc>,
    /// The courier's note.
    pub note: String,
}

/// A shipment's tracking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tracking {
    /// The provider's tracking id.
    pub tracking_id: String,
    /// The waybill.
    pub waybill_id: Option<String>,
    /// The latest status.
    pub status: ShipmentStatus,
    /// Every step so far, oldest first.
    pub history: Vec<TrackingEvent>,
}

impl From<&Destination> for Location {
    /// Where a quoted destination is, as the provider reads it.
    fn from(destination: &Destination) -> Self {
        match destination {
            Destination::PostalCode(code) => Location {
                postal_code: Some(code.clone()),
                ..Location::default()
            },
            Destination::AreaId(id) => Location {
                area_id: Some(id.clone()),
                ..Location::default()
            },
        }
    }
}

impl From<CourierRate> for CourierOffer {
    /// A provider's rate as the quote book keeps it.
    fn from(rate: CourierRate) -> Self {
        CourierOffer {
            courier: rate.courier_code,
            service: rate.service_code,
            price: rate.price,
            duration: rate.duration,
        }
    }
}

impl ParcelItem {
    /// `quantity` units of a session's product, each declared at `value`, packed as
    /// the session's parcel (or the default parcel).
    pub fn of_session(config: &SessionConfig, value: Money, quantity: u64) -> Self {
        let parcel = config.parcel.unwrap_or(ParcelSpec::DEFAULT);
        ParcelItem {
            name: format!("product {}", config.product),
            value,
            quantity,
            weight_grams: parcel.weight_grams,
            dimensions_cm: parcel.dimensions_cm.map(|[l, w, h]| (l, w, h)),
        }
    }
}

impl RateRequest {
    /// The rates to ask for a quote of a session's product, sent from `origin` by
    /// `couriers`; the units are declared at the group price.
    pub fn for_quote(
        config: &SessionConfig,
        request: &QuoteRequest,
        origin: Location,
        couriers: Vec<String>,
    ) -> Self {
        let value = config.ladder.group_price();
        RateRequest {
            origin,
            destination: Location::from(&request.destination),
            couriers,
            items: vec![ParcelItem::of_session(config, value, request.quantity)],
        }
    }
}

impl ShipmentRequest {
    /// The request booking `booking` of an order of a session configured as
    /// `config`, sent from `warehouse`.
    pub fn for_booking(booking: &Booking, config: &SessionConfig, warehouse: Contact) -> Self {
        ShipmentRequest {
            order_id: booking.order,
            booking: booking.booking,
            origin: warehouse,
            destination: Contact {
                name: booking.recipient.name.clone(),
                phone: booking.recipient.phone.clone(),
                address: booking.recipient.address.clone(),
                location: Location::from(&booking.destination),
            },
            courier_code: booking.courier.clone(),
            service_code: booking.service.clone(),
            items: vec![ParcelItem::of_session(
                config,
                booking.unit_value,
                booking.units,
            )],
        }
    }
}

/// Cancel a booked shipment (before its courier picked it up).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentCancellation {
    /// Our order the shipment was booked for.
    pub order: OrderId,
    /// The provider's id of the shipment.
    pub provider_order_id: String,
    /// Why, in words the provider keeps.
    pub reason: String,
}

impl ShipmentCancellation {
    /// The id of its outbox entry: derived from the order and the shipment, so one
    /// shipment is cancelled once.
    pub fn outbox_id(&self) -> uuid::Uuid {
        uuid::Uuid::new_v5(self.order.as_uuid(), self.provider_order_id.as_bytes())
    }
}
