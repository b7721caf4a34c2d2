//! Provider notifications: deduplicated in the inbox, applied in one transaction.

use chrono::{DateTime, Utc};
use patungan_core::ledger::{PaymentReceived, RefundResult, RefundSettlement};
use patungan_core::wallet::{PayoutItemKey, PayoutResult, Withdrawals};

use super::records::{self, InvoiceRecord, RefundRecord, RefundStatus};
use super::Engine;
use crate::error::EngineError;
use crate::ledger_ws;
use crate::notification::{
    Notification, PaymentNotification, PaymentStatus, PayoutNotification, PayoutOutcome,
    RefundNotification, RefundOutcome, ShipmentNotification,
};
use crate::ports::RefundReason;
use crate::store::RecordKind;

/// What handling a notification did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handled {
    /// It changed state.
    Applied,
    /// The same notification was handled before: nothing changed.
    Duplicate,
    /// It was recorded but changed nothing, for the reason given (e.g. an expiry of
    /// an invoice already paid).
    Ignored(String),
}

/// Refund attempts made for one payment before it waits for an operator.
pub const MAX_REFUND_ATTEMPTS: u32 = 5;

impl Engine {
    /// Applies a provider notification exactly once (by its dedup key).
    pub async fn handle_notification(
        &self,
        notification: &Notification,
        now: DateTime<Utc>,
    ) -> Result<Handled, EngineError> {
        match notification {
            Notification::Payment(n) => self.payment_notification(notification, n, now).await,
            Notification::Refund(n) => self.refund_notification(notification, n, now).await,
            Notification::Payout(n) => self.payout_notification(notification, n, now).await,
            Notification::Shipment(n) => self.shipment_notification(notification, n, now).await,
        }
    }

    async fn payment_notification(
        &self,
        notification: &Notification,
        n: &PaymentNotification,
        now: DateTime<Utc>,
    ) -> Result<Handled, EngineError> {
        let invoice: InvoiceRecord = {
            let mut tx = self.store.begin().await?;
            records::get(&mut *tx, RecordKind::Invoice, &n.payment_id.to_string())
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
                let amount = n.paid_amount.unwrap_or(invoice.amount);
                let posting = self.chart.payment_received(&PaymentReceived {
                    payment: n.payment_id,
                    session: invoice.session,
                    amount,
                });
                ledger_ws::execute(&mut *work.tx, &posting, &[]).await?;
                let at = n.paid_at.unwrap_or(now);
                match work.session().payment_confirmed(n.payment_id, amount, at) {
                    Ok(_) => Handled::Applied,
                    Err(refused) => {
                        // The money arrived but the session cannot take it (e.g. a wrong
                        // amount): it goes straight back, never stuck in escrow.
                        self.start_refund(
                            &mut *work.tx,
                            invoice.session,
                            n.payment_id,
                            invoice.user,
                            amount,
                            1,
                            RefundReason::Others,
                            now,
                        )
                        .await?;
                        Handled::Ignored(refused.code().to_owned())
                    }
                }
            }
            PaymentStatus::Expired | PaymentStatus::Failed => {
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
        };
        self.commit_session(work, now).await?;
        Ok(outcome)
    }

