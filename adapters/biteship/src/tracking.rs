//! Tracking: `GET /v1/trackings/{id}`.

use reqwest::Method;
use serde::Deserialize;

use crate::client::{path_segment, BiteshipClient};
use crate::error::BiteshipError;

/// One step of a tracking history as Biteship returns it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct HistoryEntry {
    /// The courier's note.
    #[serde(default)]
    pub note: Option<String>,
    /// When, RFC 3339 (e.g. `2021-03-16T18:17:00+07:00`).
    pub updated_at: String,
    /// The status reached.
    pub status: String,
}

/// A tracking as Biteship returns it (the fields this adapter uses).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct BiteshipTracking {
    /// Biteship's tracking id.
    pub id: String,
    /// The courier's waybill.
    #[serde(default)]
    pub waybill_id: Option<String>,
    /// The latest status.
    pub status: String,
    /// Every step so far.
    #[serde(default)]
    pub history: Vec<HistoryEntry>,
    /// Biteship's order id.
    #[serde(default)]
    pub order_id: Option<String>,
}

impl BiteshipClient {
    /// `GET /v1/trackings/{id}`.
    pub async fn tracking(&self, tracking_id: &str) -> Result<BiteshipTracking, BiteshipError> {
        let id = path_segment("tracking id", tracking_id)?;
        self.call::<(), _>(
            "tracking",
            Method::GET,
            &format!("/v1/trackings/{id}"),
            None,
        )
        .await
    }
}
