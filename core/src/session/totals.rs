//! Running aggregates of a session, kept up to date by every event so that a
//! join, a payment and a preview cost O(variants), not O(participants).
//! They are derived data: never serialised, recomputed when a state is loaded.

use crate::cost::CostBreakdown;
use crate::money::{Currency, Money, MoneyError};
use crate::session::config::SessionConfig;
use crate::session::error::SessionError;
use crate::session::participant::{Participant, ParticipantStatus};
use crate::session::pending::PendingIndex;

/// Money held in escrow for the paid participants, part by part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Escrow {
    pub(crate) product: Money,
    pub(crate) leg1: Money,
    pub(crate) leg2: Money,
    pub(crate) fee: Money,
}

impl Escrow {
    pub(crate) fn zero(currency: Currency) -> Self {
        let z = Money::zero(currency);
        Escrow {
            product: z,
            leg1: z,
            leg2: z,
            fee: z,
        }
    }

    pub(crate) fn plus(&self, cost: &CostBreakdown) -> Result<Escrow, MoneyError> {
        Ok(Escrow {
            product: self.product.checked_add(cost.product)?,
            leg1: self.leg1.checked_add(cost.leg1)?,
            leg2: self.leg2.checked_add(cost.leg2)?,
            fee: self.fee.checked_add(cost.gateway_fee)?,
        })
    }

    pub(crate) fn minus(&self, cost: &CostBreakdown) -> Result<Escrow, MoneyError> {
        Ok(Escrow {
            product: self.product.checked_sub(cost.product)?,
            leg1: self.leg1.checked_sub(cost.leg1)?,
            leg2: self.leg2.checked_sub(cost.leg2)?,
            fee: self.fee.checked_sub(cost.gateway_fee)?,
        })
    }

    /// Everything held: product + leg 1 + leg 2 + fee.
    pub(crate) fn total(&self) -> Result<Money, MoneyError> {
        Money::checked_sum(
            self.product.currency(),
            [self.product, self.leg1, self.leg2, self.fee],
        )
    }
}

/// The aggregates. Vectors are indexed by variant position in the bundle (empty without one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Totals {
    /// Units held per variant by pending and paid participants (`o` of docs/domain.md §6).
    pub(crate) held: Vec<u64>,
    /// Units paid per variant (warehouse demand at success).
    pub(crate) paid_by_variant: Vec<u64>,
    /// Units paid by real participants.
    pub(crate) paid_quantity: u64,
    /// Paid participants.
    pub(crate) paid_count: u64,
    /// Pending participants, by window end and per user.
    pub(crate) pending: PendingIndex,
    /// Escrow held for paid participants.
    pub(crate) escrow: Escrow,
}

pub(crate) fn add(a: u64, b: u64) -> Result<u64, SessionError> {
    a.checked_add(b).ok_or(SessionError::QuantityOverflow)
}

impl Totals {
    pub(crate) fn empty(config: &SessionConfig) -> Self {
        let n = config.variant_count();
        Totals {
            held: vec![0; n],
            paid_by_variant: vec![0; n],
            paid_quantity: 0,
            paid_count: 0,
            pending: PendingIndex::default(),
            escrow: Escrow::zero(config.ladder.currency()),
        }
    }

    /// Recomputes every aggregate from the participants (used when loading a state).
    pub(crate) fn recompute(
        config: &SessionConfig,
        participants: &[Participant],
    ) -> Result<Totals, SessionError> {
        let mut t = Totals::empty(config);
        for (i, p) in participants.iter().enumerate() {
            let slot = variant_slot(config, p)?;
            if p.status.holds_availability() {
                if let Some(h) = slot.and_then(|s| t.held.get_mut(s)) {
                    *h = add(*h, p.quantity)?;
                }
            }
            match p.status {
                ParticipantStatus::Pending => t.pending.insert(p, i),
                ParticipantStatus::Paid => {
                    t.paid_count += 1;
                    t.paid_quantity = add(t.paid_quantity, p.quantity)?;
                    t.escrow = t.escrow.plus(&p.cost)?;
                    if let Some(d) = slot.and_then(|s| t.paid_by_variant.get_mut(s)) {
                        *d = add(*d, p.quantity)?;
                    }
                }
                _ => {}
            }
        }
        Ok(t)
    }
}

/// The position of a participant's variant in the bundle; `None` without a bundle.
pub(crate) fn variant_slot(
    config: &SessionConfig,
    p: &Participant,
) -> Result<Option<usize>, SessionError> {
    match (config.bundle(), p.variant) {
        (None, _) => Ok(None),
        (Some(_), None) => Err(SessionError::VariantRequired),
        (Some(bundle), Some(v)) => bundle
            .position(v)
            .map(Some)
            .ok_or(SessionError::UnknownVariant { variant: v }),
    }
}
