//! Driving the core's refund book: start an attempt (its posting, its record, the
//! gateway call in the outbox), feed the gateway's answers back, and carry out an
//! operator's decision. The rules — backoff, attempt budget, what an operator may
//! do — are the core's ([`patungan_core::refunds`]).

use chrono::{DateTime, Utc};
use patungan_core::ledger::{derive_uuid, Chart, Posting, RefundDestination};
use patungan_core::payments::{Anomaly, AnomalyStatus};
use patungan_core::refunds::{
    OperatorAction, RefundAttempt, RefundNext, RefundOutcome, RefundSource, RefundStatus,
};
use patungan_core::{AnomalyId, Money, PaymentId, UserId};

use super::records::InvoiceRecord;
use super::Engine;
use crate::error::EngineError;
use crate::ledger_ws;
use crate::ports::{GatewayRefundReason, RefundRequest};
use crate::store::{EffectId, StoreTx};
use patungan_core::tasks::Task;

const REFUND_TASK: u64 = 0xE001 << 48;

/// A refund to start: where the money is, whose it is, how much, and why.
pub(crate) struct NewRefund {
    pub(crate) source: RefundSource,
    pub(crate) user: UserId,
    pub(crate) amount: Money,
    pub(crate) destination: RefundDestination,
    pub(crate) reason: GatewayRefundReason,
}

impl Engine {
    /// Starts the first attempt of a refund, due at once.
    pub(crate) async fn start_refund(
        &self,
        tx: &mut dyn StoreTx,
        refund: NewRefund,
        now: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        let chart = Chart::new(refund.amount.currency());
        let (record, posting) = RefundAttempt::start(
            &chart,
            refund.source,
            refund.user,
            refund.amount,
            1,
            refund.destination,
        );
        self.persist_attempt(tx, record, &posting, refund.reason, now)
            .await
    }

    /// Writes an attempt's posting and record and, when the gateway must be asked,
    /// queues the call due at `due`. A completed attempt closes its anomaly.
    async fn persist_attempt(
        &self,
        tx: &mut dyn StoreTx,
        record: RefundAttempt,
        posting: &Posting,
        reason: GatewayRefundReason,
        due: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        ledger_ws::execute(tx, posting, &[]).await?;
        if record.needs_gateway() {
            let (payment_id, provider_invoice_id) = self.refund_target(tx, record.source).await?;
            let transfer = uuid::Uuid::parse_str(&record.reference).map_err(|_| {
                EngineError::Inconsistent(format!("refund reference {}", record.reference))
            })?;
            let id = EffectId(derive_uuid(transfer, REFUND_TASK));
            let task = Task::Refund {
                source: record.source,
                attempt: record.attempt,
                request: RefundRequest {
                    reference: record.reference.clone(),
                    payment_id,
                    provider_invoice_id,
                    amount: record.amount,
                    reason,
                },
            };
            tx.queue(id, task, due).await?;
        }
        if record.status == RefundStatus::Completed {
            self.close_anomaly(tx, record.source).await?;
        }
        tx.put(record).await?;
        Ok(())
    }

    /// The payment a refund goes back through, and the gateway's invoice id.
    async fn refund_target(
        &self,
        tx: &mut dyn StoreTx,
        source: RefundSource,
    ) -> Result<(PaymentId, Option<String>), EngineError> {
        match source {
            RefundSource::Escrow { payment, .. } => {
                let invoice: Option<InvoiceRecord> = tx.get::<InvoiceRecord>(payment).await?;
                Ok((payment, invoice.and_then(|i| i.provider_invoice_id)))
            }
            RefundSource::Suspense { anomaly } => {
                let found = self.load_anomaly(tx, anomaly).await?;
                Ok((found.payment, Some(found.reported.provider_invoice_id)))
            }
        }
    }

    async fn load_anomaly(
        &self,
        tx: &mut dyn StoreTx,
        id: AnomalyId,
    ) -> Result<Anomaly, EngineError> {
        tx.get::<Anomaly>(id)
            .await?
            .ok_or_else(|| EngineError::UnknownReference {
                what: "anomaly",
                id: id.to_string(),
            })
    }

    /// The money of an anomaly went back: it is closed.
    async fn close_anomaly(
        &self,
        tx: &mut dyn StoreTx,
        source: RefundSource,
    ) -> Result<(), EngineError> {
        if let RefundSource::Suspense { anomaly } = source {
            let mut found = self.load_anomaly(tx, anomaly).await?;
            found.status = AnomalyStatus::Refunded;
            tx.put(found).await?;
        }
        Ok(())
    }

    /// The gateway's answer for attempt `record` (a webhook, or a refund call that
    /// failed for good): its hold is posted or voided, and what the core decides
    /// follows — the next attempt after a backoff, an operator, or nothing.
    pub(crate) async fn settle_refund(
        &self,
        tx: &mut dyn StoreTx,
        mut record: RefundAttempt,
        outcome: &RefundOutcome,
        provider_refund_id: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<RefundNext, EngineError> {
        let chart = Chart::new(record.amount.currency());
        let settled = record.settle(
            &chart,
            outcome,
            provider_refund_id,
            &self.config.refund_policy,
            now,
        );
        ledger_ws::execute(tx, &settled.posting, &record.hold_accounts(&chart)).await?;
        tx.put(record.clone()).await?;
        match settled.next {
            RefundNext::RetryAt { at } => {
                let (next, posting) = record.next_attempt(&chart, record.destination);
                self.persist_attempt(tx, next, &posting, GatewayRefundReason::Others, at)
                    .await?;
            }
            RefundNext::Done => self.close_anomaly(tx, record.source).await?,
            RefundNext::AwaitOperator => {
                tracing::warn!(reference = %record.reference, attempts = record.attempt,
                    "refund attempts spent: waiting for an operator");
            }
        }
        Ok(settled.next)
    }

    /// An operator decides on a refund waiting for one: retry it through the gateway
    /// now, or credit the payer's wallet instead. Exactly once: a second decision is
    /// refused with `refund.not_awaiting_operator`. Returns the new attempt.
    pub async fn resolve_refund(
        &self,
        reference: &str,
        action: OperatorAction,
        now: DateTime<Utc>,
    ) -> Result<RefundAttempt, EngineError> {
        let mut tx = self.store.begin().await?;
        let mut record: RefundAttempt = tx
            .get::<RefundAttempt>(reference.to_owned())
            .await?
            .ok_or_else(|| EngineError::UnknownReference {
                what: "refund",
                id: reference.to_owned(),
            })?;
        let chart = Chart::new(record.amount.currency());
        let (next, posting) = record.operator(&chart, action)?;
        tx.put(record.clone()).await?;
        self.persist_attempt(
            &mut *tx,
            next.clone(),
            &posting,
            GatewayRefundReason::Others,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(next)
    }
}
