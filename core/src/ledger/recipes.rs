//! Posting recipes for the money flows of docs/domain.md §8 and the wallet credits and debits of
//! §9: each builds a linked [`Posting`] with deterministic transfer ids.
//!
//! Transfer ids are `derive_uuid(base, tag << 32 | n)` where `base` is the business id
//! the caller already has (payment, participant, credit reference) and `n` an attempt
//! number (refunds) or zero. Replaying a recipe with the same input therefore replays
//! the same transfers, which the ledger reports as already existing: a webhook or timer
//! delivered twice has no second effect.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::chart::{Chart, ChartAccount};
use super::derive::{derive_uuid, purpose};
use super::transfer::{Posting, Transfer, TransferCode};
use crate::cost::CostBreakdown;
use crate::ids::{ParticipantId, PaymentId, SessionId, TransferId, UserId};
use crate::money::{Money, MoneyError};

const PAYMENT_RECEIVED: u32 = 0xB001;
const SPLIT_WAREHOUSE: u32 = 0xB101;
const SPLIT_COURIER: u32 = 0xB102;
const SPLIT_FEE: u32 = 0xB103;
const SPLIT_CASHBACK: u32 = 0xB104;
const REFUND: u32 = 0xB201;
const REFUND_CONFIRM: u32 = 0xB202;
const REFUND_FAIL: u32 = 0xB203;
const WALLET_CREDIT: u32 = 0xB301;
const WALLET_DEBIT: u32 = 0xB302;
const SUSPENSE_RECEIVED: u32 = 0xB401;
const SUSPENSE_REFUND: u32 = 0xB402;
const SUSPENSE_REFUND_CONFIRM: u32 = 0xB403;
const SUSPENSE_REFUND_FAIL: u32 = 0xB404;

fn transfer_id(base: Uuid, tag: u32, n: u32) -> TransferId {
    TransferId::from_uuid(derive_uuid(base, purpose(tag, n)))
}

/// Why a recipe input could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RecipeError {
    /// The final unit price is above the price the buyer paid.
    #[error("final unit price {final_price} is above the group price {group_price}")]
    FinalPriceAboveGroupPrice {
        /// The final unit price given.
        final_price: Money,
        /// The group price paid at join.
        group_price: Money,
    },
    /// A money rule failed (currency mismatch, overflow …).
    #[error(transparent)]
    Money(#[from] MoneyError),
}

impl RecipeError {
    /// A stable machine-readable code for this error, shared by every binding.
    pub fn code(&self) -> &'static str {
        match self {
            RecipeError::FinalPriceAboveGroupPrice { .. } => "recipe.final_price_above_group_price",
            RecipeError::Money(e) => e.code(),
        }
    }
}

/// A buyer's payment confirmed by the gateway: gateway clearing → session escrow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PaymentReceived {
    /// The payment (invoice); the base of the transfer id.
    pub payment: PaymentId,
    /// The session whose escrow receives the money.
    pub session: SessionId,
    /// The amount paid (the join's total).
    pub amount: Money,
}

/// One paid participant's share of a successful session: escrow → warehouse, courier
/// payable, gateway fee revenue and the buyer's wallet (cashback). Zero legs are skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SuccessSplit {
    /// The participant; the base of the transfer ids.
    pub participant: ParticipantId,
    /// The session whose escrow pays out.
    pub session: SessionId,
    /// The buyer, whose wallet receives the cashback.
    pub user: UserId,
    /// Final price × quantity + leg 1.
    pub warehouse: Money,
    /// Leg 2 (the courier price).
    pub courier: Money,
    /// The gateway fee the buyer paid.
    pub gateway_fee: Money,
    /// (Group price − final price) × quantity.
    pub cashback: Money,
}

