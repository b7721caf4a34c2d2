//! Provider webhooks. Xendit's `x-callback-token` and Biteship's HMAC signature are
//! checked on the raw body before a byte of it is parsed; a missing or wrong token or
//! signature is a 401, and so is every webhook of a provider whose token or secret is
//! not configured. Each notification is applied exactly once by the engine's
//! inbox, so a replayed webhook answers 200 `duplicate` and changes nothing.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use patungan_core::notices::ProviderNotification;
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

/// What the engine made of one notification.
enum Applied {
    /// Handled (applied, duplicate, or ignored by the engine's rules).
    Handled(Handled),
    /// It names something the engine does not know; acknowledged so the provider
    /// stops retrying.
    Unknown(EngineError),
}

/// Applies one notification without logging it.
async fn handle(app: &AppState, notification: &ProviderNotification) -> Result<Applied, ApiError> {
    match app
        .engine
        .handle_notification(notification, app.clock.now())
        .await
    {
        Ok(handled) => {
            if handled == Handled::Applied {
                app.kicker.kick();
            }
            Ok(Applied::Handled(handled))
        }
        Err(error @ (EngineError::UnknownReference { .. } | EngineError::UnknownWithdrawal(_))) => {
            Ok(Applied::Unknown(error))
        }
        Err(error) => Err(error.into()),
    }
}

/// Applies one notification and logs it; a reference the engine does not know is
/// acknowledged (so the provider stops retrying) and logged as a warning.
async fn apply(app: &AppState, notification: ProviderNotification) -> Result<Handled, ApiError> {
    let key = notification.dedup_key();
    match handle(app, &notification).await? {
        Applied::Handled(handled) => {
            tracing::info!(%key, ?handled, "notification");
            Ok(handled)
        }
        Applied::Unknown(error) => {
            tracing::warn!(%key, %error, "notification for something unknown");
            Ok(Handled::Ignored(error.to_string()))
        }
    }
}

/// The counts of one batch callback, logged as a single line however many items it has.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct BatchSummary {
    /// Items applied now.
    pub applied: usize,
    /// Items already applied before.
    pub duplicate: usize,
    /// Items the engine ignored by its rules.
    pub ignored: usize,
    /// Items naming a payout the engine does not know.
    pub unknown: usize,
    /// Items that failed (the callback answers the first error; the provider retries).
    pub failed: usize,
    /// The first unknown item's error, as an example.
    pub first_unknown: Option<String>,
}

impl BatchSummary {
    fn count(&mut self, outcome: &Result<Applied, ApiError>) {
        match outcome {
            Ok(Applied::Handled(Handled::Applied)) => self.applied += 1,
            Ok(Applied::Handled(Handled::Duplicate)) => self.duplicate += 1,
            // Payout items are never payment anomalies; counted with the ignored.
            Ok(Applied::Handled(Handled::Ignored(_) | Handled::Anomaly(_) | Handled::Deferred)) => {
                self.ignored += 1
            }
            Ok(Applied::Unknown(error)) => {
                self.unknown += 1;
                self.first_unknown.get_or_insert_with(|| error.to_string());
            }
            Err(_) => self.failed += 1,
        }
    }

    /// Logs the batch as one line: a warning if any item was unknown or failed.
    pub fn log(&self) {
        let items = self.applied + self.duplicate + self.ignored + self.unknown + self.failed;
        let example = self.first_unknown.as_deref().unwrap_or("");
        if self.unknown > 0 || self.failed > 0 {
            tracing::warn!(
                items,
                applied = self.applied,
                duplicate = self.duplicate,
                ignored = self.ignored,
                unknown = self.unknown,
                failed = self.failed,
                example,
                "batch disbursement callback"
            );
        } else {
            tracing::info!(
                items,
                applied = self.applied,
                duplicate = self.duplicate,
                ignored = self.ignored,
                "batch disbursement callback"
            );
        }
    }
}

/// `POST /webhooks/xendit/invoice`: invoice paid, settled or expired.
#[utoipa::path(post, path = "/webhooks/xendit/invoice", tag = "webhooks", request_body(content = Object, description = "Xendit invoice callback; needs x-callback-token"), responses((status = 200, description = "Handled", body = WebhookAck)))]
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
        apply(&app, ProviderNotification::Payment(n)).await?,
    )))
}

/// `POST /webhooks/xendit/refund`: `refund.succeeded` / `refund.failed`.
#[utoipa::path(post, path = "/webhooks/xendit/refund", tag = "webhooks", request_body(content = Object, description = "Xendit refund webhook; needs x-callback-token"), responses((status = 200, description = "Handled", body = WebhookAck)))]
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
        apply(&app, ProviderNotification::Refund(n)).await?,
    )))
}

/// `POST /webhooks/xendit/disbursement`: one disbursement's result.
#[utoipa::path(post, path = "/webhooks/xendit/disbursement", tag = "webhooks", request_body(content = Object, description = "Xendit disbursement callback; needs x-callback-token"), responses((status = 200, description = "Handled", body = WebhookAck)))]
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
        apply(&app, ProviderNotification::Payout(n)).await?,
    )))
}

/// `POST /webhooks/xendit/batch-disbursement`: a batch's per-payout results. Every
/// item is applied; if one fails the answer is that error (the provider retries, and
/// the items already applied answer `duplicate` then). The batch is logged as one
/// line of counts ([`BatchSummary`]), not one line per item.
#[utoipa::path(post, path = "/webhooks/xendit/batch-disbursement", tag = "webhooks", request_body(content = Object, description = "Xendit batch disbursement callback; needs x-callback-token"), responses((status = 200, description = "Handled", body = WebhookAck)))]
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
    let mut summary = BatchSummary::default();
    for n in items {
        let outcome = handle(&app, &ProviderNotification::Payout(n)).await;
        summary.count(&outcome);
        match outcome {
            Ok(Applied::Handled(h)) => handled.push(h),
            Ok(Applied::Unknown(error)) => handled.push(Handled::Ignored(error.to_string())),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    summary.log();
    match first_error {
        Some(error) => Err(error),
        None => Ok(Json(WebhookAck::of_all(handled))),
    }
}

/// `POST /webhooks/biteship`: `order.status`, `order.waybill_id`, `order.price`.
/// Biteship's installation probe (an empty body) answers 200.
#[utoipa::path(post, path = "/webhooks/biteship", tag = "webhooks", request_body(content = Object, description = "Biteship order webhook; needs x-biteship-signature"), responses((status = 200, description = "Handled (or the installation probe)", body = WebhookAck)))]
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
    let handled = apply(&app, ProviderNotification::Shipment(n)).await?;
    Ok((StatusCode::OK, Json(WebhookAck::of(handled))))
}
