//! # patungan-biteship
//!
//! The Biteship adapter of Patungan: a typed async client over `reqwest` (rustls, explicit
//! timeouts, `Authorization: <key>`) for courier rates (`POST /v1/rates/couriers`),
//! orders (`POST /v1/orders`) and trackings (`GET /v1/trackings/{id}`); the engine's
//! [`ShippingProvider`](patungan_ports::ShippingProvider) port over it
//! ([`BiteshipProvider`]); and webhook handling ([`BiteshipWebhook`]) for
//! `order.status`, `order.waybill_id` and `order.price` with an optional HMAC-SHA256
//! signature (see [`webhook`] for the header and scheme).
//!
//! Biteship's status list maps onto [`ShipmentStatus`](patungan_ports::ShipmentStatus)
//! ([`parse_status`]); an unknown status is a typed error. Prices are read exactly as
//! whole rupiah; nothing goes through `f64`. The API key is a [`Secret`].

pub mod amount;
pub mod client;
pub mod config;
pub mod error;
pub mod order;
pub mod provider;
pub mod rates;
pub mod secret;
pub mod status;
pub mod tracking;
pub mod webhook;

pub use amount::{parse_amount_literal, parse_idr_amount, AmountError, IdrAmount};
pub use client::BiteshipClient;
pub use config::BiteshipConfig;
pub use error::{BiteshipError, TransportKind, PROVIDER};
pub use order::{BiteshipOrder, Coordinate, CreateOrderWire, OrderCourier};
pub use provider::{to_tracking, BiteshipProvider};
pub use rates::{ParcelItemWire, Pricing, RatesRequestWire};
pub use secret::Secret;
pub use status::{parse_status, status_name, StatusError};
pub use tracking::{BiteshipTracking, HistoryEntry};
pub use webhook::{
    is_installation_probe, parse_webhook, signature_hex, BiteshipWebhook, WebhookError,
    MAX_BODY_BYTES, SIGNATURE_HEADER,
};
