//! A simulated shipping provider with a fixed rate card.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;
use patungan_core::{Currency, Money, OrderId};

use crate::ports::{
    CourierRate, PortError, RateRequest, Shipment, ShipmentRequest, ShipmentStatus,
    ShippingProvider, Tracking,
};

/// The in-memory [`ShippingProvider`]: every courier asked for quotes a flat
/// price per started kilogram; shipments are booked idempotently by order id.
#[derive(Debug)]
pub struct MemoryShipping {
    price_per_kg: Money,
    shipments: Mutex<BTreeMap<OrderId, (ShipmentRequest, Shipment)>>,
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

    /// Moves a shipment to a new status, as the courier would.
    pub fn advance(&self, order_id: OrderId, status: ShipmentStatus) -> Option<Shipment> {
        let mut shipments = lock(&self.shipments);
        let (_, shipment) = shipments.get_mut(&order_id)?;
        shipment.status = status;
        Some(shipment.clone())
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
        let (stored, shipment) = shipments.entry(request.order_id).or_insert_with(|| {
            let shipment = Shipment {
                provider_order_id: format!("ship_{}", request.order_id.as_uuid().simple()),
                waybill_id: Some(format!("WB{}", request.order_id.as_uuid().simple())),
                status: ShipmentStatus::Confirmed,
                price: Some(Money::zero(Currency::IDR)),
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
