//! Typed rows: what the store keeps next to sessions, the ledger and the outbox, one
//! table per kind, each row a core type with a typed key.
//!
//! The store port moves [`Row`]s by [`RowKey`] (one row) or [`RowQuery`] (the rows an
//! index finds). The engine uses the typed accessors [`Record`] gives (`tx.get::<Invoice>(id)`,
//! `tx.put(invoice)`), so a row of the wrong kind can only come from a broken store.

use chrono::{DateTime, Utc};
use patungan_core::factory_payouts::{FactoryPayout, FactoryPayoutStatus};
use patungan_core::inbox::InboxEntry;
use patungan_core::orders::Order;
use patungan_core::payments::{Anomaly, Invoice};
use patungan_core::purchasing::PurchaseOrderRecord;
use patungan_core::quotes::{Delivery, Quote};
use patungan_core::refunds::{RefundAttempt, RefundSource, RefundStatus};
use patungan_core::session::Notification;
use patungan_core::shipments::ParkedReport;
use patungan_core::stock::Stock;
use patungan_core::wallet::{Withdrawal, WithdrawalStatus};
use patungan_core::{
    AnomalyId, Currency, OrderId, ParticipantId, PaymentId, ProductId, QuoteId, SessionId, UserId,
    WithdrawalId,
};
use uuid::Uuid;

/// When the withdrawal batches of one currency were last planned (one row per currency).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PayoutSchedule {
    /// The currency.
    pub currency: Currency,
    /// The cutoff of the last planned run.
    pub last_planned: Option<DateTime<Utc>>,
}

/// A notification for users, queued by a session (its payload goes out as it is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationRecord {
    /// The key the core gave it (derived from the session and the effect).
    pub id: Uuid,
    /// What to tell.
    pub notification: Notification,
}

/// One typed row.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Row {
    /// A participant's invoice, by payment id.
    Invoice(Invoice),
    /// One refund attempt, by reference.
    Refund(RefundAttempt),
    /// A payment anomaly, by id.
    Anomaly(Anomaly),
    /// One withdrawal, by id.
    Withdrawal(Withdrawal),
    /// The batch planning state of a currency.
    PayoutSchedule(PayoutSchedule),
    /// A participant's order, by order id.
    Order(Order),
    /// A session's purchase order, by session.
    PurchaseOrder(PurchaseOrderRecord),
    /// A product's stock lines, by product.
    Stock(Stock),
    /// A notification, by key.
    Notification(NotificationRecord),
    /// One entry of a user's inbox, by id.
    Inbox(InboxEntry),
    /// A shipping quote, by id.
    Quote(Quote),
    /// A participant's chosen delivery, by participant.
    Delivery(Delivery),
    /// The payout of one receipt's goods to the factory, by payout id.
    FactoryPayout(FactoryPayout),
    /// A shipment report kept until its booking is recorded, by dedup key.
    ParkedReport(ParkedReport),
}

/// The key of one row: its table and its primary key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum RowKey {
    /// An invoice.
    Invoice(PaymentId),
    /// A refund attempt.
    Refund(String),
    /// A payment anomaly.
    Anomaly(AnomalyId),
    /// A withdrawal.
    Withdrawal(WithdrawalId),
    /// The payout schedule of a currency.
    PayoutSchedule(Currency),
    /// An order.
    Order(OrderId),
    /// The purchase order of a session.
    PurchaseOrder(SessionId),
    /// The stock of a product.
    Stock(ProductId),
    /// A notification.
    Notification(Uuid),
    /// An inbox entry.
    Inbox(Uuid),
    /// A shipping quote.
    Quote(QuoteId),
    /// A participant's delivery.
    Delivery(ParticipantId),
    /// A factory payout (`fpo-<session>-<received before>`).
    FactoryPayout(String),
    /// A parked shipment report (its notification's dedup key).
    ParkedReport(String),
}

/// A read over an index: the rows it finds, in key order.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RowQuery {
    /// Refund attempts with this status.
    RefundsWithStatus(RefundStatus),
    /// Every attempt to refund the money held at this source.
    RefundsOf(RefundSource),
    /// Every payment anomaly.
    Anomalies,
    /// Withdrawals with this status.
    WithdrawalsWithStatus(WithdrawalStatus),
    /// Every withdrawal.
    Withdrawals,
    /// The orders of a session.
    OrdersOfSession(SessionId),
    /// The entries of a user's inbox.
    InboxOf(UserId),
    /// The orders of a user.
    OrdersOfUser(UserId),
    /// The order whose standing shipment has this provider id (at most one).
    OrderOfShipment(String),
    /// Orders waiting for an operator before their shipment is booked.
    OrdersAwaitingOperator,
    /// Every purchase order.
    PurchaseOrders,
    /// Purchase orders more units may still arrive under (issued or partly received).
    OpenPurchaseOrders,
    /// Every factory payout.
    FactoryPayouts,
    /// Factory payouts with this status.
    FactoryPayoutsWithStatus(FactoryPayoutStatus),
    /// The invoices of these payments (those that exist).
    Invoices(Vec<PaymentId>),
    /// The parked reports not yet applied about the shipment with this provider id.
    ParkedReportsOf(String),
}

