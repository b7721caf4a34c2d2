//! Engine errors: a refused input, a store failure, or a bug-class inconsistency.

use patungan_core::ledger::LedgerError;
use patungan_core::session::SessionError;
use patungan_core::wallet::WalletError;
use patungan_core::{SessionId, WithdrawalId};

use crate::store::StoreError;

/// Why an engine operation did not happen. A refused input changes nothing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EngineError {
    /// No session has this id.
    #[error("no session {0}")]
    UnknownSession(SessionId),
    /// No withdrawal has this id.
    #[error("no withdrawal {0}")]
    UnknownWithdrawal(WithdrawalId),
    /// No order has this id.
    #[error("no order {0}")]
    UnknownOrder(patungan_core::OrderId),
    /// The session refused the input.
    #[error(transparent)]
    Session(#[from] SessionError),
    /// The ledger refused a posting.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// The wallet or withdrawal rules refused the input.
    #[error(transparent)]
    Wallet(#[from] WalletError),
    /// The store failed; the operation may be retried.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A notification refers to something the engine does not know.
    #[error("notification for unknown {what} {id}")]
    UnknownReference {
        /// What kind of object.
        what: &'static str,
        /// Its id or key.
        id: String,
    },
    /// A paid callback arrived before the invoice's creation was recorded: it cannot
    /// be checked yet and must be delivered again (nothing was changed).
    #[error(
        "the invoice of payment {payment} is still being created; deliver the callback again later"
    )]
    InvoiceNotReady {
        /// The payment.
        payment: patungan_core::PaymentId,
    },
    /// A notification lacks what its kind requires.
    #[error("invalid notification: {reason}")]
    InvalidNotification {
        /// What is wrong.
        reason: &'static str,
    },
    /// The refund rules refused an operator's action.
    #[error(transparent)]
    Refund(#[from] patungan_core::refunds::RefundError),
    /// The stock book refused an operation (a counter would overflow or go below zero).
    #[error(transparent)]
    Stock(#[from] patungan_core::stock::StockError),
    /// The purchase order book refused a transition.
    #[error(transparent)]
    PurchaseOrder(#[from] patungan_core::purchasing::PurchasingError),
    /// The order book refused a transition (an operator action on an order that
    /// does not allow it).
    #[error(transparent)]
    Order(#[from] patungan_core::orders::OrderError),
    /// The factory payout book refused an operator's action.
    #[error(transparent)]
    FactoryPayout(#[from] patungan_core::factory_payouts::FactoryPayoutError),
    /// A shipping quote could not be made or used.
    #[error(transparent)]
    Quote(#[from] patungan_core::quotes::QuoteError),
    /// A provider refused or failed a call made while the caller waits (a quote).
    #[error(transparent)]
    Provider(#[from] crate::ports::PortError),
    /// Stored data contradicts itself (a bug or a corrupted database).
    #[error("inconsistent state: {0}")]
    Inconsistent(String),
}

impl EngineError {
    /// A stable machine-readable code, e.g. `"session.not_open"` or `"engine.unknown_session"`.
    pub fn code(&self) -> &'static str {
        match self {
            EngineError::UnknownSession(_) => "engine.unknown_session",
            EngineError::UnknownWithdrawal(_) => "engine.unknown_withdrawal",
            EngineError::UnknownOrder(_) => "engine.unknown_order",
            EngineError::Session(e) => e.code(),
            EngineError::Ledger(e) => e.code(),
            EngineError::Wallet(e) => e.code(),
            EngineError::Store(e) => e.code(),
            EngineError::UnknownReference { .. } => "engine.unknown_reference",
            EngineError::InvoiceNotReady { .. } => "engine.invoice_not_ready",
            EngineError::InvalidNotification { .. } => "engine.invalid_notification",
            EngineError::Refund(e) => e.code(),
            EngineError::Stock(e) => e.code(),
            EngineError::PurchaseOrder(e) => e.code(),
            EngineError::Order(e) => e.code(),
            EngineError::FactoryPayout(e) => e.code(),
            EngineError::Quote(e) => e.code(),
            EngineError::Provider(e) if e.is_retryable() => "provider.unavailable",
            EngineError::Provider(_) => "provider.refused",
            EngineError::Inconsistent(_) => "engine.inconsistent",
        }
    }

    /// The same failure for each member of a group commit that shared it: refusals
    /// and store failures as they are, anything else as an inconsistency naming it.
    pub(crate) fn for_each_of_a_batch(&self) -> EngineError {
        match self {
            EngineError::UnknownSession(id) => EngineError::UnknownSession(*id),
            EngineError::Session(e) => EngineError::Session(e.clone()),
            EngineError::Ledger(e) => EngineError::Ledger(e.clone()),
            EngineError::Store(e) => EngineError::Store(e.clone()),
            EngineError::Quote(e) => EngineError::Quote(e.clone()),
            other => EngineError::Inconsistent(other.to_string()),
        }
    }

    /// Whether repeating the same call may succeed (store conflicts and outages).
    pub fn is_retryable(&self) -> bool {
        match self {
            EngineError::Store(e) => e.is_retryable(),
            EngineError::InvoiceNotReady { .. } => true,
            EngineError::Provider(e) => e.is_retryable(),
            _ => false,
        }
    }
}

impl patungan_core::ErrorCode for EngineError {
    fn code(&self) -> &'static str {
        EngineError::code(self)
    }

    fn is_retryable(&self) -> bool {
        EngineError::is_retryable(self)
    }
}
