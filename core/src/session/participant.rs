//! One join of a session and where it stands.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::cost::CostBreakdown;
use crate::ids::{ParticipantId, PaymentId, UserId, VariantId};

/// Where a participant stands. Only `Pending` and `Paid` hold availability;
/// only `Paid` counts toward fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ParticipantStatus {
    /// Joined; the invoice is open.
    Pending,
    /// Paid while the session was open; counts toward fill.
    Paid,
    /// The gateway reported the payment failed.
    PaymentFailed,
    /// The invoice expired (gateway report, or still unpaid when the session settled or was cancelled).
    PaymentExpired,
    /// Left the session while it was open (refunded if they had paid).
    Left,
    /// Paid, then refunded in full because the session failed or was cancelled.
    Refunded,
}

impl ParticipantStatus {
    /// Whether the participant holds grosir availability (pending or paid).
    pub const fn holds_availability(self) -> bool {
        matches!(self, ParticipantStatus::Pending | ParticipantStatus::Paid)
    }

    /// The snake_case name used in JSON.
    pub const fn as_str(self) -> &'static str {
        match self {
            ParticipantStatus::Pending => "pending",
            ParticipantStatus::Paid => "paid",
            ParticipantStatus::PaymentFailed => "payment_failed",
            ParticipantStatus::PaymentExpired => "payment_expired",
            ParticipantStatus::Left => "left",
            ParticipantStatus::Refunded => "refunded",
        }
    }
}

impl fmt::Display for ParticipantStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a payment is refunded. A payment is refunded at most once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RefundReason {
    /// The session settled without reaching its success rule.
    SessionFailed,
    /// An admin cancelled the session.
    SessionCancelled,
    /// The participant left while the session was open.
    Left,
    /// The payment arrived after the session settled, or for a participant that
    /// had expired, failed or left.
    LatePayment,
}

/// One join: who, what, how many, and the money involved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Participant {
    /// Caller-chosen id of this join.
    pub id: ParticipantId,
    /// The shopper.
    pub user: UserId,
    /// The variant, when the product has one.
    pub variant: Option<VariantId>,
    /// Units joined.
    pub quantity: u64,
    /// Caller-chosen id of the payment (invoice).
    pub payment: PaymentId,
    /// The amount due, part by part; `cost.total` is what the payment must be.
    pub cost: CostBreakdown,
    /// When the join was accepted.
    pub joined_at: DateTime<Utc>,
    /// When the invoice expires: `min(joined_at + invoice lifetime, end)`.
    pub invoice_expires_at: DateTime<Utc>,
    /// Where the participant stands.
    pub status: ParticipantStatus,
    /// When the payment was received, if it was.
    pub paid_at: Option<DateTime<Utc>>,
    /// Why the payment was refunded, if it was.
    pub refund: Option<RefundReason>,
}
