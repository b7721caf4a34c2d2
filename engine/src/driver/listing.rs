//! Reads over many records: the session list (filtered, in pages by id), a
//! product's stock and the purchase orders.

use patungan_core::session::{SessionFilter, SessionPage, SessionSummary};
use patungan_core::{ProductId, SessionId};

use crate::error::EngineError;
use crate::store::RowQuery;

use super::{PurchaseOrderRecord, StockRecord};

impl super::Engine {
    /// A page of the sessions `filter` selects, by ascending id (a keyset page: the
    /// next one starts after [`SessionPage::next`]). The status filter uses the
    /// store's session heads; the product is read from each candidate session (the
    /// cached copy when there is one).
    pub async fn list_sessions(&self, filter: &SessionFilter) -> Result<SessionPage, EngineError> {
        let limit = filter.page_size();
        let mut candidates: Vec<SessionId> = self
            .store
            .sessions()
            .await?
            .into_iter()
            .filter(|(id, status)| filter.admits(*id, *status))
            .map(|(id, _)| id)
            .collect();
        candidates.sort_unstable();
        let mut sessions = Vec::with_capacity(limit);
        let mut more = false;
        for id in candidates {
            if sessions.len() == limit && filter.product.is_none() {
                more = true;
                break;
            }
            let summary = self.read_session(id, SessionSummary::of).await?;
            if !filter.shows(&summary) {
                continue;
            }
            if sessions.len() == limit {
                more = true;
                break;
            }
            sessions.push(summary);
        }
        let next = more.then(|| sessions.last().map(|s| s.id)).flatten();
        Ok(SessionPage { sessions, next })
    }

    /// The stock of `product`: a line per variant ever stocked (no line before any
    /// unit arrived).
    pub async fn stock(&self, product: ProductId) -> Result<StockRecord, EngineError> {
        Ok(self
            .store
            .read::<StockRecord>(product)
            .await?
            .unwrap_or(StockRecord::new(product)))
    }

    /// Every purchase order (`open_only`: those more units may still arrive under,
    /// issued or partly received), by session id.
    pub async fn purchase_orders(
        &self,
        open_only: bool,
    ) -> Result<Vec<PurchaseOrderRecord>, EngineError> {
        let query = if open_only {
            RowQuery::OpenPurchaseOrders
        } else {
            RowQuery::PurchaseOrders
        };
        Ok(self.store.read_all(query).await?)
    }
}
