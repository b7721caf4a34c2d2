//! Fulfilment's rows: orders, purchase orders, stock (a head row per product and a
//! row per variant line) and notifications (migration `0003_fulfilment_rows`).

use patungan_core::grosir::{PurchaseOrder, PurchaseOrderLine, StockLevel};
use patungan_core::orders::{Order, OrderStatus, ShipmentStatus};
use patungan_core::purchasing::{PurchaseOrderRecord, PurchaseOrderStatus};
use patungan_core::session::OrderRequest;
use patungan_core::shipments::{BookedShipment, Hold, Shipping};
use patungan_core::stock::{Stock, StockLine};
use patungan_core::{
    CostBreakdown, Currency, Money, OrderId, ParticipantId, PaymentId, ProductId, SessionId,
    UserId, VariantId,
};
use patungan_ports::store::NotificationRecord;
use rust_decimal::Decimal;
use tokio_postgres::Row;
use uuid::Uuid;

use super::Table;
use crate::codec::{
    currency, from_name, get, get_json, money, name_of, to_i64, to_u64, Jsonb, Param,
};
use crate::error::corrupt;
use patungan_ports::store::StoreError;

pub(crate) const ORDERS: Table = Table {
    name: "orders",
    columns: "id, session_id, participant_id, user_id, variant_id, quantity, paid_unit_price, \
        final_unit_price, cashback, currency, payment_id, cost_quantity, cost_product, \
        cost_leg1_per_unit, cost_leg1, cost_leg2, cost_gateway_fee, cost_total, status, bookings, \
        shipment_id, waybill_id, shipment_price, shipment_status, hold, booking_limit",
    key: "id",
};

pub(crate) const PURCHASE_ORDERS: Table = Table {
    name: "purchase_orders",
    columns: "session_id, bundles, line_variants, line_units, total_units, unit_cost, \
        goods_cost, leg1_shipping, total_cost, currency, pledged_variants, pledged_units, \
        status, received_variants, received_units",
    key: "session_id",
};

pub(crate) const NOTIFICATIONS: Table = Table {
    name: "notifications",
    columns: "id, kind, body",
    key: "id",
};

fn amount_in(m: Money, cur: Currency, what: &str) -> Result<Decimal, StoreError> {
    if m.currency() == cur {
        Ok(m.amount())
    } else {
        Err(StoreError::Corrupt(format!(
            "{what} is in {} where the row keeps {}",
            m.currency().code(),
            cur.code()
        )))
    }
}

pub(crate) fn encode_order(o: &Order) -> Result<Vec<Param>, StoreError> {
    const W: &str = "order";
    let r = o.request();
    let cur = r.paid_unit_price.currency();
    let c = &r.cost;
    let mut params: Vec<Param> = vec![
        Box::new(*o.id().as_uuid()),
        Box::new(*o.session().as_uuid()),
        Box::new(*r.participant.as_uuid()),
        Box::new(*r.user.as_uuid()),
        Box::new(r.variant.map(|v| *v.as_uuid())),
        Box::new(to_i64(r.quantity, "order quantity")?),
        Box::new(r.paid_unit_price.amount()),
        Box::new(amount_in(r.final_unit_price, cur, W)?),
        Box::new(amount_in(r.cashback, cur, W)?),
        Box::new(cur.code().to_owned()),
        Box::new(*r.payment.as_uuid()),
        Box::new(to_i64(c.quantity, "order cost quantity")?),
        Box::new(amount_in(c.product, cur, W)?),
        Box::new(amount_in(c.leg1_per_unit, cur, W)?),
        Box::new(amount_in(c.leg1, cur, W)?),
        Box::new(amount_in(c.leg2, cur, W)?),
        Box::new(amount_in(c.gateway_fee, cur, W)?),
        Box::new(amount_in(c.total, cur, W)?),
        Box::new(o.status().as_str().to_owned()),
        Box::new(i64::from(o.bookings())),
    ];
    let shipping = o.shipping();
    let shipment = shipping.shipment.as_ref();
    params.push(Box::new(shipment.map(|s| s.provider_order_id.clone())));
    params.push(Box::new(shipment.and_then(|s| s.waybill_id.clone())));
    let price = shipment.and_then(|s| s.price);
    params.push(Box::new(price.map(|p| amount_in(p, cur, W)).transpose()?));
    let status = shipment
        .map(|s| name_of(&s.status, "shipment status"))
        .transpose()?;
    params.push(Box::new(status));
    params.push(Box::new(shipping.hold.map(|h| h.as_str().to_owned())));
    params.push(Box::new(i64::from(shipping.booking_limit)));
    Ok(params)
}

