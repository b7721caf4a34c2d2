//! How a session's effects are carried out (docs/domain.md §8, §11): [`plan`] turns the
//! effects an input queued into typed [`Step`]s — records to write, postings to
//! execute, stock to move, calls to queue — so that the host only performs them.
//!
//! Every key a step carries derives from the session: outbox and notification keys
//! from the session id, the version the input brought it to and the effect's index
//! ([`effect_key`]); order ids from the participant ([`crate::orders::order_id`]); the
//! renewal's id
//! from the session it renews ([`renewal_id`]). Replaying the same effects gives the
//! same keys, which is what makes their execution idempotent.
//!
//! `credit_cashback` and `release_escrow` need no step of their own: each order's
//! success split already moves the escrow to the warehouse, the courier payable, fee
//! revenue and the buyer's wallet. [`plan`] checks that claim — a cashback must equal
//! its participant's split, the escrow release the sum of the splits — and yields a
//! [`Step::Covered`] for each; a mismatch is a [`StepError`].

mod invoice;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::grosir::StockLevel;
use crate::ids::{OrderId, ParticipantId, PaymentId, ProductId, SessionId, UserId};
use crate::ledger::{derive_uuid, Chart, Posting, RecipeError, SuccessSplit};
use crate::money::{Money, MoneyError};
use crate::orders::{Order, OrderError, OrderStatus};
use crate::payments::Invoice;
use crate::purchasing::{OverTolerancePolicy, PurchaseOrderRecord, PurchasingError};
use crate::refunds::RefundSource;
use crate::session::{
    Effect, EscrowRelease, Notification, OrderRequest, RefundReason, Session, SessionConfig,
    Settlement, StockReservation,
};

pub use invoice::{InvoiceDetails, InvoiceLine};

/// The purpose tag of effect keys (see [`effect_key`]).
pub const EFFECT_KEY_PURPOSE: u64 = 0xE001 << 48;
/// The purpose tag of renewal ids (see [`renewal_id`]).
pub const RENEWAL_ID_PURPOSE: u64 = 0xE003 << 48;

/// The key of effect `index` of the input that brought `session` to `version`:
/// `derive_uuid(session, EFFECT_KEY_PURPOSE | version (32 bits) << 16 | index (16 bits))`.
/// The host uses it as the outbox id of the effect's call and as the key of its
/// notification record.
pub fn effect_key(session: SessionId, version: u64, index: usize) -> Uuid {
    let index = u64::try_from(index).unwrap_or(u64::MAX) & 0xFFFF;
    let purpose = EFFECT_KEY_PURPOSE | (version & 0xFFFF_FFFF) << 16 | index;
    derive_uuid(*session.as_uuid(), purpose)
}

/// The id of the session that renews `previous`.
pub fn renewal_id(previous: SessionId) -> SessionId {
    SessionId::from_uuid(derive_uuid(*previous.as_uuid(), RENEWAL_ID_PURPOSE))
}

/// An effect that needs no step of its own, with what was checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum Covered {
    /// A participant's cashback: the cashback leg of its success split.
    Cashback {
        /// The participant.
        participant: ParticipantId,
        /// The amount, equal to its split's cashback.
        amount: Money,
    },
    /// The session's escrow release: the sum of its success splits.
    EscrowRelease {
        /// Everything that left escrow, equal to the splits' total.
        escrow_total: Money,
    },
}

