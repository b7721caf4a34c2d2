//! Typed rows ↔ tables: one table per row kind, one column per field (migrations
//! `0002_typed_rows`, `0003_fulfilment_rows`, `0004_inbox`, `0005_quotes`, `0006_shipments`,
//! `0007_factory_payouts`, `0008_purchase_order_approval` and `0009_parked_shipment_reports`). This module maps row keys, queries
//! and writes to statements; each kind's columns and codec live in a submodule by
//! concern; the statements are prepared with the others ([`crate::statements`]).

use patungan_core::refunds::RefundSource;
use patungan_ports::store::{Row as StoreRow, RowKey, RowQuery, StoreError};
use tokio_postgres::{Row, Statement};
use uuid::Uuid;

use crate::codec::{name_of, Param};
use crate::statements::Statements;

mod factory;
mod fulfilment;
mod inbox;
mod parked;
mod payments;
mod quotes;
mod wallet;

pub(crate) use factory::FACTORY_PAYOUTS;
pub(crate) use fulfilment::{NOTIFICATIONS, ORDERS, PURCHASE_ORDERS};
pub(crate) use inbox::INBOX;
pub(crate) use parked::PARKED_REPORTS;
use payments::{
    decode_anomaly, decode_invoice, decode_refund, encode_anomaly, encode_invoice, encode_refund,
};
pub(crate) use payments::{ANOMALIES, INVOICES, REFUNDS};
pub(crate) use quotes::{DELIVERIES, QUOTES};
use wallet::{decode_payout_schedule, decode_withdrawal, encode_withdrawal};
pub(crate) use wallet::{PAYOUT_SCHEDULES, WITHDRAWALS};

/// A table's name, columns (in codec order) and primary key column.
pub(crate) struct Table {
    name: &'static str,
    columns: &'static str,
    key: &'static str,
}

/// `SELECT` of a table's columns where `filter` holds, by key; `FOR UPDATE` when `lock`.
pub(crate) fn select(table: &Table, filter: &str, lock: bool) -> String {
    let Table { name, columns, key } = table;
    let lock = if lock { " FOR UPDATE" } else { "" };
    format!("SELECT {columns} FROM {name} WHERE {filter} ORDER BY {key}{lock}")
}

/// Insert or replace one row; parameters are untyped text in the SQL and typed by the
/// table's columns.
pub(crate) fn upsert(table: &Table) -> String {
    let Table { name, columns, key } = table;
    let names: Vec<&str> = columns.split(',').map(str::trim).collect();
    let values: Vec<String> = (1..=names.len()).map(|i| format!("${i}")).collect();
    let updates: Vec<String> = names
        .iter()
        .filter(|c| *c != key)
        .map(|c| format!("{c} = EXCLUDED.{c}"))
        .collect();
    format!(
        "INSERT INTO {name} ({columns}) VALUES ({}) ON CONFLICT ({key}) DO UPDATE SET {}",
        values.join(", "),
        updates.join(", ")
    )
}

/// Insert one row that must not exist yet.
pub(crate) fn insert(table: &Table) -> String {
    let Table { name, columns, .. } = table;
    let values: Vec<String> = (1..=columns.split(',').count())
        .map(|i| format!("${i}"))
        .collect();
    format!(
        "INSERT INTO {name} ({columns}) VALUES ({})",
        values.join(", ")
    )
}

/// Whether a read locks the rows it finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lock {
    /// `FOR UPDATE`: a writer's read.
    ForUpdate,
    /// A plain read.
    None,
}

