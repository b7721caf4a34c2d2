//! The engine's shipping port over [`BiteshipClient`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use patungan_core::{Currency, Money};
use patungan_ports::{
    CourierRate, Location, ParcelItem, PortError, RateRequest, Shipment, ShipmentCancellation,
    ShipmentRequest, ShipmentStatus, ShippingProvider, Tracking, TrackingEvent,
};
use rust_decimal::Decimal;

use crate::amount::{AmountError, IdrAmount};
use crate::client::BiteshipClient;
use crate::error::BiteshipError;
use crate::order::{CancelOrderWire, Coordinate, CreateOrderWire};
use crate::rates::{ParcelItemWire, RatesRequestWire};
use crate::status::parse_status;
use crate::tracking::BiteshipTracking;

/// Biteship as the engine's [`ShippingProvider`].
#[derive(Debug, Clone)]
pub struct BiteshipProvider {
    client: BiteshipClient,
}

/// A location's wire parts: postal code, area id, coordinate.
type LocationParts = (Option<u32>, Option<String>, Option<Coordinate>);

fn location(what: &str, location: &Location) -> Result<LocationParts, BiteshipError> {
    let postal = match location.postal_code.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(code) => {
            let valid = code.len() <= 9 && code.bytes().all(|b| b.is_ascii_digit());
            Some(code.parse::<u32>().ok().filter(|_| valid).ok_or_else(|| {
                BiteshipError::InvalidRequest(format!(
                    "{what} postal code `{}` is not digits",
                    code.chars().take(16).collect::<String>()
                ))
            })?)
        }
    };
    let area = location
        .area_id
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(str::to_owned);
    let coordinate = match location.coordinate {
        None => None,
        Some((latitude, longitude)) => {
            let valid = latitude.is_finite()
                && longitude.is_finite()
                && (-90.0..=90.0).contains(&latitude)
                && (-180.0..=180.0).contains(&longitude);
            if !valid {
                return Err(BiteshipError::InvalidRequest(format!(
                    "{what} coordinate ({latitude}, {longitude}) is not a place on Earth"
                )));
            }
            Some(Coordinate {
                latitude,
                longitude,
            })
        }
    };
    if postal.is_none() && area.is_none() && coordinate.is_none() {
        return Err(BiteshipError::InvalidRequest(format!(
            "the {what} needs a postal code, an area id or coordinates"
        )));
    }
    Ok((postal, area, coordinate))
}

fn items(items: &[ParcelItem]) -> Result<Vec<ParcelItemWire>, BiteshipError> {
    if items.is_empty() {
        return Err(BiteshipError::InvalidRequest(
            "a parcel needs at least one item".to_owned(),
        ));
    }
    items
        .iter()
        .map(|item| {
            let (length, width, height) = match item.dimensions_cm {
                Some((l, w, h)) => (Some(l), Some(w), Some(h)),
                None => (None, None, None),
            };
            Ok(ParcelItemWire {
                name: item.name.clone(),
                value: IdrAmount::from_money(&item.value)?,
                quantity: item.quantity,
                weight: item.weight_grams,
                length,
                width,
                height,
            })
        })
        .collect()
}

