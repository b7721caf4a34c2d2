//! Payment callbacks: checked against the stored invoice by the core before anything
//! is posted; a genuine one pays its participant, a mismatching one becomes an
//! anomaly whose money is held in suspense and refunded (docs/domain.md §8).

use chrono::{DateTime, Utc};
use patungan_core::ledger::{Chart, PaymentReceived, RefundDestination};
use patungan_core::payments::{Anomaly, Mismatch, PaidReport, Verdict};
use patungan_core::refunds::RefundSource;
use patungan_core::session::SessionError;
use tracing::warn;

use super::records::InvoiceRecord;
use super::refunds::NewRefund;
use super::sessions::SessionWork;
use super::{Engine, Handled};
use crate::error::EngineError;
use crate::ledger_ws;
use crate::ports::GatewayRefundReason;
use crate::store::StoreTx;
use patungan_core::notices::{PaymentNotification, PaymentStatus, ProviderNotification};

impl Engine {
    pub(crate) async fn payment_notification(
        &self,
        notification: &ProviderNotification,
        n: &PaymentNotification,
        now: DateTime<Utc>,
    ) -> Result<Handled, EngineError> {
        let invoice: InvoiceRecord = {
            let mut tx = self.store.begin().await?;
            tx.get::<InvoiceRecord>(n.payment_id)
                .await?
                .ok_or_else(|| EngineError::UnknownReference {
                    what: "payment",
                    id: n.payment_id.to_string(),
                })?
        };
        let mut work = self.open_session(invoice.session).await?;
        if !work.tx.inbox_insert(&notification.dedup_key(), now).await? {
            work.keep();
            return Ok(Handled::Duplicate);
        }
        let outcome = match n.status {
            PaymentStatus::Paid => {
                let report = n.paid_report().ok_or(EngineError::InvalidNotification {
                    reason: "a paid callback must carry the amount paid",
                })?;
                match invoice.verify(&report) {
                    Verdict::Genuine => {
                        adopt_invoice_id(&mut *work.tx, &invoice, &report).await?;
                        self.paid(&mut work, &invoice, &report, now).await?
                    }
                    Verdict::Anomaly(mismatch) => {
                        let id = self
                            .record_anomaly(&mut *work.tx, &invoice, report, mismatch, now)
                            .await?;
                        Handled::Anomaly(id)
                    }
                    Verdict::NotYetCreated => {
                        work.keep();
                        return Err(EngineError::InvoiceNotReady {
                            payment: n.payment_id,
                        });
                    }
                }
            }
            PaymentStatus::Expired | PaymentStatus::Failed => closed(&mut work, &invoice, n, now),
        };
        self.commit_session(work, now).await?;
        Ok(outcome)
    }

    /// A genuine payment: gateway clearing → escrow, then the session takes it. A
    /// session that cannot take it (it settled, the participant moved on) refunds it
    /// in full through the session's own rules; anything else sends it straight back.
    async fn paid(
        &self,
        work: &mut SessionWork,
        invoice: &InvoiceRecord,
        report: &PaidReport,
        now: DateTime<Utc>,
    ) -> Result<Handled, EngineError> {
        let posting = self.chart.payment_received(&PaymentReceived {
            payment: invoice.payment,
            session: invoice.session,
            amount: report.amount,
        });
        ledger_ws::execute(&mut *work.tx, &posting, &[]).await?;
        let at = report.paid_at.unwrap_or(now);
        match work
            .session()
            .payment_confirmed(invoice.payment, report.amount, at)
        {
            Ok(_) => Ok(Handled::Applied),
            Err(refused) => {
                self.refund_refused(&mut *work.tx, invoice, report, &refused, now)
                    .await?;
                Ok(Handled::Ignored(refused.code().to_owned()))
            }
        }
    }

    async fn refund_refused(
        &self,
        tx: &mut dyn StoreTx,
        invoice: &InvoiceRecord,
        report: &PaidReport,
        refused: &SessionError,
        now: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        warn!(payment = %invoice.payment, code = refused.code(),
            "a verified payment the session refused is refunded");
        let refund = NewRefund {
            source: RefundSource::Escrow {
                session: invoice.session,
                payment: invoice.payment,
            },
            user: invoice.user,
            amount: report.amount,
            destination: self.config.refund_destination,
            reason: GatewayRefundReason::Others,
        };
        self.start_refund(tx, refund, now).await
    }

    /// A paid callback that does not match its invoice: recorded for an operator, its
    /// money booked to suspense and refunded in full. Nothing is posted under the
    /// participant's payment, so the genuine callback still applies. Recording the
    /// same report again changes nothing.
    async fn record_anomaly(
        &self,
        tx: &mut dyn StoreTx,
        invoice: &InvoiceRecord,
        report: PaidReport,
        mismatch: Mismatch,
        now: DateTime<Utc>,
    ) -> Result<patungan_core::AnomalyId, EngineError> {
        let anomaly = Anomaly::new(invoice, report, mismatch, now);
        let known = tx.get::<Anomaly>(anomaly.id).await?;
        if known.is_some() {
            return Ok(anomaly.id);
        }
        warn!(anomaly = %anomaly.id, payment = %anomaly.payment, code = anomaly.mismatch.code(),
            collected = %anomaly.collected(), "payment callback does not match its invoice");
        let chart = Chart::new(anomaly.collected().currency());
        let posting = chart.suspense_received(*anomaly.id.as_uuid(), anomaly.collected());
        ledger_ws::execute(tx, &posting, &[]).await?;
        // The anomaly is written before its refund, which reads it for the gateway call.
        tx.put(anomaly.clone()).await?;
        let refund = NewRefund {
            source: RefundSource::Suspense {
                anomaly: anomaly.id,
            },
            user: anomaly.user,
            amount: anomaly.collected(),
            destination: RefundDestination::OriginalMethod,
            reason: GatewayRefundReason::Others,
        };
        self.start_refund(tx, refund, now).await?;
        Ok(anomaly.id)
    }
}

/// A genuine payment under an invoice whose creation was abandoned: the gateway id
/// it reports is the invoice's from now on (its refund goes back through it).
async fn adopt_invoice_id(
    tx: &mut dyn StoreTx,
    invoice: &InvoiceRecord,
    report: &PaidReport,
) -> Result<(), EngineError> {
    if invoice.provider_invoice_id.is_some() {
        return Ok(());
    }
    let mut adopted = invoice.clone();
    adopted.provider_invoice_id = Some(report.provider_invoice_id.clone());
    tx.put(adopted).await?;
    Ok(())
}

/// An expiry or failure report. One that names another gateway invoice than the
/// stored one is not about this invoice and changes nothing.
fn closed(
    work: &mut SessionWork,
    invoice: &InvoiceRecord,
    n: &PaymentNotification,
    now: DateTime<Utc>,
) -> Handled {
    if invoice
        .provider_invoice_id
        .as_deref()
        .is_some_and(|stored| stored != n.provider_event_id)
    {
        return Handled::Ignored("payment.invoice_id_mismatch".to_owned());
    }
    let result = if n.status == PaymentStatus::Expired {
        work.session().payment_expired(n.payment_id, now)
    } else {
        work.session().payment_failed(n.payment_id, now)
    };
    match result {
        Ok(_) => Handled::Applied,
        Err(refused) => Handled::Ignored(refused.code().to_owned()),
    }
}