/// The statement and parameters reading the row at `key`.
pub(crate) fn by_key(
    s: &Statements,
    key: &RowKey,
    lock: Lock,
) -> Result<(Statement, Vec<Param>), StoreError> {
    let locked = lock == Lock::ForUpdate;
    let pick = |a: &Statement, b: &Statement| if locked { a.clone() } else { b.clone() };
    Ok(match key {
        RowKey::Invoice(id) => (pick(&s.invoice_lock, &s.invoice_read), uuid(id.as_uuid())),
        RowKey::Refund(reference) => (
            pick(&s.refund_lock, &s.refund_read),
            vec![Box::new(reference.clone())],
        ),
        RowKey::Anomaly(id) => (pick(&s.anomaly_lock, &s.anomaly_read), uuid(id.as_uuid())),
        RowKey::Withdrawal(id) => (
            pick(&s.withdrawal_lock, &s.withdrawal_read),
            uuid(id.as_uuid()),
        ),
        RowKey::PayoutSchedule(c) => (
            pick(&s.payout_schedule_lock, &s.payout_schedule_read),
            vec![Box::new(c.code().to_owned())],
        ),
        RowKey::Order(id) => (pick(&s.order_lock, &s.order_read), uuid(id.as_uuid())),
        RowKey::PurchaseOrder(session) => (
            pick(&s.purchase_order_lock, &s.purchase_order_read),
            uuid(session.as_uuid()),
        ),
        RowKey::Stock(product) => (pick(&s.stock_lock, &s.stock_read), uuid(product.as_uuid())),
        RowKey::Notification(id) => (pick(&s.notification_lock, &s.notification_read), uuid(id)),
        RowKey::Inbox(id) => (pick(&s.user_inbox_lock, &s.user_inbox_read), uuid(id)),
        RowKey::Quote(id) => (pick(&s.quote_lock, &s.quote_read), uuid(id.as_uuid())),
        RowKey::Delivery(p) => (pick(&s.delivery_lock, &s.delivery_read), uuid(p.as_uuid())),
        RowKey::FactoryPayout(id) => (
            pick(&s.factory_payout_lock, &s.factory_payout_read),
            vec![Box::new(id.clone())],
        ),
        RowKey::ParkedReport(id) => (
            pick(&s.parked_report_lock, &s.parked_report_read),
            vec![Box::new(id.clone())],
        ),
        other => return Err(unsupported(other)),
    })
}

/// The statement and parameters of a query.
pub(crate) fn by_query(
    s: &Statements,
    query: &RowQuery,
    lock: Lock,
) -> Result<(Statement, Vec<Param>), StoreError> {
    let locked = lock == Lock::ForUpdate;
    let pick = |a: &Statement, b: &Statement| if locked { a.clone() } else { b.clone() };
    Ok(match query {
        RowQuery::RefundsWithStatus(status) => (
            pick(&s.refunds_with_status_lock, &s.refunds_with_status_read),
            vec![Box::new(name_of(status, "refund status")?)],
        ),
        RowQuery::RefundsOf(RefundSource::Escrow { session, payment }) => (
            pick(&s.refunds_of_payment_lock, &s.refunds_of_payment_read),
            vec![Box::new(*session.as_uuid()), Box::new(*payment.as_uuid())],
        ),
        RowQuery::RefundsOf(RefundSource::Suspense { anomaly }) => (
            pick(&s.refunds_of_anomaly_lock, &s.refunds_of_anomaly_read),
            uuid(anomaly.as_uuid()),
        ),
        RowQuery::Anomalies => (pick(&s.anomalies_lock, &s.anomalies_read), Vec::new()),
        RowQuery::WithdrawalsWithStatus(status) => (
            pick(
                &s.withdrawals_with_status_lock,
                &s.withdrawals_with_status_read,
            ),
            vec![Box::new(name_of(status, "withdrawal status")?)],
        ),
        RowQuery::Withdrawals => (pick(&s.withdrawals_lock, &s.withdrawals_read), Vec::new()),
        RowQuery::OrdersOfSession(session) => (
            pick(&s.orders_of_session_lock, &s.orders_of_session_read),
            uuid(session.as_uuid()),
        ),
        RowQuery::OrdersOfUser(user) => (
            pick(&s.orders_of_user_lock, &s.orders_of_user_read),
            uuid(user.as_uuid()),
        ),
        RowQuery::OrderOfShipment(id) => (
            pick(&s.order_of_shipment_lock, &s.order_of_shipment_read),
            vec![Box::new(id.clone())],
        ),
        RowQuery::OrdersAwaitingOperator => (
            pick(
                &s.orders_awaiting_operator_lock,
                &s.orders_awaiting_operator_read,
            ),
            Vec::new(),
        ),
        RowQuery::InboxOf(user) => (
            pick(&s.user_inbox_of_user_lock, &s.user_inbox_of_user_read),
            uuid(user.as_uuid()),
        ),
        RowQuery::PurchaseOrders => (
            pick(&s.purchase_orders_lock, &s.purchase_orders_read),
            Vec::new(),
        ),
        RowQuery::OpenPurchaseOrders => (
            pick(&s.open_purchase_orders_lock, &s.open_purchase_orders_read),
            Vec::new(),
        ),
        RowQuery::FactoryPayouts => (
            pick(&s.factory_payouts_lock, &s.factory_payouts_read),
            Vec::new(),
        ),
        RowQuery::FactoryPayoutsWithStatus(status) => (
            pick(
                &s.factory_payouts_with_status_lock,
                &s.factory_payouts_with_status_read,
            ),
            vec![Box::new(status.as_str().to_owned())],
        ),
        RowQuery::Invoices(payments) => (
            pick(&s.invoices_lock, &s.invoices_read),
            vec![Box::new(
                payments.iter().map(|p| *p.as_uuid()).collect::<Vec<Uuid>>(),
            )],
        ),
        RowQuery::ParkedReportsOf(id) => (
            pick(&s.parked_reports_of_lock, &s.parked_reports_of_read),
            vec![Box::new(id.clone())],
        ),
        other => {
            return Err(StoreError::Corrupt(format!(
                "the PostgreSQL store has no index for {other:?}"
            )))
        }
    })
}

