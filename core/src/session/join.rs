//! Joining a session (docs/domain.md §6, §8).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::cost::{CostBreakdown, JoinCostInput};
use crate::ids::{ParticipantId, PaymentId, UserId, VariantId};
use crate::money::Money;
use crate::session::error::SessionError;
use crate::session::event::Event;
use crate::session::machine::{Outcome, Session};
use crate::session::participant::Participant;
use crate::session::state::SessionStatus;

/// A shopper's request to join. Ids are chosen by the caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct JoinRequest {
    /// The id of the new participant (also the join's idempotency key).
    pub participant: ParticipantId,
    /// The shopper.
    pub user: UserId,
    /// The id of the payment (invoice) to create.
    pub payment: PaymentId,
    /// The variant: required when the product has a grosir bundle, absent otherwise.
    #[serde(default)]
    pub variant: Option<VariantId>,
    /// Units (1 ..= per-join limit).
    pub quantity: u64,
    /// The unit price the shopper saw; must equal the group price.
    pub expected_unit_price: Money,
    /// The courier price the shopper chose (leg 2).
    pub courier_price: Money,
}

/// What an accepted join gives back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct JoinReceipt {
    /// The participant.
    pub participant: ParticipantId,
    /// The payment to collect.
    pub payment: PaymentId,
    /// The amount due, part by part (`cost.total`).
    pub cost: CostBreakdown,
    /// When the invoice expires: `min(now + invoice lifetime, end)`.
    pub invoice_expires_at: DateTime<Utc>,
    /// `Unchanged` when the same join was already accepted (a retried request).
    pub outcome: Outcome,
}

impl JoinReceipt {
    fn of(p: &Participant, outcome: Outcome) -> Self {
        JoinReceipt {
            participant: p.id,
            payment: p.payment,
            cost: p.cost,
            invoice_expires_at: p.invoice_expires_at,
            outcome,
        }
    }
}

fn same_join(p: &Participant, r: &JoinRequest) -> bool {
    p.user == r.user
        && p.payment == r.payment
        && p.variant == r.variant
        && p.quantity == r.quantity
        && p.cost.leg2 == r.courier_price
}

impl Session {
    /// Accepts a join if the session is open and `start ≤ now < end`, the
    /// quantity is 1 ..= the per-join limit, the expected unit price is the group
    /// price, the user holds fewer unpaid joins than allowed, the variant is part of
    /// the bundle (required with a bundle, refused without one) and the quantity fits
    /// its availability. Payment windows that closed by `now` close first (their
    /// [`Event::PaymentWindowClosed`] comes before the [`Event::Joined`]). Queues a
    /// `create_invoice` effect. O(variants + windows closing).
    ///
    /// Retrying an accepted join (same participant id and details) returns the
    /// original receipt with [`Outcome::Unchanged`]; a different join under a
    /// used participant or payment id is an error.
    pub fn join(
        &mut self,
        request: &JoinRequest,
        now: DateTime<Utc>,
    ) -> Result<JoinReceipt, SessionError> {
        let state = self.state();
        if let Some(p) = state.participant(request.participant) {
            return if same_join(p, request) {
                Ok(JoinReceipt::of(p, Outcome::Unchanged))
            } else {
                Err(SessionError::DuplicateParticipant {
                    participant: request.participant,
                })
            };
        }
        if state.participant_by_payment(request.payment).is_some() {
            return Err(SessionError::DuplicatePayment {
                payment: request.payment,
            });
        }
        if state.status() != SessionStatus::Open {
            return Err(SessionError::NotOpen {
                status: state.status(),
            });
        }
        let config = state.config();
        if now < config.start {
            return Err(SessionError::NotStarted {
                start: config.start,
            });
        }
        if now >= config.end {
            return Err(SessionError::Ended { end: config.end });
        }
        if request.quantity == 0 {
            return Err(SessionError::ZeroQuantity);
        }
        if request.quantity > config.per_join_limit {
            return Err(SessionError::QuantityAboveLimit {
                quantity: request.quantity,
                limit: config.per_join_limit,
            });
        }
        if request.expected_unit_price != config.group_price() {
            return Err(SessionError::StalePrice {
                shown: request.expected_unit_price,
                group_price: config.group_price(),
            });
        }
        // Windows that closed by `now` but whose timer has not run yet close with
        // this join: they no longer hold availability nor count as unpaid.
        let closing = state.windows_closed_at(now);
        let unpaid = state
            .totals
            .pending
            .of_user(request.user)
            .saturating_sub(state.count_of_user(&closing, request.user));
        if unpaid >= config.pending_joins_per_user {
            return Err(SessionError::PendingJoinLimit {
                user: request.user,
                limit: config.pending_joins_per_user,
            });
        }
        if let Some(bundle) = config.bundle() {
            let variant = request.variant.ok_or(SessionError::VariantRequired)?;
            let index = bundle
                .position(variant)
                .ok_or(SessionError::UnknownVariant { variant })?;
            let held = state.held_without(&closing)?;
            let availability = bundle.availability_at(index, &held)?;
            if !availability.allows(request.quantity) {
                return Err(SessionError::NotEnoughAvailable {
                    variant,
                    requested: request.quantity,
                    available: availability.available.unwrap_or(0),
                    constraining_variant: availability.constraining_variant.unwrap_or(variant),
                });
            }
        } else {
            config.check_variant(request.variant)?;
        }
        let cost = CostBreakdown::for_join(&JoinCostInput {
            quantity: request.quantity,
            group_price: config.group_price(),
            moq: config.moq,
            bulk_shipping_cost: config.bulk_shipping_cost,
            courier_price: request.courier_price,
            gateway_fee_rate: config.gateway_fee_rate,
        })?;
        let invoice_expires_at = now
            .checked_add_signed(config.invoice_ttl())
            .map_or(config.end, |t| t.min(config.end));
        let mut events = self.state().window_events(&closing, now);
        events.push(Event::Joined {
            participant: request.participant,
            user: request.user,
            variant: request.variant,
            quantity: request.quantity,
            payment: request.payment,
            cost,
            invoice_expires_at,
            at: now,
        });
        self.commit(events)?;
        Ok(JoinReceipt {
            participant: request.participant,
            payment: request.payment,
            cost,
            invoice_expires_at,
            outcome: Outcome::Applied,
        })
    }
}
