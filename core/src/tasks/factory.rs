//! What the factory is told: purchase orders issued and cancelled.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::grosir::PurchaseOrder;
use crate::ledger::derive_uuid;
use crate::purchasing::PurchaseOrderRecord;
use crate::session::Session;
use crate::{ProductId, SessionId};

/// What the factory is told about a session's purchase order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum FactoryMessage {
    /// A purchase order is issued: make and ship these units.
    PurchaseOrderIssued {
        /// The session (the purchase order's id).
        session: SessionId,
        /// The product.
        product: ProductId,
        /// Bundles, units per variant and their cost.
        purchase_order: PurchaseOrder,
        /// When it was issued.
        issued_at: DateTime<Utc>,
    },
    /// The session was cancelled before any goods arrived: the order is withdrawn.
    PurchaseOrderCancelled {
        /// The session (the purchase order's id).
        session: SessionId,
        /// When it was cancelled.
        cancelled_at: DateTime<Utc>,
    },
}

impl FactoryMessage {
    /// The purchase order it is about.
    pub fn session(&self) -> SessionId {
        match self {
            FactoryMessage::PurchaseOrderIssued { session, .. }
            | FactoryMessage::PurchaseOrderCancelled { session, .. } => *session,
        }
    }

    /// The event's name on the wire: `purchase_order.issued` or
    /// `purchase_order.cancelled`.
    pub const fn event(&self) -> &'static str {
        match self {
            FactoryMessage::PurchaseOrderIssued { .. } => "purchase_order.issued",
            FactoryMessage::PurchaseOrderCancelled { .. } => "purchase_order.cancelled",
        }
    }

    /// A stable id of this message (the receiver deduplicates by it):
    /// `<event>:<session>`.
    pub fn id(&self) -> String {
        format!("{}:{}", self.event(), self.session())
    }
}

/// The purpose tag of the outbox ids of messages to the factory.
const TO_FACTORY: u64 = 0xE006 << 48;

impl FactoryMessage {
    /// The message issuing `record`, a purchase order of `session`.
    pub fn issued(session: &Session, record: &PurchaseOrderRecord, now: DateTime<Utc>) -> Self {
        FactoryMessage::PurchaseOrderIssued {
            session: session.id(),
            product: session.state().config().product,
            purchase_order: record.purchase_order().clone(),
            issued_at: now,
        }
    }

    /// The id of its outbox entry: derived from the purchase order and the event,
    /// so the message is queued once.
    pub fn outbox_id(&self) -> uuid::Uuid {
        let purpose = match self {
            FactoryMessage::PurchaseOrderIssued { .. } => TO_FACTORY | 1,
            FactoryMessage::PurchaseOrderCancelled { .. } => TO_FACTORY | 2,
        };
        derive_uuid(*self.session().as_uuid(), purpose)
    }
}
