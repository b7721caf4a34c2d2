//! Purchase order receipts: the warehouse records what arrived from the factory. The
//! core's purchase order book decides what a receipt does (stock, the factory's goods
//! cost, whether the order closes); the driver persists it and, once the order is
//! complete, confirms the session.

use chrono::{DateTime, Utc};
use patungan_core::grosir::StockLevel;
use patungan_core::ledger::{Chart, ChartAccount, FactoryGoods};
use patungan_core::purchasing::{PurchaseOrderRecord, PurchasingError};
use patungan_core::{Money, SessionId};

use super::sessions::SessionWork;
use super::tick::update_stock;
use super::Engine;
use crate::error::EngineError;
use crate::ledger_ws;
use crate::ports::FactoryMessage;
use crate::store::StoreTx;

impl Engine {
    /// The warehouse received `levels` under the purchase order of `session`: the
    /// units join the stock on hand and their goods cost becomes owed to the factory
    /// (from the warehouse account; the platform funds what it cannot cover). A
    /// receipt that completes the order releases its pledge and confirms the session;
    /// a partial one keeps the order open. A refused receipt (nothing open, a variant
    /// not ordered, more than ordered) changes nothing. Returns whether the order is
    /// now complete.
    pub async fn receive_stock(
        &self,
        session: SessionId,
        levels: &[StockLevel],
        now: DateTime<Utc>,
    ) -> Result<bool, EngineError> {
        let mut work = self.open_session(session).await?;
        let order = work.tx.get::<PurchaseOrderRecord>(session).await?;
        if order
            .as_ref()
            .is_some_and(PurchaseOrderRecord::awaits_approval)
        {
            return Err(PurchasingError::AwaitingApproval { session }.into());
        }
        let Some(order) = order.filter(PurchaseOrderRecord::is_open) else {
            return Err(PurchasingError::NoOpenOrder { session }.into());
        };
        let closed = self.apply_receipt(&mut work, order, levels, now).await?;
        if closed {
            self.confirm_stocked(work, now).await?;
        } else {
            self.commit_session(work, now).await?;
        }
        Ok(closed)
    }

    /// The warehouse received the whole purchase order of a session awaiting stock:
    /// every unit still outstanding is received as by [`Engine::receive_stock`] and the
    /// session confirms. A session whose order needs nothing more confirms as is.
    pub async fn stock_received(
        &self,
        session: SessionId,
        now: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        let mut work = self.open_session(session).await?;
        let order = work.tx.get::<PurchaseOrderRecord>(session).await?;
        if order
            .as_ref()
            .is_some_and(PurchaseOrderRecord::awaits_approval)
        {
            work.keep();
            return Err(PurchasingError::AwaitingApproval { session }.into());
        }
        if let Some(order) = order.filter(PurchaseOrderRecord::is_open) {
            let outstanding = order.outstanding();
            self.apply_receipt(&mut work, order, &outstanding, now)
                .await?;
        }
        self.confirm_stocked(work, now).await
    }

    /// An operator approves the purchase order of `session` held for approval (its
    /// plan leaves a variant over its tolerance): it is issued and goes to the
    /// factory. Refused unless the order awaits approval.
    pub async fn approve_purchase_order(
        &self,
        session: SessionId,
        now: DateTime<Utc>,
    ) -> Result<PurchaseOrderRecord, EngineError> {
        let mut work = self.open_session(session).await?;
        let Some(mut order) = work.tx.get::<PurchaseOrderRecord>(session).await? else {
            work.keep();
            return Err(PurchasingError::NoOpenOrder { session }.into());
        };
        if let Err(refused) = order.approve() {
            work.keep();
            return Err(refused.into());
        }
        let message = FactoryMessage::issued(&work.cached.session, &order, now);
        self.tell_factory(&mut *work.tx, message, now).await?;
        work.tx.put(order.clone()).await?;
        self.commit_session(work, now).await?;
        Ok(order)
    }

    /// Records one receipt in the working transaction: the order, the stock, the
    /// factory's goods cost and its payout. Returns whether the order closed.
    async fn apply_receipt(
        &self,
        work: &mut SessionWork,
        mut order: PurchaseOrderRecord,
        levels: &[StockLevel],
        now: DateTime<Utc>,
    ) -> Result<bool, EngineError> {
        let receipt = order.receive(levels)?;
        let product = work.cached.session.state().config().product;
        update_stock(&mut *work.tx, product, |stock| stock.apply(&receipt.stock)).await?;
        self.book_factory_goods(&mut *work.tx, &receipt.goods)
            .await?;
        self.pay_factory(&mut *work.tx, &receipt.goods, now).await?;
        work.tx.put(order).await?;
        Ok(receipt.closed)
    }

    /// Posts the goods cost of a receipt to the factory payable, reading what the
    /// warehouse account holds inside the same locked working set.
    async fn book_factory_goods(
        &self,
        tx: &mut dyn StoreTx,
        goods: &FactoryGoods,
    ) -> Result<(), EngineError> {
        let chart = Chart::new(goods.amount.currency());
        let specs = [
            chart.spec(ChartAccount::Warehouse),
            chart.spec(ChartAccount::PlatformFunding),
            chart.spec(ChartAccount::FactoryPayable),
        ];
        let warehouse = chart.id(ChartAccount::Warehouse);
        ledger_ws::with_ledger(tx, &specs, &goods.transfer_ids(), |ledger| {
            let available = match ledger.account(warehouse) {
                Some(account) => account.available().map_err(PurchasingError::from)?,
                None => Money::zero(goods.amount.currency()),
            };
            let posting = chart
                .factory_goods(goods, available)
                .map_err(PurchasingError::from)?;
            ledger.execute(&posting)?;
            Ok(())
        })
        .await
    }

    /// The order is complete: the session confirms (its orders' reservations take the
    /// pledge's place in the same transaction); a refusal rolls everything back.
    async fn confirm_stocked(
        &self,
        mut work: SessionWork,
        now: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        match work.session().stock_received(now) {
            Ok(_) => self.commit_session(work, now).await,
            Err(e) => {
                work.keep();
                Err(e.into())
            }
        }
    }
}
