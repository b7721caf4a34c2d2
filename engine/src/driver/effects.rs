//! The core's steps for a session's effects ([`patungan_core::steps`]), carried out
//! inside the operation's transaction: ledger postings and records are written at
//! once; calls to providers go to the outbox. Which effect becomes which step is
//! the core's decision; this module only performs them.

use chrono::{DateTime, Utc};
use patungan_core::inbox::InboxEntry;
use patungan_core::session::{Effect, Session};
use patungan_core::steps::{self, Step};
use patungan_core::{ProductId, SessionId};

use super::refunds::NewRefund;
use super::tick::update_stock;
use super::Engine;
use crate::error::EngineError;
use crate::ledger_ws;
use crate::ports::{FactoryMessage, GatewayInvoiceRequest};
use crate::store::{EffectId, NotificationRecord, StoreTx};
use patungan_core::tasks::Task;

/// The order id of a participant's order (the core's [`patungan_core::orders::order_id`]).
pub use patungan_core::orders::order_id;
/// A purchase order issued for a session (the core's purchasing record).
pub use patungan_core::purchasing::{PurchaseOrderRecord, PurchaseOrderStatus};
/// The id of the session that renews another (the core's [`patungan_core::steps::renewal_id`]).
pub use patungan_core::steps::renewal_id;
/// One product's stock: on hand, reserved and pledged units per variant (the core's
/// stock book).
pub use patungan_core::stock::Stock as StockRecord;

impl Engine {
    /// Plans the steps of `effects` (queued by the input that brought `session` to
    /// `version`) and performs them in order.
    pub(crate) async fn apply_effects(
        &self,
        tx: &mut dyn StoreTx,
        session: &Session,
        version: u64,
        effects: Vec<Effect>,
        now: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        let policy = self.config.over_tolerance;
        let steps =
            steps::plan_with(session, version, effects, &self.chart, policy).map_err(|e| {
                EngineError::Inconsistent(format!("session {}: {} ({e})", session.id(), e.code()))
            })?;
        for step in steps {
            self.perform_step(tx, session, step, now).await?;
        }
        Ok(())
    }

    /// Queues `message` to the factory (its outbox id derives from the purchase order
    /// and the event, so it is queued once).
    pub(crate) async fn tell_factory(
        &self,
        tx: &mut dyn StoreTx,
        message: FactoryMessage,
        now: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        let id = EffectId(message.outbox_id());
        let task = Task::SendToFactory { message };
        Ok(tx.queue(id, task, now).await?)
    }

    async fn perform_step(
        &self,
        tx: &mut dyn StoreTx,
        current: &Session,
        step: Step,
        now: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        let session = current.id();
        match step {
            Step::CreateInvoice {
                outbox,
                invoice,
                details,
            } => {
                tx.put(invoice.clone()).await?;
                let task = Task::CreateInvoice {
                    session,
                    participant: invoice.participant,
                    request: GatewayInvoiceRequest::for_invoice(&invoice, details),
                };
                tx.queue(EffectId(outbox), task, now).await?;
            }
            Step::ExpireInvoice { outbox, payment } => {
                let task = Task::ExpireInvoice { session, payment };
                tx.queue(EffectId(outbox), task, now).await?;
            }
            Step::StartRefund {
                source,
                user,
                amount,
                reason,
            } => {
                let refund = NewRefund {
                    source,
                    user,
                    amount,
                    destination: self.config.refund_destination,
                    reason: reason.into(),
                };
                self.start_refund(tx, refund, now).await?;
            }
            Step::PostSuccessSplit { posting } => ledger_ws::execute(tx, &posting, &[]).await?,
            Step::RecordOrder { order } => tx.put(order).await?,
            Step::BookShipment { order, .. } => {
                let config = current.state().config();
                self.book_recorded_order(tx, order, config, now).await?;
            }
            // Carried out by the success splits; the core checked the amounts.
            Step::Covered(_) => {}
            Step::ReserveStock { product, lines } => {
                update_stock(tx, product, |stock| stock.reserve(&lines)).await?;
            }
            Step::RecordPurchaseOrder { record } => {
                // A held order goes to the factory when an operator approves it.
                if !record.awaits_approval() {
                    let message = FactoryMessage::issued(current, &record, now);
                    self.tell_factory(tx, message, now).await?;
                }
                tx.put(record).await?;
            }
            Step::PledgeStock { product, levels } => {
                update_stock(tx, product, |stock| stock.pledge(&levels)).await?;
            }
            Step::CancelPurchaseOrder { session, product } => {
                self.cancel_purchase_order(tx, session, product, now)
                    .await?;
            }
            Step::Notify {
                key,
                notification,
                recipients,
            } => {
                let entries =
                    InboxEntry::for_recipients(key, session, &notification, &recipients, now);
                tx.put(NotificationRecord {
                    id: key,
                    notification,
                })
                .await?;
                self.deliver(tx, entries, now).await?;
            }
            Step::RenewSession { id, config } => {
                if tx.lock_session(id).await?.is_none() {
                    self.create_in(tx, id, config, now).await?;
                }
            }
        }
        Ok(())
    }

    /// Cancels the purchase order of a session: its units leave the stock plan, and
    /// the factory is told if it was sent.
    async fn cancel_purchase_order(
        &self,
        tx: &mut dyn StoreTx,
        session: SessionId,
        product: ProductId,
        now: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        let mut record = tx
            .get::<PurchaseOrderRecord>(session)
            .await?
            .ok_or_else(|| {
                EngineError::Inconsistent(format!(
                    "session {session} cancels a purchase order it never recorded"
                ))
            })?;
        let sent = !record.awaits_approval();
        let change = record.cancel()?;
        tx.put(record).await?;
        update_stock(tx, product, |stock| stock.apply(&change)).await?;
        if sent {
            let message = FactoryMessage::PurchaseOrderCancelled {
                session,
                cancelled_at: now,
            };
            self.tell_factory(tx, message, now).await?;
        }
        Ok(())
    }

    /// Stores users' inbox entries and queues their delivery (each entry's id is its
    /// outbox id).
    async fn deliver(
        &self,
        tx: &mut dyn StoreTx,
        entries: Vec<InboxEntry>,
        now: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        for entry in entries {
            let outbox = EffectId(entry.id);
            tx.put(entry.clone()).await?;
            let task = Task::DeliverNotification { entry };
            tx.queue(outbox, task, now).await?;
        }
        Ok(())
    }
}
