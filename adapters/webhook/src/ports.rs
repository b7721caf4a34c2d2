//! The engine's ports over [`WebhookSender`]: notifications to users and messages to
//! the factory.

use async_trait::async_trait;
use patungan_core::inbox::InboxEntry;
use patungan_ports::{FactoryChannel, FactoryMessage, Notifier, PortError};

use crate::sender::WebhookSender;

#[async_trait]
impl Notifier for WebhookSender {
    /// Posts the entry as an `inbox.entry` event; its id is the message id.
    async fn deliver(&self, entry: &InboxEntry) -> Result<(), PortError> {
        let id = format!("inbox_{}", entry.id.simple());
        self.post_event("deliver_notification", "inbox.entry", &id, entry)
            .await
    }
}

#[async_trait]
impl FactoryChannel for WebhookSender {
    /// Posts the message as a `purchase_order.issued` or `purchase_order.cancelled`
    /// event; the message id names the event and the purchase order.
    async fn send(&self, message: &FactoryMessage) -> Result<(), PortError> {
        let id = format!(
            "po_{}_{}",
            message.event().replace('.', "_"),
            message.session().as_uuid().simple()
        );
        self.post_event("send_to_factory", message.event(), &id, message)
            .await
    }
}
