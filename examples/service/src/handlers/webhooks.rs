//! Provider webhooks. Xendit's `x-callback-token` (and Biteship's optional
//! signature) is checked on the raw body before a byte of it is parsed; a missing or
//! wrong token is a 401. Each notification is applied exactly once by the engine's
//! inbox, so a replayed webhook answers 200 `duplicate` and changes nothing.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use patungan_engine::notification::Notification;
use patungan_engine::{EngineError, Handled};
use patungan_xendit::CALLBACK_TOKEN_HEADER;

use crate::dto::WebhookAck;
use crate::error::ApiError;
use crate::extract::RawBody;
use crate::state::AppState;

fn xendit_refused(error: patungan_xendit::WebhookError) -> ApiError {
    if error.is_auth_failure() {
        tracing::warn!(code = error.code(), "xendit webhook refused");
        ApiError::unauthorized(error.code(), error.to_string())
    } else {
        tracing::warn!(code = error.code(), %error, "xendit webhook unreadable");
        ApiError::bad_request(error.code(), error.to_string())
    }
}

fn token(headers: &HeaderMap) -> Option<&[u8]> {
    headers.get(CALLBACK_TOKEN_HEADER).map(|v| v.as_bytes())
}

/// Applies one notification; a reference the engine does not know is acknowledged
/// (so the provider stops retrying) and logged.
async fn apply(app: &AppState, notification: Notification) -> Result<Handled, ApiError> {
    let now = app.clock.now();
    match app.engine.handle_notification(&notification, now).await {
        Ok(handled) => {
            if handled == Handled::Applied {
                app.kicker.kick();
            }
            tracing::info!(key = %notification.dedup_key(), ?handled, "notification");
            Ok(handled)
        }
        Err(error @ (EngineError::UnknownReference { .. } | EngineError::UnknownWithdrawal(_))) => {
            tracing::warn!(key = %notification.dedup_key(), %error, "notification for something unknown");
            Ok(Handled::Ignored(error.to_string()))
        }
        Err(error) => Err(error.into()),
    }
}

/// `POST /webhooks/xendit/invoice`: invoice paid, settled or expired.
pub async fn xendit_invoice(
    State(app): State<AppState>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Json<WebhookAck>, ApiError> {
    let n = app
        .xendit_callbacks
        .invoice(token(&headers), &body)
        .map_err(xendit_refused)?;
    Ok(Json(WebhookAck::of(
        apply(&app, Notification::Payment(n)).await?,
    )))
}

/// `POST /webhooks/xendit/refund`: `refund.succeeded` / `refund.failed`.
pub async fn xendit_refund(
    State(app): State<AppState>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Json<WebhookAck>, ApiError> {
    let n = app
        .xendit_callbacks
        .refund(token(&headers), &body)
        .map_err(xendit_refused)?;
    Ok(Json(WebhookAck::of(
        apply(&app, Notification::Refund(n)).await?,
    )))
}

/// `POST /webhooks/xendit/disbursement`: one disbursement's result.
pub async fn xendit_disbursement(
    State(app): State<AppState>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Json<WebhookAck>, ApiError> {
    let n = app
        .xendit_callbacks
        .disbursement(token(&headers), &body)
        .map_err(xendit_refused)?;
    Ok(Json(WebhookAck::of(
        apply(&app, Notification::Payout(n)).await?,
    )))
}

/// `POST /webhooks/xendit/batch-disbursement`: a batch's per-payout results. Every
/// item is applied; if one fails the answer is that error (the provider retries, and
/// the items already applied answer `duplicate` then).
pub async fn xendit_batch_disbursement(
    State(app): State<AppState>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Json<WebhookAck>, ApiError> {
    let items = app
        .xendit_callbacks
        .batch_disbursement(token(&headers), &body)
        .map_err(xendit_refused)?;
    let mut handled = Vec::with_capacity(items.len());
    let mut first_error = None;
    for n in items {
        match apply(&app, Notification::Payout(n)).await {
            Ok(h) => handled.push(h),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    match first_error {
        Some(error) => Err(error),
        None => Ok(Json(WebhookAck::of_all(handled))),
    }
}

/// `POST /webhooks/biteship`: `order.status`, `order.waybill_id`, `order.price`.
/// Biteship's installation probe (an empty body) answers 200.
pub async fn biteship(
    State(app): State<AppState>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<(StatusCode, Json<WebhookAck>), ApiError> {
    if patungan_biteship::is_installation_probe(&body) {
        return Ok((
            StatusCode::OK,
            Json(WebhookAck {
                result: "probe",
                reason: None,
            }),
        ));
    }
    let signature = headers
        .get(patungan_biteship::SIGNATURE_HEADER)
        .map(|v| v.as_bytes());
    let n = app
        .biteship_webhooks
        .parse(signature, &body)
        .map_err(|error| {
            tracing::warn!(code = error.code(), "biteship webhook refused");
            if error.is_auth_failure() {
                ApiError::unauthorized(error.code(), error.to_string())
            } else {
                ApiError::bad_request(error.code(), error.to_string())
            }
        })?;
    let handled = apply(&app, Notification::Shipment(n)).await?;
    Ok((StatusCode::OK, Json(WebhookAck::of(handled))))
}