impl SuccessSplit {
    /// Splits what the participant paid (`cost`) at `final_unit_price`.
    ///
    /// ```
    /// use patungan_core::ledger::SuccessSplit;
    /// use patungan_core::{CostBreakdown, JoinCostInput, Money, Moq, ParticipantId, SessionId, UserId};
    /// let cost = CostBreakdown::for_join(&JoinCostInput {
    ///     quantity: 10,
    ///     group_price: Money::idr(100_000),
    ///     moq: Moq::new(100)?,
    ///     bulk_shipping_cost: Money::idr(500_000),
    ///     courier_price: Money::idr(15_000),
    ///     gateway_fee_rate: patungan_core::cost::DEFAULT_GATEWAY_FEE,
    /// })?;
    /// let split = SuccessSplit::from_cost(
    ///     ParticipantId::from_u128(1), SessionId::from_u128(2), UserId::from_u128(3),
    ///     &cost, Money::idr(90_000),
    /// )?;
    /// assert_eq!(split.warehouse, Money::idr(950_000)); // 10 × 90 000 + 10 × 5 000
    /// assert_eq!(split.cashback, Money::idr(100_000));
    /// assert_eq!(split.total()?, cost.total);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_cost(
        participant: ParticipantId,
        session: SessionId,
        user: UserId,
        cost: &CostBreakdown,
        final_unit_price: Money,
    ) -> Result<Self, RecipeError> {
        let at_final_price = final_unit_price.checked_mul_qty(cost.quantity)?;
        let cashback = cost
            .product
            .checked_sub(at_final_price)
            .map_err(|e| match e {
                MoneyError::Underflow { .. } => RecipeError::FinalPriceAboveGroupPrice {
                    final_price: final_unit_price,
                    group_price: cost
                        .product
                        .checked_div_qty(cost.quantity.max(1), crate::money::Rounding::Down)
                        .unwrap_or(cost.product),
                },
                other => RecipeError::Money(other),
            })?;
        Ok(SuccessSplit {
            participant,
            session,
            user,
            warehouse: at_final_price.checked_add(cost.leg1)?,
            courier: cost.leg2,
            gateway_fee: cost.gateway_fee,
            cashback,
        })
    }

    /// The four legs added up (what leaves escrow).
    pub fn total(&self) -> Result<Money, MoneyError> {
        Money::checked_sum(
            self.warehouse.currency(),
            [
                self.warehouse,
                self.courier,
                self.gateway_fee,
                self.cashback,
            ],
        )
    }
}

/// Where a refund goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RefundDestination {
    /// Back through the gateway to the original payment method: a pending transfer that
    /// is posted only on the gateway's confirmation (and voided on failure, to retry).
    OriginalMethod,
    /// Into the buyer's wallet, at once.
    Wallet,
}

/// A full refund of one payment out of session escrow (failure, cancel, leave).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Refund {
    /// The payment refunded; the base of the transfer id.
    pub payment: PaymentId,
    /// 1 for the first try; a retry after a failed refund uses the next number.
    pub attempt: u32,
    /// The session whose escrow pays.
    pub session: SessionId,
    /// The buyer.
    pub user: UserId,
    /// The amount refunded (everything the buyer paid).
    pub amount: Money,
    /// Original method or wallet.
    pub destination: RefundDestination,
}

/// What the gateway said about a refund to the original method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RefundResult {
    /// The gateway confirmed the refund: post the hold.
    Confirmed,
    /// The refund failed: void the hold; the money is back in escrow for a retry.
    Failed,
}

/// The gateway's answer for one refund attempt to the original method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RefundSettlement {
    /// The payment refunded.
    pub payment: PaymentId,
    /// The attempt answered.
    pub attempt: u32,
    /// Confirmed or failed.
    pub result: RefundResult,
}

/// A payment that arrived after settlement: received into escrow and refunded in full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LatePayment {
    /// The late payment.
    pub payment: PaymentId,
    /// Its (already settled) session.
    pub session: SessionId,
    /// The buyer.
    pub user: UserId,
    /// The amount paid.
    pub amount: Money,
    /// Where the refund goes.
    pub destination: RefundDestination,
}

/// Why a wallet is credited; names the source account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CreditReason {
    /// Cashback out of a session's escrow.
    Cashback {
        /// The session.
        session: SessionId,
    },
    /// A refund out of a session's escrow.
    Refund {
        /// The session.
        session: SessionId,
    },
    /// An admin deposit, funded by the platform.
    Deposit,
}

/// A wallet credit with a unique reference: crediting the same reference again is a
/// no-op; the same reference with different content is an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WalletCredit {
    /// Unique reference of the credit; the base of the transfer id.
    pub reference: Uuid,
    /// The wallet owner.
    pub user: UserId,
    /// The amount credited.
    pub amount: Money,
    /// Cashback, refund or deposit.
    pub reason: CreditReason,
}

/// A purchase paid from a wallet into a session's escrow; refused if it would take
/// the wallet below zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WalletDebit {
    /// Unique reference of the debit; the base of the transfer id.
    pub reference: Uuid,
    /// The wallet owner.
    pub user: UserId,
    /// The session paid for.
    pub session: SessionId,
    /// The amount debited.
    pub amount: Money,
}

/// A full refund of money held in suspense (a payment anomaly) back to its payer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SuspenseRefund {
    /// The anomaly; the base of the transfer id.
    pub anomaly: Uuid,
    /// 1 for the first try; a retry after a failed refund uses the next number.
    pub attempt: u32,
    /// The payer named by the anomaly's invoice (for a refund to the wallet).
    pub user: UserId,
    /// The amount refunded (everything collected).
    pub amount: Money,
    /// Original method or wallet.
    pub destination: RefundDestination,
}

