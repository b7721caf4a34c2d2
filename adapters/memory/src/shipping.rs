//! A simulated shipping provider with a fixed rate card.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;
use patungan_core::{Money, OrderId};

use crate::faults::{fault_error, Fault, FaultConfig, FaultPlan};
use patungan_core::notices::ShipmentNotification;
use patungan_ports::{
    CourierRate, PortError, RateRequest, Shipment, ShipmentCancellation, ShipmentRequest,
    ShipmentStatus, ShippingProvider, Tracking,
};

/// The in-memory [`ShippingProvider`]: every courier asked for quotes a flat
/// price per started kilogram; shipments are booked idempotently by order id.
/// Bookings may fail as a seeded [`FaultConfig`] says (before booking, or after it
/// with the response lost), and may be refused for good while
/// [`MemoryShipping::refuse_bookings_with`] says so.
#[derive(Debug)]
pub struct MemoryShipping {
    price_per_kg: Money,
    shipments: Mutex<BTreeMap<(OrderId, u32), (ShipmentRequest, Shipment)>>,
    faults: Mutex<FaultPlan>,
    refusal: Mutex<Option<String>>,
}

impl Default for MemoryShipping {
    fn default() -> Self {
        MemoryShipping::new(Money::idr(9_000))
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl MemoryShipping {
    /// A provider quoting `price_per_kg` per started kilogram.
    pub fn new(price_per_kg: Money) -> Self {
        MemoryShipping::with_faults(price_per_kg, FaultConfig::default())
    }

    /// A provider quoting `price_per_kg` whose bookings fail as `faults` says.
    pub fn with_faults(price_per_kg: Money, faults: FaultConfig) -> Self {
        MemoryShipping {
            price_per_kg,
            shipments: Mutex::new(BTreeMap::new()),
            faults: Mutex::new(FaultPlan::new(faults)),
            refusal: Mutex::new(None),
        }
    }

    /// From now on new bookings fail as `faults` says (the draw sequence restarts).
    pub fn set_faults(&self, faults: FaultConfig) {
        *lock(&self.faults) = FaultPlan::new(faults);
    }

    /// While `code` is set, every booking not made before is refused for good with
    /// that error code (a repeated booking still returns its shipment).
    pub fn refuse_bookings_with(&self, code: Option<&str>) {
        *lock(&self.refusal) = code.map(str::to_owned);
    }

    /// Moves the latest shipment of an order to a new status, as the courier would.
    pub fn advance(&self, order_id: OrderId, status: ShipmentStatus) -> Option<Shipment> {
        let mut shipments = lock(&self.shipments);
        let (_, (_, shipment)) = shipments
            .range_mut((order_id, 0)..=(order_id, u32::MAX))
            .next_back()?;
        shipment.status = status;
        Some(shipment.clone())
    }

    /// Moves the latest shipment of an order to `status` and returns the webhook the
    /// provider sends about it.
    pub fn report(
        &self,
        order_id: OrderId,
        status: ShipmentStatus,
    ) -> Option<ShipmentNotification> {
        let shipment = self.advance(order_id, status)?;
        Some(ShipmentNotification {
            provider_order_id: shipment.provider_order_id,
            status,
            waybill_id: shipment.waybill_id,
            price: shipment.price,
        })
    }

    /// Every shipment booked so far, oldest booking of each order first.
    pub fn shipments(&self) -> Vec<(ShipmentRequest, Shipment)> {
        lock(&self.shipments).values().cloned().collect()
    }
}

fn invalid(operation: &'static str, message: String) -> PortError {
    PortError::permanent("memory", operation, "VALIDATION_ERROR", message)
}

#[async_trait]
impl ShippingProvider for MemoryShipping {
    async fn rates(&self, request: &RateRequest) -> Result<Vec<CourierRate>, PortError> {
        let grams = request.items.iter().try_fold(0u64, |acc, item| {
            acc.checked_add(u64::from(item.weight_grams).saturating_mul(item.quantity))
        });
        let grams = grams.ok_or_else(|| invalid("rates", "parcel weight overflows".to_owned()))?;
        if grams == 0 {
            return Err(invalid("rates", "the parcel weighs nothing".to_owned()));
        }
        let kilos = grams.div_ceil(1_000);
        let price = self
            .price_per_kg
            .checked_mul_qty(kilos)
            .map_err(|e| invalid("rates", e.to_string()))?;
        Ok(request
            .couriers
            .iter()
            .map(|courier| CourierRate {
                courier_code: courier.clone(),
                service_code: "reg".to_owned(),
                price,
                duration: "1 - 2 days".to_owned(),
            })
            .collect())
    }

    async fn create_shipment(&self, request: &ShipmentRequest) -> Result<Shipment, PortError> {
        let fault = lock(&self.faults).draw();
        if fault == Fault::Error {
            return Err(fault_error(fault, "create_shipment"));
        }
        let mut shipments = lock(&self.shipments);
        let key = (request.order_id, request.booking);
        if !shipments.contains_key(&key) {
            if let Some(code) = lock(&self.refusal).clone() {
                return Err(PortError::permanent(
                    "memory",
                    "create_shipment",
                    code,
                    format!(
                        "booking {} of order {} refused",
                        request.booking, request.order_id
                    ),
                ));
            }
        }
        let (stored, shipment) = shipments.entry(key).or_insert_with(|| {
            let shipment = Shipment {
                provider_order_id: format!(
                    "ship_{}_{}",
                    request.order_id.as_uuid().simple(),
                    request.booking
                ),
                waybill_id: Some(format!("WB{}", request.order_id.as_uuid().simple())),
                status: ShipmentStatus::Confirmed,
                price: None,
            };
            (request.clone(), shipment)
        });
        if stored != request {
            return Err(invalid(
                "create_shipment",
                format!("order {} was booked with other content", request.order_id),
            ));
        }
        if fault == Fault::LostResponse {
            return Err(fault_error(fault, "create_shipment"));
        }
        Ok(shipment.clone())
    }

    /// Cancels a shipment not yet picked up (a cancelled one again succeeds); one
    /// the courier has picked up is refused for good, as is an unknown one.
    async fn cancel_shipment(&self, cancellation: &ShipmentCancellation) -> Result<(), PortError> {
        use ShipmentStatus as S;
        let refuse = |code: &str, message: String| {
            PortError::permanent("memory", "cancel_shipment", code, message)
        };
        let mut shipments = lock(&self.shipments);
        let id = &cancellation.provider_order_id;
        let (_, shipment) = shipments
            .values_mut()
            .find(|(_, s)| s.provider_order_id == *id)
            .ok_or_else(|| refuse("NOT_FOUND", format!("no shipment {id}")))?;
        match shipment.status {
            S::Confirmed | S::Allocated | S::PickingUp | S::Cancelled => {
                shipment.status = S::Cancelled;
                Ok(())
            }
            other => Err(refuse(
                "ORDER_CANNOT_BE_CANCELLED",
                format!("shipment {id} is {}", other.key_name()),
            )),
        }
    }

    async fn tracking(&self, tracking_id: &str) -> Result<Tracking, PortError> {
        let shipments = lock(&self.shipments);
        shipments
            .values()
            .map(|(_, s)| s)
            .find(|s| s.provider_order_id == tracking_id)
            .map(|s| Tracking {
                tracking_id: s.provider_order_id.clone(),
                waybill_id: s.waybill_id.clone(),
                status: s.status,
                history: Vec::new(),
            })
            .ok_or_else(|| {
                PortError::permanent(
                    "memory",
                    "tracking",
                    "NOT_FOUND",
                    format!("no shipment {tracking_id}"),
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use patungan_ports::{Contact, Location};

    fn contact() -> Contact {
        Contact {
            name: "Sari".to_owned(),
            phone: "0812".to_owned(),
            address: "Jl. Melati 1".to_owned(),
            location: Location::default(),
        }
    }

    fn request(booking: u32) -> ShipmentRequest {
        ShipmentRequest {
            order_id: OrderId::from_u128(7),
            booking,
            origin: contact(),
            destination: contact(),
            courier_code: "jne".to_owned(),
            service_code: "reg".to_owned(),
            items: Vec::new(),
        }
    }

    #[tokio::test]
    async fn a_lost_response_books_and_a_refusal_books_nothing() {
        let lossy = FaultConfig {
            lost_response_ppm: 1_000_000,
            ..FaultConfig::default()
        };
        let shipping = MemoryShipping::with_faults(Money::idr(9_000), lossy);
        let lost = shipping.create_shipment(&request(1)).await.unwrap_err();
        assert!(lost.is_retryable());
        assert_eq!(
            shipping.shipments().len(),
            1,
            "booked despite the lost answer"
        );
        shipping.set_faults(FaultConfig::default());
        let again = shipping.create_shipment(&request(1)).await.unwrap();
        assert_eq!(
            shipping.shipments()[0].1,
            again,
            "the retry finds the booking"
        );
        shipping.refuse_bookings_with(Some("NO_COURIER"));
        let refused = shipping.create_shipment(&request(2)).await.unwrap_err();
        assert!(!refused.is_retryable());
        assert_eq!(refused.code, "NO_COURIER");
        assert_eq!(shipping.shipments().len(), 1);
        assert!(shipping.create_shipment(&request(1)).await.is_ok());
        shipping.refuse_bookings_with(None);
        assert!(shipping.create_shipment(&request(2)).await.is_ok());
    }
}
