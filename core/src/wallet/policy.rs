//! The configurable rules of withdrawals (docs/domain.md §9 defaults).

use serde::{Deserialize, Serialize};

use super::error::WalletError;
use crate::money::Money;

/// Withdrawal rules. [`Default`] gives docs/domain.md §9: minimum 10 000 IDR, fee 2 500 IDR taken
/// from the amount, account numbers of 8–20 digits, holder names of at least 3
/// characters, at most 3 attempts, and the gateway's temporary failure codes.
///
/// ```
/// use patungan_core::wallet::WithdrawalPolicy;
/// use patungan_core::Money;
/// let policy = WithdrawalPolicy::default();
/// assert_eq!(policy.net_of(Money::idr(100_000))?, Money::idr(97_500));
/// assert!(policy.is_temporary("TEMPORARY_TRANSFER_ERROR"));
/// assert!(policy.is_temporary("SERVER_ERROR"));
/// assert!(!policy.is_temporary("INVALID_DESTINATION"));
/// # Ok::<(), patungan_core::wallet::WalletError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithdrawalPolicy {
    /// The smallest amount that may be withdrawn (its currency is the wallets').
    pub minimum: Money,
    /// The fee kept by the platform, taken from the amount (net = amount − fee).
    pub fee: Money,
    /// How many payout attempts a withdrawal gets before a temporary failure is final.
    pub max_attempts: u32,
    /// Fewest digits in a bank account number.
    pub min_account_digits: usize,
    /// Most digits in a bank account number.
    pub max_account_digits: usize,
    /// Fewest characters in the account holder's name (after trimming).
    pub min_holder_name_chars: usize,
    /// Failure codes starting with one of these are temporary (re-queued).
    pub temporary_code_prefixes: Vec<String>,
    /// Failure codes that are temporary (re-queued).
    pub temporary_codes: Vec<String>,
}

impl Default for WithdrawalPolicy {
    fn default() -> Self {
        WithdrawalPolicy {
            minimum: Money::idr(10_000),
            fee: Money::idr(2_500),
            max_attempts: 3,
            min_account_digits: 8,
            max_account_digits: 20,
            min_holder_name_chars: 3,
            temporary_code_prefixes: vec!["TEMPORARY_".to_owned()],
            temporary_codes: vec![
                "UNKNOWN_BANK_NETWORK_ERROR".to_owned(),
                "SWITCHING_NETWORK_ERROR".to_owned(),
                "SERVER_ERROR".to_owned(),
            ],
        }
    }
}

impl WithdrawalPolicy {
    /// Checks the policy is usable: fee and minimum in one currency, minimum above the
    /// fee (so every net amount is positive), at least one attempt, a sane digit range.
    pub fn validate(&self) -> Result<(), WalletError> {
        let invalid = |reason| Err(WalletError::InvalidPolicy { reason });
        if self.fee.currency() != self.minimum.currency() {
            return invalid("fee and minimum must be in the same currency");
        }
        if self.minimum.amount() <= self.fee.amount() {
            return invalid("the minimum must be above the fee");
        }
        if self.max_attempts == 0 {
            return invalid("at least one attempt is needed");
        }
        if self.min_account_digits == 0 || self.min_account_digits > self.max_account_digits {
            return invalid("account digit range is empty");
        }
        Ok(())
    }

    /// Whether a gateway failure code is temporary (the withdrawal is re-queued).
    pub fn is_temporary(&self, failure_code: &str) -> bool {
        self.temporary_codes.iter().any(|c| c == failure_code)
            || self
                .temporary_code_prefixes
                .iter()
                .any(|p| failure_code.starts_with(p.as_str()))
    }

    /// `amount − fee`, or an error if the amount does not cover the fee.
    pub fn net_of(&self, amount: Money) -> Result<Money, WalletError> {
        Ok(amount.checked_sub(self.fee)?)
    }
}
