//! One refund attempt and its transitions.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::policy::RefundPolicy;
use crate::ids::{AnomalyId, PaymentId, SessionId, UserId};
use crate::ledger::{
    AccountSpec, Chart, Posting, Refund, RefundDestination, RefundResult, RefundSettlement,
    SuspenseRefund,
};
use crate::money::Money;

/// Where a refund's money is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum RefundSource {
    /// A payment held in its session's escrow.
    Escrow {
        /// The session.
        session: SessionId,
        /// The payment refunded.
        payment: PaymentId,
    },
    /// Money collected under a payment anomaly, held in suspense.
    Suspense {
        /// The anomaly.
        anomaly: AnomalyId,
    },
}

/// Where a refund attempt stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundStatus {
    /// Posted in the ledger, not yet accepted by the gateway.
    Pending,
    /// Accepted by the gateway; waiting for its confirmation.
    Processing,
    /// Confirmed by the gateway (or credited to the wallet).
    Completed,
    /// Failed; the next attempt follows (or an operator decided what follows).
    Failed,
    /// Failed with the attempt budget spent: an operator retries it or credits the
    /// wallet instead.
    AwaitingOperator,
}

/// What the gateway said about an attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum RefundOutcome {
    /// The money went back.
    Succeeded,
    /// The refund failed.
    Failed {
        /// The gateway's failure code, when given.
        failure_code: Option<String>,
    },
}

/// What follows a settled attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "next", rename_all = "snake_case")]
pub enum RefundNext {
    /// Nothing: the refund is complete.
    Done,
    /// The next attempt is due at this instant.
    RetryAt {
        /// When to call the gateway again.
        at: DateTime<Utc>,
    },
    /// The budget is spent: the refund waits for an operator.
    AwaitOperator,
}

/// An operator's decision on a refund waiting for one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OperatorAction {
    /// Try the gateway again now, with a new attempt.
    Retry,
    /// Credit the payer's wallet instead of the original method.
    CreditWallet,
}

/// Why a refund transition was refused; nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RefundError {
    /// Operator actions apply only to refunds waiting for one (each exactly once).
    #[error("refund {reference} is {status:?}, not waiting for an operator")]
    NotAwaitingOperator {
        /// The attempt's reference.
        reference: String,
        /// Its status.
        status: RefundStatus,
    },
}

impl RefundError {
    /// A stable machine-readable code.
    pub const fn code(&self) -> &'static str {
        match self {
            RefundError::NotAwaitingOperator { .. } => "refund.not_awaiting_operator",
        }
    }
}

/// One refund attempt: the record the host keeps, keyed by its reference (the
/// attempt's ledger transfer id, also the gateway's idempotency key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundAttempt {
    /// The reference.
    pub reference: String,
    /// Where the money is held.
    pub source: RefundSource,
    /// The payer.
    pub user: UserId,
    /// The amount (everything the payer paid).
    pub amount: Money,
    /// Attempt number, from 1.
    pub attempt: u32,
    /// Original method or wallet.
    pub destination: RefundDestination,
    /// Where it stands.
    pub status: RefundStatus,
    /// The gateway's id, once accepted.
    pub provider_refund_id: Option<String>,
    /// The gateway's failure code, when it failed.
    pub failure_code: Option<String>,
    /// The operator's decision, once taken.
    #[serde(default)]
    pub operator_action: Option<OperatorAction>,
}

/// A settled attempt: the posting to write and what follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settled {
    /// Post (confirmed) or void (failed) the attempt's hold.
    pub posting: Posting,
    /// What follows.
    pub next: RefundNext,
}

impl RefundAttempt {
    /// Attempt `attempt` of a refund: the record and the posting that holds the money
    /// (pending to the gateway) or moves it (to the wallet, completed at once).
    pub fn start(
        chart: &Chart,
        source: RefundSource,
        user: UserId,
        amount: Money,
        attempt: u32,
        destination: RefundDestination,
    ) -> (RefundAttempt, Posting) {
        let (reference, posting) = match source {
            RefundSource::Escrow { session, payment } => (
                chart.refund_transfer_id(payment, attempt),
                chart.refund(&Refund {
                    payment,
                    attempt,
                    session,
                    user,
                    amount,
                    destination,
                }),
            ),
            RefundSource::Suspense { anomaly } => (
                chart.suspense_refund_transfer_id(*anomaly.as_uuid(), attempt),
                chart.suspense_refund(&SuspenseRefund {
                    anomaly: *anomaly.as_uuid(),
                    attempt,
                    user,
                    amount,
                    destination,
                }),
            ),
        };
        let status = match destination {
            RefundDestination::Wallet => RefundStatus::Completed,
            RefundDestination::OriginalMethod => RefundStatus::Pending,
        };
        let record = RefundAttempt {
            reference: reference.to_string(),
            source,
            user,
            amount,
            attempt,
            destination,
            status,
            provider_refund_id: None,
            failure_code: None,
            operator_action: None,
        };
        (record, posting)
    }

