//! Why a wallet, withdrawal or schedule operation was refused. Nothing changed.

use crate::ids::WithdrawalId;
use crate::ledger::LedgerError;
use crate::money::{Currency, Money, MoneyError};
use crate::text::TextError;

use super::batch::PayoutItemKey;
use super::withdrawal::WithdrawalStatus;

/// Why a wallet or withdrawal operation was refused; the ledger and the withdrawals are
/// unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WalletError {
    /// The amount is zero.
    #[error("amount must be greater than zero")]
    ZeroAmount,
    /// The amount is in another currency than the wallet.
    #[error("currency mismatch: wallets here hold {expected}, got {found}")]
    CurrencyMismatch {
        /// The wallet currency.
        expected: Currency,
        /// The amount's currency.
        found: Currency,
    },
    /// The wallet cannot cover the amount (holds count against it).
    #[error("insufficient balance: {available} available, {requested} requested")]
    InsufficientBalance {
        /// What the wallet can spend.
        available: Money,
        /// What was asked for.
        requested: Money,
    },
    /// The withdrawal is below the minimum.
    #[error("withdrawal of {amount} is below the minimum of {minimum}")]
    BelowMinimum {
        /// The amount asked for.
        amount: Money,
        /// The smallest amount accepted.
        minimum: Money,
    },
    /// No bank code was given.
    #[error("a bank code is required")]
    MissingBankCode,
    /// The account number is not 8–20 digits (with the default policy).
    #[error("account number must be {min} to {max} digits")]
    InvalidAccountNumber {
        /// Fewest digits accepted.
        min: usize,
        /// Most digits accepted.
        max: usize,
    },
    /// The account holder name is too short.
    #[error("account holder name must have at least {min} characters")]
    HolderNameTooShort {
        /// Fewest characters accepted.
        min: usize,
    },
    /// A bank field holds a control character or is too long.
    #[error(transparent)]
    InvalidText(TextError),
    /// A different withdrawal already uses this id.
    #[error("withdrawal id {id} is already used by a different request")]
    WithdrawalExists {
        /// The id.
        id: WithdrawalId,
    },
    /// No withdrawal has this id.
    #[error("withdrawal {id} does not exist")]
    UnknownWithdrawal {
        /// The id.
        id: WithdrawalId,
    },
    /// A payout result names an attempt that was never sent in a batch.
    #[error("payout item {item} was never sent in a batch")]
    NotInFlight {
        /// The item key.
        item: PayoutItemKey,
    },
    /// A payout result contradicts the result already recorded for the attempt.
    #[error("payout item {item} already has a different result")]
    ConflictingResult {
        /// The item key.
        item: PayoutItemKey,
    },
    /// Only a completed withdrawal can be reversed.
    #[error("withdrawal {id} is {status:?}; only a completed payout can be reversed")]
    NotCompleted {
        /// The withdrawal.
        id: WithdrawalId,
        /// Its status.
        status: WithdrawalStatus,
    },
    /// The withdrawal policy is unusable.
    #[error("invalid withdrawal policy: {reason}")]
    InvalidPolicy {
        /// What is wrong.
        reason: &'static str,
    },
    /// A stored withdrawal does not hold together (e.g. fee + net ≠ amount).
    #[error("withdrawal {id} is not consistent: {reason}")]
    InvalidRecord {
        /// The withdrawal.
        id: WithdrawalId,
        /// What is wrong.
        reason: &'static str,
    },
    /// The ledger refused the posting.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// A money rule failed.
    #[error(transparent)]
    Money(#[from] MoneyError),
}

impl WalletError {
    /// A stable machine-readable code for this error, shared by every binding.
    pub fn code(&self) -> &'static str {
        match self {
            WalletError::ZeroAmount => "wallet.zero_amount",
            WalletError::CurrencyMismatch { .. } => "wallet.currency_mismatch",
            WalletError::InsufficientBalance { .. } => "wallet.insufficient_balance",
            WalletError::BelowMinimum { .. } => "withdrawal.below_minimum",
            WalletError::MissingBankCode => "withdrawal.missing_bank_code",
            WalletError::InvalidAccountNumber { .. } => "withdrawal.invalid_account_number",
            WalletError::HolderNameTooShort { .. } => "withdrawal.holder_name_too_short",
            WalletError::InvalidText(TextError::ControlCharacter { .. }) => {
                "withdrawal.control_character"
            }
            WalletError::InvalidText(_) => "withdrawal.text_too_long",
            WalletError::WithdrawalExists { .. } => "withdrawal.exists",
            WalletError::UnknownWithdrawal { .. } => "withdrawal.unknown",
            WalletError::NotInFlight { .. } => "withdrawal.not_in_flight",
            WalletError::ConflictingResult { .. } => "withdrawal.conflicting_result",
            WalletError::NotCompleted { .. } => "withdrawal.not_completed",
            WalletError::InvalidPolicy { .. } => "withdrawal.invalid_policy",
            WalletError::InvalidRecord { .. } => "withdrawal.invalid_record",
            WalletError::Ledger(e) => e.code(),
            WalletError::Money(e) => e.code(),
        }
    }
}

/// Why a withdrawal schedule was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScheduleError {
    /// A schedule needs at least one weekday.
    #[error("a withdrawal schedule needs at least one weekday")]
    NoWeekdays,
    /// The time zone is not an IANA zone name.
    #[error("unknown time zone {0:?}; use an IANA name such as \"Asia/Jakarta\"")]
    UnknownZone(String),
}

impl ScheduleError {
    /// A stable machine-readable code for this error, shared by every binding.
    pub fn code(&self) -> &'static str {
        match self {
            ScheduleError::NoWeekdays => "schedule.no_weekdays",
            ScheduleError::UnknownZone(_) => "schedule.unknown_zone",
        }
    }
}
