//! Applying an event to the state. The live path and replay run this same code,
//! so a replayed log always gives the live state. Each event is applied
//! atomically: every check and fallible computation happens before any change.

use std::collections::hash_map::Entry;

use chrono::{DateTime, Utc};

use crate::cost::CostBreakdown;
use crate::ids::{ParticipantId, PaymentId, UserId, VariantId};
use crate::session::error::SessionError;
use crate::session::event::Event;
use crate::session::participant::{Participant, ParticipantStatus, RefundReason};
use crate::session::state::{SessionState, SessionStatus, Settlement};
use crate::session::totals::{add, variant_slot, Totals};

fn inconsistent(event: &Event, reason: &'static str) -> SessionError {
    SessionError::InconsistentEvent {
        event: event.kind(),
        reason,
    }
}

/// The fields of a `Joined` event.
struct Join<'a> {
    participant: ParticipantId,
    user: UserId,
    variant: Option<VariantId>,
    quantity: u64,
    payment: PaymentId,
    cost: &'a CostBreakdown,
    invoice_expires_at: DateTime<Utc>,
    at: DateTime<Utc>,
}

impl SessionState {
    /// Applies one event. Errors (a log that does not fit the state) change nothing.
    pub(crate) fn apply(&mut self, event: &Event) -> Result<(), SessionError> {
        let need = |ok: bool, reason| {
            if ok {
                Ok(())
            } else {
                Err(inconsistent(event, reason))
            }
        };
        match event {
            Event::Created { .. } => Err(inconsistent(
                event,
                "a log has exactly one created event, first",
            )),
            Event::Joined {
                participant,
                user,
                variant,
                quantity,
                payment,
                cost,
                invoice_expires_at,
                at,
            } => {
                need(
                    self.status == SessionStatus::Open,
                    "the session is not open",
                )?;
                self.apply_joined(
                    event,
                    Join {
                        participant: *participant,
                        user: *user,
                        variant: *variant,
                        quantity: *quantity,
                        payment: *payment,
                        cost,
                        invoice_expires_at: *invoice_expires_at,
                        at: *at,
                    },
                )
            }
            Event::PaymentConfirmed {
                participant,
                payment,
                at,
                ..
            } => {
                need(
                    self.status == SessionStatus::Open,
                    "the session is not open",
                )?;
                let i = self.position(event, *participant, *payment)?;
                let p = self.participant_at(event, i)?;
                need(
                    p.status == ParticipantStatus::Pending,
                    "the payment is not pending",
                )?;
                let slot = variant_slot(&self.config, p)?;
                let escrow = self.totals.escrow.plus(&p.cost)?;
                let paid_quantity = add(self.totals.paid_quantity, p.quantity)?;
                let demand = slot_value(&self.totals.paid_by_variant, slot)
                    .map(|d| add(d, p.quantity))
                    .transpose()?;
                let at = *at;
                self.totals.escrow = escrow;
                self.totals.paid_quantity = paid_quantity;
                self.totals.paid_count += 1;
                self.forget_pending(i);
                set_slot(&mut self.totals.paid_by_variant, slot, demand);
                if let Some(p) = self.participants.get_mut(i) {
                    p.status = ParticipantStatus::Paid;
                    p.paid_at = Some(at);
                }
                Ok(())
            }
            Event::PaymentFailed {
                participant,
                payment,
                ..
            }
            | Event::PaymentExpired {
                participant,
                payment,
                ..
            }
            | Event::PaymentWindowClosed {
                participant,
                payment,
                ..
            } => {
                let i = self.position(event, *participant, *payment)?;
                let p = self.participant_at(event, i)?;
                need(
                    p.status == ParticipantStatus::Pending,
                    "the payment is not pending",
                )?;
                let status = if matches!(event, Event::PaymentFailed { .. }) {
                    ParticipantStatus::PaymentFailed
                } else {
                    ParticipantStatus::PaymentExpired
                };
                self.release_hold(i)?;
                self.forget_pending(i);
                if let Some(p) = self.participants.get_mut(i) {
                    p.status = status;
                }
                Ok(())
            }
            Event::LatePaymentRefunded {
                participant,
                payment,
                at,
                ..
            } => {
                let i = self.position(event, *participant, *payment)?;
                let p = self.participant_at(event, i)?;
                need(
                    !p.status.holds_availability() && p.paid_at.is_none(),
                    "the participant is still active or already paid",
                )?;
                if let Some(p) = self.participants.get_mut(i) {
                    p.paid_at = Some(*at);
                    p.refund = Some(RefundReason::LatePayment);
                }
                Ok(())
            }
            Event::Left { participant, .. } => {
                need(
                    self.status == SessionStatus::Open,
                    "the session is not open",
                )?;
                let i = self
                    .by_id
                    .get(participant)
                    .copied()
                    .ok_or_else(|| inconsistent(event, "unknown participant"))?;
                let p = self.participant_at(event, i)?;
                let was_paid = match p.status {
                    ParticipantStatus::Pending => false,
                    ParticipantStatus::Paid => true,
                    _ => return Err(inconsistent(event, "the participant is not active")),
                };
                if was_paid {
                    let slot = variant_slot(&self.config, p)?;
                    let escrow = self.totals.escrow.minus(&p.cost)?;
                    let quantity = p.quantity;
                    self.release_hold(i)?;
                    self.totals.escrow = escrow;
                    self.totals.paid_quantity = self.totals.paid_quantity.saturating_sub(quantity);
                    self.totals.paid_count = self.totals.paid_count.saturating_sub(1);
                    let demand = slot_value(&self.totals.paid_by_variant, slot)
                        .map(|d| d.saturating_sub(quantity));
                    set_slot(&mut self.totals.paid_by_variant, slot, demand);
                } else {
                    self.release_hold(i)?;
                    self.forget_pending(i);
                }
                if let Some(p) = self.participants.get_mut(i) {
                    p.status = ParticipantStatus::Left;
                    if was_paid {
                        p.refund = Some(RefundReason::Left);
                    }
                }
                Ok(())
            }
            Event::BotChecked {
                previous_bot_quantity,
                bot_quantity,
                ..
            } => {
                need(
                    self.status == SessionStatus::Open,
                    "the session is not open",
                )?;
                need(
                    *previous_bot_quantity == self.bot_quantity
                        && bot_quantity >= previous_bot_quantity,
                    "the bot quantity only grows from the current one",
                )?;
                self.bot_quantity = *bot_quantity;
                self.bot_window_checked = true;
                Ok(())
            }
            Event::Succeeded(success) => {
                need(
                    self.status == SessionStatus::Open,
                    "the session is not open",
                )?;
                for p in &mut self.participants {
                    if p.status == ParticipantStatus::Pending {
                        p.status = ParticipantStatus::PaymentExpired;
                    }
                }
                self.totals.held.clone_from(&self.totals.paid_by_variant);
                self.totals.pending.clear();
                self.status = SessionStatus::AwaitingStock;
                self.settlement = Some(Settlement::Succeeded(Box::new(success.clone())));
                Ok(())
            }
            Event::Failed(failure) => {
                need(
                    self.status == SessionStatus::Open,
                    "the session is not open",
                )?;
                self.refund_everyone(RefundReason::SessionFailed);
                self.status = SessionStatus::Failed;
                self.settlement = Some(Settlement::Failed(failure.clone()));
                Ok(())
            }
            Event::Confirmed { at } => {
                need(
                    self.status == SessionStatus::AwaitingStock,
                    "the session is not awaiting stock",
                )?;
                self.status = SessionStatus::Confirmed;
                self.confirmed_at = Some(*at);
                Ok(())
            }
            Event::Cancelled { at } => {
                need(
                    matches!(
                        self.status,
                        SessionStatus::Open | SessionStatus::AwaitingStock
                    ),
                    "only open or awaiting-stock sessions can be cancelled",
                )?;
                self.refund_everyone(RefundReason::SessionCancelled);
                self.status = SessionStatus::Cancelled;
                self.cancelled_at = Some(*at);
                Ok(())
            }
            Event::RenewalDue(renewal) => {
                need(
                    self.settlement.is_some() && self.renewal.is_none(),
                    "a renewal follows a settlement, once",
                )?;
                self.renewal = Some(*renewal);
                Ok(())
            }
        }
    }

