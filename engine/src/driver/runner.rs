//! The effect runner: performs due outbox entries through the ports, after the
//! commit that queued them, and stores each result in a transaction of its own, but
//! for created invoices (a join's, the hot path): the invoices a pass created are
//! stored together in one transaction at its end (one durable commit for many
//! joins), or one by one if that transaction fails.
//!
//! A crash between the port call and the result's commit leaves the entry pending:
//! the next runner calls the port again with the same idempotency key, so the
//! provider performs it once.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use futures_util::stream::{self, StreamExt};
use patungan_core::session::{ParticipantStatus, SessionConfig};
use patungan_core::{ParticipantId, SessionId};
use tracing::{debug, warn};

use patungan_core::inbox::InboxEntry;
use patungan_core::refunds::RefundOutcome;
use patungan_core::tasks::{self, Failure, Task};

use super::records::{InvoiceRecord, RefundRecord};
use super::Engine;
use crate::error::EngineError;
use crate::ports::{PayoutStatus, PortError, RefundState};
use crate::store::{OutboxEntry, RowQuery, StoreTx};

/// What a runner pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunReport {
    /// Entries performed and stored as done.
    pub done: usize,
    /// Entries that failed retryably and were rescheduled.
    pub retried: usize,
    /// Entries given up (permanent failure or retries spent).
    pub failed: usize,
}

enum Performed {
    Invoice(crate::ports::Invoice),
    Expired,
    Refund(crate::ports::RefundAccepted),
    Payouts,
    PayoutStatus(PayoutStatus),
    /// The notification port took an inbox entry.
    Delivered,
    /// The shipping port booked a shipment.
    Shipment(crate::ports::Shipment),
    /// The shipping port cancelled a shipment.
    ShipmentCancelled,
    /// Not performed: no longer wanted (an invoice for a participant who is no
    /// longer waiting to pay).
    Skipped,
}

impl Engine {
    /// Performs every outbox entry due at `now` (up to the configured batch size).
    /// Entries about different resources run concurrently (up to
    /// [`crate::EngineConfig::runner_concurrency`] at once); entries about the same
    /// resource (an invoice's creation and expiry, a refund's attempts …) run one
    /// after the other, in due order.
    pub async fn run_effects(&self, now: DateTime<Utc>) -> Result<RunReport, EngineError> {
        let lease =
            chrono::TimeDelta::from_std(self.config.runner_lease).unwrap_or(chrono::TimeDelta::MAX);
        let until = now.checked_add_signed(lease).unwrap_or(now);
        let due = self
            .store
            .claim_outbox(now, self.config.runner_batch, until)
            .await?;
        let waiting = self.waiting_to_pay(&due).await?;
        let waiting = &waiting;
        let lanes = tasks::lanes(due, |entry| &entry.task);
        let concurrency = self.config.runner_concurrency.max(1);
        let results: Vec<Result<LaneRun, EngineError>> = stream::iter(lanes)
            .map(|lane| self.run_lane(lane, waiting, now))
            .buffer_unordered(concurrency)
            .collect()
            .await;
        let mut report = RunReport::default();
        let mut created = Vec::new();
        for result in results {
            let lane = result?;
            report.done += lane.report.done;
            report.retried += lane.report.retried;
            report.failed += lane.report.failed;
            created.extend(lane.created);
        }
        self.store_created_invoices(created, now, &mut report)
            .await?;
        Ok(report)
    }

    /// Performs the entries of one lane in order. A created invoice that ends its
    /// lane is handed back to be stored with the pass's others.
    async fn run_lane(
        &self,
        lane: Vec<OutboxEntry>,
        waiting: &HashSet<(SessionId, ParticipantId)>,
        now: DateTime<Utc>,
    ) -> Result<LaneRun, EngineError> {
        let mut run = LaneRun::default();
        let last = lane.len().saturating_sub(1);
        for (i, entry) in lane.into_iter().enumerate() {
            let result = self.attempt(&entry.task, waiting).await?;
            match result {
                Ok(Performed::Invoice(invoice))
                    if i == last && matches!(entry.task, Task::CreateInvoice { .. }) =>
                {
                    run.created.push((entry, invoice));
                }
                result => {
                    self.store_outcome(entry, result, now, &mut run.report)
                        .await?
                }
            }
        }
        Ok(run)
    }

