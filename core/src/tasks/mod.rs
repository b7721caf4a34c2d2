//! Tasks: the external calls the core's books ask for (create an invoice, refund a
//! payment, submit a payout batch, book a shipment, …), each with its request, and
//! the rules of performing them — which calls must run one after the other
//! ([`Task::lane`]) and when a failed call is tried again ([`Task::after_failure`]).
//! A driver keeps tasks in its outbox, performs them through its ports after the
//! commit that queued them, and feeds the results back to the books.
//!
//! The submodules hold what each provider is asked and answers.

pub mod factory;
pub mod gateway;
pub mod outbox;
pub mod payouts;
pub mod shipping;

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::inbox::InboxEntry;
use crate::seeded::splitmix;
use crate::wallet::PayoutItemKey;
use crate::{ParticipantId, PaymentId, SessionId};

use factory::FactoryMessage;
use gateway::{GatewayInvoiceRequest, RefundRequest};
use payouts::PayoutBatch;
use shipping::ShipmentRequest;

/// One external call, kept in the outbox until its result is stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Task {
    /// Create a participant's invoice.
    CreateInvoice {
        /// The session.
        session: SessionId,
        /// The participant.
        participant: ParticipantId,
        /// The request (its payment id is the idempotency key).
        request: GatewayInvoiceRequest,
    },
    /// Expire an unpaid invoice.
    ExpireInvoice {
        /// The session.
        session: SessionId,
        /// The invoice's payment id.
        payment: PaymentId,
    },
    /// Refund a payment to its original method.
    Refund {
        /// Where the refunded money is held.
        source: crate::refunds::RefundSource,
        /// The attempt number (a failed refund is retried under the next one).
        attempt: u32,
        /// The request (its reference is the idempotency key).
        request: RefundRequest,
    },
    /// Submit a batch of withdrawal payouts.
    SubmitPayouts {
        /// The batch (its reference is the idempotency key).
        batch: PayoutBatch,
    },
    /// Pay a factory the goods cost of a receipt (a batch of one payout).
    PayFactory {
        /// The batch (its reference and its item's external id are the payout
        /// attempt's key).
        batch: PayoutBatch,
    },
    /// Ask the disburser where a factory payout attempt silent for too long stands.
    QueryFactoryPayout {
        /// The attempt's external id (`fpo-…`).
        external_id: String,
    },
    /// Ask the disburser where a payout silent for too long stands.
    QueryPayoutStatus {
        /// The payout attempt (its key is the provider's external id).
        item: PayoutItemKey,
    },
    /// Deliver an inbox entry through the notification port.
    DeliverNotification {
        /// The entry (its id deduplicates the delivery).
        entry: InboxEntry,
    },
    /// Tell the factory about a purchase order (issued or cancelled).
    SendToFactory {
        /// The message (its id deduplicates it at the factory).
        message: FactoryMessage,
    },
    /// Cancel a shipment the order does not want at the shipping provider.
    CancelShipment {
        /// What to cancel (its order and shipment ids make the outbox id).
        cancellation: shipping::ShipmentCancellation,
    },
    /// Book an order's shipment at the shipping provider.
    BookShipment {
        /// The booking's number (from 1; the outbox id derives from it and the order).
        booking: u32,
        /// The request (its order id is the provider's reference).
        request: ShipmentRequest,
    },
}

impl Task {
    /// A short name for logs.
    pub const fn kind(&self) -> &'static str {
        match self {
            Task::CreateInvoice { .. } => "create_invoice",
            Task::ExpireInvoice { .. } => "expire_invoice",
            Task::Refund { .. } => "refund",
            Task::SubmitPayouts { .. } => "submit_payouts",
            Task::PayFactory { .. } => "pay_factory",
            Task::QueryPayoutStatus { .. } => "query_payout_status",
            Task::QueryFactoryPayout { .. } => "query_factory_payout",
            Task::DeliverNotification { .. } => "deliver_notification",
            Task::SendToFactory { .. } => "send_to_factory",
            Task::BookShipment { .. } => "book_shipment",
            Task::CancelShipment { .. } => "cancel_shipment",
        }
    }
}

/// The resource a task acts on: tasks of one lane run one after the other, in due
/// order (an invoice's creation before its expiry, a refund's attempts in turn);
/// tasks of different lanes may run at once.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Lane {
    /// A resource with a uuid (payment, order, withdrawal, session, inbox entry).
    Id(uuid::Uuid),
    /// A resource named by a provider reference (a refund, a payout batch or item).
    Reference(String),
}

impl Task {
    /// The lane of this task.
    pub fn lane(&self) -> Lane {
        match self {
            Task::CreateInvoice { request, .. } => Lane::Id(*request.payment_id.as_uuid()),
            Task::ExpireInvoice { payment, .. } => Lane::Id(*payment.as_uuid()),
            Task::Refund { request, .. } => Lane::Reference(request.reference.clone()),
            Task::SubmitPayouts { batch } | Task::PayFactory { batch } => {
                Lane::Reference(batch.reference.clone())
            }
            Task::QueryPayoutStatus { item } => Lane::Id(*item.withdrawal.as_uuid()),
            Task::QueryFactoryPayout { external_id } => Lane::Reference(external_id.clone()),
            Task::DeliverNotification { entry } => Lane::Id(entry.id),
            Task::SendToFactory { message } => Lane::Id(*message.session().as_uuid()),
            Task::BookShipment { request, .. } => Lane::Id(*request.order_id.as_uuid()),
            Task::CancelShipment { cancellation } => Lane::Id(*cancellation.order.as_uuid()),
        }
    }

