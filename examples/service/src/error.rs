//! Errors as HTTP answers: `{"error": {"code": "...", "message": "..."}}` with the
//! core's and engine's stable codes (e.g. `session.stale_price`).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use patungan_engine::EngineError;
use serde::Serialize;

/// A refused or failed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// A stable machine-readable code.
    pub code: &'static str,
    /// What went wrong and, where it helps, what to do.
    pub message: String,
}

#[derive(Serialize)]
struct Envelope<'a> {
    error: Body<'a>,
}

#[derive(Serialize)]
struct Body<'a> {
    code: &'a str,
    message: &'a str,
}

impl ApiError {
    /// An error with the given status, code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    /// 400: the request itself is malformed.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 404.
    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, code, message)
    }

    /// 401.
    pub fn unauthorized(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::UNAUTHORIZED, code, message)
    }

    /// 409.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::CONFLICT, code, message)
    }

    /// 500, with a generic message: details go to the log, not to the client.
    pub fn internal(code: &'static str) -> Self {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            code,
            "internal error; the service log has the details",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Envelope {
            error: Body {
                code: self.code,
                message: &self.message,
            },
        };
        (self.status, Json(body)).into_response()
    }
}

/// The HTTP status of an engine error code.
fn status_of(code: &str) -> StatusCode {
    match code {
        // Text that no field may hold (docs/domain.md §12: 400, never a 500).
        "withdrawal.control_character" | "withdrawal.text_too_long" => StatusCode::BAD_REQUEST,
        "engine.unknown_session"
        | "engine.unknown_withdrawal"
        | "engine.unknown_reference"
        | "engine.unknown_order"
        | "session.unknown_participant"
        | "session.unknown_payment"
        | "quote.unknown"
        | "withdrawal.unknown" => StatusCode::NOT_FOUND,
        "provider.unavailable" => StatusCode::SERVICE_UNAVAILABLE,
        "quote.empty_code" | "quote.zero_quantity" => StatusCode::BAD_REQUEST,
        "session.not_open"
        | "session.not_started"
        | "session.ended"
        | "session.stale_price"
        | "session.not_enough_available"
        | "session.duplicate_participant"
        | "session.duplicate_payment"
        | "session.payment_already_received"
        | "session.participant_not_active"
        | "session.wrong_state"
        | "wallet.insufficient_balance"
        | "withdrawal.exists"
        | "withdrawal.not_in_flight"
        | "withdrawal.conflicting_result"
        | "withdrawal.not_completed"
        | "session.pending_join_limit"
        | "refund.not_awaiting_operator"
        | "order.not_awaiting_operator"
        | "factory_payout.not_failed"
        | "purchase_order.awaiting_approval"
        | "purchase_order.not_awaiting_approval"
        | "order.illegal_move"
        | "quote.exists"
        | "purchase_order.none_open"
        | "engine.invoice_not_ready"
        | "store.conflict" => StatusCode::CONFLICT,
        "store.unavailable" => StatusCode::SERVICE_UNAVAILABLE,
        "engine.inconsistent"
        | "store.corrupt"
        | "ledger.corrupt"
        | "session.inconsistent_event" => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

impl From<EngineError> for ApiError {
    fn from(error: EngineError) -> Self {
        let code = error.code();
        let status = status_of(code);
        if status.is_server_error() {
            tracing::error!(code, %error, "engine failure");
            if status == StatusCode::SERVICE_UNAVAILABLE {
                return ApiError::new(status, code, "the store is unavailable; retry shortly");
            }
            return ApiError::internal(code);
        }
        ApiError::new(status, code, error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use patungan_core::SessionId;

    #[test]
    fn engine_errors_map_to_statuses() {
        let e = ApiError::from(EngineError::UnknownSession(SessionId::from_u128(1)));
        assert_eq!(e.status, StatusCode::NOT_FOUND);
        assert_eq!(e.code, "engine.unknown_session");
        let e = ApiError::from(EngineError::Inconsistent("secret detail".into()));
        assert_eq!(e.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!e.message.contains("secret detail"));
        assert_eq!(
            status_of("session.zero_quantity"),
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(status_of("session.stale_price"), StatusCode::CONFLICT);
        assert_eq!(
            status_of("withdrawal.control_character"),
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            status_of("withdrawal.text_too_long"),
            StatusCode::BAD_REQUEST
        );
    }
}