impl Chart {
    /// The transfer id of [`Chart::suspense_received`] for `anomaly`.
    pub fn suspense_transfer_id(&self, anomaly: Uuid) -> TransferId {
        transfer_id(anomaly, SUSPENSE_RECEIVED, 0)
    }

    /// The transfer id of refund `attempt` of the money held for `anomaly`.
    pub fn suspense_refund_transfer_id(&self, anomaly: Uuid, attempt: u32) -> TransferId {
        transfer_id(anomaly, SUSPENSE_REFUND, attempt)
    }

    /// Money collected under a payment anomaly: gateway clearing → suspense.
    pub fn suspense_received(&self, anomaly: Uuid, amount: Money) -> Posting {
        let clearing = self.spec(ChartAccount::GatewayClearing);
        let suspense = self.spec(ChartAccount::Suspense);
        Posting {
            transfers: vec![Transfer::posted(
                self.suspense_transfer_id(anomaly),
                clearing.id,
                suspense.id,
                amount,
            )
            .with_code(TransferCode::SuspenseReceived)],
            accounts: vec![clearing, suspense],
        }
    }

    /// A full refund out of suspense: pending to the gateway (original method) or
    /// posted to the payer's wallet.
    pub fn suspense_refund(&self, input: &SuspenseRefund) -> Posting {
        let id = self.suspense_refund_transfer_id(input.anomaly, input.attempt);
        self.refund_posting(
            ChartAccount::Suspense,
            id,
            input.user,
            input.amount,
            input.destination,
        )
    }

    /// The gateway's answer to a refund out of suspense: post or void the hold.
    pub fn suspense_refund_settled(
        &self,
        anomaly: Uuid,
        attempt: u32,
        result: RefundResult,
    ) -> Posting {
        let pending = self.suspense_refund_transfer_id(anomaly, attempt);
        let transfer = match result {
            RefundResult::Confirmed => Transfer::post(
                transfer_id(anomaly, SUSPENSE_REFUND_CONFIRM, attempt),
                pending,
                None,
            ),
            RefundResult::Failed => {
                Transfer::void(transfer_id(anomaly, SUSPENSE_REFUND_FAIL, attempt), pending)
            }
        };
        Posting {
            accounts: Vec::new(),
            transfers: vec![transfer.with_code(TransferCode::Refund)],
        }
    }

    fn refund_posting(
        &self,
        source: ChartAccount,
        id: TransferId,
        user: UserId,
        amount: Money,
        destination: RefundDestination,
    ) -> Posting {
        let from = self.spec(source);
        let (to, transfer) = match destination {
            RefundDestination::OriginalMethod => {
                let to = self.spec(ChartAccount::GatewayClearing);
                (to, Transfer::pending(id, from.id, to.id, amount))
            }
            RefundDestination::Wallet => {
                let to = self.spec(ChartAccount::Wallet(user));
                (to, Transfer::posted(id, from.id, to.id, amount))
            }
        };
        Posting {
            accounts: vec![from, to],
            transfers: vec![transfer.with_code(TransferCode::Refund)],
        }
    }
}

impl Chart {
    /// The transfer id of [`Chart::payment_received`] for `payment`.
    pub fn payment_transfer_id(&self, payment: PaymentId) -> TransferId {
        transfer_id(*payment.as_uuid(), PAYMENT_RECEIVED, 0)
    }

    /// The transfer id of refund `attempt` of `payment`.
    pub fn refund_transfer_id(&self, payment: PaymentId, attempt: u32) -> TransferId {
        transfer_id(*payment.as_uuid(), REFUND, attempt)
    }

    /// The transfer id of a wallet credit with `reference`.
    pub fn credit_transfer_id(&self, reference: Uuid) -> TransferId {
        transfer_id(reference, WALLET_CREDIT, 0)
    }

    /// The transfer id of a wallet debit with `reference`.
    pub fn debit_transfer_id(&self, reference: Uuid) -> TransferId {
        transfer_id(reference, WALLET_DEBIT, 0)
    }

    /// Payment paid: gateway clearing → session escrow.
    pub fn payment_received(&self, input: &PaymentReceived) -> Posting {
        Posting {
            accounts: vec![
                self.spec(ChartAccount::GatewayClearing),
                self.spec(ChartAccount::SessionEscrow(input.session)),
            ],
            transfers: vec![self.payment_transfer(input.payment, input.session, input.amount)],
        }
    }

    fn payment_transfer(&self, payment: PaymentId, session: SessionId, amount: Money) -> Transfer {
        Transfer::posted(
            self.payment_transfer_id(payment),
            self.id(ChartAccount::GatewayClearing),
            self.escrow(session),
            amount,
        )
        .with_code(TransferCode::PaymentReceived)
    }

