//! Orders: `POST /v1/orders`.

use reqwest::Method;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::amount::raw;
use crate::client::{path_segment, BiteshipClient};
use crate::error::BiteshipError;
use crate::rates::ParcelItemWire;

/// A point as Biteship takes it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Coordinate {
    /// Degrees north.
    pub latitude: f64,
    /// Degrees east.
    pub longitude: f64,
}

/// The body of `POST /v1/orders` (the fields this adapter sends).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CreateOrderWire {
    /// Sender's name.
    pub origin_contact_name: String,
    /// Sender's phone.
    pub origin_contact_phone: String,
    /// Pickup address.
    pub origin_address: String,
    /// Pickup postal code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin_postal_code: Option<u32>,
    /// Pickup area id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin_area_id: Option<String>,
    /// Pickup coordinates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin_coordinate: Option<Coordinate>,
    /// Receiver's name.
    pub destination_contact_name: String,
    /// Receiver's phone.
    pub destination_contact_phone: String,
    /// Delivery address.
    pub destination_address: String,
    /// Delivery postal code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_postal_code: Option<u32>,
    /// Delivery area id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_area_id: Option<String>,
    /// Delivery coordinates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_coordinate: Option<Coordinate>,
    /// Courier, e.g. `jne`.
    pub courier_company: String,
    /// Service, e.g. `reg`.
    pub courier_type: String,
    /// `now` (pick up as soon as possible).
    pub delivery_type: String,
    /// Our order id.
    pub reference_id: String,
    /// The parcel's items.
    pub items: Vec<ParcelItemWire>,
}

/// The courier part of an order.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
pub struct OrderCourier {
    /// Biteship's tracking id.
    #[serde(default)]
    pub tracking_id: Option<String>,
    /// The courier's waybill, once issued.
    #[serde(default)]
    pub waybill_id: Option<String>,
    /// Courier, e.g. `jne`.
    #[serde(default)]
    pub company: Option<String>,
}

/// An order as Biteship returns it (the fields this adapter uses).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct BiteshipOrder {
    /// Biteship's id.
    pub id: String,
    /// Our order id.
    #[serde(default)]
    pub reference_id: Option<String>,
    /// e.g. `confirmed`.
    pub status: String,
    /// What Biteship charges, exact.
    #[serde(default, deserialize_with = "raw::opt_decimal")]
    pub price: Option<Decimal>,
    /// The courier and waybill.
    #[serde(default)]
    pub courier: OrderCourier,
}

/// The body of `POST /v1/orders/{id}/cancel`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CancelOrderWire {
    /// Biteship's reason code (`others` for ours).
    pub cancellation_reason_code: String,
    /// Why, in words.
    pub cancellation_reason: String,
}

/// What Biteship answers to a cancellation (the fields this adapter uses).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CancelledOrder {
    /// Biteship's id of the order.
    pub id: String,
    /// `cancelled`.
    #[serde(default)]
    pub status: Option<String>,
}

impl BiteshipClient {
    /// `POST /v1/orders`.
    ///
    /// Biteship documents no idempotency key for orders: `reference_id` carries our order
    /// id, and a repeated call books again. Call it once per order and recover a lost
    /// answer from the `order.status` webhook, which carries Biteship's order id.
    pub async fn create_order(
        &self,
        order: &CreateOrderWire,
    ) -> Result<BiteshipOrder, BiteshipError> {
        self.call("create_shipment", Method::POST, "/v1/orders", Some(order))
            .await
    }

    /// `GET /v1/orders/{id}`: an order by Biteship's id (its courier part carries the
    /// tracking id that `GET /v1/trackings/{id}` takes).
    pub async fn retrieve_order(&self, order_id: &str) -> Result<BiteshipOrder, BiteshipError> {
        let id = path_segment("order id", order_id)?;
        self.call::<(), _>(
            "retrieve_order",
            Method::GET,
            &format!("/v1/orders/{id}"),
            None,
        )
        .await
    }

    /// `POST /v1/orders/{id}/cancel`: cancels an order its courier has not picked up.
    pub async fn cancel_order(
        &self,
        order_id: &str,
        body: &CancelOrderWire,
    ) -> Result<CancelledOrder, BiteshipError> {
        let id = path_segment("order id", order_id)?;
        let path = format!("/v1/orders/{id}/cancel");
        self.call("cancel_shipment", Method::POST, &path, Some(body))
            .await
    }
}
