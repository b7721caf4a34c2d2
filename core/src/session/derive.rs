//! Effects derived from an event and the state it is applied to. Replay applies
//! events without deriving effects; the live path derives, then applies.

use std::collections::{BTreeMap, VecDeque};

use crate::ids::VariantId;
use crate::session::effect::{
    Effect, EscrowRelease, InvoiceRequest, Notification, OrderRequest, RenewalRequest,
    StockReservation,
};
use crate::session::error::SessionError;
use crate::session::event::Event;
use crate::session::participant::{ParticipantStatus, RefundReason};
use crate::session::state::{SessionState, SessionStatus, Settlement};

impl SessionState {
    /// Appends the effects of `event`, computed on the state *before* it is applied.
    pub(crate) fn derive_effects(
        &self,
        event: &Event,
        out: &mut VecDeque<Effect>,
    ) -> Result<(), SessionError> {
        match event {
            Event::Joined {
                participant,
                user,
                payment,
                cost,
                invoice_expires_at,
                ..
            } => out.push_back(Effect::CreateInvoice(Box::new(InvoiceRequest {
                participant: *participant,
                payment: *payment,
                user: *user,
                amount: cost.total,
                cost: *cost,
                expires_at: *invoice_expires_at,
            }))),
            Event::PaymentConfirmed {
                participant,
                payment,
                ..
            } => {
                if let Some(p) = self.participant_by_payment(*payment) {
                    out.push_back(Effect::Notify {
                        notification: Notification::PaymentReceived {
                            participant: *participant,
                            user: p.user,
                        },
                    });
                }
            }
            Event::LatePaymentRefunded {
                participant,
                payment,
                amount,
                ..
            } => {
                if let Some(p) = self.participant_by_payment(*payment) {
                    out.push_back(Effect::RefundPayment {
                        participant: *participant,
                        payment: *payment,
                        user: p.user,
                        amount: *amount,
                        reason: RefundReason::LatePayment,
                    });
                }
            }
            Event::PaymentWindowClosed {
                participant,
                payment,
                ..
            } => out.push_back(Effect::ExpireInvoice {
                participant: *participant,
                payment: *payment,
            }),
            Event::Left { participant, .. } => {
                if let Some(p) = self.participant(*participant) {
                    match p.status {
                        ParticipantStatus::Pending => out.push_back(Effect::ExpireInvoice {
                            participant: p.id,
                            payment: p.payment,
                        }),
                        ParticipantStatus::Paid => out.push_back(Effect::RefundPayment {
                            participant: p.id,
                            payment: p.payment,
                            user: p.user,
                            amount: p.cost.total,
                            reason: RefundReason::Left,
                        }),
                        _ => {}
                    }
                }
            }
            Event::Succeeded(success) => {
                self.expire_pending(out);
                if let Some(po) = success
                    .plan
                    .as_ref()
                    .and_then(|p| p.purchase_order.clone().map(Box::new))
                {
                    out.push_back(Effect::IssuePurchaseOrder { purchase_order: po });
                }
                out.push_back(Effect::Notify {
                    notification: Notification::SessionSucceeded {
                        final_unit_price: success.final_unit_price,
                        awaiting_stock: success.awaits_stock(),
                    },
                });
            }
            Event::Failed(failure) => {
                self.refund_all(RefundReason::SessionFailed, out);
                out.push_back(Effect::Notify {
                    notification: Notification::SessionFailed {
                        reason: failure.reason,
                    },
                });
            }
            Event::Cancelled { .. } => {
                self.refund_all(RefundReason::SessionCancelled, out);
                if self.status == SessionStatus::AwaitingStock {
                    if let Some(Settlement::Succeeded(s)) = &self.settlement {
                        if let Some(po) = s
                            .plan
                            .as_ref()
                            .and_then(|p| p.purchase_order.clone().map(Box::new))
                        {
                            out.push_back(Effect::CancelPurchaseOrder { purchase_order: po });
                        }
                    }
                }
                out.push_back(Effect::Notify {
                    notification: Notification::SessionCancelled,
                });
            }
            Event::Confirmed { .. } => self.confirm(out)?,
            Event::RenewalDue(renewal) => {
                let mut config = self.config.clone();
                config.start = renewal.start;
                config.end = renewal.end;
                out.push_back(Effect::RenewSession(Box::new(RenewalRequest {
                    previous: self.id,
                    config,
                })));
            }
            Event::Created { .. }
            | Event::PaymentFailed { .. }
            | Event::PaymentExpired { .. }
            | Event::BotChecked { .. } => {}
        }
        Ok(())
    }

