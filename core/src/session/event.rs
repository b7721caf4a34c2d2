//! Events: what happened to a session, in order. Persist them; `Session::replay`
//! rebuilds the same state from them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::bp::BasisPoints;
use crate::cost::CostBreakdown;
use crate::grosir::WarehousePlan;
use crate::ids::{ParticipantId, PaymentId, SessionId, UserId, VariantId};
use crate::money::Money;
use crate::session::config::SessionConfig;
use crate::tier::RungView;

/// Something that happened to a session. Serialised with a `"type"` tag in snake_case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// The session was created; always the first event of a log.
    Created {
        /// The session's id.
        session: SessionId,
        /// Its validated configuration.
        config: SessionConfig,
        /// When.
        at: DateTime<Utc>,
    },
    /// A join was accepted; its payment is pending.
    Joined {
        /// The new participant.
        participant: ParticipantId,
        /// The shopper.
        user: UserId,
        /// The variant, if any.
        variant: Option<VariantId>,
        /// Units joined.
        quantity: u64,
        /// The payment (invoice) id.
        payment: PaymentId,
        /// The amount due, part by part.
        cost: CostBreakdown,
        /// When the invoice expires.
        invoice_expires_at: DateTime<Utc>,
        /// When.
        at: DateTime<Utc>,
    },
    /// A pending payment was received while the session was open.
    PaymentConfirmed {
        /// The participant.
        participant: ParticipantId,
        /// The payment.
        payment: PaymentId,
        /// The amount received.
        amount: Money,
        /// When.
        at: DateTime<Utc>,
    },
    /// A pending payment failed; the participant's availability is freed.
    PaymentFailed {
        /// The participant.
        participant: ParticipantId,
        /// The payment.
        payment: PaymentId,
        /// When.
        at: DateTime<Utc>,
    },
    /// A pending invoice expired at the gateway; the participant's availability is freed.
    PaymentExpired {
        /// The participant.
        participant: ParticipantId,
        /// The payment.
        payment: PaymentId,
        /// When.
        at: DateTime<Utc>,
    },
    /// The payment window of a pending join closed unpaid (docs/domain.md §8): the
    /// participant stops holding availability and its invoice is expired.
    PaymentWindowClosed {
        /// The participant.
        participant: ParticipantId,
        /// The payment.
        payment: PaymentId,
        /// When.
        at: DateTime<Utc>,
    },
    /// A payment arrived too late (after settlement, or for an expired, failed or
    /// departed participant) and is refunded in full.
    LatePaymentRefunded {
        /// The participant.
        participant: ParticipantId,
        /// The payment.
        payment: PaymentId,
        /// The amount received and refunded.
        amount: Money,
        /// When.
        at: DateTime<Utc>,
    },
    /// A pending or paid participant left while the session was open.
    Left {
        /// The participant.
        participant: ParticipantId,
        /// When.
        at: DateTime<Utc>,
    },
    /// The bot check ran (at `end − window`, or at expiry).
    BotChecked {
        /// Paid real units at the check.
        paid_real_quantity: u64,
        /// Bot units before the check.
        previous_bot_quantity: u64,
        /// Bot units after the check (never less than before).
        bot_quantity: u64,
        /// True when the check ran as part of settlement at `end`.
        at_expiry: bool,
        /// When.
        at: DateTime<Utc>,
    },
    /// The session settled at `end` and succeeded.
    Succeeded(Success),
    /// The session settled at `end` and failed.
    Failed(Failure),
    /// Stock for every order is in hand: orders are created and escrow released.
    Confirmed {
        /// When.
        at: DateTime<Utc>,
    },
    /// An admin cancelled the session.
    Cancelled {
        /// When.
        at: DateTime<Utc>,
    },
    /// A renewal of the session is due for this window.
    RenewalDue(Renewal),
}

impl Event {
    /// The snake_case name of the event (its `"type"` in JSON).
    pub const fn kind(&self) -> &'static str {
        match self {
            Event::Created { .. } => "created",
            Event::Joined { .. } => "joined",
            Event::PaymentConfirmed { .. } => "payment_confirmed",
            Event::PaymentFailed { .. } => "payment_failed",
            Event::PaymentExpired { .. } => "payment_expired",
            Event::PaymentWindowClosed { .. } => "payment_window_closed",
            Event::LatePaymentRefunded { .. } => "late_payment_refunded",
            Event::Left { .. } => "left",
            Event::BotChecked { .. } => "bot_checked",
            Event::Succeeded(_) => "succeeded",
            Event::Failed(_) => "failed",
            Event::Confirmed { .. } => "confirmed",
            Event::Cancelled { .. } => "cancelled",
            Event::RenewalDue(_) => "renewal_due",
        }
    }
}

/// The facts of a successful settlement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Success {
    /// When the session settled.
    pub at: DateTime<Utc>,
    /// Units paid by real participants.
    pub paid_real_quantity: u64,
    /// Bot units (fill only).
    pub bot_quantity: u64,
    /// Final fill in basis points of the MOQ.
    pub fill_bp: BasisPoints,
    /// The highest rung reached, if any.
    pub final_rung: Option<RungView>,
    /// The unit price everyone ends up paying.
    pub final_unit_price: Money,
    /// `group price − final unit price`: each paid unit's cashback.
    pub cashback_per_unit: Money,
    /// The warehouse plan; `None` for a product without a grosir bundle.
    pub plan: Option<WarehousePlan>,
}

impl Success {
    /// Whether the session must wait for a purchase order before confirming.
    pub fn awaits_stock(&self) -> bool {
        self.plan
            .as_ref()
            .is_some_and(WarehousePlan::needs_purchase)
    }
}

/// Why a session failed at settlement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum FailureReason {
    /// No real participant had paid.
    NoPaidParticipants,
    /// The fill stayed below the success threshold.
    BelowSuccessThreshold,
}

/// The facts of a failed settlement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Failure {
    /// When the session settled.
    pub at: DateTime<Utc>,
    /// Why it failed.
    pub reason: FailureReason,
    /// Units paid by real participants.
    pub paid_real_quantity: u64,
    /// Bot units.
    pub bot_quantity: u64,
    /// Final fill in basis points of the MOQ.
    pub fill_bp: BasisPoints,
    /// The fill that was needed.
    pub success_threshold: BasisPoints,
}

/// A renewal window, computed when the session settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Renewal {
    /// When the renewal was decided (the settlement time).
    pub at: DateTime<Utc>,
    /// The renewal's start.
    pub start: DateTime<Utc>,
    /// The renewal's end.
    pub end: DateTime<Utc>,
}