    fn apply_joined(&mut self, event: &Event, j: Join<'_>) -> Result<(), SessionError> {
        // One hash lookup per index: the vacant entries are filled only once every
        // check has passed.
        let Entry::Vacant(id_slot) = self.by_id.entry(j.participant) else {
            return Err(inconsistent(event, "the participant id is already used"));
        };
        let Entry::Vacant(payment_slot) = self.by_payment.entry(j.payment) else {
            return Err(inconsistent(event, "the payment id is already used"));
        };
        let participant = Participant {
            id: j.participant,
            user: j.user,
            variant: j.variant,
            quantity: j.quantity,
            payment: j.payment,
            cost: *j.cost,
            joined_at: j.at,
            invoice_expires_at: j.invoice_expires_at,
            status: ParticipantStatus::Pending,
            paid_at: None,
            refund: None,
        };
        let slot = variant_slot(&self.config, &participant)?;
        let held = slot_value(&self.totals.held, slot)
            .map(|h| add(h, j.quantity))
            .transpose()?;
        let index = self.participants.len();
        id_slot.insert(index);
        payment_slot.insert(index);
        set_slot(&mut self.totals.held, slot, held);
        self.totals.pending.insert(&participant, index);
        self.participants.push(participant);
        Ok(())
    }

    /// The index of `participant`, checking that `payment` is theirs.
    fn position(
        &self,
        event: &Event,
        participant: ParticipantId,
        payment: PaymentId,
    ) -> Result<usize, SessionError> {
        let i = self
            .by_id
            .get(&participant)
            .copied()
            .ok_or_else(|| inconsistent(event, "unknown participant"))?;
        if self.by_payment.get(&payment) != Some(&i) {
            return Err(inconsistent(event, "the payment is not the participant's"));
        }
        Ok(i)
    }

