//! The operations report: the ledger's reconciliation plus everything that still
//! needs a person — payment anomalies with money in suspense, refunds waiting for an
//! operator, withdrawals held past the silence limit. It is clean only when all of
//! these are empty and the ledger reconciles.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::WithdrawalId;
use crate::ledger::{Balances, ReconciliationReport};
use crate::money::Currency;
use crate::payments::Anomaly;
use crate::refunds::RefundAttempt;

/// What a suspense account holds in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuspenseBalance {
    /// The currency.
    pub currency: Currency,
    /// The account's four totals.
    pub balances: Balances,
}

impl SuspenseBalance {
    /// Whether nothing is held: no posted balance and no pending transfer.
    pub fn is_empty(&self) -> bool {
        self.balances.posted_net().is_zero()
            && self.balances.debits_pending.is_zero()
            && self.balances.credits_pending.is_zero()
    }
}

/// The ledger's reconciliation and the open operational items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationsReport {
    /// Balances, per-session escrow and the ledger's own checks.
    pub ledger: ReconciliationReport,
    /// Suspense accounts (one per currency that ever held anomaly money).
    pub suspense: Vec<SuspenseBalance>,
    /// Anomalies whose money has not gone back yet.
    pub open_anomalies: Vec<Anomaly>,
    /// Refunds whose attempts are spent, waiting for an operator.
    pub refunds_awaiting_operator: Vec<RefundAttempt>,
    /// Withdrawals held in a batch that has not reported for longer than the limit.
    pub withdrawals_held_too_long: Vec<WithdrawalId>,
}

impl OperationsReport {
    /// Whether the ledger reconciles and nothing waits: no suspense balance, no open
    /// anomaly, no refund waiting for an operator, no withdrawal held too long.
    pub fn is_clean(&self) -> bool {
        self.ledger.is_clean()
            && self.suspense.iter().all(SuspenseBalance::is_empty)
            && self.open_anomalies.is_empty()
            && self.refunds_awaiting_operator.is_empty()
            && self.withdrawals_held_too_long.is_empty()
    }
}

impl fmt::Display for OperationsReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.ledger)?;
        for s in &self.suspense {
            writeln!(
                f,
                "Suspense {}: posted net {}, pending out {}, pending in {}",
                s.currency,
                s.balances.posted_net(),
                s.balances.debits_pending,
                s.balances.credits_pending
            )?;
        }
        for a in &self.open_anomalies {
            writeln!(
                f,
                "Open payment anomaly {} on payment {}: {} ({} collected)",
                a.id,
                a.payment,
                a.mismatch.code(),
                a.collected()
            )?;
        }
        for r in &self.refunds_awaiting_operator {
            writeln!(
                f,
                "Refund {} ({} after {} attempts) waits for an operator",
                r.reference, r.amount, r.attempt
            )?;
        }
        for w in &self.withdrawals_held_too_long {
            writeln!(f, "Withdrawal {w} is held in a batch that has not reported")?;
        }
        writeln!(
            f,
            "{}",
            if self.is_clean() {
                "Operations: clean"
            } else {
                "Operations: NOT clean"
            }
        )
    }
}