    async fn refund_notification(
        &self,
        notification: &Notification,
        n: &RefundNotification,
        now: DateTime<Utc>,
    ) -> Result<Handled, EngineError> {
        let mut tx = self.store.begin().await?;
        let mut record: RefundRecord = records::get(&mut *tx, RecordKind::Refund, &n.reference)
            .await?
            .ok_or_else(|| EngineError::UnknownReference {
                what: "refund",
                id: n.reference.clone(),
            })?;
        if !tx.inbox_insert(&notification.dedup_key(), now).await? {
            return Ok(Handled::Duplicate);
        }
        if matches!(
            record.status,
            RefundStatus::Completed | RefundStatus::Failed
        ) {
            tx.commit().await?;
            return Ok(Handled::Ignored(format!(
                "refund {} already {:?}",
                n.reference, record.status
            )));
        }
        let result = match n.outcome {
            RefundOutcome::Succeeded => RefundResult::Confirmed,
            RefundOutcome::Failed => RefundResult::Failed,
        };
        let posting = self.chart.refund_settled(&RefundSettlement {
            payment: record.payment,
            attempt: record.attempt,
            result,
        });
        let specs = self.chart.refund(&patungan_core::ledger::Refund {
            payment: record.payment,
            attempt: record.attempt,
            session: record.session,
            user: record.user,
            amount: record.amount,
            destination: record.destination,
        });
        ledger_ws::execute(&mut *tx, &posting, &specs.accounts).await?;
        record.provider_refund_id = Some(n.provider_event_id.clone());
        match n.outcome {
            RefundOutcome::Succeeded => record.status = RefundStatus::Completed,
            RefundOutcome::Failed => {
                record.status = RefundStatus::Failed;
                record.failure_code.clone_from(&n.failure_code);
                if record.attempt < MAX_REFUND_ATTEMPTS {
                    self.start_refund(
                        &mut *tx,
                        record.session,
                        record.payment,
                        record.user,
                        record.amount,
                        record.attempt + 1,
                        RefundReason::Others,
                        now,
                    )
                    .await?;
                }
            }
        }
        records::put(&mut *tx, RecordKind::Refund, &n.reference, &record).await?;
        tx.commit().await?;
        Ok(Handled::Applied)
    }

    async fn payout_notification(
        &self,
        notification: &Notification,
        n: &PayoutNotification,
        now: DateTime<Utc>,
    ) -> Result<Handled, EngineError> {
        let key: PayoutItemKey =
            n.external_id
                .parse()
                .map_err(|_| EngineError::UnknownReference {
                    what: "payout",
                    id: n.external_id.clone(),
                })?;
        let mut tx = self.store.begin().await?;
        let mut book = self.withdrawal_book(&mut *tx).await?;
        let withdrawal = book
            .get(key.withdrawal)
            .ok_or(EngineError::UnknownWithdrawal(key.withdrawal))?;
        if !tx.inbox_insert(&notification.dedup_key(), now).await? {
            return Ok(Handled::Duplicate);
        }
        let specs = self.withdrawal_accounts(withdrawal.user());
        let holds = Withdrawals::hold_ids(key.withdrawal);
        let handled = ledger_ws::with_ledger(&mut *tx, &specs, &holds, |ledger| {
            let done = match n.outcome {
                PayoutOutcome::Completed | PayoutOutcome::Failed => {
                    let outcome = match n.outcome {
                        PayoutOutcome::Completed => patungan_core::wallet::PayoutOutcome::Completed,
                        _ => patungan_core::wallet::PayoutOutcome::Failed {
                            failure_code: n
                                .failure_code
                                .clone()
                                .unwrap_or_else(|| "UNKNOWN".to_owned()),
                        },
                    };
                    let effect = book.apply_result(ledger, &PayoutResult { item: key, outcome })?;
                    format!("{effect:?}")
                }
                PayoutOutcome::Reversed => {
                    let outcome = book.reverse(ledger, key.withdrawal)?;
                    format!("{outcome:?}")
                }
            };
            Ok(done)
        })
        .await?;
        self.save_withdrawal_book(&mut *tx, &book).await?;
        tx.commit().await?;
        Ok(if handled == "Unchanged" || handled == "AlreadyExists" {
            Handled::Ignored(format!("payout {} already applied", n.external_id))
        } else {
            Handled::Applied
        })
    }

    async fn shipment_notification(
        &self,
        notification: &Notification,
        n: &ShipmentNotification,
        now: DateTime<Utc>,
    ) -> Result<Handled, EngineError> {
        let mut tx = self.store.begin().await?;
        if !tx.inbox_insert(&notification.dedup_key(), now).await? {
            return Ok(Handled::Duplicate);
        }
        records::put(
            &mut *tx,
            RecordKind::Order,
            &format!("shipment:{}", n.provider_order_id),
            n,
        )
        .await?;
        tx.commit().await?;
        Ok(Handled::Applied)
    }
}
