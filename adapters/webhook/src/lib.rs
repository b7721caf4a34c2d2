//! # patungan-webhook
//!
//! Signed outgoing webhooks: the engine's notification port ([`Notifier`]) and its
//! factory port ([`FactoryChannel`]) over HTTP, to an endpoint the operator runs (a
//! push service, a mail relay, the factory's order intake).
//!
//! Each delivery is one `POST` of a JSON envelope `{"type", "timestamp", "data"}`
//! signed as [Standard Webhooks](https://www.standardwebhooks.com/) says: the headers
//! `webhook-id` (the message id, the same on every retry, so the receiver
//! deduplicates), `webhook-timestamp` (Unix seconds) and `webhook-signature`
//! (`v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`). [`verify`] checks a
//! delivery the way a receiver does.
//!
//! A 2xx answer delivers; a timeout, a connection failure, 408, 429 or 5xx is
//! retryable (the engine's outbox retries under the same id, honouring
//! `Retry-After`); any other status is permanent.
//!
//! [`Notifier`]: patungan_ports::Notifier
//! [`FactoryChannel`]: patungan_ports::FactoryChannel

mod ports;
mod sender;
mod signature;

pub use patungan_http::Secret;
pub use sender::{WebhookConfig, WebhookError, WebhookSender};
pub use signature::{sign, verify, SignatureError, DEFAULT_TOLERANCE_SECONDS};
