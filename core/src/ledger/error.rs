//! Why the ledger refused an operation. A refused operation changes nothing.

use crate::ids::{AccountId, TransferId};
use crate::money::{Currency, Money, MoneyError};

/// Why an account or transfer (or a whole linked batch) was refused.
///
/// Every variant names the transfer (or account) at fault so that a caller can tell
/// which member of a linked batch failed; the batch as a whole changed nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LedgerError {
    /// An account with this id exists with a different definition.
    #[error("account {account} already exists with a different definition")]
    AccountExists {
        /// The account id.
        account: AccountId,
    },
    /// The transfer names an account that was never opened.
    #[error("transfer {transfer}: account {account} does not exist; open it first")]
    UnknownAccount {
        /// The transfer at fault.
        transfer: TransferId,
        /// The missing account.
        account: AccountId,
    },
    /// Debit and credit accounts are the same.
    #[error("transfer {transfer}: debit and credit account are both {account}")]
    SameAccount {
        /// The transfer at fault.
        transfer: TransferId,
        /// The account given twice.
        account: AccountId,
    },
    /// The amount is zero.
    #[error("transfer {transfer}: amount must be greater than zero")]
    ZeroAmount {
        /// The transfer at fault.
        transfer: TransferId,
    },
    /// The amount's currency differs from an account's.
    #[error("transfer {transfer}: account {account} holds {expected}, the amount is in {found}")]
    CurrencyMismatch {
        /// The transfer at fault.
        transfer: TransferId,
        /// The account whose currency differs.
        account: AccountId,
        /// The account's currency.
        expected: Currency,
        /// The amount's currency.
        found: Currency,
    },
    /// The debit would overdraw an account whose debits must not exceed its credits.
    #[error("transfer {transfer}: account {account} has insufficient funds (debits would exceed credits)")]
    ExceedsCredits {
        /// The transfer at fault.
        transfer: TransferId,
        /// The account that would be overdrawn.
        account: AccountId,
    },
    /// The credit would exceed the debits of an account whose credits must not exceed them.
    #[error("transfer {transfer}: account {account} would have credits exceeding its debits")]
    ExceedsDebits {
        /// The transfer at fault.
        transfer: TransferId,
        /// The account at its limit.
        account: AccountId,
    },
    /// A different transfer was already committed under this id.
    #[error("transfer id {transfer} is already used by a different transfer; choose a new id")]
    TransferExists {
        /// The reused id.
        transfer: TransferId,
    },
    /// The same id appears twice in one linked batch.
    #[error("transfer id {transfer} appears more than once in the batch")]
    DuplicateInBatch {
        /// The repeated id.
        transfer: TransferId,
    },
    /// A post or void names a transfer that does not exist.
    #[error("transfer {transfer}: pending transfer {pending} does not exist")]
    PendingNotFound {
        /// The post/void transfer.
        transfer: TransferId,
        /// The missing pending transfer.
        pending: TransferId,
    },
    /// A post or void names a transfer that was not created as pending.
    #[error("transfer {transfer}: transfer {pending} is not a pending transfer")]
    NotPending {
        /// The post/void transfer.
        transfer: TransferId,
        /// The referenced transfer.
        pending: TransferId,
    },
    /// The pending transfer was already posted.
    #[error("transfer {transfer}: pending transfer {pending} was already posted")]
    PendingAlreadyPosted {
        /// The post/void transfer.
        transfer: TransferId,
        /// The resolved pending transfer.
        pending: TransferId,
    },
    /// The pending transfer was already voided.
    #[error("transfer {transfer}: pending transfer {pending} was already voided")]
    PendingAlreadyVoided {
        /// The post/void transfer.
        transfer: TransferId,
        /// The resolved pending transfer.
        pending: TransferId,
    },
    /// A post asks for more than the pending transfer holds.
    #[error("transfer {transfer}: cannot post {amount}, pending transfer {pending} holds {pending_amount}")]
    ExceedsPendingAmount {
        /// The post transfer.
        transfer: TransferId,
        /// The pending transfer.
        pending: TransferId,
        /// The amount asked for.
        amount: Money,
        /// The amount held.
        pending_amount: Money,
    },
    /// A running total would overflow the decimal range.
    #[error("transfer {transfer}: account {account} balance would overflow")]
    Overflow {
        /// The transfer at fault.
        transfer: TransferId,
        /// The account whose total would overflow.
        account: AccountId,
    },
    /// A money rule failed while building a posting.
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// Restored state is inconsistent (balances do not match the journal, …).
    #[error("ledger state is inconsistent: {reason}")]
    Corrupt {
        /// What did not match.
        reason: String,
    },
}

impl LedgerError {
    /// A stable machine-readable code for this error, shared by every binding.
    pub fn code(&self) -> &'static str {
        match self {
            LedgerError::AccountExists { .. } => "ledger.account_exists",
            LedgerError::UnknownAccount { .. } => "ledger.unknown_account",
            LedgerError::SameAccount { .. } => "ledger.same_account",
            LedgerError::ZeroAmount { .. } => "ledger.zero_amount",
            LedgerError::CurrencyMismatch { .. } => "ledger.currency_mismatch",
            LedgerError::ExceedsCredits { .. } => "ledger.exceeds_credits",
            LedgerError::ExceedsDebits { .. } => "ledger.exceeds_debits",
            LedgerError::TransferExists { .. } => "ledger.transfer_exists",
            LedgerError::DuplicateInBatch { .. } => "ledger.duplicate_in_batch",
            LedgerError::PendingNotFound { .. } => "ledger.pending_not_found",
            LedgerError::NotPending { .. } => "ledger.not_pending",
            LedgerError::PendingAlreadyPosted { .. } => "ledger.pending_already_posted",
            LedgerError::PendingAlreadyVoided { .. } => "ledger.pending_already_voided",
            LedgerError::ExceedsPendingAmount { .. } => "ledger.exceeds_pending_amount",
            LedgerError::Overflow { .. } => "ledger.overflow",
            LedgerError::Money(e) => e.code(),
            LedgerError::Corrupt { .. } => "ledger.corrupt",
        }
    }
}
