//! Xendit callbacks: the `x-callback-token` check, then typed parsing into the engine's
//! notification inputs.
//!
//! Use [`CallbackVerifier`]: each of its methods checks the token on the raw request
//! (constant-time) before it reads a byte of the body. The `parse_*` functions parse
//! without authentication; they exist for tests and tools.

use chrono::{DateTime, Utc};
use patungan_core::notices::{
    PaymentNotification, PaymentStatus, PayoutEvent, PayoutNotification, RefundNotification,
    RefundOutcome,
};
use patungan_core::text::check_text;
use patungan_core::{Currency, Money, PaymentId};
use serde::Deserialize;
use serde_json::value::RawValue;
use subtle::ConstantTimeEq;

use crate::amount::{parse_amount_literal, AmountError};
use crate::secret::Secret;

/// The header carrying Xendit's static verification token.
pub const CALLBACK_TOKEN_HEADER: &str = "x-callback-token";

/// The largest callback body accepted (1 MiB); a batch of 1 000 payouts is far smaller.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// The longest id or code accepted from a callback.
const MAX_ID_LEN: usize = 256;

/// A callback was refused.
///
/// No variant carries the configured token or the received header value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The request has no `x-callback-token` header.
    #[error("the x-callback-token header is missing")]
    MissingToken,
    /// The header does not match the configured token.
    #[error("the x-callback-token header does not match")]
    InvalidToken,
    /// No token is configured, so no callback can be trusted.
    #[error("no callback token is configured; every callback is refused")]
    TokenNotConfigured,
    /// The body is empty.
    #[error("the callback body is empty")]
    EmptyBody,
    /// The body is larger than [`MAX_BODY_BYTES`].
    #[error("the callback body has {len} bytes, more than the {max} accepted")]
    BodyTooLarge {
        /// The body's size.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The body is not the JSON object expected.
    #[error("malformed callback JSON: {message}")]
    MalformedJson {
        /// The parser's explanation.
        message: String,
    },
    /// A required field is absent or null.
    #[error("the callback lacks `{field}`")]
    MissingField {
        /// The field.
        field: &'static str,
    },
    /// A field has an unusable value.
    #[error("the callback's `{field}` is invalid: {reason}")]
    InvalidField {
        /// The field.
        field: &'static str,
        /// Why.
        reason: String,
    },
    /// A status this adapter does not map.
    #[error("the callback's `{field}` has the unknown status `{value}`")]
    UnknownStatus {
        /// The field.
        field: &'static str,
        /// The status received (at most 64 characters of it).
        value: String,
    },
    /// An event this adapter does not map.
    #[error("unknown callback event `{value}`")]
    UnknownEvent {
        /// The event received (at most 64 characters of it).
        value: String,
    },
    /// The event and the status disagree (e.g. `refund.succeeded` with status `FAILED`).
    #[error("callback event `{event}` disagrees with status `{status}`")]
    InconsistentStatus {
        /// The event.
        event: String,
        /// The status.
        status: String,
    },
    /// An amount is unusable.
    #[error("the callback's `{field}` is not a valid amount: {source}")]
    Amount {
        /// The field.
        field: &'static str,
        /// Why.
        source: AmountError,
    },
}

impl WebhookError {
    /// A stable machine-readable code, e.g. `"xendit.webhook.invalid_token"`.
    pub fn code(&self) -> &'static str {
        match self {
            WebhookError::MissingToken => "xendit.webhook.missing_token",
            WebhookError::InvalidToken => "xendit.webhook.invalid_token",
            WebhookError::TokenNotConfigured => "xendit.webhook.token_not_configured",
            WebhookError::EmptyBody => "xendit.webhook.empty_body",
            WebhookError::BodyTooLarge { .. } => "xendit.webhook.body_too_large",
            WebhookError::MalformedJson { .. } => "xendit.webhook.malformed_json",
            WebhookError::MissingField { .. } => "xendit.webhook.missing_field",
            WebhookError::InvalidField { .. } => "xendit.webhook.invalid_field",
            WebhookError::UnknownStatus { .. } => "xendit.webhook.unknown_status",
            WebhookError::UnknownEvent { .. } => "xendit.webhook.unknown_event",
            WebhookError::InconsistentStatus { .. } => "xendit.webhook.inconsistent_status",
            WebhookError::Amount { .. } => "xendit.webhook.invalid_amount",
        }
    }

    /// Whether the request failed authentication (answer 401/403) rather than parsing (400).
    pub fn is_auth_failure(&self) -> bool {
        matches!(
            self,
            WebhookError::MissingToken
                | WebhookError::InvalidToken
                | WebhookError::TokenNotConfigured
        )
    }
}

