//! How a call to Xendit failed, and how that failure is classed for the engine.

use std::time::Duration;

use patungan_ports::{FailureClass, PortError};

use crate::amount::AmountError;

/// The provider name in every [`PortError`] this adapter returns.
pub const PROVIDER: &str = "xendit";

pub use patungan_http::TransportKind;

/// A call to Xendit failed.
///
/// Messages never carry the secret key: it travels only in the `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum XenditError {
    /// The request did not get an answer.
    #[error("transport failure ({kind:?}): {message}")]
    Transport {
        /// What went wrong.
        kind: TransportKind,
        /// Details from the HTTP client.
        message: String,
    },
    /// Xendit answered with an error.
    #[error("Xendit answered HTTP {status} {error_code}: {message}")]
    Api {
        /// The HTTP status.
        status: u16,
        /// Xendit's `error_code`, e.g. `API_VALIDATION_ERROR` (or `HTTP_<status>` when absent).
        error_code: String,
        /// Xendit's `message`.
        message: String,
        /// The `Retry-After` the answer carried, if any.
        retry_after: Option<Duration>,
    },
    /// Xendit answered with a body this adapter cannot read.
    #[error("malformed Xendit response (HTTP {status}): {message}")]
    MalformedResponse {
        /// The HTTP status.
        status: u16,
        /// What could not be read.
        message: String,
    },
    /// An amount could not be sent as whole rupiah.
    #[error(transparent)]
    Amount(#[from] AmountError),
    /// The request is invalid before it is sent (e.g. an id with characters a URL cannot carry).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The adapter's configuration is unusable (e.g. an empty key or a bad base URL).
    #[error("invalid Xendit configuration: {0}")]
    Config(String),
}

/// Xendit error codes that mean "try again later with the same idempotency key".
const RETRYABLE_CODES: &[&str] = &[
    "SERVER_ERROR",
    "UNKNOWN_BANK_NETWORK_ERROR",
    "SWITCHING_NETWORK_ERROR",
    "RATE_LIMIT_EXCEEDED",
    "TOO_MANY_REQUESTS",
    "PROCESSOR_TEMPORARILY_UNAVAILABLE",
    "PROCESSOR_TIMEOUT",
    "CHANNEL_UNAVAILABLE",
    "REFUND_IN_PROGRESS",
];

/// Xendit error codes that mean "this exact request was already accepted".
const DUPLICATE_CODES: &[&str] = &[
    "DUPLICATE_TRANSACTION_ERROR",
    "DUPLICATE_ERROR",
    "DUPLICATE_REFERENCE",
    "DUPLICATE_PAYOUT_ERROR",
];

/// Whether Xendit's error code (with its HTTP status) is worth retrying.
///
/// Retryable: any 5xx, 429, `SERVER_ERROR`, `TEMPORARY_*`, bank-network and rate-limit
/// codes. Everything else (400 validation such as `API_VALIDATION_ERROR` or
/// `BANK_CODE_NOT_SUPPORTED_ERROR`, 401, 403, 404 …) is permanent.
pub fn classify(status: u16, error_code: &str) -> FailureClass {
    if status >= 500
        || status == 429
        || error_code.starts_with("TEMPORARY_")
        || RETRYABLE_CODES.contains(&error_code)
    {
        FailureClass::Retryable
    } else {
        FailureClass::Permanent
    }
}

/// Whether Xendit's error code says the request was a repeat of one already accepted.
pub fn is_duplicate_code(error_code: &str) -> bool {
    DUPLICATE_CODES.contains(&error_code)
}

