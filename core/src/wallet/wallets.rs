//! Wallet balances, credits and debits (docs/domain.md §9) on top of the ledger.

use serde::{Deserialize, Serialize};

use super::error::WalletError;
use crate::ids::UserId;
use crate::ledger::{Chart, Ledger, LedgerError, Outcome, Posting, WalletCredit, WalletDebit};
use crate::money::Money;

/// A wallet's balance. `available = posted − held`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalletBalance {
    /// The wallet owner.
    pub user: UserId,
    /// Posted credits − posted debits.
    pub posted: Money,
    /// Held by open pending transfers (withdrawals awaiting payout).
    pub held: Money,
    /// What can be spent or withdrawn now.
    pub available: Money,
}

/// Wallet rules over a [`Ledger`] and its [`Chart`]: credits with a unique reference
/// (a repeat is a no-op), debits that never take the balance below zero.
///
/// ```
/// use patungan_core::ledger::{Chart, CreditReason, Ledger, Outcome, WalletCredit};
/// use patungan_core::wallet::Wallets;
/// use patungan_core::{Currency, Money, UserId};
/// use uuid::Uuid;
/// let wallets = Wallets::new(Chart::new(Currency::IDR));
/// let mut ledger = Ledger::new();
/// let user = UserId::from_u128(1);
/// let credit = WalletCredit {
///     reference: Uuid::from_u128(7), user, amount: Money::idr(500_000), reason: CreditReason::Deposit,
/// };
/// assert_eq!(wallets.credit(&mut ledger, &credit)?, Outcome::Created);
/// assert_eq!(wallets.credit(&mut ledger, &credit)?, Outcome::AlreadyExists);
/// assert_eq!(wallets.balance(&ledger, user)?.available, Money::idr(500_000));
/// # Ok::<(), patungan_core::wallet::WalletError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wallets {
    chart: Chart,
}

impl Wallets {
    /// Wallets in `chart`'s currency.
    pub const fn new(chart: Chart) -> Self {
        Wallets { chart }
    }

    /// The chart of accounts used.
    pub const fn chart(&self) -> &Chart {
        &self.chart
    }

    /// `user`'s balance (zero when the wallet was never credited).
    pub fn balance(&self, ledger: &Ledger, user: UserId) -> Result<WalletBalance, WalletError> {
        let currency = self.chart.currency();
        let Some(account) = ledger.account(self.chart.wallet(user)) else {
            let zero = Money::zero(currency);
            return Ok(WalletBalance {
                user,
                posted: zero,
                held: zero,
                available: zero,
            });
        };
        let b = account.balances();
        Ok(WalletBalance {
            user,
            posted: Money::new(b.posted_net(), currency)?,
            held: Money::new(b.debits_pending, currency)?,
            available: Money::new(b.available(), currency)?,
        })
    }

    /// Credits a wallet (cashback, refund, deposit). The same reference again is a no-op.
    pub fn credit(
        &self,
        ledger: &mut Ledger,
        credit: &WalletCredit,
    ) -> Result<Outcome, WalletError> {
        self.check_amount(credit.amount)?;
        self.execute(
            ledger,
            &self.chart.wallet_credit(credit),
            credit.user,
            credit.amount,
        )
    }

    /// Debits a wallet for a purchase; refused if it would go below zero.
    pub fn debit(&self, ledger: &mut Ledger, debit: &WalletDebit) -> Result<Outcome, WalletError> {
        self.check_amount(debit.amount)?;
        self.execute(
            ledger,
            &self.chart.wallet_debit(debit),
            debit.user,
            debit.amount,
        )
    }

    pub(crate) fn check_amount(&self, amount: Money) -> Result<(), WalletError> {
        if amount.currency() != self.chart.currency() {
            return Err(WalletError::CurrencyMismatch {
                expected: self.chart.currency(),
                found: amount.currency(),
            });
        }
        if amount.is_zero() {
            return Err(WalletError::ZeroAmount);
        }
        Ok(())
    }

    /// Executes a one-transfer posting touching `user`'s wallet; an overdraft of the
    /// wallet becomes [`WalletError::InsufficientBalance`].
    pub(crate) fn execute(
        &self,
        ledger: &mut Ledger,
        posting: &Posting,
        user: UserId,
        requested: Money,
    ) -> Result<Outcome, WalletError> {
        match ledger.execute(posting) {
            Ok(outcomes) => Ok(if outcomes.contains(&Outcome::Created) {
                Outcome::Created
            } else {
                Outcome::AlreadyExists
            }),
            Err(LedgerError::ExceedsCredits { account, .. })
                if account == self.chart.wallet(user) =>
            {
                Err(WalletError::InsufficientBalance {
                    available: self.balance(ledger, user)?.available,
                    requested,
                })
            }
            Err(e) => Err(e.into()),
        }
    }
}