    /// The participants whose invoice the pass is to create that still wait to pay:
    /// one read of each session (not one per invoice, which would queue behind the
    /// joins committing on a hot session).
    async fn waiting_to_pay(
        &self,
        due: &[OutboxEntry],
    ) -> Result<HashSet<(SessionId, ParticipantId)>, EngineError> {
        let mut by_session: HashMap<SessionId, Vec<ParticipantId>> = HashMap::new();
        for entry in due {
            if let Task::CreateInvoice {
                session,
                participant,
                ..
            } = &entry.task
            {
                by_session.entry(*session).or_default().push(*participant);
            }
        }
        let reads: Vec<Result<Vec<_>, EngineError>> = stream::iter(by_session)
            .map(|(session, participants)| self.pending_of(session, participants))
            .buffer_unordered(self.config.runner_concurrency.max(1))
            .collect()
            .await;
        let mut waiting = HashSet::new();
        for pending in reads {
            waiting.extend(pending?);
        }
        Ok(waiting)
    }

    /// Which of `participants` of `session` wait to pay.
    async fn pending_of(
        &self,
        session: SessionId,
        participants: Vec<ParticipantId>,
    ) -> Result<Vec<(SessionId, ParticipantId)>, EngineError> {
        self.read_session(session, |s, _| {
            let state = s.state();
            participants
                .into_iter()
                .filter(|p| {
                    state
                        .participant(*p)
                        .is_some_and(|p| p.status == ParticipantStatus::Pending)
                })
                .map(|p| (session, p))
                .collect()
        })
        .await
    }

    /// Performs a task if it is still wanted.
    async fn attempt(
        &self,
        task: &Task,
        waiting: &HashSet<(SessionId, ParticipantId)>,
    ) -> Result<Result<Performed, PortError>, EngineError> {
        Ok(if self.still_wanted(task, waiting).await? {
            self.perform(task).await
        } else {
            Ok(Performed::Skipped)
        })
    }

    /// Stores the invoices a pass created in one transaction, or each in its own if
    /// that transaction fails, counting them in `report`.
    async fn store_created_invoices(
        &self,
        created: Vec<(OutboxEntry, crate::ports::Invoice)>,
        now: DateTime<Utc>,
        report: &mut RunReport,
    ) -> Result<(), EngineError> {
        if created.is_empty() {
            return Ok(());
        }
        match self.store_invoices_together(&created).await {
            Ok(done) => report.done += done,
            Err(error) => {
                debug!(%error, count = created.len(), "storing the created invoices one by one");
                for (entry, invoice) in created {
                    self.store_outcome(entry, Ok(Performed::Invoice(invoice)), now, report)
                        .await?;
                }
            }
        }
        Ok(())
    }

    /// One transaction storing every created invoice whose entry is still pending as
    /// this runner left it; how many it stored. The entries and the invoice records
    /// are read in one round trip each.
    async fn store_invoices_together(
        &self,
        created: &[(OutboxEntry, crate::ports::Invoice)],
    ) -> Result<usize, EngineError> {
        let mut tx = self.store.begin().await?;
        let ids: Vec<_> = created.iter().map(|(entry, _)| entry.id).collect();
        let mut current: HashMap<_, _> = tx
            .outbox_entries(&ids)
            .await?
            .into_iter()
            .map(|entry| (entry.id, entry))
            .collect();
        let payments = created
            .iter()
            .filter_map(|(entry, _)| match &entry.task {
                Task::CreateInvoice { request, .. } => Some(request.payment_id),
                _ => None,
            })
            .collect();
        let mut records: HashMap<_, _> = tx
            .find::<InvoiceRecord>(RowQuery::Invoices(payments))
            .await?
            .into_iter()
            .map(|record| (record.payment, record))
            .collect();
        let mut done = 0;
        for (entry, invoice) in created {
            let Some(current) = current.remove(&entry.id) else {
                continue;
            };
            if !current.stands_as(entry) {
                continue;
            }
            if let Task::CreateInvoice { request, .. } = &current.task {
                if let Some(mut record) = records.remove(&request.payment_id) {
                    record.created(invoice.provider_invoice_id.clone(), invoice.url.clone());
                    tx.put(record).await?;
                }
            }
            tx.update_outbox(&current.performed()).await?;
            done += 1;
        }
        tx.commit().await?;
        Ok(done)
    }