    fn participant_at(&self, event: &Event, i: usize) -> Result<&Participant, SessionError> {
        self.participants
            .get(i)
            .ok_or_else(|| inconsistent(event, "participant index out of range"))
    }

    /// Takes participant `i` out of the pending index.
    fn forget_pending(&mut self, i: usize) {
        if let Some(p) = self.participants.get(i) {
            self.totals.pending.remove(p, i);
        }
    }

    /// Frees the availability held by participant `i` (pending or paid).
    fn release_hold(&mut self, i: usize) -> Result<(), SessionError> {
        let Some(p) = self.participants.get(i) else {
            return Ok(());
        };
        let slot = variant_slot(&self.config, p)?;
        let held = slot_value(&self.totals.held, slot).map(|h| h.saturating_sub(p.quantity));
        set_slot(&mut self.totals.held, slot, held);
        Ok(())
    }

    /// Failure or cancellation: pending invoices expire, paid participants are
    /// refunded, and nothing is held any more.
    fn refund_everyone(&mut self, reason: RefundReason) {
        for p in &mut self.participants {
            match p.status {
                ParticipantStatus::Pending => p.status = ParticipantStatus::PaymentExpired,
                ParticipantStatus::Paid => {
                    p.status = ParticipantStatus::Refunded;
                    p.refund = Some(reason);
                }
                _ => {}
            }
        }
        self.totals = Totals::empty(&self.config);
    }
}

fn slot_value(values: &[u64], slot: Option<usize>) -> Option<u64> {
    slot.and_then(|s| values.get(s).copied())
}

fn set_slot(values: &mut [u64], slot: Option<usize>, value: Option<u64>) {
    if let (Some(s), Some(v)) = (slot, value) {
        if let Some(x) = values.get_mut(s) {
            *x = v;
        }
    }
}
