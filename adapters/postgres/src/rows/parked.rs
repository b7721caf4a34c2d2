//! Shipment reports kept until their booking is recorded (migration
//! `0009_parked_shipment_reports`).

use patungan_core::orders::ShipmentStatus;
use patungan_core::shipments::{ParkedReport, ShipmentReport};
use patungan_ports::store::StoreError;
use tokio_postgres::Row;

use super::Table;
use crate::codec::{currency, from_name, get, money, name_of, Param};

pub(crate) const PARKED_REPORTS: Table = Table {
    name: "parked_shipment_reports",
    columns: "id, provider_order_id, status, waybill_id, price, currency, received_at, applied",
    key: "id",
};

pub(crate) fn encode_parked(p: &ParkedReport) -> Result<Vec<Param>, StoreError> {
    let price = p.report.price;
    Ok(vec![
        Box::new(p.id.clone()),
        Box::new(p.provider_order_id.clone()),
        Box::new(name_of(&p.report.status, "shipment status")?),
        Box::new(p.report.waybill_id.clone()),
        Box::new(price.map(|m| m.amount())),
        Box::new(price.map(|m| m.currency().code().to_owned())),
        Box::new(p.received_at),
        Box::new(p.applied),
    ])
}

pub(crate) fn decode_parked(row: &Row) -> Result<ParkedReport, StoreError> {
    const W: &str = "parked shipment report";
    let price = match (
        get::<Option<rust_decimal::Decimal>>(row, 4, W)?,
        get::<Option<&str>>(row, 5, W)?,
    ) {
        (Some(amount), Some(code)) => Some(money(amount, currency(code)?, W)?),
        (None, None) => None,
        _ => {
            return Err(StoreError::Corrupt(format!(
                "{W}: a price without its currency"
            )))
        }
    };
    Ok(ParkedReport {
        id: get(row, 0, W)?,
        provider_order_id: get(row, 1, W)?,
        report: ShipmentReport {
            status: from_name::<ShipmentStatus>(get(row, 2, W)?, "shipment status")?,
            waybill_id: get(row, 3, W)?,
            price,
        },
        received_at: get(row, 6, W)?,
        applied: get(row, 7, W)?,
    })
}
