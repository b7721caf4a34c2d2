//! How a port call failed, classed so the effect runner knows whether to retry.

use std::time::Duration;

/// Whether a failed call may succeed if repeated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailureClass {
    /// Timeouts, 5xx, provider-side temporary errors: retry with backoff, same idempotency key.
    Retryable,
    /// Validation errors and refusals: retrying cannot help.
    Permanent,
}

/// A port call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{provider} {operation} failed ({class:?}, {code}): {message}")]
pub struct PortError {
    /// The provider, e.g. `"xendit"` or `"memory"`.
    pub provider: &'static str,
    /// The operation, e.g. `"create_invoice"`.
    pub operation: &'static str,
    /// Retry or give up.
    pub class: FailureClass,
    /// The provider's error code (e.g. `SERVER_ERROR`), or a transport code such as `TIMEOUT`.
    pub code: String,
    /// A human-readable explanation; never contains secrets.
    pub message: String,
    /// How long the provider asked us to wait before retrying, if it said.
    pub retry_after: Option<Duration>,
}

impl PortError {
    /// A retryable failure.
    pub fn retryable(
        provider: &'static str,
        operation: &'static str,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        PortError {
            provider,
            operation,
            class: FailureClass::Retryable,
            code: code.into(),
            message: message.into(),
            retry_after: None,
        }
    }

    /// A permanent failure.
    pub fn permanent(
        provider: &'static str,
        operation: &'static str,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        PortError {
            class: FailureClass::Permanent,
            ..PortError::retryable(provider, operation, code, message)
        }
    }

    /// Whether the runner should try again.
    pub fn is_retryable(&self) -> bool {
        self.class == FailureClass::Retryable
    }
}
