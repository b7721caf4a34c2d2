//! Deadlines: session timers (bot window, expiry) and withdrawal batch instants.

use chrono::{DateTime, Utc};
use patungan_core::grosir::StockLevel;
use patungan_core::ledger::derive_uuid;
use patungan_core::session::Session;

use super::effects::StockRecord;
use super::records;
use super::wallets::BookRows;
use super::Engine;
use crate::error::EngineError;
use crate::ports::{BankAccount, PayoutBatch, PayoutItem};
use crate::store::{EffectId, OutboxEntry, RecordKind, StoreTx};
use crate::task::Task;

const PAYOUT_BATCH: u64 = 0xE101 << 48;

/// What a tick did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TickReport {
    /// Session timers handled.
    pub timers: usize,
    /// Payout batches queued.
    pub payout_batches: usize,
    /// Status queries queued for payouts silent too long.
    pub payout_queries: usize,
    /// Sessions whose timer failed (kept for the next tick), with the error code.
    pub errors: Vec<(patungan_core::SessionId, String)>,
}

/// Free stock of a product's variants, from its stock record: units on hand minus
/// units already reserved for confirmed sessions' orders and units pledged to
/// sessions awaiting their purchase orders (which must not be planned a second time).
pub(crate) fn on_hand(session: &Session, stock: &StockRecord) -> Vec<StockLevel> {
    let Some(bundle) = session.state().config().bundle() else {
        return Vec::new();
    };
    let units = |key: String| stock.get(&key).copied().unwrap_or(0);
    bundle
        .variants()
        .iter()
        .map(|v| {
            let on_hand = units(format!("onhand:{}", v.variant));
            let reserved = units(format!("reserved:{}", v.variant));
            let pledged = units(format!("pledged:{}", v.variant));
            StockLevel::new(
                v.variant,
                on_hand.saturating_sub(reserved).saturating_sub(pledged),
            )
        })
        .collect()
}

impl Engine {
    /// Runs every deadline due at `now`: session timers, then the withdrawal batch of
    /// the latest scheduled instant (a run twice for the same instant adds nothing),
    /// then a status query for each payout silent too long (once per silence period).
    pub async fn tick(&self, now: DateTime<Utc>) -> Result<TickReport, EngineError> {
        let mut report = TickReport::default();
        loop {
            let due = self.store.due_sessions(now, 256).await?;
            if due.is_empty() {
                break;
            }
            let mut progressed = false;
            for id in due {
                match self.session_timer(id, now).await {
                    Ok(()) => {
                        report.timers += 1;
                        progressed = true;
                    }
                    Err(e) => report.errors.push((id, e.code().to_owned())),
                }
            }
            if !progressed {
                break;
            }
        }
        report.payout_batches = self.plan_payouts(now).await?;
        report.payout_queries = self.query_silent_payouts(now).await?;
        Ok(report)
    }

    async fn session_timer(
        &self,
        id: patungan_core::SessionId,
        now: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        let mut work = self.open_session(id).await?;
        let key = work.cached.session.state().config().product.to_string();
        let stock: StockRecord = records::get(&mut *work.tx, RecordKind::Stock, &key)
            .await?
            .unwrap_or_default();
        let levels = on_hand(&work.cached.session, &stock);
        match work.session().handle_timeout(now, &levels) {
            Ok(_) => self.commit_session(work, now).await,
            Err(e) => {
                work.keep();
                Err(e.into())
            }
        }
    }

    async fn plan_payouts(&self, now: DateTime<Utc>) -> Result<usize, EngineError> {
        let mut tx = self.store.begin().await?;
        let mut work = self.load_book(&mut *tx, BookRows::Planning).await?;
        let batches = work.book.plan(
            now,
            &self.config.withdrawal_schedule,
            self.config.batch_limits,
        );
        if batches.is_empty() {
            return Ok(0);
        }
        for batch in &batches {
            let reference = batch.key.to_string();
            let payout = PayoutBatch {
                reference: reference.clone(),
                items: batch
                    .items
                    .iter()
                    .map(|item| PayoutItem {
                        external_id: item.key.to_string(),
                        amount: item.net,
                        bank_account: BankAccount {
                            bank_code: item.destination.bank_code.to_string(),
                            account_number: item.destination.account_number.to_string(),
                            holder_name: item.destination.holder_name.to_string(),
                        },
                        description: "Patungan wallet withdrawal".to_owned(),
                    })
                    .collect(),
            };
            tx.enqueue(&[OutboxEntry::new(
                payout_batch_id(&reference),
                Task::SubmitPayouts { batch: payout },
                now,
            )])
            .await?;
        }
        self.save_book(&mut *tx, &work).await?;
        tx.commit().await?;
        Ok(batches.len())
    }

    /// Adds units to a product's stock on hand (an admin or warehouse input).
    pub async fn add_stock(
        &self,
        product: patungan_core::ProductId,
        levels: &[StockLevel],
    ) -> Result<(), EngineError> {
        let mut tx = self.store.begin().await?;
        add_on_hand(&mut *tx, product, levels).await?;
        tx.commit().await?;
        Ok(())
    }
}

pub(crate) async fn add_on_hand(
    tx: &mut dyn StoreTx,
    product: patungan_core::ProductId,
    levels: &[StockLevel],
) -> Result<(), EngineError> {
    let key = product.to_string();
    let mut stock: StockRecord = records::get(tx, RecordKind::Stock, &key)
        .await?
        .unwrap_or_default();
    for level in levels {
        let units = stock
            .entry(format!("onhand:{}", level.variant))
            .or_insert(0);
        *units = units.saturating_add(level.units);
    }
    records::put(tx, RecordKind::Stock, &key, &stock).await
}

/// The outbox id of the submission of the batch with this reference.
pub(super) fn payout_batch_id(reference: &str) -> EffectId {
    EffectId(derive_uuid(
        uuid::Uuid::from_u128(hash(reference)),
        PAYOUT_BATCH,
    ))
}

/// FNV-1a over the bytes: a fixed mapping of a batch or item key to 128 bits.
pub(super) fn hash(text: &str) -> u128 {
    text.bytes()
        .fold(0x6c62_272e_07bb_0142_62b8_2175_6295_c58d, |h, b| {
            (h ^ u128::from(b)).wrapping_mul(0x0000_0000_0100_0000_0000_0000_0000_013B)
        })
}