fn idr(amount: Decimal) -> Result<Money, BiteshipError> {
    Money::new(amount, Currency::IDR).map_err(|e| BiteshipError::Amount(AmountError::Money(e)))
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

/// Converts Biteship's tracking into the engine's, history oldest first.
pub fn to_tracking(tracking: BiteshipTracking) -> Result<Tracking, BiteshipError> {
    let status = parse_status(&tracking.status)?;
    let mut history = tracking
        .history
        .into_iter()
        .map(|entry| {
            let at = DateTime::parse_from_rfc3339(entry.updated_at.trim())
                .map_err(|e| BiteshipError::MalformedResponse {
                    status: 200,
                    message: format!("history updated_at: {e}"),
                })?
                .with_timezone(&Utc);
            Ok(TrackingEvent {
                status: parse_status(&entry.status)?,
                at,
                note: entry.note.unwrap_or_default(),
            })
        })
        .collect::<Result<Vec<_>, BiteshipError>>()?;
    history.sort_by_key(|event| event.at);
    Ok(Tracking {
        tracking_id: tracking.id,
        waybill_id: non_empty(tracking.waybill_id),
        status,
        history,
    })
}

impl BiteshipProvider {
    /// The port over `client`.
    pub fn new(client: BiteshipClient) -> Self {
        BiteshipProvider { client }
    }

    /// The underlying client.
    pub fn client(&self) -> &BiteshipClient {
        &self.client
    }

    /// The `POST /v1/rates/couriers` body for an engine request.
    pub fn rates_body(&self, request: &RateRequest) -> Result<RatesRequestWire, BiteshipError> {
        let (origin_postal_code, origin_area_id, origin) = location("origin", &request.origin)?;
        let (destination_postal_code, destination_area_id, destination) =
            location("destination", &request.destination)?;
        let valid_code = |c: &String| {
            !c.is_empty()
                && c.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        };
        if request.couriers.is_empty() || !request.couriers.iter().all(valid_code) {
            return Err(BiteshipError::InvalidRequest(
                "couriers must be non-empty codes such as `jne`".to_owned(),
            ));
        }
        Ok(RatesRequestWire {
            origin_postal_code,
            destination_postal_code,
            origin_area_id,
            destination_area_id,
            origin_latitude: origin.map(|c| c.latitude),
            origin_longitude: origin.map(|c| c.longitude),
            destination_latitude: destination.map(|c| c.latitude),
            destination_longitude: destination.map(|c| c.longitude),
            couriers: request.couriers.join(","),
            items: items(&request.items)?,
        })
    }

    /// The `POST /v1/orders` body for an engine request.
    pub fn order_body(&self, request: &ShipmentRequest) -> Result<CreateOrderWire, BiteshipError> {
        let (origin_postal_code, origin_area_id, origin_coordinate) =
            location("origin", &request.origin.location)?;
        let (destination_postal_code, destination_area_id, destination_coordinate) =
            location("destination", &request.destination.location)?;
        Ok(CreateOrderWire {
            origin_contact_name: request.origin.name.clone(),
            origin_contact_phone: request.origin.phone.clone(),
            origin_address: request.origin.address.clone(),
            origin_postal_code,
            origin_area_id,
            origin_coordinate,
            destination_contact_name: request.destination.name.clone(),
            destination_contact_phone: request.destination.phone.clone(),
            destination_address: request.destination.address.clone(),
            destination_postal_code,
            destination_area_id,
            destination_coordinate,
            courier_company: request.courier_code.clone(),
            courier_type: request.service_code.clone(),
            delivery_type: "now".to_owned(),
            reference_id: request.order_id.to_string(),
            items: items(&request.items)?,
        })
    }
}

#[async_trait]
impl ShippingProvider for BiteshipProvider {
    async fn rates(&self, request: &RateRequest) -> Result<Vec<CourierRate>, PortError> {
        const OP: &str = "rates";
        let body = self
            .rates_body(request)
            .map_err(|e| e.into_port_error(OP))?;
        let pricing = self
            .client
            .rates(&body)
            .await
            .map_err(|e| e.into_port_error(OP))?;
        pricing
            .into_iter()
            .map(|p| {
                Ok(CourierRate {
                    duration: p.duration_text(),
                    price: idr(p.price)?,
                    courier_code: p.courier_code,
                    service_code: p.courier_service_code,
                })
            })
            .collect::<Result<Vec<_>, BiteshipError>>()
            .map_err(|e| e.into_port_error(OP))
    }

    /// Books the shipment with our order id as `reference_id`. Biteship has no
    /// idempotency key for orders, so a retry after a lost answer may book twice.
    /// A new order whose status this adapter does not know is reported as
    /// [`ShipmentStatus::Confirmed`] (it is booked); an unusable price is left out.
    async fn create_shipment(&self, request: &ShipmentRequest) -> Result<Shipment, PortError> {
        const OP: &str = "create_shipment";
        let body = self
            .order_body(request)
            .map_err(|e| e.into_port_error(OP))?;
        let order = self
            .client
            .create_order(&body)
            .await
            .map_err(|e| e.into_port_error(OP))?;
        // The order is booked now: an odd status or price must not turn that into a
        // failure (the engine would book again), so they degrade with a warning.
        let status = parse_status(&order.status).unwrap_or_else(|e| {
            tracing::warn!(provider = "biteship", order_id = %order.id, error = %e,
                "new order has an unknown status; treating it as confirmed");
            ShipmentStatus::Confirmed
        });
        let price = order.price.and_then(|p| match idr(p) {
            Ok(price) => Some(price),
            Err(e) => {
                tracing::warn!(provider = "biteship", order_id = %order.id, error = %e,
                    "new order has an unusable price; leaving it out");
                None
            }
        });
        Ok(Shipment {
            provider_order_id: order.id,
            waybill_id: non_empty(order.courier.waybill_id),
            status,
            price,
        })
    }

    /// Cancels with reason code `others` and our reason. Biteship answers an order
    /// it already cancelled with an error; the engine queues one cancellation per
    /// shipment, so a repeat only follows a lost answer.
    async fn cancel_shipment(&self, cancellation: &ShipmentCancellation) -> Result<(), PortError> {
        let body = CancelOrderWire {
            cancellation_reason_code: "others".to_owned(),
            cancellation_reason: cancellation.reason.clone(),
        };
        self.client
            .cancel_order(&cancellation.provider_order_id, &body)
            .await
            .map(|_| ())
            .map_err(|e| e.into_port_error("cancel_shipment"))
    }

    /// Biteship tracks by the courier's tracking id, not by the order id the engine
    /// keeps (and its webhooks name): the order is read first for its tracking id.
    async fn tracking(&self, provider_order_id: &str) -> Result<Tracking, PortError> {
        const OP: &str = "tracking";
        let order = self
            .client
            .retrieve_order(provider_order_id)
            .await
            .map_err(|e| e.into_port_error(OP))?;
        let tracking_id = non_empty(order.courier.tracking_id).ok_or_else(|| {
            BiteshipError::MalformedResponse {
                status: 200,
                message: format!("order {} has no courier tracking id", order.id),
            }
            .into_port_error(OP)
        })?;
        let tracking = self
            .client
            .tracking(&tracking_id)
            .await
            .map_err(|e| e.into_port_error(OP))?;
        to_tracking(tracking).map_err(|e| e.into_port_error(OP))
    }
}