/// The statements and parameters writing `row`: a plain insert when the transaction
/// read the row and found it `missing` (so two writers of a new row conflict), else an
/// upsert. A product's stock is its head row, then its lines replaced.
pub(crate) fn put(
    s: &Statements,
    row: &StoreRow,
    missing: bool,
) -> Result<Vec<(Statement, Vec<Param>)>, StoreError> {
    let pick = |insert: &Statement, upsert: &Statement| {
        if missing {
            insert.clone()
        } else {
            upsert.clone()
        }
    };
    let one = match row {
        StoreRow::Invoice(r) => (pick(&s.invoice_insert, &s.invoice_put), encode_invoice(r)),
        StoreRow::Refund(r) => (pick(&s.refund_insert, &s.refund_put), encode_refund(r)?),
        StoreRow::Anomaly(r) => (pick(&s.anomaly_insert, &s.anomaly_put), encode_anomaly(r)?),
        StoreRow::Withdrawal(r) => (
            pick(&s.withdrawal_insert, &s.withdrawal_put),
            encode_withdrawal(r)?,
        ),
        StoreRow::PayoutSchedule(r) => (
            pick(&s.payout_schedule_insert, &s.payout_schedule_put),
            vec![
                Box::new(r.currency.code().to_owned()) as Param,
                Box::new(r.last_planned),
            ],
        ),
        StoreRow::Order(r) => (
            pick(&s.order_insert, &s.order_put),
            fulfilment::encode_order(r)?,
        ),
        StoreRow::PurchaseOrder(r) => (
            pick(&s.purchase_order_insert, &s.purchase_order_put),
            fulfilment::encode_purchase_order(r)?,
        ),
        StoreRow::Notification(r) => (
            pick(&s.notification_insert, &s.notification_put),
            fulfilment::encode_notification(r)?,
        ),
        StoreRow::Inbox(r) => (
            pick(&s.user_inbox_insert, &s.user_inbox_put),
            inbox::encode_inbox(r)?,
        ),
        StoreRow::Quote(r) => (
            pick(&s.quote_insert, &s.quote_put),
            quotes::encode_quote(r)?,
        ),
        StoreRow::Delivery(r) => (
            pick(&s.delivery_insert, &s.delivery_put),
            quotes::encode_delivery(r)?,
        ),
        StoreRow::FactoryPayout(r) => (
            pick(&s.factory_payout_insert, &s.factory_payout_put),
            factory::encode_factory_payout(r)?,
        ),
        StoreRow::ParkedReport(r) => (
            pick(&s.parked_report_insert, &s.parked_report_put),
            parked::encode_parked(r)?,
        ),
        StoreRow::Stock(stock) => {
            let product = *stock.product().as_uuid();
            return Ok(vec![
                (pick(&s.stock_insert, &s.stock_head), uuid(&product)),
                (s.stock_lines_clear.clone(), uuid(&product)),
                (
                    s.stock_lines_insert.clone(),
                    fulfilment::encode_stock_lines(stock)?,
                ),
            ]);
        }
        other => return Err(unsupported(&other.key())),
    };
    Ok(vec![one])
}

