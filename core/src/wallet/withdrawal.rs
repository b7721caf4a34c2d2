//! A withdrawal: the request, its validation, and where it stands.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::batch::BatchKey;
use super::error::WalletError;
use super::policy::WithdrawalPolicy;
use crate::ids::{UserId, WithdrawalId};
use crate::money::Money;
use crate::text::check_text;

/// Serialises an `Arc<str>` as a plain string.
mod shared_str {
    use super::*;

    pub fn serialize<S: Serializer>(value: &Arc<str>, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(value)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Arc<str>, D::Error> {
        String::deserialize(deserializer).map(Arc::from)
    }
}

/// Where a payout goes. The fields are shared strings (`"BCA".into()` builds one), so
/// batch items copy them without allocating; they serialise as plain strings.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BankAccount {
    /// The gateway's bank code, e.g. `"BCA"`.
    #[serde(with = "shared_str")]
    pub bank_code: Arc<str>,
    /// The account number: digits only.
    #[serde(with = "shared_str")]
    pub account_number: Arc<str>,
    /// The account holder's name.
    #[serde(with = "shared_str")]
    pub holder_name: Arc<str>,
}

impl BankAccount {
    /// The most characters in a bank code.
    pub const MAX_BANK_CODE_CHARS: usize = 64;
    /// The most characters in an account holder's name.
    pub const MAX_HOLDER_NAME_CHARS: usize = 128;

    /// Checks the fields against `policy`: no control character in any field, bank
    /// code present and at most [`Self::MAX_BANK_CODE_CHARS`] characters, account number
    /// of digits within the allowed length, holder name long enough and at most
    /// [`Self::MAX_HOLDER_NAME_CHARS`] characters.
    pub fn validate(&self, policy: &WithdrawalPolicy) -> Result<(), WalletError> {
        self.check_text()?;
        if self.bank_code.trim().is_empty() {
            return Err(WalletError::MissingBankCode);
        }
        let digits = self.account_number.len();
        if !self.account_number.bytes().all(|b| b.is_ascii_digit())
            || digits < policy.min_account_digits
            || digits > policy.max_account_digits
        {
            return Err(WalletError::InvalidAccountNumber {
                min: policy.min_account_digits,
                max: policy.max_account_digits,
            });
        }
        if self.holder_name.trim().chars().count() < policy.min_holder_name_chars {
            return Err(WalletError::HolderNameTooShort {
                min: policy.min_holder_name_chars,
            });
        }
        Ok(())
    }

    /// No control characters and bounded lengths (the account number is checked as digits).
    fn check_text(&self) -> Result<(), WalletError> {
        let text = [
            ("bank_code", &self.bank_code, Self::MAX_BANK_CODE_CHARS),
            ("account_number", &self.account_number, usize::MAX),
            (
                "holder_name",
                &self.holder_name,
                Self::MAX_HOLDER_NAME_CHARS,
            ),
        ];
        for (field, value, max) in text {
            check_text(field, value, max).map_err(WalletError::InvalidText)?;
        }
        Ok(())
    }
}

/// A user's request to withdraw from their wallet. The id is caller-chosen and makes the
/// request idempotent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithdrawalRequest {
    /// The withdrawal id.
    pub id: WithdrawalId,
    /// The wallet owner.
    pub user: UserId,
    /// The amount taken from the wallet, fee included.
    pub amount: Money,
    /// Where the net amount goes.
    pub destination: BankAccount,
    /// When the user asked (orders batches).
    pub requested_at: DateTime<Utc>,
}

/// Where a withdrawal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WithdrawalStatus {
    /// Held in the wallet, waiting for the next batch run.
    Queued,
    /// Sent in a batch, waiting for the gateway's result.
    InBatch,
    /// Paid out: the hold was posted (bank got the net, the platform the fee).
    Completed,
    /// Refused: the hold was voided, the full amount is back in the wallet.
    Failed,
    /// Paid out, then reversed by the bank: the full amount was credited back.
    Reversed,
}

/// The gateway's result for one payout item.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum PayoutOutcome {
    /// The bank received the money.
    Completed,
    /// The payout failed with the gateway's failure code.
    Failed {
        /// e.g. `"INVALID_DESTINATION"`, `"TEMPORARY_TRANSFER_ERROR"`.
        failure_code: String,
    },
}