    fn expire_pending(&self, out: &mut VecDeque<Effect>) {
        out.extend(
            self.participants
                .iter()
                .filter(|p| p.status == ParticipantStatus::Pending)
                .map(|p| Effect::ExpireInvoice {
                    participant: p.id,
                    payment: p.payment,
                }),
        );
    }

    /// Failure or cancellation: one full refund per paid participant and one
    /// invoice expiry per pending one, in join order.
    fn refund_all(&self, reason: RefundReason, out: &mut VecDeque<Effect>) {
        for p in &self.participants {
            match p.status {
                ParticipantStatus::Pending => out.push_back(Effect::ExpireInvoice {
                    participant: p.id,
                    payment: p.payment,
                }),
                ParticipantStatus::Paid => out.push_back(Effect::RefundPayment {
                    participant: p.id,
                    payment: p.payment,
                    user: p.user,
                    amount: p.cost.total,
                    reason,
                }),
                _ => {}
            }
        }
    }

    /// Entering `Confirmed`: reserve stock, one order and one cashback credit per
    /// paid real participant (join order), release escrow, notify.
    fn confirm(&self, out: &mut VecDeque<Effect>) -> Result<(), SessionError> {
        let Some(Settlement::Succeeded(success)) = &self.settlement else {
            return Err(SessionError::InconsistentEvent {
                event: "confirmed",
                reason: "the session has not succeeded",
            });
        };
        let group_price = self.config.group_price();
        let final_price = success.final_unit_price;
        let saving = success.cashback_per_unit;
        out.push_back(Effect::ReserveStock {
            lines: self.reservations(),
        });
        // An order and a cashback credit per paid participant, then the escrow
        // release and the notification: reserve once instead of growing.
        let per_participant = usize::try_from(self.totals.paid_count).unwrap_or(0);
        out.reserve(per_participant.saturating_mul(2).saturating_add(2));
        for p in self
            .participants
            .iter()
            .filter(|p| p.status == ParticipantStatus::Paid)
        {
            let cashback = saving.checked_mul_qty(p.quantity)?;
            out.push_back(Effect::CreateOrder(Box::new(OrderRequest {
                participant: p.id,
                user: p.user,
                variant: p.variant,
                quantity: p.quantity,
                paid_unit_price: group_price,
                final_unit_price: final_price,
                cashback,
                payment: p.payment,
                cost: p.cost,
            })));
            if !cashback.is_zero() {
                out.push_back(Effect::CreditCashback {
                    participant: p.id,
                    user: p.user,
                    amount: cashback,
                });
            }
        }
        let escrow = &self.totals.escrow;
        let quantity = self.totals.paid_quantity;
        let cashback = saving.checked_mul_qty(quantity)?;
        let warehouse = final_price
            .checked_mul_qty(quantity)?
            .checked_add(escrow.leg1)?;
        out.push_back(Effect::ReleaseEscrow(Box::new(EscrowRelease {
            warehouse,
            courier: escrow.leg2,
            platform_fee: escrow.fee,
            cashback,
            escrow_total: escrow.total()?,
        })));
        out.push_back(Effect::Notify {
            notification: Notification::SessionConfirmed {
                final_unit_price: final_price,
            },
        });
        Ok(())
    }

    /// Paid units per variant: bundle order with a bundle, else by variant id.
    fn reservations(&self) -> Vec<StockReservation> {
        match self.config.bundle() {
            Some(bundle) => bundle
                .variants()
                .iter()
                .zip(&self.totals.paid_by_variant)
                .filter(|(_, &units)| units > 0)
                .map(|(v, &units)| StockReservation {
                    variant: Some(v.variant),
                    units,
                })
                .collect(),
            None => {
                let mut by_variant: BTreeMap<Option<VariantId>, u64> = BTreeMap::new();
                for p in self
                    .participants
                    .iter()
                    .filter(|p| p.status == ParticipantStatus::Paid)
                {
                    let units = by_variant.entry(p.variant).or_insert(0);
                    *units = units.saturating_add(p.quantity);
                }
                by_variant
                    .into_iter()
                    .map(|(variant, units)| StockReservation { variant, units })
                    .collect()
            }
        }
    }
}
