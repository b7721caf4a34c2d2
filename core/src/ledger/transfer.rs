//! Transfers: money moving from a debit account to a credit account, immediately or
//! in two phases (pending, then post or void).

use serde::{Deserialize, Serialize};

use super::account::AccountSpec;
use crate::ids::{AccountId, TransferId};
use crate::money::Money;

/// Why money moved; recorded with every transfer for audit and reconciliation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TransferCode {
    /// No reason given.
    #[default]
    Unspecified,
    /// A buyer's payment arrived from the gateway into session escrow.
    PaymentReceived,
    /// Escrow released to the warehouse (final price × quantity + leg 1).
    WarehouseRelease,
    /// Escrow moved to the courier payable (leg 2).
    CourierPayable,
    /// Escrow moved to platform fee revenue (the gateway fee).
    GatewayFee,
    /// Cashback credited to a wallet.
    Cashback,
    /// A refund (to the original method or to a wallet).
    Refund,
    /// An admin deposit into a wallet.
    Deposit,
    /// A purchase paid from a wallet.
    Purchase,
    /// A withdrawal's net amount paid to the bank.
    WithdrawalPayout,
    /// A withdrawal's fee kept by the platform.
    WithdrawalFee,
    /// A reversed payout credited back to the wallet.
    WithdrawalReversal,
    /// Money collected under a payment anomaly, booked to suspense.
    SuspenseReceived,
    /// Goods received from a factory: their cost becomes owed to the factory.
    FactoryGoods,
    /// A factory paid for the goods it delivered (factory payable settled).
    FactoryPaid,
    /// A courier paid for a delivered (or returned) shipment (courier payable settled).
    CourierPaid,
    /// A factory payout the bank reversed: the goods cost is owed to the factory again.
    FactoryPaidReversal,
}

/// What a transfer does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TransferOp {
    /// Moves `amount` at once.
    Posted {
        /// The account money leaves.
        debit_account: AccountId,
        /// The account money enters.
        credit_account: AccountId,
        /// How much (more than zero, in both accounts' currency).
        amount: Money,
    },
    /// Reserves `amount` (a hold) until a later post or void.
    Pending {
        /// The account money will leave.
        debit_account: AccountId,
        /// The account money will enter.
        credit_account: AccountId,
        /// How much (more than zero, in both accounts' currency).
        amount: Money,
    },
    /// Posts an open pending transfer, fully (`amount: None`) or partly; the rest of the
    /// hold is released.
    PostPending {
        /// The pending transfer to post.
        pending_id: TransferId,
        /// How much to post (`None`: the full pending amount).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        amount: Option<Money>,
    },
    /// Releases an open pending transfer without moving money.
    VoidPending {
        /// The pending transfer to void.
        pending_id: TransferId,
    },
}

/// A transfer request. Its id is its idempotency key: submitting the identical transfer
/// again is a no-op that reports [`Outcome::AlreadyExists`]; a different transfer under a
/// used id is an error.
///
/// ```
/// use patungan_core::ledger::{Transfer, TransferCode};
/// use patungan_core::{AccountId, Money, TransferId};
/// let t = Transfer::posted(
///     TransferId::from_u128(1),
///     AccountId::from_u128(10),
///     AccountId::from_u128(20),
///     Money::idr(5_000),
/// )
/// .with_code(TransferCode::Deposit);
/// assert_eq!(t.code, TransferCode::Deposit);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Transfer {
    /// Caller-chosen id, unique in the ledger.
    pub id: TransferId,
    /// What the transfer does.
    pub op: TransferOp,
    /// Why.
    #[serde(default)]
    pub code: TransferCode,
}

impl Transfer {
    /// A transfer posted at once.
    pub const fn posted(
        id: TransferId,
        debit_account: AccountId,
        credit_account: AccountId,
        amount: Money,
    ) -> Self {
        Transfer {
            id,
            op: TransferOp::Posted {
                debit_account,
                credit_account,
                amount,
            },
            code: TransferCode::Unspecified,
        }
    }

    /// A pending transfer (a hold).
    pub const fn pending(
        id: TransferId,
        debit_account: AccountId,
        credit_account: AccountId,
        amount: Money,
    ) -> Self {
        Transfer {
            id,
            op: TransferOp::Pending {
                debit_account,
                credit_account,
                amount,
            },
            code: TransferCode::Unspecified,
        }
    }

    /// Posts pending transfer `pending_id` (`amount: None` posts all of it).
    pub const fn post(id: TransferId, pending_id: TransferId, amount: Option<Money>) -> Self {
        Transfer {
            id,
            op: TransferOp::PostPending { pending_id, amount },
            code: TransferCode::Unspecified,
        }
    }

    /// Voids pending transfer `pending_id`.
    pub const fn void(id: TransferId, pending_id: TransferId) -> Self {
        Transfer {
            id,
            op: TransferOp::VoidPending { pending_id },
            code: TransferCode::Unspecified,
        }
    }

    /// The same transfer with reason `code`.
    pub const fn with_code(mut self, code: TransferCode) -> Self {
        self.code = code;
        self
    }
}

/// The result of a successful create (account or transfer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(rename = "LedgerOutcome")
)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Newly created: state changed.
    Created,
    /// The identical item already existed: nothing changed.
    AlreadyExists,
}

/// Where a pending transfer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum PendingStatus {
    /// Still holding its amount.
    Open,
    /// Posted by transfer `by`, moving `amount`.
    Posted {
        /// The post transfer.
        by: TransferId,
        /// The amount posted (≤ the pending amount).
        amount: Money,
    },
    /// Voided by transfer `by`.
    Voided {
        /// The void transfer.
        by: TransferId,
    },
}

/// A committed transfer as the ledger keeps it: the request plus what it resolved to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TransferRecord {
    /// The transfer exactly as submitted.
    pub transfer: Transfer,
    /// The debited account (for post/void: the pending transfer's).
    pub debit_account: AccountId,
    /// The credited account (for post/void: the pending transfer's).
    pub credit_account: AccountId,
    /// The amount moved or held (post: the posted amount; void: the released amount).
    pub amount: Money,
    /// For a pending transfer, whether it is still open, posted or voided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<PendingStatus>,
}

impl TransferRecord {
    /// The transfer id.
    pub const fn id(&self) -> TransferId {
        self.transfer.id
    }
}

/// A linked batch ready for [`Ledger::execute`](super::Ledger::execute): the accounts it
/// needs (opened if missing) and the transfers, committed all together or not at all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Posting {
    /// Accounts the transfers touch; missing ones are opened, identical ones are kept.
    pub accounts: Vec<AccountSpec>,
    /// The linked transfers, in order.
    pub transfers: Vec<Transfer>,
}