/// One payout attempt of a withdrawal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutAttempt {
    /// 1 for the first attempt.
    pub attempt: u32,
    /// The batch it was sent in.
    pub batch: BatchKey,
    /// The gateway's result, once known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<PayoutOutcome>,
}

/// A withdrawal as the state machine keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Withdrawal {
    pub(crate) request: WithdrawalRequest,
    pub(crate) fee: Money,
    pub(crate) net: Money,
    pub(crate) status: WithdrawalStatus,
    #[serde(default)]
    pub(crate) attempts: Vec<PayoutAttempt>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) failure_code: Option<String>,
}

/// A withdrawal's stored fields, as a store keeps them (one row per withdrawal).
/// [`Withdrawal::from_parts`] checks they hold together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithdrawalParts {
    /// The request as submitted.
    pub request: WithdrawalRequest,
    /// The platform's fee.
    pub fee: Money,
    /// What the bank receives.
    pub net: Money,
    /// Where it stands.
    pub status: WithdrawalStatus,
    /// Every payout attempt, oldest first.
    pub attempts: Vec<PayoutAttempt>,
    /// The failure code of a failed withdrawal.
    pub failure_code: Option<String>,
}

impl Withdrawal {
    /// Rebuilds a withdrawal from stored fields, refusing fields that contradict each
    /// other: fee + net must be the amount in one currency, attempts are numbered
    /// 1, 2, … in order, and only a failed withdrawal has a failure code.
    pub fn from_parts(parts: WithdrawalParts) -> Result<Self, WalletError> {
        let id = parts.request.id;
        let invalid = |reason| WalletError::InvalidRecord { id, reason };
        let amount = parts.request.amount;
        let same_currency =
            parts.fee.currency() == amount.currency() && parts.net.currency() == amount.currency();
        let sum = parts.fee.amount().checked_add(parts.net.amount());
        if !same_currency || sum != Some(amount.amount()) {
            return Err(invalid("fee and net must add up to the amount"));
        }
        let numbered = (1..).zip(&parts.attempts).all(|(n, a)| a.attempt == n);
        if !numbered {
            return Err(invalid("attempts must be numbered 1, 2, … in order"));
        }
        if parts.failure_code.is_some() != (parts.status == WithdrawalStatus::Failed) {
            return Err(invalid("only a failed withdrawal has a failure code"));
        }
        Ok(Withdrawal {
            request: parts.request,
            fee: parts.fee,
            net: parts.net,
            status: parts.status,
            attempts: parts.attempts,
            failure_code: parts.failure_code,
        })
    }

    /// The stored fields (the inverse of [`Withdrawal::from_parts`]).
    pub fn to_parts(&self) -> WithdrawalParts {
        WithdrawalParts {
            request: self.request.clone(),
            fee: self.fee,
            net: self.net,
            status: self.status,
            attempts: self.attempts.clone(),
            failure_code: self.failure_code.clone(),
        }
    }

    /// The id.
    pub fn id(&self) -> WithdrawalId {
        self.request.id
    }

    /// The request as submitted.
    pub fn request(&self) -> &WithdrawalRequest {
        &self.request
    }

    /// The wallet owner.
    pub fn user(&self) -> UserId {
        self.request.user
    }

    /// The amount taken from the wallet (fee included).
    pub fn amount(&self) -> Money {
        self.request.amount
    }

    /// The platform's fee.
    pub fn fee(&self) -> Money {
        self.fee
    }

    /// What the bank receives: amount − fee.
    pub fn net(&self) -> Money {
        self.net
    }

    /// When it was requested.
    pub fn requested_at(&self) -> DateTime<Utc> {
        self.request.requested_at
    }

    /// Where it stands.
    pub fn status(&self) -> WithdrawalStatus {
        self.status
    }

    /// Every payout attempt so far, oldest first.
    pub fn attempts(&self) -> &[PayoutAttempt] {
        &self.attempts
    }

    /// The failure code of a failed withdrawal.
    pub fn failure_code(&self) -> Option<&str> {
        self.failure_code.as_deref()
    }
}