/// One thing the host does to carry out an effect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    /// Store the join's invoice record and queue its creation at the gateway under
    /// outbox id `outbox` (the gateway's idempotency key is the payment id).
    CreateInvoice {
        /// The outbox id.
        outbox: Uuid,
        /// The invoice record, not yet created at the gateway.
        invoice: Invoice,
        /// What the invoice shows.
        details: InvoiceDetails,
    },
    /// Queue the expiry of an open invoice at the gateway under outbox id `outbox`.
    ExpireInvoice {
        /// The outbox id.
        outbox: Uuid,
        /// The invoice's payment id.
        payment: PaymentId,
    },
    /// Start the refund of a payment held in escrow (its first attempt; the refund
    /// book in [`crate::refunds`] takes it from there).
    StartRefund {
        /// Where the money is held.
        source: RefundSource,
        /// The payer.
        user: UserId,
        /// The amount, everything paid.
        amount: Money,
        /// Why.
        reason: RefundReason,
    },
    /// Execute a participant's success split: escrow → warehouse, courier payable,
    /// fee revenue and the buyer's wallet (cashback), one linked batch.
    PostSuccessSplit {
        /// The posting ([`Chart::success_split`]).
        posting: Posting,
    },
    /// Store a new order (key: its participant).
    RecordOrder {
        /// The order, `ready_to_ship` (its units are reserved by the same input).
        order: Order,
    },
    /// Book the shipment of a recorded order: the host reads the participant's
    /// [`crate::quotes::Delivery`] and asks the order for its booking
    /// ([`Order::plan_booking`]); without a recipient the order waits for an operator.
    BookShipment {
        /// The order.
        order: OrderId,
        /// Its participant (the delivery's key).
        participant: ParticipantId,
    },
    /// Nothing to do: the effect is carried out by the success splits (checked).
    Covered(Covered),
    /// Reserve a confirmed session's units in the product's stock.
    ReserveStock {
        /// The product.
        product: ProductId,
        /// Units per variant.
        lines: Vec<StockReservation>,
    },
    /// Store the purchase order issued for a session (key: the session).
    RecordPurchaseOrder {
        /// The record, `issued`.
        record: PurchaseOrderRecord,
    },
    /// Pledge the stock on hand a session awaiting its purchase order counts on.
    PledgeStock {
        /// The product.
        product: ProductId,
        /// Units per variant.
        levels: Vec<StockLevel>,
    },
    /// Cancel the session's stored purchase order
    /// ([`PurchaseOrderRecord::cancel`]) and apply the returned change (its pledge
    /// released) to the product's stock.
    CancelPurchaseOrder {
        /// The session (the record's key).
        session: SessionId,
        /// The product.
        product: ProductId,
    },
    /// Store a notification (key: `key`) and put it in the inbox of each of
    /// `recipients` ([`crate::inbox::InboxEntry::for_recipients`]), each entry to be
    /// delivered through the notification port.
    Notify {
        /// The record key.
        key: Uuid,
        /// What to tell.
        notification: Notification,
        /// The users it concerns ([`crate::inbox::recipients`]).
        recipients: Vec<UserId>,
    },
    /// Create the renewal session, unless it exists.
    RenewSession {
        /// Its id ([`renewal_id`]).
        id: SessionId,
        /// Its configuration.
        config: SessionConfig,
    },
}

/// Why the effects could not be planned: they contradict the session (a bug, never
/// a user's input). Nothing should be executed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StepError {
    /// An order for a participant the session does not have.
    #[error("order for unknown participant {participant}")]
    UnknownParticipant {
        /// The participant.
        participant: ParticipantId,
    },
    /// A participant's success split could not be built.
    #[error("success split of participant {participant}: {source}")]
    Split {
        /// The participant.
        participant: ParticipantId,
        /// Why.
        source: RecipeError,
    },
    /// A cashback credit without an order (and split) for its participant before it.
    #[error("cashback for participant {participant} without an order")]
    CashbackWithoutOrder {
        /// The participant.
        participant: ParticipantId,
    },
    /// A cashback credit that differs from its participant's split.
    #[error("cashback of participant {participant} is {effect}, its split credits {split}")]
    CashbackMismatch {
        /// The participant.
        participant: ParticipantId,
        /// The effect's amount.
        effect: Money,
        /// The split's cashback leg.
        split: Money,
    },
    /// An escrow release whose part differs from the sum of the splits.
    #[error("escrow release: {part} is {release}, the splits add up to {splits}")]
    EscrowMismatch {
        /// `"warehouse"`, `"courier"`, `"platform_fee"`, `"cashback"` or `"escrow_total"`.
        part: &'static str,
        /// The release's amount.
        release: Money,
        /// The splits' sum.
        splits: Money,
    },
    /// Adding the splits up failed (currency, overflow).
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// A purchase order without the session's warehouse plan behind it.
    #[error("purchase order of session {session} without a warehouse plan")]
    NoPlan {
        /// The session.
        session: SessionId,
    },
    /// The purchase order could not be recorded.
    #[error(transparent)]
    PurchaseOrder(#[from] PurchasingError),
    /// An order could not be made ready to ship.
    #[error(transparent)]
    Order(#[from] OrderError),
}

impl StepError {
    /// A stable machine-readable code.
    pub const fn code(&self) -> &'static str {
        match self {
            StepError::UnknownParticipant { .. } => "step.unknown_participant",
            StepError::Split { .. } => "step.split",
            StepError::CashbackWithoutOrder { .. } => "step.cashback_without_order",
            StepError::CashbackMismatch { .. } => "step.cashback_mismatch",
            StepError::EscrowMismatch { .. } => "step.escrow_mismatch",
            StepError::Money(e) => e.code(),
            StepError::NoPlan { .. } => "step.no_plan",
            StepError::PurchaseOrder(e) => e.code(),
            StepError::Order(e) => e.code(),
        }
    }
}