/// Checks Xendit's `x-callback-token` and parses callbacks.
///
/// ```
/// use patungan_xendit::{CallbackVerifier, Secret};
///
/// let verifier = CallbackVerifier::new(Secret::new("my-callback-token"));
/// let body = br#"{"id":"579c8d61f23fa4ca35e52da4","external_id":"9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d",
///   "status":"PAID","amount":50000,"paid_amount":50000,"paid_at":"2024-05-01T03:04:05.000Z",
///   "currency":"IDR","payment_method":"BANK_TRANSFER","payment_channel":"BCA"}"#;
/// let paid = verifier.invoice(Some(b"my-callback-token".as_slice()), body)?;
/// assert_eq!(paid.provider_event_id, "579c8d61f23fa4ca35e52da4");
/// assert!(verifier.invoice(Some(b"wrong".as_slice()), body).is_err());
/// assert!(verifier.invoice(None, body).is_err());
/// # Ok::<(), patungan_xendit::WebhookError>(())
/// ```
#[derive(Debug, Clone)]
pub struct CallbackVerifier {
    token: Secret,
}

impl CallbackVerifier {
    /// A verifier for the token shown in Xendit's dashboard.
    pub fn new(token: Secret) -> Self {
        CallbackVerifier { token }
    }

    /// Compares the header value with the configured token in constant time.
    pub fn verify(&self, header: Option<&[u8]>) -> Result<(), WebhookError> {
        if self.token.is_empty() {
            return Err(WebhookError::TokenNotConfigured);
        }
        let received = header.ok_or(WebhookError::MissingToken)?;
        // `ct_eq` on slices of different lengths returns false without comparing bytes;
        // only the token's length can leak, never its content.
        if bool::from(received.ct_eq(self.token.expose().as_bytes())) {
            Ok(())
        } else {
            Err(WebhookError::InvalidToken)
        }
    }

    /// Verifies, then parses an invoice callback.
    pub fn invoice(
        &self,
        header: Option<&[u8]>,
        raw_body: &[u8],
    ) -> Result<PaymentNotification, WebhookError> {
        self.verify(header)?;
        parse_invoice_callback(raw_body)
    }

    /// Verifies, then parses a refund webhook.
    pub fn refund(
        &self,
        header: Option<&[u8]>,
        raw_body: &[u8],
    ) -> Result<RefundNotification, WebhookError> {
        self.verify(header)?;
        parse_refund_callback(raw_body)
    }

    /// Verifies, then parses a single-disbursement callback.
    pub fn disbursement(
        &self,
        header: Option<&[u8]>,
        raw_body: &[u8],
    ) -> Result<PayoutNotification, WebhookError> {
        self.verify(header)?;
        parse_disbursement_callback(raw_body)
    }

    /// Verifies, then parses a batch-disbursement callback (one notification per payout).
    pub fn batch_disbursement(
        &self,
        header: Option<&[u8]>,
        raw_body: &[u8],
    ) -> Result<Vec<PayoutNotification>, WebhookError> {
        self.verify(header)?;
        parse_batch_disbursement_callback(raw_body)
    }
}

fn read_json<'a, T: Deserialize<'a>>(raw: &'a [u8]) -> Result<T, WebhookError> {
    if raw.len() > MAX_BODY_BYTES {
        return Err(WebhookError::BodyTooLarge {
            len: raw.len(),
            max: MAX_BODY_BYTES,
        });
    }
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(WebhookError::EmptyBody);
    }
    serde_json::from_slice(raw).map_err(|e| WebhookError::MalformedJson {
        message: e.to_string(),
    })
}

fn clip(value: &str) -> String {
    value.chars().take(64).collect()
}

fn required(field: &'static str, value: Option<String>) -> Result<String, WebhookError> {
    let value = value.ok_or(WebhookError::MissingField { field })?;
    if value.trim().is_empty() {
        return Err(WebhookError::InvalidField {
            field,
            reason: "empty".to_owned(),
        });
    }
    if value.len() > MAX_ID_LEN {
        return Err(WebhookError::InvalidField {
            field,
            reason: format!("longer than {MAX_ID_LEN} bytes"),
        });
    }
    check_text(field, &value, MAX_ID_LEN).map_err(|e| WebhookError::InvalidField {
        field,
        reason: e.to_string(),
    })?;
    Ok(value)
}

fn optional(field: &'static str, value: Option<String>) -> Result<Option<String>, WebhookError> {
    match value {
        None => Ok(None),
        Some(v) if v.is_empty() => Ok(None),
        Some(v) => required(field, Some(v)).map(Some),
    }
}

fn money(field: &'static str, raw: &RawValue, currency: Currency) -> Result<Money, WebhookError> {
    let amount =
        parse_amount_literal(raw.get()).map_err(|source| WebhookError::Amount { field, source })?;
    Money::new(amount, currency).map_err(|e| WebhookError::Amount {
        field,
        source: AmountError::Money(e),
    })
}

