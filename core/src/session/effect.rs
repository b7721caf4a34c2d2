//! Effects: what the host must do after an input (create invoices, refund,
//! create orders …). Each carries the idempotency key the host should use.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::cost::CostBreakdown;
use crate::grosir::PurchaseOrder;
use crate::ids::{ParticipantId, PaymentId, SessionId, UserId, VariantId};
use crate::money::Money;
use crate::session::config::SessionConfig;
use crate::session::event::FailureReason;
use crate::session::participant::RefundReason;

/// Something the host must do. Serialised with a `"type"` tag in snake_case;
/// boxed payloads serialise flat, like the other variants.
///
/// Bot units never appear in an effect: no invoice, order, refund, cashback or
/// stock reservation is ever made for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Effect {
    /// Create an invoice at the gateway. Idempotency key: `payment`.
    CreateInvoice(Box<InvoiceRequest>),
    /// Expire an open invoice at the gateway. Idempotency key: `payment`.
    ExpireInvoice {
        /// The participant.
        participant: ParticipantId,
        /// The invoice's payment id.
        payment: PaymentId,
    },
    /// Refund a payment in full (product, both shipping legs and the gateway fee).
    /// A payment is refunded at most once: idempotency key `payment`.
    RefundPayment {
        /// The participant.
        participant: ParticipantId,
        /// The payment refunded.
        payment: PaymentId,
        /// The payer.
        user: UserId,
        /// The amount paid, refunded in full.
        amount: Money,
        /// Why.
        reason: RefundReason,
    },
    /// Reserve the orders' units in the warehouse (on entering `Confirmed`).
    ReserveStock {
        /// Units per variant; in config order with a bundle, else ordered by variant id.
        lines: Vec<StockReservation>,
    },
    /// Buy bundles from the factory; the session waits in `AwaitingStock`.
    IssuePurchaseOrder {
        /// The purchase order of the warehouse plan.
        purchase_order: Box<PurchaseOrder>,
    },
    /// Cancel the purchase order issued at success (the session was cancelled
    /// while awaiting stock).
    CancelPurchaseOrder {
        /// The purchase order issued earlier.
        purchase_order: Box<PurchaseOrder>,
    },
    /// Create the order of one paid real participant. The host assigns the order
    /// id; idempotency key: `participant` (one order per participant).
    CreateOrder(Box<OrderRequest>),
    /// Credit cashback to a paid real participant's wallet. Idempotency key: `participant`.
    CreditCashback {
        /// The participant.
        participant: ParticipantId,
        /// The wallet owner.
        user: UserId,
        /// `(group price − final unit price) × quantity`.
        amount: Money,
    },
    /// Release the session's escrow (docs/domain.md §8). Idempotency key: the session id.
    ReleaseEscrow(Box<EscrowRelease>),
    /// Tell people something.
    Notify {
        /// What to tell.
        notification: Notification,
    },
    /// Create the next session. The host picks its id; idempotency key: `previous`.
    RenewSession(Box<RenewalRequest>),
}

impl Effect {
    /// The snake_case name of the effect (its `"type"` in JSON).
    pub const fn kind(&self) -> &'static str {
        match self {
            Effect::CreateInvoice(_) => "create_invoice",
            Effect::ExpireInvoice { .. } => "expire_invoice",
            Effect::RefundPayment { .. } => "refund_payment",
            Effect::ReserveStock { .. } => "reserve_stock",
            Effect::IssuePurchaseOrder { .. } => "issue_purchase_order",
            Effect::CancelPurchaseOrder { .. } => "cancel_purchase_order",
            Effect::CreateOrder(_) => "create_order",
            Effect::CreditCashback { .. } => "credit_cashback",
            Effect::ReleaseEscrow(_) => "release_escrow",
            Effect::Notify { .. } => "notify",
            Effect::RenewSession(_) => "renew_session",
        }
    }
}

/// An invoice to create for a join.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct InvoiceRequest {
    /// The participant.
    pub participant: ParticipantId,
    /// The payment id to create the invoice under (idempotency key).
    pub payment: PaymentId,
    /// The payer.
    pub user: UserId,
    /// The amount due (`cost.total`).
    pub amount: Money,
    /// The amount, part by part.
    pub cost: CostBreakdown,
    /// When the invoice must expire.
    pub expires_at: DateTime<Utc>,
}

/// Units of one variant to reserve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StockReservation {
    /// The variant (`None` for joins without one).
    pub variant: Option<VariantId>,
    /// Units.
    pub units: u64,
}

/// The order of one paid real participant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OrderRequest {
    /// The participant (idempotency key).
    pub participant: ParticipantId,
    /// The buyer.
    pub user: UserId,
    /// The variant, if any.
    pub variant: Option<VariantId>,
    /// Units.
    pub quantity: u64,
    /// The unit price paid up front (the group price).
    pub paid_unit_price: Money,
    /// The unit price reached (the final rung's).
    pub final_unit_price: Money,
    /// Cashback credited: `(paid − final) × quantity`.
    pub cashback: Money,
    /// The participant's payment.
    pub payment: PaymentId,
    /// What the participant paid, part by part (for the per-participant escrow split).
    pub cost: CostBreakdown,
}

/// How the escrow of a confirmed session splits (docs/domain.md §8).
///
/// `warehouse + courier + platform_fee + cashback = escrow_total`, the sum of
/// every paid real participant's payment. The cashback part goes to wallets
/// through the [`Effect::CreditCashback`] effects listed before this one; it is
/// shown here so that the split adds up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EscrowRelease {
    /// To the warehouse: final unit price × units + leg 1.
    pub warehouse: Money,
    /// To the courier payable: every leg 2.
    pub courier: Money,
    /// To platform fee revenue: every gateway fee.
    pub platform_fee: Money,
    /// To user wallets as cashback (performed by the `credit_cashback` effects).
    pub cashback: Money,
    /// Everything held in escrow for the session.
    pub escrow_total: Money,
}

/// A notification. Session-wide ones go to every paid real participant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Notification {
    /// A participant's payment was received.
    PaymentReceived {
        /// The participant.
        participant: ParticipantId,
        /// The payer.
        user: UserId,
    },
    /// The session succeeded at this price (orders follow once stock is in).
    SessionSucceeded {
        /// The final unit price.
        final_unit_price: Money,
        /// True while waiting for the factory.
        awaiting_stock: bool,
    },
    /// Orders were created and cashback credited.
    SessionConfirmed {
        /// The final unit price.
        final_unit_price: Money,
    },
    /// The session failed; payments are refunded.
    SessionFailed {
        /// Why.
        reason: FailureReason,
    },
    /// The session was cancelled; payments are refunded.
    SessionCancelled,
}

impl Notification {
    /// The snake_case name of its kind (its JSON `kind` tag).
    pub const fn kind(&self) -> &'static str {
        match self {
            Notification::PaymentReceived { .. } => "payment_received",
            Notification::SessionSucceeded { .. } => "session_succeeded",
            Notification::SessionConfirmed { .. } => "session_confirmed",
            Notification::SessionFailed { .. } => "session_failed",
            Notification::SessionCancelled => "session_cancelled",
        }
    }
}

/// What the host needs to create the renewal of a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RenewalRequest {
    /// The session being renewed (idempotency key: one renewal per session).
    pub previous: SessionId,
    /// The same configuration with the renewal window as `start`/`end`; pass it to
    /// `Session::create` with a new id.
    pub config: SessionConfig,
}
