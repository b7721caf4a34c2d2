//! A simulated shipping provider with a fixed rate card.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;
use patungan_core::{Money, OrderId};

use crate::notification::ShipmentNotification;
use crate::ports::{
    CourierRate, PortError, RateRequest, Shipment, ShipmentRequest, ShipmentStatus,
    ShippingProvider, Tracking,
};

/// The in-memory [`ShippingProvider`]: every courier asked for quotes a flat
/// price per started kilogram; shipments are booked idempotently by order id.
#[derive(Debug)]
pub struct MemoryShipping {
    price_per_kg: Money,
    shipments: Mutex<BTreeMap<(OrderId, u32), (ShipmentRequest, Shipment)>>,
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
        MemoryShipping {
            price_per_kg,
            shipments: Mutex::new(BTreeMap::new()),
        }
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
        let mut shipments = lock(&self.shipments);
        let key = (request.order_id, request.booking);
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
        Ok(shipment.clone())
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
