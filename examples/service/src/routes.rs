//! The HTTP routes.
//!
//! | Method | Path | What |
//! |---|---|---|
//! | GET | `/health` | store reachable, which parts are real |
//! | POST | `/admin/sessions` | create a session (admin) |
//! | POST | `/admin/sessions/{id}/cancel` | cancel, refunding everyone paid (admin) |
//! | POST | `/admin/sessions/{id}/stock-received` | the purchase order arrived (admin) |
//! | GET | `/admin/reconciliation` | the operations report: ledger, suspense, anomalies, refunds waiting (admin) |
//! | GET | `/admin/anomalies` | payment anomalies, open and closed (admin) |
//! | GET | `/admin/refunds/awaiting-operator` | refunds whose attempts are spent (admin) |
//! | POST | `/admin/refunds/{reference}/retry` | retry such a refund through the gateway (admin) |
//! | POST | `/admin/refunds/{reference}/credit-wallet` | credit it to the payer's wallet instead (admin) |
//! | GET | `/sessions/{id}` | status, fill, price now, settlement |
//! | GET | `/sessions/{id}/preview?extra=N` | the tier preview with N more units |
//! | POST | `/sessions/{id}/join` | join: cost breakdown and invoice URL |
//! | GET | `/sessions/{id}/participants/{p}` | a participant and its invoice |
//! | POST | `/sessions/{id}/participants/{p}/leave` | leave (refund if paid) |
//! | GET | `/wallets/{user}` | wallet balance |
//! | POST | `/wallets/{user}/withdrawals` | request a withdrawal |
//! | GET | `/withdrawals/{id}` | a withdrawal's status |
//! | POST | `/webhooks/xendit/invoice` | Xendit invoice callback |
//! | POST | `/webhooks/xendit/refund` | Xendit refund webhook |
//! | POST | `/webhooks/xendit/disbursement` | Xendit disbursement callback |
//! | POST | `/webhooks/xendit/batch-disbursement` | Xendit batch disbursement callback |
//! | POST | `/webhooks/biteship` | Biteship order webhook |
//! | POST | `/simulator/...` | simulated payer and bank (admin; simulated gateway only) |

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::header::CONTENT_LENGTH;
use axum::middleware::{from_fn, from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::error::ApiError;
use crate::handlers::{admin, health, sessions, simulator, wallets, webhooks};
use crate::state::AppState;

/// The largest request body accepted on every route: 1 MiB (docs/domain.md §12; a Xendit
/// batch callback of 1 000 payouts is far smaller). Larger bodies answer 413.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// The service's router over `state`.
pub fn router(state: AppState) -> Router {
    let mut admin_routes = Router::new()
        .route("/admin/sessions", post(admin::create_session))
        .route("/admin/sessions/{id}/cancel", post(admin::cancel_session))
        .route(
            "/admin/sessions/{id}/stock-received",
            post(admin::stock_received),
        )
        .route("/admin/reconciliation", get(admin::reconciliation))
        .route("/admin/anomalies", get(admin::anomalies))
        .route(
            "/admin/refunds/awaiting-operator",
            get(admin::refunds_awaiting_operator),
        )
        .route(
            "/admin/refunds/{reference}/retry",
            post(admin::retry_refund),
        )
        .route(
            "/admin/refunds/{reference}/credit-wallet",
            post(admin::credit_refund_to_wallet),
        );
    if state.simulated.is_some() {
        admin_routes = admin_routes
            .route("/simulator/payments/{payment}/pay", post(simulator::pay))
            .route("/simulator/refunds/settle", post(simulator::settle_refunds))
            .route("/simulator/payouts/settle", post(simulator::settle_payouts));
    }
    let admin_routes =
        admin_routes.route_layer(from_fn_with_state(state.clone(), admin::require_admin));
    Router::new()
        .route("/health", get(health::health))
        .route("/sessions/{id}", get(sessions::status))
        .route("/sessions/{id}/preview", get(sessions::preview))
        .route("/sessions/{id}/join", post(sessions::join))
        .route(
            "/sessions/{id}/participants/{participant}",
            get(sessions::participant),
        )
        .route(
            "/sessions/{id}/participants/{participant}/leave",
            post(sessions::leave),
        )
        .route("/wallets/{user}", get(wallets::balance))
        .route(
            "/wallets/{user}/withdrawals",
            post(wallets::request_withdrawal),
        )
        .route("/withdrawals/{id}", get(wallets::withdrawal))
        .route("/webhooks/xendit/invoice", post(webhooks::xendit_invoice))
        .route("/webhooks/xendit/refund", post(webhooks::xendit_refund))
        .route(
            "/webhooks/xendit/disbursement",
            post(webhooks::xendit_disbursement),
        )
        .route(
            "/webhooks/xendit/batch-disbursement",
            post(webhooks::xendit_batch_disbursement),
        )
        .route("/webhooks/biteship", post(webhooks::biteship))
        .merge(admin_routes)
        .fallback(no_route)
        .method_not_allowed_fallback(wrong_method)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(from_fn(refuse_declared_oversize))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .with_state(state)
}

/// Answers 413 at once when `Content-Length` declares more than [`MAX_BODY_BYTES`],
/// whatever the route; bodies without a length are cut at the limit when read.
async fn refuse_declared_oversize(request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    match declared {
        Some(length) if length > MAX_BODY_BYTES as u64 => {
            crate::extract::body_too_large().into_response()
        }
        _ => next.run(request).await,
    }
}

async fn no_route() -> ApiError {
    ApiError::not_found("request.no_route", "no such endpoint; see the README")
}

async fn wrong_method() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        "request.method_not_allowed",
        "this endpoint does not take that method",
    )
}
