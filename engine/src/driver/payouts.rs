//! Payouts the disburser will not report on (docs/domain.md §9): a batch it rejected as a
//! whole, and items silent past [`EngineConfig::payout_silence`](super::EngineConfig).
//! The core's withdrawal book decides; this module loads it, calls it and stores it.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use patungan_core::ledger::{derive_uuid, AccountSpec, ChartAccount};
use patungan_core::wallet::{
    BatchKey, PayoutEffect, PayoutItemKey, PayoutStatus, Withdrawal, WithdrawalStatus, Withdrawals,
};
use patungan_core::TransferId;
use tracing::{debug, warn};

use super::tick::{hash, payout_batch_id};
use super::wallets::BookRows;
use super::Engine;
use crate::error::EngineError;
use crate::ledger_ws;
use crate::ports::PayoutBatch;
use crate::store::{EffectId, OutboxEntry, OutboxState, RowQuery, StoreTx};
use patungan_core::tasks::Task;

const PAYOUT_STATUS: u64 = 0xE102 << 48;

/// The outbox id of the status query of `item` in its `period`-th silence period: one
/// query per item and period however often the tick runs.
fn status_query_id(item: PayoutItemKey, period: u32) -> EffectId {
    EffectId(derive_uuid(
        uuid::Uuid::from_u128(hash(&item.to_string())),
        PAYOUT_STATUS | u64::from(period),
    ))
}

impl Engine {
    /// The accounts and holds the core touches resolving `withdrawals`' payouts.
    fn payout_working_set<'a>(
        &self,
        withdrawals: impl IntoIterator<Item = &'a Withdrawal>,
    ) -> (Vec<AccountSpec>, Vec<TransferId>) {
        let mut specs = vec![
            self.chart.spec(ChartAccount::BankPayouts),
            self.chart.spec(ChartAccount::WithdrawalFeeRevenue),
        ];
        let mut holds = Vec::new();
        let mut users = BTreeSet::new();
        for w in withdrawals {
            if users.insert(w.user()) {
                specs.push(self.chart.spec(ChartAccount::Wallet(w.user())));
            }
            holds.extend(Withdrawals::hold_ids(w.id()));
        }
        (specs, holds)
    }

    /// The disburser refused `batch` as a whole with `failure_code`: the core resolves
    /// every item still in flight like its own failure with that code, in `tx`.
    pub(super) async fn reject_payout_batch(
        &self,
        tx: &mut dyn StoreTx,
        batch: &PayoutBatch,
        failure_code: &str,
    ) -> Result<(), EngineError> {
        let Ok(key) = batch.reference.parse::<BatchKey>() else {
            warn!(reference = %batch.reference, "not a withdrawal batch: nothing to resolve");
            return Ok(());
        };
        let mut work = self.load_book(tx, BookRows::InFlight).await?;
        let in_flight = work.book.in_flight(key).map(|(_, w)| w);
        let (specs, holds) = self.payout_working_set(in_flight);
        let resolved = ledger_ws::with_ledger(tx, &specs, &holds, |ledger| {
            Ok(work.book.reject_batch(ledger, key, failure_code)?)
        })
        .await?;
        debug!(batch = %key, failure_code, items = resolved.len(), "batch rejected");
        self.save_book(tx, &work).await?;
        Ok(())
    }

    /// Whether `item` still waits for its result (a status query is still wanted).
    pub(super) async fn payout_in_flight(&self, item: PayoutItemKey) -> Result<bool, EngineError> {
        let row = self.store.read::<Withdrawal>(item.withdrawal).await?;
        let book = self.working_set(None, row.into_iter().collect())?;
        Ok(book.is_in_flight(item))
    }

    /// Feeds what the disburser said about `item` to the core, in `tx`. A report the
    /// core refuses (e.g. contradicting a callback applied meanwhile) changes nothing.
    pub(super) async fn apply_payout_status(
        &self,
        tx: &mut dyn StoreTx,
        item: PayoutItemKey,
        status: &PayoutStatus,
    ) -> Result<(), EngineError> {
        let mut work = self.load_book(tx, BookRows::One(item.withdrawal)).await?;
        let Some(withdrawal) = work.book.get(item.withdrawal) else {
            return Err(EngineError::UnknownWithdrawal(item.withdrawal));
        };
        let (specs, holds) = self.payout_working_set([withdrawal]);
        let applied = ledger_ws::with_ledger(tx, &specs, &holds, |ledger| {
            Ok(work.book.apply_status(ledger, item, status)?)
        })
        .await;
        match applied {
            Ok(PayoutEffect::Unchanged) => Ok(()),
            Ok(effect) => {
                debug!(%item, ?effect, "payout status applied");
                self.save_book(tx, &work).await
            }
            Err(EngineError::Wallet(refused)) => {
                warn!(%item, code = refused.code(), "payout status refused");
                Ok(())
            }
            Err(other) => Err(other),
        }
    }

    /// Queues a status query for every item silent at `now` whose batch the disburser
    /// took (a batch still being submitted is not asked about). Returns how many
    /// queries were queued.
    pub(super) async fn query_silent_payouts(
        &self,
        now: DateTime<Utc>,
    ) -> Result<usize, EngineError> {
        let query = RowQuery::WithdrawalsWithStatus(WithdrawalStatus::InBatch);
        let in_flight = self.store.read_all(query).await?;
        let silent = self
            .working_set(None, in_flight)?
            .silent(now, self.config.payout_silence);
        let mut tx = self.store.begin().await?;
        let mut submitting: BTreeMap<BatchKey, bool> = BTreeMap::new();
        let mut queries = Vec::new();
        for payout in silent {
            let still_submitting = match submitting.get(&payout.batch) {
                Some(pending) => *pending,
                None => {
                    let pending = self.still_submitting(&mut *tx, payout.batch).await?;
                    *submitting.entry(payout.batch).or_insert(pending)
                }
            };
            let id = status_query_id(payout.item, payout.period);
            if still_submitting || tx.outbox_entry(id).await?.is_some() {
                continue;
            }
            let task = Task::QueryPayoutStatus { item: payout.item };
            queries.push(OutboxEntry::new(id, task, now));
        }
        if queries.is_empty() {
            return Ok(0);
        }
        tx.enqueue(&queries).await?;
        tx.commit().await?;
        Ok(queries.len())
    }

    async fn still_submitting(
        &self,
        tx: &mut dyn StoreTx,
        batch: BatchKey,
    ) -> Result<bool, EngineError> {
        let entry = tx.outbox_entry(payout_batch_id(&batch.to_string())).await?;
        Ok(entry.is_some_and(|e| e.state == OutboxState::Pending))
    }
}