    /// Session success, one participant: escrow → warehouse, courier payable, gateway
    /// fee revenue, wallet (cashback), as one linked batch. Zero legs are left out.
    pub fn success_split(&self, input: &SuccessSplit) -> Posting {
        let escrow = self.escrow(input.session);
        let base = *input.participant.as_uuid();
        let legs = [
            (
                SPLIT_WAREHOUSE,
                ChartAccount::Warehouse,
                input.warehouse,
                TransferCode::WarehouseRelease,
            ),
            (
                SPLIT_COURIER,
                ChartAccount::CourierPayable,
                input.courier,
                TransferCode::CourierPayable,
            ),
            (
                SPLIT_FEE,
                ChartAccount::GatewayFeeRevenue,
                input.gateway_fee,
                TransferCode::GatewayFee,
            ),
            (
                SPLIT_CASHBACK,
                ChartAccount::Wallet(input.user),
                input.cashback,
                TransferCode::Cashback,
            ),
        ];
        let mut posting = Posting {
            accounts: vec![self.spec(ChartAccount::SessionEscrow(input.session))],
            transfers: Vec::with_capacity(legs.len()),
        };
        for (tag, account, amount, code) in legs {
            if amount.is_zero() {
                continue;
            }
            posting.accounts.push(self.spec(account));
            posting.transfers.push(
                Transfer::posted(transfer_id(base, tag, 0), escrow, self.id(account), amount)
                    .with_code(code),
            );
        }
        posting
    }

    /// A full refund out of escrow: pending to the gateway (original method) or posted
    /// to the wallet.
    pub fn refund(&self, input: &Refund) -> Posting {
        let id = self.refund_transfer_id(input.payment, input.attempt);
        self.refund_posting(
            ChartAccount::SessionEscrow(input.session),
            id,
            input.user,
            input.amount,
            input.destination,
        )
    }

    /// The gateway's answer to a refund to the original method: post (confirmed) or void
    /// (failed; retry with [`Chart::refund`] and the next attempt number).
    pub fn refund_settled(&self, input: &RefundSettlement) -> Posting {
        let pending = self.refund_transfer_id(input.payment, input.attempt);
        let base = *input.payment.as_uuid();
        let transfer = match input.result {
            RefundResult::Confirmed => Transfer::post(
                transfer_id(base, REFUND_CONFIRM, input.attempt),
                pending,
                None,
            ),
            RefundResult::Failed => {
                Transfer::void(transfer_id(base, REFUND_FAIL, input.attempt), pending)
            }
        };
        Posting {
            accounts: Vec::new(),
            transfers: vec![transfer.with_code(TransferCode::Refund)],
        }
    }

    /// A late payment: received into escrow and refunded in full (attempt 1), linked.
    pub fn late_payment_refund(&self, input: &LatePayment) -> Posting {
        let mut posting = self.payment_received(&PaymentReceived {
            payment: input.payment,
            session: input.session,
            amount: input.amount,
        });
        let refund = self.refund(&Refund {
            payment: input.payment,
            attempt: 1,
            session: input.session,
            user: input.user,
            amount: input.amount,
            destination: input.destination,
        });
        posting.accounts.extend(refund.accounts);
        posting.transfers.extend(refund.transfers);
        posting
    }

    /// A wallet credit: escrow (cashback, refund) or platform funding (deposit) → wallet.
    pub fn wallet_credit(&self, input: &WalletCredit) -> Posting {
        let (source, code) = match input.reason {
            CreditReason::Cashback { session } => {
                (ChartAccount::SessionEscrow(session), TransferCode::Cashback)
            }
            CreditReason::Refund { session } => {
                (ChartAccount::SessionEscrow(session), TransferCode::Refund)
            }
            CreditReason::Deposit => (ChartAccount::PlatformFunding, TransferCode::Deposit),
        };
        let wallet = ChartAccount::Wallet(input.user);
        Posting {
            accounts: vec![self.spec(source), self.spec(wallet)],
            transfers: vec![Transfer::posted(
                self.credit_transfer_id(input.reference),
                self.id(source),
                self.id(wallet),
                input.amount,
            )
            .with_code(code)],
        }
    }

    /// A wallet purchase: wallet → session escrow (refused below zero).
    pub fn wallet_debit(&self, input: &WalletDebit) -> Posting {
        let wallet = ChartAccount::Wallet(input.user);
        let escrow = ChartAccount::SessionEscrow(input.session);
        Posting {
            accounts: vec![self.spec(wallet), self.spec(escrow)],
            transfers: vec![Transfer::posted(
                self.debit_transfer_id(input.reference),
                self.id(wallet),
                self.id(escrow),
                input.amount,
            )
            .with_code(TransferCode::Purchase)],
        }
    }
}