/// Decodes what a read of `key` found (no rows: no such row).
pub(crate) fn decode_key(key: &RowKey, rows: &[Row]) -> Result<Option<StoreRow>, StoreError> {
    if let RowKey::Stock(_) = key {
        return Ok(fulfilment::decode_stock(rows)?.map(StoreRow::Stock));
    }
    let Some(row) = rows.first() else {
        return Ok(None);
    };
    let decoded = match key {
        RowKey::Invoice(_) => decode_invoice(row).map(StoreRow::Invoice),
        RowKey::Refund(_) => decode_refund(row).map(StoreRow::Refund),
        RowKey::Anomaly(_) => decode_anomaly(row).map(StoreRow::Anomaly),
        RowKey::Withdrawal(_) => decode_withdrawal(row).map(StoreRow::Withdrawal),
        RowKey::PayoutSchedule(_) => decode_payout_schedule(row).map(StoreRow::PayoutSchedule),
        RowKey::Order(_) => fulfilment::decode_order(row).map(StoreRow::Order),
        RowKey::PurchaseOrder(_) => {
            fulfilment::decode_purchase_order(row).map(StoreRow::PurchaseOrder)
        }
        RowKey::Notification(_) => fulfilment::decode_notification(row).map(StoreRow::Notification),
        RowKey::Inbox(_) => inbox::decode_inbox(row).map(StoreRow::Inbox),
        RowKey::Quote(_) => quotes::decode_quote(row).map(StoreRow::Quote),
        RowKey::Delivery(_) => quotes::decode_delivery(row).map(StoreRow::Delivery),
        RowKey::FactoryPayout(_) => {
            factory::decode_factory_payout(row).map(StoreRow::FactoryPayout)
        }
        RowKey::ParkedReport(_) => parked::decode_parked(row).map(StoreRow::ParkedReport),
        other => Err(unsupported(other)),
    };
    decoded.map(Some)
}

/// Decodes a row a query found.
pub(crate) fn decode_query(query: &RowQuery, row: &Row) -> Result<StoreRow, StoreError> {
    match query {
        RowQuery::RefundsWithStatus(_) | RowQuery::RefundsOf(_) => {
            decode_refund(row).map(StoreRow::Refund)
        }
        RowQuery::Anomalies => decode_anomaly(row).map(StoreRow::Anomaly),
        RowQuery::WithdrawalsWithStatus(_) | RowQuery::Withdrawals => {
            decode_withdrawal(row).map(StoreRow::Withdrawal)
        }
        RowQuery::OrdersOfSession(_)
        | RowQuery::OrdersOfUser(_)
        | RowQuery::OrderOfShipment(_)
        | RowQuery::OrdersAwaitingOperator => fulfilment::decode_order(row).map(StoreRow::Order),
        RowQuery::InboxOf(_) => inbox::decode_inbox(row).map(StoreRow::Inbox),
        RowQuery::PurchaseOrders | RowQuery::OpenPurchaseOrders => {
            fulfilment::decode_purchase_order(row).map(StoreRow::PurchaseOrder)
        }
        RowQuery::FactoryPayouts | RowQuery::FactoryPayoutsWithStatus(_) => {
            factory::decode_factory_payout(row).map(StoreRow::FactoryPayout)
        }
        RowQuery::Invoices(_) => decode_invoice(row).map(StoreRow::Invoice),
        RowQuery::ParkedReportsOf(_) => parked::decode_parked(row).map(StoreRow::ParkedReport),
        other => Err(StoreError::Corrupt(format!(
            "the PostgreSQL store has no index for {other:?}"
        ))),
    }
}

fn unsupported(key: &RowKey) -> StoreError {
    StoreError::Corrupt(format!("the PostgreSQL store has no table for {key:?}"))
}

fn uuid(id: &Uuid) -> Vec<Param> {
    vec![Box::new(*id)]
}
