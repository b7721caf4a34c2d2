//! The HTTP side: one signed `POST` per delivery, its answer classed for the engine.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use patungan_http::{build_client, checked_base_url, clip, retry_after, transport_kind, Secret};
use patungan_ports::PortError;
use reqwest::StatusCode;
use serde::Serialize;

use crate::signature::sign;

/// The provider name in [`PortError`]s.
const PROVIDER: &str = "webhook";

/// Where and how deliveries go.
#[derive(Debug, Clone)]
pub struct WebhookConfig {
    /// The endpoint's URL (`http(s)://…`).
    pub url: String,
    /// The signing secret (`whsec_<base64>` as Standard Webhooks issues them, or any
    /// other text used as the key itself).
    pub secret: Secret,
    /// How long to wait for a connection.
    pub connect_timeout: Duration,
    /// How long to wait for the whole answer.
    pub request_timeout: Duration,
}

impl WebhookConfig {
    /// A configuration with 5 s to connect and 15 s for the answer.
    pub fn new(url: impl Into<String>, secret: Secret) -> Self {
        WebhookConfig {
            url: url.into(),
            secret,
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(15),
        }
    }
}

/// A sender that cannot be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The URL is not an http(s) URL, or the client could not be built.
    #[error(transparent)]
    Client(#[from] patungan_http::ClientBuildError),
    /// The secret is empty or not valid `whsec_` base64.
    #[error(transparent)]
    Secret(#[from] crate::signature::SignatureError),
}

/// Posts signed deliveries to one endpoint.
#[derive(Debug, Clone)]
pub struct WebhookSender {
    client: reqwest::Client,
    url: String,
    secret: Secret,
    clock: fn() -> i64,
}

#[derive(Serialize)]
struct Envelope<'a, T: Serialize> {
    #[serde(rename = "type")]
    kind: &'a str,
    timestamp: i64,
    data: &'a T,
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

impl WebhookSender {
    /// A sender for `config` (the URL and the secret are checked here).
    pub fn new(config: &WebhookConfig) -> Result<Self, WebhookError> {
        let url = checked_base_url(&config.url)?;
        sign(config.secret.expose(), "check", 0, b"")?;
        let client = build_client(
            concat!("patungan-webhook/", env!("CARGO_PKG_VERSION")),
            config.connect_timeout,
            config.request_timeout,
        )?;
        Ok(WebhookSender {
            client,
            url,
            secret: config.secret.clone(),
            clock: unix_now,
        })
    }

    /// The same sender with another clock (Unix seconds), for tests.
    pub fn with_clock(mut self, clock: fn() -> i64) -> Self {
        self.clock = clock;
        self
    }

    /// Posts `data` as an event of type `kind` under the message id `id`.
    pub(crate) async fn post_event<T: Serialize>(
        &self,
        operation: &'static str,
        kind: &str,
        id: &str,
        data: &T,
    ) -> Result<(), PortError> {
        let timestamp = (self.clock)();
        let body = serde_json::to_vec(&Envelope {
            kind,
            timestamp,
            data,
        })
        .map_err(|e| PortError::permanent(PROVIDER, operation, "ENCODE", e.to_string()))?;
        let signature = sign(self.secret.expose(), id, timestamp, &body)
            .map_err(|e| PortError::permanent(PROVIDER, operation, "SECRET", e.to_string()))?;
        let answer = self
            .client
            .post(&self.url)
            .header("content-type", "application/json")
            .header("webhook-id", id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(body)
            .send()
            .await
            .map_err(|e| {
                let kind = transport_kind(&e);
                PortError::retryable(
                    PROVIDER,
                    operation,
                    format!("{kind:?}").to_uppercase(),
                    clip(&e.to_string()),
                )
            })?;
        let status = answer.status();
        if status.is_success() {
            return Ok(());
        }
        let wait = retry_after(answer.headers());
        let text = answer.text().await.unwrap_or_default();
        let message = format!("the endpoint answered {status}: {}", clip(&text));
        let code = format!("HTTP_{}", status.as_u16());
        let mut error = if is_retryable(status) {
            PortError::retryable(PROVIDER, operation, code, message)
        } else {
            PortError::permanent(PROVIDER, operation, code, message)
        };
        error.retry_after = wait;
        Err(error)
    }
}

/// 408, 429 and 5xx may pass if repeated; other statuses will not.
fn is_retryable(status: StatusCode) -> bool {
    status == StatusCode::REQUEST_TIMEOUT
        || status == StatusCode::TOO_MANY_REQUESTS
        || status.is_server_error()
}