impl XenditError {
    /// A stable machine-readable code, e.g. `"xendit.timeout"`.
    pub fn code(&self) -> &'static str {
        match self {
            XenditError::Transport {
                kind: TransportKind::Timeout,
                ..
            } => "xendit.timeout",
            XenditError::Transport {
                kind: TransportKind::Connect,
                ..
            } => "xendit.connect",
            XenditError::Transport { .. } => "xendit.transport",
            XenditError::Api { .. } => "xendit.api",
            XenditError::MalformedResponse { .. } => "xendit.malformed_response",
            XenditError::Amount(_) => "xendit.amount",
            XenditError::InvalidRequest(_) => "xendit.invalid_request",
            XenditError::Config(_) => "xendit.config",
        }
    }

    /// Retry or give up.
    ///
    /// A malformed body on a 2xx answer is retryable: every write carries an idempotency
    /// key, so asking again is safe and reads the stored result.
    pub fn class(&self) -> FailureClass {
        match self {
            XenditError::Transport { .. } => FailureClass::Retryable,
            XenditError::Api {
                status, error_code, ..
            } => classify(*status, error_code),
            XenditError::MalformedResponse { status, .. } => {
                if *status < 300 || *status >= 500 || *status == 429 {
                    FailureClass::Retryable
                } else {
                    FailureClass::Permanent
                }
            }
            XenditError::Amount(_) | XenditError::InvalidRequest(_) | XenditError::Config(_) => {
                FailureClass::Permanent
            }
        }
    }

    /// Whether this is Xendit's "already done" answer to a repeated request.
    pub fn is_duplicate(&self) -> bool {
        matches!(self, XenditError::Api { error_code, .. } if is_duplicate_code(error_code))
    }

    /// The provider's error code, or a transport code such as `TIMEOUT`.
    pub fn provider_code(&self) -> String {
        match self {
            XenditError::Transport { kind, .. } => kind.provider_code().to_owned(),
            XenditError::Api { error_code, .. } => error_code.clone(),
            XenditError::MalformedResponse { .. } => "MALFORMED_RESPONSE".to_owned(),
            XenditError::Amount(e) => e.code().to_owned(),
            XenditError::InvalidRequest(_) => "INVALID_REQUEST".to_owned(),
            XenditError::Config(_) => "CONFIG".to_owned(),
        }
    }

    /// The engine's view of this failure for `operation`.
    pub fn into_port_error(self, operation: &'static str) -> PortError {
        let retry_after = match &self {
            XenditError::Api { retry_after, .. } => *retry_after,
            _ => None,
        };
        PortError {
            provider: PROVIDER,
            operation,
            class: self.class(),
            code: self.provider_code(),
            message: self.to_string(),
            retry_after,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, code: &str) -> XenditError {
        XenditError::Api {
            status,
            error_code: code.to_owned(),
            message: String::new(),
            retry_after: None,
        }
    }

    #[test]
    fn classification() {
        use FailureClass::*;
        assert_eq!(api(500, "SERVER_ERROR").class(), Retryable);
        assert_eq!(api(503, "ANYTHING").class(), Retryable);
        assert_eq!(api(429, "RATE_LIMIT_EXCEEDED").class(), Retryable);
        assert_eq!(api(400, "TEMPORARY_TRANSFER_ERROR").class(), Retryable);
        assert_eq!(api(400, "SERVER_ERROR").class(), Retryable);
        assert_eq!(api(400, "API_VALIDATION_ERROR").class(), Permanent);
        assert_eq!(api(400, "BANK_CODE_NOT_SUPPORTED_ERROR").class(), Permanent);
        assert_eq!(api(401, "INVALID_API_KEY").class(), Permanent);
        assert_eq!(api(403, "REQUEST_FORBIDDEN_ERROR").class(), Permanent);
        assert_eq!(api(404, "INVOICE_NOT_FOUND_ERROR").class(), Permanent);
        let timeout = XenditError::Transport {
            kind: TransportKind::Timeout,
            message: "x".into(),
        };
        assert_eq!(timeout.class(), Retryable);
        assert_eq!(timeout.provider_code(), "TIMEOUT");
        assert_eq!(timeout.code(), "xendit.timeout");
    }

    #[test]
    fn duplicates_and_port_error() {
        assert!(api(400, "DUPLICATE_TRANSACTION_ERROR").is_duplicate());
        assert!(api(409, "DUPLICATE_ERROR").is_duplicate());
        assert!(!api(400, "API_VALIDATION_ERROR").is_duplicate());
        let port = XenditError::Api {
            status: 503,
            error_code: "SERVER_ERROR".into(),
            message: "down".into(),
            retry_after: Some(Duration::from_secs(7)),
        }
        .into_port_error("create_invoice");
        assert!(port.is_retryable());
        assert_eq!(port.provider, "xendit");
        assert_eq!(port.operation, "create_invoice");
        assert_eq!(port.code, "SERVER_ERROR");
        assert_eq!(port.retry_after, Some(Duration::from_secs(7)));
    }
}
