//! Biteship webhooks (`order.status`, `order.waybill_id`, `order.price`): an optional
//! HMAC-SHA256 signature check on the raw body, then typed parsing into the engine's
//! [`ShipmentNotification`].
//!
//! ## Signature
//!
//! Biteship's public documentation describes no signing scheme of its own. When a secret
//! is configured, this adapter expects the header [`SIGNATURE_HEADER`]
//! (`X-Biteship-Signature`) to carry the lowercase or uppercase hex HMAC-SHA256 of the
//! raw request body under that secret, optionally prefixed `sha256=`; configure the
//! webhook (or the proxy in front of the service) to send it. The comparison is
//! constant-time. Without a secret, webhooks are accepted unsigned (protect the URL
//! another way, e.g. a secret path).
//!
//! Biteship probes a new webhook URL with an empty body and no signature; answer it
//! with 200 when [`is_installation_probe`] says so, before verifying.

use hmac::{Hmac, Mac};
use patungan_core::notices::ShipmentNotification;
use patungan_core::text::check_text;
use patungan_core::{Currency, Money};
use serde::Deserialize;
use serde_json::value::RawValue;
use sha2::Sha256;

use crate::amount::{parse_amount_literal, AmountError};
use crate::secret::Secret;
use crate::status::parse_status;

/// The header carrying the hex HMAC-SHA256 of the raw body.
pub const SIGNATURE_HEADER: &str = "x-biteship-signature";

/// The largest webhook body accepted (256 KiB).
pub const MAX_BODY_BYTES: usize = 256 * 1024;

const MAX_ID_LEN: usize = 256;

type HmacSha256 = Hmac<Sha256>;

/// A webhook was refused. No variant carries the secret or the received signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// A secret is configured but the request carries no signature.
    #[error("the {SIGNATURE_HEADER} header is missing")]
    MissingSignature,
    /// The signature is not 64 hex digits.
    #[error("the {SIGNATURE_HEADER} header is not a hex HMAC-SHA256")]
    MalformedSignature,
    /// The signature does not match the body.
    #[error("the {SIGNATURE_HEADER} header does not match the body")]
    InvalidSignature,
    /// The configured secret is empty, so no webhook can be trusted.
    #[error("the webhook secret is empty; every webhook is refused")]
    SecretNotConfigured,
    /// The body is empty (Biteship's installation probe looks like this).
    #[error("the webhook body is empty")]
    EmptyBody,
    /// The body is larger than [`MAX_BODY_BYTES`].
    #[error("the webhook body has {len} bytes, more than the {max} accepted")]
    BodyTooLarge {
        /// The body's size.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The body is not the JSON object expected.
    #[error("malformed webhook JSON: {message}")]
    MalformedJson {
        /// The parser's explanation.
        message: String,
    },
    /// A required field is absent or null.
    #[error("the webhook lacks `{field}`")]
    MissingField {
        /// The field.
        field: &'static str,
    },
    /// A field has an unusable value.
    #[error("the webhook's `{field}` is invalid: {reason}")]
    InvalidField {
        /// The field.
        field: &'static str,
        /// Why.
        reason: String,
    },
    /// An event this adapter does not map.
    #[error("unknown webhook event `{value}`")]
    UnknownEvent {
        /// The event received (at most 64 characters of it).
        value: String,
    },
    /// A status this adapter does not map.
    #[error("unknown shipment status `{value}`")]
    UnknownStatus {
        /// The status received (at most 64 characters of it).
        value: String,
    },
    /// An amount is unusable.
    #[error("the webhook's `{field}` is not a valid amount: {source}")]
    Amount {
        /// The field.
        field: &'static str,
        /// Why.
        source: AmountError,
    },
}

impl WebhookError {
    /// A stable machine-readable code, e.g. `"biteship.webhook.invalid_signature"`.
    pub fn code(&self) -> &'static str {
        match self {
            WebhookError::MissingSignature => "biteship.webhook.missing_signature",
            WebhookError::MalformedSignature => "biteship.webhook.malformed_signature",
            WebhookError::InvalidSignature => "biteship.webhook.invalid_signature",
            WebhookError::SecretNotConfigured => "biteship.webhook.secret_not_configured",
            WebhookError::EmptyBody => "biteship.webhook.empty_body",
            WebhookError::BodyTooLarge { .. } => "biteship.webhook.body_too_large",
            WebhookError::MalformedJson { .. } => "biteship.webhook.malformed_json",
            WebhookError::MissingField { .. } => "biteship.webhook.missing_field",
            WebhookError::InvalidField { .. } => "biteship.webhook.invalid_field",
            WebhookError::UnknownEvent { .. } => "biteship.webhook.unknown_event",
            WebhookError::UnknownStatus { .. } => "biteship.webhook.unknown_status",
            WebhookError::Amount { .. } => "biteship.webhook.invalid_amount",
        }
    }

    /// Whether the request failed authentication (answer 401) rather than parsing (400).
    pub fn is_auth_failure(&self) -> bool {
        matches!(
            self,
            WebhookError::MissingSignature
                | WebhookError::MalformedSignature
                | WebhookError::InvalidSignature
                | WebhookError::SecretNotConfigured
        )
    }
}

