//! # patungan-ports
//!
//! The ports of `patungan-engine`: the traits through which the engine reaches the
//! outside world — the [`store`](store::Store) where it keeps its state, the payment
//! [gateway](PaymentGateway), the [disburser](Disburser), the
//! [shipping provider](ShippingProvider), the [notifier](Notifier) and the
//! [factory channel](FactoryChannel) — with the data they move. Adapters implement
//! them and depend on this crate only, not on the driver: `patungan-postgres` (the
//! store), `patungan-xendit`, `patungan-biteship`, `patungan-webhook`, and
//! `patungan-memory` (the embedded default). What a provider is asked and answers
//! is the core's vocabulary ([`patungan_core::tasks`]).

pub mod disburser;
pub mod error;
pub mod factory;
pub mod gateway;
pub mod notifier;
pub mod shipping;
pub mod store;

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
    Contact, CourierRate, Location, ParcelItem, RateRequest, Shipment, ShipmentCancellation,
    ShipmentRequest, ShipmentStatus, ShippingProvider, Tracking, TrackingEvent,
};
