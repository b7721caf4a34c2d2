//! Deadlines: session timers (bot window, expiry) and withdrawal batch instants.

use chrono::{DateTime, Utc};
use patungan_core::grosir::StockLevel;
use patungan_core::ledger::derive_uuid;
use patungan_core::session::Session;
use patungan_core::stock::{Stock, StockError};
use patungan_core::ProductId;

use super::wallets::BookRows;
use super::Engine;
use crate::error::EngineError;
use crate::ports::{PayoutBatch, PayoutItem};
use crate::store::{EffectId, StoreTx};
use patungan_core::tasks::Task;

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

/// Free stock of the variants of a session's product (on hand − reserved − pledged,
/// [`Stock::free_levels`]): what its warehouse plan may count on. Nothing for a
/// product without a grosir bundle.
pub(crate) fn free_stock(session: &Session, stock: &Stock) -> Vec<StockLevel> {
    session
        .state()
        .config()
        .bundle()
        .map(|bundle| stock.free_levels(bundle))
        .unwrap_or_default()
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
        report.payout_queries =
            self.query_silent_payouts(now).await? + self.query_silent_factory_payouts(now).await?;
        Ok(report)
    }

    async fn session_timer(
        &self,
        id: patungan_core::SessionId,
        now: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        let mut work = self.open_session(id).await?;
        let product = work.cached.session.state().config().product;
        let stock = load_stock(&mut *work.tx, product).await?;
        let levels = free_stock(&work.cached.session, &stock);
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
                        bank_account: item.destination.clone(),
                        description: "Patungan wallet withdrawal".to_owned(),
                    })
                    .collect(),
            };
            tx.queue(
                payout_batch_id(&reference),
                Task::SubmitPayouts { batch: payout },
                now,
            )
            .await?;
        }
        self.save_book(&mut *tx, &work).await?;
        tx.commit().await?;
        Ok(batches.len())
    }

    /// Adds units to a product's stock on hand (an admin or warehouse input).
    pub async fn add_stock(
        &self,
        product: ProductId,
        levels: &[StockLevel],
    ) -> Result<(), EngineError> {
        let mut tx = self.store.begin().await?;
        update_stock(&mut *tx, product, |stock| stock.receive(levels)).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The stock of `product` as stored (empty if none was ever stored).
pub(crate) async fn load_stock(
    tx: &mut dyn StoreTx,
    product: ProductId,
) -> Result<Stock, EngineError> {
    match tx.get::<Stock>(product).await? {
        None => Ok(Stock::new(product)),
        Some(stock) if stock.product() == product => Ok(stock),
        Some(stock) => Err(EngineError::Inconsistent(format!(
            "the stock record of product {product} is product {}'s",
            stock.product()
        ))),
    }
}

/// Loads the stock of `product`, applies `change` (a core stock operation) and stores
/// it; a refused change stores nothing.
pub(crate) async fn update_stock(
    tx: &mut dyn StoreTx,
    product: ProductId,
    change: impl FnOnce(&mut Stock) -> Result<(), StockError>,
) -> Result<(), EngineError> {
    let mut stock = load_stock(tx, product).await?;
    change(&mut stock)?;
    Ok(tx.put(stock).await?)
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