/// The steps that carry out `effects`, queued by the input that brought `session`
/// (already updated) to `version`, in effect order. Money goes through `chart`;
/// purchase orders of over-tolerance plans are issued ([`plan_with`] chooses).
pub fn plan(
    session: &Session,
    version: u64,
    effects: Vec<Effect>,
    chart: &Chart,
) -> Result<Vec<Step>, StepError> {
    plan_with(
        session,
        version,
        effects,
        chart,
        OverTolerancePolicy::Proceed,
    )
}

/// [`plan`], with `policy` deciding what happens to the purchase order of a plan
/// that leaves a variant over its tolerance (held: recorded `awaiting_approval`,
/// not sent to the factory).
pub fn plan_with(
    session: &Session,
    version: u64,
    effects: Vec<Effect>,
    chart: &Chart,
    policy: OverTolerancePolicy,
) -> Result<Vec<Step>, StepError> {
    let mut planner = Planner {
        session,
        chart,
        policy,
        splits: BTreeMap::new(),
        steps: Vec::with_capacity(effects.len().saturating_add(4)),
    };
    for (index, effect) in effects.into_iter().enumerate() {
        planner.effect(effect_key(session.id(), version, index), effect)?;
    }
    Ok(planner.steps)
}

struct Planner<'a> {
    session: &'a Session,
    chart: &'a Chart,
    policy: OverTolerancePolicy,
    splits: BTreeMap<ParticipantId, SuccessSplit>,
    steps: Vec<Step>,
}

