//! Payment anomalies: paid callbacks that did not match their invoice.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::invoice::{Invoice, Mismatch, PaidReport};
use crate::ids::{AnomalyId, PaymentId, SessionId, UserId};
use crate::money::Money;

/// Namespace of anomaly ids (UUID v5 over what the gateway reported).
const ANOMALY_NAMESPACE: Uuid = Uuid::from_u128(0x7061_7475_6e67_616e_616e_6f6d_616c_7931);

/// Where an anomaly stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnomalyStatus {
    /// The money collected is held in suspense and being refunded.
    Refunding,
    /// The money collected went back in full (to the original method, or to the
    /// payer's wallet by an operator's decision).
    Refunded,
}

impl AnomalyStatus {
    /// Whether the anomaly still needs attention (money in suspense).
    pub const fn is_open(self) -> bool {
        matches!(self, AnomalyStatus::Refunding)
    }
}

/// A paid callback that did not match its invoice, kept with the raw fields for an
/// operator. The money it reports collected is booked to suspense and refunded in
/// full, keyed by the anomaly id (derived from the gateway's own payment id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anomaly {
    /// Derived from what the gateway reported (see [`Anomaly::id_for`]).
    pub id: AnomalyId,
    /// The payment (invoice) the callback named.
    pub payment: PaymentId,
    /// The invoice's session.
    pub session: SessionId,
    /// The invoice's payer.
    pub user: UserId,
    /// How it differs.
    pub mismatch: Mismatch,
    /// What the gateway reported, as it reported it.
    pub reported: PaidReport,
    /// When it was received.
    pub received_at: DateTime<Utc>,
    /// Where it stands.
    pub status: AnomalyStatus,
}

impl Anomaly {
    /// The id of the anomaly a report makes: the same report always gives the same
    /// id (a replayed callback finds its anomaly), and the gateway's payment id keys
    /// it when the callback carries one.
    pub fn id_for(payment: PaymentId, report: &PaidReport) -> AnomalyId {
        let key = format!(
            "{payment}|{}|{}|{}|{}",
            report.provider_payment_id.as_deref().unwrap_or(""),
            report.provider_invoice_id,
            report.amount.amount(),
            report.amount.currency().code(),
        );
        AnomalyId::from_uuid(Uuid::new_v5(&ANOMALY_NAMESPACE, key.as_bytes()))
    }

    /// The anomaly a mismatching report on `invoice` makes, refunding from suspense.
    pub fn new(
        invoice: &Invoice,
        report: PaidReport,
        mismatch: Mismatch,
        now: DateTime<Utc>,
    ) -> Anomaly {
        Anomaly {
            id: Anomaly::id_for(invoice.payment, &report),
            payment: invoice.payment,
            session: invoice.session,
            user: invoice.user,
            mismatch,
            reported: report,
            received_at: now,
            status: AnomalyStatus::Refunding,
        }
    }

    /// The money held in suspense for it.
    pub fn collected(&self) -> Money {
        self.reported.amount
    }
}