/// The currency a callback reports. It is required: the amount is taken in it as sent
/// (never assumed to be IDR), so the engine can compare it with the invoice's.
fn currency(value: Option<String>) -> Result<Currency, WebhookError> {
    let code = required("currency", value)?;
    code.trim().parse().map_err(|_| WebhookError::InvalidField {
        field: "currency",
        reason: format!("unknown currency `{}`", clip(&code)),
    })
}

/// Xendit's invoice callback (the fields this adapter reads).
#[derive(Debug, Deserialize)]
struct InvoiceCallbackWire {
    id: Option<String>,
    external_id: Option<String>,
    status: Option<String>,
    amount: Option<Box<RawValue>>,
    paid_amount: Option<Box<RawValue>>,
    paid_at: Option<String>,
    currency: Option<String>,
    payment_method: Option<String>,
    payment_channel: Option<String>,
    payment_id: Option<String>,
}

/// Parses an invoice callback (status `PAID`, `SETTLED` or `EXPIRED`) without
/// authenticating it. `SETTLED` reports the same payment as `PAID`, so both give the
/// same deduplication key. A paid callback must carry its `currency`: the paid amount
/// is in the currency Xendit sent, never a default.
pub fn parse_invoice_callback(raw_body: &[u8]) -> Result<PaymentNotification, WebhookError> {
    let wire: InvoiceCallbackWire = read_json(raw_body)?;
    let id = required("id", wire.id)?;
    let external_id = required("external_id", wire.external_id)?;
    let payment_id: PaymentId =
        external_id
            .trim()
            .parse()
            .map_err(|_| WebhookError::InvalidField {
                field: "external_id",
                reason: "not a payment id (UUID)".to_owned(),
            })?;
    let status_text = required("status", wire.status)?;
    let status = match status_text.as_str() {
        "PAID" | "SETTLED" => PaymentStatus::Paid,
        "EXPIRED" => PaymentStatus::Expired,
        other => {
            return Err(WebhookError::UnknownStatus {
                field: "status",
                value: clip(other),
            })
        }
    };
    let payment_method = optional("payment_method", wire.payment_method)?;
    let payment_channel = optional("payment_channel", wire.payment_channel)?;
    let provider_payment_id = optional("payment_id", wire.payment_id)?;
    if status == PaymentStatus::Expired {
        return Ok(PaymentNotification {
            provider_event_id: id,
            payment_id,
            status,
            paid_amount: None,
            paid_at: None,
            payment_method,
            payment_channel,
            provider_payment_id,
        });
    }
    let (field, raw_amount) = match (wire.paid_amount, wire.amount) {
        (Some(paid), _) => ("paid_amount", paid),
        (None, Some(amount)) => ("amount", amount),
        (None, None) => {
            return Err(WebhookError::MissingField {
                field: "paid_amount",
            })
        }
    };
    let currency = currency(wire.currency)?;
    let paid_amount = money(field, &raw_amount, currency)?;
    let paid_at = match wire.paid_at {
        None => None,
        Some(text) => Some(
            DateTime::parse_from_rfc3339(text.trim())
                .map(|t| t.with_timezone(&Utc))
                .map_err(|e| WebhookError::InvalidField {
                    field: "paid_at",
                    reason: format!("not an RFC 3339 time: {e}"),
                })?,
        ),
    };
    Ok(PaymentNotification {
        provider_event_id: id,
        payment_id,
        status,
        paid_amount: Some(paid_amount),
        paid_at,
        payment_method,
        payment_channel,
        provider_payment_id,
    })
}

#[derive(Debug, Deserialize)]
struct RefundCallbackWire {
    event: Option<String>,
    data: Option<RefundDataWire>,
}

#[derive(Debug, Deserialize)]
struct RefundDataWire {
    id: Option<String>,
    reference_id: Option<String>,
    status: Option<String>,
    failure_code: Option<String>,
}

/// Parses a refund webhook (`refund.succeeded` / `refund.failed`) without authenticating it.
pub fn parse_refund_callback(raw_body: &[u8]) -> Result<RefundNotification, WebhookError> {
    let wire: RefundCallbackWire = read_json(raw_body)?;
    let event = required("event", wire.event)?;
    let outcome = match event.as_str() {
        "refund.succeeded" => RefundOutcome::Succeeded,
        "refund.failed" => RefundOutcome::Failed,
        other => return Err(WebhookError::UnknownEvent { value: clip(other) }),
    };
    let data = wire
        .data
        .ok_or(WebhookError::MissingField { field: "data" })?;
    let id = required("data.id", data.id)?;
    let reference = required("data.reference_id", data.reference_id)?;
    if let Some(status) = data.status.as_deref() {
        let agrees = match status {
            "SUCCEEDED" => outcome == RefundOutcome::Succeeded,
            "FAILED" => outcome == RefundOutcome::Failed,
            other => {
                return Err(WebhookError::UnknownStatus {
                    field: "data.status",
                    value: clip(other),
                })
            }
        };
        if !agrees {
            return Err(WebhookError::InconsistentStatus {
                event: clip(&event),
                status: clip(status),
            });
        }
    }
    let failure_code = match outcome {
        RefundOutcome::Failed => optional("data.failure_code", data.failure_code)?,
        RefundOutcome::Succeeded => None,
    };
    Ok(RefundNotification {
        provider_event_id: id,
        reference,
        outcome,
        failure_code,
    })
}

