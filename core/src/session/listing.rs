//! The session list: which sessions a page shows (by status, product, and after
//! which id), and the summary of each.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Session, SessionStatus};
use crate::{Money, ProductId, SessionId};

/// Sessions a list page shows when the caller names no limit.
pub const DEFAULT_SESSION_PAGE: usize = 50;

/// The most sessions one list page shows.
pub const MAX_SESSION_PAGE: usize = 200;

/// Which sessions a session list shows and where its page starts.
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    /// The summary of `session` at `version`.
    pub fn of(session: &Session, version: u64) -> Self {
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionPage {
    /// The sessions, by ascending id.
    pub sessions: Vec<SessionSummary>,
    /// The `after` of the next page; `None` when this page is the last.
    pub next: Option<SessionId>,
}

impl SessionFilter {
    /// The page size: the limit brought into 1 ..= [`MAX_SESSION_PAGE`].
    pub fn page_size(&self) -> usize {
        self.limit.clamp(1, MAX_SESSION_PAGE)
    }

    /// Whether a session with this id and status may be on the page (its product
    /// is checked on its [summary](SessionFilter::shows)).
    pub fn admits(&self, id: SessionId, status: SessionStatus) -> bool {
        self.after.is_none_or(|after| id > after) && self.status.is_none_or(|s| s == status)
    }

    /// Whether the page shows this session.
    pub fn shows(&self, summary: &SessionSummary) -> bool {
        self.admits(summary.id, summary.status) && self.product.is_none_or(|p| p == summary.product)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_admits_by_cursor_and_status_and_clamps_its_page() {
        let filter = SessionFilter {
            status: Some(SessionStatus::Open),
            after: Some(SessionId::from_u128(5)),
            limit: 10_000,
            ..SessionFilter::default()
        };
        assert_eq!(filter.page_size(), MAX_SESSION_PAGE);
        assert_eq!(SessionFilter { limit: 0, ..filter }.page_size(), 1);
        assert!(filter.admits(SessionId::from_u128(6), SessionStatus::Open));
        assert!(!filter.admits(SessionId::from_u128(5), SessionStatus::Open));
        assert!(!filter.admits(SessionId::from_u128(6), SessionStatus::Failed));
    }
}
