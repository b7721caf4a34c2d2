//! Admin and warehouse endpoints (their rules are in the route table,
//! [`crate::routes::ROUTES`]): create and cancel sessions, receive stock, reconcile.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use patungan_core::audit::OperationsReport;
use patungan_core::factory_payouts::FactoryPayout;
use patungan_core::payments::Anomaly;
use patungan_core::refunds::{OperatorAction, RefundAttempt};
use patungan_core::SessionId;
use serde::Serialize;

use crate::dto::{CreateSession, SessionStatusView};
use crate::error::ApiError;
use crate::extract::{parse_id, JsonBody, PathParams};
use crate::state::AppState;

async fn status_view(app: &AppState, id: SessionId) -> Result<SessionStatusView, ApiError> {
    let view = app.engine.session(id).await?;
    Ok(SessionStatusView::new(&view)?)
}

/// `POST /admin/sessions`: creates a session (201); the same id and config again
/// answers 200; the same id with another config 409 `session.exists`.
#[utoipa::path(post, path = "/admin/sessions", tag = "admin", request_body = CreateSession, responses((status = 201, description = "Created", body = SessionStatusView), (status = 200, description = "The same session existed", body = SessionStatusView)))]
pub async fn create_session(
    State(app): State<AppState>,
    JsonBody(body): JsonBody<CreateSession>,
) -> Result<(StatusCode, Json<SessionStatusView>), ApiError> {
    let existed = match app.engine.session(body.id).await {
        Ok(view) if view.session.state().config() == &body.config => true,
        Ok(_) => {
            return Err(ApiError::conflict(
                "session.exists",
                format!("session {} exists with another config", body.id),
            ))
        }
        Err(patungan_engine::EngineError::UnknownSession(_)) => false,
        Err(other) => return Err(other.into()),
    };
    if !existed {
        app.engine
            .create_session(body.id, body.config, app.clock.now())
            .await?;
        tracing::info!(session = %body.id, "session created");
    }
    let code = if existed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((code, Json(status_view(&app, body.id).await?)))
}

/// `POST /admin/sessions/{id}/cancel`: everyone paid is refunded in full.
#[utoipa::path(post, path = "/admin/sessions/{id}/cancel", tag = "admin", params(("id" = String, Path, description = "The session id")), responses((status = 200, description = "Cancelled; everyone paid is refunded", body = SessionStatusView)))]
pub async fn cancel_session(
    State(app): State<AppState>,
    PathParams(id): PathParams<String>,
) -> Result<Json<SessionStatusView>, ApiError> {
    let id: SessionId = parse_id("session", &id)?;
    app.engine.cancel(id, app.clock.now()).await?;
    tracing::info!(session = %id, "session cancelled");
    app.kicker.kick();
    Ok(Json(status_view(&app, id).await?))
}

/// `POST /admin/sessions/{id}/stock-received`: the purchase order arrived; a session
/// awaiting stock confirms.
#[utoipa::path(post, path = "/admin/sessions/{id}/stock-received", tag = "warehouse", params(("id" = String, Path, description = "The session id")), responses((status = 200, description = "Stock received", body = SessionStatusView)))]
pub async fn stock_received(
    State(app): State<AppState>,
    PathParams(id): PathParams<String>,
) -> Result<Json<SessionStatusView>, ApiError> {
    let id: SessionId = parse_id("session", &id)?;
    app.engine.stock_received(id, app.clock.now()).await?;
    app.kicker.kick();
    Ok(Json(status_view(&app, id).await?))
}

/// The reconciliation answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Reconciliation {
    /// Every currency balances, every terminal session's escrow is empty, and no
    /// anomaly, suspense balance, refund waiting for an operator or withdrawal held in
    /// a silent batch is left.
    pub clean: bool,
    /// The whole report.
    #[schema(value_type = Object)]
    pub report: OperationsReport,
}

/// `GET /admin/reconciliation`: rebuilds and verifies the ledger from the store.
#[utoipa::path(get, path = "/admin/reconciliation", tag = "admin", responses((status = 200, description = "The operations report", body = Reconciliation)))]
pub async fn reconciliation(State(app): State<AppState>) -> Result<Json<Reconciliation>, ApiError> {
    let report = app.engine.reconcile(app.clock.now()).await?;
    Ok(Json(Reconciliation {
        clean: report.is_clean(),
        report,
    }))
}