impl Row {
    /// The row's key.
    pub fn key(&self) -> RowKey {
        match self {
            Row::Invoice(r) => RowKey::Invoice(r.payment),
            Row::Refund(r) => RowKey::Refund(r.reference.clone()),
            Row::Anomaly(r) => RowKey::Anomaly(r.id),
            Row::Withdrawal(r) => RowKey::Withdrawal(r.id()),
            Row::PayoutSchedule(r) => RowKey::PayoutSchedule(r.currency),
            Row::Order(r) => RowKey::Order(r.id()),
            Row::PurchaseOrder(r) => RowKey::PurchaseOrder(r.session()),
            Row::Stock(r) => RowKey::Stock(r.product()),
            Row::Notification(r) => RowKey::Notification(r.id),
            Row::Inbox(r) => RowKey::Inbox(r.id),
            Row::Quote(r) => RowKey::Quote(r.id),
            Row::Delivery(r) => RowKey::Delivery(r.participant),
            Row::FactoryPayout(r) => RowKey::FactoryPayout(r.id()),
            Row::ParkedReport(r) => RowKey::ParkedReport(r.id.clone()),
        }
    }
}

impl RowQuery {
    /// Whether `row` is among the rows this query finds (what a store without indexes
    /// filters by).
    pub fn matches(&self, row: &Row) -> bool {
        match (self, row) {
            (RowQuery::RefundsWithStatus(status), Row::Refund(r)) => r.status == *status,
            (RowQuery::RefundsOf(source), Row::Refund(r)) => r.source == *source,
            (RowQuery::Anomalies, Row::Anomaly(_)) => true,
            (RowQuery::WithdrawalsWithStatus(status), Row::Withdrawal(w)) => w.status() == *status,
            (RowQuery::Withdrawals, Row::Withdrawal(_)) => true,
            (RowQuery::OrdersOfSession(session), Row::Order(o)) => o.session() == *session,
            (RowQuery::InboxOf(user), Row::Inbox(e)) => e.user == *user,
            (RowQuery::OrdersOfUser(user), Row::Order(o)) => o.user() == *user,
            (RowQuery::OrderOfShipment(id), Row::Order(o)) => o
                .shipping()
                .shipment
                .as_ref()
                .is_some_and(|s| s.provider_order_id == *id),
            (RowQuery::OrdersAwaitingOperator, Row::Order(o)) => o.awaits_operator(),
            (RowQuery::PurchaseOrders, Row::PurchaseOrder(_)) => true,
            (RowQuery::OpenPurchaseOrders, Row::PurchaseOrder(p)) => p.is_open(),
            (RowQuery::FactoryPayouts, Row::FactoryPayout(_)) => true,
            (RowQuery::FactoryPayoutsWithStatus(status), Row::FactoryPayout(p)) => {
                p.status == *status
            }
            (RowQuery::Invoices(payments), Row::Invoice(r)) => payments.contains(&r.payment),
            (RowQuery::ParkedReportsOf(id), Row::ParkedReport(r)) => {
                !r.applied && r.provider_order_id == *id
            }
            _ => false,
        }
    }
}

/// A core type kept as rows of one table.
pub trait Record: Sized + Send + 'static {
    /// Its primary key.
    type Key: Send;
    /// The row key of `key`.
    fn row_key(key: Self::Key) -> RowKey;
    /// Wraps it as a row.
    fn into_row(self) -> Row;
    /// Unwraps a row of this kind.
    fn from_row(row: Row) -> Option<Self>;
}

macro_rules! record {
    ($type:ty, $key:ty, $variant:ident) => {
        impl Record for $type {
            type Key = $key;
            fn row_key(key: $key) -> RowKey {
                RowKey::$variant(key)
            }
            fn into_row(self) -> Row {
                Row::$variant(self)
            }
            fn from_row(row: Row) -> Option<Self> {
                match row {
                    Row::$variant(r) => Some(r),
                    _ => None,
                }
            }
        }
    };
}

record!(Invoice, PaymentId, Invoice);
record!(RefundAttempt, String, Refund);
record!(Anomaly, AnomalyId, Anomaly);
record!(Withdrawal, WithdrawalId, Withdrawal);
record!(PayoutSchedule, Currency, PayoutSchedule);
record!(Order, OrderId, Order);
record!(PurchaseOrderRecord, SessionId, PurchaseOrder);
record!(Stock, ProductId, Stock);
record!(NotificationRecord, Uuid, Notification);
record!(InboxEntry, Uuid, Inbox);
record!(Quote, QuoteId, Quote);
record!(Delivery, ParticipantId, Delivery);
record!(FactoryPayout, String, FactoryPayout);
record!(ParkedReport, String, ParkedReport);
