//! The disburser port: paying wallet withdrawals out to bank accounts in batches.

use async_trait::async_trait;

use crate::error::PortError;

pub use patungan_core::tasks::payouts::{
    BankAccount, PayoutBatch, PayoutBatchAccepted, PayoutItem, PayoutStatus,
};

/// Pays out withdrawals (Xendit batch disbursements, or the in-memory simulation).
#[async_trait]
pub trait Disburser: Send + Sync {
    /// Submits a batch; repeating it with the same reference submits nothing new.
    async fn submit_batch(&self, batch: &PayoutBatch) -> Result<PayoutBatchAccepted, PortError>;

    /// Asks where the payout with our `external_id` (a [`PayoutItem`]'s) stands:
    /// pending, completed, failed with the provider's code, or unknown to the provider.
    async fn payout_status(&self, external_id: &str) -> Result<PayoutStatus, PortError>;
}
