//! Payment results from the gateway (webhooks), each idempotent.

use chrono::{DateTime, Utc};

use crate::ids::PaymentId;
use crate::money::Money;
use crate::session::error::SessionError;
use crate::session::event::Event;
use crate::session::machine::{Outcome, Session};
use crate::session::participant::{Participant, ParticipantStatus};
use crate::session::state::SessionStatus;

impl Session {
    fn payer(&self, payment: PaymentId) -> Result<&Participant, SessionError> {
        self.state()
            .participant_by_payment(payment)
            .ok_or(SessionError::UnknownPayment { payment })
    }

    /// The gateway reports `payment` paid with `amount` (which must be the amount due).
    ///
    /// - A pending participant of an open session becomes paid and counts toward
    ///   fill (even if `end` has passed but the settlement timer has not run yet).
    /// - A payment that arrives after settlement or cancellation, or for a
    ///   participant who expired, failed or left, is refunded in full.
    /// - A payment already recorded (a repeated webhook) changes nothing.
    pub fn payment_confirmed(
        &mut self,
        payment: PaymentId,
        amount: Money,
        now: DateTime<Utc>,
    ) -> Result<Outcome, SessionError> {
        let p = self.payer(payment)?;
        if p.paid_at.is_some() {
            return Ok(Outcome::Unchanged);
        }
        if amount != p.cost.total {
            return Err(SessionError::AmountMismatch {
                payment,
                expected: p.cost.total,
                received: amount,
            });
        }
        let participant = p.id;
        let on_time =
            p.status == ParticipantStatus::Pending && self.state().status() == SessionStatus::Open;
        let event = if on_time {
            Event::PaymentConfirmed {
                participant,
                payment,
                amount,
                at: now,
            }
        } else {
            Event::LatePaymentRefunded {
                participant,
                payment,
                amount,
                at: now,
            }
        };
        self.commit([event])
    }

    /// The gateway reports `payment` failed: a pending participant stops counting
    /// and frees its availability. Already closed (failed, expired, left) → unchanged;
    /// already paid → error.
    pub fn payment_failed(
        &mut self,
        payment: PaymentId,
        now: DateTime<Utc>,
    ) -> Result<Outcome, SessionError> {
        self.close_pending(payment, now, false)
    }

    /// The gateway reports the invoice of `payment` expired: like
    /// [`Session::payment_failed`], with the participant marked expired.
    pub fn payment_expired(
        &mut self,
        payment: PaymentId,
        now: DateTime<Utc>,
    ) -> Result<Outcome, SessionError> {
        self.close_pending(payment, now, true)
    }

    fn close_pending(
        &mut self,
        payment: PaymentId,
        now: DateTime<Utc>,
        expired: bool,
    ) -> Result<Outcome, SessionError> {
        let p = self.payer(payment)?;
        if p.paid_at.is_some() {
            return Err(SessionError::PaymentAlreadyReceived { payment });
        }
        if p.status != ParticipantStatus::Pending {
            return Ok(Outcome::Unchanged);
        }
        let participant = p.id;
        let event = if expired {
            Event::PaymentExpired {
                participant,
                payment,
                at: now,
            }
        } else {
            Event::PaymentFailed {
                participant,
                payment,
                at: now,
            }
        };
        self.commit([event])
    }
}
