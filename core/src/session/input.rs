//! Inputs as data, for hosts and test scripts that drive a session from JSON.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::grosir::StockLevel;
use crate::ids::{ParticipantId, PaymentId};
use crate::money::Money;
use crate::session::error::SessionError;
use crate::session::join::JoinRequest;
use crate::session::machine::{Outcome, Session};

/// One input to a session, serialised with a `"type"` tag in snake_case.
/// [`Session::handle`] dispatches it to the matching method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "SessionInput")
)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Input {
    /// [`Session::join`].
    Join {
        /// The time of the input.
        now: DateTime<Utc>,
        /// The join.
        request: JoinRequest,
    },
    /// [`Session::payment_confirmed`].
    PaymentConfirmed {
        /// The time of the input.
        now: DateTime<Utc>,
        /// The payment.
        payment: PaymentId,
        /// The amount received.
        amount: Money,
    },
    /// [`Session::payment_failed`].
    PaymentFailed {
        /// The time of the input.
        now: DateTime<Utc>,
        /// The payment.
        payment: PaymentId,
    },
    /// [`Session::payment_expired`].
    PaymentExpired {
        /// The time of the input.
        now: DateTime<Utc>,
        /// The payment.
        payment: PaymentId,
    },
    /// [`Session::leave`].
    Leave {
        /// The time of the input.
        now: DateTime<Utc>,
        /// The participant leaving.
        participant: ParticipantId,
    },
    /// [`Session::handle_timeout`].
    Timeout {
        /// The time of the input.
        now: DateTime<Utc>,
        /// Warehouse stock of the product's variants (read at settlement).
        #[serde(default)]
        stock: Vec<StockLevel>,
    },
    /// [`Session::stock_received`].
    StockReceived {
        /// The time of the input.
        now: DateTime<Utc>,
    },
    /// [`Session::cancel`].
    Cancel {
        /// The time of the input.
        now: DateTime<Utc>,
    },
}

impl Input {
    /// The time of the input.
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Input::Join { now, .. }
            | Input::PaymentConfirmed { now, .. }
            | Input::PaymentFailed { now, .. }
            | Input::PaymentExpired { now, .. }
            | Input::Leave { now, .. }
            | Input::Timeout { now, .. }
            | Input::StockReceived { now }
            | Input::Cancel { now } => *now,
        }
    }
}

impl Session {
    /// Runs one input. For a join the receipt's outcome is returned; the amount
    /// due is in the queued `create_invoice` effect.
    pub fn handle(&mut self, input: &Input) -> Result<Outcome, SessionError> {
        match input {
            Input::Join { now, request } => self.join(request, *now).map(|r| r.outcome),
            Input::PaymentConfirmed {
                now,
                payment,
                amount,
            } => self.payment_confirmed(*payment, *amount, *now),
            Input::PaymentFailed { now, payment } => self.payment_failed(*payment, *now),
            Input::PaymentExpired { now, payment } => self.payment_expired(*payment, *now),
            Input::Leave { now, participant } => self.leave(*participant, *now),
            Input::Timeout { now, stock } => self.handle_timeout(*now, stock),
            Input::StockReceived { now } => self.stock_received(*now),
            Input::Cancel { now } => self.cancel(*now),
        }
    }
}
