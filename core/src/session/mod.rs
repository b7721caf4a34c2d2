//! The session state machine (docs/domain.md §5): sans-IO, inputs in, events and effects out.
//!
//! A [`Session`] takes inputs — [`Session::join`], [`Session::payment_confirmed`],
//! [`Session::payment_failed`], [`Session::payment_expired`], [`Session::leave`],
//! [`Session::handle_timeout`], [`Session::stock_received`], [`Session::cancel`]
//! (or any [`Input`] through [`Session::handle`]) — and queues:
//!
//! - [`Event`]s: what happened, to persist. [`Session::replay`] rebuilds the same
//!   state from them (the live path applies them with the same code);
//! - [`Effect`]s: what the host must do (invoices, refunds, orders, cashback,
//!   purchase orders, stock, escrow, notifications, renewal), each with its
//!   idempotency key.
//!
//! [`Session::poll_timeout`] gives the next deadline. Every input is idempotent:
//! processing it again returns [`Outcome::Unchanged`] and queues nothing. A
//! refused input returns a [`SessionError`] with a stable `code()` and changes
//! nothing. The whole session serialises with serde.
//!
//! Ids are inputs: the caller chooses participant and payment ids at join, the
//! order id for each `create_order` effect, and the id of a renewed session
//! (the `renew_session` effect carries the next config, window included).

mod admin;
mod apply;
mod config;
mod derive;
mod effect;
mod error;
mod event;
mod input;
mod join;
mod leave;
mod listing;
mod machine;
mod participant;
mod payment;
mod pending;
mod renewal;
mod state;
mod timer;
mod totals;

pub use config::{ConfigError, SessionConfig, SessionGrosir};
pub use effect::{
    Effect, EscrowRelease, InvoiceRequest, Notification, OrderRequest, RenewalRequest,
    StockReservation,
};
pub use error::SessionError;
pub use event::{Event, Failure, FailureReason, Renewal, Success};
pub use input::Input;
pub use join::{JoinReceipt, JoinRequest};
pub use listing::{
    SessionFilter, SessionPage, SessionSummary, DEFAULT_SESSION_PAGE, MAX_SESSION_PAGE,
};
pub use machine::{Outcome, Session};
pub use participant::{Participant, ParticipantStatus, RefundReason};
pub use renewal::{jakarta_midnight_at_or_after, next_jakarta_midnight_after, renewal_window};
pub use state::{SessionState, SessionStatus, Settlement};
