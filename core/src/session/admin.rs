//! Inputs from operators: cancelling a session, and the warehouse reporting that
//! a purchase order's stock has arrived.

use chrono::{DateTime, Utc};

use crate::session::error::SessionError;
use crate::session::event::Event;
use crate::session::machine::{Outcome, Session};
use crate::session::state::SessionStatus;

impl Session {
    /// Cancels an open or awaiting-stock session: every paid participant is
    /// refunded in full, pending invoices are expired and an issued purchase order
    /// is cancelled. No renewal follows. Cancelling twice → unchanged.
    pub fn cancel(&mut self, now: DateTime<Utc>) -> Result<Outcome, SessionError> {
        match self.status() {
            SessionStatus::Cancelled => Ok(Outcome::Unchanged),
            SessionStatus::Open | SessionStatus::AwaitingStock => {
                self.commit([Event::Cancelled { at: now }])
            }
            status => Err(SessionError::WrongState {
                action: "cancel",
                status,
            }),
        }
    }

    /// The purchase order's stock has arrived: an awaiting-stock session is
    /// confirmed (reserve stock, create orders, credit cashback, release escrow).
    /// Already confirmed → unchanged.
    pub fn stock_received(&mut self, now: DateTime<Utc>) -> Result<Outcome, SessionError> {
        match self.status() {
            SessionStatus::Confirmed => Ok(Outcome::Unchanged),
            SessionStatus::AwaitingStock => self.commit([Event::Confirmed { at: now }]),
            status => Err(SessionError::WrongState {
                action: "receive stock for",
                status,
            }),
        }
    }
}
