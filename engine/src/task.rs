//! External effects the engine performs through its ports after commit.

use patungan_core::inbox::InboxEntry;
use patungan_core::wallet::PayoutItemKey;
use patungan_core::{ParticipantId, PaymentId, SessionId};
use serde::{Deserialize, Serialize};

use crate::ports::{
    FactoryMessage, GatewayInvoiceRequest, PayoutBatch, RefundRequest, ShipmentRequest,
};

/// One external call, kept in the outbox until its result is stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Task {
    /// Create a participant's invoice.
    CreateInvoice {
        /// The session.
        session: SessionId,
        /// The participant.
        participant: ParticipantId,
        /// The request (its payment id is the idempotency key).
        request: GatewayInvoiceRequest,
    },
    /// Expire an unpaid invoice.
    ExpireInvoice {
        /// The session.
        session: SessionId,
        /// The invoice's payment id.
        payment: PaymentId,
    },
    /// Refund a payment to its original method.
    Refund {
        /// Where the refunded money is held.
        source: patungan_core::refunds::RefundSource,
        /// The attempt number (a failed refund is retried under the next one).
        attempt: u32,
        /// The request (its reference is the idempotency key).
        request: RefundRequest,
    },
    /// Submit a batch of withdrawal payouts.
    SubmitPayouts {
        /// The batch (its reference is the idempotency key).
        batch: PayoutBatch,
    },
    /// Pay a factory the goods cost of a receipt (a batch of one payout).
    PayFactory {
        /// The batch (its reference and its item's external id are the payout
        /// attempt's key).
        batch: PayoutBatch,
    },
    /// Ask the disburser where a factory payout attempt silent for too long stands.
    QueryFactoryPayout {
        /// The attempt's external id (`fpo-…`).
        external_id: String,
    },
    /// Ask the disburser where a payout silent for too long stands.
    QueryPayoutStatus {
        /// The payout attempt (its key is the provider's external id).
        item: PayoutItemKey,
    },
    /// Deliver an inbox entry through the notification port.
    DeliverNotification {
        /// The entry (its id deduplicates the delivery).
        entry: InboxEntry,
    },
    /// Tell the factory about a purchase order (issued or cancelled).
    SendToFactory {
        /// The message (its id deduplicates it at the factory).
        message: FactoryMessage,
    },
    /// Book an order's shipment at the shipping provider.
    BookShipment {
        /// The booking's number (from 1; the outbox id derives from it and the order).
        booking: u32,
        /// The request (its order id is the provider's reference).
        request: ShipmentRequest,
    },
}

impl Task {
    /// A short name for logs.
    pub const fn kind(&self) -> &'static str {
        match self {
            Task::CreateInvoice { .. } => "create_invoice",
            Task::ExpireInvoice { .. } => "expire_invoice",
            Task::Refund { .. } => "refund",
            Task::SubmitPayouts { .. } => "submit_payouts",
            Task::PayFactory { .. } => "pay_factory",
            Task::QueryPayoutStatus { .. } => "query_payout_status",
            Task::QueryFactoryPayout { .. } => "query_factory_payout",
            Task::DeliverNotification { .. } => "deliver_notification",
            Task::SendToFactory { .. } => "send_to_factory",
            Task::BookShipment { .. } => "book_shipment",
        }
    }
}