/// `GET /admin/anomalies`: every payment anomaly (paid callbacks that did not match
/// their invoice), with the raw fields the gateway sent.
#[utoipa::path(get, path = "/admin/anomalies", tag = "admin", responses((status = 200, description = "Payment anomalies, open and closed", body = Vec<Object>)))]
pub async fn anomalies(State(app): State<AppState>) -> Result<Json<Vec<Anomaly>>, ApiError> {
    Ok(Json(app.engine.anomalies().await?))
}

/// `GET /admin/refunds/awaiting-operator`: refunds whose attempts are spent.
#[utoipa::path(get, path = "/admin/refunds/awaiting-operator", tag = "admin", responses((status = 200, description = "Refunds whose attempts are spent", body = Vec<Object>)))]
pub async fn refunds_awaiting_operator(
    State(app): State<AppState>,
) -> Result<Json<Vec<RefundAttempt>>, ApiError> {
    Ok(Json(app.engine.refunds_awaiting_operator().await?))
}

/// `POST /admin/refunds/{reference}/retry`: a new attempt through the gateway (once;
/// a second decision answers 409 `refund.not_awaiting_operator`).
#[utoipa::path(post, path = "/admin/refunds/{reference}/retry", tag = "admin", params(("reference" = String, Path, description = "The refund reference")), responses((status = 200, description = "The new attempt", body = Object)))]
pub async fn retry_refund(
    State(app): State<AppState>,
    PathParams(reference): PathParams<String>,
) -> Result<Json<RefundAttempt>, ApiError> {
    operator(&app, &reference, OperatorAction::Retry).await
}

/// `POST /admin/refunds/{reference}/credit-wallet`: credits the payer's wallet
/// instead of the original method (once, like a retry).
#[utoipa::path(post, path = "/admin/refunds/{reference}/credit-wallet", tag = "admin", params(("reference" = String, Path, description = "The refund reference")), responses((status = 200, description = "Credited to the wallet", body = Object)))]
pub async fn credit_refund_to_wallet(
    State(app): State<AppState>,
    PathParams(reference): PathParams<String>,
) -> Result<Json<RefundAttempt>, ApiError> {
    operator(&app, &reference, OperatorAction::CreditWallet).await
}

async fn operator(
    app: &AppState,
    reference: &str,
    action: OperatorAction,
) -> Result<Json<RefundAttempt>, ApiError> {
    let next = app
        .engine
        .resolve_refund(reference, action, app.clock.now())
        .await?;
    app.kicker.kick();
    Ok(Json(next))
}

/// `GET /admin/factory-payouts`: every payout of received goods to the factory
/// (submitted, paid or failed with the provider's code).
#[utoipa::path(get, path = "/admin/factory-payouts", tag = "admin", responses((status = 200, description = "Factory payouts, by id", body = Vec<Object>)))]
pub async fn factory_payouts(
    State(app): State<AppState>,
) -> Result<Json<Vec<FactoryPayout>>, ApiError> {
    Ok(Json(app.engine.factory_payouts().await?))
}

/// `POST /admin/factory-payouts/{id}/retry`: sends a failed factory payout again as
/// its next attempt (409 `factory_payout.not_failed` unless it failed).
#[utoipa::path(post, path = "/admin/factory-payouts/{id}/retry", tag = "admin", params(("id" = String, Path, description = "The payout id (fpo-…)")), responses((status = 200, description = "The payout, submitted again", body = Object)))]
pub async fn retry_factory_payout(
    State(app): State<AppState>,
    PathParams(id): PathParams<String>,
) -> Result<Json<FactoryPayout>, ApiError> {
    let payout = app
        .engine
        .retry_factory_payout(&id, app.clock.now())
        .await?;
    tracing::info!(payout = %id, attempt = payout.attempt, "factory payout retried by an operator");
    app.kicker.kick();
    Ok(Json(payout))
}

/// `POST /admin/purchase-orders/{session}/approve`: issues a purchase order held for
/// approval (its plan leaves a variant over its tolerance) and sends it to the
/// factory (409 `purchase_order.not_awaiting_approval` unless it waits).
#[utoipa::path(post, path = "/admin/purchase-orders/{session}/approve", tag = "admin", params(("session" = String, Path, description = "The session id")), responses((status = 200, description = "The purchase order, issued", body = Object)))]
pub async fn approve_purchase_order(
    State(app): State<AppState>,
    PathParams(session): PathParams<String>,
) -> Result<Json<patungan_core::purchasing::PurchaseOrderRecord>, ApiError> {
    let id: SessionId = parse_id("session", &session)?;
    let order = app
        .engine
        .approve_purchase_order(id, app.clock.now())
        .await?;
    tracing::info!(session = %id, "purchase order approved by an operator");
    app.kicker.kick();
    Ok(Json(order))
}
