//! Ports: the traits through which the engine reaches the outside world.
//! Adapters implement them (PostgreSQL, Xendit, Biteship); the in-memory ones in
//! `patungan-memory` are the embedded default.

pub mod disburser;
pub mod error;
pub mod factory;
pub mod gateway;
pub mod notifier;
pub mod shipping;

pub use disburser::{
    BankAccount, Disburser, PayoutBatch, PayoutBatchAccepted, PayoutItem, PayoutStatus,
};
pub use error::{FailureClass, PortError};
pub use factory::{FactoryChannel, FactoryMessage};
pub use gateway::{
    GatewayInvoiceRequest, GatewayRefundReason, Invoice, InvoiceItem, Payer, PaymentGateway,
    RefundAccepted, RefundRequest, RefundState,
};
pub use notifier::Notifier;
pub use shipping::{
    Contact, CourierRate, Location, ParcelItem, RateRequest, Shipment, ShipmentRequest,
    ShipmentStatus, ShippingProvider, Tracking, TrackingEvent,
};