pub(crate) fn decode_order(row: &Row) -> Result<Order, StoreError> {
    const W: &str = "order";
    let code: &str = get(row, 9, W)?;
    let cur = currency(code)?;
    let m = |i: usize| -> Result<Money, StoreError> { money(get(row, i, W)?, cur, W) };
    let variant: Option<Uuid> = get(row, 4, W)?;
    let request = OrderRequest {
        participant: ParticipantId::from_uuid(get(row, 2, W)?),
        user: UserId::from_uuid(get(row, 3, W)?),
        variant: variant.map(VariantId::from_uuid),
        quantity: to_u64(get(row, 5, W)?, "order quantity")?,
        paid_unit_price: m(6)?,
        final_unit_price: m(7)?,
        cashback: m(8)?,
        payment: PaymentId::from_uuid(get(row, 10, W)?),
        cost: CostBreakdown {
            quantity: to_u64(get(row, 11, W)?, "order cost quantity")?,
            product: m(12)?,
            leg1_per_unit: m(13)?,
            leg1: m(14)?,
            leg2: m(15)?,
            gateway_fee: m(16)?,
            total: m(17)?,
        },
    };
    let status: &str = get(row, 18, W)?;
    let bookings: i64 = get(row, 19, W)?;
    let order = Order::restore(
        OrderId::from_uuid(get(row, 0, W)?),
        SessionId::from_uuid(get(row, 1, W)?),
        request,
        from_name::<OrderStatus>(status, "order status")?,
        to_u32(bookings, "order bookings")?,
    )
    .map_err(|e| corrupt(W, e))?;
    Ok(order.with_shipping(decode_shipping(row, cur)?))
}

fn to_u32(value: i64, what: &str) -> Result<u32, StoreError> {
    u32::try_from(value).map_err(|_| StoreError::Corrupt(format!("{what} {value} out of range")))
}

/// Columns 20–25 of an order row: its standing shipment, hold and booking limit.
fn decode_shipping(row: &Row, cur: Currency) -> Result<Shipping, StoreError> {
    const W: &str = "order shipment";
    let provider_id: Option<String> = get(row, 20, W)?;
    let shipment = match provider_id {
        None => None,
        Some(provider_order_id) => {
            let price: Option<Decimal> = get(row, 22, W)?;
            let status: Option<&str> = get(row, 23, W)?;
            let status =
                status.ok_or_else(|| StoreError::Corrupt(format!("{W} without a status")))?;
            Some(BookedShipment {
                provider_order_id,
                waybill_id: get(row, 21, W)?,
                price: price.map(|p| money(p, cur, W)).transpose()?,
                status: from_name::<ShipmentStatus>(status, "shipment status")?,
            })
        }
    };
    let hold: Option<&str> = get(row, 24, W)?;
    Ok(Shipping {
        shipment,
        hold: hold
            .map(|h| from_name::<Hold>(h, "order hold"))
            .transpose()?,
        booking_limit: to_u32(get(row, 25, W)?, "order booking limit")?,
    })
}

/// Variants and units as two parallel array columns.
fn levels(levels: &[StockLevel], what: &str) -> Result<(Vec<Uuid>, Vec<i64>), StoreError> {
    let variants = levels.iter().map(|l| *l.variant.as_uuid()).collect();
    let units = levels
        .iter()
        .map(|l| to_i64(l.units, what))
        .collect::<Result<_, _>>()?;
    Ok((variants, units))
}

fn levels_at(row: &Row, at: usize, what: &str) -> Result<Vec<StockLevel>, StoreError> {
    let variants: Vec<Uuid> = get(row, at, what)?;
    let units: Vec<i64> = get(row, at + 1, what)?;
    if variants.len() != units.len() {
        return Err(StoreError::Corrupt(format!(
            "{what}: variant and unit columns differ in length"
        )));
    }
    variants
        .into_iter()
        .zip(units)
        .map(|(v, n)| Ok(StockLevel::new(VariantId::from_uuid(v), to_u64(n, what)?)))
        .collect()
}

pub(crate) fn encode_purchase_order(r: &PurchaseOrderRecord) -> Result<Vec<Param>, StoreError> {
    const W: &str = "purchase order";
    let po = r.purchase_order();
    let cur = po.unit_cost.currency();
    let lines: Vec<StockLevel> = po
        .lines
        .iter()
        .map(|l| StockLevel::new(l.variant, l.units))
        .collect();
    let (line_variants, line_units) = levels(&lines, "purchase order lines")?;
    let (pledged_variants, pledged_units) = levels(r.pledged(), "pledged units")?;
    let received = match r.status() {
        PurchaseOrderStatus::Received { units } => units.clone(),
        _ => Vec::new(),
    };
    let (received_variants, received_units) = levels(&received, "received units")?;
    Ok(vec![
        Box::new(*r.session().as_uuid()),
        Box::new(to_i64(po.bundles, "bundles")?),
        Box::new(line_variants),
        Box::new(line_units),
        Box::new(to_i64(po.total_units, "total units")?),
        Box::new(po.unit_cost.amount()),
        Box::new(amount_in(po.goods_cost, cur, W)?),
        Box::new(amount_in(po.leg1_shipping, cur, W)?),
        Box::new(amount_in(po.total_cost, cur, W)?),
        Box::new(cur.code().to_owned()),
        Box::new(pledged_variants),
        Box::new(pledged_units),
        Box::new(r.status().as_str().to_owned()),
        Box::new(received_variants),
        Box::new(received_units),
    ])
}

