//! Standard Webhooks signatures: `v1,<base64(HMAC-SHA256(key, "<id>.<ts>.<body>"))>`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// How far a delivery's timestamp may be from the receiver's clock: 5 minutes.
pub const DEFAULT_TOLERANCE_SECONDS: i64 = 300;

/// Why a delivery's signature was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The timestamp is not Unix seconds, or too far from now.
    #[error("the webhook timestamp is missing, malformed or outside the tolerance")]
    Timestamp,
    /// No `v1` signature matches the body.
    #[error("no webhook signature matches")]
    Mismatch,
    /// The secret is empty or not valid `whsec_` base64.
    #[error("the webhook secret is empty or not valid base64 after `whsec_`")]
    Secret,
}

/// The HMAC key of `secret`: the bytes after `whsec_` base64-decoded, or the secret's
/// own bytes when it has no such prefix.
fn key(secret: &str) -> Result<Vec<u8>, SignatureError> {
    let key = match secret.strip_prefix("whsec_") {
        Some(encoded) => STANDARD
            .decode(encoded)
            .map_err(|_| SignatureError::Secret)?,
        None => secret.as_bytes().to_vec(),
    };
    if key.is_empty() {
        return Err(SignatureError::Secret);
    }
    Ok(key)
}

fn mac(key: &[u8], id: &str, timestamp: i64, body: &[u8]) -> Result<Vec<u8>, SignatureError> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).map_err(|_| SignatureError::Secret)?;
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(mac.finalize().into_bytes().to_vec())
}

/// The `webhook-signature` header value of a delivery.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Result<String, SignatureError> {
    let tag = mac(&key(secret)?, id, timestamp, body)?;
    Ok(format!("v1,{}", STANDARD.encode(tag)))
}

/// Checks a delivery as a receiver does: the timestamp within `tolerance_seconds` of
/// `now` (Unix seconds) and one of the space-separated `v1,` signatures matching, in
/// constant time.
pub fn verify(
    secret: &str,
    id: &str,
    timestamp: &str,
    signatures: &str,
    body: &[u8],
    now: i64,
    tolerance_seconds: i64,
) -> Result<(), SignatureError> {
    let at: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| SignatureError::Timestamp)?;
    if now.abs_diff(at) > tolerance_seconds.unsigned_abs() {
        return Err(SignatureError::Timestamp);
    }
    let expected = mac(&key(secret)?, id, at, body)?;
    let matches = signatures
        .split_whitespace()
        .filter_map(|s| s.strip_prefix("v1,"))
        .filter_map(|s| STANDARD.decode(s).ok())
        .any(|tag| bool::from(tag.as_slice().ct_eq(&expected)));
    if matches {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn standard_webhooks_example_signature() {
        // The example of the Standard Webhooks specification.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
        let body = br#"{"test": 2432232314}"#;
        let signature = sign(secret, id, 1_614_265_330, body).unwrap();
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        verify(
            secret,
            id,
            "1614265330",
            &signature,
            body,
            1_614_265_330,
            300,
        )
        .unwrap();
    }

    #[test]
    fn a_changed_body_an_old_timestamp_or_another_secret_is_refused() {
        let secret = "plain-secret";
        let signature = sign(secret, "m1", 1_000, b"{}").unwrap();
        let check = |s: &str, ts: &str, body: &[u8], now: i64| {
            verify(s, "m1", ts, &format!("v0,xx {signature}"), body, now, 300)
        };
        assert_eq!(check(secret, "1000", b"{}", 1_200), Ok(()));
        assert_eq!(
            check(secret, "1000", b"{ }", 1_000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            check(secret, "1000", b"{}", 1_301),
            Err(SignatureError::Timestamp)
        );
        assert_eq!(
            check(secret, "soon", b"{}", 1_000),
            Err(SignatureError::Timestamp)
        );
        assert_eq!(
            check("other", "1000", b"{}", 1_000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(check("", "1000", b"{}", 1_000), Err(SignatureError::Secret));
    }
}