#[derive(Debug, Deserialize)]
struct DisbursementWire {
    id: Option<String>,
    external_id: Option<String>,
    status: Option<String>,
    failure_code: Option<String>,
}

fn payout(
    wire: DisbursementWire,
    fields: [&'static str; 4],
) -> Result<PayoutNotification, WebhookError> {
    let [id_field, external_field, status_field, failure_field] = fields;
    let id = required(id_field, wire.id)?;
    let external_id = required(external_field, wire.external_id)?;
    let status = required(status_field, wire.status)?;
    let outcome = match status.as_str() {
        "COMPLETED" => PayoutEvent::Completed,
        "FAILED" => PayoutEvent::Failed,
        "REVERSED" => PayoutEvent::Reversed,
        other => {
            return Err(WebhookError::UnknownStatus {
                field: status_field,
                value: clip(other),
            })
        }
    };
    let failure_code = match outcome {
        PayoutEvent::Failed | PayoutEvent::Reversed => optional(failure_field, wire.failure_code)?,
        PayoutEvent::Completed => None,
    };
    Ok(PayoutNotification {
        provider_event_id: id,
        external_id,
        outcome,
        failure_code,
    })
}

/// Parses a single-disbursement callback (`COMPLETED` / `FAILED` with `failure_code`)
/// without authenticating it.
pub fn parse_disbursement_callback(raw_body: &[u8]) -> Result<PayoutNotification, WebhookError> {
    let wire: DisbursementWire = read_json(raw_body)?;
    payout(wire, ["id", "external_id", "status", "failure_code"])
}

#[derive(Debug, Deserialize)]
struct BatchWire {
    id: Option<String>,
    disbursements: Option<Vec<DisbursementWire>>,
}

/// Parses a batch-disbursement callback into one notification per payout, without
/// authenticating it. Some payouts may be `COMPLETED` and others `FAILED`; a payout with
/// any other status refuses the whole callback (Xendit retries it).
pub fn parse_batch_disbursement_callback(
    raw_body: &[u8],
) -> Result<Vec<PayoutNotification>, WebhookError> {
    let wire: BatchWire = read_json(raw_body)?;
    required("id", wire.id)?;
    let items = wire.disbursements.ok_or(WebhookError::MissingField {
        field: "disbursements",
    })?;
    items
        .into_iter()
        .map(|item| {
            payout(
                item,
                [
                    "disbursements[].id",
                    "disbursements[].external_id",
                    "disbursements[].status",
                    "disbursements[].failure_code",
                ],
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_checks() {
        let v = CallbackVerifier::new(Secret::new("tok"));
        assert_eq!(v.verify(Some(b"tok")), Ok(()));
        assert_eq!(v.verify(Some(b"tok2")), Err(WebhookError::InvalidToken));
        assert_eq!(v.verify(Some(b"")), Err(WebhookError::InvalidToken));
        assert_eq!(v.verify(None), Err(WebhookError::MissingToken));
        let empty = CallbackVerifier::new(Secret::new(""));
        assert_eq!(
            empty.verify(Some(b"")),
            Err(WebhookError::TokenNotConfigured)
        );
        assert!(WebhookError::InvalidToken.is_auth_failure());
        assert!(!WebhookError::EmptyBody.is_auth_failure());
    }

    #[test]
    fn errors_never_show_the_token() {
        let v = CallbackVerifier::new(Secret::new("SUPER-SECRET-TOKEN"));
        let err = v.invoice(Some(b"SUPER-SECRET-TOKEX"), b"{}").unwrap_err();
        let shown = format!("{err} {err:?} {v:?}");
        assert!(!shown.contains("SUPER-SECRET"), "{shown}");
    }

    #[test]
    fn bodies() {
        assert_eq!(
            parse_invoice_callback(b"  ").unwrap_err(),
            WebhookError::EmptyBody
        );
        assert_eq!(
            parse_invoice_callback(b"[1]").unwrap_err().code(),
            "xendit.webhook.malformed_json"
        );
        let big = vec![b' '; MAX_BODY_BYTES + 1];
        assert!(matches!(
            parse_invoice_callback(&big),
            Err(WebhookError::BodyTooLarge { .. })
        ));
    }
}
