//! The disburser port: paying wallet withdrawals out to bank accounts in batches.

use async_trait::async_trait;
use patungan_core::Money;
use serde::{Deserialize, Serialize};

use crate::ports::error::PortError;

pub use patungan_core::wallet::PayoutStatus;

/// A bank account to pay into: the core's (its fields are shared strings that
/// serialise as plain strings).
pub use patungan_core::wallet::BankAccount;

/// One payout of a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutItem {
    /// Our item key: the provider's external id, unique per attempt.
    pub external_id: String,
    /// The amount the bank account receives (the withdrawal's net).
    pub amount: Money,
    /// Where it goes.
    pub bank_account: BankAccount,
    /// Shown on the bank statement.
    pub description: String,
}

/// A batch of payouts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutBatch {
    /// Our batch key: the provider's reference and the idempotency key.
    pub reference: String,
    /// The payouts.
    pub items: Vec<PayoutItem>,
}

/// The provider accepted a batch; item results arrive later by webhook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutBatchAccepted {
    /// The provider's id of the batch.
    pub provider_batch_id: String,
}

/// Pays out withdrawals (Xendit batch disbursements, or the in-memory simulation).
#[async_trait]
pub trait Disburser: Send + Sync {
    /// Submits a batch; repeating it with the same reference submits nothing new.
    async fn submit_batch(&self, batch: &PayoutBatch) -> Result<PayoutBatchAccepted, PortError>;

    /// Asks where the payout with our `external_id` (a [`PayoutItem`]'s) stands:
    /// pending, completed, failed with the provider's code, or unknown to the provider.
    async fn payout_status(&self, external_id: &str) -> Result<PayoutStatus, PortError>;
}