    /// Stores one entry's result (or failure) in a transaction of its own, counting
    /// it in `report`.
    async fn store_outcome(
        &self,
        entry: OutboxEntry,
        result: Result<Performed, PortError>,
        now: DateTime<Utc>,
        report: &mut RunReport,
    ) -> Result<(), EngineError> {
        let mut invoice_failed = None;
        // A booking's result is recorded below; what it needs of the session is read
        // now, outside the transaction.
        let booking_config = match &entry.task {
            Task::BookShipment { request, .. } => self.booking_config(request.order_id).await?,
            _ => None,
        };
        let mut tx = self.store.begin().await?;
        let Some(current) = tx.outbox_entry(entry.id).await? else {
            return Ok(());
        };
        if !current.stands_as(&entry) {
            return Ok(());
        }
        match result {
            Ok(performed) => {
                self.store_result(&mut *tx, &current, performed, booking_config.as_ref(), now)
                    .await?;
                tx.update_outbox(&current.performed()).await?;
                report.done += 1;
            }
            Err(error) => {
                let failure = Failure {
                    retryable: error.is_retryable(),
                    provider_wait: error.retry_after,
                    error: error.to_string(),
                };
                let next = current
                    .clone()
                    .attempt_failed(&self.config.retry, failure, now);
                let (task, attempts) = (current.task.kind(), next.attempts);
                if next.is_failed() {
                    warn!(task, %error, attempts, "giving up");
                    if let Task::CreateInvoice {
                        session, request, ..
                    } = &current.task
                    {
                        invoice_failed = Some((*session, request.payment_id));
                    }
                    let config = booking_config.as_ref();
                    self.store_failure(&mut *tx, &current, &error, config, now)
                        .await?;
                    report.failed += 1;
                } else {
                    debug!(task, %error, attempts, "retrying");
                    report.retried += 1;
                }
                tx.update_outbox(&next).await?;
            }
        }
        tx.commit().await?;
        if let Some((session, payment)) = invoice_failed {
            // No invoice can be paid: the participant stops holding availability.
            // (Idempotent; a refusal means the payment already moved on.)
            match self
                .session_input(session, now, |s| s.payment_failed(payment, now))
                .await
            {
                Ok(_) | Err(EngineError::Session(_)) => {}
                Err(other) => return Err(other),
            }
        }
        Ok(())
    }

    /// Whether a task still needs doing. An invoice is created only while its
    /// participant waits to pay (`waiting`, read at the start of the pass): once the
    /// participant left or the session settled, the invoice's expiry may already have
    /// run (finding no invoice), and creating it now would leave it payable for
    /// nobody.
    async fn still_wanted(
        &self,
        task: &Task,
        waiting: &HashSet<(SessionId, ParticipantId)>,
    ) -> Result<bool, EngineError> {
        match task {
            Task::CreateInvoice {
                session,
                participant,
                ..
            } => Ok(waiting.contains(&(*session, *participant))),
            Task::QueryPayoutStatus { item } => self.payout_in_flight(*item).await,
            Task::PayFactory { batch } => self.factory_payout_wanted(&batch.reference).await,
            Task::QueryFactoryPayout { external_id } => {
                self.factory_payout_wanted(external_id).await
            }
            Task::BookShipment { booking, request } => Ok(self
                .store
                .read::<patungan_core::orders::Order>(request.order_id)
                .await?
                .is_some_and(|order| order.wants_booking(*booking))),
            _ => Ok(true),
        }
    }

    async fn perform(&self, task: &Task) -> Result<Performed, PortError> {
        match task {
            Task::CreateInvoice { request, .. } => self
                .ports
                .gateway
                .create_invoice(request)
                .await
                .map(Performed::Invoice),
            Task::ExpireInvoice { payment, .. } => self
                .ports
                .gateway
                .expire_invoice(*payment, None)
                .await
                .map(|()| Performed::Expired),
            Task::Refund { request, .. } => self
                .ports
                .gateway
                .refund(request)
                .await
                .map(Performed::Refund),
            Task::SubmitPayouts { batch } | Task::PayFactory { batch } => self
                .ports
                .disburser
                .submit_batch(batch)
                .await
                .map(|_| Performed::Payouts),
            Task::QueryPayoutStatus { item } => self
                .ports
                .disburser
                .payout_status(&item.to_string())
                .await
                .map(Performed::PayoutStatus),
            Task::QueryFactoryPayout { external_id } => self
                .ports
                .disburser
                .payout_status(external_id)
                .await
                .map(Performed::PayoutStatus),
            Task::DeliverNotification { entry } => self
                .ports
                .notifier
                .deliver(entry)
                .await
                .map(|()| Performed::Delivered),
            Task::SendToFactory { message } => self
                .ports
                .factory
                .send(message)
                .await
                .map(|()| Performed::Delivered),
            Task::BookShipment { request, .. } => self
                .ports
                .shipping
                .create_shipment(request)
                .await
                .map(Performed::Shipment),
            Task::CancelShipment { cancellation } => self
                .ports
                .shipping
                .cancel_shipment(cancellation)
                .await
                .map(|()| Performed::ShipmentCancelled),
        }
    }

