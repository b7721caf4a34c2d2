//! The notification port: delivering users' inbox entries (a signed outgoing webhook,
//! a push service, or the in-memory recorder).

use async_trait::async_trait;
use patungan_core::inbox::InboxEntry;

use crate::error::PortError;

/// Delivers inbox entries. Delivery is at least once: the engine repeats a delivery
/// whose result it did not record, so an implementation deduplicates by the entry's id.
#[async_trait]
pub trait Notifier: Send + Sync {
    /// Delivers `entry`; delivering the same id again notifies nobody twice.
    async fn deliver(&self, entry: &InboxEntry) -> Result<(), PortError>;
}
