//! Provider notifications: deduplicated in the inbox, applied in one transaction.

use chrono::{DateTime, Utc};
use patungan_core::factory_payouts::FactoryPayoutKey;
use patungan_core::ledger::Outcome;
use patungan_core::wallet::{
    PayoutEffect, PayoutItemKey, PayoutOutcome, PayoutResult, Withdrawals,
};

use super::records::RefundRecord;
use super::wallets::BookRows;
use super::Engine;
use crate::error::EngineError;
use crate::ledger_ws;
use patungan_core::notices::{
    PayoutEvent, PayoutNotification, ProviderNotification, RefundNotification, RefundOutcome,
    ShipmentNotification,
};

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
    /// A paid callback did not match its invoice: recorded as this anomaly, its money
    /// held in suspense and refunded; the participant's payment is untouched.
    Anomaly(patungan_core::AnomalyId),
    /// It is about something not recorded yet (a shipment whose booking answer is
    /// still being stored): kept, and applied once that is recorded.
    Deferred,
}

impl Engine {
    /// Applies a provider notification exactly once (by its dedup key).
    pub async fn handle_notification(
        &self,
        notification: &ProviderNotification,
        now: DateTime<Utc>,
    ) -> Result<Handled, EngineError> {
        match notification {
            ProviderNotification::Payment(n) => {
                self.payment_notification(notification, n, now).await
            }
            ProviderNotification::Refund(n) => self.refund_notification(notification, n, now).await,
            ProviderNotification::Payout(n) => self.payout_notification(notification, n, now).await,
            ProviderNotification::Shipment(n) => {
                self.shipment_notification(notification, n, now).await
            }
        }
    }

    async fn refund_notification(
        &self,
        notification: &ProviderNotification,
        n: &RefundNotification,
        now: DateTime<Utc>,
    ) -> Result<Handled, EngineError> {
        let mut tx = self.store.begin().await?;
        let record: RefundRecord = tx
            .get::<RefundRecord>(n.reference.clone())
            .await?
            .ok_or_else(|| EngineError::UnknownReference {
                what: "refund",
                id: n.reference.clone(),
            })?;
        if !tx.inbox_insert(&notification.dedup_key(), now).await? {
            return Ok(Handled::Duplicate);
        }
        if record.is_settled() {
            tx.commit().await?;
            return Ok(Handled::Ignored(format!(
                "refund {} already {:?}",
                n.reference, record.status
            )));
        }
        let outcome = match n.outcome {
            RefundOutcome::Succeeded => patungan_core::refunds::RefundOutcome::Succeeded,
            RefundOutcome::Failed => patungan_core::refunds::RefundOutcome::Failed {
                failure_code: n.failure_code.clone(),
            },
        };
        self.settle_refund(&mut *tx, record, &outcome, Some(&n.provider_event_id), now)
            .await?;
        tx.commit().await?;
        Ok(Handled::Applied)
    }

    async fn payout_notification(
        &self,
        notification: &ProviderNotification,
        n: &PayoutNotification,
        now: DateTime<Utc>,
    ) -> Result<Handled, EngineError> {
        if let Ok(key) = n.external_id.parse::<FactoryPayoutKey>() {
            return self
                .factory_payout_notification(notification, key, n, now)
                .await;
        }
        let key: PayoutItemKey =
            n.external_id
                .parse()
                .map_err(|_| EngineError::UnknownReference {
                    what: "payout",
                    id: n.external_id.clone(),
                })?;
        let mut tx = self.store.begin().await?;
        let mut work = self
            .load_book(&mut *tx, BookRows::One(key.withdrawal))
            .await?;
        let withdrawal = work
            .book
            .get(key.withdrawal)
            .ok_or(EngineError::UnknownWithdrawal(key.withdrawal))?;
        if !tx.inbox_insert(&notification.dedup_key(), now).await? {
            return Ok(Handled::Duplicate);
        }
        let specs = self.withdrawal_accounts(withdrawal.user());
        let holds = Withdrawals::hold_ids(key.withdrawal);
        let changed = ledger_ws::with_ledger(&mut *tx, &specs, &holds, |ledger| {
            let changed = match n.outcome {
                PayoutEvent::Completed => {
                    let outcome = PayoutOutcome::Completed;
                    work.book
                        .apply_result(ledger, &PayoutResult { item: key, outcome })?
                        != PayoutEffect::Unchanged
                }
                PayoutEvent::Failed => {
                    let outcome = PayoutOutcome::Failed {
                        failure_code: n
                            .failure_code
                            .clone()
                            .unwrap_or_else(|| "UNKNOWN".to_owned()),
                    };
                    work.book
                        .apply_result(ledger, &PayoutResult { item: key, outcome })?
                        != PayoutEffect::Unchanged
                }
                PayoutEvent::Reversed => {
                    work.book.reverse(ledger, key.withdrawal)? == Outcome::Created
                }
            };
            Ok(changed)
        })
        .await?;
        self.save_book(&mut *tx, &work).await?;
        tx.commit().await?;
        Ok(if changed {
            Handled::Applied
        } else {
            Handled::Ignored(format!("payout {} already applied", n.external_id))
        })
    }

    async fn shipment_notification(
        &self,
        notification: &ProviderNotification,
        n: &ShipmentNotification,
        now: DateTime<Utc>,
    ) -> Result<Handled, EngineError> {
        self.apply_shipment_report(&notification.dedup_key(), n, now)
            .await
    }
}