    async fn store_result(
        &self,
        tx: &mut dyn StoreTx,
        entry: &OutboxEntry,
        performed: Performed,
        booking_config: Option<&SessionConfig>,
        now: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        match (&entry.task, performed) {
            (Task::CreateInvoice { request, .. }, Performed::Invoice(invoice)) => {
                if let Some(mut record) = tx.get::<InvoiceRecord>(request.payment_id).await? {
                    record.created(invoice.provider_invoice_id, invoice.url);
                    tx.put(record).await?;
                }
            }
            (Task::Refund { request, .. }, Performed::Refund(accepted)) => {
                if let Some(mut record) = tx.get::<RefundRecord>(request.reference.clone()).await? {
                    record.accepted(&accepted.provider_refund_id);
                    tx.put(record.clone()).await?;
                    if accepted.state != RefundState::Pending {
                        debug!(reference = %request.reference, state = ?accepted.state, at = %now,
                            "refund settled synchronously; waiting for its webhook");
                    }
                }
            }
            (Task::QueryPayoutStatus { item }, Performed::PayoutStatus(status)) => {
                self.apply_payout_status(tx, *item, &status).await?;
            }
            (Task::QueryFactoryPayout { external_id }, Performed::PayoutStatus(status)) => {
                self.apply_factory_payout_status(tx, external_id, &status)
                    .await?;
            }
            (Task::DeliverNotification { entry }, Performed::Delivered) => {
                if let Some(mut stored) = tx.get::<InboxEntry>(entry.id).await? {
                    if stored.mark_delivered(now) {
                        tx.put(stored).await?;
                    }
                }
            }
            (Task::BookShipment { booking, request }, Performed::Shipment(shipment)) => {
                self.shipment_booked(tx, request, *booking, shipment, booking_config, now)
                    .await?;
            }
            (Task::CreateInvoice { request, .. }, Performed::Skipped) => {
                abandon_invoice(tx, request.payment_id).await?;
            }
            _ => {}
        }
        Ok(())
    }

    async fn store_failure(
        &self,
        tx: &mut dyn StoreTx,
        entry: &OutboxEntry,
        error: &PortError,
        booking_config: Option<&SessionConfig>,
        now: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        match &entry.task {
            Task::Refund { request, .. } => {
                // The gateway refused the attempt for good: it failed, and the refund
                // rules decide what follows (the next attempt, or an operator).
                let record = tx.get::<RefundRecord>(request.reference.clone()).await?;
                if let Some(record) = record.filter(|r| !r.is_settled()) {
                    let failed = RefundOutcome::Failed {
                        failure_code: Some(error.code.clone()),
                    };
                    self.settle_refund(tx, record, &failed, None, now).await?;
                }
            }
            // Rejected as a whole: every item is resolved like that failure code.
            Task::SubmitPayouts { batch } if !error.is_retryable() => {
                self.reject_payout_batch(tx, batch, &error.code).await?;
            }
            Task::PayFactory { batch } if !error.is_retryable() => {
                self.factory_payout_refused(tx, batch, &error.code).await?;
            }
            Task::CreateInvoice { request, .. } => {
                abandon_invoice(tx, request.payment_id).await?;
            }
            Task::BookShipment { booking, request } => {
                if let Some(config) = booking_config {
                    self.shipment_refused(tx, request, *booking, config, now)
                        .await?;
                }
            }
            Task::ExpireInvoice { .. }
            | Task::SubmitPayouts { .. }
            | Task::PayFactory { .. }
            | Task::QueryPayoutStatus { .. }
            | Task::QueryFactoryPayout { .. }
            | Task::SendToFactory { .. }
            | Task::CancelShipment { .. }
            | Task::DeliverNotification { .. } => {
                debug!(at = %now, "no record to update");
            }
        }
        Ok(())
    }
}

/// What one lane did: its entries stored, and the invoices it created to be stored
/// with the pass's others.
#[derive(Default)]
struct LaneRun {
    report: RunReport,
    created: Vec<(OutboxEntry, crate::ports::Invoice)>,
}

/// The invoice of `payment` will not be created (or its creation recorded): a paid
/// callback for it is checked without a gateway id from now on.
async fn abandon_invoice(
    tx: &mut dyn StoreTx,
    payment: patungan_core::PaymentId,
) -> Result<(), EngineError> {
    if let Some(mut record) = tx.get::<InvoiceRecord>(payment).await? {
        if record.abandon() {
            tx.put(record).await?;
        }
    }
    Ok(())
}
