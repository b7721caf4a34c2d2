//! Where and how the client talks to Biteship.

use std::time::Duration;

use crate::secret::Secret;

/// The client's configuration. Its `Debug` output never shows the API key.
///
/// ```
/// use std::time::Duration;
/// use patungan_biteship::{BiteshipConfig, Secret};
///
/// let config = BiteshipConfig::new(Secret::new("biteship_test.key"))
///     .with_base_url("http://127.0.0.1:8080")
///     .with_timeouts(Duration::from_secs(2), Duration::from_secs(10));
/// assert!(!format!("{config:?}").contains("biteship_test.key"));
/// ```
#[derive(Debug, Clone)]
pub struct BiteshipConfig {
    /// The API root, [`BiteshipConfig::DEFAULT_BASE_URL`] unless a test points it elsewhere.
    pub base_url: String,
    /// The API key, sent as `Authorization: <key>`.
    pub api_key: Secret,
    /// How long to wait for a TCP/TLS connection.
    pub connect_timeout: Duration,
    /// How long a whole request may take, body included.
    pub request_timeout: Duration,
}

impl BiteshipConfig {
    /// Biteship's public API root.
    pub const DEFAULT_BASE_URL: &'static str = "https://api.biteship.com";
    /// Default connect timeout: 5 s.
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
    /// Default request timeout: 30 s.
    pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

    /// The production API with default timeouts.
    pub fn new(api_key: Secret) -> Self {
        BiteshipConfig {
            base_url: Self::DEFAULT_BASE_URL.to_owned(),
            api_key,
            connect_timeout: Self::DEFAULT_CONNECT_TIMEOUT,
            request_timeout: Self::DEFAULT_REQUEST_TIMEOUT,
        }
    }

    /// Points the client at another API root (a fake server in tests).
    pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Sets the connect and whole-request timeouts.
    pub fn with_timeouts(mut self, connect: Duration, request: Duration) -> Self {
        self.connect_timeout = connect;
        self.request_timeout = request;
        self
    }
}
