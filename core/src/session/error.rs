//! Why a session input was refused. A refused input changes nothing.

use chrono::{DateTime, Utc};

use crate::cost::CostError;
use crate::grosir::GrosirError;
use crate::ids::{ParticipantId, PaymentId, UserId, VariantId};
use crate::money::{Money, MoneyError};
use crate::session::config::ConfigError;
use crate::session::participant::ParticipantStatus;
use crate::session::state::SessionStatus;
use crate::tier::TierError;

/// Why a session input (or a replayed event) was refused. The state is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// The configuration is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The session has already ended at creation time.
    #[error("cannot create a session at {now}: its window ended at {end}")]
    CreatedAfterEnd {
        /// The creation time.
        now: DateTime<Utc>,
        /// The configured end.
        end: DateTime<Utc>,
    },
    /// The input needs an open session.
    #[error("the session is {status}, not open")]
    NotOpen {
        /// The current status.
        status: SessionStatus,
    },
    /// Joins open at `start`.
    #[error("the session opens at {start}; try again then")]
    NotStarted {
        /// The opening instant.
        start: DateTime<Utc>,
    },
    /// The session's window is over (it settles at the next timer).
    #[error("the session ended at {end}")]
    Ended {
        /// The closing instant.
        end: DateTime<Utc>,
    },
    /// The user already holds as many unpaid joins as the session allows (docs/domain.md §8).
    #[error(
        "user {user} already has {limit} unpaid join(s) in this session: pay or leave it before joining again"
    )]
    PendingJoinLimit {
        /// The user.
        user: UserId,
        /// Unpaid joins allowed per user.
        limit: u32,
    },
    /// A join needs at least one unit.
    #[error("quantity must be at least 1")]
    ZeroQuantity,
    /// Above the per-join limit.
    #[error("quantity {quantity} is above the per-join limit of {limit}")]
    QuantityAboveLimit {
        /// Units asked for.
        quantity: u64,
        /// The limit.
        limit: u64,
    },
    /// The client showed a different price from the group price (stale screen).
    #[error(
        "the price shown ({shown}) is not the group price ({group_price}); refresh and try again"
    )]
    StalePrice {
        /// The price the client sent.
        shown: Money,
        /// The session's group price.
        group_price: Money,
    },
    /// The product has a grosir bundle, so the join must name a variant.
    #[error("this product comes in variants; choose one")]
    VariantRequired,
    /// The variant is not part of the product's bundle.
    #[error("variant {variant} is not offered in this session")]
    UnknownVariant {
        /// The variant given.
        variant: VariantId,
    },
    /// Not enough of the variant is available (docs/domain.md §6).
    #[error("only {available} units of {variant} available until other variants catch up (constrained by {constraining_variant})")]
    NotEnoughAvailable {
        /// The variant asked for.
        variant: VariantId,
        /// Units asked for.
        requested: u64,
        /// Units available.
        available: u64,
        /// The variant that limits it.
        constraining_variant: VariantId,
    },
    /// The participant id is taken by a different join.
    #[error("participant id {participant} is already used by a different join")]
    DuplicateParticipant {
        /// The id.
        participant: ParticipantId,
    },
    /// The payment id is taken by another participant.
    #[error("payment id {payment} is already used by another participant")]
    DuplicatePayment {
        /// The id.
        payment: PaymentId,
    },
    /// No such participant in this session.
    #[error("no participant {participant} in this session")]
    UnknownParticipant {
        /// The id.
        participant: ParticipantId,
    },
    /// No such payment in this session.
    #[error("no payment {payment} in this session")]
    UnknownPayment {
        /// The id.
        payment: PaymentId,
    },
    /// The gateway reports a different amount than the one due.
    #[error("payment {payment}: received {received}, expected {expected}; reconcile it manually")]
    AmountMismatch {
        /// The payment.
        payment: PaymentId,
        /// The amount due.
        expected: Money,
        /// The amount received.
        received: Money,
    },
    /// A paid payment cannot fail or expire.
    #[error("payment {payment} was already received; it cannot fail or expire")]
    PaymentAlreadyReceived {
        /// The payment.
        payment: PaymentId,
    },
    /// Only pending or paid participants can leave.
    #[error("participant {participant} is {status}; only pending or paid participants can leave")]
    ParticipantNotActive {
        /// The participant.
        participant: ParticipantId,
        /// Their status.
        status: ParticipantStatus,
    },
    /// The input does not apply in the session's current status.
    #[error("cannot {action} a session that is {status}")]
    WrongState {
        /// What was asked.
        action: &'static str,
        /// The current status.
        status: SessionStatus,
    },
    /// The stock levels given at settlement do not match the bundle.
    #[error("invalid stock levels: {0}")]
    InvalidStock(GrosirError),
    /// A quantity sum does not fit in 64 bits.
    #[error("quantity overflow: the session's quantities are too large")]
    QuantityOverflow,
    /// A date computation left chrono's range.
    #[error("date out of range while computing {what}")]
    TimeOutOfRange {
        /// What was being computed.
        what: &'static str,
    },
    /// A replayed event does not fit the state (a corrupted or reordered log).
    #[error("event {event} cannot be applied: {reason}")]
    InconsistentEvent {
        /// The event's kind.
        event: &'static str,
        /// What does not fit.
        reason: &'static str,
    },
    /// The amount due could not be computed.
    #[error(transparent)]
    Cost(#[from] CostError),
    /// A grosir computation failed.
    #[error(transparent)]
    Grosir(#[from] GrosirError),
    /// A pricing computation failed.
    #[error(transparent)]
    Tier(#[from] TierError),
    /// A money computation failed.
    #[error(transparent)]
    Money(#[from] MoneyError),
}

impl SessionError {
    /// A stable machine-readable code for this error, shared by every binding.
    pub fn code(&self) -> &'static str {
        match self {
            SessionError::Config(e) => e.code(),
            SessionError::CreatedAfterEnd { .. } => "session.created_after_end",
            SessionError::NotOpen { .. } => "session.not_open",
            SessionError::NotStarted { .. } => "session.not_started",
            SessionError::Ended { .. } => "session.ended",
            SessionError::PendingJoinLimit { .. } => "session.pending_join_limit",
            SessionError::ZeroQuantity => "session.zero_quantity",
            SessionError::QuantityAboveLimit { .. } => "session.quantity_above_limit",
            SessionError::StalePrice { .. } => "session.stale_price",
            SessionError::VariantRequired => "session.variant_required",
            SessionError::UnknownVariant { .. } => "session.unknown_variant",
            SessionError::NotEnoughAvailable { .. } => "session.not_enough_available",
            SessionError::DuplicateParticipant { .. } => "session.duplicate_participant",
            SessionError::DuplicatePayment { .. } => "session.duplicate_payment",
            SessionError::UnknownParticipant { .. } => "session.unknown_participant",
            SessionError::UnknownPayment { .. } => "session.unknown_payment",
            SessionError::AmountMismatch { .. } => "session.amount_mismatch",
            SessionError::PaymentAlreadyReceived { .. } => "session.payment_already_received",
            SessionError::ParticipantNotActive { .. } => "session.participant_not_active",
            SessionError::WrongState { .. } => "session.wrong_state",
            SessionError::InvalidStock(_) => "session.invalid_stock",
            SessionError::QuantityOverflow => "session.quantity_overflow",
            SessionError::TimeOutOfRange { .. } => "session.time_out_of_range",
            SessionError::InconsistentEvent { .. } => "session.inconsistent_event",
            SessionError::Cost(e) => e.code(),
            SessionError::Grosir(e) => e.code(),
            SessionError::Tier(e) => e.code(),
            SessionError::Money(e) => e.code(),
        }
    }
}