/// Whether a request is Biteship's URL check (an empty body or `{}`), to be answered 200
/// without processing.
pub fn is_installation_probe(raw_body: &[u8]) -> bool {
    let trimmed: Vec<u8> = raw_body
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .take(3)
        .collect();
    trimmed.is_empty() || trimmed == b"{}"
}

/// The hex HMAC-SHA256 of `raw_body` under `secret`: what [`SIGNATURE_HEADER`] carries.
///
/// ```
/// use patungan_biteship::{signature_hex, BiteshipWebhook, Secret};
///
/// let secret = Secret::new("whsec");
/// let body = br#"{"event":"order.status","order_id":"5dd599ebdefcd4158eb8470b","status":"picked"}"#;
/// let signature = signature_hex(&secret, body);
/// let webhook = BiteshipWebhook::signed(secret);
/// assert!(webhook.parse(Some(signature.as_bytes()), body).is_ok());
/// assert!(webhook.parse(None, body).is_err());
/// ```
pub fn signature_hex(secret: &Secret, raw_body: &[u8]) -> String {
    let Some(mut mac) = mac(secret) else {
        return String::new();
    };
    mac.update(raw_body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn mac(secret: &Secret) -> Option<HmacSha256> {
    // HMAC takes a key of any length, so this does not fail in practice.
    <HmacSha256 as Mac>::new_from_slice(secret.expose().as_bytes()).ok()
}

fn decode_hex(text: &[u8]) -> Option<[u8; 32]> {
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    if text.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (slot, pair) in out.iter_mut().zip(text.chunks_exact(2)) {
        let [hi, lo] = pair else { return None };
        *slot = (nibble(*hi)? << 4) | nibble(*lo)?;
    }
    Some(out)
}

/// Checks the optional signature and parses Biteship webhooks.
#[derive(Debug, Clone)]
pub struct BiteshipWebhook {
    secret: Option<Secret>,
}

impl BiteshipWebhook {
    /// Webhooks must carry a valid [`SIGNATURE_HEADER`] under `secret`.
    pub fn signed(secret: Secret) -> Self {
        BiteshipWebhook {
            secret: Some(secret),
        }
    }

    /// Webhooks are accepted without a signature.
    pub fn unsigned() -> Self {
        BiteshipWebhook { secret: None }
    }

    /// Signed when a secret is given, unsigned otherwise.
    pub fn new(secret: Option<Secret>) -> Self {
        BiteshipWebhook { secret }
    }

    /// Whether a signature is required.
    pub fn requires_signature(&self) -> bool {
        self.secret.is_some()
    }

    /// Checks the signature header against the raw body (a no-op when unsigned).
    pub fn verify(&self, signature: Option<&[u8]>, raw_body: &[u8]) -> Result<(), WebhookError> {
        let Some(secret) = &self.secret else {
            return Ok(());
        };
        if secret.is_empty() {
            return Err(WebhookError::SecretNotConfigured);
        }
        let header = signature.ok_or(WebhookError::MissingSignature)?;
        let header = header.trim_ascii();
        let hex = match header.get(..7) {
            Some(prefix) if prefix.eq_ignore_ascii_case(b"sha256=") => {
                header.get(7..).unwrap_or(b"")
            }
            _ => header,
        };
        let expected = decode_hex(hex).ok_or(WebhookError::MalformedSignature)?;
        let mut mac = mac(secret).ok_or(WebhookError::SecretNotConfigured)?;
        mac.update(raw_body);
        // `verify_slice` compares in constant time.
        mac.verify_slice(&expected)
            .map_err(|_| WebhookError::InvalidSignature)
    }

    /// Verifies, then parses a webhook.
    pub fn parse(
        &self,
        signature: Option<&[u8]>,
        raw_body: &[u8],
    ) -> Result<ShipmentNotification, WebhookError> {
        self.verify(signature, raw_body)?;
        parse_webhook(raw_body)
    }
}

/// Biteship's flat webhook body (the fields this adapter reads).
#[derive(Debug, Deserialize)]
struct WebhookWire {
    event: Option<String>,
    order_id: Option<String>,
    status: Option<String>,
    courier_waybill_id: Option<String>,
    price: Option<Box<RawValue>>,
    order_price: Option<Box<RawValue>>,
}

fn clip(value: &str) -> String {
    value.chars().take(64).collect()
}

fn text(field: &'static str, value: Option<String>) -> Result<Option<String>, WebhookError> {
    match value {
        None => Ok(None),
        Some(v) if v.trim().is_empty() => Ok(None),
        Some(v) if v.len() > MAX_ID_LEN => Err(WebhookError::InvalidField {
            field,
            reason: format!("longer than {MAX_ID_LEN} bytes"),
        }),
        Some(v) => {
            check_text(field, &v, MAX_ID_LEN).map_err(|e| WebhookError::InvalidField {
                field,
                reason: e.to_string(),
            })?;
            Ok(Some(v))
        }
    }
}

fn required(field: &'static str, value: Option<String>) -> Result<String, WebhookError> {
    text(field, value)?.ok_or(WebhookError::MissingField { field })
}

fn money(field: &'static str, raw: Option<Box<RawValue>>) -> Result<Option<Money>, WebhookError> {
    let Some(raw) = raw else { return Ok(None) };
    let amount =
        parse_amount_literal(raw.get()).map_err(|source| WebhookError::Amount { field, source })?;
    Money::new(amount, Currency::IDR)
        .map(Some)
        .map_err(|e| WebhookError::Amount {
            field,
            source: AmountError::Money(e),
        })
}

/// Parses a webhook body without verifying it.
///
/// - `order.status`: `status` is required; `courier_waybill_id` and `order_price` are
///   taken when present.
/// - `order.waybill_id`: `courier_waybill_id` and `status` are required.
/// - `order.price`: `price` (the new total) and `status` are required.
pub fn parse_webhook(raw_body: &[u8]) -> Result<ShipmentNotification, WebhookError> {
    if raw_body.len() > MAX_BODY_BYTES {
        return Err(WebhookError::BodyTooLarge {
            len: raw_body.len(),
            max: MAX_BODY_BYTES,
        });
    }
    if raw_body.iter().all(u8::is_ascii_whitespace) {
        return Err(WebhookError::EmptyBody);
    }
    let wire: WebhookWire =
        serde_json::from_slice(raw_body).map_err(|e| WebhookError::MalformedJson {
            message: e.to_string(),
        })?;
    let event = required("event", wire.event)?;
    let provider_order_id = required("order_id", wire.order_id)?;
    let status_text = required("status", wire.status)?;
    let status = parse_status(&status_text).map_err(|e| WebhookError::UnknownStatus {
        value: clip(&e.value),
    })?;
    let waybill_id = text("courier_waybill_id", wire.courier_waybill_id)?;
    let price = match event.as_str() {
        "order.status" => money("order_price", wire.order_price)?,
        "order.waybill_id" => {
            if waybill_id.is_none() {
                return Err(WebhookError::MissingField {
                    field: "courier_waybill_id",
                });
            }
            money("order_price", wire.order_price)?
        }
        "order.price" => {
            Some(money("price", wire.price)?.ok_or(WebhookError::MissingField { field: "price" })?)
        }
        other => return Err(WebhookError::UnknownEvent { value: clip(other) }),
    };
    Ok(ShipmentNotification {
        provider_order_id,
        status,
        waybill_id,
        price,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip() {
        let secret = Secret::new("k");
        let sig = signature_hex(&secret, b"body");
        assert_eq!(sig.len(), 64);
        assert!(decode_hex(sig.as_bytes()).is_some());
        assert!(decode_hex(sig.to_uppercase().as_bytes()).is_some());
        assert!(decode_hex(b"zz").is_none());
        assert!(decode_hex(&[b'g'; 64]).is_none());
    }

    #[test]
    fn probes() {
        assert!(is_installation_probe(b""));
        assert!(is_installation_probe(b" {} \n"));
        assert!(!is_installation_probe(b"{\"event\":1}"));
    }

    #[test]
    fn empty_secret_refuses_everything() {
        let w = BiteshipWebhook::new(Some(Secret::new("")));
        assert_eq!(
            w.verify(Some(b"00"), b"{}"),
            Err(WebhookError::SecretNotConfigured)
        );
        assert!(!BiteshipWebhook::unsigned().requires_signature());
    }
}
