//! Reads over many records: the session list (filtered, in pages by id), a
//! product's stock and the purchase orders.

use chrono::{DateTime, Utc};
use patungan_core::session::{Session, SessionStatus};
use patungan_core::{Money, ProductId, SessionId};

use crate::error::EngineError;
use crate::store::RowQuery;

use super::{PurchaseOrderRecord, StockRecord};

/// Sessions a list page shows when the caller names no limit.
pub const DEFAULT_SESSION_PAGE: usize = 50;

/// The most sessions one list page shows.
pub const MAX_SESSION_PAGE: usize = 200;

/// Which sessions [`super::Engine::list_sessions`] shows and where its page starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionFilter {
    /// Only sessions with this status.
    pub status: Option<SessionStatus>,
    /// Only sessions selling this product.
    pub product: Option<ProductId>,
    /// Only sessions whose id is above this one (the last id of the previous page).
    pub after: Option<SessionId>,
    /// At most this many sessions (1 ..= [`MAX_SESSION_PAGE`]; other values are
    /// brought into that range).
    pub limit: usize,
}

impl Default for SessionFilter {
    fn default() -> Self {
        SessionFilter {
            status: None,
            product: None,
            after: None,
            limit: DEFAULT_SESSION_PAGE,
        }
    }
}

/// One session of a list: what a catalogue shows of it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SessionSummary {
    /// The session.
    pub id: SessionId,
    /// Where it is in its lifecycle.
    pub status: SessionStatus,
    /// The product sold.
    pub product: ProductId,
    /// Minimum order quantity.
    pub moq: u64,
    /// Opening instant.
    pub start: DateTime<Utc>,
    /// Closing instant.
    pub end: DateTime<Utc>,
    /// The price every joiner pays per unit.
    pub group_price: Money,
    /// Units counted toward fill (paid real units and bot units).
    pub fill_quantity: u64,
    /// Events so far.
    pub version: u64,
}

impl SessionSummary {
    fn of(session: &Session, version: u64) -> Self {
        let state = session.state();
        let config = state.config();
        SessionSummary {
            id: state.id(),
            status: state.status(),
            product: config.product,
            moq: config.moq.get(),
            start: config.start,
            end: config.end,
            group_price: config.group_price(),
            fill_quantity: state.fill_quantity(),
            version,
        }
    }
}

/// One page of the session list.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SessionPage {
    /// The sessions, by ascending id.
    pub sessions: Vec<SessionSummary>,
    /// The `after` of the next page; `None` when this page is the last.
    pub next: Option<SessionId>,
}

impl super::Engine {
    /// A page of the sessions `filter` selects, by ascending id (a keyset page: the
    /// next one starts after [`SessionPage::next`]). The status filter uses the
    /// store's session heads; the product is read from each candidate session (the
    /// cached copy when there is one).
    pub async fn list_sessions(&self, filter: &SessionFilter) -> Result<SessionPage, EngineError> {
        let limit = filter.limit.clamp(1, MAX_SESSION_PAGE);
        let mut candidates: Vec<SessionId> = self
            .store
            .sessions()
            .await?
            .into_iter()
            .filter(|(id, status)| {
                filter.after.is_none_or(|after| *id > after)
                    && filter.status.is_none_or(|wanted| *status == wanted)
            })
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
            if filter.product.is_some_and(|p| p != summary.product) {
                continue;
            }
            if sessions.len() == limit {
                more = true;
                break;
            }
            sessions.push(summary);
        }
        let next = if more {
            sessions.last().map(|s| s.id)
        } else {
            None
        };
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
