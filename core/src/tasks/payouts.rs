//! What the disburser is asked to pay (batches of payouts to bank accounts) and what
//! it answers.

use serde::{Deserialize, Serialize};

use crate::Money;

pub use crate::wallet::PayoutStatus;

/// A bank account to pay into: the core's (its fields are shared strings that
/// serialise as plain strings).
pub use crate::wallet::BankAccount;

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