pub(crate) fn decode_purchase_order(row: &Row) -> Result<PurchaseOrderRecord, StoreError> {
    const W: &str = "purchase order";
    let code: &str = get(row, 9, W)?;
    let cur = currency(code)?;
    let m = |i: usize| -> Result<Money, StoreError> { money(get(row, i, W)?, cur, W) };
    let lines = levels_at(row, 2, "purchase order lines")?
        .into_iter()
        .map(|l| PurchaseOrderLine {
            variant: l.variant,
            units: l.units,
        })
        .collect();
    let purchase_order = PurchaseOrder {
        bundles: to_u64(get(row, 1, W)?, "bundles")?,
        lines,
        total_units: to_u64(get(row, 4, W)?, "total units")?,
        unit_cost: m(5)?,
        goods_cost: m(6)?,
        leg1_shipping: m(7)?,
        total_cost: m(8)?,
    };
    let status = match get::<&str>(row, 12, W)? {
        "awaiting_approval" => PurchaseOrderStatus::AwaitingApproval,
        "issued" => PurchaseOrderStatus::Issued,
        "received" => PurchaseOrderStatus::Received {
            units: levels_at(row, 13, "received units")?,
        },
        "closed" => PurchaseOrderStatus::Closed,
        "cancelled" => PurchaseOrderStatus::Cancelled,
        other => {
            return Err(StoreError::Corrupt(format!(
                "purchase order status {other:?} is unknown"
            )))
        }
    };
    PurchaseOrderRecord::restore(
        SessionId::from_uuid(get(row, 0, W)?),
        purchase_order,
        levels_at(row, 10, "pledged units")?,
        status,
    )
    .map_err(|e| corrupt(W, e))
}

/// The parameters of a product's stock lines: product, variants (NULL: the product
/// without variants), on hand, reserved, pledged.
pub(crate) fn encode_stock_lines(stock: &Stock) -> Result<Vec<Param>, StoreError> {
    let mut variants: Vec<Option<Uuid>> = Vec::new();
    let mut counters: [Vec<i64>; 3] = Default::default();
    for line in stock.lines() {
        variants.push(line.variant.map(|v| *v.as_uuid()));
        counters[0].push(to_i64(line.on_hand, "units on hand")?);
        counters[1].push(to_i64(line.reserved, "units reserved")?);
        counters[2].push(to_i64(line.pledged, "units pledged")?);
    }
    let [on_hand, reserved, pledged] = counters;
    Ok(vec![
        Box::new(*stock.product().as_uuid()),
        Box::new(variants),
        Box::new(on_hand),
        Box::new(reserved),
        Box::new(pledged),
    ])
}

/// A product's stock from its head row joined with its lines (a product without
/// lines comes back as one row whose line columns are NULL); `None` without a head.
pub(crate) fn decode_stock(rows: &[Row]) -> Result<Option<Stock>, StoreError> {
    const W: &str = "stock line";
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let product = ProductId::from_uuid(get(first, 0, W)?);
    let mut lines = Vec::with_capacity(rows.len());
    for row in rows {
        let on_hand: Option<i64> = get(row, 2, W)?;
        let Some(on_hand) = on_hand else {
            continue; // the head of a product without lines
        };
        let variant: Option<Uuid> = get(row, 1, W)?;
        let reserved: i64 = get(row, 3, W)?;
        let pledged: i64 = get(row, 4, W)?;
        let mut line = StockLine::empty(variant.map(VariantId::from_uuid));
        line.on_hand = to_u64(on_hand, "units on hand")?;
        line.reserved = to_u64(reserved, "units reserved")?;
        line.pledged = to_u64(pledged, "units pledged")?;
        lines.push(line);
    }
    Stock::from_lines(product, lines)
        .map(Some)
        .map_err(|e| corrupt(W, e))
}

pub(crate) fn encode_notification(n: &NotificationRecord) -> Result<Vec<Param>, StoreError> {
    Ok(vec![
        Box::new(n.id),
        Box::new(n.notification.kind().to_owned()),
        Box::new(Jsonb::encode(&n.notification, "notification")?),
    ])
}

pub(crate) fn decode_notification(row: &Row) -> Result<NotificationRecord, StoreError> {
    const W: &str = "notification";
    Ok(NotificationRecord {
        id: get(row, 0, W)?,
        notification: get_json(row, 2, W)?,
    })
}
