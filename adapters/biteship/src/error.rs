//! How a call to Biteship failed, and how that failure is classed for the engine.

use std::time::Duration;

use patungan_ports::{FailureClass, PortError};

use crate::amount::AmountError;
use crate::status::StatusError;

/// The provider name in every [`PortError`] this adapter returns.
pub const PROVIDER: &str = "biteship";

pub use patungan_http::TransportKind;

/// A call to Biteship failed. Messages never carry the API key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BiteshipError {
    /// The request did not get an answer.
    #[error("transport failure ({kind:?}): {message}")]
    Transport {
        /// What went wrong.
        kind: TransportKind,
        /// Details from the HTTP client.
        message: String,
    },
    /// Biteship answered with an error (`{"success": false, "error": "...", "code": ...}`).
    #[error("Biteship answered HTTP {status} (code {code}): {message}")]
    Api {
        /// The HTTP status.
        status: u16,
        /// Biteship's numeric error code as text, e.g. `40002010` (or `HTTP_<status>`).
        code: String,
        /// Biteship's `error` text.
        message: String,
        /// The `Retry-After` the answer carried, if any.
        retry_after: Option<Duration>,
    },
    /// Biteship answered with a body this adapter cannot read.
    #[error("malformed Biteship response (HTTP {status}): {message}")]
    MalformedResponse {
        /// The HTTP status.
        status: u16,
        /// What could not be read.
        message: String,
    },
    /// Biteship reported a shipment status this adapter does not know.
    #[error(transparent)]
    Status(#[from] StatusError),
    /// An amount could not be sent or read as whole rupiah.
    #[error(transparent)]
    Amount(#[from] AmountError),
    /// The request is invalid before it is sent (e.g. no usable location).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The adapter's configuration is unusable.
    #[error("invalid Biteship configuration: {0}")]
    Config(String),
}

impl BiteshipError {
    /// A stable machine-readable code, e.g. `"biteship.timeout"`.
    pub fn code(&self) -> &'static str {
        match self {
            BiteshipError::Transport {
                kind: TransportKind::Timeout,
                ..
            } => "biteship.timeout",
            BiteshipError::Transport {
                kind: TransportKind::Connect,
                ..
            } => "biteship.connect",
            BiteshipError::Transport { .. } => "biteship.transport",
            BiteshipError::Api { .. } => "biteship.api",
            BiteshipError::MalformedResponse { .. } => "biteship.malformed_response",
            BiteshipError::Status(_) => "biteship.unknown_status",
            BiteshipError::Amount(_) => "biteship.amount",
            BiteshipError::InvalidRequest(_) => "biteship.invalid_request",
            BiteshipError::Config(_) => "biteship.config",
        }
    }

    /// Retry or give up: transport failures, 5xx, 429 and unreadable 2xx bodies are
    /// retryable; everything else is permanent.
    pub fn class(&self) -> FailureClass {
        let retryable_status = |s: u16| s >= 500 || s == 429;
        match self {
            BiteshipError::Transport { .. } => FailureClass::Retryable,
            BiteshipError::Api { status, .. } if retryable_status(*status) => {
                FailureClass::Retryable
            }
            BiteshipError::MalformedResponse { status, .. }
                if *status < 300 || retryable_status(*status) =>
            {
                FailureClass::Retryable
            }
            _ => FailureClass::Permanent,
        }
    }

    /// The provider's error code, or a transport code such as `TIMEOUT`.
    pub fn provider_code(&self) -> String {
        match self {
            BiteshipError::Transport { kind, .. } => kind.provider_code().to_owned(),
            BiteshipError::Api { code, .. } => code.clone(),
            BiteshipError::MalformedResponse { .. } => "MALFORMED_RESPONSE".to_owned(),
            BiteshipError::Status(_) => "UNKNOWN_STATUS".to_owned(),
            BiteshipError::Amount(e) => e.code().to_owned(),
            BiteshipError::InvalidRequest(_) => "INVALID_REQUEST".to_owned(),
            BiteshipError::Config(_) => "CONFIG".to_owned(),
        }
    }

    /// The engine's view of this failure for `operation`.
    pub fn into_port_error(self, operation: &'static str) -> PortError {
        let retry_after = match &self {
            BiteshipError::Api { retry_after, .. } => *retry_after,
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

    fn api(status: u16) -> BiteshipError {
        BiteshipError::Api {
            status,
            code: "40002010".into(),
            message: "m".into(),
            retry_after: None,
        }
    }

    #[test]
    fn classification() {
        assert_eq!(api(500).class(), FailureClass::Retryable);
        assert_eq!(api(429).class(), FailureClass::Retryable);
        assert_eq!(api(400).class(), FailureClass::Permanent);
        assert_eq!(api(401).class(), FailureClass::Permanent);
        assert_eq!(api(404).class(), FailureClass::Permanent);
        let port = api(400).into_port_error("rates");
        assert_eq!(port.code, "40002010");
        assert_eq!(port.provider, "biteship");
        let malformed = BiteshipError::MalformedResponse {
            status: 200,
            message: "x".into(),
        };
        assert_eq!(malformed.class(), FailureClass::Retryable);
        assert_eq!(malformed.code(), "biteship.malformed_response");
    }
}
