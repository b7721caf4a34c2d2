//! Typed records the engine keeps next to sessions and the ledger.

use chrono::{DateTime, Utc};
use patungan_core::inbox::InboxEntry;
use patungan_core::payments::Anomaly;
use patungan_core::quotes::Delivery;
use patungan_core::refunds::RefundSource;
use patungan_core::{AnomalyId, ParticipantId, PaymentId, SessionId, UserId};
use uuid::Uuid;

use crate::error::EngineError;
use crate::store::RowQuery;
use patungan_core::orders::order_id;

/// A participant's invoice (the core's payments record).
pub use patungan_core::payments::Invoice as InvoiceRecord;
/// One refund attempt (the core's refunds record).
pub use patungan_core::refunds::{RefundAttempt as RefundRecord, RefundStatus};

/// An order created at confirmation (the core's orders record).
pub use patungan_core::orders::Order as OrderRecord;

impl super::Engine {
    /// The invoice of a payment: its gateway id and payment URL once the runner created it.
    pub async fn invoice(&self, payment: PaymentId) -> Result<Option<InvoiceRecord>, EngineError> {
        Ok(self.store.read::<InvoiceRecord>(payment).await?)
    }

    /// A refund attempt by its reference.
    pub async fn refund(&self, reference: &str) -> Result<Option<RefundRecord>, EngineError> {
        Ok(self
            .store
            .read::<RefundRecord>(reference.to_owned())
            .await?)
    }

    /// A payment anomaly by its id.
    pub async fn anomaly(&self, id: AnomalyId) -> Result<Option<Anomaly>, EngineError> {
        Ok(self.store.read::<Anomaly>(id).await?)
    }

    /// Every payment anomaly, open or closed.
    pub async fn anomalies(&self) -> Result<Vec<Anomaly>, EngineError> {
        Ok(self.store.read_all(RowQuery::Anomalies).await?)
    }

    /// Refunds whose attempts are spent, waiting for an operator's decision
    /// ([`super::Engine::resolve_refund`]).
    pub async fn refunds_awaiting_operator(&self) -> Result<Vec<RefundRecord>, EngineError> {
        let query = RowQuery::RefundsWithStatus(RefundStatus::AwaitingOperator);
        Ok(self.store.read_all(query).await?)
    }

    /// Every attempt of the refunds of money held at `source`, in attempt order.
    pub async fn refunds_of(&self, source: RefundSource) -> Result<Vec<RefundRecord>, EngineError> {
        let mut mine: Vec<RefundRecord> = self.store.read_all(RowQuery::RefundsOf(source)).await?;
        mine.sort_by_key(|r| r.attempt);
        Ok(mine)
    }

    /// The order of a participant of a confirmed session.
    pub async fn order(
        &self,
        participant: ParticipantId,
    ) -> Result<Option<OrderRecord>, EngineError> {
        Ok(self
            .store
            .read::<OrderRecord>(order_id(participant))
            .await?)
    }

    /// The purchase order issued for a session, with what arrived under it so far.
    pub async fn purchase_order(
        &self,
        session: SessionId,
    ) -> Result<Option<super::PurchaseOrderRecord>, EngineError> {
        Ok(self
            .store
            .read::<super::PurchaseOrderRecord>(session)
            .await?)
    }

    /// A user's inbox, newest first.
    pub async fn inbox(&self, user: UserId) -> Result<Vec<InboxEntry>, EngineError> {
        let mut entries: Vec<InboxEntry> = self.store.read_all(RowQuery::InboxOf(user)).await?;
        entries.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(a.id.cmp(&b.id)));
        Ok(entries)
    }

    /// Marks entry `id` of `user`'s inbox read (reading it again changes nothing).
    /// An entry of another user's inbox is unknown to this one.
    pub async fn mark_read(
        &self,
        user: UserId,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<InboxEntry, EngineError> {
        let mut tx = self.store.begin().await?;
        let unknown = || EngineError::UnknownReference {
            what: "inbox entry",
            id: id.to_string(),
        };
        let mut entry = tx
            .get::<InboxEntry>(id)
            .await?
            .filter(|e| e.user == user)
            .ok_or_else(unknown)?;
        if entry.mark_read(now) {
            tx.put(entry.clone()).await?;
            tx.commit().await?;
        }
        Ok(entry)
    }

    /// The delivery a participant's quoted join chose, if it cited a quote.
    pub async fn delivery(
        &self,
        participant: ParticipantId,
    ) -> Result<Option<Delivery>, EngineError> {
        Ok(self.store.read::<Delivery>(participant).await?)
    }

    /// A user's orders, each with the delivery its join chose (if it cited a quote).
    pub async fn orders_of(&self, user: UserId) -> Result<Vec<UserOrder>, EngineError> {
        let orders: Vec<OrderRecord> = self.store.read_all(RowQuery::OrdersOfUser(user)).await?;
        let mut page = Vec::with_capacity(orders.len());
        for order in orders {
            let delivery = self.store.read::<Delivery>(order.participant()).await?;
            page.push(UserOrder { order, delivery });
        }
        Ok(page)
    }
}

/// One of a user's orders and how it ships.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UserOrder {
    /// The order.
    pub order: OrderRecord,
    /// The delivery chosen at join (destination, courier, service, price).
    pub delivery: Option<Delivery>,
}