    /// Whether the task moves money whose fate the ledger waits for (a refund posted
    /// as pending out of escrow, withdrawals held in their wallets, a factory payout
    /// owed from the factory payable): giving up on a retryable failure would strand
    /// it, and a new attempt under a new key could pay twice, so it is retried under
    /// the same idempotency key at the longest delay until the provider answers.
    pub fn must_complete(&self) -> bool {
        matches!(
            self,
            Task::Refund { .. } | Task::SubmitPayouts { .. } | Task::PayFactory { .. }
        )
    }

    /// When to try again after the `failed_attempts`-th attempt failed, or `None` to
    /// give up: a permanent failure gives up at once; a retryable one is retried
    /// after the policy's backoff (jittered by `seed`, e.g. from the task's id), or
    /// after the wait the provider asked for when that is longer, until its attempts
    /// are spent, and a task that [must complete](Task::must_complete) at the longest
    /// delay (or the provider's wait) after that.
    pub fn after_failure(
        &self,
        policy: &RetryPolicy,
        failed_attempts: u32,
        failure: &Failure,
        seed: u64,
    ) -> Option<Duration> {
        if !failure.retryable {
            return None;
        }
        let backoff = policy
            .delay(failed_attempts, seed)
            .or_else(|| self.must_complete().then_some(policy.max_delay))?;
        Some(backoff.max(failure.provider_wait.unwrap_or_default()))
    }
}

/// How an attempt at a task failed, as the port reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Whether the same call may succeed if repeated.
    pub retryable: bool,
    /// How long the provider asked to wait before the next call (e.g. HTTP
    /// `Retry-After`), if it said.
    pub provider_wait: Option<Duration>,
    /// What went wrong, kept on an entry that is given up.
    pub error: String,
}

/// The given tasks grouped by [lane](Task::lane): lanes in the order of their first
/// task, each lane's tasks in the given order.
pub fn lanes<T>(items: Vec<T>, task: impl Fn(&T) -> &Task) -> Vec<Vec<T>> {
    let mut by_lane: std::collections::HashMap<Lane, usize> = std::collections::HashMap::new();
    let mut lanes: Vec<Vec<T>> = Vec::new();
    for item in items {
        let lane = task(&item).lane();
        match by_lane.get(&lane).and_then(|&at| lanes.get_mut(at)) {
            Some(existing) => existing.push(item),
            None => {
                by_lane.insert(lane, lanes.len());
                lanes.push(vec![item]);
            }
        }
    }
    lanes
}

/// Exponential backoff with deterministic jitter.
///
/// The jitter comes from a caller-supplied seed (the effect's id), not from a random
/// source, so a simulation replays the same schedule from the same seed.
///
/// ```
/// use patungan_core::tasks::RetryPolicy;
/// use std::time::Duration;
/// let policy = RetryPolicy::default();
/// let first = policy.delay(1, 42).unwrap();
/// assert!(first >= Duration::from_millis(250) && first < Duration::from_millis(500));
/// assert_eq!(policy.delay(policy.max_attempts, 42), None); // give up
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// Delay after the first failure, before jitter.
    pub initial_delay: Duration,
    /// The delay never exceeds this, before jitter.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 8,
            initial_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// The wait before attempt `failed_attempts + 1`, or `None` once every attempt is spent.
    ///
    /// The base delay doubles per failure up to `max_delay`; up to half of it again is
    /// added as jitter derived from `seed`.
    pub fn delay(&self, failed_attempts: u32, seed: u64) -> Option<Duration> {
        if failed_attempts == 0 || failed_attempts >= self.max_attempts {
            return None;
        }
        let doublings = failed_attempts.saturating_sub(1).min(30);
        let base = self
            .initial_delay
            .saturating_mul(1u32 << doublings)
            .min(self.max_delay);
        let spread = base.as_millis() / 2;
        let jitter = if spread == 0 {
            0
        } else {
            u128::from(splitmix(seed ^ u64::from(failed_attempts))) % spread
        };
        Some(base + Duration::from_millis(u64::try_from(jitter).unwrap_or(0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_up_to_the_cap_with_bounded_jitter() {
        let p = RetryPolicy::default();
        for attempt in 1..p.max_attempts {
            let base = p
                .initial_delay
                .saturating_mul(1 << (attempt - 1))
                .min(p.max_delay);
            for seed in 0..50 {
                let d = p.delay(attempt, seed).unwrap();
                assert!(d >= base && d < base + base / 2 + Duration::from_millis(1));
                assert_eq!(p.delay(attempt, seed), Some(d), "deterministic");
            }
        }
        assert_eq!(p.delay(0, 1), None);
        assert_eq!(p.delay(p.max_attempts, 1), None);
    }
}