impl Planner<'_> {
    fn effect(&mut self, key: Uuid, effect: Effect) -> Result<(), StepError> {
        let id = self.session.id();
        let product = self.session.state().config().product;
        let step = match effect {
            Effect::CreateInvoice(request) => {
                let invoice = Invoice {
                    session: id,
                    participant: request.participant,
                    payment: request.payment,
                    user: request.user,
                    amount: request.amount,
                    expires_at: request.expires_at,
                    provider_invoice_id: None,
                    url: None,
                    abandoned: false,
                };
                let config = self.session.state().config();
                let details = InvoiceDetails::for_join(config, &invoice, &request.cost);
                Step::CreateInvoice {
                    outbox: key,
                    invoice,
                    details,
                }
            }
            Effect::ExpireInvoice { payment, .. } => Step::ExpireInvoice {
                outbox: key,
                payment,
            },
            Effect::RefundPayment {
                payment,
                user,
                amount,
                reason,
                ..
            } => Step::StartRefund {
                source: RefundSource::Escrow {
                    session: id,
                    payment,
                },
                user,
                amount,
                reason,
            },
            Effect::CreateOrder(request) => return self.order(*request),
            Effect::CreditCashback {
                participant,
                amount,
                ..
            } => Step::Covered(self.cashback(participant, amount)?),
            Effect::ReleaseEscrow(release) => Step::Covered(self.release(&release)?),
            Effect::ReserveStock { lines } => Step::ReserveStock { product, lines },
            Effect::IssuePurchaseOrder { purchase_order } => {
                return self.purchase_order(*purchase_order)
            }
            Effect::CancelPurchaseOrder { .. } => Step::CancelPurchaseOrder {
                session: id,
                product,
            },
            Effect::Notify { notification } => Step::Notify {
                key,
                recipients: crate::inbox::recipients(self.session.state(), &notification),
                notification,
            },
            Effect::RenewSession(renewal) => Step::RenewSession {
                id: renewal_id(renewal.previous),
                config: renewal.config,
            },
        };
        self.steps.push(step);
        Ok(())
    }

    /// The participant's success split (from what it paid, at the final price) and
    /// its order.
    fn order(&mut self, request: OrderRequest) -> Result<(), StepError> {
        let participant = request.participant;
        let paid = self
            .session
            .state()
            .participant(participant)
            .ok_or(StepError::UnknownParticipant { participant })?;
        let split = SuccessSplit::from_cost(
            participant,
            self.session.id(),
            request.user,
            &paid.cost,
            request.final_unit_price,
        )
        .map_err(|source| StepError::Split {
            participant,
            source,
        })?;
        self.splits.insert(participant, split);
        self.steps.push(Step::PostSuccessSplit {
            posting: self.chart.success_split(&split),
        });
        let mut order = Order::create(self.session.id(), request);
        // The session reserves every order's units as it confirms (reserve_stock
        // comes first among its effects), so each order is ready to ship at once.
        order.advance(OrderStatus::ReadyToShip)?;
        let id = order.id();
        self.steps.push(Step::RecordOrder { order });
        self.steps.push(Step::BookShipment {
            order: id,
            participant,
        });
        Ok(())
    }

    fn cashback(&self, participant: ParticipantId, amount: Money) -> Result<Covered, StepError> {
        let split = self
            .splits
            .get(&participant)
            .ok_or(StepError::CashbackWithoutOrder { participant })?;
        if split.cashback != amount {
            return Err(StepError::CashbackMismatch {
                participant,
                effect: amount,
                split: split.cashback,
            });
        }
        Ok(Covered::Cashback {
            participant,
            amount,
        })
    }

    fn release(&self, release: &EscrowRelease) -> Result<Covered, StepError> {
        let currency = release.escrow_total.currency();
        let sum = |leg: fn(&SuccessSplit) -> Money| {
            Money::checked_sum(currency, self.splits.values().map(leg))
        };
        let totals = self
            .splits
            .values()
            .map(SuccessSplit::total)
            .collect::<Result<Vec<_>, _>>()?;
        let parts = [
            ("warehouse", release.warehouse, sum(|s| s.warehouse)?),
            ("courier", release.courier, sum(|s| s.courier)?),
            (
                "platform_fee",
                release.platform_fee,
                sum(|s| s.gateway_fee)?,
            ),
            ("cashback", release.cashback, sum(|s| s.cashback)?),
            (
                "escrow_total",
                release.escrow_total,
                Money::checked_sum(currency, totals)?,
            ),
        ];
        for (part, release, splits) in parts {
            if release != splits {
                return Err(StepError::EscrowMismatch {
                    part,
                    release,
                    splits,
                });
            }
        }
        Ok(Covered::EscrowRelease {
            escrow_total: release.escrow_total,
        })
    }

    /// The record of the issued order, pledging the stock on hand its plan counts on.
    fn purchase_order(
        &mut self,
        purchase_order: crate::grosir::PurchaseOrder,
    ) -> Result<(), StepError> {
        let session = self.session.id();
        let plan = match self.session.state().settlement() {
            Some(Settlement::Succeeded(success)) => success.plan.as_ref(),
            _ => None,
        }
        .ok_or(StepError::NoPlan { session })?;
        let pledge = plan.pledge();
        let mut record = PurchaseOrderRecord::issue(session, purchase_order, pledge.clone())?;
        if plan.over_tolerance && self.policy == OverTolerancePolicy::HoldForApproval {
            record.hold_for_approval()?;
        }
        self.steps.push(Step::RecordPurchaseOrder { record });
        if !pledge.is_empty() {
            self.steps.push(Step::PledgeStock {
                product: self.session.state().config().product,
                levels: pledge,
            });
        }
        Ok(())
    }
}
