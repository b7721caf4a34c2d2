//! The factory port: purchase orders reach the factory that makes the goods (a signed
//! outgoing webhook, an EDI gateway, or the in-memory recorder).

use async_trait::async_trait;

use crate::error::PortError;

pub use patungan_core::tasks::factory::FactoryMessage;

/// Delivers purchase orders to the factory. Delivery is at least once: the engine
/// repeats a delivery whose result it did not record, so the receiver deduplicates by
/// [`FactoryMessage::id`].
#[async_trait]
pub trait FactoryChannel: Send + Sync {
    /// Sends `message`; sending the same message again changes nothing at the factory.
    async fn send(&self, message: &FactoryMessage) -> Result<(), PortError>;
}
