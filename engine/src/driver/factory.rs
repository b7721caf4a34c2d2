//! Paying factories: each receipt's goods cost goes out through the disburser as a
//! payout of its own; the disburser's result settles it. The core's factory payout
//! book ([`patungan_core::factory_payouts`]) decides what a result does.

use chrono::{DateTime, Utc};
use patungan_core::factory_payouts::{
    FactoryPayout, FactoryPayoutKey, FactoryPayoutOutcome, FactoryPayoutStatus,
};
use patungan_core::ledger::{derive_uuid, FactoryGoods};
use patungan_core::wallet::PayoutStatus;

use super::notifications::Handled;
use super::Engine;
use crate::error::EngineError;
use crate::ledger_ws;
use crate::ports::{PayoutBatch, PayoutItem};
use crate::store::{EffectId, OutboxEntry, OutboxState, RowQuery, StoreTx};
use patungan_core::notices::{PayoutEvent, PayoutNotification, ProviderNotification};
use patungan_core::tasks::Task;

/// The purpose tag of factory payout outbox ids.
const FACTORY_PAYOUT: u64 = 0xE005 << 48;

/// The purpose tag of status queries about a silent payout attempt.
const QUERY: u64 = 0x5117 << 48;

/// The outbox id of a payout attempt's submission.
fn payout_outbox_id(key: FactoryPayoutKey) -> EffectId {
    let purpose = FACTORY_PAYOUT | (key.received_before & 0xFFFF_FFFF) << 16;
    let base = derive_uuid(*key.purchase_order.as_uuid(), purpose);
    EffectId(derive_uuid(base, u64::from(key.attempt)))
}

impl Engine {
    /// Records the payout of a receipt's goods and queues it (a receipt of nothing
    /// owes nothing).
    pub(crate) async fn pay_factory(
        &self,
        tx: &mut dyn StoreTx,
        goods: &FactoryGoods,
        now: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        if goods.amount.is_zero() {
            return Ok(());
        }
        let payout = FactoryPayout::for_goods(goods, now);
        self.queue_factory_payout(tx, &payout, now).await?;
        Ok(tx.put(payout).await?)
    }

    async fn queue_factory_payout(
        &self,
        tx: &mut dyn StoreTx,
        payout: &FactoryPayout,
        now: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        let key = payout.key();
        let outbox = payout_outbox_id(key);
        let batch = PayoutBatch {
            reference: key.to_string(),
            items: vec![PayoutItem {
                external_id: key.to_string(),
                amount: payout.amount,
                bank_account: self.config.factory_account.clone(),
                description: format!("Goods of purchase order {}", payout.purchase_order),
            }],
        };
        let task = Task::PayFactory { batch };
        Ok(tx.queue(outbox, task, now).await?)
    }

    /// The disburser refused a factory payout's submission for good: it failed, and
    /// the goods cost stays owed until an operator retries.
    pub(crate) async fn factory_payout_refused(
        &self,
        tx: &mut dyn StoreTx,
        batch: &PayoutBatch,
        failure_code: &str,
    ) -> Result<(), EngineError> {
        let Ok(key) = batch.reference.parse::<FactoryPayoutKey>() else {
            return Ok(());
        };
        let Some(mut payout) = tx.get::<FactoryPayout>(key.payout_id()).await? else {
            return Ok(());
        };
        let outcome = FactoryPayoutOutcome::Failed {
            failure_code: failure_code.to_owned(),
        };
        if payout.settle(key.attempt, &outcome, &self.chart).is_some() {
            tx.put(payout).await?;
        }
        Ok(())
    }

    /// The disburser's result for a factory payout, applied once.
    pub(crate) async fn factory_payout_notification(
        &self,
        notification: &ProviderNotification,
        key: FactoryPayoutKey,
        n: &PayoutNotification,
        now: DateTime<Utc>,
    ) -> Result<Handled, EngineError> {
        let mut tx = self.store.begin().await?;
        let mut payout = tx
            .get::<FactoryPayout>(key.payout_id())
            .await?
            .ok_or_else(|| EngineError::UnknownReference {
                what: "factory payout",
                id: n.external_id.clone(),
            })?;
        if !tx.inbox_insert(&notification.dedup_key(), now).await? {
            return Ok(Handled::Duplicate);
        }
        let outcome = match n.outcome {
            PayoutEvent::Completed => FactoryPayoutOutcome::Completed,
            PayoutEvent::Reversed => FactoryPayoutOutcome::Reversed,
            PayoutEvent::Failed => FactoryPayoutOutcome::Failed {
                failure_code: n
                    .failure_code
                    .clone()
                    .unwrap_or_else(|| "UNKNOWN".to_owned()),
            },
        };
        let handled = match payout.settle(key.attempt, &outcome, &self.chart) {
            None => Handled::Ignored(format!("factory payout {key} already {:?}", payout.status)),
            Some(posting) => {
                if let Some(posting) = posting {
                    ledger_ws::execute(&mut *tx, &posting, &[]).await?;
                }
                tx.put(payout).await?;
                Handled::Applied
            }
        };
        tx.commit().await?;
        Ok(handled)
    }

