//! The shipping port: courier rates, shipment orders and tracking (leg 2, warehouse → buyer).

use async_trait::async_trait;

use crate::error::PortError;

pub use patungan_core::tasks::shipping::{
    Contact, CourierRate, Location, ParcelItem, RateRequest, Shipment, ShipmentCancellation,
    ShipmentRequest, ShipmentStatus, Tracking, TrackingEvent,
};

/// A shipping provider (Biteship, or the in-memory simulation).
#[async_trait]
pub trait ShippingProvider: Send + Sync {
    /// Courier prices for a parcel.
    async fn rates(&self, request: &RateRequest) -> Result<Vec<CourierRate>, PortError>;

    /// Books a shipment; repeating it for the same order id and booking number books
    /// nothing new (where the provider allows it).
    async fn create_shipment(&self, request: &ShipmentRequest) -> Result<Shipment, PortError>;

    /// Cancels a booked shipment before its courier picks it up; cancelling a
    /// cancelled one succeeds.
    async fn cancel_shipment(&self, cancellation: &ShipmentCancellation) -> Result<(), PortError>;

    /// The tracking of a shipment, named by the provider's order id
    /// ([`Shipment::provider_order_id`], what the engine keeps).
    async fn tracking(&self, provider_order_id: &str) -> Result<Tracking, PortError>;
}
