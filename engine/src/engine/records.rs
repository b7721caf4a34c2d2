//! Typed records the engine keeps next to sessions and the ledger.

use chrono::{DateTime, Utc};
use patungan_core::ledger::RefundDestination;
use patungan_core::session::OrderRequest;
use patungan_core::{Money, OrderId, ParticipantId, PaymentId, SessionId, UserId};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::EngineError;
use crate::ports::ShipmentStatus;
use crate::store::{RecordKind, StoreError, StoreTx};

/// A participant's invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceRecord {
    /// The session.
    pub session: SessionId,
    /// The participant.
    pub participant: ParticipantId,
    /// The payment id (the key).
    pub payment: PaymentId,
    /// The payer.
    pub user: UserId,
    /// The amount due.
    pub amount: Money,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
    /// The gateway's id, once created.
    pub provider_invoice_id: Option<String>,
    /// Where to pay, once created.
    pub url: Option<String>,
}

/// Where a refund stands (DESIGN §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundStatus {
    /// Posted in the ledger, not yet sent to the gateway.
    Pending,
    /// Accepted by the gateway; waiting for its confirmation.
    Processing,
    /// Confirmed by the gateway (or credited to the wallet).
    Completed,
    /// Failed; retried under the next attempt.
    Failed,
}

/// One refund attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundRecord {
    /// The reference (the key, and the gateway idempotency key).
    pub reference: String,
    /// The session whose escrow pays.
    pub session: SessionId,
    /// The refunded payment.
    pub payment: PaymentId,
    /// The buyer.
    pub user: UserId,
    /// The amount.
    pub amount: Money,
    /// Attempt number, from 1.
    pub attempt: u32,
    /// Original method or wallet.
    pub destination: RefundDestination,
    /// Where it stands.
    pub status: RefundStatus,
    /// The gateway's id, once accepted.
    pub provider_refund_id: Option<String>,
    /// The gateway's failure code, when it failed.
    pub failure_code: Option<String>,
}

/// An order created at confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRecord {
    /// The order id (derived from the participant id).
    pub order: OrderId,
    /// The session.
    pub session: SessionId,
    /// What the core asked for.
    pub request: OrderRequest,
    /// The latest shipment status, once shipped.
    pub shipment: Option<ShipmentStatus>,
}

pub(crate) async fn get<T: DeserializeOwned>(
    tx: &mut dyn StoreTx,
    kind: RecordKind,
    key: &str,
) -> Result<Option<T>, EngineError> {
    match tx.record(kind, key).await? {
        None => Ok(None),
        Some(value) => serde_json::from_value(value).map(Some).map_err(|e| {
            EngineError::Store(StoreError::Corrupt(format!(
                "{} record {key}: {e}",
                kind.as_str()
            )))
        }),
    }
}

pub(crate) async fn put<T: Serialize>(
    tx: &mut dyn StoreTx,
    kind: RecordKind,
    key: &str,
    value: &T,
) -> Result<(), EngineError> {
    let body = serde_json::to_value(value).map_err(|e| {
        EngineError::Inconsistent(format!(
            "{} record {key} does not serialise: {e}",
            kind.as_str()
        ))
    })?;
    tx.put_record(kind, key, &body).await?;
    Ok(())
}

impl super::Engine {
    /// The invoice of a payment: its gateway id and payment URL once the runner created it.
    pub async fn invoice(&self, payment: PaymentId) -> Result<Option<InvoiceRecord>, EngineError> {
        let mut tx = self.store.begin().await?;
        get(&mut *tx, RecordKind::Invoice, &payment.to_string()).await
    }

    /// A refund attempt by its reference.
    pub async fn refund(&self, reference: &str) -> Result<Option<RefundRecord>, EngineError> {
        let mut tx = self.store.begin().await?;
        get(&mut *tx, RecordKind::Refund, reference).await
    }

    /// The order of a participant of a confirmed session.
    pub async fn order(
        &self,
        participant: ParticipantId,
    ) -> Result<Option<OrderRecord>, EngineError> {
        let mut tx = self.store.begin().await?;
        get(&mut *tx, RecordKind::Order, &participant.to_string()).await
    }
}