    /// Queues a status query for each factory payout silent for a whole payout
    /// silence period (once per period; not while its submission is still being
    /// retried). Returns how many were queued.
    pub(super) async fn query_silent_factory_payouts(
        &self,
        now: DateTime<Utc>,
    ) -> Result<usize, EngineError> {
        let submitted = RowQuery::FactoryPayoutsWithStatus(FactoryPayoutStatus::Submitted);
        let payouts: Vec<FactoryPayout> = self.store.read_all(submitted).await?;
        let silent: Vec<(FactoryPayout, u32)> = payouts
            .into_iter()
            .filter_map(|p| {
                let period = p.silent_period(now, self.config.payout_silence)?;
                Some((p, period))
            })
            .collect();
        if silent.is_empty() {
            // The common case on every tick: no transaction at all.
            return Ok(0);
        }
        let mut tx = self.store.begin().await?;
        let mut queries = Vec::new();
        for (payout, period) in silent {
            let key = payout.key();
            let id = EffectId(derive_uuid(
                payout_outbox_id(key).0,
                QUERY | u64::from(period),
            ));
            let sending = tx.outbox_entry(payout_outbox_id(key)).await?;
            if sending.is_some_and(|e| e.state == OutboxState::Pending)
                || tx.outbox_entry(id).await?.is_some()
            {
                continue;
            }
            let task = Task::QueryFactoryPayout {
                external_id: key.to_string(),
            };
            queries.push(OutboxEntry::new(id, task, now));
        }
        if queries.is_empty() {
            return Ok(0);
        }
        tx.enqueue(&queries).await?;
        tx.commit().await?;
        Ok(queries.len())
    }

    /// Applies the disburser's answer about a silent factory payout attempt.
    pub(crate) async fn apply_factory_payout_status(
        &self,
        tx: &mut dyn StoreTx,
        external_id: &str,
        status: &PayoutStatus,
    ) -> Result<(), EngineError> {
        let Ok(key) = external_id.parse::<FactoryPayoutKey>() else {
            return Ok(());
        };
        let Some(mut payout) = tx.get::<FactoryPayout>(key.payout_id()).await? else {
            return Ok(());
        };
        if let Some(posting) = payout.apply_status(key.attempt, status, &self.chart) {
            if let Some(posting) = posting {
                ledger_ws::execute(tx, &posting, &[]).await?;
            }
            tx.put(payout).await?;
        }
        Ok(())
    }

    /// Whether the payout attempt `external_id` names is still the one its payout
    /// waits on.
    pub(crate) async fn factory_payout_wanted(
        &self,
        external_id: &str,
    ) -> Result<bool, EngineError> {
        let Ok(key) = external_id.parse::<FactoryPayoutKey>() else {
            return Ok(false);
        };
        Ok(self
            .store
            .read::<FactoryPayout>(key.payout_id())
            .await?
            .is_some_and(|p| {
                p.status == FactoryPayoutStatus::Submitted && p.attempt == key.attempt
            }))
    }

    /// Every factory payout, by id.
    pub async fn factory_payouts(&self) -> Result<Vec<FactoryPayout>, EngineError> {
        Ok(self.store.read_all(RowQuery::FactoryPayouts).await?)
    }

    /// An operator sends a failed factory payout again (its next attempt).
    pub async fn retry_factory_payout(
        &self,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<FactoryPayout, EngineError> {
        let mut tx = self.store.begin().await?;
        let mut payout = tx
            .get::<FactoryPayout>(id.to_owned())
            .await?
            .ok_or_else(|| EngineError::UnknownReference {
                what: "factory payout",
                id: id.to_owned(),
            })?;
        payout.retry(now)?;
        self.queue_factory_payout(&mut *tx, &payout, now).await?;
        tx.put(payout.clone()).await?;
        tx.commit().await?;
        Ok(payout)
    }
}
