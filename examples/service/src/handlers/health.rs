//! `GET /health`.

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::error::ApiError;
use crate::state::{AppState, Parts};

/// The health answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok` when the store answers.
    #[schema(value_type = String)]
    pub status: &'static str,
    /// Which parts are real.
    pub parts: Parts,
    /// The service's "now".
    pub now: DateTime<Utc>,
}

/// `GET /health`: 200 when the store answers, 503 otherwise.
#[utoipa::path(get, path = "/health", tag = "meta", responses((status = 200, description = "The store answers", body = Health)))]
pub async fn health(State(app): State<AppState>) -> Result<Json<Health>, ApiError> {
    app.engine.store().begin().await.map_err(|e| {
        tracing::warn!(%e, "health: store unavailable");
        ApiError::new(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "store.unavailable",
            "the store does not answer",
        )
    })?;
    Ok(Json(Health {
        status: "ok",
        parts: app.parts,
        now: app.clock.now(),
    }))
}