    /// Whether the gateway still has to be asked (original method, not yet accepted).
    pub fn needs_gateway(&self) -> bool {
        self.status == RefundStatus::Pending
    }

    /// The gateway accepted the attempt: pending → processing.
    pub fn accepted(&mut self, provider_refund_id: &str) {
        if self.status == RefundStatus::Pending {
            self.status = RefundStatus::Processing;
            self.provider_refund_id = Some(provider_refund_id.to_owned());
        }
    }

    /// The gateway's call failed for good: the failure code is kept for the record.
    pub fn call_failed(&mut self, code: &str) {
        self.failure_code = Some(code.to_owned());
    }

    /// Whether the attempt already has its final answer (a repeated webhook).
    pub fn is_settled(&self) -> bool {
        matches!(
            self.status,
            RefundStatus::Completed | RefundStatus::Failed | RefundStatus::AwaitingOperator
        )
    }

    /// The gateway's answer for this attempt: posts or voids its hold. A failure is
    /// followed by the next attempt after the policy's backoff, or, with the budget
    /// spent, by an operator's decision. Call only while not [`Self::is_settled`].
    pub fn settle(
        &mut self,
        chart: &Chart,
        outcome: &RefundOutcome,
        provider_refund_id: Option<&str>,
        policy: &RefundPolicy,
        now: DateTime<Utc>,
    ) -> Settled {
        if let Some(id) = provider_refund_id {
            self.provider_refund_id = Some(id.to_owned());
        }
        let (result, next) = match outcome {
            RefundOutcome::Succeeded => {
                self.status = RefundStatus::Completed;
                (RefundResult::Confirmed, RefundNext::Done)
            }
            RefundOutcome::Failed { failure_code } => {
                self.failure_code.clone_from(failure_code);
                if policy.retries_after(self.attempt) {
                    self.status = RefundStatus::Failed;
                    let at = now + policy.backoff(self.attempt);
                    (RefundResult::Failed, RefundNext::RetryAt { at })
                } else {
                    self.status = RefundStatus::AwaitingOperator;
                    (RefundResult::Failed, RefundNext::AwaitOperator)
                }
            }
        };
        Settled {
            posting: self.settled_posting(chart, result),
            next,
        }
    }

    /// The attempt that follows this failed one (same source, payer and amount).
    pub fn next_attempt(
        &self,
        chart: &Chart,
        destination: RefundDestination,
    ) -> (RefundAttempt, Posting) {
        RefundAttempt::start(
            chart,
            self.source,
            self.user,
            self.amount,
            self.attempt.saturating_add(1),
            destination,
        )
    }

    /// An operator decides on a refund waiting for one: a new attempt to the gateway
    /// (retry) or to the payer's wallet (completed at once). Exactly once: the waiting
    /// attempt becomes failed, and a second decision is refused.
    pub fn operator(
        &mut self,
        chart: &Chart,
        action: OperatorAction,
    ) -> Result<(RefundAttempt, Posting), RefundError> {
        if self.status != RefundStatus::AwaitingOperator {
            return Err(RefundError::NotAwaitingOperator {
                reference: self.reference.clone(),
                status: self.status,
            });
        }
        self.status = RefundStatus::Failed;
        self.operator_action = Some(action);
        let destination = match action {
            OperatorAction::Retry => RefundDestination::OriginalMethod,
            OperatorAction::CreditWallet => RefundDestination::Wallet,
        };
        Ok(self.next_attempt(chart, destination))
    }

    /// The accounts the attempt's hold touches (to load before settling it).
    pub fn hold_accounts(&self, chart: &Chart) -> Vec<AccountSpec> {
        RefundAttempt::start(
            chart,
            self.source,
            self.user,
            self.amount,
            self.attempt,
            self.destination,
        )
        .1
        .accounts
    }

    fn settled_posting(&self, chart: &Chart, result: RefundResult) -> Posting {
        match self.source {
            RefundSource::Escrow { payment, .. } => chart.refund_settled(&RefundSettlement {
                payment,
                attempt: self.attempt,
                result,
            }),
            RefundSource::Suspense { anomaly } => {
                chart.suspense_refund_settled(*anomaly.as_uuid(), self.attempt, result)
            }
        }
    }
}
